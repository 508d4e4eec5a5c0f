#ifndef MMU_ASSERT_H
#define MMU_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

/*
 * Broken internal invariants abort loudly, in every build type: a model that limps on after one produces wrong
 * numbers that look right.
 */
#define MMU_ASSERT(cond)                                                                                               \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "%s:%d: internal invariant violated: %s\n", __FILE__, __LINE__, #cond);        \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

#define MMU_UNREACHABLE()                                                                                              \
	do {                                                                                                           \
		fprintf(stderr, "%s:%d: unreachable code reached\n", __FILE__, __LINE__);                              \
		abort();                                                                                               \
	} while (0)

/* A function off the hot path: kept out of line so that its caller stays small. */
#if defined(__GNUC__)
#define MMU_COLD __attribute__((noinline, cold))
#else
#define MMU_COLD
#endif

#endif
