#ifndef MMU_MEMIMAGE_H
#define MMU_MEMIMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu_paging.h"
#include "mmu/mmu_physmem.h"

/*
 * A memory image in text, for any paging mode: page tables (and anything else) written out by hand or by a tool, so
 * that `mmusim explain --memory FILE` walks them. Lines:
 *   cr3 VALUE                  the CR3 / PTBR value the walk starts from (required, once)
 *   ADDRESS: WORD WORD ...     words of the mode's entry size (paging.pte_bytes), little-endian, from ADDRESS on
 *   # ...                      a comment (also after the words); blank lines are ignored
 * Numbers are C literals: 0x for hex, else decimal. ADDRESS must be aligned to the entry size and each WORD must fit
 * an entry. Memory the image does not write reads as zeros. Errors name the file, the line and the field.
 */
typedef struct mmu_memimage_info {
	uint64_t cr3;
	uint64_t words; /* words written */
} mmu_memimage_info_t;

/* Parses f (name is used in messages) into pm. Returns 0, MMU_EFORMAT, MMU_EIO or MMU_ENOMEM. */
int mmu_memimage_parse(FILE *f, const char *name, const mmu_paging_t *pg, mmu_physmem_t *pm, mmu_memimage_info_t *info,
                       char *msg, size_t msglen);
/* Opens and parses path ("-" = standard input). */
int mmu_memimage_read(const char *path, const mmu_paging_t *pg, mmu_physmem_t *pm, mmu_memimage_info_t *info, char *msg,
                      size_t msglen);

#endif
