#ifndef MMU_INTERNAL_H
#define MMU_INTERNAL_H

/* State of the MMU top shared by the per-cycle path (mmu_top.c, mmu_port.c, mmu_miss.c), the fast path (mmu_fast.c)
 * and the walker (mmu_ptw.c). */
#include "mmu/mmu.h"

/* A request's context, latched when the request is accepted (rule T4). */
typedef struct req_ctx {
	uint64_t vaddr;
	uint64_t root; /* root table address from CR3 at acceptance */
	uint16_t pcid; /* PCID from CR3 at acceptance (0 when cr3.pcid is off) */
	uint8_t op;    /* mmu_op_t */
	uint8_t tag;
	bool user;
} req_ctx_t;

/* What a TLB lookup found for a request. */
typedef enum {
	LK_HIT,     /* usable translation: respond */
	LK_FAULT,   /* entry found, access not permitted: respond with a protection fault (T8) */
	LK_DIRTY,   /* store to an entry whose dirty bit is clear: re-walk (T9) */
	LK_MISS,    /* no entry */
	LK_NONCANON /* address not canonical: respond with a fault, no lookup (T7) */
} lookup_kind_t;

/* The walker, as a sequence of memory accesses (docs/timing.md, rules W1-W8). */
typedef enum { WALK_READ, WALK_WRITE } walk_phase_t;

typedef struct walk {
	req_ctx_t ctx;
	unsigned level;    /* level of the entry being accessed */
	uint64_t pte_addr; /* its physical address */
	uint64_t pte;      /* its value as read */
	uint64_t pte_new;  /* value being written back (WALK_WRITE) */
	walk_phase_t phase;
	bool writable, user_ok, nx; /* permissions accumulated over the levels read so far (RISC-V: the leaf's) */
	bool readable;              /* RISC-V R of the leaf; true elsewhere */
	bool leaf;
	unsigned start_level; /* level of the first read: the root, or below a page-walk cache hit (W10) */
	uint32_t descended;   /* bit n: the level-n entry was read and pointed to the next table (W3, for W11) */
	struct {
		uint64_t table;             /* the level n-1 table it pointed to */
		bool writable, user_ok, nx; /* rights accumulated down to and including level n */
	} through[MMU_MAX_LEVELS + 1];
	mmu_result_t res;      /* valid when done */
	mmu_tlb_entry_t entry; /* translation to fill when done without fault */
} walk_t;

void walk_begin(walk_t *w, const mmu_paging_t *pg, const req_ctx_t *ctx);
/* The memory request the walker presents now. */
void walk_request(const walk_t *w, const mmu_paging_t *pg, uint64_t *addr, bool *write, uint64_t *wdata, uint8_t *wstrb,
                  uint64_t *cmp);
/* Consumes the response to that request; returns true when the walk is done (w->res then holds the result). */
bool walk_response(walk_t *w, const mmu_paging_t *pg, uint64_t rdata, mmu_stats_t *st);

/*
 * Permission check of an access against a translation's rights (W6; RISC-V: privileged spec 4.3.1 with
 * sstatus.SUM and MXR, 4.1.1.2); returns a mmu_fault_cause_t.
 */
unsigned perm_check(const mmu_paging_t *pg, const mmu_tlb_entry_t *rights, unsigned op, bool user);
/* x86 error code of a fault (T10); RISC-V: the page-fault exception code, 12, 13 or 15 (docs/paging.md). */
uint8_t fault_ecode(const mmu_paging_t *pg, unsigned cause, unsigned op, bool user);

typedef enum { PORT_IDLE, PORT_LOOKUP, PORT_MISS, PORT_SERVED, PORT_RESP } port_state_t;

typedef struct port {
	port_state_t state;
	uint32_t count; /* lookup cycles left */
	req_ctx_t ctx;
	uint64_t accept_cycle;
	uint64_t miss_cycle; /* first cycle of PORT_MISS: accept_cycle + hit latency */
	lookup_kind_t kind;
	bool stale; /* overtaken by a flush or CR3 write: fill nothing (T13) */
	mmu_result_t res;
} port_t;

typedef enum { MU_IDLE, MU_L2, MU_PWC, MU_WALK_REQ, MU_WALK_WAIT } mu_state_t;

/* The miss unit: L2 lookup and walker, shared by both ports, one miss at a time (T5). */
typedef struct miss_unit {
	mu_state_t state;
	unsigned port;
	uint32_t count; /* L2 or page-walk cache lookup cycles left */
	lookup_kind_t l2_kind;
	mmu_result_t l2_res; /* the L2 lookup's result, from the grant edge to its last cycle */
	mmu_tlb_entry_t l2_entry;
	walk_t walk;
	uint64_t walk_start;
	bool dirty;          /* this walk is a dirty re-walk */
	uint64_t dirty_from; /* cycle the dirty re-walk was requested (its wait counts as its cost) */
} miss_unit_t;

struct mmu {
	mmu_cfg_t cfg;
	mmu_paging_t pg;
	mmu_tlb_t *l1[MMU_NREQ];
	mmu_tlb_t *l2;                         /* NULL when absent */
	mmu_tlb_t *pwc[MMU_PWC_MAX_LEVEL + 1]; /* page-walk caches by level, NULL when off (W9) */
	uint32_t pwc_latency;                  /* cycles of their parallel lookup; 0 when all are off */
	uint32_t h1[MMU_NREQ], h2;
	uint64_t cr3;
	uint64_t root; /* root table address held in cr3 (T11), kept with it */
	uint16_t pcid; /* current PCID (0 when cr3.pcid is off) */
	uint64_t cycle;
	mmu_stats_t st;
	port_t port[MMU_NREQ];
	miss_unit_t mu;
	unsigned last_grant;
};

/* Shared steps of both paths. */
req_ctx_t mmu_make_ctx(const mmu_t *m, uint64_t vaddr, unsigned op, bool user, uint8_t tag);
lookup_kind_t mmu_l1_lookup(mmu_t *m, unsigned port, const req_ctx_t *ctx, mmu_result_t *res);
lookup_kind_t mmu_l2_lookup(mmu_t *m, const req_ctx_t *ctx, mmu_result_t *res, mmu_tlb_entry_t *entry);
void mmu_fill_l1(mmu_t *m, unsigned port, const mmu_tlb_entry_t *e);
/* A walk ended: time it, fill the TLBs unless it faulted or is stale. */
void mmu_walk_done(mmu_t *m, unsigned port, const walk_t *w, uint64_t walk_cycles, bool dirty, uint64_t dirty_cycles,
                   bool stale);
/* A response: the one place requests, translation cycles, faults and served pages are counted. */
void mmu_respond(mmu_t *m, unsigned port, const mmu_result_t *res, uint64_t latency);
/* n identical responses at once (the same counting as n calls of mmu_respond). */
void mmu_respond_n(mmu_t *m, unsigned port, const mmu_result_t *res, uint64_t latency, uint64_t n);
/*
 * Would a lookup of ctx in the L1 TLB of port answer LK_HIT? Its slot if so, else -1; changes nothing (hint as for
 * mmu_tlb_peek).
 */
long mmu_l1_peek_hit(const mmu_t *m, unsigned port, const req_ctx_t *ctx, long hint);
void mmu_apply_flush(mmu_t *m, unsigned op, uint64_t vaddr, uint16_t pcid);

/* The per-cycle blocks that mmu_comb() / mmu_clock() compose, as rtl/mmu_top.sv does (mmu_port.c, mmu_miss.c). */
void mmu_port_comb(const mmu_t *m, unsigned p, mmu_out_t *out);
void mmu_port_clock(mmu_t *m, unsigned p, const mmu_in_t *in, bool control, uint64_t now);
/* T5: the port the miss unit takes next (one miss at a time; the one not granted last wins a tie), or -1. */
int mmu_miss_grant(const mmu_t *m);
void mmu_miss_comb(const mmu_t *m, mmu_out_t *out);
void mmu_miss_clock(mmu_t *m, const mmu_in_t *in, uint64_t now, int grant);
void mmu_apply_cr3_write(mmu_t *m, uint64_t value);

/* Page-walk caches (mmu_pwc.c, W9-W12). */
int mmu_pwc_create(mmu_t *m);
void mmu_pwc_destroy(mmu_t *m);
void mmu_pwc_reset(mmu_t *m);
/* Looks the walk's address up and, on a hit, moves the walk to the level below the deepest hit. */
void mmu_pwc_lookup(mmu_t *m, walk_t *w);
void mmu_pwc_fill(mmu_t *m, const walk_t *w);
void mmu_pwc_flush(mmu_t *m, unsigned op, uint16_t pcid, uint16_t current_pcid);
void mmu_pwc_stats_read(const mmu_t *m, mmu_stats_t *out);

#endif
