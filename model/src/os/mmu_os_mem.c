/*
 * The memory limit of the OS side (os.mem_frames): resident user pages on a clock ring, second-chance eviction over
 * the PTEs' accessed bits, and a swap area that keeps evicted contents.
 *
 * Policies (README, "Huge pages and memory pressure"):
 *   - The limit counts the base-page frames of user pages (a 2 MiB page counts 512). Page tables and kernel pages
 *     live outside it and are never evicted; nor are locked pages (mmu_os_lock) and frames mapped again by
 *     mmu_os_map_frame (no reverse map: evicting one would leave the other mapping stale).
 *   - The ring holds resident pages in the order they were mapped; a new page goes just behind the hand, so it is
 *     examined last. The hand examines the page under it and moves on: accessed bit set -> cleared (second chance),
 *     without a TLB invalidation, as Linux does on x86 (a TLB entry kept alive hides later uses); clear -> evicted.
 *   - An evicted page is written to swap when it is dirty or has no copy there yet, else dropped; its PTE becomes
 *     not present with the swap slot in the frame field; its frame is zeroed and reused first; its TLB entries are
 *     invalidated (a queued shootdown). A swapped-in page keeps its slot as a clean copy until it is dirtied.
 *   - A huge page is evicted whole (one slot; its base pages each cost a swap-out) and comes back base page by base
 *     page, as Linux swaps transparent huge pages: the first fault on it splits its swap entry into a page table of
 *     base-page swap entries (the table lives outside the limit) and swaps in the touched page only.
 */
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_assert.h"
#include "mmu_os_internal.h"

#define NONE UINT32_MAX

static uint64_t frames_of(const mmu_os_t *os, unsigned level)
{
	return os_page_size(os, level) >> os->paging.page_bits;
}

/* ---- frame number -> ring node: open addressing, backward-shift deletion ---- */

static size_t fhash(uint64_t pfn, size_t cap)
{
	return (size_t)((pfn * UINT64_C(0x9e3779b97f4a7c15)) >> 17) & (cap - 1);
}

static size_t fmap_pos(const os_mem_t *m, uint64_t pfn)
{
	size_t i = fhash(pfn, m->fcap);
	while (m->fkey[i] != 0 && m->fkey[i] != pfn + 1)
		i = (i + 1) & (m->fcap - 1);
	return i;
}

static uint32_t fmap_get(const os_mem_t *m, uint64_t pfn)
{
	if (m->fcap == 0)
		return NONE;
	size_t i = fmap_pos(m, pfn);
	return m->fkey[i] ? m->fval[i] : NONE;
}

static int fmap_put(os_mem_t *m, uint64_t pfn, uint32_t node)
{
	if (2 * (m->fused + 1) > m->fcap) {
		size_t cap = m->fcap ? 2 * m->fcap : 1024;
		uint64_t *key = calloc(cap, sizeof *key);
		uint32_t *val = calloc(cap, sizeof *val);
		if (key == NULL || val == NULL) {
			free(key);
			free(val);
			return MMU_ENOMEM;
		}
		os_mem_t grown = {.fkey = key, .fval = val, .fcap = cap};
		for (size_t i = 0; i < m->fcap; i++) {
			if (m->fkey[i]) {
				size_t j = fmap_pos(&grown, m->fkey[i] - 1);
				key[j] = m->fkey[i];
				val[j] = m->fval[i];
			}
		}
		free(m->fkey);
		free(m->fval);
		m->fkey = key;
		m->fval = val;
		m->fcap = cap;
	}
	size_t i = fmap_pos(m, pfn);
	if (m->fkey[i] == 0)
		m->fused++;
	m->fkey[i] = pfn + 1;
	m->fval[i] = node;
	return 0;
}

static void fmap_del(os_mem_t *m, uint64_t pfn)
{
	size_t mask = m->fcap - 1, i = fmap_pos(m, pfn);
	if (m->fkey[i] == 0)
		return;
	m->fkey[i] = 0;
	m->fused--;
	for (size_t j = (i + 1) & mask; m->fkey[j] != 0; j = (j + 1) & mask) {
		size_t home = fhash(m->fkey[j] - 1, m->fcap);
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			m->fkey[i] = m->fkey[j];
			m->fval[i] = m->fval[j];
			m->fkey[j] = 0;
			i = j;
		}
	}
}

/* ---- the ring ---- */

static int node_alloc(os_mem_t *m, uint32_t *out)
{
	if (m->free_node == NONE) {
		uint32_t cap = m->npage_cap ? 2 * m->npage_cap : 256;
		os_page_t *p = realloc(m->page, cap * sizeof *p);
		if (p == NULL)
			return MMU_ENOMEM;
		for (uint32_t i = m->npage_cap; i < cap; i++)
			p[i] = (os_page_t){.next = i + 1 < cap ? i + 1 : NONE, .used = false};
		m->page = p;
		m->free_node = m->npage_cap;
		m->npage_cap = cap;
	}
	*out = m->free_node;
	m->free_node = m->page[*out].next;
	return 0;
}

static void ring_unlink(os_mem_t *m, uint32_t n)
{
	os_page_t *p = &m->page[n];
	if (p->next == n) {
		m->hand = NONE;
	} else {
		m->page[p->prev].next = p->next;
		m->page[p->next].prev = p->prev;
		if (m->hand == n)
			m->hand = p->next;
	}
	fmap_del(m, p->pa);
	*p = (os_page_t){.next = m->free_node, .used = false};
	m->free_node = n;
}

/* ---- swap slots ---- */

static int slot_alloc(os_mem_t *m, int64_t *out)
{
	if (m->nfree_slot > 0) {
		*out = m->free_slot[--m->nfree_slot];
		m->slot[*out] = (os_slot_t){.used = true};
		return 0;
	}
	os_slot_t *s = os_room_for_one(m->slot, &m->slot_cap, m->nslot, sizeof *s, 256);
	if (s == NULL)
		return MMU_ENOMEM;
	m->slot = s;
	m->slot[m->nslot] = (os_slot_t){.used = true};
	*out = (int64_t)m->nslot++;
	return 0;
}

static void slot_free(os_mem_t *m, int64_t s)
{
	if (s < 0)
		return;
	free(m->slot[s].bytes);
	m->slot[s] = (os_slot_t){.used = false};
	int64_t *f = os_room_for_one(m->free_slot, &m->free_slot_cap, m->nfree_slot, sizeof *f, 256);
	if (f == NULL)
		return; /* the slot is lost to reuse, nothing else */
	m->free_slot = f;
	m->free_slot[m->nfree_slot++] = s;
}

static uint64_t swap_entry(const mmu_os_t *os, int64_t s)
{
	return mmu_pte_with_frame(&os->paging, (uint64_t)(s + 1) << os->paging.page_bits);
}

static int64_t swap_slot_of(const mmu_os_t *os, uint64_t pte)
{
	return (int64_t)(mmu_pte_frame(&os->paging, pte) >> os->paging.page_bits) - 1;
}

bool os_is_swap_entry(const mmu_os_t *os, uint64_t pte)
{
	return os->mem.limit != 0 && pte != 0 && !os_pte_present(os, pte);
}

void os_swap_entry_free(mmu_os_t *os, uint64_t pte)
{
	if (os_is_swap_entry(os, pte))
		slot_free(&os->mem, swap_slot_of(os, pte));
}

/* ---- frames ---- */

static int free_frame(mmu_os_t *os, unsigned level, uint64_t pa)
{
	os_mem_t *m = &os->mem;
	int err = mmu_physmem_write_block(os->pm, pa, NULL, os_page_size(os, level));
	if (err)
		return err;
	uint64_t *f = os_room_for_one(m->free_frames[level], &m->free_cap[level], m->nfree[level], sizeof *f, 256);
	if (f == NULL)
		return MMU_ENOMEM;
	m->free_frames[level] = f;
	m->free_frames[level][m->nfree[level]++] = pa;
	m->resident -= frames_of(os, level);
	os->stats.resident_frames = m->resident;
	return 0;
}

static bool page_locked(const mmu_os_t *os, const os_page_t *p)
{
	if (os->nlocks == 0)
		return false;
	uint64_t base = os_page_size(os, 1);
	for (uint64_t off = 0; off < os_page_size(os, p->level); off += base)
		if (mmu_os_is_locked(os, p->pid, p->va + off))
			return true;
	return false;
}

/* Writes the page of node n to its swap slot (allocating one); returns 0 or an error. */
static int swap_out(mmu_os_t *os, os_page_t *p)
{
	os_mem_t *m = &os->mem;
	int err = p->slot < 0 ? slot_alloc(m, &p->slot) : 0;
	if (err)
		return err;
	if (swap_entry(os, p->slot) == 0 || (uint64_t)(p->slot + 1) > (os->pa_max >> os->paging.page_bits))
		return MMU_ENOFRAME; /* the PTE's frame field cannot name the slot */
	uint64_t size = os_page_size(os, p->level);
	uint8_t *buf = malloc(size);
	if (buf == NULL)
		return MMU_ENOMEM;
	if (mmu_physmem_read_block(os->pm, p->pa, buf, size)) {
		free(buf);
		buf = NULL; /* all zero: nothing to keep */
	}
	free(m->slot[p->slot].bytes);
	m->slot[p->slot].bytes = buf;
	m->slot[p->slot].level = p->level;
	os->stats.swap_outs++;
	os->stats.swap_out_frames += frames_of(os, p->level);
	return 0;
}

/* The PTE without its frame, accessed and dirty bits: what a swapped-in page gets back around its new frame. */
static uint64_t pte_flags(const mmu_os_t *os, uint64_t pte)
{
	const mmu_paging_t *pg = &os->paging;
	uint64_t field = pg->pfn_bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << pg->pfn_bits) - 1;
	pte &= ~(field << pg->pfn_lsb);
	if (pg->bit_accessed >= 0)
		pte &= ~(UINT64_C(1) << pg->bit_accessed);
	if (pg->bit_dirty >= 0)
		pte &= ~(UINT64_C(1) << pg->bit_dirty);
	return pte;
}

static int evict(mmu_os_t *os, uint32_t n, uint64_t slot, uint64_t pte)
{
	os_mem_t *m = &os->mem;
	os_page_t *p = &m->page[n];
	const mmu_paging_t *pg = &os->paging;
	bool dirty = pg->bit_dirty < 0 || mmu_pte_bit(pte, pg->bit_dirty); /* no dirty bit: every page counts dirty */
	int err = (dirty || p->slot < 0) ? swap_out(os, p) : 0;
	if (err)
		return err;
	m->slot[p->slot].flags = pte_flags(os, pte);
	os->stats.evictions++;
	uint32_t pid = p->pid;
	uint64_t va = p->va, pa = p->pa;
	unsigned level = p->level;
	err = os_pte_write(os, slot, swap_entry(os, p->slot));
	ring_unlink(m, n);
	if (err == 0)
		err = os_shootdown_add(os, pid, va);
	return err ? err : free_frame(os, level, pa);
}

/* One step of the clock until a page is evicted; MMU_ENOFRAME when nothing can be (all locked or shared). */
static int evict_one(mmu_os_t *os)
{
	os_mem_t *m = &os->mem;
	const mmu_paging_t *pg = &os->paging;
	/* two passes clear every accessed bit: a third finding nothing means nothing is evictable */
	uint64_t budget = 3 * (uint64_t)m->npage_cap + 3;
	for (uint64_t step = 0; m->hand != NONE && step < budget; step++) {
		uint32_t n = m->hand;
		os_page_t *p = &m->page[n];
		m->hand = p->next;
		os->stats.clock_steps++;
		if (os_shared_in(os, p->pa, os_page_size(os, p->level)) || page_locked(os, p))
			continue;
		const os_proc_t *pr = os_proc_find(os, p->pid);
		MMU_ASSERT(pr != NULL);
		uint64_t slot, pte;
		unsigned level;
		int err = os_lookup(os, pr->root, p->va, &slot, &pte, &level);
		MMU_ASSERT(err == 0 && level == p->level && os_pte_present(os, pte)); /* the ring mirrors the tables */
		if (mmu_pte_bit(pte, pg->bit_accessed)) {
			err = os_pte_write(os, slot, pte & ~(UINT64_C(1) << pg->bit_accessed)); /* second chance */
			if (err)
				return err;
			continue;
		}
		return evict(os, n, slot, pte);
	}
	return MMU_ENOFRAME;
}

bool os_mem_room(const mmu_os_t *os, unsigned level)
{
	return os->mem.limit == 0 || os->mem.resident + frames_of(os, level) <= os->mem.limit;
}

int os_mem_frame(mmu_os_t *os, unsigned level, uint64_t *pa)
{
	os_mem_t *m = &os->mem;
	uint64_t size = os_page_size(os, level);
	if (m->limit == 0)
		return os_alloc_frames(os, size, size, false, pa);
	if (frames_of(os, level) > m->limit)
		return MMU_ENOFRAME;
	while (!os_mem_room(os, level)) {
		int err = evict_one(os);
		if (err)
			return err;
	}
	if (m->nfree[level] > 0) {
		*pa = m->free_frames[level][--m->nfree[level]];
	} else {
		int err = os_alloc_frames(os, size, size, false, pa);
		if (err)
			return err;
	}
	m->resident += frames_of(os, level);
	os->stats.resident_frames = m->resident;
	return 0;
}

int os_mem_add(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t pa, unsigned level)
{
	os_mem_t *m = &os->mem;
	if (m->limit == 0)
		return 0;
	uint32_t n;
	int err = node_alloc(m, &n);
	if (err == 0)
		err = fmap_put(m, pa, n);
	if (err)
		return err;
	os_page_t *p = &m->page[n];
	*p = (os_page_t){.va = va, .pa = pa, .pid = pid, .slot = -1, .level = (uint8_t)level, .used = true};
	if (m->hand == NONE) {
		p->prev = p->next = n;
		m->hand = n;
	} else {
		uint32_t h = m->hand, before = m->page[h].prev;
		p->prev = before;
		p->next = h;
		m->page[before].next = n;
		m->page[h].prev = n;
	}
	return 0;
}

void os_mem_drop(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t pa)
{
	os_mem_t *m = &os->mem;
	uint32_t n = fmap_get(m, pa);
	if (n == NONE || m->page[n].pid != pid || m->page[n].va != va)
		return;
	unsigned level = m->page[n].level;
	slot_free(m, m->page[n].slot);
	ring_unlink(m, n);
	free_frame(os, level, pa);
}

/* Index of the first shared frame at or above pa. */
static size_t shared_pos(const mmu_os_t *os, uint64_t pa)
{
	size_t lo = 0, hi = os->nshared;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (os->shared[mid] < pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int os_share(mmu_os_t *os, uint64_t pa)
{
	size_t i = shared_pos(os, pa);
	if (i < os->nshared && os->shared[i] == pa)
		return 0;
	uint64_t *f = os_room_for_one(os->shared, &os->shared_cap, os->nshared, sizeof *f, 16);
	if (f == NULL)
		return MMU_ENOMEM;
	os->shared = f;
	memmove(&os->shared[i + 1], &os->shared[i], (os->nshared - i) * sizeof *os->shared);
	os->shared[i] = pa;
	os->nshared++;
	return 0;
}

bool os_shared_in(const mmu_os_t *os, uint64_t pa, uint64_t size)
{
	size_t i = shared_pos(os, pa);
	return i < os->nshared && os->shared[i] - pa < size;
}

/* A huge page's swap entry at `slot` becomes a table of swap entries of the next smaller pages, one slot each. */
static int swap_split(mmu_os_t *os, uint64_t slot, int64_t s, unsigned level)
{
	os_mem_t *m = &os->mem;
	const mmu_paging_t *pg = &os->paging;
	uint64_t table, sub = os_page_size(os, level - 1), flags = m->slot[s].flags;
	if (level - 1 == 1 && pg->bit_pagesize >= 0)
		flags &= ~(UINT64_C(1) << pg->bit_pagesize); /* base pages have no page-size bit (x86: PAT there) */
	int err = os_alloc_table(os, &table);
	for (uint64_t i = 0; err == 0 && i < (UINT64_C(1) << pg->bits_per_level); i++) {
		int64_t t;
		err = slot_alloc(m, &t);
		if (err)
			break;
		m->slot[t].level = (uint8_t)(level - 1);
		m->slot[t].flags = flags;
		const uint8_t *whole = m->slot[s].bytes;
		bool zero = true;
		for (uint64_t b = 0; whole && b < sub && zero; b++)
			zero = whole[i * sub + b] == 0;
		if (!zero) {
			m->slot[t].bytes = malloc(sub);
			if (m->slot[t].bytes == NULL)
				return MMU_ENOMEM;
			memcpy(m->slot[t].bytes, whole + i * sub, sub);
		}
		err = os_pte_write(os, table + i * pg->pte_bytes, swap_entry(os, t));
	}
	if (err == 0)
		err = os_pte_write(os, slot, os_table_entry(os, table, true));
	if (err == 0)
		slot_free(m, s);
	return err;
}

int os_swap_in(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t slot, uint64_t pte, unsigned level)
{
	os_mem_t *m = &os->mem;
	int64_t s = swap_slot_of(os, pte);
	MMU_ASSERT(s >= 0 && (size_t)s < m->nslot && m->slot[s].used && m->slot[s].level == level);
	while (level > 1) {
		int err = swap_split(os, slot, s, level);
		uint64_t root = os_proc_find(os, pid)->root;
		if (err == 0)
			err = os_lookup(os, root, va, &slot, &pte, &level);
		if (err)
			return err;
		s = swap_slot_of(os, pte);
	}
	uint64_t size = os_page_size(os, level), base = va & ~(size - 1), pa;
	int err = os_mem_frame(os, level, &pa); /* may evict others; never this page, which is not resident */
	if (err == 0 && m->slot[s].bytes)
		err = mmu_physmem_write_block(os->pm, pa, m->slot[s].bytes, size);
	if (err == 0)
		err = os_pte_write(os, slot, m->slot[s].flags | mmu_pte_with_frame(&os->paging, pa));
	if (err == 0)
		err = os_mem_add(os, pid, base, pa, level);
	if (err)
		return err;
	m->page[fmap_get(m, pa)].slot = s; /* a clean copy stays in swap */
	os->stats.swap_ins++;
	os->stats.swap_in_frames += frames_of(os, level);
	return 0;
}

void os_mem_free(mmu_os_t *os)
{
	os_mem_t *m = &os->mem;
	for (size_t i = 0; i < m->nslot; i++)
		free(m->slot[i].bytes);
	free(m->slot);
	free(m->free_slot);
	free(m->page);
	free(m->fkey);
	free(m->fval);
	for (unsigned l = 0; l <= MMU_MAX_LEVELS; l++)
		free(m->free_frames[l]);
}
