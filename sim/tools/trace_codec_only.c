/*
 * trace-codec-only: the least any reader of a trace file must do, for `make bench` to set each trace reader beside:
 * a compressed file decompressed by the codec the model's reader uses (gzip: ISA-L's inflate, its trailer's CRC-32
 * checked; xz: liblzma's LZMA2 decoding, the block checks skipped; bzip2: libbz2) into one reused block, an
 * uncompressed file read into that block as the model's reader reads it, and in both one word read of every 64 bytes
 * (so that the content is really brought to the processor). It parses nothing, and shares no code with the model's
 * reader.
 *
 * usage: trace-codec-only FILE
 */
#define _DEFAULT_SOURCE

#include <bzlib.h>
#include <fcntl.h>
#include <inttypes.h>
#include <isa-l/igzip_lib.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	IN_BLOCK = 1 << 18,  /* compressed bytes read at a time */
	OUT_BLOCK = 1 << 18, /* decompressed bytes at a time, as the model's reader (ALT_BLOCK) */
};

typedef struct {
	int fd;
	unsigned char *in;
	size_t in_len;
	bool in_eof;
	uint64_t bytes, sum;
} floor_t;

/* One word of every 64 bytes of [p, p + n). */
static void touch(floor_t *f, const unsigned char *p, size_t n)
{
	uint64_t s = f->sum;
	for (size_t i = 0; i + 8 <= n; i += 64) {
		uint64_t v;
		memcpy(&v, p + i, 8);
		s += v;
	}
	f->sum = s;
	f->bytes += n;
}

/* More compressed input when the previous block is used up; false at the end of the file. */
static bool fill(floor_t *f)
{
	ssize_t k = read(f->fd, f->in, IN_BLOCK);
	f->in_len = k > 0 ? (size_t)k : 0;
	f->in_eof = k <= 0;
	return k > 0;
}

static int gzip_floor(floor_t *f, unsigned char *out)
{
	struct inflate_state *z = malloc(sizeof *z);
	if (!z)
		return 1;
	isal_inflate_init(z);
	z->crc_flag = ISAL_GZIP;
	int rc = 0;
	for (;;) {
		if (z->avail_in == 0) {
			if (!fill(f))
				break;
			z->next_in = f->in;
			z->avail_in = (uint32_t)f->in_len;
		}
		z->next_out = out;
		z->avail_out = OUT_BLOCK;
		if (isal_inflate(z) < 0) {
			rc = 1;
			break;
		}
		touch(f, out, OUT_BLOCK - z->avail_out);
		if (z->block_state == ISAL_BLOCK_FINISH) { /* the next member, if any */
			uint8_t *next = z->next_in;
			uint32_t left = z->avail_in;
			isal_inflate_reset(z);
			z->crc_flag = ISAL_GZIP;
			z->next_in = next;
			z->avail_in = left;
		}
	}
	free(z);
	return rc;
}

static int xz_floor(floor_t *f, unsigned char *out)
{
	lzma_stream x = LZMA_STREAM_INIT;
	if (lzma_stream_decoder(&x, UINT64_MAX, LZMA_CONCATENATED | LZMA_IGNORE_CHECK) != LZMA_OK)
		return 1;
	lzma_ret r = LZMA_OK;
	while (r == LZMA_OK) {
		if (x.avail_in == 0 && !f->in_eof) {
			fill(f);
			x.next_in = f->in;
			x.avail_in = f->in_len;
		}
		x.next_out = out;
		x.avail_out = OUT_BLOCK;
		r = lzma_code(&x, f->in_eof ? LZMA_FINISH : LZMA_RUN);
		touch(f, out, OUT_BLOCK - x.avail_out);
	}
	lzma_end(&x);
	return r != LZMA_STREAM_END;
}

static int bzip2_floor(floor_t *f, unsigned char *out)
{
	bz_stream b = {0};
	if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK)
		return 1;
	int r = BZ_OK;
	for (;;) {
		if (b.avail_in == 0 && !fill(f))
			break;
		if (b.avail_in == 0) {
			b.next_in = (char *)f->in;
			b.avail_in = (unsigned)f->in_len;
		}
		b.next_out = (char *)out;
		b.avail_out = OUT_BLOCK;
		r = BZ2_bzDecompress(&b);
		touch(f, out, OUT_BLOCK - b.avail_out);
		if (r == BZ_STREAM_END) { /* the next stream, if any (pbzip2) */
			BZ2_bzDecompressEnd(&b);
			char *next = b.next_in;
			unsigned left = b.avail_in;
			memset(&b, 0, sizeof b);
			if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK)
				return 1;
			b.next_in = next;
			b.avail_in = left;
		} else if (r != BZ_OK) {
			break;
		}
	}
	BZ2_bzDecompressEnd(&b);
	return r != BZ_OK && r != BZ_STREAM_END;
}

static int plain_floor(floor_t *f, unsigned char *out)
{
	ssize_t k;
	while ((k = read(f->fd, out, OUT_BLOCK)) > 0)
		touch(f, out, (size_t)k);
	return k < 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: trace-codec-only FILE\n", stderr);
		return 2;
	}
	floor_t f = {.fd = open(argv[1], O_RDONLY), .in = malloc(IN_BLOCK)};
	unsigned char *out = malloc(OUT_BLOCK);
	struct stat st;
	if (f.fd < 0 || fstat(f.fd, &st) != 0 || !f.in || !out) {
		perror(argv[1]);
		return 1;
	}
	unsigned char magic[6] = {0};
	ssize_t got = pread(f.fd, magic, sizeof magic, 0);
	const char *codec = "none";
	int rc;
	if (got >= 2 && !memcmp(magic, "\x1f\x8b", 2)) {
		codec = "gzip";
		rc = gzip_floor(&f, out);
	} else if (got >= 6 && !memcmp(magic,
	                               "\xfd"
	                               "7zXZ\0",
	                               6)) {
		codec = "xz";
		rc = xz_floor(&f, out);
	} else if (got >= 3 && !memcmp(magic, "BZh", 3)) {
		codec = "bzip2";
		rc = bzip2_floor(&f, out);
	} else {
		rc = plain_floor(&f, out);
	}
	if (rc) {
		fprintf(stderr, "trace-codec-only: %s: cannot be read as %s\n", argv[1], codec);
		return 1;
	}
	printf("codec %s bytes %" PRIu64 " sum %016" PRIx64 "\n", codec, f.bytes, f.sum);
	return 0;
}
