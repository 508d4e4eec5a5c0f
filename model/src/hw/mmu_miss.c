/*
 * The miss unit (rtl/mmu_miss.sv): grants one waiting port at a time (T5, rtl/mmu_arb2.sv), looks up the L2 TLB
 * (T6), runs the walker (rtl/mmu_ptw.sv, W1-W10) through the page-walk caches, fills the TLBs and responds for the
 * port it serves.
 */
#include "mmu_assert.h"
#include "mmu_internal.h"

/* Dirty re-walks and L1 misses without an L2 start walking in the grant cycle (T5). */
static bool walks_directly(const mmu_t *m, const port_t *pt)
{
	return pt->kind == LK_DIRTY || !m->l2;
}

/* T5: one miss at a time; when both ports wait, the one not granted last wins. */
int mmu_miss_grant(const mmu_t *m)
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
	walk_request(w, &m->pg, &out->mem_req_addr, &write, &out->mem_req_wdata, &wstrb, &out->mem_req_cmp);
	out->mem_req_valid = 1;
	out->mem_req_write = write;
	out->mem_req_wstrb = wstrb;
}

/* The miss unit's outputs in this cycle: the walker's memory request, if any (W1, W2, T5). */
void mmu_miss_comb(const mmu_t *m, mmu_out_t *out)
{
	if (m->mu.state == MU_WALK_REQ) {
		drive_mem_request(m, &m->mu.walk, out);
		return;
	}
	int g = mmu_miss_grant(m);
	if (g >= 0 && walks_directly(m, &m->port[g]) && !m->pwc_latency) { /* W9: else the grant cycle looks up */
		walk_t w;
		walk_begin(&w, &m->pg, &m->port[g].ctx);
		drive_mem_request(m, &w, out);
	}
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

void mmu_miss_clock(mmu_t *m, const mmu_in_t *in, uint64_t now, int grant)
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
