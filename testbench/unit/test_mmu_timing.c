/*
 * Directed tests of the timing contract: docs/timing.md rules T1-T6, T11-T15 and M1-M5, and the AMAT identity.
 *
 * Cycle-exact tests run the MMU and its memory per cycle (testbench/support/cycle_rig.c); tests of what survives a
 * CR3 write or a flush drive the whole system through mmu_sim. Page tables are written by hand
 * (testbench/support/pt_builder.h). Unless a test says otherwise: H1 = 1, H2 = 2, L = 3 (each memory access costs
 * 4 cycles), CR3 = 0x1000 written in cycle 0, first request in cycle 1, and with the A bits set a 4 KiB walk takes
 * 1 + 2 + 4 x 4 = 19 cycles.
 */
#include <criterion/criterion.h>

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cycle_rig.h"
#include "mmu/mmu.h"
#include "mmu/mmu_sim.h"
#include "pt_builder.h"

#define D MMU_REQ_D
#define I MMU_REQ_I

#define LEAF    (PTE_P | PTE_W | PTE_U | PTE_A) /* clean, A set */
#define LEAF_G  (LEAF | PTE_G)
#define VA_ELSE UINT64_C(0x0000000007000000) /* a page no test maps: flushing it invalidates nothing relevant */

static rig_t r;
static bool rig_up;
static mmu_sim_t *sim;

static void teardown(void)
{
	if (rig_up)
		rig_fini(&r);
	rig_up = false;
	mmu_sim_destroy(sim);
	sim = NULL;
}

TestSuite(mmu_timing, .fini = teardown);

/* ---- helpers: the cycle rig ---- */

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

static mmu_stats_t rig_stats(void)
{
	mmu_stats_t st;
	mmu_stats_read(r.mmu, &st);
	return st;
}

static void expect_resp(const rig_resp_t *x, uint64_t paddr, uint64_t level, uint64_t latency)
{
	cr_assert_eq(x->fault, 0, "unexpected fault, cause %llu", (unsigned long long)x->cause);
	cr_assert_eq(x->paddr, paddr, "paddr 0x%llx, expected 0x%llx", (unsigned long long)x->paddr,
	             (unsigned long long)paddr);
	cr_assert_eq(x->level, level, "resp_level %llu, expected %llu", (unsigned long long)x->level,
	             (unsigned long long)level);
	cr_assert_eq(x->latency, latency, "latency %llu, expected %llu", (unsigned long long)x->latency,
	             (unsigned long long)latency);
}

static rig_resp_t tr(unsigned port, uint64_t va, mmu_op_t op)
{
	rig_resp_t x;
	rig_translate(&r, port, va, op, true, &x);
	return x;
}

/* Steps until both ports have answered; the first cycle each response was visible. */
static void run_both(uint64_t *d_cycle, uint64_t *i_cycle, rig_resp_t *d, rig_resp_t *i_resp, uint64_t accept)
{
	bool seen[MMU_NREQ] = {false, false};
	uint64_t *when[MMU_NREQ] = {i_cycle, d_cycle};
	rig_resp_t *resp[MMU_NREQ] = {i_resp, d};
	for (int n = 0; !(seen[D] && seen[I]); n++) {
		cr_assert_lt(n, 1000, "responses missing");
		mmu_out_t out;
		mmu_mem_out_t mo;
		rig_peek(&r, &out, &mo);
		for (unsigned p = 0; p < MMU_NREQ; p++)
			if (out.resp_valid[p] && !seen[p]) {
				seen[p] = true;
				*when[p] = r.cycle;
				*resp[p] = (rig_resp_t){.cycle = r.cycle,
				                        .latency = r.cycle - accept,
				                        .paddr = out.resp_paddr[p],
				                        .fault = out.resp_fault[p],
				                        .cause = out.resp_cause[p],
				                        .level = out.resp_level[p],
				                        .tag = out.resp_tag[p]};
			}
		if (!(seen[D] && seen[I]))
			rig_step(&r);
	}
}

/* translation_cycles splits exactly into the stages, and the AMAT formula reproduces the measured mean. */
static void expect_amat_identity(const mmu_stats_t *st)
{
	cr_assert_eq(st->translation_cycles,
	             st->hit_time_cycles + st->l2_stage_cycles + st->walk_cycles_miss + st->walk_cycles_dirty,
	             "translation %llu != hit %llu + l2 %llu + miss walks %llu + dirty walks %llu",
	             (unsigned long long)st->translation_cycles, (unsigned long long)st->hit_time_cycles,
	             (unsigned long long)st->l2_stage_cycles, (unsigned long long)st->walk_cycles_miss,
	             (unsigned long long)st->walk_cycles_dirty);
	mmu_stats_derived_t d;
	mmu_stats_derive(st, &d);
	cr_assert(fabs(d.amat_formula - d.amat_cycles) <= 1e-9 * d.amat_cycles, "AMAT formula %.12f, measured %.12f",
	          d.amat_formula, d.amat_cycles);
}

/* ---- helpers: the whole system ---- */

static void sim_start(const mmu_cfg_t *cfg, mmu_engine_t engine, uint64_t cr3)
{
	char msg[256];
	cr_assert_eq(mmu_sim_create(cfg, engine, &sim, msg, sizeof msg), 0, "%s", msg);
	mmu_sim_cr3_write(sim, cr3);
}

static mmu_result_t sim_tr(unsigned port, uint64_t va, mmu_op_t op)
{
	mmu_result_t x;
	mmu_sim_translate(sim, port, va, op, true, &x);
	return x;
}

static void expect_level(mmu_result_t x, uint8_t level, uint32_t latency, const char *what)
{
	cr_assert_eq(x.fault, 0, "%s: fault, cause %u", what, x.cause);
	cr_assert_eq(x.level, level, "%s: resp_level %u, expected %u", what, x.level, level);
	cr_assert_eq(x.latency, latency, "%s: latency %u, expected %u", what, x.latency, latency);
}

#define HIT(x, what)  expect_level((x), MMU_LEVEL_L1, 1, (what))
#define WALK(x, what) expect_level((x), MMU_LEVEL_WALK, 19, (what))

/* splitmix64 as rule M5 specifies it, written out here so the memory's draws are predicted independently. */
static uint64_t sm_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

#define MEM_SALT UINT64_C(0x6d656d6f7279)

/* ---- T15: reset ---- */

static void expect_all_invalid(const mmu_tlb_t *t)
{
	for (unsigned s = 0; s < mmu_tlb_sets(t); s++)
		for (unsigned w = 0; w < mmu_tlb_ways(t); w++)
			cr_assert_eq(mmu_tlb_entry(t, s, w)->valid, false, "entry %u/%u valid after reset", s, w);
}

Test(mmu_timing, reset_state)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.seed = UINT64_C(0x0001000200030004); /* folded: 1 ^ 2 ^ 3 ^ 4 = 4 (R5) */
	rig_init(&r, &cfg);
	rig_up = true;
	cr_assert_eq(mmu_cr3(r.mmu), 0);
	cr_assert_eq(mmu_cycle(r.mmu), 0);
	cr_assert(mmu_idle(r.mmu));
	expect_all_invalid(mmu_tlb(r.mmu, MMU_TLB_L1I));
	expect_all_invalid(mmu_tlb(r.mmu, MMU_TLB_L1D));
	expect_all_invalid(mmu_tlb(r.mmu, MMU_TLB_L2));
	cr_assert_eq(mmu_tlb_lfsr(mmu_tlb(r.mmu, MMU_TLB_L1I)), 0x1004);
	cr_assert_eq(mmu_tlb_lfsr(mmu_tlb(r.mmu, MMU_TLB_L1D)), 0x2004);
	cr_assert_eq(mmu_tlb_lfsr(mmu_tlb(r.mmu, MMU_TLB_L2)), 0x3004);
	mmu_out_t out;
	mmu_mem_out_t mo;
	rig_peek(&r, &out, &mo);
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		cr_assert_eq(out.req_ready[p], 1, "port %u idle after reset", p);
		cr_assert_eq(out.resp_valid[p], 0);
	}
	cr_assert_eq(out.mem_req_valid, 0);
	cr_assert_eq(mo.req_ready, 1, "no back-pressure configured");
	cr_assert_eq(mo.resp_valid, 0);
}

Test(mmu_timing, reset_memory_draws_the_first_stall)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.mem.stall_max = 3;
	for (uint64_t seed = 1; seed <= 8; seed++) {
		cfg.seed = seed;
		uint64_t s = seed ^ MEM_SALT;
		uint64_t stall = sm_next(&s) % 4;
		rig_init(&r, &cfg);
		rig_up = true;
		mmu_out_t out;
		mmu_mem_out_t mo;
		rig_peek(&r, &out, &mo);
		cr_assert_eq(mo.req_ready, stall == 0, "seed %llu: first stall %llu", (unsigned long long)seed,
		             (unsigned long long)stall);
		rig_fini(&r);
		rig_up = false;
	}
}

Test(mmu_timing, mmu_reset_empties_tlbs_and_keeps_statistics)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
	rig_step(&r); /* the response cycle */
	mmu_reset(r.mmu);
	cr_assert_eq(mmu_cr3(r.mmu), 0);
	cr_assert(mmu_idle(r.mmu));
	expect_all_invalid(mmu_tlb(r.mmu, MMU_TLB_L1D));
	expect_all_invalid(mmu_tlb(r.mmu, MMU_TLB_L2));
	cr_assert_eq(rig_stats().requests, 1, "statistics are kept");
	rig_set_cr3(&r, PT_CR3);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

/* ---- T2, T3: request ports ---- */

Test(mmu_timing, back_to_back_l1_hits_one_per_cycle)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(D, PT_VA_A, MMU_OP_LOAD);
	rig_resp_t x = tr(D, PT_VA_B, MMU_OP_LOAD);
	cr_assert_eq(x.cycle, 39);
	/* cycles 39, 40, 41: A, B, A presented; each answered the next cycle while the next one is accepted */
	const uint64_t va[3] = {PT_VA_A, PT_VA_B, PT_VA_A};
	const uint8_t tag[3] = {0x11, 0x22, 0x33};
	for (int k = 0; k < 3; k++) {
		rig_req(&r, D, va[k], MMU_OP_LOAD, true, tag[k]);
		rig_step(&r);
	}
	rig_idle(&r, 2); /* 42, 43 */
	const uint64_t pa[3] = {0x5567, 0x6567, 0x5567};
	for (int k = 0; k < 3; k++) {
		const rig_cycle_t *c = rig_at(&r, 39 + (uint64_t)k);
		cr_assert_eq(c->out.req_ready[D], 1, "T2: ready in cycle %d", 39 + k);
		const rig_cycle_t *n = rig_at(&r, 40 + (uint64_t)k);
		cr_assert_eq(n->out.resp_valid[D], 1, "response of request %d in cycle %d", k, 40 + k);
		cr_assert_eq(n->out.resp_tag[D], tag[k]);
		cr_assert_eq(n->out.resp_paddr[D], pa[k]);
		cr_assert_eq(n->out.resp_level[D], MMU_LEVEL_L1);
		cr_assert_eq(n->out.resp_valid[I], 0);
	}
	cr_assert_eq(rig_at(&r, 43)->out.resp_valid[D], 0, "a response is visible for exactly one cycle");
	cr_assert_eq(rig_stats().l1d_hits, 3);
}

Test(mmu_timing, h1_of_3_ready_low_while_looking_up)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.l1d.hit_latency = 3;
	start_cfg(&cfg, PT_CR3);
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_memreq_t q[8];
	rig_resp_t x;
	size_t n = rig_translate_log(&r, D, PT_VA_A, MMU_OP_LOAD, true, &x, q, 8);
	/* m = 1 + 3 = 4 = g, w = 6: 3 + 2 + 16 = 21 */
	cr_assert_eq(n, 4);
	cr_assert_eq(q[0].visible, 6);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 21);
	x = tr(D, PT_VA_B, MMU_OP_LOAD);
	cr_assert_eq(x.cycle, 43);
	/* A in 43 (hit, answered in 46); B presented in 44, 45, 46 and accepted only in 46 (T2) */
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 1);
	rig_step(&r);
	for (int k = 0; k < 3; k++) {
		rig_req(&r, D, PT_VA_B, MMU_OP_LOAD, true, 2);
		rig_step(&r);
	}
	rig_idle(&r, 4); /* 47 .. 50 */
	const int ready[] = {1, 0, 0, 1, 0, 0, 1};
	for (int k = 0; k < 7; k++)
		cr_assert_eq(rig_at(&r, 43 + (uint64_t)k)->out.req_ready[D], ready[k], "req_ready in cycle %d", 43 + k);
	for (uint64_t c = 44; c <= 50; c++) {
		const rig_cycle_t *l = rig_at(&r, c);
		bool expect = c == 46 || c == 49;
		cr_assert_eq(l->out.resp_valid[D], expect, "resp_valid in cycle %llu", (unsigned long long)c);
		if (expect)
			cr_assert_eq(l->out.resp_tag[D], c == 46 ? 1 : 2);
	}
	cr_assert_eq(rig_at(&r, 49)->out.resp_paddr[D], 0x6567);
	cr_assert_eq(rig_stats().requests, 4);
}

Test(mmu_timing, h1_of_3_l2_hit_takes_h1_plus_h2)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.l1d.hit_latency = 3;
	start_cfg(&cfg, PT_CR3);
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_resp_t x = tr(I, PT_VA_A, MMU_OP_FETCH); /* H1 of the I port is 1 */
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_L2, 3 + 2);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 3);
}

Test(mmu_timing, lookup_ignores_a_flush_at_the_same_edge)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_LOAD);
	cr_assert_eq(x.cycle, 20);
	/* T3: the lookup at the edge of 20 sees the TLB as during cycle 20, before the flush of that edge */
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 7);
	rig_flush(&r, MMU_FLUSH_ALL, 0, 0);
	uint64_t c = rig_step(&r);
	rig_wait_resp(&r, D, c, 10, &x);
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

/* ---- T6, W8, T14: fills are seen by a request accepted in the response cycle ---- */

Test(mmu_timing, l2_hit_fills_l1_for_the_next_request)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(I, PT_VA_A, MMU_OP_FETCH); /* fills L1 I and L2; response in 20 */
	rig_memreq_t q[8];
	rig_resp_t x;
	size_t n = rig_translate_log(&r, D, PT_VA_A, MMU_OP_LOAD, true, &x, q, 8);
	/* c = 20, m = g = 21, L2 result in g + H2 = 23 */
	cr_assert_eq(n, 0);
	cr_assert_eq(x.cycle, 23);
	expect_resp(&x, 0x5567, MMU_LEVEL_L2, 3);
	cr_assert_eq(rig_at(&r, 21)->out.req_ready[D], 0);
	cr_assert_eq(rig_at(&r, 22)->out.req_ready[D], 0);
	x = tr(D, PT_VA_A, MMU_OP_LOAD); /* presented in 23 */
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
	mmu_stats_t st = rig_stats();
	cr_assert_eq(st.l2_hits, 1);
	cr_assert_eq(st.l2_stage_cycles, 4);
}

Test(mmu_timing, walk_fills_l1_and_l2_for_the_next_request)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_LOAD);
	cr_assert_eq(x.cycle, 20);
	x = tr(D, PT_VA_A, MMU_OP_LOAD); /* presented in the response cycle 20 */
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
	x = tr(I, PT_VA_A, MMU_OP_FETCH);
	expect_resp(&x, 0x5567, MMU_LEVEL_L2, 3);
}

Test(mmu_timing, no_l2_walk_starts_in_the_miss_cycle)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.l2.entries = 0;
	start_cfg(&cfg, PT_CR3);
	cr_assert_null(mmu_tlb(r.mmu, MMU_TLB_L2));
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_memreq_t q[8];
	rig_resp_t x;
	size_t n = rig_translate_log(&r, D, PT_VA_A, MMU_OP_LOAD, true, &x, q, 8);
	/* c = 1, m = g = 2: first read visible in 2 (T5, W1); H1 + 4 x 4 = 17 */
	cr_assert_eq(n, 4);
	for (int k = 0; k < 4; k++)
		cr_assert_eq(q[k].visible, 2 + 4 * (uint64_t)k);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 17);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
	x = tr(I, PT_VA_A, MMU_OP_FETCH);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 17);
	mmu_stats_t st = rig_stats();
	cr_assert_eq(st.l2_accesses, 0);
	cr_assert_eq(st.l2_stage_cycles, 0);
	cr_assert_eq(st.walk_cycles_miss, 32);
	expect_amat_identity(&st);
}

/* ---- T5: arbitration ---- */

Test(mmu_timing, both_ports_miss_data_first_then_instruction_in_the_response_cycle)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_req(&r, I, PT_VA_B, MMU_OP_FETCH, true, 0xa5);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 0x3c);
	rig_step(&r); /* cycle 1, m = 2 for both */
	uint64_t dc, ic;
	rig_resp_t d, i;
	run_both(&dc, &ic, &d, &i, 1);
	/* D granted in 2, walks 4..19, answers in 20; I granted in 20, L2 result in 22, walks 22..37, answers in 38 */
	cr_assert_eq(dc, 20);
	cr_assert_eq(ic, 38);
	cr_assert_eq(d.tag, 0x3c);
	cr_assert_eq(i.tag, 0xa5);
	cr_assert_eq(d.paddr, 0x5567);
	cr_assert_eq(i.paddr, 0x6567);
	cr_assert_eq(i.level, MMU_LEVEL_WALK);
	rig_memreq_t q[16];
	size_t n = rig_memreqs(&r, 1, 38, q, 16);
	cr_assert_eq(n, 8);
	const uint64_t addr[8] = {PT_PML4E, PT_PDPTE, PT_PDE, PT_PTE_A, PT_PML4E, PT_PDPTE, PT_PDE, PT_PTE_B};
	const uint64_t vis[8] = {4, 8, 12, 16, 22, 26, 30, 34};
	for (int k = 0; k < 8; k++) {
		cr_assert_eq(q[k].addr, addr[k], "access %d address", k);
		cr_assert_eq(q[k].visible, vis[k], "access %d visible in %llu", k, (unsigned long long)q[k].visible);
	}
	for (uint64_t c = 2; c < 38; c++)
		cr_assert_eq(rig_at(&r, c)->out.req_ready[I], 0, "I port busy in cycle %llu", (unsigned long long)c);
	mmu_stats_t st = rig_stats();
	/* I's L2 stage is its wait 2..20 plus H2: 20; D's is 2 */
	cr_assert_eq(st.l2_stage_cycles, 22);
	cr_assert_eq(st.translation_cycles, 19 + 37);
	expect_amat_identity(&st);
}

Test(mmu_timing, waiting_port_looks_up_l2_as_filled_by_the_other)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_req(&r, I, PT_VA_A, MMU_OP_FETCH, true, 1);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 2);
	rig_step(&r);
	uint64_t dc, ic;
	rig_resp_t d, i;
	run_both(&dc, &ic, &d, &i, 1);
	/* D's walk fills L2 at the edge of 19; I is granted in 20 and hits L2: answer in 22 */
	cr_assert_eq(dc, 20);
	cr_assert_eq(d.level, MMU_LEVEL_WALK);
	cr_assert_eq(ic, 22);
	cr_assert_eq(i.level, MMU_LEVEL_L2);
	cr_assert_eq(i.paddr, 0x5567);
	rig_memreq_t q[16];
	cr_assert_eq(rig_memreqs(&r, 1, 22, q, 16), 4);
}

/* Presents I fetch VA_B and D load VA_A together in the coming cycle; returns which port answered first. */
static unsigned tie(uint64_t *d_cycle, uint64_t *i_cycle)
{
	uint64_t c = r.cycle;
	rig_req(&r, I, PT_VA_B, MMU_OP_FETCH, true, 1);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 2);
	rig_step(&r);
	rig_resp_t d, i;
	run_both(d_cycle, i_cycle, &d, &i, c);
	return *d_cycle < *i_cycle ? D : I;
}

static void flush_all(void)
{
	rig_flush(&r, MMU_FLUSH_ALL, 0, 0);
	rig_step(&r);
}

Test(mmu_timing, tie_goes_to_the_port_not_granted_last)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	uint64_t dc, ic;
	/* reset: "I granted last", so D wins; then I is granted last */
	cr_assert_eq(tie(&dc, &ic), D);
	cr_assert_eq(dc, 20);
	cr_assert_eq(ic, 38);
	flush_all();                                /* 38 */
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_LOAD); /* lone D in 39: D granted last */
	cr_assert_eq(x.cycle, 58);
	flush_all(); /* 58 */
	/* tie in 59, m = 60: I wins, walks 62..77, answers 78; D granted in 78, L2 miss in 80, answers 96 */
	cr_assert_eq(tie(&dc, &ic), I);
	cr_assert_eq(ic, 78);
	cr_assert_eq(dc, 96);
	flush_all();                      /* 96 */
	x = tr(I, PT_VA_B, MMU_OP_FETCH); /* lone I in 97: I granted last */
	cr_assert_eq(x.cycle, 116);
	flush_all(); /* 116 */
	cr_assert_eq(tie(&dc, &ic), D);
	cr_assert_eq(dc, 136);
	cr_assert_eq(ic, 154);
	mmu_stats_t st = rig_stats();
	expect_amat_identity(&st);
}

Test(mmu_timing, no_l2_waiting_port_walks_from_the_grant_cycle)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.l2.entries = 0;
	start_cfg(&cfg, PT_CR3);
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	uint64_t dc, ic;
	cr_assert_eq(tie(&dc, &ic), D);
	/* D granted in 2: reads 2, 6, 10, 14, answer 18; I granted in 18: reads 18, 22, 26, 30, answer 34 */
	cr_assert_eq(dc, 18);
	cr_assert_eq(ic, 34);
	rig_memreq_t q[16];
	cr_assert_eq(rig_memreqs(&r, 1, 34, q, 16), 8);
	cr_assert_eq(q[3].visible, 14);
	cr_assert_eq(q[4].visible, 18);
	cr_assert_eq(q[4].addr, PT_PML4E);
	cr_assert_eq(q[7].addr, PT_PTE_B);
	mmu_stats_t st = rig_stats();
	cr_assert_eq(st.l2_stage_cycles, 16, "I waited from m = 2 to g = 18");
	cr_assert_eq(st.translation_cycles, 17 + 33);
	expect_amat_identity(&st);
}

Test(mmu_timing, dirty_rewalk_waits_for_the_walker)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(D, PT_VA_A, MMU_OP_LOAD); /* clean entry; D granted last; answer in 20 */
	rig_req(&r, I, PT_VA_B, MMU_OP_FETCH, true, 1);
	rig_req(&r, D, PT_VA_A, MMU_OP_STORE, true, 2);
	rig_step(&r); /* 20: both wait from m = 21 */
	uint64_t dc, ic;
	rig_resp_t d, i;
	run_both(&dc, &ic, &d, &i, 20);
	/* I wins (D granted last): walk 23..38, answer 39; D's re-walk starts in 39: 4 reads + D write, answer 59 */
	cr_assert_eq(ic, 39);
	cr_assert_eq(dc, 59);
	cr_assert_eq(d.level, MMU_LEVEL_WALK);
	rig_memreq_t q[16];
	size_t n = rig_memreqs(&r, 39, 59, q, 16);
	cr_assert_eq(n, 5);
	cr_assert_eq(q[0].visible, 39);
	cr_assert_eq(q[4].write, true);
	cr_assert_eq(q[4].addr, PT_PTE_A);
	cr_assert_eq(q[4].wdata, PT_PAGE_A | LEAF | PTE_D);
	mmu_stats_t st = rig_stats();
	cr_assert_eq(st.walks_dirty, 1);
	cr_assert_eq(st.walk_cycles_dirty, 59 - 21, "a dirty re-walk's cost includes its wait");
	cr_assert_eq(st.translation_cycles, 19 + 19 + 39);
	expect_amat_identity(&st);
}

Test(mmu_timing, both_ports_hit_in_the_same_cycle)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(I, PT_VA_A, MMU_OP_FETCH);
	rig_resp_t x = tr(D, PT_VA_B, MMU_OP_LOAD);
	rig_req(&r, I, PT_VA_A, MMU_OP_FETCH, true, 3);
	rig_req(&r, D, PT_VA_B, MMU_OP_LOAD, true, 4);
	rig_step(&r);
	rig_step(&r);
	const rig_cycle_t *l = rig_at(&r, x.cycle + 1);
	cr_assert_eq(l->out.resp_valid[I], 1);
	cr_assert_eq(l->out.resp_valid[D], 1);
	cr_assert_eq(l->out.resp_tag[I], 3);
	cr_assert_eq(l->out.resp_tag[D], 4);
	cr_assert_eq(l->out.resp_paddr[I], 0x5567);
	cr_assert_eq(l->out.resp_paddr[D], 0x6567);
	cr_assert_eq(l->out.resp_level[I], MMU_LEVEL_L1);
	cr_assert_eq(l->out.resp_level[D], MMU_LEVEL_L1);
}

Test(mmu_timing, port_left_waiting_is_granted_in_an_l2_hit_response_cycle)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(I, PT_VA_A, MMU_OP_FETCH); /* L2 holds A; I granted last; answer in 20 */
	rig_req(&r, I, PT_VA_B, MMU_OP_FETCH, true, 1);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 2);
	rig_step(&r); /* 20, m = 21 for both */
	uint64_t dc, ic;
	rig_resp_t d, i;
	run_both(&dc, &ic, &d, &i, 20);
	/* D granted in 21, L2 hit answered in 23; I granted in 23, L2 miss in 25, walk 25..40, answer in 41 */
	cr_assert_eq(dc, 23);
	cr_assert_eq(d.level, MMU_LEVEL_L2);
	cr_assert_eq(ic, 41);
	cr_assert_eq(i.level, MMU_LEVEL_WALK);
	rig_memreq_t q[8];
	cr_assert_eq(rig_memreqs(&r, 20, 41, q, 8), 4);
	cr_assert_eq(q[0].visible, 25);
	mmu_stats_t st = rig_stats();
	expect_amat_identity(&st);
}

/* T1: with the state fixed, the outputs are the same whatever the inputs of the cycle. */
Test(mmu_timing, outputs_do_not_depend_on_inputs_of_the_same_cycle)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, PTE_TABLE);
	rig_req(&r, D, PT_VA_A, MMU_OP_STORE, true, 9);
	rig_step(&r);
	mmu_in_t noisy;
	memset(&noisy, 0xff, sizeof noisy);
	noisy.req_op[I] = noisy.req_op[D] = MMU_OP_LOAD;
	noisy.flush_op = MMU_FLUSH_VA;
	for (int k = 0; k < 40; k++) {
		mmu_in_t quiet = {0};
		mmu_out_t a, b;
		mmu_comb(r.mmu, &quiet, &a);
		mmu_comb(r.mmu, &noisy, &b);
		cr_assert(memcmp(&a, &b, sizeof a) == 0, "outputs of cycle %llu depend on its inputs",
		          (unsigned long long)r.cycle);
		rig_step(&r);
	}
}

/* ---- T4, T11, T13: CR3 writes ---- */

Test(mmu_timing, cr3_write_in_the_acceptance_cycle_is_not_seen)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | LEAF_G); /* global: a fill would survive the CR3 write */
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 0);
	rig_cr3(&r, 0x9000);
	uint64_t c = rig_step(&r);
	rig_resp_t x;
	rig_wait_resp(&r, D, c, 100, &x);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19); /* T4: old root 0x1000 */
	rig_memreq_t q[16];
	cr_assert_eq(rig_memreqs(&r, c, x.cycle, q, 16), 4);
	cr_assert_eq(q[0].addr, PT_PML4E);
	cr_assert_eq(mmu_cr3(r.mmu), 0x9000);
	/* overtaken (T13): nothing filled, so the next request walks the new root 0x9000 */
	size_t n = rig_translate_log(&r, D, PT_VA_A, MMU_OP_LOAD, true, &x, q, 16);
	cr_assert_eq(n, 1);
	cr_assert_eq(q[0].addr, 0x9008);
	cr_assert_eq(x.fault, 1);
	cr_assert_eq(x.cause, MMU_CAUSE_NOT_PRESENT);
	cr_assert_eq(x.latency, 7);
}

Test(mmu_timing, cr3_write_during_a_walk)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | LEAF_G);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 0);
	rig_step(&r);    /* 1 */
	rig_idle(&r, 3); /* 2, 3, 4 */
	rig_cr3(&r, PT_CR3);
	rig_step(&r); /* 5, as in the diagram of docs/timing.md */
	rig_resp_t x;
	rig_wait_resp(&r, D, 1, 100, &x);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
	cr_assert_eq(x.cycle, 20, "the response comes at its normal time");
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19); /* not filled */
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
	cr_assert_eq(rig_stats().cr3_writes, 2);
}

/*
 * W7, M9: the leaf's A/D write-back of a request accepted in cycle 1 meets an entry that the OS rewrote to `now`
 * after the walker read it: the write is refused and the walk starts again from the PML4E, so 5 accesses (4 reads,
 * the refused write) come before the second walk's (4 reads, and a write-back when it needs one: `accesses` in all).
 * Returns the response; the entry must then hold `after`.
 */
static rig_resp_t race_leaf_write_back(mmu_op_t op, uint64_t now, uint64_t after, size_t accesses)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE_A);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U); /* A clear: the leaf is written back */
	rig_req(&r, D, PT_VA_A, op, true, 0);
	rig_step(&r);
	for (int n = 0;; n++) {
		cr_assert_lt(n, 100, "no write-back");
		mmu_out_t out;
		mmu_mem_out_t mo;
		rig_peek(&r, &out, &mo);
		if (out.mem_req_valid && out.mem_req_write) {
			cr_assert_eq(out.mem_req_addr, PT_PTE_A);
			cr_assert_eq(out.mem_req_cmp, PT_PAGE_A | PTE_P | PTE_W | PTE_U,
			             "compared with the entry as read");
			break;
		}
		rig_step(&r);
	}
	pt_set(r.pm, PT_PTE_A, now);
	rig_resp_t x;
	rig_wait_resp(&r, D, 1, 200, &x);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), after, "entry 0x%llx", (unsigned long long)pt_get(r.pm, PT_PTE_A));
	cr_assert_eq(mmu_mem_writes_refused(r.mem), 1);
	size_t n = 0;
	for (uint64_t c = 1; c < x.cycle; c++)
		if (r.log[c].out.mem_req_valid && r.log[c].in.mem_req_ready) {
			static const uint64_t order[] = {PT_PML4E, PT_PDPTE, PT_PDE, PT_PTE_A, PT_PTE_A,
			                                 PT_PML4E, PT_PDPTE, PT_PDE, PT_PTE_A, PT_PTE_A};
			cr_assert_lt(n, accesses, "more than %zu accesses", accesses);
			cr_assert_eq(r.log[c].out.mem_req_addr, order[n], "access %zu at 0x%llx", n,
			             (unsigned long long)r.log[c].out.mem_req_addr);
			n++;
		}
	cr_assert_eq(n, accesses);
	cr_assert_eq(x.latency, 1 + 2 + accesses * 4, "H1 + H2 + accesses x (L + 1)");
	return x;
}

Test(mmu_timing, unmap_before_the_write_back_is_not_undone)
{
	rig_resp_t x = race_leaf_write_back(MMU_OP_LOAD, 0, 0, 9);
	cr_assert_eq(x.fault, 1, "the page stays unmapped");
	cr_assert_eq(x.cause, MMU_CAUSE_NOT_PRESENT);
}

Test(mmu_timing, write_protect_before_a_store_write_back_faults)
{
	uint64_t ro = PT_PAGE_A | PTE_P | PTE_U;
	rig_resp_t x = race_leaf_write_back(MMU_OP_STORE, ro, ro, 9);
	cr_assert_eq(x.fault, 1);
	cr_assert_eq(x.cause, MMU_CAUSE_PROTECTION, "the walk again finds the page read-only");
}

Test(mmu_timing, aging_before_the_write_back_walks_again_and_sets_a)
{
	/* D set, A clear (as the OS left it): the second walk writes A back over exactly that */
	uint64_t aged = PT_PAGE_A | PTE_P | PTE_W | PTE_U | PTE_D;
	rig_resp_t x = race_leaf_write_back(MMU_OP_LOAD, aged, aged | PTE_A, 10);
	cr_assert_eq(x.fault, 0);
	cr_assert_eq(x.paddr, PT_PAGE_A | 0x567);
}

/* A request in cycle 1 walks to its response in 20; a flush of an unrelated page comes in cycle 1 + k. */
static rig_resp_t flush_at(uint64_t k)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 0);
	for (uint64_t c = 1; c <= 20; c++) {
		if (c == 1 + k)
			rig_flush(&r, MMU_FLUSH_VA, VA_ELSE, 0);
		if (c == 20) {
			mmu_out_t out;
			mmu_mem_out_t mo;
			rig_peek(&r, &out, &mo);
			cr_assert_eq(out.resp_valid[D], 1, "response in 20 whatever the flush");
			cr_assert_eq(out.resp_paddr[D], 0x5567);
			cr_assert_eq(out.resp_level[D], MMU_LEVEL_WALK);
		}
		rig_step(&r);
	}
	return tr(D, PT_VA_A, MMU_OP_LOAD); /* in 21 */
}

Test(mmu_timing, flush_in_the_acceptance_cycle_overtakes)
{
	rig_resp_t x = flush_at(0);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

Test(mmu_timing, flush_in_the_middle_of_a_walk_overtakes)
{
	rig_resp_t x = flush_at(9);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
	cr_assert_eq(rig_stats().flushes, 1);
}

Test(mmu_timing, flush_in_the_cycle_before_the_response_overtakes)
{
	rig_resp_t x = flush_at(18);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

Test(mmu_timing, flush_in_the_response_cycle_does_not_overtake)
{
	rig_resp_t x = flush_at(19);
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
}

Test(mmu_timing, flush_during_the_l2_stage_suppresses_the_l1_fill)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(I, PT_VA_A, MMU_OP_FETCH); /* L2 filled; answer in 20 */
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 0);
	rig_step(&r); /* 20 */
	rig_flush(&r, MMU_FLUSH_VA, VA_ELSE, 0);
	rig_step(&r); /* 21 = g */
	rig_resp_t x;
	rig_wait_resp(&r, D, 20, 10, &x);
	expect_resp(&x, 0x5567, MMU_LEVEL_L2, 3);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_L2, 3);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
}

Test(mmu_timing, overtaken_dirty_rewalk_keeps_the_clean_entry)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(D, PT_VA_A, MMU_OP_LOAD); /* clean entry; answer in 20 */
	rig_req(&r, D, PT_VA_A, MMU_OP_STORE, true, 0);
	rig_step(&r); /* 20: L1 hit on the clean entry, re-walk 21..40 */
	rig_idle(&r, 5);
	rig_flush(&r, MMU_FLUSH_VA, VA_ELSE, 0);
	rig_step(&r); /* 26 */
	rig_resp_t x;
	rig_wait_resp(&r, D, 20, 100, &x);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 1 + 5 * 4);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), PT_PAGE_A | LEAF | PTE_D, "the D write-back still happens");
	/* nothing filled: the clean entry is still there, so the next store re-walks (4 reads, D now set) */
	x = tr(D, PT_VA_A, MMU_OP_STORE);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 1 + 4 * 4);
	x = tr(D, PT_VA_A, MMU_OP_STORE);
	expect_resp(&x, 0x5567, MMU_LEVEL_L1, 1);
	cr_assert_eq(rig_stats().walks_dirty, 2);
}

Test(mmu_timing, overtaken_walk_still_writes_accessed_bits)
{
	start();
	pt_std_upper(r.pm, PTE_TABLE);
	pt_set(r.pm, PT_PTE_A, PT_PAGE_A | PTE_P | PTE_W | PTE_U);
	rig_req(&r, D, PT_VA_A, MMU_OP_LOAD, true, 0);
	rig_step(&r); /* 1 */
	rig_idle(&r, 8);
	rig_flush(&r, MMU_FLUSH_VA, VA_ELSE, 0);
	rig_step(&r); /* 10 */
	rig_resp_t x;
	rig_wait_resp(&r, D, 1, 100, &x);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 35);
	cr_assert_eq(mmu_mem_writes(r.mem), 4);
	cr_assert_eq(pt_get(r.pm, PT_PML4E), PT_PDPT | PTE_TABLE_A);
	cr_assert_eq(pt_get(r.pm, PT_PTE_A), PT_PAGE_A | LEAF);
	x = tr(D, PT_VA_A, MMU_OP_LOAD);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

Test(mmu_timing, flush_is_applied_before_a_cr3_write_of_the_same_cycle)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.pcid = true;
	start_cfg(&cfg, PT_CR3 | 1);
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	tr(D, PT_VA_A, MMU_OP_LOAD); /* PCID 1; answer in 20 */
	/* INVLPG uses the PCID current during the cycle (1), not the one written (2) */
	rig_flush(&r, MMU_FLUSH_VA, PT_VA_A, 0);
	rig_cr3(&r, PT_CR3 | 2 | MMU_CR3_NOFLUSH);
	rig_step(&r); /* 20 */
	cr_assert_eq(mmu_current_pcid(r.mmu), 2);
	rig_set_cr3(&r, PT_CR3 | 1 | MMU_CR3_NOFLUSH); /* 21 */
	rig_resp_t x = tr(D, PT_VA_A, MMU_OP_LOAD);    /* 22 */
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

Test(mmu_timing, cr3_without_pcid_takes_the_whole_value)
{
	start();
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	/* bits 11:0 are not a PCID; bit 50 is beyond pa_bits = 46: the root is still 0x1000 */
	uint64_t v = (UINT64_C(1) << 50) | PT_CR3 | 0xabc;
	rig_set_cr3(&r, v); /* 1 */
	cr_assert_eq(mmu_cr3(r.mmu), v);
	cr_assert_eq(mmu_current_pcid(r.mmu), 0);
	rig_memreq_t q[8];
	rig_resp_t x;
	size_t n = rig_translate_log(&r, D, PT_VA_A, MMU_OP_LOAD, true, &x, q, 8);
	cr_assert_eq(n, 4);
	cr_assert_eq(q[0].addr, PT_PML4E);
	cr_assert_eq(q[0].visible, 5);
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 19);
}

/* ---- T11 and T12 through the whole system ---- */

static void sim_std(bool pcid, uint64_t cr3, uint64_t leaf_a, uint64_t leaf_b)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.pcid = pcid;
	char msg[256];
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_TICKED, &sim, msg, sizeof msg), 0, "%s", msg);
	mmu_physmem_t *pm = mmu_sim_physmem(sim);
	pt_std_upper(pm, PTE_TABLE_A);
	pt_set(pm, PT_PTE_A, PT_PAGE_A | leaf_a);
	pt_set(pm, PT_PTE_B, PT_PAGE_B | leaf_b);
	mmu_sim_cr3_write(sim, cr3);
}

Test(mmu_timing, cr3_write_without_pcid_flushes_non_global_entries)
{
	sim_std(false, PT_CR3, LEAF_G, LEAF);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "A first");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B first");
	mmu_sim_cr3_write(sim, PT_CR3);
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A survives");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B flushed from L1 and L2");
	mmu_stats_t st;
	mmu_stats_read(mmu_sim_mmu(sim), &st);
	cr_assert_eq(st.cr3_writes, 2);
}

Test(mmu_timing, cr3_write_with_pcid_and_bit_63_flushes_nothing)
{
	sim_std(true, PT_CR3 | 1, LEAF, LEAF);
	mmu_t *m = mmu_sim_mmu(sim);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "PCID 1");
	mmu_sim_cr3_write(sim, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	cr_assert_eq(mmu_cr3(m), PT_CR3 | 1, "bit 63 is not stored");
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "PCID 1 kept");
	mmu_sim_cr3_write(sim, PT_CR3 | 2 | MMU_CR3_NOFLUSH);
	cr_assert_eq(mmu_cr3(m), PT_CR3 | 2);
	cr_assert_eq(mmu_current_pcid(m), 2);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "PCID 2 has no entry");
	mmu_sim_cr3_write(sim, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "back in PCID 1");
}

Test(mmu_timing, cr3_write_with_pcid_flushes_only_that_pcid)
{
	sim_std(true, PT_CR3 | 1, LEAF, LEAF_G);
	mmu_t *m = mmu_sim_mmu(sim);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "A in PCID 1");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "global B");
	mmu_sim_cr3_write(sim, PT_CR3 | 2 | MMU_CR3_NOFLUSH);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "A in PCID 2");
	mmu_sim_cr3_write(sim, PT_CR3 | 2); /* flushes PCID 2 */
	cr_assert_eq(mmu_cr3(m), PT_CR3 | 2);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "PCID 2 flushed");
	mmu_sim_cr3_write(sim, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "PCID 1 untouched by the PCID 2 flush");
	mmu_sim_cr3_write(sim, PT_CR3 | 1); /* flushes PCID 1 */
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "PCID 1 flushed");
	HIT(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "global entries survive");
}

Test(mmu_timing, flush_all_removes_global_entries_too)
{
	sim_std(false, PT_CR3, LEAF_G, LEAF);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "A");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B");
	mmu_sim_flush(sim, MMU_FLUSH_ALL, 0, 0);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A flushed");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B flushed");
}

Test(mmu_timing, flush_nonglobal_keeps_global_entries)
{
	sim_std(false, PT_CR3, LEAF_G, LEAF);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "A");
	WALK(sim_tr(I, PT_VA_B, MMU_OP_FETCH), "B");
	mmu_sim_flush(sim, MMU_FLUSH_NONGLOBAL, 0, 0);
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A kept");
	WALK(sim_tr(I, PT_VA_B, MMU_OP_FETCH), "B flushed from L1 I and L2");
}

Test(mmu_timing, flush_pcid_hits_only_that_pcid)
{
	sim_std(true, PT_CR3 | 1, LEAF_G, LEAF);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B in PCID 1");
	mmu_sim_cr3_write(sim, PT_CR3 | 2 | MMU_CR3_NOFLUSH);
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B in PCID 2");
	mmu_sim_flush(sim, MMU_FLUSH_PCID, 0, 1);
	HIT(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "PCID 2 kept");
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global kept");
	mmu_sim_cr3_write(sim, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "PCID 1 flushed");
}

Test(mmu_timing, invlpg_flushes_one_page)
{
	sim_std(false, PT_CR3, LEAF, LEAF);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "A");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B");
	uint64_t c0 = mmu_cycle(mmu_sim_mmu(sim));
	mmu_sim_flush(sim, MMU_FLUSH_VA, PT_VA_A ^ 0xabc, 0); /* any address of A's page */
	cr_assert_eq(mmu_cycle(mmu_sim_mmu(sim)), c0 + 1, "T14: a flush costs one cycle");
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "A flushed from L1 and L2");
	HIT(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B kept");
}

Test(mmu_timing, invlpg_flushes_a_2m_page_by_any_address_in_it)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	char msg[256];
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_TICKED, &sim, msg, sizeof msg), 0, "%s", msg);
	mmu_physmem_t *pm = mmu_sim_physmem(sim);
	pt_std_upper(pm, PTE_TABLE_A);
	pt_set(pm, PT_PDE, UINT64_C(0x80000000) | LEAF | PTE_PS);
	mmu_sim_cr3_write(sim, PT_CR3);
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_LOAD), MMU_LEVEL_WALK, 15, "2 MiB walk");
	/* 2 MiB page 0x8080600000..0x80807fffff; 0x8080800000 is the next one */
	mmu_sim_flush(sim, MMU_FLUSH_VA, UINT64_C(0x8080800000), 0);
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "other page flushed");
	mmu_sim_flush(sim, MMU_FLUSH_VA, PT_VA_A + 0x10000, 0);
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_LOAD), MMU_LEVEL_WALK, 15, "2 MiB entry flushed");
}

Test(mmu_timing, invlpg_with_pcid_flushes_current_pcid_and_global)
{
	sim_std(true, PT_CR3 | 1, LEAF_G, LEAF);
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B in PCID 1");
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A, filled in PCID 1");
	mmu_sim_cr3_write(sim, PT_CR3 | 2 | MMU_CR3_NOFLUSH);
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B in PCID 2");
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "a global entry matches any PCID");
	mmu_sim_flush(sim, MMU_FLUSH_VA, PT_VA_B, 0);
	mmu_sim_flush(sim, MMU_FLUSH_VA, PT_VA_A, 0);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A flushed although tagged with PCID 1");
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B of the current PCID flushed");
	mmu_sim_cr3_write(sim, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	HIT(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B of PCID 1 kept");
}

Test(mmu_timing, invpcid_address_flushes_that_pcid_only_and_no_global)
{
	sim_std(true, PT_CR3 | 1, LEAF_G, LEAF);
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B in PCID 1");
	mmu_sim_cr3_write(sim, PT_CR3 | 2 | MMU_CR3_NOFLUSH);
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B in PCID 2");
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A");
	mmu_sim_flush(sim, MMU_FLUSH_VA_PCID, PT_VA_B, 1);
	mmu_sim_flush(sim, MMU_FLUSH_VA_PCID, PT_VA_A, 2);
	HIT(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B of PCID 2 kept");
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "global A kept");
	mmu_sim_cr3_write(sim, PT_CR3 | 1 | MMU_CR3_NOFLUSH);
	WALK(sim_tr(D, PT_VA_B, MMU_OP_LOAD), "B of PCID 1 flushed");
	mmu_stats_t st;
	mmu_stats_read(mmu_sim_mmu(sim), &st);
	cr_assert_eq(st.flushes, 2);
}

/* ---- T14: cycle count of an in-order run, both engines ---- */

static void run_cycle_count(mmu_engine_t engine)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	sim_start(&cfg, engine, PT_CR3); /* 1 */
	pt_std(mmu_sim_physmem(sim), PTE_TABLE_A, LEAF);
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "walk"); /* 19 */
	mmu_sim_flush(sim, MMU_FLUSH_ALL, 0, 0);       /* 1 */
	WALK(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "walk"); /* 19 */
	mmu_sim_idle(sim, 5);                          /* 5 */
	HIT(sim_tr(D, PT_VA_A, MMU_OP_LOAD), "hit");   /* 1 */
	cr_assert_eq(mmu_cycle(mmu_sim_mmu(sim)), 1 + 19 + 1 + 19 + 5 + 1);
}

Test(mmu_timing, run_cycles_ticked)
{
	run_cycle_count(MMU_ENGINE_TICKED);
}

Test(mmu_timing, run_cycles_fast)
{
	run_cycle_count(MMU_ENGINE_FAST);
}

/* The examples of the latency summary, with the default H1 = 1, H2 = 9, L = 100. */
static void default_examples(mmu_engine_t engine)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	sim_start(&cfg, engine, PT_CR3);
	mmu_physmem_t *pm = mmu_sim_physmem(sim);
	pt_std(pm, PTE_TABLE_A, LEAF);
	/* VA 2 << 39: PML4E 0x1010, PDPT 0x11000, PD 0x12000, PT 0x13000, page 0x14000, no A bit anywhere */
	pt_set(pm, 0x1010, 0x11000 | PTE_TABLE);
	pt_set(pm, 0x11000, 0x12000 | PTE_TABLE);
	pt_set(pm, 0x12000, 0x13000 | PTE_TABLE);
	pt_set(pm, 0x13000, 0x14000 | PTE_P | PTE_W | PTE_U);
	/* VA 3 << 39: PML4E 0x1018, PDPT 0x21000, PD 0x22000 holding a 2 MiB leaf at 0x200000 */
	pt_set(pm, 0x1018, 0x21000 | PTE_TABLE_A);
	pt_set(pm, 0x21000, 0x22000 | PTE_TABLE_A);
	pt_set(pm, 0x22000, 0x200000 | LEAF | PTE_PS);
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_LOAD), MMU_LEVEL_WALK, 414, "4 KiB walk, A set");
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_LOAD), MMU_LEVEL_L1, 1, "L1 hit");
	expect_level(sim_tr(I, PT_VA_A, MMU_OP_FETCH), MMU_LEVEL_L2, 10, "L2 hit");
	expect_level(sim_tr(D, UINT64_C(2) << 39, MMU_OP_LOAD), MMU_LEVEL_WALK, 818, "first touch");
	mmu_result_t x = sim_tr(D, (UINT64_C(3) << 39) | 0x12345, MMU_OP_LOAD);
	expect_level(x, MMU_LEVEL_WALK, 313, "2 MiB walk");
	cr_assert_eq(x.paddr, 0x212345);
	x = sim_tr(D, UINT64_C(4) << 39, MMU_OP_LOAD);
	cr_assert_eq(x.cause, MMU_CAUSE_NOT_PRESENT);
	cr_assert_eq(x.latency, 111);
}

Test(mmu_timing, latency_summary_examples_ticked)
{
	default_examples(MMU_ENGINE_TICKED);
}

Test(mmu_timing, latency_summary_examples_fast)
{
	default_examples(MMU_ENGINE_FAST);
}

/* ---- M1-M5: the memory ---- */

static mmu_physmem_t *mpm;
static mmu_mem_t *mmem;

static void mem_start(mmu_mem_cfg_t mc, uint64_t seed)
{
	cr_assert_eq(mmu_physmem_create(&mpm), 0);
	cr_assert_eq(mmu_mem_create(&mc, seed, mpm, &mmem), 0);
}

static void mem_stop(void)
{
	mmu_mem_destroy(mmem);
	mmu_physmem_destroy(mpm);
}

/* One memory cycle: outputs, then the edge with `in`. */
static mmu_mem_out_t mem_cycle(const mmu_mem_in_t *in)
{
	mmu_mem_out_t o;
	mmu_mem_comb(mmem, &o);
	mmu_mem_clock(mmem, in);
	return o;
}

Test(mmu_timing, memory_handshake_and_latency)
{
	mem_start((mmu_mem_cfg_t){.latency = 3}, 1);
	pt_set(mpm, 0x100, UINT64_C(0x1122334455667788));
	mmu_mem_in_t rd = {.req_valid = 1, .req_addr = 0x104};
	mmu_mem_in_t other = {.req_valid = 1, .req_addr = 0x9000};
	/* cycle 0: accepted; 1, 2: busy (a request presented then is ignored); 3: response; 4: ready again */
	mmu_mem_out_t o = mem_cycle(&rd);
	cr_assert_eq(o.req_ready, 1);
	for (int c = 1; c <= 3; c++) {
		o = mem_cycle(&other);
		cr_assert_eq(o.req_ready, 0, "cycle %d", c);
		cr_assert_eq(o.resp_valid, c == 3, "cycle %d", c);
	}
	cr_assert_eq(o.resp_rdata, UINT64_C(0x1122334455667788), "M2: the aligned word");
	o = mem_cycle(&other); /* 4: the other request is accepted now */
	cr_assert_eq(o.req_ready, 1);
	cr_assert_eq(o.resp_valid, 0);
	mmu_mem_in_t none = {0};
	for (int c = 5; c <= 7; c++) {
		o = mem_cycle(&none);
		cr_assert_eq(o.resp_valid, c == 7, "cycle %d", c);
	}
	cr_assert_eq(o.resp_rdata, 0, "M2: a word never written reads 0");
	cr_assert_eq(mmu_mem_reads(mmem), 2);
	mem_stop();
}

Test(mmu_timing, memory_write_strobes_and_old_data)
{
	mem_start((mmu_mem_cfg_t){.latency = 3}, 1);
	pt_set(mpm, 0x100, UINT64_C(0x1122334455667788));
	mmu_mem_in_t wr = {.req_valid = 1,
	                   .req_addr = 0x100,
	                   .req_write = 1,
	                   .req_wdata = UINT64_C(0xaabb000000000000),
	                   .req_wstrb = 0xc0,
	                   .req_cmp = UINT64_C(0x1122ffffffffffff)}; /* M9: compared on the enabled bytes only */
	mem_cycle(&wr);
	/* M2: the write takes effect at acceptance, on the enabled bytes only */
	cr_assert_eq(pt_get(mpm, 0x100), UINT64_C(0xaabb334455667788));
	mmu_mem_in_t none = {0};
	mem_cycle(&none);
	mem_cycle(&none);
	mmu_mem_out_t o = mem_cycle(&none);
	cr_assert_eq(o.resp_valid, 1);
	cr_assert_eq(o.resp_rdata, UINT64_C(0x1122334455667788), "a write returns the word before it");
	cr_assert_eq(mmu_mem_writes(mmem), 1);
	cr_assert_eq(mmu_mem_writes_refused(mmem), 0);
	mem_stop();
}

Test(mmu_timing, memory_write_refused_when_the_word_changed)
{
	mem_start((mmu_mem_cfg_t){.latency = 2}, 1);
	pt_set(mpm, 0x100, UINT64_C(0x1122334455667788));
	/* M9: the enabled bytes hold 0x4455667788, not the 0x5566777788 the writer compares: nothing is written */
	mmu_mem_in_t wr = {.req_valid = 1,
	                   .req_addr = 0x100,
	                   .req_write = 1,
	                   .req_wdata = UINT64_C(0x0000005566777789),
	                   .req_wstrb = 0x1f,
	                   .req_cmp = UINT64_C(0x0000005566777788)};
	mem_cycle(&wr);
	cr_assert_eq(pt_get(mpm, 0x100), UINT64_C(0x1122334455667788));
	mmu_mem_in_t none = {0};
	mem_cycle(&none);
	mmu_mem_out_t o = mem_cycle(&none);
	cr_assert_eq(o.resp_valid, 1);
	cr_assert_eq(o.resp_rdata, UINT64_C(0x1122334455667788), "a refused write still returns the word");
	cr_assert_eq(mmu_mem_writes(mmem), 1);
	cr_assert_eq(mmu_mem_writes_refused(mmem), 1);
	mem_stop();
}

/* Predicted stall and latency of the first n accesses (M5 draw order). */
static void predict(const mmu_mem_cfg_t *mc, uint64_t seed, unsigned n, uint64_t *stall, uint64_t *lat)
{
	uint64_t s = seed ^ MEM_SALT;
	uint64_t next_stall = mc->stall_max ? sm_next(&s) % (mc->stall_max + 1) : 0;
	for (unsigned i = 0; i < n; i++) {
		stall[i] = next_stall;
		lat[i] = mc->latency_max > mc->latency ? mc->latency + sm_next(&s) % (mc->latency_max - mc->latency + 1)
		                                       : mc->latency;
		next_stall = mc->stall_max ? sm_next(&s) % (mc->stall_max + 1) : 0;
	}
}

/* A 4-read walk under back-pressure: every access costs S + L + 1 (M3, M4), observed on the port. */
static void walk_under_pressure(mmu_mem_cfg_t mc, uint64_t seed)
{
	uint64_t stall[4], lat[4], sum = 0, stalls = 0;
	predict(&mc, seed, 4, stall, lat);
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	cfg.mem = mc;
	cfg.seed = seed;
	start_cfg(&cfg, PT_CR3);
	pt_std(r.pm, PTE_TABLE_A, LEAF);
	rig_memreq_t q[8];
	rig_resp_t x;
	size_t n = rig_translate_log(&r, D, PT_VA_A, MMU_OP_LOAD, true, &x, q, 8);
	cr_assert_eq(n, 4);
	uint64_t visible = 4; /* w = 1 + H1 + H2 */
	for (unsigned i = 0; i < 4; i++) {
		cr_assert_eq(q[i].visible, visible, "access %u visible in %llu, expected %llu", i,
		             (unsigned long long)q[i].visible, (unsigned long long)visible);
		unsigned low = 0;
		for (uint64_t c = q[i].visible; c < q[i].accepted; c++)
			low += rig_at(&r, c)->in.mem_req_ready == 0;
		cr_assert_eq(q[i].accepted - q[i].visible, low, "presented until accepted");
		cr_assert_eq(low, stall[i], "access %u: %u stall cycles, expected %llu", i, low,
		             (unsigned long long)stall[i]);
		for (uint64_t c = q[i].accepted + 1; c <= q[i].accepted + lat[i]; c++)
			cr_assert_eq(rig_at(&r, c)->in.mem_resp_valid, c == q[i].accepted + lat[i],
			             "access %u: response L = %llu after acceptance", i, (unsigned long long)lat[i]);
		visible = q[i].accepted + lat[i] + 1;
		sum += stall[i] + lat[i] + 1;
		stalls += stall[i];
	}
	cr_assert_gt(stalls, 0, "the seed must give some back-pressure for the test to mean anything");
	expect_resp(&x, 0x5567, MMU_LEVEL_WALK, 1 + 2 + sum);
	rig_fini(&r);
	rig_up = false;
	/* the fast path adds up the same costs */
	sim_start(&cfg, MMU_ENGINE_FAST, PT_CR3);
	pt_std(mmu_sim_physmem(sim), PTE_TABLE_A, LEAF);
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_LOAD), MMU_LEVEL_WALK, (uint32_t)(1 + 2 + sum), "fast path");
}

Test(mmu_timing, backpressure_with_fixed_latency)
{
	walk_under_pressure((mmu_mem_cfg_t){.latency = 3, .stall_max = 3}, 1);
}

Test(mmu_timing, random_latency_and_stall_draw_order)
{
	walk_under_pressure((mmu_mem_cfg_t){.latency = 2, .latency_max = 5, .stall_max = 2}, 7);
}

Test(mmu_timing, fast_memory_access_costs_stall_latency_plus_one)
{
	mmu_mem_cfg_t mc = {.latency = 4, .latency_max = 9, .stall_max = 5};
	uint64_t stall[6], lat[6];
	predict(&mc, 42, 6, stall, lat);
	mem_start(mc, 42);
	for (unsigned i = 0; i < 6; i++) {
		uint64_t rdata;
		uint32_t cost = mmu_mem_access(mmem, 0x100 + 8 * i, false, 0, 0, 0, &rdata);
		cr_assert_eq(cost, stall[i] + lat[i] + 1, "access %u", i);
	}
	mem_stop();
}

/* ---- Statistics and AMAT ---- */

/* A mixed in-order run with every kind of stage; latencies by hand, then the totals. */
static void amat_run(mmu_engine_t engine)
{
	mmu_cfg_t cfg;
	rig_cfg_small(&cfg);
	sim_start(&cfg, engine, PT_CR3);
	pt_std(mmu_sim_physmem(sim), PTE_TABLE_A, LEAF);
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_LOAD), MMU_LEVEL_WALK, 19, "miss walk");
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_LOAD), MMU_LEVEL_L1, 1, "L1 hit");
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_STORE), MMU_LEVEL_WALK, 1 + 5 * 4, "dirty re-walk from L1");
	expect_level(sim_tr(D, PT_VA_A, MMU_OP_STORE), MMU_LEVEL_L1, 1, "dirty hit");
	expect_level(sim_tr(I, PT_VA_B, MMU_OP_FETCH), MMU_LEVEL_WALK, 19, "fetch walk");
	expect_level(sim_tr(D, PT_VA_B, MMU_OP_STORE), MMU_LEVEL_WALK, 1 + 2 + 5 * 4, "dirty re-walk from L2");
	mmu_result_t x = sim_tr(D, UINT64_C(0x0000800000000000), MMU_OP_LOAD);
	cr_assert_eq(x.cause, MMU_CAUSE_NONCANONICAL);
	cr_assert_eq(x.latency, 1);
	x = sim_tr(D, PT_VA_C, MMU_OP_LOAD);
	cr_assert_eq(x.cause, MMU_CAUSE_NOT_PRESENT);
	cr_assert_eq(x.latency, 19);
	mmu_stats_t st;
	mmu_stats_read(mmu_sim_mmu(sim), &st);
	cr_assert_eq(st.requests, 8);
	cr_assert_eq(st.translation_cycles, 19 + 1 + 21 + 1 + 19 + 23 + 1 + 19);
	cr_assert_eq(st.hit_time_cycles, 8);
	cr_assert_eq(st.l2_stage_cycles, 4 * 2);
	cr_assert_eq(st.walk_cycles_miss, 3 * 16);
	cr_assert_eq(st.walk_cycles_dirty, 2 * 20);
	cr_assert_eq(st.walks, 5);
	cr_assert_eq(st.walks_dirty, 2);
	cr_assert_eq(st.l1d_accesses, 6);
	cr_assert_eq(st.l1d_hits, 3);
	cr_assert_eq(st.l1d_misses, 3);
	cr_assert_eq(st.l1i_misses, 1);
	cr_assert_eq(st.l2_accesses, 4);
	cr_assert_eq(st.l2_hits, 1);
	cr_assert_eq(st.cycles, 1 + 104);
	expect_amat_identity(&st);
	mmu_stats_derived_t d;
	mmu_stats_derive(&st, &d);
	/* 1 + 0.5 x (2 + 0.75 x 16) + 0.25 x 20 = 13 = 104 / 8 */
	cr_assert(fabs(d.amat_cycles - 13.0) < 1e-12);
	cr_assert(fabs(d.m2 - 0.75) < 1e-12);
	cr_assert(fabs(d.dirty_penalty - 20.0) < 1e-12);
}

Test(mmu_timing, amat_identity_ticked)
{
	amat_run(MMU_ENGINE_TICKED);
}

Test(mmu_timing, amat_identity_fast)
{
	amat_run(MMU_ENGINE_FAST);
}
