/*
 * mmusim amat: the derivation on small traces whose every term is worked out by hand below, the text and Markdown
 * forms, the effective access time with page faults, agreement of formula and measurement on the bundled workload,
 * and the usage errors.
 */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
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

static char trace_path[64];

static void write_trace(const char *text)
{
	cli_temp_file(trace_path, text);
}

static double num(const cJSON *j, const char *name)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(v && cJSON_IsNumber(v), "no number '%s'", name);
	return v->valuedouble;
}

static cJSON *amat_json(const char *trace, const char *opts)
{
	write_trace(trace);
	char args[512];
	snprintf(args, sizeof args, "amat --json --format text --trace %s %s", trace_path, opts);
	mmusim(args);
	unlink(trace_path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j, "not JSON: %s", r.out);
	return j;
}

#define EPS 1e-5

/*
 * ostep preset (H1 1, no L2, mem.latency 10: 11 cycles per access, os.fault_cycles 1000), demand paging:
 *   R 0x00  miss; PD[0] empty: fault after 1 access (1 + 11 = 12); OS maps page 0; retry reads PD[0], PT[0]: 23
 *   R 0x04  same page: L1 hit, 1
 *   R 0x20  page 1: miss; PD[0] valid, PT[1] empty: fault after 2 accesses, 23; OS maps it; retry 23
 *   R 0x00  L1 hit (4 entries, 2 used), 1
 * 6 requests, 83 cycles. hit_time 6/6 = 1. L1 misses 4: m1 = 4/6. No L2 and no waiting: t2 = 0. All 4 misses
 * walked: m2 = 1. Walk cycles 11 + 22 + 22 + 22 = 77: walk_penalty = 19.25. No dirty bit: no re-walks.
 * AMAT = 1 + 4/6 x (0 + 1 x 19.25) = 13.833333 = 83 / 6.
 * EAT: p = 2 faults / 4 references = 0.5, ma = 13.833333 + 10 = 23.833333,
 *   EAT = 0.5 x 23.833333 + 0.5 x 1000 = 511.916667; measured (83 + 2000) / 4 + 10 = 530.75.
 */
#define OSTEP_TRACE "R 0\nR 4\nR 20\nR 0\n"

Test(mmusim_amat, ostep_trace_every_term_by_hand)
{
	cJSON *j = amat_json(OSTEP_TRACE, "--preset ostep");
	cr_assert_eq(num(j, "references"), 4);
	cr_assert_eq(num(j, "requests"), 6);
	cr_assert_float_eq(num(j, "hit_time"), 1.0, EPS);
	cr_assert_float_eq(num(j, "m1"), 4.0 / 6.0, EPS);
	cr_assert_float_eq(num(j, "t2"), 0.0, EPS);
	cr_assert_float_eq(num(j, "m2"), 1.0, EPS);
	cr_assert_float_eq(num(j, "walk_penalty"), 19.25, EPS);
	cr_assert_float_eq(num(j, "dirty_rate"), 0.0, EPS);
	cr_assert_float_eq(num(j, "dirty_penalty"), 0.0, EPS);
	cr_assert_float_eq(num(j, "amat_formula"), 83.0 / 6.0, EPS);
	cr_assert_float_eq(num(j, "amat_measured"), 83.0 / 6.0, EPS);
	cr_assert_eq(num(j, "demand_faults"), 2);
	cr_assert_float_eq(num(j, "p"), 0.5, EPS);
	cr_assert_float_eq(num(j, "ma"), 83.0 / 6.0 + 10, EPS);
	cr_assert_float_eq(num(j, "eat"), 0.5 * (83.0 / 6.0 + 10) + 0.5 * 1000, EPS);
	cr_assert_float_eq(num(j, "eat_measured"), 530.75, EPS);
	cJSON_Delete(j);
}

/*
 * teaching preset (H1 1, H2 4, mem.latency 20: 21 per access, os.fault_cycles 500):
 *   R 0x400000  L1 miss, L2 miss, PML4 entry empty: 1 + 4 + 21 = 26, fault; OS maps; retry: 4 reads and 4 A
 *               write-backs: 1 + 4 + 8 x 21 = 173
 *   W 0x400008  L1 hit on a clean entry: dirty re-walk from cycle 1: 4 reads + 1 write (D): 1 + 5 x 21 = 106
 * 3 requests, 305 cycles. L1 misses 2: m1 = 2/3; each L2 stage 4: t2 = 4; miss walks 2 of 2 misses: m2 = 1;
 * walk_penalty = (21 + 168) / 2 = 94.5; dirty_rate = 1/3, dirty_penalty = 105.
 * AMAT = 1 + 2/3 x (4 + 94.5) + 1/3 x 105 = 101.666667 = 305 / 3.
 * EAT: p = 1/2, ma = 121.666667, EAT = 0.5 x 121.666667 + 0.5 x 500 = 310.833333; measured (305 + 500)/2 + 20 = 422.5
 */
#define TEACHING_TRACE "R 400000\nW 400008\n"

Test(mmusim_amat, x86_64_trace_with_l2_and_a_dirty_rewalk)
{
	cJSON *j = amat_json(TEACHING_TRACE, "--preset teaching");
	cr_assert_eq(num(j, "requests"), 3);
	cr_assert_float_eq(num(j, "m1"), 2.0 / 3.0, EPS);
	cr_assert_float_eq(num(j, "t2"), 4.0, EPS);
	cr_assert_float_eq(num(j, "m2"), 1.0, EPS);
	cr_assert_float_eq(num(j, "walk_penalty"), 94.5, EPS);
	cr_assert_float_eq(num(j, "dirty_rate"), 1.0 / 3.0, EPS);
	cr_assert_float_eq(num(j, "dirty_penalty"), 105.0, EPS);
	cr_assert_float_eq(num(j, "amat_formula"), 305.0 / 3.0, EPS);
	cr_assert_float_eq(num(j, "amat_measured"), 305.0 / 3.0, EPS);
	cr_assert_float_eq(num(j, "eat"), 0.5 * (305.0 / 3.0 + 20) + 0.5 * 500, EPS);
	cr_assert_float_eq(num(j, "eat_measured"), 422.5, EPS);
	cJSON_Delete(j);
}

Test(mmusim_amat, ticked_engine_gives_the_same_derivation)
{
	cJSON *a = amat_json(TEACHING_TRACE, "--preset teaching");
	cJSON *b = amat_json(TEACHING_TRACE, "--preset teaching --engine ticked");
	cJSON_DeleteItemFromObject(a, "trace"); /* two temporary files */
	cJSON_DeleteItemFromObject(b, "trace");
	char *fast = cJSON_PrintUnformatted(a), *ticked = cJSON_PrintUnformatted(b);
	cr_assert_str_eq(fast, ticked);
	free(fast);
	free(ticked);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

Test(mmusim_amat, text_shows_formula_substitution_result_and_measurement)
{
	write_trace(OSTEP_TRACE);
	char args[256];
	snprintf(args, sizeof args, "amat --preset ostep --format text --trace %s", trace_path);
	mmusim(args);
	unlink(trace_path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *want[] = {
	    "  AMAT = hit_time + m1 x (t2 + m2 x walk_penalty) + dirty_rate x dirty_penalty\n",
	    "  m1             L1 TLB misses per request",
	    "4 / 6     0.666667\n",
	    "77 / 4    19.2500\n",
	    "  AMAT = 1.0000 + 0.666667 x (0.0000 + 1.000000 x 19.2500) + 0.000000 x 0.0000\n",
	    "       = 13.8333 cycles per translation (formula)\n",
	    "  measured: translation_cycles / requests = 83 / 6\n",
	    "  EAT = (1 - p) x ma + p x fault_service\n",
	    "  EAT = (1 - 0.500000) x 23.8333 + 0.500000 x 1000\n",
	    "      = 511.9167 cycles per reference (formula)\n",
	    "      = (83 + 2000) / 4 + 10 = 530.7500 cycles per reference\n",
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		cr_assert(strstr(r.out, want[i]), "missing: '%s' in\n%s", want[i], r.out);
}

Test(mmusim_amat, markdown_has_tables_and_fenced_derivations)
{
	write_trace(OSTEP_TRACE);
	char args[256];
	snprintf(args, sizeof args, "amat --preset ostep --format text --markdown --trace %s", trace_path);
	mmusim(args);
	unlink(trace_path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "| term | meaning | measured | value |\n|---|---|---|---|\n"), "%s", r.out);
	cr_assert(strstr(r.out, "| `m2` | walks per L1 miss | 4 / 4 | 1.000000 |\n"), "%s", r.out);
	cr_assert(strstr(r.out, "```text\nAMAT = 1.0000 + 0.666667 x (0.0000 + 1.000000 x 19.2500)"), "%s", r.out);
	cr_assert(!strstr(r.out, "\n  AMAT"), "no text indentation in Markdown");
}

Test(mmusim_amat, formula_equals_measurement_on_the_bundled_workload)
{
	mmusim("amat --json --preset teaching");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	cr_assert_gt(num(j, "references"), 1000000);
	cr_assert_float_eq(num(j, "amat_formula"), num(j, "amat_measured"), 1e-5);
	double m = num(j, "ma");
	cr_assert_float_eq(m, num(j, "amat_formula") + 20, 1e-5, "ma = AMAT + mem.latency");
	double p = num(j, "p");
	cr_assert_float_eq(num(j, "eat"), (1 - p) * m + p * 500, 1e-4);
	cr_assert_str_eq(cJSON_GetObjectItem(j, "trace")->valuestring,
	                 "the bundled workload, workloads/default.lackey.gz");
	cJSON_Delete(j);
}

Test(mmusim_amat, usage_errors)
{
	mmusim("amat --json --markdown");
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.err, "mmusim: amat: --json and --markdown exclude each other\n");
	mmusim("amat --engine slow");
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.err, "mmusim: --engine: 'slow' is not one of fast, ticked\n");
	mmusim("amat --trace /nonexistent/t.gz");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "/nonexistent/t.gz"), "%s", r.err);
	mmusim("amat --addr 0x1");
	cr_assert_eq(r.status, 2);
	cr_assert_str_eq(r.err, "mmusim: amat: unknown option '--addr' (see mmusim amat --help)\n");
	cr_assert_str_eq(r.out, "");
}

Test(mmusim_amat, a_bad_trace_line_names_the_file_and_line)
{
	write_trace("R 400000\nQ 12\n");
	char args[256], want[256];
	snprintf(args, sizeof args, "amat --format text --trace %s", trace_path);
	mmusim(args);
	unlink(trace_path);
	cr_assert_eq(r.status, 2);
	snprintf(want, sizeof want, "%s:2:", trace_path);
	cr_assert(strstr(r.err, want), "%s", r.err);
}
