// x86 page-fault error code of a fault (T10): P (0 only for not-present), W/R, U/S, RSVD, I/D (x86-64 has NX).
// Non-canonical addresses (#GP, not #PF) and non-faults carry code 0.
module mmu_ecode (
  input  logic [2:0] cause_i,  // mmu_fault_cause_t
  input  logic [1:0] op_i,
  input  logic       user_i,
  output logic [4:0] ecode_o
);

  localparam logic [2:0] CauseNone = 3'd0;
  localparam logic [2:0] CauseNotPresent = 3'd1;
  localparam logic [2:0] CauseReserved = 3'd3;
  localparam logic [2:0] CauseNonCanonical = 3'd4;

  // One assignment, no default then bits: Icarus 11 turned the glitch of the latter into an endless loop at time
  // zero inside the miss unit.
  logic fault;
  assign fault   = cause_i != CauseNone && cause_i != CauseNonCanonical;
  assign ecode_o = fault ? {op_i == 2'd2, cause_i == CauseReserved, user_i, op_i == 2'd1, cause_i != CauseNotPresent}
                         : 5'd0;

endmodule
