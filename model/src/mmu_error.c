#include "mmu/mmu_error.h"

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
