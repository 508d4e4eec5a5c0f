/*
 * Independent cross-check: a deliberately simple TLB simulation written here, sharing no code with the model (its own
 * trace reader, its own LRU), must find exactly the same L1 I, L1 D and L2 accesses, hits and misses as mmusim on a
 * real lackey trace. Configuration: populated pages (no demand faults), all TLBs LRU.
 *
 * What the simple simulation knows of the hardware (docs/timing.md): one translation per access, two when it crosses
 * a 4 KiB page; an L1 miss looks up the L2; a miss there walks and fills L2 and L1; an L2 hit fills L1 with the L2
 * entry; a store that hits an entry whose dirty flag is clear re-walks (from L1: skipping the L2 lookup) and writes
 * the now dirty translation into L2 and L1 again, a use of both entries. An entry's dirty flag is the page's dirty
 * state when the entry was written.
 */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct simple_tlb {
	unsigned sets, ways;
	uint64_t *vpn, *used; /* used == 0: invalid */
	bool *dirty;
	uint64_t clock, accesses, hits, misses;
} simple_tlb_t;

static void tlb_init(simple_tlb_t *t, unsigned entries, unsigned ways)
{
	memset(t, 0, sizeof *t);
	t->sets = entries / ways;
	t->ways = ways;
	t->vpn = calloc(entries, sizeof *t->vpn);
	t->used = calloc(entries, sizeof *t->used);
	t->dirty = calloc(entries, sizeof *t->dirty);
	cr_assert(t->vpn && t->used && t->dirty);
}

static void tlb_free(simple_tlb_t *t)
{
	free(t->vpn);
	free(t->used);
	free(t->dirty);
}

/* Returns the slot holding vpn or -1; counts and refreshes on a hit. */
static long tlb_lookup(simple_tlb_t *t, uint64_t vpn)
{
	t->accesses++;
	size_t base = (size_t)(vpn % t->sets) * t->ways;
	for (unsigned w = 0; w < t->ways; w++) {
		if (t->used[base + w] && t->vpn[base + w] == vpn) {
			t->hits++;
			t->used[base + w] = ++t->clock;
			return (long)(base + w);
		}
	}
	t->misses++;
	return -1;
}

/* Writes vpn (in place if present, else into an empty way, else over the least recently used). */
static void tlb_write(simple_tlb_t *t, uint64_t vpn, bool dirty)
{
	size_t base = (size_t)(vpn % t->sets) * t->ways, slot = base;
	for (unsigned w = 0; w < t->ways; w++) {
		size_t s = base + w;
		if (t->used[s] && t->vpn[s] == vpn) {
			slot = s;
			break;
		}
		if (t->used[s] < t->used[slot])
			slot = s;
	}
	t->vpn[slot] = vpn;
	t->dirty[slot] = dirty;
	t->used[slot] = ++t->clock;
}

/* Page dirty state: a small open hash set of the pages stored to so far. */
typedef struct page_set {
	uint64_t *key;
	size_t cap, n;
} page_set_t;

static bool set_has(const page_set_t *s, uint64_t k)
{
	for (size_t i = (k * 0x9E3779B97F4A7C15u) % s->cap; s->key[i]; i = (i + 1) % s->cap)
		if (s->key[i] == k + 1)
			return true;
	return false;
}

static void set_add(page_set_t *s, uint64_t k)
{
	if (set_has(s, k))
		return;
	cr_assert_lt(s->n * 2, s->cap);
	size_t i = (k * 0x9E3779B97F4A7C15u) % s->cap;
	while (s->key[i])
		i = (i + 1) % s->cap;
	s->key[i] = k + 1;
	s->n++;
}

typedef struct simple_mmu {
	simple_tlb_t l1i, l1d, l2;
	page_set_t dirty_pages;
} simple_mmu_t;

static void translate(simple_mmu_t *m, bool fetch, bool store, uint64_t vpn)
{
	simple_tlb_t *l1 = fetch ? &m->l1i : &m->l1d;
	long slot = tlb_lookup(l1, vpn);
	if (slot >= 0) {
		if (store && !l1->dirty[slot]) { /* dirty re-walk, no L2 lookup */
			set_add(&m->dirty_pages, vpn);
			tlb_write(&m->l2, vpn, true);
			tlb_write(l1, vpn, true);
		}
		return;
	}
	long s2 = tlb_lookup(&m->l2, vpn);
	if (s2 >= 0 && !(store && !m->l2.dirty[s2])) {
		tlb_write(l1, vpn, m->l2.dirty[s2]);
		return;
	}
	if (store) /* miss walk, or dirty re-walk from an L2 hit */
		set_add(&m->dirty_pages, vpn);
	bool dirty = set_has(&m->dirty_pages, vpn);
	tlb_write(&m->l2, vpn, dirty);
	tlb_write(l1, vpn, dirty);
}

static void run_simple(const char *path, simple_mmu_t *m)
{
	gzFile f = gzopen(path, "rb");
	cr_assert(f, "cannot open %s", path);
	char line[256];
	while (gzgets(f, line, sizeof line)) {
		char kind;
		unsigned long long addr;
		unsigned size;
		if (line[0] == '=' || sscanf(line, " %c %llx,%u", &kind, &addr, &size) != 3)
			continue;
		bool fetch = kind == 'I', store = kind == 'S' || kind == 'M';
		uint64_t first = addr >> 12, last = (addr + size - 1) >> 12;
		translate(m, fetch, store, first);
		if (last != first)
			translate(m, fetch, store, last);
	}
	gzclose(f);
}

static uint64_t json_u64(cJSON *obj, const char *name)
{
	cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, name);
	cr_assert(item && cJSON_IsNumber(item), "mmusim --json has no number '%s'", name);
	return (uint64_t)item->valuedouble;
}

static cJSON *run_mmusim(const char *trace, const char *sets)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "%s run --trace %s --json --set os.populate=1 %s 2>/dev/null", MMU_MMUSIM, trace,
	         sets);
	FILE *p = popen(cmd, "r");
	cr_assert(p);
	static char out[1 << 20];
	size_t n = fread(out, 1, sizeof out - 1, p);
	out[n] = 0;
	cr_assert_eq(pclose(p), 0, "mmusim failed: %s", cmd);
	cJSON *obj = cJSON_Parse(out);
	cr_assert(obj, "mmusim --json printed something that is not JSON");
	return obj;
}

static void crosscheck(unsigned l1i_entries, unsigned l1i_ways, unsigned l1d_entries, unsigned l1d_ways,
                       unsigned l2_entries, unsigned l2_ways)
{
	const char *trace = MMU_SOURCE_DIR "/workloads/default.lackey.gz";
	char sets[512];
	snprintf(sets, sizeof sets,
	         "--set tlb.l1i.entries=%u --set tlb.l1i.ways=%u --set tlb.l1d.entries=%u --set tlb.l1d.ways=%u "
	         "--set tlb.l2.entries=%u --set tlb.l2.ways=%u",
	         l1i_entries, l1i_ways, l1d_entries, l1d_ways, l2_entries, l2_ways);
	cJSON *j = run_mmusim(trace, sets);
	simple_mmu_t m;
	tlb_init(&m.l1i, l1i_entries, l1i_ways);
	tlb_init(&m.l1d, l1d_entries, l1d_ways);
	tlb_init(&m.l2, l2_entries, l2_ways);
	m.dirty_pages.cap = 1 << 20;
	m.dirty_pages.n = 0;
	m.dirty_pages.key = calloc(m.dirty_pages.cap, sizeof *m.dirty_pages.key);
	run_simple(trace, &m);
	cr_assert_gt(m.l1d.misses, 1000, "the trace should miss the L1 DTLB often enough to be a real check");
	cr_assert_eq(json_u64(j, "tlb.l1i.accesses"), m.l1i.accesses);
	cr_assert_eq(json_u64(j, "tlb.l1i.misses"), m.l1i.misses);
	cr_assert_eq(json_u64(j, "tlb.l1d.accesses"), m.l1d.accesses);
	cr_assert_eq(json_u64(j, "tlb.l1d.misses"), m.l1d.misses, "l1d misses: mmusim %" PRIu64 ", simple %" PRIu64,
	             json_u64(j, "tlb.l1d.misses"), m.l1d.misses);
	cr_assert_eq(json_u64(j, "tlb.l2.accesses"), m.l2.accesses);
	cr_assert_eq(json_u64(j, "tlb.l2.hits"), m.l2.hits, "l2 hits: mmusim %" PRIu64 ", simple %" PRIu64,
	             json_u64(j, "tlb.l2.hits"), m.l2.hits);
	cr_assert_eq(json_u64(j, "tlb.l2.misses"), m.l2.misses);
	cr_assert_eq(json_u64(j, "faults"), 0);
	tlb_free(&m.l1i);
	tlb_free(&m.l1d);
	tlb_free(&m.l2);
	free(m.dirty_pages.key);
	cJSON_Delete(j);
}

Test(mmusim_crosscheck, default_geometry, .timeout = 120)
{
	crosscheck(128, 8, 64, 4, 1536, 12);
}

Test(mmusim_crosscheck, small_fully_associative, .timeout = 120)
{
	crosscheck(16, 16, 8, 8, 64, 64);
}

Test(mmusim_crosscheck, direct_mapped, .timeout = 120)
{
	crosscheck(32, 1, 32, 1, 256, 2);
}
