#ifndef COSIM_WORLD_H
#define COSIM_WORLD_H

#include "cosim.h"

/*
 * The address spaces the random stimulus and the directed scenarios run on: every process maps the same layout of
 * regions (own frames), and the kernel regions are shared and global. Regions cover every leaf size, every right,
 * holes at every level and reserved bits in leaves and tables, so that each fault cause has addresses that raise it.
 */
typedef enum {
	REG_MAPPED, /* every page mapped */
	REG_HOLEY,  /* every fifth page left unmapped: not present at level 1 */
	REG_RSVD,   /* mapped, then a reserved bit set in the entry at level fault_level */
	REG_HOLE,   /* nothing mapped: not present at level fault_level */
	REG_KERNEL, /* supervisor-only, global, in every process */
	REG_SHARED, /* the frames of process 1's heap, mapped again (shared frames) */
	REG_WARM,   /* every page mapped, A already set on the whole path: walks of four reads (capacity sweeps) */
	REG_UPPER_RO,    /* permissive leaves under a read-only entry at level fault_level (W6) */
	REG_UPPER_SUPER, /* permissive leaves under a supervisor-only entry at level fault_level (W6) */
	REG_UPPER_NX,    /* permissive leaves under a no-execute entry at level fault_level (W6) */
	REG_MIXGLOBAL,   /* global in the odd processes, not global in the even ones (R7 across PCIDs) */
	REG_RESIZE,      /* one 2 MiB page that the OS turns into 4 KiB pages and back without invalidating (R6) */
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
	RG_COUNT
};

const cosim_region_t *cosim_region(unsigned i);
uint64_t cosim_region_page_size(const cosim_region_t *r);
/* Address of byte `offset` of page `page` of region i. */
uint64_t cosim_addr(unsigned region, uint32_t page, uint64_t offset);
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
