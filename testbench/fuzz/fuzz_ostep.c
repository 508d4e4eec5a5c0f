/*
 * The OSTEP homework dump loader (model/src/os/mmu_ostep.c) on arbitrary text; a dump that loads is then walked for 32
 * virtual addresses (one per page-directory entry) on both engines of the "ostep" preset (fuzz_walk_common.c),
 * whatever its entries point to: pages not listed, the directory itself, themselves.
 * Properties: never a crash; errors name the input and, for a line, its number; a loaded dump is consistent (listed
 * pages counted, PDBR in range); every walk ends in a translation or a fault, the same on both engines.
 */
#define _GNU_SOURCE /* fmemopen */
#include <stdio.h>
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_walk_common.h"
#include "mmu/mmu_ostep.h"

#define NAME "dump.txt"

static void fill(mmu_physmem_t *pm, const void *ctx)
{
	uint64_t cr3;
	FUZZ_CHECK(mmu_ostep_load(ctx, pm, &cr3) == 0, "load");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static mmu_ostep_dump_t d;
	char msg[600];
	FILE *f = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	FUZZ_CHECK(f, "fmemopen");
	int rc = mmu_ostep_parse(f, NAME, &d, msg, sizeof msg);
	fclose(f);
	if (rc != 0) {
		FUZZ_CHECK(!strncmp(msg, NAME ":", strlen(NAME ":")), "message '%s'", msg);
		return 0;
	}
	unsigned listed = 0;
	for (unsigned i = 0; i < MMU_OSTEP_PAGES; i++)
		listed += d.listed[i];
	FUZZ_CHECK(listed == d.pages && d.pages > 0 && d.pdbr < MMU_OSTEP_PAGES, "pages %u listed %u pdbr %u", d.pages,
	           listed, d.pdbr);
	mmu_cfg_t cfg;
	FUZZ_CHECK(mmu_cfg_preset(&cfg, "ostep", msg, sizeof msg) == 0, "%s", msg);
	FUZZ_CHECK(mmu_ostep_check_config(&cfg, msg, sizeof msg) == 0, "%s", msg);
	fuzz_req_t reqs[32];
	for (unsigned i = 0; i < 32; i++) /* directory index i, table index 7i mod 32, offset i */
		reqs[i] = (fuzz_req_t){.vaddr = (uint64_t)i << 10 | (uint64_t)(i * 7 % 32) << 5 | i, .port = MMU_REQ_D};
	fuzz_walk_compare(&cfg, fill, &d, (uint64_t)d.pdbr * MMU_OSTEP_PAGE_BYTES, reqs, 32);
	return 0;
}
