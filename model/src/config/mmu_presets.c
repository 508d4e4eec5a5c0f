/*
 * Named configurations. A preset is a list of key=value settings applied over the defaults with mmu_cfg_set(), the
 * same parser as --set, so a preset can never set a field the config table does not know, and adding one is one
 * more row in the table below. The sources of the calibrated presets are cited per value and in README.md.
 */
#include <string.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_error.h"

typedef struct preset {
	const char *name;
	const char *description;
	const char *const *settings; /* NULL-terminated */
} preset_t;

/*
 * The system of OSTEP's multi-level paging homework (chapter "Paging: Smaller Tables"): 32-byte pages, 15-bit
 * virtual addresses (5-bit directory index, 5-bit table index, 5-bit offset), 12-bit physical addresses, one-byte
 * PDEs and PTEs holding a valid bit (7) and a 7-bit frame number, nothing else. The TLBs are small so that a lecture
 * sees misses; memory is fast so the cycle counts stay readable.
 */
static const char *const ostep_settings[] = {
    "paging.mode=textbook",
    "paging.levels=2",
    "paging.bits_per_level=5",
    "paging.page_bits=5",
    "paging.pte_bytes=1",
    "paging.pa_bits=12",
    "paging.pte.present_bit=7",
    "paging.pte.writable_bit=-1",
    "paging.pte.user_bit=-1",
    "paging.pte.accessed_bit=-1",
    "paging.pte.dirty_bit=-1",
    "paging.pte.global_bit=-1",
    "paging.pte.nx_bit=-1",
    "paging.pte.pfn_lsb=0",
    "paging.pte.pfn_bits=7",
    "tlb.l1i.entries=4",
    "tlb.l1i.ways=full",
    "tlb.l1d.entries=4",
    "tlb.l1d.ways=full",
    "tlb.l2.entries=0",
    "mem.latency=10",
    "os.fault_cycles=1000",
    NULL,
};

/* The classic 32-bit two-level system (x86 without PAE): 10 + 10 + 12 bits, 4 KiB pages, one TLB level. */
static const char *const textbook32_settings[] = {
    "paging.mode=x86_32", "tlb.l1i.entries=16", "tlb.l1i.ways=4",  "tlb.l1d.entries=16",
    "tlb.l1d.ways=4",     "tlb.l2.entries=0",   "mem.latency=100", NULL,
};

/* A small x86-64 system: every structure of the real one (4 levels, L1 and L2 TLBs), sized for examples. */
static const char *const teaching_settings[] = {
    "paging.mode=x86_64",   "paging.pa_bits=32", "tlb.l1i.entries=8",   "tlb.l1i.ways=2",
    "tlb.l1d.entries=8",    "tlb.l1d.ways=2",    "tlb.l2.entries=32",   "tlb.l2.ways=4",
    "tlb.l2.hit_latency=4", "mem.latency=20",    "os.fault_cycles=500", NULL,
};

/*
 * Intel Skylake client core, with the walk caches on (docs/timing.md W9-W12, M6-M8; the dcache is model-only).
 * - TLBs: Intel 64 and IA-32 Architectures Optimization Reference Manual, chapter 2 (Skylake microarchitecture),
 *   TLB parameters table: ITLB 128 entries 8-way, DTLB 64 entries 4-way, STLB 1536 entries 12-way (4 KiB pages).
 *   STLB hit: about 9 cycles after an L1 DTLB miss (7-cpu.com, Intel Skylake page, "Data TLB").
 * - Page-walk caches: Intel documents their existence (SDM vol. 3A, 4.10.3) but not their sizes; these are the sizes
 *   of ChampSim's default page-table walker (page-structure caches: PML4E 1 x 4, PDPTE 2 x 4, PDE 4 x 8), a
 *   Skylake-like configuration used in simulation studies. One cycle per lookup is an assumption.
 * - dcache = the L1 data cache: same manual, cache parameters table (L1D 32 KiB, 8-way, 64-byte lines, fastest
 *   load-to-use 4 cycles).
 * - mem.latency = what a page-table line missing L1D costs: the L3 hit latency, 42 cycles (7-cpu.com, Skylake
 *   i7-6700; the manual's table gives 44). The program's own data accesses are not modelled; in large footprints
 *   they push page-table lines out of L1D and L2, so L3 is the typical source.
 * - paging.pa_bits = 39: MAXPHYADDR of Skylake client parts (CPUID 80000008h).
 */
static const char *const skylake_settings[] = {
    "paging.mode=x86_64",    "paging.pa_bits=39",
    "tlb.l1i.entries=128",   "tlb.l1i.ways=8",
    "tlb.l1i.hit_latency=1", "tlb.l1d.entries=64",
    "tlb.l1d.ways=4",        "tlb.l1d.hit_latency=1",
    "tlb.l2.entries=1536",   "tlb.l2.ways=12",
    "tlb.l2.hit_latency=9",  "pwc.l4.entries=4",
    "pwc.l4.ways=full",      "pwc.l4.hit_latency=1",
    "pwc.l3.entries=8",      "pwc.l3.ways=4",
    "pwc.l3.hit_latency=1",  "pwc.l2.entries=32",
    "pwc.l2.ways=8",         "pwc.l2.hit_latency=1",
    "dcache.lines=512",      "dcache.line_bytes=64",
    "dcache.ways=8",         "dcache.hit_latency=4",
    "mem.latency=42",        NULL,
};

/*
 * AMD Zen 2 core (family 17h, models 30h and above), with the walk caches on (the dcache model-only).
 * - TLBs: Software Optimization Guide for AMD Family 17h Models 30h and Greater Processors, chapter 2 (translation
 *   lookaside buffers): L1 ITLB and L1 DTLB 64 entries fully associative; L2 DTLB 2048 entries 16-way (the model has
 *   one unified L2 TLB: it takes the data side's). L2 TLB hit: about 7 cycles after an L1 DTLB miss (7-cpu.com, AMD
 *   Zen 2 page, "Data TLB").
 * - Page-walk caches: the guide describes a page directory cache for the upper levels without sizes; the model
 *   takes PML4E 4, PDPTE 8 (fully associative) and PDE 64 entries (16 sets x 4) as an assumption of the same order
 *   as Intel's.
 * - dcache = the L1 data cache: same guide, chapter 2 (L1 data cache 32 KiB, 8-way, 64-byte lines, 4-cycle
 *   load-to-use for integer loads).
 * - mem.latency = the L3 hit latency, about 39 cycles (7-cpu.com, AMD Zen 2 page), for the reason given above.
 * - paging.pa_bits = 48.
 */
static const char *const zen2_settings[] = {
    "paging.mode=x86_64",    "paging.pa_bits=48",
    "tlb.l1i.entries=64",    "tlb.l1i.ways=full",
    "tlb.l1i.hit_latency=1", "tlb.l1d.entries=64",
    "tlb.l1d.ways=full",     "tlb.l1d.hit_latency=1",
    "tlb.l2.entries=2048",   "tlb.l2.ways=16",
    "tlb.l2.hit_latency=7",  "pwc.l4.entries=4",
    "pwc.l4.ways=full",      "pwc.l4.hit_latency=1",
    "pwc.l3.entries=8",      "pwc.l3.ways=full",
    "pwc.l3.hit_latency=1",  "pwc.l2.entries=64",
    "pwc.l2.ways=4",         "pwc.l2.hit_latency=1",
    "dcache.lines=512",      "dcache.line_bytes=64",
    "dcache.ways=8",         "dcache.hit_latency=4",
    "mem.latency=39",        NULL,
};

static const preset_t presets[] = {
    {"ostep", "OSTEP multi-level paging homework: 32 B pages, 15-bit VA, 12-bit PA, 2 levels, valid bit + 7-bit PFN",
     ostep_settings},
    {"textbook32", "32-bit two-level paging (x86_32), 4 KiB pages, 16-entry 4-way L1 TLBs, no L2, memory 100 cycles",
     textbook32_settings},
    {"teaching", "small x86-64: 8-entry 2-way L1 TLBs, 32-entry 4-way L2 TLB, memory 20 cycles, 32-bit PA",
     teaching_settings},
    {"skylake",
     "Intel Skylake client: TLBs 128/64/1536 entries, STLB 9 cycles, page-walk caches PML4E 4, PDPTE 8, PDE 32, "
     "32 KiB L1D (4 cycles) in front of L3 (42 cycles)",
     skylake_settings},
    {"zen2",
     "AMD Zen 2: L1 TLBs 64 entries fully associative, L2 TLB 2048 16-way 7 cycles, page-walk caches PML4E 4, "
     "PDPTE 8, PDE 64, 32 KiB L1D (4 cycles) in front of L3 (39 cycles)",
     zen2_settings},
};

#define NPRESETS (sizeof presets / sizeof presets[0])

static void list_names(char *buf, size_t buflen)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NPRESETS && used < buflen; i++) {
		int n = snprintf(buf + used, buflen - used, "%s%s", i ? ", " : "", presets[i].name);
		if (n < 0)
			return;
		used += (size_t)n;
	}
}

/* One "key=value" row; an error here is a broken table, and the message says which row. */
static int apply_setting(mmu_cfg_t *cfg, const char *setting, char *msg, size_t msglen)
{
	char key[128], inner[256];
	const char *eq = strchr(setting, '=');
	size_t klen = eq ? (size_t)(eq - setting) : 0;
	if (!klen || klen >= sizeof key) {
		snprintf(msg, msglen, "preset setting '%s' is not key=value", setting);
		return MMU_EINVAL;
	}
	memcpy(key, setting, klen);
	key[klen] = '\0';
	int err = mmu_cfg_set(cfg, key, eq + 1, inner, sizeof inner);
	if (err)
		snprintf(msg, msglen, "preset setting '%s': %s", setting, inner);
	return err;
}

int mmu_cfg_preset(mmu_cfg_t *cfg, const char *name, char *msg, size_t msglen)
{
	const preset_t *p = NULL;
	for (size_t i = 0; i < NPRESETS && name; i++)
		if (!strcmp(presets[i].name, name))
			p = &presets[i];
	if (!p) {
		char names[256];
		list_names(names, sizeof names);
		snprintf(msg, msglen, "unknown preset '%s' (presets: %s)", name ? name : "", names);
		return MMU_EKEY;
	}
	mmu_cfg_default(cfg);
	for (const char *const *s = p->settings; *s; s++) {
		int err = apply_setting(cfg, *s, msg, msglen);
		if (err)
			return err;
	}
	return 0;
}

size_t mmu_cfg_preset_count(void)
{
	return NPRESETS;
}

const char *mmu_cfg_preset_name(size_t i)
{
	return i < NPRESETS ? presets[i].name : NULL;
}

const char *mmu_cfg_preset_description(size_t i)
{
	return i < NPRESETS ? presets[i].description : NULL;
}

const char *const *mmu_cfg_preset_settings(size_t i)
{
	return i < NPRESETS ? presets[i].settings : NULL;
}

void mmu_cfg_preset_list(FILE *out)
{
	for (size_t i = 0; i < NPRESETS; i++) {
		fprintf(out, "%s: %s\n", presets[i].name, presets[i].description);
		for (const char *const *s = presets[i].settings; *s; s++)
			fprintf(out, "  --set %s\n", *s);
	}
}
