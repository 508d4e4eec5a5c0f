/* The parallel part of a sweep: each thread takes the next configuration, replays the shared trace, keeps its report.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mmusim_report.h"
#include "mmusim_sweep.h"

typedef struct pool {
	sweep_t *sw;
	const sweep_trace_t *trace;
	const char *format;
	atomic_size_t next;
	pthread_mutex_t lock; /* guards done, the first error and the progress line */
	size_t done, total;
	size_t err_point; /* lowest failing point, so the message does not depend on the threads */
	char err[700];
	int tty;
} pool_t;

/* report_json's text split into "name": value pairs, values exactly as printed (strings keep their quotes). */
static int parse_report(const char *json, char ***names, char ***values, size_t *n)
{
	size_t cap = 0;
	*names = *values = NULL;
	*n = 0;
	for (const char *line = json; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		const char *q = line;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q != '"')
			continue;
		const char *name = q + 1, *name_end = strchr(name, '"');
		if (!name_end)
			return -1;
		const char *v = name_end + 1;
		while (*v == ':' || *v == ' ' || *v == '\t')
			v++;
		const char *v_end = strchr(v, '\n') ? strchr(v, '\n') : v + strlen(v);
		if (v_end > v && v_end[-1] == ',')
			v_end--;
		size_t nl = (size_t)(name_end - name);
		if ((nl == 5 && !strncmp(name, "trace", 5)) || (nl == 6 && !strncmp(name, "format", 6)) ||
		    (nl == 6 && !strncmp(name, "engine", 6)) || !strncmp(name, "config.", 7))
			continue; /* the run, not its results: the swept keys are the CSV's own columns */
		if (*n == cap) {
			cap = cap ? 2 * cap : 128;
			char **nn = realloc(*names, cap * sizeof *nn),
			     **vv = nn ? realloc(*values, cap * sizeof *vv) : NULL;
			if (nn)
				*names = nn;
			if (!vv)
				return -1;
			*values = vv;
		}
		(*names)[*n] = strndup(name, nl);
		(*values)[*n] = strndup(v, (size_t)(v_end - v));
		if (!(*names)[*n] || !(*values)[*n])
			return -1;
		(*n)++;
	}
	return 0;
}

static void free_strings(char **s, size_t n)
{
	for (size_t i = 0; s && i < n; i++)
		free(s[i]);
	free(s);
}

/* One configuration: replay, then its report as `mmusim run --json` would print it. */
static int run_point(pool_t *pl, sweep_point_t *pt, size_t *n_out, char ***names, char *msg, size_t msglen)
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
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	run_info_t info = {.trace = "", .format = pl->format, .engine = "fast"};
	err = !mem || report_json(mem, &info, sim);
	if (mem && fclose(mem))
		err = 1;
	mmu_sim_destroy(sim);
	char **values = NULL;
	if (!err)
		err = parse_report(text, names, &values, n_out);
	free(text);
	if (err) {
		snprintf(msg, msglen, "cannot format the report");
		return 2;
	}
	pt->stats = values;
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
		char msg[600], **names = NULL;
		size_t n = 0;
		int rc = run_point(pl, pt, &n, &names, msg, sizeof msg);
		pthread_mutex_lock(&pl->lock);
		if (rc && i < pl->err_point) {
			pl->err_point = i;
			snprintf(pl->err, sizeof pl->err, "configuration %zu: %s", i + 1, msg);
		}
		if (!rc) {
			pt->names = names;
			pt->nnames = n;
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
 * The CSV's figure columns: every name of any report, each report's order kept (a name new to the list goes right
 * after the name before it in its report), taken in point order so the threads do not matter. Then each point's
 * values are put in that order, NULL where its report lacks the figure.
 */
static int align(sweep_t *sw)
{
	size_t cap = 0;
	for (size_t i = 0; i < sw->npoints; i++)
		cap += sw->points[i].nnames;
	if (!cap)
		return 0;
	sw->stat_names = calloc(cap, sizeof *sw->stat_names);
	if (!sw->stat_names)
		return -1;
	for (size_t i = 0; i < sw->npoints; i++) {
		const sweep_point_t *pt = &sw->points[i];
		long at = -1; /* position of the previous name of this report in the list */
		for (size_t k = 0; k < pt->nnames; k++) {
			long pos = find(sw->stat_names, sw->nstats, pt->names[k]);
			if (pos < 0) {
				pos = at + 1;
				memmove(sw->stat_names + pos + 1, sw->stat_names + pos,
				        (sw->nstats - (size_t)pos) * sizeof *sw->stat_names);
				if (!(sw->stat_names[pos] = strdup(pt->names[k])))
					return -1;
				sw->nstats++;
			}
			at = pos;
		}
	}
	for (size_t i = 0; i < sw->npoints; i++) {
		sweep_point_t *pt = &sw->points[i];
		if (!pt->stats)
			continue;
		char **by_column = calloc(sw->nstats, sizeof *by_column);
		if (!by_column)
			return -1;
		for (size_t k = 0; k < pt->nnames; k++)
			by_column[find(sw->stat_names, sw->nstats, pt->names[k])] = pt->stats[k];
		free(pt->stats);
		pt->stats = by_column;
		free_strings(pt->names, pt->nnames);
		pt->names = NULL;
		pt->nnames = 0;
	}
	return 0;
}

int sweep_run(sweep_t *sw, const sweep_trace_t *trace, const char *format, unsigned jobs, char *msg, size_t msglen)
{
	pool_t pl = {.sw = sw, .trace = trace, .format = format, .err_point = (size_t)-1, .tty = isatty(STDERR_FILENO)};
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
