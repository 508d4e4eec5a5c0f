/*
 * The model core's shortcuts (mmu_tlm_core::translate_quiet: an L1 hit with nothing in flight answered at once;
 * skip_wait: the cycles a walk waits for memory skipped) against the per-cycle path they stand for. Two platforms,
 * alike but for their cores, get the same transactions at the same local times: one core clocked cycle by cycle for
 * every request (both shortcuts refused), one taking the shortcuts where it may. After every transaction the response
 * (status, extension, annotated delay), the cycle of the component and of the model, and every counter of the
 * statistics must be equal. The transactions mix L1 hits with what the shortcut must leave to the per-cycle path:
 * misses, L2 hits, dirty re-walks, protection, not-present and non-canonical faults, fetches, supervisor accesses, huge
 * pages, CR3 writes, flushes and idle gaps.
 *
 * The comparison is itself checked: shortcuts broken on purpose (one cycle late, a hit counted twice, a wrong
 * address, a wait skipped one cycle too far) must be caught.
 */
#include <criterion/criterion.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include "mmu_tlm.h"
#include "mmu_tlm_memory.h"

extern "C" {
#include "mmu/mmu_os.h"
#include "mmu/mmu_physmem.h"
#include "mmu_replay.h"
}

using sc_core::SC_NS;
using sc_core::sc_time;

namespace
{

const sc_time period(1, SC_NS);

/* The reference: every request clocked through the per-cycle machine. */
struct ticked_core : mmu_tlm_model_core {
	using mmu_tlm_model_core::mmu_tlm_model_core;
	bool translate_quiet(unsigned, uint64_t, mmu_op_t, bool, mmu_result_t &) override
	{
		return false;
	}
	bool skip_wait(uint64_t) override
	{
		return false;
	}
};

enum sabotage { NONE, LATE, COUNTED_TWICE, WRONG_ADDRESS, WAIT_TOO_SHORT };

/* The core under test: the shortcut as shipped, counted, or broken on purpose. */
struct quiet_core : mmu_tlm_model_core {
	sabotage broken;
	uint64_t taken = 0, waits = 0;
	quiet_core(const mmu_cfg_t &cfg, sabotage s) : mmu_tlm_model_core(cfg), broken(s)
	{
	}
	bool translate_quiet(unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t &res) override
	{
		if (!mmu_tlm_model_core::translate_quiet(port, vaddr, op, user, res))
			return false;
		taken++;
		if (broken == LATE)
			res.latency++;
		else if (broken == COUNTED_TWICE)
			mmu_replay_count_l1_hits(const_cast<mmu_t *>(model()), port, res.page_level, 1);
		else if (broken == WRONG_ADDRESS)
			res.paddr ^= 0x40;
		return true;
	}
	bool skip_wait(uint64_t n) override
	{
		if (!mmu_tlm_model_core::skip_wait(n))
			return false;
		waits++;
		if (broken == WAIT_TOO_SHORT)
			mmu_fast_idle(const_cast<mmu_t *>(model()), 1);
		return true;
	}
};

struct requester : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<requester> socket;
	explicit requester(sc_core::sc_module_name n) : sc_module(n), socket("socket")
	{
	}
};

/* One platform: its own physical memory and page tables (walks write A/D bits), memory, MMU and requester. */
struct side {
	mmu_physmem_t *pm = nullptr;
	mmu_os_t *os = nullptr;
	const mmu_tlm_model_core *core;
	std::unique_ptr<mmu_tlm_memory> mem;
	std::unique_ptr<mmu_tlm> mmu;
	std::unique_ptr<requester> cpu;

	side(const std::string &name, const mmu_cfg_t &cfg, std::unique_ptr<mmu_tlm_model_core> c) : core(c.get())
	{
		cr_assert_eq(mmu_physmem_create(&pm), 0);
		cr_assert_eq(mmu_os_create(&cfg, pm, &os), 0);
		mem = std::make_unique<mmu_tlm_memory>((name + "_memory").c_str(), cfg, pm, period, 2);
		mmu = std::make_unique<mmu_tlm>((name + "_mmu").c_str(), cfg, period, std::move(c));
		cpu = std::make_unique<requester>((name + "_cpu").c_str());
		cpu->socket.bind(mmu->socket);
		mmu->walk_socket.bind(mem->walk_socket);
		mmu->data_socket.bind(mem->data_socket);
	}
	~side()
	{
		mmu_os_destroy(os);
		mmu_physmem_destroy(pm);
	}
};

/*
 * What one transaction left: the response and everything the shortcut must leave as the per-cycle path does. The
 * model's cycle and statistics are read when `observed` (reading them brings the model core up to date: hits it
 * answered from its table are applied then, mmu_tlm.cpp), else left alone, so that such hits pile up between reads.
 */
struct after {
	tlm::tlm_response_status status;
	mmu_tlm_ext ext;
	sc_time delay;
	uint64_t cycle, model_cycle;
	mmu_stats_t st;
	bool observed;
};

void observe(side &s, after &a, bool yes)
{
	a.observed = yes;
	a.model_cycle = 0;
	a.st = mmu_stats_t{};
	if (!yes)
		return;
	a.model_cycle = mmu_cycle(s.core->model());
	s.mmu->stats(a.st);
}

std::string differ(const after &a, const after &b)
{
	char what[200] = "";
#define CMP(expr)                                                                                                      \
	if ((a.expr) != (b.expr)) {                                                                                    \
		std::snprintf(what, sizeof what, "%s: %llu per cycle, %llu with the shortcut", #expr,                  \
		              (unsigned long long)(a.expr), (unsigned long long)(b.expr));                             \
		return what;                                                                                           \
	}
	CMP(status)
	CMP(ext.fault)
	CMP(ext.cause)
	CMP(ext.ecode)
	CMP(ext.level)
	CMP(ext.paddr)
	CMP(ext.cycles)
	CMP(delay.value())
	CMP(cycle)
	if (!a.observed || !b.observed)
		return "";
	CMP(model_cycle)
#define MMU_STAT(field, name, unit, description) CMP(st.field)
#include "mmu/mmu_stats.def"
#undef MMU_STAT
	for (unsigned i = 0; i < MMU_WALK_HIST_BUCKETS; i++)
		CMP(st.walk_hist[i])
#undef CMP
	return "";
}

after transact(side &s, uint64_t va, tlm::tlm_command cmd, bool fetch, bool user, unsigned len, const sc_time &at,
               bool look)
{
	unsigned char buf[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	mmu_tlm_ext ext;
	ext.fetch = fetch;
	ext.user = user;
	tlm::tlm_generic_payload t;
	t.set_command(cmd);
	t.set_address(va);
	t.set_data_ptr(buf);
	t.set_data_length(len);
	t.set_streaming_width(len);
	t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	t.set_extension(&ext);
	after a;
	a.delay = at;
	s.cpu->socket->b_transport(t, a.delay);
	t.clear_extension(&ext);
	a.status = t.get_response_status();
	a.ext = ext;
	a.cycle = s.mmu->cycle();
	observe(s, a, look);
	return a;
}

after control(side &s, bool cr3, uint64_t value, uint64_t va, const sc_time &at, bool look)
{
	after a = {};
	a.delay = at;
	if (cr3)
		s.mmu->write_cr3(value, a.delay);
	else
		s.mmu->flush(value ? MMU_FLUSH_ALL : MMU_FLUSH_VA, va, 0, a.delay);
	a.cycle = s.mmu->cycle();
	observe(s, a, look);
	return a;
}

/* A small xorshift generator: the same script for both sides. */
struct script {
	uint64_t x;
	explicit script(uint64_t seed) : x(seed)
	{
	}
	unsigned next(unsigned n)
	{
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		return (unsigned)(x % n);
	}
};

const uint64_t BASE = 0x10000000, HUGE_VA = 0x40000000;
enum { RW_PAGES = 12, RO_PAGES = 2, SUP_PAGES = 2, PAGES = RW_PAGES + RO_PAGES + SUP_PAGES };

void map_all(side &s, uint32_t pid)
{
	cr_assert_eq(mmu_os_process(s.os, pid), 0);
	for (unsigned i = 0; i < PAGES; i++) {
		unsigned perms = i < RW_PAGES ? MMU_PERM_RWX_USER : i < RW_PAGES + RO_PAGES ? MMU_PERM_U : MMU_PERM_W;
		if (i % 3 == 0)
			perms &= ~MMU_PERM_X; /* a fetch there faults */
		cr_assert_eq(mmu_os_map(s.os, pid, BASE + i * 4096, 4096, 1, perms), 0);
	}
	cr_assert_eq(mmu_os_map(s.os, pid, HUGE_VA, UINT64_C(1) << 21, 2, MMU_PERM_RWX_USER), 0);
}

struct outcome {
	std::string first_difference;
	uint64_t shortcuts, waits, transactions, table_hits;
};

/*
 * The same script on both sides; the first difference, if any. The model's cycle and statistics are compared after
 * every `look_every`-th step and after the last one; the responses and the component's cycle after every step.
 */
outcome compare(const mmu_cfg_t &cfg, sabotage broken, uint64_t seed, unsigned steps, unsigned look_every = 1)
{
	auto qc = std::make_unique<quiet_core>(cfg, broken);
	quiet_core *q = qc.get();
	side ref("ticked", cfg, std::make_unique<ticked_core>(cfg));
	side sut("quiet", cfg, std::move(qc));
	sc_core::sc_start(sc_core::SC_ZERO_TIME);
	for (side *s : {&ref, &sut}) {
		map_all(*s, 1);
		map_all(*s, 2);
	}
	script rnd(seed);
	sc_time local = sc_core::SC_ZERO_TIME;
	outcome o = {"", 0, 0, 0, 0};
	uint32_t pid = 1;
	uint64_t last_va = BASE;
	for (side *s : {&ref, &sut}) {
		sc_time delay = local;
		s->mmu->write_cr3(mmu_os_cr3(s->os, pid, false), delay);
	}
	local += period;
	struct access {
		uint64_t va;
		unsigned kind;
		bool user;
	} recent[4];
	unsigned made = 0; /* accesses made so far: recent[made % 4] is the next to replace */
	for (unsigned n = 0; n < steps; n++) {
		/* read seldom, mostly again one of the last accesses (another word), without a gap: runs of quiet hits
		 */
		bool again = look_every > 1 && made >= 4 && rnd.next(16) != 0;
		/* the gap before it: mostly none (presented in the response cycle), else whole or part periods */
		unsigned g = again ? 0 : rnd.next(20);
		if (g >= 14)
			local += period * (g - 13);
		else if (g == 13)
			local += sc_time(0.25, SC_NS);
		else if (g == 12)
			local += period * 700;
		unsigned what = again ? 99 : rnd.next(100);
		bool look = (n + 1) % look_every == 0 || n + 1 == steps;
		after a, b;
		if (what < 2) {
			pid = 3 - pid;
			uint64_t cr3 = mmu_os_cr3(ref.os, pid, false);
			cr_assert_eq(cr3, mmu_os_cr3(sut.os, pid, false));
			a = control(ref, true, cr3, 0, local, look);
			b = control(sut, true, cr3, 0, local, look);
		} else if (what < 4) {
			uint64_t va = BASE + rnd.next(PAGES) * 4096;
			bool all = rnd.next(2);
			a = control(ref, false, all, va, local, look);
			b = control(sut, false, all, va, local, look);
		} else {
			uint64_t va;
			unsigned where = again ? 0 : rnd.next(40), kind;
			bool user;
			if (again) {
				const access &r = recent[rnd.next(4)];
				va = (r.va & ~UINT64_C(0xfff)) + 8 * rnd.next(512);
				kind = r.kind;
				user = r.user;
			} else if (rnd.next(2)) /* locality: the page before, another word */
				va = (last_va & ~UINT64_C(0xfff)) + 8 * rnd.next(512);
			else if (where == 0)
				va = UINT64_C(0x0000900000000000); /* not mapped */
			else if (where == 1)
				va = UINT64_C(0x8000000000000000); /* not canonical */
			else if (where < 6)
				va = HUGE_VA + rnd.next(512) * 4096 + 8 * rnd.next(512);
			else
				va = BASE + rnd.next(PAGES) * 4096 + 8 * rnd.next(512);
			if (!again) {
				kind = rnd.next(20);
				user = rnd.next(10) != 0;
			}
			last_va = va;
			recent[made++ % 4] = access{va, kind, user};
			bool fetch = kind < 4;
			tlm::tlm_command cmd = kind < 4    ? tlm::TLM_READ_COMMAND
			                       : kind < 11 ? tlm::TLM_READ_COMMAND
			                       : kind < 18 ? tlm::TLM_WRITE_COMMAND
			                                   : tlm::TLM_IGNORE_COMMAND;
			unsigned len = rnd.next(2) ? 8 : 4;
			a = transact(ref, va, cmd, fetch, user, len, local, look);
			b = transact(sut, va, cmd, fetch, user, len, local, look);
			o.transactions++;
		}
		std::string d = differ(a, b);
		if (!d.empty()) {
			char where[64];
			std::snprintf(where, sizeof where, "step %u: ", n);
			o.first_difference = where + d;
			break;
		}
		local = a.delay;
	}
	o.shortcuts = q->taken;
	o.waits = q->waits;
	o.table_hits = q->table_hits();
	return o;
}

mmu_cfg_t small_l1(bool pcid, unsigned h1d)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	cfg.pcid = pcid;
	cfg.l1d.entries = 8;
	cfg.l1d.ways = 4;
	cfg.l1d.hit_latency = h1d;
	cfg.l1i.entries = 4;
	cfg.l1i.ways = 4;
	char msg[256];
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0, "%s", msg);
	return cfg;
}

} // namespace

Test(mmu_tlm_quiet, the_shortcut_leaves_what_the_per_cycle_path_leaves)
{
	outcome o = compare(small_l1(false, 1), NONE, 0x9e3779b97f4a7c15u, 4000);
	cr_assert(o.first_difference.empty(), "%s", o.first_difference.c_str());
	/* it was taken, and not for everything: the rest went cycle by cycle */
	cr_assert_gt(o.shortcuts, o.transactions / 4, "%llu shortcuts of %llu transactions",
	             (unsigned long long)o.shortcuts, (unsigned long long)o.transactions);
	cr_assert_lt(o.shortcuts, o.transactions * 9 / 10);
	cr_assert_gt(o.waits, 100, "%llu waits for memory skipped", (unsigned long long)o.waits);
}

Test(mmu_tlm_quiet, the_shortcut_holds_with_pcids_and_a_multi_cycle_l1_lookup)
{
	outcome o = compare(small_l1(true, 3), NONE, 12345, 4000);
	cr_assert(o.first_difference.empty(), "%s", o.first_difference.c_str());
	cr_assert_gt(o.shortcuts, o.transactions / 4, "%llu shortcuts of %llu transactions",
	             (unsigned long long)o.shortcuts, (unsigned long long)o.transactions);
}

Test(mmu_tlm_quiet, the_shortcut_holds_in_the_default_configuration)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	outcome o = compare(cfg, NONE, 777, 4000);
	cr_assert(o.first_difference.empty(), "%s", o.first_difference.c_str());
	cr_assert_gt(o.shortcuts, o.transactions / 4, "%llu shortcuts of %llu transactions",
	             (unsigned long long)o.shortcuts, (unsigned long long)o.transactions);
}

/*
 * Hits the model core answers from its table pile up uncounted until the model is read; compared only every 50th
 * step, they are applied many at a time, on both ports, and must still leave what the per-cycle path leaves.
 */
static void read_seldom(const mmu_cfg_t &cfg, uint64_t seed)
{
	outcome o = compare(cfg, NONE, seed, 4000, 50);
	cr_assert(o.first_difference.empty(), "%s", o.first_difference.c_str());
	cr_assert_gt(o.table_hits, o.shortcuts / 4, "%llu of %llu shortcuts from the table",
	             (unsigned long long)o.table_hits, (unsigned long long)o.shortcuts);
}

Test(mmu_tlm_quiet, hits_applied_many_at_a_time_leave_what_the_per_cycle_path_leaves)
{
	read_seldom(small_l1(false, 1), 99);
}

Test(mmu_tlm_quiet, hits_applied_many_at_a_time_with_pcids_and_a_multi_cycle_l1_lookup)
{
	read_seldom(small_l1(true, 3), 2024);
}

Test(mmu_tlm_quiet, hits_applied_many_at_a_time_in_the_default_configuration)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	read_seldom(cfg, 31337);
}

Test(mmu_tlm_quiet, a_hit_counted_twice_is_caught_when_read_seldom)
{
	outcome o = compare(small_l1(false, 1), COUNTED_TWICE, 1, 200, 50);
	cr_assert(!o.first_difference.empty());
}

Test(mmu_tlm_quiet, a_shortcut_one_cycle_late_is_caught)
{
	outcome o = compare(small_l1(false, 1), LATE, 1, 200);
	cr_assert(!o.first_difference.empty());
}

Test(mmu_tlm_quiet, a_shortcut_counting_a_hit_twice_is_caught)
{
	outcome o = compare(small_l1(false, 1), COUNTED_TWICE, 1, 200);
	cr_assert(!o.first_difference.empty());
}

Test(mmu_tlm_quiet, a_shortcut_with_a_wrong_address_is_caught)
{
	outcome o = compare(small_l1(false, 1), WRONG_ADDRESS, 1, 200);
	cr_assert(!o.first_difference.empty());
}

Test(mmu_tlm_quiet, a_wait_for_memory_skipped_one_cycle_too_far_is_caught)
{
	outcome o = compare(small_l1(false, 1), WAIT_TOO_SHORT, 1, 200);
	cr_assert(!o.first_difference.empty());
}

/* One platform per test: SystemC elaborates once per process. */
static void under_policy(mmu_policy_t policy)
{
	mmu_cfg_t cfg = small_l1(false, 1);
	cfg.l1d.policy = cfg.l1i.policy = policy;
	cfg.l2.policy = policy == MMU_POLICY_PLRU ? MMU_POLICY_LRU : policy; /* PLRU wants power-of-two ways */
	outcome o = compare(cfg, NONE, 4242 + policy, 3000);
	cr_assert(o.first_difference.empty(), "%s", o.first_difference.c_str());
	cr_assert_gt(o.shortcuts, o.transactions / 4);
}

Test(mmu_tlm_quiet, the_shortcut_holds_under_plru)
{
	under_policy(MMU_POLICY_PLRU);
}

Test(mmu_tlm_quiet, the_shortcut_holds_under_fifo)
{
	under_policy(MMU_POLICY_FIFO);
}

Test(mmu_tlm_quiet, the_shortcut_holds_under_random_replacement)
{
	under_policy(MMU_POLICY_RANDOM);
}
