#include "mmu/mmu_config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <ini.h>

#include "mmu/mmu_error.h"
#include "mmu/mmu_paging.h"
#include "mmu_config_internal.h"

/* Room for any key name (checked per key below) and the fixed buffers sized from it. */
#define KEY_NAME_MAX 48

/* Sane upper bounds: beyond them a value is a typo, and sums of cycles could overflow. */
#define ENTRIES_MAX      (UINT32_C(1) << 20)
#define HIT_LATENCY_MAX  1000u
#define MEM_LATENCY_MAX  1000000u
#define FAULT_CYCLES_MAX UINT64_C(1000000000)

typedef enum { KT_U32, KT_U64, KT_BOOL, KT_INT, KT_WAYS, KT_POLICY, KT_MODE, KT_THP, KT_HUGE } key_type_t;

/* Whether a field has the C type its key's type stores, so a retyped field breaks the build instead of memory. */
#define KT_IS_U32(f)    _Generic((f), uint32_t : 1, default : 0)
#define KT_IS_U64(f)    _Generic((f), uint64_t : 1, default : 0)
#define KT_IS_BOOL(f)   _Generic((f), bool : 1, default : 0)
#define KT_IS_INT(f)    _Generic((f), int32_t : 1, default : 0)
#define KT_IS_WAYS(f)   _Generic((f), uint32_t : 1, default : 0)
#define KT_IS_POLICY(f) _Generic((f), mmu_policy_t : 1, default : 0)
#define KT_IS_MODE(f)   _Generic((f), mmu_mode_t : 1, default : 0)
#define KT_IS_THP(f)    _Generic((f), mmu_thp_t : 1, default : 0)
#define KT_IS_HUGE(f)   _Generic((f), mmu_os_huge_t : 1, default : 0)

#define MMU_KEY(name, type, field, def, unit, desc)                                                                    \
	_Static_assert(KT_IS_##type(((mmu_cfg_t *)0)->field), name ": field type does not match key type " #type);     \
	_Static_assert(sizeof(name) <= KEY_NAME_MAX, name ": key name longer than KEY_NAME_MAX");
#include "mmu/mmu_config_keys.def"
#undef MMU_KEY

typedef struct key_desc {
	const char *name;
	key_type_t type;
	size_t offset;
	const char *def, *unit, *desc;
} key_desc_t;

static const key_desc_t keys[] = {
#define MMU_KEY(name, type, field, def, unit, desc) {name, KT_##type, offsetof(mmu_cfg_t, field), def, unit, desc},
#include "mmu/mmu_config_keys.def"
#undef MMU_KEY
};

#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= MMU_CFG_KEYS_MAX, "more keys than MMU_CFG_KEYS_MAX");

static const char *const policy_names[] = {
    [MMU_POLICY_LRU] = "lru",
    [MMU_POLICY_PLRU] = "plru",
    [MMU_POLICY_FIFO] = "fifo",
    [MMU_POLICY_RANDOM] = "random",
};

static const char *const mode_names[] = {
    [MMU_MODE_X86_64] = "x86_64",     [MMU_MODE_X86_32] = "x86_32",
    [MMU_MODE_TEXTBOOK] = "textbook", [MMU_MODE_X86_64_LA57] = "x86_64_la57",
    [MMU_MODE_SV39] = "sv39",         [MMU_MODE_SV48] = "sv48",
    [MMU_MODE_SV57] = "sv57",
};

static const char *const thp_names[] = {
    [MMU_THP_NEVER] = "never",
    [MMU_THP_ALWAYS] = "always",
    [MMU_THP_DENSE] = "dense",
};

static const struct {
	const char *word;
	bool value;
} bool_words[] = {
    {"0", false},   {"1", true},  {"false", false}, {"true", true},
    {"off", false}, {"on", true}, {"no", false},    {"yes", true},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

__attribute__((format(printf, 4, 5))) static int fail(char *msg, size_t msglen, int err, const char *fmt, ...)
{
	if (msg && msglen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(msg, msglen, fmt, ap);
		va_end(ap);
	}
	return err;
}

static const key_desc_t *find_key(const char *name)
{
	for (size_t i = 0; name && i < NKEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

int mmu_cfg_key_index(const char *name)
{
	const key_desc_t *k = find_key(name);
	return k ? (int)(k - keys) : -1;
}

/* ---- parsing ---- */

typedef enum { NUM_OK, NUM_BAD, NUM_NEGATIVE, NUM_RANGE } num_status_t;

/*
 * Decimal or 0x hex only: strtoull's base 0 would read "010" as octal 8, which nobody writing a TLB size means.
 * The first-character check also keeps strtoull from accepting leading blanks and signs.
 */
static num_status_t parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	if (s[0] == '-') {
		uint64_t ignored;
		num_status_t st = parse_u64(s + 1, UINT64_MAX, &ignored);
		return (st == NUM_OK || st == NUM_RANGE) ? NUM_NEGATIVE : NUM_BAD;
	}
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (base == 16 ? !isxdigit((unsigned char)*s) : !isdigit((unsigned char)*s))
		return NUM_BAD;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (*end != '\0')
		return NUM_BAD;
	if (errno == ERANGE || v > max)
		return NUM_RANGE;
	*out = v;
	return NUM_OK;
}

static int number_error(const key_desc_t *k, const char *v, num_status_t st, uint64_t max, char *msg, size_t msglen)
{
	if (st == NUM_NEGATIVE)
		return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is negative (expected 0..%" PRIu64 ")", k->name, v, max);
	if (st == NUM_RANGE)
		return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is out of range 0..%" PRIu64, k->name, v, max);
	return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is not a number", k->name, v);
}

static int parse_unsigned(const key_desc_t *k, const char *v, uint64_t max, uint64_t *out, char *msg, size_t msglen)
{
	num_status_t st = parse_u64(v, max, out);
	return st == NUM_OK ? 0 : number_error(k, v, st, max, msg, msglen);
}

/* -1 is the only negative value: it is the "no such bit" marker, anything below it is a typo. */
static int parse_int(const key_desc_t *k, const char *v, int32_t *out, char *msg, size_t msglen)
{
	uint64_t mag = 0;
	num_status_t st = parse_u64(v[0] == '-' ? v + 1 : v, INT32_MAX, &mag);
	if (st == NUM_OK && (v[0] != '-' || mag <= 1)) {
		*out = v[0] == '-' ? -(int32_t)mag : (int32_t)mag;
		return 0;
	}
	if (st == NUM_BAD)
		return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is not a number", k->name, v);
	return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is out of range -1..%d (-1 = none)", k->name, v, INT32_MAX);
}

static int parse_ways(const key_desc_t *k, const char *v, uint32_t *out, char *msg, size_t msglen)
{
	if (strcasecmp(v, "full") == 0) {
		*out = 0; /* the model reads 0 as ways = entries */
		return 0;
	}
	uint64_t n = 0;
	num_status_t st = parse_u64(v, UINT32_MAX, &n);
	if (st == NUM_OK && n > 0) {
		*out = (uint32_t)n;
		return 0;
	}
	if (st == NUM_OK || st == NUM_NEGATIVE)
		return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is not a positive count or 'full'", k->name, v);
	if (st == NUM_RANGE)
		return number_error(k, v, st, UINT32_MAX, msg, msglen);
	return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is not a number or 'full'", k->name, v);
}

static void join_words(const char *const *words, size_t n, char *buf, size_t buflen)
{
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && used < buflen; i++)
		used += (size_t)snprintf(buf + used, buflen - used, "%s%s", i ? ", " : "", words[i]);
}

/* Case-insensitive: "LRU" in a config file cannot mean anything but lru. */
static int parse_word(const key_desc_t *k, const char *v, const char *const *words, size_t n, int *out, char *msg,
                      size_t msglen)
{
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(v, words[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	char list[128];
	join_words(words, n, list, sizeof list);
	return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is not one of %s", k->name, v, list);
}

static int parse_bool(const key_desc_t *k, const char *v, bool *out, char *msg, size_t msglen)
{
	for (size_t i = 0; i < COUNT(bool_words); i++) {
		if (strcasecmp(v, bool_words[i].word) == 0) {
			*out = bool_words[i].value;
			return 0;
		}
	}
	return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is not one of 0, 1, true, false, on, off, yes, no", k->name, v);
}

/* A size: a number with an optional K, M or G suffix (binary units). */
static int parse_size(const key_desc_t *k, const char *what, const char *v, uint64_t *out, char *msg, size_t msglen)
{
	char num[32];
	size_t n = strlen(v);
	unsigned shift = 0;
	if (n > 0 && strchr("KkMmGg", v[n - 1])) {
		shift = strchr("Kk", v[n - 1]) ? 10 : strchr("Mm", v[n - 1]) ? 20 : 30;
		n--;
	}
	if (n == 0 || n >= sizeof num)
		return fail(msg, msglen, MMU_EINVAL, "%s: %s '%s' is not a size (a number, optionally K, M or G)",
		            k->name, what, v);
	memcpy(num, v, n);
	num[n] = '\0';
	uint64_t x;
	if (parse_u64(num, UINT64_MAX >> shift, &x) != NUM_OK)
		return fail(msg, msglen, MMU_EINVAL, "%s: %s '%s' is not a size (a number, optionally K, M or G)",
		            k->name, what, v);
	*out = x << shift;
	return 0;
}

/* One VA:LENGTH:PAGESIZE range of os.huge, checked for alignment (the page sizes a mode allows: validate()). */
static int parse_huge_range(const key_desc_t *k, const char *text, mmu_os_huge_range_t *r, char *msg, size_t msglen)
{
	char item[512], *parts[3], *save = NULL;
	snprintf(item, sizeof item, "%s", text);
	size_t n = 0;
	for (char *p = strtok_r(item, ":", &save); p; p = strtok_r(NULL, ":", &save)) {
		if (n < 3)
			parts[n] = p + strspn(p, " \t");
		n++;
	}
	if (n != 3)
		return fail(msg, msglen, MMU_EINVAL, "%s: '%s' is not VA:LENGTH:PAGESIZE", k->name, text);
	for (size_t i = 0; i < 3; i++)
		parts[i][strcspn(parts[i], " \t")] = '\0';
	int err = parse_size(k, "VA", parts[0], &r->va, msg, msglen);
	if (!err)
		err = parse_size(k, "LENGTH", parts[1], &r->size, msg, msglen);
	if (!err)
		err = parse_size(k, "PAGESIZE", parts[2], &r->page_size, msg, msglen);
	if (err)
		return err;
	uint64_t ps = r->page_size;
	if (ps < 4096 || (ps & (ps - 1)))
		return fail(msg, msglen, MMU_EINVAL, "%s: page size %s is not a power of two of at least 4K", k->name,
		            parts[2]);
	if (r->size == 0 || (r->va & (ps - 1)) || (r->size & (ps - 1)) || r->va + (r->size - 1) < r->va)
		return fail(msg, msglen, MMU_EINVAL,
		            "%s: range %s:%s is empty, wraps, or is not aligned to its page size %s", k->name, parts[0],
		            parts[1], parts[2]);
	return 0;
}

static int parse_huge(const key_desc_t *k, const char *v, mmu_os_huge_t *out, char *msg, size_t msglen)
{
	mmu_os_huge_t h;
	memset(&h, 0, sizeof h);
	if (strcasecmp(v, "none") == 0) {
		*out = h;
		return 0;
	}
	char buf[512];
	if (strlen(v) >= sizeof buf)
		return fail(msg, msglen, MMU_EINVAL, "%s: value longer than %zu characters", k->name, sizeof buf - 1);
	snprintf(buf, sizeof buf, "%s", v);
	size_t n = 0;
	char *save = NULL;
	for (char *item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (item[strspn(item, " \t")] == '\0')
			continue;
		if (n == MMU_OS_HUGE_MAX)
			return fail(msg, msglen, MMU_EINVAL, "%s: more than %d ranges", k->name, MMU_OS_HUGE_MAX);
		int err = parse_huge_range(k, item, &h.range[n], msg, msglen);
		if (err)
			return err;
		for (size_t i = 0; i < n; i++) {
			const mmu_os_huge_range_t *a = &h.range[i], *b = &h.range[n];
			if (a->va <= b->va + (b->size - 1) && b->va <= a->va + (a->size - 1))
				return fail(msg, msglen, MMU_EINVAL, "%s: ranges %zu and %zu overlap", k->name, i + 1,
				            n + 1);
		}
		n++;
	}
	*out = h;
	return 0;
}

/* Parses v for key k and stores it; the field is left untouched on error. */
static int set_value(mmu_cfg_t *cfg, const key_desc_t *k, const char *v, char *msg, size_t msglen)
{
	void *field = (char *)cfg + k->offset;
	uint64_t u = 0;
	int word = 0, err = 0;
	switch (k->type) {
	case KT_U32:
		if ((err = parse_unsigned(k, v, UINT32_MAX, &u, msg, msglen)) == 0)
			*(uint32_t *)field = (uint32_t)u;
		return err;
	case KT_U64:
		if ((err = parse_unsigned(k, v, UINT64_MAX, &u, msg, msglen)) == 0)
			*(uint64_t *)field = u;
		return err;
	case KT_BOOL:
		return parse_bool(k, v, (bool *)field, msg, msglen);
	case KT_INT:
		return parse_int(k, v, (int32_t *)field, msg, msglen);
	case KT_WAYS:
		return parse_ways(k, v, (uint32_t *)field, msg, msglen);
	case KT_POLICY:
		if ((err = parse_word(k, v, policy_names, COUNT(policy_names), &word, msg, msglen)) == 0)
			*(mmu_policy_t *)field = (mmu_policy_t)word;
		return err;
	case KT_MODE:
		if ((err = parse_word(k, v, mode_names, COUNT(mode_names), &word, msg, msglen)) == 0)
			*(mmu_mode_t *)field = (mmu_mode_t)word;
		return err;
	case KT_THP:
		if ((err = parse_word(k, v, thp_names, COUNT(thp_names), &word, msg, msglen)) == 0)
			*(mmu_thp_t *)field = (mmu_thp_t)word;
		return err;
	case KT_HUGE:
		return parse_huge(k, v, (mmu_os_huge_t *)field, msg, msglen);
	}
	return fail(msg, msglen, MMU_EINVAL, "%s: key of unknown type %d", k->name, (int)k->type);
}

/* ---- unknown keys ---- */

/* Levenshtein distance; b is a key name, so one row of KEY_NAME_MAX cells is enough whatever the length of a. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t nb = strlen(b), row[KEY_NAME_MAX];
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 0; a[i]; i++) {
		size_t diag = row[0];
		row[0] = i + 1;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

/* The nearest key, if it is close enough to be a likely typo of name; NULL otherwise. */
static const key_desc_t *nearest_key(const char *name)
{
	const key_desc_t *best = NULL;
	size_t best_d = SIZE_MAX;
	for (size_t i = 0; i < NKEYS; i++) {
		size_t d = edit_distance(name, keys[i].name);
		size_t limit = strlen(keys[i].name) / 3;
		if (limit < 2)
			limit = 2;
		if (d <= limit && d < best_d) {
			best = &keys[i];
			best_d = d;
		}
	}
	return best;
}

static int unknown_key(const char *name, char *msg, size_t msglen)
{
	if (!name)
		name = "";
	const key_desc_t *near = nearest_key(name);
	if (near)
		return fail(msg, msglen, MMU_EKEY, "unknown key '%s' (did you mean '%s'?)", name, near->name);
	return fail(msg, msglen, MMU_EKEY, "unknown key '%s' (run 'mmusim config --list' for the valid keys)", name);
}

/* ---- public: set, defaults, get, listing ---- */

int mmu_cfg_set(mmu_cfg_t *cfg, const char *key, const char *value, char *msg, size_t msglen)
{
	const key_desc_t *k = find_key(key);
	if (!k)
		return unknown_key(key, msg, msglen);
	if (!value)
		return fail(msg, msglen, MMU_EINVAL, "%s: no value given", k->name);
	return set_value(cfg, k, value, msg, msglen);
}

int mmu_cfg_set_arg(mmu_cfg_t *cfg, const char *arg, char *msg, size_t msglen)
{
	return mmu_cfg_set_arg_as(cfg, "--set", arg, msg, msglen);
}

int mmu_cfg_set_arg_as(mmu_cfg_t *cfg, const char *option, const char *arg, char *msg, size_t msglen)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg)
		return fail(msg, msglen, MMU_EFORMAT, "%s '%s': expected KEY=VALUE", option, arg);
	/* Every key fits KEY_NAME_MAX: a longer name is unknown whatever it says, so it is shown cut short. */
	char key[KEY_NAME_MAX + 1], why[512];
	size_t n = (size_t)(eq - arg);
	bool cut = n >= sizeof key;
	memcpy(key, arg, cut ? sizeof key - 1 : n);
	key[cut ? sizeof key - 1 : n] = '\0';
	int err =
	    cut ? fail(why, sizeof why, MMU_EKEY, "unknown key '%s...' (%zu characters; no key is that long)", key, n)
	        : mmu_cfg_set(cfg, key, eq + 1, why, sizeof why);
	return err ? fail(msg, msglen, err, "%s: %s", option, why) : 0;
}

void mmu_cfg_default(mmu_cfg_t *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NKEYS; i++) {
		char msg[256];
		if (set_value(cfg, &keys[i], keys[i].def, msg, sizeof msg) != 0) {
			/* A default that does not parse is a broken table, not a user error. */
			fprintf(stderr, "mmu_config_keys.def: bad default: %s\n", msg);
			abort();
		}
	}
}

static int format_word(const char *const *words, size_t n, int v, char *buf, size_t buflen)
{
	if (v >= 0 && (size_t)v < n)
		return snprintf(buf, buflen, "%s", words[v]);
	return snprintf(buf, buflen, "%d", v); /* not a valid word: set() rejects it on the way back */
}

/* Bytes as the shortest exact K/M/G form, else hex. */
static int format_size(uint64_t v, char *buf, size_t buflen)
{
	static const char suffix[] = "GMK";
	for (unsigned i = 0; i < 3; i++) {
		unsigned shift = 30 - 10 * i;
		if (v && (v & ((UINT64_C(1) << shift) - 1)) == 0)
			return snprintf(buf, buflen, "%" PRIu64 "%c", v >> shift, suffix[i]);
	}
	return snprintf(buf, buflen, "0x%" PRIx64, v);
}

static int format_huge(const mmu_os_huge_t *h, char *buf, size_t buflen)
{
	size_t used = 0;
	if (h->range[0].page_size == 0)
		return snprintf(buf, buflen, "none");
	if (buflen)
		buf[0] = '\0';
	for (size_t i = 0; i < MMU_OS_HUGE_MAX && h->range[i].page_size; i++) {
		char len[32], ps[32];
		format_size(h->range[i].size, len, sizeof len);
		format_size(h->range[i].page_size, ps, sizeof ps);
		int n = snprintf(buf + used, used < buflen ? buflen - used : 0, "%s0x%" PRIx64 ":%s:%s", i ? "," : "",
		                 h->range[i].va, len, ps);
		if (n < 0)
			return n;
		used += (size_t)n;
	}
	return (int)used;
}

static int format_value(const mmu_cfg_t *cfg, const key_desc_t *k, char *buf, size_t buflen)
{
	const void *field = (const char *)cfg + k->offset;
	switch (k->type) {
	case KT_U32:
		return snprintf(buf, buflen, "%" PRIu32, *(const uint32_t *)field);
	case KT_U64:
		return snprintf(buf, buflen, "%" PRIu64, *(const uint64_t *)field);
	case KT_BOOL:
		return snprintf(buf, buflen, "%d", *(const bool *)field ? 1 : 0);
	case KT_INT:
		return snprintf(buf, buflen, "%" PRId32, *(const int32_t *)field);
	case KT_WAYS:
		if (*(const uint32_t *)field == 0)
			return snprintf(buf, buflen, "full");
		return snprintf(buf, buflen, "%" PRIu32, *(const uint32_t *)field);
	case KT_POLICY:
		return format_word(policy_names, COUNT(policy_names), (int)*(const mmu_policy_t *)field, buf, buflen);
	case KT_MODE:
		return format_word(mode_names, COUNT(mode_names), (int)*(const mmu_mode_t *)field, buf, buflen);
	case KT_THP:
		return format_word(thp_names, COUNT(thp_names), (int)*(const mmu_thp_t *)field, buf, buflen);
	case KT_HUGE:
		return format_huge((const mmu_os_huge_t *)field, buf, buflen);
	}
	return snprintf(buf, buflen, "?");
}

int mmu_cfg_get(const mmu_cfg_t *cfg, const char *key, char *buf, size_t buflen)
{
	if (buf && buflen)
		buf[0] = '\0';
	const key_desc_t *k = find_key(key);
	if (!k)
		return MMU_EKEY;
	int n = format_value(cfg, k, buf, buflen);
	return (n < 0 || (size_t)n >= buflen) ? MMU_ERANGE : 0;
}

size_t mmu_cfg_key_count(void)
{
	return NKEYS;
}

const char *mmu_cfg_key_name(size_t i)
{
	return i < NKEYS ? keys[i].name : NULL;
}

const char *mmu_cfg_key_unit(size_t i)
{
	return i < NKEYS ? keys[i].unit : NULL;
}

const char *mmu_cfg_key_description(size_t i)
{
	return i < NKEYS ? keys[i].desc : NULL;
}

const char *mmu_cfg_key_default(size_t i)
{
	return i < NKEYS ? keys[i].def : NULL;
}

static int max_width(int w, const char *s)
{
	int n = (int)strlen(s);
	return n > w ? n : w;
}

void mmu_cfg_list(FILE *out)
{
	int wk = (int)strlen("key"), wd = (int)strlen("default"), wu = (int)strlen("unit");
	for (size_t i = 0; i < NKEYS; i++) {
		wk = max_width(wk, keys[i].name);
		wd = max_width(wd, keys[i].def);
		wu = max_width(wu, keys[i].unit);
	}
	fprintf(out, "%-*s  %-*s  %-*s  %s\n", wk, "key", wd, "default", wu, "unit", "meaning");
	for (size_t i = 0; i < NKEYS; i++)
		fprintf(out, "%-*s  %-*s  %-*s  %s\n", wk, keys[i].name, wd, keys[i].def, wu, keys[i].unit,
		        keys[i].desc);
}

/* ---- validation ---- */

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* A set-associative array: a TLB, a page-walk cache or the dcache (whose count of entries is its "lines"). */
static int validate_array(const char *name, const char *entries, const mmu_tlb_cfg_t *t, bool may_be_absent, char *msg,
                          size_t msglen)
{
	if (t->entries == 0 && may_be_absent)
		return 0; /* absent: its geometry is never used */
	if (t->entries == 0)
		return fail(msg, msglen, MMU_EINVAL, "%s.%s: 0, but an L1 TLB needs at least 1 entry", name, entries);
	if (t->entries > ENTRIES_MAX)
		return fail(msg, msglen, MMU_EINVAL, "%s.%s: %" PRIu32 " is more than the limit of %" PRIu32, name,
		            entries, t->entries, ENTRIES_MAX);
	uint32_t ways = t->ways ? t->ways : t->entries;
	if (ways > t->entries)
		return fail(msg, msglen, MMU_EINVAL, "%s.ways: %" PRIu32 " is more than %s.%s (%" PRIu32 ")", name,
		            ways, name, entries, t->entries);
	if (t->entries % ways)
		return fail(msg, msglen, MMU_EINVAL, "%s.ways: %" PRIu32 " does not divide %s.%s (%" PRIu32 ")", name,
		            ways, name, entries, t->entries);
	uint32_t sets = t->entries / ways;
	if (!is_pow2(sets))
		return fail(msg, msglen, MMU_EINVAL,
		            "%s.%s: %" PRIu32 " %s / %" PRIu32 " ways = %" PRIu32 " sets, not a power of two", name,
		            entries, t->entries, entries, ways, sets);
	if ((unsigned)t->policy >= COUNT(policy_names))
		return fail(msg, msglen, MMU_EINVAL, "%s.policy: %d is not a valid policy", name, (int)t->policy);
	if (t->policy == MMU_POLICY_PLRU && !is_pow2(ways))
		return fail(msg, msglen, MMU_EINVAL, "%s.policy: plru needs a power-of-two %s.ways, not %" PRIu32, name,
		            name, ways);
	if (t->hit_latency < 1 || t->hit_latency > HIT_LATENCY_MAX)
		return fail(msg, msglen, MMU_EINVAL, "%s.hit_latency: %" PRIu32 " is not in 1..%u", name,
		            t->hit_latency, HIT_LATENCY_MAX);
	return 0;
}

static int validate_tlb(const char *name, const mmu_tlb_cfg_t *t, bool may_be_absent, char *msg, size_t msglen)
{
	return validate_array(name, "entries", t, may_be_absent, msg, msglen);
}

/* The walk caches: page-walk caches (levels the mode has, below the root's parent) and the dcache. */
static int validate_walk_caches(const mmu_cfg_t *cfg, const mmu_paging_t *pg, char *msg, size_t msglen)
{
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL; n++) {
		char name[16];
		snprintf(name, sizeof name, "pwc.l%u", n);
		int err = validate_tlb(name, &cfg->pwc[n], true, msg, msglen);
		if (err)
			return err;
		if (cfg->pwc[n].entries && n > pg->levels)
			return fail(
			    msg, msglen, MMU_EINVAL,
			    "%s.entries: the %s mode has %u levels, so page-walk caches exist for levels 2..%u only",
			    name, pg->name, pg->levels, pg->levels);
	}
	int err = validate_array("dcache", "lines", &cfg->mem.dcache, true, msg, msglen);
	if (err)
		return err;
	uint32_t lb = cfg->mem.dcache_line_bytes;
	if (cfg->mem.dcache.entries && (!is_pow2(lb) || lb < 8 || lb > 4096))
		return fail(msg, msglen, MMU_EINVAL, "dcache.line_bytes: %" PRIu32 " is not a power of two in 8..4096",
		            lb);
	return 0;
}

static int validate_mem(const mmu_mem_cfg_t *m, char *msg, size_t msglen)
{
	if (m->latency < 1 || m->latency > MEM_LATENCY_MAX)
		return fail(msg, msglen, MMU_EINVAL, "mem.latency: %" PRIu32 " is not in 1..%u", m->latency,
		            MEM_LATENCY_MAX);
	if (m->latency_max != 0 && m->latency_max < m->latency)
		return fail(msg, msglen, MMU_EINVAL,
		            "mem.latency_max: %" PRIu32 " is below mem.latency (%" PRIu32 "); 0 means a fixed latency",
		            m->latency_max, m->latency);
	if (m->latency_max > MEM_LATENCY_MAX)
		return fail(msg, msglen, MMU_EINVAL, "mem.latency_max: %" PRIu32 " is more than the limit of %u",
		            m->latency_max, MEM_LATENCY_MAX);
	if (m->stall_max > MEM_LATENCY_MAX)
		return fail(msg, msglen, MMU_EINVAL, "mem.stall_max: %" PRIu32 " is more than the limit of %u",
		            m->stall_max, MEM_LATENCY_MAX);
	return 0;
}

/* The level whose pages have page_size bytes in this mode, 0 if none is a leaf there. */
static unsigned huge_level(const mmu_paging_t *p, uint64_t page_size)
{
	for (unsigned level = 2; level <= p->levels; level++)
		if (((p->huge_levels >> level) & 1) && page_size == UINT64_C(1) << mmu_paging_shift(p, level))
			return level;
	return 0;
}

static int validate_huge(const mmu_os_cfg_t *os, const mmu_paging_t *p, char *msg, size_t msglen)
{
	for (size_t i = 0; i < MMU_OS_HUGE_MAX && os->huge.range[i].page_size; i++) {
		const mmu_os_huge_range_t *r = &os->huge.range[i];
		char ps[32];
		format_size(r->page_size, ps, sizeof ps);
		if (huge_level(p, r->page_size) == 0)
			return fail(msg, msglen, MMU_EINVAL,
			            "os.huge: range %zu: %s pages do not exist in paging mode %s", i + 1, ps, p->name);
		if (!mmu_paging_canonical(p, r->va) || !mmu_paging_canonical(p, r->va + (r->size - 1)))
			return fail(msg, msglen, MMU_EINVAL, "os.huge: range %zu is not canonical in paging mode %s",
			            i + 1, p->name);
		if (mmu_paging_kernel_half(p, r->va) || mmu_paging_kernel_half(p, r->va + (r->size - 1)))
			return fail(
			    msg, msglen, MMU_EINVAL,
			    "os.huge: range %zu lies in the kernel half of paging mode %s (user pages lie below "
			    "0x%" PRIx64 ")",
			    i + 1, p->name, UINT64_C(1) << (p->va_bits - 1));
		uint64_t frames = r->page_size >> p->page_bits;
		if (os->mem_frames && frames > os->mem_frames)
			return fail(msg, msglen, MMU_EINVAL,
			            "os.huge: range %zu: one %s page needs %" PRIu64
			            " frames, more than os.mem_frames (%" PRIu64 ")",
			            i + 1, ps, frames, os->mem_frames);
	}
	return 0;
}

static int validate_os(const mmu_os_cfg_t *os, const mmu_paging_t *p, char *msg, size_t msglen)
{
	const uint64_t *cycles[] = {&os->swap_in_cycles, &os->swap_out_cycles};
	const char *names[] = {"os.swap_in_cycles", "os.swap_out_cycles"};
	for (size_t i = 0; i < 2; i++)
		if (*cycles[i] > FAULT_CYCLES_MAX)
			return fail(msg, msglen, MMU_EINVAL, "%s: %" PRIu64 " is more than the limit of %" PRIu64,
			            names[i], *cycles[i], FAULT_CYCLES_MAX);
	if ((unsigned)os->thp >= COUNT(thp_names))
		return fail(msg, msglen, MMU_EINVAL, "os.thp: %d is not a valid policy", (int)os->thp);
	if (os->thp != MMU_THP_NEVER && !((p->huge_levels >> 2) & 1))
		return fail(msg, msglen, MMU_EINVAL, "os.thp: paging mode %s has no level-2 huge pages", p->name);
	uint32_t per_region = UINT32_C(1) << p->bits_per_level;
	if (os->thp == MMU_THP_DENSE && (os->thp_density < 1 || os->thp_density > per_region))
		return fail(msg, msglen, MMU_EINVAL, "os.thp_density: %" PRIu32 " is not in 1..%" PRIu32,
		            os->thp_density, per_region);
	if (os->populate && os->mem_frames)
		return fail(
		    msg, msglen, MMU_EINVAL,
		    "os.mem_frames: cannot be combined with os.populate (populating would evict before the run)");
	return validate_huge(os, p, msg, msglen);
}

int mmu_cfg_validate(const mmu_cfg_t *cfg, char *msg, size_t msglen)
{
	int err;
	if ((err = validate_tlb("tlb.l1i", &cfg->l1i, false, msg, msglen)) != 0 ||
	    (err = validate_tlb("tlb.l1d", &cfg->l1d, false, msg, msglen)) != 0 ||
	    (err = validate_tlb("tlb.l2", &cfg->l2, true, msg, msglen)) != 0 ||
	    (err = validate_mem(&cfg->mem, msg, msglen)) != 0)
		return err;
	if (cfg->os.fault_cycles > FAULT_CYCLES_MAX)
		return fail(msg, msglen, MMU_EINVAL, "os.fault_cycles: %" PRIu64 " is more than the limit of %" PRIu64,
		            cfg->os.fault_cycles, FAULT_CYCLES_MAX);
	mmu_paging_t paging;
	char scratch[1];
	if (!msg || !msglen) { /* mmu_paging_init always writes its message */
		msg = scratch;
		msglen = sizeof scratch;
	}
	if ((err = mmu_paging_init(&paging, &cfg->paging, msg, msglen)) != 0 ||
	    (err = validate_walk_caches(cfg, &paging, msg, msglen)) != 0)
		return err;
	/* CR3 holds the PCID in bits 11:0 below a page-aligned root: smaller pages would overlap them (T11). */
	if (cfg->pcid && paging.page_bits < 12)
		return fail(msg, msglen, MMU_EINVAL,
		            "cr3.pcid: needs pages of at least 4 KiB (paging.page_bits >= 12), this mode has %u",
		            paging.page_bits);
	return validate_os(&cfg->os, &paging, msg, msglen);
}

/* ---- config files ---- */

typedef struct load_ctx {
	mmu_cfg_t *cfg;
	FILE *file;
	const char *path;
	int line; /* line the parser is on: the reader hands it exactly one line per call */
	int err;  /* first error from the handler or the reader, with its line */
	int err_line;
	unsigned *lines; /* per key: the line that set it, 0 if none yet */
	char *msg;
	size_t msglen;
} load_ctx_t;

/*
 * Line reader for inih. Leading blanks are dropped so an indented `key = value` is never taken as the continuation of
 * the previous value; a line longer than the parser's buffer is an error here, because inih would split it silently.
 * Returning NULL after an error stops the parse at the first error.
 */
static char *read_line(char *str, int num, void *stream)
{
	load_ctx_t *c = stream;
	if (c->err)
		return NULL;
	/* Byte by byte: fgets() cannot tell a NUL byte from the end of the line, which would shift every line after it.
	 */
	int n = 0, ch = EOF;
	while (n < num - 1 && (ch = getc(c->file)) != EOF) {
		if (ch == '\0') {
			c->line++;
			c->err = fail(c->msg, c->msglen, MMU_EFORMAT, "%s:%d: NUL byte in a config file (binary data?)",
			              c->path, c->line);
			c->err_line = c->line;
			return NULL;
		}
		str[n++] = (char)ch;
		if (ch == '\n')
			break;
	}
	if (n == 0)
		return NULL;
	str[n] = '\0';
	c->line++;
	if (n == num - 1 && str[n - 1] != '\n' && (ch = getc(c->file)) != EOF) {
		c->err = fail(c->msg, c->msglen, MMU_EFORMAT, "%s:%d: line longer than %d characters", c->path, c->line,
		              num - 2);
		c->err_line = c->line;
		return NULL;
	}
	size_t blanks = strspn(str, " \t");
	memmove(str, str + blanks, (size_t)n - blanks + 1);
	return str;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
	load_ctx_t *c = user;
	char key[2 * KEY_NAME_MAX], why[512];
	if (section[0])
		snprintf(key, sizeof key, "%s.%s", section, name);
	else
		snprintf(key, sizeof key, "%s", name);
	int err = mmu_cfg_set(c->cfg, key, value, why, sizeof why);
	int i = err ? -1 : mmu_cfg_key_index(key);
	if (i >= 0 && c->lines[i]) { /* the first value would be silently lost: which one was meant? */
		snprintf(why, sizeof why, "%s given a second time (first on line %u)", key, c->lines[i]);
		err = MMU_EINVAL;
	}
	if (i >= 0)
		c->lines[i] = (unsigned)c->line;
	if (err) {
		c->err = fail(c->msg, c->msglen, err, "%s:%d: %s", c->path, c->line, why);
		c->err_line = c->line;
		return 0;
	}
	return 1;
}

/* Line n of the file, stripped, to quote in a syntax error (inih reports only the line number). */
static void fetch_line(FILE *f, int n, char *buf, size_t buflen)
{
	buf[0] = '\0';
	if (fseek(f, 0, SEEK_SET) != 0)
		return;
	for (int i = 1; i <= n; i++) {
		if (!fgets(buf, (int)buflen, f)) {
			buf[0] = '\0';
			return;
		}
		int ch = 0;
		while (!strchr(buf, '\n') && ch != '\n' && ch != EOF)
			ch = fgetc(f); /* the rest of a long line */
	}
	buf[strcspn(buf, "\r\n")] = '\0';
}

static int syntax_error(load_ctx_t *c, int line)
{
	char text[64];
	fetch_line(c->file, line, text, sizeof text);
	const char *start = text + strspn(text, " \t");
	const char *what = start[0] == '[' ? "section header without a closing ']'"
	                                   : "syntax error: expected 'key = value', '[section]' or a comment";
	return fail(c->msg, c->msglen, MMU_EFORMAT, "%s:%d: %s: '%s'", c->path, line, what, start);
}

static int open_config(const char *path, FILE **out, char *msg, size_t msglen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return fail(msg, msglen, MMU_EIO, "%s: %s", path, strerror(errno));
	/* fopen() succeeds on a directory; the first read would then fail with a less helpful EISDIR. */
	struct stat st;
	if (fstat(fileno(f), &st) != 0) {
		int e = errno;
		fclose(f);
		return fail(msg, msglen, MMU_EIO, "%s: %s", path, strerror(e));
	}
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		return fail(msg, msglen, MMU_EIO, "%s: %s", path, strerror(EISDIR)); /* as the trace reader says it */
	}
	*out = f;
	return 0;
}

static int parse_config(load_ctx_t *c)
{
	int ret = ini_parse_stream(read_line, c, on_entry, c);
	if (ret > 0 && (!c->err || ret < c->err_line))
		return syntax_error(c, ret);
	if (c->err)
		return c->err;
	if (ferror(c->file))
		return fail(c->msg, c->msglen, MMU_EIO, "%s: read error: %s", c->path, strerror(errno));
	if (ret == -2)
		return fail(c->msg, c->msglen, MMU_ENOMEM, "%s: out of memory", c->path);
	return ret < 0 ? fail(c->msg, c->msglen, MMU_EIO, "%s: cannot be read", c->path) : 0;
}

/*
 * Keys are applied to a copy: inih keeps going after a syntax error, so lines after the first error would otherwise
 * land in cfg. On error cfg is left as it was.
 */
int mmu_cfg_load_file_lines(mmu_cfg_t *cfg, const char *path, unsigned lines[MMU_CFG_KEYS_MAX], char *msg,
                            size_t msglen)
{
	FILE *f = NULL;
	memset(lines, 0, MMU_CFG_KEYS_MAX * sizeof lines[0]);
	int err = open_config(path, &f, msg, msglen);
	if (err)
		return err;
	mmu_cfg_t work = *cfg;
	load_ctx_t c = {.cfg = &work, .file = f, .path = path, .msg = msg, .msglen = msglen, .lines = lines};
	err = parse_config(&c);
	fclose(f);
	if (err == 0)
		*cfg = work;
	return err;
}

int mmu_cfg_load_file(mmu_cfg_t *cfg, const char *path, char *msg, size_t msglen)
{
	unsigned lines[MMU_CFG_KEYS_MAX];
	return mmu_cfg_load_file_lines(cfg, path, lines, msg, msglen);
}
