/* The decode-once trace of a sweep: compaction of repeated pages, and their exact replay. */
#include "mmusim_sweep_trace.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmusim_prefetch.h"
#include "mmu_replay.h"

#define WINDOW_RUNS  (MMU_NREQ * SWEEP_KEYS_MAX)
#define RECENT_PAGES 4096
#define PAIR_ANSWERS (1u << 15) /* answers kept by kept record: a bounded cache, whatever the trace's length */
_Static_assert(WINDOW_RUNS <= 256, "a repeat names its run in one byte");
_Static_assert(MMU_NREQ == 2, "a run names its port in one bit");

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
	pair_t *last[MMU_NREQ]; /* the pair the port used last, tried first: most records repeat it */
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
	pair_t *e = pk->last[port];
	if (e && e->valid && e->page == page && e->op == op)
		return e;
	for (unsigned k = 0; k < pk->nkeys; k++) {
		e = &pk->keys[port][k];
		if (e->valid && e->page == page && e->op == op)
			return pk->last[port] = e;
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
	if (whole_page && st->nrecs < UINT32_C(1) << 31) { /* a run names it in 31 bits */
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
		pk->runs[e->run] = (sweep_run_t){.pair = e->rec << 1 | port_of(st->recs[e->rec].kind)};
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
	st->page_bits = page_bits;
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

/* A repeat of a run, as a record: its pair's kept record, within one page (size 1). */
static mmu_trace_rec_t run_rec(const sweep_trace_t *st, const sweep_run_t *run)
{
	const sweep_rec_t *r = &st->recs[run->pair >> 1];
	return (mmu_trace_rec_t){.vaddr = r->vaddr, .size = 1, .pid = r->pid, .kind = r->kind};
}

/*
 * A replay of the trace on one configuration. Each answer found (a hit's slot) is kept with what makes it hold
 * (mmu_replay_sim_hit_holds: the slot not written since, the same process and PCID), per kept record's pair and in a
 * small table by page, so a pair is looked up again only when its slot changed. The hits counted at once are added
 * up and applied at the end: no decision reads a count (M4).
 */
typedef struct replay {
	const sweep_trace_t *st;
	mmu_sim_t *sim;
	unsigned page_bits;
	/* by kept record, direct-mapped: the last answer for its pair (lost on a collision: looked up again) */
	struct pair_answer {
		uint64_t rec; /* kept record + 1; 0 = empty */
		mmu_replay_hit_t hit;
	} * pairs;
	uint64_t pending[MMU_NREQ][MMU_MAX_LEVELS + 1]; /* hits by port and leaf level, not yet counted */
	char *msg;
	size_t msglen;
	/* by page and operation, direct-mapped by page: the last answer found for it */
	struct recent {
		uint64_t key; /* (page << 2 | op) + 1; 0 = empty */
		mmu_replay_hit_t hit;
	} recent[MMU_NREQ][RECENT_PAGES];
} replay_t;

static unsigned rec_port(const mmu_trace_rec_t *r)
{
	return r->kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
}

/* The answer kept for the pair of kept record rec, or none (written 0) if it was never kept or is lost. */
static mmu_replay_hit_t pair_get(const replay_t *rp, uint64_t rec)
{
	const struct pair_answer *a = &rp->pairs[rec % PAIR_ANSWERS];
	return a->rec == rec + 1 ? a->hit : (mmu_replay_hit_t){0};
}

static void pair_put(replay_t *rp, uint64_t rec, const mmu_replay_hit_t *hit)
{
	rp->pairs[rec % PAIR_ANSWERS] = (struct pair_answer){.rec = rec + 1, .hit = *hit};
}

/* A record simulated in full. */
static int ref(replay_t *rp, const mmu_trace_rec_t *r, uint64_t number)
{
	char why[400];
	int err = mmu_sim_ref(rp->sim, r, why, sizeof why);
	if (err)
		snprintf(rp->msg, rp->msglen, "record %llu: %s", (unsigned long long)number, why);
	return err;
}

/*
 * The slot that would answer r (within one page) with an L1 hit now, or -1; *hit keeps the answer. The answer kept in
 * *hit, then the table's, else a lookup (with either slot as a hint).
 */
static long hit_slot(replay_t *rp, mmu_replay_hit_t *hit, const mmu_trace_rec_t *r)
{
	unsigned port = rec_port(r);
	if (mmu_replay_sim_hit_holds(rp->sim, r->pid, port, hit))
		return hit->slot;
	uint64_t page = r->vaddr >> rp->page_bits, key = (page << 2 | op_of(r->kind)) + 1;
	struct recent *re = &rp->recent[port][page % RECENT_PAGES];
	if (re->key == key && mmu_replay_sim_hit_holds(rp->sim, r->pid, port, &re->hit)) {
		*hit = re->hit;
		return hit->slot;
	}
	long hint = re->key == key ? re->hit.slot : hit->slot;
	long slot = mmu_replay_sim_hit(rp->sim, r, hint, hit);
	if (slot >= 0) {
		re->key = key;
		re->hit = *hit;
	}
	return slot;
}

/* n hits on the slot of hit: its use now, the counting later. */
static void hits(replay_t *rp, unsigned port, const mmu_replay_hit_t *hit, uint64_t n)
{
	mmu_replay_sim_touch(rp->sim, port, hit->slot);
	rp->pending[port][hit->page_level] += n;
}

/*
 * The repeats of one window. When each run's pair would hit its port's L1 TLB now, every repeat of the window is such
 * a hit: hits evict nothing, so the pairs stay resident, and a hit changes only counters, the cycle and the
 * replacement order, which ends as the order of each entry's last use (R1, R3; FIFO and random keep none). The runs,
 * sorted by last use, give exactly that. Otherwise the repeats are simulated one by one in their original order.
 */
static int replay_window_runs(replay_t *rp, const sweep_run_t *runs, unsigned nruns, uint32_t pid, const uint8_t *order,
                              uint64_t nrepeats, uint64_t number, bool *hit, mmu_replay_hit_t *win)
{
	unsigned known = 0;
	for (; known < nruns; known++) {
		mmu_replay_hit_t *h = &win[known];
		if (mmu_replay_sim_hit_holds(rp->sim, pid, runs[known].pair & 1, h))
			continue;
		mmu_trace_rec_t r = run_rec(rp->st, &runs[known]);
		if (hit_slot(rp, h, &r) < 0)
			break;
	}
	if (known == nruns) {
		for (unsigned i = 0; i < nruns; i++)
			hits(rp, runs[i].pair & 1, &win[i], runs[i].count);
		return 0;
	}
	memset(hit, 1, known);
	memset(hit + known, 0, nruns - known);
	/*
	 * In order, each stretch of consecutive repeats of one pair: counted at once while its pair hits (a hit changes
	 * nothing another hit of it would see), else simulated in full, one record at a time until it hits. Only a
	 * record simulated in full can make a pair stop hitting.
	 */
	for (uint64_t i = 0, n; i < nrepeats; i += n) {
		unsigned j = order[i];
		for (n = 1; i + n < nrepeats && order[i + n] == j; n++)
			;
		const sweep_run_t *run = &runs[j];
		mmu_replay_hit_t *h = &win[j];
		for (uint64_t k = 0; k < n;) {
			if (hit[j]) {
				hits(rp, run->pair & 1, h, n - k);
				break;
			}
			mmu_trace_rec_t r = run_rec(rp->st, run);
			if (hit_slot(rp, h, &r) >= 0) {
				hit[j] = true;
				continue;
			}
			int err = ref(rp, &r, number + i + k);
			if (err)
				return err;
			memset(hit, 0, nruns);
			k++;
		}
	}
	return 0;
}

/* The repeats of one window, on the answers of its runs' pairs, taken from the cache and put back after. */
static int replay_window(replay_t *rp, const sweep_run_t *runs, unsigned nruns, uint32_t pid, const uint8_t *order,
                         uint64_t nrepeats, uint64_t number)
{
	bool hit[WINDOW_RUNS]; /* the run's pair is known to hit, since no record was simulated in full */
	mmu_replay_hit_t win[WINDOW_RUNS];
	for (unsigned i = 0; i < nruns; i++)
		win[i] = pair_get(rp, runs[i].pair >> 1);
	int err = replay_window_runs(rp, runs, nruns, pid, order, nrepeats, number, hit, win);
	for (unsigned i = 0; i < nruns; i++)
		pair_put(rp, runs[i].pair >> 1, &win[i]);
	return err;
}

int sweep_replay(const sweep_trace_t *st, mmu_sim_t *sim, char *msg, size_t msglen)
{
	replay_t *rp = calloc(1, sizeof *rp);
	struct pair_answer *pairs = calloc(PAIR_ANSWERS, sizeof *pairs);
	if (!rp || !pairs) {
		free(rp);
		free(pairs);
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	*rp =
	    (replay_t){.st = st, .sim = sim, .page_bits = st->page_bits, .pairs = pairs, .msg = msg, .msglen = msglen};
	uint64_t whole = (UINT64_C(1) << st->page_bits) - 1;
	int err = 0;
	uint64_t number = 1, run = 0, bit = 0;
	for (size_t i = 0; i < st->nrecs && !err; i++) {
		const sweep_rec_t *r = &st->recs[i];
		mmu_trace_rec_t rec = to_rec(r);
		/* an L1 hit needs none of the rest of mmu_sim_ref; a record across a page is always simulated in full
		 */
		bool one_page = (r->vaddr & whole) + (r->size ? r->size - 1 : 0) <= whole;
		mmu_replay_hit_t answer = pair_get(rp, i);
		if (one_page && hit_slot(rp, &answer, &rec) >= 0) {
			hits(rp, rec_port(&rec), &answer, 1);
			pair_put(rp, i, &answer);
		} else if ((err = ref(rp, &rec, number))) {
			break;
		}
		number++;
		if (r->nruns) {
			err = replay_window(rp, st->runs + run, r->nruns, r->pid, st->order + bit, r->nrepeats, number);
			run += r->nruns;
			bit += r->nrepeats;
			number += r->nrepeats;
		}
	}
	for (unsigned p = 0; p < MMU_NREQ; p++)
		for (unsigned level = 0; level <= MMU_MAX_LEVELS; level++)
			if (rp->pending[p][level])
				mmu_replay_sim_count_hits(sim, p, level, rp->pending[p][level]);
	free(pairs);
	free(rp);
	return err;
}
