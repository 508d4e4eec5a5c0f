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

  // Bit b of the index is set when the lowest request sits at a position with bit b set. The lowest request is
  // isolated by two's complement; this form avoids a loop of Width comparisons (which a simulator evaluates one by
  // one every cycle) and, as continuous assignments, suits Icarus 11 (an always_comb loop there re-evaluated
  // endlessly at time zero once it sat inside mmu_tlb).
  function automatic logic [Width-1:0] positions_with_bit(input int b);
    positions_with_bit = '0;
    for (int i = 0; i < Width; i++) positions_with_bit[i] = ((i >> b) & 1) != 0;
  endfunction

  logic [Width-1:0] lowest;

  assign lowest  = req_i & (~req_i + Width'(1));
  assign valid_o = |req_i;

  for (genvar b = 0; b < IdxW; b++) begin : g_idx
    localparam logic [Width-1:0] Positions = positions_with_bit(b);
    assign idx_o[b] = |(lowest & Positions);
  end

endmodule
