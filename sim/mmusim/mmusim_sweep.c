/*
 * mmusim sweep --trace F --sweep KEY=V1,V2,... [--sweep ...] [--preset P] [--config F] [--set K=V]... [--seed N]
 *              [-j N] [-o DIR [--force]]
 *
 * The trace is decoded once into memory (mmusim_sweep_trace.h) and every configuration of the cross product replays
 * it on its own thread. Invalid combinations (mmu_cfg_validate) are skipped: a line on stderr, a row whose status
 * says why. Results are kept per configuration and written in cross-product order, so the output does not depend on
 * the number of threads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mmu/mmu.h"
#include "mmusim_sweep.h"

#define MAX_POINTS 100000

static const char usage[] =
    "usage: mmusim sweep [--trace FILE] --sweep KEY=V1,V2,... [--sweep KEY=...]... [options]\n"
    "  simulates the cross product of the swept keys (first --sweep outermost) on one trace, decoded once;\n"
    "  invalid combinations (e.g. ways that do not divide entries) are skipped: their row's status says why\n";

typedef struct sweep_opts {
	const char *trace, *format, *out, *jobs, *method;
	bool force;
	cli_cfg_opts_t cfg; /* preset, config, sets, seed: as the other commands take them */
	cli_list_t sweeps;
} sweep_opts_t;

/* Whether the sweep should run; if not, *rc is the exit status (0 after --help). */
static bool parse_args(int argc, char **argv, sweep_opts_t *o, int *rc)
{
	const cli_option_t table[] = {
	    {"sweep", 0, CLI_LIST, "KEY=V1,...", &o->sweeps,
	     "a configuration key (mmusim config --list) and its values, as --set takes them"},
	    {"trace", 0, CLI_VALUE, "FILE", &o->trace,
	     "trace to simulate ('-' = stdin; gzip read directly). Default: the bundled workload"},
	    {"format", 0, CLI_VALUE, "F", &o->format, "lackey, text or auto (default auto)"},
	    CLI_CFG_OPTIONS(&o->cfg),
	    {"jobs", 'j', CLI_VALUE, "N", &o->jobs, "threads (default: the number of CPUs)"},
	    {"out", 'o', CLI_VALUE, "DIR", &o->out,
	     "write DIR/sweep.csv and plots of miss rate and AMAT (gnuplot), print a table;\n"
	     "without -o the CSV goes to stdout"},
	    {"force", 0, CLI_FLAG, NULL, &o->force, "overwrite the files of an earlier sweep in DIR"},
	    {"method", 0, CLI_VALUE, "M", &o->method,
	     "sim (default): every configuration simulated, every figure of the report;\n"
	     "stackdist: one pass for all sizes of one fully-associative LRU L1 TLB\n"
	     "(--sweep tlb.l1d.entries=... or tlb.l1i.entries=...), that TLB's figures only"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "sweep",
	                         .usage = usage,
	                         .notes = "  --preset, --config, --set and --seed apply before the swept keys\n",
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0]};
	if (!cli_parse(&spec, argc, argv, rc))
		return false;
	if (!o->sweeps.n)
		*rc = cli_fail("sweep: at least one --sweep KEY=V1,V2,... is needed (see mmusim sweep --help)");
	return *rc == 0;
}

/* Checks one --sweep argument on its own: key known, values present, distinct and valid for the key's type. */
static int parse_axis(const char *arg, const mmu_cfg_t *base, sweep_axis_t *ax)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return cli_fail("--sweep '%s': expected KEY=V1,V2,...", arg);
	ax->key = strndup(arg, (size_t)(eq - arg));
	char *list = strdup(eq + 1);
	if (!ax->key || !list) {
		free(list);
		return cli_fail("out of memory");
	}
	size_t cap = 1;
	for (const char *p = list; *p; p++)
		cap += *p == ',';
	ax->values = calloc(cap, sizeof *ax->values);
	if (!ax->values) {
		free(list);
		return cli_fail("out of memory");
	}
	char *save = list;
	for (size_t i = 0; i < cap; i++) {
		char *comma = strchr(save, ',');
		if (comma)
			*comma = 0;
		if (!*save) {
			free(list);
			return cli_fail("--sweep '%s': value %zu of %s is empty", arg, i + 1, ax->key);
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(ax->values[j], save)) {
				int rc = cli_fail("--sweep '%s': value '%s' is listed twice", arg, save);
				free(list);
				return rc;
			}
		mmu_cfg_t probe = *base;
		char msg[512];
		if (mmu_cfg_set(&probe, ax->key, save, msg, sizeof msg)) {
			free(list);
			return cli_fail("--sweep '%s': %s", arg, msg);
		}
		ax->values[ax->nvalues++] = strdup(save);
		save = comma ? comma + 1 : save + strlen(save);
	}
	free(list);
	return 0;
}

/* The cross product, first axis outermost; each point validated (an invalid one is kept, marked skipped). */
static int build_points(sweep_t *sw, const mmu_cfg_t *base)
{
	size_t n = 1;
	for (size_t a = 0; a < sw->naxes; a++) {
		if (n > MAX_POINTS / sw->axes[a].nvalues)
			return cli_fail("sweep: more than %d configurations", MAX_POINTS);
		n *= sw->axes[a].nvalues;
	}
	sw->points = calloc(n, sizeof *sw->points);
	if (!sw->points)
		return cli_fail("out of memory");
	sw->npoints = n;
	for (size_t i = 0; i < n; i++) {
		sweep_point_t *pt = &sw->points[i];
		pt->at = calloc(sw->naxes, sizeof *pt->at);
		if (!pt->at)
			return cli_fail("out of memory");
		pt->cfg = *base;
		size_t rest = i;
		for (size_t a = sw->naxes; a-- > 0;) {
			pt->at[a] = rest % sw->axes[a].nvalues;
			rest /= sw->axes[a].nvalues;
		}
		char msg[512];
		for (size_t a = 0; a < sw->naxes; a++)
			if (mmu_cfg_set(&pt->cfg, sw->axes[a].key, sw->axes[a].values[pt->at[a]], msg, sizeof msg))
				return cli_fail("--sweep: %s", msg); /* checked per value already: cannot happen */
		if (mmu_cfg_validate(&pt->cfg, msg, sizeof msg) && !(pt->skip = strdup(msg)))
			return cli_fail("out of memory");
	}
	return 0;
}

/*
 * The compaction's parameters: the smallest base page of the sweep (repeats are grouped by pages no larger than any
 * configuration's) and the smallest L1 TLB (pairs per port: more than it holds would make windows fall back often).
 */
static int compaction(const sweep_t *sw, unsigned *page_bits, unsigned *pairs)
{
	*page_bits = 63;
	*pairs = SWEEP_KEYS_MAX;
	for (size_t i = 0; i < sw->npoints; i++) {
		if (sw->points[i].skip)
			continue;
		mmu_t *m;
		char msg[512];
		if (mmu_create(&sw->points[i].cfg, &m, msg, sizeof msg))
			return cli_fail("configuration %zu: %s", i + 1, msg);
		if (mmu_paging(m)->page_bits < *page_bits)
			*page_bits = mmu_paging(m)->page_bits;
		for (unsigned id = MMU_TLB_L1I; id <= MMU_TLB_L1D; id++) {
			const mmu_tlb_t *t = mmu_tlb(m, (mmu_tlb_id_t)id);
			if (mmu_tlb_sets(t) * mmu_tlb_ways(t) < *pairs)
				*pairs = mmu_tlb_sets(t) * mmu_tlb_ways(t);
		}
		mmu_destroy(m);
	}
	return 0;
}

/*
 * -o DIR: created if missing; files of an earlier sweep there are kept unless --force; a symbolic link or anything
 * but a regular file under one of their names is refused, --force or not. Checked before the sweep runs, again when
 * each file is written.
 */
static int prepare_dir(const char *dir, bool force)
{
	struct stat sb;
	if (stat(dir, &sb) != 0) {
		if (mkdir(dir, 0777) != 0)
			return cli_fail("-o %s: cannot create the directory: %s", dir, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(sb.st_mode))
		return cli_fail("-o %s: exists and is not a directory", dir);
	for (const char *const *f = sweep_output_files; *f; f++) {
		char path[4096], msg[4200];
		snprintf(path, sizeof path, "%s/%s", dir, *f);
		switch (cli_out_check(path, force, msg, sizeof msg)) {
		case CLI_OUT_OK:
			break;
		case CLI_OUT_EXISTS:
			return cli_fail("-o %s: %s exists; not overwritten (use --force, or another directory)", dir,
			                *f);
		case CLI_OUT_LINK:
			return cli_fail(
			    "-o %s: %s is a symbolic link; nothing is written through a link (remove it first)", dir,
			    *f);
		case CLI_OUT_NOT_FILE:
			return cli_fail("-o %s: %s exists and is not a regular file; not replaced", dir, *f);
		default:
			return cli_fail("%s", msg);
		}
	}
	return 0;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int fill_csv(FILE *f, const void *sw)
{
	return sweep_write_csv(sw, f);
}

static int fill_provenance(FILE *f, const void *sw)
{
	return sweep_write_provenance(sw, f);
}

static bool written(const cli_out_t *outs, size_t n, const char *path)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(outs[i].path, path))
			return true;
	return false;
}

/* After --force: plots of an earlier sweep that this one did not draw would pass for its own. */
static void remove_stale_plots(const char *dir, const cli_out_t *outs, size_t n)
{
	for (const char *const *f = sweep_output_files; *f; f++) {
		char path[4096];
		struct stat sb;
		snprintf(path, sizeof path, "%s/%s", dir, *f);
		if ((strstr(*f, ".png") || strstr(*f, ".svg")) && !written(outs, n, path) && lstat(path, &sb) == 0 &&
		    S_ISREG(sb.st_mode))
			unlink(path);
	}
}

/*
 * -o DIR: every file written whole to a temporary, then all renamed into place: an error or a signal leaves the
 * files of an earlier sweep as they were, never a mix of old and half-written ones.
 */
static int write_outputs(const sweep_t *sw, const char *dir, bool force)
{
	if (!dir)
		return sweep_write_csv(sw, stdout) ? cli_fail("writing the CSV: %s", strerror(errno)) : 0;
	cli_out_t outs[SWEEP_OUTPUT_FILES];
	size_t n = 0;
	char path[4096], msg[4600];
	snprintf(path, sizeof path, "%s/sweep.csv", dir);
	int plots = -1;
	if (!cli_out_fill(&outs[n], path, force, fill_csv, sw, msg, sizeof msg)) {
		n++;
		snprintf(path, sizeof path, "%s/sweep.provenance.json", dir);
		if (!cli_out_fill(&outs[n], path, force, fill_provenance, sw, msg, sizeof msg)) {
			n++;
			plots = sweep_write_plots(sw, dir, force, outs, &n, msg, sizeof msg);
		}
	}
	if (plots < 0) {
		cli_out_discard_all(outs, n);
		return cli_fail("%s", msg);
	}
	char why[4600];
	if (cli_out_commit_all(outs, n, why, sizeof why))
		return cli_fail("%s", why);
	if (force)
		remove_stale_plots(dir, outs, n);
	if (plots == SWEEP_PLOTS_GNUPLOT_FAILED)
		return cli_fail("%s: no plots (%s/sweep.csv is written)", msg, dir);
	sweep_write_table(sw, stdout);
	if (plots == SWEEP_PLOTS_NO_GNUPLOT)
		fprintf(stderr, "mmusim sweep: %s\n", msg); /* the CSV is written: plots are an extra */
	else /* every file, or all but the AMAT plots (--method stackdist) */
		fprintf(stderr,
		        "mmusim sweep: wrote %s/sweep.csv (provenance: %s/sweep.provenance.json), "
		        "%s/miss_rate.{png,svg}%s%s%s\n",
		        dir, dir, dir, n == SWEEP_OUTPUT_FILES ? ", " : "", n == SWEEP_OUTPUT_FILES ? dir : "",
		        n == SWEEP_OUTPUT_FILES ? "/amat.{png,svg}" : "");
	return 0;
}

/* The trace, decoded once; its name, format, size and checksum go into the provenance (sw->info). */
static int load_trace(const sweep_opts_t *o, unsigned page_bits, unsigned pairs, sweep_trace_t *st, run_info_t *info)
{
	char msg[512];
	mmu_trace_t *t;
	const char *path = cli_trace_path(o->trace);
	if (cli_trace_open(path, o->format, &t, msg, sizeof msg))
		return cli_fail("%s", msg);
	int err = sweep_trace_load(st, t, page_bits, pairs, msg, sizeof msg);
	info->trace = path;
	run_info_trace(info, t);
	mmu_trace_close(t);
	return err ? cli_fail("%s", msg) : 0;
}

/*
 * --preset, --config, --set and --seed in that order, as for run; not validated here: a base that only the swept
 * values make valid (--set tlb.l1d.ways=128 --sweep tlb.l1d.entries=128,256) is fine, each point is validated.
 */
static int base_config(const cli_cfg_opts_t *o, mmu_cfg_t *cfg)
{
	mmu_cfg_sources_t src = cli_cfg_sources(o);
	src.unvalidated = true;
	mmu_cfg_default(cfg);
	return cli_cfg_build(cfg, &src);
}

static int sweep_main(sweep_opts_t *o, sweep_t *sw)
{
	mmu_cfg_t base;
	int rc = base_config(&o->cfg, &base);
	if (rc)
		return rc;
	uint64_t jobs = (uint64_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (o->jobs && (!cli_number(o->jobs, &jobs) || jobs < 1 || jobs > 1024))
		return cli_fail("-j '%s': expected a number of threads from 1 to 1024", o->jobs);
	sw->axes = calloc(o->sweeps.n, sizeof *sw->axes);
	if (!sw->axes)
		return cli_fail("out of memory");
	for (size_t i = 0; i < o->sweeps.n; i++) {
		sw->naxes++; /* counted first: sweep_free() frees what a failed parse_axis() left */
		if ((rc = parse_axis(o->sweeps.items[i], &base, &sw->axes[i])))
			return rc;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(sw->axes[j].key, sw->axes[i].key))
				return cli_fail("--sweep '%s': %s is already swept", o->sweeps.items[i],
				                sw->axes[i].key);
	}
	if ((rc = build_points(sw, &base)))
		return rc;
	size_t skipped = 0;
	for (size_t i = 0; i < sw->npoints; i++)
		if (sw->points[i].skip) {
			skipped++;
			fprintf(stderr, "mmusim sweep: configuration %zu skipped: %s\n", i + 1, sw->points[i].skip);
		}
	if (skipped == sw->npoints)
		return cli_fail("sweep: every one of the %zu configurations is invalid (see above)", sw->npoints);
	bool stackdist = o->method && !strcmp(o->method, "stackdist");
	if (o->method && !stackdist && strcmp(o->method, "sim"))
		return cli_fail("--method: '%s' is not one of sim, stackdist", o->method);
	sweep_stackdist_t sd;
	char why[512];
	if (stackdist && sweep_stackdist_check(sw, &sd, why, sizeof why))
		return cli_fail("%s", why);
	unsigned page_bits, pairs;
	if ((rc = compaction(sw, &page_bits, &pairs)))
		return rc;
	if (o->out && (rc = prepare_dir(o->out, o->force)))
		return rc;
	double t0 = now();
	sweep_trace_t st;
	sw->base = base;
	sw->info.preset = o->cfg.preset;
	sw->info.config = o->cfg.config;
	sw->info.engine = stackdist ? "stackdist" : "fast";
	if ((rc = load_trace(o, page_bits, pairs, &st, &sw->info)))
		return rc;
	double t1 = now();
	char msg[700];
	rc = stackdist ? sweep_stackdist_run(sw, &sd, &st, msg, sizeof msg) ? 2 : 0
	               : sweep_run(sw, &st, (unsigned)jobs, msg, sizeof msg);
	double t2 = now();
	fprintf(stderr,
	        "mmusim sweep: %llu references read once in %.2f s (%zu kept, %llu repeats in %zu runs); %zu "
	        "configurations (%zu "
	        "skipped) on %u threads in %.2f s\n",
	        (unsigned long long)st.references, t1 - t0, st.nrecs, (unsigned long long)st.nrepeats, st.nruns,
	        sw->npoints, skipped, (unsigned)jobs, t2 - t1);
	sweep_trace_free(&st);
	if (rc)
		return cli_fail("%s", msg);
	return write_outputs(sw, o->out, o->force);
}

static void sweep_free(sweep_t *sw)
{
	for (size_t a = 0; a < sw->naxes; a++) {
		for (size_t v = 0; v < sw->axes[a].nvalues; v++)
			free(sw->axes[a].values[v]);
		free(sw->axes[a].values);
		free(sw->axes[a].key);
	}
	free(sw->axes);
	for (size_t i = 0; i < sw->npoints; i++) {
		sweep_point_t *pt = &sw->points[i];
		free(pt->at);
		free(pt->skip);
		if (pt->res) /* not aligned: an error stopped the sweep */
			results_free(pt->res);
		free(pt->res);
		free(pt->stats);
	}
	free(sw->points);
	for (size_t s = 0; s < sw->nstats; s++)
		free(sw->stat_names[s]);
	free(sw->stat_names);
}

int cmd_sweep(int argc, char **argv)
{
	sweep_opts_t o = {0};
	sweep_t sw = {0};
	int rc;
	if (parse_args(argc, argv, &o, &rc))
		rc = sweep_main(&o, &sw);
	sweep_free(&sw);
	cli_list_free(&o.cfg.sets);
	cli_list_free(&o.sweeps);
	return rc;
}
