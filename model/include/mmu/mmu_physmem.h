#ifndef MMU_PHYSMEM_H
#define MMU_PHYSMEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Sparse physical memory: a 64-bit byte-addressed space whose 4 KiB pages are allocated on first write. Reading a
 * page never written returns zeros and allocates nothing. This is storage only, with no timing: the walker reaches it
 * through mmu_mem (request/response with latency); the OS side writes page tables into it directly.
 */
typedef struct mmu_physmem mmu_physmem_t;

int mmu_physmem_create(mmu_physmem_t **out);
void mmu_physmem_destroy(mmu_physmem_t *pm);

/* Little-endian access of len (1..8) bytes at any address; may cross a 4 KiB boundary. */
uint64_t mmu_physmem_read(const mmu_physmem_t *pm, uint64_t addr, unsigned len);
/* Returns 0 or MMU_ENOMEM. */
int mmu_physmem_write(mmu_physmem_t *pm, uint64_t addr, unsigned len, uint64_t value);

/* The aligned 8-byte word containing addr, and a masked write of it (byte i written when bit i of strb is set). */
uint64_t mmu_physmem_read_word(const mmu_physmem_t *pm, uint64_t addr);
int mmu_physmem_write_word(mmu_physmem_t *pm, uint64_t addr, uint64_t wdata, uint8_t strb);

/*
 * Blocks of any address and length (the OS side moves whole frames to and from swap): a read of len bytes into buf
 * that returns whether they were all zero; a write of len bytes from buf, or of zeros when buf is NULL. Zeros free
 * the storage of the 4 KiB pages they cover whole, so an evicted frame costs no host memory. Returns 0 or MMU_ENOMEM.
 */
bool mmu_physmem_read_block(const mmu_physmem_t *pm, uint64_t addr, void *buf, size_t len);
int mmu_physmem_write_block(mmu_physmem_t *pm, uint64_t addr, const void *buf, size_t len);

/* Number of 4 KiB pages allocated so far. */
size_t mmu_physmem_pages(const mmu_physmem_t *pm);

/* Calls fn for each allocated page in increasing address order (for dumps and comparisons). */
void mmu_physmem_foreach(const mmu_physmem_t *pm, void (*fn)(void *ctx, uint64_t page_addr, const uint8_t *bytes),
                         void *ctx);

#endif
