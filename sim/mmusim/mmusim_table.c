/* Aligned text and Markdown tables (see mmusim_table.h). */
#include "mmusim_table.h"

#include <stdarg.h>
#include <string.h>

void table_init(table_t *t, int cols, bool header)
{
	t->rows = 0;
	t->cols = cols < TABLE_COLS ? cols : TABLE_COLS;
	t->header = header;
}

int table_row(table_t *t)
{
	if (t->rows == TABLE_ROWS)
		return -1;
	for (int c = 0; c < TABLE_COLS; c++)
		t->cell[t->rows][c][0] = '\0';
	return t->rows++;
}

void table_set(table_t *t, int row, int col, const char *fmt, ...)
{
	if (row < 0 || row >= t->rows || col < 0 || col >= t->cols)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->cell[row][col], TABLE_CELL, fmt, ap);
	va_end(ap);
}

void table_add(table_t *t, const char *const *cells)
{
	int r = table_row(t);
	for (int c = 0; c < t->cols; c++)
		table_set(t, r, c, "%s", cells[c]);
}

static void print_markdown(FILE *out, const table_t *t)
{
	for (int r = 0; r < t->rows; r++) {
		fputc('|', out);
		for (int c = 0; c < t->cols; c++)
			fprintf(out, " %s |", t->cell[r][c]);
		fputc('\n', out);
		if (r == 0 && t->header) {
			fputc('|', out);
			for (int c = 0; c < t->cols; c++)
				fputs("---|", out);
			fputc('\n', out);
		}
	}
}

void table_print(FILE *out, const table_t *t, const char *indent, bool markdown)
{
	if (markdown) {
		print_markdown(out, t);
		return;
	}
	int width[TABLE_COLS] = {0};
	for (int r = 0; r < t->rows; r++)
		for (int c = 0; c < t->cols; c++) {
			int n = (int)strlen(t->cell[r][c]);
			if (n > width[c])
				width[c] = n;
		}
	for (int r = 0; r < t->rows; r++) {
		int last = t->cols - 1; /* no trailing blanks: the last non-empty cell ends the line */
		while (last > 0 && !t->cell[r][last][0])
			last--;
		fputs(indent, out);
		for (int c = 0; c <= last; c++)
			fprintf(out, "%-*s%s", c == last ? 0 : width[c], t->cell[r][c], c == last ? "" : "  ");
		fputc('\n', out);
	}
}
