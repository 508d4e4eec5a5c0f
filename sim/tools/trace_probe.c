/*
 * trace-probe: the least a TLB simulator of a lackey trace must do, as a yardstick for `make bench`. It maps an
 * uncompressed lackey trace into memory, parses each line by hand and looks its 4 KiB page up in one of two 16-set
 * 4-way LRU TLBs (fetches in one, loads, stores and modifies in the other), counting hits and misses. No page
 * tables, no walks, no statistics beyond the two counts: mmusim does all of that and is held against this.
 * It shares no code with the model.
 *
 * usage: trace-probe TRACE     (an uncompressed lackey trace, a regular file)
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { SETS = 16, WAYS = 4 };

/* One side's TLB: tags (page number + 1, 0 = empty) ordered most recently used first in each set. */
typedef struct {
	uint64_t tag[SETS][WAYS];
	uint64_t hits, misses;
} probe_tlb_t;

static void lookup(probe_tlb_t *tlb, uint64_t page)
{
	uint64_t *set = tlb->tag[page % SETS];
	uint64_t key = page + 1;
	int w = 0;
	while (w < WAYS - 1 && set[w] != key)
		w++;
	if (set[w] == key)
		tlb->hits++;
	else
		tlb->misses++; /* the least recently used (last) way is replaced */
	memmove(set + 1, set, (size_t)w * sizeof set[0]);
	set[0] = key;
}

/* Hex digit value + 1, 0 for anything else (',' ends the address). */
static const uint8_t hex1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

static int bad(const char *path, uint64_t line)
{
	fprintf(stderr, "trace-probe: %s:%" PRIu64 ": not a lackey record\n", path, line);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: trace-probe TRACE   (uncompressed lackey trace)\n", stderr);
		return 2;
	}
	const char *path = argv[1];
	int fd = open(path, O_RDONLY);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, "trace-probe: %s: not a readable, non-empty regular file\n", path);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	const char *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror(path);
		return 1;
	}
	posix_madvise((void *)p, size, POSIX_MADV_SEQUENTIAL);
	const char *end = p + size;
	if (end[-1] != '\n') {
		fprintf(stderr, "trace-probe: %s: the last line has no newline\n", path);
		return 1;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	static probe_tlb_t itlb, dtlb;
	uint64_t line = 0, records = 0, size_sum = 0;
	while (p < end) {
		line++;
		if (p[0] == '=') { /* a "==pid==" banner */
			p = memchr(p, '\n', (size_t)(end - p)) + 1;
			continue;
		}
		probe_tlb_t *tlb;
		if (p[0] == 'I' && p[1] == ' ' && p[2] == ' ')
			tlb = &itlb;
		else if (p[0] == ' ' && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M') && p[2] == ' ')
			tlb = &dtlb;
		else
			return bad(path, line);
		p += 3;
		uint64_t addr = 0;
		int nd = 0;
		for (uint8_t d; (d = hex1[(unsigned char)*p]) != 0; p++, nd++)
			addr = (addr << 4) | (uint64_t)(d - 1);
		if (nd == 0 || nd > 16 || *p++ != ',')
			return bad(path, line);
		uint64_t sz = 0;
		for (nd = 0; *p >= '0' && *p <= '9'; p++, nd++)
			sz = sz * 10 + (uint64_t)(*p - '0');
		if (nd == 0 || *p++ != '\n')
			return bad(path, line);
		records++;
		size_sum += sz;
		lookup(tlb, addr >> 12);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("records %" PRIu64 " bytes %" PRIu64 "\n", records, size_sum);
	printf("itlb hits %" PRIu64 " misses %" PRIu64 "\n", itlb.hits, itlb.misses);
	printf("dtlb hits %" PRIu64 " misses %" PRIu64 "\n", dtlb.hits, dtlb.misses);
	printf("time %.3f s (%.2f M records/s)\n", secs, secs > 0 ? (double)records / secs / 1e6 : 0.0);
	return 0;
}
