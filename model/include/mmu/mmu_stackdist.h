#ifndef MMU_STACKDIST_H
#define MMU_STACKDIST_H

#include <stdint.h>

/*
 * LRU stack distances (Mattson, Gecsei, Slutz and Traiger, "Evaluation techniques for storage hierarchies", IBM
 * Systems Journal 9(2), 1970). Under LRU a fully-associative cache of n entries holds exactly the n most recently used
 * distinct keys (inclusion), so an access hits it iff fewer than n other distinct keys were used since the previous
 * access to the same key. One pass that records that distance for every access gives the misses of every size at
 * once. Exact for fully-associative LRU only: set-associative, PLRU, FIFO and random caches have no such inclusion.
 */
typedef struct mmu_stackdist mmu_stackdist_t;

/* Distances up to max_entries are told apart; larger ones count as misses for every size up to max_entries. */
int mmu_stackdist_create(uint32_t max_entries, mmu_stackdist_t **out);
void mmu_stackdist_destroy(mmu_stackdist_t *sd);

/* An access to key that fills the cache on a miss. */
void mmu_stackdist_access(mmu_stackdist_t *sd, uint64_t key);
/* An access that misses at every size and fills nothing (a lookup whose translation faults: W8 caches no fault). */
void mmu_stackdist_miss(mmu_stackdist_t *sd);
/* Everything invalidated (a flush of the whole cache): the next access to every key misses. */
void mmu_stackdist_flush(mmu_stackdist_t *sd);

uint64_t mmu_stackdist_accesses(const mmu_stackdist_t *sd);
/* Misses of a fully-associative LRU cache of `entries` entries (1 <= entries <= max_entries). */
uint64_t mmu_stackdist_misses(const mmu_stackdist_t *sd, uint32_t entries);

#endif
