/*
 * mmusim sweep [--trace F]... --sweep KEY=V1,V2,... [--sweep ...] [--preset P] [--config F] [--set K=V]... [--seed N]
 *              [-j N] [-o DIR [--force]] [--shard I/N | --slurm DIR [--shards N] [--slurm-opt OPT]...]
 *
 * Each trace is decoded once, a chunk at a time (mmusim_sweep_trace.h), and every configuration of the cross product
 * replays each chunk on its simulation, the configurations shared among the threads; several traces are one more
 * dimension, the outermost, read one after the other. Invalid
 * combinations (mmu_cfg_validate) are skipped: a line on stderr, a row whose status says why. Results are kept per
 * configuration and written in cross-product order, so the output does not depend on the number of threads. --shard
 * runs one contiguous slice of the rows (mmusim_sweep_shard.c), --slurm writes the job scripts that run every slice
 * on a cluster (mmusim_sweep_slurm.c).
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
    "usage: mmusim sweep [--trace FILE]... --sweep KEY=V1,V2,... [--sweep KEY=...]... [options]\n"
    "  simulates the cross product of the traces (outermost) and the swept keys (first --sweep next) with\n"
    "  each trace decoded once; invalid combinations (e.g. ways that do not divide entries) are skipped:\n"
    "  their row's status says why\n";

typedef struct sweep_opts {
	const char *format, *out, *jobs, *method, *shard, *slurm, *shards, *area;
	bool force, merge;
	cli_cfg_opts_t cfg; /* preset, config, sets, seed: as the other commands take them */
	cli_list_t sweeps, traces, slurm_opts, shard_files;
} sweep_opts_t;

/* Whether the sweep should run; if not, *rc is the exit status (0 after --help). */
static bool parse_args(int argc, char **argv, sweep_opts_t *o, int *rc)
{
	const cli_option_t table[] = {
	    {"sweep", 0, CLI_LIST, "KEY=V1,...", &o->sweeps,
	     "a configuration key (mmusim config --list) and its values, as --set takes them"},
	    {"trace", 0, CLI_LIST, "FILE", &o->traces,
	     "trace to simulate ('-' = stdin; gzip read directly). Default: the bundled workload.\n"
	     "Several: one more swept dimension, the outermost (a first CSV column `trace`)"},
	    {"format", 0, CLI_VALUE, "F", &o->format, "lackey, text or auto (default auto)"},
	    CLI_CFG_OPTIONS(&o->cfg),
	    {"jobs", 'j', CLI_VALUE, "N", &o->jobs, "threads (default: the number of CPUs)"},
	    {"out", 'o', CLI_VALUE, "DIR", &o->out,
	     "write DIR/sweep.csv and plots of miss rate and AMAT (gnuplot), print a table;\n"
	     "without -o the CSV goes to stdout"},
	    {"force", 0, CLI_FLAG, NULL, &o->force, "overwrite the files of an earlier sweep in DIR"},
	    {"area", 0, CLI_VALUE, "FILE", &o->area,
	     "the RTL's memory bits and logic cells of each configuration, from the CSV\n"
	     "that scripts/rtl-cells.sh writes (columns rtl.memory_bits, rtl.logic_cells;\n"
	     "empty for a configuration it did not synthesize)"},
	    {"method", 0, CLI_VALUE, "M", &o->method,
	     "sim (default): every configuration simulated, every figure of the report;\n"
	     "stackdist: one pass for all sizes of one fully-associative LRU L1 TLB\n"
	     "(--sweep tlb.l1d.entries=... or tlb.l1i.entries=...), that TLB's figures only"},
	    {"shard", 0, CLI_VALUE, "I/N", &o->shard,
	     "run only the I-th of N slices of the rows (traces x configurations) and write\n"
	     "them with the sweep's identity, for mmusim sweep-merge; -o DIR: DIR/shard-I-of-N.csv"},
	    {"slurm", 0, CLI_VALUE, "DIR", &o->slurm,
	     "run nothing: write DIR/sweep.sbatch (a Slurm job array, one task per shard),\n"
	     "DIR/merge.sbatch (the merge, after every task) and DIR/submit.sh that submits both"},
	    {"shards", 0, CLI_VALUE, "N", &o->shards,
	     "with --slurm: the number of array tasks (default: one per row, at most 1000)"},
	    {"slurm-opt", 0, CLI_LIST, "OPT", &o->slurm_opts,
	     "with --slurm: an sbatch option for both jobs, e.g. --slurm-opt=--partition=short"},
	    {"merge", 0, CLI_FLAG, NULL, &o->merge,
	     "run nothing: join the shard files given as arguments (every shard of this very\n"
	     "sweep) into its outputs, as if it ran here (-o DIR: CSV, provenance, table, plots)"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "sweep",
	                         .usage = usage,
	                         .notes = "  --preset, --config, --set and --seed apply before the swept keys\n",
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0],
	                         .operand = "SHARD.csv",
	                         .operands = &o->shard_files};
	if (!cli_parse(&spec, argc, argv, rc))
		return false;
	if (o->shard_files.n && !o->merge)
		*rc = cli_fail("sweep: unexpected argument '%s' (shard files go with --merge; see mmusim sweep --help)",
		               o->shard_files.items[0]);
	else if (o->merge && (o->shard || o->slurm))
		*rc = cli_fail("--merge and --%s: the merge joins the shards of a whole sweep",
		               o->shard ? "shard" : "slurm");
	else if (!o->sweeps.n)
		*rc = cli_fail("sweep: at least one --sweep KEY=V1,V2,... is needed (see mmusim sweep --help)");
	else if (o->shard && o->slurm)
		*rc = cli_fail("--shard and --slurm: the job scripts of --slurm run the shards themselves");
	else if (o->slurm && o->out)
		*rc = cli_fail("--slurm %s and -o %s: the merged sweep is written to %s/result", o->slurm, o->out,
		               o->slurm);
	else if (o->area && (o->shard || o->slurm || o->merge))
		*rc = cli_fail("--area and --%s: the area columns are added to a sweep run whole, here",
		               o->shard   ? "shard"
		               : o->slurm ? "slurm"
		                          : "merge");
	else if (!o->slurm && (o->shards || o->slurm_opts.n))
		*rc = cli_fail("%s is for --slurm DIR only", o->shards ? "--shards" : "--slurm-opt");
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

/*
 * The cross product, the trace outermost, then the first axis; each configuration validated (an invalid one is kept,
 * marked skipped).
 */
static int build_points(sweep_t *sw, const mmu_cfg_t *base)
{
	size_t n = 1;
	for (size_t a = 0; a < sw->naxes; a++) {
		if (n > MAX_POINTS / sw->axes[a].nvalues)
			return cli_fail("sweep: more than %d configurations", MAX_POINTS);
		n *= sw->axes[a].nvalues;
	}
	if (n > MAX_POINTS / sw->ntraces)
		return cli_fail("sweep: more than %d rows (%zu traces x %zu configurations)", MAX_POINTS, sw->ntraces,
		                n);
	sw->points = calloc(n * sw->ntraces, sizeof *sw->points);
	if (!sw->points)
		return cli_fail("out of memory");
	sw->nconfigs = n;
	sw->npoints = n * sw->ntraces;
	for (size_t i = 0; i < sw->npoints; i++) {
		sweep_point_t *pt = &sw->points[i];
		pt->at = calloc(sw->naxes, sizeof *pt->at);
		if (!pt->at)
			return cli_fail("out of memory");
		pt->trace = i / n;
		if (i >= n) { /* the configurations of the first trace, again */
			const sweep_point_t *same = &sw->points[i % n];
			pt->cfg = same->cfg;
			memcpy(pt->at, same->at, sw->naxes * sizeof *pt->at);
			if (same->skip && !(pt->skip = strdup(same->skip)))
				return cli_fail("out of memory");
			continue;
		}
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
	for (size_t i = 0; i < sw->nconfigs; i++) {
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
int sweep_prepare_dir(const char *option, const char *dir, const char *const *files, bool force)
{
	struct stat sb;
	if (stat(dir, &sb) != 0) {
		if (mkdir(dir, 0777) != 0)
			return cli_fail("%s %s: cannot create the directory: %s", option, dir, strerror(errno));
		return 0;
	}
	if (!S_ISDIR(sb.st_mode))
		return cli_fail("%s %s: exists and is not a directory", option, dir);
	for (const char *const *f = files; *f; f++) {
		char path[4096], msg[4200];
		snprintf(path, sizeof path, "%s/%s", dir, *f);
		switch (cli_out_check(path, force, msg, sizeof msg)) {
		case CLI_OUT_OK:
			break;
		case CLI_OUT_EXISTS:
			return cli_fail("%s %s: %s exists; not overwritten (use --force, or another directory)", option,
			                dir, *f);
		case CLI_OUT_LINK:
			return cli_fail(
			    "%s %s: %s is a symbolic link; nothing is written through a link (remove it first)", option,
			    dir, *f);
		case CLI_OUT_NOT_FILE:
			return cli_fail("%s %s: %s exists and is not a regular file; not replaced", option, dir, *f);
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

static int fill_csv(FILE *f, const void *ctx)
{
	const sweep_t *sw = ctx;
	if (sw->csv) /* --merge: the shards' rows, as they are */
		return fwrite(sw->csv, 1, sw->csv_len, f) != sw->csv_len || ferror(f) ? -1 : 0;
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
int sweep_write_outputs(const sweep_t *sw, const char *dir, bool force)
{
	if (!dir)
		return fill_csv(stdout, sw) ? cli_fail("writing the CSV: %s", strerror(errno)) : 0;
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

/*
 * Trace t, read once, chunk by chunk, while rows [lo, hi) run on it; its format, size and checksum go into its
 * provenance. The time of each on stderr.
 */
static int run_trace(sweep_t *sw, size_t t, const char *format, const sweep_stackdist_t *sd, unsigned page_bits,
                     unsigned pairs, unsigned jobs, size_t lo, size_t hi)
{
	char msg[700];
	mmu_trace_t *tr;
	run_info_t *info = &sw->traces[t].info;
	double t0 = now();
	if (cli_trace_open(sw->traces[t].path, format, &tr, msg, sizeof msg))
		return cli_fail("%s", msg);
	*info = sw->info;
	info->trace = sw->traces[t].path;
	sweep_reader_t *rd = NULL;
	int rc = sweep_reader_open(&rd, tr, page_bits, pairs, msg, sizeof msg) ? 2 : 0;
	if (!rc)
		rc = sd ? sweep_stackdist_run(sw, lo, hi, sd, rd, page_bits, jobs, msg, sizeof msg) ? 2 : 0
		        : sweep_run(sw, lo, hi, rd, page_bits, jobs, msg, sizeof msg);
	double t1 = now();
	uint64_t refs = 0, kept = 0, repeats = 0, runs = 0;
	if (rd) {
		sweep_reader_counts(rd, &refs, &kept, &repeats, &runs);
		sweep_reader_close(rd);
	}
	if (!rc)
		run_info_trace(info, tr);
	mmu_trace_close(tr);
	if (rc)
		return cli_fail("%s", msg);
	size_t skipped = 0;
	for (size_t i = lo; i < hi; i++)
		skipped += sw->points[i].skip != NULL;
	if (sw->ntraces > 1)
		fprintf(stderr, "mmusim sweep: %s:", sw->traces[t].path);
	fprintf(stderr,
	        "%s%llu references read once (%llu kept, %llu repeats in %llu runs); %zu configurations (%zu skipped) "
	        "on %u threads in %.2f s\n",
	        sw->ntraces > 1 ? " " : "mmusim sweep: ", (unsigned long long)refs, (unsigned long long)kept,
	        (unsigned long long)repeats, (unsigned long long)runs, hi - lo, skipped, jobs, t1 - t0);
	return 0;
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

/* The traces as given (the bundled workload when none is), each at most once. */
static int list_traces(const sweep_opts_t *o, sweep_t *sw)
{
	size_t n = o->traces.n ? o->traces.n : 1;
	if (!(sw->traces = calloc(n, sizeof *sw->traces)))
		return cli_fail("out of memory");
	for (size_t t = 0; t < n; t++) {
		sw->traces[t].path = cli_trace_path(o->traces.n ? o->traces.items[t] : NULL);
		for (size_t u = 0; u < t; u++)
			if (!strcmp(sw->traces[u].path, sw->traces[t].path))
				return cli_fail("--trace %s is given twice", sw->traces[t].path);
	}
	sw->ntraces = n;
	if (o->shard || o->slurm)
		for (size_t t = 0; t < n; t++)
			if (!strcmp(sw->traces[t].path, "-"))
				return cli_fail(
				    "--%s: --trace - (standard input) cannot be read by every shard; give a file",
				    o->shard ? "shard" : "slurm");
	return 0;
}

/* One line on stderr per invalid configuration with a row in this run (each configuration once for all traces). */
static int report_skipped(const sweep_t *sw)
{
	size_t skipped = 0;
	for (size_t i = 0; i < sw->nconfigs; i++) {
		bool in_run = false;
		for (size_t t = 0; t < sw->ntraces && !in_run; t++)
			in_run = t * sw->nconfigs + i >= sw->lo && t * sw->nconfigs + i < sw->hi;
		skipped += sw->points[i].skip != NULL;
		if (sw->points[i].skip && in_run)
			fprintf(stderr, "mmusim sweep: configuration %zu skipped: %s\n", i + 1, sw->points[i].skip);
	}
	if (skipped == sw->nconfigs)
		return cli_fail("sweep: every one of the %zu configurations is invalid (see above)", sw->nconfigs);
	return 0;
}

/* Reads each trace with rows in [lo, hi) and runs those rows on it. */
static int run_traces(sweep_t *sw, const sweep_opts_t *o, const sweep_stackdist_t *sd, unsigned jobs)
{
	unsigned page_bits, pairs;
	int rc = compaction(sw, &page_bits, &pairs);
	if (!rc && sd && sweep_stackdist_columns(sw)) /* set even when this shard has no row */
		return cli_fail("out of memory");
	for (size_t t = 0; t < sw->ntraces && !rc; t++) {
		size_t lo = t * sw->nconfigs, hi = lo + sw->nconfigs;
		lo = lo > sw->lo ? lo : sw->lo;
		hi = hi < sw->hi ? hi : sw->hi;
		if (lo < hi)
			rc = run_trace(sw, t, o->format, sd, page_bits, pairs, jobs, lo, hi);
	}
	if (!rc && !sd && sweep_align(sw))
		return cli_fail("out of memory");
	return rc;
}

/*
 * --merge: the shards of this sweep (its identity checked) joined, read back into its points, and written as the sweep
 * writes its outputs. The rows are written as the shards hold them; written again from what was read back, they must
 * be the same bytes, so the table and plots show exactly what the CSV holds.
 */
static int merge_shards(sweep_t *sw, const sweep_opts_t *o)
{
	int rc = o->out ? sweep_prepare_dir("-o", o->out, sweep_output_files, o->force) : 0;
	char *csv = NULL, *again = NULL;
	size_t len = 0, again_len = 0;
	if (!rc)
		rc = sweep_merge_files(&o->shard_files, sw->id, &csv, &len);
	if (!rc && sweep_merge_into(sw, csv, len))
		rc = cli_fail("--merge: the shards' rows do not fit this sweep's points");
	FILE *mem = rc ? NULL : open_memstream(&again, &again_len);
	if (!rc && (!mem || sweep_write_csv(sw, mem) | fclose(mem)))
		rc = cli_fail("out of memory");
	if (!rc && (again_len != len || memcmp(again, csv, len)))
		rc = cli_fail("--merge: the shards' rows, read back, are not what they hold (a bug of mmusim)");
	free(again);
	sw->csv = csv;
	sw->csv_len = len;
	if (!rc)
		rc = sweep_write_outputs(sw, o->out, o->force);
	free(csv);
	sw->csv = NULL;
	return rc;
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
	if ((rc = list_traces(o, sw)) || (rc = build_points(sw, &base)))
		return rc;
	sw->lo = 0;
	sw->hi = sw->npoints;
	if (o->shard) {
		if ((rc = sweep_shard_parse(o->shard, &sw->shard, &sw->nshards)))
			return rc;
		sweep_shard_rows(sw->npoints, sw->shard, sw->nshards, &sw->lo, &sw->hi);
	}
	if ((rc = report_skipped(sw)))
		return rc;
	if (o->area && (rc = sweep_area_load(sw, o->area)))
		return rc;
	bool stackdist = o->method && !strcmp(o->method, "stackdist");
	if (o->method && !stackdist && strcmp(o->method, "sim"))
		return cli_fail("--method: '%s' is not one of sim, stackdist", o->method);
	sweep_stackdist_t sd;
	char why[512];
	if (stackdist && sweep_stackdist_check(sw, &sd, why, sizeof why))
		return cli_fail("%s", why);
	sw->base = base;
	sw->info.preset = o->cfg.preset;
	sw->info.config = o->cfg.config;
	sw->info.engine = stackdist ? "stackdist" : "fast";
	for (size_t t = 0; o->slurm && t < sw->ntraces; t++) { /* a typo is told here, not by every task */
		mmu_trace_t *tr;
		if (cli_trace_open(sw->traces[t].path, o->format, &tr, why, sizeof why))
			return cli_fail("%s", why);
		mmu_trace_close(tr);
	}
	if (o->slurm)
		return sweep_write_slurm(sw, &(sweep_slurm_t){.dir = o->slurm,
		                                              .force = o->force,
		                                              .shards = o->shards,
		                                              .opts = &o->slurm_opts,
		                                              .format = o->format,
		                                              .jobs = o->jobs,
		                                              .method = o->method,
		                                              .cfg = &o->cfg,
		                                              .sweeps = &o->sweeps});
	if (o->shard || o->merge)
		sweep_identity(sw, o->format);
	if (o->merge)
		return merge_shards(sw, o);
	char shard_file[64];
	const char *const shard_files[] = {shard_file, NULL};
	if (o->shard)
		sweep_shard_name(sw->shard, sw->nshards, shard_file, sizeof shard_file);
	if (o->out && (rc = sweep_prepare_dir("-o", o->out, o->shard ? shard_files : sweep_output_files, o->force)))
		return rc;
	if ((rc = run_traces(sw, o, stackdist ? &sd : NULL, (unsigned)jobs)))
		return rc;
	if (o->shard)
		return sweep_shard_output(sw, o->out, o->force);
	return sweep_write_outputs(sw, o->out, o->force);
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
	free(sw->traces);
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
	cli_list_free(&o.traces);
	cli_list_free(&o.slurm_opts);
	cli_list_free(&o.shard_files);
	return rc;
}
