/* The CSV writer (see mmusim_csv.h). */
#include "mmusim_csv.h"

#include <string.h>

void csv_init(csv_t *c, FILE *out)
{
	c->out = out;
	c->in_row = false;
}

static void separate(csv_t *c)
{
	if (c->in_row)
		fputc(',', c->out);
	c->in_row = true;
}

void csv_text(csv_t *c, const char *s)
{
	separate(c);
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, c->out);
		return;
	}
	fputc('"', c->out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', c->out);
		fputc(*s, c->out);
	}
	fputc('"', c->out);
}

void csv_value(csv_t *c, result_type_t type, result_value_t v)
{
	if (type == RESULT_TEXT) {
		csv_text(c, v.s);
		return;
	}
	char buf[48];
	result_value_format(type, v, buf, sizeof buf);
	separate(c);
	fputs(buf, c->out);
}

void csv_empty(csv_t *c)
{
	separate(c);
}

void csv_end_row(csv_t *c)
{
	fputc('\n', c->out);
	c->in_row = false;
}
