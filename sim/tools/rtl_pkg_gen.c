/*
 * Writes rtl/mmu_arch_pkg.sv, the RTL's package of encodings and paging constants, from the model's own declarations:
 * the enums of mmu.h (ops, flush kinds, fault causes, hit levels, error-code bits), the port widths of
 * mmu_ports.def and the mode tables of mmu_paging.c (x86-64, LA57, Sv39, Sv48, Sv57). `make rtl-pkg` rewrites the file;
 * the ctest rtl_pkg fails when the committed file and this output differ, so RTL and model cannot drift apart.
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

/*
 * The modes the RTL implements, as packed tables indexed by the mode's value (mmu_mode_t, mmu_top's Mode):
 * field f of mode m is Mode<F>[m*W +: W]. Modes the RTL does not implement (x86_32, textbook) have Levels 0. Built
 * with each mode's widest pa_bits, so the reserved masks hold only the bits the mode itself reserves.
 */
#define NMODES (MMU_MODE_SV57 + 1)
static const mmu_mode_t rtl_modes[] = {MMU_MODE_X86_64, MMU_MODE_X86_64_LA57, MMU_MODE_SV39, MMU_MODE_SV48,
                                       MMU_MODE_SV57};

static void byte_table(const char *name, const unsigned v[NMODES], const char *why)
{
	if (why[0])
		printf("  // %s\n", why);
	printf("  localparam logic [%u:0] %s = {", NMODES * 8 - 1, name);
	for (int m = NMODES - 1; m >= 0; m--)
		printf("8'd%u%s", v[m], m ? ", " : "");
	printf("};\n");
}

static void mask_table(const char *name, uint64_t v[NMODES][MMU_MAX_LEVELS + 1], const char *why)
{
	printf("  // %s\n  localparam logic [%u:0] %s = {\n", why, NMODES * (MMU_MAX_LEVELS + 1) * 64 - 1, name);
	for (int m = NMODES - 1; m >= 0; m--) {
		for (int n = MMU_MAX_LEVELS; n >= 0; n--) /* three a line: levels 5-3, then 2-0 */
			printf("%s64'h%016" PRIx64 "%s%s", n % 3 == 2 ? "    " : "", v[m][n], m || n ? "," : "",
			       n % 3 == 0 ? "\n" : " ");
	}
	printf("  };\n");
}

static unsigned bit_or_none(int bit)
{
	return bit < 0 ? 255u : (unsigned)bit;
}

static int mode_tables(void)
{
	unsigned levels[NMODES] = {0}, leaf_levels[NMODES] = {0}, riscv[NMODES] = {0}, satp[NMODES] = {0};
	unsigned b_v[NMODES] = {0}, b_r[NMODES] = {0}, b_w[NMODES] = {0}, b_x[NMODES] = {0}, b_u[NMODES] = {0},
	         b_g[NMODES] = {0};
	unsigned b_a[NMODES] = {0}, b_d[NMODES] = {0}, b_ps[NMODES] = {0}, b_nx[NMODES] = {0}, pfn[NMODES] = {0};
	unsigned pa_max[NMODES] = {0};
	uint64_t table[NMODES][MMU_MAX_LEVELS + 1] = {{0}}, leaf[NMODES][MMU_MAX_LEVELS + 1] = {{0}};
	printf("\n  // Paging modes (mmu_mode_t, mmu_top parameter Mode): the model's mode tables\n"
	       "  // (model/src/hw/mmu_paging.c), field F of mode M at ModeF[M*8 +: 8] (masks: ModeRsvd*[(M*6+n)*64 +: "
	       "64]).\n"
	       "  // Levels 0: a mode the RTL does not implement. A PTE bit of 255: the mode has no such bit.\n");
	for (size_t i = 0; i < sizeof rtl_modes / sizeof rtl_modes[0]; i++) {
		mmu_mode_t m = rtl_modes[i];
		bool rv = m == MMU_MODE_SV39 || m == MMU_MODE_SV48 || m == MMU_MODE_SV57;
		mmu_paging_cfg_t cfg = {.mode = m, .pa_bits = rv ? 56 : 52, .riscv_svadu = true};
		mmu_paging_t p;
		char msg[256];
		if (mmu_paging_init(&p, &cfg, msg, sizeof msg) != 0) {
			fprintf(stderr, "rtl_pkg_gen: %s\n", msg);
			return 1;
		}
		char name[48];
		snprintf(name, sizeof name, "Mode%c%s", p.name[0] - 'a' + 'A', p.name + 1);
		for (char *c = name; *c; c++)
			if (*c == '_') /* x86_64_la57 -> ModeX8664La57 */
				memmove(c, c + 1, strlen(c)),
				    c[0] = (char)(c[0] >= 'a' && c[0] <= 'z' ? c[0] - 'a' + 'A' : c[0]);
		integer(name, m, p.name);
		levels[m] = p.levels;
		for (unsigned n = 1; n <= p.levels; n++)
			if (n == 1 || ((p.huge_levels >> n) & 1))
				leaf_levels[m] = n;
		riscv[m] = p.format == MMU_PTE_RISCV;
		satp[m] = p.satp_mode;
		b_v[m] = bit_or_none(p.bit_present);
		b_r[m] = bit_or_none(p.bit_read);
		b_w[m] = bit_or_none(p.bit_writable);
		b_x[m] = bit_or_none(p.bit_exec);
		b_u[m] = bit_or_none(p.bit_user);
		b_g[m] = bit_or_none(p.bit_global);
		b_a[m] = bit_or_none(p.bit_accessed);
		b_d[m] = bit_or_none(p.bit_dirty);
		b_ps[m] = bit_or_none(p.bit_pagesize);
		b_nx[m] = bit_or_none(p.bit_nx);
		pfn[m] = p.pfn_lsb;
		pa_max[m] = cfg.pa_bits;
		for (unsigned n = 1; n <= p.levels; n++) {
			table[m][n] = p.rsvd_table[n];
			leaf[m][n] = p.rsvd_leaf[n];
		}
	}
	integer("NumModes", NMODES, "");
	byte_table("ModeLevels", levels, "levels of tables");
	byte_table("ModeLeafLevels", leaf_levels, "leaves at levels 1..this (page sizes of the TLB)");
	byte_table("ModeRiscv", riscv, "1: RISC-V PTE format and rules (docs/paging.md)");
	byte_table("ModeSatp", satp, "RISC-V satp.MODE of the mode; 0: the register is CR3");
	byte_table("ModePaBitsMax", pa_max, "widest paging.pa_bits of the mode");
	byte_table("ModePfnLsb", pfn, "lowest bit of the frame number in a PTE");
	byte_table("ModeBitPresent", b_v, "");
	byte_table("ModeBitRead", b_r, "");
	byte_table("ModeBitWritable", b_w, "");
	byte_table("ModeBitExec", b_x, "");
	byte_table("ModeBitUser", b_u, "");
	byte_table("ModeBitGlobal", b_g, "");
	byte_table("ModeBitAccessed", b_a, "");
	byte_table("ModeBitDirty", b_d, "");
	byte_table("ModeBitPageSize", b_ps, "");
	byte_table("ModeBitNx", b_nx, "");
	mask_table("ModeRsvdTable", table, "reserved bits of a level-n entry that points to a table (W5)");
	mask_table("ModeRsvdLeaf", leaf, "reserved bits of a level-n leaf (W5; RISC-V: misaligned superpage too)");
	return 0;
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

	printf("// Encodings and paging constants shared by every RTL module. Generated from the model's declarations\n"
	       "// (model/include/mmu/mmu.h, mmu_ports.def, the mode tables of model/src/hw/mmu_paging.c) by\n"
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
	value("FlushVaAll", flush_w, MMU_FLUSH_VA_ALL, "the page of flush_vaddr in every PCID/ASID, global too");

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

	printf("\n  // RISC-V exception codes in resp_ecode (privileged spec 4.1.9, scause)\n");
	integer("RvFetchPageFault", MMU_RV_FETCH_PAGE_FAULT, "");
	integer("RvLoadPageFault", MMU_RV_LOAD_PAGE_FAULT, "");
	integer("RvStorePageFault", MMU_RV_STORE_PAGE_FAULT, "");

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
	if (mode_tables() != 0)
		return 1;
	printf("\n  /* verilator lint_on UNUSEDPARAM */\n\nendpackage\n");
	return 0;
}
