/*
 * What the oracle's comparison shares between its x86 part (oracle_check.c) and its RISC-V part
 * (oracle_check_riscv.c): QEMU's answers as the guest logged them, the model's state and the counters.
 */
#ifndef ORACLE_CHECK_INTERNAL_H
#define ORACLE_CHECK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu.h"
#include "oracle_image.h"

#define ORACLE_NDEVIATIONS 2 /* entries of deviations[] in oracle_check.c */

typedef struct qemu_out {
	uint64_t vec, ec, cr2, rax;
	int seen;
} qemu_out_t;

typedef struct stored {
	uint64_t pa, value;
} stored_t;

/* RISC-V: the encodings and rights the walks met, classified from the entries alone (Priv 4.3.1, 4.3.2). */
typedef enum rv_met {
	RV_MET_INVALID,    /* V = 0 */
	RV_MET_HIGH,       /* bits 63:54 set */
	RV_MET_W_NO_R,     /* W = 1, R = 0 */
	RV_MET_PTR_DAU,    /* a pointer with D, A or U set */
	RV_MET_PTR_LAST,   /* R = W = X = 0 at the last level */
	RV_MET_MISALIGNED, /* a superpage whose PPN has bits below its size */
	RV_MET_X_ONLY,     /* a load from an execute-only leaf (MXR decides) */
	RV_MET_S_U_PAGE,   /* S-mode at a U = 1 leaf (SUM decides a load or store; a fetch faults) */
	RV_MET_A_CLEAR,    /* a leaf with A = 0 */
	RV_MET_D_CLEAR,    /* a store to a leaf with D = 0 */
	RV_MET_N
} rv_met_t;

typedef struct check {
	const oracle_image_t *img;
	FILE *out;
	mmu_physmem_t *pm;
	mmu_t *rv[4]; /* RISC-V: the model with mstatus.SUM (bit 0) and MXR (bit 1) of the index set as well */
	qemu_out_t *q;
	stored_t *tw, *dw; /* QEMU's table words (T) and changed data words (D) */
	size_t ntw, ndw, captw, capdw;
	stored_t *mw; /* the model's stores, last one per address wins */
	size_t nmw, capmw;
	stored_t *q2; /* 1 GiB leaves a walk faulted on, rights or reserved bits (Q2) */
	size_t nq2, capq2;
	int complete;
	unsigned long diffs;
	unsigned long deviations[ORACLE_NDEVIATIONS];
	unsigned long pages[6];      /* the model's translations by leaf level (1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB, ...) */
	unsigned long causes[5];     /* the model's faults by cause (mmu_fault_cause_t) */
	unsigned long met[RV_MET_N]; /* RISC-V: what the walks met, read from the entries (rv_met_t) */
} check_t;

typedef struct walk_entry {
	unsigned level;
	uint64_t addr, value;
} walk_entry_t;

/* Appends (pa, value) to a growing array; 0, or -1 out of memory. */
int oracle_push_stored(stored_t **v, size_t *n, size_t *cap, uint64_t pa, uint64_t value);
/* The data word at pa as the model's stores left it (the naming pattern where none wrote). */
uint64_t oracle_model_data(const check_t *c, uint64_t pa);
const char *oracle_op_name(unsigned op);
void oracle_format_walk(char *buf, size_t len, const walk_entry_t *w, unsigned n);

/* RISC-V (oracle_check_riscv.c): one access compared, and the counters printed at the end. */
void oracle_compare_access_riscv(check_t *c, mmu_mem_t *mem, size_t i);
void oracle_print_riscv_counts(const check_t *c, FILE *out);

#endif
