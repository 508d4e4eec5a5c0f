/* Reader of the OSTEP multi-level paging homework's memory dump (see mmu_ostep.h for the format). */
#include "mmu/mmu_ostep.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_line_error.h"

static const char *skip_space(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* A decimal number below limit; *end gets the first character after it. Returns -1 if there is none. */
static long decimal(const char *s, const char **end, long limit)
{
	if (!isdigit((unsigned char)*s))
		return -1;
	long v = 0;
	while (isdigit((unsigned char)*s)) {
		if (v < limit) /* saturate: the caller reports anything >= limit */
			v = v * 10 + (*s - '0');
		s++;
	}
	*end = s;
	return v;
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "page N: <64 hex digits>", s just after "page". */
static int page_line(const mmu_line_where_t *w, const char *s, mmu_ostep_dump_t *d)
{
	const char *p;
	long n = decimal(skip_space(s), &p, MMU_OSTEP_PAGES);
	if (n < 0 || n >= MMU_OSTEP_PAGES)
		return mmu_line_error(w, "page number is not in 0..%d", MMU_OSTEP_PAGES - 1);
	p = skip_space(p);
	if (*p != ':')
		return mmu_line_error(w, "page %ld: expected ':' after the page number", n);
	if (d->listed[n])
		return mmu_line_error(w, "page %ld is listed twice", n);
	uint8_t bytes[MMU_OSTEP_PAGE_BYTES];
	unsigned digits = 0;
	for (p++; *p && *p != '\n' && *p != '\r'; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		int v = hex_value(*p);
		if (v < 0)
			return mmu_line_error(w, "page %ld: '%c' is not a hex digit", n, *p);
		if (digits < 2 * MMU_OSTEP_PAGE_BYTES)
			bytes[digits / 2] = (uint8_t)(digits % 2 ? (bytes[digits / 2] << 4) | v : v);
		digits++;
	}
	if (digits != 2 * MMU_OSTEP_PAGE_BYTES)
		return mmu_line_error(w, "page %ld: expected %d bytes (%d hex digits), found %u digits", n,
		                      MMU_OSTEP_PAGE_BYTES, 2 * MMU_OSTEP_PAGE_BYTES, digits);
	memcpy(d->mem + n * MMU_OSTEP_PAGE_BYTES, bytes, sizeof bytes);
	d->listed[n] = true;
	d->pages++;
	return 0;
}

/* "PDBR: N ...", s just after "PDBR". */
static int pdbr_line(const mmu_line_where_t *w, const char *s, mmu_ostep_dump_t *d, unsigned long *pdbr_line_no)
{
	const char *p = skip_space(s);
	if (*p != ':')
		return mmu_line_error(w, "PDBR: expected ':' after PDBR");
	long n = decimal(skip_space(p + 1), &p, MMU_OSTEP_PAGES);
	if (n < 0)
		return mmu_line_error(w, "PDBR: expected a decimal page number");
	if (n >= MMU_OSTEP_PAGES)
		return mmu_line_error(w, "PDBR: page number is not in 0..%d", MMU_OSTEP_PAGES - 1);
	if (*pdbr_line_no)
		return mmu_line_error(w, "PDBR given a second time (first on line %lu)", *pdbr_line_no);
	d->pdbr = (unsigned)n;
	*pdbr_line_no = w->line;
	return 0;
}

/* Which kind of line: a dump line starts with "page" and a number, or with "PDBR"; the rest of the printout is text. */
static int dispatch(const mmu_line_where_t *w, const char *line, mmu_ostep_dump_t *d, unsigned long *pdbr_seen)
{
	const char *s = skip_space(line);
	if (!strncmp(s, "page", 4) && isdigit((unsigned char)*skip_space(s + 4)) && (s[4] == ' ' || s[4] == '\t'))
		return page_line(w, s + 4, d);
	if (!strncmp(s, "PDBR", 4))
		return pdbr_line(w, s + 4, d, pdbr_seen);
	return 0;
}

int mmu_ostep_parse(FILE *f, const char *name, mmu_ostep_dump_t *d, char *msg, size_t msglen)
{
	memset(d, 0, sizeof *d);
	mmu_line_where_t w = {.name = name, .msg = msg, .msglen = msglen};
	unsigned long pdbr_seen = 0;
	char *line = NULL;
	size_t cap = 0;
	int err = 0;
	ssize_t len;
	while (!err && (len = getline(&line, &cap, f)) >= 0) {
		w.line++;
		/* The scanners stop at a NUL: the rest of the line would be ignored without a word. */
		err = memchr(line, '\0', (size_t)len) ? mmu_line_error(&w, "NUL byte (binary data?)")
		                                      : dispatch(&w, line, d, &pdbr_seen);
	}
	free(line);
	if (!err && ferror(f)) {
		snprintf(msg, msglen, "%s: read error: %s", name, strerror(errno));
		err = MMU_EIO;
	}
	if (!err && !d->pages) {
		snprintf(msg, msglen, "%s: no 'page N:' lines: not a memory dump of the OSTEP homework", name);
		err = MMU_EFORMAT;
	}
	if (!err && !pdbr_seen) {
		snprintf(msg, msglen, "%s: no 'PDBR: N' line (the page that holds the page directory)", name);
		err = MMU_EFORMAT;
	}
	return err;
}

int mmu_ostep_read(const char *path, mmu_ostep_dump_t *d, char *msg, size_t msglen)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "r");
	if (!f) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return MMU_EIO;
	}
	int err = mmu_ostep_parse(f, is_stdin ? "<stdin>" : path, d, msg, msglen);
	if (!is_stdin)
		fclose(f);
	return err;
}

int mmu_ostep_check_config(const mmu_cfg_t *cfg, char *msg, size_t msglen)
{
	const mmu_paging_cfg_t *p = &cfg->paging;
	const struct {
		const char *key;
		long have, want;
	} need[] = {
	    {"paging.mode", p->mode, MMU_MODE_TEXTBOOK},
	    {"paging.levels", p->levels, 2},
	    {"paging.bits_per_level", p->bits_per_level, 5},
	    {"paging.page_bits", p->page_bits, 5},
	    {"paging.pte_bytes", p->pte_bytes, 1},
	    {"paging.pa_bits", p->pa_bits, 12},
	    {"paging.pte.present_bit", p->present_bit, 7},
	    {"paging.pte.pfn_lsb", p->pfn_lsb, 0},
	    {"paging.pte.pfn_bits", p->pfn_bits, 7},
	    {"paging.pte.writable_bit", p->writable_bit, -1},
	    {"paging.pte.user_bit", p->user_bit, -1},
	    {"paging.pte.accessed_bit", p->accessed_bit, -1},
	    {"paging.pte.dirty_bit", p->dirty_bit, -1},
	    {"paging.pte.global_bit", p->global_bit, -1},
	    {"paging.pte.nx_bit", p->nx_bit, -1},
	};
	for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
		if (need[i].have == need[i].want)
			continue;
		if (!strcmp(need[i].key, "paging.mode"))
			snprintf(msg, msglen, "an OSTEP dump needs paging.mode = textbook (use --preset ostep)");
		else
			snprintf(msg, msglen, "an OSTEP dump needs %s = %ld, not %ld (use --preset ostep)", need[i].key,
			         need[i].want, need[i].have);
		return MMU_EINVAL;
	}
	return 0;
}

int mmu_ostep_load(const mmu_ostep_dump_t *d, mmu_physmem_t *pm, uint64_t *cr3)
{
	for (unsigned n = 0; n < MMU_OSTEP_PAGES; n++) {
		if (!d->listed[n])
			continue;
		for (unsigned i = 0; i < MMU_OSTEP_PAGE_BYTES; i++) {
			int err = mmu_physmem_write(pm, (uint64_t)n * MMU_OSTEP_PAGE_BYTES + i, 1,
			                            d->mem[n * MMU_OSTEP_PAGE_BYTES + i]);
			if (err)
				return err;
		}
	}
	*cr3 = (uint64_t)d->pdbr * MMU_OSTEP_PAGE_BYTES;
	return 0;
}
