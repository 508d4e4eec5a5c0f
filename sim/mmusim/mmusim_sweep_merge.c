/*
 * mmusim sweep-merge [-o DIR [--force]] SHARD.csv...
 *
 * Joins the files of `sweep --shard I/N` (mmusim_sweep_shard.c) into the CSV the sweep writes on one machine, byte
 * for byte: the header once, then each shard's rows in shard order, whatever the order of the files given. Refused,
 * naming the file: a file that is not a shard, a shard cut short, shards of different sweeps, a shard given twice,
 * and a shard missing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mmusim_sweep.h"

typedef struct shard_file {
	const char *path;
	char *text;
	size_t len;
	unsigned index, count;
	char id[17];
	size_t rows, first, total; /* as its first line says */
	size_t header, body;       /* offsets: where the CSV header and the rows begin */
} shard_file_t;

static int read_all(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return cli_fail("%s: cannot read: %s", path, strerror(errno));
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap)
			break;
		char *grown = realloc(buf, 2 * cap + 1);
		if (!grown) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = grown;
		cap *= 2;
	}
	int err = ferror(f);
	fclose(f);
	if (!buf)
		return cli_fail("%s: out of memory", path);
	if (err) {
		free(buf);
		return cli_fail("%s: cannot read: %s", path, strerror(EIO));
	}
	buf[n] = 0;
	*text = buf;
	*len = n;
	return 0;
}

/* Records (RFC 4180: a newline inside quotes belongs to the field) from text[from..len); *whole: ends with one. */
static size_t count_records(const char *text, size_t from, size_t len, bool *whole)
{
	size_t n = 0;
	bool quoted = false;
	for (size_t i = from; i < len; i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (text[i] == '\n' && !quoted)
			n++;
	}
	*whole = len == from || (text[len - 1] == '\n' && !quoted);
	return n;
}

/* The first line and the header of one file. */
static int parse_shard(shard_file_t *s)
{
	char *nl = memchr(s->text, '\n', s->len);
	int used = -1;
	if (nl) {
		*nl = 0;
		sscanf(s->text, "# mmusim sweep-shard %u/%u of sweep %16[0-9a-f]: %zu rows from row %zu of %zu%n",
		       &s->index, &s->count, s->id, &s->rows, &s->first, &s->total, &used);
		used = used >= 0 && s->text[used] == 0 && strlen(s->id) == 16 ? used : -1;
		*nl = '\n';
	}
	if (used < 0)
		return cli_fail(
		    "%s: line 1: not a shard of mmusim sweep --shard (expected '# mmusim sweep-shard I/N of "
		    "sweep ID: ...')",
		    s->path);
	s->header = (size_t)(nl - s->text) + 1;
	bool whole;
	char *end = memchr(s->text + s->header, '\n', s->len - s->header);
	if (!end)
		return cli_fail("%s: line 2: no CSV header (the file is cut short)", s->path);
	s->body = (size_t)(end - s->text) + 1;
	size_t rows = count_records(s->text, s->body, s->len, &whole);
	if (!whole)
		return cli_fail("%s: ends inside a row (the file is cut short)", s->path);
	if (rows != s->rows)
		return cli_fail("%s: holds %zu rows, its line 1 says %zu (the file is cut short or edited)", s->path,
		                rows, s->rows);
	size_t lo, hi;
	if (s->count >= 1 && s->index >= 1 && s->index <= s->count)
		sweep_shard_rows(s->total, s->index, s->count, &lo, &hi);
	if (s->count < 1 || s->index < 1 || s->index > s->count || lo + 1 != s->first || hi - lo != s->rows)
		return cli_fail("%s: line 1: rows %zu to %zu are not shard %u/%u of a sweep of %zu rows", s->path,
		                s->first, s->first + s->rows - 1, s->index, s->count, s->total);
	return 0;
}

/* The next field of a CSV record from *p (unquoted, malloc'ed); *last: it ended the record. NULL out of memory. */
static char *next_field(const char **p, const char *end, bool *last)
{
	const char *s = *p;
	size_t cap = 64, n = 0;
	char *out = malloc(cap);
	bool quoted = s < end && *s == '"';
	if (quoted)
		s++;
	for (; out && s < end; s++) {
		if (quoted && *s == '"') {
			if (s + 1 < end && s[1] == '"') {
				s++;
			} else {
				quoted = false;
				continue;
			}
		} else if (!quoted && (*s == ',' || *s == '\n')) {
			break;
		}
		if (n + 2 > cap) {
			char *grown = realloc(out, cap *= 2);
			if (!grown)
				free(out);
			out = grown;
			if (!out)
				break;
		}
		out[n++] = *s;
	}
	if (!out)
		return NULL;
	out[n] = 0;
	*last = s >= end || *s == '\n';
	*p = s < end ? s + 1 : s;
	return out;
}

/* One record's fields; their number in *n. */
static char **record(const char **p, const char *end, size_t *n)
{
	size_t cap = 128;
	char **f = malloc(cap * sizeof *f);
	*n = 0;
	for (bool last = false; f && !last;) {
		if (*n == cap) {
			char **grown = realloc(f, (cap *= 2) * sizeof *f);
			if (!grown) {
				for (size_t i = 0; i < *n; i++)
					free(f[i]);
				free(f);
				return NULL;
			}
			f = grown;
		}
		if (!(f[*n] = next_field(p, end, &last))) {
			for (size_t i = 0; i < *n; i++)
				free(f[i]);
			free(f);
			return NULL;
		}
		++*n;
	}
	return f;
}

static void free_record(char **f, size_t n)
{
	for (size_t i = 0; f && i < n; i++)
		free(f[i]);
	free(f);
}

static long column(char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return (long)i;
	return -1;
}

/* What a trace was in the rows of one shard: its rows of every shard must agree (it did not change in between). */
typedef struct trace_seen {
	char *path, *crc, *bytes;
	const char *file;
} trace_seen_t;

/*
 * The trace provenance of every row (provenance.trace, .content_bytes, .crc32): the same trace read by two shards
 * must have been the same. The sweep's identity holds each trace's path and size only, not to read every trace in
 * every shard; a trace rewritten between shards with the same size shows here.
 */
static int check_traces(const shard_file_t *s, size_t n)
{
	const char *p = s[0].text + s[0].header, *end = s[0].text + s[0].body;
	size_t nh, nf, nseen = 0, cap = 0;
	char **head = record(&p, end, &nh);
	long tc = head ? column(head, nh, "provenance.trace") : -1;
	long bc = head ? column(head, nh, "provenance.trace.content_bytes") : -1;
	long cc = head ? column(head, nh, "provenance.trace.crc32") : -1;
	free_record(head, nh);
	if (tc < 0 || bc < 0 || cc < 0)
		return cli_fail("%s: line 2: no provenance.trace, .content_bytes or .crc32 column", s[0].path);
	trace_seen_t *seen = NULL;
	int rc = 0;
	for (size_t f = 0; f < n && !rc; f++) {
		p = s[f].text + s[f].body;
		end = s[f].text + s[f].len;
		for (size_t row = 0; row < s[f].rows && !rc; row++) {
			char **fields = record(&p, end, &nf);
			if (!fields || nf != nh) {
				rc = fields ? cli_fail("%s: row %zu: %zu fields, its header has %zu", s[f].path,
				                       row + 1, nf, nh)
				            : cli_fail("out of memory");
				free_record(fields, nf);
				break;
			}
			size_t k = 0;
			while (k < nseen && strcmp(seen[k].path, fields[tc]))
				k++;
			if (k < nseen && (strcmp(seen[k].crc, fields[cc]) || strcmp(seen[k].bytes, fields[bc])))
				rc = cli_fail(
				    "%s: trace %s has CRC-32 %s (%s bytes) here, %s (%s bytes) in %s: the trace "
				    "changed between the shards",
				    s[f].path, fields[tc], fields[cc], fields[bc], seen[k].crc, seen[k].bytes,
				    seen[k].file);
			if (!rc && k == nseen) {
				trace_seen_t *grown =
				    nseen == cap ? realloc(seen, (cap = 2 * cap + 4) * sizeof *seen) : seen;
				if (!grown) {
					rc = cli_fail("out of memory");
				} else {
					seen = grown;
					seen[nseen++] = (trace_seen_t){fields[tc], fields[cc], fields[bc], s[f].path};
					fields[tc] = fields[cc] = fields[bc] = NULL; /* kept */
				}
			}
			free_record(fields, nf);
		}
	}
	for (size_t k = 0; k < nseen; k++) {
		free(seen[k].path);
		free(seen[k].crc);
		free(seen[k].bytes);
	}
	free(seen);
	return rc;
}

/* Whether b belongs with a (the first file): same sweep, same number of shards, same header. */
static int same_sweep(const shard_file_t *a, const shard_file_t *b)
{
	if (strcmp(a->id, b->id))
		return cli_fail(
		    "%s: a shard of another sweep than %s (other traces, swept keys or values, configuration, "
		    "method or mmusim version)",
		    b->path, a->path);
	if (a->count != b->count)
		return cli_fail("%s: shard %u of %u, but %s is one of %u shards of the same sweep", b->path, b->index,
		                b->count, a->path, a->count);
	if (a->body - a->header != b->body - b->header ||
	    memcmp(a->text + a->header, b->text + b->header, a->body - a->header))
		return cli_fail("%s: line 2: its header differs from that of %s", b->path, a->path);
	return 0;
}

int sweep_merge_files(const cli_list_t *files, const char *id, char **csv, size_t *len)
{
	if (!files->n)
		return cli_fail("no shard files given (mmusim sweep-merge SHARD.csv...)");
	shard_file_t *s = calloc(files->n, sizeof *s);
	shard_file_t **slot = NULL; /* by index */
	int rc = s ? 0 : cli_fail("out of memory");
	for (size_t f = 0; f < files->n && !rc; f++) {
		s[f].path = files->items[f];
		if ((rc = read_all(s[f].path, &s[f].text, &s[f].len)) || (rc = parse_shard(&s[f])))
			break;
		if (f == 0 && id && strcmp(s[0].id, id))
			rc = cli_fail(
			    "%s: not a shard of this sweep (other traces, swept keys or values, configuration, "
			    "method or mmusim version)",
			    s[0].path);
		if (f == 0 && !rc && !(slot = calloc(s[0].count + 1, sizeof *slot)))
			rc = cli_fail("out of memory");
		if (!rc && f > 0)
			rc = same_sweep(&s[0], &s[f]);
		if (!rc && slot[s[f].index])
			rc = cli_fail("%s: shard %u/%u again (%s is that shard too)", s[f].path, s[f].index, s[f].count,
			              slot[s[f].index]->path);
		if (!rc)
			slot[s[f].index] = &s[f];
	}
	for (unsigned i = 1; !rc && i <= s[0].count; i++)
		if (!slot[i]) {
			char name[64];
			sweep_shard_name(i, s[0].count, name, sizeof name);
			rc = cli_fail("shard %u/%u (%s) is missing: %zu of the %u shards are given", i, s[0].count,
			              name, files->n, s[0].count);
		}
	if (!rc)
		rc = check_traces(s, files->n);
	if (!rc) {
		size_t total = s[0].body - s[0].header;
		for (unsigned i = 1; i <= s[0].count; i++)
			total += slot[i]->len - slot[i]->body;
		char *out = malloc(total ? total : 1);
		if (!out) {
			rc = cli_fail("out of memory");
		} else {
			size_t at = s[0].body - s[0].header;
			memcpy(out, s[0].text + s[0].header, at);
			for (unsigned i = 1; i <= s[0].count; i++) {
				memcpy(out + at, slot[i]->text + slot[i]->body, slot[i]->len - slot[i]->body);
				at += slot[i]->len - slot[i]->body;
			}
			*csv = out;
			*len = total;
		}
	}
	for (size_t f = 0; s && f < files->n; f++)
		free(s[f].text);
	free(s);
	free(slot);
	return rc;
}

typedef struct bytes {
	const char *p;
	size_t n;
} bytes_t;

static int fill_bytes(FILE *f, const void *ctx)
{
	const bytes_t *b = ctx;
	return fwrite(b->p, 1, b->n, f) != b->n || ferror(f) ? -1 : 0;
}

static const char usage[] =
    "usage: mmusim sweep-merge [-o DIR [--force]] SHARD.csv...\n"
    "  joins the files of mmusim sweep --shard I/N (every shard of one sweep, in any order) into the CSV the\n"
    "  sweep writes on one machine; on stdout, or as DIR/sweep.csv. For the table and plots too, run the sweep's\n"
    "  own command with --merge SHARD.csv... -o DIR\n";

int cmd_sweep_merge(int argc, char **argv)
{
	const char *out = NULL;
	bool force = false;
	cli_list_t files = {0};
	const cli_option_t table[] = {
	    {"out", 'o', CLI_VALUE, "DIR", &out, "write DIR/sweep.csv instead of stdout"},
	    {"force", 0, CLI_FLAG, NULL, &force, "overwrite DIR/sweep.csv of an earlier sweep"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "sweep-merge",
	                         .usage = usage,
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0],
	                         .operand = "SHARD.csv",
	                         .operands = &files};
	int rc;
	if (!cli_parse(&spec, argc, argv, &rc)) {
		cli_list_free(&files);
		return rc;
	}
	char *csv = NULL;
	size_t len = 0;
	static const char *const merged[] = {"sweep.csv", NULL};
	rc = out ? sweep_prepare_dir("-o", out, merged, force) : 0;
	if (!rc)
		rc = sweep_merge_files(&files, NULL, &csv, &len);
	if (!rc && !out && fwrite(csv, 1, len, stdout) != len)
		rc = cli_fail("writing the CSV: %s", strerror(errno));
	if (!rc && out) {
		char path[4200], msg[4600];
		snprintf(path, sizeof path, "%s/sweep.csv", out);
		if (cli_out_write(path, force, fill_bytes, &(bytes_t){csv, len}, msg, sizeof msg))
			rc = cli_fail("%s", msg);
		else
			fprintf(stderr, "mmusim sweep-merge: wrote %s (%zu shards)\n", path, files.n);
	}
	free(csv);
	cli_list_free(&files);
	return rc;
}

/* ---- sweep ... --merge: the merged rows read back into the sweep, for its table, plots and provenance ---- */

/* A figure as the CSV prints it: a real has a decimal point, a negative number a sign. */
static sweep_stat_t parse_stat(const char *s)
{
	if (!*s)
		return (sweep_stat_t){.present = false};
	if (strchr(s, '.'))
		return (sweep_stat_t){true, RESULT_REAL, {.d = strtod(s, NULL)}};
	if (*s == '-')
		return (sweep_stat_t){true, RESULT_I64, {.i = strtoll(s, NULL, 10)}};
	return (sweep_stat_t){true, RESULT_U64, {.u = strtoull(s, NULL, 10)}};
}

int sweep_merge_into(sweep_t *sw, const char *csv, size_t len)
{
	const char *p = csv, *end = csv + len;
	size_t nh;
	char **head = record(&p, end, &nh);
	long status = head ? column(head, nh, "status") : -1;
	long bytes = head ? column(head, nh, "provenance.trace.file_bytes") : -1;
	long content = head ? column(head, nh, "provenance.trace.content_bytes") : -1;
	long crc = head ? column(head, nh, "provenance.trace.crc32") : -1;
	size_t first = (size_t)status + 1, stats = first;
	while (status >= 0 && stats < nh && strncmp(head[stats], "provenance.", 11))
		stats++;
	int rc = 0;
	if (!head || status < 0 || bytes < 0 || content < 0 || crc < 0)
		rc = -1;
	sw->nstats = rc ? 0 : stats - first;
	if (!rc && !(sw->stat_names = calloc(sw->nstats ? sw->nstats : 1, sizeof *sw->stat_names)))
		rc = -1;
	for (size_t s = 0; !rc && s < sw->nstats; s++)
		if (!(sw->stat_names[s] = strdup(head[first + s])))
			rc = -1;
	for (size_t i = 0; !rc && i < sw->npoints; i++) {
		size_t n;
		char **f = record(&p, end, &n);
		sweep_point_t *pt = &sw->points[i];
		if (!f || n != nh) {
			rc = -1;
		} else if (!pt->skip && (pt->stats = calloc(sw->nstats ? sw->nstats : 1, sizeof *pt->stats))) {
			for (size_t s = 0; s < sw->nstats; s++)
				pt->stats[s] = parse_stat(f[first + s]);
		} else if (!pt->skip) {
			rc = -1;
		}
		if (!rc && i % sw->nconfigs == 0) { /* the first row of a trace: its provenance */
			run_info_t *info = &sw->traces[pt->trace].info;
			*info = sw->info;
			info->trace = sw->traces[pt->trace].path;
			info->trace_file_bytes = strtoull(f[bytes], NULL, 10);
			info->trace_content_bytes = strtoull(f[content], NULL, 10);
			info->trace_crc32 = (uint32_t)strtoul(f[crc], NULL, 16);
		}
		free_record(f, n);
	}
	free_record(head, nh);
	return rc;
}
