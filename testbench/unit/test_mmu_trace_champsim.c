/*
 * ChampSim and din readers: hand-made records and lines, each compression (written here with zlib, liblzma and
 * libbz2 directly), format detection, truncated records and bad lines. The expected references are worked out by
 * hand from the documented order: fetch of ip, loads in slot order (a load whose address is also a store of the
 * record is one read-modify-write), then the remaining stores.
 */
#include <criterion/criterion.h>

#include <bzlib.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_trace.h"

enum { MAXREC = 64 };

/* ---- building records byte by byte (not with a struct: the layout is what is under test) ---- */

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* A 64-byte standard record: ip at 0, flags at 8 and 9, destination_memory at 16, source_memory at 32. */
static void std_rec(unsigned char *p, uint64_t ip, const uint64_t dst[2], const uint64_t src[4])
{
	memset(p, 0, 64);
	put64(p, ip);
	p[10] = 7; /* register numbers: not used, must not matter */
	p[12] = 9;
	for (int i = 0; i < 2; i++)
		put64(p + 16 + 8 * i, dst[i]);
	for (int i = 0; i < 4; i++)
		put64(p + 32 + 8 * i, src[i]);
}

/* A 96-byte CloudSuite record: destination_memory at 24, source_memory at 56, asid at 88 and 89. */
static void cs_rec(unsigned char *p, uint64_t ip, const uint64_t dst[4], const uint64_t src[4], uint8_t asid)
{
	memset(p, 0, 96);
	put64(p, ip);
	for (int i = 0; i < 4; i++) {
		put64(p + 24 + 8 * i, dst[i]);
		put64(p + 56 + 8 * i, src[i]);
	}
	p[88] = asid;
	p[89] = 0xee; /* asid[1]: not used */
}

/* ---- files ---- */

static void write_raw(char *path, const void *data, size_t len)
{
	strcpy(path, "/tmp/mmu_champsim_XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	if (len)
		cr_assert_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void write_codec(char *path, const void *data, size_t len, const char *codec)
{
	size_t cap = len * 2 + 1024, out = 0;
	unsigned char *buf = malloc(cap);
	cr_assert(buf);
	if (!strcmp(codec, "gzip")) {
		z_stream z = {0};
		cr_assert_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
		z.next_in = (Bytef *)(uintptr_t)data;
		z.avail_in = (uInt)len;
		z.next_out = buf;
		z.avail_out = (uInt)cap;
		cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
		out = z.total_out;
		deflateEnd(&z);
	} else if (!strcmp(codec, "xz")) {
		cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, data, len, buf, &out, cap), LZMA_OK);
	} else if (!strcmp(codec, "bzip2")) {
		unsigned int n = (unsigned)cap;
		cr_assert_eq(BZ2_bzBuffToBuffCompress((char *)buf, &n, (char *)(uintptr_t)data, (unsigned)len, 9, 0, 0),
		             BZ_OK);
		out = n;
	} else {
		memcpy(buf, data, len);
		out = len;
	}
	write_raw(path, buf, out);
	free(buf);
}

/* Reads a whole trace; returns the last result of mmu_trace_read (0 or an error), the references in recs. */
static long read_path(const char *path, mmu_trace_format_t fmt, mmu_trace_rec_t *recs, size_t *n, char *msg,
                      size_t batch)
{
	mmu_trace_t *t;
	int rc = mmu_trace_open(path, fmt, &t, msg, 512);
	if (rc)
		return rc;
	*n = 0;
	long got;
	while ((got = mmu_trace_read(t, recs + *n, batch, msg, 512)) > 0) {
		*n += (size_t)got;
		cr_assert_leq(*n + batch, MAXREC);
	}
	mmu_trace_close(t);
	return got;
}

static long read_data(const void *data, size_t len, const char *codec, mmu_trace_format_t fmt, mmu_trace_rec_t *recs,
                      size_t *n, char *msg, char *path)
{
	write_codec(path, data, len, codec);
	long rc = read_path(path, fmt, recs, n, msg, 16);
	return rc;
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
 * Three standard records:
 *   1  ip 0x401000, nothing else                       -> X 401000
 *   2  ip 0x401004, loads 0x7fff0010 (slot 0), 0x602000 (slot 2); store 0x603000 (slot 1)
 *                                                      -> X 401004, L 7fff0010, L 602000, S 603000
 *   3  ip 0x401008, load 0x601000, store 0x601000, store 0x604000
 *                                                      -> X 401008, M 601000, S 604000
 *   4  ip 0 (no fetch), store 0x605000                -> S 605000
 */
static size_t standard_trace(unsigned char *buf)
{
	const uint64_t none[4] = {0};
	std_rec(buf, 0x401000, none, none);
	std_rec(buf + 64, 0x401004, (const uint64_t[2]){0, 0x603000}, (const uint64_t[4]){0x7fff0010, 0, 0x602000, 0});
	std_rec(buf + 128, 0x401008, (const uint64_t[2]){0x601000, 0x604000}, (const uint64_t[4]){0x601000, 0, 0, 0});
	std_rec(buf + 192, 0, (const uint64_t[2]){0, 0x605000}, none);
	return 256;
}

static void expect_standard(const mmu_trace_rec_t *r, size_t n)
{
	cr_assert_eq(n, 9);
	expect_rec(&r[0], MMU_REF_FETCH, 0x401000, 1, 1);
	expect_rec(&r[1], MMU_REF_FETCH, 0x401004, 1, 1);
	expect_rec(&r[2], MMU_REF_LOAD, 0x7fff0010, 1, 1);
	expect_rec(&r[3], MMU_REF_LOAD, 0x602000, 1, 1);
	expect_rec(&r[4], MMU_REF_STORE, 0x603000, 1, 1);
	expect_rec(&r[5], MMU_REF_FETCH, 0x401008, 1, 1);
	expect_rec(&r[6], MMU_REF_MODIFY, 0x601000, 1, 1);
	expect_rec(&r[7], MMU_REF_STORE, 0x604000, 1, 1);
	expect_rec(&r[8], MMU_REF_STORE, 0x605000, 1, 1);
}

TestSuite(mmu_trace_champsim);

Test(mmu_trace_champsim, standard_records_in_every_compression)
{
	static const char *const codecs[] = {"none", "gzip", "xz", "bzip2"};
	unsigned char buf[256];
	size_t len = standard_trace(buf);
	for (size_t c = 0; c < 4; c++) {
		for (int fmt = 0; fmt < 2; fmt++) { /* given, and detected from the content */
			char path[40], msg[512] = "";
			mmu_trace_rec_t r[MAXREC];
			size_t n = 0;
			long rc =
			    read_data(buf, len, codecs[c], fmt ? MMU_TRACE_AUTO : MMU_TRACE_CHAMPSIM, r, &n, msg, path);
			cr_assert_eq(rc, 0, "%s: %s", codecs[c], msg);
			expect_standard(r, n);
			mmu_trace_t *t;
			cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &t, msg, sizeof msg), 0);
			cr_expect_eq(mmu_trace_format(t), MMU_TRACE_CHAMPSIM, "%s", codecs[c]);
			mmu_trace_rec_t one;
			while (mmu_trace_read(t, &one, 1, msg, sizeof msg) > 0)
				;
			/* the content's CRC-32 whatever the compression: zlib's crc32 of the plain bytes */
			cr_expect_eq(mmu_trace_crc32(t), (uint32_t)crc32(0, buf, (uInt)len), "%s", codecs[c]);
			cr_expect_eq(mmu_trace_content_bytes(t), len);
			cr_expect_eq(mmu_trace_line(t), 4);
			mmu_trace_close(t);
			unlink(path);
		}
	}
}

Test(mmu_trace_champsim, a_record_split_over_reads_of_one_reference)
{
	unsigned char buf[256];
	size_t len = standard_trace(buf);
	char path[40], msg[512];
	write_codec(path, buf, len, "none");
	mmu_trace_rec_t r[MAXREC];
	size_t n = 0;
	cr_assert_eq(read_path(path, MMU_TRACE_CHAMPSIM, r, &n, msg, 1), 0, "%s", msg);
	unlink(path);
	expect_standard(r, n);
}

Test(mmu_trace_champsim, cloudsuite_records_and_asids)
{
	/*
	 *   1  ip 0x10000, asid 3, loads 0x20000 0x30000 0x40000 0x50000   -> X, L, L, L, L (pid 3)
	 *   2  ip 0x10004, asid 3, stores 0x60000 0x70000 0x80000 0x90000  -> X, S, S, S, S (pid 3)
	 *   3  ip 0x10008, asid 5, load 0x90000 = store slot 3            -> X, M 0x90000 (pid 5)
	 */
	unsigned char buf[288];
	const uint64_t none[4] = {0};
	cs_rec(buf, 0x10000, none, (const uint64_t[4]){0x20000, 0x30000, 0x40000, 0x50000}, 3);
	cs_rec(buf + 96, 0x10004, (const uint64_t[4]){0x60000, 0x70000, 0x80000, 0x90000}, none, 3);
	cs_rec(buf + 192, 0x10008, (const uint64_t[4]){0, 0, 0, 0x90000}, (const uint64_t[4]){0x90000, 0, 0, 0}, 5);
	char path[40], msg[512] = "";
	mmu_trace_rec_t r[MAXREC];
	size_t n = 0;
	cr_assert_eq(read_data(buf, sizeof buf, "xz", MMU_TRACE_CLOUDSUITE, r, &n, msg, path), 0, "%s", msg);
	unlink(path);
	cr_assert_eq(n, 12);
	expect_rec(&r[0], MMU_REF_FETCH, 0x10000, 1, 3);
	for (int i = 0; i < 4; i++)
		expect_rec(&r[1 + i], MMU_REF_LOAD, 0x20000 + 0x10000 * (uint64_t)i, 1, 3);
	expect_rec(&r[5], MMU_REF_FETCH, 0x10004, 1, 3);
	for (int i = 0; i < 4; i++)
		expect_rec(&r[6 + i], MMU_REF_STORE, 0x60000 + 0x10000 * (uint64_t)i, 1, 3);
	expect_rec(&r[10], MMU_REF_FETCH, 0x10008, 1, 5);
	expect_rec(&r[11], MMU_REF_MODIFY, 0x90000, 1, 5);
}

Test(mmu_trace_champsim, truncated_record_names_its_byte_offset)
{
	unsigned char buf[256 + 40];
	size_t len = standard_trace(buf);
	memset(buf + len, 1, 40);
	static const char *const codecs[] = {"none", "gzip", "xz", "bzip2"};
	for (size_t c = 0; c < 4; c++) {
		char path[40], msg[512] = "", want[600];
		mmu_trace_rec_t r[MAXREC];
		size_t n = 0;
		long rc = read_data(buf, len + 40, codecs[c], MMU_TRACE_CHAMPSIM, r, &n, msg, path);
		cr_expect_eq(rc, MMU_EFORMAT);
		cr_expect_eq(n, 9, "the whole records before it are read: %zu", n);
		snprintf(
		    want, sizeof want,
		    "%s: truncated record at byte offset 256: the file ends 40 bytes into a 64-byte ChampSim record",
		    path);
		cr_expect_str_eq(msg, want);
		unlink(path);
	}
}

Test(mmu_trace_champsim, cut_compressed_stream_is_an_error)
{
	unsigned char buf[256];
	size_t len = standard_trace(buf);
	static const char *const codecs[] = {"gzip", "xz", "bzip2"};
	for (size_t c = 0; c < 3; c++) {
		char path[40], msg[512] = "", want[600];
		write_codec(path, buf, len, codecs[c]);
		FILE *f = fopen(path, "r+");
		cr_assert(f);
		fseek(f, 0, SEEK_END);
		long size = ftell(f);
		fclose(f);
		cr_assert_eq(truncate(path, size - 6), 0);
		mmu_trace_rec_t r[MAXREC];
		size_t n = 0;
		cr_expect_eq(read_path(path, MMU_TRACE_CHAMPSIM, r, &n, msg, 16), MMU_EFORMAT, "%s", codecs[c]);
		snprintf(want, sizeof want, "%s: truncated or corrupt %s data", path, codecs[c]);
		cr_expect(!strncmp(msg, want, strlen(want)), "%s: %s", codecs[c], msg);
		unlink(path);
	}
}

/*
 * A gzip member's trailer (RFC 1952 section 2.3.1: CRC-32, then the length mod 2^32, little-endian) is checked: one
 * bit changed in either is an error naming the trailer; two members read as one content, with one content CRC.
 */
Test(mmu_trace_champsim, gzip_trailer_is_checked_and_members_are_joined)
{
	unsigned char buf[256];
	size_t len = standard_trace(buf);
	static const struct {
		long from_end;    /* the byte changed, counted from the end of the file */
		const char *what; /* the field the byte belongs to */
	} cases[] = {{8, "CRC-32"}, {5, "CRC-32"}, {4, "length"}, {1, "length"}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char path[40], msg[512] = "", want[600];
		write_codec(path, buf, len, "gzip");
		FILE *f = fopen(path, "r+");
		cr_assert(f);
		fseek(f, -cases[i].from_end, SEEK_END);
		int c = fgetc(f);
		fseek(f, -cases[i].from_end, SEEK_END);
		fputc(c ^ 0x10, f);
		fclose(f);
		mmu_trace_rec_t r[MAXREC];
		size_t n = 0;
		cr_expect_eq(read_path(path, MMU_TRACE_CHAMPSIM, r, &n, msg, 16), MMU_EFORMAT);
		snprintf(want, sizeof want,
		         "%s: truncated or corrupt gzip data (incorrect CRC-32 or length in a member's trailer)", path);
		cr_expect_str_eq(msg, want, "a byte of the %s changed", cases[i].what);
		unlink(path);
	}

	/* The trace cut after its first 100 bytes (in the middle of record 2), each part its own member. */
	char one[40], two[40], path[40], msg[512] = "";
	write_codec(one, buf, 100, "gzip");
	write_codec(two, buf + 100, len - 100, "gzip");
	char cmd[200];
	strcpy(path, "/tmp/mmu_champsim_XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	close(fd);
	snprintf(cmd, sizeof cmd, "cat %s %s > %s", one, two, path);
	cr_assert_eq(system(cmd), 0);
	for (size_t batch = 1; batch <= 16; batch += 15) {
		mmu_trace_rec_t r[MAXREC];
		size_t n = 0;
		cr_assert_eq(read_path(path, MMU_TRACE_CHAMPSIM, r, &n, msg, batch), 0, "%s", msg);
		expect_standard(r, n);
	}
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_CHAMPSIM, &t, msg, sizeof msg), 0);
	mmu_trace_rec_t rec;
	while (mmu_trace_read(t, &rec, 1, msg, sizeof msg) > 0)
		;
	cr_expect_eq(mmu_trace_crc32(t), (uint32_t)crc32(0, buf, (uInt)len));
	mmu_trace_close(t);
	unlink(one);
	unlink(two);
	unlink(path);
}

Test(mmu_trace_champsim, flags_other_than_0_or_1_are_refused)
{
	unsigned char buf[256];
	size_t len = standard_trace(buf);
	buf[64 + 8] = 2; /* is_branch of record 2 */
	char path[40], msg[512] = "", want[600];
	mmu_trace_rec_t r[MAXREC];
	size_t n = 0;
	cr_expect_eq(read_data(buf, len, "none", MMU_TRACE_CHAMPSIM, r, &n, msg, path), MMU_EFORMAT);
	cr_expect_eq(n, 1);
	snprintf(
	    want, sizeof want,
	    "%s: byte offset 64 (instruction record 2): is_branch is 2, not 0 or 1: not a ChampSim (64-byte record) "
	    "trace (a CloudSuite trace needs --format champsim-cloudsuite)",
	    path);
	cr_expect_str_eq(msg, want);
	unlink(path);
}

Test(mmu_trace_champsim, locate_names_the_record)
{
	unsigned char buf[256];
	size_t len = standard_trace(buf);
	char path[40], where[600], want[600];
	write_codec(path, buf, len, "xz");
	mmu_trace_locate(path, MMU_TRACE_CHAMPSIM, 7, where, sizeof where); /* reference 7: M 601000 of record 3 */
	snprintf(want, sizeof want, "%s: instruction record 3 (byte offset 128)", path);
	cr_expect_str_eq(where, want);
	unlink(path);
}

Test(mmu_trace_champsim, format_names)
{
	cr_expect_eq(mmu_trace_format_parse("champsim"), MMU_TRACE_CHAMPSIM);
	cr_expect_eq(mmu_trace_format_parse("champsim-cloudsuite"), MMU_TRACE_CLOUDSUITE);
	cr_expect_eq(mmu_trace_format_parse("din"), MMU_TRACE_DIN);
	cr_expect_str_eq(mmu_trace_format_name(MMU_TRACE_CHAMPSIM), "champsim");
	cr_expect_str_eq(mmu_trace_format_name(MMU_TRACE_CLOUDSUITE), "champsim-cloudsuite");
	cr_expect_str_eq(mmu_trace_format_name(MMU_TRACE_DIN), "din");
}

/* ---- din ---- */

Test(mmu_trace_champsim, din_labels_sizes_and_flush)
{
	static const char text[] = "2 401000\n"
	                           "0 7fff0010 8\n"
	                           "  1\t0x601000   4  \r\n"
	                           "\n"
	                           "3 602000\n"
	                           "4 0\n"
	                           "2 0X401004 A\n"
	                           "0 FFFFFFFFFFFFFFF0 10"; /* the last line has no newline */
	static const char *const codecs[] = {"none", "gzip", "xz", "bzip2"};
	for (size_t c = 0; c < 4; c++) {
		for (int fmt = 0; fmt < 2; fmt++) {
			char path[40], msg[512] = "";
			mmu_trace_rec_t r[MAXREC];
			size_t n = 0;
			long rc = read_data(text, sizeof text - 1, codecs[c], fmt ? MMU_TRACE_AUTO : MMU_TRACE_DIN, r,
			                    &n, msg, path);
			cr_assert_eq(rc, 0, "%s: %s", codecs[c], msg);
			unlink(path);
			cr_assert_eq(n, 6);
			expect_rec(&r[0], MMU_REF_FETCH, 0x401000, 1, 1);
			expect_rec(&r[1], MMU_REF_LOAD, 0x7fff0010, 8, 1);
			expect_rec(&r[2], MMU_REF_STORE, 0x601000, 4, 1);
			expect_rec(&r[3], MMU_REF_LOAD, 0x602000, 1, 1); /* 3: misc, read as a load */
			expect_rec(&r[4], MMU_REF_FETCH, 0x401004, 10, 1);
			expect_rec(&r[5], MMU_REF_LOAD, 0xFFFFFFFFFFFFFFF0ULL, 16, 1);
		}
	}
}

static void expect_din_error(const char *text, unsigned line, const char *what, size_t good)
{
	char path[40], msg[512] = "", want[600];
	mmu_trace_rec_t r[MAXREC];
	size_t n = 0;
	long rc = read_data(text, strlen(text), "none", MMU_TRACE_DIN, r, &n, msg, path);
	cr_expect_eq(rc, MMU_EFORMAT, "%s", text);
	cr_expect_eq(n, good, "%s: %zu references before the error", text, n);
	snprintf(want, sizeof want, "%s:%u: %s", path, line, what);
	cr_expect_str_eq(msg, want);
	unlink(path);
}

Test(mmu_trace_champsim, din_bad_lines)
{
	expect_din_error("2 1000\n5 2000\n", 2,
	                 "unknown label '5' (0 read, 1 write, 2 instruction fetch, 3 misc, 4 flush)", 1);
	expect_din_error("12 2000\n", 1, "unknown label '12' (0 read, 1 write, 2 instruction fetch, 3 misc, 4 flush)",
	                 0);
	expect_din_error("R 2000\n", 1, "unknown label 'R' (0 read, 1 write, 2 instruction fetch, 3 misc, 4 flush)", 0);
	expect_din_error("0\n", 1, "missing address: end of line", 0);
	expect_din_error("0 \n", 1, "missing address: end of line", 0);
	expect_din_error("0 12g4\n", 1, "invalid address: 'g'", 0);
	expect_din_error("0 11112222333344445\n", 1, "address wider than 64 bits", 0);
	expect_din_error("0 1000 zz\n", 1, "invalid size (a hex number of bytes): 'z'", 0);
	expect_din_error("0 1000 0\n", 1, "size must be at least 1", 0);
	expect_din_error("0 1000 100000000\n", 1, "size out of range (more than 0xffffffff)", 0);
	expect_din_error("0 1000 4 read\n", 1, "trailing text after the size (din lines are LABEL ADDRESS [SIZE]): 'r'",
	                 0);
	expect_din_error("0 fffffffffffffff0 11\n", 1, "the access wraps past the end of the 64-bit address space", 0);
	expect_din_error("2 1000\n0 10\x01\n", 2, "invalid address: byte 0x01", 1);
}

Test(mmu_trace_champsim, din_nul_and_long_lines)
{
	char path[40], msg[512] = "", want[600];
	mmu_trace_rec_t r[MAXREC];
	size_t n = 0;
	static const char nul[] = "2 1000\n0 1\0\n";
	cr_expect_eq(read_data(nul, sizeof nul - 1, "none", MMU_TRACE_DIN, r, &n, msg, path), MMU_EFORMAT);
	snprintf(want, sizeof want, "%s:2: unexpected NUL byte (binary data?)", path);
	cr_expect_str_eq(msg, want);
	unlink(path);
	char *longl = malloc(5000);
	memset(longl, ' ', 5000);
	memcpy(longl, "2 1000\n2", 8);
	longl[4999] = '\n';
	cr_expect_eq(read_data(longl, 5000, "none", MMU_TRACE_DIN, r, &n, msg, path), MMU_EFORMAT);
	snprintf(want, sizeof want, "%s:2: line too long (more than 4096 bytes)", path);
	cr_expect_str_eq(msg, want);
	unlink(path);
	free(longl);
}

/* A plain ChampSim file truncated by another program while it is read is an error, not a shorter trace. */
Test(mmu_trace_champsim, file_truncated_while_read)
{
	enum { RECORDS = 100000 }; /* 6.4 MB */
	unsigned char *buf = malloc((size_t)RECORDS * 64);
	cr_assert(buf);
	const uint64_t none[4] = {0};
	for (unsigned i = 0; i < RECORDS; i++)
		std_rec(buf + 64 * (size_t)i, 0x400000 + 4 * (uint64_t)i, none, none);
	char path[40], msg[512] = "", want[600];
	write_raw(path, buf, (size_t)RECORDS * 64);
	free(buf);
	mmu_trace_t *t;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_CHAMPSIM, &t, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_rec_t r[64];
	cr_assert_gt(mmu_trace_read(t, r, 64, msg, sizeof msg), 0, "%s", msg);
	cr_expect_eq(r[0].vaddr, 0x400000);
	cr_assert_eq(truncate(path, 4096), 0);
	long got;
	while ((got = mmu_trace_read(t, r, 64, msg, sizeof msg)) > 0)
		;
	cr_expect_eq(got, MMU_EIO);
	snprintf(want, sizeof want,
	         "%s: the file became shorter while it was read (another program truncated or rewrote it)", path);
	cr_expect_str_eq(msg, want);
	mmu_trace_close(t);
	unlink(path);
}

/*
 * The records most traces are made of (at most the first load slot and the first store slot used), which the reader
 * decodes on a path of its own, in both layouts:
 *   1  ip 0x500000, load 0x700000 = store 0x700000        -> X 500000, M 700000
 *   2  ip 0x500004, store 0x710000                        -> X 500004, S 710000
 *   3  ip 0x500008, load 0x720000, store 0x730000         -> X 500008, L 720000, S 730000
 *   4  ip 0 (no fetch), load 0x740000                     -> L 740000
 *   5  ip 0x50000c, nothing                               -> X 50000c
 *   6  ip 0, nothing                                      -> (nothing)
 *   7  ip 0, load 0x750000 = store 0x750000               -> M 750000
 * read whole and one reference at a time (record 6, which gives nothing, must not end the trace early).
 */
Test(mmu_trace_champsim, records_with_one_load_and_one_store_slot)
{
	static const uint64_t ip[7] = {0x500000, 0x500004, 0x500008, 0, 0x50000c, 0, 0};
	static const uint64_t load[7] = {0x700000, 0, 0x720000, 0x740000, 0, 0, 0x750000};
	static const uint64_t store[7] = {0x700000, 0x710000, 0x730000, 0, 0, 0, 0x750000};
	for (int cs = 0; cs < 2; cs++) {
		size_t size = cs ? 96 : 64;
		unsigned char buf[7 * 96];
		for (int i = 0; i < 7; i++) {
			const uint64_t dst[4] = {store[i]}, src[4] = {load[i]};
			if (cs)
				cs_rec(buf + size * (size_t)i, ip[i], dst, src, 4);
			else
				std_rec(buf + size * (size_t)i, ip[i], dst, src);
		}
		uint32_t pid = cs ? 4 : 1;
		for (size_t batch = 1; batch <= 16; batch += 15) {
			char path[40], msg[512] = "";
			write_codec(path, buf, 7 * size, "none");
			mmu_trace_rec_t r[MAXREC];
			size_t n = 0;
			cr_assert_eq(read_path(path, cs ? MMU_TRACE_CLOUDSUITE : MMU_TRACE_CHAMPSIM, r, &n, msg, batch),
			             0, "%s", msg);
			unlink(path);
			cr_assert_eq(n, 10, "%s, batch %zu: %zu references", cs ? "CloudSuite" : "standard", batch, n);
			expect_rec(&r[0], MMU_REF_FETCH, 0x500000, 1, pid);
			expect_rec(&r[1], MMU_REF_MODIFY, 0x700000, 1, pid);
			expect_rec(&r[2], MMU_REF_FETCH, 0x500004, 1, pid);
			expect_rec(&r[3], MMU_REF_STORE, 0x710000, 1, pid);
			expect_rec(&r[4], MMU_REF_FETCH, 0x500008, 1, pid);
			expect_rec(&r[5], MMU_REF_LOAD, 0x720000, 1, pid);
			expect_rec(&r[6], MMU_REF_STORE, 0x730000, 1, pid);
			expect_rec(&r[7], MMU_REF_LOAD, 0x740000, 1, pid);
			expect_rec(&r[8], MMU_REF_FETCH, 0x50000c, 1, pid);
			expect_rec(&r[9], MMU_REF_MODIFY, 0x750000, 1, pid);
		}
	}
}

/* A plain file's CRC-32 is taken block by block as it is read: over several blocks it is still zlib's crc32 of the
 * whole content, whatever the sizes of the reads. */
Test(mmu_trace_champsim, file_crc_over_many_blocks)
{
	enum { RECORDS = 20011 }; /* 1.28 MB: several blocks, and a last one that is not whole */
	unsigned char *buf = malloc((size_t)RECORDS * 64);
	cr_assert(buf);
	for (unsigned i = 0; i < RECORDS; i++)
		std_rec(buf + 64 * (size_t)i, 0x400000 + 4 * (uint64_t)i,
		        (const uint64_t[2]){0x800000 + 8 * (uint64_t)i},
		        (const uint64_t[4]){0x900000 + (uint64_t)(i % 7)});
	uint32_t want = (uint32_t)crc32(0, buf, (uInt)RECORDS * 64);
	char path[40], msg[512] = "";
	write_raw(path, buf, (size_t)RECORDS * 64);
	free(buf);
	for (size_t batch = 5; batch <= 5000; batch *= 1000) {
		mmu_trace_t *t;
		cr_assert_eq(mmu_trace_open(path, MMU_TRACE_CHAMPSIM, &t, msg, sizeof msg), 0, "%s", msg);
		static mmu_trace_rec_t r[5000];
		long got;
		uint64_t refs = 0;
		while ((got = mmu_trace_read(t, r, batch, msg, sizeof msg)) > 0)
			refs += (uint64_t)got;
		cr_expect_eq(got, 0, "%s", msg);
		cr_expect_eq(refs, 3 * (uint64_t)RECORDS);
		cr_expect_eq(mmu_trace_crc32(t), want, "batch %zu: %08x, expected %08x", batch, mmu_trace_crc32(t),
		             want);
		cr_expect_eq(mmu_trace_content_bytes(t), (uint64_t)RECORDS * 64);
		mmu_trace_close(t);
	}
	unlink(path);
}
