/*
 * The bundled workload set (workloads/README.md): each trace parses to the reference counts, kinds and footprint the
 * README gives, and the two-process trace interleaves its two programs as interleave.sh documents. The footprint is
 * computed here from the records alone (sorted page numbers), not by the simulator.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_trace.h"

typedef struct expected {
	const char *file;
	uint64_t refs, fetch, load, store, modify, pages;
	const char *readme_refs; /* the counts as the README's table prints them */
} expected_t;

/* Counted once with an independent script over the decompressed files (grep/awk/python), then entered by hand. */
static const expected_t bundle[] = {
    {"sort.lackey.gz", 1145276, 819343, 213507, 108078, 4348, 220, "1,145,276"},
    {"gzip.lackey.gz", 1635137, 1187083, 251214, 190366, 6474, 193, "1,635,137"},
    {"chase.lackey.gz", 1126538, 904921, 211555, 10020, 42, 2130, "1,126,538"},
    {"matrix-row.lackey.gz", 1340687, 1072830, 134745, 133074, 38, 341, "1,340,687"},
    {"matrix-col.lackey.gz", 1474108, 1206244, 134751, 133075, 38, 341, "1,474,108"},
};

typedef struct tally {
	uint64_t refs, kinds[4];
	uint64_t *pages; /* (pid << 44 | page number) of every page each record touches, duplicates included */
	size_t npages, cap;
	/* context switches and the run lengths between them */
	uint64_t switches, per_pid[3], runs_not_quantum;
	uint32_t pid;
	uint64_t run;
} tally_t;

static void add_page(tally_t *t, uint32_t pid, uint64_t page)
{
	if (t->npages == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 1 << 20;
		t->pages = realloc(t->pages, t->cap * sizeof *t->pages);
		cr_assert(t->pages);
	}
	t->pages[t->npages++] = (uint64_t)pid << 44 | page;
}

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static uint64_t distinct_pages(tally_t *t)
{
	qsort(t->pages, t->npages, sizeof *t->pages, u64_cmp);
	uint64_t n = 0;
	for (size_t i = 0; i < t->npages; i++)
		n += i == 0 || t->pages[i] != t->pages[i - 1];
	return n;
}

/* A run of one pid ends: only the last run of each process may be shorter than the quantum. */
static void end_run(tally_t *t, uint64_t quantum)
{
	if (t->run && t->run != quantum)
		t->runs_not_quantum++;
}

static void read_all(const char *file, tally_t *t, uint64_t quantum)
{
	char path[512], msg[512];
	snprintf(path, sizeof path, "%s/workloads/%s", MMU_SOURCE_DIR, file);
	mmu_trace_t *tr;
	cr_assert_eq(mmu_trace_open(path, MMU_TRACE_AUTO, &tr, msg, sizeof msg), 0, "%s", msg);
	static mmu_trace_rec_t r[4096];
	long got;
	memset(t, 0, sizeof *t);
	while ((got = mmu_trace_read(tr, r, 4096, msg, sizeof msg)) > 0) {
		for (long k = 0; k < got; k++) {
			cr_assert_lt(r[k].kind, 4);
			t->kinds[r[k].kind]++;
			add_page(t, r[k].pid, r[k].vaddr >> 12);
			add_page(t, r[k].pid, (r[k].vaddr + r[k].size - 1) >> 12);
			if (t->refs > 0 && r[k].pid != t->pid) {
				t->switches++;
				end_run(t, quantum);
				t->run = 0;
			}
			t->pid = r[k].pid;
			t->run++;
			if (r[k].pid < 3)
				t->per_pid[r[k].pid]++;
			t->refs++;
		}
	}
	end_run(t, quantum);
	cr_assert_eq(got, 0, "%s", msg);
	mmu_trace_close(tr);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert(f, "cannot open %s", path);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The README's table row of file: "| `file` | ... |". */
static const char *readme_row(const char *file)
{
	char *readme = slurp(MMU_SOURCE_DIR "/workloads/README.md");
	char key[128];
	snprintf(key, sizeof key, "| `%s` |", file);
	char *row = strstr(readme, key);
	cr_assert(row, "workloads/README.md has no table row for %s", file);
	char *end = strchr(row, '\n');
	if (end)
		*end = 0;
	return row;
}

Test(workloads, each_trace_has_its_documented_counts_and_footprint)
{
	for (size_t i = 0; i < sizeof bundle / sizeof bundle[0]; i++) {
		const expected_t *e = &bundle[i];
		tally_t t;
		read_all(e->file, &t, 0);
		cr_expect_eq(t.refs, e->refs, "%s: %llu references", e->file, (unsigned long long)t.refs);
		cr_expect_eq(t.kinds[MMU_REF_FETCH], e->fetch, "%s: fetches", e->file);
		cr_expect_eq(t.kinds[MMU_REF_LOAD], e->load, "%s: loads", e->file);
		cr_expect_eq(t.kinds[MMU_REF_STORE], e->store, "%s: stores", e->file);
		cr_expect_eq(t.kinds[MMU_REF_MODIFY], e->modify, "%s: modifies", e->file);
		uint64_t pages = distinct_pages(&t);
		cr_expect_eq(pages, e->pages, "%s: %llu pages", e->file, (unsigned long long)pages);
		cr_expect_eq(t.switches, 0, "%s: one process", e->file);
		/* the README's table says the same */
		char cell[64];
		const char *row = readme_row(e->file);
		cr_expect(strstr(row, e->readme_refs), "README row of %s lacks %s: %s", e->file, e->readme_refs, row);
		snprintf(cell, sizeof cell, "| %llu |", (unsigned long long)e->pages);
		cr_expect(strstr(row, cell), "README row of %s lacks the footprint %s: %s", e->file, cell, row);
		free(t.pages);
	}
}

/*
 * sort as pid 1 and gzip as pid 2, 10000 references each in turn, pid 1 first: sort's 1145276 references make 115
 * turns (114 full), so the turns alternate 2 x 115 times (229 switches) and gzip's remaining references follow
 * without a switch. Every reference of both programs is there, in its own process.
 */
Test(workloads, two_process_trace_interleaves_sort_and_gzip)
{
	tally_t t;
	read_all("two-process.txt.gz", &t, 10000);
	cr_expect_eq(t.refs, 1145276 + 1635137);
	cr_expect_eq(t.per_pid[1], 1145276, "pid 1 is sort");
	cr_expect_eq(t.per_pid[2], 1635137, "pid 2 is gzip");
	cr_expect_eq(t.switches, 229);
	/* sort's short last turn (5276), then gzip's turn and its tail (gzip alone) form one longer last run */
	cr_expect_eq(t.runs_not_quantum, 2);
	/* the lackey kinds as documented: I -> X, L -> R, S and M -> W */
	cr_expect_eq(t.kinds[MMU_REF_FETCH], 819343 + 1187083);
	cr_expect_eq(t.kinds[MMU_REF_LOAD], 213507 + 251214);
	cr_expect_eq(t.kinds[MMU_REF_STORE], 108078 + 4348 + 190366 + 6474);
	/* no access size in the text format: first pages only, which here still cover both footprints (220 + 193) */
	cr_expect_eq(distinct_pages(&t), 413);
	cr_expect(strstr(readme_row("two-process.txt.gz"), "2,780,413"));
	free(t.pages);
}
