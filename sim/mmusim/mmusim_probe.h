#ifndef MMUSIM_PROBE_H
#define MMUSIM_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_sim.h"

/*
 * A recorder of one translation on the per-cycle path: the request is presented on a port of a system built with
 * MMU_ENGINE_TICKED and the model is stepped with mmu_comb()/mmu_clock() and mmu_mem_comb()/mmu_mem_clock(), exactly
 * as the ticked engine of mmu_sim does, while every cycle's ports are kept. The explanations and the timing diagrams
 * read the model's own signals from this record; nothing in them is recomputed.
 */
typedef struct probe_cycle {
	mmu_in_t in;     /* the inputs of the cycle, the memory's outputs (ready, response) included */
	mmu_out_t out;   /* the MMU's outputs of the cycle */
	bool dcache_hit; /* the memory accepted a request at this cycle's edge and its dcache hit (M7) */
} probe_cycle_t;

/* One memory access of the walker, cycles relative to the request cycle. */
typedef struct probe_access {
	uint64_t visible;  /* first cycle mem_req_valid showed it */
	uint64_t accepted; /* cycle mem_req_ready took it */
	uint64_t resp;     /* cycle mem_resp_valid answered it */
	uint64_t addr;     /* mem_req_addr: 8-byte aligned */
	uint64_t wdata, rdata;
	uint8_t wstrb;
	bool write;
	bool dcache_hit; /* the walker's data cache held the line (docs/timing.md M7; false without a dcache) */
} probe_access_t;

#define PROBE_MAX_ACCESSES 32

typedef struct probe {
	uint64_t start; /* absolute cycle the request was presented (cycle 0 of the record) */
	probe_cycle_t *cyc;
	size_t n, cap; /* cycles recorded: the request cycle to the response cycle, both included */
	unsigned port;
	mmu_result_t res; /* from the response cycle's outputs */
	probe_access_t acc[PROBE_MAX_ACCESSES];
	size_t nacc;
} probe_t;

/*
 * Presents the request in the current cycle and steps until its response is visible; the system is left in the
 * response cycle, as the in-order requester of mmu_sim leaves it (docs/timing.md, T14). Returns 0 or MMU_ENOMEM.
 */
int probe_translate(mmu_sim_t *s, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, probe_t *p);
void probe_free(probe_t *p);

#endif
