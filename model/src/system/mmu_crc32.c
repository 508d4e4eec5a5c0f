/*
 * CRC-32 by ISA-L, which picks the fastest folding its processor allows (carry-less multiplication on 128-bit or,
 * with VPCLMULQDQ, 512-bit registers) at run time; its running value is zlib's, so calls chain as crc32()'s do.
 */
#include "mmu_crc32.h"

#include <isa-l/crc.h>

uint32_t mmu_crc32(uint32_t crc, const void *data, size_t len)
{
	return crc32_gzip_refl(crc, data, (uint64_t)len);
}
