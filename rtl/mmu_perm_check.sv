// Permission check of an access against a translation's accumulated rights (W6, also T8 on a TLB hit):
// CR0.WP = 1 (supervisor stores obey R/W), no SMEP/SMAP (supervisor may touch user pages), EFER.NXE = 1.
module mmu_perm_check (
  input  logic       writable_i,
  input  logic       user_ok_i,
  input  logic       nx_i,
  input  logic [1:0] op_i,        // mmu_op_t: 0 load, 1 store, 2 fetch
  input  logic       user_i,      // the access is in user mode
  output logic       fault_o
);

  assign fault_o = (op_i == mmu_arch_pkg::OpStore && !writable_i) || (user_i && !user_ok_i) ||
                   (op_i == mmu_arch_pkg::OpFetch && nx_i);

endmodule
