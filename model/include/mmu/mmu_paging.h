#ifndef MMU_PAGING_H
#define MMU_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu_config.h"

/*
 * A paging mode as a table of parameters: the walker is one loop over levels driven by this table, so x86-64, 32-bit
 * x86 and classroom systems all run on the same code (docs/timing.md, section "Paging modes").
 *
 * Levels are numbered from the leaf: level 1 holds base-page entries, level `levels` is the root table that CR3
 * points to. A level-n leaf maps a page of 2^mmu_paging_shift(p, n) bytes.
 */
#define MMU_MAX_LEVELS 5

/*
 * How entries are read. x86 (and textbook): a page-size bit marks a huge leaf, the rights of every level are
 * combined. RISC-V (privileged spec 4.3.1-4.3.2): an entry with R, W or X set is a leaf at any level, and the rights
 * are the leaf's alone (docs/paging.md).
 */
typedef enum { MMU_PTE_X86 = 0, MMU_PTE_RISCV = 1 } mmu_pte_format_t;

/* satp.MODE values of the RISC-V modes (privileged spec 4.1.11); 0 in the table means a CR3-style register. */
enum { MMU_SATP_SV39 = 8, MMU_SATP_SV48 = 9, MMU_SATP_SV57 = 10 };
#define MMU_SATP_ASID_LSB 44
#define MMU_SATP_PPN_BITS 44

typedef struct mmu_paging {
	const char *name;
	unsigned levels;
	unsigned bits_per_level;
	unsigned page_bits; /* base page offset bits */
	unsigned pte_bytes; /* 1, 2, 4 or 8; little-endian in memory */
	unsigned va_bits;   /* levels * bits_per_level + page_bits */
	unsigned pa_bits;
	bool sign_extend; /* true: bits above va_bits must copy bit va_bits-1 (x86-64 canonical); false: must be 0 */
	/* PTE bit positions; -1 means the mode has no such bit */
	int bit_present, bit_writable, bit_user, bit_accessed, bit_dirty, bit_pagesize, bit_global, bit_nx;
	int bit_read, bit_exec; /* RISC-V R and X; -1 elsewhere (every page readable; X as the absence of NX) */
	mmu_pte_format_t format;
	unsigned satp_mode; /* RISC-V: satp.MODE of the mode, the register is satp; 0: CR3 */
	bool ad_fault;      /* RISC-V Svade: a leaf with A = 0, or a store to D = 0, is a page fault (no A/D writes) */
	bool sum, mxr;      /* RISC-V sstatus.SUM and sstatus.MXR */
	unsigned pfn_lsb, pfn_bits;              /* frame number field; frame address = pfn << page_bits */
	unsigned huge_levels;                    /* bit n set: a level-n entry with the page-size bit set is a leaf */
	uint64_t rsvd_table[MMU_MAX_LEVELS + 1]; /* reserved bits of a level-n entry that points to a table */
	uint64_t rsvd_leaf[MMU_MAX_LEVELS + 1];  /* reserved bits of a level-n leaf entry */
} mmu_paging_t;

/* Builds the mode table of cfg->paging. Returns 0 or MMU_EINVAL (message names the key). */
int mmu_paging_init(mmu_paging_t *p, const mmu_paging_cfg_t *cfg, char *msg, unsigned long msglen);

/* log2 of the size of the page mapped by a level-n leaf. */
static inline unsigned mmu_paging_shift(const mmu_paging_t *p, unsigned level)
{
	return p->page_bits + (level - 1) * p->bits_per_level;
}

/* Index into the level-n table for virtual address va. */
static inline uint64_t mmu_paging_index(const mmu_paging_t *p, uint64_t va, unsigned level)
{
	return (va >> mmu_paging_shift(p, level)) & ((UINT64_C(1) << p->bits_per_level) - 1);
}

static inline uint64_t mmu_paging_pa_mask(const mmu_paging_t *p)
{
	return p->pa_bits >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << p->pa_bits) - 1;
}

/* Physical address of the root table held in a CR3/PTBR value. */
static inline uint64_t mmu_paging_root(const mmu_paging_t *p, uint64_t cr3)
{
	if (p->satp_mode) /* satp.PPN, bits 43:0 (RISC-V privileged spec 4.1.11) */
		return ((cr3 & ((UINT64_C(1) << MMU_SATP_PPN_BITS) - 1)) << p->page_bits) & mmu_paging_pa_mask(p);
	return cr3 & mmu_paging_pa_mask(p) & ~((UINT64_C(1) << p->page_bits) - 1);
}

/* Whether va is a valid (canonical) address of the mode. Inline: every request asks. */
static inline bool mmu_paging_canonical(const mmu_paging_t *p, uint64_t va)
{
	if (p->va_bits >= 64)
		return true;
	if (!p->sign_extend)
		return (va >> p->va_bits) == 0;
	uint64_t upper = va >> (p->va_bits - 1); /* the top bits and the sign bit must all be equal */
	return upper == 0 || upper == (~UINT64_C(0) >> (p->va_bits - 1));
}

/*
 * Whether va lies in the kernel half: on x86-64 the canonical upper half (bit 47, hence bit 63, set), where every
 * x86-64 OS keeps its own pages, supervisor-only (SDM Vol. 3A, 4.6: a user access to them is a protection fault).
 * The other modes have no such half: the whole address space is the process's.
 */
static inline bool mmu_paging_kernel_half(const mmu_paging_t *p, uint64_t va)
{
	return p->sign_extend && p->va_bits < 64 && (va >> 63) != 0;
}

/* Is bit `bit` (may be -1) set in pte? */
static inline bool mmu_pte_bit(uint64_t pte, int bit)
{
	return bit >= 0 && ((pte >> bit) & 1);
}

/* Physical address of the frame a PTE points to (table or page). */
static inline uint64_t mmu_pte_frame(const mmu_paging_t *p, uint64_t pte)
{
	uint64_t pfn = (pte >> p->pfn_lsb) & ((p->pfn_bits >= 64) ? ~UINT64_C(0) : (UINT64_C(1) << p->pfn_bits) - 1);
	return (pfn << p->page_bits) & mmu_paging_pa_mask(p);
}

/* A PTE's frame-number field set to the frame at physical address pa (pa aligned to a base page). */
static inline uint64_t mmu_pte_with_frame(const mmu_paging_t *p, uint64_t pa)
{
	return (pa >> p->page_bits) << p->pfn_lsb;
}

/* RISC-V: does the entry have R, W or X set (a leaf, privileged spec 4.3.2 step 4)? */
static inline bool mmu_pte_rwx(const mmu_paging_t *p, uint64_t pte)
{
	return mmu_pte_bit(pte, p->bit_read) || mmu_pte_bit(pte, p->bit_writable) || mmu_pte_bit(pte, p->bit_exec);
}

/*
 * Is a level-n entry a leaf? Level 1 always (a RISC-V level-1 entry without R, W and X is a reserved encoding, see
 * mmu_pte_bad_encoding); higher levels when the mode allows it and the page-size bit is set, or, on RISC-V, R, W or
 * X is.
 */
static inline bool mmu_pte_is_leaf(const mmu_paging_t *p, uint64_t pte, unsigned level)
{
	if (level == 1)
		return true;
	if (p->format == MMU_PTE_RISCV)
		return mmu_pte_rwx(p, pte);
	return ((p->huge_levels >> level) & 1) && mmu_pte_bit(pte, p->bit_pagesize);
}

/* Whether a RISC-V leaf at this level maps a page larger than the physical address space (docs/paging.md, C2). */
static inline bool mmu_pte_page_beyond_pa(const mmu_paging_t *p, unsigned level)
{
	return p->page_bits + p->bits_per_level * (level - 1) > p->pa_bits;
}

/*
 * RISC-V encodings that are page faults whatever the access (privileged spec 4.3.2 steps 3-4): W without R, and a
 * pointer to a next level at the last level; and the model's stand-in for an access fault (docs/paging.md, C2): a
 * leaf whose page is larger than the physical address space, which would reach addresses beyond paging.pa_bits
 * whatever its PPN (an Sv48 terapage or an Sv57 petapage with a narrow pa_bits). Reserved bits are the table's
 * rsvd_* masks.
 */
static inline bool mmu_pte_bad_encoding(const mmu_paging_t *p, uint64_t pte, unsigned level)
{
	if (p->format != MMU_PTE_RISCV)
		return false;
	if (mmu_pte_bit(pte, p->bit_writable) && !mmu_pte_bit(pte, p->bit_read))
		return true;
	if (level == 1)
		return !mmu_pte_rwx(p, pte);
	return mmu_pte_rwx(p, pte) && mmu_pte_page_beyond_pa(p, level);
}

#endif
