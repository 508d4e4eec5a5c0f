/* The trace-driven system: MMU + memory + OS, with a fast or a per-cycle engine. */
#include "mmu/mmu_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu_requester_internal.h"
#include "mmu_assert.h"
#include "mmu_replay.h"

/*
 * mmu_sim_refs's shortcut, per port. A record within one base page that an L1 TLB slot answers with a hit (no fault, no
 * dirty re-walk; mmu_replay_sim_hit) changes only counters, the cycle and that slot's replacement state, and nothing
 * of the model reads a counter or the cycle (M4). So such a record is not simulated: its slot is used (touched) at
 * once, and its counting is added up and applied (settle) before the next record simulated in full. Records of the
 * same page and operation as the port's record just before use the slot that is already the TLB's most recently used:
 * their uses are added up too (repeats), and applied before any other use of that TLB. An answer found is kept, with
 * what makes it hold (mmu_replay_sim_hit_holds: the slot not written since, the same process and PCID), for the
 * port's last record and in a small table by page and operation, so that it is looked up again only when its slot
 * changed.
 */
#define RECENT_KEYS 1024

typedef struct kept_hit {
	uint64_t key; /* (base page << 2 | op) + 1; 0: none */
	uint32_t pid;
	mmu_replay_hit_t hit;
} kept_hit_t;

typedef struct port_hits {
	kept_hit_t last;  /* the port's last record (hit.slot -1: its answer is not known) */
	bool checked;     /* last.hit is the answer now: nothing was simulated in full since it was found */
	uint64_t repeats; /* uses of last.hit's slot not yet applied, and hits not yet in counted */
	uint64_t counted[MMU_MAX_LEVELS + 1]; /* hits not yet counted, by the leaf level of their entry */
	kept_hit_t recent[RECENT_KEYS];       /* by base page and operation: the last answer found for it */
} port_hits_t;

struct mmu_sim {
	mmu_cfg_t cfg;
	mmu_engine_t engine;
	mmu_physmem_t *pm;
	mmu_mem_t *mem;
	mmu_os_t *os;
	mmu_t *mmu;
	mmu_requester_t *req;
	mmu_port_driver_t drv;      /* the ticked engine's */
	port_hits_t hits[MMU_NREQ]; /* mmu_sim_refs's shortcut */
	/* the ticked engine's hits counted by the shortcut since it last settled, and the last one's port and request
	 */
	uint64_t ticked_hits;
	unsigned ticked_port;
	uint64_t ticked_vaddr;
	mmu_op_t ticked_op;
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
	mmu_port_driver_init(&s->drv, mmu_sim_latency_bound(cfg));
	err = mmu_physmem_create(&s->pm);
	if (!err)
		err = mmu_mem_create(&cfg->mem, cfg->seed, s->pm, &s->mem);
	if (!err)
		err = mmu_os_create(cfg, s->pm, &s->os);
	if (!err)
		err = mmu_create(cfg, &s->mmu, msg, msglen);
	if (!err)
		err = mmu_requester_create(cfg, s->os, &s->req);
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
	mmu_requester_destroy(s->req);
	mmu_destroy(s->mmu);
	mmu_os_destroy(s->os);
	mmu_mem_destroy(s->mem);
	mmu_physmem_destroy(s->pm);
	free(s);
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

/* Nothing in flight: no request in the MMU beyond a response shown, no memory access (the ticked engine between
 * steps). */
static bool quiescent(const mmu_sim_t *s)
{
	return mmu_idle(s->mmu) && mmu_replay_mem_idle(s->mem);
}

/*
 * One step of the per-cycle engine, cycle by cycle until it is complete. The system is left in the cycle where it
 * completed, unclocked: the next step is presented in that cycle (T14).
 */
static void ticked_step(mmu_sim_t *s, const mmu_step_t *step, mmu_result_t *res)
{
	if (step->kind == MMU_STEP_IDLE && step->cycles > 1 && quiescent(s)) {
		/*
		 * Idle cycles with nothing in flight: after the first (where a response shown goes) nothing changes but
		 * the cycle, so the rest are skipped.
		 */
		mmu_step_t first = *step;
		first.cycles = 1;
		ticked_step(s, &first, res);
		mmu_fast_idle(s->mmu, step->cycles - 1);
		return;
	}
	mmu_port_driver_begin(&s->drv, step);
	/*
	 * The inputs of every cycle: zero but for the memory's (set by mmu_system_comb each cycle) and what the driver
	 * presents, which it does in one cycle only; so they are cleared after that cycle, not before every cycle.
	 */
	mmu_in_t in = {0};
	for (;;) {
		mmu_out_t out;
		mmu_system_comb(s->mmu, s->mem, &in, &out);
		bool presented = s->drv.presented;
		int done = mmu_port_driver_cycle(&s->drv, &out, &in, res);
		MMU_ASSERT(done >= 0); /* an in-order requester never meets a busy port (T2) */
		if (done)
			return;
		mmu_system_clock(s->mmu, s->mem, &in, &out);
		if (s->drv.presented != presented)
			in = (mmu_in_t){0};
	}
}

/* One step on the engine of this system. */
static void carry_out(mmu_sim_t *s, const mmu_step_t *step, mmu_result_t *res)
{
	if (s->engine == MMU_ENGINE_TICKED) {
		ticked_step(s, step, res);
		return;
	}
	switch (step->kind) {
	case MMU_STEP_TRANSLATE:
		mmu_translate(s->mmu, s->mem, step->port, step->vaddr, step->op, step->user, res);
		return;
	case MMU_STEP_CR3:
		mmu_fast_cr3_write(s->mmu, step->value);
		return;
	case MMU_STEP_FLUSH:
		mmu_fast_flush(s->mmu, step->flush_op, step->vaddr, step->pcid);
		return;
	case MMU_STEP_IDLE:
		mmu_fast_idle(s->mmu, step->cycles);
		return;
	case MMU_STEP_DONE:
		return;
	}
}

void mmu_sim_translate(mmu_sim_t *s, unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t *res)
{
	mmu_step_t step = {.kind = MMU_STEP_TRANSLATE, .port = port, .vaddr = vaddr, .op = op, .user = user};
	carry_out(s, &step, res);
}

void mmu_sim_cr3_write(mmu_sim_t *s, uint64_t value)
{
	mmu_step_t step = {.kind = MMU_STEP_CR3, .value = value};
	carry_out(s, &step, NULL);
}

void mmu_sim_flush(mmu_sim_t *s, mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid)
{
	mmu_step_t step = {.kind = MMU_STEP_FLUSH, .flush_op = op, .vaddr = vaddr, .pcid = pcid};
	carry_out(s, &step, NULL);
}

void mmu_sim_idle(mmu_sim_t *s, uint64_t n)
{
	mmu_step_t step = {.kind = MMU_STEP_IDLE, .cycles = n};
	carry_out(s, &step, NULL);
}

int mmu_sim_switch(mmu_sim_t *s, uint32_t pid)
{
	uint64_t cr3;
	int err = mmu_requester_switch(s->req, pid, &cr3);
	if (err)
		return err;
	mmu_sim_cr3_write(s, cr3);
	mmu_step_t fence;
	if (mmu_requester_fence_after_switch(s->req, &fence))
		carry_out(s, &fence, NULL);
	return 0;
}

/* One record through the requester; translate: as for mmu_sim_ref_with, or NULL for the engine's own. */
static inline int ref(mmu_sim_t *s, const mmu_trace_rec_t *rec, mmu_sim_translate_fn translate, void *ctx, char *msg,
                      size_t msglen)
{
	mmu_step_t step;
	mmu_result_t res;
	int err = 0;
	if (!translate && s->engine == MMU_ENGINE_FAST && mmu_requester_single(s->req, rec, &step)) {
		mmu_translate(s->mmu, s->mem, step.port, step.vaddr, step.op, step.user, &res);
		if (mmu_requester_single_done(s->req, &res))
			return 0;
	} else {
		err = mmu_requester_begin_fast(s->req, rec, msg, msglen);
	}
	while (!err) {
		if ((err = mmu_requester_next_fast(s->req, &step, msg, msglen)) != 0 || step.kind == MMU_STEP_DONE)
			break;
		if (step.kind != MMU_STEP_TRANSLATE)
			carry_out(s, &step, NULL);
		else if (translate)
			err = translate(ctx, s, &step, &res);
		else if (s->engine == MMU_ENGINE_FAST) /* every record's path: no detour through carry_out */
			mmu_translate(s->mmu, s->mem, step.port, step.vaddr, step.op, step.user, &res);
		else
			ticked_step(s, &step, &res);
		if (!err && step.kind == MMU_STEP_TRANSLATE)
			mmu_requester_answer_fast(s->req, &res);
	}
	return err;
}

/* The uses of a port's slot that repeats stand for, applied: its slot's replacement state then is what they leave. */
static void apply_repeats(mmu_sim_t *s, unsigned port, port_hits_t *ph)
{
	if (ph->repeats) {
		mmu_replay_l1_touch_n(s->mmu, port, ph->last.hit.slot, ph->repeats);
		ph->counted[ph->last.hit.page_level] += ph->repeats;
		ph->repeats = 0;
	}
}

/*
 * Everything the shortcut has put off, applied, before a record is simulated in full (or the batch ends). In the
 * ticked engine, also what the per-cycle path leaves of the hits beyond counts, the cycle and the replacement state:
 * the ports showing the last hit's response, the driver's request tag counting every hit.
 */
static void settle(mmu_sim_t *s)
{
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		port_hits_t *ph = &s->hits[p];
		apply_repeats(s, p, ph);
		ph->checked = false;
		for (unsigned level = 0; level <= MMU_MAX_LEVELS; level++) {
			if (ph->counted[level]) {
				mmu_replay_sim_count_hits(s, p, level, ph->counted[level]);
				ph->counted[level] = 0;
			}
		}
	}
	if (s->ticked_hits) {
		s->drv.tag = (uint8_t)(s->drv.tag + s->ticked_hits);
		mmu_replay_ticked_hit_ports(s->mmu, s->ticked_port, s->ticked_vaddr, s->ticked_op,
		                            (uint8_t)(s->drv.tag - 1));
		s->ticked_hits = 0;
	}
}

/* A hit the shortcut took: in the ticked engine, the last one is remembered for settle(). */
static inline void shortcut_hit(mmu_sim_t *s, unsigned port, const mmu_trace_rec_t *rec)
{
	if (s->engine == MMU_ENGINE_TICKED) {
		s->ticked_hits++;
		s->ticked_port = port;
		s->ticked_vaddr = rec->vaddr;
		s->ticked_op = mmu_rec_op(rec);
	}
}

/* The slot that answers rec with a hit now, looked up (with hint), kept in the table; or false. */
static bool look_up_hit(mmu_sim_t *s, const mmu_trace_rec_t *rec, kept_hit_t *re, uint64_t key, long hint,
                        mmu_replay_hit_t *hit)
{
	if (mmu_replay_sim_hit(s, rec, hint, hit) < 0)
		return false;
	*re = (kept_hit_t){.key = key, .pid = rec->pid, .hit = *hit};
	return true;
}

/*
 * Whether rec (within one base page, of key; re its page's entry in the table) is an L1 hit the shortcut takes; it is
 * then used and counted.
 */
static inline bool shortcut(mmu_sim_t *s, unsigned port, port_hits_t *ph, const mmu_trace_rec_t *rec, uint64_t key,
                            kept_hit_t *re)
{
	bool same = key == ph->last.key && rec->pid == ph->last.pid;
	if (same && ph->checked) { /* its slot was used last, by the port's record before: the most recently used */
		ph->repeats++;
		shortcut_hit(s, port, rec);
		return true;
	}
	mmu_replay_hit_t hit;
	if (same && ph->last.hit.slot >= 0 && mmu_replay_sim_hit_holds(s, rec->pid, port, &ph->last.hit))
		hit = ph->last.hit;
	else if (re->key == key && re->pid == rec->pid && mmu_replay_sim_hit_holds(s, rec->pid, port, &re->hit))
		hit = re->hit;
	else if (!look_up_hit(s, rec, re, key, re->key == key ? re->hit.slot : same ? ph->last.hit.slot : -1, &hit))
		return false;
	apply_repeats(s, port, ph);
	mmu_replay_sim_touch(s, port, hit.slot);
	ph->counted[hit.page_level]++;
	ph->last = (kept_hit_t){.key = key, .pid = rec->pid, .hit = hit};
	ph->checked = true;
	shortcut_hit(s, port, rec);
	return true;
}

int mmu_sim_refs(mmu_sim_t *s, const mmu_trace_rec_t *recs, size_t n, size_t *done, char *msg, size_t msglen)
{
	int err = 0;
	size_t i = 0;
	unsigned page_bits = s->req->page_bits;
	uint64_t offset_mask = (UINT64_C(1) << page_bits) - 1;
	for (; i < n; i++) {
		const mmu_trace_rec_t *rec = &recs[i];
		unsigned port = mmu_rec_port(rec);
		port_hits_t *ph = &s->hits[port];
		bool one_page = (rec->vaddr & offset_mask) + (rec->size ? rec->size - 1 : 0) <= offset_mask;
		uint64_t page = rec->vaddr >> page_bits, key = (page << 2 | (uint64_t)mmu_rec_op(rec)) + 1;
		if (one_page && shortcut(s, port, ph, rec, key, &ph->recent[key % RECENT_KEYS]))
			continue;
		settle(s);
		if ((err = ref(s, rec, NULL, NULL, msg, msglen)) != 0)
			break;
		ph->last = (kept_hit_t){.key = one_page ? key : 0, .pid = rec->pid, .hit = {.slot = -1}};
	}
	settle(s);
	*done = i;
	return err;
}

int mmu_sim_ref_with(mmu_sim_t *s, const mmu_trace_rec_t *rec, mmu_sim_translate_fn translate, void *ctx, char *msg,
                     size_t msglen)
{
	return ref(s, rec, translate, ctx, msg, msglen);
}

int mmu_sim_ref(mmu_sim_t *s, const mmu_trace_rec_t *rec, char *msg, size_t msglen)
{
	return ref(s, rec, NULL, NULL, msg, msglen);
}

static long ref_l1_slot(const mmu_sim_t *s, const mmu_trace_rec_t *rec, long hint)
{
	/*
	 * A page the TLB holds is mapped, so os.populate has nothing to do for it either. The ticked engine with
	 * nothing in flight takes an L1 hit in h1 cycles with no other event: the same as the fast engine's.
	 */
	if ((s->engine != MMU_ENGINE_FAST && !quiescent(s)) || !mmu_requester_started(s->req) ||
	    rec->pid != mmu_requester_pid(s->req) || mmu_requester_crosses(s->req, rec))
		return -1;
	return mmu_replay_l1_hit_slot(s->mmu, mmu_rec_port(rec), rec->vaddr, mmu_rec_op(rec), true, hint);
}

long mmu_replay_sim_hit(const mmu_sim_t *s, const mmu_trace_rec_t *rec, long hint, mmu_replay_hit_t *hit)
{
	long slot = ref_l1_slot(s, rec, hint);
	hit->slot = (int32_t)slot;
	hit->written = 0;
	if (slot >= 0) {
		unsigned port = mmu_rec_port(rec);
		hit->written = mmu_replay_l1_slot_written(s->mmu, port, slot);
		hit->pcid = mmu_current_pcid(s->mmu);
		hit->page_level = (uint8_t)mmu_replay_l1_slot_level(s->mmu, port, slot);
	}
	return slot;
}

/* The rest of what ref_l1_slot checks does not change while the process is the same and has started. */
bool mmu_replay_sim_hit_holds(const mmu_sim_t *s, uint32_t pid, unsigned port, const mmu_replay_hit_t *hit)
{
	return hit->written && mmu_requester_pid(s->req) == pid &&
	       mmu_replay_l1_slot_holds(s->mmu, port, hit->slot, hit->written, hit->pcid);
}

void mmu_replay_sim_touch(mmu_sim_t *s, unsigned port, long slot)
{
	mmu_replay_l1_touch(s->mmu, port, slot);
}

void mmu_replay_sim_count_hits(mmu_sim_t *s, unsigned port, unsigned page_level, uint64_t n)
{
	mmu_sim_stats_t *st = mmu_requester_stats_mut(s->req);
	st->references += n;
	st->translations += n;
	mmu_replay_count_l1_hits(s->mmu, port, page_level, n);
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
	return mmu_requester_stats(s->req);
}
