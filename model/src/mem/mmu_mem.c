/*
 * The walker's memory: one request at a time, a fixed or random latency, optional random back-pressure
 * (docs/timing.md, rules M1-M5). Data is read or written when the request is accepted.
 */
#include "mmu/mmu_mem.h"

#include <stdlib.h>

#include "mmu/mmu.h"
#include "mmu/mmu_error.h"
#include "mmu/mmu_tlb.h"
#include "mmu_assert.h"
#include "mmu_replay.h"
#include "mmu_rng.h"

struct mmu_mem {
	mmu_mem_cfg_t cfg;
	mmu_physmem_t *pm;
	uint64_t rng;
	uint32_t stall_left; /* M3: cycles the next request still waits before acceptance */
	bool busy;           /* a request was accepted and its response is pending */
	uint32_t lat_left;   /* cycles until the response is visible */
	uint64_t rdata;
	uint64_t reads, writes, writes_refused;
	mmu_tlb_t *dcache; /* M6: the walker's data cache, NULL when dcache.lines = 0 */
	unsigned line_shift;
};

/* R5 for the dcache's random policy: the run's seed folded, XOR this. */
#define DCACHE_LFSR_SALT 0x5000u

/* The random seed of the memory is the run's seed, offset so it never shares a stream with anything else. */
#define MEM_SEED_SALT UINT64_C(0x6d656d6f7279)

static uint32_t draw_stall(mmu_mem_t *mem)
{
	return mem->cfg.stall_max ? mmu_rng_range(&mem->rng, 0, mem->cfg.stall_max) : 0;
}

static uint32_t draw_latency(mmu_mem_t *mem)
{
	return mem->cfg.latency_max > mem->cfg.latency
	           ? mmu_rng_range(&mem->rng, mem->cfg.latency, mem->cfg.latency_max)
	           : mem->cfg.latency;
}

int mmu_mem_create(const mmu_mem_cfg_t *cfg, uint64_t seed, mmu_physmem_t *pm, mmu_mem_t **out)
{
	if (cfg->latency < 1)
		return MMU_EINVAL;
	mmu_mem_t *mem = calloc(1, sizeof *mem);
	if (!mem)
		return MMU_ENOMEM;
	mem->cfg = *cfg;
	mem->pm = pm;
	if (cfg->dcache.entries) {
		while ((1u << mem->line_shift) < cfg->dcache_line_bytes)
			mem->line_shift++;
		int err = mmu_tlb_create_block(&cfg->dcache, 1, mem->line_shift, 64,
		                               mmu_lfsr_seed_salt(seed, DCACHE_LFSR_SALT), &mem->dcache);
		if (err) {
			free(mem);
			return err;
		}
	}
	mem->rng = seed ^ MEM_SEED_SALT;
	mem->stall_left = draw_stall(mem); /* M5: the first request's stall is drawn at reset */
	*out = mem;
	return 0;
}

void mmu_mem_destroy(mmu_mem_t *mem)
{
	if (mem)
		mmu_tlb_destroy(mem->dcache);
	free(mem);
}

void mmu_mem_comb(const mmu_mem_t *mem, mmu_mem_out_t *out)
{
	out->req_ready = !mem->busy && mem->stall_left == 0;
	out->resp_valid = mem->busy && mem->lat_left == 0;
	out->resp_rdata = out->resp_valid ? mem->rdata : 0;
}

/*
 * M7: the line holding the word is looked up at acceptance, reads and writes alike (write-back, write-allocate);
 * a miss allocates it. The cache holds tags only: data always comes from physical memory, which is what a coherent
 * cache would return.
 */
static bool dcache_hit(mmu_mem_t *mem, uint64_t addr)
{
	mmu_tlb_entry_t e;
	if (mmu_tlb_lookup(mem->dcache, addr, 0, &e) >= 0)
		return true;
	mmu_tlb_entry_t line = {.vpn = addr >> mem->line_shift, .level = 1, .valid = true};
	mmu_tlb_fill(mem->dcache, &line);
	return false;
}

/* The bytes enabled by a write strobe, as a mask of the word. */
static uint64_t strobe_mask(uint8_t wstrb)
{
	uint64_t mask = 0;
	for (unsigned i = 0; i < 8; i++)
		if (wstrb >> i & 1)
			mask |= UINT64_C(0xff) << (8 * i);
	return mask;
}

/*
 * M2: the access happens at acceptance; M9: a write is a compare-and-swap, indivisible because the memory performs
 * nothing else in between; M5: latency drawn (M8: not for a dcache hit), then the next stall.
 */
static uint64_t perform(mmu_mem_t *mem, uint64_t addr, bool write, uint64_t wdata, uint8_t wstrb, uint64_t cmp,
                        uint32_t *latency)
{
	uint64_t old = mmu_physmem_read_word(mem->pm, addr);
	if (write) {
		if (((old ^ cmp) & strobe_mask(wstrb)) == 0) {
			int err = mmu_physmem_write_word(mem->pm, addr, wdata, wstrb);
			MMU_ASSERT(err == 0);
		} else {
			mem->writes_refused++;
		}
		mem->writes++;
	} else {
		mem->reads++;
	}
	*latency = mem->dcache && dcache_hit(mem, addr) ? mem->cfg.dcache.hit_latency : draw_latency(mem);
	mem->stall_left = draw_stall(mem);
	return old;
}

void mmu_mem_clock(mmu_mem_t *mem, const mmu_mem_in_t *in)
{
	mmu_mem_out_t now;
	mmu_mem_comb(mem, &now);
	if (now.resp_valid)
		mem->busy = false; /* M1: the response is visible for one cycle */
	else if (mem->busy)
		mem->lat_left--;
	if (!in->req_valid)
		return;
	if (!now.req_ready) {
		if (!mem->busy && mem->stall_left)
			mem->stall_left--;
		return;
	}
	uint32_t latency;
	mem->rdata =
	    perform(mem, in->req_addr, in->req_write, in->req_wdata, (uint8_t)in->req_wstrb, in->req_cmp, &latency);
	mem->busy = true;
	mem->lat_left = latency - 1;
}

bool mmu_replay_mem_idle(const mmu_mem_t *mem)
{
	return !mem->busy;
}

uint32_t mmu_mem_access(mmu_mem_t *mem, uint64_t addr, bool write, uint64_t wdata, uint8_t wstrb, uint64_t cmp,
                        uint64_t *rdata)
{
	MMU_ASSERT(!mem->busy);
	uint32_t stall = mem->stall_left, latency;
	*rdata = perform(mem, addr, write, wdata, wstrb, cmp, &latency);
	return stall + latency + 1; /* M4 */
}

uint64_t mmu_mem_reads(const mmu_mem_t *mem)
{
	return mem->reads;
}

uint64_t mmu_mem_writes(const mmu_mem_t *mem)
{
	return mem->writes;
}

uint64_t mmu_mem_writes_refused(const mmu_mem_t *mem)
{
	return mem->writes_refused;
}

void mmu_mem_stats_read(const mmu_mem_t *mem, mmu_stats_t *st)
{
	if (!mem->dcache)
		return;
	const mmu_tlb_counters_t *c = mmu_tlb_counters(mem->dcache);
	st->dcache_accesses = c->accesses;
	st->dcache_hits = c->hits;
	st->dcache_misses = c->misses;
}
