/*
 * The JSON of `mmusim explain`: what --json prints and what the page of --html embeds and draws, one object for
 * both. Numbers the text prints are here as numbers; the sentences the text prints (an entry's meaning, a TLB's
 * outcome, the result, the cycles) are here word for word, so a script, the page and the text cannot disagree.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <string.h>

#include "mmusim_explain.h"
#include "mmusim_results.h"

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

static uint64_t field(uint64_t v, unsigned lsb, unsigned bits)
{
	return (v >> lsb) & (bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << bits) - 1);
}

/* The flags of the entry as the text decodes them: name and value, only those this kind of entry has. */
static int json_flags(cJSON *o, const explain_t *e, const step_t *s)
{
	flag_t f[8];
	size_t nf = explain_flags(e->pg, s->level, explain_step_is_leaf(e->pg, s), f);
	cJSON *arr = cJSON_CreateArray();
	if (!arr || !cJSON_AddItemToObject(o, "flags", arr))
		return -1;
	for (size_t j = 0; j < nf; j++) {
		if (f[j].bit < 0)
			continue;
		cJSON *x = cJSON_CreateObject();
		if (!x || !cJSON_AddItemToArray(arr, x) || !cJSON_AddStringToObject(x, "name", f[j].name) ||
		    !num(x, "value", mmu_pte_bit(s->value, f[j].bit)))
			return -1;
	}
	return 0;
}

/* Entries of the table around the one taken (two each side), as memory holds them after the request. */
static int json_table(cJSON *o, const explain_t *e, const step_t *s)
{
	const mmu_paging_t *pg = e->pg;
	uint64_t size = UINT64_C(1) << pg->bits_per_level;
	uint64_t first = s->index >= 2 ? s->index - 2 : 0, last = s->index + 2 < size ? s->index + 2 : size - 1;
	cJSON *arr = cJSON_CreateArray();
	if (!arr || !cJSON_AddItemToObject(o, "table_entries", arr) || !num(o, "table_size", size))
		return -1;
	for (uint64_t i = first; i <= last; i++) {
		uint64_t v = i == s->index ? s->value
		                           : mmu_physmem_read(mmu_sim_physmem(e->sim), s->table + i * pg->pte_bytes,
		                                              pg->pte_bytes);
		cJSON *x = cJSON_CreateObject();
		if (!x || !cJSON_AddItemToArray(arr, x) || !num(x, "index", i) || !hex(x, "value_hex", v))
			return -1;
	}
	return 0;
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
		char meaning[256];
		explain_step_meaning(e, a, i, meaning, sizeof meaning);
		err |= !hex(o, "table_hex", s->table) || !hex(o, "address_hex", s->pte_addr);
		err |= !cJSON_AddStringToObject(o, "meaning", meaning);
		err |= !cJSON_AddBoolToObject(o, "leaf", explain_step_is_leaf(e->pg, s));
		if (s->write)
			err |= !hex(o, "before_hex", s->before);
		err |= err || json_flags(o, e, s) || json_table(o, e, s);
	}
	return err ? -1 : 0;
}

/* The probed set of a TLB as it was before the request, for the page size explained. */
static int json_set(cJSON *o, const explain_t *e, const tlb_view_t *v)
{
	cJSON *arr = cJSON_CreateArray();
	if (!arr || !cJSON_AddItemToObject(o, "entries", arr))
		return -1;
	unsigned ways = mmu_tlb_ways(v->tlb), sets = mmu_tlb_sets(v->tlb);
	for (unsigned w = 0; w < ways && w < EXPLAIN_SHOW_WAYS; w++) {
		const mmu_tlb_entry_t *t = &v->set_before[e->page_level][w];
		cJSON *x = cJSON_CreateObject();
		if (!x || !cJSON_AddItemToArray(arr, x) || !num(x, "way", w) ||
		    !cJSON_AddBoolToObject(x, "valid", t->valid))
			return -1;
		if (!t->valid)
			continue;
		if (!hex(x, "vpn_hex", t->vpn) || !hex(x, "tag_hex", t->vpn >> explain_log2u(sets)) ||
		    !hex(x, "page_hex", t->base) || !num(x, "level", t->level) || !num(x, "pcid", t->pcid) ||
		    !cJSON_AddBoolToObject(x, "writable", t->writable) || !cJSON_AddBoolToObject(x, "user", t->user))
			return -1;
	}
	return num(o, "ways_shown", ways < EXPLAIN_SHOW_WAYS ? ways : EXPLAIN_SHOW_WAYS) ? 0 : -1;
}

static int json_tlbs(cJSON *arr, const explain_t *e, const attempt_t *a)
{
	int err = 0;
	uint64_t vpn = explain_vpn(e);
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
		err |= !num(o, "set", vpn & (sets - 1)) || !num(o, "tag", vpn >> explain_log2u(sets));
		err |= !cJSON_AddStringToObject(o, "result", result);
		err |= !cJSON_AddBoolToObject(o, "filled", v->slot_before < 0 && v->slot_after >= 0);
		char what[160];
		explain_tlb_outcome(e, a, v, what, sizeof what);
		err |= !cJSON_AddStringToObject(o, "name", v->name) || !cJSON_AddStringToObject(o, "outcome", what);
		err |= !hex(o, "tag_hex", vpn >> explain_log2u(sets));
		if (v->slot_before >= 0)
			err |= !num(o, "hit_way", (uint64_t)v->slot_before % mmu_tlb_ways(v->tlb));
		if (v->slot_after >= 0)
			err |= !num(o, "way_after", (uint64_t)v->slot_after % mmu_tlb_ways(v->tlb));
		err |= err || json_set(o, e, v);
	}
	return err ? -1 : 0;
}

static int json_outcome(cJSON *o, const explain_t *e, const attempt_t *a)
{
	const mmu_result_t *r = &a->probe.res;
	int err = !cJSON_AddBoolToObject(o, "fault", r->fault);
	err |= !num(o, "fault_level", a->fault_level);
	if (explain_pwc_latency(e->cfg))
		err |= !num(o, "pwc_level", a->pwc_level);
	err |= !cJSON_AddStringToObject(o, "cause", explain_cause_names[r->cause < 5 ? r->cause : 0]);
	err |= !num(o, "error_code", r->ecode);
	if (explain_is_riscv(e->pg) && r->fault) {
		/* A RISC-V hart reports the exception code in scause and the address in stval (Priv 4.1.9, 4.1.10), no
		 * x86 error code: the page shows these instead. */
		char what[48];
		snprintf(what, sizeof what, "%s page fault", explain_riscv_access(e->op));
		err |= !num(o, "scause", r->ecode) || !cJSON_AddStringToObject(o, "scause_text", what);
		err |= !num(o, "stval", e->va) || !hex(o, "stval_hex", e->va);
	}
	err |= !cJSON_AddStringToObject(o, "answered_by", explain_answer_keys[r->level & 3]);
	if (r->fault) {
		err |= !cJSON_AddNullToObject(o, "paddr") || !cJSON_AddNullToObject(o, "value");
	} else {
		err |= !num(o, "paddr", r->paddr) || !hex(o, "paddr_hex", r->paddr);
		err |= !num(o, "value", mmu_physmem_read(mmu_sim_physmem(e->sim), r->paddr, 1));
	}
	return err;
}

static int stage(cJSON *arr, const char *name, uint64_t first, uint64_t last, long step)
{
	cJSON *x = cJSON_CreateObject();
	if (!x || !cJSON_AddItemToArray(arr, x) || !cJSON_AddStringToObject(x, "name", name) ||
	    !num(x, "first", first) || !num(x, "last", last))
		return -1;
	return step >= 0 && !num(x, "step", (uint64_t)step) ? -1 : 0;
}

/* The cycle diagram: the stages of docs/timing.md ("Statistics and AMAT") the text's cycles line names. */
static int json_stages(cJSON *o, const explain_t *e, const attempt_t *a)
{
	const mmu_cfg_t *c = e->cfg;
	uint64_t total = a->probe.res.latency;
	uint64_t h1 = e->port == MMU_REQ_D ? c->l1d.hit_latency : c->l1i.hit_latency;
	uint64_t pre = a->nsteps ? a->steps[0].first : total;
	uint64_t pwc = a->nsteps ? explain_pwc_latency(c) : 0;
	cJSON *arr = cJSON_CreateArray();
	if (!arr || !cJSON_AddItemToObject(o, "stages", arr))
		return -1;
	int err = stage(arr, "L1 lookup", 0, (h1 < total ? h1 : total) - 1, -1);
	if (pre > h1 + pwc)
		err |= stage(arr, c->l2.entries ? "L2 lookup" : "wait", h1, pre - pwc - 1, -1);
	if (pwc)
		err |= stage(arr, "page-walk caches", pre - pwc, pre - 1, -1);
	for (size_t i = 0; i < a->nsteps && !err; i++) {
		char name[48];
		const step_t *s = &a->steps[i];
		snprintf(name, sizeof name, "%s %s[%" PRIu64 "]", s->write ? "wr" : "rd",
		         explain_level_name(e->pg, s->level), s->index);
		err |= stage(arr, name, s->first, s->last, (long)i);
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
	char text[320];
	explain_result_text(e, a, text, sizeof text);
	err |= !cJSON_AddStringToObject(o, "result_text", text);
	explain_cycles_text(e, a, text, sizeof text);
	err |= !cJSON_AddStringToObject(o, "cycles_text", text);
	err |= !a->nsteps ? 0 : !hex(o, "root_hex", a->pwc_level ? a->pwc_table : mmu_paging_root(e->pg, a->cr3));
	err |= err || json_stages(o, e, a);
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
		/* RISC-V: the index field as the specification names it, VPN[i] indexes table Li */
		if (explain_is_riscv(e->pg))
			err |= err || !cJSON_AddStringToObject(f, "vpn_field", explain_riscv_vpn_name(level));
		err |= err || !num(f, "index", mmu_paging_index(e->pg, e->va, level));
		err |= err || !num(f, "lsb", mmu_paging_shift(e->pg, level)) || !num(f, "bits", e->pg->bits_per_level);
	}
	err |= !num(obj, "offset", field(e->va, 0, explain_page_shift(e)));
	err |= !num(obj, "vpn", explain_vpn(e));
	/* every translation names its page size, so a script need not guess from a missing key */
	err |= !num(obj, "page_level", e->page_level) || !num(obj, "page_size", UINT64_C(1) << explain_page_shift(e));
	err |= !cJSON_AddStringToObject(obj, "leaf_table", explain_level_name(e->pg, e->page_level));
	return err ? -1 : 0;
}

/* What the page needs beyond the numbers of a translation: the mode's geometry, the setup, the OS's part. */
static int json_context(cJSON *obj, const explain_t *e)
{
	const mmu_paging_t *pg = e->pg;
	cJSON *p = cJSON_CreateObject();
	int err = !p || !cJSON_AddItemToObject(obj, "paging", p);
	if (err)
		return -1;
	err |= !num(p, "levels", pg->levels) || !num(p, "bits_per_level", pg->bits_per_level);
	err |= !num(p, "page_bits", pg->page_bits) || !num(p, "pte_bytes", pg->pte_bytes);
	err |= !num(p, "va_bits", pg->va_bits) || !num(p, "pa_bits", pg->pa_bits);
	err |= !num(obj, "offset_bits", explain_page_shift(e)) || !hex(obj, "vpn_hex", explain_vpn(e));
	err |= !hex(obj, "offset_hex", field(e->va, 0, explain_page_shift(e)));
	err |= !cJSON_AddStringToObject(obj, "privilege", e->user ? "user" : "supervisor");
	err |= !cJSON_AddBoolToObject(obj, "canonical", mmu_paging_canonical(pg, e->va));
	err |= !cJSON_AddStringToObject(obj, "setup", e->setup);
	if (e->note[0])
		err |= !cJSON_AddStringToObject(obj, "note", e->note);
	if (e->natt > 1) {
		char os[256];
		explain_os_text(e, os, sizeof os);
		err |= !cJSON_AddStringToObject(obj, "os_text", os);
	}
	return err ? -1 : 0;
}

cJSON *explain_json(const explain_t *e)
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
		err |= err || json_context(obj, e);
	}
	cJSON_Delete(attempts);
	if (err) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

int explain_print_json(FILE *out, const explain_t *e)
{
	cJSON *obj = explain_json(e);
	return obj ? json_print(out, obj) : -1;
}
