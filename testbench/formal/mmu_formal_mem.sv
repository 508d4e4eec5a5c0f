// The walker's memory as a proof sees it (docs/timing.md, memory port): it accepts a presented request within
// StallMax cycles and answers an accepted one, once, 1 to LatMax cycles later, with any data. Assumptions only: the
// data, the stalls and the latencies are the solver's free choice within those bounds.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_formal_mem #(
  parameter int StallMax = 1,
  parameter int LatMax   = 2
) (
  input logic clk_i,
  input logic rst_ni,
  input logic req_valid_i,
  input logic req_ready_i,
  input logic resp_valid_i
);

  logic       open_q;   // an accepted request is not answered yet
  logic [3:0] stall_q;  // cycles the presented request has waited
  logic [3:0] wait_q;   // cycles since acceptance

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      open_q  <= 1'b0;
      stall_q <= '0;
      wait_q  <= '0;
    end else begin
      if (req_valid_i && req_ready_i) begin
        open_q <= 1'b1;
        wait_q <= '0;
      end else if (resp_valid_i) begin
        open_q <= 1'b0;
      end else if (open_q) begin
        wait_q <= wait_q + 4'd1;
      end
      stall_q <= (req_valid_i && !req_ready_i) ? stall_q + 4'd1 : '0;
    end
  end

  `MMU_ASSUME(MemAnswersAcceptedOnly, !resp_valid_i || open_q)
  `MMU_ASSUME(MemAnswersInTime, !(open_q && wait_q >= 4'(LatMax - 1)) || resp_valid_i)
  `MMU_ASSUME(MemAcceptsInTime, !(req_valid_i && stall_q >= 4'(StallMax)) || req_ready_i)

endmodule
