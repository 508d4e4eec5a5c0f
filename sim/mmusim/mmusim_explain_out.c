/* The printers of `mmusim explain`: a compact text for slides, and JSON for scripts and tests. */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <string.h>

#include "mmusim_explain.h"
#include "mmusim_results.h"
#include "mmusim_table.h"

static const char *const cause_names[] = {"none", "not present", "protection", "reserved bit set", "non-canonical"};
static const char *const answer_names[] = {"answered by the L1 TLB", "answered by the L2 TLB",
                                           "answered by the page walk", "answered without a lookup, T7"};
static const char *const answer_keys[] = {"l1", "l2", "walk", "none"};

static uint64_t field(uint64_t v, unsigned lsb, unsigned bits)
{
	return (v >> lsb) & (bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1);
}

static void size_text(uint64_t bytes, char *buf, size_t n)
{
	static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	unsigned u = 0;
	while (u + 1 < sizeof unit / sizeof unit[0] && bytes >= 1024 && bytes % 1024 == 0) {
		bytes /= 1024;
		u++;
	}
	snprintf(buf, n, "%" PRIu64 " %s", bytes, unit[u]);
}

/* log2 of the size of the page explained, its offset bits: 12 (4 KiB), 21 (2 MiB), 30 (1 GiB), 22 (4 MiB, x86_32). */
static unsigned page_shift(const explain_t *e)
{
	return mmu_paging_shift(e->pg, e->page_level);
}

/* The VPN as the TLB forms it for the page's size: the address bits above its offset (docs/timing.md, TLB). */
static uint64_t vpn_of(const explain_t *e)
{
	return field(e->va, page_shift(e), e->pg->va_bits - page_shift(e));
}

static unsigned log2u(unsigned v)
{
	unsigned n = 0;
	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

/* ---- text ---- */

/* W9: the lookup time of the page-walk caches, the slowest enabled one; 0 when none is. */
static uint64_t pwc_latency(const mmu_cfg_t *c)
{
	uint64_t p = 0;
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++)
		if (c->pwc[n].entries && c->pwc[n].hit_latency > p)
			p = c->pwc[n].hit_latency;
	return p;
}

static void print_header(FILE *out, const explain_t *e)
{
	const mmu_paging_t *pg = e->pg;
	char page[32];
	size_text(UINT64_C(1) << pg->page_bits, page, sizeof page);
	fprintf(out, "mmusim explain: %s 0x%" PRIx64 "\n", explain_op_name(e->op), e->va);
	fprintf(out, "  paging  %s, %u levels x %u bits, %s pages, %u-byte entries, %u-bit physical addresses\n",
	        pg->name, pg->levels, pg->bits_per_level, page, pg->pte_bytes, pg->pa_bits);
	fprintf(out, "  setup   %s\n", e->setup);
	if (e->note[0])
		fprintf(out, "  note    %s\n", e->note);
}

static void binary(uint64_t v, unsigned bits, char *buf)
{
	for (unsigned i = 0; i < bits; i++)
		buf[i] = (char)('0' + ((v >> (bits - 1 - i)) & 1));
	buf[bits] = '\0';
}

static void print_split(FILE *out, const explain_t *e)
{
	const mmu_paging_t *pg = e->pg;
	table_t t;
	bool show_binary = pg->va_bits <= 32;
	unsigned shift = page_shift(e), leaf = e->page_level; /* a huge page's walk has no fields below its leaf */
	table_init(&t, (int)(pg->levels - leaf) + 3, false);
	int name = table_row(&t), bits = table_row(&t), bin = show_binary ? table_row(&t) : -1, val = table_row(&t);
	table_set(&t, name, 0, "field");
	table_set(&t, bits, 0, "bits");
	table_set(&t, bin, 0, "binary");
	table_set(&t, val, 0, "value");
	for (unsigned level = pg->levels; level >= leaf; level--) {
		int col = (int)(pg->levels - level) + 1;
		unsigned lsb = mmu_paging_shift(pg, level);
		char b[65];
		binary(mmu_paging_index(pg, e->va, level), pg->bits_per_level, b);
		table_set(&t, name, col, "%s", explain_level_name(pg, level));
		table_set(&t, bits, col, "%u..%u", lsb + pg->bits_per_level - 1, lsb);
		table_set(&t, bin, col, "%s", b);
		table_set(&t, val, col, "%" PRIu64, mmu_paging_index(pg, e->va, level));
	}
	int col = (int)(pg->levels - leaf) + 2;
	char b[65];
	binary(field(e->va, 0, shift), shift, b);
	table_set(&t, name, col, "offset");
	table_set(&t, bits, col, "%u..0", shift - 1);
	table_set(&t, bin, col, "%s", b);
	table_set(&t, val, col, "0x%" PRIx64, field(e->va, 0, shift));
	char huge[96] = "";
	if (leaf > 1) {
		char size[32];
		size_text(UINT64_C(1) << shift, size, sizeof size);
		snprintf(huge, sizeof huge, "; a %s page: the %s entry is the leaf, the walk stops there", size,
		         explain_level_name(pg, leaf));
	}
	fprintf(out, "\naddress 0x%" PRIx64 " (%u-bit virtual address%s%s)\n", e->va, pg->va_bits,
	        mmu_paging_canonical(pg, e->va) ? "" : ", NOT a valid address of this mode", huge);
	table_print(out, &t, "  ", false);
}

/* What one TLB did for the request, from its counters and contents before and after. */
static void tlb_outcome(const explain_t *e, const attempt_t *a, const tlb_view_t *v, char *buf, size_t n)
{
	if (!v->tlb) {
		snprintf(buf, n, "absent");
		return;
	}
	unsigned ways = mmu_tlb_ways(v->tlb);
	uint64_t hits = v->after.hits - v->before.hits, misses = v->after.misses - v->before.misses;
	bool dirty_walk = a->st_after.walks_dirty != a->st_before.walks_dirty;
	if (hits) {
		int k = snprintf(buf, n, "hit, way %ld", v->slot_before % ways);
		if (v->level_before > 1)
			k += snprintf(buf + k, n - (size_t)k, " of set %ld (level-%u page)", v->slot_before / ways,
			              v->level_before);
		if (a->probe.res.fault && a->probe.res.level != MMU_LEVEL_WALK)
			snprintf(buf + k, n - (size_t)k, ": access not allowed, fault, entry dropped (T8)");
		else if (dirty_walk)
			snprintf(buf + k, n - (size_t)k, ", but D = 0 for a store: re-walk (T9)");
		return;
	}
	if (!misses) {
		snprintf(buf, n, "not looked up");
		return;
	}
	if (v->slot_after >= 0)
		snprintf(buf, n, "miss -> filled way %ld", v->slot_after % ways);
	else
		snprintf(buf, n, "miss%s", a->probe.res.fault ? " (faults are not cached, W8)" : "");
	(void)e;
}

static void print_tlbs(FILE *out, const explain_t *e, const attempt_t *a)
{
	uint64_t vpn = vpn_of(e);
	if (e->page_level > 1) { /* a lookup probes one set per page size; this is the set of the page's size */
		char size[32];
		size_text(UINT64_C(1) << page_shift(e), size, sizeof size);
		fprintf(out,
		        "TLB lookups (%s page: VPN = address bits %u..%u = 0x%" PRIx64
		        "; set = VPN mod sets, tag = VPN / sets)\n",
		        size, e->pg->va_bits - 1, page_shift(e), vpn);
	} else {
		fprintf(out, "TLB lookups (VPN 0x%" PRIx64 "; set = VPN mod sets, tag = VPN / sets)\n", vpn);
	}
	table_t t;
	table_init(&t, 5, false);
	for (int i = 0; i < 2; i++) {
		const tlb_view_t *v = &a->tlb[i];
		int r = table_row(&t);
		char what[160];
		tlb_outcome(e, a, v, what, sizeof what);
		table_set(&t, r, 0, "%s", v->name);
		if (!v->tlb) {
			table_set(&t, r, 1, "%s", what);
			continue;
		}
		unsigned sets = mmu_tlb_sets(v->tlb), ways = mmu_tlb_ways(v->tlb);
		table_set(&t, r, 1, "%u set%s x %u way%s", sets, sets == 1 ? "" : "s", ways, ways == 1 ? "" : "s");
		table_set(&t, r, 2, "set %" PRIu64, vpn & (sets - 1));
		table_set(&t, r, 3, "tag 0x%" PRIx64, vpn >> log2u(sets));
		table_set(&t, r, 4, "%s", what);
	}
	table_print(out, &t, "  ", false);
}

/* Which field of the entry each bit belongs to, so the binary form can be grouped by field. */
static int bit_owner(const mmu_paging_t *pg, unsigned bit)
{
	const int flags[] = {pg->bit_present, pg->bit_writable, pg->bit_user,   pg->bit_accessed,
	                     pg->bit_dirty,   pg->bit_pagesize, pg->bit_global, pg->bit_nx};
	for (int i = 0; i < 8; i++)
		if (flags[i] == (int)bit)
			return i + 1;
	if (bit >= pg->pfn_lsb && bit < pg->pfn_lsb + pg->pfn_bits)
		return 100;
	return 0;
}

static void value_text(const mmu_paging_t *pg, uint64_t v, char *buf, size_t n)
{
	int k = snprintf(buf, n, "0x%0*" PRIx64, (int)(2 * pg->pte_bytes), v);
	if (pg->pte_bytes > 1 || (size_t)k + 12 > n)
		return;
	buf[k++] = ' ';
	buf[k++] = '(';
	for (int bit = 7; bit >= 0; bit--) {
		if (bit < 7 && bit_owner(pg, (unsigned)bit) != bit_owner(pg, (unsigned)bit + 1))
			buf[k++] = ' ';
		buf[k++] = (char)('0' + ((v >> bit) & 1));
	}
	buf[k++] = ')';
	buf[k] = '\0';
}

typedef struct flag {
	const char *name;
	int bit;
} flag_t;

/*
 * The flags an entry of this kind has (Intel SDM Vol. 3A, 4.5, Tables 4-14 to 4-20): D and G only in a leaf (an
 * entry that points to a table ignores those bits); PS only at a level whose entries may map a page (a PML4 entry
 * must have it 0, a PT entry's bit 7 is PAT).
 */
static size_t flags_of(const mmu_paging_t *pg, unsigned level, bool leaf, flag_t *f)
{
	bool textbook = !strcmp(pg->name, "textbook");
	size_t n = 0;
	f[n++] = (flag_t){textbook ? "V" : "P", pg->bit_present};
	f[n++] = (flag_t){"W", pg->bit_writable};
	f[n++] = (flag_t){"U", pg->bit_user};
	f[n++] = (flag_t){"A", pg->bit_accessed};
	if (leaf)
		f[n++] = (flag_t){"D", pg->bit_dirty};
	if ((pg->huge_levels >> level) & 1)
		f[n++] = (flag_t){"PS", pg->bit_pagesize};
	if (leaf)
		f[n++] = (flag_t){"G", pg->bit_global};
	f[n++] = (flag_t){pg->bit_nx == 63 ? "XD" : "NX", pg->bit_nx};
	return n;
}

/* Whether the entry read at step i is a leaf (a write-back: the entry it writes). */
static bool step_is_leaf(const mmu_paging_t *pg, const step_t *s)
{
	uint64_t v = s->write ? s->before : s->value;
	return mmu_pte_bit(v, pg->bit_present) && mmu_pte_is_leaf(pg, v, s->level);
}

/*
 * Why a protection fault: the first check of the walker that fails (W6: x86 combines the entries of every level, so
 * a table entry can deny what the leaf allows), and the entry whose bit denies it.
 */
static void protection_reason(const explain_t *e, const attempt_t *a, char *buf, size_t n)
{
	const mmu_paging_t *pg = e->pg;
	const char *what = NULL, *bit = NULL;
	size_t at = 0;
	for (size_t i = 0; i < a->nsteps && !what; i++) {
		const step_t *s = &a->steps[i];
		if (s->write)
			continue;
		if (e->op == MMU_OP_STORE && pg->bit_writable >= 0 && !mmu_pte_bit(s->value, pg->bit_writable))
			what = "store to a read-only page", bit = "W = 0", at = i;
		else if (e->user && pg->bit_user >= 0 && !mmu_pte_bit(s->value, pg->bit_user))
			what = "user access to a supervisor-only page", bit = "U = 0", at = i;
	}
	for (size_t i = 0; i < a->nsteps && !what; i++) {
		const step_t *s = &a->steps[i];
		if (!s->write && e->op == MMU_OP_FETCH && pg->bit_nx >= 0 && mmu_pte_bit(s->value, pg->bit_nx))
			what = "fetch from a no-execute page", bit = pg->bit_nx == 63 ? "XD = 1" : "NX = 1", at = i;
	}
	if (!what) {
		snprintf(buf, n, "%s not allowed", explain_op_name(e->op));
		return;
	}
	snprintf(buf, n, "%s (%s in the %s entry)", what, bit, explain_level_name(pg, a->steps[at].level));
}

static void decode_read(const explain_t *e, const attempt_t *a, size_t i, char *buf, size_t n)
{
	const mmu_paging_t *pg = e->pg;
	const step_t *s = &a->steps[i];
	flag_t f[8];
	size_t nf = flags_of(pg, s->level, step_is_leaf(pg, s), f);
	if (!mmu_pte_bit(s->value, pg->bit_present)) { /* W4: the other bits mean nothing then */
		snprintf(buf, n, "%s0: not present, fault", f[0].name);
		return;
	}
	int k = 0;
	for (size_t j = 0; j < nf; j++)
		if (f[j].bit >= 0)
			k += snprintf(buf + k, n - (size_t)k, "%s%s%d", k ? " " : "", f[j].name,
			              mmu_pte_bit(s->value, f[j].bit));
	bool last_read = i + 1 == a->nsteps || (i + 2 == a->nsteps && a->steps[i + 1].write);
	if (last_read && a->probe.res.fault && a->probe.res.cause == MMU_CAUSE_RESERVED) {
		snprintf(buf + k, n - (size_t)k, ": reserved bit set, fault");
		return;
	}
	uint64_t frame = mmu_pte_frame(pg, s->value);
	uint64_t pfn = field(s->value, pg->pfn_lsb, pg->pfn_bits);
	k += snprintf(buf + k, n - (size_t)k, " pfn 0x%" PRIx64, pfn);
	if (!strcmp(pg->name, "textbook")) /* classroom systems count pages in decimal */
		k += snprintf(buf + k, n - (size_t)k, " (%" PRIu64 ")", pfn);
	if (!mmu_pte_is_leaf(pg, s->value, s->level)) {
		snprintf(buf + k, n - (size_t)k, " -> table 0x%" PRIx64, frame);
		return;
	}
	char size[32];
	unsigned shift = mmu_paging_shift(pg, s->level);
	size_text(UINT64_C(1) << shift, size, sizeof size);
	k += snprintf(buf + k, n - (size_t)k, " -> %s page 0x%" PRIx64, size, frame & ~((UINT64_C(1) << shift) - 1));
	if (last_read && a->probe.res.fault && a->probe.res.cause == MMU_CAUSE_PROTECTION) {
		char why[128];
		protection_reason(e, a, why, sizeof why);
		snprintf(buf + k, n - (size_t)k, ": %s, fault", why);
	}
}

/* W7: what a write-back sets, and why the walker had to write it before going on. */
static void decode_write(const explain_t *e, const step_t *s, char *buf, size_t n)
{
	const mmu_paging_t *pg = e->pg;
	bool set_a = !mmu_pte_bit(s->before, pg->bit_accessed) && mmu_pte_bit(s->value, pg->bit_accessed);
	bool set_d =
	    pg->bit_dirty >= 0 && !mmu_pte_bit(s->before, pg->bit_dirty) && mmu_pte_bit(s->value, pg->bit_dirty);
	if (set_a && set_d)
		snprintf(buf, n, "sets A D: a store through the leaf, so the page is marked used and written (W7)");
	else if (set_d)
		snprintf(buf, n,
		         "sets D: a store to a page not yet written (D was 0), so the page is marked written (W7)");
	else if (set_a && step_is_leaf(pg, s))
		snprintf(buf, n, "sets A: the walker used this leaf with A = 0, so the page is marked used (W7)");
	else if (set_a)
		snprintf(buf, n, "sets A: the walker used this entry with A = 0, so it is marked used (W7)");
	else
		snprintf(buf, n, "writes the entry back unchanged");
}

/*
 * Page tables whose entries point back at a table of the same walk (a self-map, or a corrupt dump) are no trap for
 * the walker: it reads one entry per level and stops at level 1 (W3), so a cycle ends in a translation or a fault.
 * Said once, at the first entry that points back.
 */
static void print_cycle_note(FILE *out, const explain_t *e, const attempt_t *a)
{
	const mmu_paging_t *pg = e->pg;
	for (size_t i = 0; i < a->nsteps; i++) {
		const step_t *s = &a->steps[i];
		if (s->write || !mmu_pte_bit(s->value, pg->bit_present))
			continue;
		uint64_t frame = mmu_pte_frame(pg, s->value);
		if (mmu_pte_is_leaf(pg, s->value, s->level))
			frame &= ~((UINT64_C(1) << mmu_paging_shift(pg, s->level)) - 1);
		for (size_t j = 0; j <= i; j++) {
			if (a->steps[j].write || a->steps[j].table != frame)
				continue;
			fprintf(out,
			        "  note: step %zu points back to the %s of step %zu (0x%" PRIx64
			        "): the tables form a cycle;"
			        " the walk reads one entry per level, so it still ends after %u levels\n",
			        i + 1, explain_level_name(pg, a->steps[j].level), j + 1, frame, pg->levels);
			return;
		}
	}
}

static void print_walk(FILE *out, const explain_t *e, const attempt_t *a)
{
	if (!a->nsteps)
		return;
	const mmu_paging_t *pg = e->pg;
	if (a->pwc_level)
		fprintf(out,
		        "page walk from the %s at 0x%" PRIx64 ": the %s entry came from the level-%u page-walk cache, "
		        "%u read%s skipped\n",
		        explain_level_name(pg, a->pwc_level - 1), a->pwc_table, explain_level_name(pg, a->pwc_level),
		        a->pwc_level, pg->levels - a->pwc_level + 1, pg->levels - a->pwc_level + 1 == 1 ? "" : "s");
	else
		fprintf(out, "page walk from the root table at 0x%" PRIx64 " (%s)%s\n", mmu_paging_root(pg, a->cr3),
		        strcmp(pg->name, "textbook") ? "CR3" : "the page-directory base register, PDBR",
		        pwc_latency(e->cfg) ? ", no page-walk cache hit" : "");
	bool dc = e->cfg->mem.dcache.entries != 0;
	table_t t;
	table_init(&t, dc ? 8 : 7, true);
	const char *head[] = {"#", "op", "cycles", "entry", "address", "value", "meaning", "dcache"};
	table_add(&t, head);
	for (size_t i = 0; i < a->nsteps; i++) {
		const step_t *s = &a->steps[i];
		char v[64], what[TABLE_CELL];
		int r = table_row(&t);
		value_text(pg, s->value, v, sizeof v);
		if (s->write)
			decode_write(e, s, what, sizeof what);
		else
			decode_read(e, a, i, what, sizeof what);
		table_set(&t, r, 0, "%zu", i + 1);
		table_set(&t, r, 1, "%s", s->write ? "wr" : "rd");
		table_set(&t, r, 2, "%" PRIu64 "..%" PRIu64, s->first, s->last);
		table_set(&t, r, 3, "%s[%" PRIu64 "]", explain_level_name(pg, s->level), s->index);
		table_set(&t, r, 4, "0x%" PRIx64, s->pte_addr);
		table_set(&t, r, 5, "%s", v);
		table_set(&t, r, 6, "%s", what);
		if (dc)
			table_set(&t, r, 7, "%s", s->dcache_hit ? "hit" : "miss");
	}
	table_print(out, &t, "  ", false);
	print_cycle_note(out, e, a);
	size_t writes = 0;
	for (size_t i = 0; i < a->nsteps; i++)
		writes += a->steps[i].write;
	if (writes)
		fprintf(out,
		        "  %zu accesses = %zu read%s (one entry per level walked, W3) + %zu write-back%s of the "
		        "accessed/dirty "
		        "bits (W7)\n",
		        a->nsteps, a->nsteps - writes, a->nsteps - writes == 1 ? "" : "s", writes,
		        writes == 1 ? "" : "s");
}

static void print_result(FILE *out, const explain_t *e, const attempt_t *a)
{
	const mmu_result_t *r = &a->probe.res;
	const char *who = answer_names[r->level & 3];
	if (!r->fault) {
		uint64_t off = field(e->va, 0, page_shift(e));
		fprintf(out, "result: paddr 0x%" PRIx64 " = page 0x%" PRIx64 " + offset 0x%" PRIx64 " (%s)", r->paddr,
		        r->paddr - off, off, who);
		if (e->dump)
			fprintf(out, "; memory holds 0x%02" PRIx64 " there",
			        mmu_physmem_read(mmu_sim_physmem(e->sim), r->paddr, 1));
		fputc('\n', out);
		return;
	}
	if (r->cause == MMU_CAUSE_NONCANONICAL && e->pg->sign_extend) { /* x86 raises #GP here, not a page fault */
		fprintf(out, "result: fault, address not canonical (%s); on x86 a general-protection exception\n", who);
		return;
	}
	if (r->cause == MMU_CAUSE_NONCANONICAL) { /* the textbook system: the address space simply ends */
		fprintf(out,
		        "result: fault, the address lies beyond the %u-bit virtual address space (%s): no page table "
		        "covers it\n",
		        e->pg->va_bits, who);
		return;
	}
	fprintf(out, "result: page fault, %s (%s); error code 0x%02x = P%d W%d U%d RSVD%d I/D%d\n",
	        cause_names[r->cause < 5 ? r->cause : 0], who, r->ecode, !!(r->ecode & MMU_EC_P),
	        !!(r->ecode & MMU_EC_W), !!(r->ecode & MMU_EC_U), !!(r->ecode & MMU_EC_RSVD), !!(r->ecode & MMU_EC_ID));
}

/* The latency split into the stages of docs/timing.md ("Statistics and AMAT"), read off the recorded cycles. */
static void print_cycles(FILE *out, const explain_t *e, const attempt_t *a)
{
	const mmu_cfg_t *c = e->cfg;
	uint64_t total = a->probe.res.latency;
	uint64_t h1 = e->port == MMU_REQ_D ? c->l1d.hit_latency : c->l1i.hit_latency;
	uint64_t pre = a->nsteps ? a->steps[0].first : total;
	uint64_t pwc = a->nsteps ? pwc_latency(c) : 0; /* W9: the lookup before the first access */
	fprintf(out, "cycles: %" PRIu64 " = L1 lookup %" PRIu64, total, h1 < total ? h1 : total);
	if (pre > h1 + pwc)
		fprintf(out, " + %s %" PRIu64, c->l2.entries ? "L2 lookup" : "wait", pre - h1 - pwc);
	if (pwc)
		fprintf(out, " + page-walk caches %" PRIu64, pwc);
	if (!a->nsteps) {
		fputc('\n', out);
		return;
	}
	if (c->mem.dcache.entries) {
		size_t hits = 0;
		for (size_t i = 0; i < a->nsteps; i++)
			hits += a->steps[i].dcache_hit;
		fprintf(out,
		        " + walk %" PRIu64 " (%zu access%s: %zu dcache hit%s x %u, %zu miss%s x mem.latency + 1)\n",
		        total - pre, a->nsteps, a->nsteps == 1 ? "" : "es", hits, hits == 1 ? "" : "s",
		        c->mem.dcache.hit_latency + 1, a->nsteps - hits, a->nsteps - hits == 1 ? "" : "es");
		return;
	}
	uint64_t each = a->steps[0].last - a->steps[0].first + 1;
	bool same = true;
	for (size_t i = 0; i < a->nsteps; i++)
		same = same && a->steps[i].last - a->steps[i].first + 1 == each;
	fprintf(out, " + walk %" PRIu64 " (%zu access%s", total - pre, a->nsteps, a->nsteps == 1 ? "" : "es");
	if (same && each * a->nsteps == total - pre)
		fprintf(out, " x %" PRIu64 " = mem.latency + 1", each);
	fputs(")\n", out);
}

static void print_attempt(FILE *out, const explain_t *e, const attempt_t *a)
{
	print_tlbs(out, e, a);
	print_walk(out, e, a);
	print_result(out, e, a);
	print_cycles(out, e, a);
}

void explain_print_text(FILE *out, const explain_t *e)
{
	print_header(out, e);
	print_split(out, e);
	fputc('\n', out);
	if (e->natt == 1) {
		print_attempt(out, e, &e->att[0]);
		return;
	}
	fprintf(out, "first attempt\n");
	print_attempt(out, e, &e->att[0]);
	char size[32] = ""; /* named for a huge page only, as the base page goes without saying */
	if (e->page_level > 1)
		size_text(UINT64_C(1) << page_shift(e), size, sizeof size);
	fprintf(out,
	        "\nOS: demand fault, %s%spage 0x%" PRIx64 " mapped to frame 0x%" PRIx64 "; %" PRIu64
	        " cycles (os.fault_cycles), then the access is retried\n\n",
	        size, size[0] ? " " : "", e->va & ~((UINT64_C(1) << page_shift(e)) - 1), e->frame, e->fault_cycles);
	fprintf(out, "retry\n");
	print_attempt(out, e, &e->att[1]);
	uint64_t l0 = e->att[0].probe.res.latency, l1 = e->att[1].probe.res.latency;
	fprintf(out, "\ntotal: %" PRIu64 " cycles = %" PRIu64 " (fault) + %" PRIu64 " (OS) + %" PRIu64 " (retry)\n",
	        l0 + e->fault_cycles + l1, l0, e->fault_cycles, l1);
}

/* ---- JSON ---- */

static cJSON *num(cJSON *obj, const char *name, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return cJSON_AddItemToObject(obj, name, cJSON_CreateRaw(buf)) ? obj : NULL;
}

static cJSON *hex(cJSON *obj, const char *name, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "0x%" PRIx64, v);
	return cJSON_AddStringToObject(obj, name, buf) ? obj : NULL;
}

static int json_steps(cJSON *arr, const explain_t *e, const attempt_t *a)
{
	int err = 0;
	for (size_t i = 0; i < a->nsteps; i++) {
		const step_t *s = &a->steps[i];
		cJSON *o = cJSON_CreateObject();
		err |= !o || !cJSON_AddItemToArray(arr, o);
		if (err)
			return -1;
		err |= !cJSON_AddStringToObject(o, "op", s->write ? "write" : "read");
		err |= !num(o, "level", s->level);
		err |= !cJSON_AddStringToObject(o, "table_name", explain_level_name(e->pg, s->level));
		err |= !num(o, "table", s->table) || !num(o, "index", s->index) || !num(o, "address", s->pte_addr);
		err |= !num(o, "value", s->value) || !hex(o, "value_hex", s->value);
		err |= !num(o, "first_cycle", s->first) || !num(o, "last_cycle", s->last);
		if (e->cfg->mem.dcache.entries)
			err |= !cJSON_AddStringToObject(o, "dcache", s->dcache_hit ? "hit" : "miss");
	}
	return err ? -1 : 0;
}

static int json_tlbs(cJSON *arr, const explain_t *e, const attempt_t *a)
{
	int err = 0;
	uint64_t vpn = vpn_of(e);
	for (int i = 0; i < 2; i++) {
		const tlb_view_t *v = &a->tlb[i];
		if (!v->tlb)
			continue;
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o))
			return -1;
		unsigned sets = mmu_tlb_sets(v->tlb);
		const char *result = v->after.hits != v->before.hits       ? "hit"
		                     : v->after.misses != v->before.misses ? "miss"
		                                                           : "none";
		err |= !cJSON_AddStringToObject(o, "tlb", v->key);
		err |= !num(o, "sets", sets) || !num(o, "ways", mmu_tlb_ways(v->tlb));
		err |= !num(o, "set", vpn & (sets - 1)) || !num(o, "tag", vpn >> log2u(sets));
		err |= !cJSON_AddStringToObject(o, "result", result);
		err |= !cJSON_AddBoolToObject(o, "filled", v->slot_before < 0 && v->slot_after >= 0);
	}
	return err ? -1 : 0;
}

static int json_outcome(cJSON *o, const explain_t *e, const attempt_t *a)
{
	const mmu_result_t *r = &a->probe.res;
	int err = !cJSON_AddBoolToObject(o, "fault", r->fault);
	err |= !num(o, "fault_level", a->fault_level);
	if (pwc_latency(e->cfg))
		err |= !num(o, "pwc_level", a->pwc_level);
	err |= !cJSON_AddStringToObject(o, "cause", cause_names[r->cause < 5 ? r->cause : 0]);
	err |= !num(o, "error_code", r->ecode);
	err |= !cJSON_AddStringToObject(o, "answered_by", answer_keys[r->level & 3]);
	if (r->fault) {
		err |= !cJSON_AddNullToObject(o, "paddr") || !cJSON_AddNullToObject(o, "value");
	} else {
		err |= !num(o, "paddr", r->paddr) || !hex(o, "paddr_hex", r->paddr);
		err |= !num(o, "value", mmu_physmem_read(mmu_sim_physmem(e->sim), r->paddr, 1));
	}
	return err;
}

static int json_attempt(cJSON *arr, const explain_t *e, const attempt_t *a)
{
	cJSON *o = cJSON_CreateObject(), *tlbs = cJSON_CreateArray(), *steps = cJSON_CreateArray();
	int err = !o || !cJSON_AddItemToArray(arr, o);
	err |= !tlbs || !cJSON_AddItemToObject(o, "tlb", tlbs);
	err |= !steps || !cJSON_AddItemToObject(o, "steps", steps);
	if (err)
		return -1;
	err |= !num(o, "cycles", a->probe.res.latency);
	err |= json_outcome(o, e, a) || json_tlbs(tlbs, e, a) || json_steps(steps, e, a);
	return err ? -1 : 0;
}

static int json_split(cJSON *obj, const explain_t *e)
{
	cJSON *fields = cJSON_CreateArray();
	int err = !fields || !cJSON_AddItemToObject(obj, "fields", fields);
	for (unsigned level = e->pg->levels; !err && level >= e->page_level; level--) {
		cJSON *f = cJSON_CreateObject();
		err |= !f || !cJSON_AddItemToArray(fields, f);
		err |= err || !cJSON_AddStringToObject(f, "name", explain_level_name(e->pg, level));
		err |= err || !num(f, "index", mmu_paging_index(e->pg, e->va, level));
	}
	err |= !num(obj, "offset", field(e->va, 0, page_shift(e)));
	err |= !num(obj, "vpn", vpn_of(e));
	/* every translation names its page size, so a script need not guess from a missing key */
	err |= !num(obj, "page_level", e->page_level) || !num(obj, "page_size", UINT64_C(1) << page_shift(e));
	err |= !cJSON_AddStringToObject(obj, "leaf_table", explain_level_name(e->pg, e->page_level));
	return err ? -1 : 0;
}

int explain_print_json(FILE *out, const explain_t *e)
{
	cJSON *obj = cJSON_CreateObject(), *attempts = cJSON_CreateArray();
	int err = !obj || !attempts;
	const attempt_t *last = &e->att[e->natt - 1];
	uint64_t total = e->fault_cycles;
	for (int i = 0; i < e->natt; i++)
		total += e->att[i].probe.res.latency;
	if (!err) {
		err |= !num(obj, "vaddr", e->va) || !hex(obj, "vaddr_hex", e->va);
		err |= !cJSON_AddStringToObject(obj, "op", explain_op_name(e->op));
		err |= !cJSON_AddStringToObject(obj, "mode", e->pg->name);
		err |= json_split(obj, e) || json_outcome(obj, e, last);
		err |= !num(obj, "cycles", total) || !num(obj, "os_fault_cycles", e->fault_cycles);
		for (int i = 0; i < e->natt && !err; i++)
			err |= json_attempt(attempts, e, &e->att[i]);
		if (!err && cJSON_AddItemToObject(obj, "attempts", attempts))
			attempts = NULL;
		else
			err = 1;
	}
	cJSON_Delete(attempts);
	if (err) {
		cJSON_Delete(obj);
		return -1;
	}
	return json_print(out, obj);
}
