#ifndef MMU_TRACE_STREAM_H
#define MMU_TRACE_STREAM_H

/*
 * The bytes of a trace file, decompressed: gzip (ISA-L), xz (liblzma), bzip2 (libbz2) or none, decided from the
 * first bytes of the file, never from its name. Concatenated streams (pigz, pxz, pbzip2 output) are read whole. Every
 * reader reads through it, in blocks into a buffer of its own that it reuses: an uncompressed file too (read rather
 * than mapped: on a virtual machine, mapping each page of a file costs more than copying it, README "Speed").
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct trace_stream trace_stream_t;

/* Opens path ("-" is standard input). Returns 0, or a negative error code with msg set ("FILE: why"). */
int trace_stream_open(const char *path, trace_stream_t **out, char *msg, size_t msglen);
void trace_stream_close(trace_stream_t *s);

/*
 * Reads up to n bytes of content into buf: fewer only at the end of the input. Returns the number read (0 at the
 * end), or a negative error code with msg set ("FILE: truncated or corrupt xz data (...)"; a regular file that
 * ends before the size it had when opened: "FILE: the file became shorter while it was read (...)").
 */
long trace_stream_read(trace_stream_t *s, void *buf, size_t n, char *msg, size_t msglen);

const char *trace_stream_name(const trace_stream_t *s);   /* the path, or "<stdin>" */
const char *trace_stream_codec(const trace_stream_t *s);  /* "gzip", "xz", "bzip2" or "none" */
uint64_t trace_stream_in_bytes(const trace_stream_t *s);  /* file bytes consumed so far (progress) */
uint64_t trace_stream_file_size(const trace_stream_t *s); /* 0 when unknown (a pipe) */
uint64_t trace_stream_out_bytes(const trace_stream_t *s); /* content bytes delivered so far */
uint32_t trace_stream_crc32(const trace_stream_t *s);     /* CRC-32 (zlib's) of the content delivered so far */

#endif
