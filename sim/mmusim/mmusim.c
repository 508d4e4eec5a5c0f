/*
 * mmusim: the trace-driven MMU simulator.
 *
 *   mmusim run [--trace FILE] [--format lackey|text|auto] [--config FILE] [--set key=value]... [--seed N]
 *              [--json] [--engine fast|ticked] [--read-ahead]
 *   mmusim config --list | --presets
 *   mmusim explain | amat | diagram ...   the lecture commands (mmusim_lecture.h, docs/lecture.md)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mmu/mmu_sim.h"
#include "mmusim_compare.h"
#include "mmusim_convert.h"
#include "mmusim_drive.h"
#include "mmusim_import.h"
#include "mmusim_lecture.h"
#include "mmusim_report.h"
#include "mmusim_sweep.h"

static const char usage[] =
    "usage: mmusim run [options]      simulate a memory trace and print the report\n"
    "       mmusim config --list      every configuration key with its default, unit and meaning\n"
    "       mmusim config --presets   the named configurations (--preset NAME)\n"
    "       mmusim compare --set K=V --set K=V [...]  one trace under several configurations, side by side\n"
    "       mmusim sweep --sweep KEY=V1,V2,... [--sweep ...] [run options] [-j N] [-o DIR]\n"
    "                                 the cross product of swept keys on one trace, in parallel (--help)\n"
    "       mmusim sweep ... --shard I/N | --slurm DIR   a slice of a sweep; the Slurm job array running all\n"
    "       mmusim sweep-merge SHARD.csv...             the slices joined into the sweep's CSV\n"
    "       mmusim import-proc PID [--check] [--dump F]  a live process's page tables (Linux, root)\n"
    "       mmusim convert --to champsim [--trace IN] OUT  a trace as ChampSim instruction records (--help)\n"
    "\n"
    "for lectures (docs/lecture.md; each takes --help):\n"
    "       mmusim explain --addr VA [--op load|store|fetch] [--preset P] [--warm|--demand] [--json]\n"
    "                                 one translation step by step: address split, TLBs, walk, result, cycles\n"
    "       mmusim explain --preset ostep --ostep-dump FILE --addr VA\n"
    "                                 answers OSTEP's multi-level paging homework from its printout\n"
    "       mmusim explain --trace F --at N  record N of a trace, after records 1..N-1 warmed the TLBs\n"
    "       mmusim amat [--trace F] [--markdown|--json]  the AMAT derivation of a run, then EAT with faults\n"
    "       mmusim diagram [--scenario S] [--out DIR [--force]]  WaveJSON timing diagrams of directed scenarios\n";

typedef struct options {
	const char *trace, *format, *engine;
	cli_cfg_opts_t cfg;
	bool json, read_ahead;
} options_t;

#define RUN_NOPTIONS 9

/* The table of `mmusim run`, whose help is also mmusim's. */
static cli_spec_t run_spec(options_t *o, cli_option_t table[RUN_NOPTIONS])
{
	const cli_option_t rows[RUN_NOPTIONS] = {
	    {"trace", 0, CLI_VALUE, "FILE", &o->trace,
	     "trace to simulate ('-' = stdin; gzip read directly). Default: the bundled workload"},
	    {"format", 0, CLI_VALUE, "F", &o->format,
	     "lackey, text, champsim, champsim-cloudsuite, din or auto\n(default auto; README, Traces)"},
	    CLI_CFG_OPTIONS(&o->cfg),
	    {"json", 0, CLI_FLAG, NULL, &o->json, "print the report as one JSON object on stdout"},
	    {"engine", 0, CLI_VALUE, "E", &o->engine,
	     "fast (default) or ticked (steps every cycle; same results, slower)"},
	    {"read-ahead", 0, CLI_FLAG, NULL, &o->read_ahead,
	     "read the trace in a second thread: done sooner where a core is idle,\n"
	     "at the cost of more CPU time in all (README, Speed)"},
	};
	memcpy(table, rows, sizeof rows);
	return (cli_spec_t){
	    .prog = "mmusim", .usage = usage, .title = "run options", .options = table, .noptions = RUN_NOPTIONS};
}

static int cmd_run(int argc, char **argv)
{
	options_t o = {0};
	cli_option_t table[RUN_NOPTIONS];
	cli_spec_t spec = run_spec(&o, table);
	mmu_cfg_t cfg;
	int rc;
	if (!cli_parse(&spec, argc, argv, &rc)) {
		cli_free(&spec);
		return rc;
	}
	rc = cli_config(&o.cfg, &cfg);
	cli_free(&spec);
	if (rc)
		return rc;
	const char *path = cli_trace_path(o.trace);
	mmu_engine_t engine;
	if ((rc = cli_engine(o.engine, &engine)) != 0)
		return rc;

	char msg[512];
	mmu_trace_t *t;
	if (cli_trace_open(path, o.format, &t, msg, sizeof msg))
		return cli_fail("%s", msg);
	mmu_sim_t *sim;
	if (mmu_sim_create(&cfg, engine, &sim, msg, sizeof msg)) {
		mmu_trace_close(t);
		return cli_fail("%s", msg);
	}
	rc = drive_trace(sim, t, path, true, o.read_ahead);
	if (!rc) {
		run_info_t info = {
		    .trace = path,
		    .engine = engine == MMU_ENGINE_FAST ? "fast" : "ticked",
		    .preset = o.cfg.preset,
		    .config = o.cfg.config,
		};
		run_info_trace(&info, t);
		if (o.json)
			rc = report_json(stdout, &info, sim) ? cli_fail("cannot format the JSON report") : 0;
		else
			report_text(stdout, &info, sim);
	}
	mmu_sim_destroy(sim);
	mmu_trace_close(t);
	return rc;
}

/* mmusim config --list | --presets */
static int cmd_config(int argc, char **argv)
{
	bool list, presets;
	const cli_option_t table[] = {
	    {"list", 0, CLI_FLAG, NULL, &list, "every configuration key with its default, unit and meaning"},
	    {"presets", 0, CLI_FLAG, NULL, &presets, "the named configurations (--preset NAME) and their settings"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "config",
	                         .usage = "usage: mmusim config --list | --presets\n",
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0]};
	int rc;
	if (!cli_parse(&spec, argc, argv, &rc))
		return rc;
	if (list == presets)
		return cli_fail("usage: mmusim config --list | --presets");
	if (list)
		mmu_cfg_list(stdout);
	else
		mmu_cfg_preset_list(stdout);
	return 0;
}

static int run_command(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		options_t o;
		cli_option_t table[RUN_NOPTIONS];
		cli_spec_t spec = run_spec(&o, table);
		cli_help(&spec, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} commands[] = {
	    {"run", cmd_run},
	    {"sweep", cmd_sweep},
	    {"sweep-merge", cmd_sweep_merge},
	    {"explain", cmd_explain},
	    {"amat", cmd_amat},
	    {"diagram", cmd_diagram},
	    {"compare", cmd_compare},
	    {"import-proc", cmd_import_proc},
	    {"config", cmd_config},
	    {"convert", cmd_convert},
	};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	return cli_fail("unknown command '%s' (commands: run, sweep, sweep-merge, config, compare, import-proc, "
	                "convert, explain, amat, diagram)",
	                argv[1]);
}

/* Every command's stdout checked in one place: a report lost on a full disk is an error, not a success. */
int main(int argc, char **argv)
{
	return cli_stdout_finish(run_command(argc, argv));
}
