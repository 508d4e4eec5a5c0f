#ifndef MMU_STATS_H
#define MMU_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Log2 buckets of walk latency: bucket b holds walks of [2^b, 2^(b+1)) cycles, the last one everything above. */
#define MMU_WALK_HIST_BUCKETS 16

typedef struct mmu_stats {
#define MMU_STAT(field, name, unit, description) uint64_t field;
#include "mmu/mmu_stats.def"
	uint64_t walk_hist[MMU_WALK_HIST_BUCKETS];
} mmu_stats_t;

/* Derived figures, computed from the counters (never counted): one per line of mmu_stats_derived.def. */
typedef struct mmu_stats_derived {
#define MMU_DERIVED(field, name, unit, kind, description) double field;
#include "mmu/mmu_stats_derived.def"
} mmu_stats_derived_t;

void mmu_stats_derive(const mmu_stats_t *s, mmu_stats_derived_t *d);

/* Number of counters, and name / unit / description / value of counter i (in mmu_stats.def order). The report's
 * other figures and their types are in sim/mmusim/mmusim_results.h. */
unsigned mmu_stats_count(void);
const char *mmu_stats_name(unsigned i);
const char *mmu_stats_unit(unsigned i);
const char *mmu_stats_description(unsigned i);
uint64_t mmu_stats_value(const mmu_stats_t *s, unsigned i);

/* Adds one walk of `cycles` to walk_cycles, min, max and the histogram: the one place walks are timed. */
void mmu_stats_walk(mmu_stats_t *s, uint64_t cycles);

#endif
