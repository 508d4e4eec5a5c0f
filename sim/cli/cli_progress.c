/* The progress line of long runs (cli.h): mmusim's trace loop, the co-simulation, the SystemC platform. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime, isatty */
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Often enough to look alive, rarely enough to cost nothing and not to flicker. */
#define PROGRESS_EVERY 0.25

double cli_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_start(cli_progress_t *p)
{
	p->on = isatty(STDERR_FILENO);
	p->shown = false;
	p->start = p->last = cli_seconds();
}

bool cli_progress_due(cli_progress_t *p)
{
	if (!p->on)
		return false;
	double now = cli_seconds();
	if (now - p->last <= PROGRESS_EVERY)
		return false;
	p->last = now;
	return true;
}

void cli_progress_show(cli_progress_t *p, uint64_t done, uint64_t total, uint64_t count, const char *unit, bool final)
{
	double secs = cli_seconds() - p->start;
	if (total)
		fprintf(stderr, "\r%s: %5.1f %%  %llu %s  %.1f s%s", cli_prog(), 100.0 * (double)done / (double)total,
		        (unsigned long long)count, unit, secs, final ? "\n" : "");
	else
		fprintf(stderr, "\r%s: %llu %s  %.1f s%s", cli_prog(), (unsigned long long)count, unit, secs,
		        final ? "\n" : "");
	p->shown = true;
}
