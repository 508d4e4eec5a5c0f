#ifndef MMUSIM_PREFETCH_H
#define MMUSIM_PREFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_trace.h"

/*
 * Hands out a trace's records in batches, in trace order. With ahead, a second thread reads (decompresses and parses)
 * while the caller simulates; without, each batch is read when it is asked for, in the caller's thread. Results do not
 * depend on the choice (determinism is untouched), only the speed does: the second thread pays for itself when the
 * caller's work per record is large beside the reading (a sweep), and costs CPU time when it is not (README, Speed).
 */
typedef struct prefetch prefetch_t;

int prefetch_start(mmu_trace_t *t, bool ahead, prefetch_t **out);

/*
 * The next batch: returns its record count (0 at the end) and points *recs at it, valid until the next call; or a
 * negative error code with msg set as mmu_trace_read sets it. *bytes gets the compressed bytes consumed so far.
 */
long prefetch_next(prefetch_t *p, const mmu_trace_rec_t **recs, uint64_t *bytes, char *msg, size_t msglen);

/* Stops the reader thread (also early, after an error) and frees everything. */
void prefetch_stop(prefetch_t *p);

#endif
