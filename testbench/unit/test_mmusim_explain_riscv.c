/*
 * mmusim explain in the modes added after x86-64, 32-bit x86 and the textbook one: x86_64_la57 and RISC-V Sv39, Sv48,
 * Sv57 (docs/paging.md). The VPN split, each entry with its RISC-V field names, the leaf decision, the fault's
 * reason and its exception code.
 *
 * Expected values by hand. The OS model hands out frames in increasing order from 0x100000: the root table first,
 * then each table and the page as a mapping needs them. A RISC-V pointer is V alone with PPN = frame >> 12 at bit 10,
 * so the pointer to 0x101000 reads 0x101 << 10 | 1 = 0x40401. Under Svade (the default) the OS maps a page with
 * A = 1, and with D = 1 when the fault was a store's.
 */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

static cli_run_t r;

static void explain(const char *args)
{
	char full[1024];
	snprintf(full, sizeof full, "explain %s", args);
	cli_run(&r, MMU_SOURCE_DIR, MMU_MMUSIM, full);
	cr_assert_eq(r.status, 0, "mmusim %s: %s", full, r.err);
}

static void has(const char *text)
{
	cr_assert(strstr(r.out, text), "expected \"%s\" in:\n%s", text, r.out);
}

Test(explain_riscv, sv39_demand_store_names_every_field)
{
	explain("--addr 0x40201234 --set paging.mode=sv39 --demand --op store");
	/* 0x40201234: bits 38..30 = 1, 29..21 = 1, 20..12 = 1, offset 0x234 */
	has("  field  VPN[2]  VPN[1]  VPN[0]  offset\n  bits   38..30  29..21  20..12  11..0\n"
	    "  value  1       1       1       0x234\n");
	has("page walk from the root table at 0x100000 (satp.PPN x 4 KiB)");
	has("L2[1]  0x100008  0x0000000000000000  V0: not present, fault");
	has("result: store/AMO page fault, V = 0 (answered by the page walk); scause 15, stval 0x40201234");
	has("0x0000000000040401  V1 R0 W0 X0 U0 G0 A0 D0 (R = W = X = 0: a pointer) ppn 0x101 -> table 0x101000");
	has("0x0000000000040801  V1 R0 W0 X0 U0 G0 A0 D0 (R = W = X = 0: a pointer) ppn 0x102 -> table 0x102000");
	/* the leaf: 0x103 << 10 = 0x40c00, flags D A U X W R V = 0xdf */
	has("L0[1]  0x102008  0x0000000000040cdf  V1 R1 W1 X1 U1 G0 A1 D1 (R/W/X set: a leaf) ppn 0x103 -> 4 KiB "
	    "page 0x103000");
	has("result: paddr 0x103234 = page 0x103000 + offset 0x234");
}

Test(explain_riscv, sv39_store_to_a_clean_page_is_an_svade_fault)
{
	explain("--addr 0x40201234 --set paging.mode=sv39 --op store");
	/* mapped beforehand as by a load: A = 1, D = 0 -> 0x40c00 | 0x5f */
	has("0x0000000000040c5f  V1 R1 W1 X1 U1 G0 A1 D0 (R/W/X set: a leaf) ppn 0x103 -> 4 KiB page 0x103000: store "
	    "with D = 0: Svade, the OS sets D, fault");
	has("scause 15");
	explain("--addr 0x40201234 --set paging.mode=sv39 --op store --set paging.riscv.svadu=1");
	/* Svadu: the OS leaves A and D to the walker (0x40c00 | U X W R V = 0x40c1f), which sets both in one write */
	has("0x0000000000040c1f  V1 R1 W1 X1 U1 G0 A0 D0 (R/W/X set: a leaf)");
	has("4  wr  313..413  L0[1]  0x102008  0x0000000000040cdf  sets A D: a store through the leaf");
}

Test(explain_riscv, sv48_supervisor_fetch_from_a_user_megapage)
{
	explain("--addr 0x8040201234 --set paging.mode=sv48 --op fetch --supervisor --set os.thp=always");
	/* a 2 MiB page: the walk stops at VPN[1]; the frame is the first 2 MiB-aligned one after the tables, 0x200000
	 */
	has("  field  VPN[3]  VPN[2]  VPN[1]  offset\n  bits   47..39  38..30  29..21  20..0\n");
	has("ppn 0x200 -> 2 MiB page 0x200000: S-mode fetch from a user page (U = 1), never allowed, fault");
	has("result: instruction page fault, not permitted (answered by the page walk); scause 12, stval 0x8040201234");
}

Test(explain_riscv, sv57_address_not_sign_extended)
{
	explain("--addr 0x0100000000000000 --set paging.mode=sv57");
	has("(57-bit virtual address, NOT a valid address of this mode)");
	has("result: load page fault, bits 63..57 not all equal to bit 56 (answered without a lookup, T7); scause 13");
}

Test(explain_riscv, execute_only_page_and_mxr)
{
	explain("--addr 0x40201234 --set paging.mode=sv39 --map-perms x,u");
	/* R = 0, W = 0, X = 1: 0x40c00 | A U X V = 0x40c59 */
	has("0x0000000000040c59  V1 R0 W0 X1 U1 G0 A1 D0 (R/W/X set: a leaf) ppn 0x103 -> 4 KiB page 0x103000: load "
	    "from a page without R (execute-only; sstatus.MXR = 0), fault");
	explain("--addr 0x40201234 --set paging.mode=sv39 --map-perms x,u --set paging.riscv.mxr=1");
	has("result: paddr 0x103234");
	explain("--addr 0x40201234 --set paging.mode=sv39 --map-perms x,u --op fetch");
	has("result: paddr 0x103234");
}

Test(explain_riscv, reserved_encodings_say_which_rule)
{
	explain("--addr 0x40201234 --set paging.mode=sv39 --map-perms w,x,u");
	has("V1 R0 W1 X1 U1 G0 A1 D0: W = 1 with R = 0 is reserved, page fault");
	has("result: load page fault, reserved encoding");
	explain("--addr 0x40201234 --set paging.mode=sv39 --reserved-bit");
	has("PPN above the 46-bit physical address space, page fault");
}

Test(explain_riscv, la57_splits_five_fields)
{
	explain("--addr 0x1000000001234 --set paging.mode=x86_64_la57");
	/* 2^48 + 0x1234: PML5 index 1, PML4, PDPT, PD index 0, PT index 1 */
	has("  field  PML5    PML4    PDPT    PD      PT      offset\n  bits   56..48  47..39  38..30  29..21  20..12  "
	    "11..0\n  value  1       0       0       0       1       0x234\n");
	has("page walk from the root table at 0x100000 (CR3)");
	has("PML5[1]  0x100008");
	/* x86 sets A in every entry it reads: each read is followed by its write-back */
	has("10 accesses = 5 reads (one entry per level walked, W3) + 5 write-backs");
}

Test(explain_riscv, json_reports_scause_and_stval_not_an_error_code_page)
{
	/* a store to a page without W (r,x,u): scause 15 (Priv 4.1.9), stval the address (4.1.10) */
	explain("--addr 0x40201234 --set paging.mode=sv39 --op store --map-perms r,x,u --json");
	has("\"scause\":\t15,\n");
	has("\"scause_text\":\t\"store/AMO page fault\",\n");
	has("\"stval\":\t1075843636,\n"); /* 0x40201234 */
	has("\"stval_hex\":\t\"0x40201234\",\n");
	has("\"name\":\t\"L2\",\n\t\t\t\"vpn_field\":\t\"VPN[2]\",\n");
	has("\"name\":\t\"L0\",\n\t\t\t\"vpn_field\":\t\"VPN[0]\",\n");
	/* a fetch from a page without X: 12; a load that succeeds reports neither */
	explain("--addr 0x40201234 --set paging.mode=sv57 --op fetch --map-perms r,w,u --json");
	has("\"scause\":\t12,\n");
	has("\"scause_text\":\t\"instruction page fault\",\n");
	has("\"vpn_field\":\t\"VPN[4]\",\n");
	explain("--addr 0x40201234 --set paging.mode=sv48 --json");
	cr_assert(!strstr(r.out, "scause"), "a translation has no scause:\n%s", r.out);
	/* x86 keeps its error code and has no RISC-V names */
	explain("--addr 0x40201234 --set paging.mode=x86_64_la57 --op store --map-perms r,x,u --json");
	has("\"error_code\":\t7,\n");
	cr_assert(!strstr(r.out, "scause") && !strstr(r.out, "vpn_field"), "RISC-V keys in an x86 page:\n%s", r.out);
}
