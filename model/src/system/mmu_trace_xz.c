/* The .xz container around liblzma's block decoder, each block's check computed by ISA-L (mmu_trace_xz.h). */
#include "mmu_trace_xz.h"

#include <isa-l/crc.h>
#include <isa-l/crc64.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
	XZ_STREAM_HEADER, /* 12 bytes: magic, flags, their CRC-32 */
	XZ_BLOCK_START,   /* a block header's size byte, or 0: the index follows */
	XZ_BLOCK_HEADER,  /* the rest of the block header */
	XZ_BLOCK,         /* the block's data, padding and check, through liblzma's block decoder */
	XZ_INDEX,         /* the index, held against the blocks decoded */
	XZ_STREAM_FOOTER, /* 12 bytes: CRC-32, index size, flags, magic */
	XZ_PADDING,       /* zero bytes in fours, then another stream or the end */
	XZ_DONE,
} xz_state_t;

struct trace_xz {
	xz_state_t state;
	bool first_stream;
	uint8_t head[LZMA_BLOCK_HEADER_SIZE_MAX]; /* a header or footer being gathered */
	size_t head_len, head_want;
	size_t padding;
	lzma_stream_flags flags;
	lzma_block block;
	lzma_filter filters[LZMA_FILTERS_MAX + 1];
	lzma_stream dec;      /* the block decoder */
	bool own_check;       /* the block's check is computed here (CRC-32 or CRC-64), not by liblzma */
	uint64_t check;       /* its running value */
	lzma_index_hash *idx; /* the blocks' sizes, held against the index */
};

trace_xz_t *trace_xz_new(void)
{
	trace_xz_t *x = calloc(1, sizeof *x);
	if (!x)
		return NULL;
	x->dec = (lzma_stream)LZMA_STREAM_INIT;
	x->idx = lzma_index_hash_init(NULL, NULL);
	if (!x->idx) {
		free(x);
		return NULL;
	}
	x->state = XZ_STREAM_HEADER;
	x->first_stream = true;
	x->head_want = LZMA_STREAM_HEADER_SIZE;
	return x;
}

void trace_xz_free(trace_xz_t *x)
{
	if (!x)
		return;
	lzma_end(&x->dec);
	lzma_index_hash_end(x->idx, NULL);
	free(x);
}

/* Gathers head_want bytes into head; whether they are all there. */
static bool gather(trace_xz_t *x, const uint8_t *in, size_t *in_pos, size_t in_size)
{
	size_t k = x->head_want - x->head_len;
	if (k > in_size - *in_pos)
		k = in_size - *in_pos;
	memcpy(x->head + x->head_len, in + *in_pos, k);
	x->head_len += k;
	*in_pos += k;
	return x->head_len == x->head_want;
}

static void expect(trace_xz_t *x, xz_state_t state, size_t bytes)
{
	x->state = state;
	x->head_len = 0;
	x->head_want = bytes;
}

static lzma_ret start_block(trace_xz_t *x)
{
	x->block = (lzma_block){.version = 1, .check = x->flags.check, .filters = x->filters};
	x->block.header_size = x->head_want;
	lzma_ret r = lzma_block_header_decode(&x->block, NULL, x->head);
	if (r != LZMA_OK)
		return r;
	x->own_check = x->flags.check == LZMA_CHECK_CRC32 || x->flags.check == LZMA_CHECK_CRC64;
	x->block.ignore_check = x->own_check;
	x->check = 0;
	r = lzma_block_decoder(&x->dec, &x->block);
	/* the filters' options are copied by the decoder (as liblzma's stream decoder frees them here too) */
	for (size_t i = 0; x->filters[i].id != LZMA_VLI_UNKNOWN; i++) {
		free(x->filters[i].options);
		x->filters[i].options = NULL;
	}
	return r;
}

/* The check stored after the block's data against the one computed of its content (both little-endian). */
static bool check_matches(const trace_xz_t *x)
{
	size_t size = x->flags.check == LZMA_CHECK_CRC32 ? 4 : 8;
	for (size_t i = 0; i < size; i++)
		if (x->block.raw_check[i] != (uint8_t)(x->check >> (8 * i)))
			return false;
	return true;
}

static lzma_ret block_data(trace_xz_t *x, const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out,
                           size_t *out_pos, size_t out_size, bool finish)
{
	x->dec.next_in = in + *in_pos;
	x->dec.avail_in = in_size - *in_pos;
	x->dec.next_out = out + *out_pos;
	x->dec.avail_out = out_size - *out_pos;
	lzma_ret r = lzma_code(&x->dec, finish ? LZMA_FINISH : LZMA_RUN);
	size_t made = out_size - *out_pos - x->dec.avail_out;
	if (x->own_check && made) {
		if (x->flags.check == LZMA_CHECK_CRC32)
			x->check = crc32_gzip_refl((uint32_t)x->check, out + *out_pos, made);
		else
			x->check = crc64_ecma_refl(x->check, out + *out_pos, made);
	}
	*in_pos = in_size - x->dec.avail_in;
	*out_pos += made;
	if (r != LZMA_STREAM_END)
		return r;
	if (x->own_check && !check_matches(x))
		return LZMA_DATA_ERROR;
	r = lzma_index_hash_append(x->idx, lzma_block_unpadded_size(&x->block), x->block.uncompressed_size);
	if (r != LZMA_OK)
		return r;
	x->state = XZ_BLOCK_START;
	return LZMA_OK;
}

static lzma_ret stream_footer(trace_xz_t *x)
{
	lzma_stream_flags footer;
	lzma_ret r = lzma_stream_footer_decode(&footer, x->head);
	if (r != LZMA_OK) /* no footer magic: corrupt data, not another format */
		return r == LZMA_FORMAT_ERROR ? LZMA_DATA_ERROR : r;
	if (lzma_index_hash_size(x->idx) != footer.backward_size)
		return LZMA_DATA_ERROR;
	return lzma_stream_flags_compare(&x->flags, &footer);
}

lzma_ret trace_xz_code(trace_xz_t *x, const uint8_t *in, size_t *in_pos, size_t in_size, uint8_t *out, size_t *out_pos,
                       size_t out_size, bool finish)
{
	/* a piece of the container not all there: more input, or (finish) the file ends inside it */
	const lzma_ret short_input = finish ? LZMA_BUF_ERROR : LZMA_OK;
	lzma_ret r;
	for (;;) {
		switch (x->state) {
		case XZ_STREAM_HEADER:
			if (!gather(x, in, in_pos, in_size))
				return short_input;
			r = lzma_stream_header_decode(&x->flags, x->head);
			if (r != LZMA_OK) /* after a first stream, bytes that are not another one are corrupt data */
				return r == LZMA_FORMAT_ERROR && !x->first_stream ? LZMA_DATA_ERROR : r;
			x->idx = lzma_index_hash_init(x->idx, NULL);
			if (!x->idx)
				return LZMA_MEM_ERROR;
			x->state = XZ_BLOCK_START;
			break;
		case XZ_BLOCK_START:
			if (*in_pos == in_size)
				return short_input;
			if (in[*in_pos] == 0) {
				x->state = XZ_INDEX;
				break;
			}
			expect(x, XZ_BLOCK_HEADER, lzma_block_header_size_decode(in[*in_pos]));
			break;
		case XZ_BLOCK_HEADER:
			if (!gather(x, in, in_pos, in_size))
				return short_input;
			r = start_block(x);
			if (r != LZMA_OK)
				return r;
			x->state = XZ_BLOCK;
			break;
		case XZ_BLOCK:
			if (*out_pos == out_size)
				return LZMA_OK;
			r = block_data(x, in, in_pos, in_size, out, out_pos, out_size, finish);
			if (r != LZMA_OK || x->state == XZ_BLOCK)
				return r;
			break;
		case XZ_INDEX:
			if (*in_pos == in_size)
				return short_input;
			r = lzma_index_hash_decode(x->idx, in, in_pos, in_size);
			if (r == LZMA_OK)
				return short_input;
			if (r != LZMA_STREAM_END)
				return r;
			expect(x, XZ_STREAM_FOOTER, LZMA_STREAM_HEADER_SIZE);
			break;
		case XZ_STREAM_FOOTER:
			if (!gather(x, in, in_pos, in_size))
				return short_input;
			r = stream_footer(x);
			if (r != LZMA_OK)
				return r;
			x->state = XZ_PADDING;
			x->padding = 0;
			break;
		case XZ_PADDING:
			while (*in_pos < in_size && in[*in_pos] == 0) {
				(*in_pos)++;
				x->padding++;
			}
			if (*in_pos == in_size) {
				if (!finish)
					return LZMA_OK;
				if (x->padding % 4)
					return LZMA_DATA_ERROR;
				x->state = XZ_DONE;
				return LZMA_STREAM_END;
			}
			if (x->padding % 4)
				return LZMA_DATA_ERROR;
			x->first_stream = false;
			expect(x, XZ_STREAM_HEADER, LZMA_STREAM_HEADER_SIZE);
			break;
		case XZ_DONE:
			return LZMA_STREAM_END;
		}
	}
}
