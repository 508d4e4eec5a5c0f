// Permission check of an access against a translation's rights (W6, also T8 on a TLB hit).
// x86-64 (Intel SDM Vol. 3A, 4.6): the rights accumulated over the levels; CR0.WP = 1 (supervisor stores obey R/W),
// no SMEP/SMAP (supervisor may touch user pages), EFER.NXE = 1.
// RISC-V (privileged spec 4.3.1, 4.1.1.2): the leaf's rights alone; U-mode needs U = 1; S-mode may not fetch from a
// U page, and may load or store to one only with SUM = 1; a load needs R, or X with MXR = 1; a store needs W; a
// fetch needs X (nx_i = !X).
module mmu_perm_check #(
  parameter int Riscv = 0,
  parameter int Sum   = 0,  // sstatus.SUM
  parameter int Mxr   = 0   // sstatus.MXR
) (
  input  logic       writable_i,
  input  logic       user_ok_i,
  input  logic       nx_i,
  input  logic       readable_i,  // RISC-V R (unused on x86)
  input  logic [1:0] op_i,        // mmu_op_t: 0 load, 1 store, 2 fetch
  input  logic       user_i,      // the access is in user mode
  output logic       fault_o
);

  if (Riscv != 0) begin : g_riscv
    logic priv_fault, allowed;
    assign priv_fault = user_i ? !user_ok_i : (user_ok_i && (op_i == mmu_arch_pkg::OpFetch || Sum == 0));
    assign allowed    = (op_i == mmu_arch_pkg::OpFetch) ? !nx_i :
                        (op_i == mmu_arch_pkg::OpStore) ? writable_i :
                        (readable_i || (Mxr != 0 && !nx_i));
    assign fault_o    = priv_fault || !allowed;
  end else begin : g_x86
    logic unused_readable;
    assign unused_readable = readable_i;
    assign fault_o = (op_i == mmu_arch_pkg::OpStore && !writable_i) || (user_i && !user_ok_i) ||
                     (op_i == mmu_arch_pkg::OpFetch && nx_i);
  end

endmodule
