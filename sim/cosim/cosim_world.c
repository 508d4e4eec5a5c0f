/* The processes and regions of the co-simulation stimulus, and direct page-table surgery. */
#include "cosim_world.h"

#include <inttypes.h>
#include <stdio.h>

#define U   MMU_PERM_U
#define W   MMU_PERM_W
#define X   MMU_PERM_X
#define NOR MMU_PERM_NO_R
#define GB  UINT64_C(0x40000000)

/*
 * Layout (x86-64, 4-level): PML4 slot 0 holds the small regions, slot 1 the 1 GiB pages, slot 2 a table entry with
 * a reserved bit, slot 3 the big regions, slot 4 nothing; slots 273 and 511 the kernel. hole3 is a PDPT entry never
 * filled, hole2 a PD entry.
 */
static const cosim_region_t regions_x86[RG_COUNT] = {
    [RG_CODE] = {"code", 0x00400000, 48, 1, U | X, REG_MAPPED, 0, 40, 4, 0},
    [RG_RODATA] = {"rodata", 0x00500000, 16, 1, U, REG_MAPPED, 0, 2, 8, 0},
    [RG_DATA] = {"data", 0x00600000, 96, 1, U | W, REG_HOLEY, 0, 2, 20, 0},
    [RG_SUPER] = {"super", 0x00700000, 8, 1, W, REG_MAPPED, 0, 2, 4, 0},
    [RG_RSVD4K] = {"rsvd4k", 0x00800000, 4, 1, U | W, REG_RSVD, 1, 1, 2, 0},
    [RG_HEAP] = {"heap", 0x10000000, 160, 1, U | W, REG_MAPPED, 0, 2, 30, 0},
    [RG_JIT] = {"jit", 0x20000000, 8, 1, U | W | X, REG_MAPPED, 0, 8, 4, 0},
    [RG_SHARED] = {"shared", 0x30000000, 4, 1, U | W, REG_SHARED, 0, 1, 4, 0},
    [RG_HUGE2M] = {"huge2m", 0x40000000, 4, 2, U | W, REG_MAPPED, 0, 2, 10, 0},
    [RG_HUGE2MX] = {"huge2mx", 0x40800000, 1, 2, U | X, REG_MAPPED, 0, 8, 2, 0},
    [RG_RSVD2M] = {"rsvd2m", 0x41000000, 1, 2, U | W, REG_RSVD, 2, 1, 2, 0},
    [RG_RSVDPDPT] = {"rsvdpdpt", 3 * GB, 2, 1, U | W, REG_RSVD, 3, 1, 1, 0},
    [RG_HUGE1G] = {"huge1g", 512 * GB, 1, 3, U | W | X, REG_MAPPED, 0, 4, 6, 0},
    [RG_RSVD1G] = {"rsvd1g", 768 * GB, 1, 3, U | W, REG_RSVD, 3, 1, 1, 0},
    [RG_RSVDPML4] = {"rsvdpml4", 1024 * GB, 2, 1, U | W, REG_RSVD, 4, 1, 1, 0},
    [RG_STACK] = {"stack", UINT64_C(0x7ffffff00000), 32, 1, U | W, REG_MAPPED, 0, 1, 12, 0},
    [RG_HOLE4] = {"hole4", 2048 * GB, 16, 1, 0, REG_HOLE, 4, 1, 2, 0},
    [RG_HOLE3] = {"hole3", 2 * GB, 16, 1, 0, REG_HOLE, 3, 1, 2, 0},
    [RG_HOLE2] = {"hole2", 0x00a00000, 16, 1, 0, REG_HOLE, 2, 1, 2, 0},
    [RG_KDATA] = {"kdata", COSIM_KERNEL_DATA, 32, 1, W, REG_KERNEL, 0, 1, 6, 0},
    [RG_KTEXT] = {"ktext", COSIM_KERNEL_TEXT, 16, 1, X, REG_KERNEL, 0, 4, 1, 0},
    /* larger than any TLB configured here (1536 entries): swept to fill every set and exercise the victims */
    [RG_BIGDATA] = {"bigdata", 1536 * GB, 4096, 1, U | W, REG_WARM, 0, 0, 2, 0},
    [RG_BIGCODE] = {"bigcode", 1537 * GB, 2048, 1, U | X, REG_WARM, 0, 2, 0, 0},
    /* rights combined across levels (W6): every leaf grants all, an entry above takes one right away */
    [RG_W6RO] = {"w6ro", 0x01000000, 16, 1, U | W | X, REG_UPPER_RO, 2, 3, 6, 0},
    [RG_W6SUPER] = {"w6super", 4 * GB, 16, 1, U | W | X, REG_UPPER_SUPER, 3, 3, 6, 0},
    [RG_W6NX] = {"w6nx", 2560 * GB, 16, 1, U | W | X, REG_UPPER_NX, 4, 6, 6, 0},
    [RG_MIXGLOBAL] = {"mixglobal", 0x01200000, 16, 1, U | W | X, REG_MIXGLOBAL, 0, 8, 8, 0},
    /* 16 pages of 4 KiB as requests see them; the level-2 entry above swaps between a 2 MiB leaf and a table */
    [RG_RESIZE] = {"resize", 0x01400000, 16, 1, U | W | X, REG_RESIZE, 0, 3, 8, 0},
    /* 5-level paging: PML5 slot 0 holds all of the above; slot 1 a PML5E with PS set, 2 nothing, 3 a no-execute
     * PML5E above permissive leaves, 255 a plain region */
    [RG_HOLE5] = {"hole5", UINT64_C(0x0002000000000000), 16, 1, 0, REG_HOLE, 5, 1, 2, 0},
    [RG_RSVDPML5] = {"rsvdpml5", UINT64_C(0x0001000000000000), 2, 1, U | W, REG_RSVD, 5, 1, 1, 0},
    [RG_W6NX5] = {"w6nx5", UINT64_C(0x0003000000000000), 16, 1, U | W | X, REG_UPPER_NX, 5, 3, 3, 0},
    [RG_HIGH57] = {"high57", UINT64_C(0x00ff000000000000), 32, 1, U | W, REG_MAPPED, 0, 2, 6, 0},
    [RG_RV_XONLY] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_WNOR] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_PTRLAST] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_TERA] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_PETA] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_RSVDTERA] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_SMEGA] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_SGIGA] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_STERA] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_SPETA] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
};

/*
 * RISC-V (Sv39, Sv48, Sv57; docs/paging.md): the same regions at addresses Sv39 can reach (user below 256 GiB,
 * the kernel sign-extended from bit 38), with the mode's own faults: reserved bits 63:54 in a 4 KiB leaf, A or D in a
 * pointer, misaligned megapages, gigapages and terapages, W without R, a pointer at the last level; execute-only
 * pages; terapages (Sv48, Sv57) and petapages (Sv57). A region whose level the mode lacks is absent; a fault level
 * above the root is the root's. Rights cannot be taken away by a pointer (its R, W, X are 0): no W6 regions.
 */
static const cosim_region_t regions_riscv[RG_COUNT] = {
    [RG_CODE] = {"code", 0x00400000, 48, 1, U | X, REG_MAPPED, 0, 40, 4, 0},
    [RG_RODATA] = {"rodata", 0x00500000, 16, 1, U, REG_MAPPED, 0, 2, 8, 0},
    [RG_DATA] = {"data", 0x00600000, 96, 1, U | W, REG_HOLEY, 0, 2, 20, 0},
    [RG_SUPER] = {"super", 0x00700000, 8, 1, W, REG_MAPPED, 0, 2, 4, 0},
    [RG_RSVD4K] = {"rsvd4k", 0x00800000, 4, 1, U | W, REG_RSVD, 1, 1, 2, 0},
    [RG_HEAP] = {"heap", 0x10000000, 160, 1, U | W, REG_MAPPED, 0, 2, 30, 0},
    [RG_JIT] = {"jit", 0x20000000, 8, 1, U | W | X, REG_MAPPED, 0, 8, 4, 0},
    [RG_SHARED] = {"shared", 0x30000000, 4, 1, U | W, REG_SHARED, 0, 1, 4, 0},
    [RG_HUGE2M] = {"huge2m", 0x40000000, 4, 2, U | W, REG_MAPPED, 0, 2, 10, 0},
    [RG_HUGE2MX] = {"huge2mx", 0x40800000, 1, 2, U | X, REG_MAPPED, 0, 8, 2, 0},
    [RG_RSVD2M] = {"rsvd2m", 0x41000000, 1, 2, U | W, REG_RSVD, 2, 1, 2, 0},
    [RG_RSVDPDPT] = {"rsvdptr", 3 * GB, 2, 1, U | W, REG_RSVD, 3, 1, 1, 0},
    [RG_HUGE1G] = {"huge1g", 64 * GB, 1, 3, U | W | X, REG_MAPPED, 0, 4, 6, 0},
    [RG_RSVD1G] = {"rsvd1g", 96 * GB, 1, 3, U | W, REG_RSVD, 3, 1, 1, 0},
    [RG_RSVDPML4] = {"rsvdroot", 128 * GB, 2, 1, U | W, REG_RSVD, 5, 1, 1, 0},
    [RG_STACK] = {"stack", UINT64_C(0x3ffff00000), 32, 1, U | W, REG_MAPPED, 0, 1, 12, 0},
    [RG_HOLE4] = {"holeroot", 160 * GB, 16, 1, 0, REG_HOLE, 5, 1, 2, 0},
    [RG_HOLE3] = {"hole3", 2 * GB, 16, 1, 0, REG_HOLE, 3, 1, 2, 0},
    [RG_HOLE2] = {"hole2", 0x00a00000, 16, 1, 0, REG_HOLE, 2, 1, 2, 0},
    [RG_KDATA] = {"kdata", COSIM_RV_KERNEL_DATA, 32, 1, W, REG_KERNEL, 0, 1, 6, 0},
    [RG_KTEXT] = {"ktext", COSIM_KERNEL_TEXT, 16, 1, X, REG_KERNEL, 0, 4, 1, 0},
    [RG_BIGDATA] = {"bigdata", 192 * GB, 4096, 1, U | W, REG_WARM, 0, 0, 2, 0},
    [RG_BIGCODE] = {"bigcode", 193 * GB, 2048, 1, U | X, REG_WARM, 0, 2, 0, 0},
    [RG_W6RO] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_W6SUPER] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_W6NX] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_MIXGLOBAL] = {"mixglobal", 0x01200000, 16, 1, U | W | X, REG_MIXGLOBAL, 0, 8, 8, 0},
    [RG_RESIZE] = {"resize", 0x01400000, 16, 1, U | W | X, REG_RESIZE, 0, 3, 8, 0},
    [RG_HOLE5] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RSVDPML5] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_W6NX5] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_HIGH57] = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0},
    [RG_RV_XONLY] = {"xonly", 0x02000000, 16, 1, U | X | NOR, REG_MAPPED, 0, 6, 8, 0},
    [RG_RV_WNOR] = {"wnor", 0x02200000, 4, 1, U | W, REG_CLEAR, 1, 1, 2, 1u << 1},
    [RG_RV_PTRLAST] = {"ptrlast", 0x02400000, 4, 1, U | W | X, REG_CLEAR, 1, 1, 2, 7u << 1},
    [RG_RV_TERA] = {"tera", 2048 * GB, 1, 4, U | W | X, REG_MAPPED, 0, 3, 6, 0},
    [RG_RV_PETA] = {"peta", UINT64_C(0x0001000000000000), 1, 5, U | W | X, REG_MAPPED, 0, 2, 4, 0},
    [RG_RV_RSVDTERA] = {"rsvdtera", 3072 * GB, 1, 4, U | W, REG_RSVD, 4, 1, 1, 0},
    [RG_RV_SMEGA] = {"smega", 0x41400000, 2, 2, W | X, REG_SUPERVISOR, 0, 2, 3, 0},
    [RG_RV_SGIGA] = {"sgiga", 65 * GB, 1, 3, W | X, REG_SUPERVISOR, 0, 2, 3, 0},
    [RG_RV_STERA] = {"stera", 2560 * GB, 1, 4, W | X, REG_SUPERVISOR, 0, 2, 3, 0},
    [RG_RV_SPETA] = {"speta", UINT64_C(0x0002000000000000), 1, 5, W | X, REG_SUPERVISOR, 0, 2, 3, 0},
};

/*
 * The RISC-V regions of the root level (a reserved bit in a root entry, a root entry never filled) each under a root
 * entry of their own, whose span depends on the mode: 1 GiB in Sv39, 512 GiB in Sv48, 256 TiB in Sv57.
 */
static const cosim_region_t rv_root_regions[3][2] = {
    {{"rsvdroot", 128 * GB, 2, 1, U | W, REG_RSVD, 5, 1, 1, 0}, {"holeroot", 160 * GB, 16, 1, 0, REG_HOLE, 5, 1, 2, 0}},
    {{"rsvdroot", UINT64_C(128) << 39, 2, 1, U | W, REG_RSVD, 5, 1, 1, 0},
     {"holeroot", UINT64_C(160) << 39, 16, 1, 0, REG_HOLE, 5, 1, 2, 0}},
    {{"rsvdroot", UINT64_C(128) << 48, 2, 1, U | W, REG_RSVD, 5, 1, 1, 0},
     {"holeroot", UINT64_C(160) << 48, 16, 1, 0, REG_HOLE, 5, 1, 2, 0}},
};

static const cosim_region_t absent_region = {"absent", 0, 0, 1, 0, REG_ABSENT, 0, 0, 0, 0};

/* REG_RESIZE keeps both forms of its level-2 entry mapped at these offsets, never requested: copied in to swap. */
#define RESIZE_TABLE_OFFSET UINT64_C(0x200000)
#define RESIZE_LEAF_OFFSET  UINT64_C(0x400000)
#define RESIZE_MAPPED_PAGES 8

/* The layout of the mode, with the regions the mode cannot hold made absent. */
const cosim_region_t *cosim_region(const cosim_env_t *env, unsigned i)
{
	const cosim_region_t *table = env->layout ? env->layout : regions_x86;
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	const cosim_region_t *r = &table[i];
	if (i >= cosim_region_count(env) || r->level > pg->levels)
		return &absent_region;
	if (table == regions_riscv && (i == RG_RSVDPML4 || i == RG_HOLE4))
		return &rv_root_regions[pg->levels - 3][i == RG_HOLE4];
	return r;
}

unsigned cosim_region_count(const cosim_env_t *env)
{
	if (env->layout == regions_riscv)
		return RG_COUNT;
	return mmu_os_paging(env->os)->levels == 4 ? RG_COUNT_X86_64 : RG_COUNT_X86_LA57;
}

/* The level that gets a region's fault: a RISC-V fault above the root is the root's. */
static unsigned fault_level(const cosim_env_t *env, const cosim_region_t *r)
{
	unsigned levels = mmu_os_paging(env->os)->levels;
	return r->fault_level > levels ? levels : r->fault_level;
}

uint64_t cosim_region_page_size(const cosim_region_t *r)
{
	return UINT64_C(1) << (12 + 9 * (r->level - 1));
}

uint64_t cosim_addr(const cosim_env_t *env, unsigned region, uint32_t page, uint64_t offset)
{
	const cosim_region_t *r = cosim_region(env, region);
	return r->va + page * cosim_region_page_size(r) + offset;
}

bool cosim_supervisor_va(const cosim_env_t *env, uint64_t va)
{
	if (va >> 63)
		return true;
	for (unsigned i = RG_RV_SMEGA; i <= RG_RV_SPETA; i++) {
		const cosim_region_t *r = cosim_region(env, i);
		if (r->kind == REG_SUPERVISOR && va - r->va < r->pages * cosim_region_page_size(r))
			return true;
	}
	return false;
}

bool cosim_holey_mapped(uint32_t page)
{
	return page % 5 != 4;
}

uint64_t cosim_root(const cosim_env_t *env, uint32_t pid)
{
	return mmu_paging_root(mmu_os_paging(env->os), mmu_os_cr3(env->os, pid, false));
}

uint64_t cosim_pte_addr(const cosim_env_t *env, uint64_t root, uint64_t va, unsigned level)
{
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	uint64_t table = root;
	for (unsigned l = pg->levels;; l--) {
		uint64_t addr = table + mmu_paging_index(pg, va, l) * pg->pte_bytes;
		if (l == level)
			return addr;
		uint64_t pte = mmu_physmem_read(env->pm, addr, pg->pte_bytes);
		if (!mmu_pte_bit(pte, pg->bit_present) || mmu_pte_is_leaf(pg, pte, l))
			return 0;
		table = mmu_pte_frame(pg, pte);
	}
}

uint64_t cosim_pte_read(const cosim_env_t *env, uint32_t pid, uint64_t va, unsigned level)
{
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	uint64_t addr = cosim_pte_addr(env, cosim_root(env, pid), va, level);
	return addr ? mmu_physmem_read(env->pm, addr, pg->pte_bytes) : 0;
}

int cosim_pte_modify(cosim_env_t *env, uint32_t pid, uint64_t va, unsigned level, uint64_t set, uint64_t clear)
{
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	uint64_t addr = cosim_pte_addr(env, cosim_root(env, pid), va, level);
	if (!addr)
		return MMU_EFAULT;
	uint64_t pte = mmu_physmem_read(env->pm, addr, pg->pte_bytes);
	return mmu_physmem_write(env->pm, addr, pg->pte_bytes, (pte | set) & ~clear);
}

/* A reserved bit for an entry of `level` (docs/timing.md, paging modes: x86-64 reserved bits; docs/paging.md). */
static uint64_t reserved_bit(const cosim_env_t *env, const cosim_region_t *r)
{
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	unsigned level = fault_level(env, r);
	if (pg->format == MMU_PTE_RISCV) {
		if (level == r->level)
			return r->level > 1 ? UINT64_C(1) << 10  /* misaligned superpage: PPN[0] set */
			                    : UINT64_C(1) << 60; /* bits 63:54 */
		return UINT64_C(1) << (level == pg->levels ? pg->bit_dirty
		                                           : pg->bit_accessed); /* D or A in a pointer */
	}
	if (r->fault_level == r->level && r->level > 1)
		return UINT64_C(1) << 13; /* bits 20:13 of a 2 MiB leaf, 29:13 of a 1 GiB leaf */
	if (r->fault_level >= 4)
		return UINT64_C(1) << 7; /* PS in a PML4E or PML5E */
	return pg->pa_bits < 52 ? UINT64_C(1) << 51 : UINT64_C(1) << 7;
}

/* Copies the level-2 entry that maps from (A and D cleared) over the one that maps to, in pid. */
static int copy_pde(cosim_env_t *env, uint32_t pid, uint64_t from, uint64_t to)
{
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	uint64_t root = cosim_root(env, pid);
	uint64_t src = cosim_pte_addr(env, root, from, 2), dst = cosim_pte_addr(env, root, to, 2);
	if (!src || !dst)
		return MMU_EFAULT;
	uint64_t ad = UINT64_C(1) << pg->bit_accessed | UINT64_C(1) << pg->bit_dirty;
	return mmu_physmem_write(env->pm, dst, pg->pte_bytes, mmu_physmem_read(env->pm, src, pg->pte_bytes) & ~ad);
}

unsigned cosim_resize_toggle(cosim_env_t *env, uint32_t pid)
{
	const cosim_region_t *r = cosim_region(env, RG_RESIZE);
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	uint64_t pde = mmu_physmem_read(env->pm, cosim_pte_addr(env, cosim_root(env, pid), r->va, 2), pg->pte_bytes);
	bool leaf = mmu_pte_is_leaf(pg, pde, 2);
	copy_pde(env, pid, r->va + (leaf ? RESIZE_TABLE_OFFSET : RESIZE_LEAF_OFFSET), r->va);
	return leaf ? 1 : 2;
}

/* W6: the entry at fault_level above the region loses one right (the leaves keep every right). */
static int restrict_upper(cosim_env_t *env, uint32_t pid, const cosim_region_t *r)
{
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	uint64_t set = 0, clear = 0;
	if (r->kind == REG_UPPER_RO)
		clear = UINT64_C(1) << pg->bit_writable;
	else if (r->kind == REG_UPPER_SUPER)
		clear = UINT64_C(1) << pg->bit_user;
	else if (pg->bit_nx >= 0)
		set = UINT64_C(1) << pg->bit_nx;
	return cosim_pte_modify(env, pid, r->va, r->fault_level, set, clear);
}

static int map_region(cosim_env_t *env, uint32_t pid, const cosim_region_t *r)
{
	uint64_t size = cosim_region_page_size(r);
	int err = 0;
	switch (r->kind) {
	case REG_MAPPED:
	case REG_SUPERVISOR:
	case REG_RSVD:
		err = mmu_os_map(env->os, pid, r->va, size * r->pages, r->level, r->perms);
		if (!err && r->kind == REG_RSVD)
			err = cosim_pte_modify(env, pid, r->va, fault_level(env, r), reserved_bit(env, r), 0);
		return err;
	case REG_CLEAR:
		err = mmu_os_map(env->os, pid, r->va, size * r->pages, r->level, r->perms);
		for (uint32_t p = 0; p < r->pages && !err; p++)
			err = cosim_pte_modify(env, pid, r->va + p * size, r->fault_level, 0, r->clear);
		return err;
	case REG_WARM: { /* A on the whole path; RISC-V: in the leaf only, A of a pointer being reserved */
		const mmu_paging_t *pg = mmu_os_paging(env->os);
		unsigned top = pg->format == MMU_PTE_RISCV ? r->level : pg->levels;
		err = mmu_os_map(env->os, pid, r->va, size * r->pages, r->level, r->perms);
		for (uint32_t p = 0; p < r->pages && !err; p++)
			for (unsigned level = r->level; level <= top && !err; level++)
				err = cosim_pte_modify(env, pid, r->va + p * size, level,
				                       UINT64_C(1) << pg->bit_accessed, 0);
		return err;
	}
	case REG_HOLEY:
		for (uint32_t p = 0; p < r->pages && !err; p++)
			if (cosim_holey_mapped(p))
				err = mmu_os_map(env->os, pid, r->va + p * size, size, r->level, r->perms);
		return err;
	case REG_UPPER_RO:
	case REG_UPPER_SUPER:
	case REG_UPPER_NX:
		err = mmu_os_map(env->os, pid, r->va, size * r->pages, r->level, r->perms);
		return err ? err : restrict_upper(env, pid, r);
	case REG_MIXGLOBAL: {
		uint64_t g = pid % 2 ? UINT64_C(1) << mmu_os_paging(env->os)->bit_global : 0;
		err = mmu_os_map(env->os, pid, r->va, size * r->pages, r->level, r->perms);
		for (uint32_t p = 0; p < r->pages && !err && g; p++)
			err = cosim_pte_modify(env, pid, r->va + p * size, r->level, g, 0);
		return err;
	}
	case REG_RESIZE: /* starts as the 2 MiB leaf */
		err = mmu_os_map(env->os, pid, r->va + RESIZE_TABLE_OFFSET, size * RESIZE_MAPPED_PAGES, 1, r->perms);
		if (!err)
			err = mmu_os_map(env->os, pid, r->va + RESIZE_LEAF_OFFSET, UINT64_C(0x200000), 2, r->perms);
		return err ? err : copy_pde(env, pid, r->va + RESIZE_LEAF_OFFSET, r->va);
	case REG_SHARED:
		for (uint32_t p = 0; p < r->pages && !err; p++) {
			uint64_t pa;
			unsigned level;
			err = mmu_os_translate(env->os, 1, cosim_addr(env, RG_HEAP, p, 0), &pa, &level);
			if (!err)
				err = mmu_os_map_frame(env->os, pid, r->va + p * size, pa, 1, r->perms);
		}
		return err;
	default:
		return 0; /* holes; kernel regions are mapped once for all */
	}
}

int cosim_world_build(cosim_env_t *env, unsigned nprocs, char *msg, size_t msglen)
{
	env->world = true;
	env->layout = mmu_os_paging(env->os)->format == MMU_PTE_RISCV ? regions_riscv : regions_x86;
	for (unsigned i = 0; i < RG_COUNT; i++) {
		const cosim_region_t *r = cosim_region(env, i);
		if (r->kind != REG_KERNEL)
			continue;
		int err = mmu_os_map_kernel(env->os, r->va, cosim_region_page_size(r) * r->pages, r->perms);
		if (err) {
			snprintf(msg, msglen, "kernel region %s: %s", r->name, mmu_strerror(err));
			return err;
		}
	}
	for (uint32_t pid = 1; pid <= nprocs; pid++) {
		int err = mmu_os_process(env->os, pid);
		for (unsigned i = 0; i < RG_COUNT && !err; i++) {
			const cosim_region_t *r = cosim_region(env, i);
			err = map_region(env, pid, r);
			if (err)
				snprintf(msg, msglen, "process %" PRIu32 ", region %s: %s", pid, r->name,
				         mmu_strerror(err));
		}
		if (err)
			return err;
	}
	return 0;
}
