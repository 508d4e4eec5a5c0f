/* What a sweep writes: the CSV, a table for people, and gnuplot plots of miss rate and AMAT. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mmusim_csv.h"
#include "mmusim_sweep.h"

const char *const sweep_output_files[] = {"sweep.csv",
                                          "sweep.provenance.json",
                                          "plots.gp",
                                          "plot-data.tsv",
                                          "miss_rate.png",
                                          "miss_rate.svg",
                                          "amat.png",
                                          "amat.svg",
                                          NULL};

/* The provenance of a point: the sweep's (trace, sources, method) with the point's own configuration. */
static int point_provenance(const sweep_t *sw, const sweep_point_t *pt, results_t *prov)
{
	memset(prov, 0, sizeof *prov);
	return results_provenance(prov, &sw->info, &pt->cfg);
}

int sweep_write_csv(const sweep_t *sw, FILE *out)
{
	csv_t c;
	csv_init(&c, out);
	results_t prov;
	int err = point_provenance(sw, &sw->points[0], &prov);
	for (size_t a = 0; a < sw->naxes; a++)
		csv_text(&c, sw->axes[a].key);
	csv_text(&c, "status");
	for (size_t s = 0; s < sw->nstats; s++)
		csv_text(&c, sw->stat_names[s]);
	for (size_t k = 0; k < prov.n; k++)
		csv_text(&c, prov.v[k].name);
	csv_end_row(&c);
	results_free(&prov);
	for (size_t i = 0; i < sw->npoints && !err; i++) {
		const sweep_point_t *pt = &sw->points[i];
		for (size_t a = 0; a < sw->naxes; a++)
			csv_text(&c, sw->axes[a].values[pt->at[a]]);
		if (pt->skip) {
			char *status = malloc(strlen(pt->skip) + sizeof "skipped: ");
			if (!status)
				return -1;
			sprintf(status, "skipped: %s", pt->skip);
			csv_text(&c, status);
			free(status);
		} else {
			csv_text(&c, "ok");
		}
		for (size_t s = 0; s < sw->nstats; s++) {
			if (pt->stats && pt->stats[s].present)
				csv_value(&c, pt->stats[s].type, pt->stats[s].v);
			else
				csv_empty(&c);
		}
		err = point_provenance(sw, pt, &prov);
		for (size_t k = 0; k < prov.n; k++)
			csv_value(&c, prov.v[k].type, prov.v[k].v);
		csv_end_row(&c);
		results_free(&prov);
	}
	return err || ferror(out) ? -1 : 0;
}

/* Beside DIR/sweep.csv: the provenance of the sweep as one JSON object, with the swept keys and their values. */
int sweep_write_provenance(const sweep_t *sw, FILE *out)
{
	results_t prov;
	int err = point_provenance(sw, &(sweep_point_t){.cfg = sw->base}, &prov);
	cJSON *obj = err ? NULL : results_json(&prov);
	results_free(&prov);
	for (size_t a = 0; obj && a < sw->naxes; a++) {
		char name[RESULT_NAME_MAX + 32];
		snprintf(name, sizeof name, "provenance.sweep.%s", sw->axes[a].key);
		cJSON *values =
		    cJSON_CreateStringArray((const char *const *)sw->axes[a].values, (int)sw->axes[a].nvalues);
		if (!values || !cJSON_AddItemToObject(obj, name, values))
			err = -1;
	}
	char *text = obj && !err ? cJSON_Print(obj) : NULL;
	cJSON_Delete(obj);
	if (!text)
		return -1;
	fprintf(out, "%s\n", text);
	cJSON_free(text);
	return ferror(out) ? -1 : 0;
}

/* Figure i of a point as printed, or `none` when the point or its report has none. */
static const char *figure(const sweep_point_t *pt, long i, const char *none, char *buf, size_t len)
{
	if (i < 0 || !pt->stats || !pt->stats[i].present)
		return none;
	result_value_format(pt->stats[i].type, pt->stats[i].v, buf, len);
	return buf;
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
		char b[4][48];
		fprintf(out, "%18s %12s %12s %14s\n", figure(pt, rate, "-", b[0], 48), figure(pt, amat, "-", b[1], 48),
		        figure(pt, walks, "-", b[2], 48), figure(pt, cyc, "-", b[3], 48));
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
			char b[2][48];
			fprintf(f, "%zu\t%s\t%s\t%s\n", x, sw->axes[0].values[x], figure(pt, rate, "NaN", b[0], 48),
			        figure(pt, amat, "NaN", b[1], 48));
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
