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
#include "mmu/mmu_requester.h"
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
	for (size_t i = 0; i < sw->nconfigs; i++) {
		const sweep_point_t *pt = &sw->points[i];
		if (pt->skip)
			continue;
		mmu_t *m;
		char why[512];
		if (mmu_create(&pt->cfg, &m, why, sizeof why)) {
			snprintf(msg, msglen, "configuration %zu: %s", i + 1, why);
			return -1;
		}
		const mmu_tlb_t *t = mmu_tlb(m, sd->port == MMU_REQ_I ? MMU_TLB_L1I : MMU_TLB_L1D);
		const mmu_tlb_cfg_t *c = sd->port == MMU_REQ_I ? &pt->cfg.l1i : &pt->cfg.l1d;
		bool full = mmu_tlb_sets(t) == 1, lru = c->policy == MMU_POLICY_LRU;
		uint32_t entries = mmu_tlb_ways(t);
		sd->page_bits = mmu_paging(m)->page_bits;
		sd->pcid = pt->cfg.pcid;
		sd->cfg = &pt->cfg;
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

/* Pages known to be mapped, by process: a cache of the OS's page tables (nothing is unmapped in this method). */
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

static bool page_set_has(const page_set_t *s, uint64_t key)
{
	if (!s->cap)
		return false;
	for (size_t i = mix(key) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (s->slot[i] == key + 1)
			return true;
		if (!s->slot[i])
			return false;
	}
}

/* Adds a key not in the set; returns 0, or < 0 when out of memory. */
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
	size_t i = mix(key) & (s->cap - 1);
	while (s->slot[i])
		i = (i + 1) & (s->cap - 1);
	s->slot[i] = key + 1;
	s->n++;
	return 0;
}

/*
 * One pass: the model's requester makes the steps of each record (switches, page-crossing halves, demand faults and
 * retries) over a real OS side, and the steps are carried out on the stack distances instead of an MMU.
 */
typedef struct pass {
	const sweep_stackdist_t *sd;
	mmu_stackdist_t *stack;
	mmu_physmem_t *pm;
	mmu_os_t *os;
	mmu_requester_t *req;
	page_set_t mapped;
} pass_t;

/*
 * A translation: a lookup of the swept TLB if it is on its port; a page the OS has not mapped faults (W8), and so
 * does a user access to the kernel half, whose pages are supervisor-only (W6).
 */
static int translation(pass_t *ps, const mmu_step_t *step, mmu_result_t *res)
{
	uint32_t pid = mmu_requester_pid(ps->req);
	uint64_t page = step->vaddr >> ps->sd->page_bits, pa;
	uint64_t key = page ^ (uint64_t)pid << 52;
	unsigned level;
	*res = (mmu_result_t){0};
	if (mmu_paging_kernel_half(mmu_os_paging(ps->os), step->vaddr)) {
		res->fault = 1;
		res->cause = MMU_CAUSE_PROTECTION;
	} else if (!page_set_has(&ps->mapped, key)) {
		if (mmu_os_translate(ps->os, pid, step->vaddr, &pa, &level) != 0) {
			res->fault = 1;
			res->cause = MMU_CAUSE_NOT_PRESENT;
		} else if (page_set_add(&ps->mapped, key)) {
			return MMU_ENOMEM;
		}
	}
	if (step->port != ps->sd->port)
		return 0;
	if (res->fault)
		mmu_stackdist_miss(ps->stack); /* the faulting lookup: a miss that fills nothing */
	else
		mmu_stackdist_access(ps->stack, page ^ (ps->sd->pcid ? (uint64_t)pid << 52 : 0)); /* PCID tags (T11) */
	return 0;
}

static int record(pass_t *ps, const sweep_rec_t *r, char *msg, size_t msglen)
{
	mmu_trace_rec_t rec = {.vaddr = r->vaddr, .size = r->size, .pid = r->pid, .kind = (mmu_ref_kind_t)r->kind};
	int err = mmu_requester_begin(ps->req, &rec, msg, msglen);
	while (!err) {
		mmu_step_t step;
		mmu_result_t res;
		if ((err = mmu_requester_next(ps->req, &step, msg, msglen)) != 0 || step.kind == MMU_STEP_DONE)
			break;
		if (step.kind == MMU_STEP_CR3 && !ps->sd->pcid) /* T11: without PCIDs it drops every non-global entry */
			mmu_stackdist_flush(ps->stack);
		if (step.kind == MMU_STEP_TRANSLATE && (err = translation(ps, &step, &res)) == 0)
			mmu_requester_answer(ps->req, &res);
		/* idle cycles change no TLB; the OS asks for no invalidation without eviction or huge pages */
		if (step.kind == MMU_STEP_FLUSH) {
			snprintf(msg, msglen, "--method stackdist: the OS invalidated a page; use --method sim");
			err = MMU_EINVAL;
		}
	}
	return err;
}

static void pass_destroy(pass_t *ps)
{
	mmu_requester_destroy(ps->req);
	mmu_os_destroy(ps->os);
	mmu_physmem_destroy(ps->pm);
	mmu_stackdist_destroy(ps->stack);
	free(ps->mapped.slot);
}

static int pass_create(pass_t *ps, const sweep_stackdist_t *sd)
{
	*ps = (pass_t){.sd = sd};
	int err = mmu_stackdist_create(sd->max_entries, &ps->stack);
	if (!err)
		err = mmu_physmem_create(&ps->pm);
	if (!err)
		err = mmu_os_create(sd->cfg, ps->pm, &ps->os);
	if (!err)
		err = mmu_requester_create(sd->cfg, ps->os, &ps->req);
	if (err)
		pass_destroy(ps);
	return err;
}

int sweep_stackdist_columns(sweep_t *sw)
{
	static const char *const names[] = {"accesses", "hits", "misses", "miss_rate"};
	const char *key = sw->axes[0].key, *dot = strrchr(key, '.');
	sw->stat_names = calloc(4, sizeof *sw->stat_names);
	if (!sw->stat_names)
		return -1;
	sw->nstats = 4;
	for (size_t s = 0; s < sw->nstats; s++) {
		char name[128];
		snprintf(name, sizeof name, "%.*s%s", (int)(dot - key + 1), key, names[s]);
		if (!(sw->stat_names[s] = strdup(name)))
			return -1;
	}
	return 0;
}

/* The rows [lo, hi) of one trace. */
static int fill_rows(sweep_t *sw, size_t lo, size_t hi, const sweep_stackdist_t *sd, const mmu_stackdist_t *stack)
{
	uint64_t acc = mmu_stackdist_accesses(stack);
	for (size_t i = lo; i < hi; i++) {
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
 * trace: the largest size of the rows is also simulated, chunk by chunk beside the pass, and its lookups and misses
 * must be those of the stack distances.
 */
typedef struct sd_run {
	pass_t ps;
	int pass_err; /* the pass stopped: pass_msg says why */
	char pass_msg[700];
	sweep_point_t *big; /* the row simulated, if any */
	mmu_sim_t *sim;
	sweep_replay_t *replay;
	int check_err; /* its simulation stopped: check_msg says why */
	char check_msg[700];
	const sweep_chunk_t *chunk;
} sd_run_t;

static sweep_point_t *largest(sweep_t *sw, size_t lo, size_t hi, const sweep_stackdist_t *sd, uint32_t *most)
{
	sweep_point_t *big = NULL;
	*most = 0;
	for (size_t i = lo; i < hi; i++) {
		const mmu_tlb_cfg_t *c = sd->port == MMU_REQ_I ? &sw->points[i].cfg.l1i : &sw->points[i].cfg.l1d;
		if (!sw->points[i].skip && c->entries >= *most) {
			big = &sw->points[i];
			*most = c->entries;
		}
	}
	return big;
}

/* Task 0: the chunk's records through the stack distances; task 1: the chunk replayed on the largest row. */
static void sd_task(void *ctx, size_t k)
{
	sd_run_t *run = ctx;
	const sweep_chunk_t *c = run->chunk;
	if (k == 1) {
		char why[512];
		if (run->sim && !run->check_err && sweep_replay_chunk(run->replay, c, why, sizeof why)) {
			run->check_err = 1;
			snprintf(run->check_msg, sizeof run->check_msg, "%s", why);
		}
		return;
	}
	int err = run->pass_err;
	size_t at = 0, bit = 0;
	for (size_t i = 0; i < c->nrecs && !err; i++) {
		const sweep_rec_t *r = &c->recs[i];
		err = record(&run->ps, r, run->pass_msg, sizeof run->pass_msg);
		for (uint64_t k2 = 0; k2 < r->nrepeats && !err; k2++) {
			const sweep_run_t *u = &c->runs[at + c->order[bit + k2]];
			sweep_rec_t rr = {.vaddr = u->vaddr, .size = u->size, .pid = u->pid, .kind = u->kind};
			err = record(&run->ps, &rr, run->pass_msg, sizeof run->pass_msg);
		}
		at += r->nruns;
		bit += r->nrepeats;
	}
	if (err)
		run->pass_err = 1;
}

static void sd_chunk(void *ctx, const sweep_chunk_t *c, unsigned jobs, void (*meanwhile)(void *), void *mctx)
{
	sd_run_t *run = ctx;
	run->chunk = c;
	sweep_parallel(2, jobs, sd_task, run, meanwhile, mctx);
}

/* The largest row's simulation against the stack distances' figures of it. */
static int cross_check(sweep_t *sw, const sweep_stackdist_t *sd, sd_run_t *run, uint32_t most, char *msg, size_t msglen)
{
	if (!run->big) /* every row of this shard is skipped */
		return 0;
	if (run->check_err) {
		snprintf(msg, msglen, "%s", run->check_msg);
		return -1;
	}
	sweep_replay_end(run->replay);
	mmu_stats_t s;
	mmu_stats_read(mmu_sim_mmu(run->sim), &s);
	uint64_t acc = sd->port == MMU_REQ_I ? s.l1i_accesses : s.l1d_accesses;
	uint64_t miss = sd->port == MMU_REQ_I ? s.l1i_misses : s.l1d_misses;
	sweep_point_t *big = run->big;
	if (big->stats[0].v.u != acc || big->stats[2].v.u != miss) {
		snprintf(msg, msglen,
		         "--method stackdist: at %s=%u the simulation counts %" PRIu64 " lookups and %" PRIu64
		         " misses, the stack distances %" PRIu64 " and %" PRIu64
		         ": this trace breaks an assumption of the method (faults "
		         "that are not served, pages larger than the base page); use --method sim",
		         sw->axes[0].key, most, acc, miss, big->stats[0].v.u, big->stats[2].v.u);
		return -1;
	}
	return 0;
}

int sweep_stackdist_run(sweep_t *sw, size_t lo, size_t hi, const sweep_stackdist_t *sd, sweep_reader_t *rd,
                        unsigned page_bits, unsigned jobs, char *msg, size_t msglen)
{
	sd_run_t *run = calloc(1, sizeof *run);
	if (!run) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	bool have_pass = pass_create(&run->ps, sd) == 0;
	if (!have_pass) {
		run->pass_err = 1;
		snprintf(run->pass_msg, sizeof run->pass_msg, "out of memory");
	}
	uint32_t most;
	run->big = largest(sw, lo, hi, sd, &most);
	if (run->big) {
		if (mmu_sim_create(&run->big->cfg, MMU_ENGINE_FAST, &run->sim, run->check_msg, sizeof run->check_msg)) {
			run->sim = NULL;
			run->check_err = 1;
		} else if (sweep_replay_create(&run->replay, run->sim, page_bits)) {
			run->check_err = 1;
			snprintf(run->check_msg, sizeof run->check_msg, "out of memory");
		}
	}
	int err = sweep_chunks(rd, jobs, sd_chunk, run, msg, msglen) < 0 ? -1 : 0; /* the trace's error first */
	if (!err && run->pass_err) {
		snprintf(msg, msglen, "%s", run->pass_msg);
		err = -1;
	}
	if (!err && (err = fill_rows(sw, lo, hi, sd, run->ps.stack)))
		snprintf(msg, msglen, "out of memory");
	if (!err)
		err = cross_check(sw, sd, run, most, msg, msglen);
	sweep_replay_destroy(run->replay);
	mmu_sim_destroy(run->sim);
	if (have_pass)
		pass_destroy(&run->ps);
	free(run);
	return err;
}
