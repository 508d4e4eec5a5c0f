// Classifies a TLB hit for the access of a request, as the walker would check the leaf (T8, T9):
// a protection fault, a store that needs a dirty re-walk, or a usable translation with its physical address.
module mmu_hit_check #(
  parameter int PaBits = 46,
  parameter int Riscv  = 0,
  parameter int Sum    = 0,
  parameter int Mxr    = 0,
  parameter int LevelW = 2,   // width of a leaf level
  parameter int OffW   = 30   // vaddr bits below the largest page size: 12 + 9 * (largest leaf level - 1)
) (
  input  logic [LevelW-1:0] level_i,     // leaf level of the entry: 1 = 4 KiB, 2 = 2 MiB, 3 = 1 GiB, ...
  input  logic [PaBits-1:0] base_i,      // physical base of the page
  input  logic              writable_i,
  input  logic              user_ok_i,
  input  logic              nx_i,
  input  logic              dirty_i,
  input  logic              readable_i,
  input  logic [OffW-1:0]   offset_i,    // vaddr bits below the largest page size
  input  logic [1:0]        op_i,
  input  logic              user_i,
  output logic              fault_o,     // T8: protection fault
  output logic              rewalk_o,    // T9: store to a clean entry
  output logic [4:0]        ecode_o,     // error code of the protection fault
  output logic [PaBits-1:0] paddr_o      // translation of a usable hit
);

  logic [OffW-1:0] page_mask, offset;

  mmu_perm_check #(
    .Riscv(Riscv),
    .Sum  (Sum),
    .Mxr  (Mxr)
  ) u_perm (
    .writable_i(writable_i),
    .user_ok_i (user_ok_i),
    .nx_i      (nx_i),
    .readable_i(readable_i),
    .op_i      (op_i),
    .user_i    (user_i),
    .fault_o   (fault_o)
  );

  mmu_ecode #(
    .Riscv(Riscv)
  ) u_ecode (
    .cause_i(mmu_arch_pkg::CauseProtection),
    .op_i   (op_i),
    .user_i (user_i),
    .ecode_o(ecode_o)
  );

  // A level-n page has 12 + 9(n - 1) offset bits.
  assign page_mask = OffW'(({OffW{1'b1}} << (12 + 9 * (32'(level_i) - 1)))) ^ {OffW{1'b1}};
  assign rewalk_o  = !fault_o && op_i == mmu_arch_pkg::OpStore && !dirty_i;
  assign offset    = offset_i & page_mask;
  assign paddr_o   = base_i | PaBits'(offset);
  if (OffW > PaBits) begin : g_offset_beyond_pa
    // A page larger than the physical address space is never translated (a walk faults on it, docs/paging.md C2).
    logic unused_offset;
    assign unused_offset = ^offset[OffW-1:PaBits];
  end

endmodule
