/*
 * Fast path: one request run to its response without stepping idle cycles. It makes the same decisions as the
 * per-cycle path (same lookup, walker and fill functions) and adds up the same cycles: with one request in flight no
 * arbitration wait exists, and each memory access costs stall + latency + 1 (rule M4).
 */
#include "mmu_assert.h"
#include "mmu_internal.h"
#include "mmu_tlb_internal.h"
#include "mmu_replay.h"

static uint64_t run_walk(mmu_t *m, mmu_mem_t *mem, const req_ctx_t *ctx, walk_t *w)
{
	uint64_t cycles = 0, addr, wdata, cmp, rdata;
	bool write;
	uint8_t wstrb;
	walk_begin(w, &m->pg, ctx);
	if (m->pwc_latency) { /* W9: the page-walk caches' lookup delays the first access */
		cycles += m->pwc_latency;
		mmu_pwc_lookup(m, w);
	}
	do {
		walk_request(w, &m->pg, &addr, &write, &wdata, &wstrb, &cmp);
		cycles += mmu_mem_access(mem, addr, write, wdata, wstrb, cmp, &rdata);
	} while (!walk_response(w, &m->pg, rdata, &m->st));
	return cycles;
}

static uint64_t walk_and_fill(mmu_t *m, mmu_mem_t *mem, unsigned port, const req_ctx_t *ctx, bool dirty,
                              mmu_result_t *res)
{
	walk_t w;
	uint64_t cycles = run_walk(m, mem, ctx, &w);
	mmu_walk_done(m, port, &w, cycles, dirty, cycles, false);
	*res = w.res;
	return cycles;
}

void mmu_translate(mmu_t *m, mmu_mem_t *mem, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t *res)
{
	MMU_ASSERT(port < MMU_NREQ && m->mu.state == MU_IDLE); /* the fast path never leaves work in flight */
	req_ctx_t ctx = mmu_make_ctx(m, vaddr, op, user, 0);
	uint64_t latency = m->h1[port];
	m->st.hit_time_cycles += latency;
	lookup_kind_t kind = mmu_l1_lookup(m, port, &ctx, res);
	if (kind == LK_DIRTY) {
		latency += walk_and_fill(m, mem, port, &ctx, true, res);
	} else if (kind == LK_MISS) {
		if (m->l2) {
			mmu_tlb_entry_t e;
			latency += m->h2;
			m->st.l2_stage_cycles += m->h2;
			kind = mmu_l2_lookup(m, &ctx, res, &e);
			if (kind == LK_HIT)
				mmu_fill_l1(m, port, &e);
		}
		if (kind == LK_MISS || kind == LK_DIRTY)
			latency += walk_and_fill(m, mem, port, &ctx, kind == LK_DIRTY, res);
	}
	res->latency = (uint32_t)latency;
	mmu_respond(m, port, res, latency);
	m->cycle += latency;
}

long mmu_replay_l1_hit_slot(const mmu_t *m, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, long hint)
{
	MMU_ASSERT(port < MMU_NREQ);
	req_ctx_t ctx = mmu_make_ctx(m, vaddr, op, user, 0);
	return m->mu.state == MU_IDLE ? mmu_l1_peek_hit(m, port, &ctx, hint) : -1;
}

/* What mmu_translate() does for a hit (hit latency, lookup, response), n times over. */
void mmu_replay_translate_hits(mmu_t *m, unsigned port, long slot, uint64_t n)
{
	MMU_ASSERT(port < MMU_NREQ && m->mu.state == MU_IDLE);
	if (!n)
		return;
	mmu_replay_l1_touch(m, port, slot);
	mmu_replay_count_l1_hits(m, port, mmu_tlb_slot_entry(m->l1[port], slot)->level, n);
}

void mmu_replay_l1_touch(mmu_t *m, unsigned port, long slot)
{
	MMU_ASSERT(port < MMU_NREQ);
	mmu_tlb_touch(m->l1[port], slot);
}

void mmu_replay_l1_touch_n(mmu_t *m, unsigned port, long slot, uint64_t n)
{
	MMU_ASSERT(port < MMU_NREQ);
	mmu_tlb_touch_n(m->l1[port], slot, n);
}

void mmu_replay_count_l1_hits(mmu_t *m, unsigned port, unsigned page_level, uint64_t n)
{
	MMU_ASSERT(port < MMU_NREQ);
	uint64_t latency = m->h1[port];
	mmu_result_t res = {.latency = (uint32_t)latency, .level = MMU_LEVEL_L1, .page_level = (uint8_t)page_level};
	mmu_tlb_count_hits(m->l1[port], n);
	m->st.hit_time_cycles += latency * n;
	mmu_respond_n(m, port, &res, latency, n);
	m->cycle += latency * n;
}

uint64_t mmu_replay_l1_slot_written(const mmu_t *m, unsigned port, long slot)
{
	MMU_ASSERT(port < MMU_NREQ);
	const mmu_tlb_t *t = m->l1[port];
	return mmu_tlb_slot_base(t, slot) ? mmu_tlb_slot_written(t, slot) : 0;
}

bool mmu_replay_l1_slot_holds(const mmu_t *m, unsigned port, long slot, uint64_t written, uint16_t pcid)
{
	MMU_ASSERT(port < MMU_NREQ);
	return m->pcid == pcid && mmu_tlb_slot_written(m->l1[port], slot) == written;
}

unsigned mmu_replay_l1_slot_level(const mmu_t *m, unsigned port, long slot)
{
	MMU_ASSERT(port < MMU_NREQ);
	return mmu_tlb_slot_entry(m->l1[port], slot)->level;
}

void mmu_fast_cr3_write(mmu_t *m, uint64_t value)
{
	MMU_ASSERT(mmu_idle(m));
	mmu_apply_cr3_write(m, value);
	m->cycle++;
}

void mmu_fast_flush(mmu_t *m, mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid)
{
	MMU_ASSERT(mmu_idle(m));
	mmu_apply_flush(m, op, vaddr, pcid);
	m->cycle++;
}

void mmu_fast_idle(mmu_t *m, uint64_t n)
{
	m->cycle += n;
}
