/*
 * A request port (rtl/mmu_port.sv), one per requester: accepts a request when ready (T2, T3), latches its context,
 * looks up its L1 TLB for tlb.l1*.hit_latency cycles, then responds, or waits for the miss unit (T5).
 */
#include "mmu_internal.h"

static bool port_ready(const port_t *pt)
{
	return pt->state == PORT_IDLE || pt->state == PORT_RESP; /* T2 */
}

/* The port's outputs in this cycle: ready (T2), and its response while one is visible (T14). */
void mmu_port_comb(const mmu_t *m, unsigned p, mmu_out_t *out)
{
	const port_t *pt = &m->port[p];
	out->req_ready[p] = port_ready(pt);
	if (pt->state != PORT_RESP)
		return;
	out->resp_valid[p] = 1;
	out->resp_tag[p] = pt->ctx.tag;
	out->resp_paddr[p] = pt->res.paddr;
	out->resp_fault[p] = pt->res.fault;
	out->resp_cause[p] = pt->res.cause;
	out->resp_ecode[p] = pt->res.ecode;
	out->resp_level[p] = pt->res.level;
}

/* Edge at the end of the port's last lookup cycle (T3). */
static void lookup_done(mmu_t *m, unsigned p, uint64_t now)
{
	port_t *pt = &m->port[p];
	if (pt->kind == LK_MISS || pt->kind == LK_DIRTY) {
		pt->state = PORT_MISS;
		pt->miss_cycle = now + 1;
		return;
	}
	pt->state = PORT_RESP;
	pt->res.latency = (uint32_t)(now + 1 - pt->accept_cycle);
	mmu_respond(m, p, &pt->res, now + 1 - pt->accept_cycle);
}

void mmu_port_clock(mmu_t *m, unsigned p, const mmu_in_t *in, bool control, uint64_t now)
{
	port_t *pt = &m->port[p];
	bool ready = port_ready(pt);
	if (pt->state == PORT_LOOKUP && --pt->count == 0)
		lookup_done(m, p, now);
	else if (pt->state == PORT_RESP)
		pt->state = PORT_IDLE;
	if (!ready) {
		pt->stale = pt->stale || control; /* T13 */
		return;
	}
	if (!in->req_valid[p])
		return;
	/* T3: accept, latch the context, look up L1 now */
	pt->ctx =
	    mmu_make_ctx(m, in->req_vaddr[p], (unsigned)in->req_op[p], in->req_user[p] != 0, (uint8_t)in->req_tag[p]);
	pt->accept_cycle = now;
	pt->stale = control;
	m->st.hit_time_cycles += m->h1[p];
	pt->kind = mmu_l1_lookup(m, p, &pt->ctx, &pt->res);
	pt->count = m->h1[p] - 1;
	if (pt->count == 0)
		lookup_done(m, p, now);
	else
		pt->state = PORT_LOOKUP;
}
