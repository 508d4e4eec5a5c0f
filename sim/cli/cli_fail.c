/* The one error helper of the front ends, and the numbers their options take. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* One program per process: the name the table of its command gave (cli_parse). */
static const char *prog = "mmusim";

void cli_set_prog(const char *name)
{
	prog = name;
}

const char *cli_prog(void)
{
	return prog;
}

int cli_vfail(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	return 2;
}

int cli_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = cli_vfail(fmt, ap);
	va_end(ap);
	return rc;
}

/* strtoull in base 16 or 10 over the whole of s, digits only (strtoull alone takes signs and spaces). */
static bool digits(const char *s, int base, uint64_t *v)
{
	if (!*s || strspn(s, base == 16 ? "0123456789abcdefABCDEF" : "0123456789") != strlen(s))
		return false;
	errno = 0;
	unsigned long long x = strtoull(s, NULL, base);
	if (errno)
		return false;
	*v = x;
	return true;
}

bool cli_number(const char *s, uint64_t *v)
{
	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return digits(s + 2, 16, v);
	return digits(s, 10, v);
}

bool cli_hex(const char *s, uint64_t *v)
{
	if (!s)
		return false;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	return digits(s, 16, v);
}
