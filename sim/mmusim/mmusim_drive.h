#ifndef MMUSIM_DRIVE_H
#define MMUSIM_DRIVE_H

#include <stdbool.h>

#include "mmu/mmu_sim.h"

/*
 * The trace loop of every mmusim command that simulates a trace (run, compare, amat, import-proc --trace): the trace
 * read in batches, ahead in a second thread with read_ahead (mmusim_prefetch.h), each record through the model's
 * requester (mmu_sim_refs), a progress line when stderr is a terminal, errors located in the trace as FILE:LINE, and
 * the warnings for an empty trace or a last line without its newline. path names the trace as the user gave it ("-" is
 * standard input). With timing, the run's speed goes to stderr at the end. Returns 0, or 2 after printing the error.
 */
int drive_trace(mmu_sim_t *sim, mmu_trace_t *t, const char *path, bool timing, bool read_ahead);

#endif
