/* Reader of text memory images (see mmu_memimage.h for the format). */
#include "mmu/mmu_memimage.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_line_error.h"

/* The next blank-separated field of *s (NUL-terminated in place), or NULL at the end of the line. */
static char *field(char **s)
{
	char *p = *s;
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	if (*p == '\0')
		return NULL;
	char *start = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
		p++;
	if (*p)
		*p++ = '\0';
	*s = p;
	return start;
}

/* A C literal: 0x then hex, or decimal; the whole field must be the number. */
static bool number(const char *s, uint64_t *v)
{
	if (!isdigit((unsigned char)s[0]))
		return false;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}

static int parse_line(char *line, const mmu_line_where_t *w, const mmu_paging_t *pg, mmu_physmem_t *pm,
                      mmu_memimage_info_t *info, bool *have_cr3)
{
	char *hash = strchr(line, '#');
	if (hash)
		*hash = '\0';
	char *s = line;
	char *first = field(&s);
	if (!first)
		return 0;
	if (!strcmp(first, "cr3")) {
		char *v = field(&s);
		if (!v)
			return mmu_line_error(w, "cr3: expected a value (the root table's address, e.g. cr3 0x2000)");
		if (!number(v, &info->cr3))
			return mmu_line_error(w, "cr3: '%s' is not a number (0x for hex)", v);
		if (*have_cr3)
			return mmu_line_error(w, "cr3: given twice");
		if (field(&s))
			return mmu_line_error(w, "cr3: one value expected");
		*have_cr3 = true;
		return 0;
	}
	size_t len = strlen(first);
	if (len < 2 || first[len - 1] != ':')
		return mmu_line_error(w, "expected 'ADDRESS: WORD...' or 'cr3 VALUE', found '%s'", first);
	first[len - 1] = '\0';
	uint64_t addr;
	if (!number(first, &addr))
		return mmu_line_error(w, "address '%s' is not a number (0x for hex)", first);
	if (addr % pg->pte_bytes)
		return mmu_line_error(w, "address 0x%llx is not a multiple of the entry size (%u bytes)",
		                      (unsigned long long)addr, pg->pte_bytes);
	uint64_t limit = pg->pte_bytes >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * pg->pte_bytes)) - 1;
	unsigned n = 0;
	for (char *v; (v = field(&s)) != NULL; n++, addr += pg->pte_bytes) {
		uint64_t word;
		if (!number(v, &word))
			return mmu_line_error(w, "word %u '%s' is not a number (0x for hex)", n + 1, v);
		if (word > limit)
			return mmu_line_error(w, "word %u 0x%llx does not fit a %u-byte entry", n + 1,
			                      (unsigned long long)word, pg->pte_bytes);
		if (n > 0 && addr == 0)
			return mmu_line_error(w, "word %u lies beyond the end of the address space", n + 1);
		if (mmu_physmem_write(pm, addr, pg->pte_bytes, word))
			return MMU_ENOMEM;
		info->words++;
	}
	if (n == 0)
		return mmu_line_error(w, "address 0x%llx: no words after it", (unsigned long long)(addr));
	return 0;
}

int mmu_memimage_parse(FILE *f, const char *name, const mmu_paging_t *pg, mmu_physmem_t *pm, mmu_memimage_info_t *info,
                       char *msg, size_t msglen)
{
	memset(info, 0, sizeof *info);
	mmu_line_where_t w = {name, 0, msg, msglen};
	bool have_cr3 = false;
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	int rc = 0;
	while (rc == 0 && (got = getline(&line, &cap, f)) >= 0) {
		w.line++;
		if (memchr(line, '\0', (size_t)got))
			rc = mmu_line_error(&w, "NUL byte: not a text memory image");
		else
			rc = parse_line(line, &w, pg, pm, info, &have_cr3);
	}
	free(line);
	if (rc == MMU_ENOMEM)
		snprintf(msg, msglen, "%s:%lu: out of memory", name, w.line);
	if (rc)
		return rc;
	if (ferror(f)) {
		snprintf(msg, msglen, "%s: read error", name);
		return MMU_EIO;
	}
	if (!have_cr3) {
		snprintf(msg, msglen, "%s: no 'cr3 VALUE' line (the root table's address)", name);
		return MMU_EFORMAT;
	}
	return 0;
}

int mmu_memimage_read(const char *path, const mmu_paging_t *pg, mmu_physmem_t *pm, mmu_memimage_info_t *info, char *msg,
                      size_t msglen)
{
	if (!strcmp(path, "-"))
		return mmu_memimage_parse(stdin, "(stdin)", pg, pm, info, msg, msglen);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return MMU_EIO;
	}
	int rc = mmu_memimage_parse(f, path, pg, pm, info, msg, msglen);
	fclose(f);
	return rc;
}
