/*
 * mmusim compare: one column per configuration, figures counted by hand on small traces, each column equal to
 * `mmusim run --json` of the same configuration, and the errors.
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

static void mmusim(run_t *r, const char *args)
{
	cli_run(r, NULL, MMU_MMUSIM, args);
}

static char trace_path[64];

static const char *write_trace(const char *text)
{
	return cli_temp_file(trace_path, text);
}

/* The values of the text table's row `name`, one per column. */
static int row(const char *out, const char *name, double *v, int max)
{
	char key[80];
	snprintf(key, sizeof key, "\n%s ", name);
	const char *p = strstr(out, key);
	cr_assert(p, "no row %s in:\n%s", name, out);
	p += strlen(key);
	int n = 0;
	char *end;
	for (; n < max; n++) {
		double x = strtod(p, &end);
		if (end == p)
			break;
		v[n] = x;
		p = end;
	}
	return n;
}

static double num(const cJSON *j, const char *name)
{
	const cJSON *item = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(cJSON_IsNumber(item), "no number '%s'", name);
	return item->valuedouble;
}

/*
 * pid 1 touches pages 1 and 2, pid 2 page 3, pid 1 pages 1 and 2 again (os.populate: no demand faults). PCID off:
 * the switch back flushed pid 1's entries, 3 + 2 L1 DTLB misses; on: they survive, 3 misses.
 */
static const char two_procs[] = "R 1000 1\nR 2000 1\nR 3000 2\nR 1000 1\nR 2000 1\n";

Test(mmusim_compare, pcid_off_and_on_side_by_side)
{
	static run_t r;
	char args[512];
	snprintf(args, sizeof args, "compare --trace %s --common os.populate=1 --set cr3.pcid=0 --set cr3.pcid=1",
	         write_trace(two_procs));
	mmusim(&r, args);
	unlink(trace_path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *header = strstr(r.out, "\nfigure ");
	cr_assert(header, "%s", r.out);
	const char *c0 = strstr(header, "cr3.pcid=0"), *c1 = strstr(header, "cr3.pcid=1");
	cr_assert(c0 && c1 && c0 < c1 && !memchr(header + 1, '\n', (size_t)(c1 - header - 1)), "%s", r.out);
	double v[4];
	cr_assert_eq(row(r.out, "tlb.l1d.misses", v, 4), 2);
	cr_expect_eq(v[0], 5);
	cr_expect_eq(v[1], 3);
	cr_assert_eq(row(r.out, "context_switches", v, 4), 2);
	cr_expect(v[0] == 2 && v[1] == 2);
	cr_assert_eq(row(r.out, "cr3_writes", v, 4), 2);
	cr_expect(v[0] == 3 && v[1] == 3);
	cr_assert_eq(row(r.out, "references", v, 4), 2);
	cr_expect(v[0] == 5 && v[1] == 5);
}

Test(mmusim_compare, each_column_is_the_report_of_mmusim_run)
{
	static run_t cmp, one;
	const char *trace = write_trace(two_procs);
	char args[512];
	snprintf(args, sizeof args, "compare --trace %s --set cr3.pcid=0 --set cr3.pcid=1,tlb.l1d.entries=16 --json",
	         trace);
	mmusim(&cmp, args);
	cr_assert_eq(cmp.status, 0, "%s", cmp.err);
	cJSON *j = cJSON_Parse(cmp.out);
	cr_assert(j, "stdout is not one JSON object");
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, "configurations");
	cr_assert_eq(cJSON_GetArraySize(arr), 2);
	const char *sets[] = {"--set cr3.pcid=0", "--set cr3.pcid=1 --set tlb.l1d.entries=16"};
	const char *names[] = {"cr3.pcid=0", "cr3.pcid=1,tlb.l1d.entries=16"};
	for (int c = 0; c < 2; c++) {
		const cJSON *col = cJSON_GetArrayItem(arr, c);
		cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(col, "name")), names[c]);
		snprintf(args, sizeof args, "run --trace %s %s --json", trace, sets[c]);
		mmusim(&one, args);
		cr_assert_eq(one.status, 0, "%s", one.err);
		cJSON *want = cJSON_Parse(one.out);
		cr_assert(want);
		cr_expect(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(col, "report"), want, 1),
		          "column %d differs from mmusim run %s", c, sets[c]);
		cJSON_Delete(want);
	}
	/* demand paging: each first touch misses twice (fault, then the retry); pid 1's pages once more with PCID off
	 */
	const cJSON *r0 = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(arr, 0), "report");
	const cJSON *r1 = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(arr, 1), "report");
	cr_expect_eq(num(r0, "tlb.l1d.misses"), 8);
	cr_expect_eq(num(r1, "tlb.l1d.misses"), 6);
	cJSON_Delete(j);
	unlink(trace);
}

/* Three pages in a cycle: an LRU TLB of 2 entries misses every time, one of 4 only on the 3 first touches. */
Test(mmusim_compare, several_keys_per_column_and_chosen_rows)
{
	static char text[4096];
	size_t n = 0;
	for (int i = 0; i < 30; i++)
		n += (size_t)snprintf(text + n, sizeof text - n, "R %x\n", 0x10000 + (i % 3) * 0x1000);
	static run_t r;
	char args[512];
	snprintf(
	    args, sizeof args,
	    "compare --trace %s --common os.populate=1 --rows tlb.l1d.misses --set tlb.l1d.entries=2,tlb.l1d.ways=full"
	    " --set tlb.l1d.entries=4,tlb.l1d.ways=full",
	    write_trace(text));
	mmusim(&r, args);
	unlink(trace_path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	double v[4];
	cr_assert_eq(row(r.out, "tlb.l1d.misses", v, 4), 2);
	cr_expect(v[0] == 30 && v[1] == 3, "%s", r.out);
	cr_expect_null(strstr(r.out, "\nwalks "), "only the chosen row: %s", r.out);
}

Test(mmusim_compare, bundled_two_process_trace_switches_229_times)
{
	static run_t r;
	mmusim(&r, "compare --trace " MMU_SOURCE_DIR "/workloads/two-process.txt.gz --set cr3.pcid=0 --set cr3.pcid=1 "
	           "--rows context_switches,cr3_writes,tlb.l2.misses");
	cr_assert_eq(r.status, 0, "%s", r.err);
	double v[4];
	cr_assert_eq(row(r.out, "context_switches", v, 4), 2);
	cr_expect(v[0] == 229 && v[1] == 229, "%s", r.out);
	cr_assert_eq(row(r.out, "cr3_writes", v, 4), 2);
	cr_expect(v[0] == 230 && v[1] == 230, "the first CR3 write starts pid 1: %s", r.out);
	cr_assert_eq(row(r.out, "tlb.l2.misses", v, 4), 2);
	/* both working sets fit the STLB: with PCIDs only first touches miss (2 x 413 with demand faults) */
	cr_expect_eq(v[1], 2 * 413, "%s", r.out);
	cr_expect_gt(v[0], v[1], "%s", r.out);
}

Test(mmusim_compare, errors_name_the_option)
{
	static run_t r;
	mmusim(&r, "compare --trace x");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "no configuration"), "%s", r.err);
	mmusim(&r, "compare --set tlb.l1d.entires=2 --set cr3.pcid=1");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "--set") && strstr(r.err, "tlb.l1d.entires"), "%s", r.err);
	mmusim(&r, "compare --set tlb.l1d.ways=3");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "tlb.l1d.ways"), "%s", r.err);
	mmusim(&r, "compare --trace - --set cr3.pcid=1");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "standard input"), "%s", r.err);
	mmusim(&r, "compare --set a=1 --set a=1 --set a=1 --set a=1 --set a=1 --set a=1 --set a=1 --set a=1 --set a=1");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "at most 8"), "%s", r.err);
	mmusim(&r, "compare --trace /nonexistent.trace --set cr3.pcid=1");
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "/nonexistent.trace"), "%s", r.err);
	cr_expect_str_empty(r.out);
}

Test(mmusim_compare, unknown_row_is_refused)
{
	static run_t r;
	char args[256];
	snprintf(args, sizeof args, "compare --trace %s --set cr3.pcid=0 --rows walks,tlb.l1d.mises",
	         write_trace(two_procs));
	mmusim(&r, args);
	unlink(trace_path);
	cr_expect_eq(r.status, 2);
	cr_expect(strstr(r.err, "tlb.l1d.mises"), "%s", r.err);
	cr_expect_str_empty(r.out);
}
