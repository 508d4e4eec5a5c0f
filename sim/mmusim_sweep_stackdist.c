/*
 * sweep --method stackdist: the misses of a fully-associative LRU L1 TLB for every swept size in one pass over the
 * trace (mmu_stackdist.h), instead of one simulation per size. Exact under the conditions sweep_stackdist_check()
 * enforces and README.md lists; the rows then hold that TLB's figures only, as the other figures (L2, walks, cycles)
 * depend on which accesses missed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "mmu/mmu_sim.h"
#include "mmu/mmu_stackdist.h"
#include "mmusim_sweep.h"

static const char *const l1_keys[MMU_NREQ] = {[MMU_REQ_I] = "tlb.l1i.entries", [MMU_REQ_D] = "tlb.l1d.entries"};

int sweep_stackdist_check(const sweep_t *sw, sweep_stackdist_t *sd, char *msg, size_t msglen)
{
	if (sw->naxes != 1) {
		snprintf(msg, msglen, "--method stackdist: sweep exactly one key, tlb.l1i.entries or tlb.l1d.entries");
		return -1;
	}
	sd->port = MMU_NREQ;
	for (unsigned p = 0; p < MMU_NREQ; p++)
		if (!strcmp(sw->axes[0].key, l1_keys[p]))
			sd->port = p;
	if (sd->port == MMU_NREQ) {
		snprintf(msg, msglen, "--method stackdist: %s is not tlb.l1i.entries or tlb.l1d.entries",
		         sw->axes[0].key);
		return -1;
	}
	sd->max_entries = 0;
	for (size_t i = 0; i < sw->npoints; i++) {
		const sweep_point_t *pt = &sw->points[i];
		if (pt->skip)
			continue;
		mmu_t *m;
		int err = mmu_create(&pt->cfg, &m);
		if (err) {
			snprintf(msg, msglen, "configuration %zu: %s", i + 1, mmu_strerror(err));
			return -1;
		}
		const mmu_tlb_t *t = mmu_tlb(m, sd->port == MMU_REQ_I ? MMU_TLB_L1I : MMU_TLB_L1D);
		const mmu_tlb_cfg_t *c = sd->port == MMU_REQ_I ? &pt->cfg.l1i : &pt->cfg.l1d;
		bool full = mmu_tlb_sets(t) == 1, lru = c->policy == MMU_POLICY_LRU;
		uint32_t entries = mmu_tlb_ways(t);
		sd->page_bits = mmu_paging(m)->page_bits;
		sd->pcid = pt->cfg.pcid;
		sd->populate = pt->cfg.os.populate;
		mmu_destroy(m);
		const mmu_os_huge_t no_huge = {0};
		if (pt->cfg.os.thp || memcmp(&pt->cfg.os.huge, &no_huge, sizeof no_huge) || pt->cfg.os.mem_frames) {
			snprintf(
			    msg, msglen,
			    "--method stackdist: needs base pages only and no eviction (os.thp=never, os.huge=none, "
			    "os.mem_frames=0): huge pages and evictions change what one TLB entry covers or holds");
			return -1;
		}
		if (!full || !lru) {
			snprintf(msg, msglen,
			         "--method stackdist: %s=%s is not a fully-associative LRU TLB (set its ways to full "
			         "and its "
			         "policy to lru)",
			         sw->axes[0].key, sw->axes[0].values[pt->at[0]]);
			return -1;
		}
		if (entries > sd->max_entries)
			sd->max_entries = entries;
	}
	return 0;
}

/* Pages a process has touched: with demand paging, the first translation of a page faults and is retried. */
typedef struct page_set {
	uint64_t *slot; /* key + 1, 0 = empty */
	size_t cap, n;
} page_set_t;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	return x ^ (x >> 33);
}

/* Adds key; returns 1 if it was new, 0 if present, < 0 when out of memory. */
static int page_set_add(page_set_t *s, uint64_t key)
{
	if (2 * (s->n + 1) > s->cap) {
		page_set_t g = {.cap = s->cap ? 2 * s->cap : 4096};
		g.slot = calloc(g.cap, sizeof *g.slot);
		if (!g.slot)
			return -1;
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i])
				page_set_add(&g, s->slot[i] - 1);
		free(s->slot);
		*s = g;
	}
	for (size_t i = mix(key) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == key + 1)
			return 0;
		if (!s->slot[i]) {
			s->slot[i] = key + 1;
			s->n++;
			return 1;
		}
	}
}

typedef struct pass {
	const sweep_stackdist_t *sd;
	mmu_stackdist_t *stack;
	page_set_t mapped;
	bool started;
	uint32_t pid;
} pass_t;

/* One translation, as mmu_sim_ref makes it: a page never touched faults first (unless os.populate) and is retried. */
static int translation(pass_t *ps, unsigned port, uint64_t page)
{
	uint64_t key = page ^ (ps->sd->pcid ? (uint64_t)ps->pid << 52 : 0); /* PCID-tagged entries (T11) */
	int fresh = 0;
	if (!ps->sd->populate && (fresh = page_set_add(&ps->mapped, page ^ (uint64_t)ps->pid << 52)) < 0)
		return -1;
	if (port != ps->sd->port)
		return 0;
	if (fresh)
		mmu_stackdist_miss(ps->stack); /* the faulting lookup: a miss that fills nothing (W8) */
	mmu_stackdist_access(ps->stack, key);
	return 0;
}

static int record(pass_t *ps, const sweep_rec_t *r)
{
	if (!ps->started || r->pid != ps->pid) {
		if (!ps->sd->pcid) /* T11: a CR3 write without PCIDs drops every non-global entry */
			mmu_stackdist_flush(ps->stack);
		ps->started = true;
		ps->pid = r->pid;
	}
	unsigned port = r->kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
	uint64_t first = r->vaddr >> ps->sd->page_bits,
	         last = (r->vaddr + (r->size ? r->size - 1 : 0)) >> ps->sd->page_bits;
	int err = translation(ps, port, first);
	if (!err && last != first)
		err = translation(ps, port, last);
	return err;
}

static int fill_rows(sweep_t *sw, const sweep_stackdist_t *sd, const mmu_stackdist_t *stack)
{
	static const char *const names[] = {"accesses", "hits", "misses", "miss_rate"};
	const char *key = sw->axes[0].key, *dot = strrchr(key, '.');
	sw->nstats = 4;
	sw->stat_names = calloc(sw->nstats, sizeof *sw->stat_names);
	if (!sw->stat_names)
		return -1;
	for (size_t s = 0; s < sw->nstats; s++) {
		char name[128];
		snprintf(name, sizeof name, "%.*s%s", (int)(dot - key + 1), key, names[s]);
		if (!(sw->stat_names[s] = strdup(name)))
			return -1;
	}
	uint64_t acc = mmu_stackdist_accesses(stack);
	for (size_t i = 0; i < sw->npoints; i++) {
		sweep_point_t *pt = &sw->points[i];
		if (pt->skip)
			continue;
		mmu_tlb_cfg_t *c = sd->port == MMU_REQ_I ? &pt->cfg.l1i : &pt->cfg.l1d;
		uint64_t miss = mmu_stackdist_misses(stack, c->entries);
		if (!(pt->stats = calloc(4, sizeof *pt->stats)))
			return -1;
		pt->stats[0] = (sweep_stat_t){true, RESULT_U64, {.u = acc}};
		pt->stats[1] = (sweep_stat_t){true, RESULT_U64, {.u = acc - miss}};
		pt->stats[2] = (sweep_stat_t){true, RESULT_U64, {.u = miss}};
		pt->stats[3] = (sweep_stat_t){true, RESULT_REAL, {.d = acc ? (double)miss / (double)acc : 0.0}};
	}
	return 0;
}

/*
 * The assumptions that cannot be checked on the configuration (no access faults for good, ...) are checked on the
 * trace: the largest size is also simulated, and its lookups and misses must be those of the stack distances.
 */
static int cross_check(sweep_t *sw, const sweep_stackdist_t *sd, const sweep_trace_t *st, char *msg, size_t msglen)
{
	sweep_point_t *big = NULL;
	for (size_t i = 0; i < sw->npoints; i++) {
		const mmu_tlb_cfg_t *c = sd->port == MMU_REQ_I ? &sw->points[i].cfg.l1i : &sw->points[i].cfg.l1d;
		if (!sw->points[i].skip && c->entries == sd->max_entries)
			big = &sw->points[i];
	}
	mmu_sim_t *sim;
	if (!big || mmu_sim_create(&big->cfg, MMU_ENGINE_FAST, &sim, msg, msglen))
		return -1;
	char why[512];
	int err = sweep_replay(st, sim, why, sizeof why);
	if (err) {
		snprintf(msg, msglen, "%s", why);
		mmu_sim_destroy(sim);
		return -1;
	}
	mmu_stats_t s;
	mmu_stats_read(mmu_sim_mmu(sim), &s);
	mmu_sim_destroy(sim);
	uint64_t acc = sd->port == MMU_REQ_I ? s.l1i_accesses : s.l1d_accesses;
	uint64_t miss = sd->port == MMU_REQ_I ? s.l1i_misses : s.l1d_misses;
	if (big->stats[0].v.u != acc || big->stats[2].v.u != miss) {
		snprintf(msg, msglen,
		         "--method stackdist: at %s=%u the simulation counts %" PRIu64 " lookups and %" PRIu64
		         " misses, the stack distances %" PRIu64 " and %" PRIu64
		         ": this trace breaks an assumption of the method (faults "
		         "that are not served, pages larger than the base page); use --method sim",
		         sw->axes[0].key, sd->max_entries, acc, miss, big->stats[0].v.u, big->stats[2].v.u);
		return -1;
	}
	return 0;
}

int sweep_stackdist_run(sweep_t *sw, const sweep_stackdist_t *sd, const sweep_trace_t *st, char *msg, size_t msglen)
{
	pass_t ps = {.sd = sd};
	if (mmu_stackdist_create(sd->max_entries, &ps.stack)) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	int err = 0;
	uint64_t run = 0, bit = 0;
	for (size_t i = 0; i < st->nrecs && !err; i++) {
		const sweep_rec_t *r = &st->recs[i];
		err = record(&ps, r);
		for (uint64_t k = 0; k < r->nrepeats && !err; k++)
			err = record(&ps, &st->recs[st->runs[run + st->order[bit + k]].pair >> 1]);
		run += r->nruns;
		bit += r->nrepeats;
	}
	if (!err && (err = fill_rows(sw, sd, ps.stack)))
		snprintf(msg, msglen, "out of memory");
	if (!err)
		err = cross_check(sw, sd, st, msg, msglen);
	mmu_stackdist_destroy(ps.stack);
	free(ps.mapped.slot);
	return err;
}
