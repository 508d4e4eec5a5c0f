#ifndef MMU_H
#define MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_error.h"
#include "mmu/mmu_mem.h"
#include "mmu/mmu_paging.h"
#include "mmu/mmu_stats.h"
#include "mmu/mmu_tlb.h"

/*
 * The MMU top: L1 ITLB and L1 DTLB request ports, a unified L2 TLB, one page walker shared by both ports, CR3/PTBR.
 * docs/timing.md is the contract; rule numbers (T1, ...) are cited where the code implements them.
 *
 * Two ways to drive it, which agree cycle for cycle (testbench/unit/test_mmu_fastpath.c):
 *   - per cycle, mirroring the RTL: mmu_comb() computes this cycle's outputs from state (a Moore machine: no output
 *     depends on an input of the same cycle), mmu_clock() samples the inputs at the clock edge and advances state;
 *   - the fast path for trace simulation: mmu_translate() runs one request to completion without stepping idle
 *     cycles, as an in-order requester that presents each request in the cycle the previous response appears.
 */
enum { MMU_REQ_I = 0, MMU_REQ_D = 1, MMU_NREQ = 2 };

typedef enum { MMU_OP_LOAD = 0, MMU_OP_STORE = 1, MMU_OP_FETCH = 2 } mmu_op_t;

/* flush_op (rule T12); the x86 instruction each one models in brackets. */
typedef enum {
	MMU_FLUSH_ALL = 0,       /* every entry, global ones too (INVPCID type 2) */
	MMU_FLUSH_NONGLOBAL = 1, /* every non-global entry (INVPCID type 3) */
	MMU_FLUSH_PCID = 2,      /* non-global entries of flush_pcid (INVPCID type 1) */
	MMU_FLUSH_VA = 3,        /* entries mapping flush_vaddr in the current PCID, and global ones (INVLPG) */
	MMU_FLUSH_VA_PCID = 4,   /* non-global entries mapping flush_vaddr in flush_pcid (INVPCID type 0) */
	MMU_FLUSH_VA_ALL = 5,    /* entries mapping flush_vaddr in every PCID/ASID, global ones too (RISC-V SFENCE.VMA
	                            rs1 != x0, rs2 = x0; docs/paging.md) */
} mmu_flush_op_t;

typedef enum {
	MMU_CAUSE_NONE = 0,
	MMU_CAUSE_NOT_PRESENT = 1,
	MMU_CAUSE_PROTECTION = 2,
	MMU_CAUSE_RESERVED = 3,
	MMU_CAUSE_NONCANONICAL = 4,
} mmu_fault_cause_t;

typedef enum { MMU_LEVEL_L1 = 0, MMU_LEVEL_L2 = 1, MMU_LEVEL_WALK = 2, MMU_LEVEL_NONE = 3 } mmu_hit_level_t;

/*
 * x86 page-fault error code bits (Intel SDM vol. 3A, 4.7). In the RISC-V modes ecode is instead the exception code
 * of the page fault (privileged spec 4.1.9, scause): MMU_RV_* below.
 */
enum { MMU_RV_FETCH_PAGE_FAULT = 12, MMU_RV_LOAD_PAGE_FAULT = 13, MMU_RV_STORE_PAGE_FAULT = 15 };

enum {
	MMU_EC_P = 1u << 0,    /* 0: not present; 1: protection or reserved-bit violation */
	MMU_EC_W = 1u << 1,    /* access was a write */
	MMU_EC_U = 1u << 2,    /* access was in user mode */
	MMU_EC_RSVD = 1u << 3, /* a reserved bit was set */
	MMU_EC_ID = 1u << 4,   /* access was an instruction fetch */
};

/* CR3: bit 63 of a written value means "do not flush" when cr3.pcid is on (rule T11). */
#define MMU_CR3_NOFLUSH   (UINT64_C(1) << 63)
#define MMU_CR3_PCID_MASK UINT64_C(0xfff)

typedef struct mmu_in {
#define MMU_IN(name, width)     uint64_t name;
#define MMU_IN_REQ(name, width) uint64_t name[MMU_NREQ];
#include "mmu/mmu_ports.def"
} mmu_in_t;

typedef struct mmu_out {
#define MMU_OUT(name, width)     uint64_t name;
#define MMU_OUT_REQ(name, width) uint64_t name[MMU_NREQ];
#include "mmu/mmu_ports.def"
} mmu_out_t;

typedef struct mmu mmu_t;

/*
 * Validates cfg (mmu_cfg_validate) and builds an MMU in its reset state. Returns 0, or MMU_EINVAL or MMU_ENOMEM with
 * msg saying why (for MMU_EINVAL: the key at fault and its value, as mmu_cfg_validate words it).
 */
int mmu_create(const mmu_cfg_t *cfg, mmu_t **out, char *msg, size_t msglen);
void mmu_destroy(mmu_t *m);

/* Back to the reset state (rule T15): TLBs empty, CR3 = 0, statistics kept. */
void mmu_reset(mmu_t *m);

void mmu_comb(const mmu_t *m, const mmu_in_t *in, mmu_out_t *out);
void mmu_clock(mmu_t *m, const mmu_in_t *in);

/* Result of one translation on the fast path. */
typedef struct mmu_result {
	uint64_t paddr;
	uint32_t latency; /* cycles from the request cycle to the response cycle */
	uint8_t fault;
	uint8_t cause;      /* mmu_fault_cause_t */
	uint8_t ecode;      /* MMU_EC_* */
	uint8_t level;      /* mmu_hit_level_t */
	uint8_t page_level; /* leaf level of the translation (1 = base page); 0 on a fault */
} mmu_result_t;

/*
 * Fast path: one request on port req, presented in the current cycle, run to its response; the current cycle then
 * becomes the response cycle. mem must be the memory the per-cycle path would be wired to.
 */
void mmu_translate(mmu_t *m, mmu_mem_t *mem, unsigned req, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t *res);

/* Fast path: a CR3 write / a flush presented alone in the current cycle; the current cycle advances by one. */
void mmu_fast_cr3_write(mmu_t *m, uint64_t value);
void mmu_fast_flush(mmu_t *m, mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid);
/* Fast path: n idle cycles (nothing presented). */
void mmu_fast_idle(mmu_t *m, uint64_t n);

/* A snapshot of the statistics (the TLBs' own counters included). */
void mmu_stats_read(const mmu_t *m, mmu_stats_t *out);
const mmu_paging_t *mmu_paging(const mmu_t *m);
const mmu_cfg_t *mmu_config(const mmu_t *m);
uint64_t mmu_cr3(const mmu_t *m);
uint16_t mmu_current_pcid(const mmu_t *m);
uint64_t mmu_cycle(const mmu_t *m);
/* Whether both ports and the walker are idle (nothing in flight). */
bool mmu_idle(const mmu_t *m);

/*
 * What the model knows beyond its ports, for functional coverage (mmucosim counts its bins from it; nothing here
 * changes state). The walker's state in this cycle (T5, W1-W8): idle; looking up the L2 TLB or the page-walk caches;
 * reading a PTE (also in a grant cycle whose walk starts at once); writing A/D bits back (W7).
 */
typedef enum { MMU_WALKER_IDLE, MMU_WALKER_LOOKUP, MMU_WALKER_READ, MMU_WALKER_WRITE } mmu_walker_state_t;
mmu_walker_state_t mmu_walker_state(const mmu_t *m);

/* Whether the response port p shows in this cycle ends a dirty re-walk (T9), and which TLB's hit asked for it. */
typedef enum { MMU_REWALK_NONE, MMU_REWALK_FROM_L1, MMU_REWALK_FROM_L2 } mmu_rewalk_t;
typedef struct mmu_resp_detail {
	uint8_t page_level; /* leaf level of the translation (1 = base page); 0 on a fault or with no response */
	uint8_t rewalk;     /* mmu_rewalk_t */
} mmu_resp_detail_t;
mmu_resp_detail_t mmu_resp_detail(const mmu_t *m, unsigned p);

typedef enum { MMU_TLB_L1I = 0, MMU_TLB_L1D = 1, MMU_TLB_L2 = 2 } mmu_tlb_id_t;
/* The TLB instance, or NULL for an absent L2. */
const mmu_tlb_t *mmu_tlb(const mmu_t *m, mmu_tlb_id_t id);

/* Initial LFSR state of TLB `id` for a run seed (rule R5): what an RTL instance gets as its LfsrSeed parameter. */
uint16_t mmu_lfsr_seed(uint64_t seed, mmu_tlb_id_t id);
/* The same fold of the seed, XOR any salt (R5; the model-only arrays use 0x4000 | level << 8 and 0x5000). */
uint16_t mmu_lfsr_seed_salt(uint64_t seed, uint16_t salt);

/* The page-walk cache of level `level` (docs/timing.md W9), or NULL when it is off or the level does not exist. */
const mmu_tlb_t *mmu_pwc(const mmu_t *m, unsigned level);

#endif
