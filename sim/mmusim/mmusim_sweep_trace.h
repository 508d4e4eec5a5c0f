#ifndef MMUSIM_SWEEP_TRACE_H
#define MMUSIM_SWEEP_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_sim.h"

/*
 * A trace decoded once for every configuration of a sweep, a bounded chunk at a time: the reader compacts the next
 * chunk while the configurations replay the one before, each configuration keeping its simulation from chunk to
 * chunk. The memory held does not grow with the trace's length.
 *
 * The compaction loses nothing a configuration could see. Each port (instruction, data) keeps the last `pairs` (at
 * most SWEEP_KEYS_MAX) distinct (page, operation) pairs it used, at the smallest base page of the sweep,
 * fetch/load/store (lackey M is a store). A record whose pair is among them, of the same process and not crossing a
 * page, is a repeat; every other record is kept. Between two kept records (a window) the repeats are stored as runs:
 * one per pair used, with its count, in the order of each pair's last use, plus one byte per repeat naming its run, to
 * keep the original order. Whether the repeats really are hits that change nothing but counters and the replacement
 * order depends on the configuration, so sweep_replay_chunk() checks it for each window and otherwise simulates them
 * one by one. A chunk holds whole windows: it ends once it holds chunk_refs references, the next record being kept
 * (any record may be kept: keeping is always exact, it only saves less work).
 */
#define SWEEP_KEYS_MAX   32
#define SWEEP_CHUNK_REFS (UINT64_C(1) << 20)  /* references per chunk, unless the environment says otherwise: */
#define SWEEP_CHUNK_ENV  "MMUSIM_SWEEP_CHUNK" /* (for tests: every chunk boundary must leave the results alone) */

typedef struct sweep_rec {
	uint64_t vaddr;
	uint32_t size, pid;
	uint32_t nruns;    /* runs of the window after this record */
	uint32_t nrepeats; /* repeats in it */
	uint8_t kind;      /* mmu_ref_kind_t */
} sweep_rec_t;

/* The repeats of one pair in a window; their record is that of the pair's kept record, within one page (size 1). */
typedef struct sweep_run {
	uint64_t rec;   /* the kept record that brought the pair (same page, operation, process), from 0 in the trace */
	uint64_t vaddr; /* its address, size, process and kind */
	uint32_t size, pid;
	uint32_t count; /* its repeats in the window */
	uint8_t kind;
} sweep_run_t;

/* One chunk: whole windows, in trace order. */
typedef struct sweep_chunk {
	sweep_rec_t *recs;
	size_t nrecs, recs_cap;
	sweep_run_t *runs;
	size_t nruns, runs_cap;
	uint8_t *order; /* per repeat: index of its run within its window */
	size_t nrepeats, order_cap;
	uint64_t first_rec;    /* kept records before this chunk */
	uint64_t first_number; /* the trace's record number of recs[0], from 1 */
	uint64_t references;   /* the trace's records in the chunk */
} sweep_chunk_t;

void sweep_chunk_free(sweep_chunk_t *c);

/* The reader of one trace: decoding in a second thread (mmusim_prefetch.h), compaction in the caller's. */
typedef struct sweep_reader sweep_reader_t;

/*
 * page_bits and pairs as above: more pairs make fewer, longer windows; a window is counted at once only if all its
 * pairs hit, so `pairs` should not exceed what the smallest L1 TLB of the sweep holds. 0, or < 0 with msg set.
 */
int sweep_reader_open(sweep_reader_t **out, mmu_trace_t *t, unsigned page_bits, unsigned pairs, char *msg,
                      size_t msglen);
/* The next chunk into *c (its arrays reused): 1, 0 at the end of the trace, or < 0 with msg naming file and line. */
int sweep_reader_next(sweep_reader_t *rd, sweep_chunk_t *c, char *msg, size_t msglen);
/* What was read so far: references, kept records, repeats and runs. */
void sweep_reader_counts(const sweep_reader_t *rd, uint64_t *references, uint64_t *kept, uint64_t *repeats,
                         uint64_t *runs);
/* The trace read (its size and checksum are final once sweep_reader_next returned 0). */
const mmu_trace_t *sweep_reader_trace(const sweep_reader_t *rd);
/* Stops the reader thread and frees the reader; the trace stays open. */
void sweep_reader_close(sweep_reader_t *rd);

/*
 * The replay of the chunks on one configuration's simulation, in order: the same effect as mmu_sim_ref() on every
 * original record in order. sweep_replay_chunk returns 0, or the error of mmu_sim_ref with msg naming the record
 * number (then the replay is over). sweep_replay_end applies what was counted at once (before the figures are read).
 */
typedef struct sweep_replay sweep_replay_t;
int sweep_replay_create(sweep_replay_t **out, mmu_sim_t *sim, unsigned page_bits);
int sweep_replay_chunk(sweep_replay_t *rp, const sweep_chunk_t *c, char *msg, size_t msglen);
void sweep_replay_end(sweep_replay_t *rp);
void sweep_replay_destroy(sweep_replay_t *rp);

#endif
