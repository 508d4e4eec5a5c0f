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

/* `mmusim sweep`: one trace, the cross product of swept configuration keys, in parallel (docs in README.md). */
int cmd_sweep(int argc, char **argv);

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

/* One configuration of the cross product and what became of it. */
typedef struct sweep_point {
	mmu_cfg_t cfg;
	size_t *at;          /* index of its value on each axis */
	char *skip;          /* why it was not simulated (an invalid combination), else NULL */
	results_t *res;      /* its report's results, until sweep_run aligns them (reports differ: OS-side figures
	                        appear with OS-side keys) */
	sweep_stat_t *stats; /* after sweep_run: its figures by stat_names */
} sweep_point_t;

typedef struct sweep {
	sweep_axis_t *axes;
	size_t naxes;
	sweep_point_t *points; /* cross product, first axis outermost, last axis varying fastest */
	size_t npoints;
	char **stat_names; /* every figure of any report, in report order (the union, in point order) */
	size_t nstats;
	run_info_t info; /* the trace, the configuration's sources and the method, for the provenance */
	mmu_cfg_t base;  /* the configuration before the swept keys are set */
} sweep_t;

/* Runs every valid point on `jobs` threads over the shared trace; fills stats. Returns 0 or 2 with msg set. */
int sweep_run(sweep_t *sw, const sweep_trace_t *trace, unsigned jobs, char *msg, size_t msglen);

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
int sweep_stackdist_run(sweep_t *sw, const sweep_stackdist_t *sd, const sweep_trace_t *st, char *msg, size_t msglen);

/* The CSV (RFC 4180, one row per point, the provenance in the last columns), its provenance as JSON (for -o DIR), the
 * table for people. */
int sweep_write_csv(const sweep_t *sw, FILE *out);
int sweep_write_provenance(const sweep_t *sw, FILE *out);
void sweep_write_table(const sweep_t *sw, FILE *out);

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

#endif
