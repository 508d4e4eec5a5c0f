/* Comparisons of the model (expected) with the RTL (actual): ports every cycle, TLB contents and CR3 after edges. */
#include "cosim_check.h"

#include <inttypes.h>
#include <string.h>

/*
 * The rules of docs/timing.md behind each port, from mmu_port_rules.def. The table is indexed by a port enum built
 * from mmu_ports.def, so an entry that names no port does not compile, a port given twice is -Woverride-init, and
 * the counts must agree: every port has exactly one entry.
 */
enum port_id {
#define MMU_IN(n, width)      PORT_##n,
#define MMU_IN_REQ(n, width)  PORT_##n,
#define MMU_OUT(n, width)     PORT_##n,
#define MMU_OUT_REQ(n, width) PORT_##n,
#include "mmu/mmu_ports.def"
	PORT_COUNT
};

static const char *const port_rules[PORT_COUNT] = {
#define MMU_PORT_RULES(n, rules) [PORT_##n] = rules,
#include "mmu/mmu_port_rules.def"
};

enum {
	PORT_RULES_COUNT = 0
#define MMU_PORT_RULES(n, rules) +1
#include "mmu/mmu_port_rules.def"
};
_Static_assert((int)PORT_RULES_COUNT == (int)PORT_COUNT,
               "mmu_port_rules.def must have one entry per port of mmu_ports.def");

static void add_diff(cosim_mismatch_t *mm, const char *what, uint64_t exp, uint64_t act, const char *subject,
                     const char *rules)
{
	if (mm->n >= COSIM_DIFF_MAX)
		return;
	cosim_diff_t *d = &mm->d[mm->n++];
	snprintf(d->what, sizeof d->what, "%s", what);
	d->exp = exp;
	d->act = act;
	d->subject = subject;
	d->rules = rules;
}

static void begin(cosim_mismatch_t *mm, uint64_t cycle, const char *kind)
{
	if (mm->found)
		return;
	memset(mm, 0, sizeof *mm);
	mm->found = true;
	mm->cycle = cycle;
	mm->kind = kind;
}

bool cosim_check_rtl_alive(const cosim_env_t *env, uint64_t cycle, cosim_mismatch_t *mm)
{
	if (!cosim_rtl_failed(env->rtl))
		return false;
	begin(mm, cycle, "RTL assertion");
	snprintf(mm->detail, sizeof mm->detail,
	         "the RTL stopped itself (failed assertion, $error, $stop or $finish) or an output moved without a "
	         "clock edge (T1): its message is printed above");
	return true;
}

bool cosim_check_outputs(const mmu_out_t *exp, const mmu_out_t *act, uint64_t cycle, cosim_mismatch_t *mm)
{
	if (!memcmp(exp, act, sizeof *exp))
		return false;
	begin(mm, cycle, "output port");
	char name[96];
#define MMU_OUT(n, width)                                                                                              \
	if (exp->n != act->n)                                                                                          \
		add_diff(mm, #n "_o", exp->n, act->n, #n, port_rules[PORT_##n]);
#define MMU_OUT_REQ(n, width)                                                                                          \
	for (unsigned p = 0; p < MMU_NREQ; p++) {                                                                      \
		if (exp->n[p] == act->n[p])                                                                            \
			continue;                                                                                      \
		snprintf(name, sizeof name, "%c" #n "_o", p == MMU_REQ_I ? 'i' : 'd');                                 \
		add_diff(mm, name, exp->n[p], act->n[p], #n, port_rules[PORT_##n]);                                    \
	}
#include "mmu/mmu_ports.def"
	return true;
}

static const char *const tlb_names[] = {"u_l1i", "u_l1d", "u_l2"};

static const char *tlb_rules = "R1-R5 (victim), R7 (fill in place / first invalid way), W8 (fill at the response "
                               "edge, entry fields), T8 (invalidate on a faulting hit), T12 (flush), T13 (overtaken: "
                               "no fill)";

static void entry_text(char *buf, size_t len, const mmu_tlb_entry_t *e)
{
	if (!e->valid) {
		snprintf(buf, len, "invalid");
		return;
	}
	snprintf(buf, len, "vpn 0x%" PRIx64 " level %u base 0x%" PRIx64 " pcid %u%s%s%s%s%s%s", e->vpn, e->level,
	         e->base, e->pcid, e->global ? " G" : "", e->writable ? " W" : "", e->user ? " U" : "",
	         e->nx ? " NX" : "", e->dirty ? " D" : "", e->readable ? "" : " not-readable");
}

static bool entries_equal(const mmu_tlb_entry_t *a, const mmu_tlb_entry_t *b)
{
	if (!a->valid || !b->valid)
		return a->valid == b->valid;
	return a->vpn == b->vpn && a->level == b->level && a->base == b->base && a->pcid == b->pcid &&
	       a->global == b->global && a->writable == b->writable && a->user == b->user && a->nx == b->nx &&
	       a->dirty == b->dirty && a->readable == b->readable;
}

static void entry_mismatch(const cosim_env_t *env, mmu_tlb_id_t id, unsigned set, unsigned way, unsigned slot,
                           const mmu_tlb_entry_t *m, const mmu_tlb_entry_t *r, cosim_mismatch_t *mm)
{
	begin(mm, env->cycle, "TLB contents");
	char what[96];
	/* valid, pcid and global are flip-flops of the TLB itself; the other fields live in its storage form's block,
	 * as a row per set in the SRAM form (cosim_rtl_tlb_form). */
	const char *form = cosim_rtl_tlb_form(env->rtl, id);
	bool rows = !strncmp(form, ".g_sram", strlen(".g_sram"));
#define FIELD(f, in_form)                                                                                              \
	if (m->f != r->f) {                                                                                            \
		snprintf(what, sizeof what, "%s%s.%s_q[%u] (set %u, way %u)", tlb_names[id], in_form ? form : "", #f,  \
		         in_form && rows ? set : slot, set, way);                                                      \
		add_diff(mm, what, (uint64_t)m->f, (uint64_t)r->f, tlb_names[id], tlb_rules);                          \
	}
	if (m->valid != r->valid) {
		FIELD(valid, false)
	} else {
		FIELD(vpn, true)
		FIELD(level, true)
		FIELD(base, true)
		FIELD(pcid, false)
		FIELD(global, false)
		FIELD(writable, true)
		FIELD(user, true)
		FIELD(nx, true)
		FIELD(dirty, true)
		FIELD(readable, true)
	}
#undef FIELD
	char a[160], b[160];
	entry_text(a, sizeof a, m);
	entry_text(b, sizeof b, r);
	snprintf(mm->detail, sizeof mm->detail, "%s slot %u\n    model: %s\n    RTL:   %s", tlb_names[id], slot, a, b);
}

/* With validity_only, the valid bits alone: what a flush or CR3 write can change (T11, T12). */
static bool check_set(const cosim_env_t *env, mmu_tlb_id_t id, unsigned set, bool validity_only,
                      cosim_mismatch_t *mm)
{
	const mmu_tlb_t *t = mmu_tlb(env->mmu, id);
	unsigned ways = mmu_tlb_ways(t);
	bool bad = false;
	for (unsigned w = 0; w < ways; w++) {
		unsigned slot = set * ways + w;
		const mmu_tlb_entry_t *m = mmu_tlb_entry(t, set, w);
		bool rtl_valid = cosim_rtl_tlb_valid(env->rtl, id, slot);
		if (!m->valid && !rtl_valid)
			continue; /* the other fields of an invalid entry are don't-care */
		if (validity_only && m->valid == rtl_valid)
			continue;
		mmu_tlb_entry_t r;
		cosim_rtl_tlb_entry(env->rtl, id, slot, &r);
		if (entries_equal(m, &r))
			continue;
		if (!bad && !mm->found)
			entry_mismatch(env, id, set, w, slot, m, &r, mm);
		bad = true;
	}
	return bad;
}

bool cosim_check_tlb_sets(const cosim_env_t *env, mmu_tlb_id_t id, uint64_t vaddr, cosim_mismatch_t *mm)
{
	const mmu_tlb_t *t = mmu_tlb(env->mmu, id);
	if (!t)
		return false;
	const mmu_paging_t *pg = mmu_paging(env->mmu);
	unsigned sets = mmu_tlb_sets(t);
	for (unsigned level = 1; level <= pg->levels; level++) { /* every leaf size of the mode */
		if (level > 1 && !((pg->huge_levels >> level) & 1))
			continue;
		unsigned set = (unsigned)((vaddr >> mmu_paging_shift(pg, level)) & (sets - 1));
		if (check_set(env, id, set, false, mm))
			return true;
	}
	return false;
}

static const char *const pwc_names[] = {"", "", "pwc.l2", "pwc.l3", "pwc.l4", "pwc.l5"};

static const char *pwc_rules = "W11 (fill at the end of a walk not overtaken, faulting too, root side first; not after "
                               "a restart's skipped levels), W12 (invalidation), R1-R5, R7 (placement)";

static void pwc_mismatch(const cosim_env_t *env, unsigned level, unsigned slot, const mmu_tlb_entry_t *m,
                         const mmu_tlb_entry_t *r, cosim_mismatch_t *mm)
{
	begin(mm, env->cycle, "page-walk cache contents");
	char what[96];
#define FIELD(f, rtl)                                                                                                  \
	if (m->f != r->f) {                                                                                            \
		snprintf(what, sizeof what, "u_miss.g_pwc[%u].g_on.u_pwc.%s[%u]", level, rtl, slot);                        \
		add_diff(mm, what, (uint64_t)m->f, (uint64_t)r->f, pwc_names[level], pwc_rules);                       \
	}
	if (m->valid != r->valid) {
		FIELD(valid, "valid_q")
	} else {
		FIELD(vpn, "tag_q")
		FIELD(base, "table_q (<< 12)")
		FIELD(pcid, "pcid_q")
		FIELD(writable, "writable_q")
		FIELD(user, "user_q")
		FIELD(nx, "nx_q")
	}
#undef FIELD
	char a[160], b[160];
	entry_text(a, sizeof a, m);
	entry_text(b, sizeof b, r);
	snprintf(mm->detail, sizeof mm->detail, "%s slot %u\n    model: %s\n    RTL:   %s", pwc_names[level], slot, a,
	         b);
}

bool cosim_check_pwc(const cosim_env_t *env, cosim_mismatch_t *mm)
{
	for (unsigned level = MMU_PWC_MIN_LEVEL; level <= MMU_PWC_MAX_LEVEL; level++) {
		const mmu_tlb_t *t = mmu_pwc(env->mmu, level);
		if (!t)
			continue;
		unsigned ways = mmu_tlb_ways(t);
		for (unsigned s = 0; s < mmu_tlb_sets(t); s++) {
			for (unsigned w = 0; w < ways; w++) {
				unsigned slot = s * ways + w;
				const mmu_tlb_entry_t *m = mmu_tlb_entry(t, s, w);
				if (!m->valid && !cosim_rtl_pwc_valid(env->rtl, level, slot))
					continue;
				mmu_tlb_entry_t r;
				cosim_rtl_pwc_entry(env->rtl, level, slot, &r);
				if (entries_equal(m, &r))
					continue;
				if (!mm->found)
					pwc_mismatch(env, level, slot, m, &r, mm);
				return true;
			}
		}
	}
	return false;
}

bool cosim_check_tlb(const cosim_env_t *env, mmu_tlb_id_t id, bool validity_only, cosim_mismatch_t *mm)
{
	const mmu_tlb_t *t = mmu_tlb(env->mmu, id);
	if (!t)
		return false;
	for (unsigned s = 0; s < mmu_tlb_sets(t); s++)
		if (check_set(env, id, s, validity_only, mm))
			return true;
	return false;
}

bool cosim_check_state(const cosim_env_t *env, bool validity_only, cosim_mismatch_t *mm)
{
	if (cosim_check_pwc(env, mm))
		return true;
	for (unsigned id = MMU_TLB_L1I; id <= MMU_TLB_L2; id++)
		if (!(id == MMU_TLB_L2 && env->l2_unsettled) && cosim_check_tlb(env, (mmu_tlb_id_t)id, validity_only, mm))
			return true;
	uint64_t m = mmu_cr3(env->mmu), r = cosim_rtl_cr3(env->rtl);
	if (m == r)
		return false;
	begin(mm, env->cycle, "CR3");
	add_diff(mm, "cr3_q", m, r, "cr3_q", "T11 (CR3 write: whole value without PCID; bit 63 not stored with PCID)");
	return true;
}

void cosim_mismatch_print(FILE *f, const cosim_mismatch_t *mm)
{
	fprintf(f, "MISMATCH at cycle %" PRIu64 " (%s)\n", mm->cycle, mm->kind);
	for (unsigned i = 0; i < mm->n; i++) {
		const cosim_diff_t *d = &mm->d[i];
		fprintf(f, "  %-28s expected (model) 0x%" PRIx64 "  actual (RTL) 0x%" PRIx64 "\n", d->what, d->exp,
		        d->act);
	}
	if (mm->detail[0])
		fprintf(f, "  %s\n", mm->detail);
	/* The rules of each port or state that differs, once each (the i and d ports share theirs). */
	for (unsigned i = 0; i < mm->n; i++) {
		bool seen = false;
		for (unsigned j = 0; j < i && !seen; j++)
			seen = mm->d[j].rules == mm->d[i].rules && !strcmp(mm->d[j].subject, mm->d[i].subject);
		if (!seen)
			fprintf(f, "  rules of %s (docs/timing.md): %s\n", mm->d[i].subject, mm->d[i].rules);
	}
}
