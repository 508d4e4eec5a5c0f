/*
 * The trace readers (model/src/system/mmu_trace.c) on arbitrary bytes, in every format, plain and gzip-compressed.
 * Input: one control byte, then the file. Control bits 0-1: format (auto, lackey, text; with bit 7: champsim,
 * champsim-cloudsuite, din, read by mmu_trace_champsim.c and mmu_trace_din.c); bit 2: the harness gzips the
 * file first (the decompressor then sees well-formed streams of arbitrary text; without it, a file starting with the
 * gzip magic exercises truncated and corrupt streams); bits 3-5: records asked per read (1, 7, 64, ...); bit 6: the
 * file is repeated past the reader's 1 MiB block, so lines are cut at block ends.
 * Properties: never a crash; every record well formed; every error a message "NAME:..." that stays the same on the
 * next read (sticky); line numbers never decrease.
 */
#include <string.h>
#include <zlib.h>

#include "fuzz_common.h"
#include "mmu/mmu_error.h"
#include "mmu/mmu_trace.h"

#define BIG (UINT64_C(1) << 20) + 6000

static uint8_t *gzip_bytes(const uint8_t *data, size_t size, size_t *out_len)
{
	z_stream z = {0};
	FUZZ_CHECK(deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
	size_t cap = deflateBound(&z, size) + 64;
	uint8_t *out = malloc(cap);
	FUZZ_CHECK(out, "out of memory");
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)size;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END, "deflate");
	*out_len = z.total_out;
	deflateEnd(&z);
	return out;
}

static uint8_t *repeat(const uint8_t *data, size_t size, size_t *out_len)
{
	size_t n = size ? (BIG + size - 1) / size * size : 0;
	uint8_t *out = malloc(n ? n : 1);
	FUZZ_CHECK(out, "out of memory");
	for (size_t at = 0; at < n; at += size)
		memcpy(out + at, data, size);
	*out_len = n;
	return out;
}

static void check_record(const mmu_trace_rec_t *r, mmu_trace_format_t fmt)
{
	FUZZ_CHECK(r->kind <= MMU_REF_MODIFY, "kind %u", r->kind);
	FUZZ_CHECK(r->size >= 1, "size 0");
	if (fmt == MMU_TRACE_TEXT)
		FUZZ_CHECK(r->size == 1 && r->kind != MMU_REF_MODIFY, "text record size %u kind %u", r->size, r->kind);
	else if (fmt == MMU_TRACE_CHAMPSIM || fmt == MMU_TRACE_CLOUDSUITE)
		FUZZ_CHECK(r->size == 1 && r->vaddr != 0 && r->pid <= (fmt == MMU_TRACE_CHAMPSIM ? 1u : 255u),
		           "ChampSim record size %u vaddr %#llx pid %u", r->size, (unsigned long long)r->vaddr, r->pid);
	else
		FUZZ_CHECK(r->pid == 1, "lackey record with pid %u", r->pid);
}

static void read_all(mmu_trace_t *t, const char *path, size_t per_read)
{
	static mmu_trace_rec_t recs[4096];
	char msg[600], again[600];
	uint64_t last_line = 0;
	for (;;) {
		long n = mmu_trace_read(t, recs, per_read, msg, sizeof msg);
		FUZZ_CHECK(n <= (long)per_read, "read %ld > %zu", n, per_read);
		uint64_t line = mmu_trace_line(t);
		FUZZ_CHECK(line >= last_line, "line went back from %llu to %llu", (unsigned long long)last_line,
		           (unsigned long long)line);
		last_line = line;
		if (n == 0)
			return;
		if (n < 0) {
			FUZZ_CHECK(n == MMU_EFORMAT || n == MMU_EIO || n == MMU_ENOMEM, "error %ld", n);
			FUZZ_CHECK(!strncmp(msg, path, strlen(path)) && msg[strlen(path)] == ':', "message '%s'", msg);
			long m = mmu_trace_read(t, recs, per_read, again, sizeof again);
			FUZZ_CHECK(m == n && !strcmp(msg, again), "error not sticky: '%s' then %ld '%s'", msg, m,
			           again);
			return;
		}
		for (long i = 0; i < n; i++)
			check_record(&recs[i], mmu_trace_format(t));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const size_t per_read[8] = {1, 7, 64, 4096, 2, 3, 1000, 4095};
	uint8_t ctl = data[0];
	mmu_trace_format_t fmt = (mmu_trace_format_t)((ctl & 3) % 3 + (ctl & 0x80 ? 3 : 0));
	const uint8_t *body = data + 1;
	size_t len = size - 1;
	uint8_t *big = NULL, *gz = NULL;
	if ((ctl & 0x40) && len) {
		big = repeat(body, len, &len);
		body = big;
	}
	if (ctl & 4) {
		gz = gzip_bytes(body, len, &len);
		body = gz;
	}
	const char *path = fuzz_file(body, len);
	char msg[600];
	mmu_trace_t *t = NULL;
	int rc = mmu_trace_open(path, fmt, &t, msg, sizeof msg);
	if (rc == 0) {
		FUZZ_CHECK(t && (fmt == MMU_TRACE_AUTO || mmu_trace_format(t) == fmt), "format");
		read_all(t, path, per_read[(ctl >> 3) & 7]);
		mmu_trace_close(t);
	} else {
		FUZZ_CHECK(!t, "a trace returned with an error");
		FUZZ_CHECK(!strncmp(msg, path, strlen(path)), "open error without the file name: '%s'", msg);
	}
	free(big);
	free(gz);
	return 0;
}
