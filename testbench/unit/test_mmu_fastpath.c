/*
 * The fast path (mmu_translate) and the per-cycle path (mmu_comb/mmu_clock stepped every cycle) must agree on every
 * result, every latency, every statistic and the final memory contents (A/D bits), on random streams of requests,
 * CR3 writes, flushes and idle cycles over page tables with every page size, permission and fault cause; with the
 * model-only page-walk caches and walker data cache (docs/timing.md W9-W12, M6-M8) on as well.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mmu/mmu_sim.h"
#include "mmu_replay.h"

/* xorshift64: the stream generator of this test only. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

typedef struct variant {
	const char *name;
	const char *sets[12]; /* key=value pairs applied on top of the defaults */
} variant_t;

static void apply(mmu_cfg_t *cfg, const variant_t *v)
{
	char msg[256];
	mmu_cfg_default(cfg);
	cfg->seed = 7;
	for (int i = 0; i < 12 && v->sets[i]; i++) {
		char key[64];
		const char *eq = strchr(v->sets[i], '=');
		cr_assert(eq && (size_t)(eq - v->sets[i]) < sizeof key);
		memcpy(key, v->sets[i], (size_t)(eq - v->sets[i]));
		key[eq - v->sets[i]] = 0;
		cr_assert_eq(mmu_cfg_set(cfg, key, eq + 1, msg, sizeof msg), 0, "%s", msg);
	}
	cr_assert_eq(mmu_cfg_validate(cfg, msg, sizeof msg), 0, "%s", msg);
}

/* Regions per process: 4K pages with mixed rights, a 2M and a 1G page, kernel pages, and holes (not present). */
#define NPROC 3
static const uint64_t region_base[] = {UINT64_C(0x400000), UINT64_C(0x7f0000000000), UINT64_C(0x40000000),
                                       UINT64_C(0x200000000)};

static void build_tables(mmu_sim_t *s, bool huge)
{
	mmu_os_t *os = mmu_sim_os(s);
	cr_assert_eq(mmu_os_map_kernel(os, UINT64_C(0xffff800000000000), 16 * 4096, MMU_PERM_W), 0);
	for (uint32_t pid = 1; pid <= NPROC; pid++) {
		cr_assert_eq(mmu_os_process(os, pid), 0);
		for (unsigned i = 0; i < 24; i++) {
			unsigned perms = MMU_PERM_U | (i % 3 ? MMU_PERM_W : 0) | (i % 4 ? 0 : MMU_PERM_X);
			if (i % 7 == 5)
				continue; /* hole */
			cr_assert_eq(mmu_os_map(os, pid, region_base[0] + i * 4096, 4096, 1, perms), 0);
		}
		for (unsigned i = 0; i < 8; i++)
			cr_assert_eq(mmu_os_map(os, pid, region_base[1] + i * 4096, 4096, 1, MMU_PERM_W), 0);
		if (huge) {
			cr_assert_eq(mmu_os_map(os, pid, region_base[2], UINT64_C(1) << 21, 2, MMU_PERM_RWX_USER), 0);
			if (pid == 1)
				cr_assert_eq(mmu_os_map(os, pid, region_base[3], UINT64_C(1) << 30, 3, MMU_PERM_U), 0);
		}
	}
	/* a shared frame: pid 2 sees pid 1's first page at another address */
	uint64_t pa;
	unsigned level;
	cr_assert_eq(mmu_os_translate(os, 1, region_base[0], &pa, &level), 0);
	cr_assert_eq(mmu_os_map_frame(os, 2, region_base[0] + 64 * 4096, pa, 1, MMU_PERM_RWX_USER), 0);
}

static uint64_t random_address(uint64_t *r, bool huge)
{
	uint64_t x = rnd(r);
	switch (x % 16) {
	case 0:
		return UINT64_C(0xffff800000000000) + (rnd(r) % (20 * 4096)); /* kernel, some beyond the mapping */
	case 1:
		return UINT64_C(0x0000900000000000) ^ (rnd(r) & 0xffff); /* nothing mapped */
	case 2:
		return UINT64_C(0x8000000000000000) | (rnd(r) & 0xfff); /* non-canonical */
	case 3:
	case 4:
		return region_base[1] + rnd(r) % (9 * 4096);
	case 5:
	case 6:
		if (huge)
			return region_base[2 + (x >> 8) % 2] +
			       (rnd(r) % (UINT64_C(1) << 21)) * ((x >> 9) % 2 ? 1 : 512);
		/* fall through */
	default:
		return region_base[0] + rnd(r) % (26 * 4096) + ((x >> 12) % 8 == 0 ? 64 * 4096 : 0);
	}
}

typedef struct trace_step {
	mmu_result_t res;
	uint64_t cycle;
} step_t;

/* Runs a stream on one engine; records every result. */
static void run_stream(const mmu_cfg_t *cfg, mmu_engine_t engine, uint64_t seed, bool huge, step_t *out, size_t n,
                       mmu_sim_t **keep)
{
	char msg[256];
	mmu_sim_t *s;
	cr_assert_eq(mmu_sim_create(cfg, engine, &s, msg, sizeof msg), 0, "%s", msg);
	build_tables(s, huge);
	cr_assert_eq(mmu_sim_switch(s, 1), 0);
	uint64_t r = seed;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = rnd(&r);
		memset(&out[i], 0, sizeof out[i]);
		if (x % 97 == 0) {
			cr_assert_eq(mmu_sim_switch(s, 1 + (uint32_t)(rnd(&r) % NPROC)), 0);
		} else if (x % 89 == 0) {
			uint64_t cr3 = rnd(&r) % 2 ? mmu_os_cr3(mmu_sim_os(s), 1 + (uint32_t)(rnd(&r) % NPROC), false)
			                           : mmu_cr3(mmu_sim_mmu(s));
			mmu_sim_cr3_write(s, cr3); /* with PCID: bit 63 clear, flushes that PCID */
		} else if (x % 83 == 0) {
			mmu_sim_flush(s, (mmu_flush_op_t)(rnd(&r) % 5), random_address(&r, huge),
			              (uint16_t)(rnd(&r) % (NPROC + 1)));
		} else if (x % 79 == 0) {
			mmu_sim_idle(s, rnd(&r) % 5);
		} else {
			unsigned port = (unsigned)(rnd(&r) % 3 == 0 ? MMU_REQ_I : MMU_REQ_D);
			mmu_op_t op = port == MMU_REQ_I ? MMU_OP_FETCH : (mmu_op_t)(rnd(&r) % 2);
			if (rnd(&r) % 10 == 0)
				op = (mmu_op_t)(rnd(&r) % 3); /* any op on any port */
			bool user = rnd(&r) % 8 != 0;
			mmu_sim_translate(s, port, random_address(&r, huge), op, user, &out[i].res);
		}
		out[i].cycle = mmu_cycle(mmu_sim_mmu(s));
	}
	*keep = s;
}

typedef struct page_list {
	uint64_t addr[4096];
	uint64_t hash[4096]; /* FNV-1a of each page's bytes */
	size_t n;
} page_list_t;

static void collect(void *ctx, uint64_t page_addr, const uint8_t *bytes)
{
	page_list_t *pl = ctx;
	cr_assert_lt(pl->n, 4096);
	uint64_t h = UINT64_C(1469598103934665603);
	for (unsigned i = 0; i < 4096; i++)
		h = (h ^ bytes[i]) * UINT64_C(1099511628211);
	pl->addr[pl->n] = page_addr;
	pl->hash[pl->n] = h;
	pl->n++;
}

#define STEPS 20000

static void check_variant(const variant_t *v, bool huge)
{
	mmu_cfg_t cfg;
	apply(&cfg, v);
	static step_t fast[STEPS], ticked[STEPS];
	for (uint64_t seed = 1; seed <= 3; seed++) {
		mmu_sim_t *a, *b;
		run_stream(&cfg, MMU_ENGINE_FAST, seed * 0x9E3779B97F4A7C15u, huge, fast, STEPS, &a);
		run_stream(&cfg, MMU_ENGINE_TICKED, seed * 0x9E3779B97F4A7C15u, huge, ticked, STEPS, &b);
		for (size_t i = 0; i < STEPS; i++) {
			const mmu_result_t *x = &fast[i].res, *y = &ticked[i].res;
			cr_assert(x->paddr == y->paddr && x->fault == y->fault && x->cause == y->cause &&
			              x->ecode == y->ecode && x->level == y->level && x->latency == y->latency &&
			              fast[i].cycle == ticked[i].cycle,
			          "%s seed %" PRIu64 " step %zu: fast paddr %" PRIx64
			          " fault %u cause %u ecode %u level %u "
			          "latency %u cycle %" PRIu64 " / ticked paddr %" PRIx64 " fault %u cause %u ecode %u "
			          "level %u latency %u cycle %" PRIu64,
			          v->name, seed, i, x->paddr, x->fault, x->cause, x->ecode, x->level, x->latency,
			          fast[i].cycle, y->paddr, y->fault, y->cause, y->ecode, y->level, y->latency,
			          ticked[i].cycle);
		}
		mmu_stats_t sa, sb;
		mmu_stats_read(mmu_sim_mmu(a), &sa);
		mmu_stats_read(mmu_sim_mmu(b), &sb);
		mmu_mem_stats_read(mmu_sim_mem(a), &sa);
		mmu_mem_stats_read(mmu_sim_mem(b), &sb);
		for (unsigned i = 0; i < mmu_stats_count(); i++)
			cr_assert_eq(mmu_stats_value(&sa, i), mmu_stats_value(&sb, i),
			             "%s seed %" PRIu64 ": %s %" PRIu64 " vs %" PRIu64, v->name, seed,
			             mmu_stats_name(i), mmu_stats_value(&sa, i), mmu_stats_value(&sb, i));
		cr_assert_arr_eq(sa.walk_hist, sb.walk_hist, sizeof sa.walk_hist);
		/* the stream must have exercised the interesting cases */
		cr_assert_gt(sa.walks, 100);
		cr_assert_gt(sa.faults_not_present, 10);
		cr_assert_gt(sa.faults_protection, 10);
		cr_assert_gt(sa.faults_noncanonical, 10);
		cr_assert_gt(sa.ad_writes, 10);
		cr_assert_gt(sa.walks_dirty, 0);
		if (cfg.l2.entries)
			cr_assert_gt(sa.l2_hits, 10);
		if (cfg.pwc[2].entries)
			cr_assert(sa.pwc_l2_hits > 10 && sa.pwc_l2_misses > 10 && sa.pwc_skipped > 10, "%s: PWC unused",
			          v->name);
		if (cfg.mem.dcache.entries)
			cr_assert(sa.dcache_hits > 10 && sa.dcache_misses > 10, "%s: dcache unused", v->name);
		static page_list_t pa, pb;
		pa.n = pb.n = 0;
		mmu_physmem_foreach(mmu_sim_physmem(a), collect, &pa);
		mmu_physmem_foreach(mmu_sim_physmem(b), collect, &pb);
		cr_assert_eq(pa.n, pb.n);
		cr_assert_arr_eq(pa.addr, pb.addr, pa.n * sizeof pa.addr[0]);
		cr_assert_arr_eq(pa.hash, pb.hash, pa.n * sizeof pa.hash[0], "%s: memory contents differ", v->name);
		mmu_sim_destroy(a);
		mmu_sim_destroy(b);
	}
}

static const variant_t variants[] = {
    {"default", {NULL}},
    {"small-full",
     {"tlb.l1i.entries=8", "tlb.l1i.ways=full", "tlb.l1d.entries=8", "tlb.l1d.ways=full", "tlb.l2.entries=32",
      "tlb.l2.ways=full", NULL}},
    {"plru",
     {"tlb.l1d.entries=16", "tlb.l1d.policy=plru", "tlb.l1i.policy=plru", "tlb.l2.entries=64", "tlb.l2.ways=8",
      "tlb.l2.policy=plru", NULL}},
    {"random",
     {"tlb.l1d.entries=16", "tlb.l1d.policy=random", "tlb.l1i.policy=random", "tlb.l2.entries=64", "tlb.l2.ways=4",
      "tlb.l2.policy=random", NULL}},
    {"fifo",
     {"tlb.l1d.entries=16", "tlb.l1d.policy=fifo", "tlb.l1i.entries=16", "tlb.l1i.policy=fifo", "tlb.l2.entries=64",
      "tlb.l2.policy=fifo", "tlb.l2.ways=4", NULL}},
    {"no-l2", {"tlb.l2.entries=0", "tlb.l1d.entries=16", NULL}},
    {"pcid", {"cr3.pcid=1", "tlb.l1d.entries=16", NULL}},
    {"slow-lookups", {"tlb.l1d.hit_latency=3", "tlb.l1i.hit_latency=2", "tlb.l2.hit_latency=1", NULL}},
    {"random-memory", {"mem.latency=5", "mem.latency_max=40", "mem.stall_max=3", "tlb.l1d.entries=16", NULL}},
    {"pwc",
     {"tlb.l1d.entries=16", "tlb.l2.entries=64", "tlb.l2.ways=4", "pwc.l2.entries=8", "pwc.l2.ways=2",
      "pwc.l3.entries=4", "pwc.l3.hit_latency=2", "pwc.l4.entries=2", NULL}},
    {"pwc-no-l2-pcid",
     {"tlb.l2.entries=0", "tlb.l1d.entries=16", "cr3.pcid=1", "pwc.l2.entries=4", "pwc.l2.policy=random",
      "pwc.l3.entries=2", "pwc.l3.policy=fifo", "pwc.l4.entries=1", NULL}},
    {"dcache",
     {"tlb.l1d.entries=16", "dcache.lines=16", "dcache.ways=2", "dcache.line_bytes=32", "dcache.hit_latency=2",
      "mem.latency=30", "mem.latency_max=60", "mem.stall_max=2", NULL}},
    {"pwc-dcache-pcid",
     {"tlb.l1d.entries=16", "cr3.pcid=1", "tlb.l2.entries=64", "tlb.l2.ways=4", "pwc.l2.entries=4",
      "pwc.l2.policy=plru", "pwc.l3.entries=2", "dcache.lines=8", "dcache.policy=random", "dcache.ways=4", NULL}},
    /* caches slower than the memory behind them: the ticked engine's watchdog once fired on these valid walks */
    {"slow-caches",
     {"tlb.l1d.entries=16", "mem.latency=2", "dcache.lines=64", "dcache.hit_latency=40", "pwc.l2.entries=8",
      "pwc.l3.entries=4", "pwc.l2.hit_latency=30", NULL}},
};

/* Criterion copies parameters into the test process: pass an index, not pointers. */
ParameterizedTestParameters(mmu_fastpath, equal_on_random_streams)
{
	static unsigned index[sizeof variants / sizeof variants[0]];
	for (unsigned i = 0; i < sizeof index / sizeof index[0]; i++)
		index[i] = i;
	return cr_make_param_array(unsigned, index, sizeof index / sizeof index[0]);
}

ParameterizedTest(unsigned *i, mmu_fastpath, equal_on_random_streams, .timeout = 300)
{
	check_variant(&variants[*i], true);
}

/*
 * The OS-side policies (huge pages, memory limit with eviction and swap) run between translations: both engines
 * must see the same faults, evictions, invalidations and cycles on whole traces, with every policy on.
 */
static const variant_t os_variants[] = {
    {"thp-always", {"os.thp=always", NULL}},
    {"thp-dense", {"os.thp=dense", "os.thp_density=8", "tlb.l1d.entries=16", NULL}},
    {"thp-dense-walk-caches",
     {"os.thp=dense", "os.thp_density=8", "pwc.l2.entries=8", "pwc.l3.entries=4", "dcache.lines=64", NULL}},
    {"mem-limit", {"os.mem_frames=24", "tlb.l1d.entries=16", "tlb.l2.entries=64", "tlb.l2.ways=4", NULL}},
    {"mem-limit-pcid-huge",
     {"os.mem_frames=600", "os.thp=always", "cr3.pcid=1", "os.huge=0x600000000:4M:2M", "pwc.l2.entries=8",
      "tlb.l2.entries=64", "tlb.l2.ways=4", NULL}},
};

#define TRACE_RECS 6000

static void run_trace(const mmu_cfg_t *cfg, mmu_engine_t engine, uint64_t seed, uint64_t *cycles, mmu_sim_t **keep)
{
	char msg[256];
	mmu_sim_t *s;
	cr_assert_eq(mmu_sim_create(cfg, engine, &s, msg, sizeof msg), 0, "%s", msg);
	static const uint64_t regions[] = {UINT64_C(0x400000), UINT64_C(0x7f0000000000), UINT64_C(0x600000000),
	                                   UINT64_C(0x40000000)};
	uint64_t r = seed;
	uint32_t pid = 1;
	for (size_t i = 0; i < TRACE_RECS; i++) {
		uint64_t x = rnd(&r);
		if (x % 211 == 0)
			pid = 1 + (uint32_t)(rnd(&r) % NPROC);
		/* a hot set of a few pages and a wider sweep, so pages are reused after eviction */
		uint64_t pages = x % 4 == 0 ? 64 : 6;
		uint64_t va = regions[(x >> 8) % 4] + (rnd(&r) % pages) * 4096 + (rnd(&r) % 4096);
		mmu_trace_rec_t rec = {
		    .vaddr = va, .size = (uint32_t)(1 + rnd(&r) % 8), .pid = pid, .kind = (uint8_t)(rnd(&r) % 3)};
		cr_assert_eq(mmu_sim_ref(s, &rec, msg, sizeof msg), 0, "record %zu: %s", i, msg);
		cycles[i] = mmu_cycle(mmu_sim_mmu(s));
	}
	*keep = s;
}

static void check_os_variant(const variant_t *v)
{
	mmu_cfg_t cfg;
	apply(&cfg, v);
	/* short OS costs: the ticked engine steps every idle cycle of them */
	cfg.os.fault_cycles = 20;
	cfg.os.swap_in_cycles = 50;
	cfg.os.swap_out_cycles = 30;
	static uint64_t fast[TRACE_RECS], ticked[TRACE_RECS];
	mmu_sim_t *a, *b;
	run_trace(&cfg, MMU_ENGINE_FAST, 0x9E3779B97F4A7C15u, fast, &a);
	run_trace(&cfg, MMU_ENGINE_TICKED, 0x9E3779B97F4A7C15u, ticked, &b);
	for (size_t i = 0; i < TRACE_RECS; i++)
		cr_assert_eq(fast[i], ticked[i], "%s: record %zu ends in cycle %" PRIu64 " (fast) vs %" PRIu64, v->name,
		             i, fast[i], ticked[i]);
	mmu_stats_t sa, sb;
	mmu_stats_read(mmu_sim_mmu(a), &sa);
	mmu_stats_read(mmu_sim_mmu(b), &sb);
	for (unsigned i = 0; i < mmu_stats_count(); i++)
		cr_assert_eq(mmu_stats_value(&sa, i), mmu_stats_value(&sb, i), "%s: %s %" PRIu64 " vs %" PRIu64,
		             v->name, mmu_stats_name(i), mmu_stats_value(&sa, i), mmu_stats_value(&sb, i));
	cr_assert(memcmp(mmu_sim_stats(a), mmu_sim_stats(b), sizeof(mmu_sim_stats_t)) == 0, "%s: trace counts differ",
	          v->name);
	const mmu_sim_stats_t *ss = mmu_sim_stats(a);
	if (cfg.os.mem_frames) {
		cr_assert_gt(ss->evictions, 20, "%s: the limit was not reached", v->name);
		cr_assert_gt(ss->swap_ins, 20);
		cr_assert_gt(ss->shootdowns, 20);
	}
	if (cfg.os.thp != MMU_THP_NEVER)
		cr_assert_gt(sa.served_level2, 100, "%s: no translation by a huge page", v->name);
	static page_list_t pa, pb;
	pa.n = pb.n = 0;
	mmu_physmem_foreach(mmu_sim_physmem(a), collect, &pa);
	mmu_physmem_foreach(mmu_sim_physmem(b), collect, &pb);
	cr_assert_eq(pa.n, pb.n);
	cr_assert_arr_eq(pa.addr, pb.addr, pa.n * sizeof pa.addr[0]);
	cr_assert_arr_eq(pa.hash, pb.hash, pa.n * sizeof pa.hash[0], "%s: memory contents differ", v->name);
	mmu_sim_destroy(a);
	mmu_sim_destroy(b);
}

ParameterizedTestParameters(mmu_fastpath, equal_on_traces_with_os_policies)
{
	static unsigned index[sizeof os_variants / sizeof os_variants[0]];
	for (unsigned i = 0; i < sizeof index / sizeof index[0]; i++)
		index[i] = i;
	return cr_make_param_array(unsigned, index, sizeof index / sizeof index[0]);
}

ParameterizedTest(unsigned *i, mmu_fastpath, equal_on_traces_with_os_policies, .timeout = 300)
{
	check_os_variant(&os_variants[*i]);
}

/*
 * Hits counted at once (mmu_replay_l1_hit_slot + mmu_replay_translate_hits, what mmusim sweep does for repeated pages)
 * against the same requests translated one by one, on the random streams above with some requests repeated back to
 * back: every cycle count, every statistic and the memory must agree.
 */
/*
 * How the repeats are run: one by one; counted at once after a lookup each time; or counted at once on an answer kept
 * from an earlier lookup of the same page while its slot's write stamp and the PCID hold, with the counting added up
 * and applied at the end (what mmusim sweep does).
 */
enum { ONE_BY_ONE, AT_ONCE, KEPT };

/* An answer of mmu_replay_l1_hit_slot kept for one (port, base page, operation, privilege). */
typedef struct kept {
	uint64_t key, written;
	long slot;
	uint16_t pcid;
} kept_t;

static long kept_slot(mmu_t *m, kept_t *kept, unsigned port, uint64_t vaddr, mmu_op_t op, bool user)
{
	uint64_t key = ((vaddr >> 12) << 4 | (uint64_t)op << 2 | (uint64_t)port << 1 | user) + 1;
	kept_t *k = &kept[(vaddr >> 12) % 61];
	long slot = mmu_replay_l1_hit_slot(m, port, vaddr, op, user, -1);
	if (k->key == key && k->written && mmu_replay_l1_slot_holds(m, port, k->slot, k->written, k->pcid)) {
		cr_assert_eq(slot, k->slot, "an answer that holds is the lookup's answer (0x%" PRIx64 ")", vaddr);
		return slot;
	}
	if (slot >= 0)
		*k = (kept_t){.key = key,
		              .slot = slot,
		              .written = mmu_replay_l1_slot_written(m, port, slot),
		              .pcid = mmu_current_pcid(m)};
	return slot;
}

/* Returns how many requests were counted at once. */
static uint64_t run_repeats(const mmu_cfg_t *cfg, uint64_t seed, int mode, uint64_t *cycles, size_t n, mmu_sim_t **keep)
{
	uint64_t batched = 0, pending[MMU_NREQ][MMU_MAX_LEVELS + 1] = {{0}};
	static kept_t kept[61];
	memset(kept, 0, sizeof kept);
	char msg[256];
	mmu_sim_t *s;
	cr_assert_eq(mmu_sim_create(cfg, MMU_ENGINE_FAST, &s, msg, sizeof msg), 0, "%s", msg);
	build_tables(s, true);
	cr_assert_eq(mmu_sim_switch(s, 1), 0);
	mmu_t *m = mmu_sim_mmu(s);
	uint64_t r = seed;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = rnd(&r);
		if (x % 97 == 0) {
			cr_assert_eq(mmu_sim_switch(s, 1 + (uint32_t)(rnd(&r) % NPROC)), 0);
		} else if (x % 83 == 0) {
			mmu_sim_flush(s, (mmu_flush_op_t)(rnd(&r) % 5), random_address(&r, true),
			              (uint16_t)(rnd(&r) % (NPROC + 1)));
		} else {
			unsigned port = (unsigned)(rnd(&r) % 3 == 0 ? MMU_REQ_I : MMU_REQ_D);
			mmu_op_t op = port == MMU_REQ_I ? MMU_OP_FETCH : (mmu_op_t)(rnd(&r) % 2);
			bool user = rnd(&r) % 8 != 0;
			uint64_t vaddr = random_address(&r, true), reps = rnd(&r) % 3 == 0 ? 1 + rnd(&r) % 20 : 1;
			mmu_result_t res;
			for (uint64_t k = 0; k < reps; k++) {
				long slot = mode == AT_ONCE ? mmu_replay_l1_hit_slot(m, port, vaddr, op, user, -1)
				            : mode == KEPT  ? kept_slot(m, kept, port, vaddr, op, user)
				                            : -1;
				if (slot >= 0 && mode == AT_ONCE)
					mmu_replay_translate_hits(m, port, slot, reps - k);
				if (slot >= 0 && mode == KEPT) {
					mmu_replay_l1_touch(m, port, slot);
					pending[port][mmu_replay_l1_slot_level(m, port, slot)] += reps - k;
				}
				if (slot >= 0) {
					batched += reps - k;
					break;
				}
				mmu_sim_translate(s, port, vaddr, op, user, &res);
			}
		}
		cycles[i] = mmu_cycle(m);
	}
	for (unsigned p = 0; p < MMU_NREQ; p++)
		for (unsigned level = 0; level <= MMU_MAX_LEVELS; level++)
			mmu_replay_count_l1_hits(m, p, level, pending[p][level]);
	cycles[n - 1] = mmu_cycle(m);
	*keep = s;
	return batched;
}

ParameterizedTestParameters(mmu_fastpath, hits_counted_at_once_equal_one_by_one)
{
	static unsigned index[sizeof variants / sizeof variants[0]];
	for (unsigned i = 0; i < sizeof index / sizeof index[0]; i++)
		index[i] = i;
	return cr_make_param_array(unsigned, index, sizeof index / sizeof index[0]);
}

static void check_repeats(unsigned i, int mode)
{
	const variant_t *v = &variants[i];
	mmu_cfg_t cfg;
	apply(&cfg, v);
	static uint64_t one[STEPS], all[STEPS];
	for (uint64_t seed = 1; seed <= 3; seed++) {
		mmu_sim_t *a, *b;
		run_repeats(&cfg, seed * 0x9E3779B97F4A7C15u, ONE_BY_ONE, one, STEPS, &a);
		uint64_t batched = run_repeats(&cfg, seed * 0x9E3779B97F4A7C15u, mode, all, STEPS, &b);
		for (size_t k = 0; k < STEPS; k++) /* counts kept for the end leave only the last cycle comparable */
			if (mode == AT_ONCE || k == STEPS - 1)
				cr_assert_eq(one[k], all[k],
				             "%s seed %" PRIu64 " step %zu: cycle %" PRIu64 " one by one, %" PRIu64,
				             v->name, seed, k, one[k], all[k]);
		mmu_stats_t sa, sb;
		mmu_stats_read(mmu_sim_mmu(a), &sa);
		mmu_stats_read(mmu_sim_mmu(b), &sb);
		for (unsigned k = 0; k < mmu_stats_count(); k++)
			cr_assert_eq(mmu_stats_value(&sa, k), mmu_stats_value(&sb, k),
			             "%s seed %" PRIu64 ": %s %" PRIu64 " vs %" PRIu64, v->name, seed,
			             mmu_stats_name(k), mmu_stats_value(&sa, k), mmu_stats_value(&sb, k));
		cr_assert_gt(batched, STEPS / 4, "%s: %" PRIu64 " requests counted at once: too few to prove anything",
		             v->name, batched);
		cr_assert_gt(sa.walks_dirty, 0);
		cr_assert_gt(sa.faults_protection, 10);
		static page_list_t pa, pb;
		pa.n = pb.n = 0;
		mmu_physmem_foreach(mmu_sim_physmem(a), collect, &pa);
		mmu_physmem_foreach(mmu_sim_physmem(b), collect, &pb);
		cr_assert_eq(pa.n, pb.n);
		cr_assert_arr_eq(pa.hash, pb.hash, pa.n * sizeof pa.hash[0], "%s: memory contents differ", v->name);
		mmu_sim_destroy(a);
		mmu_sim_destroy(b);
	}
}

ParameterizedTest(unsigned *i, mmu_fastpath, hits_counted_at_once_equal_one_by_one, .timeout = 300)
{
	check_repeats(*i, AT_ONCE);
}

ParameterizedTestParameters(mmu_fastpath, kept_answers_and_later_counts_equal_one_by_one)
{
	static unsigned index[sizeof variants / sizeof variants[0]];
	for (unsigned i = 0; i < sizeof index / sizeof index[0]; i++)
		index[i] = i;
	return cr_make_param_array(unsigned, index, sizeof index / sizeof index[0]);
}

/*
 * Answers kept while their slot's write stamp and the PCID hold (checked against a fresh lookup every time), hits'
 * counting applied at the end: the same final figures, cycle count and memory as one by one.
 */
ParameterizedTest(unsigned *i, mmu_fastpath, kept_answers_and_later_counts_equal_one_by_one, .timeout = 300)
{
	check_repeats(*i, KEPT);
}

/*
 * mmu_sim_refs (records that hit the L1 entry of the page just before counted in bulk) against the same records
 * through mmu_sim_ref one by one: runs of records on one page back to back, on both ports interleaved, under every
 * replacement policy and the OS policies. Batches of varying size end where the cycle is compared; a second trace run
 * one by one on both afterwards shows any difference the bulk counting left in the TLBs' replacement state.
 */
static const variant_t refs_variants[] = {
    {"defaults", {NULL}},
    {"small-lru", {"tlb.l1i.entries=4", "tlb.l1i.ways=2", "tlb.l1d.entries=4", "tlb.l1d.ways=full", NULL}},
    {"small-plru", {"tlb.l1i.policy=plru", "tlb.l1d.policy=plru", "tlb.l1d.entries=8", "tlb.l1d.ways=4", NULL}},
    {"small-fifo-random", {"tlb.l1i.policy=fifo", "tlb.l1d.policy=random", "tlb.l1d.entries=8", NULL}},
    {"populate-pcid", {"os.populate=1", "cr3.pcid=1", "tlb.l1d.entries=8", "tlb.l1d.ways=2", NULL}},
    {"thp-dense", {"os.thp=dense", "os.thp_density=8", "tlb.l1d.entries=16", NULL}},
    {"mem-limit", {"os.mem_frames=24", "tlb.l1d.entries=16", "tlb.l2.entries=64", "tlb.l2.ways=4", NULL}},
    {"slow-l1", {"tlb.l1i.hit_latency=2", "tlb.l1d.hit_latency=3", "tlb.l1d.entries=8", "mem.latency_max=190", NULL}},
};

#define REFS_RECS 8000

static void make_runs_trace(uint64_t seed, mmu_trace_rec_t *recs, size_t n)
{
	static const uint64_t regions[] = {UINT64_C(0x400000), UINT64_C(0x7f0000000000), UINT64_C(0x600000000)};
	uint64_t r = seed, page[2] = {0, 0};
	uint32_t pid = 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t x = rnd(&r);
		if (x % 499 == 0)
			pid = 1 + (uint32_t)(rnd(&r) % NPROC);
		unsigned port = (x >> 4) % 3 == 0; /* 1: fetch */
		if (x % 7 == 0)                    /* a new page for this port now and then: long runs of one page */
			page[port] = regions[(x >> 8) % 3] + (rnd(&r) % (x % 5 == 0 ? 64 : 6)) * 4096;
		uint8_t kind = port ? MMU_REF_FETCH : (uint8_t)((x >> 12) % 2 ? MMU_REF_LOAD : (x >> 13) % 2 ? 1 : 3);
		/* mostly within the page; now and then across its end */
		uint64_t off = x % 97 == 0 ? 4094 : rnd(&r) % 4088;
		recs[i] = (mmu_trace_rec_t){
		    .vaddr = page[port] + off, .size = 1 + (uint32_t)(x % 8), .pid = pid, .kind = kind};
	}
}

/*
 * In the ticked engine, mmu_sim_refs counts the same hits while nothing else is in flight, and mmu_sim_ref steps every
 * record cycle by cycle: after each batch the MMUs' outputs must be the same too (the response a port shows, its tag,
 * paddr and level), as the ports' state after the last hit.
 */
static void check_refs_variant(const variant_t *v, mmu_engine_t engine)
{
	mmu_cfg_t cfg;
	apply(&cfg, v);
	cfg.os.fault_cycles = 20;
	cfg.os.swap_in_cycles = 50;
	cfg.os.swap_out_cycles = 30;
	static mmu_trace_rec_t recs[REFS_RECS], after[REFS_RECS];
	make_runs_trace(0x243F6A8885A308D3u, recs, REFS_RECS);
	make_runs_trace(0x13198A2E03707344u, after, REFS_RECS);
	char msg[256];
	mmu_sim_t *a, *b;
	cr_assert_eq(mmu_sim_create(&cfg, engine, &a, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(mmu_sim_create(&cfg, engine, &b, msg, sizeof msg), 0, "%s", msg);
	uint64_t r = 99;
	for (size_t i = 0; i < REFS_RECS;) {
		size_t n = 1 + rnd(&r) % 300, done;
		if (n > REFS_RECS - i)
			n = REFS_RECS - i;
		for (size_t k = 0; k < n; k++)
			cr_assert_eq(mmu_sim_ref(a, &recs[i + k], msg, sizeof msg), 0, "%s", msg);
		cr_assert_eq(mmu_sim_refs(b, &recs[i], n, &done, msg, sizeof msg), 0, "%s", msg);
		cr_assert_eq(done, n);
		i += n;
		cr_assert_eq(mmu_cycle(mmu_sim_mmu(a)), mmu_cycle(mmu_sim_mmu(b)), "%s: cycle after record %zu",
		             v->name, i);
		mmu_in_t in = {0};
		mmu_out_t oa, ob;
		mmu_comb(mmu_sim_mmu(a), &in, &oa);
		mmu_comb(mmu_sim_mmu(b), &in, &ob);
		cr_assert(memcmp(&oa, &ob, sizeof oa) == 0, "%s: outputs after record %zu differ", v->name, i);
	}
	for (size_t i = 0; i < REFS_RECS; i++) {
		cr_assert_eq(mmu_sim_ref(a, &after[i], msg, sizeof msg), 0, "%s", msg);
		cr_assert_eq(mmu_sim_ref(b, &after[i], msg, sizeof msg), 0, "%s", msg);
	}
	mmu_stats_t sa, sb;
	mmu_stats_read(mmu_sim_mmu(a), &sa);
	mmu_stats_read(mmu_sim_mmu(b), &sb);
	for (unsigned i = 0; i < mmu_stats_count(); i++)
		cr_assert_eq(mmu_stats_value(&sa, i), mmu_stats_value(&sb, i), "%s: %s %" PRIu64 " vs %" PRIu64,
		             v->name, mmu_stats_name(i), mmu_stats_value(&sa, i), mmu_stats_value(&sb, i));
	cr_assert(memcmp(mmu_sim_stats(a), mmu_sim_stats(b), sizeof(mmu_sim_stats_t)) == 0, "%s: trace counts differ",
	          v->name);
	cr_assert_gt(sa.l1i_misses + sa.l1d_misses, 50, "%s: too few misses to tell", v->name);
	static page_list_t pa, pb;
	pa.n = pb.n = 0;
	mmu_physmem_foreach(mmu_sim_physmem(a), collect, &pa);
	mmu_physmem_foreach(mmu_sim_physmem(b), collect, &pb);
	cr_assert_eq(pa.n, pb.n);
	cr_assert_arr_eq(pa.hash, pb.hash, pa.n * sizeof pa.hash[0], "%s: memory contents differ", v->name);
	mmu_sim_destroy(a);
	mmu_sim_destroy(b);
}

ParameterizedTestParameters(mmu_fastpath, refs_in_bulk_equal_one_by_one)
{
	static unsigned index[sizeof refs_variants / sizeof refs_variants[0]];
	for (unsigned i = 0; i < sizeof index / sizeof index[0]; i++)
		index[i] = i;
	return cr_make_param_array(unsigned, index, sizeof index / sizeof index[0]);
}

ParameterizedTest(unsigned *i, mmu_fastpath, refs_in_bulk_equal_one_by_one, .timeout = 300)
{
	check_refs_variant(&refs_variants[*i], MMU_ENGINE_FAST);
}

ParameterizedTestParameters(mmu_fastpath, ticked_refs_in_bulk_equal_cycle_by_cycle)
{
	static unsigned index[sizeof refs_variants / sizeof refs_variants[0]];
	for (unsigned i = 0; i < sizeof index / sizeof index[0]; i++)
		index[i] = i;
	return cr_make_param_array(unsigned, index, sizeof index / sizeof index[0]);
}

ParameterizedTest(unsigned *i, mmu_fastpath, ticked_refs_in_bulk_equal_cycle_by_cycle, .timeout = 300)
{
	check_refs_variant(&refs_variants[*i], MMU_ENGINE_TICKED);
}
