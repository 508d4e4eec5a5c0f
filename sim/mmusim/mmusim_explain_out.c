/*
 * The text of `mmusim explain`, compact for slides; its phrases (an entry's meaning, a TLB's outcome, the result)
 * are shared with the JSON (mmusim_explain_json.c), so the page and the text say the same.
 */
#define _POSIX_C_SOURCE 200809L /* fmemopen */
#include <inttypes.h>
#include <string.h>

#include "mmusim_explain.h"
#include "mmusim_results.h"
#include "mmusim_table.h"

const char *const explain_cause_names[] = {"none", "not present", "protection", "reserved bit set", "non-canonical"};
static const char *const answer_names[] = {"answered by the L1 TLB", "answered by the L2 TLB",
                                           "answered by the page walk", "answered without a lookup, T7"};
const char *const explain_answer_keys[] = {"l1", "l2", "walk", "none"};

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
unsigned explain_page_shift(const explain_t *e)
{
	return mmu_paging_shift(e->pg, e->page_level);
}

/* The VPN as the TLB forms it for the page's size: the address bits above its offset (docs/timing.md, TLB). */
uint64_t explain_vpn(const explain_t *e)
{
	return field(e->va, explain_page_shift(e), e->pg->va_bits - explain_page_shift(e));
}

unsigned explain_log2u(unsigned v)
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
uint64_t explain_pwc_latency(const mmu_cfg_t *c)
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
	/* a user access is the default, as every access of a trace is one: only the other is named */
	fprintf(out, "mmusim explain: %s%s 0x%" PRIx64 "\n", e->user ? "" : "supervisor ", explain_op_name(e->op),
	        e->va);
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
	unsigned shift = explain_page_shift(e),
	         leaf = e->page_level; /* a huge page's walk has no fields below its leaf */
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
		table_set(&t, name, col, "%s",
		          explain_is_riscv(pg) ? explain_riscv_vpn_name(level) : explain_level_name(pg, level));
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
void explain_tlb_outcome(const explain_t *e, const attempt_t *a, const tlb_view_t *v, char *buf, size_t n)
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
	uint64_t vpn = explain_vpn(e);
	if (e->page_level > 1) { /* a lookup probes one set per page size; this is the set of the page's size */
		char size[32];
		size_text(UINT64_C(1) << explain_page_shift(e), size, sizeof size);
		fprintf(out,
		        "TLB lookups (%s page: VPN = address bits %u..%u = 0x%" PRIx64
		        "; set = VPN mod sets, tag = VPN / sets)\n",
		        size, e->pg->va_bits - 1, explain_page_shift(e), vpn);
	} else {
		fprintf(out, "TLB lookups (VPN 0x%" PRIx64 "; set = VPN mod sets, tag = VPN / sets)\n", vpn);
	}
	table_t t;
	table_init(&t, 5, false);
	for (int i = 0; i < 2; i++) {
		const tlb_view_t *v = &a->tlb[i];
		int r = table_row(&t);
		char what[160];
		explain_tlb_outcome(e, a, v, what, sizeof what);
		table_set(&t, r, 0, "%s", v->name);
		if (!v->tlb) {
			table_set(&t, r, 1, "%s", what);
			continue;
		}
		unsigned sets = mmu_tlb_sets(v->tlb), ways = mmu_tlb_ways(v->tlb);
		table_set(&t, r, 1, "%u set%s x %u way%s", sets, sets == 1 ? "" : "s", ways, ways == 1 ? "" : "s");
		table_set(&t, r, 2, "set %" PRIu64, vpn & (sets - 1));
		table_set(&t, r, 3, "tag 0x%" PRIx64, vpn >> explain_log2u(sets));
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

/*
 * The flags an entry of this kind has (Intel SDM Vol. 3A, 4.5, Tables 4-14 to 4-20): D and G only in a leaf (an
 * entry that points to a table ignores those bits); PS only at a level whose entries may map a page (a PML4 entry
 * must have it 0, a PT entry's bit 7 is PAT).
 */
size_t explain_flags(const mmu_paging_t *pg, unsigned level, bool leaf, flag_t *f)
{
	if (explain_is_riscv(pg)) /* every entry has all eight (4.3.1); a pointer's U, A, D must be 0 */
		return explain_riscv_flags(pg, f);
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
bool explain_step_is_leaf(const mmu_paging_t *pg, const step_t *s)
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
	size_t nf = explain_flags(pg, s->level, explain_step_is_leaf(pg, s), f);
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
	if (last_read && a->probe.res.fault && a->probe.res.cause == MMU_CAUSE_RESERVED && explain_is_riscv(pg)) {
		k += snprintf(buf + k, n - (size_t)k, ": ");
		explain_riscv_reserved(pg, s->value, s->level, buf + k, n - (size_t)k);
		return;
	}
	if (last_read && a->probe.res.fault && a->probe.res.cause == MMU_CAUSE_RESERVED) {
		snprintf(buf + k, n - (size_t)k, ": reserved bit set, fault");
		return;
	}
	uint64_t frame = mmu_pte_frame(pg, s->value);
	uint64_t pfn = field(s->value, pg->pfn_lsb, pg->pfn_bits);
	if (explain_is_riscv(pg))
		k += snprintf(buf + k, n - (size_t)k, " (%s)", explain_riscv_kind(pg, s->value));
	k += snprintf(buf + k, n - (size_t)k, explain_is_riscv(pg) ? " ppn 0x%" PRIx64 : " pfn 0x%" PRIx64, pfn);
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
		if (explain_is_riscv(pg))
			explain_riscv_protection(e, s->value, why, sizeof why);
		else
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
	else if (set_a && explain_step_is_leaf(pg, s))
		snprintf(buf, n, "sets A: the walker used this leaf with A = 0, so the page is marked used (W7)");
	else if (set_a)
		snprintf(buf, n, "sets A: the walker used this entry with A = 0, so it is marked used (W7)");
	else
		snprintf(buf, n, "writes the entry back unchanged");
}

void explain_step_meaning(const explain_t *e, const attempt_t *a, size_t i, char *buf, size_t n)
{
	if (a->steps[i].write)
		decode_write(e, &a->steps[i], buf, n);
	else
		decode_read(e, a, i, buf, n);
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
		        explain_is_riscv(pg)           ? "satp.PPN x 4 KiB"
		        : strcmp(pg->name, "textbook") ? "CR3"
		                                       : "the page-directory base register, PDBR",
		        explain_pwc_latency(e->cfg) ? ", no page-walk cache hit" : "");
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
		explain_step_meaning(e, a, i, what, sizeof what);
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
		uint64_t off = field(e->va, 0, explain_page_shift(e));
		fprintf(out, "result: paddr 0x%" PRIx64 " = page 0x%" PRIx64 " + offset 0x%" PRIx64 " (%s)", r->paddr,
		        r->paddr - off, off, who);
		if (e->dump)
			fprintf(out, "; memory holds 0x%02" PRIx64 " there",
			        mmu_physmem_read(mmu_sim_physmem(e->sim), r->paddr, 1));
		fputc('\n', out);
		return;
	}
	if (explain_is_riscv(e->pg)) { /* every cause is the access's page fault (4.1.9) */
		explain_riscv_result(out, e, r, who);
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
	if (!strcmp(e->pg->name, "textbook")) { /* the error code is x86's: the textbook system only names the cause */
		fprintf(out, "result: page fault, %s (%s)\n", explain_cause_names[r->cause < 5 ? r->cause : 0], who);
		return;
	}
	fprintf(out, "result: page fault, %s (%s); error code 0x%02x = P%d W%d U%d RSVD%d I/D%d\n",
	        explain_cause_names[r->cause < 5 ? r->cause : 0], who, r->ecode, !!(r->ecode & MMU_EC_P),
	        !!(r->ecode & MMU_EC_W), !!(r->ecode & MMU_EC_U), !!(r->ecode & MMU_EC_RSVD), !!(r->ecode & MMU_EC_ID));
}

/* The latency split into the stages of docs/timing.md ("Statistics and AMAT"), read off the recorded cycles. */
static void print_cycles(FILE *out, const explain_t *e, const attempt_t *a)
{
	const mmu_cfg_t *c = e->cfg;
	uint64_t total = a->probe.res.latency;
	uint64_t h1 = e->port == MMU_REQ_D ? c->l1d.hit_latency : c->l1i.hit_latency;
	uint64_t pre = a->nsteps ? a->steps[0].first : total;
	uint64_t pwc = a->nsteps ? explain_pwc_latency(c) : 0; /* W9: the lookup before the first access */
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

/* What a printer of one attempt writes, as one line without its newline. */
static void capture(char *buf, size_t n, void (*print)(FILE *, const explain_t *, const attempt_t *),
                    const explain_t *e, const attempt_t *a)
{
	FILE *f = fmemopen(buf, n, "w");
	buf[0] = '\0';
	if (!f)
		return;
	print(f, e, a);
	fclose(f);
	buf[n - 1] = '\0';
	size_t len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
}

void explain_result_text(const explain_t *e, const attempt_t *a, char *buf, size_t n)
{
	capture(buf, n, print_result, e, a);
}

void explain_cycles_text(const explain_t *e, const attempt_t *a, char *buf, size_t n)
{
	capture(buf, n, print_cycles, e, a);
}

static void print_attempt(FILE *out, const explain_t *e, const attempt_t *a)
{
	print_tlbs(out, e, a);
	print_walk(out, e, a);
	print_result(out, e, a);
	print_cycles(out, e, a);
}

void explain_os_text(const explain_t *e, char *buf, size_t n)
{
	char size[32] = ""; /* named for a huge page only, as the base page goes without saying */
	if (e->page_level > 1)
		size_text(UINT64_C(1) << explain_page_shift(e), size, sizeof size);
	snprintf(buf, n,
	         "OS: demand fault, %s%spage 0x%" PRIx64 " mapped to frame 0x%" PRIx64 "; %" PRIu64
	         " cycles (os.fault_cycles), then the access is retried",
	         size, size[0] ? " " : "", e->va & ~((UINT64_C(1) << explain_page_shift(e)) - 1), e->frame,
	         e->fault_cycles);
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
	char os[256];
	explain_os_text(e, os, sizeof os);
	fprintf(out, "\n%s\n\n", os);
	fprintf(out, "retry\n");
	print_attempt(out, e, &e->att[1]);
	uint64_t l0 = e->att[0].probe.res.latency, l1 = e->att[1].probe.res.latency;
	fprintf(out, "\ntotal: %" PRIu64 " cycles = %" PRIu64 " (fault) + %" PRIu64 " (OS) + %" PRIu64 " (retry)\n",
	        l0 + e->fault_cycles + l1, l0, e->fault_cycles, l1);
}
