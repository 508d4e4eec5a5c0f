/* The results of a run as typed values (see mmusim_results.h): the table of every figure, and the values of a run. */
#include "mmusim_results.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim_report.h"
#include "mmusim_version.h"

/* ---- the table of every figure ---- */

/* One entry of the table: a figure, or the prefix of a per-bucket array. */
typedef struct figure {
	const char *name, *unit, *description;
	result_kind_t kind;
	result_type_t type;
} figure_t;

/* When a figure is reported (mmu_sim_stats.def, mmusim_figures.def): always, with OS-side features, with walk caches.
 */
typedef enum { GROUP_CORE, GROUP_OS, GROUP_WALK_CACHES } group_t;

/* The kind of a counter of mmu_stats.def, which declares units only: cycles are cycles, everything else events. */
#define STAT_KIND(unit) (!strcmp(unit, "cycles") ? RESULT_CYCLES : RESULT_COUNT)

/* Every figure a report can hold, from the .def files, to look up by name. */
static const struct catalogued {
	figure_t f;
	bool mmu_stat; /* of mmu_stats.def: its kind follows from its unit */
} catalogue[] = {
#define MMU_SIM_STAT(field, name, unit, group, description)                                                            \
	{{name, unit, description, RESULT_COUNT, RESULT_U64}, false},
#include "mmu/mmu_sim_stats.def"
#define MMU_STAT(field, name, unit, description) {{name, unit, description, RESULT_COUNT, RESULT_U64}, true},
#include "mmu/mmu_stats.def"
#define MMU_DERIVED(field, name, unit, kind, description)                                                              \
	{{name, unit, description, RESULT_##kind, RESULT_REAL}, false},
#include "mmu/mmu_stats_derived.def"
#define REPORT_ARRAY(prefix, unit, kind, group, description)                                                           \
	{{prefix, unit, description, RESULT_##kind, RESULT_U64}, false},
#define REPORT_DERIVED(name, unit, kind, group, value, description)                                                    \
	{{name, unit, description, RESULT_##kind, RESULT_REAL}, false},
#define REPORT_PROVENANCE(name, type, description) {{name, "", description, RESULT_PROVENANCE, RESULT_##type}, false},
#include "mmusim_figures.def"
};

#define NFIGURES (sizeof catalogue / sizeof catalogue[0])

static figure_t fig(size_t i)
{
	figure_t f = catalogue[i].f;
	if (catalogue[i].mmu_stat)
		f.kind = STAT_KIND(f.unit);
	return f;
}

/* The entry of a name every caller takes from a .def file: not finding it is a bug of this file. */
static figure_t named(const char *name)
{
	for (size_t i = 0; i < NFIGURES; i++)
		if (!strcmp(catalogue[i].f.name, name))
			return fig(i);
	fprintf(stderr, "mmusim: internal error: no figure %s in the table\n", name);
	abort();
}

/* ---- what a report shows ---- */

/* Model-only structures (docs/timing.md W9-W12, M6-M8) appear in reports only when configured. */
bool report_pwc_on(const mmu_cfg_t *cfg, unsigned level)
{
	return level >= MMU_PWC_MIN_LEVEL && level <= MMU_PWC_MAX_LEVEL && cfg->pwc[level].entries;
}

static bool any_pwc(const mmu_cfg_t *cfg)
{
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++)
		if (report_pwc_on(cfg, n))
			return true;
	return false;
}

bool report_walk_caches_on(const mmu_cfg_t *cfg)
{
	return any_pwc(cfg) || cfg->mem.dcache.entries;
}

/* The OS side's huge-page policies and memory limit (README, "Huge pages and memory pressure"), off by default. */
bool report_os_features(const mmu_cfg_t *cfg)
{
	return cfg->os.thp != MMU_THP_NEVER || cfg->os.huge.range[0].page_size || cfg->os.mem_frames;
}

/* Whether a config key or statistic named `name` belongs to a model-only structure that is off. */
static bool hidden(const mmu_cfg_t *cfg, const char *name)
{
	unsigned level;
	if (!strncmp(name, "os.thp", 6) || !strcmp(name, "os.huge") || !strcmp(name, "os.mem_frames") ||
	    !strncmp(name, "os.swap_", 8))
		return !report_os_features(cfg);
	if (sscanf(name, "pwc.l%u.", &level) == 1)
		return !report_pwc_on(cfg, level);
	if (!strncmp(name, "pwc.", 4))
		return !any_pwc(cfg);
	if (!strncmp(name, "dcache.", 7))
		return !cfg->mem.dcache.entries;
	return false;
}

static bool group_shown(const mmu_cfg_t *cfg, group_t g)
{
	return g == GROUP_OS ? report_os_features(cfg) : g == GROUP_WALK_CACHES ? report_walk_caches_on(cfg) : true;
}

static void size_label(unsigned shift, char *buf, size_t n)
{
	static const char unit[] = "BKMGTPE";
	snprintf(buf, n, "%" PRIu64 "%c", UINT64_C(1) << (shift % 10), unit[shift / 10]);
}

void report_page_sizes(const mmu_cfg_t *cfg, page_sizes_t *ps)
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

uint64_t report_served(const mmu_stats_t *st, unsigned level)
{
	return level == 1 ? st->served_level1 : level == 2 ? st->served_level2 : st->served_level3;
}

static double ratio(uint64_t num, uint64_t den)
{
	return den ? (double)num / (double)den : 0.0;
}

/* ---- building the values ---- */

static result_t *add(results_t *r, const char *name, const figure_t *f, result_kind_t kind, result_type_t type)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 256;
		result_t *v = realloc(r->v, cap * sizeof *v);
		if (!v)
			return NULL;
		r->v = v;
		r->cap = cap;
	}
	result_t *v = &r->v[r->n++];
	memset(v, 0, sizeof *v);
	snprintf(v->name, sizeof v->name, "%s", name);
	v->unit = f ? f->unit : "";
	v->description = f ? f->description : "";
	v->kind = kind;
	v->type = type;
	return v;
}

static int add_u64(results_t *r, const char *name, const figure_t *f, result_kind_t kind, uint64_t u)
{
	result_t *v = add(r, name, f, kind, RESULT_U64);
	if (!v)
		return -1;
	v->v.u = u;
	return 0;
}

static int add_real(results_t *r, const figure_t *f, double d)
{
	result_t *v = add(r, f->name, f, f->kind, RESULT_REAL);
	if (!v)
		return -1;
	v->v.d = d;
	return 0;
}

static int add_text(results_t *r, const char *name, const figure_t *f, result_kind_t kind, const char *s)
{
	result_t *v = add(r, name, f, kind, RESULT_TEXT);
	if (!v)
		return -1;
	v->v.s = strdup(s ? s : "");
	return v->v.s ? 0 : -1;
}

/* A configuration value: a number where the key's value is one (entries, 'full' ways stays a word). */
static int add_config(results_t *r, size_t key, const char *text)
{
	char name[RESULT_NAME_MAX];
	snprintf(name, sizeof name, "config.%s", mmu_cfg_key_name(key));
	figure_t f = {name, mmu_cfg_key_unit(key), mmu_cfg_key_description(key), RESULT_CONFIG, RESULT_TEXT};
	const char *p = text + (text[0] == '-');
	bool negative = text[0] == '-';
	errno = 0;
	long long i = negative ? strtoll(text, NULL, 10) : 0;
	unsigned long long u = negative ? 0 : strtoull(text, NULL, 10);
	if (!*p || strspn(p, "0123456789") != strlen(p) || errno)
		return add_text(r, name, &f, RESULT_CONFIG, text);
	result_t *v = add(r, name, &f, RESULT_CONFIG, negative ? RESULT_I64 : RESULT_U64);
	if (!v)
		return -1;
	if (negative)
		v->v.i = i;
	else
		v->v.u = u;
	return 0;
}

static int add_configs(results_t *r, const mmu_cfg_t *cfg)
{
	int err = 0;
	for (size_t i = 0; i < mmu_cfg_key_count(); i++) {
		char val[256];
		if (hidden(cfg, mmu_cfg_key_name(i)))
			continue;
		mmu_cfg_get(cfg, mmu_cfg_key_name(i), val, sizeof val);
		err |= add_config(r, i, val);
	}
	return err;
}

static int add_sim_stats(results_t *r, const mmu_sim_stats_t *ss, group_t group)
{
	int err = 0;
	figure_t f;
#define MMU_SIM_STAT(field, name, unit, grp, description)                                                              \
	if (GROUP_##grp == group) {                                                                                    \
		f = named(name);                                                                                       \
		err |= add_u64(r, name, &f, f.kind, ss->field);                                                        \
	}
#include "mmu/mmu_sim_stats.def"
	return err;
}

static int add_mmu_stats(results_t *r, const mmu_cfg_t *cfg, const mmu_stats_t *st)
{
	int err = 0;
	for (unsigned k = 0; k < mmu_stats_count(); k++) {
		figure_t f = named(mmu_stats_name(k));
		if (!hidden(cfg, f.name))
			err |= add_u64(r, f.name, &f, f.kind, mmu_stats_value(st, k));
	}
	return err;
}

static int add_hist(results_t *r, const mmu_stats_t *st)
{
	figure_t f = named("walk_cycles.hist.");
	int err = 0;
	for (unsigned b = 0; b < MMU_WALK_HIST_BUCKETS; b++) {
		char name[RESULT_NAME_MAX];
		snprintf(name, sizeof name, "%s%" PRIu64, f.name, UINT64_C(1) << b);
		err |= add_u64(r, name, &f, f.kind, st->walk_hist[b]);
	}
	return err;
}

static int add_derived(results_t *r, const mmu_stats_derived_t *d)
{
	int err = 0;
	figure_t f;
#define MMU_DERIVED(field, name, unit, kind, description)                                                              \
	f = named(name);                                                                                               \
	err |= add_real(r, &f, d->field);
#include "mmu/mmu_stats_derived.def"
	return err;
}

static int add_served(results_t *r, const mmu_cfg_t *cfg, const mmu_stats_t *st)
{
	figure_t f = named("served.");
	page_sizes_t ps;
	report_page_sizes(cfg, &ps);
	int err = 0;
	for (unsigned i = 0; i < ps.n; i++) {
		char name[RESULT_NAME_MAX];
		snprintf(name, sizeof name, "%s%s", f.name, ps.label[i]);
		err |= add_u64(r, name, &f, f.kind, report_served(st, ps.level[i]));
	}
	return err;
}

static int add_report_derived(results_t *r, const mmu_cfg_t *cfg, const mmu_stats_t *st, const mmu_sim_stats_t *ss,
                              group_t group)
{
	int err = 0;
	figure_t f;
#define REPORT_DERIVED(name, unit, kind, grp, value, description)                                                      \
	if (GROUP_##grp == group) {                                                                                    \
		f = named(name);                                                                                       \
		err |= add_real(r, &f, (value));                                                                       \
	}
#include "mmusim_figures.def"
	return err;
}

/* "key=value key=value": the keys whose value differs from the default, in mmu_config_keys.def order. */
static char *changed_keys(const mmu_cfg_t *cfg)
{
	mmu_cfg_t def;
	mmu_cfg_default(&def);
	size_t cap = 256, used = 0;
	char *s = malloc(cap);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t i = 0; i < mmu_cfg_key_count(); i++) {
		char a[256], b[256];
		mmu_cfg_get(cfg, mmu_cfg_key_name(i), a, sizeof a);
		mmu_cfg_get(&def, mmu_cfg_key_name(i), b, sizeof b);
		if (!strcmp(a, b))
			continue;
		size_t need = used + strlen(mmu_cfg_key_name(i)) + strlen(a) + 3;
		if (need > cap) {
			char *t = realloc(s, cap = 2 * need);
			if (!t) {
				free(s);
				return NULL;
			}
			s = t;
		}
		used += (size_t)sprintf(s + used, "%s%s=%s", used ? " " : "", mmu_cfg_key_name(i), a);
	}
	return s;
}

static int prov_text(results_t *r, const char *name, const char *s)
{
	figure_t f = named(name);
	return add_text(r, name, &f, RESULT_PROVENANCE, s);
}

static int prov_u64(results_t *r, const char *name, uint64_t u)
{
	figure_t f = named(name);
	return add_u64(r, name, &f, RESULT_PROVENANCE, u);
}

int results_provenance(results_t *r, const run_info_t *info, const mmu_cfg_t *cfg)
{
	char crc[16];
	snprintf(crc, sizeof crc, "%08" PRIx32, info->trace_crc32);
	char *changed = changed_keys(cfg);
	int err = !changed;
	err |= prov_text(r, "provenance.version", MMUSIM_VERSION);
	err |= prov_text(r, "provenance.revision", MMUSIM_REVISION);
	err |= prov_text(r, "provenance.trace", info->trace);
	err |= prov_u64(r, "provenance.trace.file_bytes", info->trace_file_bytes);
	err |= prov_u64(r, "provenance.trace.content_bytes", info->trace_content_bytes);
	err |= prov_text(r, "provenance.trace.crc32", crc);
	err |= prov_text(r, "provenance.preset", info->preset);
	err |= prov_text(r, "provenance.config", info->config);
	err |= prov_text(r, "provenance.changed", changed);
	err |= prov_u64(r, "provenance.seed", cfg->seed);
	err |= prov_text(r, "provenance.engine", info->engine);
	free(changed);
	return err ? -1 : 0;
}

/* The order of `mmusim run --json`, kept from before the figures were typed: run, config, trace side, MMU, ... */
int results_build(results_t *r, const run_info_t *info, const report_src_t *src)
{
	memset(r, 0, sizeof *r);
	r->cfg = *src->cfg;
	r->paging = src->paging;
	r->st = *src->st;
	r->ss = *src->ss;
	mmu_stats_derive(&r->st, &r->d);
	const mmu_cfg_t *cfg = &r->cfg;
	int err = add_text(r, "trace", NULL, RESULT_RUN, info->trace);
	err |= add_text(r, "format", NULL, RESULT_RUN, info->format);
	err |= add_text(r, "engine", NULL, RESULT_RUN, info->engine);
	if (info->interrupted)
		err |= add_text(r, "interrupted", NULL, RESULT_RUN, info->interrupted);
	err |= add_configs(r, cfg);
	err |= add_sim_stats(r, &r->ss, GROUP_CORE);
	err |= add_mmu_stats(r, cfg, &r->st);
	err |= add_hist(r, &r->st);
	err |= add_derived(r, &r->d);
	if (group_shown(cfg, GROUP_OS)) {
		err |= add_served(r, cfg, &r->st);
		err |= add_sim_stats(r, &r->ss, GROUP_OS);
		err |= add_report_derived(r, cfg, &r->st, &r->ss, GROUP_OS);
	}
	if (group_shown(cfg, GROUP_WALK_CACHES))
		err |= add_report_derived(r, cfg, &r->st, &r->ss, GROUP_WALK_CACHES);
	err |= results_provenance(r, info, cfg);
	return err ? -1 : 0;
}

int results_build_sim(results_t *r, const run_info_t *info, const mmu_sim_t *sim)
{
	const mmu_t *m = mmu_sim_mmu(sim);
	mmu_stats_t st;
	mmu_stats_read(m, &st);
	mmu_mem_stats_read(mmu_sim_mem(sim), &st);
	report_src_t src = {.cfg = mmu_config(m), .paging = mmu_paging(m)->name, .st = &st, .ss = mmu_sim_stats(sim)};
	return results_build(r, info, &src);
}

void results_free(results_t *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].type == RESULT_TEXT)
			free(r->v[i].v.s);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

void run_info_trace(run_info_t *info, const mmu_trace_t *t)
{
	info->format = mmu_trace_format_name(mmu_trace_format(t));
	info->trace_file_bytes = mmu_trace_file_size(t);
	info->trace_content_bytes = mmu_trace_content_bytes(t);
	info->trace_crc32 = mmu_trace_crc32(t);
}

/* ---- reading and printing ---- */

const result_t *results_find(const results_t *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->v[i].name, name))
			return &r->v[i];
	return NULL;
}

bool result_is_figure(const result_t *v)
{
	return v->kind != RESULT_RUN && v->kind != RESULT_CONFIG && v->kind != RESULT_PROVENANCE;
}

void result_value_format(result_type_t type, result_value_t v, char *buf, size_t len)
{
	switch (type) {
	case RESULT_U64:
		snprintf(buf, len, "%" PRIu64, v.u);
		break;
	case RESULT_I64:
		snprintf(buf, len, "%" PRId64, v.i);
		break;
	case RESULT_REAL:
		snprintf(buf, len, "%.6f", v.d);
		break;
	case RESULT_TEXT:
		snprintf(buf, len, "%s", v.s);
		break;
	}
}

void result_format(const result_t *v, char *buf, size_t len)
{
	result_value_format(v->type, v->v, buf, len);
}

/* Numbers go in as raw text: cJSON would hold them as doubles, which lose digits above 2^53. */
cJSON *results_json(const results_t *r)
{
	cJSON *obj = cJSON_CreateObject();
	int err = !obj;
	for (size_t i = 0; i < r->n && !err; i++) {
		const result_t *v = &r->v[i];
		char buf[48];
		if (v->type != RESULT_TEXT)
			result_format(v, buf, sizeof buf);
		cJSON *item = v->type == RESULT_TEXT ? cJSON_CreateString(v->v.s) : cJSON_CreateRaw(buf);
		err |= !item || !cJSON_AddItemToObject(obj, v->name, item);
	}
	if (err) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

int json_print(FILE *out, cJSON *obj)
{
	char *text = obj ? cJSON_Print(obj) : NULL;
	cJSON_Delete(obj);
	if (!text)
		return -1;
	fprintf(out, "%s\n", text);
	cJSON_free(text);
	return 0;
}

int results_print_json(FILE *out, const results_t *r)
{
	return json_print(out, results_json(r));
}
