#include "pt_builder.h"

#include <criterion/criterion.h>

void pt_write(mmu_physmem_t *pm, uint64_t addr, unsigned len, uint64_t value)
{
	int err = mmu_physmem_write(pm, addr, len, value);
	cr_assert_eq(err, 0, "cannot write %u bytes at 0x%llx", len, (unsigned long long)addr);
}

void pt_set(mmu_physmem_t *pm, uint64_t addr, uint64_t pte)
{
	pt_write(pm, addr, 8, pte);
}

uint64_t pt_get(const mmu_physmem_t *pm, uint64_t addr)
{
	return mmu_physmem_read(pm, addr, 8);
}

void pt_std_upper(mmu_physmem_t *pm, uint64_t flags)
{
	pt_set(pm, PT_PML4E, PT_PDPT | flags);
	pt_set(pm, PT_PDPTE, PT_PD | flags);
	pt_set(pm, PT_PDE, PT_PT | flags);
}

void pt_std(mmu_physmem_t *pm, uint64_t upper_flags, uint64_t leaf_flags)
{
	pt_std_upper(pm, upper_flags);
	pt_set(pm, PT_PTE_A, PT_PAGE_A | leaf_flags);
	pt_set(pm, PT_PTE_B, PT_PAGE_B | leaf_flags);
}
