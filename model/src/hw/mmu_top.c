/*
 * MMU top (rtl/mmu_top.sv): creation; the per-cycle path, mmu_comb() and mmu_clock(), composed of the ports
 * (mmu_port.c) and the miss unit (mmu_miss.c) as the RTL's top is; and the steps they share with the fast path
 * (mmu_fast.c): lookups, fills, responses, flushes and CR3 writes. docs/timing.md rules are cited where implemented.
 */
#include <stdlib.h>
#include <string.h>

#include "mmu_assert.h"
#include "mmu_internal.h"
#include "mmu_replay.h"
#include "mmu_tlb_internal.h"

/* R5: each TLB's LFSR starts from the run's seed folded to 16 bits, xor a per-instance constant. */
uint16_t mmu_lfsr_seed_salt(uint64_t seed, uint16_t salt)
{
	uint16_t s = (uint16_t)(seed ^ (seed >> 16) ^ (seed >> 32) ^ (seed >> 48));
	s ^= salt;
	return s ? s : 1;
}

uint16_t mmu_lfsr_seed(uint64_t seed, mmu_tlb_id_t id)
{
	return mmu_lfsr_seed_salt(seed, (uint16_t)(0x1000u * (id + 1)));
}

int mmu_create(const mmu_cfg_t *cfg, mmu_t **out, char *msg, size_t msglen)
{
	int err = mmu_cfg_validate(cfg, msg, msglen);
	if (err)
		return err;
	mmu_t *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(msg, msglen, "%s", mmu_strerror(MMU_ENOMEM));
		return MMU_ENOMEM;
	}
	m->cfg = *cfg;
	err = mmu_paging_init(&m->pg, &cfg->paging, msg, msglen);
	const mmu_tlb_cfg_t *l1cfg[MMU_NREQ] = {&cfg->l1i, &cfg->l1d};
	for (unsigned p = 0; p < MMU_NREQ && !err; p++) {
		err = mmu_tlb_create(l1cfg[p], &m->pg, mmu_lfsr_seed(cfg->seed, (mmu_tlb_id_t)p), &m->l1[p]);
		m->h1[p] = l1cfg[p]->hit_latency;
	}
	if (!err && cfg->l2.entries) {
		err = mmu_tlb_create(&cfg->l2, &m->pg, mmu_lfsr_seed(cfg->seed, MMU_TLB_L2), &m->l2);
		m->h2 = cfg->l2.hit_latency;
	}
	if (!err)
		err = mmu_pwc_create(m);
	if (err) {
		if (err == MMU_ENOMEM)
			snprintf(msg, msglen, "%s", mmu_strerror(err));
		mmu_destroy(m);
		return err;
	}
	mmu_reset(m);
	*out = m;
	return 0;
}

void mmu_destroy(mmu_t *m)
{
	if (!m)
		return;
	for (unsigned p = 0; p < MMU_NREQ; p++)
		mmu_tlb_destroy(m->l1[p]);
	mmu_tlb_destroy(m->l2);
	mmu_pwc_destroy(m);
	free(m);
}

/* T15 */
void mmu_reset(mmu_t *m)
{
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		mmu_tlb_reset(m->l1[p]);
		memset(&m->port[p], 0, sizeof m->port[p]);
	}
	if (m->l2)
		mmu_tlb_reset(m->l2);
	mmu_pwc_reset(m);
	memset(&m->mu, 0, sizeof m->mu);
	m->cr3 = 0;
	m->root = 0;
	m->pcid = 0;
	m->last_grant = MMU_REQ_I; /* T5: after reset the data port wins the first tie */
}

uint16_t mmu_current_pcid(const mmu_t *m)
{
	return m->pcid;
}

/* T4: the context is taken from CR3 as it is in the request's cycle. */
req_ctx_t mmu_make_ctx(const mmu_t *m, uint64_t vaddr, unsigned op, bool user, uint8_t tag)
{
	return (req_ctx_t){
	    .vaddr = vaddr,
	    .root = m->root,
	    .pcid = m->pcid,
	    .op = (uint8_t)op,
	    .tag = tag,
	    .user = user,
	};
}

/* What a TLB hit on e means for the request (T8, T9): the cause of a fault is set for LK_FAULT. */
static lookup_kind_t hit_kind(const mmu_paging_t *pg, const req_ctx_t *ctx, const mmu_tlb_entry_t *e, unsigned *cause)
{
	*cause = perm_check(pg, e, ctx->op, ctx->user);
	if (*cause != MMU_CAUSE_NONE)
		return LK_FAULT;
	return ctx->op == MMU_OP_STORE && !e->dirty ? LK_DIRTY : LK_HIT;
}

/* Classifies a TLB hit and fills res for the responses it allows. */
static lookup_kind_t classify_hit(const mmu_t *m, const req_ctx_t *ctx, const mmu_tlb_entry_t *e, uint8_t level,
                                  mmu_result_t *res)
{
	unsigned cause;
	lookup_kind_t kind = hit_kind(&m->pg, ctx, e, &cause);
	*res = (mmu_result_t){.level = level};
	if (kind == LK_FAULT) {
		res->fault = 1;
		res->cause = (uint8_t)cause;
		res->ecode = fault_ecode(&m->pg, cause, ctx->op, ctx->user);
		return LK_FAULT;
	}
	if (kind == LK_DIRTY)
		return LK_DIRTY;
	unsigned shift = mmu_paging_shift(&m->pg, e->level);
	res->page_level = e->level;
	res->paddr = e->base | (ctx->vaddr & ((UINT64_C(1) << shift) - 1));
	return LK_HIT;
}

lookup_kind_t mmu_l1_lookup(mmu_t *m, unsigned port, const req_ctx_t *ctx, mmu_result_t *res)
{
	if (!mmu_paging_canonical(&m->pg, ctx->vaddr)) { /* T7 */
		*res = (mmu_result_t){.fault = 1,
		                      .cause = MMU_CAUSE_NONCANONICAL,
		                      .ecode = fault_ecode(&m->pg, MMU_CAUSE_NONCANONICAL, ctx->op, ctx->user),
		                      .level = MMU_LEVEL_NONE};
		return LK_NONCANON;
	}
	mmu_tlb_entry_t e;
	long slot = mmu_tlb_lookup(m->l1[port], ctx->vaddr, ctx->pcid, &e);
	if (slot < 0)
		return LK_MISS;
	lookup_kind_t kind = classify_hit(m, ctx, &e, MMU_LEVEL_L1, res);
	if (kind == LK_FAULT) /* T8: a faulting translation is dropped from the TLB that held it */
		mmu_tlb_invalidate_slot(m->l1[port], slot);
	return kind;
}

lookup_kind_t mmu_l2_lookup(mmu_t *m, const req_ctx_t *ctx, mmu_result_t *res, mmu_tlb_entry_t *entry)
{
	long slot = mmu_tlb_lookup(m->l2, ctx->vaddr, ctx->pcid, entry);
	if (slot < 0)
		return LK_MISS;
	lookup_kind_t kind = classify_hit(m, ctx, entry, MMU_LEVEL_L2, res);
	if (kind == LK_FAULT)
		mmu_tlb_invalidate_slot(m->l2, slot);
	return kind;
}

void mmu_fill_l1(mmu_t *m, unsigned port, const mmu_tlb_entry_t *e)
{
	mmu_tlb_fill(m->l1[port], e);
}

void mmu_walk_done(mmu_t *m, unsigned port, const walk_t *w, uint64_t walk_cycles, bool dirty, uint64_t dirty_cycles,
                   bool stale)
{
	mmu_stats_walk(&m->st, walk_cycles);
	if (dirty) {
		m->st.walks_dirty++;
		m->st.walk_cycles_dirty += dirty_cycles;
	} else {
		m->st.walk_cycles_miss += walk_cycles;
	}
	if (stale) /* T13: nothing overtaken is cached */
		return;
	mmu_pwc_fill(m, w); /* W11: also after a fault below the entries it caches */
	if (w->res.fault)   /* W8: faults are not cached */
		return;
	if (m->l2)
		mmu_tlb_fill(m->l2, &w->entry);
	mmu_tlb_fill(m->l1[port], &w->entry);
}

void mmu_respond_n(mmu_t *m, unsigned port, const mmu_result_t *res, uint64_t latency, uint64_t n)
{
	mmu_stats_t *st = &m->st;
	st->requests += n;
	if (port == MMU_REQ_I)
		st->requests_i += n;
	else
		st->requests_d += n;
	st->translation_cycles += latency * n;
	if (res->fault) {
		st->faults += n;
		switch (res->cause) {
		case MMU_CAUSE_NOT_PRESENT:
			st->faults_not_present += n;
			break;
		case MMU_CAUSE_PROTECTION:
			st->faults_protection += n;
			break;
		case MMU_CAUSE_RESERVED:
			st->faults_reserved += n;
			break;
		case MMU_CAUSE_NONCANONICAL:
			st->faults_noncanonical += n;
			break;
		default:
			MMU_UNREACHABLE();
		}
		return;
	}
	switch (res->page_level) {
	case 1:
		st->served_level1 += n;
		break;
	case 2:
		st->served_level2 += n;
		break;
	case 3:
		st->served_level3 += n;
		break;
	default:
		break; /* levels 4-5 leaves do not exist in any mode */
	}
}

void mmu_respond(mmu_t *m, unsigned port, const mmu_result_t *res, uint64_t latency)
{
	mmu_respond_n(m, port, res, latency, 1);
}

long mmu_l1_peek_hit(const mmu_t *m, unsigned port, const req_ctx_t *ctx, long hint)
{
	if (!mmu_paging_canonical(&m->pg, ctx->vaddr))
		return -1;
	const mmu_tlb_t *t = m->l1[port];
	long slot = mmu_tlb_peek(t, ctx->vaddr, ctx->pcid, hint);
	unsigned cause;
	return slot >= 0 && hit_kind(&m->pg, ctx, mmu_tlb_slot_entry(t, slot), &cause) == LK_HIT ? slot : -1;
}

/* Port p showing the response of an L1 hit on ctx by slot, accepted h1 cycles before the current cycle (T3, T14). */
static void show_l1_hit(mmu_t *m, unsigned p, const req_ctx_t *ctx, long slot)
{
	for (unsigned q = 0; q < MMU_NREQ; q++)
		m->port[q].state = PORT_IDLE;
	port_t *pt = &m->port[p];
	pt->ctx = *ctx;
	pt->kind = classify_hit(m, &pt->ctx, mmu_tlb_slot_entry(m->l1[p], slot), MMU_LEVEL_L1, &pt->res);
	MMU_ASSERT(pt->kind == LK_HIT);
	pt->res.latency = (uint32_t)m->h1[p];
	pt->accept_cycle = m->cycle - m->h1[p];
	pt->stale = false;
	pt->count = 0;
	pt->state = PORT_RESP;
}

/*
 * The ports as the per-cycle path leaves them after an L1 hit on port p accepted h1 cycles before the current cycle,
 * with nothing else in flight: the other port idle (a response it showed went at that edge), p showing its response
 * (T14) with the context it latched (T3, T4). The hit's lookup and counting are done by the caller; nothing else
 * changes here.
 */
void mmu_replay_ticked_hit_ports(mmu_t *m, unsigned p, uint64_t vaddr, mmu_op_t op, uint8_t tag)
{
	MMU_ASSERT(p < MMU_NREQ && mmu_idle(m));
	req_ctx_t ctx = mmu_make_ctx(m, vaddr, op, true, tag);
	long slot = mmu_l1_peek_hit(m, p, &ctx, -1);
	MMU_ASSERT(slot >= 0);
	show_l1_hit(m, p, &ctx, slot);
}

/*
 * A request presented alone in the current cycle with nothing in flight (a response showing may go at this edge),
 * answered by an L1 hit: the per-cycle path's acceptance (T3), lookup and response (T14) at once, the fast path's
 * counting (mmu_replay_translate_hits), and the ports as mmu_replay_ticked_hit_ports leaves them. The current cycle
 * becomes the response cycle, unclocked, as after mmu_clock() up to it.
 */
long mmu_replay_ticked_l1_hit(mmu_t *m, unsigned p, uint64_t vaddr, mmu_op_t op, bool user, uint8_t tag,
                              mmu_replay_quiet_hit_t *last, mmu_result_t *res)
{
	MMU_ASSERT(p < MMU_NREQ);
	if (!mmu_idle(m))
		return -1;
	req_ctx_t ctx = mmu_make_ctx(m, vaddr, op, user, tag);
	uint64_t page = vaddr >> m->pg.page_bits, offset = vaddr & ((UINT64_C(1) << m->pg.page_bits) - 1);
	port_t *pt = &m->port[p];
	long slot = last->slot;
	mmu_result_t r;
	if (last->written && last->page == page && last->op == op && last->user == user &&
	    mmu_replay_l1_slot_holds(m, p, slot, last->written, last->pcid)) {
		/* the same base-page entry answers as before (mmu_replay_l1_slot_written): its response, this offset */
		mmu_replay_translate_hits(m, p, slot, 1);
		for (unsigned q = 0; q < MMU_NREQ; q++)
			m->port[q].state = PORT_IDLE;
		r = last->res;
		r.paddr |= offset;
		pt->ctx = ctx;
		pt->kind = LK_HIT;
		pt->res = r;
		pt->accept_cycle = m->cycle - m->h1[p];
		pt->stale = false;
		pt->count = 0;
		pt->state = PORT_RESP;
	} else {
		slot = mmu_l1_peek_hit(m, p, &ctx, slot);
		if (slot < 0)
			return -1;
		mmu_replay_translate_hits(m, p, slot, 1);
		show_l1_hit(m, p, &ctx, slot);
		r = pt->res;
		*last = (mmu_replay_quiet_hit_t){.page = page,
		                                 .written = mmu_replay_l1_slot_written(m, p, slot),
		                                 .res = r,
		                                 .slot = slot,
		                                 .pcid = m->pcid,
		                                 .op = (uint8_t)op,
		                                 .user = user};
		last->res.paddr &= ~offset;
	}
	/* whole, from a value the caller's reads of single fields can be forwarded from */
	*res = r;
	return slot;
}

/*
 * n cycles while the walker waits for a memory response that comes after them, nothing presented: with no port
 * counting down a lookup (T3) or showing a response (T14), such edges change nothing but the cycle (W2, M1).
 */
bool mmu_replay_wait_memory(mmu_t *m, uint64_t n)
{
	if (m->mu.state != MU_WALK_WAIT)
		return false;
	for (unsigned p = 0; p < MMU_NREQ; p++)
		if (m->port[p].state == PORT_LOOKUP || m->port[p].state == PORT_RESP)
			return false;
	m->cycle += n;
	return true;
}

static void flush_tlbs(mmu_t *m, unsigned op, uint64_t vaddr, uint16_t pcid)
{
	uint16_t current = mmu_current_pcid(m);
	for (unsigned p = 0; p < MMU_NREQ; p++)
		mmu_tlb_flush(m->l1[p], op, vaddr, pcid, current);
	if (m->l2)
		mmu_tlb_flush(m->l2, op, vaddr, pcid, current);
	mmu_pwc_flush(m, op, pcid, current); /* W12 */
}

/* T12 */
void mmu_apply_flush(mmu_t *m, unsigned op, uint64_t vaddr, uint16_t pcid)
{
	flush_tlbs(m, op, vaddr, pcid);
	m->st.flushes++;
}

/*
 * RISC-V: the register is satp (privileged spec 4.1.11): MODE 63:60, ASID 59:44, PPN 43:0. A write whose MODE is
 * not the configured mode's has no effect (the spec's rule for an unsupported MODE; Bare is not modelled); with
 * cr3.pcid off there are no ASID bits (ASIDLEN = 0, they read as zero). Writing satp flushes nothing: SFENCE.VMA
 * does (4.2.1), on the flush port.
 */
static void apply_satp_write(mmu_t *m, uint64_t value)
{
	if ((value >> 60) != m->pg.satp_mode)
		return;
	uint64_t asid_field = UINT64_C(0xffff) << MMU_SATP_ASID_LSB;
	m->cr3 = m->cfg.pcid ? value : value & ~asid_field;
	m->root = mmu_paging_root(&m->pg, m->cr3);
	m->pcid = (uint16_t)((m->cr3 & asid_field) >> MMU_SATP_ASID_LSB);
}

/* T11: what MOV to CR3 invalidates (Intel SDM vol. 3A, 4.10.4.1). */
void mmu_apply_cr3_write(mmu_t *m, uint64_t value)
{
	m->st.cr3_writes++;
	if (m->pg.satp_mode) {
		apply_satp_write(m, value);
		return;
	}
	m->cr3 = m->cfg.pcid ? value & ~MMU_CR3_NOFLUSH : value;
	m->root = mmu_paging_root(&m->pg, m->cr3);
	m->pcid = m->cfg.pcid ? (uint16_t)(m->cr3 & MMU_CR3_PCID_MASK) : 0;
	if (!m->cfg.pcid)
		flush_tlbs(m, MMU_FLUSH_NONGLOBAL, 0, 0);
	else if (!(value & MMU_CR3_NOFLUSH))
		flush_tlbs(m, MMU_FLUSH_PCID, 0, m->pcid);
}

void mmu_stats_read(const mmu_t *m, mmu_stats_t *out)
{
	*out = m->st;
	const mmu_tlb_counters_t *c = mmu_tlb_counters(m->l1[MMU_REQ_I]);
	out->l1i_accesses = c->accesses;
	out->l1i_hits = c->hits;
	out->l1i_misses = c->misses;
	c = mmu_tlb_counters(m->l1[MMU_REQ_D]);
	out->l1d_accesses = c->accesses;
	out->l1d_hits = c->hits;
	out->l1d_misses = c->misses;
	if (m->l2) {
		c = mmu_tlb_counters(m->l2);
		out->l2_accesses = c->accesses;
		out->l2_hits = c->hits;
		out->l2_misses = c->misses;
	}
	mmu_pwc_stats_read(m, out);
	out->cycles = m->cycle;
}

const mmu_paging_t *mmu_paging(const mmu_t *m)
{
	return &m->pg;
}

const mmu_cfg_t *mmu_config(const mmu_t *m)
{
	return &m->cfg;
}

uint64_t mmu_cr3(const mmu_t *m)
{
	return m->cr3;
}

uint64_t mmu_cycle(const mmu_t *m)
{
	return m->cycle;
}

bool mmu_idle(const mmu_t *m)
{
	for (unsigned p = 0; p < MMU_NREQ; p++)
		if (m->port[p].state != PORT_IDLE && m->port[p].state != PORT_RESP)
			return false;
	return m->mu.state == MU_IDLE;
}

mmu_walker_state_t mmu_walker_state(const mmu_t *m)
{
	switch (m->mu.state) {
	case MU_L2:
	case MU_PWC:
		return MMU_WALKER_LOOKUP;
	case MU_WALK_REQ:
	case MU_WALK_WAIT:
		return m->mu.walk.phase == WALK_WRITE ? MMU_WALKER_WRITE : MMU_WALKER_READ;
	default: {
		/* a grant cycle: the L2 lookup happens at its edge; a walk that starts in it presents its first read
		 * (T5) */
		int g = mmu_miss_grant(m);
		if (g < 0)
			return MMU_WALKER_IDLE;
		bool direct = (m->port[g].kind == LK_DIRTY || !m->l2) && !m->pwc_latency;
		return direct ? MMU_WALKER_READ : MMU_WALKER_LOOKUP;
	}
	}
}

mmu_resp_detail_t mmu_resp_detail(const mmu_t *m, unsigned p)
{
	const port_t *pt = &m->port[p];
	mmu_resp_detail_t d = {0, MMU_REWALK_NONE};
	if (pt->state != PORT_RESP)
		return d;
	d.page_level = pt->res.fault ? 0 : pt->res.page_level;
	if (pt->res.level == MMU_LEVEL_WALK && pt->kind == LK_DIRTY)
		d.rewalk = MMU_REWALK_FROM_L1;
	else if (pt->res.level == MMU_LEVEL_WALK && m->mu.port == p && m->mu.dirty)
		d.rewalk = MMU_REWALK_FROM_L2;
	return d;
}

const mmu_tlb_t *mmu_tlb(const mmu_t *m, mmu_tlb_id_t id)
{
	return id == MMU_TLB_L2 ? m->l2 : m->l1[id];
}

/* The MMU's outputs: a function of state alone (T1, a Moore machine), the ports' and the miss unit's. */
void mmu_comb(const mmu_t *m, const mmu_in_t *in, mmu_out_t *out)
{
	(void)in;
	memset(out, 0, sizeof *out);
	for (unsigned p = 0; p < MMU_NREQ; p++)
		mmu_port_comb(m, p, out);
	mmu_miss_comb(m, out);
}

/*
 * The clock edge. Within it the order is: ports (L1 lookups see the TLBs as they were during the cycle), miss unit
 * (L2 lookup, walker, fills), then flush and CR3 write. Fills of requests overtaken by a flush or CR3 write in this
 * or an earlier cycle are suppressed (T13), so the order of fill and flush never shows.
 */
void mmu_clock(mmu_t *m, const mmu_in_t *in)
{
	uint64_t now = m->cycle;
	bool control = in->cr3_we || in->flush_valid;
	int grant = mmu_miss_grant(m); /* from the state during the cycle, before the ports move on */
	for (unsigned p = 0; p < MMU_NREQ; p++)
		mmu_port_clock(m, p, in, control, now);
	mmu_miss_clock(m, in, now, grant);
	if (in->flush_valid) /* T12: the flush first, then the CR3 write (T11) */
		mmu_apply_flush(m, (unsigned)in->flush_op, in->flush_vaddr, (uint16_t)in->flush_pcid);
	if (in->cr3_we)
		mmu_apply_cr3_write(m, in->cr3_wdata);
	m->cycle++;
}
