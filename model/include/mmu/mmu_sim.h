#ifndef MMU_SIM_H
#define MMU_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu.h"
#include "mmu/mmu_os.h"
#include "mmu/mmu_requester.h"
#include "mmu/mmu_trace.h"

/*
 * A whole system for trace simulation: the MMU, its memory, physical memory and the OS side, driven by an in-order
 * requester that presents each translation in the cycle the previous response appears (docs/timing.md, T14).
 *
 * Per trace record: a change of pid is a context switch (a CR3 write; with cr3.pcid on it keeps the TLBs, bit 63);
 * an access that crosses a base-page boundary is two translations; a not-present fault is served by the OS (demand
 * paging, os.fault_cycles idle cycles) and the access retried, as on Linux. With a memory limit the fault also costs
 * os.swap_in_cycles / os.swap_out_cycles per base page moved, and the TLB invalidations the OS asks for
 * (mmu_os_shootdown_next) are presented to the MMU, one flush cycle each, before the retry.
 *
 * Two engines give identical results: FAST calls mmu_translate(); TICKED steps mmu_comb()/mmu_clock() and the memory
 * every cycle.
 */
typedef enum { MMU_ENGINE_FAST = 0, MMU_ENGINE_TICKED = 1 } mmu_engine_t;

/* The trace side's counters, one per line of mmu_sim_stats.def (names, units and meanings there). */
typedef struct mmu_sim_stats {
#define MMU_SIM_STAT(field, name, unit, group, description) uint64_t field;
#include "mmu/mmu_sim_stats.def"
} mmu_sim_stats_t;

typedef struct mmu_sim mmu_sim_t;

int mmu_sim_create(const mmu_cfg_t *cfg, mmu_engine_t engine, mmu_sim_t **out, char *msg, size_t msglen);
void mmu_sim_destroy(mmu_sim_t *s);

/*
 * Simulates one trace record. Returns 0, or MMU_EFAULT with msg set when the record's address cannot be translated
 * at all in this paging mode (not canonical / too wide), or MMU_ENOFRAME when physical memory is exhausted.
 */
int mmu_sim_ref(mmu_sim_t *s, const mmu_trace_rec_t *rec, char *msg, size_t msglen);

/*
 * n records, with the same effect as n calls of mmu_sim_ref (and faster: records that hit the L1 TLB entry that
 * answered the same page just before are counted in bulk). *done is the number of records complete: n, or on an
 * error the index of the record that failed (its message in msg, as mmu_sim_ref gives).
 */
int mmu_sim_refs(mmu_sim_t *s, const mmu_trace_rec_t *recs, size_t n, size_t *done, char *msg, size_t msglen);

/*
 * The same as mmu_sim_ref, with the record's translations carried out by translate() (which must leave the system in
 * the response cycle and fill *res, as mmu_sim_translate does; a non-zero return stops the record with that error): for
 * a front end that watches each translation, as explain records every cycle of it. The rest (switch, OS, idle cycles)
 * is carried out as mmu_sim_ref does.
 */
typedef int (*mmu_sim_translate_fn)(void *ctx, mmu_sim_t *s, const mmu_step_t *step, mmu_result_t *res);
int mmu_sim_ref_with(mmu_sim_t *s, const mmu_trace_rec_t *rec, mmu_sim_translate_fn translate, void *ctx, char *msg,
                     size_t msglen);

/*
 * The most cycles one translation can take in configuration c, from its request to its response: the ticked engine
 * stops with an internal error beyond it, since only a broken model can get there.
 */
uint64_t mmu_sim_latency_bound(const mmu_cfg_t *c);

/* One translation request as the requester presents it (no OS involvement). */
void mmu_sim_translate(mmu_sim_t *s, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t *res);
/* A CR3 write / flush presented alone for one cycle; n idle cycles. */
void mmu_sim_cr3_write(mmu_sim_t *s, uint64_t value);
void mmu_sim_flush(mmu_sim_t *s, mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid);
void mmu_sim_idle(mmu_sim_t *s, uint64_t n);
/* Switches to process pid (creating it), as a pid change in a trace does. */
int mmu_sim_switch(mmu_sim_t *s, uint32_t pid);

mmu_t *mmu_sim_mmu(const mmu_sim_t *s);
mmu_os_t *mmu_sim_os(const mmu_sim_t *s);
mmu_mem_t *mmu_sim_mem(const mmu_sim_t *s);
mmu_physmem_t *mmu_sim_physmem(const mmu_sim_t *s);
const mmu_sim_stats_t *mmu_sim_stats(const mmu_sim_t *s);

#endif
