/*
 * main() for the fuzz targets outside libFuzzer: every file named (directories: every file in them) is passed to
 * LLVMFuzzerTestOneInput once. A broken property aborts, so a crash found by fuzzing and kept in regress/ fails the
 * normal and the sanitizer builds' test runs.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return 1;
	}
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap);
	size_t n;
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	int bad = ferror(f) || !buf;
	fclose(f);
	if (bad) {
		fprintf(stderr, "%s: cannot be read\n", path);
		free(buf);
		return 1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory in name order, so a failure names the same input on every machine. */
static int run_dir(const char *dir, unsigned *count)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, NULL);
	if (n < 0) {
		perror(dir);
		return 1;
	}
	char **names = calloc((size_t)n + 1, sizeof *names);
	int fails = names ? 0 : 1, k = 0;
	for (int i = 0; i < n; i++) {
		if (names && list[i]->d_name[0] != '.')
			names[k++] = strdup(list[i]->d_name);
		free(list[i]);
	}
	free(list);
	if (names)
		qsort(names, (size_t)k, sizeof *names, by_name);
	for (int i = 0; names && i < k; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		fails += run_file(path);
		(*count)++;
		free(names[i]);
	}
	free(names);
	return fails;
}

int main(int argc, char **argv)
{
	unsigned count = 0;
	int fails = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			perror(argv[i]);
			return 1;
		}
		if (S_ISDIR(st.st_mode)) {
			fails += run_dir(argv[i], &count);
		} else {
			fails += run_file(argv[i]);
			count++;
		}
	}
	printf("fuzz replay: %u inputs, %d unreadable\n", count, fails);
	/* An empty corpus would make the test pass without checking anything. */
	return fails || count == 0 ? 1 : 0;
}
