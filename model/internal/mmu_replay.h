#ifndef MMU_REPLAY_H
#define MMU_REPLAY_H

/*
 * Internal to the model and `mmusim sweep` (not a public header): what the sweep's replay of a compacted trace uses
 * to skip work that cannot change a result. The replayed figures equal a full simulation's, checked by the sweep
 * tests and the fast-path tests (test_mmu_fastpath).
 */
#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu.h"
#include "mmu/mmu_sim.h"

/*
 * Fast path, for trace sweeps that skip work which cannot change a result: the L1 TLB slot of port req that would
 * answer a request with a hit (no fault, no dirty re-walk), or -1 (no state is touched; hint: a slot this returned
 * for the same page before, or -1, tried first); and n requests answered by that slot, back to back: the same effect
 * as n calls of mmu_translate() that hit it.
 */
long mmu_replay_l1_hit_slot(const mmu_t *m, unsigned req, uint64_t vaddr, mmu_op_t op, bool user, long hint);
void mmu_replay_translate_hits(mmu_t *m, unsigned req, long slot, uint64_t n);
/*
 * The two halves of mmu_replay_translate_hits: the use of slot (its replacement state, once however many hits), and the
 * counting of n hits of port req on pages of leaf level page_level. No decision of the fast path reads a counter or
 * the cycle (M4), so a caller may add up the counting of many hits and apply it later.
 */
void mmu_replay_l1_touch(mmu_t *m, unsigned req, long slot);
/* n uses of slot in a row with no other use of that L1 TLB between them: exactly the state n hits leave (R1, R3). */
void mmu_replay_l1_touch_n(mmu_t *m, unsigned req, long slot, uint64_t n);
void mmu_replay_count_l1_hits(mmu_t *m, unsigned req, unsigned page_level, uint64_t n);
/*
 * For a slot mmu_replay_l1_hit_slot returned: a stamp of its last write if it holds a base-page entry, else 0. While
 * the stamp and mmu_current_pcid() are unchanged, mmu_replay_l1_hit_slot gives the same answer for a request of the
 * same base page, operation and privilege (the entry is the same, and R6/R7 let no other entry answer before a
 * base-page one).
 */
uint64_t mmu_replay_l1_slot_written(const mmu_t *m, unsigned req, long slot);
/* Whether slot still has that stamp and the current PCID is pcid: the answer holds. */
bool mmu_replay_l1_slot_holds(const mmu_t *m, unsigned req, long slot, uint64_t written, uint16_t pcid);
/* The leaf level of the entry in that slot. */
unsigned mmu_replay_l1_slot_level(const mmu_t *m, unsigned req, long slot);

/*
 * For sweeps that skip work which cannot change a result (fast engine only). mmu_replay_sim_hit: the slot of its
 * port's L1 TLB that would answer rec, of the current process and within one base page, with a hit (no fault, no
 * dirty re-walk), or -1; nothing changes (hint as for mmu_replay_l1_hit_slot). The answer comes with what makes it
 * hold: while mmu_replay_sim_hit_holds() is true for the same process, the same record gets the same slot
 * (mmu_replay_l1_slot_written). n records equal to rec, back to back, answered by that slot have the same effect as n
 * calls of mmu_sim_ref(), in two halves: the use of the slot (mmu_replay_sim_touch, once for any number of hits), and
 * the counting, which nothing reads until the figures are (mmu_replay_sim_count_hits): n records of port, each one
 * translation hitting an entry of leaf level page_level.
 */
typedef struct mmu_replay_hit {
	uint64_t written; /* the slot's write stamp; 0 when the answer must be looked up again */
	int32_t slot;     /* -1: no hit */
	uint16_t pcid;
	uint8_t page_level;
} mmu_replay_hit_t;
long mmu_replay_sim_hit(const mmu_sim_t *s, const mmu_trace_rec_t *rec, long hint, mmu_replay_hit_t *hit);
bool mmu_replay_sim_hit_holds(const mmu_sim_t *s, uint32_t pid, unsigned port, const mmu_replay_hit_t *hit);
void mmu_replay_sim_touch(mmu_sim_t *s, unsigned port, long slot);
void mmu_replay_sim_count_hits(mmu_sim_t *s, unsigned port, unsigned page_level, uint64_t n);

/*
 * For the ticked engine's shortcut (mmu_sim_refs), which counts L1 hits as the fast engine does when nothing else is in
 * flight: whether the memory has no access in progress (then its idle cycles change nothing), and the ports set as
 * the per-cycle path leaves them after the last such hit, on port p with request tag `tag`, after the counting.
 */
bool mmu_replay_mem_idle(const mmu_mem_t *mem);
void mmu_replay_ticked_hit_ports(mmu_t *m, unsigned p, uint64_t vaddr, mmu_op_t op, uint8_t tag);
/*
 * For a per-cycle driver (the SystemC component's model core), while a walk waits for memory: n clock edges with
 * nothing presented and no memory response, applied at once when the walker waits for a response (its request accepted)
 * and no port looks up or shows a response: then such edges change only the cycle count. Else false, and nothing
 * changes.
 */
bool mmu_replay_wait_memory(mmu_t *m, uint64_t n);
/*
 * For a per-cycle driver's shortcut (the SystemC component's model core): a request on port p with tag `tag`,
 * presented in the current cycle, when nothing is in flight but a response showing and it hits the L1 TLB (no fault,
 * no dirty re-walk). Then its slot and res, with the state, statistics and cycle that mmu_clock() leaves in the
 * response cycle (T14, unclocked), as if the request had been clocked through; else -1 and nothing changes. `last`
 * is the caller's record of the port's last such hit (zeroed at first, slot -1), kept up to date here: a request of
 * the same base page, operation and privilege is answered from it while its slot holds (mmu_replay_l1_slot_holds).
 */
typedef struct mmu_replay_quiet_hit {
	uint64_t page;    /* vaddr >> page bits */
	uint64_t written; /* the slot's stamp (mmu_replay_l1_slot_written); 0: look the next request up */
	mmu_result_t res; /* the response, paddr without the page offset */
	long slot;
	uint16_t pcid;
	uint8_t op;
	bool user;
} mmu_replay_quiet_hit_t;
long mmu_replay_ticked_l1_hit(mmu_t *m, unsigned p, uint64_t vaddr, mmu_op_t op, bool user, uint8_t tag,
                              mmu_replay_quiet_hit_t *last, mmu_result_t *res);

#endif
