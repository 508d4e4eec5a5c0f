/* Running a program under test with its output captured; see cli_run.h. */
#include "cli_run.h"

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

void cli_slurp(const char *path, char *buf, size_t cap)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot read %s", path);
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = 0;
	cr_assert(fgetc(f) == EOF, "%s holds more than the %zu bytes the test keeps", path, cap - 1);
	fclose(f);
}

void cli_run(cli_run_t *r, const char *dir, const char *program, const char *args)
{
	char out[] = "/tmp/mmu-test-out-XXXXXX", err[] = "/tmp/mmu-test-err-XXXXXX";
	int fo = mkstemp(out), fe = mkstemp(err);
	cr_assert(fo >= 0 && fe >= 0);
	close(fo);
	close(fe);
	size_t len = strlen(args) + strlen(program) + (dir ? strlen(dir) : 0) + 128;
	char *cmd = malloc(len);
	cr_assert(cmd);
	if (dir)
		snprintf(cmd, len, "cd '%s' && '%s' %s >%s 2>%s", dir, program, args, out, err);
	else
		snprintf(cmd, len, "'%s' %s >%s 2>%s", program, args, out, err);
	int st = system(cmd);
	free(cmd);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	cli_slurp(out, r->out, sizeof r->out);
	cli_slurp(err, r->err, sizeof r->err);
	unlink(out);
	unlink(err);
}

const char *cli_temp_file(char path[64], const char *text)
{
	strcpy(path, "/tmp/mmu-test-in-XXXXXX");
	int fd = mkstemp(path);
	cr_assert(fd >= 0);
	size_t n = strlen(text);
	cr_assert_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}
