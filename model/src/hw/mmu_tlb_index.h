#ifndef MMU_TLB_INDEX_H
#define MMU_TLB_INDEX_H

/*
 * The lookup index of a wide TLB (many ways per set, up to a fully associative array of 1M entries): what lets a
 * lookup, a fill and an invalidation find their ways without reading every way of the set. It only answers "where";
 * what the TLB does with the answer (docs/timing.md, R1-R7) is unchanged, so an indexed TLB behaves exactly as the
 * same TLB scanning its sets.
 *
 * Three parts, each beside a piece of the TLB's state:
 *   - a hash table from an entry's tag (page size and VPN) to the slots that hold that tag, one chain per bucket
 *     (several PCIDs may hold one VPN; a chain may also hold other tags that share the bucket);
 *   - per set, a tree of bitmaps of the invalid ways (64 ways per word, a word per 64 words above), which gives the
 *     lowest-numbered invalid way (R4) and the valid slots in order (flushes);
 *   - for LRU only, per set, a min-heap of the ways by use stamp (the TLB's R1 state), re-keyed lazily: a hit only
 *     writes its stamp, as in a TLB without index; when a victim is needed, a top whose stamp moved on since it was
 *     keyed is re-keyed and sifted down until the top's key is its stamp. That top is the least recently used way
 *     (keys only grow, so every key is at most its way's stamp), and each use costs at most one re-keying.
 * Memory: 8 bytes per entry (hash table, chains) plus 12 more for LRU (the heap and its keys), plus 1/8 byte (the
 * bitmaps).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MMU_TLB_INDEX_NONE     UINT32_MAX
#define MMU_TLB_INDEX_LEVELS   5 /* bitmap levels: 64^5 ways is more than a TLB can have */
#define MMU_TLB_INDEX_MAX_WAYS (UINT32_C(1) << 30)

typedef struct mmu_tlb_index {
	unsigned sets, ways;
	unsigned hash_shift; /* 64 - log2(buckets) */
	uint32_t *bucket;    /* first slot of each bucket's chain, or NONE */
	uint32_t *chain;     /* per slot: the next slot in its bucket's chain, or NONE */
	/* free-way bitmaps: level l of set s is words [level_base[l] + s * level_words[l], ... + level_words[l]) */
	uint64_t *free;
	unsigned levels;
	size_t level_base[MMU_TLB_INDEX_LEVELS];
	size_t level_words[MMU_TLB_INDEX_LEVELS];
	/* LRU only (else NULL): per set a heap of ways (ways entries); per slot the stamp it is keyed by */
	uint32_t *heap;
	uint64_t *key;
} mmu_tlb_index_t;

/* NULL when out of memory. lru: keep the use order for R1. */
mmu_tlb_index_t *mmu_tlb_index_create(unsigned sets, unsigned ways, bool lru);
void mmu_tlb_index_destroy(mmu_tlb_index_t *ix);
/* Every way invalid, every stamp 0 (the TLB's reset state). */
void mmu_tlb_index_reset(mmu_tlb_index_t *ix);

/* slot's tag changes from old to new (0: invalid). */
void mmu_tlb_index_move(mmu_tlb_index_t *ix, uint32_t slot, uint64_t old, uint64_t new);

/* The chain of tag's bucket: every valid slot with this tag is on it, in no particular order, among others. */
static inline uint32_t mmu_tlb_index_first(const mmu_tlb_index_t *ix, uint64_t tag)
{
	return ix->bucket[(tag * UINT64_C(0x9E3779B97F4A7C15)) >> ix->hash_shift];
}

static inline uint32_t mmu_tlb_index_next(const mmu_tlb_index_t *ix, uint32_t slot)
{
	return ix->chain[slot];
}

/* The lowest-numbered invalid way of set, or ways when the set is full. */
unsigned mmu_tlb_index_lowest_free(const mmu_tlb_index_t *ix, unsigned set);
/* The valid ways 64 * word .. 64 * word + 63 of set, as bits; words = (ways + 63) / 64. */
uint64_t mmu_tlb_index_valid_bits(const mmu_tlb_index_t *ix, unsigned set, size_t word);

/*
 * LRU: the way of set with the lowest stamp (stamp: the TLB's per-slot use stamps), the lowest-numbered one of equal
 * stamps (never used since reset). Re-keys the heap as it goes: an answer, not a change of the TLB's state.
 */
unsigned mmu_tlb_index_lru_way(mmu_tlb_index_t *ix, unsigned set, const uint64_t *stamp);

#endif
