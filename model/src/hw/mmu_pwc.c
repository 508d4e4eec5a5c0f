/*
 * Page-walk caches (docs/timing.md, rules W9-W12; rtl/mmu_pwc.sv): one small array per upper level holding the entries
 * that level's tables point through, as Intel's paging-structure caches do (SDM vol. 3A, 4.10.3). A walk looks them
 * all up in parallel and starts below the deepest hit. Each array is a TLB of one block size (mmu_tlb.c), tagged by
 * the virtual-address bits the cached entry translates, so replacement, PCID tags and flushes are the TLB's.
 */
#include <stdlib.h>

#include "mmu_assert.h"
#include "mmu_internal.h"

/* R5: each page-walk cache's LFSR salt. */
#define PWC_LFSR_SALT(level) ((uint16_t)(0x4000u | (level) << 8))

int mmu_pwc_create(mmu_t *m)
{
	m->pwc_latency = 0;
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++) {
		const mmu_tlb_cfg_t *c = &m->cfg.pwc[n];
		if (!c->entries || n > m->pg.levels)
			continue;
		int err = mmu_tlb_create_block(c, n, mmu_paging_shift(&m->pg, n), m->pg.va_bits,
		                               mmu_lfsr_seed_salt(m->cfg.seed, PWC_LFSR_SALT(n)), &m->pwc[n]);
		if (err)
			return err;
		if (c->hit_latency > m->pwc_latency) /* W9: parallel lookups, the slowest decides */
			m->pwc_latency = c->hit_latency;
	}
	return 0;
}

void mmu_pwc_destroy(mmu_t *m)
{
	for (unsigned n = 0; n <= MMU_PWC_MAX_LEVEL; n++) {
		mmu_tlb_destroy(m->pwc[n]);
		m->pwc[n] = NULL;
	}
}

void mmu_pwc_reset(mmu_t *m)
{
	for (unsigned n = 0; n <= MMU_PWC_MAX_LEVEL; n++)
		if (m->pwc[n])
			mmu_tlb_reset(m->pwc[n]);
}

/* W10: every cache is looked up (each counts, a hit updates its replacement state); the deepest hit wins. */
void mmu_pwc_lookup(mmu_t *m, walk_t *w)
{
	const mmu_paging_t *pg = &m->pg;
	unsigned best = 0;
	mmu_tlb_entry_t hit = {0};
	for (unsigned n = MMU_PWC_MAX_LEVEL; n >= MMU_PWC_MIN_LEVEL; n--) {
		mmu_tlb_entry_t e;
		if (m->pwc[n] && mmu_tlb_lookup(m->pwc[n], w->ctx.vaddr, w->ctx.pcid, &e) >= 0) {
			best = n;
			hit = e;
		}
	}
	if (!best)
		return;
	w->level = best - 1;
	w->start_level = best - 1;
	w->pte_addr = hit.base + mmu_paging_index(pg, w->ctx.vaddr, best - 1) * pg->pte_bytes;
	w->writable = hit.writable;
	w->user_ok = hit.user;
	w->nx = hit.nx;
	m->st.pwc_skipped += pg->levels - (best - 1);
}

/* W11: every entry the walk read and went through (W3) is cached at its level, levels above first. */
void mmu_pwc_fill(mmu_t *m, const walk_t *w)
{
	const mmu_paging_t *pg = &m->pg;
	for (unsigned n = pg->levels; n >= MMU_PWC_MIN_LEVEL; n--) {
		if (!m->pwc[n] || !((w->descended >> n) & 1))
			continue;
		unsigned shift = mmu_paging_shift(pg, n);
		uint64_t mask = pg->va_bits - shift >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << (pg->va_bits - shift)) - 1;
		mmu_tlb_entry_t e = {
		    .vpn = (w->ctx.vaddr >> shift) & mask,
		    .base = w->through[n].table,
		    .pcid = w->ctx.pcid,
		    .level = (uint8_t)n,
		    .valid = true,
		    .writable = w->through[n].writable,
		    .user = w->through[n].user_ok,
		    .nx = w->through[n].nx,
		};
		mmu_tlb_fill(m->pwc[n], &e);
	}
}

/*
 * W12: what each invalidation removes. Entries are never global, and INVLPG / INVPCID type 0 drop every entry of
 * the PCID whatever its address (SDM vol. 3A, 4.10.4.1), so each kind is "all" or "one PCID".
 */
void mmu_pwc_flush(mmu_t *m, unsigned op, uint16_t pcid, uint16_t current_pcid)
{
	unsigned kind = MMU_FLUSH_PCID;
	uint16_t which = pcid;
	switch (op) {
	case MMU_FLUSH_ALL:
	case MMU_FLUSH_NONGLOBAL:
	case MMU_FLUSH_VA_ALL: /* RISC-V SFENCE.VMA by address in every address space: the whole caches */
		kind = MMU_FLUSH_ALL;
		break;
	case MMU_FLUSH_VA:
		which = current_pcid;
		break;
	case MMU_FLUSH_PCID:
	case MMU_FLUSH_VA_PCID:
		break;
	default:
		return;
	}
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++)
		if (m->pwc[n])
			mmu_tlb_flush(m->pwc[n], kind, 0, which, current_pcid);
}

static void copy_counters(const mmu_tlb_t *t, uint64_t *accesses, uint64_t *hits, uint64_t *misses)
{
	if (!t)
		return;
	const mmu_tlb_counters_t *c = mmu_tlb_counters(t);
	*accesses = c->accesses;
	*hits = c->hits;
	*misses = c->misses;
}

void mmu_pwc_stats_read(const mmu_t *m, mmu_stats_t *out)
{
	copy_counters(m->pwc[2], &out->pwc_l2_accesses, &out->pwc_l2_hits, &out->pwc_l2_misses);
	copy_counters(m->pwc[3], &out->pwc_l3_accesses, &out->pwc_l3_hits, &out->pwc_l3_misses);
	copy_counters(m->pwc[4], &out->pwc_l4_accesses, &out->pwc_l4_hits, &out->pwc_l4_misses);
	copy_counters(m->pwc[5], &out->pwc_l5_accesses, &out->pwc_l5_hits, &out->pwc_l5_misses);
}

const mmu_tlb_t *mmu_pwc(const mmu_t *m, unsigned level)
{
	return level <= MMU_PWC_MAX_LEVEL ? m->pwc[level] : NULL;
}
