/*
 * The index of a wide TLB (a hash table of tags, bitmaps of the invalid ways, the LRU use order) against the plain
 * scan of the set, whose answers test_mmu_tlb.c derives by hand from docs/timing.md R1-R7: the same TLB built both
 * ways receives one random stream of lookups, probes, fills, invalidations, flushes and resets (fixed seed; every
 * page size of x86-64, several PCIDs, global entries), and every answer, every victim, the LFSR and the counters
 * must agree at every step, and the whole array every few hundred steps.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu.h"
#include "mmu/mmu_paging.h"
#include "mmu/mmu_tlb.h"
#include "mmu_tlb_search.h"

static mmu_paging_t paging;

static void setup(void)
{
	mmu_paging_cfg_t pc = {.mode = MMU_MODE_X86_64, .pa_bits = 46};
	char msg[160] = "";
	cr_assert_eq(mmu_paging_init(&paging, &pc, msg, sizeof msg), 0, "%s", msg);
}

TestSuite(mmu_tlb_index, .init = setup);

/* xorshift64: the stream's own generator, so that it never depends on the C library's rand(). */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned below(uint64_t *s, unsigned n)
{
	return (unsigned)(next(s) % n);
}

typedef struct {
	mmu_tlb_t *scan, *index;
	unsigned sets, ways;
	uint64_t step;
	uint64_t evictions, rewrites; /* fills over a valid entry of another page, of the same page */
} pair_t;

static void make_pair(pair_t *p, uint32_t entries, uint32_t ways, mmu_policy_t policy)
{
	mmu_tlb_cfg_t cfg = {.entries = entries, .ways = ways, .policy = policy, .hit_latency = 1};
	cr_assert_eq(mmu_tlb_create_searched(&cfg, &paging, 0xACE1, MMU_TLB_SEARCH_SCAN, &p->scan), 0);
	cr_assert_eq(mmu_tlb_create_searched(&cfg, &paging, 0xACE1, MMU_TLB_SEARCH_INDEX, &p->index), 0);
	p->sets = mmu_tlb_sets(p->scan);
	p->ways = mmu_tlb_ways(p->scan);
	p->step = 0;
	p->evictions = p->rewrites = 0;
}

static void free_pair(pair_t *p)
{
	mmu_tlb_destroy(p->scan);
	mmu_tlb_destroy(p->index);
}

static void expect_same_entry(const pair_t *p, const mmu_tlb_entry_t *a, const mmu_tlb_entry_t *b, long slot)
{
	cr_assert(a->valid == b->valid && a->vpn == b->vpn && a->base == b->base && a->pcid == b->pcid &&
	              a->level == b->level && a->global == b->global && a->writable == b->writable &&
	              a->user == b->user && a->nx == b->nx && a->dirty == b->dirty,
	          "step %llu: slot %ld differs (scan: valid %d vpn %#llx pcid %u level %u; index: valid %d vpn %#llx "
	          "pcid %u level %u)",
	          (unsigned long long)p->step, slot, a->valid, (unsigned long long)a->vpn, a->pcid, a->level, b->valid,
	          (unsigned long long)b->vpn, b->pcid, b->level);
}

/* What a fill into set would evict, the LFSR and the counters. */
static void expect_same_state(const pair_t *p, unsigned set)
{
	cr_assert_eq(mmu_tlb_policy_victim(p->scan, set), mmu_tlb_policy_victim(p->index, set),
	             "step %llu: victims of set %u differ", (unsigned long long)p->step, set);
	cr_assert_eq(mmu_tlb_lfsr(p->scan), mmu_tlb_lfsr(p->index), "step %llu", (unsigned long long)p->step);
	const mmu_tlb_counters_t *a = mmu_tlb_counters(p->scan), *b = mmu_tlb_counters(p->index);
	cr_assert(a->accesses == b->accesses && a->hits == b->hits && a->misses == b->misses, "step %llu",
	          (unsigned long long)p->step);
	const mmu_tlb_fills_t *fa = mmu_tlb_fills(p->scan), *fb = mmu_tlb_fills(p->index);
	cr_assert(fa->invalid_way == fb->invalid_way && fa->victim == fb->victim &&
	              fa->copy_same_pcid == fb->copy_same_pcid && fa->copy_new_global == fb->copy_new_global &&
	              fa->copy_old_global == fb->copy_old_global,
	          "step %llu: the fills are counted apart", (unsigned long long)p->step);
}

static void expect_same_array(const pair_t *p)
{
	for (unsigned s = 0; s < p->sets; s++) {
		for (unsigned w = 0; w < p->ways; w++)
			expect_same_entry(p, mmu_tlb_entry(p->scan, s, w), mmu_tlb_entry(p->index, s, w),
			                  (long)s * p->ways + w);
		expect_same_state(p, s);
	}
}

/* Page sizes of x86-64: level 1 (4 KiB), 2 (2 MiB), 3 (1 GiB). */
static const unsigned shift_of[4] = {0, 12, 21, 30};

/* An address among `pages` 4 KiB pages from 0x40000000 on (they share few 2 MiB and 1 GiB pages: many copies). */
static uint64_t pick_vaddr(uint64_t *rng, unsigned pages)
{
	return UINT64_C(0x40000000) + ((uint64_t)below(rng, pages) << 12) + below(rng, 4096);
}

/* PCIDs 0..39: more PCIDs on one VPN than the index's short list of copies holds, now and then. */
static uint16_t pick_pcid(uint64_t *rng)
{
	return (uint16_t)(below(rng, 8) ? below(rng, 4) : below(rng, 40));
}

static mmu_tlb_entry_t pick_entry(uint64_t *rng, unsigned pages)
{
	unsigned r = below(rng, 100);
	unsigned level = r < 90 ? 1 : r < 98 ? 2 : 3;
	uint64_t vaddr = pick_vaddr(rng, pages);
	return (mmu_tlb_entry_t){
	    .vpn = (vaddr >> shift_of[level]) & ((UINT64_C(1) << (48 - shift_of[level])) - 1),
	    .base = next(rng) & UINT64_C(0x3FFFFFFFF000),
	    .pcid = pick_pcid(rng),
	    .level = (uint8_t)level,
	    .valid = true,
	    .global = below(rng, 20) == 0,
	    .writable = below(rng, 2),
	    .user = below(rng, 2),
	    .nx = below(rng, 2),
	    .dirty = below(rng, 2),
	};
}

/* A flush of many entries, or a reset: rare enough that the sets fill up between two of them. */
static void random_wipe(pair_t *p, uint64_t *rng)
{
	unsigned r = below(rng, 20);
	uint16_t pcid = pick_pcid(rng);
	if (r < 12) {
		mmu_tlb_flush(p->scan, MMU_FLUSH_PCID, 0, pcid, 0);
		mmu_tlb_flush(p->index, MMU_FLUSH_PCID, 0, pcid, 0);
	} else if (r < 17) {
		mmu_tlb_flush(p->scan, MMU_FLUSH_NONGLOBAL, 0, 0, 0);
		mmu_tlb_flush(p->index, MMU_FLUSH_NONGLOBAL, 0, 0, 0);
	} else if (r < 19) {
		mmu_tlb_flush(p->scan, MMU_FLUSH_ALL, 0, 0, 0);
		mmu_tlb_flush(p->index, MMU_FLUSH_ALL, 0, 0, 0);
	} else {
		mmu_tlb_reset(p->scan);
		mmu_tlb_reset(p->index);
	}
}

/* One random operation on both TLBs; their answers must agree. Returns the set it touched. */
static unsigned random_step(pair_t *p, uint64_t *rng, unsigned pages)
{
	uint64_t vaddr = pick_vaddr(rng, pages);
	uint16_t pcid = pick_pcid(rng);
	unsigned set = (unsigned)((vaddr >> 12) % p->sets);
	unsigned long long step = (unsigned long long)p->step;
	if (below(rng, 4 * p->sets * p->ways) == 0) {
		random_wipe(p, rng);
		return set;
	}
	unsigned r = below(rng, 100);
	if (r < 40) {
		mmu_tlb_entry_t a, b;
		long sa = mmu_tlb_lookup(p->scan, vaddr, pcid, &a), sb = mmu_tlb_lookup(p->index, vaddr, pcid, &b);
		cr_assert_eq(sa, sb, "step %llu: lookup of %#llx pcid %u: slot %ld by scan, %ld by index", step,
		             (unsigned long long)vaddr, pcid, sa, sb);
		if (sa >= 0)
			expect_same_entry(p, &a, &b, sa);
	} else if (r < 50) {
		long sa = mmu_tlb_probe(p->scan, vaddr, pcid), sb = mmu_tlb_probe(p->index, vaddr, pcid);
		cr_assert_eq(sa, sb, "step %llu: probe of %#llx pcid %u", step, (unsigned long long)vaddr, pcid);
	} else if (r < 90) {
		mmu_tlb_entry_t e = pick_entry(rng, pages);
		set = (unsigned)(e.vpn % p->sets);
		long sa = mmu_tlb_fill(p->scan, &e);
		const mmu_tlb_entry_t *old = mmu_tlb_slot_entry(p->index, sa);
		if (old->valid && old->vpn == e.vpn && old->level == e.level)
			p->rewrites++;
		else if (old->valid)
			p->evictions++;
		long sb = mmu_tlb_fill(p->index, &e);
		cr_assert_eq(sa, sb,
		             "step %llu: fill of vpn %#llx level %u pcid %u global %d: slot %ld by scan, %ld by index",
		             step, (unsigned long long)e.vpn, e.level, e.pcid, e.global, sa, sb);
	} else if (r < 95) {
		long slot = mmu_tlb_probe(p->scan, vaddr, pcid);
		if (slot < 0)
			slot = (long)below(rng, p->sets * p->ways); /* valid or not */
		mmu_tlb_invalidate_slot(p->scan, slot);
		mmu_tlb_invalidate_slot(p->index, slot);
		set = (unsigned)(slot / p->ways);
	} else {
		unsigned op = r < 98 ? MMU_FLUSH_VA : MMU_FLUSH_VA_PCID;
		uint16_t current = pick_pcid(rng);
		mmu_tlb_flush(p->scan, op, vaddr, pcid, current);
		mmu_tlb_flush(p->index, op, vaddr, pcid, current);
	}
	return set;
}

static void run_stream(uint32_t entries, uint32_t ways, mmu_policy_t policy, unsigned steps, unsigned pages,
                       uint64_t seed)
{
	pair_t p;
	make_pair(&p, entries, ways, policy);
	uint64_t rng = seed;
	for (p.step = 1; p.step <= steps; p.step++) {
		unsigned set = random_step(&p, &rng, pages);
		expect_same_state(&p, set);
		if (p.step % 500 == 0)
			expect_same_array(&p);
	}
	expect_same_array(&p);
	/* the stream hit, refilled in place (R7) and reached full sets (victims of the policy, not only R4) */
	cr_expect_gt(mmu_tlb_counters(p.scan)->hits, 0);
	cr_expect_gt(p.rewrites, 0);
	cr_expect_gt(p.evictions, 0);
	free_pair(&p);
}

/* Fully associative, 2048 ways (two levels of bitmaps); 3000 pages: the set fills and evicts. */
Test(mmu_tlb_index, fully_associative_lru_as_the_scan)
{
	run_stream(2048, 0, MMU_POLICY_LRU, 40000, 3000, 0x13);
}

Test(mmu_tlb_index, fully_associative_plru_as_the_scan)
{
	run_stream(2048, 0, MMU_POLICY_PLRU, 40000, 3000, 0x14);
}

Test(mmu_tlb_index, fully_associative_fifo_as_the_scan)
{
	run_stream(2048, 0, MMU_POLICY_FIFO, 40000, 3000, 0x15);
}

Test(mmu_tlb_index, fully_associative_random_as_the_scan)
{
	run_stream(2048, 0, MMU_POLICY_RANDOM, 40000, 3000, 0x16);
}

/* 8192 ways: three levels of bitmaps. */
Test(mmu_tlb_index, fully_associative_8192_ways_lru_as_the_scan)
{
	run_stream(8192, 0, MMU_POLICY_LRU, 60000, 16000, 0x17);
}

/* Several sets of a number of ways that is not a multiple of 64 (the last bitmap word partly used). */
Test(mmu_tlb_index, four_sets_of_96_ways_as_the_scan)
{
	run_stream(384, 96, MMU_POLICY_LRU, 30000, 600, 0x18);
	run_stream(384, 96, MMU_POLICY_FIFO, 30000, 600, 0x19);
	run_stream(384, 96, MMU_POLICY_RANDOM, 30000, 600, 0x1A);
}

/* The index forced on a narrow TLB, 16 sets of 4 ways, as the model's default L1 DTLB. */
Test(mmu_tlb_index, narrow_sets_as_the_scan)
{
	run_stream(64, 4, MMU_POLICY_LRU, 30000, 200, 0x1B);
	run_stream(64, 4, MMU_POLICY_PLRU, 30000, 200, 0x1C);
}

/* mmu_tlb_create() chooses the index for a wide TLB: a 1M-entry fully associative TLB fills and finds every entry. */
Test(mmu_tlb_index, a_million_entries_fill_and_hit)
{
	mmu_tlb_cfg_t cfg = {.entries = UINT32_C(1) << 20, .ways = 0, .policy = MMU_POLICY_LRU, .hit_latency = 1};
	mmu_tlb_t *t;
	cr_assert_eq(mmu_tlb_create(&cfg, &paging, 1, &t), 0);
	for (uint64_t v = 0; v < (UINT64_C(1) << 20); v++) {
		mmu_tlb_entry_t e = {.vpn = v * 7, .base = v << 12, .pcid = 1, .level = 1, .valid = true};
		cr_assert_eq(mmu_tlb_fill(t, &e), (long)v); /* R4: way after way */
	}
	mmu_tlb_entry_t hit;
	cr_expect_eq(mmu_tlb_lookup(t, (UINT64_C(5) * 7) << 12, 1, &hit), 5);
	cr_expect_eq(mmu_tlb_policy_victim(t, 0), 0); /* R1: way 0 least recently used */
	mmu_tlb_entry_t e = {.vpn = 3, .pcid = 1, .level = 1, .valid = true};
	cr_expect_eq(mmu_tlb_fill(t, &e), 0);
	cr_expect_eq(mmu_tlb_policy_victim(t, 0), 1);
	mmu_tlb_destroy(t);
}
