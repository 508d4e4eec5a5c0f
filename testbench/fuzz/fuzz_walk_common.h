#ifndef FUZZ_WALK_COMMON_H
#define FUZZ_WALK_COMMON_H

#include "mmu/mmu_sim.h"

/*
 * The page walker on memory it cannot trust: the same requests run on the fast engine and on the ticked engine over
 * the same physical memory; both must end every request in a translation or a fault within the longest possible walk,
 * agree on every result, latency, statistic and the memory they leave (A/D write-backs).
 */
typedef struct fuzz_req {
	uint64_t vaddr;
	unsigned port;
	mmu_op_t op;
	bool user;
} fuzz_req_t;

/* Writes the memory image into a fresh system's physical memory. */
typedef void (*fuzz_fill_fn)(mmu_physmem_t *pm, const void *ctx);

void fuzz_walk_compare(const mmu_cfg_t *cfg, fuzz_fill_fn fill, const void *ctx, uint64_t cr3, const fuzz_req_t *reqs,
                       unsigned nreqs);

#endif
