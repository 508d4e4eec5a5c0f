/*
 * mmusim explain as a student meets it: translations on the OSTEP system from a hand-made dump, the x86-64 and 32-bit
 * walks with the OS's page tables, TLB hits, L2 hits and dirty re-walks from a trace, a demand fault and its retry,
 * every error path; and the worked examples of docs/lecture.md, run again and compared byte for byte.
 *
 * Expected values are derived by hand in the comments. The OS model hands out frames in increasing order (from
 * 0x100000 on x86, from frame 1 in the textbook mode): the root table first, then each table and the page as a
 * mapping needs them, all entries created with A = D = 0 (model/include/mmu/mmu_os.h).
 */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static cli_run_t r;

/* Runs `mmusim ARGS` in the source directory, stdout and stderr captured apart. */
static void mmusim(const char *args)
{
	cli_run(&r, MMU_SOURCE_DIR, MMU_MMUSIM, args);
}

static char tmp_path[64];

static const char *write_temp(const char *text)
{
	return cli_temp_file(tmp_path, text);
}

static cJSON *json_run(const char *args)
{
	char full[4096];
	snprintf(full, sizeof full, "explain --json %s", args);
	mmusim(full);
	cr_assert_eq(r.status, 0, "mmusim %s: %s", full, r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j, "not JSON: %s", r.out);
	return j;
}

static cJSON *item(const cJSON *j, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(v, "no '%s' in %s", name, cJSON_PrintUnformatted(j));
	return v;
}

static double num(const cJSON *j, const char *name)
{
	cJSON *v = item(j, name);
	cr_assert(cJSON_IsNumber(v), "'%s' is not a number", name);
	return v->valuedouble;
}

static const char *str(const cJSON *j, const char *name)
{
	cJSON *v = item(j, name);
	cr_assert(cJSON_IsString(v), "'%s' is not a string", name);
	return v->valuestring;
}

static bool flag(const cJSON *j, const char *name)
{
	cJSON *v = item(j, name);
	cr_assert(cJSON_IsBool(v), "'%s' is not a boolean", name);
	return cJSON_IsTrue(v);
}

static const cJSON *at(const cJSON *arr, int i)
{
	const cJSON *v = cJSON_GetArrayItem(arr, i);
	cr_assert(v, "no element %d", i);
	return v;
}

/* ---- the OSTEP system ---- */

/*
 * Hand-made dump, every byte zero (an invalid entry) except:
 *   page 3 (the directory, PDBR 3, at 0x60): byte 24 = 0x85 = 1 0000101 -> valid, page table in page 5
 *   page 5 (0xa0): byte 8 = 0x8a -> valid, page 10; byte 9 = 0x7f -> invalid (bit 7 clear)
 *   page 10 (0x140): byte 28 = 0x5a
 * Only these four pages are listed (the rest read as zeros).
 */
static const char *ostep_dump(void)
{
	static char text[1024];
	char pages[4][80];
	const unsigned page[] = {3, 5, 10, 11};
	const unsigned at_byte[][2] = {{24, 0x85}, {8, 0x8a}, {28, 0x5a}, {0, 0}};
	for (int p = 0; p < 4; p++) {
		int n = snprintf(pages[p], sizeof pages[p], "page %3u:", page[p]);
		for (unsigned i = 0; i < 32; i++) {
			unsigned v = i == at_byte[p][0] ? at_byte[p][1] : 0;
			if (p == 1 && i == 9)
				v = 0x7f;
			n += snprintf(pages[p] + n, sizeof pages[p] - (size_t)n, "%02x", v);
		}
	}
	snprintf(text, sizeof text, "ARG seed 0\n%s\n%s\n%s\n%s\n\nPDBR: 3  (decimal) [directory]\n", pages[0],
	         pages[1], pages[2], pages[3]);
	return write_temp(text);
}

static cJSON *ostep(const char *addr)
{
	char args[512];
	snprintf(args, sizeof args, "--preset ostep --ostep-dump %s --addr %s", ostep_dump(), addr);
	cJSON *j = json_run(args);
	unlink(tmp_path);
	return j;
}

/*
 * 0x611c = 11000 01000 11100: PD index 24 -> entry at 0x60 + 24 = 0x78 = 0x85 -> table at 5 x 32 = 0xa0;
 * PT index 8 -> entry at 0xa8 = 0x8a -> page 10 at 0x140; PA = 0x140 + 28 = 0x15c (348), holding 0x5a (90).
 * Cycles: L1 miss 1, no L2, two accesses of mem.latency + 1 = 11: 23.
 */
Test(mmusim_explain, ostep_translation_matches_the_hand_derivation)
{
	cJSON *j = ostep("0x611c");
	cr_assert(!flag(j, "fault"));
	cr_assert_eq(num(j, "paddr"), 0x15c);
	cr_assert_str_eq(str(j, "paddr_hex"), "0x15c");
	cr_assert_eq(num(j, "value"), 0x5a);
	cr_assert_eq(num(j, "fault_level"), 0);
	cr_assert_eq(num(j, "cycles"), 23);
	cr_assert_eq(num(j, "offset"), 28);
	cr_assert_eq(num(j, "vpn"), 0x308);
	const cJSON *fields = item(j, "fields");
	cr_assert_str_eq(str(at(fields, 0), "name"), "PD");
	cr_assert_eq(num(at(fields, 0), "index"), 24);
	cr_assert_str_eq(str(at(fields, 1), "name"), "PT");
	cr_assert_eq(num(at(fields, 1), "index"), 8);
	const cJSON *steps = item(at(item(j, "attempts"), 0), "steps");
	cr_assert_eq(cJSON_GetArraySize(steps), 2);
	cr_assert_eq(num(at(steps, 0), "address"), 0x78);
	cr_assert_eq(num(at(steps, 0), "value"), 0x85);
	cr_assert_eq(num(at(steps, 0), "first_cycle"), 1);
	cr_assert_eq(num(at(steps, 0), "last_cycle"), 11);
	cr_assert_eq(num(at(steps, 1), "table"), 0xa0);
	cr_assert_eq(num(at(steps, 1), "address"), 0xa8);
	cr_assert_eq(num(at(steps, 1), "value"), 0x8a);
	cr_assert_eq(num(at(steps, 1), "first_cycle"), 12);
	cr_assert_eq(num(at(steps, 1), "last_cycle"), 22);
	cJSON_Delete(j);
}

/* 0x3da8 = 01111 01101 01000: PD index 15 -> entry at 0x6f = 0 -> invalid: one access, 1 + 11 cycles. */
Test(mmusim_explain, ostep_invalid_directory_entry_is_fault_level_1)
{
	cJSON *j = ostep("0x3da8");
	cr_assert(flag(j, "fault"));
	cr_assert_eq(num(j, "fault_level"), 1);
	cr_assert_str_eq(str(j, "cause"), "not present");
	cr_assert(cJSON_IsNull(item(j, "paddr")));
	cr_assert(cJSON_IsNull(item(j, "value")));
	cr_assert_eq(num(j, "cycles"), 12);
	cJSON_Delete(j);
}

/* 0x6120 = 11000 01001 00000: PD[24] valid as above, PT[9] at 0xa9 = 0x7f -> invalid: two accesses. */
Test(mmusim_explain, ostep_invalid_table_entry_is_fault_level_2)
{
	cJSON *j = ostep("0x6120");
	cr_assert(flag(j, "fault"));
	cr_assert_eq(num(j, "fault_level"), 2);
	cr_assert_eq(num(j, "cycles"), 23);
	const cJSON *steps = item(at(item(j, "attempts"), 0), "steps");
	cr_assert_eq(num(at(steps, 1), "value"), 0x7f);
	cJSON_Delete(j);
}

Test(mmusim_explain, ostep_text_shows_the_split_in_binary_and_each_entry_decoded)
{
	char args[512];
	snprintf(args, sizeof args, "explain --preset ostep --ostep-dump %s --addr 0x611c", ostep_dump());
	mmusim(args);
	unlink(tmp_path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "  binary  11000   01000  11100\n"), "%s", r.out);
	cr_assert(strstr(r.out, "  value   24      8      0x1c\n"), "%s", r.out);
	cr_assert(strstr(r.out, "0x85 (1 0000101)  V1 pfn 0x5 (5) -> table 0xa0\n"), "%s", r.out);
	cr_assert(strstr(r.out, "0x8a (1 0001010)  V1 pfn 0xa (10) -> 32 B page 0x140\n"), "%s", r.out);
	cr_assert(strstr(r.out, "result: paddr 0x15c = page 0x140 + offset 0x1c (answered by the page walk); memory "
	                        "holds 0x5a there\n"),
	          "%s", r.out);
	cr_assert(strstr(r.out, "cycles: 23 = L1 lookup 1 + walk 22 (2 accesses x 11 = mem.latency + 1)\n"), "%s",
	          r.out);
	cr_assert(strstr(r.out, "(4 of 128 pages listed), PDBR 3 -> CR3 = 3 x 32 = 0x60"), "%s", r.out);
}

/* --set applies after the preset: mem.latency 3 makes each access 4 cycles, 1 + 2 x 4 = 9. */
Test(mmusim_explain, set_applies_after_the_preset)
{
	char args[512];
	snprintf(args, sizeof args, "--preset ostep --set mem.latency=3 --ostep-dump %s --addr 0x611c", ostep_dump());
	cJSON *j = json_run(args);
	unlink(tmp_path);
	cr_assert_eq(num(j, "cycles"), 9);
	cr_assert_eq(num(j, "paddr"), 0x15c);
	cJSON_Delete(j);
}

Test(mmusim_explain, ostep_dump_needs_the_ostep_geometry)
{
	char args[512];
	snprintf(args, sizeof args, "explain --ostep-dump %s --addr 0x611c", ostep_dump());
	mmusim(args);
	unlink(tmp_path);
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.err, "mmusim: an OSTEP dump needs paging.mode = textbook (use --preset ostep)\n");
}

Test(mmusim_explain, malformed_dump_names_file_and_line)
{
	const char *p = write_temp("ARG seed 0\npage 1: 0z00\nPDBR: 1\n");
	char args[512], want[256];
	snprintf(args, sizeof args, "explain --preset ostep --ostep-dump %s --addr 0x0", p);
	mmusim(args);
	unlink(p);
	cr_assert_eq(r.status, 2);
	snprintf(want, sizeof want, "mmusim: %s:2: page 1: 'z' is not a hex digit\n", p);
	cr_assert_str_eq(r.err, want);
}

/* ---- x86-64 and 32-bit, page tables by the OS ---- */

/*
 * teaching: H1 1, H2 4, mem.latency 20 (21 cycles per access). 0x7f001234: PML4 0, PDPT 1, PD 504, PT 1. The OS
 * builds root 0x100000, PDPT 0x101000, PD 0x102000, PT 0x103000, page 0x104000, every entry with A = 0: the walk
 * reads and writes back A at each of the 4 levels (8 accesses). 1 + 4 + 8 x 21 = 173; PA 0x104234.
 */
Test(mmusim_explain, x86_64_cold_walk_sets_accessed_bits)
{
	cJSON *j = json_run("--preset teaching --addr 0x7f001234");
	cr_assert(!flag(j, "fault"));
	cr_assert_eq(num(j, "paddr"), 0x104234);
	cr_assert_eq(num(j, "cycles"), 173);
	cr_assert_str_eq(str(j, "answered_by"), "walk");
	const cJSON *a = at(item(j, "attempts"), 0), *steps = item(a, "steps"), *tlb = item(a, "tlb");
	cr_assert_eq(cJSON_GetArraySize(steps), 8);
	const unsigned addr[] = {0x100000, 0x101008, 0x102fc0, 0x103008}; /* table + 8 x index */
	for (int i = 0; i < 8; i++) {
		cr_assert_str_eq(str(at(steps, i), "op"), i % 2 ? "write" : "read");
		cr_assert_eq(num(at(steps, i), "address"), addr[i / 2]);
		cr_assert_eq(num(at(steps, i), "first_cycle"), 5 + 21 * i);
	}
	cr_assert_eq(num(at(steps, 0), "value"), 0x101007, "P W U, table 0x101000, A clear");
	cr_assert_eq(num(at(steps, 1), "value"), 0x101027, "A (bit 5) written back");
	cr_assert_str_eq(str(at(tlb, 0), "tlb"), "l1d");
	cr_assert_str_eq(str(at(tlb, 0), "result"), "miss");
	cr_assert(flag(at(tlb, 0), "filled"));
	/* VPN 0x7f001: L1 DTLB 4 sets -> set 1, tag 0x1fc00; L2 8 sets -> set 1, tag 0xfe00 */
	cr_assert_eq(num(at(tlb, 0), "set"), 1);
	cr_assert_eq(num(at(tlb, 0), "tag"), 0x1fc00);
	cr_assert_str_eq(str(at(tlb, 1), "tlb"), "l2");
	cr_assert_eq(num(at(tlb, 1), "set"), 1);
	cr_assert_eq(num(at(tlb, 1), "tag"), 0xfe00);
	cJSON_Delete(j);
}

Test(mmusim_explain, warm_access_hits_the_l1_tlb)
{
	cJSON *j = json_run("--preset teaching --addr 0x7f001234 --warm");
	cr_assert_eq(num(j, "cycles"), 1);
	cr_assert_str_eq(str(j, "answered_by"), "l1");
	const cJSON *a = at(item(j, "attempts"), 0);
	cr_assert_eq(cJSON_GetArraySize(item(a, "steps")), 0);
	cr_assert_str_eq(str(at(item(a, "tlb"), 0), "result"), "hit");
	cr_assert_str_eq(str(at(item(a, "tlb"), 1), "result"), "none", "no L2 lookup after an L1 hit");
	cJSON_Delete(j);
}

/*
 * --demand: the page is not mapped. First attempt: the PML4 entry (root 0x100000, empty) is read, not present:
 * 1 + 4 + 21 = 26 cycles, fault level 1, error code W | U = 6. The OS maps the page (500 cycles). Retry: 4 reads and
 * 4 write-backs, the last one setting A and D of the leaf (a store): 173. Total 26 + 500 + 173 = 699.
 */
Test(mmusim_explain, demand_fault_then_retry)
{
	cJSON *j = json_run("--preset teaching --addr 0x7ffd12345678 --op store --demand");
	const cJSON *att = item(j, "attempts");
	cr_assert_eq(cJSON_GetArraySize(att), 2);
	const cJSON *a0 = at(att, 0), *a1 = at(att, 1);
	cr_assert(flag(a0, "fault"));
	cr_assert_eq(num(a0, "fault_level"), 1);
	cr_assert_eq(num(a0, "error_code"), 6);
	cr_assert_eq(num(a0, "cycles"), 26);
	cr_assert_eq(num(at(item(a0, "steps"), 0), "address"), 0x100000 + 8 * 255, "PML4 index 255");
	cr_assert(!flag(a1, "fault"));
	cr_assert_eq(num(a1, "cycles"), 173);
	const cJSON *last = at(item(a1, "steps"), 7);
	cr_assert_eq(num(last, "value"), 0x104067, "P W U + A (bit 5) + D (bit 6)");
	cr_assert_eq(num(j, "os_fault_cycles"), 500);
	cr_assert_eq(num(j, "cycles"), 699);
	cr_assert(!flag(j, "fault"));
	cr_assert_eq(num(j, "paddr"), 0x104678);
	cJSON_Delete(j);
}

/*
 * textbook32: 0x0804a01c -> PD index 0x0804a01c >> 22 = 32, PT index (>> 12) & 0x3ff = 0x4a = 74, offset 0x1c.
 * Root 0x100000, page table 0x101000, page 0x102000; A written back at both levels: 4 accesses of 101 cycles,
 * no L2: 1 + 404 = 405. PDE at 0x100000 + 4 x 32 = 0x100080, PTE at 0x101000 + 4 x 74 = 0x101128.
 */
Test(mmusim_explain, x86_32_two_level_walk)
{
	cJSON *j = json_run("--preset textbook32 --addr 0x0804a01c");
	cr_assert_eq(num(j, "paddr"), 0x10201c);
	cr_assert_eq(num(j, "cycles"), 405);
	cr_assert_eq(num(at(item(j, "fields"), 0), "index"), 32);
	cr_assert_eq(num(at(item(j, "fields"), 1), "index"), 74);
	const cJSON *steps = item(at(item(j, "attempts"), 0), "steps");
	cr_assert_eq(cJSON_GetArraySize(steps), 4);
	cr_assert_eq(num(at(steps, 0), "address"), 0x100080);
	cr_assert_eq(num(at(steps, 2), "address"), 0x101128);
	cr_assert_eq(num(at(steps, 2), "value"), 0x102007);
	cJSON_Delete(j);
}

Test(mmusim_explain, fetch_goes_to_the_instruction_tlb)
{
	cJSON *j = json_run("--preset teaching --addr 0x401000 --op fetch");
	const cJSON *tlb = item(at(item(j, "attempts"), 0), "tlb");
	cr_assert_str_eq(str(at(tlb, 0), "tlb"), "l1i");
	cr_assert_str_eq(str(j, "op"), "fetch");
	cJSON_Delete(j);
}

/* T7: a non-canonical address is answered after H1 without a lookup or a walk. */
Test(mmusim_explain, non_canonical_address_is_answered_without_lookup)
{
	cJSON *j = json_run("--preset teaching --addr 0x800000000000");
	cr_assert(flag(j, "fault"));
	cr_assert_str_eq(str(j, "cause"), "non-canonical");
	cr_assert_str_eq(str(j, "answered_by"), "none");
	cr_assert_eq(num(j, "cycles"), 1);
	cJSON_Delete(j);
}

/* ---- from a trace ---- */

#define TRACE5 "R 400000\nR 404000\nR 408000\nR 400010\nW 400020\n"

/*
 * teaching L1 DTLB: 4 sets x 2 ways, LRU. Pages 0x400, 0x404, 0x408 (VPNs) all map to set 0: the third evicts 0x400
 * from L1; the L2 TLB (8 sets x 4 ways: sets 0, 4, 0) keeps it. Record 4 (page 0x400): L1 miss, L2 hit: 1 + 4 = 5.
 */
Test(mmusim_explain, trace_record_hits_the_l2_tlb)
{
	const char *p = write_temp(TRACE5);
	char args[256];
	snprintf(args, sizeof args, "--preset teaching --trace %s --at 4", p);
	cJSON *j = json_run(args);
	unlink(p);
	cr_assert_str_eq(str(j, "answered_by"), "l2");
	cr_assert_eq(num(j, "cycles"), 5);
	cr_assert_eq(num(j, "vaddr"), 0x400010);
	cJSON_Delete(j);
}

/*
 * Record 5 stores to page 0x400, in L1 since record 4 but clean (D = 0): a dirty re-walk (T9) from the miss cycle 1,
 * 4 reads (A already set everywhere) and one write of D: 1 + 5 x 21 = 106.
 */
Test(mmusim_explain, trace_store_to_a_clean_entry_rewalks)
{
	const char *p = write_temp(TRACE5);
	char args[256];
	snprintf(args, sizeof args, "--preset teaching --trace %s --at 5", p);
	cJSON *j = json_run(args);
	unlink(p);
	cr_assert_str_eq(str(j, "op"), "store");
	cr_assert_eq(num(j, "cycles"), 106);
	const cJSON *a = at(item(j, "attempts"), 0), *steps = item(a, "steps");
	cr_assert_eq(cJSON_GetArraySize(steps), 5);
	cr_assert_str_eq(str(at(steps, 4), "op"), "write");
	cr_assert_str_eq(str(at(item(a, "tlb"), 0), "result"), "hit");
	cJSON_Delete(j);
}

Test(mmusim_explain, trace_shorter_than_at_is_an_error)
{
	const char *p = write_temp(TRACE5);
	char args[256], want[256];
	snprintf(args, sizeof args, "explain --trace %s --at 9", p);
	mmusim(args);
	unlink(p);
	cr_assert_eq(r.status, 2);
	snprintf(want, sizeof want, "mmusim: explain: %s has 5 records, fewer than --at 9\n", p);
	cr_assert_str_eq(r.err, want);
}

/* ---- usage errors ---- */

static void expect_usage_error(const char *args, const char *message)
{
	mmusim(args);
	cr_assert_eq(r.status, 2, "mmusim %s exited %d", args, r.status);
	cr_assert_str_eq(r.err, message);
	cr_assert_str_eq(r.out, "", "nothing on stdout after an error");
}

Test(mmusim_explain, usage_errors_are_clear)
{
	expect_usage_error("explain", "mmusim: explain: --addr VA is required (or --trace F --at N)\n");
	expect_usage_error("explain --addr 0x1000 --op jump",
	                   "mmusim: explain: --op 'jump' is not one of load, store, fetch\n");
	expect_usage_error("explain --addr 611c", "mmusim: explain: --addr '611c' is not a number (hex as 0x611c)\n");
	expect_usage_error("explain --addr 0x1 --at 3", "mmusim: explain: --at needs --trace\n");
	expect_usage_error("explain --addr 0x1 --warm --demand",
	                   "mmusim: explain: --warm and --demand exclude each other\n");
	expect_usage_error("explain --addr 0x1 --markdown",
	                   "mmusim: explain: unknown option '--markdown' (see mmusim explain --help)\n");
	expect_usage_error("explain --addr", "mmusim: explain: option --addr needs a value\n");
	expect_usage_error(
	    "explain --preset ostp --addr 0x1",
	    "mmusim: --preset: unknown preset 'ostp' (presets: ostep, textbook32, teaching, skylake, zen2)\n");
}

/* ---- docs/lecture.md ---- */

typedef struct example {
	char cmd[512];
	char *expected;
} example_t;

/*
 * The worked examples: a ```sh block whose line starts with "build/sim/mmusim " is a command; the next fenced block
 * (```text) is its output, exactly.
 */
static int read_examples(char *doc, example_t *ex, int max)
{
	int n = 0;
	char *p = doc;
	while (n < max && (p = strstr(p, "```sh\n"))) {
		p += 6;
		char *end = strstr(p, "```\n");
		cr_assert(end, "unterminated ```sh block");
		if (strncmp(p, "build/sim/mmusim ", 17)) {
			p = end + 4;
			continue;
		}
		char *nl = strchr(p, '\n');
		cr_assert(nl == end - 1, "one command per ```sh block: %.60s", p);
		snprintf(ex[n].cmd, sizeof ex[n].cmd, "%.*s", (int)(nl - p - 17), p + 17);
		char *out = strstr(end, "```text\n");
		cr_assert(out, "no ```text block after: %s", ex[n].cmd);
		out += 8;
		char *out_end = strstr(out, "\n```\n");
		cr_assert(out_end, "unterminated ```text block after: %s", ex[n].cmd);
		out_end[1] = '\0';
		ex[n++].expected = out;
		p = out_end + 5;
	}
	return n;
}

Test(mmusim_explain, lecture_examples_match_a_fresh_run, .timeout = 120)
{
	static char doc[1 << 17];
	char path[512];
	snprintf(path, sizeof path, "%s/docs/lecture.md", MMU_SOURCE_DIR);
	cli_slurp(path, doc, sizeof doc);
	static example_t ex[32];
	int n = read_examples(doc, ex, 32);
	cr_assert_geq(n, 3, "docs/lecture.md should hold at least three worked examples, found %d", n);
	bool seen_ostep = false, seen_32 = false, seen_fault = false;
	for (int i = 0; i < n; i++) {
		mmusim(ex[i].cmd);
		cr_assert_eq(r.status, 0, "mmusim %s: %s", ex[i].cmd, r.err);
		cr_assert_str_eq(r.out, ex[i].expected, "docs/lecture.md is out of date for: mmusim %s", ex[i].cmd);
		seen_ostep |= strstr(ex[i].cmd, "--preset ostep --ostep-dump") != NULL;
		seen_32 |= strstr(ex[i].cmd, "--preset textbook32") != NULL;
		seen_fault |= strstr(ex[i].expected, "page fault") && strstr(ex[i].expected, "paging  x86_64");
	}
	cr_assert(seen_ostep && seen_32 && seen_fault, "the three worked examples: OSTEP, 32-bit, x86-64 with a fault");
}

/* ---- the model-only walk caches (docs/timing.md W9-W12, M6-M8) ---- */

/*
 * skylake: record 1 walks from the root and fills the page-walk caches and the dcache; record 2 (the next page,
 * same page table) starts at the PT and finds its entry's line, shared with record 1's entry, in the dcache:
 * 1 (L1) + 9 (STLB) + 1 (page-walk caches) + 5 (read hit) + 5 (A write-back, hit) = 21 cycles.
 */
Test(mmusim_explain, a_page_walk_cache_hit_starts_the_walk_below_it)
{
	const char *t = write_temp("R 7ffd12345678\nR 7ffd12346678\n");
	char args[256];
	snprintf(args, sizeof args, "--preset skylake --trace %s --at 2 --set os.populate=1", t);
	cJSON *j = json_run(args);
	const cJSON *a = at(item(j, "attempts"), 0), *steps = item(a, "steps");
	cr_assert_eq(num(a, "pwc_level"), 2);
	cr_assert_eq(cJSON_GetArraySize(steps), 2);
	cr_assert_eq(num(at(steps, 0), "level"), 1);
	cr_assert_eq(num(at(steps, 0), "index"), 326); /* (0x7ffd12346678 >> 12) & 511 */
	cr_assert_str_eq(str(at(steps, 0), "dcache"), "hit");
	cr_assert_str_eq(str(at(steps, 1), "op"), "write");
	cr_assert_str_eq(str(at(steps, 1), "dcache"), "hit");
	cr_assert_eq(num(a, "cycles"), 21);
	cJSON_Delete(j);
	char text[300];
	snprintf(text, sizeof text, "explain %s", args);
	mmusim(text);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "the PD entry came from the level-2 page-walk cache, 3 reads skipped"), "%s", r.out);
	cr_assert(strstr(r.out, "+ page-walk caches 1 + walk 10 (2 accesses: 2 dcache hits x 5, 0 misses"), "%s",
	          r.out);
	unlink(t);
}

Test(mmusim_explain, without_walk_caches_the_output_has_no_trace_of_them)
{
	cJSON *j = json_run("--preset teaching --addr 0x7f001234");
	const cJSON *a = at(item(j, "attempts"), 0);
	cr_assert_null(cJSON_GetObjectItemCaseSensitive(a, "pwc_level"));
	cr_assert_null(cJSON_GetObjectItemCaseSensitive(at(item(a, "steps"), 0), "dcache"));
	cJSON_Delete(j);
}

/* ---- huge pages: the page size that served the translation splits the address ---- */

/* Whether the captured stdout holds this whole line. */
static bool has_line(const char *line)
{
	size_t n = strlen(line);
	for (const char *p = r.out; (p = strstr(p, line)); p++)
		if ((p == r.out || p[-1] == '\n') && (p[n] == '\n' || p[n] == '\0'))
			return true;
	return false;
}

static void expect_lines(const char *cmd, const char *const *lines, size_t n)
{
	mmusim(cmd);
	cr_assert_eq(r.status, 0, "mmusim %s: %s", cmd, r.err);
	for (size_t i = 0; i < n; i++)
		cr_assert(has_line(lines[i]), "mmusim %s: no line\n%s\nin\n%s", cmd, lines[i], r.out);
}

#define HUGE_2M "--preset teaching --addr 0x7ffd12345678 --set os.thp=always"

/*
 * teaching, os.thp=always, the OS maps the page before the request (a whole free 2 MiB region: a 2 MiB page).
 * 0x7ffd12345678 = 0111 1111 1111 1101 0001 0010 0011 0100 0101 0110 0111 1000:
 *   PML4 = va >> 39 = 0x7ffd12345678 >> 39 = 0xff = 255
 *   PDPT = (va >> 30) & 511 = 0x1fff4 & 0x1ff = 0x1f4 = 500
 *   PD   = (va >> 21) & 511 = 0x3ffe891 & 0x1ff = 0x091 = 145, and the PD entry is the leaf: no PT field
 *   offset = va & (2^21 - 1) = 0x345678 - 0x200000 = 0x145678 = 1332856 (21 bits, 20..0)
 *   VPN = va >> 21 = 0x3ffe891 (address bits 47..21)
 *   L1 DTLB 8 entries / 2 ways = 4 sets: set = 0x3ffe891 & 3 = 1, tag = 0x3ffe891 >> 2 = 0xfffa24
 *   L2 TLB 32 / 4 = 8 sets:              set = 0x3ffe891 & 7 = 1, tag = 0x3ffe891 >> 3 = 0x7ffd12
 * Frames in increasing order: root 0x100000, PDPT 0x101000, PD 0x102000, then the first 2 MiB-aligned frame,
 * 0x200000. PD entry at 0x102000 + 8 x 145 = 0x102488 = 0x200000 | PS (0x80) | U W P (7) = 0x200087, A written
 * back: 0x2000a7. Three reads and three A write-backs: 1 + 4 + 6 x 21 = 131 cycles. PA = 0x200000 + 0x145678.
 */
Test(mmusim_explain, two_mib_page_json_splits_at_bit_21)
{
	cJSON *j = json_run(HUGE_2M);
	const cJSON *fields = item(j, "fields");
	cr_assert_eq(cJSON_GetArraySize(fields), 3, "PML4, PDPT, PD: the walk stops at the PD");
	const char *names[] = {"PML4", "PDPT", "PD"};
	const unsigned index[] = {255, 500, 145};
	for (int i = 0; i < 3; i++) {
		cr_assert_str_eq(str(at(fields, i), "name"), names[i]);
		cr_assert_eq(num(at(fields, i), "index"), index[i]);
	}
	cr_assert_eq(num(j, "offset"), 1332856);
	cr_assert_eq(num(j, "vpn"), 0x3ffe891);
	cr_assert_eq(num(j, "page_level"), 2);
	cr_assert_eq(num(j, "page_size"), 2097152);
	cr_assert_str_eq(str(j, "leaf_table"), "PD");
	cr_assert_eq(num(j, "paddr"), 0x345678);
	cr_assert_eq(num(j, "cycles"), 131);
	const cJSON *a = at(item(j, "attempts"), 0), *tlb = item(a, "tlb"), *steps = item(a, "steps");
	cr_assert_eq(num(at(tlb, 0), "set"), 1);
	cr_assert_eq(num(at(tlb, 0), "tag"), 0xfffa24);
	cr_assert_eq(num(at(tlb, 1), "set"), 1);
	cr_assert_eq(num(at(tlb, 1), "tag"), 0x7ffd12);
	cr_assert_eq(cJSON_GetArraySize(steps), 6);
	cr_assert_eq(num(at(steps, 4), "level"), 2);
	cr_assert_eq(num(at(steps, 4), "address"), 0x102488);
	cr_assert_eq(num(at(steps, 4), "value"), 0x200087);
	cJSON_Delete(j);
}

Test(mmusim_explain, two_mib_page_text_shows_the_pd_as_the_leaf)
{
	const char *const lines[] = {
	    "address 0x7ffd12345678 (48-bit virtual address; a 2 MiB page: the PD entry is the leaf, the walk stops "
	    "there)",
	    "  field  PML4    PDPT    PD      offset",
	    "  bits   47..39  38..30  29..21  20..0",
	    "  value  255     500     145     0x145678",
	    "TLB lookups (2 MiB page: VPN = address bits 47..21 = 0x3ffe891; set = VPN mod sets, tag = VPN / sets)",
	    "  L1 DTLB  4 sets x 2 ways  set 1  tag 0xfffa24  miss -> filled way 0",
	    "  L2 TLB   8 sets x 4 ways  set 1  tag 0x7ffd12  miss -> filled way 0",
	    "result: paddr 0x345678 = page 0x200000 + offset 0x145678 (answered by the page walk)",
	};
	expect_lines("explain " HUGE_2M, lines, sizeof lines / sizeof lines[0]);
	cr_assert_null(strstr(r.out, " PT["), "no PT access in a walk that ends at the PD:\n%s", r.out);
}

#define HUGE_1G "--preset teaching --addr 0x7ffd12345678 --set os.huge=0x7ffd00000000:1G:1G"

/*
 * A 1 GiB hugetlbfs range 0x7ffd00000000 (= 0x1fff4 x 2^30, aligned) .. +1 GiB holds 0x7ffd12345678:
 *   PML4 = 255, PDPT = (va >> 30) & 511 = 0x1fff4 & 0x1ff = 500, and the PDPT entry is the leaf
 *   offset = va & (2^30 - 1) = 0x12345678 = 305419896 (30 bits, 29..0)
 *   VPN = va >> 30 = 0x1fff4 (address bits 47..30)
 *   L1 DTLB 4 sets: set = 0x1fff4 & 3 = 0, tag = 0x1fff4 >> 2 = 0x7ffd
 *   L2 TLB 8 sets:  set = 0x1fff4 & 7 = 4, tag = 0x1fff4 >> 3 = 0x3ffe
 * Frames: root 0x100000, PDPT 0x101000, then the first 1 GiB-aligned frame, 0x40000000. PDPT entry at
 * 0x101000 + 8 x 500 = 0x101fa0 = 0x40000087. Two reads, two A write-backs: 1 + 4 + 4 x 21 = 89 cycles.
 * PA = 0x40000000 + 0x12345678 = 0x52345678.
 */
Test(mmusim_explain, one_gib_page_json_splits_at_bit_30)
{
	cJSON *j = json_run(HUGE_1G);
	const cJSON *fields = item(j, "fields");
	cr_assert_eq(cJSON_GetArraySize(fields), 2, "PML4, PDPT: the walk stops at the PDPT");
	cr_assert_str_eq(str(at(fields, 0), "name"), "PML4");
	cr_assert_eq(num(at(fields, 0), "index"), 255);
	cr_assert_str_eq(str(at(fields, 1), "name"), "PDPT");
	cr_assert_eq(num(at(fields, 1), "index"), 500);
	cr_assert_eq(num(j, "offset"), 305419896);
	cr_assert_eq(num(j, "vpn"), 0x1fff4);
	cr_assert_eq(num(j, "page_level"), 3);
	cr_assert_eq(num(j, "page_size"), 1073741824);
	cr_assert_str_eq(str(j, "leaf_table"), "PDPT");
	cr_assert_eq(num(j, "paddr"), 0x52345678);
	cr_assert_eq(num(j, "cycles"), 89);
	const cJSON *a = at(item(j, "attempts"), 0), *tlb = item(a, "tlb"), *steps = item(a, "steps");
	cr_assert_eq(num(at(tlb, 0), "set"), 0);
	cr_assert_eq(num(at(tlb, 0), "tag"), 0x7ffd);
	cr_assert_eq(num(at(tlb, 1), "set"), 4);
	cr_assert_eq(num(at(tlb, 1), "tag"), 0x3ffe);
	cr_assert_eq(cJSON_GetArraySize(steps), 4);
	cr_assert_eq(num(at(steps, 2), "level"), 3);
	cr_assert_eq(num(at(steps, 2), "address"), 0x101fa0);
	cr_assert_eq(num(at(steps, 2), "value"), 0x40000087);
	cJSON_Delete(j);
}

Test(mmusim_explain, one_gib_page_text_shows_the_pdpt_as_the_leaf)
{
	const char *const lines[] = {
	    "address 0x7ffd12345678 (48-bit virtual address; a 1 GiB page: the PDPT entry is the leaf, the walk stops "
	    "there)",
	    "  field  PML4    PDPT    offset",
	    "  bits   47..39  38..30  29..0",
	    "  value  255     500     0x12345678",
	    "TLB lookups (1 GiB page: VPN = address bits 47..30 = 0x1fff4; set = VPN mod sets, tag = VPN / sets)",
	    "  L1 DTLB  4 sets x 2 ways  set 0  tag 0x7ffd  miss -> filled way 0",
	    "  L2 TLB   8 sets x 4 ways  set 4  tag 0x3ffe  miss -> filled way 0",
	    "result: paddr 0x52345678 = page 0x40000000 + offset 0x12345678 (answered by the page walk)",
	};
	expect_lines("explain " HUGE_1G, lines, sizeof lines / sizeof lines[0]);
	cr_assert_null(strstr(r.out, " PD["), "no PD access in a walk that ends at the PDPT:\n%s", r.out);
}

/*
 * textbook32 (x86_32 with PSE), os.thp=always: a 4 MiB page, the PD entry is the leaf.
 * 0x0804a01c: PD = va >> 22 = 0x20 = 32; offset = va & (2^22 - 1) = 0x04a01c = 303132 (22 bits, 21..0),
 * in binary 00 0100 1010 0000 0001 1100. VPN = va >> 22 = 0x20; L1 DTLB 16 / 4 = 4 sets: set 0x20 & 3 = 0,
 * tag 0x20 >> 2 = 8. Frames: root 0x100000, then the first 4 MiB-aligned frame 0x400000: PDE at
 * 0x100000 + 4 x 32 = 0x100080 = 0x400087; PA 0x400000 + 0x4a01c = 0x44a01c. No L2: 1 + 2 x 101 = 203 cycles.
 */
Test(mmusim_explain, four_mib_page_on_x86_32_splits_at_bit_22)
{
	cJSON *j = json_run("--preset textbook32 --addr 0x0804a01c --set os.thp=always");
	cr_assert_eq(cJSON_GetArraySize(item(j, "fields")), 1);
	cr_assert_eq(num(at(item(j, "fields"), 0), "index"), 32);
	cr_assert_eq(num(j, "offset"), 303132);
	cr_assert_eq(num(j, "vpn"), 0x20);
	cr_assert_eq(num(j, "page_size"), 4194304);
	cr_assert_eq(num(j, "paddr"), 0x44a01c);
	cr_assert_eq(num(j, "cycles"), 203);
	const cJSON *tlb = item(at(item(j, "attempts"), 0), "tlb");
	cr_assert_eq(num(at(tlb, 0), "set"), 0);
	cr_assert_eq(num(at(tlb, 0), "tag"), 8);
	cJSON_Delete(j);
	const char *const lines[] = {
	    "  field   PD          offset",
	    "  bits    31..22      21..0",
	    "  binary  0000100000  0001001010000000011100",
	    "  value   32          0x4a01c",
	    "  L1 DTLB  4 sets x 4 ways  set 0  tag 0x8  miss -> filled way 0",
	    "result: paddr 0x44a01c = page 0x400000 + offset 0x4a01c (answered by the page walk)",
	};
	expect_lines("explain --preset textbook32 --addr 0x0804a01c --set os.thp=always", lines,
	             sizeof lines / sizeof lines[0]);
}

/*
 * --demand with os.thp=always: the fault maps a 2 MiB page, 0x7ffd12345678 & ~(2^21 - 1) = 0x7ffd12200000, at the
 * first 2 MiB-aligned frame 0x200000 (root, PDPT and PD are built by the fault first, at 0x100000..0x102000).
 */
Test(mmusim_explain, demand_fault_maps_a_two_mib_page)
{
	const char *const lines[] = {
	    "OS: demand fault, 2 MiB page 0x7ffd12200000 mapped to frame 0x200000; 500 cycles (os.fault_cycles), then "
	    "the access is retried",
	    "  value  255     500     145     0x145678",
	    "result: paddr 0x345678 = page 0x200000 + offset 0x145678 (answered by the page walk)",
	};
	expect_lines("explain " HUGE_2M " --demand", lines, sizeof lines / sizeof lines[0]);
}

#define TRACE_2M "R 40201234\nR 40301234\nW 40301238\n"

/*
 * A trace on teaching with os.thp=always: record 1 faults in 0x40201234 and the OS maps the 2 MiB page
 * 0x40200000 (root 0x100000, PDPT 0x101000, PD 0x102000, frame 0x200000). Record 2, 0x40301234 =
 * 0100 0000 0011 0000 0001 0010 0011 0100: VPN = va >> 21 = 0x201, the same page: an L1 hit on the level-2 entry.
 *   PML4 = 0, PDPT = va >> 30 = 1, PD = 0x201 & 511 = 1, offset = va & (2^21 - 1) = 0x101234 = 1053236
 *   L1 DTLB 4 sets: set = 0x201 & 3 = 1, tag = 0x201 >> 2 = 0x80; PA = 0x200000 + 0x101234 = 0x301234, 1 cycle
 */
Test(mmusim_explain, trace_record_served_by_a_two_mib_page)
{
	const char *p = write_temp(TRACE_2M);
	char args[256];
	snprintf(args, sizeof args, "--preset teaching --set os.thp=always --trace %s --at 2", p);
	cJSON *j = json_run(args);
	cr_assert_str_eq(str(j, "answered_by"), "l1");
	cr_assert_eq(num(j, "cycles"), 1);
	cr_assert_eq(num(j, "page_level"), 2);
	cr_assert_eq(num(j, "offset"), 1053236);
	cr_assert_eq(num(j, "vpn"), 0x201);
	cr_assert_eq(cJSON_GetArraySize(item(j, "fields")), 3);
	cr_assert_eq(num(at(item(j, "fields"), 2), "index"), 1);
	cr_assert_eq(num(j, "paddr"), 0x301234);
	const cJSON *l1 = at(item(at(item(j, "attempts"), 0), "tlb"), 0);
	cr_assert_str_eq(str(l1, "result"), "hit");
	cr_assert_eq(num(l1, "set"), 1);
	cr_assert_eq(num(l1, "tag"), 0x80);
	cJSON_Delete(j);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "explain %s", args);
	const char *const lines[] = {
	    "  value  0       1       1       0x101234",
	    "  L1 DTLB  4 sets x 2 ways  set 1  tag 0x80  hit, way 0 of set 1 (level-2 page)",
	    "result: paddr 0x301234 = page 0x200000 + offset 0x101234 (answered by the L1 TLB)",
	};
	expect_lines(cmd, lines, sizeof lines / sizeof lines[0]);
	unlink(p);
}

/*
 * Record 3 stores to the same 2 MiB page, clean in L1 (D = 0): the dirty re-walk (T9) reads PML4, PDPT and PD (A
 * already set) and writes D into the PD entry, the leaf: 1 + 4 x 21 = 85 cycles, offset 0x101238 = 1053240.
 */
Test(mmusim_explain, trace_store_rewalks_to_the_two_mib_leaf)
{
	const char *p = write_temp(TRACE_2M);
	char args[256];
	snprintf(args, sizeof args, "--preset teaching --set os.thp=always --trace %s --at 3", p);
	cJSON *j = json_run(args);
	unlink(p);
	cr_assert_eq(num(j, "cycles"), 85);
	cr_assert_eq(num(j, "offset"), 1053240);
	cr_assert_eq(num(j, "page_level"), 2);
	const cJSON *steps = item(at(item(j, "attempts"), 0), "steps");
	cr_assert_eq(cJSON_GetArraySize(steps), 4);
	cr_assert_str_eq(str(at(steps, 3), "op"), "write");
	cr_assert_eq(num(at(steps, 3), "level"), 2);
	cr_assert_eq(num(at(steps, 3), "value"), 0x2000e7, "P W U, A (0x20), D (0x40), PS (0x80)");
	cJSON_Delete(j);
}

/* A base page: four fields, a 12-bit offset, and its size named as a huge page's is (level 1, 4096, the PT). */
Test(mmusim_explain, base_page_json_names_its_page_size)
{
	cJSON *j = json_run("--preset teaching --addr 0x7ffd12345678");
	cr_assert_eq(cJSON_GetArraySize(item(j, "fields")), 4);
	cr_assert_eq(num(j, "offset"), 0x678);
	cr_assert_eq(num(j, "page_size"), 4096);
	cr_assert_eq(num(j, "page_level"), 1);
	cr_assert_str_eq(cJSON_GetStringValue(item(j, "leaf_table")), "PT");
	cJSON_Delete(j);
}
