/*
 * The output files of every front end (cli.h, cli_output.c), in-process: whole or absent, the mode a plain create
 * gives, never through a symbolic link, never over a file without the caller's consent, even one that appears while
 * the file is being written, and no temporary left after an error or a discard.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static char dir[64];
static char msg[8192];

static void make_dir(void)
{
	strcpy(dir, "/tmp/mmusim-output-XXXXXX");
	cr_assert(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(cli_output, .init = make_dir, .fini = remove_dir);

static const char *in_dir(const char *name)
{
	static char path[4][256];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof path[0], "%s/%s", dir, name);
	return p;
}

/* The names in the directory, sorted, joined by spaces ("" when empty). */
static const char *listing(void)
{
	static char out[1024];
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	cr_assert(n >= 0);
	out[0] = 0;
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, ".."))
			snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s", out[0] ? " " : "",
			         names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return out;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

static const char *contents(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot read %s", path);
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int fill_new(FILE *f, const void *ctx)
{
	(void)ctx;
	return fputs("new\n", f) < 0 ? -1 : 0;
}

static int fill_enospc(FILE *f, const void *ctx)
{
	(void)ctx;
	fputs("part of it\n", f);
	errno = ENOSPC;
	return -1;
}

Test(cli_output, a_new_file_has_the_mode_of_a_plain_create)
{
	mode_t old = umask(022);
	cr_assert_eq(cli_out_write(in_dir("a"), false, fill_new, NULL, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	umask(077);
	cr_assert_eq(cli_out_write(in_dir("b"), false, fill_new, NULL, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	umask(old);
	struct stat a, b;
	cr_assert_eq(stat(in_dir("a"), &a), 0);
	cr_assert_eq(stat(in_dir("b"), &b), 0);
	cr_assert_eq(a.st_mode & 07777, 0644);
	cr_assert_eq(b.st_mode & 07777, 0600);
	cr_assert_str_eq(contents(in_dir("a")), "new\n");
	cr_assert_str_eq(listing(), "a b");
}

Test(cli_output, an_existing_file_is_kept_without_replace_and_replaced_with_it)
{
	put(in_dir("f"), "old\n");
	cr_assert_eq(cli_out_write(in_dir("f"), false, fill_new, NULL, msg, sizeof msg), CLI_OUT_EXISTS);
	cr_assert(strstr(msg, "f exists; not overwritten"), "%s", msg);
	cr_assert_str_eq(contents(in_dir("f")), "old\n");
	cr_assert_eq(cli_out_write(in_dir("f"), true, fill_new, NULL, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	cr_assert_str_eq(contents(in_dir("f")), "new\n");
	cr_assert_str_eq(listing(), "f");
}

Test(cli_output, a_symbolic_link_is_never_written_through)
{
	cr_assert_eq(symlink("target", in_dir("dangling")), 0);
	put(in_dir("target2"), "theirs\n");
	cr_assert_eq(symlink("target2", in_dir("link")), 0);
	for (int replace = 0; replace < 2; replace++) {
		cr_assert_eq(cli_out_write(in_dir("dangling"), replace, fill_new, NULL, msg, sizeof msg), CLI_OUT_LINK);
		cr_assert(strstr(msg, "dangling is a symbolic link"), "%s", msg);
		cr_assert_eq(cli_out_write(in_dir("link"), replace, fill_new, NULL, msg, sizeof msg), CLI_OUT_LINK);
	}
	cr_assert_str_eq(contents(in_dir("target2")), "theirs\n");
	cr_assert_str_eq(listing(), "dangling link target2"); /* no target created, no temporary left */
}

Test(cli_output, a_directory_is_not_replaced)
{
	cr_assert_eq(mkdir(in_dir("d"), 0777), 0);
	cr_assert_eq(cli_out_write(in_dir("d"), true, fill_new, NULL, msg, sizeof msg), CLI_OUT_NOT_FILE);
	cr_assert(strstr(msg, "d exists and is not a regular file"), "%s", msg);
}

Test(cli_output, a_file_that_appears_while_writing_is_not_replaced)
{
	cli_out_t o;
	cr_assert_eq(cli_out_open(&o, in_dir("f"), false, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	fputs("mine\n", o.f);
	put(in_dir("f"), "someone else's\n");
	cr_assert_eq(cli_out_commit(&o, msg, sizeof msg), CLI_OUT_EXISTS);
	cr_assert_str_eq(contents(in_dir("f")), "someone else's\n");
	cr_assert_str_eq(listing(), "f");
}

Test(cli_output, a_link_that_appears_while_writing_is_not_followed_nor_replaced)
{
	put(in_dir("target"), "theirs\n");
	cli_out_t o;
	cr_assert_eq(cli_out_open(&o, in_dir("f"), true, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	fputs("mine\n", o.f);
	cr_assert_eq(symlink("target", in_dir("f")), 0);
	cr_assert_eq(cli_out_commit(&o, msg, sizeof msg), CLI_OUT_LINK);
	cr_assert_str_eq(contents(in_dir("target")), "theirs\n");
	cr_assert_str_eq(listing(), "f target");
}

Test(cli_output, nothing_is_in_place_before_the_commit_and_nothing_left_by_a_discard)
{
	put(in_dir("f"), "old\n");
	cli_out_t o;
	cr_assert_eq(cli_out_open(&o, in_dir("f"), true, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	for (int i = 0; i < 10000; i++) /* more than a stdio buffer: part of it reaches the temporary */
		fputs("new line of the file\n", o.f);
	cr_assert_str_eq(contents(in_dir("f")), "old\n");
	cr_assert(strncmp(listing(), ".f.tmp-", 7) == 0, "%s", listing());
	cli_out_discard(&o);
	cli_out_discard(&o); /* twice: harmless */
	cr_assert_str_eq(contents(in_dir("f")), "old\n");
	cr_assert_str_eq(listing(), "f");
}

Test(cli_output, a_failed_write_leaves_no_file_and_names_the_error)
{
	put(in_dir("old"), "old\n");
	cr_assert_eq(cli_out_write(in_dir("new"), false, fill_enospc, NULL, msg, sizeof msg), CLI_OUT_IO);
	cr_assert(strstr(msg, "/new: No space left on device"), "%s", msg);
	cr_assert_eq(cli_out_write(in_dir("old"), true, fill_enospc, NULL, msg, sizeof msg), CLI_OUT_IO);
	cr_assert_str_eq(contents(in_dir("old")), "old\n");
	cr_assert_str_eq(listing(), "old");
}

Test(cli_output, a_full_device_is_seen_at_the_flush)
{
	/* /dev/full as the temporary's stream: every write error surfaces in cli_out_finish(). */
	cli_out_t o;
	cr_assert_eq(cli_out_open(&o, in_dir("f"), false, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	FILE *full = freopen("/dev/full", "w", o.f);
	cr_assert(full);
	fputs("will not fit\n", o.f);
	cr_assert_eq(cli_out_commit(&o, msg, sizeof msg), CLI_OUT_IO);
	cr_assert(strstr(msg, "/f: No space left on device"), "%s", msg);
	cr_assert_str_eq(listing(), "");
}

Test(cli_output, a_set_is_put_in_place_together)
{
	put(in_dir("a"), "old\n");
	put(in_dir("b"), "old\n");
	cli_out_t outs[2];
	cr_assert_eq(cli_out_fill(&outs[0], in_dir("a"), true, fill_new, NULL, msg, sizeof msg), CLI_OUT_OK);
	cr_assert_eq(cli_out_fill(&outs[1], in_dir("b"), true, fill_new, NULL, msg, sizeof msg), CLI_OUT_OK);
	cr_assert_str_eq(contents(in_dir("a")), "old\n");
	cr_assert_str_eq(contents(in_dir("b")), "old\n");
	cr_assert_eq(cli_out_commit_all(outs, 2, msg, sizeof msg), CLI_OUT_OK, "%s", msg);
	cr_assert_str_eq(contents(in_dir("a")), "new\n");
	cr_assert_str_eq(contents(in_dir("b")), "new\n");
	cr_assert_str_eq(listing(), "a b");
}
