#ifndef MMUSIM_CONVERT_H
#define MMUSIM_CONVERT_H

#include <stdint.h>
#include <stdio.h>

/* mmusim convert --to champsim|champsim-cloudsuite [--trace IN] [--format F] [--compress C] [--force] OUT */
int cmd_convert(int argc, char **argv);

/* A compressing writer onto a FILE (mmusim_convert_sink.c): xz, gzip or none. */
typedef struct convert_sink convert_sink_t;
/* codec: "xz", "gzip" or "none". Returns NULL when out of memory or the codec cannot start. */
convert_sink_t *convert_sink_open(FILE *f, const char *codec);
/* 0, or -1 (errno set, EIO for a codec error). */
int convert_sink_write(convert_sink_t *s, const void *p, size_t n);
/* Ends the compressed stream and frees the sink (always); 0 or -1 as convert_sink_write. */
int convert_sink_close(convert_sink_t *s);

#endif
