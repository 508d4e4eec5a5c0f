/* Opening the trace a command reads, with the same messages in every front end. */
#include "cli.h"

#include "mmu/mmu_error.h"

/* The bundled workload, where the build put it (CMake defines the path for this file only). */
const char *cli_trace_path(const char *given)
{
	return given ? given : MMU_DEFAULT_WORKLOAD;
}

int cli_trace_open(const char *path, const char *format, mmu_trace_t **out, char *msg, size_t msglen)
{
	int fmt = mmu_trace_format_parse(format ? format : "auto");
	if (fmt < 0) {
		snprintf(msg, msglen,
		         "--format: '%s' is not one of lackey, text, champsim, champsim-cloudsuite, din, auto", format);
		return MMU_EINVAL;
	}
	return mmu_trace_open(path, (mmu_trace_format_t)fmt, out, msg, msglen);
}
