/* Presets: every field each one promises, that they start from the defaults, and the error for an unknown name. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "mmu/mmu_config.h"
#include "mmu/mmu_error.h"
#include "mmu/mmu_paging.h"

static mmu_cfg_t cfg;
static char msg[512];

static void apply(const char *name)
{
	int err = mmu_cfg_preset(&cfg, name, msg, sizeof msg);
	cr_assert_eq(err, 0, "preset %s: %s", name, msg);
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0, "preset %s is not a valid config: %s", name, msg);
}

Test(mmu_presets, ostep_is_the_homework_system)
{
	apply("ostep");
	const mmu_paging_cfg_t *p = &cfg.paging;
	cr_assert_eq(p->mode, MMU_MODE_TEXTBOOK);
	cr_assert_eq(p->levels, 2);
	cr_assert_eq(p->bits_per_level, 5);
	cr_assert_eq(p->page_bits, 5);
	cr_assert_eq(p->pte_bytes, 1);
	cr_assert_eq(p->pa_bits, 12);
	cr_assert_eq(p->present_bit, 7);
	cr_assert_eq(p->pfn_lsb, 0);
	cr_assert_eq(p->pfn_bits, 7);
	const int32_t absent[] = {p->writable_bit, p->user_bit,   p->accessed_bit,
	                          p->dirty_bit,    p->global_bit, p->nx_bit};
	for (size_t i = 0; i < sizeof absent / sizeof absent[0]; i++)
		cr_assert_eq(absent[i], -1, "flag %zu of the OSTEP PTE should be absent", i);
}

Test(mmu_presets, ostep_paging_has_15_bit_virtual_and_12_bit_physical_addresses)
{
	apply("ostep");
	mmu_paging_t pg;
	cr_assert_eq(mmu_paging_init(&pg, &cfg.paging, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(pg.va_bits, 15); /* 5 + 5 + 5 */
	cr_assert_eq(pg.pa_bits, 12); /* 7-bit PFN + 5-bit offset */
	/* 0x611c = 11000 01000 11100: PD index 24, PT index 8 */
	cr_assert_eq(mmu_paging_index(&pg, 0x611c, 2), 24);
	cr_assert_eq(mmu_paging_index(&pg, 0x611c, 1), 8);
	/* PDE 0xa1: valid, PFN 0x21 = 33 -> the table at 33 x 32 = 0x420 */
	cr_assert(mmu_pte_bit(0xa1, pg.bit_present));
	cr_assert_eq(mmu_pte_frame(&pg, 0xa1), 0x420);
	cr_assert(!mmu_pte_bit(0x7f, pg.bit_present), "0x7f is OSTEP's invalid entry");
}

Test(mmu_presets, ostep_has_small_tlbs_and_fast_memory)
{
	apply("ostep");
	cr_assert_eq(cfg.l2.entries, 0, "no L2 TLB");
	cr_assert_eq(cfg.mem.latency, 10);
	mmu_t *m;
	cr_assert_eq(mmu_create(&cfg, &m, msg, sizeof msg), 0);
	for (mmu_tlb_id_t id = MMU_TLB_L1I; id <= MMU_TLB_L1D; id++) {
		cr_assert_eq(mmu_tlb_sets(mmu_tlb(m, id)), 1, "4 entries, fully associative: one set");
		cr_assert_eq(mmu_tlb_ways(mmu_tlb(m, id)), 4);
	}
	cr_assert_null(mmu_tlb(m, MMU_TLB_L2));
	mmu_destroy(m);
}

Test(mmu_presets, textbook32_is_two_level_32_bit_paging)
{
	apply("textbook32");
	cr_assert_eq(cfg.paging.mode, MMU_MODE_X86_32);
	mmu_paging_t pg;
	cr_assert_eq(mmu_paging_init(&pg, &cfg.paging, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(pg.levels, 2);
	cr_assert_eq(pg.bits_per_level, 10);
	cr_assert_eq(pg.page_bits, 12, "4 KiB pages");
	cr_assert_eq(pg.va_bits, 32);
	cr_assert_eq(cfg.l1d.entries, 16);
	cr_assert_eq(cfg.l1d.ways, 4);
	cr_assert_eq(cfg.l2.entries, 0);
	cr_assert_eq(cfg.mem.latency, 100);
}

Test(mmu_presets, teaching_is_a_small_x86_64)
{
	apply("teaching");
	cr_assert_eq(cfg.paging.mode, MMU_MODE_X86_64);
	cr_assert_eq(cfg.paging.pa_bits, 32);
	cr_assert_eq(cfg.l1d.entries, 8);
	cr_assert_eq(cfg.l1d.ways, 2);
	cr_assert_eq(cfg.l1i.entries, 8);
	cr_assert_eq(cfg.l2.entries, 32);
	cr_assert_eq(cfg.l2.ways, 4);
	cr_assert_eq(cfg.l2.hit_latency, 4);
	cr_assert_eq(cfg.mem.latency, 20);
	cr_assert_eq(cfg.os.fault_cycles, 500);
}

Test(mmu_presets, a_preset_starts_from_the_defaults)
{
	mmu_cfg_default(&cfg);
	cfg.seed = 99;
	cfg.l1d.entries = 7;
	cfg.os.populate = true;
	apply("teaching");
	cr_assert_eq(cfg.seed, 1, "the default seed, not what cfg held");
	cr_assert_eq(cfg.l1d.entries, 8);
	cr_assert(!cfg.os.populate);
	cr_assert_eq(cfg.l1d.policy, MMU_POLICY_LRU, "keys the preset does not name keep their defaults");
	cr_assert_eq(cfg.l2.policy, MMU_POLICY_LRU);
}

Test(mmu_presets, set_after_a_preset_overrides_it)
{
	apply("ostep");
	cr_assert_eq(mmu_cfg_set(&cfg, "mem.latency", "3", msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(cfg.mem.latency, 3);
	cr_assert_eq(cfg.paging.page_bits, 5, "the rest of the preset stays");
}

Test(mmu_presets, unknown_name_is_an_error_listing_the_presets)
{
	mmu_cfg_default(&cfg);
	cr_assert_eq(mmu_cfg_preset(&cfg, "ostp", msg, sizeof msg), MMU_EKEY);
	cr_assert_str_eq(msg, "unknown preset 'ostp' (presets: ostep, textbook32, teaching, skylake, zen2)");
	cr_assert_eq(mmu_cfg_preset(&cfg, NULL, msg, sizeof msg), MMU_EKEY);
	cr_assert_eq(mmu_cfg_preset(&cfg, "OSTEP", msg, sizeof msg), MMU_EKEY, "names are case-sensitive");
}

Test(mmu_presets, the_table_can_be_listed)
{
	cr_assert_eq(mmu_cfg_preset_count(), 5);
	cr_assert_str_eq(mmu_cfg_preset_name(0), "ostep");
	cr_assert_str_eq(mmu_cfg_preset_name(1), "textbook32");
	cr_assert_str_eq(mmu_cfg_preset_name(2), "teaching");
	cr_assert_str_eq(mmu_cfg_preset_name(3), "skylake");
	cr_assert_str_eq(mmu_cfg_preset_name(4), "zen2");
	cr_assert_null(mmu_cfg_preset_name(5));
	cr_assert_null(mmu_cfg_preset_description(5));
	cr_assert_null(mmu_cfg_preset_settings(5));
	for (size_t i = 0; i < mmu_cfg_preset_count(); i++) {
		cr_assert(strlen(mmu_cfg_preset_description(i)) > 10);
		const char *const *s = mmu_cfg_preset_settings(i);
		cr_assert(s && s[0] && strchr(s[0], '='), "preset %zu has key=value settings", i);
	}
}

Test(mmu_presets, every_setting_is_a_key_of_the_config_table)
{
	for (size_t i = 0; i < mmu_cfg_preset_count(); i++)
		for (const char *const *s = mmu_cfg_preset_settings(i); *s; s++) {
			char key[128], value[64];
			const char *eq = strchr(*s, '=');
			cr_assert(eq && (size_t)(eq - *s) < sizeof key);
			memcpy(key, *s, (size_t)(eq - *s));
			key[eq - *s] = '\0';
			cr_assert_eq(mmu_cfg_get(&cfg, key, value, sizeof value), 0, "%s: unknown key", *s);
		}
}

Test(mmu_presets, listing_shows_names_and_settings)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cr_assert(f);
	mmu_cfg_preset_list(f);
	fclose(f);
	cr_assert(strstr(buf, "ostep: "), "%s", buf);
	cr_assert(strstr(buf, "textbook32: "));
	cr_assert(strstr(buf, "teaching: "));
	cr_assert(strstr(buf, "  --set paging.pte.present_bit=7\n"));
	free(buf);
}

/* The calibrated cores: the figures of their sources (mmu_presets.c cites them), walk caches on. */
Test(mmu_presets, skylake_has_the_documented_tlbs_and_walk_caches)
{
	apply("skylake");
	cr_assert_eq(cfg.paging.mode, MMU_MODE_X86_64);
	cr_assert_eq(cfg.l1i.entries, 128);
	cr_assert_eq(cfg.l1i.ways, 8);
	cr_assert_eq(cfg.l1d.entries, 64);
	cr_assert_eq(cfg.l1d.ways, 4);
	cr_assert_eq(cfg.l2.entries, 1536);
	cr_assert_eq(cfg.l2.ways, 12);
	cr_assert_eq(cfg.l2.hit_latency, 9);
	cr_assert_eq(cfg.pwc[4].entries, 4);
	cr_assert_eq(cfg.pwc[3].entries, 8);
	cr_assert_eq(cfg.pwc[2].entries, 32);
	cr_assert_eq(cfg.pwc[5].entries, 0);
	cr_assert_eq(cfg.mem.dcache.entries * cfg.mem.dcache_line_bytes, 32 * 1024, "32 KiB L1D");
	cr_assert_eq(cfg.mem.dcache.ways, 8);
	cr_assert_eq(cfg.mem.dcache.hit_latency, 4);
	cr_assert_eq(cfg.mem.latency, 42);
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0, "%s", msg);
}

Test(mmu_presets, zen2_has_the_documented_tlbs_and_walk_caches)
{
	apply("zen2");
	cr_assert_eq(cfg.l1i.entries, 64);
	cr_assert_eq(cfg.l1i.ways, 0, "fully associative");
	cr_assert_eq(cfg.l1d.entries, 64);
	cr_assert_eq(cfg.l1d.ways, 0, "fully associative");
	cr_assert_eq(cfg.l2.entries, 2048);
	cr_assert_eq(cfg.l2.ways, 16);
	cr_assert_eq(cfg.l2.hit_latency, 7);
	cr_assert_eq(cfg.pwc[2].entries, 64);
	cr_assert_eq(cfg.mem.dcache.entries * cfg.mem.dcache_line_bytes, 32 * 1024, "32 KiB L1D");
	cr_assert_eq(cfg.mem.latency, 39);
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0, "%s", msg);
}
