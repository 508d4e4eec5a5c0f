/*
 * The option parser: glibc's getopt_long driven by a command's table (cli.h).
 *
 * Why getopt_long and not libpopt or argtable2: it is part of the C library, so no front end gains a dependency,
 * and it implements the GNU conventions users already know (--name=value, -j4, --). What it does not give is done
 * here: whole-name matching (getopt_long takes abbreviations), the refusal of a single-valued option given twice,
 * and the project's own messages (opterr = 0).
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* getopt_long's value for row i of the table; above every character, so short letters stay distinct. */
#define LONG_BASE 256

typedef struct parse {
	const cli_spec_t *spec;
	int argc;
	char **argv; /* a copy with the program name first, as getopt wants it */
} parse_t;

/* The message prefix of the parser: "PROG: " (cli_fail) then "CMD: " for a subcommand. */
static int parse_fail(const parse_t *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int parse_fail(const parse_t *p, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return p->spec->cmd ? cli_fail("%s: %s", p->spec->cmd, msg) : cli_fail("%s", msg);
}

/* "(see mmusim sweep --help)" */
static int fail_see_help(const parse_t *p, const char *what, const char *arg)
{
	const cli_spec_t *s = p->spec;
	return parse_fail(p, "%s '%s' (see %s%s%s --help)", what, arg, s->prog, s->cmd ? " " : "",
	                  s->cmd ? s->cmd : "");
}

static void reset(const cli_spec_t *spec)
{
	for (size_t i = 0; i < spec->noptions; i++) {
		const cli_option_t *o = &spec->options[i];
		if (o->kind == CLI_FLAG)
			*(bool *)o->dest = false;
		else if (o->kind == CLI_VALUE)
			*(const char **)o->dest = NULL;
		else
			*(cli_list_t *)o->dest = (cli_list_t){0};
	}
	if (spec->operand_dest)
		*spec->operand_dest = NULL;
	if (spec->operands)
		*spec->operands = (cli_list_t){0};
}

static int operand(const parse_t *p, const char *arg)
{
	cli_list_t *l = p->spec->operands;
	if (l) {
		if (!l->items && !(l->items = calloc((size_t)p->argc, sizeof *l->items)))
			return cli_fail("out of memory");
		l->items[l->n++] = arg; /* at most one per argument: argc slots are enough */
		return 0;
	}
	if (!p->spec->operand || *p->spec->operand_dest)
		return fail_see_help(p, "unexpected argument", arg);
	*p->spec->operand_dest = arg;
	return 0;
}

/*
 * The argv element that named the option getopt_long just returned: the last it consumed, or the one before when
 * the value was a separate element ("--trace F").
 */
static const char *element(const parse_t *p, const cli_option_t *o)
{
	if (o && o->kind != CLI_FLAG && optind >= 2 && optarg == p->argv[optind - 1])
		return p->argv[optind - 2];
	return p->argv[optind - 1];
}

/* Whether a long option was typed whole ("--config", "--config=F"), not abbreviated ("--conf"). */
static bool typed_whole(const char *elem, const char *name)
{
	size_t n = strcspn(elem + 2, "=");
	return !strncmp(elem, "--", 2) && n == strlen(name) && !strncmp(elem + 2, name, n);
}

static int store(const parse_t *p, const cli_option_t *o, const char *value)
{
	if (o->kind == CLI_FLAG) {
		*(bool *)o->dest = true;
	} else if (o->kind == CLI_VALUE) {
		const char **slot = o->dest;
		if (*slot)
			return parse_fail(p, "--%s given twice ('%s', then '%s')", o->name, *slot, value);
		*slot = value;
	} else {
		cli_list_t *l = o->dest;
		if (!l->items && !(l->items = calloc((size_t)p->argc, sizeof *l->items)))
			return parse_fail(p, "out of memory");
		l->items[l->n++] = value; /* at most one per argument: argc slots are enough */
	}
	return 0;
}

/* The name of the option getopt_long complained about, as "--name" or "-x". */
static void complained(const parse_t *p, char *buf, size_t len)
{
	if (optopt >= LONG_BASE && (size_t)(optopt - LONG_BASE) < p->spec->noptions)
		snprintf(buf, len, "--%s", p->spec->options[optopt - LONG_BASE].name);
	else if (optopt == LONG_BASE + (int)p->spec->noptions)
		snprintf(buf, len, "--help");
	else
		snprintf(buf, len, "-%c", optopt);
}

static const cli_option_t *by_letter(const cli_spec_t *spec, int c)
{
	for (size_t i = 0; i < spec->noptions; i++)
		if (spec->options[i].letter == c)
			return &spec->options[i];
	return NULL;
}

/* One getopt_long result: 0 to go on, 1 after --help, 2 after an error. */
static int one(const parse_t *p, int c)
{
	const cli_spec_t *spec = p->spec;
	char name[80];
	if (c == 1) /* an operand, in order ('-' at the start of the option string) */
		return operand(p, optarg);
	if (c == ':') {
		complained(p, name, sizeof name);
		return parse_fail(p, "option %s needs a value", name);
	}
	if (c == '?') {
		if (optopt == 0) /* an unknown or ambiguous long option: getopt has stepped over it */
			return fail_see_help(p, "unknown option", p->argv[optind - 1]);
		if (optopt >= LONG_BASE) {
			complained(p, name, sizeof name);
			return parse_fail(p, "option %s takes no value", name);
		}
		snprintf(name, sizeof name, "-%c", optopt);
		return fail_see_help(p, "unknown option", name);
	}
	const cli_option_t *o = c >= LONG_BASE && (size_t)(c - LONG_BASE) < spec->noptions
	                            ? &spec->options[c - LONG_BASE]
	                            : by_letter(spec, c);
	if (c >= LONG_BASE) {
		const char *elem = element(p, o);
		if (!typed_whole(elem, o ? o->name : "help")) {
			char typed[256];
			snprintf(typed, sizeof typed, "%.*s", (int)strcspn(elem, "="), elem);
			return fail_see_help(p, "unknown option", typed);
		}
	}
	if (!o) { /* -h, --help */
		cli_help(spec, stdout);
		return 1;
	}
	return store(p, o, optarg) ? 2 : 0;
}

/* getopt_long's tables from ours; the caller frees both. */
static int tables(const cli_spec_t *spec, struct option **longopts, char **shortopts)
{
	*longopts = calloc(spec->noptions + 2, sizeof **longopts);
	*shortopts = malloc(3 * spec->noptions + 8);
	if (!*longopts || !*shortopts)
		return -1;
	/* '-': operands come back in order (code 1), so argv is never permuted; ':': a missing value is ':' */
	char *s = *shortopts;
	*s++ = '-';
	*s++ = ':';
	for (size_t i = 0; i < spec->noptions; i++) {
		const cli_option_t *o = &spec->options[i];
		(*longopts)[i] = (struct option){o->name, o->kind == CLI_FLAG ? no_argument : required_argument, NULL,
		                                 LONG_BASE + (int)i};
		if (o->letter) {
			*s++ = o->letter;
			if (o->kind != CLI_FLAG)
				*s++ = ':';
		}
	}
	(*longopts)[spec->noptions] = (struct option){"help", no_argument, NULL, LONG_BASE + (int)spec->noptions};
	*s++ = 'h';
	*s = '\0';
	return 0;
}

bool cli_parse(const cli_spec_t *spec, int argc, char **argv, int *status)
{
	cli_set_prog(spec->prog);
	reset(spec);
	parse_t p = {.spec = spec, .argc = argc + 1};
	struct option *longopts = NULL;
	char *shortopts = NULL;
	p.argv = calloc((size_t)argc + 2, sizeof *p.argv);
	int rc = 0;
	if (!p.argv || tables(spec, &longopts, &shortopts))
		rc = cli_fail("out of memory");
	if (!rc) {
		p.argv[0] = (char *)spec->prog;
		memcpy(p.argv + 1, argv, (size_t)argc * sizeof *argv);
		optind = 0; /* glibc: 0 starts a new scan from scratch (1 would keep the state of an earlier one) */
		opterr = 0; /* the messages are ours */
		int c;
		while (!rc && (c = getopt_long(p.argc, p.argv, shortopts, longopts, NULL)) != -1)
			rc = one(&p, c);
		for (int i = optind; !rc && i < p.argc; i++) /* after "--" */
			rc = operand(&p, p.argv[i]);
	}
	free(longopts);
	free(shortopts);
	free(p.argv);
	*status = rc == 1 ? 0 : rc;
	return rc == 0;
}

void cli_list_free(cli_list_t *list)
{
	free(list->items);
	*list = (cli_list_t){0};
}

void cli_free(const cli_spec_t *spec)
{
	for (size_t i = 0; i < spec->noptions; i++)
		if (spec->options[i].kind == CLI_LIST)
			cli_list_free(spec->options[i].dest);
}
