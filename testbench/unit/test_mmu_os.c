#include <criterion/criterion.h>

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_os.h"

/*
 * Expected table addresses follow the allocator rule by hand: frames in increasing order from 1 MiB (x86) or from
 * frame 1 (textbook); each map walks down creating the missing tables first, then takes the data frame, aligned to
 * the page's size. x86 PTE bits: P 0, W 1, U 2, A 5, D 6, PS 7, G 8, NX 63.
 */
#define P  UINT64_C(0x1)
#define W  UINT64_C(0x2)
#define U  UINT64_C(0x4)
#define PS UINT64_C(0x80)
#define G  UINT64_C(0x100)
#define NX (UINT64_C(1) << 63)

static void tlb_defaults(mmu_cfg_t *c)
{
	c->l1i = (mmu_tlb_cfg_t){.entries = 128, .ways = 8, .policy = MMU_POLICY_LRU, .hit_latency = 1};
	c->l1d = (mmu_tlb_cfg_t){.entries = 64, .ways = 4, .policy = MMU_POLICY_LRU, .hit_latency = 1};
	c->l2 = (mmu_tlb_cfg_t){.entries = 1536, .ways = 12, .policy = MMU_POLICY_LRU, .hit_latency = 9};
	c->mem = (mmu_mem_cfg_t){.latency = 100, .latency_max = 0, .stall_max = 0};
	c->os = (mmu_os_cfg_t){.fault_cycles = 2000, .populate = false};
	c->seed = 1;
}

static mmu_cfg_t cfg_x86(mmu_mode_t mode, unsigned pa_bits, bool pcid)
{
	mmu_cfg_t c;
	memset(&c, 0, sizeof c);
	tlb_defaults(&c);
	c.paging = (mmu_paging_cfg_t){
	    .mode = mode,
	    .pa_bits = pa_bits,
	    /* textbook-only fields, ignored by the x86 modes */
	    .levels = 2,
	    .bits_per_level = 10,
	    .page_bits = 12,
	    .pte_bytes = 4,
	    .present_bit = 0,
	    .writable_bit = 1,
	    .user_bit = 2,
	    .accessed_bit = 5,
	    .dirty_bit = 6,
	    .global_bit = -1,
	    .nx_bit = -1,
	    .pfn_lsb = 12,
	    .pfn_bits = 20,
	};
	c.pcid = pcid;
	return c;
}

/* OSTEP-like: 15-bit VA, 32-byte pages, 32 one-byte entries per table, valid bit 7, PFN in bits 6:0. */
static mmu_cfg_t cfg_ostep(void)
{
	mmu_cfg_t c;
	memset(&c, 0, sizeof c);
	tlb_defaults(&c);
	c.paging = (mmu_paging_cfg_t){
	    .mode = MMU_MODE_TEXTBOOK,
	    .pa_bits = 12,
	    .levels = 2,
	    .bits_per_level = 5,
	    .page_bits = 5,
	    .pte_bytes = 1,
	    .present_bit = 7,
	    .writable_bit = -1,
	    .user_bit = -1,
	    .accessed_bit = -1,
	    .dirty_bit = -1,
	    .global_bit = -1,
	    .nx_bit = -1,
	    .pfn_lsb = 0,
	    .pfn_bits = 7,
	};
	c.pcid = false;
	return c;
}

typedef struct env {
	mmu_physmem_t *pm;
	mmu_os_t *os;
} env_t;

static env_t env_new(const mmu_cfg_t *cfg)
{
	env_t e;
	cr_assert_eq(mmu_physmem_create(&e.pm), 0);
	cr_assert_eq(mmu_os_create(cfg, e.pm, &e.os), 0);
	return e;
}

static void env_free(env_t *e)
{
	mmu_os_destroy(e->os);
	mmu_physmem_destroy(e->pm);
}

static uint64_t rd64(const env_t *e, uint64_t pa)
{
	return mmu_physmem_read(e->pm, pa, 8);
}

static void expect_translation(const env_t *e, uint32_t pid, uint64_t va, uint64_t want_pa, unsigned want_level)
{
	uint64_t pa = 0;
	unsigned level = 0;
	cr_assert_eq(mmu_os_translate(e->os, pid, va, &pa, &level), 0, "va %#llx not mapped", (unsigned long long)va);
	cr_expect_eq(pa, want_pa, "va %#llx: pa %#llx, want %#llx", (unsigned long long)va, (unsigned long long)pa,
	             (unsigned long long)want_pa);
	cr_expect_eq(level, want_level, "va %#llx: level %u, want %u", (unsigned long long)va, level, want_level);
}

static void expect_unmapped(const env_t *e, uint32_t pid, uint64_t va)
{
	uint64_t pa;
	unsigned level;
	cr_expect_eq(mmu_os_translate(e->os, pid, va, &pa, &level), MMU_EFAULT, "va %#llx still mapped",
	             (unsigned long long)va);
}

TestSuite(mmu_os);

/* ---- x86-64 ---- */

Test(mmu_os, x86_64_4k_page_tables_by_hand)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 1), 0);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_W | MMU_PERM_U), 0);
	/* 0x400000: PML4 index 0, PDPT index 0, PD index 2, PT index 0 */
	const uint64_t pml4 = 0x100000, pdpt = 0x101000, pd = 0x102000, pt = 0x103000, page = 0x104000;
	cr_expect_eq(mmu_os_cr3(e.os, 1, false), pml4);
	cr_expect_eq(rd64(&e, pml4 + 0 * 8), pdpt | P | W | U);
	cr_expect_eq(rd64(&e, pdpt + 0 * 8), pd | P | W | U);
	cr_expect_eq(rd64(&e, pd + 2 * 8), pt | P | W | U);
	cr_expect_eq(rd64(&e, pt + 0 * 8), page | P | W | U | NX);
	/* nothing else was written */
	cr_expect_eq(rd64(&e, pml4 + 8), 0);
	cr_expect_eq(rd64(&e, pd + 1 * 8), 0);
	cr_expect_eq(rd64(&e, pd + 3 * 8), 0);
	cr_expect_eq(rd64(&e, pt + 1 * 8), 0);
	expect_translation(&e, 1, 0x400abc, page + 0xabc, 1);
	expect_unmapped(&e, 1, 0x401000);
	const mmu_os_stats_t *st = mmu_os_stats(e.os);
	cr_expect_eq(st->frames, 5);
	cr_expect_eq(st->table_frames, 4);
	cr_expect_eq(st->processes, 1);
	cr_expect_eq(st->demand_faults, 0);
	env_free(&e);
}

Test(mmu_os, x86_64_second_page_reuses_tables)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x2000, 1, MMU_PERM_RWX_USER), 0);
	/* process created on first use: root 0x100000, PDPT 0x101000, PD 0x102000, PT 0x103000 */
	cr_expect_eq(rd64(&e, 0x103000), UINT64_C(0x104000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x103008), UINT64_C(0x105000) | P | W | U);
	/* far away (PML4 index 1): three new tables */
	cr_assert_eq(mmu_os_map(e.os, 1, UINT64_C(0x8000000000), 0x1000, 1, MMU_PERM_W), 0);
	cr_expect_eq(rd64(&e, 0x100008), UINT64_C(0x106000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x108000), UINT64_C(0x109000) | P | W | NX); /* supervisor leaf, user tables */
	expect_translation(&e, 1, UINT64_C(0x8000000fff), 0x109fff, 1);
	cr_expect_eq(mmu_os_stats(e.os)->frames, 10);
	env_free(&e);
}

Test(mmu_os, x86_64_2m_page)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x200000, 0x200000, 2, MMU_PERM_RWX_USER), 0);
	/* root 0x100000, PDPT 0x101000, PD 0x102000; the data frame skips ahead from 0x103000 to 2 MiB */
	uint64_t pde = rd64(&e, 0x102000 + 1 * 8);
	cr_expect_eq(pde, UINT64_C(0x200000) | P | W | U | PS);
	cr_expect_eq(pde & UINT64_C(0x1fe000), 0, "PDE reserved bits 20:13");
	expect_translation(&e, 1, 0x3fffff, 0x3fffff, 2);
	expect_translation(&e, 1, 0x212345, 0x212345, 2);
	/* the next allocation continues after the huge frame */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x1000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	cr_expect_eq(rd64(&e, 0x102000), UINT64_C(0x400000) | P | W | U);
	expect_translation(&e, 1, 0x1000, 0x401000, 1);
	cr_expect_eq(mmu_os_stats(e.os)->frames, 3 + 512 + 2);
	env_free(&e);
}

Test(mmu_os, x86_64_1g_page)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x40000000, 0x40000000, 3, MMU_PERM_W | MMU_PERM_U | MMU_PERM_X), 0);
	uint64_t pdpte = rd64(&e, 0x101000 + 1 * 8);
	cr_expect_eq(pdpte, UINT64_C(0x40000000) | P | W | U | PS);
	cr_expect_eq(pdpte & UINT64_C(0x3fffe000), 0, "PDPTE reserved bits 29:13");
	expect_translation(&e, 1, 0x52345678, 0x52345678, 3);
	expect_translation(&e, 1, 0x40000000, 0x40000000, 3);
	expect_unmapped(&e, 1, 0x80000000);
	env_free(&e);
}

Test(mmu_os, nx_follows_execute_permission)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_U), 0);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x401000, 0x1000, 1, MMU_PERM_U | MMU_PERM_X), 0);
	cr_expect_eq(rd64(&e, 0x103000), UINT64_C(0x104000) | P | U | NX);
	cr_expect_eq(rd64(&e, 0x103008), UINT64_C(0x105000) | P | U);
	/* upper entries never carry NX: execute rights are decided at the leaf */
	cr_expect_eq(rd64(&e, 0x102010) & NX, 0);
	env_free(&e);
}

/* mprotect: only the leaf changes (tables keep granting everything), on any page size; nothing mapped: EFAULT */
Test(mmu_os, protect_rewrites_only_the_leaf)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_protect(e.os, 1, 0x400abc, MMU_PERM_U), 0);
	/* root 0x100000, PDPT 0x101000, PD 0x102000 (index 2), PT 0x103000 (index 0), page 0x104000 */
	cr_expect_eq(rd64(&e, 0x103000), UINT64_C(0x104000) | P | U | NX, "W cleared, NX set");
	cr_expect_eq(rd64(&e, 0x102010), UINT64_C(0x103000) | P | W | U, "the PD entry is as it was");
	cr_assert_eq(mmu_os_protect(e.os, 1, 0x400000, MMU_PERM_W | MMU_PERM_X), 0);
	cr_expect_eq(rd64(&e, 0x103000), UINT64_C(0x104000) | P | W, "U cleared, NX cleared");
	expect_translation(&e, 1, 0x400abc, 0x104abc, 1);
	cr_expect_eq(mmu_os_protect(e.os, 1, 0x401000, MMU_PERM_W), MMU_EFAULT);
	cr_expect_eq(mmu_os_protect(e.os, 2, 0x400000, MMU_PERM_W), MMU_EFAULT, "no such process");
	/* a 2 MiB page: the PD entry at 0x102000 + 8 x 1 keeps PS */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x200000, 0x200000, 2, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_protect(e.os, 1, 0x212345, MMU_PERM_U | MMU_PERM_X), 0);
	cr_expect_eq(rd64(&e, 0x102008), UINT64_C(0x200000) | P | U | PS);
	env_free(&e);
}

/* The lowest reserved bit of the leaf's kind (SDM Vol. 3A, Tables 4-15, 4-17, 4-19, 46-bit physical addresses) */
Test(mmu_os, reserved_bit_is_the_lowest_of_the_leafs_kind)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	unsigned bit = 99;
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_set_reserved_bit(e.os, 1, 0x400000, &bit), 0);
	cr_expect_eq(bit, 46, "a PTE: the address bits 51:46 beyond MAXPHYADDR");
	cr_expect_eq(rd64(&e, 0x103000), UINT64_C(0x104000) | P | W | U | (UINT64_C(1) << 46));
	cr_assert_eq(mmu_os_map(e.os, 1, 0x200000, 0x200000, 2, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_set_reserved_bit(e.os, 1, 0x200000, &bit), 0);
	cr_expect_eq(bit, 13, "a 2 MiB PDE: bits 20:13");
	cr_expect_eq(rd64(&e, 0x102008), UINT64_C(0x200000) | P | W | U | PS | (UINT64_C(1) << 13));
	cr_expect_eq(mmu_os_set_reserved_bit(e.os, 1, 0x600000, &bit), MMU_EFAULT);
	env_free(&e);
	/* the OSTEP entry: a valid bit and a 7-bit frame number fill its byte, nothing is reserved */
	cfg = cfg_ostep();
	e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x20, 0x20, 1, MMU_PERM_RWX_USER), 0);
	cr_expect_eq(mmu_os_set_reserved_bit(e.os, 1, 0x20, &bit), MMU_EINVAL);
	env_free(&e);
}

Test(mmu_os, alignment_and_level_errors)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x400800, 0x1000, 1, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x400000, 0x800, 1, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x400000, 0, 1, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x201000, 0x200000, 2, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x200000, 0x1000, 2, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x40000000, 0x200000, 3, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0, UINT64_C(1) << 39, 4, MMU_PERM_W), MMU_EINVAL); /* no 512 GiB pages */
	cr_expect_eq(mmu_os_map(e.os, 1, 0, 0x1000, 0, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0, 0x1000, 5, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, 0, 0x1000, 1, 0x10), MMU_EINVAL); /* unknown permission bit */
	cr_expect_eq(mmu_os_map_frame(e.os, 1, 0x200000, 0x301000, 2, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map_frame(e.os, 1, 0x1000, UINT64_C(1) << 46, 1, MMU_PERM_W), MMU_EINVAL); /* beyond PA */
	cr_expect_eq(mmu_os_map_kernel(e.os, UINT64_C(0xffff800000000800), 0x1000, MMU_PERM_W), MMU_EINVAL);
	/* nothing allocated, no process created by a rejected call */
	cr_expect_eq(mmu_os_stats(e.os)->frames, 0);
	cr_expect_eq(mmu_os_stats(e.os)->processes, 0);
	env_free(&e);
}

Test(mmu_os, non_canonical_addresses_are_rejected)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	const uint64_t hole = UINT64_C(0x0000800000000000);
	cr_expect_eq(mmu_os_map(e.os, 1, hole, 0x1000, 1, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, hole - 0x1000, 0x2000, 1, MMU_PERM_W), MMU_EINVAL); /* runs into the hole */
	cr_expect_eq(mmu_os_map_kernel(e.os, hole, 0x1000, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_demand_fault(e.os, 1, hole + 0x123), MMU_EFAULT);
	cr_expect_eq(mmu_os_populate(e.os, 1, hole), MMU_EINVAL);
	cr_expect_eq(mmu_os_unmap(e.os, 1, hole, 0x1000), MMU_EINVAL);
	cr_expect_eq(mmu_os_lock(e.os, 1, hole, 0x1000), MMU_EINVAL);
	cr_assert_eq(mmu_os_process(e.os, 1), 0);
	expect_unmapped(&e, 1, hole);
	/* the top of the upper half is canonical */
	cr_expect_eq(mmu_os_map(e.os, 1, UINT64_C(0xfffffffffffff000), 0x1000, 1, MMU_PERM_W), 0);
	expect_translation(&e, 1, UINT64_C(0xffffffffffffffff), 0x104fff, 1);
	env_free(&e);
}

Test(mmu_os, mapping_over_a_mapping_is_eexist)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x800000, 0x200000, 2, MMU_PERM_RWX_USER), 0);
	uint64_t frames = mmu_os_stats(e.os)->frames;
	cr_expect_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_W), MMU_EEXIST);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x3ff000, 0x2000, 1, MMU_PERM_W), MMU_EEXIST); /* overlaps at its end */
	cr_expect_eq(mmu_os_map(e.os, 1, 0x400000, 0x200000, 2, MMU_PERM_W), MMU_EEXIST);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x9ff000, 0x1000, 1, MMU_PERM_W), MMU_EEXIST); /* inside the 2 MiB page */
	cr_expect_eq(mmu_os_map(e.os, 1, 0, 0x40000000, 3, MMU_PERM_W), MMU_EEXIST);
	cr_expect_eq(mmu_os_map_frame(e.os, 1, 0x400000, 0x104000, 1, MMU_PERM_W), MMU_EEXIST);
	cr_expect_eq(mmu_os_stats(e.os)->frames, frames, "a refused map allocates nothing");
	expect_unmapped(&e, 1, 0x3ff000); /* the refused range left no partial mapping */
	env_free(&e);
}

Test(mmu_os, huge_page_over_an_emptied_table)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x400000, 0x1000), 1);
	/* the PT at 0x103000 is empty now: a 2 MiB page may take its PD entry; frame: 0x105000 -> 0x200000 */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x200000, 2, MMU_PERM_RWX_USER), 0);
	cr_expect_eq(rd64(&e, 0x102010), UINT64_C(0x200000) | P | W | U | PS);
	expect_translation(&e, 1, 0x400010, 0x200010, 2);
	env_free(&e);
}

Test(mmu_os, frames_run_out_at_pa_bits)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 32, false);
	env_t e = env_new(&cfg);
	/* 4 GiB of physical memory: 1 GiB frames at 1, 2 and 3 GiB fit, a fourth does not */
	cr_expect_eq(mmu_os_map(e.os, 1, 0, UINT64_C(0x100000000), 3, MMU_PERM_RWX_USER), MMU_ENOFRAME);
	for (uint64_t va = 0; va < UINT64_C(0x100000000); va += 0x40000000)
		expect_unmapped(&e, 1, va); /* a failed map is rolled back */
	/* frames are not reused: not even a root table is left */
	cr_expect_eq(mmu_os_process(e.os, 2), MMU_ENOFRAME);
	cr_expect_eq(mmu_os_stats(e.os)->processes, 1);
	cr_expect_eq(mmu_os_map(e.os, 1, 0, 0x1000, 1, MMU_PERM_W), MMU_ENOFRAME);
	env_free(&e);
}

/* ---- kernel mappings, sharing, processes ---- */

Test(mmu_os, kernel_mapping_shared_by_every_process)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, true);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 1), 0);          /* root 0x100000 */
	cr_assert_eq(mmu_os_process(e.os, 2), 0);          /* root 0x101000 */
	const uint64_t kva = UINT64_C(0xffff800000000000); /* PML4 index 256 */
	cr_assert_eq(mmu_os_map_kernel(e.os, kva, 0x2000, MMU_PERM_W | MMU_PERM_U), 0);
	/* template root 0x102000, PDPT 0x103000, PD 0x104000, PT 0x105000, pages 0x106000 and 0x107000 */
	const uint64_t pml4e = UINT64_C(0x103000) | P | W; /* supervisor */
	cr_expect_eq(rd64(&e, 0x100000 + 256 * 8), pml4e);
	cr_expect_eq(rd64(&e, 0x101000 + 256 * 8), pml4e);
	cr_expect_eq(rd64(&e, 0x103000), UINT64_C(0x104000) | P | W);
	cr_expect_eq(rd64(&e, 0x105000), UINT64_C(0x106000) | P | W | G | NX, "U dropped, G added");
	cr_expect_eq(rd64(&e, 0x105008), UINT64_C(0x107000) | P | W | G | NX);
	expect_translation(&e, 1, kva + 0x1234, 0x107234, 1);
	expect_translation(&e, 2, kva + 0x1234, 0x107234, 1);
	/* a process created later gets the same entry */
	cr_assert_eq(mmu_os_process(e.os, 3), 0);
	cr_expect_eq(rd64(&e, 0x108000 + 256 * 8), pml4e);
	expect_translation(&e, 3, kva, 0x106000, 1);
	/* a second kernel range in the same slot reuses the shared tables and reaches everyone */
	cr_assert_eq(mmu_os_map_kernel(e.os, kva + 0x200000, 0x1000, MMU_PERM_X), 0);
	cr_expect_eq(rd64(&e, 0x104008), UINT64_C(0x109000) | P | W);
	cr_expect_eq(rd64(&e, 0x109000), UINT64_C(0x10a000) | P | G);
	expect_translation(&e, 1, kva + 0x200000, 0x10a000, 1);
	expect_translation(&e, 3, kva + 0x200000, 0x10a000, 1);
	env_free(&e);
}

Test(mmu_os, kernel_slots_and_user_slots_do_not_mix)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	const uint64_t kva = UINT64_C(0xffff800000000000);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_map_kernel(e.os, kva, 0x1000, MMU_PERM_W), 0);
	cr_expect_eq(mmu_os_map(e.os, 1, kva + 0x1000, 0x1000, 1, MMU_PERM_RWX_USER), MMU_EEXIST);
	cr_expect_eq(mmu_os_map_kernel(e.os, 0x800000, 0x1000, MMU_PERM_W), MMU_EEXIST); /* PML4 slot 0 is user */
	cr_expect_eq(mmu_os_map_kernel(e.os, kva, 0x1000, MMU_PERM_W), MMU_EEXIST);
	cr_expect_eq(mmu_os_demand_fault(e.os, 1, kva + 0x5000), MMU_EFAULT);
	/* a process cannot unmap the shared kernel pages */
	cr_expect_eq(mmu_os_unmap(e.os, 1, kva, 0x1000), 0);
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0, UINT64_C(0x800000000000)), 1);
	cr_expect_eq(mmu_os_unmap(e.os, 1, kva, UINT64_C(0x800000000000)), 0);
	uint64_t pa;
	unsigned level;
	cr_expect_eq(mmu_os_translate(e.os, 1, kva, &pa, &level), 0);
	env_free(&e);
}

Test(mmu_os, shared_frame_in_two_processes)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_RWX_USER), 0); /* frame 0x104000 */
	cr_assert_eq(mmu_os_map_frame(e.os, 2, 0x7f0000000000, 0x104000, 1, MMU_PERM_U), 0);
	/* pid 2: root 0x105000, PDPT 0x106000, PD 0x107000, PT 0x108000; PML4 index 254, PDPT 0, PD 0, PT 0 */
	cr_expect_eq(rd64(&e, 0x105000 + 254 * 8), UINT64_C(0x106000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x108000), UINT64_C(0x104000) | P | U | NX);
	expect_translation(&e, 1, 0x400008, 0x104008, 1);
	expect_translation(&e, 2, 0x7f0000000008, 0x104008, 1);
	cr_expect_eq(mmu_os_stats(e.os)->frames, 9, "map_frame takes no data frame");
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x400000, 0x1000), 1);
	expect_unmapped(&e, 1, 0x400000);
	expect_translation(&e, 2, 0x7f0000000008, 0x104008, 1);
	/* a shared huge frame */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x200000, 0x200000, 2, MMU_PERM_RWX_USER), 0);
	uint64_t pa;
	unsigned level;
	cr_assert_eq(mmu_os_translate(e.os, 1, 0x200000, &pa, &level), 0);
	cr_assert_eq(mmu_os_map_frame(e.os, 2, 0x40000000, pa, 2, MMU_PERM_RWX_USER), 0);
	expect_translation(&e, 2, 0x40012345, pa + 0x12345, 2);
	env_free(&e);
}

/* Imported frames (a real process's) sit below pa_end: the model's own tables and pages go above it. */
Test(mmu_os, reserve_moves_allocation_above_imported_frames)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_reserve(e.os, UINT64_C(0x5a3f12345)), 0); /* rounded up to the next 4 KiB frame */
	cr_assert_eq(mmu_os_map_frame(e.os, 1, 0x400000, UINT64_C(0x5a3f12000), 1, MMU_PERM_U), 0);
	/* root, PDPT, PD, PT from 0x5a3f13000 on */
	cr_expect_eq(mmu_os_cr3(e.os, 1, false), UINT64_C(0x5a3f13000));
	cr_expect_eq(rd64(&e, UINT64_C(0x5a3f16000)), UINT64_C(0x5a3f12000) | P | U | NX);
	expect_translation(&e, 1, 0x400123, UINT64_C(0x5a3f12123), 1);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x401000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	expect_translation(&e, 1, 0x401000, UINT64_C(0x5a3f17000), 1);
	/* a lower bound than the allocator's position changes nothing; one past the physical space fails */
	cr_expect_eq(mmu_os_reserve(e.os, 0x200000), 0);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x402000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	expect_translation(&e, 1, 0x402000, UINT64_C(0x5a3f18000), 1);
	cr_expect_eq(mmu_os_reserve(e.os, (UINT64_C(1) << 46) + 0x1000), MMU_ENOFRAME);
	env_free(&e);
}

Test(mmu_os, pcids_in_order_of_creation)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, true);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 10), 0);
	cr_assert_eq(mmu_os_process(e.os, 5), 0);
	cr_assert_eq(mmu_os_process(e.os, 10), 0);                           /* exists: nothing new */
	cr_assert_eq(mmu_os_map(e.os, 7, 0x1000, 0x1000, 1, MMU_PERM_W), 0); /* created on first use */
	cr_expect_eq(mmu_os_pcid(e.os, 10), 1);
	cr_expect_eq(mmu_os_pcid(e.os, 5), 2);
	cr_expect_eq(mmu_os_pcid(e.os, 7), 3);
	cr_expect_eq(mmu_os_stats(e.os)->processes, 3);
	cr_expect_eq(mmu_os_cr3(e.os, 10, false), UINT64_C(0x100000) | 1);
	cr_expect_eq(mmu_os_cr3(e.os, 5, false), UINT64_C(0x101000) | 2);
	cr_expect_eq(mmu_os_cr3(e.os, 5, true), UINT64_C(0x101000) | 2 | (UINT64_C(1) << 63));
	cr_expect_eq(mmu_os_cr3(e.os, 7, true), UINT64_C(0x102000) | 3 | (UINT64_C(1) << 63));
	env_free(&e);
}

Test(mmu_os, no_pcid_when_off)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 1), 0);
	cr_assert_eq(mmu_os_process(e.os, 2), 0);
	cr_expect_eq(mmu_os_pcid(e.os, 1), 0);
	cr_expect_eq(mmu_os_pcid(e.os, 2), 0);
	cr_expect_eq(mmu_os_cr3(e.os, 1, false), 0x100000);
	cr_expect_eq(mmu_os_cr3(e.os, 2, true), 0x101000, "no bit 63 without PCIDs");
	env_free(&e);
}

Test(mmu_os, pcid_needs_4k_pages)
{
	mmu_cfg_t cfg = cfg_ostep();
	cfg.pcid = true;
	mmu_physmem_t *pm;
	mmu_os_t *os = (mmu_os_t *)&cfg;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	cr_expect_eq(mmu_os_create(&cfg, pm, &os), MMU_EINVAL);
	cr_expect_null(os);
	mmu_physmem_destroy(pm);
}

Test(mmu_os, invalid_paging_config_is_rejected)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 20, false); /* x86_64 needs 32..52 */
	mmu_physmem_t *pm;
	mmu_os_t *os;
	cr_assert_eq(mmu_physmem_create(&pm), 0);
	cr_expect_eq(mmu_os_create(&cfg, pm, &os), MMU_EINVAL);
	cfg = cfg_ostep();
	cfg.paging.pfn_bits = 8; /* overlaps the present bit */
	cr_expect_eq(mmu_os_create(&cfg, pm, &os), MMU_EINVAL);
	mmu_physmem_destroy(pm);
}

/* ---- unmap, translate, demand paging ---- */

Test(mmu_os, unmap_counts_pages_and_clears_leaves)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x4000, 1, MMU_PERM_RWX_USER), 0); /* PT 0x103000 */
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x401000, 0x2000), 2);
	cr_expect_eq(rd64(&e, 0x103008), 0);
	cr_expect_eq(rd64(&e, 0x103010), 0);
	cr_expect_eq(rd64(&e, 0x103000), UINT64_C(0x104000) | P | W | U);
	expect_translation(&e, 1, 0x400000, 0x104000, 1);
	expect_unmapped(&e, 1, 0x401000);
	expect_unmapped(&e, 1, 0x402000);
	expect_translation(&e, 1, 0x403000, 0x107000, 1);
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x401000, 0x2000), 0, "already unmapped");
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x400800, 0x1000), 0, "no page lies wholly inside");
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0, 0x800000000000), 2);
	cr_expect_eq(mmu_os_unmap(e.os, 9, 0, 0x1000), 0, "unknown process");
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x1000, 0), 0);
	env_free(&e);
}

Test(mmu_os, unmap_leaves_partly_covered_huge_pages)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x200000, 0x400000, 2, MMU_PERM_RWX_USER), 0);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x40000000, 0x40000000, 3, MMU_PERM_RWX_USER), 0);
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x200000, 0x1000), 0);
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x300000, 0x200000), 0); /* half of each 2 MiB page */
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x40000000, 0x3ffff000), 0);
	expect_translation(&e, 1, 0x200000, 0x200000, 2);
	expect_translation(&e, 1, 0x400000, 0x400000, 2);
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x300000, 0x300000), 1); /* holds the second one wholly */
	expect_translation(&e, 1, 0x200000, 0x200000, 2);
	expect_unmapped(&e, 1, 0x400000);
	cr_expect_eq(mmu_os_unmap(e.os, 1, 0x1000, 0x7fffffff000), 2);
	expect_unmapped(&e, 1, 0x200000);
	expect_unmapped(&e, 1, 0x40000000);
	env_free(&e);
}

Test(mmu_os, translate_errors)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	uint64_t pa;
	unsigned level;
	cr_expect_eq(mmu_os_translate(e.os, 1, 0x1000, &pa, &level), MMU_EFAULT, "no such process");
	cr_assert_eq(mmu_os_map(e.os, 1, 0x1000, 0x1000, 1, MMU_PERM_W), 0);
	cr_expect_eq(mmu_os_translate(e.os, 1, UINT64_C(0x0000800000001000), &pa, &level), MMU_EFAULT);
	cr_expect_eq(mmu_os_translate(e.os, 1, 0x2000, &pa, &level), MMU_EFAULT);
	cr_expect_eq(mmu_os_translate(e.os, 1, 0x200000, &pa, &level), MMU_EFAULT, "PD entry absent");
	expect_translation(&e, 1, 0x1fff, 0x104fff, 1);
	env_free(&e);
}

Test(mmu_os, demand_fault_maps_one_base_page)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_demand_fault(e.os, 1, 0x7fff1234), 0);
	/* 0x7fff1234: PML4 0, PDPT 1, PD 0x1ff, PT 0x1f1 */
	cr_expect_eq(rd64(&e, 0x101008), UINT64_C(0x102000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x102000 + 0x1ff * 8), UINT64_C(0x103000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x103000 + 0x1f1 * 8), UINT64_C(0x104000) | P | W | U, "RWX user, A = D = 0");
	expect_translation(&e, 1, 0x7fff1234, 0x104234, 1);
	expect_unmapped(&e, 1, 0x7fff2000);
	cr_expect_eq(mmu_os_stats(e.os)->demand_faults, 1);
	cr_expect_eq(mmu_os_demand_fault(e.os, 1, 0x7fff1000), MMU_EFAULT, "already mapped: not a demand fault");
	cr_expect_eq(mmu_os_stats(e.os)->demand_faults, 1);
	env_free(&e);
}

/* The largest pid is an ordinary process: user tables, its pages counted resident and unmapped like any other. */
Test(mmu_os, the_largest_pid_is_an_ordinary_process)
{
	const uint32_t pid = UINT32_MAX;
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	cfg.os.mem_frames = 8;
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_demand_fault(e.os, pid, 0x7fff1234), 0);
	/* as demand_fault_maps_one_base_page: root 0x100000, PDPT 0x101000, PD 0x102000, PT 0x103000, page 0x104000 */
	cr_expect_eq(rd64(&e, 0x100000), UINT64_C(0x101000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x101008), UINT64_C(0x102000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x102000 + 0x1ff * 8), UINT64_C(0x103000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x103000 + 0x1f1 * 8), UINT64_C(0x104000) | P | W | U);
	cr_expect_eq(mmu_os_stats(e.os)->resident_frames, 1, "a user page, under the memory limit");
	cr_expect_eq(mmu_os_unmap(e.os, pid, 0x7fff1000, 0x1000), 1);
	cr_expect_eq(mmu_os_stats(e.os)->resident_frames, 0);
	expect_unmapped(&e, pid, 0x7fff1234);
	env_free(&e);
}

Test(mmu_os, populate_maps_without_counting_a_fault)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_populate(e.os, 1, 0x400123), 0);
	expect_translation(&e, 1, 0x400123, 0x104123, 1);
	uint64_t frames = mmu_os_stats(e.os)->frames;
	cr_assert_eq(mmu_os_populate(e.os, 1, 0x400fff), 0);
	cr_expect_eq(mmu_os_stats(e.os)->frames, frames, "already mapped: nothing new");
	cr_expect_eq(mmu_os_stats(e.os)->demand_faults, 0);
	env_free(&e);
}

Test(mmu_os, locked_pages)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_64, 46, false);
	env_t e = env_new(&cfg);
	cr_expect_not(mmu_os_is_locked(e.os, 1, 0x1000));
	cr_assert_eq(mmu_os_lock(e.os, 1, 0x1800, 0x1000), 0); /* touches pages 0x1000 and 0x2000 */
	cr_expect(mmu_os_is_locked(e.os, 1, 0x1000));
	cr_expect(mmu_os_is_locked(e.os, 1, 0x2fff));
	cr_expect_not(mmu_os_is_locked(e.os, 1, 0x3000));
	cr_expect_not(mmu_os_is_locked(e.os, 1, 0x0fff));
	cr_expect_not(mmu_os_is_locked(e.os, 2, 0x1000), "locks are per process");
	cr_assert_eq(mmu_os_lock(e.os, 2, 0x10000000, 0x1000000), 0); /* 4096 pages: the set grows */
	for (uint64_t va = 0x10000000; va < 0x11000000; va += 0x1000)
		cr_assert(mmu_os_is_locked(e.os, 2, va));
	cr_expect_not(mmu_os_is_locked(e.os, 2, 0x11000000));
	cr_expect(mmu_os_is_locked(e.os, 1, 0x2000));
	env_free(&e);
}

/* ---- x86 32-bit ---- */

Test(mmu_os, x86_32_4k_and_4m_pages)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_32, 32, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_W | MMU_PERM_U), 0);
	/* page directory 0x100000, PDE 1 -> PT 0x101000, PTE 0 -> 0x102000; 4-byte entries, no NX */
	cr_expect_eq(mmu_physmem_read(e.pm, 0x100004, 4), UINT64_C(0x101000) | P | W | U);
	cr_expect_eq(rd64(&e, 0x101000), UINT64_C(0x102000) | P | W | U, "4-byte PTE, neighbour still 0");
	cr_assert_eq(mmu_os_map(e.os, 1, 0x800000, 0x400000, 2, MMU_PERM_RWX_USER | MMU_PERM_G), 0);
	/* 4 MiB frame: 0x103000 skips ahead to 0x400000 */
	cr_expect_eq(mmu_physmem_read(e.pm, 0x100008, 4), UINT64_C(0x400000) | P | W | U | PS | G);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x100008, 4) & UINT64_C(0x3fe000), 0, "reserved bits 21:13");
	expect_translation(&e, 1, 0x400abc, 0x102abc, 1);
	expect_translation(&e, 1, 0x812345, 0x412345, 2);
	cr_expect_eq(mmu_os_map(e.os, 1, 0, 0x1000, 3, MMU_PERM_W), MMU_EINVAL);
	cr_expect_eq(mmu_os_map(e.os, 1, UINT64_C(0x100000000), 0x1000, 1, MMU_PERM_W), MMU_EINVAL, "beyond 32 bits");
	cr_expect_eq(mmu_os_map(e.os, 1, 0xfffff000, 0x1000, 1, MMU_PERM_W), 0);
	expect_translation(&e, 1, 0xffffffff, 0x801fff, 1); /* PT 0x800000, page 0x801000 */
	env_free(&e);
}

Test(mmu_os, x86_32_kernel_mapping)
{
	mmu_cfg_t cfg = cfg_x86(MMU_MODE_X86_32, 32, false);
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 1), 0);                                 /* 0x100000 */
	cr_assert_eq(mmu_os_map_kernel(e.os, 0xc0000000, 0x1000, MMU_PERM_W), 0); /* template 0x101000, PT 0x102000 */
	cr_assert_eq(mmu_os_process(e.os, 2), 0);                                 /* 0x104000 */
	cr_expect_eq(mmu_physmem_read(e.pm, 0x100000 + 0x300 * 4, 4), UINT64_C(0x102000) | P | W);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x104000 + 0x300 * 4, 4), UINT64_C(0x102000) | P | W);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x102000, 4), UINT64_C(0x103000) | P | W | G);
	expect_translation(&e, 2, 0xc0000010, 0x103010, 1);
	env_free(&e);
}

/* ---- textbook modes ---- */

Test(mmu_os, ostep_mode_maps_and_translates)
{
	mmu_cfg_t cfg = cfg_ostep();
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 1), 0); /* frame 1: 0x20 */
	cr_expect_eq(mmu_os_cr3(e.os, 1, false), 0x20);
	/* 0x1234: top index 4, leaf index 17, offset 0x14; PT in frame 2 (0x40), page in frame 3 (0x60) */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x1220, 0x20, 1, MMU_PERM_RWX_USER), 0);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x24, 1), 0x82);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x40 + 17, 1), 0x83);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x40 + 16, 1), 0);
	expect_translation(&e, 1, 0x1234, 0x74, 1);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x1230, 0x20, 1, MMU_PERM_W), MMU_EINVAL, "32-byte alignment");
	cr_expect_eq(mmu_os_map(e.os, 1, 0x8000, 0x20, 1, MMU_PERM_W), MMU_EINVAL, "beyond the 15-bit VA");
	cr_expect_eq(mmu_os_map(e.os, 1, 0x1200, 0x400, 2, MMU_PERM_W), MMU_EINVAL, "no huge pages");
	cr_assert_eq(mmu_os_map(e.os, 1, 0x7fe0, 0x20, 1, 0), 0); /* top index 31: PT frame 4, page frame 5 */
	cr_expect_eq(mmu_physmem_read(e.pm, 0x20 + 31, 1), 0x84);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x80 + 31, 1), 0x85);
	expect_translation(&e, 1, 0x7fff, 0xbf, 1);
	env_free(&e);
}

Test(mmu_os, textbook_memory_runs_out)
{
	mmu_cfg_t cfg = cfg_ostep(); /* 4 KiB of 32-byte frames: 128, frame 0 never used */
	env_t e = env_new(&cfg);
	cr_expect_eq(mmu_os_map(e.os, 1, 0, 0x8000, 1, MMU_PERM_RWX_USER), MMU_ENOFRAME);
	cr_expect_eq(mmu_os_stats(e.os)->frames, 127);
	expect_unmapped(&e, 1, 0);
	expect_unmapped(&e, 1, 0x20);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x7fe0, 0x20, 1, MMU_PERM_W), MMU_ENOFRAME);
	cr_expect_eq(mmu_os_demand_fault(e.os, 1, 0x100), MMU_ENOFRAME);
	cr_expect_eq(mmu_os_stats(e.os)->demand_faults, 0);
	env_free(&e);
}

Test(mmu_os, textbook_table_larger_than_a_page)
{
	mmu_cfg_t cfg = cfg_ostep();
	/* 12-bit VA: 2 levels x 4 bits, 16-byte pages; 16 four-byte entries = 64-byte tables (4 frames) */
	cfg.paging.pa_bits = 16;
	cfg.paging.bits_per_level = 4;
	cfg.paging.page_bits = 4;
	cfg.paging.pte_bytes = 4;
	cfg.paging.present_bit = 0;
	cfg.paging.writable_bit = 1;
	cfg.paging.user_bit = 2;
	cfg.paging.accessed_bit = 5;
	cfg.paging.dirty_bit = 6;
	cfg.paging.pfn_lsb = 8;
	cfg.paging.pfn_bits = 12;
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 1), 0); /* frames 1..4: 0x10..0x4f */
	/* 0x230: top index 2, leaf index 3; PT frames 5..8 (0x50), page frame 9 (0x90) */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x230, 0x10, 1, MMU_PERM_W | MMU_PERM_U), 0);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x10 + 2 * 4, 4), (UINT64_C(0x5) << 8) | P | W | U);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x50 + 3 * 4, 4), (UINT64_C(0x9) << 8) | P | W | U);
	expect_translation(&e, 1, 0x23a, 0x9a, 1);
	cr_expect_eq(mmu_os_stats(e.os)->frames, 9);
	cr_expect_eq(mmu_os_stats(e.os)->table_frames, 8);
	env_free(&e);
}

Test(mmu_os, textbook_table_smaller_than_a_page)
{
	mmu_cfg_t cfg = cfg_ostep();
	/* 4 KiB pages, 32 four-byte entries: a 128-byte table still takes a whole frame */
	cfg.paging.pa_bits = 24;
	cfg.paging.page_bits = 12;
	cfg.paging.pte_bytes = 4;
	cfg.paging.present_bit = 0;
	cfg.paging.writable_bit = 1;
	cfg.paging.user_bit = 2;
	cfg.paging.pfn_lsb = 12;
	cfg.paging.pfn_bits = 12;
	env_t e = env_new(&cfg);
	/* 22-bit VA; 0x2a5123: top index 0x15, leaf index 0x05 */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x2a5000, 0x1000, 1, MMU_PERM_RWX_USER), 0);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x1000 + 0x15 * 4, 4), UINT64_C(0x2000) | P | W | U);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x2000 + 0x05 * 4, 4), UINT64_C(0x3000) | P | W | U);
	expect_translation(&e, 1, 0x2a5123, 0x3123, 1);
	cr_expect_eq(mmu_os_map(e.os, 1, 0x400000, 0x1000, 1, MMU_PERM_W), MMU_EINVAL, "beyond the 22-bit VA");
	env_free(&e);
}

Test(mmu_os, textbook_single_level)
{
	mmu_cfg_t cfg = cfg_ostep();
	/* one level: the root table holds the leaves, so kernel pages are copied entry by entry */
	cfg.paging.levels = 1;
	cfg.paging.bits_per_level = 6;
	env_t e = env_new(&cfg);
	cr_assert_eq(mmu_os_process(e.os, 1), 0);                                /* 0x20..0x5f */
	cr_assert_eq(mmu_os_map(e.os, 1, 0x7e0, 0x20, 1, MMU_PERM_RWX_USER), 0); /* index 63 -> 0x60 */
	cr_assert_eq(mmu_os_map_kernel(e.os, 0x400, 0x40, MMU_PERM_W), 0);       /* template 0x80..0xbf */
	cr_expect_eq(mmu_physmem_read(e.pm, 0x20 + 63, 1), 0x83);
	cr_expect_eq(mmu_physmem_read(e.pm, 0x20 + 32, 1), 0x86); /* kernel pages in frames 6 and 7 */
	cr_expect_eq(mmu_physmem_read(e.pm, 0x20 + 33, 1), 0x87);
	cr_assert_eq(mmu_os_process(e.os, 2), 0); /* frames 8, 9: 0x100 */
	expect_translation(&e, 2, 0x421, 0xe1, 1);
	expect_unmapped(&e, 2, 0x7e0);
	cr_expect_eq(mmu_os_map(e.os, 2, 0x400, 0x20, 1, MMU_PERM_W), MMU_EEXIST);
	env_free(&e);
}
