#ifndef MMU_CONFIG_H
#define MMU_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Replacement policies of a TLB (docs/timing.md, rules R1-R5). */
typedef enum { MMU_POLICY_LRU = 0, MMU_POLICY_PLRU = 1, MMU_POLICY_FIFO = 2, MMU_POLICY_RANDOM = 3 } mmu_policy_t;

/*
 * Paging modes: the x86 and RISC-V ones are fixed tables; textbook takes its geometry from the paging.* keys. New
 * modes are appended, so the numbers of the older ones never change.
 */
typedef enum {
	MMU_MODE_X86_64 = 0,
	MMU_MODE_X86_32 = 1,
	MMU_MODE_TEXTBOOK = 2,
	MMU_MODE_X86_64_LA57 = 3, /* 5-level paging, 57-bit addresses (Intel SDM vol. 3A, 4.5) */
	MMU_MODE_SV39 = 4,        /* RISC-V privileged specification, Supervisor-Level ISA, Sv39 */
	MMU_MODE_SV48 = 5,
	MMU_MODE_SV57 = 6,
} mmu_mode_t;

typedef struct mmu_tlb_cfg {
	uint32_t entries; /* 0 only allowed for the L2 TLB (absent) */
	uint32_t ways;    /* ways == entries: fully associative */
	mmu_policy_t policy;
	uint32_t hit_latency; /* cycles, >= 1 */
} mmu_tlb_cfg_t;

typedef struct mmu_mem_cfg {
	uint32_t latency;     /* cycles from acceptance to response */
	uint32_t latency_max; /* > latency: uniform random latency per access */
	uint32_t stall_max;   /* > 0: random back-pressure before acceptance */
	/* The walker's data cache in front of the memory (model-only, docs/timing.md M6-M8): entries = lines, 0 = none;
	 * hit_latency replaces the memory latency of an access that hits. */
	mmu_tlb_cfg_t dcache;
	uint32_t dcache_line_bytes;
} mmu_mem_cfg_t;

typedef struct mmu_paging_cfg {
	mmu_mode_t mode;
	uint32_t pa_bits;
	/* textbook mode only */
	uint32_t levels, bits_per_level, page_bits, pte_bytes;
	int32_t present_bit, writable_bit, user_bit, accessed_bit, dirty_bit, global_bit, nx_bit;
	uint32_t pfn_lsb, pfn_bits;
	/* RISC-V modes only (docs/paging.md): A/D by the walker (Svadu) or by page faults (Svade); sstatus.SUM, MXR */
	bool riscv_svadu, riscv_sum, riscv_mxr;
} mmu_paging_cfg_t;

/* Transparent huge pages (os.thp): when a demand fault maps a huge page instead of a base page. */
typedef enum { MMU_THP_NEVER = 0, MMU_THP_ALWAYS = 1, MMU_THP_DENSE = 2 } mmu_thp_t;

/* os.huge: ranges of every process mapped with huge pages of one size, as hugetlbfs mappings are. */
#define MMU_OS_HUGE_MAX 4
typedef struct mmu_os_huge_range {
	uint64_t va, size, page_size; /* page_size 0: unused slot */
} mmu_os_huge_range_t;
typedef struct mmu_os_huge {
	mmu_os_huge_range_t range[MMU_OS_HUGE_MAX];
} mmu_os_huge_t;

typedef struct mmu_os_cfg {
	uint64_t fault_cycles;
	bool populate;
	/* all zero (the defaults of the fields below, and of a zeroed struct): base pages only, unlimited memory */
	mmu_thp_t thp;
	uint32_t thp_density; /* dense: present base pages of a region that trigger its collapse */
	mmu_os_huge_t huge;
	uint64_t mem_frames; /* frames for user pages; 0 = unlimited */
	uint64_t swap_in_cycles, swap_out_cycles;
} mmu_os_cfg_t;

/* Page-walk caches exist for levels 2 .. MMU_PWC_MAX_LEVEL (the entries of level n point to level n-1 tables). */
#define MMU_PWC_MIN_LEVEL 2
#define MMU_PWC_MAX_LEVEL 5

typedef struct mmu_cfg {
	mmu_tlb_cfg_t l1i, l1d, l2;
	/* page-walk caches by level (docs/timing.md W9-W12): pwc[n] caches level-n table entries; entries
	 * 0 = none; only indices MMU_PWC_MIN_LEVEL..MMU_PWC_MAX_LEVEL are used */
	mmu_tlb_cfg_t pwc[MMU_PWC_MAX_LEVEL + 1];
	mmu_mem_cfg_t mem;
	mmu_paging_cfg_t paging;
	bool pcid;
	mmu_os_cfg_t os;
	uint64_t seed;
} mmu_cfg_t;

/* Fills every field with the defaults of mmu_config_keys.def. */
void mmu_cfg_default(mmu_cfg_t *cfg);

/*
 * Sets one key from its textual value, as --set key=value does. Returns 0, or MMU_EKEY for an unknown key (the
 * message then suggests the nearest valid key), MMU_EINVAL for a value that does not parse or is out of range for the
 * key's type. The message always names the key.
 */
int mmu_cfg_set(mmu_cfg_t *cfg, const char *key, const char *value, char *msg, size_t msglen);

/*
 * Sets one key from "KEY=VALUE", the argument of --set. Returns 0, MMU_EFORMAT when there is no '=' or no key
 * before it (message "--set 'ARG': expected KEY=VALUE"), or mmu_cfg_set()'s error with its message after "--set: ".
 */
int mmu_cfg_set_arg(mmu_cfg_t *cfg, const char *arg, char *msg, size_t msglen);

/*
 * Reads an INI config file: `[tlb.l1d]` then `entries = 64` sets tlb.l1d.entries; keys may also be written in full
 * outside any section. Errors name the file, the line and the key; a key given twice is an error (which value was
 * meant?), and so is a NUL byte.
 */
int mmu_cfg_load_file(mmu_cfg_t *cfg, const char *path, char *msg, size_t msglen);

/*
 * A configuration from the command line's sources, in the order mmusim applies them onto cfg: a preset (which first
 * resets cfg to the defaults), an INI file, the groups of settings, each "KEY=VALUE" of --set, then the seed; the
 * result is validated (unless unvalidated). Errors carry the option that caused them ("--preset: ", "--set: ",
 * "--seed: ", a group's option, or the file's "FILE:LINE: "). A
 * validation error (a relation between keys) starts with where the keys it names were set, the last of them if
 * several: "FILE:LINE: ", "--set ARG: " or "--preset NAME: "; nothing when they all hold their defaults.
 */
typedef struct mmu_cfg_args {
	const char *option;      /* how messages name the arguments: "--set", "--common", "--model-set" */
	const char *const *args; /* nargs arguments, "KEY=VALUE" each */
	size_t nargs;
	bool lists; /* each argument is "KEY=VALUE,KEY=VALUE,...": no value may then hold a comma */
} mmu_cfg_args_t;

typedef struct mmu_cfg_sources {
	const char *preset;      /* NULL: none */
	const char *file;        /* NULL: none */
	const char *const *sets; /* nsets "KEY=VALUE" arguments */
	size_t nsets;
	const char *seed; /* NULL: none */
	/*
	 * Other settings of the command line, applied after the file and before sets, group by group, each setting as
	 * one --set (messages and origins name the group's option, e.g. "--common K=V"): compare's --common and its
	 * columns, the co-simulation's --model-set.
	 */
	const mmu_cfg_args_t *groups;
	size_t ngroups;
	bool unvalidated; /* leave the relations between keys unchecked (a sweep validates each point) */
} mmu_cfg_sources_t;

int mmu_cfg_build(mmu_cfg_t *cfg, const mmu_cfg_sources_t *src, char *msg, size_t msglen);

/* Checks the relations between keys (ways divide entries, sets a power of two, ...). The message names the key. */
int mmu_cfg_validate(const mmu_cfg_t *cfg, char *msg, size_t msglen);

/* Writes the current value of a key as text; returns MMU_EKEY for an unknown key. */
int mmu_cfg_get(const mmu_cfg_t *cfg, const char *key, char *buf, size_t buflen);

/* Number of keys, and the name / unit / description / default of key i, for listings and sweeps. */
size_t mmu_cfg_key_count(void);
const char *mmu_cfg_key_name(size_t i);
const char *mmu_cfg_key_unit(size_t i);
const char *mmu_cfg_key_description(size_t i);
const char *mmu_cfg_key_default(size_t i);

/* Prints every key with its default, unit and meaning (`mmusim config --list`). */
void mmu_cfg_list(FILE *out);

/*
 * Presets: named configurations (model/src/config/mmu_presets.c), e.g. "ostep" (the OSTEP multi-level paging homework's
 * system), "textbook32", "teaching". mmu_cfg_preset() sets every field to the defaults, then applies the preset's
 * keys, so the result does not depend on what cfg held; callers then apply a config file and --set on top. Returns
 * 0, or MMU_EKEY for an unknown name (the message lists the presets).
 */
int mmu_cfg_preset(mmu_cfg_t *cfg, const char *name, char *msg, size_t msglen);
size_t mmu_cfg_preset_count(void);
const char *mmu_cfg_preset_name(size_t i);
const char *mmu_cfg_preset_description(size_t i);
/* The key=value settings of preset i, NULL-terminated, in the order they are applied over the defaults. */
const char *const *mmu_cfg_preset_settings(size_t i);
/* Prints every preset with its description and settings (`mmusim config --presets`). */
void mmu_cfg_preset_list(FILE *out);

#endif
