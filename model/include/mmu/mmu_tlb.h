#ifndef MMU_TLB_H
#define MMU_TLB_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_paging.h"

/*
 * One set-associative TLB; L1 I, L1 D and L2 are instances of it (docs/timing.md, section "TLB").
 *
 * Page sizes: one array holds entries of every page size. A lookup probes, in parallel, one set per page size the
 * mode has (4 KiB, 2 MiB, 1 GiB on x86-64): the set of size S is indexed by the virtual-address bits just above S's
 * offset. A fill goes to the set of its own size. Priority when several entries match: smallest page first, then
 * lowest way (rule R6).
 */
typedef struct mmu_tlb mmu_tlb_t;

typedef struct mmu_tlb_entry {
	uint64_t vpn;  /* vaddr >> shift of the entry's page size, within the mode's va_bits */
	uint64_t base; /* physical address of the page */
	uint16_t pcid;
	uint8_t level; /* leaf level: 1 = base page */
	bool valid, global, writable, user, nx, dirty;
	bool readable; /* RISC-V R (execute-only pages have it clear); true in the other modes */
} mmu_tlb_entry_t;

typedef struct mmu_tlb_counters {
	uint64_t accesses, hits, misses;
} mmu_tlb_counters_t;

/*
 * How the fills so far chose their way (R4, R7, the policy), for functional coverage: a fill over a stale copy of its
 * page (R7), told apart by how the copy matched (same PCID; another PCID, the new entry global; another PCID, the old
 * entry global), a fill into an invalid way (R4), a fill into the policy's victim of a full set (R1-R3, R5). Kept
 * across mmu_tlb_reset(), as the counters are.
 */
typedef struct mmu_tlb_fills {
	uint64_t copy_same_pcid, copy_new_global, copy_old_global;
	uint64_t invalid_way, victim;
} mmu_tlb_fills_t;

/* lfsr_seed: initial state of the random-policy LFSR (rule R5); 0 is replaced by 1. */
int mmu_tlb_create(const mmu_tlb_cfg_t *cfg, const mmu_paging_t *paging, uint16_t lfsr_seed, mmu_tlb_t **out);
/*
 * The same array over one block size only: entries of leaf level `level` whose tag is address >> shift within
 * addr_bits. The page-walk caches (one per level, tagged by the virtual-address bits an entry of that level
 * translates) and the walker's data cache (tagged by physical line address) are built on it (docs/timing.md,
 * W9-W12, M6-M8).
 */
int mmu_tlb_create_block(const mmu_tlb_cfg_t *cfg, unsigned level, unsigned shift, unsigned addr_bits,
                         uint16_t lfsr_seed, mmu_tlb_t **out);
void mmu_tlb_destroy(mmu_tlb_t *t);
void mmu_tlb_reset(mmu_tlb_t *t);

/*
 * A lookup as a request performs it: counts an access and a hit or miss, updates the replacement state on a hit.
 * Returns the hit slot (set * ways + way) and copies the entry, or -1 on a miss.
 */
long mmu_tlb_lookup(mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid, mmu_tlb_entry_t *hit);

/* A lookup with no side effect (no count, no replacement update), for invalidation and inspection. */
long mmu_tlb_probe(const mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid);
/* The entry in slot (set * ways + way). */
const mmu_tlb_entry_t *mmu_tlb_slot_entry(const mmu_tlb_t *t, long slot);

/*
 * Writes an entry (rule R7): over a valid entry that matches the same page size, vpn and PCID/global if there is
 * one, else into the first invalid way of its set, else into the policy's victim. Returns the slot written. Only
 * the last two allocate: an in-place write leaves the FIFO pointer alone (R2); every fill steps the LFSR (R5).
 */
long mmu_tlb_fill(mmu_tlb_t *t, const mmu_tlb_entry_t *e);

/* Clears slot (from lookup/probe). */
void mmu_tlb_invalidate_slot(mmu_tlb_t *t, long slot);

/* Flush by kind (mmu_flush_op_t values; current_pcid is the PCID of CR3 for MMU_FLUSH_VA). */
void mmu_tlb_flush(mmu_tlb_t *t, unsigned op, uint64_t vaddr, uint16_t pcid, uint16_t current_pcid);

/* Replacement victim the policy would choose now in set `set` (ignores invalid ways), for tests. */
unsigned mmu_tlb_policy_victim(const mmu_tlb_t *t, unsigned set);

unsigned mmu_tlb_sets(const mmu_tlb_t *t);
unsigned mmu_tlb_ways(const mmu_tlb_t *t);
const mmu_tlb_entry_t *mmu_tlb_entry(const mmu_tlb_t *t, unsigned set, unsigned way);
const mmu_tlb_counters_t *mmu_tlb_counters(const mmu_tlb_t *t);
const mmu_tlb_fills_t *mmu_tlb_fills(const mmu_tlb_t *t);
uint16_t mmu_tlb_lfsr(const mmu_tlb_t *t);

#endif
