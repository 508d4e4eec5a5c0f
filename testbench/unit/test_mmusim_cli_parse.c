/*
 * The command-line layer (sim/cli): the table-driven parser, its messages and generated help, the numbers options
 * take, opening a trace. In-process: several parses run in one process, as getopt_long's state must allow.
 */
#include "cli.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A command with one option of each kind, a short letter and an operand. */
typedef struct opts {
	const char *trace, *jobs, *pid;
	cli_list_t sets;
	bool json;
} opts_t;

static opts_t o;
static const cli_option_t table[] = {
    {"trace", 0, CLI_VALUE, "FILE", &o.trace, "the trace"},
    {"jobs", 'j', CLI_VALUE, "N", &o.jobs, "threads"},
    {"set", 0, CLI_LIST, "K=V", &o.sets, "one setting"},
    {"json", 0, CLI_FLAG, NULL, &o.json, "JSON output\nsecond line"},
};
static const cli_spec_t spec = {.prog = "prog",
                                .usage = "usage: prog [options] [PID]\n",
                                .options = table,
                                .noptions = sizeof table / sizeof table[0],
                                .operand = "PID",
                                .operand_dest = &o.pid};

typedef struct result {
	bool go;
	int status;
	char out[2048], err[1024];
} result_t;

typedef struct capture {
	int fd, saved;
	FILE *file;
} capture_t;

static void capture_start(capture_t *c, FILE *stream)
{
	c->fd = fileno(stream);
	c->file = tmpfile();
	cr_assert(c->file);
	fflush(stream);
	c->saved = dup(c->fd);
	dup2(fileno(c->file), c->fd);
}

static void capture_end(capture_t *c, FILE *stream, char *buf, size_t cap)
{
	fflush(stream);
	dup2(c->saved, c->fd);
	close(c->saved);
	rewind(c->file);
	buf[fread(buf, 1, cap - 1, c->file)] = '\0';
	fclose(c->file);
}

/* Parses the space-separated words of args against tbl; stdout and stderr are captured into r. */
static void parse_with(const cli_spec_t *tbl, const char *args, result_t *r)
{
	char *copy = strdup(args), *argv[32];
	int argc = 0;
	for (char *w = strtok(copy, " "); w && argc < 32; w = strtok(NULL, " "))
		argv[argc++] = w;
	capture_t out, err;
	capture_start(&out, stdout);
	capture_start(&err, stderr);
	r->go = cli_parse(tbl, argc, argv, &r->status);
	capture_end(&err, stderr, r->err, sizeof r->err);
	capture_end(&out, stdout, r->out, sizeof r->out);
	/* the values point into copy: kept until the next parse of the test */
	static char *last;
	free(last);
	last = copy;
}

static void parse(const char *args, result_t *r)
{
	parse_with(&spec, args, r);
}

static void expect_error(const char *args, const char *message)
{
	result_t r;
	parse(args, &r);
	cr_assert(!r.go, "'%s' was accepted", args);
	cr_assert_eq(r.status, 2, "'%s': status %d", args, r.status);
	cr_assert_str_eq(r.err, message, "'%s'", args);
	cli_free(&spec);
}

Test(cli_parse, values_flags_and_lists)
{
	result_t r;
	parse("--trace t.txt --json --set a=1 -j 4 123", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_str_eq(o.trace, "t.txt");
	cr_assert(o.json);
	cr_assert_str_eq(o.jobs, "4");
	cr_assert_str_eq(o.pid, "123");
	cr_assert_eq(o.sets.n, 1);
	cr_assert_str_eq(r.err, "");
	cli_free(&spec);
	cr_assert_eq(o.sets.n, 0);
	cr_assert_null(o.sets.items);
}

Test(cli_parse, a_new_parse_starts_from_nothing)
{
	result_t r;
	parse("--trace a --json --set x=1", &r);
	cr_assert(r.go);
	cli_free(&spec);
	parse("--set y=2", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_null(o.trace, "a value of the earlier parse survived");
	cr_assert(!o.json);
	cr_assert_eq(o.sets.n, 1);
	cr_assert_str_eq(o.sets.items[0], "y=2");
	cli_free(&spec);
}

Test(cli_parse, unknown_option)
{
	expect_error("--fast", "prog: unknown option '--fast' (see prog --help)\n");
	expect_error("--trace t --fast=1", "prog: unknown option '--fast=1' (see prog --help)\n");
	expect_error("-x", "prog: unknown option '-x' (see prog --help)\n");
}

Test(cli_parse, abbreviations_are_unknown_options)
{
	expect_error("--tra t.txt", "prog: unknown option '--tra' (see prog --help)\n");
	expect_error("--js", "prog: unknown option '--js' (see prog --help)\n");
	expect_error("--jobs=2 --se=a=1", "prog: unknown option '--se' (see prog --help)\n");
	expect_error("--hel", "prog: unknown option '--hel' (see prog --help)\n");
}

Test(cli_parse, missing_value)
{
	expect_error("--json --trace", "prog: option --trace needs a value\n");
	expect_error("--set", "prog: option --set needs a value\n");
	expect_error("-j", "prog: option -j needs a value\n");
}

Test(cli_parse, a_flag_takes_no_value)
{
	expect_error("--json=yes", "prog: option --json takes no value\n");
}

Test(cli_parse, single_valued_option_given_twice)
{
	expect_error("--trace a --trace=b", "prog: --trace given twice ('a', then 'b')\n");
	expect_error("-j 2 --jobs 3", "prog: --jobs given twice ('2', then '3')\n");
	/* even with the same value: the second is a mistake in the command, not a choice */
	expect_error("--trace a --trace a", "prog: --trace given twice ('a', then 'a')\n");
}

Test(cli_parse, a_flag_twice_is_the_same_flag)
{
	result_t r;
	parse("--json --json", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert(o.json);
	cli_free(&spec);
}

Test(cli_parse, repeatable_option_keeps_every_value_in_order)
{
	result_t r;
	parse("--set a=1 --trace t --set=b=2,c=3 --set a=4", &r);
	cr_assert(r.go, "%s", r.err);
	const char *want[] = {"a=1", "b=2,c=3", "a=4"};
	cr_assert_eq(o.sets.n, 3);
	for (size_t i = 0; i < 3; i++)
		cr_assert_str_eq(o.sets.items[i], want[i]);
	cli_free(&spec);
}

Test(cli_parse, equals_form_and_attached_short_value)
{
	result_t r;
	parse("--trace=x.gz -j8", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_str_eq(o.trace, "x.gz");
	cr_assert_str_eq(o.jobs, "8");
	cli_free(&spec);
	parse("--trace= --jobs=", &r); /* an empty value is a value: the command judges it */
	cr_assert(r.go, "%s", r.err);
	cr_assert_str_eq(o.trace, "");
	cr_assert_str_eq(o.jobs, "");
	cli_free(&spec);
}

Test(cli_parse, a_value_may_start_with_a_dash)
{
	result_t r;
	parse("--trace - --set -1", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_str_eq(o.trace, "-");
	cr_assert_str_eq(o.sets.items[0], "-1");
	cli_free(&spec);
}

Test(cli_parse, double_dash_ends_the_options)
{
	result_t r;
	parse("--json -- --trace", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_str_eq(o.pid, "--trace", "after --, an option name is an operand");
	cr_assert_null(o.trace);
	cli_free(&spec);
	expect_error("-- 1 2", "prog: unexpected argument '2' (see prog --help)\n");
}

Test(cli_parse, operands_anywhere_but_not_too_many)
{
	result_t r;
	parse("42 --json", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_str_eq(o.pid, "42");
	cr_assert(o.json);
	cli_free(&spec);
	expect_error("42 --json 43", "prog: unexpected argument '43' (see prog --help)\n");
}

Test(cli_parse, every_operand_in_order_when_the_command_takes_several)
{
	cli_list_t files;
	const cli_spec_t many = {
	    .prog = "prog", .usage = "", .options = table, .noptions = 4, .operand = "FILE", .operands = &files};
	result_t r;
	parse_with(&many, "a.csv --json b.csv -- --c.csv", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_eq(files.n, 3);
	cr_assert_str_eq(files.items[0], "a.csv");
	cr_assert_str_eq(files.items[1], "b.csv");
	cr_assert_str_eq(files.items[2], "--c.csv", "after --, an option name is an operand");
	cr_assert(o.json);
	cli_list_free(&files);
	parse_with(&many, "--json", &r);
	cr_assert(r.go, "%s", r.err);
	cr_assert_eq(files.n, 0, "a new parse starts with no operand");
	cli_list_free(&files);
	cli_free(&many);
}

Test(cli_parse, argv_is_left_in_its_order)
{
	char a0[] = "7", a1[] = "--json", a2[] = "--trace", a3[] = "t";
	char *argv[] = {a0, a1, a2, a3};
	int status;
	cr_assert(cli_parse(&spec, 4, argv, &status));
	cr_assert(argv[0] == a0 && argv[1] == a1 && argv[2] == a2 && argv[3] == a3, "argv was permuted");
	cli_free(&spec);
}

Test(cli_parse, a_subcommand_prefixes_its_messages)
{
	const cli_spec_t sub = {.prog = "mmusim", .cmd = "sweep", .usage = "", .options = table, .noptions = 4};
	result_t r;
	parse_with(&sub, "--bogus", &r);
	cr_assert_str_eq(r.err, "mmusim: sweep: unknown option '--bogus' (see mmusim sweep --help)\n");
	parse_with(&sub, "7", &r);
	cr_assert_str_eq(r.err, "mmusim: sweep: unexpected argument '7' (see mmusim sweep --help)\n",
	                 "an operand where the command takes none");
	parse_with(&sub, "--trace a --trace b", &r);
	cr_assert_str_eq(r.err, "mmusim: sweep: --trace given twice ('a', then 'b')\n");
	cli_free(&sub);
}

Test(cli_parse, help_stops_with_status_0)
{
	result_t r;
	parse("--set a=1 --help --bogus", &r);
	cr_assert(!r.go);
	cr_assert_eq(r.status, 0);
	cr_assert_str_eq(r.err, "", "--help ends the parse before the later mistake");
	cr_assert(!strncmp(r.out, "usage: prog", 11), "the help goes to stdout: '%s'", r.out);
	cli_free(&spec);
	parse("-h", &r);
	cr_assert(!r.go);
	cr_assert_eq(r.status, 0);
	cr_assert(!strncmp(r.out, "usage: prog", 11));
}

Test(cli_help, lists_every_option_of_the_table)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cli_help(&spec, f);
	fclose(f);
	cr_assert(!strncmp(text, "usage: prog [options] [PID]\n\noptions:\n", 38), "%s", text);
	/* the help column: the widest left part (12) and two spaces after the indent of two */
	const char *rows[] = {"  --trace FILE  the trace\n",
	                      "  -j, --jobs N  threads\n",
	                      "  --set K=V     one setting (repeatable)\n",
	                      "  --json        JSON output\n                second line\n",
	                      "  -h, --help    this help\n",
	                      "  an option that takes a value may be given once, unless it is marked repeatable\n"};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		cr_assert(strstr(text, rows[i]), "no row '%s' in:\n%s", rows[i], text);
	free(text);
}

Test(cli_number, hex_with_0x_or_decimal)
{
	uint64_t v;
	cr_assert(cli_number("0x611c", &v) && v == 0x611c);
	cr_assert(cli_number("0X1F", &v) && v == 31);
	cr_assert(cli_number("24860", &v) && v == 24860);
	cr_assert(cli_number("010", &v) && v == 10, "a leading zero is not octal");
	cr_assert(cli_number("18446744073709551615", &v) && v == UINT64_MAX);
	const char *bad[] = {"611c", "", "0x", "-1", "+1", " 1", "1 ", "0x-1", "18446744073709551616", "0x1g"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert(!cli_number(bad[i], &v), "'%s' was taken as a number", bad[i]);
	cr_assert(!cli_number(NULL, &v));
}

Test(cli_number, hex_as_ostep_prints_it)
{
	uint64_t v;
	cr_assert(cli_hex("611c", &v) && v == 0x611c);
	cr_assert(cli_hex("0x611c", &v) && v == 0x611c);
	cr_assert(cli_hex("10", &v) && v == 16);
	cr_assert(!cli_hex("61x", &v));
	cr_assert(!cli_hex("", &v));
	cr_assert(!cli_hex("0x", &v));
}

/* cli_option_number's answer for s in min..max: the value, or the message. */
static int option_number(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *msg, size_t len)
{
	capture_t err;
	capture_start(&err, stderr);
	cli_set_prog("prog");
	int rc = cli_option_number("--seed", s, min, max, v);
	capture_end(&err, stderr, msg, len);
	return rc;
}

Test(cli_number, option_in_range_or_refused_with_the_range)
{
	char msg[256];
	uint64_t v = 7;
	cr_assert_eq(option_number("18446744073709551615", 0, UINT64_MAX, &v, msg, sizeof msg), 0);
	cr_assert_eq(v, UINT64_MAX);
	cr_assert_eq(option_number("0x10", 1, 16, &v, msg, sizeof msg), 0);
	cr_assert_eq(v, 16);
	cr_assert_str_eq(msg, "");
	const struct {
		const char *s, *message;
	} bad[] = {
	    {"18446744073709551616", "prog: --seed: '18446744073709551616' is out of range 1..16\n"},
	    {"99999999999999999999999", "prog: --seed: '99999999999999999999999' is out of range 1..16\n"},
	    {"0x100000000000000000", "prog: --seed: '0x100000000000000000' is out of range 1..16\n"},
	    {"17", "prog: --seed: '17' is out of range 1..16\n"},
	    {"0", "prog: --seed: '0' is out of range 1..16\n"},
	    {"-1", "prog: --seed: '-1' is negative (expected 1..16)\n"},
	    {"-99999999999999999999999", "prog: --seed: '-99999999999999999999999' is negative (expected 1..16)\n"},
	    {"1e6", "prog: --seed: '1e6' is not a number\n"},
	    {"", "prog: --seed: '' is not a number\n"},
	    {" 5", "prog: --seed: ' 5' is not a number\n"},
	    {"0x", "prog: --seed: '0x' is not a number\n"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 7;
		cr_assert_eq(option_number(bad[i].s, 1, 16, &v, msg, sizeof msg), 2, "'%s' was taken", bad[i].s);
		cr_assert_str_eq(msg, bad[i].message);
		cr_assert_eq(v, 7, "'%s': nothing stored on an error", bad[i].s);
	}
}

Test(cli_trace, unknown_format_is_named)
{
	char msg[256];
	mmu_trace_t *t;
	cr_assert_neq(cli_trace_open("-", "lackey2", &t, msg, sizeof msg), 0);
	cr_assert_str_eq(msg,
	                 "--format: 'lackey2' is not one of lackey, text, champsim, champsim-cloudsuite, din, auto");
	cr_assert_neq(cli_trace_open("/nonexistent/t.gz", NULL, &t, msg, sizeof msg), 0);
	cr_assert_str_eq(msg, "/nonexistent/t.gz: No such file or directory");
}

Test(cli_trace, reads_a_text_trace_by_its_format)
{
	char path[] = "/tmp/mmu-cli-trace-XXXXXX";
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	cr_assert_eq(write(fd, "R 1000\nW 2000 2\n", 16), 16);
	close(fd);
	char msg[256];
	mmu_trace_t *t;
	cr_assert_eq(cli_trace_open(path, "text", &t, msg, sizeof msg), 0, "%s", msg);
	mmu_trace_rec_t recs[4];
	cr_assert_eq(mmu_trace_read(t, recs, 4, msg, sizeof msg), 2, "%s", msg);
	cr_assert_eq(recs[1].vaddr, 0x2000);
	cr_assert_eq(recs[1].pid, 2);
	mmu_trace_close(t);
	unlink(path);
	cr_assert_str_eq(cli_trace_path("x"), "x");
	cr_assert(strstr(cli_trace_path(NULL), "workloads/default.lackey.gz"));
}

Test(cli_fail, prefixes_the_program_and_returns_2)
{
	char buf[128];
	capture_t err;
	capture_start(&err, stderr);
	cli_set_prog("mmusim-tlm");
	int rc = cli_fail("%s: %d", "x", 5);
	capture_end(&err, stderr, buf, sizeof buf);
	cr_assert_eq(rc, 2);
	cr_assert_str_eq(buf, "mmusim-tlm: x: 5\n");
	cr_assert_str_eq(cli_prog(), "mmusim-tlm");
}
