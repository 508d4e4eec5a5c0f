// Error code of a fault (T10). x86: the page-fault error code bits P (0 only for not-present), W/R, U/S, RSVD, I/D
// (x86-64 has NX); non-canonical addresses (#GP, not #PF) and non-faults carry code 0. RISC-V: the exception code
// of the access's page fault (privileged spec 4.1.9: 12 fetch, 13 load, 15 store/AMO), a non-canonical address too
// (4.4: "or else a page-fault exception will occur").
module mmu_ecode #(
  parameter int Riscv = 0
) (
  input  logic [2:0] cause_i,  // mmu_fault_cause_t
  input  logic [1:0] op_i,
  input  logic       user_i,
  output logic [4:0] ecode_o
);

  if (Riscv != 0) begin : g_riscv
    logic unused_user;
    assign unused_user = user_i;
    assign ecode_o = (cause_i == mmu_arch_pkg::CauseNone) ? 5'd0 :
                     (op_i == mmu_arch_pkg::OpFetch) ? 5'(mmu_arch_pkg::RvFetchPageFault) :
                     (op_i == mmu_arch_pkg::OpLoad) ? 5'(mmu_arch_pkg::RvLoadPageFault) :
                     5'(mmu_arch_pkg::RvStorePageFault);
  end else begin : g_x86
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
  end

endmodule
