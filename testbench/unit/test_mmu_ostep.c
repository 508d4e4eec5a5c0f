/*
 * The OSTEP homework dump loader: both printouts of the page lines, every malformed line, loading into physical
 * memory, the config check, and translations by the model on the "ostep" preset checked against answers derived by
 * hand (and against answers the homework itself documents for its seed 0).
 */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_ostep.h"
#include "mmu/mmu_sim.h"

static mmu_ostep_dump_t dump;
static char msg[512];
static char path[64];

static void write_temp(const char *text)
{
	strcpy(path, "/tmp/mmu_ostep_XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int parse_text(const char *text)
{
	write_temp(text);
	int err = mmu_ostep_read(path, &dump, msg, sizeof msg);
	unlink(path);
	return err;
}

/* Expects text to be rejected with "FILE:LINE: what". */
static void expect_error(const char *text, int line, const char *what)
{
	cr_assert_eq(parse_text(text), MMU_EFORMAT, "accepted: %s", text);
	char want[600];
	snprintf(want, sizeof want, "%s:%d: %s", path, line, what);
	cr_assert_str_eq(msg, want);
}

#define ZERO_PAGE "0000000000000000000000000000000000000000000000000000000000000000"

/* A page line with byte values given as (index, value) pairs, the rest zero; spaced like the Python 2 printout. */
static void page_line(char *out, size_t n, unsigned page, const unsigned (*bytes)[2], size_t k, bool spaced)
{
	unsigned v[MMU_OSTEP_PAGE_BYTES] = {0};
	for (size_t i = 0; i < k; i++)
		v[bytes[i][0]] = bytes[i][1];
	int used = snprintf(out, n, "page %3u:", page);
	for (unsigned i = 0; i < MMU_OSTEP_PAGE_BYTES; i++)
		used += snprintf(out + used, n - (size_t)used, spaced ? " %02x" : "%02x", v[i]);
	snprintf(out + used, n - (size_t)used, "\n");
}

Test(mmu_ostep, reads_pages_with_and_without_spaces_and_the_pdbr)
{
	char a[256], b[256], all[1024];
	const unsigned bytes0[][2] = {{0, 0x08}, {1, 0x00}, {2, 0x01}, {31, 0xff}};
	const unsigned bytes5[][2] = {{3, 0xab}};
	page_line(a, sizeof a, 0, bytes0, 4, false);
	page_line(b, sizeof b, 5, bytes5, 1, true);
	snprintf(all, sizeof all,
	         "ARG seed 0\n%s%s\nPDBR: 5  (decimal) [This means the page directory is held in this page]\n\n"
	         "Virtual Address 611c: Translates To What Physical Address (And Fetches what Value)? Or Fault?\n",
	         a, b);
	cr_assert_eq(parse_text(all), 0, "%s", msg);
	cr_assert_eq(dump.pages, 2);
	cr_assert_eq(dump.pdbr, 5);
	cr_assert(dump.listed[0] && dump.listed[5] && !dump.listed[1]);
	cr_assert_eq(dump.mem[0], 0x08);
	cr_assert_eq(dump.mem[2], 0x01);
	cr_assert_eq(dump.mem[31], 0xff);
	cr_assert_eq(dump.mem[5 * 32 + 3], 0xab);
	cr_assert_eq(dump.mem[5 * 32 + 4], 0x00);
}

Test(mmu_ostep, upper_case_hex_and_crlf_are_accepted)
{
	cr_assert_eq(parse_text("page 1: " ZERO_PAGE "\r\nPDBR: 1\r\n"), 0, "%s", msg);
	cr_assert_eq(parse_text("page 2: FF" ZERO_PAGE "\nPDBR: 2\n"), MMU_EFORMAT, "66 digits");
	char line[128];
	snprintf(line, sizeof line, "page 2: AB%.62s\nPDBR: 2\n", ZERO_PAGE);
	cr_assert_eq(parse_text(line), 0, "%s", msg);
	cr_assert_eq(dump.mem[2 * 32], 0xab);
}

Test(mmu_ostep, other_lines_starting_with_page_are_text)
{
	cr_assert_eq(parse_text("page size: 32B\npages: 128\npage 0: " ZERO_PAGE "\nPDBR: 0\n"), 0, "%s", msg);
	cr_assert_eq(dump.pages, 1);
}

Test(mmu_ostep, a_bad_hex_digit_names_file_line_and_page)
{
	expect_error("ARG seed 1\npage 0: " ZERO_PAGE "\npage 1: 0g" ZERO_PAGE "\nPDBR: 0\n", 3,
	             "page 1: 'g' is not a hex digit");
}

/* A NUL byte after a full page once ended the line silently; whatever followed it was ignored. */
Test(mmu_ostep, a_nul_byte_is_an_error)
{
	static const char text[] = "page 0: " ZERO_PAGE "\0ff\nPDBR: 0\n";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	cr_assert(f);
	cr_assert_eq(mmu_ostep_parse(f, "d.txt", &dump, msg, sizeof msg), MMU_EFORMAT);
	fclose(f);
	cr_assert_str_eq(msg, "d.txt:1: NUL byte (binary data?)");
}

Test(mmu_ostep, a_short_page_is_an_error)
{
	expect_error("page 7: 0011\nPDBR: 0\n", 1, "page 7: expected 32 bytes (64 hex digits), found 4 digits");
}

Test(mmu_ostep, page_numbers_beyond_127_are_errors)
{
	expect_error("page 128: " ZERO_PAGE "\n", 1, "page number is not in 0..127");
	expect_error("page 99999999999999999999: " ZERO_PAGE "\n", 1, "page number is not in 0..127");
}

Test(mmu_ostep, a_page_listed_twice_is_an_error)
{
	expect_error("page 3: " ZERO_PAGE "\npage 3: " ZERO_PAGE "\n", 2, "page 3 is listed twice");
}

Test(mmu_ostep, a_missing_colon_is_an_error)
{
	expect_error("page 3 " ZERO_PAGE "\n", 1, "page 3: expected ':' after the page number");
}

Test(mmu_ostep, pdbr_errors)
{
	expect_error("page 0: " ZERO_PAGE "\nPDBR: x\n", 2, "PDBR: expected a decimal page number");
	expect_error("page 0: " ZERO_PAGE "\nPDBR 5\n", 2, "PDBR: expected ':' after PDBR");
	expect_error("page 0: " ZERO_PAGE "\nPDBR: 200\n", 2, "PDBR: page number is not in 0..127");
	expect_error("PDBR: 1\npage 0: " ZERO_PAGE "\nPDBR: 1\n", 3, "PDBR given a second time (first on line 1)");
}

Test(mmu_ostep, a_dump_needs_pages_and_a_pdbr)
{
	cr_assert_eq(parse_text("page 0: " ZERO_PAGE "\n"), MMU_EFORMAT);
	char want[256];
	snprintf(want, sizeof want, "%s: no 'PDBR: N' line (the page that holds the page directory)", path);
	cr_assert_str_eq(msg, want);
	cr_assert_eq(parse_text("PDBR: 3\nhello\n"), MMU_EFORMAT);
	snprintf(want, sizeof want, "%s: no 'page N:' lines: not a memory dump of the OSTEP homework", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_ostep, a_missing_file_names_the_file)
{
	cr_assert_eq(mmu_ostep_read("/nonexistent/dump.txt", &dump, msg, sizeof msg), MMU_EIO);
	cr_assert_str_eq(msg, "/nonexistent/dump.txt: No such file or directory");
}

Test(mmu_ostep, the_config_must_have_the_homework_geometry)
{
	mmu_cfg_t cfg;
	cr_assert_eq(mmu_cfg_preset(&cfg, "ostep", msg, sizeof msg), 0);
	cr_assert_eq(mmu_ostep_check_config(&cfg, msg, sizeof msg), 0, "%s", msg);
	cfg.paging.page_bits = 6;
	cr_assert_eq(mmu_ostep_check_config(&cfg, msg, sizeof msg), MMU_EINVAL);
	cr_assert_str_eq(msg, "an OSTEP dump needs paging.page_bits = 5, not 6 (use --preset ostep)");
	mmu_cfg_default(&cfg);
	cr_assert_eq(mmu_ostep_check_config(&cfg, msg, sizeof msg), MMU_EINVAL);
	cr_assert_str_eq(msg, "an OSTEP dump needs paging.mode = textbook (use --preset ostep)");
}

Test(mmu_ostep, load_writes_the_listed_pages_and_gives_cr3)
{
	memset(&dump, 0, sizeof dump);
	dump.listed[2] = dump.listed[127] = true;
	dump.pages = 2;
	dump.pdbr = 108;
	dump.mem[2 * 32 + 0] = 0x11;
	dump.mem[2 * 32 + 31] = 0x22;
	dump.mem[127 * 32 + 5] = 0x33;
	dump.mem[40 * 32] = 0x44; /* not listed: not written */
	mmu_physmem_t *pm;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	uint64_t cr3 = 0;
	cr_assert_eq(mmu_ostep_load(&dump, pm, &cr3), 0);
	cr_assert_eq(cr3, 108 * 32, "CR3 = PDBR x 32 = 3456");
	cr_assert_eq(mmu_physmem_read(pm, 0x40, 1), 0x11);
	cr_assert_eq(mmu_physmem_read(pm, 0x5f, 1), 0x22);
	cr_assert_eq(mmu_physmem_read(pm, 127 * 32 + 5, 1), 0x33); /* 0xfe5, the last page */
	cr_assert_eq(mmu_physmem_read(pm, 40 * 32, 1), 0);
	mmu_physmem_destroy(pm);
}

/* ---- translations on the model ---- */

typedef struct fact {
	unsigned page, offset, value;
} fact_t;

/* A dump with the given bytes set and every other byte zero (an invalid entry), pages 0..127 listed. */
static void write_dump(const fact_t *facts, size_t n, unsigned pdbr)
{
	static char text[128 * 80 + 128];
	size_t used = 0;
	for (unsigned page = 0; page < MMU_OSTEP_PAGES; page++) {
		unsigned v[MMU_OSTEP_PAGE_BYTES] = {0};
		for (size_t i = 0; i < n; i++)
			if (facts[i].page == page)
				v[facts[i].offset] = facts[i].value;
		used += (size_t)snprintf(text + used, sizeof text - used, "page %3u:", page);
		for (unsigned i = 0; i < MMU_OSTEP_PAGE_BYTES; i++)
			used += (size_t)snprintf(text + used, sizeof text - used, "%02x", v[i]);
		text[used++] = '\n';
	}
	snprintf(text + used, sizeof text - used, "\nPDBR: %u  (decimal) [page directory]\n", pdbr);
	cr_assert_eq(parse_text(text), 0, "%s", msg);
}

static mmu_sim_t *ostep_system(mmu_engine_t engine)
{
	mmu_cfg_t cfg;
	mmu_sim_t *s;
	cr_assert_eq(mmu_cfg_preset(&cfg, "ostep", msg, sizeof msg), 0);
	cr_assert_eq(mmu_sim_create(&cfg, engine, &s, msg, sizeof msg), 0, "%s", msg);
	uint64_t cr3;
	cr_assert_eq(mmu_ostep_load(&dump, mmu_sim_physmem(s), &cr3), 0);
	mmu_sim_cr3_write(s, cr3);
	return s;
}

static void translate(mmu_sim_t *s, uint64_t va, mmu_result_t *r)
{
	mmu_sim_translate(s, MMU_REQ_D, va, MMU_OP_LOAD, true, r);
}

/*
 * Hand-made: PDBR 3, so the directory is at 3 x 32 = 0x60.
 *   0x611c = 11000 01000 11100: PD[24] at 0x60 + 24 = 0x78 holds 0x85 = 1 0000101: valid, PT in page 5 (0xa0);
 *   PT[8] at 0xa0 + 8 = 0xa8 holds 0x8a: valid, page 10 (0x140); PA = 0x140 + 28 = 0x15c, where 0x5a is stored.
 *   0x6120 = 11000 01001 00000: PD[24] as above, PT[9] at 0xa9 holds 0x7f: invalid (bit 7 clear).
 *   0x3da8 = 01111 01101 01000: PD[15] at 0x6f holds 0: invalid.
 * Latency: L1 miss (1 cycle), no L2, each access mem.latency + 1 = 11 cycles.
 */
static const fact_t hand[] = {
    {3, 24, 0x85},
    {5, 8, 0x8a},
    {5, 9, 0x7f},
    {10, 28, 0x5a},
};

static void check_hand_made(mmu_engine_t engine)
{
	write_dump(hand, 4, 3);
	mmu_sim_t *s = ostep_system(engine);
	mmu_result_t r;
	translate(s, 0x611c, &r);
	cr_assert(!r.fault);
	cr_assert_eq(r.paddr, 0x15c);
	cr_assert_eq(r.latency, 1 + 2 * 11);
	cr_assert_eq(mmu_physmem_read(mmu_sim_physmem(s), r.paddr, 1), 0x5a);
	translate(s, 0x6100, &r); /* same page: L1 hit */
	cr_assert_eq(r.paddr, 0x140);
	cr_assert_eq(r.latency, 1);
	translate(s, 0x6120, &r);
	cr_assert(r.fault);
	cr_assert_eq(r.cause, MMU_CAUSE_NOT_PRESENT);
	cr_assert_eq(r.latency, 1 + 2 * 11, "the PTE was read: two accesses");
	translate(s, 0x3da8, &r);
	cr_assert(r.fault);
	cr_assert_eq(r.latency, 1 + 11, "the PDE was invalid: one access");
	mmu_sim_destroy(s);
}

Test(mmu_ostep, hand_made_dump_fast_engine)
{
	check_hand_made(MMU_ENGINE_FAST);
}

Test(mmu_ostep, hand_made_dump_ticked_engine)
{
	check_hand_made(MMU_ENGINE_TICKED);
}

/*
 * The homework's own documented answers for its seed 0 (facts of its printout: PDBR 108 and the bytes the three
 * translations read; every other byte is left zero here):
 *   0x611c -> PDE byte 24 of page 108 = 0xa1 -> page 33, PTE byte 8 = 0xb5 -> page 53 -> PA 0x6bc, value 0x08
 *   0x3da8 -> PDE byte 15 of page 108 = 0xd6 -> page 86, PTE byte 13 = 0x7f -> fault (PTE not valid)
 *   0x17f5 -> PDE byte 5 of page 108 = 0xd4 -> page 84, PTE byte 31 = 0xce -> page 78 -> PA 0x9d5, value 0x1c
 */
Test(mmu_ostep, agrees_with_the_homeworks_documented_answers)
{
	const fact_t seed0[] = {
	    {108, 24, 0xa1}, {33, 8, 0xb5},  {53, 28, 0x08}, {108, 15, 0xd6},
	    {86, 13, 0x7f},  {108, 5, 0xd4}, {84, 31, 0xce}, {78, 21, 0x1c},
	};
	write_dump(seed0, sizeof seed0 / sizeof seed0[0], 108);
	mmu_sim_t *s = ostep_system(MMU_ENGINE_FAST);
	mmu_result_t r;
	translate(s, 0x611c, &r);
	cr_assert(!r.fault);
	cr_assert_eq(r.paddr, 0x6bc);
	cr_assert_eq(mmu_physmem_read(mmu_sim_physmem(s), r.paddr, 1), 0x08);
	translate(s, 0x3da8, &r);
	cr_assert(r.fault);
	cr_assert_eq(r.cause, MMU_CAUSE_NOT_PRESENT);
	translate(s, 0x17f5, &r);
	cr_assert(!r.fault);
	cr_assert_eq(r.paddr, 0x9d5);
	cr_assert_eq(mmu_physmem_read(mmu_sim_physmem(s), r.paddr, 1), 0x1c);
	mmu_sim_destroy(s);
}
