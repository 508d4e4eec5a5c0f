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
	uint64_t arch;                    /* ORACLE_ARCH_*: RISC-V levels are 3 (Sv39), 4 (Sv48), 5 (Sv57) */
} oracle_job_hdr_t;

enum { ORACLE_ARCH_X86_64 = 0, ORACLE_ARCH_RISCV = 1 };

/* Where boot.S finds `levels` (it reads the job before it enables paging); the guest asserts it. */
#define ORACLE_JOB_LEVELS_OFFSET 160

typedef struct oracle_access {
	uint64_t va;
	uint64_t store_value;
	uint32_t root;  /* index into roots */
	uint8_t op;     /* ORACLE_OP_* */
	uint8_t user;   /* 1: ring 3 (x86), U-mode (RISC-V) */
	uint16_t flags; /* RISC-V: ORACLE_RV_SUM, _MXR, _MPRV (mstatus bits the access runs with); x86: 0 */
	uint32_t pad2;
} oracle_access_t;

/*
 * RISC-V (`qemu-system-riscv64 -machine virt`, RAM from 0x80000000): the same layout shifted by ORACLE_RV_RAM_BASE
 * (job at 0x80200000, tables from 0x80400000, data frames 0x81000000..0x84000000). The guest's own code is mapped in
 * every address space by two gigapages the generator writes (VA = PA, U = 0, for S-mode; VA = PA + 1 GiB, U = 1, for
 * U-mode), at VA bits 38:30 = 2 and 3, which the generator's own mappings never use.
 */
#define ORACLE_RV_RAM_BASE   UINT64_C(0x80000000)
#define ORACLE_RV_USER_ALIAS UINT64_C(0x40000000) /* the U-mode view of the guest's code is this far above it */
#define ORACLE_RV_UART       UINT64_C(0x10000000) /* the virt machine's NS16550A: the guest's log */
#define ORACLE_RV_TEST       UINT64_C(0x100000)   /* the virt machine's sifive_test device: the guest's exit */
#define ORACLE_RV_SUM        1u                   /* access flags: mstatus.SUM, mstatus.MXR (Priv 3.1.6.3) */
#define ORACLE_RV_MXR        2u
#define ORACLE_RV_MPRV       4u /* a load or store made by M-mode with mstatus.MPRV = 1, MPP = S or U (Priv 3.1.6.3) */

/* RISC-V mcause values the guest reports besides the page faults 12, 13, 15 (Priv 3.1.15) */
#define ORACLE_RV_CAUSE_ILLEGAL 2u /* a fetch that reached a data word (its instruction is illegal) */
#define ORACLE_RV_ECALL_U       8u /* a load or store that completed in U-mode (the stub's ecall) */
#define ORACLE_RV_ECALL_S       9u
#define ORACLE_RV_ECALL_M       11u /* a load or store that completed with mstatus.MPRV = 1 */

/*
 * The RISC-V data word at address a: its low half is an instruction of the custom-0 major opcode (0x0b, Priv/unpriv
 * opcode map; no extension QEMU's rv64 turns on defines it), so a fetch that reaches it traps as an illegal
 * instruction with mtval = those 32 bits; bits 31:7 name the word ((a - data base) / 8, or bit 24 and the store's
 * number). The high half is the low 32 bits of a (or 0x80000000 | store number), so a load names the address too.
 */
static inline uint64_t oracle_rv_word(uint32_t name, uint32_t high)
{
	return (uint64_t)high << 32 | (uint64_t)(name & 0x1ffffffu) << 7 | UINT64_C(0x0b);
}
static inline uint64_t oracle_rv_pattern(uint64_t a)
{
	return oracle_rv_word((uint32_t)((a - ORACLE_RV_RAM_BASE - ORACLE_DATA_BASE) >> 3), (uint32_t)a);
}
static inline uint64_t oracle_rv_store_value(uint32_t i)
{
	return oracle_rv_word(0x1000000u | i, 0x80000000u | i);
}

#endif
