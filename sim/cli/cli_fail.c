/* The one error helper of the front ends, and the numbers their options take. */
#include <errno.h>
#include <inttypes.h>
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

/* Decimal digits, or 0x and hex digits: a number's spelling, whatever its size. */
static bool numeral(const char *s)
{
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return s[2] && strspn(s + 2, "0123456789abcdefABCDEF") == strlen(s + 2);
	return *s && strspn(s, "0123456789") == strlen(s);
}

int cli_option_number(const char *option, const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	uint64_t x;
	if (cli_number(s, &x) && x >= min && x <= max) {
		*v = x;
		return 0;
	}
	if (!s || !numeral(s[0] == '-' ? s + 1 : s))
		return cli_fail("%s: '%s' is not a number", option, s ? s : "");
	if (s[0] == '-')
		return cli_fail("%s: '%s' is negative (expected %" PRIu64 "..%" PRIu64 ")", option, s, min, max);
	return cli_fail("%s: '%s' is out of range %" PRIu64 "..%" PRIu64, option, s, min, max);
}
