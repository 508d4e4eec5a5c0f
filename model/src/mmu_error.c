#include "mmu/mmu_error.h"

#include <stdarg.h>
#include <stdio.h>

#include "mmu_line_error.h"

const char *mmu_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
#define MMU_ERRNO_CASE(name, value, text)                                                                              \
	case name:                                                                                                     \
		return text;
		MMU_ERRNO_MAP(MMU_ERRNO_CASE)
#undef MMU_ERRNO_CASE
	default:
		return "unknown error";
	}
}

int mmu_line_error(const mmu_line_where_t *w, const char *fmt, ...)
{
	char what[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	snprintf(w->msg, w->msglen, "%s:%lu: %s", w->name, w->line, what);
	return MMU_EFORMAT;
}
