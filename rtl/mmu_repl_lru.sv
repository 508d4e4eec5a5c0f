// True LRU per set as per-way ranks (R1): rank 0 is the most recently used way, rank Ways-1 the victim. A use of
// the way with rank k increments the ranks below k and gives the used way rank 0, so the ranks stay a permutation.
// The model keeps timestamps instead; both give the same victim because the policy is only consulted for a full
// set (R4), in which every way has been used since reset, so the reset order of the ranks never shows.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_repl_lru #(
  parameter int Sets = 1,
  parameter int Ways = 4,
  // Derived: do not override.
  parameter int SetW = (Sets > 1) ? $clog2(Sets) : 1,
  parameter int WayW = (Ways > 1) ? $clog2(Ways) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            touch_i,       // a hit or a fill uses a way
  input  logic [SetW-1:0] touch_set_i,
  input  logic [WayW-1:0] touch_way_i,
  input  logic [SetW-1:0] victim_set_i,
  output logic [WayW-1:0] victim_way_o
);

  localparam int RowW = Ways * WayW;

  // Reset ranks: way w has rank w.
  function automatic logic [RowW-1:0] reset_row();
    reset_row = '0;
    for (int w = 0; w < Ways; w++) reset_row[w*WayW+:WayW] = WayW'(w);
  endfunction

  localparam logic [RowW-1:0] ResetRow = reset_row();

  // The ranks after a use of `way` in a set whose ranks were `row`.
  function automatic logic [RowW-1:0] touched(input logic [RowW-1:0] row, input logic [WayW-1:0] way);
    logic [WayW-1:0] rank;
    rank    = row[way*WayW+:WayW];
    touched = row;
    for (int w = 0; w < Ways; w++) begin
      if (WayW'(w) == way) touched[w*WayW+:WayW] = '0;
      else if (row[w*WayW+:WayW] < rank) touched[w*WayW+:WayW] = row[w*WayW+:WayW] + 1'b1;
    end
  endfunction

  // Rows are written like a RAM (one per edge, no reset); init_q says which sets have been written since reset, a
  // set not yet written reads as its reset row. The update is computed in the clocked blocks, so a simulator only
  // evaluates it at an edge with a use.
  logic [RowW-1:0] rank_q[Sets];
  logic [Sets-1:0] init_q;
  logic [RowW-1:0] victim_row;
  logic [Ways-1:0] is_last;
  logic            victim_found;

  assign victim_row = init_q[victim_set_i] ? rank_q[victim_set_i] : ResetRow;

  always_comb begin
    for (int w = 0; w < Ways; w++) is_last[w] = victim_row[w*WayW+:WayW] == WayW'(Ways - 1);
  end

  mmu_prio_enc #(
    .Width(Ways)
  ) u_victim (
    .req_i  (is_last),
    .valid_o(victim_found),
    .idx_o  (victim_way_o)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) init_q <= '0;
    else if (touch_i) init_q[touch_set_i] <= 1'b1;
  end

  always_ff @(posedge clk_i) begin
    if (touch_i) rank_q[touch_set_i] <= touched(init_q[touch_set_i] ? rank_q[touch_set_i] : ResetRow, touch_way_i);
  end

`ifdef MMU_SIM
  // The ranks of a set are a permutation, so exactly one way holds the last rank.
  always @(posedge clk_i) begin
    if (rst_ni && !$isunknown(victim_set_i)) assert (victim_found && $onehot(is_last)) else $error("mmu_repl_lru: ranks of a set are not a permutation");
  end
`endif

endmodule
