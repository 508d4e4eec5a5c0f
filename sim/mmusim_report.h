#ifndef MMUSIM_REPORT_H
#define MMUSIM_REPORT_H

#include <stdio.h>

#include "mmu/mmu_sim.h"

/* What a run was, for the report's header. */
typedef struct run_info {
	const char *trace;  /* path as the user gave it */
	const char *format; /* format name */
	const char *engine; /* "fast" or "ticked" */
} run_info_t;

void report_text(FILE *out, const run_info_t *info, const mmu_sim_t *sim);
/* One JSON object with flat dotted names; returns 0 or an error code. */
int report_json(FILE *out, const run_info_t *info, const mmu_sim_t *sim);

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

void report_text_src(FILE *out, const run_info_t *info, const report_src_t *src);
int report_json_src(FILE *out, const run_info_t *info, const report_src_t *src);

#endif
