/* Model configuration -> RTL parameters (one list, used by the build and checked again by the harness). */
#include "cosim_params.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

unsigned cosim_tlb_ways(const mmu_tlb_cfg_t *t)
{
	if (t->entries == 0)
		return 1;
	return t->ways ? t->ways : t->entries;
}

/* An absent page-walk cache (W9) gets the legal values of mmu_top's defaults: the RTL generates nothing from them. */
static unsigned pwc_or(const mmu_cfg_t *cfg, unsigned level, unsigned value, unsigned absent)
{
	return cfg->pwc[level].entries ? value : absent;
}

/* An absent L2 still gets legal values for its geometry parameters: the RTL generates no instance from them. */
static unsigned l2_or(const mmu_cfg_t *cfg, unsigned value, unsigned absent)
{
	return cfg->l2.entries ? value : absent;
}

/* The parameters of the page-walk cache of level n, with the keys they come from. */
#define PWC_PARAMS(n)                                                                                                  \
	{"PwcL" #n "Entries", cfg->pwc[n].entries, {"pwc.l" #n ".entries"}},                                           \
	    {"PwcL" #n "Ways",                                                                                         \
	     pwc_or(cfg, n, cosim_tlb_ways(&cfg->pwc[n]), 1),                                                          \
	     {"pwc.l" #n ".ways", "pwc.l" #n ".entries"}},                                                             \
	    {"PwcL" #n "Policy",                                                                                       \
	     pwc_or(cfg, n, cfg->pwc[n].policy, 0),                                                                    \
	     {"pwc.l" #n ".policy", "pwc.l" #n ".entries"}},                                                           \
	    {"PwcL" #n "HitLatency",                                                                                   \
	     pwc_or(cfg, n, cfg->pwc[n].hit_latency, 1),                                                               \
	     {"pwc.l" #n ".hit_latency", "pwc.l" #n ".entries"}},                                                      \
	    {"LfsrSeedPwcL" #n, mmu_lfsr_seed_salt(cfg->seed, (uint16_t)(0x4000u | (n) << 8)), {"seed"}},

int cosim_params_list(const mmu_cfg_t *cfg, cosim_param_t out[COSIM_PARAMS_MAX], char *msg, size_t msglen)
{
	if (mmu_cfg_validate(cfg, msg, msglen))
		return MMU_EINVAL;
	bool riscv = false;
	switch (cfg->paging.mode) {
	case MMU_MODE_X86_64:
	case MMU_MODE_X86_64_LA57:
		break;
	case MMU_MODE_SV39:
	case MMU_MODE_SV48:
	case MMU_MODE_SV57:
		riscv = true;
		break;
	default:
		snprintf(msg, msglen, "paging.mode: the RTL implements x86_64, x86_64_la57, sv39, sv48 and sv57");
		return MMU_EINVAL;
	}
	if (cfg->mem.dcache.entries) { /* docs/timing.md M6: model-only, co-simulation runs without it */
		snprintf(msg, msglen,
		         "dcache.lines: the walker's data cache is model-only, co-simulation runs without it");
		return MMU_EINVAL;
	}
	/* Each parameter with the keys it is computed from ("full" ways and an absent L2 read the entries too). */
	const cosim_param_t p[] = {
	    {"L1iEntries", cfg->l1i.entries, {"tlb.l1i.entries"}},
	    {"L1iWays", cosim_tlb_ways(&cfg->l1i), {"tlb.l1i.ways", "tlb.l1i.entries"}},
	    {"L1iPolicy", cfg->l1i.policy, {"tlb.l1i.policy"}},
	    {"L1iHitLatency", cfg->l1i.hit_latency, {"tlb.l1i.hit_latency"}},
	    {"L1dEntries", cfg->l1d.entries, {"tlb.l1d.entries"}},
	    {"L1dWays", cosim_tlb_ways(&cfg->l1d), {"tlb.l1d.ways", "tlb.l1d.entries"}},
	    {"L1dPolicy", cfg->l1d.policy, {"tlb.l1d.policy"}},
	    {"L1dHitLatency", cfg->l1d.hit_latency, {"tlb.l1d.hit_latency"}},
	    {"L2Entries", cfg->l2.entries, {"tlb.l2.entries"}},
	    {"L2Ways", cosim_tlb_ways(&cfg->l2), {"tlb.l2.ways", "tlb.l2.entries"}},
	    {"L2Policy", l2_or(cfg, cfg->l2.policy, 0), {"tlb.l2.policy", "tlb.l2.entries"}},
	    {"L2HitLatency", l2_or(cfg, cfg->l2.hit_latency, 1), {"tlb.l2.hit_latency", "tlb.l2.entries"}},
	    {"PcidEn", cfg->pcid ? 1u : 0u, {"cr3.pcid"}},
	    {"PaBits", cfg->paging.pa_bits, {"paging.pa_bits"}},
	    {"Mode", (unsigned long)cfg->paging.mode, {"paging.mode"}},
	    /* the RISC-V keys mean nothing to the x86 modes: 0 there, whatever they say */
	    {"Sum", riscv && cfg->paging.riscv_sum ? 1u : 0u, {"paging.riscv.sum"}},
	    {"Mxr", riscv && cfg->paging.riscv_mxr ? 1u : 0u, {"paging.riscv.mxr"}},
	    {"Svadu", riscv && cfg->paging.riscv_svadu ? 1u : 0u, {"paging.riscv.svadu"}},
	    {"LfsrSeedL1i", mmu_lfsr_seed(cfg->seed, MMU_TLB_L1I), {"seed"}},
	    {"LfsrSeedL1d", mmu_lfsr_seed(cfg->seed, MMU_TLB_L1D), {"seed"}},
	    {"LfsrSeedL2", mmu_lfsr_seed(cfg->seed, MMU_TLB_L2), {"seed"}},
	    /* W9-W12: each level's page-walk cache; R5: its LFSR salt is 0x4000 | level << 8 (mmu_pwc.c) */
	    PWC_PARAMS(2) PWC_PARAMS(3) PWC_PARAMS(4) PWC_PARAMS(5)};
	_Static_assert(sizeof p / sizeof p[0] <= COSIM_PARAMS_MAX, "COSIM_PARAMS_MAX too small");
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		out[i] = p[i];
	return (int)(sizeof p / sizeof p[0]);
}

int cosim_params_format(const mmu_cfg_t *cfg, char *buf, size_t buflen, char *msg, size_t msglen)
{
	cosim_param_t p[COSIM_PARAMS_MAX];
	int n = cosim_params_list(cfg, p, msg, msglen);
	if (n < 0)
		return n;
	size_t used = 0;
	buf[0] = 0;
	for (int i = 0; i < n; i++) {
		int len = snprintf(buf + used, buflen - used, "%s-G%s=%lu", i ? " " : "", p[i].name, p[i].value);
		if (len < 0 || (size_t)len >= buflen - used) {
			snprintf(msg, msglen, "parameter list longer than %zu bytes", buflen);
			return MMU_EINVAL;
		}
		used += (size_t)len;
	}
	return 0;
}

static bool listed(const cosim_key_diff_t *out, int n, const char *key)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(out[i].key, key))
			return true;
	return false;
}

int cosim_params_diff(const mmu_cfg_t *want, const mmu_cfg_t *built, cosim_key_diff_t *out, int max)
{
	cosim_param_t pw[COSIM_PARAMS_MAX], pb[COSIM_PARAMS_MAX];
	char msg[256];
	int n = cosim_params_list(want, pw, msg, sizeof msg);
	if (n < 0 || cosim_params_list(built, pb, msg, sizeof msg) != n)
		return -1;
	int found = 0;
	bool unexplained = false;
	for (int i = 0; i < n; i++) {
		if (pw[i].value == pb[i].value)
			continue;
		bool explained = false;
		for (int k = 0; k < COSIM_PARAM_KEYS && pw[i].keys[k]; k++) {
			const char *key = pw[i].keys[k];
			cosim_key_diff_t d = {.key = key};
			if (mmu_cfg_get(want, key, d.want, sizeof d.want) ||
			    mmu_cfg_get(built, key, d.built, sizeof d.built))
				return -1;
			if (!strcmp(d.want, d.built))
				continue;
			explained = true;
			if (found < max && !listed(out, found, key))
				out[found++] = d;
		}
		unexplained = unexplained || !explained;
	}
	return unexplained ? -1 : found;
}
