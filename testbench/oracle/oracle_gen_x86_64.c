/*
 * Random page-table images for x86-64 4-level and 5-level paging (Intel SDM vol. 3A, 4.5), written by hand from the
 * manual's entry formats (tables 4-14 to 4-20), independently of the model's OS side: every page size (4 KiB, 2 MiB,
 * 1 GiB), R/W, U/S and XD at every level, entries not present at every level, reserved bits (above MAXPHYADDR, PS in
 * a PML5E and a PML4E, 20:13 of a 2 MiB page, 29:13 of a 1 GiB page), ignored bits set, A, D and G clear and set,
 * several address spaces sharing some subtrees, canonical and non-canonical addresses (48-bit or, with 5 levels,
 * 57-bit: SDM 4.5.1), loads, stores and fetches in rings 0 and 3.
 *
 * Every virtual address the accesses use has its low 30 bits inside the data window, and every leaf points into it
 * (1 GiB pages map frame 0, so their offset lands there), so whatever an entry's mutations make of a translation,
 * an access that succeeds touches a data frame, never the guest or the tables.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_image.h"

#define PAGE   UINT64_C(4096)
#define E_P    (UINT64_C(1) << 0)
#define E_W    (UINT64_C(1) << 1)
#define E_U    (UINT64_C(1) << 2)
#define E_A    (UINT64_C(1) << 5)
#define E_D    (UINT64_C(1) << 6)
#define E_PS   (UINT64_C(1) << 7)
#define E_G    (UINT64_C(1) << 8)
#define E_XD   (UINT64_C(1) << 63)
#define E_ADDR UINT64_C(0x000ffffffffff000)

typedef struct leaf {
	uint64_t va;
	unsigned level, root;
} leaf_t;

typedef struct gen {
	oracle_image_t *img;
	oracle_rng_t rng;
	unsigned pa_bits;
	unsigned levels; /* 4, or 5 with a PML5 table at the root */
	leaf_t *leaves;
	size_t nleaves, cap;
	/* indexes the mappings draw from: top_pool for the root table (PML4, or PML5 with 5 levels), pml4_pool below
	   a PML5E (5 levels only) */
	uint64_t top_pool[6], pml4_pool[3], pdpt_pool[3], pd_pool[3], pt_pool[4];
} gen_t;

static uint64_t *entry(gen_t *g, uint64_t table, unsigned index)
{
	return (uint64_t *)(g->img->tables + (table - ORACLE_TABLE_BASE)) + index;
}

static int alloc_table(gen_t *g, uint64_t *pa)
{
	if (g->img->table_end + PAGE > ORACLE_TABLE_END)
		return -1;
	*pa = g->img->table_end;
	g->img->table_end += PAGE;
	g->img->tables = realloc(g->img->tables, g->img->table_end - ORACLE_TABLE_BASE);
	if (!g->img->tables)
		return -1;
	memset(g->img->tables + (*pa - ORACLE_TABLE_BASE), 0, PAGE);
	return 0;
}

/* Mostly permissive flags, so that many walks reach the leaf; A and XD both ways. */
static uint64_t random_flags(gen_t *g)
{
	uint64_t f = E_P;
	f |= oracle_chance(&g->rng, 90) ? E_W : 0;
	f |= oracle_chance(&g->rng, 88) ? E_U : 0;
	f |= oracle_chance(&g->rng, 50) ? E_A : 0;
	f |= oracle_chance(&g->rng, 10) ? E_XD : 0;
	if (oracle_chance(&g->rng, 20)) /* bits 11:9 and 58:52 are ignored (no protection keys) */
		f |= (UINT64_C(1) << (9 + oracle_below(&g->rng, 3))) | (UINT64_C(1) << (52 + oracle_below(&g->rng, 7)));
	return f;
}

/* Bits 63:48 copy bit 47 with 4 levels, bits 63:57 copy bit 56 with 5 (SDM vol. 3A, 4.5.1). */
static uint64_t canonical(uint64_t va, unsigned levels)
{
	unsigned top = 12 + 9 * levels - 1;
	uint64_t high = ~UINT64_C(0) << top;
	return (va & (UINT64_C(1) << top)) ? va | high : va & ~high;
}

static unsigned va_index(uint64_t va, unsigned level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 511);
}

static uint64_t leaf_frame(gen_t *g, unsigned level)
{
	uint64_t window = ORACLE_DATA_END - ORACLE_DATA_BASE;
	if (level == 1)
		return ORACLE_DATA_BASE + oracle_below(&g->rng, window / PAGE) * PAGE;
	if (level == 2)
		return ORACLE_DATA_BASE + oracle_below(&g->rng, window >> 21) * (UINT64_C(1) << 21);
	return 0; /* a 1 GiB page: the accesses' offsets land in the window */
}

static int add_leaf(gen_t *g, uint64_t va, unsigned level, unsigned root)
{
	if (g->nleaves == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 64;
		leaf_t *n = realloc(g->leaves, g->cap * sizeof *n);
		if (!n)
			return -1;
		g->leaves = n;
	}
	g->leaves[g->nleaves++] = (leaf_t){va, level, root};
	return 0;
}

/* Maps one page of `level` at va in root, creating tables on the way; nothing if the way is taken by a leaf. */
static int map_one(gen_t *g, unsigned r, uint64_t va, unsigned level)
{
	uint64_t table = g->img->roots[r];
	for (unsigned l = g->levels; l > level; l--) {
		uint64_t *e = entry(g, table, va_index(va, l));
		if (*e == 0) {
			uint64_t t;
			if (alloc_table(g, &t) < 0)
				return -1;
			e = entry(g, table, va_index(va, l)); /* the image may have moved */
			*e = t | random_flags(g);
		} else if (l < 4 && (*e & E_PS)) { /* PS in a PML4E or PML5E is reserved, never a leaf */
			return 0;
		}
		table = *e & E_ADDR;
	}
	uint64_t *e = entry(g, table, va_index(va, level));
	if (*e != 0)
		return 0;
	uint64_t f = random_flags(g);
	f |= oracle_chance(&g->rng, 50) ? E_D : 0;
	f |= oracle_chance(&g->rng, 40) ? E_G : 0;
	if (level > 1)
		f |= E_PS;
	else if (oracle_chance(&g->rng, 20))
		f |= E_PS; /* bit 7 of a PTE is PAT: no effect on translation */
	*e = leaf_frame(g, level) | f;
	return add_leaf(g, va, level, r);
}

static uint64_t pick(gen_t *g, const uint64_t *pool, size_t n)
{
	return pool[oracle_below(&g->rng, n)];
}

static int map_random(gen_t *g, unsigned r)
{
	unsigned level = 1 + (unsigned)oracle_below(&g->rng, 3);
	uint64_t va = pick(g, g->top_pool, 6) << (12 + 9 * (g->levels - 1));
	if (g->levels == 5)
		va |= pick(g, g->pml4_pool, 3) << 39;
	va |= pick(g, g->pdpt_pool, 3) << 30;
	if (level <= 2)
		va |= pick(g, g->pd_pool, 3) << 21;
	if (level == 1)
		va |= pick(g, g->pt_pool, 4) << 12;
	return map_one(g, r, canonical(va, g->levels), level);
}

/* A reserved bit of this kind of entry (SDM vol. 3A, tables 4-15 to 4-20, and 4.7 "reserved bit"). */
static uint64_t reserved_bit(gen_t *g, unsigned level, uint64_t e)
{
	unsigned choice = (unsigned)oracle_below(&g->rng, 2);
	if (choice == 0 || g->pa_bits >= 52) {
		if (level >= 4) /* a PML4E or PML5E */
			return E_PS;
		if (level == 3 && (e & E_PS))
			return UINT64_C(1) << (13 + oracle_below(&g->rng, 17));
		if (level == 2 && (e & E_PS))
			return UINT64_C(1) << (13 + oracle_below(&g->rng, 8));
	}
	if (g->pa_bits >= 52)
		return 0;
	/* above MAXPHYADDR, the lowest such bit half of the time */
	unsigned bit =
	    oracle_chance(&g->rng, 50) ? g->pa_bits : g->pa_bits + (unsigned)oracle_below(&g->rng, 52 - g->pa_bits);
	return UINT64_C(1) << bit;
}

/* Not-present entries and reserved bits, at every level, after the tree is built so they cut whole subtrees. */
static void mutate_table(gen_t *g, uint64_t table, unsigned level, unsigned from)
{
	for (unsigned i = from; i < 512; i++) {
		uint64_t *e = entry(g, table, i);
		if (*e == 0)
			continue;
		bool leaf = level == 1 || (level < 4 && (*e & E_PS));
		/* a shared subtree comes here again, maybe with a reserved address bit set on its first visit */
		uint64_t next = *e & E_ADDR & ((UINT64_C(1) << g->pa_bits) - 1);
		if (oracle_chance(&g->rng, 4))
			*e &= ~E_P;
		else if (oracle_chance(&g->rng, 3))
			*e |= reserved_bit(g, level, *e);
		if (!leaf && oracle_chance(&g->rng, 60)) /* leave some tables untouched below a mutated one */
			mutate_table(g, next, level - 1, 0);
	}
}

static void make_pools(gen_t *g)
{
	for (int i = 0; i < 3; i++) {
		g->top_pool[i] = 1 + oracle_below(&g->rng, 255);       /* lower half, never entry 0 (the guest's) */
		g->top_pool[3 + i] = 256 + oracle_below(&g->rng, 256); /* upper half */
		g->pdpt_pool[i] = oracle_below(&g->rng, 512);
		g->pd_pool[i] =
		    (ORACLE_DATA_BASE >> 21) + oracle_below(&g->rng, (ORACLE_DATA_END - ORACLE_DATA_BASE) >> 21);
	}
	for (int i = 0; i < 4; i++)
		g->pt_pool[i] = oracle_below(&g->rng, 512);
	for (int i = 0; g->levels == 5 && i < 3; i++) /* below a PML5E other than 0 any PML4E is the generator's */
		g->pml4_pool[i] = oracle_below(&g->rng, 512);
}

static uint64_t access_va(gen_t *g, uint32_t *root)
{
	uint64_t window = ORACLE_DATA_END - ORACLE_DATA_BASE;
	unsigned kind = (unsigned)oracle_below(&g->rng, 100);
	uint64_t va;
	if (kind < 6 || g->nleaves == 0) { /* anywhere: mostly not present at the top */
		va = (1 + oracle_below(&g->rng, 511)) << (12 + 9 * (g->levels - 1));
		if (g->levels == 5)
			va |= oracle_below(&g->rng, 512) << 39;
		va = canonical(va | oracle_below(&g->rng, 512) << 30 |
		                   (ORACLE_DATA_BASE + oracle_below(&g->rng, window / 8) * 8),
		               g->levels);
	} else {
		const leaf_t *l = &g->leaves[oracle_below(&g->rng, g->nleaves)];
		uint64_t off;
		if (l->level == 1)
			off = oracle_below(&g->rng, PAGE / 8) * 8;
		else if (l->level == 2)
			off = oracle_below(&g->rng, (UINT64_C(1) << 21) / 8) * 8;
		else
			off = ORACLE_DATA_BASE + oracle_below(&g->rng, window / 8) * 8;
		va = l->va + off;
		if (oracle_chance(&g->rng, 70)) /* else maybe another space's view of the address */
			*root = l->root;
	}
	if (kind >= 94 && g->levels == 4) /* any bit of 63:47 flipped makes it non-canonical */
		va ^= UINT64_C(1) << (47 + oracle_below(&g->rng, 17));
	else if (kind >= 94 && oracle_chance(&g->rng, 60)) /* any bit of 63:56: non-canonical with 5 levels */
		va ^= UINT64_C(1) << (56 + oracle_below(&g->rng, 8));
	else if (kind >= 94) /* a bit of 55:47: non-canonical with 4 levels, canonical with 5 (walked) */
		va ^= UINT64_C(1) << (47 + oracle_below(&g->rng, 9));
	return va;
}

int oracle_gen_x86_64(oracle_image_t *img, uint64_t seed, size_t naccess, unsigned pa_bits, unsigned levels)
{
	memset(img, 0, sizeof *img);
	img->table_end = ORACLE_TABLE_BASE;
	img->levels = levels;
	gen_t g = {.img = img, .rng = {seed}, .pa_bits = pa_bits, .levels = levels};
	make_pools(&g);
	img->nroots = 2 + (unsigned)oracle_below(&g.rng, 3);
	int rc = 0;
	for (unsigned r = 0; r < img->nroots && rc == 0; r++)
		rc = alloc_table(&g, &img->roots[r]);
	for (unsigned r = 0; r < img->nroots && rc == 0; r++) {
		/* share some of the first space's subtrees, as kernels share their upper half */
		for (unsigned i = 1; r > 0 && i < 512; i++) {
			uint64_t *e0 = entry(&g, img->roots[0], i);
			if (*e0 && oracle_chance(&g.rng, 50))
				*entry(&g, img->roots[r], i) = *e0;
		}
		unsigned n = 8 + (unsigned)oracle_below(&g.rng, 12);
		for (unsigned k = 0; k < n && rc == 0; k++)
			rc = map_random(&g, r);
	}
	for (unsigned r = 0; r < img->nroots && rc == 0; r++)
		mutate_table(&g, img->roots[r], levels, 1);
	img->acc = calloc(naccess ? naccess : 1, sizeof *img->acc);
	if (rc != 0 || !img->acc) {
		free(g.leaves);
		return -1;
	}
	img->naccess = naccess;
	for (size_t i = 0; i < naccess; i++) {
		oracle_access_t *a = &img->acc[i];
		a->root = (uint32_t)oracle_below(&g.rng, img->nroots);
		a->va = access_va(&g, &a->root);
		a->op = (uint8_t)oracle_below(&g.rng, 3);
		a->user = (uint8_t)oracle_below(&g.rng, 2);
		a->store_value = oracle_store_value((uint32_t)i);
	}
	free(g.leaves);
	return 0;
}
