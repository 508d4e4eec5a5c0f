/*
 * The per-cycle path: mmu_comb() is the MMU's combinational output logic (a function of state only), mmu_clock() is
 * its clock edge. The RTL implements the same machine; docs/timing.md numbers the rules.
 *
 * Within one clock edge the order is: ports (L1 lookups see the TLBs as they were during the cycle), miss unit
 * (L2 lookup, walker, fills), then flush and CR3 write. Fills of requests overtaken by a flush or CR3 write in this
 * or an earlier cycle are suppressed (T13), so the order of fill and flush never shows.
 */
#include <string.h>

#include "mmu_assert.h"
#include "mmu_internal.h"

static bool port_ready(const port_t *pt)
{
	return pt->state == PORT_IDLE || pt->state == PORT_RESP; /* T2 */
}

/* Dirty re-walks and L1 misses without an L2 start walking in the grant cycle (T5). */
static bool walks_directly(const mmu_t *m, const port_t *pt)
{
	return pt->kind == LK_DIRTY || !m->l2;
}

/* T5: one miss at a time; when both ports wait, the one not granted last wins. */
static int arbitrate(const mmu_t *m)
{
	if (m->mu.state != MU_IDLE)
		return -1;
	bool want_i = m->port[MMU_REQ_I].state == PORT_MISS;
	bool want_d = m->port[MMU_REQ_D].state == PORT_MISS;
	if (want_i && want_d)
		return m->last_grant == MMU_REQ_I ? MMU_REQ_D : MMU_REQ_I;
	if (want_i)
		return MMU_REQ_I;
	if (want_d)
		return MMU_REQ_D;
	return -1;
}

static void drive_mem_request(const mmu_t *m, const walk_t *w, mmu_out_t *out)
{
	bool write;
	uint8_t wstrb;
	walk_request(w, &m->pg, &out->mem_req_addr, &write, &out->mem_req_wdata, &wstrb);
	out->mem_req_valid = 1;
	out->mem_req_write = write;
	out->mem_req_wstrb = wstrb;
}

void mmu_comb(const mmu_t *m, const mmu_in_t *in, mmu_out_t *out)
{
	(void)in; /* Moore machine: T1 */
	memset(out, 0, sizeof *out);
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		const port_t *pt = &m->port[p];
		out->req_ready[p] = port_ready(pt);
		if (pt->state != PORT_RESP)
			continue;
		out->resp_valid[p] = 1;
		out->resp_tag[p] = pt->ctx.tag;
		out->resp_paddr[p] = pt->res.paddr;
		out->resp_fault[p] = pt->res.fault;
		out->resp_cause[p] = pt->res.cause;
		out->resp_ecode[p] = pt->res.ecode;
		out->resp_level[p] = pt->res.level;
	}
	if (m->mu.state == MU_WALK_REQ) {
		drive_mem_request(m, &m->mu.walk, out);
		return;
	}
	int g = arbitrate(m);
	if (g >= 0 && walks_directly(m, &m->port[g]) && !m->pwc_latency) { /* W9: else the grant cycle looks up */
		walk_t w;
		walk_begin(&w, &m->pg, &m->port[g].ctx);
		drive_mem_request(m, &w, out);
	}
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

static void clock_port(mmu_t *m, unsigned p, const mmu_in_t *in, bool control, uint64_t now)
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

static void respond_from_mu(mmu_t *m, const mmu_result_t *res, uint64_t now)
{
	port_t *pt = &m->port[m->mu.port];
	pt->res = *res;
	pt->res.latency = (uint32_t)(now + 1 - pt->accept_cycle);
	pt->state = PORT_RESP;
	mmu_respond(m, m->mu.port, &pt->res, now + 1 - pt->accept_cycle);
	m->mu.state = MU_IDLE;
}

/* The walker's first request is visible in cycle `start` (W1). */
static void start_walk(mmu_t *m, bool dirty, uint64_t start, uint64_t dirty_from)
{
	miss_unit_t *mu = &m->mu;
	walk_begin(&mu->walk, &m->pg, &m->port[mu->port].ctx);
	mu->state = m->pwc_latency ? MU_PWC : MU_WALK_REQ;
	mu->count = m->pwc_latency;
	mu->walk_start = start;
	mu->dirty = dirty;
	mu->dirty_from = dirty_from;
}

/* Edge at the end of the last L2 lookup cycle (T6): the L2 result is visible in cycle now + 1. */
static void l2_done(mmu_t *m, uint64_t now)
{
	port_t *pt = &m->port[m->mu.port];
	m->st.l2_stage_cycles += now + 1 - pt->miss_cycle;
	switch (m->mu.l2_kind) {
	case LK_HIT:
		if (!pt->stale)
			mmu_fill_l1(m, m->mu.port, &m->mu.l2_entry);
		/* fall through */
	case LK_FAULT:
		respond_from_mu(m, &m->mu.l2_res, now);
		break;
	case LK_MISS:
	case LK_DIRTY:
		start_walk(m, m->mu.l2_kind == LK_DIRTY, now + 1, now + 1);
		break;
	default:
		MMU_UNREACHABLE();
	}
}

static void clock_walker(mmu_t *m, const mmu_in_t *in, uint64_t now)
{
	miss_unit_t *mu = &m->mu;
	if (mu->state == MU_WALK_REQ) {
		if (in->mem_req_ready) /* M1: accepted this cycle */
			mu->state = MU_WALK_WAIT;
		return;
	}
	if (mu->state != MU_WALK_WAIT || !in->mem_resp_valid)
		return;
	if (!walk_response(&mu->walk, &m->pg, in->mem_resp_rdata, &m->st)) {
		mu->state = MU_WALK_REQ; /* W2: next access visible in the following cycle */
		return;
	}
	port_t *pt = &m->port[mu->port];
	uint64_t done = now + 1;
	mmu_walk_done(m, mu->port, &mu->walk, done - mu->walk_start, mu->dirty, done - mu->dirty_from, pt->stale);
	respond_from_mu(m, &mu->walk.res, now);
}

/* W9: the page-walk caches are looked up at the edge of the walk's first cycle; the first access is visible
 * pwc_latency cycles after the walk's start. */
static void clock_pwc(mmu_t *m)
{
	miss_unit_t *mu = &m->mu;
	if (mu->count == m->pwc_latency)
		mmu_pwc_lookup(m, &mu->walk);
	if (--mu->count == 0)
		mu->state = MU_WALK_REQ;
}

static void clock_miss_unit(mmu_t *m, const mmu_in_t *in, uint64_t now, int grant)
{
	miss_unit_t *mu = &m->mu;
	switch (mu->state) {
	case MU_IDLE: {
		int g = grant;
		if (g < 0)
			return;
		port_t *pt = &m->port[g];
		m->last_grant = (unsigned)g;
		mu->port = (unsigned)g;
		pt->state = PORT_SERVED;
		if (walks_directly(m, pt)) {
			bool dirty = pt->kind == LK_DIRTY;
			if (!dirty)
				m->st.l2_stage_cycles += now - pt->miss_cycle; /* no L2: the stage is the wait */
			start_walk(m, dirty, now, pt->miss_cycle);
			if (mu->state == MU_PWC)
				clock_pwc(m); /* the grant cycle is the walk's first cycle */
			else
				clock_walker(m, in, now); /* the first request may be accepted in the grant cycle */
			return;
		}
		mu->l2_kind = mmu_l2_lookup(m, &pt->ctx, &mu->l2_res, &mu->l2_entry);
		mu->count = m->h2 - 1;
		if (mu->count == 0)
			l2_done(m, now);
		else
			mu->state = MU_L2;
		return;
	}
	case MU_L2:
		if (--mu->count == 0)
			l2_done(m, now);
		return;
	case MU_PWC:
		clock_pwc(m);
		return;
	case MU_WALK_REQ:
	case MU_WALK_WAIT:
		clock_walker(m, in, now);
		return;
	}
}

void mmu_clock(mmu_t *m, const mmu_in_t *in)
{
	uint64_t now = m->cycle;
	bool control = in->cr3_we || in->flush_valid;
	int grant = arbitrate(m); /* from the state during the cycle, before the ports move on */
	for (unsigned p = 0; p < MMU_NREQ; p++)
		clock_port(m, p, in, control, now);
	clock_miss_unit(m, in, now, grant);
	if (in->flush_valid) /* T12: the flush first, then the CR3 write (T11) */
		mmu_apply_flush(m, (unsigned)in->flush_op, in->flush_vaddr, (uint16_t)in->flush_pcid);
	if (in->cr3_we)
		mmu_apply_cr3_write(m, in->cr3_wdata);
	m->cycle++;
}
