/*
 * Output files written whole or not at all, and the check of stdout at the end of a run (cli.h).
 *
 * Why a temporary and a rename: writing the destination in place leaves half a file when the disk fills or the
 * program is killed, and truncates the previous good file first. rename() replaces the name in one step and never
 * follows a link at the destination; O_EXCL | O_NOFOLLOW on the temporary means nothing is written through a link
 * planted under its name either.
 */
#define _GNU_SOURCE /* renameat2() and RENAME_NOREPLACE (glibc 2.28) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* ---- the temporaries a signal removes before it ends the program ---- */

#define SLOTS 32 /* files open at once; a sweep writes 8 */

static char slot_path[SLOTS][sizeof((cli_out_t *)0)->tmp];
static volatile sig_atomic_t slot_used[SLOTS];
static const int caught[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};

/* Runs with the signal's default action restored (SA_RESETHAND): remove, then let the signal end the program. */
static void remove_temporaries(int sig)
{
	for (int i = 0; i < SLOTS; i++)
		if (slot_used[i])
			unlink(slot_path[i]);
	raise(sig);
}

/* Only over a default action: a program (or a shell's nohup) that set its own keeps it. */
static void catch_signals(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) {
		struct sigaction old, sa = {.sa_handler = remove_temporaries, .sa_flags = SA_RESETHAND};
		sigemptyset(&sa.sa_mask);
		if (sigaction(caught[i], NULL, &old) == 0 && !(old.sa_flags & SA_SIGINFO) && old.sa_handler == SIG_DFL)
			sigaction(caught[i], &sa, NULL);
	}
}

/* The slot plus one, or 0 when all are taken (the file is still written safely, only left behind by a signal). */
static int slot_take(const char *tmp)
{
	for (int i = 0; i < SLOTS; i++)
		if (!slot_used[i]) {
			snprintf(slot_path[i], sizeof slot_path[i], "%s", tmp);
			/* the path is complete before the handler may read it */
			atomic_signal_fence(memory_order_seq_cst);
			slot_used[i] = 1;
			return i + 1;
		}
	return 0;
}

static void slot_release(cli_out_t *o)
{
	if (o->slot > 0)
		slot_used[o->slot - 1] = 0;
	o->slot = 0;
}

/* ---- messages ---- */

static cli_out_err_t io_error(char *msg, size_t msglen, const char *path, int err)
{
	snprintf(msg, msglen, "%s: %s", path, strerror(err));
	return CLI_OUT_IO;
}

cli_out_err_t cli_out_check(const char *path, bool replace, char *msg, size_t msglen)
{
	struct stat sb;
	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? CLI_OUT_OK : io_error(msg, msglen, path, errno);
	if (S_ISLNK(sb.st_mode)) {
		snprintf(msg, msglen, "%s is a symbolic link; nothing is written through a link (remove it first)",
		         path);
		return CLI_OUT_LINK;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(msg, msglen, "%s exists and is not a regular file; not replaced", path);
		return CLI_OUT_NOT_FILE;
	}
	if (!replace) {
		snprintf(msg, msglen, "%s exists; not overwritten", path);
		return CLI_OUT_EXISTS;
	}
	return CLI_OUT_OK;
}

/* ---- the temporary ---- */

/* splitmix64 of the pid, the time and a counter: names differ between processes and calls. */
static uint64_t name_bits(void)
{
	static uint64_t counter;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t z = ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^
	             ++counter * 0x9e3779b97f4a7c15u;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* "DIR/.NAME.tmp-XXXXXX" beside path; NAME cut so the whole stays within a file name's 255 bytes. */
static void temp_name(char *tmp, size_t len, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	snprintf(tmp, len, "%.*s.%.200s.tmp-%06llx", dirlen, path, path + dirlen,
	         (unsigned long long)(name_bits() & 0xffffff));
}

cli_out_err_t cli_out_open(cli_out_t *o, const char *path, bool replace, char *msg, size_t msglen)
{
	memset(o, 0, sizeof *o);
	o->replace = replace;
	if (strlen(path) + 1 > sizeof o->path - 16)
		return io_error(msg, msglen, path, ENAMETOOLONG);
	snprintf(o->path, sizeof o->path, "%s", path);
	cli_out_err_t rc = cli_out_check(path, replace, msg, msglen);
	if (rc)
		return rc;

	/* Created and listed with the caught signals blocked: a signal never finds a temporary it does not know. */
	catch_signals();
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaddset(&block, caught[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	int fd = -1;
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		temp_name(o->tmp, sizeof o->tmp, path);
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	int err = errno;
	if (fd >= 0)
		o->slot = slot_take(o->tmp);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		o->tmp[0] = 0;
		return io_error(msg, msglen, path, err);
	}
	if (!(o->f = fdopen(fd, "w"))) {
		err = errno;
		close(fd);
		cli_out_discard(o);
		return io_error(msg, msglen, path, err);
	}
	return CLI_OUT_OK;
}

/*
 * The error of a stream, 0 when none. A flush that fails sets errno. A failure earlier, whose bytes stdio dropped
 * (a write larger than its buffer goes straight to the file), left only the error flag: its errno is the last one
 * set, unless something failed since; EIO when none is left.
 */
static int flush_error(FILE *f)
{
	int before = errno;
	errno = 0;
	if (fflush(f) != 0)
		return errno ? errno : EIO;
	if (ferror(f))
		return before ? before : EIO;
	return 0;
}

/*
 * Test hook, for testbench/output/check.sh only: with MMUSIM_TEST_STOP_WRITING=NAME in the environment the program
 * stops itself (SIGSTOP) when it is about to finish the file named NAME, part of which is in the temporary by then
 * (what a stdio buffer does not hold), so the test can kill it in the middle of writing without racing it.
 */
static void test_stop(const char *path)
{
	const char *name = getenv("MMUSIM_TEST_STOP_WRITING"), *slash = strrchr(path, '/');
	if (name && *name && !strcmp(name, slash ? slash + 1 : path))
		raise(SIGSTOP);
}

cli_out_err_t cli_out_finish(cli_out_t *o, char *msg, size_t msglen)
{
	if (!o->f)
		return CLI_OUT_OK;
	test_stop(o->path);
	int err = flush_error(o->f);
	if (!err && fsync(fileno(o->f)) != 0) /* a network file system may report a full disk only here */
		err = errno;
	if (fclose(o->f) != 0 && !err)
		err = errno;
	o->f = NULL;
	if (err) {
		cli_out_discard(o);
		return io_error(msg, msglen, o->path, err);
	}
	return CLI_OUT_OK;
}

/* rename() that fails with EEXIST rather than replace a file. */
static int rename_new(const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
		return -1;
#endif
	if (link(from, to) == 0) /* a file system without RENAME_NOREPLACE (NFS) */
		return unlink(from), 0;
	if (errno != EPERM && errno != ENOTSUP)
		return -1;
	return rename(from, to); /* nor hard links (FAT): cli_out_check() just before was the check */
}

/* The rename made durable; a file system that cannot fsync a directory still has the file itself synced. */
static void sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[sizeof((cli_out_t *)0)->path];
	snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1, slash ? path : ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

cli_out_err_t cli_out_commit(cli_out_t *o, char *msg, size_t msglen)
{
	cli_out_err_t rc = cli_out_finish(o, msg, msglen);
	if (rc)
		return rc;
	if (!o->tmp[0])
		return io_error(msg, msglen, o->path, EBADF);
	rc = cli_out_check(o->path, o->replace, msg, msglen); /* again: the destination may have changed meanwhile */
	if (!rc && (o->replace ? rename(o->tmp, o->path) : rename_new(o->tmp, o->path)) != 0) {
		int err = errno;
		if (err == EEXIST) {
			snprintf(msg, msglen, "%s exists; not overwritten", o->path);
			rc = CLI_OUT_EXISTS;
		} else {
			rc = io_error(msg, msglen, o->path, err);
		}
	}
	if (rc) {
		cli_out_discard(o);
		return rc;
	}
	o->tmp[0] = 0;
	slot_release(o);
	sync_dir(o->path);
	return CLI_OUT_OK;
}

void cli_out_discard(cli_out_t *o)
{
	if (o->f)
		fclose(o->f);
	o->f = NULL;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
	slot_release(o);
}

cli_out_err_t cli_out_fill(cli_out_t *o, const char *path, bool replace, int (*fill)(FILE *f, const void *ctx),
                           const void *ctx, char *msg, size_t msglen)
{
	cli_out_err_t rc = cli_out_open(o, path, replace, msg, msglen);
	if (rc)
		return rc;
	errno = 0;
	if (fill(o->f, ctx)) {
		int err = errno ? errno : EIO;
		cli_out_discard(o);
		return io_error(msg, msglen, path, err);
	}
	return cli_out_finish(o, msg, msglen);
}

cli_out_err_t cli_out_write(const char *path, bool replace, int (*fill)(FILE *f, const void *ctx), const void *ctx,
                            char *msg, size_t msglen)
{
	cli_out_t o;
	cli_out_err_t rc = cli_out_fill(&o, path, replace, fill, ctx, msg, msglen);
	return rc ? rc : cli_out_commit(&o, msg, msglen);
}

cli_out_err_t cli_out_commit_all(cli_out_t *outs, size_t n, char *msg, size_t msglen)
{
	for (size_t i = 0; i < n; i++) {
		cli_out_err_t rc = cli_out_finish(&outs[i], msg, msglen);
		if (rc) {
			cli_out_discard_all(outs, n);
			return rc;
		}
	}
	for (size_t i = 0; i < n; i++) {
		cli_out_err_t rc = cli_out_commit(&outs[i], msg, msglen);
		if (rc) {
			cli_out_discard_all(outs, n);
			return rc;
		}
	}
	return CLI_OUT_OK;
}

void cli_out_discard_all(cli_out_t *outs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cli_out_discard(&outs[i]);
}

int cli_fork(void)
{
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++)
		sigaddset(&block, caught[i]);
	sigprocmask(SIG_BLOCK, &block, &old);
	pid_t pid = fork();
	if (pid == 0)
		for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) {
			struct sigaction sa;
			if (sigaction(caught[i], NULL, &sa) == 0 && sa.sa_handler == remove_temporaries)
				signal(caught[i], SIG_DFL);
		}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* ---- stdout ---- */

int cli_stdout_finish(int rc)
{
	int err = flush_error(stdout);
	/* close() reports what a network file system could not write back; closing a duplicate keeps stdout open. */
	int fd = err ? -1 : dup(fileno(stdout));
	if (fd >= 0 && close(fd) != 0)
		err = errno;
	if (err && !rc)
		return cli_fail("writing to standard output: %s", strerror(err));
	return rc;
}
