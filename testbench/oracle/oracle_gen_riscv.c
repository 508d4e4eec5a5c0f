/*
 * Random page-table images for RISC-V Sv39, Sv48 and Sv57 (privileged specification, 4.3-4.6), written by hand from
 * the specification's PTE format (4.3.1, 4.4) and walk (4.3.2), independently of the model's OS side: leaves of every
 * size of the mode (4 KiB, 2 MiB, 1 GiB, and 512 GiB with Sv48, 256 TiB with Sv57), every R/W/X combination
 * including the reserved W without R (and W, X without R), U, G, A and D clear and set, RSW bits set, entries with V
 * clear at every level, reserved encodings (bits 63:54, D/A/U in a pointer, a pointer at the last level, a misaligned
 * superpage), several address spaces with their own ASIDs sharing some subtrees; and accesses (load, store, fetch in
 * S- and U-mode, loads and stores also by M-mode with mstatus.MPRV = 1 and MPP = S or U, with mstatus.SUM and MXR
 * clear and set) at mapped, unmapped and non-sign-extended addresses.
 *
 * Every leaf points into the data window (gigapages map the 1 GiB at RAM's base, terapages and petapages physical 0,
 * so the access's offset lands there), and every access is walked here before it is kept: one whose translation
 * could reach outside the data window (another address space's view of it, say) is drawn again, so an access that
 * succeeds on either side touches a data frame only, never a device, the guest or the tables.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_image.h"

#define PAGE     UINT64_C(4096)
#define P_V      (UINT64_C(1) << 0)
#define P_R      (UINT64_C(1) << 1)
#define P_W      (UINT64_C(1) << 2)
#define P_X      (UINT64_C(1) << 3)
#define P_U      (UINT64_C(1) << 4)
#define P_G      (UINT64_C(1) << 5)
#define P_A      (UINT64_C(1) << 6)
#define P_D      (UINT64_C(1) << 7)
#define P_RWX    (P_R | P_W | P_X)
#define PPN_MASK UINT64_C(0x003ffffffffffc00) /* bits 53:10 */
#define RESERVED (~UINT64_C(0) << 54)         /* bits 63:54 with Svnapot and Svpbmt off */

#define DATA_BASE (ORACLE_RV_RAM_BASE + ORACLE_DATA_BASE)
#define DATA_END  (ORACLE_RV_RAM_BASE + ORACLE_DATA_END)

typedef struct leaf {
	uint64_t va;
	unsigned level, root;
} leaf_t;

typedef struct gen {
	oracle_image_t *img;
	oracle_rng_t rng;
	unsigned levels; /* 3 Sv39, 4 Sv48, 5 Sv57; the model's level n (1 = 4 KiB) is the specification's i = n - 1 */
	leaf_t *leaves;
	size_t nleaves, cap;
	uint64_t pool[6][6]; /* VPN indexes the mappings draw from, per level */
} gen_t;

static uint64_t pte_pa(uint64_t e)
{
	return (e & PPN_MASK) << 2;
}

static uint64_t pte_of(uint64_t pa)
{
	return (pa >> 2) & PPN_MASK;
}

static uint64_t *entry(gen_t *g, uint64_t table, unsigned index)
{
	return (uint64_t *)(g->img->tables + (table - oracle_image_table_base(g->img))) + index;
}

static int alloc_table(gen_t *g, uint64_t *pa)
{
	uint64_t base = oracle_image_table_base(g->img);
	if (g->img->table_end + PAGE > ORACLE_RV_RAM_BASE + ORACLE_TABLE_END)
		return -1;
	*pa = g->img->table_end;
	g->img->table_end += PAGE;
	uint8_t *n = realloc(g->img->tables, g->img->table_end - base);
	if (!n)
		return -1;
	g->img->tables = n;
	memset(g->img->tables + (*pa - base), 0, PAGE);
	return 0;
}

static unsigned va_index(uint64_t va, unsigned level)
{
	return (unsigned)((va >> (12 + 9 * (level - 1))) & 511);
}

static unsigned va_bits(const gen_t *g)
{
	return 12 + 9 * g->levels;
}

/* Bits 63:VA-bits copy bit VA-bits - 1 (4.4, 4.5, 4.6). */
static uint64_t sign_extend(const gen_t *g, uint64_t va)
{
	unsigned top = va_bits(g) - 1;
	uint64_t high = ~UINT64_C(0) << top;
	return (va & (UINT64_C(1) << top)) ? va | high : va & ~high;
}

/* The index of the guest's own mapping in the root: VPN[top] of 0x80000000 (2 with Sv39, 0 above). */
static int guest_index(const gen_t *g, unsigned level, unsigned index)
{
	return level == g->levels && (index == va_index(ORACLE_RV_RAM_BASE, level) ||
	                              (level == 3 && index == va_index(ORACLE_RV_RAM_BASE + ORACLE_RV_USER_ALIAS, 3)));
}

/* R/W/X of a leaf, the reserved W-only and W+X sometimes (4.3.1, table 4.5) */
static uint64_t leaf_rights(gen_t *g)
{
	static const struct {
		uint64_t bits;
		unsigned weight;
	} kinds[] = {{P_R, 15},     {P_R | P_W, 25}, {P_R | P_X, 14},
	             {P_RWX, 25},   {P_X, 12},       /* execute-only: loads need MXR */ {P_W, 4},
	             {P_W | P_X, 5}};
	unsigned total = 0, k = 0;
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		total += kinds[i].weight;
	unsigned r = (unsigned)oracle_below(&g->rng, total);
	while (r >= kinds[k].weight)
		r -= kinds[k++].weight;
	return kinds[k].bits;
}

static uint64_t rsw(gen_t *g)
{
	return oracle_chance(&g->rng, 15) ? UINT64_C(1) << (8 + oracle_below(&g->rng, 2)) : 0; /* ignored */
}

static uint64_t pointer_flags(gen_t *g)
{
	return P_V | (oracle_chance(&g->rng, 10) ? P_G : 0) | rsw(g);
}

static uint64_t leaf_flags(gen_t *g)
{
	uint64_t f = P_V | leaf_rights(g) | rsw(g);
	f |= oracle_chance(&g->rng, 60) ? P_U : 0;
	f |= oracle_chance(&g->rng, 30) ? P_G : 0;
	f |= oracle_chance(&g->rng, 50) ? P_A : 0;
	f |= oracle_chance(&g->rng, 50) ? P_D : 0;
	return f;
}

/* The physical page a leaf of `level` maps: in the window for 4 KiB and 2 MiB, else the aligned page around it. */
static uint64_t leaf_frame(gen_t *g, unsigned level)
{
	uint64_t window = DATA_END - DATA_BASE;
	if (level == 1)
		return DATA_BASE + oracle_below(&g->rng, window / PAGE) * PAGE;
	if (level == 2)
		return DATA_BASE + oracle_below(&g->rng, window >> 21) * (UINT64_C(1) << 21);
	if (level == 3)
		return ORACLE_RV_RAM_BASE; /* 1 GiB aligned */
	return 0;
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

/* Maps one page of `level` at va in root r, creating tables on the way; nothing if the way is taken by a leaf. */
static int map_one(gen_t *g, unsigned r, uint64_t va, unsigned level)
{
	uint64_t table = pte_pa(g->img->roots[r] << 10);
	for (unsigned l = g->levels; l > level; l--) {
		uint64_t *e = entry(g, table, va_index(va, l));
		if (*e == 0) {
			uint64_t t;
			if (alloc_table(g, &t) < 0)
				return -1;
			e = entry(g, table, va_index(va, l)); /* the image may have moved */
			*e = pte_of(t) | pointer_flags(g);
		} else if (*e & P_RWX) {
			return 0;
		}
		table = pte_pa(*e);
	}
	uint64_t *e = entry(g, table, va_index(va, level));
	if (*e != 0)
		return 0;
	*e = pte_of(leaf_frame(g, level)) | leaf_flags(g);
	return add_leaf(g, va, level, r);
}

static int map_random(gen_t *g, unsigned r)
{
	unsigned level = 1 + (unsigned)oracle_below(&g->rng, g->levels);
	uint64_t va = 0;
	for (unsigned l = g->levels; l >= level; l--)
		va |= g->pool[l][oracle_below(&g->rng, 6)] << (12 + 9 * (l - 1));
	return map_one(g, r, sign_extend(g, va), level);
}

/* One reserved encoding for this entry (4.3.1, 4.3.2 steps 3, 4, 6; 63:54 reserved without Svnapot/Svpbmt). */
static uint64_t make_reserved(gen_t *g, unsigned level, uint64_t e)
{
	bool leaf = (e & P_RWX) != 0;
	switch (oracle_below(&g->rng, 3)) {
	case 0:
		return e | UINT64_C(1) << (54 + oracle_below(&g->rng, 10));
	case 1:
		if (leaf && level == 1 && oracle_chance(&g->rng, 50)) /* R = W = X = 0 at the last level */
			return e & ~P_RWX;
		if (leaf)
			return (e & ~P_R) | P_W; /* W without R */
		return e | (UINT64_C(1) << (4 + 2 * oracle_below(&g->rng, 2))) /* U or A */ |
		       (oracle_chance(&g->rng, 30) ? P_D : 0);
	default:
		if (leaf && level > 1) /* a misaligned superpage: a PPN bit below the page's size */
			return e | UINT64_C(1) << (10 + oracle_below(&g->rng, 9 * (level - 1)));
		if (leaf) /* R = W = X = 0 at the last level: a pointer where none may be */
			return e & ~P_RWX;
		return e | P_D;
	}
}

/* V cleared and reserved encodings at every level, after the tree is built so they cut whole subtrees. */
static void mutate_table(gen_t *g, uint64_t table, unsigned level)
{
	for (unsigned i = 0; i < 512; i++) {
		uint64_t *e = entry(g, table, i);
		if (*e == 0 || guest_index(g, level, i))
			continue;
		bool leaf = (*e & P_RWX) != 0;
		uint64_t next = pte_pa(*e);
		if (oracle_chance(&g->rng, 4))
			*e &= ~P_V;
		else if (oracle_chance(&g->rng, 4))
			*e = make_reserved(g, level, *e);
		/* a shared subtree comes here again; leave some tables untouched below a mutated one */
		if (!leaf && level > 1 && oracle_chance(&g->rng, 60))
			mutate_table(g, next, level - 1);
	}
}

/* The guest's code in every address space: gigapages at VA = PA (S-mode) and PA + 1 GiB (U = 1, for U-mode). */
static int map_guest(gen_t *g)
{
	uint64_t table = pte_pa(g->img->roots[0] << 10);
	for (unsigned l = g->levels; l > 3; l--) {
		uint64_t t;
		if (alloc_table(g, &t) < 0)
			return -1;
		*entry(g, table, va_index(ORACLE_RV_RAM_BASE, l)) = pte_of(t) | P_V;
		table = t;
	}
	uint64_t leaf = pte_of(ORACLE_RV_RAM_BASE) | P_V | P_RWX | P_A | P_D | P_G;
	*entry(g, table, va_index(ORACLE_RV_RAM_BASE, 3)) = leaf;
	*entry(g, table, va_index(ORACLE_RV_RAM_BASE + ORACLE_RV_USER_ALIAS, 3)) = leaf | P_U;
	unsigned top = va_index(ORACLE_RV_RAM_BASE, g->levels);
	for (unsigned r = 1; r < g->img->nroots; r++)
		*entry(g, pte_pa(g->img->roots[r] << 10), top) = *entry(g, pte_pa(g->img->roots[0] << 10), top);
	if (g->levels == 3) /* Sv39: the alias is a second root entry, kept out of the generator's way too */
		for (unsigned r = 1; r < g->img->nroots; r++)
			*entry(g, pte_pa(g->img->roots[r] << 10), top + 1) = leaf | P_U;
	return 0;
}

static void make_pools(gen_t *g)
{
	for (unsigned l = 1; l <= g->levels; l++)
		for (int i = 0; i < 6; i++)
			g->pool[l][i] = oracle_below(&g->rng, 512);
	/* the root: both halves, never the guest's entries (Sv39: 2 and 3, the alias; else 0) */
	for (int i = 0; i < 6; i++) {
		uint64_t v;
		do
			v = (i < 3 ? 0 : 256) + oracle_below(&g->rng, 256);
		while (guest_index(g, g->levels, (unsigned)v));
		g->pool[g->levels][i] = v;
	}
	/* 2 MiB indexes in the data window, so that a 1 GiB view of an address lands there too */
	for (int i = 0; i < 6; i++)
		g->pool[2][i] =
		    (ORACLE_DATA_BASE >> 21) + oracle_below(&g->rng, (ORACLE_DATA_END - ORACLE_DATA_BASE) >> 21);
}

/*
 * Where va's walk in root r ends if nothing faults on the way: 1 and the physical address, or 0 when the walk
 * faults on an invalid entry or a reserved encoding as 4.3.2 has it (rights are not looked at).
 */
static int walk_pa(gen_t *g, uint64_t satp, uint64_t va, uint64_t *pa)
{
	if (sign_extend(g, va) != va)
		return 0;
	uint64_t table = pte_pa(satp << 10);
	for (unsigned l = g->levels; l >= 1; l--) {
		uint64_t e = *entry(g, table, va_index(va, l));
		if (!(e & P_V) || (e & RESERVED) || ((e & P_W) && !(e & P_R)))
			return 0;
		uint64_t size = PAGE << (9 * (l - 1));
		if (e & P_RWX) {
			if (pte_pa(e) & (size - 1))
				return 0;
			*pa = pte_pa(e) + (va & (size - 1));
			return 1;
		}
		if (l == 1 || (e & (P_U | P_A | P_D)))
			return 0;
		table = pte_pa(e);
		if (table < oracle_image_table_base(g->img) || table >= g->img->table_end)
			return 0; /* not expected: pointers point at tables */
	}
	return 0;
}

static int safe(gen_t *g, uint32_t root, uint64_t va)
{
	uint64_t pa;
	return !walk_pa(g, g->img->roots[root], va, &pa) || (pa >= DATA_BASE && pa + 8 <= DATA_END);
}

static uint64_t access_va(gen_t *g, uint32_t *root)
{
	uint64_t window = DATA_END - DATA_BASE;
	for (int tries = 0;; tries++) {
		unsigned kind = (unsigned)oracle_below(&g->rng, 100);
		uint32_t r = *root;
		uint64_t va;
		const leaf_t *l = g->nleaves ? &g->leaves[oracle_below(&g->rng, g->nleaves)] : NULL;
		if (tries >= 50 && l) /* then a leaf's own address in its own space: safe by construction */
			kind = 50;
		if (kind < 6 || !l) { /* anywhere: mostly invalid at the top */
			va = 0;
			for (unsigned lv = g->levels; lv >= 3; lv--)
				va |= oracle_below(&g->rng, 512) << (12 + 9 * (lv - 1));
			va = sign_extend(g,
			                 va | (DATA_BASE - ORACLE_RV_RAM_BASE + oracle_below(&g->rng, window / 8) * 8));
		} else {
			uint64_t size = PAGE << (9 * (l->level - 1)), off;
			if (l->level <= 2)
				off = oracle_below(&g->rng, size / 8) * 8;
			else /* the page starts at or below the window: the offset names a data address */
				off = DATA_BASE - leaf_frame(g, l->level) + oracle_below(&g->rng, window / 8) * 8;
			va = l->va + off;
			if (oracle_chance(&g->rng, 70) ||
			    tries >= 50) /* else maybe another space's view of the address */
				r = l->root;
		}
		if (kind >= 94) /* not sign-extended: one of bits 63:VA-bits - 1 flipped */
			va ^= UINT64_C(1) << (va_bits(g) - 1 + oracle_below(&g->rng, 64 - va_bits(g) + 1));
		if (safe(g, r, va)) {
			*root = r;
			return va;
		}
	}
}

int oracle_gen_riscv(oracle_image_t *img, uint64_t seed, size_t naccess, unsigned levels)
{
	memset(img, 0, sizeof *img);
	img->arch = ORACLE_ARCH_RISCV;
	img->levels = levels;
	img->table_end = oracle_image_table_base(img);
	gen_t g = {.img = img, .rng = {seed}, .levels = levels};
	make_pools(&g);
	img->nroots = 2 + (unsigned)oracle_below(&g.rng, 3);
	int rc = 0;
	for (unsigned r = 0; r < img->nroots && rc == 0; r++) {
		uint64_t t = 0;
		rc = alloc_table(&g, &t);
		/* satp (4.1.11): MODE 8 + levels - 3, an ASID of its own, the root's PPN */
		uint64_t asid = (r * 0x2f1 + oracle_below(&g.rng, 0x2f0)) & 0xffff;
		img->roots[r] = (UINT64_C(5) + levels) << 60 | asid << 44 | t >> 12;
	}
	if (rc == 0)
		rc = map_guest(&g);
	for (unsigned r = 0; r < img->nroots && rc == 0; r++) {
		/* share some of the first space's subtrees, as kernels share their upper half */
		for (unsigned i = 0; r > 0 && i < 512; i++) {
			uint64_t *e0 = entry(&g, pte_pa(img->roots[0] << 10), i);
			if (*e0 && !guest_index(&g, levels, i) && oracle_chance(&g.rng, 50))
				*entry(&g, pte_pa(img->roots[r] << 10), i) = *e0;
		}
		unsigned n = 8 + (unsigned)oracle_below(&g.rng, 12);
		for (unsigned k = 0; k < n && rc == 0; k++)
			rc = map_random(&g, r);
	}
	for (unsigned r = 0; r < img->nroots && rc == 0; r++)
		mutate_table(&g, pte_pa(img->roots[r] << 10), levels);
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
		a->flags = (uint16_t)oracle_below(&g.rng, 4);
		if (a->op != ORACLE_OP_FETCH && oracle_chance(&g.rng, 25)) /* MPRV does not apply to fetches */
			a->flags |= ORACLE_RV_MPRV;
		a->store_value = oracle_rv_store_value((uint32_t)i);
	}
	free(g.leaves);
	return 0;
}
