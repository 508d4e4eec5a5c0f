/*
 * The config parser (model/src/config/mmu_config.c): INI files and --set arguments, then validation.
 * Input: one control byte, then the text. Control bit 0: the text is an INI file (mmu_cfg_load_file) or one --set
 * argument per line (mmu_cfg_set_arg); bits 1-3: start from a preset (0 = the defaults).
 * Properties: never a crash; a failed load leaves the config as it was and names the file (and its line when it is
 * about a line); a config that validates builds an MMU; every key reads back and sets again to the same value.
 */
#include <string.h>

#include "fuzz_common.h"
#include "mmu/mmu.h"
#include "mmu/mmu_config.h"
#include "mmu/mmu_paging.h"

static void check_round_trip(const mmu_cfg_t *cfg)
{
	for (size_t i = 0; i < mmu_cfg_key_count(); i++) {
		const char *key = mmu_cfg_key_name(i);
		char v[64], msg[512];
		FUZZ_CHECK(mmu_cfg_get(cfg, key, v, sizeof v) == 0, "%s does not read back", key);
		mmu_cfg_t copy = *cfg;
		FUZZ_CHECK(mmu_cfg_set(&copy, key, v, msg, sizeof msg) == 0, "%s = '%s' read back but refused: %s", key,
		           v, msg);
		FUZZ_CHECK(!memcmp(&copy, cfg, sizeof copy), "%s = '%s' changed the config", key, v);
	}
}

/* A geometry that validates fits its PTE: the walker shifts by these positions without further checks. */
static void check_geometry(const mmu_cfg_t *cfg)
{
	mmu_paging_t pg;
	char msg[512];
	FUZZ_CHECK(mmu_paging_init(&pg, &cfg->paging, msg, sizeof msg) == 0, "validated, then refused: %s", msg);
	uint64_t width = 8 * (uint64_t)pg.pte_bytes;
	FUZZ_CHECK(pg.levels >= 1 && pg.levels <= MMU_MAX_LEVELS && pg.va_bits <= 64 && pg.pa_bits <= 64,
	           "levels %u va_bits %u pa_bits %u", pg.levels, pg.va_bits, pg.pa_bits);
	FUZZ_CHECK((uint64_t)pg.pfn_lsb + pg.pfn_bits <= width, "frame field %u+%u in a %u-byte PTE", pg.pfn_lsb,
	           pg.pfn_bits, pg.pte_bytes);
	const int flags[] = {pg.bit_present, pg.bit_writable, pg.bit_user,   pg.bit_accessed,
	                     pg.bit_dirty,   pg.bit_pagesize, pg.bit_global, pg.bit_nx};
	for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
		FUZZ_CHECK(flags[i] >= -1 && flags[i] < (int)width, "flag bit %d in a %u-byte PTE", flags[i],
		           pg.pte_bytes);
}

static void load_ini(mmu_cfg_t *cfg, const uint8_t *text, size_t len)
{
	const char *path = fuzz_file(text, len);
	char msg[600];
	mmu_cfg_t before = *cfg;
	if (mmu_cfg_load_file(cfg, path, msg, sizeof msg) == 0)
		return;
	FUZZ_CHECK(!memcmp(&before, cfg, sizeof before), "a failed load changed the config");
	size_t n = strlen(path);
	FUZZ_CHECK(!strncmp(msg, path, n) && msg[n] == ':', "message without the file name: '%s'", msg);
	unsigned long line = strtoul(msg + n + 1, NULL, 10);
	size_t lines = 1;
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	FUZZ_CHECK(line <= lines, "line %lu of a %zu-line file: '%s'", line, lines, msg);
}

static void set_lines(mmu_cfg_t *cfg, const uint8_t *text, size_t len)
{
	char *arg = malloc(len + 1);
	FUZZ_CHECK(arg, "out of memory");
	size_t at = 0;
	while (at <= len) {
		size_t end = at;
		while (end < len && text[end] != '\n')
			end++;
		memcpy(arg, text + at, end - at);
		arg[end - at] = '\0';
		char msg[600];
		mmu_cfg_t before = *cfg;
		if (mmu_cfg_set_arg(cfg, arg, msg, sizeof msg) != 0) {
			FUZZ_CHECK(!memcmp(&before, cfg, sizeof before), "a refused --set changed the config");
			FUZZ_CHECK(!strncmp(msg, "--set", 5), "message '%s'", msg);
		}
		at = end + 1;
	}
	free(arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	char msg[600];
	unsigned preset = (data[0] >> 1) & 7;
	if (preset && preset <= mmu_cfg_preset_count())
		FUZZ_CHECK(mmu_cfg_preset(&cfg, mmu_cfg_preset_name(preset - 1), msg, sizeof msg) == 0, "%s", msg);
	if (data[0] & 1)
		set_lines(&cfg, data + 1, size - 1);
	else
		load_ini(&cfg, data + 1, size - 1);
	check_round_trip(&cfg);
	if (mmu_cfg_validate(&cfg, msg, sizeof msg) != 0) {
		FUZZ_CHECK(msg[0], "validation failed without a message");
		return 0;
	}
	check_geometry(&cfg);
	/* Huge TLBs are valid but slow to build at fuzzing rates; their sizes are checked above. */
	if (cfg.l1i.entries + cfg.l1d.entries + cfg.l2.entries > 8192)
		return 0;
	mmu_t *m = NULL;
	FUZZ_CHECK(mmu_create(&cfg, &m, msg, sizeof msg) == 0, "a validated config does not build an MMU");
	mmu_destroy(m);
	return 0;
}
