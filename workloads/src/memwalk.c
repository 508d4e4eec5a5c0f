/*
 * memwalk: small programs with a known memory access pattern, recorded by workloads/record.sh as TLB workloads.
 *
 *   memwalk chase PAGES STEPS   a pointer chase through one node per page, in a random cyclic order (fixed seed)
 *   memwalk row ROWS COLS       sums a ROWS x COLS matrix of doubles in row order (consecutive addresses)
 *   memwalk col ROWS COLS       the same matrix summed in column order (a stride of one row per access)
 *
 * Each prints one number so the work cannot be optimised away. Everything is deterministic: no clock, no
 * environment, a fixed-seed generator.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE 4096

/* A node fills one page, so each step of the chase lands on another page (and another TLB entry). */
typedef struct node {
	struct node *next;
	char pad[PAGE - sizeof(struct node *)];
} node_t;

/* MINSTD: the same sequence on every system. */
static uint32_t rng_state = 1;

static uint32_t rng_next(void)
{
	rng_state = (uint32_t)(((uint64_t)rng_state * 48271u) % 2147483647u);
	return rng_state;
}

static long arg_count(const char *s, const char *what)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v <= 0 || v > 100000000) {
		fprintf(stderr, "memwalk: %s '%s' is not a count from 1 to 100000000\n", what, s);
		exit(2);
	}
	return v;
}

static void *alloc_or_die(size_t bytes)
{
	void *p = aligned_alloc(PAGE, bytes);
	if (p == NULL) {
		fprintf(stderr, "memwalk: cannot allocate %zu bytes\n", bytes);
		exit(1);
	}
	return p;
}

/* Sattolo's shuffle links the nodes into one cycle through every page, so the chase visits them all. */
static int chase(long pages, long steps)
{
	node_t *nodes = alloc_or_die((size_t)pages * sizeof(node_t));
	long *order = alloc_or_die(((size_t)pages * sizeof(long) + PAGE - 1) / PAGE * PAGE);
	for (long i = 0; i < pages; i++)
		order[i] = i;
	for (long i = pages - 1; i > 0; i--) {
		long j = (long)(rng_next() % (uint32_t)i);
		long t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (long i = 0; i < pages; i++)
		nodes[order[i]].next = &nodes[order[(i + 1) % pages]];
	node_t *p = &nodes[0];
	for (long s = 0; s < steps; s++)
		p = p->next;
	printf("%ld\n", (long)(p - nodes));
	free(order);
	free(nodes);
	return 0;
}

static int matrix(long rows, long cols, int by_column)
{
	double *m = alloc_or_die((size_t)rows * (size_t)cols * sizeof(double));
	/* Written in row order either way, so the variants differ only in how the sum walks the matrix. */
	for (long i = 0; i < rows * cols; i++)
		m[i] = 1.0;
	double sum = 0;
	if (by_column) {
		for (long c = 0; c < cols; c++)
			for (long r = 0; r < rows; r++)
				sum += m[r * cols + c];
	} else {
		for (long r = 0; r < rows; r++)
			for (long c = 0; c < cols; c++)
				sum += m[r * cols + c];
	}
	printf("%.0f\n", sum);
	free(m);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "chase"))
		return chase(arg_count(argv[2], "PAGES"), arg_count(argv[3], "STEPS"));
	if (argc == 4 && (!strcmp(argv[1], "row") || !strcmp(argv[1], "col")))
		return matrix(arg_count(argv[2], "ROWS"), arg_count(argv[3], "COLS"), argv[1][0] == 'c');
	fprintf(stderr, "usage: memwalk chase PAGES STEPS | row ROWS COLS | col ROWS COLS\n");
	return 2;
}
