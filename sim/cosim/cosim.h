#ifndef COSIM_H
#define COSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cosim_rtl.h"
#include "mmu/mmu.h"
#include "mmu/mmu_os.h"
#include "mmu/mmu_trace.h"

/*
 * mmucosim: the Verilated RTL and the C model in lockstep (issue 3). Per cycle: the stimulus decides the inputs
 * (seeing the model's outputs of the cycle, which must equal the RTL's), both sides get identical inputs, every
 * output port is compared, then both take the clock edge. One C memory serves the walker of both.
 */

/* splitmix64: the harness's own random stream (stimulus choices), seeded from --seed. */
static inline uint64_t cosim_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
	z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
	return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline uint64_t cosim_below(uint64_t *s, uint64_t n)
{
	return n ? cosim_rand(s) % n : 0;
}

/* True with probability num / den. */
static inline bool cosim_chance(uint64_t *s, unsigned num, unsigned den)
{
	return cosim_below(s, den) < num;
}

typedef enum { STIM_RANDOM, STIM_TRACE, STIM_SCENARIO } cosim_stim_t;

typedef struct cosim_opts {
	const char *config; /* INI; default: the one this binary was built for */
	const char **sets;  /* --set KEY=VALUE (run-time keys only: mem.*, os.*) */
	int nsets;
	const char **model_sets; /* --model-set KEY=VALUE: applied to the model only (deliberately wrong model) */
	int nmodel_sets;
	uint64_t seed;
	cosim_stim_t stim;
	uint64_t cycles; /* random: cycles to run */
	const char *trace, *format;
	uint64_t max_refs; /* trace: records to replay (0 = all) */
	const char *scenario;
	const char *wave;          /* FST of the whole run */
	const char *mismatch_wave; /* FST of the window around a mismatch */
	uint64_t window_before, window_after;
	unsigned history;        /* transactions printed on a mismatch */
	const char *record;      /* per-cycle stimulus and expected outputs, for the Icarus replay */
	const char *icarus_tb;   /* the Icarus testbench that replays it */
	uint64_t tlb_full_every; /* cycles between full TLB comparisons (besides those after flushes) */
	bool tlb_check_all;      /* full comparison after every edge that can change a TLB */
	bool quiet;
	bool cover_all;        /* every coverage bin with its count in the report, whatever the stimulus */
	bool require_coverage; /* exit 1 if a bin this configuration can reach stayed empty */
	int argc;              /* the command line, echoed in the replay hint */
	char **argv;
} cosim_opts_t;

/* One line of the transaction history. */
typedef enum { EV_REQ, EV_RESP, EV_CR3, EV_FLUSH, EV_OS } cosim_ev_kind_t;

typedef struct cosim_event {
	uint64_t cycle;
	uint64_t a, b;    /* REQ: vaddr; RESP: paddr; CR3: value; FLUSH: vaddr, pcid; OS: vaddr, detail */
	const char *what; /* OS: what the OS side did */
	uint8_t kind, port, op, user, tag, fault, cause, level, ecode;
} cosim_event_t;

#define COSIM_HISTORY_MAX 256

/* Everything one run owns. */
#define COSIM_L2_OWED_MAX 8

typedef struct cosim_env {
	mmu_cfg_t cfg;       /* the configuration (RTL parameters come from it) */
	mmu_cfg_t model_cfg; /* what the model is built from: cfg plus --model-set */
	mmu_physmem_t *pm;
	mmu_mem_t *mem;
	mmu_os_t *os;
	mmu_t *mmu;
	cosim_rtl_t *rtl;
	uint64_t cycle;
	uint64_t rng;
	/* per-port request in flight: latched at acceptance, for the TLB check and the history */
	uint64_t inflight_vaddr[MMU_NREQ];
	uint8_t inflight_op[MMU_NREQ], inflight_user[MMU_NREQ];
	bool world; /* the stimulus runs on cosim_world.c's layout (its regions mean what they say) */
	const struct cosim_region *layout; /* that layout, for the paging mode (cosim_world_build) */
	cosim_event_t hist[COSIM_HISTORY_MAX];
	uint64_t nhist;
	/* The RTL's L2 applies an invalidation one edge after the contract (cosim_rtl_tlb_settled): its checks are owed
	 * until it has: the sets of these addresses, or every set (l2_owed_all, also when the list is full; with
	 * l2_owed_fields every field, else the valid bits). */
	bool l2_unsettled, l2_owed_all, l2_owed_fields;
	unsigned l2_owed;
	uint64_t l2_owed_vaddr[COSIM_L2_OWED_MAX];
} cosim_env_t;

void cosim_log(cosim_env_t *env, const cosim_event_t *ev);
/* An OS-side action, for the history. */
void cosim_log_os(cosim_env_t *env, const char *what, uint64_t vaddr, uint64_t detail);

/*
 * A stimulus source. step() sets this cycle's request and control inputs (the memory inputs are already set) after
 * seeing the model's outputs of this cycle; it returns 0 to run the cycle, 1 when the stimulus is finished, or a
 * negative error with msg set. finish() checks what the source expected (directed scenarios), after the last cycle.
 */
typedef struct cosim_driver {
	void *self;
	int (*step)(void *self, cosim_env_t *env, const mmu_out_t *out, mmu_in_t *in, char *msg, size_t msglen);
	int (*finish)(void *self, cosim_env_t *env, char *msg, size_t msglen);
	void (*destroy)(void *self);
	/* How far the stimulus has got, for the progress line: done of total, in its own unit. NULL: unknown. */
	void (*progress)(const void *self, const cosim_env_t *env, uint64_t *done, uint64_t *total);
} cosim_driver_t;

int cosim_random_create(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen);
int cosim_trace_create(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen);
int cosim_scenario_create(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen);
/* Run-time keys a scenario needs (a fixed memory latency), applied before the environment is built. */
int cosim_scenario_config(const char *name, mmu_cfg_t *cfg, char *msg, size_t msglen);
void cosim_scenario_list(FILE *out);

/* The world the random stimulus and the scenarios share: processes, regions, page-table surgery. */
#define COSIM_KERNEL_DATA    UINT64_C(0xffff888000000000)
#define COSIM_KERNEL_TEXT    UINT64_C(0xffffffff80000000)
#define COSIM_RV_KERNEL_DATA UINT64_C(0xffffffd800000000) /* canonical in Sv39, Sv48 and Sv57 */
/* Physical address of the level-`level` entry that maps va under root, or 0 if a table on the way is missing. */
uint64_t cosim_pte_addr(const cosim_env_t *env, uint64_t root, uint64_t va, unsigned level);
uint64_t cosim_root(const cosim_env_t *env, uint32_t pid);
/* The entry mapping va at `level` in pid, or 0 if a table on the way is missing. */
uint64_t cosim_pte_read(const cosim_env_t *env, uint32_t pid, uint64_t va, unsigned level);
/* Sets / clears bits of the entry mapping va at `level` in pid (straight into physical memory, as an OS does). */
int cosim_pte_modify(cosim_env_t *env, uint32_t pid, uint64_t va, unsigned level, uint64_t set, uint64_t clear);

#endif
