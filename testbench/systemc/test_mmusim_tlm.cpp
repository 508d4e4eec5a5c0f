/*
 * mmusim-tlm, the SystemC platform (trace generator -> MMU component -> memory), against mmusim: for the same trace
 * and config the counts and cycles of the JSON report are the same, field by field, on a prefix of the bundled
 * workload and on multi-process traces; CR3 writes with and without PCIDs give the misses and cycles computed by hand;
 * errors name the file, line and option as mmusim's do.
 */
#include "mmusim_run_support.hpp"

#include <cjson/cJSON.h>
#include <cstdio>
#include <cstring>
#include <string>

namespace
{

using namespace mmusim_test;

/*
 * Runs both simulators with the same arguments and compares the JSON reports: the names the issue lists first, then
 * every other field mmusim reports (only the engine's name differs). Returns mmusim's report.
 */
cJSON *same_as_mmusim(const std::string &args)
{
	cJSON *want = parse(run(MMU_MMUSIM, "run " + args + " --json"), "mmusim");
	cJSON *got = parse(run(MMU_MMUSIM_TLM, args + " --json"), "mmusim-tlm");
	const char *names[] = {"tlb.l1i.accesses", "tlb.l1i.hits",   "tlb.l1i.misses",  "tlb.l1d.accesses",
	                       "tlb.l1d.hits",     "tlb.l1d.misses", "tlb.l2.accesses", "tlb.l2.hits",
	                       "tlb.l2.misses",    "walks",          "walk_cycles",     "faults",
	                       "cycles",           "amat_cycles"};
	for (const char *n : names)
		cr_assert_eq(number(got, n), number(want, n), "%s: mmusim-tlm %.6f, mmusim %.6f (%s)", n,
		             number(got, n), number(want, n), args.c_str());
	unsigned fields = 0;
	for (cJSON *w = want->child; w; w = w->next) {
		if (!std::strcmp(w->string, "engine") || !std::strcmp(w->string, "provenance.engine"))
			continue; /* the engine's name, also in the provenance */
		cJSON *g = cJSON_GetObjectItemCaseSensitive(got, w->string);
		cr_assert(g, "mmusim-tlm's report has no '%s'", w->string);
		char *ws = cJSON_PrintUnformatted(w), *gs = cJSON_PrintUnformatted(g);
		cr_assert_str_eq(gs, ws, "%s (%s)", w->string, args.c_str());
		cJSON_free(ws);
		cJSON_free(gs);
		fields++;
	}
	cr_assert_gt(fields, 60, "the whole report was compared");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(got, "engine")->valuestring, "systemc-model");
	cr_assert_str_eq(cJSON_GetObjectItemCaseSensitive(got, "provenance.engine")->valuestring, "systemc-model");
	cJSON_Delete(got);
	return want;
}

} // namespace

Test(mmusim_tlm, default_workload_prefix_gives_mmusims_report)
{
	temp_file t(workload_prefix(300000));
	cJSON *j = same_as_mmusim(std::string("--trace ") + t.path);
	cr_assert_gt(number(j, "references"), 250000, "the prefix was read");
	cr_assert_gt(number(j, "walks"), 100, "walks happened");
	cr_assert_gt(number(j, "os.demand_faults"), 10, "demand faults happened");
	cJSON_Delete(j);
}

Test(mmusim_tlm, default_workload_prefix_with_random_memory_and_policies)
{
	temp_file t(workload_prefix(300000));
	cJSON *j = same_as_mmusim(std::string("--trace ") + t.path +
	                          " --set mem.latency_max=250 --set mem.stall_max=4 --set tlb.l1d.policy=random"
	                          " --set tlb.l1i.policy=plru --set tlb.l2.policy=fifo --set tlb.l2.hit_latency=3"
	                          " --seed 11");
	cr_assert_gt(number(j, "walk_cycles.max"), number(j, "walk_cycles.min") + 250, "latencies varied");
	cJSON_Delete(j);
}

Test(mmusim_tlm, multi_process_trace_without_pcid)
{
	temp_file t(multi_process_trace(20000));
	cJSON *j = same_as_mmusim(std::string("--format text --trace ") + t.path);
	cr_assert_gt(number(j, "context_switches"), 100);
	cJSON_Delete(j);
}

Test(mmusim_tlm, multi_process_trace_with_pcid)
{
	temp_file t(multi_process_trace(20000));
	cJSON *j = same_as_mmusim(std::string("--format text --trace ") + t.path + " --set cr3.pcid=1");
	cr_assert_gt(number(j, "context_switches"), 100);
	cJSON_Delete(j);
}

Test(mmusim_tlm, multi_process_trace_without_l2_and_populated)
{
	temp_file t(multi_process_trace(20000));
	cJSON *j = same_as_mmusim(std::string("--format text --trace ") + t.path +
	                          " --set tlb.l2.entries=0 --set os.populate=1 --set tlb.l1d.entries=16"
	                          " --set tlb.l1d.ways=full");
	cr_assert_eq(number(j, "os.demand_faults"), 0);
	cJSON_Delete(j);
}

Test(mmusim_tlm, multi_process_trace_with_a_preset)
{
	temp_file t(multi_process_trace(20000));
	cJSON *j = same_as_mmusim(std::string("--format text --trace ") + t.path + " --preset teaching");
	cr_assert_eq(cJSON_GetObjectItemCaseSensitive(j, "config.mem.latency")->valuedouble, 20); /* a JSON number */
	cJSON_Delete(j);
}

/*
 * The OS side's policies (huge pages chosen by the OS, a memory limit) come from the model's requester, which the
 * platform's generator drives: the same figures as mmusim's, and each policy visibly at work in them.
 */
Test(mmusim_tlm, transparent_huge_pages_give_mmusims_report)
{
	temp_file t(workload_prefix(300000));
	cJSON *j = same_as_mmusim(std::string("--trace ") + t.path + " --set os.thp=always");
	cr_assert_gt(number(j, "os.huge_faults"), 0, "faults were served with 2 MiB pages");
	cr_assert_gt(number(j, "served.2M"), number(j, "served.4K"), "2 MiB pages served most translations");
	cJSON_Delete(j);
}

Test(mmusim_tlm, huge_page_collapses_give_mmusims_report)
{
	temp_file t(workload_prefix(300000));
	cJSON *j = same_as_mmusim(std::string("--trace ") + t.path + " --set os.thp=dense --set os.thp_density=4");
	cr_assert_gt(number(j, "os.thp_collapses"), 0, "regions were collapsed (each one TLB invalidations)");
	cJSON_Delete(j);
}

Test(mmusim_tlm, huge_page_ranges_give_mmusims_report)
{
	temp_file t(workload_prefix(300000));
	cJSON *j = same_as_mmusim(std::string("--trace ") + t.path + " --set os.huge=0x4000000:64M:2M,0x400000:4M:2M");
	cr_assert_gt(number(j, "served.2M"), 0, "the ranges were mapped with 2 MiB pages");
	cr_assert_gt(number(j, "served.4K"), 0, "the rest with 4 KiB pages");
	cJSON_Delete(j);
}

Test(mmusim_tlm, memory_limit_gives_mmusims_report)
{
	temp_file t(workload_prefix(300000));
	cJSON *j = same_as_mmusim(std::string("--trace ") + t.path + " --set os.mem_frames=64");
	cr_assert_gt(number(j, "os.evictions"), 0, "pages were evicted");
	cr_assert_gt(number(j, "os.swap_ins"), 0, "evicted pages came back from swap");
	cr_assert_gt(number(j, "os.shootdowns"), 0, "their TLB entries were invalidated");
	cJSON_Delete(j);
}

Test(mmusim_tlm, page_crossing_records_are_split_as_mmusim_does)
{
	temp_file t("==1== banner\nI  00400ffe,4\n L 00401ffc,8\n M 00402ff8,16\n S 00400000,8\n");
	cJSON *j = same_as_mmusim(std::string("--trace ") + t.path);
	cr_assert_eq(number(j, "references"), 4);
	cr_assert_eq(number(j, "split_references"), 3,
	             "the fetch, the load and the modify cross a page; the store not");
	cr_assert_eq(number(j, "translations"), 4 + 3 + number(j, "os.demand_faults"));
	cJSON_Delete(j);
}

/*
 * pid 1 reads 0x1000, pid 2 reads 0x1000, pid 1 reads it again. By hand (H1 = 1, H2 = 9, access 101 cycles, fault
 * service 2000): each CR3 write 1 cycle; a first touch faults at the empty PML4 entry (1 + 9 + 101 = 111), waits
 * 2000, and walks a fresh page with A clear at 4 levels (1 + 9 + 8 x 101 = 818): 2929 per process and two L1 misses.
 * Back in pid 1: without PCID the switch flushed its entry, a walk with A set costs 1 + 9 + 4 x 101 = 414 and misses
 * once more; with PCID it hits L1 in 1 cycle.
 */
static void pcid_by_hand(int pcid, double misses, double cycles)
{
	temp_file t("R 1000 1\nR 1000 2\nR 1000 1\n");
	std::string args = std::string("--format text --trace ") + t.path + " --set cr3.pcid=" + std::to_string(pcid);
	cJSON *j = same_as_mmusim(args);
	cr_assert_eq(number(j, "context_switches"), 2);
	cr_assert_eq(number(j, "tlb.l1d.misses"), misses);
	cr_assert_eq(number(j, "cycles"), cycles);
	cJSON_Delete(j);
	run_result r = run(MMU_MMUSIM_TLM, args + " --period 2ns");
	char expect[96];
	std::snprintf(expect, sizeof expect, "simulated %.0f ns = %.0f cycles", 2 * cycles, cycles);
	cr_assert(r.err.find(expect) != std::string::npos, "the simulation ends at cycles x period: %s", r.err.c_str());
}

Test(mmusim_tlm, cr3_writes_without_pcid_flush_the_returning_process)
{
	pcid_by_hand(0, 5, 1 + 2929 + 1 + 2929 + 1 + 414);
}

Test(mmusim_tlm, cr3_writes_with_pcid_keep_the_returning_process)
{
	pcid_by_hand(1, 4, 1 + 2929 + 1 + 2929 + 1 + 1);
}

Test(mmusim_tlm, text_report_is_mmusims_but_for_the_engine)
{
	temp_file t(multi_process_trace(2000));
	std::string args = std::string("--format text --trace ") + t.path;
	run_result want = run(MMU_MMUSIM, "run " + args), got = run(MMU_MMUSIM_TLM, args);
	cr_assert_eq(got.status, 0, "%s", got.err.c_str());
	cr_assert(got.out.find("systemc-model engine\n") != std::string::npos);
	/* named copies: a temporary's c_str() would not outlive the assertion macro's first statement */
	std::string got_body = got.out.substr(got.out.find('\n')), want_body = want.out.substr(want.out.find('\n'));
	cr_assert_str_eq(got_body.c_str(), want_body.c_str());
}

Test(mmusim_tlm, bad_trace_line_names_file_and_line)
{
	temp_file t("R 1000\nQ 2000\n");
	run_result r = run(MMU_MMUSIM_TLM, std::string("--format text --trace ") + t.path);
	cr_assert_eq(r.status, 2);
	cr_assert(r.out.empty(), "no report after an error");
	cr_assert(r.err.find(std::string(t.path) + ":2:") != std::string::npos, "%s", r.err.c_str());
}

Test(mmusim_tlm, address_the_mode_cannot_translate_is_an_error_as_in_mmusim)
{
	temp_file t("R 1000\nR 7f0000001000\n");
	std::string args = std::string("--format text --trace ") + t.path + " --set paging.mode=x86_32";
	run_result want = run(MMU_MMUSIM, "run " + args), got = run(MMU_MMUSIM_TLM, args);
	cr_assert_eq(got.status, 2);
	cr_assert(got.err.find(std::string(t.path) +
	                       ":2: address 0x7f0000001000 is not a valid x86_32 virtual address") != std::string::npos,
	          "%s", got.err.c_str());
	std::string got_msg = got.err.substr(got.err.find(':')), want_msg = want.err.substr(want.err.find(':'));
	cr_assert_str_eq(got_msg.c_str(), want_msg.c_str());
}

Test(mmusim_tlm, bad_options_are_named)
{
	const struct {
		const char *args, *message;
	} cases[] = {
	    {"--mmu verilog", "--mmu: 'verilog' is not one of model, rtl"},
#ifdef MMU_HAVE_RTL_CORE
	    {"--mmu rtl --set tlb.l1d.entries=32", "--mmu rtl: tlb.l1d.entries = 32, but the RTL has 64"},
#else
	    {"--mmu rtl", "--mmu rtl: this build has no RTL core"},
#endif
	    {"--period 0ns", "--period: '0ns' is out of range 1ps..1s"},
	    {"--period fast", "--period: 'fast' is not a time such as 1ns or 250ps"},
	    {"--period 1001ms", "--period: '1001ms' is out of range 1ps..1s"},
	    {"--period 0.5ps", "--period: '0.5ps' is out of range 1ps..1s"},
	    {"--period 2.5ps", "--period: '2.5ps' is not a whole number of picoseconds"},
	    {"--period inf", "--period: 'inf' is not a time"},
	    {"--period 1e400s", "--period: '1e400s' is out of range 1ps..1s"},
	    {"--quantum -1us", "--quantum: '-1us'"},
	    {"--quantum 2s", "--quantum: '2s' is out of range 1ps..1s"},
	    {"--data-cycles x", "--data-cycles: 'x' is not a number"},
	    {"--data-cycles 1000001", "--data-cycles: '1000001' is out of range 0..1000000"},
	    {"--set tlb.l1d.entrys=3", "tlb.l1d.entries"},
	    {"--frobnicate", "unknown option '--frobnicate'"},
	    {"--trace", "option --trace needs a value"},
	};
	for (const auto &c : cases) {
		run_result r = run(MMU_MMUSIM_TLM, c.args);
		cr_assert_eq(r.status, 2, "%s", c.args);
		cr_assert(r.err.find(c.message) != std::string::npos, "%s: %s", c.args, r.err.c_str());
	}
}

/* The ends of the ranges are taken: a 1 ps and a 1 s clock give the same cycles (the time scales with the period). */
Test(mmusim_tlm, period_from_1ps_to_1s)
{
	temp_file t("R 1000 1\nR 1000 2\nR 1000 1\n");
	std::string args = std::string("--format text --trace ") + t.path + " --quantum 1s";
	const unsigned long cycles = 1 + 2929 + 1 + 2929 + 1 + 414; /* pcid_by_hand's, without PCIDs */
	run_result ps = run(MMU_MMUSIM_TLM, args + " --period 1ps"), sec = run(MMU_MMUSIM_TLM, args + " --period 1s");
	char expect[96];
	std::snprintf(expect, sizeof expect, "simulated %lu ps = %lu cycles", cycles, cycles);
	cr_assert_eq(ps.status, 0, "%s", ps.err.c_str());
	cr_assert(ps.err.find(expect) != std::string::npos, "%s", ps.err.c_str());
	std::snprintf(expect, sizeof expect, "simulated %lu s = %lu cycles", cycles, cycles);
	cr_assert_eq(sec.status, 0, "%s", sec.err.c_str());
	cr_assert(sec.err.find(expect) != std::string::npos, "%s", sec.err.c_str());
}

/*
 * SystemC's time ends at 2^64 - 1 ps (about 213.5 days): at 1 s a cycle, cycle 18446744 is the last that starts
 * before it. A demand fault served in 10^7 cycles twice (two pages, 10 000 000 + 10 000 000 = 2 x 10^7 > 18446744)
 * would pass it: an error naming the option, no report, instead of a time that wraps around.
 */
Test(mmusim_tlm, a_run_past_the_end_of_systemc_time_is_an_error)
{
	temp_file t("R 1000\nR 200000\n");
	run_result r = run(MMU_MMUSIM_TLM, std::string("--format text --trace ") + t.path +
	                                       " --period 1s --set os.fault_cycles=10000000");
	cr_assert_eq(r.status, 2, "%s", r.err.c_str());
	cr_assert(r.out.empty(), "no report after an error");
	cr_assert(r.err.rfind("mmusim-tlm: --period 1s: cycle ", 0) == 0, "%s", r.err.c_str());
	cr_assert(r.err.find("would start after 18446744073709551615 ps") != std::string::npos, "%s", r.err.c_str());
	/* at 1 ms a cycle the same run ends well inside SystemC's time, in mmusim's cycles */
	cJSON *j = same_as_mmusim(std::string("--format text --trace ") + t.path + " --set os.fault_cycles=10000000");
	cr_assert_gt(number(j, "cycles"), 20000000);
	run_result ms = run(MMU_MMUSIM_TLM, std::string("--format text --trace ") + t.path +
	                                        " --period 1ms --set os.fault_cycles=10000000");
	char expect[64];
	std::snprintf(expect, sizeof expect, " ms = %.0f cycles\n", number(j, "cycles"));
	cr_assert_eq(ms.status, 0, "%s", ms.err.c_str());
	cr_assert(ms.err.find(expect) != std::string::npos, "%s: %s", expect, ms.err.c_str());
	cJSON_Delete(j);
}

/* The README's example: a fresh page loaded by a user process, 1 + 9 + 8 x 101 cycles after a 1-cycle CR3 write. */
Test(mmusim_tlm, readme_example_runs)
{
	run_result r = run(MMU_TLM_EXAMPLE, "");
	cr_assert_eq(r.status, 0, "%s", r.err.c_str());
	cr_assert(r.out.find(" in 818 cycles\n") != std::string::npos, "%s", r.out.c_str());
	cr_assert(r.out.find("1 walks, 819 cycles\n") != std::string::npos, "%s", r.out.c_str());
}
