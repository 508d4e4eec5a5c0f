/* The in-order requester: trace records into steps, with the OS serving faults between them (mmu_requester.h). */
#include "mmu_requester_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_sim.h"
#include "mmu_assert.h"

#define POPULATED_SLOTS 4096

typedef enum {
	PH_DONE,      /* the record is complete */
	PH_CR3,       /* the context switch's CR3 write */
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

int mmu_requester_create(const mmu_cfg_t *cfg, mmu_os_t *os, mmu_requester_t **out)
{
	mmu_requester_t *r = calloc(1, sizeof *r);
	if (!r)
		return MMU_ENOMEM;
	r->cfg = *cfg;
	r->os = os;
	r->pg = mmu_os_paging(os);
	*out = r;
	return 0;
}

void mmu_requester_destroy(mmu_requester_t *r)
{
	free(r);
}

int mmu_requester_switch(mmu_requester_t *r, uint32_t pid, uint64_t *cr3)
{
	int err = mmu_os_process(r->os, pid);
	if (err)
		return err;
	if (r->started)
		r->st.context_switches++;
	/* With PCIDs each process keeps its own entries: Linux sets bit 63 when the PCID's entries are still valid. */
	*cr3 = mmu_os_cr3(r->os, pid, true);
	r->started = true;
	r->pid = pid;
	memset(r->populated, 0, sizeof r->populated);
	return 0;
}

bool mmu_requester_crosses(const mmu_requester_t *r, const mmu_trace_rec_t *rec)
{
	uint64_t last = rec->vaddr + (rec->size ? rec->size - 1 : 0);
	return (last >> r->pg->page_bits) != (rec->vaddr >> r->pg->page_bits);
}

int mmu_requester_begin(mmu_requester_t *r, const mmu_trace_rec_t *rec, char *msg, size_t msglen)
{
	MMU_ASSERT(r->phase == PH_DONE);
	if (rec->size > 1 && rec->size - 1 > UINT64_MAX - rec->vaddr) { /* the trace reader refuses these too */
		snprintf(msg, msglen, "an access of %u bytes at 0x%llx wraps past the end of the 64-bit address space",
		         (unsigned)rec->size, (unsigned long long)rec->vaddr);
		return MMU_EINVAL;
	}
	r->phase = PH_START;
	if (!r->started || rec->pid != r->pid) {
		int err = mmu_requester_switch(r, rec->pid, &r->cr3);
		if (err) {
			snprintf(msg, msglen, "cannot create process %u: %s", rec->pid, mmu_strerror(err));
			return err;
		}
		r->phase = PH_CR3;
	}
	r->st.references++;
	r->port = mmu_rec_port(rec);
	r->op = mmu_rec_op(rec);
	r->vaddr = rec->vaddr;
	r->attempt = 0;
	r->has_second = mmu_requester_crosses(r, rec);
	if (r->has_second) {
		uint64_t last = rec->vaddr + rec->size - 1;
		r->second = last & ~((UINT64_C(1) << r->pg->page_bits) - 1);
	}
	return 0;
}

static int not_canonical(const mmu_requester_t *r, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "address 0x%llx is not a valid %s virtual address (%u bits%s)",
	         (unsigned long long)r->vaddr, r->pg->name, r->pg->va_bits,
	         r->pg->sign_extend ? ", canonical form" : "");
	return MMU_EFAULT;
}

/*
 * os.populate: a page is mapped before its first access, free of charge, as MAP_POPULATE does before a run. A page of
 * the kernel half is always there before the access, as the kernel's (mmu_os_populate).
 */
static int populate(mmu_requester_t *r, char *msg, size_t msglen)
{
	uint64_t page = (r->vaddr >> r->pg->page_bits) + 1;
	uint64_t *slot = &r->populated[page % POPULATED_SLOTS];
	if (*slot == page) { /* a cache of the OS's answer: the software walk below is the slow part */
		r->phase = PH_TRANSLATE;
		return 0;
	}
	int err = mmu_os_populate(r->os, r->pid, r->vaddr);
	if (err && !mmu_paging_canonical(r->pg, r->vaddr))
		return not_canonical(r, msg, msglen);
	if (err) {
		snprintf(msg, msglen, "cannot map address 0x%llx: %s", (unsigned long long)r->vaddr, mmu_strerror(err));
		return err;
	}
	*slot = page;
	r->phase = PH_SHOOT; /* a dense collapse replaced pages the TLBs may hold */
	r->after = PH_TRANSLATE;
	return 0;
}

/*
 * After the OS changed mappings, each invalidation it asks for is one flush: the running process's pages by INVLPG;
 * another process's by address and PCID (INVPCID type 0) with PCIDs, and none without them (its entries cannot be in
 * the TLBs: the CR3 write that switched away flushed them). Returns whether *step holds one.
 */
static bool shootdown(mmu_requester_t *r, mmu_step_t *step)
{
	uint32_t pid;
	uint64_t va;
	while (mmu_os_shootdown_next(r->os, &pid, &va)) {
		if (pid == r->pid)
			*step = (mmu_step_t){.kind = MMU_STEP_FLUSH, .flush_op = MMU_FLUSH_VA, .vaddr = va};
		else if (r->cfg.pcid)
			*step = (mmu_step_t){.kind = MMU_STEP_FLUSH,
			                     .flush_op = MMU_FLUSH_VA_PCID,
			                     .vaddr = va,
			                     .pcid = mmu_os_pcid(r->os, pid)};
		else
			continue;
		r->st.shootdowns++;
		return true;
	}
	const mmu_os_stats_t *o = mmu_os_stats(r->os);
	r->st.huge_faults = o->huge_faults;
	r->st.thp_collapses = o->thp_collapses;
	r->st.thp_fallbacks = o->thp_fallbacks;
	r->st.evictions = o->evictions;
	r->st.swap_outs = o->swap_outs;
	r->st.swap_ins = o->swap_ins;
	return false;
}

/* The translation's answer: done, or a fault that the OS serves before the retry (a demand fault). */
static int answered(mmu_requester_t *r, char *msg, size_t msglen)
{
	MMU_ASSERT(r->answered);
	r->answered = false;
	const mmu_result_t *res = &r->res;
	r->phase = PH_HALF_DONE;
	if (!res->fault)
		return 0;
	if (res->cause == MMU_CAUSE_NONCANONICAL) /* a trace of a real program never has one: bad input */
		return not_canonical(r, msg, msglen);
	if (res->cause != MMU_CAUSE_NOT_PRESENT || r->attempt > 0) {
		r->st.unhandled_faults++;
		return 0;
	}
	const mmu_os_stats_t *o = mmu_os_stats(r->os);
	uint64_t in0 = o->swap_in_frames, out0 = o->swap_out_frames;
	int err = mmu_os_demand_fault(r->os, r->pid, r->vaddr);
	if (err == MMU_ENOFRAME) {
		snprintf(msg, msglen, "physical memory exhausted mapping address 0x%llx", (unsigned long long)r->vaddr);
		return err;
	}
	r->phase = PH_SHOOT;
	r->after = PH_HALF_DONE;
	if (err) {
		r->st.unhandled_faults++;
		return 0;
	}
	uint64_t swap = (o->swap_in_frames - in0) * r->cfg.os.swap_in_cycles +
	                (o->swap_out_frames - out0) * r->cfg.os.swap_out_cycles;
	r->st.demand_faults++;
	r->st.swap_cycles += swap;
	r->st.fault_service_cycles += r->cfg.os.fault_cycles + swap;
	r->idle = r->cfg.os.fault_cycles + swap;
	r->attempt++;
	r->after = PH_IDLE;
	return 0;
}

/* One translation of the record is complete: the other page of a crossing access, or the end of the record. */
static void half_done(mmu_requester_t *r)
{
	if (!r->has_second) {
		r->phase = PH_DONE;
		return;
	}
	r->st.split_references++;
	r->has_second = false;
	r->vaddr = r->second;
	r->attempt = 0;
	r->phase = PH_START;
}

int mmu_requester_next(mmu_requester_t *r, mmu_step_t *step, char *msg, size_t msglen)
{
	for (;;) {
		int err = 0;
		switch (r->phase) {
		case PH_DONE:
			step->kind = MMU_STEP_DONE;
			return 0;
		case PH_CR3:
			*step = (mmu_step_t){.kind = MMU_STEP_CR3, .value = r->cr3};
			r->phase = PH_START;
			return 0;
		case PH_START:
			r->phase = PH_TRANSLATE;
			/* The kernel half's pages are there from boot: a user access meets a supervisor page. */
			if (r->cfg.os.populate || mmu_paging_kernel_half(r->pg, r->vaddr))
				err = populate(r, msg, msglen);
			break;
		case PH_SHOOT:
			if (shootdown(r, step))
				return 0;
			r->phase = r->after;
			break;
		case PH_IDLE:
			r->phase = PH_TRANSLATE;
			if (r->idle) {
				*step = (mmu_step_t){.kind = MMU_STEP_IDLE, .cycles = r->idle};
				return 0;
			}
			break;
		case PH_TRANSLATE:
			r->st.translations++;
			*step = (mmu_step_t){
			    .kind = MMU_STEP_TRANSLATE, .port = r->port, .op = r->op, .user = true, .vaddr = r->vaddr};
			r->phase = PH_WAIT;
			return 0;
		case PH_WAIT:
			err = answered(r, msg, msglen);
			break;
		case PH_HALF_DONE:
			half_done(r);
			break;
		}
		if (err) {
			r->phase = PH_DONE;
			return err;
		}
	}
}

void mmu_requester_answer(mmu_requester_t *r, const mmu_result_t *res)
{
	MMU_ASSERT(r->phase == PH_WAIT);
	r->res = *res;
	r->answered = true;
}

uint32_t mmu_requester_pid(const mmu_requester_t *r)
{
	return r->pid;
}

bool mmu_requester_started(const mmu_requester_t *r)
{
	return r->started;
}

const mmu_sim_stats_t *mmu_requester_stats(const mmu_requester_t *r)
{
	return &r->st;
}

mmu_sim_stats_t *mmu_requester_stats_mut(mmu_requester_t *r)
{
	return &r->st;
}
