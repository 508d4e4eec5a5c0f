#ifndef PT_BUILDER_H
#define PT_BUILDER_H

#include <stdint.h>

#include "mmu/mmu_physmem.h"

/*
 * Page tables written by hand into physical memory, independent of the OS side: the tests choose every table
 * address and every PTE value, so the addresses the walker must read are known before the model runs.
 */

/* x86 PTE bits (Intel SDM vol. 3A, 4.5). */
#define PTE_P  UINT64_C(0x1)
#define PTE_W  UINT64_C(0x2)
#define PTE_U  UINT64_C(0x4)
#define PTE_A  UINT64_C(0x20)
#define PTE_D  UINT64_C(0x40)
#define PTE_PS UINT64_C(0x80)
#define PTE_G  UINT64_C(0x100)
#define PTE_NX (UINT64_C(1) << 63)

/* A present, writable, user table entry, with or without A. */
#define PTE_TABLE   (PTE_P | PTE_W | PTE_U)
#define PTE_TABLE_A (PTE_TABLE | PTE_A)

/*
 * The standard x86-64 layout of the tests, all addresses computed by hand:
 *   PT_VA_A = 0x0000008080604567 = 1 << 39 | 2 << 30 | 3 << 21 | 4 << 12 | 0x567
 *             PML4 index 1, PDPT index 2, PD index 3, PT index 4, offset 0x567.
 *   PML4 at 0x1000, PDPT at 0x2000, PD at 0x3000, PT at 0x4000 (CR3 = 0x1000).
 *   Entries read for PT_VA_A: 0x1000 + 1 x 8 = 0x1008, 0x2000 + 2 x 8 = 0x2010, 0x3000 + 3 x 8 = 0x3018,
 *   0x4000 + 4 x 8 = 0x4020. The tests put the leaf frame 0x5000 there: PA 0x5567.
 *   PT_VA_B = PT_VA_A + 0x1000: PT index 5, leaf entry at 0x4028 (frame 0x6000 in the tests: PA 0x6567).
 *   PT_VA_C = PT_VA_A + 0x2000: PT index 6, leaf entry at 0x4030.
 */
#define PT_CR3    UINT64_C(0x1000)
#define PT_PML4   UINT64_C(0x1000)
#define PT_PDPT   UINT64_C(0x2000)
#define PT_PD     UINT64_C(0x3000)
#define PT_PT     UINT64_C(0x4000)
#define PT_VA_A   UINT64_C(0x0000008080604567)
#define PT_VA_B   UINT64_C(0x0000008080605567)
#define PT_VA_C   UINT64_C(0x0000008080606567)
#define PT_PML4E  UINT64_C(0x1008)
#define PT_PDPTE  UINT64_C(0x2010)
#define PT_PDE    UINT64_C(0x3018)
#define PT_PTE_A  UINT64_C(0x4020)
#define PT_PTE_B  UINT64_C(0x4028)
#define PT_PTE_C  UINT64_C(0x4030)
#define PT_PAGE_A UINT64_C(0x5000)
#define PT_PAGE_B UINT64_C(0x6000)

/* Writes len bytes (little-endian) at addr; fails the test if memory cannot be allocated. */
void pt_write(mmu_physmem_t *pm, uint64_t addr, unsigned len, uint64_t value);
/* An 8-byte x86-64 entry. */
void pt_set(mmu_physmem_t *pm, uint64_t addr, uint64_t pte);
uint64_t pt_get(const mmu_physmem_t *pm, uint64_t addr);

/* The three upper entries of PT_VA_A (PML4E, PDPTE, PDE), each pointing to the next table with `flags`. */
void pt_std_upper(mmu_physmem_t *pm, uint64_t flags);
/* pt_std_upper plus the leaves of PT_VA_A (frame 0x5000) and PT_VA_B (frame 0x6000) with `leaf_flags`. */
void pt_std(mmu_physmem_t *pm, uint64_t upper_flags, uint64_t leaf_flags);

#endif
