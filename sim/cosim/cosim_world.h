#ifndef COSIM_WORLD_H
#define COSIM_WORLD_H

#include "cosim.h"

/*
 * The address spaces the random stimulus and the directed scenarios run on: every process maps the same layout of
 * regions (own frames), and the kernel regions are shared and global. Regions cover every leaf size, every right,
 * holes at every level and reserved bits in leaves and tables, so that each fault cause has addresses that raise it.
 */
typedef enum {
	REG_MAPPED,      /* every page mapped */
	REG_HOLEY,       /* every fifth page left unmapped: not present at level 1 */
	REG_RSVD,        /* mapped, then a reserved bit set in the entry at level fault_level */
	REG_HOLE,        /* nothing mapped: not present at level fault_level */
	REG_KERNEL,      /* supervisor-only, global, in every process */
	REG_SHARED,      /* the frames of process 1's heap, mapped again (shared frames) */
	REG_WARM,        /* every page mapped, A already set on the whole path: walks of four reads (capacity sweeps) */
	REG_UPPER_RO,    /* permissive leaves under a read-only entry at level fault_level (W6) */
	REG_UPPER_SUPER, /* permissive leaves under a supervisor-only entry at level fault_level (W6) */
	REG_UPPER_NX,    /* permissive leaves under a no-execute entry at level fault_level (W6) */
	REG_MIXGLOBAL,   /* global in the odd processes, not global in the even ones (R7 across PCIDs) */
	REG_RESIZE,      /* one 2 MiB page that the OS turns into 4 KiB pages and back without invalidating (R6) */
	REG_ABSENT,      /* not in this paging mode's layout: never mapped, never picked */
	REG_CLEAR, /* mapped, then the bits `clear` cleared in the entry at level fault_level (RISC-V encodings) */
	REG_SUPERVISOR, /* mapped in each process, pages without U: accessed mostly as supervisor, as the kernel's */
} cosim_region_kind_t;

typedef struct cosim_region {
	const char *name;
	uint64_t va;
	uint32_t pages;
	uint8_t level;       /* leaf level of its pages */
	uint8_t perms;       /* MMU_PERM_* */
	uint8_t kind;        /* cosim_region_kind_t */
	uint8_t fault_level; /* REG_RSVD: entry that gets the reserved bit; REG_HOLE: level that is not present */
	uint8_t weight_i, weight_d; /* how often the random stimulus picks it on each port */
	uint8_t clear;              /* REG_CLEAR: the PTE bits (0-7) cleared */
} cosim_region_t;

/* Indices into the region table, for the scenarios. */
enum {
	RG_CODE,
	RG_RODATA,
	RG_DATA,
	RG_SUPER,
	RG_RSVD4K,
	RG_HEAP,
	RG_JIT,
	RG_SHARED,
	RG_HUGE2M,
	RG_HUGE2MX,
	RG_RSVD2M,
	RG_RSVDPDPT,
	RG_HUGE1G,
	RG_RSVD1G,
	RG_RSVDPML4,
	RG_STACK,
	RG_HOLE4,
	RG_HOLE3,
	RG_HOLE2,
	RG_KDATA,
	RG_KTEXT,
	RG_BIGDATA,
	RG_BIGCODE,
	RG_W6RO,
	RG_W6SUPER,
	RG_W6NX,
	RG_MIXGLOBAL,
	RG_RESIZE,
	/* x86-64 5-level paging only: the fifth level's faults, and a region under a PML5 entry other than 0 */
	RG_HOLE5,
	RG_RSVDPML5,
	RG_W6NX5,
	RG_HIGH57,
	/* RISC-V only: its own encodings and leaf sizes (docs/paging.md) */
	RG_RV_XONLY,    /* execute-only pages (R = 0, X = 1): loads fault unless MXR */
	RG_RV_WNOR,     /* W without R: reserved */
	RG_RV_PTRLAST,  /* a level-1 entry with R = W = X = 0: a pointer at the last level, reserved */
	RG_RV_TERA,     /* Sv48 and Sv57: 512 GiB terapages */
	RG_RV_PETA,     /* Sv57: 256 TiB petapages */
	RG_RV_RSVDTERA, /* Sv48 and Sv57: a misaligned terapage */
	/* supervisor pages (U = 0) of every large size: a supervisor fetches only those, and without SUM loads and
	   stores only those too (docs/paging.md RV5) */
	RG_RV_SMEGA,
	RG_RV_SGIGA,
	RG_RV_STERA,
	RG_RV_SPETA,
	RG_COUNT
};
/* The regions of the x86-64 4-level layout, the first ones of the table (its stimulus draws among these only). */
#define RG_COUNT_X86_64 (RG_RESIZE + 1)
/* The regions the 5-level stimulus draws among (those after RG_HIGH57 are absent there, but were drawn as such before
   the supervisor regions came: kept, so that a seed gives the same run). */
#define RG_COUNT_X86_LA57 (RG_RV_RSVDTERA + 1)

/* Region i of the layout of env's paging mode (x86-64 4-level, 5-level, or RISC-V), REG_ABSENT if not in it. */
const cosim_region_t *cosim_region(const cosim_env_t *env, unsigned i);
/* The number of regions the stimulus draws from in env's mode (the others are absent). */
unsigned cosim_region_count(const cosim_env_t *env);
uint64_t cosim_region_page_size(const cosim_region_t *r);
/* Address of byte `offset` of page `page` of region i. */
uint64_t cosim_addr(const cosim_env_t *env, unsigned region, uint32_t page, uint64_t offset);
/* Whether the stimulus accesses va mostly as supervisor: the kernel half, or a REG_SUPERVISOR region. */
bool cosim_supervisor_va(const cosim_env_t *env, uint64_t va);
/* Whether page `page` of a REG_HOLEY region is mapped at start. */
bool cosim_holey_mapped(uint32_t page);

/*
 * REG_RESIZE: the OS swaps the region's level-2 entry in pid between a 2 MiB leaf and a table of 4 KiB pages (its
 * first half mapped), as a THP split or collapse does, without invalidating the TLBs. Returns the leaf level now.
 */
unsigned cosim_resize_toggle(cosim_env_t *env, uint32_t pid);

/* Builds processes 1..nprocs with the whole layout. */
int cosim_world_build(cosim_env_t *env, unsigned nprocs, char *msg, size_t msglen);

#endif
