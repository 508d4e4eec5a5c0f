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

#endif
