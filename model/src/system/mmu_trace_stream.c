/* A trace file's content, decompressed by the codec its magic bytes name (mmu_trace_stream.h). */
#include "mmu_trace_stream.h"

#include "mmu_crc32.h"

#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mmu/mmu_error.h"

enum {
	IN_BUF = 1 << 18, /* compressed bytes read at a time */
};

typedef enum { CODEC_NONE, CODEC_GZIP, CODEC_XZ, CODEC_BZIP2 } codec_t;

struct trace_stream {
	int fd;
	char *name;
	codec_t codec;
	unsigned char *in; /* IN_BUF bytes of file */
	size_t in_pos, in_len;
	bool in_eof;
	bool done; /* the last compressed stream ended and no input follows */
	uint64_t in_bytes, file_size, out_bytes;
	uint64_t expect_bytes; /* a regular file: the bytes from where it was opened to its end then (else 0) */
	/*
	 * CRC-32 of the content. ISA-L computes a gzip member's CRC itself (to check it against the trailer): it is
	 * combined in when the member ends (member_bytes long) and not computed a second time.
	 */
	uint32_t crc;
	uint64_t member_bytes;
	/*
	 * gzip by ISA-L's inflate rather than zlib's: about four times faster here, which matters for ChampSim records
	 * (64 bytes each, three times the bytes of a lackey line per reference). Allocated on first use: it is large.
	 */
	struct inflate_state *z;
	lzma_stream x;
	bz_stream b;
	bool b_live;
};

static int fail(const trace_stream_t *s, int code, char *msg, size_t msglen, const char *what)
{
	snprintf(msg, msglen, "%s: %s", s->name, what);
	return code;
}

static int corrupt(const trace_stream_t *s, char *msg, size_t msglen, const char *codec, const char *why)
{
	snprintf(msg, msglen, "%s: truncated or corrupt %s data (%s)", s->name, codec, why);
	return MMU_EFORMAT;
}

/* Tops up the input buffer once; in_eof is set when the file has no more bytes. */
static int fill_input(trace_stream_t *s, char *msg, size_t msglen)
{
	if (s->in_pos == s->in_len)
		s->in_pos = s->in_len = 0;
	if (s->in_eof || s->in_len == IN_BUF)
		return 0;
	ssize_t n;
	do
		n = read(s->fd, s->in + s->in_len, IN_BUF - s->in_len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return fail(s, MMU_EIO, msg, msglen, strerror(errno));
	if (n == 0)
		s->in_eof = true;
	s->in_len += (size_t)n;
	s->in_bytes += (uint64_t)n;
	return 0;
}

static const struct {
	const char *magic;
	size_t len;
	codec_t codec;
	const char *name; /* a codec not read here: refused by name */
} magics[] = {
    {"\x1f\x8b", 2, CODEC_GZIP, NULL},
    {"\xfd"
     "7zXZ\0",
     6, CODEC_XZ, NULL},
    {"BZh", 3, CODEC_BZIP2, NULL},
    {"\x28\xb5\x2f\xfd", 4, CODEC_NONE, "zstd"},
};

static int start_codec(trace_stream_t *s, char *msg, size_t msglen)
{
	while (s->in_len < 6 && !s->in_eof) {
		int rc = fill_input(s, msg, msglen);
		if (rc)
			return rc;
	}
	for (size_t i = 0; i < sizeof magics / sizeof magics[0]; i++) {
		if (s->in_len < magics[i].len || memcmp(s->in, magics[i].magic, magics[i].len))
			continue;
		if (magics[i].name) {
			char why[128];
			snprintf(why, sizeof why, "compressed with %s: not supported, decompress it (e.g. %s -d)",
			         magics[i].name, magics[i].name);
			return fail(s, MMU_EFORMAT, msg, msglen, why);
		}
		s->codec = magics[i].codec;
		break;
	}
	switch (s->codec) {
	case CODEC_GZIP:
		s->z = malloc(sizeof *s->z);
		if (!s->z)
			return fail(s, MMU_ENOMEM, msg, msglen, "out of memory");
		isal_inflate_init(s->z);
		s->z->crc_flag = ISAL_GZIP; /* header parsed, trailer's CRC-32 and length checked */
		break;
	case CODEC_XZ:
		if (lzma_stream_decoder(&s->x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
			return fail(s, MMU_ENOMEM, msg, msglen, "out of memory");
		break;
	case CODEC_BZIP2:
		if (BZ2_bzDecompressInit(&s->b, 0, 0) != BZ_OK)
			return fail(s, MMU_ENOMEM, msg, msglen, "out of memory");
		s->b_live = true;
		break;
	case CODEC_NONE:
		break;
	}
	return 0;
}

int trace_stream_open(const char *path, trace_stream_t **out, char *msg, size_t msglen)
{
	*out = NULL;
	bool std = !strcmp(path, "-");
	const char *name = std ? "<stdin>" : path;
	int fd = std ? dup(STDIN_FILENO) : open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
		snprintf(msg, msglen, "%s: %s", name, strerror(fd >= 0 && S_ISDIR(st.st_mode) ? EISDIR : errno));
		if (fd >= 0)
			close(fd);
		return MMU_EIO;
	}
	trace_stream_t *s = calloc(1, sizeof *s);
	if (s) {
		s->name = strdup(name);
		s->in = malloc(IN_BUF);
	}
	if (!s || !s->name || !s->in) {
		snprintf(msg, msglen, "%s: out of memory", name);
		close(fd);
		trace_stream_close(s);
		return MMU_ENOMEM;
	}
	s->fd = fd;
	s->file_size = S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	off_t at = S_ISREG(st.st_mode) ? lseek(fd, 0, SEEK_CUR) : -1; /* standard input may start inside a file */
	s->expect_bytes = at >= 0 && (uint64_t)at < s->file_size ? s->file_size - (uint64_t)at : 0;
	s->crc = (uint32_t)crc32(0, Z_NULL, 0);
	s->x = (lzma_stream)LZMA_STREAM_INIT;
	int rc = start_codec(s, msg, msglen);
	if (rc) {
		trace_stream_close(s);
		return rc;
	}
	*out = s;
	return 0;
}

void trace_stream_close(trace_stream_t *s)
{
	if (!s)
		return;
	free(s->z);
	lzma_end(&s->x);
	if (s->b_live)
		BZ2_bzDecompressEnd(&s->b);
	if (s->in)
		close(s->fd);
	free(s->in);
	free(s->name);
	free(s);
}

/* ---- one step of each codec: output into [out, out + n), input from the buffer ---- */

static long read_plain(trace_stream_t *s, unsigned char *out, size_t n, char *msg, size_t msglen)
{
	if (s->in_pos < s->in_len) { /* the bytes read to look for a magic number */
		size_t k = s->in_len - s->in_pos < n ? s->in_len - s->in_pos : n;
		memcpy(out, s->in + s->in_pos, k);
		s->in_pos += k;
		return (long)k;
	}
	if (s->in_eof)
		return 0;
	ssize_t k;
	do
		k = read(s->fd, out, n);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		return fail(s, MMU_EIO, msg, msglen, strerror(errno));
	/* A regular file that ends before the size it had when opened was cut while it was read: its end is not the
	 * trace's, and a shorter trace must not pass for the whole one. */
	if (k == 0 && s->in_bytes < s->expect_bytes)
		return fail(s, MMU_EIO, msg, msglen,
		            "the file became shorter while it was read (another program truncated or rewrote it)");
	if (k == 0)
		s->in_eof = true;
	s->in_bytes += (uint64_t)k;
	return (long)k;
}

/* Whether more input follows the end of a compressed stream (another member); fills the buffer to find out. */
static int more_input(trace_stream_t *s, bool *more, char *msg, size_t msglen)
{
	if (s->in_pos == s->in_len) {
		int rc = fill_input(s, msg, msglen);
		if (rc)
			return rc;
	}
	*more = s->in_pos < s->in_len;
	return 0;
}

static const char *isal_why(int r)
{
	switch (r) {
	case ISAL_INVALID_WRAPPER:
		return "not a gzip stream";
	case ISAL_UNSUPPORTED_METHOD:
		return "unsupported compression method";
	case ISAL_INCORRECT_CHECKSUM:
		return "incorrect CRC-32 or length in a member's trailer";
	default:
		return "invalid deflate data";
	}
}

static long read_gzip(trace_stream_t *s, unsigned char *out, size_t n, char *msg, size_t msglen)
{
	struct inflate_state *z = s->z;
	z->next_out = out;
	z->avail_out = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	uint32_t want = z->avail_out;
	while (z->avail_out && !s->done) {
		if (s->in_pos == s->in_len) {
			int rc = fill_input(s, msg, msglen);
			if (rc)
				return rc;
			if (s->in_len == 0)
				return corrupt(s, msg, msglen, "gzip", "unexpected end of file");
		}
		z->next_in = s->in + s->in_pos;
		z->avail_in = (uint32_t)(s->in_len - s->in_pos);
		uint32_t room = z->avail_out;
		int r = isal_inflate(z);
		s->in_pos = s->in_len - z->avail_in;
		s->member_bytes += room - z->avail_out;
		if (r < 0)
			return corrupt(s, msg, msglen, "gzip", isal_why(r));
		if (z->block_state == ISAL_BLOCK_FINISH) {
			s->crc = (uint32_t)crc32_combine(s->crc, z->crc, (z_off_t)s->member_bytes);
			s->member_bytes = 0;
			bool more;
			int rc = more_input(s, &more, msg, msglen);
			if (rc)
				return rc;
			if (more) { /* another member follows (pigz, concatenated files) */
				unsigned char *next = z->next_out;
				uint32_t left = z->avail_out;
				isal_inflate_reset(z);
				z->crc_flag = ISAL_GZIP;
				z->next_out = next;
				z->avail_out = left;
			} else {
				s->done = true;
			}
		}
	}
	return (long)(want - z->avail_out);
}

static const char *lzma_why(lzma_ret r)
{
	switch (r) {
	case LZMA_FORMAT_ERROR:
		return "not an xz stream";
	case LZMA_OPTIONS_ERROR:
		return "unsupported options";
	case LZMA_DATA_ERROR:
		return "data is corrupt";
	case LZMA_BUF_ERROR:
		return "unexpected end of file";
	case LZMA_UNSUPPORTED_CHECK:
		return "unsupported integrity check";
	default:
		return "liblzma error";
	}
}

static long read_xz(trace_stream_t *s, unsigned char *out, size_t n, char *msg, size_t msglen)
{
	s->x.next_out = out;
	s->x.avail_out = n;
	while (s->x.avail_out && !s->done) {
		if (s->in_pos == s->in_len) {
			int rc = fill_input(s, msg, msglen);
			if (rc)
				return rc;
		}
		s->x.next_in = s->in + s->in_pos;
		s->x.avail_in = s->in_len - s->in_pos;
		lzma_ret r = lzma_code(&s->x, s->in_eof && s->x.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
		s->in_pos = s->in_len - s->x.avail_in;
		if (r == LZMA_STREAM_END)
			s->done = true;
		else if (r == LZMA_MEM_ERROR)
			return fail(s, MMU_ENOMEM, msg, msglen, "out of memory while decompressing");
		else if (r != LZMA_OK)
			return corrupt(s, msg, msglen, "xz", lzma_why(r));
	}
	return (long)(n - s->x.avail_out);
}

static long read_bzip2(trace_stream_t *s, unsigned char *out, size_t n, char *msg, size_t msglen)
{
	size_t want = n > UINT32_MAX ? UINT32_MAX : n;
	s->b.next_out = (char *)out;
	s->b.avail_out = (unsigned)want;
	while (s->b.avail_out && !s->done) {
		if (s->in_pos == s->in_len) {
			int rc = fill_input(s, msg, msglen);
			if (rc)
				return rc;
			if (s->in_len == 0)
				return corrupt(s, msg, msglen, "bzip2", "unexpected end of file");
		}
		s->b.next_in = (char *)s->in + s->in_pos;
		s->b.avail_in = (unsigned)(s->in_len - s->in_pos);
		int brc = BZ2_bzDecompress(&s->b);
		s->in_pos = s->in_len - s->b.avail_in;
		if (brc == BZ_STREAM_END) {
			bool more;
			int rc = more_input(s, &more, msg, msglen);
			if (rc)
				return rc;
			if (!more) {
				s->done = true;
			} else { /* pbzip2 writes one stream per block */
				BZ2_bzDecompressEnd(&s->b);
				s->b_live = false;
				if (BZ2_bzDecompressInit(&s->b, 0, 0) != BZ_OK)
					return fail(s, MMU_ENOMEM, msg, msglen, "out of memory");
				s->b_live = true;
			}
		} else if (brc == BZ_MEM_ERROR) {
			return fail(s, MMU_ENOMEM, msg, msglen, "out of memory while decompressing");
		} else if (brc != BZ_OK) {
			return corrupt(s, msg, msglen, "bzip2",
			               brc == BZ_DATA_ERROR_MAGIC ? "not a bzip2 stream" : "data is corrupt");
		}
	}
	return (long)(want - s->b.avail_out);
}

long trace_stream_read(trace_stream_t *s, void *buf, size_t n, char *msg, size_t msglen)
{
	unsigned char *out = buf;
	size_t got = 0;
	while (got < n) {
		long k;
		switch (s->codec) {
		case CODEC_GZIP:
			k = read_gzip(s, out + got, n - got, msg, msglen);
			break;
		case CODEC_XZ:
			k = read_xz(s, out + got, n - got, msg, msglen);
			break;
		case CODEC_BZIP2:
			k = read_bzip2(s, out + got, n - got, msg, msglen);
			break;
		default:
			k = read_plain(s, out + got, n - got, msg, msglen);
			break;
		}
		if (k < 0)
			return k;
		if (k == 0)
			break;
		got += (size_t)k;
	}
	if (s->codec != CODEC_GZIP)
		s->crc = mmu_crc32(s->crc, out, got);
	s->out_bytes += got;
	return (long)got;
}

const char *trace_stream_name(const trace_stream_t *s)
{
	return s->name;
}

const char *trace_stream_codec(const trace_stream_t *s)
{
	static const char *const names[] = {"none", "gzip", "xz", "bzip2"};
	return names[s->codec];
}

uint64_t trace_stream_in_bytes(const trace_stream_t *s)
{
	return s->in_bytes;
}

uint64_t trace_stream_file_size(const trace_stream_t *s)
{
	return s->file_size;
}

uint64_t trace_stream_out_bytes(const trace_stream_t *s)
{
	return s->out_bytes;
}

uint32_t trace_stream_crc32(const trace_stream_t *s)
{
	return s->crc; /* for gzip: complete once the last member has ended, which the reader has seen at the end */
}
