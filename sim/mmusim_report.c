/* The report of a run: readable text, or one flat JSON object for scripts. */
#include "mmusim_report.h"

#include <cjson/cJSON.h>
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

/* Model-only structures (docs/timing.md W9-W12, M6-M8) appear in reports only when configured. */
static bool pwc_on(const mmu_cfg_t *cfg, unsigned level)
{
	return level >= MMU_PWC_MIN_LEVEL && level <= MMU_PWC_MAX_LEVEL && cfg->pwc[level].entries;
}

static bool any_pwc(const mmu_cfg_t *cfg)
{
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++)
		if (pwc_on(cfg, n))
			return true;
	return false;
}

static bool walk_caches_on(const mmu_cfg_t *cfg)
{
	return any_pwc(cfg) || cfg->mem.dcache.entries;
}

/* The OS side's huge-page policies and memory limit (README, "Huge pages and memory pressure"), off by default. */
static bool os_features(const mmu_cfg_t *cfg)
{
	return cfg->os.thp != MMU_THP_NEVER || cfg->os.huge.range[0].page_size || cfg->os.mem_frames;
}

/* Whether a config key or statistic named `name` belongs to a model-only structure that is off. */
static bool hidden(const mmu_cfg_t *cfg, const char *name)
{
	unsigned level;
	if (!strncmp(name, "os.thp", 6) || !strcmp(name, "os.huge") || !strcmp(name, "os.mem_frames") ||
	    !strncmp(name, "os.swap_", 8))
		return !os_features(cfg);
	if (sscanf(name, "pwc.l%u.", &level) == 1)
		return !pwc_on(cfg, level);
	if (!strncmp(name, "pwc.", 4))
		return !any_pwc(cfg);
	if (!strncmp(name, "dcache.", 7))
		return !cfg->mem.dcache.entries;
	return false;
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
	fprintf(out, "\n  walk caches (model-only)%s\n",
	        strcmp(paging, "x86_64") ? "" : ": PWC l4 = PML4E cache, l3 = PDPTE cache, l2 = PDE cache");
	for (unsigned n = MMU_PWC_MAX_LEVEL; n >= MMU_PWC_MIN_LEVEL; n--) {
		if (!pwc_on(cfg, n))
			continue;
		char name[24];
		snprintf(name, sizeof name, "PWC l%u", n);
		tlb_row(out, name, &cfg->pwc[n], counts[n][0], counts[n][1], counts[n][2]);
	}
	if (cfg->mem.dcache.entries) {
		tlb_row(out, "dcache", &cfg->mem.dcache, st->dcache_accesses, st->dcache_hits, st->dcache_misses);
		fprintf(out, "  dcache lines of %u bytes; a miss costs mem.latency\n", cfg->mem.dcache_line_bytes);
	}
	if (st->walks)
		fprintf(out,
		        "  walk references %.3f PTE reads + %.3f A/D writes per walk (%" PRIu64
		        " reads skipped by PWC hits)\n",
		        (double)st->pte_reads / (double)st->walks, (double)st->ad_writes / (double)st->walks,
		        st->pwc_skipped);
}

/* The page sizes of the configured mode: level n maps 2^shift[n] bytes; levels without leaves are left out. */
typedef struct page_sizes {
	unsigned n;
	unsigned level[MMU_MAX_LEVELS];
	char label[MMU_MAX_LEVELS][16];
} page_sizes_t;

static void size_label(unsigned shift, char *buf, size_t n)
{
	static const char unit[] = "BKMGTPE";
	snprintf(buf, n, "%" PRIu64 "%c", UINT64_C(1) << (shift % 10), unit[shift / 10]);
}

static void page_sizes(const mmu_cfg_t *cfg, page_sizes_t *ps)
{
	mmu_paging_t pg;
	char msg[160];
	ps->n = 0;
	if (mmu_paging_init(&pg, &cfg->paging, msg, sizeof msg) != 0)
		return;
	for (unsigned level = 1; level <= pg.levels && level <= 3; level++) {
		if (level > 1 && !((pg.huge_levels >> level) & 1))
			continue;
		ps->level[ps->n] = level;
		size_label(mmu_paging_shift(&pg, level), ps->label[ps->n], sizeof ps->label[ps->n]);
		ps->n++;
	}
}

static uint64_t served(const mmu_stats_t *st, unsigned level)
{
	return level == 1 ? st->served_level1 : level == 2 ? st->served_level2 : st->served_level3;
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

static double ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : 0.0;
}

/*
 * Effective access time per reference with the measured fault costs: one translation per request and the data
 * access at mem.latency, plus the OS's fault service (handler and swap transfers) spread over the references.
 */
static double eat_measured(const mmu_cfg_t *cfg, const mmu_stats_t *st, const mmu_sim_stats_t *ss)
{
	return ratio(st->translation_cycles + ss->fault_service_cycles, ss->references) + cfg->mem.latency;
}

static void os_section(FILE *out, const mmu_cfg_t *cfg, const mmu_stats_t *st, const mmu_sim_stats_t *ss)
{
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
	        ratio(ss->demand_faults, ss->references), ss->demand_faults, ss->references,
	        ratio(ss->swap_ins, ss->references));
	fprintf(out,
	        "  fault service   %" PRIu64 " cycles: handler %" PRIu64 " x %" PRIu64 ", swap %" PRIu64 " (in %" PRIu64
	        ", out %" PRIu64 " cycles per base page)\n",
	        ss->fault_service_cycles, ss->demand_faults, cfg->os.fault_cycles, ss->swap_cycles,
	        cfg->os.swap_in_cycles, cfg->os.swap_out_cycles);
	fprintf(out,
	        "  EAT             (translation + fault service cycles) / references + mem.latency = (%" PRIu64
	        " + %" PRIu64 ") / %" PRIu64 " + %u = %.4f cycles per reference\n",
	        st->translation_cycles, ss->fault_service_cycles, ss->references, cfg->mem.latency,
	        eat_measured(cfg, st, ss));
}

void report_text_src(FILE *out, const run_info_t *info, const report_src_t *src)
{
	const mmu_cfg_t *cfg = src->cfg;
	const mmu_sim_stats_t *ss = src->ss;
	const mmu_stats_t st = *src->st;
	mmu_stats_derived_t d;
	mmu_stats_derive(&st, &d);

	fprintf(out, "mmusim: %s (%s), %s engine\n", info->trace, info->format, info->engine);
	fprintf(out,
	        "  %" PRIu64 " references -> %" PRIu64 " translations (%" PRIu64 " page-crossing, %" PRIu64
	        " retried after a fault), %" PRIu64 " context switches\n",
	        ss->references, ss->translations, ss->split_references, ss->demand_faults, ss->context_switches);
	fprintf(out, "  paging %s, cr3.pcid %s, os.populate %s, mem.latency %u cycles\n\n", src->paging,
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
	if (walk_caches_on(cfg))
		walk_cache_rows(out, cfg, &st, src->paging);

	fprintf(out,
	        "\n  faults          %12" PRIu64 "  (not present %" PRIu64 ", protection %" PRIu64 ", reserved %" PRIu64
	        ", non-canonical %" PRIu64 ")\n",
	        st.faults, st.faults_not_present, st.faults_protection, st.faults_reserved, st.faults_noncanonical);
	fprintf(out, "  demand faults   %12" PRIu64 "  served by the OS, %" PRIu64 " cycles at %" PRIu64 " each\n",
	        ss->demand_faults, ss->fault_service_cycles, cfg->os.fault_cycles);
	if (ss->unhandled_faults)
		fprintf(out, "  UNHANDLED       %12" PRIu64 "  faults the OS could not serve\n", ss->unhandled_faults);
	page_sizes_t ps;
	page_sizes(cfg, &ps);
	fprintf(out, "  pages served   ");
	for (unsigned i = 0; i < ps.n; i++)
		fprintf(out, "%s %s-level %" PRIu64, i ? "," : "", ps.label[i], served(&st, ps.level[i]));
	fprintf(out, "\n");
	if (os_features(cfg))
		os_section(out, cfg, &st, ss);

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

static int add_u64(cJSON *obj, const char *name, uint64_t v)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%" PRIu64, v);
	return cJSON_AddItemToObject(obj, name, cJSON_CreateRaw(buf)) ? 0 : -1;
}

static int add_f(cJSON *obj, const char *name, double v)
{
	char buf[48];
	snprintf(buf, sizeof buf, "%.6f", v);
	return cJSON_AddItemToObject(obj, name, cJSON_CreateRaw(buf)) ? 0 : -1;
}

int report_json_src(FILE *out, const run_info_t *info, const report_src_t *src)
{
	const mmu_sim_stats_t *ss = src->ss;
	const mmu_stats_t st = *src->st;
	mmu_stats_derived_t d;
	mmu_stats_derive(&st, &d);
	cJSON *obj = cJSON_CreateObject();
	if (!obj)
		return -1;
	int err = 0;
	err |= !cJSON_AddStringToObject(obj, "trace", info->trace);
	err |= !cJSON_AddStringToObject(obj, "format", info->format);
	err |= !cJSON_AddStringToObject(obj, "engine", info->engine);
	for (size_t i = 0; i < mmu_cfg_key_count(); i++) {
		char key[96], val[256];
		if (hidden(src->cfg, mmu_cfg_key_name(i)))
			continue;
		snprintf(key, sizeof key, "config.%s", mmu_cfg_key_name(i));
		mmu_cfg_get(src->cfg, mmu_cfg_key_name(i), val, sizeof val);
		err |= !cJSON_AddStringToObject(obj, key, val);
	}
	err |= add_u64(obj, "references", ss->references);
	err |= add_u64(obj, "translations", ss->translations);
	err |= add_u64(obj, "split_references", ss->split_references);
	err |= add_u64(obj, "os.demand_faults", ss->demand_faults);
	err |= add_u64(obj, "os.unhandled_faults", ss->unhandled_faults);
	err |= add_u64(obj, "os.fault_service_cycles", ss->fault_service_cycles);
	err |= add_u64(obj, "context_switches", ss->context_switches);
	for (unsigned i = 0; i < mmu_stats_count(); i++)
		if (!hidden(src->cfg, mmu_stats_name(i)))
			err |= add_u64(obj, mmu_stats_name(i), mmu_stats_value(&st, i));
	for (unsigned b = 0; b < MMU_WALK_HIST_BUCKETS; b++) {
		char name[48];
		snprintf(name, sizeof name, "walk_cycles.hist.%" PRIu64, UINT64_C(1) << b);
		err |= add_u64(obj, name, st.walk_hist[b]);
	}
	err |= add_f(obj, "tlb.l1i.miss_rate", d.l1i_miss_rate);
	err |= add_f(obj, "tlb.l1d.miss_rate", d.l1d_miss_rate);
	err |= add_f(obj, "tlb.l2.miss_rate", d.l2_miss_rate);
	err |= add_f(obj, "walk_cycles.mean", d.walk_cycles_mean);
	err |= add_f(obj, "amat_cycles", d.amat_cycles);
	err |= add_f(obj, "amat.formula_cycles", d.amat_formula);
	err |= add_f(obj, "amat.hit_time", d.hit_time);
	err |= add_f(obj, "amat.l1_miss_rate", d.m1);
	err |= add_f(obj, "amat.l2_time", d.t2);
	err |= add_f(obj, "amat.l2_miss_rate", d.m2);
	err |= add_f(obj, "amat.walk_penalty", d.walk_penalty);
	err |= add_f(obj, "amat.dirty_rate", d.dirty_rate);
	err |= add_f(obj, "amat.dirty_penalty", d.dirty_penalty);
	if (os_features(src->cfg)) {
		page_sizes_t ps;
		page_sizes(src->cfg, &ps);
		for (unsigned i = 0; i < ps.n; i++) {
			char name[32];
			snprintf(name, sizeof name, "served.%s", ps.label[i]);
			err |= add_u64(obj, name, served(&st, ps.level[i]));
		}
		err |= add_u64(obj, "os.huge_faults", ss->huge_faults);
		err |= add_u64(obj, "os.thp_collapses", ss->thp_collapses);
		err |= add_u64(obj, "os.thp_fallbacks", ss->thp_fallbacks);
		err |= add_u64(obj, "os.evictions", ss->evictions);
		err |= add_u64(obj, "os.swap_outs", ss->swap_outs);
		err |= add_u64(obj, "os.swap_ins", ss->swap_ins);
		err |= add_u64(obj, "os.swap_cycles", ss->swap_cycles);
		err |= add_u64(obj, "os.shootdowns", ss->shootdowns);
		err |= add_f(obj, "os.fault_rate", ratio(ss->demand_faults, ss->references));
		err |= add_f(obj, "os.swap_in_rate", ratio(ss->swap_ins, ss->references));
		err |= add_f(obj, "eat_cycles", eat_measured(src->cfg, &st, ss));
	}
	if (walk_caches_on(src->cfg)) {
		err |= add_f(obj, "walk.pte_reads_per_walk", st.walks ? (double)st.pte_reads / (double)st.walks : 0.0);
		err |= add_f(obj, "walk.refs_per_walk",
		             st.walks ? (double)(st.pte_reads + st.ad_writes) / (double)st.walks : 0.0);
	}
	char *text = err ? NULL : cJSON_Print(obj);
	cJSON_Delete(obj);
	if (!text)
		return -1;
	fprintf(out, "%s\n", text);
	cJSON_free(text);
	return 0;
}

/* mmusim's own runs: the figures come from the simulated system. */
static void sim_src(const mmu_sim_t *sim, mmu_stats_t *st, report_src_t *src)
{
	const mmu_t *m = mmu_sim_mmu(sim);
	mmu_stats_read(m, st);
	mmu_mem_stats_read(mmu_sim_mem(sim), st);
	*src = (report_src_t){.cfg = mmu_config(m), .paging = mmu_paging(m)->name, .st = st, .ss = mmu_sim_stats(sim)};
}

void report_text(FILE *out, const run_info_t *info, const mmu_sim_t *sim)
{
	mmu_stats_t st;
	report_src_t src;
	sim_src(sim, &st, &src);
	report_text_src(out, info, &src);
}

int report_json(FILE *out, const run_info_t *info, const mmu_sim_t *sim)
{
	mmu_stats_t st;
	report_src_t src;
	sim_src(sim, &st, &src);
	return report_json_src(out, info, &src);
}
