// The miss unit (T5, T6, W1-W8): serves one L1 miss or dirty re-walk at a time for the two ports. Its grant is a
// function of the state during the cycle. An L1 miss with an L2 TLB looks the L2 up at the grant edge and acts on
// the result HitLatency cycles later (for a latency of 1, at the grant edge itself); an L2 miss or an L2 hit that
// needs a dirty re-walk starts the walk in the cycle the result is known. Without an L2 TLB, and for a dirty
// re-walk from an L1 hit, the walk starts in the grant cycle (the first memory request is visible in it).
// Fills happen at the edge at which the response becomes visible, unless the request was overtaken (T13).
//
// The page-walk caches (W9-W12, rtl/mmu_pwc.sv) live here, one array per level n = 2 .. 5 with PwcL<n>Entries > 0
// and n at most the mode's levels: looked up by the walker's start, filled at the end of every walk that was not
// overtaken (also a faulting one) with what the walk went through, invalidated as mmu_top says.
//
// Per-port vectors are concatenations {D, I} (index 0 = instruction port, 1 = data port).
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_miss #(
  parameter int HasL2        = 1,
  parameter int L2HitLatency = 9,
  parameter int PaBits       = 46,
  // 1: the L2 TLB keeps its entries in synchronous-read memories (its Sram): it gives the lookup's entry from the
  // cycle after the lookup edge on, held until the next grant, so the miss unit latches none of it; it applies the
  // T8 drop (l2_lkp_drop_o) of that cycle. Only with L2HitLatency > 1.
  parameter int L2Sram       = 0,
  parameter int Mode         = 0,  // paging.mode and the RISC-V options (mmu_top)
  parameter int Sum          = 0,
  parameter int Mxr          = 0,
  parameter int Svadu        = 0,
  // Page-walk caches of levels 2 .. 5 (mmu_top): entries (0: none), ways, policy, hit latency, LFSR state (R5)
  parameter int PwcL2Entries = 0,
  parameter int PwcL2Ways    = 1,
  parameter int PwcL2Policy  = 0,
  parameter int PwcL2HitLatency = 1,
  parameter int LfsrSeedPwcL2 = 'h4201,
  parameter int PwcL3Entries = 0,
  parameter int PwcL3Ways    = 1,
  parameter int PwcL3Policy  = 0,
  parameter int PwcL3HitLatency = 1,
  parameter int LfsrSeedPwcL3 = 'h4301,
  parameter int PwcL4Entries = 0,
  parameter int PwcL4Ways    = 1,
  parameter int PwcL4Policy  = 0,
  parameter int PwcL4HitLatency = 1,
  parameter int LfsrSeedPwcL4 = 'h4401,
  parameter int PwcL5Entries = 0,
  parameter int PwcL5Ways    = 1,
  parameter int PwcL5Policy  = 0,
  parameter int PwcL5HitLatency = 1,
  parameter int LfsrSeedPwcL5 = 'h4501,
  // Derived: do not override.
  parameter int CntW         = $clog2(L2HitLatency + 1),
  parameter int Riscv        = 32'(mmu_arch_pkg::ModeRiscv[Mode*8+:8]),
  parameter int VaBits       = 12 + 9 * 32'(mmu_arch_pkg::ModeLevels[Mode*8+:8]),
  parameter int VpnW         = VaBits - 12,
  parameter int LeafLevels   = 32'(mmu_arch_pkg::ModeLeafLevels[Mode*8+:8]),
  parameter int LevelW       = (LeafLevels > 3) ? 3 : 2,
  parameter int OffW         = 12 + 9 * (LeafLevels - 1),
  parameter int PcidW        = (Riscv != 0) ? 16 : 12,
  parameter int Levels       = 32'(mmu_arch_pkg::ModeLevels[Mode*8+:8])
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  input  logic                   control_i,    // a flush or CR3 write is presented this cycle (T13)

  input  logic [1:0]             wait_i,
  input  logic [1:0]             rewalk_i,
  input  logic [1:0]             stale_i,
  input  logic [2*VaBits-1:0]    ctx_vaddr_i,
  input  logic [2*2-1:0]         ctx_op_i,
  input  logic [1:0]             ctx_user_i,
  input  logic [2*PcidW-1:0]     ctx_pcid_i,
  input  logic [2*(PaBits-12)-1:0] ctx_root_i,
  // W12: the page-walk caches' invalidations at this edge (mmu_top maps flushes and CR3 writes to them)
  input  logic                   pwc_flush_i,
  input  logic                   pwc_flush_all_i,
  input  logic [PcidW-1:0]       pwc_flush_pcid_i,
  input  logic                   pwc_cr3_flush_i,
  input  logic                   pwc_cr3_flush_all_i,
  input  logic [PcidW-1:0]       pwc_cr3_flush_pcid_i,
  output logic [1:0]             grant_o,
  output logic [1:0]             done_o,       // result for that port at this edge
  output logic [PaBits-1:0]      done_paddr_o,
  output logic                   done_fault_o,
  output logic [2:0]             done_cause_o,
  output logic [4:0]             done_ecode_o,
  output logic [1:0]             done_level_o,

  // L2 TLB: looked up at the grant edge
  output logic                   l2_rd_en_o,     // a grant: the L2 reads the request's sets (L2Sram)
  output logic                   l2_lkp_en_o,
  output logic                   l2_lkp_drop_o,
  output logic [VpnW-1:0]        l2_lkp_vpn_o,
  output logic [PcidW-1:0]       l2_lkp_pcid_o,
  input  logic                   l2_hit_i,
  input  logic [VpnW-1:0]        l2_vpn_i,
  input  logic [LevelW-1:0]      l2_level_i,
  input  logic [PaBits-1:0]      l2_base_i,
  input  logic [PcidW-1:0]       l2_pcid_i,
  input  logic                   l2_global_i,
  input  logic                   l2_writable_i,
  input  logic                   l2_user_i,
  input  logic                   l2_nx_i,
  input  logic                   l2_dirty_i,
  input  logic                   l2_readable_i,

  // Fills: an L2 hit into the port's L1 TLB (R7), a walk into the L2 and the port's L1 TLB (W8)
  output logic [1:0]             l1_fill_o,
  output logic                   l2_fill_o,
  output logic [VpnW-1:0]        fill_vpn_o,
  output logic [LevelW-1:0]      fill_level_o,
  output logic [PaBits-1:0]      fill_base_o,
  output logic [PcidW-1:0]       fill_pcid_o,
  output logic                   fill_global_o,
  output logic                   fill_writable_o,
  output logic                   fill_user_o,
  output logic                   fill_nx_o,
  output logic                   fill_dirty_o,
  output logic                   fill_readable_o,

  output logic                   mem_req_valid_o,
  output logic [63:0]            mem_req_addr_o,
  output logic                   mem_req_write_o,
  output logic [63:0]            mem_req_wdata_o,
  output logic [7:0]             mem_req_wstrb_o,
  output logic [63:0]            mem_req_cmp_o,
  input  logic                   mem_req_ready_i,
  input  logic                   mem_resp_valid_i,
  input  logic [63:0]            mem_resp_rdata_i
);

  typedef enum logic [1:0] {
    MU_IDLE,
    MU_L2,    // L2 lookup in progress (L2HitLatency > 1)
    MU_WALK   // the walker works for the port
  } mu_state_e;

  mu_state_e       state_q /*verilator public_flat_rd*/, state_d;
  logic            port_q /*verilator public_flat_rd*/, port_d;  // the port being served
  logic [CntW-1:0] count_q, count_d;  // L2 cycles left
  // The L2 lookup's entry, from the grant edge to the result (L2HitLatency > 1)
  logic            l2_hit_q, l2_hit_d;
  logic [VpnW-1:0]   l2_vpn_q, l2_vpn_d;
  logic [LevelW-1:0] l2_level_q, l2_level_d;
  logic [PaBits-1:0] l2_base_q, l2_base_d;
  logic [PcidW-1:0]  l2_pcid_q, l2_pcid_d;
  logic            l2_global_q, l2_global_d, l2_writable_q, l2_writable_d, l2_user_q, l2_user_d;
  logic            l2_nx_q, l2_nx_d, l2_dirty_q, l2_dirty_d, l2_readable_q, l2_readable_d;

  // ---------------------------------------------------------------------------------------------------------------
  // Grant (T5) and the context of the port concerned
  logic              grant_valid, grant_idx, cur, idle;
  logic [VaBits-1:0] vaddr;
  logic [1:0]        op;
  logic              user, stale, direct;
  logic [PcidW-1:0]  pcid;
  logic [PaBits-1:12] root;

  assign idle = state_q == MU_IDLE;

  mmu_arb2 u_arb (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .en_i   (idle),
    .req_i  (wait_i),
    .valid_o(grant_valid),
    .idx_o  (grant_idx)
  );

  assign cur    = idle ? grant_idx : port_q;
  assign vaddr  = ctx_vaddr_i[cur*VaBits+:VaBits];
  assign op     = ctx_op_i[cur*2+:2];
  assign user   = ctx_user_i[cur];
  assign pcid   = ctx_pcid_i[cur*PcidW+:PcidW];
  assign root   = ctx_root_i[cur*(PaBits-12)+:(PaBits-12)];
  assign stale  = stale_i[cur] || control_i;  // T13: this cycle's flush or CR3 write counts too
  assign direct = HasL2 == 0 || rewalk_i[cur];

  // ---------------------------------------------------------------------------------------------------------------
  // L2 stage (T6): the lookup's entry at the grant edge, the latched one afterwards
  logic              l2_lookup, l2_done;
  logic              e_hit, e_global, e_writable, e_user, e_nx, e_dirty, e_readable;
  logic [VpnW-1:0]   e_vpn;
  logic [LevelW-1:0] e_level;
  logic [PaBits-1:0] e_base;
  logic [PcidW-1:0]  e_pcid;
  logic              l2_fault, l2_rewalk;
  logic [4:0]        l2_ecode;
  logic [PaBits-1:0] l2_paddr;

  assign l2_lookup     = idle && grant_valid && !direct;
  assign l2_done       = (l2_lookup && L2HitLatency == 1) || (state_q == MU_L2 && count_q == CntW'(1));
  assign l2_rd_en_o    = idle && grant_valid;
  assign l2_lkp_en_o   = l2_lookup;
  assign l2_lkp_drop_o = l2_fault;  // T8 in the L2 TLB (read at the lookup edge, or at the next with L2Sram)
  assign l2_lkp_vpn_o  = vaddr[VaBits-1:12];
  assign l2_lkp_pcid_o = pcid;

  // The lookup's entry: from the L2 itself while idle (the lookup cycle) or when it holds its result (L2Sram), else
  // as latched. Each written once: Icarus passes on the intermediate value of a default-then-override block, and
  // with the override taken in every cycle its readers re-ran on that glitch without end.
  logic use_l2_now;
  assign use_l2_now = idle || L2Sram != 0;
  assign e_hit      = use_l2_now ? l2_hit_i : l2_hit_q;
  assign e_vpn      = use_l2_now ? l2_vpn_i : l2_vpn_q;
  assign e_level    = use_l2_now ? l2_level_i : l2_level_q;
  assign e_pcid     = use_l2_now ? l2_pcid_i : l2_pcid_q;
  assign e_global   = use_l2_now ? l2_global_i : l2_global_q;
  assign e_writable = use_l2_now ? l2_writable_i : l2_writable_q;
  assign e_user     = use_l2_now ? l2_user_i : l2_user_q;
  assign e_nx       = use_l2_now ? l2_nx_i : l2_nx_q;
  assign e_dirty    = use_l2_now ? l2_dirty_i : l2_dirty_q;
  assign e_readable = use_l2_now ? l2_readable_i : l2_readable_q;
  assign e_base     = use_l2_now ? l2_base_i : l2_base_q;

  mmu_hit_check #(
    .PaBits(PaBits),
    .Riscv (Riscv),
    .Sum   (Sum),
    .Mxr   (Mxr),
    .LevelW(LevelW),
    .OffW  (OffW)
  ) u_l2_check (
    .level_i   (e_level),
    .base_i    (e_base),
    .writable_i(e_writable),
    .user_ok_i (e_user),
    .nx_i      (e_nx),
    .dirty_i   (e_dirty),
    .readable_i(e_readable),
    .offset_i  (vaddr[OffW-1:0]),
    .op_i      (op),
    .user_i    (user),
    .fault_o   (l2_fault),
    .rewalk_o  (l2_rewalk),
    .ecode_o   (l2_ecode),
    .paddr_o   (l2_paddr)
  );

  // ---------------------------------------------------------------------------------------------------------------
  // Walker
  logic              ptw_start, ptw_idle, ptw_done, ptw_fault;
  logic [2:0]        ptw_cause;
  logic [4:0]        ptw_ecode;
  logic [PaBits-1:0] ptw_paddr, ptw_base;
  logic [VpnW-1:0]   ptw_vpn;
  logic [LevelW-1:0] ptw_level;
  logic [PcidW-1:0]  ptw_pcid;
  logic              ptw_global, ptw_writable, ptw_user, ptw_nx, ptw_dirty, ptw_readable;

  assign ptw_start = (idle && grant_valid && direct) || (state_q == MU_WALK && ptw_idle);

  // ---------------------------------------------------------------------------------------------------------------
  // Page-walk caches (W9-W12). Per level n (index n of the packed vectors): the lookup's hit and entry, the fill.
  // The parameters of level n's cache: field 0 entries, 1 ways, 2 policy, 3 hit latency, 4 LFSR seed.
  function automatic int pwc_param(input int n, input int field);
    int entries, ways, policy, latency, seed;
    entries = 0;
    ways    = 1;
    policy  = 0;
    latency = 1;
    seed    = 1;
    if (n == 2) begin
      entries = PwcL2Entries; ways = PwcL2Ways; policy = PwcL2Policy; latency = PwcL2HitLatency; seed = LfsrSeedPwcL2;
    end else if (n == 3) begin
      entries = PwcL3Entries; ways = PwcL3Ways; policy = PwcL3Policy; latency = PwcL3HitLatency; seed = LfsrSeedPwcL3;
    end else if (n == 4) begin
      entries = PwcL4Entries; ways = PwcL4Ways; policy = PwcL4Policy; latency = PwcL4HitLatency; seed = LfsrSeedPwcL4;
    end else if (n == 5) begin
      entries = PwcL5Entries; ways = PwcL5Ways; policy = PwcL5Policy; latency = PwcL5HitLatency; seed = LfsrSeedPwcL5;
    end
    pwc_param = field == 0 ? entries : field == 1 ? ways : field == 2 ? policy : field == 3 ? latency : seed;
  endfunction

  // W9: the levels with a cache (at most the mode's), and the lookup's length: the slowest enabled cache.
  localparam int PwcLat2    = (Levels >= 2 && PwcL2Entries != 0) ? PwcL2HitLatency : 0;
  localparam int PwcLat3    = (Levels >= 3 && PwcL3Entries != 0) ? PwcL3HitLatency : 0;
  localparam int PwcLat4    = (Levels >= 4 && PwcL4Entries != 0) ? PwcL4HitLatency : 0;
  localparam int PwcLat5    = (Levels >= 5 && PwcL5Entries != 0) ? PwcL5HitLatency : 0;
  localparam int PwcMask    = ((PwcLat2 != 0) ? 4 : 0) | ((PwcLat3 != 0) ? 8 : 0) | ((PwcLat4 != 0) ? 16 : 0) |
                              ((PwcLat5 != 0) ? 32 : 0);
  localparam int PwcLat23   = (PwcLat2 > PwcLat3) ? PwcLat2 : PwcLat3;
  localparam int PwcLat45   = (PwcLat4 > PwcLat5) ? PwcLat4 : PwcLat5;
  localparam int PwcLatency = (PwcLat23 > PwcLat45) ? PwcLat23 : PwcLat45;

  logic                    pwc_lkp, pwc_fill, pwc_hit, pwc_writable, pwc_user, pwc_nx;
  logic [2:0]              pwc_level;
  logic [PaBits-1:12]      pwc_table;
  logic [5:0]              lvl_hit, lvl_writable, lvl_user, lvl_nx;
  logic [6*(PaBits-12)-1:0] lvl_table;
  logic [5:0]              thr_valid, thr_writable, thr_user, thr_nx;
  logic [6*(PaBits-12)-1:0] thr_table;

  // W11: at the end of every walk not overtaken (T13), faulting or not
  assign pwc_fill = ptw_done && !stale;

  for (genvar n = 0; n < 6; n++) begin : g_pwc
    if (((PwcMask >> n) & 1) != 0) begin : g_on
      localparam int TagW = VaBits - 12 - 9 * (n - 1);
      mmu_pwc #(
        .Entries (pwc_param(n, 0)),
        .Ways    (pwc_param(n, 1)),
        .Policy  (pwc_param(n, 2)),
        .LfsrSeed(pwc_param(n, 4)),
        .PaBits  (PaBits),
        .TagW    (TagW),
        .PcidW   (PcidW)
      ) u_pwc (
        .clk_i           (clk_i),
        .rst_ni          (rst_ni),
        .lkp_en_i        (pwc_lkp),
        .lkp_tag_i       (vaddr[VaBits-1:VaBits-TagW]),
        .lkp_pcid_i      (pcid),
        .lkp_hit_o       (lvl_hit[n]),
        .lkp_table_o     (lvl_table[n*(PaBits-12)+:(PaBits-12)]),
        .lkp_writable_o  (lvl_writable[n]),
        .lkp_user_o      (lvl_user[n]),
        .lkp_nx_o        (lvl_nx[n]),
        .fill_i          (pwc_fill && thr_valid[n]),
        .fill_tag_i      (vaddr[VaBits-1:VaBits-TagW]),  // the served port's context, as latched (T4)
        .fill_pcid_i     (pcid),
        .fill_table_i    (thr_table[n*(PaBits-12)+:(PaBits-12)]),
        .fill_writable_i (thr_writable[n]),
        .fill_user_i     (thr_user[n]),
        .fill_nx_i       (thr_nx[n]),
        .flush_i         (pwc_flush_i),
        .flush_all_i     (pwc_flush_all_i),
        .flush_pcid_i    (pwc_flush_pcid_i),
        .cr3_flush_i     (pwc_cr3_flush_i),
        .cr3_flush_all_i (pwc_cr3_flush_all_i),
        .cr3_flush_pcid_i(pwc_cr3_flush_pcid_i)
      );
    end else begin : g_off
      assign lvl_hit[n]                            = 1'b0;
      assign lvl_table[n*(PaBits-12)+:(PaBits-12)] = '0;
      assign lvl_writable[n]                       = 1'b0;
      assign lvl_user[n]                           = 1'b0;
      assign lvl_nx[n]                             = 1'b0;
      logic unused_thr;  // what the walker keeps for a level without a cache (nothing: constants)
      assign unused_thr = ^{thr_valid[n], thr_table[n*(PaBits-12)+:(PaBits-12)], thr_writable[n], thr_user[n],
                            thr_nx[n]};
    end
  end

  // W10: the deepest hit wins (the loop runs from the root side, a later hit overrides).
  always_comb begin
    pwc_hit      = 1'b0;
    pwc_level    = 3'd0;
    pwc_table    = '0;
    pwc_writable = 1'b0;
    pwc_user     = 1'b0;
    pwc_nx       = 1'b0;
    for (int n = 5; n >= 2; n--) begin
      if (lvl_hit[n]) begin
        pwc_hit      = 1'b1;
        pwc_level    = 3'(n);
        pwc_table    = lvl_table[n*(PaBits-12)+:(PaBits-12)];
        pwc_writable = lvl_writable[n];
        pwc_user     = lvl_user[n];
        pwc_nx       = lvl_nx[n];
      end
    end
  end

  if (PwcMask == 0) begin : g_no_pwc
    logic unused_pwc;
    assign unused_pwc = ^{pwc_lkp, pwc_fill, thr_valid, thr_table, thr_writable, thr_user, thr_nx, pwc_flush_i,
                          pwc_flush_all_i, pwc_flush_pcid_i, pwc_cr3_flush_i, pwc_cr3_flush_all_i,
                          pwc_cr3_flush_pcid_i};
  end

  mmu_ptw #(
    .PaBits    (PaBits),
    .Mode      (Mode),
    .Sum       (Sum),
    .Mxr       (Mxr),
    .Svadu     (Svadu),
    .PwcLatency(PwcLatency),
    .PwcMask   (PwcMask)
  ) u_ptw (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .start_i         (ptw_start),
    .vaddr_i         (vaddr),
    .op_i            (op),
    .user_i          (user),
    .pcid_i          (pcid),
    .root_i          (root),
    .pwc_lkp_o       (pwc_lkp),
    .pwc_hit_i       (pwc_hit),
    .pwc_level_i     (pwc_level),
    .pwc_table_i     (pwc_table),
    .pwc_writable_i  (pwc_writable),
    .pwc_user_i      (pwc_user),
    .pwc_nx_i        (pwc_nx),
    .thr_valid_o     (thr_valid),
    .thr_table_o     (thr_table),
    .thr_writable_o  (thr_writable),
    .thr_user_o      (thr_user),
    .thr_nx_o        (thr_nx),
    .mem_req_valid_o (mem_req_valid_o),
    .mem_req_addr_o  (mem_req_addr_o),
    .mem_req_write_o (mem_req_write_o),
    .mem_req_wdata_o (mem_req_wdata_o),
    .mem_req_wstrb_o (mem_req_wstrb_o),
    .mem_req_cmp_o   (mem_req_cmp_o),
    .mem_req_ready_i (mem_req_ready_i),
    .mem_resp_valid_i(mem_resp_valid_i),
    .mem_resp_rdata_i(mem_resp_rdata_i),
    .idle_o          (ptw_idle),
    .done_o          (ptw_done),
    .fault_o         (ptw_fault),
    .cause_o         (ptw_cause),
    .ecode_o         (ptw_ecode),
    .paddr_o         (ptw_paddr),
    .vpn_o           (ptw_vpn),
    .level_o         (ptw_level),
    .base_o          (ptw_base),
    .pcid_o          (ptw_pcid),
    .global_o        (ptw_global),
    .writable_o      (ptw_writable),
    .user_ok_o       (ptw_user),
    .nx_o            (ptw_nx),
    .dirty_o         (ptw_dirty),
    .readable_o      (ptw_readable)
  );

  // ---------------------------------------------------------------------------------------------------------------
  // Results and fills
  logic l2_answers;  // the L2 result is the response: a usable hit or a protection fault

  assign l2_answers = l2_done && e_hit && !l2_rewalk;

  // The result and fill fields are selected by the miss unit's state, not by ptw_done: in MU_WALK only the walker
  // answers, otherwise only the L2 stage. The fill's VPN, level and PCID thus depend on registered state only.
  logic from_walk;

  assign from_walk = state_q == MU_WALK;

  // Each output is written once: Icarus passes on every intermediate value of a default-then-override block, and
  // the TLBs' fill search (evaluated only while a fill is requested) re-ran on those glitches without end.
  always_comb begin
    done_o          = {cur, !cur} & {2{l2_answers || ptw_done}};
    done_paddr_o    = from_walk ? ptw_paddr : (l2_fault ? '0 : l2_paddr);
    done_fault_o    = from_walk ? ptw_fault : l2_fault;
    done_cause_o    = from_walk ? ptw_cause : (l2_fault ? mmu_arch_pkg::CauseProtection : mmu_arch_pkg::CauseNone);
    done_ecode_o    = from_walk ? ptw_ecode : (l2_fault ? l2_ecode : 5'd0);
    done_level_o    = from_walk ? mmu_arch_pkg::LevelWalk : mmu_arch_pkg::LevelL2;
    fill_vpn_o      = from_walk ? ptw_vpn : e_vpn;
    fill_level_o    = from_walk ? ptw_level : e_level;
    fill_base_o     = from_walk ? ptw_base : e_base;
    fill_pcid_o     = from_walk ? ptw_pcid : e_pcid;
    fill_global_o   = from_walk ? ptw_global : e_global;
    fill_writable_o = from_walk ? ptw_writable : e_writable;
    fill_user_o     = from_walk ? ptw_user : e_user;
    fill_nx_o       = from_walk ? ptw_nx : e_nx;
    fill_dirty_o    = from_walk ? ptw_dirty : e_dirty;
    fill_readable_o = from_walk ? ptw_readable : e_readable;
    l1_fill_o       = {cur, !cur} & {2{!stale && ((l2_answers && !l2_fault) || (ptw_done && !ptw_fault))}};
    l2_fill_o       = HasL2 != 0 && !stale && ptw_done && !ptw_fault;
  end

  assign grant_o = {grant_valid && grant_idx, grant_valid && !grant_idx};

  // ---------------------------------------------------------------------------------------------------------------
  // Next state
  always_comb begin
    state_d       = state_q;
    port_d        = port_q;
    count_d       = count_q;
    l2_hit_d      = l2_hit_q;
    l2_vpn_d      = l2_vpn_q;
    l2_level_d    = l2_level_q;
    l2_base_d     = l2_base_q;
    l2_pcid_d     = l2_pcid_q;
    l2_global_d   = l2_global_q;
    l2_writable_d = l2_writable_q;
    l2_user_d     = l2_user_q;
    l2_nx_d       = l2_nx_q;
    l2_dirty_d    = l2_dirty_q;
    l2_readable_d = l2_readable_q;

    unique case (state_q)
      MU_IDLE: begin
        if (grant_valid) begin
          port_d = grant_idx;
          if (direct) begin
            state_d = MU_WALK;
          end else if (L2HitLatency > 1) begin
            state_d       = MU_L2;
            count_d       = CntW'(L2HitLatency - 1);
            if (L2Sram == 0) begin  // latched at the lookup edge; an Sram L2 holds its own
              l2_hit_d      = l2_hit_i;
              l2_vpn_d      = l2_vpn_i;
              l2_level_d    = l2_level_i;
              l2_base_d     = l2_base_i;
              l2_pcid_d     = l2_pcid_i;
              l2_global_d   = l2_global_i;
              l2_writable_d = l2_writable_i;
              l2_user_d     = l2_user_i;
              l2_nx_d       = l2_nx_i;
              l2_dirty_d    = l2_dirty_i;
              l2_readable_d = l2_readable_i;
            end
          end
        end
      end
      MU_L2: count_d = count_q - 1'b1;
      MU_WALK: begin
        if (ptw_done) state_d = MU_IDLE;
      end
      default: state_d = MU_IDLE;
    endcase

    if (l2_done) begin
      if (l2_answers) state_d = MU_IDLE;
      else state_d = MU_WALK;  // L2 miss or dirty re-walk: the walk starts in the next cycle (W1)
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q       <= MU_IDLE;
      port_q        <= 1'b0;
      count_q       <= '0;
      l2_hit_q      <= 1'b0;
      l2_vpn_q      <= '0;
      l2_level_q    <= '0;
      l2_base_q     <= '0;
      l2_pcid_q     <= '0;
      l2_global_q   <= 1'b0;
      l2_writable_q <= 1'b0;
      l2_user_q     <= 1'b0;
      l2_nx_q       <= 1'b0;
      l2_dirty_q    <= 1'b0;
      l2_readable_q <= 1'b0;
    end else begin
      state_q       <= state_d;
      port_q        <= port_d;
      count_q       <= count_d;
      l2_hit_q      <= l2_hit_d;
      l2_vpn_q      <= l2_vpn_d;
      l2_level_q    <= l2_level_d;
      l2_base_q     <= l2_base_d;
      l2_pcid_q     <= l2_pcid_d;
      l2_global_q   <= l2_global_d;
      l2_writable_q <= l2_writable_d;
      l2_user_q     <= l2_user_d;
      l2_nx_q       <= l2_nx_d;
      l2_dirty_q    <= l2_dirty_d;
      l2_readable_q <= l2_readable_d;
    end
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Properties (rtl/mmu_assert.sv)
  // One miss at a time: the walker only runs for the miss unit's current request.
  `MMU_ASSERT(MissWalkerOnlyInWalk, ptw_idle || state_q == MU_WALK)
  `MMU_ASSERT(MissWalkDoneOnlyInWalk, !ptw_done || state_q == MU_WALK)
  `MMU_ASSERT(MissNoL2ResultInWalk, !l2_done || state_q != MU_WALK)
  `MMU_ASSERT(MissNoL2StageWithoutL2, HasL2 != 0 || state_q != MU_L2)
  // T5: a grant goes to a waiting port, a result to at most one port, and only to the port granted or served.
  `MMU_ASSERT(MissGrantWaiting, (grant_o & ~wait_i) == 2'b00)
  `MMU_ASSERT(MissOneResult, done_o != 2'b11)
  `MMU_ASSERT(MissResultToServed, done_o == 2'b00 || (idle ? grant_o == done_o : done_o[port_q]))
  // T13: nothing is filled for a request overtaken by a flush or CR3 write, including one presented this cycle.
  `MMU_ASSERT(MissNoStaleFill, !((l1_fill_o != 2'b00 || l2_fill_o) && (stale_i[cur] || control_i)))
  // W8, R7: a fill is a translation the request may use, at a level that exists.
  `MMU_ASSERT(MissFillLevel, !(l1_fill_o != 2'b00 || l2_fill_o) || fill_level_o != '0)
  `MMU_ASSERT(MissL2FillFromWalk, !l2_fill_o || (from_walk && ptw_done && !ptw_fault))
  `MMU_COVER(MissL2Hit, l2_answers && !l2_fault)
  `MMU_COVER(MissL2ProtectionFault, l2_answers && l2_fault)
  `MMU_COVER(MissDirtyRewalkFromL2, l2_done && e_hit && l2_rewalk)
  `MMU_COVER(MissDirtyRewalkFromL1, idle && grant_valid && rewalk_i[grant_idx])
  `MMU_COVER(MissBothWaiting, wait_i == 2'b11)
  `MMU_COVER(MissControlDuringWalk, state_q == MU_WALK && !ptw_idle && control_i)
  `MMU_COVER(MissStaleWalk, ptw_done && !ptw_fault && (stale_i[cur] || control_i))

endmodule
