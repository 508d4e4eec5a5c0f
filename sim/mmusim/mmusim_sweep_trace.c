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
#define RECENT_PAGES 1024
#define PAIR_ANSWERS (1u << 12) /* answers kept by kept record: a bounded cache, whatever the trace's length */
_Static_assert(WINDOW_RUNS <= 256, "a repeat names its run in one byte");
_Static_assert(MMU_NREQ == 2, "a run names its port in one bit");

/* One (page, operation) pair a port used lately, and the kept record that brought it. */
typedef struct key {
	bool valid;
	uint64_t page, last_use;
	unsigned op;
	uint64_t rec; /* from 0 in the trace */
	uint64_t vaddr;
	uint32_t size, pid;
	uint8_t kind;
	int run; /* its run in the current window, -1 if none yet */
} pair_t;

/* The reader and its compaction state, kept from chunk to chunk: the pairs of each port, the runs of the window. */
struct sweep_reader {
	mmu_trace_t *t;
	prefetch_t *pf;               /* NULL once the trace is read to its end */
	const mmu_trace_rec_t *batch; /* the batch being read, from at */
	long nbatch, at;
	bool end;
	pair_t keys[MMU_NREQ][SWEEP_KEYS_MAX];
	pair_t *last[MMU_NREQ]; /* the pair the port used last, tried first: most records repeat it */
	uint64_t clock;
	sweep_run_t runs[WINDOW_RUNS];
	uint64_t run_last[WINDOW_RUNS]; /* clock of the run's last repeat */
	unsigned nruns;
	unsigned page_bits, nkeys;
	uint64_t chunk_refs;
	bool any_kept;
	uint32_t kept_pid; /* of the last kept record */
	uint64_t references, kept, repeats, total_runs;
};

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
	size_t cap2 = *cap ? 2 * *cap : 4096;
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
static int close_window(sweep_chunk_t *c, sweep_reader_t *rd)
{
	if (!c->nrecs)
		return 0;
	unsigned order[WINDOW_RUNS], rank[WINDOW_RUNS];
	for (unsigned i = 0; i < rd->nruns; i++) {
		unsigned j = i;
		for (; j > 0 && rd->run_last[order[j - 1]] > rd->run_last[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	if (grow((void **)&c->runs, &c->runs_cap, c->nruns + rd->nruns, sizeof *c->runs))
		return MMU_ENOMEM;
	for (unsigned i = 0; i < rd->nruns; i++) {
		rank[order[i]] = i;
		c->runs[c->nruns++] = rd->runs[order[i]];
	}
	sweep_rec_t *r = &c->recs[c->nrecs - 1];
	r->nruns = rd->nruns;
	for (size_t i = c->nrepeats - r->nrepeats; i < c->nrepeats; i++)
		c->order[i] = (uint8_t)rank[c->order[i]];
	for (unsigned p = 0; p < MMU_NREQ; p++)
		for (unsigned k = 0; k < rd->nkeys; k++)
			rd->keys[p][k].run = -1;
	rd->total_runs += rd->nruns;
	rd->nruns = 0;
	return 0;
}

static pair_t *find_key(sweep_reader_t *rd, unsigned port, uint64_t page, unsigned op)
{
	pair_t *e = rd->last[port];
	if (e && e->valid && e->page == page && e->op == op)
		return e;
	for (unsigned k = 0; k < rd->nkeys; k++) {
		e = &rd->keys[port][k];
		if (e->valid && e->page == page && e->op == op)
			return rd->last[port] = e;
	}
	return NULL;
}

/* The kept record r brought its pair: it is the record of the pair's repeats from now on. */
static void key_set_rec(pair_t *e, uint64_t rec, const mmu_trace_rec_t *r)
{
	e->rec = rec;
	e->vaddr = r->vaddr;
	e->size = r->size;
	e->pid = r->pid;
	e->kind = (uint8_t)r->kind;
}

/* A kept record's pair replaces the port's least recently used one. */
static void add_key(sweep_reader_t *rd, unsigned port, uint64_t page, unsigned op, const mmu_trace_rec_t *r)
{
	pair_t *victim = &rd->keys[port][0];
	for (unsigned k = 0; k < rd->nkeys && victim->valid; k++) {
		pair_t *e = &rd->keys[port][k];
		if (!e->valid || e->last_use < victim->last_use)
			victim = e;
	}
	*victim = (pair_t){.valid = true, .page = page, .op = op, .last_use = ++rd->clock, .run = -1};
	key_set_rec(victim, rd->kept, r);
}

static int keep(sweep_chunk_t *c, sweep_reader_t *rd, const mmu_trace_rec_t *r, bool whole_page)
{
	if (close_window(c, rd) || grow((void **)&c->recs, &c->recs_cap, c->nrecs + 1, sizeof *c->recs))
		return MMU_ENOMEM;
	if (!rd->any_kept || rd->kept_pid != r->pid)
		memset(rd->keys, 0, sizeof rd->keys); /* another process: other pages */
	c->recs[c->nrecs] = (sweep_rec_t){.vaddr = r->vaddr, .size = r->size, .pid = r->pid, .kind = r->kind};
	if (whole_page) {
		unsigned port = port_of(r->kind), op = op_of(r->kind);
		pair_t *e = find_key(rd, port, r->vaddr >> rd->page_bits, op);
		if (e) { /* kept only because its chunk began with it */
			key_set_rec(e, rd->kept, r);
			e->last_use = ++rd->clock;
		} else {
			add_key(rd, port, r->vaddr >> rd->page_bits, op, r);
		}
	}
	c->nrecs++;
	rd->kept++;
	rd->any_kept = true;
	rd->kept_pid = r->pid;
	return 0;
}

static int repeat(sweep_chunk_t *c, sweep_reader_t *rd, pair_t *e)
{
	if (grow((void **)&c->order, &c->order_cap, c->nrepeats + 1, 1))
		return MMU_ENOMEM;
	if (e->run < 0) {
		e->run = (int)rd->nruns++;
		rd->runs[e->run] =
		    (sweep_run_t){.rec = e->rec, .vaddr = e->vaddr, .size = e->size, .pid = e->pid, .kind = e->kind};
	}
	rd->runs[e->run].count++;
	rd->run_last[e->run] = e->last_use = ++rd->clock;
	c->order[c->nrepeats++] = (uint8_t)e->run;
	c->recs[c->nrecs - 1].nrepeats++;
	rd->repeats++;
	return 0;
}

/* One record of the trace into chunk c: a repeat of its window, or kept (always, the chunk's first). */
static int add(sweep_chunk_t *c, sweep_reader_t *rd, const mmu_trace_rec_t *r)
{
	unsigned port = port_of(r->kind);
	uint64_t page = r->vaddr >> rd->page_bits;
	bool whole_page = (r->vaddr + (r->size ? r->size - 1 : 0)) >> rd->page_bits == page;
	bool same_pid = rd->any_kept && rd->kept_pid == r->pid;
	pair_t *e = c->nrecs && same_pid && whole_page ? find_key(rd, port, page, op_of(r->kind)) : NULL;
	return e ? repeat(c, rd, e) : keep(c, rd, r, whole_page);
}

int sweep_reader_open(sweep_reader_t **out, mmu_trace_t *t, unsigned page_bits, unsigned pairs, char *msg,
                      size_t msglen)
{
	sweep_reader_t *rd = calloc(1, sizeof *rd);
	if (!rd || prefetch_start(t, true, &rd->pf) != 0) {
		free(rd);
		snprintf(msg, msglen, "cannot start the trace reader thread");
		return MMU_ENOMEM;
	}
	rd->t = t;
	rd->page_bits = page_bits;
	rd->nkeys = pairs < 1 ? 1 : pairs > SWEEP_KEYS_MAX ? SWEEP_KEYS_MAX : pairs;
	rd->chunk_refs = SWEEP_CHUNK_REFS;
	const char *env = getenv(SWEEP_CHUNK_ENV);
	if (env && *env) {
		char *end;
		unsigned long long n = strtoull(env, &end, 10);
		if (!*end && n >= 1)
			rd->chunk_refs = n;
	}
	if (rd->chunk_refs > UINT32_MAX) /* a window's repeats are counted in 32 bits */
		rd->chunk_refs = UINT32_MAX;
	*out = rd;
	return 0;
}

int sweep_reader_next(sweep_reader_t *rd, sweep_chunk_t *c, char *msg, size_t msglen)
{
	c->nrecs = c->nruns = c->nrepeats = 0;
	c->references = 0;
	c->first_rec = rd->kept;
	c->first_number = rd->references + 1;
	int err = 0;
	while (!err) {
		if (rd->at == rd->nbatch) {
			if (rd->end)
				break;
			uint64_t bytes;
			long n = prefetch_next(rd->pf, &rd->batch, &bytes, msg, msglen);
			if (n < 0)
				return (int)n;
			rd->nbatch = n;
			rd->at = 0;
			if ((rd->end = n == 0)) { /* the reader thread is done: the trace's counts are final */
				prefetch_stop(rd->pf);
				rd->pf = NULL;
			}
			continue;
		}
		if (c->references >= rd->chunk_refs) /* full: the record begins the next chunk */
			break;
		if (!(err = add(c, rd, &rd->batch[rd->at]))) {
			rd->at++;
			c->references++;
			rd->references++;
		}
	}
	if (!err)
		err = close_window(c, rd);
	if (err) {
		snprintf(msg, msglen, "out of memory holding the trace (%llu references read)",
		         (unsigned long long)rd->references);
		return MMU_ENOMEM;
	}
	return c->nrecs > 0;
}

void sweep_reader_counts(const sweep_reader_t *rd, uint64_t *references, uint64_t *kept, uint64_t *repeats,
                         uint64_t *runs)
{
	*references = rd->references;
	*kept = rd->kept;
	*repeats = rd->repeats;
	*runs = rd->total_runs;
}

const mmu_trace_t *sweep_reader_trace(const sweep_reader_t *rd)
{
	return rd->t;
}

void sweep_reader_close(sweep_reader_t *rd)
{
	if (!rd)
		return;
	if (rd->pf)
		prefetch_stop(rd->pf);
	free(rd);
}

void sweep_chunk_free(sweep_chunk_t *c)
{
	free(c->recs);
	free(c->runs);
	free(c->order);
	memset(c, 0, sizeof *c);
}

static mmu_trace_rec_t to_rec(const sweep_rec_t *r)
{
	return (mmu_trace_rec_t){.vaddr = r->vaddr, .size = r->size, .pid = r->pid, .kind = r->kind};
}

/* A repeat of a run, as a record: its pair's kept record, within one page (size 1). */
static mmu_trace_rec_t run_rec(const sweep_run_t *run)
{
	return (mmu_trace_rec_t){.vaddr = run->vaddr, .size = 1, .pid = run->pid, .kind = run->kind};
}

/*
 * A replay of the trace on one configuration, kept from chunk to chunk. Each answer found (a hit's slot) is kept with
 * what makes it hold (mmu_replay_sim_hit_holds: the slot not written since, the same process and PCID), per kept
 * record's pair and in a small table by page, so a pair is looked up again only when its slot changed. The hits counted
 * at once are added up and applied at the end: no decision reads a count (M4).
 */
struct sweep_replay {
	mmu_sim_t *sim;
	unsigned page_bits;
	/* by kept record, direct-mapped: the last answer for its pair (lost on a collision: looked up again) */
	struct pair_answer {
		uint64_t rec; /* kept record + 1; 0 = empty */
		mmu_replay_hit_t hit;
	} * pairs;
	uint64_t pending[MMU_NREQ][MMU_MAX_LEVELS + 1]; /* hits by port and leaf level, not yet counted */
	char *msg;                                      /* of the chunk being replayed */
	size_t msglen;
	/* by page and operation, direct-mapped by page: the last answer found for it */
	struct recent {
		uint64_t key; /* (page << 2 | op) + 1; 0 = empty */
		mmu_replay_hit_t hit;
	} recent[MMU_NREQ][RECENT_PAGES];
};
typedef struct sweep_replay replay_t;

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
		if (mmu_replay_sim_hit_holds(rp->sim, pid, port_of(runs[known].kind), h))
			continue;
		mmu_trace_rec_t r = run_rec(&runs[known]);
		if (hit_slot(rp, h, &r) < 0)
			break;
	}
	if (known == nruns) {
		for (unsigned i = 0; i < nruns; i++)
			hits(rp, port_of(runs[i].kind), &win[i], runs[i].count);
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
				hits(rp, port_of(run->kind), h, n - k);
				break;
			}
			mmu_trace_rec_t r = run_rec(run);
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
		win[i] = pair_get(rp, runs[i].rec);
	int err = replay_window_runs(rp, runs, nruns, pid, order, nrepeats, number, hit, win);
	for (unsigned i = 0; i < nruns; i++)
		pair_put(rp, runs[i].rec, &win[i]);
	return err;
}

int sweep_replay_create(sweep_replay_t **out, mmu_sim_t *sim, unsigned page_bits)
{
	replay_t *rp = calloc(1, sizeof *rp);
	struct pair_answer *pairs = calloc(PAIR_ANSWERS, sizeof *pairs);
	if (!rp || !pairs) {
		free(rp);
		free(pairs);
		return MMU_ENOMEM;
	}
	rp->sim = sim;
	rp->page_bits = page_bits;
	rp->pairs = pairs;
	*out = rp;
	return 0;
}

int sweep_replay_chunk(sweep_replay_t *rp, const sweep_chunk_t *c, char *msg, size_t msglen)
{
	rp->msg = msg;
	rp->msglen = msglen;
	uint64_t whole = (UINT64_C(1) << rp->page_bits) - 1;
	int err = 0;
	uint64_t number = c->first_number;
	size_t run = 0, bit = 0;
	for (size_t i = 0; i < c->nrecs && !err; i++) {
		const sweep_rec_t *r = &c->recs[i];
		mmu_trace_rec_t rec = to_rec(r);
		/* an L1 hit needs none of the rest of mmu_sim_ref; a record across a page is always simulated in full
		 */
		bool one_page = (r->vaddr & whole) + (r->size ? r->size - 1 : 0) <= whole;
		mmu_replay_hit_t answer = pair_get(rp, c->first_rec + i);
		if (one_page && hit_slot(rp, &answer, &rec) >= 0) {
			hits(rp, rec_port(&rec), &answer, 1);
			pair_put(rp, c->first_rec + i, &answer);
		} else if ((err = ref(rp, &rec, number))) {
			break;
		}
		number++;
		if (r->nruns) {
			err = replay_window(rp, c->runs + run, r->nruns, r->pid, c->order + bit, r->nrepeats, number);
			run += r->nruns;
			bit += r->nrepeats;
			number += r->nrepeats;
		}
	}
	return err;
}

void sweep_replay_end(sweep_replay_t *rp)
{
	for (unsigned p = 0; p < MMU_NREQ; p++)
		for (unsigned level = 0; level <= MMU_MAX_LEVELS; level++)
			if (rp->pending[p][level]) {
				mmu_replay_sim_count_hits(rp->sim, p, level, rp->pending[p][level]);
				rp->pending[p][level] = 0;
			}
}

void sweep_replay_destroy(sweep_replay_t *rp)
{
	if (!rp)
		return;
	free(rp->pairs);
	free(rp);
}
