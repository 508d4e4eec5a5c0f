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

/* A TLB around one request: where the request's page was before and after, and what the lookup counted. */
typedef struct tlb_view {
	const char *name;     /* "L1 DTLB", "L1 ITLB", "L2 TLB" */
	const char *key;      /* "l1d", "l1i", "l2" */
	const mmu_tlb_t *tlb; /* NULL: absent */
	long slot_before, slot_after;
	unsigned level_before; /* leaf level of the entry in slot_before, read before the request could drop it (T8) */
	mmu_tlb_counters_t before, after;
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
	bool dump;       /* memory and CR3 from an OSTEP dump: no OS behind the tables */
	bool demand;     /* a not-present fault is served by the OS and the access retried, as in a trace */
	char setup[256]; /* one line: what happened before the explained request */
	char note[160];  /* optional remark (a record crossing a page) */
	char change[96]; /* what --map-perms and --reserved-bit did to the page, for the setup line */
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

#endif
