/*
 * Huge pages chosen by the OS side: os.huge ranges (hugetlbfs-like: every fault there maps the range's page size)
 * and transparent huge pages (os.thp) on level-2 regions (2 MiB on x86-64, 4 MiB on 32-bit x86).
 *
 * Policies (README, "Huge pages and memory pressure"):
 *   - always: a demand fault maps the whole aligned region when nothing in it is mapped or swapped, it is canonical
 *     and not the kernel's, and not part of an os.huge range. With a memory limit the frames must be free at once:
 *     THP never evicts for a huge page, it falls back to a base page (thp_fallbacks), as Linux does with defrag off.
 *   - dense: base pages as usual; after a fault maps one, when at least os.thp_density base pages of its region are
 *     present the region is collapsed at once, as khugepaged would later: a huge frame gets their contents (the
 *     rest zero), the level-2 entry becomes a huge leaf, the base frames are freed and their TLB entries
 *     invalidated. A region is collapsed only when every present base page has the same permissions and none is
 *     swapped out, locked or shared (mmu_os_map_frame); the page table it leaves behind stays allocated.
 */
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_os_internal.h"

static bool thp_level_ok(const mmu_os_t *os)
{
	return os->paging.levels >= 2 && ((os->paging.huge_levels >> 2) & 1);
}

/* The os.huge range holding va, or NULL. */
static const mmu_os_huge_range_t *huge_range(const mmu_os_t *os, uint64_t va)
{
	for (size_t i = 0; i < MMU_OS_HUGE_MAX && os->cfg.huge.range[i].page_size; i++) {
		const mmu_os_huge_range_t *r = &os->cfg.huge.range[i];
		if (va >= r->va && va - r->va < r->size)
			return r;
	}
	return NULL;
}

static bool overlaps_huge_range(const mmu_os_t *os, uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < MMU_OS_HUGE_MAX && os->cfg.huge.range[i].page_size; i++) {
		const mmu_os_huge_range_t *r = &os->cfg.huge.range[i];
		if (base <= r->va + (r->size - 1) && r->va <= base + (size - 1))
			return true;
	}
	return false;
}

static unsigned level_of_size(const mmu_os_t *os, uint64_t size)
{
	for (unsigned level = 2; level <= os->paging.levels; level++)
		if (((os->paging.huge_levels >> level) & 1) && os_page_size(os, level) == size)
			return level;
	return 1;
}

/* A user region that a huge page of `level` could map now: free, canonical, not the kernel's. */
static bool region_free(mmu_os_t *os, uint64_t root, uint64_t base, unsigned level)
{
	uint64_t size = os_page_size(os, level);
	return os_range_ok(os, base, size) && !os_touches_kernel(os, base, size) && os_page_free(os, root, base, level);
}

unsigned os_thp_fault_level(mmu_os_t *os, uint64_t root, uint64_t va)
{
	const mmu_os_huge_range_t *r = huge_range(os, va);
	if (r != NULL) {
		unsigned level = level_of_size(os, r->page_size);
		if (level > 1 && region_free(os, root, va & ~(r->page_size - 1), level)) {
			os->stats.huge_faults++;
			return level;
		}
		return 1;
	}
	if (os->cfg.thp != MMU_THP_ALWAYS || !thp_level_ok(os))
		return 1;
	uint64_t size = os_page_size(os, 2), base = va & ~(size - 1);
	if (overlaps_huge_range(os, base, size) || !region_free(os, root, base, 2))
		return 1;
	if (!os_mem_room(os, 2)) {
		os->stats.thp_fallbacks++;
		return 1;
	}
	os->stats.huge_faults++;
	return 2;
}

/* The present base pages of the page table at `table`, if the region can be collapsed: -1 if it cannot. */
static long collapsible(const mmu_os_t *os, uint32_t pid, uint64_t table, uint64_t base, uint64_t *flags)
{
	const mmu_paging_t *pg = &os->paging;
	uint64_t step = os_page_size(os, 1), field = ((UINT64_C(1) << pg->pfn_bits) - 1) << pg->pfn_lsb;
	uint64_t ad = 0;
	if (pg->bit_accessed >= 0)
		ad |= UINT64_C(1) << pg->bit_accessed;
	if (pg->bit_dirty >= 0)
		ad |= UINT64_C(1) << pg->bit_dirty;
	long present = 0;
	for (uint64_t i = 0; i < (UINT64_C(1) << pg->bits_per_level); i++) {
		uint64_t pte = os_pte_read(os, table + i * pg->pte_bytes);
		if (pte == 0)
			continue;
		if (!os_pte_present(os, pte) || mmu_os_is_locked(os, pid, base + i * step) ||
		    os_shared_in(os, mmu_pte_frame(pg, pte), step))
			return -1;
		uint64_t f = pte & ~field & ~ad;
		if (present > 0 && f != *flags)
			return -1;
		*flags = f;
		present++;
	}
	return present;
}

/* Replaces the base pages of the region at base (page table `table`, level-2 entry at pde_slot) by a huge page. */
static int collapse(mmu_os_t *os, uint32_t pid, uint64_t table, uint64_t pde_slot, uint64_t base, uint64_t flags)
{
	const mmu_paging_t *pg = &os->paging;
	uint64_t step = os_page_size(os, 1), size = os_page_size(os, 2), n = UINT64_C(1) << pg->bits_per_level;
	uint8_t *buf = calloc(1, size);
	bool *filled = calloc(n, sizeof *filled);
	int err = (buf && filled) ? 0 : MMU_ENOMEM;
	for (uint64_t i = 0; err == 0 && i < n; i++) {
		uint64_t pte = os_pte_read(os, table + i * pg->pte_bytes);
		if (pte == 0)
			continue;
		uint64_t pa = mmu_pte_frame(pg, pte);
		filled[i] = !mmu_physmem_read_block(os->pm, pa, buf + i * step, step);
		err = os_pte_write(os, table + i * pg->pte_bytes, 0);
		os_mem_drop(os, pid, base + i * step, pa); /* with a limit: frame freed for reuse */
		if (err == 0)
			err = os_shootdown_add(os, pid, base + i * step);
	}
	uint64_t pa = 0;
	if (err == 0)
		err = os_mem_frame(os, 2, &pa); /* room was checked: no eviction */
	for (uint64_t i = 0; err == 0 && i < n; i++)
		if (filled[i])
			err = mmu_physmem_write_block(os->pm, pa + i * step, buf + i * step, step);
	uint64_t leaf = flags | mmu_pte_with_frame(pg, pa);
	if (pg->bit_pagesize >= 0)
		leaf |= UINT64_C(1) << pg->bit_pagesize;
	if (err == 0)
		err = os_pte_write(os, pde_slot, leaf);
	if (err == 0)
		err = os_mem_add(os, pid, base, pa, 2);
	if (err == 0)
		os->stats.thp_collapses++;
	free(buf);
	free(filled);
	return err;
}

int os_thp_after_fault(mmu_os_t *os, uint32_t pid, uint64_t root, uint64_t va)
{
	if (os->cfg.thp != MMU_THP_DENSE || !thp_level_ok(os))
		return 0;
	uint64_t size = os_page_size(os, 2), base = va & ~(size - 1), pde_slot;
	if (overlaps_huge_range(os, base, size) || !os_range_ok(os, base, size) || os_touches_kernel(os, base, size) ||
	    os_walk_to(os, root, base, 2, false, false, &pde_slot) != 0)
		return 0;
	uint64_t pde = os_pte_read(os, pde_slot);
	if (!os_pte_present(os, pde) || mmu_pte_is_leaf(&os->paging, pde, 2))
		return 0;
	uint64_t table = mmu_pte_frame(&os->paging, pde), flags = 0;
	long present = collapsible(os, pid, table, base, &flags);
	if (present < (long)os->cfg.thp_density)
		return 0;
	/* room for the huge frame once the region's own base frames are freed, without evicting anything else */
	if (os->mem.limit && os->mem.resident - (uint64_t)present + (size >> os->paging.page_bits) > os->mem.limit) {
		os->stats.thp_fallbacks++;
		return 0;
	}
	return collapse(os, pid, table, pde_slot, base, flags);
}
