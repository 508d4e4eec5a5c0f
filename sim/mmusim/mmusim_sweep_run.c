/*
 * The parallel part of a sweep: each thread takes the next configuration, replays the shared trace, keeps the typed
 * results of its report.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmusim_sweep.h"

typedef struct pool {
	sweep_t *sw;
	const sweep_trace_t *trace;
	atomic_size_t next;
	pthread_mutex_t lock; /* guards done, the first error and the progress line */
	size_t done, total;
	size_t err_point; /* lowest failing point, so the message does not depend on the threads */
	char err[700];
	int tty;
} pool_t;

/* One configuration: replay, then the typed results of its report, as `mmusim run --json` prints them. */
static int run_point(pool_t *pl, sweep_point_t *pt, char *msg, size_t msglen)
{
	mmu_sim_t *sim;
	if (mmu_sim_create(&pt->cfg, MMU_ENGINE_FAST, &sim, msg, msglen))
		return 2;
	char why[512];
	int err = sweep_replay(pl->trace, sim, why, sizeof why);
	if (err) {
		snprintf(msg, msglen, "%s", why);
		mmu_sim_destroy(sim);
		return 2;
	}
	results_t *res = malloc(sizeof *res);
	err = !res || results_build_sim(res, &pl->sw->info, sim);
	mmu_sim_destroy(sim);
	if (err) {
		if (res)
			results_free(res);
		free(res);
		snprintf(msg, msglen, "out of memory for the results");
		return 2;
	}
	pt->res = res;
	return 0;
}

static void progress(pool_t *pl)
{
	if (pl->tty)
		fprintf(stderr, "\rmmusim sweep: %zu / %zu configurations", pl->done, pl->total);
}

static void *worker(void *arg)
{
	pool_t *pl = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&pl->next, 1);
		if (i >= pl->sw->npoints)
			return NULL;
		sweep_point_t *pt = &pl->sw->points[i];
		if (pt->skip)
			continue;
		char msg[600];
		int rc = run_point(pl, pt, msg, sizeof msg);
		pthread_mutex_lock(&pl->lock);
		if (rc && i < pl->err_point) {
			pl->err_point = i;
			snprintf(pl->err, sizeof pl->err, "configuration %zu: %s", i + 1, msg);
		}
		pl->done++;
		progress(pl);
		pthread_mutex_unlock(&pl->lock);
	}
}

static long find(char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return (long)i;
	return -1;
}

/*
 * The CSV's figure columns: every figure of any report, each report's order kept (a name new to the list goes right
 * after the name before it in its report), taken in point order so the threads do not matter. Then each point's
 * figures are put in that order, absent where its report lacks the figure, and its results freed.
 */
static int align(sweep_t *sw)
{
	size_t cap = 0;
	for (size_t i = 0; i < sw->npoints; i++)
		cap += sw->points[i].res ? sw->points[i].res->n : 0;
	if (!cap)
		return 0;
	sw->stat_names = calloc(cap, sizeof *sw->stat_names);
	if (!sw->stat_names)
		return -1;
	for (size_t i = 0; i < sw->npoints; i++) {
		const results_t *res = sw->points[i].res;
		long at = -1; /* position of the previous name of this report in the list */
		for (size_t k = 0; res && k < res->n; k++) {
			if (!result_is_figure(&res->v[k]))
				continue;
			long pos = find(sw->stat_names, sw->nstats, res->v[k].name);
			if (pos < 0) {
				pos = at + 1;
				memmove(sw->stat_names + pos + 1, sw->stat_names + pos,
				        (sw->nstats - (size_t)pos) * sizeof *sw->stat_names);
				if (!(sw->stat_names[pos] = strdup(res->v[k].name)))
					return -1;
				sw->nstats++;
			}
			at = pos;
		}
	}
	for (size_t i = 0; i < sw->npoints; i++) {
		sweep_point_t *pt = &sw->points[i];
		if (!pt->res)
			continue;
		if (!(pt->stats = calloc(sw->nstats, sizeof *pt->stats)))
			return -1;
		for (size_t k = 0; k < pt->res->n; k++) {
			const result_t *v = &pt->res->v[k];
			if (!result_is_figure(v))
				continue;
			sweep_stat_t *col = &pt->stats[find(sw->stat_names, sw->nstats, v->name)];
			*col = (sweep_stat_t){.present = true, .type = v->type, .v = v->v};
		}
		results_free(pt->res);
		free(pt->res);
		pt->res = NULL;
	}
	return 0;
}

int sweep_run(sweep_t *sw, const sweep_trace_t *trace, unsigned jobs, char *msg, size_t msglen)
{
	pool_t pl = {.sw = sw, .trace = trace, .err_point = (size_t)-1, .tty = isatty(STDERR_FILENO)};
	atomic_init(&pl.next, 0);
	for (size_t i = 0; i < sw->npoints; i++)
		pl.total += !sw->points[i].skip;
	if (jobs > pl.total)
		jobs = pl.total ? (unsigned)pl.total : 1;
	pthread_mutex_init(&pl.lock, NULL);
	pthread_t *th = calloc(jobs, sizeof *th);
	unsigned started = 0;
	if (th)
		for (; started < jobs; started++)
			if (pthread_create(&th[started], NULL, worker, &pl) != 0)
				break;
	if (started == 0) /* no thread at all: this one does the work */
		worker(&pl);
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	free(th);
	pthread_mutex_destroy(&pl.lock);
	if (pl.tty)
		fputc('\n', stderr);
	if (pl.err_point != (size_t)-1) {
		snprintf(msg, msglen, "%s", pl.err);
		return 2;
	}
	if (align(sw)) {
		snprintf(msg, msglen, "out of memory");
		return 2;
	}
	return 0;
}
