/* Functional coverage: the bins of cosim_cover.def, their sampling, the report's section and the README listing. */
#include "cosim_cover.h"

#include <ctype.h>
#include <inttypes.h>
#include <string.h>

#include "cosim_world.h"

enum {
#define COVER_AXIS(id, values, title, names) AX_##id,
#include "cosim_cover.def"
	AXES
};

enum {
	NEED_ANY = 0,
	NEED_L2 = 1 << 0,
	NEED_PCID = 1 << 1,
	NEED_X86 = 1 << 2,
	NEED_RISCV = 1 << 3,
	NEED_AD_WRITE = 1 << 4,
	NEED_LEAF4 = 1 << 5,
	NEED_LEAF5 = 1 << 6,
	NEED_NO_PCID = 1 << 7, /* for COVER_NEVER: a bin that only PCIDs make reachable */
	NEED_PWC_L2 = 1 << 8,  /* .. NEED_PWC_L5: the page-walk cache of level 2 .. 5 */
	NEED_PWC_L3 = 1 << 9,
	NEED_PWC_L4 = 1 << 10,
	NEED_PWC_L5 = 1 << 11,
};

typedef struct axis {
	const char *title, *names;
	unsigned n;
} axis_t;

static const axis_t axes[AXES] = {
#define COVER_AXIS(id, values, title, names) [AX_##id] = {title, names, values},
#include "cosim_cover.def"
};

typedef struct group {
	const char *id, *title, *rules;
	unsigned ax[4];
	unsigned first;
} group_t;

static const group_t groups[COVER_GROUPS] = {
#define COVER_GROUP(id, title, rules, a1, a2, a3, a4)                                                                  \
	[COVER_G_##id] = {#id, title, rules, {AX_##a1, AX_##a2, AX_##a3, AX_##a4}, COVER_B_##id},
#include "cosim_cover.def"
};

static const struct {
	unsigned axis, index, need;
} needs[] = {
#define COVER_NEEDS(axis, index, need) {AX_##axis, index, need},
#include "cosim_cover.def"
};

static const struct {
	const char *bin;
	unsigned where;
	const char *why;
} nevers[] = {
#define COVER_NEVER(bin, where, why) {bin, where, why},
#include "cosim_cover.def"
};

/* ---- sampling (every cycle: kept to a few comparisons) ---- */

static inline unsigned bin(cosim_cover_group_t g, unsigned i1, unsigned i2, unsigned i3, unsigned i4)
{
	const unsigned *ax = groups[g].ax;
	return groups[g].first + ((i1 * axes[ax[1]].n + i2) * axes[ax[2]].n + i3) * axes[ax[3]].n + i4;
}

static inline void hit(cosim_cover_t *cv, cosim_cover_group_t g, unsigned i1, unsigned i2, unsigned i3, unsigned i4)
{
	cv->hits[bin(g, i1, i2, i3, i4)]++;
}

/* M9: the write-back the memory takes at this edge is refused; which bits of the entry changed since its read. */
static void note_refusal(cosim_cover_t *cv, const cosim_env_t *env, const mmu_out_t *exp)
{
	uint64_t mask = 0;
	for (unsigned i = 0; i < 8; i++)
		if (exp->mem_req_wstrb >> i & 1)
			mask |= UINT64_C(0xff) << (8 * i);
	uint64_t changed = (mmu_physmem_read_word(env->pm, exp->mem_req_addr) ^ exp->mem_req_cmp) & mask;
	if (!changed)
		return;
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	unsigned shift = 0;
	while (shift < 56 && !(mask >> shift & 1))
		shift += 8;
	changed >>= shift;
	if (pg->bit_writable >= 0 && (changed >> pg->bit_writable & 1))
		hit(cv, COVER_G_REFUSED, 1, 0, 0, 0);
	else if ((pg->bit_accessed >= 0 && (changed >> pg->bit_accessed & 1)) ||
	         (pg->bit_dirty >= 0 && (changed >> pg->bit_dirty & 1)))
		hit(cv, COVER_G_REFUSED, 0, 0, 0, 0);
	else
		hit(cv, COVER_G_REFUSED, 2, 0, 0, 0);
}

void cosim_cover_cycle(cosim_cover_t *cv, const cosim_env_t *env, const mmu_in_t *in, const mmu_out_t *exp)
{
	if (exp->mem_req_valid && exp->mem_req_write && in->mem_req_ready)
		note_refusal(cv, env, exp);
	if (exp->mem_req_valid && !in->mem_req_ready) /* M1: the request waits */
		hit(cv, COVER_G_STALL, exp->mem_req_write ? 1 : 0, 0, 0, 0);
	if (in->req_valid[0] && exp->req_ready[0] && in->req_valid[1] && exp->req_ready[1])
		hit(cv, COVER_G_BOTH, 0, 0, 0, 0);
	if (exp->resp_valid[0] && exp->resp_valid[1])
		hit(cv, COVER_G_BOTH, 1, 0, 0, 0);
	if (!in->flush_valid && !in->cr3_we)
		return;
	unsigned w = mmu_walker_state(env->mmu);
	if (in->flush_valid && in->flush_op < COVER_AXN_FLUSH)
		hit(cv, COVER_G_FLUSH, (unsigned)in->flush_op, w, 0, 0);
	if (in->cr3_we)
		hit(cv, COVER_G_CR3, w, 0, 0, 0);
}

/* Whether TLB t holds a valid entry of leaf level `level` that a lookup of vaddr in pcid matches. */
static bool tlb_matches(const mmu_tlb_t *t, const mmu_paging_t *pg, uint64_t vaddr, uint16_t pcid, unsigned level)
{
	unsigned shift = mmu_paging_shift(pg, level);
	uint64_t vpn = (vaddr >> shift) & ((UINT64_C(1) << (pg->va_bits - shift)) - 1);
	unsigned set = (unsigned)(vpn & (mmu_tlb_sets(t) - 1));
	for (unsigned w = 0; w < mmu_tlb_ways(t); w++) {
		const mmu_tlb_entry_t *e = mmu_tlb_entry(t, set, w);
		if (e->valid && e->level == level && e->vpn == vpn && (e->global || e->pcid == pcid))
			return true;
	}
	return false;
}

/* The bins that depend on where the world put an address: rights restricted above the leaf, the resized page. */
static void world_bins(cosim_cover_t *cv, const cosim_env_t *env, unsigned p, const mmu_out_t *o)
{
	uint64_t va = env->inflight_vaddr[p];
	static const unsigned w6[] = {RG_W6RO, RG_W6SUPER, RG_W6NX};
	for (unsigned k = 0; k < 3; k++) {
		const cosim_region_t *r = cosim_region(env, w6[k]);
		if (va - r->va >= r->pages * cosim_region_page_size(r))
			continue;
		if (!o->resp_fault[p])
			hit(cv, COVER_G_W6, k, 2, 0, 0);
		else if (o->resp_cause[p] == MMU_CAUSE_PROTECTION)
			hit(cv, COVER_G_W6, k, o->resp_level[p] == MMU_LEVEL_WALK ? 0 : 1, 0, 0);
		return;
	}
	const cosim_region_t *r = cosim_region(env, RG_RESIZE);
	unsigned level = (unsigned)o->resp_level[p];
	if (va - r->va >= (UINT64_C(1) << 21) || o->resp_fault[p] || level > MMU_LEVEL_L2)
		return;
	const mmu_tlb_t *t = mmu_tlb(env->mmu, level == MMU_LEVEL_L1 ? (mmu_tlb_id_t)p : MMU_TLB_L2);
	const mmu_paging_t *pg = mmu_paging(env->mmu);
	uint16_t pcid = mmu_current_pcid(env->mmu);
	if (tlb_matches(t, pg, va, pcid, 1) && tlb_matches(t, pg, va, pcid, 2)) /* R6: the 4 KiB entry answered */
		hit(cv, COVER_G_R6, level, 0, 0, 0);
}

void cosim_cover_response(cosim_cover_t *cv, const cosim_env_t *env, unsigned p, const mmu_out_t *o)
{
	unsigned op = env->inflight_op[p], priv = env->inflight_user[p] ? 0 : 1;
	unsigned level = (unsigned)o->resp_level[p], cause = (unsigned)o->resp_cause[p];
	if (op >= COVER_AXN_OP)
		return;
	if (o->resp_fault[p]) {
		if (cause >= 1 && cause <= COVER_AXN_CAUSE)
			hit(cv, COVER_G_FAULT, op, priv, cause - 1, 0);
		if (cause == MMU_CAUSE_PROTECTION && level <= MMU_LEVEL_WALK)
			hit(cv, COVER_G_PROT, level, 0, 0, 0);
	} else if (level <= MMU_LEVEL_WALK) {
		mmu_resp_detail_t d = mmu_resp_detail(env->mmu, p);
		if (d.page_level >= 1 && d.page_level <= COVER_AXN_SIZE)
			hit(cv, COVER_G_XLATE, d.page_level - 1u, op, priv, level);
		if (d.rewalk != MMU_REWALK_NONE)
			hit(cv, COVER_G_REWALK, d.rewalk == MMU_REWALK_FROM_L1 ? 0 : 1, 0, 0, 0);
	}
	if (env->world)
		world_bins(cv, env, p, o);
}

void cosim_cover_finish(cosim_cover_t *cv, const cosim_env_t *env)
{
	for (unsigned id = MMU_TLB_L1I; id <= MMU_TLB_L2; id++) {
		const mmu_tlb_t *t = mmu_tlb(env->mmu, (mmu_tlb_id_t)id);
		if (!t)
			continue;
		const mmu_tlb_fills_t *f = mmu_tlb_fills(t);
		unsigned lv = id == MMU_TLB_L2;
		cv->hits[bin(COVER_G_FILL, id, 0, 0, 0)] = f->invalid_way;
		cv->hits[bin(COVER_G_FILL, id, 1, 0, 0)] = f->copy_same_pcid + f->copy_new_global + f->copy_old_global;
		cv->hits[bin(COVER_G_FILL, id, 2, 0, 0)] = f->victim;
		cv->hits[bin(COVER_G_R7, lv, 0, 0, 0)] += f->copy_same_pcid;
		cv->hits[bin(COVER_G_R7, lv, 1, 0, 0)] += f->copy_new_global;
		cv->hits[bin(COVER_G_R7, lv, 2, 0, 0)] += f->copy_old_global;
	}
	/* W10: the lookups at the walks' starts that hit each page-walk cache (the caches' contents are compared) */
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++) {
		const mmu_tlb_t *t = mmu_pwc(env->mmu, n);
		if (t)
			cv->hits[bin(COVER_G_PWC, n - MMU_PWC_MIN_LEVEL, 0, 0, 0)] = mmu_tlb_counters(t)->hits;
	}
}

/* ---- names, applicability, report, listing ---- */

/* Value i of axis a, into buf. */
static const char *value_name(unsigned a, unsigned i, char *buf, size_t len)
{
	const char *s = axes[a].names;
	for (; i > 0 && s; i--) {
		s = strchr(s, ',');
		s = s ? s + 1 : NULL;
	}
	size_t n = s ? strcspn(s, ",") : 0;
	snprintf(buf, len, "%.*s", (int)n, s ? s : "");
	return buf;
}

/* Bin b's group, and its coordinates. */
static cosim_cover_group_t decode(unsigned b, unsigned idx[4])
{
	cosim_cover_group_t g = 0;
	while (g + 1 < COVER_GROUPS && groups[g + 1].first <= b)
		g++;
	unsigned r = b - groups[g].first;
	for (int k = 3; k >= 0; k--) {
		idx[k] = r % axes[groups[g].ax[k]].n;
		r /= axes[groups[g].ax[k]].n;
	}
	return g;
}

/* A group's id in lower case: the first part of its bins' names. */
static size_t group_name(cosim_cover_group_t g, char *buf, size_t len)
{
	size_t n = 0;
	for (const char *c = groups[g].id; *c && n + 1 < len; c++)
		buf[n++] = (char)tolower((unsigned char)*c);
	buf[n] = '\0';
	return n;
}

/* group.value.value...: the group's name, then the value of each axis used. */
static const char *bin_name(unsigned b, char *buf, size_t len)
{
	unsigned idx[4];
	cosim_cover_group_t g = decode(b, idx);
	size_t n = group_name(g, buf, len);
	for (unsigned k = 0; k < 4; k++) {
		if (groups[g].ax[k] == AX_NONE)
			continue;
		char v[32];
		n += (size_t)snprintf(buf + n, n < len ? len - n : 0, ".%s",
		                      value_name(groups[g].ax[k], idx[k], v, sizeof v));
	}
	return buf;
}

static unsigned bin_needs(unsigned b)
{
	unsigned idx[4], need = 0;
	cosim_cover_group_t g = decode(b, idx);
	for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++)
		for (unsigned k = 0; k < 4; k++)
			if (groups[g].ax[k] == needs[i].axis && idx[k] == needs[i].index)
				need |= needs[i].need;
	return need;
}

/* The needs of cosim_cover.def that this configuration has. */
static unsigned config_has(const mmu_cfg_t *cfg)
{
	unsigned has = NEED_X86, leaf_levels = 3;
	switch (cfg->paging.mode) {
	case MMU_MODE_SV57:
		leaf_levels++;
		/* fall through */
	case MMU_MODE_SV48:
		leaf_levels++;
		/* fall through */
	case MMU_MODE_SV39:
		has = NEED_RISCV | (cfg->paging.riscv_svadu ? NEED_AD_WRITE : 0);
		break;
	default:
		has |= NEED_AD_WRITE;
		break;
	}
	if (cfg->l2.entries)
		has |= NEED_L2;
	has |= cfg->pcid ? NEED_PCID : NEED_NO_PCID;
	if (leaf_levels >= 4)
		has |= NEED_LEAF4;
	if (leaf_levels >= 5)
		has |= NEED_LEAF5;
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++)
		if (cfg->pwc[n].entries) /* (the configuration refuses a cache of a level beyond the mode's) */
			has |= NEED_PWC_L2 << (n - MMU_PWC_MIN_LEVEL);
	return has;
}

/* Whether bin `name` is listed as never reachable in a configuration that has `has`. */
static bool never(const char *name, unsigned has)
{
	for (size_t i = 0; i < sizeof nevers / sizeof nevers[0]; i++)
		if (!strcmp(nevers[i].bin, name) && (nevers[i].where & has) == nevers[i].where)
			return true;
	return false;
}

/* Whether bin b can be hit in this configuration (and by any stimulus at all). */
static bool reachable(unsigned b, const mmu_cfg_t *cfg)
{
	char name[96];
	unsigned has = config_has(cfg);
	if ((bin_needs(b) & has) != bin_needs(b))
		return false;
	return !never(bin_name(b, name, sizeof name), has);
}

unsigned cosim_cover_empty(FILE *f, const char *prefix, const cosim_cover_t *cv, const mmu_cfg_t *cfg)
{
	unsigned n = 0;
	size_t indent = strlen(prefix), col = 0;
	char name[96];
	for (unsigned b = 0; b < COVER_BINS; b++) {
		if (cv->hits[b] || !reachable(b, cfg))
			continue;
		size_t len = strlen(bin_name(b, name, sizeof name));
		if (f && n == 0)
			col = (size_t)fprintf(f, "%s%s", prefix, name);
		else if (f && col + len + 2 > 118) /* wrapped under the first name */
			col = (size_t)fprintf(f, ",\n%*s%s", (int)indent, "", name) - 2;
		else if (f)
			col += (size_t)fprintf(f, ", %s", name);
		n++;
	}
	if (f && n)
		fputc('\n', f);
	return n;
}

void cosim_cover_report(FILE *f, const cosim_cover_t *cv, const mmu_cfg_t *cfg, bool all)
{
	unsigned total = 0, hit_bins = 0;
	for (unsigned b = 0; b < COVER_BINS; b++)
		if (reachable(b, cfg)) {
			total++;
			hit_bins += cv->hits[b] != 0;
		}
	fprintf(f, "  coverage      %u of %u bins hit (%u more: never reachable, or not in this configuration)\n",
	        hit_bins, total, (unsigned)COVER_BINS - total);
	char name[96];
	for (unsigned g = 0; g < COVER_GROUPS; g++) {
		unsigned first = groups[g].first, end = g + 1 < COVER_GROUPS ? groups[g + 1].first : COVER_BINS;
		unsigned n = 0, h = 0, least = first;
		for (unsigned b = first; b < end; b++) {
			if (!reachable(b, cfg))
				continue;
			n++;
			h += cv->hits[b] != 0;
			if (!reachable(least, cfg) || cv->hits[b] < cv->hits[least])
				least = b;
		}
		if (n == 0)
			continue;
		fprintf(f, "    %-36s %3u/%-3u fewest %" PRIu64 " (%s)\n", groups[g].title, h, n, cv->hits[least],
		        bin_name(least, name, sizeof name));
		for (unsigned b = first; b < end && all; b++)
			fprintf(f, "      %-44s %12" PRIu64 "%s\n", bin_name(b, name, sizeof name), cv->hits[b],
			        reachable(b, cfg) ? "" : "  (not reachable here)");
	}
	cosim_cover_empty(f, "    empty bins: ", cv, cfg);
}

/* The footnote of each need in the listing. */
static const struct {
	unsigned need;
	const char *mark, *text;
} need_notes[] = {
    {NEED_L2, "a", "only with an L2 TLB"},
    {NEED_PCID, "b", "only with `cr3.pcid = 1` (RISC-V: with ASIDs)"},
    {NEED_X86, "c", "x86 modes only"},
    {NEED_RISCV, "d", "RISC-V modes only"},
    {NEED_AD_WRITE, "e", "only where the walker writes A/D (x86, RISC-V with Svadu)"},
    {NEED_LEAF4, "f", "Sv48 and Sv57 only"},
    {NEED_LEAF5, "g", "Sv57 only"},
    {NEED_NO_PCID, "h", "`cr3.pcid = 0`"},
    {NEED_PWC_L2, "i", "only with that level's page-walk cache (`pwc.l<n>.entries`)"},
    {NEED_PWC_L3, "i", NULL},
    {NEED_PWC_L4, "i", NULL},
    {NEED_PWC_L5, "i", NULL},
};

/* The footnote marks of a set of needs, "<sup>ce</sup>", or nothing. */
static const char *need_marks(unsigned need, char *buf, size_t len)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof need_notes / sizeof need_notes[0]; i++)
		if ((need & need_notes[i].need) && !strstr(buf, need_notes[i].mark))
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "" : "<sup>", need_notes[i].mark);
	if (n)
		snprintf(buf + n, n < len ? len - n : 0, "</sup>");
	return buf;
}

int cosim_cover_list(FILE *f)
{
	char v[32], name[96], marks[32];
	fprintf(f, "| bins | group | axes | rules |\n|---|---|---|---|\n");
	for (unsigned g = 0; g < COVER_GROUPS; g++) {
		const group_t *gr = &groups[g];
		unsigned count = 1;
		group_name(g, name, sizeof name);
		fprintf(f, "| `%s.*` | %s | ", name, gr->title);
		for (unsigned k = 0, shown = 0; k < 4; k++) {
			unsigned a = gr->ax[k];
			if (a == AX_NONE)
				continue;
			count *= axes[a].n;
			fprintf(f, "%s%s {", shown++ ? " x " : "", axes[a].title);
			for (unsigned i = 0; i < axes[a].n; i++) {
				unsigned need = 0;
				for (size_t j = 0; j < sizeof needs / sizeof needs[0]; j++)
					if (needs[j].axis == a && needs[j].index == i)
						need |= needs[j].need;
				fprintf(f, "%s%s%s", i ? ", " : "", value_name(a, i, v, sizeof v),
				        need_marks(need, marks, sizeof marks));
			}
			fputc('}', f);
		}
		fprintf(f, " (%u) | %s |\n", count, gr->rules);
	}
	fprintf(f, "\n%u bins.", (unsigned)COVER_BINS);
	for (size_t i = 0; i < sizeof need_notes / sizeof need_notes[0]; i++)
		if (need_notes[i].text) /* (the levels of the walk caches share theirs) */
			fprintf(f, "%s <sup>%s</sup> %s", i ? ";" : "", need_notes[i].mark, need_notes[i].text);
	fprintf(f, ".");
	fprintf(f, " Never reachable (where marked: in those configurations only):\n");
	int err = 0;
	for (size_t i = 0; i < sizeof nevers / sizeof nevers[0]; i++) {
		fprintf(f, "- `%s`%s: %s\n", nevers[i].bin, need_marks(nevers[i].where, marks, sizeof marks),
		        nevers[i].why);
		unsigned b = 0;
		while (b < COVER_BINS && strcmp(bin_name(b, name, sizeof name), nevers[i].bin))
			b++;
		if (b == COVER_BINS) { /* a typo would silently exempt nothing */
			fprintf(stderr, "cosim_cover.def: COVER_NEVER names no bin: %s\n", nevers[i].bin);
			err = -1;
		}
	}
	return err;
}
