/*
 * The lookup index of a wide TLB (mmu_tlb_index.h): a hash table of tags, bitmaps of the invalid ways, the LRU use
 * order. Slots are numbered as the TLB numbers them, set * ways + way.
 */
#include "mmu_tlb_index.h"

#include <stdlib.h>
#include <string.h>

#include "mmu_assert.h"

static uint64_t *free_word(const mmu_tlb_index_t *ix, unsigned level, unsigned set, size_t word)
{
	return ix->free + ix->level_base[level] + (size_t)set * ix->level_words[level] + word;
}

mmu_tlb_index_t *mmu_tlb_index_create(unsigned sets, unsigned ways, bool lru)
{
	MMU_ASSERT(sets > 0 && ways > 0 && ways <= MMU_TLB_INDEX_MAX_WAYS);
	mmu_tlb_index_t *ix = calloc(1, sizeof *ix);
	if (!ix)
		return NULL;
	size_t nslots = (size_t)sets * ways;
	ix->sets = sets;
	ix->ways = ways;
	unsigned bits = 6; /* at least 64 buckets, at least one per slot: chains of one slot on average, or less */
	while (((size_t)1 << bits) < nslots)
		bits++;
	ix->hash_shift = 64 - bits;
	size_t nfree = 0;
	for (size_t words = ways; ix->levels == 0 || words > 1; ix->levels++) {
		words = (words + 63) / 64;
		ix->level_base[ix->levels] = nfree;
		ix->level_words[ix->levels] = words;
		nfree += words * sets;
	}
	ix->bucket = malloc(((size_t)1 << bits) * sizeof *ix->bucket);
	ix->chain = malloc(nslots * sizeof *ix->chain);
	ix->free = calloc(nfree, sizeof *ix->free);
	bool ok = ix->bucket && ix->chain && ix->free;
	if (lru) {
		ix->heap = malloc(nslots * sizeof *ix->heap);
		ix->key = malloc(nslots * sizeof *ix->key);
		ok = ok && ix->heap && ix->key;
	}
	if (!ok) {
		mmu_tlb_index_destroy(ix);
		return NULL;
	}
	mmu_tlb_index_reset(ix);
	return ix;
}

void mmu_tlb_index_destroy(mmu_tlb_index_t *ix)
{
	if (!ix)
		return;
	free(ix->bucket);
	free(ix->chain);
	free(ix->free);
	free(ix->heap);
	free(ix->key);
	free(ix);
}

/* Marks way free at every level: a word that was already non-zero already has its bit set above. */
static void mark_free(mmu_tlb_index_t *ix, unsigned set, unsigned way)
{
	size_t i = way;
	for (unsigned l = 0; l < ix->levels; l++) {
		uint64_t *w = free_word(ix, l, set, i / 64);
		uint64_t before = *w;
		*w = before | UINT64_C(1) << (i % 64);
		if (before)
			break;
		i /= 64;
	}
}

/* Marks way used: a word that stays non-zero keeps its bit set above. */
static void mark_used(mmu_tlb_index_t *ix, unsigned set, unsigned way)
{
	size_t i = way;
	for (unsigned l = 0; l < ix->levels; l++) {
		uint64_t *w = free_word(ix, l, set, i / 64);
		*w &= ~(UINT64_C(1) << (i % 64));
		if (*w)
			break;
		i /= 64;
	}
}

void mmu_tlb_index_reset(mmu_tlb_index_t *ix)
{
	size_t nslots = (size_t)ix->sets * ix->ways;
	memset(ix->bucket, 0xff, ((size_t)1 << (64 - ix->hash_shift)) * sizeof *ix->bucket); /* all NONE */
	size_t nfree = ix->level_base[ix->levels - 1] + ix->level_words[ix->levels - 1] * ix->sets;
	memset(ix->free, 0, nfree * sizeof *ix->free);
	for (unsigned s = 0; s < ix->sets; s++)
		for (unsigned w = 0; w < ix->ways; w++)
			mark_free(ix, s, w);
	if (!ix->heap)
		return;
	for (size_t slot = 0; slot < nslots; slot++)
		ix->heap[slot] = (uint32_t)(slot % ix->ways); /* keys all 0, ways increasing: a heap */
	memset(ix->key, 0, nslots * sizeof *ix->key);
}

static uint32_t *bucket_of(const mmu_tlb_index_t *ix, uint64_t tag)
{
	return &ix->bucket[(tag * UINT64_C(0x9E3779B97F4A7C15)) >> ix->hash_shift];
}

static void add(mmu_tlb_index_t *ix, uint64_t tag, uint32_t slot)
{
	uint32_t *head = bucket_of(ix, tag);
	ix->chain[slot] = *head;
	*head = slot;
	mark_used(ix, slot / ix->ways, slot % ix->ways);
}

static void remove_slot(mmu_tlb_index_t *ix, uint64_t tag, uint32_t slot)
{
	uint32_t *link = bucket_of(ix, tag);
	while (*link != slot) {
		MMU_ASSERT(*link != MMU_TLB_INDEX_NONE);
		link = &ix->chain[*link];
	}
	*link = ix->chain[slot];
	mark_free(ix, slot / ix->ways, slot % ix->ways);
}

void mmu_tlb_index_move(mmu_tlb_index_t *ix, uint32_t slot, uint64_t old, uint64_t new)
{
	if (old)
		remove_slot(ix, old, slot);
	if (new)
		add(ix, new, slot);
}

unsigned mmu_tlb_index_lowest_free(const mmu_tlb_index_t *ix, unsigned set)
{
	size_t i = 0;
	for (unsigned l = ix->levels; l-- > 0;) {
		uint64_t w = *free_word(ix, l, set, i);
		if (!w)
			return ix->ways; /* only the top word can be 0 here: a non-zero word's bit above says so */
		i = i * 64 + (size_t)__builtin_ctzll(w);
	}
	return (unsigned)i;
}

uint64_t mmu_tlb_index_valid_bits(const mmu_tlb_index_t *ix, unsigned set, size_t word)
{
	size_t past = ix->ways - word * 64; /* ways from this word's first on */
	uint64_t ways = past >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << past) - 1;
	return ~*free_word(ix, 0, set, word) & ways;
}

/* Heap order within set: key, then way. */
static bool before(const uint64_t *key, uint32_t a, uint32_t b)
{
	return key[a] < key[b] || (key[a] == key[b] && a < b);
}

unsigned mmu_tlb_index_lru_way(mmu_tlb_index_t *ix, unsigned set, const uint64_t *stamp)
{
	size_t base = (size_t)set * ix->ways;
	uint32_t *heap = ix->heap + base;
	const uint64_t *key = ix->key + base;
	for (;;) {
		uint32_t top = heap[0];
		if (ix->key[base + top] == stamp[base + top])
			return top;
		ix->key[base + top] = stamp[base + top];
		size_t i = 0;
		for (;;) { /* sift down: stamps only grow, so the key only grew */
			size_t c = 2 * i + 1;
			if (c >= ix->ways)
				break;
			if (c + 1 < ix->ways && before(key, heap[c + 1], heap[c]))
				c++;
			if (!before(key, heap[c], heap[i]))
				break;
			uint32_t w = heap[i];
			heap[i] = heap[c];
			heap[c] = w;
			i = c;
		}
	}
}
