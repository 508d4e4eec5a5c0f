#ifndef MMU_TRACE_ALT_H
#define MMU_TRACE_ALT_H

/*
 * The readers of the formats other than lackey and text: ChampSim's two binary records (mmu_trace_champsim.c) and
 * Dinero's din (mmu_trace_din.c). They read through the decompressing stream (mmu_trace_stream.h); mmu_trace.c
 * hands every call of the public API (mmu_trace.h) on to them for a trace of one of their formats.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_trace.h"
#include "mmu_trace_stream.h"

enum {
	ALT_BLOCK = 1 << 18, /* content bytes read at a time: ISA-L inflates larger blocks faster, and 256 KiB is still
	                        parsed from the cache */
	ALT_CARRY = 4096 + 96, /* room before the block for a record or line cut by the block's end */
	ALT_MSG = 512,
	ALT_MAX_REFS = 9, /* the most references one record gives: a fetch, 4 loads, 4 stores */
};

typedef struct trace_alt {
	trace_stream_t *s;
	mmu_trace_format_t fmt;
	unsigned char *buf; /* ALT_CARRY + ALT_BLOCK + 1 bytes */
	size_t pos, len;    /* unread content is [pos, len) */
	bool eof;
	uint64_t consumed; /* content bytes before buf[0] */
	uint64_t units;    /* records (ChampSim) or lines (din) read so far */
	uint64_t cut_line; /* din: a last line without its newline */
	/* references of a record that did not fit the caller's array, handed out first by the next read */
	mmu_trace_rec_t pend[ALT_MAX_REFS];
	unsigned npend, ipend;
	int err; /* sticky, with err_msg */
	char err_msg[ALT_MSG];
} trace_alt_t;

bool trace_alt_handles(mmu_trace_format_t fmt);

/*
 * The format of a regular file's content for MMU_TRACE_AUTO when it is one of these readers' (a NUL byte among the
 * first 4 KiB: ChampSim's standard record; a first line that begins with a digit: din), else MMU_TRACE_AUTO, which
 * leaves the file to the lackey and text reader. Returns 0 or an error (msg set) when the file cannot be read.
 */
int trace_alt_sniff(const char *path, mmu_trace_format_t *fmt, char *msg, size_t msglen);

int trace_alt_open(const char *path, mmu_trace_format_t fmt, trace_alt_t **out, char *msg, size_t msglen);
void trace_alt_close(trace_alt_t *a);
long trace_alt_read(trace_alt_t *a, mmu_trace_rec_t *recs, size_t max, char *msg, size_t msglen);
void trace_alt_locate(const char *path, mmu_trace_format_t fmt, uint64_t n, char *buf, size_t buflen);

/*
 * Moves the unread bytes to the front and reads more behind them until at least want bytes are unread or the input
 * ends. Returns 0 or an error (sticky, in err_msg).
 */
int trace_alt_refill(trace_alt_t *a, size_t want);
int trace_alt_fail(trace_alt_t *a, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The formats' own loops: store up to max references, return how many (a stored error stops them early). */
size_t trace_champsim_read(trace_alt_t *a, mmu_trace_rec_t *recs, size_t max);
size_t trace_din_read(trace_alt_t *a, mmu_trace_rec_t *recs, size_t max);
/* Record size in bytes of a ChampSim format. */
size_t trace_champsim_record_size(mmu_trace_format_t fmt);
/* Whether the first records of [p, p + n) read as ChampSim standard records (detection for MMU_TRACE_AUTO). */
bool trace_champsim_plausible(const unsigned char *p, size_t n);
/* Whether a line looks like din: blanks, a digit, a blank. */
bool trace_din_plausible(const char *p, size_t n);

#endif
