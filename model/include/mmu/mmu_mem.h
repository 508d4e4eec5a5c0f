#ifndef MMU_MEM_H
#define MMU_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_physmem.h"
#include "mmu/mmu_stats.h"
#include "mmu/mmu_tlb.h"

/*
 * The memory the walker talks to: a request/response port with latency (docs/timing.md, rules M1-M5), over a
 * sparse physical memory. Same two-phase API as the MMU: mmu_mem_comb() gives the outputs of the current cycle from
 * state alone, mmu_mem_clock() samples the inputs at the clock edge.
 *
 * The fast path calls mmu_mem_access() instead, which performs the same access with the same random draws in the
 * same order and returns its cost in cycles, so both paths agree cycle for cycle.
 */
typedef struct mmu_mem mmu_mem_t;

typedef struct mmu_mem_in {
	uint64_t req_valid, req_addr, req_write, req_wdata, req_wstrb, req_cmp;
} mmu_mem_in_t;

typedef struct mmu_mem_out {
	uint64_t req_ready, resp_valid, resp_rdata;
} mmu_mem_out_t;

int mmu_mem_create(const mmu_mem_cfg_t *cfg, uint64_t seed, mmu_physmem_t *pm, mmu_mem_t **out);
void mmu_mem_destroy(mmu_mem_t *mem);

void mmu_mem_comb(const mmu_mem_t *mem, mmu_mem_out_t *out);
void mmu_mem_clock(mmu_mem_t *mem, const mmu_mem_in_t *in);

/*
 * One access as the fast path sees it: the request is presented in some cycle r; the function returns the number
 * of cycles from r to the first cycle in which the requester can present its next request (or its result), that is
 * stall + latency + 1 (rule M4). rdata gets the aligned word (reads; the old word for writes). A write is a
 * compare-and-swap (M9): it takes place only if the bytes enabled by wstrb hold those of cmp.
 */
uint32_t mmu_mem_access(mmu_mem_t *mem, uint64_t addr, bool write, uint64_t wdata, uint8_t wstrb, uint64_t cmp,
                        uint64_t *rdata);

mmu_physmem_t *mmu_mem_physmem(const mmu_mem_t *mem);

/* The dcache counters (docs/timing.md M6-M8) into st's dcache_* fields; nothing when there is no dcache. */
void mmu_mem_stats_read(const mmu_mem_t *mem, mmu_stats_t *st);
/* The dcache's array (lines as entries of level 1, vpn = line address), NULL when dcache.lines = 0. */
const mmu_tlb_t *mmu_mem_dcache(const mmu_mem_t *mem);

/* Accesses performed (reads, writes: every write request, and those whose comparison failed, M9). */
uint64_t mmu_mem_reads(const mmu_mem_t *mem);
uint64_t mmu_mem_writes(const mmu_mem_t *mem);
uint64_t mmu_mem_writes_refused(const mmu_mem_t *mem);

#endif
