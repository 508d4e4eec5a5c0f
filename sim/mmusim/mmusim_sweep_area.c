/*
 * sweep --area FILE: the RTL's area beside each configuration's figures. FILE is the CSV scripts/rtl-cells.sh writes:
 * a header, then one row per synthesized configuration keyed by mmu_top's parameters (those of cosim_params_list,
 * the LFSR seeds left out: they are reset values, not hardware), with its memory bits and logic cells. A configuration
 * of the sweep gets the figures of the row whose parameters all equal its own; with none (not synthesized, or not
 * buildable as RTL: x86-32 or textbook paging, the walker's data cache) its columns stay empty. An absent page-walk
 * cache's parameters are mmu_top's defaults in both (cosim_params.c), so they need no exception as the L2's do.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cosim_params.h"
#include "mmusim_sweep.h"

#define AREA_LINE_MAX   4096
#define AREA_FIELDS_MAX 64

typedef struct area_row {
	unsigned long params[COSIM_PARAMS_MAX];
	long long bits, cells;
} area_row_t;

static bool is_seed(const char *name)
{
	return !strncmp(name, "LfsrSeed", 8);
}

/* Without an L2 TLB its other parameters build nothing: the script writes mmu_top's defaults for them. */
static bool absent_l2(const mmu_cfg_t *cfg, const char *name)
{
	return cfg->l2.entries == 0 && !strncmp(name, "L2", 2) && strcmp(name, "L2Entries");
}

/* Splits a line at commas in place (the script writes no quoted field); returns the number of fields. */
static size_t split(char *line, char *fields[AREA_FIELDS_MAX])
{
	size_t n = 0;
	line[strcspn(line, "\r\n")] = 0;
	for (char *p = line;; p++) {
		if (n == AREA_FIELDS_MAX)
			return n + 1;
		fields[n++] = p;
		p += strcspn(p, ",");
		if (!*p)
			return n;
		*p = 0;
	}
}

static bool number(const char *s, unsigned long long *v)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 18)
		return false;
	*v = strtoull(s, NULL, 10);
	return true;
}

/* The column of each parameter, of memory_bits and of logic_cells: 0, or 2 after the message. */
static int header(const char *path, char *line, const cosim_param_t *p, int np, int col[COSIM_PARAMS_MAX + 2],
                  size_t *nfields)
{
	char *f[AREA_FIELDS_MAX];
	size_t n = split(line, f);
	if (n > AREA_FIELDS_MAX)
		return cli_fail("--area %s: line 1: more than %d columns", path, AREA_FIELDS_MAX);
	*nfields = n;
	for (int i = 0; i < np + 2; i++) {
		const char *want = i < np ? p[i].name : i == np ? "memory_bits" : "logic_cells";
		col[i] = -1;
		if (i < np && is_seed(want))
			continue;
		for (size_t k = 0; k < n; k++)
			if (!strcmp(f[k], want))
				col[i] = (int)k;
		if (col[i] < 0)
			return cli_fail(
			    "--area %s: line 1: no column '%s' (the CSV of scripts/rtl-cells.sh has one per "
			    "parameter of mmu_top)",
			    path, want);
	}
	return 0;
}

static int read_rows(const char *path, FILE *f, const cosim_param_t *p, int np, area_row_t **rows, size_t *nrows)
{
	char line[AREA_LINE_MAX];
	int col[COSIM_PARAMS_MAX + 2];
	size_t nfields, cap = 0;
	int rc;
	if (!fgets(line, sizeof line, f))
		return cli_fail("--area %s: %s", path, ferror(f) ? strerror(errno) : "empty file, expected a header");
	if ((rc = header(path, line, p, np, col, &nfields)))
		return rc;
	for (unsigned lineno = 2; fgets(line, sizeof line, f); lineno++) {
		if (!strchr(line, '\n') && !feof(f))
			return cli_fail("--area %s: line %u: longer than %d bytes", path, lineno, AREA_LINE_MAX - 1);
		if (line[strspn(line, " \t\r\n")] == 0)
			continue;
		char *fld[AREA_FIELDS_MAX];
		size_t n = split(line, fld);
		if (n != nfields)
			return cli_fail("--area %s: line %u: %zu fields, the header has %zu", path, lineno, n, nfields);
		area_row_t r = {0};
		for (int i = 0; i < np + 2; i++) {
			unsigned long long v = 0;
			if (col[i] < 0)
				continue;
			const char *name = i < np ? p[i].name : i == np ? "memory_bits" : "logic_cells";
			if (!number(fld[col[i]], &v))
				return cli_fail("--area %s: line %u: field %s: '%s' is not a non-negative integer",
				                path, lineno, name, fld[col[i]]);
			if (i < np)
				r.params[i] = (unsigned long)v;
			else if (i == np)
				r.bits = (long long)v;
			else
				r.cells = (long long)v;
		}
		if (*nrows == cap) {
			cap = cap ? 2 * cap : 16;
			area_row_t *grown = realloc(*rows, cap * sizeof *grown);
			if (!grown)
				return cli_fail("out of memory");
			*rows = grown;
		}
		(*rows)[(*nrows)++] = r;
	}
	if (ferror(f))
		return cli_fail("--area %s: %s", path, strerror(errno));
	return 0;
}

/* The row of a configuration, or NULL. */
static const area_row_t *find(const area_row_t *rows, size_t nrows, const mmu_cfg_t *cfg)
{
	cosim_param_t p[COSIM_PARAMS_MAX];
	char msg[256];
	int np = cosim_params_list(cfg, p, msg, sizeof msg);
	for (size_t r = 0; np > 0 && r < nrows; r++) {
		bool same = true;
		for (int i = 0; i < np && same; i++)
			same = is_seed(p[i].name) || absent_l2(cfg, p[i].name) || rows[r].params[i] == p[i].value;
		if (same)
			return &rows[r];
	}
	return NULL;
}

int sweep_area_load(sweep_t *sw, const char *path)
{
	cosim_param_t p[COSIM_PARAMS_MAX];
	char msg[512];
	mmu_cfg_t dflt;
	mmu_cfg_default(&dflt);
	int np = cosim_params_list(&dflt, p, msg, sizeof msg); /* the names, in order */
	if (np < 0)
		return cli_fail("--area: %s", msg);
	FILE *f = fopen(path, "r");
	if (!f)
		return cli_fail("--area %s: cannot open: %s", path, strerror(errno));
	area_row_t *rows = NULL;
	size_t nrows = 0;
	int rc = read_rows(path, f, p, np, &rows, &nrows);
	fclose(f);
	for (size_t i = 0; !rc && i < sw->npoints; i++) {
		sweep_point_t *pt = &sw->points[i];
		const area_row_t *r = pt->skip ? NULL : find(rows, nrows, &pt->cfg);
		pt->area_bits = r ? r->bits : -1;
		pt->area_cells = r ? r->cells : -1;
	}
	free(rows);
	sw->area = !rc;
	return rc;
}
