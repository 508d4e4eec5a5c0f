#ifndef MMU_RNG_H
#define MMU_RNG_H

#include <stdint.h>

/*
 * splitmix64 (Steele, Lea, Flood 2014): the one generator of the model's random choices outside the TLB LFSRs.
 * Documented in docs/timing.md (rule M5) so that any other implementation can reproduce the same draws.
 */
static inline uint64_t mmu_rng_next(uint64_t *state)
{
	uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [lo, hi] (modulo reduction: the bias is far below anything a latency distribution can show). */
static inline uint32_t mmu_rng_range(uint64_t *state, uint32_t lo, uint32_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (uint32_t)(mmu_rng_next(state) % ((uint64_t)hi - lo + 1));
}

#endif
