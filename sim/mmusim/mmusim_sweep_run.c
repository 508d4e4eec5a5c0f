/*
 * The parallel part of a sweep: each thread takes the next configuration, replays the shared trace, keeps the typed
 * results of its report. Then the CSV's columns and each point's figures in their order.
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
	size_t hi; /* the rows of this trace to run end here */
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
	err = !res || results_build_sim(res, &pl->sw->traces[pt->trace].info, sim);
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
		if (i >= pl->hi)
			return NULL;
		sweep_point_t *pt = &pl->sw->points[i];
		if (pt->skip)
			continue;
		char msg[600];
		int rc = run_point(pl, pt, msg, sizeof msg);
		pthread_mutex_lock(&pl->lock);
		if (rc && i < pl->err_point) {
			const sweep_t *sw = pl->sw;
			pl->err_point = i;
			if (sw->ntraces > 1)
				snprintf(pl->err, sizeof pl->err, "trace %s, configuration %zu: %s",
				         sw->traces[pt->trace].path, i % sw->nconfigs + 1, msg);
			else
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
 * The figures a point's report holds, without simulating: which ones depends on the configuration alone (the one a
 * simulation's MMU reports is the one it was created with), not on the counts.
 */
static int report_names(const mmu_cfg_t *cfg, results_t *res)
{
	const mmu_stats_t st = {0};
	const mmu_sim_stats_t ss = {0};
	const run_info_t info = {.trace = "", .format = "", .engine = ""};
	report_src_t src = {.cfg = cfg, .paging = "", .st = &st, .ss = &ss};
	int err = results_build(res, &info, &src);
	if (err)
		results_free(res);
	return err;
}

/* Adds the figures of one report to the columns: a name new to the list goes right after the name before it in its
 * report, so each report's order is kept. */
static int add_names(sweep_t *sw, const results_t *res)
{
	long at = -1; /* position of the previous name of this report in the list */
	for (size_t k = 0; k < res->n; k++) {
		if (!result_is_figure(&res->v[k]))
			continue;
		long pos = find(sw->stat_names, sw->nstats, res->v[k].name);
		if (pos < 0) {
			char **grown = realloc(sw->stat_names, (sw->nstats + 1) * sizeof *grown);
			if (!grown)
				return -1;
			sw->stat_names = grown;
			pos = at + 1;
			memmove(sw->stat_names + pos + 1, sw->stat_names + pos,
			        (sw->nstats - (size_t)pos) * sizeof *sw->stat_names);
			sw->nstats++;
			if (!(sw->stat_names[pos] = strdup(res->v[k].name)))
				return -1;
		}
		at = pos;
	}
	return 0;
}

/*
 * The CSV's figure columns: every figure of any valid configuration's report, taken in configuration order, each
 * report's order kept. A configuration that did not run here (in another shard) contributes the report made from it
 * alone, so a shard of the sweep has the columns of the whole sweep. Then each simulated point's figures are put in
 * that order, absent where its report lacks the figure, and its results freed.
 */
/* The report of configuration c as run on some trace here, or NULL when this run (a shard) has none. */
static const results_t *run_report(const sweep_t *sw, size_t c)
{
	for (size_t t = 0; t < sw->ntraces; t++) {
		size_t i = t * sw->nconfigs + c;
		if (i >= sw->lo && i < sw->hi && sw->points[i].res)
			return sw->points[i].res;
	}
	return NULL;
}

int sweep_align(sweep_t *sw)
{
	const results_t *last = NULL; /* consecutive configurations mostly report the same figures */
	results_t made[2];            /* the reports made from a configuration alone */
	int cur = 0, err = 0;
	memset(made, 0, sizeof made);
	for (size_t i = 0; i < sw->nconfigs && !err; i++) {
		if (sw->points[i].skip)
			continue;
		const results_t *r = run_report(sw, i);
		if (!r) {
			results_free(&made[cur]);
			if ((err = report_names(&sw->points[i].cfg, &made[cur])))
				break;
			r = &made[cur];
			cur ^= 1;
		}
		bool same = last && last->n == r->n;
		for (size_t k = 0; same && k < r->n; k++)
			same = !strcmp(last->v[k].name, r->v[k].name);
		if (!same && (err = add_names(sw, r)))
			break;
		last = r;
	}
	results_free(&made[0]);
	results_free(&made[1]);
	if (err)
		return -1;
	for (size_t i = sw->lo; i < sw->hi; i++) {
		sweep_point_t *pt = &sw->points[i];
		if (!pt->res)
			continue;
		if (!(pt->stats = calloc(sw->nstats ? sw->nstats : 1, sizeof *pt->stats)))
			return -1;
		for (size_t k = 0; k < pt->res->n; k++) {
			const result_t *v = &pt->res->v[k];
			if (!result_is_figure(v))
				continue;
			long col = find(sw->stat_names, sw->nstats, v->name);
			if (col < 0) /* the run reported a figure its configuration does not: a bug of report_names */
				return -1;
			pt->stats[col] = (sweep_stat_t){.present = true, .type = v->type, .v = v->v};
		}
		results_free(pt->res);
		free(pt->res);
		pt->res = NULL;
	}
	return 0;
}

int sweep_run(sweep_t *sw, size_t lo, size_t hi, const sweep_trace_t *trace, unsigned jobs, char *msg, size_t msglen)
{
	pool_t pl = {.sw = sw, .trace = trace, .hi = hi, .err_point = (size_t)-1, .tty = isatty(STDERR_FILENO)};
	atomic_init(&pl.next, lo);
	for (size_t i = lo; i < hi; i++)
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
	return 0;
}
