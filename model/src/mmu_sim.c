/* The trace-driven system: MMU + memory + OS, with a fast or a per-cycle engine. */
#include "mmu/mmu_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu_assert.h"

#define POPULATED_SLOTS 4096

struct mmu_sim {
	mmu_cfg_t cfg;
	mmu_engine_t engine;
	mmu_physmem_t *pm;
	mmu_mem_t *mem;
	mmu_os_t *os;
	mmu_t *mmu;
	bool started;
	uint32_t pid;
	/* os.populate: pages known to be mapped, direct-mapped by page number; key = page + 1 (0 = empty) */
	uint64_t populated[POPULATED_SLOTS];
	mmu_sim_stats_t st;
};

int mmu_sim_create(const mmu_cfg_t *cfg, mmu_engine_t engine, mmu_sim_t **out, char *msg, size_t msglen)
{
	int err = mmu_cfg_validate(cfg, msg, msglen);
	if (err)
		return err;
	mmu_sim_t *s = calloc(1, sizeof *s);
	if (!s)
		return MMU_ENOMEM;
	s->cfg = *cfg;
	s->engine = engine;
	err = mmu_physmem_create(&s->pm);
	if (!err)
		err = mmu_mem_create(&cfg->mem, cfg->seed, s->pm, &s->mem);
	if (!err)
		err = mmu_os_create(cfg, s->pm, &s->os);
	if (!err)
		err = mmu_create(cfg, &s->mmu);
	if (err) {
		snprintf(msg, msglen, "cannot build the system: %s", mmu_strerror(err));
		mmu_sim_destroy(s);
		return err;
	}
	*out = s;
	return 0;
}

void mmu_sim_destroy(mmu_sim_t *s)
{
	if (!s)
		return;
	mmu_destroy(s->mmu);
	mmu_os_destroy(s->os);
	mmu_mem_destroy(s->mem);
	mmu_physmem_destroy(s->pm);
	free(s);
}

/* One cycle of the per-cycle engine: outputs of both blocks from state, then both clock edges. */
static void tick(mmu_sim_t *s, mmu_in_t *in, mmu_out_t *out)
{
	mmu_mem_out_t mo;
	mmu_mem_comb(s->mem, &mo);
	in->mem_req_ready = mo.req_ready;
	in->mem_resp_valid = mo.resp_valid;
	in->mem_resp_rdata = mo.resp_rdata;
	mmu_comb(s->mmu, in, out);
	mmu_mem_in_t mi = {
	    .req_valid = out->mem_req_valid,
	    .req_addr = out->mem_req_addr,
	    .req_write = out->mem_req_write,
	    .req_wdata = out->mem_req_wdata,
	    .req_wstrb = out->mem_req_wstrb,
	};
	mmu_clock(s->mmu, in);
	mmu_mem_clock(s->mem, &mi);
}

uint64_t mmu_sim_latency_bound(const mmu_cfg_t *c)
{
	uint64_t latency = c->mem.latency_max > c->mem.latency ? c->mem.latency_max : c->mem.latency;
	if (c->mem.dcache.entries && c->mem.dcache.hit_latency > latency) /* M8: a hit may be slower than memory */
		latency = c->mem.dcache.hit_latency;
	uint64_t access = (uint64_t)c->mem.stall_max + latency + 1, pwc = 0;
	for (unsigned n = 0; n <= MMU_PWC_MAX_LEVEL; n++) /* W9: looked up in parallel, the slowest decides */
		if (c->pwc[n].entries && c->pwc[n].hit_latency > pwc)
			pwc = c->pwc[n].hit_latency;
	/* this request's walk and one of the other port's, every level read and written back */
	return 64 + (uint64_t)c->l1i.hit_latency + c->l1d.hit_latency + c->l2.hit_latency +
	       2 * (pwc + 2 * MMU_MAX_LEVELS * access);
}

static void ticked_translate(mmu_sim_t *s, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t *res)
{
	mmu_in_t in = {0};
	mmu_out_t out;
	uint64_t start = mmu_cycle(s->mmu);
	in.req_valid[port] = 1;
	in.req_vaddr[port] = vaddr;
	in.req_op[port] = op;
	in.req_user[port] = user;
	tick(s, &in, &out);
	MMU_ASSERT(out.req_ready[port]);
	in.req_valid[port] = 0;
	/* No response within the longest possible walk means a broken model: fail loudly instead of hanging. */
	const mmu_cfg_t *c = &s->cfg;
	uint64_t limit = start + mmu_sim_latency_bound(c);
	for (;;) {
		MMU_ASSERT(mmu_cycle(s->mmu) < limit);
		mmu_mem_out_t mo;
		mmu_mem_comb(s->mem, &mo);
		in.mem_req_ready = mo.req_ready;
		in.mem_resp_valid = mo.resp_valid;
		in.mem_resp_rdata = mo.resp_rdata;
		mmu_comb(s->mmu, &in, &out);
		if (out.resp_valid[port])
			break; /* T14: the next request is presented in this response cycle */
		tick(s, &in, &out);
	}
	*res = (mmu_result_t){
	    .paddr = out.resp_paddr[port],
	    .latency = (uint32_t)(mmu_cycle(s->mmu) - start),
	    .fault = (uint8_t)out.resp_fault[port],
	    .cause = (uint8_t)out.resp_cause[port],
	    .ecode = (uint8_t)out.resp_ecode[port],
	    .level = (uint8_t)out.resp_level[port],
	};
}

void mmu_sim_translate(mmu_sim_t *s, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t *res)
{
	if (s->engine == MMU_ENGINE_FAST)
		mmu_translate(s->mmu, s->mem, port, vaddr, op, user, res);
	else
		ticked_translate(s, port, vaddr, op, user, res);
}

void mmu_sim_cr3_write(mmu_sim_t *s, uint64_t value)
{
	if (s->engine == MMU_ENGINE_FAST) {
		mmu_fast_cr3_write(s->mmu, value);
		return;
	}
	mmu_in_t in = {.cr3_we = 1, .cr3_wdata = value};
	mmu_out_t out;
	tick(s, &in, &out);
}

void mmu_sim_flush(mmu_sim_t *s, mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid)
{
	if (s->engine == MMU_ENGINE_FAST) {
		mmu_fast_flush(s->mmu, op, vaddr, pcid);
		return;
	}
	mmu_in_t in = {.flush_valid = 1, .flush_op = op, .flush_vaddr = vaddr, .flush_pcid = pcid};
	mmu_out_t out;
	tick(s, &in, &out);
}

void mmu_sim_idle(mmu_sim_t *s, uint64_t n)
{
	if (s->engine == MMU_ENGINE_FAST) {
		mmu_fast_idle(s->mmu, n);
		return;
	}
	mmu_in_t in = {0};
	mmu_out_t out;
	for (uint64_t i = 0; i < n; i++)
		tick(s, &in, &out);
}

int mmu_sim_switch(mmu_sim_t *s, uint32_t pid)
{
	int err = mmu_os_process(s->os, pid);
	if (err)
		return err;
	if (s->started)
		s->st.context_switches++;
	/* With PCIDs each process keeps its own entries: Linux sets bit 63 when the PCID's entries are still valid. */
	mmu_sim_cr3_write(s, mmu_os_cr3(s->os, pid, true));
	s->started = true;
	s->pid = pid;
	memset(s->populated, 0, sizeof s->populated);
	return 0;
}

/*
 * After the OS changed mappings: each invalidation it asks for is presented to the MMU. The running process's pages by
 * INVLPG; another process's by address and PCID (INVPCID type 0) with PCIDs, and not at all without them (its
 * entries cannot be in the TLBs: the CR3 write that switched away flushed them).
 */
static void shootdowns(mmu_sim_t *s)
{
	mmu_os_t *os = s->os;
	uint32_t pid;
	uint64_t va;
	while (mmu_os_shootdown_next(os, &pid, &va)) {
		if (pid == s->pid)
			mmu_sim_flush(s, MMU_FLUSH_VA, va, 0); /* INVLPG: global entries too */
		else if (s->cfg.pcid)
			mmu_sim_flush(s, MMU_FLUSH_VA_PCID, va, mmu_os_pcid(os, pid));
		else
			continue;
		s->st.shootdowns++;
	}
	const mmu_os_stats_t *o = mmu_os_stats(os);
	s->st.huge_faults = o->huge_faults;
	s->st.thp_collapses = o->thp_collapses;
	s->st.thp_fallbacks = o->thp_fallbacks;
	s->st.evictions = o->evictions;
	s->st.swap_outs = o->swap_outs;
	s->st.swap_ins = o->swap_ins;
}

/* os.populate: a page is mapped before its first access, free of charge, as MAP_POPULATE does before a run. */
static int populate(mmu_sim_t *s, uint64_t vaddr)
{
	uint64_t page = (vaddr >> mmu_paging(s->mmu)->page_bits) + 1;
	uint64_t *slot = &s->populated[page % POPULATED_SLOTS];
	if (*slot == page)
		return 0; /* a cache of the OS's answer: the software walk below is the slow part */
	int err = mmu_os_populate(s->os, s->pid, vaddr);
	if (!err)
		*slot = page;
	shootdowns(s); /* a dense collapse replaced pages the TLBs may hold */
	return err;
}

static int not_canonical(const mmu_sim_t *s, uint64_t vaddr, char *msg, size_t msglen)
{
	const mmu_paging_t *pg = mmu_paging(s->mmu);
	snprintf(msg, msglen, "address 0x%llx is not a valid %s virtual address (%u bits%s)", (unsigned long long)vaddr,
	         pg->name, pg->va_bits, pg->sign_extend ? ", canonical form" : "");
	return MMU_EFAULT;
}

static int translate_access(mmu_sim_t *s, unsigned port, uint64_t vaddr, mmu_op_t op, char *msg, size_t msglen)
{
	if (s->cfg.os.populate) {
		int err = populate(s, vaddr);
		if (err && !mmu_paging_canonical(mmu_paging(s->mmu), vaddr))
			return not_canonical(s, vaddr, msg, msglen);
		if (err) {
			snprintf(msg, msglen, "cannot map address 0x%llx: %s", (unsigned long long)vaddr,
			         mmu_strerror(err));
			return err;
		}
	}
	for (unsigned attempt = 0;; attempt++) {
		mmu_result_t res;
		s->st.translations++;
		mmu_sim_translate(s, port, vaddr, op, true, &res);
		if (!res.fault)
			return 0;
		if (res.cause == MMU_CAUSE_NONCANONICAL) /* a trace of a real program never has one: bad input */
			return not_canonical(s, vaddr, msg, msglen);
		if (res.cause != MMU_CAUSE_NOT_PRESENT || attempt > 0) {
			s->st.unhandled_faults++;
			return 0;
		}
		const mmu_os_stats_t *o = mmu_os_stats(s->os);
		uint64_t in0 = o->swap_in_frames, out0 = o->swap_out_frames;
		int err = mmu_os_demand_fault(s->os, s->pid, vaddr);
		uint64_t swap = (o->swap_in_frames - in0) * s->cfg.os.swap_in_cycles +
		                (o->swap_out_frames - out0) * s->cfg.os.swap_out_cycles;
		shootdowns(s);
		if (err == MMU_ENOFRAME) {
			snprintf(msg, msglen, "physical memory exhausted mapping address 0x%llx",
			         (unsigned long long)vaddr);
			return err;
		}
		if (err) {
			s->st.unhandled_faults++;
			return 0;
		}
		s->st.demand_faults++;
		s->st.swap_cycles += swap;
		s->st.fault_service_cycles += s->cfg.os.fault_cycles + swap;
		mmu_sim_idle(s, s->cfg.os.fault_cycles + swap);
	}
}

static unsigned rec_port(const mmu_trace_rec_t *rec)
{
	return rec->kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
}

static mmu_op_t rec_op(const mmu_trace_rec_t *rec)
{
	return rec->kind == MMU_REF_FETCH  ? MMU_OP_FETCH
	       : rec->kind == MMU_REF_LOAD ? MMU_OP_LOAD
	                                   : MMU_OP_STORE; /* M: one translation, as a store */
}

static bool crosses_page(const mmu_sim_t *s, const mmu_trace_rec_t *rec)
{
	unsigned page_bits = mmu_paging(s->mmu)->page_bits;
	uint64_t last = rec->vaddr + (rec->size ? rec->size - 1 : 0);
	return (last >> page_bits) != (rec->vaddr >> page_bits);
}

long mmu_sim_ref_l1_slot(const mmu_sim_t *s, const mmu_trace_rec_t *rec, long hint)
{
	/* A page the TLB holds is mapped, so os.populate has nothing to do for it either. */
	if (s->engine != MMU_ENGINE_FAST || !s->started || rec->pid != s->pid || crosses_page(s, rec))
		return -1;
	return mmu_l1_hit_slot(s->mmu, rec_port(rec), rec->vaddr, rec_op(rec), true, hint);
}

long mmu_sim_ref_l1_hit(const mmu_sim_t *s, const mmu_trace_rec_t *rec, long hint, mmu_sim_l1_hit_t *hit)
{
	long slot = mmu_sim_ref_l1_slot(s, rec, hint);
	hit->slot = (int32_t)slot;
	hit->written = 0;
	if (slot >= 0) {
		unsigned port = rec_port(rec);
		hit->written = mmu_l1_slot_written(s->mmu, port, slot);
		hit->pcid = mmu_current_pcid(s->mmu);
		hit->page_level = (uint8_t)mmu_l1_slot_level(s->mmu, port, slot);
	}
	return slot;
}

/* The rest of what mmu_sim_ref_l1_slot checks does not change while the process is the same and has started. */
bool mmu_sim_l1_hit_holds(const mmu_sim_t *s, uint32_t pid, unsigned port, const mmu_sim_l1_hit_t *hit)
{
	return hit->written && s->pid == pid && mmu_l1_slot_holds(s->mmu, port, hit->slot, hit->written, hit->pcid);
}

void mmu_sim_l1_touch(mmu_sim_t *s, unsigned port, long slot)
{
	mmu_l1_touch(s->mmu, port, slot);
}

void mmu_sim_count_l1_hits(mmu_sim_t *s, unsigned port, unsigned page_level, uint64_t n)
{
	s->st.references += n;
	s->st.translations += n;
	mmu_count_l1_hits(s->mmu, port, page_level, n);
}

void mmu_sim_ref_hits(mmu_sim_t *s, const mmu_trace_rec_t *rec, long slot, uint64_t n)
{
	s->st.references += n;
	s->st.translations += n;
	mmu_translate_hits(s->mmu, rec_port(rec), slot, n);
}

int mmu_sim_ref(mmu_sim_t *s, const mmu_trace_rec_t *rec, char *msg, size_t msglen)
{
	if (!s->started || rec->pid != s->pid) {
		int err = mmu_sim_switch(s, rec->pid);
		if (err) {
			snprintf(msg, msglen, "cannot create process %u: %s", rec->pid, mmu_strerror(err));
			return err;
		}
	}
	s->st.references++;
	unsigned port = rec_port(rec);
	mmu_op_t op = rec_op(rec);
	unsigned page_bits = mmu_paging(s->mmu)->page_bits;
	uint64_t last = rec->vaddr + (rec->size ? rec->size - 1 : 0);
	int err = translate_access(s, port, rec->vaddr, op, msg, msglen);
	if (!err && (last >> page_bits) != (rec->vaddr >> page_bits)) {
		s->st.split_references++;
		err = translate_access(s, port, last & ~((UINT64_C(1) << page_bits) - 1), op, msg, msglen);
	}
	return err;
}

mmu_t *mmu_sim_mmu(const mmu_sim_t *s)
{
	return s->mmu;
}

mmu_os_t *mmu_sim_os(const mmu_sim_t *s)
{
	return s->os;
}

mmu_mem_t *mmu_sim_mem(const mmu_sim_t *s)
{
	return s->mem;
}

mmu_physmem_t *mmu_sim_physmem(const mmu_sim_t *s)
{
	return s->pm;
}

const mmu_sim_stats_t *mmu_sim_stats(const mmu_sim_t *s)
{
	return &s->st;
}
