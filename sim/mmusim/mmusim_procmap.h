#ifndef MMUSIM_PROCMAP_H
#define MMUSIM_PROCMAP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The present pages of a live Linux process, read from /proc/PID/maps (ranges and permissions) and
 * /proc/PID/pagemap (one 64-bit entry per virtual page: bit 63 present, bit 62 swapped, bits 54:0 the frame number),
 * or from a dump written earlier. Base pages only: a transparent huge page appears as its 512 base pages, which is
 * what pagemap reports.
 */
enum { PROC_R = 1, PROC_W = 2, PROC_X = 4 };

typedef struct proc_page {
	uint64_t va;    /* page-aligned virtual address */
	uint64_t pfn;   /* physical frame number (4 KiB frames) */
	unsigned perms; /* PROC_R | PROC_W | PROC_X, from the mapping */
} proc_page_t;

typedef struct proc_image {
	proc_page_t *pages; /* present pages, in increasing address order */
	size_t npages, cap;
	size_t mappings;      /* lines of /proc/PID/maps */
	size_t skipped_none;  /* mappings with no access at all (guard pages): never present */
	size_t skipped_upper; /* mappings above the user half ([vsyscall]): not in the process's page tables */
	size_t skipped_huge;  /* mappings of more than PROC_MAX_SCAN bytes, not scanned */
	uint64_t swapped;     /* pages swapped out: not imported */
	uint64_t not_present; /* pages never touched or reclaimed: not imported */
	char name[64];        /* the process's command name, or the dump's */
} proc_image_t;

/* Mappings larger than this (sanitizer shadows, reserved heaps) would take minutes to scan page by page. */
#define PROC_MAX_SCAN (UINT64_C(1) << 36)

/*
 * Reads the present pages of pid. Returns 0, or -1 with msg naming the file and the reason: no such process, a file
 * that cannot be read, or frame numbers that read as zero (no CAP_SYS_ADMIN: not root).
 */
int proc_image_read(long pid, proc_image_t *img, char *msg, size_t msglen);

/* Dump: "# ..." comment lines, then one "VA PFN PERMS" line per page (hex, hex, "rwx" with '-' for absent). */
int proc_image_write(const char *path, const proc_image_t *img, char *msg, size_t msglen);
/* Reads a dump; errors name the file, the line and the field. */
int proc_image_load(const char *path, proc_image_t *img, char *msg, size_t msglen);

void proc_image_free(proc_image_t *img);

#endif
