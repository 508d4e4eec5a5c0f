/* The MMU as a loosely-timed TLM-2.0 component: per-cycle core behind a target and two initiator sockets. */
#include "mmu_tlm.h"

#include <cstdio>
#include <stdexcept>
#include <string>

extern "C" {
#include "mmu_replay.h"
}

using sc_core::sc_time;
using sc_core::sc_time_stamp;

tlm::tlm_extension_base *mmu_tlm_ext::clone() const
{
	return new mmu_tlm_ext(*this);
}

void mmu_tlm_ext::copy_from(const tlm::tlm_extension_base &other)
{
	*this = static_cast<const mmu_tlm_ext &>(other);
}

tlm::tlm_extension_base *mmu_tlm_cas_ext::clone() const
{
	return new mmu_tlm_cas_ext(*this);
}

void mmu_tlm_cas_ext::copy_from(const tlm::tlm_extension_base &other)
{
	*this = static_cast<const mmu_tlm_cas_ext &>(other);
}

std::string mmu_tlm_time_limit_text(uint64_t cycle, const sc_time &period)
{
	sc_time last = sc_time::from_value(~UINT64_C(0));
	char what[256];
	std::snprintf(what, sizeof what,
	              "cycle %llu of a %s clock would start after %s (about %.0f days), the last time SystemC can "
	              "represent",
	              (unsigned long long)cycle, period.to_string().c_str(), last.to_string().c_str(),
	              last.to_seconds() / 86400);
	return what;
}

void mmu_tlm_time_limit(uint64_t cycle, const sc_time &period)
{
	std::string what = mmu_tlm_time_limit_text(cycle, period);
	SC_REPORT_ERROR(MMU_TLM_TIME_LIMIT, what.c_str());
	throw std::overflow_error(what); /* SC_REPORT_ERROR throws unless its action was changed */
}

/*
 * Quiet hits answered without the model. While no clock edge presents anything or finds the model busy (skip_wait,
 * clock), no TLB entry is written and CR3 keeps its value: a request of a base page, operation and privilege that
 * hit an L1 slot in that time (one `epoch`) hits the same slot with the same response (mmu_replay_ticked_l1_hit; T3,
 * T14). Such a request is answered from a small table of the epoch's hits, its slot used at once
 * (mmu_replay_l1_touch: the replacement state sees the uses in their order), its counting deferred: statistics and
 * cycle only add up, and no decision of the shortcut reads them. settle() applies the counting
 * (mmu_replay_count_l1_hits) and sets the ports as the last hit leaves them (mmu_replay_ticked_hit_ports, which
 * presents a user request: only user requests are answered from the table).
 */
struct mmu_tlm_model_core::quiet_hits {
	enum { ENTRIES = 16 }; /* per port, direct-mapped by base page and operation */
	struct entry {
		uint64_t page = 0;
		uint64_t epoch = 0;    /* the table's epoch when it was made; another: void */
		mmu_result_t res = {}; /* paddr without the page offset */
		long slot = -1;
		uint8_t op = 0;
	};
	mmu_replay_quiet_hit_t last[MMU_NREQ]; /* mmu_replay_ticked_l1_hit's record of each port's last hit */
	entry table[MMU_NREQ][ENTRIES];
	uint64_t epoch = 1;
	uint64_t deferred[MMU_NREQ][MMU_MAX_LEVELS + 1] = {}; /* hits not counted yet, by port and leaf level */
	long touch_slot[MMU_NREQ] = {-1, -1}; /* uses of a slot in a row not applied yet (mmu_replay_l1_touch_n) */
	uint64_t touches[MMU_NREQ] = {};
	bool any_deferred = false;
	uint64_t table_hits = 0;
	unsigned page_bits = 0;
	bool ports_stale = false; /* the last hit came from the table: the ports do not show it yet */
	unsigned shown_port = 0;  /* that hit */
	uint64_t shown_vaddr = 0;
	mmu_op_t shown_op = MMU_OP_LOAD;

	entry &slot_of(unsigned port, uint64_t page, mmu_op_t op)
	{
		return table[port][(page ^ (uint64_t(op) << 3)) % ENTRIES];
	}
};

void mmu_tlm_model_core::free_quiet_hits::operator()(quiet_hits *q) const
{
	delete q;
}

mmu_tlm_model_core::mmu_tlm_model_core(const mmu_cfg_t &cfg) : last_(new quiet_hits)
{
	for (auto &l : last_->last)
		l = mmu_replay_quiet_hit_t{0, 0, {}, -1, 0, 0, false};
	mmu_t *m = nullptr;
	char msg[512];
	if (mmu_create(&cfg, &m, msg, sizeof msg))
		throw std::runtime_error(std::string("cannot build the MMU model: ") + msg);
	m_.reset(m);
	mmu_paging_t pg;
	if (mmu_paging_init(&pg, &cfg.paging, msg, sizeof msg))
		throw std::invalid_argument(msg);
	last_->page_bits = pg.page_bits;
}

void mmu_tlm_model_core::count_deferred() const
{
	quiet_hits &q = *last_;
	if (!q.any_deferred)
		return;
	for (unsigned p = 0; p < MMU_NREQ; p++)
		if (q.touches[p]) {
			mmu_replay_l1_touch_n(m_.get(), p, q.touch_slot[p], q.touches[p]);
			q.touches[p] = 0;
		}
	for (unsigned p = 0; p < MMU_NREQ; p++)
		for (unsigned level = 0; level <= MMU_MAX_LEVELS; level++)
			if (q.deferred[p][level]) {
				mmu_replay_count_l1_hits(m_.get(), p, level, q.deferred[p][level]);
				q.deferred[p][level] = 0;
			}
	q.any_deferred = false;
}

void mmu_tlm_model_core::settle() const
{
	count_deferred();
	quiet_hits &q = *last_;
	if (q.ports_stale) {
		mmu_replay_ticked_hit_ports(m_.get(), q.shown_port, q.shown_vaddr, q.shown_op, 0);
		q.ports_stale = false;
	}
}

/* An edge, or cycles skipped: what the table holds may no longer be so. */
void mmu_tlm_model_core::next_epoch()
{
	last_->epoch++;
}

void mmu_tlm_model_core::comb(const mmu_in_t &in, mmu_out_t &out)
{
	settle();
	mmu_comb(m_.get(), &in, &out);
}

/*
 * An edge with nothing presented to an idle model only takes a response off its port (T14): no entry is written, CR3
 * stays, the table holds (an initiator that presents a cycle or more after the response clocks such edges).
 */
void mmu_tlm_model_core::clock(const mmu_in_t &in)
{
	settle();
	bool presented =
	    in.req_valid[MMU_REQ_I] || in.req_valid[MMU_REQ_D] || in.cr3_we || in.flush_valid || in.mem_resp_valid;
	if (presented || !mmu_idle(m_.get()))
		next_epoch();
	mmu_clock(m_.get(), &in);
}

/* With both ports and the miss unit idle and no response showing, an idle edge only counts the cycle. */
bool mmu_tlm_model_core::skip_idle(uint64_t n)
{
	settle();
	mmu_in_t in = {};
	mmu_out_t out;
	mmu_comb(m_.get(), &in, &out);
	if (!mmu_idle(m_.get()) || out.resp_valid[MMU_REQ_I] || out.resp_valid[MMU_REQ_D])
		return false;
	mmu_fast_idle(m_.get(), n); /* idle edges: the table holds (clock) */
	return true;
}

bool mmu_tlm_model_core::skip_wait(uint64_t n)
{
	settle();
	next_epoch();
	return mmu_replay_wait_memory(m_.get(), n);
}

/* An L1 hit with nothing in flight: the model's per-cycle state after it, set at once (mmu_replay.h) or deferred. */
bool mmu_tlm_model_core::translate_quiet(unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t &res)
{
	quiet_hits &q = *last_;
	uint64_t page = vaddr >> q.page_bits, offset = vaddr & ((UINT64_C(1) << q.page_bits) - 1);
	quiet_hits::entry &e = q.slot_of(port, page, op);
	if (user && e.epoch == q.epoch && e.page == page && e.op == op) {
		if (e.slot != q.touch_slot[port]) { /* uses in a row of one slot are applied at once, in their order */
			if (q.touches[port])
				mmu_replay_l1_touch_n(m_.get(), port, q.touch_slot[port], q.touches[port]);
			q.touch_slot[port] = e.slot;
			q.touches[port] = 0;
		}
		q.touches[port]++;
		q.deferred[port][e.res.page_level]++;
		q.any_deferred = true;
		q.table_hits++;
		q.ports_stale = true;
		q.shown_port = port;
		q.shown_vaddr = vaddr;
		q.shown_op = op;
		res = e.res;
		res.paddr |= offset;
		return true;
	}
	return translate_looked_up(port, vaddr, op, user, res);
}

/* A quiet request the table does not answer: the model's own shortcut, and its hit made an entry of the table. */
bool mmu_tlm_model_core::translate_looked_up(unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t &res)
{
	quiet_hits &q = *last_;
	uint64_t page = vaddr >> q.page_bits, offset = vaddr & ((UINT64_C(1) << q.page_bits) - 1);
	quiet_hits::entry &e = q.slot_of(port, page, op);
	/* The model reads its cycle here (the response's acceptance, T14): the deferred counting goes first. A hit sets
	 * the ports; without one they are left to settle() before the next edge. */
	count_deferred();
	long slot = mmu_replay_ticked_l1_hit(m_.get(), port, vaddr, op, user, 0, &q.last[port], &res);
	if (slot < 0)
		return false;
	q.ports_stale = false;
	if (user) {
		e.page = page;
		e.epoch = q.epoch;
		e.res = res;
		e.res.paddr &= ~offset;
		e.res.page_level = (uint8_t)mmu_replay_l1_slot_level(m_.get(), port, slot);
		e.slot = slot;
		e.op = (uint8_t)op;
	}
	return true;
}

void mmu_tlm_model_core::stats(mmu_stats_t &out) const
{
	settle();
	mmu_stats_read(m_.get(), &out);
}

uint64_t mmu_tlm_model_core::table_hits() const
{
	return last_->table_hits;
}

const char *mmu_tlm_model_core::kind() const
{
	return "model";
}

const mmu_t *mmu_tlm_model_core::model() const
{
	settle();
	return m_.get();
}

mmu_tlm::mmu_tlm(sc_core::sc_module_name name, const mmu_cfg_t &cfg, const sc_time &period)
    : mmu_tlm(name, cfg, period, std::make_unique<mmu_tlm_model_core>(cfg))
{
}

mmu_tlm::mmu_tlm(sc_core::sc_module_name name, const mmu_cfg_t &cfg, const sc_time &period,
                 std::unique_ptr<mmu_tlm_core> core)
    : sc_module(name), socket("socket"), walk_socket("walk_socket"), data_socket("data_socket"), cfg_(cfg),
      period_(period), core_(std::move(core))
{
	char msg[256];
	if (mmu_paging_init(&pg_, &cfg.paging, msg, sizeof msg))
		throw std::invalid_argument(msg);
	if (period_ == sc_core::SC_ZERO_TIME)
		throw std::invalid_argument("mmu_tlm: the clock period must be greater than zero");
	last_cycle_ = ~UINT64_C(0) / period_.value();
	for (uint64_t k = 0; k < SPANS; k++)
		span_[k] = sc_time::from_value(k * period_.value()); /* k < SPANS <= last_cycle_: no overflow */
	/* Without a memory request in flight only lookups and arbitration take cycles: a bound that flags a hang. */
	quiet_limit_ = 64 + uint64_t(cfg.l1i.hit_latency) + cfg.l1d.hit_latency + 2 * uint64_t(cfg.l2.hit_latency);
	socket.register_b_transport(this, &mmu_tlm::b_transport);
	socket.register_transport_dbg(this, &mmu_tlm::transport_dbg);
}

/* One request at a time (T14): a concurrent initiator (another thread) waits for the response of the first. */
void mmu_tlm::acquire()
{
	while (busy_) {
		waiting_++;
		sc_core::wait(idle_event_);
		waiting_--;
	}
	busy_ = true;
}

void mmu_tlm::release()
{
	busy_ = false;
	if (waiting_) /* nobody waiting: no event, no delta cycle for nothing */
		idle_event_.notify(sc_core::SC_ZERO_TIME);
}

/* The cycle in which something at time t is presented: the first cycle starting at or after t. */
uint64_t mmu_tlm::cycle_at(const sc_time &t) const
{
	uint64_t p = period_.value();
	if (t.value() == cycle_ * p) /* the common case, an initiator presenting in the response cycle: no division */
		return cycle_;
	return t.value() / p + (t.value() % p != 0); /* rounded up, without t + p - 1 passing 2^64 */
}

sc_time mmu_tlm::time_of(uint64_t cycle) const
{
	return sc_time::from_value(cycle * period_.value());
}

/* cycles x period, for a number of cycles whose end is a cycle SystemC can represent */
sc_time mmu_tlm::span(uint64_t cycles) const
{
	return cycles < SPANS ? span_[cycles] : sc_time::from_value(cycles * period_.value());
}

/* The memory port's inputs of this cycle (M1: ready when nothing is pending), then the core's outputs. */
void mmu_tlm::eval(mmu_in_t &in, mmu_out_t &out)
{
	in.mem_req_ready = !mem_.pending;
	in.mem_resp_valid = mem_.pending && mem_.resp_cycle == cycle_;
	in.mem_resp_rdata = in.mem_resp_valid ? mem_.rdata : 0;
	core_->comb(in, out);
}

/* The clock edge of the current cycle: a request accepted now goes to memory (M2: it takes effect at acceptance). */
void mmu_tlm::edge(const mmu_in_t &in, const mmu_out_t &out)
{
	if (in.mem_resp_valid)
		mem_.pending = false;
	if (out.mem_req_valid && in.mem_req_ready)
		access_memory(out);
	if (cycle_ == last_cycle_)
		mmu_tlm_time_limit(cycle_ + 1, period_);
	core_->clock(in);
	cycle_++;
}

void mmu_tlm::advance_to(uint64_t cycle)
{
	if (cycle > last_cycle_)
		mmu_tlm_time_limit(cycle, period_);
	if (cycle_ >= cycle)
		return;
	mmu_in_t in = {};
	mmu_out_t out;
	while (cycle_ < cycle) {
		eval(in, out);
		edge(in, out);
		if (cycle_ < cycle && !mem_.pending && core_->skip_idle(cycle - cycle_))
			cycle_ = cycle;
	}
}

void mmu_tlm::access_memory(const mmu_out_t &out)
{
	bool write = out.mem_req_write != 0;
	tlm::tlm_generic_payload &p = walk_tx_;
	p.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
	p.set_address(out.mem_req_addr);
	p.set_data_ptr(walk_data_);
	p.set_data_length(8);
	p.set_streaming_width(8);
	p.set_byte_enable_ptr(nullptr);
	p.set_byte_enable_length(0);
	p.set_dmi_allowed(false);
	p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	for (unsigned i = 0; i < 8; i++)
		walk_data_[i] = write ? (unsigned char)(out.mem_req_wdata >> (8 * i)) : 0;
	if (write && (out.mem_req_wstrb & 0xff) != 0xff) {
		for (unsigned i = 0; i < 8; i++)
			walk_be_[i] = ((out.mem_req_wstrb >> i) & 1) ? TLM_BYTE_ENABLED : TLM_BYTE_DISABLED;
		p.set_byte_enable_ptr(walk_be_);
		p.set_byte_enable_length(8);
	}
	if (write) {
		walk_cas_ = mmu_tlm_cas_ext{};
		walk_cas_.cmp = out.mem_req_cmp;
		p.set_extension(&walk_cas_);
	}
	sc_time at = time_of(cycle_);
	sc_time delay = at - sc_time_stamp();
	walk_socket->b_transport(p, delay);
	if (write)
		p.clear_extension(&walk_cas_);
	if (!p.is_response_ok()) {
		char what[160];
		std::snprintf(what, sizeof what, "page-table %s at 0x%llx failed: %s", write ? "write" : "read",
		              (unsigned long long)out.mem_req_addr, p.get_response_string().c_str());
		SC_REPORT_ERROR("mmu_tlm", what);
	}
	/* Rounded up: a memory never answers earlier than it says; at least one cycle (M1). */
	sc_time took = sc_time_stamp() + delay - at;
	uint64_t cycles = (took.value() + period_.value() - 1) / period_.value();
	mem_.pending = true;
	mem_.resp_cycle = cycle_ + (cycles ? cycles : 1);
	mem_.rdata = 0;
	for (unsigned i = 0; !write && i < 8; i++)
		mem_.rdata |= uint64_t(walk_data_[i]) << (8 * i);
	if (write) /* M9: the word before; a target without compare-and-swap wrote, as if it had matched */
		mem_.rdata = walk_cas_.done ? walk_cas_.old : out.mem_req_cmp;
}

/*
 * One request presented in the current cycle, run to its response cycle, which stays unclocked (T14), cycle by cycle
 * (the core's shortcut, translate_quiet, declined it).
 */
mmu_tlm::response mmu_tlm::translate(unsigned port, uint64_t vaddr, mmu_op_t op, bool user)
{
	response r;
	r.res = mmu_result_t{};
	mmu_in_t in = {};
	mmu_out_t out;
	uint64_t start = cycle_;
	in.req_valid[port] = 1;
	in.req_vaddr[port] = vaddr;
	in.req_op[port] = op;
	in.req_user[port] = user;
	eval(in, out);
	if (!out.req_ready[port])
		SC_REPORT_FATAL("mmu_tlm", "request port busy although requests are served one at a time (T2)");
	edge(in, out);
	in.req_valid[port] = 0;
	for (uint64_t quiet = 0;;) {
		eval(in, out);
		if (out.resp_valid[port])
			break;
		quiet = mem_.pending ? 0 : quiet + 1;
		if (quiet > quiet_limit_)
			SC_REPORT_FATAL("mmu_tlm", "no response and no memory access in flight: the core hangs");
		edge(in, out);
		/* Until the memory's response, nothing is presented: the core may skip those cycles (skip_wait). */
		if (mem_.pending && mem_.resp_cycle > cycle_ && mem_.resp_cycle <= last_cycle_ &&
		    core_->skip_wait(mem_.resp_cycle - cycle_))
			cycle_ = mem_.resp_cycle;
	}
	r.res.paddr = out.resp_paddr[port];
	r.res.fault = (uint8_t)out.resp_fault[port];
	r.res.cause = (uint8_t)out.resp_cause[port];
	r.res.ecode = (uint8_t)out.resp_ecode[port];
	r.res.level = (uint8_t)out.resp_level[port];
	r.cycles = cycle_ - start;
	r.res.latency = (uint32_t)r.cycles;
	return r;
}

tlm::tlm_response_status mmu_tlm::check(const tlm::tlm_generic_payload &t, bool fetch) const
{
	if (fetch && t.get_command() == tlm::TLM_WRITE_COMMAND)
		return tlm::TLM_COMMAND_ERROR_RESPONSE;
	uint64_t first = t.get_address();
	uint64_t last = first + (t.get_data_length() ? t.get_data_length() - 1 : 0);
	if ((first >> pg_.page_bits) != (last >> pg_.page_bits))
		return tlm::TLM_BURST_ERROR_RESPONSE;
	return tlm::TLM_OK_RESPONSE;
}

void mmu_tlm::b_transport(tlm::tlm_generic_payload &t, sc_time &delay)
{
	mmu_tlm_ext *ext = t.get_extension<mmu_tlm_ext>();
	bool fetch = ext && ext->fetch;
	bool user = ext ? ext->user : true;
	tlm::tlm_response_status st = check(t, fetch);
	if (st != tlm::TLM_OK_RESPONSE) {
		t.set_response_status(st);
		return;
	}
	mmu_op_t op = fetch ? MMU_OP_FETCH : t.get_command() == tlm::TLM_WRITE_COMMAND ? MMU_OP_STORE : MMU_OP_LOAD;
	uint64_t vaddr = t.get_address();

	acquire();
	const sc_time now = sc_time_stamp();
	const sc_time at = now + delay;
	/* The usual case: presented at the start of the current cycle, the response cycle of the previous request. */
	bool on_edge = at.value() == cycle_ * period_.value();
	if (!on_edge)
		advance_to(cycle_at(at));
	unsigned port = fetch ? MMU_REQ_I : MMU_REQ_D;
	/* The response field by field, not as a struct: a core writes it in pieces, and a wide read of those (a copy of
	 * the struct) would wait for the stores instead of taking the values from them. */
	mmu_result_t res = {};
	uint64_t cycles;
	/* The core's shortcut needs no memory access; its latency (an L1 hit's) is below quiet_limit_, so no cycle it
	 * stands for is past the last one (edge). */
	bool quiet =
	    !mem_.pending && last_cycle_ - cycle_ > quiet_limit_ && core_->translate_quiet(port, vaddr, op, user, res);
	if (quiet) {
		cycles = res.latency;
		cycle_ += cycles;
	} else {
		response r = translate(port, vaddr, op, user);
		res = r.res;
		cycles = r.cycles;
	}
	uint64_t paddr = res.paddr;
	bool fault = res.fault;
	/* The response cycle's start as local time: a shortcut leaves SystemC's time as it was, so then the delay is
	 * the one it came with plus the latency when that was the start of the presentation cycle. */
	if (quiet && on_edge)
		delay += span(cycles);
	else
		delay = time_of(cycle_) - (quiet ? now : sc_time_stamp());
	release();

	if (ext) {
		ext->fault = fault;
		ext->cause = res.cause;
		ext->ecode = res.ecode;
		ext->level = res.level;
		ext->paddr = paddr;
		ext->cycles = cycles;
	}
	if (fault) {
		t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	if (t.get_command() == tlm::TLM_IGNORE_COMMAND) {
		t.set_response_status(tlm::TLM_OK_RESPONSE);
		return;
	}
	t.set_address(paddr);
	data_socket->b_transport(t, delay);
	t.set_address(vaddr);
	t.set_dmi_allowed(false); /* a memory's DMI hint is about physical addresses: the requester sees virtual ones */
}

/* A control input presented alone in the cycle of local time sc_time_stamp() + delay (T11, T12, T14). */
void mmu_tlm::control_cycle(const mmu_in_t &in, sc_time &delay)
{
	acquire();
	advance_to(cycle_at(sc_time_stamp() + delay));
	mmu_in_t i = in;
	mmu_out_t out;
	eval(i, out);
	edge(i, out);
	delay = time_of(cycle_) - sc_time_stamp();
	release();
}

void mmu_tlm::write_cr3(uint64_t value, sc_time &delay)
{
	mmu_in_t in = {};
	in.cr3_we = 1;
	in.cr3_wdata = value;
	control_cycle(in, delay);
	cr3_ = cfg_.pcid ? value & ~MMU_CR3_NOFLUSH : value; /* T11: with PCIDs bit 63 is not stored */
}

void mmu_tlm::flush(mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid, sc_time &delay)
{
	mmu_in_t in = {};
	in.flush_valid = 1;
	in.flush_op = op;
	in.flush_vaddr = vaddr;
	in.flush_pcid = pcid;
	control_cycle(in, delay);
}

bool mmu_tlm::debug_read(uint64_t addr, unsigned len, uint64_t &value)
{
	unsigned char buf[8] = {0};
	tlm::tlm_generic_payload p;
	p.set_read();
	p.set_address(addr);
	p.set_data_ptr(buf);
	p.set_data_length(len);
	p.set_streaming_width(len);
	if (walk_socket->transport_dbg(p) != len)
		return false;
	value = 0;
	for (unsigned i = 0; i < len; i++)
		value |= uint64_t(buf[i]) << (8 * i);
	return true;
}

/* The walk of W1-W3 without timing, checks of rights or A/D updates: what a debugger wants to see. */
bool mmu_tlm::debug_translate(uint64_t vaddr, uint64_t &paddr, unsigned &level)
{
	if (!mmu_paging_canonical(&pg_, vaddr))
		return false;
	uint64_t table = mmu_paging_root(&pg_, cr3_);
	for (unsigned l = pg_.levels; l >= 1; l--) {
		uint64_t pte;
		if (!debug_read(table + mmu_paging_index(&pg_, vaddr, l) * pg_.pte_bytes, pg_.pte_bytes, pte))
			return false;
		if (!mmu_pte_bit(pte, pg_.bit_present))
			return false;
		if (mmu_pte_is_leaf(&pg_, pte, l)) {
			uint64_t offset = (UINT64_C(1) << mmu_paging_shift(&pg_, l)) - 1;
			paddr = (mmu_pte_frame(&pg_, pte) & ~offset) | (vaddr & offset);
			level = l;
			return true;
		}
		table = mmu_pte_frame(&pg_, pte);
	}
	return false;
}

unsigned int mmu_tlm::transport_dbg(tlm::tlm_generic_payload &t)
{
	uint64_t vaddr = t.get_address(), paddr;
	unsigned level;
	mmu_tlm_ext *ext = t.get_extension<mmu_tlm_ext>();
	bool mapped = debug_translate(vaddr, paddr, level);
	if (ext) {
		ext->fault = !mapped;
		ext->cause = mapped ? MMU_CAUSE_NONE : MMU_CAUSE_NOT_PRESENT;
		ext->ecode = 0;
		ext->level = mapped ? MMU_LEVEL_WALK : MMU_LEVEL_NONE;
		ext->paddr = mapped ? paddr : 0;
		ext->cycles = 0;
	}
	if (!mapped || t.get_command() == tlm::TLM_IGNORE_COMMAND)
		return 0;
	/* Up to the end of the page: a debug access may transfer fewer bytes than asked. */
	uint64_t page_end = (vaddr | ((UINT64_C(1) << mmu_paging_shift(&pg_, level)) - 1)) + 1;
	unsigned int len = t.get_data_length();
	if (page_end - vaddr < len)
		t.set_data_length((unsigned int)(page_end - vaddr));
	t.set_address(paddr);
	unsigned int n = data_socket->transport_dbg(t);
	t.set_address(vaddr);
	t.set_data_length(len);
	return n;
}

void mmu_tlm::stats(mmu_stats_t &out) const
{
	core_->stats(out);
}

const mmu_tlm_core &mmu_tlm::core() const
{
	return *core_;
}

const mmu_cfg_t &mmu_tlm::config() const
{
	return cfg_;
}

const mmu_paging_t &mmu_tlm::paging() const
{
	return pg_;
}

const sc_time &mmu_tlm::period() const
{
	return period_;
}

uint64_t mmu_tlm::cycle() const
{
	return cycle_;
}

uint64_t mmu_tlm::cr3() const
{
	return cr3_;
}
