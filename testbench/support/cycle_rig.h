#ifndef CYCLE_RIG_H
#define CYCLE_RIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu.h"
#include "mmu/mmu_mem.h"
#include "mmu/mmu_physmem.h"

/*
 * A cycle-by-cycle test bench: one MMU, one memory, one physical memory, evaluated per cycle as docs/timing.md T1
 * describes (outputs of both blocks from state, then both clock edges). Every cycle's inputs and outputs are logged,
 * so a test can assert on the exact cycle of any port event.
 *
 * Use: set the inputs of the coming cycle (rig_req, rig_cr3, rig_flush), then rig_step() runs that cycle. Because the
 * MMU is a Moore machine, rig_peek() can show the coming cycle's outputs before its inputs are chosen, which is how
 * a request is presented in the cycle its predecessor's response is visible (T14).
 */
typedef struct rig_cycle {
	mmu_in_t in;   /* inputs as presented, memory outputs included */
	mmu_out_t out; /* MMU outputs during the cycle */
} rig_cycle_t;

typedef struct rig {
	mmu_cfg_t cfg;
	mmu_physmem_t *pm;
	mmu_mem_t *mem;
	mmu_t *mmu;
	uint64_t cycle; /* the coming cycle: cycles 0 .. cycle-1 have run */
	mmu_in_t next;  /* inputs of the coming cycle, cleared once it has run */
	rig_cycle_t *log;
	size_t cap;
} rig_t;

/* What a port answered. */
typedef struct rig_resp {
	uint64_t cycle; /* cycle in which resp_valid was visible */
	uint64_t latency;
	uint64_t paddr, fault, cause, ecode, level, tag;
} rig_resp_t;

/* One memory request of the walker as seen on the port. */
typedef struct rig_memreq {
	uint64_t visible;  /* first cycle with mem_req_valid */
	uint64_t accepted; /* cycle with mem_req_valid and mem_req_ready */
	uint64_t addr, wdata;
	bool write;
	uint8_t wstrb;
} rig_memreq_t;

/* H1 = 1, H2 = 2, L = 3 (the cycle diagrams of docs/timing.md), x86-64, pa_bits 46, no PCID, seed 1. */
void rig_cfg_small(mmu_cfg_t *cfg);

void rig_init(rig_t *r, const mmu_cfg_t *cfg);
void rig_fini(rig_t *r);

/* Inputs of the coming cycle. */
void rig_req(rig_t *r, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, uint8_t tag);
void rig_cr3(rig_t *r, uint64_t value);
void rig_flush(rig_t *r, mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid);

/* Outputs of the coming cycle (they depend on state only). */
void rig_peek(const rig_t *r, mmu_out_t *out, mmu_mem_out_t *mem_out);
/* Runs the coming cycle; returns its number. */
uint64_t rig_step(rig_t *r);
void rig_idle(rig_t *r, uint64_t n);

/*
 * Steps idle cycles until port's response is visible in the coming cycle (which is left to the caller, so the next
 * request can be presented in it). Fails the test after max cycles. accept_cycle gives the latency.
 */
void rig_wait_resp(rig_t *r, unsigned port, uint64_t accept_cycle, uint64_t max, rig_resp_t *resp);

/* Presents one request in the coming cycle and waits for its response (T14 requester). */
void rig_translate(rig_t *r, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, rig_resp_t *resp);
/* As rig_translate, and also returns the memory requests made from the request cycle to the response cycle. */
size_t rig_translate_log(rig_t *r, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, rig_resp_t *resp,
                         rig_memreq_t *reqs, size_t max);

/* Memory requests visible in cycles [from, to); returns how many (at most max stored). */
size_t rig_memreqs(const rig_t *r, uint64_t from, uint64_t to, rig_memreq_t *reqs, size_t max);
/* Logged cycle n (n < r->cycle). */
const rig_cycle_t *rig_at(const rig_t *r, uint64_t n);

/* Writes CR3 in the coming cycle and runs it. */
void rig_set_cr3(rig_t *r, uint64_t value);

#endif
