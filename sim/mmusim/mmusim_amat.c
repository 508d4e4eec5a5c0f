/*
 * mmusim amat: a run, then its average translation time derived step by step from mmu_stats_derive() (the formula of
 * docs/timing.md, "Statistics and AMAT"), the substitution, the result beside the measured value, and the effective
 * access time with page faults. Text, Markdown for slides, or JSON.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mmu/mmu_sim.h"
#include "mmusim_drive.h"
#include "mmusim_lecture.h"
#include "mmusim_page.h"
#include "mmusim_results.h"
#include "mmusim_table.h"

typedef struct amat {
	const char *trace, *format;
	const char *shown; /* the trace as the report names it: no build-machine path for the bundled one */
	mmu_cfg_t cfg;
	mmu_stats_t st;
	mmu_stats_derived_t d;
	mmu_sim_stats_t ss;
	/* effective access time with faults, per reference */
	double ma, p, eat, eat_measured;
	/* with a memory limit: base pages swapped in / out per fault, and the mean fault service they give */
	uint64_t swap_in_frames, swap_out_frames;
	double s_in, s_out, service;
} amat_t;

static int simulate(amat_t *a, const char *path, const char *format, mmu_engine_t engine)
{
	char msg[512];
	mmu_trace_t *t;
	mmu_sim_t *sim;
	if (cli_trace_open(path, format, &t, msg, sizeof msg))
		return cli_fail("%s", msg);
	if (mmu_sim_create(&a->cfg, engine, &sim, msg, sizeof msg)) {
		mmu_trace_close(t);
		return cli_fail("%s", msg);
	}
	int rc = drive_trace(sim, t, path, false, false);
	a->format = mmu_trace_format_name(mmu_trace_format(t));
	mmu_stats_read(mmu_sim_mmu(sim), &a->st);
	a->ss = *mmu_sim_stats(sim);
	a->swap_in_frames = mmu_os_stats(mmu_sim_os(sim))->swap_in_frames;
	a->swap_out_frames = mmu_os_stats(mmu_sim_os(sim))->swap_out_frames;
	mmu_sim_destroy(sim);
	mmu_trace_close(t);
	return rc;
}

static double ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : 0.0;
}

/*
 * EAT = (1 - p) x ma + p x fault service, the textbook form: ma = AMAT + mem.latency (one translation, then the data
 * access at memory latency), p = demand faults per reference, fault service = os.fault_cycles, plus with a memory
 * limit s_in x os.swap_in_cycles + s_out x os.swap_out_cycles (base pages swapped in and out per fault, measured).
 * The measured value per reference is (translation cycles + fault service cycles) / references + mem.latency.
 */
static void derive(amat_t *a)
{
	mmu_stats_derive(&a->st, &a->d);
	double lat = a->cfg.mem.latency, fault = (double)a->cfg.os.fault_cycles;
	a->s_in = ratio(a->swap_in_frames, a->ss.demand_faults);
	a->s_out = ratio(a->swap_out_frames, a->ss.demand_faults);
	if (a->cfg.os.mem_frames)
		fault += a->s_in * (double)a->cfg.os.swap_in_cycles + a->s_out * (double)a->cfg.os.swap_out_cycles;
	a->service = fault;
	a->ma = a->d.amat_formula + lat;
	a->p = ratio(a->ss.demand_faults, a->ss.references);
	a->eat = (1.0 - a->p) * a->ma + a->p * fault;
	a->eat_measured = ratio(a->st.translation_cycles + a->ss.fault_service_cycles, a->ss.references) + lat;
}

typedef struct term {
	const char *name, *meaning;
	uint64_t num, den;
	double value;
	bool rate;                   /* printed with 6 decimals; times with 4 */
	const char *num_of, *den_of; /* the counters num and den are made of (names of mmu_stats.def, + and -) */
} term_t;

static size_t terms(const amat_t *a, term_t *t)
{
	const mmu_stats_t *s = &a->st;
	uint64_t l1m = s->l1i_misses + s->l1d_misses, walks = s->walks - s->walks_dirty;
	size_t n = 0;
	const char *l1m_of = "tlb.l1i.misses + tlb.l1d.misses", *walks_of = "walks - walks.dirty";
	t[n++] = (term_t){"hit_time",         "L1 lookup cycles per request",
	                  s->hit_time_cycles, s->requests,
	                  a->d.hit_time,      0,
	                  "hit_time_cycles",  "requests"};
	t[n++] = (term_t){"m1", "L1 TLB misses per request", l1m, s->requests, a->d.m1, 1, l1m_of, "requests"};
	t[n++] = (term_t){"t2",
	                  a->cfg.l2.entries ? "cycles from L1 miss to L2 result, per L1 miss"
	                                    : "cycles an L1 miss waits for the walker (no L2 TLB)",
	                  s->l2_stage_cycles,
	                  l1m,
	                  a->d.t2,
	                  0,
	                  "l2_stage_cycles",
	                  l1m_of};
	t[n++] =
	    (term_t){"m2",     a->cfg.l2.entries ? "walks per L1 miss (L2 TLB local miss rate)" : "walks per L1 miss",
	             walks,    l1m,
	             a->d.m2,  1,
	             walks_of, l1m_of};
	t[n++] = (term_t){"walk_penalty",      "cycles per miss walk",
	                  s->walk_cycles_miss, walks,
	                  a->d.walk_penalty,   0,
	                  "walk_cycles.miss",  walks_of};
	t[n++] = (term_t){"dirty_rate",    "dirty re-walks per request (T9)",
	                  s->walks_dirty,  s->requests,
	                  a->d.dirty_rate, 1,
	                  "walks.dirty",   "requests"};
	t[n++] = (term_t){"dirty_penalty",      "cycles per dirty re-walk",
	                  s->walk_cycles_dirty, s->walks_dirty,
	                  a->d.dirty_penalty,   0,
	                  "walk_cycles.dirty",  "walks.dirty"};
	return n;
}

static void fmt_value(const term_t *t, char *buf, size_t n)
{
	snprintf(buf, n, t->rate ? "%.6f" : "%.4f", t->value);
}

static const char *code(bool md)
{
	return md ? "`" : "";
}

static const char *indent(bool md)
{
	return md ? "" : "  ";
}

/* Derivations are monospaced: a fenced block in Markdown, indented lines in text. */
static void block_begin(FILE *out, bool md)
{
	fputs(md ? "\n```text\n" : "\n", out);
}

static void block_end(FILE *out, bool md)
{
	if (md)
		fputs("```\n", out);
}

static void print_terms(FILE *out, const amat_t *a, bool md)
{
	term_t t[8];
	size_t n = terms(a, t);
	table_t tab;
	table_init(&tab, 4, true);
	const char *head[] = {"term", "meaning", "measured", "value"};
	table_add(&tab, head);
	for (size_t i = 0; i < n; i++) {
		int r = table_row(&tab);
		char v[32];
		fmt_value(&t[i], v, sizeof v);
		table_set(&tab, r, 0, "%s%s%s", code(md), t[i].name, code(md));
		table_set(&tab, r, 1, "%s", t[i].meaning);
		table_set(&tab, r, 2, "%" PRIu64 " / %" PRIu64, t[i].num, t[i].den);
		table_set(&tab, r, 3, "%s", v);
	}
	table_print(out, &tab, "  ", md);
	char v[8][32];
	for (size_t i = 0; i < n; i++)
		fmt_value(&t[i], v[i], sizeof v[i]);
	block_begin(out, md);
	fprintf(out, "%sAMAT = %s + %s x (%s + %s x %s) + %s x %s\n", indent(md), v[0], v[1], v[2], v[3], v[4], v[5],
	        v[6]);
	fprintf(out, "%s     = %.4f cycles per translation (formula)\n", indent(md), a->d.amat_formula);
	fprintf(out, "%smeasured: translation_cycles / requests = %" PRIu64 " / %" PRIu64 "\n", indent(md),
	        a->st.translation_cycles, a->st.requests);
	fprintf(out, "%s     = %.4f cycles per translation\n", indent(md), a->d.amat_cycles);
	block_end(out, md);
}

static void print_levels(FILE *out, const amat_t *a, bool md)
{
	const mmu_stats_t *s = &a->st;
	table_t t;
	table_init(&t, 5, true);
	const char *head[] = {"level", "lookups", "misses", "miss rate", "time (cycles)"};
	table_add(&t, head);
	struct {
		const char *name;
		uint64_t acc, miss;
		double rate;
		unsigned lat;
		bool present;
	} rows[] = {
	    {"L1 ITLB", s->l1i_accesses, s->l1i_misses, a->d.l1i_miss_rate, a->cfg.l1i.hit_latency, true},
	    {"L1 DTLB", s->l1d_accesses, s->l1d_misses, a->d.l1d_miss_rate, a->cfg.l1d.hit_latency, true},
	    {"L2 TLB", s->l2_accesses, s->l2_misses, a->d.l2_miss_rate, a->cfg.l2.hit_latency, a->cfg.l2.entries != 0},
	};
	for (size_t i = 0; i < 3; i++) {
		if (!rows[i].present)
			continue;
		int r = table_row(&t);
		table_set(&t, r, 0, "%s", rows[i].name);
		table_set(&t, r, 1, "%" PRIu64, rows[i].acc);
		table_set(&t, r, 2, "%" PRIu64, rows[i].miss);
		table_set(&t, r, 3, "%.6f", rows[i].rate);
		table_set(&t, r, 4, "%u (hit latency)", rows[i].lat);
	}
	int r = table_row(&t);
	table_set(&t, r, 0, "page walk");
	table_set(&t, r, 1, "%" PRIu64 " walks", s->walks);
	table_set(&t, r, 4, "%.4f (mean; %u per access)", a->d.walk_cycles_mean, a->cfg.mem.latency + 1);
	fprintf(out, "\n%sper level%s\n%s", md ? "**" : "", md ? "**" : "", md ? "\n" : "");
	table_print(out, &t, "  ", md);
}

/* With a memory limit: the measured swap traffic per fault (os.mem_frames, README). */
static void swap_rows(table_t *t, const amat_t *a, bool md)
{
	int r = table_row(t);
	table_set(t, r, 0, "%ss_in%s", code(md), code(md));
	table_set(t, r, 1, "base pages swapped in per fault");
	table_set(t, r, 2, "%" PRIu64 " / %" PRIu64, a->swap_in_frames, a->ss.demand_faults);
	table_set(t, r, 3, "%.6f", a->s_in);
	r = table_row(t);
	table_set(t, r, 0, "%ss_out%s", code(md), code(md));
	table_set(t, r, 1, "base pages swapped out per fault");
	table_set(t, r, 2, "%" PRIu64 " / %" PRIu64, a->swap_out_frames, a->ss.demand_faults);
	table_set(t, r, 3, "%.6f", a->s_out);
}

static void print_eat(FILE *out, const amat_t *a, bool md)
{
	const char *ind = indent(md);
	uint64_t lat = a->cfg.mem.latency, fault = a->cfg.os.fault_cycles;
	fprintf(out, "\n%sEffective access time with page faults, per reference%s\n\n", md ? "**" : "", md ? "**" : "");
	fprintf(out, "%s%sEAT = (1 - p) x ma + p x fault_service%s\n\n", ind, code(md), code(md));
	table_t t;
	table_init(&t, 4, true);
	const char *head[] = {"term", "meaning", "measured", "value"};
	table_add(&t, head);
	int r = table_row(&t);
	table_set(&t, r, 0, "%sma%s", code(md), code(md));
	table_set(&t, r, 1, "memory access: AMAT + mem.latency (the data access)");
	table_set(&t, r, 2, "%.4f + %" PRIu64, a->d.amat_formula, lat);
	table_set(&t, r, 3, "%.4f", a->ma);
	r = table_row(&t);
	table_set(&t, r, 0, "%sp%s", code(md), code(md));
	table_set(&t, r, 1, "demand page faults per reference");
	table_set(&t, r, 2, "%" PRIu64 " / %" PRIu64, a->ss.demand_faults, a->ss.references);
	table_set(&t, r, 3, "%.6f", a->p);
	if (a->cfg.os.mem_frames) {
		swap_rows(&t, a, md);
		r = table_row(&t);
		table_set(&t, r, 0, "%sfault_service%s", code(md), code(md));
		table_set(&t, r, 1, "os.fault_cycles + s_in x os.swap_in_cycles + s_out x os.swap_out_cycles");
		table_set(&t, r, 2, "%" PRIu64 " + %.6f x %" PRIu64 " + %.6f x %" PRIu64, fault, a->s_in,
		          a->cfg.os.swap_in_cycles, a->s_out, a->cfg.os.swap_out_cycles);
		table_set(&t, r, 3, "%.4f", a->service);
		table_print(out, &t, "  ", md);
		block_begin(out, md);
		fprintf(out, "%sEAT = (1 - %.6f) x %.4f + %.6f x %.4f\n", indent(md), a->p, a->ma, a->p, a->service);
	} else {
		r = table_row(&t);
		table_set(&t, r, 0, "%sfault_service%s", code(md), code(md));
		table_set(&t, r, 1, "OS fault handler (os.fault_cycles)");
		table_set(&t, r, 2, "%" PRIu64, fault);
		table_set(&t, r, 3, "%" PRIu64, fault);
		table_print(out, &t, "  ", md);
		block_begin(out, md);
		fprintf(out, "%sEAT = (1 - %.6f) x %.4f + %.6f x %" PRIu64 "\n", indent(md), a->p, a->ma, a->p, fault);
	}
	fprintf(out, "%s    = %.4f cycles per reference (formula)\n", indent(md), a->eat);
	fprintf(out, "%smeasured: (translation_cycles + fault service cycles) / references + mem.latency\n",
	        indent(md));
	fprintf(out, "%s    = (%" PRIu64 " + %" PRIu64 ") / %" PRIu64 " + %" PRIu64 " = %.4f cycles per reference\n",
	        indent(md), a->st.translation_cycles, a->ss.fault_service_cycles, a->ss.references, lat,
	        a->eat_measured);
	block_end(out, md);
	fprintf(
	    out,
	    "%sThe textbook form charges a faulting reference the fault service only; in the model it also pays\n"
	    "%sthe translation that faulted and the retried one, and an access that crosses a page translates twice.\n",
	    md ? "\n" : "\n  ", indent(md));
}

static void print_report(FILE *out, const amat_t *a, bool md)
{
	fprintf(out, "%smmusim amat: %s (%s)\n", md ? "### " : "", a->shown, a->format);
	fprintf(out, "%s%s%" PRIu64 " references, %" PRIu64 " translation requests, %" PRIu64 " demand faults\n\n",
	        md ? "\n" : "", md ? "" : "  ", a->ss.references, a->st.requests, a->ss.demand_faults);
	fprintf(out, "%s%sAMAT = hit_time + m1 x (t2 + m2 x walk_penalty) + dirty_rate x dirty_penalty%s\n\n",
	        md ? "" : "  ", code(md), code(md));
	print_terms(out, a, md);
	print_levels(out, a, md);
	print_eat(out, a, md);
}

static int add_f(cJSON *o, const char *name, double v)
{
	char buf[48];
	snprintf(buf, sizeof buf, "%.6f", v);
	return cJSON_AddItemToObject(o, name, cJSON_CreateRaw(buf)) ? 0 : -1;
}

static int add_u(cJSON *o, const char *name, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return cJSON_AddItemToObject(o, name, cJSON_CreateRaw(buf)) ? 0 : -1;
}

/* A counter of the run by its name (mmu_stats.def, mmu_sim_stats.def): value and description. */
static bool counter(const amat_t *a, const char *name, size_t len, uint64_t *value, const char **what)
{
	static const struct {
		const char *name, *what;
		size_t off;
		bool sim;
	} known[] = {
#define MMU_STAT(field, name, unit, description) {name, description, offsetof(mmu_stats_t, field), false},
#include "mmu/mmu_stats.def"
#undef MMU_STAT
#define MMU_SIM_STAT(field, name, unit, group, description) {name, description, offsetof(mmu_sim_stats_t, field), true},
#include "mmu/mmu_sim_stats.def"
#undef MMU_SIM_STAT
	};
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		if (strlen(known[i].name) != len || strncmp(known[i].name, name, len))
			continue;
		const char *base = known[i].sim ? (const char *)&a->ss : (const char *)&a->st;
		memcpy(value, base + known[i].off, sizeof *value);
		*what = known[i].what;
		return true;
	}
	return false;
}

/* Each counter an expression names, once, into the "counters" array (in order of first use). */
static int add_counters(cJSON *arr, const amat_t *a, const char *expr)
{
	for (const char *p = expr; *p;) {
		size_t len = strcspn(p, " ");
		uint64_t v;
		const char *what;
		bool known = false;
		for (cJSON *c = arr->child; c && !known; c = c->next)
			known = strlen(cJSON_GetObjectItem(c, "name")->valuestring) == len &&
			        !strncmp(cJSON_GetObjectItem(c, "name")->valuestring, p, len);
		if (len > 1 && !known) {
			if (!counter(a, p, len, &v, &what))
				return -1; /* a name the tables do not know: a typo in this file */
			cJSON *c = cJSON_CreateObject();
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)len, p);
			if (!c || !cJSON_AddItemToArray(arr, c) || !cJSON_AddStringToObject(c, "name", name) ||
			    add_u(c, "value", v) || !cJSON_AddStringToObject(c, "description", what))
				return -1;
		}
		p += len;
		p += strspn(p, " ");
	}
	return 0;
}

/* Each term with where it was measured: the page links the formula to these, and these to the counters. */
static int json_terms(cJSON *o, const amat_t *a, const term_t *t, size_t n)
{
	cJSON *terms = cJSON_CreateArray(), *counters = cJSON_CreateArray();
	int err = !terms || !cJSON_AddItemToObject(o, "terms", terms);
	err |= !counters || !cJSON_AddItemToObject(o, "counters", counters);
	for (size_t i = 0; i < n && !err; i++) {
		cJSON *x = cJSON_CreateObject();
		err |= !x || !cJSON_AddItemToArray(terms, x);
		err |= err || !cJSON_AddStringToObject(x, "name", t[i].name) ||
		       !cJSON_AddStringToObject(x, "meaning", t[i].meaning);
		err |= err || add_u(x, "num", t[i].num) || add_u(x, "den", t[i].den) || add_f(x, "value", t[i].value);
		err |= err || !cJSON_AddStringToObject(x, "num_of", t[i].num_of) ||
		       !cJSON_AddStringToObject(x, "den_of", t[i].den_of);
		err |= err || add_counters(counters, a, t[i].num_of) || add_counters(counters, a, t[i].den_of);
	}
	err |=
	    err || add_counters(counters, a, "translation_cycles references os.demand_faults os.fault_service_cycles");
	return err ? -1 : 0;
}

static cJSON *build_json(const amat_t *a)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	term_t t[8];
	size_t n = terms(a, t);
	int err = !cJSON_AddStringToObject(o, "trace", a->shown);
	err |= add_u(o, "references", a->ss.references) | add_u(o, "requests", a->st.requests);
	for (size_t i = 0; i < n; i++)
		err |= add_f(o, t[i].name, t[i].value);
	err |= add_f(o, "amat_formula", a->d.amat_formula) | add_f(o, "amat_measured", a->d.amat_cycles);
	err |= add_u(o, "mem_latency", a->cfg.mem.latency) | add_u(o, "fault_service", a->cfg.os.fault_cycles);
	err |= add_u(o, "demand_faults", a->ss.demand_faults);
	err |= add_f(o, "ma", a->ma) | add_f(o, "p", a->p) | add_f(o, "eat", a->eat);
	err |= add_f(o, "eat_measured", a->eat_measured);
	if (a->cfg.os.mem_frames) {
		err |= add_u(o, "swap_in_frames", a->swap_in_frames) | add_u(o, "swap_out_frames", a->swap_out_frames);
		err |= add_f(o, "s_in", a->s_in) | add_f(o, "s_out", a->s_out) |
		       add_f(o, "fault_service_mean", a->service);
	}
	err |= err || json_terms(o, a, t, n);
	if (err) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

static int print_json(FILE *out, const amat_t *a)
{
	cJSON *o = build_json(a);
	return o ? json_print(out, o) : -1;
}

static int write_page(const amat_t *a, const char *path, bool replace)
{
	cJSON *data = build_json(a);
	if (!data)
		return cli_fail("amat: cannot build the JSON");
	char title[512];
	snprintf(title, sizeof title, "mmusim amat: %s", a->shown);
	int rc = page_write(path, replace, PAGE_AMAT, title, data);
	cJSON_Delete(data);
	return rc;
}

static const char usage[] =
    "usage: mmusim amat [--trace F] [--format F] [--preset P] [--config F] [--set K=V]... [--seed N]\n"
    "                   [--engine fast|ticked] [--markdown | --json] [--html FILE [--force]]\n"
    "  a run, then its AMAT derived step by step, then the effective access time with page faults\n";

int cmd_amat(int argc, char **argv)
{
	lecture_opts_t o = {0};
	const cli_option_t table[] = {
	    {"trace", 0, CLI_VALUE, "FILE", &o.trace,
	     "trace to simulate ('-' = stdin; gzip read directly). Default: the bundled workload"},
	    {"format", 0, CLI_VALUE, "F", &o.format,
	     "lackey, text, champsim, champsim-cloudsuite, din or auto\n(default auto; README, Traces)"},
	    CLI_CFG_OPTIONS(&o.cfg),
	    {"engine", 0, CLI_VALUE, "E", &o.engine, "fast (default) or ticked"},
	    {"markdown", 0, CLI_FLAG, NULL, &o.markdown, "the derivation as Markdown, for slides"},
	    {"json", 0, CLI_FLAG, NULL, &o.json, "every term and result as one JSON object"},
	    {"html", 0, CLI_VALUE, "FILE", &o.html,
	     "also write the derivation as one self-contained HTML page, each term linked to its counters"},
	    {"force", 0, CLI_FLAG, NULL, &o.force, "with --html: replace FILE if it exists"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "amat",
	                         .usage = usage,
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0]};
	int rc;
	if (!cli_parse(&spec, argc, argv, &rc)) {
		cli_free(&spec);
		return rc;
	}
	amat_t *a = calloc(1, sizeof *a);
	if (!a) {
		cli_free(&spec);
		return cli_fail("out of memory");
	}
	rc = cli_config(&o.cfg, &a->cfg);
	mmu_engine_t engine = MMU_ENGINE_FAST;
	if (!rc)
		rc = cli_engine(o.engine, &engine);
	if (!rc && o.json && o.markdown)
		rc = cli_fail("amat: --json and --markdown exclude each other");
	char msg[512];
	if (!rc && o.force && !o.html)
		rc = cli_fail("amat: --force replaces the file of --html: give --html FILE");
	if (!rc && o.html && cli_out_check(o.html, o.force, msg, sizeof msg))
		rc = cli_fail("%s", msg);
	a->trace = cli_trace_path(o.trace);
	a->shown = o.trace ? o.trace : "the bundled workload, workloads/default.lackey.gz";
	if (!rc)
		rc = simulate(a, a->trace, o.format, engine);
	if (!rc) {
		derive(a);
		if (o.json)
			rc = print_json(stdout, a) ? cli_fail("amat: cannot build the JSON") : 0;
		else
			print_report(stdout, a, o.markdown);
		if (!rc && o.html)
			rc = write_page(a, o.html, o.force);
	}
	cli_free(&spec);
	free(a);
	return rc;
}
