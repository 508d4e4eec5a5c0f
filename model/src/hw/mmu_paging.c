#include "mmu/mmu_paging.h"

#include <stdio.h>
#include <string.h>

#include "mmu/mmu_error.h"

static uint64_t bits(unsigned lo, unsigned hi_exclusive)
{
	if (hi_exclusive <= lo)
		return 0;
	uint64_t upto = hi_exclusive >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << hi_exclusive) - 1;
	return upto & ~((UINT64_C(1) << lo) - 1);
}

/*
 * Intel SDM vol. 3A, 4.5: 4-level paging (CR4.LA57 = 0) or 5-level paging (CR4.LA57 = 1, a PML5 table above the
 * PML4, 57-bit canonical addresses), with CR0.WP = 1, EFER.NXE = 1, CR4.PSE/PGE = 1, no protection keys.
 */
static void init_x86_64(mmu_paging_t *p, unsigned pa_bits, bool la57)
{
	unsigned levels = la57 ? 5 : 4;
	*p = (mmu_paging_t){
	    .name = la57 ? "x86_64_la57" : "x86_64",
	    .levels = levels,
	    .bits_per_level = 9,
	    .page_bits = 12,
	    .pte_bytes = 8,
	    .pa_bits = pa_bits,
	    .sign_extend = true,
	    .bit_present = 0,
	    .bit_writable = 1,
	    .bit_user = 2,
	    .bit_accessed = 5,
	    .bit_dirty = 6,
	    .bit_pagesize = 7,
	    .bit_global = 8,
	    .bit_nx = 63,
	    .bit_read = -1,
	    .bit_exec = -1,
	    .pfn_lsb = 12,
	    .pfn_bits = pa_bits - 12,
	    .huge_levels = (1u << 2) | (1u << 3), /* 2 MiB PDEs, 1 GiB PDPTEs */
	};
	uint64_t above_pa = bits(pa_bits, 52); /* address bits beyond MAXPHYADDR are reserved in every entry */
	for (unsigned n = 1; n <= levels; n++) {
		p->rsvd_table[n] = above_pa;
		p->rsvd_leaf[n] = above_pa;
	}
	p->rsvd_table[4] |= UINT64_C(1) << 7; /* PS must be 0 in a PML4E */
	if (la57)
		p->rsvd_table[5] |= UINT64_C(1) << 7; /* and in a PML5E (SDM 4.5.4, table of PML5E format) */
	p->rsvd_leaf[3] |= bits(13, 30);              /* 1 GiB page: bit 12 is PAT, 29:13 reserved */
	p->rsvd_leaf[2] |= bits(13, 21);              /* 2 MiB page: bit 12 is PAT, 20:13 reserved */
}

/* Intel SDM vol. 3A, 4.3: 32-bit paging with CR4.PSE = 1 (4 MiB pages), no PSE-36. */
static void init_x86_32(mmu_paging_t *p)
{
	*p = (mmu_paging_t){
	    .name = "x86_32",
	    .levels = 2,
	    .bits_per_level = 10,
	    .page_bits = 12,
	    .pte_bytes = 4,
	    .pa_bits = 32,
	    .sign_extend = false,
	    .bit_present = 0,
	    .bit_writable = 1,
	    .bit_user = 2,
	    .bit_accessed = 5,
	    .bit_dirty = 6,
	    .bit_pagesize = 7,
	    .bit_global = 8,
	    .bit_nx = -1,
	    .bit_read = -1,
	    .bit_exec = -1,
	    .pfn_lsb = 12,
	    .pfn_bits = 20,
	    .huge_levels = 1u << 2,
	};
	p->rsvd_leaf[2] = bits(13, 22); /* 4 MiB page without PSE-36: bits 21:13 reserved */
}

/*
 * RISC-V Sv39, Sv48, Sv57 (privileged specification, Supervisor-Level ISA, 4.4-4.6; PTE format 4.3.1): 9 bits per
 * level, 4 KiB pages, 8-byte PTEs with V R W X U G A D at bits 0-7, RSW 9:8, PPN 53:10; Svpbmt and Svnapot off, so
 * bits 63:54 are reserved. A leaf may sit at any level. Reserved, as page faults (4.3.2 step 3): bits 63:54; PPN
 * bits at or above paging.pa_bits (the model's stand-in for the access fault of a nonexistent address); D, A and U
 * of a non-leaf entry (4.3.1); and, in a level-n leaf, the PPN bits below the page's size (a misaligned superpage,
 * 4.3.2 step 6).
 */
static void init_riscv(mmu_paging_t *p, const mmu_paging_cfg_t *c, unsigned levels, unsigned satp_mode)
{
	static const char *const names[] = {[3] = "sv39", [4] = "sv48", [5] = "sv57"};
	*p = (mmu_paging_t){
	    .name = names[levels],
	    .levels = levels,
	    .bits_per_level = 9,
	    .page_bits = 12,
	    .pte_bytes = 8,
	    .pa_bits = c->pa_bits,
	    .sign_extend = true,
	    .bit_present = 0,
	    .bit_read = 1,
	    .bit_writable = 2,
	    .bit_exec = 3,
	    .bit_user = 4,
	    .bit_global = 5,
	    .bit_accessed = 6,
	    .bit_dirty = 7,
	    .bit_pagesize = -1,
	    .bit_nx = -1,
	    .pfn_lsb = 10,
	    .pfn_bits = 44,
	    .format = MMU_PTE_RISCV,
	    .satp_mode = satp_mode,
	    .ad_fault = !c->riscv_svadu,
	    .sum = c->riscv_sum,
	    .mxr = c->riscv_mxr,
	};
	uint64_t always = bits(54, 64) | bits(10 + (c->pa_bits - 12), 54);
	uint64_t nonleaf_ad_u = (UINT64_C(1) << 4) | (UINT64_C(1) << 6) | (UINT64_C(1) << 7);
	for (unsigned n = 1; n <= levels; n++) {
		p->huge_levels |= n >= 2 ? 1u << n : 0;
		p->rsvd_table[n] = always | nonleaf_ad_u;
		p->rsvd_leaf[n] = always | bits(10, 10 + 9 * (n - 1));
	}
}

static int init_textbook(mmu_paging_t *p, const mmu_paging_cfg_t *c, char *msg, unsigned long msglen)
{
#define TB_FAIL(...)                                                                                                   \
	do {                                                                                                           \
		snprintf(msg, msglen, __VA_ARGS__);                                                                    \
		return MMU_EINVAL;                                                                                     \
	} while (0)
	if (c->levels < 1 || c->levels > MMU_MAX_LEVELS)
		TB_FAIL("paging.levels: %u is not in 1..%d", c->levels, MMU_MAX_LEVELS);
	if (c->bits_per_level < 1 || c->bits_per_level > 16)
		TB_FAIL("paging.bits_per_level: %u is not in 1..16", c->bits_per_level);
	if (c->page_bits < 2 || c->page_bits > 30)
		TB_FAIL("paging.page_bits: %u is not in 2..30", c->page_bits);
	if (c->pte_bytes != 1 && c->pte_bytes != 2 && c->pte_bytes != 4 && c->pte_bytes != 8)
		TB_FAIL("paging.pte_bytes: %u is not 1, 2, 4 or 8", c->pte_bytes);
	unsigned va_bits = c->levels * c->bits_per_level + c->page_bits;
	if (va_bits > 64)
		TB_FAIL("paging.levels x paging.bits_per_level + paging.page_bits = %u exceeds 64 bits", va_bits);
	if (c->levels * c->bits_per_level > 60) /* a TLB tag holds the page number in 61 bits */
		TB_FAIL("paging.levels x paging.bits_per_level = %u exceeds 60 translated bits",
		        c->levels * c->bits_per_level);
	if (c->pa_bits < c->page_bits || c->pa_bits > 64)
		TB_FAIL("paging.pa_bits: %u is not in paging.page_bits (%u)..64", c->pa_bits, c->page_bits);
	unsigned pte_width = c->pte_bytes * 8;
	const struct {
		const char *key;
		int32_t bit;
	} flags[] = {
	    {"paging.pte.present_bit", c->present_bit}, {"paging.pte.writable_bit", c->writable_bit},
	    {"paging.pte.user_bit", c->user_bit},       {"paging.pte.accessed_bit", c->accessed_bit},
	    {"paging.pte.dirty_bit", c->dirty_bit},     {"paging.pte.global_bit", c->global_bit},
	    {"paging.pte.nx_bit", c->nx_bit},
	};
	uint64_t used = 0;
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
		if (flags[i].bit < -1 || flags[i].bit >= (int32_t)pte_width)
			TB_FAIL("%s: %d is not a bit of a %u-byte PTE (-1 for none)", flags[i].key, flags[i].bit,
			        c->pte_bytes);
		if (flags[i].bit < 0)
			continue;
		if (used & (UINT64_C(1) << flags[i].bit))
			TB_FAIL("%s: bit %d is already used by another PTE field", flags[i].key, flags[i].bit);
		used |= UINT64_C(1) << flags[i].bit;
	}
	if (c->present_bit < 0)
		TB_FAIL("paging.pte.present_bit: a PTE needs a present bit");
	/* Each bound alone, so that a huge pfn_lsb cannot wrap the sum below the width (and shift by 2^32 later). */
	if (c->pfn_lsb >= pte_width)
		TB_FAIL("paging.pte.pfn_lsb: %u is not a bit of a %u-byte PTE", c->pfn_lsb, c->pte_bytes);
	if (c->pfn_bits < 1 || c->pfn_bits > pte_width - c->pfn_lsb)
		TB_FAIL("paging.pte.pfn_bits: %u bits from bit %u do not fit a %u-byte PTE", c->pfn_bits, c->pfn_lsb,
		        c->pte_bytes);
	if (used & bits(c->pfn_lsb, c->pfn_lsb + c->pfn_bits))
		TB_FAIL("paging.pte.pfn_lsb: the frame field overlaps a flag bit");
#undef TB_FAIL
	*p = (mmu_paging_t){
	    .name = "textbook",
	    .levels = c->levels,
	    .bits_per_level = c->bits_per_level,
	    .page_bits = c->page_bits,
	    .pte_bytes = c->pte_bytes,
	    .pa_bits = c->pa_bits,
	    .sign_extend = false,
	    .bit_present = c->present_bit,
	    .bit_writable = c->writable_bit,
	    .bit_user = c->user_bit,
	    .bit_accessed = c->accessed_bit,
	    .bit_dirty = c->dirty_bit,
	    .bit_pagesize = -1,
	    .bit_global = c->global_bit,
	    .bit_nx = c->nx_bit,
	    .bit_read = -1,
	    .bit_exec = -1,
	    .pfn_lsb = c->pfn_lsb,
	    .pfn_bits = c->pfn_bits,
	    .huge_levels = 0,
	};
	return 0;
}

int mmu_paging_init(mmu_paging_t *p, const mmu_paging_cfg_t *cfg, char *msg, unsigned long msglen)
{
	int err = 0;
	switch (cfg->mode) {
	case MMU_MODE_X86_64:
		if (cfg->pa_bits < 32 || cfg->pa_bits > 52) {
			snprintf(msg, msglen, "paging.pa_bits: %u is not in 32..52 for paging.mode x86_64",
			         cfg->pa_bits);
			return MMU_EINVAL;
		}
		init_x86_64(p, cfg->pa_bits, false);
		break;
	case MMU_MODE_X86_64_LA57:
		if (cfg->pa_bits < 32 || cfg->pa_bits > 52) {
			snprintf(msg, msglen, "paging.pa_bits: %u is not in 32..52 for paging.mode x86_64_la57",
			         cfg->pa_bits);
			return MMU_EINVAL;
		}
		init_x86_64(p, cfg->pa_bits, true);
		break;
	case MMU_MODE_SV39:
	case MMU_MODE_SV48:
	case MMU_MODE_SV57: {
		unsigned levels = 3 + (unsigned)(cfg->mode - MMU_MODE_SV39);
		if (cfg->pa_bits < 34 || cfg->pa_bits > 56) {
			snprintf(msg, msglen, "paging.pa_bits: %u is not in 34..56 for paging.mode sv%u", cfg->pa_bits,
			         12 + 9 * levels);
			return MMU_EINVAL;
		}
		init_riscv(p, cfg, levels, MMU_SATP_SV39 + (levels - 3));
		break;
	}
	case MMU_MODE_X86_32:
		init_x86_32(p);
		break;
	case MMU_MODE_TEXTBOOK:
		err = init_textbook(p, cfg, msg, msglen);
		break;
	default:
		snprintf(msg, msglen, "paging.mode: unknown mode %d", (int)cfg->mode);
		return MMU_EINVAL;
	}
	if (err == 0)
		p->va_bits = p->levels * p->bits_per_level + p->page_bits;
	return err;
}
