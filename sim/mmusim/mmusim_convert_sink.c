/* Compressed output for mmusim convert: xz (liblzma) or gzip (zlib) onto the whole-or-nothing output file. */
#include <errno.h>
#include <lzma.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mmusim_convert.h"

enum { SINK_BUF = 1 << 16, XZ_PRESET = 2 /* ChampSim records compress well even at a fast preset */ };

typedef enum { SINK_NONE, SINK_XZ, SINK_GZIP } sink_codec_t;

struct convert_sink {
	FILE *f;
	sink_codec_t codec;
	lzma_stream x;
	z_stream z;
	unsigned char out[SINK_BUF];
};

convert_sink_t *convert_sink_open(FILE *f, const char *codec)
{
	convert_sink_t *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->f = f;
	s->x = (lzma_stream)LZMA_STREAM_INIT;
	bool ok = true;
	if (!strcmp(codec, "xz")) {
		s->codec = SINK_XZ;
		ok = lzma_easy_encoder(&s->x, XZ_PRESET, LZMA_CHECK_CRC64) == LZMA_OK;
	} else if (!strcmp(codec, "gzip")) {
		s->codec = SINK_GZIP;
		ok = deflateInit2(&s->z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
	}
	if (!ok) {
		lzma_end(&s->x);
		free(s);
		return NULL;
	}
	return s;
}

static int put(convert_sink_t *s, size_t n)
{
	return n && fwrite(s->out, 1, n, s->f) != n ? -1 : 0;
}

/* Runs the codec over [p, p + n) with action finish or not; writes what it produces. */
static int pump(convert_sink_t *s, const void *p, size_t n, bool finish)
{
	if (s->codec == SINK_XZ) {
		s->x.next_in = p;
		s->x.avail_in = n;
		for (;;) {
			s->x.next_out = s->out;
			s->x.avail_out = SINK_BUF;
			lzma_ret r = lzma_code(&s->x, finish ? LZMA_FINISH : LZMA_RUN);
			if (put(s, SINK_BUF - s->x.avail_out))
				return -1;
			if (r == LZMA_STREAM_END)
				return 0;
			if (r != LZMA_OK) {
				errno = r == LZMA_MEM_ERROR ? ENOMEM : EIO;
				return -1;
			}
			if (!finish && s->x.avail_in == 0 && s->x.avail_out != 0)
				return 0;
		}
	}
	s->z.next_in = (Bytef *)(uintptr_t)p;
	s->z.avail_in = (uInt)n;
	for (;;) {
		s->z.next_out = s->out;
		s->z.avail_out = SINK_BUF;
		int r = deflate(&s->z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (put(s, SINK_BUF - s->z.avail_out))
			return -1;
		if (r == Z_STREAM_END)
			return 0;
		if (r != Z_OK && r != Z_BUF_ERROR) {
			errno = EIO;
			return -1;
		}
		if (!finish && s->z.avail_in == 0 && s->z.avail_out != 0)
			return 0;
	}
}

int convert_sink_write(convert_sink_t *s, const void *p, size_t n)
{
	if (s->codec == SINK_NONE)
		return fwrite(p, 1, n, s->f) == n ? 0 : -1;
	return pump(s, p, n, false);
}

int convert_sink_close(convert_sink_t *s)
{
	int rc = s->codec == SINK_NONE ? 0 : pump(s, NULL, 0, true);
	lzma_end(&s->x);
	if (s->codec == SINK_GZIP)
		deflateEnd(&s->z);
	free(s);
	return rc;
}
