#ifndef MMU_REQUESTER_INTERNAL_H
#define MMU_REQUESTER_INTERNAL_H

/* What mmu_sim needs of the requester beyond mmu_requester.h: switching outside a record, and its sweep shortcuts. */
#include "mmu/mmu_requester.h"
#include "mmu/mmu_sim.h"
#include "mmu_assert.h"

/* Switches to process pid (creating it) outside a record; *cr3 is the value to write, as a CR3 step would. */
int mmu_requester_switch(mmu_requester_t *r, uint32_t pid, uint64_t *cr3);
/* RISC-V without ASIDs: the SFENCE.VMA that follows a satp write, in *step; false when none is due. */
bool mmu_requester_fence_after_switch(const mmu_requester_t *r, mmu_step_t *step);
/* Whether a record or switch has happened yet. */
bool mmu_requester_started(const mmu_requester_t *r);
/* The counts, for the sweep's replay, which adds up hits it skipped. */
mmu_sim_stats_t *mmu_requester_stats_mut(mmu_requester_t *r);

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

/*
 * The requester's state, and its every-record path inline, so that the fast engine's loop (mmu_sim.c) is one
 * function as a hand-written loop would be; the public functions of mmu_requester.h are these same functions, and
 * everything off that path (switches, the OS, faults, a record's second page) is in mmu_requester.c.
 */
#define POPULATED_SLOTS 4096

typedef enum {
	PH_DONE,      /* the record is complete */
	PH_CR3,       /* the context switch's CR3 write */
	PH_FENCE,     /* RISC-V without ASIDs: the SFENCE.VMA after the satp write */
	PH_START,     /* a translation begins: os.populate (or the kernel half's page) first */
	PH_SHOOT,     /* the invalidations the OS asked for, then `after` */
	PH_IDLE,      /* the OS fault handler's cycles, then the retry */
	PH_TRANSLATE, /* the request itself */
	PH_WAIT,      /* its answer */
	PH_HALF_DONE, /* a translation is complete */
} phase_t;

struct mmu_requester {
	mmu_cfg_t cfg;
	mmu_os_t *os;
	const mmu_paging_t *pg;
	unsigned page_bits; /* of base pages: a record crosses one, or not */
	bool started;
	uint32_t pid;
	/* os.populate: pages known to be mapped, direct-mapped by page number; key = page + 1 (0 = empty) */
	uint64_t populated[POPULATED_SLOTS];
	mmu_sim_stats_t st;
	/* the record in progress */
	phase_t phase, after;
	unsigned port;
	mmu_op_t op;
	uint64_t vaddr, second; /* second: the other page of a crossing access */
	bool has_second, answered;
	unsigned attempt;
	uint64_t cr3, idle;
	mmu_result_t res;
};

MMU_COLD int mmu_requester_wraps(const mmu_trace_rec_t *rec, char *msg, size_t msglen);
MMU_COLD int mmu_requester_begin_switch(mmu_requester_t *r, uint32_t pid, char *msg, size_t msglen);
MMU_COLD int mmu_requester_next_slow(mmu_requester_t *r, mmu_step_t *step, char *msg, size_t msglen);

static inline bool mmu_requester_crosses(const mmu_requester_t *r, const mmu_trace_rec_t *rec)
{
	uint64_t last = rec->vaddr + (rec->size ? rec->size - 1 : 0);
	return (last >> r->page_bits) != (rec->vaddr >> r->page_bits);
}

static inline int mmu_requester_begin_fast(mmu_requester_t *r, const mmu_trace_rec_t *rec, char *msg, size_t msglen)
{
	MMU_ASSERT(r->phase == PH_DONE);
	if (rec->size > 1 && rec->size - 1 > UINT64_MAX - rec->vaddr) /* the trace reader refuses these too */
		return mmu_requester_wraps(rec, msg, msglen);
	r->phase = PH_START;
	if (!r->started || rec->pid != r->pid) {
		int err = mmu_requester_begin_switch(r, rec->pid, msg, msglen);
		if (err)
			return err;
	}
	r->st.references++;
	r->port = mmu_rec_port(rec);
	r->op = mmu_rec_op(rec);
	r->vaddr = rec->vaddr;
	r->attempt = 0;
	r->has_second = mmu_requester_crosses(r, rec);
	if (r->has_second)
		r->second = (rec->vaddr + rec->size - 1) & ~((UINT64_C(1) << r->page_bits) - 1);
	return 0;
}

/* os.populate: whether the page is known to be mapped (a cache of the OS's answer: its software walk is slow). */
static inline bool mmu_requester_populated(const mmu_requester_t *r)
{
	uint64_t page = (r->vaddr >> r->page_bits) + 1;
	return r->populated[page % POPULATED_SLOTS] == page;
}

/* The translation of the record's current page; the fields a translation has, on every record's path. */
static inline void mmu_requester_translate_step(mmu_requester_t *r, mmu_step_t *step)
{
	r->st.translations++;
	step->kind = MMU_STEP_TRANSLATE;
	step->port = r->port;
	step->op = r->op;
	step->user = true;
	step->vaddr = r->vaddr;
	r->phase = PH_WAIT;
}

static inline int mmu_requester_next_fast(mmu_requester_t *r, mmu_step_t *step, char *msg, size_t msglen)
{
	if (r->phase == PH_DONE) {
		step->kind = MMU_STEP_DONE;
		return 0;
	}
	/* the kernel half's pages are there from boot (mmu_os_populate): a user access meets a supervisor page */
	if (r->phase == PH_START &&
	    ((!r->cfg.os.populate && !mmu_paging_kernel_half(r->pg, r->vaddr)) || mmu_requester_populated(r)))
		r->phase = PH_TRANSLATE;
	if (r->phase != PH_TRANSLATE)
		return mmu_requester_next_slow(r, step, msg, msglen);
	mmu_requester_translate_step(r, step);
	return 0;
}

/*
 * The fast engine's common record, decided from the record and the requester's settled state without reading back
 * what begin/next just wrote (a chain of store-to-load round trips a record on the fast engine cannot afford): when
 * rec is one translation with nothing before it (the same process, one page, no OS work), *step is that translation
 * and the requester waits for its answer, given to mmu_requester_single_done(). Otherwise nothing changed: begin.
 */
static inline bool mmu_requester_single(mmu_requester_t *r, const mmu_trace_rec_t *rec, mmu_step_t *step)
{
	uint64_t va = rec->vaddr, page = (va >> r->page_bits) + 1;
	if (!r->started || rec->pid != r->pid || mmu_requester_crosses(r, rec) ||
	    (rec->size > 1 && rec->size - 1 > UINT64_MAX - va))
		return false;
	/* as mmu_requester_next_fast: known mapped, or nothing to map first (os.populate off, not the kernel half) */
	if (r->populated[page % POPULATED_SLOTS] != page && (r->cfg.os.populate || mmu_paging_kernel_half(r->pg, va)))
		return false;
	MMU_ASSERT(r->phase == PH_DONE);
	r->st.references++;
	r->port = mmu_rec_port(rec);
	r->op = mmu_rec_op(rec);
	r->vaddr = va;
	r->attempt = 0;
	r->has_second = false;
	mmu_requester_translate_step(r, step);
	return true;
}

/* The answer to that translation; true when the record is complete (no fault), else the usual way goes on. */
static inline bool mmu_requester_single_done(mmu_requester_t *r, const mmu_result_t *res)
{
	if (!res->fault) {
		r->phase = PH_DONE;
		return true;
	}
	r->res = *res;
	r->answered = true;
	return false;
}

static inline void mmu_requester_answer_fast(mmu_requester_t *r, const mmu_result_t *res)
{
	MMU_ASSERT(r->phase == PH_WAIT);
	if (!res->fault && !r->has_second) { /* the common case, settled here: the record is complete */
		r->phase = PH_DONE;
		return;
	}
	r->res = *res;
	r->answered = true;
}

#endif
