/*
 * Stack distances with the LRU stack itself: a move-to-front array of the max_entries most recent keys. The search is
 * linear, but the distances of a TLB's accesses are mostly small and the stack no deeper than the largest size asked.
 */
#include "mmu/mmu_stackdist.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_assert.h"

struct mmu_stackdist {
	uint32_t max, depth; /* capacity, keys held */
	uint64_t *stack;     /* stack[0] most recent */
	uint64_t *hits_at;   /* hits_at[d]: accesses at distance d (1-based: d - 1 other keys since) */
	uint64_t accesses;
};

int mmu_stackdist_create(uint32_t max_entries, mmu_stackdist_t **out)
{
	if (max_entries == 0)
		return MMU_EINVAL;
	mmu_stackdist_t *sd = calloc(1, sizeof *sd);
	if (!sd)
		return MMU_ENOMEM;
	sd->max = max_entries;
	sd->stack = calloc(max_entries, sizeof *sd->stack);
	sd->hits_at = calloc((size_t)max_entries + 1, sizeof *sd->hits_at);
	if (!sd->stack || !sd->hits_at) {
		mmu_stackdist_destroy(sd);
		return MMU_ENOMEM;
	}
	*out = sd;
	return 0;
}

void mmu_stackdist_destroy(mmu_stackdist_t *sd)
{
	if (!sd)
		return;
	free(sd->stack);
	free(sd->hits_at);
	free(sd);
}

void mmu_stackdist_access(mmu_stackdist_t *sd, uint64_t key)
{
	sd->accesses++;
	uint32_t d = 0;
	while (d < sd->depth && sd->stack[d] != key)
		d++;
	if (d < sd->depth)
		sd->hits_at[d + 1]++;
	else if (sd->depth < sd->max)
		sd->depth++; /* a key never seen, or pushed out below the deepest size asked: a miss at every size */
	else
		d = sd->depth - 1; /* the deepest key leaves */
	memmove(sd->stack + 1, sd->stack, (size_t)d * sizeof *sd->stack);
	sd->stack[0] = key;
}

void mmu_stackdist_miss(mmu_stackdist_t *sd)
{
	sd->accesses++;
}

void mmu_stackdist_flush(mmu_stackdist_t *sd)
{
	sd->depth = 0;
}

uint64_t mmu_stackdist_accesses(const mmu_stackdist_t *sd)
{
	return sd->accesses;
}

uint64_t mmu_stackdist_misses(const mmu_stackdist_t *sd, uint32_t entries)
{
	MMU_ASSERT(entries >= 1 && entries <= sd->max);
	uint64_t hits = 0;
	for (uint32_t d = 1; d <= entries; d++)
		hits += sd->hits_at[d];
	return sd->accesses - hits;
}
