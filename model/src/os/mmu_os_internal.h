#ifndef MMU_OS_INTERNAL_H
#define MMU_OS_INTERNAL_H

/*
 * State of the OS side shared by its files: mmu_os.c (processes, tables, mappings), mmu_os_mem.c (the memory limit:
 * resident pages, clock eviction, swap) and mmu_os_thp.c (huge-page policy: os.thp and os.huge).
 */
#include "mmu/mmu_os.h"

#include <stdlib.h>

/* PCIDs are CR3[11:0]; 0 is the PCID of "no PCID". */
#define OS_PCID_MAX 4095u
#define OS_ASID_MAX 65535u /* RISC-V: 16-bit ASIDs (privileged spec 4.1.11), 0 left unused as PCID 0 is */

typedef struct os_proc {
	uint32_t pid;
	uint16_t pcid;
	uint64_t root;
} os_proc_t;

typedef struct os_lock {
	uint64_t vpn;
	uint32_t pid;
	bool used;
} os_lock_t;

/* A resident user page on the clock ring (only with a memory limit). */
typedef struct os_page {
	uint64_t va, pa;
	uint32_t pid;
	uint32_t prev, next; /* ring links, indices into os_mem_t.page */
	int64_t slot;        /* swap slot holding a clean copy, -1 if none */
	uint8_t level;
	bool used;
} os_page_t;

/* A swap slot: the contents of one evicted page (NULL bytes: all zero). */
typedef struct os_slot {
	uint8_t *bytes;
	uint64_t flags; /* the leaf PTE without frame, A and D: what the page gets back when swapped in */
	uint8_t level;
	bool used;
} os_slot_t;

/* An invalidation the caller of the OS must present to the MMU (a page's mapping changed). */
typedef struct os_shootdown {
	uint64_t va;
	uint32_t pid;
} os_shootdown_t;

typedef struct os_mem {
	uint64_t limit;     /* os.mem_frames; 0: unlimited, nothing below is used */
	uint64_t resident;  /* base-page frames held by resident user pages */
	os_page_t *page;    /* node pool */
	uint32_t npage_cap; /* nodes allocated */
	uint32_t free_node; /* head of the free-node list (UINT32_MAX: none) */
	uint32_t hand;      /* the clock hand: next page to examine (UINT32_MAX: ring empty) */
	uint64_t *fkey;     /* frame address + 1 -> node index, open addressing (0 = empty) */
	uint32_t *fval;
	size_t fcap, fused;
	uint64_t *free_frames[MMU_MAX_LEVELS + 1]; /* freed frames per page level, reused first */
	size_t nfree[MMU_MAX_LEVELS + 1], free_cap[MMU_MAX_LEVELS + 1];
	os_slot_t *slot;
	size_t nslot, slot_cap;
	int64_t *free_slot;
	size_t nfree_slot, free_slot_cap;
} os_mem_t;

struct mmu_os {
	mmu_paging_t paging;
	mmu_physmem_t *pm;
	mmu_os_cfg_t cfg;
	bool pcid_on;
	uint64_t next_free; /* bump pointer of the frame allocator */
	uint64_t pa_max;    /* last allocatable byte: the smaller of 2^pa_bits and what the PTE's frame field reaches */
	bool exhausted;     /* next_free wrapped past 2^64 - 1 */
	uint64_t table_size; /* bytes allocated per table: the table rounded up to whole base pages */
	os_proc_t *procs;    /* sorted by pid */
	size_t nprocs, procs_cap;
	uint64_t kroot;   /* kernel template root table, 0 until the first kernel mapping */
	bool *kowned;     /* top-level slots that belong to the kernel, one per root entry */
	os_lock_t *locks; /* open-addressing set of (pid, vpn) */
	size_t nlocks, locks_cap;
	os_mem_t mem;
	uint64_t *shared; /* frames mapped by mmu_os_map_frame, sorted: never evicted or collapsed (no reverse map) */
	size_t nshared, shared_cap;
	os_shootdown_t *shoot; /* pending invalidations, FIFO */
	size_t nshoot, shoot_head, shoot_cap;
	mmu_os_stats_t stats;
};

/* mmu_os.c: PTEs, frames, walks. */
uint64_t os_page_size(const mmu_os_t *os, unsigned level);
uint64_t os_table_entry(const mmu_os_t *os, uint64_t pa, bool user);
int os_alloc_table(mmu_os_t *os, uint64_t *pa);
uint64_t os_leaf_entry(const mmu_os_t *os, uint64_t pa, unsigned level, unsigned perms);
uint64_t os_pte_slot(const mmu_os_t *os, uint64_t table, uint64_t va, unsigned level);
uint64_t os_pte_read(const mmu_os_t *os, uint64_t slot);
int os_pte_write(mmu_os_t *os, uint64_t slot, uint64_t pte);
bool os_pte_present(const mmu_os_t *os, uint64_t pte);
uint64_t os_leaf_frame(const mmu_os_t *os, uint64_t pte, unsigned level);
int os_alloc_frames(mmu_os_t *os, uint64_t bytes, uint64_t align, bool table, uint64_t *pa);
const os_proc_t *os_proc_find(const mmu_os_t *os, uint32_t pid);
size_t os_top_entries(const mmu_os_t *os);
bool os_range_ok(const mmu_os_t *os, uint64_t va, uint64_t size);
int os_walk_to(mmu_os_t *os, uint64_t root, uint64_t va, unsigned level, bool create, bool user, uint64_t *slot);
bool os_page_free(mmu_os_t *os, uint64_t root, uint64_t va, unsigned level);
bool os_touches_kernel(const mmu_os_t *os, uint64_t va, uint64_t size);
/* Maps fresh user pages of `level` over [va, va + size) (checked free by the caller). */
int os_map_user(mmu_os_t *os, uint32_t pid, uint64_t root, uint64_t va, uint64_t size, unsigned level, unsigned perms);
/* Where va's mapping ends in pid's tables: the entry's slot, value and level; the entry is a leaf, a swap entry or
 * empty (pte 0 at the level where the walk stopped). MMU_EFAULT when the process does not exist. */
int os_lookup(const mmu_os_t *os, uint64_t root, uint64_t va, uint64_t *slot, uint64_t *pte, unsigned *level);

/* mmu_os_mem.c: the memory limit. All of them do nothing (and succeed) without a limit. */
/* A frame for a new user page of `level`: makes room first (evicting), reuses a freed frame, else allocates. */
int os_mem_frame(mmu_os_t *os, unsigned level, uint64_t *pa);
/* Frames for a page of `level` are free now, without evicting (THP never reclaims). */
bool os_mem_room(const mmu_os_t *os, unsigned level);
/* A user page was mapped at va (its leaf written): put it on the clock ring, just behind the hand. */
int os_mem_add(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t pa, unsigned level);
/* The user page in frame pa of pid at va is gone (unmapped or collapsed): off the ring, frame and slot freed. */
void os_mem_drop(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t pa);
/* Frame pa (a page of `size` bytes) is now mapped twice; whether any shared frame lies in [pa, pa + size). */
int os_share(mmu_os_t *os, uint64_t pa);
bool os_shared_in(const mmu_os_t *os, uint64_t pa, uint64_t size);
/* Swap entries: whether a non-present PTE is one, and freeing its slot when the entry is cleared. */
bool os_is_swap_entry(const mmu_os_t *os, uint64_t pte);
void os_swap_entry_free(mmu_os_t *os, uint64_t pte);
/* Serves a fault on the swap entry `pte` (at `slot`, level `level`) of pid at va: swap-in. */
int os_swap_in(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t slot, uint64_t pte, unsigned level);
int os_shootdown_add(mmu_os_t *os, uint32_t pid, uint64_t va);
void os_mem_free(mmu_os_t *os);

/* mmu_os_thp.c: the page level a demand fault at va maps (1, or a huge level by os.huge / os.thp), and the dense
 * policy's collapse after a base page was mapped. */
unsigned os_thp_fault_level(mmu_os_t *os, uint64_t root, uint64_t va);
int os_thp_after_fault(mmu_os_t *os, uint32_t pid, uint64_t root, uint64_t va);

/* Room for one more element in a growable array of *cap elements, n of them in use: the array itself while n < *cap,
 * else the array reallocated to twice the size (first elements the first time) with *cap updated. NULL when out of
 * memory; the array and *cap are then unchanged. */
static inline void *os_room_for_one(void *items, size_t *cap, size_t n, size_t size, size_t first)
{
	if (n < *cap)
		return items;
	size_t grown = *cap ? 2 * *cap : first;
	void *p = realloc(items, grown * size);
	if (p != NULL)
		*cap = grown;
	return p;
}

#endif
