// Priority encoder: the lowest set request wins. Used wherever the timing contract says "lowest-numbered"
// (R4 first invalid way, R6/R7 lowest matching way).
module mmu_prio_enc #(
  parameter int Width = 4,
  // Derived: do not override.
  parameter int IdxW  = (Width > 1) ? $clog2(Width) : 1
) (
  input  logic [Width-1:0] req_i,
  output logic             valid_o,
  output logic [IdxW-1:0]  idx_o
);

  // A function in a continuous assignment rather than an always_comb loop: Icarus 11 re-evaluated the loop form
  // endlessly at time zero once it sat inside mmu_tlb.
  function automatic logic [IdxW-1:0] lowest(input logic [Width-1:0] req);
    lowest = '0;
    for (int i = Width - 1; i >= 0; i--) begin
      if (req[i]) lowest = IdxW'(i);
    end
  endfunction

  assign idx_o   = lowest(req_i);
  assign valid_o = |req_i;

endmodule
