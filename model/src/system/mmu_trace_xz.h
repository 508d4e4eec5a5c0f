#ifndef MMU_TRACE_XZ_H
#define MMU_TRACE_XZ_H

/*
 * The .xz container (streams of blocks, an index and a footer each, concatenated, with stream padding between them)
 * read here, each block's LZMA2 data decoded by liblzma's block decoder. Why not liblzma's stream decoder: it checks a
 * block's CRC-64 (or CRC-32) with its own table-driven code, which took a third of the time of decoding a ChampSim
 * trace (about 5 ns of 17 per reference); the check is computed here by ISA-L (carry-less multiplication) and
 * compared with the block's, so every check is still verified. Other checks (SHA-256) are left to liblzma.
 * What it accepts and refuses, and the liblzma codes it returns, are those of lzma_stream_decoder with
 * LZMA_CONCATENATED: the stream and block headers, the index and the footer are decoded and validated by liblzma's
 * own functions, in the order its stream decoder uses them.
 */
#include <lzma.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct trace_xz trace_xz_t;

/* NULL when out of memory. */
trace_xz_t *trace_xz_new(void);
void trace_xz_free(trace_xz_t *x);

/*
 * As lzma_code on a concatenated-stream decoder: decodes from in[*in_pos, in_size) into out[*out_pos, out_size),
 * advancing both. finish: no input follows what is given. Returns LZMA_OK (more input or more room is needed),
 * LZMA_STREAM_END (finish given and the last stream is complete), or liblzma's error code.
 */
lzma_ret trace_xz_code(trace_xz_t *x, const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out, size_t *out_pos,
                       size_t out_size, bool finish);

#endif
