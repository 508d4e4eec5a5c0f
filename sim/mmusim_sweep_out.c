/* What a sweep writes: the CSV, a table for people, and gnuplot plots of miss rate and AMAT. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mmusim_sweep.h"

const char *const sweep_output_files[] = {"sweep.csv",     "plots.gp", "plot-data.tsv", "miss_rate.png",
                                          "miss_rate.svg", "amat.png", "amat.svg",      NULL};

/* RFC 4180: quoted when it holds a comma, a quote or a line break. */
static void csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* A report value as the CSV holds it: numbers as printed, JSON strings without their quotes. */
static void csv_value(FILE *out, const char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		char *s = strndup(v + 1, n - 2);
		csv_field(out, s ? s : "");
		free(s);
	} else {
		csv_field(out, v);
	}
}

int sweep_write_csv(const sweep_t *sw, FILE *out)
{
	for (size_t a = 0; a < sw->naxes; a++) {
		csv_field(out, sw->axes[a].key);
		fputc(',', out);
	}
	fputs("status", out);
	for (size_t s = 0; s < sw->nstats; s++) {
		fputc(',', out);
		csv_field(out, sw->stat_names[s]);
	}
	fputc('\n', out);
	for (size_t i = 0; i < sw->npoints; i++) {
		const sweep_point_t *pt = &sw->points[i];
		for (size_t a = 0; a < sw->naxes; a++) {
			csv_field(out, sw->axes[a].values[pt->at[a]]);
			fputc(',', out);
		}
		if (pt->skip) {
			fputs("skipped: ", out);
			csv_field(out, pt->skip);
		} else {
			fputs("ok", out);
		}
		for (size_t s = 0; s < sw->nstats; s++) {
			fputc(',', out);
			if (pt->stats && pt->stats[s])
				csv_value(out, pt->stats[s]);
		}
		fputc('\n', out);
	}
	return ferror(out) ? -1 : 0;
}

/* Figure i of a point as printed, or `none` when the point or its report has none. */
static const char *figure(const sweep_point_t *pt, long i, const char *none)
{
	return i >= 0 && pt->stats && pt->stats[i] ? pt->stats[i] : none;
}

static long stat_index(const sweep_t *sw, const char *name)
{
	for (size_t s = 0; s < sw->nstats; s++)
		if (!strcmp(sw->stat_names[s], name))
			return (long)s;
	return -1;
}

/*
 * The miss rate shown: that of the TLB the first swept key belongs to ("tlb.l2.entries" -> "tlb.l2.miss_rate"),
 * else the L1 DTLB's. Found by name, so a new TLB level with a miss_rate figure needs no change here.
 */
static long miss_rate_index(const sweep_t *sw, char *name, size_t len)
{
	const char *key = sw->axes[0].key, *dot = strchr(key, '.');
	dot = dot ? strchr(dot + 1, '.') : NULL;
	if (dot && !strncmp(key, "tlb.", 4)) {
		snprintf(name, len, "%.*smiss_rate", (int)(dot - key + 1), key);
		long i = stat_index(sw, name);
		if (i >= 0)
			return i;
	}
	snprintf(name, len, "tlb.l1d.miss_rate");
	return stat_index(sw, name);
}

void sweep_write_table(const sweep_t *sw, FILE *out)
{
	char rate_name[128];
	long rate = miss_rate_index(sw, rate_name, sizeof rate_name);
	long amat = stat_index(sw, "amat_cycles"), walks = stat_index(sw, "walks"), cyc = stat_index(sw, "cycles");
	int w[64];
	size_t na = sw->naxes < 64 ? sw->naxes : 64;
	for (size_t a = 0; a < na; a++) {
		w[a] = (int)strlen(sw->axes[a].key);
		for (size_t v = 0; v < sw->axes[a].nvalues; v++)
			if ((int)strlen(sw->axes[a].values[v]) > w[a])
				w[a] = (int)strlen(sw->axes[a].values[v]);
	}
	for (size_t a = 0; a < na; a++)
		fprintf(out, "%*s  ", w[a], sw->axes[a].key);
	fprintf(out, "%18s %12s %12s %14s\n", rate_name, "amat_cycles", "walks", "cycles");
	for (size_t i = 0; i < sw->npoints; i++) {
		const sweep_point_t *pt = &sw->points[i];
		for (size_t a = 0; a < na; a++)
			fprintf(out, "%*s  ", w[a], sw->axes[a].values[pt->at[a]]);
		if (pt->skip) {
			fprintf(out, "skipped: %s\n", pt->skip);
			continue;
		}
		fprintf(out, "%18s %12s %12s %14s\n", figure(pt, rate, "-"), figure(pt, amat, "-"),
		        figure(pt, walks, "-"), figure(pt, cyc, "-"));
	}
}

/* One line per combination of the other axes' values: its title, e.g. "tlb.l1d.ways=4, tlb.l2.entries=512". */
static void line_title(const sweep_t *sw, const sweep_point_t *pt, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t a = 1; a < sw->naxes && used < len; a++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", a > 1 ? ", " : "", sw->axes[a].key,
		                         sw->axes[a].values[pt->at[a]]);
	if (sw->naxes == 1)
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

/*
 * The data for gnuplot: one block per line (the points sharing every axis value but the first, in order), columns
 * x position, x label, miss rate, AMAT; "NaN" where a point was skipped, so the line has a gap.
 */
static int write_data(const sweep_t *sw, const char *path, long rate, long amat, size_t *nlines)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	size_t nx = sw->axes[0].nvalues, lines = sw->npoints / nx;
	for (size_t l = 0; l < lines; l++) {
		if (l)
			fputs("\n\n", f);
		for (size_t x = 0; x < nx; x++) {
			const sweep_point_t *pt = &sw->points[x * lines + l];
			fprintf(f, "%zu\t%s\t%s\t%s\n", x, sw->axes[0].values[x], figure(pt, rate, "NaN"),
			        figure(pt, amat, "NaN"));
		}
	}
	*nlines = lines;
	return fclose(f) ? -1 : 0;
}

static void write_plot(FILE *gp, const sweep_t *sw, const char *name, const char *ylabel, int column, size_t lines)
{
	static const char *const terms[][2] = {{"pngcairo size 900,600 noenhanced", "png"},
	                                       {"svg size 900,600 dynamic noenhanced", "svg"}};
	for (size_t t = 0; t < 2; t++) {
		fprintf(gp, "set terminal %s\nset output \"%s.%s\"\n", terms[t][0], name, terms[t][1]);
		fputs("set xlabel ", gp);
		gp_string(gp, sw->axes[0].key);
		fputs("\nset ylabel ", gp);
		gp_string(gp, ylabel);
		fputs("\nplot ", gp);
		for (size_t l = 0; l < lines; l++) {
			char title[512];
			line_title(sw, &sw->points[l], title, sizeof title);
			fprintf(gp, "%s\"plot-data.tsv\" index %zu using 1:%d:xtic(2) with linespoints title ",
			        l ? ", \\\n  " : "", l, column);
			gp_string(gp, title);
		}
		fputs("\n", gp);
	}
}

static int run_gnuplot(const char *dir, char *msg, size_t msglen)
{
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(msg, msglen, "cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (chdir(dir) == 0)
			execlp("gnuplot", "gnuplot", "plots.gp", (char *)NULL);
		_exit(127);
	}
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		snprintf(
		    msg, msglen, "%s",
		    WIFEXITED(status) && WEXITSTATUS(status) == 127
		        ? "gnuplot not found (Debian: apt-get install gnuplot-nox; scripts/install-deps.sh): no plots"
		        : "gnuplot failed: no plots");
		return -1;
	}
	return 0;
}

int sweep_write_plots(const sweep_t *sw, const char *dir, char *msg, size_t msglen)
{
	char rate_name[128], path[4096];
	long rate = miss_rate_index(sw, rate_name, sizeof rate_name), amat = stat_index(sw, "amat_cycles");
	size_t lines;
	snprintf(path, sizeof path, "%s/plot-data.tsv", dir);
	if (write_data(sw, path, rate, amat, &lines)) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof path, "%s/plots.gp", dir);
	FILE *gp = fopen(path, "w");
	if (!gp) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fputs("# written by mmusim sweep; rerun with: gnuplot plots.gp\nset grid\nset key outside right\n"
	      "set datafile missing \"NaN\"\n",
	      gp);
	write_plot(gp, sw, "miss_rate", rate_name, 3, lines);
	if (amat >= 0) /* not with --method stackdist */
		write_plot(gp, sw, "amat", "AMAT (cycles per translation)", 4, lines);
	if (fclose(gp)) {
		snprintf(msg, msglen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return run_gnuplot(dir, msg, msglen);
}
