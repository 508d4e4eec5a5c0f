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
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mmu/mmu_sim.h"
#include "mmusim_prefetch.h"
#include "mmusim_compare.h"
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
    "       mmusim import-proc PID [--check] [--dump F]  a live process's page tables (Linux, root)\n"
    "\n"
    "for lectures (docs/lecture.md; each takes --help):\n"
    "       mmusim explain --addr VA [--op load|store|fetch] [--preset P] [--warm|--demand] [--json]\n"
    "                                 one translation step by step: address split, TLBs, walk, result, cycles\n"
    "       mmusim explain --preset ostep --ostep-dump FILE --addr VA\n"
    "                                 answers OSTEP's multi-level paging homework from its printout\n"
    "       mmusim explain --trace F --at N  record N of a trace, after records 1..N-1 warmed the TLBs\n"
    "       mmusim amat [--trace F] [--markdown|--json]  the AMAT derivation of a run, then EAT with faults\n"
    "       mmusim diagram [--scenario S] [--out DIR]    WaveJSON timing diagrams of directed scenarios\n";

typedef struct options {
	const char *trace, *format, *engine;
	cli_cfg_opts_t cfg;
	bool json;
} options_t;

#define RUN_NOPTIONS 8

/* The table of `mmusim run`, whose help is also mmusim's. */
static cli_spec_t run_spec(options_t *o, cli_option_t table[RUN_NOPTIONS])
{
	const cli_option_t rows[RUN_NOPTIONS] = {
	    {"trace", 0, CLI_VALUE, "FILE", &o->trace,
	     "trace to simulate ('-' = stdin; gzip read directly). Default: the bundled workload"},
	    {"format", 0, CLI_VALUE, "F", &o->format, "lackey, text or auto (default auto)"},
	    CLI_CFG_OPTIONS(&o->cfg),
	    {"json", 0, CLI_FLAG, NULL, &o->json, "print the report as one JSON object on stdout"},
	    {"engine", 0, CLI_VALUE, "E", &o->engine,
	     "fast (default) or ticked (steps every cycle; same results, slower)"},
	};
	memcpy(table, rows, sizeof rows);
	return (cli_spec_t){
	    .prog = "mmusim", .usage = usage, .title = "run options", .options = table, .noptions = RUN_NOPTIONS};
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A progress line on stderr, only for a person watching a terminal. */
static void progress(const mmu_trace_t *t, uint64_t bytes, uint64_t refs, double start, int final)
{
	uint64_t size = mmu_trace_file_size(t);
	double secs = now_seconds() - start;
	if (size)
		fprintf(stderr, "\rmmusim: %5.1f %%  %llu references  %.1f s%s", 100.0 * (double)bytes / (double)size,
		        (unsigned long long)refs, secs, final ? "\n" : "");
	else
		fprintf(stderr, "\rmmusim: %llu references  %.1f s%s", (unsigned long long)refs, secs,
		        final ? "\n" : "");
}

static int simulate_batches(prefetch_t *pf, const mmu_trace_t *t, mmu_sim_t *sim, const char *path)
{
	char msg[512];
	int tty = isatty(STDERR_FILENO);
	double start = now_seconds(), last_report = start;
	uint64_t refs = 0, bytes = 0;
	for (;;) {
		const mmu_trace_rec_t *recs;
		long n = prefetch_next(pf, &recs, &bytes, msg, sizeof msg);
		if (n < 0)
			return cli_fail("%s", msg);
		if (n == 0)
			break;
		for (long i = 0; i < n; i++) {
			if (mmu_sim_ref(sim, &recs[i], msg, sizeof msg) != 0) {
				char where[700];
				mmu_trace_locate(path, mmu_trace_format(t), refs + (uint64_t)i + 1, where,
				                 sizeof where);
				return cli_fail("%s: %s", where, msg);
			}
		}
		refs += (uint64_t)n;
		if (tty && now_seconds() - last_report > 0.25) {
			last_report = now_seconds();
			progress(t, bytes, refs, start, 0);
		}
	}
	double secs = now_seconds() - start;
	/* The reader has reached the end (its last batch was handed over): its state can be read here. */
	if (refs == 0) /* an empty report is a correct answer to a wrong question: usually the wrong file */
		fprintf(stderr, "mmusim: warning: %s: no records in the trace: the report is empty\n",
		        strcmp(path, "-") ? path : "<stdin>");
	if (mmu_trace_unterminated(t)) /* a trace cut mid-line can end in a record that parses but is wrong */
		fprintf(stderr, "mmusim: warning: %s:%llu: the last line has no newline: was the trace cut short?\n",
		        strcmp(path, "-") ? path : "<stdin>", (unsigned long long)mmu_trace_unterminated(t));
	if (tty)
		progress(t, bytes, refs, start, 1);
	const mmu_sim_stats_t *ss = mmu_sim_stats(sim);
	fprintf(stderr, "mmusim: %llu translations in %.3f s (%.2f M translations/s)\n",
	        (unsigned long long)ss->translations, secs, secs > 0 ? (double)ss->translations / secs / 1e6 : 0.0);
	return 0;
}

/* The trace is decoded in a second thread while this one simulates (same records, same order). */
static int simulate(mmu_trace_t *t, mmu_sim_t *sim, const char *path)
{
	prefetch_t *pf;
	if (prefetch_start(t, &pf) != 0)
		return cli_fail("cannot start the trace reader thread");
	int rc = simulate_batches(pf, t, sim, path);
	prefetch_stop(pf);
	return rc;
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
	mmu_cfg_sources_t src = cli_cfg_sources(&o.cfg);
	mmu_cfg_default(&cfg);
	rc = cli_cfg_build(&cfg, &src);
	cli_free(&spec);
	if (rc)
		return rc;
	const char *path = cli_trace_path(o.trace);
	mmu_engine_t engine = MMU_ENGINE_FAST;
	if (o.engine && !strcmp(o.engine, "ticked"))
		engine = MMU_ENGINE_TICKED;
	else if (o.engine && strcmp(o.engine, "fast"))
		return cli_fail("--engine: '%s' is not one of fast, ticked", o.engine);

	char msg[512];
	mmu_trace_t *t;
	if (cli_trace_open(path, o.format, &t, msg, sizeof msg))
		return cli_fail("%s", msg);
	mmu_sim_t *sim;
	if (mmu_sim_create(&cfg, engine, &sim, msg, sizeof msg)) {
		mmu_trace_close(t);
		return cli_fail("%s", msg);
	}
	rc = simulate(t, sim, path);
	if (!rc) {
		run_info_t info = {
		    .trace = path,
		    .format = mmu_trace_format_name(mmu_trace_format(t)),
		    .engine = engine == MMU_ENGINE_FAST ? "fast" : "ticked",
		};
		if (o.json)
			rc = report_json(stdout, &info, sim) ? cli_fail("cannot format the JSON report") : 0;
		else
			report_text(stdout, &info, sim);
	}
	mmu_sim_destroy(sim);
	mmu_trace_close(t);
	if (!rc && (fflush(stdout) != 0 || ferror(stdout)))
		return cli_fail("writing the report: %s", strerror(errno));
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

int main(int argc, char **argv)
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
	    {"explain", cmd_explain},
	    {"amat", cmd_amat},
	    {"diagram", cmd_diagram},
	    {"compare", cmd_compare},
	    {"import-proc", cmd_import_proc},
	    {"config", cmd_config},
	};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 2, argv + 2);
	return cli_fail(
	    "unknown command '%s' (commands: run, sweep, config, compare, import-proc, explain, amat, diagram)",
	    argv[1]);
}
