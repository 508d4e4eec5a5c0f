/*
 * The parallel part of a sweep: chunk after chunk of the trace, each thread takes the next configuration and replays
 * the chunk on its simulation, while this thread reads the next chunk. At the end, the typed results of each
 * configuration's report. Then the CSV's columns and each point's figures in their order.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmusim_sweep.h"

typedef struct task_pool {
	void (*task)(void *ctx, size_t i);
	void *ctx;
	size_t n;
	atomic_size_t next;
} task_pool_t;

static void *task_worker(void *arg)
{
	task_pool_t *tp = arg;
	for (size_t i; (i = atomic_fetch_add(&tp->next, 1)) < tp->n;)
		tp->task(tp->ctx, i);
	return NULL;
}

void sweep_parallel(size_t n, unsigned jobs, void (*task)(void *ctx, size_t i), void *ctx, void (*meanwhile)(void *),
                    void *mctx)
{
	task_pool_t tp = {.task = task, .ctx = ctx, .n = n};
	atomic_init(&tp.next, 0);
	if (jobs > n)
		jobs = n ? (unsigned)n : 1;
	pthread_t *th = calloc(jobs, sizeof *th);
	unsigned started = 0;
	if (th)
		for (; started < jobs; started++)
			if (pthread_create(&th[started], NULL, task_worker, &tp) != 0)
				break;
	if (started == 0) /* no thread at all: this one does the work */
		task_worker(&tp);
	if (meanwhile)
		meanwhile(mctx);
	for (unsigned t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	free(th);
}

/* One configuration's simulation, kept from chunk to chunk. */
typedef struct point_run {
	mmu_sim_t *sim;
	sweep_replay_t *replay;
	bool over; /* failed, or its results are kept */
} point_run_t;

typedef struct pool {
	sweep_t *sw;
	size_t lo;
	unsigned page_bits;
	point_run_t *runs;          /* by point, from lo */
	const sweep_chunk_t *chunk; /* the chunk being replayed; NULL: the end, the results */
	pthread_mutex_t lock;       /* guards done, the first error and the progress line */
	size_t n;                   /* points of the run: [lo, lo + n) */
	size_t done, total;         /* configurations done, and to do (not skipped) */
	uint64_t references;        /* read so far, for the progress line */
	size_t err_point;           /* lowest failing point, so the message does not depend on the threads */
	char err[700];
	int tty;
} pool_t;

static void progress(pool_t *pl)
{
	if (pl->tty)
		fprintf(stderr, "\rmmusim sweep: %llu references, %zu / %zu configurations",
		        (unsigned long long)pl->references, pl->done, pl->total);
}

static void point_fail(pool_t *pl, size_t i, const char *msg)
{
	pthread_mutex_lock(&pl->lock);
	if (i < pl->err_point) {
		const sweep_t *sw = pl->sw;
		pl->err_point = i;
		if (sw->ntraces > 1)
			snprintf(pl->err, sizeof pl->err, "trace %s, configuration %zu: %s",
			         sw->traces[sw->points[i].trace].path, i % sw->nconfigs + 1, msg);
		else
			snprintf(pl->err, sizeof pl->err, "configuration %zu: %s", i + 1, msg);
	}
	pthread_mutex_unlock(&pl->lock);
}

static void point_stop(point_run_t *pr)
{
	sweep_replay_destroy(pr->replay);
	mmu_sim_destroy(pr->sim);
	pr->replay = NULL;
	pr->sim = NULL;
	pr->over = true;
}

/* The typed results of a configuration's report, as `mmusim run --json` prints them. */
static int point_results(pool_t *pl, sweep_point_t *pt, point_run_t *pr)
{
	sweep_replay_end(pr->replay);
	results_t *res = malloc(sizeof *res);
	int err = !res || results_build_sim(res, &pl->sw->traces[pt->trace].info, pr->sim);
	if (err) {
		if (res)
			results_free(res);
		free(res);
		return -1;
	}
	pt->res = res;
	return 0;
}

/* Point lo + k: the chunk replayed on its simulation (made at its first chunk), or at the end its results. */
static void point_task(void *ctx, size_t k)
{
	pool_t *pl = ctx;
	size_t i = pl->lo + k;
	sweep_point_t *pt = &pl->sw->points[i];
	point_run_t *pr = &pl->runs[k];
	if (pt->skip || pr->over)
		return;
	char msg[600];
	if (!pr->sim) {
		if (mmu_sim_create(&pt->cfg, MMU_ENGINE_FAST, &pr->sim, msg, sizeof msg)) {
			pr->sim = NULL;
			point_fail(pl, i, msg);
			point_stop(pr);
			return;
		}
		if (sweep_replay_create(&pr->replay, pr->sim, pl->page_bits)) {
			point_fail(pl, i, "out of memory");
			point_stop(pr);
			return;
		}
	}
	if (pl->chunk) {
		char why[512];
		if (sweep_replay_chunk(pr->replay, pl->chunk, why, sizeof why)) {
			point_fail(pl, i, why);
			point_stop(pr);
		}
		return;
	}
	if (point_results(pl, pt, pr))
		point_fail(pl, i, "out of memory for the results");
	point_stop(pr);
	pthread_mutex_lock(&pl->lock);
	pl->done++;
	progress(pl);
	pthread_mutex_unlock(&pl->lock);
}

/* The reading of the next chunk, while the threads replay the one before. */
typedef struct next_chunk {
	sweep_reader_t *rd;
	sweep_chunk_t *c;
	int more; /* sweep_reader_next */
	char *msg;
	size_t msglen;
} next_chunk_t;

static void read_next(void *arg)
{
	next_chunk_t *nc = arg;
	nc->more = sweep_reader_next(nc->rd, nc->c, nc->msg, nc->msglen);
}

int sweep_chunks(sweep_reader_t *rd, unsigned jobs,
                 void (*replay)(void *ctx, const sweep_chunk_t *c, unsigned jobs, void (*meanwhile)(void *),
                                void *mctx),
                 void *ctx, char *msg, size_t msglen)
{
	sweep_chunk_t chunks[2];
	memset(chunks, 0, sizeof chunks);
	next_chunk_t nc = {.rd = rd, .c = &chunks[0], .msg = msg, .msglen = msglen};
	read_next(&nc);
	for (int cur = 0; nc.more > 0; cur ^= 1) {
		nc.c = &chunks[cur ^ 1];
		replay(ctx, &chunks[cur], jobs, read_next, &nc);
	}
	sweep_chunk_free(&chunks[0]);
	sweep_chunk_free(&chunks[1]);
	return nc.more;
}

static void replay_points(void *ctx, const sweep_chunk_t *c, unsigned jobs, void (*meanwhile)(void *), void *mctx)
{
	pool_t *pl = ctx;
	pl->chunk = c;
	pl->references = c->first_number - 1 + c->references;
	sweep_parallel(pl->n, jobs, point_task, pl, meanwhile, mctx);
	pthread_mutex_lock(&pl->lock);
	progress(pl);
	pthread_mutex_unlock(&pl->lock);
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

int sweep_run(sweep_t *sw, size_t lo, size_t hi, sweep_reader_t *rd, unsigned page_bits, unsigned jobs, char *msg,
              size_t msglen)
{
	pool_t pl = {.sw = sw, .lo = lo, .page_bits = page_bits, .err_point = (size_t)-1, .tty = isatty(STDERR_FILENO)};
	pl.n = hi - lo;
	for (size_t i = lo; i < hi; i++)
		pl.total += !sw->points[i].skip;
	if (!(pl.runs = calloc(pl.n ? pl.n : 1, sizeof *pl.runs))) {
		snprintf(msg, msglen, "out of memory");
		return 2;
	}
	pthread_mutex_init(&pl.lock, NULL);
	int more = sweep_chunks(rd, jobs, replay_points, &pl, msg, msglen);
	if (more == 0) { /* the end of the trace: the results, with its provenance */
		run_info_trace(&sw->traces[sw->points[lo].trace].info, sweep_reader_trace(rd));
		pl.chunk = NULL;
		sweep_parallel(pl.n, jobs, point_task, &pl, NULL, NULL);
	}
	for (size_t k = 0; k < pl.n; k++)
		point_stop(&pl.runs[k]);
	free(pl.runs);
	pthread_mutex_destroy(&pl.lock);
	if (pl.tty)
		fputc('\n', stderr);
	if (more < 0) /* the trace's error, whatever the configurations did */
		return 2;
	if (pl.err_point != (size_t)-1) {
		snprintf(msg, msglen, "%s", pl.err);
		return 2;
	}
	return 0;
}
