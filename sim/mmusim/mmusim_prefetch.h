#ifndef MMUSIM_PREFETCH_H
#define MMUSIM_PREFETCH_H

#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_trace.h"

/*
 * Reads a trace ahead in a second thread: decompression and parsing overlap with simulation. Batches come out in
 * trace order, so results do not depend on the thread (determinism is untouched).
 */
typedef struct prefetch prefetch_t;

int prefetch_start(mmu_trace_t *t, prefetch_t **out);

/*
 * The next batch: returns its record count (0 at the end) and points *recs at it, valid until the next call; or a
 * negative error code with msg set as mmu_trace_read sets it. *bytes gets the compressed bytes consumed so far.
 */
long prefetch_next(prefetch_t *p, const mmu_trace_rec_t **recs, uint64_t *bytes, char *msg, size_t msglen);

/* Stops the reader thread (also early, after an error) and frees everything. */
void prefetch_stop(prefetch_t *p);

#endif
