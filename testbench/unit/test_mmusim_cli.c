/*
 * mmusim as a user meets it: exit codes, messages naming the file, line and key, the JSON interface, determinism,
 * context switches with and without PCIDs.
 */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

typedef cli_run_t run_t;

/* Runs `mmusim ARGS` with stdout and stderr captured separately. */
static void mmusim(run_t *r, const char *args)
{
	cli_run(r, NULL, MMU_MMUSIM, args);
}

static char *write_temp(const char *text)
{
	static char path[64];
	cli_temp_file(path, text);
	return path;
}

/* Runs `mmusim ARGS --trace T` into a and the same with EXTRA appended into b, T a temporary file holding text. */
static void run_pair(const char *text, const char *args, const char *extra, run_t *a, run_t *b)
{
	char *trace = write_temp(text);
	char line[512];
	snprintf(line, sizeof line, "%s --trace %s", args, trace);
	mmusim(a, line);
	snprintf(line, sizeof line, "%s --trace %s %s", args, trace, extra);
	mmusim(b, line);
	unlink(trace);
}

static double num(cJSON *j, const char *name)
{
	cJSON *item = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(item && cJSON_IsNumber(item), "no number '%s' in the JSON report", name);
	return item->valuedouble;
}

Test(mmusim_cli, json_is_one_object_with_the_stable_names)
{
	static run_t r;
	mmusim(&r, "run --json");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j, "stdout is not exactly one JSON object");
	const char *names[] = {"tlb.l1d.accesses", "tlb.l1d.hits",   "tlb.l1d.misses",  "tlb.l1i.accesses",
	                       "tlb.l1i.hits",     "tlb.l1i.misses", "tlb.l2.accesses", "tlb.l2.hits",
	                       "tlb.l2.misses",    "walks",          "walk_cycles",     "faults",
	                       "cycles",           "amat_cycles"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		(void)num(j, names[i]);
	cr_assert_eq(num(j, "tlb.l1d.hits") + num(j, "tlb.l1d.misses"), num(j, "tlb.l1d.accesses"));
	cr_assert_eq(num(j, "tlb.l1i.hits") + num(j, "tlb.l1i.misses"), num(j, "tlb.l1i.accesses"));
	cr_assert_eq(num(j, "tlb.l2.accesses"), num(j, "tlb.l1d.misses") + num(j, "tlb.l1i.misses"));
	cr_assert_float_eq(num(j, "amat_cycles"), num(j, "amat.formula_cycles"), 1e-5);
	cr_assert_gt(num(j, "references"), 1000000, "the bundled workload is a real program's trace");
	cJSON_Delete(j);
}

Test(mmusim_cli, text_report_shows_both_amat_forms)
{
	static run_t r;
	mmusim(&r, "run");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "measured: translation cycles / requests"));
	cr_assert(strstr(r.out, "formula:"));
	cr_assert(strstr(r.out, "L1 DTLB"));
}

Test(mmusim_cli, same_config_trace_and_seed_give_identical_reports)
{
	static run_t a, b;
	const char *args =
	    "run --json --set tlb.l1d.policy=random --set tlb.l2.policy=random --set mem.latency_max=300 "
	    "--seed 42";
	mmusim(&a, args);
	mmusim(&b, args);
	cr_assert_eq(a.status, 0, "%s", a.err);
	cr_assert_str_eq(a.out, b.out);
	static run_t c;
	mmusim(&c, "run --json --set tlb.l1d.policy=random --set tlb.l2.policy=random --set mem.latency_max=300 "
	           "--seed 43");
	cr_assert_str_neq(a.out, c.out, "a different seed should change random choices");
}

Test(mmusim_cli, ticked_engine_gives_the_same_report)
{
	static run_t a, b;
	run_pair("R 400000\nW 400008\nX 401000\nR 7fff0000 2\nW 400010 2\nR 400000 1\nR 600000 1\n",
	         "run --format text --json", "--engine ticked", &a, &b);
	cr_assert_eq(a.status, 0, "%s", a.err);
	char *ea = strstr(a.out, "\"engine\""), *eb = strstr(b.out, "\"engine\"");
	cr_assert(ea && eb);
	/* the provenance names the engine again: its line is the last, and must differ the same way */
	char *pa = strstr(a.out, "\t\"provenance.engine\":\t\"fast\"\n}"),
	     *pb = strstr(b.out, "\t\"provenance.engine\":\t\"ticked\"\n}");
	cr_assert(pa && pb, "the provenance's engine is not the last line: %s", a.out);
	*pa = *pb = 0;
	cr_assert_str_eq(strchr(ea, '\n'), strchr(eb, '\n'), "everything after the engine line must match");
}

/* The reader thread changes only the speed: the same report, and a bad line far into the trace the same error. */
Test(mmusim_cli, read_ahead_gives_the_same_report_and_errors)
{
	static run_t a, b;
	mmusim(&a, "run --json");
	mmusim(&b, "run --json --read-ahead");
	cr_assert_eq(a.status, 0, "%s", a.err);
	cr_assert_eq(b.status, 0, "%s", b.err);
	cr_assert_str_eq(a.out, b.out);

	/* many batches of records before the bad line, in either way of reading */
	enum { GOOD = 50000 };
	static char text[GOOD * 16 + 64];
	size_t n = 0;
	for (int i = 0; i < GOOD; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "R %x\n", 0x400000 + (i % 64) * 0x1000);
	snprintf(text + n, sizeof text - n, "R 40zz00\nR 400000\n");
	static run_t c, d;
	run_pair(text, "run --format text", "--read-ahead", &c, &d);
	cr_assert_eq(c.status, 2, "%s", c.err);
	cr_assert_eq(d.status, 2, "%s", d.err);
	cr_assert(strstr(c.err, ":50001: invalid address"), "%s", c.err);
	cr_assert_str_eq(c.err, d.err);
	cr_assert_str_eq(c.out, d.out);
}

Test(mmusim_cli, pid_changes_are_context_switches_and_pcid_keeps_entries)
{
	/* two processes ping-pong over the same 4 pages: without PCIDs each switch flushes the TLBs */
	static char text[1 << 14];
	size_t n = 0;
	for (int i = 0; i < 200; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "R %x %d\n", 0x400000 + (i % 4) * 0x1000,
		                      1 + (i / 4) % 2);
	static run_t off, on;
	run_pair(text, "run --format text --json --set os.populate=1", "--set cr3.pcid=1", &off, &on);
	cJSON *joff = cJSON_Parse(off.out), *jon = cJSON_Parse(on.out);
	cr_assert(joff && jon, "%s %s", off.err, on.err);
	/* 200 references in blocks of 4 alternate pid 1, 2: 49 switches; 4 pages x 2 processes */
	cr_assert_eq(num(joff, "context_switches"), 49);
	cr_assert_eq(num(jon, "context_switches"), 49);
	/* PCID on: each process misses its 4 pages once; off: every block of 4 misses again (50 blocks) */
	cr_assert_eq(num(jon, "tlb.l1d.misses"), 8);
	cr_assert_eq(num(joff, "tlb.l1d.misses"), 200);
	cJSON_Delete(joff);
	cJSON_Delete(jon);
}

Test(mmusim_cli, unknown_key_suggests_the_nearest)
{
	static run_t r;
	mmusim(&r, "run --set tlb.l1d.entires=32");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "tlb.l1d.entires") && strstr(r.err, "did you mean 'tlb.l1d.entries'"), "%s", r.err);
	cr_assert_str_empty(r.out);
}

Test(mmusim_cli, impossible_value_names_the_key)
{
	static run_t r;
	mmusim(&r, "run --set tlb.l1d.ways=3");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "tlb.l1d.ways"), "%s", r.err);
	mmusim(&r, "run --set tlb.l1d.entries=0");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "tlb.l1d.entries"), "%s", r.err);
	mmusim(&r, "run --set tlb.l2.policy=plru");
	cr_assert_eq(r.status, 2, "PLRU with 12 ways must be refused");
	cr_assert(strstr(r.err, "tlb.l2"), "%s", r.err);
}

Test(mmusim_cli, malformed_trace_line_names_file_and_line)
{
	static run_t r;
	char *trace = write_temp("R 400000\nR 400008\nQ 1234\n");
	char args[256];
	snprintf(args, sizeof args, "run --format text --trace %s", trace);
	mmusim(&r, args);
	cr_assert_eq(r.status, 2);
	char where[128];
	snprintf(where, sizeof where, "%s:3", trace);
	cr_assert(strstr(r.err, where), "expected '%s' in: %s", where, r.err);
	cr_assert_str_empty(r.out, "no partial report on stdout");
	unlink(trace);
}

Test(mmusim_cli, non_canonical_address_is_an_input_error)
{
	static run_t r;
	char *trace = write_temp("R 400000\nR 8000000000001000\n");
	char args[256];
	snprintf(args, sizeof args, "run --format text --trace %s", trace);
	mmusim(&r, args);
	unlink(trace);
	cr_assert_eq(r.status, 2);
	/* the file and the line of the record (also past a comment and a blank line, below) */
	char want[256];
	snprintf(want, sizeof want,
	         "mmusim: %s:2: address 0x8000000000001000 is not a valid x86_64 virtual address (48 bits, canonical "
	         "form)\n",
	         trace);
	cr_assert_str_eq(r.err, want);
	trace = write_temp("# comment\n\nR 400000\nR 8000000000001000\n");
	snprintf(args, sizeof args, "run --format text --trace %s", trace);
	mmusim(&r, args);
	unlink(trace);
	cr_assert_eq(r.status, 2);
	snprintf(want, sizeof want, "mmusim: %s:4: address 0x8000000000001000", trace);
	cr_assert(!strncmp(r.err, want, strlen(want)), "%s", r.err);
}

Test(mmusim_cli, missing_trace_and_bad_options)
{
	static run_t r;
	mmusim(&r, "run --trace /nonexistent/t.gz");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "/nonexistent/t.gz"), "%s", r.err);
	mmusim(&r, "run --format xml");
	cr_assert_eq(r.status, 2);
	mmusim(&r, "run --engine warp");
	cr_assert_eq(r.status, 2);
	mmusim(&r, "run --bogus");
	cr_assert_eq(r.status, 2);
	mmusim(&r, "fly");
	cr_assert_eq(r.status, 2);
	mmusim(&r, "run --set novalue");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "KEY=VALUE"), "%s", r.err);
}

Test(mmusim_cli, config_file_is_applied_before_set)
{
	static run_t r;
	char *ini = write_temp("[tlb.l1d]\nentries = 16\nways = full\n");
	char args[256];
	snprintf(args, sizeof args, "run --json --config %s --set tlb.l1d.policy=fifo", ini);
	mmusim(&r, args);
	unlink(ini);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "config.tlb.l1d.entries")->valuedouble, 16);
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "config.tlb.l1d.ways")->valuestring, "full");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(j, "config.tlb.l1d.policy")->valuestring, "fifo");
	cJSON_Delete(j);
}

Test(mmusim_cli, config_list_names_every_key)
{
	static run_t r;
	mmusim(&r, "config --list");
	cr_assert_eq(r.status, 0);
	const char *keys[] = {"tlb.l1d.entries", "tlb.l1i.ways",    "tlb.l2.hit_latency", "mem.latency", "paging.mode",
	                      "cr3.pcid",        "os.fault_cycles", "os.populate",        "seed"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		cr_assert(strstr(r.out, keys[i]), "%s missing", keys[i]);
}

/* The model-only walk caches appear in the report only when configured (docs/timing.md W9-W12, M6-M8). */
Test(mmusim_cli, walk_cache_figures_only_when_enabled)
{
	static run_t r, off;
	const char *t = write_temp("R 7ffd12345678\nR 7ffd12346678\nW 7ffd12347000\nR 7ffd12345678\n");
	char args[256];
	snprintf(args, sizeof args, "run --json --format text --trace %s --preset skylake --set os.populate=1", t);
	mmusim(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	/* three walks: the first from the root (4 reads), the next two from the PT after a PDE-cache hit */
	cr_assert_eq(num(j, "walks"), 3);
	cr_assert_eq(num(j, "pwc.l2.accesses"), 3);
	cr_assert_eq(num(j, "pwc.l2.hits"), 2);
	cr_assert_eq(num(j, "pwc.l4.misses"), 1);
	cr_assert_eq(num(j, "pwc.skipped_reads"), 6);
	cr_assert_float_eq(num(j, "walk.pte_reads_per_walk"), 6.0 / 3, 1e-6);
	cr_assert_gt(num(j, "dcache.hits"), 0);
	cr_assert_eq(num(j, "dcache.hits") + num(j, "dcache.misses"), num(j, "dcache.accesses"));
	cr_assert_null(cJSON_GetObjectItemCaseSensitive(j, "pwc.l5.hits"), "level 5 is off in skylake");
	cr_assert(cJSON_GetObjectItemCaseSensitive(j, "config.dcache.lines"));
	cJSON_Delete(j);
	snprintf(args, sizeof args, "run --json --format text --trace %s", t);
	mmusim(&off, args);
	cr_assert_eq(off.status, 0, "%s", off.err);
	cr_assert_null(strstr(off.out, "pwc."), "defaults: no page-walk cache figures");
	cr_assert_null(strstr(off.out, "dcache"), "defaults: no dcache figures");
	cr_assert_null(strstr(off.out, "walk.pte_reads_per_walk"));
	unlink(t);
}

/* ---- huge pages and memory pressure in the report ---- */

/* A fault and its retry on a 2 MiB page of an os.huge range, an L1 hit on it, a base page: named by size. */
Test(mmusim_cli, json_counts_translations_per_page_size)
{
	static run_t r;
	char *trace = write_temp("R 600000000\nR 600000008\nR 1000\n");
	char args[256];
	snprintf(args, sizeof args, "run --format text --trace %s --json --set os.huge=0x600000000:2M:2M", trace);
	mmusim(&r, args);
	unlink(trace);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	cr_assert_eq(num(j, "served.4K"), 1);
	cr_assert_eq(num(j, "served.2M"), 2);
	cr_assert_eq(num(j, "served.1G"), 0);
	cr_assert_eq(num(j, "os.huge_faults"), 1);
	cr_assert_null(cJSON_GetObjectItemCaseSensitive(j, "served.4M"), "x86-64 has no 4 MiB pages");
	cJSON_Delete(j);
}

Test(mmusim_cli, x86_32_names_its_4m_pages)
{
	static run_t r;
	char *trace = write_temp("R 400000\n");
	char args[256];
	snprintf(args, sizeof args, "run --format text --trace %s --set paging.mode=x86_32 --set paging.pa_bits=32",
	         trace);
	mmusim(&r, args);
	unlink(trace);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "pages served    4K-level 1, 4M-level 0\n"), "%s", r.out);
}

/*
 * Three frames, default TLBs. R1 R2 R3 R4: the walks set A on 1, 2, 3; the clock clears them and evicts 1 (written).
 * R1: page 2 was not walked since its A was cleared (its TLB hits set nothing): evicted (written); 1 swapped in.
 * 5 faults, 1 swap-in, 2 evictions, 2 swap-outs: fault service 5 x 2000 + 240000 + 2 x 60000 = 370000 cycles.
 */
Test(mmusim_cli, memory_limit_in_the_report)
{
	static run_t r, t;
	char *trace = write_temp("R 1000\nR 2000\nR 3000\nR 4000\nR 1000\n");
	char args[256];
	snprintf(args, sizeof args, "run --format text --trace %s --json --set os.mem_frames=3", trace);
	mmusim(&r, args);
	snprintf(args, sizeof args, "run --format text --trace %s --set os.mem_frames=3", trace);
	mmusim(&t, args);
	unlink(trace);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	cr_assert_eq(num(j, "os.demand_faults"), 5);
	cr_assert_eq(num(j, "os.swap_ins"), 1);
	cr_assert_eq(num(j, "os.evictions"), 2);
	cr_assert_eq(num(j, "os.swap_outs"), 2);
	cr_assert_eq(num(j, "os.shootdowns"), 2);
	cr_assert_eq(num(j, "os.fault_service_cycles"), 370000);
	cr_assert_float_eq(num(j, "os.fault_rate"), 1.0, 1e-9);
	cr_assert_float_eq(num(j, "os.swap_in_rate"), 0.2, 1e-9);
	cJSON_Delete(j);
	cr_assert(strstr(t.out, "os.mem_frames 3: 2 evictions (2 written to swap), 1 swap-ins, 2 TLB shootdowns"), "%s",
	          t.out);
	cr_assert(strstr(t.out, "fault rate      1.000000 demand faults per reference (5 / 5)"), "%s", t.out);
}

Test(mmusim_cli, default_report_has_no_os_section)
{
	static run_t r;
	char *trace = write_temp("R 1000\n");
	char args[256];
	snprintf(args, sizeof args, "run --format text --trace %s", trace);
	mmusim(&r, args);
	unlink(trace);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_null(strstr(r.out, "huge pages"));
	cr_assert_null(strstr(r.out, "EAT"));
}

/*
 * The text report's PTE reads by level name the paging mode's own levels. With demand paging in 32-bit paging, worked
 * by hand: 0x1000 faults at level 2 (no table yet), its retry reads levels 2 and 1; 0x400000 (another directory
 * entry) the same; 0x2000 finds the directory entry present, faults at level 1, and its retry reads both: six level-2
 * reads and four level-1 reads. Five textbook levels list five.
 */
Test(mmusim_cli, pte_reads_by_level_follow_the_paging_mode)
{
	static run_t r;
	char args[256];
	const char *trace = write_temp("R 1000\nR 400000\nW 2000\n");
	snprintf(args, sizeof args, "run --preset textbook32 --format text --trace %s", trace);
	mmusim(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "PTE reads                 10  (level 2: 6, 1: 4)\n"), "%s", r.out);
	snprintf(args, sizeof args,
	         "run --set paging.mode=textbook --set paging.levels=5 --set paging.bits_per_level=4 --format text"
	         " --trace %s",
	         trace);
	mmusim(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "(level 5: "), "%s", r.out);
	cr_assert(strstr(r.out, ", 4: ") && strstr(r.out, ", 1: ") && !strstr(r.out, "level 4:"), "%s", r.out);
	unlink(trace);
}
