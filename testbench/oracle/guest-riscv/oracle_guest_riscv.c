/*
 * The RISC-V oracle guest's main loop (freestanding, M-mode): fills the data window with its naming pattern, runs
 * every access of the job in S- or U-mode under its satp with the TLBs flushed first (SFENCE.VMA x0, x0: one fresh
 * page walk each), reports each outcome on the UART, then dumps the page-table words and the data words that changed.
 *
 * Output lines (hex): "A index mcause mepc mtval a0", "T address word", "D address word", then "E".
 */
#include <stddef.h>

#include "../oracle_layout.h"

extern uint64_t oracle_out[5]; /* a0, mcause, mtval, mepc, mstatus */
extern void oracle_run(uint64_t va, uint64_t value, uint64_t op, uint64_t mstatus_bits, uint64_t entry);
extern const char oracle_stub[];

#define RV(a) (ORACLE_RV_RAM_BASE + (a))

static void putc_uart(char ch)
{
	volatile uint8_t *uart = (volatile uint8_t *)(uintptr_t)ORACLE_RV_UART;
	while (!(uart[5] & 0x20)) /* LSR.THRE */
		;
	uart[0] = (uint8_t)ch;
}

static void put_hex(uint64_t v)
{
	char buf[16];
	int n = 0;
	do {
		buf[n++] = "0123456789abcdef"[v & 15];
		v >>= 4;
	} while (v);
	while (n)
		putc_uart(buf[--n]);
}

static void put_line(char kind, const uint64_t *v, unsigned n)
{
	putc_uart(kind);
	for (unsigned i = 0; i < n; i++) {
		putc_uart(' ');
		put_hex(v[i]);
	}
	putc_uart('\n');
}

int oracle_main(void);
int oracle_main(void)
{
	const oracle_job_hdr_t *job = (const oracle_job_hdr_t *)(uintptr_t)RV(ORACLE_JOB_BASE);
	const oracle_access_t *acc = (const oracle_access_t *)(job + 1);
	if (job->magic != ORACLE_JOB_MAGIC || job->arch != ORACLE_ARCH_RISCV) {
		putc_uart('?');
		putc_uart('\n');
		return 1;
	}
	for (uint64_t a = RV(ORACLE_DATA_BASE); a < RV(ORACLE_DATA_END); a += 8)
		*(volatile uint64_t *)(uintptr_t)a = oracle_rv_pattern(a);
	for (uint64_t i = 0; i < job->naccess; i++) {
		const oracle_access_t *x = &acc[i];
		int mprv = (x->flags & ORACLE_RV_MPRV) != 0;
		uint64_t bits = (x->user ? 0 : UINT64_C(1) << 11) | (x->flags & ORACLE_RV_SUM ? UINT64_C(1) << 18 : 0) |
		                (x->flags & ORACLE_RV_MXR ? UINT64_C(1) << 19 : 0) | (mprv ? UINT64_C(1) << 17 : 0);
		uint64_t entry = (uint64_t)(uintptr_t)oracle_stub + (x->user && !mprv ? ORACLE_RV_USER_ALIAS : 0);
		__asm__ volatile("csrw satp, %0\n\tsfence.vma zero, zero" ::"r"(job->roots[x->root]) : "memory");
		oracle_run(x->va, x->store_value, x->op, bits, entry);
		__asm__ volatile("csrw satp, zero\n\tsfence.vma zero, zero" ::: "memory");
		if (((oracle_out[4] >> 11) & 3) == 3 && !mprv) { /* a trap from M-mode itself: the guest is broken */
			putc_uart('!');
			putc_uart('\n');
			return 1;
		}
		uint64_t line[] = {i, oracle_out[1], oracle_out[3], oracle_out[2], oracle_out[0]};
		put_line('A', line, 5);
	}
	for (uint64_t a = RV(ORACLE_TABLE_BASE); a < job->table_end; a += 8) {
		uint64_t w = *(volatile uint64_t *)(uintptr_t)a;
		if (w) {
			uint64_t line[] = {a, w};
			put_line('T', line, 2);
		}
	}
	for (uint64_t a = RV(ORACLE_DATA_BASE); a < RV(ORACLE_DATA_END); a += 8) {
		uint64_t w = *(volatile uint64_t *)(uintptr_t)a;
		if (w != oracle_rv_pattern(a)) {
			uint64_t line[] = {a, w};
			put_line('D', line, 2);
		}
	}
	putc_uart('E');
	putc_uart('\n');
	return 0;
}
