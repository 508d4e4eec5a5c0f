/*
 * The RISC-V oracle guest's M-mode entry, its way into S- and U-mode for one access, and its trap handler.
 * Every trap is taken in M-mode (medeleg = 0), so mcause/mtval hold what scause/stval would (Priv 3.1.8).
 */
#define MSTATUS_KEEP_MASK ~((3 << 11) | (1 << 17) | (1 << 18) | (1 << 19)) /* clears MPP, MPRV, SUM, MXR */

	.section .text.start, "ax"
	.globl _start
_start:
	la sp, stack_top
	la t0, trap_entry
	csrw mtvec, t0
	csrw medeleg, zero
	csrw mideleg, zero
	csrw mie, zero
	/* S- and U-mode (and their page walks) may reach all of memory: one NAPOT PMP region, R, W, X (Priv 3.7) */
	li t0, -1
	csrw pmpaddr0, t0
	li t0, 0x1f
	csrw pmpcfg0, t0
	call oracle_main
	/* sifive_test: 0x5555 ends QEMU with status 0, 0x3333 with status 1 (oracle_main returns 0 when done) */
	li t0, 0x100000
	li t1, 0x5555
	beqz a0, 1f
	li t1, 0x13333
1:	sw t1, 0(t0)
2:	j 2b

/*
 * void oracle_run(uint64_t va, uint64_t value, uint64_t op, uint64_t mstatus_bits, uint64_t entry):
 * enters oracle_stub (at `entry`, its S- or U-mode address) with mstatus's MPP, SUM and MXR from mstatus_bits; the
 * trap that ends the access comes back to the caller through trap_entry. With MPRV in mstatus_bits the stub runs in
 * M-mode instead (`entry` its physical address), its load or store translated as in MPP's mode.
 */
	.text
	.globl oracle_run
oracle_run:
	addi sp, sp, -112
	sd ra, 0(sp)
	sd s0, 8(sp)
	sd s1, 16(sp)
	sd s2, 24(sp)
	sd s3, 32(sp)
	sd s4, 40(sp)
	sd s5, 48(sp)
	sd s6, 56(sp)
	sd s7, 64(sp)
	sd s8, 72(sp)
	sd s9, 80(sp)
	sd s10, 88(sp)
	sd s11, 96(sp)
	csrw mscratch, sp
	csrw mepc, a4
	csrr t0, mstatus
	li t1, MSTATUS_KEEP_MASK
	and t0, t0, t1
	or t0, t0, a3
	csrw mstatus, t0
	li t1, 1 << 17
	and t1, a3, t1
	bnez t1, 1f
	mret
1:	jr a4

	.balign 4
trap_entry:
	csrr sp, mscratch
	la t0, oracle_out
	sd a0, 0(t0)
	csrr t1, mcause
	sd t1, 8(t0)
	csrr t1, mtval
	sd t1, 16(t0)
	csrr t1, mepc
	sd t1, 24(t0)
	csrr t1, mstatus
	sd t1, 32(t0)
	ld ra, 0(sp)
	ld s0, 8(sp)
	ld s1, 16(sp)
	ld s2, 24(sp)
	ld s3, 32(sp)
	ld s4, 40(sp)
	ld s5, 48(sp)
	ld s6, 56(sp)
	ld s7, 64(sp)
	ld s8, 72(sp)
	ld s9, 80(sp)
	ld s10, 88(sp)
	ld s11, 96(sp)
	addi sp, sp, 112
	ret

/*
 * The access, in S- or U-mode under the job's satp: a0 the address, a1 the value to store, a2 the operation
 * (ORACLE_OP_*). Position independent and stackless: U-mode runs it through the guest's U = 1 alias.
 */
	.balign 8
	.globl oracle_stub
oracle_stub:
	li t0, 1
	beqz a2, 1f
	beq a2, t0, 2f
	jr a0
1:	ld a0, 0(a0)
	ecall
2:	sd a1, 0(a0)
	ecall

	.bss
	.balign 8
	.globl oracle_out
oracle_out:
	.space 40 /* a0, mcause, mtval, mepc, mstatus */
