#ifndef MMUSIM_SWEEP_TRACE_H
#define MMUSIM_SWEEP_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_sim.h"

/*
 * A trace decoded once and held in memory for every configuration of a sweep, read-only and shared by the threads.
 *
 * It is compacted without losing anything a configuration could see. Each port (instruction, data) keeps the last
 * `pairs` (at most SWEEP_KEYS_MAX) distinct (page, operation) pairs it used, at the smallest base page of the sweep,
 * fetch/load/store (lackey M is a store). A record whose pair is among them, of the same process and not crossing a
 * page, is a repeat; every other record is kept. Between two kept records (a window) the repeats are stored as runs:
 * one per pair used, with its count, in the order of each pair's last use, plus one byte per repeat naming its run, to
 * keep the original order. Whether the repeats really are hits that change nothing but counters and the replacement
 * order depends on the configuration, so sweep_replay() checks it for each window and otherwise simulates them one by
 * one.
 */
#define SWEEP_KEYS_MAX 32

typedef struct sweep_rec {
	uint64_t vaddr;
	uint32_t size, pid;
	uint32_t nruns;    /* runs of the window after this record */
	uint32_t nrepeats; /* repeats in it */
	uint8_t kind;      /* mmu_ref_kind_t */
} sweep_rec_t;

typedef struct sweep_run {
	uint32_t pair; /* the kept record that brought the run's pair (same page, operation, process) << 1 | its port */
	uint32_t count; /* its repeats in the window */
} sweep_run_t;

typedef struct sweep_trace {
	sweep_rec_t *recs;
	size_t nrecs, recs_cap;
	sweep_run_t *runs;
	size_t nruns, runs_cap;
	uint8_t *order; /* per repeat: index of its run within its window */
	uint64_t nrepeats;
	size_t order_cap;
	uint64_t references;
	unsigned page_bits; /* of the pairs */
} sweep_trace_t;

/*
 * Reads and decodes the whole trace (in a second thread, overlapped with compaction). msg names file and line. More
 * pairs make fewer, longer windows; a window is counted at once only if all its pairs hit, so `pairs` should not
 * exceed what the smallest L1 TLB of the sweep holds.
 */
int sweep_trace_load(sweep_trace_t *st, mmu_trace_t *t, unsigned page_bits, unsigned pairs, char *msg, size_t msglen);
void sweep_trace_free(sweep_trace_t *st);

/*
 * Simulates the whole compacted trace on sim: the same effect as mmu_sim_ref() on every original record in order.
 * Returns 0, or the error of mmu_sim_ref with msg naming the record number.
 */
int sweep_replay(const sweep_trace_t *st, mmu_sim_t *sim, char *msg, size_t msglen);

#endif
