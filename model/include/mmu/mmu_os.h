#ifndef MMU_OS_H
#define MMU_OS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_paging.h"
#include "mmu/mmu_physmem.h"

/*
 * The OS side: builds real page tables in physical memory so that real traces run. It allocates frames, creates
 * processes (each with its own root table and PCID), maps and unmaps ranges with permissions and page size, shares
 * frames between address spaces, maps kernel pages global in every process, locks pages, and serves demand faults.
 *
 * It writes page tables straight into physical memory (no timing: the cost of the OS is os.fault_cycles per demand
 * fault). PTEs are created with A = D = 0, so the walker's hardware A/D updates happen as on x86.
 *
 * Deterministic: frames are handed out in increasing address order from a fixed base, PCIDs in order of first use.
 */
typedef struct mmu_os mmu_os_t;

/* Permissions of a mapping. Without MMU_PERM_X the NX bit is set (where the mode has one; RISC-V: X is clear). */
enum {
	MMU_PERM_W = 1u << 0,    /* writable */
	MMU_PERM_U = 1u << 1,    /* user-accessible */
	MMU_PERM_X = 1u << 2,    /* executable */
	MMU_PERM_G = 1u << 3,    /* global (survives CR3 writes) */
	MMU_PERM_NO_R = 1u << 5, /* not readable: RISC-V R = 0 (with X alone an execute-only page); EINVAL elsewhere */
	MMU_PERM_RWX_USER = MMU_PERM_W | MMU_PERM_U | MMU_PERM_X,
};

typedef struct mmu_os_stats {
	uint64_t frames;        /* frames allocated (data and tables) */
	uint64_t table_frames;  /* of which page-table frames */
	uint64_t demand_faults; /* faults served by mapping a frame (swap-ins included) */
	uint64_t processes;
	/* huge pages (os.thp, os.huge) */
	uint64_t huge_faults;   /* demand faults that mapped a huge page (os.thp=always or an os.huge range) */
	uint64_t thp_collapses; /* os.thp=dense: regions of base pages replaced by one huge page */
	uint64_t thp_fallbacks; /* faults where a huge page was eligible but the memory limit had no room for it */
	/* memory pressure (os.mem_frames) */
	uint64_t resident_frames; /* base-page frames of resident user pages now */
	uint64_t evictions;       /* pages evicted by the clock */
	uint64_t swap_outs;       /* evicted pages written to swap (dirty, or never written there before) */
	uint64_t swap_out_frames; /* base pages written (a 2 MiB page is 512) */
	uint64_t swap_ins;        /* faults served from swap */
	uint64_t swap_in_frames;  /* base pages read */
	uint64_t clock_steps;     /* pages the clock hand examined */
	uint64_t shootdowns;      /* TLB invalidations the OS asked for (mmu_os_shootdown_next) */
} mmu_os_stats_t;

/* pm must outlive the OS. The paging mode comes from cfg->paging. */
int mmu_os_create(const mmu_cfg_t *cfg, mmu_physmem_t *pm, mmu_os_t **out);
void mmu_os_destroy(mmu_os_t *os);

const mmu_paging_t *mmu_os_paging(const mmu_os_t *os);

/* Creates process pid if it does not exist yet (root table, PCID, kernel mappings). Returns 0 or an error. */
int mmu_os_process(mmu_os_t *os, uint32_t pid);

/*
 * The CR3 value that switches to pid: root table address, plus the PCID in bits 11:0 when cr3.pcid is on, plus
 * bit 63 ("do not flush") when no_flush and cr3.pcid is on. The process must exist.
 */
uint64_t mmu_os_cr3(const mmu_os_t *os, uint32_t pid, bool no_flush);
uint16_t mmu_os_pcid(const mmu_os_t *os, uint32_t pid);

/*
 * Maps [va, va + size) in pid with pages of level `level` (1 = base page, 2 = 2 MiB on x86-64, ...) and fresh zeroed
 * frames. va and size must be aligned to that page size; every page in the range must be unmapped.
 * Returns 0, MMU_EINVAL (alignment, level not allowed by the mode, address not canonical), MMU_EEXIST (already
 * mapped), MMU_ENOFRAME (physical memory exhausted).
 */
int mmu_os_map(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t size, unsigned level, unsigned perms);

/* Maps one page of level `level` at va in pid onto the existing frame at physical address pa (shared frames). */
int mmu_os_map_frame(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t pa, unsigned level, unsigned perms);

/*
 * Maps [va, va + size) as kernel pages: supervisor-only, global, in every process that exists now or later (the
 * upper-level tables are shared, as Linux does). The range must be aligned to the base page size.
 */
int mmu_os_map_kernel(mmu_os_t *os, uint64_t va, uint64_t size, unsigned perms);

/*
 * Unmaps every page of pid that lies in [va, va + size) (clears the leaf PTEs; frames of shared pages stay). The
 * caller must then invalidate the TLBs (INVLPG per page, or a flush). Returns the number of pages unmapped.
 */
long mmu_os_unmap(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t size);

/*
 * Declares the physical memory below pa_end as used by someone else (frames of an imported address space, mapped with
 * mmu_os_map_frame): tables and fresh pages are allocated above it from now on. Returns 0, or MMU_ENOFRAME when
 * nothing allocatable is left above pa_end.
 */
int mmu_os_reserve(mmu_os_t *os, uint64_t pa_end);

/* Marks [va, va + size) of pid as locked (never evicted when memory pressure is modelled). */
int mmu_os_lock(mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t size);
bool mmu_os_is_locked(const mmu_os_t *os, uint32_t pid, uint64_t va);

/*
 * Software translation of va in pid by reading the page tables (no timing, no A/D updates). Returns 0 and fills
 * *pa and *level (leaf level), or MMU_EFAULT if not mapped.
 */
int mmu_os_translate(const mmu_os_t *os, uint32_t pid, uint64_t va, uint64_t *pa, unsigned *level);

/*
 * Demand paging: called after a not-present fault of pid at va. Maps a fresh base page there (user, writable,
 * executable: a trace carries no permissions) and returns 0, so the access can be retried; returns MMU_EFAULT if the
 * page is already mapped (the fault was not a demand fault), va is not canonical or lies in the kernel half
 * (mmu_paging_kernel_half: never a user page), MMU_ENOFRAME when memory is full.
 */
int mmu_os_demand_fault(mmu_os_t *os, uint32_t pid, uint64_t va);

/*
 * RISC-V Svade (paging.riscv.svadu = 0): the page fault of a present page whose A is clear, or of a store to a
 * writable page whose D is clear; the OS sets A (and D for a store) as Linux's fault handler does, and the access is
 * retried (the requester counts it as a demand fault). Returns 0, or MMU_EFAULT when the fault is not of that
 * kind.
 */
int mmu_os_ad_fault(mmu_os_t *os, uint32_t pid, uint64_t va, bool store);

/*
 * Maps va's page in pid if unmapped, as a demand fault would (os.populate), creating the process if needed. In the
 * kernel half the page is the kernel's instead (mmu_os_map_kernel: supervisor-only, global, in every process), as
 * an OS has it from boot: a user access to it is then a protection fault. Returns 0 or an error.
 */
int mmu_os_populate(mmu_os_t *os, uint32_t pid, uint64_t va);

/*
 * Sets the permissions of the page that maps va in pid (any page size), as mprotect() does: W, U and X of perms
 * (without MMU_PERM_X the NX bit is set, where the mode has one; RISC-V: R from MMU_PERM_NO_R); the frame, G, A and
 * D stay. Only the leaf entry
 * changes: the tables above keep granting what they granted. The caller invalidates the TLBs. Returns 0, or
 * MMU_EFAULT when no page maps va.
 */
int mmu_os_protect(mmu_os_t *os, uint32_t pid, uint64_t va, unsigned perms);

/*
 * Sets a reserved bit in the leaf entry that maps va in pid (the lowest of the mode's reserved bits for that kind of
 * entry, reported in *bit), as a corrupted page table would have it: a walk through it faults with RSVD. Returns 0,
 * MMU_EFAULT when no page maps va, MMU_EINVAL when such an entry has no reserved bit in this mode.
 */
int mmu_os_set_reserved_bit(mmu_os_t *os, uint32_t pid, uint64_t va, unsigned *bit);

/*
 * Huge pages and memory pressure (README, "Huge pages and memory pressure"), both off by default:
 *   - os.huge ranges: a demand fault there maps the range's page size; os.thp=always: a fault in a 2 MiB-aligned
 *     region with nothing mapped maps it whole; os.thp=dense: when os.thp_density base pages of a region are present
 *     the region is collapsed into one huge page (contents copied). Huge frames are aligned to their size.
 *   - os.mem_frames: user pages may hold that many base-page frames; beyond, the clock (second chance over the PTEs'
 *     accessed bits) evicts a page to swap: its PTE becomes not present and carries the swap slot, and a later
 *     fault swaps it back in with its contents. Locked and shared pages, page tables and kernel pages are never
 *     evicted; a huge page is evicted and swapped in whole.
 * Whenever a mapping that TLBs may hold changes (eviction, collapse), the OS queues an invalidation; the caller must
 * present each one to the MMU (an INVLPG, or INVPCID by address with the process's PCID) before the next access.
 */
/* The next pending invalidation: the page at va of pid. Returns false when none is left. */
bool mmu_os_shootdown_next(mmu_os_t *os, uint32_t *pid, uint64_t *va);

const mmu_os_stats_t *mmu_os_stats(const mmu_os_t *os);

#endif
