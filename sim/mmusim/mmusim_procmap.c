/* Reading a live process's present pages from procfs, and the dump format (mmusim_procmap.h). */
#define _POSIX_C_SOURCE 200809L
#include "mmusim_procmap.h"

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PM_PRESENT   (UINT64_C(1) << 63)
#define PM_SWAPPED   (UINT64_C(1) << 62)
#define PM_PFN_MASK  ((UINT64_C(1) << 55) - 1)
#define PAGE_SHIFT   12
#define SCAN_ENTRIES 4096
/* x86-64 with 4-level paging: user addresses lie below 2^47, the kernel half from 0xffff800000000000. */
#define USER_TOP   (UINT64_C(1) << 47)
#define KERNEL_BOT (~(USER_TOP - 1))
/* The flag of /proc/PID/stat's ninth field that marks a kernel thread (include/linux/sched.h). */
#define PF_KTHREAD 0x00200000u
#define DUMP_LINE  255 /* bytes, newline included: "va pfn perms" needs at most 16 + 1 + 14 + 1 + 3 + 1 */

static int add_page(proc_image_t *img, uint64_t va, uint64_t pfn, unsigned perms)
{
	if (img->npages == img->cap) {
		size_t cap = img->cap ? 2 * img->cap : 1024;
		proc_page_t *p = realloc(img->pages, cap * sizeof *p);
		if (!p)
			return -1;
		img->pages = p;
		img->cap = cap;
	}
	img->pages[img->npages++] = (proc_page_t){.va = va, .pfn = pfn, .perms = perms};
	return 0;
}

static int sys_fail(char *msg, size_t msglen, const char *path, const char *what)
{
	snprintf(msg, msglen, "%s: %s: %s", path, what, strerror(errno));
	return -1;
}

/* The pagemap entries of [start, end), in chunks: a mapping of gigabytes is scanned without a buffer of its size. */
static int scan_range(int fd, const char *path, uint64_t start, uint64_t end, unsigned perms, proc_image_t *img,
                      bool *zero_pfn, char *msg, size_t msglen)
{
	static uint64_t buf[SCAN_ENTRIES];
	for (uint64_t va = start; va < end;) {
		uint64_t n = (end - va) >> PAGE_SHIFT;
		if (n > SCAN_ENTRIES)
			n = SCAN_ENTRIES;
		ssize_t got = pread(fd, buf, n * sizeof buf[0], (off_t)((va >> PAGE_SHIFT) * sizeof buf[0]));
		if (got < 0)
			return sys_fail(msg, msglen, path, "cannot read");
		if ((size_t)got < n * sizeof buf[0]) {
			snprintf(msg, msglen, "%s: short read at page 0x%" PRIx64 " (did the process exit?)", path, va);
			return -1;
		}
		for (uint64_t i = 0; i < n; i++, va += UINT64_C(1) << PAGE_SHIFT) {
			uint64_t e = buf[i];
			if (e & PM_PRESENT) {
				*zero_pfn |= (e & PM_PFN_MASK) == 0;
				if (add_page(img, va, e & PM_PFN_MASK, perms)) {
					snprintf(msg, msglen, "out of memory");
					return -1;
				}
			} else if (e & PM_SWAPPED) {
				img->swapped++;
			} else {
				img->not_present++;
			}
		}
	}
	return 0;
}

static void read_name(long pid, proc_image_t *img)
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/comm", pid);
	FILE *f = fopen(path, "r");
	if (!f || !fgets(img->name, sizeof img->name, f))
		snprintf(img->name, sizeof img->name, "?");
	img->name[strcspn(img->name, "\n")] = 0;
	if (f)
		fclose(f);
}

static int open_fail(char *msg, size_t msglen, long pid, const char *path)
{
	if (errno == ENOENT) {
		snprintf(msg, msglen, "no process with pid %ld (%s: %s)", pid, path, strerror(errno));
		return -1;
	}
	if (errno == EACCES || errno == EPERM) {
		snprintf(msg, msglen, "%s: %s (reading another user's page map needs root)", path, strerror(errno));
		return -1;
	}
	return sys_fail(msg, msglen, path, "cannot open");
}

/*
 * A process without a user address space (a kernel thread, a zombie) has an empty /proc/PID/maps and a pagemap that
 * cannot be opened (ESRCH): said as such, with the reason from /proc/PID/stat (state, and the flags' PF_KTHREAD).
 */
static int no_address_space(char *msg, size_t msglen, long pid, const char *name)
{
	char path[64], line[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	bool got = f && fgets(line, sizeof line, f);
	if (f)
		fclose(f);
	const char *rest = got ? strrchr(line, ')') : NULL; /* the command name may hold spaces and ')' */
	char state = 0;
	unsigned long flags = 0;
	if (rest && sscanf(rest + 1, " %c %*d %*d %*d %*d %*d %lu", &state, &flags) != 2)
		state = 0;
	const char *why = state == 0             ? "has exited"
	                  : (flags & PF_KTHREAD) ? "is a kernel thread"
	                  : state == 'Z'         ? "is a zombie (it has exited, its parent has not yet collected it)"
	                  : state == 'X'         ? "is exiting"
	                                         : "has no memory mappings";
	snprintf(msg, msglen, "process '%s' %s: it has no user address space to import", name, why);
	return -1;
}

static int scan_maps(FILE *maps, int pm, long pid, proc_image_t *img, bool *zero_pfn, char *msg, size_t msglen)
{
	char pmpath[64], line[4096];
	snprintf(pmpath, sizeof pmpath, "/proc/%ld/pagemap", pid);
	while (fgets(line, sizeof line, maps)) {
		unsigned long long start, end;
		char p[5];
		if (sscanf(line, "%llx-%llx %4s", &start, &end, p) != 3 || end < start) {
			snprintf(msg, msglen, "/proc/%ld/maps: line %zu: cannot read the address range and permissions",
			         pid, img->mappings + 1);
			return -1;
		}
		img->mappings++;
		unsigned perms = (p[0] == 'r' ? PROC_R : 0) | (p[1] == 'w' ? PROC_W : 0) | (p[2] == 'x' ? PROC_X : 0);
		if (start >= USER_TOP)
			img->skipped_upper++;
		else if (perms == 0)
			img->skipped_none++;
		else if (end - start > PROC_MAX_SCAN)
			img->skipped_huge++;
		else if (scan_range(pm, pmpath, start, end, perms, img, zero_pfn, msg, msglen))
			return -1;
	}
	return 0;
}

int proc_image_read(long pid, proc_image_t *img, char *msg, size_t msglen)
{
	memset(img, 0, sizeof *img);
	char mpath[64], pmpath[64];
	snprintf(mpath, sizeof mpath, "/proc/%ld/maps", pid);
	snprintf(pmpath, sizeof pmpath, "/proc/%ld/pagemap", pid);
	FILE *maps = fopen(mpath, "r");
	if (!maps)
		return open_fail(msg, msglen, pid, mpath);
	read_name(pid, img);
	int pm = open(pmpath, O_RDONLY);
	if (pm < 0) {
		int rc = errno == ESRCH ? no_address_space(msg, msglen, pid, img->name)
		                        : open_fail(msg, msglen, pid, pmpath);
		fclose(maps);
		return rc;
	}
	bool zero_pfn = false;
	int rc = scan_maps(maps, pm, pid, img, &zero_pfn, msg, msglen);
	close(pm);
	fclose(maps);
	if (!rc && img->mappings == 0) /* a kernel that lets pagemap be opened all the same */
		rc = no_address_space(msg, msglen, pid, img->name);
	/* Without CAP_SYS_ADMIN the kernel reports present pages with frame number 0 rather than failing. */
	if (!rc && zero_pfn) {
		snprintf(msg, msglen,
		         "%s: frame numbers read as zero: the kernel shows them only to a reader with CAP_SYS_ADMIN "
		         "(run as root)",
		         pmpath);
		rc = -1;
	}
	if (rc)
		proc_image_free(img);
	return rc;
}

static void perm_str(unsigned perms, char s[4])
{
	s[0] = perms & PROC_R ? 'r' : '-';
	s[1] = perms & PROC_W ? 'w' : '-';
	s[2] = perms & PROC_X ? 'x' : '-';
	s[3] = 0;
}

static int write_dump(FILE *f, const void *ctx)
{
	const proc_image_t *img = ctx;
	fprintf(f, "# mmusim import-proc dump: %s, %zu present pages\n# va pfn perms\n", img->name, img->npages);
	for (size_t i = 0; i < img->npages; i++) {
		char p[4];
		perm_str(img->pages[i].perms, p);
		fprintf(f, "%" PRIx64 " %" PRIx64 " %s\n", img->pages[i].va, img->pages[i].pfn, p);
	}
	return ferror(f) ? -1 : 0;
}

/* Written whole or not at all, never over an existing file nor through a link (cli.h). */
int proc_image_write(const char *path, const proc_image_t *img, char *msg, size_t msglen)
{
	switch (cli_out_write(path, false, write_dump, img, msg, msglen)) {
	case CLI_OUT_OK:
		return 0;
	case CLI_OUT_EXISTS:
		snprintf(msg, msglen, "%s: exists (remove it first: it is not overwritten)", path);
		return -1;
	default:
		return -1;
	}
}

static int bad(char *msg, size_t msglen, const char *path, size_t line, const char *what)
{
	snprintf(msg, msglen, "%s:%zu: %s", path, line, what);
	return -1;
}

/* A hexadecimal field that ends at a blank or the end of the line. */
static bool hex_field(const char **p, uint64_t *v)
{
	char *end;
	if (!((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'f') || (**p >= 'A' && **p <= 'F')))
		return false;
	errno = 0;
	unsigned long long x = strtoull(*p, &end, 16);
	if (errno || (*end != ' ' && *end != '\t' && *end != '\n' && *end != 0))
		return false;
	*v = x;
	*p = end;
	return true;
}

static int parse_line(const char *s, uint64_t *va, uint64_t *pfn, unsigned *perms, const char **err)
{
	const char *p = s;
	if (!hex_field(&p, va) || (*va & ((UINT64_C(1) << PAGE_SHIFT) - 1)))
		return *err = "field 1 (va): not a page-aligned hexadecimal address", -1;
	if (*va >= USER_TOP && *va < KERNEL_BOT)
		return *err = "field 1 (va): not a canonical x86-64 address (48 bits, sign-extended)", -1;
	if (*va >= USER_TOP) /* the live reader does not scan there either */
		return *err = "field 1 (va): in the kernel half (a process's own pages lie below 0x800000000000)", -1;
	p += strspn(p, " \t");
	if (!hex_field(&p, pfn) || *pfn == 0 || *pfn > PM_PFN_MASK)
		return *err = "field 2 (pfn): not a hexadecimal frame number from 1 to 2^55-1", -1;
	p += strspn(p, " \t");
	size_t tail = strlen(p) < 3 ? 0 : 3 + strspn(p + 3, " \t\r");
	if (tail == 0 || (p[0] != 'r' && p[0] != '-') || (p[1] != 'w' && p[1] != '-') || (p[2] != 'x' && p[2] != '-') ||
	    (p[tail] != '\n' && p[tail] != 0))
		return *err = "field 3 (perms): expected three letters r|-, w|-, x|- and the end of the line", -1;
	*perms = (p[0] == 'r' ? PROC_R : 0) | (p[1] == 'w' ? PROC_W : 0) | (p[2] == 'x' ? PROC_X : 0);
	if (*perms == 0)
		return *err = "field 3 (perms): a page with no access is never present", -1;
	return 0;
}

int proc_image_load(const char *path, proc_image_t *img, char *msg, size_t msglen)
{
	memset(img, 0, sizeof *img);
	FILE *f = fopen(path, "r");
	if (!f)
		return sys_fail(msg, msglen, path, "cannot open");
	snprintf(img->name, sizeof img->name, "dump %.50s", path);
	char *line = NULL;
	size_t cap = 0, n = 0;
	ssize_t len;
	int rc = 0;
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		n++;
		if (memchr(line, '\0', (size_t)len)) {
			rc = bad(msg, msglen, path, n, "NUL byte in a dump (binary data?)");
			break;
		}
		if (len > DUMP_LINE) {
			rc = bad(msg, msglen, path, n, "line too long");
			break;
		}
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == 0)
			continue;
		uint64_t va, pfn;
		unsigned perms;
		const char *err;
		if (parse_line(line, &va, &pfn, &perms, &err))
			rc = bad(msg, msglen, path, n, err);
		else if (img->npages && va <= img->pages[img->npages - 1].va)
			rc = bad(msg, msglen, path, n, "field 1 (va): addresses must increase from line to line");
		else if (add_page(img, va, pfn, perms))
			rc = bad(msg, msglen, path, n, "out of memory");
	}
	if (!rc && ferror(f))
		rc = sys_fail(msg, msglen, path, "cannot read");
	free(line);
	fclose(f);
	if (rc)
		proc_image_free(img);
	return rc;
}

void proc_image_free(proc_image_t *img)
{
	free(img->pages);
	img->pages = NULL;
	img->npages = img->cap = 0;
}
