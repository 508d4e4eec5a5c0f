/* The Verilated RTL behind mmu_tlm's sockets, pin by pin, in lockstep with the C model (see mmu_tlm_rtl.h). */
#include "mmu_tlm_rtl.h"

#include <cinttypes>
#include <cstdio>
#include <stdexcept>
#include <type_traits>

#include "Vmmu_top.h"

/* Verilator --sc maps a 1-bit port to bool, up to 32 bits to uint32_t, up to 64 to uint64_t. */
template <unsigned W> using pin_t = std::conditional_t<W == 1, bool, std::conditional_t<(W <= 32), uint32_t, uint64_t>>;

struct mmu_tlm_rtl_core::pins : sc_core::sc_module {
	Vmmu_top top;
	/* rst_n starts high: the reset is asynchronous, on its falling edge, which drive() makes before cycle 0. */
	sc_core::sc_signal<bool> clk{"clk"}, rst_n{"rst_n", true};
#define MMU_IN(name, width)      sc_core::sc_signal<pin_t<width>> name{#name};
#define MMU_IN_REQ(name, width)  sc_core::sc_signal<pin_t<width>> i_##name{"i" #name}, d_##name{"d" #name};
#define MMU_OUT(name, width)     MMU_IN(name, width)
#define MMU_OUT_REQ(name, width) MMU_IN_REQ(name, width)
#include "mmu/mmu_ports.def"
	bool reset_done = false;

	explicit pins(sc_core::sc_module_name name) : sc_module(name), top("top")
	{
		top.clk_i(clk);
		top.rst_ni(rst_n);
#define MMU_IN(name, width) top.name##_i(name);
#define MMU_IN_REQ(name, width)                                                                                        \
	top.i##name##_i(i_##name);                                                                                     \
	top.d##name##_i(d_##name);
#define MMU_OUT(name, width) top.name##_o(name);
#define MMU_OUT_REQ(name, width)                                                                                       \
	top.i##name##_o(i_##name);                                                                                     \
	top.d##name##_o(d_##name);
#include "mmu/mmu_ports.def"
	}

	/*
	 * Written pins update in the next delta, the Verilated module evaluates in it and its outputs update at its
	 * end: two deltas, whichever of this thread and the module runs first.
	 */
	static void settle()
	{
		sc_core::wait(sc_core::SC_ZERO_TIME);
		sc_core::wait(sc_core::SC_ZERO_TIME);
	}

	void drive(const mmu_in_t &in)
	{
		if (!reset_done) {
			/* T15: the model starts in its reset state; the RTL gets an asynchronous reset before its first
			 * cycle. */
			rst_n.write(false);
			settle();
			rst_n.write(true);
			reset_done = true;
		}
#define MMU_IN(name, width) name.write(pin_t<width>(in.name));
#define MMU_IN_REQ(name, width)                                                                                        \
	i_##name.write(pin_t<width>(in.name[MMU_REQ_I]));                                                              \
	d_##name.write(pin_t<width>(in.name[MMU_REQ_D]));
#include "mmu/mmu_ports.def"
	}

	void read(mmu_out_t &out) const
	{
#define MMU_OUT(name, width) out.name = uint64_t(name.read());
#define MMU_OUT_REQ(name, width)                                                                                       \
	out.name[MMU_REQ_I] = uint64_t(i_##name.read());                                                               \
	out.name[MMU_REQ_D] = uint64_t(d_##name.read());
#include "mmu/mmu_ports.def"
	}
};

namespace
{

const char *policy_name(uint64_t p)
{
	static const char *const names[] = {"lru", "plru", "fifo", "random"};
	return p < 4 ? names[p] : "?";
}

std::string value_text(const char *key, uint64_t v)
{
	std::string k = key;
	if (k.size() > 7 && k.compare(k.size() - 7, 7, ".policy") == 0)
		return policy_name(v);
	return std::to_string(v);
}

uint64_t tlb_value(const mmu_cfg_t &cfg, const char *key)
{
	std::string k = key;
	const mmu_tlb_cfg_t &t = k.rfind("tlb.l1i.", 0) == 0 ? cfg.l1i : k.rfind("tlb.l1d.", 0) == 0 ? cfg.l1d : cfg.l2;
	std::string field = k.substr(k.rfind('.') + 1);
	if (field == "entries")
		return t.entries;
	if (field == "ways")
		return t.ways ? t.ways : t.entries; /* 0 is "full" */
	if (field == "policy")
		return uint64_t(t.policy);
	return t.hit_latency;
}

} // namespace

std::string mmu_tlm_rtl_check(const mmu_cfg_t &cfg)
{
	static const struct {
		const char *key;
		uint64_t built;
	} tlb_keys[] = {
	    {"tlb.l1i.entries", MMU_RTL_L1iEntries}, {"tlb.l1i.ways", MMU_RTL_L1iWays},
	    {"tlb.l1i.policy", MMU_RTL_L1iPolicy},   {"tlb.l1i.hit_latency", MMU_RTL_L1iHitLatency},
	    {"tlb.l1d.entries", MMU_RTL_L1dEntries}, {"tlb.l1d.ways", MMU_RTL_L1dWays},
	    {"tlb.l1d.policy", MMU_RTL_L1dPolicy},   {"tlb.l1d.hit_latency", MMU_RTL_L1dHitLatency},
	    {"tlb.l2.entries", MMU_RTL_L2Entries},   {"tlb.l2.ways", MMU_RTL_L2Ways},
	    {"tlb.l2.policy", MMU_RTL_L2Policy},     {"tlb.l2.hit_latency", MMU_RTL_L2HitLatency},
	};
	const std::string tail = " (the Verilated RTL is built with fixed parameters: rtl/mmu_configs.txt \"default\")";
	if (cfg.paging.mode != MMU_MODE_X86_64)
		return "--mmu rtl: paging.mode must be x86_64, the only mode of the RTL";
	for (const auto &k : tlb_keys) {
		uint64_t v = tlb_value(cfg, k.key);
		if (v != k.built)
			return std::string("--mmu rtl: ") + k.key + " = " + value_text(k.key, v) +
			       ", but the RTL has " + value_text(k.key, k.built) + tail;
	}
	if (cfg.paging.pa_bits != MMU_RTL_PaBits)
		return "--mmu rtl: paging.pa_bits = " + std::to_string(cfg.paging.pa_bits) + ", but the RTL has " +
		       std::to_string(MMU_RTL_PaBits) + tail;
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++) /* the "default" build has no walk caches */
		if (cfg.pwc[n].entries)
			return "--mmu rtl: pwc.l" + std::to_string(n) +
			       ".entries = " + std::to_string(cfg.pwc[n].entries) + ", but the RTL has 0" + tail;
	if (uint64_t(cfg.pcid) != MMU_RTL_PcidEn)
		return "--mmu rtl: cr3.pcid = " + std::to_string(int(cfg.pcid)) + ", but the RTL has " +
		       std::to_string(MMU_RTL_PcidEn) + tail;
	/* The seed reaches the RTL only as the random-replacement LFSRs' initial states (R5). */
	const struct {
		const char *tlb;
		mmu_tlb_id_t id;
		mmu_policy_t policy;
		uint64_t built;
	} lfsrs[] = {{"tlb.l1i", MMU_TLB_L1I, cfg.l1i.policy, MMU_RTL_LfsrSeedL1i},
	             {"tlb.l1d", MMU_TLB_L1D, cfg.l1d.policy, MMU_RTL_LfsrSeedL1d},
	             {"tlb.l2", MMU_TLB_L2, cfg.l2.policy, MMU_RTL_LfsrSeedL2}};
	for (const auto &l : lfsrs)
		if (l.policy == MMU_POLICY_RANDOM && mmu_lfsr_seed(cfg.seed, l.id) != l.built)
			return "--mmu rtl: seed = " + std::to_string(cfg.seed) + " gives " + l.tlb +
			       "'s random-replacement LFSR another initial state than the RTL's" + tail;
	return "";
}

mmu_tlm_rtl_core::mmu_tlm_rtl_core(const char *name, const mmu_cfg_t &cfg) : model_(cfg)
{
	std::string why = mmu_tlm_rtl_check(cfg);
	if (!why.empty())
		throw std::invalid_argument(why);
	pins_ = std::make_unique<pins>(sc_core::sc_module_name(name));
}

mmu_tlm_rtl_core::~mmu_tlm_rtl_core() = default;

namespace
{

/* A mismatch: the simulation cannot go on with two different machines. */
[[noreturn]] void differ(uint64_t cycle, const char *prefix, const char *port, uint64_t rtl, uint64_t model)
{
	char what[256];
	std::snprintf(what, sizeof what,
	              "RTL and model differ in cycle %" PRIu64 ": %s%s_o = 0x%" PRIx64 " (RTL), 0x%" PRIx64 " (model)",
	              cycle, prefix, port, rtl, model);
	SC_REPORT_ERROR("mmu_tlm_rtl", what);
	throw std::logic_error(what); /* SC_REPORT_ERROR throws unless its action was changed */
}

void check_eq(uint64_t cycle, const char *prefix, const char *port, uint64_t rtl, uint64_t model)
{
	if (rtl != model)
		differ(cycle, prefix, port, rtl, model);
}

/* Every output the valid signals qualify (a response's or request's payload is free while it is not valid). */
void compare(uint64_t cycle, const mmu_out_t &r, const mmu_out_t &m)
{
	static const char *const side[MMU_NREQ] = {"i", "d"};
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		check_eq(cycle, side[p], "req_ready", r.req_ready[p], m.req_ready[p]);
		check_eq(cycle, side[p], "resp_valid", r.resp_valid[p], m.resp_valid[p]);
		if (!m.resp_valid[p])
			continue;
		check_eq(cycle, side[p], "resp_tag", r.resp_tag[p], m.resp_tag[p]);
		check_eq(cycle, side[p], "resp_paddr", r.resp_paddr[p], m.resp_paddr[p]);
		check_eq(cycle, side[p], "resp_fault", r.resp_fault[p], m.resp_fault[p]);
		check_eq(cycle, side[p], "resp_cause", r.resp_cause[p], m.resp_cause[p]);
		check_eq(cycle, side[p], "resp_ecode", r.resp_ecode[p], m.resp_ecode[p]);
		check_eq(cycle, side[p], "resp_level", r.resp_level[p], m.resp_level[p]);
	}
	check_eq(cycle, "", "mem_req_valid", r.mem_req_valid, m.mem_req_valid);
	if (!m.mem_req_valid)
		return;
	check_eq(cycle, "", "mem_req_addr", r.mem_req_addr, m.mem_req_addr);
	check_eq(cycle, "", "mem_req_write", r.mem_req_write, m.mem_req_write);
	if (!m.mem_req_write)
		return;
	check_eq(cycle, "", "mem_req_wdata", r.mem_req_wdata, m.mem_req_wdata);
	check_eq(cycle, "", "mem_req_wstrb", r.mem_req_wstrb, m.mem_req_wstrb);
	check_eq(cycle, "", "mem_req_cmp", r.mem_req_cmp, m.mem_req_cmp);
}

} // namespace

void mmu_tlm_rtl_core::comb(const mmu_in_t &in, mmu_out_t &out)
{
	pins_->drive(in);
	pins_->settle();
	pins_->read(out);
	mmu_out_t want;
	model_.comb(in, want);
	compare(cycle_, out, want);
	if (last_checked_cycle_ != cycle_) {
		last_checked_cycle_ = cycle_;
		checked_++;
	}
}

void mmu_tlm_rtl_core::clock(const mmu_in_t &in)
{
	pins_->drive(in);
	pins_->clk.write(true);
	pins_->settle();
	/* Falls with the next cycle's inputs: nothing in the RTL acts on the falling edge. */
	pins_->clk.write(false);
	model_.clock(in);
	cycle_++;
}

/* Only when the model is quiescent and the RTL's outputs show it idle too (see the header). */
bool mmu_tlm_rtl_core::skip_idle(uint64_t n)
{
	mmu_out_t out;
	pins_->read(out);
	for (unsigned p = 0; p < MMU_NREQ; p++)
		if (!out.req_ready[p] || out.resp_valid[p])
			return false;
	if (out.mem_req_valid || !model_.skip_idle(n))
		return false;
	cycle_ += n;
	return true;
}

void mmu_tlm_rtl_core::stats(mmu_stats_t &out) const
{
	model_.stats(out);
}

const char *mmu_tlm_rtl_core::kind() const
{
	return "rtl";
}

uint64_t mmu_tlm_rtl_core::checked_cycles() const
{
	return checked_;
}
