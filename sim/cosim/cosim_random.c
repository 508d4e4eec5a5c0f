/*
 * Constrained-random stimulus: both ports issue requests at once and back to back over the world's regions (hits,
 * L2 hits, walks, every fault cause, stores to clean pages); CR3 writes with and without the PCID no-flush bit and
 * flushes of every kind arrive at random, more often while a walk is in flight or while the requesters pause and the
 * MMU drains; the OS side ages A/D bits, unmaps, maps, write-protects and write-enables pages under the walker's
 * feet, and splits and collapses a huge page without invalidating. Inputs of a busy port carry garbage (T4: the walk
 * must use its latched context). The world's regions take care of the rest: rights taken away above permissive
 * leaves (W6), pages global in some processes only (R7).
 *
 * The run alternates two kinds of phases. Churn: all of the above. Capacity: no CR3 write and no global flush for
 * long enough to fill every set of the largest TLB, both ports sweeping the big regions while reusing recent pages,
 * so that every replacement policy chooses victims all the time (R1-R5).
 */
#include <stdlib.h>

#include "cosim_world.h"

#define NPROCS 3
#define RECENT 16

typedef struct gen_port {
	uint64_t recent[RECENT];
	unsigned nrecent;
	uint8_t tag;
} gen_port_t;

typedef enum { PH_CHURN, PH_CAPACITY } phase_t;

typedef struct rnd {
	uint64_t cycles;
	phase_t phase;
	uint64_t phase_end;
	uint64_t sweep[MMU_NREQ]; /* page index of each port's sweep through its big region */
	uint32_t pid;             /* process of the last CR3 write */
	gen_port_t port[MMU_NREQ];
	unsigned weight_total[MMU_NREQ];
	uint64_t invlpg_va;  /* an OS change waiting for its INVLPG */
	uint64_t invlpg_at;  /* cycle it is issued; 0 = none */
	uint32_t invlpg_pid; /* process whose page changed */
	mmu_in_t held;       /* request inputs of the last cycle: a requester holds its bus when it has nothing new */
	uint64_t quiet_end;  /* no new request before this cycle: the MMU drains and controls meet an idle walker */
} rnd_t;

static const cosim_region_t *pick_region(rnd_t *r, cosim_env_t *env, unsigned p)
{
	uint64_t x = cosim_below(&env->rng, r->weight_total[p]);
	for (unsigned i = 0; i < cosim_region_count(env); i++) {
		const cosim_region_t *g = cosim_region(env, i);
		unsigned w = p == MMU_REQ_I ? g->weight_i : g->weight_d;
		if (x < w)
			return g;
		x -= w;
	}
	return cosim_region(env, RG_HEAP);
}

static uint64_t region_addr(cosim_env_t *env, const cosim_region_t *g)
{
	uint64_t size = cosim_region_page_size(g);
	return g->va + cosim_below(&env->rng, g->pages) * size + cosim_below(&env->rng, size);
}

static uint64_t noncanonical(cosim_env_t *env)
{
	unsigned va_bits = mmu_paging(env->mmu)->va_bits;
	uint64_t x = cosim_rand(&env->rng);
	if (va_bits != 48) { /* the other modes (57-bit x86, RISC-V): the same three shapes at their own width */
		uint64_t low = x & ((UINT64_C(1) << (va_bits - 1)) - 1);
		switch (cosim_below(&env->rng, 3)) {
		case 0:
			return low | (UINT64_C(1) << (va_bits - 1)); /* sign bit set, upper bits clear */
		case 1:
			return low | (~UINT64_C(0) << va_bits); /* upper set, sign bit clear */
		default:
			return (x | (UINT64_C(1) << 62)) & ~(UINT64_C(1) << 63);
		}
	}
	switch (cosim_below(&env->rng, 3)) {
	case 0:
		return (x & UINT64_C(0x00007fffffffffff)) | (UINT64_C(1) << 47); /* bit 47 set, upper bits clear */
	case 1:
		return (x & UINT64_C(0x00007fffffffffff)) | (UINT64_C(0xffff) << 48); /* upper set, bit 47 clear */
	default:
		return x | (UINT64_C(1) << 62);
	}
}

/* A request's address, op and privilege. */
static void gen_request(rnd_t *r, cosim_env_t *env, unsigned p, mmu_in_t *in)
{
	gen_port_t *g = &r->port[p];
	const gen_port_t *other = &r->port[!p];
	uint64_t k = cosim_below(&env->rng, 100), va;
	bool kernel = false;
	unsigned sweep = r->phase == PH_CAPACITY ? 45 : 0; /* capacity: sweeps, then more reuse of recent pages */
	if (k < sweep) {
		const cosim_region_t *big = cosim_region(env, p == MMU_REQ_I ? RG_BIGCODE : RG_BIGDATA);
		r->sweep[p] = (r->sweep[p] + 1 + cosim_below(&env->rng, 3)) % big->pages;
		va = big->va + r->sweep[p] * 4096 + cosim_below(&env->rng, 4096);
	} else if (k < 65 + sweep / 3 && g->nrecent) {
		va = (g->recent[cosim_below(&env->rng, g->nrecent)] & ~UINT64_C(0xfff)) | cosim_below(&env->rng, 4096);
	} else if (k < 72 + sweep / 3 && other->nrecent) {
		va = other->recent[cosim_below(&env->rng, other->nrecent)];
	} else if (k < 99) {
		const cosim_region_t *reg = pick_region(r, env, p);
		kernel = reg->kind == REG_KERNEL;
		va = region_addr(env, reg);
	} else {
		va = noncanonical(env);
	}
	kernel = kernel || cosim_supervisor_va(env, va);
	unsigned op;
	uint64_t o = cosim_below(&env->rng, 100);
	if (p == MMU_REQ_I)
		op = o < 90 ? MMU_OP_FETCH : MMU_OP_LOAD;
	else
		op = o < 60 ? MMU_OP_LOAD : o < 96 ? MMU_OP_STORE : MMU_OP_FETCH;
	in->req_valid[p] = 1;
	in->req_vaddr[p] = va;
	in->req_op[p] = op;
	in->req_user[p] = kernel ? cosim_chance(&env->rng, 1, 10) : cosim_chance(&env->rng, 9, 10);
	in->req_tag[p] = g->tag++;
	g->recent[g->nrecent < RECENT ? g->nrecent++ : cosim_below(&env->rng, RECENT)] = va;
}

/* A busy port's inputs are ignored: garbage there, now and then, checks that nothing reads them (T4). */
static void junk(cosim_env_t *env, unsigned p, mmu_in_t *in)
{
	if (cosim_chance(&env->rng, 3, 4))
		return;
	in->req_valid[p] = cosim_chance(&env->rng, 1, 2);
	in->req_vaddr[p] = cosim_rand(&env->rng);
	in->req_op[p] = cosim_below(&env->rng, 4);
	in->req_user[p] = cosim_below(&env->rng, 2);
	in->req_tag[p] = cosim_below(&env->rng, 256);
}

static uint64_t recent_or_region(rnd_t *r, cosim_env_t *env)
{
	const gen_port_t *g = &r->port[cosim_below(&env->rng, MMU_NREQ)];
	if (g->nrecent && cosim_chance(&env->rng, 3, 4))
		return g->recent[cosim_below(&env->rng, g->nrecent)];
	const cosim_region_t *any = cosim_region(env, (unsigned)cosim_below(&env->rng, cosim_region_count(env)));
	return region_addr(env, any->kind == REG_ABSENT ? cosim_region(env, RG_HEAP) : any);
}

static uint16_t some_pcid(rnd_t *r, cosim_env_t *env)
{
	uint64_t k = cosim_below(&env->rng, 10);
	if (k < 6)
		return mmu_current_pcid(env->mmu);
	if (k < 9)
		return env->cfg.pcid ? mmu_os_pcid(env->os, 1 + (uint32_t)cosim_below(&env->rng, NPROCS)) : 0;
	(void)r;
	return (uint16_t)cosim_below(&env->rng, mmu_paging(env->mmu)->format == MMU_PTE_RISCV ? 65536 : 4096);
}

/*
 * A flush of kind x86 `op` as the RISC-V mode has it: SFENCE.VMA with rs1 = x0, rs2 = x0 (ALL); rs1 = x0, rs2 = ASID
 * (PCID: non-global entries of the ASID); rs1 = address, rs2 = x0 (VA_ALL: every ASID, global ones too); rs1 =
 * address, rs2 = ASID (VA_PCID); privileged spec 4.2.1. The x86-only kinds NONGLOBAL and VA become ALL and VA_ALL.
 */
static unsigned sfence_op(const cosim_env_t *env, unsigned op)
{
	if (mmu_paging(env->mmu)->format != MMU_PTE_RISCV)
		return op;
	return op == MMU_FLUSH_NONGLOBAL ? MMU_FLUSH_ALL : op == MMU_FLUSH_VA ? MMU_FLUSH_VA_ALL : op;
}

static void gen_flush(rnd_t *r, cosim_env_t *env, mmu_in_t *in)
{
	static const unsigned weights[] = {5, 10, 20, 35, 30}; /* ALL, NONGLOBAL, PCID, VA, VA_PCID */
	uint64_t x = cosim_below(&env->rng, 100);
	unsigned op = 0;
	while (x >= weights[op]) {
		x -= weights[op];
		op++;
	}
	in->flush_valid = 1;
	in->flush_op = sfence_op(env, op);
	in->flush_vaddr = recent_or_region(r, env);
	in->flush_pcid = some_pcid(r, env);
}

static void gen_cr3(rnd_t *r, cosim_env_t *env, mmu_in_t *in)
{
	uint32_t before = r->pid;
	r->pid = 1 + (uint32_t)cosim_below(&env->rng, NPROCS);
	bool noflush = env->cfg.pcid && cosim_chance(&env->rng, 1, 2);
	uint64_t v = mmu_os_cr3(env->os, r->pid, noflush);
	if (mmu_paging(env->mmu)->format == MMU_PTE_RISCV) {
		if (!env->cfg.pcid) /* without ASIDs (ASIDLEN = 0) the ASID field is ignored */
			v |= cosim_below(&env->rng, 65536) << MMU_SATP_ASID_LSB;
		if (cosim_chance(&env->rng, 1, 20)) /* a MODE this MMU does not implement: the write has no effect */
			v = (v & ~(UINT64_C(0xf) << 60)) | (cosim_below(&env->rng, 16) << 60);
		if ((v >> 60) != mmu_paging(env->mmu)->satp_mode)
			r->pid = before;
	} else if (!env->cfg.pcid) {
		v |= cosim_below(&env->rng, 4096); /* without PCIDs bits 11:0 are not a PCID: the root ignores them */
	}
	if (cosim_chance(&env->rng, 1, 20))
		v |= UINT64_C(1) << (env->cfg.paging.pa_bits + cosim_below(&env->rng, 62 - env->cfg.paging.pa_bits));
	in->cr3_we = 1;
	in->cr3_wdata = v;
}

/* A page of a user region of some process (mostly the current one). */
static const cosim_region_t *os_target(rnd_t *r, cosim_env_t *env, uint32_t *pid, uint64_t *va)
{
	static const unsigned pool[] = {RG_DATA, RG_HEAP, RG_STACK, RG_CODE, RG_HUGE2M, RG_HUGE1G};
	const cosim_region_t *g = cosim_region(env, pool[cosim_below(&env->rng, sizeof pool / sizeof pool[0])]);
	*pid = cosim_chance(&env->rng, 3, 4) ? r->pid : 1 + (uint32_t)cosim_below(&env->rng, NPROCS);
	*va = region_addr(env, g) & ~(cosim_region_page_size(g) - 1);
	return g;
}

static void schedule_invlpg(rnd_t *r, cosim_env_t *env, uint64_t va, uint32_t pid)
{
	if (r->invlpg_at)
		return;
	r->invlpg_va = va;
	r->invlpg_pid = pid;
	r->invlpg_at = env->cycle + 1 + cosim_below(&env->rng, 40);
}

/* The OS changes page tables behind the MMU's back, as Linux does (aging, munmap, mprotect, page-in). */
static void os_event(rnd_t *r, cosim_env_t *env)
{
	uint32_t pid;
	uint64_t va, pa;
	const cosim_region_t *g = os_target(r, env, &pid, &va);
	unsigned level = g->level;
	bool mapped = mmu_os_translate(env->os, pid, va, &pa, &level) == 0;
	uint64_t k = cosim_below(&env->rng, 100);
	const mmu_paging_t *pg = mmu_paging(env->mmu);
	uint64_t ad = UINT64_C(1) << pg->bit_accessed | UINT64_C(1) << pg->bit_dirty, wr = UINT64_C(1)
	                                                                                   << pg->bit_writable;
	if (mapped && k < 50) {
		cosim_pte_modify(env, pid, va, level, 0,
		                 ad); /* clear A and D: walks write them again (Svade: faults) */
		cosim_log_os(env, "age (A/D cleared)", va, pid);
	} else if (mapped && k < 70 && level == 1) {
		mmu_os_unmap(env->os, pid, va, 4096);
		cosim_log_os(env, "unmap", va, pid);
		schedule_invlpg(r, env, va, pid);
	} else if (mapped && k < 85 && !(cosim_pte_read(env, pid, va, level) & wr) && (g->perms & MMU_PERM_W)) {
		cosim_pte_modify(env, pid, va, level, wr, 0); /* writable again: no invalidation needed */
		cosim_log_os(env, "write-enable", va, pid);
	} else if (mapped && k < 85) {
		cosim_pte_modify(env, pid, va, level, 0, wr); /* write-protect */
		cosim_log_os(env, "write-protect", va, pid);
		schedule_invlpg(r, env, va, pid);
	} else if (!mapped && level == 1) {
		if (mmu_os_map(env->os, pid, va, 4096, 1, MMU_PERM_U | MMU_PERM_W) == 0)
			cosim_log_os(env, "map", va, pid);
	}
}

/*
 * The OS changes the very entry whose A/D write-back the walker presents, before the memory takes it: aging (A and D
 * cleared), write-protection, or a bit the hardware ignores and software keeps (x86 bit 9, RISC-V RSW bit 8). The
 * write-back is then refused and the walk starts again (W7, M9).
 */
static uint64_t pte_bit(int bit)
{
	return bit >= 0 ? UINT64_C(1) << bit : 0;
}

static void race_write_back(cosim_env_t *env, const mmu_out_t *out)
{
	const mmu_paging_t *pg = mmu_os_paging(env->os);
	uint64_t word = mmu_physmem_read_word(env->pm, out->mem_req_addr);
	unsigned shift = 0;
	while (shift < 64 && !(out->mem_req_wstrb >> (shift / 8) & 1))
		shift += 8;
	uint64_t k = cosim_below(&env->rng, 3), bits;
	if (k == 0)
		bits = pte_bit(pg->bit_accessed) | pte_bit(pg->bit_dirty);
	else if (k == 1)
		bits = pte_bit(pg->bit_writable);
	else
		bits = pte_bit(pg->format == MMU_PTE_RISCV ? 8 : 9);
	uint64_t now = k == 2 ? word ^ bits << shift : word & ~(bits << shift);
	mmu_physmem_write_word(env->pm, out->mem_req_addr, now, (uint8_t)out->mem_req_wstrb);
	static const char *const what[] = {"age (A/D cleared) during its write-back: entry at",
	                                   "write-protect during its write-back: entry at",
	                                   "flip a software bit during its write-back: entry at"};
	cosim_log_os(env, what[k], out->mem_req_addr, now);
}

/* THP split or collapse of the resize region, with no INVLPG: TLBs may then hold both page sizes (R6). */
static void resize_event(rnd_t *r, cosim_env_t *env)
{
	uint32_t pid = cosim_chance(&env->rng, 3, 4) ? r->pid : 1 + (uint32_t)cosim_below(&env->rng, NPROCS);
	unsigned level = cosim_resize_toggle(env, pid);
	cosim_log_os(env, level == 2 ? "collapse to a 2 MiB page" : "split into 4 KiB pages",
	             cosim_region(env, RG_RESIZE)->va, pid);
}

/*
 * Aging of a page that is global in the odd processes: its next fill there is clean, so that a store of an even
 * process, which hits that global entry, re-walks and refills over the other PCID's global copy (R7).
 */
static void age_global(cosim_env_t *env)
{
	const cosim_region_t *g = cosim_region(env, RG_MIXGLOBAL);
	const mmu_paging_t *pg = mmu_paging(env->mmu);
	uint32_t pid = cosim_chance(&env->rng, 1, 2) || NPROCS < 3 ? 1 : 3;
	uint64_t va = g->va + cosim_below(&env->rng, g->pages) * cosim_region_page_size(g);
	cosim_pte_modify(env, pid, va, g->level, 0, UINT64_C(1) << pg->bit_accessed | UINT64_C(1) << pg->bit_dirty);
	cosim_log_os(env, "age (A/D cleared)", va, pid);
}

/* Phases of 10k-40k cycles of churn and 40k-160k cycles of capacity. */
static void next_phase(rnd_t *r, cosim_env_t *env)
{
	if (env->cycle < r->phase_end)
		return;
	r->phase = env->cycle == 0 ? (cosim_chance(&env->rng, 1, 2) ? PH_CHURN : PH_CAPACITY)
	                           : (r->phase == PH_CHURN ? PH_CAPACITY : PH_CHURN);
	r->phase_end = env->cycle + (r->phase == PH_CHURN ? 10000 + cosim_below(&env->rng, 30000)
	                                                  : 40000 + cosim_below(&env->rng, 120000));
}

/* Capacity phase: only flushes by address, rarely, and now and then an OS change with its INVLPG. */
static void capacity_controls(rnd_t *r, cosim_env_t *env, mmu_in_t *in)
{
	if (r->invlpg_at && env->cycle >= r->invlpg_at) {
		in->flush_valid = 1;
		in->flush_vaddr = r->invlpg_va;
		in->flush_op = sfence_op(env, r->invlpg_pid == r->pid ? MMU_FLUSH_VA : MMU_FLUSH_VA_PCID);
		in->flush_pcid = env->cfg.pcid ? mmu_os_pcid(env->os, r->invlpg_pid) : 0;
		r->invlpg_at = 0;
	} else if (cosim_chance(&env->rng, 1, 3000)) {
		in->flush_valid = 1;
		in->flush_op = sfence_op(env, cosim_chance(&env->rng, 1, 2) ? MMU_FLUSH_VA : MMU_FLUSH_VA_PCID);
		in->flush_vaddr = recent_or_region(r, env);
		in->flush_pcid = some_pcid(r, env);
	}
	if (cosim_chance(&env->rng, 1, 1000))
		os_event(r, env);
	if (cosim_chance(&env->rng, 1, 4000))
		resize_event(r, env);
}

static void controls(rnd_t *r, cosim_env_t *env, const mmu_out_t *out, mmu_in_t *in)
{
	next_phase(r, env);
	if (r->phase == PH_CAPACITY && env->cycle > 0) {
		capacity_controls(r, env, in);
		return;
	}
	bool busy = out->mem_req_valid || !out->req_ready[0] || !out->req_ready[1];
	if (env->cycle >= r->quiet_end && cosim_chance(&env->rng, 1, 3000)) /* the requesters pause (a drain) */
		r->quiet_end = env->cycle + 20 + cosim_below(&env->rng, 100);
	bool quiet = env->cycle < r->quiet_end;
	if (r->invlpg_at && env->cycle >= r->invlpg_at) {
		in->flush_valid = 1;
		in->flush_vaddr = r->invlpg_va;
		in->flush_op = sfence_op(env, r->invlpg_pid == r->pid ? MMU_FLUSH_VA : MMU_FLUSH_VA_PCID);
		in->flush_pcid = env->cfg.pcid ? mmu_os_pcid(env->os, r->invlpg_pid) : 0;
		r->invlpg_at = 0;
	} else if (cosim_chance(&env->rng, 1, out->mem_req_write ? 60 : busy ? 400 : quiet ? 40 : 1500)) {
		/* most often during an A/D write, the shortest state of a walk */
		gen_flush(r, env, in);
	}
	if (env->cycle == 0 || cosim_chance(&env->rng, 1, busy ? 1500 : quiet ? 200 : 5000))
		gen_cr3(r, env, in);
	if (cosim_chance(&env->rng, 1, 300))
		os_event(r, env);
	if (cosim_chance(&env->rng, 1, 1500))
		resize_event(r, env);
	if (cosim_chance(&env->rng, 1, 400))
		age_global(env);
	if (out->mem_req_valid && out->mem_req_write && cosim_chance(&env->rng, 1, 16))
		race_write_back(env, out);
}

/*
 * RISC-V Svade: the OS's handler of a page fault on a page whose A (or, for a store, D) is clear sets the bit, as
 * mmusim's requester does (mmu_os_ad_fault), most of the time; the access is usually repeated soon (recent pages).
 */
static void svade_handler(rnd_t *r, cosim_env_t *env, const mmu_out_t *out)
{
	if (!mmu_paging(env->mmu)->ad_fault)
		return;
	for (unsigned p = 0; p < MMU_NREQ; p++)
		if (out->resp_valid[p] && out->resp_fault[p] && out->resp_cause[p] == MMU_CAUSE_PROTECTION &&
		    cosim_chance(&env->rng, 3, 4) &&
		    mmu_os_ad_fault(env->os, r->pid, env->inflight_vaddr[p], env->inflight_op[p] == MMU_OP_STORE) == 0)
			cosim_log_os(env, "Svade fault handler (A/D set)", env->inflight_vaddr[p], r->pid);
}

static int rnd_step(void *self, cosim_env_t *env, const mmu_out_t *out, mmu_in_t *in, char *msg, size_t msglen)
{
	(void)msg;
	(void)msglen;
	rnd_t *r = self;
	if (env->cycle >= r->cycles)
		return 1;
	svade_handler(r, env, out);
	controls(r, env, out, in);
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		in->req_valid[p] = 0;
		in->req_vaddr[p] = r->held.req_vaddr[p];
		in->req_op[p] = r->held.req_op[p];
		in->req_user[p] = r->held.req_user[p];
		in->req_tag[p] = r->held.req_tag[p];
		if (!out->req_ready[p])
			junk(env, p, in);
		else if (env->cycle >= r->quiet_end && cosim_chance(&env->rng, 3, 4))
			gen_request(r, env, p, in);
	}
	r->held = *in;
	return 0;
}

static void rnd_progress(const void *self, const cosim_env_t *env, uint64_t *done, uint64_t *total)
{
	*done = env->cycle;
	*total = ((const rnd_t *)self)->cycles;
}

int cosim_random_create(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen)
{
	rnd_t *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	int err = cosim_world_build(env, NPROCS, msg, msglen);
	if (err) {
		free(r);
		return err;
	}
	r->cycles = o->cycles;
	r->pid = 1;
	for (unsigned i = 0; i < cosim_region_count(env); i++) {
		r->weight_total[MMU_REQ_I] += cosim_region(env, i)->weight_i;
		r->weight_total[MMU_REQ_D] += cosim_region(env, i)->weight_d;
	}
	*d = (cosim_driver_t){.self = r, .step = rnd_step, .destroy = free, .progress = rnd_progress};
	return 0;
}
