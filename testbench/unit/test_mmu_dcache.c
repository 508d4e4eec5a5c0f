/*
 * The model-only data cache between the walker and memory: docs/timing.md rules M6-M8. The memory is driven
 * directly (mmu_mem_access, whose cost is stall + latency + 1, M4) and through the per-cycle rig for whole walks.
 *
 * Unless a test says otherwise: 4 lines of 64 bytes in 2 ways (2 sets: set = line address bit 0), LRU, hit
 * latency 2, mem.latency 10: a hit costs 3 cycles, a miss 11.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>

#include "cycle_rig.h"
#include "mmu/mmu.h"
#include "mmu/mmu_mem.h"
#include "pt_builder.h"

#define HIT  3
#define MISS 11

static mmu_physmem_t *pm;
static mmu_mem_t *mem;
static rig_t r;
static bool rig_up;

static void teardown(void)
{
	mmu_mem_destroy(mem);
	mem = NULL;
	mmu_physmem_destroy(pm);
	pm = NULL;
	if (rig_up)
		rig_fini(&r);
	rig_up = false;
}

TestSuite(mmu_dcache, .fini = teardown);

static void set(mmu_cfg_t *cfg, const char *key, const char *value)
{
	char msg[256];
	cr_assert_eq(mmu_cfg_set(cfg, key, value, msg, sizeof msg), 0, "%s", msg);
}

static void small(mmu_cfg_t *cfg)
{
	mmu_cfg_default(cfg);
	set(cfg, "dcache.lines", "4");
	set(cfg, "dcache.ways", "2");
	set(cfg, "dcache.hit_latency", "2");
	set(cfg, "mem.latency", "10");
}

static void start_cfg(const mmu_cfg_t *cfg)
{
	char msg[256];
	cr_assert_eq(mmu_cfg_validate(cfg, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	cr_assert_eq(mmu_mem_create(&cfg->mem, cfg->seed, pm, &mem), 0);
}

static void start(void)
{
	mmu_cfg_t cfg;
	small(&cfg);
	start_cfg(&cfg);
}

static uint32_t rd(uint64_t addr)
{
	uint64_t data;
	return mmu_mem_access(mem, addr, false, 0, 0, 0, &data);
}

static mmu_stats_t stats(void)
{
	mmu_stats_t st = {0};
	mmu_mem_stats_read(mem, &st);
	return st;
}

Test(mmu_dcache, miss_costs_memory_latency_hit_costs_hit_latency)
{
	start();
	cr_assert_eq(rd(0x1000), MISS);
	cr_assert_eq(rd(0x1000), HIT);
	mmu_stats_t st = stats();
	cr_assert(st.dcache_accesses == 2 && st.dcache_hits == 1 && st.dcache_misses == 1);
}

Test(mmu_dcache, neighbouring_ptes_share_a_line)
{
	start();
	cr_assert_eq(rd(0x1000), MISS);
	for (uint64_t a = 0x1008; a < 0x1040; a += 8)
		cr_assert_eq(rd(a), HIT, "0x%llx is in the line of 0x1000", (unsigned long long)a);
	cr_assert_eq(rd(0x1040), MISS, "the next line");
}

Test(mmu_dcache, data_comes_from_memory_even_on_a_hit)
{
	start();
	uint64_t data;
	pt_set(pm, 0x2000, 0x1111);
	mmu_mem_access(mem, 0x2000, false, 0, 0, 0, &data);
	pt_set(pm, 0x2000, 0x2222); /* the OS writes the table without telling the cache (M6: tags only) */
	cr_assert_eq(mmu_mem_access(mem, 0x2000, false, 0, 0, 0, &data), HIT);
	cr_assert_eq(data, 0x2222);
}

Test(mmu_dcache, writes_allocate_and_are_timed_as_reads)
{
	start();
	uint64_t old;
	cr_assert_eq(mmu_mem_access(mem, 0x3000, true, 0x21, 0x01, 0, &old), MISS);
	cr_assert_eq(pt_get(pm, 0x3000), 0x21);
	cr_assert_eq(mmu_mem_access(mem, 0x3008, true, 0x21, 0x01, 0, &old), HIT);
	cr_assert_eq(rd(0x3010), HIT);
}

/* Set 0 holds lines 0x0000, 0x0080, 0x0100 (even line numbers); two ways. */
Test(mmu_dcache, lru_evicts_the_least_recently_used_line)
{
	start();
	cr_assert_eq(rd(0x000), MISS);
	cr_assert_eq(rd(0x080), MISS);
	cr_assert_eq(rd(0x000), HIT); /* 0x080 is now the LRU */
	cr_assert_eq(rd(0x100), MISS);
	cr_assert_eq(rd(0x000), HIT);
	cr_assert_eq(rd(0x080), MISS, "evicted by 0x100");
	cr_assert_eq(rd(0x040), MISS, "set 1 is untouched and empty");
}

Test(mmu_dcache, fifo_evicts_the_oldest_line_whatever_its_hits)
{
	mmu_cfg_t cfg;
	small(&cfg);
	set(&cfg, "dcache.policy", "fifo");
	start_cfg(&cfg);
	cr_assert_eq(rd(0x000), MISS);
	cr_assert_eq(rd(0x080), MISS);
	cr_assert_eq(rd(0x000), HIT);
	cr_assert_eq(rd(0x100), MISS); /* replaces 0x000, the first in */
	cr_assert_eq(rd(0x080), HIT);
	cr_assert_eq(rd(0x000), MISS);
}

Test(mmu_dcache, a_hit_draws_no_latency)
{
	mmu_cfg_t cfg;
	small(&cfg);
	set(&cfg, "mem.latency_max", "50");
	start_cfg(&cfg);
	/* a memory without cache, same seed: its draws are the misses' latencies in order (M5, M8) */
	mmu_physmem_t *pm2;
	mmu_mem_t *ref;
	mmu_cfg_t plain = cfg;
	plain.mem.dcache.entries = 0;
	cr_assert_eq(mmu_physmem_create(&pm2), 0);
	cr_assert_eq(mmu_mem_create(&plain.mem, plain.seed, pm2, &ref), 0);
	uint64_t d;
	const uint64_t seq[] = {0x000, 0x008, 0x040, 0x010, 0x1000, 0x1008};
	for (size_t i = 0; i < sizeof seq / sizeof seq[0]; i++) {
		uint32_t got = rd(seq[i]);
		bool hit = i == 1 || i == 3 || i == 5;
		if (hit)
			cr_assert_eq(got, HIT);
		else
			cr_assert_eq(got, mmu_mem_access(ref, seq[i], false, 0, 0, 0, &d), "miss %zu", i);
	}
	mmu_mem_destroy(ref);
	mmu_physmem_destroy(pm2);
}

Test(mmu_dcache, bad_geometry_is_a_config_error)
{
	mmu_cfg_t cfg;
	char msg[256];
	small(&cfg);
	set(&cfg, "dcache.line_bytes", "48");
	cr_assert_neq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0);
	cr_assert_str_eq(msg, "dcache.line_bytes: 48 is not a power of two in 8..4096");
	small(&cfg);
	set(&cfg, "dcache.lines", "12");
	set(&cfg, "dcache.ways", "4");
	cr_assert_neq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0);
	cr_assert_str_eq(msg, "dcache.lines: 12 lines / 4 ways = 3 sets, not a power of two");
}

/* Whole walks on the per-cycle rig: H1 = 1, H2 = 2, mem.latency 3, dcache hit latency 1 (an access: 2 or 4). */
static void start_rig(void)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	set(&cfg, "dcache.lines", "64");
	set(&cfg, "dcache.ways", "8");
	set(&cfg, "dcache.line_bytes", "64");
	set(&cfg, "dcache.policy", "lru");
	set(&cfg, "dcache.hit_latency", "1");
	rig_init(&r, &cfg);
	rig_up = true;
	rig_set_cr3(&r, PT_CR3);
}

Test(mmu_dcache, a_walk_next_to_a_cached_one_hits_at_every_level)
{
	start_rig();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = rig_translate_log(&r, MMU_REQ_D, PT_VA_A, MMU_OP_LOAD, true, &x, q, 16);
	cr_assert_eq(n, 4);
	cr_assert_eq(x.latency, 1 + 2 + 4 * 4, "four misses: L + 1 = 4 each");
	n = rig_translate_log(&r, MMU_REQ_D, PT_VA_B, MMU_OP_LOAD, true, &x, q, 16);
	cr_assert_eq(n, 4, "the requests still go to the memory port");
	cr_assert_eq(x.latency, 1 + 2 + 4 * 2, "four hits: the leaf 0x4028 shares 0x4020's line");
	cr_assert_eq(q[1].visible, q[0].visible + 2);
	mmu_stats_t st = {0};
	mmu_mem_stats_read(r.mem, &st);
	cr_assert(st.dcache_hits == 4 && st.dcache_misses == 4);
}

Test(mmu_dcache, the_ad_write_back_hits_the_line_just_read)
{
	start_rig();
	pt_std(r.pm, PTE_TABLE, PTE_P | PTE_W | PTE_U); /* no A anywhere */
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = rig_translate_log(&r, MMU_REQ_D, PT_VA_A, MMU_OP_STORE, true, &x, q, 16);
	cr_assert_eq(n, 8, "each of the four entries read, then written back with A (and D)");
	cr_assert_eq(x.latency, 1 + 2 + 4 * (4 + 2), "each read misses, each write hits its line");
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
}
