/*
 * Replacement through mmusim, on traces short enough to follow by hand (docs/timing.md R2, R5, R7, T9): a fill that
 * rewrites an entry in place (a dirty re-walk's refill) is not an allocation for FIFO, and steps the random policy's
 * LFSR all the same. Every run has the pages mapped before it (os.populate=1), no L2 TLB, and an L1 DTLB of one set
 * of two ways, so every data page competes for the same two entries.
 */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A, B, C: three 4 KiB pages. W A hits A's clean entry: a dirty re-walk (T9) that refills A in place (R7). */
static const char example[] = "R 400000\nR 401000\nW 400000\nR 402000\nR 400000\n";

#define ONE_SET "--set os.populate=1 --set tlb.l2.entries=0 --set tlb.l1d.entries=2 --set tlb.l1d.ways=2"

typedef struct figures {
	double misses, hits, walks, dirty_walks;
} figures_t;

static double num(cJSON *j, const char *name)
{
	cJSON *item = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(item && cJSON_IsNumber(item), "no number '%s' in the JSON report", name);
	return item->valuedouble;
}

/* `mmusim run --json` of trace text with the extra arguments. */
static figures_t run(const char *text, const char *args)
{
	static cli_run_t r;
	char path[64], cmd[512];
	cli_temp_file(path, text);
	snprintf(cmd, sizeof cmd, "run --json --format text --trace %s " ONE_SET " %s", path, args);
	cli_run(&r, NULL, MMU_MMUSIM, cmd);
	unlink(path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j, "stdout is not one JSON object");
	figures_t f = {num(j, "tlb.l1d.misses"), num(j, "tlb.l1d.hits"), num(j, "walks"), num(j, "walks.dirty")};
	cJSON_Delete(j);
	return f;
}

static void expect(figures_t got, figures_t want, const char *what)
{
	cr_expect_eq(got.misses, want.misses, "%s: %.0f L1 DTLB misses, expected %.0f", what, got.misses, want.misses);
	cr_expect_eq(got.hits, want.hits, "%s: %.0f L1 DTLB hits, expected %.0f", what, got.hits, want.hits);
	cr_expect_eq(got.walks, want.walks, "%s: %.0f walks, expected %.0f", what, got.walks, want.walks);
	cr_expect_eq(got.dirty_walks, want.dirty_walks, "%s: %.0f dirty re-walks, expected %.0f", what, got.dirty_walks,
	             want.dirty_walks);
}

/*
 * FIFO (R2): A -> way 0 (pointer 1), B -> way 1 (pointer 0), W A: dirty re-walk, A rewritten in place in way 0, the
 * pointer's way, which stays 0; C evicts A, allocated first; A misses again. Misses A B C A, walks A B A C A, hits
 * W A (it counts as a hit and its re-walk as a walk, T9). An in-place refill that advanced the pointer would evict B
 * instead: 3 misses.
 */
Test(mmusim_replacement, fifo_in_place_refill_keeps_the_oldest_entry_first_out)
{
	figures_t want = {.misses = 4, .hits = 1, .walks = 5, .dirty_walks = 1};
	expect(run(example, "--set tlb.l1d.policy=fifo"), want, "fifo, fast engine");
	expect(run(example, "--set tlb.l1d.policy=fifo --engine ticked"), want, "fifo, ticked engine");
}

/* LRU (R1) on the same trace: W A uses A, so C evicts B and the last A hits. */
Test(mmusim_replacement, lru_on_the_same_trace_keeps_a)
{
	expect(run(example, "--set tlb.l1d.policy=lru"), (figures_t){3, 2, 4, 1}, "lru");
}

/*
 * Random (R5), seed 4: the L1 DTLB's LFSR starts at 4 ^ 0x2000 = 0x2004 and steps on every fill: A (invalid way 0)
 * -> 0x1002, B (invalid way 1) -> 0x0801, A in place -> 0xB000 (0x0400 ^ 0xB400), so C evicts way 0xB000 mod 2 = 0
 * (A) -> 0x5800, and A evicts way 0 (C). Misses A B C A. Were the in-place refill not to step, C would evict way
 * 0x0801 mod 2 = 1 (B) and the last A would hit: 3 misses.
 */
Test(mmusim_replacement, random_in_place_refill_steps_the_lfsr)
{
	expect(run(example, "--set tlb.l1d.policy=random --seed 4"), (figures_t){4, 1, 5, 1}, "random, seed 4");
}

/* The column of name in a CSV header line, or -1. */
static int column(const char *header, const char *name)
{
	int col = 0;
	size_t n = strlen(name);
	for (const char *p = header; *p; col++) {
		if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == '\n' || p[n] == 0))
			return col;
		const char *c = strchr(p, ',');
		if (!c)
			break;
		p = c + 1;
	}
	return -1;
}

/* Field col of a CSV line, as a number. */
static double field(const char *line, int col)
{
	for (int i = 0; i < col; i++) {
		line = strchr(line, ',');
		cr_assert(line, "short CSV line");
		line++;
	}
	double v;
	cr_assert_eq(sscanf(line, "%lf", &v), 1);
	return v;
}

/*
 * The sweep (kept hit answers, replayed repeats) gives the figures worked out by hand. Fifty rounds, each on three
 * fresh pages Ak, Bk, Ck: the example's five records, then "R Ck, R Ak" ten times. FIFO: the round starts with the
 * pointer at 0 and the set full (or empty, in the first round: the same ways), so each round goes as the example
 * (4 misses, 5 walks, 1 hit) and ends with Ck in way 0, Ak in way 1 and the pointer at 0, then 20 hits. LRU: per
 * round 3 misses (Ak, Bk, Ck: W Ak makes Ak the newest, Ck evicts Bk), 4 walks, 2 + 20 hits.
 */
Test(mmusim_replacement, sweep_gives_the_hand_worked_figures)
{
	static char text[1 << 15];
	size_t n = 0;
	for (unsigned k = 0; k < 50; k++) {
		unsigned a = 0x400000 + k * 0x3000, b = a + 0x1000, c = a + 0x2000;
		n += (size_t)snprintf(text + n, sizeof text - n, "R %x\nR %x\nW %x\nR %x\nR %x\n", a, b, a, c, a);
		for (unsigned i = 0; i < 10; i++)
			n += (size_t)snprintf(text + n, sizeof text - n, "R %x\nR %x\n", c, a);
	}
	cr_assert_lt(n, sizeof text - 1);
	char path[64], cmd[512];
	cli_temp_file(path, text);
	snprintf(cmd, sizeof cmd, "sweep --jobs 1 --format text --trace %s " ONE_SET " --sweep tlb.l1d.policy=lru,fifo",
	         path);
	static cli_run_t r;
	cli_run(&r, NULL, MMU_MMUSIM, cmd);
	unlink(path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	const char *header = r.out, *lru = strchr(header, '\n') + 1, *fifo = strchr(lru, '\n') + 1;
	cr_assert(!strncmp(lru, "lru,ok,", 7) && !strncmp(fifo, "fifo,ok,", 8), "%s", r.out);
	int misses = column(header, "tlb.l1d.misses"), hits = column(header, "tlb.l1d.hits");
	int walks = column(header, "walks"), dirty = column(header, "walks.dirty");
	cr_assert(misses > 0 && hits > 0 && walks > 0 && dirty > 0, "%s", header);
	figures_t got_lru = {field(lru, misses), field(lru, hits), field(lru, walks), field(lru, dirty)};
	figures_t got_fifo = {field(fifo, misses), field(fifo, hits), field(fifo, walks), field(fifo, dirty)};
	expect(got_lru, (figures_t){150, 1100, 200, 50}, "sweep, lru");
	expect(got_fifo, (figures_t){200, 1050, 250, 50}, "sweep, fifo");
	expect(run(text, "--set tlb.l1d.policy=fifo"), (figures_t){200, 1050, 250, 50}, "run, fifo");
}
