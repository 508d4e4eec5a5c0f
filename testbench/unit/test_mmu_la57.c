/*
 * x86-64 5-level paging (paging.mode = x86_64_la57; Intel SDM vol. 3A, 4.5 with CR4.LA57 = 1): the PML5 level in the
 * walker, 57-bit canonical addresses, the PML5E page-walk cache, and the OS building 5-level tables.
 *
 * Cycle-level rig as in test_mmu_ptw.c: H1 = 1, H2 = 2, L = 3, so each memory access costs 4 cycles, and a walk of
 * n reads answers in 1 + 2 + 4n cycles. Tables written by hand, addresses worked out in the comments:
 *   VA_4K = 2^48 + 0x1234: PML5 index (bits 56:48) 1, PML4/PDPT/PD indices 0, PT index (bits 20:12) 1, offset 0x234.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>

#include "cycle_rig.h"
#include "mmu/mmu.h"
#include "mmu/mmu_os.h"
#include "mmu/mmu_physmem.h"
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

TestSuite(la57, .fini = teardown);

#define VA_4K     ((UINT64_C(1) << 48) | 0x1234)
#define PML5E_1   UINT64_C(0x1008) /* 0x1000 + 1 x 8 */
#define TABLE_P_A (PTE_P | PTE_W | PTE_U | PTE_A)

static void start_pwc(uint32_t pwc_l5)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.paging.mode = MMU_MODE_X86_64_LA57;
	cfg.pwc[5].entries = pwc_l5;
	rig_init(&r, &cfg);
	rig_up = true;
	rig_set_cr3(&r, 0x1000);
}

/* PML5 0x1000 -> PML4 0x2000 -> PDPT 0x3000 -> PD 0x4000 -> PT 0x5000; PTE 1 (0x5008) maps frame 0x9000. */
static void tables_4k(void)
{
	pt_set(r.pm, PML5E_1, 0x2000 | TABLE_P_A);
	pt_set(r.pm, 0x2000, 0x3000 | TABLE_P_A);
	pt_set(r.pm, 0x3000, 0x4000 | TABLE_P_A);
	pt_set(r.pm, 0x4000, 0x5000 | TABLE_P_A);
	pt_set(r.pm, 0x5008, 0x9000 | TABLE_P_A);
}

static size_t translate(uint64_t va, mmu_op_t op, bool user, rig_resp_t *x, rig_memreq_t *q)
{
	return rig_translate_log(&r, D, va, op, user, x, q, 16);
}

static void expect_reads(const rig_memreq_t *q, size_t n, const uint64_t *addr, size_t k)
{
	cr_assert_eq(n, k, "%zu memory accesses, expected %zu", n, k);
	for (size_t i = 0; i < k; i++) {
		cr_assert_eq(q[i].write, false);
		cr_assert_eq(q[i].addr, addr[i], "access %zu at 0x%llx, expected 0x%llx", i,
		             (unsigned long long)q[i].addr, (unsigned long long)addr[i]);
	}
}

Test(la57, walk_4k_reads_five_levels)
{
	start_pwc(0);
	tables_4k();
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(VA_4K, MMU_OP_LOAD, true, &x, q);
	const uint64_t a[] = {PML5E_1, 0x2000, 0x3000, 0x4000, 0x5008};
	expect_reads(q, n, a, 5);
	cr_assert_eq(x.fault, 0);
	cr_assert_eq(x.paddr, 0x9234);
	cr_assert_eq(x.latency, 1 + 2 + 5 * 4);
	mmu_stats_t st;
	mmu_stats_read(r.mmu, &st);
	cr_assert_eq(st.pte_reads_l5, 1);
	cr_assert_eq(st.served_level1, 1);
}

Test(la57, pages_of_2m_and_1g)
{
	start_pwc(0);
	tables_4k();
	/* PDE 0 at 0x4000 as a 2 MiB page at 0x40000000: offset = VA bits 20:0 = 0x1234 */
	pt_set(r.pm, 0x4000, UINT64_C(0x40000000) | TABLE_P_A | PTE_PS);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(VA_4K, MMU_OP_LOAD, false, &x, q);
	cr_assert_eq(x.paddr, 0x40001234);
	cr_assert_eq(x.latency, 1 + 2 + 4 * 4);
	/* 2^48 + 2^30 + 0x5678: PDPT index 1 (0x3008) as a 1 GiB page at 0x80000000: offset 0x5678 */
	pt_set(r.pm, 0x3008, UINT64_C(0x80000000) | TABLE_P_A | PTE_PS);
	translate((UINT64_C(1) << 48) | (UINT64_C(1) << 30) | 0x5678, MMU_OP_LOAD, false, &x, q);
	cr_assert_eq(x.paddr, 0x80005678);
	cr_assert_eq(x.latency, 1 + 2 + 3 * 4);
}

Test(la57, ps_in_a_pml5e_is_reserved)
{
	start_pwc(0);
	tables_4k();
	pt_set(r.pm, PML5E_1, 0x2000 | TABLE_P_A | PTE_PS);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(VA_4K, MMU_OP_LOAD, false, &x, q);
	cr_assert_eq(x.fault, 1);
	cr_assert_eq(x.cause, MMU_CAUSE_RESERVED);
	cr_assert_eq(x.ecode, MMU_EC_P | MMU_EC_RSVD, "supervisor load: P and RSVD, 0x9");
	cr_assert_eq(x.latency, 1 + 2 + 4);
}

Test(la57, user_bit_clear_only_in_the_pml5e_denies_user_access)
{
	start_pwc(0);
	tables_4k();
	pt_set(r.pm, PML5E_1, 0x2000 | PTE_P | PTE_W | PTE_A); /* U/S = 0 at level 5 alone */
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(VA_4K, MMU_OP_STORE, true, &x, q);
	cr_assert_eq(n, 5, "the rights are checked at the leaf (W6)");
	cr_assert_eq(x.cause, MMU_CAUSE_PROTECTION);
	cr_assert_eq(x.ecode, MMU_EC_P | MMU_EC_W | MMU_EC_U, "0x7");
	cr_assert_eq(x.latency, 1 + 2 + 5 * 4);
	translate(VA_4K, MMU_OP_STORE, false, &x, q); /* supervisor: allowed; the leaf's D is written */
	cr_assert_eq(x.fault, 0);
	cr_assert_eq(x.paddr, 0x9234);
}

Test(la57, canonical_is_57_bits)
{
	start_pwc(0);
	rig_resp_t x;
	rig_memreq_t q[16];
	/* bit 56 set, bits 63:57 clear: not canonical, answered in H1 without a lookup */
	size_t n = translate(UINT64_C(0x0100000000000000), MMU_OP_LOAD, false, &x, q);
	cr_assert_eq(n, 0);
	cr_assert_eq(x.cause, MMU_CAUSE_NONCANONICAL);
	cr_assert_eq(x.ecode, 0);
	cr_assert_eq(x.latency, 1);
	/* 0x0000800000000000 (bit 47) is canonical here, unlike in 4-level paging: PML5 index 0, PML4 index 256 */
	n = translate(UINT64_C(0x0000800000000000), MMU_OP_LOAD, false, &x, q);
	const uint64_t a[] = {0x1000};
	expect_reads(q, n, a, 1);
	cr_assert_eq(x.cause, MMU_CAUSE_NOT_PRESENT);
	/* 0xff00000000000000: the upper half, PML5 index 256 at 0x1000 + 256 x 8 = 0x1800 */
	n = translate(UINT64_C(0xff00000000000000), MMU_OP_LOAD, false, &x, q);
	const uint64_t b[] = {0x1800};
	expect_reads(q, n, b, 1);
}

Test(la57, pml5e_cache_skips_the_first_read)
{
	start_pwc(4);
	tables_4k();
	/* a second address under the same PML5E: 2^48 + 2^39 + 0x1234, PML4 index 1 (0x2008) -> 0x6000 -> 0x7000 ->
	 * PT 0x8000, PTE 1 at 0x8008 -> frame 0xa000 */
	pt_set(r.pm, 0x2008, 0x6000 | TABLE_P_A);
	pt_set(r.pm, 0x6000, 0x7000 | TABLE_P_A);
	pt_set(r.pm, 0x7000, 0x8000 | TABLE_P_A);
	pt_set(r.pm, 0x8008, 0xa000 | TABLE_P_A);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(VA_4K, MMU_OP_LOAD, false, &x, q);
	cr_assert_eq(x.latency, 1 + 2 + 1 + 5 * 4, "W9: the PWC lookup (1 cycle) before the first read");
	size_t n = translate((UINT64_C(1) << 48) | (UINT64_C(1) << 39) | 0x1234, MMU_OP_LOAD, false, &x, q);
	const uint64_t a[] = {0x2008, 0x6000, 0x7000, 0x8008};
	expect_reads(q, n, a, 4);
	cr_assert_eq(x.paddr, 0xa234);
	cr_assert_eq(x.latency, 1 + 2 + 1 + 4 * 4);
	mmu_stats_t st;
	mmu_stats_read(r.mmu, &st);
	cr_assert_eq(st.pwc_l5_accesses, 2);
	cr_assert_eq(st.pwc_l5_hits, 1);
	cr_assert_eq(st.pwc_skipped, 1);
}

/* The OS side: a demand fault builds all five levels; the kernel half's pages are global and supervisor-only. */
Test(la57, os_builds_five_levels)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	cfg.paging.mode = MMU_MODE_X86_64_LA57;
	mmu_physmem_t *pm;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	mmu_os_t *os;
	cr_assert_eq(mmu_os_create(&cfg, pm, &os), 0);
	cr_assert_eq(mmu_os_demand_fault(os, 1, VA_4K), 0);
	uint64_t pa;
	unsigned level;
	cr_assert_eq(mmu_os_translate(os, 1, VA_4K, &pa, &level), 0);
	cr_assert_eq(level, 1);
	cr_assert_eq(pa & 0xfff, 0x234);
	/* the root's PML5E 1 points to a table: present, writable, user, no PS */
	uint64_t root = mmu_os_cr3(os, 1, false);
	uint64_t pml5e = mmu_physmem_read(pm, root + 8, 8);
	cr_assert_eq(pml5e & (PTE_P | PTE_W | PTE_U | PTE_PS), PTE_P | PTE_W | PTE_U);
	/* a kernel page in the upper half (PML5 index 511) */
	cr_assert_eq(mmu_os_populate(os, 1, UINT64_C(0xff80000000001000)), 0);
	cr_assert_eq(mmu_os_translate(os, 1, UINT64_C(0xff80000000001000), &pa, &level), 0);
	cr_assert_eq(mmu_os_demand_fault(os, 1, UINT64_C(0xff80000000002000)), MMU_EFAULT,
	             "a user fault in the kernel half is never served");
	mmu_os_destroy(os);
	mmu_physmem_destroy(pm);
}
