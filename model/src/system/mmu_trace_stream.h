#ifndef MMU_TRACE_STREAM_H
#define MMU_TRACE_STREAM_H

/*
 * The bytes of a trace file, decompressed: gzip (ISA-L), xz (liblzma), bzip2 (libbz2) or none, decided from the
 * first bytes of the file, never from its name. Concatenated streams (pigz, pxz, pbzip2 output) are read whole. Every
 * reader reads through it, except where an uncompressed file is mapped (mmu_trace.c, trace_stream_map).
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
 * end), or a negative error code with msg set ("FILE: truncated or corrupt xz data (...)").
 */
long trace_stream_read(trace_stream_t *s, void *buf, size_t n, char *msg, size_t msglen);

/*
 * An uncompressed regular file mapped whole instead of read, for a reader that parses in place (no copy): its
 * content in *base, *size bytes. Returns whether it was mapped; not for a compressed file, a pipe or an empty file,
 * nor after trace_stream_read. The reader then reports its progress through trace_stream_mapped_parsed.
 */
bool trace_stream_map(trace_stream_t *s, const unsigned char **base, size_t *size);
/*
 * The reader of a mapped file has parsed its first upto bytes (upto never decreases): whole pages before it are added
 * to the CRC and dropped from the process (they stay in the page cache), so that memory does not grow with the
 * trace; at the end of the content (upto = size) the rest is added.
 */
void trace_stream_mapped_parsed(trace_stream_t *s, size_t upto);

const char *trace_stream_name(const trace_stream_t *s);   /* the path, or "<stdin>" */
const char *trace_stream_codec(const trace_stream_t *s);  /* "gzip", "xz", "bzip2" or "none" */
uint64_t trace_stream_in_bytes(const trace_stream_t *s);  /* file bytes consumed so far (progress) */
uint64_t trace_stream_file_size(const trace_stream_t *s); /* 0 when unknown (a pipe) */
uint64_t trace_stream_out_bytes(const trace_stream_t *s); /* content bytes delivered so far */
uint32_t trace_stream_crc32(const trace_stream_t *s);     /* CRC-32 (zlib's) of the content delivered so far */

#endif
