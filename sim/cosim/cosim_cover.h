#ifndef COSIM_COVER_H
#define COSIM_COVER_H

#include <stdio.h>

#include "cosim.h"

/*
 * Functional coverage of a co-simulation run: the bins of cosim_cover.def, counted from the ports of every cycle
 * (which the RTL's equal, being compared), from the model's coverage view (mmu_walker_state, mmu_resp_detail) and
 * its TLBs (whose contents the RTL's equal, being compared), and from the world's regions (W6, R6).
 */
enum {
#define COVER_AXIS(id, values, title, names) COVER_AXN_##id = values,
#include "cosim_cover.def"
};

typedef enum {
#define COVER_GROUP(id, title, rules, a1, a2, a3, a4) COVER_G_##id,
#include "cosim_cover.def"
	COVER_GROUPS
} cosim_cover_group_t;

/* Each group's first bin; the bins of a cross follow in row-major order of its axes. */
enum {
#define COVER_GROUP(id, title, rules, a1, a2, a3, a4)                                                                  \
	COVER_B_##id,                                                                                                  \
	    COVER_L_##id = COVER_B_##id + COVER_AXN_##a1 * COVER_AXN_##a2 * COVER_AXN_##a3 * COVER_AXN_##a4 - 1,
#include "cosim_cover.def"
	COVER_BINS
};

typedef struct cosim_cover {
	uint64_t hits[COVER_BINS];
} cosim_cover_t;

/* This cycle's inputs, seen with the outputs of the cycle, before the edge. */
void cosim_cover_cycle(cosim_cover_t *cv, const cosim_env_t *env, const mmu_in_t *in, const mmu_out_t *exp);
/* A response visible in this cycle on port p (the request's context is env->inflight_*[p]). */
void cosim_cover_response(cosim_cover_t *cv, const cosim_env_t *env, unsigned p, const mmu_out_t *exp);
/* After the last cycle: the bins counted by the TLBs themselves (how each fill chose its way). */
void cosim_cover_finish(cosim_cover_t *cv, const cosim_env_t *env);

/* The report's coverage section: per group its bins hit and the empty ones; every bin with its count if all. */
void cosim_cover_report(FILE *f, const cosim_cover_t *cv, const mmu_cfg_t *cfg, bool all);
/* The bins that this configuration can reach and that stayed empty, named on f after prefix; their number. */
unsigned cosim_cover_empty(FILE *f, const char *prefix, const cosim_cover_t *cv, const mmu_cfg_t *cfg);
/* The bins as the Markdown listing of sim/cosim/README.md; -1 if a COVER_NEVER names no bin. */
int cosim_cover_list(FILE *f);

#endif
