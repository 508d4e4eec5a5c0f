// Tree pseudo-LRU per set (R3). Ways is a power of two; a set has Ways-1 node bits in heap order (node 1 the root,
// children of node i are 2i and 2i+1), stored at index node-1. Bit 0 means "the victim is in the left half". A use
// of way w sets every node on w's path to point away from w. Reset: all bits 0 (victim way 0).
module mmu_repl_plru #(
  parameter int Sets = 1,
  parameter int Ways = 4,
  // Derived: do not override.
  parameter int SetW = (Sets > 1) ? $clog2(Sets) : 1,
  parameter int WayW = (Ways > 1) ? $clog2(Ways) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            touch_i,
  input  logic [SetW-1:0] touch_set_i,
  input  logic [WayW-1:0] touch_way_i,
  input  logic [SetW-1:0] victim_set_i,
  output logic [WayW-1:0] victim_way_o
);

  localparam int Depth = (Ways > 1) ? $clog2(Ways) : 0;  // levels of the tree
  localparam int NodeW = (Ways > 1) ? Ways - 1 : 1;

  // Rows are written like a RAM (one per edge, no reset); init_q says which sets have been written since reset, a
  // set not yet written reads as its reset row.
  logic [NodeW-1:0] bits_q[Sets];
  logic [Sets-1:0] init_q;
  logic [NodeW-1:0] touch_row, row_d, victim_row;

  assign touch_row  = init_q[touch_set_i] ? bits_q[touch_set_i] : '0;
  assign victim_row = init_q[victim_set_i] ? bits_q[victim_set_i] : '0;

  // On w's path, the node at depth d is (1 << d) | (w >> (Depth - d)); w's bit Depth-1-d says which half w is in.
  always_comb begin
    row_d = touch_row;
    for (int d = 0; d < Depth; d++) begin
      row_d[((1 << d) | (32'(touch_way_i) >> (Depth - d))) - 1] = ~touch_way_i[Depth-1-d];
    end
  end

  always_comb begin
    int node;
    victim_way_o = '0;
    node = 1;
    for (int d = 0; d < Depth; d++) begin
      victim_way_o[Depth-1-d] = victim_row[node-1];
      node = 2 * node + 32'(victim_row[node-1]);
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) init_q <= '0;
    else if (touch_i) init_q[touch_set_i] <= 1'b1;
  end

  always_ff @(posedge clk_i) begin
    if (touch_i) bits_q[touch_set_i] <= row_d;
  end

endmodule
