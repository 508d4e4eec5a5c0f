/* The report of a run: readable text, or one flat JSON object for scripts. */
#include "mmusim_report.h"

#include <inttypes.h>
#include <string.h>

static double pct(uint64_t num, uint64_t den)
{
	return den ? 100.0 * (double)num / (double)den : 0.0;
}

static void tlb_row(FILE *out, const char *name, const mmu_tlb_cfg_t *c, uint64_t acc, uint64_t hit, uint64_t miss)
{
	static const char *policy[] = {"lru", "plru", "fifo", "random"};
	unsigned ways = c->ways ? c->ways : c->entries;
	fprintf(out, "  %-8s %5u x %-3u %-6s %3u cy %14" PRIu64 " %14" PRIu64 " %12" PRIu64 " %9.4f %%\n", name,
	        c->entries / ways, ways, policy[c->policy], c->hit_latency, acc, hit, miss, pct(miss, acc));
}

static void walk_histogram(FILE *out, const mmu_stats_t *st)
{
	uint64_t most = 0;
	for (unsigned b = 0; b < MMU_WALK_HIST_BUCKETS; b++)
		if (st->walk_hist[b] > most)
			most = st->walk_hist[b];
	if (!most)
		return;
	fprintf(out, "  walk latency histogram (cycles):\n");
	for (unsigned b = 0; b < MMU_WALK_HIST_BUCKETS; b++) {
		if (!st->walk_hist[b])
			continue;
		unsigned bar = (unsigned)(40.0 * (double)st->walk_hist[b] / (double)most + 0.5);
		char hi[24];
		if (b + 1 < MMU_WALK_HIST_BUCKETS)
			snprintf(hi, sizeof hi, "%" PRIu64, (UINT64_C(1) << (b + 1)) - 1);
		else
			snprintf(hi, sizeof hi, "...");
		fprintf(out, "    %6" PRIu64 " - %-6s %12" PRIu64 "  %.*s\n", UINT64_C(1) << b, hi, st->walk_hist[b],
		        (int)bar, "########################################");
	}
}

static void walk_cache_rows(FILE *out, const mmu_cfg_t *cfg, const mmu_stats_t *st, const char *paging)
{
	const uint64_t counts[][3] = {
	    {0, 0, 0},
	    {0, 0, 0},
	    {st->pwc_l2_accesses, st->pwc_l2_hits, st->pwc_l2_misses},
	    {st->pwc_l3_accesses, st->pwc_l3_hits, st->pwc_l3_misses},
	    {st->pwc_l4_accesses, st->pwc_l4_hits, st->pwc_l4_misses},
	    {st->pwc_l5_accesses, st->pwc_l5_hits, st->pwc_l5_misses},
	};
	fprintf(out, "\n  walk caches%s\n",
	        !strcmp(paging, "x86_64")        ? ": PWC l4 = PML4E cache, l3 = PDPTE cache, l2 = PDE cache"
	        : !strcmp(paging, "x86_64_la57") ? ": PWC l5 = PML5E cache, l4 = PML4E cache, l3 = PDPTE cache, l2 = "
	                                           "PDE cache"
	                                         : "");
	for (unsigned n = MMU_PWC_MAX_LEVEL; n >= MMU_PWC_MIN_LEVEL; n--) {
		if (!report_pwc_on(cfg, n))
			continue;
		char name[24];
		snprintf(name, sizeof name, "PWC l%u", n);
		tlb_row(out, name, &cfg->pwc[n], counts[n][0], counts[n][1], counts[n][2]);
	}
	if (cfg->mem.dcache.entries) {
		tlb_row(out, "dcache", &cfg->mem.dcache, st->dcache_accesses, st->dcache_hits, st->dcache_misses);
		fprintf(out, "  dcache (model-only) lines of %u bytes; a miss costs mem.latency\n",
		        cfg->mem.dcache_line_bytes);
	}
	if (st->walks)
		fprintf(out,
		        "  walk references %.3f PTE reads + %.3f A/D writes per walk (%" PRIu64
		        " reads skipped by PWC hits)\n",
		        (double)st->pte_reads / (double)st->walks, (double)st->ad_writes / (double)st->walks,
		        st->pwc_skipped);
}

/* PTE reads per level, from the root's level down to 1: as many levels as the paging mode has. */
static void pte_read_row(FILE *out, const mmu_cfg_t *cfg, const mmu_stats_t *st)
{
	const uint64_t by_level[MMU_MAX_LEVELS + 1] = {
	    0, st->pte_reads_l1, st->pte_reads_l2, st->pte_reads_l3, st->pte_reads_l4, st->pte_reads_l5};
	mmu_paging_t pg;
	char msg[160];
	unsigned levels = mmu_paging_init(&pg, &cfg->paging, msg, sizeof msg) == 0 ? pg.levels : 4;
	fprintf(out, "  PTE reads       %12" PRIu64 "  (level %u: %" PRIu64, st->pte_reads, levels, by_level[levels]);
	for (unsigned level = levels - 1; level >= 1; level--)
		fprintf(out, ", %u: %" PRIu64, level, by_level[level]);
	fprintf(out, ")\n");
}

/* A real figure of the results that the configuration shows (the caller checked its group is on). */
static double real(const results_t *r, const char *name)
{
	return results_find(r, name)->v.d;
}

static void os_section(FILE *out, const results_t *r)
{
	const mmu_cfg_t *cfg = &r->cfg;
	const mmu_stats_t *st = &r->st;
	const mmu_sim_stats_t *ss = &r->ss;
	static const char *thp[] = {"never", "always", "dense"};
	fprintf(out, "\n  huge pages      os.thp %s", thp[cfg->os.thp]);
	if (cfg->os.thp == MMU_THP_DENSE)
		fprintf(out, " (collapse at %" PRIu32 " base pages)", cfg->os.thp_density);
	fprintf(out,
	        ", %" PRIu64 " mapped huge on demand, %" PRIu64 " collapsed, %" PRIu64 " fell back to base pages\n",
	        ss->huge_faults, ss->thp_collapses, ss->thp_fallbacks);
	if (cfg->os.mem_frames)
		fprintf(out,
		        "  memory          os.mem_frames %" PRIu64 ": %" PRIu64 " evictions (%" PRIu64
		        " written to swap), %" PRIu64 " swap-ins, %" PRIu64 " TLB shootdowns\n",
		        cfg->os.mem_frames, ss->evictions, ss->swap_outs, ss->swap_ins, ss->shootdowns);
	else
		fprintf(out, "  memory          unlimited (os.mem_frames 0)\n");
	fprintf(out, "  fault rate      %.6f demand faults per reference (%" PRIu64 " / %" PRIu64 "), %.6f swap-ins\n",
	        real(r, "os.fault_rate"), ss->demand_faults, ss->references, real(r, "os.swap_in_rate"));
	fprintf(out,
	        "  fault service   %" PRIu64 " cycles: handler %" PRIu64 " x %" PRIu64 ", swap %" PRIu64 " (in %" PRIu64
	        ", out %" PRIu64 " cycles per base page)\n",
	        ss->fault_service_cycles, ss->demand_faults, cfg->os.fault_cycles, ss->swap_cycles,
	        cfg->os.swap_in_cycles, cfg->os.swap_out_cycles);
	fprintf(out,
	        "  EAT             (translation + fault service cycles) / references + mem.latency = (%" PRIu64
	        " + %" PRIu64 ") / %" PRIu64 " + %u = %.4f cycles per reference\n",
	        st->translation_cycles, ss->fault_service_cycles, ss->references, cfg->mem.latency,
	        real(r, "eat_cycles"));
}

/* The text has its own layout; its figures are the typed results' (the JSON's). */
void report_text_results(FILE *out, const results_t *r)
{
	const mmu_cfg_t *cfg = &r->cfg;
	const mmu_sim_stats_t *ss = &r->ss;
	const mmu_stats_t st = r->st;
	const mmu_stats_derived_t d = r->d;
	const char *paging = r->paging;

	fprintf(out, "mmusim: %s (%s), %s engine\n", results_find(r, "trace")->v.s, results_find(r, "format")->v.s,
	        results_find(r, "engine")->v.s);
	const result_t *stop = results_find(r, "interrupted");
	if (stop)
		fprintf(out, "  interrupted by %s: the figures are of the records simulated before it\n", stop->v.s);
	fprintf(out,
	        "  %" PRIu64 " references -> %" PRIu64 " translations (%" PRIu64 " page-crossing, %" PRIu64
	        " retried after a fault), %" PRIu64 " context switches\n",
	        ss->references, ss->translations, ss->split_references, ss->demand_faults, ss->context_switches);
	fprintf(out, "  paging %s, cr3.pcid %s, os.populate %s, mem.latency %u cycles\n\n", paging,
	        cfg->pcid ? "on" : "off", cfg->os.populate ? "on" : "off", cfg->mem.latency);

	fprintf(out, "  TLB       sets x ways policy latency     accesses           hits       misses  miss rate\n");
	tlb_row(out, "L1 ITLB", &cfg->l1i, st.l1i_accesses, st.l1i_hits, st.l1i_misses);
	tlb_row(out, "L1 DTLB", &cfg->l1d, st.l1d_accesses, st.l1d_hits, st.l1d_misses);
	if (cfg->l2.entries)
		tlb_row(out, "L2 TLB", &cfg->l2, st.l2_accesses, st.l2_hits, st.l2_misses);
	else
		fprintf(out, "  L2 TLB   absent\n");

	fprintf(out, "\n  page walks      %12" PRIu64 "  (%" PRIu64 " re-walks to set a dirty bit)\n", st.walks,
	        st.walks_dirty);
	if (st.walks)
		fprintf(out, "  walk latency    min %" PRIu64 ", mean %.1f, max %" PRIu64 " cycles\n",
		        st.walk_cycles_min, d.walk_cycles_mean, st.walk_cycles_max);
	pte_read_row(out, cfg, &st);
	fprintf(out, "  A/D write-backs %12" PRIu64 "\n", st.ad_writes);
	walk_histogram(out, &st);
	if (report_walk_caches_on(cfg))
		walk_cache_rows(out, cfg, &st, paging);

	fprintf(out,
	        "\n  faults          %12" PRIu64 "  (not present %" PRIu64 ", protection %" PRIu64 ", reserved %" PRIu64
	        ", non-canonical %" PRIu64 ")\n",
	        st.faults, st.faults_not_present, st.faults_protection, st.faults_reserved, st.faults_noncanonical);
	fprintf(out, "  demand faults   %12" PRIu64 "  served by the OS, %" PRIu64 " cycles at %" PRIu64 " each\n",
	        ss->demand_faults, ss->fault_service_cycles, cfg->os.fault_cycles);
	if (ss->unhandled_faults)
		fprintf(out, "  UNHANDLED       %12" PRIu64 "  faults the OS could not serve\n", ss->unhandled_faults);
	page_sizes_t ps;
	report_page_sizes(cfg, &ps);
	fprintf(out, "  pages served   ");
	for (unsigned i = 0; i < ps.n; i++)
		fprintf(out, "%s %s-level %" PRIu64, i ? "," : "", ps.label[i], report_served(&st, ps.level[i]));
	fprintf(out, "\n");
	if (report_os_features(cfg))
		os_section(out, r);

	fprintf(out, "\n  cycles          %12" PRIu64 "  (translation %" PRIu64 ", OS fault service %" PRIu64 ")\n",
	        st.cycles, st.translation_cycles, ss->fault_service_cycles);
	fprintf(out, "\n  AMAT (average translation time per request)\n");
	fprintf(out, "    measured: translation cycles / requests = %" PRIu64 " / %" PRIu64 " = %.4f cycles\n",
	        st.translation_cycles, st.requests, d.amat_cycles);
	fprintf(out, "    formula:  hit time + L1 miss rate x (L2 time + L2 miss rate x walk penalty)\n");
	fprintf(out, "              + dirty re-walk rate x re-walk penalty\n");
	fprintf(out, "            = %.4f + %.6f x (%.4f + %.6f x %.2f) + %.6f x %.2f\n", d.hit_time, d.m1, d.t2, d.m2,
	        d.walk_penalty, d.dirty_rate, d.dirty_penalty);
	fprintf(out, "            = %.4f cycles\n", d.amat_formula);
	fprintf(out, "    (rates per request; L2 miss rate is per L2 lookup%s)\n",
	        cfg->l2.entries ? "" : "; no L2: its time is the wait for the walker, its miss rate 1");
}

void report_text_src(FILE *out, const run_info_t *info, const report_src_t *src)
{
	results_t r;
	if (results_build(&r, info, src) == 0)
		report_text_results(out, &r);
	else
		fprintf(stderr, "mmusim: out of memory for the report\n");
	results_free(&r);
}

int report_json_src(FILE *out, const run_info_t *info, const report_src_t *src)
{
	results_t r;
	int err = results_build(&r, info, src) || results_print_json(out, &r);
	results_free(&r);
	return err ? -1 : 0;
}

void report_text(FILE *out, const run_info_t *info, const mmu_sim_t *sim)
{
	results_t r;
	if (results_build_sim(&r, info, sim) == 0)
		report_text_results(out, &r);
	else
		fprintf(stderr, "mmusim: out of memory for the report\n");
	results_free(&r);
}

int report_json(FILE *out, const run_info_t *info, const mmu_sim_t *sim)
{
	results_t r;
	int err = results_build_sim(&r, info, sim) || results_print_json(out, &r);
	results_free(&r);
	return err ? -1 : 0;
}
