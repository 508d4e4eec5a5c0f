#include "mmu/mmu_physmem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_assert.h"

/*
 * Pages live in an open-addressing hash table keyed by page number, with linear probing: the walker reads a PTE per
 * level through this table, so a lookup is one multiply, one shift and (at load <= 0.5) about one probe.
 */
#define PM_PAGE_BITS    12
#define PM_PAGE_SIZE    (UINT64_C(1) << PM_PAGE_BITS)
#define PM_INITIAL_LOG2 10

typedef struct pm_slot {
	uint64_t pn;    /* page number (address >> 12) */
	uint8_t *bytes; /* NULL: empty slot */
} pm_slot_t;

struct mmu_physmem {
	pm_slot_t *slots;
	unsigned log2_cap;
	size_t count;
};

static size_t pm_cap(const mmu_physmem_t *pm)
{
	return (size_t)1 << pm->log2_cap;
}

/* Fibonacci hashing: the top bits of pn * 2^64/phi spread consecutive page numbers (the usual case) evenly. */
static size_t pm_hash(uint64_t pn, unsigned log2_cap)
{
	return (size_t)((pn * UINT64_C(0x9e3779b97f4a7c15)) >> (64 - log2_cap));
}

static const uint8_t *pm_find(const mmu_physmem_t *pm, uint64_t pn)
{
	size_t mask = pm_cap(pm) - 1;
	for (size_t i = pm_hash(pn, pm->log2_cap);; i = (i + 1) & mask) {
		const pm_slot_t *s = &pm->slots[i];
		if (s->bytes == NULL)
			return NULL;
		if (s->pn == pn)
			return s->bytes;
	}
}

static void pm_insert_slot(pm_slot_t *slots, unsigned log2_cap, uint64_t pn, uint8_t *bytes)
{
	size_t mask = ((size_t)1 << log2_cap) - 1;
	size_t i = pm_hash(pn, log2_cap);
	while (slots[i].bytes != NULL)
		i = (i + 1) & mask;
	slots[i] = (pm_slot_t){.pn = pn, .bytes = bytes};
}

static int pm_grow(mmu_physmem_t *pm)
{
	unsigned log2_cap = pm->log2_cap + 1;
	pm_slot_t *slots = calloc((size_t)1 << log2_cap, sizeof *slots);
	if (slots == NULL)
		return MMU_ENOMEM;
	for (size_t i = 0; i < pm_cap(pm); i++)
		if (pm->slots[i].bytes != NULL)
			pm_insert_slot(slots, log2_cap, pm->slots[i].pn, pm->slots[i].bytes);
	free(pm->slots);
	pm->slots = slots;
	pm->log2_cap = log2_cap;
	return 0;
}

/* The page's bytes, allocated zero-filled on first use. */
static int pm_page_for_write(mmu_physmem_t *pm, uint64_t pn, uint8_t **out)
{
	uint8_t *bytes = (uint8_t *)pm_find(pm, pn);
	if (bytes == NULL) {
		if (2 * (pm->count + 1) > pm_cap(pm)) {
			int err = pm_grow(pm);
			if (err)
				return err;
		}
		bytes = calloc(1, PM_PAGE_SIZE);
		if (bytes == NULL)
			return MMU_ENOMEM;
		pm_insert_slot(pm->slots, pm->log2_cap, pn, bytes);
		pm->count++;
	}
	*out = bytes;
	return 0;
}

int mmu_physmem_create(mmu_physmem_t **out)
{
	*out = NULL;
	mmu_physmem_t *pm = calloc(1, sizeof *pm);
	if (pm == NULL)
		return MMU_ENOMEM;
	pm->log2_cap = PM_INITIAL_LOG2;
	pm->slots = calloc(pm_cap(pm), sizeof *pm->slots);
	if (pm->slots == NULL) {
		free(pm);
		return MMU_ENOMEM;
	}
	*out = pm;
	return 0;
}

void mmu_physmem_destroy(mmu_physmem_t *pm)
{
	if (pm == NULL)
		return;
	for (size_t i = 0; i < pm_cap(pm); i++)
		free(pm->slots[i].bytes);
	free(pm->slots);
	free(pm);
}

/* Bytes of [addr, addr + n) with n small enough to stay inside addr's page; untouched pages read as zero. */
static uint64_t pm_read_in_page(const mmu_physmem_t *pm, uint64_t addr, unsigned n)
{
	const uint8_t *page = pm_find(pm, addr >> PM_PAGE_BITS);
	if (page == NULL)
		return 0;
	const uint8_t *p = page + (addr & (PM_PAGE_SIZE - 1));
	uint64_t v = 0;
	for (unsigned i = n; i-- > 0;)
		v = (v << 8) | p[i];
	return v;
}

/* How many of the n bytes at addr lie in addr's page. */
static unsigned pm_in_page(uint64_t addr, unsigned n)
{
	uint64_t room = PM_PAGE_SIZE - (addr & (PM_PAGE_SIZE - 1));
	return room < n ? (unsigned)room : n;
}

/* A length outside 1..8 is a caller bug with no error channel here: stop rather than return stray bytes. */
uint64_t mmu_physmem_read(const mmu_physmem_t *pm, uint64_t addr, unsigned len)
{
	MMU_ASSERT(len >= 1 && len <= 8);
	unsigned first = pm_in_page(addr, len);
	uint64_t v = pm_read_in_page(pm, addr, first);
	if (first < len) /* the rest starts the next page (wrapping at 2^64 like the address space does) */
		v |= pm_read_in_page(pm, addr + first, len - first) << (8 * first);
	return v;
}

/* Writes the bytes of value selected by strb (bit i: byte i) at addr, all inside addr's page. */
static int pm_write_in_page(mmu_physmem_t *pm, uint64_t addr, unsigned n, uint64_t value, unsigned strb)
{
	if ((strb & ((1u << n) - 1)) == 0)
		return 0;
	uint8_t *page;
	int err = pm_page_for_write(pm, addr >> PM_PAGE_BITS, &page);
	if (err)
		return err;
	uint8_t *p = page + (addr & (PM_PAGE_SIZE - 1));
	for (unsigned i = 0; i < n; i++)
		if ((strb >> i) & 1)
			p[i] = (uint8_t)(value >> (8 * i));
	return 0;
}

static int pm_write_masked(mmu_physmem_t *pm, uint64_t addr, unsigned len, uint64_t value, unsigned strb)
{
	unsigned first = pm_in_page(addr, len);
	int err = pm_write_in_page(pm, addr, first, value, strb);
	if (err == 0 && first < len)
		err = pm_write_in_page(pm, addr + first, len - first, value >> (8 * first), strb >> first);
	return err;
}

int mmu_physmem_write(mmu_physmem_t *pm, uint64_t addr, unsigned len, uint64_t value)
{
	if (len < 1 || len > 8)
		return MMU_EINVAL;
	return pm_write_masked(pm, addr, len, value, 0xffu);
}

uint64_t mmu_physmem_read_word(const mmu_physmem_t *pm, uint64_t addr)
{
	return pm_read_in_page(pm, addr & ~UINT64_C(7), 8);
}

int mmu_physmem_write_word(mmu_physmem_t *pm, uint64_t addr, uint64_t wdata, uint8_t strb)
{
	return pm_write_masked(pm, addr & ~UINT64_C(7), 8, wdata, strb);
}

/* Removes page pn (backward-shift deletion keeps every probe chain unbroken without tombstones). */
static void pm_remove(mmu_physmem_t *pm, uint64_t pn)
{
	size_t mask = pm_cap(pm) - 1, i = pm_hash(pn, pm->log2_cap);
	while (pm->slots[i].bytes != NULL && pm->slots[i].pn != pn)
		i = (i + 1) & mask;
	if (pm->slots[i].bytes == NULL)
		return;
	free(pm->slots[i].bytes);
	pm->slots[i].bytes = NULL;
	pm->count--;
	for (size_t j = (i + 1) & mask; pm->slots[j].bytes != NULL; j = (j + 1) & mask) {
		size_t home = pm_hash(pm->slots[j].pn, pm->log2_cap);
		/* the entry at j may move into the hole at i if its home is not in (i, j] (cyclically) */
		bool stays = i <= j ? (home > i && home <= j) : (home > i || home <= j);
		if (!stays) {
			pm->slots[i] = pm->slots[j];
			pm->slots[j].bytes = NULL;
			i = j;
		}
	}
}

bool mmu_physmem_read_block(const mmu_physmem_t *pm, uint64_t addr, void *buf, size_t len)
{
	uint8_t *out = buf;
	bool zero = true;
	for (size_t done = 0; done < len;) {
		uint64_t a = addr + done, off = a & (PM_PAGE_SIZE - 1);
		size_t n = (size_t)(PM_PAGE_SIZE - off) < len - done ? (size_t)(PM_PAGE_SIZE - off) : len - done;
		const uint8_t *page = pm_find(pm, a >> PM_PAGE_BITS);
		if (page == NULL) {
			memset(out + done, 0, n);
		} else {
			memcpy(out + done, page + off, n);
			for (size_t i = 0; i < n && zero; i++)
				zero = page[off + i] == 0;
		}
		done += n;
	}
	return zero;
}

int mmu_physmem_write_block(mmu_physmem_t *pm, uint64_t addr, const void *buf, size_t len)
{
	const uint8_t *in = buf;
	for (size_t done = 0; done < len;) {
		uint64_t a = addr + done, off = a & (PM_PAGE_SIZE - 1);
		size_t n = (size_t)(PM_PAGE_SIZE - off) < len - done ? (size_t)(PM_PAGE_SIZE - off) : len - done;
		uint64_t pn = a >> PM_PAGE_BITS;
		if (in == NULL && n == PM_PAGE_SIZE) {
			pm_remove(pm, pn);
		} else if (in == NULL) {
			uint8_t *page = (uint8_t *)pm_find(pm, pn);
			if (page != NULL)
				memset(page + off, 0, n);
		} else {
			uint8_t *page;
			int err = pm_page_for_write(pm, pn, &page);
			if (err)
				return err;
			memcpy(page + off, in + done, n);
		}
		done += n;
	}
	return 0;
}

size_t mmu_physmem_pages(const mmu_physmem_t *pm)
{
	return pm->count;
}

static int pm_slot_cmp(const void *a, const void *b)
{
	uint64_t x = ((const pm_slot_t *)a)->pn, y = ((const pm_slot_t *)b)->pn;
	return (x > y) - (x < y);
}

/* Without memory for a sorted copy, the pages are still visited in order: one scan per page for the next one. */
static void pm_foreach_unsorted(const mmu_physmem_t *pm, void (*fn)(void *, uint64_t, const uint8_t *), void *ctx)
{
	bool have_prev = false;
	uint64_t prev = 0;
	for (size_t done = 0; done < pm->count; done++) {
		const pm_slot_t *next = NULL;
		for (size_t i = 0; i < pm_cap(pm); i++) {
			const pm_slot_t *s = &pm->slots[i];
			if (s->bytes != NULL && (!have_prev || s->pn > prev) && (next == NULL || s->pn < next->pn))
				next = s;
		}
		MMU_ASSERT(next != NULL); /* count pages are in the table */
		fn(ctx, next->pn << PM_PAGE_BITS, next->bytes);
		prev = next->pn;
		have_prev = true;
	}
}

void mmu_physmem_foreach(const mmu_physmem_t *pm, void (*fn)(void *ctx, uint64_t page_addr, const uint8_t *bytes),
                         void *ctx)
{
	if (pm->count == 0)
		return;
	pm_slot_t *sorted = malloc(pm->count * sizeof *sorted);
	if (sorted == NULL) {
		pm_foreach_unsorted(pm, fn, ctx);
		return;
	}
	size_t n = 0;
	for (size_t i = 0; i < pm_cap(pm); i++)
		if (pm->slots[i].bytes != NULL)
			sorted[n++] = pm->slots[i];
	qsort(sorted, n, sizeof *sorted, pm_slot_cmp);
	for (size_t i = 0; i < n; i++)
		fn(ctx, sorted[i].pn << PM_PAGE_BITS, sorted[i].bytes);
	free(sorted);
}
