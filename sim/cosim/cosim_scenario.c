/*
 * Directed scenarios: short scripts on the world of cosim_world.c, with a fixed memory latency so that the expected
 * response times can be written by hand from docs/timing.md's latency summary (H1, H2 from the configuration, L the
 * scenario's memory latency, k the accesses of each walk counted from the page tables' A bits). The lockstep
 * comparison checks the RTL against the model every cycle; the expectations check both against the contract.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cosim_world.h"

#define SC_L       3 /* memory latency of every scenario: an access costs L + 1 = 4 cycles */
#define SC_MAX     48
#define SC_TAIL    8 /* cycles run after the last response */
#define NO_LAT     -1
#define ANY_PADDR  0
#define WALK_PADDR 1 /* expect the OS's translation in process `pid` */

typedef enum { AT, ON_RESP, ON_REQ, ON_WRITE_BACK } sc_when_t;
typedef enum { A_NONE, A_REQ, A_CR3, A_FLUSH, A_UNMAP } sc_action_t;

/* Expected latency h1 * H1 + h2 * H2 + k * (L + 1), packed as one integer (h1, h2 flags, k), or NO_LAT. */
#define LAT(h1, h2, k) ((h1) << 20 | (h2) << 16 | (k))

typedef struct sc_step {
	uint8_t when;   /* sc_when_t */
	uint32_t at;    /* AT: cycle; ON_RESP / ON_REQ: tag whose response / request cycle triggers this step;
	                   ON_WRITE_BACK: the level whose entry of `va`, being written back by the walker, triggers it */
	uint32_t delay; /* cycles after the trigger */
	uint8_t action; /* sc_action_t */
	uint8_t port, op, user, tag;
	uint64_t va;   /* A_REQ, A_FLUSH, A_UNMAP */
	uint32_t pid;  /* A_CR3, A_UNMAP: process; A_REQ with WALK_PADDR: whose translation to expect */
	uint8_t flush; /* A_FLUSH: mmu_flush_op_t */
	/* expectations for A_REQ */
	int32_t lat;
	int8_t level, cause; /* -1: not checked */
	uint8_t paddr;       /* ANY_PADDR, WALK_PADDR */
} sc_step_t;

typedef struct sc_def {
	const char *name, *what;
	unsigned junk_ports; /* bit p: garbage on port p's inputs whenever it is busy */
	sc_step_t steps[SC_MAX];
} sc_def_t;

#define I  MMU_REQ_I
#define D  MMU_REQ_D
#define LD MMU_OP_LOAD
#define ST MMU_OP_STORE
#define FE MMU_OP_FETCH
/* latencies of docs/timing.md's summary: H1 + H2 + k (L + 1) after an L2 miss, H1 + k (L + 1) for a dirty re-walk */
#define WALK(k)   LAT(1, 1, k)
#define REWALK(k) LAT(1, 0, k)
#define L1HIT     LAT(1, 0, 0)
#define L2HIT     LAT(1, 1, 0)
#define ANY       NO_LAT
#define NP        MMU_CAUSE_NOT_PRESENT
#define PROT      MMU_CAUSE_PROTECTION
#define RSVD      MMU_CAUSE_RESERVED
#define NONC      MMU_CAUSE_NONCANONICAL
#define LV_L1     MMU_LEVEL_L1
#define LV_L2     MMU_LEVEL_L2
#define LV_W      MMU_LEVEL_WALK

#define CR3_AT(c, p)                                                                                                   \
	{                                                                                                              \
		.when = AT, .at = c, .action = A_CR3, .pid = p                                                         \
	}
#define CR3_REQ(t, d, p)                                                                                               \
	{                                                                                                              \
		.when = ON_REQ, .at = t, .delay = d, .action = A_CR3, .pid = p                                         \
	}
#define FLUSH_REQ(t, d, o, a)                                                                                          \
	{                                                                                                              \
		.when = ON_REQ, .at = t, .delay = d, .action = A_FLUSH, .flush = o, .va = a                            \
	}
#define REQ(w, a, p, o, u, t, v, l, lv, c, pa, id)                                                                     \
	{                                                                                                              \
		.when = w, .at = a, .action = A_REQ, .port = p, .op = o, .user = u, .tag = t, .va = v, .pid = id,      \
		.lat = l, .level = lv, .cause = c, .paddr = pa                                                         \
	}
/* The OS unmaps the 4 KiB page v of process 1 while the walker presents the A/D write-back of its leaf (M9). */
#define UNMAP_ON_WRITE_BACK(v)                                                                                         \
	{                                                                                                              \
		.when = ON_WRITE_BACK, .at = 1, .action = A_UNMAP, .va = v, .pid = 1                                   \
	}
/* A user request at cycle c (AT) or in the response cycle of tag r (ON), what it must give. */
#define AT_OK(c, p, o, t, v, l, lv)        REQ(AT, c, p, o, 1, t, v, l, lv, 0, WALK_PADDR, 1)
#define AT_FAULT(c, p, o, t, v, l, cause)  REQ(AT, c, p, o, 1, t, v, l, LV_W, cause, ANY_PADDR, 1)
#define OK(r, p, o, t, v, l, lv)           REQ(ON_RESP, r, p, o, 1, t, v, l, lv, 0, WALK_PADDR, 1)
#define OK_PID(r, p, o, t, v, l, lv, id)   REQ(ON_RESP, r, p, o, 1, t, v, l, lv, 0, WALK_PADDR, id)
#define FAULT(r, p, o, t, v, l, lv, cause) REQ(ON_RESP, r, p, o, 1, t, v, l, lv, cause, ANY_PADDR, 1)
#define SUPER_OK(r, p, o, t, v)            REQ(ON_RESP, r, p, o, 0, t, v, ANY, LV_W, 0, ANY_PADDR, 1)

#define CODE(p, o) (UINT64_C(0x00400000) + (p)*4096 + (o))
#define HEAP(p, o) (UINT64_C(0x10000000) + (p)*4096 + (o))
#define JIT(p, o)  (UINT64_C(0x20000000) + (p)*4096 + (o))
#define H2M(o)     (UINT64_C(0x40000000) + (o))
#define H1G(o)     (UINT64_C(0x8000000000) + (o))
#define RODATA(o)  (UINT64_C(0x00500000) + (o))
#define DATAHOLE   (UINT64_C(0x00600000) + 4 * 4096)
#define SUPER      UINT64_C(0x00700000)
#define RSVD4K     UINT64_C(0x00800000)
#define RSVD2M     UINT64_C(0x41000000)
#define RSVDPDPT   UINT64_C(0xc0000000)
#define RSVD1G     UINT64_C(0xc000000000)
#define RSVDPML4   UINT64_C(0x10000000000)
#define HOLE4      UINT64_C(0x20000000000)
#define HOLE3      UINT64_C(0x80000000)
#define HOLE2      UINT64_C(0x00a00000)
#define NONCANON   UINT64_C(0x0000800000000000)

/*
 * Access counts k, by hand: a fresh process has A = 0 in every entry, so a load's first walk through an entry writes
 * it back (W7). A 4 KiB page with nothing walked before: 4 reads + 4 writes = 8; another page of the same page table:
 * 3 reads + the leaf's read and write = 5; a store on a clean, accessed leaf: 4 reads + 1 write = 5. A 2 MiB leaf
 * first: 3 + 3 = 6; a 1 GiB leaf in a fresh PML4 slot: 2 + 2 = 4. A fault at level n stops after that read.
 */
static const sc_def_t scenarios[] = {
    {"l1hit",
     "L1 DTLB hits back to back after one walk (T2, T3)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, CODE(0, 0x10), WALK(8), LV_W), OK(1, D, LD, 2, CODE(0, 0x18), L1HIT, LV_L1),
      OK(2, D, LD, 3, CODE(0, 0x20), L1HIT, LV_L1)}},
    {"l2hit",
     "an ITLB miss that hits the STLB filled by a data walk (T5, T6, R7)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, CODE(0, 0x10), WALK(8), LV_W), OK(1, I, FE, 2, CODE(0, 0x40), L2HIT, LV_L2),
      OK(2, I, FE, 3, CODE(0, 0x80), L1HIT, LV_L1)}},
    {"walk4k",
     "4-level walks with A/D write-backs and a dirty re-walk (W1-W8, T9)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, HEAP(0, 0x10), WALK(8), LV_W), OK(1, D, LD, 2, HEAP(1, 0x20), WALK(5), LV_W),
      OK(2, D, ST, 3, HEAP(1, 0x28), REWALK(5), LV_W), OK(3, D, ST, 4, HEAP(1, 0x30), L1HIT, LV_L1)}},
    {"walk2m",
     "2 MiB and 1 GiB leaves, and a dirty re-walk of a 1 GiB page (W3, W5, W8, T9)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, H2M(0x12345), WALK(6), LV_W), OK(1, D, LD, 2, H2M(0x1fff00), L1HIT, LV_L1),
      OK(2, D, LD, 3, H1G(0x3456789), WALK(4), LV_W), OK(3, D, ST, 4, H1G(0x10), REWALK(3), LV_W)}},
    {"fault",
     "a not-present fault, a walk after it, a protection fault at the leaf (W4, W6, T10)",
     0,
     {CR3_AT(0, 1), AT_FAULT(1, D, LD, 1, HOLE2, WALK(5), NP), OK(1, D, LD, 2, CODE(0, 0), WALK(6), LV_W),
      FAULT(2, D, ST, 3, RODATA(0x8), WALK(4), LV_W, PROT)}},
    {"cr3walk",
     "a CR3 write during a walk: old root kept, nothing filled, the next walk uses the new root "
     "(T4, T11, T13)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, HEAP(0, 0x10), WALK(8), LV_W), CR3_REQ(1, 14, 2),
      OK_PID(1, D, LD, 2, HEAP(0, 0x18), WALK(8), LV_W, 2)}},
    {"latch",
     "garbage on busy ports' inputs, a second port's miss during a walk (T4, T5)",
     1u << D | 1u << I,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, HEAP(0, 0x10), WALK(8), LV_W), AT_OK(3, I, FE, 2, CODE(0, 0), ANY, LV_W),
      OK(1, D, ST, 3, HEAP(0, 0x18), ANY, LV_W), OK(2, I, FE, 4, CODE(0, 8), L1HIT, LV_L1)}},
    {"faultwalk",
     "a fault on one port while the other walks, then walks on both (T5, W4)",
     0,
     {CR3_AT(0, 1), AT_FAULT(1, I, FE, 1, HOLE4, ANY, NP), AT_OK(1, D, LD, 2, CODE(0, 0), ANY, LV_W),
      OK(1, I, FE, 3, JIT(0, 0), ANY, LV_W), OK(2, D, LD, 4, HEAP(0, 0), ANY, LV_W),
      OK(3, I, FE, 5, JIT(1, 0), ANY, LV_W)}},
    {"fsmexits",
     "every fault kind, each followed by a normal walk (every walker path returns to idle)",
     0,
     {CR3_AT(0, 1),
      AT_FAULT(1, D, LD, 1, HOLE4, ANY, NP),
      OK(1, D, LD, 2, HEAP(1, 0), ANY, LV_W),
      FAULT(2, D, LD, 3, HOLE3, ANY, LV_W, NP),
      OK(3, D, LD, 4, HEAP(2, 0), ANY, LV_W),
      FAULT(4, D, LD, 5, HOLE2, ANY, LV_W, NP),
      OK(5, D, LD, 6, HEAP(3, 0), ANY, LV_W),
      FAULT(6, D, LD, 7, DATAHOLE, ANY, LV_W, NP),
      OK(7, D, LD, 8, HEAP(4, 0), ANY, LV_W),
      FAULT(8, D, LD, 9, RSVD4K, ANY, LV_W, RSVD),
      OK(9, D, LD, 10, HEAP(5, 0), ANY, LV_W),
      FAULT(10, D, LD, 11, RSVD2M, ANY, LV_W, RSVD),
      OK(11, D, LD, 12, HEAP(6, 0), ANY, LV_W),
      FAULT(12, D, LD, 13, RSVD1G, ANY, LV_W, RSVD),
      OK(13, D, LD, 14, HEAP(7, 0), ANY, LV_W),
      FAULT(14, D, LD, 15, RSVDPDPT, ANY, LV_W, RSVD),
      OK(15, D, LD, 16, HEAP(8, 0), ANY, LV_W),
      FAULT(16, D, LD, 17, RSVDPML4, ANY, LV_W, RSVD),
      OK(17, D, LD, 18, HEAP(9, 0), ANY, LV_W),
      FAULT(18, D, LD, 19, SUPER, ANY, LV_W, PROT),
      OK(19, D, LD, 20, HEAP(10, 0), ANY, LV_W),
      FAULT(20, D, ST, 21, RODATA(0), ANY, LV_W, PROT),
      OK(21, D, LD, 22, HEAP(11, 0), ANY, LV_W),
      FAULT(22, D, FE, 23, HEAP(0, 0), ANY, LV_W, PROT),
      OK(23, D, LD, 24, HEAP(12, 0), ANY, LV_W),
      OK(24, D, LD, 25, RODATA(0x100), ANY, LV_W),
      FAULT(25, D, ST, 26, RODATA(0x108), L1HIT, LV_L1, PROT),
      OK(26, D, LD, 27, HEAP(13, 0), ANY, LV_W),
      FAULT(27, I, FE, 28, HEAP(13, 8), L2HIT, LV_L2, PROT),
      OK(28, I, FE, 29, JIT(2, 0), ANY, LV_W),
      FAULT(29, D, LD, 30, NONCANON, L1HIT, MMU_LEVEL_NONE, NONC),
      OK(30, D, LD, 31, HEAP(14, 0), ANY, LV_W),
      SUPER_OK(31, D, LD, 32, COSIM_KERNEL_DATA + 8),
      OK(32, D, LD, 33, HEAP(15, 0), ANY, LV_W)}},
    {"victim",
     "nine pages through the L1 DTLB, the first used again before the ninth: the victim (R1-R4)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, HEAP(0, 0), WALK(8), LV_W), OK(1, D, LD, 2, HEAP(1, 0), WALK(5), LV_W),
      OK(2, D, LD, 3, HEAP(2, 0), WALK(5), LV_W), OK(3, D, LD, 4, HEAP(3, 0), WALK(5), LV_W),
      OK(4, D, LD, 5, HEAP(4, 0), WALK(5), LV_W), OK(5, D, LD, 6, HEAP(5, 0), WALK(5), LV_W),
      OK(6, D, LD, 7, HEAP(6, 0), WALK(5), LV_W), OK(7, D, LD, 8, HEAP(7, 0), WALK(5), LV_W),
      OK(8, D, LD, 9, HEAP(0, 8), L1HIT, LV_L1), OK(9, D, LD, 10, HEAP(8, 0), WALK(5), LV_W),
      OK(10, D, LD, 11, HEAP(0, 16), ANY, -1), OK(11, D, LD, 12, HEAP(1, 16), ANY, -1)}},
    {"flushwalk",
     "flushes of each kind during walks: the walk completes and fills nothing (T12, T13)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, HEAP(0, 0), ANY, LV_W), FLUSH_REQ(1, 14, MMU_FLUSH_VA, HEAP(0, 0)),
      OK(1, D, LD, 2, HEAP(0, 8), ANY, LV_W), FLUSH_REQ(2, 14, MMU_FLUSH_ALL, 0),
      OK(2, D, LD, 3, HEAP(0, 16), ANY, LV_W), FLUSH_REQ(3, 14, MMU_FLUSH_NONGLOBAL, 0),
      OK(3, D, LD, 4, HEAP(0, 24), ANY, LV_W), FLUSH_REQ(4, 14, MMU_FLUSH_PCID, 0),
      OK(4, D, LD, 5, HEAP(0, 32), ANY, LV_W), FLUSH_REQ(5, 14, MMU_FLUSH_VA_PCID, HEAP(0, 0)),
      OK(5, D, LD, 6, HEAP(0, 40), ANY, LV_W), OK(6, D, LD, 7, HEAP(0, 48), L1HIT, LV_L1)}},
    /*
     * Tag 2's walk reads 3 entries with A set and the clean leaf, whose write-back the OS's unmap overtakes: the
     * write is refused (5 accesses), the walk starts again and finds the leaf not present (4 more). A write-back
     * that rewrote the word it had read would have made the page present again, and tag 3 would have hit it.
     */
    {"revive",
     "an unmap between the leaf's read and its A/D write-back: the write is refused, the walk restarts (W7, M9)",
     0,
     {CR3_AT(0, 1), AT_OK(1, D, LD, 1, HEAP(0, 0), WALK(8), LV_W), UNMAP_ON_WRITE_BACK(HEAP(1, 0)),
      FAULT(1, D, LD, 2, HEAP(1, 0), WALK(9), LV_W, NP), FAULT(2, D, LD, 3, HEAP(1, 8), WALK(4), LV_W, NP)}},
};

#define NSCEN (sizeof scenarios / sizeof scenarios[0])

typedef struct sc_run {
	const sc_def_t *def;
	unsigned nsteps;
	bool done[SC_MAX];
	uint64_t req_cycle[256]; /* by tag */
	uint64_t resp_cycle[256];
	bool responded[256];
	bool requested[256];
	bool started[SC_MAX]; /* ON_RESP steps: trigger seen, waiting for the delay */
	uint64_t due[SC_MAX];
	char fail[1024];
	size_t fail_len;
	uint64_t end_cycle; /* 0 until every step ran and every response came */
} sc_run_t;

static const sc_def_t *find(const char *name)
{
	for (size_t i = 0; i < NSCEN; i++)
		if (!strcmp(scenarios[i].name, name))
			return &scenarios[i];
	return NULL;
}

void cosim_scenario_list(FILE *out)
{
	for (size_t i = 0; i < NSCEN; i++)
		fprintf(out, "%-10s %s\n", scenarios[i].name, scenarios[i].what);
}

int cosim_scenario_config(const char *name, mmu_cfg_t *cfg, char *msg, size_t msglen)
{
	if (!find(name)) {
		snprintf(msg, msglen, "unknown scenario '%s' (--list-scenarios)", name);
		return MMU_EINVAL;
	}
	cfg->mem.latency = SC_L;
	cfg->mem.latency_max = 0;
	cfg->mem.stall_max = 0;
	return 0;
}

static void expect_fail(sc_run_t *s, const char *fmt, uint64_t a, uint64_t b, uint64_t c)
{
	if (s->fail_len >= sizeof s->fail - 1)
		return;
	int n = snprintf(s->fail + s->fail_len, sizeof s->fail - s->fail_len, fmt, a, b, c);
	if (n > 0)
		s->fail_len += (size_t)n;
	if (s->fail_len >= sizeof s->fail)
		s->fail_len = sizeof s->fail - 1;
}

static int expected_latency(const cosim_env_t *env, const sc_step_t *st)
{
	if (st->lat == NO_LAT)
		return NO_LAT;
	const mmu_tlb_cfg_t *l1 = st->port == MMU_REQ_I ? &env->cfg.l1i : &env->cfg.l1d;
	int h2 = env->cfg.l2.entries ? (int)env->cfg.l2.hit_latency : 0;
	int k = st->lat & 0xffff;
	return (st->lat >> 20 & 1) * (int)l1->hit_latency + (st->lat >> 16 & 1) * h2 + k * (SC_L + 1);
}

/* The response to step st's request, seen in this cycle. */
static void check_response(sc_run_t *s, cosim_env_t *env, const sc_step_t *st, const mmu_out_t *out)
{
	unsigned p = st->port, t = st->tag;
	uint64_t lat = env->cycle - s->req_cycle[t];
	int want = expected_latency(env, st);
	if (want != NO_LAT && lat != (uint64_t)want)
		expect_fail(s, "  tag %" PRIu64 ": latency %" PRIu64 ", expected %" PRIu64 "\n", t, lat,
		            (uint64_t)want);
	if (st->level >= 0 && out->resp_level[p] != (uint64_t)st->level)
		expect_fail(s, "  tag %" PRIu64 ": resp_level %" PRIu64 ", expected %" PRIu64 "\n", t,
		            out->resp_level[p], (uint64_t)st->level);
	if (st->cause >= 0 && out->resp_cause[p] != (uint64_t)st->cause)
		expect_fail(s, "  tag %" PRIu64 ": resp_cause %" PRIu64 ", expected %" PRIu64 "\n", t,
		            out->resp_cause[p], (uint64_t)st->cause);
	if (st->paddr == WALK_PADDR) {
		uint64_t pa = 0;
		unsigned level;
		/* the OS's own software walk of the process that was current when the request was accepted */
		if (mmu_os_translate(env->os, st->pid, st->va, &pa, &level) || out->resp_paddr[p] != pa)
			expect_fail(s, "  tag %" PRIu64 ": paddr 0x%" PRIx64 ", expected 0x%" PRIx64 "\n", t,
			            out->resp_paddr[p], pa);
	}
}

static void apply(sc_run_t *s, cosim_env_t *env, const sc_step_t *st, const mmu_out_t *out, mmu_in_t *in)
{
	switch (st->action) {
	case A_CR3:
		in->cr3_we = 1;
		in->cr3_wdata = mmu_os_cr3(env->os, st->pid, false);
		break;
	case A_FLUSH:
		in->flush_valid = 1;
		in->flush_op = st->flush;
		in->flush_vaddr = st->va;
		in->flush_pcid = mmu_current_pcid(env->mmu);
		break;
	case A_UNMAP:
		if (mmu_os_unmap(env->os, st->pid, st->va, 4096) != 1)
			expect_fail(s, "  unmap of 0x%" PRIx64 " failed (scenario error)%.0" PRIu64 "%.0" PRIu64 "\n",
			            st->va, 0, 0);
		break;
	case A_REQ:
		if (!out->req_ready[st->port])
			expect_fail(s,
			            "  tag %" PRIu64 ": port busy at cycle %" PRIu64 " (scenario error)%.0" PRIu64 "\n",
			            st->tag, env->cycle, 0);
		in->req_valid[st->port] = 1;
		in->req_vaddr[st->port] = st->va;
		in->req_op[st->port] = st->op;
		in->req_user[st->port] = st->user;
		in->req_tag[st->port] = st->tag;
		s->req_cycle[st->tag] = env->cycle;
		s->requested[st->tag] = true;
		break;
	}
}

static bool due(sc_run_t *s, const cosim_env_t *env, const mmu_out_t *out, unsigned i)
{
	const sc_step_t *st = &s->def->steps[i];
	if (st->when == AT)
		return env->cycle == st->at;
	if (st->when == ON_WRITE_BACK)
		return out->mem_req_valid && out->mem_req_write &&
		       out->mem_req_addr == cosim_pte_addr(env, cosim_root(env, st->pid), st->va, st->at);
	if (!s->started[i] && st->when == ON_RESP && s->responded[st->at]) {
		s->started[i] = true;
		s->due[i] = s->resp_cycle[st->at] + st->delay;
	}
	if (!s->started[i] && st->when == ON_REQ && s->requested[st->at]) {
		s->started[i] = true;
		s->due[i] = s->req_cycle[st->at] + st->delay;
	}
	return s->started[i] && env->cycle >= s->due[i];
}

static int sc_step(void *self, cosim_env_t *env, const mmu_out_t *out, mmu_in_t *in, char *msg, size_t msglen)
{
	(void)msg;
	(void)msglen;
	sc_run_t *s = self;
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		if (!out->resp_valid[p])
			continue;
		unsigned t = (unsigned)out->resp_tag[p];
		s->responded[t] = true;
		s->resp_cycle[t] = env->cycle;
		for (unsigned i = 0; i < s->nsteps; i++)
			if (s->def->steps[i].action == A_REQ && s->def->steps[i].tag == t && s->done[i])
				check_response(s, env, &s->def->steps[i], out);
	}
	bool all = true;
	for (unsigned i = 0; i < s->nsteps; i++) {
		if (!s->done[i] && due(s, env, out, i)) {
			apply(s, env, &s->def->steps[i], out, in);
			s->done[i] = true;
		}
		const sc_step_t *st = &s->def->steps[i];
		all = all && s->done[i] && (st->action != A_REQ || s->responded[st->tag]);
	}
	for (unsigned p = 0; p < MMU_NREQ; p++)
		if ((s->def->junk_ports >> p & 1) && !out->req_ready[p]) {
			in->req_valid[p] = 1;
			in->req_vaddr[p] = cosim_rand(&env->rng);
			in->req_op[p] = cosim_below(&env->rng, 4);
			in->req_user[p] = cosim_below(&env->rng, 2);
			in->req_tag[p] = cosim_below(&env->rng, 256);
		}
	if (all && !s->end_cycle)
		s->end_cycle = env->cycle + SC_TAIL;
	if (!all && env->cycle > 100000) {
		expect_fail(s,
		            "  not finished after %" PRIu64 " cycles (a request never answered?)%.0" PRIu64 "%.0" PRIu64
		            "\n",
		            env->cycle, 0, 0);
		return 1;
	}
	return s->end_cycle && env->cycle >= s->end_cycle;
}

static int sc_finish(void *self, cosim_env_t *env, char *msg, size_t msglen)
{
	(void)env;
	sc_run_t *s = self;
	if (!s->fail_len)
		return 0;
	snprintf(msg, msglen, "scenario %s: expectations failed (docs/timing.md latency summary):\n%s", s->def->name,
	         s->fail);
	return MMU_EFAULT;
}

int cosim_scenario_create(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen)
{
	const sc_def_t *def = find(o->scenario);
	if (!def) {
		snprintf(msg, msglen, "unknown scenario '%s' (--list-scenarios)", o->scenario);
		return MMU_EINVAL;
	}
	if (env->cfg.paging.mode != MMU_MODE_X86_64) { /* their addresses and timings are worked out for 4 levels */
		snprintf(msg, msglen, "the scenarios are written for paging.mode x86_64: use --random or --trace");
		return MMU_EINVAL;
	}
	sc_run_t *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	int err = cosim_world_build(env, 2, msg, msglen);
	if (err) {
		free(s);
		return err;
	}
	s->def = def;
	while (s->nsteps < SC_MAX && def->steps[s->nsteps].action != A_NONE)
		s->nsteps++;
	*d = (cosim_driver_t){.self = s, .step = sc_step, .finish = sc_finish, .destroy = free};
	return 0;
}
