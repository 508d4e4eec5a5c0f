// T5: round robin of the two ports for the miss unit; after reset the data port wins the first tie (T15).
module tb_mmu_arb2;
  `include "tb_check.svh"

  logic       clk = 1'b0, rst_n = 1'b1, en, valid, idx;
  logic [1:0] req;

  mmu_arb2 u_dut (.clk_i(clk), .rst_ni(rst_n), .en_i(en), .req_i(req), .valid_o(valid), .idx_o(idx));

  // Presents en/req for one cycle and checks the grant of that cycle.
  task automatic cycle(input logic e, input logic [1:0] r, input logic want_valid, input logic want_idx,
                       input string what);
    en  = e;
    req = r;
    #1;
    `TB_EQ(valid, want_valid, {what, ": valid"})
    if (want_valid) `TB_EQ(idx, want_idx, {what, ": index"})
    clk = 1'b1;
    #1 clk = 1'b0;
  endtask

  initial begin
    en  = 1'b0;
    req = 2'b00;
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    cycle(1'b1, 2'b00, 1'b0, 1'b0, "nobody waits");
    cycle(1'b0, 2'b11, 1'b0, 1'b0, "miss unit busy: no grant");
    cycle(1'b1, 2'b11, 1'b1, 1'b1, "first tie after reset: D");
    cycle(1'b1, 2'b11, 1'b1, 1'b0, "second tie: I (D was granted last)");
    cycle(1'b1, 2'b11, 1'b1, 1'b1, "third tie: D");
    cycle(1'b1, 2'b10, 1'b1, 1'b1, "D alone");
    cycle(1'b0, 2'b11, 1'b0, 1'b0, "busy: the pointer keeps D");
    cycle(1'b1, 2'b11, 1'b1, 1'b0, "tie after D: I");
    cycle(1'b1, 2'b01, 1'b1, 1'b0, "I alone");
    cycle(1'b1, 2'b11, 1'b1, 1'b1, "tie after I: D");
    `TB_DONE
  end
endmodule
