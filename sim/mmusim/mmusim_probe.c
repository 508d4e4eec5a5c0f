/* The per-cycle recorder behind explain and diagram (see mmusim_probe.h). */
#include "mmusim_probe.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_step.h"

static int keep(probe_t *p, const mmu_in_t *in, const mmu_out_t *out)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		probe_cycle_t *c = realloc(p->cyc, cap * sizeof *c);
		if (!c)
			return MMU_ENOMEM;
		p->cyc = c;
		p->cap = cap;
	}
	p->cyc[p->n++] = (probe_cycle_t){.in = *in, .out = *out};
	return 0;
}

static uint64_t dcache_hits(const mmu_sim_t *s)
{
	mmu_stats_t st = {0};
	mmu_mem_stats_read(mmu_sim_mem(s), &st);
	return st.dcache_hits;
}

/* Both clock edges (mmu_system_clock); returns whether the memory's dcache hit a request it took at this edge. */
static bool clock(mmu_sim_t *s, const mmu_in_t *in, const mmu_out_t *out)
{
	uint64_t hits = dcache_hits(s);
	mmu_system_clock(mmu_sim_mmu(s), mmu_sim_mem(s), in, out);
	return dcache_hits(s) != hits;
}

/* The walker's accesses, read off the memory port of the recorded cycles (M1: visible, accepted, answered). */
static void find_accesses(probe_t *p)
{
	long pending = -1, waiting = -1; /* visible but not accepted; accepted but not answered */
	p->nacc = 0;
	for (size_t c = 0; c < p->n; c++) {
		const probe_cycle_t *k = &p->cyc[c];
		if (waiting >= 0 && k->in.mem_resp_valid) {
			p->acc[waiting].resp = c;
			p->acc[waiting].rdata = k->in.mem_resp_rdata;
			waiting = -1;
		}
		if (!k->out.mem_req_valid)
			continue;
		if (pending < 0) {
			if (p->nacc == PROBE_MAX_ACCESSES)
				break; /* more than any mode's walk can make */
			pending = (long)p->nacc++;
			p->acc[pending] = (probe_access_t){
			    .visible = c,
			    .addr = k->out.mem_req_addr,
			    .write = k->out.mem_req_write,
			    .wdata = k->out.mem_req_wdata,
			    .wstrb = (uint8_t)k->out.mem_req_wstrb,
			};
		}
		if (k->in.mem_req_ready) {
			p->acc[pending].accepted = c;
			p->acc[pending].dcache_hit = k->dcache_hit;
			waiting = pending;
			pending = -1;
		}
	}
}

int probe_translate(mmu_sim_t *s, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, probe_t *p)
{
	mmu_t *m = mmu_sim_mmu(s);
	p->n = 0;
	p->port = port;
	p->start = mmu_cycle(m);
	mmu_in_t in = {0};
	mmu_out_t out;
	in.req_valid[port] = 1;
	in.req_vaddr[port] = vaddr;
	in.req_op[port] = op;
	in.req_user[port] = user;
	for (;;) {
		mmu_system_comb(mmu_sim_mmu(s), mmu_sim_mem(s), &in, &out);
		if (keep(p, &in, &out))
			return MMU_ENOMEM;
		if (p->n == 1 && !out.req_ready[port])
			return MMU_EINVAL; /* the caller presented a request while one was in flight */
		if (p->n > 1 && out.resp_valid[port])
			break; /* T14: the requester's next request goes in this response cycle */
		p->cyc[p->n - 1].dcache_hit = clock(s, &in, &out);
		in.req_valid[port] = 0;
	}
	p->res = (mmu_result_t){
	    .paddr = out.resp_paddr[port],
	    .latency = (uint32_t)(mmu_cycle(m) - p->start),
	    .fault = (uint8_t)out.resp_fault[port],
	    .cause = (uint8_t)out.resp_cause[port],
	    .ecode = (uint8_t)out.resp_ecode[port],
	    .level = (uint8_t)out.resp_level[port],
	};
	find_accesses(p);
	return 0;
}

void probe_free(probe_t *p)
{
	free(p->cyc);
	memset(p, 0, sizeof *p);
}
