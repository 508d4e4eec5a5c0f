/*
 * Directed tests of the model-only page-walk caches: docs/timing.md rules W9-W12, cycle by cycle on hand-written
 * page tables (testbench/support/pt_builder.h has the layout and its addresses).
 *
 * Unless a test says otherwise: H1 = 1, H2 = 2, L = 3 (each access 4 cycles), PWCs for levels 2, 3 and 4 with 4
 * entries each, fully associative, 1-cycle lookups (P = 1). CR3 = 0x1000 is written in cycle 0. A request presented
 * in cycle c that misses both TLBs starts its walk in w = c + 3; its first memory request is visible in w + P.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cycle_rig.h"
#include "mmu/mmu.h"
#include "pt_builder.h"

#define D MMU_REQ_D

static rig_t r;
static bool rig_up;

static void teardown(void)
{
	if (rig_up)
		rig_fini(&r);
	rig_up = false;
}

TestSuite(mmu_pwc, .fini = teardown);

static void set(mmu_cfg_t *cfg, const char *key, const char *value)
{
	char msg[256];
	cr_assert_eq(mmu_cfg_set(cfg, key, value, msg, sizeof msg), 0, "%s", msg);
}

static void small_pwc(mmu_cfg_t *cfg)
{
	rig_cfg_small(cfg);
	set(cfg, "pwc.l2.entries", "4");
	set(cfg, "pwc.l3.entries", "4");
	set(cfg, "pwc.l4.entries", "4");
}

static void start_cfg(const mmu_cfg_t *cfg)
{
	char msg[256];
	cr_assert_eq(mmu_cfg_validate(cfg, msg, sizeof msg), 0, "%s", msg);
	rig_init(&r, cfg);
	rig_up = true;
	rig_set_cr3(&r, PT_CR3);
}

static void start(void)
{
	mmu_cfg_t cfg;
	small_pwc(&cfg);
	start_cfg(&cfg);
}

static mmu_stats_t stats(void)
{
	mmu_stats_t st;
	mmu_stats_read(r.mmu, &st);
	return st;
}

/* A translation; returns the number of memory accesses its walk made. */
static size_t translate(uint64_t va, mmu_op_t op, bool user, rig_resp_t *x, rig_memreq_t *q)
{
	return rig_translate_log(&r, D, va, op, user, x, q, 16);
}

static void expect_reads(const rig_memreq_t *q, size_t n, const uint64_t *addr, size_t k, uint64_t first)
{
	cr_assert_eq(n, k, "%zu memory accesses, expected %zu", n, k);
	for (size_t i = 0; i < k; i++) {
		cr_assert_eq(q[i].write, false);
		cr_assert_eq(q[i].addr, addr[i], "access %zu at 0x%llx, expected 0x%llx", i,
		             (unsigned long long)q[i].addr, (unsigned long long)addr[i]);
		cr_assert_eq(q[i].visible, first + 4 * i, "access %zu visible in cycle %llu, expected %llu", i,
		             (unsigned long long)q[i].visible, (unsigned long long)(first + 4 * i));
	}
}

/* The entry a PWC holds for va (PCID pcid), or NULL. */
static const mmu_tlb_entry_t *pwc_entry(unsigned level, uint64_t va, uint16_t pcid)
{
	const mmu_tlb_t *t = mmu_pwc(r.mmu, level);
	cr_assert(t, "no page-walk cache at level %u", level);
	long slot = mmu_tlb_probe(t, va, pcid);
	if (slot < 0)
		return NULL;
	return mmu_tlb_entry(t, (unsigned)slot / mmu_tlb_ways(t), (unsigned)slot % mmu_tlb_ways(t));
}

static const uint64_t walk_a[] = {PT_PML4E, PT_PDPTE, PT_PDE, PT_PTE_A};

/* A second PD entry of PT_VA_A's PDPT region: PD index 4 -> PT at 0x7000; VA_D's leaf (index 0) at 0x7000. */
#define VA_D   UINT64_C(0x0000008080800123)
#define PDE_D  UINT64_C(0x3020)
#define PT_D   UINT64_C(0x7000)
#define PAGE_D UINT64_C(0x8000)

Test(mmu_pwc, cold_walk_looks_up_then_reads_from_the_root_and_fills_every_level)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	uint64_t c = x.cycle - x.latency;
	cr_assert_eq(x.paddr, PT_PAGE_A | 0x567);
	cr_assert_eq(x.latency, 1 + 2 + 1 + 4 * 4, "H1 + H2 + P + 4 (L + 1)");
	expect_reads(q, n, walk_a, 4, c + 1 + 2 + 1);
	mmu_stats_t st = stats();
	cr_assert(st.pwc_l2_accesses == 1 && st.pwc_l2_misses == 1 && st.pwc_l3_misses == 1 && st.pwc_l4_misses == 1);
	cr_assert_eq(st.pwc_skipped, 0);
	/* W11: each level holds the next table's address, tagged by the VA bits above its level's page size */
	const mmu_tlb_entry_t *e4 = pwc_entry(4, PT_VA_A, 0), *e3 = pwc_entry(3, PT_VA_A, 0),
	                      *e2 = pwc_entry(2, PT_VA_A, 0);
	cr_assert(e4 && e3 && e2);
	cr_assert_eq(e4->base, PT_PDPT);
	cr_assert_eq(e4->vpn, PT_VA_A >> 39);
	cr_assert_eq(e3->base, PT_PD);
	cr_assert_eq(e3->vpn, PT_VA_A >> 30);
	cr_assert_eq(e2->base, PT_PT);
	cr_assert_eq(e2->vpn, PT_VA_A >> 21);
	cr_assert(e2->writable && e2->user && !e2->nx && !e2->global);
}

Test(mmu_pwc, pde_hit_starts_the_walk_at_the_leaf)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	size_t n = translate(PT_VA_B, MMU_OP_LOAD, true, &x, q); /* another page of the same page table */
	uint64_t c = x.cycle - x.latency;
	const uint64_t want[] = {PT_PTE_B};
	expect_reads(q, n, want, 1, c + 1 + 2 + 1);
	cr_assert_eq(x.paddr, PT_PAGE_B | 0x567);
	cr_assert_eq(x.latency, 1 + 2 + 1 + 4);
	mmu_stats_t st = stats();
	/* W10: all three are looked up in parallel and all hit; the deepest (PDE) decides */
	cr_assert(st.pwc_l2_hits == 1 && st.pwc_l3_hits == 1 && st.pwc_l4_hits == 1);
	cr_assert_eq(st.pwc_skipped, 3);
	cr_assert_eq(st.pte_reads, 5);
}

Test(mmu_pwc, pdpte_hit_reads_the_pde_and_the_leaf_and_fills_the_pde)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	pt_set(r.pm, PDE_D, PT_D | PTE_TABLE_A);
	pt_set(r.pm, PT_D, PAGE_D | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	size_t n = translate(VA_D, MMU_OP_LOAD, true, &x, q);
	uint64_t c = x.cycle - x.latency;
	const uint64_t want[] = {PDE_D, PT_D};
	expect_reads(q, n, want, 2, c + 4);
	cr_assert_eq(x.paddr, PAGE_D | 0x123);
	cr_assert_eq(x.latency, 1 + 2 + 1 + 2 * 4);
	mmu_stats_t st = stats();
	cr_assert(st.pwc_l2_misses == 2 && st.pwc_l3_hits == 1 && st.pwc_l4_hits == 1);
	cr_assert_eq(st.pwc_skipped, 2);
	const mmu_tlb_entry_t *e2 = pwc_entry(2, VA_D, 0);
	cr_assert(e2 && e2->base == PT_D, "the PDE read below the hit is cached");
	cr_assert(pwc_entry(2, PT_VA_A, 0), "the first PDE is still there");
}

Test(mmu_pwc, lookup_time_is_the_slowest_enabled_cache)
{
	mmu_cfg_t cfg;
	small_pwc(&cfg);
	set(&cfg, "pwc.l3.hit_latency", "3");
	start_cfg(&cfg);
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_reads(q, n, walk_a, 4, x.cycle - x.latency + 1 + 2 + 3);
	cr_assert_eq(x.latency, 1 + 2 + 3 + 16);
}

Test(mmu_pwc, without_l2_no_request_in_the_grant_cycle)
{
	mmu_cfg_t cfg;
	small_pwc(&cfg);
	set(&cfg, "tlb.l2.entries", "0");
	start_cfg(&cfg);
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	uint64_t c = x.cycle - x.latency;
	expect_reads(q, n, walk_a, 4, c + 1 + 1); /* grant cycle c + 1 looks up; first read in c + 2 */
	cr_assert_eq(x.latency, 1 + 1 + 16);
	n = translate(PT_VA_B, MMU_OP_LOAD, true, &x, q);
	const uint64_t want[] = {PT_PTE_B};
	expect_reads(q, n, want, 1, x.cycle - x.latency + 2);
	cr_assert_eq(x.latency, 1 + 1 + 4);
}

Test(mmu_pwc, dirty_rewalk_also_starts_below_the_hit)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, true, &x, q); /* L1 holds a clean entry */
	size_t n = translate(PT_VA_A, MMU_OP_STORE, true, &x, q);
	cr_assert_eq(n, 2, "leaf read and its D write only");
	cr_assert_eq(q[0].addr, PT_PTE_A);
	cr_assert_eq(q[1].write, true);
	/* T9: the walk starts in the grant cycle c + 1: P, then read and write */
	cr_assert_eq(x.latency, 1 + 1 + 2 * 4);
	cr_assert_eq(stats().walks_dirty, 1);
}

Test(mmu_pwc, rights_come_from_the_cached_entry)
{
	start();
	/* the PDPTE is supervisor-only: every walk through it denies user accesses */
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	pt_set(r.pm, PT_PDPTE, PT_PD | PTE_P | PTE_W | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, false, &x, q);
	cr_assert_eq(x.fault, 0);
	cr_assert_eq(pwc_entry(2, PT_VA_A, 0)->user, false);
	size_t n = translate(PT_VA_B, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(n, 1, "PDE hit: only the leaf is read");
	cr_assert_eq(x.fault, 1);
	cr_assert_eq(x.cause, MMU_CAUSE_PROTECTION);
	cr_assert_eq(x.ecode, MMU_EC_P | MMU_EC_U);
	cr_assert_eq(x.latency, 1 + 2 + 1 + 4);
}

Test(mmu_pwc, a_fault_below_fills_the_entries_above_but_not_a_missing_table)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A); /* leaves not present */
	pt_set(r.pm, PDE_D, 0);          /* PD entry of VA_D not present */
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(n, 4);
	cr_assert_eq(x.cause, MMU_CAUSE_NOT_PRESENT);
	cr_assert(pwc_entry(2, PT_VA_A, 0) && pwc_entry(3, PT_VA_A, 0) && pwc_entry(4, PT_VA_A, 0));
	n = translate(VA_D, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(n, 1, "PDPTE hit, then the PDE read faults");
	cr_assert_eq(q[0].addr, PDE_D);
	cr_assert_eq(x.cause, MMU_CAUSE_NOT_PRESENT);
	cr_assert_null(pwc_entry(2, VA_D, 0), "a not-present PDE is never cached");
}

Test(mmu_pwc, a_huge_leaf_is_not_cached)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PDE, UINT64_C(0x200000) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D | PTE_PS);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(x.paddr, UINT64_C(0x200000) | (PT_VA_A & 0x1fffff));
	cr_assert_null(pwc_entry(2, PT_VA_A, 0));
	cr_assert_not_null(pwc_entry(3, PT_VA_A, 0));
}

/* Warms the caches with PT_VA_A, applies `what`, and returns how many reads PT_VA_B's walk then makes. */
static size_t reads_after(void (*what)(void))
{
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	what();
	return translate(PT_VA_B, MMU_OP_LOAD, true, &x, q);
}

static void invlpg_elsewhere(void)
{
	rig_flush(&r, MMU_FLUSH_VA, UINT64_C(0x7f0000000000), 0);
	rig_step(&r);
}

static void flush_other_pcid(void)
{
	rig_flush(&r, MMU_FLUSH_PCID, 0, 5);
	rig_step(&r);
}

static void va_pcid_other(void)
{
	rig_flush(&r, MMU_FLUSH_VA_PCID, PT_VA_B, 5);
	rig_step(&r);
}

static void flush_nonglobal(void)
{
	rig_flush(&r, MMU_FLUSH_NONGLOBAL, 0, 0);
	rig_step(&r);
}

static void cr3_rewrite(void)
{
	rig_set_cr3(&r, PT_CR3);
}

Test(mmu_pwc, invlpg_of_any_address_drops_the_current_pcid)
{
	start();
	cr_assert_eq(reads_after(invlpg_elsewhere), 4, "SDM 4.10.4.1: INVLPG empties the paging-structure caches");
}

Test(mmu_pwc, flushes_of_another_pcid_keep_them)
{
	start();
	cr_assert_eq(reads_after(flush_other_pcid), 1);
	teardown();
	start();
	cr_assert_eq(reads_after(va_pcid_other), 1);
}

Test(mmu_pwc, nonglobal_flush_and_cr3_write_without_pcid_drop_everything)
{
	start();
	cr_assert_eq(reads_after(flush_nonglobal), 4);
	teardown();
	start();
	cr_assert_eq(reads_after(cr3_rewrite), 4);
}

/* With PCIDs: process 1 (PCID 1) and process 2 (PCID 2) share the page tables at 0x1000. */
static void start_pcid(void)
{
	mmu_cfg_t cfg;
	small_pwc(&cfg);
	set(&cfg, "cr3.pcid", "1");
	start_cfg(&cfg);
	rig_set_cr3(&r, PT_CR3 | 1);
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
}

Test(mmu_pwc, entries_are_tagged_with_the_walks_pcid)
{
	start_pcid();
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, true, &x, q);
	cr_assert_not_null(pwc_entry(2, PT_VA_A, 1));
	cr_assert_null(pwc_entry(2, PT_VA_A, 2));
	rig_set_cr3(&r, PT_CR3 | 2 | MMU_CR3_NOFLUSH); /* switch without flushing */
	cr_assert_eq(translate(PT_VA_B, MMU_OP_LOAD, true, &x, q), 4, "PCID 2 sees none of PCID 1's entries");
	rig_set_cr3(&r, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	rig_set_cr3(&r, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	cr_assert_eq(translate(PT_VA_C, MMU_OP_LOAD, true, &x, q), 1, "back in PCID 1: the PDE entry survived");
	rig_set_cr3(&r, PT_CR3 | 2); /* bit 63 clear: PCID 2's entries go, PCID 1's stay */
	cr_assert_null(pwc_entry(2, PT_VA_A, 2));
	cr_assert_not_null(pwc_entry(2, PT_VA_A, 1));
	rig_flush(&r, MMU_FLUSH_VA, PT_VA_A, 0); /* INVLPG in PCID 2 */
	rig_step(&r);
	cr_assert_not_null(pwc_entry(2, PT_VA_A, 1), "INVLPG drops the current PCID's entries only");
	rig_flush(&r, MMU_FLUSH_VA_PCID, UINT64_C(0x1234000), 1);
	rig_step(&r);
	cr_assert_null(pwc_entry(2, PT_VA_A, 1), "INVPCID type 0 drops every entry of its PCID");
	cr_assert_null(pwc_entry(4, PT_VA_A, 1));
}

Test(mmu_pwc, an_overtaken_walk_fills_nothing)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 1);
	uint64_t c = rig_step(&r);
	rig_idle(&r, 5);
	rig_flush(&r, MMU_FLUSH_PCID, 0, 7); /* T13: any flush overtakes the request, even one that removes nothing */
	rig_step(&r);
	rig_resp_t x;
	rig_wait_resp(&r, D, c, 100, &x);
	cr_assert_eq(x.fault, 0);
	cr_assert_null(pwc_entry(2, PT_VA_A, 0));
	cr_assert_null(pwc_entry(4, PT_VA_A, 0));
}

Test(mmu_pwc, replacement_is_the_tlb_policy_of_its_level)
{
	mmu_cfg_t cfg;
	small_pwc(&cfg);
	set(&cfg, "pwc.l2.entries", "2");
	set(&cfg, "tlb.l1d.entries", "1");
	set(&cfg, "tlb.l1d.ways", "full");
	set(&cfg, "tlb.l2.entries", "0");
	start_cfg(&cfg);
	/* three page tables under one PD: PDE indices 3, 4, 5 -> PTs 0x4000, 0x7000, 0x9000 */
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	pt_set(r.pm, PDE_D, PT_D | PTE_TABLE_A);
	pt_set(r.pm, PT_D, PAGE_D | PTE_P | PTE_U | PTE_A);
	pt_set(r.pm, PDE_D + 8, UINT64_C(0x9000) | PTE_TABLE_A);
	pt_set(r.pm, UINT64_C(0x9000), PAGE_D | PTE_P | PTE_U | PTE_A);
	const uint64_t va_e = VA_D + (UINT64_C(1) << 21);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(PT_VA_A, MMU_OP_LOAD, true, &x, q); /* PDE cache: A */
	translate(VA_D, MMU_OP_LOAD, true, &x, q);    /* A, D */
	translate(PT_VA_B, MMU_OP_LOAD, true, &x, q); /* hit A: D is now least recently used */
	translate(va_e, MMU_OP_LOAD, true, &x, q);    /* E replaces D (R1) */
	cr_assert_not_null(pwc_entry(2, PT_VA_A, 0));
	cr_assert_null(pwc_entry(2, VA_D, 0));
	cr_assert_not_null(pwc_entry(2, va_e, 0));
}

Test(mmu_pwc, a_level_the_mode_lacks_is_a_config_error)
{
	mmu_cfg_t cfg;
	char msg[256];
	mmu_cfg_default(&cfg);
	set(&cfg, "paging.mode", "x86_32");
	set(&cfg, "pwc.l3.entries", "4");
	cr_assert_neq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0);
	cr_assert_str_eq(
	    msg, "pwc.l3.entries: the x86_32 mode has 2 levels, so page-walk caches exist for levels 2..2 only");
	set(&cfg, "pwc.l3.entries", "0");
	set(&cfg, "pwc.l2.entries", "6");
	set(&cfg, "pwc.l2.ways", "4");
	cr_assert_neq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0);
	cr_assert_str_eq(msg, "pwc.l2.ways: 4 does not divide pwc.l2.entries (6)");
}
