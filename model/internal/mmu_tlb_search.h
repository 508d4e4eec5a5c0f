#ifndef MMU_TLB_SEARCH_H
#define MMU_TLB_SEARCH_H

/*
 * How a TLB finds the ways a lookup, a fill or an invalidation needs: by scanning the set, or through an index
 * beside the array (a hash table of tags, bitmaps of invalid ways, the LRU order). Both give the same answers, the
 * same victims and the same state; the index makes a wide set (a large fully associative TLB) cost about as much
 * as a narrow one. mmu_tlb_create() chooses by the number of ways; the model's own tests force either to compare
 * them.
 */
#include "mmu/mmu_tlb.h"

typedef enum { MMU_TLB_SEARCH_AUTO = 0, MMU_TLB_SEARCH_SCAN = 1, MMU_TLB_SEARCH_INDEX = 2 } mmu_tlb_search_t;

int mmu_tlb_create_searched(const mmu_tlb_cfg_t *cfg, const mmu_paging_t *paging, uint16_t lfsr_seed,
                            mmu_tlb_search_t search, mmu_tlb_t **out);

#endif
