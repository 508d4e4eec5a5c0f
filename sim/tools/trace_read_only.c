/*
 * trace-read-only: reads a trace through the model's reader (mmu_trace_read, any format and compression) and does
 * nothing with the references but a checksum. `make bench` times it on the same program's trace as lackey and as
 * ChampSim records to compare the readers per reference.
 *
 * usage: trace-read-only TRACE [FORMAT]     (FORMAT as --format takes it, default auto; "-" reads standard input)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mmu/mmu_trace.h"

enum { BATCH = 4096 };

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fputs("usage: trace-read-only TRACE [FORMAT]\n", stderr);
		return 2;
	}
	int fmt = mmu_trace_format_parse(argc == 3 ? argv[2] : "auto");
	if (fmt < 0) {
		fprintf(stderr, "trace-read-only: unknown format '%s'\n", argv[2]);
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	char msg[512];
	mmu_trace_t *t;
	if (mmu_trace_open(argv[1], (mmu_trace_format_t)fmt, &t, msg, sizeof msg)) {
		fprintf(stderr, "trace-read-only: %s\n", msg);
		return 1;
	}
	static mmu_trace_rec_t recs[BATCH];
	uint64_t refs = 0, checksum = 0;
	long n;
	while ((n = mmu_trace_read(t, recs, BATCH, msg, sizeof msg)) > 0) {
		for (long i = 0; i < n; i++)
			checksum = checksum * 31 + (recs[i].vaddr ^ ((uint64_t)recs[i].kind << 56) ^ recs[i].size);
		refs += (uint64_t)n;
	}
	mmu_trace_format_t got = mmu_trace_format(t);
	mmu_trace_close(t);
	if (n < 0) {
		fprintf(stderr, "trace-read-only: %s\n", msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("format %s references %" PRIu64 " checksum %016" PRIx64 "\n", mmu_trace_format_name(got), refs,
	       checksum);
	printf("time %.3f s (%.2f M references/s)\n", secs, secs > 0 ? (double)refs / secs / 1e6 : 0.0);
	return 0;
}
