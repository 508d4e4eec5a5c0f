/*
 * mmusim: the trace-driven MMU simulator.
 *
 *   mmusim run [--trace FILE] [--format lackey|text|auto] [--config FILE] [--set key=value]... [--seed N]
 *              [--json] [--engine fast|ticked]
 *   mmusim config --list | --presets
 *   mmusim explain | amat | diagram ...   the lecture commands (mmusim_lecture.h, docs/lecture.md)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_sim.h"
#include "mmusim_compare.h"
#include "mmusim_drive.h"
#include "mmusim_import.h"
#include "mmusim_lecture.h"
#include "mmusim_report.h"
#include "mmusim_sweep.h"

#ifndef MMU_DEFAULT_WORKLOAD
#define MMU_DEFAULT_WORKLOAD "workloads/default.lackey.gz"
#endif

static const char usage[] =
    "usage: mmusim run [options]      simulate a memory trace and print the report\n"
    "       mmusim config --list      every configuration key with its default, unit and meaning\n"
    "       mmusim config --presets   the named configurations (--preset NAME)\n"
    "       mmusim compare --set K=V --set K=V [...]  one trace under several configurations, side by side\n"
    "       mmusim sweep --sweep KEY=V1,V2,... [--sweep ...] [run options] [-j N] [-o DIR]\n"
    "                                 the cross product of swept keys on one trace, in parallel (--help)\n"
    "       mmusim import-proc PID [--check] [--dump F]  a live process's page tables (Linux, root)\n"
    "\n"
    "for lectures (docs/lecture.md; each takes --help):\n"
    "       mmusim explain --addr VA [--op load|store|fetch] [--preset P] [--warm|--demand] [--json]\n"
    "                                 one translation step by step: address split, TLBs, walk, result, cycles\n"
    "       mmusim explain --preset ostep --ostep-dump FILE --addr VA\n"
    "                                 answers OSTEP's multi-level paging homework from its printout\n"
    "       mmusim explain --trace F --at N  record N of a trace, after records 1..N-1 warmed the TLBs\n"
    "       mmusim amat [--trace F] [--markdown|--json]  the AMAT derivation of a run, then EAT with faults\n"
    "       mmusim diagram [--scenario S] [--out DIR]    WaveJSON timing diagrams of directed scenarios\n"
    "\n"
    "run options:\n"
    "  --trace FILE          trace to simulate ('-' = stdin; gzip read directly). Default: the bundled workload\n"
    "  --format F            lackey, text or auto (default auto)\n"
    "  --preset NAME         start from a named configuration (mmusim config --presets)\n"
    "  --config FILE         INI config file ([tlb.l1d] entries = 64, ...; applied after --preset)\n"
    "  --set KEY=VALUE       set one config key (repeatable; applied after --config)\n"
    "  --seed N              same as --set seed=N\n"
    "  --json                print the report as one JSON object on stdout\n"
    "  --engine E            fast (default) or ticked (steps every cycle; same results, slower)\n";

typedef struct options {
	const char *trace, *format, *preset, *config, *seed, *engine;
	const char **sets;
	int nsets;
	int json;
} options_t;

static int fail(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "mmusim: ");
	fprintf(stderr, fmt, a, b);
	fprintf(stderr, "\n");
	return 2;
}

static int parse_run_args(int argc, char **argv, options_t *o)
{
	o->sets = calloc((size_t)argc, sizeof *o->sets);
	if (!o->sets)
		return fail("%s%s", "out of memory", "");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		if (!strcmp(a, "--json")) {
			o->json = 1;
			continue;
		} else if (!strcmp(a, "--trace")) {
			slot = &o->trace;
		} else if (!strcmp(a, "--format")) {
			slot = &o->format;
		} else if (!strcmp(a, "--preset")) {
			slot = &o->preset;
		} else if (!strcmp(a, "--config")) {
			slot = &o->config;
		} else if (!strcmp(a, "--seed")) {
			slot = &o->seed;
		} else if (!strcmp(a, "--engine")) {
			slot = &o->engine;
		} else if (!strcmp(a, "--set")) {
			slot = &o->sets[o->nsets++];
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(0);
		} else {
			return fail("unknown option '%s'%s (see mmusim --help)", a, "");
		}
		if (i + 1 >= argc)
			return fail("option %s needs a value%s", a, "");
		*slot = argv[++i];
	}
	return 0;
}

static int build_config(const options_t *o, mmu_cfg_t *cfg)
{
	char msg[1024];
	mmu_cfg_default(cfg);
	mmu_cfg_sources_t src = {
	    .preset = o->preset, .file = o->config, .sets = o->sets, .nsets = (size_t)o->nsets, .seed = o->seed};
	if (mmu_cfg_build(cfg, &src, msg, sizeof msg))
		return fail("%s%s", msg, "");
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	options_t o = {0};
	mmu_cfg_t cfg;
	int rc = parse_run_args(argc, argv, &o);
	if (!rc)
		rc = build_config(&o, &cfg);
	if (rc) {
		free(o.sets);
		return rc;
	}
	free(o.sets);
	const char *path = o.trace ? o.trace : MMU_DEFAULT_WORKLOAD;
	int fmt = mmu_trace_format_parse(o.format ? o.format : "auto");
	if (fmt < 0)
		return fail("--format: '%s' is not one of lackey, text, auto%s", o.format, "");
	mmu_engine_t engine = MMU_ENGINE_FAST;
	if (o.engine && !strcmp(o.engine, "ticked"))
		engine = MMU_ENGINE_TICKED;
	else if (o.engine && strcmp(o.engine, "fast"))
		return fail("--engine: '%s' is not one of fast, ticked%s", o.engine, "");

	char msg[512];
	mmu_trace_t *t;
	if (mmu_trace_open(path, (mmu_trace_format_t)fmt, &t, msg, sizeof msg))
		return fail("%s%s", msg, "");
	mmu_sim_t *sim;
	if (mmu_sim_create(&cfg, engine, &sim, msg, sizeof msg)) {
		mmu_trace_close(t);
		return fail("%s%s", msg, "");
	}
	rc = drive_trace(sim, t, path, true);
	if (!rc) {
		run_info_t info = {
		    .trace = path,
		    .engine = engine == MMU_ENGINE_FAST ? "fast" : "ticked",
		    .preset = o.preset,
		    .config = o.config,
		};
		run_info_trace(&info, t);
		if (o.json)
			rc = report_json(stdout, &info, sim) ? fail("%s%s", "cannot format the JSON report", "") : 0;
		else
			report_text(stdout, &info, sim);
	}
	mmu_sim_destroy(sim);
	mmu_trace_close(t);
	if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
		return fail("writing the report: %s%s", strerror(errno), "");
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "sweep"))
		return cmd_sweep(argc - 2, argv + 2);
	if (!strcmp(argv[1], "explain"))
		return cmd_explain(argc - 2, argv + 2);
	if (!strcmp(argv[1], "amat"))
		return cmd_amat(argc - 2, argv + 2);
	if (!strcmp(argv[1], "diagram"))
		return cmd_diagram(argc - 2, argv + 2);
	if (!strcmp(argv[1], "compare"))
		return cmd_compare(argc - 2, argv + 2);
	if (!strcmp(argv[1], "import-proc"))
		return cmd_import_proc(argc - 2, argv + 2);
	if (!strcmp(argv[1], "config")) {
		if (argc == 3 && !strcmp(argv[2], "--list")) {
			mmu_cfg_list(stdout);
			return 0;
		}
		if (argc == 3 && !strcmp(argv[2], "--presets")) {
			mmu_cfg_preset_list(stdout);
			return 0;
		}
		return fail("usage: mmusim config --list | --presets%s%s", "", "");
	}
	return fail(
	    "unknown command '%s'%s (commands: run, sweep, config, compare, import-proc, explain, amat, diagram)",
	    argv[1], "");
}
