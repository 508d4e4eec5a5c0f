#ifndef MMUSIM_RESULTS_H
#define MMUSIM_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu_sim.h"

/*
 * The results of a run as typed values: every figure of the report with its name, unit, kind and meaning, the
 * configuration and the provenance. The text report, --json, the sweep's CSV, compare and the SystemC platform all
 * print from them, so no output reads another's text back.
 *
 * Every figure is declared once, in a .def file: the MMU's counters (mmu_stats.def), the trace side's
 * (mmu_sim_stats.def), those derived from the MMU's counters (mmu_stats_derived.def), and the report's own derived
 * figures, per-bucket arrays and provenance fields (mmusim_figures.def).
 */

/* What a value is: a setting or description of the run, or a figure and what it measures. */
typedef enum {
	RESULT_RUN,        /* trace, format, engine */
	RESULT_CONFIG,     /* config.<key> */
	RESULT_COUNT,      /* events (integer) */
	RESULT_CYCLES,     /* cycles (integer) */
	RESULT_RATIO,      /* events per event (real) */
	RESULT_MEAN,       /* a mean in the unit (real) */
	RESULT_PROVENANCE, /* provenance.* */
} result_kind_t;

/* How it is held and printed: integers exactly, reals with six decimals, text as is (quoted in JSON). */
typedef enum { RESULT_U64, RESULT_I64, RESULT_REAL, RESULT_TEXT } result_type_t;

#define RESULT_NAME_MAX 64

typedef union result_value {
	uint64_t u;
	int64_t i;
	double d;
	char *s; /* owned by the results */
} result_value_t;

typedef struct result {
	char name[RESULT_NAME_MAX];
	const char *unit, *description; /* static strings; "" where none */
	result_kind_t kind;
	result_type_t type;
	result_value_t v;
} result_t;

/* What a run was, for the report's header and provenance. */
typedef struct run_info {
	const char *trace;  /* path as the user gave it */
	const char *format; /* format name */
	const char *engine; /* "fast" or "ticked" */
	/* NULL, or what stopped the run before the end of its trace ("SIGINT"): the figures are of the part run, the
	 * report says so, and the trace's content size and CRC-32 (known at its end) are 0 */
	const char *interrupted;
	/* provenance: the configuration's sources (NULL: none) and the trace as read to its end */
	const char *preset, *config;
	uint64_t trace_file_bytes, trace_content_bytes;
	uint32_t trace_crc32;
} run_info_t;

/* Fills the trace part of info (format, size, checksum) from a trace read to its end. */
void run_info_trace(run_info_t *info, const mmu_trace_t *t);

/*
 * What a report is made of, for a driver that is not an mmu_sim_t (the SystemC platform drives the MMU through TLM
 * and counts the trace side itself): the same report from the same figures.
 */
typedef struct report_src {
	const mmu_cfg_t *cfg;
	const char *paging; /* paging mode name */
	const mmu_stats_t *st;
	const mmu_sim_stats_t *ss;
} report_src_t;

typedef struct results {
	/* the figures as counted, for the text report's own layout */
	mmu_cfg_t cfg;
	const char *paging;
	mmu_stats_t st;
	mmu_stats_derived_t d;
	mmu_sim_stats_t ss;
	/* every value, in the order of the JSON report */
	result_t *v;
	size_t n, cap;
} results_t;

/* The results of a run; 0, or -1 out of memory (then results_free). */
int results_build(results_t *r, const run_info_t *info, const report_src_t *src);
/* The same for mmusim's own runs: the figures come from the simulated system. */
int results_build_sim(results_t *r, const run_info_t *info, const mmu_sim_t *sim);
/* Only the provenance values of a run with configuration cfg (the sweep's CSV columns); 0 or -1. */
int results_provenance(results_t *r, const run_info_t *info, const mmu_cfg_t *cfg);
void results_free(results_t *r);

/* The value named name, or NULL. */
const result_t *results_find(const results_t *r, const char *name);
/* A value as every output prints it: integers in full, reals "%.6f", text as is. */
void result_format(const result_t *v, char *buf, size_t len);
void result_value_format(result_type_t type, result_value_t v, char *buf, size_t len);
/* Whether a value is a figure of the run (a count, cycles, a ratio or a mean), not a setting or its provenance. */
bool result_is_figure(const result_t *v);

/* The results as one flat JSON object (cJSON, numbers exact), and printed; 0 or -1. */
struct cJSON *results_json(const results_t *r);
int results_print_json(FILE *out, const results_t *r);
/* Any JSON object the commands print (amat, explain): printed, a newline, then deleted; -1 when obj is NULL. */
int json_print(FILE *out, struct cJSON *obj);

#endif
