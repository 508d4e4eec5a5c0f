// 16-bit Galois LFSR, feedback mask 0xB400 (x^16 + x^14 + x^13 + x^11 + 1), rule R5: one step per step_i.
// state_o is the state before the step of this cycle, which is what R5's victim uses.
module mmu_lfsr16 #(
  parameter int Seed = 1  // initial state; 0 would lock up, so it becomes 1 as in the model
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        step_i,
  output logic [15:0] state_o
);

  localparam logic [15:0] ResetState = (Seed[15:0] == 16'h0) ? 16'h1 : Seed[15:0];

  logic [15:0] state_q, state_d;

  always_comb begin
    state_d = state_q;
    if (step_i) state_d = {1'b0, state_q[15:1]} ^ (state_q[0] ? 16'hB400 : 16'h0000);
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= ResetState;
    else state_q <= state_d;
  end

  assign state_o = state_q;

endmodule
