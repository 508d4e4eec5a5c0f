#ifndef MMUSIM_TABLE_H
#define MMUSIM_TABLE_H

#include <stdbool.h>
#include <stdio.h>

/*
 * A small text table for the lecture commands: cells are formatted as rows are added, columns are aligned when the
 * table is printed, as plain text (left-aligned, two spaces apart) or as a Markdown table. Cells that do not fit are
 * cut, never overflowed.
 */
#define TABLE_ROWS 48
#define TABLE_COLS 8
#define TABLE_CELL 192

typedef struct table {
	char cell[TABLE_ROWS][TABLE_COLS][TABLE_CELL];
	int rows, cols;
	bool header; /* row 0 is a header (Markdown: followed by the |---| line) */
} table_t;

void table_init(table_t *t, int cols, bool header);
/* Starts a row; returns its index or -1 when the table is full. */
int table_row(table_t *t);
/* printf into cell (row, col). */
void table_set(table_t *t, int row, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Adds a row of cols cells given as strings. */
void table_add(table_t *t, const char *const *cells);
void table_print(FILE *out, const table_t *t, const char *indent, bool markdown);

#endif
