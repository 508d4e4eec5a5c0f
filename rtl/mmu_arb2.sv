// Round-robin arbiter of the two request ports for the miss unit (T5). On a tie the port not granted most
// recently wins; after reset the pointer says "instruction port granted last", so the data port wins the first tie.
module mmu_arb2 (
  input  logic       clk_i,
  input  logic       rst_ni,
  input  logic       en_i,     // the miss unit is idle
  input  logic [1:0] req_i,    // port p waits for the miss unit (index 0 = I, 1 = D)
  output logic       valid_o,  // a port is granted this cycle
  output logic       idx_o     // which one
);

  logic last_q, last_d;  // index of the port granted most recently

  // One continuous assignment: the default-then-override always_comb form made Icarus 11 loop at time zero.
  assign idx_o = (req_i == 2'b11) ? ~last_q : req_i[1];

  assign valid_o = en_i && (req_i != 2'b00);
  assign last_d  = valid_o ? idx_o : last_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) last_q <= 1'b0;  // T15: "I granted last"
    else last_q <= last_d;
  end

endmodule
