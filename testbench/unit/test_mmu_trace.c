/*
 * Trace readers: lackey and text formats, format detection, gzip, and every malformed-input error with the line it
 * names. Inputs are written to temporary files; expected records are written out by hand.
 */
#include <criterion/criterion.h>
#include <fcntl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bzlib.h>
#include <lzma.h>
#include <zlib.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_trace.h"

enum { MAXREC = 64 };

/* A temporary file holding len bytes of data; its path is in path (at least 32 bytes). */
static void write_file(char *path, const void *data, size_t len)
{
	strcpy(path, "/tmp/mmu_trace_XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp");
	cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* The same, gzip-compressed (written with zlib directly). */
static void write_gz(char *path, const void *data, size_t len)
{
	strcpy(path, "/tmp/mmu_trace_XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0, "mkstemp");
	gzFile gz = gzdopen(fd, "wb9");
	cr_assert(gz);
	if (len)
		cr_assert_eq(gzwrite(gz, data, (unsigned)len), (int)len);
	cr_assert_eq(gzclose(gz), Z_OK);
}

/* Reads the whole trace; returns the last result of mmu_trace_read (0 or an error). */
static long read_all(mmu_trace_t *t, mmu_trace_rec_t *recs, size_t max, size_t *n, char *msg, size_t msglen)
{
	*n = 0;
	for (;;) {
		long got = mmu_trace_read(t, recs + *n, max - *n, msg, msglen);
		if (got <= 0)
			return got;
		*n += (size_t)got;
		cr_assert_leq(*n, max, "more records than the test expects");
		if (*n == max) {
			mmu_trace_rec_t extra;
			return mmu_trace_read(t, &extra, 1, msg, msglen);
		}
	}
}

/* Opens text with the given format and reads it all; the records land in recs, their number in *n. */
static long parse_str(const char *text, mmu_trace_format_t fmt, mmu_trace_rec_t *recs, size_t *n, char *msg)
{
	char path[32];
	write_file(path, text, strlen(text));
	mmu_trace_t *t;
	int rc = mmu_trace_open(path, fmt, &t, msg, 512);
	cr_assert_eq(rc, 0, "open: %s", msg);
	long r = read_all(t, recs, MAXREC, n, msg, 512);
	mmu_trace_close(t);
	unlink(path);
	return r;
}

static void expect_rec(const mmu_trace_rec_t *r, uint8_t kind, uint64_t vaddr, uint32_t size, uint32_t pid)
{
	cr_expect_eq(r->kind, kind, "kind %u, expected %u", r->kind, kind);
	cr_expect_eq(r->vaddr, vaddr, "vaddr %#llx, expected %#llx", (unsigned long long)r->vaddr,
	             (unsigned long long)vaddr);
	cr_expect_eq(r->size, size, "size %u, expected %u", r->size, size);
	cr_expect_eq(r->pid, pid, "pid %u, expected %u", r->pid, pid);
}

/*
 * The input data (len bytes) must fail with MMU_EFORMAT and the message "PATH:LINE: what..." where what starts with
 * the given text; records before the bad line must come through first (exactly good of them).
 */
static void expect_error_data(const void *data, size_t len, mmu_trace_format_t fmt, unsigned line, const char *what,
                              size_t good)
{
	char path[32], msg[512] = "", want[600];
	write_file(path, data, len);
	mmu_trace_t *t;
	mmu_trace_rec_t recs[MAXREC];
	size_t n = 0;
	long rc = mmu_trace_open(path, fmt, &t, msg, sizeof msg);
	if (rc == 0) {
		rc = read_all(t, recs, MAXREC, &n, msg, sizeof msg);
		cr_expect_eq(mmu_trace_line(t), line, "mmu_trace_line %llu", (unsigned long long)mmu_trace_line(t));
		mmu_trace_close(t);
	}
	unlink(path);
	cr_assert_eq(rc, MMU_EFORMAT, "rc %ld, msg '%s'", rc, msg);
	snprintf(want, sizeof want, "%s:%u: %s", path, line, what);
	cr_expect(strncmp(msg, want, strlen(want)) == 0, "message '%s', expected it to start with '%s'", msg, want);
	cr_expect_eq(n, good, "%zu records before the error, expected %zu", n, good);
}

static void expect_error(const char *text, mmu_trace_format_t fmt, unsigned line, const char *what, size_t good)
{
	expect_error_data(text, strlen(text), fmt, line, what, good);
}

TestSuite(mmu_trace);

/* ---- lackey: one test per record kind ---- */

Test(mmu_trace, lackey_fetch)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str("I  0401ab70,3\n", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_FETCH, 0x0401ab70, 3, 1);
}

Test(mmu_trace, lackey_load)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(" L 04222cac,8\n", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_LOAD, 0x04222cac, 8, 1);
}

Test(mmu_trace, lackey_store)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(" S 1ffefff8ab,4\n", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_STORE, 0x1ffefff8abull, 4, 1);
}

Test(mmu_trace, lackey_modify)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(" M 0000000000000010,16\n", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_MODIFY, 0x10, 16, 1);
}

Test(mmu_trace, lackey_banners_and_blank_lines_skipped)
{
	const char *text = "==1234== Lackey, an example Valgrind tool\n"
	                   "==1234== Command: ls\n"
	                   "==1234== \n"
	                   "I  04000000,1\n"
	                   "\n"
	                   " \t \n"
	                   " L 7ff0001000,2\n"
	                   "==1234== Counted 0 calls to main()\n"
	                   "==1234== Exit code:       0\n";
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(text, MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 2);
	expect_rec(&r[0], MMU_REF_FETCH, 0x04000000, 1, 1);
	expect_rec(&r[1], MMU_REF_LOAD, 0x7ff0001000ull, 2, 1);
}

Test(mmu_trace, lackey_full_64_bit_addresses)
{
	const char *text = " L ffffffffffffffff,1\n"
	                   " S 0000ffffffff00000000,4294967295\n" /* 20 digits, 16 of them significant; the last
	                                                              byte at 2^64 - 2: no wrap */
	                   "I  ABCDEF,7\n";
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(text, MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 3);
	expect_rec(&r[0], MMU_REF_LOAD, 0xffffffffffffffffull, 1, 1);
	expect_rec(&r[1], MMU_REF_STORE, 0xffffffff00000000ull, 4294967295u, 1);
	expect_rec(&r[2], MMU_REF_FETCH, 0xabcdef, 7, 1);
}

Test(mmu_trace, lackey_crlf_and_trailing_blanks_accepted)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(" L 1000,4\r\n S 2000,8  \n", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 2);
	expect_rec(&r[0], MMU_REF_LOAD, 0x1000, 4, 1);
	expect_rec(&r[1], MMU_REF_STORE, 0x2000, 8, 1);
}

Test(mmu_trace, last_line_without_newline_is_parsed)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str("I  1000,2\n M 2000,3", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 2);
	expect_rec(&r[1], MMU_REF_MODIFY, 0x2000, 3, 1);
}

/* The reader says which last line had no newline, so that a caller can warn that the trace may be cut short. */
static uint64_t unterminated(const char *text)
{
	char path[32], msg[512];
	write_file(path, text, strlen(text));
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0, "open: %s", msg);
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	cr_assert_eq(read_all(t, r, MAXREC, &n, msg, sizeof msg), 0, "%s", msg);
	uint64_t line = mmu_trace_unterminated(t);
	mmu_trace_close(t);
	unlink(path);
	return line;
}

Test(mmu_trace, last_line_without_newline_is_reported)
{
	cr_assert_eq(unterminated("R 1000\nW 2"), 2);
	cr_assert_eq(unterminated("# c\n\nR 1000\n\nW 2 7"), 5);
	cr_assert_eq(unterminated("R 1000\nW 2\n"), 0);
	cr_assert_eq(unterminated("I  1000,2\n M 2000,3"), 2);
	cr_assert_eq(unterminated(""), 0);
	cr_assert_eq(unterminated("==1== banner"), 1);
}

Test(mmu_trace, last_line_cut_mid_record_is_an_error)
{
	expect_error("I  1000,2\n M 2000", MMU_TRACE_LACKEY, 2, "missing ',size'", 1);
}

Test(mmu_trace, empty_file_has_no_records)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str("", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 0);
	cr_assert_eq(parse_str("", MMU_TRACE_AUTO, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 0);
	cr_assert_eq(parse_str("", MMU_TRACE_TEXT, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 0);
	cr_assert_eq(parse_str("==7== only a banner\n\n", MMU_TRACE_AUTO, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 0);
}

/* ---- lackey: malformed lines ---- */

Test(mmu_trace, lackey_unknown_record_type)
{
	expect_error("I  1000,4\n L 1000,4\n X 1000,4\n", MMU_TRACE_LACKEY, 3, "unknown record type: 'X'", 2);
	expect_error("I 1000,4\n", MMU_TRACE_LACKEY, 1, "unknown record type", 0);
	expect_error("L 1000,4\n", MMU_TRACE_LACKEY, 1, "unknown record type: 'L'", 0);
	expect_error("R 1000\n", MMU_TRACE_LACKEY, 1, "unknown record type: 'R'", 0);
}

Test(mmu_trace, lackey_missing_address)
{
	expect_error("I  1000,4\n L ,4\n", MMU_TRACE_LACKEY, 2, "missing address", 1);
	expect_error(" S \n", MMU_TRACE_LACKEY, 1, "missing address", 0);
}

Test(mmu_trace, lackey_invalid_address)
{
	expect_error("\n\n L 12g4,4\n", MMU_TRACE_LACKEY, 3, "invalid address: 'g'", 0);
	expect_error(" L -1000,4\n", MMU_TRACE_LACKEY, 1, "invalid address: '-'", 0);
}

Test(mmu_trace, lackey_address_wider_than_64_bits)
{
	expect_error("I  1000,4\n L 1ffffffffffffffff,4\n", MMU_TRACE_LACKEY, 2, "address wider than 64 bits", 1);
}

Test(mmu_trace, lackey_missing_size)
{
	expect_error(" L 1000\n", MMU_TRACE_LACKEY, 1, "missing ',size' after the address", 0);
	expect_error("I  1000,4\n L 1000,\n", MMU_TRACE_LACKEY, 2, "missing size", 1);
	expect_error(" L 1000,x\n", MMU_TRACE_LACKEY, 1, "missing size: 'x'", 0);
}

Test(mmu_trace, lackey_zero_size)
{
	expect_error("I  1000,4\nI  1004,0\n", MMU_TRACE_LACKEY, 2, "size must be at least 1", 1);
}

/* The last byte of an access is address + size - 1: past 2^64 it would wrap to page 0. */
Test(mmu_trace, lackey_access_wrapping_past_2_64_is_an_error)
{
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	/* the last bytes of the address space are fine: 0xfffffffffffffff8 + 8 - 1 = 2^64 - 1 */
	cr_assert_eq(parse_str(" L fffffffffffffff8,8\n", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_LOAD, 0xfffffffffffffff8ull, 8, 1);
	expect_error("I  1000,4\n L fffffffffffffff9,8\n", MMU_TRACE_LACKEY, 2,
	             "the access wraps past the end of the 64-bit address space", 1);
	expect_error(" S 1,4294967295\n L ffffffffffffffff,2\n", MMU_TRACE_LACKEY, 2, "the access wraps", 1);
}

Test(mmu_trace, lackey_size_out_of_range)
{
	expect_error(" L 1000,4294967296\n", MMU_TRACE_LACKEY, 1, "size out of range", 0);
	expect_error(" L 1000,99999999999999999999999\n", MMU_TRACE_LACKEY, 1, "size out of range", 0);
}

Test(mmu_trace, lackey_trailing_garbage)
{
	expect_error("I  1000,4\n L 1000,4 junk\n", MMU_TRACE_LACKEY, 2, "trailing garbage after the size: 'j'", 1);
	expect_error(" L 1000,4,5\n", MMU_TRACE_LACKEY, 1, "trailing garbage after the size: ','", 0);
}

Test(mmu_trace, nul_byte_is_an_error)
{
	static const char data[] = "I  1000,4\n L 2000,4\0\n";
	expect_error_data(data, sizeof data - 1, MMU_TRACE_LACKEY, 2, "trailing garbage after the size: a NUL byte", 1);
	static const char banner[] = "==1== banner\n==1== ba\0nner\n";
	expect_error_data(banner, sizeof banner - 1, MMU_TRACE_LACKEY, 2, "unexpected byte: a NUL byte", 0);
}

Test(mmu_trace, binary_garbage_is_an_error)
{
	static const unsigned char data[] = {'I', ' ', ' ', '1', '0', ',', '4', '\n', 0x8b, 0x1f, 0xff, 0x00, '\n'};
	expect_error_data(data, sizeof data, MMU_TRACE_LACKEY, 2, "unknown record type: byte 0x8b (binary data?)", 1);
	/* Not gzip (no magic), not text: format detection refuses it at open. */
	expect_error_data(data + 8, sizeof data - 8, MMU_TRACE_AUTO, 1, "unknown record type", 0);
}

/* A lackey line of exactly len bytes: the address is padded with leading zeros. */
static char *long_line(size_t len)
{
	const char *tail = "1000,4\n";
	char *s = malloc(len + 2);
	cr_assert(s);
	memcpy(s, " L ", 3);
	size_t zeros = len - 3 - (strlen(tail) - 1);
	memset(s + 3, '0', zeros);
	strcpy(s + 3 + zeros, tail);
	cr_assert_eq(strlen(s), len + 1);
	return s;
}

Test(mmu_trace, line_of_4096_bytes_is_accepted)
{
	char *line = long_line(4096);
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(line, MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_LOAD, 0x1000, 4, 1);
	free(line);
}

Test(mmu_trace, line_longer_than_4096_bytes_is_an_error)
{
	char *line = long_line(4097);
	char *text = malloc(strlen(line) + 32);
	sprintf(text, "I  1000,4\n%s", line);
	expect_error(text, MMU_TRACE_LACKEY, 2, "line too long", 1);
	/* Too long and also wrong: the length is what is reported. */
	memset(line + 3, 'z', 4000);
	expect_error(line, MMU_TRACE_LACKEY, 1, "line too long", 0);
	free(line);
	free(text);
}

Test(mmu_trace, line_without_end_larger_than_a_block_is_an_error)
{
	size_t len = 3u << 20; /* longer than a read block: never a newline in sight */
	char *data = malloc(len);
	memset(data, 'A', len);
	memcpy(data, "I  1000,4\n==1== x\n", 18);
	expect_error_data(data, len, MMU_TRACE_LACKEY, 3, "line too long", 1);
	free(data);
}

/* ---- text format ---- */

Test(mmu_trace, text_records_with_and_without_pid)
{
	const char *text = "# a comment\n"
	                   "R 1000\n"
	                   "W 0x2000 7\n"
	                   "\n"
	                   "X 0X3000\t42\n"
	                   "  R   ffffffffffffffff   4294967295  \n"
	                   "W 10 # a comment after the record\n";
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str(text, MMU_TRACE_TEXT, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 5);
	expect_rec(&r[0], MMU_REF_LOAD, 0x1000, 1, 1);
	expect_rec(&r[1], MMU_REF_STORE, 0x2000, 1, 7);
	expect_rec(&r[2], MMU_REF_FETCH, 0x3000, 1, 42);
	expect_rec(&r[3], MMU_REF_LOAD, 0xffffffffffffffffull, 1, 4294967295u);
	expect_rec(&r[4], MMU_REF_STORE, 0x10, 1, 1);
}

Test(mmu_trace, text_unknown_record_type)
{
	expect_error("R 1000\nQ 1000\n", MMU_TRACE_TEXT, 2, "unknown record type: 'Q'", 1);
	expect_error("RW 1000\n", MMU_TRACE_TEXT, 1, "unknown record type: 'W'", 0);
	expect_error("r 1000\n", MMU_TRACE_TEXT, 1, "unknown record type: 'r'", 0);
	expect_error("I  1000,4\n", MMU_TRACE_TEXT, 1, "unknown record type: 'I'", 0);
}

Test(mmu_trace, text_missing_or_invalid_address)
{
	expect_error("# c\nR \n", MMU_TRACE_TEXT, 2, "missing address", 0);
	expect_error("W 0x\n", MMU_TRACE_TEXT, 1, "missing address", 0);
	expect_error("R 10\nW", MMU_TRACE_TEXT, 2, "missing address", 1);
	expect_error("W 0x12q4\n", MMU_TRACE_TEXT, 1, "invalid address: 'q'", 0);
	expect_error("X 10000000000000000\n", MMU_TRACE_TEXT, 1, "address wider than 64 bits", 0);
}

Test(mmu_trace, text_pid_not_a_number)
{
	expect_error("R 1000 1\nR 1000 abc\n", MMU_TRACE_TEXT, 2, "pid is not a decimal number: 'a'", 1);
	expect_error("R 1000 12x\n", MMU_TRACE_TEXT, 1, "pid is not a decimal number: 'x'", 0);
	expect_error("R 1000 -1\n", MMU_TRACE_TEXT, 1, "pid is not a decimal number: '-'", 0);
}

Test(mmu_trace, text_pid_out_of_range)
{
	expect_error("R 1000 4294967296\n", MMU_TRACE_TEXT, 1, "pid out of range", 0);
}

Test(mmu_trace, text_trailing_garbage)
{
	expect_error("R 1000 5 6\n", MMU_TRACE_TEXT, 1, "trailing garbage after the pid: '6'", 0);
}

/* ---- format detection ---- */

Test(mmu_trace, auto_detects_lackey)
{
	char path[32], msg[512];
	const char *text = "==9== banner\n\nI  1000,4\n";
	write_file(path, text, strlen(text));
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0, "%s", msg);
	cr_expect_eq(mmu_trace_format(t), MMU_TRACE_LACKEY);
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	cr_assert_eq(read_all(t, r, MAXREC, &n, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_FETCH, 0x1000, 4, 1);
	cr_expect_eq(mmu_trace_line(t), 3);
	mmu_trace_close(t);
	unlink(path);
}

Test(mmu_trace, auto_detects_text)
{
	const char *inputs[] = {"# comment first\nW 2000 3\n", "\nW 2000 3\n", "\tW 2000 3\n"};
	const unsigned lines[] = {2, 2, 1};
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		char path[32], msg[512];
		write_file(path, inputs[i], strlen(inputs[i]));
		mmu_trace_t *t;
		cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0, "%s", msg);
		cr_expect_eq(mmu_trace_format(t), MMU_TRACE_TEXT, "input %zu", i);
		mmu_trace_rec_t r[MAXREC];
		size_t n;
		cr_assert_eq(read_all(t, r, MAXREC, &n, msg, sizeof msg), 0, "%s", msg);
		cr_assert_eq(n, 1);
		expect_rec(&r[0], MMU_REF_STORE, 0x2000, 1, 3);
		cr_expect_eq(mmu_trace_line(t), lines[i]);
		mmu_trace_close(t);
		unlink(path);
	}
}

Test(mmu_trace, auto_refuses_unknown_first_line)
{
	expect_error("==1== banner\n\nhello world\n", MMU_TRACE_AUTO, 3, "unknown record type", 0);
}

Test(mmu_trace, format_names)
{
	cr_expect_eq(mmu_trace_format_parse("lackey"), MMU_TRACE_LACKEY);
	cr_expect_eq(mmu_trace_format_parse("text"), MMU_TRACE_TEXT);
	cr_expect_eq(mmu_trace_format_parse("auto"), MMU_TRACE_AUTO);
	cr_expect_eq(mmu_trace_format_parse("gzip"), -1);
	cr_expect_eq(mmu_trace_format_parse(""), -1);
	cr_expect_str_eq(mmu_trace_format_name(MMU_TRACE_LACKEY), "lackey");
	cr_expect_str_eq(mmu_trace_format_name(MMU_TRACE_TEXT), "text");
	cr_expect_str_eq(mmu_trace_format_name(MMU_TRACE_AUTO), "auto");
}

/* ---- big inputs: block boundaries, gzip ---- */

/*
 * A lackey trace of n records whose fields follow from the index: record i has kind i % 4 (FETCH, LOAD, STORE,
 * MODIFY in that order), address i * 0x1234567 and size i % 9 + 1, and a banner line every 1000 records. Line
 * lengths vary, so lines straddle the block boundaries of the reader.
 */
static char *gen_trace(size_t n, size_t *len)
{
	static const char *const prefix[] = {"I  ", " L ", " S ", " M "};
	size_t cap = n * 40 + 64, used = 0;
	char *s = malloc(cap);
	cr_assert(s);
	for (size_t i = 0; i < n; i++) {
		if (i % 1000 == 0)
			used += (size_t)sprintf(s + used, "==42== banner %zu\n", i);
		used += (size_t)sprintf(s + used, "%s%08llx,%zu\n", prefix[i % 4],
		                        (unsigned long long)(i * 0x1234567ull), i % 9 + 1);
	}
	*len = used;
	return s;
}

static void check_gen(const mmu_trace_rec_t *r, size_t i)
{
	static const uint8_t kind[] = {MMU_REF_FETCH, MMU_REF_LOAD, MMU_REF_STORE, MMU_REF_MODIFY};
	cr_assert_eq(r->kind, kind[i % 4], "record %zu: kind %u", i, r->kind);
	cr_assert_eq(r->vaddr, i * 0x1234567ull, "record %zu: vaddr %#llx", i, (unsigned long long)r->vaddr);
	cr_assert_eq(r->size, i % 9 + 1, "record %zu: size %u", i, r->size);
	cr_assert_eq(r->pid, 1);
}

/* Reads the generated trace in batches of batch records and checks every one. */
static void check_gen_file(const char *path, size_t n, size_t batch)
{
	char msg[512];
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_rec_t *r = malloc(batch * sizeof *r);
	size_t seen = 0;
	long got;
	while ((got = mmu_trace_read(t, r, batch, msg, sizeof msg)) > 0) {
		cr_assert_leq((size_t)got, batch);
		for (long k = 0; k < got; k++)
			check_gen(&r[k], seen + (size_t)k);
		seen += (size_t)got;
	}
	cr_assert_eq(got, 0, "%s", msg);
	cr_assert_eq(seen, n);
	cr_expect_eq(mmu_trace_line(t), n + (n + 999) / 1000);
	free(r);
	mmu_trace_close(t);
}

/*
 * Lines far enough from the end of the file for the reader's word-wide scan (it reads ahead): each line under test is
 * followed by padding records, and must give what a byte-by-byte reading gives.
 */
static const char PAD[] = "I  00000000,1\nI  00000000,1\nI  00000000,1\nI  00000000,1\n";

static void expect_padded(const char *line, uint8_t kind, uint64_t vaddr, uint32_t size)
{
	char text[256], msg[512];
	snprintf(text, sizeof text, "%s%s", line, PAD);
	mmu_trace_rec_t recs[MAXREC];
	size_t n;
	cr_assert_eq(parse_str(text, MMU_TRACE_LACKEY, recs, &n, msg), 0, "%s: %s", line, msg);
	cr_assert_eq(n, 5, "%s: %zu records", line, n);
	expect_rec(&recs[0], kind, vaddr, size, 1);
	expect_rec(&recs[1], MMU_REF_FETCH, 0, 1, 1);
}

static void expect_padded_error(const char *line, const char *what)
{
	char text[256];
	snprintf(text, sizeof text, "I  00001000,1\n%s%s", line, PAD);
	expect_error(text, MMU_TRACE_LACKEY, 2, what, 1);
}

Test(mmu_trace, lackey_lines_read_word_by_word)
{
	expect_padded("I  0401ab70,3\n", MMU_REF_FETCH, 0x0401ab70, 3);
	expect_padded(" L 0123456789abcdef,8\n", MMU_REF_LOAD, UINT64_C(0x0123456789abcdef), 8);
	expect_padded(" S 1ffefffd38,16\n", MMU_REF_STORE, UINT64_C(0x1ffefffd38), 16);
	expect_padded(" M ABCDEF01,4\n", MMU_REF_MODIFY, 0xabcdef01, 4);
	expect_padded(" L aBcDeF9a0,123456789\n", MMU_REF_LOAD, UINT64_C(0xabcdef9a0), 123456789);
	expect_padded(" L fedcba9876543210,1\n", MMU_REF_LOAD, UINT64_C(0xfedcba9876543210), 1);
	/* not the common shape: fewer than 8 digits, leading zeros beyond 16, a 10-digit size, CRLF, blanks */
	expect_padded("I  401ab7,3\n", MMU_REF_FETCH, 0x401ab7, 3);
	expect_padded(" L 00123456789abcdef0,2\n", MMU_REF_LOAD, UINT64_C(0x123456789abcdef0), 2);
	expect_padded(" S 00000fff,4294967295\n", MMU_REF_STORE, 0xfff, 4294967295u);
	expect_padded("I  0401ab70,3\r\n", MMU_REF_FETCH, 0x0401ab70, 3);
	expect_padded(" L 0401ab70,8  \n", MMU_REF_LOAD, 0x0401ab70, 8);
}

Test(mmu_trace, lackey_errors_where_lines_are_read_word_by_word)
{
	expect_padded_error(" L 0401ag70,4\n", "invalid address: 'g'");
	expect_padded_error(" L 0401ab7:,4\n", "invalid address: ':'");
	expect_padded_error(" L 0401ab70 ,4\n", "missing ',size' after the address");
	expect_padded_error(" L 0401\xc3\xa9"
	                    "70,4\n",
	                    "invalid address: byte 0xc3");
	expect_padded_error(" L 0401ab70,0\n", "size must be at least 1");
	expect_padded_error(" L 0401ab70,\n", "missing size");
	expect_padded_error(" L 0401ab70,4x\n", "trailing garbage after the size: 'x'");
	expect_padded_error(" L ffffffffffffffff,2\n", "the access wraps past the end of the 64-bit address space");
	expect_padded_error(" L 1123456789abcdef0,2\n", "address wider than 64 bits");
	expect_padded_error(" L 0401ab70,4294967296\n", "size out of range");
	expect_padded_error(" X 0401ab70,4\n", "unknown record type: 'X'");
}

Test(mmu_trace, records_across_block_boundaries)
{
	size_t n = 150000, len; /* about 2.5 MiB: several read blocks */
	char *data = gen_trace(n, &len);
	char path[32];
	write_file(path, data, len);
	check_gen_file(path, n, 4096);
	check_gen_file(path, n, 7);
	unlink(path);
	free(data);
}

/*
 * A plain file of several times the reader's release step (4 MiB), whose last line has no newline: every record, and
 * the content's CRC-32 and size, which must equal zlib's over the same bytes.
 */
Test(mmu_trace, large_plain_file_records_and_checksum)
{
	size_t n = 700000, len;
	char *data = gen_trace(n, &len);
	len--; /* the last line without its newline */
	char path[32], msg[512];
	write_file(path, data, len);
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_LACKEY, &t, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_rec_t *r = malloc(5000 * sizeof *r);
	size_t seen = 0;
	long got;
	while ((got = mmu_trace_read(t, r, 5000, msg, sizeof msg)) > 0) {
		for (long k = 0; k < got; k++)
			check_gen(&r[k], seen + (size_t)k);
		seen += (size_t)got;
	}
	cr_assert_eq(got, 0, "%s", msg);
	cr_assert_eq(seen, n);
	cr_expect_neq(mmu_trace_unterminated(t), 0);
	cr_expect_eq(mmu_trace_content_bytes(t), len);
	cr_expect_eq(mmu_trace_crc32(t), (uint32_t)crc32_z(0, (const Bytef *)data, len));
	mmu_trace_close(t);
	free(r);
	unlink(path);
	free(data);
}

Test(mmu_trace, gzip_file_reads_like_the_plain_file)
{
	size_t n = 150000, len;
	char *data = gen_trace(n, &len);
	char path[32], msg[512];
	write_gz(path, data, len);
	check_gen_file(path, n, 4096);

	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	uint64_t size = (uint64_t)ftell(f);
	fclose(f);
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_LACKEY, &t, msg, sizeof msg), 0, "%s", msg);
	cr_expect_eq(mmu_trace_file_size(t), size);
	cr_expect_lt(mmu_trace_bytes(t), size, "nothing read yet");
	mmu_trace_rec_t r[256];
	while (mmu_trace_read(t, r, 256, msg, sizeof msg) > 0)
		;
	cr_expect_eq(mmu_trace_bytes(t), size, "all compressed bytes consumed at the end");
	mmu_trace_close(t);
	unlink(path);
	free(data);
}

Test(mmu_trace, gzip_text_trace)
{
	const char *text = "R 1000\nW 2000 5\n";
	char path[32], msg[512];
	write_gz(path, text, strlen(text));
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0, "%s", msg);
	cr_expect_eq(mmu_trace_format(t), MMU_TRACE_TEXT);
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	cr_assert_eq(read_all(t, r, MAXREC, &n, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(n, 2);
	expect_rec(&r[0], MMU_REF_LOAD, 0x1000, 1, 1);
	expect_rec(&r[1], MMU_REF_STORE, 0x2000, 1, 5);
	mmu_trace_close(t);
	unlink(path);
}

/*
 * Reads a damaged gzip file to its end and returns the last result, leaving the message in msg. With check set, every
 * record delivered must be a genuine one (the damage is where zlib notices it at once).
 */
static long read_damaged(const char *path, bool check, size_t *seen, char *msg, size_t msglen)
{
	mmu_trace_t *t;
	*seen = 0;
	long got = mmu_trace_open(path, MMU_TRACE_LACKEY, &t, msg, msglen);
	if (got)
		return got;
	static mmu_trace_rec_t r[4096];
	while ((got = mmu_trace_read(t, r, 4096, msg, msglen)) > 0) {
		for (long k = 0; check && k < got; k++)
			check_gen(&r[k], *seen + (size_t)k);
		*seen += (size_t)got;
	}
	mmu_trace_close(t);
	return got;
}

static void expect_gzip_error(const char *path, size_t max_good, const char *why)
{
	char msg[512] = "", want[128];
	size_t seen;
	long rc = read_damaged(path, true, &seen, msg, sizeof msg);
	cr_assert_eq(rc, MMU_EFORMAT, "rc %ld after %zu records: '%s'", rc, seen, msg);
	snprintf(want, sizeof want, "%s: truncated or corrupt gzip data (%s)", path, why);
	cr_expect_str_eq(msg, want);
	cr_expect_leq(seen, max_good);
}

static long file_size(const char *path)
{
	FILE *f = fopen(path, "rb");
	cr_assert(f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	return size;
}

static void overwrite(const char *path, long at, int count)
{
	FILE *f = fopen(path, "r+b");
	cr_assert(f);
	fseek(f, at, SEEK_SET);
	for (int i = 0; i < count; i++)
		fputc(0x5a ^ i, f);
	fclose(f);
}

Test(mmu_trace, truncated_gzip_is_an_error)
{
	size_t n = 150000, len;
	char *data = gen_trace(n, &len);
	char path[32];
	write_gz(path, data, len);
	cr_assert_eq(truncate(path, file_size(path) / 2), 0);
	expect_gzip_error(path, n - 1, "unexpected end of file");
	cr_assert_eq(truncate(path, 12), 0); /* cut inside the very first block */
	expect_gzip_error(path, 0, "unexpected end of file");
	unlink(path);
	free(data);
}

Test(mmu_trace, gzip_checksum_mismatch_is_an_error)
{
	size_t n = 150000, len;
	char *data = gen_trace(n, &len);
	char path[32];
	write_gz(path, data, len);
	overwrite(path, file_size(path) - 8, 4); /* the CRC-32 of the trailer */
	expect_gzip_error(path, n, "incorrect CRC-32 or length in a member's trailer");
	unlink(path);
	free(data);
}

/*
 * Damage inside the compressed data can decode to text before zlib notices (the checksum is at the end): whatever
 * comes first, the read must end in an error that names the file, never in a clean end of the trace.
 */
Test(mmu_trace, corrupt_gzip_is_an_error)
{
	size_t n = 150000, len;
	char *data = gen_trace(n, &len);
	char path[32], msg[512] = "";
	write_gz(path, data, len);
	overwrite(path, file_size(path) / 2, 64);
	size_t seen;
	long rc = read_damaged(path, false, &seen, msg, sizeof msg);
	cr_assert_eq(rc, MMU_EFORMAT, "rc %ld after %zu records", rc, seen);
	cr_expect(strncmp(msg, path, strlen(path)) == 0 && msg[strlen(path)] == ':', "message '%s'", msg);
	cr_expect_lt(seen, n);
	unlink(path);
	free(data);
}

/* ---- the start of the content ---- */

/* A UTF-8 byte-order mark (EF BB BF) is not part of the first record, in either format and detected or not. */
Test(mmu_trace, utf8_byte_order_mark_is_skipped)
{
	const mmu_trace_format_t fmts[] = {MMU_TRACE_AUTO, MMU_TRACE_TEXT};
	for (size_t i = 0; i < 2; i++) {
		mmu_trace_rec_t r[MAXREC];
		size_t n;
		char msg[512];
		cr_assert_eq(parse_str("\xef\xbb\xbfR 1000\nW 2000 7\n", fmts[i], r, &n, msg), 0, "%s", msg);
		cr_assert_eq(n, 2);
		expect_rec(&r[0], MMU_REF_LOAD, 0x1000, 1, 1);
		expect_rec(&r[1], MMU_REF_STORE, 0x2000, 1, 7);
	}
	mmu_trace_rec_t r[MAXREC];
	size_t n;
	char msg[512];
	cr_assert_eq(parse_str("\xef\xbb\xbfI  0401ab70,3\n", MMU_TRACE_LACKEY, r, &n, msg), 0, "%s", msg);
	cr_assert_eq(n, 1);
	expect_rec(&r[0], MMU_REF_FETCH, 0x0401ab70, 3, 1);
	/* only at the start: further on it is a byte of a record */
	expect_error("R 1000\n\xef\xbb\xbfR 2000\n", MMU_TRACE_TEXT, 2, "unknown record type: byte 0xef", 1);
}

/*
 * The magic bytes of bzip2 ("BZh" and the block size), xz (FD '7zXZ' 00) and zstd (28 B5 2F FD): bzip2 and xz are
 * read (here cut after their first bytes, and named as such), zstd is refused by name.
 */
Test(mmu_trace, other_compressed_formats_are_named)
{
	static const struct {
		const char *data;
		size_t len;
		const char *name;
	} cases[] = {
	    {"BZh91AY&SY", 10, "bzip2"},
	    {"\xfd"
	     "7zXZ\0\0\x04",
	     9, "xz"},
	    {"\x28\xb5\x2f\xfd\x24\x07", 6, "zstd"},
	};
	const mmu_trace_format_t fmts[] = {MMU_TRACE_AUTO, MMU_TRACE_TEXT, MMU_TRACE_LACKEY};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		for (size_t f = 0; f < 3; f++) {
			char path[32], msg[512] = "", want[600];
			write_file(path, cases[i].data, cases[i].len);
			mmu_trace_t *t;
			mmu_trace_rec_t recs[4];
			size_t n = 0;
			long rc = mmu_trace_open(path, fmts[f], &t, msg, sizeof msg);
			if (rc == 0) {
				rc = read_all(t, recs, 4, &n, msg, sizeof msg);
				mmu_trace_close(t);
			}
			unlink(path);
			cr_expect_eq(rc, MMU_EFORMAT, "%s: rc %ld", cases[i].name, rc);
			if (strcmp(cases[i].name, "zstd"))
				snprintf(want, sizeof want, "%s: truncated or corrupt %s data (unexpected end of file)",
				         path, cases[i].name);
			else
				snprintf(want, sizeof want,
				         "%s: compressed with %s: not supported, decompress it (e.g. %s -d)", path,
				         cases[i].name, cases[i].name);
			cr_expect_str_eq(msg, want);
			cr_expect_eq(n, 0);
		}
	}
}

/*
 * A lackey trace compressed with each codec (written with the libraries themselves) gives the same records, and the
 * same content size and CRC-32, as the plain file: the codec is decided from the first bytes, not the name.
 */
Test(mmu_trace, lackey_in_every_compression)
{
	size_t n = 20000, len;
	char *data = gen_trace(n, &len);
	size_t cap = len + len / 2 + 4096, out = 0;
	unsigned char *packed = malloc(cap);
	cr_assert(packed);
	static const char *const codecs[] = {"none", "gzip", "xz", "bzip2"};
	for (size_t c = 0; c < 4; c++) {
		char path[32], msg[512] = "";
		if (c == 1) {
			write_gz(path, data, len);
		} else {
			if (c == 0) {
				memcpy(packed, data, len);
				out = len;
			} else if (c == 2) {
				out = 0;
				cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)data,
				                                     len, packed, &out, cap),
				             LZMA_OK);
			} else {
				unsigned int m = (unsigned)cap;
				cr_assert_eq(BZ2_bzBuffToBuffCompress((char *)packed, &m, data, (unsigned)len, 9, 0, 0),
				             BZ_OK);
				out = m;
			}
			write_file(path, packed, out);
		}
		mmu_trace_t *t;
		cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0, "%s: %s", codecs[c], msg);
		cr_expect_eq(mmu_trace_format(t), MMU_TRACE_LACKEY, "%s", codecs[c]);
		static mmu_trace_rec_t r[4096];
		size_t seen = 0;
		long got;
		while ((got = mmu_trace_read(t, r, 4096, msg, sizeof msg)) > 0) {
			for (long k = 0; k < got; k++)
				check_gen(&r[k], seen + (size_t)k);
			seen += (size_t)got;
		}
		cr_expect_eq(got, 0, "%s: %s", codecs[c], msg);
		cr_expect_eq(seen, n, "%s", codecs[c]);
		cr_expect_eq(mmu_trace_content_bytes(t), len, "%s", codecs[c]);
		cr_expect_eq(mmu_trace_crc32(t), (uint32_t)crc32(0, (const Bytef *)data, (uInt)len), "%s", codecs[c]);
		mmu_trace_close(t);
		unlink(path);
	}
	free(packed);
	free(data);
}

/* ---- files that cannot be read ---- */

Test(mmu_trace, missing_file)
{
	char msg[512];
	mmu_trace_t *t = (mmu_trace_t *)1;
	cr_assert_eq(mmu_trace_open("/tmp/mmu_trace_does_not_exist.gz", MMU_TRACE_AUTO, &t, msg, sizeof msg), MMU_EIO);
	cr_expect_str_eq(msg, "/tmp/mmu_trace_does_not_exist.gz: No such file or directory");
	cr_expect_null(t);
}

Test(mmu_trace, directory)
{
	char msg[512];
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open("/tmp", MMU_TRACE_LACKEY, &t, msg, sizeof msg), MMU_EIO);
	cr_expect_str_eq(msg, "/tmp: Is a directory");
}

/* ---- error delivery ---- */

Test(mmu_trace, records_before_an_error_come_first_and_the_error_sticks)
{
	char path[32], msg[512];
	const char *text = "I  1000,4\n L 2000,8\n L oops\nI  3000,4\n";
	write_file(path, text, strlen(text));
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_LACKEY, &t, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_rec_t r[MAXREC];
	cr_assert_eq(mmu_trace_read(t, r, MAXREC, msg, sizeof msg), 2);
	expect_rec(&r[1], MMU_REF_LOAD, 0x2000, 8, 1);
	char want[64];
	snprintf(want, sizeof want, "%s:3: invalid address: 'o'", path);
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(mmu_trace_read(t, r, MAXREC, msg, sizeof msg), MMU_EFORMAT);
		cr_expect_str_eq(msg, want);
	}
	cr_expect_eq(mmu_trace_line(t), 3);
	mmu_trace_close(t);
	unlink(path);
}

Test(mmu_trace, read_one_record_at_a_time)
{
	char path[32], msg[512];
	const char *text = "==1== b\nI  10,1\n\n L 20,2\n S 30,3\n";
	write_file(path, text, strlen(text));
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_LACKEY, &t, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_rec_t r;
	static const unsigned line_after[] = {2, 4, 5};
	for (unsigned i = 0; i < 3; i++) {
		cr_assert_eq(mmu_trace_read(t, &r, 1, msg, sizeof msg), 1);
		cr_expect_eq(r.vaddr, 0x10u * (i + 1));
		cr_expect_eq(r.size, i + 1);
		cr_expect_eq(mmu_trace_line(t), line_after[i]);
	}
	cr_expect_eq(mmu_trace_read(t, &r, 1, msg, sizeof msg), 0);
	cr_expect_eq(mmu_trace_read(t, &r, 1, msg, sizeof msg), 0, "end of trace stays the end");
	mmu_trace_close(t);
	unlink(path);
}

/* ---- the bundled workload ---- */

Test(mmu_trace, default_workload_reads_cleanly)
{
	const char *path = MMU_SOURCE_DIR "/workloads/default.lackey.gz";
	char msg[512];
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0, "%s", msg);
	cr_expect_eq(mmu_trace_format(t), MMU_TRACE_LACKEY);
	static mmu_trace_rec_t r[4096];
	uint64_t n = 0, kinds[4] = {0};
	long got;
	while ((got = mmu_trace_read(t, r, 4096, msg, sizeof msg)) > 0) {
		for (long k = 0; k < got; k++) {
			cr_assert_lt(r[k].kind, 4);
			cr_assert_geq(r[k].size, 1);
			kinds[r[k].kind]++;
		}
		n += (uint64_t)got;
	}
	cr_assert_eq(got, 0, "%s", msg);
	cr_expect(n >= 1500000 && n <= 3000000, "%llu records", (unsigned long long)n);
	/* A real program: mostly instruction fetches, and every kind present. */
	cr_expect_gt(kinds[MMU_REF_FETCH], n / 2);
	cr_expect_gt(kinds[MMU_REF_LOAD], 0);
	cr_expect_gt(kinds[MMU_REF_STORE], 0);
	cr_expect_gt(kinds[MMU_REF_MODIFY], 0);
	cr_expect_eq(mmu_trace_bytes(t), mmu_trace_file_size(t));
	mmu_trace_close(t);
}

/*
 * Standard input may be a regular file opened by the shell and already read in part (`(head -n 1; mmusim ...) <
 * trace`): the rest of the file is the whole trace, not a file cut short.
 */
Test(mmu_trace, stdin_file_read_from_its_middle)
{
	const char text[] = " L 1000,4\n L 2000,4\n S 3000,8\n";
	char path[32], msg[512] = "";
	write_file(path, text, sizeof text - 1);
	int fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(lseek(fd, 10, SEEK_SET), 10); /* past the first line */
	cr_assert_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open("-", MMU_TRACE_LACKEY, &t, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_rec_t r[4];
	cr_expect_eq(mmu_trace_read(t, r, 4, msg, sizeof msg), 2, "%s", msg);
	cr_expect_eq(r[0].vaddr, 0x2000);
	cr_expect_eq(r[1].vaddr, 0x3000);
	cr_expect_eq(mmu_trace_read(t, r, 4, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_close(t);
	unlink(path);
}

/*
 * A trace truncated by another program while it is read ends before the size it had when it was opened: the reader
 * says so rather than taking the shorter file for the whole trace; later reads repeat the error.
 */
Test(mmu_trace, file_truncated_while_read)
{
	enum { LINES = 400000 }; /* about 6 MB: far more than the first read's block */
	size_t cap = (size_t)LINES * 16, len = 0;
	char *text = malloc(cap);
	cr_assert(text);
	for (unsigned i = 0; i < LINES; i++)
		len += (size_t)snprintf(text + len, cap - len, " L %08x,4\n", 0x10000000u + 64 * i);
	char path[32], msg[512] = "", want[600];
	write_file(path, text, len);
	free(text);
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_LACKEY, &t, msg, sizeof msg), 0, "%s", msg);
	static mmu_trace_rec_t r[1000];
	cr_assert_eq(mmu_trace_read(t, r, 1000, msg, sizeof msg), 1000, "%s", msg);
	cr_expect_eq(r[999].vaddr, 0x10000000u + 64 * 999);
	cr_assert_eq(truncate(path, 4096), 0);
	long got;
	while ((got = mmu_trace_read(t, r, 1000, msg, sizeof msg)) > 0)
		;
	cr_expect_eq(got, MMU_EIO);
	snprintf(want, sizeof want,
	         "%s: the file became shorter while it was read (another program truncated or rewrote it)", path);
	cr_expect_str_eq(msg, want);
	cr_expect_eq(mmu_trace_read(t, r, 1000, msg, sizeof msg), MMU_EIO, "the error is sticky");
	mmu_trace_close(t);
	unlink(path);
}
