// One translation request port (T2-T4): idle, looking up its L1 TLB (HitLatency cycles), waiting for the miss unit,
// being served by it, or responding (one cycle). The L1 lookup happens at the accept edge on the request inputs of
// that cycle, against the TLB contents during that cycle (T3); its result is held until the response or the miss
// cycle. The context (vaddr, op, user, tag, and root and PCID from CR3 during the accept cycle) is latched at
// acceptance (T4) and is all the miss unit ever uses.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_port #(
  parameter int HitLatency = 1,
  parameter int PaBits     = 46,
  parameter int Mode       = 0,  // paging.mode (mmu_top)
  parameter int Sum        = 0,
  parameter int Mxr        = 0,
  // Derived: do not override.
  parameter int CntW       = $clog2(HitLatency + 1),
  parameter int Riscv      = 32'(mmu_arch_pkg::ModeRiscv[Mode*8+:8]),
  parameter int VaBits     = 12 + 9 * 32'(mmu_arch_pkg::ModeLevels[Mode*8+:8]),
  parameter int LeafLevels = 32'(mmu_arch_pkg::ModeLeafLevels[Mode*8+:8]),
  parameter int LevelW     = (LeafLevels > 3) ? 3 : 2,
  parameter int OffW       = 12 + 9 * (LeafLevels - 1),
  parameter int PcidW      = (Riscv != 0) ? 16 : 12
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  input  logic               req_valid_i,
  input  logic [63:0]        req_vaddr_i,
  input  logic [1:0]         req_op_i,
  input  logic               req_user_i,
  input  logic [7:0]         req_tag_i,
  output logic               req_ready_o,
  output logic               resp_valid_o,
  output logic [7:0]         resp_tag_o,
  output logic [63:0]        resp_paddr_o,
  output logic               resp_fault_o,
  output logic [2:0]         resp_cause_o,
  output logic [4:0]         resp_ecode_o,
  output logic [1:0]         resp_level_o,

  input  logic [PaBits-1:12] root_i,        // CR3 during this cycle (T4)
  input  logic [PcidW-1:0]   pcid_i,
  input  logic               control_i,     // a flush or CR3 write is presented this cycle (T13)

  // L1 TLB, looked up with req_vaddr_i and pcid_i
  output logic               lkp_en_o,
  output logic               lkp_drop_o,
  input  logic               lkp_hit_i,
  input  logic [LevelW-1:0]  lkp_level_i,
  input  logic [PaBits-1:0]  lkp_base_i,
  input  logic               lkp_writable_i,
  input  logic               lkp_user_i,
  input  logic               lkp_nx_i,
  input  logic               lkp_dirty_i,
  input  logic               lkp_readable_i,

  // miss unit
  output logic               wait_o,        // waiting for a grant (T5)
  output logic               rewalk_o,      // ... for a dirty re-walk from an L1 hit (T9)
  output logic               stale_o,       // overtaken by a flush or CR3 write (T13)
  output logic [VaBits-1:0]  ctx_vaddr_o,
  output logic [1:0]         ctx_op_o,
  output logic               ctx_user_o,
  output logic [PcidW-1:0]   ctx_pcid_o,
  output logic [PaBits-1:12] ctx_root_o,
  input  logic               grant_i,       // served from this edge on
  input  logic               done_i,        // the miss unit's result for this port is visible from this edge
  input  logic [PaBits-1:0]  done_paddr_i,
  input  logic               done_fault_i,
  input  logic [2:0]         done_cause_i,
  input  logic [4:0]         done_ecode_i,
  input  logic [1:0]         done_level_i
);

  typedef enum logic [2:0] {
    PORT_IDLE,
    PORT_LOOKUP,  // L1 lookup, HitLatency > 1
    PORT_MISS,    // waiting for the miss unit
    PORT_SERVED,  // the miss unit works for this port
    PORT_RESP     // response visible
  } port_state_e;

  port_state_e         state_q /*verilator public_flat_rd*/, state_d;
  logic [CntW-1:0]     count_q, count_d;        // lookup cycles left
  logic                need_mu_q, need_mu_d;    // the lookup result sends the request to the miss unit
  logic                rewalk_q, rewalk_d;
  logic                stale_q, stale_d;
  logic [VaBits-1:0]   vaddr_q, vaddr_d;
  logic [1:0]          op_q, op_d;
  logic                user_q, user_d;
  logic [7:0]          tag_q, tag_d;
  logic [PcidW-1:0]    pcid_q, pcid_d;
  logic [PaBits-1:12]  root_q, root_d;
  logic [PaBits-1:0]   res_paddr_q, res_paddr_d;
  logic                res_fault_q, res_fault_d;
  logic [2:0]          res_cause_q, res_cause_d;
  logic [4:0]          res_ecode_q, res_ecode_d;
  logic [1:0]          res_level_q, res_level_d;

  // ---------------------------------------------------------------------------------------------------------------
  // L1 lookup result of the request presented now (T3, T7, T8, T9)
  logic              ready, accept, canonical, hit_fault, hit_rewalk;
  logic [4:0]        hit_ecode, nc_ecode;
  logic [PaBits-1:0] hit_paddr;

  assign ready     = state_q == PORT_IDLE || state_q == PORT_RESP;  // T2
  assign accept    = ready && req_valid_i;
  // T7: bits 63:VaBits copy bit VaBits-1 (x86-64 canonical; RISC-V 4.3-4.6: sign-extended from bit 38/47/56)
  assign canonical = req_vaddr_i[63:VaBits-1] == '0 || req_vaddr_i[63:VaBits-1] == '1;

  mmu_hit_check #(
    .PaBits(PaBits),
    .Riscv (Riscv),
    .Sum   (Sum),
    .Mxr   (Mxr),
    .LevelW(LevelW),
    .OffW  (OffW)
  ) u_hit (
    .level_i   (lkp_level_i),
    .base_i    (lkp_base_i),
    .writable_i(lkp_writable_i),
    .user_ok_i (lkp_user_i),
    .nx_i      (lkp_nx_i),
    .dirty_i   (lkp_dirty_i),
    .readable_i(lkp_readable_i),
    .offset_i  (req_vaddr_i[OffW-1:0]),
    .op_i      (req_op_i),
    .user_i    (req_user_i),
    .fault_o   (hit_fault),
    .rewalk_o  (hit_rewalk),
    .ecode_o   (hit_ecode),
    .paddr_o   (hit_paddr)
  );

  // T10: the code of a non-canonical address (x86: none, #GP; RISC-V: the access's page fault)
  mmu_ecode #(
    .Riscv(Riscv)
  ) u_nc_ecode (
    .cause_i(mmu_arch_pkg::CauseNonCanonical),
    .op_i   (req_op_i),
    .user_i (req_user_i),
    .ecode_o(nc_ecode)
  );

  assign lkp_en_o   = accept && canonical;
  assign lkp_drop_o = hit_fault;  // T8: the TLB drops a hit that faults

  // ---------------------------------------------------------------------------------------------------------------
  // Next state
  logic need_mu_now;

  assign need_mu_now = canonical && (!lkp_hit_i || hit_rewalk);

  always_comb begin
    state_d     = state_q;
    count_d     = count_q;
    need_mu_d   = need_mu_q;
    rewalk_d    = rewalk_q;
    stale_d     = stale_q;
    vaddr_d     = vaddr_q;
    op_d        = op_q;
    user_d      = user_q;
    tag_d       = tag_q;
    pcid_d      = pcid_q;
    root_d      = root_q;
    res_paddr_d = res_paddr_q;
    res_fault_d = res_fault_q;
    res_cause_d = res_cause_q;
    res_ecode_d = res_ecode_q;
    res_level_d = res_level_q;

    unique case (state_q)
      PORT_LOOKUP: begin
        count_d = count_q - 1'b1;
        if (count_q == CntW'(1)) begin
          if (need_mu_q) state_d = PORT_MISS;
          else state_d = PORT_RESP;
        end
      end
      PORT_MISS: begin
        if (done_i) state_d = PORT_RESP;  // an L2 result at the grant edge (H2 = 1)
        else if (grant_i) state_d = PORT_SERVED;
      end
      PORT_SERVED: begin
        if (done_i) state_d = PORT_RESP;
      end
      PORT_RESP: state_d = PORT_IDLE;
      default: state_d = PORT_IDLE;
    endcase

    if (!ready) stale_d = stale_q || control_i;

    if (done_i) begin
      res_paddr_d = done_paddr_i;
      res_fault_d = done_fault_i;
      res_cause_d = done_cause_i;
      res_ecode_d = done_ecode_i;
      res_level_d = done_level_i;
    end

    if (accept) begin  // T3, T4
      vaddr_d     = req_vaddr_i[VaBits-1:0];
      op_d        = req_op_i;
      user_d      = req_user_i;
      tag_d       = req_tag_i;
      pcid_d      = pcid_i;
      root_d      = root_i;
      stale_d     = control_i;
      need_mu_d   = need_mu_now;
      rewalk_d    = canonical && lkp_hit_i && hit_rewalk;
      res_paddr_d = '0;
      res_fault_d = 1'b0;
      res_cause_d = mmu_arch_pkg::CauseNone;
      res_ecode_d = 5'd0;
      res_level_d = mmu_arch_pkg::LevelL1;
      if (!canonical) begin
        res_fault_d = 1'b1;
        res_cause_d = mmu_arch_pkg::CauseNonCanonical;
        res_ecode_d = nc_ecode;
        res_level_d = mmu_arch_pkg::LevelNone;
      end else if (lkp_hit_i && hit_fault) begin
        res_fault_d = 1'b1;
        res_cause_d = mmu_arch_pkg::CauseProtection;
        res_ecode_d = hit_ecode;
      end else if (lkp_hit_i && !hit_rewalk) begin
        res_paddr_d = hit_paddr;
      end
      if (HitLatency > 1) begin
        state_d = PORT_LOOKUP;
        count_d = CntW'(HitLatency - 1);
      end else if (need_mu_now) begin
        state_d = PORT_MISS;
      end else begin
        state_d = PORT_RESP;
      end
    end
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Outputs: functions of state only (T1)
  always_comb begin
    resp_valid_o = 1'b0;
    resp_tag_o   = '0;
    resp_paddr_o = '0;
    resp_fault_o = 1'b0;
    resp_cause_o = '0;
    resp_ecode_o = '0;
    resp_level_o = '0;
    if (state_q == PORT_RESP) begin
      resp_valid_o = 1'b1;
      resp_tag_o   = tag_q;
      resp_paddr_o = 64'(res_paddr_q);
      resp_fault_o = res_fault_q;
      resp_cause_o = res_cause_q;
      resp_ecode_o = res_ecode_q;
      resp_level_o = res_level_q;
    end
  end

  assign req_ready_o = ready;
  assign wait_o      = state_q == PORT_MISS;
  assign rewalk_o    = rewalk_q;
  assign stale_o     = stale_q;
  assign ctx_vaddr_o = vaddr_q;
  assign ctx_op_o    = op_q;
  assign ctx_user_o  = user_q;
  assign ctx_pcid_o  = pcid_q;
  assign ctx_root_o  = root_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q     <= PORT_IDLE;
      count_q     <= '0;
      need_mu_q   <= 1'b0;
      rewalk_q    <= 1'b0;
      stale_q     <= 1'b0;
      vaddr_q     <= '0;
      op_q        <= '0;
      user_q      <= 1'b0;
      tag_q       <= '0;
      pcid_q      <= '0;
      root_q      <= '0;
      res_paddr_q <= '0;
      res_fault_q <= 1'b0;
      res_cause_q <= '0;
      res_ecode_q <= '0;
      res_level_q <= '0;
    end else begin
      state_q     <= state_d;
      count_q     <= count_d;
      need_mu_q   <= need_mu_d;
      rewalk_q    <= rewalk_d;
      stale_q     <= stale_d;
      vaddr_q     <= vaddr_d;
      op_q        <= op_d;
      user_q      <= user_d;
      tag_q       <= tag_d;
      pcid_q      <= pcid_d;
      root_q      <= root_d;
      res_paddr_q <= res_paddr_d;
      res_fault_q <= res_fault_d;
      res_cause_q <= res_cause_d;
      res_ecode_q <= res_ecode_d;
      res_level_q <= res_level_d;
    end
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Properties (rtl/mmu_assert.sv)
  // Inputs: the miss unit only grants and answers a port that waits for it or that it serves.
  `MMU_ASSERT(PortGrantWhileWaiting, !grant_i || state_q == PORT_MISS)
  `MMU_ASSERT(PortResultWhileServed, !done_i || state_q == PORT_MISS || state_q == PORT_SERVED)
  `MMU_ASSERT(PortResultAfterGrant, !(done_i && state_q == PORT_MISS && !grant_i))
`ifndef MMU_ASSERT_OFF
  // Exactly one response per accepted request, carrying its tag: a count of requests accepted and not yet answered,
  // and the tag of the last one, kept for the properties only.
  logic [1:0] open_q;
  logic [7:0] open_tag_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      open_q     <= '0;
      open_tag_q <= '0;
    end else begin
      open_q <= open_q + 2'(accept) - 2'(resp_valid_o);
      if (accept) open_tag_q <= req_tag_i;
    end
  end
  `MMU_ASSERT(PortAtMostOneOpen, open_q <= 2'd1)
  `MMU_ASSERT(PortResponseAnswersOne, !resp_valid_o || (open_q == 2'd1 && resp_tag_o == open_tag_q))
  `MMU_ASSERT(PortReadyWhenAnswered, req_ready_o == (open_q == 2'd0 || resp_valid_o))
`endif
  // T7: a non-canonical address faults without a lookup; a fault carries no physical address.
  `MMU_ASSERT(PortNonCanonicalNoLookup, !(accept && !canonical) || !lkp_en_o)
  `MMU_ASSERT(PortFaultNoAddress, !(resp_valid_o && resp_fault_o) || resp_paddr_o == 64'd0)
  `MMU_ASSERT(PortFaultHasCause, !resp_valid_o || resp_fault_o == (resp_cause_o != mmu_arch_pkg::CauseNone))
  `MMU_COVER(PortL1Hit, resp_valid_o && !resp_fault_o && resp_level_o == mmu_arch_pkg::LevelL1)
  `MMU_COVER(PortL1ProtectionFault, resp_valid_o && resp_fault_o && resp_level_o == mmu_arch_pkg::LevelL1)
  `MMU_COVER(PortNonCanonical, resp_valid_o && resp_cause_o == mmu_arch_pkg::CauseNonCanonical)
  `MMU_COVER(PortAcceptWhileResponding, resp_valid_o && accept)
  `MMU_COVER(PortOvertaken, state_q == PORT_SERVED && control_i)

endmodule
