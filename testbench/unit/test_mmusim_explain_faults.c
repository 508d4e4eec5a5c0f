/*
 * Every page-fault cause and every bit of the x86 page-fault error code (Intel SDM Vol. 3A, 4.7) as `mmusim explain`
 * shows them, with --user/--supervisor, --op, --map-perms and --reserved-bit; and the decoded entries and messages a
 * student reads beside them.
 *
 * Expected values by hand. The teaching preset: x86-64, 4 levels, L1 lookup 1 cycle, L2 lookup 4, memory 20 cycles
 * (an access spans 21). The OS hands out frames in increasing order from 0x100000 and creates entries with A = D = 0.
 *
 * User page 0x401000: PML4 index 0x401000 >> 39 = 0, PDPT (>> 30) & 511 = 0, PD (>> 21) & 511 = 2, PT (>> 12) & 511
 * = 1. Frames: root 0x100000, PDPT 0x101000, PD 0x102000, PT 0x103000, the page 0x104000. A walk that reaches the
 * leaf and faults there: 4 reads and 3 A write-backs (the faulting leaf is not written, W6/W7): 1 + 4 + 7 x 21 = 152
 * cycles, fault_level 4 (the PT entry, the fourth read). A fault at the root entry: 1 + 4 + 21 = 26 cycles.
 *
 * Kernel page 0xffff800000001000 (the canonical upper half): PML4 index (va >> 39) & 511 = 256, PDPT 0, PD 0, PT 1.
 * The kernel's template root takes frame 0x101000, its PDPT 0x102000, PD 0x103000, PT 0x104000, the page 0x105000;
 * leaf = 0x105000 | G (0x100) | W (2) | P (1), XD (bit 63) set: no MMU_PERM_X = 0x8000000000105103; tables U = 0.
 *
 * Error code bits: P 0x01 (0 = not present), W/R 0x02 (a write), U/S 0x04 (user mode), RSVD 0x08, I/D 0x10 (a fetch,
 * with EFER.NXE = 1 as the model has it).
 */
#include "cli_run.h"

#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

static cli_run_t r;

#define USER_PAGE   "--preset teaching --addr 0x401000"
#define KERNEL_PAGE "--preset teaching --addr 0xffff800000001000"

static void mmusim(const char *args)
{
	cli_run(&r, MMU_SOURCE_DIR, MMU_MMUSIM, args);
}

static cJSON *json_run(const char *args)
{
	char full[1024];
	snprintf(full, sizeof full, "explain --json %s", args);
	mmusim(full);
	cr_assert_eq(r.status, 0, "mmusim %s: %s", full, r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j, "not JSON: %s", r.out);
	return j;
}

static const cJSON *get(const cJSON *j, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(v, "no '%s'", name);
	return v;
}

/* What one attempt of the request must show. */
typedef struct expect_fault {
	const char *cause;
	unsigned ecode, fault_level, steps, cycles;
} expect_fault_t;

static void check_attempt(const char *args, const cJSON *a, const expect_fault_t *x)
{
	cr_assert(cJSON_IsTrue(get(a, "fault")), "%s: no fault", args);
	cr_assert_str_eq(get(a, "cause")->valuestring, x->cause, "%s", args);
	cr_assert_eq(get(a, "error_code")->valueint, (int)x->ecode, "%s: error code 0x%02x, expected 0x%02x", args,
	             get(a, "error_code")->valueint, x->ecode);
	cr_assert_eq(get(a, "fault_level")->valueint, (int)x->fault_level, "%s", args);
	cr_assert_eq(cJSON_GetArraySize(get(a, "steps")), (int)x->steps, "%s", args);
	cr_assert_eq(get(a, "cycles")->valueint, (int)x->cycles, "%s", args);
}

/* The request faults and nothing serves it: one attempt, the fault is the result. */
static void expect_fault(const char *args, expect_fault_t x)
{
	cJSON *j = json_run(args);
	cr_assert_eq(cJSON_GetArraySize(get(j, "attempts")), 1, "%s", args);
	check_attempt(args, cJSON_GetArrayItem(get(j, "attempts"), 0), &x);
	cr_assert(cJSON_IsNull(get(j, "paddr")));
	cJSON_Delete(j);
}

/* --demand: the first attempt's not-present fault, served by the OS; the retry translates. */
static void expect_demand_fault(const char *args, expect_fault_t x)
{
	cJSON *j = json_run(args);
	cr_assert_eq(cJSON_GetArraySize(get(j, "attempts")), 2, "%s", args);
	check_attempt(args, cJSON_GetArrayItem(get(j, "attempts"), 0), &x);
	cr_assert(cJSON_IsFalse(get(j, "fault")), "%s: the retry faulted", args);
	cr_assert_eq(get(j, "paddr")->valueint, 0x104000, "%s", args);
	cJSON_Delete(j);
}

/* ---- not present: P = 0; the root entry is empty, one read (fault_level 1) ---- */

Test(explain_faults, not_present_user_load_sets_only_us)
{
	expect_demand_fault(USER_PAGE " --demand", (expect_fault_t){"not present", 0x04, 1, 1, 26});
}

Test(explain_faults, not_present_user_store_sets_wr_and_us)
{
	expect_demand_fault(USER_PAGE " --demand --op store", (expect_fault_t){"not present", 0x06, 1, 1, 26});
}

Test(explain_faults, not_present_user_fetch_sets_id_and_us)
{
	expect_demand_fault(USER_PAGE " --demand --op fetch", (expect_fault_t){"not present", 0x14, 1, 1, 26});
}

Test(explain_faults, not_present_supervisor_load_is_error_code_zero)
{
	expect_demand_fault(USER_PAGE " --demand --supervisor", (expect_fault_t){"not present", 0x00, 1, 1, 26});
}

Test(explain_faults, not_present_supervisor_store_sets_only_wr)
{
	expect_demand_fault(USER_PAGE " --demand --supervisor --op store",
	                    (expect_fault_t){"not present", 0x02, 1, 1, 26});
}

/* ---- protection: P = 1; the walk reaches the leaf: 4 reads, 3 write-backs, 152 cycles ---- */

Test(explain_faults, user_load_of_a_kernel_page_is_a_protection_fault_with_us)
{
	expect_fault(KERNEL_PAGE, (expect_fault_t){"protection", 0x05, 4, 7, 152});
}

Test(explain_faults, user_store_to_a_read_only_page_sets_p_wr_us)
{
	expect_fault(USER_PAGE " --op store --map-perms r,u", (expect_fault_t){"protection", 0x07, 4, 7, 152});
}

Test(explain_faults, user_fetch_from_a_no_execute_page_sets_p_us_id)
{
	expect_fault(USER_PAGE " --op fetch --map-perms r,w,u", (expect_fault_t){"protection", 0x15, 4, 7, 152});
}

Test(explain_faults, supervisor_store_to_a_read_only_page_faults_as_cr0_wp_is_set)
{
	expect_fault(USER_PAGE " --supervisor --op store --map-perms r,x,u",
	             (expect_fault_t){"protection", 0x03, 4, 7, 152});
}

Test(explain_faults, supervisor_fetch_from_the_kernel_data_page_sets_p_id)
{
	expect_fault(KERNEL_PAGE " --supervisor --op fetch", (expect_fault_t){"protection", 0x11, 4, 7, 152});
}

Test(explain_faults, user_bit_of_every_level_counts_not_only_the_leaf)
{
	/* the leaf made a user page, the kernel's tables above it still U = 0: still a protection fault */
	expect_fault(KERNEL_PAGE " --map-perms r,w,x,u", (expect_fault_t){"protection", 0x05, 4, 7, 152});
	mmusim("explain " KERNEL_PAGE " --map-perms r,w,x,u");
	cr_assert(strstr(r.out,
	                 "0x0000000000105107  P1 W1 U1 A0 D0 G1 XD0 pfn 0x105 -> 4 KiB page 0x105000: user access "
	                 "to a supervisor-only page (U = 0 in the PML4 entry), fault\n"),
	          "%s", r.out);
}

/* ---- reserved bit: P = 1 and RSVD; bit 32 is the lowest above the 32-bit physical addresses of the preset ---- */

Test(explain_faults, reserved_bit_user_load_sets_p_rsvd_us)
{
	expect_fault(USER_PAGE " --reserved-bit", (expect_fault_t){"reserved bit set", 0x0d, 4, 7, 152});
	mmusim("explain " USER_PAGE " --reserved-bit");
	/* 0x104000 | U W P (7) | bit 32 = 0x100104007 */
	cr_assert(strstr(r.out, "page mapped by the OS beforehand, then reserved bit 32 of its entry set"), "%s",
	          r.out);
	cr_assert(strstr(r.out, "0x0000000100104007  P1 W1 U1 A0 D0 G0 XD0: reserved bit set, fault\n"), "%s", r.out);
	cr_assert(strstr(r.out, "error code 0x0d = P1 W0 U1 RSVD1 I/D0\n"), "%s", r.out);
}

Test(explain_faults, reserved_bit_supervisor_store_sets_p_wr_rsvd)
{
	expect_fault(USER_PAGE " --reserved-bit --supervisor --op store",
	             (expect_fault_t){"reserved bit set", 0x0b, 4, 7, 152});
}

/* ---- non-canonical: no page fault at all (T7), and no error code ---- */

Test(explain_faults, non_canonical_x86_address_is_a_general_protection_fault)
{
	expect_fault("--preset teaching --addr 0x800000000000", (expect_fault_t){"non-canonical", 0, 0, 0, 1});
	mmusim("explain --preset teaching --addr 0x800000000000");
	cr_assert(strstr(r.out, "address not canonical (answered without a lookup, T7); on x86 a general-protection "
	                        "exception\n"));
}

Test(explain_faults, textbook_address_beyond_15_bits_speaks_of_the_textbook_system)
{
	mmusim("explain --preset ostep --addr 0x8000");
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "result: fault, the address lies beyond the 15-bit virtual address space (answered "
	                        "without a lookup, T7): no page table covers it\n"),
	          "%s", r.out);
	cr_assert(!strstr(r.out, "canonical") && !strstr(r.out, "x86") && !strstr(r.out, "CR3"), "%s", r.out);
}

/* ---- the same accesses allowed ---- */

Test(explain_faults, supervisor_load_of_the_kernel_page_translates)
{
	mmusim("explain " KERNEL_PAGE " --supervisor");
	cr_assert(!strncmp(r.out, "mmusim explain: supervisor load 0xffff800000001000\n", 51), "%s", r.out);
	cr_assert(strstr(r.out, "result: paddr 0x105000 = page 0x105000 + offset 0x0 (answered by the page walk)\n"));
	cJSON *j = json_run(KERNEL_PAGE " --supervisor");
	cr_assert(cJSON_IsFalse(get(j, "fault")));
	cr_assert_eq(get(j, "paddr")->valueint, 0x105000);
	cr_assert_eq(get(j, "cycles")->valueint, 173, "4 reads, 4 A write-backs: 1 + 4 + 8 x 21");
	cJSON_Delete(j);
}

Test(explain_faults, user_load_of_a_read_only_page_translates)
{
	cJSON *j = json_run(USER_PAGE " --map-perms r,u");
	cr_assert(cJSON_IsFalse(get(j, "fault")));
	cr_assert_eq(get(j, "paddr")->valueint, 0x104000);
	cJSON_Delete(j);
}

/* ---- entries decoded by kind, write-backs explained ---- */

Test(explain_faults, table_entries_show_no_d_or_g_and_ps_only_where_defined)
{
	mmusim("explain " USER_PAGE " --op store");
	cr_assert_eq(r.status, 0, "%s", r.err);
	/* PML4 entry: PS is reserved there (not shown); table entries ignore D and G */
	cr_assert(strstr(r.out, "0x0000000000101007  P1 W1 U1 A0 XD0 pfn 0x101 -> table 0x101000\n"), "%s", r.out);
	cr_assert(strstr(r.out, "0x0000000000102007  P1 W1 U1 A0 PS0 XD0 pfn 0x102 -> table"), "%s", r.out);
	cr_assert(strstr(r.out, "0x0000000000103007  P1 W1 U1 A0 PS0 XD0 pfn 0x103 -> table"), "%s", r.out);
	/* the PT entry is a leaf: D and G, and bit 7 is PAT there, not PS */
	cr_assert(strstr(r.out, "0x0000000000104007  P1 W1 U1 A0 D0 G0 XD0 pfn 0x104 -> 4 KiB"), "%s", r.out);
	cr_assert(strstr(r.out, "sets A: the walker used this entry with A = 0, so it is marked used (W7)\n"), "%s",
	          r.out);
	/* the store sets A and D of the leaf in one write-back: 0x104007 | A (0x20) | D (0x40) = 0x104067 */
	cr_assert(strstr(r.out,
	                 "0x0000000000104067  sets A D: a store through the leaf, so the page is marked used and "
	                 "written (W7)\n"),
	          "%s", r.out);
	cr_assert(strstr(r.out, "  8 accesses = 4 reads (one entry per level walked, W3) + 4 write-backs of the "
	                        "accessed/dirty bits (W7)\n"),
	          "%s", r.out);
}

Test(explain_faults, x86_32_directory_entry_has_ps_but_no_d_or_g)
{
	mmusim("explain --preset textbook32 --addr 0x0804a01c");
	cr_assert(strstr(r.out, "0x00101007  P1 W1 U1 A0 PS0 pfn 0x101 -> table 0x101000\n"), "%s", r.out);
	cr_assert(strstr(r.out, "0x00102007  P1 W1 U1 A0 D0 G0 pfn 0x102 -> 4 KiB page 0x102000\n"), "%s", r.out);
}

/* ---- bad input ---- */

static void expect_error(const char *args, const char *message)
{
	mmusim(args);
	cr_assert_eq(r.status, 2, "mmusim %s exited %d", args, r.status);
	cr_assert_str_eq(r.err, message);
	cr_assert_str_eq(r.out, "");
}

Test(explain_faults, bad_permissions_and_combinations_are_refused)
{
	expect_error(
	    "explain --addr 0x1000 --map-perms r,q",
	    "mmusim: explain: --map-perms 'r,q': 'q' is not one of r, w, x, u (comma-separated, e.g. r,w,u)\n");
	expect_error(
	    "explain --addr 0x1000 --map-perms r,,w",
	    "mmusim: explain: --map-perms 'r,,w': '' is not one of r, w, x, u (comma-separated, e.g. r,w,u)\n");
	expect_error("explain --addr 0x1000 --map-perms w,u",
	             "mmusim: explain: --map-perms 'w,u': a mapped page is always readable: the list must hold r (e.g. "
	             "r,u for read-only)\n");
	expect_error(
	    "explain --preset textbook32 --addr 0x1000 --map-perms r,w,u",
	    "mmusim: explain: --map-perms 'r,w,u': paging mode x86_32 has no execute-disable bit, every page is "
	    "executable (add x)\n");
	expect_error(
	    "explain --preset ostep --addr 0x10 --map-perms r",
	    "mmusim: explain: --map-perms 'r': paging mode textbook has no writable bit, every page is writable "
	    "(add w)\n");
	expect_error("explain --addr 0x1000 --user --supervisor",
	             "mmusim: explain: --user and --supervisor exclude each other\n");
	expect_error(
	    "explain --addr 0x1000 --demand --map-perms r,u",
	    "mmusim: explain: --map-perms changes the page the OS maps beforehand: not with --trace, --demand or "
	    "--ostep-dump\n");
	expect_error(
	    "explain --preset ostep --addr 0x10 --reserved-bit",
	    "mmusim: explain: --reserved-bit: paging mode textbook has no reserved bit in this page's entry\n");
}
