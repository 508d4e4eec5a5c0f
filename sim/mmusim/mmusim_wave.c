/*
 * mmusim diagram: timing diagrams of directed scenarios as WaveJSON (the input of WaveDrom). Each scenario prepares a
 * fresh system, then one request runs on the per-cycle path (mmusim_probe.c); every row of the diagram is a port of
 * the model as recorded in that run, cycle by cycle. `make diagrams` renders the files to SVG with wavedrom-cli.
 *
 * Timing: the defaults with H2 = 2 and L = 3 unless the options say otherwise, the values of the cycle diagrams of
 * docs/timing.md, so a diagram can be laid beside the contract.
 */
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mmusim_explain.h"
#include "mmusim_lecture.h"
#include "mmusim_probe.h"

#define SCENARIO_VA UINT64_C(0x400000)
#define LABEL       48
#define NELEM(a)    (sizeof(a) / sizeof((a)[0]))

typedef struct scenario {
	const char *name, *title;
	mmu_op_t op;
	int (*prepare)(mmu_sim_t *s, char *msg, size_t msglen);
} scenario_t;

static int map_and_touch(mmu_sim_t *s, uint64_t va, char *msg, size_t msglen)
{
	if (mmu_os_populate(mmu_sim_os(s), 1, va)) {
		snprintf(msg, msglen, "cannot map 0x%" PRIx64, va);
		return -1;
	}
	mmu_result_t r;
	mmu_sim_translate(s, MMU_REQ_D, va, MMU_OP_LOAD, true, &r);
	if (r.fault) {
		snprintf(msg, msglen, "the load of 0x%" PRIx64 " faulted", va);
		return -1;
	}
	return 0;
}

static int prep_tlb_hit(mmu_sim_t *s, char *msg, size_t msglen)
{
	return map_and_touch(s, SCENARIO_VA, msg, msglen);
}

/* Pages of the same L1 DTLB set push the page out of the L1 TLB; the larger L2 TLB keeps it. */
static int prep_l2_hit(mmu_sim_t *s, char *msg, size_t msglen)
{
	mmu_t *m = mmu_sim_mmu(s);
	const mmu_tlb_t *l1 = mmu_tlb(m, MMU_TLB_L1D), *l2 = mmu_tlb(m, MMU_TLB_L2);
	if (!l2) {
		snprintf(msg, msglen, "needs an L2 TLB (tlb.l2.entries > 0)");
		return -1;
	}
	if (map_and_touch(s, SCENARIO_VA, msg, msglen))
		return -1;
	uint64_t stride = (uint64_t)mmu_tlb_sets(l1) << mmu_paging(m)->page_bits;
	for (uint64_t k = 1; k <= 4 * (uint64_t)mmu_tlb_ways(l1) && mmu_tlb_probe(l1, SCENARIO_VA, 0) >= 0; k++)
		if (map_and_touch(s, SCENARIO_VA + k * stride, msg, msglen))
			return -1;
	if (mmu_tlb_probe(l1, SCENARIO_VA, 0) >= 0 || mmu_tlb_probe(l2, SCENARIO_VA, 0) < 0) {
		snprintf(msg, msglen, "could not leave the page in the L2 TLB only (replacement policies?)");
		return -1;
	}
	return 0;
}

/* A walk with every accessed bit already set: the page was used, then all TLBs flushed. */
static int prep_walk(mmu_sim_t *s, char *msg, size_t msglen)
{
	if (map_and_touch(s, SCENARIO_VA, msg, msglen))
		return -1;
	mmu_sim_flush(s, MMU_FLUSH_ALL, 0, 0);
	return 0;
}

static int prep_nothing(mmu_sim_t *s, char *msg, size_t msglen)
{
	(void)s;
	(void)msg;
	(void)msglen;
	return 0;
}

/* A fresh page: the walker sets A at every level and A and D in the leaf (W7). */
static int prep_fresh(mmu_sim_t *s, char *msg, size_t msglen)
{
	if (mmu_os_populate(mmu_sim_os(s), 1, SCENARIO_VA)) {
		snprintf(msg, msglen, "cannot map 0x%" PRIx64, SCENARIO_VA);
		return -1;
	}
	return 0;
}

static const scenario_t scenarios[] = {
    {"tlb-hit", "L1 TLB hit", MMU_OP_LOAD, prep_tlb_hit},
    {"l2-hit", "L1 TLB miss, L2 TLB hit", MMU_OP_LOAD, prep_l2_hit},
    {"walk", "L1 and L2 TLB miss: page walk, accessed bits already set", MMU_OP_LOAD, prep_walk},
    {"fault", "page walk to a not-present entry: page fault", MMU_OP_LOAD, prep_nothing},
    {"ad-write", "first store to a fresh page: walk with accessed/dirty write-backs", MMU_OP_STORE, prep_fresh},
};
#define NSCENARIOS (sizeof scenarios / sizeof scenarios[0])

/* ---- WaveJSON rows ---- */

typedef struct row {
	char *wave;
	char (*label)[LABEL]; /* per cycle; "" = no data (x) */
	bool data;
} row_t;

static cJSON *row_json(const char *name, const row_t *r, size_t n)
{
	cJSON *o = cJSON_CreateObject(), *data = cJSON_CreateArray();
	if (!o || !data) {
		cJSON_Delete(o);
		cJSON_Delete(data);
		return NULL;
	}
	char *wave = r->wave;
	for (size_t c = 0; c < n; c++) {
		const char *cur = r->label[c], *prev = c ? r->label[c - 1] : NULL;
		bool same = prev && !strcmp(cur, prev);
		if (same)
			wave[c] = '.';
		else if (!r->data)
			wave[c] = cur[0]; /* '0' or '1', or the clock's 'p' */
		else if (!cur[0])
			wave[c] = 'x';
		else {
			wave[c] = '=';
			cJSON_AddItemToArray(data, cJSON_CreateString(cur));
		}
	}
	wave[n] = '\0';
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "wave", wave);
	if (r->data)
		cJSON_AddItemToObject(o, "data", data);
	else
		cJSON_Delete(data);
	return o;
}

typedef enum {
	SIG_CLK,
	SIG_REQ_VALID,
	SIG_REQ_VADDR,
	SIG_REQ_READY,
	SIG_MEM_VALID,
	SIG_MEM_ADDR,
	SIG_MEM_WRITE,
	SIG_MEM_READY,
	SIG_MEM_RESP,
	SIG_MEM_RDATA,
	SIG_WALK,
	SIG_RESP_VALID,
	SIG_RESP_PADDR,
	SIG_RESP_FAULT,
	NSIG
} wave_sig_t;

static const struct {
	const char *name;
	bool data;
} sigs[NSIG] = {
    [SIG_CLK] = {"clk", false},
    [SIG_REQ_VALID] = {"dreq_valid", false},
    [SIG_REQ_VADDR] = {"dreq_vaddr", true},
    [SIG_REQ_READY] = {"dreq_ready", false},
    [SIG_MEM_VALID] = {"mem_req_valid", false},
    [SIG_MEM_ADDR] = {"mem_req_addr", true},
    [SIG_MEM_WRITE] = {"mem_req_write", false},
    [SIG_MEM_READY] = {"mem_req_ready", false},
    [SIG_MEM_RESP] = {"mem_resp_valid", false},
    [SIG_MEM_RDATA] = {"mem_resp_rdata", true},
    [SIG_WALK] = {"walk access", true},
    [SIG_RESP_VALID] = {"dresp_valid", false},
    [SIG_RESP_PADDR] = {"dresp_paddr", true},
    [SIG_RESP_FAULT] = {"dresp_fault", false},
};

static void bit(row_t *r, size_t c, uint64_t v)
{
	snprintf(r->label[c], LABEL, "%c", v ? '1' : '0');
}

/* Names each walk access by the level it reads or updates: reads go down one level each, a write follows its read. */
static void label_walk(row_t *r, const probe_t *p, const mmu_paging_t *pg)
{
	unsigned level = pg->levels + 1;
	for (size_t i = 0; i < p->nacc; i++) {
		const probe_access_t *a = &p->acc[i];
		if (!a->write)
			level--;
		for (uint64_t c = a->visible; c <= a->resp && c < p->n; c++)
			snprintf(r->label[c], LABEL, "%s %s", explain_level_name(pg, level), a->write ? "wr" : "rd");
	}
}

static void fill_rows(row_t *rows, const probe_t *p, const mmu_paging_t *pg)
{
	unsigned port = p->port;
	for (size_t c = 0; c < p->n; c++) {
		const mmu_in_t *in = &p->cyc[c].in;
		const mmu_out_t *out = &p->cyc[c].out;
		snprintf(rows[SIG_CLK].label[c], LABEL, "%s", c ? "." : "p");
		bit(&rows[SIG_REQ_VALID], c, in->req_valid[port]);
		if (in->req_valid[port])
			snprintf(rows[SIG_REQ_VADDR].label[c], LABEL, "0x%" PRIx64, in->req_vaddr[port]);
		bit(&rows[SIG_REQ_READY], c, out->req_ready[port]);
		bit(&rows[SIG_MEM_VALID], c, out->mem_req_valid);
		if (out->mem_req_valid)
			snprintf(rows[SIG_MEM_ADDR].label[c], LABEL, "0x%" PRIx64, out->mem_req_addr);
		bit(&rows[SIG_MEM_WRITE], c, out->mem_req_write);
		bit(&rows[SIG_MEM_READY], c, in->mem_req_ready);
		bit(&rows[SIG_MEM_RESP], c, in->mem_resp_valid);
		if (in->mem_resp_valid)
			snprintf(rows[SIG_MEM_RDATA].label[c], LABEL, "0x%" PRIx64, in->mem_resp_rdata);
		bit(&rows[SIG_RESP_VALID], c, out->resp_valid[port]);
		if (out->resp_valid[port])
			snprintf(rows[SIG_RESP_PADDR].label[c], LABEL, "%s", out->resp_fault[port] ? "fault" : "");
		if (out->resp_valid[port] && !out->resp_fault[port])
			snprintf(rows[SIG_RESP_PADDR].label[c], LABEL, "0x%" PRIx64, out->resp_paddr[port]);
		bit(&rows[SIG_RESP_FAULT], c, out->resp_valid[port] && out->resp_fault[port]);
	}
	rows[SIG_CLK].label[0][0] = 'p';
	label_walk(&rows[SIG_WALK], p, pg);
}

/* Groups of rows as WaveDrom draws them: ["name", row, row, ...]. */
static cJSON *group(const char *name, row_t *rows, const wave_sig_t *which, size_t k, size_t n)
{
	cJSON *g = cJSON_CreateArray();
	if (!g)
		return NULL;
	cJSON_AddItemToArray(g, cJSON_CreateString(name));
	for (size_t i = 0; i < k; i++)
		cJSON_AddItemToArray(g, row_json(sigs[which[i]].name, &rows[which[i]], n));
	return g;
}

static cJSON *wave_json(const scenario_t *sc, const probe_t *p, const mmu_cfg_t *cfg, const mmu_paging_t *pg)
{
	size_t n = p->n;
	row_t rows[NSIG];
	char *mem = calloc(NSIG, (n + 1) + n * LABEL);
	if (!mem)
		return NULL;
	for (int i = 0; i < NSIG; i++) {
		rows[i].wave = mem + (size_t)i * ((n + 1) + n * LABEL);
		rows[i].label = (char(*)[LABEL])(rows[i].wave + n + 1);
		rows[i].data = sigs[i].data;
	}
	fill_rows(rows, p, pg);
	static const wave_sig_t req[] = {SIG_CLK, SIG_REQ_VALID, SIG_REQ_VADDR, SIG_REQ_READY};
	static const wave_sig_t memp[] = {SIG_MEM_VALID, SIG_MEM_ADDR,  SIG_MEM_WRITE, SIG_MEM_READY,
	                                  SIG_MEM_RESP,  SIG_MEM_RDATA, SIG_WALK};
	static const wave_sig_t resp[] = {SIG_RESP_VALID, SIG_RESP_PADDR, SIG_RESP_FAULT};
	cJSON *root = cJSON_CreateObject(), *signal = cJSON_CreateArray();
	cJSON_AddItemToArray(signal, group("request", rows, req, NELEM(req), n));
	cJSON_AddItemToArray(signal, cJSON_CreateObject());
	cJSON_AddItemToArray(signal, group("walker memory port", rows, memp, NELEM(memp), n));
	cJSON_AddItemToArray(signal, cJSON_CreateObject());
	cJSON_AddItemToArray(signal, group("response", rows, resp, NELEM(resp), n));
	cJSON_AddItemToObject(root, "signal", signal);
	char text[256];
	snprintf(text, sizeof text, "%s: %s 0x%" PRIx64 ", response in cycle %" PRIu32 " (%zu memory access%s)",
	         sc->title, explain_op_name(sc->op), SCENARIO_VA, p->res.latency, p->nacc, p->nacc == 1 ? "" : "es");
	cJSON *head = cJSON_AddObjectToObject(root, "head");
	cJSON_AddStringToObject(head, "text", text);
	cJSON_AddNumberToObject(head, "tick", 0);
	snprintf(text, sizeof text, "%s paging; H1 = %u, H2 = %u, L = mem.latency = %u cycles (docs/timing.md)",
	         pg->name, cfg->l1d.hit_latency, cfg->l2.entries ? cfg->l2.hit_latency : 0, cfg->mem.latency);
	cJSON *foot = cJSON_AddObjectToObject(root, "foot");
	cJSON_AddStringToObject(foot, "text", text);
	cJSON *conf = cJSON_AddObjectToObject(root, "config");
	cJSON_AddNumberToObject(conf, "hscale", 3);
	free(mem);
	return root;
}

/* ---- running a scenario ---- */

/* One scenario's diagram, written whole to out (not yet in place), and the line that describes it. */
static int run_scenario(const scenario_t *sc, const mmu_cfg_t *cfg, const char *dir, bool force, cli_out_t *out,
                        char *line, size_t linelen)
{
	char msg[4200], path[4096];
	mmu_sim_t *s;
	if (mmu_sim_create(cfg, MMU_ENGINE_TICKED, &s, msg, sizeof msg))
		return cli_fail("%s", msg);
	probe_t p = {0};
	int rc = mmu_sim_switch(s, 1) ? cli_fail("diagram: cannot create process 1") : 0;
	if (!rc && sc->prepare(s, msg, sizeof msg))
		rc = cli_fail("diagram %s: %s", sc->name, msg);
	if (!rc) {
		mmu_sim_idle(s, 1); /* the previous response leaves the port: the diagram starts idle */
		if (probe_translate(s, MMU_REQ_D, SCENARIO_VA, sc->op, true, &p))
			rc = cli_fail("diagram: out of memory");
	}
	cJSON *j = rc ? NULL : wave_json(sc, &p, cfg, mmu_paging(mmu_sim_mmu(s)));
	char *text = j ? cJSON_Print(j) : NULL;
	if (!rc && !text)
		rc = cli_fail("diagram: cannot build the JSON");
	snprintf(path, sizeof path, "%s/%s.json", dir, sc->name);
	if (!rc && cli_out_open(out, path, force, msg, sizeof msg))
		rc = cli_fail("%s", msg);
	if (!rc) {
		fprintf(out->f, "%s\n", text);
		if (cli_out_finish(out, msg, sizeof msg))
			rc = cli_fail("%s", msg);
	}
	if (!rc)
		snprintf(line, linelen, "%-14s %s: response in cycle %" PRIu32 ", %zu memory access%s\n", sc->name,
		         sc->title, p.res.latency, p.nacc, p.nacc == 1 ? "" : "es");
	cJSON_free(text);
	cJSON_Delete(j);
	probe_free(&p);
	mmu_sim_destroy(s);
	return rc;
}

static bool selected(const char *which, const scenario_t *sc)
{
	return !strcmp(which, "all") || !strcmp(which, sc->name);
}

/* DIR created if missing; a diagram already there is kept unless --force; a link or a non-file never written. */
static int prepare_dir(const char *dir, const char *which, bool force)
{
	if (mkdir(dir, 0777) && errno != EEXIST)
		return cli_fail("diagram: cannot create %s: %s", dir, strerror(errno));
	for (size_t i = 0; i < NSCENARIOS; i++) {
		char path[4096], msg[4200], *name = path + strlen(dir) + 1;
		if (!selected(which, &scenarios[i]))
			continue;
		snprintf(path, sizeof path, "%s/%s.json", dir, scenarios[i].name);
		switch (cli_out_check(path, force, msg, sizeof msg)) {
		case CLI_OUT_OK:
			break;
		case CLI_OUT_EXISTS:
			return cli_fail("--out %s: %s exists; not overwritten (use --force, or another directory)", dir,
			                name);
		case CLI_OUT_LINK:
			return cli_fail(
			    "--out %s: %s is a symbolic link; nothing is written through a link (remove it first)", dir,
			    name);
		case CLI_OUT_NOT_FILE:
			return cli_fail("--out %s: %s exists and is not a regular file; not replaced", dir, name);
		default:
			return cli_fail("%s", msg);
		}
	}
	return 0;
}

/* Every diagram written, then all put in place together; their lines printed once they are. */
static int write_diagrams(const mmu_cfg_t *cfg, const char *which, const char *dir, bool force)
{
	cli_out_t outs[NSCENARIOS];
	char lines[NSCENARIOS][256], msg[4200];
	size_t n = 0;
	int rc = prepare_dir(dir, which, force);
	for (size_t i = 0; i < NSCENARIOS && !rc; i++)
		if (selected(which, &scenarios[i]) &&
		    !(rc = run_scenario(&scenarios[i], cfg, dir, force, &outs[n], lines[n], sizeof lines[n])))
			n++;
	if (rc) {
		cli_out_discard_all(outs, n);
		return rc;
	}
	if (cli_out_commit_all(outs, n, msg, sizeof msg))
		return cli_fail("%s", msg);
	for (size_t i = 0; i < n; i++)
		fputs(lines[i], stdout);
	return 0;
}

int cmd_diagram(int argc, char **argv)
{
	lecture_opts_t o = {0};
	const cli_option_t table[] = {
	    {"scenario", 0, CLI_VALUE, "NAME", &o.scenario,
	     "tlb-hit, l2-hit, walk, fault, ad-write or all (default: all)"},
	    {"out", 0, CLI_VALUE, "DIR", &o.out, "where the .json files go (default: diagrams)"},
	    {"force", 0, CLI_FLAG, NULL, &o.force, "overwrite the diagrams of an earlier run in DIR"},
	    CLI_CFG_OPTIONS(&o.cfg),
	};
	const cli_spec_t spec = {
	    .prog = "mmusim",
	    .cmd = "diagram",
	    .usage = "usage: mmusim diagram [--scenario NAME|all] [--out DIR [--force]] [--preset P] [--config F] "
	             "[--set K=V]...\n"
	             "  WaveJSON timing diagrams of directed scenarios, one request each\n",
	    .notes = "  timing: the defaults with tlb.l2.hit_latency = 2 and mem.latency = 3 (the "
	             "diagrams of docs/timing.md)\n",
	    .options = table,
	    .noptions = sizeof table / sizeof table[0]};
	mmu_cfg_t cfg;
	char msg[256];
	mmu_cfg_default(&cfg);
	/* the timing of the cycle diagrams in docs/timing.md */
	mmu_cfg_set(&cfg, "tlb.l2.hit_latency", "2", msg, sizeof msg);
	mmu_cfg_set(&cfg, "mem.latency", "3", msg, sizeof msg);
	int rc;
	if (!cli_parse(&spec, argc, argv, &rc)) {
		cli_free(&spec);
		return rc;
	}
	mmu_cfg_sources_t src = cli_cfg_sources(&o.cfg);
	rc = cli_cfg_build(&cfg, &src);
	const char *which = o.scenario ? o.scenario : "all", *dir = o.out ? o.out : "diagrams";
	bool found = !strcmp(which, "all");
	for (size_t i = 0; i < NSCENARIOS && !found; i++)
		found = !strcmp(which, scenarios[i].name);
	if (!rc && !found)
		rc = cli_fail("diagram: unknown scenario '%s' (tlb-hit, l2-hit, walk, fault, ad-write, all)", which);
	if (!rc)
		rc = write_diagrams(&cfg, which, dir, o.force);
	if (!rc)
		printf(
		    "WaveJSON written to %s/; render with: wavedrom-cli -i F.json -s F.svg (make diagrams does it)\n",
		    dir);
	cli_free(&spec);
	return rc;
}
