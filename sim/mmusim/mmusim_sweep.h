#ifndef MMUSIM_SWEEP_H
#define MMUSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "mmu/mmu_config.h"
#include "mmusim_results.h"
#include "mmusim_sweep_trace.h"

/*
 * `mmusim sweep`: the cross product of one or more traces and the swept configuration keys, in parallel, whole or
 * one shard of it (docs in README.md); `mmusim sweep-merge`: the shards joined into the one-machine CSV.
 */
int cmd_sweep(int argc, char **argv);
int cmd_sweep_merge(int argc, char **argv);

/* One --sweep KEY=V1,V2,...: any key of mmu_config_keys.def, values as --set takes them. */
typedef struct sweep_axis {
	char *key;
	char **values;
	size_t nvalues;
} sweep_axis_t;

/* One figure of a point, typed as its report holds it. */
typedef struct sweep_stat {
	bool present; /* false: the point's report has no such figure (reports differ, see below) */
	result_type_t type;
	result_value_t v;
} sweep_stat_t;

/* One trace of the sweep: the outermost dimension of the cross product. */
typedef struct sweep_trace_in {
	const char *path; /* as given ('-': standard input) */
	run_info_t info;  /* its provenance (format, sizes, checksum) once read, with the sweep's sources and method */
} sweep_trace_in_t;

/* One row of the sweep: a trace and a configuration of the cross product, and what became of it. */
typedef struct sweep_point {
	mmu_cfg_t cfg;
	size_t trace;        /* index in sweep_t.traces */
	size_t *at;          /* index of its value on each axis */
	char *skip;          /* why it was not simulated (an invalid combination), else NULL */
	results_t *res;      /* its report's results, until sweep_run aligns them (reports differ: OS-side figures
	                        appear with OS-side keys) */
	sweep_stat_t *stats; /* after sweep_run: its figures by stat_names */
	long long area_bits, area_cells; /* with --area: the RTL's memory bits and logic cells, -1 when unknown */
} sweep_point_t;

typedef struct sweep {
	sweep_axis_t *axes;
	size_t naxes;
	sweep_trace_in_t *traces;
	size_t ntraces;
	/* cross product, the trace outermost, then the first axis, the last axis varying fastest: nconfigs points of
	 * each trace, one after the other */
	sweep_point_t *points;
	size_t npoints, nconfigs;
	size_t lo, hi;     /* the rows this run simulates and writes: [lo, hi), all of them but with --shard */
	char **stat_names; /* every figure of any report, in report order (the union, in point order) */
	size_t nstats;
	run_info_t info;         /* the configuration's sources and the method, for the provenance */
	mmu_cfg_t base;          /* the configuration before the swept keys are set */
	unsigned shard, nshards; /* --shard I/N; 0, 0 for the whole sweep */
	char id[17];             /* with --shard: the sweep's identity (sweep_identity), 16 hex digits */
	const char *csv;         /* with --merge: the merged CSV, written as it is */
	size_t csv_len;
	bool area; /* --area: the points' area columns are in the CSV and the table */
} sweep_t;

/*
 * Runs every valid point of rows [lo, hi) (all of one trace) on `jobs` threads over that trace, chunk by chunk as rd
 * reads it, each point's simulation kept from chunk to chunk; keeps their results. Returns 0, or 2 with msg set: the
 * trace's error if reading it failed, else that of the lowest failing point.
 */
int sweep_run(sweep_t *sw, size_t lo, size_t hi, sweep_reader_t *rd, unsigned page_bits, unsigned jobs, char *msg,
              size_t msglen);
/* task(ctx, i) for every i in [0, n), on up to `jobs` threads, while the calling thread runs meanwhile(mctx) if any. */
void sweep_parallel(size_t n, unsigned jobs, void (*task)(void *ctx, size_t i), void *ctx, void (*meanwhile)(void *),
                    void *mctx);
/*
 * Every chunk of rd in turn to replay(ctx, chunk, jobs, meanwhile, mctx), which must call meanwhile(mctx) once while
 * it works (it reads the next chunk). Returns 0 at the end of the trace, or < 0 with msg set (the trace's error).
 */
int sweep_chunks(sweep_reader_t *rd, unsigned jobs,
                 void (*replay)(void *ctx, const sweep_chunk_t *c, unsigned jobs, void (*meanwhile)(void *),
                                void *mctx),
                 void *ctx, char *msg, size_t msglen);
/* After every trace: the figure columns (those of every valid configuration, so every shard has the same) and each
 * simulated point's figures in their order. 0, or -1 out of memory. */
int sweep_align(sweep_t *sw);

/* --method stackdist: which L1 TLB, and what the pass needs to know of the configuration. */
typedef struct sweep_stackdist {
	unsigned port; /* MMU_REQ_I or MMU_REQ_D */
	uint32_t max_entries;
	unsigned page_bits;
	bool pcid;
	const mmu_cfg_t *cfg; /* of a valid point: the OS side and the requester (all points agree but on the size) */
} sweep_stackdist_t;

/* Whether the method is exact for this sweep (else msg says why); then the rows from one pass over the trace. */
int sweep_stackdist_check(const sweep_t *sw, sweep_stackdist_t *sd, char *msg, size_t msglen);
/* The figure columns of the method (those of the swept TLB), set before any trace is run; 0, or -1 out of memory. */
int sweep_stackdist_columns(sweep_t *sw);
int sweep_stackdist_run(sweep_t *sw, size_t lo, size_t hi, const sweep_stackdist_t *sd, sweep_reader_t *rd,
                        unsigned page_bits, unsigned jobs, char *msg, size_t msglen);

/* The CSV (RFC 4180, one row per point, the provenance in the last columns), its provenance as JSON (for -o DIR), the
 * table for people. */
int sweep_write_csv(const sweep_t *sw, FILE *out);
int sweep_write_provenance(const sweep_t *sw, FILE *out);
void sweep_write_table(const sweep_t *sw, FILE *out);

/* The point of plot line `line` at x position x (lines: every combination of the trace and the other axes). */
size_t sweep_lines(const sweep_t *sw);
const sweep_point_t *sweep_line_point(const sweep_t *sw, size_t line, size_t x);

/* Figure i of a point as printed, or `none` when the point or its report has none; figures found by name. */
const char *sweep_figure(const sweep_point_t *pt, long i, const char *none, char *buf, size_t len);
long sweep_stat_index(const sweep_t *sw, const char *name);
/* The miss rate plotted and tabulated: that of the TLB of the first swept key, else the L1 DTLB's (name set). */
long sweep_miss_rate_index(const sweep_t *sw, char *name, size_t len);

/*
 * The plots of -o DIR (mmusim_sweep_plot.c), each file written whole, not yet renamed into place, as outs[*n],
 * outs[*n + 1]...: plot-data.tsv, plots.gp, then the images. Returns 0; -1 on a failure to write (msg; the files
 * of this call discarded, the caller discards outs[0..*n)); or, with the data and script kept and the images
 * dropped, msg saying why:
 */
enum { SWEEP_PLOTS_NO_GNUPLOT = 1, SWEEP_PLOTS_GNUPLOT_FAILED = 2 };
int sweep_write_plots(const sweep_t *sw, const char *dir, bool force, cli_out_t *outs, size_t *n, char *msg,
                      size_t msglen);

/* The output files sweep -o DIR writes (NULL-terminated), to refuse overwriting them. */
#define SWEEP_OUTPUT_FILES 8
extern const char *const sweep_output_files[SWEEP_OUTPUT_FILES + 1];

/*
 * -o DIR (option names it in the messages): created if missing; the files named (NULL-terminated) must not exist unless
 * force, and must not be links or anything but regular files. 0, or 2 after the message.
 */
int sweep_prepare_dir(const char *option, const char *dir, const char *const *files, bool force);
/* The outputs of a whole sweep: the CSV on stdout, or with dir the CSV, its provenance, the plots and the table. */
int sweep_write_outputs(const sweep_t *sw, const char *dir, bool force);

/*
 * --area FILE (mmusim_sweep_area.c): every point's RTL area from the CSV of scripts/rtl-cells.sh, found by the RTL
 * parameters of its configuration (cosim_params_list); sets sw->area. 0, or 2 after a message naming the file, the
 * line and the field.
 */
int sweep_area_load(sweep_t *sw, const char *path);

/* ---- shards (mmusim_sweep_shard.c) ---- */

/* The first line of a shard's file: index, count, sweep id, rows, first row (from 1), rows of the sweep. */
#define SWEEP_SHARD_LINE "# mmusim sweep-shard %u/%u of sweep %s: %zu rows from row %zu of %zu"

/* --shard I/N: 0, or 2 after the message. */
int sweep_shard_parse(const char *arg, unsigned *index, unsigned *count);
/* The rows of shard index (1..count) of a sweep of `rows` rows: [lo, hi), contiguous, sizes differing by at most 1. */
void sweep_shard_rows(size_t rows, unsigned index, unsigned count, size_t *lo, size_t *hi);
/* "shard-03-of-12.csv": the file name, I padded to the width of N so that the names sort in order. */
void sweep_shard_name(unsigned index, unsigned count, char *buf, size_t len);
/*
 * sw->id: a hash of what makes the sweep's rows (mmusim's version, the method, the trace format, each trace's path
 * and size, the swept keys and values, the base configuration, the preset and config names).
 */
void sweep_identity(sweep_t *sw, const char *format);
/* The shard's CSV on stdout, or as DIR/shard-I-of-N.csv: its identity line, then the CSV of its rows. */
int sweep_shard_output(const sweep_t *sw, const char *dir, bool force);

/*
 * The shard files joined (mmusim_sweep_merge.c): every one of one sweep (of sweep `id` when not NULL), each once,
 * whole. *csv (malloc'ed, *len bytes) is then the one-machine CSV. 0, or 2 after a message naming the file.
 */
int sweep_merge_files(const cli_list_t *files, const char *id, char **csv, size_t *len);
/* The merged CSV of this sweep read back into its points (figures) and traces (provenance); 0, or -1. */
int sweep_merge_into(sweep_t *sw, const char *csv, size_t len);

/* ---- Slurm (mmusim_sweep_slurm.c) ---- */
typedef struct sweep_slurm {
	const char *dir;
	bool force;
	const char *shards;                 /* --shards N, or NULL */
	const cli_list_t *opts;             /* --slurm-opt: sbatch options of both jobs */
	const char *format, *jobs, *method; /* the sweep's options, given again to each task (NULL: not given) */
	const cli_cfg_opts_t *cfg;
	const cli_list_t *sweeps;
} sweep_slurm_t;
/* Writes DIR/sweep.sbatch, DIR/merge.sbatch and DIR/submit.sh, all or none; 0, or 2 after the message. */
int sweep_write_slurm(const sweep_t *sw, const sweep_slurm_t *s);

#endif
