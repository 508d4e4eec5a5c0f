/*
 * The co-simulation can fail: a deliberately wrong model (L2 latency one cycle too long) and a deliberately wrong RTL
 * (LRU where the configuration says FIFO; a fill T13 forbids, caught by the RTL's own assertions; an output that
 * follows an input, T1) must each stop mmucosim with exit status 1 at the cycle worked out by hand below, name the port
 * or state that differs with the rules of docs/timing.md behind it, and leave a waveform of the mismatch with a gtkwave
 * command that opens it from anywhere. A configuration that asks for other hardware than the RTL was built with is
 * refused, key by key.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

/* Runs a command, returns its exit status and its output (stdout and stderr). */
static int run(const char *cmd, char *out, size_t outlen)
{
	char full[2048];
	snprintf(full, sizeof full, "%s 2>&1", cmd);
	FILE *p = popen(full, "r");
	cr_assert_not_null(p, "cannot run %s", cmd);
	size_t n = fread(out, 1, outlen - 1, p);
	out[n] = 0;
	int st = pclose(p);
	cr_assert(WIFEXITED(st), "%s did not exit normally", cmd);
	return WEXITSTATUS(st);
}

static long long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long long)sb.st_size : -1;
}

static char out[1 << 16];

/* How often `what` occurs in s. */
static int count(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

/* Control: the same scenario with the right model passes. */
Test(cosim_fail, right_model_passes)
{
	int rc = run(COSIM_DEFAULT " --scenario walk4k --quiet", out, sizeof out);
	cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
}

/*
 * Default configuration: H1 = 1, H2 = 9. The scenario's first request (a load of a fresh page) is accepted in cycle
 * 1; its L1 miss is granted in cycle 2 (T5), the L2 lookup misses and the walk's first memory request is visible in
 * cycle 2 + H2 = 11 (T6, W1). The model with H2 = 10 shows it in cycle 12: the first difference is
 * mem_req_valid_o in cycle 11, 0 expected (model), 1 actual (RTL).
 */
Test(cosim_fail, model_with_longer_l2_latency)
{
	const char *wave = COSIM_WORKDIR "/fail-l2-latency.fst";
	remove(wave);
	int rc = run(COSIM_DEFAULT " --scenario walk4k --model-set tlb.l2.hit_latency=10 --mismatch-wave " COSIM_WORKDIR
	                           "/fail-l2-latency.fst",
	             out, sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "MISMATCH at cycle 11 (output port)"), "%s", out);
	cr_expect_not_null(strstr(out, "mem_req_valid_o              expected (model) 0x0  actual (RTL) 0x1"), "%s",
	                   out);
	/* With it the address of that read: root 0x137000 (the scenario's CR3) + index 0 (vaddr bits 47:39) x 8. */
	cr_expect_not_null(strstr(out, "mem_req_addr_o               expected (model) 0x0  actual (RTL) 0x137000"),
	                   "%s", out);
	/* The rules of those two ports (mmu_port_rules.def), and of no other. */
	cr_expect_not_null(strstr(out, "  rules of mem_req_valid (docs/timing.md): W1 (first request in the start "
	                               "cycle), W2"),
	                   "%s", out);
	cr_expect_not_null(strstr(out, "  rules of mem_req_addr (docs/timing.md): W1/W3 (root + index, frame + index)"),
	                   "%s", out);
	cr_expect_eq(count(out, "  rules of "), 2, "%s", out);
	cr_expect_not_null(strstr(out, "replay: "), "%s", out);
	cr_expect_gt(file_size(wave), 0, "no waveform %s:\n%s", wave, out);
}

/*
 * Configuration small: 8-entry fully associative L1 DTLB, H1 = 1, H2 = 2, memory latency 3 (each access 4 cycles).
 * Scenario victim: heap pages 0..7 are walked in turn (first walk 8 accesses: 1 + 2 + 32 = 35 cycles, response in
 * cycle 36; then 5 accesses: 23 cycles each, responses in cycles 59, 82, ..., 197), page 0 is hit again (response
 * 198), then page 8 is walked (response 221). Its fill at the edge before cycle 221 finds the set full: FIFO (the
 * configuration) evicts way 0 (page 0, the first filled), LRU (this RTL) way 1 (page 1, as page 0 was just used).
 */
Test(cosim_fail, rtl_with_wrong_policy)
{
	const char *wave = COSIM_WORKDIR "/fail-policy.fst";
	remove(wave);
	int rc = run(COSIM_WRONGPOLICY " --scenario victim --mismatch-wave " COSIM_WORKDIR "/fail-policy.fst", out,
	             sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "deliberately wrong variant"), "%s", out);
	cr_expect_not_null(strstr(out, "MISMATCH at cycle 221 (TLB contents)"), "%s", out);
	cr_expect_not_null(strstr(out, "u_l1d.g_flops.vpn_q[0] (set 0, way 0)"), "%s", out);
	cr_expect_not_null(strstr(out, "  rules of u_l1d (docs/timing.md): R1-R5 (victim)"), "%s", out);
	cr_expect_eq(count(out, "  rules of "), 1, "%s", out);
	cr_expect_gt(file_size(wave), 0, "no waveform %s:\n%s", wave, out);
}

/*
 * A deliberately broken RTL (sim/cosim/CMakeLists.txt, BROKEN): its miss unit fills the L1 TLB with a walk's
 * translation although a flush overtook the request (T13). Configuration small (H1 = 1, H2 = 2, memory latency 3:
 * 4 cycles an access), scenario flushwalk: the load accepted in cycle 1 misses in cycle 2, the L2 misses at 2 + H2 = 4
 * where the walk's first read is presented; 4 reads and 4 A write-backs later (8 x 4 cycles) its last response comes in
 * cycle 35. A flush of that page came in cycle 15, so the fill at that edge is one the RTL's own properties forbid:
 * the miss unit's (MissNoStaleFill) and the top's, which tracks the flush from the ports alone (TopNoFillAfterFlushD).
 * The co-simulation stops there on the RTL's assertion, before any output or TLB state is compared.
 */
Test(cosim_fail, rtl_assertions_fire)
{
	int rc = run(COSIM_BROKENFILL " --scenario flushwalk", out, sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "deliberately wrong variant"), "%s", out);
	cr_expect_not_null(strstr(out, "MISMATCH at cycle 35 (RTL assertion)"), "%s", out);
	cr_expect_not_null(strstr(out, "Assertion failed in TOP.mmu_top.u_miss.MissNoStaleFill"), "%s", out);
	cr_expect_not_null(strstr(out, "Assertion failed in TOP.mmu_top.TopNoFillAfterFlushD"), "%s", out);
}

/*
 * A RISC-V rule broken (sim/cosim/CMakeLists.txt, BROKEN): the walker of mmucosim-sv39-brokenwnor takes a leaf with W
 * set and R clear as a writable page, where the privileged specification (4.3.2 step 3) makes it a page fault whatever
 * the access. The random stimulus of sv39 has a region of such leaves (cosim_world.c, wnor): the first access to it
 * that the broken RTL answers otherwise ends the run, on the cause port: the model's is reserved (3, W5); the RTL's
 * walker, taking the entry as a leaf, finds a protection fault instead. With seed 1 that first access is a fetch
 * (the page has no X).
 */
Test(cosim_fail, riscv_w_without_r_is_caught)
{
	int rc = run(COSIM_BROKENWNOR " --random 300000 --seed 1 --mismatch-wave " COSIM_WORKDIR "/fail-wnor.fst", out,
	             sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "deliberately wrong variant"), "%s", out);
	cr_expect_not_null(strstr(out, "(output port)"), "%s", out);
	cr_expect_not_null(strstr(out, "iresp_cause_o                expected (model) 0x3  actual (RTL) 0x2"), "%s",
	                   out);
	cr_expect_not_null(strstr(out, "W5 (reserved bits)"), "%s", out);
}

/* Control: the same stimulus on the sv39 RTL as it is passes. */
Test(cosim_fail, right_rtl_sv39_passes)
{
	int rc = run(COSIM_SV39 " --random 300000 --seed 1", out, sizeof out);
	cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
}

/*
 * W12 broken (sim/cosim/CMakeLists.txt, BROKEN): the RTL of mmucosim-pwc-brokenva keeps its page-walk caches'
 * entries of the current PCID across a flush of kind VA (INVLPG), which drops them all whatever their address (SDM
 * vol. 3A, 4.10.4.1). The random stimulus flushes by VA while the caches hold entries (seed 11: an INVLPG in cycle 249
 * after the OS write-protected a page); the comparison of the caches after that edge, in cycle 250, stops the run,
 * naming the cache, the slot, the valid bit the RTL kept and the rule.
 */
Test(cosim_fail, pwc_flush_va_ignored_is_caught)
{
	int rc = run(COSIM_BROKENPWCVA " --random 250000 --seed 11 --mismatch-wave " COSIM_WORKDIR "/fail-pwcva.fst",
	             out, sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "deliberately wrong variant"), "%s", out);
	cr_expect_not_null(strstr(out, "cycle      249  flush VA "), "%s", out);
	cr_expect_not_null(strstr(out, "MISMATCH at cycle 250 (page-walk cache contents)"), "%s", out);
	cr_expect_not_null(strstr(out, ".valid_q["), "%s", out);
	cr_expect_not_null(strstr(out, "expected (model) 0x0  actual (RTL) 0x1"), "%s", out);
	cr_expect_not_null(strstr(out, "W12 (invalidation)"), "%s", out);
}

/* Control: the same stimulus on the pwc RTL as it is passes. */
Test(cosim_fail, right_rtl_pwc_passes)
{
	int rc = run(COSIM_PWC " --random 250000 --seed 11", out, sizeof out);
	cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
}

/* Control: the same scenario on the RTL as it is passes, its assertions silent. */
Test(cosim_fail, right_rtl_flushwalk_passes)
{
	int rc = run(COSIM_DEFAULT " --scenario flushwalk", out, sizeof out);
	cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
	cr_expect_null(strstr(out, "Assertion failed"), "%s", out);
}

/*
 * Several ports differ at once, each with its own rules. Default configuration, scenario l2hit: the data walk of
 * tag 1 (8 accesses) answers in cycle 1 + H1 + H2 + 8 x 4 = 43; the fetch of tag 2 (same page, so an L2 hit) is
 * presented and accepted in that cycle. The RTL (H1 = 1) misses its L1 ITLB in cycle 44, is granted in 44 (T5) and
 * answers from the L2 in 44 + H2 = 53 (T6): in cycle 53 it shows ireq_ready 1 (responding, T2), iresp_valid 1,
 * iresp_tag 2, iresp_level 1 (L2) and a physical address. The model with an L1 ITLB latency of 2 answers one cycle
 * later, so it shows 0 on each of those ports. The mismatch names the rules of req_ready, resp_valid, resp_tag,
 * resp_paddr and resp_level, each once (the i and d ports share theirs), and of no port that did not differ.
 */
Test(cosim_fail, several_ports_each_with_its_rules)
{
	int rc = run(COSIM_DEFAULT " --scenario l2hit --model-set tlb.l1i.hit_latency=2 --mismatch-wave " COSIM_WORKDIR
	                           "/fail-l1i-latency.fst",
	             out, sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "MISMATCH at cycle 53 (output port)"), "%s", out);
	cr_expect_not_null(strstr(out, "ireq_ready_o                 expected (model) 0x0  actual (RTL) 0x1"), "%s",
	                   out);
	cr_expect_not_null(strstr(out, "iresp_valid_o                expected (model) 0x0  actual (RTL) 0x1"), "%s",
	                   out);
	cr_expect_not_null(strstr(out, "iresp_tag_o                  expected (model) 0x0  actual (RTL) 0x2"), "%s",
	                   out);
	cr_expect_not_null(strstr(out, "iresp_paddr_o                expected (model) 0x0  actual (RTL) 0x"), "%s",
	                   out);
	cr_expect_not_null(strstr(out, "iresp_level_o                expected (model) 0x0  actual (RTL) 0x1"), "%s",
	                   out);
	cr_expect_not_null(strstr(out, "  rules of req_ready (docs/timing.md): T2 (ready exactly when idle or "
	                               "responding)"),
	                   "%s", out);
	cr_expect_not_null(strstr(out, "  rules of resp_valid (docs/timing.md): T3 (hit at c + H1), T5 (grant), T6"),
	                   "%s", out);
	cr_expect_not_null(strstr(out, "  rules of resp_tag (docs/timing.md): T4 (tag latched at acceptance)"), "%s",
	                   out);
	cr_expect_not_null(strstr(out, "  rules of resp_paddr (docs/timing.md): W8/T3 (base | offset)"), "%s", out);
	cr_expect_not_null(strstr(out, "  rules of resp_level (docs/timing.md): T3/T6/W8 (0 L1, 1 L2, 2 walk)"), "%s",
	                   out);
	cr_expect_eq(count(out, "  rules of "), 5, "%s", out);
	cr_expect_null(strstr(out, "W1 (first request"), "%s", out);
}

/*
 * The printed gtkwave command works from the folder the dump is in: the dump and the source tree are absolute
 * paths, and GTKWave runs in the source tree, where the save file's filters (waveforms/filters/) are.
 */
Test(cosim_fail, gtkwave_command_has_absolute_paths)
{
	const char *wave = COSIM_WORKDIR "/fail-gtkwave.fst";
	remove(wave);
	int rc = run("cd " COSIM_WORKDIR " && " COSIM_DEFAULT
	             " --scenario walk4k --model-set tlb.l2.hit_latency=10 --mismatch-wave fail-gtkwave.fst",
	             out, sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "waveform: cycles 0..31 in fail-gtkwave.fst"), "%s", out);
	cr_expect_not_null(strstr(out, "\n  (cd " MMU_SOURCE_DIR " && gtkwave " COSIM_WORKDIR
	                               "/fail-gtkwave.fst waveforms/mmu.gtkw)\n"),
	                   "%s", out);
	cr_expect_gt(file_size(wave), 0, "no waveform %s:\n%s", wave, out);
	cr_expect_gt(file_size(MMU_SOURCE_DIR "/waveforms/mmu.gtkw"), 0);

	/* A whole run dumped with --wave prints the same command. */
	remove(wave);
	rc = run("cd " COSIM_WORKDIR " && " COSIM_DEFAULT " --scenario l1hit --wave fail-gtkwave.fst", out, sizeof out);
	cr_expect_eq(rc, 0, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "waveform: the run in fail-gtkwave.fst"), "%s", out);
	cr_expect_not_null(strstr(out, "\n  (cd " MMU_SOURCE_DIR " && gtkwave " COSIM_WORKDIR
	                               "/fail-gtkwave.fst waveforms/mmu.gtkw)\n"),
	                   "%s", out);
	cr_expect_gt(file_size(wave), 0, "no waveform %s:\n%s", wave, out);
}

/*
 * A hardware key that differs from the RTL's build is refused, naming the key, where it was set and both values,
 * one line per key (mmucosim-default: tlb.l1d.entries = 64, ways 4, LRU everywhere, cr3.pcid = 0). Run-time keys
 * (mem.*) are not named.
 */
Test(cosim_fail, hardware_key_refused_by_name)
{
	int rc = run(COSIM_DEFAULT " --scenario walk4k --set tlb.l1d.entries=32", out, sizeof out);
	cr_expect_eq(rc, 2, "exit %d:\n%s", rc, out);
	cr_expect_not_null(
	    strstr(out, "mmucosim-default: --set tlb.l1d.entries=32: the RTL of mmucosim-default was built with "
	                "tlb.l1d.entries = 64\n"),
	    "%s", out);
	cr_expect_not_null(strstr(out, "mmucosim-default: tlb.l1d.entries is a hardware parameter"), "%s", out);
	cr_expect_eq(count(out, "was built with"), 1, "%s", out);
	cr_expect_null(strstr(out, "-GL1dEntries"), "%s", out);

	rc =
	    run(COSIM_DEFAULT " --scenario walk4k --set mem.latency=5 --set tlb.l1d.ways=full --set tlb.l2.policy=fifo "
	                      "--set cr3.pcid=1",
	        out, sizeof out);
	cr_expect_eq(rc, 2, "exit %d:\n%s", rc, out);
	cr_expect_not_null(
	    strstr(out, "mmucosim-default: --set tlb.l1d.ways=full: the RTL of mmucosim-default was built with "
	                "tlb.l1d.ways = 4\n"),
	    "%s", out);
	cr_expect_not_null(
	    strstr(out, "mmucosim-default: --set tlb.l2.policy=fifo: the RTL of mmucosim-default was built with "
	                "tlb.l2.policy = lru\n"),
	    "%s", out);
	cr_expect_not_null(strstr(out, "mmucosim-default: --set cr3.pcid=1: the RTL of mmucosim-default was built with "
	                               "cr3.pcid = 0\n"),
	                   "%s", out);
	cr_expect_not_null(strstr(out, "mmucosim-default: these are hardware parameters"), "%s", out);
	cr_expect_eq(count(out, "was built with"), 3, "%s", out);
	cr_expect_null(strstr(out, "mem.latency"), "%s", out);
}

/*
 * Another configuration file: configs/small.ini against the default RTL. Worked out from the two files: L1 ITLB 8
 * entries (ways full = 8, the same 8 ways as the default's, so not named), L1 DTLB 8 entries, full (8 ways, not 4),
 * FIFO; L2 32 entries, full (32 ways, not 12), H2 = 2 (L2 policy LRU in both). Seven keys, each on its line.
 */
Test(cosim_fail, other_config_file_refused_key_by_key)
{
	int rc = run(COSIM_DEFAULT " --scenario walk4k --config " MMU_SOURCE_DIR "/sim/cosim/configs/small.ini", out,
	             sizeof out);
	cr_expect_eq(rc, 2, "exit %d:\n%s", rc, out);
	static const char *const lines[] = {
	    "tlb.l1i.entries = 8: the RTL of mmucosim-default was built with tlb.l1i.entries = 128\n",
	    "tlb.l1d.entries = 8: the RTL of mmucosim-default was built with tlb.l1d.entries = 64\n",
	    "tlb.l1d.ways = full: the RTL of mmucosim-default was built with tlb.l1d.ways = 4\n",
	    "tlb.l1d.policy = fifo: the RTL of mmucosim-default was built with tlb.l1d.policy = lru\n",
	    "tlb.l2.entries = 32: the RTL of mmucosim-default was built with tlb.l2.entries = 1536\n",
	    "tlb.l2.ways = full: the RTL of mmucosim-default was built with tlb.l2.ways = 12\n",
	    "tlb.l2.hit_latency = 2: the RTL of mmucosim-default was built with tlb.l2.hit_latency = 9\n",
	};
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		char line[512];
		snprintf(line, sizeof line, "mmucosim-default: --config %s/sim/cosim/configs/small.ini sets %s",
		         MMU_SOURCE_DIR, lines[i]);
		cr_expect_not_null(strstr(out, line), "no line %s in:\n%s", line, out);
	}
	cr_expect_eq(count(out, "was built with"), 7, "%s", out);
}

/*
 * T1 broken (sim/cosim/CMakeLists.txt, BROKEN): the ready of each port of mmucosim-small-combready falls while a
 * request is presented, with no clock edge. The shim skips the clock-low evaluation and reads the outputs the last edge
 * left (cosim_rtl.cpp); in cycle 0, the first of its sampled clock-low evaluations, both ports are presented a request
 * and ready moves from 1 to 0: the run stops at cycle 0 and says which rule the RTL broke.
 */
Test(cosim_fail, output_following_an_input_is_caught)
{
	int rc = run(COSIM_COMBREADY " --random 20000 --seed 1 --mismatch-wave " COSIM_WORKDIR "/fail-combready.fst",
	             out, sizeof out);
	cr_expect_eq(rc, 1, "exit %d:\n%s", rc, out);
	cr_expect_not_null(strstr(out, "deliberately wrong variant"), "%s", out);
	cr_expect_not_null(strstr(out, "an output of the RTL changed with its inputs, with no clock edge (in clock-low "
	                               "phase 0): outputs must be functions of state only (docs/timing.md, T1)"),
	                   "%s", out);
	cr_expect_not_null(strstr(out, "MISMATCH at cycle 0 (output port)"), "%s", out);
	cr_expect_not_null(strstr(out, "ireq_ready_o                 expected (model) 0x1  actual (RTL) 0x0"), "%s",
	                   out);
}
