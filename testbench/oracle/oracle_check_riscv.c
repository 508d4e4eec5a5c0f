/*
 * The comparison's RISC-V part (Sv39, Sv48, Sv57): the model's answer to each access mapped to the trap the guest's
 * M-mode handler records, compared with QEMU's, and what the walks met, classified from the entries alone.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "oracle_check_internal.h"

static const char *const rv_met_names[RV_MET_N] = {"V = 0",
                                                   "bits 63:54",
                                                   "W without R",
                                                   "D/A/U in a pointer",
                                                   "pointer at level 0",
                                                   "misaligned superpage",
                                                   "load from X-only",
                                                   "S-mode at a U page",
                                                   "leaf with A = 0",
                                                   "store to a leaf with D = 0"};

/* The entries on va's walk under satp, read from the model's memory before the access (Priv 4.3.2). */
static unsigned read_walk_riscv(const check_t *c, uint64_t satp, uint64_t va, walk_entry_t w[5])
{
	uint64_t table = (satp & UINT64_C(0xfffffffffff)) << 12;
	unsigned n = 0;
	for (unsigned level = c->img->levels; level >= 1; level--) {
		uint64_t addr = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;
		uint64_t e = mmu_physmem_read(c->pm, addr, 8);
		w[n++] = (walk_entry_t){level, addr, e};
		if (!(e & 1) || (e & 0xe))
			break;
		table = (e & UINT64_C(0x003ffffffffffc00)) << 2;
	}
	return n;
}

static void classify_riscv(check_t *c, const oracle_access_t *a, const walk_entry_t *w, unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		uint64_t e = w[k].value;
		unsigned level = w[k].level;
		int leaf = (e & 0xe) != 0;
		rv_met_t met = RV_MET_N;
		if (!(e & 1))
			met = RV_MET_INVALID;
		else if (e >> 54)
			met = RV_MET_HIGH;
		else if ((e & 6) == 4)
			met = RV_MET_W_NO_R;
		else if (!leaf && level == 1)
			met = RV_MET_PTR_LAST;
		else if (!leaf && (e & 0xd0))
			met = RV_MET_PTR_DAU;
		else if (leaf && ((e >> 10) & ((UINT64_C(1) << (9 * (level - 1))) - 1)))
			met = RV_MET_MISALIGNED;
		if (met != RV_MET_N) {
			c->met[met]++;
			return;
		}
		if (!leaf)
			continue;
		if (a->op == ORACLE_OP_LOAD && (e & 0xe) == 8)
			c->met[RV_MET_X_ONLY]++;
		if (!a->user && (e & 0x10))
			c->met[RV_MET_S_U_PAGE]++;
		if (!(e & 0x40))
			c->met[RV_MET_A_CLEAR]++;
		if (a->op == ORACLE_OP_STORE && !(e & 0x80))
			c->met[RV_MET_D_CLEAR]++;
		return;
	}
}

static void describe_riscv(char *buf, size_t len, uint64_t cause, uint64_t epc, uint64_t tval, uint64_t a0)
{
	if (cause == 12 || cause == 13 || cause == 15)
		snprintf(buf, len, "%s page fault (mcause %" PRIu64 "), mtval %#" PRIx64,
		         cause == 12   ? "instruction"
		         : cause == 13 ? "load"
		                       : "store/AMO",
		         cause, tval);
	else if (cause == ORACLE_RV_ECALL_U || cause == ORACLE_RV_ECALL_S || cause == ORACLE_RV_ECALL_M)
		snprintf(buf, len, "done (ecall from %s-mode), a0 %#" PRIx64,
		         cause == ORACLE_RV_ECALL_U   ? "U"
		         : cause == ORACLE_RV_ECALL_S ? "S"
		                                      : "M",
		         a0);
	else if (cause == ORACLE_RV_CAUSE_ILLEGAL)
		snprintf(buf, len, "fetched (illegal instruction %#" PRIx64 " at mepc %#" PRIx64 ")", tval, epc);
	else
		snprintf(buf, len, "mcause %#" PRIx64 ", mtval %#" PRIx64 ", mepc %#" PRIx64, cause, tval, epc);
}

/*
 * RISC-V: the trap the guest's M-mode handler sees (Priv 3.1.15, 3.1.16): the page fault with mtval = the address
 * (4.3.2; the model's ecode is the exception code), or the stub's ecall after a load or store, or the illegal
 * instruction a fetch that reached a data word raises, mtval its low 32 bits and mepc the address.
 */
void oracle_compare_access_riscv(check_t *c, mmu_mem_t *mem, size_t i)
{
	const oracle_access_t *a = &c->img->acc[i];
	uint64_t satp = c->img->roots[a->root];
	mmu_t *m = c->rv[a->flags & 3];
	mmu_fast_cr3_write(m, satp);
	mmu_fast_flush(m, MMU_FLUSH_ALL, 0, 0);
	walk_entry_t we[5];
	unsigned nwe = read_walk_riscv(c, satp, a->va, we);
	char walk[640];
	oracle_format_walk(walk, sizeof walk, we, nwe);
	classify_riscv(c, a, we, nwe);
	mmu_result_t res;
	mmu_op_t op = a->op == ORACLE_OP_LOAD ? MMU_OP_LOAD : a->op == ORACLE_OP_STORE ? MMU_OP_STORE : MMU_OP_FETCH;
	mmu_translate(m, mem, op == MMU_OP_FETCH ? MMU_REQ_I : MMU_REQ_D, a->va, op, a->user, &res);
	uint64_t cause, tval = 0, epc = 0, a0 = 0;
	int check_tval = 0, check_epc = 0, check_a0 = 0;
	if (res.fault && res.cause < 5)
		c->causes[res.cause]++;
	else if (!res.fault && res.page_level >= 1 && res.page_level <= 5)
		c->pages[res.page_level]++;
	uint64_t base = ORACLE_RV_RAM_BASE;
	/* the stub's ecall, from the access's mode, or from M-mode when MPRV made the access (Priv 3.1.6.3) */
	uint64_t done = a->flags & ORACLE_RV_MPRV ? ORACLE_RV_ECALL_M : a->user ? ORACLE_RV_ECALL_U : ORACLE_RV_ECALL_S;
	if (res.fault) {
		cause = res.ecode, tval = a->va, check_tval = 1;
		epc = a->va, check_epc = a->op == ORACLE_OP_FETCH;
	} else if (res.paddr < base + ORACLE_DATA_BASE || res.paddr + 8 > base + ORACLE_DATA_END) {
		fprintf(c->out, "access %zu: the model's address %#" PRIx64 " is outside the data window\n", i,
		        res.paddr);
		c->diffs++;
		return;
	} else if (a->op == ORACLE_OP_LOAD) {
		cause = done, a0 = oracle_model_data(c, res.paddr), check_a0 = 1;
	} else if (a->op == ORACLE_OP_STORE) {
		cause = done;
		if (oracle_push_stored(&c->mw, &c->nmw, &c->capmw, res.paddr, a->store_value) != 0)
			abort(); /* out of memory: no honest answer left */
	} else {
		cause = ORACLE_RV_CAUSE_ILLEGAL, tval = oracle_model_data(c, res.paddr) & 0xffffffff, check_tval = 1;
		epc = a->va, check_epc = 1;
	}
	const qemu_out_t *q = &c->q[i];
	if (q->seen && q->vec == cause && (!check_tval || q->cr2 == tval) && (!check_epc || q->ec == epc) &&
	    (!check_a0 || q->rax == a0))
		return;
	c->diffs++;
	char mine[160], theirs[160];
	describe_riscv(mine, sizeof mine, cause, epc, tval, a0);
	if (q->seen)
		describe_riscv(theirs, sizeof theirs, q->vec, q->ec, q->cr2, q->rax);
	else
		snprintf(theirs, sizeof theirs, "no outcome reported");
	fprintf(c->out,
	        "access %zu: %s-mode %s va %#" PRIx64 "%s%s%s in space %u (satp %#" PRIx64 ")\n%s  model: %s\n"
	        "  qemu:  %s\n  explain: mmuoracle image JOB TABLES %u > s.img; mmusim explain --memory s.img --addr "
	        "%#" PRIx64 " --op %s%s --set paging.mode=%s --set paging.pa_bits=56 --set paging.riscv.svadu=1%s%s\n",
	        i, a->user ? "U" : "S", oracle_op_name(a->op), a->va,
	        a->flags & ORACLE_RV_MPRV ? " (by M-mode, MPRV = 1)" : "", a->flags & ORACLE_RV_SUM ? ", SUM" : "",
	        a->flags & ORACLE_RV_MXR ? ", MXR" : "", a->root, satp, walk, mine, theirs, a->root, a->va,
	        oracle_op_name(a->op), a->user ? "" : " --supervisor", oracle_image_mode(c->img),
	        a->flags & ORACLE_RV_SUM ? " --set paging.riscv.sum=1" : "",
	        a->flags & ORACLE_RV_MXR ? " --set paging.riscv.mxr=1" : "");
}

void oracle_print_riscv_counts(const check_t *c, FILE *out)
{
	fprintf(out, "walks met:");
	for (unsigned k = 0; k < RV_MET_N; k++)
		fprintf(out, "%s %s %lu", k ? "," : "", rv_met_names[k], c->met[k]);
	fprintf(out, "\n");
	fprintf(out,
	        "model outcomes: 4K %lu, 2M %lu, 1G %lu, 512G %lu, 256T %lu, invalid %lu, rights %lu, "
	        "reserved encoding %lu, not sign-extended %lu\n",
	        c->pages[1], c->pages[2], c->pages[3], c->pages[4], c->pages[5], c->causes[MMU_CAUSE_NOT_PRESENT],
	        c->causes[MMU_CAUSE_PROTECTION], c->causes[MMU_CAUSE_RESERVED], c->causes[MMU_CAUSE_NONCANONICAL]);
}
