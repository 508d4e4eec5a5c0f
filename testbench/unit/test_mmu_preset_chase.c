/*
 * The calibrated presets on a pointer-chasing workload built through the OS side: a random cyclic permutation over
 * many 4 KiB pages (one cache line per page), followed three times; the third pass is measured. Expected latencies
 * come from docs/timing.md (T3, T6, W9-W10, M6-M8) and the presets' figures:
 *
 *   skylake: H1 = 1, H2 = 9, P = 1, dcache hit 4 (an access costs 5), mem.latency 42
 *   zen2:    H1 = 1, H2 = 7, P = 1, dcache hit 4, mem.latency 39
 *
 * The region starts at PML4 index 8, PDPT index 16, PD index 24, so the PML4E, PDPTE and PDE lines fall in
 * dcache sets 1, 2 and 3, while each page table (4 KiB, page-aligned) puts exactly one line in each of the 64 sets.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_sim.h"

#define BASE UINT64_C(0x40403000000)

typedef struct expect {
	const char *preset;
	unsigned h2; /* STLB hit latency */
} expect_t;

static const expect_t cores[] = {{"skylake", 9}, {"zen2", 7}};

typedef struct pass {
	uint64_t min, max, sum;  /* latency of the translations */
	unsigned levels;         /* bit n: some translation answered with resp_level n */
	mmu_stats_t before, end; /* statistics around the pass */
} pass_t;

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Sattolo's shuffle: next[] is one cycle through every page. */
static uint32_t *cycle_of(uint32_t n)
{
	uint32_t *next = malloc(n * sizeof *next), *order = malloc(n * sizeof *order);
	cr_assert(next && order);
	for (uint32_t i = 0; i < n; i++)
		order[i] = i;
	uint64_t s = 0x243F6A8885A308D3u;
	for (uint32_t i = n - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(rnd(&s) % i);
		uint32_t t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (uint32_t i = 0; i < n; i++)
		next[order[i]] = order[(i + 1) % n];
	free(order);
	return next;
}

/* Builds the system, maps n pages, runs three passes of the chase; *out gets the third. */
static void chase(const char *preset, const char *const *sets, uint32_t n, pass_t *out)
{
	mmu_cfg_t cfg;
	char msg[256];
	cr_assert_eq(mmu_cfg_preset(&cfg, preset, msg, sizeof msg), 0, "%s", msg);
	for (; sets && *sets; sets += 2)
		cr_assert_eq(mmu_cfg_set(&cfg, sets[0], sets[1], msg, sizeof msg), 0, "%s", msg);
	mmu_sim_t *s;
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_FAST, &s, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(mmu_sim_switch(s, 1), 0);
	cr_assert_eq(mmu_os_map(mmu_sim_os(s), 1, BASE, (uint64_t)n * 4096, 1, MMU_PERM_W | MMU_PERM_U), 0);
	uint32_t *next = cycle_of(n);
	for (int p = 0; p < 3; p++) {
		memset(out, 0, sizeof *out);
		out->min = UINT64_MAX;
		mmu_stats_read(mmu_sim_mmu(s), &out->before);
		mmu_mem_stats_read(mmu_sim_mem(s), &out->before);
		uint32_t page = 0;
		for (uint32_t i = 0; i < n; i++) {
			mmu_result_t res;
			mmu_sim_translate(s, MMU_REQ_D, BASE + (uint64_t)page * 4096 + (page % 64) * 64, MMU_OP_LOAD,
			                  true, &res);
			cr_assert_eq(res.fault, 0);
			out->min = res.latency < out->min ? res.latency : out->min;
			out->max = res.latency > out->max ? res.latency : out->max;
			out->sum += res.latency;
			out->levels |= 1u << res.level;
			page = next[page];
		}
		mmu_stats_read(mmu_sim_mmu(s), &out->end);
		mmu_mem_stats_read(mmu_sim_mem(s), &out->end);
	}
	free(next);
	mmu_sim_destroy(s);
}

#define DELTA(p, f) ((p)->end.f - (p)->before.f)

ParameterizedTestParameters(mmu_preset_chase, stlb_hits_cost_the_stlb_latency)
{
	static unsigned idx[] = {0, 1};
	return cr_make_param_array(unsigned, idx, 2);
}

/* 256 pages: too many for any L1 DTLB (each page's reuse passes 255 others), few enough for the STLB. */
ParameterizedTest(unsigned *i, mmu_preset_chase, stlb_hits_cost_the_stlb_latency)
{
	pass_t p;
	chase(cores[*i].preset, NULL, 256, &p);
	cr_assert_eq(p.levels, 1u << MMU_LEVEL_L2, "%s: every access served by the STLB", cores[*i].preset);
	cr_assert_eq(p.min, 1 + cores[*i].h2);
	cr_assert_eq(p.max, 1 + cores[*i].h2);
	cr_assert_eq(DELTA(&p, walks), 0);
}

ParameterizedTestParameters(mmu_preset_chase, walks_through_pde_cache_and_l1d_hits)
{
	static unsigned idx[] = {0, 1};
	return cr_make_param_array(unsigned, idx, 2);
}

/*
 * 4096 pages: every access misses the STLB (32 pages per STLB set); the 8 PDEs stay in the PDE cache, the 512
 * leaf-PTE lines fill the 32 KiB dcache exactly. Each walk: P + one dcache hit = 1 + 5 = 6 cycles.
 */
ParameterizedTest(unsigned *i, mmu_preset_chase, walks_through_pde_cache_and_l1d_hits)
{
	pass_t p;
	chase(cores[*i].preset, NULL, 4096, &p);
	unsigned h2 = cores[*i].h2;
	cr_assert_eq(p.levels, 1u << MMU_LEVEL_WALK);
	cr_assert_eq(p.min, 1 + h2 + 6, "%s: %llu", cores[*i].preset, (unsigned long long)p.min);
	cr_assert_eq(p.max, 1 + h2 + 6);
	cr_assert_eq(DELTA(&p, walks), 4096);
	cr_assert_eq(DELTA(&p, walk_cycles), 4096 * 6);
	cr_assert_eq(DELTA(&p, pte_reads), 4096, "one PTE read per walk (at most 4 in 4-level paging)");
	cr_assert_eq(DELTA(&p, pwc_l2_hits), 4096);
	cr_assert_eq(DELTA(&p, pwc_skipped), 3 * 4096);
	cr_assert_eq(DELTA(&p, dcache_hits), 4096);
	cr_assert_eq(DELTA(&p, dcache_misses), 0);
}

ParameterizedTestParameters(mmu_preset_chase, walks_through_l1d_hits_only)
{
	static unsigned idx[] = {0, 1};
	return cr_make_param_array(unsigned, idx, 2);
}

/*
 * Page-walk caches off, 3072 pages: 6 page tables (6 lines per dcache set) plus the PML4E, PDPTE and PDE lines in
 * sets 1-3 all stay in the dcache: each walk is 4 hits, 4 x 5 = 20 cycles, in the 20-30 cycles measured for walks
 * served from L1D.
 */
ParameterizedTest(unsigned *i, mmu_preset_chase, walks_through_l1d_hits_only)
{
	static const char *const no_pwc[] = {"pwc.l2.entries", "0", "pwc.l3.entries", "0", "pwc.l4.entries", "0", NULL};
	pass_t p;
	chase(cores[*i].preset, no_pwc, 3072, &p);
	unsigned h2 = cores[*i].h2;
	cr_assert_eq(p.min, 1 + h2 + 20);
	cr_assert_eq(p.max, 1 + h2 + 20);
	cr_assert_eq(DELTA(&p, walks), 3072);
	cr_assert_eq(DELTA(&p, pte_reads), 4 * 3072, "four reads per walk");
	cr_assert_eq(DELTA(&p, dcache_misses), 0);
}

/* A footprint far beyond every structure: walks still read at most 4 entries, and the caches cut that down. */
Test(mmu_preset_chase, large_footprint_reads_at_most_four_entries_per_walk)
{
	pass_t p;
	chase("skylake", NULL, 32768, &p);
	uint64_t walks = DELTA(&p, walks), reads = DELTA(&p, pte_reads);
	cr_assert_gt(walks, 30000);
	cr_assert_leq(reads, 4 * walks);
	cr_assert_lt(reads, 2 * walks, "the PDE cache (32 entries for 64 PDEs) still saves most upper reads");
	cr_assert_gt(DELTA(&p, dcache_misses), 0);
	cr_assert_geq(p.min, 1 + 9 + 6);
}
