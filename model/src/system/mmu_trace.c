#include "mmu/mmu_trace.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_trace_alt.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/*
 * The reader decompresses big blocks and parses complete lines in place. Every line handed to a parser ends in '\n'
 * inside the buffer, so the scanners need no bounds checks: '\n' stops each of them. A line cut by the end of a block
 * is moved to the front of the buffer before the next block is read behind it. An uncompressed file is read the same
 * way (mmu_trace_stream.h says why it is not mapped).
 */
enum {
	TRACE_BLOCK = 1 << 20,
	TRACE_MAX_LINE = 4096, /* bytes, newline excluded */
	TRACE_MSG = 512,
	TRACE_PAD = 32, /* bytes after the buffer's end that may be read (never used): a word-wide scan may overshoot */
};
#define TOO_LONG "line too long (more than 4096 bytes)"

struct mmu_trace {
	trace_alt_t *alt;  /* the reader of a ChampSim or din trace, which every call is handed to; else NULL */
	trace_stream_t *s; /* the file's content, decompressed (gzip, xz, bzip2 or none) */
	char *name;        /* as shown in messages: the path, or "<stdin>" */
	mmu_trace_format_t fmt;
	uint64_t line;
	char *buf;  /* TRACE_MAX_LINE + TRACE_BLOCK + 1 bytes, and TRACE_PAD more that are never written */
	size_t pos; /* next line to parse */
	size_t lim; /* one past the last '\n' of the buffer: [pos, lim) holds complete lines */
	size_t len; /* bytes in the buffer; [lim, len) is a line still missing its end */
	bool eof;
	uint64_t cut_line;      /* a last line without its newline: its number */
	int err;                /* sticky: once a read failed, every later read fails the same way */
	char *err_msg;          /* TRACE_MSG bytes */
	uint64_t content_bytes; /* provenance: the size of the content (its CRC-32 is the stream's) */
};

/* Hex digit value + 1; 0 for every byte that is not a hex digit (including '\n', which ends every scan). */
static const uint8_t hex_val[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static void set_msg(char *msg, size_t msglen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void set_msg(char *msg, size_t msglen, const char *fmt, ...)
{
	if (!msg || !msglen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, msglen, fmt, ap);
	va_end(ap);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A byte quoted for a message: 'x' when printable, otherwise its value, so binary input is recognisable. */
static const char *show_byte(char c, char *out, size_t outlen)
{
	unsigned char u = (unsigned char)c;
	if (u == 0)
		snprintf(out, outlen, "a NUL byte (binary data?)");
	else if (u == '\n')
		snprintf(out, outlen, "end of line");
	else if (u < 0x20 || u >= 0x7f)
		snprintf(out, outlen, "byte 0x%02x (binary data?)", u);
	else
		snprintf(out, outlen, "'%c'", c);
	return out;
}

/* Records the error at the current line; it is sticky and reported by this and every later read. */
static int fail_line(mmu_trace_t *t, const char *what, bool show, char c)
{
	char b[48];
	if (show)
		snprintf(t->err_msg, TRACE_MSG, "%s:%llu: %s: %s", t->name, (unsigned long long)t->line, what,
		         show_byte(c, b, sizeof b));
	else
		snprintf(t->err_msg, TRACE_MSG, "%s:%llu: %s", t->name, (unsigned long long)t->line, what);
	t->err = MMU_EFORMAT;
	return t->err;
}

/* ---- block reading ---- */

static void find_lim(mmu_trace_t *t, size_t from)
{
	for (size_t i = t->len; i > from; i--) {
		if (t->buf[i - 1] == '\n') {
			t->lim = i;
			return;
		}
	}
}

/*
 * The first bytes of the content (n of them, at the start of the buffer): a UTF-8 byte-order mark, which editors on
 * some systems write, is dropped, as the config reader does.
 */
static void check_start(mmu_trace_t *t, size_t n)
{
	if (n >= 3 && memcmp(t->buf, "\xef\xbb\xbf", 3) == 0) {
		memmove(t->buf, t->buf + 3, n - 3);
		t->len -= 3;
	}
}

static int read_more(mmu_trace_t *t)
{
	size_t before = t->len;
	long n = trace_stream_read(t->s, t->buf + t->len, TRACE_BLOCK, t->err_msg, TRACE_MSG);
	if (n < 0) {
		t->err = (int)n;
		return t->err;
	}
	if (n == 0) {
		t->eof = true;
		return 0;
	}
	bool first = t->content_bytes == 0;
	t->content_bytes += (uint64_t)n;
	t->len += (size_t)n;
	if (first)
		check_start(t, (size_t)n);
	find_lim(t, before);
	return 0;
}

/* At the end of the input: a last line without its newline is still a line (it is parsed, complete or not). */
static int finish_input(mmu_trace_t *t)
{
	if (t->len == 0)
		return 0;
	t->cut_line = t->line + 1; /* every complete line before it has been parsed */
	t->buf[t->len++] = '\n';
	t->lim = t->len;
	return 1;
}

/* Makes [pos, lim) non-empty. Returns 1, 0 at the end of the input, or a negative error. */
static int refill(mmu_trace_t *t)
{
	size_t tail = t->len - t->lim;
	memmove(t->buf, t->buf + t->lim, tail);
	t->pos = t->lim = 0;
	t->len = tail;
	while (t->lim == 0) {
		if (t->len > TRACE_MAX_LINE) {
			t->line++;
			return fail_line(t, TOO_LONG, false, 0);
		}
		if (t->eof)
			return finish_input(t);
		int rc = read_more(t);
		if (rc < 0)
			return rc;
	}
	return 1;
}

/* ---- line scanners ---- */

typedef enum { LINE_REC, LINE_SKIP, LINE_ERR } line_kind_t;

/* What is wrong with a line; the caller, which knows the line number, turns it into the message. */
typedef struct line_err {
	const char *what;
	bool show; /* show the offending byte c */
	char c;
} line_err_t;

static line_kind_t too_long(line_err_t *e)
{
	*e = (line_err_t){.what = TOO_LONG};
	return LINE_ERR;
}

/* Checks a line that is skipped whole (banner, comment, blank); returns the start of the next line or NULL. */
static const char *skip_line(line_err_t *e, const char *p, const char *lim)
{
	const char *nl = memchr(p, '\n', (size_t)(lim - p));
	if (nl - p > TRACE_MAX_LINE) {
		too_long(e);
		return NULL;
	}
	if (memchr(p, '\0', (size_t)(nl - p))) {
		*e = (line_err_t){.what = "unexpected byte", .show = true, .c = '\0'};
		return NULL;
	}
	return nl + 1;
}

/* A bad line: reported as too long if it is, since its content is then beside the point. */
static line_kind_t bad_line(line_err_t *e, const char *line, const char *lim, const char *what, char c)
{
	const char *nl = memchr(line, '\n', (size_t)(lim - line));
	if (nl - line > TRACE_MAX_LINE)
		return too_long(e);
	*e = (line_err_t){.what = what, .show = true, .c = c};
	return LINE_ERR;
}

/* A value that parses but is out of range: the byte after it says nothing, so it is not shown. */
static line_kind_t bad_value(line_err_t *e, const char *line, const char *lim, const char *what)
{
	line_kind_t k = bad_line(e, line, lim, what, 0);
	e->show = false;
	return k;
}

/* Leading zeros do not count towards the 16 digits a 64-bit address can have. */
static const char *scan_hex(const char *p, uint64_t *v, int *ndigits, bool *wide)
{
	const char *first = p;
	while (*p == '0')
		p++;
	const char *sig = p;
	uint64_t x = 0;
	uint8_t d;
	while ((d = hex_val[(unsigned char)*p]) != 0) {
		x = (x << 4) | (uint64_t)(d - 1);
		p++;
	}
	*v = x;
	*ndigits = (int)(p - first);
	*wide = p - sig > 16;
	return p;
}

/* Decimal number up to 2^32 - 1; *big is set beyond that. */
static const char *scan_dec(const char *p, uint64_t *v, int *ndigits, bool *big)
{
	const char *first = p;
	uint64_t x = 0;
	while (is_digit(*p)) {
		if (x <= UINT32_MAX) /* past the limit the value no longer matters, only that it is too big */
			x = x * 10 + (uint64_t)(*p - '0');
		p++;
	}
	*v = x;
	*ndigits = (int)(p - first);
	*big = x > UINT32_MAX;
	return p;
}

static const char *skip_blanks(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/* The end of a record: optional blanks and a '\r' before the newline. */
static bool at_line_end(const char *p, const char **next)
{
	p = skip_blanks(p);
	if (*p == '\r')
		p++;
	if (*p != '\n')
		return false;
	*next = p + 1;
	return true;
}

/* Kind + 1 of a lackey data access by its letter; 0 for any other byte. */
static const uint8_t lackey_data_kind[256] = {
    ['L'] = MMU_REF_LOAD + 1,
    ['S'] = MMU_REF_STORE + 1,
    ['M'] = MMU_REF_MODIFY + 1,
};

/* The kind of a record from its first three bytes ("I  ", " L ", " S ", " M "), or -1. */
static inline int lackey_kind(const char *p)
{
	if (p[0] == 'I')
		return p[1] == ' ' && p[2] == ' ' ? MMU_REF_FETCH : -1;
	if (p[0] != ' ')
		return -1;
	unsigned k = lackey_data_kind[(unsigned char)p[1]];
	return k && p[2] == ' ' ? (int)k - 1 : -1;
}

/* Nothing but blanks and the line end. */
static bool blank_line(const char *p)
{
	p = skip_blanks(p);
	return p[0] == '\n' || (p[0] == '\r' && p[1] == '\n');
}

/*
 * The common lackey line read eight bytes at a time: "I  ", " L ", " S " or " M ", 8 to 16 hex digits (lackey writes
 * at least 8), ',', a decimal size of 1 to 9 digits, '\n'. Anything else (and any error) is left to lackey_line, which
 * reads it byte by byte. p must be followed by at least TRACE_PAD readable bytes.
 */
#define BYTES(x) (UINT64_C(0x0101010101010101) * (x))

/* How many of the 16 bytes at p, from the first, are hex digits ('0'-'9', 'a'-'f', 'A'-'F'). */
#if defined(__SSE2__)
static inline unsigned hex_run16(const char *p)
{
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p), lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
	/* signed compares: a byte >= 0x80 is below every bound, so never a digit */
	__m128i digit =
	    _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)), _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
	__m128i letter =
	    _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)), _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
	unsigned hex = (unsigned)_mm_movemask_epi8(_mm_or_si128(digit, letter)); /* bit i: byte i is a hex digit */
	return (unsigned)__builtin_ctz(~hex);                                    /* at most 16: ~hex has bit 16 set */
}
#else
/* The high bit of each byte of w that is a hex digit. */
static inline uint64_t hex_bytes(uint64_t w)
{
	uint64_t x = w & ~BYTES(0x80), lower = x | BYTES(0x20);
#define AT_LEAST(v, c) (((v) | BYTES(0x80)) - BYTES(c)) /* high bit of a byte set where that byte >= c (< 0x80) */
	uint64_t digit = AT_LEAST(x, '0') & ~AT_LEAST(x, '9' + 1);
	uint64_t letter = AT_LEAST(lower, 'a') & ~AT_LEAST(lower, 'f' + 1);
#undef AT_LEAST
	return (digit | letter) & ~w & BYTES(0x80);
}

static inline unsigned hex_run8(uint64_t w)
{
	uint64_t other = ~hex_bytes(w) & BYTES(0x80);
	return other ? (unsigned)__builtin_ctzll(other) / 8 : 8;
}

static inline unsigned hex_run16(const char *p)
{
	uint64_t w0, w1;
	memcpy(&w0, p, 8);
	memcpy(&w1, p + 8, 8);
	unsigned n = hex_run8(w0);
	return n < 8 ? n : 8 + hex_run8(w1);
}
#endif

/* The value of 8 hex digits, w's first byte the most significant. */
static inline uint64_t hex8(uint64_t w)
{
	uint64_t v = (w & BYTES(0x0f)) + 9 * ((w >> 6) & BYTES(1)); /* '0'-'9' -> 0-9, 'a'-'f' / 'A'-'F' -> 10-15 */
	v = __builtin_bswap64(v);                                   /* the least significant digit in the low byte */
	v = (v | v >> 4) & UINT64_C(0x00ff00ff00ff00ff);
	v = (v | v >> 8) & UINT64_C(0x0000ffff0000ffff);
	return (v | v >> 16) & UINT64_C(0xffffffff);
}

static inline uint64_t load8(const char *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w; /* little-endian: p[0] in the low byte */
}

static inline bool lackey_fast(const char *p, mmu_trace_rec_t *r, const char **next)
{
	uint32_t head;
	memcpy(&head, p, sizeof head);
	head &= 0xffffff; /* the first three bytes, p[0] the lowest */
	unsigned kind;
	if (head == ('I' | ' ' << 8 | ' ' << 16))
		kind = MMU_REF_FETCH + 1;
	else if ((head & 0xff00ff) == (' ' | ' ' << 16))
		kind = lackey_data_kind[head >> 8 & 0xff];
	else
		return false;
	/*
	 * Where the address ends, from the commas of the common lengths first (8 digits: code and data of a small
	 * program; 10: its stack): a branch the processor predicts, so the next line's start does not wait for the
	 * digits to be counted. The count then only confirms it.
	 */
	unsigned digits = p[11] == ',' ? 8 : p[13] == ',' ? 10 : hex_run16(p + 3);
	const char *q = p + 3 + digits;
	if (!kind || digits < 8 || *q != ',' || hex_run16(p + 3) != digits)
		return false;
	uint64_t addr = hex8(load8(p + 3));
	if (digits > 8) /* the last ones, moved to the top of the word: the bytes below them read as zeros */
		addr = addr << (4 * (digits - 8)) | hex8(load8(p + 11) << (8 * (16 - digits)));
	uint64_t size = (unsigned)(unsigned char)q[1] - '0';
	if (size - 1 < 9 && q[2] == '\n') { /* the common size: one digit, not 0 */
		q += 2;
	} else {
		unsigned nd = 0, d;
		for (size = 0, q++; (d = (unsigned)(unsigned char)*q - '0') <= 9 && nd < 9; q++, nd++)
			size = size * 10 + d;
		if (*q != '\n' || size == 0)
			return false;
	}
	if (size - 1 > UINT64_MAX - addr)
		return false;
	*r = (mmu_trace_rec_t){.vaddr = addr, .size = (uint32_t)size, .pid = 1, .kind = (uint8_t)(kind - 1)};
	*next = q + 1;
	return true;
}

/* One lackey line at p: "I  addr,size", " L addr,size", " S ...", " M ...", or a "==pid==" banner. */
static line_kind_t lackey_line(line_err_t *e, const char *p, const char *lim, mmu_trace_rec_t *r, const char **next)
{
	const char *line = p;
	int kind = lackey_kind(p);
	if (kind < 0) {
		if (blank_line(p) || (p[0] == '=' && p[1] == '='))
			return (*next = skip_line(e, p, lim)) ? LINE_SKIP : LINE_ERR;
		return bad_line(e, line, lim, "unknown record type", p[0] == ' ' ? p[1] : p[0]);
	}
	p += 3;
	uint64_t addr, size;
	int nd;
	bool over;
	p = scan_hex(p, &addr, &nd, &over);
	if (nd == 0)
		return bad_line(e, line, lim, *p == ',' || blank_line(p) ? "missing address" : "invalid address", *p);
	if (over)
		return bad_value(e, line, lim, "address wider than 64 bits");
	if (*p != ',') {
		if (*p == '\n' || *p == '\r' || is_blank(*p))
			return bad_line(e, line, lim, "missing ',size' after the address", *p);
		return bad_line(e, line, lim, "invalid address", *p);
	}
	p = scan_dec(p + 1, &size, &nd, &over);
	if (nd == 0)
		return bad_line(e, line, lim, "missing size", *p);
	if (over)
		return bad_value(e, line, lim, "size out of range (more than 4294967295)");
	if (size == 0)
		return bad_value(e, line, lim, "size must be at least 1");
	if (size - 1 > UINT64_MAX - addr) /* the access would wrap to page 0 */
		return bad_value(e, line, lim, "the access wraps past the end of the 64-bit address space");
	if (!at_line_end(p, next))
		return bad_line(e, line, lim, "trailing garbage after the size", *skip_blanks(p));
	if (*next - line - 1 > TRACE_MAX_LINE)
		return too_long(e);
	*r = (mmu_trace_rec_t){.vaddr = addr, .size = (uint32_t)size, .pid = 1, .kind = (uint8_t)kind};
	return LINE_REC;
}

static bool text_kind(char c, uint8_t *kind)
{
	switch (c) {
	case 'R':
		*kind = MMU_REF_LOAD;
		return true;
	case 'W':
		*kind = MMU_REF_STORE;
		return true;
	case 'X':
		*kind = MMU_REF_FETCH;
		return true;
	default:
		return false;
	}
}

/* Where a text record may end: blanks, a '#' comment, or the end of the line. */
static bool text_end(const char *p, const char *lim, const char **next)
{
	p = skip_blanks(p);
	if (*p == '#') {
		*next = (const char *)memchr(p, '\n', (size_t)(lim - p)) + 1;
		return true;
	}
	return at_line_end(p, next);
}

static line_kind_t text_pid(line_err_t *e, const char *line, const char *p, const char *lim, uint32_t *pid,
                            const char **next)
{
	uint64_t v;
	int nd;
	bool big;
	const char *q = scan_dec(p, &v, &nd, &big);
	if (nd == 0 || (!is_blank(*q) && *q != '\n' && *q != '\r' && *q != '#'))
		return bad_line(e, line, lim, "pid is not a decimal number", nd ? *q : *p);
	if (big)
		return bad_value(e, line, lim, "pid out of range (more than 4294967295)");
	*pid = (uint32_t)v;
	if (!text_end(q, lim, next))
		return bad_line(e, line, lim, "trailing garbage after the pid", *skip_blanks(q));
	return LINE_REC;
}

/* One text line at p: "R|W|X <hex vaddr> [pid]", a '#' comment or a blank line. */
static line_kind_t text_line(line_err_t *e, const char *p, const char *lim, mmu_trace_rec_t *r, const char **next)
{
	const char *line = p;
	p = skip_blanks(p);
	uint8_t kind = 0;
	if (!text_kind(*p, &kind) || !is_blank(p[1])) {
		if (blank_line(p) || *p == '#')
			return (*next = skip_line(e, line, lim)) ? LINE_SKIP : LINE_ERR;
		if (!text_kind(*p, &kind))
			return bad_line(e, line, lim, "unknown record type", *p);
		return bad_line(e, line, lim, blank_line(p + 1) ? "missing address" : "unknown record type", p[1]);
	}
	p = skip_blanks(p + 1);
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	uint64_t addr;
	int nd;
	bool wide;
	p = scan_hex(p, &addr, &nd, &wide);
	if (nd == 0)
		return bad_line(e, line, lim, blank_line(p) || *p == '#' ? "missing address" : "invalid address", *p);
	if (wide)
		return bad_value(e, line, lim, "address wider than 64 bits");
	uint32_t pid = 1;
	if (!text_end(p, lim, next)) {
		if (!is_blank(*p))
			return bad_line(e, line, lim, "invalid address", *p);
		if (text_pid(e, line, skip_blanks(p), lim, &pid, next) == LINE_ERR)
			return LINE_ERR;
	}
	if (*next - line - 1 > TRACE_MAX_LINE)
		return too_long(e);
	*r = (mmu_trace_rec_t){.vaddr = addr, .size = 1, .pid = pid, .kind = kind};
	return LINE_REC;
}

static int line_failure(mmu_trace_t *t, uint64_t line, const line_err_t *e)
{
	t->line = line;
	return fail_line(t, e->what, e->show, e->c);
}

/*
 * Parses complete lines of [pos, lim) into recs; returns the number stored. A bad line stops it with t->err set.
 * One loop per format, with the line count in a local: a store to a record could alias a field of *t.
 */
#define PARSE_LINES(name, parse_line)                                                                                  \
	static size_t name(mmu_trace_t *t, mmu_trace_rec_t *recs, size_t max)                                          \
	{                                                                                                              \
		const char *p = t->buf + t->pos, *lim = t->buf + t->lim;                                               \
		uint64_t line = t->line;                                                                               \
		size_t n = 0;                                                                                          \
		line_err_t e;                                                                                          \
		while (n < max && p < lim) {                                                                           \
			const char *next = p;                                                                          \
			line++;                                                                                        \
			line_kind_t k = parse_line(&e, p, lim, &recs[n], &next);                                       \
			if (k == LINE_ERR) {                                                                           \
				line_failure(t, line, &e);                                                             \
				break;                                                                                 \
			}                                                                                              \
			n += k == LINE_REC;                                                                            \
			p = next;                                                                                      \
		}                                                                                                      \
		t->pos = (size_t)(p - t->buf);                                                                         \
		t->line = line;                                                                                        \
		return n;                                                                                              \
	}
PARSE_LINES(parse_lackey_lines_slow, lackey_line)

/* As parse_lackey_lines_slow, the common lines word by word first (lackey_fast). */
static size_t parse_lackey_lines(mmu_trace_t *t, mmu_trace_rec_t *recs, size_t max)
{
	/* the buffer has TRACE_PAD readable bytes after lim, so lackey_fast may overshoot the last line */
	const char *p = t->buf + t->pos, *fast = t->buf + t->lim;
	uint64_t line = t->line;
	size_t n = 0;
	while (n < max && p < fast && lackey_fast(p, &recs[n], &p)) {
		n++;
		line++;
	}
	t->pos = (size_t)(p - t->buf);
	t->line = line;
	return n;
}
PARSE_LINES(parse_text_lines, text_line)

long mmu_trace_read(mmu_trace_t *t, mmu_trace_rec_t *recs, size_t max, char *msg, size_t msglen)
{
	if (t->alt)
		return trace_alt_read(t->alt, recs, max, msg, msglen);
	size_t n = 0;
	while (!t->err && n < max) {
		if (t->pos == t->lim && refill(t) <= 0)
			break;
		if (t->fmt == MMU_TRACE_TEXT) {
			n += parse_text_lines(t, recs + n, max - n);
			continue;
		}
		size_t got = parse_lackey_lines(t, recs + n, max - n);
		n += got;
		/* a line the word-wide scan does not take (or the last few), then the word-wide scan again */
		if (!got && n < max && t->pos < t->lim)
			n += parse_lackey_lines_slow(t, recs + n, 1);
	}
	/* Records before a bad line are delivered first; the error comes with the next call. */
	if (t->err && n == 0) {
		set_msg(msg, msglen, "%s", t->err_msg);
		return t->err;
	}
	return (long)n;
}

/* ---- opening ---- */

static bool looks_lackey(const char *p)
{
	return lackey_kind(p) >= 0;
}

static bool looks_text(const char *p)
{
	uint8_t kind;
	p = skip_blanks(p);
	return *p == '#' || (text_kind(*p, &kind) && is_blank(p[1]));
}

/* Picks the format from the first line that is neither blank nor a banner; that line is left unread. */
static int detect_format(mmu_trace_t *t)
{
	for (;;) {
		if (t->pos == t->lim) {
			int rc = refill(t);
			if (rc < 0)
				return rc;
			if (rc == 0) {
				/* Nothing but banners: what lackey writes for a program that did nothing. */
				t->fmt = MMU_TRACE_LACKEY;
				return 0;
			}
		}
		const char *p = t->buf + t->pos, *lim = t->buf + t->lim;
		if (looks_lackey(p) || looks_text(p)) {
			t->fmt = looks_lackey(p) ? MMU_TRACE_LACKEY : MMU_TRACE_TEXT;
			return 0;
		}
		line_err_t e;
		if (!blank_line(p) && !(p[0] == '=' && p[1] == '=')) {
			bad_line(&e, p, lim, "unknown record type (neither lackey nor text format)", *p);
			return line_failure(t, t->line + 1, &e);
		}
		const char *next = skip_line(&e, p, lim);
		if (!next)
			return line_failure(t, t->line + 1, &e);
		t->line++;
		t->pos = (size_t)(next - t->buf);
	}
}

static int alloc_trace(const char *path, mmu_trace_format_t fmt, mmu_trace_t **out)
{
	mmu_trace_t *t = calloc(1, sizeof *t);
	if (!t)
		return MMU_ENOMEM;
	t->fmt = fmt;
	t->name = strdup(strcmp(path, "-") ? path : "<stdin>");
	t->buf = malloc(TRACE_MAX_LINE + TRACE_BLOCK + 1 + TRACE_PAD);
	t->err_msg = malloc(TRACE_MSG);
	*out = t;
	return t->name && t->buf && t->err_msg ? 0 : MMU_ENOMEM;
}

/* A ChampSim or din trace: its own reader (mmu_trace_alt.h) does the work. */
static int open_alt(const char *path, mmu_trace_format_t fmt, mmu_trace_t **out, char *msg, size_t msglen)
{
	mmu_trace_t *t = calloc(1, sizeof *t);
	if (!t) {
		set_msg(msg, msglen, "%s: out of memory", strcmp(path, "-") ? path : "<stdin>");
		return MMU_ENOMEM;
	}
	t->fmt = fmt;
	int rc = trace_alt_open(path, fmt, &t->alt, msg, msglen);
	if (rc) {
		free(t);
		return rc;
	}
	*out = t;
	return 0;
}

int mmu_trace_open(const char *path, mmu_trace_format_t fmt, mmu_trace_t **out, char *msg, size_t msglen)
{
	*out = NULL;
	if (!path ||
	    (fmt != MMU_TRACE_AUTO && fmt != MMU_TRACE_LACKEY && fmt != MMU_TRACE_TEXT && !trace_alt_handles(fmt))) {
		set_msg(msg, msglen, "mmu_trace_open: invalid path or format");
		return MMU_EINVAL;
	}
	if (fmt == MMU_TRACE_AUTO) {
		int rc = trace_alt_sniff(path, &fmt, msg, msglen);
		if (rc)
			return rc;
	}
	if (trace_alt_handles(fmt))
		return open_alt(path, fmt, out, msg, msglen);
	mmu_trace_t *t = NULL;
	int rc = alloc_trace(path, fmt, &t);
	if (rc) {
		mmu_trace_close(t);
		set_msg(msg, msglen, "%s: out of memory", strcmp(path, "-") ? path : "<stdin>");
		return rc;
	}
	if ((rc = trace_stream_open(path, &t->s, msg, msglen)) != 0) {
		mmu_trace_close(t);
		return rc;
	}
	if (fmt == MMU_TRACE_AUTO && detect_format(t) < 0) {
		set_msg(msg, msglen, "%s", t->err_msg);
		rc = t->err;
		mmu_trace_close(t);
		return rc;
	}
	*out = t;
	return 0;
}

void mmu_trace_close(mmu_trace_t *t)
{
	if (!t)
		return;
	trace_alt_close(t->alt);
	trace_stream_close(t->s);
	free(t->name);
	free(t->buf);
	free(t->err_msg);
	free(t);
}

uint64_t mmu_trace_line(const mmu_trace_t *t)
{
	if (t->alt)
		return t->alt->units;
	return t->line;
}

void mmu_trace_locate(const char *path, mmu_trace_format_t fmt, uint64_t n, char *buf, size_t buflen)
{
	if (trace_alt_handles(fmt)) {
		trace_alt_locate(path, fmt, n, buf, buflen);
		return;
	}
	bool std = !strcmp(path, "-");
	set_msg(buf, buflen, "%s: record %llu", std ? "<stdin>" : path, (unsigned long long)n);
	mmu_trace_t *t;
	char msg[TRACE_MSG];
	if (std || mmu_trace_open(path, fmt, &t, msg, sizeof msg))
		return;
	mmu_trace_rec_t recs[256];
	uint64_t left = n;
	long got = 1;
	while (left && got > 0) {
		got = mmu_trace_read(t, recs, left < 256 ? (size_t)left : 256, msg, sizeof msg);
		left -= got > 0 ? (uint64_t)got : 0;
	}
	if (!left) /* the read stops right after the n-th record: its line is the reader's current one */
		set_msg(buf, buflen, "%s:%llu", path, (unsigned long long)t->line);
	mmu_trace_close(t);
}

uint64_t mmu_trace_unterminated(const mmu_trace_t *t)
{
	if (t->alt)
		return t->alt->cut_line;
	return t->cut_line;
}

uint64_t mmu_trace_bytes(const mmu_trace_t *t)
{
	if (t->alt)
		return trace_stream_in_bytes(t->alt->s);
	return trace_stream_in_bytes(t->s);
}

uint64_t mmu_trace_file_size(const mmu_trace_t *t)
{
	if (t->alt)
		return trace_stream_file_size(t->alt->s);
	return trace_stream_file_size(t->s);
}

uint32_t mmu_trace_crc32(const mmu_trace_t *t)
{
	if (t->alt)
		return trace_stream_crc32(t->alt->s);
	return trace_stream_crc32(t->s);
}

uint64_t mmu_trace_content_bytes(const mmu_trace_t *t)
{
	if (t->alt)
		return trace_stream_out_bytes(t->alt->s);
	return t->content_bytes;
}

mmu_trace_format_t mmu_trace_format(const mmu_trace_t *t)
{
	return t->fmt;
}

const char *mmu_trace_format_name(mmu_trace_format_t fmt)
{
	switch (fmt) {
	case MMU_TRACE_AUTO:
		return "auto";
	case MMU_TRACE_LACKEY:
		return "lackey";
	case MMU_TRACE_TEXT:
		return "text";
	case MMU_TRACE_CHAMPSIM:
		return "champsim";
	case MMU_TRACE_CLOUDSUITE:
		return "champsim-cloudsuite";
	case MMU_TRACE_DIN:
		return "din";
	default:
		return "unknown";
	}
}

int mmu_trace_format_parse(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "auto"))
		return MMU_TRACE_AUTO;
	if (!strcmp(name, "lackey"))
		return MMU_TRACE_LACKEY;
	if (!strcmp(name, "text"))
		return MMU_TRACE_TEXT;
	if (!strcmp(name, "champsim"))
		return MMU_TRACE_CHAMPSIM;
	if (!strcmp(name, "champsim-cloudsuite"))
		return MMU_TRACE_CLOUDSUITE;
	if (!strcmp(name, "din"))
		return MMU_TRACE_DIN;
	return -1;
}
