#include "cycle_rig.h"
#include "mmu/mmu_step.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

void rig_cfg_small(mmu_cfg_t *cfg)
{
	mmu_cfg_default(cfg);
	cfg->l1i.hit_latency = 1;
	cfg->l1d.hit_latency = 1;
	cfg->l2.hit_latency = 2;
	cfg->mem = (mmu_mem_cfg_t){.latency = 3, .latency_max = 0, .stall_max = 0};
	cfg->paging.mode = MMU_MODE_X86_64;
	cfg->paging.pa_bits = 46;
	cfg->pcid = false;
	cfg->seed = 1;
}

void rig_init(rig_t *r, const mmu_cfg_t *cfg)
{
	memset(r, 0, sizeof *r);
	r->cfg = *cfg;
	cr_assert_eq(mmu_physmem_create(&r->pm), 0);
	cr_assert_eq(mmu_mem_create(&cfg->mem, cfg->seed, r->pm, &r->mem), 0);
	char msg[512];
	cr_assert_eq(mmu_create(cfg, &r->mmu, msg, sizeof msg), 0, "mmu_create refused the test configuration: %s",
	             msg);
	r->cap = 256;
	r->log = calloc(r->cap, sizeof *r->log);
	cr_assert_not_null(r->log);
}

void rig_fini(rig_t *r)
{
	mmu_destroy(r->mmu);
	mmu_mem_destroy(r->mem);
	mmu_physmem_destroy(r->pm);
	free(r->log);
	memset(r, 0, sizeof *r);
}

void rig_req(rig_t *r, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, uint8_t tag)
{
	r->next.req_valid[port] = 1;
	r->next.req_vaddr[port] = vaddr;
	r->next.req_op[port] = op;
	r->next.req_user[port] = user;
	r->next.req_tag[port] = tag;
}

void rig_cr3(rig_t *r, uint64_t value)
{
	r->next.cr3_we = 1;
	r->next.cr3_wdata = value;
}

void rig_flush(rig_t *r, mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid)
{
	r->next.flush_valid = 1;
	r->next.flush_op = op;
	r->next.flush_vaddr = vaddr;
	r->next.flush_pcid = pcid;
}

void rig_peek(const rig_t *r, mmu_out_t *out, mmu_mem_out_t *mem_out)
{
	mmu_in_t in = r->next;
	mmu_mem_comb(r->mem, mem_out);
	mmu_system_comb(r->mmu, r->mem, &in, out);
}

static void log_grow(rig_t *r)
{
	if (r->cycle < r->cap)
		return;
	r->cap *= 2;
	r->log = realloc(r->log, r->cap * sizeof *r->log);
	cr_assert_not_null(r->log);
}

/* T1: both blocks' outputs from state, then both clock edges. */
uint64_t rig_step(rig_t *r)
{
	log_grow(r);
	rig_cycle_t *c = &r->log[r->cycle];
	c->in = r->next;
	mmu_system_comb(r->mmu, r->mem, &c->in, &c->out);
	mmu_system_clock(r->mmu, r->mem, &c->in, &c->out);
	memset(&r->next, 0, sizeof r->next);
	return r->cycle++;
}

void rig_idle(rig_t *r, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		rig_step(r);
}

void rig_wait_resp(rig_t *r, unsigned port, uint64_t accept_cycle, uint64_t max, rig_resp_t *resp)
{
	for (uint64_t i = 0;; i++) {
		mmu_out_t out;
		mmu_mem_out_t mo;
		rig_peek(r, &out, &mo);
		if (out.resp_valid[port]) {
			*resp = (rig_resp_t){
			    .cycle = r->cycle,
			    .latency = r->cycle - accept_cycle,
			    .paddr = out.resp_paddr[port],
			    .fault = out.resp_fault[port],
			    .cause = out.resp_cause[port],
			    .ecode = out.resp_ecode[port],
			    .level = out.resp_level[port],
			    .tag = out.resp_tag[port],
			};
			return;
		}
		cr_assert_lt(i, max, "no response on port %u within %llu cycles of cycle %llu", port,
		             (unsigned long long)max, (unsigned long long)accept_cycle);
		rig_step(r);
	}
}

void rig_translate(rig_t *r, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, rig_resp_t *resp)
{
	mmu_out_t out;
	mmu_mem_out_t mo;
	rig_peek(r, &out, &mo);
	cr_assert_eq(out.req_ready[port], 1, "port %u not ready in cycle %llu", port, (unsigned long long)r->cycle);
	rig_req(r, port, vaddr, op, user, 0x5a);
	uint64_t c = rig_step(r);
	rig_wait_resp(r, port, c, 100000, resp);
}

size_t rig_translate_log(rig_t *r, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, rig_resp_t *resp,
                         rig_memreq_t *reqs, size_t max)
{
	uint64_t c = r->cycle;
	rig_translate(r, port, vaddr, op, user, resp);
	return rig_memreqs(r, c, r->cycle, reqs, max);
}

size_t rig_memreqs(const rig_t *r, uint64_t from, uint64_t to, rig_memreq_t *reqs, size_t max)
{
	size_t n = 0;
	bool open = false; /* a request is visible and not yet accepted */
	for (uint64_t c = from; c < to && c < r->cycle; c++) {
		const rig_cycle_t *l = &r->log[c];
		if (!l->out.mem_req_valid)
			continue;
		/* W2: a request stays the same from the cycle it becomes visible until it is accepted */
		if (open && n < max)
			cr_assert_eq(l->out.mem_req_addr, reqs[n].addr,
			             "memory request changed before acceptance, cycle %llu", (unsigned long long)c);
		if (!open && n < max)
			reqs[n] = (rig_memreq_t){
			    .visible = c,
			    .addr = l->out.mem_req_addr,
			    .wdata = l->out.mem_req_wdata,
			    .write = l->out.mem_req_write != 0,
			    .wstrb = (uint8_t)l->out.mem_req_wstrb,
			};
		open = true;
		if (l->in.mem_req_ready) {
			if (n < max)
				reqs[n].accepted = c;
			n++;
			open = false;
		}
	}
	return n;
}

const rig_cycle_t *rig_at(const rig_t *r, uint64_t n)
{
	cr_assert_lt(n, r->cycle, "cycle %llu has not run", (unsigned long long)n);
	return &r->log[n];
}

void rig_set_cr3(rig_t *r, uint64_t value)
{
	rig_cr3(r, value);
	rig_step(r);
}
