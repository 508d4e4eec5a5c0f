/* The shared trace loop (mmusim_drive.h). */
#include "mmusim_drive.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "mmusim_prefetch.h"

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A progress line on stderr, only for a person watching a terminal. */
static void progress(const mmu_trace_t *t, uint64_t bytes, uint64_t refs, double start, int final)
{
	uint64_t size = mmu_trace_file_size(t);
	double secs = now_seconds() - start;
	if (size)
		fprintf(stderr, "\rmmusim: %5.1f %%  %llu references  %.1f s%s", 100.0 * (double)bytes / (double)size,
		        (unsigned long long)refs, secs, final ? "\n" : "");
	else
		fprintf(stderr, "\rmmusim: %llu references  %.1f s%s", (unsigned long long)refs, secs,
		        final ? "\n" : "");
}

static int batches(prefetch_t *pf, const mmu_trace_t *t, mmu_sim_t *sim, const char *path, bool timing)
{
	char msg[512];
	int tty = isatty(STDERR_FILENO);
	double start = now_seconds(), last_report = start;
	uint64_t refs = 0, bytes = 0;
	for (;;) {
		const mmu_trace_rec_t *recs;
		long n = prefetch_next(pf, &recs, &bytes, msg, sizeof msg);
		if (n < 0)
			return cli_fail("%s", msg);
		if (n == 0)
			break;
		for (long i = 0; i < n; i++) {
			if (mmu_sim_ref(sim, &recs[i], msg, sizeof msg) != 0) {
				char where[700];
				mmu_trace_locate(path, mmu_trace_format(t), refs + (uint64_t)i + 1, where,
				                 sizeof where);
				return cli_fail("%s: %s", where, msg);
			}
		}
		refs += (uint64_t)n;
		if (tty && now_seconds() - last_report > 0.25) {
			last_report = now_seconds();
			progress(t, bytes, refs, start, 0);
		}
	}
	double secs = now_seconds() - start;
	/* The reader has reached the end (its last batch was handed over): its state can be read here. */
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	if (refs == 0) /* an empty report is a correct answer to a wrong question: usually the wrong file */
		fprintf(stderr, "mmusim: warning: %s: no records in the trace: the report is empty\n", name);
	if (mmu_trace_unterminated(t)) /* a trace cut mid-line can end in a record that parses but is wrong */
		fprintf(stderr, "mmusim: warning: %s:%llu: the last line has no newline: was the trace cut short?\n",
		        name, (unsigned long long)mmu_trace_unterminated(t));
	if (tty)
		progress(t, bytes, refs, start, 1);
	if (timing) {
		const mmu_sim_stats_t *ss = mmu_sim_stats(sim);
		fprintf(stderr, "mmusim: %llu translations in %.3f s (%.2f M translations/s)\n",
		        (unsigned long long)ss->translations, secs,
		        secs > 0 ? (double)ss->translations / secs / 1e6 : 0.0);
	}
	return 0;
}

int drive_trace(mmu_sim_t *sim, mmu_trace_t *t, const char *path, bool timing)
{
	prefetch_t *pf;
	if (prefetch_start(t, &pf) != 0)
		return cli_fail("cannot start the trace reader thread");
	int rc = batches(pf, t, sim, path, timing);
	prefetch_stop(pf);
	return rc;
}
