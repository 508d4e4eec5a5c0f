#ifndef MMU_REQUESTER_INTERNAL_H
#define MMU_REQUESTER_INTERNAL_H

/* What mmu_sim needs of the requester beyond mmu_requester.h: switching outside a record, and its sweep shortcuts. */
#include "mmu/mmu_requester.h"

/* Switches to process pid (creating it) outside a record; *cr3 is the value to write, as a CR3 step would. */
int mmu_requester_switch(mmu_requester_t *r, uint32_t pid, uint64_t *cr3);
/* Whether a record or switch has happened yet. */
bool mmu_requester_started(const mmu_requester_t *r);
/* The counts, for the sweep's replay, which adds up hits it skipped. */
mmu_sim_stats_t *mmu_requester_stats_mut(mmu_requester_t *r);

/* Whether the record needs two translations (its bytes cross a base page). */
bool mmu_requester_crosses(const mmu_requester_t *r, const mmu_trace_rec_t *rec);

/* The port and operation a record is translated on. */
static inline unsigned mmu_rec_port(const mmu_trace_rec_t *rec)
{
	return rec->kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
}

static inline mmu_op_t mmu_rec_op(const mmu_trace_rec_t *rec)
{
	return rec->kind == MMU_REF_FETCH  ? MMU_OP_FETCH
	       : rec->kind == MMU_REF_LOAD ? MMU_OP_LOAD
	                                   : MMU_OP_STORE; /* M: one translation, as a store */
}

#endif
