/* The --help text of a command, generated from its table (cli.h). */
#include <string.h>

#include "cli.h"

/* Options whose left column is wider than this put their help on the next line. */
#define LEFT_MAX 26

/* "-j, --jobs N", "--trace FILE", "--json" */
static int left(char *buf, size_t len, const cli_option_t *o)
{
	char letter[8] = "";
	if (o->letter)
		snprintf(letter, sizeof letter, "-%c, ", o->letter);
	return snprintf(buf, len, "%s--%s%s%s", letter, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
}

/* The help lines of a row, the first after the left column, the others indented to the same column. */
static void row(FILE *out, const char *left_col, int width, const char *help, bool repeatable)
{
	int pad = width - (int)strlen(left_col);
	if (pad < 2) {
		fprintf(out, "  %s\n", left_col);
		fprintf(out, "  %*s", width, "");
	} else {
		fprintf(out, "  %s%*s", left_col, pad, "");
	}
	for (const char *p = help;;) {
		size_t n = strcspn(p, "\n");
		fprintf(out, "%.*s", (int)n, p);
		if (!p[n])
			break;
		p += n + 1;
		fprintf(out, "\n  %*s", width, "");
	}
	fputs(repeatable ? " (repeatable)\n" : "\n", out);
}

void cli_help(const cli_spec_t *spec, FILE *out)
{
	char buf[128];
	int width = (int)strlen("-h, --help");
	bool single = false;
	for (size_t i = 0; i < spec->noptions; i++) {
		int n = left(buf, sizeof buf, &spec->options[i]);
		if (n <= LEFT_MAX && n > width)
			width = n;
		single |= spec->options[i].kind == CLI_VALUE;
	}
	width += 2;
	fputs(spec->usage, out);
	fprintf(out, "\n%s:\n", spec->title ? spec->title : "options");
	for (size_t i = 0; i < spec->noptions; i++) {
		const cli_option_t *o = &spec->options[i];
		left(buf, sizeof buf, o);
		row(out, buf, width, o->help, o->kind == CLI_LIST);
	}
	row(out, "-h, --help", width, "this help", false);
	if (spec->notes)
		fputs(spec->notes, out);
	if (single)
		fputs("  an option that takes a value may be given once, unless it is marked repeatable\n", out);
}
