/*
 * Huge pages chosen by the OS side: os.thp (always, dense), os.huge ranges, explicit huge mappings, their
 * alignment, the per-size translation counts, huge pages under a memory limit (fallback, eviction whole, swap-in
 * split into base pages). Expected levels and addresses are worked out by hand in the comments.
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_sim.h"

#define MB2 (UINT64_C(1) << 21)
#define GB1 (UINT64_C(1) << 30)

static mmu_sim_t *sim;

static void make_sim(const char *const *sets)
{
	mmu_cfg_t cfg;
	char msg[256];
	mmu_cfg_default(&cfg);
	for (size_t i = 0; sets[i]; i++) {
		char key[64];
		const char *eq = strchr(sets[i], '=');
		cr_assert(eq && (size_t)(eq - sets[i]) < sizeof key);
		memcpy(key, sets[i], (size_t)(eq - sets[i]));
		key[eq - sets[i]] = 0;
		cr_assert_eq(mmu_cfg_set(&cfg, key, eq + 1, msg, sizeof msg), 0, "%s", msg);
	}
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_FAST, &sim, msg, sizeof msg), 0, "%s", msg);
}

static void fini(void)
{
	mmu_sim_destroy(sim);
	sim = NULL;
}

TestSuite(mmu_os_thp, .fini = fini);

static void ref(char kind, uint64_t va)
{
	mmu_trace_rec_t r = {.vaddr = va, .size = 1, .pid = 1, .kind = kind == 'W' ? MMU_REF_STORE : MMU_REF_LOAD};
	char msg[256];
	cr_assert_eq(mmu_sim_ref(sim, &r, msg, sizeof msg), 0, "%s", msg);
}

static unsigned level_of(uint64_t va, uint64_t *pa)
{
	unsigned level;
	cr_assert_eq(mmu_os_translate(mmu_sim_os(sim), 1, va, pa, &level), 0, "0x%" PRIx64 " not mapped", va);
	return level;
}

static const mmu_os_stats_t *os_stats(void)
{
	return mmu_os_stats(mmu_sim_os(sim));
}

/* always: the first fault in a free region maps its 2 MiB, on a 2 MiB-aligned frame. */
Test(mmu_os_thp, always_maps_the_whole_region)
{
	make_sim((const char *[]){"os.thp=always", NULL});
	ref('R', 0x40201234);
	uint64_t pa;
	cr_assert_eq(level_of(0x40201234, &pa), 2);
	cr_assert_eq(pa & (MB2 - 1), 0x1234, "the offset within the 2 MiB page");
	cr_assert_eq(level_of(0x403fffff, &pa), 2, "the last byte of the region");
	ref('R', 0x403ff000); /* same page: no fault */
	cr_assert_eq(mmu_sim_stats(sim)->demand_faults, 1);
	cr_assert_eq(os_stats()->huge_faults, 1);
}

/* always: a region that already holds a base page stays with base pages. */
Test(mmu_os_thp, always_needs_a_free_region)
{
	make_sim((const char *[]){"os.thp=always", NULL});
	cr_assert_eq(mmu_os_map(mmu_sim_os(sim), 1, 0x40400000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	ref('R', 0x40401000);
	uint64_t pa;
	cr_assert_eq(level_of(0x40401000, &pa), 1);
	cr_assert_eq(os_stats()->huge_faults, 0);
}

/* never (the default): base pages only. */
Test(mmu_os_thp, never_is_the_default)
{
	make_sim((const char *[]){NULL});
	ref('R', 0x40201234);
	uint64_t pa;
	cr_assert_eq(level_of(0x40201234, &pa), 1);
}

/*
 * dense with a threshold of 4: the faults on pages 0, 1, 2 of a region map base pages; the fault on page 5 makes 4
 * present and collapses the region. Contents written to page 1 move along; pages never touched read as zero. The
 * four base pages are invalidated (four shootdowns).
 */
Test(mmu_os_thp, dense_collapses_at_the_threshold)
{
	make_sim((const char *[]){"os.thp=dense", "os.thp_density=4", NULL});
	const uint64_t r = 0x7f0000200000;
	ref('R', r);
	ref('W', r + 0x1000);
	ref('R', r + 0x2000);
	ref('R', r + 0x1000); /* page 1 now in the L1 TLB (the last translation) */
	uint64_t pa;
	cr_assert_eq(level_of(r + 0x1000, &pa), 1);
	cr_assert_eq(mmu_physmem_write(mmu_sim_physmem(sim), pa + 0x10, 8, UINT64_C(0x1122334455667788)), 0);
	cr_assert_eq(os_stats()->thp_collapses, 0);
	ref('R', r + 0x5000);
	cr_assert_eq(os_stats()->thp_collapses, 1);
	cr_assert_eq(level_of(r + 0x1010, &pa), 2);
	cr_assert_eq(pa & (MB2 - 1), 0x1010);
	cr_assert_eq(mmu_physmem_read(mmu_sim_physmem(sim), pa, 8), UINT64_C(0x1122334455667788));
	cr_assert_eq(level_of(r + 0x100000, &pa), 2, "untouched parts of the region are mapped too");
	cr_assert_eq(mmu_physmem_read(mmu_sim_physmem(sim), pa, 8), 0);
	cr_assert_eq(mmu_sim_stats(sim)->shootdowns, 4);
	cr_assert_eq(mmu_sim_stats(sim)->demand_faults, 4);
	/* page 1's base translation was in the TLBs: it must be gone, the huge page answers */
	uint64_t huge;
	cr_assert_eq(level_of(r, &huge), 2);
	mmu_result_t res;
	mmu_sim_translate(sim, MMU_REQ_D, r + 0x1010, MMU_OP_LOAD, true, &res);
	cr_assert(!res.fault);
	cr_assert_eq(res.paddr, huge + 0x1010, "stale base-page translation after the collapse");
	ref('R', r + 0x9000); /* mapped by the huge page: no fault */
	cr_assert_eq(mmu_sim_stats(sim)->demand_faults, 4);
}

/* A region with a locked page, base pages of different permissions, or a shared frame is not collapsed. */
Test(mmu_os_thp, dense_skips_locked_and_mixed_regions)
{
	make_sim((const char *[]){"os.thp=dense", "os.thp_density=2", NULL});
	mmu_os_t *os = mmu_sim_os(sim);
	cr_assert_eq(mmu_os_lock(os, 1, 0x40000000, 0x1000), 0);
	ref('R', 0x40000000);
	ref('R', 0x40001000);
	cr_assert_eq(mmu_os_map(os, 1, 0x40200000, 0x1000, 1, MMU_PERM_U), 0); /* read-only */
	ref('R', 0x40201000);
	uint64_t pa;
	cr_assert_eq(level_of(0x40001000, &pa), 1);
	cr_assert_eq(level_of(0x40201000, &pa), 1);
	/* a region holding a frame shared with pid 2 */
	ref('R', 0x40400000);
	cr_assert_eq(level_of(0x40400000, &pa), 1);
	cr_assert_eq(mmu_os_map_frame(os, 2, 0x1000, pa, 1, MMU_PERM_RWX_USER), 0);
	ref('R', 0x40401000);
	cr_assert_eq(level_of(0x40401000, &pa), 1);
	cr_assert_eq(os_stats()->thp_collapses, 0);
}

/* os.huge: faults in a range map its page size; outside it base pages. A 1 GiB frame is 1 GiB-aligned. */
Test(mmu_os_thp, huge_ranges)
{
	make_sim((const char *[]){"os.huge=0x600000000:4M:2M,0x80000000:1G:1G", NULL});
	uint64_t pa;
	ref('R', 0x600234567);
	cr_assert_eq(level_of(0x600234567, &pa), 2);
	cr_assert_eq(pa & (MB2 - 1), 0x34567);
	ref('W', 0x9abcdef0);
	cr_assert_eq(level_of(0x9abcdef0, &pa), 3);
	cr_assert_eq(pa & (GB1 - 1), 0x1abcdef0);
	ref('R', 0x600400000); /* just past the range */
	cr_assert_eq(level_of(0x600400000, &pa), 1);
	cr_assert_eq(os_stats()->huge_faults, 2);
}

/* The explicit API: mmu_os_map with a level. */
Test(mmu_os_thp, explicit_huge_mapping)
{
	make_sim((const char *[]){NULL});
	mmu_os_t *os = mmu_sim_os(sim);
	cr_assert_eq(mmu_os_map(os, 1, 0x40000000, 2 * MB2, 2, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_map(os, 1, 0x40100000, MB2, 2, MMU_PERM_RWX_USER), MMU_EINVAL, "misaligned");
	uint64_t pa0, pa1;
	cr_assert_eq(level_of(0x40000000, &pa0), 2);
	cr_assert_eq(level_of(0x40200000, &pa1), 2);
	cr_assert_eq(pa0 & (MB2 - 1), 0);
	cr_assert_eq(pa1 & (MB2 - 1), 0);
	cr_assert_neq(pa0, pa1);
}

/*
 * Translations per page size: a fault and its retry on a 2 MiB page (the retry is served by it), then an L1 hit on
 * it, then a base page outside any range: served.level2 = 2, served.level1 = 1.
 */
Test(mmu_os_thp, translations_per_page_size)
{
	make_sim((const char *[]){"os.huge=0x600000000:2M:2M", NULL});
	ref('R', 0x600000000);
	ref('R', 0x600000008);
	ref('R', 0x1000);
	mmu_stats_t st;
	mmu_stats_read(mmu_sim_mmu(sim), &st);
	cr_assert_eq(st.served_level2, 2);
	cr_assert_eq(st.served_level1, 1);
	cr_assert_eq(st.served_level3, 0);
}

/*
 * Under a limit THP does not evict for a huge page: with 600 frames the first region gets 512, the second falls
 * back to a base page (600 - 512 < 512).
 */
Test(mmu_os_thp, always_falls_back_without_room)
{
	make_sim((const char *[]){"os.thp=always", "os.mem_frames=600", NULL});
	uint64_t pa;
	ref('R', 0x40000000);
	ref('R', 0x40200000);
	cr_assert_eq(level_of(0x40000000, &pa), 2);
	cr_assert_eq(level_of(0x40200000, &pa), 1);
	cr_assert_eq(os_stats()->thp_fallbacks, 1);
	cr_assert_eq(os_stats()->resident_frames, 513);
}

/*
 * 513 frames: a huge page (512) and a base page fill memory. The next fault evicts by the clock: the huge page
 * (first in the ring) has A set by its retry walk, so is cleared; the base page likewise; then the huge page is
 * evicted whole: 512 base pages written. A touch of it swaps in only the touched base page (its swap entry is split
 * into a table of base entries), with its contents.
 */
Test(mmu_os_thp, huge_page_evicted_whole_swapped_in_by_base_pages)
{
	make_sim((const char *[]){"os.thp=always", "os.mem_frames=513", "tlb.l1d.entries=1", "tlb.l1d.ways=1",
	                          "tlb.l2.entries=0", NULL});
	uint64_t pa;
	ref('W', 0x40000000);
	cr_assert_eq(level_of(0x40003000, &pa), 2);
	cr_assert_eq(mmu_physmem_write(mmu_sim_physmem(sim), pa + 8, 8, UINT64_C(0xabcdef)), 0);
	ref('R', 0x50000000); /* no room for another huge page: a base page */
	ref('R', 0x50001000); /* evicts the huge page */
	cr_assert_eq(os_stats()->evictions, 1);
	cr_assert_eq(os_stats()->swap_out_frames, 512);
	cr_assert_eq(os_stats()->resident_frames, 2);
	ref('R', 0x40003008);
	cr_assert_eq(level_of(0x40003008, &pa), 1);
	cr_assert_eq(mmu_physmem_read(mmu_sim_physmem(sim), pa, 8), UINT64_C(0xabcdef));
	cr_assert_eq(os_stats()->swap_ins, 1);
	cr_assert_eq(os_stats()->swap_in_frames, 1);
	cr_assert_eq(os_stats()->resident_frames, 3);
}

/*
 * With page-walk caches the PDE cache holds the pointer to the region's page table; the collapse turns that entry
 * into a leaf, and the invalidations of the base pages drop the cached pointer (INVLPG, W12). A later walk of another
 * page in the region must find the huge leaf, not the emptied page table.
 */
Test(mmu_os_thp, collapse_with_page_walk_caches)
{
	make_sim((const char *[]){"os.thp=dense", "os.thp_density=2", "pwc.l2.entries=8", "pwc.l3.entries=4",
	                          "pwc.l4.entries=2", NULL});
	const uint64_t r = 0x40000000;
	ref('R', r);
	ref('R', r + 0x1000); /* collapses */
	cr_assert_eq(os_stats()->thp_collapses, 1);
	mmu_stats_t st;
	mmu_stats_read(mmu_sim_mmu(sim), &st);
	cr_assert_gt(st.pwc_l2_hits, 0, "the second walk used the PDE cache");
	uint64_t huge;
	cr_assert_eq(level_of(r, &huge), 2);
	ref('R', r + 0x7000);
	mmu_result_t res;
	mmu_sim_translate(sim, MMU_REQ_D, r + 0x9008, MMU_OP_LOAD, true, &res);
	cr_assert(!res.fault, "a walk through a stale PDE-cache entry");
	cr_assert_eq(res.paddr, huge + 0x9008);
	cr_assert_eq(mmu_sim_stats(sim)->unhandled_faults, 0);
	cr_assert_eq(mmu_sim_stats(sim)->demand_faults, 2);
}
