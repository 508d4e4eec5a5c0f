/*
 * Set-associative TLB (docs/timing.md, section "TLB", rules R1-R7). One array holds every page size; a lookup probes
 * one set per page size, smallest page first.
 */
#include "mmu/mmu_tlb.h"

#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "mmu/mmu_error.h"
#include "mmu_assert.h"
#include "mmu_tlb_internal.h"

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
};

/* Checks the geometry and allocates the arrays; the caller has set the page sizes. */
static int tlb_init(mmu_tlb_t *t, const mmu_tlb_cfg_t *cfg, uint16_t lfsr_seed)
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
	int err = tlb_init(t, cfg, lfsr_seed);
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
	int err = tlb_init(t, cfg, lfsr_seed);
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

/* A use (hit or fill) of a slot: R1 and R3 record it, FIFO and random keep no use history. */
static void touch(mmu_tlb_t *t, size_t slot)
{
	if (t->cfg.policy == MMU_POLICY_LRU)
		t->stamp[slot] = ++t->now;
	else if (t->cfg.policy == MMU_POLICY_PLRU)
		plru_touch(t, (unsigned)(slot / t->ways), (unsigned)(slot % t->ways));
}

unsigned mmu_tlb_policy_victim(const mmu_tlb_t *t, unsigned set)
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

static uint64_t make_tag(uint64_t vpn, unsigned level)
{
	return vpn << 3 | level; /* level >= 1, so a valid entry's tag is never 0; vpn < 2^61 as va_bits <= 64 - 3 */
}

/* Slot of the matching entry (R6: smallest page first, then lowest way), or -1. */
long mmu_tlb_probe(const mmu_tlb_t *t, uint64_t vaddr, uint16_t pcid)
{
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

void mmu_tlb_invalidate_slot(mmu_tlb_t *t, long slot)
{
	MMU_ASSERT((unsigned long)slot < t->nslots);
	mmu_tlb_entry_t empty = {0};
	set_entry(t, (size_t)slot, &empty);
}

static unsigned size_index(const mmu_tlb_t *t, unsigned level)
{
	for (unsigned s = 0; s < t->nsizes; s++)
		if (t->size_level[s] == level)
			return s;
	MMU_UNREACHABLE();
}

long mmu_tlb_fill(mmu_tlb_t *t, const mmu_tlb_entry_t *e)
{
	MMU_ASSERT(e->valid && t->ways > 0);
	unsigned s = size_index(t, e->level);
	MMU_ASSERT((e->vpn & ~t->size_vpn_mask[s]) == 0);
	unsigned set = (unsigned)(e->vpn & t->set_mask);
	size_t base = (size_t)set * t->ways;
	/* R7: replace a stale copy in place and drop any other, else take the first invalid way (tag 0) */
	uint64_t want = make_tag(e->vpn, e->level);
	const uint64_t *tag = t->tag + base;
	unsigned way = t->ways, free_way = t->ways;
	for (unsigned w = 0; w < t->ways; w++) {
		if (tag[w] != want) {
			if (tag[w] == 0 && free_way == t->ways)
				free_way = w;
			continue;
		}
		if (!e->global && t->entry[base + w].pcid != e->pcid && !t->entry[base + w].global)
			continue;
		if (way == t->ways)
			way = w;
		else
			mmu_tlb_invalidate_slot(t, (long)(base + w));
	}
	bool in_place = way < t->ways;
	if (way == t->ways)
		way = free_way;
	if (way == t->ways)
		way = mmu_tlb_policy_victim(t, set);
	/* R2: an allocation of the pointer's way advances it; an in-place rewrite keeps its place in the queue */
	if (t->cfg.policy == MMU_POLICY_FIFO && !in_place && way == t->fifo[set])
		t->fifo[set] = (way + 1) % t->ways;
	t->lfsr = lfsr_next(t->lfsr); /* R5: one step per fill, in place or not */
	set_entry(t, base + way, e);
	touch(t, base + way);
	if (e->level == t->size_level[0])
		t->memo = (long)(base + way);
	return (long)(base + way);
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
	default:
		return false;
	}
}

void mmu_tlb_flush(mmu_tlb_t *t, unsigned op, uint64_t vaddr, uint16_t pcid, uint16_t current_pcid)
{
	size_t n = (size_t)t->sets * t->ways;
	for (size_t i = 0; i < n; i++) {
		mmu_tlb_entry_t *e = &t->entry[i];
		if (!e->valid)
			continue;
		unsigned s = size_index(t, e->level);
		bool va_match = e->vpn == ((vaddr >> t->size_shift[s]) & t->size_vpn_mask[s]);
		if (flush_hits(e, op, va_match, pcid, current_pcid))
			mmu_tlb_invalidate_slot(t, (long)i);
	}
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
