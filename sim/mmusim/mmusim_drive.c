/* The shared trace loop (mmusim_drive.h). */
#include "mmusim_drive.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mmusim_prefetch.h"

static int batches(prefetch_t *pf, const mmu_trace_t *t, mmu_sim_t *sim, const char *path, bool timing)
{
	char msg[512];
	cli_progress_t progress; /* for a person watching a terminal */
	cli_progress_start(&progress);
	double start = cli_seconds();
	uint64_t refs = 0, bytes = 0;
	for (;;) {
		const mmu_trace_rec_t *recs;
		long n = prefetch_next(pf, &recs, &bytes, msg, sizeof msg);
		if (n < 0)
			return cli_fail("%s", msg);
		if (n == 0)
			break;
		size_t done;
		if (mmu_sim_refs(sim, recs, (size_t)n, &done, msg, sizeof msg) != 0) {
			char where[700];
			mmu_trace_locate(path, mmu_trace_format(t), refs + (uint64_t)done + 1, where, sizeof where);
			return cli_fail("%s: %s", where, msg);
		}
		refs += (uint64_t)n;
		if (cli_progress_due(&progress))
			cli_progress_show(&progress, bytes, mmu_trace_file_size(t), refs, "references", false);
	}
	double secs = cli_seconds() - start;
	/* The reader has reached the end (its last batch was handed over): its state can be read here. */
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	if (refs == 0) /* an empty report is a correct answer to a wrong question: usually the wrong file */
		fprintf(stderr, "mmusim: warning: %s: no records in the trace: the report is empty\n", name);
	if (mmu_trace_unterminated(t)) /* a trace cut mid-line can end in a record that parses but is wrong */
		fprintf(stderr, "mmusim: warning: %s:%llu: the last line has no newline: was the trace cut short?\n",
		        name, (unsigned long long)mmu_trace_unterminated(t));
	if (progress.on)
		cli_progress_show(&progress, bytes, mmu_trace_file_size(t), refs, "references", true);
	if (timing) {
		const mmu_sim_stats_t *ss = mmu_sim_stats(sim);
		fprintf(stderr, "mmusim: %llu translations in %.3f s (%.2f M translations/s)\n",
		        (unsigned long long)ss->translations, secs,
		        secs > 0 ? (double)ss->translations / secs / 1e6 : 0.0);
	}
	return 0;
}

int drive_trace(mmu_sim_t *sim, mmu_trace_t *t, const char *path, bool timing, bool read_ahead)
{
	prefetch_t *pf;
	if (prefetch_start(t, read_ahead, &pf) != 0)
		return cli_fail(read_ahead ? "cannot start the trace reader thread"
		                           : "out of memory for the trace's batches");
	int rc = batches(pf, t, sim, path, timing);
	prefetch_stop(pf);
	return rc;
}
