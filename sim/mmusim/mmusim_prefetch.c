#include "mmusim_prefetch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"

#define SLOTS 4
#define BATCH 16384
/* Read in the caller's thread: a batch that stays in the cache between being parsed and being simulated. */
#define BATCH_INLINE 2048

typedef struct slot {
	mmu_trace_rec_t recs[BATCH];
	long n; /* records, 0 = end, < 0 = error */
	uint64_t bytes;
	char msg[512];
	bool full;
} slot_t;

struct prefetch {
	mmu_trace_t *trace;
	bool ahead; /* a reader thread; otherwise every batch is read by prefetch_next in the caller's thread */
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	bool stop;
	unsigned head, tail; /* producer fills slot[head % SLOTS], consumer takes slot[tail % SLOTS] */
	bool consumer_holds; /* the consumer still reads the slot it took last */
	slot_t slot[SLOTS];
};

static void *reader(void *arg)
{
	prefetch_t *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (!p->stop && p->slot[p->head % SLOTS].full)
			pthread_cond_wait(&p->changed, &p->lock);
		bool stop = p->stop;
		pthread_mutex_unlock(&p->lock);
		if (stop)
			return NULL;
		slot_t *s = &p->slot[p->head % SLOTS];
		s->n = mmu_trace_read(p->trace, s->recs, BATCH, s->msg, sizeof s->msg);
		s->bytes = mmu_trace_bytes(p->trace);
		pthread_mutex_lock(&p->lock);
		s->full = true;
		p->head++;
		pthread_cond_broadcast(&p->changed);
		pthread_mutex_unlock(&p->lock);
		if (s->n <= 0)
			return NULL; /* end of trace or error: nothing more to read */
	}
}

int prefetch_start(mmu_trace_t *t, bool ahead, prefetch_t **out)
{
	prefetch_t *p = calloc(1, sizeof *p);
	if (!p)
		return MMU_ENOMEM;
	p->trace = t;
	p->ahead = ahead;
	if (!ahead) {
		*out = p;
		return 0;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->changed, NULL);
	if (pthread_create(&p->thread, NULL, reader, p) != 0) {
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->changed);
		free(p);
		return MMU_ENOMEM;
	}
	*out = p;
	return 0;
}

/* A batch read here and now; an error repeats on every later call, as mmu_trace_read's errors do. */
static long read_inline(prefetch_t *p, const mmu_trace_rec_t **recs, uint64_t *bytes, char *msg, size_t msglen)
{
	slot_t *s = &p->slot[0];
	long n = mmu_trace_read(p->trace, s->recs, BATCH_INLINE, msg, msglen);
	*bytes = mmu_trace_bytes(p->trace);
	*recs = s->recs;
	return n;
}

long prefetch_next(prefetch_t *p, const mmu_trace_rec_t **recs, uint64_t *bytes, char *msg, size_t msglen)
{
	if (!p->ahead)
		return read_inline(p, recs, bytes, msg, msglen);
	pthread_mutex_lock(&p->lock);
	if (p->consumer_holds) { /* hand the previous batch's slot back to the reader */
		p->slot[p->tail % SLOTS].full = false;
		p->tail++;
		p->consumer_holds = false;
		pthread_cond_broadcast(&p->changed);
	}
	while (!p->slot[p->tail % SLOTS].full)
		pthread_cond_wait(&p->changed, &p->lock);
	slot_t *s = &p->slot[p->tail % SLOTS];
	pthread_mutex_unlock(&p->lock);
	*bytes = s->bytes;
	if (s->n < 0) {
		snprintf(msg, msglen, "%s", s->msg);
		return s->n; /* the slot stays full: further calls return the same error */
	}
	if (s->n > 0)
		p->consumer_holds = true;
	*recs = s->recs;
	return s->n;
}

void prefetch_stop(prefetch_t *p)
{
	if (!p)
		return;
	if (!p->ahead) {
		free(p);
		return;
	}
	pthread_mutex_lock(&p->lock);
	p->stop = true;
	pthread_cond_broadcast(&p->changed);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->thread, NULL);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->changed);
	free(p);
}
