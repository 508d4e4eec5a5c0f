/*
 * The in-order requester (mmu_requester.h) and the port driver (mmu_step.h), step by step, with the MMU's answers
 * given by hand: the steps each record must make are written out from docs/timing.md (T11, T12, T14) and README.md
 * ("Traces"), not taken from the code.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_requester.h"
#include "mmu/mmu_sim.h"

#define FAULT_CYCLES 7

static mmu_cfg_t cfg;
static mmu_physmem_t *pm;
static mmu_os_t *os;
static mmu_requester_t *req;
static char msg[256];

static void make(const char *const *sets)
{
	mmu_cfg_default(&cfg);
	cr_assert_eq(mmu_cfg_set(&cfg, "os.fault_cycles", "7", msg, sizeof msg), 0, "%s", msg);
	for (; sets && *sets; sets += 2)
		cr_assert_eq(mmu_cfg_set(&cfg, sets[0], sets[1], msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	cr_assert_eq(mmu_os_create(&cfg, pm, &os), 0);
	cr_assert_eq(mmu_requester_create(&cfg, os, &req), 0);
}

static void teardown(void)
{
	mmu_requester_destroy(req);
	mmu_os_destroy(os);
	mmu_physmem_destroy(pm);
}

static mmu_step_t next(void)
{
	mmu_step_t s;
	memset(&s, 0xa5, sizeof s);
	cr_assert_eq(mmu_requester_next(req, &s, msg, sizeof msg), 0, "%s", msg);
	return s;
}

static void expect_translate(uint64_t vaddr, unsigned port, mmu_op_t op)
{
	mmu_step_t s = next();
	cr_assert_eq(s.kind, MMU_STEP_TRANSLATE);
	cr_expect_eq(s.vaddr, vaddr, "vaddr 0x%llx, expected 0x%llx", (unsigned long long)s.vaddr,
	             (unsigned long long)vaddr);
	cr_expect_eq(s.port, port);
	cr_expect_eq(s.op, op);
	cr_expect(s.user, "trace records are user accesses");
}

static void answer_ok(void)
{
	mmu_result_t r = {.paddr = 0x1000};
	mmu_requester_answer(req, &r);
}

static void answer_fault(mmu_fault_cause_t cause)
{
	mmu_result_t r = {.fault = 1, .cause = (uint8_t)cause};
	mmu_requester_answer(req, &r);
}

static void begin(uint64_t vaddr, uint32_t size, uint32_t pid, mmu_ref_kind_t kind)
{
	mmu_trace_rec_t rec = {.vaddr = vaddr, .size = size, .pid = pid, .kind = kind};
	cr_assert_eq(mmu_requester_begin(req, &rec, msg, sizeof msg), 0, "%s", msg);
}

TestSuite(mmu_requester, .fini = teardown);

/* The first record switches to its process (a CR3 write alone), then a not-present fault, the OS, and the retry. */
Test(mmu_requester, first_record_demand_fault_and_retry)
{
	make(NULL);
	begin(0x400123, 4, 1, MMU_REF_LOAD);
	mmu_step_t s = next();
	cr_assert_eq(s.kind, MMU_STEP_CR3);
	cr_expect_eq(s.value, mmu_os_cr3(os, 1, true));
	expect_translate(0x400123, MMU_REQ_D, MMU_OP_LOAD);
	answer_fault(MMU_CAUSE_NOT_PRESENT);
	s = next();
	cr_assert_eq(s.kind, MMU_STEP_IDLE, "the OS handler runs os.fault_cycles");
	cr_expect_eq(s.cycles, FAULT_CYCLES);
	expect_translate(0x400123, MMU_REQ_D, MMU_OP_LOAD);
	answer_ok();
	cr_expect_eq(next().kind, MMU_STEP_DONE);
	const mmu_sim_stats_t *st = mmu_requester_stats(req);
	cr_expect_eq(st->references, 1);
	cr_expect_eq(st->translations, 2);
	cr_expect_eq(st->demand_faults, 1);
	cr_expect_eq(st->fault_service_cycles, FAULT_CYCLES);
	cr_expect_eq(st->context_switches, 0, "the first process is not a switch");
	uint64_t pa;
	unsigned level;
	cr_expect_eq(mmu_os_translate(os, 1, 0x400123, &pa, &level), 0, "the OS mapped the page");
}

/* The same process again: no CR3 write; a fetch goes to the I port; a modify is one translation, as a store. */
Test(mmu_requester, same_process_ports_and_ops)
{
	const char *sets[] = {"os.populate", "1", NULL};
	make(sets);
	begin(0x400000, 1, 3, MMU_REF_FETCH);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(0x400000, MMU_REQ_I, MMU_OP_FETCH);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	begin(0x600008, 8, 3, MMU_REF_MODIFY);
	expect_translate(0x600008, MMU_REQ_D, MMU_OP_STORE);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	begin(0x600010, 8, 3, MMU_REF_STORE);
	expect_translate(0x600010, MMU_REQ_D, MMU_OP_STORE);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	cr_expect_eq(mmu_requester_stats(req)->demand_faults, 0, "os.populate mapped the pages first");
}

/* An access whose bytes cross a 4 KiB boundary: two translations, the second at the next page's first byte. */
Test(mmu_requester, page_crossing_access_is_two_translations)
{
	const char *sets[] = {"os.populate", "1", NULL};
	make(sets);
	begin(0x7ffc0ffe, 8, 1, MMU_REF_STORE);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(0x7ffc0ffe, MMU_REQ_D, MMU_OP_STORE);
	answer_ok();
	expect_translate(0x7ffc1000, MMU_REQ_D, MMU_OP_STORE);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	cr_expect_eq(mmu_requester_stats(req)->split_references, 1);
	cr_expect_eq(mmu_requester_stats(req)->translations, 2);
	/* the last byte on the page: no crossing */
	begin(0x7ffc1ff8, 8, 1, MMU_REF_LOAD);
	expect_translate(0x7ffc1ff8, MMU_REQ_D, MMU_OP_LOAD);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
}

/* A pid change is a context switch: CR3 of the new process; with PCIDs bit 63 asks to keep its entries (T12). */
Test(mmu_requester, context_switch_with_pcid)
{
	const char *sets[] = {"os.populate", "1", "cr3.pcid", "1", NULL};
	make(sets);
	begin(0x400000, 1, 1, MMU_REF_LOAD);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(0x400000, MMU_REQ_D, MMU_OP_LOAD);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	begin(0x400000, 1, 2, MMU_REF_LOAD);
	mmu_step_t s = next();
	cr_assert_eq(s.kind, MMU_STEP_CR3);
	cr_expect(s.value & MMU_CR3_NOFLUSH, "bit 63 set: the PCID's entries stay");
	cr_expect_eq(s.value, mmu_os_cr3(os, 2, true));
	cr_expect_neq(mmu_os_pcid(os, 1), mmu_os_pcid(os, 2));
	expect_translate(0x400000, MMU_REQ_D, MMU_OP_LOAD);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	cr_expect_eq(mmu_requester_stats(req)->context_switches, 1);
	cr_expect_eq(mmu_requester_pid(req), 2);
}

/* A fault the OS does not serve (protection), or a second not-present fault, is counted and the record goes on. */
Test(mmu_requester, unhandled_faults_are_not_retried)
{
	make(NULL);
	begin(0x500000, 1, 1, MMU_REF_STORE);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(0x500000, MMU_REQ_D, MMU_OP_STORE);
	answer_fault(MMU_CAUSE_PROTECTION);
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	begin(0x501000, 1, 1, MMU_REF_LOAD);
	expect_translate(0x501000, MMU_REQ_D, MMU_OP_LOAD);
	answer_fault(MMU_CAUSE_NOT_PRESENT);
	cr_assert_eq(next().kind, MMU_STEP_IDLE);
	expect_translate(0x501000, MMU_REQ_D, MMU_OP_LOAD);
	answer_fault(MMU_CAUSE_NOT_PRESENT); /* still not present: the retry is the last attempt */
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	cr_expect_eq(mmu_requester_stats(req)->unhandled_faults, 2);
	cr_expect_eq(mmu_requester_stats(req)->demand_faults, 1);
}

/*
 * The kernel half holds the kernel's page before the access (supervisor-only, global: x86 PTE bits P 0, U 2, G 8), so
 * the translation is presented at once, without a demand fault; its protection fault is not served or retried.
 */
Test(mmu_requester, kernel_half_is_a_supervisor_page_not_a_demand_fault)
{
	const uint64_t kva = UINT64_C(0xffff800000001234);
	make(NULL);
	begin(kva, 1, 1, MMU_REF_LOAD);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(kva, MMU_REQ_D, MMU_OP_LOAD);
	uint64_t pa;
	unsigned level;
	cr_assert_eq(mmu_os_translate(os, 1, kva, &pa, &level), 0, "the kernel's page is there before the access");
	uint64_t pte = mmu_physmem_read(pm, mmu_os_cr3(os, 1, false) + 256 * 8, 8); /* PML4[256] */
	cr_expect_eq(pte & 0x5, 0x1, "present, supervisor-only table entry: %#llx", (unsigned long long)pte);
	answer_fault(MMU_CAUSE_PROTECTION);
	cr_assert_eq(next().kind, MMU_STEP_DONE, "not retried");
	/* a fault there never gets a user page from the OS */
	cr_expect_eq(mmu_os_demand_fault(os, 1, UINT64_C(0xffff800000200000)), MMU_EFAULT);
	cr_expect_eq(mmu_os_translate(os, 1, UINT64_C(0xffff800000200000), &pa, &level), MMU_EFAULT);
	const mmu_sim_stats_t *st = mmu_requester_stats(req);
	cr_expect_eq(st->translations, 1);
	cr_expect_eq(st->demand_faults, 0);
	cr_expect_eq(st->unhandled_faults, 1);
	/* another process sees the same kernel page (the slot is shared) */
	begin(kva, 1, 2, MMU_REF_STORE);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(kva, MMU_REQ_D, MMU_OP_STORE);
	uint64_t pa2;
	cr_assert_eq(mmu_os_translate(os, 2, kva, &pa2, &level), 0);
	cr_expect_eq(pa2, pa);
	answer_fault(MMU_CAUSE_PROTECTION);
	cr_assert_eq(next().kind, MMU_STEP_DONE);
}

/* An access whose last byte would lie past 2^64 (address + size - 1 wraps) is refused before any step. */
Test(mmu_requester, access_wrapping_past_2_64_is_an_error)
{
	make(NULL);
	mmu_trace_rec_t rec = {.vaddr = UINT64_C(0xfffffffffffffffc), .size = 8, .pid = 1, .kind = MMU_REF_LOAD};
	cr_assert_eq(mmu_requester_begin(req, &rec, msg, sizeof msg), MMU_EINVAL);
	cr_expect_str_eq(msg,
	                 "an access of 8 bytes at 0xfffffffffffffffc wraps past the end of the 64-bit address space");
	rec.size = 4; /* the last byte is 2^64 - 1: fine */
	cr_assert_eq(mmu_requester_begin(req, &rec, msg, sizeof msg), 0, "%s", msg);
}

/*
 * The largest pid is a process like any other: a trace under pid 4294967295 gives exactly the statistics of the same
 * trace under pid 7, in both engines (demand faults, a store, an eviction under a memory limit of two frames).
 */
Test(mmu_requester, largest_pid_runs_like_any_other)
{
	const mmu_engine_t engines[] = {MMU_ENGINE_FAST, MMU_ENGINE_TICKED};
	const uint64_t vas[] = {0x1000, 0x2000, 0x1008, 0x3000, 0x1000};
	for (size_t e = 0; e < 2; e++) {
		mmu_sim_stats_t st[2];
		const uint32_t pids[2] = {7, UINT32_MAX};
		for (size_t p = 0; p < 2; p++) {
			mmu_cfg_t c;
			mmu_cfg_default(&c);
			cr_assert_eq(mmu_cfg_set(&c, "os.mem_frames", "2", msg, sizeof msg), 0, "%s", msg);
			mmu_sim_t *sim;
			cr_assert_eq(mmu_sim_create(&c, engines[e], &sim, msg, sizeof msg), 0, "%s", msg);
			for (size_t i = 0; i < sizeof vas / sizeof vas[0]; i++) {
				mmu_trace_rec_t r = {.vaddr = vas[i],
				                     .size = 1,
				                     .pid = pids[p],
				                     .kind = i == 1 ? MMU_REF_STORE : MMU_REF_LOAD};
				cr_assert_eq(mmu_sim_ref(sim, &r, msg, sizeof msg), 0, "%s", msg);
			}
			st[p] = *mmu_sim_stats(sim);
			mmu_sim_destroy(sim);
		}
		cr_expect_eq(st[1].unhandled_faults, 0, "engine %zu: every fault served", e);
		cr_expect_eq(st[1].demand_faults, 4, "engine %zu: three pages, one of them twice (evicted)", e);
		cr_expect_eq(memcmp(&st[0], &st[1], sizeof st[0]), 0, "engine %zu: the same statistics as pid 7", e);
	}
}

/* A non-canonical answer is bad input, named with the paging mode. */
Test(mmu_requester, non_canonical_is_an_error)
{
	make(NULL);
	begin(UINT64_C(0x800000000000), 1, 1, MMU_REF_LOAD);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(UINT64_C(0x800000000000), MMU_REQ_D, MMU_OP_LOAD);
	answer_fault(MMU_CAUSE_NONCANONICAL);
	mmu_step_t s;
	cr_assert_eq(mmu_requester_next(req, &s, msg, sizeof msg), MMU_EFAULT);
	cr_expect_str_eq(msg, "address 0x800000000000 is not a valid x86_64 virtual address (48 bits, canonical form)");
}

/*
 * Under a memory limit of one frame, the second page's fault evicts the first: the OS asks for its invalidation,
 * presented (INVLPG, T11) before the handler's cycles, which include writing the page out (it was never swapped).
 */
Test(mmu_requester, eviction_flush_before_the_handler)
{
	const char *sets[] = {"os.mem_frames", "1", "os.swap_out_cycles", "100", "os.swap_in_cycles", "1000", NULL};
	make(sets);
	begin(0x400000, 1, 1, MMU_REF_LOAD);
	cr_assert_eq(next().kind, MMU_STEP_CR3);
	expect_translate(0x400000, MMU_REQ_D, MMU_OP_LOAD);
	answer_fault(MMU_CAUSE_NOT_PRESENT);
	mmu_step_t s = next();
	cr_assert_eq(s.kind, MMU_STEP_IDLE);
	cr_expect_eq(s.cycles, FAULT_CYCLES, "a free frame: no swap");
	expect_translate(0x400000, MMU_REQ_D, MMU_OP_LOAD);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	begin(0x401000, 1, 1, MMU_REF_LOAD);
	expect_translate(0x401000, MMU_REQ_D, MMU_OP_LOAD);
	answer_fault(MMU_CAUSE_NOT_PRESENT);
	s = next();
	cr_assert_eq(s.kind, MMU_STEP_FLUSH);
	cr_expect_eq(s.flush_op, MMU_FLUSH_VA);
	cr_expect_eq(s.vaddr, 0x400000);
	s = next();
	cr_assert_eq(s.kind, MMU_STEP_IDLE);
	cr_expect_eq(s.cycles, FAULT_CYCLES + 100, "the handler plus one page written out");
	expect_translate(0x401000, MMU_REQ_D, MMU_OP_LOAD);
	answer_ok();
	cr_assert_eq(next().kind, MMU_STEP_DONE);
	const mmu_sim_stats_t *st = mmu_requester_stats(req);
	cr_expect_eq(st->shootdowns, 1);
	cr_expect_eq(st->evictions, 1);
	cr_expect_eq(st->swap_cycles, 100);
}

/* The port driver: a CR3 write is driven for one cycle, idle cycles drive nothing, a request waits for its response. */
Test(mmu_requester, port_driver_cycles)
{
	mmu_port_driver_t d;
	mmu_port_driver_init(&d, 100);
	mmu_out_t out = {0};
	out.req_ready[MMU_REQ_D] = 1;
	mmu_in_t in;
	mmu_result_t res;

	mmu_step_t cr3 = {.kind = MMU_STEP_CR3, .value = 0x5000};
	mmu_port_driver_begin(&d, &cr3);
	memset(&in, 0, sizeof in);
	cr_assert_eq(mmu_port_driver_cycle(&d, &out, &in, &res), 0);
	cr_expect(in.cr3_we && in.cr3_wdata == 0x5000);
	memset(&in, 0, sizeof in);
	cr_assert_eq(mmu_port_driver_cycle(&d, &out, &in, &res), 1, "complete the next cycle, nothing driven");
	cr_expect(!in.cr3_we);

	mmu_step_t idle = {.kind = MMU_STEP_IDLE, .cycles = 3};
	mmu_port_driver_begin(&d, &idle);
	for (int c = 0; c < 3; c++)
		cr_assert_eq(mmu_port_driver_cycle(&d, &out, &in, &res), 0);
	cr_assert_eq(mmu_port_driver_cycle(&d, &out, &in, &res), 1);

	mmu_step_t tr = {.kind = MMU_STEP_TRANSLATE, .port = MMU_REQ_D, .vaddr = 0x1234, .op = MMU_OP_STORE, .user = 1};
	mmu_port_driver_begin(&d, &tr);
	memset(&in, 0, sizeof in);
	cr_assert_eq(mmu_port_driver_cycle(&d, &out, &in, &res), 0);
	cr_expect(in.req_valid[MMU_REQ_D] && in.req_vaddr[MMU_REQ_D] == 0x1234 && in.req_op[MMU_REQ_D] == MMU_OP_STORE);
	cr_expect_eq(in.req_tag[MMU_REQ_D], 0);
	for (int c = 0; c < 4; c++) { /* four cycles without a response */
		memset(&in, 0, sizeof in);
		cr_assert_eq(mmu_port_driver_cycle(&d, &out, &in, &res), 0);
		cr_expect(!in.req_valid[MMU_REQ_D], "presented once");
	}
	out.resp_valid[MMU_REQ_D] = 1;
	out.resp_paddr[MMU_REQ_D] = 0xabc234;
	cr_assert_eq(mmu_port_driver_cycle(&d, &out, &in, &res), 1);
	cr_expect_eq(res.paddr, 0xabc234);
	cr_expect_eq(res.latency, 5, "presented in cycle 0, answered in cycle 5");

	out.req_ready[MMU_REQ_D] = 0; /* a busy port: an in-order requester never meets one (T2) */
	mmu_port_driver_begin(&d, &tr);
	cr_expect_eq(mmu_port_driver_cycle(&d, &out, &in, &res), MMU_EINVAL);
}
