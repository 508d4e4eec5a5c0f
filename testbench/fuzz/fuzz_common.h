#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

/*
 * Shared by the fuzz targets. Each target defines LLVMFuzzerTestOneInput; it is linked with libFuzzer by the clang
 * sub-build (testbench/fuzz/CMakeLists.txt) and with fuzz_replay.c, a main() that feeds it files, in the normal and
 * sanitizer builds, so the corpus and every input that once crashed are replayed by `ctest -L fuzz` everywhere.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken property: abort() is what libFuzzer and the replay driver both report as a crash, with the input. */
#define FUZZ_CHECK(cond, ...)                                                                                          \
	do {                                                                                                           \
		if (!(cond)) {                                                                                         \
			fprintf(stderr, "fuzz: %s:%d: check '%s' failed: ", __FILE__, __LINE__, #cond);                \
			fprintf(stderr, __VA_ARGS__);                                                                  \
			fputc('\n', stderr);                                                                           \
			abort();                                                                                       \
		}                                                                                                      \
	} while (0)

/*
 * The readers under test open files by path: the input is written to an anonymous in-memory file and the path
 * returned names it (/proc/self/fd/N, reopened with its own offset). One file per process, rewritten each time.
 */
const char *fuzz_file(const void *data, size_t size);

/* Little-endian field of the input, zero past its end, and the cursor advanced. */
uint64_t fuzz_take(const uint8_t **p, const uint8_t *end, unsigned bytes);

#endif
