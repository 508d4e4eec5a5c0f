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

/* Derived figures, computed from the counters (never counted). */
typedef struct mmu_stats_derived {
	double l1i_miss_rate, l1d_miss_rate, l2_miss_rate; /* misses / accesses of that TLB (0 if no access) */
	double walk_cycles_mean;
	double amat_cycles; /* measured: translation_cycles / requests */
	/* AMAT = hit_time + m1 x (t2 + m2 x walk_penalty) + dirty_rate x dirty_penalty, all measured */
	double hit_time;      /* mean L1 lookup time per request */
	double m1;            /* L1 misses per request */
	double t2;            /* mean cycles from L1 miss to L2 result (wait + L2 latency) */
	double m2;            /* miss walks per L1 miss (L2 local miss rate; 1 without L2) */
	double walk_penalty;  /* mean cycles of a miss walk */
	double dirty_rate;    /* dirty re-walks per request */
	double dirty_penalty; /* mean cycles of a dirty re-walk, including waiting for the walker */
	double amat_formula;
} mmu_stats_derived_t;

void mmu_stats_derive(const mmu_stats_t *s, mmu_stats_derived_t *d);

/* Number of counters, and name / unit / description / value of counter i (in mmu_stats.def order). */
unsigned mmu_stats_count(void);
const char *mmu_stats_name(unsigned i);
const char *mmu_stats_unit(unsigned i);
const char *mmu_stats_description(unsigned i);
uint64_t mmu_stats_value(const mmu_stats_t *s, unsigned i);

/* Adds one walk of `cycles` to walk_cycles, min, max and the histogram: the one place walks are timed. */
void mmu_stats_walk(mmu_stats_t *s, uint64_t cycles);

#endif
