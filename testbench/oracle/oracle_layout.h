/*
 * The physical memory layout shared by the oracle's host tool (mmuoracle) and its bare-metal guest: where QEMU loads
 * the job and the page-table image, which window holds the data frames, and how both name what they exchange.
 * Plain integers only: this header is compiled by the host and by the freestanding guest alike.
 */
#ifndef ORACLE_LAYOUT_H
#define ORACLE_LAYOUT_H

#include <stdint.h>

#define ORACLE_GUEST_BASE 0x100000u  /* the guest's code, data and own page tables (identity mapped) */
#define ORACLE_JOB_BASE   0x200000u  /* job header and access list (QEMU -device loader) */
#define ORACLE_JOB_MAX    0x200000u  /* bytes */
#define ORACLE_TABLE_BASE 0x400000u  /* page-table frames of the image (QEMU -device loader) */
#define ORACLE_TABLE_END  0x1000000u /* 3072 table frames at most */
#define ORACLE_DATA_BASE  0x1000000u /* data frames: every word names its own address */
#define ORACLE_DATA_END   0x4000000u /* = the guest's RAM size (qemu -m 64M) */
#define ORACLE_RAM_MIB    64u
#define ORACLE_MAX_ROOTS  16u
#define ORACLE_JOB_MAGIC  UINT64_C(0x32424f4a4c43524f) /* "ORCLJOB2" */

/*
 * The 8-byte word at data address a (a multiple of 8). As data it names a; as code it is `mov eax, a; int3`, so a
 * fetch that reaches it traps with vector 3 and EAX naming the frame it fetched from.
 */
#define ORACLE_TAG_PATTERN UINT64_C(0x5a5a)
#define ORACLE_TAG_STORE   UINT64_C(0xa5a5)
static inline uint64_t oracle_word(uint64_t tag, uint32_t imm)
{
	return UINT64_C(0xb8) | (uint64_t)imm << 8 | UINT64_C(0xcc) << 40 | tag << 48;
}
static inline uint64_t oracle_pattern(uint64_t a)
{
	return oracle_word(ORACLE_TAG_PATTERN, (uint32_t)a);
}
/* What store number i writes (a fetch that later reaches it reports 0x80000000 | i in EAX). */
static inline uint64_t oracle_store_value(uint32_t i)
{
	return oracle_word(ORACLE_TAG_STORE, 0x80000000u | i);
}

enum { ORACLE_OP_LOAD = 0, ORACLE_OP_STORE = 1, ORACLE_OP_FETCH = 2 };

/* Vector the guest records when an access completes without a fault (its ring-3 and ring-0 stubs end in int 0x80). */
#define ORACLE_VEC_DONE 0x80u

typedef struct oracle_job_hdr {
	uint64_t magic;
	uint64_t naccess;
	uint64_t nroots;
	uint64_t table_end;               /* table frames used: [ORACLE_TABLE_BASE, table_end) */
	uint64_t roots[ORACLE_MAX_ROOTS]; /* CR3 values */
	uint64_t levels;                  /* 4: 4-level paging; 5: 5-level paging, the guest sets CR4.LA57 */
} oracle_job_hdr_t;

/* Where boot.S finds `levels` (it reads the job before it enables paging); the guest asserts it. */
#define ORACLE_JOB_LEVELS_OFFSET 160

typedef struct oracle_access {
	uint64_t va;
	uint64_t store_value;
	uint32_t root; /* index into roots */
	uint8_t op;    /* ORACLE_OP_* */
	uint8_t user;  /* 1: ring 3 */
	uint16_t pad;
	uint32_t pad2;
} oracle_access_t;

#endif
