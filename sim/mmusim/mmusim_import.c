/*
 * mmusim import-proc: the address space of a live Linux process rebuilt as page tables in the model.
 *
 *   mmusim import-proc PID | --from DUMP [--check] [--dump FILE] [--as-pid N] [--json]
 *                      [--trace F [--format F]] [--preset P] [--config F] [--set K=V]... [--seed N]
 *
 * Every present page of the process (/proc/PID/pagemap) is mapped by the OS side at its virtual address onto its
 * real frame number, with the permissions of its mapping; the model's own tables are allocated above the highest
 * real frame so they never share a frame with the process. Pages that are swapped out or not present are not
 * imported: in a trace run they are demand faults, served with fresh frames, as a process's first touch would be.
 * --check then asks the model's walker (through the TLBs, as a program would) for every imported page: a load, a
 * store on writable pages, a fetch on executable ones; each must succeed at the frame pagemap gave.
 */
#define _POSIX_C_SOURCE 200809L
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mmu/mmu_sim.h"
#include "mmusim_import.h"
#include "mmusim_drive.h"
#include "mmusim_procmap.h"
#include "mmusim_report.h"

#define PAGE_SHIFT    12
#define SHOW_MISMATCH 10

static const char import_usage[] =
    "usage: mmusim import-proc PID | --from DUMP [options]\n"
    "  reads the present pages of process PID (/proc/PID/maps and /proc/PID/pagemap; needs root for the frame\n"
    "  numbers) and maps each at its virtual address onto its real frame in the model's page tables\n";

typedef struct imp_opts {
	const char *pid, *from, *dump, *trace, *format, *as_pid;
	cli_cfg_opts_t cfg;
	bool check, json;
} imp_opts_t;

typedef struct imp_result {
	uint64_t frames; /* distinct frame numbers */
	uint64_t shared; /* pages whose frame another imported page also maps */
	uint64_t max_pfn;
	uint64_t checked;    /* pages walked by --check */
	uint64_t walks;      /* translations asked for by --check */
	uint64_t mismatches; /* pages whose translation faulted or gave another frame */
} imp_result_t;

/* Whether the import should go on; if not, *rc is the exit status (0 after --help). */
static bool parse_args(int argc, char **argv, imp_opts_t *o, int *rc)
{
	const cli_option_t table[] = {
	    {"check", 0, CLI_FLAG, NULL, &o->check,
	     "walk every imported page with the model's walker and compare with pagemap"},
	    {"dump", 0, CLI_VALUE, "FILE", &o->dump,
	     "write the imported pages (\"va pfn perms\" lines) to FILE, never over an existing file"},
	    {"from", 0, CLI_VALUE, "DUMP", &o->from,
	     "import a dump written by --dump instead of a live process (no root needed)"},
	    {"trace", 0, CLI_VALUE, "F", &o->trace,
	     "then simulate trace F in the imported address space (report as mmusim run prints it;\n"
	     "the import summary goes to stderr)"},
	    {"format", 0, CLI_VALUE, "F", &o->format,
	     "the trace's format: lackey, text, champsim, champsim-cloudsuite, din or\nauto (default auto; README, "
	     "Traces)"},
	    {"as-pid", 0, CLI_VALUE, "N", &o->as_pid,
	     "the model's process that receives the pages (default 1: the pid of a lackey trace)"},
	    CLI_CFG_OPTIONS(&o->cfg),
	    {"json", 0, CLI_FLAG, NULL, &o->json,
	     "the summary (or, with --trace, the run's report) as one JSON object"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "import-proc",
	                         .usage = import_usage,
	                         .notes = "  the configuration is as for mmusim run (x86_64 paging only)\n",
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0],
	                         .operand = "PID",
	                         .operand_dest = &o->pid};
	if (!cli_parse(&spec, argc, argv, rc))
		return false;
	if (!o->pid == !o->from)
		*rc = cli_fail("import-proc: give either a PID or --from DUMP");
	return *rc == 0;
}

static bool parse_u32(const char *s, uint32_t *v)
{
	char *end;
	errno = 0;
	if (!s || *s < '0' || *s > '9')
		return false;
	unsigned long long x = strtoull(s, &end, 10);
	if (errno || *end || x > UINT32_MAX)
		return false;
	*v = (uint32_t)x;
	return true;
}

static int build_config(const imp_opts_t *o, mmu_cfg_t *cfg)
{
	int rc = cli_config(&o->cfg, cfg);
	if (!rc && cfg->paging.mode != MMU_MODE_X86_64)
		rc = cli_fail("import-proc: paging.mode: a Linux x86-64 process needs x86_64 paging");
	return rc;
}

static int pfn_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Distinct frames, frames mapped more than once, the highest frame. */
static int count_frames(const proc_image_t *img, imp_result_t *r)
{
	if (img->npages == 0)
		return 0;
	uint64_t *pfns = malloc(img->npages * sizeof *pfns);
	if (!pfns)
		return -1;
	for (size_t i = 0; i < img->npages; i++)
		pfns[i] = img->pages[i].pfn;
	qsort(pfns, img->npages, sizeof *pfns, pfn_cmp);
	for (size_t i = 0; i < img->npages; i++) {
		bool dup_prev = i > 0 && pfns[i] == pfns[i - 1];
		bool dup_next = i + 1 < img->npages && pfns[i] == pfns[i + 1];
		r->frames += !dup_prev;
		r->shared += dup_prev || dup_next;
	}
	r->max_pfn = pfns[img->npages - 1];
	free(pfns);
	return 0;
}

static unsigned model_perms(unsigned perms)
{
	return MMU_PERM_U | (perms & PROC_W ? MMU_PERM_W : 0u) | (perms & PROC_X ? MMU_PERM_X : 0u);
}

/* A system whose process `pid` maps every page of img onto its own frame, CR3 pointing at it. */
static int import_system(const mmu_cfg_t *cfg, const proc_image_t *img, uint64_t max_pfn, uint32_t pid, mmu_sim_t **out)
{
	char msg[512];
	mmu_sim_t *sim;
	if (mmu_sim_create(cfg, MMU_ENGINE_FAST, &sim, msg, sizeof msg))
		return cli_fail("import-proc: %s", msg);
	mmu_os_t *os = mmu_sim_os(sim);
	int err = mmu_os_reserve(os, (max_pfn + 1) << PAGE_SHIFT);
	if (err) {
		snprintf(msg, sizeof msg, "frame 0x%" PRIx64 " lies beyond paging.pa_bits", max_pfn);
		mmu_sim_destroy(sim);
		return cli_fail("import-proc: %s: raise paging.pa_bits", msg);
	}
	for (size_t i = 0; i < img->npages && !err; i++) {
		const proc_page_t *p = &img->pages[i];
		err = mmu_os_map_frame(os, pid, p->va, p->pfn << PAGE_SHIFT, 1, model_perms(p->perms));
		if (err)
			snprintf(msg, sizeof msg, "page 0x%" PRIx64 " (frame 0x%" PRIx64 "): %s", p->va, p->pfn,
			         mmu_strerror(err));
	}
	if (!err)
		err = mmu_sim_switch(sim, pid);
	if (err) {
		mmu_sim_destroy(sim);
		return cli_fail("import-proc: cannot import %s", msg);
	}
	*out = sim;
	return 0;
}

/* One translation by the model's walker; a mismatch is a fault or another frame. */
static bool check_one(mmu_sim_t *sim, const proc_page_t *p, unsigned port, mmu_op_t op, imp_result_t *r)
{
	mmu_result_t res;
	r->walks++;
	mmu_sim_translate(sim, port, p->va, op, true, &res);
	if (res.fault || res.paddr >> PAGE_SHIFT != p->pfn) {
		if (r->mismatches < SHOW_MISMATCH)
			fprintf(stderr,
			        "mmusim import-proc: mismatch at 0x%" PRIx64 " (%s): pagemap frame 0x%" PRIx64
			        ", model %s 0x%" PRIx64 "\n",
			        p->va,
			        op == MMU_OP_LOAD    ? "load"
			        : op == MMU_OP_STORE ? "store"
			                             : "fetch",
			        p->pfn, res.fault ? "fault, cause" : "frame",
			        res.fault ? (uint64_t)res.cause : res.paddr >> PAGE_SHIFT);
		return false;
	}
	return true;
}

static void check_pages(mmu_sim_t *sim, const proc_image_t *img, imp_result_t *r)
{
	for (size_t i = 0; i < img->npages; i++) {
		const proc_page_t *p = &img->pages[i];
		bool ok = check_one(sim, p, MMU_REQ_D, MMU_OP_LOAD, r);
		if (p->perms & PROC_W)
			ok &= check_one(sim, p, MMU_REQ_D, MMU_OP_STORE, r);
		if (p->perms & PROC_X)
			ok &= check_one(sim, p, MMU_REQ_I, MMU_OP_FETCH, r);
		r->checked++;
		r->mismatches += !ok;
	}
}

static void summary_text(FILE *out, const char *src, const proc_image_t *img, const imp_result_t *r,
                         const mmu_sim_t *sim, bool checked)
{
	const mmu_os_stats_t *os = mmu_os_stats(mmu_sim_os(sim));
	fprintf(out, "mmusim import-proc: %s (%s)\n", src, img->name);
	fprintf(out,
	        "  mappings     %zu (not scanned: %zu without access, %zu above the user half, %zu larger than "
	        "64 GiB)\n",
	        img->mappings, img->skipped_none, img->skipped_upper, img->skipped_huge);
	fprintf(out,
	        "  pages        %zu present, imported; not imported: %" PRIu64 " swapped, %" PRIu64 " not present\n",
	        img->npages, img->swapped, img->not_present);
	fprintf(out, "  frames       %" PRIu64 " distinct, %" PRIu64 " pages share a frame, highest 0x%" PRIx64 "\n",
	        r->frames, r->shared, r->max_pfn);
	fprintf(out, "  page tables  %" PRIu64 " table frames in the model, allocated above the highest frame\n",
	        os->table_frames);
	if (checked)
		fprintf(out,
		        "  check        %" PRIu64 " pages walked (%" PRIu64 " translations), %" PRIu64 " mismatches\n",
		        r->checked, r->walks, r->mismatches);
}

static int summary_json(const char *src, const proc_image_t *img, const imp_result_t *r, const mmu_sim_t *sim,
                        bool checked)
{
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return -1;
	int err = !cJSON_AddStringToObject(o, "source", src) || !cJSON_AddStringToObject(o, "name", img->name);
	const struct {
		const char *name;
		double v;
	} f[] = {
	    {"mappings", (double)img->mappings},
	    {"mappings.skipped_no_access", (double)img->skipped_none},
	    {"mappings.skipped_upper_half", (double)img->skipped_upper},
	    {"mappings.skipped_too_large", (double)img->skipped_huge},
	    {"pages", (double)img->npages},
	    {"pages.swapped", (double)img->swapped},
	    {"pages.not_present", (double)img->not_present},
	    {"frames", (double)r->frames},
	    {"frames.shared_pages", (double)r->shared},
	    {"frames.max_pfn", (double)r->max_pfn},
	    {"table_frames", (double)mmu_os_stats(mmu_sim_os(sim))->table_frames},
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		err |= !cJSON_AddNumberToObject(o, f[i].name, f[i].v);
	if (checked) {
		err |= !cJSON_AddNumberToObject(o, "check.pages", (double)r->checked);
		err |= !cJSON_AddNumberToObject(o, "check.translations", (double)r->walks);
		err |= !cJSON_AddNumberToObject(o, "check.mismatches", (double)r->mismatches);
	}
	char *text = err ? NULL : cJSON_Print(o);
	cJSON_Delete(o);
	if (!text)
		return -1;
	printf("%s\n", text);
	cJSON_free(text);
	return 0;
}

static int run_trace(const imp_opts_t *o, mmu_sim_t *sim)
{
	char msg[512];
	mmu_trace_t *t;
	if (cli_trace_open(o->trace, o->format, &t, msg, sizeof msg))
		return cli_fail("%s", msg);
	int rc = drive_trace(sim, t, o->trace, false, false);
	if (!rc) {
		run_info_t info = {
		    .trace = o->trace, .format = mmu_trace_format_name(mmu_trace_format(t)), .engine = "fast"};
		if (o->json)
			rc = report_json(stdout, &info, sim) ? cli_fail("import-proc: cannot format the JSON report")
			                                     : 0;
		else
			report_text(stdout, &info, sim);
	}
	mmu_trace_close(t);
	return rc;
}

static int read_image(const imp_opts_t *o, proc_image_t *img, char *src, size_t srclen)
{
	char msg[600];
	uint32_t pid;
	if (o->from) {
		snprintf(src, srclen, "%s", o->from);
		return proc_image_load(o->from, img, msg, sizeof msg) ? cli_fail("import-proc: %s", msg) : 0;
	}
	if (!parse_u32(o->pid, &pid) || pid == 0)
		return cli_fail("import-proc: '%s' is not a process id (a positive decimal number)", o->pid);
	snprintf(src, srclen, "pid %u", pid);
	return proc_image_read((long)pid, img, msg, sizeof msg) ? cli_fail("import-proc: %s", msg) : 0;
}

static int import_and_report(const imp_opts_t *o, const mmu_cfg_t *cfg, uint32_t as_pid)
{
	char src[300], msg[600];
	proc_image_t img;
	int rc = read_image(o, &img, src, sizeof src);
	if (rc)
		return rc;
	imp_result_t r = {0};
	if (count_frames(&img, &r))
		rc = cli_fail("import-proc: out of memory");
	if (!rc && o->dump && proc_image_write(o->dump, &img, msg, sizeof msg))
		rc = cli_fail("import-proc: %s", msg);
	mmu_sim_t *sim = NULL;
	if (!rc)
		rc = import_system(cfg, &img, r.max_pfn, as_pid, &sim);
	if (!rc && o->check)
		check_pages(sim, &img, &r);
	if (!rc && o->trace) {
		summary_text(stderr, src, &img, &r, sim, o->check);
		/* The check walked every page: the trace runs on a fresh copy, TLBs and A/D bits untouched. */
		mmu_sim_destroy(sim);
		sim = NULL;
		rc = import_system(cfg, &img, r.max_pfn, as_pid, &sim);
		if (!rc)
			rc = run_trace(o, sim);
	} else if (!rc && o->json) {
		rc = summary_json(src, &img, &r, sim, o->check) ? cli_fail("import-proc: cannot format the JSON") : 0;
	} else if (!rc) {
		summary_text(stdout, src, &img, &r, sim, o->check);
	}
	if (!rc && o->check && r.mismatches)
		rc = cli_fail("import-proc: some pages of %s do not translate to their pagemap frame", src);
	mmu_sim_destroy(sim);
	proc_image_free(&img);
	return rc;
}

int cmd_import_proc(int argc, char **argv)
{
	imp_opts_t o = {0};
	mmu_cfg_t cfg;
	uint32_t as_pid = 1;
	int rc;
	if (!parse_args(argc, argv, &o, &rc)) {
		cli_list_free(&o.cfg.sets);
		return rc;
	}
	rc = build_config(&o, &cfg);
	if (!rc && o.as_pid && !parse_u32(o.as_pid, &as_pid))
		rc = cli_fail("import-proc: --as-pid: '%s' is not a decimal process number", o.as_pid);
	if (!rc)
		rc = import_and_report(&o, &cfg, as_pid);
	cli_list_free(&o.cfg.sets);
	return rc;
}
