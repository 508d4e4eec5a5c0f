/*
 * The trace reader's CRC-32 (mmu_crc32) against zlib's crc32, the reference gzip itself uses: every length from 0 to
 * 2100 bytes at four alignments, with and without a running value, and a long buffer, all of pseudo-random bytes.
 */
#include <criterion/criterion.h>

#include <stdlib.h>
#include <zlib.h>

#include "mmu_crc32.h"

TestSuite(mmu_crc32);

static unsigned char *random_bytes(size_t n)
{
	unsigned char *b = malloc(n);
	cr_assert(b);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		b[i] = (unsigned char)(x >> 16);
	}
	return b;
}

Test(mmu_crc32, equals_zlib_for_every_short_length_and_alignment)
{
	unsigned char *b = random_bytes(4096);
	for (size_t len = 0; len <= 2100; len++) {
		for (size_t off = 0; off < 4; off++) {
			uint32_t start = len % 3 ? (uint32_t)(len * 2654435761u) : 0;
			uint32_t want = (uint32_t)crc32_z(start, b + off, len);
			uint32_t got = mmu_crc32(start, b + off, len);
			cr_assert_eq(got, want, "length %zu, offset %zu: %08x, zlib %08x", len, off, got, want);
		}
	}
	free(b);
}

Test(mmu_crc32, equals_zlib_for_a_long_buffer_in_pieces)
{
	size_t n = (size_t)3 << 20;
	unsigned char *b = random_bytes(n);
	uint32_t want = (uint32_t)crc32_z(0, b, n);
	cr_expect_eq(mmu_crc32(0, b, n), want);
	uint32_t pieces = mmu_crc32(0, b, 1000003);
	pieces = mmu_crc32(pieces, b + 1000003, n - 1000003);
	cr_expect_eq(pieces, want);
	free(b);
}

Test(mmu_crc32, known_value)
{
	/* the CRC-32 check value of the ASCII digits 1 to 9 (ISO 3309 / ITU-T V.42) */
	cr_expect_eq(mmu_crc32(0, "123456789", 9), 0xcbf43926u);
}
