/*
 * Text memory images (mmu_memimage.h): words land at their addresses in the mode's entry size, comments and blank
 * lines are skipped, every malformed line is refused with file, line and field; and the model walks a loaded image,
 * OSTEP's linear-table homework system (docs/lecture/ostep-linear.ini), to the answers worked out by hand.
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <string.h>

#include "mmu/mmu.h"
#include "mmu/mmu_error.h"
#include "mmu/mmu_memimage.h"

static char msg[512];

static int parse(const mmu_paging_t *pg, mmu_physmem_t *pm, const char *text, mmu_memimage_info_t *info)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	cr_assert_not_null(f);
	int rc = mmu_memimage_parse(f, "img", pg, pm, info, msg, sizeof msg);
	fclose(f);
	return rc;
}

static mmu_paging_t x86_64(void)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	mmu_paging_t pg;
	cr_assert_eq(mmu_paging_init(&pg, &cfg.paging, msg, sizeof msg), 0);
	return pg;
}

Test(mmu_memimage, words_at_their_addresses)
{
	mmu_paging_t pg = x86_64();
	mmu_physmem_t *pm;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	mmu_memimage_info_t info;
	int rc = parse(&pg, pm, "# tables\n\ncr3 0x2000   # root\n0x2000: 0x3007 0 12\n 0x3ff8: 0x8000000000005063\n",
	               &info);
	cr_assert_eq(rc, 0, "%s", msg);
	cr_assert_eq(info.cr3, 0x2000);
	cr_assert_eq(info.words, 4);
	cr_assert_eq(mmu_physmem_read(pm, 0x2000, 8), 0x3007);
	cr_assert_eq(mmu_physmem_read(pm, 0x2008, 8), 0);
	cr_assert_eq(mmu_physmem_read(pm, 0x2010, 8), 12);
	cr_assert_eq(mmu_physmem_read(pm, 0x3ff8, 8), UINT64_C(0x8000000000005063));
	mmu_physmem_destroy(pm);
}

static void expect_error(const mmu_paging_t *pg, const char *text, const char *want)
{
	mmu_physmem_t *pm;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	mmu_memimage_info_t info;
	cr_assert_eq(parse(pg, pm, text, &info), MMU_EFORMAT, "accepted: %s", text);
	cr_assert_str_eq(msg, want);
	mmu_physmem_destroy(pm);
}

Test(mmu_memimage, malformed_lines)
{
	mmu_paging_t pg = x86_64();
	expect_error(&pg, "0x2000: 1\n", "img: no 'cr3 VALUE' line (the root table's address)");
	expect_error(&pg, "cr3\n", "img:1: cr3: expected a value (the root table's address, e.g. cr3 0x2000)");
	expect_error(&pg, "cr3 x\n", "img:1: cr3: 'x' is not a number (0x for hex)");
	expect_error(&pg, "cr3 1 2\n", "img:1: cr3: one value expected");
	expect_error(&pg, "cr3 1\ncr3 2\n", "img:2: cr3: given twice");
	expect_error(&pg, "cr3 1\n0x2000 5\n", "img:2: expected 'ADDRESS: WORD...' or 'cr3 VALUE', found '0x2000'");
	expect_error(&pg, "cr3 1\nzz: 5\n", "img:2: address 'zz' is not a number (0x for hex)");
	expect_error(&pg, "cr3 1\n0x2001: 5\n", "img:2: address 0x2001 is not a multiple of the entry size (8 bytes)");
	expect_error(&pg, "cr3 1\n0x2000:\n", "img:2: address 0x2000: no words after it");
	expect_error(&pg, "cr3 1\n0x2000: 1 -1\n", "img:2: word 2 '-1' is not a number (0x for hex)");
	expect_error(&pg, "cr3 1\n0x2000: 0x10000000000000000\n",
	             "img:2: word 1 '0x10000000000000000' is not a number (0x for hex)");
	expect_error(&pg, "cr3 1\n0xfffffffffffffff8: 1 2\n", "img:2: word 2 lies beyond the end of the address space");
	char nul[] = "cr3 1\n0x0: 1\0\n";
	mmu_physmem_t *pm;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	FILE *f = fmemopen(nul, sizeof nul - 1, "r");
	mmu_memimage_info_t info;
	cr_assert_eq(mmu_memimage_parse(f, "img", &pg, pm, &info, msg, sizeof msg), MMU_EFORMAT);
	cr_assert_str_eq(msg, "img:2: NUL byte: not a text memory image");
	fclose(f);
	mmu_physmem_destroy(pm);
}

/* OSTEP's linear table: 4 entries of 4 bytes, valid bit 31, frame number in bits 3..0, 4 KiB pages. */
Test(mmu_memimage, ostep_linear_walks)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	cr_assert_eq(mmu_cfg_load_file(&cfg, MMU_SOURCE_DIR "/docs/lecture/ostep-linear.ini", msg, sizeof msg), 0, "%s",
	             msg);
	mmu_t *m;
	cr_assert_eq(mmu_create(&cfg, &m, msg, sizeof msg), 0, "%s", msg);
	mmu_physmem_t *pm;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	mmu_memimage_info_t info;
	cr_assert_eq(mmu_memimage_read(MMU_SOURCE_DIR "/docs/lecture/ostep-linear.txt", mmu_paging(m), pm, &info, msg,
	                               sizeof msg),
	             0, "%s", msg);
	cr_assert_eq(info.cr3, 0xf000);
	mmu_mem_t *mem;
	cr_assert_eq(mmu_mem_create(&cfg.mem, 1, pm, &mem), 0);
	mmu_fast_cr3_write(m, info.cr3);
	mmu_result_t r;
	/* VPN 3 -> entry 0x80000006: frame 6 */
	mmu_translate(m, mem, MMU_REQ_D, 0x3229, MMU_OP_LOAD, true, &r);
	cr_assert(!r.fault);
	cr_assert_eq(r.paddr, 0x6229);
	/* VPN 0 -> entry 0x8000000c: frame 12 */
	mmu_translate(m, mem, MMU_REQ_D, 0x0abc, MMU_OP_STORE, true, &r);
	cr_assert(!r.fault);
	cr_assert_eq(r.paddr, 0xcabc);
	/* VPN 1 -> entry 0: invalid */
	mmu_translate(m, mem, MMU_REQ_D, 0x1369, MMU_OP_LOAD, true, &r);
	cr_assert(r.fault);
	cr_assert_eq(r.cause, MMU_CAUSE_NOT_PRESENT);
	mmu_destroy(m);
	mmu_mem_destroy(mem);
	mmu_physmem_destroy(pm);
}
