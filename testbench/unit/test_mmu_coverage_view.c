/*
 * The model's coverage view (mmu_walker_state, mmu_resp_detail), which the co-simulation's functional coverage reads:
 * directed runs on the cycle rig whose states and cycles are derived by hand from docs/timing.md. Configuration of
 * the rig: H1 = 1, H2 = 2, memory latency 3 (an access costs 4 cycles), CR3 = 0x1000, the tables of pt_builder.h.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>

#include "cycle_rig.h"
#include "mmu/mmu.h"
#include "pt_builder.h"

#define D MMU_REQ_D
#define I MMU_REQ_I

#define LEAF (PTE_P | PTE_W | PTE_U | PTE_A) /* clean, A set: a store writes D back (W7) */

static rig_t r;

static void setup(void)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	rig_init(&r, &cfg);
	rig_set_cr3(&r, PT_CR3);
	pt_std(r.pm, PTE_TABLE_A, LEAF);
}

static void teardown(void)
{
	rig_fini(&r);
}

TestSuite(mmu_coverage_view, .init = setup, .fini = teardown);

static rig_resp_t tr(unsigned port, uint64_t va, mmu_op_t op)
{
	rig_resp_t x;
	rig_translate(&r, port, va, op, true, &x);
	return x;
}

Test(mmu_coverage_view, walker_states_of_a_store_walk)
{
	/*
	 * Accepted in cycle a (L1 lookup, walker idle), L1 miss: granted in a + 1 (T5), L2 looked up in a + 1 and a + 2
	 * (H2 = 2, T6), miss: the walk's reads are visible from a + 3 (W1), four of 4 cycles each, then the D
	 * write-back (W7) for 4 cycles; the response is visible in a + 23, with the walker idle again.
	 */
	unsigned seen[4] = {0};
	uint64_t accept = r.cycle;
	rig_req(&r, D, PT_VA_B, MMU_OP_STORE, true, 1);
	for (;;) {
		mmu_out_t out;
		mmu_mem_out_t mo;
		rig_peek(&r, &out, &mo);
		if (out.resp_valid[D])
			break;
		cr_assert_lt(r.cycle - accept, 100, "no response");
		mmu_walker_state_t w = mmu_walker_state(r.mmu);
		if (r.cycle - accept == 1 || r.cycle - accept == 2)
			cr_assert_eq(w, MMU_WALKER_LOOKUP, "cycle a + %llu", (unsigned long long)(r.cycle - accept));
		seen[w]++;
		rig_step(&r);
	}
	cr_assert_eq(r.cycle - accept, 23);
	cr_assert_eq(seen[MMU_WALKER_IDLE], 1);
	cr_assert_eq(seen[MMU_WALKER_LOOKUP], 2);
	cr_assert_eq(seen[MMU_WALKER_READ], 16);
	cr_assert_eq(seen[MMU_WALKER_WRITE], 4);
	cr_assert_eq(mmu_walker_state(r.mmu), MMU_WALKER_IDLE);
	mmu_resp_detail_t d = mmu_resp_detail(r.mmu, D);
	cr_assert_eq(d.page_level, 1);
	cr_assert_eq(d.rewalk, MMU_REWALK_NONE, "a miss's walk is no re-walk");
}

Test(mmu_coverage_view, dirty_rewalk_from_l1)
{
	cr_assert_eq(tr(D, PT_VA_A, MMU_OP_LOAD).level, MMU_LEVEL_WALK); /* fills a clean entry (D = 0) */
	mmu_resp_detail_t d = mmu_resp_detail(r.mmu, D);
	cr_assert_eq(d.rewalk, MMU_REWALK_NONE);
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_STORE); /* L1 hit on the clean entry: re-walk (T9) */
	cr_assert_eq(x.level, MMU_LEVEL_WALK);
	d = mmu_resp_detail(r.mmu, D);
	cr_assert_eq(d.rewalk, MMU_REWALK_FROM_L1);
	cr_assert_eq(d.page_level, 1);
	cr_assert_eq(mmu_resp_detail(r.mmu, I).page_level, 0, "no response on I");
}

Test(mmu_coverage_view, dirty_rewalk_from_l2)
{
	cr_assert_eq(tr(I, PT_VA_A, MMU_OP_LOAD).level, MMU_LEVEL_WALK); /* clean entry in L1 I and L2 */
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_STORE); /* L1 D misses, the L2 hit is clean: re-walk (T9) */
	cr_assert_eq(x.level, MMU_LEVEL_WALK);
	cr_assert_eq(mmu_resp_detail(r.mmu, D).rewalk, MMU_REWALK_FROM_L2);
}

Test(mmu_coverage_view, page_level_of_a_huge_page_and_of_a_fault)
{
	/* the PDE of PT_VA_A as a 2 MiB leaf (PS, bit 7) onto frame 0x200000 */
	pt_set(r.pm, PT_PDE, UINT64_C(0x200000) | LEAF | UINT64_C(0x80));
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_LOAD);
	cr_assert_eq(x.paddr, UINT64_C(0x200000) | (PT_VA_A & UINT64_C(0x1fffff)));
	cr_assert_eq(mmu_resp_detail(r.mmu, D).page_level, 2);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	cr_assert_eq(x.level, MMU_LEVEL_L1);
	cr_assert_eq(mmu_resp_detail(r.mmu, D).page_level, 2, "an L1 hit reports the entry's page size");
	x = tr(D, PT_VA_A + (UINT64_C(1) << 30), MMU_OP_LOAD); /* PDPT index 3: never written, not present (W4) */
	cr_assert_eq(x.fault, 1);
	cr_assert_eq(mmu_resp_detail(r.mmu, D).page_level, 0);
}
