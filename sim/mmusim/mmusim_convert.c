/*
 * mmusim convert: a trace of any readable format (lackey above all) into ChampSim instruction records, so that the
 * traces of any program recorded here can be read as ChampSim traces, here or by ChampSim.
 *
 * Each fetch begins a record (ip = its address); the loads, read-modify-writes (lackey's M: the same address in a
 * source and a destination slot) and stores that follow fill its slots. The reader presents a record as its fetch,
 * then its loads and read-modify-writes in slot order, then its plain stores (mmu_trace_champsim.c). To keep the
 * order of the input exactly, an access goes into a new record without a fetch (ip 0) when it does not fit: no free
 * slot, a load after a plain store, an address already in the record, or another process. Records carry no sizes:
 * each access becomes one at its first byte, so an access that crossed a page boundary is one translation where the
 * input made two (counted and reported). An address 0 cannot be written: ChampSim reads it as an unused slot.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "mmu/mmu_error.h"
#include "mmusim_convert.h"

enum { BATCH = 4096, MAX_REC = 96 };

typedef struct layout {
	size_t size, dst, ndst, src, nsrc;
	bool asid;
} layout_t;

static const layout_t standard = {.size = 64, .dst = 16, .ndst = 2, .src = 32, .nsrc = 4, .asid = false};
static const layout_t cloudsuite = {.size = 96, .dst = 24, .ndst = 4, .src = 56, .nsrc = 4, .asid = true};

typedef struct convert {
	const layout_t *l;
	mmu_trace_t *t;
	const char *in, *format;
	convert_sink_t *sink;
	/* the record being filled */
	unsigned char rec[MAX_REC];
	bool open, has_store;
	size_t nsrc, ndst;
	uint32_t pid;
	/* totals */
	uint64_t refs, records, continued, crossing;
	char err[512];
} convert_t;

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static int flush(convert_t *c)
{
	if (!c->open)
		return 0;
	c->open = false;
	c->records++;
	return convert_sink_write(c->sink, c->rec, c->l->size);
}

static int start(convert_t *c, uint64_t ip, uint32_t pid)
{
	if (flush(c))
		return -1;
	memset(c->rec, 0, sizeof c->rec);
	put64(c->rec, ip);
	if (c->l->asid)
		c->rec[88] = c->rec[89] = (unsigned char)pid;
	c->continued += ip == 0;
	c->open = true;
	c->has_store = false;
	c->nsrc = c->ndst = 0;
	c->pid = pid;
	return 0;
}

static bool in_record(const convert_t *c, uint64_t a)
{
	for (size_t i = 0; i < c->nsrc; i++)
		if (get64(c->rec + c->l->src + 8 * i) == a)
			return true;
	for (size_t j = 0; j < c->ndst; j++)
		if (get64(c->rec + c->l->dst + 8 * j) == a)
			return true;
	return false;
}

/* Whether a data access can join the open record without changing the order the reader presents. */
static bool fits(const convert_t *c, const mmu_trace_rec_t *r)
{
	if (!c->open || r->pid != c->pid || in_record(c, r->vaddr))
		return false;
	bool load = r->kind == MMU_REF_LOAD || r->kind == MMU_REF_MODIFY;
	bool store = r->kind == MMU_REF_STORE || r->kind == MMU_REF_MODIFY;
	if (load && (c->has_store || c->nsrc == c->l->nsrc))
		return false;
	return !store || c->ndst < c->l->ndst;
}

static int bad_rec(convert_t *c, uint64_t n, const char *what)
{
	char where[600];
	mmu_trace_locate(c->in, mmu_trace_format(c->t), n, where, sizeof where);
	snprintf(c->err, sizeof c->err, "%s: %s", where, what);
	errno = EINVAL;
	return -1;
}

static int add(convert_t *c, const mmu_trace_rec_t *r, uint64_t n)
{
	if (r->vaddr == 0)
		return bad_rec(c, n, "address 0 cannot be written (ChampSim reads a zero address as an unused slot)");
	if (c->l->asid ? r->pid > 255 : r->pid != 1)
		return bad_rec(c, n,
		               c->l->asid ? "a process above 255 does not fit the CloudSuite record's 8-bit ASID"
		                          : "a process other than 1: the standard record has none "
		                            "(--to champsim-cloudsuite keeps processes 0..255)");
	if (r->size > 1 && (r->vaddr >> 12) != ((r->vaddr + r->size - 1) >> 12))
		c->crossing++;
	c->refs++;
	if (r->kind == MMU_REF_FETCH)
		return start(c, r->vaddr, r->pid);
	if (!fits(c, r) && start(c, 0, r->pid))
		return -1;
	if (r->kind == MMU_REF_LOAD || r->kind == MMU_REF_MODIFY)
		put64(c->rec + c->l->src + 8 * c->nsrc++, r->vaddr);
	if (r->kind == MMU_REF_STORE || r->kind == MMU_REF_MODIFY)
		put64(c->rec + c->l->dst + 8 * c->ndst++, r->vaddr);
	c->has_store |= r->kind == MMU_REF_STORE;
	return 0;
}

typedef struct fill_ctx {
	convert_t *c;
	const char *codec;
} fill_ctx_t;

static int fill(FILE *f, const void *arg)
{
	const fill_ctx_t *x = arg;
	convert_t *c = x->c;
	if (!(c->sink = convert_sink_open(f, x->codec))) {
		errno = ENOMEM;
		return -1;
	}
	static mmu_trace_rec_t recs[BATCH];
	uint64_t n = 0;
	long got;
	int rc = 0;
	while (!rc && (got = mmu_trace_read(c->t, recs, BATCH, c->err, sizeof c->err)) > 0)
		for (long i = 0; i < got && !rc; i++)
			rc = add(c, &recs[i], ++n);
	if (!rc && got < 0) {
		errno = EINVAL;
		rc = -1;
	}
	if (!rc)
		rc = flush(c);
	int end = convert_sink_close(c->sink);
	return rc ? rc : end;
}

/* The codec of the output: --compress, else the name's ending (.xz, .gz), else none. */
static const char *pick_codec(const char *given, const char *out)
{
	if (given)
		return given;
	size_t n = strlen(out);
	if (n > 3 && !strcmp(out + n - 3, ".xz"))
		return "xz";
	if (n > 3 && !strcmp(out + n - 3, ".gz"))
		return "gzip";
	return "none";
}

static const char convert_usage[] =
    "usage: mmusim convert --to champsim|champsim-cloudsuite [--trace IN] [--format F] [--compress C] [--force] OUT\n"
    "  a trace (lackey, text, din, ChampSim) into ChampSim instruction records in OUT, written whole or not at all\n";

int cmd_convert(int argc, char **argv)
{
	const char *to = NULL, *trace = NULL, *format = NULL, *compress = NULL, *out = NULL;
	bool force = false;
	const cli_option_t table[] = {
	    {"to", 0, CLI_VALUE, "F", &to,
	     "champsim (64-byte records) or champsim-cloudsuite (96-byte records, the process as ASID)"},
	    {"trace", 0, CLI_VALUE, "FILE", &trace,
	     "the trace to convert ('-' = stdin). Default: the bundled workload"},
	    {"format", 0, CLI_VALUE, "F", &format,
	     "its format: lackey, text, champsim, champsim-cloudsuite, din or auto (default auto)"},
	    {"compress", 0, CLI_VALUE, "C", &compress,
	     "xz, gzip or none (default: from OUT's name, .xz or .gz, else none)"},
	    {"force", 0, CLI_FLAG, NULL, &force, "replace OUT if it exists"},
	};
	const cli_spec_t spec = {.prog = "mmusim",
	                         .cmd = "convert",
	                         .usage = convert_usage,
	                         .notes =
	                             "  each fetch begins a record; its loads and stores fill the slots, and a record "
	                             "without a fetch (ip 0)\n  takes what does not fit, so the order is kept "
	                             "(README, Traces)\n",
	                         .options = table,
	                         .noptions = sizeof table / sizeof table[0],
	                         .operand = "OUT",
	                         .operand_dest = &out};
	int rc = 0;
	if (!cli_parse(&spec, argc, argv, &rc))
		return rc;
	if (!to)
		return cli_fail("convert: --to is required (champsim or champsim-cloudsuite)");
	if (strcmp(to, "champsim") && strcmp(to, "champsim-cloudsuite"))
		return cli_fail("convert: --to: '%s' is not one of champsim, champsim-cloudsuite", to);
	if (!out)
		return cli_fail("convert: give the output file OUT");
	if (compress && strcmp(compress, "xz") && strcmp(compress, "gzip") && strcmp(compress, "none"))
		return cli_fail("convert: --compress: '%s' is not one of xz, gzip, none", compress);
	char msg[600];
	cli_out_err_t ok = cli_out_check(out, force, msg, sizeof msg);
	if (ok == CLI_OUT_EXISTS)
		return cli_fail("convert: %s exists (--force replaces it)", out);
	if (ok != CLI_OUT_OK)
		return cli_fail("convert: %s", msg);
	convert_t c = {.l = strcmp(to, "champsim") ? &cloudsuite : &standard, .in = cli_trace_path(trace)};
	if (cli_trace_open(c.in, format, &c.t, msg, sizeof msg))
		return cli_fail("%s", msg);
	fill_ctx_t x = {.c = &c, .codec = pick_codec(compress, out)};
	cli_out_err_t e = cli_out_write(out, force, fill, &x, msg, sizeof msg);
	mmu_trace_close(c.t);
	if (e != CLI_OUT_OK)
		return cli_fail("%s", c.err[0] ? c.err : msg);
	fprintf(stderr, "mmusim: convert: %llu references -> %llu records (%llu without a fetch) in %s\n",
	        (unsigned long long)c.refs, (unsigned long long)c.records, (unsigned long long)c.continued, out);
	if (c.crossing)
		fprintf(stderr,
		        "mmusim: convert: %llu accesses crossed a 4 KiB page boundary: ChampSim records have no size, "
		        "each is now one access at its first byte\n",
		        (unsigned long long)c.crossing);
	return 0;
}
