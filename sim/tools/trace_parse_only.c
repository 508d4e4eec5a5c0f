/*
 * trace-parse-only: reads a lackey trace (plain or gzip) and parses every record, doing nothing else.
 * It is the floor the benchmark holds mmusim against, so it reads the way the model's reader does (1 MiB blocks
 * through zlib, lines parsed in place) and shares no code with it. A checksum of every field keeps the compiler from
 * dropping the parsing.
 *
 * usage: trace-parse-only TRACE     ("-" reads standard input)
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

enum { BLOCK = 1 << 20, MAX_LINE = 4096 };

typedef struct {
	uint64_t records;
	uint64_t checksum;
	uint64_t line;
} tally_t;

/* Hex digit value + 1, 0 for anything else (the '\n' that ends every line included). */
static const uint8_t hex1[256] = {
    ['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,  ['7'] = 8,
    ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
    ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The operation letter of "I  ", " L ", " S " or " M ", or 0. */
static unsigned op_of(const char *p)
{
	if (p[0] == 'I')
		return p[1] == ' ' && p[2] == ' ' ? 'I' : 0;
	if (p[0] == ' ' && (p[1] == 'L' || p[1] == 'S' || p[1] == 'M') && p[2] == ' ')
		return (unsigned char)p[1];
	return 0;
}

static int bad(const char *path, uint64_t line)
{
	fprintf(stderr, "trace-parse-only: %s:%" PRIu64 ": not a lackey record\n", path, line);
	return -1;
}

/* Parses the complete lines of [p, end) (each ends in '\n'). */
static int parse_block(const char *p, const char *end, tally_t *tl, const char *path)
{
	while (p < end) {
		tl->line++;
		const char *nl;
		if (p[0] == '=' || p[0] == '\n') {
			nl = memchr(p, '\n', (size_t)(end - p));
			p = nl + 1;
			continue;
		}
		unsigned op = op_of(p);
		if (!op)
			return bad(path, tl->line);
		p += 3;
		uint64_t addr = 0, size = 0;
		int nd = 0;
		for (uint8_t d; (d = hex1[(unsigned char)*p]) != 0; p++, nd++)
			addr = (addr << 4) | (uint64_t)(d - 1);
		if (nd == 0 || nd > 16 || *p++ != ',')
			return bad(path, tl->line);
		for (nd = 0; *p >= '0' && *p <= '9'; p++, nd++)
			size = size * 10 + (uint64_t)(*p - '0');
		if (nd == 0 || *p++ != '\n')
			return bad(path, tl->line);
		tl->records++;
		tl->checksum = tl->checksum * 31 + (addr ^ (size << 56) ^ ((uint64_t)op << 48));
	}
	return 0;
}

static const char *last_newline(const char *from, const char *end)
{
	for (const char *q = end; q > from; q--)
		if (q[-1] == '\n')
			return q;
	return NULL;
}

static int parse_stream(gzFile gz, const char *path, tally_t *tl)
{
	static char buf[MAX_LINE + BLOCK + 1];
	size_t len = 0; /* bytes of an unfinished line kept from the previous block */
	for (;;) {
		int n = gzread(gz, buf + len, BLOCK);
		int zerr = Z_OK;
		gzerror(gz, &zerr);
		if (n < 0 || (n == 0 && zerr != Z_OK)) {
			fprintf(stderr, "trace-parse-only: %s: read error or corrupt gzip data\n", path);
			return -1;
		}
		if (n == 0) {
			if (len == 0)
				return 0;
			buf[len++] = '\n';
			return parse_block(buf, buf + len, tl, path);
		}
		size_t have = len + (size_t)n;
		const char *lim = last_newline(buf + len, buf + have);
		if (!lim) {
			if (have > MAX_LINE) {
				fprintf(stderr, "trace-parse-only: %s: line too long\n", path);
				return -1;
			}
			len = have;
			continue;
		}
		if (parse_block(buf, lim, tl, path))
			return -1;
		len = (size_t)(buf + have - lim);
		memmove(buf, lim, len);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fputs("usage: trace-parse-only TRACE   (lackey format, plain or gzip; - for stdin)\n", stderr);
		return 2;
	}
	const char *path = argv[1];
	gzFile gz = strcmp(path, "-") ? gzopen(path, "rb") : gzdopen(dup(STDIN_FILENO), "rb");
	if (!gz) {
		perror(path);
		return 1;
	}
	gzbuffer(gz, 1 << 18);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tally_t tl = {0};
	int rc = parse_stream(gz, path, &tl);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	gzclose(gz);
	if (rc)
		return 1;
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
	printf("records %" PRIu64 " checksum %016" PRIx64 "\n", tl.records, tl.checksum);
	printf("time %.3f s (%.2f M records/s)\n", secs, secs > 0 ? (double)tl.records / secs / 1e6 : 0.0);
	return 0;
}
