/*
 * mmusim compare: one trace under a few named configurations, their figures side by side.
 *
 *   mmusim compare --set cr3.pcid=0 --set cr3.pcid=1 [--trace F] [--format F] [--preset P] [--config F]
 *                  [--common K=V]... [--seed N] [--engine fast|ticked] [--rows a,b,...] [--json]
 *
 * Each --set is one configuration (a column); it may set several keys at once, separated by commas
 * ("tlb.l2.entries=512,cr3.pcid=1"). --preset, --config and --common apply to every column first. The figures are
 * the names of `mmusim run --json`, taken from each run's typed results (mmusim_results.h), which its report prints:
 * the columns and the report never disagree.
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_sim.h"
#include "mmusim_compare.h"
#include "mmusim_drive.h"
#include "mmusim_results.h"

#ifndef MMU_DEFAULT_WORKLOAD
#define MMU_DEFAULT_WORKLOAD "workloads/default.lackey.gz"
#endif

#define CMP_MAX_CONFIGS 8
#define CMP_MAX_ROWS    48

static const char compare_usage[] =
    "usage: mmusim compare --set K=V[,K=V...] --set K=V[,K=V...] [--set ...] [options]\n"
    "  runs one trace once per --set (one configuration each, at most 8) and prints their figures in columns\n"
    "  --trace FILE       trace ('-' is not allowed: it is read once per configuration); default: the bundled "
    "workload\n"
    "  --format F         lackey, text or auto (default auto)\n"
    "  --preset NAME      --config FILE    --common K=V (repeatable)    --seed N: applied to every configuration\n"
    "  --engine E         fast (default) or ticked\n"
    "  --rows a,b,...     the figures to show, by their `mmusim run --json` names (default: misses, walks, AMAT, ...)\n"
    "  --json             one JSON object: {\"trace\", \"configurations\": [{\"name\", \"report\": {...}}]}\n";

static const char default_rows[] =
    "references,context_switches,cr3_writes,os.demand_faults,tlb.l1i.misses,tlb.l1i.miss_rate,tlb.l1d.misses,"
    "tlb.l1d.miss_rate,tlb.l2.misses,tlb.l2.miss_rate,walks,walk_cycles.mean,pte_reads,cycles,amat_cycles";

typedef struct cmp_opts {
	const char *trace, *format, *preset, *config, *seed, *engine, *rows;
	const char *sets[CMP_MAX_CONFIGS];
	int nsets;
	const char **common;
	int ncommon;
	int json;
} cmp_opts_t;

static int cmp_fail(const char *what, const char *detail)
{
	fprintf(stderr, "mmusim compare: %s%s\n", what, detail);
	return 2;
}

static int parse_args(int argc, char **argv, cmp_opts_t *o)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!strcmp(a, "--json")) {
			o->json = 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(compare_usage, stdout);
			exit(0);
		}
		if (i + 1 >= argc)
			return cmp_fail("option needs a value: ", a);
		if (!strcmp(a, "--trace"))
			slot = &o->trace;
		else if (!strcmp(a, "--format"))
			slot = &o->format;
		else if (!strcmp(a, "--preset"))
			slot = &o->preset;
		else if (!strcmp(a, "--config"))
			slot = &o->config;
		else if (!strcmp(a, "--seed"))
			slot = &o->seed;
		else if (!strcmp(a, "--engine"))
			slot = &o->engine;
		else if (!strcmp(a, "--rows"))
			slot = &o->rows;
		else if (!strcmp(a, "--common"))
			slot = &o->common[o->ncommon++];
		else if (!strcmp(a, "--set")) {
			if (o->nsets == CMP_MAX_CONFIGS)
				return cmp_fail("too many configurations (at most 8 --set)", "");
			slot = &o->sets[o->nsets++];
		} else
			return cmp_fail("unknown option (see mmusim compare --help): ", a);
		*slot = argv[++i];
	}
	if (o->nsets == 0)
		return cmp_fail("no configuration: give one --set per column, e.g. --set cr3.pcid=0 --set cr3.pcid=1",
		                "");
	if (o->trace && !strcmp(o->trace, "-"))
		return cmp_fail("--trace -: standard input cannot be read once per configuration", "");
	return 0;
}

/* Applies "K=V" to cfg; what names the option for the message. */
static int apply_one(mmu_cfg_t *cfg, const char *kv, size_t len, const char *what)
{
	char buf[512], msg[512];
	if (len >= sizeof buf)
		return cmp_fail(what, ": setting too long");
	memcpy(buf, kv, len);
	buf[len] = 0;
	char *eq = strchr(buf, '=');
	if (!eq || eq == buf) {
		fprintf(stderr, "mmusim compare: %s '%s': expected KEY=VALUE\n", what, buf);
		return 2;
	}
	*eq = 0;
	if (mmu_cfg_set(cfg, buf, eq + 1, msg, sizeof msg)) {
		fprintf(stderr, "mmusim compare: %s: %s\n", what, msg);
		return 2;
	}
	return 0;
}

/* "K=V,K=V": each pair in order. */
static int apply_list(mmu_cfg_t *cfg, const char *list, const char *what)
{
	for (const char *p = list;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int rc = apply_one(cfg, p, len, what);
		if (rc || !comma)
			return rc;
		p = comma + 1;
	}
}

static int build_cfg(const cmp_opts_t *o, const char *set, mmu_cfg_t *cfg)
{
	char msg[512];
	mmu_cfg_default(cfg);
	if (o->preset && mmu_cfg_preset(cfg, o->preset, msg, sizeof msg))
		return cmp_fail("--preset: ", msg);
	if (o->config && mmu_cfg_load_file(cfg, o->config, msg, sizeof msg))
		return cmp_fail("", msg);
	for (int i = 0; i < o->ncommon; i++)
		if (apply_list(cfg, o->common[i], "--common"))
			return 2;
	if (o->seed && mmu_cfg_set(cfg, "seed", o->seed, msg, sizeof msg))
		return cmp_fail("--seed: ", msg);
	if (apply_list(cfg, set, "--set"))
		return 2;
	if (mmu_cfg_validate(cfg, msg, sizeof msg)) {
		fprintf(stderr, "mmusim compare: --set %s: %s\n", set, msg);
		return 2;
	}
	return 0;
}

/* One configuration's run, as the results `mmusim run --json` prints. */
static int run_one(const cmp_opts_t *o, const mmu_cfg_t *cfg, mmu_engine_t engine, results_t *res)
{
	const char *path = o->trace ? o->trace : MMU_DEFAULT_WORKLOAD;
	int fmt = mmu_trace_format_parse(o->format ? o->format : "auto");
	if (fmt < 0)
		return cmp_fail("--format: not one of lackey, text, auto: ", o->format);
	char msg[512];
	mmu_trace_t *t;
	if (mmu_trace_open(path, (mmu_trace_format_t)fmt, &t, msg, sizeof msg))
		return cmp_fail("", msg);
	mmu_sim_t *sim;
	if (mmu_sim_create(cfg, engine, &sim, msg, sizeof msg)) {
		mmu_trace_close(t);
		return cmp_fail("", msg);
	}
	int rc = drive_trace(sim, t, path, false);
	if (!rc) {
		run_info_t info = {
		    .trace = path,
		    .engine = engine == MMU_ENGINE_FAST ? "fast" : "ticked",
		    .preset = o->preset,
		    .config = o->config,
		};
		run_info_trace(&info, t);
		if (results_build_sim(res, &info, sim))
			rc = cmp_fail("out of memory for the results", "");
	}
	mmu_sim_destroy(sim);
	mmu_trace_close(t);
	return rc;
}

/* A figure as the report prints it: integers in full, reals with six decimals, text as is. */
static void cell(char *out, size_t cap, const results_t *res, const char *name)
{
	const result_t *v = results_find(res, name);
	if (v)
		result_format(v, out, cap);
	else
		snprintf(out, cap, "-");
}

static int split_rows(const char *list, char rows[][64], int *nrows, const results_t *report)
{
	*nrows = 0;
	for (const char *p = list; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= 64 || *nrows == CMP_MAX_ROWS)
			return cmp_fail("--rows: empty, too long or too many names in ", list);
		memcpy(rows[*nrows], p, len);
		rows[*nrows][len] = 0;
		if (!results_find(report, rows[*nrows]))
			return cmp_fail("--rows: no figure of that name in the report (see mmusim run --json): ",
			                rows[*nrows]);
		(*nrows)++;
		p = comma ? comma + 1 : p + len;
	}
	return *nrows ? 0 : cmp_fail("--rows: no names given", "");
}

static void print_text(const cmp_opts_t *o, const results_t *reports, char rows[][64], int nrows)
{
	size_t w0 = strlen("figure"), w[CMP_MAX_CONFIGS];
	char buf[96];
	for (int r = 0; r < nrows; r++)
		if (strlen(rows[r]) > w0)
			w0 = strlen(rows[r]);
	for (int c = 0; c < o->nsets; c++) {
		w[c] = strlen(o->sets[c]);
		for (int r = 0; r < nrows; r++) {
			cell(buf, sizeof buf, &reports[c], rows[r]);
			if (strlen(buf) > w[c])
				w[c] = strlen(buf);
		}
	}
	printf("mmusim compare: %s (%s), %d configuration%s\n\n", results_find(&reports[0], "trace")->v.s,
	       results_find(&reports[0], "format")->v.s, o->nsets, o->nsets == 1 ? "" : "s");
	printf("%-*s", (int)w0, "figure");
	for (int c = 0; c < o->nsets; c++)
		printf("  %*s", (int)w[c], o->sets[c]);
	putchar('\n');
	for (int r = 0; r < nrows; r++) {
		printf("%-*s", (int)w0, rows[r]);
		for (int c = 0; c < o->nsets; c++) {
			cell(buf, sizeof buf, &reports[c], rows[r]);
			printf("  %*s", (int)w[c], buf);
		}
		putchar('\n');
	}
}

static int print_json(const cmp_opts_t *o, const results_t *reports)
{
	cJSON *top = cJSON_CreateObject(), *arr = cJSON_CreateArray();
	int err = !top || !arr;
	if (!err) {
		err |= !cJSON_AddStringToObject(top, "trace", results_find(&reports[0], "trace")->v.s);
		cJSON_AddItemToObject(top, "configurations", arr);
	} else {
		cJSON_Delete(arr);
	}
	for (int c = 0; c < o->nsets && !err; c++) {
		cJSON *one = cJSON_CreateObject(), *report = results_json(&reports[c]);
		err |= !one || !report || !cJSON_AddStringToObject(one, "name", o->sets[c]) ||
		       !cJSON_AddItemToObject(one, "report", report);
		if (err) {
			cJSON_Delete(one);
			break;
		}
		cJSON_AddItemToArray(arr, one);
	}
	char *text = err ? NULL : cJSON_Print(top);
	cJSON_Delete(top);
	if (!text)
		return cmp_fail("cannot format the JSON output", "");
	printf("%s\n", text);
	cJSON_free(text);
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	cmp_opts_t o = {0};
	o.common = calloc((size_t)argc + 1, sizeof *o.common);
	if (!o.common)
		return cmp_fail("out of memory", "");
	int rc = parse_args(argc, argv, &o);
	mmu_engine_t engine = MMU_ENGINE_FAST;
	if (!rc && o.engine && !strcmp(o.engine, "ticked"))
		engine = MMU_ENGINE_TICKED;
	else if (!rc && o.engine && strcmp(o.engine, "fast"))
		rc = cmp_fail("--engine: not one of fast, ticked: ", o.engine);
	mmu_cfg_t cfgs[CMP_MAX_CONFIGS];
	for (int c = 0; c < o.nsets && !rc; c++)
		rc = build_cfg(&o, o.sets[c], &cfgs[c]);
	static results_t reports[CMP_MAX_CONFIGS];
	for (int c = 0; c < o.nsets && !rc; c++)
		rc = run_one(&o, &cfgs[c], engine, &reports[c]);
	static char rows[CMP_MAX_ROWS][64];
	int nrows = 0;
	if (!rc && !o.json)
		rc = split_rows(o.rows ? o.rows : default_rows, rows, &nrows, &reports[0]);
	if (!rc) {
		if (o.json)
			rc = print_json(&o, reports);
		else
			print_text(&o, reports, rows, nrows);
	}
	for (int c = 0; c < o.nsets; c++)
		results_free(&reports[c]);
	free(o.common);
	if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
		rc = cmp_fail("cannot write the output", "");
	return rc;
}
