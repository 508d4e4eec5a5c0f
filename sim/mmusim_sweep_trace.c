/* The decode-once trace of a sweep: compaction of repeated pages, and their exact replay. */
#include "mmusim_sweep_trace.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmusim_prefetch.h"

#define WINDOW_RUNS  (MMU_NREQ * SWEEP_KEYS_MAX)
#define RECENT_PAGES 4096
_Static_assert(WINDOW_RUNS <= 256, "a repeat names its run in one byte");

/* One (page, operation) pair a port used lately. */
typedef struct key {
	bool valid;
	uint64_t page, last_use;
	unsigned op;
	uint32_t rec; /* the kept record that brought it */
	int run;      /* its run in the current window, -1 if none yet */
} pair_t;

/* The compaction state: the pairs of each port and the runs of the window being built. */
typedef struct packer {
	pair_t keys[MMU_NREQ][SWEEP_KEYS_MAX];
	uint64_t clock;
	sweep_run_t runs[WINDOW_RUNS];
	uint64_t run_last[WINDOW_RUNS]; /* clock of the run's last repeat */
	unsigned nruns;
	unsigned page_bits, nkeys;
} packer_t;

static unsigned port_of(uint8_t kind)
{
	return kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
}

static unsigned op_of(uint8_t kind)
{
	return kind == MMU_REF_MODIFY ? MMU_REF_STORE : kind; /* mmu_sim_ref translates both as a store */
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t cap2 = *cap ? 2 * *cap : 65536;
	while (cap2 < need)
		cap2 *= 2;
	void *q = realloc(*p, cap2 * size);
	if (!q)
		return MMU_ENOMEM;
	*p = q;
	*cap = cap2;
	return 0;
}

/* The window's runs in the order of their last repeat, and its repeats renumbered to match. */
static int close_window(sweep_trace_t *st, packer_t *pk)
{
	if (!st->nrecs)
		return 0;
	unsigned order[WINDOW_RUNS], rank[WINDOW_RUNS];
	for (unsigned i = 0; i < pk->nruns; i++) {
		unsigned j = i;
		for (; j > 0 && pk->run_last[order[j - 1]] > pk->run_last[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	if (grow((void **)&st->runs, &st->runs_cap, st->nruns + pk->nruns, sizeof *st->runs))
		return MMU_ENOMEM;
	for (unsigned i = 0; i < pk->nruns; i++) {
		rank[order[i]] = i;
		st->runs[st->nruns++] = pk->runs[order[i]];
	}
	sweep_rec_t *r = &st->recs[st->nrecs - 1];
	r->nruns = pk->nruns;
	for (uint64_t i = st->nrepeats - r->nrepeats; i < st->nrepeats; i++)
		st->order[i] = (uint8_t)rank[st->order[i]];
	for (unsigned p = 0; p < MMU_NREQ; p++)
		for (unsigned k = 0; k < pk->nkeys; k++)
			pk->keys[p][k].run = -1;
	pk->nruns = 0;
	return 0;
}

static pair_t *find_key(packer_t *pk, unsigned port, uint64_t page, unsigned op)
{
	for (unsigned k = 0; k < pk->nkeys; k++) {
		pair_t *e = &pk->keys[port][k];
		if (e->valid && e->page == page && e->op == op)
			return e;
	}
	return NULL;
}

/* A kept record's pair replaces the port's least recently used one. */
static void add_key(packer_t *pk, unsigned port, uint64_t page, unsigned op, uint32_t rec)
{
	pair_t *victim = &pk->keys[port][0];
	for (unsigned k = 0; k < pk->nkeys && victim->valid; k++) {
		pair_t *e = &pk->keys[port][k];
		if (!e->valid || e->last_use < victim->last_use)
			victim = e;
	}
	*victim = (pair_t){.valid = true, .page = page, .op = op, .rec = rec, .last_use = ++pk->clock, .run = -1};
}

static int keep(sweep_trace_t *st, packer_t *pk, const mmu_trace_rec_t *r, bool whole_page)
{
	if (close_window(st, pk) || grow((void **)&st->recs, &st->recs_cap, st->nrecs + 1, sizeof *st->recs))
		return MMU_ENOMEM;
	bool same_pid = st->nrecs && st->recs[st->nrecs - 1].pid == r->pid;
	if (!same_pid)
		memset(pk->keys, 0, sizeof pk->keys); /* another process: other pages */
	st->recs[st->nrecs] = (sweep_rec_t){.vaddr = r->vaddr, .size = r->size, .pid = r->pid, .kind = r->kind};
	if (whole_page && st->nrecs < UINT32_MAX) {
		unsigned port = port_of(r->kind), op = op_of(r->kind);
		pair_t *e = find_key(pk, port, r->vaddr >> pk->page_bits, op);
		if (e) { /* kept only because a counter was full */
			e->rec = (uint32_t)st->nrecs;
			e->last_use = ++pk->clock;
		} else {
			add_key(pk, port, r->vaddr >> pk->page_bits, op, (uint32_t)st->nrecs);
		}
	}
	st->nrecs++;
	return 0;
}

static int repeat(sweep_trace_t *st, packer_t *pk, pair_t *e)
{
	if (grow((void **)&st->order, &st->order_cap, st->nrepeats + 1, 1))
		return MMU_ENOMEM;
	if (e->run < 0) {
		e->run = (int)pk->nruns++;
		const sweep_rec_t *r = &st->recs[e->rec];
		pk->runs[e->run] = (sweep_run_t){.vaddr = r->vaddr, .rec = e->rec, .pid = r->pid, .kind = r->kind};
	}
	pk->runs[e->run].count++;
	pk->run_last[e->run] = e->last_use = ++pk->clock;
	st->order[st->nrepeats++] = (uint8_t)e->run;
	st->recs[st->nrecs - 1].nrepeats++;
	return 0;
}

static int add_batch(sweep_trace_t *st, packer_t *pk, const mmu_trace_rec_t *recs, long n)
{
	for (long i = 0; i < n; i++) {
		const mmu_trace_rec_t *r = &recs[i];
		unsigned port = port_of(r->kind);
		uint64_t page = r->vaddr >> pk->page_bits;
		bool whole_page = (r->vaddr + (r->size ? r->size - 1 : 0)) >> pk->page_bits == page;
		bool same_pid = st->nrecs && st->recs[st->nrecs - 1].pid == r->pid;
		pair_t *e = same_pid && whole_page ? find_key(pk, port, page, op_of(r->kind)) : NULL;
		int err;
		if (e && st->recs[st->nrecs - 1].nrepeats < UINT32_MAX) /* a run's count is at most that */
			err = repeat(st, pk, e);
		else
			err = keep(st, pk, r, whole_page);
		if (err)
			return err;
	}
	st->references += (uint64_t)n;
	return 0;
}

int sweep_trace_load(sweep_trace_t *st, mmu_trace_t *t, unsigned page_bits, unsigned pairs, char *msg, size_t msglen)
{
	memset(st, 0, sizeof *st);
	packer_t *pk = calloc(1, sizeof *pk);
	prefetch_t *pf;
	if (!pk || prefetch_start(t, &pf) != 0) {
		free(pk);
		snprintf(msg, msglen, "cannot start the trace reader thread");
		return MMU_ENOMEM;
	}
	pk->page_bits = page_bits;
	pk->nkeys = pairs < 1 ? 1 : pairs > SWEEP_KEYS_MAX ? SWEEP_KEYS_MAX : pairs;
	int err = 0;
	for (;;) {
		const mmu_trace_rec_t *recs;
		uint64_t bytes;
		long n = prefetch_next(pf, &recs, &bytes, msg, msglen);
		if (n <= 0) {
			err = (int)n;
			break;
		}
		if ((err = add_batch(st, pk, recs, n)))
			break;
	}
	if (!err)
		err = close_window(st, pk);
	if (err > 0 || err == MMU_ENOMEM)
		snprintf(msg, msglen, "out of memory holding the trace (%llu references read)",
		         (unsigned long long)st->references);
	prefetch_stop(pf);
	free(pk);
	if (err)
		sweep_trace_free(st);
	return err;
}

void sweep_trace_free(sweep_trace_t *st)
{
	free(st->recs);
	free(st->runs);
	free(st->order);
	memset(st, 0, sizeof *st);
}

static mmu_trace_rec_t to_rec(const sweep_rec_t *r)
{
	return (mmu_trace_rec_t){.vaddr = r->vaddr, .size = r->size, .pid = r->pid, .kind = r->kind};
}

/* A repeat of a run, as a record (size 1: a repeat never crosses a page). */
static mmu_trace_rec_t run_rec(const sweep_run_t *run)
{
	return (mmu_trace_rec_t){.vaddr = run->vaddr, .size = 1, .pid = run->pid, .kind = run->kind};
}

/*
 * A replay of the trace on one configuration. Per kept record, the L1 slot its pair was last found to hit, and when:
 * a pair found hitting since the last full simulation of a record is still there (only hits happened since, and hits
 * evict nothing), so it is not looked up again.
 */
typedef struct replay {
	const sweep_trace_t *st;
	mmu_sim_t *sim;
	struct pair_state {
		uint64_t checked; /* the epoch slot was found in */
		int32_t slot;     /* the L1 slot of the kept record's pair, or -1 */
	} * pair;                 /* per kept record */
	uint64_t epoch;           /* full simulations of a record so far, plus one */
	char *msg;
	size_t msglen;
	/* by base page, direct-mapped: the L1 slot a page was last found in, a hint for records that have none */
	uint64_t recent_page[MMU_NREQ][RECENT_PAGES]; /* page + 1; 0 = empty */
	int32_t recent_slot[MMU_NREQ][RECENT_PAGES];
} replay_t;

/* The slot r's page was last found in, or -1: only a hint, mmu_tlb_peek checks it (a stale one costs the search). */
static long recent_get(const replay_t *rp, const mmu_trace_rec_t *r)
{
	unsigned port = r->kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
	uint64_t page = r->vaddr >> 12, i = page % RECENT_PAGES;
	return rp->recent_page[port][i] == page + 1 ? rp->recent_slot[port][i] : -1;
}

static long recent_put(replay_t *rp, const mmu_trace_rec_t *r, long slot)
{
	unsigned port = r->kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
	uint64_t page = r->vaddr >> 12, i = page % RECENT_PAGES;
	if (slot >= 0) {
		rp->recent_page[port][i] = page + 1;
		rp->recent_slot[port][i] = (int32_t)slot;
	}
	return slot;
}

/* A record simulated in full: anything may change, so every pair is looked up again. */
static int ref(replay_t *rp, const mmu_trace_rec_t *r, uint64_t number)
{
	char why[400];
	rp->epoch++;
	int err = mmu_sim_ref(rp->sim, r, why, sizeof why);
	if (err)
		snprintf(rp->msg, rp->msglen, "record %llu: %s", (unsigned long long)number, why);
	return err;
}

/* The slot that would answer kept record k's pair with an L1 hit now, or -1. */
static long hit_slot(replay_t *rp, uint32_t k, const mmu_trace_rec_t *r)
{
	struct pair_state *ps = &rp->pair[k];
	if (ps->checked == rp->epoch)
		return ps->slot;
	long hint = recent_get(rp, r);
	long slot = recent_put(rp, r, mmu_sim_ref_l1_slot(rp->sim, r, hint >= 0 ? hint : ps->slot));
	if (slot >= 0) {
		ps->slot = (int32_t)slot;
		ps->checked = rp->epoch;
	}
	return slot;
}

/*
 * The repeats of one window. When each run's pair would hit its port's L1 TLB now, every repeat of the window is such
 * a hit: hits evict nothing, so the pairs stay resident, and a hit changes only counters, the cycle and the
 * replacement order, which ends as the order of each entry's last use (R1, R3; FIFO and random keep none). The runs,
 * sorted by last use, give exactly that. Otherwise the repeats are simulated one by one in their original order.
 */
static int replay_window(replay_t *rp, const sweep_run_t *runs, unsigned nruns, const uint8_t *order, uint64_t nrepeats,
                         uint64_t number)
{
	mmu_trace_rec_t rec[WINDOW_RUNS];
	long slot[WINDOW_RUNS];
	bool all_hit = true;
	for (unsigned i = 0; i < nruns && all_hit; i++) {
		rec[i] = run_rec(&runs[i]);
		slot[i] = hit_slot(rp, runs[i].rec, &rec[i]);
		all_hit = slot[i] >= 0;
	}
	if (all_hit) {
		for (unsigned i = 0; i < nruns; i++)
			mmu_sim_ref_hits(rp->sim, &rec[i], slot[i], runs[i].count);
		return 0;
	}
	for (unsigned i = 0; i < nruns; i++)
		rec[i] = run_rec(&runs[i]);
	/*
	 * In order, each stretch of consecutive repeats of one pair: counted at once while its pair hits (a hit changes
	 * nothing another hit of it would see), else simulated in full, one record at a time until it hits.
	 */
	for (uint64_t i = 0, n; i < nrepeats; i += n) {
		for (n = 1; i + n < nrepeats && order[i + n] == order[i]; n++)
			;
		const mmu_trace_rec_t *r = &rec[order[i]];
		for (uint64_t k = 0; k < n;) {
			long slot = hit_slot(rp, runs[order[i]].rec, r);
			if (slot >= 0) {
				mmu_sim_ref_hits(rp->sim, r, slot, n - k);
				break;
			}
			int err = ref(rp, r, number + i + k);
			if (err)
				return err;
			k++;
		}
	}
	return 0;
}

int sweep_replay(const sweep_trace_t *st, mmu_sim_t *sim, char *msg, size_t msglen)
{
	size_t n = st->nrecs ? st->nrecs : 1;
	replay_t rp = {
	    .st = st, .sim = sim, .pair = malloc(n * sizeof *rp.pair), .epoch = 1, .msg = msg, .msglen = msglen};
	if (!rp.pair) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		rp.pair[i] = (struct pair_state){.checked = 0, .slot = -1}; /* none yet */
	int err = 0;
	uint64_t number = 1, run = 0, bit = 0;
	for (size_t i = 0; i < st->nrecs && !err; i++) {
		const sweep_rec_t *r = &st->recs[i];
		mmu_trace_rec_t rec = to_rec(r);
		/* an L1 hit needs none of the rest of mmu_sim_ref */
		long slot = recent_put(&rp, &rec, mmu_sim_ref_l1_slot(sim, &rec, recent_get(&rp, &rec)));
		if (slot >= 0)
			mmu_sim_ref_hits(sim, &rec, slot, 1);
		else if ((err = ref(&rp, &rec, number)))
			break;
		number++;
		if (r->nruns) {
			err = replay_window(&rp, st->runs + run, r->nruns, st->order + bit, r->nrepeats, number);
			run += r->nruns;
			bit += r->nrepeats;
			number += r->nrepeats;
		}
	}
	free(rp.pair);
	return err;
}
