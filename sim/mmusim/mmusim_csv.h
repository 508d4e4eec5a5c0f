#ifndef MMUSIM_CSV_H
#define MMUSIM_CSV_H

#include <stdbool.h>
#include <stdio.h>

#include "mmusim_results.h"

/*
 * The one CSV writer of mmusim (RFC 4180): fields separated by commas, rows ended by a newline; a field holding a
 * comma, a double quote, CR or LF is quoted, its quotes doubled. Numbers are never quoted, so pandas and Python's
 * csv module read them as numbers. Every row must have as many fields as the header: the callers write one field
 * per column, empty where a row has no value.
 */
typedef struct csv {
	FILE *out;
	bool in_row; /* a field was written on this row: the next one needs a separator */
} csv_t;

void csv_init(csv_t *c, FILE *out);
void csv_text(csv_t *c, const char *s);
/* A typed value: numbers as every output prints them (result_value_format), text through csv_text. */
void csv_value(csv_t *c, result_type_t type, result_value_t v);
void csv_empty(csv_t *c);
void csv_end_row(csv_t *c);

#endif
