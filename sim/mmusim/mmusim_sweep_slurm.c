/*
 * sweep --slurm DIR: the sweep as Slurm jobs, nothing run here. DIR/sweep.sbatch is a job array, task I running
 * `mmusim sweep ... --shard I/N` into DIR/shards; DIR/merge.sbatch runs `mmusim sweep ... --merge` on the shards into
 * DIR/result (CSV, provenance, table, plots); DIR/submit.sh submits the array, then the merge with
 * --dependency=afterok on it. Each task runs in the directory the sweep was written from, with the sweep's own
 * arguments, so paths as given mean the same and the merged CSV is the one `mmusim sweep` writes there.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mmusim_sweep.h"

#define DEFAULT_SHARDS_MAX 1000
#define MAX_SHARDS         1000000

static const char *const slurm_files[] = {"sweep.sbatch", "merge.sbatch", "submit.sh", NULL};

/* A word for sh, single-quoted: nothing in it is expanded. */
static void sh_word(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	fputc('\'', f);
}

static void sh_option(FILE *f, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(f, " %s ", name);
	sh_word(f, value);
}

typedef struct job {
	const sweep_t *sw;
	const sweep_slurm_t *s;
	char dir[PATH_MAX], cwd[PATH_MAX], exe[PATH_MAX];
	unsigned shards;
} job_t;

/* `cd` to where the sweep was written, then mmusim sweep with its arguments (without the output options). */
static void sweep_command(FILE *f, const job_t *j)
{
	const sweep_slurm_t *s = j->s;
	fputs("cd ", f);
	sh_word(f, j->cwd);
	fputs(" || exit 1\nexec ", f);
	sh_word(f, j->exe);
	fputs(" sweep", f);
	for (size_t t = 0; t < j->sw->ntraces; t++)
		sh_option(f, "--trace", j->sw->traces[t].path);
	sh_option(f, "--format", s->format);
	for (size_t i = 0; i < s->sweeps->n; i++)
		sh_option(f, "--sweep", s->sweeps->items[i]);
	sh_option(f, "--preset", s->cfg->preset);
	sh_option(f, "--config", s->cfg->config);
	for (size_t i = 0; i < s->cfg->sets.n; i++)
		sh_option(f, "--set", s->cfg->sets.items[i]);
	sh_option(f, "--seed", s->cfg->seed);
	sh_option(f, "--method", s->method);
}

static void header(FILE *f, const job_t *j, const char *name, const char *what, const char *log)
{
	fprintf(f, "#!/bin/sh\n# Written by mmusim sweep --slurm: %s. Submit with submit.sh.\n", what);
	fprintf(f, "#SBATCH --job-name=%s\n#SBATCH --output=%s/logs/%s\n", name, j->dir, log);
	for (size_t i = 0; i < j->s->opts->n; i++)
		fprintf(f, "#SBATCH %s\n", j->s->opts->items[i]);
}

static int fill_array(FILE *f, const void *ctx)
{
	const job_t *j = ctx;
	char what[128];
	snprintf(what, sizeof what, "one task per shard of the sweep (%zu rows in %u shards)", j->sw->npoints,
	         j->shards);
	header(f, j, "mmusim-sweep", what, "shard-%a.log");
	fprintf(f, "#SBATCH --array=1-%u\n", j->shards);
	sweep_command(f, j);
	if (j->s->jobs)
		sh_option(f, "-j", j->s->jobs);
	else
		fputs(" -j \"${SLURM_CPUS_PER_TASK:-1}\"", f);
	fprintf(f, " --shard \"$SLURM_ARRAY_TASK_ID/%u\" -o ", j->shards);
	char shards[PATH_MAX + 16];
	snprintf(shards, sizeof shards, "%s/shards", j->dir);
	sh_word(f, shards);
	fputs(" --force\n", f); /* a task run again (requeued) replaces its own shard */
	return ferror(f) ? -1 : 0;
}

static int fill_merge(FILE *f, const void *ctx)
{
	const job_t *j = ctx;
	header(f, j, "mmusim-merge", "the merge of the shards, once every task of sweep.sbatch succeeded", "merge.log");
	sweep_command(f, j);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/result", j->dir);
	fputs(" -j 1 --merge -o ", f);
	sh_word(f, path);
	fputs(" --force ", f);
	snprintf(path, sizeof path, "%s/shards", j->dir);
	sh_word(f, path);
	fprintf(f, "/shard-*-of-%u.csv\n", j->shards);
	return ferror(f) ? -1 : 0;
}

static int fill_submit(FILE *f, const void *ctx)
{
	const job_t *j = ctx;
	fputs(
	    "#!/bin/sh\n# Written by mmusim sweep --slurm: submits the shards as a job array, then their merge, which "
	    "starts\n# once every task succeeded (afterok).\nset -e\nhere=$(cd \"$(dirname \"$0\")\" && pwd)\n"
	    "array=$(sbatch --parsable \"$here/sweep.sbatch\")\narray=${array%%;*}\n"
	    "merge=$(sbatch --parsable --dependency=afterok:\"$array\" \"$here/merge.sbatch\")\nmerge=${merge%%;*}\n",
	    f);
	fprintf(f,
	        "echo \"mmusim sweep: job array $array (%u shards), then merge job $merge: $here/result/sweep.csv\"\n",
	        j->shards);
	return ferror(f) ? -1 : 0;
}

static int make_dir(const char *path)
{
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		return cli_fail("--slurm: cannot create %s: %s", path, strerror(errno));
	return 0;
}

int sweep_write_slurm(const sweep_t *sw, const sweep_slurm_t *s)
{
	job_t j = {.sw = sw, .s = s};
	uint64_t n = sw->npoints < DEFAULT_SHARDS_MAX ? sw->npoints : DEFAULT_SHARDS_MAX;
	int rc;
	if (s->shards && (rc = cli_option_number("--shards", s->shards, 1, MAX_SHARDS, &n)))
		return rc;
	j.shards = (unsigned)n;
	for (size_t i = 0; i < s->opts->n; i++)
		if (s->opts->items[i][0] != '-' || strpbrk(s->opts->items[i], "\r\n"))
			return cli_fail("--slurm-opt '%s': expected one sbatch option, starting with '-', on one line",
			                s->opts->items[i]);
	if ((rc = sweep_prepare_dir("--slurm", s->dir, slurm_files, s->force)))
		return rc;
	ssize_t len = readlink("/proc/self/exe", j.exe, sizeof j.exe - 1);
	if (len <= 0 || !getcwd(j.cwd, sizeof j.cwd) || !realpath(s->dir, j.dir))
		return cli_fail("--slurm %s: cannot find mmusim, the working directory or DIR: %s", s->dir,
		                strerror(errno));
	j.exe[len] = 0;
	char sub[PATH_MAX + 16];
	snprintf(sub, sizeof sub, "%s/logs", j.dir);
	if ((rc = make_dir(sub)))
		return rc;
	snprintf(sub, sizeof sub, "%s/shards", j.dir);
	if ((rc = make_dir(sub)))
		return rc;
	int (*const fill[])(FILE *, const void *) = {fill_array, fill_merge, fill_submit};
	cli_out_t outs[3];
	size_t k = 0;
	char path[PATH_MAX + 32], msg[4600];
	for (; k < 3; k++) {
		snprintf(path, sizeof path, "%s/%s", j.dir, slurm_files[k]);
		if (cli_out_fill(&outs[k], path, s->force, fill[k], &j, msg, sizeof msg))
			break;
	}
	if (k < 3) {
		cli_out_discard_all(outs, k);
		return cli_fail("%s", msg);
	}
	if (cli_out_commit_all(outs, 3, msg, sizeof msg))
		return cli_fail("%s", msg);
	mode_t mask = umask(0);
	umask(mask);
	snprintf(path, sizeof path, "%s/submit.sh", j.dir);
	chmod(path, 0777 & ~mask);
	fprintf(stderr,
	        "mmusim sweep: wrote %s/{sweep.sbatch,merge.sbatch,submit.sh}: %zu rows in %u array tasks; on the "
	        "cluster run %s/submit.sh, the result comes in %s/result\n",
	        j.dir, sw->npoints, j.shards, j.dir, j.dir);
	return 0;
}
