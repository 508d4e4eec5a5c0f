/*
 * CRC-32 by carry-less multiplication: the data is folded 64 bytes at a time into four 128-bit remainders, those into
 * one, and the last 128 bits reduced to 32 (folding by x^k mod P, then a Barrett reduction). The method is Intel's
 * "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ Instruction" (Gopal et al., 2009), for the
 * bit-reflected polynomial. Each constant is x^k mod P for the k of its fold, bit-reflected and shifted as that paper
 * describes; the unit tests hold the result against zlib's crc32 for many lengths and alignments.
 */
#include "mmu_crc32.h"

#include <zlib.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define FOLD_TARGET __attribute__((target("pclmul,sse2")))

static const uint64_t k_fold4_lo = UINT64_C(0x154442bd4); /* x^(4*128+32) mod P: folds 512 bits ahead */
static const uint64_t k_fold4_hi = UINT64_C(0x1c6e41596); /* x^(4*128-32) mod P */
static const uint64_t k_fold1_lo = UINT64_C(0x1751997d0); /* x^(128+32) mod P: folds 128 bits ahead */
static const uint64_t k_fold1_hi = UINT64_C(0x0ccaa009e); /* x^(128-32) mod P */
static const uint64_t k_fold64 = UINT64_C(0x163cd6124);   /* x^64 mod P: 64 bits to 32 */
static const uint64_t k_poly = UINT64_C(0x1db710641);     /* P, reflected, with its x^32 term */
static const uint64_t k_mu = UINT64_C(0x1f7011641);       /* floor(x^64 / P), reflected: Barrett's quotient */

/* x folded forward over 128 bits of data d: the low half times lo, the high half times hi, plus d. */
FOLD_TARGET static inline __m128i fold(__m128i x, __m128i k, __m128i d)
{
	__m128i a = _mm_clmulepi64_si128(x, k, 0x00), b = _mm_clmulepi64_si128(x, k, 0x11);
	return _mm_xor_si128(_mm_xor_si128(a, b), d);
}

/* len >= 64, a multiple of 16. crc is the inverted running value (zlib's ~crc). */
FOLD_TARGET static uint32_t crc_fold(uint32_t crc, const unsigned char *p, size_t len)
{
	const __m128i *v = (const __m128i *)(const void *)p;
	__m128i x0 = _mm_xor_si128(_mm_loadu_si128(v), _mm_cvtsi32_si128((int)crc));
	__m128i x1 = _mm_loadu_si128(v + 1), x2 = _mm_loadu_si128(v + 2), x3 = _mm_loadu_si128(v + 3);
	v += 4;
	len -= 64;
	__m128i k4 = _mm_set_epi64x((long long)k_fold4_hi, (long long)k_fold4_lo);
	for (; len >= 64; len -= 64, v += 4) {
		x0 = fold(x0, k4, _mm_loadu_si128(v));
		x1 = fold(x1, k4, _mm_loadu_si128(v + 1));
		x2 = fold(x2, k4, _mm_loadu_si128(v + 2));
		x3 = fold(x3, k4, _mm_loadu_si128(v + 3));
	}
	__m128i k1 = _mm_set_epi64x((long long)k_fold1_hi, (long long)k_fold1_lo);
	__m128i x = fold(fold(fold(x0, k1, x1), k1, x2), k1, x3);
	for (; len >= 16; len -= 16, v++)
		x = fold(x, k1, _mm_loadu_si128(v));
	/* 128 bits to 64: the low half folded onto the high half (times x^(128-32) mod P) */
	__m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
	x = _mm_xor_si128(_mm_clmulepi64_si128(x, k1, 0x10), _mm_srli_si128(x, 8));
	/* 64 bits to 32 */
	__m128i k64 = _mm_set_epi64x(0, (long long)k_fold64);
	x = _mm_xor_si128(_mm_clmulepi64_si128(_mm_and_si128(x, mask32), k64, 0x00), _mm_srli_si128(x, 4));
	/* Barrett: q = (x mod x^32) * mu, then x + (q mod x^32) * P; the remainder is in bits 32..63 */
	__m128i kb = _mm_set_epi64x((long long)k_mu, (long long)k_poly);
	__m128i q = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), kb, 0x10);
	q = _mm_clmulepi64_si128(_mm_and_si128(q, mask32), kb, 0x00);
	x = _mm_xor_si128(x, q);
	return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x, 4));
}

static int have_clmul(void)
{
	static int known = -1;
	if (known < 0) {
		__builtin_cpu_init();
		known = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
	}
	return known;
}

uint32_t mmu_crc32(uint32_t crc, const void *data, size_t len)
{
	const unsigned char *p = data;
	if (len >= 256 && have_clmul()) {
		size_t whole = len & ~(size_t)15;
		crc = ~crc_fold(~crc, p, whole);
		p += whole;
		len -= whole;
	}
	return (uint32_t)crc32_z(crc, p, len);
}

#else

uint32_t mmu_crc32(uint32_t crc, const void *data, size_t len)
{
	return (uint32_t)crc32_z(crc, data, len);
}

#endif
