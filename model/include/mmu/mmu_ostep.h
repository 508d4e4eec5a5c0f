#ifndef MMU_OSTEP_H
#define MMU_OSTEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_physmem.h"

/*
 * The memory dump printed by OSTEP's multi-level paging homework (paging-multilevel-translate.py), loaded into the
 * model's physical memory so that the "ostep" preset answers its questions. The printout holds:
 *   page N: <32 bytes as 64 hex digits, with or without spaces between bytes>    one line per 32-byte page
 *   PDBR: N  (decimal) [...]                                                     the page of the page directory
 * Every other line (ARG ..., Virtual Address ..., answers) is ignored. A line starting with "page" or "PDBR" that
 * does not parse is an error naming the file, the line and what is wrong; so are a page listed twice and a dump
 * without a PDBR. Pages the dump does not list read as zeros (invalid entries), and the loader says which were listed.
 */
#define MMU_OSTEP_PAGE_BYTES 32
#define MMU_OSTEP_PAGES      128

typedef struct mmu_ostep_dump {
	uint8_t mem[MMU_OSTEP_PAGES * MMU_OSTEP_PAGE_BYTES];
	bool listed[MMU_OSTEP_PAGES]; /* a "page N:" line was read for page N */
	unsigned pages;               /* number of pages listed */
	unsigned pdbr;                /* page number of the page directory */
} mmu_ostep_dump_t;

/* Parses a dump from f; name is used in messages ("FILE:LINE: ..."). Returns 0, MMU_EFORMAT or MMU_EIO. */
int mmu_ostep_parse(FILE *f, const char *name, mmu_ostep_dump_t *d, char *msg, size_t msglen);
/* Opens and parses path ("-" = standard input). */
int mmu_ostep_read(const char *path, mmu_ostep_dump_t *d, char *msg, size_t msglen);

/*
 * Checks that cfg has the homework's geometry (textbook mode, 2 levels x 5 bits, 5-bit pages, 1-byte entries,
 * valid bit 7, frame number in bits 6..0, 12-bit physical addresses): the message names the first key that differs.
 */
int mmu_ostep_check_config(const mmu_cfg_t *cfg, char *msg, size_t msglen);

/* Writes every listed page into pm (mmu_physmem_write) and gives the CR3 value: the root address, PDBR x 32. */
int mmu_ostep_load(const mmu_ostep_dump_t *d, mmu_physmem_t *pm, uint64_t *cr3);

#endif
