/* LRU stack distances against streams worked out by hand. */
#include <criterion/criterion.h>

#include "mmu/mmu_stackdist.h"

static mmu_stackdist_t *feed(const char *keys, uint32_t max)
{
	mmu_stackdist_t *sd;
	cr_assert_eq(mmu_stackdist_create(max, &sd), 0);
	for (const char *k = keys; *k; k++) {
		if (*k == '/')
			mmu_stackdist_flush(sd);
		else if (*k == '!')
			mmu_stackdist_miss(sd);
		else
			mmu_stackdist_access(sd, (uint64_t)*k);
	}
	return sd;
}

Test(mmu_stackdist, misses_of_every_size_from_one_pass)
{
	/* A B C A B D A: A, B, C, D cold; the second A has B, C since (distance 3), so has B (C, A) and the last A (D,
	 * B) */
	mmu_stackdist_t *sd = feed("ABCABDA", 4);
	cr_assert_eq(mmu_stackdist_accesses(sd), 7);
	cr_assert_eq(mmu_stackdist_misses(sd, 1), 7);
	cr_assert_eq(mmu_stackdist_misses(sd, 2), 7);
	cr_assert_eq(mmu_stackdist_misses(sd, 3), 4);
	cr_assert_eq(mmu_stackdist_misses(sd, 4), 4);
	mmu_stackdist_destroy(sd);
}

Test(mmu_stackdist, repeated_key_hits_at_size_one)
{
	mmu_stackdist_t *sd = feed("AAABBA", 2); /* A, B cold; A A, B hit at 1; the last A at distance 2 */
	cr_assert_eq(mmu_stackdist_misses(sd, 1), 3);
	cr_assert_eq(mmu_stackdist_misses(sd, 2), 2);
	mmu_stackdist_destroy(sd);
}

Test(mmu_stackdist, flush_and_faulting_lookups)
{
	/* A B A | A: the flush makes the last A cold; '!' is a lookup that misses and fills nothing */
	mmu_stackdist_t *sd = feed("ABA/A!A", 3);
	cr_assert_eq(mmu_stackdist_accesses(sd), 6);
	cr_assert_eq(mmu_stackdist_misses(sd, 1), 5); /* only the last A hits at size 1 */
	cr_assert_eq(mmu_stackdist_misses(sd, 2), 4); /* and the first A again, at distance 2 */
	mmu_stackdist_destroy(sd);
}

Test(mmu_stackdist, keys_pushed_below_the_deepest_size_miss)
{
	mmu_stackdist_t *sd = feed("ABCA", 2); /* A at distance 3 > 2: a miss at both sizes kept */
	cr_assert_eq(mmu_stackdist_misses(sd, 2), 4);
	mmu_stackdist_destroy(sd);
	cr_assert_neq(mmu_stackdist_create(0, &sd), 0);
}
