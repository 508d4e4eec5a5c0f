#ifndef COSIM_RUN_H
#define COSIM_RUN_H

#include "cosim.h"
#include "cosim_check.h"

/* How far and how a run goes: normal runs stop at the first mismatch; the waveform re-run goes on to `stop_at`. */
typedef struct cosim_ctl {
	uint64_t stop_at;    /* 0: until the stimulus ends */
	uint64_t trace_from; /* with trace_path: cycle at which the dump starts */
	const char *trace_path;
	bool rerun; /* the waveform re-run: no stop at a mismatch, no report, no recording */
} cosim_ctl_t;

/*
 * One run from reset. Prints the mismatch with the transaction history, or the final report, on stdout/stderr, and
 * a progress line on stderr when it is a terminal. Returns 0 (mm->found tells whether a mismatch was seen),
 * COSIM_INTERRUPTED when SIGINT or SIGTERM (cli_interrupt_catch) stopped it after a whole cycle (the report, marked
 * so, covers the cycles run), or a negative error with msg set (bad configuration, stimulus error, file error).
 */
#define COSIM_INTERRUPTED 1
/* --require-coverage: the run passed, but a coverage bin this configuration can reach stayed empty (named on stderr). */
#define COSIM_COVERAGE_HOLES 2

int cosim_run(const cosim_opts_t *o, const cosim_ctl_t *ctl, cosim_mismatch_t *mm, char *msg, size_t msglen);

#endif
