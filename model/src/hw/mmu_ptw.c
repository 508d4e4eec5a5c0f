/*
 * The page walker as one loop over levels, driven by the paging-mode table (docs/timing.md, rules W1-W8). This file
 * only decides; who sequences the memory accesses (per cycle or fast path) is the caller's business, so both paths
 * make exactly the same decisions.
 */
#include <string.h>

#include "mmu_assert.h"
#include "mmu_internal.h"

unsigned perm_check(bool writable, bool user_ok, bool nx, unsigned op, bool user)
{
	if (op == MMU_OP_STORE && !writable) /* CR0.WP = 1: supervisor writes obey R/W too */
		return MMU_CAUSE_PROTECTION;
	if (user && !user_ok)
		return MMU_CAUSE_PROTECTION;
	if (op == MMU_OP_FETCH && nx)
		return MMU_CAUSE_PROTECTION;
	return MMU_CAUSE_NONE;
}

/* T10: P = 0 only for not-present; I/D only where the mode has NX (x86: EFER.NXE = 1). */
uint8_t fault_ecode(const mmu_paging_t *pg, unsigned cause, unsigned op, bool user)
{
	if (cause == MMU_CAUSE_NONCANONICAL || cause == MMU_CAUSE_NONE)
		return 0;
	uint8_t ec = 0;
	if (cause != MMU_CAUSE_NOT_PRESENT)
		ec |= MMU_EC_P;
	if (cause == MMU_CAUSE_RESERVED)
		ec |= MMU_EC_RSVD;
	if (op == MMU_OP_STORE)
		ec |= MMU_EC_W;
	if (user)
		ec |= MMU_EC_U;
	if (op == MMU_OP_FETCH && pg->bit_nx >= 0)
		ec |= MMU_EC_ID;
	return ec;
}

static uint64_t entry_address(const mmu_paging_t *pg, uint64_t table, uint64_t va, unsigned level)
{
	return table + mmu_paging_index(pg, va, level) * pg->pte_bytes;
}

/* W1: the first access reads the root-level entry. */
void walk_begin(walk_t *w, const mmu_paging_t *pg, const req_ctx_t *ctx)
{
	memset(w, 0, sizeof *w);
	w->ctx = *ctx;
	w->level = pg->levels;
	w->start_level = pg->levels;
	w->pte_addr = entry_address(pg, ctx->root, ctx->vaddr, pg->levels);
	w->phase = WALK_READ;
	w->writable = true;
	w->user_ok = true;
	w->nx = false;
}

void walk_request(const walk_t *w, const mmu_paging_t *pg, uint64_t *addr, bool *write, uint64_t *wdata, uint8_t *wstrb)
{
	unsigned shift = (unsigned)(w->pte_addr & 7) * 8;
	*addr = w->pte_addr & ~UINT64_C(7);
	*write = w->phase == WALK_WRITE;
	*wdata = *write ? w->pte_new << shift : 0;
	*wstrb = *write ? (uint8_t)(((1u << pg->pte_bytes) - 1) << (w->pte_addr & 7)) : 0;
}

static uint64_t set_bit(uint64_t v, int bit)
{
	return bit >= 0 ? v | (UINT64_C(1) << bit) : v;
}

static void finish(walk_t *w, const mmu_paging_t *pg, unsigned cause)
{
	w->res.level = MMU_LEVEL_WALK;
	w->res.fault = cause != MMU_CAUSE_NONE;
	w->res.cause = (uint8_t)cause;
	w->res.ecode = fault_ecode(pg, cause, w->ctx.op, w->ctx.user);
	if (w->res.fault)
		return;
	unsigned shift = mmu_paging_shift(pg, w->level);
	uint64_t page_mask = (UINT64_C(1) << shift) - 1;
	uint64_t pte = w->pte_new ? w->pte_new : w->pte;
	w->entry = (mmu_tlb_entry_t){
	    .vpn = (w->ctx.vaddr >> shift) &
	           (pg->va_bits - shift >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << (pg->va_bits - shift)) - 1),
	    .base = mmu_pte_frame(pg, pte) & ~page_mask,
	    .pcid = w->ctx.pcid,
	    .level = (uint8_t)w->level,
	    .valid = true,
	    .global = mmu_pte_bit(pte, pg->bit_global),
	    .writable = w->writable,
	    .user = w->user_ok,
	    .nx = w->nx,
	    .dirty = pg->bit_dirty < 0 || mmu_pte_bit(pte, pg->bit_dirty),
	};
	w->res.page_level = (uint8_t)w->level;
	w->res.paddr = w->entry.base | (w->ctx.vaddr & page_mask);
}

/* W3: the next level's entry. */
static void descend(walk_t *w, const mmu_paging_t *pg)
{
	uint64_t table = mmu_pte_frame(pg, w->pte);
	w->descended |= UINT32_C(1) << w->level; /* kept for the page-walk caches (W11) */
	w->through[w->level].table = table;
	w->through[w->level].writable = w->writable;
	w->through[w->level].user_ok = w->user_ok;
	w->through[w->level].nx = w->nx;
	w->level--;
	w->pte_addr = entry_address(pg, table, w->ctx.vaddr, w->level);
	w->phase = WALK_READ;
	w->pte_new = 0;
}

static uint64_t extract_pte(const mmu_paging_t *pg, uint64_t word, uint64_t addr)
{
	uint64_t v = word >> ((addr & 7) * 8);
	return pg->pte_bytes == 8 ? v : v & ((UINT64_C(1) << (pg->pte_bytes * 8)) - 1);
}

static bool on_read(walk_t *w, const mmu_paging_t *pg, uint64_t rdata, mmu_stats_t *st)
{
	uint64_t pte = extract_pte(pg, rdata, w->pte_addr);
	w->pte = pte;
	st->pte_reads++;
	uint64_t *per_level[] = {
	    NULL, &st->pte_reads_l1, &st->pte_reads_l2, &st->pte_reads_l3, &st->pte_reads_l4, &st->pte_reads_l5};
	(*per_level[w->level])++;
	if (!mmu_pte_bit(pte, pg->bit_present)) { /* W4 */
		finish(w, pg, MMU_CAUSE_NOT_PRESENT);
		return true;
	}
	w->leaf = mmu_pte_is_leaf(pg, pte, w->level);
	if (pte & (w->leaf ? pg->rsvd_leaf[w->level] : pg->rsvd_table[w->level])) { /* W5 */
		finish(w, pg, MMU_CAUSE_RESERVED);
		return true;
	}
	if (pg->bit_writable >= 0)
		w->writable = w->writable && mmu_pte_bit(pte, pg->bit_writable);
	if (pg->bit_user >= 0)
		w->user_ok = w->user_ok && mmu_pte_bit(pte, pg->bit_user);
	w->nx = w->nx || mmu_pte_bit(pte, pg->bit_nx);
	uint64_t updated = set_bit(pte, pg->bit_accessed);
	if (w->leaf) {
		unsigned cause = perm_check(w->writable, w->user_ok, w->nx, w->ctx.op, w->ctx.user); /* W6 */
		if (cause != MMU_CAUSE_NONE) {
			finish(w, pg, cause);
			return true;
		}
		if (w->ctx.op == MMU_OP_STORE)
			updated = set_bit(updated, pg->bit_dirty);
	}
	if (updated != pte) { /* W7: A (and D) written back before going on */
		w->pte_new = updated;
		w->phase = WALK_WRITE;
		st->ad_writes++;
		return false;
	}
	if (w->leaf) {
		finish(w, pg, MMU_CAUSE_NONE);
		return true;
	}
	descend(w, pg);
	return false;
}

bool walk_response(walk_t *w, const mmu_paging_t *pg, uint64_t rdata, mmu_stats_t *st)
{
	if (w->phase == WALK_READ)
		return on_read(w, pg, rdata, st);
	/* W7: the write-back's response only acknowledges it. */
	if (w->leaf) {
		finish(w, pg, MMU_CAUSE_NONE);
		return true;
	}
	w->pte = w->pte_new;
	descend(w, pg);
	return false;
}
