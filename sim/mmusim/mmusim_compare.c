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

#include "cli.h"
#include "mmu/mmu_sim.h"
#include "mmusim_compare.h"
#include "mmusim_drive.h"
#include "mmusim_results.h"

#define CMP_MAX_CONFIGS 8
#define CMP_MAX_ROWS    48

static const char compare_usage[] =
    "usage: mmusim compare --set K=V[,K=V...] --set K=V[,K=V...] [--set ...] [options]\n"
    "  runs one trace once per --set (one configuration each, at most 8) and prints their figures in columns;\n"
    "  --preset, --config, --common and --seed apply to every configuration, before its --set\n";

static const char default_rows[] =
    "references,context_switches,cr3_writes,os.demand_faults,tlb.l1i.misses,tlb.l1i.miss_rate,tlb.l1d.misses,"
    "tlb.l1d.miss_rate,tlb.l2.misses,tlb.l2.miss_rate,walks,walk_cycles.mean,pte_reads,cycles,amat_cycles";

typedef struct cmp_opts {
	const char *trace, *format, *preset, *config, *seed, *engine, *rows;
	const char *sets[CMP_MAX_CONFIGS];
	int nsets;
	cli_list_t common;
	bool json;
} cmp_opts_t;

/* Returns 0, or the exit status to end with (0 after --help: nsets is then 0). */
static int parse_args(int argc, char **argv, cmp_opts_t *o)
{
	cli_list_t sets;
	const cli_option_t table[] = {
	    {"set", 0, CLI_LIST, "K=V[,K=V...]", &sets, "one configuration, a column (at most 8)"},
	    {"trace", 0, CLI_VALUE, "FILE", &o->trace,
	     "trace; default: the bundled workload ('-' is not allowed: it is read once per\nconfiguration)"},
	    {"format", 0, CLI_VALUE, "F", &o->format,
	     "lackey, text, champsim, champsim-cloudsuite, din or auto\n(default auto; README, Traces)"},
	    {"preset", 0, CLI_VALUE, "NAME", &o->preset, "start every configuration from a named one"},
	    {"config", 0, CLI_VALUE, "FILE", &o->config, "INI config file, applied to every configuration"},
	    {"common", 0, CLI_LIST, "K=V[,K=V...]", &o->common, "settings of every configuration"},
	    {"seed", 0, CLI_VALUE, "N", &o->seed, "the seed of every configuration (applied last)"},
	    {"engine", 0, CLI_VALUE, "E", &o->engine, "fast (default) or ticked"},
	    {"rows", 0, CLI_VALUE, "a,b,...", &o->rows,
	     "the figures to show, by their `mmusim run --json` names\n(default: misses, walks, AMAT, ...)"},
	    {"json", 0, CLI_FLAG, NULL, &o->json,
	     "one JSON object: {\"trace\", \"configurations\": [{\"name\", \"report\": {...}}]}"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "compare",
	                         .usage = compare_usage,
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0]};
	int rc;
	o->nsets = 0;
	if (!cli_parse(&spec, argc, argv, &rc)) {
		cli_free(&spec);
		return rc;
	}
	if (sets.n == 0)
		rc = cli_fail("compare: no configuration: give one --set per column, e.g. --set cr3.pcid=0 --set "
		              "cr3.pcid=1");
	else if (sets.n > CMP_MAX_CONFIGS)
		rc = cli_fail("compare: too many configurations (at most 8 --set)");
	else if (o->trace && !strcmp(o->trace, "-"))
		rc = cli_fail("compare: --trace -: standard input cannot be read once per configuration");
	for (size_t i = 0; !rc && i < sets.n; i++)
		o->sets[o->nsets++] = sets.items[i];
	cli_list_free(&sets);
	return rc;
}

/* One column: --preset, --config, --common (each K=V as one --set), the column's --set, --seed; validated. */
static int build_cfg(const cmp_opts_t *o, const char *set, mmu_cfg_t *cfg)
{
	const mmu_cfg_args_t groups[] = {
	    {.option = "--common", .args = o->common.items, .nargs = o->common.n, .lists = true},
	    {.option = "--set", .args = &set, .nargs = 1, .lists = true},
	};
	mmu_cfg_sources_t src = {
	    .preset = o->preset, .file = o->config, .seed = o->seed, .groups = groups, .ngroups = 2};
	mmu_cfg_default(cfg);
	return cli_cfg_build(cfg, &src);
}

/* One configuration's run, as the results `mmusim run --json` prints. */
static int run_one(const cmp_opts_t *o, const mmu_cfg_t *cfg, mmu_engine_t engine, results_t *res)
{
	const char *path = cli_trace_path(o->trace);
	char msg[512];
	mmu_trace_t *t;
	if (cli_trace_open(path, o->format, &t, msg, sizeof msg))
		return cli_fail("%s", msg);
	mmu_sim_t *sim;
	if (mmu_sim_create(cfg, engine, &sim, msg, sizeof msg)) {
		mmu_trace_close(t);
		return cli_fail("%s", msg);
	}
	int rc = drive_trace(sim, t, path, false, false);
	if (!rc) {
		run_info_t info = {
		    .trace = path,
		    .engine = engine == MMU_ENGINE_FAST ? "fast" : "ticked",
		    .preset = o->preset,
		    .config = o->config,
		};
		run_info_trace(&info, t);
		if (results_build_sim(res, &info, sim))
			rc = cli_fail("compare: out of memory for the results");
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
			return cli_fail("compare: --rows: empty, too long or too many names in %s", list);
		memcpy(rows[*nrows], p, len);
		rows[*nrows][len] = 0;
		if (!results_find(report, rows[*nrows]))
			return cli_fail(
			    "compare: --rows: no figure of that name in the report (see mmusim run --json): %s",
			    rows[*nrows]);
		(*nrows)++;
		p = comma ? comma + 1 : p + len;
	}
	return *nrows ? 0 : cli_fail("compare: --rows: no names given");
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
		return cli_fail("compare: cannot format the JSON output");
	printf("%s\n", text);
	cJSON_free(text);
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	cmp_opts_t o = {0};
	int rc = parse_args(argc, argv, &o);
	if (!rc && !o.nsets) /* --help */
		return 0;
	mmu_engine_t engine = MMU_ENGINE_FAST;
	if (!rc)
		rc = cli_engine(o.engine, &engine);
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
	cli_list_free(&o.common);
	return rc;
}
