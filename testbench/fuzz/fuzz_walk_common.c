#include "fuzz_walk_common.h"

#include <inttypes.h>
#include <string.h>

#include "fuzz_common.h"

#define MAX_REQS 64

typedef struct outcome {
	mmu_result_t res[MAX_REQS];
	uint64_t cycle[MAX_REQS];
	mmu_stats_t stats;
	uint64_t mem_hash, pages;
} outcome_t;

static void hash_page(void *ctx, uint64_t page_addr, const uint8_t *bytes)
{
	uint64_t *h = ctx;
	*h = (*h ^ page_addr) * UINT64_C(1099511628211);
	for (unsigned i = 0; i < 4096; i++)
		*h = (*h ^ bytes[i]) * UINT64_C(1099511628211);
}

static void run(const mmu_cfg_t *cfg, mmu_engine_t engine, fuzz_fill_fn fill, const void *ctx, uint64_t cr3,
                const fuzz_req_t *reqs, unsigned n, outcome_t *o)
{
	char msg[512];
	mmu_sim_t *s;
	FUZZ_CHECK(mmu_sim_create(cfg, engine, &s, msg, sizeof msg) == 0, "%s", msg);
	fill(mmu_sim_physmem(s), ctx);
	mmu_sim_cr3_write(s, cr3);
	const mmu_paging_t *pg = mmu_paging(mmu_sim_mmu(s));
	uint64_t bound = mmu_sim_latency_bound(cfg); /* the ticked engine's own watchdog */
	for (unsigned i = 0; i < n; i++) {
		mmu_result_t *r = &o->res[i];
		mmu_sim_translate(s, reqs[i].port, reqs[i].vaddr, reqs[i].op, reqs[i].user, r);
		o->cycle[i] = mmu_cycle(mmu_sim_mmu(s));
		FUZZ_CHECK(r->latency >= 1 && r->latency <= bound, "request %u: latency %u, bound %" PRIu64, i,
		           r->latency, bound);
		if (r->fault) {
			FUZZ_CHECK(r->cause >= MMU_CAUSE_NOT_PRESENT && r->cause <= MMU_CAUSE_NONCANONICAL, "cause %u",
			           r->cause);
		} else {
			FUZZ_CHECK(r->cause == MMU_CAUSE_NONE && r->paddr <= mmu_paging_pa_mask(pg),
			           "request %u: paddr 0x%" PRIx64 " beyond %u bits", i, r->paddr, pg->pa_bits);
			FUZZ_CHECK(r->level <= MMU_LEVEL_WALK, "level %u", r->level);
		}
	}
	mmu_stats_read(mmu_sim_mmu(s), &o->stats);
	o->mem_hash = UINT64_C(1469598103934665603);
	mmu_physmem_foreach(mmu_sim_physmem(s), hash_page, &o->mem_hash);
	o->pages = mmu_physmem_pages(mmu_sim_physmem(s));
	mmu_sim_destroy(s);
}

void fuzz_walk_compare(const mmu_cfg_t *cfg, fuzz_fill_fn fill, const void *ctx, uint64_t cr3, const fuzz_req_t *reqs,
                       unsigned nreqs)
{
	static outcome_t fast, ticked;
	if (nreqs > MAX_REQS)
		nreqs = MAX_REQS;
	memset(&fast, 0, sizeof fast);
	memset(&ticked, 0, sizeof ticked);
	run(cfg, MMU_ENGINE_FAST, fill, ctx, cr3, reqs, nreqs, &fast);
	run(cfg, MMU_ENGINE_TICKED, fill, ctx, cr3, reqs, nreqs, &ticked);
	for (unsigned i = 0; i < nreqs; i++) {
		const mmu_result_t *a = &fast.res[i], *b = &ticked.res[i];
		FUZZ_CHECK(
		    a->paddr == b->paddr && a->fault == b->fault && a->cause == b->cause && a->ecode == b->ecode &&
		        a->level == b->level && a->latency == b->latency && fast.cycle[i] == ticked.cycle[i],
		    "request %u (va 0x%" PRIx64 "): fast paddr 0x%" PRIx64 " fault %u cause %u ecode %u level %u "
		    "latency %u / ticked paddr 0x%" PRIx64 " fault %u cause %u ecode %u level %u latency %u",
		    i, reqs[i].vaddr, a->paddr, a->fault, a->cause, a->ecode, a->level, a->latency, b->paddr, b->fault,
		    b->cause, b->ecode, b->level, b->latency);
	}
	for (unsigned i = 0; i < mmu_stats_count(); i++)
		FUZZ_CHECK(mmu_stats_value(&fast.stats, i) == mmu_stats_value(&ticked.stats, i),
		           "%s: %" PRIu64 " / %" PRIu64, mmu_stats_name(i), mmu_stats_value(&fast.stats, i),
		           mmu_stats_value(&ticked.stats, i));
	FUZZ_CHECK(fast.mem_hash == ticked.mem_hash && fast.pages == ticked.pages, "memory differs after the walks");
}
