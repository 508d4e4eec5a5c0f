/*
 * The page walker as one loop over levels, driven by the paging-mode table (docs/timing.md, rules W1-W8). This file
 * only decides; who sequences the memory accesses (per cycle or fast path) is the caller's business, so both paths
 * make exactly the same decisions.
 */
#include <string.h>

#include "mmu_assert.h"
#include "mmu_internal.h"

/*
 * RISC-V (privileged spec 4.3.1, 4.1.1.2): U-mode needs U = 1; S-mode may not fetch from a U page, and may load or
 * store to one only with SUM = 1; a load needs R, or X with MXR = 1; a store needs W; a fetch needs X.
 */
static unsigned perm_check_riscv(const mmu_paging_t *pg, const mmu_tlb_entry_t *e, unsigned op, bool user)
{
	if (user ? !e->user : e->user && (op == MMU_OP_FETCH || !pg->sum))
		return MMU_CAUSE_PROTECTION;
	bool allowed = op == MMU_OP_FETCH   ? !e->nx
	               : op == MMU_OP_STORE ? e->writable
	                                    : e->readable || (pg->mxr && !e->nx);
	return allowed ? MMU_CAUSE_NONE : MMU_CAUSE_PROTECTION;
}

unsigned perm_check(const mmu_paging_t *pg, const mmu_tlb_entry_t *e, unsigned op, bool user)
{
	if (pg->format == MMU_PTE_RISCV)
		return perm_check_riscv(pg, e, op, user);
	if (op == MMU_OP_STORE && !e->writable) /* CR0.WP = 1: supervisor writes obey R/W too */
		return MMU_CAUSE_PROTECTION;
	if (user && !e->user)
		return MMU_CAUSE_PROTECTION;
	if (op == MMU_OP_FETCH && e->nx)
		return MMU_CAUSE_PROTECTION;
	return MMU_CAUSE_NONE;
}

/*
 * T10: P = 0 only for not-present; I/D only where the mode has NX (x86: EFER.NXE = 1). RISC-V: every cause is the
 * page fault of the access (privileged spec 4.1.9: 12 fetch, 13 load, 15 store/AMO), a non-canonical address too
 * (4.4: bits 63:39 must equal bit 38, "or else a page-fault exception will occur").
 */
uint8_t fault_ecode(const mmu_paging_t *pg, unsigned cause, unsigned op, bool user)
{
	if (cause == MMU_CAUSE_NONE)
		return 0;
	if (pg->format == MMU_PTE_RISCV)
		return op == MMU_OP_FETCH  ? MMU_RV_FETCH_PAGE_FAULT
		       : op == MMU_OP_LOAD ? MMU_RV_LOAD_PAGE_FAULT
		                           : MMU_RV_STORE_PAGE_FAULT;
	if (cause == MMU_CAUSE_NONCANONICAL)
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
	w->readable = true;
}

void walk_request(const walk_t *w, const mmu_paging_t *pg, uint64_t *addr, bool *write, uint64_t *wdata, uint8_t *wstrb,
                  uint64_t *cmp)
{
	unsigned shift = (unsigned)(w->pte_addr & 7) * 8;
	*addr = w->pte_addr & ~UINT64_C(7);
	*write = w->phase == WALK_WRITE;
	*wdata = *write ? w->pte_new << shift : 0;
	*cmp = *write ? w->pte << shift : 0; /* W7: only over the entry as it was read */
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
	    .readable = w->readable,
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
	if ((pte & (w->leaf ? pg->rsvd_leaf[w->level] : pg->rsvd_table[w->level])) ||
	    mmu_pte_bad_encoding(pg, pte, w->level)) { /* W5 */
		finish(w, pg, MMU_CAUSE_RESERVED);
		return true;
	}
	if (pg->format == MMU_PTE_RISCV) { /* the leaf's rights alone; a pointer grants everything */
		if (w->leaf) {
			w->readable = mmu_pte_bit(pte, pg->bit_read);
			w->writable = mmu_pte_bit(pte, pg->bit_writable);
			w->user_ok = mmu_pte_bit(pte, pg->bit_user);
			w->nx = !mmu_pte_bit(pte, pg->bit_exec);
		}
	} else {
		if (pg->bit_writable >= 0)
			w->writable = w->writable && mmu_pte_bit(pte, pg->bit_writable);
		if (pg->bit_user >= 0)
			w->user_ok = w->user_ok && mmu_pte_bit(pte, pg->bit_user);
		w->nx = w->nx || mmu_pte_bit(pte, pg->bit_nx);
	}
	/* A in every entry read (x86); RISC-V Svadu: in the leaf only, A of a pointer being reserved; Svade: never */
	uint64_t updated = pte;
	if (!pg->ad_fault && (w->leaf || pg->format != MMU_PTE_RISCV))
		updated = set_bit(pte, pg->bit_accessed);
	if (w->leaf) {
		mmu_tlb_entry_t rights = {
		    .readable = w->readable, .writable = w->writable, .user = w->user_ok, .nx = w->nx};
		unsigned cause = perm_check(pg, &rights, w->ctx.op, w->ctx.user); /* W6 */
		if (cause == MMU_CAUSE_NONE && pg->ad_fault &&
		    (!mmu_pte_bit(pte, pg->bit_accessed) ||
		     (w->ctx.op == MMU_OP_STORE && !mmu_pte_bit(pte, pg->bit_dirty))))
			cause = MMU_CAUSE_PROTECTION; /* Svade (4.3.2 step 7): the OS sets A and D */
		if (cause != MMU_CAUSE_NONE) {
			finish(w, pg, cause);
			return true;
		}
		if (w->ctx.op == MMU_OP_STORE && !pg->ad_fault)
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
	/*
	 * W7: the write-back was a compare-and-swap (M9); its response is the word before. An entry changed since it
	 * was read was left alone, and the walk starts again from the root (RISC-V privileged spec 4.3.2 step 7,
	 * "return to step 2"; SDM Vol. 3A 8.1.2.1: A/D updates are locked operations), so it can neither revive nor
	 * corrupt it.
	 */
	if (extract_pte(pg, rdata, w->pte_addr) != w->pte) {
		req_ctx_t ctx = w->ctx;
		walk_begin(w, pg, &ctx);
		return false;
	}
	if (w->leaf) {
		finish(w, pg, MMU_CAUSE_NONE);
		return true;
	}
	w->pte = w->pte_new;
	descend(w, pg);
	return false;
}
