/*
 * mmucosim: lockstep co-simulation of the RTL (Verilated) against the C model. One binary per RTL configuration
 * (mmucosim-<config>); see usage below and waveforms/README.md.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cosim_cover.h"
#include "cosim_gtkwave.h"
#include "cosim_run.h"

#define PROG "mmucosim-" COSIM_CONFIG_NAME

static const char usage[] =
    "usage: " PROG " [stimulus] [options]\n"
    "  the RTL of configuration " COSIM_CONFIG_NAME " and the model in lockstep, every output compared every cycle;\n"
    "  the stimulus is one of --random CYCLES (the default: 200000 cycles), --trace FILE, --scenario NAME\n";

/* "B,A": two numbers of cycles; 0, or 2 after the message. */
static int parse_window(const char *s, cosim_opts_t *o)
{
	const char *comma = strchr(s, ',');
	char before[64];
	if (!comma || (size_t)(comma - s) >= sizeof before)
		return cli_fail("--window: '%s' is not B,A (cycles before and after the mismatch, e.g. 200,20)", s);
	memcpy(before, s, (size_t)(comma - s));
	before[comma - s] = '\0';
	int rc = cli_option_number("--window", before, 0, UINT32_MAX, &o->window_before);
	return rc ? rc : cli_option_number("--window", comma + 1, 0, UINT32_MAX, &o->window_after);
}

/* The options as text, before their values are read into cosim_opts_t. */
typedef struct args {
	const char *random, *trace, *scenario, *seed, *max_refs, *window, *history, *tlb_check;
	cli_list_t sets, model_sets;
	bool list_scenarios, params, list_bins;
} args_t;

/*
 * The values that are numbers, and the stimulus; 0 or 2 after the message. Numbers are read as mmusim reads its
 * own (cli_option_number): decimal or 0x hex, and one that does not fit is refused, never clamped.
 */
static int read_values(const args_t *a, cosim_opts_t *o)
{
	uint64_t n;
	int rc = 0;
	if (!!a->random + !!a->trace + !!a->scenario > 1)
		return cli_fail("--random, --trace and --scenario exclude each other: give one stimulus");
	/* options of the trace stimulus only: with another one they would be ignored without a word */
	if (a->max_refs && !a->trace)
		return cli_fail("--max-refs: only with --trace (the records of the trace to replay)");
	if (o->format && !a->trace)
		return cli_fail("--format: only with --trace (the format of the trace)");
	if (a->random) {
		o->stim = STIM_RANDOM;
		rc = cli_option_number("--random", a->random, 1, UINT64_MAX, &o->cycles);
	}
	if (a->trace) {
		o->stim = STIM_TRACE;
		o->trace = a->trace;
	}
	if (a->scenario) {
		o->stim = STIM_SCENARIO;
		o->scenario = a->scenario;
	}
	if (!rc && a->seed)
		rc = cli_option_number("--seed", a->seed, 0, UINT64_MAX, &o->seed);
	if (!rc && a->max_refs)
		rc = cli_option_number("--max-refs", a->max_refs, 0, UINT64_MAX, &o->max_refs);
	if (!rc && a->window)
		rc = parse_window(a->window, o);
	if (!rc && a->history && !(rc = cli_option_number("--history", a->history, 0, COSIM_HISTORY_MAX, &n)))
		o->history = (unsigned)n;
	if (!rc && a->tlb_check && !strcmp(a->tlb_check, "all"))
		o->tlb_check_all = true;
	else if (!rc && a->tlb_check && !isdigit((unsigned char)a->tlb_check[0]) && a->tlb_check[0] != '-')
		rc = cli_fail("--tlb-check: '%s' is neither all nor a number of cycles", a->tlb_check);
	else if (!rc && a->tlb_check)
		rc = cli_option_number("--tlb-check", a->tlb_check, 0, UINT64_MAX, &o->tlb_full_every);
	o->sets = a->sets.items;
	o->nsets = (int)a->sets.n;
	o->model_sets = a->model_sets.items;
	o->nmodel_sets = (int)a->model_sets.n;
	return rc;
}

/* Whether the run should go on; if not, *rc is the exit status (0 after --help, --list-scenarios, --params). */
static bool parse_args(int argc, char **argv, cosim_opts_t *o, int *rc)
{
	args_t a;
	const cli_option_t table[] = {
	    {"random", 0, CLI_VALUE, "CYCLES", &a.random,
	     "constrained-random stimulus for CYCLES cycles (default: 200000)"},
	    {"trace", 0, CLI_VALUE, "FILE", &a.trace,
	     "replay a trace mmusim reads (lackey/text, gzip), demand paging by the OS side"},
	    {"format", 0, CLI_VALUE, "F", &o->format,
	     "the trace's format: lackey, text, champsim, champsim-cloudsuite, din or\nauto (default auto; README, "
	     "Traces)"},
	    {"max-refs", 0, CLI_VALUE, "N", &a.max_refs, "replay only the first N records of the trace"},
	    {"scenario", 0, CLI_VALUE, "NAME", &a.scenario, "a directed scenario (--list-scenarios)"},
	    {"seed", 0, CLI_VALUE, "N", &a.seed,
	     "stimulus seed (random choices, memory latency and stalls); default 1"},
	    {"config", 0, CLI_VALUE, "FILE", &o->config,
	     "configuration (default: the one the RTL of this binary was built for)"},
	    {"set", 0, CLI_LIST, "KEY=VALUE", &a.sets,
	     "set a run-time key (mem.*, os.*); hardware keys must match the RTL build"},
	    {"model-set", 0, CLI_LIST, "KEY=VALUE", &a.model_sets,
	     "change the model only: a deliberately wrong model, to prove the harness fails"},
	    {"wave", 0, CLI_VALUE, "FILE", &o->wave, "FST waveform of the whole run"},
	    {"mismatch-wave", 0, CLI_VALUE, "FILE", &o->mismatch_wave,
	     "where the waveform of a mismatch goes (default mmucosim-mismatch-CONFIG-SEED.fst)"},
	    {"window", 0, CLI_VALUE, "B,A", &a.window,
	     "that waveform covers B cycles before and A after the mismatch (default 200,20)"},
	    {"history", 0, CLI_VALUE, "N", &a.history, "transactions printed on a mismatch (default 16, at most 256)"},
	    {"record-stimulus", 0, CLI_VALUE, "FILE", &o->record,
	     "write every cycle's inputs and expected outputs (for the Icarus replay)"},
	    {"icarus-tb", 0, CLI_VALUE, "FILE", &o->icarus_tb, "write the Icarus testbench that replays such a file"},
	    {"tlb-check", 0, CLI_VALUE, "all|N", &a.tlb_check,
	     "compare every TLB entry after every edge (all), or every N cycles (default 4096);\n"
	     "the sets a response filled and every entry after a flush or CR3 write always"},
	    {"quiet", 0, CLI_FLAG, NULL, &o->quiet, "no report (errors and mismatches still)"},
	    {"cover-all", 0, CLI_FLAG, NULL, &o->cover_all,
	     "the report lists every coverage bin with its count (any stimulus)"},
	    {"require-coverage", 0, CLI_FLAG, NULL, &o->require_coverage,
	     "exit 1 if a coverage bin this configuration can reach stayed empty"},
	    {"list-bins", 0, CLI_FLAG, NULL, &a.list_bins, "the coverage bins, as the Markdown table of the README"},
	    {"list-scenarios", 0, CLI_FLAG, NULL, &a.list_scenarios, "the directed scenarios"},
	    {"params", 0, CLI_FLAG, NULL, &a.params, "the RTL parameters of this binary"},
	};
	const cli_spec_t spec = {
	    .prog = PROG,
	    .usage = usage,
	    .notes = "  exit status: 0 no mismatch, 1 mismatch (or a scenario's expectation failed, or\n  "
	             "--require-coverage found an empty bin), 2 usage or set-up "
	             "error,\n  130 / 143 stopped by SIGINT / SIGTERM (the report then covers the cycles run)\n",
	    .options = table,
	    .noptions = sizeof table / sizeof table[0]};
	if (!cli_parse(&spec, argc - 1, argv + 1, rc) || (*rc = read_values(&a, o)) != 0) {
		cli_free(&spec);
		return false;
	}
	if (a.list_scenarios)
		cosim_scenario_list(stdout);
	else if (a.list_bins)
		*rc = cosim_cover_list(stdout) ? 2 : 0;
	else if (a.params)
		printf("%s: %s\n", cosim_rtl_config_name(), cosim_rtl_params());
	else
		return true; /* the lists now belong to o */
	cli_free(&spec);
	return false;
}

static void print_replay(const cosim_opts_t *o)
{
	bool seeded = false;
	fprintf(stderr, "replay:");
	for (int i = 0; i < o->argc; i++) {
		fprintf(stderr, " %s", o->argv[i]);
		seeded = seeded || !strcmp(o->argv[i], "--seed") || !strncmp(o->argv[i], "--seed=", 7);
	}
	if (!seeded)
		fprintf(stderr, " --seed %" PRIu64, o->seed);
	fputc('\n', stderr);
}

/* The run again from reset, dumping the cycles around the mismatch. */
static void mismatch_wave(const cosim_opts_t *o, const cosim_mismatch_t *first)
{
	char path[512], msg[512];
	if (o->mismatch_wave)
		snprintf(path, sizeof path, "%s", o->mismatch_wave);
	else
		snprintf(path, sizeof path, "mmucosim-mismatch-%s-%" PRIu64 ".fst", cosim_rtl_config_name(), o->seed);
	uint64_t from = first->cycle > o->window_before ? first->cycle - o->window_before : 0;
	cosim_ctl_t ctl = {
	    .stop_at = first->cycle + o->window_after + 1, .trace_from = from, .trace_path = path, .rerun = true};
	cosim_mismatch_t mm;
	if (cosim_run(o, &ctl, &mm, msg, sizeof msg)) {
		cli_fail("no waveform: %s", msg);
		return;
	}
	fprintf(stderr, "waveform: cycles %" PRIu64 "..%" PRIu64 " in %s (cycle c at time 10c+10 ns)\n", from,
	        first->cycle + o->window_after, path);
	cosim_gtkwave_command(stderr, path);
}

/* After a run dumped with --wave: where the dump is and how to open it. */
static void whole_wave(const cosim_opts_t *o)
{
	if (!o->wave || o->quiet)
		return;
	fprintf(stderr, "waveform: the run in %s (cycle c at time 10c+10 ns)\n", o->wave);
	cosim_gtkwave_command(stderr, o->wave);
}

int main(int argc, char **argv)
{
	cosim_opts_t o = {.seed = 1,
	                  .stim = STIM_RANDOM,
	                  .cycles = 200000,
	                  .window_before = 200,
	                  .window_after = 20,
	                  .history = 16,
	                  .tlb_full_every = 4096,
	                  .argc = argc,
	                  .argv = argv};
	int rc;
	cli_interrupt_catch(); /* first: a signal during the set-up still ends the run cleanly */
	if (!parse_args(argc, argv, &o, &rc))
		return cli_stdout_finish(rc); /* --help, --list-scenarios, --params */
	char msg[1024];
	cosim_mismatch_t mm;
	cosim_ctl_t ctl = {.trace_path = o.wave};
	rc = cosim_run(&o, &ctl, &mm, msg, sizeof msg);
	if (rc == COSIM_INTERRUPTED) {
		whole_wave(&o);
		rc = cli_interrupt_status();
	} else if (rc == COSIM_COVERAGE_HOLES) {
		rc = 1;
	} else if (rc == 0 && mm.found) {
		print_replay(&o);
		mismatch_wave(&o, &mm);
		rc = 1;
	} else if (rc) {
		cli_fail("%s", msg);
		rc = rc == MMU_EFAULT ? 1 : 2; /* MMU_EFAULT: a directed scenario's expectation failed */
	} else {
		whole_wave(&o);
	}
	free(o.sets);
	free(o.model_sets);
	return cli_stdout_finish(rc);
}
