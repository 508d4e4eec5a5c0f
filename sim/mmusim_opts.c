/* Options shared by the lecture commands (explain, amat, diagram) and their configuration. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmusim_lecture.h"

typedef struct opt_desc {
	const char *name;
	size_t offset; /* of the const char * (value) or bool (flag) in lecture_opts_t */
	bool flag;
} opt_desc_t;

#define VALUE(n, field)                                                                                                \
	{                                                                                                              \
		n, offsetof(lecture_opts_t, field), false                                                              \
	}
#define FLAG(n, field)                                                                                                 \
	{                                                                                                              \
		n, offsetof(lecture_opts_t, field), true                                                               \
	}
static const opt_desc_t options[] = {
    VALUE("--preset", preset),
    VALUE("--config", config),
    VALUE("--seed", seed),
    VALUE("--trace", trace),
    VALUE("--format", format),
    VALUE("--engine", engine),
    VALUE("--addr", addr),
    VALUE("--op", op),
    VALUE("--ostep-dump", ostep_dump),
    VALUE("--at", at),
    VALUE("--out", out),
    VALUE("--scenario", scenario),
    FLAG("--json", json),
    FLAG("--markdown", markdown),
    FLAG("--warm", warm),
    FLAG("--demand", demand),
};
#undef VALUE
#undef FLAG

static const struct {
	const char *cmd, *usage;
} usages[] = {
    {"explain",
     "usage: mmusim explain --addr VA [--op load|store|fetch] [--preset P] [--config F] [--set K=V]...\n"
     "                      [--warm | --demand] [--ostep-dump FILE] [--trace F [--format F] --at N] [--json]\n"},
    {"amat", "usage: mmusim amat [--trace F] [--format F] [--preset P] [--config F] [--set K=V]... [--seed N]\n"
             "                   [--engine fast|ticked] [--markdown | --json]\n"},
    {"diagram", "usage: mmusim diagram [--scenario NAME|all] [--out DIR] [--preset P] [--config F] [--set K=V]...\n"
                "  scenarios: tlb-hit, l2-hit, walk, fault, ad-write (default: all)\n"},
};

int lecture_fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mmusim: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 2;
}

static void print_usage(const char *cmd)
{
	for (size_t i = 0; i < sizeof usages / sizeof usages[0]; i++)
		if (!strcmp(usages[i].cmd, cmd))
			fputs(usages[i].usage, stdout);
}

/* Whether name is one of the space-separated words of list. */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(list, name); p; p = strstr(p + 1, name))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static const opt_desc_t *find_option(const char *name)
{
	for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
		if (!strcmp(options[i].name, name))
			return &options[i];
	return NULL;
}

int lecture_parse(const char *cmd, const char *accepted, int argc, char **argv, lecture_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
	if (!o->sets)
		return lecture_fail("out of memory");
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			print_usage(cmd);
			lecture_free(o);
			exit(0);
		}
		const opt_desc_t *d = find_option(a);
		bool is_set = !strcmp(a, "--set");
		if ((!d && !is_set) || !listed(accepted, a))
			return lecture_fail("%s: unknown option '%s' (see mmusim %s --help)", cmd, a, cmd);
		if (d && d->flag) {
			*(bool *)((char *)o + d->offset) = true;
			continue;
		}
		if (i + 1 >= argc)
			return lecture_fail("%s: option %s needs a value", cmd, a);
		if (is_set)
			o->sets[o->nsets++] = argv[++i];
		else
			*(const char **)((char *)o + d->offset) = argv[++i];
	}
	return 0;
}

void lecture_free(lecture_opts_t *o)
{
	free(o->sets);
	o->sets = NULL;
}

int lecture_config(const lecture_opts_t *o, mmu_cfg_t *cfg)
{
	char msg[1024];
	mmu_cfg_sources_t src = {
	    .preset = o->preset, .file = o->config, .sets = o->sets, .nsets = (size_t)o->nsets, .seed = o->seed};
	if (mmu_cfg_build(cfg, &src, msg, sizeof msg))
		return lecture_fail("%s", msg);
	return 0;
}

bool lecture_number(const char *s, uint64_t *v)
{
	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return false;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end)
		return false;
	*v = x;
	return true;
}
