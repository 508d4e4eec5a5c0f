/*
 * Dinero's din format: one reference per line, "LABEL ADDRESS [SIZE]", the address and size in hex (an optional 0x),
 * fields separated by blanks. Labels, as Dinero documents them: 0 data read, 1 data write, 2 instruction fetch,
 * 3 "escape record, unknown access type" (Dinero IV's miscellaneous access, counted as a read: here a load),
 * 4 "escape record, causes cache flush" (Dinero IV: copy back dirty lines). A TLB holds no dirty data and a cache
 * flush does not touch it, so label 4 lines are checked and skipped. Without SIZE an access is the 1 byte at
 * ADDRESS (Dinero assumes an aligned word, which lies in the same page). Dinero ignores text after the address; here
 * it must be the size, so that a trace of another format is refused rather than misread. Blank lines are skipped.
 */
#include <stdio.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_trace_alt.h"

enum { DIN_MAX_LINE = 4096 };

static const uint8_t din_kind[5] = {MMU_REF_LOAD, MMU_REF_STORE, MMU_REF_FETCH, MMU_REF_LOAD, 0};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool trace_din_plausible(const char *p, size_t n)
{
	return n >= 2 && p[0] >= '0' && p[0] <= '4' && blank(p[1]);
}

/* A hex number with an optional 0x; *wide when it has more than 16 significant digits. Returns the end. */
static const char *scan_hex(const char *p, uint64_t *v, int *nd, bool *wide)
{
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && hex_digit(p[2]) >= 0)
		p += 2;
	const char *first = p;
	while (*p == '0')
		p++;
	const char *sig = p;
	uint64_t x = 0;
	int d;
	while ((d = hex_digit(*p)) >= 0) {
		x = x << 4 | (uint64_t)d;
		p++;
	}
	*v = x;
	*nd = (int)(p - first);
	*wide = p - sig > 16;
	return p;
}

static const char *show(char c, char *b, size_t blen)
{
	unsigned char u = (unsigned char)c;
	if (c == '\n')
		snprintf(b, blen, "end of line");
	else if (u < 0x20 || u >= 0x7f)
		snprintf(b, blen, "byte 0x%02x", u);
	else
		snprintf(b, blen, "'%c'", c);
	return b;
}

static int bad(trace_alt_t *a, const char *what, char c, bool with_byte)
{
	char b[32];
	if (with_byte)
		return trace_alt_fail(a, MMU_EFORMAT, "%s:%llu: %s: %s", trace_stream_name(a->s),
		                      (unsigned long long)a->units, what, show(c, b, sizeof b));
	return trace_alt_fail(a, MMU_EFORMAT, "%s:%llu: %s", trace_stream_name(a->s), (unsigned long long)a->units,
	                      what);
}

/* One line at p, ending in '\n'. Returns 1 with *r set, 0 for a line without a reference, or an error. */
static int din_line(trace_alt_t *a, const char *p, mmu_trace_rec_t *r)
{
	while (blank(*p))
		p++;
	if (*p == '\n' || (*p == '\r' && p[1] == '\n'))
		return 0;
	if (*p >= '0' && *p <= '4' && (p[1] == '\n' || p[1] == '\r'))
		return bad(a, "missing address", p[1], true);
	if (*p < '0' || *p > '4' || !blank(p[1])) {
		int len = 0;
		while (len < 16 && (unsigned char)p[len] > ' ' && (unsigned char)p[len] < 0x7f)
			len++;
		if (len == 0)
			return bad(a, "unknown label", *p, true);
		return trace_alt_fail(a, MMU_EFORMAT,
		                      "%s:%llu: unknown label '%.*s' (0 read, 1 write, 2 instruction fetch, 3 misc, 4 "
		                      "flush)",
		                      trace_stream_name(a->s), (unsigned long long)a->units, len, p);
	}
	int label = *p - '0';
	p++;
	while (blank(*p))
		p++;
	uint64_t addr, size = 1;
	int nd;
	bool wide;
	p = scan_hex(p, &addr, &nd, &wide);
	if (nd == 0)
		return bad(a, *p == '\n' || *p == '\r' ? "missing address" : "invalid address", *p, true);
	if (wide)
		return bad(a, "address wider than 64 bits", 0, false);
	if (!blank(*p) && *p != '\n' && *p != '\r')
		return bad(a, "invalid address", *p, true);
	while (blank(*p))
		p++;
	if (*p != '\n' && *p != '\r') {
		p = scan_hex(p, &size, &nd, &wide);
		if (nd == 0 || (!blank(*p) && *p != '\n' && *p != '\r'))
			return bad(a, "invalid size (a hex number of bytes)", *p, true);
		if (wide || size > UINT32_MAX)
			return bad(a, "size out of range (more than 0xffffffff)", 0, false);
		if (size == 0)
			return bad(a, "size must be at least 1", 0, false);
		while (blank(*p))
			p++;
	}
	if (*p == '\r')
		p++;
	if (*p != '\n')
		return bad(a, "trailing text after the size (din lines are LABEL ADDRESS [SIZE])", *p, true);
	if (size - 1 > UINT64_MAX - addr)
		return bad(a, "the access wraps past the end of the 64-bit address space", 0, false);
	if (label == 4)
		return 0;
	*r = (mmu_trace_rec_t){.vaddr = addr, .size = (uint32_t)size, .pid = 1, .kind = din_kind[label]};
	return 1;
}

/* The next complete line at a->pos ('\n' guaranteed at its end), or NULL at the end of the input or an error. */
static const char *next_line(trace_alt_t *a, const char **nl)
{
	const char *p = (const char *)a->buf + a->pos, *end = (const char *)a->buf + a->len;
	*nl = memchr(p, '\n', (size_t)(end - p));
	if (*nl)
		return p;
	if (a->len - a->pos > DIN_MAX_LINE || trace_alt_refill(a, a->len - a->pos + 1))
		goto too_long_or_err;
	p = (const char *)a->buf + a->pos, end = (const char *)a->buf + a->len;
	while (!(*nl = memchr(p, '\n', (size_t)(end - p)))) {
		if (a->eof) {
			if (p == end)
				return NULL;
			a->cut_line = a->units + 1; /* a last line without its newline is still a line */
			a->buf[a->len++] = '\n';
			*nl = (const char *)a->buf + a->len - 1;
			break;
		}
		if (a->len - a->pos > DIN_MAX_LINE || trace_alt_refill(a, a->len - a->pos + 1))
			goto too_long_or_err;
		p = (const char *)a->buf + a->pos, end = (const char *)a->buf + a->len;
	}
	return p;
too_long_or_err:
	if (!a->err) {
		a->units++;
		bad(a, "line too long (more than 4096 bytes)", 0, false);
	}
	return NULL;
}

size_t trace_din_read(trace_alt_t *a, mmu_trace_rec_t *recs, size_t max)
{
	size_t n = 0;
	while (n < max && !a->err) {
		const char *nl, *p = next_line(a, &nl);
		if (!p)
			break;
		a->units++;
		if (nl - p > DIN_MAX_LINE) {
			bad(a, "line too long (more than 4096 bytes)", 0, false);
			break;
		}
		if (memchr(p, '\0', (size_t)(nl - p))) {
			bad(a, "unexpected NUL byte (binary data?)", 0, false);
			break;
		}
		int rc = din_line(a, p, &recs[n]);
		if (rc < 0)
			break;
		n += (size_t)rc;
		a->pos = (size_t)(nl + 1 - (const char *)a->buf);
	}
	return n;
}
