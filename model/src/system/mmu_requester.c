/* The in-order requester: trace records into steps, with the OS serving faults between them (mmu_requester.h). */
#include "mmu_requester_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mmu_requester_create(const mmu_cfg_t *cfg, mmu_os_t *os, mmu_requester_t **out)
{
	mmu_requester_t *r = calloc(1, sizeof *r);
	if (!r)
		return MMU_ENOMEM;
	r->cfg = *cfg;
	r->os = os;
	r->pg = mmu_os_paging(os);
	r->page_bits = r->pg->page_bits;
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

/*
 * RISC-V without ASIDs: writing satp flushes nothing (privileged spec 4.1.11), so the switch is followed by
 * SFENCE.VMA x0, rs2 with rs2 holding ASID 0 (4.2.1: every non-global entry of the address space; the kernel's
 * global pages stay, as a CR3 write keeps them on x86). Returns whether a fence is due, in *step.
 */
bool mmu_requester_fence_after_switch(const mmu_requester_t *r, mmu_step_t *step)
{
	if (!r->pg->satp_mode || r->cfg.pcid)
		return false;
	*step = (mmu_step_t){.kind = MMU_STEP_FLUSH, .flush_op = MMU_FLUSH_PCID, .pcid = 0};
	return true;
}

/* A record of another process than the last: the context switch, a CR3 step first. */
int mmu_requester_wraps(const mmu_trace_rec_t *rec, char *msg, size_t msglen)
{
	snprintf(msg, msglen, "an access of %u bytes at 0x%llx wraps past the end of the 64-bit address space",
	         (unsigned)rec->size, (unsigned long long)rec->vaddr);
	return MMU_EINVAL;
}

int mmu_requester_begin_switch(mmu_requester_t *r, uint32_t pid, char *msg, size_t msglen)
{
	int err = mmu_requester_switch(r, pid, &r->cr3);
	if (err) {
		snprintf(msg, msglen, "cannot create process %u: %s", pid, mmu_strerror(err));
		return err;
	}
	r->phase = PH_CR3;
	return 0;
}

int mmu_requester_begin(mmu_requester_t *r, const mmu_trace_rec_t *rec, char *msg, size_t msglen)
{
	return mmu_requester_begin_fast(r, rec, msg, msglen);
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
	if (*slot == page) {
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
		if (pid == r->pid && r->pg->satp_mode) /* SFENCE.VMA va, asid; without ASIDs SFENCE.VMA va, x0 */
			*step = (mmu_step_t){.kind = MMU_STEP_FLUSH,
			                     .flush_op = r->cfg.pcid ? MMU_FLUSH_VA_PCID : MMU_FLUSH_VA_ALL,
			                     .vaddr = va,
			                     .pcid = mmu_os_pcid(r->os, pid)};
		else if (pid == r->pid)
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
	if (res->cause == MMU_CAUSE_PROTECTION && r->pg->ad_fault &&
	    mmu_os_ad_fault(r->os, r->pid, r->vaddr, r->op == MMU_OP_STORE) == 0) {
		/* RISC-V Svade: the OS set A (and D), nothing cached to invalidate; retry after the handler */
		r->st.demand_faults++;
		r->st.fault_service_cycles += r->cfg.os.fault_cycles;
		r->idle = r->cfg.os.fault_cycles;
		r->phase = PH_IDLE;
		return 0;
	}
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
	if (r->pg->ad_fault &&
	    r->op == MMU_OP_STORE) /* Svade: a write fault's new page is mapped dirty, as Linux does */
		mmu_os_ad_fault(r->os, r->pid, r->vaddr, true);
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

/* Every phase, the OS's work included. */
int mmu_requester_next_slow(mmu_requester_t *r, mmu_step_t *step, char *msg, size_t msglen)
{
	for (;;) {
		int err = 0;
		switch (r->phase) {
		case PH_DONE:
			step->kind = MMU_STEP_DONE;
			return 0;
		case PH_CR3:
			*step = (mmu_step_t){.kind = MMU_STEP_CR3, .value = r->cr3};
			r->phase = mmu_requester_fence_after_switch(r, &(mmu_step_t){0}) ? PH_FENCE : PH_START;
			return 0;
		case PH_FENCE:
			mmu_requester_fence_after_switch(r, step);
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
			mmu_requester_translate_step(r, step);
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

int mmu_requester_next(mmu_requester_t *r, mmu_step_t *step, char *msg, size_t msglen)
{
	return mmu_requester_next_fast(r, step, msg, msglen);
}

void mmu_requester_answer(mmu_requester_t *r, const mmu_result_t *res)
{
	mmu_requester_answer_fast(r, res);
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
