// FIFO replacement (R2): one pointer per set, reset to way 0. The victim is the pointer's way; an allocation (a fill
// into an invalid way, R4, or into the victim) that writes the pointer's way advances it by one (mod Ways). A fill
// that rewrites an entry in place (R7) is not an allocation: the TLB does not raise alloc_i for it, so the rewritten
// entry keeps its place in the queue. Hits change nothing.
module mmu_repl_fifo #(
  parameter int Sets = 1,
  parameter int Ways = 4,
  // Derived: do not override.
  parameter int SetW = (Sets > 1) ? $clog2(Sets) : 1,
  parameter int WayW = (Ways > 1) ? $clog2(Ways) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            alloc_i,
  input  logic [SetW-1:0] alloc_set_i,
  input  logic [WayW-1:0] alloc_way_i,
  input  logic [SetW-1:0] victim_set_i,
  output logic [WayW-1:0] victim_way_o
);

  // Rows are written like a RAM (one per edge, no reset); init_q says which sets have been written since reset, a
  // set not yet written reads as its reset row.
  logic [WayW-1:0] ptr_q[Sets];
  logic [Sets-1:0] init_q;
  logic [WayW-1:0] alloc_ptr, ptr_d;
  logic            advance;

  assign alloc_ptr    = init_q[alloc_set_i] ? ptr_q[alloc_set_i] : '0;
  assign victim_way_o = init_q[victim_set_i] ? ptr_q[victim_set_i] : '0;
  assign advance      = alloc_i && (alloc_way_i == alloc_ptr);

  always_comb begin
    ptr_d = alloc_ptr + 1'b1;
    if (alloc_ptr == WayW'(Ways - 1)) ptr_d = '0;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) init_q <= '0;
    else if (advance) init_q[alloc_set_i] <= 1'b1;
  end

  always_ff @(posedge clk_i) begin
    if (advance) ptr_q[alloc_set_i] <= ptr_d;
  end

endmodule
