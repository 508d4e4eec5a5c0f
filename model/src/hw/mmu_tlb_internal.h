#ifndef MMU_TLB_INTERNAL_H
#define MMU_TLB_INTERNAL_H

/* The TLB block's functions that only the model's fast path and the sweep's replay use (mmu_tlb.h is the rest). */
#include "mmu/mmu_tlb.h"

/*
 * n lookups that hit slot back to back, at once, in two halves: the use of slot (its replacement state, recorded once:
 * R1 and R3 keep only the latest use of a slot, FIFO and random none), and the counting of the n hits. The same state
 * as n calls of mmu_tlb_lookup().
 */
void mmu_tlb_touch(mmu_tlb_t *t, long slot);
/* n uses of slot in a row, with no other use of this TLB between them: the state n calls of mmu_tlb_touch leave. */
void mmu_tlb_touch_n(mmu_tlb_t *t, long slot, uint64_t n);
void mmu_tlb_count_hits(mmu_tlb_t *t, uint64_t n);
/*
 * A stamp of slot's last write (fill or invalidation), 0 after a reset: while it is unchanged the slot holds the same
 * entry. Whether slot holds a base-page entry: only such an entry stays a lookup's answer whatever else is filled
 * (R6: smallest page first; R7: one entry per page size matches).
 */
uint64_t mmu_tlb_slot_written(const mmu_tlb_t *t, long slot);
bool mmu_tlb_slot_base(const mmu_tlb_t *t, long slot);
/*
 * The same answer as mmu_tlb_probe, first trying slot hint (an earlier answer for this page, or -1), then the slot of
 * the last base-page hit or fill.
 */
long mmu_tlb_peek(const mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid, long hint);

#endif
