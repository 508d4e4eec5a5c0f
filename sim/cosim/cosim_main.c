/*
 * mmucosim: lockstep co-simulation of the RTL (Verilated) against the C model. One binary per RTL configuration
 * (mmucosim-<config>); see usage below and waveforms/README.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cosim_gtkwave.h"
#include "cosim_run.h"

static const char usage[] =
    "usage: mmucosim-CONFIG [stimulus] [options]\n"
    "stimulus (one of):\n"
    "  --random CYCLES          constrained-random stimulus for CYCLES cycles (default: 200000)\n"
    "  --trace FILE             replay a trace mmusim reads (lackey/text, gzip), demand paging by the OS side\n"
    "     --format F            lackey, text or auto (default auto)\n"
    "     --max-refs N          replay only the first N records\n"
    "  --scenario NAME          a directed scenario (--list-scenarios)\n"
    "options:\n"
    "  --seed N                 stimulus seed (random choices, memory latency and stalls); default 1\n"
    "  --config FILE            configuration (default: the one the RTL of this binary was built for)\n"
    "  --set KEY=VALUE          set a run-time key (mem.*, os.*); hardware keys must match the RTL build\n"
    "  --model-set KEY=VALUE    change the model only: a deliberately wrong model, to prove the harness fails\n"
    "  --wave FILE              FST waveform of the whole run\n"
    "  --mismatch-wave FILE     where the waveform of a mismatch goes (default mmucosim-mismatch-CONFIG-SEED.fst)\n"
    "  --window B,A             that waveform covers B cycles before and A after the mismatch (default 200,20)\n"
    "  --history N              transactions printed on a mismatch (default 16, at most 256)\n"
    "  --record-stimulus FILE   write every cycle's inputs and expected outputs (for the Icarus replay)\n"
    "  --icarus-tb FILE         write the Icarus testbench that replays such a file\n"
    "  --tlb-check all|N        compare every TLB entry after every edge (all), or every N cycles (default 4096);\n"
    "                           the sets a response filled and every entry after a flush or CR3 write always\n"
    "  --quiet                  no report (errors and mismatches still)\n"
    "  --list-scenarios         the directed scenarios\n"
    "  --params                 the RTL parameters of this binary\n"
    "exit status: 0 no mismatch, 1 mismatch (or a scenario's expectation failed), 2 usage or set-up error\n";

static int fail(const char *what, const char *arg)
{
	fprintf(stderr, "mmucosim: %s%s%s\n", what, arg ? " " : "", arg ? arg : "");
	return 2;
}

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

/* Options that take a value: where it goes. Returns 1 when handled, 0 when unknown, -1 on a bad value. */
static int value_option(cosim_opts_t *o, const char *opt, const char *v)
{
	uint64_t n;
	if (!strcmp(opt, "--random")) {
		o->stim = STIM_RANDOM;
		return parse_u64(v, &o->cycles) ? -1 : 1;
	}
	if (!strcmp(opt, "--trace")) {
		o->stim = STIM_TRACE;
		o->trace = v;
		return 1;
	}
	if (!strcmp(opt, "--scenario")) {
		o->stim = STIM_SCENARIO;
		o->scenario = v;
		return 1;
	}
	const char **strs[] = {&o->format, &o->config, &o->wave, &o->mismatch_wave, &o->record, &o->icarus_tb};
	const char *names[] = {"--format", "--config", "--wave", "--mismatch-wave", "--record-stimulus", "--icarus-tb"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(opt, names[i])) {
			*strs[i] = v;
			return 1;
		}
	if (!strcmp(opt, "--set")) {
		o->sets[o->nsets++] = v;
		return 1;
	}
	if (!strcmp(opt, "--model-set")) {
		o->model_sets[o->nmodel_sets++] = v;
		return 1;
	}
	if (!strcmp(opt, "--seed"))
		return parse_u64(v, &o->seed) ? -1 : 1;
	if (!strcmp(opt, "--max-refs"))
		return parse_u64(v, &o->max_refs) ? -1 : 1;
	if (!strcmp(opt, "--window"))
		return parse_window(v, o) ? -1 : 1;
	if (!strcmp(opt, "--history")) {
		if (parse_u64(v, &n) || n > COSIM_HISTORY_MAX)
			return -1;
		o->history = (unsigned)n;
		return 1;
	}
	if (!strcmp(opt, "--tlb-check")) {
		if (v && !strcmp(v, "all")) {
			o->tlb_check_all = true;
			return 1;
		}
		return parse_u64(v, &o->tlb_full_every) ? -1 : 1;
	}
	return 0;
}

static int parse_args(int argc, char **argv, cosim_opts_t *o)
{
	o->sets = calloc((size_t)argc, sizeof *o->sets);
	o->model_sets = calloc((size_t)argc, sizeof *o->model_sets);
	if (!o->sets || !o->model_sets)
		return fail("out of memory", NULL);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			fputs(usage, stdout);
			exit(0);
		}
		if (!strcmp(a, "--quiet")) {
			o->quiet = true;
			continue;
		}
		if (!strcmp(a, "--list-scenarios")) {
			cosim_scenario_list(stdout);
			exit(0);
		}
		if (!strcmp(a, "--params")) {
			printf("%s: %s\n", cosim_rtl_config_name(), cosim_rtl_params());
			exit(0);
		}
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;
		int r = value_option(o, a, v);
		if (r == 0)
			return fail("unknown option", a);
		if (!v)
			return fail("missing value after", a);
		if (r < 0) {
			fprintf(stderr, "mmucosim: bad value '%s' for %s\n", v, a);
			return 2;
		}
		i++;
	}
	return 0;
}

static void print_replay(const cosim_opts_t *o)
{
	bool seeded = false;
	fprintf(stderr, "replay:");
	for (int i = 0; i < o->argc; i++) {
		fprintf(stderr, " %s", o->argv[i]);
		seeded = seeded || !strcmp(o->argv[i], "--seed");
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
		fprintf(stderr, "mmucosim: no waveform: %s\n", msg);
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
	int rc = parse_args(argc, argv, &o);
	if (rc)
		return rc;
	char msg[1024];
	cosim_mismatch_t mm;
	cosim_ctl_t ctl = {.trace_path = o.wave};
	rc = cosim_run(&o, &ctl, &mm, msg, sizeof msg);
	if (rc == 0 && mm.found) {
		print_replay(&o);
		mismatch_wave(&o, &mm);
		rc = 1;
	} else if (rc) {
		fprintf(stderr, "mmucosim: %s\n", msg);
		rc = rc == MMU_EFAULT ? 1 : 2; /* MMU_EFAULT: a directed scenario's expectation failed */
	} else {
		whole_wave(&o);
	}
	free(o.sets);
	free(o.model_sets);
	return rc;
}
