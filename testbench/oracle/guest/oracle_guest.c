/*
 * The oracle guest's main loop (freestanding, long mode, ring 0): fills the data window with its naming pattern,
 * runs every access of the job under its CR3 with the TLBs flushed first (so each access is one fresh page walk),
 * reports each outcome on the debug console, then dumps the page-table words and the data words that changed.
 *
 * Output lines (hex): "A index vector error_code cr2 rax", "T address word", "D address word", then "E".
 */
#include <stddef.h>

#include "../oracle_layout.h"

_Static_assert(offsetof(oracle_job_hdr_t, levels) == ORACLE_JOB_LEVELS_OFFSET, "boot.S reads levels there");
_Static_assert(ORACLE_JOB_BASE + ORACLE_JOB_LEVELS_OFFSET == 0x2000a0, "boot.S's JOB_LEVELS");

extern uint64_t oracle_out[5]; /* rax, vector, error code, rip, cr2 */
extern const uint64_t vec_table[32], vec_done;
extern void oracle_run(uint64_t va, uint64_t value, uint64_t op, uint64_t user);

static struct {
	uint16_t off0, sel;
	uint8_t ist, type;
	uint16_t off1;
	uint32_t off2, zero;
} idt[256];

static const struct __attribute__((packed)) {
	uint16_t limit;
	void *base;
} idt_ptr_value = {sizeof idt - 1, idt};

static void gate(unsigned n, uint64_t handler, unsigned dpl)
{
	idt[n].off0 = (uint16_t)handler;
	idt[n].sel = 0x08;
	idt[n].ist = 0;
	idt[n].type = (uint8_t)(0x8e | dpl << 5); /* present interrupt gate: IF stays 0 */
	idt[n].off1 = (uint16_t)(handler >> 16);
	idt[n].off2 = (uint32_t)(handler >> 32);
}

void idt_setup(void);
void idt_setup(void)
{
	for (unsigned n = 0; n < 32; n++)
		gate(n, vec_table[n], n == 3 ? 3 : 0); /* int3 from a ring-3 fetch */
	gate(ORACLE_VEC_DONE, vec_done, 3);
	__asm__ volatile("lidt %0" ::"m"(idt_ptr_value));
}

static void outb(uint8_t v)
{
	__asm__ volatile("outb %0, $0xe9" ::"a"(v));
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
		outb((uint8_t)buf[--n]);
}

static void put_line(char kind, const uint64_t *v, unsigned n)
{
	outb((uint8_t)kind);
	for (unsigned i = 0; i < n; i++) {
		outb(' ');
		put_hex(v[i]);
	}
	outb('\n');
}

static void write_cr3(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

/* Toggling CR4.PGE invalidates every TLB entry, global ones included (SDM vol. 3A, 4.10.4.1). */
static void flush_all(void)
{
	uint64_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4 & ~UINT64_C(0x80)) : "memory");
	__asm__ volatile("mov %0, %%cr4" ::"r"(cr4) : "memory");
}

void oracle_main(void);
void oracle_main(void)
{
	const oracle_job_hdr_t *job = (const oracle_job_hdr_t *)(uintptr_t)ORACLE_JOB_BASE;
	const oracle_access_t *acc = (const oracle_access_t *)(job + 1);
	if (job->magic != ORACLE_JOB_MAGIC) {
		outb('?');
		outb('\n');
		return;
	}
	for (uint64_t a = ORACLE_DATA_BASE; a < ORACLE_DATA_END; a += 8)
		*(volatile uint64_t *)(uintptr_t)a = oracle_pattern(a);
	/* every address space reaches the guest through entry 0 of its root (PML4 or PML5; the generator leaves it
	   empty), a copy of the guest's own */
	uint64_t own_cr3;
	__asm__ volatile("mov %%cr3, %0" : "=r"(own_cr3));
	uint64_t guest_entry = ((volatile uint64_t *)(uintptr_t)(own_cr3 & ~UINT64_C(0xfff)))[0];
	for (uint64_t r = 0; r < job->nroots; r++)
		((volatile uint64_t *)(uintptr_t)(job->roots[r] & ~UINT64_C(0xfff)))[0] = guest_entry;
	for (uint64_t i = 0; i < job->naccess; i++) {
		write_cr3(job->roots[acc[i].root]);
		flush_all();
		oracle_run(acc[i].va, acc[i].store_value, acc[i].op, acc[i].user);
		write_cr3(own_cr3);
		uint64_t line[] = {i, oracle_out[1], oracle_out[2], oracle_out[4], oracle_out[0]};
		put_line('A', line, 5);
	}
	flush_all();
	for (uint64_t r = 0; r < job->nroots; r++)
		((volatile uint64_t *)(uintptr_t)(job->roots[r] & ~UINT64_C(0xfff)))[0] = 0;
	for (uint64_t a = ORACLE_TABLE_BASE; a < job->table_end; a += 8) {
		uint64_t w = *(volatile uint64_t *)(uintptr_t)a;
		if (w) {
			uint64_t line[] = {a, w};
			put_line('T', line, 2);
		}
	}
	for (uint64_t a = ORACLE_DATA_BASE; a < ORACLE_DATA_END; a += 8) {
		uint64_t w = *(volatile uint64_t *)(uintptr_t)a;
		if (w != oracle_pattern(a)) {
			uint64_t line[] = {a, w};
			put_line('D', line, 2);
		}
	}
	outb('E');
	outb('\n');
}
