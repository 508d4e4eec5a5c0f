/* Comparisons of the model (expected) with the RTL (actual): ports every cycle, TLB contents and CR3 after edges. */
#include "cosim_check.h"

#include <inttypes.h>
#include <string.h>

/* The rules of docs/timing.md that decide each output port: where to look first when it differs. */
static const struct {
	const char *port, *rules;
} port_rules[] = {
    {"req_ready", "T2 (ready exactly when idle or responding), T3 (H1 lookup cycles)"},
    {"resp_valid", "T3 (hit at c + H1), T5 (grant), T6 (L2 result at g + H2), W2/W8 (walk: S + L + 1 per access), "
                   "T9 (dirty re-walk)"},
    {"resp_tag", "T4 (tag latched at acceptance)"},
    {"resp_paddr", "W8/T3 (base | offset), R6 (smallest page wins), T4 (latched vaddr), T13 (stale fill)"},
    {"resp_fault", "T7 (non-canonical), T8 (fault on a hit), W4-W6 (walk faults)"},
    {"resp_cause", "T7, T8, W4 (not present), W5 (reserved bits), W6 (permissions)"},
    {"resp_ecode", "T10 (error code: P, W/R, U/S, RSVD, I/D)"},
    {"resp_level", "T3/T6/W8 (0 L1, 1 L2, 2 walk), T7 (3 non-canonical), T9 (dirty re-walk answers as a walk)"},
    {"mem_req_valid", "W1 (first request in the start cycle), W2 (next request the cycle after a response), "
                      "T5/T6 (walk start), M1 (handshake)"},
    {"mem_req_addr", "W1/W3 (root + index, frame + index), T4/T11 (root latched from CR3 at acceptance)"},
    {"mem_req_write", "W7 (A/D write-back after the read)"},
    {"mem_req_wdata", "W7 (A, and D for a store's leaf, at the PTE's byte lanes)"},
    {"mem_req_wstrb", "W7 (byte enables of the PTE)"},
};

static const char *rules_of(const char *port)
{
	for (size_t i = 0; i < sizeof port_rules / sizeof port_rules[0]; i++)
		if (!strcmp(port_rules[i].port, port))
			return port_rules[i].rules;
	return "?";
}

static void add_diff(cosim_mismatch_t *mm, const char *what, uint64_t exp, uint64_t act, const char *rules)
{
	if (mm->n >= COSIM_DIFF_MAX)
		return;
	cosim_diff_t *d = &mm->d[mm->n++];
	snprintf(d->what, sizeof d->what, "%s", what);
	d->exp = exp;
	d->act = act;
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
	         "the RTL stopped itself (failed assertion, $error, $stop or $finish): its message is printed above");
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
		add_diff(mm, #n "_o", exp->n, act->n, rules_of(#n));
#define MMU_OUT_REQ(n, width)                                                                                          \
	for (unsigned p = 0; p < MMU_NREQ; p++) {                                                                      \
		if (exp->n[p] == act->n[p])                                                                            \
			continue;                                                                                      \
		snprintf(name, sizeof name, "%c" #n "_o", p == MMU_REQ_I ? 'i' : 'd');                                 \
		add_diff(mm, name, exp->n[p], act->n[p], rules_of(#n));                                                \
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
	snprintf(buf, len, "vpn 0x%" PRIx64 " level %u base 0x%" PRIx64 " pcid %u%s%s%s%s%s", e->vpn, e->level, e->base,
	         e->pcid, e->global ? " G" : "", e->writable ? " W" : "", e->user ? " U" : "", e->nx ? " NX" : "",
	         e->dirty ? " D" : "");
}

static bool entries_equal(const mmu_tlb_entry_t *a, const mmu_tlb_entry_t *b)
{
	if (!a->valid || !b->valid)
		return a->valid == b->valid;
	return a->vpn == b->vpn && a->level == b->level && a->base == b->base && a->pcid == b->pcid &&
	       a->global == b->global && a->writable == b->writable && a->user == b->user && a->nx == b->nx &&
	       a->dirty == b->dirty;
}

static void entry_mismatch(const cosim_env_t *env, mmu_tlb_id_t id, unsigned set, unsigned way, unsigned slot,
                           const mmu_tlb_entry_t *m, const mmu_tlb_entry_t *r, cosim_mismatch_t *mm)
{
	begin(mm, env->cycle, "TLB contents");
	char what[96];
#define FIELD(f)                                                                                                       \
	if (m->f != r->f) {                                                                                            \
		snprintf(what, sizeof what, "%s.%s_q[%u] (set %u, way %u)", tlb_names[id], #f, slot, set, way);        \
		add_diff(mm, what, (uint64_t)m->f, (uint64_t)r->f, tlb_rules);                                         \
	}
	if (m->valid != r->valid) {
		FIELD(valid)
	} else {
		FIELD(vpn)
		FIELD(level)
		FIELD(base)
		FIELD(pcid)
		FIELD(global)
		FIELD(writable)
		FIELD(user)
		FIELD(nx)
		FIELD(dirty)
	}
#undef FIELD
	char a[160], b[160];
	entry_text(a, sizeof a, m);
	entry_text(b, sizeof b, r);
	snprintf(mm->detail, sizeof mm->detail, "%s slot %u\n    model: %s\n    RTL:   %s", tlb_names[id], slot, a, b);
}

static bool check_set(const cosim_env_t *env, mmu_tlb_id_t id, unsigned set, cosim_mismatch_t *mm)
{
	const mmu_tlb_t *t = mmu_tlb(env->mmu, id);
	unsigned ways = mmu_tlb_ways(t);
	bool bad = false;
	for (unsigned w = 0; w < ways; w++) {
		unsigned slot = set * ways + w;
		const mmu_tlb_entry_t *m = mmu_tlb_entry(t, set, w);
		if (!m->valid && !cosim_rtl_tlb_valid(env->rtl, id, slot))
			continue; /* the other fields of an invalid entry are don't-care */
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
	for (unsigned level = 1; level <= 3; level++) { /* x86-64 leaves: 4 KiB, 2 MiB, 1 GiB */
		unsigned set = (unsigned)((vaddr >> mmu_paging_shift(pg, level)) & (sets - 1));
		if (check_set(env, id, set, mm))
			return true;
	}
	return false;
}

bool cosim_check_state(const cosim_env_t *env, cosim_mismatch_t *mm)
{
	for (unsigned id = MMU_TLB_L1I; id <= MMU_TLB_L2; id++) {
		const mmu_tlb_t *t = mmu_tlb(env->mmu, (mmu_tlb_id_t)id);
		if (!t)
			continue;
		for (unsigned s = 0; s < mmu_tlb_sets(t); s++)
			if (check_set(env, (mmu_tlb_id_t)id, s, mm))
				return true;
	}
	uint64_t m = mmu_cr3(env->mmu), r = cosim_rtl_cr3(env->rtl);
	if (m == r)
		return false;
	begin(mm, env->cycle, "CR3");
	add_diff(mm, "cr3_q", m, r, "T11 (CR3 write: whole value without PCID; bit 63 not stored with PCID)");
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
	if (mm->n)
		fprintf(f, "  rules concerned (docs/timing.md): %s\n", mm->d[0].rules);
}
