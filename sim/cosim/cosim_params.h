#ifndef COSIM_PARAMS_H
#define COSIM_PARAMS_H

#include <stddef.h>

#include "mmu/mmu.h"

/*
 * The RTL parameters of mmu_top derived from one model configuration. The build passes them to Verilator as -G
 * values and the harness recomputes them from the configuration it runs, so both sides always come from one
 * mmu_cfg_t. Names and encodings: the RTL/co-simulation contract (policy = mmu_policy_t, ways resolved, LFSR seeds
 * from mmu_lfsr_seed()).
 */
#define COSIM_PARAMS_LEN 2048
#define COSIM_PARAMS_MAX 48

/* At most this many configuration keys decide one parameter. */
#define COSIM_PARAM_KEYS 2

typedef struct cosim_param {
	const char *name;
	unsigned long value;
	const char *keys[COSIM_PARAM_KEYS]; /* the configuration keys it comes from (NULL when fewer) */
} cosim_param_t;

/* The parameters in declaration order; returns how many, or MMU_EINVAL with msg set (see cosim_params_format). */
int cosim_params_list(const mmu_cfg_t *cfg, cosim_param_t out[COSIM_PARAMS_MAX], char *msg, size_t msglen);

/*
 * Writes "-GL1iEntries=128 -GL1iWays=8 ..." into buf. Returns 0, or MMU_EINVAL with msg set when the configuration
 * cannot be built as RTL (a paging mode other than x86_64, an invalid configuration).
 */
int cosim_params_format(const mmu_cfg_t *cfg, char *buf, size_t buflen, char *msg, size_t msglen);

/* A hardware key whose value differs between two configurations, as each writes it (mmu_cfg_get). */
typedef struct cosim_key_diff {
	const char *key;
	char want[64], built[64];
} cosim_key_diff_t;

/*
 * The configuration keys behind the RTL parameters that differ between `want` (what a run asks for) and `built` (the
 * configuration the RTL was built from), one entry per key, in parameter order; both must pass cosim_params_list().
 * Returns how many (at most max), 0 when the parameters are the same, or -1 when parameters differ but no key behind
 * them does (cannot happen while the key lists of cosim_params_list() are complete).
 */
int cosim_params_diff(const mmu_cfg_t *want, const mmu_cfg_t *built, cosim_key_diff_t *out, int max);

/* Ways of a TLB as the RTL counts them ("full" resolved); for an absent L2 a neutral 1. */
unsigned cosim_tlb_ways(const mmu_tlb_cfg_t *t);

#endif
