/*
 * CRC-32 (zlib's crc32: the reflected polynomial 0xEDB88320, inverted before and after) for the trace streams.
 *
 * ChampSim records are about 46 content bytes per reference against lackey's 14, so a byte-at-a-time CRC would cost
 * the binary reader more than all its decoding. Where the CPU has carry-less multiplication (x86-64 PCLMULQDQ), the
 * buffer is folded 64 bytes at a time into one 128-bit remainder (Gopal et al., "Fast CRC Computation for Generic
 * Polynomials Using PCLMULQDQ Instruction", Intel, 2009): each fold multiplies a 128-bit lane by x^D mod P for the
 * distance D it moves forward, which keeps the whole message's remainder modulo P. The 16 bytes left are a message
 * with the same CRC, which zlib finishes together with the bytes after the last whole 16-byte block.
 */
#include "mmu_trace_stream.h"

#include <stdbool.h>
#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

/* x^D mod P for the fold distances, bit-reflected as the algorithm wants (lane low qword, lane high qword). */
#define K_FOLD4_LO 0x154442bd4ULL /* 512 bits forward: four lanes */
#define K_FOLD4_HI 0x1c6e41596ULL
#define K_FOLD1_LO 0x1751997d0ULL /* 128 bits forward: one lane */
#define K_FOLD1_HI 0x0ccaa009eULL

__attribute__((target("pclmul,sse2"))) static inline __m128i fold(__m128i x, __m128i k, __m128i next)
{
	__m128i lo = _mm_clmulepi64_si128(x, k, 0x00);
	__m128i hi = _mm_clmulepi64_si128(x, k, 0x11);
	return _mm_xor_si128(_mm_xor_si128(lo, hi), next);
}

/* n >= 64: the CRC of the first n & ~15 bytes (zlib's convention), the rest left to the caller. */
__attribute__((target("pclmul,sse2"))) static uint32_t crc_folded(uint32_t crc, const unsigned char *p, size_t n)
{
	const __m128i *v = (const __m128i *)(const void *)p;
	__m128i x1 = _mm_loadu_si128(v), x2 = _mm_loadu_si128(v + 1);
	__m128i x3 = _mm_loadu_si128(v + 2), x4 = _mm_loadu_si128(v + 3);
	x1 = _mm_xor_si128(x1, _mm_cvtsi32_si128((int)~crc));
	v += 4;
	n -= 64;
	__m128i k = _mm_set_epi64x((long long)K_FOLD4_HI, (long long)K_FOLD4_LO);
	for (; n >= 64; n -= 64, v += 4) {
		x1 = fold(x1, k, _mm_loadu_si128(v));
		x2 = fold(x2, k, _mm_loadu_si128(v + 1));
		x3 = fold(x3, k, _mm_loadu_si128(v + 2));
		x4 = fold(x4, k, _mm_loadu_si128(v + 3));
	}
	k = _mm_set_epi64x((long long)K_FOLD1_HI, (long long)K_FOLD1_LO);
	x1 = fold(fold(fold(x1, k, x2), k, x3), k, x4);
	for (; n >= 16; n -= 16, v++)
		x1 = fold(x1, k, _mm_loadu_si128(v));
	unsigned char rest[16];
	_mm_storeu_si128((__m128i *)(void *)rest, x1);
	/* the 16 bytes as a message of their own, with neither inversion: zlib's crc32 from ~0 gives ~that */
	return (uint32_t)crc32(0xffffffffUL, rest, 16);
}

static bool has_clmul(void)
{
	static int known = -1;
	if (known < 0)
		known = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
	return known;
}
#endif

uint32_t trace_crc32(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;
#if defined(__x86_64__) && defined(__GNUC__)
	if (n >= 256 && has_clmul()) {
		size_t whole = n & ~(size_t)15;
		crc = crc_folded(crc, p, whole);
		p += whole;
		n -= whole;
	}
#endif
	while (n > 0) { /* zlib takes a uInt length */
		uInt part = n > (1u << 30) ? 1u << 30 : (uInt)n;
		crc = (uint32_t)crc32(crc, p, part);
		p += part;
		n -= part;
	}
	return crc;
}
