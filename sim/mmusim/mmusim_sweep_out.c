/* What a sweep writes: the CSV, its provenance, and a table for people (the plots: mmusim_sweep_plot.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "mmusim_csv.h"
#include "mmusim_sweep.h"

const char *const sweep_output_files[SWEEP_OUTPUT_FILES + 1] = {"sweep.csv",
                                                                "sweep.provenance.json",
                                                                "plots.gp",
                                                                "plot-data.tsv",
                                                                "miss_rate.png",
                                                                "miss_rate.svg",
                                                                "amat.png",
                                                                "amat.svg",
                                                                NULL};

/* The provenance of a point: its trace's, the sweep's sources and method, the point's own configuration. */
static int point_provenance(const sweep_t *sw, const sweep_point_t *pt, results_t *prov)
{
	memset(prov, 0, sizeof *prov);
	return results_provenance(prov, &sw->traces[pt->trace].info, &pt->cfg);
}

/*
 * The header, then rows [lo, hi). With several traces the first column names the row's trace (the outermost
 * dimension); with one it is left out, as the provenance columns name it already.
 */
int sweep_write_csv(const sweep_t *sw, FILE *out)
{
	csv_t c;
	csv_init(&c, out);
	results_t prov;
	int err = point_provenance(sw, &sw->points[0], &prov);
	if (sw->ntraces > 1)
		csv_text(&c, "trace");
	for (size_t a = 0; a < sw->naxes; a++)
		csv_text(&c, sw->axes[a].key);
	csv_text(&c, "status");
	for (size_t s = 0; s < sw->nstats; s++)
		csv_text(&c, sw->stat_names[s]);
	if (sw->area) {
		csv_text(&c, "rtl.memory_bits");
		csv_text(&c, "rtl.logic_cells");
	}
	for (size_t k = 0; k < prov.n; k++)
		csv_text(&c, prov.v[k].name);
	csv_end_row(&c);
	results_free(&prov);
	for (size_t i = sw->lo; i < sw->hi && !err; i++) {
		const sweep_point_t *pt = &sw->points[i];
		if (sw->ntraces > 1)
			csv_text(&c, sw->traces[pt->trace].path);
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
		if (sw->area)
			for (int k = 0; k < 2; k++) {
				long long v = k ? pt->area_cells : pt->area_bits;
				if (v < 0)
					csv_empty(&c);
				else
					csv_value(&c, RESULT_U64, (result_value_t){.u = (uint64_t)v});
			}
		err = point_provenance(sw, pt, &prov);
		for (size_t k = 0; k < prov.n; k++)
			csv_value(&c, prov.v[k].type, prov.v[k].v);
		csv_end_row(&c);
		results_free(&prov);
	}
	return err || ferror(out) ? -1 : 0;
}

/* With several traces, each trace field of the provenance is an array: one value per trace, in their order. */
static int trace_arrays(const sweep_t *sw, cJSON *obj)
{
	static const char *const fields[] = {"provenance.trace", "provenance.trace.file_bytes",
	                                     "provenance.trace.content_bytes", "provenance.trace.crc32"};
	for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
		cJSON *arr = cJSON_CreateArray();
		if (!arr)
			return -1;
		for (size_t t = 0; t < sw->ntraces; t++) {
			const run_info_t *in = &sw->traces[t].info;
			char crc[16];
			snprintf(crc, sizeof crc, "%08x", (unsigned)in->trace_crc32);
			cJSON *v = f == 0   ? cJSON_CreateString(in->trace)
			           : f == 1 ? cJSON_CreateNumber((double)in->trace_file_bytes)
			           : f == 2 ? cJSON_CreateNumber((double)in->trace_content_bytes)
			                    : cJSON_CreateString(crc);
			if (!v || !cJSON_AddItemToArray(arr, v)) {
				cJSON_Delete(v);
				cJSON_Delete(arr);
				return -1;
			}
		}
		if (!cJSON_ReplaceItemInObjectCaseSensitive(obj, fields[f], arr)) {
			cJSON_Delete(arr);
			return -1;
		}
	}
	return 0;
}

/* Beside DIR/sweep.csv: the provenance of the sweep as one JSON object, with the swept keys and their values. */
int sweep_write_provenance(const sweep_t *sw, FILE *out)
{
	results_t prov;
	int err = point_provenance(sw, &(sweep_point_t){.cfg = sw->base}, &prov);
	cJSON *obj = err ? NULL : results_json(&prov);
	results_free(&prov);
	if (obj && sw->ntraces > 1)
		err = trace_arrays(sw, obj);
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

const char *sweep_figure(const sweep_point_t *pt, long i, const char *none, char *buf, size_t len)
{
	if (i < 0 || !pt->stats || !pt->stats[i].present)
		return none;
	result_value_format(pt->stats[i].type, pt->stats[i].v, buf, len);
	return buf;
}

long sweep_stat_index(const sweep_t *sw, const char *name)
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
long sweep_miss_rate_index(const sweep_t *sw, char *name, size_t len)
{
	const char *key = sw->axes[0].key, *dot = strchr(key, '.');
	dot = dot ? strchr(dot + 1, '.') : NULL;
	if (dot && !strncmp(key, "tlb.", 4)) {
		snprintf(name, len, "%.*smiss_rate", (int)(dot - key + 1), key);
		long i = sweep_stat_index(sw, name);
		if (i >= 0)
			return i;
	}
	snprintf(name, len, "tlb.l1d.miss_rate");
	return sweep_stat_index(sw, name);
}

size_t sweep_lines(const sweep_t *sw)
{
	return sw->ntraces * (sw->nconfigs / sw->axes[0].nvalues);
}

const sweep_point_t *sweep_line_point(const sweep_t *sw, size_t line, size_t x)
{
	size_t per_trace = sw->nconfigs / sw->axes[0].nvalues;
	return &sw->points[line / per_trace * sw->nconfigs + x * per_trace + line % per_trace];
}

void sweep_write_table(const sweep_t *sw, FILE *out)
{
	char rate_name[128];
	long rate = sweep_miss_rate_index(sw, rate_name, sizeof rate_name);
	long amat = sweep_stat_index(sw, "amat_cycles"), walks = sweep_stat_index(sw, "walks"),
	     cyc = sweep_stat_index(sw, "cycles");
	int w[64];
	size_t na = sw->naxes < 64 ? sw->naxes : 64;
	for (size_t a = 0; a < na; a++) {
		w[a] = (int)strlen(sw->axes[a].key);
		for (size_t v = 0; v < sw->axes[a].nvalues; v++)
			if ((int)strlen(sw->axes[a].values[v]) > w[a])
				w[a] = (int)strlen(sw->axes[a].values[v]);
	}
	int tw = 5; /* the trace column, with several traces */
	for (size_t t = 0; t < sw->ntraces; t++)
		if ((int)strlen(sw->traces[t].path) > tw)
			tw = (int)strlen(sw->traces[t].path);
	if (sw->ntraces > 1)
		fprintf(out, "%-*s  ", tw, "trace");
	for (size_t a = 0; a < na; a++)
		fprintf(out, "%*s  ", w[a], sw->axes[a].key);
	fprintf(out, "%18s %12s %12s %14s", rate_name, "amat_cycles", "walks", "cycles");
	if (sw->area)
		fprintf(out, " %15s %15s", "rtl.memory_bits", "rtl.logic_cells");
	fputc('\n', out);
	for (size_t i = sw->lo; i < sw->hi; i++) {
		const sweep_point_t *pt = &sw->points[i];
		if (sw->ntraces > 1)
			fprintf(out, "%-*s  ", tw, sw->traces[pt->trace].path);
		for (size_t a = 0; a < na; a++)
			fprintf(out, "%*s  ", w[a], sw->axes[a].values[pt->at[a]]);
		if (pt->skip) {
			fprintf(out, "skipped: %s\n", pt->skip);
			continue;
		}
		char b[4][48];
		fprintf(out, "%18s %12s %12s %14s", sweep_figure(pt, rate, "-", b[0], 48),
		        sweep_figure(pt, amat, "-", b[1], 48), sweep_figure(pt, walks, "-", b[2], 48),
		        sweep_figure(pt, cyc, "-", b[3], 48));
		if (sw->area) {
			for (int k = 0; k < 2; k++) {
				long long v = k ? pt->area_cells : pt->area_bits;
				if (v < 0)
					snprintf(b[k], 48, "-");
				else
					snprintf(b[k], 48, "%lld", v);
			}
			fprintf(out, " %15s %15s", b[0], b[1]);
		}
		fputc('\n', out);
	}
}
