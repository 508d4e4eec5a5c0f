/*
 * A configuration from the command line's sources (preset, file, groups of settings, --set, seed), remembering where
 * each key was set, so that a validation error, which only knows key names, can point at the line or argument that
 * set them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu_config.h"
#include "mmu/mmu_error.h"
#include "mmu_config_internal.h"

typedef struct origin {
	char where[MMU_CFG_KEYS_MAX][160]; /* "" = default */
	unsigned order[MMU_CFG_KEYS_MAX];  /* 0 = never set; later settings have larger numbers */
	unsigned next;
} origin_t;

static void note(origin_t *o, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void note(origin_t *o, const char *key, const char *fmt, ...)
{
	int i = mmu_cfg_key_index(key);
	if (i < 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->where[i], sizeof o->where[i], fmt, ap);
	va_end(ap);
	o->order[i] = ++o->next;
}

/* Whether the message names key as a whole word ("tlb.l1d.ways" is not inside "tlb.l1d.ways_x"). */
static bool names_key(const char *msg, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = strstr(msg, key); p; p = strstr(p + 1, key)) {
		bool start = p == msg || !(p[-1] == '.' || p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z'));
		char e = p[n];
		bool end = !(e == '.' || e == '_' || (e >= 'a' && e <= 'z') || (e >= '0' && e <= '9'));
		if (start && end)
			return true;
	}
	return false;
}

static int validate(const mmu_cfg_t *cfg, const origin_t *o, char *msg, size_t msglen)
{
	char why[512];
	int err = mmu_cfg_validate(cfg, why, sizeof why);
	if (!err)
		return 0;
	int last = -1;
	for (size_t i = 0; i < mmu_cfg_key_count(); i++)
		if (o->order[i] && names_key(why, mmu_cfg_key_name(i)) && (last < 0 || o->order[i] > o->order[last]))
			last = (int)i;
	if (last < 0)
		snprintf(msg, msglen, "%s", why);
	else
		snprintf(msg, msglen, "%s: %s", o->where[last], why);
	return err;
}

/* One "KEY=VALUE" argument of option, noted as where its key was set. */
static int apply_one(mmu_cfg_t *cfg, origin_t *o, const char *option, const char *arg, char *msg, size_t msglen)
{
	int err = mmu_cfg_set_arg_as(cfg, option, arg, msg, msglen);
	if (!err) {
		char key[64];
		snprintf(key, sizeof key, "%.*s", (int)strcspn(arg, "="), arg);
		note(o, key, "%s %s", option, arg);
	}
	return err;
}

/* A group's arguments in order; a list argument setting by setting, each as if given alone. */
static int apply_group(mmu_cfg_t *cfg, origin_t *o, const mmu_cfg_args_t *g, char *msg, size_t msglen)
{
	int err = 0;
	for (size_t i = 0; !err && i < g->nargs; i++) {
		if (!g->lists) {
			err = apply_one(cfg, o, g->option, g->args[i], msg, msglen);
			continue;
		}
		char *list = strdup(g->args[i]);
		if (!list) {
			snprintf(msg, msglen, "out of memory");
			return MMU_ENOMEM;
		}
		for (char *p = list, *comma; !err; p = comma + 1) {
			comma = strchr(p, ',');
			if (comma)
				*comma = '\0';
			err = apply_one(cfg, o, g->option, p, msg, msglen);
			if (!comma)
				break;
		}
		free(list);
	}
	return err;
}

int mmu_cfg_build(mmu_cfg_t *cfg, const mmu_cfg_sources_t *src, char *msg, size_t msglen)
{
	origin_t *o = calloc(1, sizeof *o);
	if (!o) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	char why[512];
	int err = 0;
	if (src->preset) {
		err = mmu_cfg_preset(cfg, src->preset, why, sizeof why);
		if (err)
			snprintf(msg, msglen, "--preset: %s", why);
		for (size_t i = 0; !err && i < mmu_cfg_preset_count(); i++) {
			if (strcmp(mmu_cfg_preset_name(i), src->preset) != 0)
				continue;
			for (const char *const *kv = mmu_cfg_preset_settings(i); *kv; kv++) {
				char key[64];
				size_t n = strcspn(*kv, "=");
				snprintf(key, sizeof key, "%.*s", (int)n, *kv);
				note(o, key, "--preset %s", src->preset);
			}
		}
	}
	if (!err && src->file) {
		unsigned lines[MMU_CFG_KEYS_MAX] = {0};
		err = mmu_cfg_load_file_lines(cfg, src->file, lines, msg, msglen);
		/* In file order, so that the last line of the file counts as the last setting. */
		for (unsigned line = 1, left = 1; !err && left; line++) {
			left = 0;
			for (size_t i = 0; i < mmu_cfg_key_count(); i++) {
				left |= lines[i] > line;
				if (lines[i] == line)
					note(o, mmu_cfg_key_name(i), "%s:%u", src->file, line);
			}
		}
	}
	for (size_t i = 0; !err && i < src->ngroups; i++)
		err = apply_group(cfg, o, &src->groups[i], msg, msglen);
	if (!err) {
		mmu_cfg_args_t sets = {.option = "--set", .args = src->sets, .nargs = src->nsets};
		err = apply_group(cfg, o, &sets, msg, msglen);
	}
	if (!err && src->seed) {
		err = mmu_cfg_set(cfg, "seed", src->seed, why, sizeof why);
		if (err)
			snprintf(msg, msglen, "--seed: %s", why);
		else
			note(o, "seed", "--seed %s", src->seed);
	}
	if (!err && !src->unvalidated)
		err = validate(cfg, o, msg, msglen);
	free(o);
	return err;
}
