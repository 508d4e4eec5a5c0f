/*
 * mmusim diagram: the WaveJSON of each directed scenario against the cycle diagrams of docs/timing.md (H1 = 1,
 * H2 = 2, L = 3 unless set otherwise), derived by hand: a walk access is visible in cycle v, answered in v + L, and
 * the next one is visible in v + L + 1; the response follows the last memory response by one cycle.
 */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int status;
static char errbuf[4096];
static char dir[64];

/* Runs `mmusim diagram ARGS --out DIR` into a fresh directory. */
static void diagram(const char *args)
{
	strcpy(dir, "/tmp/mmusim-diagram-XXXXXX");
	cr_assert(mkdtemp(dir));
	char err[] = "/tmp/mmusim-diagram-err-XXXXXX";
	int fe = mkstemp(err);
	cr_assert(fe >= 0);
	close(fe);
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "'%s' diagram %s --out %s >/dev/null 2>%s", MMU_MMUSIM, args, dir, err);
	int st = system(cmd);
	status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	cli_slurp(err, errbuf, sizeof errbuf);
	unlink(err);
}

static void cleanup(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

static cJSON *load(const char *scenario)
{
	static char text[1 << 16];
	char path[128];
	snprintf(path, sizeof path, "%s/%s.json", dir, scenario);
	cli_slurp(path, text, sizeof text);
	cJSON *j = cJSON_Parse(text);
	cr_assert(j, "%s is not JSON", path);
	return j;
}

/* The wave string of the row named name, searched through the signal groups. */
static const char *wave(const cJSON *j, const char *name)
{
	const cJSON *group;
	cJSON_ArrayForEach(group, cJSON_GetObjectItem(j, "signal"))
	{
		const cJSON *row;
		cJSON_ArrayForEach(row, group)
		{
			const cJSON *n = cJSON_GetObjectItem(row, "name");
			if (n && cJSON_IsString(n) && !strcmp(n->valuestring, name))
				return cJSON_GetObjectItem(row, "wave")->valuestring;
		}
	}
	cr_assert_fail("no row %s", name);
	return NULL;
}

static const cJSON *data(const cJSON *j, const char *name)
{
	const cJSON *group;
	cJSON_ArrayForEach(group, cJSON_GetObjectItem(j, "signal"))
	{
		const cJSON *row;
		cJSON_ArrayForEach(row, group)
		{
			const cJSON *n = cJSON_GetObjectItem(row, "name");
			if (n && cJSON_IsString(n) && !strcmp(n->valuestring, name))
				return cJSON_GetObjectItem(row, "data");
		}
	}
	cr_assert_fail("no row %s", name);
	return NULL;
}

TestSuite(mmusim_diagram, .fini = cleanup);

/* Full walk, A bits set: L2 miss known at w = H1 + H2 = 3; reads visible in 3, 7, 11, 15; answers in 6, 10, 14, 18;
 * response in 19 (docs/timing.md, "Full 4-level walk"). */
Test(mmusim_diagram, walk_matches_the_timing_contract)
{
	diagram("--scenario walk");
	cr_assert_eq(status, 0, "%s", errbuf);
	cJSON *j = load("walk");
	cr_assert_str_eq(wave(j, "clk"), "p...................");
	cr_assert_str_eq(wave(j, "dreq_valid"), "10..................");
	cr_assert_str_eq(wave(j, "mem_req_valid"), "0..10..10..10..10...");
	cr_assert_str_eq(wave(j, "mem_resp_valid"), "0.....10..10..10..10");
	cr_assert_str_eq(wave(j, "dresp_valid"), "0..................1");
	cr_assert_str_eq(wave(j, "walk access"), "x..=...=...=...=...x");
	const cJSON *names = data(j, "walk access");
	cr_assert_str_eq(cJSON_GetArrayItem(names, 0)->valuestring, "PML4 rd");
	cr_assert_str_eq(cJSON_GetArrayItem(names, 3)->valuestring, "PT rd");
	/* the OS's tables of process 1: root 0x100000, then PDPT, PD, PT; 0x400000 = PD index 2, so 0x102010 */
	const cJSON *addr = data(j, "mem_req_addr");
	cr_assert_str_eq(cJSON_GetArrayItem(addr, 0)->valuestring, "0x100000");
	cr_assert_str_eq(cJSON_GetArrayItem(addr, 2)->valuestring, "0x102010");
	cr_assert(
	    strstr(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "head"), "text")->valuestring, "response in cycle 19"));
	cJSON_Delete(j);
}

/* PML4 entry not present: read visible in 3, answered in 6, fault response in 7 (docs/timing.md, "Fault"). */
Test(mmusim_diagram, fault_responds_in_cycle_7)
{
	diagram("--scenario fault");
	cr_assert_eq(status, 0, "%s", errbuf);
	cJSON *j = load("fault");
	cr_assert_str_eq(wave(j, "mem_req_valid"), "0..10...");
	cr_assert_str_eq(wave(j, "dresp_valid"), "0......1");
	cr_assert_str_eq(wave(j, "dresp_fault"), "0......1");
	cr_assert_str_eq(wave(j, "dresp_paddr"), "x......=");
	cr_assert_str_eq(cJSON_GetArrayItem(data(j, "dresp_paddr"), 0)->valuestring, "fault");
	cJSON_Delete(j);
}

/* L1 hit: accepted in 0, response in H1 = 1; the port is ready again in the response cycle (T2). */
Test(mmusim_diagram, tlb_hit_responds_next_cycle)
{
	diagram("--scenario tlb-hit");
	cr_assert_eq(status, 0, "%s", errbuf);
	cJSON *j = load("tlb-hit");
	cr_assert_str_eq(wave(j, "dreq_valid"), "10");
	cr_assert_str_eq(wave(j, "dreq_ready"), "1.");
	cr_assert_str_eq(wave(j, "dresp_valid"), "01");
	cr_assert_str_eq(wave(j, "mem_req_valid"), "0.");
	cJSON_Delete(j);
}

/* L1 miss, L2 hit: response in H1 + H2 = 3, no memory access (docs/timing.md, "L1 miss, L2 hit"). */
Test(mmusim_diagram, l2_hit_responds_in_cycle_3)
{
	diagram("--scenario l2-hit");
	cr_assert_eq(status, 0, "%s", errbuf);
	cJSON *j = load("l2-hit");
	cr_assert_str_eq(wave(j, "dresp_valid"), "0..1");
	cr_assert_str_eq(wave(j, "dreq_ready"), "10.1");
	cr_assert_str_eq(wave(j, "mem_req_valid"), "0...");
	cJSON_Delete(j);
}

/* A first store: 4 reads and 4 write-backs of 4 cycles each from cycle 3: response in 3 + 32 = 35. */
Test(mmusim_diagram, first_store_writes_back_at_every_level)
{
	diagram("--scenario ad-write");
	cr_assert_eq(status, 0, "%s", errbuf);
	cJSON *j = load("ad-write");
	const char *resp = wave(j, "dresp_valid");
	cr_assert_eq(strlen(resp), 36);
	cr_assert_eq(resp[35], '1');
	const cJSON *addr = data(j, "mem_req_addr");
	cr_assert_eq(cJSON_GetArraySize(addr), 8);
	cr_assert_str_eq(cJSON_GetArrayItem(addr, 0)->valuestring, "0x100000");
	cr_assert_str_eq(cJSON_GetArrayItem(addr, 1)->valuestring, "0x100000", "the write-back of the same entry");
	/* accesses visible in 3, 7, ..., 31; every second one (7, 15, 23, 31) a write */
	cr_assert_str_eq(wave(j, "mem_req_write"), "0......10......10......10......10...");
	cr_assert_str_eq(cJSON_GetArrayItem(data(j, "walk access"), 7)->valuestring, "PT wr");
	cJSON_Delete(j);
}

/* --set changes the system: L = 5, so each access takes 6 cycles: 3 + 4 x 6 = 27. */
Test(mmusim_diagram, set_changes_the_timing)
{
	diagram("--scenario walk --set mem.latency=5");
	cr_assert_eq(status, 0, "%s", errbuf);
	cJSON *j = load("walk");
	const char *resp = wave(j, "dresp_valid");
	cr_assert_eq(strlen(resp), 28);
	cr_assert_eq(resp[27], '1');
	cJSON_Delete(j);
}

Test(mmusim_diagram, all_scenarios_by_default)
{
	diagram("");
	cr_assert_eq(status, 0, "%s", errbuf);
	const char *names[] = {"tlb-hit", "l2-hit", "walk", "fault", "ad-write"};
	for (size_t i = 0; i < 5; i++)
		cJSON_Delete(load(names[i]));
}

Test(mmusim_diagram, errors)
{
	diagram("--scenario crash");
	cr_assert_eq(status, 2);
	cr_assert_str_eq(errbuf,
	                 "mmusim: diagram: unknown scenario 'crash' (tlb-hit, l2-hit, walk, fault, ad-write, all)\n");
	cleanup();
	diagram("--scenario l2-hit --set tlb.l2.entries=0");
	cr_assert_eq(status, 2);
	cr_assert_str_eq(errbuf, "mmusim: diagram l2-hit: needs an L2 TLB (tlb.l2.entries > 0)\n");
}
