/*
 * mmusim explain: one translation step by step. The request runs on the per-cycle path of a ticked system
 * (mmusim_probe.c); the walk steps are the memory accesses the model made, the TLB outcomes are its counters and
 * contents before and after, and the PTE values are the words memory returned. Only their meaning (which field of
 * the address indexes which table, what each bit of an entry says) is spelled out here, from the paging-mode table.
 */
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mmu/mmu_memimage.h"
#include "mmu/mmu_os.h"
#include "mmu/mmu_ostep.h"
#include "mmusim_explain.h"
#include "mmusim_page.h"

const char *explain_op_name(mmu_op_t op)
{
	return op == MMU_OP_STORE ? "store" : op == MMU_OP_FETCH ? "fetch" : "load";
}

const char *explain_level_name(const mmu_paging_t *pg, unsigned level)
{
	static const char *const x86_64[] = {"", "PT", "PD", "PDPT", "PML4", "PML5"};
	static const char *const two[] = {"", "PT", "PD"};
	static const char *const other[] = {"", "L1", "L2", "L3", "L4", "L5"};
	static const char *const riscv[] = {"", "L0", "L1", "L2", "L3", "L4"}; /* the spec's level i = level - 1 */
	if (level < 1 || level > MMU_MAX_LEVELS)
		return "?";
	if (!strncmp(pg->name, "x86_64", 6))
		return x86_64[level];
	if (explain_is_riscv(pg))
		return riscv[level];
	if (pg->levels == 2)
		return two[level];
	return other[level];
}

static mmu_ref_kind_t explain_rec_kind(mmu_op_t op)
{
	return op == MMU_OP_STORE ? MMU_REF_STORE : op == MMU_OP_FETCH ? MMU_REF_FETCH : MMU_REF_LOAD;
}

static int parse_op(const char *s, mmu_op_t *op)
{
	if (!s || !strcmp(s, "load"))
		*op = MMU_OP_LOAD;
	else if (!strcmp(s, "store"))
		*op = MMU_OP_STORE;
	else if (!strcmp(s, "fetch"))
		*op = MMU_OP_FETCH;
	else
		return cli_fail("explain: --op '%s' is not one of load, store, fetch", s);
	return 0;
}

static uint64_t pte_mask(const mmu_paging_t *pg)
{
	return pg->pte_bytes >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * pg->pte_bytes)) - 1;
}

/* The entry at byte address pte_addr within the aligned 8-byte word memory moved. */
static uint64_t lane(const mmu_paging_t *pg, uint64_t word, uint64_t pte_addr)
{
	return (word >> (8 * (pte_addr & 7))) & pte_mask(pg);
}

/*
 * Names the model's memory accesses: reads go one level down from the root each (W1, W3); a write follows the read
 * of the entry it updates (W7). The address the model read is checked against the entry the address split selects.
 */
static int decode_steps(const explain_t *e, attempt_t *a)
{
	const mmu_paging_t *pg = e->pg;
	unsigned level = pg->levels;
	uint64_t table = mmu_paging_root(pg, a->cr3), last = 0;
	if (a->pwc_level) { /* W10: the walk starts below the deepest page-walk cache hit */
		level = a->pwc_level - 1;
		table = a->pwc_table;
	}
	a->nsteps = 0;
	a->fault_level = 0;
	for (size_t i = 0; i < a->probe.nacc; i++) {
		const probe_access_t *acc = &a->probe.acc[i];
		step_t *s = &a->steps[a->nsteps++];
		if (acc->write) {
			if (i == 0)
				return cli_fail("explain: internal: the walk began with a write");
			*s = a->steps[a->nsteps - 2];
			s->write = true;
			s->before = last;
			s->value = lane(pg, acc->wdata, s->pte_addr);
			last = s->value;
		} else {
			if (a->nsteps > 1) { /* the entry read before points to this table */
				table = mmu_pte_frame(pg, last);
				level--;
			}
			uint64_t index = mmu_paging_index(pg, e->va, level);
			*s = (step_t){
			    .level = level, .table = table, .index = index, .pte_addr = table + index * pg->pte_bytes};
			s->value = lane(pg, acc->rdata, s->pte_addr);
			last = s->value;
		}
		if ((s->pte_addr & ~UINT64_C(7)) != acc->addr)
			return cli_fail("explain: internal: the model accessed 0x%llx, the walk expects 0x%llx",
			                (unsigned long long)acc->addr, (unsigned long long)s->pte_addr);
		s->first = acc->visible;
		s->last = acc->resp;
		s->dcache_hit = acc->dcache_hit;
	}
	if (a->probe.res.fault && a->nsteps)
		a->fault_level = pg->levels - a->steps[a->nsteps - 1].level + 1;
	return 0;
}

static void view_before(tlb_view_t *v, const mmu_paging_t *pg, const mmu_tlb_t *t, const char *name, const char *key,
                        uint64_t va, uint16_t pcid)
{
	*v = (tlb_view_t){.name = name, .key = key, .tlb = t, .slot_before = -1, .slot_after = -1};
	if (!t)
		return;
	v->slot_before = mmu_tlb_probe(t, va, pcid);
	if (v->slot_before >= 0)
		v->level_before = mmu_tlb_slot_entry(t, v->slot_before)->level;
	v->before = *mmu_tlb_counters(t);
	unsigned sets = mmu_tlb_sets(t), ways = mmu_tlb_ways(t);
	for (unsigned level = 1; level <= pg->levels; level++) {
		unsigned shift = mmu_paging_shift(pg, level);
		uint64_t set =
		    ((va & ((pg->va_bits >= 64 ? 0 : UINT64_C(1) << pg->va_bits) - 1)) >> shift) & (sets - 1);
		for (unsigned w = 0; w < ways && w < EXPLAIN_SHOW_WAYS; w++)
			v->set_before[level][w] = *mmu_tlb_entry(t, (unsigned)set, w);
	}
}

static void view_after(tlb_view_t *v, uint64_t va, uint16_t pcid)
{
	if (!v->tlb)
		return;
	v->slot_after = mmu_tlb_probe(v->tlb, va, pcid);
	v->after = *mmu_tlb_counters(v->tlb);
}

static int run_attempt(explain_t *e, attempt_t *a)
{
	mmu_t *m = mmu_sim_mmu(e->sim);
	uint16_t pcid = mmu_current_pcid(m);
	a->cr3 = mmu_cr3(m);
	bool data = e->port == MMU_REQ_D;
	view_before(&a->tlb[0], e->pg, mmu_tlb(m, data ? MMU_TLB_L1D : MMU_TLB_L1I), data ? "L1 DTLB" : "L1 ITLB",
	            data ? "l1d" : "l1i", e->va, pcid);
	view_before(&a->tlb[1], e->pg, mmu_tlb(m, MMU_TLB_L2), "L2 TLB", "l2", e->va, pcid);
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++) {
		const mmu_tlb_t *t = mmu_pwc(m, n);
		long slot = t ? mmu_tlb_probe(t, e->va, pcid) : -1;
		if (slot >= 0)
			a->pwc_before[n] =
			    *mmu_tlb_entry(t, (unsigned)slot / mmu_tlb_ways(t), (unsigned)slot % mmu_tlb_ways(t));
	}
	mmu_stats_read(m, &a->st_before);
	if (probe_translate(e->sim, e->port, e->va, e->op, e->user, &a->probe))
		return cli_fail("explain: out of memory");
	mmu_stats_read(m, &a->st_after);
	/* the deepest cache whose hit counter moved is where the walk started (W10) */
	const uint64_t hits[][2] = {
	    {0, 0},
	    {0, 0},
	    {a->st_before.pwc_l2_hits, a->st_after.pwc_l2_hits},
	    {a->st_before.pwc_l3_hits, a->st_after.pwc_l3_hits},
	    {a->st_before.pwc_l4_hits, a->st_after.pwc_l4_hits},
	    {a->st_before.pwc_l5_hits, a->st_after.pwc_l5_hits},
	};
	a->pwc_level = 0;
	for (unsigned n = MMU_PWC_MAX_LEVEL; n >= MMU_PWC_MIN_LEVEL; n--)
		if (hits[n][1] != hits[n][0] && a->pwc_before[n].valid) {
			a->pwc_level = n;
			a->pwc_table = a->pwc_before[n].base;
		}
	for (int i = 0; i < 2; i++)
		view_after(&a->tlb[i], e->va, pcid);
	return decode_steps(e, a);
}

/*
 * The leaf level of the page a request concerned: the one that served it, as the model counted it (its response
 * ports carry no page size); after a fault, the leaf the TLB hit or the walk read (a protection fault on a huge
 * page). 0 when the request reached no leaf (not present, not canonical).
 */
static unsigned leaf_level(const explain_t *e, const attempt_t *a)
{
	const mmu_stats_t *b = &a->st_before, *f = &a->st_after;
	if (!a->probe.res.fault)
		return f->served_level3 != b->served_level3 ? 3 : f->served_level2 != b->served_level2 ? 2 : 1;
	for (int i = 0; i < 2; i++)
		if (a->tlb[i].tlb && a->tlb[i].after.hits != a->tlb[i].before.hits && a->tlb[i].slot_before >= 0)
			return a->tlb[i].level_before;
	for (size_t i = a->nsteps; i-- > 0;) {
		const step_t *s = &a->steps[i];
		if (s->write)
			continue;
		bool leaf = mmu_pte_bit(s->value, e->pg->bit_present) && mmu_pte_is_leaf(e->pg, s->value, s->level);
		return leaf ? s->level : 0;
	}
	return 0;
}

/* The access once, as a trace record would make it (demand paging included), so the TLBs hold it. */
static int warm(explain_t *e)
{
	char msg[512];
	if (e->dump || !e->user) { /* no OS behind the tables, or a kernel access: no trace record makes it */
		mmu_result_t res;
		mmu_sim_translate(e->sim, e->port, e->va, e->op, e->user, &res);
		return 0;
	}
	mmu_trace_rec_t rec = e->rec;
	rec.size = 1;
	if (mmu_sim_ref(e->sim, &rec, msg, sizeof msg))
		return cli_fail("explain: --warm: %s", msg);
	return 0;
}

static int setup_dump(explain_t *e, const char *path)
{
	char msg[512];
	mmu_ostep_dump_t *d = malloc(sizeof *d);
	if (!d)
		return cli_fail("explain: out of memory");
	int err = mmu_ostep_check_config(e->cfg, msg, sizeof msg);
	if (!err)
		err = mmu_ostep_read(path, d, msg, sizeof msg);
	uint64_t cr3 = 0;
	if (!err && mmu_ostep_load(d, mmu_sim_physmem(e->sim), &cr3)) {
		snprintf(msg, sizeof msg, "%s: out of memory", path);
		err = -1;
	}
	if (!err) {
		e->dump = true;
		mmu_sim_cr3_write(e->sim, cr3);
		snprintf(e->setup, sizeof e->setup,
		         "memory from %s (%u of %d pages listed), PDBR %u -> CR3 = %u x %d = 0x%llx", path, d->pages,
		         MMU_OSTEP_PAGES, d->pdbr, d->pdbr, MMU_OSTEP_PAGE_BYTES, (unsigned long long)cr3);
	}
	free(d);
	return err ? cli_fail("%s", msg) : 0;
}

/* --memory FILE: any mode's tables from a text memory image (mmu_memimage.h), CR3 from its cr3 line. */
static int setup_memory(explain_t *e, const char *path)
{
	char msg[512];
	mmu_memimage_info_t info;
	if (mmu_memimage_read(path, e->pg, mmu_sim_physmem(e->sim), &info, msg, sizeof msg))
		return cli_fail("%s", msg);
	e->dump = true;
	mmu_sim_cr3_write(e->sim, info.cr3);
	snprintf(e->setup, sizeof e->setup, "memory from %s (%llu words of %u bytes), CR3 = 0x%llx", path,
	         (unsigned long long)info.words, e->pg->pte_bytes, (unsigned long long)info.cr3);
	return 0;
}

/* --trace F --at N: records 1..N-1 run as mmusim run would; record N is the one explained. */
static int setup_trace(explain_t *e, bool have_addr, bool have_op)
{
	const lecture_opts_t *o = e->o;
	char msg[512];
	uint64_t at;
	if (!o->at || !cli_number(o->at, &at) || at < 1)
		return cli_fail("explain: --trace needs --at N, the record to explain (1 = the first)");
	mmu_trace_t *t;
	if (cli_trace_open(o->trace, o->format, &t, msg, sizeof msg))
		return cli_fail("%s", msg);
	mmu_trace_rec_t rec;
	uint64_t n = 0;
	int rc = 0;
	for (;;) {
		long got = mmu_trace_read(t, &rec, 1, msg, sizeof msg);
		if (got < 0) {
			rc = cli_fail("%s", msg);
			break;
		}
		if (got == 0) {
			rc = cli_fail("explain: %s has %llu records, fewer than --at %llu", o->trace,
			              (unsigned long long)n, (unsigned long long)at);
			break;
		}
		if (++n == at)
			break;
		if (mmu_sim_ref(e->sim, &rec, msg, sizeof msg)) {
			rc = cli_fail("%s: record %llu: %s", o->trace, (unsigned long long)n, msg);
			break;
		}
	}
	mmu_trace_close(t);
	if (rc)
		return rc;
	if (!have_addr)
		e->va = rec.vaddr;
	if (!have_op)
		e->op = rec.kind == MMU_REF_FETCH  ? MMU_OP_FETCH
		        : rec.kind == MMU_REF_LOAD ? MMU_OP_LOAD
		                                   : MMU_OP_STORE;
	e->port = e->op == MMU_OP_FETCH ? MMU_REQ_I : MMU_REQ_D;
	e->pid = rec.pid;
	e->demand = true;
	const mmu_sim_stats_t *ss = mmu_sim_stats(e->sim);
	if (at == 1)
		snprintf(e->setup, sizeof e->setup, "record 1 of %s, the first: nothing ran before it", o->trace);
	else
		snprintf(e->setup, sizeof e->setup,
		         "records 1..%llu of %s ran first (%llu translations, %llu demand faults)",
		         (unsigned long long)(at - 1), o->trace, (unsigned long long)ss->translations,
		         (unsigned long long)ss->demand_faults);
	unsigned pb = e->pg->page_bits;
	if (!have_addr && rec.size > 1 && ((rec.vaddr + rec.size - 1) >> pb) != (rec.vaddr >> pb))
		snprintf(e->note, sizeof e->note, "record %llu crosses a page: its second translation is not shown",
		         (unsigned long long)at);
	e->rec = (mmu_trace_rec_t){.vaddr = e->va, .size = have_addr ? 1 : rec.size, .pid = rec.pid, .kind = rec.kind};
	if (have_op)
		e->rec.kind = explain_rec_kind(e->op);
	return 0;
}

/*
 * A mode that cannot express what --map-perms leaves out maps every page with it: the list must then include it,
 * so that what the page shows is what was asked.
 */
static int perms_fit(const explain_t *e, unsigned perms)
{
	const mmu_paging_t *pg = e->pg;
	if (!(perms & MMU_PERM_W) && pg->bit_writable < 0)
		return cli_fail("explain: --map-perms '%s': paging mode %s has no writable bit, every page is writable "
		                "(add w)",
		                e->o->map_perms, pg->name);
	if (!(perms & MMU_PERM_U) && pg->bit_user < 0)
		return cli_fail("explain: --map-perms '%s': paging mode %s has no user bit, every page is a user page "
		                "(add u)",
		                e->o->map_perms, pg->name);
	if (!(perms & MMU_PERM_X) && pg->bit_nx < 0 && pg->bit_exec < 0)
		return cli_fail("explain: --map-perms '%s': paging mode %s has no execute-disable bit, every page is "
		                "executable (add x)",
		                e->o->map_perms, pg->name);
	return 0;
}

/* --map-perms and --reserved-bit: the page the OS mapped is changed before the request (mmu_os_protect, ...). */
static int change_page(explain_t *e)
{
	const lecture_opts_t *o = e->o;
	mmu_os_t *os = mmu_sim_os(e->sim);
	int k = 0;
	e->change[0] = '\0';
	if (o->map_perms) {
		unsigned perms;
		int rc = cli_perms("explain: --map-perms", o->map_perms, e->pg->bit_read >= 0, &perms);
		if (!rc)
			rc = perms_fit(e, perms);
		if (rc)
			return rc;
		if (mmu_os_protect(os, e->pid, e->va, perms))
			return cli_fail("explain: internal: the page of 0x%llx is not mapped",
			                (unsigned long long)e->va);
		k += snprintf(e->change + k, sizeof e->change - (size_t)k, ", then given permissions %s", o->map_perms);
	}
	if (o->reserved_bit) {
		unsigned bit;
		int err = mmu_os_set_reserved_bit(os, e->pid, e->va, &bit);
		if (err == MMU_EINVAL)
			return cli_fail(
			    "explain: --reserved-bit: paging mode %s has no reserved bit in this page's entry",
			    e->pg->name);
		if (err)
			return cli_fail("explain: internal: the page of 0x%llx is not mapped",
			                (unsigned long long)e->va);
		snprintf(e->change + k, sizeof e->change - (size_t)k, ", then reserved bit %u of its entry set", bit);
	}
	return 0;
}

/* No trace: process 1, with the page mapped by the OS beforehand unless --demand. */
static int setup_plain(explain_t *e)
{
	e->pid = 1;
	e->rec = (mmu_trace_rec_t){.vaddr = e->va, .size = 1, .pid = e->pid, .kind = explain_rec_kind(e->op)};
	if (mmu_sim_switch(e->sim, e->pid))
		return cli_fail("explain: cannot create process 1");
	bool kernel = mmu_paging_kernel_half(e->pg, e->va); /* the kernel's page is there from the start */
	if (e->demand && !kernel) {
		snprintf(e->setup, sizeof e->setup,
		         "page not mapped beforehand: the OS maps it on the fault (--demand)");
		return 0;
	}
	int err = mmu_os_populate(mmu_sim_os(e->sim), e->pid, e->va);
	if (err == MMU_ENOFRAME)
		return cli_fail("explain: physical memory exhausted mapping 0x%llx", (unsigned long long)e->va);
	/* an address the OS cannot map (not canonical) goes to the model as it is: its answer is the lesson */
	if (err)
		snprintf(e->setup, sizeof e->setup, "the OS cannot map this address (%s)",
		         mmu_paging_canonical(e->pg, e->va) ? mmu_strerror(err) : "not a valid address of the mode");
	else if ((err = change_page(e)) != 0)
		return err;
	else
		snprintf(e->setup, sizeof e->setup, "%s%s (%s)",
		         kernel ? "a kernel page (supervisor-only), mapped by the OS from the start"
		                : "page mapped by the OS beforehand",
		         e->change, e->o->warm ? "then accessed once: TLBs warm" : "TLBs empty");
	return 0;
}

static int setup(explain_t *e)
{
	const lecture_opts_t *o = e->o;
	bool have_addr = o->addr != NULL;
	/* OSTEP's homework prints addresses in hex without 0x: with its dump, so are they read */
	if (have_addr && o->ostep_dump && !cli_hex(o->addr, &e->va))
		return cli_fail("explain: --addr '%s' is not a hex address (with --ostep-dump: 611c or 0x611c)",
		                o->addr);
	if (have_addr && !o->ostep_dump && !cli_number(o->addr, &e->va))
		return cli_fail("explain: --addr '%s' is not a number (hex as 0x611c)", o->addr);
	if (!have_addr && !o->trace)
		return cli_fail("explain: --addr VA is required (or --trace F --at N)");
	if (o->at && !o->trace)
		return cli_fail("explain: --at needs --trace");
	if (o->memory && (o->trace || o->demand || o->ostep_dump || o->map_perms || o->reserved_bit))
		return cli_fail(
		    "explain: --memory takes the memory from its image: no --trace, --demand, --ostep-dump, "
		    "--map-perms or --reserved-bit");
	if (o->ostep_dump && (o->trace || o->demand))
		return cli_fail("explain: --ostep-dump takes its memory from the dump: no --trace or --demand");
	if (o->warm && o->demand)
		return cli_fail("explain: --warm and --demand exclude each other");
	if (o->user && o->supervisor)
		return cli_fail("explain: --user and --supervisor exclude each other");
	if ((o->map_perms || o->reserved_bit) && (o->trace || o->demand || o->ostep_dump))
		return cli_fail("explain: --%s changes the page the OS maps beforehand: not with --trace, --demand or "
		                "--ostep-dump",
		                o->map_perms ? "map-perms" : "reserved-bit");
	if (parse_op(o->op, &e->op))
		return 2;
	e->port = e->op == MMU_OP_FETCH ? MMU_REQ_I : MMU_REQ_D;
	e->demand = o->demand;
	e->user = !o->supervisor;
	int rc = o->ostep_dump ? setup_dump(e, o->ostep_dump)
	         : o->memory   ? setup_memory(e, o->memory)
	         : o->trace    ? setup_trace(e, have_addr, o->op != NULL)
	                       : setup_plain(e);
	if (!rc && o->warm)
		rc = warm(e);
	return rc;
}

/* The explained request; after a not-present fault that the OS serves, the retry as well. */
/*
 * The explained translation, carried out for the requester: each attempt recorded cycle by cycle. The other page of
 * a record that crosses one is translated but not shown.
 */
static int explain_translate(void *ctx, mmu_sim_t *s, const mmu_step_t *step, mmu_result_t *res)
{
	explain_t *e = ctx;
	if (step->vaddr != e->va || e->natt == EXPLAIN_ATTEMPTS) {
		mmu_sim_translate(s, step->port, step->vaddr, step->op, step->user, res);
		return 0;
	}
	if (e->natt == 1) { /* the OS served a demand fault between the attempts */
		unsigned level = 1;
		mmu_os_translate(mmu_sim_os(s), e->pid, e->va, &e->frame, &level);
		e->frame &= ~((UINT64_C(1) << mmu_paging_shift(e->pg, level)) - 1);
		e->fault_cycles = mmu_sim_stats(s)->fault_service_cycles - e->fault_cycles;
	}
	attempt_t *a = &e->att[e->natt++];
	int rc = run_attempt(e, a);
	*res = a->probe.res;
	return rc;
}

/*
 * The explained request as the requester presents a record: after a not-present fault that the OS serves, the retry
 * as well. Without an OS behind the tables (an OSTEP dump, no --demand), or for an address no process can have, the
 * model's one answer is the lesson.
 */
static int run(explain_t *e)
{
	int rc;
	if (!e->demand || e->dump || !mmu_paging_canonical(e->pg, e->va)) {
		rc = run_attempt(e, &e->att[e->natt++]);
	} else {
		char msg[512];
		e->fault_cycles = mmu_sim_stats(e->sim)->fault_service_cycles;
		rc = mmu_sim_ref_with(e->sim, &e->rec, explain_translate, e, msg, sizeof msg);
		if (e->natt < 2)
			e->fault_cycles = 0;
		if (rc < 0)
			rc = cli_fail("explain: %s", msg);
	}
	/* the page size that served the translation splits the address; a base page when none did */
	unsigned level = rc ? 0 : leaf_level(e, &e->att[e->natt - 1]);
	e->page_level = level ? level : 1;
	return rc;
}

static int write_page(const explain_t *e, const char *path, bool replace)
{
	cJSON *data = explain_json(e);
	if (!data)
		return cli_fail("explain: cannot build the JSON");
	char title[160];
	snprintf(title, sizeof title, "mmusim explain: %s%s 0x%llx (%s)", e->user ? "" : "supervisor ",
	         explain_op_name(e->op), (unsigned long long)e->va, e->pg->name);
	int rc = page_write(path, replace, PAGE_EXPLAIN, title, data);
	cJSON_Delete(data);
	return rc;
}

static const char usage[] =
    "usage: mmusim explain --addr VA [--op load|store|fetch] [--user | --supervisor] [--preset P] [--config F]\n"
    "                      [--set K=V]... [--map-perms r,w,x,u] [--reserved-bit] [--warm | --demand]\n"
    "                      [--ostep-dump FILE | --memory FILE] [--trace F [--format F] --at N] [--json]\n"
    "                      [--html FILE [--force]]\n"
    "  one translation step by step: address split, TLB lookups, each walk access, result, cycles\n";

int cmd_explain(int argc, char **argv)
{
	lecture_opts_t o = {0};
	const cli_option_t table[] = {
	    {"addr", 0, CLI_VALUE, "VA", &o.addr,
	     "the virtual address: 0x then hex, or decimal (a bare number is decimal: 611c is refused);\n"
	     "with --ostep-dump, hex with or without 0x, as OSTEP prints addresses"},
	    {"op", 0, CLI_VALUE, "OP", &o.op, "load (default), store or fetch"},
	    {"user", 0, CLI_FLAG, NULL, &o.user, "the access is made in user mode (the default, as in a trace)"},
	    {"supervisor", 0, CLI_FLAG, NULL, &o.supervisor, "the access is made in supervisor mode (the kernel's)"},
	    {"map-perms", 0, CLI_VALUE, "LIST", &o.map_perms,
	     "permissions of the page mapped beforehand: r (always), w writable, x executable, u user;\n"
	     "comma-separated, e.g. r,u (a read-only user page); default r,w,x,u (the kernel half: r,w)"},
	    {"reserved-bit", 0, CLI_FLAG, NULL, &o.reserved_bit,
	     "set a reserved bit in the page's entry (a corrupt page table): the walk faults with RSVD"},
	    CLI_CFG_OPTIONS(&o.cfg),
	    {"warm", 0, CLI_FLAG, NULL, &o.warm, "access the address once before: the TLBs hold it"},
	    {"demand", 0, CLI_FLAG, NULL, &o.demand,
	     "the page is not mapped beforehand: the OS maps it on the fault, then the access is retried"},
	    {"ostep-dump", 0, CLI_VALUE, "FILE", &o.ostep_dump,
	     "memory and PDBR from the printout of OSTEP's paging-multilevel-translate.py (--preset ostep)"},
	    {"memory", 0, CLI_VALUE, "FILE", &o.memory,
	     "memory and CR3 from a text image, any paging mode: 'cr3 VALUE' and 'ADDRESS: WORD...'\n"
	     "lines, words of paging.pte_bytes (README, Explain a translation)"},
	    {"trace", 0, CLI_VALUE, "F", &o.trace, "explain record --at N of trace F, after records 1..N-1 ran"},
	    {"format", 0, CLI_VALUE, "F", &o.format,
	     "the trace's format: lackey, text, champsim, champsim-cloudsuite, din or\nauto (default auto; README, "
	     "Traces)"},
	    {"at", 0, CLI_VALUE, "N", &o.at, "the record of --trace to explain (1 = the first)"},
	    {"json", 0, CLI_FLAG, NULL, &o.json, "the same as one JSON object (paddr, value, fault, fault_level, ...)"},
	    {"html", 0, CLI_VALUE, "FILE", &o.html,
	     "also write the explanation as one self-contained HTML page, stepped with buttons or arrow keys"},
	    {"force", 0, CLI_FLAG, NULL, &o.force, "with --html: replace FILE if it exists"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "explain",
	                         .usage = usage,
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0]};
	mmu_cfg_t cfg;
	char msg[512];
	int rc;
	if (!cli_parse(&spec, argc, argv, &rc)) {
		cli_free(&spec);
		return rc;
	}
	rc = cli_config(&o.cfg, &cfg);
	if (!rc && o.force && !o.html)
		rc = cli_fail("explain: --force replaces the file of --html: give --html FILE");
	if (!rc && o.html && cli_out_check(o.html, o.force, msg, sizeof msg))
		rc = cli_fail("%s", msg);
	explain_t *e = rc ? NULL : calloc(1, sizeof *e);
	if (!e) {
		cli_free(&spec);
		return rc ? rc : cli_fail("out of memory");
	}
	if (mmu_sim_create(&cfg, MMU_ENGINE_TICKED, &e->sim, msg, sizeof msg))
		rc = cli_fail("%s", msg);
	if (!rc) {
		e->o = &o;
		e->cfg = mmu_config(mmu_sim_mmu(e->sim));
		e->pg = mmu_paging(mmu_sim_mmu(e->sim));
		rc = setup(e);
	}
	if (!rc)
		rc = run(e);
	if (!rc && o.json)
		rc = explain_print_json(stdout, e) ? cli_fail("explain: cannot build the JSON") : 0;
	else if (!rc)
		explain_print_text(stdout, e);
	if (!rc && o.html)
		rc = write_page(e, o.html, o.force);
	for (int i = 0; i < e->natt; i++)
		probe_free(&e->att[i].probe);
	mmu_sim_destroy(e->sim);
	free(e);
	cli_free(&spec);
	return rc;
}
