/*
 * The text memory image reader (model/src/mem/mmu_memimage.c) on arbitrary text, in x86-64 mode; an image that loads
 * is then walked for 32 virtual addresses (one per PML4 slot in both halves, with the other indices spread) on both
 * engines (fuzz_walk_common.c), whatever its entries point to.
 * Properties: never a crash; errors name the input and, for a line, its number; a loaded image holds every word it
 * declared; every walk ends in a translation or a fault, the same on both engines.
 */
#define _GNU_SOURCE /* fmemopen */
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_walk_common.h"
#include "mmu/mmu_memimage.h"

#define NAME "image.txt"

typedef struct input {
	const uint8_t *data;
	size_t size;
	const mmu_paging_t *pg;
} input_t;

static int parse(const input_t *in, mmu_physmem_t *pm, mmu_memimage_info_t *info, char *msg, size_t msglen)
{
	FILE *f = in->size ? fmemopen((void *)in->data, in->size, "r") : fopen("/dev/null", "r");
	FUZZ_CHECK(f, "fmemopen");
	int rc = mmu_memimage_parse(f, NAME, in->pg, pm, info, msg, msglen);
	fclose(f);
	return rc;
}

static void fill(mmu_physmem_t *pm, const void *ctx)
{
	mmu_memimage_info_t info;
	char msg[600];
	FUZZ_CHECK(parse(ctx, pm, &info, msg, sizeof msg) == 0, "reload: %s", msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	mmu_paging_t pg;
	char msg[600];
	FUZZ_CHECK(mmu_paging_init(&pg, &cfg.paging, msg, sizeof msg) == 0, "%s", msg);
	mmu_physmem_t *pm;
	FUZZ_CHECK(mmu_physmem_create(&pm) == 0, "physmem");
	input_t in = {data, size, &pg};
	mmu_memimage_info_t info;
	int rc = parse(&in, pm, &info, msg, sizeof msg);
	size_t pages = mmu_physmem_pages(pm);
	mmu_physmem_destroy(pm);
	if (rc != 0) {
		FUZZ_CHECK(!strncmp(msg, NAME ":", strlen(NAME ":")), "message '%s'", msg);
		return 0;
	}
	FUZZ_CHECK(pages <= info.words, "%zu pages for %llu words", pages, (unsigned long long)info.words);
	fuzz_req_t reqs[32];
	for (unsigned i = 0; i < 32; i++) {
		uint64_t va = (uint64_t)(i * 16) << 39 | (uint64_t)(i * 7 % 512) << 30 |
		              (uint64_t)(i * 13 % 512) << 21 | (uint64_t)(i * 29 % 512) << 12 | (uint64_t)i << 3;
		if (va >> 47)
			va |= UINT64_C(0xffff000000000000);
		reqs[i] = (fuzz_req_t){.vaddr = va,
		                       .port = i % 3 == 2 ? MMU_REQ_I : MMU_REQ_D,
		                       .op = i % 3 == 0   ? MMU_OP_LOAD
		                             : i % 3 == 1 ? MMU_OP_STORE
		                                          : MMU_OP_FETCH,
		                       .user = i % 2};
	}
	fuzz_walk_compare(&cfg, fill, &in, info.cr3, reqs, 32);
	return 0;
}
