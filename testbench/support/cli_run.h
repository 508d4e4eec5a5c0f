#ifndef CLI_RUN_H
#define CLI_RUN_H

#include <stddef.h>

/*
 * What the suites that run mmusim as a program share: one run's exit status and its stdout and stderr, captured
 * apart, and temporary input files.
 */
typedef struct cli_run {
	int status; /* the exit status, -1 when the program did not exit normally */
	char out[1 << 17], err[1 << 14];
} cli_run_t;

/*
 * Runs `program args` through the shell, in directory dir unless it is NULL. Output that does not fit the buffers
 * fails the test rather than being cut short.
 */
void cli_run(cli_run_t *r, const char *dir, const char *program, const char *args);

/* Reads a whole file into buf (NUL-terminated); a file longer than cap - 1 bytes fails the test. */
void cli_slurp(const char *path, char *buf, size_t cap);

/* Writes text to a new temporary file; its name goes into path (64 bytes), which is returned. */
const char *cli_temp_file(char path[64], const char *text);

#endif
