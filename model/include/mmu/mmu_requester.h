#ifndef MMU_REQUESTER_H
#define MMU_REQUESTER_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_os.h"
#include "mmu/mmu_step.h"
#include "mmu/mmu_trace.h"

/*
 * The in-order requester: the only code that turns trace records into port activity (mmu_step.h), for every front
 * end. Per record (docs/timing.md T14, "The OS side between requests"):
 *   - a change of pid is a context switch: a CR3 write presented alone (with cr3.pcid, bit 63 keeps the TLBs);
 *   - an access that crosses a base-page boundary is two translations;
 *   - with os.populate the page is mapped before its first translation, free of charge (MAP_POPULATE);
 *   - a page of the kernel half (mmu_paging_kernel_half) is the kernel's, there before the access (supervisor-only,
 *     mmu_os_populate): a user access to it is a protection fault, not served, as any fault other than not-present;
 *   - a not-present fault is served by the OS (demand paging) and the translation retried once, after
 *     os.fault_cycles idle cycles (plus os.swap_in_cycles / os.swap_out_cycles per page moved under a memory
 *     limit); the TLB invalidations the OS asks for are presented first, one flush each.
 * The records are user-mode accesses; `M` (modify) is one translation, as a store.
 *
 * Use: mmu_requester_begin(rec), then mmu_requester_next() until it gives MMU_STEP_DONE, carrying out each step and
 * handing each translation's result to mmu_requester_answer() before the next call.
 */
typedef struct mmu_requester mmu_requester_t;
typedef struct mmu_sim_stats mmu_sim_stats_t; /* mmu_sim.h */

/* os must outlive the requester; cfg is copied. */
int mmu_requester_create(const mmu_cfg_t *cfg, mmu_os_t *os, mmu_requester_t **out);
void mmu_requester_destroy(mmu_requester_t *r);

/* Starts a record. An error (the process cannot be created, an access that wraps past 2^64) comes with msg set. */
int mmu_requester_begin(mmu_requester_t *r, const mmu_trace_rec_t *rec, char *msg, size_t msglen);
/*
 * The record's next step. Errors, with msg set: MMU_EFAULT when the address cannot be translated at all in this
 * paging mode (not canonical, too wide), MMU_ENOFRAME when physical memory is exhausted.
 */
int mmu_requester_next(mmu_requester_t *r, mmu_step_t *step, char *msg, size_t msglen);
void mmu_requester_answer(mmu_requester_t *r, const mmu_result_t *res);

/* The process of the last record. */
uint32_t mmu_requester_pid(const mmu_requester_t *r);

const mmu_sim_stats_t *mmu_requester_stats(const mmu_requester_t *r);

#endif
