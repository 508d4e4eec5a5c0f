#ifndef COSIM_CHECK_H
#define COSIM_CHECK_H

#include <stdio.h>

#include "cosim.h"

/* What differs between the model (expected) and the RTL (actual), and the rules of docs/timing.md it concerns. */
#define COSIM_DIFF_MAX 12

typedef struct cosim_diff {
	char what[96];
	uint64_t exp, act;
	const char *subject; /* whose rules: the port (both requesters' share one name), TLB or register */
	const char *rules;
} cosim_diff_t;

typedef struct cosim_mismatch {
	bool found;
	uint64_t cycle; /* the cycle whose outputs, or whose state (after the previous edge), differ */
	const char *kind;
	unsigned n;
	cosim_diff_t d[COSIM_DIFF_MAX];
	char detail[512];
} cosim_mismatch_t;

/* Whether the RTL is still running (no failed assertion, $error, $stop, $finish). */
bool cosim_check_rtl_alive(const cosim_env_t *env, uint64_t cycle, cosim_mismatch_t *mm);
/* Every output port, via mmu_ports.def. Returns true on a mismatch (filled into mm). */
bool cosim_check_outputs(const mmu_out_t *exp, const mmu_out_t *act, uint64_t cycle, cosim_mismatch_t *mm);
/* The sets of TLB id that a translation of vaddr can touch (one per page size). */
bool cosim_check_tlb_sets(const cosim_env_t *env, mmu_tlb_id_t id, uint64_t vaddr, cosim_mismatch_t *mm);
/* Every entry of every page-walk cache (W9-W12; they are small). */
bool cosim_check_pwc(const cosim_env_t *env, cosim_mismatch_t *mm);
/* Every set of one TLB; with validity_only, only whether each entry is valid. */
bool cosim_check_tlb(const cosim_env_t *env, mmu_tlb_id_t id, bool validity_only, cosim_mismatch_t *mm);
/*
 * Every entry of every page-walk cache and TLB (the L2 only when settled, env->l2_unsettled), and CR3. With
 * validity_only, the TLBs' valid bits alone: after a flush or CR3 write, which change nothing else (T11, T12); every
 * field of an entry was compared when it was filled (the sets a response filled) and is again at every full check.
 */
bool cosim_check_state(const cosim_env_t *env, bool validity_only, cosim_mismatch_t *mm);
void cosim_mismatch_print(FILE *f, const cosim_mismatch_t *mm);

#endif
