/*
 * Writes rtl/mmu_arch_pkg.sv, the RTL's package of encodings and paging constants, from the model's own declarations:
 * the enums of mmu.h (ops, flush kinds, fault causes, hit levels, error-code bits), the port widths of
 * mmu_ports.def and the x86-64 mode table of mmu_paging.c. `make rtl-pkg` rewrites the file; the ctest rtl_pkg
 * fails when the committed file and this output differ, so RTL and model cannot drift apart.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "mmu/mmu.h"
#include "mmu/mmu_paging.h"

static unsigned width_of(unsigned max_value)
{
	unsigned w = 1;
	while ((max_value >> w) != 0)
		w++;
	return w;
}

static void value(const char *name, unsigned width, unsigned v, const char *why)
{
	printf("  localparam logic [%u:0] %s = %u'd%u;%s%s\n", width - 1, name, width, v, why[0] ? "  // " : "", why);
}

static void integer(const char *name, long v, const char *why)
{
	printf("  localparam int %s = %ld;%s%s\n", name, v, why[0] ? "  // " : "", why);
}

static void mask(const char *name, uint64_t v, const char *why)
{
	printf("  localparam logic [63:0] %s = 64'h%016" PRIx64 ";%s%s\n", name, v, why[0] ? "  // " : "", why);
}

int main(void)
{
	/* Address bits beyond MAXPHYADDR depend on mmu_top's PaBits: built with the widest, the tables hold only the
	 * bits the mode itself reserves; modules add the ones above PaBits. */
	mmu_paging_cfg_t cfg = {.mode = MMU_MODE_X86_64, .pa_bits = 52};
	mmu_paging_t p;
	char msg[256];
	if (mmu_paging_init(&p, &cfg, msg, sizeof msg) != 0) {
		fprintf(stderr, "rtl_pkg_gen: %s\n", msg);
		return 1;
	}

	printf("// Encodings and x86-64 paging constants shared by every RTL module. Generated from the model's "
	       "declarations\n"
	       "// (model/include/mmu/mmu.h, mmu_ports.def, the x86-64 table of model/src/hw/mmu_paging.c) by\n"
	       "// sim/tools/rtl_pkg_gen.c: do not edit. `make rtl-pkg` rewrites it; ctest rtl_pkg fails when it is "
	       "out of step.\n"
	       "// Referenced as mmu_arch_pkg::Name (Yosys 0.23 does not accept `import` in a module header).\n"
	       "package mmu_arch_pkg;\n\n"
	       "  // The whole vocabulary is declared, used or not by today's modules.\n"
	       "  /* verilator lint_off UNUSEDPARAM */\n\n");

	unsigned op_w = 0, flush_w = 0, cause_w = 0, level_w = 0;
#define MMU_IN(name, width)                                                                                            \
	if (strcmp(#name, "flush_op") == 0)                                                                            \
		flush_w = (width);
#define MMU_IN_REQ(name, width)                                                                                        \
	if (strcmp(#name, "req_op") == 0)                                                                              \
		op_w = (width);
#define MMU_OUT_REQ(name, width)                                                                                       \
	if (strcmp(#name, "resp_cause") == 0)                                                                          \
		cause_w = (width);                                                                                     \
	if (strcmp(#name, "resp_level") == 0)                                                                          \
		level_w = (width);
#include "mmu/mmu_ports.def"

	printf("  // Request operation (mmu_op_t, port req_op)\n");
	value("OpLoad", op_w, MMU_OP_LOAD, "");
	value("OpStore", op_w, MMU_OP_STORE, "");
	value("OpFetch", op_w, MMU_OP_FETCH, "");

	printf("\n  // Invalidation kinds (mmu_flush_op_t, port flush_op, docs/timing.md T12)\n");
	value("FlushAll", flush_w, MMU_FLUSH_ALL, "every entry, global ones too");
	value("FlushNonGlobal", flush_w, MMU_FLUSH_NONGLOBAL, "every non-global entry");
	value("FlushPcid", flush_w, MMU_FLUSH_PCID, "non-global entries of flush_pcid");
	value("FlushVa", flush_w, MMU_FLUSH_VA, "the page of flush_vaddr, current PCID and global");
	value("FlushVaPcid", flush_w, MMU_FLUSH_VA_PCID, "the page of flush_vaddr in flush_pcid, non-global");

	printf("\n  // Fault causes (mmu_fault_cause_t, port resp_cause)\n");
	value("CauseNone", cause_w, MMU_CAUSE_NONE, "");
	value("CauseNotPresent", cause_w, MMU_CAUSE_NOT_PRESENT, "");
	value("CauseProtection", cause_w, MMU_CAUSE_PROTECTION, "");
	value("CauseReserved", cause_w, MMU_CAUSE_RESERVED, "");
	value("CauseNonCanonical", cause_w, MMU_CAUSE_NONCANONICAL, "");

	printf("\n  // Where a translation was answered (mmu_hit_level_t, port resp_level)\n");
	value("LevelL1", level_w, MMU_LEVEL_L1, "");
	value("LevelL2", level_w, MMU_LEVEL_L2, "");
	value("LevelWalk", level_w, MMU_LEVEL_WALK, "");
	value("LevelNone", level_w, MMU_LEVEL_NONE, "a fault before any lookup");

	printf("\n  // Page-fault error code bits in resp_ecode (Intel SDM Vol. 3A, 4.7)\n");
	integer("EcBitP", width_of(MMU_EC_P) - 1, "0: not present; 1: protection or reserved bit");
	integer("EcBitW", width_of(MMU_EC_W) - 1, "the access was a write");
	integer("EcBitU", width_of(MMU_EC_U) - 1, "the access was in user mode");
	integer("EcBitRsvd", width_of(MMU_EC_RSVD) - 1, "a reserved bit was set");
	integer("EcBitId", width_of(MMU_EC_ID) - 1, "the access was an instruction fetch");
	integer("EcodeW", width_of(MMU_EC_P | MMU_EC_W | MMU_EC_U | MMU_EC_RSVD | MMU_EC_ID), "");

	printf("\n  // x86-64 4-level paging (Intel SDM Vol. 3A, 4.5), the model's mode table \"%s\"\n", p.name);
	integer("Levels", p.levels, "");
	integer("BitsPerLevel", p.bits_per_level, "index bits of one table");
	integer("PageBits", p.page_bits, "offset bits of a base page");
	integer("VaBits", p.va_bits, "");
	integer("VpnBits", p.va_bits - p.page_bits, "virtual page number of a base page");
	integer("PteBitPresent", p.bit_present, "");
	integer("PteBitWritable", p.bit_writable, "");
	integer("PteBitUser", p.bit_user, "");
	integer("PteBitAccessed", p.bit_accessed, "");
	integer("PteBitDirty", p.bit_dirty, "");
	integer("PteBitPageSize", p.bit_pagesize, "");
	integer("PteBitGlobal", p.bit_global, "");
	integer("PteBitNx", p.bit_nx, "");
	integer("PfnLsb", p.pfn_lsb, "");
	integer("PaBitsMax", 52, "MAXPHYADDR's architectural limit");
	printf("  // Reserved bits a mode itself defines (W5); the address bits at and above PaBits are added by the "
	       "walker\n");
	for (unsigned n = p.levels; n >= 1; n--) {
		char name[32];
		snprintf(name, sizeof name, "RsvdTable%u", n);
		if (n > 1)
			mask(name, p.rsvd_table[n], n == p.levels ? "PS in a PML4E" : "");
		if ((p.huge_levels >> n) & 1 || n == 1) {
			snprintf(name, sizeof name, "RsvdLeaf%u", n);
			mask(name, p.rsvd_leaf[n], "");
		}
	}
	printf("\n  /* verilator lint_on UNUSEDPARAM */\n\nendpackage\n");
	return 0;
}
