#ifndef MMU_STEP_H
#define MMU_STEP_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu.h"
#include "mmu/mmu_mem.h"

/*
 * Port activity, and the one place that puts it on the MMU's ports cycle by cycle.
 *
 * A step is what a requester asks of the MMU next: a translation, a CR3 write or a flush presented alone for one
 * cycle, or idle cycles (the OS fault handler running). The requester (mmu_requester.h) makes steps out of trace
 * records; a front end carries them out in its own way: the fast engine calls mmu_translate(), the SystemC generator
 * sends transactions, and every per-cycle front end (the ticked engine, the co-simulation, the explanations) hands
 * them to a port driver below.
 */
typedef enum {
	MMU_STEP_DONE = 0,  /* nothing more for this record */
	MMU_STEP_TRANSLATE, /* present a request; its result goes back to the requester */
	MMU_STEP_CR3,       /* a CR3 write, alone for one cycle (T12) */
	MMU_STEP_FLUSH,     /* a TLB invalidation, alone for one cycle (T11) */
	MMU_STEP_IDLE,      /* cycles with nothing presented */
} mmu_step_kind_t;

typedef struct mmu_step {
	mmu_step_kind_t kind;
	unsigned port;           /* TRANSLATE: MMU_REQ_I or MMU_REQ_D */
	mmu_op_t op;             /* TRANSLATE */
	bool user;               /* TRANSLATE */
	uint64_t vaddr;          /* TRANSLATE, FLUSH */
	uint64_t value;          /* CR3: the value written */
	mmu_flush_op_t flush_op; /* FLUSH */
	uint16_t pcid;           /* FLUSH */
	uint64_t cycles;         /* IDLE */
} mmu_step_t;

/*
 * The port driver: one step on the ports, one cycle per call. A call takes the MMU's outputs of the current cycle
 * (T1: functions of state, so they are known before the inputs are driven) and sets the inputs the step drives in
 * that cycle; the caller then clocks. It returns 0 when it drove this cycle, 1 when the step is complete in this
 * cycle and drove nothing (the next step may be presented in the same cycle, T14; a translation's result is in
 * *res), or MMU_EINVAL when a request meets a port that is not ready (an in-order requester never does, T2).
 * A translation waiting longer than `bound` cycles for its response is a broken model: it aborts.
 */
typedef struct mmu_port_driver {
	mmu_step_t step;
	bool active, presented;
	uint8_t tag;     /* req_tag of the next request: counts requests */
	uint64_t waited; /* cycles since the request was presented */
	uint64_t bound;
} mmu_port_driver_t;

void mmu_port_driver_init(mmu_port_driver_t *d, uint64_t bound);
void mmu_port_driver_begin(mmu_port_driver_t *d, const mmu_step_t *step);
int mmu_port_driver_cycle(mmu_port_driver_t *d, const mmu_out_t *out, mmu_in_t *in, mmu_result_t *res);

/*
 * One cycle of the MMU wired to its memory (T1, M1), the only place that wires them: mmu_system_comb() gives both
 * blocks' outputs from state (the memory's ready and response become the MMU's inputs in *in, the rest of *in is
 * the caller's); mmu_system_clock() is both clock edges, the memory seeing what the MMU drives in this cycle.
 */
void mmu_system_comb(const mmu_t *mmu, const mmu_mem_t *mem, mmu_in_t *in, mmu_out_t *out);
void mmu_system_clock(mmu_t *mmu, mmu_mem_t *mem, const mmu_in_t *in, const mmu_out_t *out);

#endif
