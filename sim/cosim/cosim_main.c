/*
 * mmucosim: lockstep co-simulation of the RTL (Verilated) against the C model. One binary per RTL configuration
 * (mmucosim-<config>); see usage below and waveforms/README.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cosim_gtkwave.h"
#include "cosim_run.h"

#define PROG "mmucosim-" COSIM_CONFIG_NAME

static const char usage[] =
    "usage: " PROG " [stimulus] [options]\n"
    "  the RTL of configuration " COSIM_CONFIG_NAME " and the model in lockstep, every output compared every cycle;\n"
    "  the stimulus is one of --random CYCLES (the default: 200000 cycles), --trace FILE, --scenario NAME\n";

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	*v = strtoull(s, &end, 0);
	return *end ? -1 : 0;
}

static int parse_window(const char *s, cosim_opts_t *o)
{
	char *end;
	if (!s)
		return -1;
	o->window_before = strtoull(s, &end, 10);
	if (*end != ',')
		return -1;
	o->window_after = strtoull(end + 1, &end, 10);
	return *end ? -1 : 0;
}

/* The options as text, before their values are read into cosim_opts_t. */
typedef struct args {
	const char *random, *trace, *scenario, *seed, *max_refs, *window, *history, *tlb_check;
	cli_list_t sets, model_sets;
	bool list_scenarios, params;
} args_t;

static int bad_value(const char *opt, const char *v)
{
	return cli_fail("bad value '%s' for %s", v, opt);
}

/* The values that are numbers, and the stimulus; 0 or 2 after the message. */
static int read_values(const args_t *a, cosim_opts_t *o)
{
	uint64_t n;
	if (!!a->random + !!a->trace + !!a->scenario > 1)
		return cli_fail("--random, --trace and --scenario exclude each other: give one stimulus");
	if (a->random) {
		o->stim = STIM_RANDOM;
		if (parse_u64(a->random, &o->cycles))
			return bad_value("--random", a->random);
	}
	if (a->trace) {
		o->stim = STIM_TRACE;
		o->trace = a->trace;
	}
	if (a->scenario) {
		o->stim = STIM_SCENARIO;
		o->scenario = a->scenario;
	}
	if (a->seed && parse_u64(a->seed, &o->seed))
		return bad_value("--seed", a->seed);
	if (a->max_refs && parse_u64(a->max_refs, &o->max_refs))
		return bad_value("--max-refs", a->max_refs);
	if (a->window && parse_window(a->window, o))
		return bad_value("--window", a->window);
	if (a->history) {
		if (parse_u64(a->history, &n) || n > COSIM_HISTORY_MAX)
			return bad_value("--history", a->history);
		o->history = (unsigned)n;
	}
	if (a->tlb_check && !strcmp(a->tlb_check, "all"))
		o->tlb_check_all = true;
	else if (a->tlb_check && parse_u64(a->tlb_check, &o->tlb_full_every))
		return bad_value("--tlb-check", a->tlb_check);
	o->sets = a->sets.items;
	o->nsets = (int)a->sets.n;
	o->model_sets = a->model_sets.items;
	o->nmodel_sets = (int)a->model_sets.n;
	return 0;
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
	    {"format", 0, CLI_VALUE, "F", &o->format, "the trace's format: lackey, text or auto (default auto)"},
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
	    {"list-scenarios", 0, CLI_FLAG, NULL, &a.list_scenarios, "the directed scenarios"},
	    {"params", 0, CLI_FLAG, NULL, &a.params, "the RTL parameters of this binary"},
	};
	const cli_spec_t spec = {
	    .prog = PROG,
	    .usage = usage,
	    .notes = "  exit status: 0 no mismatch, 1 mismatch (or a scenario's expectation failed), 2 usage or set-up "
	             "error\n",
	    .options = table,
	    .noptions = sizeof table / sizeof table[0]};
	if (!cli_parse(&spec, argc - 1, argv + 1, rc) || (*rc = read_values(&a, o)) != 0) {
		cli_free(&spec);
		return false;
	}
	if (a.list_scenarios)
		cosim_scenario_list(stdout);
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
	if (!parse_args(argc, argv, &o, &rc))
		return cli_stdout_finish(rc); /* --help, --list-scenarios, --params */
	char msg[1024];
	cosim_mismatch_t mm;
	cosim_ctl_t ctl = {.trace_path = o.wave};
	rc = cosim_run(&o, &ctl, &mm, msg, sizeof msg);
	if (rc == 0 && mm.found) {
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
