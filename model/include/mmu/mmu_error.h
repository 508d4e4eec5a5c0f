#ifndef MMU_ERROR_H
#define MMU_ERROR_H

/*
 * Error codes returned by every fallible function of the library: 0 on success, one of these (negative) otherwise.
 * Functions that can say more (which key, which line) also fill a caller-supplied message buffer.
 */
#define MMU_ERRNO_MAP(X)                                                                                               \
	X(MMU_EINVAL, -1, "invalid argument or configuration value")                                                   \
	X(MMU_ENOMEM, -2, "out of memory")                                                                             \
	X(MMU_EIO, -3, "input/output error")                                                                           \
	X(MMU_EFORMAT, -4, "malformed input")                                                                          \
	X(MMU_EKEY, -5, "unknown configuration key")                                                                   \
	X(MMU_ERANGE, -6, "value out of range")                                                                        \
	X(MMU_ENOFRAME, -7, "physical memory exhausted")                                                               \
	X(MMU_EFAULT, -8, "unhandled page fault")                                                                      \
	X(MMU_EEXIST, -9, "already exists")

enum {
#define MMU_ERRNO_ENUM(name, value, text) name = value,
	MMU_ERRNO_MAP(MMU_ERRNO_ENUM)
#undef MMU_ERRNO_ENUM
};

/* A static description of an error code ("unknown error" for codes not in the table). */
const char *mmu_strerror(int err);

#endif
