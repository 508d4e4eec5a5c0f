/*
 * The memory limit of the OS side (os.mem_frames): clock eviction with second chance over the PTEs' accessed bits,
 * swap-out of dirty or never-swapped pages only, locked pages never evicted, contents kept across swap, and the TLB
 * invalidation of an evicted page. The victim orders and counts below are worked out by hand in the comments.
 *
 * The runs use a one-entry L1 DTLB and no L2 TLB, so every access to a page other than the previous one walks and
 * sets the page's accessed bit (a TLB hit would not: the clock clears A without an invalidation, as Linux on x86).
 */
#include <criterion/criterion.h>
#include <inttypes.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_sim.h"

#define FAULT    10
#define SWAP_IN  1000
#define SWAP_OUT 100

static mmu_sim_t *sim;

static void make_sim(const char *const *sets)
{
	mmu_cfg_t cfg;
	char msg[256];
	mmu_cfg_default(&cfg);
	const char *base[] = {"tlb.l1d.entries=1",  "tlb.l1d.ways=1",         "tlb.l2.entries=0",
	                      "os.fault_cycles=10", "os.swap_in_cycles=1000", "os.swap_out_cycles=100"};
	for (size_t i = 0; i < sizeof base / sizeof base[0] + 8; i++) {
		const char *kv = i < sizeof base / sizeof base[0] ? base[i] : sets[i - sizeof base / sizeof base[0]];
		if (kv == NULL)
			break;
		char key[64];
		const char *eq = strchr(kv, '=');
		cr_assert(eq && (size_t)(eq - kv) < sizeof key);
		memcpy(key, kv, (size_t)(eq - kv));
		key[eq - kv] = 0;
		cr_assert_eq(mmu_cfg_set(&cfg, key, eq + 1, msg, sizeof msg), 0, "%s", msg);
	}
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_FAST, &sim, msg, sizeof msg), 0, "%s", msg);
}

static void fini(void)
{
	mmu_sim_destroy(sim);
	sim = NULL;
}

TestSuite(mmu_os_mem, .fini = fini);

static int ref(char kind, uint64_t va, uint32_t pid)
{
	mmu_trace_rec_t r = {.vaddr = va,
	                     .size = 1,
	                     .pid = pid,
	                     .kind = kind == 'W'   ? MMU_REF_STORE
	                             : kind == 'X' ? MMU_REF_FETCH
	                                           : MMU_REF_LOAD};
	char msg[256];
	return mmu_sim_ref(sim, &r, msg, sizeof msg);
}

static void run(const char *steps)
{
	/* "R1 W2 ...": kind and page number (page n at n x 4 KiB), pid 1 */
	for (const char *p = steps; *p;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		char kind = *p++;
		uint64_t page = strtoull(p, (char **)&p, 10);
		cr_assert_eq(ref(kind, page << 12, 1), 0, "%c%" PRIu64, kind, page);
	}
}

static bool resident(uint64_t page, uint32_t pid)
{
	uint64_t pa;
	unsigned level;
	return mmu_os_translate(mmu_sim_os(sim), pid, page << 12, &pa, &level) == 0;
}

static uint64_t frame(uint64_t page, uint32_t pid)
{
	uint64_t pa;
	unsigned level;
	cr_assert_eq(mmu_os_translate(mmu_sim_os(sim), pid, page << 12, &pa, &level), 0, "page %" PRIu64, page);
	return pa;
}

/*
 * Three frames, pages 1..8. Ring order is mapping order, a new page just behind the hand.
 *   R1 W2 R3     ring 1 2 3, hand at 1, all accessed
 *   R4           hand clears 1, 2, 3, evicts 1 (never swapped: written)       ring 2 3 4, hand 2
 *   R1           2 not accessed since: evicted (dirty: written); 1 swapped in ring 3 4 1, hand 3
 *   R3           walk sets 3's A again
 *   R2           clears 3, 4, 1; evicts 3 (written); 2 swapped in (clean copy kept)  ring 4 1 2, hand 4
 *   R1           sets 1's A
 *   R5           4 not accessed: evicted (written)                             ring 1 2 5, hand 1
 *   R2           sets 2's A
 *   R6           clears 1, 2, 5; evicts 1: swapped in, never dirtied -> NOT written   ring 2 5 6, hand 2
 *   W2           sets 2's A and D
 *   R7           clears 2; evicts 5 (written)                                   ring 2 6 7, hand 6
 *   R8           clears 6; evicts 2: has a swap copy but is dirty -> written    ring 6 7 8, hand 7
 * Faults: 1 2 3 4 1 2 5 6 7 8 = 10, of which swap-ins 2; evictions 7; written 6.
 */
Test(mmu_os_mem, clock_order_second_chance_dirty_and_clean)
{
	make_sim((const char *[]){"os.mem_frames=3", NULL});
	run("R1 W2 R3 R4");
	cr_assert(!resident(1, 1) && resident(2, 1) && resident(3, 1) && resident(4, 1));
	run("R1");
	cr_assert(!resident(2, 1) && resident(1, 1));
	run("R3 R2");
	cr_assert(!resident(3, 1) && resident(2, 1) && resident(4, 1));
	run("R1 R5");
	cr_assert(!resident(4, 1));
	run("R2 R6");
	cr_assert(!resident(1, 1) && resident(2, 1) && resident(5, 1));
	const mmu_sim_stats_t *ss = mmu_sim_stats(sim);
	cr_assert_eq(ss->evictions, 5);
	cr_assert_eq(ss->swap_outs, 4, "the clean swapped-in page 1 was written again");
	run("W2 R7");
	cr_assert(!resident(5, 1) && resident(2, 1));
	run("R8");
	cr_assert(!resident(2, 1) && resident(6, 1) && resident(7, 1) && resident(8, 1));
	cr_assert_eq(ss->demand_faults, 10);
	cr_assert_eq(ss->swap_ins, 2);
	cr_assert_eq(ss->evictions, 7);
	cr_assert_eq(ss->swap_outs, 6);
	cr_assert_eq(ss->swap_cycles, 2 * SWAP_IN + 6 * SWAP_OUT);
	cr_assert_eq(ss->fault_service_cycles, 10 * FAULT + 2 * SWAP_IN + 6 * SWAP_OUT);
	const mmu_os_stats_t *os = mmu_os_stats(mmu_sim_os(sim));
	cr_assert_eq(os->resident_frames, 3);
	cr_assert_eq(os->swap_in_frames, 2);
	cr_assert_eq(os->swap_out_frames, 6);
}

/*
 * Two frames, page 1 locked. R1 R2 R3: the hand skips 1, clears 2, skips 1, evicts 2. R4: ring 1 3 with the hand on
 * 1 (2's successor): skips 1, clears 3, skips 1, evicts 3. Page 1 stays.
 */
Test(mmu_os_mem, locked_pages_are_never_evicted)
{
	make_sim((const char *[]){"os.mem_frames=2", NULL});
	cr_assert_eq(mmu_os_lock(mmu_sim_os(sim), 1, 0x1000, 0x1000), 0);
	run("R1 R2 R3");
	cr_assert(resident(1, 1) && !resident(2, 1) && resident(3, 1));
	run("R4");
	cr_assert(resident(1, 1) && !resident(3, 1) && resident(4, 1));
	cr_assert_eq(mmu_sim_stats(sim)->evictions, 2);
}

Test(mmu_os_mem, nothing_evictable_is_an_error)
{
	make_sim((const char *[]){"os.mem_frames=1", NULL});
	cr_assert_eq(mmu_os_lock(mmu_sim_os(sim), 1, 0x1000, 0x1000), 0);
	run("R1");
	cr_assert_eq(ref('R', 0x2000, 1), MMU_ENOFRAME);
	cr_assert(resident(1, 1));
}

/* Data written before the eviction reads back after the swap-in; the reused frame comes back zeroed. */
Test(mmu_os_mem, swap_keeps_contents)
{
	make_sim((const char *[]){"os.mem_frames=2", NULL});
	mmu_physmem_t *pm = mmu_sim_physmem(sim);
	run("W1 W2");
	uint64_t pa1 = frame(1, 1);
	cr_assert_eq(mmu_physmem_write(pm, pa1 + 0x18, 8, UINT64_C(0x0123456789abcdef)), 0);
	cr_assert_eq(mmu_physmem_write(pm, frame(2, 1) + 0xff8, 8, UINT64_C(0xfeedface)), 0);
	run("R3"); /* clears 1, 2; evicts 1: its frame goes to page 3 */
	cr_assert(!resident(1, 1));
	cr_assert_eq(frame(3, 1), pa1, "the freed frame is reused first");
	cr_assert_eq(mmu_physmem_read(pm, pa1 + 0x18, 8), 0, "a reused frame starts zeroed");
	run("R1"); /* evicts 2 (not accessed since its clearing) */
	cr_assert(!resident(2, 1));
	cr_assert_eq(mmu_physmem_read(pm, frame(1, 1) + 0x18, 8), UINT64_C(0x0123456789abcdef));
	run("R2");
	cr_assert_eq(mmu_physmem_read(pm, frame(2, 1) + 0xff8, 8), UINT64_C(0xfeedface));
}

/*
 * Page 1's translation is in the (default, large) TLBs when page 1 is evicted: the invalidation must remove it, so
 * the next translation of page 1 faults instead of hitting a stale entry that names a frame now holding page 3.
 */
Test(mmu_os_mem, eviction_invalidates_the_tlbs)
{
	mmu_cfg_t cfg;
	char msg[256];
	mmu_cfg_default(&cfg);
	cfg.os.mem_frames = 2;
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_FAST, &sim, msg, sizeof msg), 0, "%s", msg);
	run("R1 R2");
	uint64_t old = frame(1, 1);
	mmu_result_t res;
	mmu_sim_translate(sim, MMU_REQ_D, 0x1000, MMU_OP_LOAD, true, &res);
	cr_assert(!res.fault && res.level == MMU_LEVEL_L1, "page 1 is in the L1 TLB");
	run("R3"); /* the clock clears 1 and 2, then evicts 1 */
	cr_assert(!resident(1, 1));
	cr_assert_eq(frame(3, 1), old);
	cr_assert_eq(mmu_sim_stats(sim)->shootdowns, 1);
	mmu_stats_t st;
	mmu_stats_read(mmu_sim_mmu(sim), &st);
	cr_assert_eq(st.flushes, 1, "one INVLPG presented to the MMU");
	mmu_sim_translate(sim, MMU_REQ_D, 0x1000, MMU_OP_LOAD, true, &res);
	cr_assert(res.fault && res.cause == MMU_CAUSE_NOT_PRESENT, "stale translation of an evicted page");
}

/* With PCIDs a page of a process that is not running is invalidated by address and PCID. */
Test(mmu_os_mem, eviction_of_another_process_with_pcids)
{
	mmu_cfg_t cfg;
	char msg[256];
	mmu_cfg_default(&cfg);
	cfg.os.mem_frames = 2;
	cfg.pcid = true;
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_FAST, &sim, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(ref('R', 0x1000, 1), 0);
	cr_assert_eq(ref('R', 0x2000, 2), 0); /* pid 1's entry survives the switch (CR3 bit 63) */
	cr_assert_eq(ref('R', 0x3000, 2), 0); /* evicts pid 1's page 1 */
	cr_assert(!resident(1, 1));
	cr_assert_eq(mmu_sim_switch(sim, 1), 0);
	mmu_result_t res;
	mmu_sim_translate(sim, MMU_REQ_D, 0x1000, MMU_OP_LOAD, true, &res);
	cr_assert(res.fault && res.cause == MMU_CAUSE_NOT_PRESENT, "pid 1's stale entry survived");
}

/* Without a limit nothing changes: no ring, no eviction, frames never reused. */
Test(mmu_os_mem, unlimited_by_default)
{
	make_sim((const char *[]){NULL});
	run("R1 R2 R3 R4 R5");
	const mmu_sim_stats_t *ss = mmu_sim_stats(sim);
	cr_assert_eq(ss->evictions, 0);
	cr_assert_eq(ss->fault_service_cycles, 5 * FAULT);
	cr_assert_eq(mmu_os_stats(mmu_sim_os(sim))->resident_frames, 0, "not tracked without a limit");
}

/* Same configuration and trace: same evictions, cycles and memory. */
Test(mmu_os_mem, deterministic)
{
	uint64_t cycles[2], evictions[2], faults[2];
	for (int i = 0; i < 2; i++) {
		make_sim((const char *[]){"os.mem_frames=4", NULL});
		for (uint64_t k = 0; k < 300; k++)
			cr_assert_eq(ref(k % 3 ? 'R' : 'W', ((k * 7) % 11 + 1) << 12, 1), 0);
		cycles[i] = mmu_cycle(mmu_sim_mmu(sim));
		evictions[i] = mmu_sim_stats(sim)->evictions;
		faults[i] = mmu_sim_stats(sim)->demand_faults;
		fini();
	}
	cr_assert_eq(cycles[0], cycles[1]);
	cr_assert_eq(evictions[0], evictions[1]);
	cr_assert_eq(faults[0], faults[1]);
	cr_assert_gt(evictions[0], 10);
}

/* Unmapping a resident page gives its frame back; unmapping a swapped-out one frees its slot. */
Test(mmu_os_mem, unmap_releases_frames_and_slots)
{
	make_sim((const char *[]){"os.mem_frames=2", NULL});
	run("R1 R2 R3");
	mmu_os_t *os = mmu_sim_os(sim);
	cr_assert_eq(mmu_os_stats(os)->resident_frames, 2);
	cr_assert_eq(mmu_os_unmap(os, 1, 0x1000, 0x3000), 3, "two resident pages and one swap entry");
	cr_assert_eq(mmu_os_stats(os)->resident_frames, 0);
	run("R1"); /* a fresh zero page, not a swap-in */
	cr_assert_eq(mmu_sim_stats(sim)->swap_ins, 0);
}

/* A frame mapped again by mmu_os_map_frame (here into pid 2) is passed over like a locked page. */
Test(mmu_os_mem, shared_frames_are_never_evicted)
{
	make_sim((const char *[]){"os.mem_frames=2", NULL});
	run("R1");
	cr_assert_eq(mmu_os_map_frame(mmu_sim_os(sim), 2, 0x9000, frame(1, 1), 1, MMU_PERM_RWX_USER), 0);
	run("R2 R3");
	cr_assert(resident(1, 1) && !resident(2, 1) && resident(3, 1));
	cr_assert_eq(frame(9, 2), frame(1, 1));
}

/* A global user page of the running process: INVLPG removes it (an invalidation by PCID would not, T12). */
Test(mmu_os_mem, eviction_of_a_global_page)
{
	mmu_cfg_t cfg;
	char msg[256];
	mmu_cfg_default(&cfg);
	cfg.os.mem_frames = 2;
	cfg.pcid = true;
	cr_assert_eq(mmu_sim_create(&cfg, MMU_ENGINE_FAST, &sim, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(mmu_os_map(mmu_sim_os(sim), 1, 0x1000, 0x1000, 1, MMU_PERM_RWX_USER | MMU_PERM_G), 0);
	run("R1 R2 R3"); /* the clock clears 1 and 2, then evicts 1 */
	cr_assert(!resident(1, 1));
	mmu_result_t res;
	mmu_sim_translate(sim, MMU_REQ_D, 0x1000, MMU_OP_LOAD, true, &res);
	cr_assert(res.fault && res.cause == MMU_CAUSE_NOT_PRESENT, "stale global entry of an evicted page");
}
