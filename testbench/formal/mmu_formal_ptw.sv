// Proof harness of the walker alone (make formal): any walk of any table contents, with the memory of
// mmu_formal_mem, keeps the walker's properties (rtl/mmu_ptw.sv) and ends within a bound: at most 8 accesses (a read
// and an A/D write-back per level), each presented, accepted within StallMax cycles and answered within LatMax, and
// 8 more when another agent changes an entry between its read and its write-back (M9: the write-back is refused and
// the walk starts again), which the environment does at most once per walk. scripts/formal.sh proves this harness by
// PDR, for every reachable state, so both bounds hold however long after reset a walk starts.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_formal_ptw #(
  parameter int PaBits   = 40,
  parameter int StallMax = 1,
  parameter int LatMax   = 2
) (
  input logic              clk_i,
  input logic              rst_ni,
  input logic              start_i,
  input logic [47:0]       vaddr_i,
  input logic [1:0]        op_i,
  input logic              user_i,
  input logic [11:0]       pcid_i,
  input logic [PaBits-1:12] root_i,
  input logic              mem_req_ready_i,
  input logic              mem_resp_valid_i,
  input logic [63:0]       mem_resp_rdata_i
);

  localparam int WalkMax = 8 * (1 + StallMax + LatMax);

  logic              mem_req_valid, mem_req_write, idle, done, fault, glob, writable, user_ok, nx, dirty;
  logic [63:0]       mem_req_addr, mem_req_wdata, mem_req_cmp;
  logic [7:0]        mem_req_wstrb;
  logic [2:0]        cause;
  logic [4:0]        ecode;
  logic [PaBits-1:0] paddr, base;
  logic [35:0]       vpn;
  logic [1:0]        level;
  logic [11:0]       pcid;

  mmu_ptw #(.PaBits(PaBits)) u_ptw (
    .clk_i, .rst_ni, .start_i, .vaddr_i, .op_i, .user_i, .pcid_i, .root_i,
    .mem_req_valid_o(mem_req_valid), .mem_req_addr_o(mem_req_addr), .mem_req_write_o(mem_req_write),
    .mem_req_wdata_o(mem_req_wdata), .mem_req_wstrb_o(mem_req_wstrb), .mem_req_cmp_o(mem_req_cmp),
    .mem_req_ready_i, .mem_resp_valid_i,
    .mem_resp_rdata_i, .idle_o(idle), .done_o(done), .fault_o(fault), .cause_o(cause), .ecode_o(ecode),
    .paddr_o(paddr), .vpn_o(vpn), .level_o(level), .base_o(base), .pcid_o(pcid), .global_o(glob),
    .writable_o(writable), .user_ok_o(user_ok), .nx_o(nx), .dirty_o(dirty), .readable_o(),
    // no page-walk caches (PwcLatency = 0): the walk starts at the root, nothing is kept for a fill
    .pwc_lkp_o(), .pwc_hit_i(1'b0), .pwc_level_i(3'd0), .pwc_table_i({(PaBits-12){1'b0}}),
    .pwc_writable_i(1'b0), .pwc_user_i(1'b0), .pwc_nx_i(1'b0), .thr_valid_o(), .thr_table_o(), .thr_writable_o(),
    .thr_user_o(), .thr_nx_o()
  );

  mmu_formal_mem #(.StallMax(StallMax), .LatMax(LatMax)) u_mem (
    .clk_i, .rst_ni, .req_valid_i(mem_req_valid), .req_ready_i(mem_req_ready_i), .resp_valid_i(mem_resp_valid_i)
  );

  `MMU_ASSUME_RESET_FIRST

  // The miss unit's side: a walk starts only while the walker is idle, for a load, store or fetch.
  `MMU_ASSUME(EnvStartWhenIdle, !start_i || idle)
  `MMU_ASSUME(EnvOpKnown, op_i != 2'd3)

  // The other agent: a write-back's response is the word it compared, except once per walk at most (M9).
  logic        writing_q, refused_q;
  logic [63:0] cmp_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      writing_q <= 1'b0;
      refused_q <= 1'b0;
      cmp_q     <= '0;
    end else begin
      if (mem_req_valid && mem_req_ready_i) {writing_q, cmp_q} <= {mem_req_write, mem_req_cmp};
      if (idle) refused_q <= 1'b0;
      else if (mem_resp_valid_i && writing_q && mem_resp_rdata_i != cmp_q) refused_q <= 1'b1;
    end
  end
  `MMU_ASSUME(EnvRefusesOnce, !(mem_resp_valid_i && writing_q && refused_q) || mem_resp_rdata_i == cmp_q)

  logic [7:0] walk_q;  // cycles since the walk started
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) walk_q <= '0;
    else if (idle) walk_q <= 8'(start_i);
    else walk_q <= walk_q + 8'd1;
  end
  `MMU_ASSERT(PtwEndsInTime, walk_q <= (refused_q ? 8'(2 * WalkMax) : 8'(WalkMax)))

  // Unused results are observed here so that every output of the walker is in the proof.
  logic unused;
  assign unused = ^{ecode, paddr, base, vpn, level, pcid, glob, fault, cause};

endmodule
