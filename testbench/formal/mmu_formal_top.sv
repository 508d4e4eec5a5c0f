// Proof harness of the whole MMU in a small configuration (make formal): any requests on both ports, any CR3 writes
// and invalidations, any page-table contents, and the memory of mmu_formal_mem. Every property of every module holds
// (rtl/mmu_assert.sv), and a request is answered within a bound: its own L1 lookup, at most one other port's miss
// ahead of it (T5 alternates), then its own miss, each miss an L2 lookup and a walk of at most 8 memory accesses.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_formal_top #(
  parameter int PaBits       = 32,
  parameter int L2HitLatency = 2,
  parameter int StallMax     = 1,
  parameter int LatMax       = 1
) (
  input logic        clk_i,
  input logic        rst_ni,
  input logic        ireq_valid_i,
  input logic [63:0] ireq_vaddr_i,
  input logic [1:0]  ireq_op_i,
  input logic        ireq_user_i,
  input logic [7:0]  ireq_tag_i,
  input logic        dreq_valid_i,
  input logic [63:0] dreq_vaddr_i,
  input logic [1:0]  dreq_op_i,
  input logic        dreq_user_i,
  input logic [7:0]  dreq_tag_i,
  input logic        cr3_we_i,
  input logic [63:0] cr3_wdata_i,
  input logic        flush_valid_i,
  input logic [2:0]  flush_op_i,
  input logic [63:0] flush_vaddr_i,
  input logic [15:0] flush_pcid_i,
  input logic        mem_req_ready_i,
  input logic        mem_resp_valid_i,
  input logic [63:0] mem_resp_rdata_i
);

  localparam int MissMax = 1 + L2HitLatency + 8 * (1 + StallMax + LatMax) + 1;
  localparam int RespMax = 1 + 2 * MissMax + 1;

  logic        ireq_ready, iresp_valid, iresp_fault, dreq_ready, dresp_valid, dresp_fault;
  logic [7:0]  iresp_tag, dresp_tag, mem_req_wstrb;
  logic [63:0] iresp_paddr, dresp_paddr, mem_req_addr, mem_req_wdata, mem_req_cmp;
  logic [2:0]  iresp_cause, dresp_cause;
  logic [4:0]  iresp_ecode, dresp_ecode;
  logic [1:0]  iresp_level, dresp_level;
  logic        mem_req_valid, mem_req_write;

  mmu_top #(
    .L1iEntries(2), .L1iWays(2), .L1dEntries(2), .L1dWays(2), .L2Entries(4), .L2Ways(2),
    .L2HitLatency(L2HitLatency), .PcidEn(1), .PaBits(PaBits)
  ) u_mmu (
    .clk_i, .rst_ni,
    .ireq_valid_i, .ireq_vaddr_i, .ireq_op_i, .ireq_user_i, .ireq_tag_i,
    .dreq_valid_i, .dreq_vaddr_i, .dreq_op_i, .dreq_user_i, .dreq_tag_i,
    .cr3_we_i, .cr3_wdata_i, .flush_valid_i, .flush_op_i, .flush_vaddr_i, .flush_pcid_i,
    .mem_req_ready_i, .mem_resp_valid_i, .mem_resp_rdata_i,
    .ireq_ready_o(ireq_ready), .iresp_valid_o(iresp_valid), .iresp_tag_o(iresp_tag), .iresp_paddr_o(iresp_paddr),
    .iresp_fault_o(iresp_fault), .iresp_cause_o(iresp_cause), .iresp_ecode_o(iresp_ecode),
    .iresp_level_o(iresp_level),
    .dreq_ready_o(dreq_ready), .dresp_valid_o(dresp_valid), .dresp_tag_o(dresp_tag), .dresp_paddr_o(dresp_paddr),
    .dresp_fault_o(dresp_fault), .dresp_cause_o(dresp_cause), .dresp_ecode_o(dresp_ecode),
    .dresp_level_o(dresp_level),
    .mem_req_valid_o(mem_req_valid), .mem_req_addr_o(mem_req_addr), .mem_req_write_o(mem_req_write),
    .mem_req_wdata_o(mem_req_wdata), .mem_req_wstrb_o(mem_req_wstrb), .mem_req_cmp_o(mem_req_cmp)
  );

  mmu_formal_mem #(.StallMax(StallMax), .LatMax(LatMax)) u_mem (
    .clk_i, .rst_ni, .req_valid_i(mem_req_valid), .req_ready_i(mem_req_ready_i), .resp_valid_i(mem_resp_valid_i)
  );

  `MMU_ASSUME_RESET_FIRST

  `MMU_ASSUME(EnvOpKnownI, ireq_op_i != 2'd3)
  `MMU_ASSUME(EnvOpKnownD, dreq_op_i != 2'd3)
  `MMU_ASSUME(EnvFlushKind, flush_op_i <= mmu_arch_pkg::FlushVaPcid)

  // No other agent writes the tables here (the walker's harness covers a refused write-back, M9): a write-back's
  // response is the word it compared.
  logic        writing_q;
  logic [63:0] cmp_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) {writing_q, cmp_q} <= '0;
    else if (mem_req_valid && mem_req_ready_i) {writing_q, cmp_q} <= {mem_req_write, mem_req_cmp};
  end
  `MMU_ASSUME(EnvNoOtherWriter, !(mem_resp_valid_i && writing_q) || mem_resp_rdata_i == cmp_q)

  // Cycles since each port accepted the request it has not answered yet.
  logic [7:0] iage_q, dage_q;
  logic       ibusy_q, dbusy_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      iage_q  <= '0;
      dage_q  <= '0;
      ibusy_q <= 1'b0;
      dbusy_q <= 1'b0;
    end else begin
      if (ireq_valid_i && ireq_ready) {ibusy_q, iage_q} <= {1'b1, 8'd0};
      else if (iresp_valid) ibusy_q <= 1'b0;
      else if (ibusy_q) iage_q <= iage_q + 8'd1;
      if (dreq_valid_i && dreq_ready) {dbusy_q, dage_q} <= {1'b1, 8'd0};
      else if (dresp_valid) dbusy_q <= 1'b0;
      else if (dbusy_q) dage_q <= dage_q + 8'd1;
    end
  end
  `MMU_ASSERT(TopAnswersInTimeI, !ibusy_q || iage_q <= 8'(RespMax))
  `MMU_ASSERT(TopAnswersInTimeD, !dbusy_q || dage_q <= 8'(RespMax))
  // Every fault a port reports is one of the causes, and a non-canonical address is answered without a walk.
  `MMU_ASSERT(TopCauseKnownI, !iresp_valid || iresp_cause <= mmu_arch_pkg::CauseNonCanonical)
  `MMU_ASSERT(TopCauseKnownD, !dresp_valid || dresp_cause <= mmu_arch_pkg::CauseNonCanonical)

  logic unused;
  assign unused = ^{iresp_tag, iresp_paddr, iresp_fault, iresp_ecode, iresp_level, dresp_tag, dresp_paddr,
                    dresp_fault, dresp_ecode, dresp_level, mem_req_addr, mem_req_wdata, mem_req_wstrb,
                    mem_req_write};

endmodule
