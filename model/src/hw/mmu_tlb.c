/*
 * Set-associative TLB (docs/timing.md, section "TLB", rules R1-R7). One array holds every page size; a lookup probes
 * one set per page size, smallest page first. A narrow set is scanned way by way; a wide one (INDEX_MIN_WAYS ways or
 * more) is searched through an index (mmu_tlb_index.h) that gives the same answers.
 */
#include "mmu/mmu_tlb.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "mmu/mmu_error.h"
#include "mmu_assert.h"
#include "mmu_tlb_index.h"
#include "mmu_tlb_internal.h"
#include "mmu_tlb_search.h"

/*
 * From this many ways on, a set is searched through the index. Measured with callgrind (mmusim, an L2 TLB or an
 * L1 DTLB of 8 to 512 ways, on a real program's trace, a pointer chase and random pages): at 12 ways both cost the
 * same within 0.5 %, at 16 the index runs 0.3-2 % fewer instructions, at 64 about 15 %, at 512 up to 65 %.
 */
#define INDEX_MIN_WAYS 16

/*
 * The index's paths are kept out of the scanning TLB's functions: inlined, they made a narrow TLB's lookup and fill
 * spill registers and cost more instructions than before there was an index (callgrind).
 */
#define INDEX_PATH __attribute__((noinline))

struct mmu_tlb {
	mmu_tlb_cfg_t cfg;
	unsigned sets, ways;
	size_t nslots; /* sets * ways */
	uint64_t set_mask;
	unsigned nsizes;                     /* page sizes of the mode */
	unsigned size_level[MMU_MAX_LEVELS]; /* leaf level of each size, smallest first */
	unsigned size_shift[MMU_MAX_LEVELS]; /* log2 page size */
	uint64_t size_vpn_mask[MMU_MAX_LEVELS];
	uint32_t valid_by_level[MMU_MAX_LEVELS + 1]; /* lets a lookup skip sizes with no entry (same result, faster) */
	mmu_tlb_entry_t *entry;                      /* sets * ways */
	long memo;     /* slot of the last base-page hit or fill: checked first by a lookup (a hint, validated) */
	uint64_t *tag; /* per entry: valid ? vpn << 3 | level : 0, what a probe scans (mmu_paging keeps vpn < 2^61) */
	uint64_t *written;        /* per entry: value of `writes` when it was last written, 0 since a reset */
	uint64_t writes;          /* entry writes so far, never reset: a write stamp is never reused */
	uint64_t *stamp;          /* LRU: when each entry was last used */
	uint64_t now;             /* LRU use counter */
	uint8_t *plru;            /* PLRU: ways node bits per set (index 1..ways-1) */
	uint32_t *fifo;           /* FIFO: next way to replace, per set (the oldest allocation, R2) */
	uint16_t lfsr, lfsr_seed; /* random: R5 */
	mmu_tlb_counters_t counters;
	mmu_tlb_fills_t fills;
	mmu_tlb_index_t *ix; /* wide sets: where each tag, the invalid ways and the LRU order are; else NULL */
};

/* Checks the geometry and allocates the arrays; the caller has set the page sizes. */
static int tlb_init(mmu_tlb_t *t, const mmu_tlb_cfg_t *cfg, uint16_t lfsr_seed, mmu_tlb_search_t search)
{
	unsigned ways = cfg->ways ? cfg->ways : cfg->entries;
	if (cfg->entries == 0 || ways == 0 || cfg->entries % ways)
		return MMU_EINVAL;
	unsigned sets = cfg->entries / ways;
	if (sets & (sets - 1))
		return MMU_EINVAL;
	if (cfg->policy == MMU_POLICY_PLRU && (ways & (ways - 1)))
		return MMU_EINVAL;
	t->cfg = *cfg;
	t->cfg.ways = ways;
	t->sets = sets;
	t->ways = ways;
	t->set_mask = sets - 1;
	t->nslots = cfg->entries;
	t->entry = calloc(cfg->entries, sizeof *t->entry);
	t->tag = calloc(cfg->entries, sizeof *t->tag);
	t->stamp = calloc(cfg->entries, sizeof *t->stamp);
	t->written = calloc(cfg->entries, sizeof *t->written);
	t->plru = calloc((size_t)sets * ways, 1);
	t->fifo = calloc(sets, sizeof *t->fifo);
	if (!t->entry || !t->tag || !t->stamp || !t->written || !t->plru || !t->fifo)
		return MMU_ENOMEM;
	if (search == MMU_TLB_SEARCH_INDEX || (search == MMU_TLB_SEARCH_AUTO && ways >= INDEX_MIN_WAYS)) {
		if (cfg->entries >= MMU_TLB_INDEX_NONE)
			return MMU_EINVAL; /* slots are 32-bit in the index; the configuration allows far fewer */
		t->ix = mmu_tlb_index_create(sets, ways, cfg->policy == MMU_POLICY_LRU);
		if (!t->ix)
			return MMU_ENOMEM;
	}
	t->lfsr_seed = lfsr_seed ? lfsr_seed : 1;
	mmu_tlb_reset(t);
	return 0;
}

static uint64_t vpn_mask(unsigned addr_bits, unsigned shift)
{
	return addr_bits - shift >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << (addr_bits - shift)) - 1;
}

int mmu_tlb_create(const mmu_tlb_cfg_t *cfg, const mmu_paging_t *paging, uint16_t lfsr_seed, mmu_tlb_t **out)
{
	return mmu_tlb_create_searched(cfg, paging, lfsr_seed, MMU_TLB_SEARCH_AUTO, out);
}

int mmu_tlb_create_searched(const mmu_tlb_cfg_t *cfg, const mmu_paging_t *paging, uint16_t lfsr_seed,
                            mmu_tlb_search_t search, mmu_tlb_t **out)
{
	mmu_tlb_t *t = calloc(1, sizeof *t);
	if (!t)
		return MMU_ENOMEM;
	for (unsigned level = 1; level <= paging->levels; level++) {
		if (level != 1 && !((paging->huge_levels >> level) & 1))
			continue;
		unsigned shift = mmu_paging_shift(paging, level);
		t->size_level[t->nsizes] = level;
		t->size_shift[t->nsizes] = shift;
		t->size_vpn_mask[t->nsizes] = vpn_mask(paging->va_bits, shift);
		t->nsizes++;
	}
	int err = tlb_init(t, cfg, lfsr_seed, search);
	if (err) {
		mmu_tlb_destroy(t);
		return err;
	}
	*out = t;
	return 0;
}

int mmu_tlb_create_block(const mmu_tlb_cfg_t *cfg, unsigned level, unsigned shift, unsigned addr_bits,
                         uint16_t lfsr_seed, mmu_tlb_t **out)
{
	if (level < 1 || level > MMU_MAX_LEVELS || shift >= addr_bits || addr_bits > 64 || addr_bits - shift > 61)
		return MMU_EINVAL; /* make_tag needs vpn < 2^61 */
	mmu_tlb_t *t = calloc(1, sizeof *t);
	if (!t)
		return MMU_ENOMEM;
	t->nsizes = 1;
	t->size_level[0] = level;
	t->size_shift[0] = shift;
	t->size_vpn_mask[0] = vpn_mask(addr_bits, shift);
	int err = tlb_init(t, cfg, lfsr_seed, MMU_TLB_SEARCH_AUTO);
	if (err) {
		mmu_tlb_destroy(t);
		return err;
	}
	*out = t;
	return 0;
}

void mmu_tlb_destroy(mmu_tlb_t *t)
{
	if (!t)
		return;
	free(t->entry);
	free(t->tag);
	free(t->stamp);
	free(t->written);
	free(t->plru);
	free(t->fifo);
	mmu_tlb_index_destroy(t->ix);
	free(t);
}

/* R1-R5 reset state: all invalid, LRU order = way order, PLRU bits 0, FIFO pointers 0, LFSR = seed. */
void mmu_tlb_reset(mmu_tlb_t *t)
{
	size_t n = (size_t)t->sets * t->ways;
	memset(t->entry, 0, n * sizeof *t->entry);
	memset(t->tag, 0, n * sizeof *t->tag);
	memset(t->stamp, 0, n * sizeof *t->stamp);
	memset(t->written, 0, n * sizeof *t->written);
	memset(t->plru, 0, n);
	memset(t->fifo, 0, t->sets * sizeof *t->fifo);
	memset(t->valid_by_level, 0, sizeof t->valid_by_level);
	t->now = 0;
	t->memo = 0; /* tag 0 never matches */
	t->lfsr = t->lfsr_seed;
	if (t->ix)
		mmu_tlb_index_reset(t->ix);
}

/* R5: 16-bit Galois LFSR, x^16 + x^14 + x^13 + x^11 + 1. */
static uint16_t lfsr_next(uint16_t s)
{
	uint16_t lsb = s & 1u;
	s >>= 1;
	if (lsb)
		s ^= 0xB400u;
	return s;
}

/* R3: on a hit or a fill, every node on the way's path points away from it. */
static void plru_touch(mmu_tlb_t *t, unsigned set, unsigned way)
{
	uint8_t *bits = t->plru + (size_t)set * t->ways;
	unsigned node = 1, lo = 0, hi = t->ways;
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (way < mid) {
			bits[node] = 1;
			node = 2 * node;
			hi = mid;
		} else {
			bits[node] = 0;
			node = 2 * node + 1;
			lo = mid;
		}
	}
}

static unsigned plru_victim(const mmu_tlb_t *t, unsigned set)
{
	const uint8_t *bits = t->plru + (size_t)set * t->ways;
	unsigned node = 1, lo = 0, hi = t->ways;
	while (hi - lo > 1) {
		unsigned mid = (lo + hi) / 2;
		if (bits[node] == 0) {
			node = 2 * node;
			hi = mid;
		} else {
			node = 2 * node + 1;
			lo = mid;
		}
	}
	return lo;
}

/*
 * A use (hit or fill) of a slot: R1 and R3 record it, FIFO and random keep no use history. (An index reads the LRU
 * stamps only when it needs a victim: a use costs the same with or without one.)
 */
static void touch(mmu_tlb_t *t, size_t slot)
{
	if (t->cfg.policy == MMU_POLICY_LRU)
		t->stamp[slot] = ++t->now;
	else if (t->cfg.policy == MMU_POLICY_PLRU)
		plru_touch(t, (unsigned)(slot / t->ways), (unsigned)(slot % t->ways));
}

/* The victim by reading the set's replacement state (the LRU stamps of every way). */
static inline unsigned scan_victim(const mmu_tlb_t *t, unsigned set)
{
	switch (t->cfg.policy) {
	case MMU_POLICY_LRU: {
		const uint64_t *s = t->stamp + (size_t)set * t->ways;
		unsigned victim = 0;
		for (unsigned w = 1; w < t->ways; w++)
			if (s[w] < s[victim])
				victim = w;
		return victim;
	}
	case MMU_POLICY_PLRU:
		return plru_victim(t, set);
	case MMU_POLICY_FIFO:
		return t->fifo[set];
	case MMU_POLICY_RANDOM:
		return t->lfsr % t->ways;
	}
	MMU_UNREACHABLE();
}

unsigned mmu_tlb_policy_victim(const mmu_tlb_t *t, unsigned set)
{
	/* R1 through the index: the lowest stamp, of equal ones (never used) the lowest way (its heap only caches) */
	if (t->ix && t->cfg.policy == MMU_POLICY_LRU)
		return mmu_tlb_index_lru_way(t->ix, set, t->stamp);
	return scan_victim(t, set);
}

static uint64_t make_tag(uint64_t vpn, unsigned level)
{
	return vpn << 3 | level; /* level >= 1, so a valid entry's tag is never 0; vpn < 2^61 as va_bits <= 64 - 3 */
}

/* mmu_tlb_probe() through the index: of the slots holding a size's tag for pcid, the lowest. */
INDEX_PATH static long indexed_probe(const mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid)
{
	for (unsigned s = 0; s < t->nsizes; s++) {
		unsigned level = t->size_level[s];
		if (t->valid_by_level[level] == 0)
			continue;
		uint64_t want = make_tag((vaddr >> t->size_shift[s]) & t->size_vpn_mask[s], level);
		long best = -1;
		for (uint32_t i = mmu_tlb_index_first(t->ix, want); i != MMU_TLB_INDEX_NONE;
		     i = mmu_tlb_index_next(t->ix, i))
			if (t->tag[i] == want && (t->entry[i].global || t->entry[i].pcid == pcid) &&
			    (best < 0 || i < best))
				best = i;
		if (best >= 0)
			return best;
	}
	return -1;
}

/*
 * Slot of the matching entry (R6: smallest page first, then lowest way), or -1. Never inlined, as before there was
 * an index: partly inlined, its test for the index made the lookup that calls it too large to be inlined itself.
 */
__attribute__((noinline)) long mmu_tlb_probe(const mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid)
{
	if (t->ix)
		return indexed_probe(t, vaddr, pcid);
	for (unsigned s = 0; s < t->nsizes; s++) {
		unsigned level = t->size_level[s];
		if (t->valid_by_level[level] == 0)
			continue;
		uint64_t vpn = (vaddr >> t->size_shift[s]) & t->size_vpn_mask[s];
		uint64_t want = make_tag(vpn, level);
		size_t base = (size_t)(vpn & t->set_mask) * t->ways;
		const uint64_t *tag = t->tag + base;
		for (unsigned w = 0; w < t->ways; w++)
			if (tag[w] == want && (t->entry[base + w].global || t->entry[base + w].pcid == pcid))
				return (long)(base + w);
	}
	return -1;
}

/*
 * The memo shortcut gives the probe's answer: R7 keeps at most one entry per page size matching any lookup, and the
 * smallest size is probed first, so a matching base-page entry is the probe's result.
 */
static long memo_probe(const mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid)
{
	uint64_t vpn = (vaddr >> t->size_shift[0]) & t->size_vpn_mask[0];
	const mmu_tlb_entry_t *e = &t->entry[t->memo];
	if (t->tag[t->memo] == make_tag(vpn, t->size_level[0]) && (e->global || e->pcid == pcid))
		return t->memo;
	return mmu_tlb_probe(t, vaddr, pcid);
}

/* As the memo: a matching base-page entry is the probe's answer (R6, R7), whatever slot it is found in. */
long mmu_tlb_peek(const mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid, long hint)
{
	if ((unsigned long)hint < t->nslots) {
		uint64_t vpn = (vaddr >> t->size_shift[0]) & t->size_vpn_mask[0];
		const mmu_tlb_entry_t *e = &t->entry[hint];
		if (t->tag[hint] == make_tag(vpn, t->size_level[0]) && (e->global || e->pcid == pcid))
			return hint;
	}
	return memo_probe(t, vaddr, pcid);
}

const mmu_tlb_entry_t *mmu_tlb_slot_entry(const mmu_tlb_t *t, long slot)
{
	MMU_ASSERT((unsigned long)slot < t->nslots);
	return &t->entry[slot];
}

long mmu_tlb_lookup(mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid, mmu_tlb_entry_t *hit)
{
	long slot = memo_probe(t, vaddr, pcid);
	t->counters.accesses++;
	if (slot < 0) {
		t->counters.misses++;
		return -1;
	}
	t->counters.hits++;
	touch(t, (size_t)slot);
	*hit = t->entry[slot];
	if (hit->level == t->size_level[0])
		t->memo = slot;
	return slot;
}

void mmu_tlb_touch(mmu_tlb_t *t, long slot)
{
	MMU_ASSERT((unsigned long)slot < t->nslots && t->entry[slot].valid);
	touch(t, (size_t)slot);
	if (t->entry[slot].level == t->size_level[0])
		t->memo = slot;
}

void mmu_tlb_touch_n(mmu_tlb_t *t, long slot, uint64_t n)
{
	MMU_ASSERT((unsigned long)slot < t->nslots && t->entry[slot].valid);
	if (n == 0)
		return;
	if (t->cfg.policy == MMU_POLICY_LRU) { /* n stamps drawn in a row, the slot keeps the last */
		t->now += n;
		t->stamp[slot] = t->now;
	} else {
		touch(t, (size_t)slot); /* R3: a PLRU use is the same however often it is repeated */
	}
	if (t->entry[slot].level == t->size_level[0])
		t->memo = slot;
}

void mmu_tlb_count_hits(mmu_tlb_t *t, uint64_t n)
{
	t->counters.accesses += n;
	t->counters.hits += n;
}

uint64_t mmu_tlb_slot_written(const mmu_tlb_t *t, long slot)
{
	MMU_ASSERT((unsigned long)slot < t->nslots);
	return t->written[slot];
}

bool mmu_tlb_slot_base(const mmu_tlb_t *t, long slot)
{
	MMU_ASSERT((unsigned long)slot < t->nslots);
	return t->entry[slot].level == t->size_level[0];
}

static void set_entry(mmu_tlb_t *t, size_t slot, const mmu_tlb_entry_t *e)
{
	mmu_tlb_entry_t *old = &t->entry[slot];
	if (old->valid)
		t->valid_by_level[old->level]--;
	*old = *e;
	t->written[slot] = ++t->writes;
	t->tag[slot] = old->valid ? make_tag(old->vpn, old->level) : 0;
	if (old->valid)
		t->valid_by_level[old->level]++;
}

/* set_entry() that keeps the index (if any) up to date. */
static void write_slot(mmu_tlb_t *t, size_t slot, const mmu_tlb_entry_t *e)
{
	if (t->ix)
		mmu_tlb_index_move(t->ix, (uint32_t)slot, t->tag[slot], e->valid ? make_tag(e->vpn, e->level) : 0);
	set_entry(t, slot, e);
}

void mmu_tlb_invalidate_slot(mmu_tlb_t *t, long slot)
{
	MMU_ASSERT((unsigned long)slot < t->nslots);
	mmu_tlb_entry_t empty = {0};
	write_slot(t, (size_t)slot, &empty);
}

static unsigned size_index(const mmu_tlb_t *t, unsigned level)
{
	for (unsigned s = 0; s < t->nsizes; s++)
		if (t->size_level[s] == level)
			return s;
	MMU_UNREACHABLE();
}

/* R7: would a fill of e overwrite the valid entry in slot, whose tag is e's (same PCID, or either of them global)? */
static bool is_copy(const mmu_tlb_t *t, size_t slot, const mmu_tlb_entry_t *e)
{
	return e->global || t->entry[slot].global || t->entry[slot].pcid == e->pcid;
}

/*
 * R7 and R4 by scanning the set: invalidates the copies of e but the lowest-numbered one and returns its way, or ways
 * if there is none; *free_way is then the lowest invalid way (R4), or ways.
 */
static inline unsigned scan_copies(mmu_tlb_t *t, unsigned set, const mmu_tlb_entry_t *e, unsigned *free_way)
{
	size_t base = (size_t)set * t->ways;
	uint64_t want = make_tag(e->vpn, e->level);
	const uint64_t *tag = t->tag + base;
	unsigned way = t->ways, free = t->ways;
	for (unsigned w = 0; w < t->ways; w++) {
		if (tag[w] != want) {
			if (tag[w] == 0 && free == t->ways)
				free = w;
			continue;
		}
		if (!is_copy(t, base + w, e))
			continue;
		if (way == t->ways)
			way = w;
		else
			mmu_tlb_invalidate_slot(t, (long)(base + w));
	}
	*free_way = free;
	return way;
}

/*
 * Slots found through the index, kept in increasing order: what the scan would meet, in the order it would meet it
 * (the order of invalidations sets the slots' write stamps). More than a few only when one VPN is held by many
 * PCIDs: then the caller scans.
 */
#define FOUND_MAX 16
typedef struct {
	unsigned n;
	uint32_t slot[FOUND_MAX];
} found_t;

static bool found_add(found_t *f, uint32_t slot)
{
	if (f->n == FOUND_MAX)
		return false;
	unsigned i = f->n++;
	for (; i > 0 && f->slot[i - 1] > slot; i--)
		f->slot[i] = f->slot[i - 1];
	f->slot[i] = slot;
	return true;
}

/* scan_copies() through the index; COPIES_UNKNOWN when the index has too many to sort out. */
#define COPIES_UNKNOWN UINT_MAX
static unsigned indexed_copies(mmu_tlb_t *t, unsigned set, const mmu_tlb_entry_t *e, unsigned *free_way)
{
	uint64_t want = make_tag(e->vpn, e->level);
	found_t copies = {0};
	for (uint32_t i = mmu_tlb_index_first(t->ix, want); i != MMU_TLB_INDEX_NONE; i = mmu_tlb_index_next(t->ix, i))
		if (t->tag[i] == want && is_copy(t, i, e) && !found_add(&copies, i))
			return COPIES_UNKNOWN;
	if (copies.n == 0) {
		*free_way = mmu_tlb_index_lowest_free(t->ix, set);
		return t->ways;
	}
	for (unsigned k = 1; k < copies.n; k++)
		mmu_tlb_invalidate_slot(t, copies.slot[k]);
	*free_way = t->ways; /* not needed: the fill is in place */
	return copies.slot[0] % t->ways;
}

/* Which rule chose the way (mmu_tlb_fills_t); an in-place fill is told apart by the copy it overwrites. */
static inline void count_fill(mmu_tlb_t *t, size_t slot, bool in_place, bool invalid, const mmu_tlb_entry_t *e)
{
	const mmu_tlb_entry_t *old = &t->entry[slot];
	if (!in_place)
		invalid ? t->fills.invalid_way++ : t->fills.victim++;
	else if (old->pcid == e->pcid)
		t->fills.copy_same_pcid++;
	else if (e->global)
		t->fills.copy_new_global++;
	else
		t->fills.copy_old_global++;
}

/* A fill's write of way, chosen by R7, R4 or the policy, and what follows it (R1-R3, R5). */
static inline long place(mmu_tlb_t *t, unsigned set, unsigned way, bool in_place, const mmu_tlb_entry_t *e)
{
	size_t slot = (size_t)set * t->ways + way;
	count_fill(t, slot, in_place, t->tag[slot] == 0, e);
	/* R2: an allocation of the pointer's way advances it; an in-place rewrite keeps its place in the queue */
	if (t->cfg.policy == MMU_POLICY_FIFO && !in_place && way == t->fifo[set])
		t->fifo[set] = (way + 1) % t->ways;
	t->lfsr = lfsr_next(t->lfsr); /* R5: one step per fill, in place or not */
	set_entry(t, slot, e);
	touch(t, slot);
	if (e->level == t->size_level[0])
		t->memo = (long)slot;
	return (long)slot;
}

/* mmu_tlb_fill() through the index. */
INDEX_PATH static long indexed_fill(mmu_tlb_t *t, unsigned set, const mmu_tlb_entry_t *e)
{
	unsigned free_way;
	unsigned way = indexed_copies(t, set, e, &free_way);
	if (way == COPIES_UNKNOWN)
		way = scan_copies(t, set, e, &free_way);
	bool in_place = way < t->ways;
	if (way == t->ways)
		way = free_way;
	if (way == t->ways)
		way = mmu_tlb_policy_victim(t, set);
	size_t slot = (size_t)set * t->ways + way;
	mmu_tlb_index_move(t->ix, (uint32_t)slot, t->tag[slot], make_tag(e->vpn, e->level));
	return place(t, set, way, in_place, e);
}

long mmu_tlb_fill(mmu_tlb_t *t, const mmu_tlb_entry_t *e)
{
	MMU_ASSERT(e->valid && t->ways > 0);
	unsigned s = size_index(t, e->level);
	MMU_ASSERT((e->vpn & ~t->size_vpn_mask[s]) == 0);
	unsigned set = (unsigned)(e->vpn & t->set_mask);
	if (t->ix)
		return indexed_fill(t, set, e);
	/* R7: replace a stale copy in place and drop any other, else take the first invalid way (R4) */
	unsigned free_way;
	unsigned way = scan_copies(t, set, e, &free_way);
	bool in_place = way < t->ways;
	if (way == t->ways)
		way = free_way;
	if (way == t->ways)
		way = scan_victim(t, set);
	return place(t, set, way, in_place, e);
}

static bool flush_hits(const mmu_tlb_entry_t *e, unsigned op, bool va_match, uint16_t pcid, uint16_t current_pcid)
{
	switch (op) {
	case MMU_FLUSH_ALL:
		return true;
	case MMU_FLUSH_NONGLOBAL:
		return !e->global;
	case MMU_FLUSH_PCID:
		return !e->global && e->pcid == pcid;
	case MMU_FLUSH_VA:
		return va_match && (e->global || e->pcid == current_pcid);
	case MMU_FLUSH_VA_PCID:
		return va_match && !e->global && e->pcid == pcid;
	case MMU_FLUSH_VA_ALL:
		return va_match;
	default:
		return false;
	}
}

/* Invalidates the valid entry in slot i if the flush hits it. */
static void flush_slot(mmu_tlb_t *t, size_t i, unsigned op, uint64_t vaddr, uint16_t pcid, uint16_t current_pcid)
{
	const mmu_tlb_entry_t *e = &t->entry[i];
	unsigned s = size_index(t, e->level);
	bool va_match = e->vpn == ((vaddr >> t->size_shift[s]) & t->size_vpn_mask[s]);
	if (flush_hits(e, op, va_match, pcid, current_pcid))
		mmu_tlb_invalidate_slot(t, (long)i);
}

/*
 * The flush through the index: a flush by address visits the slots holding the address's tags, any other the valid
 * slots only; in increasing slot order either way, as the scan.
 */
INDEX_PATH static void indexed_flush(mmu_tlb_t *t, unsigned op, uint64_t vaddr, uint16_t pcid, uint16_t current_pcid)
{
	if (op == MMU_FLUSH_VA || op == MMU_FLUSH_VA_PCID || op == MMU_FLUSH_VA_ALL) {
		found_t hits = {0};
		bool all_found = true;
		for (unsigned s = 0; s < t->nsizes && all_found; s++) {
			unsigned level = t->size_level[s];
			if (t->valid_by_level[level] == 0)
				continue;
			uint64_t want = make_tag((vaddr >> t->size_shift[s]) & t->size_vpn_mask[s], level);
			for (uint32_t i = mmu_tlb_index_first(t->ix, want); i != MMU_TLB_INDEX_NONE && all_found;
			     i = mmu_tlb_index_next(t->ix, i))
				if (t->tag[i] == want && flush_hits(&t->entry[i], op, true, pcid, current_pcid))
					all_found = found_add(&hits, i);
		}
		if (all_found) {
			for (unsigned k = 0; k < hits.n; k++)
				mmu_tlb_invalidate_slot(t, hits.slot[k]);
			return;
		}
	}
	size_t words = (t->ways + 63) / 64;
	for (unsigned set = 0; set < t->sets; set++)
		for (size_t w = 0; w < words; w++)
			for (uint64_t bits = mmu_tlb_index_valid_bits(t->ix, set, w); bits; bits &= bits - 1)
				flush_slot(t, (size_t)set * t->ways + w * 64 + (unsigned)__builtin_ctzll(bits), op,
				           vaddr, pcid, current_pcid);
}

void mmu_tlb_flush(mmu_tlb_t *t, unsigned op, uint64_t vaddr, uint16_t pcid, uint16_t current_pcid)
{
	if (t->ix) {
		indexed_flush(t, op, vaddr, pcid, current_pcid);
		return;
	}
	size_t n = (size_t)t->sets * t->ways;
	for (size_t i = 0; i < n; i++)
		if (t->entry[i].valid)
			flush_slot(t, i, op, vaddr, pcid, current_pcid);
}

unsigned mmu_tlb_sets(const mmu_tlb_t *t)
{
	return t->sets;
}

unsigned mmu_tlb_ways(const mmu_tlb_t *t)
{
	return t->ways;
}

const mmu_tlb_entry_t *mmu_tlb_entry(const mmu_tlb_t *t, unsigned set, unsigned way)
{
	MMU_ASSERT(set < t->sets && way < t->ways);
	return &t->entry[(size_t)set * t->ways + way];
}

const mmu_tlb_counters_t *mmu_tlb_counters(const mmu_tlb_t *t)
{
	return &t->counters;
}

uint16_t mmu_tlb_lfsr(const mmu_tlb_t *t)
{
	return t->lfsr;
}

const mmu_tlb_fills_t *mmu_tlb_fills(const mmu_tlb_t *t)
{
	return &t->fills;
}
