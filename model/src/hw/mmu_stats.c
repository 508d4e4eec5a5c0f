#include "mmu/mmu_stats.h"

#include "mmu_assert.h"

static const struct {
	const char *name, *unit, *description;
	size_t offset;
} stat_table[] = {
#define MMU_STAT(field, name, unit, description) {name, unit, description, offsetof(mmu_stats_t, field)},
#include "mmu/mmu_stats.def"
};

#define STAT_COUNT (sizeof stat_table / sizeof stat_table[0])

unsigned mmu_stats_count(void)
{
	return STAT_COUNT;
}

const char *mmu_stats_name(unsigned i)
{
	MMU_ASSERT(i < STAT_COUNT);
	return stat_table[i].name;
}

uint64_t mmu_stats_value(const mmu_stats_t *s, unsigned i)
{
	MMU_ASSERT(i < STAT_COUNT);
	return *(const uint64_t *)((const char *)s + stat_table[i].offset);
}

void mmu_stats_walk(mmu_stats_t *s, uint64_t cycles)
{
	if (s->walks == 0 || cycles < s->walk_cycles_min)
		s->walk_cycles_min = cycles;
	if (cycles > s->walk_cycles_max)
		s->walk_cycles_max = cycles;
	s->walks++;
	s->walk_cycles += cycles;
	unsigned b = 0;
	while (b + 1 < MMU_WALK_HIST_BUCKETS && (cycles >> (b + 1)) != 0)
		b++;
	s->walk_hist[b]++;
}

static double ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : 0.0;
}

void mmu_stats_derive(const mmu_stats_t *s, mmu_stats_derived_t *d)
{
	uint64_t l1_misses = s->l1i_misses + s->l1d_misses;
	uint64_t miss_walks = s->walks - s->walks_dirty;
	d->l1i_miss_rate = ratio(s->l1i_misses, s->l1i_accesses);
	d->l1d_miss_rate = ratio(s->l1d_misses, s->l1d_accesses);
	d->l2_miss_rate = ratio(s->l2_misses, s->l2_accesses);
	d->walk_cycles_mean = ratio(s->walk_cycles, s->walks);
	d->amat_cycles = ratio(s->translation_cycles, s->requests);
	d->hit_time = ratio(s->hit_time_cycles, s->requests);
	d->m1 = ratio(l1_misses, s->requests);
	d->t2 = ratio(s->l2_stage_cycles, l1_misses);
	d->m2 = ratio(miss_walks, l1_misses);
	d->walk_penalty = ratio(s->walk_cycles_miss, miss_walks);
	d->dirty_rate = ratio(s->walks_dirty, s->requests);
	d->dirty_penalty = ratio(s->walk_cycles_dirty, s->walks_dirty);
	d->amat_formula = d->hit_time + d->m1 * (d->t2 + d->m2 * d->walk_penalty) + d->dirty_rate * d->dirty_penalty;
}
