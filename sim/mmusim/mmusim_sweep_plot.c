/*
 * The plots of `sweep -o DIR`: their data (plot-data.tsv), the gnuplot script a user can rerun (plots.gp), and the
 * images of miss rate and AMAT, PNG and SVG.
 *
 * gnuplot renders each image to a pipe, never to a file: it does not notice when it cannot write a file (on a full
 * disk it left a PNG cut at 4096 bytes, an empty SVG, and exited 0). mmusim writes the images itself, through the
 * temporary-and-rename of every output (cli.h), so a failure is seen and nothing half-written is left.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmusim_sweep.h"

/*
 * One line per combination of the trace and the other axes' values: its title, e.g. "tlb.l1d.ways=4,
 * tlb.l2.entries=512", the trace first when there are several ("sort.lackey.gz, tlb.l1d.ways=4").
 */
static void line_title(const sweep_t *sw, const sweep_point_t *pt, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	if (sw->ntraces > 1) {
		const char *path = sw->traces[pt->trace].path, *slash = strrchr(path, '/');
		used = (size_t)snprintf(buf, len, "%s", slash ? slash + 1 : path);
		if (sw->naxes == 1 || used >= len)
			return;
		used += (size_t)snprintf(buf + used, len - used, ", ");
	}
	for (size_t a = 1; a < sw->naxes && used < len; a++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", a > 1 ? ", " : "", sw->axes[a].key,
		                         sw->axes[a].values[pt->at[a]]);
	if (sw->naxes == 1 && sw->ntraces == 1)
		snprintf(buf, len, "%s", "all");
}

/* Gnuplot strings are double-quoted: escape what would end them. */
static void gp_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* What is plotted: the lines (points sharing every axis value but the first) and the columns of plot-data.tsv. */
typedef struct plot_ctx {
	const sweep_t *sw;
	long rate, amat; /* figure indexes; amat < 0 with --method stackdist */
	char rate_name[128];
	size_t lines;
} plot_ctx_t;

/* The data for gnuplot: one block per line, columns x position, x label, miss rate, AMAT; "NaN" where a point was
 * skipped, so the line has a gap. */
static int write_data(FILE *f, const void *ctx)
{
	const plot_ctx_t *c = ctx;
	const sweep_t *sw = c->sw;
	size_t nx = sw->axes[0].nvalues;
	for (size_t l = 0; l < c->lines; l++) {
		if (l)
			fputs("\n\n", f);
		for (size_t x = 0; x < nx; x++) {
			const sweep_point_t *pt = sweep_line_point(sw, l, x);
			char b[2][48];
			fprintf(f, "%zu\t%s\t%s\t%s\n", x, sw->axes[0].values[x],
			        sweep_figure(pt, c->rate, "NaN", b[0], 48), sweep_figure(pt, c->amat, "NaN", b[1], 48));
		}
	}
	return ferror(f) ? -1 : 0;
}

/* The images, in the order plots.gp draws them. */
typedef struct image {
	const char *name, *ext, *term;
	int column; /* of plot-data.tsv */
} image_t;

static const char *const terms[][2] = {{"pngcairo size 900,600 noenhanced", "png"},
                                       {"svg size 900,600 dynamic noenhanced", "svg"}};

static size_t images_of(const plot_ctx_t *c, image_t img[4])
{
	size_t n = 0;
	for (int plot = 0; plot < 2; plot++)
		for (size_t t = 0; t < 2 && (plot == 0 || c->amat >= 0); t++)
			img[n++] = (image_t){plot ? "amat" : "miss_rate", terms[t][1], terms[t][0], plot ? 4 : 3};
	return n;
}

static const char script_head[] = "# written by mmusim sweep; rerun with: gnuplot plots.gp\nset grid\nset key outside "
                                  "right\nset datafile missing \"NaN\"\n";

/*
 * One image's commands: in plots.gp, `set output` to its file; when mmusim renders it, none (stdout) and the data
 * from the temporary of plot-data.tsv (not yet renamed into place).
 */
static void write_image(FILE *gp, const plot_ctx_t *c, const image_t *im, const char *data)
{
	const sweep_t *sw = c->sw;
	fprintf(gp, "set terminal %s\n", im->term);
	if (!data)
		fprintf(gp, "set output \"%s.%s\"\n", im->name, im->ext);
	fputs("set xlabel ", gp);
	gp_string(gp, sw->axes[0].key);
	fputs("\nset ylabel ", gp);
	gp_string(gp, im->column == 3 ? c->rate_name : "AMAT (cycles per translation)");
	fputs("\nplot ", gp);
	for (size_t l = 0; l < c->lines; l++) {
		char title[512];
		line_title(sw, sweep_line_point(sw, l, 0), title, sizeof title);
		fputs(l ? ", \\\n  " : "", gp);
		gp_string(gp, data ? data : "plot-data.tsv");
		fprintf(gp, " index %zu using 1:%d:xtic(2) with linespoints title ", l, im->column);
		gp_string(gp, title);
	}
	fputs("\n", gp);
}

static int write_script(FILE *gp, const void *ctx)
{
	const plot_ctx_t *c = ctx;
	image_t img[4];
	size_t n = images_of(c, img);
	fputs(script_head, gp);
	for (size_t i = 0; i < n; i++)
		write_image(gp, c, &img[i], NULL);
	return ferror(gp) ? -1 : 0;
}

/*
 * The script to gnuplot's stdin while its stdout is read into out, both at once: neither side can fill a pipe and
 * wait on the other. Returns the image's size, or -1 when the pipes failed.
 */
static long pump(int to_gp, const char *script, size_t len, int from_gp, FILE *out)
{
	struct pollfd p[2] = {{.fd = to_gp, .events = POLLOUT}, {.fd = from_gp, .events = POLLIN}};
	size_t off = 0;
	long size = 0;
	char buf[16384];
	fcntl(to_gp, F_SETFL, O_NONBLOCK);
	while (p[1].fd >= 0) {
		if (p[0].fd >= 0 && off == len) {
			close(p[0].fd); /* end of the script: gnuplot ends when it has drawn */
			p[0].fd = -1;
		}
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			size = -1;
			break;
		}
		if (p[0].fd >= 0 && p[0].revents) {
			ssize_t w = write(p[0].fd, script + off, len - off);
			if (w > 0) {
				off += (size_t)w;
			} else if (w < 0 && errno != EINTR && errno != EAGAIN) {
				close(p[0].fd); /* gnuplot stopped reading: its exit status says why */
				p[0].fd = -1;
				off = len;
			}
		}
		if (p[1].revents) {
			ssize_t r = read(p[1].fd, buf, sizeof buf);
			if (r > 0) {
				fwrite(buf, 1, (size_t)r, out);
				size += r;
			} else if (r == 0 || errno != EINTR) {
				close(p[1].fd);
				p[1].fd = -1;
			}
		}
	}
	if (p[0].fd >= 0)
		close(p[0].fd);
	if (p[1].fd >= 0)
		close(p[1].fd);
	return size;
}

/*
 * One image: gnuplot run in dir on script, its output into out. 0; 1 when gnuplot is not installed; -2 when it failed;
 * -1 when it could not be run (msg says why in each case).
 */
static int render(const char *dir, const char *script, size_t len, const char *file, FILE *out, char *msg,
                  size_t msglen)
{
	int in[2], img[2];
	if (pipe(in) != 0) {
		snprintf(msg, msglen, "cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pipe(img) != 0) {
		snprintf(msg, msglen, "cannot start gnuplot: %s", strerror(errno));
		close(in[0]);
		close(in[1]);
		return -1;
	}
	pid_t pid = cli_fork();
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(img[1], 1);
		close(in[0]);
		close(in[1]);
		close(img[0]);
		close(img[1]);
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(img[1]);
	if (pid < 0) {
		snprintf(msg, msglen, "cannot start gnuplot: %s", strerror(errno));
		close(in[1]);
		close(img[0]);
		return -1;
	}
	/* gnuplot may stop reading early (an error): a write to the pipe then fails instead of ending mmusim. */
	struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
	sigemptyset(&ignore.sa_mask);
	sigaction(SIGPIPE, &ignore, &old);
	long size = pump(in[1], script, len, img[0], out);
	sigaction(SIGPIPE, &old, NULL);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(msg, msglen, "gnuplot: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		snprintf(msg, msglen,
		         "gnuplot not found (Debian: apt-get install gnuplot-nox; scripts/install-deps.sh): no plots");
		return 1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || size <= 0) {
		if (WIFSIGNALED(status))
			snprintf(msg, msglen, "gnuplot failed drawing %s (killed by signal %d)", file,
			         WTERMSIG(status));
		else if (WEXITSTATUS(status) != 0)
			snprintf(msg, msglen, "gnuplot failed drawing %s (exit status %d)", file, WEXITSTATUS(status));
		else
			snprintf(msg, msglen, "gnuplot drew nothing for %s", file);
		return -2;
	}
	return 0;
}

/* DIR/name written whole (not yet in place) as outs[*n]. */
static int data_file(cli_out_t *outs, size_t *n, const char *dir, const char *name, bool force,
                     int (*fill)(FILE *, const void *), const void *ctx, char *msg, size_t msglen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (cli_out_fill(&outs[*n], path, force, fill, ctx, msg, msglen))
		return -1;
	++*n;
	return 0;
}

/* The rendering script of one image, in memory. */
static char *image_script(const plot_ctx_t *c, const image_t *im, const char *data, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	if (!f)
		return NULL;
	fputs(script_head, f);
	write_image(f, c, im, data);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

int sweep_write_plots(const sweep_t *sw, const char *dir, bool force, cli_out_t *outs, size_t *n, char *msg,
                      size_t msglen)
{
	plot_ctx_t c = {.sw = sw, .lines = sweep_lines(sw)};
	c.rate = sweep_miss_rate_index(sw, c.rate_name, sizeof c.rate_name);
	c.amat = sweep_stat_index(sw, "amat_cycles");
	if (data_file(outs, n, dir, "plot-data.tsv", force, write_data, &c, msg, msglen) ||
	    data_file(outs, n, dir, "plots.gp", force, write_script, &c, msg, msglen))
		return -1;
	const char *slash = strrchr(outs[*n - 2].tmp, '/'), *data = slash ? slash + 1 : outs[*n - 2].tmp;
	image_t img[4];
	size_t nimg = images_of(&c, img), first = *n;
	for (size_t i = 0; i < nimg; i++) {
		char file[64], path[4096];
		snprintf(file, sizeof file, "%s.%s", img[i].name, img[i].ext);
		snprintf(path, sizeof path, "%s/%s", dir, file);
		size_t len;
		char *script = image_script(&c, &img[i], data, &len);
		if (!script) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
		cli_out_t *o = &outs[*n];
		int rc = cli_out_open(o, path, force, msg, msglen) ? -1 : 0;
		if (!rc && (rc = render(dir, script, len, file, o->f, msg, msglen)) != 0)
			cli_out_discard(o);
		free(script);
		if (rc > 0 || rc == -2) { /* no gnuplot, or gnuplot failed: no images at all, the data is still good */
			cli_out_discard_all(outs + first, *n - first);
			*n = first;
			return rc > 0 ? SWEEP_PLOTS_NO_GNUPLOT : SWEEP_PLOTS_GNUPLOT_FAILED;
		}
		if (rc || cli_out_finish(o, msg, msglen))
			return -1;
		++*n;
	}
	return 0;
}
