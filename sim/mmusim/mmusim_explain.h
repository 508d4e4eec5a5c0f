#ifndef MMUSIM_EXPLAIN_H
#define MMUSIM_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mmu/mmu_sim.h"
#include "mmusim_lecture.h"
#include "mmusim_probe.h"

/* What `mmusim explain` found, shared by the driver (mmusim_explain.c) and the printers (mmusim_explain_out.c). */

/* One walk access as the model made it, with what it means. */
typedef struct step {
	unsigned level;       /* paging level of the entry (levels = root, 1 = leaf table) */
	uint64_t table;       /* physical address of the table holding it */
	uint64_t index;       /* index of the entry in the table */
	uint64_t pte_addr;    /* its physical address */
	uint64_t value;       /* read: the entry; write: the entry written back */
	uint64_t before;      /* write: the entry as read before */
	bool write;           /* an accessed/dirty write-back (W7) */
	bool dcache_hit;      /* the walker's data cache held its line (M7) */
	uint64_t first, last; /* cycles, from the request cycle: request visible .. response */
} step_t;

#define EXPLAIN_SHOW_WAYS 16 /* ways of a probed set shown by the JSON (and the page); a wider set is cut there */

/* A TLB around one request: where the request's page was before and after, and what the lookup counted. */
typedef struct tlb_view {
	const char *name;     /* "L1 DTLB", "L1 ITLB", "L2 TLB" */
	const char *key;      /* "l1d", "l1i", "l2" */
	const mmu_tlb_t *tlb; /* NULL: absent */
	long slot_before, slot_after;
	unsigned level_before; /* leaf level of the entry in slot_before, read before the request could drop it (T8) */
	mmu_tlb_counters_t before, after;
	/* per leaf level: the set a lookup for a page of that size probes, as it was before the request */
	mmu_tlb_entry_t set_before[MMU_MAX_LEVELS + 1][EXPLAIN_SHOW_WAYS];
} tlb_view_t;

typedef struct attempt {
	probe_t probe;
	uint64_t cr3;
	tlb_view_t tlb[2]; /* the port's L1 TLB, the L2 TLB */
	mmu_stats_t st_before, st_after;
	step_t steps[PROBE_MAX_ACCESSES];
	size_t nsteps;
	unsigned fault_level; /* walk step (1 = root entry) whose entry ended the walk in a fault; 0: none */
	unsigned pwc_level;   /* deepest page-walk cache that hit (the walk started one level below); 0: none */
	uint64_t pwc_table;   /* the table address that cache entry held */
	mmu_tlb_entry_t pwc_before[MMU_PWC_MAX_LEVEL + 1]; /* each cache's entry for the address before the request */
} attempt_t;

#define EXPLAIN_ATTEMPTS 2

typedef struct explain {
	const lecture_opts_t *o;
	mmu_sim_t *sim;
	const mmu_paging_t *pg;
	const mmu_cfg_t *cfg;
	uint64_t va;
	mmu_op_t op;
	unsigned port;
	bool user; /* the access is made in user mode (CPL 3; the default, as every trace record is), else supervisor */
	uint32_t pid;
	mmu_trace_rec_t rec; /* the explained access as a trace record */
	bool dump;           /* memory and CR3 from an OSTEP dump or a memory image: no OS behind the tables */
	bool demand;         /* a not-present fault is served by the OS and the access retried, as in a trace */
	char setup[256];     /* one line: what happened before the explained request */
	char note[160];      /* optional remark (a record crossing a page) */
	char change[96];     /* what --map-perms and --reserved-bit did to the page, for the setup line */
	attempt_t att[EXPLAIN_ATTEMPTS];
	int natt;
	uint64_t fault_cycles; /* os.fault_cycles spent between the attempts */
	uint64_t frame;        /* frame the OS mapped for the demand fault, aligned to its page size */
	unsigned page_level;   /* leaf level of the page explained (1 = base page): the address splits at its offset */
} explain_t;

/* Short names of a paging level's table (PML4, PDPT, PD, PT; textbook: PD, PT or L<n>). */
const char *explain_level_name(const mmu_paging_t *pg, unsigned level);
const char *explain_op_name(mmu_op_t op);

void explain_print_text(FILE *out, const explain_t *e);
/* Returns 0, or -1 when the JSON cannot be built. */
int explain_print_json(FILE *out, const explain_t *e);
/* The JSON object of --json, which the page of --html embeds (mmusim_explain_json.c); NULL when out of memory. */
struct cJSON *explain_json(const explain_t *e);
/* --html FILE: the page, written whole or not at all (mmusim_explain_html.c). Returns 0 or 2 after the message. */
int explain_write_html(const char *path, bool replace, const explain_t *e);

/* ---- phrases and numbers shared by the text and the JSON (mmusim_explain_out.c) ---- */
extern const char *const explain_cause_names[5];
extern const char *const explain_answer_keys[4];
unsigned explain_page_shift(const explain_t *e); /* offset bits of the page explained */
uint64_t explain_vpn(const explain_t *e);        /* its VPN as the TLBs form it */
unsigned explain_log2u(unsigned v);
uint64_t explain_pwc_latency(const mmu_cfg_t *c); /* W9: the page-walk caches' lookup; 0 when none */

typedef struct flag {
	const char *name;
	int bit;
} flag_t;
/* The flags an entry of this level and kind has (at most 8). */
size_t explain_flags(const mmu_paging_t *pg, unsigned level, bool leaf, flag_t *f);
bool explain_step_is_leaf(const mmu_paging_t *pg, const step_t *s);
/* The "meaning" column of walk access i; a TLB's outcome; the result line; the cycles line; the OS's line. */
void explain_step_meaning(const explain_t *e, const attempt_t *a, size_t i, char *buf, size_t n);
void explain_tlb_outcome(const explain_t *e, const attempt_t *a, const tlb_view_t *v, char *buf, size_t n);
void explain_result_text(const explain_t *e, const attempt_t *a, char *buf, size_t n);
void explain_cycles_text(const explain_t *e, const attempt_t *a, char *buf, size_t n);
void explain_os_text(const explain_t *e, char *buf, size_t n);

/* ---- the RISC-V modes' words (mmusim_explain_riscv.c) ---- */
bool explain_is_riscv(const mmu_paging_t *pg);
const char *explain_riscv_vpn_name(unsigned level);
size_t explain_riscv_flags(const mmu_paging_t *pg, flag_t *f);
void explain_riscv_reserved(const mmu_paging_t *pg, uint64_t pte, unsigned level, char *buf, size_t n);
void explain_riscv_protection(const explain_t *e, uint64_t pte, char *buf, size_t n);
const char *explain_riscv_kind(const mmu_paging_t *pg, uint64_t pte);
const char *explain_riscv_access(mmu_op_t op);
void explain_riscv_result(FILE *out, const explain_t *e, const mmu_result_t *r, const char *who);

#endif
