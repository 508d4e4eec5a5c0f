/*
 * Named configurations. A preset is a list of key=value settings applied over the defaults with mmu_cfg_set(), the
 * same parser as --set, so a preset can never set a field the config table does not know, and adding one (a core
 * such as skylake or zen2) is one more row in the table below.
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

static const preset_t presets[] = {
    {"ostep", "OSTEP multi-level paging homework: 32 B pages, 15-bit VA, 12-bit PA, 2 levels, valid bit + 7-bit PFN",
     ostep_settings},
    {"textbook32", "32-bit two-level paging (x86_32), 4 KiB pages, 16-entry 4-way L1 TLBs, no L2, memory 100 cycles",
     textbook32_settings},
    {"teaching", "small x86-64: 8-entry 2-way L1 TLBs, 32-entry 4-way L2 TLB, memory 20 cycles, 32-bit PA",
     teaching_settings},
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
