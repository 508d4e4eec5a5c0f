#ifndef MMUSIM_SWEEP_H
#define MMUSIM_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu_config.h"
#include "mmusim_sweep_trace.h"

/* `mmusim sweep`: one trace, the cross product of swept configuration keys, in parallel (docs in README.md). */
int cmd_sweep(int argc, char **argv);

/* One --sweep KEY=V1,V2,...: any key of mmu_config_keys.def, values as --set takes them. */
typedef struct sweep_axis {
	char *key;
	char **values;
	size_t nvalues;
} sweep_axis_t;

/* One configuration of the cross product and what became of it. */
typedef struct sweep_point {
	mmu_cfg_t cfg;
	size_t *at;    /* index of its value on each axis */
	char *skip;    /* why it was not simulated (an invalid combination), else NULL */
	char **names;  /* the figures of its report (reports differ: OS-side figures appear with OS-side keys) */
	char **stats;  /* their values as report_json prints them; after sweep_run, by stat_names (NULL: absent) */
	size_t nnames; /* of names (before sweep_run's alignment) */
} sweep_point_t;

typedef struct sweep {
	sweep_axis_t *axes;
	size_t naxes;
	sweep_point_t *points; /* cross product, first axis outermost, last axis varying fastest */
	size_t npoints;
	char **stat_names; /* every figure of any report, in report_json order (the union, in point order) */
	size_t nstats;
} sweep_t;

/* Runs every valid point on `jobs` threads over the shared trace; fills stats. Returns 0 or 2 with msg set. */
int sweep_run(sweep_t *sw, const sweep_trace_t *trace, const char *format, unsigned jobs, char *msg, size_t msglen);

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

/* The CSV (one row per point), the table for people, and the plots (gnuplot script run in dir). */
int sweep_write_csv(const sweep_t *sw, FILE *out);
void sweep_write_table(const sweep_t *sw, FILE *out);
int sweep_write_plots(const sweep_t *sw, const char *dir, char *msg, size_t msglen);
/* The output files sweep -o DIR writes (NULL-terminated), to refuse overwriting them. */
extern const char *const sweep_output_files[];

#endif
