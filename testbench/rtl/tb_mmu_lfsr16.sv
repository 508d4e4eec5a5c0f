// R5: the LFSR's sequence from 0xACE1 (docs/timing.md), holding without a step, and a zero seed becoming 1.
module tb_mmu_lfsr16;
  `include "tb_check.svh"

  logic        clk = 1'b0, rst_n = 1'b1, step;
  logic [15:0] state, state0;
  logic [16*8-1:0] expected = {16'hE270, 16'h7138, 16'h389C, 16'h1C4E, 16'h0E27, 16'hB313, 16'hED89, 16'hC2C4};

  mmu_lfsr16 #(.Seed('hACE1)) u_dut (.clk_i(clk), .rst_ni(rst_n), .step_i(step), .state_o(state));
  mmu_lfsr16 #(.Seed(0)) u_zero (.clk_i(clk), .rst_ni(rst_n), .step_i(step), .state_o(state0));

  task automatic tick;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
  endtask

  initial begin
    step = 1'b0;
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    `TB_EQ(state, 16'hACE1, "reset state")
    `TB_EQ(state0, 16'h0001, "a zero seed starts at 1")
    tick();
    `TB_EQ(state, 16'hACE1, "no step, no change")
    step = 1'b1;
    for (int i = 0; i < 8; i++) begin
      tick();
      `TB_EQ(state, expected[(7-i)*16+:16], $sformatf("state after step %0d", i + 1))
    end
    // From 1: B400, 5A00, 2D00, 1680, 0B40, 05A0, 02D0, 0168.
    `TB_EQ(state0, 16'h0168, "zero seed: 8 steps from 1")
    `TB_DONE
  end
endmodule
