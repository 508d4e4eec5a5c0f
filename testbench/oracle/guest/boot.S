/*
 * The oracle guest's entry: a multiboot header with load addresses (QEMU's -kernel loads the flat binary at 1 MiB
 * without an ELF loader), a 32-bit start that builds an identity map of the first GiB (2 MiB pages, user-accessible,
 * so ring-3 stubs and the interrupt path run under every generated CR3 through PML4 entry 0, or PML5 entry 0 with
 * 5-level paging), long mode, and the interrupt entry: every vector records what happened and unwinds to oracle_run's
 * caller.
 *
 * The control bits the model assumes (Intel SDM vol. 3A, 4.1.1 and 4.6): CR0.WP = 1, EFER.NXE = 1, CR4.PAE and
 * CR4.PGE = 1; CR4.SMEP, SMAP, PKE and PCIDE stay 0. A job of 5 levels also gets CR4.LA57 = 1, set here while
 * paging is still off: CR4.LA57 cannot change in IA-32e mode (SDM vol. 3A, 4.1.1: MOV to CR4 that would change it
 * there is #GP), so it is chosen before CR0.PG enables long mode (9.8.5).
 */
#define JOB_LEVELS 0x2000a0 /* ORACLE_JOB_BASE + ORACLE_JOB_LEVELS_OFFSET (oracle_layout.h; checked by the guest) */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010000 /* addresses below are valid (the a.out kludge) */

	.section .text.boot, "ax"
	.code32
	.globl _start
mb_header:
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.long mb_header, _start_load, _load_end, _bss_end, _start
_start:
	cli
	mov $boot_stack_top, %esp
	/* identity map 0..1 GiB: PML4[0] -> pdpt, pdpt[0] -> pd, pd[i] = 2 MiB page i; P, W, U */
	mov $boot_pdpt, %eax
	or $7, %eax
	mov %eax, boot_pml4
	mov $boot_pd, %eax
	or $7, %eax
	mov %eax, boot_pdpt
	xor %ecx, %ecx
1:	mov %ecx, %eax
	shl $21, %eax
	or $0x87, %eax
	mov %eax, boot_pd(,%ecx,8)
	inc %ecx
	cmp $512, %ecx
	jne 1b
	mov $boot_pml4, %eax
	mov %cr4, %edx
	or $0xa0, %edx /* PAE | PGE */
	cmpl $5, JOB_LEVELS
	jne 4f
	/* 5 levels: PML5[0] -> the same PML4 */
	or $7, %eax
	mov %eax, boot_pml5
	mov $boot_pml5, %eax
	or $0x1000, %edx /* LA57 */
4:	mov %eax, %cr3
	mov %edx, %cr4
	mov $0xc0000080, %ecx
	rdmsr
	or $0x900, %eax /* LME | NXE */
	wrmsr
	mov %cr0, %eax
	or $0x80010001, %eax /* PG | WP | PE */
	mov %eax, %cr0
	lgdt gdt_ptr
	ljmp $0x08, $long_start

	.code64
long_start:
	mov $0x10, %ax
	mov %ax, %ds
	mov %ax, %es
	mov %ax, %ss
	xor %ax, %ax
	mov %ax, %fs
	mov %ax, %gs
	mov $boot_stack_top, %rsp
	/* TSS descriptor: base and limit of tss */
	lea tss(%rip), %rax
	mov %ax, gdt_tss+2(%rip)
	shr $16, %rax
	mov %al, gdt_tss+4(%rip)
	mov %ah, gdt_tss+7(%rip)
	shr $16, %rax
	mov %eax, gdt_tss+8(%rip)
	lea trap_stack_top(%rip), %rax
	mov %rax, tss+4(%rip) /* RSP0: ring-3 faults land on their own stack, not on oracle_run's */
	mov $0x28, %ax
	ltr %ax
	call idt_setup
	call oracle_main
	/* isa-debug-exit: QEMU exits with status (0 << 1) | 1 */
	xor %eax, %eax
	out %eax, $0xf4
2:	hlt
	jmp 2b

/*
 * uint64_t oracle_run(uint64_t va, uint64_t value, uint64_t op, uint64_t user): performs one access in the asked
 * ring; returns through oracle_trap, which fills oracle_out. Callee-saved registers are kept across the unwind.
 */
	.globl oracle_run
oracle_run:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, resume_rsp(%rip)
	mov $0x0bad0bad0bad0bad, %rax /* EAX names nothing until the access sets it */
	lea stub_table(%rip), %r8
	mov (%r8,%rdx,8), %r8
	test %rcx, %rcx
	jnz 3f
	jmp *%r8
3:	/* to ring 3 through iretq: SS, RSP, RFLAGS (IF = 0), CS, RIP */
	push $0x1b
	lea user_stack_top(%rip), %r9
	push %r9
	push $0x2
	push $0x23
	push %r8
	iretq

stub_load:
	mov (%rdi), %rax
	int $0x80
stub_store:
	mov %rsi, (%rdi)
	int $0x80
stub_fetch:
	jmp *%rdi /* the pattern there is mov eax, imm32; int3 */

	.section .rodata
	.balign 8
stub_table:
	.quad stub_load, stub_store, stub_fetch

	.text
/* Vector stubs: push a zero error code where the CPU pushes none, then the vector. */
.macro vec n, has_ec
vec_\n:
	.if \has_ec == 0
	push $0
	.endif
	push $\n
	jmp oracle_trap
.endm
	vec 0,0; vec 1,0; vec 2,0; vec 3,0; vec 4,0; vec 5,0; vec 6,0; vec 7,0
	vec 8,1; vec 9,0; vec 10,1; vec 11,1; vec 12,1; vec 13,1; vec 14,1; vec 15,0
	vec 16,0; vec 17,1; vec 18,0; vec 19,0; vec 20,0; vec 21,1; vec 22,0; vec 23,0
	vec 24,0; vec 25,0; vec 26,0; vec 27,0; vec 28,0; vec 29,1; vec 30,1; vec 31,0
	vec 128,0

	.section .rodata
	.balign 8
	.globl vec_table
vec_table:
	.irp n,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad vec_\n
	.endr
	.globl vec_done
vec_done:
	.quad vec_128

	.text
/* Stack: vector, error code, RIP, CS, RFLAGS, RSP, SS. Records them with EAX and CR2, then unwinds. */
oracle_trap:
	mov %rax, oracle_out+0(%rip)
	pop %rax
	mov %rax, oracle_out+8(%rip)
	pop %rax
	mov %rax, oracle_out+16(%rip)
	pop %rax
	mov %rax, oracle_out+24(%rip)
	mov %cr2, %rax
	mov %rax, oracle_out+32(%rip)
	mov resume_rsp(%rip), %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret

	.data
	.balign 16
gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08 kernel code, L */
	.quad 0x00cf92000000ffff /* 0x10 kernel data */
	.quad 0x00cff2000000ffff /* 0x18 user data, DPL 3 */
	.quad 0x00affa000000ffff /* 0x20 user code, L, DPL 3 */
gdt_tss:
	.quad 0x0000890000000067 /* 0x28 64-bit TSS, limit 0x67; base filled in */
	.quad 0
gdt_end:
gdt_ptr:
	.word gdt_end - gdt - 1
	.quad gdt
	.balign 16
	.globl tss
tss:
	.fill 0x68, 1, 0
	.balign 8
resume_rsp:
	.quad 0
	.globl oracle_out
oracle_out: /* rax, vector, error code, rip, cr2 */
	.fill 5, 8, 0

	.bss
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.fill 4096, 1, 0
boot_pml5:
	.fill 4096, 1, 0
	.globl boot_pdpt
boot_pdpt:
	.fill 4096, 1, 0
boot_pd:
	.fill 4096, 1, 0
	.fill 16384, 1, 0
boot_stack_top:
	.fill 4096, 1, 0
trap_stack_top:
	.fill 4096, 1, 0
user_stack_top:

	.section .note.GNU-stack, "", @progbits
