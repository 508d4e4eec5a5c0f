#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_error.h"

/*
 * Every key of mmu_config_keys.def, counted by hand: 4 per TLB x 3, mem 3, paging 6 + pte 9, cr3 1, os 8, seed 1,
 * page-walk caches and dcache 21.
 */
#define NUM_KEYS 64

static mmu_cfg_t cfg;
static char msg[512];

static void setup(void)
{
	mmu_cfg_default(&cfg);
	msg[0] = '\0';
}

TestSuite(mmu_config, .init = setup);

/* Writes text to a fresh file under /tmp; path receives its name. */
static void write_temp(const char *text, char path[static 32])
{
	strcpy(path, "/tmp/mmu_cfg_XXXXXX");
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0, "mkstemp failed");
	size_t n = strlen(text);
	cr_assert_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
}

/* Loads text as a config file into cfg; path receives the (already removed) file's name for message checks. */
static int load_text(const char *text, char path[static 32])
{
	write_temp(text, path);
	int err = mmu_cfg_load_file(&cfg, path, msg, sizeof msg);
	unlink(path);
	return err;
}

static void expect_set_error(const char *key, const char *value, const char *expected)
{
	int err = mmu_cfg_set(&cfg, key, value, msg, sizeof msg);
	cr_assert_eq(err, MMU_EINVAL, "%s=%s was accepted", key, value);
	if (expected)
		cr_assert_str_eq(msg, expected);
	else
		cr_assert(strstr(msg, key) == msg, "message does not start with the key: %s", msg);
}

static void expect_invalid(const char *expected)
{
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), MMU_EINVAL, "config accepted, wanted: %s", expected);
	cr_assert_str_eq(msg, expected);
}

static void expect_valid(void)
{
	int err = mmu_cfg_validate(&cfg, msg, sizeof msg);
	cr_assert_eq(err, 0, "config rejected: %s", msg);
}

/* ---- defaults ---- */

Test(mmu_config, defaults_tlbs)
{
	cr_assert_eq(cfg.l1i.entries, 128);
	cr_assert_eq(cfg.l1i.ways, 8);
	cr_assert_eq(cfg.l1i.policy, MMU_POLICY_LRU);
	cr_assert_eq(cfg.l1i.hit_latency, 1);
	cr_assert_eq(cfg.l1d.entries, 64);
	cr_assert_eq(cfg.l1d.ways, 4);
	cr_assert_eq(cfg.l1d.policy, MMU_POLICY_LRU);
	cr_assert_eq(cfg.l1d.hit_latency, 1);
	cr_assert_eq(cfg.l2.entries, 1536);
	cr_assert_eq(cfg.l2.ways, 12);
	cr_assert_eq(cfg.l2.policy, MMU_POLICY_LRU);
	cr_assert_eq(cfg.l2.hit_latency, 9);
}

Test(mmu_config, defaults_mem_os_seed)
{
	cr_assert_eq(cfg.mem.latency, 100);
	cr_assert_eq(cfg.mem.latency_max, 0);
	cr_assert_eq(cfg.mem.stall_max, 0);
	cr_assert_eq(cfg.pcid, false);
	cr_assert_eq(cfg.os.fault_cycles, 2000);
	cr_assert_eq(cfg.os.populate, false);
	cr_assert_eq(cfg.seed, 1);
}

Test(mmu_config, defaults_paging)
{
	const mmu_paging_cfg_t *p = &cfg.paging;
	cr_assert_eq(p->mode, MMU_MODE_X86_64);
	cr_assert_eq(p->pa_bits, 46);
	cr_assert_eq(p->levels, 2);
	cr_assert_eq(p->bits_per_level, 10);
	cr_assert_eq(p->page_bits, 12);
	cr_assert_eq(p->pte_bytes, 4);
	cr_assert_eq(p->present_bit, 0);
	cr_assert_eq(p->writable_bit, 1);
	cr_assert_eq(p->user_bit, 2);
	cr_assert_eq(p->accessed_bit, 5);
	cr_assert_eq(p->dirty_bit, 6);
	cr_assert_eq(p->global_bit, -1);
	cr_assert_eq(p->nx_bit, -1);
	cr_assert_eq(p->pfn_lsb, 12);
	cr_assert_eq(p->pfn_bits, 20);
}

Test(mmu_config, defaults_overwrite_every_field)
{
	memset(&cfg, 0xa5, sizeof cfg);
	mmu_cfg_default(&cfg);
	cr_assert_eq(cfg.l1d.entries, 64);
	cr_assert_eq(cfg.paging.nx_bit, -1);
	cr_assert_eq(cfg.os.populate, false);
	cr_assert_eq(cfg.seed, 1);
}

Test(mmu_config, defaults_are_valid)
{
	expect_valid();
}

Test(mmu_config, textbook_defaults_are_valid)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.mode", "textbook", msg, sizeof msg), 0);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.pa_bits", "32", msg, sizeof msg), 0);
	expect_valid();
}

/* ---- key table ---- */

Test(mmu_config, key_accessors)
{
	cr_assert_eq(mmu_cfg_key_count(), NUM_KEYS);
	cr_assert_str_eq(mmu_cfg_key_name(0), "tlb.l1i.entries");
	cr_assert_str_eq(mmu_cfg_key_default(0), "128");
	cr_assert_str_eq(mmu_cfg_key_unit(0), "entries");
	cr_assert_str_eq(mmu_cfg_key_description(0), "L1 instruction TLB capacity");
	cr_assert_str_eq(mmu_cfg_key_name(NUM_KEYS - 1), "seed");
	cr_assert_str_eq(mmu_cfg_key_default(NUM_KEYS - 1), "1");
	cr_assert_str_eq(mmu_cfg_key_unit(NUM_KEYS - 1), "");
	cr_assert_null(mmu_cfg_key_name(NUM_KEYS));
	cr_assert_null(mmu_cfg_key_unit(NUM_KEYS));
	cr_assert_null(mmu_cfg_key_description(NUM_KEYS));
	cr_assert_null(mmu_cfg_key_default(NUM_KEYS));
}

Test(mmu_config, key_names_unique)
{
	for (size_t i = 0; i < mmu_cfg_key_count(); i++)
		for (size_t j = i + 1; j < mmu_cfg_key_count(); j++)
			cr_assert_str_neq(mmu_cfg_key_name(i), mmu_cfg_key_name(j));
}

/* ---- numbers ---- */

Test(mmu_config, u32_decimal_and_hex)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.entries", "32", msg, sizeof msg), 0);
	cr_assert_eq(cfg.l1d.entries, 32);
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.entries", "0x40", msg, sizeof msg), 0);
	cr_assert_eq(cfg.l1d.entries, 64);
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.entries", "0XfF", msg, sizeof msg), 0);
	cr_assert_eq(cfg.l1d.entries, 255);
	cr_assert_eq(mmu_cfg_set(&cfg, "mem.latency", "0", msg, sizeof msg), 0);
	cr_assert_eq(cfg.mem.latency, 0);
}

Test(mmu_config, leading_zero_is_decimal_not_octal)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "mem.latency", "010", msg, sizeof msg), 0);
	cr_assert_eq(cfg.mem.latency, 10);
}

Test(mmu_config, u32_limits)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "mem.stall_max", "4294967295", msg, sizeof msg), 0);
	cr_assert_eq(cfg.mem.stall_max, 4294967295u);
	cr_assert_eq(mmu_cfg_set(&cfg, "mem.stall_max", "0xffffffff", msg, sizeof msg), 0);
	cr_assert_eq(cfg.mem.stall_max, 4294967295u);
	expect_set_error("mem.stall_max", "4294967296", "mem.stall_max: '4294967296' is out of range 0..4294967295");
	expect_set_error("mem.stall_max", "0x100000000", "mem.stall_max: '0x100000000' is out of range 0..4294967295");
	expect_set_error("mem.stall_max", "99999999999999999999999",
	                 "mem.stall_max: '99999999999999999999999' is out of range 0..4294967295");
}

Test(mmu_config, u64_limits)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "seed", "18446744073709551615", msg, sizeof msg), 0);
	cr_assert_eq(cfg.seed, UINT64_MAX);
	cr_assert_eq(mmu_cfg_set(&cfg, "os.fault_cycles", "0x123456789a", msg, sizeof msg), 0);
	cr_assert_eq(cfg.os.fault_cycles, UINT64_C(0x123456789a));
	expect_set_error("seed", "18446744073709551616",
	                 "seed: '18446744073709551616' is out of range 0..18446744073709551615");
	expect_set_error("seed", "0x10000000000000000", NULL);
}

Test(mmu_config, negative_unsigned_rejected)
{
	expect_set_error("tlb.l1d.entries", "-1", "tlb.l1d.entries: '-1' is negative (expected 0..4294967295)");
	expect_set_error("seed", "-5", "seed: '-5' is negative (expected 0..18446744073709551615)");
	cr_assert_eq(cfg.l1d.entries, 64);
	cr_assert_eq(cfg.seed, 1);
}

Test(mmu_config, not_a_number)
{
	const char *bad[] = {"abc", "", "64abc", "64 ", " 64", "+64", "1e3", "6 4", "0x", "0xg", "--1", "-", "64.0"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[128];
		snprintf(want, sizeof want, "tlb.l1d.entries: '%s' is not a number", bad[i]);
		expect_set_error("tlb.l1d.entries", bad[i], want);
	}
	cr_assert_eq(cfg.l1d.entries, 64, "a rejected value changed the field");
}

Test(mmu_config, null_value_rejected)
{
	expect_set_error("tlb.l1d.entries", NULL, "tlb.l1d.entries: no value given");
}

/* ---- booleans, signed, ways, words ---- */

Test(mmu_config, bool_spellings)
{
	const char *yes[] = {"1", "true", "on", "yes", "TRUE", "Yes"};
	const char *no[] = {"0", "false", "off", "no", "FALSE", "Off"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		cfg.pcid = false;
		cr_assert_eq(mmu_cfg_set(&cfg, "cr3.pcid", yes[i], msg, sizeof msg), 0, "%s", yes[i]);
		cr_assert_eq(cfg.pcid, true, "%s", yes[i]);
		cfg.os.populate = true;
		cr_assert_eq(mmu_cfg_set(&cfg, "os.populate", no[i], msg, sizeof msg), 0, "%s", no[i]);
		cr_assert_eq(cfg.os.populate, false, "%s", no[i]);
	}
}

Test(mmu_config, bool_bad)
{
	expect_set_error("cr3.pcid", "maybe", "cr3.pcid: 'maybe' is not one of 0, 1, true, false, on, off, yes, no");
	expect_set_error("cr3.pcid", "2", "cr3.pcid: '2' is not one of 0, 1, true, false, on, off, yes, no");
	expect_set_error("cr3.pcid", "", "cr3.pcid: '' is not one of 0, 1, true, false, on, off, yes, no");
	expect_set_error("os.populate", "truee", NULL);
}

Test(mmu_config, int_values)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.pte.nx_bit", "63", msg, sizeof msg), 0);
	cr_assert_eq(cfg.paging.nx_bit, 63);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.pte.global_bit", "0x8", msg, sizeof msg), 0);
	cr_assert_eq(cfg.paging.global_bit, 8);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.pte.dirty_bit", "-1", msg, sizeof msg), 0);
	cr_assert_eq(cfg.paging.dirty_bit, -1);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.pte.present_bit", "2147483647", msg, sizeof msg), 0);
	cr_assert_eq(cfg.paging.present_bit, 2147483647);
}

Test(mmu_config, int_bad)
{
	expect_set_error("paging.pte.nx_bit", "-2",
	                 "paging.pte.nx_bit: '-2' is out of range -1..2147483647 (-1 = none)");
	expect_set_error("paging.pte.nx_bit", "2147483648",
	                 "paging.pte.nx_bit: '2147483648' is out of range -1..2147483647 (-1 = none)");
	expect_set_error("paging.pte.nx_bit", "x", "paging.pte.nx_bit: 'x' is not a number");
	expect_set_error("paging.pte.nx_bit", "-", "paging.pte.nx_bit: '-' is not a number");
	expect_set_error("paging.pte.nx_bit", "3 ", "paging.pte.nx_bit: '3 ' is not a number");
	cr_assert_eq(cfg.paging.nx_bit, -1);
}

Test(mmu_config, ways_full_and_counts)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.ways", "full", msg, sizeof msg), 0);
	cr_assert_eq(cfg.l1d.ways, 0);
	cfg.l1d.ways = 4;
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.ways", "FULL", msg, sizeof msg), 0);
	cr_assert_eq(cfg.l1d.ways, 0);
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.ways", "16", msg, sizeof msg), 0);
	cr_assert_eq(cfg.l1d.ways, 16);
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.ways", "0x2", msg, sizeof msg), 0);
	cr_assert_eq(cfg.l1d.ways, 2);
}

Test(mmu_config, ways_bad)
{
	expect_set_error("tlb.l1d.ways", "0", "tlb.l1d.ways: '0' is not a positive count or 'full'");
	expect_set_error("tlb.l1d.ways", "-4", "tlb.l1d.ways: '-4' is not a positive count or 'full'");
	expect_set_error("tlb.l1d.ways", "fully", "tlb.l1d.ways: 'fully' is not a number or 'full'");
	expect_set_error("tlb.l1d.ways", "4294967296", "tlb.l1d.ways: '4294967296' is out of range 0..4294967295");
	cr_assert_eq(cfg.l1d.ways, 4);
}

Test(mmu_config, policy_values)
{
	const struct {
		const char *text;
		mmu_policy_t want;
	} cases[] = {{"plru", MMU_POLICY_PLRU},
	             {"fifo", MMU_POLICY_FIFO},
	             {"random", MMU_POLICY_RANDOM},
	             {"lru", MMU_POLICY_LRU},
	             {"PLRU", MMU_POLICY_PLRU}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l2.policy", cases[i].text, msg, sizeof msg), 0);
		cr_assert_eq(cfg.l2.policy, cases[i].want, "%s", cases[i].text);
	}
}

Test(mmu_config, policy_bad)
{
	expect_set_error("tlb.l1d.policy", "xyz", "tlb.l1d.policy: 'xyz' is not one of lru, plru, fifo, random");
	expect_set_error("tlb.l1d.policy", "", "tlb.l1d.policy: '' is not one of lru, plru, fifo, random");
	expect_set_error("tlb.l1d.policy", "1", "tlb.l1d.policy: '1' is not one of lru, plru, fifo, random");
	cr_assert_eq(cfg.l1d.policy, MMU_POLICY_LRU);
}

Test(mmu_config, mode_values)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.mode", "textbook", msg, sizeof msg), 0);
	cr_assert_eq(cfg.paging.mode, MMU_MODE_TEXTBOOK);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.mode", "x86_32", msg, sizeof msg), 0);
	cr_assert_eq(cfg.paging.mode, MMU_MODE_X86_32);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.mode", "x86_64", msg, sizeof msg), 0);
	cr_assert_eq(cfg.paging.mode, MMU_MODE_X86_64);
}

Test(mmu_config, mode_bad)
{
	expect_set_error("paging.mode", "arm",
	                 "paging.mode: 'arm' is not one of x86_64, x86_32, textbook, x86_64_la57, sv39, sv48, sv57");
	expect_set_error("paging.mode", "x86-64",
	                 "paging.mode: 'x86-64' is not one of x86_64, x86_32, textbook, x86_64_la57, sv39, sv48, sv57");
	cr_assert_eq(cfg.paging.mode, MMU_MODE_X86_64);
}

/* ---- unknown keys ---- */

static void expect_unknown(const char *key, const char *expected)
{
	cr_assert_eq(mmu_cfg_set(&cfg, key, "1", msg, sizeof msg), MMU_EKEY, "%s accepted", key);
	cr_assert_str_eq(msg, expected);
}

Test(mmu_config, unknown_key_suggests_nearest)
{
	expect_unknown("tlb.l1d.entrie", "unknown key 'tlb.l1d.entrie' (did you mean 'tlb.l1d.entries'?)");
	expect_unknown("tlb.l2.hti_latency", "unknown key 'tlb.l2.hti_latency' (did you mean 'tlb.l2.hit_latency'?)");
	expect_unknown("tlb.l1.ways", "unknown key 'tlb.l1.ways' (did you mean 'tlb.l1i.ways'?)");
	expect_unknown("mem.latancy", "unknown key 'mem.latancy' (did you mean 'mem.latency'?)");
	expect_unknown("sed", "unknown key 'sed' (did you mean 'seed'?)");
	/* short keys still get a distance of 2, longer ones a third of their length */
	expect_unknown("sd", "unknown key 'sd' (did you mean 'seed'?)");
	expect_unknown("tlb.l1d.exxxxes", "unknown key 'tlb.l1d.exxxxes' (did you mean 'tlb.l1d.entries'?)");
	expect_unknown("paging.pte.nx", "unknown key 'paging.pte.nx' (did you mean 'paging.pte.nx_bit'?)");
}

Test(mmu_config, unknown_key_far_from_all)
{
	expect_unknown("banana", "unknown key 'banana' (run 'mmusim config --list' for the valid keys)");
	expect_unknown("tlb.l3.entries.size",
	               "unknown key 'tlb.l3.entries.size' (run 'mmusim config --list' for the valid keys)");
	expect_unknown("tlb.l1d.xxxxxxx",
	               "unknown key 'tlb.l1d.xxxxxxx' (run 'mmusim config --list' for the valid keys)");
	expect_unknown("", "unknown key '' (run 'mmusim config --list' for the valid keys)");
	expect_unknown("TLB.L1D.ENTRIES",
	               "unknown key 'TLB.L1D.ENTRIES' (run 'mmusim config --list' for the valid keys)");
}

Test(mmu_config, unknown_key_long_input)
{
	char key[600];
	memset(key, 'q', sizeof key - 1);
	key[sizeof key - 1] = '\0';
	cr_assert_eq(mmu_cfg_set(&cfg, key, "1", msg, sizeof msg), MMU_EKEY);
	cr_assert(strncmp(msg, "unknown key 'qqq", 16) == 0, "%s", msg);
}

Test(mmu_config, null_or_tiny_message_buffer)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "nope", "1", NULL, 0), MMU_EKEY);
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.entries", "x", NULL, 0), MMU_EINVAL);
	char tiny[8];
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.entries", "x", tiny, sizeof tiny), MMU_EINVAL);
	cr_assert_str_eq(tiny, "tlb.l1d");
	cfg.l1d.ways = 3;
	cr_assert_eq(mmu_cfg_validate(&cfg, NULL, 0), MMU_EINVAL);
	cfg.l1d.ways = 4;
	cfg.paging.pa_bits = 99;
	cr_assert_eq(mmu_cfg_validate(&cfg, NULL, 0), MMU_EINVAL);
}

/* ---- validation ---- */

Test(mmu_config, validate_l1_needs_entries)
{
	cfg.l1i.entries = 0;
	expect_invalid("tlb.l1i.entries: 0, but an L1 TLB needs at least 1 entry");
	mmu_cfg_default(&cfg);
	cfg.l1d.entries = 0;
	expect_invalid("tlb.l1d.entries: 0, but an L1 TLB needs at least 1 entry");
}

Test(mmu_config, validate_l2_absent_skips_its_keys)
{
	cfg.l2.entries = 0;
	cfg.l2.ways = 7;
	cfg.l2.hit_latency = 0;
	cfg.l2.policy = MMU_POLICY_PLRU;
	expect_valid();
	cfg.l2.entries = 1536;
	expect_invalid("tlb.l2.ways: 7 does not divide tlb.l2.entries (1536)");
}

Test(mmu_config, validate_entries_limit)
{
	cfg.l2.entries = 1u << 20;
	cfg.l2.ways = 16;
	cfg.l2.policy = MMU_POLICY_PLRU;
	expect_valid();
	cfg.l2.entries = (1u << 20) + 16;
	expect_invalid("tlb.l2.entries: 1048592 is more than the limit of 1048576");
}

Test(mmu_config, validate_ways_more_than_entries)
{
	cfg.l1d.ways = 128;
	expect_invalid("tlb.l1d.ways: 128 is more than tlb.l1d.entries (64)");
}

Test(mmu_config, validate_ways_divide_entries)
{
	cfg.l1d.ways = 3;
	expect_invalid("tlb.l1d.ways: 3 does not divide tlb.l1d.entries (64)");
	mmu_cfg_default(&cfg);
	cfg.l1i.ways = 48;
	expect_invalid("tlb.l1i.ways: 48 does not divide tlb.l1i.entries (128)");
}

Test(mmu_config, validate_sets_power_of_two)
{
	cfg.l1d.entries = 48;
	expect_invalid("tlb.l1d.entries: 48 entries / 4 ways = 12 sets, not a power of two");
	/* the default L2 is 1536 / 12 = 128 sets: a non-power-of-two way count is fine */
	cfg.l1d.entries = 64;
	cfg.l2.entries = 1152;
	expect_invalid("tlb.l2.entries: 1152 entries / 12 ways = 96 sets, not a power of two");
}

Test(mmu_config, validate_fully_associative)
{
	cfg.l1d.entries = 48;
	cfg.l1d.ways = 0; /* full: one set of 48 ways */
	expect_valid();
	cfg.l1d.ways = 48;
	expect_valid();
	cfg.l1d.entries = 1;
	cfg.l1d.ways = 0;
	expect_valid();
}

Test(mmu_config, validate_plru_needs_power_of_two_ways)
{
	cfg.l2.policy = MMU_POLICY_PLRU;
	expect_invalid("tlb.l2.policy: plru needs a power-of-two tlb.l2.ways, not 12");
	cfg.l2.entries = 1024;
	cfg.l2.ways = 8;
	expect_valid();
	cfg.l1d.policy = MMU_POLICY_PLRU;
	cfg.l1d.entries = 48;
	cfg.l1d.ways = 0;
	expect_invalid("tlb.l1d.policy: plru needs a power-of-two tlb.l1d.ways, not 48");
	cfg.l1d.entries = 64;
	expect_valid();
	cfg.l1d.entries = 3;
	cfg.l1d.ways = 3;
	cfg.l1d.policy = MMU_POLICY_FIFO;
	expect_valid();
}

Test(mmu_config, validate_policy_out_of_enum)
{
	cfg.l1i.policy = (mmu_policy_t)7;
	expect_invalid("tlb.l1i.policy: 7 is not a valid policy");
}

Test(mmu_config, validate_hit_latency)
{
	cfg.l1d.hit_latency = 0;
	expect_invalid("tlb.l1d.hit_latency: 0 is not in 1..1000");
	cfg.l1d.hit_latency = 1000;
	expect_valid();
	cfg.l1d.hit_latency = 1001;
	expect_invalid("tlb.l1d.hit_latency: 1001 is not in 1..1000");
	cfg.l1d.hit_latency = 1;
	cfg.l2.hit_latency = 0;
	expect_invalid("tlb.l2.hit_latency: 0 is not in 1..1000");
}

Test(mmu_config, validate_mem_latency)
{
	cfg.mem.latency = 0;
	expect_invalid("mem.latency: 0 is not in 1..1000000");
	cfg.mem.latency = 1000000;
	expect_valid();
	cfg.mem.latency = 1000001;
	expect_invalid("mem.latency: 1000001 is not in 1..1000000");
}

Test(mmu_config, validate_mem_latency_max)
{
	cfg.mem.latency_max = 50;
	expect_invalid("mem.latency_max: 50 is below mem.latency (100); 0 means a fixed latency");
	cfg.mem.latency_max = 99;
	expect_invalid("mem.latency_max: 99 is below mem.latency (100); 0 means a fixed latency");
	cfg.mem.latency_max = 100;
	expect_valid();
	cfg.mem.latency_max = 150;
	expect_valid();
	cfg.mem.latency_max = 1000001;
	expect_invalid("mem.latency_max: 1000001 is more than the limit of 1000000");
}

Test(mmu_config, validate_stall_and_fault_bounds)
{
	cfg.mem.stall_max = 1000000;
	expect_valid();
	cfg.mem.stall_max = 1000001;
	expect_invalid("mem.stall_max: 1000001 is more than the limit of 1000000");
	cfg.mem.stall_max = 0;
	cfg.os.fault_cycles = 1000000001;
	expect_invalid("os.fault_cycles: 1000000001 is more than the limit of 1000000000");
}

Test(mmu_config, validate_paging_message_passed_through)
{
	cfg.paging.pa_bits = 60;
	expect_invalid("paging.pa_bits: 60 is not in 32..52 for paging.mode x86_64");
	cfg.paging.mode = MMU_MODE_TEXTBOOK;
	cfg.paging.pa_bits = 32;
	cfg.paging.pte_bytes = 3;
	expect_invalid("paging.pte_bytes: 3 is not 1, 2, 4 or 8");
	cfg.paging.pte_bytes = 4;
	cfg.paging.dirty_bit = 5;
	expect_invalid("paging.pte.dirty_bit: bit 5 is already used by another PTE field");
}

/* A frame field starting beyond the PTE: 4294967295 + 2 wraps to 1, which once passed the width check. */
Test(mmu_config, validate_pfn_field_beyond_the_pte)
{
	cfg.paging.mode = MMU_MODE_TEXTBOOK;
	cfg.paging.pa_bits = 32;
	cfg.paging.pfn_lsb = 4294967295u;
	cfg.paging.pfn_bits = 2;
	expect_invalid("paging.pte.pfn_lsb: 4294967295 is not a bit of a 4-byte PTE");
	cfg.paging.pfn_lsb = 32;
	cfg.paging.pfn_bits = 1;
	expect_invalid("paging.pte.pfn_lsb: 32 is not a bit of a 4-byte PTE");
	cfg.paging.pfn_lsb = 31;
	cfg.paging.pfn_bits = 4294967295u;
	expect_invalid("paging.pte.pfn_bits: 4294967295 bits from bit 31 do not fit a 4-byte PTE");
	cfg.paging.pfn_bits = 2;
	expect_invalid("paging.pte.pfn_bits: 2 bits from bit 31 do not fit a 4-byte PTE");
	cfg.paging.pfn_lsb = 12; /* bits 12..31: fits exactly */
	cfg.paging.pfn_bits = 20;
	expect_valid();
}

Test(mmu_config, validate_reports_first_block_first)
{
	cfg.l1i.ways = 3;
	cfg.mem.latency = 0;
	expect_invalid("tlb.l1i.ways: 3 does not divide tlb.l1i.entries (128)");
}

/* ---- get / set round trip ---- */

/* A non-default value for every key, and how get() must print it. */
static const struct {
	const char *key, *in, *out;
} round_trip[NUM_KEYS] = {
    {"tlb.l1i.entries", "0x100", "256"},
    {"tlb.l1i.ways", "full", "full"},
    {"tlb.l1i.policy", "plru", "plru"},
    {"tlb.l1i.hit_latency", "2", "2"},
    {"tlb.l1d.entries", "32", "32"},
    {"tlb.l1d.ways", "2", "2"},
    {"tlb.l1d.policy", "FIFO", "fifo"},
    {"tlb.l1d.hit_latency", "3", "3"},
    {"tlb.l2.entries", "0", "0"},
    {"tlb.l2.ways", "16", "16"},
    {"tlb.l2.policy", "random", "random"},
    {"tlb.l2.hit_latency", "7", "7"},
    {"pwc.l2.entries", "8", "8"},
    {"pwc.l2.ways", "2", "2"},
    {"pwc.l2.policy", "plru", "plru"},
    {"pwc.l2.hit_latency", "2", "2"},
    {"pwc.l3.entries", "4", "4"},
    {"pwc.l3.ways", "full", "full"},
    {"pwc.l3.policy", "FIFO", "fifo"},
    {"pwc.l3.hit_latency", "3", "3"},
    {"pwc.l4.entries", "2", "2"},
    {"pwc.l4.ways", "1", "1"},
    {"pwc.l4.policy", "random", "random"},
    {"pwc.l4.hit_latency", "4", "4"},
    {"pwc.l5.entries", "16", "16"},
    {"pwc.l5.ways", "4", "4"},
    {"pwc.l5.policy", "lru", "lru"},
    {"pwc.l5.hit_latency", "5", "5"},
    {"mem.latency", "120", "120"},
    {"mem.latency_max", "300", "300"},
    {"mem.stall_max", "5", "5"},
    {"dcache.lines", "0x200", "512"},
    {"dcache.line_bytes", "32", "32"},
    {"dcache.ways", "full", "full"},
    {"dcache.policy", "plru", "plru"},
    {"dcache.hit_latency", "5", "5"},
    {"paging.mode", "textbook", "textbook"},
    {"paging.pa_bits", "40", "40"},
    {"paging.levels", "3", "3"},
    {"paging.bits_per_level", "9", "9"},
    {"paging.page_bits", "0xc", "12"},
    {"paging.pte_bytes", "8", "8"},
    {"paging.pte.present_bit", "1", "1"},
    {"paging.pte.writable_bit", "-1", "-1"},
    {"paging.pte.user_bit", "3", "3"},
    {"paging.pte.accessed_bit", "4", "4"},
    {"paging.pte.dirty_bit", "7", "7"},
    {"paging.pte.global_bit", "8", "8"},
    {"paging.pte.nx_bit", "63", "63"},
    {"paging.pte.pfn_lsb", "10", "10"},
    {"paging.pte.pfn_bits", "30", "30"},
    {"paging.riscv.svadu", "1", "1"},
    {"paging.riscv.sum", "on", "1"},
    {"paging.riscv.mxr", "yes", "1"},
    {"cr3.pcid", "yes", "1"},
    {"os.fault_cycles", "0x10000000000", "1099511627776"},
    {"os.populate", "on", "1"},
    {"os.thp", "DENSE", "dense"},
    {"os.thp_density", "0x40", "64"},
    {"os.huge", "0x40000000:1G:1G, 0x600000000:0x400000:2M", "0x40000000:1G:1G,0x600000000:4M:2M"},
    {"os.mem_frames", "1024", "1024"},
    {"os.swap_in_cycles", "1000", "1000"},
    {"os.swap_out_cycles", "500", "500"},
    {"seed", "18446744073709551615", "18446744073709551615"},
};

Test(mmu_config, round_trip_table_covers_every_key)
{
	cr_assert_eq(mmu_cfg_key_count(), NUM_KEYS);
	for (size_t i = 0; i < NUM_KEYS; i++)
		cr_assert_str_eq(round_trip[i].key, mmu_cfg_key_name(i), "table order differs at %zu", i);
}

Test(mmu_config, set_then_get_every_key)
{
	char buf[64];
	for (size_t i = 0; i < NUM_KEYS; i++) {
		cr_assert_eq(mmu_cfg_set(&cfg, round_trip[i].key, round_trip[i].in, msg, sizeof msg), 0, "%s: %s",
		             round_trip[i].key, msg);
		cr_assert_eq(mmu_cfg_get(&cfg, round_trip[i].key, buf, sizeof buf), 0);
		cr_assert_str_eq(buf, round_trip[i].out, "%s", round_trip[i].key);
	}
}

Test(mmu_config, get_then_set_restores_every_key)
{
	for (size_t i = 0; i < NUM_KEYS; i++)
		cr_assert_eq(mmu_cfg_set(&cfg, round_trip[i].key, round_trip[i].in, msg, sizeof msg), 0);
	mmu_cfg_t copy;
	mmu_cfg_default(&copy);
	char buf[64];
	for (size_t i = 0; i < NUM_KEYS; i++) {
		cr_assert_eq(mmu_cfg_get(&cfg, round_trip[i].key, buf, sizeof buf), 0);
		cr_assert_eq(mmu_cfg_set(&copy, round_trip[i].key, buf, msg, sizeof msg), 0, "%s", msg);
	}
	cr_assert(memcmp(&copy, &cfg, sizeof cfg) == 0, "a key did not survive get then set");
}

Test(mmu_config, get_defaults_print_as_declared)
{
	const struct {
		const char *key, *want;
	} cases[] = {
	    {"tlb.l1i.entries", "128"},  {"tlb.l1d.ways", "4"},       {"tlb.l2.policy", "lru"},
	    {"tlb.l2.hit_latency", "9"}, {"paging.mode", "x86_64"},   {"paging.pte.nx_bit", "-1"},
	    {"cr3.pcid", "0"},           {"os.fault_cycles", "2000"}, {"seed", "1"},
	};
	char buf[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert_eq(mmu_cfg_get(&cfg, cases[i].key, buf, sizeof buf), 0);
		cr_assert_str_eq(buf, cases[i].want, "%s", cases[i].key);
	}
}

Test(mmu_config, get_errors)
{
	char buf[64] = "stale";
	cr_assert_eq(mmu_cfg_get(&cfg, "tlb.l1d.entrie", buf, sizeof buf), MMU_EKEY);
	cr_assert_str_eq(buf, "");
	char small[3];
	cr_assert_eq(mmu_cfg_get(&cfg, "tlb.l2.entries", small, sizeof small), MMU_ERANGE);
	cr_assert_eq(mmu_cfg_get(&cfg, "tlb.l1d.entries", small, sizeof small), 0);
	cr_assert_str_eq(small, "64");
	cfg.l1d.policy = (mmu_policy_t)9;
	cr_assert_eq(mmu_cfg_get(&cfg, "tlb.l1d.policy", buf, sizeof buf), 0);
	cr_assert_eq(mmu_cfg_set(&cfg, "tlb.l1d.policy", buf, msg, sizeof msg), MMU_EINVAL, "bad policy round-tripped");
}

/* ---- listing ---- */

static char *list_text(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	cr_assert_not_null(f);
	mmu_cfg_list(f);
	fclose(f);
	return text;
}

Test(mmu_config, list_has_every_key_aligned)
{
	char *text = list_text();
	cr_assert(strncmp(text, "key ", 4) == 0, "no header line: %.40s", text);
	const char *def_col = strstr(text, "default");
	cr_assert_not_null(def_col);
	long col = def_col - text;
	for (size_t i = 0; i < mmu_cfg_key_count(); i++) {
		char head[80];
		snprintf(head, sizeof head, "\n%s ", mmu_cfg_key_name(i));
		const char *line = strstr(text, head);
		cr_assert_not_null(line, "%s missing from the list", mmu_cfg_key_name(i));
		line++;
		const char *eol = strchr(line, '\n');
		cr_assert_not_null(eol);
		cr_assert(line[col - 1] == ' ' && line[col] != ' ', "default column of %s not aligned",
		          mmu_cfg_key_name(i));
		cr_assert(strncmp(line + col, mmu_cfg_key_default(i), strlen(mmu_cfg_key_default(i))) == 0,
		          "%s: default not in its column", mmu_cfg_key_name(i));
		const char *desc = strstr(line, mmu_cfg_key_description(i));
		cr_assert(desc && desc < eol, "%s: description missing", mmu_cfg_key_name(i));
	}
	free(text);
}

Test(mmu_config, list_spot_check)
{
	char *text = list_text();
	cr_assert_not_null(strstr(text, "L1 data TLB capacity"));
	cr_assert_not_null(strstr(text, "1536"));
	cr_assert_not_null(strstr(text, "x86_64"));
	size_t lines = 0;
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	cr_assert_eq(lines, NUM_KEYS + 1, "one header and one line per key");
	free(text);
}

/* ---- config files ---- */

Test(mmu_config, file_sections)
{
	char path[32];
	int err = load_text("seed = 0x10\n"
	                    "[tlb.l1d]\n"
	                    "entries = 32\n"
	                    "ways = full\n"
	                    "policy = plru\n"
	                    "[tlb.l2]\n"
	                    "entries = 0\n"
	                    "[mem]\n"
	                    "latency = 120\n"
	                    "[paging]\n"
	                    "mode = textbook\n"
	                    "[paging.pte]\n"
	                    "nx_bit = -1\n"
	                    "global_bit = 9\n"
	                    "[cr3]\n"
	                    "pcid = yes\n",
	                    path);
	cr_assert_eq(err, 0, "%s", msg);
	cr_assert_eq(cfg.seed, 16);
	cr_assert_eq(cfg.l1d.entries, 32);
	cr_assert_eq(cfg.l1d.ways, 0);
	cr_assert_eq(cfg.l1d.policy, MMU_POLICY_PLRU);
	cr_assert_eq(cfg.l2.entries, 0);
	cr_assert_eq(cfg.mem.latency, 120);
	cr_assert_eq(cfg.paging.mode, MMU_MODE_TEXTBOOK);
	cr_assert_eq(cfg.paging.nx_bit, -1);
	cr_assert_eq(cfg.paging.global_bit, 9);
	cr_assert_eq(cfg.pcid, true);
	cr_assert_eq(cfg.l1i.entries, 128, "untouched key changed");
}

Test(mmu_config, file_full_keys)
{
	char path[32];
	int err = load_text("mem.latency = 120\n"
	                    "tlb.l1i.entries=256\n"
	                    "os.populate: true\n"
	                    "paging.pte.pfn_bits = 24\n",
	                    path);
	cr_assert_eq(err, 0, "%s", msg);
	cr_assert_eq(cfg.mem.latency, 120);
	cr_assert_eq(cfg.l1i.entries, 256);
	cr_assert_eq(cfg.os.populate, true);
	cr_assert_eq(cfg.paging.pfn_bits, 24);
}

Test(mmu_config, file_section_joins_with_dotted_name)
{
	char path[32];
	int err = load_text("[tlb]\nl1d.entries = 16\n[paging]\npte.nx_bit = 63\n", path);
	cr_assert_eq(err, 0, "%s", msg);
	cr_assert_eq(cfg.l1d.entries, 16);
	cr_assert_eq(cfg.paging.nx_bit, 63);
}

Test(mmu_config, file_comments_blank_lines_indent)
{
	char path[32];
	int err = load_text("; a comment\n"
	                    "# another comment\n"
	                    "\n"
	                    "[tlb.l1d]   ; inline after a section\n"
	                    "    entries = 16   ; inline comment\n"
	                    "    ways = 2\n"
	                    "\tpolicy = fifo\n"
	                    "\n"
	                    "[mem]\n"
	                    "  latency = 7\n",
	                    path);
	cr_assert_eq(err, 0, "%s", msg);
	cr_assert_eq(cfg.l1d.entries, 16);
	cr_assert_eq(cfg.l1d.ways, 2, "indented line was taken as a continuation");
	cr_assert_eq(cfg.l1d.policy, MMU_POLICY_FIFO);
	cr_assert_eq(cfg.mem.latency, 7);
}

Test(mmu_config, file_crlf_and_no_final_newline)
{
	char path[32];
	int err = load_text("[tlb.l1d]\r\nentries = 8\r\nways = 8", path);
	cr_assert_eq(err, 0, "%s", msg);
	cr_assert_eq(cfg.l1d.entries, 8);
	cr_assert_eq(cfg.l1d.ways, 8);
}

Test(mmu_config, file_empty)
{
	char path[32];
	cr_assert_eq(load_text("", path), 0, "%s", msg);
	cr_assert_eq(cfg.l1d.entries, 64);
}

Test(mmu_config, file_unknown_key_line)
{
	char path[32], want[256];
	int err = load_text("; header\n"
	                    "[tlb.l1d]\n"
	                    "ways = 8\n"
	                    "entrie = 64\n",
	                    path);
	cr_assert_eq(err, MMU_EKEY);
	snprintf(want, sizeof want, "%s:4: unknown key 'tlb.l1d.entrie' (did you mean 'tlb.l1d.entries'?)", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_unknown_full_key)
{
	char path[32], want[256];
	int err = load_text("mem.latency = 5\nbanana = 1\n", path);
	cr_assert_eq(err, MMU_EKEY);
	snprintf(want, sizeof want, "%s:2: unknown key 'banana' (run 'mmusim config --list' for the valid keys)", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_bad_value_line)
{
	char path[32], want[256];
	int err = load_text("[tlb.l1d]\n\npolicy = xyz\n", path);
	cr_assert_eq(err, MMU_EINVAL);
	snprintf(want, sizeof want, "%s:3: tlb.l1d.policy: 'xyz' is not one of lru, plru, fifo, random", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_hash_is_not_an_inline_comment)
{
	char path[32], want[256];
	int err = load_text("[mem]\nlatency = 5 # cycles\n", path);
	cr_assert_eq(err, MMU_EINVAL);
	snprintf(want, sizeof want, "%s:2: mem.latency: '5 # cycles' is not a number", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_unclosed_section)
{
	char path[32], want[256];
	int err = load_text("seed = 3\n[tlb.l1d\nentries = 8\n", path);
	cr_assert_eq(err, MMU_EFORMAT);
	snprintf(want, sizeof want, "%s:2: section header without a closing ']': '[tlb.l1d'", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_line_without_equals)
{
	char path[32], want[256];
	int err = load_text("[mem]\nlatency = 3\n\n  latency 4\n", path);
	cr_assert_eq(err, MMU_EFORMAT);
	snprintf(want, sizeof want, "%s:4: syntax error: expected 'key = value', '[section]' or a comment: 'latency 4'",
	         path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_first_error_wins)
{
	char path[32], want[256];
	/* syntax error before a bad key */
	int err = load_text("[mem]\nnonsense\nlatency = 1\nlatenc = 2\n", path);
	cr_assert_eq(err, MMU_EFORMAT);
	snprintf(want, sizeof want, "%s:2: syntax error: expected 'key = value', '[section]' or a comment: 'nonsense'",
	         path);
	cr_assert_str_eq(msg, want);
	/* bad value before a syntax error */
	err = load_text("[mem]\nlatency = x\n[broken\n", path);
	cr_assert_eq(err, MMU_EINVAL);
	snprintf(want, sizeof want, "%s:2: mem.latency: 'x' is not a number", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_error_leaves_config_unchanged)
{
	char path[32];
	int err = load_text("[mem]\nlatency = 5\n[tlb.l1d]\nentries = 16\nways = zero\n", path);
	cr_assert_eq(err, MMU_EINVAL);
	cr_assert_eq(cfg.mem.latency, 100);
	cr_assert_eq(cfg.l1d.entries, 64);
	err = load_text("[mem]\n[\nlatency = 5\n", path);
	cr_assert_eq(err, MMU_EFORMAT);
	cr_assert_eq(cfg.mem.latency, 100, "a line after a syntax error was applied");
}

Test(mmu_config, file_long_line)
{
	char path[32], want[256];
	char text[600];
	strcpy(text, "[mem]\nlatency = 5\n; ");
	size_t n = strlen(text);
	memset(text + n, 'x', 400);
	strcpy(text + n + 400, "\nlatency = 6\n");
	int err = load_text(text, path);
	cr_assert_eq(err, MMU_EFORMAT);
	snprintf(want, sizeof want, "%s:3: line longer than", path);
	cr_assert(strncmp(msg, want, strlen(want)) == 0, "got: %s", msg);
	cr_assert_eq(cfg.mem.latency, 100);
}

/* A key given twice in one file: which value was meant is unknown, so neither is taken (the file is refused). */
Test(mmu_config, file_key_given_twice)
{
	char path[32], want[128];
	cr_assert_eq(load_text("[mem]\nlatency = 5\n\nlatency = 6\n", path), MMU_EINVAL);
	snprintf(want, sizeof want, "%s:4: mem.latency given a second time (first on line 2)", path);
	cr_assert_str_eq(msg, want);
	cr_assert_eq(cfg.mem.latency, 100);
	/* the same key in section form and in full */
	cr_assert_eq(load_text("mem.latency = 5\n[mem]\nlatency = 6\n", path), MMU_EINVAL);
	snprintf(want, sizeof want, "%s:3: mem.latency given a second time (first on line 1)", path);
	cr_assert_str_eq(msg, want);
}

/* A NUL byte once ended fgets()'s line early, so the rest of the line was read as the next line. */
Test(mmu_config, file_nul_byte)
{
	char path[32], want[128];
	write_temp("", path);
	FILE *f = fopen(path, "wb");
	cr_assert(f);
	fwrite("[mem]\nlatency = 5 ; x\0y = 1\n", 1, 28, f);
	fclose(f);
	int err = mmu_cfg_load_file(&cfg, path, msg, sizeof msg);
	unlink(path);
	cr_assert_eq(err, MMU_EFORMAT);
	snprintf(want, sizeof want, "%s:2: NUL byte in a config file (binary data?)", path);
	cr_assert_str_eq(msg, want);
	cr_assert_eq(cfg.mem.latency, 100);
}

Test(mmu_config, file_missing)
{
	const char *path = "/tmp/mmu_cfg_no_such_file_4e1f.ini";
	unlink(path);
	cr_assert_eq(mmu_cfg_load_file(&cfg, path, msg, sizeof msg), MMU_EIO);
	cr_assert_str_eq(msg, "/tmp/mmu_cfg_no_such_file_4e1f.ini: No such file or directory");
}

Test(mmu_config, file_is_directory)
{
	char dir[] = "/tmp/mmu_cfg_dir_XXXXXX";
	cr_assert_not_null(mkdtemp(dir));
	int err = mmu_cfg_load_file(&cfg, dir, msg, sizeof msg);
	rmdir(dir);
	cr_assert_eq(err, MMU_EIO);
	char want[64];
	snprintf(want, sizeof want, "%s: Is a directory", dir);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_unreadable)
{
	char path[32];
	write_temp("seed = 2\n", path);
	chmod(path, 0);
	/* root reads files whatever their mode: read as nobody instead (this test runs in its own process) */
	uid_t uid = geteuid();
	if (uid == 0 && seteuid(65534) != 0) {
		unlink(path);
		cr_skip_test("cannot drop root to test an unreadable file");
	}
	int err = mmu_cfg_load_file(&cfg, path, msg, sizeof msg);
	if (uid == 0)
		cr_assert_eq(seteuid(0), 0);
	unlink(path);
	cr_assert_eq(err, MMU_EIO);
	char want[64];
	snprintf(want, sizeof want, "%s: Permission denied", path);
	cr_assert_str_eq(msg, want);
}

Test(mmu_config, file_then_validate_names_key)
{
	char path[32];
	cr_assert_eq(load_text("[tlb.l1d]\nentries = 48\n", path), 0, "%s", msg);
	expect_invalid("tlb.l1d.entries: 48 entries / 4 ways = 12 sets, not a power of two");
}

Test(mmu_config, pcid_needs_pages_of_4k)
{
	mmu_cfg_t cfg;
	char msg[256] = "";
	mmu_cfg_default(&cfg);
	cfg.paging.mode = MMU_MODE_TEXTBOOK;
	cfg.paging.levels = 2;
	cfg.paging.bits_per_level = 5;
	cfg.paging.page_bits = 5;
	cfg.paging.pte_bytes = 1;
	cfg.paging.present_bit = 7;
	cfg.paging.writable_bit = cfg.paging.user_bit = cfg.paging.accessed_bit = cfg.paging.dirty_bit = -1;
	cfg.paging.pfn_lsb = 0;
	cfg.paging.pfn_bits = 7;
	cfg.paging.pa_bits = 12;
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), 0, "%s", msg);
	cfg.pcid = true;
	cr_assert_eq(mmu_cfg_validate(&cfg, msg, sizeof msg), MMU_EINVAL);
	cr_assert(strstr(msg, "cr3.pcid") != NULL, "%s", msg);
}

/* ---- huge pages and memory pressure (os.thp, os.huge, os.mem_frames) ---- */

Test(mmu_config, os_pressure_defaults_are_off)
{
	cr_assert_eq(cfg.os.thp, MMU_THP_NEVER);
	cr_assert_eq(cfg.os.huge.range[0].page_size, 0);
	cr_assert_eq(cfg.os.mem_frames, 0);
	cr_assert_eq(cfg.os.thp_density, 256);
	/* 80 us and 20 us at 3 GHz (README) */
	cr_assert_eq(cfg.os.swap_in_cycles, 240000);
	cr_assert_eq(cfg.os.swap_out_cycles, 60000);
}

Test(mmu_config, os_huge_parses_sizes_and_lists)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "os.huge", "0x200000:4M:2M,1G:1G:1G", msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(cfg.os.huge.range[0].va, 0x200000);
	cr_assert_eq(cfg.os.huge.range[0].size, 4u << 20);
	cr_assert_eq(cfg.os.huge.range[0].page_size, 2u << 20);
	cr_assert_eq(cfg.os.huge.range[1].va, 1u << 30);
	cr_assert_eq(cfg.os.huge.range[1].page_size, 1u << 30);
	cr_assert_eq(cfg.os.huge.range[2].page_size, 0);
	expect_valid();
	cr_assert_eq(mmu_cfg_set(&cfg, "os.huge", "none", msg, sizeof msg), 0);
	cr_assert_eq(cfg.os.huge.range[0].page_size, 0);
}

Test(mmu_config, os_huge_errors)
{
	expect_set_error("os.huge", "0x200000:4M", "os.huge: '0x200000:4M' is not VA:LENGTH:PAGESIZE");
	expect_set_error("os.huge", "0x200000:4Q:2M",
	                 "os.huge: LENGTH '4Q' is not a size (a number, optionally K, M or G)");
	expect_set_error("os.huge", "0x201000:4M:2M",
	                 "os.huge: range 0x201000:4M is empty, wraps, or is not aligned to its page size 2M");
	expect_set_error("os.huge", "0:4M:3M", "os.huge: page size 3M is not a power of two of at least 4K");
	expect_set_error("os.huge", "0:4M:2M,2M:2M:2M", "os.huge: ranges 1 and 2 overlap");
	expect_set_error("os.huge", "0:2M:2M,2M:2M:2M,4M:2M:2M,6M:2M:2M,8M:2M:2M", "os.huge: more than 4 ranges");
	cr_assert_eq(cfg.os.huge.range[0].page_size, 0, "a failed set left a value");
}

Test(mmu_config, os_huge_page_size_must_exist_in_the_mode)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "os.huge", "0:4M:4M", msg, sizeof msg), 0);
	expect_invalid("os.huge: range 1: 4M pages do not exist in paging mode x86_64");
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.mode", "x86_32", msg, sizeof msg), 0);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.pa_bits", "32", msg, sizeof msg), 0);
	expect_valid();
	cr_assert_eq(mmu_cfg_set(&cfg, "os.mem_frames", "1023", msg, sizeof msg), 0);
	expect_invalid("os.huge: range 1: one 4M page needs 1024 frames, more than os.mem_frames (1023)");
}

Test(mmu_config, os_thp_checks)
{
	expect_set_error("os.thp", "sometimes", "os.thp: 'sometimes' is not one of never, always, dense");
	cr_assert_eq(mmu_cfg_set(&cfg, "os.thp", "dense", msg, sizeof msg), 0);
	cr_assert_eq(mmu_cfg_set(&cfg, "os.thp_density", "513", msg, sizeof msg), 0);
	expect_invalid("os.thp_density: 513 is not in 1..512");
	cr_assert_eq(mmu_cfg_set(&cfg, "os.thp_density", "512", msg, sizeof msg), 0);
	expect_valid();
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.mode", "textbook", msg, sizeof msg), 0);
	cr_assert_eq(mmu_cfg_set(&cfg, "paging.pa_bits", "32", msg, sizeof msg), 0);
	expect_invalid("os.thp: paging mode textbook has no level-2 huge pages");
}

Test(mmu_config, os_mem_frames_excludes_populate)
{
	cr_assert_eq(mmu_cfg_set(&cfg, "os.mem_frames", "100", msg, sizeof msg), 0);
	expect_valid();
	cr_assert_eq(mmu_cfg_set(&cfg, "os.populate", "1", msg, sizeof msg), 0);
	expect_invalid("os.mem_frames: cannot be combined with os.populate (populating would evict before the run)");
	cr_assert_eq(mmu_cfg_set(&cfg, "os.populate", "0", msg, sizeof msg), 0);
	cr_assert_eq(mmu_cfg_set(&cfg, "os.swap_in_cycles", "1000000001", msg, sizeof msg), 0);
	expect_invalid("os.swap_in_cycles: 1000000001 is more than the limit of 1000000000");
}

/* ---- mmu_cfg_build: preset, file, --set, seed, and where a relation error comes from ---- */

Test(mmu_config, build_names_the_line_that_set_a_key)
{
	char path[32], want[160];
	write_temp("[tlb.l1d]\nentries = 48\n\nways = 5\n", path);
	mmu_cfg_sources_t src = {.file = path};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EINVAL);
	/* both keys come from the file: the later line is named */
	snprintf(want, sizeof want, "%s:4: tlb.l1d.ways: 5 does not divide tlb.l1d.entries (48)", path);
	cr_assert_str_eq(msg, want);
	/* --set comes after the file: it is the last setting of a key the message names */
	const char *sets[] = {"tlb.l1d.entries=40"};
	mmu_cfg_default(&cfg);
	src = (mmu_cfg_sources_t){.file = path, .sets = sets, .nsets = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), 0, "%s", msg); /* 40 / 5 = 8 sets: valid */
	const char *sets2[] = {"tlb.l1d.entries=45"};
	mmu_cfg_default(&cfg);
	src = (mmu_cfg_sources_t){.file = path, .sets = sets2, .nsets = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EINVAL);
	cr_assert_str_eq(msg,
	                 "--set tlb.l1d.entries=45: tlb.l1d.entries: 45 entries / 5 ways = 9 sets, not a power of two");
	unlink(path);
}

Test(mmu_config, build_preset_and_defaults)
{
	/* the default 4 ways against 3 entries from --set: the --set is named, the default is not a place */
	const char *sets[] = {"tlb.l1d.entries=3"};
	mmu_cfg_sources_t src = {.sets = sets, .nsets = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EINVAL);
	cr_assert_str_eq(msg, "--set tlb.l1d.entries=3: tlb.l1d.ways: 4 is more than tlb.l1d.entries (3)");
	/* a preset's key against a --set */
	const char *pcid[] = {"cr3.pcid=on"};
	mmu_cfg_default(&cfg);
	src = (mmu_cfg_sources_t){.preset = "ostep", .sets = pcid, .nsets = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EINVAL);
	cr_assert_str_eq(msg, "--set cr3.pcid=on: cr3.pcid: needs pages of at least 4 KiB (paging.page_bits >= 12), "
	                      "this mode has 5");
	/* errors of each source carry its option */
	src = (mmu_cfg_sources_t){.preset = "nosuch"};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EKEY);
	cr_assert(!strncmp(msg, "--preset: ", 10), "%s", msg);
	const char *bad[] = {"tlb.l1d.entries"};
	src = (mmu_cfg_sources_t){.sets = bad, .nsets = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EFORMAT);
	cr_assert_str_eq(msg, "--set 'tlb.l1d.entries': expected KEY=VALUE");
	src = (mmu_cfg_sources_t){.seed = "-3"};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EINVAL);
	cr_assert_str_eq(msg, "--seed: seed: '-3' is negative (expected 0..18446744073709551615)");
}

/* Groups of settings (compare's --common and columns, the co-simulation's --model-set): lists, order, names. */
Test(mmu_config, build_groups_apply_in_order_and_name_their_option)
{
	const char *common[] = {"tlb.l1d.entries=32,tlb.l1d.ways=2", "mem.latency=7"};
	const char *column[] = {"tlb.l1d.ways=8"};
	const mmu_cfg_args_t groups[] = {
	    {.option = "--common", .args = common, .nargs = 2, .lists = true},
	    {.option = "--set", .args = column, .nargs = 1, .lists = true},
	};
	const char *sets[] = {"mem.latency=9"};
	mmu_cfg_sources_t src = {.groups = groups, .ngroups = 2, .sets = sets, .nsets = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(cfg.l1d.entries, 32);
	cr_assert_eq(cfg.l1d.ways, 8, "the later group wins over the earlier");
	cr_assert_eq(cfg.mem.latency, 9, "sets come after the groups");
	/* a relation error names the setting of the list that set the key last, as its own --set would be named */
	const char *bad_column[] = {"tlb.l1d.entries=48,tlb.l1d.ways=5"};
	const mmu_cfg_args_t one[] = {{.option = "--set", .args = bad_column, .nargs = 1, .lists = true}};
	mmu_cfg_default(&cfg);
	src = (mmu_cfg_sources_t){.groups = one, .ngroups = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EINVAL);
	cr_assert_str_eq(msg, "--set tlb.l1d.ways=5: tlb.l1d.ways: 5 does not divide tlb.l1d.entries (48)");
	/* errors of a group carry its option */
	const char *nokey[] = {"mem.latency=3,tlb.l1d.entries"};
	const mmu_cfg_args_t g1[] = {{.option = "--common", .args = nokey, .nargs = 1, .lists = true}};
	src = (mmu_cfg_sources_t){.groups = g1, .ngroups = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EFORMAT);
	cr_assert_str_eq(msg, "--common 'tlb.l1d.entries': expected KEY=VALUE");
	const char *typo[] = {"tlb.l1d.entires=3"};
	const mmu_cfg_args_t g2[] = {{.option = "--model-set", .args = typo, .nargs = 1}};
	src = (mmu_cfg_sources_t){.groups = g2, .ngroups = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EKEY);
	cr_assert_str_eq(msg, "--model-set: unknown key 'tlb.l1d.entires' (did you mean 'tlb.l1d.entries'?)");
	/* without lists, a comma belongs to the value (os.huge takes a list of ranges) */
	const char *huge[] = {"os.huge=0x4000000:64M:2M,0x80000000:1G:1G"};
	const mmu_cfg_args_t g3[] = {{.option = "--set", .args = huge, .nargs = 1}};
	mmu_cfg_default(&cfg);
	src = (mmu_cfg_sources_t){.groups = g3, .ngroups = 1};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(cfg.os.huge.range[1].va, 0x80000000);
}

Test(mmu_config, build_unvalidated_leaves_relations_to_the_caller)
{
	const char *sets[] = {"tlb.l1d.ways=128"}; /* more ways than the default 64 entries: invalid alone */
	mmu_cfg_sources_t src = {.sets = sets, .nsets = 1, .unvalidated = true};
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), 0, "%s", msg);
	cr_assert_eq(cfg.l1d.ways, 128);
	src.unvalidated = false;
	mmu_cfg_default(&cfg);
	cr_assert_eq(mmu_cfg_build(&cfg, &src, msg, sizeof msg), MMU_EINVAL);
}
