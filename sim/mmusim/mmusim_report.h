#ifndef MMUSIM_REPORT_H
#define MMUSIM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "mmu/mmu_sim.h"
#include "mmusim_results.h"

/* The report of a run, as text for people or as one JSON object with flat dotted names; both from its results. */
void report_text_results(FILE *out, const results_t *r);
/* The same built from a simulated system or from a report_src_t (mmusim_results.h); the JSON ones return 0 or -1. */
void report_text(FILE *out, const run_info_t *info, const mmu_sim_t *sim);
int report_json(FILE *out, const run_info_t *info, const mmu_sim_t *sim);
void report_text_src(FILE *out, const run_info_t *info, const report_src_t *src);
int report_json_src(FILE *out, const run_info_t *info, const report_src_t *src);

/* What a report shows of a configuration: model-only structures and OS-side features only when they are on. */
bool report_pwc_on(const mmu_cfg_t *cfg, unsigned level);
bool report_walk_caches_on(const mmu_cfg_t *cfg);
bool report_os_features(const mmu_cfg_t *cfg);

/* The page sizes of the configured mode: level n maps 2^shift[n] bytes; levels without leaves are left out. */
typedef struct page_sizes {
	unsigned n;
	unsigned level[MMU_MAX_LEVELS];
	char label[MMU_MAX_LEVELS][16];
} page_sizes_t;
void report_page_sizes(const mmu_cfg_t *cfg, page_sizes_t *ps);
/* Successful translations by leaves of a level (served.level1..3). */
uint64_t report_served(const mmu_stats_t *st, unsigned level);

#endif
