/*
 * A generated test: the page-table image (frames from ORACLE_TABLE_BASE up), the CR3 of each address space and the
 * list of accesses. Generators exist per paging mode (oracle_gen_<mode>.c); the job file format and the guest's
 * layout are in oracle_layout.h.
 */
#ifndef ORACLE_IMAGE_H
#define ORACLE_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "oracle_layout.h"

typedef struct oracle_image {
	uint8_t *tables; /* bytes of [oracle_image_table_base(), table_end) */
	uint64_t table_end;
	uint64_t roots[ORACLE_MAX_ROOTS]; /* CR3 or satp values */
	unsigned nroots;
	unsigned levels; /* x86: 4 or 5 (CR4.LA57 = 1); RISC-V: 3 (Sv39), 4 (Sv48), 5 (Sv57) */
	unsigned arch;   /* ORACLE_ARCH_* */
	oracle_access_t *acc;
	size_t naccess;
} oracle_image_t;

/* Where the physical layout of oracle_layout.h starts: 0 on x86, RAM's base on RISC-V's virt machine. */
static inline uint64_t oracle_image_ram_base(const oracle_image_t *img)
{
	return img->arch == ORACLE_ARCH_RISCV ? ORACLE_RV_RAM_BASE : 0;
}
static inline uint64_t oracle_image_table_base(const oracle_image_t *img)
{
	return oracle_image_ram_base(img) + ORACLE_TABLE_BASE;
}

typedef struct oracle_rng {
	uint64_t s;
} oracle_rng_t;

/* splitmix64: the oracle's own generator, so an image depends on its seed alone. */
static inline uint64_t oracle_rand(oracle_rng_t *r)
{
	uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}
static inline uint64_t oracle_below(oracle_rng_t *r, uint64_t n)
{
	return oracle_rand(r) % n;
}
static inline int oracle_chance(oracle_rng_t *r, unsigned percent)
{
	return oracle_below(r, 100) < percent;
}

/*
 * x86-64 paging of `levels` levels (4, or 5 with CR4.LA57 = 1) with MAXPHYADDR pa_bits (Intel SDM vol. 3A, 4.5).
 * Returns 0, or -1 when out of table space.
 */
int oracle_gen_x86_64(oracle_image_t *img, uint64_t seed, size_t naccess, unsigned pa_bits, unsigned levels);

/*
 * RISC-V paging of `levels` levels (3 Sv39, 4 Sv48, 5 Sv57; RISC-V privileged specification, 4.3-4.6), physical
 * addresses of 56 bits. Returns 0, or -1 when out of table space.
 */
int oracle_gen_riscv(oracle_image_t *img, uint64_t seed, size_t naccess, unsigned levels);

/* The paging.mode of an image: x86_64, x86_64_la57, sv39, sv48 or sv57. */
const char *oracle_image_mode(const oracle_image_t *img);

void oracle_image_free(oracle_image_t *img);
/* The job (header and accesses) and the table image as QEMU's loader takes them. Return 0 or -1 (errno set). */
int oracle_image_save(const oracle_image_t *img, const char *job_path, const char *tables_path);
int oracle_image_load(oracle_image_t *img, const char *job_path, const char *tables_path);
/* The tables as a text memory image (mmu_memimage.h) with the CR3 of address space `space`, for mmusim explain. */
void oracle_image_print(const oracle_image_t *img, unsigned space, FILE *out);

#endif
