#ifndef MMUSIM_CLI_H
#define MMUSIM_CLI_H

/*
 * The command-line layer of every front end: mmusim's commands, mmucosim-<config> and mmusim-tlm (C++ calls it
 * too). A command declares a table of its options; cli_parse() reads argv against it and cli_help() prints the
 * --help text from it, so the options a command takes and the ones its help lists cannot drift apart.
 *
 * Conventions (GNU's, which users know from other tools):
 * - `--name VALUE` and `--name=VALUE`; a short letter where the table gives one (`-j 4`, `-j4`); `-h`, `--help`.
 * - Options and operands in any order; `--` ends the options (what follows is an operand).
 * - Long names are matched whole: an abbreviation (`--conf` for `--config`) is an unknown option. getopt_long
 *   would take unambiguous prefixes, but a script written with one breaks the day an option with the same prefix
 *   is added, and the error messages name options as the user typed them.
 * - A single-valued option given twice is an error naming both values, never a silent last-wins; repeatable
 *   options (CLI_LIST) keep every value in the order given. A flag given twice is the same flag.
 * - Errors go to stderr as "PROG: [CMD: ]..." (cli_fail) and the command exits with status 2.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#include "mmu/mmu_config.h" /* the model's headers have no extern "C" of their own */
#include "mmu/mmu_sim.h"
#include "mmu/mmu_trace.h"

typedef enum cli_kind {
	CLI_FLAG,  /* no value; dest is a bool */
	CLI_VALUE, /* one value, at most once; dest is a const char * (NULL when absent) */
	CLI_LIST,  /* one value each time, repeatable, in order; dest is a cli_list_t */
} cli_kind_t;

/* The values of a repeatable option, pointing into argv; freed by cli_list_free() (or cli_free()). */
typedef struct cli_list {
	const char **items;
	size_t n;
} cli_list_t;

/* One row of a command's table. */
typedef struct cli_option {
	const char *name; /* long name, without "--" */
	char letter;      /* short name, or 0 */
	cli_kind_t kind;
	const char *arg;  /* the value's name in the help ("FILE"); NULL for a flag */
	void *dest;       /* bool *, const char ** or cli_list_t *, by kind */
	const char *help; /* one or more lines separated by '\n'; "(repeatable)" is added to CLI_LIST rows */
} cli_option_t;

typedef struct cli_spec {
	const char *prog;  /* the program in every message: "mmusim", "mmusim-tlm", "mmucosim-default" */
	const char *cmd;   /* the subcommand that prefixes the parser's messages ("sweep"), or NULL */
	const char *usage; /* the help's synopsis and description, before the options */
	const char *title; /* heading of the options in the help; NULL: "options" */
	const char *notes; /* help text after the options, or NULL */
	const cli_option_t *options;
	size_t noptions;
	const char *operand;       /* the one positional argument the command takes ("PID"), or NULL: none */
	const char **operand_dest; /* where it goes (NULL when absent) */
	cli_list_t *operands;      /* or: every positional argument, in order (operand names them in the help) */
} cli_spec_t;

/*
 * Parses argv[0..argc) (the arguments only, without the program or command name) into the table's destinations,
 * which it first resets. Returns true when the command should go on; false when it should end with *status: 0 after
 * --help (printed on stdout), 2 after an error (printed on stderr). argv itself is left as it is. Sets the program
 * name of cli_fail() to spec->prog. Free the lists with cli_free() in any case.
 */
bool cli_parse(const cli_spec_t *spec, int argc, char **argv, int *status);

/* The --help text, generated from the table. */
void cli_help(const cli_spec_t *spec, FILE *out);

/* Frees the lists of every CLI_LIST row of the table (and empties them). */
void cli_free(const cli_spec_t *spec);
void cli_list_free(cli_list_t *list);

/* The program name of the messages (set by cli_parse(); "mmusim" before). */
void cli_set_prog(const char *prog);
const char *cli_prog(void);

/* "PROG: " then the message and a newline on stderr; returns 2, the exit status of an input error. */
int cli_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_vfail(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A number: 0x (or 0X) then hex digits, or decimal digits; nothing else (no sign, no space, no octal). */
bool cli_number(const char *s, uint64_t *v);
/* Hex digits with or without 0x, as OSTEP's homework prints addresses. */
bool cli_hex(const char *s, uint64_t *v);
/*
 * An option's number (cli_number) in min..max; 0, or 2 after the message the configuration keys give: "OPTION: 'S'
 * is not a number", "... is negative (expected MIN..MAX)", "... is out of range MIN..MAX". Nothing is clamped.
 */
int cli_option_number(const char *option, const char *s, uint64_t min, uint64_t max, uint64_t *v);

/*
 * Page permissions (MMU_PERM_W, _X, _U of mmu_os.h) from a comma-separated list of r, w, x, u that holds r:
 * "r,w,x,u", "r,u", "r"; with unreadable_ok (a mode with an R bit, RISC-V) r may be left out, which sets
 * MMU_PERM_NO_R ("x,u": an execute-only page). 0, or 2 after the message "OPTION 'S': 'T' is not one of r, w, x, u
 * ...".
 */
int cli_perms(const char *option, const char *s, bool unreadable_ok, unsigned *perms);
/*
 * The progress line of a long run, on stderr and only when stderr is a terminal (a log or a pipe gets none):
 * "\rPROG: 12.3 %  4096 UNIT  1.5 s", the percentage where the total is known, rewritten in place.
 */
typedef struct cli_progress {
	bool on;            /* stderr is a terminal */
	bool shown;         /* a line was printed */
	double start, last; /* monotonic seconds */
} cli_progress_t;

void cli_progress_start(cli_progress_t *p);
/* Whether a quarter of a second has passed since the last line (false at once when off: no clock read). */
bool cli_progress_due(cli_progress_t *p);
/* The line: done of total (total 0: unknown), count UNIT so far; final ends it with a newline. */
void cli_progress_show(cli_progress_t *p, uint64_t done, uint64_t total, uint64_t count, const char *unit, bool final);
/* Monotonic seconds, for timing a run. */
double cli_seconds(void);

/*
 * SIGINT and SIGTERM during a long run: noted rather than fatal, so the run can stop at a clean point (the end of a
 * cycle or a transaction), print what it did marked as interrupted, and exit with cli_interrupt_status(). A second
 * signal ends the process as usual; a signal ignored when the program started (a background job) stays ignored.
 */
void cli_interrupt_catch(void);
/* The signal caught (SIGINT, SIGTERM), or 0. Cheap: a load of a flag. */
int cli_interrupted(void);
/* "SIGINT", "SIGTERM" (NULL before a signal). */
const char *cli_interrupt_name(void);
/* The exit status of an interrupted run: 128 + the signal's number (130 for SIGINT, 143 for SIGTERM). */
int cli_interrupt_status(void);

/* The trace a command reads: the one given, or the bundled workload when given is NULL. */
const char *cli_trace_path(const char *given);

/*
 * Opens a trace: path ("-" = standard input; compression is detected) in format (a name of mmu_trace_format_parse;
 * NULL = auto). Returns 0, or an error code with msg set: "--format: 'F' is not one of lackey, text, champsim,
 * champsim-cloudsuite, din, auto", or mmu_trace_open()'s message naming the file.
 */
int cli_trace_open(const char *path, const char *format, mmu_trace_t **out, char *msg, size_t msglen);

/*
 * Output files, written whole or not at all (cli_output.c). Every file a front end writes goes through these:
 * - the contents go to a new temporary file beside the destination (".NAME.tmp-XXXXXX", created with O_EXCL and
 *   mode 0666 less the umask, as a plain create gives), which is flushed, fsync()ed and closed, then renamed onto the
 *   destination: a reader sees the old file or the new one, never part of one;
 * - on any error the temporary is removed and the destination is as it was; SIGINT, SIGTERM, SIGHUP and SIGPIPE
 *   (where the program left them at their default) remove the temporaries too before the signal ends the program
 *   (SIGKILL cannot be caught: the temporary stays, the destination is still untouched);
 * - a symbolic link at the destination is refused, dangling or not, even when replacing: nothing is ever written
 *   through a link; so is anything but a regular file;
 * - an existing file is replaced only when the caller says so (--force); without, the final rename refuses to
 *   replace a file that appeared meanwhile.
 * Replacing gives the file a new inode: hard links to the old one keep the old contents.
 * For tests only: MMUSIM_TEST_STOP_WRITING=NAME in the environment stops the program (SIGSTOP) in the middle of
 * writing the file named NAME (cli_output.c, testbench/output/check.sh).
 */
typedef enum cli_out_err {
	CLI_OUT_OK = 0,
	CLI_OUT_EXISTS,   /* the destination exists and replacing was not asked for */
	CLI_OUT_LINK,     /* the destination is a symbolic link */
	CLI_OUT_NOT_FILE, /* the destination is a directory, a device, a FIFO... */
	CLI_OUT_IO,       /* a system call failed: msg says which, with strerror() */
} cli_out_err_t;

typedef struct cli_out {
	FILE *f; /* write the contents here */
	char path[4096], tmp[4096];
	bool replace;
	int slot; /* its place in the list of temporaries a signal removes, plus one; 0 when not listed */
} cli_out_t;

/*
 * Whether path may be written: CLI_OUT_OK, or the refusal with msg ("PATH is a symbolic link; ..."). Lets a command
 * refuse before it does its work; cli_out_open() checks again.
 */
cli_out_err_t cli_out_check(const char *path, bool replace, char *msg, size_t msglen);

/* Creates the temporary for path. On an error nothing is left open or created. */
cli_out_err_t cli_out_open(cli_out_t *o, const char *path, bool replace, char *msg, size_t msglen);

/*
 * Flushes, fsync()s and closes the temporary: every write error shows here (ENOSPC, EIO, EDQUOT). On an error the
 * temporary is removed. Then cli_out_commit() (or cli_out_discard()).
 */
cli_out_err_t cli_out_finish(cli_out_t *o, char *msg, size_t msglen);

/* Finishes the file if not yet done, then renames it into place. On an error the temporary is removed. */
cli_out_err_t cli_out_commit(cli_out_t *o, char *msg, size_t msglen);

/* Drops the file: the temporary removed, the destination untouched. Harmless after commit or on a zeroed cli_out_t. */
void cli_out_discard(cli_out_t *o);

/*
 * A file written by one function (which returns non-zero on a failure, errno set): opened, filled and finished,
 * ready for cli_out_commit(); then the whole cycle, committed.
 */
cli_out_err_t cli_out_fill(cli_out_t *o, const char *path, bool replace, int (*fill)(FILE *f, const void *ctx),
                           const void *ctx, char *msg, size_t msglen);
cli_out_err_t cli_out_write(const char *path, bool replace, int (*fill)(FILE *f, const void *ctx), const void *ctx,
                            char *msg, size_t msglen);

/*
 * A set of files that belong together (a sweep's CSV and plots): renamed into place one after the other once every
 * one is finished. Returns CLI_OUT_OK, or the first error: the files not yet renamed are discarded.
 */
cli_out_err_t cli_out_commit_all(cli_out_t *outs, size_t n, char *msg, size_t msglen);
void cli_out_discard_all(cli_out_t *outs, size_t n);

/* fork() for a child that will exec another program: the child never removes its parent's temporaries. */
int cli_fork(void);

/*
 * The end of every front end's main: stdout flushed, its error flag and its close checked. Returns rc; when rc is 0
 * and stdout could not be written, the message ("PROG: writing to standard output: No space left on device") and 2.
 * stdout stays usable (the check closes a duplicate).
 */
int cli_stdout_finish(int rc);

/* The configuration options of every simulating command: --preset, --config, --set (repeatable), --seed. */
typedef struct cli_cfg_opts {
	const char *preset, *config, *seed;
	cli_list_t sets;
} cli_cfg_opts_t;

/* Their rows, for a table: CLI_CFG_OPTIONS(&opts). */
// clang-format off
#define CLI_CFG_OPTIONS(c)                                                                                             \
	{"preset", 0, CLI_VALUE, "NAME", &(c)->preset, "start from a named configuration (mmusim config --presets)"},  \
	{"config", 0, CLI_VALUE, "FILE", &(c)->config,                                                                 \
	 "INI config file ([tlb.l1d] entries = 64, ...; applied after --preset)"},                                     \
	{"set", 0, CLI_LIST, "KEY=VALUE", &(c)->sets, "set one config key, applied after --config"},                   \
	{"seed", 0, CLI_VALUE, "N", &(c)->seed, "same as --set seed=N"}
// clang-format on

/* The sources of mmu_cfg_build() that these options give. */
mmu_cfg_sources_t cli_cfg_sources(const cli_cfg_opts_t *c);

/* mmu_cfg_build() onto cfg; 0, or 2 after its message. */
int cli_cfg_build(mmu_cfg_t *cfg, const mmu_cfg_sources_t *src);
/* --engine NAME (NULL: the default, fast); 0, or 2 after the message. */
int cli_engine(const char *name, mmu_engine_t *engine);
/* The same from the defaults: the configuration these options describe. */
int cli_config(const cli_cfg_opts_t *c, mmu_cfg_t *cfg);

/* s as one word for a POSIX shell: as it is when no character in it is special, single-quoted otherwise (a command a
 * user may paste, a script the program writes). */
void cli_sh_word(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif

#endif
