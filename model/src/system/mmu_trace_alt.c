/* Opening, detecting and buffering for the ChampSim and din readers (mmu_trace_alt.h). */
#include "mmu_trace_alt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mmu/mmu_error.h"

enum { SNIFF_BYTES = 4096 };

bool trace_alt_handles(mmu_trace_format_t fmt)
{
	return fmt == MMU_TRACE_CHAMPSIM || fmt == MMU_TRACE_CLOUDSUITE || fmt == MMU_TRACE_DIN;
}

int trace_alt_fail(trace_alt_t *a, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(a->err_msg, sizeof a->err_msg, fmt, ap);
	va_end(ap);
	a->err = code;
	return code;
}

/* The first non-blank line of [p, p + n): its start, or NULL when there is none in the sample. */
static const char *first_line(const char *p, size_t n)
{
	const char *end = p + n;
	if (n >= 3 && !memcmp(p, "\xef\xbb\xbf", 3))
		p += 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p < end ? p : NULL;
}

int trace_alt_sniff(const char *path, mmu_trace_format_t *fmt, char *msg, size_t msglen)
{
	*fmt = MMU_TRACE_AUTO;
	struct stat st;
	/* Only a regular file can be looked at and then read again from its start. */
	if (!strcmp(path, "-") || stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	trace_stream_t *s;
	int rc = trace_stream_open(path, &s, msg, msglen);
	if (rc)
		return rc == MMU_EFORMAT ? 0 : rc; /* a refused codec: the lackey reader names it the same way */
	unsigned char *b = malloc(SNIFF_BYTES);
	long n = b ? trace_stream_read(s, b, SNIFF_BYTES, msg, msglen) : MMU_ENOMEM;
	/* a gzip stream that cannot be read: the lackey and text reader says why in its own words */
	bool gzip = !strcmp(trace_stream_codec(s), "gzip");
	trace_stream_close(s);
	if (n < 0) {
		free(b);
		if (n == MMU_ENOMEM)
			snprintf(msg, msglen, "%s: out of memory", path);
		return n == MMU_EFORMAT && gzip ? 0 : (int)n;
	}
	if (memchr(b, '\0', (size_t)n)) {
		/* Text has no NUL byte; every ChampSim record has several (the high bytes of its addresses). */
		if (trace_champsim_plausible(b, (size_t)n))
			*fmt = MMU_TRACE_CHAMPSIM;
	} else {
		const char *line = first_line((const char *)b, (size_t)n);
		if (line && trace_din_plausible(line, (size_t)((const char *)b + n - line)))
			*fmt = MMU_TRACE_DIN;
	}
	free(b);
	return 0;
}

int trace_alt_open(const char *path, mmu_trace_format_t fmt, trace_alt_t **out, char *msg, size_t msglen)
{
	*out = NULL;
	trace_alt_t *a = calloc(1, sizeof *a);
	if (!a || !(a->buf = malloc(ALT_CARRY + ALT_BLOCK + 1))) {
		free(a);
		snprintf(msg, msglen, "%s: out of memory", strcmp(path, "-") ? path : "<stdin>");
		return MMU_ENOMEM;
	}
	a->fmt = fmt;
	int rc = trace_stream_open(path, &a->s, msg, msglen);
	if (rc) {
		trace_alt_close(a);
		return rc;
	}
	*out = a;
	return 0;
}

void trace_alt_close(trace_alt_t *a)
{
	if (!a)
		return;
	free(a->buf);
	trace_stream_close(a->s);
	free(a);
}

int trace_alt_refill(trace_alt_t *a, size_t want)
{
	size_t tail = a->len - a->pos;
	memmove(a->buf, a->buf + a->pos, tail);
	a->consumed += a->pos;
	a->pos = 0;
	a->len = tail;
	while (a->len < want && !a->eof) {
		char msg[ALT_MSG];
		long n = trace_stream_read(a->s, a->buf + a->len, ALT_BLOCK, msg, sizeof msg);
		if (n < 0)
			return trace_alt_fail(a, (int)n, "%s", msg);
		if (n == 0)
			a->eof = true;
		a->len += (size_t)n;
	}
	return 0;
}

long trace_alt_read(trace_alt_t *a, mmu_trace_rec_t *recs, size_t max, char *msg, size_t msglen)
{
	size_t n = 0;
	while (n < max && a->ipend < a->npend)
		recs[n++] = a->pend[a->ipend++];
	if (n < max && !a->err)
		n += a->fmt == MMU_TRACE_DIN ? trace_din_read(a, recs + n, max - n)
		                             : trace_champsim_read(a, recs + n, max - n);
	/* References before a bad record are delivered first; the error comes with the next call. */
	if (a->err && n == 0) {
		snprintf(msg, msglen, "%s", a->err_msg);
		return a->err;
	}
	return (long)n;
}

void trace_alt_locate(const char *path, mmu_trace_format_t fmt, uint64_t n, char *buf, size_t buflen)
{
	bool std = !strcmp(path, "-");
	snprintf(buf, buflen, "%s: record %llu", std ? "<stdin>" : path, (unsigned long long)n);
	trace_alt_t *a;
	char msg[ALT_MSG];
	if (std || trace_alt_open(path, fmt, &a, msg, sizeof msg))
		return;
	mmu_trace_rec_t recs[256];
	uint64_t left = n;
	long got = 1;
	while (left && got > 0) {
		got = trace_alt_read(a, recs, left < 256 ? (size_t)left : 256, msg, sizeof msg);
		left -= got > 0 ? (uint64_t)got : 0;
	}
	if (!left && fmt == MMU_TRACE_DIN) { /* the read stops right after the n-th reference: its line is the last */
		snprintf(buf, buflen, "%s:%llu", path, (unsigned long long)a->units);
	} else if (!left) {
		/* the n-th reference belongs to the last record decoded */
		uint64_t size = trace_champsim_record_size(fmt);
		snprintf(buf, buflen, "%s: instruction record %llu (byte offset %llu)", path,
		         (unsigned long long)a->units, (unsigned long long)((a->units - 1) * size));
	}
	trace_alt_close(a);
}
