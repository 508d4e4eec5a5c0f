/*
 * Directed tests of the TLB against docs/timing.md, section "TLB organisation and replacement" (R1-R7) and the
 * x86-64 paging mode. Every expected slot, way, VPN and LFSR value is derived by hand in the comment next to it.
 *
 * Conventions used throughout: a slot is set * ways + way; with 4 KiB pages VPN = vaddr[47:12], with 2 MiB pages
 * vaddr[47:21], with 1 GiB pages vaddr[47:30]; the set is VPN mod sets.
 */
#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu.h"
#include "mmu/mmu_error.h"
#include "mmu/mmu_paging.h"
#include "mmu/mmu_tlb.h"

static mmu_paging_t paging;
static mmu_tlb_t *tlb;

static void setup(void)
{
	mmu_paging_cfg_t pc = {.mode = MMU_MODE_X86_64, .pa_bits = 46};
	char msg[160] = "";
	cr_assert_eq(mmu_paging_init(&paging, &pc, msg, sizeof msg), 0, "%s", msg);
	tlb = NULL;
}

static void teardown(void)
{
	mmu_tlb_destroy(tlb);
}

TestSuite(mmu_tlb, .init = setup, .fini = teardown);

static int try_create(uint32_t entries, uint32_t ways, mmu_policy_t policy, mmu_tlb_t **out)
{
	mmu_tlb_cfg_t cfg = {.entries = entries, .ways = ways, .policy = policy, .hit_latency = 1};
	return mmu_tlb_create(&cfg, &paging, 0xACE1, out);
}

static void make(uint32_t entries, uint32_t ways, mmu_policy_t policy, uint16_t seed)
{
	mmu_tlb_cfg_t cfg = {.entries = entries, .ways = ways, .policy = policy, .hit_latency = 1};
	cr_assert_eq(mmu_tlb_create(&cfg, &paging, seed, &tlb), 0);
}

/* The 4-way x 16-set TLB most tests use. */
static void make4x16(mmu_policy_t policy)
{
	make(64, 4, policy, 0xACE1);
}

static mmu_tlb_entry_t entry(unsigned level, uint64_t vpn, uint16_t pcid, bool global)
{
	return (mmu_tlb_entry_t){
	    .vpn = vpn,
	    .base = UINT64_C(0x10000000),
	    .pcid = pcid,
	    .level = (uint8_t)level,
	    .valid = true,
	    .global = global,
	    .writable = true,
	};
}

static long fill(unsigned level, uint64_t vpn, uint16_t pcid, bool global)
{
	mmu_tlb_entry_t e = entry(level, vpn, pcid, global);
	return mmu_tlb_fill(tlb, &e);
}

/* A 4 KiB page of PCID 1, the common case of the replacement tests. */
static long fill4k(uint64_t vpn)
{
	return fill(1, vpn, 1, false);
}

static long probe4k(uint64_t vpn)
{
	return mmu_tlb_probe(tlb, vpn << 12, 1);
}

static long look4k(uint64_t vpn)
{
	mmu_tlb_entry_t hit;
	return mmu_tlb_lookup(tlb, vpn << 12, 1, &hit);
}

/* Macros, not functions, so that a failure names the line of the test. */
#define EXPECT_WAY(set, way, vpn_)                                                                                     \
	do {                                                                                                           \
		const mmu_tlb_entry_t *e_ = mmu_tlb_entry(tlb, (set), (way));                                          \
		cr_expect(e_->valid, "set %u way %u should be valid", (unsigned)(set), (unsigned)(way));               \
		cr_expect_eq(e_->vpn, (uint64_t)(vpn_), "set %u way %u holds vpn %#llx, expected %#llx",               \
		             (unsigned)(set), (unsigned)(way), (unsigned long long)e_->vpn,                            \
		             (unsigned long long)(vpn_));                                                              \
	} while (0)

#define EXPECT_VALID(set, way, yes)                                                                                    \
	cr_expect_eq(mmu_tlb_entry(tlb, (set), (way))->valid, (yes), "set %u way %u valid should be %d",               \
	             (unsigned)(set), (unsigned)(way), (int)(yes))

/*
 * Set 5 of a 16-set TLB: 4 KiB VPNs 0x05 + 16 k (vaddr 0x5000, 0x15000, ...). Slots of set 5 are 20..23.
 */
enum { VA = 0x05, VB = 0x15, VC = 0x25, VD = 0x35, VE = 0x45, VF = 0x55, VG = 0x65, VH = 0x75 };

/* The address most page-size tests use, and its VPNs and sets in a 16-set TLB. */
#define ADDR   UINT64_C(0x7F3AB5C6D7E8)
#define VPN_4K UINT64_C(0x7F3AB5C6D) /* ADDR >> 12; set 0xD = 13, slot 13 * 4 = 52 */
#define VPN_2M UINT64_C(0x3F9D5AE)   /* ADDR >> 21 = 0x7F3AB5C >> 1; set 0xE = 14, slot 56 */
#define VPN_1G UINT64_C(0x1FCEA)     /* ADDR >> 30 = 0x7F3AB >> 2; set 0xA = 10, slot 40 */

/* ---- creation ---------------------------------------------------------------------------------------------- */

Test(mmu_tlb, create_rejects_entries_not_divisible_by_ways)
{
	mmu_tlb_t *t = NULL;
	cr_expect_eq(try_create(64, 3, MMU_POLICY_LRU, &t), MMU_EINVAL); /* 64 mod 3 = 1 */
	cr_expect_eq(try_create(4, 8, MMU_POLICY_LRU, &t), MMU_EINVAL);  /* 4 mod 8 = 4 */
	cr_expect_null(t);
}

Test(mmu_tlb, create_rejects_sets_not_power_of_two)
{
	mmu_tlb_t *t = NULL;
	cr_expect_eq(try_create(48, 4, MMU_POLICY_LRU, &t), MMU_EINVAL); /* 12 sets */
	cr_expect_eq(try_create(12, 4, MMU_POLICY_LRU, &t), MMU_EINVAL); /* 3 sets */
	cr_expect_null(t);
}

Test(mmu_tlb, create_rejects_plru_with_non_power_of_two_ways)
{
	mmu_tlb_t *t = NULL;
	/* 12 entries / 3 ways = 4 sets, a power of two: only R3's "ways must be a power of two" is broken. */
	cr_expect_eq(try_create(12, 3, MMU_POLICY_PLRU, &t), MMU_EINVAL);
	cr_expect_eq(try_create(6, 0, MMU_POLICY_PLRU, &t), MMU_EINVAL); /* fully associative, 6 ways */
	cr_expect_null(t);
	/* The same geometry is fine for a policy without a tree. */
	cr_assert_eq(try_create(12, 3, MMU_POLICY_LRU, &t), 0);
	cr_expect_eq(mmu_tlb_sets(t), 4);
	cr_expect_eq(mmu_tlb_ways(t), 3);
	mmu_tlb_destroy(t);
}

Test(mmu_tlb, create_rejects_zero_entries)
{
	mmu_tlb_t *t = NULL;
	cr_expect_eq(try_create(0, 4, MMU_POLICY_LRU, &t), MMU_EINVAL); /* 0 sets is not a power of two */
	cr_expect_null(t);
}

Test(mmu_tlb, geometry_set_associative_starts_empty)
{
	make4x16(MMU_POLICY_LRU);
	cr_expect_eq(mmu_tlb_sets(tlb), 16); /* 64 / 4 */
	cr_expect_eq(mmu_tlb_ways(tlb), 4);
	for (unsigned s = 0; s < 16; s++)
		for (unsigned w = 0; w < 4; w++)
			EXPECT_VALID(s, w, false);
}

Test(mmu_tlb, geometry_ways_zero_means_fully_associative)
{
	make(8, 0, MMU_POLICY_LRU, 1);
	cr_expect_eq(mmu_tlb_sets(tlb), 1);
	cr_expect_eq(mmu_tlb_ways(tlb), 8);
}

Test(mmu_tlb, geometry_ways_equal_entries_is_fully_associative)
{
	make(8, 8, MMU_POLICY_PLRU, 1);
	cr_expect_eq(mmu_tlb_sets(tlb), 1);
	cr_expect_eq(mmu_tlb_ways(tlb), 8);
}

/* ---- page sizes and set index -------------------------------------------------------------------------------- */

Test(mmu_tlb, empty_tlb_misses)
{
	make4x16(MMU_POLICY_LRU);
	mmu_tlb_entry_t hit;
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 0, &hit), -1);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 0), -1);
}

Test(mmu_tlb, set_index_4k_uses_bits_above_12)
{
	make4x16(MMU_POLICY_LRU);
	cr_expect_eq(fill(1, VPN_4K, 1, false), 52); /* set 13, first invalid way 0 */
	EXPECT_WAY(13, 0, VPN_4K);
	mmu_tlb_entry_t hit = {0};
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 1, &hit), 52);
	cr_expect_eq(hit.vpn, VPN_4K);
	cr_expect_eq(hit.level, 1);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5C6D000), 1), 52); /* first byte of the page */
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5C6DFFF), 1), 52); /* last byte */
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5C6E000), 1), -1); /* next page */
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5C6CFFF), 1), -1); /* previous page */
}

Test(mmu_tlb, set_index_2m_uses_bits_above_21)
{
	make4x16(MMU_POLICY_LRU);
	cr_expect_eq(fill(2, VPN_2M, 1, false), 56); /* set 14 way 0 (a 4 KiB page of ADDR would be set 13) */
	EXPECT_WAY(14, 0, VPN_2M);
	EXPECT_VALID(13, 0, false);
	/* The page is VPN_2M << 21 = 0x7F3AB5C00000 .. 0x7F3AB5DFFFFF. */
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 56);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5C00000), 1), 56);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5D12345), 1), 56);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5DFFFFF), 1), 56);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5E00000), 1), -1);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5BFFFFF), 1), -1);
}

Test(mmu_tlb, set_index_1g_uses_bits_above_30)
{
	make4x16(MMU_POLICY_LRU);
	cr_expect_eq(fill(3, VPN_1G, 1, false), 40); /* set 10 way 0 */
	EXPECT_WAY(10, 0, VPN_1G);
	/* The page is VPN_1G << 30 = 0x7F3A80000000 .. 0x7F3ABFFFFFFF. */
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 40);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3A80000000), 1), 40);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3ABFFFFFFF), 1), 40);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AC0000000), 1), -1);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3A7FFFFFFF), 1), -1);
}

Test(mmu_tlb, set_index_of_other_huge_pages)
{
	make4x16(MMU_POLICY_LRU);
	/* 2 MiB VPN 0x1235: page 0x246A00000 .. 0x246BFFFFF, set 0x1235 mod 16 = 5, slot 20. */
	cr_expect_eq(fill(2, 0x1235, 1, false), 20);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x246A00000), 1), 20);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x246BFFFFF), 1), 20);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x246C00000), 1), -1);
	/* 1 GiB VPN 0x5B: page 0x16C0000000 .. 0x16FFFFFFFF, set 0xB = 11, slot 44. */
	cr_expect_eq(fill(3, 0x5B, 1, false), 44);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x16C0000000), 1), 44);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x16FFFFFFFF), 1), 44);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x1700000000), 1), -1);
}

Test(mmu_tlb, canonical_high_half_addresses_use_bits_47_down)
{
	make4x16(MMU_POLICY_LRU);
	/* 0xFFFF800000001ABC: bits 47:12 = 0x800000001, set 1, slot 4. */
	cr_expect_eq(fill(1, UINT64_C(0x800000001), 1, false), 4);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0xFFFF800000001ABC), 1), 4);
	/* 0xFFFFFFFFC0000000 .. 0xFFFFFFFFFFFFFFFF: 1 GiB VPN bits 47:30 = 0x3FFFF, set 15, slot 60. */
	cr_expect_eq(fill(3, UINT64_C(0x3FFFF), 1, false), 60);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0xFFFFFFFFFFFFFFFF), 1), 60);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0xFFFFFFFFC0000000), 1), 60);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0xFFFFFFFFBFFFFFFF), 1), -1);
}

Test(mmu_tlb, huge_pages_share_the_array_with_4k_pages)
{
	make4x16(MMU_POLICY_LRU);
	/* Four 4 KiB pages of set 14 (VPN 0x0E + 16 k) fill ways 0..3. */
	cr_expect_eq(fill4k(0x0E), 56);
	cr_expect_eq(fill4k(0x1E), 57);
	cr_expect_eq(fill4k(0x2E), 58);
	cr_expect_eq(fill4k(0x3E), 59);
	/* The 2 MiB page of ADDR is also set 14: the set is full, so LRU evicts way 0 (VPN 0x0E, used first). */
	cr_expect_eq(fill(2, VPN_2M, 1, false), 56);
	cr_expect_eq(mmu_tlb_entry(tlb, 14, 0)->level, 2);
	cr_expect_eq(probe4k(0x0E), -1);
	cr_expect_eq(probe4k(0x1E), 57);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 56);
}

Test(mmu_tlb, same_vpn_number_of_two_sizes_are_two_entries)
{
	make4x16(MMU_POLICY_LRU);
	/* VPN 0x15 as a 4 KiB page (vaddr 0x15000) and as a 2 MiB page (vaddr 0x2A00000): both set 5, not a match (R7).
	 */
	cr_expect_eq(fill(1, 0x15, 1, false), 20);
	cr_expect_eq(fill(2, 0x15, 1, false), 21);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x15000), 1), 20);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x2A00000), 1), 21);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x2BFFFFF), 1), 21);
}

Test(mmu_tlb, fully_associative_ways_zero_takes_any_vpn)
{
	make(8, 0, MMU_POLICY_LRU, 1);
	/* One set: every VPN, whatever its low bits, goes to set 0; fills take ways 0..7 in order (R4). */
	const uint64_t vpns[8] = {0x1, 0x2, 0x3, 0x10, 0x7F3AB5C6D, 0x800000001, 0x123, 0x456};
	for (unsigned i = 0; i < 8; i++)
		cr_expect_eq(fill4k(vpns[i]), i);
	for (unsigned i = 0; i < 8; i++)
		cr_expect_eq(probe4k(vpns[i]), i);
	/* Full: LRU victim is way 0 (VPN 0x1, filled first). A 2 MiB page uses the same single set. */
	cr_expect_eq(fill(2, VPN_2M, 1, false), 0);
	cr_expect_eq(probe4k(0x1), -1);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 4); /* 4 KiB entry VPN_4K (way 4) wins over the 2 MiB one (R6) */
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x7F3AB5C00000), 1), 0);
}

Test(mmu_tlb, fully_associative_ways_equal_entries_with_1g_pages)
{
	make(4, 4, MMU_POLICY_LRU, 1);
	/* 1 GiB VPNs 0x0, 0x4, 0x8, 0xC would all be set 0 anyway; 0x1, 0x2, 0x3 show there is only one set. */
	cr_expect_eq(fill(3, 0x1, 1, false), 0);
	cr_expect_eq(fill(3, 0x2, 1, false), 1);
	cr_expect_eq(fill(3, 0x3, 1, false), 2);
	cr_expect_eq(fill(3, VPN_1G, 1, false), 3);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x40000000), 1), 0); /* 1 << 30 */
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0xFFFFFFFF), 1), 2); /* 3 << 30 + 0x3FFFFFFF */
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 3);
}

/* ---- R1 LRU --------------------------------------------------------------------------------------------------- */

Test(mmu_tlb, lru_evicts_in_fill_order_without_hits)
{
	make4x16(MMU_POLICY_LRU);
	cr_expect_eq(fill4k(VA), 20); /* uses: A t1 way 0 */
	cr_expect_eq(fill4k(VB), 21); /* B t2 way 1 */
	cr_expect_eq(fill4k(VC), 22); /* C t3 way 2 */
	cr_expect_eq(fill4k(VD), 23); /* D t4 way 3 */
	cr_expect_eq(fill4k(VE), 20); /* least recent: A (t1) -> way 0 */
	cr_expect_eq(fill4k(VF), 21); /* then B (t2) -> way 1 */
	EXPECT_WAY(5, 0, VE);
	EXPECT_WAY(5, 1, VF);
	EXPECT_WAY(5, 2, VC);
	EXPECT_WAY(5, 3, VD);
	cr_expect_eq(probe4k(VA), -1);
	cr_expect_eq(probe4k(VB), -1);
}

Test(mmu_tlb, lru_hits_are_uses)
{
	make4x16(MMU_POLICY_LRU);
	fill4k(VA); /* A way 0 t1, B way 1 t2, C way 2 t3, D way 3 t4 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(look4k(VA), 20); /* A t5 */
	cr_expect_eq(look4k(VB), 21); /* B t6; least recent is now C (t3) */
	cr_expect_eq(fill4k(VE), 22); /* E replaces C in way 2, t7 */
	cr_expect_eq(probe4k(VC), -1);
	cr_expect_eq(fill4k(VF), 23); /* least recent D (t4): way 3, F t8 */
	cr_expect_eq(probe4k(VD), -1);
	cr_expect_eq(look4k(VA), 20); /* A t9; order now B t6, E t7, F t8, A t9 */
	cr_expect_eq(fill4k(VG), 21); /* B evicted */
	EXPECT_WAY(5, 0, VA);
	EXPECT_WAY(5, 1, VG);
	EXPECT_WAY(5, 2, VE);
	EXPECT_WAY(5, 3, VF);
}

Test(mmu_tlb, lru_victim_on_sequence_where_plru_differs)
{
	make4x16(MMU_POLICY_LRU);
	fill4k(VA); /* A way 0 t1, B way 1 t2, C way 2 t3, D way 3 t4 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	look4k(VB);                   /* B t5 */
	look4k(VA);                   /* A t6 */
	look4k(VD);                   /* D t7: least recent is C (t3) */
	cr_expect_eq(fill4k(VE), 22); /* way 2 (C); PLRU would pick way 1, see plru_victim_differs_from_lru */
	cr_expect_eq(probe4k(VC), -1);
	cr_expect_eq(probe4k(VB), 21);
	/* Order: B t5, A t6, D t7, E t8. */
	cr_expect_eq(fill4k(VF), 21); /* B */
	cr_expect_eq(fill4k(VG), 20); /* A */
	cr_expect_eq(fill4k(VH), 23); /* D */
}

/* ---- R3 tree PLRU --------------------------------------------------------------------------------------------- */

/*
 * 4 ways: node 1 splits {0,1} | {2,3}, node 2 splits 0 | 1, node 3 splits 2 | 3.
 * Use of way 0: n1 = 1, n2 = 1. Way 1: n1 = 1, n2 = 0. Way 2: n1 = 0, n3 = 1. Way 3: n1 = 0, n3 = 0.
 * Victim: n1 = 0 -> (n2 = 0 ? way 0 : way 1); n1 = 1 -> (n3 = 0 ? way 2 : way 3).
 */
Test(mmu_tlb, plru_evicts_way0_after_filling_in_order)
{
	make4x16(MMU_POLICY_PLRU);
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 5), 0); /* reset: all bits 0 */
	fill4k(VA);                                     /* way 0: n1=1 n2=1 */
	fill4k(VB);                                     /* way 1: n1=1 n2=0 */
	fill4k(VC);                                     /* way 2: n1=0 n3=1 */
	fill4k(VD);                                     /* way 3: n1=0 n3=0 -> victim way 0 */
	cr_expect_eq(fill4k(VE), 20);                   /* way 0: n1=1 n2=1 -> victim: n3=0 -> way 2 */
	cr_expect_eq(fill4k(VF), 22);                   /* way 2: n1=0 n3=1 -> victim: n2=1 -> way 1 */
	cr_expect_eq(fill4k(VG), 21);                   /* way 1: n1=1 n2=0 -> victim: n3=1 -> way 3 */
	cr_expect_eq(fill4k(VH), 23);
	EXPECT_WAY(5, 0, VE);
	EXPECT_WAY(5, 1, VG);
	EXPECT_WAY(5, 2, VF);
	EXPECT_WAY(5, 3, VH);
}

Test(mmu_tlb, plru_victim_differs_from_lru)
{
	make4x16(MMU_POLICY_PLRU);
	fill4k(VA); /* as above: after four fills n1=0 n2=0 n3=0 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	look4k(VB); /* way 1: n1=1 n2=0 */
	look4k(VA); /* way 0: n1=1 n2=1 */
	look4k(VD); /* way 3: n1=0 n3=0 */
	/* n1=0 -> left, n2=1 -> way 1 (B), although B was used after C; true LRU evicts C (way 2). */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 5), 1);
	cr_expect_eq(fill4k(VE), 21);
	cr_expect_eq(probe4k(VB), -1);
	cr_expect_eq(probe4k(VC), 22);
	/* Fill of way 1: n1=1 n2=0 -> right, n3=0 -> way 2 (C). */
	cr_expect_eq(fill4k(VF), 22);
	/* Fill of way 2: n1=0 n3=1 -> left, n2=0 -> way 0 (A). */
	cr_expect_eq(fill4k(VG), 20);
	EXPECT_WAY(5, 0, VG);
	EXPECT_WAY(5, 1, VE);
	EXPECT_WAY(5, 2, VF);
	EXPECT_WAY(5, 3, VD);
}

/*
 * 8 ways: n1 {0-3}|{4-7}, n2 {0,1}|{2,3}, n3 {4,5}|{6,7}, n4 0|1, n5 2|3, n6 4|5, n7 6|7.
 */
Test(mmu_tlb, plru_8_way_tree_in_heap_order)
{
	make(8, 0, MMU_POLICY_PLRU, 1);
	for (unsigned i = 0; i < 8; i++)
		cr_expect_eq(fill4k(0x100 + i), i);
	/* Last fills: way 6 set n7=1, way 7 set n1=0 n3=0 n7=0; ways 1, 3 left n4=0, n5=0; n2=0 from way 3. All 0. */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 0), 0);
	look4k(0x105); /* way 5: n1=0, n3=1, n6=0 -> victim still n1=0 n2=0 n4=0 = way 0 */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 0), 0);
	look4k(0x100); /* way 0: n1=1 n2=1 n4=1 -> right, n3=1 -> {6,7}, n7=0 -> way 6 */
	cr_expect_eq(fill4k(0x200), 6);
	/* way 6: n1=0 n3=0 n7=1 -> left, n2=1 -> {2,3}, n5=0 -> way 2 */
	cr_expect_eq(fill4k(0x201), 2);
	/* way 2: n1=1 n2=0 n5=1 -> right, n3=0 -> {4,5}, n6=0 -> way 4 */
	cr_expect_eq(fill4k(0x202), 4);
	cr_expect_eq(probe4k(0x105), 5);
	cr_expect_eq(probe4k(0x100), 0);
	cr_expect_eq(probe4k(0x106), -1);
	cr_expect_eq(probe4k(0x102), -1);
	cr_expect_eq(probe4k(0x104), -1);
}

Test(mmu_tlb, plru_2_way_single_node)
{
	make(4, 2, MMU_POLICY_PLRU, 1); /* 2 sets; odd VPNs are set 1, slots 2 and 3 */
	cr_expect_eq(fill4k(0x1), 2);   /* way 0: n1=1 */
	cr_expect_eq(fill4k(0x3), 3);   /* way 1: n1=0 -> victim way 0 */
	look4k(0x1);                    /* way 0: n1=1 -> victim way 1 */
	cr_expect_eq(fill4k(0x5), 3);
	cr_expect_eq(probe4k(0x3), -1);
	cr_expect_eq(fill4k(0x7), 2); /* way 1 filled: n1=0 -> way 0 */
}

/* ---- R2 FIFO --------------------------------------------------------------------------------------------------- */

Test(mmu_tlb, fifo_hits_do_not_change_the_victim)
{
	make4x16(MMU_POLICY_FIFO);
	fill4k(VA); /* invalid ways 0..3, each the pointer's way: pointer 0 -> 1 -> 2 -> 3 -> 0 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 5), 0);
	cr_expect_eq(look4k(VA), 20); /* hits on A, the oldest, change nothing */
	cr_expect_eq(look4k(VA), 20);
	cr_expect_eq(look4k(VB), 21);
	cr_expect_eq(fill4k(VE), 20); /* pointer 0 -> 1 */
	cr_expect_eq(look4k(VB), 21);
	cr_expect_eq(fill4k(VF), 21); /* pointer 1 -> 2 */
	cr_expect_eq(fill4k(VG), 22); /* pointer 2 -> 3 */
	cr_expect_eq(fill4k(VH), 23); /* pointer 3 -> 0 */
	cr_expect_eq(fill4k(VA), 20); /* wraps to way 0 (E) */
	cr_expect_eq(probe4k(VE), -1);
}

Test(mmu_tlb, fifo_pointer_stays_when_an_invalid_way_off_the_pointer_is_filled)
{
	make4x16(MMU_POLICY_FIFO);
	fill4k(VA); /* ways 0..3, pointer back to 0 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(fill4k(VE), 20); /* full: pointer way 0, pointer -> 1 */
	mmu_tlb_invalidate_slot(tlb, 22);
	cr_expect_eq(fill4k(VF), 22); /* R4: lowest invalid way 2; pointer (1) not written, stays 1 */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 5), 1);
	cr_expect_eq(fill4k(VG), 21); /* full: way 1 (B), pointer -> 2 */
	cr_expect_eq(fill4k(VH), 22); /* way 2: F goes, although it is the newest entry; pointer -> 3 */
	EXPECT_WAY(5, 0, VE);
	EXPECT_WAY(5, 1, VG);
	EXPECT_WAY(5, 2, VH);
	EXPECT_WAY(5, 3, VD);
}

Test(mmu_tlb, fifo_pointer_advances_when_the_invalid_way_is_the_pointer)
{
	make4x16(MMU_POLICY_FIFO);
	fill4k(VA);
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(fill4k(VE), 20); /* pointer -> 1 */
	mmu_tlb_invalidate_slot(tlb, 21);
	cr_expect_eq(fill4k(VF), 21); /* invalid way 1 is the pointer's way: pointer -> 2 */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 5), 2);
	cr_expect_eq(fill4k(VG), 22); /* C */
	cr_expect_eq(fill4k(VH), 23); /* D */
}

Test(mmu_tlb, fifo_in_place_fill_never_moves_the_pointer)
{
	make4x16(MMU_POLICY_FIFO);
	fill4k(VA);
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(fill4k(VE), 20); /* A goes, pointer -> 1; queue B C D E */
	cr_expect_eq(fill4k(VC), 22); /* R7 in place in way 2, off the pointer: pointer stays 1 */
	cr_expect_eq(fill4k(VF), 21); /* B goes, pointer -> 2; queue C D E F */
	cr_expect_eq(fill4k(VC), 22); /* in place in way 2, the pointer's way: no allocation, pointer stays 2 */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 5), 2);
	cr_expect_eq(fill4k(VG), 22); /* C, the oldest allocation, goes; pointer -> 3 */
	cr_expect_eq(fill4k(VH), 23); /* then D; pointer -> 0 */
	cr_expect_eq(probe4k(VC), -1);
	cr_expect_eq(probe4k(VD), -1);
	EXPECT_WAY(5, 0, VE);
	EXPECT_WAY(5, 1, VF);
	EXPECT_WAY(5, 2, VG);
	EXPECT_WAY(5, 3, VH);
}

Test(mmu_tlb, fifo_refill_in_place_keeps_the_allocation_order)
{
	make(2, 2, MMU_POLICY_FIFO, 1); /* one set, slots = ways */
	cr_expect_eq(fill4k(0xA), 0);   /* R4: way 0, the pointer's: pointer -> 1 */
	cr_expect_eq(fill4k(0xB), 1);   /* way 1: pointer -> 0 */
	cr_expect_eq(fill4k(0xA), 0);   /* refill of A (e.g. a dirty re-walk, T9) in place: pointer stays 0 */
	cr_expect_eq(fill4k(0xC), 0);   /* A, allocated first, leaves first */
	cr_expect_eq(probe4k(0xA), -1);
	cr_expect_eq(probe4k(0xB), 1);
	cr_expect_eq(fill4k(0xA), 1); /* then B */
}

Test(mmu_tlb, fifo_pointer_counts_past_65535_ways)
{
	make(1u << 17, 0, MMU_POLICY_FIFO, 1); /* one set of 131072 ways */
	for (uint64_t v = 0; v <= 0xFFFF; v++)
		fill4k(v); /* R4: ways 0..65535, each the pointer's: pointer -> 65536 */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 0), 65536);
	cr_expect_eq(fill4k(0x10000), 65536); /* R4: the lowest invalid way, the pointer's: pointer -> 65537 */
	cr_expect_eq(mmu_tlb_policy_victim(tlb, 0), 65537);
}

/* ---- R5 random ------------------------------------------------------------------------------------------------- */

Test(mmu_tlb, lfsr_sequence_from_ace1)
{
	make(16, 0, MMU_POLICY_RANDOM, 0xACE1);
	const uint16_t seq[8] = {0xE270, 0x7138, 0x389C, 0x1C4E, 0x0E27, 0xB313, 0xED89, 0xC2C4}; /* docs, R5 */
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0xACE1);
	for (unsigned i = 0; i < 8; i++) {
		cr_expect_eq(fill4k(0x100 + i), i); /* invalid ways: one step per fill all the same */
		cr_expect_eq(mmu_tlb_lfsr(tlb), seq[i], "after fill %u: %#x, expected %#x", i + 1, mmu_tlb_lfsr(tlb),
		             seq[i]);
	}
}

Test(mmu_tlb, random_victim_is_state_before_the_step_mod_ways)
{
	make4x16(MMU_POLICY_RANDOM);
	fill4k(VA); /* ways 0..3 (R4); LFSR ACE1 -> E270 -> 7138 -> 389C -> 1C4E */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0x1C4E);
	cr_expect_eq(fill4k(VE), 22);   /* 0x1C4E mod 4 = 2 (C), -> 0E27 */
	cr_expect_eq(fill4k(VF), 23);   /* 0x0E27 mod 4 = 3 (D), -> B313 */
	cr_expect_eq(fill4k(VG), 23);   /* 0xB313 mod 4 = 3 (F), -> ED89 */
	cr_expect_eq(fill4k(VH), 21);   /* 0xED89 mod 4 = 1 (B), -> C2C4 */
	cr_expect_eq(fill4k(0x85), 20); /* 0xC2C4 mod 4 = 0 (A) */
	EXPECT_WAY(5, 0, 0x85);
	EXPECT_WAY(5, 1, VH);
	EXPECT_WAY(5, 2, VE);
	EXPECT_WAY(5, 3, VG);
}

Test(mmu_tlb, random_lfsr_is_one_per_tlb_and_steps_on_every_fill)
{
	make4x16(MMU_POLICY_RANDOM);
	fill4k(VA); /* ACE1 -> ... -> 1C4E as above */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(fill4k(0x06), 24); /* set 6 way 0: another set's fill steps the same LFSR: -> 0E27 */
	cr_expect_eq(fill4k(VE), 23);   /* 0x0E27 mod 4 = 3, not 2: -> B313 */
	cr_expect_eq(fill4k(VE), 23);   /* in place (R7), still a step: -> ED89 */
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0xED89);
}

Test(mmu_tlb, random_lookups_and_invalidations_do_not_step)
{
	make4x16(MMU_POLICY_RANDOM);
	fill4k(VA); /* -> 1C4E after four fills */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	look4k(VA);
	look4k(VB);
	look4k(0x999); /* a miss */
	probe4k(VC);
	mmu_tlb_flush(tlb, MMU_FLUSH_VA, UINT64_C(0x6000), 0, 1); /* nothing maps 0x6000 */
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0x1C4E);
	cr_expect_eq(fill4k(VE), 22); /* 0x1C4E mod 4 = 2 */
}

Test(mmu_tlb, random_invalid_way_first_still_steps)
{
	make4x16(MMU_POLICY_RANDOM);
	fill4k(VA); /* -> 1C4E */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	mmu_tlb_invalidate_slot(tlb, 20);
	cr_expect_eq(fill4k(VE), 20); /* R4: way 0, not the LFSR's way 2; LFSR -> 0E27 */
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0x0E27);
	cr_expect_eq(fill4k(VF), 23); /* 0x0E27 mod 4 = 3 */
}

Test(mmu_tlb, random_seed_zero_becomes_one)
{
	make(64, 4, MMU_POLICY_RANDOM, 0);
	cr_expect_eq(mmu_tlb_lfsr(tlb), 1);
	fill4k(VA);
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0xB400); /* lsb 1: 1 >> 1 = 0, ^ 0xB400 */
	fill4k(VB);
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0x5A00); /* lsb 0: 0xB400 >> 1 */
}

Test(mmu_tlb, reset_restores_the_seed_and_empties)
{
	make4x16(MMU_POLICY_RANDOM);
	fill4k(VA);
	fill(2, VPN_2M, 1, true);
	mmu_tlb_reset(tlb);
	cr_expect_eq(mmu_tlb_lfsr(tlb), 0xACE1);
	cr_expect_eq(probe4k(VA), -1);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), -1);
	EXPECT_VALID(5, 0, false);
	EXPECT_VALID(14, 0, false);
}

/* ---- R4 invalid first ------------------------------------------------------------------------------------------ */

Test(mmu_tlb, invalid_way_is_filled_before_the_lru_victim)
{
	make4x16(MMU_POLICY_LRU);
	fill4k(VA); /* A t1 way 0, B t2 way 1, C t3 way 2, D t4 way 3 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	mmu_tlb_invalidate_slot(tlb, 23);
	mmu_tlb_invalidate_slot(tlb, 21);
	cr_expect_eq(fill4k(VE), 21); /* lowest invalid way 1, although LRU would evict way 0: E t5 */
	cr_expect_eq(fill4k(VF), 23); /* next invalid way 3: F t6 */
	cr_expect_eq(fill4k(VG), 20); /* full: A (t1) */
	cr_expect_eq(fill4k(VH), 22); /* C (t3) */
	EXPECT_WAY(5, 0, VG);
	EXPECT_WAY(5, 1, VE);
	EXPECT_WAY(5, 2, VH);
	EXPECT_WAY(5, 3, VF);
}

Test(mmu_tlb, invalid_way_after_a_flush_is_reused_first)
{
	make4x16(MMU_POLICY_PLRU);
	fill4k(VA); /* bits all 0 after 4 fills: victim way 0 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	mmu_tlb_flush(tlb, MMU_FLUSH_VA, UINT64_C(0x25000), 0, 1); /* C, way 2 */
	cr_expect_eq(fill4k(VE), 22);                              /* not the PLRU victim 0 */
	/* way 2: n1=0 n3=1 -> left, n2=0 -> way 0 */
	cr_expect_eq(fill4k(VF), 20);
}

/* ---- R7 fill in place ------------------------------------------------------------------------------------------ */

Test(mmu_tlb, refill_same_vpn_replaces_in_place)
{
	make4x16(MMU_POLICY_LRU);
	fill4k(VA);
	fill4k(VB);
	mmu_tlb_entry_t e = entry(1, VB, 1, false);
	e.dirty = true;
	e.base = UINT64_C(0x3000);
	cr_expect_eq(mmu_tlb_fill(tlb, &e), 21); /* way 1 again, not the free way 2 */
	const mmu_tlb_entry_t *got = mmu_tlb_entry(tlb, 5, 1);
	cr_expect(got->dirty);
	cr_expect_eq(got->base, UINT64_C(0x3000));
	EXPECT_VALID(5, 2, false); /* no duplicate */
	EXPECT_VALID(5, 3, false);
}

Test(mmu_tlb, refill_with_another_pcid_is_a_new_entry)
{
	make4x16(MMU_POLICY_LRU);
	cr_expect_eq(fill(1, VB, 1, false), 20);
	cr_expect_eq(fill(1, VB, 2, false), 21); /* neither global, PCIDs differ: no match */
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x15000), 1), 20);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x15000), 2), 21);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x15000), 3), -1);
}

Test(mmu_tlb, refill_matches_when_either_entry_is_global)
{
	make4x16(MMU_POLICY_LRU);
	cr_expect_eq(fill(1, VB, 1, false), 20);
	cr_expect_eq(fill(1, VB, 2, true), 20); /* new entry global: matches PCID 1's entry */
	cr_expect(mmu_tlb_entry(tlb, 5, 0)->global);
	cr_expect_eq(fill(1, VB, 3, false), 20); /* old entry global: matches any PCID */
	cr_expect_eq(mmu_tlb_entry(tlb, 5, 0)->pcid, 3);
	cr_expect(!mmu_tlb_entry(tlb, 5, 0)->global);
	EXPECT_VALID(5, 1, false);
}

Test(mmu_tlb, in_place_fill_counts_as_a_use)
{
	make4x16(MMU_POLICY_LRU);
	fill4k(VA); /* A t1 .. D t4 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(fill4k(VA), 20); /* in place: A t5 */
	cr_expect_eq(fill4k(VE), 21); /* least recent B (t2), not A */
	cr_expect_eq(probe4k(VA), 20);
}

/* ---- R6 priority ----------------------------------------------------------------------------------------------- */

Test(mmu_tlb, smallest_page_wins_when_several_sizes_match)
{
	make4x16(MMU_POLICY_LRU);
	/* Filled largest first, so that the fill order would give the wrong answer. */
	mmu_tlb_entry_t g = entry(3, VPN_1G, 1, false), m = entry(2, VPN_2M, 1, false), k = entry(1, VPN_4K, 1, false);
	g.base = UINT64_C(0x80000000);
	m.base = UINT64_C(0x600000);
	k.base = UINT64_C(0x123000);
	cr_expect_eq(mmu_tlb_fill(tlb, &g), 40);
	cr_expect_eq(mmu_tlb_fill(tlb, &m), 56);
	cr_expect_eq(mmu_tlb_fill(tlb, &k), 52);
	mmu_tlb_entry_t hit = {0};
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 1, &hit), 52); /* 4 KiB over 2 MiB and 1 GiB */
	cr_expect_eq(hit.base, UINT64_C(0x123000));
	cr_expect_eq(mmu_tlb_lookup(tlb, UINT64_C(0x7F3AB5C6E000), 1, &hit),
	             56); /* other 4 KiB page: 2 MiB over 1 GiB */
	cr_expect_eq(hit.base, UINT64_C(0x600000));
	cr_expect_eq(mmu_tlb_lookup(tlb, UINT64_C(0x7F3AB5E00000), 1, &hit), 40); /* outside the 2 MiB page */
	cr_expect_eq(hit.base, UINT64_C(0x80000000));
	mmu_tlb_invalidate_slot(tlb, 52);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 56);
}

/* ---- PCID and global ------------------------------------------------------------------------------------------- */

Test(mmu_tlb, non_global_entry_hits_only_its_pcid)
{
	make4x16(MMU_POLICY_LRU);
	fill(1, VPN_4K, 1, false);
	mmu_tlb_entry_t hit;
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 2, &hit), -1);
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 0, &hit), -1);
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 1, &hit), 52);
}

Test(mmu_tlb, global_entry_hits_every_pcid)
{
	make4x16(MMU_POLICY_LRU);
	fill(2, VPN_2M, 1, true);
	mmu_tlb_entry_t hit;
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 2, &hit), 56);
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 0, &hit), 56);
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 0xFFF, &hit), 56);
	cr_expect_eq(mmu_tlb_lookup(tlb, ADDR, 1, &hit), 56);
}

/* ---- flushes (T12) --------------------------------------------------------------------------------------------- */

/*
 * A mix of entries in a 4-way x 16-set TLB (set, way):
 *   k1  4 KiB ADDR,  PCID 1        (13, 0)     k2  4 KiB ADDR, PCID 2    (13, 1)
 *   m1  2 MiB ADDR,  PCID 1        (14, 0)     m2  2 MiB ADDR, PCID 2    (14, 1)
 *   g3  1 GiB ADDR,  global PCID 3 (10, 0)
 *   o1  4 KiB 0x10000, PCID 1      (0, 0)      og  4 KiB 0x21000, global (1, 0)    o2  4 KiB 0x32000, PCID 2 (2, 0)
 */
static void fill_flush_mix(void)
{
	make4x16(MMU_POLICY_LRU);
	cr_assert_eq(fill(1, VPN_4K, 1, false), 52);
	cr_assert_eq(fill(1, VPN_4K, 2, false), 53);
	cr_assert_eq(fill(2, VPN_2M, 1, false), 56);
	cr_assert_eq(fill(2, VPN_2M, 2, false), 57);
	cr_assert_eq(fill(3, VPN_1G, 3, true), 40);
	cr_assert_eq(fill(1, 0x10, 1, false), 0);
	cr_assert_eq(fill(1, 0x21, 0, true), 4);
	cr_assert_eq(fill(1, 0x32, 2, false), 8);
}

/* Expected validity of k1, k2, m1, m2, g3, o1, og, o2, in that order. */
#define EXPECT_MIX(k1, k2, m1, m2, g3, o1, og, o2)                                                                     \
	do {                                                                                                           \
		EXPECT_VALID(13, 0, k1);                                                                               \
		EXPECT_VALID(13, 1, k2);                                                                               \
		EXPECT_VALID(14, 0, m1);                                                                               \
		EXPECT_VALID(14, 1, m2);                                                                               \
		EXPECT_VALID(10, 0, g3);                                                                               \
		EXPECT_VALID(0, 0, o1);                                                                                \
		EXPECT_VALID(1, 0, og);                                                                                \
		EXPECT_VALID(2, 0, o2);                                                                                \
	} while (0)

Test(mmu_tlb, flush_all_clears_globals_too)
{
	fill_flush_mix();
	mmu_tlb_flush(tlb, MMU_FLUSH_ALL, ADDR, 1, 1);
	EXPECT_MIX(false, false, false, false, false, false, false, false);
	cr_expect_eq(mmu_tlb_probe(tlb, UINT64_C(0x21000), 0), -1);
}

Test(mmu_tlb, flush_nonglobal_keeps_only_globals)
{
	fill_flush_mix();
	mmu_tlb_flush(tlb, MMU_FLUSH_NONGLOBAL, 0, 0, 0);
	EXPECT_MIX(false, false, false, false, true, false, true, false);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 40); /* only the 1 GiB global entry still maps ADDR */
}

Test(mmu_tlb, flush_pcid_keeps_other_pcids_and_globals)
{
	fill_flush_mix();
	mmu_tlb_flush(tlb, MMU_FLUSH_PCID, 0, 1, 2); /* current PCID 2 plays no part */
	EXPECT_MIX(false, true, false, true, true, false, true, true);
	mmu_tlb_flush(tlb, MMU_FLUSH_PCID, 0, 3, 3); /* g3 is tagged 3 but global: kept */
	EXPECT_MIX(false, true, false, true, true, false, true, true);
	mmu_tlb_flush(tlb, MMU_FLUSH_PCID, 0, 2, 0);
	EXPECT_MIX(false, false, false, false, true, false, true, false);
}

Test(mmu_tlb, flush_va_hits_every_size_mapping_the_address_in_the_current_pcid)
{
	fill_flush_mix();
	mmu_tlb_flush(tlb, MMU_FLUSH_VA, ADDR, 2, 1); /* the pcid argument is not used: current PCID 1 */
	/* k1, m1 (PCID 1) and g3 (global) map ADDR; k2, m2 belong to PCID 2; the others map other pages. */
	EXPECT_MIX(false, true, false, true, false, true, true, true);
}

Test(mmu_tlb, flush_va_uses_the_current_pcid)
{
	fill_flush_mix();
	mmu_tlb_flush(tlb, MMU_FLUSH_VA, ADDR, 1, 2); /* current PCID 2 */
	EXPECT_MIX(true, false, true, false, false, true, true, true);
}

Test(mmu_tlb, flush_va_inside_2m_page_only)
{
	fill_flush_mix();
	/* 0x7F3AB5C00000: first byte of the 2 MiB page, another 4 KiB page than ADDR's: m1 and g3 go, k1 stays. */
	mmu_tlb_flush(tlb, MMU_FLUSH_VA, UINT64_C(0x7F3AB5C00000), 0, 1);
	EXPECT_MIX(true, true, false, true, false, true, true, true);
}

Test(mmu_tlb, flush_va_inside_1g_page_only_and_last_byte_of_2m)
{
	fill_flush_mix();
	/* 0x7F3A80000000: inside the 1 GiB page, outside the 2 MiB one: only g3. */
	mmu_tlb_flush(tlb, MMU_FLUSH_VA, UINT64_C(0x7F3A80000000), 0, 1);
	EXPECT_MIX(true, true, true, true, false, true, true, true);
	/* 0x7F3AB5DFFFFF: last byte of the 2 MiB page: m2 in PCID 2. */
	mmu_tlb_flush(tlb, MMU_FLUSH_VA, UINT64_C(0x7F3AB5DFFFFF), 0, 2);
	EXPECT_MIX(true, true, true, false, false, true, true, true);
}

Test(mmu_tlb, flush_va_pcid_excludes_globals)
{
	fill_flush_mix();
	mmu_tlb_flush(tlb, MMU_FLUSH_VA_PCID, ADDR, 3, 3); /* g3 maps ADDR and is tagged 3, but is global */
	EXPECT_MIX(true, true, true, true, true, true, true, true);
	mmu_tlb_flush(tlb, MMU_FLUSH_VA_PCID, ADDR, 2, 1); /* current PCID 1 plays no part */
	EXPECT_MIX(true, false, true, false, true, true, true, true);
	mmu_tlb_flush(tlb, MMU_FLUSH_VA_PCID, UINT64_C(0x21000), 0, 0); /* og is global: kept */
	EXPECT_MIX(true, false, true, false, true, true, true, true);
	mmu_tlb_flush(tlb, MMU_FLUSH_VA_PCID, UINT64_C(0x10FFF), 1, 0); /* o1 */
	EXPECT_MIX(true, false, true, false, true, false, true, true);
}

/* ---- counters and probe ---------------------------------------------------------------------------------------- */

Test(mmu_tlb, counters_count_lookups_only)
{
	make4x16(MMU_POLICY_LRU);
	mmu_tlb_entry_t hit;
	mmu_tlb_lookup(tlb, ADDR, 1, &hit);                     /* miss: 1 access, 1 miss */
	fill(1, VPN_4K, 1, false);                              /* fills are not accesses */
	mmu_tlb_lookup(tlb, ADDR, 1, &hit);                     /* hit */
	mmu_tlb_lookup(tlb, UINT64_C(0x7F3AB5C6DFFF), 1, &hit); /* hit */
	mmu_tlb_lookup(tlb, ADDR, 2, &hit);                     /* other PCID: miss */
	mmu_tlb_probe(tlb, ADDR, 1);                            /* probes are not accesses */
	mmu_tlb_probe(tlb, UINT64_C(0x1000), 1);
	mmu_tlb_flush(tlb, MMU_FLUSH_ALL, 0, 0, 0);
	mmu_tlb_lookup(tlb, ADDR, 1, &hit); /* miss after the flush */
	const mmu_tlb_counters_t *c = mmu_tlb_counters(tlb);
	cr_expect_eq(c->accesses, 5);
	cr_expect_eq(c->hits, 2);
	cr_expect_eq(c->misses, 3);
}

Test(mmu_tlb, probe_does_not_count)
{
	make4x16(MMU_POLICY_LRU);
	fill(1, VPN_4K, 1, false);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 1), 52);
	cr_expect_eq(mmu_tlb_probe(tlb, ADDR, 2), -1);
	const mmu_tlb_counters_t *c = mmu_tlb_counters(tlb);
	cr_expect_eq(c->accesses, 0);
	cr_expect_eq(c->hits, 0);
	cr_expect_eq(c->misses, 0);
}

Test(mmu_tlb, probe_does_not_refresh_lru)
{
	make4x16(MMU_POLICY_LRU);
	fill4k(VA); /* A t1 .. D t4 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(probe4k(VA), 20); /* no use: a lookup here would make B the victim (lru_hits_are_uses) */
	cr_expect_eq(fill4k(VE), 20);  /* A is still the least recent */
	cr_expect_eq(probe4k(VA), -1);
	cr_expect_eq(probe4k(VB), 21);
}

Test(mmu_tlb, probe_does_not_touch_plru_bits)
{
	make4x16(MMU_POLICY_PLRU);
	fill4k(VA); /* bits all 0 after four fills: victim way 0 */
	fill4k(VB);
	fill4k(VC);
	fill4k(VD);
	cr_expect_eq(probe4k(VA), 20); /* a use of way 0 would make the victim way 2 */
	cr_expect_eq(fill4k(VE), 20);
}

Test(mmu_tlb, lookup_hit_copies_the_entry)
{
	make4x16(MMU_POLICY_LRU);
	mmu_tlb_entry_t e = entry(2, VPN_2M, 7, false);
	e.base = UINT64_C(0x3FE00000);
	e.user = true;
	e.nx = true;
	e.dirty = true;
	mmu_tlb_fill(tlb, &e);
	mmu_tlb_entry_t hit = {0};
	cr_assert_eq(mmu_tlb_lookup(tlb, ADDR, 7, &hit), 56);
	cr_expect_eq(hit.vpn, VPN_2M);
	cr_expect_eq(hit.base, UINT64_C(0x3FE00000));
	cr_expect_eq(hit.pcid, 7);
	cr_expect_eq(hit.level, 2);
	cr_expect(hit.valid && hit.user && hit.nx && hit.dirty && hit.writable && !hit.global);
}

Test(mmu_tlb, invalidate_slot_removes_one_entry)
{
	make4x16(MMU_POLICY_LRU);
	fill4k(VA);
	fill4k(VB);
	mmu_tlb_invalidate_slot(tlb, 20);
	cr_expect_eq(probe4k(VA), -1);
	cr_expect_eq(probe4k(VB), 21);
	EXPECT_VALID(5, 0, false);
}

/*
 * mmu_tlb_fills: which rule chose each fill's way. One set of 2 ways, FIFO. A and B go to the invalid ways 0 and 1
 * (R4; the pointer goes 0 -> 1 -> 0); A again is in place over its own copy (R7, same PCID); C finds the set full
 * and takes the pointer's way 0 (victim); B of PCID 2, global, is in place over B of PCID 1 (new entry global); B of
 * PCID 3, not global, is in place over that global copy (old entry global); again, over its own copy (same PCID).
 */
Test(mmu_tlb, fill_counts_tell_the_rule_that_chose_the_way)
{
	make(2, 2, MMU_POLICY_FIFO, 0xACE1);
	cr_assert_eq(fill(1, 0xA, 1, false), 0);
	cr_assert_eq(fill(1, 0xB, 1, false), 1);
	cr_assert_eq(fill(1, 0xA, 1, false), 0);
	cr_assert_eq(fill(1, 0xC, 1, false), 0);
	cr_assert_eq(fill(1, 0xB, 2, true), 1);
	cr_assert_eq(fill(1, 0xB, 3, false), 1);
	cr_assert_eq(fill(1, 0xB, 3, false), 1);
	const mmu_tlb_fills_t *f = mmu_tlb_fills(tlb);
	cr_assert_eq(f->invalid_way, 2);
	cr_assert_eq(f->victim, 1);
	cr_assert_eq(f->copy_same_pcid, 2);
	cr_assert_eq(f->copy_new_global, 1);
	cr_assert_eq(f->copy_old_global, 1);
	mmu_tlb_reset(tlb);
	cr_assert_eq(mmu_tlb_fills(tlb)->victim, 1, "kept across a reset, as the counters are");
}
