/*
 * What `mmusim explain` says in the RISC-V modes (sv39, sv48, sv57), in the words of the privileged specification
 * (Supervisor-Level ISA, 4.3.1 PTE fields, 4.3.2 the translation process; docs/paging.md): the VPN fields, each
 * entry's V R W X U G A D, why an entry is a leaf or a pointer, which rule a reserved encoding breaks, which check a
 * page fault failed, and its exception code.
 */
#include <inttypes.h>
#include <stdio.h>

#include "mmusim_explain.h"

bool explain_is_riscv(const mmu_paging_t *pg)
{
	return pg->format == MMU_PTE_RISCV;
}

/* The spec numbers levels from LEVELS - 1 (the root) down to 0; the model from `levels` down to 1. */
const char *explain_riscv_vpn_name(unsigned level)
{
	static const char *const vpn[] = {"?", "VPN[0]", "VPN[1]", "VPN[2]", "VPN[3]", "VPN[4]"};
	return level <= MMU_MAX_LEVELS ? vpn[level] : "?";
}

size_t explain_riscv_flags(const mmu_paging_t *pg, flag_t *f)
{
	const flag_t all[] = {{"V", pg->bit_present},  {"R", pg->bit_read}, {"W", pg->bit_writable},
	                      {"X", pg->bit_exec},     {"U", pg->bit_user}, {"G", pg->bit_global},
	                      {"A", pg->bit_accessed}, {"D", pg->bit_dirty}};
	for (size_t i = 0; i < 8; i++)
		f[i] = all[i];
	return 8;
}

/* Which rule of 4.3.1-4.3.2 a reserved encoding breaks, the first that applies, as the walker checks them. */
void explain_riscv_reserved(const mmu_paging_t *pg, uint64_t pte, unsigned level, char *buf, size_t n)
{
	bool leaf = mmu_pte_is_leaf(pg, pte, level);
	uint64_t high = pte >> 54;
	uint64_t ppn_above_pa = ((UINT64_C(1) << 54) - 1) & ~((UINT64_C(1) << (pg->pa_bits - 2)) - 1);
	if (high)
		snprintf(buf, n, "bits 63:54 = 0x%" PRIx64 " are reserved (Svpbmt, Svnapot off), page fault", high);
	else if (pte & ppn_above_pa)
		snprintf(buf, n, "PPN above the %u-bit physical address space, page fault", pg->pa_bits);
	else if (!leaf)
		snprintf(buf, n, "a pointer (R = W = X = 0) with U, A or D set: reserved, page fault");
	else if (mmu_pte_bit(pte, pg->bit_writable) && !mmu_pte_bit(pte, pg->bit_read))
		snprintf(buf, n, "W = 1 with R = 0 is reserved, page fault");
	else if (level == 1 && !mmu_pte_rwx(pg, pte))
		snprintf(buf, n, "R = W = X = 0 at the last level: a pointer with nowhere to go, page fault");
	else if (mmu_pte_page_beyond_pa(pg, level))
		snprintf(buf, n, "a %s (2^%u bytes) is larger than the %u-bit physical address space, page fault",
		         level == 4 ? "terapage" : "petapage", pg->page_bits + pg->bits_per_level * (level - 1),
		         pg->pa_bits);
	else
		snprintf(buf, n, "misaligned superpage: PPN bits below the %s are not 0, page fault",
		         level == 2   ? "megapage"
		         : level == 3 ? "gigapage"
		         : level == 4 ? "terapage"
		                      : "petapage");
}

/* The check of 4.3.1 (with sstatus.SUM and MXR) or of Svade that the leaf failed. */
void explain_riscv_protection(const explain_t *e, uint64_t pte, char *buf, size_t n)
{
	const mmu_paging_t *pg = e->pg;
	bool u = mmu_pte_bit(pte, pg->bit_user), r = mmu_pte_bit(pte, pg->bit_read);
	bool w = mmu_pte_bit(pte, pg->bit_writable), x = mmu_pte_bit(pte, pg->bit_exec);
	if (e->user && !u)
		snprintf(buf, n, "U-mode access to a supervisor page (U = 0)");
	else if (!e->user && u && e->op == MMU_OP_FETCH)
		snprintf(buf, n, "S-mode fetch from a user page (U = 1), never allowed");
	else if (!e->user && u && !pg->sum)
		snprintf(buf, n, "S-mode access to a user page (U = 1) with sstatus.SUM = 0");
	else if (e->op == MMU_OP_FETCH && !x)
		snprintf(buf, n, "fetch from a page without X");
	else if (e->op == MMU_OP_STORE && !w)
		snprintf(buf, n, "store to a page without W");
	else if (e->op == MMU_OP_LOAD && !r && !(pg->mxr && x))
		snprintf(buf, n, "load from a page without R%s", x ? " (execute-only; sstatus.MXR = 0)" : "");
	else if (!mmu_pte_bit(pte, pg->bit_accessed))
		snprintf(buf, n, "A = 0: Svade, the OS sets A");
	else
		snprintf(buf, n, "store with D = 0: Svade, the OS sets D");
}

/* The leaf decision of 4.3.2 step 4, said after the entry's fields. */
const char *explain_riscv_kind(const mmu_paging_t *pg, uint64_t pte)
{
	return mmu_pte_rwx(pg, pte) ? "R/W/X set: a leaf" : "R = W = X = 0: a pointer";
}

/* The kind of access a page fault names in scause (4.1.9: 12 instruction, 13 load, 15 store/AMO page fault). */
const char *explain_riscv_access(mmu_op_t op)
{
	return op == MMU_OP_STORE ? "store/AMO" : op == MMU_OP_FETCH ? "instruction" : "load";
}

/* The page fault as the hart reports it (4.1.9 scause, 4.1.10 stval). */
void explain_riscv_result(FILE *out, const explain_t *e, const mmu_result_t *r, const char *who)
{
	static const char *const causes[] = {"none", "V = 0", "not permitted", "reserved encoding", ""};
	const char *what = explain_riscv_access(e->op);
	if (r->cause == MMU_CAUSE_NONCANONICAL)
		fprintf(out,
		        "result: %s page fault, bits 63..%u not all equal to bit %u (%s); scause %u, stval 0x%" PRIx64
		        "\n",
		        what, e->pg->va_bits, e->pg->va_bits - 1, who, r->ecode, e->va);
	else
		fprintf(out, "result: %s page fault, %s (%s); scause %u, stval 0x%" PRIx64 "\n", what,
		        causes[r->cause < 4 ? r->cause : 0], who, r->ecode, e->va);
}
