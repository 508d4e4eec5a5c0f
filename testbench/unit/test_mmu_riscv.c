/*
 * RISC-V Sv39, Sv48 and Sv57 (paging.mode sv39, sv48, sv57; RISC-V privileged specification, Supervisor-Level ISA,
 * 4.3-4.6; docs/paging.md): leaves of every size, every page-fault cause and its exception code, permissions with
 * sstatus.SUM and MXR, Svade and Svadu, satp and the four forms of SFENCE.VMA.
 *
 * Cycle-level rig as in test_mmu_ptw.c: H1 = 1, H2 = 2, L = 3, so each memory access costs 4 cycles, and a walk of
 * k reads answers in 1 + 2 + 4k cycles. satp = MODE << 60 | PPN 1: the root table at 0x1000.
 *
 * Standard tables, written by hand: the VA whose every VPN[i] is 1 and offset 0x234,
 *   Sv39 0x0000000040201234, Sv48 0x0000008040201234, Sv57 0x0001008040201234,
 * is walked through one table per level: the root at 0x1000, then 0x2000, 0x3000, ... (a level-n table lies at
 * 0x1000 x (LEVELS - n + 1)); every entry used is index 1, at table + 8. A leaf at level n maps 3 x 2^(12 + 9(n-1)),
 * a page of its own size.
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
#define I MMU_REQ_I

/* PTE bits, privileged spec 4.3.1 (figure of the Sv32/Sv39 PTE) */
#define RV_V    UINT64_C(0x01)
#define RV_R    UINT64_C(0x02)
#define RV_W    UINT64_C(0x04)
#define RV_X    UINT64_C(0x08)
#define RV_U    UINT64_C(0x10)
#define RV_G    UINT64_C(0x20)
#define RV_A    UINT64_C(0x40)
#define RV_D    UINT64_C(0x80)
#define RV_RWX  (RV_R | RV_W | RV_X)
#define RV_PAGE (RV_V | RV_RWX | RV_U | RV_A | RV_D)

#define PTE(ppn, flags) ((uint64_t)(ppn) << 10 | (flags))

static rig_t r;
static bool rig_up;

static void teardown(void)
{
	if (rig_up)
		rig_fini(&r);
	rig_up = false;
}

TestSuite(riscv, .fini = teardown);

typedef struct mode_case {
	mmu_mode_t mode;
	unsigned levels, satp_mode;
	uint64_t va;           /* every VPN[i] = 1, offset 0x234 */
	uint64_t pa[6];        /* pa[n]: the translation of va by the level-n leaf of the standard tables */
	uint64_t noncanonical; /* bit va_bits - 1 set, the bits above clear */
} mode_case_t;

static const mode_case_t modes[] = {
    {MMU_MODE_SV39,
     3,
     8,
     UINT64_C(0x40201234),
     {0, 0x3234, 0x601234, UINT64_C(0xc0201234)},
     UINT64_C(0x0000004000000000)},
    {MMU_MODE_SV48,
     4,
     9,
     UINT64_C(0x8040201234),
     {0, 0x3234, 0x601234, UINT64_C(0xc0201234), UINT64_C(0x18040201234)},
     UINT64_C(0x0000800000000000)},
    {MMU_MODE_SV57,
     5,
     10,
     UINT64_C(0x1008040201234),
     {0, 0x3234, 0x601234, UINT64_C(0xc0201234), UINT64_C(0x18040201234), UINT64_C(0x3008040201234)},
     UINT64_C(0x0100000000000000)},
};

static const mode_case_t *sv39 = &modes[0];

typedef struct opts {
	bool svadu, sum, mxr, pcid;
} opts_t;

static void start(const mode_case_t *mc, opts_t o)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.paging.mode = mc->mode;
	cfg.paging.pa_bits = 56;
	cfg.paging.riscv_svadu = o.svadu;
	cfg.paging.riscv_sum = o.sum;
	cfg.paging.riscv_mxr = o.mxr;
	cfg.pcid = o.pcid;
	rig_init(&r, &cfg);
	rig_up = true;
	rig_set_cr3(&r, (uint64_t)mc->satp_mode << 60 | 1);
}

static uint64_t table_of(const mode_case_t *mc, unsigned level)
{
	return UINT64_C(0x1000) * (mc->levels - level + 1);
}

static uint64_t slot_of(const mode_case_t *mc, unsigned level)
{
	return table_of(mc, level) + 8;
}

/* Pointers (V alone) from the root down to the level-`level` table. */
static void pointers(const mode_case_t *mc, unsigned level)
{
	for (unsigned n = mc->levels; n > level; n--)
		pt_set(r.pm, slot_of(mc, n), PTE(table_of(mc, n - 1) >> 12, RV_V));
}

/* pointers(), and a leaf at level `leaf` mapping 3 x its page size. */
static void tables(const mode_case_t *mc, unsigned leaf, uint64_t flags)
{
	pointers(mc, leaf);
	pt_set(r.pm, slot_of(mc, leaf), PTE(UINT64_C(3) << (9 * (leaf - 1)), flags));
}

static size_t translate(unsigned port, uint64_t va, mmu_op_t op, bool user, rig_resp_t *x, rig_memreq_t *q)
{
	return rig_translate_log(&r, port, va, op, user, x, q, 16);
}

static void expect_ok(const rig_resp_t *x, uint64_t paddr, uint64_t latency)
{
	cr_assert_eq(x->fault, 0, "unexpected fault, cause %llu", (unsigned long long)x->cause);
	cr_assert_eq(x->ecode, 0);
	cr_assert_eq(x->paddr, paddr, "paddr 0x%llx, expected 0x%llx", (unsigned long long)x->paddr,
	             (unsigned long long)paddr);
	cr_assert_eq(x->latency, latency, "latency %llu, expected %llu", (unsigned long long)x->latency,
	             (unsigned long long)latency);
}

static void expect_fault(const rig_resp_t *x, uint64_t cause, uint64_t ecode, uint64_t latency)
{
	cr_assert_eq(x->fault, 1, "no fault");
	cr_assert_eq(x->cause, cause, "cause %llu, expected %llu", (unsigned long long)x->cause,
	             (unsigned long long)cause);
	cr_assert_eq(x->ecode, ecode, "exception code %llu, expected %llu", (unsigned long long)x->ecode,
	             (unsigned long long)ecode);
	cr_assert_eq(x->paddr, 0);
	cr_assert_eq(x->latency, latency, "latency %llu, expected %llu", (unsigned long long)x->latency,
	             (unsigned long long)latency);
}

/* The walk of k reads: 1 + 2 + 4k cycles. */
static uint64_t walk(unsigned reads)
{
	return 1 + 2 + 4 * reads;
}

/* ---- leaves of every size (4.3.2 steps 4-5; Sv39 mega- and gigapages, Sv48 terapages, Sv57 petapages) ---- */

Test(riscv, a_leaf_at_every_level_of_every_mode)
{
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const mode_case_t *mc = &modes[m];
		for (unsigned leaf = 1; leaf <= mc->levels; leaf++) {
			start(mc, (opts_t){.svadu = true});
			tables(mc, leaf, RV_PAGE);
			rig_resp_t x;
			rig_memreq_t q[16];
			size_t n = translate(D, mc->va, MMU_OP_LOAD, true, &x, q);
			unsigned reads = mc->levels - leaf + 1;
			cr_assert_eq(n, reads, "sv%u leaf at level %u: %zu accesses", 12 + 9 * mc->levels, leaf, n);
			for (unsigned k = 0; k < reads; k++)
				cr_assert_eq(q[k].addr, slot_of(mc, mc->levels - k));
			expect_ok(&x, mc->pa[leaf], walk(reads));
			teardown();
		}
	}
}

Test(riscv, sv39_worked_example)
{
	start(sv39, (opts_t){0});
	/* VA 0x40201234: VPN[2] = bits 38:30 = 1, VPN[1] = bits 29:21 = 1, VPN[0] = bits 20:12 = 1 */
	pt_set(r.pm, 0x1008, 0x801);  /* PPN 2: the level-1 table... of VPN[1] at 0x2000 */
	pt_set(r.pm, 0x2008, 0xc01);  /* PPN 3 */
	pt_set(r.pm, 0x3008, 0x14df); /* PPN 5, D A U X W R V */
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, 0x40201234, MMU_OP_STORE, true, &x, q);
	expect_ok(&x, 0x5234, walk(3));
}

Test(riscv, a_mixed_run_of_page_sizes_shares_the_tlb)
{
	start(&modes[2], (opts_t){.svadu = true});
	const mode_case_t *mc = &modes[2];
	/* a petapage at root index 1 and, under root index 2 (VA + 2^48 more), 4 KiB pages through tables 0x7000.. */
	tables(mc, 5, RV_PAGE);
	pt_set(r.pm, 0x1010, PTE(0x7, RV_V));
	pt_set(r.pm, 0x7008, PTE(0x8, RV_V));
	pt_set(r.pm, 0x8008, PTE(0x9, RV_V));
	pt_set(r.pm, 0x9008, PTE(0xa, RV_V));
	pt_set(r.pm, 0xa008, PTE(0x55, RV_PAGE));
	rig_resp_t x;
	rig_memreq_t q[16];
	uint64_t va2 = mc->va + (UINT64_C(1) << 48);
	translate(D, mc->va, MMU_OP_LOAD, true, &x, q);
	translate(D, va2, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, 0x55234, walk(5));
	translate(D, mc->va + 0x1000, MMU_OP_LOAD, true, &x, q); /* the same petapage: an L1 hit */
	expect_ok(&x, mc->pa[5] + 0x1000, 1);
	translate(D, va2, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, 0x55234, 1);
}

/* ---- the page-fault causes, with exception codes 12 (fetch), 13 (load), 15 (store/AMO), privileged spec 4.1.9 ---- */

Test(riscv, invalid_entry_at_every_level_faults_with_the_access_code)
{
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const mode_case_t *mc = &modes[m];
		for (unsigned level = 1; level <= mc->levels; level++) {
			start(mc, (opts_t){0});
			pointers(mc, level); /* the level-`level` entry is never written: V = 0 */
			rig_resp_t x;
			rig_memreq_t q[16];
			unsigned reads = mc->levels - level + 1;
			translate(D, mc->va, MMU_OP_LOAD, true, &x, q);
			expect_fault(&x, MMU_CAUSE_NOT_PRESENT, 13, walk(reads));
			translate(D, mc->va, MMU_OP_STORE, false, &x, q);
			expect_fault(&x, MMU_CAUSE_NOT_PRESENT, 15, walk(reads));
			translate(I, mc->va, MMU_OP_FETCH, true, &x, q);
			expect_fault(&x, MMU_CAUSE_NOT_PRESENT, 12, walk(reads));
			teardown();
		}
	}
}

Test(riscv, misaligned_superpage_at_every_level_is_a_page_fault)
{
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const mode_case_t *mc = &modes[m];
		for (unsigned leaf = 2; leaf <= mc->levels; leaf++) {
			start(mc, (opts_t){.svadu = true});
			tables(mc, leaf, RV_PAGE);
			/* PPN + 1: PPN[0] = 1, not zero below the page's size (4.3.2 step 6) */
			pt_set(r.pm, slot_of(mc, leaf), PTE((UINT64_C(3) << (9 * (leaf - 1))) + 1, RV_PAGE));
			rig_resp_t x;
			rig_memreq_t q[16];
			translate(D, mc->va, MMU_OP_STORE, true, &x, q);
			expect_fault(&x, MMU_CAUSE_RESERVED, 15, walk(mc->levels - leaf + 1));
			teardown();
		}
	}
}

/*
 * C2 (docs/paging.md): a leaf whose page is larger than the physical address space is a page fault whatever its PPN.
 * Sv48, a terapage (2^39 bytes) at PPN 0: with pa_bits = 38 the walk of 2 reads ends in a page fault (cause 3, a
 * load: 13); with pa_bits = 39 the page fits and va 0x8040201234 translates to its offset 0x40201234. The Sv57
 * petapage (2^48) likewise with pa_bits 47 and 48.
 */
Test(riscv, a_page_larger_than_the_physical_address_space_is_a_page_fault)
{
	static const struct {
		size_t mode; /* index in modes[] */
		unsigned leaf, pa_bits;
		bool fits;
		uint64_t paddr;
	} cases[] = {
	    {1, 4, 38, false, 0},
	    {1, 4, 39, true, UINT64_C(0x40201234)},
	    {2, 5, 47, false, 0},
	    {2, 5, 48, true, UINT64_C(0x8040201234)},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const mode_case_t *mc = &modes[cases[i].mode];
		mmu_cfg_t cfg;
		rig_cfg_small(&cfg);
		cfg.paging.mode = mc->mode;
		cfg.paging.pa_bits = cases[i].pa_bits;
		cfg.paging.riscv_svadu = true;
		rig_init(&r, &cfg);
		rig_up = true;
		rig_set_cr3(&r, (uint64_t)mc->satp_mode << 60 | 1);
		pointers(mc, cases[i].leaf);
		pt_set(r.pm, slot_of(mc, cases[i].leaf), PTE(0, RV_PAGE));
		rig_resp_t x;
		rig_memreq_t q[16];
		translate(D, mc->va, MMU_OP_LOAD, true, &x, q);
		unsigned reads = mc->levels - cases[i].leaf + 1;
		if (cases[i].fits)
			expect_ok(&x, cases[i].paddr, walk(reads));
		else
			expect_fault(&x, MMU_CAUSE_RESERVED, 13, walk(reads));
		teardown();
	}
}

Test(riscv, reserved_encodings)
{
	/* each: the Sv39 leaf (or root entry) value, the reads until the fault */
	const struct {
		uint64_t slot, value;
		unsigned reads;
		const char *what;
	} cases[] = {
	    {0x3008, PTE(5, RV_V | RV_W | RV_X | RV_U | RV_A | RV_D), 3, "W without R"},
	    {0x1008, PTE(2, RV_V | RV_A), 1, "A in a pointer"},
	    {0x1008, PTE(2, RV_V | RV_D), 1, "D in a pointer"},
	    {0x1008, PTE(2, RV_V | RV_U), 1, "U in a pointer"},
	    {0x3008, PTE(6, RV_V), 3, "a pointer at the last level"},
	    {0x3008, PTE(5, RV_PAGE) | UINT64_C(1) << 54, 3, "bit 54"},
	    {0x3008, PTE(5, RV_PAGE) | UINT64_C(1) << 61, 3, "PBMT (Svpbmt off)"},
	    {0x3008, PTE(5, RV_PAGE) | UINT64_C(1) << 63, 3, "N (Svnapot off)"},
	    {0x3008, PTE(UINT64_C(1) << 34, RV_PAGE), 3, "PPN bit at PA bit 46 with paging.pa_bits = 46"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mmu_cfg_t cfg;
		rig_cfg_small(&cfg);
		cfg.paging.mode = MMU_MODE_SV39;
		cfg.paging.pa_bits = 46;
		rig_init(&r, &cfg);
		rig_up = true;
		rig_set_cr3(&r, UINT64_C(8) << 60 | 1);
		tables(sv39, 1, RV_PAGE);
		pt_set(r.pm, cases[i].slot, cases[i].value);
		rig_resp_t x;
		rig_memreq_t q[16];
		translate(D, sv39->va, MMU_OP_LOAD, false, &x, q);
		cr_assert_eq(x.cause, MMU_CAUSE_RESERVED, "%s: cause %llu", cases[i].what, (unsigned long long)x.cause);
		expect_fault(&x, MMU_CAUSE_RESERVED, 13, walk(cases[i].reads));
		teardown();
	}
}

Test(riscv, rsw_bits_are_ignored)
{
	start(sv39, (opts_t){0});
	tables(sv39, 1, RV_PAGE | UINT64_C(0x300));
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, sv39->va, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, sv39->pa[1], walk(3));
}

Test(riscv, addresses_must_be_sign_extended)
{
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		const mode_case_t *mc = &modes[m];
		start(mc, (opts_t){0});
		rig_resp_t x;
		rig_memreq_t q[16];
		size_t n = translate(D, mc->noncanonical, MMU_OP_LOAD, false, &x, q);
		cr_assert_eq(n, 0);
		expect_fault(&x, MMU_CAUSE_NONCANONICAL, 13, 1);
		translate(D, mc->noncanonical, MMU_OP_STORE, false, &x, q);
		expect_fault(&x, MMU_CAUSE_NONCANONICAL, 15, 1);
		translate(I, mc->noncanonical, MMU_OP_FETCH, false, &x, q);
		expect_fault(&x, MMU_CAUSE_NONCANONICAL, 12, 1);
		/* all ones above: the upper half, root index 256 at 0x1000 + 256 x 8 = 0x1800 */
		n = translate(D, ~UINT64_C(0) << (mc->levels * 9 + 11), MMU_OP_LOAD, false, &x, q);
		cr_assert_eq(n, 1);
		cr_assert_eq(q[0].addr, 0x1800);
		teardown();
	}
}

/* The causes not covered above, in each mode, on the 4 KiB leaf of the standard tables (LEVELS reads). */
Test(riscv, protection_reserved_and_svade_causes_in_every_mode)
{
	const struct {
		uint64_t leaf;
		mmu_op_t op;
		bool user, svadu;
		uint64_t cause, code;
	} cases[] = {
	    {RV_V | RV_R | RV_W | RV_A | RV_D, MMU_OP_LOAD, true, true, MMU_CAUSE_PROTECTION, 13},          /* U = 0 */
	    {RV_V | RV_R | RV_U | RV_A | RV_D, MMU_OP_STORE, true, true, MMU_CAUSE_PROTECTION, 15},         /* no W */
	    {RV_PAGE | UINT64_C(1) << 60, MMU_OP_LOAD, true, true, MMU_CAUSE_RESERVED, 13},                 /* bit 60 */
	    {RV_V | RV_R | RV_W | RV_X | RV_U | RV_D, MMU_OP_FETCH, true, false, MMU_CAUSE_PROTECTION, 12}, /* A = 0 */
	};
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++)
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			const mode_case_t *mc = &modes[m];
			start(mc, (opts_t){.svadu = cases[i].svadu});
			tables(mc, 1, cases[i].leaf);
			rig_resp_t x;
			rig_memreq_t q[16];
			translate(cases[i].op == MMU_OP_FETCH ? I : D, mc->va, cases[i].op, cases[i].user, &x, q);
			expect_fault(&x, cases[i].cause, cases[i].code, walk(mc->levels));
			teardown();
		}
}

/* ---- permissions (4.3.1, sstatus.SUM and MXR 4.1.1.2) ---- */

static void expect_access(opts_t o, uint64_t flags, unsigned port, mmu_op_t op, bool user, bool allowed)
{
	start(sv39, o);
	tables(sv39, 1, flags);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(port, sv39->va, op, user, &x, q);
	uint64_t code = op == MMU_OP_FETCH ? 12 : op == MMU_OP_LOAD ? 13 : 15;
	if (allowed)
		expect_ok(&x, sv39->pa[1], walk(3));
	else
		expect_fault(&x, MMU_CAUSE_PROTECTION, code, walk(3));
	teardown();
}

#define AD (RV_V | RV_A | RV_D)

Test(riscv, user_and_supervisor_rights)
{
	opts_t o = {0};
	expect_access(o, AD | RV_R | RV_W, D, MMU_OP_LOAD, true, false); /* U-mode, U = 0 */
	expect_access(o, AD | RV_R | RV_W, D, MMU_OP_STORE, false, true);
	expect_access(o, AD | RV_R | RV_U, D, MMU_OP_LOAD, true, true);
	expect_access(o, AD | RV_R | RV_U, D, MMU_OP_LOAD, false, false);        /* S-mode, U page, SUM = 0 */
	expect_access(o, AD | RV_R | RV_U, D, MMU_OP_STORE, true, false);        /* read-only page */
	expect_access(o, AD | RV_R | RV_W | RV_U, I, MMU_OP_FETCH, true, false); /* no X */
	opts_t sum = {.sum = true};
	expect_access(sum, AD | RV_R | RV_W | RV_U, D, MMU_OP_LOAD, false, true);
	expect_access(sum, AD | RV_R | RV_W | RV_U, D, MMU_OP_STORE, false, true);
	expect_access(sum, AD | RV_R | RV_X | RV_U, I, MMU_OP_FETCH, false, false); /* never with SUM */
	expect_access(sum, AD | RV_R | RV_X, I, MMU_OP_FETCH, false, true);
}

Test(riscv, execute_only_pages_and_mxr)
{
	expect_access((opts_t){0}, AD | RV_X | RV_U, I, MMU_OP_FETCH, true, true);
	expect_access((opts_t){0}, AD | RV_X | RV_U, D, MMU_OP_LOAD, true, false);
	expect_access((opts_t){.mxr = true}, AD | RV_X | RV_U, D, MMU_OP_LOAD, true, true);
	expect_access((opts_t){.mxr = true}, AD | RV_X | RV_U, D, MMU_OP_STORE, true, false);
}

Test(riscv, permissions_also_apply_on_tlb_hits)
{
	start(sv39, (opts_t){0});
	tables(sv39, 1, AD | RV_X | RV_U);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(I, sv39->va, MMU_OP_FETCH, true, &x, q);  /* fills the ITLB */
	translate(I, sv39->va, MMU_OP_FETCH, false, &x, q); /* S-mode fetch from a U page, on an L1 hit */
	expect_fault(&x, MMU_CAUSE_PROTECTION, 12, 1);
}

/* ---- A and D (4.3.1; Svade and Svadu) ---- */

Test(riscv, svade_faults_on_a_clear_and_on_a_store_to_d_clear)
{
	start(sv39, (opts_t){0});
	tables(sv39, 1, RV_V | RV_R | RV_W | RV_U); /* A = D = 0 */
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, sv39->va, MMU_OP_LOAD, true, &x, q);
	expect_fault(&x, MMU_CAUSE_PROTECTION, 13, walk(3));
	cr_assert_eq(n, 3, "no write: the OS sets A");
	pt_set(r.pm, 0x3008, PTE(3, RV_V | RV_R | RV_W | RV_U | RV_A));
	translate(D, sv39->va, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, sv39->pa[1], walk(3));
	/* the TLB holds D = 0: a store walks again (T9) and faults */
	n = translate(D, sv39->va, MMU_OP_STORE, true, &x, q);
	cr_assert_eq(n, 3);
	expect_fault(&x, MMU_CAUSE_PROTECTION, 15, 1 + 4 * 3);
	cr_assert_eq(mmu_mem_writes(r.mem), 0);
}

Test(riscv, svadu_sets_a_and_d_in_the_leaf_only)
{
	start(sv39, (opts_t){.svadu = true});
	tables(sv39, 1, RV_V | RV_R | RV_W | RV_U);
	rig_resp_t x;
	rig_memreq_t q[16];
	size_t n = translate(D, sv39->va, MMU_OP_STORE, true, &x, q);
	cr_assert_eq(n, 4, "3 reads and the leaf's write-back");
	cr_assert_eq(q[3].write, true);
	cr_assert_eq(q[3].addr, 0x3008);
	cr_assert_eq(q[3].wdata, PTE(3, RV_V | RV_R | RV_W | RV_U | RV_A | RV_D));
	cr_assert_eq(q[3].wstrb, 0xff);
	expect_ok(&x, sv39->pa[1], walk(4));
	cr_assert_eq(pt_get(r.pm, 0x1008), PTE(2, RV_V), "a pointer's A is reserved: never written");
	cr_assert_eq(pt_get(r.pm, 0x2008), PTE(3, RV_V));
}

/* ---- satp (4.1.11) and SFENCE.VMA (4.2.1) ---- */

Test(riscv, satp_fields_and_an_unsupported_mode)
{
	start(sv39, (opts_t){.pcid = true});
	uint64_t satp = UINT64_C(8) << 60 | UINT64_C(0xbeef) << 44 | 0x2;
	rig_cr3(&r, satp);
	rig_step(&r);
	cr_assert_eq(mmu_current_pcid(r.mmu), 0xbeef, "a 16-bit ASID");
	cr_assert_eq(mmu_cr3(r.mmu), satp);
	rig_cr3(&r, UINT64_C(9) << 60 | 0x3); /* Sv48 in an Sv39 MMU: the write has no effect */
	rig_step(&r);
	cr_assert_eq(mmu_cr3(r.mmu), satp);
	teardown();
	start(sv39, (opts_t){0});
	rig_cr3(&r, satp);
	rig_step(&r);
	cr_assert_eq(mmu_current_pcid(r.mmu), 0, "without ASIDs the field reads 0");
	cr_assert_eq(mmu_cr3(r.mmu), UINT64_C(8) << 60 | 0x2);
}

Test(riscv, satp_write_flushes_nothing)
{
	start(sv39, (opts_t){0});
	tables(sv39, 1, RV_PAGE);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, sv39->va, MMU_OP_LOAD, true, &x, q);
	rig_cr3(&r, UINT64_C(8) << 60 | 1);
	rig_step(&r);
	translate(D, sv39->va, MMU_OP_LOAD, true, &x, q);
	expect_ok(&x, sv39->pa[1], 1);
}

/*
 * Three entries: page P (VPN[0] = 1) in ASID 1 and in ASID 2, and a global page K (VPN[0] = 2) filled in ASID 1.
 * Then one SFENCE.VMA, and what is left in the L1 DTLB.
 */
#define VA_P (sv39->va)
#define VA_K (sv39->va + 0x1000)

static bool held(uint64_t va, uint16_t asid)
{
	return mmu_tlb_probe(mmu_tlb(r.mmu, MMU_TLB_L1D), va, asid) >= 0 &&
	       mmu_tlb_probe(mmu_tlb(r.mmu, MMU_TLB_L2), va, asid) >= 0;
}

static void three_entries_then(mmu_flush_op_t op, uint64_t va, uint16_t asid)
{
	start(sv39, (opts_t){.pcid = true});
	tables(sv39, 1, RV_PAGE);
	pt_set(r.pm, 0x3010, PTE(7, RV_PAGE | RV_G));
	rig_cr3(&r, UINT64_C(8) << 60 | UINT64_C(1) << 44 | 1);
	rig_step(&r);
	rig_resp_t x;
	rig_memreq_t q[16];
	translate(D, VA_P, MMU_OP_LOAD, true, &x, q);
	translate(D, VA_K, MMU_OP_LOAD, true, &x, q);
	rig_cr3(&r, UINT64_C(8) << 60 | UINT64_C(2) << 44 | 1);
	rig_step(&r);
	translate(D, VA_P, MMU_OP_LOAD, true, &x, q);
	cr_assert(held(VA_P, 1) && held(VA_P, 2) && held(VA_K, 3), "the entries are there before the fence");
	rig_flush(&r, op, va, asid);
	rig_step(&r);
}

Test(riscv, sfence_vma_x0_x0_flushes_everything)
{
	three_entries_then(MMU_FLUSH_ALL, 0, 0);
	cr_assert(!held(VA_P, 1) && !held(VA_P, 2) && !held(VA_K, 3));
}

Test(riscv, sfence_vma_x0_asid_spares_other_asids_and_global_entries)
{
	three_entries_then(MMU_FLUSH_PCID, 0, 1);
	cr_assert(!held(VA_P, 1) && held(VA_P, 2) && held(VA_K, 1));
}

Test(riscv, sfence_vma_va_x0_flushes_the_address_in_every_asid_global_too)
{
	three_entries_then(MMU_FLUSH_VA_ALL, VA_P, 0);
	cr_assert(!held(VA_P, 1) && !held(VA_P, 2) && held(VA_K, 1));
	teardown();
	three_entries_then(MMU_FLUSH_VA_ALL, VA_K, 0);
	cr_assert(held(VA_P, 1) && held(VA_P, 2) && !held(VA_K, 1));
}

Test(riscv, sfence_vma_va_asid_flushes_one_entry_and_spares_global_ones)
{
	three_entries_then(MMU_FLUSH_VA_PCID, VA_P, 2);
	cr_assert(held(VA_P, 1) && !held(VA_P, 2) && held(VA_K, 1));
	teardown();
	three_entries_then(MMU_FLUSH_VA_PCID, VA_K, 1);
	cr_assert(held(VA_K, 1), "a global entry survives a fence with rs2 != x0");
}

/* ---- the OS side ---- */

static mmu_physmem_t *pm;
static mmu_os_t *os;

static void os_start(mmu_mode_t mode, bool svadu)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	cfg.paging.mode = mode;
	cfg.paging.riscv_svadu = svadu;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	cr_assert_eq(mmu_os_create(&cfg, pm, &os), 0);
}

static void os_stop(void)
{
	mmu_os_destroy(os);
	mmu_physmem_destroy(pm);
}

/* Reads the entries of va's walk from the root of satp, at most `levels` of them. */
static unsigned os_walk(uint64_t satp, uint64_t va, unsigned levels, uint64_t *pte)
{
	uint64_t table = (satp & ((UINT64_C(1) << 44) - 1)) << 12;
	for (unsigned k = 0; k < levels; k++) {
		unsigned shift = 12 + 9 * (levels - 1 - k);
		pte[k] = mmu_physmem_read(pm, table + ((va >> shift) & 0x1ff) * 8, 8);
		if (pte[k] & RV_RWX)
			return k + 1;
		table = (pte[k] >> 10) << 12;
	}
	return levels;
}

Test(riscv, os_builds_sv39_tables_with_pointers_of_v_alone)
{
	for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
		os_start(modes[m].mode, false);
		cr_assert_eq(mmu_os_demand_fault(os, 1, modes[m].va), 0);
		uint64_t satp = mmu_os_cr3(os, 1, false);
		cr_assert_eq(satp >> 60, modes[m].satp_mode);
		uint64_t pte[5];
		unsigned n = os_walk(satp, modes[m].va, modes[m].levels, pte);
		cr_assert_eq(n, modes[m].levels, "a 4 KiB page at the last level");
		for (unsigned k = 0; k + 1 < n; k++)
			cr_assert_eq(pte[k] & 0x3ff, RV_V, "pointer %u: V alone, got 0x%llx", k,
			             (unsigned long long)pte[k]);
		/* Svade: the OS sets A when it maps; D waits for the first store's fault */
		cr_assert_eq(pte[n - 1] & 0xff, RV_V | RV_R | RV_W | RV_X | RV_U | RV_A);
		cr_assert_eq(mmu_os_ad_fault(os, 1, modes[m].va, false), MMU_EFAULT, "A is set: no A/D fault");
		cr_assert_eq(mmu_os_ad_fault(os, 1, modes[m].va, true), 0);
		os_walk(satp, modes[m].va, modes[m].levels, pte);
		cr_assert_eq(pte[n - 1] & 0xff, RV_V | RV_R | RV_W | RV_X | RV_U | RV_A | RV_D);
		os_stop();
	}
}

Test(riscv, os_kernel_pages_are_global_and_supervisor_only_and_huge_pages_are_leaves)
{
	os_start(MMU_MODE_SV39, true);
	uint64_t kva = UINT64_C(0xffffffc000001000);
	cr_assert_eq(mmu_os_populate(os, 1, kva), 0);
	uint64_t pte[3];
	unsigned n = os_walk(mmu_os_cr3(os, 1, false), kva, 3, pte);
	cr_assert_eq(n, 3);
	cr_assert_eq(pte[2] & (RV_V | RV_R | RV_W | RV_X | RV_U | RV_G | RV_A), RV_V | RV_R | RV_W | RV_G,
	             "kernel page: R W G, no U, no X; Svadu: A left to the walker");
	/* a 2 MiB megapage: a leaf at level 2, PPN aligned to 512 pages */
	cr_assert_eq(mmu_os_map(os, 1, 0x40000000, 0x200000, 2, MMU_PERM_RWX_USER), 0);
	n = os_walk(mmu_os_cr3(os, 1, false), 0x40001234, 3, pte);
	cr_assert_eq(n, 2);
	cr_assert_eq((pte[1] >> 10) & 0x1ff, 0);
	/* a gigapage */
	cr_assert_eq(mmu_os_map(os, 1, 0x80000000, 0x40000000, 3, MMU_PERM_RWX_USER), 0);
	n = os_walk(mmu_os_cr3(os, 1, false), 0x80001234, 3, pte);
	cr_assert_eq(n, 1);
	cr_assert_eq((pte[0] >> 10) & 0x3ffff, 0);
	os_stop();
}

Test(riscv, os_maps_execute_only_pages_where_the_mode_has_r)
{
	os_start(MMU_MODE_SV39, true);
	cr_assert_eq(mmu_os_map(os, 1, 0x40201000, 0x1000, 1, MMU_PERM_X | MMU_PERM_U | MMU_PERM_NO_R), 0);
	uint64_t pte[3];
	cr_assert_eq(os_walk(mmu_os_cr3(os, 1, false), 0x40201000, 3, pte), 3);
	cr_assert_eq(pte[2] & 0xff, RV_V | RV_X | RV_U, "X alone, no R: execute-only");
	os_stop();
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg); /* x86_64: every page is readable */
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	cr_assert_eq(mmu_os_create(&cfg, pm, &os), 0);
	cr_assert_eq(mmu_os_map(os, 1, 0x400000, 0x1000, 1, MMU_PERM_X | MMU_PERM_NO_R), MMU_EINVAL);
	os_stop();
}
