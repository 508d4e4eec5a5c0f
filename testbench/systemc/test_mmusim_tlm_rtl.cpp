/*
 * mmusim-tlm --mmu rtl (the Verilated RTL behind the sockets, in lockstep with the model) against --mmu model: for
 * the same trace and config every field of the JSON report is the same, on a prefix of the bundled workload and on a
 * multi-process text trace (CR3 writes, demand faults), with huge pages and a memory limit; a configuration that is not
 * the hardware of the Verilated build is refused with a message naming the key. Only built where Verilator built the
 * RTL core.
 */
#include "mmusim_run_support.hpp"

#include <cjson/cJSON.h>
#include <cstdio>
#include <cstring>
#include <string>

namespace
{

using namespace mmusim_test;

/* Both cores on the same arguments: every field but the engine's name equal. Returns the RTL variant's report. */
cJSON *rtl_same_as_model(const std::string &args)
{
	cJSON *want = parse(run(MMU_MMUSIM_TLM, args + " --json --mmu model"), "mmusim-tlm --mmu model");
	cJSON *got = parse(run(MMU_MMUSIM_TLM, args + " --json --mmu rtl"), "mmusim-tlm --mmu rtl");
	unsigned fields = 0;
	for (cJSON *w = want->child; w; w = w->next) {
		if (!std::strcmp(w->string, "engine") || !std::strcmp(w->string, "provenance.engine"))
			continue; /* the engine's name, also in the provenance */
		cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
		cr_assert(g, "the RTL variant's report has no '%s'", w->string);
		char *ws = cJSON_PrintUnformatted(w), *gs = cJSON_PrintUnformatted(g);
		cr_assert_str_eq(gs, ws, "%s (%s): rtl %s, model %s", w->string, args.c_str(), gs, ws);
		cJSON_free(ws);
		cJSON_free(gs);
		fields++;
	}
	cr_assert_gt(fields, 60, "the whole report was compared");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(want, "engine")->valuestring, "systemc-model");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(got, "engine")->valuestring, "systemc-rtl");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(got, "provenance.engine")->valuestring, "systemc-rtl");
	cJSON_Delete(want);
	return got;
}

} // namespace

Test(mmusim_tlm_rtl, default_workload_prefix_gives_the_models_report)
{
	temp_file t(workload_prefix(300000));
	cJSON *j = rtl_same_as_model(std::string("--trace ") + t.path);
	cr_assert_gt(number(j, "references"), 250000, "the prefix was read");
	cr_assert_gt(number(j, "walks"), 100, "walks happened");
	cr_assert_gt(number(j, "os.demand_faults"), 10, "demand faults happened");
	cr_assert_gt(number(j, "tlb.l2.hits"), 0, "the L2 TLB answered some");
	cJSON_Delete(j);
}

Test(mmusim_tlm_rtl, multi_process_trace)
{
	temp_file t(multi_process_trace(20000));
	cJSON *j = rtl_same_as_model(std::string("--format text --trace ") + t.path);
	cr_assert_gt(number(j, "context_switches"), 100, "CR3 writes reached the RTL");
	cr_assert_gt(number(j, "faults"), 10, "faults came back from the RTL");
	cJSON_Delete(j);
}

/* Memory latency, back-pressure and the seed are the platform's, not hardware: the RTL takes them. */
Test(mmusim_tlm_rtl, multi_process_trace_with_random_memory_and_populated)
{
	temp_file t(multi_process_trace(20000));
	cJSON *j = rtl_same_as_model(std::string("--format text --trace ") + t.path +
	                             " --set mem.latency_max=250 --set mem.stall_max=4 --seed 11 --set os.populate=1"
	                             " --period 250ps --data-cycles 3");
	cr_assert_eq(number(j, "os.demand_faults"), 0);
	cr_assert_gt(number(j, "walk_cycles.max"), number(j, "walk_cycles.min") + 250, "latencies varied");
	cJSON_Delete(j);
}

/*
 * The OS side's policies change page tables and invalidate TLB entries between requests (flushes through the
 * control interface); they are not hardware: the RTL takes them and gives the model's figures.
 */
Test(mmusim_tlm_rtl, huge_page_collapses)
{
	temp_file t(workload_prefix(100000));
	cJSON *j = rtl_same_as_model(std::string("--trace ") + t.path + " --set os.thp=dense --set os.thp_density=4");
	cr_assert_gt(number(j, "os.thp_collapses"), 0, "regions were collapsed");
	cr_assert_gt(number(j, "served.2M"), 0, "2 MiB pages served translations");
	cJSON_Delete(j);
}

Test(mmusim_tlm_rtl, memory_limit)
{
	temp_file t(workload_prefix(100000));
	cJSON *j = rtl_same_as_model(std::string("--trace ") + t.path + " --set os.mem_frames=64");
	cr_assert_gt(number(j, "os.swap_ins"), 0, "evicted pages came back from swap");
	cr_assert_gt(number(j, "os.shootdowns"), 0, "their TLB entries were invalidated");
	cJSON_Delete(j);
}

/* Every message is written out by hand from the build's parameters (rtl/mmu_configs.txt "default"). */
Test(mmusim_tlm_rtl, other_hardware_is_refused_naming_the_key)
{
	const struct {
		const char *args, *message;
	} cases[] = {
	    {"--set tlb.l1d.entries=32", "--mmu rtl: tlb.l1d.entries = 32, but the RTL has 64"},
	    {"--set tlb.l1i.ways=4", "--mmu rtl: tlb.l1i.ways = 4, but the RTL has 8"},
	    {"--set tlb.l1i.policy=plru", "--mmu rtl: tlb.l1i.policy = plru, but the RTL has lru"},
	    {"--set tlb.l1d.hit_latency=2", "--mmu rtl: tlb.l1d.hit_latency = 2, but the RTL has 1"},
	    {"--set tlb.l2.entries=0", "--mmu rtl: tlb.l2.entries = 0, but the RTL has 1536"},
	    {"--set tlb.l2.ways=full", "--mmu rtl: tlb.l2.ways = 1536, but the RTL has 12"}, /* full: ways = entries */
	    {"--set tlb.l2.policy=fifo", "--mmu rtl: tlb.l2.policy = fifo, but the RTL has lru"},
	    {"--set tlb.l2.hit_latency=3", "--mmu rtl: tlb.l2.hit_latency = 3, but the RTL has 9"},
	    {"--set paging.pa_bits=52", "--mmu rtl: paging.pa_bits = 52, but the RTL has 46"},
	    {"--set cr3.pcid=1", "--mmu rtl: cr3.pcid = 1, but the RTL has 0"},
	    {"--set paging.mode=x86_32", "--mmu rtl: paging.mode must be x86_64"},
	};
	for (const auto &c : cases) {
		run_result r = run(MMU_MMUSIM_TLM, std::string("--mmu rtl ") + c.args);
		cr_assert_eq(r.status, 2, "%s", c.args);
		cr_assert(r.out.empty(), "no report after an error");
		cr_assert(r.err.find(c.message) != std::string::npos, "%s: %s", c.args, r.err.c_str());
		cr_assert(r.err.find("rtl/mmu_configs.txt") != std::string::npos || std::strstr(c.args, "mode"),
		          "%s: the message says where the build's parameters come from", c.args);
	}
}
