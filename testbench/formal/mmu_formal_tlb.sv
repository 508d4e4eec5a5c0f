// Proof harness of one TLB (make formal): any sequence of lookups, fills and invalidations keeps the TLB's properties
// (rtl/mmu_tlb.sv: one match per page size, no duplicate after a fill, a full flush empties it), and a translation
// just filled is found by the next lookup of an address inside its page, in its PCID, unless an invalidation came
// with the fill (R4, R6, R7 against T12).
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_formal_tlb #(
  parameter int Entries = 4,
  parameter int Ways    = 2,
  parameter int Policy  = 0,
  parameter int PaBits  = 32
) (
  input logic              clk_i,
  input logic              rst_ni,
  input logic              lkp_en_i,
  input logic              lkp_drop_i,
  input logic [35:0]       lkp_vpn_i,
  input logic [11:0]       lkp_pcid_i,
  input logic              fill_i,
  input logic [35:0]       fill_vpn_i,
  input logic [1:0]        fill_level_i,
  input logic [PaBits-1:0] fill_base_i,
  input logic [11:0]       fill_pcid_i,
  input logic              fill_global_i,
  input logic              fill_writable_i,
  input logic              fill_user_i,
  input logic              fill_nx_i,
  input logic              fill_dirty_i,
  input logic              flush_i,
  input logic [2:0]        flush_op_i,
  input logic [35:0]       flush_vpn_i,
  input logic [11:0]       flush_pcid_i,
  input logic [11:0]       flush_cur_pcid_i,
  input logic              cr3_flush_i,
  input logic [2:0]        cr3_flush_op_i,
  input logic [11:0]       cr3_flush_pcid_i
);

  logic              hit, glob, writable, user_ok, nx, dirty;
  logic [35:0]       vpn;
  logic [1:0]        level;
  logic [PaBits-1:0] base;
  logic [11:0]       pcid;

  mmu_tlb #(.Entries(Entries), .Ways(Ways), .Policy(Policy), .PaBits(PaBits)) u_tlb (
    .clk_i, .rst_ni, .rd_en_i(1'b0), .lkp_en_i, .lkp_drop_i, .lkp_vpn_i, .lkp_pcid_i, .lkp_hit_o(hit), .lkp_vpn_o(vpn),
    .lkp_level_o(level), .lkp_base_o(base), .lkp_pcid_o(pcid), .lkp_global_o(glob), .lkp_writable_o(writable),
    .lkp_user_o(user_ok), .lkp_nx_o(nx), .lkp_dirty_o(dirty), .lkp_readable_o(), .fill_i, .fill_vpn_i,
    .fill_level_i, .fill_base_i, .fill_pcid_i, .fill_global_i, .fill_writable_i, .fill_user_i, .fill_nx_i,
    .fill_dirty_i, .fill_readable_i(1'b1), .flush_i, .flush_op_i, .flush_vpn_i, .flush_pcid_i, .flush_cur_pcid_i,
    .cr3_flush_i, .cr3_flush_op_i, .cr3_flush_pcid_i
  );

  `MMU_ASSUME_RESET_FIRST

  // The miss unit's side: never a fill with a lookup; a fill is a leaf of level 1-3 with its VPN at its page size;
  // invalidation kinds are those of T12 (a CR3 write's are 1 and 2).
  `MMU_ASSUME(EnvNoFillWithLookup, !(fill_i && lkp_en_i))
  `MMU_ASSUME(EnvFillLevel, !fill_i || (fill_level_i != 2'd0 &&
                                        (fill_vpn_i >> (36 - 9 * (32'(fill_level_i) - 1))) == 36'd0))
  `MMU_ASSUME(EnvFlushKind, flush_op_i <= mmu_arch_pkg::FlushVaPcid)
  `MMU_ASSUME(EnvCr3FlushKind, cr3_flush_op_i == mmu_arch_pkg::FlushNonGlobal ||
                               cr3_flush_op_i == mmu_arch_pkg::FlushPcid)

  // The last fill, when no invalidation came with it.
  logic              filled_q, filled_global_q;
  logic [35:0]       filled_vpn_q;
  logic [1:0]        filled_level_q;
  logic [11:0]       filled_pcid_q;
  logic [PaBits-1:0] filled_base_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      filled_q <= 1'b0;
    end else begin
      filled_q        <= fill_i && !flush_i && !cr3_flush_i;
      filled_vpn_q    <= fill_vpn_i;
      filled_level_q  <= fill_level_i;
      filled_pcid_q   <= fill_pcid_i;
      filled_global_q <= fill_global_i;
      filled_base_q   <= fill_base_i;
    end
  end

  // A lookup right after that fill, of an address in the filled page and a PCID that may use it, hits: the filled
  // entry or a smaller page that also maps the address (R6), never nothing.
  logic in_page;
  always_comb begin
    unique case (filled_level_q)
      2'd3: in_page = (lkp_vpn_i >> 18) == filled_vpn_q;
      2'd2: in_page = (lkp_vpn_i >> 9) == filled_vpn_q;
      default: in_page = lkp_vpn_i == filled_vpn_q;
    endcase
  end
  `MMU_ASSERT(TlbFilledIsFound, !(filled_q && lkp_en_i && in_page && (filled_global_q || lkp_pcid_i == filled_pcid_q)) ||
                                (hit && (level < filled_level_q || (level == filled_level_q && base == filled_base_q))))

  logic unused;
  assign unused = ^{vpn, pcid, glob, writable, user_ok, nx, dirty};

endmodule
