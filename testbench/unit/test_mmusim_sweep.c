/*
 * mmusim sweep: the cross product and its order, the CSV, each row against `mmusim run --json` of the same
 * configuration (the compacted replay against the plain simulation), thread-count and seed determinism, skipped
 * combinations, argument errors and the refusal to overwrite.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct run {
	int status;
	char *out, *err;
} run_t;

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot read %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	rewind(f);
	char *buf = malloc((size_t)n + 1);
	cr_assert(buf);
	cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Runs `mmusim ARGS` with stdout and stderr captured separately. */
static void mmusim(run_t *r, const char *args)
{
	char out[] = "/tmp/mmusim-sweep-out-XXXXXX", err[] = "/tmp/mmusim-sweep-err-XXXXXX";
	int fo = mkstemp(out), fe = mkstemp(err);
	cr_assert(fo >= 0 && fe >= 0);
	close(fo);
	close(fe);
	char *cmd = malloc(strlen(args) + 256);
	cr_assert(cmd);
	sprintf(cmd, "%s %s >%s 2>%s", MMU_MMUSIM, args, out, err);
	int st = system(cmd);
	free(cmd);
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	r->out = slurp(out);
	r->err = slurp(err);
	unlink(out);
	unlink(err);
}

static void run_free(run_t *r)
{
	free(r->out);
	free(r->err);
}

/* A small deterministic generator, so the traces are the same on every machine. */
static uint64_t next(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return *s >> 33;
}

static char trace_path[64];

/*
 * A lackey trace with what the compaction must get right: instruction runs in a few code pages interleaved with
 * loads, stores and modifies over a working set larger than small TLBs, loads then stores to one page (dirty
 * re-walks), and accesses that cross a page.
 */
static const char *lackey_trace(unsigned n)
{
	strcpy(trace_path, "/tmp/mmusim-sweep-trace-XXXXXX");
	int fd = mkstemp(trace_path);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	cr_assert(f);
	fputs("==1== Lackey, an example Valgrind tool\n", f);
	uint64_t s = 7, pc = 0x401000;
	for (unsigned i = 0; i < n; i++) {
		uint64_t r = next(&s) % 100;
		if (r < 55) {
			pc += next(&s) % 7 + 1;
			if (next(&s) % 40 == 0)
				pc = 0x401000 + (next(&s) % 6) * 0x1000 + next(&s) % 0x1000;
			fprintf(f, "I  %08llx,%u\n", (unsigned long long)pc, (unsigned)(next(&s) % 6 + 1));
			continue;
		}
		uint64_t page = next(&s) % 4 ? next(&s) % 6 : next(&s) % 48;
		uint64_t off = next(&s) % 20 == 0 ? 0xffc : (next(&s) % 0x1000) & ~7u;
		uint64_t addr = 0x10000000 + page * 0x1000 + off;
		const char *kind = r < 80 ? " L" : r < 92 ? " S" : " M";
		fprintf(f, "%s %08llx,8\n", kind, (unsigned long long)addr);
	}
	cr_assert_eq(fclose(f), 0);
	return trace_path;
}

/* A text trace of three processes taking turns, over pages below max_page (in units of page_size). */
static const char *text_trace(unsigned n, uint64_t page_size, uint64_t max_page)
{
	strcpy(trace_path, "/tmp/mmusim-sweep-trace-XXXXXX");
	int fd = mkstemp(trace_path);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	cr_assert(f);
	uint64_t s = 11;
	unsigned pid = 1;
	for (unsigned i = 0; i < n; i++) {
		if (next(&s) % 300 == 0)
			pid = (unsigned)(next(&s) % 3 + 1);
		uint64_t r = next(&s) % 3, page = next(&s) % 5 ? next(&s) % 4 : next(&s) % max_page;
		uint64_t addr = page * page_size + next(&s) % page_size;
		fprintf(f, "%c %llx %u\n", "RWX"[r], (unsigned long long)addr, pid);
	}
	cr_assert_eq(fclose(f), 0);
	return trace_path;
}

/* Splits text into lines (in place); returns the count. */
static size_t lines(char *text, char **line, size_t max)
{
	size_t n = 0;
	for (char *p = text; *p && n < max;) {
		line[n++] = p;
		char *nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = 0;
		p = nl + 1;
	}
	return n;
}

/* Splits a CSV line without quoted fields into fields (in place). */
static size_t fields(char *line, char **field, size_t max)
{
	size_t n = 0;
	for (char *p = line; n < max;) {
		field[n++] = p;
		char *c = strchr(p, ',');
		if (!c)
			break;
		*c = 0;
		p = c + 1;
	}
	return n;
}

/* The value of "name" in a JSON report exactly as printed; a string without its quotes, as the CSV holds it. */
static bool json_value(const char *json, const char *name, char *buf, size_t len)
{
	char pat[160];
	snprintf(pat, sizeof pat, "\"%s\":", name);
	const char *p = strstr(json, pat);
	if (!p)
		return false;
	p += strlen(pat);
	while (*p == ' ' || *p == '\t')
		p++;
	size_t n = *p == '"' ? strcspn(p + 1, "\"") + 2 : strcspn(p, ",\n");
	if (*p == '"')
		snprintf(buf, len, "%.*s", (int)n - 2, p + 1);
	else
		snprintf(buf, len, "%.*s", (int)n, p);
	return true;
}

#define MAXF 256

/*
 * Runs a sweep and checks every row against `mmusim run --json` with the same base options and the row's swept
 * values: every figure must be the same text.
 */
static void rows_equal_runs(const char *base, const char *sweeps, size_t expect_rows)
{
	char args[2048];
	snprintf(args, sizeof args, "sweep %s %s -j 2", base, sweeps);
	run_t r;
	mmusim(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *line[1024], *head[MAXF];
	size_t nl = lines(r.out, line, 1024);
	cr_assert_eq(nl, expect_rows + 1, "%zu lines of CSV, expected %zu rows and a header", nl, expect_rows);
	size_t nh = fields(line[0], head, MAXF);
	size_t first_stat = 0;
	while (first_stat < nh && strcmp(head[first_stat], "status"))
		first_stat++;
	cr_assert(first_stat < nh, "no status column");
	first_stat++;
	for (size_t i = 1; i < nl; i++) {
		char *f[MAXF];
		size_t nf = fields(line[i], f, MAXF);
		cr_assert_eq(nf, nh, "row %zu has %zu fields, the header %zu", i, nf, nh);
		cr_assert_str_eq(f[first_stat - 1], "ok");
		char run_args[2048];
		int used = snprintf(run_args, sizeof run_args, "run --json %s", base);
		for (size_t k = 0; k + 1 < first_stat; k++)
			used +=
			    snprintf(run_args + used, sizeof run_args - (size_t)used, " --set %s=%s", head[k], f[k]);
		run_t j;
		mmusim(&j, run_args);
		cr_assert_eq(j.status, 0, "%s: %s", run_args, j.err);
		for (size_t k = first_stat; k < nh; k++) {
			char v[1024];
			if (!json_value(j.out, head[k], v, sizeof v)) { /* a figure of other configurations' reports */
				cr_assert_str_empty(f[k], "row %zu (%s): %s is %s, but not in the JSON report", i,
				                    run_args, head[k], f[k]);
				continue;
			}
			cr_assert_str_eq(f[k], v, "row %zu (%s), %s: sweep %s, run %s", i, run_args, head[k], f[k], v);
		}
		run_free(&j);
	}
	run_free(&r);
}

Test(mmusim_sweep, rows_equal_run_json_for_every_policy_and_small_tlbs)
{
	const char *t = lackey_trace(60000);
	char base[512];
	snprintf(base, sizeof base,
	         "--trace %s --set tlb.l1d.ways=2 --set tlb.l1i.entries=4 --set tlb.l1i.ways=2 "
	         "--set tlb.l1i.policy=plru --set tlb.l2.entries=32 --set tlb.l2.ways=4 --set tlb.l2.policy=fifo",
	         t);
	rows_equal_runs(base, "--sweep tlb.l1d.policy=lru,plru,fifo,random --sweep tlb.l1d.entries=2,8,64", 12);
	unlink(t);
}

Test(mmusim_sweep, rows_equal_run_json_with_processes_pcids_and_random_memory)
{
	const char *t = text_trace(40000, 4096, 64);
	char base[512];
	snprintf(base, sizeof base,
	         "--trace %s --set mem.latency_max=180 --set mem.stall_max=3 --set tlb.l1d.entries=8 "
	         "--set tlb.l1i.entries=8 --set tlb.l1i.ways=full --seed 5",
	         t);
	rows_equal_runs(base, "--sweep cr3.pcid=0,1 --sweep tlb.l1i.policy=lru,random --sweep os.populate=0,1", 8);
	unlink(t);
}

Test(mmusim_sweep, rows_equal_run_json_with_textbook_pages_smaller_than_4k)
{
	const char *t = text_trace(20000, 32, 24); /* the ostep system: 32-byte pages, 128 frames */
	char base[512];
	snprintf(base, sizeof base, "--trace %s --preset ostep", t);
	rows_equal_runs(base, "--sweep tlb.l1d.entries=1,2,4 --sweep tlb.l1i.entries=2,4", 6);
	unlink(t);
}

Test(mmusim_sweep, rows_equal_run_json_with_os_policies_and_walk_caches)
{
	/* evictions and huge-page collapses invalidate TLB entries between records: windows must see it */
	const char *t = lackey_trace(40000);
	char base[512];
	snprintf(base, sizeof base,
	         "--trace %s --set tlb.l1d.entries=16 --set os.thp_density=8 --set pwc.l2.entries=4 "
	         "--set dcache.lines=32",
	         t);
	rows_equal_runs(base, "--sweep os.mem_frames=0,24 --sweep os.thp=never,dense,always", 6);
	unlink(t);
}

Test(mmusim_sweep, cross_product_in_order_first_key_outermost)
{
	const char *t = lackey_trace(5000);
	char args[256];
	snprintf(args, sizeof args,
	         "sweep --trace %s --sweep tlb.l1d.entries=16,32 --sweep tlb.l1d.policy=lru,fifo,plru", t);
	run_t r;
	mmusim(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *line[16];
	cr_assert_eq(lines(r.out, line, 16), 7);
	const char *expect[] = {"16,lru,ok,", "16,fifo,ok,", "16,plru,ok,", "32,lru,ok,", "32,fifo,ok,", "32,plru,ok,"};
	for (size_t i = 0; i < 6; i++)
		cr_assert(!strncmp(line[i + 1], expect[i], strlen(expect[i])), "row %zu is '%.40s', expected '%s...'",
		          i + 1, line[i + 1], expect[i]);
	run_free(&r);
	unlink(t);
}

Test(mmusim_sweep, csv_columns_are_the_keys_the_status_and_every_figure_of_the_report)
{
	const char *t = lackey_trace(5000);
	char args[256];
	run_t r, j;
	snprintf(args, sizeof args, "sweep --trace %s --sweep tlb.l2.entries=0,768 --sweep tlb.l1i.ways=4", t);
	mmusim(&r, args);
	snprintf(args, sizeof args, "run --json --trace %s", t);
	mmusim(&j, args);
	unlink(t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert_eq(j.status, 0, "%s", j.err);
	char *line[8], *head[MAXF];
	cr_assert_eq(lines(r.out, line, 8), 3);
	size_t nh = fields(line[0], head, MAXF);
	cr_assert_str_eq(head[0], "tlb.l2.entries");
	cr_assert_str_eq(head[1], "tlb.l1i.ways");
	cr_assert_str_eq(head[2], "status");
	/* every figure of the JSON report, in its order, and nothing else (the run's own description left out) */
	size_t k = 3;
	char *jl[512];
	size_t njl = lines(j.out, jl, 512);
	for (size_t i = 0; i < njl; i++) {
		char name[128];
		if (sscanf(jl[i], " \"%127[^\"]\"", name) != 1)
			continue;
		if (!strcmp(name, "trace") || !strcmp(name, "format") || !strcmp(name, "engine") ||
		    !strncmp(name, "config.", 7))
			continue;
		cr_assert(k < nh, "the CSV lacks %s", name);
		cr_assert_str_eq(head[k], name);
		k++;
	}
	cr_assert_eq(k, nh, "the CSV has %zu columns after the report's figures", nh - k);
	run_free(&r);
	run_free(&j);
}

/* --area: the figures of the row whose RTL parameters are the configuration's (the defaults of mmu_top are the
 * model's; an absent L2 matches whatever its other parameters say), empty where no row matches. */
/* The page-walk cache columns of a configuration without them: mmu_top's defaults (entries 0, ways 1, policy 0,
 * hit latency 1), for levels 2 to 5. */
#define NO_PWC "0,1,0,1,0,1,0,1,0,1,0,1,0,1,0,1"
Test(mmusim_sweep, area_columns_come_from_the_row_of_the_same_rtl_parameters)
{
	const char *t = lackey_trace(2000);
	char area[] = "/tmp/mmusim-sweep-area-XXXXXX";
	int fd = mkstemp(area);
	cr_assert(fd >= 0);
	FILE *f = fdopen(fd, "w");
	cr_assert(f);
	fprintf(f,
	        "config,L1iEntries,L1iWays,L1iPolicy,L1iHitLatency,L1dEntries,L1dWays,L1dPolicy,L1dHitLatency,"
	        "L2Entries,L2Ways,L2Policy,L2HitLatency,PcidEn,PaBits,Mode,Sum,Mxr,Svadu,"
	        "PwcL2Entries,PwcL2Ways,PwcL2Policy,PwcL2HitLatency,PwcL3Entries,PwcL3Ways,PwcL3Policy,PwcL3HitLatency,"
	        "PwcL4Entries,PwcL4Ways,PwcL4Policy,PwcL4HitLatency,PwcL5Entries,PwcL5Ways,PwcL5Policy,PwcL5HitLatency,"
	        "memories,memory_bits,logic_cells,seconds\n"
	        "default,128,8,0,1,64,4,0,1,1536,12,0,9,0,46,0,0,0,0," NO_PWC ",30,111,222,9\n"
	        "pcid,128,8,0,1,64,4,0,1,1536,12,0,9,1,46,0,0,0,0," NO_PWC ",30,333,444,9\n"
	        "no_l2,128,8,0,1,64,4,0,1,0,12,0,9,0,46,0,0,0,0," NO_PWC ",30,5,7,9\n"
	        "sv39,128,8,0,1,64,4,0,1,1536,12,0,9,0,46,4,0,0,0," NO_PWC ",30,666,777,9\n");
	fclose(f);
	char args[512];
	snprintf(args, sizeof args, "sweep --trace %s --sweep tlb.l2.entries=0,1536,768 --area %s", t, area);
	run_t r;
	mmusim(&r, args);
	unlink(t);
	unlink(area);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *line[8], *head[MAXF], *row[MAXF];
	cr_assert_eq(lines(r.out, line, 8), 4);
	size_t nh = fields(line[0], head, MAXF), bits = nh, cells = nh;
	for (size_t k = 0; k < nh; k++) {
		if (!strcmp(head[k], "rtl.memory_bits"))
			bits = k;
		if (!strcmp(head[k], "rtl.logic_cells"))
			cells = k;
	}
	cr_assert(bits < nh && cells == bits + 1, "no rtl.memory_bits, rtl.logic_cells columns");
	const char *want[3][3] = {{"0", "5", "7"}, {"1536", "111", "222"}, {"768", "", ""}};
	for (size_t i = 0; i < 3; i++) {
		cr_assert_eq(fields(line[i + 1], row, MAXF), nh);
		cr_assert_str_eq(row[0], want[i][0]);
		cr_assert_str_eq(row[bits], want[i][1], "row %zu", i + 1);
		cr_assert_str_eq(row[cells], want[i][2], "row %zu", i + 1);
	}
	run_free(&r);
}

Test(mmusim_sweep, byte_identical_for_one_and_two_threads_and_for_the_same_seed)
{
	const char *t = lackey_trace(30000);
	char args[512];
	snprintf(args, sizeof args,
	         "sweep --trace %s --set tlb.l1d.policy=random --set mem.latency_max=300 --sweep "
	         "tlb.l1d.entries=4,16,64 --sweep tlb.l1d.ways=1,4 --seed 9",
	         t);
	char a1[600], a2[600];
	snprintf(a1, sizeof a1, "%s -j 1", args);
	snprintf(a2, sizeof a2, "%s -j2", args);
	run_t r1, r2, r3;
	mmusim(&r1, a1);
	mmusim(&r2, a2);
	mmusim(&r3, a2);
	cr_assert_eq(r1.status, 0, "%s", r1.err);
	cr_assert_str_eq(r1.out, r2.out);
	cr_assert_str_eq(r2.out, r3.out);
	snprintf(a2, sizeof a2, "%s --seed 10", args);
	run_t r4;
	mmusim(&r4, a2);
	cr_assert_str_neq(r1.out, r4.out, "the seed changes nothing: the comparison above proves little");
	run_free(&r1);
	run_free(&r2);
	run_free(&r3);
	run_free(&r4);
	unlink(t);
}

/*
 * The trace is read in chunks and each configuration's simulation carries on from one to the next: with chunks of a
 * few references (the environment sets their size), every row still equals `mmusim run --json`, which reads no
 * chunks, over windows, processes and page-crossing records cut at any point.
 */
Test(mmusim_sweep, rows_equal_run_json_when_the_trace_is_read_in_small_chunks)
{
	cr_assert_eq(setenv("MMUSIM_SWEEP_CHUNK", "97", 1), 0);
	const char *t = lackey_trace(20000);
	char base[512];
	snprintf(base, sizeof base, "--trace %s --set tlb.l1d.ways=2 --set tlb.l1i.entries=4 --set tlb.l1i.ways=2", t);
	rows_equal_runs(base, "--sweep tlb.l1d.policy=lru,plru,fifo --sweep tlb.l1d.entries=2,64", 6);
	unlink(t);
	t = text_trace(20000, 4096, 64);
	snprintf(base, sizeof base, "--trace %s --set tlb.l1d.entries=8 --set os.mem_frames=40", t);
	rows_equal_runs(base, "--sweep cr3.pcid=0,1", 2);
	unlink(t);
}

Test(mmusim_sweep, byte_identical_whatever_the_chunk_size)
{
	static const char *const sizes[] = {"1", "2", "97", "4096", ""}; /* "": the default, larger than the trace */
	static const char *const sweeps[] = {
	    "--sweep tlb.l1d.entries=4,16,64 --sweep tlb.l1i.policy=lru,fifo",
	    "--set tlb.l1d.ways=full --method stackdist --sweep tlb.l1d.entries=1,3,16,64",
	};
	const char *t = lackey_trace(30000);
	for (size_t w = 0; w < sizeof sweeps / sizeof *sweeps; w++) {
		char args[600];
		snprintf(args, sizeof args, "sweep --trace %s %s -j 2", t, sweeps[w]);
		run_t first = {0};
		for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
			cr_assert_eq(setenv("MMUSIM_SWEEP_CHUNK", sizes[i], 1), 0);
			run_t r;
			mmusim(&r, args);
			cr_assert_eq(r.status, 0, "chunks of %s: %s", sizes[i], r.err);
			if (i == 0) {
				first = r;
				continue;
			}
			cr_assert_str_eq(r.out, first.out, "%s: chunks of %s references differ from chunks of 1",
			                 sweeps[w], *sizes[i] ? sizes[i] : "the default");
			run_free(&r);
		}
		run_free(&first);
	}
	unlink(t);
}

Test(mmusim_sweep, invalid_combinations_are_skipped_with_their_reason)
{
	const char *t = lackey_trace(5000);
	char args[256];
	snprintf(args, sizeof args, "sweep --trace %s --sweep tlb.l1d.entries=8,12 --sweep tlb.l1d.ways=4,16", t);
	run_t r;
	mmusim(&r, args);
	unlink(t);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *line[8];
	cr_assert_eq(lines(r.out, line, 8), 5);
	cr_assert(!strncmp(line[1], "8,4,ok,", 7), "%s", line[1]);
	cr_assert(!strncmp(line[2], "8,16,skipped: tlb.l1d.ways: 16 is more than tlb.l1d.entries (8),", 64), "%s",
	          line[2]);
	/* 3 sets: not a power of two; the reason holds a comma, so the status is quoted (RFC 4180) */
	cr_assert(!strncmp(line[3], "12,4,\"skipped: ", 15), "%s", line[3]);
	cr_assert(strstr(line[3], "tlb.l1d"), "%s", line[3]);
	cr_assert(!strncmp(line[4], "12,16,skipped: ", 15), "%s", line[4]);
	/* a skipped row has every figure empty */
	cr_assert(strstr(line[2], ",,,,"), "%s", line[2]);
	cr_assert(strstr(r.err, "configuration 2 skipped"), "%s", r.err);
	run_free(&r);
	mmusim(&r, "sweep --sweep tlb.l1d.entries=8 --sweep tlb.l1d.ways=16,32");
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "every one of the 2 configurations is invalid"), "%s", r.err);
	run_free(&r);
}

Test(mmusim_sweep, bad_sweep_arguments_are_named)
{
	static const struct {
		const char *args, *msg;
	} cases[] = {
	    {"sweep --sweep tlb.l1d.entries", "--sweep 'tlb.l1d.entries': expected KEY=V1,V2,..."},
	    {"sweep --sweep =1,2", "--sweep '=1,2': expected KEY=V1,V2,..."},
	    {"sweep --sweep tlb.l1d.entries=16,,32",
	     "--sweep 'tlb.l1d.entries=16,,32': value 2 of tlb.l1d.entries is empty"},
	    {"sweep --sweep tlb.l1d.entries=16,", "value 2 of tlb.l1d.entries is empty"},
	    {"sweep --sweep tlb.l1d.entires=16", "--sweep 'tlb.l1d.entires=16': "},
	    {"sweep --sweep tlb.l1d.ways=2,many", "--sweep 'tlb.l1d.ways=2,many': tlb.l1d.ways: 'many'"},
	    {"sweep --sweep tlb.l1d.ways=2,2", "value '2' is listed twice"},
	    {"sweep --sweep seed=1 --sweep seed=2", "--sweep 'seed=2': seed is already swept"},
	    {"sweep --sweep seed=1 --set tlb.l1d.ways", "--set 'tlb.l1d.ways': expected KEY=VALUE"},
	    {"sweep", "at least one --sweep"},
	    {"sweep --sweep seed=1 -j 0", "-j '0'"},
	    {"sweep --sweep seed=1 --frobnicate", "unknown option '--frobnicate'"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		run_t r;
		mmusim(&r, cases[i].args);
		cr_assert_eq(r.status, 2, "%s: exit %d", cases[i].args, r.status);
		cr_assert(strstr(r.err, cases[i].msg), "%s: message '%s' lacks '%s'", cases[i].args, r.err,
		          cases[i].msg);
		cr_assert_str_empty(r.out, "%s printed '%s'", cases[i].args, r.out);
		run_free(&r);
	}
	run_t r;
	mmusim(&r, "sweep --sweep tlb.l1d.entires=16");
	cr_assert(strstr(r.err, "tlb.l1d.entries"), "no suggestion of the nearest key: %s", r.err);
	run_free(&r);
}

Test(mmusim_sweep, output_directory_is_never_overwritten_silently)
{
	char dir[] = "/tmp/mmusim-sweep-dir-XXXXXX";
	cr_assert(mkdtemp(dir));
	char csv[128], args[512];
	snprintf(csv, sizeof csv, "%s/sweep.csv", dir);
	FILE *f = fopen(csv, "w");
	cr_assert(f);
	fputs("my own data\n", f);
	fclose(f);
	const char *t = lackey_trace(5000);
	snprintf(args, sizeof args, "sweep --trace %s --sweep tlb.l1d.entries=16,32 -o %s", t, dir);
	run_t r;
	mmusim(&r, args);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "sweep.csv exists; not overwritten"), "%s", r.err);
	char *kept = slurp(csv);
	cr_assert_str_eq(kept, "my own data\n");
	free(kept);
	run_free(&r);

	snprintf(args, sizeof args, "sweep --trace %s --sweep tlb.l1d.entries=16,32 -o %s --force", t, dir);
	mmusim(&r, args);
	cr_assert_eq(r.status, 0, "%s", r.err);
	char *written = slurp(csv);
	cr_assert(!strncmp(written, "tlb.l1d.entries,status,", 23), "%s", written);
	cr_assert(strstr(r.out, "amat_cycles"), "no table on stdout: %s", r.out);
	free(written);
	run_free(&r);

	snprintf(args, sizeof args, "sweep --trace %s --sweep tlb.l1d.entries=16 -o %s", t, csv); /* not a directory */
	mmusim(&r, args);
	cr_assert_eq(r.status, 2);
	cr_assert(strstr(r.err, "exists and is not a directory"), "%s", r.err);
	run_free(&r);

	unlink(t);
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	cr_assert_eq(system(cmd), 0);
}

/*
 * --method stackdist against the simulation, size by size: the misses of a fully-associative LRU L1 TLB from one
 * pass must be those the full simulation counts, with demand faults (two lookups), page-crossing accesses, processes
 * with and without PCIDs, and both ports.
 */
static void stackdist_equals_simulation(const char *base, const char *key, const char *sizes)
{
	char args[1024];
	run_t sd, sim;
	snprintf(args, sizeof args, "sweep %s --method stackdist --sweep %s=%s", base, key, sizes);
	mmusim(&sd, args);
	snprintf(args, sizeof args, "sweep %s --sweep %s=%s", base, key, sizes);
	mmusim(&sim, args);
	cr_assert_eq(sd.status, 0, "%s", sd.err);
	cr_assert_eq(sim.status, 0, "%s", sim.err);
	char *sl[64], *ml[64], *sh[MAXF], *mh[MAXF];
	size_t n = lines(sd.out, sl, 64);
	cr_assert_eq(lines(sim.out, ml, 64), n);
	size_t nsh = fields(sl[0], sh, MAXF), nmh = fields(ml[0], mh, MAXF);
	while (nsh > 0 && !strncmp(sh[nsh - 1], "provenance.", 11)) /* the provenance, last, is not a figure */
		nsh--;
	cr_assert_eq(nsh, 6, "stackdist rows: key, status and the TLB's four figures");
	for (size_t k = 2; k < nsh; k++) {
		size_t col = 0;
		while (col < nmh && strcmp(mh[col], sh[k]))
			col++;
		cr_assert(col < nmh, "%s not among the simulation's figures", sh[k]);
		for (size_t i = 1; i < n; i++) {
			char line_s[4096], line_m[8192], *fs[MAXF], *fm[MAXF];
			snprintf(line_s, sizeof line_s, "%s", sl[i]);
			snprintf(line_m, sizeof line_m, "%s", ml[i]);
			fields(line_s, fs, MAXF);
			fields(line_m, fm, MAXF);
			cr_assert_str_eq(fs[0], fm[0]);
			cr_assert_str_eq(fs[k], fm[col], "%s, %s=%s: stackdist %s, simulation %s", base, key, fs[0],
			                 fs[k], fm[col]);
		}
	}
	run_free(&sd);
	run_free(&sim);
}

Test(mmusim_sweep, stackdist_equals_simulation_lackey)
{
	const char *t = lackey_trace(60000);
	char base[512];
	snprintf(base, sizeof base, "--trace %s --set tlb.l1d.ways=full --set tlb.l1i.ways=full", t);
	stackdist_equals_simulation(base, "tlb.l1d.entries", "1,2,3,5,8,13,32,64");
	stackdist_equals_simulation(base, "tlb.l1i.entries", "1,2,4,7");
	unlink(t);
}

Test(mmusim_sweep, stackdist_equals_simulation_with_processes)
{
	const char *t = text_trace(40000, 4096, 64);
	char base[512];
	for (int pcid = 0; pcid < 2; pcid++)
		for (int populate = 0; populate < 2; populate++) {
			snprintf(base, sizeof base,
			         "--trace %s --set tlb.l1d.ways=full --set cr3.pcid=%d --set os.populate=%d", t, pcid,
			         populate);
			stackdist_equals_simulation(base, "tlb.l1d.entries", "1,2,4,6,16,48");
		}
	unlink(t);
}

Test(mmusim_sweep, stackdist_refuses_where_it_is_not_exact)
{
	static const struct {
		const char *args, *msg;
	} cases[] = {
	    {"--sweep tlb.l1d.entries=16,32", "tlb.l1d.entries=16 is not a fully-associative LRU TLB"},
	    {"--set tlb.l1d.ways=full --set tlb.l1d.policy=plru --sweep tlb.l1d.entries=16",
	     "not a fully-associative LRU"},
	    {"--sweep tlb.l2.entries=768,1536", "tlb.l2.entries is not tlb.l1i.entries or tlb.l1d.entries"},
	    {"--set tlb.l1d.ways=full --sweep tlb.l1d.entries=16 --sweep seed=1,2", "sweep exactly one key"},
	    {"--set tlb.l1d.ways=full --set os.thp=always --sweep tlb.l1d.entries=16", "needs base pages only"},
	    {"--set tlb.l1d.ways=full --set os.mem_frames=64 --sweep tlb.l1d.entries=16", "and no eviction"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char args[512];
		snprintf(args, sizeof args, "sweep --method stackdist %s", cases[i].args);
		run_t r;
		mmusim(&r, args);
		cr_assert_eq(r.status, 2, "%s: exit %d", args, r.status);
		cr_assert(strstr(r.err, cases[i].msg), "%s: '%s' lacks '%s'", args, r.err, cases[i].msg);
		run_free(&r);
	}
}
