/*
 * A process for the import-proc test: maps 256 pages, writes pages 0..127, maps one page of a memory file read-only
 * at each of pages 128..191 and reads them (64 virtual pages on one frame), leaves 192..255 untouched, writes the
 * region's address to the file named by argv[1] and sleeps until it is killed. (The shared frame is made, not left
 * to the kernel: whether a read fault maps the shared zero page is the kernel's choice, and some kernels do not.)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGES 256
#define PAGE  4096

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: touch_pages READY_FILE\n");
		return 2;
	}
	volatile char *p = mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return 1;
	madvise((void *)p, PAGES * PAGE, MADV_NOHUGEPAGE); /* base pages, one pagemap entry each */
	unsigned sum = 0;
	for (int i = 0; i < 128; i++)
		p[i * PAGE] = (char)(i + 1);
	int fd = memfd_create("touch_pages", 0);
	if (fd < 0 || pwrite(fd, "s", 1, 0) != 1)
		return 1;
	for (int i = 128; i < 192; i++) {
		if (mmap((void *)(p + i * PAGE), PAGE, PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0) == MAP_FAILED)
			return 1;
		sum += (unsigned char)p[i * PAGE];
	}
	/* Written under another name and renamed: the test never reads a half-written file. */
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", argv[1]);
	FILE *f = fopen(tmp, "w");
	if (!f || fprintf(f, "%lx %u\n", (unsigned long)p, sum) < 0 || fclose(f) != 0 || rename(tmp, argv[1]) != 0)
		return 1;
	for (;;)
		pause();
}
