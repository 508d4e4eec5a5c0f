#define _GNU_SOURCE /* memfd_create */
#include "fuzz_common.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

const char *fuzz_file(const void *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("fuzz-input", 0);
		FUZZ_CHECK(fd >= 0, "memfd_create failed");
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate failed");
	const char *p = data;
	size_t left = size;
	off_t at = 0;
	while (left) {
		ssize_t n = pwrite(fd, p, left, at);
		FUZZ_CHECK(n > 0, "pwrite failed");
		p += n;
		at += n;
		left -= (size_t)n;
	}
	return path;
}

uint64_t fuzz_take(const uint8_t **p, const uint8_t *end, unsigned bytes)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < bytes; i++) {
		if (*p < end) {
			v |= (uint64_t) * *p << (8 * i);
			(*p)++;
		}
	}
	return v;
}
