/*
 * Directed tests of the page walker and of faults: docs/timing.md rules W1-W8 and T7-T10.
 *
 * Every test runs the MMU cycle by cycle (testbench/support/cycle_rig.c) over page tables written by hand
 * (testbench/support/pt_builder.h documents the standard layout and its addresses). Unless a test says otherwise:
 * H1 = 1, H2 = 2, L = 3, so each memory access costs L + 1 = 4 cycles; CR3 = 0x1000 is written in cycle 0 and the
 * first request is presented in cycle c = 1. With an L2 TLB the walk then starts in w = c + H1 + H2 = 4 (W1), and
 * access i is visible in cycle 4 + 4i.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>

#include "cycle_rig.h"
#include "mmu/mmu.h"
#include "pt_builder.h"

#define D MMU_REQ_D
#define I MMU_REQ_I

static rig_t r;
static bool rig_up;

static void teardown(void)
{
	if (rig_up)
		rig_fini(&r);
	rig_up = false;
}

TestSuite(mmu_walk, .fini = teardown);

/* Builds the rig and writes CR3 in cycle 0, so the first request comes in cycle 1. */
static void start_cfg(const mmu_cfg_t *cfg, uint64_t cr3)
{
	rig_init(&r, cfg);
	rig_up = true;
	rig_set_cr3(&r, cr3);
}

static void start(void)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	start_cfg(&cfg, PT_CR3);
}

static mmu_stats_t stats(void)
{
	mmu_stats_t st;
	mmu_stats_read(r.mmu, &st);
	return st;
}

static void expect_ok(const rig_resp_t *x, uint64_t paddr, uint64_t level, uint64_t latency)
{
	cr_assert_eq(x->fault, 0, "unexpected fault, cause %llu", (unsigned long long)x->cause);
	cr_assert_eq(x->cause, 0);
	cr_assert_eq(x->ecode, 0);
	cr_assert_eq(x->paddr, paddr, "paddr 0x%llx, expected 0x%llx", (unsigned long long)x->paddr,
	             (unsigned long long)paddr);
	cr_assert_eq(x->level, level, "resp_level %llu, expected %llu", (unsigned long long)x->level,
	             (unsigned long long)level);
	cr_assert_eq(x->latency, latency, "latency %llu, expected %llu", (unsigned long long)x->latency,
	             (unsigned long long)latency);
}

static void expect_fault(const rig_resp_t *x, uint64_t cause, uint64_t ecode, uint64_t level, uint64_t latency)
{
	cr_assert_eq(x->fault, 1, "no fault");
	cr_assert_eq(x->cause, cause, "cause %llu, expected %llu", (unsigned long long)x->cause,
	             (unsigned long long)cause);
	cr_assert_eq(x->ecode, ecode, "error code 0x%llx, expected 0x%llx", (unsigned long long)x->ecode,
	             (unsigned long long)ecode);
	cr_assert_eq(x->paddr, 0, "a fault carries paddr 0");
	cr_assert_eq(x->level, level, "resp_level %llu, expected %llu", (unsigned long long)x->level,
	             (unsigned long long)level);
	cr_assert_eq(x->latency, latency, "latency %llu, expected %llu", (unsigned long long)x->latency,
	             (unsigned long long)latency);
}

/* A read with no back-pressure: visible and accepted in the same cycle. */
static void expect_read(const rig_memreq_t *q, uint64_t visible, uint64_t addr)
{
	cr_assert_eq(q->write, false, "access at cycle %llu is a write", (unsigned long long)q->visible);
	cr_assert_eq(q->addr, addr, "read address 0x%llx, expected 0x%llx", (unsigned long long)q->addr,
	             (unsigned long long)addr);
	cr_assert_eq(q->visible, visible, "read of 0x%llx visible in cycle %llu, expected %llu",
	             (unsigned long long)addr, (unsigned long long)q->visible, (unsigned long long)visible);
	cr_assert_eq(q->accepted, visible);
}

static void expect_write(const rig_memreq_t *q, uint64_t visible, uint64_t addr, uint64_t wdata, uint8_t wstrb)
{
	cr_assert_eq(q->write, true, "access at cycle %llu is a read", (unsigned long long)q->visible);
	cr_assert_eq(q->addr, addr, "write address 0x%llx, expected 0x%llx", (unsigned long long)q->addr,
	             (unsigned long long)addr);
	cr_assert_eq(q->wdata, wdata, "wdata 0x%llx, expected 0x%llx", (unsigned long long)q->wdata,
	             (unsigned long long)wdata);
	cr_assert_eq(q->wstrb, wstrb, "wstrb 0x%x, expected 0x%x", q->wstrb, wstrb);
	cr_assert_eq(q->visible, visible, "write visible in cycle %llu, expected %llu", (unsigned long long)q->visible,
	             (unsigned long long)visible);
	cr_assert_eq(q->accepted, visible);
}

/* Reads only, one every `step` cycles from `first`. */
static void expect_reads(const rig_memreq_t *q, size_t n, const uint64_t *addr, size_t k, uint64_t first, uint64_t step)
{
	cr_assert_eq(n, k, "%zu memory accesses, expected %zu", n, k);
	for (size_t i = 0; i < k; i++)
		expect_read(&q[i], first + i * step, addr[i]);
}

static const uint64_t walk_4k[] = {PT_PML4E, PT_PDPTE, PT_PDE, PT_PTE_A};

static size_t translate(unsigned port, uint64_t va, mmu_op_t op, bool user, rig_resp_t *x, rig_memreq_t *q)
{
	return rig_translate_log(&r, port, va, op, user, x, q, 16);
}

/* Valid entries of a TLB that map va (any PCID). */
static unsigned entries_for(mmu_tlb_id_t id, uint64_t va, bool *dirty)
{
	const mmu_tlb_t *t = mmu_tlb(r.mmu, id);
	unsigned n = 0;
	for (unsigned s = 0; s < mmu_tlb_sets(t); s++)
		for (unsigned w = 0; w < mmu_tlb_ways(t); w++) {
			const mmu_tlb_entry_t *e = mmu_tlb_entry(t, s, w);
			unsigned shift = 12 + 9 * (e->level - 1);
			if (e->valid && e->vpn == ((va & UINT64_C(0xffffffffffff)) >> shift)) {
				n++;
				*dirty = e->dirty;
			}
		}
	return n;
}

/* ---- W1-W3, W8: walks of each page size, A bits already set ---- */

Test(mmu_walk, walk_4k_reads_each_level_and_takes_h1_h2_4_accesses)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	/* 1 + 2 + 4 x (3 + 1) = 19; request in cycle 1, response in cycle 20 */
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	cr_assert_eq(x.cycle, 20);
	expect_reads(q, n, walk_4k, 4, 4, 4);
	/* M1: each read's response is visible L = 3 cycles after acceptance: 7, 11, 15, 19 */
	for (uint64_t c = 4; c < 20; c++)
		cr_assert_eq(rig_at(&r, c)->in.mem_resp_valid, (c == 7 || c == 11 || c == 15 || c == 19),
		             "mem_resp_valid wrong in cycle %llu", (unsigned long long)c);
	/* M1: the memory is busy from the cycle after acceptance to the response cycle (diagram "Full 4-level walk") */
	for (uint64_t c = 4; c < 20; c++)
		cr_assert_eq(rig_at(&r, c)->in.mem_req_ready, (c % 4) == 0, "mem_req_ready wrong in cycle %llu",
		             (unsigned long long)c);
	mmu_stats_t st = stats();
	cr_assert_eq(st.pte_reads, 4);
	cr_assert_eq(st.pte_reads_l4 + st.pte_reads_l3 + st.pte_reads_l2 + st.pte_reads_l1, 4);
	cr_assert_eq(st.pte_reads_l1, 1);
	cr_assert_eq(st.ad_writes, 0);
	cr_assert_eq(st.walks, 1);
	cr_assert_eq(st.walk_cycles, 16, "walk from w = 4 to the response in 20");
	cr_assert_eq(st.served_level1, 1);
	cr_assert_eq(mmu_mem_writes(r.mem), 0);
}

Test(mmu_walk, walk_2m_stops_at_the_pde)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	/* PDE with PS: 2 MiB frame 0x80000000; offset = VA bits 20:0 = 0x004567 */
	pt_set(r.pm, PT_PDE, UINT64_C(0x80000000) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_PS);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x80004567, MMU_LEVEL_WALK, 1 + 2 + 3 * 4);
	expect_reads(q, n, walk_4k, 3, 4, 4);
	mmu_stats_t st = stats();
	cr_assert_eq(st.served_level2, 1);
	cr_assert_eq(st.pte_reads_l1, 0);
}

Test(mmu_walk, walk_1g_stops_at_the_pdpte)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	/* PDPTE with PS: 1 GiB frame 0x40000000; offset = VA bits 29:0 = 0x00604567 */
	pt_set(r.pm, PT_PDPTE, UINT64_C(0x40000000) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_PS);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x40604567, MMU_LEVEL_WALK, 1 + 2 + 2 * 4);
	expect_reads(q, n, walk_4k, 2, 4, 4);
	cr_assert_eq(stats().served_level3, 1);
}

Test(mmu_walk, canonical_high_half_uses_pml4_index_256)
{
	start();
	rig_resp_t x;
	rig_memreq_t q[16];
	/* 0xffff800000000000: bits 47:39 = 256, PML4E at 0x1000 + 256 x 8 = 0x1800, never written: not present */
	size_t n = translate(D, UINT64_C(0xffff800000000000), MMU_OP_LOAD, false, &x, q);
	const uint64_t a[] = {0x1800};
	expect_reads(q, n, a, 1, 4, 4);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, 0, MMU_LEVEL_WALK, 1 + 2 + 4);
}

/* ---- W7: accessed and dirty write-backs ---- */

Test(mmu_walk, first_touch_load_writes_a_at_every_level)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	/* read, write-back, for 4 levels: 8 accesses, 1 + 2 + 8 x 4 = 35 */
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 35);
	cr_assert_eq(n, 8);
	expect_read(&q[0], 4, PT_PML4E);
	expect_write(&q[1], 8, PT_PML4E, 0x2027, 0xff);
	expect_read(&q[2], 12, PT_PDPTE);
	expect_write(&q[3], 16, PT_PDPTE, 0x3027, 0xff);
	expect_read(&q[4], 20, PT_PDE);
	expect_write(&q[5], 24, PT_PDE, 0x4027, 0xff);
	expect_read(&q[6], 28, PT_PTE_A);
	expect_write(&q[7], 32, PT_PTE_A, 0x5027, 0xff);
	/* W7 diagram: leaf read's response in x = 31, write visible 32, ack in 35, response in 36 */
	cr_assert_eq(rig_at(&r, 31)->in.mem_resp_valid, 1);
	cr_assert_eq(rig_at(&r, 35)->in.mem_resp_valid, 1);
	cr_assert_eq(x.cycle, 36);
	cr_assert_eq(pt_get(r.pm, PT_PML4E), 0x2027);
	cr_assert_eq(pt_get(r.pm, PT_PDPTE), 0x3027);
	cr_assert_eq(pt_get(r.pm, PT_PDE), 0x4027);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), 0x5027, "a load sets A, not D");
	cr_assert_eq(stats().ad_writes, 4);
}

Test(mmu_walk, second_walk_writes_nothing)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(x.cycle, 36);
	rig_flush(&r, MMU_FLUSH_ALL, 0, 0); /* cycle 36 */
	rig_step(&r);
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q); /* c = 37, w = 40 */
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	expect_reads(q, n, walk_4k, 4, 40, 4);
	cr_assert_eq(mmu_mem_writes(r.mem), 4, "only the first walk writes");
	cr_assert_eq(stats().ad_writes, 4);
}

Test(mmu_walk, first_touch_store_sets_d_in_the_leaf_only)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 35);
	cr_assert_eq(n, 8);
	expect_write(&q[1], 8, PT_PML4E, 0x2027, 0xff);
	expect_write(&q[3], 16, PT_PDPTE, 0x3027, 0xff);
	expect_write(&q[5], 24, PT_PDE, 0x4027, 0xff);
	/* the leaf's A and D share one write: 0x5000 | P W U | A | D = 0x5067 */
	expect_write(&q[7], 32, PT_PTE_A, 0x5067, 0xff);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), 0x5067);
	cr_assert_eq(pt_get(r.pm, PT_PDE), 0x4027, "D is a leaf bit only");
}

Test(mmu_walk, store_with_a_set_writes_d_once)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, false, &x, q);
	/* 4 reads + 1 write: 1 + 2 + 5 x 4 = 23 */
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 23);
	cr_assert_eq(n, 5);
	expect_reads(q, 4, walk_4k, 4, 4, 4);
	expect_write(&q[4], 20, PT_PTE_A, 0x5067, 0xff);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), 0x5067);
	cr_assert_eq(stats().ad_writes, 1);
}

/* ---- T9: dirty re-walks ---- */

Test(mmu_walk, dirty_rewalk_from_l1_hit)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q); /* fills L1 D and L2 clean */
	cr_assert_eq(x.cycle, 20);
	/* store in c = 20: L1 hit on a clean entry, m = g = 21, walk starts in 21 (T5), skips L2 */
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 1 + 5 * 4);
	cr_assert_eq(n, 5);
	expect_reads(q, 4, walk_4k, 4, 21, 4);
	expect_write(&q[4], 37, PT_PTE_A, 0x5067, 0xff);
	cr_assert_eq(x.cycle, 41);
	mmu_stats_t st = stats();
	cr_assert_eq(st.walks, 2);
	cr_assert_eq(st.walks_dirty, 1);
	cr_assert_eq(st.l1d_accesses, 2);
	cr_assert_eq(st.l1d_hits, 1, "a dirty re-walk is an L1 hit");
	cr_assert_eq(st.l1d_misses, 1);
	cr_assert_eq(st.l2_accesses, 1, "the re-walk skips the L2 TLB");
	cr_assert_eq(st.walk_cycles_dirty, 20, "from m = 21 to 41");
	cr_assert_eq(st.walk_cycles_miss, 16);
	bool dirty = false;
	cr_assert_eq(entries_for(MMU_TLB_L1D, PT_VA_A, &dirty), 1, "R7: the fill replaces the clean entry in place");
	cr_assert(dirty);
	cr_assert_eq(entries_for(MMU_TLB_L2, PT_VA_A, &dirty), 1);
	cr_assert(dirty);
	/* the entry is dirty now: the next store hits */
	translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_L1, 1);
	cr_assert_eq(stats().walks, 2);
}

Test(mmu_walk, dirty_rewalk_from_l2_hit)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(I, PT_VA_A, MMU_OP_FETCH, true, &x, q); /* fills L1 I and L2 clean */
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	/* store in c = 20 on D: L1 D miss, m = g = 21, L2 hit clean known in 23 = w */
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 1 + 2 + 5 * 4);
	cr_assert_eq(n, 5);
	expect_reads(q, 4, walk_4k, 4, 23, 4);
	expect_write(&q[4], 39, PT_PTE_A, 0x5067, 0xff);
	mmu_stats_t st = stats();
	cr_assert_eq(st.l2_hits, 1);
	cr_assert_eq(st.walks_dirty, 1);
	cr_assert_eq(st.walk_cycles_dirty, 20, "from w = 23 to 43");
	cr_assert_eq(st.l2_stage_cycles, 4);
	bool dirty = false;
	cr_assert_eq(entries_for(MMU_TLB_L2, PT_VA_A, &dirty), 1, "R7: the L2 entry is replaced in place");
	cr_assert(dirty);
	cr_assert_eq(entries_for(MMU_TLB_L1D, PT_VA_A, &dirty), 1);
	cr_assert(dirty);
}

Test(mmu_walk, dirty_rewalk_writes_nothing_when_d_is_already_set)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q); /* clean entry */
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	/* W7: the leaf already has D, so the re-walk is 4 reads: H1 + 4 x 4 = 17 */
	expect_reads(q, n, walk_4k, 4, 21, 4);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 17);
	cr_assert_eq(stats().walks_dirty, 1);
	cr_assert_eq(mmu_mem_writes(r.mem), 0);
	translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_L1, 1);
}

Test(mmu_walk, global_bit_is_taken_from_the_leaf_only)
{
	start();
	/* bit 8 in the upper entries (ignored there on x86), the leaf not global */
	pt_std(r.pm, PTE_TABLE_A | PTE_G, PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	rig_set_cr3(&r, PT_CR3); /* flushes non-global entries (T11) */
	translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

/* ---- W4, T10: not present at each level ---- */

Test(mmu_walk, not_present_pml4e_user_load)
{
	start();
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_reads(q, n, walk_4k, 1, 4, 4);
	/* 1 + 2 + 4 = 7; U/S only */
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_U, MMU_LEVEL_WALK, 7);
	mmu_stats_t st = stats();
	cr_assert_eq(st.faults, 1);
	cr_assert_eq(st.faults_not_present, 1);
}

Test(mmu_walk, not_present_pdpte_supervisor_store)
{
	start();
	pt_set(r.pm, PT_PML4E, PT_PDPT | PTE_TABLE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, false, &x, q);
	expect_reads(q, n, walk_4k, 2, 4, 4);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_W, MMU_LEVEL_WALK, 11);
}

Test(mmu_walk, not_present_pde_user_fetch)
{
	start();
	pt_set(r.pm, PT_PML4E, PT_PDPT | PTE_TABLE_A);
	pt_set(r.pm, PT_PDPTE, PT_PD | PTE_TABLE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(I, PT_VA_A, MMU_OP_FETCH, true, &x, q);
	expect_reads(q, n, walk_4k, 3, 4, 4);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_U | MMU_EC_ID, MMU_LEVEL_WALK, 15);
}

Test(mmu_walk, not_present_pte_supervisor_load)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_W | PTE_U | PTE_A); /* everything but P */
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_reads(q, n, walk_4k, 4, 4, 4);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, 0, MMU_LEVEL_WALK, 19);
}

Test(mmu_walk, not_present_pte_user_store_and_fetch_codes)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_W | MMU_EC_U, MMU_LEVEL_WALK, 19);
	translate(I, PT_VA_A, MMU_OP_FETCH, false, &x, q);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_ID, MMU_LEVEL_WALK, 19);
}

Test(mmu_walk, fault_keeps_a_bits_written_above)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	/* R W R W R W R: 7 accesses, 1 + 2 + 7 x 4 = 31 */
	cr_assert_eq(n, 7);
	expect_write(&q[5], 24, PT_PDE, 0x4027, 0xff);
	expect_read(&q[6], 28, PT_PTE_A);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_U, MMU_LEVEL_WALK, 31);
	cr_assert_eq(pt_get(r.pm, PT_PML4E), 0x2027);
	cr_assert_eq(pt_get(r.pm, PT_PDPTE), 0x3027);
	cr_assert_eq(pt_get(r.pm, PT_PDE), 0x4027);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), 0);
}

Test(mmu_walk, faults_are_not_filled)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	for (int k = 0; k < 2; k++) {
		size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
		expect_reads(q, n, walk_4k, 4, 4 + 19 * (uint64_t)k, 4);
		expect_fault(&x, MMU_CAUSE_NOT_PRESENT, 0, MMU_LEVEL_WALK, 19);
	}
	mmu_stats_t st = stats();
	cr_assert_eq(st.l1d_misses, 2);
	cr_assert_eq(st.l2_misses, 2);
	cr_assert_eq(st.walks, 2);
	bool dirty;
	cr_assert_eq(entries_for(MMU_TLB_L1D, PT_VA_A, &dirty), 0);
	cr_assert_eq(entries_for(MMU_TLB_L2, PT_VA_A, &dirty), 0);
}

/* ---- W5: reserved bits ---- */

Test(mmu_walk, reserved_bit_above_pa_bits_in_pde)
{
	start();
	pt_set(r.pm, PT_PML4E, PT_PDPT | PTE_TABLE_A);
	pt_set(r.pm, PT_PDPTE, PT_PD | PTE_TABLE_A);
	/* pa_bits = 46: bit 46 is reserved; A clear must stay clear (W7 only after W4-W5) */
	uint64_t pde = PT_PT | PTE_TABLE | (UINT64_C(1) << 46);
	pt_set(r.pm, PT_PDE, pde);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_reads(q, n, walk_4k, 3, 4, 4);
	expect_fault(&x, MMU_CAUSE_RESERVED, MMU_EC_P | MMU_EC_U | MMU_EC_RSVD, MMU_LEVEL_WALK, 15);
	cr_assert_eq(pt_get(r.pm, PT_PDE), pde);
	cr_assert_eq(stats().faults_reserved, 1);
}

Test(mmu_walk, reserved_bit_51_in_pte)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_A | (UINT64_C(1) << 51));
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_fault(&x, MMU_CAUSE_RESERVED, MMU_EC_P | MMU_EC_W | MMU_EC_U | MMU_EC_RSVD, MMU_LEVEL_WALK, 19);
	cr_assert_eq(mmu_mem_writes(r.mem), 0);
}

Test(mmu_walk, reserved_ps_in_pml4e)
{
	start();
	pt_set(r.pm, PT_PML4E, PT_PDPT | PTE_TABLE_A | PTE_PS);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, false, &x, q);
	expect_reads(q, n, walk_4k, 1, 4, 4);
	expect_fault(&x, MMU_CAUSE_RESERVED, MMU_EC_P | MMU_EC_W | MMU_EC_RSVD, MMU_LEVEL_WALK, 7);
}

static void expect_2m_leaf_reserved(unsigned bit)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PDE, UINT64_C(0x80000000) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_PS | (UINT64_C(1) << bit));
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(I, PT_VA_A, MMU_OP_FETCH, true, &x, q);
	expect_reads(q, n, walk_4k, 3, 4, 4);
	expect_fault(&x, MMU_CAUSE_RESERVED, MMU_EC_P | MMU_EC_U | MMU_EC_RSVD | MMU_EC_ID, MMU_LEVEL_WALK, 15);
}

Test(mmu_walk, reserved_bit_13_in_2m_leaf)
{
	expect_2m_leaf_reserved(13);
}

Test(mmu_walk, reserved_bit_20_in_2m_leaf)
{
	expect_2m_leaf_reserved(20);
}

Test(mmu_walk, reserved_bit_29_in_1g_leaf)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PDPTE, UINT64_C(0x40000000) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_PS | (UINT64_C(1) << 29));
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_fault(&x, MMU_CAUSE_RESERVED, MMU_EC_P | MMU_EC_RSVD, MMU_LEVEL_WALK, 11);
}

Test(mmu_walk, pat_bit_12_of_2m_leaf_is_not_reserved)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PDE, UINT64_C(0x80000000) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_PS | (UINT64_C(1) << 12));
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x80004567, MMU_LEVEL_WALK, 15);
}

Test(mmu_walk, bits_52_to_62_are_ignored)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A | (UINT64_C(0x7ff) << 52));
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_A | (UINT64_C(0x7ff) << 52));
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_reads(q, n, walk_4k, 4, 4, 4);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

/* ---- W6: protection ---- */

Test(mmu_walk, store_to_read_only_page_supervisor)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	/* A clear: a leaf failing W6 is not written back either */
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_U);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, false, &x, q);
	expect_reads(q, n, walk_4k, 4, 4, 4);
	/* CR0.WP = 1: supervisor stores obey R/W */
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_W, MMU_LEVEL_WALK, 19);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), PT_PAGE_A | PTE_P | PTE_U);
	cr_assert_eq(stats().faults_protection, 1);
}

Test(mmu_walk, user_load_of_supervisor_page)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_U, MMU_LEVEL_WALK, 19);
	translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

Test(mmu_walk, fetch_from_nx_page)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_NX);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(I, PT_VA_A, MMU_OP_FETCH, false, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_ID, MMU_LEVEL_WALK, 19);
	translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

Test(mmu_walk, rw_cleared_only_in_pdpte_denies_stores)
{
	start();
	pt_set(r.pm, PT_PML4E, PT_PDPT | PTE_TABLE_A);
	pt_set(r.pm, PT_PDPTE, PT_PD | PTE_P | PTE_U | PTE_A);
	pt_set(r.pm, PT_PDE, PT_PT | PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q);
	expect_reads(q, n, walk_4k, 4, 4, 4);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_W | MMU_EC_U, MMU_LEVEL_WALK, 19);
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	/* the filled entry carries the ANDed right: a store now faults on the L1 hit (T8) */
	translate(D, PT_VA_A, MMU_OP_STORE, false, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_W, MMU_LEVEL_L1, 1);
}

Test(mmu_walk, us_cleared_only_in_pml4e_denies_user)
{
	start();
	pt_set(r.pm, PT_PML4E, PT_PDPT | PTE_P | PTE_W | PTE_A);
	pt_set(r.pm, PT_PDPTE, PT_PD | PTE_TABLE_A);
	pt_set(r.pm, PT_PDE, PT_PT | PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_U, MMU_LEVEL_WALK, 19);
	translate(D, PT_VA_A, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

Test(mmu_walk, nx_set_only_in_pml4e_denies_fetch)
{
	start();
	pt_set(r.pm, PT_PML4E, PT_PDPT | PTE_TABLE_A | PTE_NX);
	pt_set(r.pm, PT_PDPTE, PT_PD | PTE_TABLE_A);
	pt_set(r.pm, PT_PDE, PT_PT | PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(I, PT_VA_A, MMU_OP_FETCH, true, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_U | MMU_EC_ID, MMU_LEVEL_WALK, 19);
}

Test(mmu_walk, supervisor_may_use_user_pages)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_U | PTE_A | PTE_D);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(I, PT_VA_A, MMU_OP_FETCH, false, &x, q); /* no SMEP */
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	translate(D, PT_VA_B, MMU_OP_STORE, false, &x, q); /* no SMAP */
	expect_ok(&x, 0x6567, MMU_LEVEL_WALK, 19);
}

/* ---- T7: non-canonical ---- */

Test(mmu_walk, noncanonical_answers_in_h1_without_lookup)
{
	start();
	rig_resp_t x;
	rig_memreq_t q[16];
	/* bit 47 set, bits 63:48 clear */
	size_t n = translate(D, UINT64_C(0x0000800000000000), MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(n, 0);
	expect_fault(&x, MMU_CAUSE_NONCANONICAL, 0, MMU_LEVEL_NONE, 1);
	/* bit 47 clear, bits 63:48 set */
	n = translate(I, UINT64_C(0xffff7ffffffff000), MMU_OP_FETCH, true, &x, q);
	cr_assert_eq(n, 0);
	expect_fault(&x, MMU_CAUSE_NONCANONICAL, 0, MMU_LEVEL_NONE, 1);
	mmu_stats_t st = stats();
	cr_assert_eq(st.l1d_accesses, 0);
	cr_assert_eq(st.l1i_accesses, 0);
	cr_assert_eq(st.l2_accesses, 0);
	cr_assert_eq(st.requests, 2);
	cr_assert_eq(st.faults_noncanonical, 2);
}

Test(mmu_walk, noncanonical_takes_h1_of_3)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.l1d.hit_latency = 3;
	start_cfg(&cfg, PT_CR3);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, UINT64_C(0x8000000000000000), MMU_OP_STORE, true, &x, q);
	expect_fault(&x, MMU_CAUSE_NONCANONICAL, 0, MMU_LEVEL_NONE, 3);
}

/* ---- T8: a fault on a TLB hit invalidates the entry ---- */

Test(mmu_walk, fault_on_l1_and_l2_hits_invalidates_the_entry)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_U | PTE_A); /* read-only */
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	translate(D, PT_VA_A, MMU_OP_STORE, true, &x, q); /* L1 hit, not writable */
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_W | MMU_EC_U, MMU_LEVEL_L1, 1);
	bool dirty;
	cr_assert_eq(entries_for(MMU_TLB_L1D, PT_VA_A, &dirty), 0, "T8: the L1 entry is dropped");
	cr_assert_eq(entries_for(MMU_TLB_L2, PT_VA_A, &dirty), 1);
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q); /* L1 miss, L2 hit: refills L1 */
	expect_ok(&x, 0x5567, MMU_LEVEL_L2, 3);
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_L1, 1);
	translate(D, PT_VA_A, MMU_OP_STORE, false, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_W, MMU_LEVEL_L1, 1);
	translate(D, PT_VA_A, MMU_OP_STORE, false, &x, q); /* L1 miss, L2 hit that faults: H1 + H2 */
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_W, MMU_LEVEL_L2, 3);
	cr_assert_eq(entries_for(MMU_TLB_L2, PT_VA_A, &dirty), 0, "T8: the L2 entry is dropped");
	cr_assert_eq(entries_for(MMU_TLB_L1D, PT_VA_A, &dirty), 0, "a fault fills nothing");
	translate(D, PT_VA_A, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	mmu_stats_t st = stats();
	cr_assert_eq(st.faults_protection, 3);
	cr_assert_eq(st.walks, 2);
	cr_assert_eq(mmu_mem_writes(r.mem), 0);
}

Test(mmu_walk, user_fetch_faults_on_itlb_hit_of_supervisor_page)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_P | PTE_W | PTE_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(I, PT_VA_A, MMU_OP_FETCH, false, &x, q);
	expect_ok(&x, 0x5567, MMU_LEVEL_WALK, 19);
	translate(I, PT_VA_A, MMU_OP_FETCH, true, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_U | MMU_EC_ID, MMU_LEVEL_L1, 1);
	bool dirty;
	cr_assert_eq(entries_for(MMU_TLB_L1I, PT_VA_A, &dirty), 0);
}

/* ---- Other paging modes ---- */

/* A classroom 2-level table: 10 + 10 + 12 bits, 4-byte PTEs with the x86 flag positions, PA width 32. */
static void textbook_cfg(mmu_cfg_t *cfg)
{
	rig_cfg_small(cfg);
	cfg->paging = (mmu_paging_cfg_t){
	    .mode = MMU_MODE_TEXTBOOK,
	    .pa_bits = 32,
	    .levels = 2,
	    .bits_per_level = 10,
	    .page_bits = 12,
	    .pte_bytes = 4,
	    .present_bit = 0,
	    .writable_bit = 1,
	    .user_bit = 2,
	    .accessed_bit = 5,
	    .dirty_bit = 6,
	    .global_bit = -1,
	    .nx_bit = -1,
	    .pfn_lsb = 12,
	    .pfn_bits = 20,
	};
}

Test(mmu_walk, textbook_two_level_worked_example)
{
	mmu_cfg_t cfg;
	textbook_cfg(&cfg);
	start_cfg(&cfg, 0x10000);
	/*
	 * VA 0x00403004: directory index = VA >> 22 = 1, table index = (VA >> 12) & 0x3ff = 3, offset 4.
	 * PDE at 0x10000 + 1 x 4 = 0x10004 -> table at 0x20000; PTE at 0x20000 + 3 x 4 = 0x2000c -> frame 0x35000.
	 * Memory requests carry the aligned word: 0x10000 and 0x20008; the PTE sits in bytes 7:4 of its word.
	 */
	pt_write(r.pm, 0x10004, 4, 0x20027);    /* P W U A */
	pt_write(r.pm, 0x2000c, 4, 0x35007);    /* P W U, A clear */
	pt_write(r.pm, 0x20008, 4, 0x12345678); /* neighbour in the same word, must survive the A write */
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, 0x00403004, MMU_OP_LOAD, false, &x, q);
	cr_assert_eq(n, 3);
	expect_read(&q[0], 4, 0x10000);
	expect_read(&q[1], 8, 0x20008);
	expect_write(&q[2], 12, 0x20008, UINT64_C(0x35027) << 32, 0xf0);
	expect_ok(&x, 0x35004, MMU_LEVEL_WALK, 1 + 2 + 3 * 4);
	cr_assert_eq(mmu_physmem_read(r.pm, 0x2000c, 4), 0x35027);
	cr_assert_eq(mmu_physmem_read(r.pm, 0x20008, 4), 0x12345678);
	cr_assert_eq(mmu_physmem_read(r.pm, 0x10004, 4), 0x20027);
}

Test(mmu_walk, textbook_with_nx_bit_sets_id_on_fetch_faults)
{
	mmu_cfg_t cfg;
	textbook_cfg(&cfg);
	cfg.paging.nx_bit = 10;
	start_cfg(&cfg, 0x10000);
	pt_write(r.pm, 0x10004, 4, 0x20027);
	pt_write(r.pm, 0x2000c, 4, 0x35027 | (1u << 10)); /* VA 0x00403004's page, no-execute */
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(I, 0x00403004, MMU_OP_FETCH, false, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, MMU_EC_P | MMU_EC_ID, MMU_LEVEL_WALK, 11);
	translate(I, 0x00404000, MMU_OP_FETCH, false, &x, q); /* PTE at 0x20010 never written */
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_ID, MMU_LEVEL_WALK, 11);
	translate(D, 0x00403004, MMU_OP_LOAD, false, &x, q);
	expect_ok(&x, 0x35004, MMU_LEVEL_WALK, 11);
}

Test(mmu_walk, textbook_fault_codes_have_no_id_bit)
{
	mmu_cfg_t cfg;
	textbook_cfg(&cfg);
	start_cfg(&cfg, 0x10000);
	pt_write(r.pm, 0x10004, 4, 0x20027);
	rig_resp_t x;
	rig_memreq_t q[16];
	/* VA 0x00404000: table index 4, PTE at 0x20010 never written. No NX bit in the mode: no I/D (T10). */
	size_t n = translate(I, 0x00404000, MMU_OP_FETCH, true, &x, q);
	cr_assert_eq(n, 2);
	expect_read(&q[1], 8, 0x20010);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_U, MMU_LEVEL_WALK, 11);
	/* bit 32 is beyond the 32-bit virtual address */
	translate(D, UINT64_C(0x100000000), MMU_OP_LOAD, false, &x, q);
	expect_fault(&x, MMU_CAUSE_NONCANONICAL, 0, MMU_LEVEL_NONE, 1);
}

/* OSTEP-like: 15-bit VA, 32-byte pages, 32 one-byte entries per table, valid bit 7, PFN in bits 6:0, 4 KiB PA. */
static void ostep_cfg(mmu_cfg_t *cfg)
{
	rig_cfg_small(cfg);
	cfg->paging = (mmu_paging_cfg_t){
	    .mode = MMU_MODE_TEXTBOOK,
	    .pa_bits = 12,
	    .levels = 2,
	    .bits_per_level = 5,
	    .page_bits = 5,
	    .pte_bytes = 1,
	    .present_bit = 7,
	    .writable_bit = -1,
	    .user_bit = -1,
	    .accessed_bit = -1,
	    .dirty_bit = -1,
	    .global_bit = -1,
	    .nx_bit = -1,
	    .pfn_lsb = 0,
	    .pfn_bits = 7,
	};
}

/*
 * PDBR = page 108 = 0xd80. VA 0x611c = 0b11000 01000 11100: directory index 24, table index 8, offset 0x1c.
 * PDE at 0xd80 + 24 = 0xd98 = 0xa1 (valid, PFN 0x21: table at 0x420); PTE at 0x420 + 8 = 0x428 = 0x8c (valid,
 * PFN 12: frame 0x180). PA = 0x180 + 0x1c = 0x19c.
 */
static void ostep_start(void)
{
	mmu_cfg_t cfg;
	ostep_cfg(&cfg);
	start_cfg(&cfg, 0xd80);
	pt_write(r.pm, 0xd98, 1, 0xa1);
	pt_write(r.pm, 0x428, 1, 0x8c);
}

Test(mmu_walk, ostep_like_translation_by_hand)
{
	ostep_start();
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, 0x611c, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(n, 2, "no A bit: no write-back");
	expect_read(&q[0], 4, 0xd98);
	expect_read(&q[1], 8, 0x428);
	expect_ok(&x, 0x19c, MMU_LEVEL_WALK, 1 + 2 + 2 * 4);
	cr_assert_eq(mmu_physmem_read(r.pm, 0xd98, 1), 0xa1);
	cr_assert_eq(mmu_physmem_read(r.pm, 0x428, 1), 0x8c);
	/* PDE index 31 at 0xd9f was never written: not present after one access; the word read is 0xd98 */
	n = translate(D, 0x7c00, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(n, 1);
	expect_read(&q[0], 15, 0xd98);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_U, MMU_LEVEL_WALK, 7);
}

Test(mmu_walk, ostep_like_without_dirty_bit_every_entry_is_dirty)
{
	ostep_start();
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, 0x611c, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, 0x19c, MMU_LEVEL_WALK, 11);
	/* T9: no dirty bit, so a store hits without a re-walk; no rights bits: a user store is allowed */
	size_t n = translate(D, 0x6100, MMU_OP_STORE, true, &x, q);
	cr_assert_eq(n, 0);
	expect_ok(&x, 0x180, MMU_LEVEL_L1, 1);
	translate(I, 0x611c, MMU_OP_FETCH, true, &x, q);
	expect_ok(&x, 0x19c, MMU_LEVEL_L2, 3);
	cr_assert_eq(stats().walks_dirty, 0);
	cr_assert_eq(mmu_mem_writes(r.mem), 0);
}

Test(mmu_walk, x86_32_4m_page_and_fetch_code_without_id)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.paging.mode = MMU_MODE_X86_32;
	start_cfg(&cfg, 0x1000);
	/* VA 0x00c01234: PDE index 3 at 0x1000 + 3 x 4 = 0x100c (word 0x1008); 4 MiB frame 0x400000 */
	pt_write(r.pm, 0x100c, 4, 0x400000 | PTE_P | PTE_W | PTE_U | PTE_A | PTE_PS);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, 0x00c01234, MMU_OP_LOAD, true, &x, q);
	cr_assert_eq(n, 1);
	expect_read(&q[0], 4, 0x1008);
	expect_ok(&x, 0x401234, MMU_LEVEL_WALK, 1 + 2 + 4);
	/* PDE index 4 at 0x1010 never written; 32-bit paging has no NX: no I/D */
	translate(I, 0x01000000, MMU_OP_FETCH, true, &x, q);
	expect_fault(&x, MMU_CAUSE_NOT_PRESENT, MMU_EC_U, MMU_LEVEL_WALK, 7);
}
