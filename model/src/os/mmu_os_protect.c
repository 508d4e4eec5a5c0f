/*
 * Changing a mapped page after the fact, as a lecture needs it: its permissions (what mprotect() does) and, to show
 * the reserved-bit fault, a reserved bit set in its leaf entry (what a corrupted page table has). The TLBs may hold
 * the old entry: the caller invalidates them, as an OS would.
 */
#include "mmu/mmu_error.h"
#include "mmu_os_internal.h"

/* The leaf entry of va's page in pid: its slot, value and level. MMU_EFAULT when no present leaf maps va. */
static int leaf_of(const mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t *slot, uint64_t *pte, unsigned *level)
{
	const os_proc_t *pr = os_proc_find(os, pid);
	if (pr == NULL || !mmu_paging_canonical(&os->paging, va))
		return MMU_EFAULT;
	int err = os_lookup(os, pr->root, va, slot, pte, level);
	if (err == 0 && !os_pte_present(os, *pte))
		err = MMU_EFAULT;
	return err;
}

static uint64_t set_bit(uint64_t pte, int bit, bool on)
{
	if (bit < 0)
		return pte;
	return on ? pte | (UINT64_C(1) << bit) : pte & ~(UINT64_C(1) << bit);
}

int mmu_os_protect(mmu_os_t *os, uint32_t pid, uint64_t va, unsigned perms)
{
	const mmu_paging_t *p = &os->paging;
	uint64_t slot, pte;
	unsigned level;
	int err = leaf_of(os, pid, va, &slot, &pte, &level);
	if (err)
		return err;
	pte = set_bit(pte, p->bit_writable, perms & MMU_PERM_W);
	pte = set_bit(pte, p->bit_user, perms & MMU_PERM_U);
	pte = set_bit(pte, p->bit_nx, !(perms & MMU_PERM_X));
	pte = set_bit(pte, p->bit_exec, perms & MMU_PERM_X);
	pte = set_bit(pte, p->bit_read, !(perms & MMU_PERM_NO_R));
	return os_pte_write(os, slot, pte);
}

int mmu_os_set_reserved_bit(mmu_os_t *os, uint32_t pid, uint64_t va, unsigned *bit)
{
	uint64_t slot, pte;
	unsigned level;
	int err = leaf_of(os, pid, va, &slot, &pte, &level);
	if (err)
		return err;
	uint64_t rsvd = os->paging.rsvd_leaf[level];
	if (rsvd == 0)
		return MMU_EINVAL;
	*bit = 0;
	while (!((rsvd >> *bit) & 1)) /* the lowest: a frame-number bit beyond the physical address width, usually */
		(*bit)++;
	return os_pte_write(os, slot, pte | (UINT64_C(1) << *bit));
}
