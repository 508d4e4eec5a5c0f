// x86 page-fault error code of a fault (T10): P (0 only for not-present), W/R, U/S, RSVD, I/D (x86-64 has NX).
// Non-canonical addresses (#GP, not #PF) and non-faults carry code 0.
module mmu_ecode (
  input  logic [2:0] cause_i,  // mmu_fault_cause_t
  input  logic [1:0] op_i,
  input  logic       user_i,
  output logic [4:0] ecode_o
);

  // One assignment, no default then bits: Icarus 11 turned the glitch of the latter into an endless loop at time
  // zero inside the miss unit.
  logic fault;
  assign fault   = cause_i != mmu_arch_pkg::CauseNone && cause_i != mmu_arch_pkg::CauseNonCanonical;

  assign ecode_o = !fault ? '0 :
                   (5'(cause_i != mmu_arch_pkg::CauseNotPresent) << mmu_arch_pkg::EcBitP) |
                   (5'(op_i == mmu_arch_pkg::OpStore) << mmu_arch_pkg::EcBitW) |
                   (5'(user_i) << mmu_arch_pkg::EcBitU) |
                   (5'(cause_i == mmu_arch_pkg::CauseReserved) << mmu_arch_pkg::EcBitRsvd) |
                   (5'(op_i == mmu_arch_pkg::OpFetch) << mmu_arch_pkg::EcBitId);

endmodule
