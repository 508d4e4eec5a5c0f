/*
 * The walker on arbitrary physical-memory contents, in every paging mode, on both engines (fuzz_walk_common.c).
 * Input layout (fields little-endian, zero past the end of the input):
 *   byte 0      mode, mod 7: x86_64, x86_32, textbook (geometry from bytes 1-7), x86_64_la57, sv39, sv48, sv57
 *   bytes 1-7   textbook: levels, bits per level, page bits, PTE bytes, present / writable / accessed bit, PFN lsb;
 *               other modes: byte 1 the physical-address width (x86_64, la57: 32..52; RISC-V: 34..56), byte 2 bit 0
 *               turns the page-walk caches on, one per level (byte 3: their lookup time), bit 1 the walker's data
 *               cache (byte 4: its hit time, up to 40 cycles: slower than the memory behind it too); RISC-V: byte 2
 *               bit 2 Svadu (else Svade), bit 3 sstatus.SUM, bit 4 sstatus.MXR
 *   byte 8      memory: latency 1..8; bit 3: random latency up to +7; bit 4: stalls up to 3; bit 5: no L2 TLB;
 *               bit 6: random replacement; bit 7: PCIDs
 *   bytes 9-16  CR3; RISC-V: satp, its MODE field replaced by the mode's (a satp write of another MODE is ignored)
 *   byte 17     number of requests (1..16)
 *   then        per request: 8 bytes of virtual address, 1 byte (bit 0: fetch port, bits 1-2: op, bit 3: user)
 *   the rest    physical memory from address 0 (at most 64 KiB)
 * Configurations that do not validate are skipped: their rejection is the config target's subject.
 */
#include <string.h>

#include "fuzz_common.h"
#include "fuzz_walk_common.h"

#define MEM_MAX (64 * 1024)

typedef struct image {
	const uint8_t *bytes;
	size_t len;
} image_t;

static void fill(mmu_physmem_t *pm, const void *ctx)
{
	const image_t *im = ctx;
	for (size_t at = 0; at < im->len; at += 8) {
		size_t n = im->len - at < 8 ? im->len - at : 8;
		uint64_t v = 0;
		memcpy(&v, im->bytes + at, n); /* little-endian host, as the physical memory is */
		FUZZ_CHECK(mmu_physmem_write(pm, at, (unsigned)n, v) == 0, "physmem write");
	}
}

static void textbook(mmu_paging_cfg_t *p, const uint8_t *h)
{
	static const unsigned pte_bytes[4] = {1, 2, 4, 8};
	p->mode = MMU_MODE_TEXTBOOK;
	p->levels = 1 + h[1] % MMU_MAX_LEVELS;
	p->bits_per_level = 1 + h[2] % 12;
	p->page_bits = 2 + h[3] % 15;
	p->pte_bytes = pte_bytes[h[4] % 4];
	unsigned width = p->pte_bytes * 8;
	p->present_bit = (int32_t)(h[5] % width);
	p->writable_bit = h[6] & 0x80 ? -1 : (int32_t)(h[6] % width);
	p->accessed_bit = h[7] & 0x80 ? -1 : (int32_t)(h[7] % width);
	p->user_bit = p->dirty_bit = p->global_bit = p->nx_bit = -1;
	p->pfn_lsb = h[1] >> 5;
	p->pfn_bits = width > p->pfn_lsb ? width - p->pfn_lsb : 1;
	p->pa_bits = p->page_bits + 16 < 64 ? p->page_bits + 16 : 64;
}

/* The paging modes byte 0 picks from: the first three keep the meaning they had before the others existed, so the
 * seeds and crash inputs of those stay what they were. */
static const struct {
	mmu_mode_t mode;
	unsigned levels;
} modes[] = {{MMU_MODE_X86_64, 4}, {MMU_MODE_X86_32, 2}, {MMU_MODE_TEXTBOOK, 0}, {MMU_MODE_X86_64_LA57, 5},
             {MMU_MODE_SV39, 3},   {MMU_MODE_SV48, 4},   {MMU_MODE_SV57, 5}};
#define NMODES (sizeof modes / sizeof modes[0])

static void walk_caches(mmu_cfg_t *cfg, const uint8_t *h, unsigned levels)
{
	if (h[2] & 1) {
		for (unsigned n = 2; n <= levels; n++) { /* a cache for each level's entries but the leaf level's */
			cfg->pwc[n].entries = 4;
			cfg->pwc[n].ways = 0; /* fully associative */
			cfg->pwc[n].hit_latency = 1 + h[3] % 20;
		}
	}
	if (h[2] & 2) {
		cfg->mem.dcache.entries = 8;
		cfg->mem.dcache.ways = 2;
		cfg->mem.dcache.hit_latency = 1 + h[4] % 40;
		cfg->mem.dcache_line_bytes = 16;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	uint8_t h[9];
	for (unsigned i = 0; i < 9; i++)
		h[i] = (uint8_t)fuzz_take(&p, end, 1);
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	cfg.l1i.entries = cfg.l1d.entries = 4;
	cfg.l1i.ways = cfg.l1d.ways = 2;
	cfg.l2.entries = 16;
	cfg.l2.ways = 4;
	unsigned m = h[0] % NMODES;
	bool riscv = modes[m].mode == MMU_MODE_SV39 || modes[m].mode == MMU_MODE_SV48 || modes[m].mode == MMU_MODE_SV57;
	if (modes[m].mode != MMU_MODE_TEXTBOOK) /* model-only caches (docs/timing.md W9-W12, M6-M8) */
		walk_caches(&cfg, h, modes[m].levels);
	cfg.paging.mode = modes[m].mode;
	if (modes[m].mode == MMU_MODE_TEXTBOOK)
		textbook(&cfg.paging, h);
	else if (modes[m].mode == MMU_MODE_X86_64 || modes[m].mode == MMU_MODE_X86_64_LA57)
		cfg.paging.pa_bits = 32 + h[1] % 21;
	else if (riscv) {
		cfg.paging.pa_bits = 34 + h[1] % 23;
		cfg.paging.riscv_svadu = h[2] >> 2 & 1;
		cfg.paging.riscv_sum = h[2] >> 3 & 1;
		cfg.paging.riscv_mxr = h[2] >> 4 & 1;
	}
	cfg.mem.latency = 1 + (h[8] & 7);
	cfg.mem.latency_max = h[8] & 8 ? cfg.mem.latency + 7 : 0;
	cfg.mem.stall_max = h[8] & 16 ? 3 : 0;
	if (h[8] & 32)
		cfg.l2.entries = 0;
	if (h[8] & 64)
		cfg.l1d.policy = cfg.l2.policy = MMU_POLICY_RANDOM;
	cfg.pcid = h[8] >> 7;
	cfg.seed = h[1] ^ h[2];
	char msg[512];
	if (mmu_cfg_validate(&cfg, msg, sizeof msg) != 0)
		return 0;
	uint64_t cr3 = fuzz_take(&p, end, 8);
	if (riscv) /* satp.MODE (bits 63:60) of the configured mode, Priv 4.1.11: 8 Sv39, 9 Sv48, 10 Sv57 */
		cr3 = (cr3 & ~(UINT64_C(0xf) << 60)) | (uint64_t)(MMU_SATP_SV39 + modes[m].levels - 3) << 60;
	unsigned n = 1 + (unsigned)fuzz_take(&p, end, 1) % 16;
	fuzz_req_t reqs[16];
	for (unsigned i = 0; i < n; i++) {
		reqs[i].vaddr = fuzz_take(&p, end, 8);
		uint8_t b = (uint8_t)fuzz_take(&p, end, 1);
		reqs[i].port = b & 1 ? MMU_REQ_I : MMU_REQ_D;
		reqs[i].op = (mmu_op_t)(((b >> 1) & 3) % 3);
		reqs[i].user = (b >> 3) & 1;
	}
	image_t im = {.bytes = p, .len = (size_t)(end - p) < MEM_MAX ? (size_t)(end - p) : MEM_MAX};
	fuzz_walk_compare(&cfg, fill, &im, cr3, reqs, n);
	return 0;
}
