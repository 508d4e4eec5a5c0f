/*
 * The co-simulation can fail: a deliberately wrong model (L2 latency one cycle too long) and a deliberately wrong RTL
 * (LRU where the configuration says FIFO) must each stop mmucosim with exit status 1 at the cycle worked out by hand
 * below, name the port or state that differs, and leave a waveform of the mismatch.
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
	cr_expect_not_null(strstr(out, "rules concerned (docs/timing.md): W1"), "%s", out);
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
	cr_expect_not_null(strstr(out, "u_l1d.vpn_q[0] (set 0, way 0)"), "%s", out);
	cr_expect_not_null(strstr(out, "R1-R5 (victim)"), "%s", out);
	cr_expect_gt(file_size(wave), 0, "no waveform %s:\n%s", wave, out);
}
