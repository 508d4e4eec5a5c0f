// The MMU (docs/timing.md): instruction and data request ports with their L1 TLBs, a unified L2 TLB (absent when
// L2Entries = 0), the miss unit (arbitration, L2 stage, page walker, page-walk caches of W9-W12, absent when
// PwcL<n>Entries = 0), CR3 (T11), flushes (T12) and overtaken requests (T13). The paging mode is the parameter Mode
// (the model's paging.mode: x86-64 4-level or 5-level, RISC-V Sv39, Sv48, Sv57; docs/paging.md); every width and
// rule that depends on it is derived from the mode tables of mmu_arch_pkg, generated from the model's. Ports:
// model/include/mmu/mmu_ports.def, prefixed i (MMU_REQ_I) and d (MMU_REQ_D) for the per-requester ones. Every output
// is a function of state only (T1).
//
// Reset: asynchronous, active low (rst_ni); the reset state is T15's.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_top #(
  parameter int L1iEntries    = 128,
  parameter int L1iWays       = 8,
  parameter int L1iPolicy     = 0,       // mmu_policy_t: 0 LRU, 1 tree PLRU, 2 FIFO, 3 random
  parameter int L1iHitLatency = 1,
  parameter int L1dEntries    = 64,
  parameter int L1dWays       = 4,
  parameter int L1dPolicy     = 0,
  parameter int L1dHitLatency = 1,
  parameter int L2Entries     = 1536,    // 0: no L2 TLB
  parameter int L2Ways        = 12,
  parameter int L2Policy      = 0,
  parameter int L2HitLatency  = 9,
  parameter int PcidEn        = 0,       // cr3.pcid (CR4.PCIDE; RISC-V: 16 ASID bits in satp, else none)
  parameter int PaBits        = 46,      // MAXPHYADDR, 32..52 (RISC-V: paging.pa_bits, 34..56)
  parameter int Mode          = 0,       // paging.mode (mmu_mode_t): 0 x86_64, 3 x86_64_la57, 4 sv39, 5 sv48, 6 sv57
  parameter int Sum           = 0,       // RISC-V sstatus.SUM (paging.riscv.sum)
  parameter int Mxr           = 0,       // RISC-V sstatus.MXR (paging.riscv.mxr)
  parameter int Svadu         = 0,       // RISC-V: 1 the walker sets A and D (Svadu), 0 a fault instead (Svade)
  parameter int LfsrSeedL1i   = 'h1001,  // R5 initial LFSR states; these are the model's for seed = 1
  parameter int LfsrSeedL1d   = 'h2001,
  parameter int LfsrSeedL2    = 'h3001,
  // Page-walk caches (W9-W12): pwc.l<n> caches the level-n entries (n = 2 .. 5, at most the mode's levels; x86-64
  // l4 PML4E, l3 PDPTE, l2 PDE). Entries = 0: no cache of that level, no logic. Seeds: the model's for seed = 1.
  parameter int PwcL2Entries    = 0,
  parameter int PwcL2Ways       = 1,
  parameter int PwcL2Policy     = 0,
  parameter int PwcL2HitLatency = 1,
  parameter int LfsrSeedPwcL2   = 'h4201,
  parameter int PwcL3Entries    = 0,
  parameter int PwcL3Ways       = 1,
  parameter int PwcL3Policy     = 0,
  parameter int PwcL3HitLatency = 1,
  parameter int LfsrSeedPwcL3   = 'h4301,
  parameter int PwcL4Entries    = 0,
  parameter int PwcL4Ways       = 1,
  parameter int PwcL4Policy     = 0,
  parameter int PwcL4HitLatency = 1,
  parameter int LfsrSeedPwcL4   = 'h4401,
  parameter int PwcL5Entries    = 0,
  parameter int PwcL5Ways       = 1,
  parameter int PwcL5Policy     = 0,
  parameter int PwcL5HitLatency = 1,
  parameter int LfsrSeedPwcL5   = 'h4501
) (
  input  logic        clk_i,
  input  logic        rst_ni,

  input  logic        ireq_valid_i,
  input  logic [63:0] ireq_vaddr_i,
  input  logic [1:0]  ireq_op_i,
  input  logic        ireq_user_i,
  input  logic [7:0]  ireq_tag_i,
  input  logic        dreq_valid_i,
  input  logic [63:0] dreq_vaddr_i,
  input  logic [1:0]  dreq_op_i,
  input  logic        dreq_user_i,
  input  logic [7:0]  dreq_tag_i,

  input  logic        cr3_we_i,
  input  logic [63:0] cr3_wdata_i,
  input  logic        flush_valid_i,
  input  logic [2:0]  flush_op_i,
  input  logic [63:0] flush_vaddr_i,
  input  logic [15:0] flush_pcid_i,

  input  logic        mem_req_ready_i,
  input  logic        mem_resp_valid_i,
  input  logic [63:0] mem_resp_rdata_i,

  output logic        ireq_ready_o,
  output logic        iresp_valid_o,
  output logic [7:0]  iresp_tag_o,
  output logic [63:0] iresp_paddr_o,
  output logic        iresp_fault_o,
  output logic [2:0]  iresp_cause_o,
  output logic [4:0]  iresp_ecode_o,
  output logic [1:0]  iresp_level_o,
  output logic        dreq_ready_o,
  output logic        dresp_valid_o,
  output logic [7:0]  dresp_tag_o,
  output logic [63:0] dresp_paddr_o,
  output logic        dresp_fault_o,
  output logic [2:0]  dresp_cause_o,
  output logic [4:0]  dresp_ecode_o,
  output logic [1:0]  dresp_level_o,

  output logic        mem_req_valid_o,
  output logic [63:0] mem_req_addr_o,
  output logic        mem_req_write_o,
  output logic [63:0] mem_req_wdata_o,
  output logic [7:0]  mem_req_wstrb_o,
  output logic [63:0] mem_req_cmp_o
);

  // The L2 TLB keeps its entries in synchronous-read memories whenever the L2 stage lasts two cycles or more: the
  // sets are read at the lookup edge and the hit is needed only at the result (T6; rtl/mmu_tlb.sv, docs/timing.md
  // "L2 TLB storage").
  localparam int L2Sram = (L2HitLatency > 1) ? 1 : 0;

  // The mode (mmu_arch_pkg's tables, generated from the model's): levels, address and tag widths.
  localparam int Levels     = 32'(mmu_arch_pkg::ModeLevels[Mode*8+:8]);
  localparam int LeafLevels = 32'(mmu_arch_pkg::ModeLeafLevels[Mode*8+:8]);
  localparam int Riscv      = 32'(mmu_arch_pkg::ModeRiscv[Mode*8+:8]);
  localparam int VaBits     = 12 + 9 * Levels;
  localparam int VpnW       = VaBits - 12;               // page number of a base page
  localparam int LevelW     = (LeafLevels > 3) ? 3 : 2;  // leaf level of a TLB entry, 1..LeafLevels
  localparam int PcidW      = (Riscv != 0) ? 16 : 12;          // PCID (x86) or ASID (RISC-V) of a TLB entry
  localparam logic [3:0] SatpMode = 4'(mmu_arch_pkg::ModeSatp[Mode*8+:8]);

  // ---------------------------------------------------------------------------------------------------------------
  // CR3 (T11): written at the edge; requests accepted from the next cycle on see it (T4). RISC-V: the register is
  // satp (privileged spec 4.1.11: MODE 63:60, ASID 59:44, PPN 43:0); a write of another MODE has no effect.
  logic [63:0]        cr3_q /*verilator public_flat_rd*/, cr3_d;
  logic [PaBits-1:12] root;
  logic [PcidW-1:0]   pcid;
  logic               control, cr3_flush;
  logic [2:0]         cr3_flush_op;
  logic [PcidW-1:0]   cr3_flush_pcid;

  always_comb begin
    cr3_d = cr3_q;
    if (cr3_we_i) begin
      if (Riscv != 0) begin
        if (cr3_wdata_i[63:60] == SatpMode) begin
          cr3_d = cr3_wdata_i;
          if (PcidEn == 0) cr3_d[59:44] = '0;  // ASIDLEN = 0: the ASID bits read as zero
        end
      end else begin
        cr3_d = cr3_wdata_i;
        if (PcidEn != 0) cr3_d[63] = 1'b0;  // the no-flush bit is not stored
      end
    end
  end

  if (Riscv != 0) begin : g_satp
    assign root = cr3_q[PaBits-13:0];
    assign pcid = cr3_q[59:44];
    // Writing satp invalidates nothing (SFENCE.VMA does, on the flush port, privileged spec 4.2.1).
    assign cr3_flush      = 1'b0;
    assign cr3_flush_pcid = '0;
  end else begin : g_cr3
    assign root = cr3_q[PaBits-1:12];
    assign pcid = (PcidEn != 0) ? cr3_q[11:0] : 12'h000;
    // What a CR3 write invalidates: without PCIDs every non-global entry; with PCIDs, unless bit 63 is set, the
    // non-global entries of the new PCID. It applies after the flush of the same edge; both only clear entries.
    assign cr3_flush      = cr3_we_i && (PcidEn == 0 || !cr3_wdata_i[63]);
    assign cr3_flush_pcid = cr3_wdata_i[11:0];
  end
  assign control      = cr3_we_i || flush_valid_i;
  assign cr3_flush_op = (PcidEn != 0) ? mmu_arch_pkg::FlushPcid : mmu_arch_pkg::FlushNonGlobal;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) cr3_q <= '0;
    else cr3_q <= cr3_d;
  end

  // Only bits VaBits-1:12 of a flush address select pages. A flush_pcid wider than the entries' tags (bits 15:12 on
  // x86) names no entry: the flushes by PCID then invalidate nothing, as the model's comparison of 16 bits.
  logic             unused_flush_vaddr, flush_tlb, flush_pcid_wide;
  logic [PcidW-1:0] flush_pcid;
  assign unused_flush_vaddr = ^{flush_vaddr_i[63:VaBits], flush_vaddr_i[11:0]};
  assign flush_pcid         = flush_pcid_i[PcidW-1:0];
  if (PcidW < 16) begin : g_flush_pcid_wide
    assign flush_pcid_wide = flush_pcid_i[15:PcidW] != '0;
  end else begin : g_flush_pcid_fits
    assign flush_pcid_wide = 1'b0;
  end
  assign flush_tlb = flush_valid_i && !(flush_pcid_wide && (flush_op_i == mmu_arch_pkg::FlushPcid ||
                                                            flush_op_i == mmu_arch_pkg::FlushVaPcid));

  // W12: what the page-walk caches lose. Their entries are never global and a flush by address drops every entry
  // of its PCID whatever the address (SDM vol. 3A, 4.10.4.1): ALL, NONGLOBAL and VA_ALL (SFENCE.VMA by address in
  // every address space) empty them; PCID and VA_PCID drop flush_pcid's entries, VA the current PCID's. A CR3 write
  // drops what it drops in the TLBs (all without PCIDs, the new PCID's unless bit 63); writing satp drops nothing.
  logic             pwc_flush, pwc_flush_all, pwc_cr3_flush_all;
  logic [PcidW-1:0] pwc_flush_pcid;
  assign pwc_flush_all = flush_op_i == mmu_arch_pkg::FlushAll || flush_op_i == mmu_arch_pkg::FlushNonGlobal ||
                         flush_op_i == mmu_arch_pkg::FlushVaAll;
  assign pwc_flush     = flush_tlb && (pwc_flush_all || flush_op_i == mmu_arch_pkg::FlushPcid ||
                                       flush_op_i == mmu_arch_pkg::FlushVa ||
                                       flush_op_i == mmu_arch_pkg::FlushVaPcid);
  assign pwc_flush_pcid    = (flush_op_i == mmu_arch_pkg::FlushVa) ? pcid : flush_pcid;
  assign pwc_cr3_flush_all = PcidEn == 0;

  // ---------------------------------------------------------------------------------------------------------------
  // Request ports, index 0 = I, 1 = D
  logic [1:0]              lkp_en, lkp_drop, lkp_hit, lkp_writable, lkp_user, lkp_nx, lkp_dirty, lkp_readable;
  logic [1:0]              lkp_global;
  logic [2*LevelW-1:0]     lkp_level;
  logic [2*PaBits-1:0]     lkp_base;
  logic [2*VpnW-1:0]       lkp_vpn;
  logic [2*PcidW-1:0]      lkp_pcid;
  logic [1:0]              port_wait, port_rewalk, port_stale, grant, done;
  logic [2*VaBits-1:0]     ctx_vaddr;
  logic [2*2-1:0]          ctx_op;
  logic [1:0]              ctx_user;
  logic [2*PcidW-1:0]      ctx_pcid;
  logic [2*(PaBits-12)-1:0] ctx_root;
  logic [PaBits-1:0]       done_paddr;
  logic                    done_fault;
  logic [2:0]              done_cause;
  logic [4:0]              done_ecode;
  logic [1:0]              done_level;

  // The lookup returns every field; a port only uses the ones its checks need.
  logic unused_lkp;
  assign unused_lkp = ^{lkp_global, lkp_vpn, lkp_pcid};

  mmu_port #(
    .HitLatency(L1iHitLatency),
    .PaBits    (PaBits),
    .Mode      (Mode),
    .Sum       (Sum),
    .Mxr       (Mxr)
  ) u_port_i (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .req_valid_i   (ireq_valid_i),
    .req_vaddr_i   (ireq_vaddr_i),
    .req_op_i      (ireq_op_i),
    .req_user_i    (ireq_user_i),
    .req_tag_i     (ireq_tag_i),
    .req_ready_o   (ireq_ready_o),
    .resp_valid_o  (iresp_valid_o),
    .resp_tag_o    (iresp_tag_o),
    .resp_paddr_o  (iresp_paddr_o),
    .resp_fault_o  (iresp_fault_o),
    .resp_cause_o  (iresp_cause_o),
    .resp_ecode_o  (iresp_ecode_o),
    .resp_level_o  (iresp_level_o),
    .root_i        (root),
    .pcid_i        (pcid),
    .control_i     (control),
    .lkp_en_o      (lkp_en[0]),
    .lkp_drop_o    (lkp_drop[0]),
    .lkp_hit_i     (lkp_hit[0]),
    .lkp_level_i   (lkp_level[0+:LevelW]),
    .lkp_base_i    (lkp_base[0+:PaBits]),
    .lkp_writable_i(lkp_writable[0]),
    .lkp_user_i    (lkp_user[0]),
    .lkp_nx_i      (lkp_nx[0]),
    .lkp_dirty_i   (lkp_dirty[0]),
    .lkp_readable_i(lkp_readable[0]),
    .wait_o        (port_wait[0]),
    .rewalk_o      (port_rewalk[0]),
    .stale_o       (port_stale[0]),
    .ctx_vaddr_o   (ctx_vaddr[0+:VaBits]),
    .ctx_op_o      (ctx_op[0+:2]),
    .ctx_user_o    (ctx_user[0]),
    .ctx_pcid_o    (ctx_pcid[0+:PcidW]),
    .ctx_root_o    (ctx_root[0+:(PaBits-12)]),
    .grant_i       (grant[0]),
    .done_i        (done[0]),
    .done_paddr_i  (done_paddr),
    .done_fault_i  (done_fault),
    .done_cause_i  (done_cause),
    .done_ecode_i  (done_ecode),
    .done_level_i  (done_level)
  );

  mmu_port #(
    .HitLatency(L1dHitLatency),
    .PaBits    (PaBits),
    .Mode      (Mode),
    .Sum       (Sum),
    .Mxr       (Mxr)
  ) u_port_d (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .req_valid_i   (dreq_valid_i),
    .req_vaddr_i   (dreq_vaddr_i),
    .req_op_i      (dreq_op_i),
    .req_user_i    (dreq_user_i),
    .req_tag_i     (dreq_tag_i),
    .req_ready_o   (dreq_ready_o),
    .resp_valid_o  (dresp_valid_o),
    .resp_tag_o    (dresp_tag_o),
    .resp_paddr_o  (dresp_paddr_o),
    .resp_fault_o  (dresp_fault_o),
    .resp_cause_o  (dresp_cause_o),
    .resp_ecode_o  (dresp_ecode_o),
    .resp_level_o  (dresp_level_o),
    .root_i        (root),
    .pcid_i        (pcid),
    .control_i     (control),
    .lkp_en_o      (lkp_en[1]),
    .lkp_drop_o    (lkp_drop[1]),
    .lkp_hit_i     (lkp_hit[1]),
    .lkp_level_i   (lkp_level[LevelW+:LevelW]),
    .lkp_base_i    (lkp_base[PaBits+:PaBits]),
    .lkp_writable_i(lkp_writable[1]),
    .lkp_user_i    (lkp_user[1]),
    .lkp_nx_i      (lkp_nx[1]),
    .lkp_dirty_i   (lkp_dirty[1]),
    .lkp_readable_i(lkp_readable[1]),
    .wait_o        (port_wait[1]),
    .rewalk_o      (port_rewalk[1]),
    .stale_o       (port_stale[1]),
    .ctx_vaddr_o   (ctx_vaddr[VaBits+:VaBits]),
    .ctx_op_o      (ctx_op[2+:2]),
    .ctx_user_o    (ctx_user[1]),
    .ctx_pcid_o    (ctx_pcid[PcidW+:PcidW]),
    .ctx_root_o    (ctx_root[(PaBits-12)+:(PaBits-12)]),
    .grant_i       (grant[1]),
    .done_i        (done[1]),
    .done_paddr_i  (done_paddr),
    .done_fault_i  (done_fault),
    .done_cause_i  (done_cause),
    .done_ecode_i  (done_ecode),
    .done_level_i  (done_level)
  );

  // ---------------------------------------------------------------------------------------------------------------
  // Miss unit
  logic              l2_rd_en, l2_lkp_en, l2_lkp_drop, l2_hit, l2_global, l2_writable, l2_user, l2_nx, l2_dirty;
  logic              l2_readable;
  logic [VpnW-1:0]   l2_lkp_vpn, l2_vpn;
  logic [PcidW-1:0]  l2_lkp_pcid, l2_pcid;
  logic [LevelW-1:0] l2_level;
  logic [PaBits-1:0] l2_base;
  logic [1:0]        l1_fill;
  logic              l2_fill, fill_global, fill_writable, fill_user, fill_nx, fill_dirty, fill_readable;
  logic [VpnW-1:0]   fill_vpn;
  logic [LevelW-1:0] fill_level;
  logic [PaBits-1:0] fill_base;
  logic [PcidW-1:0]  fill_pcid;

  mmu_miss #(
    .HasL2       ((L2Entries > 0) ? 1 : 0),
    .L2HitLatency(L2HitLatency),
    .PaBits      (PaBits),
    .L2Sram      (L2Sram),
    .Mode        (Mode),
    .Sum         (Sum),
    .Mxr         (Mxr),
    .Svadu       (Svadu),
    .PwcL2Entries   (PwcL2Entries),
    .PwcL2Ways      (PwcL2Ways),
    .PwcL2Policy    (PwcL2Policy),
    .PwcL2HitLatency(PwcL2HitLatency),
    .LfsrSeedPwcL2  (LfsrSeedPwcL2),
    .PwcL3Entries   (PwcL3Entries),
    .PwcL3Ways      (PwcL3Ways),
    .PwcL3Policy    (PwcL3Policy),
    .PwcL3HitLatency(PwcL3HitLatency),
    .LfsrSeedPwcL3  (LfsrSeedPwcL3),
    .PwcL4Entries   (PwcL4Entries),
    .PwcL4Ways      (PwcL4Ways),
    .PwcL4Policy    (PwcL4Policy),
    .PwcL4HitLatency(PwcL4HitLatency),
    .LfsrSeedPwcL4  (LfsrSeedPwcL4),
    .PwcL5Entries   (PwcL5Entries),
    .PwcL5Ways      (PwcL5Ways),
    .PwcL5Policy    (PwcL5Policy),
    .PwcL5HitLatency(PwcL5HitLatency),
    .LfsrSeedPwcL5  (LfsrSeedPwcL5)
  ) u_miss (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .control_i       (control),
    .wait_i          (port_wait),
    .rewalk_i        (port_rewalk),
    .stale_i         (port_stale),
    .ctx_vaddr_i     (ctx_vaddr),
    .ctx_op_i        (ctx_op),
    .ctx_user_i      (ctx_user),
    .ctx_pcid_i      (ctx_pcid),
    .ctx_root_i      (ctx_root),
    .pwc_flush_i         (pwc_flush),
    .pwc_flush_all_i     (pwc_flush_all),
    .pwc_flush_pcid_i    (pwc_flush_pcid),
    .pwc_cr3_flush_i     (cr3_flush),
    .pwc_cr3_flush_all_i (pwc_cr3_flush_all),
    .pwc_cr3_flush_pcid_i(cr3_flush_pcid),
    .grant_o         (grant),
    .done_o          (done),
    .done_paddr_o    (done_paddr),
    .done_fault_o    (done_fault),
    .done_cause_o    (done_cause),
    .done_ecode_o    (done_ecode),
    .done_level_o    (done_level),
    .l2_rd_en_o      (l2_rd_en),
    .l2_lkp_en_o     (l2_lkp_en),
    .l2_lkp_drop_o   (l2_lkp_drop),
    .l2_lkp_vpn_o    (l2_lkp_vpn),
    .l2_lkp_pcid_o   (l2_lkp_pcid),
    .l2_hit_i        (l2_hit),
    .l2_vpn_i        (l2_vpn),
    .l2_level_i      (l2_level),
    .l2_base_i       (l2_base),
    .l2_pcid_i       (l2_pcid),
    .l2_global_i     (l2_global),
    .l2_writable_i   (l2_writable),
    .l2_user_i       (l2_user),
    .l2_nx_i         (l2_nx),
    .l2_dirty_i      (l2_dirty),
    .l2_readable_i   (l2_readable),
    .l1_fill_o       (l1_fill),
    .l2_fill_o       (l2_fill),
    .fill_vpn_o      (fill_vpn),
    .fill_level_o    (fill_level),
    .fill_base_o     (fill_base),
    .fill_pcid_o     (fill_pcid),
    .fill_global_o   (fill_global),
    .fill_writable_o (fill_writable),
    .fill_user_o     (fill_user),
    .fill_nx_o       (fill_nx),
    .fill_dirty_o    (fill_dirty),
    .fill_readable_o (fill_readable),
    .mem_req_valid_o (mem_req_valid_o),
    .mem_req_addr_o  (mem_req_addr_o),
    .mem_req_write_o (mem_req_write_o),
    .mem_req_wdata_o (mem_req_wdata_o),
    .mem_req_wstrb_o (mem_req_wstrb_o),
    .mem_req_cmp_o   (mem_req_cmp_o),
    .mem_req_ready_i (mem_req_ready_i),
    .mem_resp_valid_i(mem_resp_valid_i),
    .mem_resp_rdata_i(mem_resp_rdata_i)
  );

  // ---------------------------------------------------------------------------------------------------------------
  // TLBs
  mmu_tlb #(
    .Entries (L1iEntries),
    .Ways    (L1iWays),
    .Policy  (L1iPolicy),
    .LfsrSeed(LfsrSeedL1i),
    .PaBits  (PaBits),
    .Mode    (Mode)
  ) u_l1i (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .rd_en_i         (1'b0),
    .lkp_en_i        (lkp_en[0]),
    .lkp_drop_i      (lkp_drop[0]),
    .lkp_vpn_i       (ireq_vaddr_i[VaBits-1:12]),
    .lkp_pcid_i      (pcid),
    .lkp_hit_o       (lkp_hit[0]),
    .lkp_vpn_o       (lkp_vpn[0+:VpnW]),
    .lkp_level_o     (lkp_level[0+:LevelW]),
    .lkp_base_o      (lkp_base[0+:PaBits]),
    .lkp_pcid_o      (lkp_pcid[0+:PcidW]),
    .lkp_global_o    (lkp_global[0]),
    .lkp_writable_o  (lkp_writable[0]),
    .lkp_user_o      (lkp_user[0]),
    .lkp_nx_o        (lkp_nx[0]),
    .lkp_dirty_o     (lkp_dirty[0]),
    .lkp_readable_o  (lkp_readable[0]),
    .fill_i          (l1_fill[0]),
    .fill_vpn_i      (fill_vpn),
    .fill_level_i    (fill_level),
    .fill_base_i     (fill_base),
    .fill_pcid_i     (fill_pcid),
    .fill_global_i   (fill_global),
    .fill_writable_i (fill_writable),
    .fill_user_i     (fill_user),
    .fill_nx_i       (fill_nx),
    .fill_dirty_i    (fill_dirty),
    .fill_readable_i (fill_readable),
    .flush_i         (flush_tlb),
    .flush_op_i      (flush_op_i),
    .flush_vpn_i     (flush_vaddr_i[VaBits-1:12]),
    .flush_pcid_i    (flush_pcid),
    .flush_cur_pcid_i(pcid),
    .cr3_flush_i     (cr3_flush),
    .cr3_flush_op_i  (cr3_flush_op),
    .cr3_flush_pcid_i(cr3_flush_pcid)
  );

  mmu_tlb #(
    .Entries (L1dEntries),
    .Ways    (L1dWays),
    .Policy  (L1dPolicy),
    .LfsrSeed(LfsrSeedL1d),
    .PaBits  (PaBits),
    .Mode    (Mode)
  ) u_l1d (
    .clk_i           (clk_i),
    .rst_ni          (rst_ni),
    .rd_en_i         (1'b0),
    .lkp_en_i        (lkp_en[1]),
    .lkp_drop_i      (lkp_drop[1]),
    .lkp_vpn_i       (dreq_vaddr_i[VaBits-1:12]),
    .lkp_pcid_i      (pcid),
    .lkp_hit_o       (lkp_hit[1]),
    .lkp_vpn_o       (lkp_vpn[VpnW+:VpnW]),
    .lkp_level_o     (lkp_level[LevelW+:LevelW]),
    .lkp_base_o      (lkp_base[PaBits+:PaBits]),
    .lkp_pcid_o      (lkp_pcid[PcidW+:PcidW]),
    .lkp_global_o    (lkp_global[1]),
    .lkp_writable_o  (lkp_writable[1]),
    .lkp_user_o      (lkp_user[1]),
    .lkp_nx_o        (lkp_nx[1]),
    .lkp_dirty_o     (lkp_dirty[1]),
    .lkp_readable_o  (lkp_readable[1]),
    .fill_i          (l1_fill[1]),
    .fill_vpn_i      (fill_vpn),
    .fill_level_i    (fill_level),
    .fill_base_i     (fill_base),
    .fill_pcid_i     (fill_pcid),
    .fill_global_i   (fill_global),
    .fill_writable_i (fill_writable),
    .fill_user_i     (fill_user),
    .fill_nx_i       (fill_nx),
    .fill_dirty_i    (fill_dirty),
    .fill_readable_i (fill_readable),
    .flush_i         (flush_tlb),
    .flush_op_i      (flush_op_i),
    .flush_vpn_i     (flush_vaddr_i[VaBits-1:12]),
    .flush_pcid_i    (flush_pcid),
    .flush_cur_pcid_i(pcid),
    .cr3_flush_i     (cr3_flush),
    .cr3_flush_op_i  (cr3_flush_op),
    .cr3_flush_pcid_i(cr3_flush_pcid)
  );

  if (L2Entries > 0) begin : g_l2
    mmu_tlb #(
      .Entries (L2Entries),
      .Ways    (L2Ways),
      .Policy  (L2Policy),
      .LfsrSeed(LfsrSeedL2),
      .PaBits  (PaBits),
      .Mode    (Mode),
      .Sram    (L2Sram)
    ) u_l2 (
      .clk_i           (clk_i),
      .rst_ni          (rst_ni),
      .rd_en_i         (l2_rd_en),
      .lkp_en_i        (l2_lkp_en),
      .lkp_drop_i      (l2_lkp_drop),
      .lkp_vpn_i       (l2_lkp_vpn),
      .lkp_pcid_i      (l2_lkp_pcid),
      .lkp_hit_o       (l2_hit),
      .lkp_vpn_o       (l2_vpn),
      .lkp_level_o     (l2_level),
      .lkp_base_o      (l2_base),
      .lkp_pcid_o      (l2_pcid),
      .lkp_global_o    (l2_global),
      .lkp_writable_o  (l2_writable),
      .lkp_user_o      (l2_user),
      .lkp_nx_o        (l2_nx),
      .lkp_dirty_o     (l2_dirty),
      .lkp_readable_o  (l2_readable),
      .fill_i          (l2_fill),
      .fill_vpn_i      (fill_vpn),
      .fill_level_i    (fill_level),
      .fill_base_i     (fill_base),
      .fill_pcid_i     (fill_pcid),
      .fill_global_i   (fill_global),
      .fill_writable_i (fill_writable),
      .fill_user_i     (fill_user),
      .fill_nx_i       (fill_nx),
      .fill_dirty_i    (fill_dirty),
      .fill_readable_i (fill_readable),
      .flush_i         (flush_tlb),
      .flush_op_i      (flush_op_i),
      .flush_vpn_i     (flush_vaddr_i[VaBits-1:12]),
      .flush_pcid_i    (flush_pcid),
      .flush_cur_pcid_i(pcid),
      .cr3_flush_i     (cr3_flush),
      .cr3_flush_op_i  (cr3_flush_op),
      .cr3_flush_pcid_i(cr3_flush_pcid)
    );
  end else begin : g_no_l2
    assign l2_hit      = 1'b0;
    assign l2_vpn      = '0;
    assign l2_level    = '0;
    assign l2_base     = '0;
    assign l2_pcid     = '0;
    assign l2_global   = 1'b0;
    assign l2_writable = 1'b0;
    assign l2_user     = 1'b0;
    assign l2_nx       = 1'b0;
    assign l2_dirty    = 1'b0;
    assign l2_readable = 1'b0;
    logic unused_l2;
    assign unused_l2 = ^{l2_rd_en, l2_lkp_en, l2_lkp_drop, l2_lkp_vpn, l2_lkp_pcid, l2_fill};
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Properties (rtl/mmu_assert.sv), over the ports of the whole MMU
`ifndef MMU_ASSERT_OFF
  // T13 seen from outside: a flush or CR3 write presented from a request's acceptance to its response means that the
  // request's translation is filled into no TLB. Tracked here from the ports alone, apart from the ports' own flags.
  logic [1:0] req_accept, req_busy_q, overtaken_q;
  assign req_accept = {dreq_valid_i && dreq_ready_o, ireq_valid_i && ireq_ready_o};
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      req_busy_q  <= '0;
      overtaken_q <= '0;
    end else begin
      for (int p = 0; p < 2; p++) begin
        if (req_accept[p]) begin
          req_busy_q[p]  <= 1'b1;
          overtaken_q[p] <= control;
        end else begin
          if ((p == 0 ? iresp_valid_o : dresp_valid_o)) req_busy_q[p] <= 1'b0;
          if (req_busy_q[p] && control) overtaken_q[p] <= 1'b1;
        end
      end
    end
  end
  `MMU_ASSERT(TopNoFillAfterFlushI, !l1_fill[0] || !(overtaken_q[0] || control))
  `MMU_ASSERT(TopNoFillAfterFlushD, !l1_fill[1] || !(overtaken_q[1] || control))
  `MMU_ASSERT(TopNoL2FillAfterFlush, !l2_fill || !(|(l1_fill & overtaken_q) || control))
  `MMU_ASSERT(TopFillForBusyPort, (l1_fill & ~req_busy_q) == 2'b00)
`endif
  // The walker's memory port: one request at a time, so the memory sees reads and A/D writes strictly in turn.
  `MMU_ASSERT(TopWriteStrobeFull, !(mem_req_valid_o && mem_req_write_o) || mem_req_wstrb_o == 8'hff)
  `MMU_ASSERT(TopReadNoData, !(mem_req_valid_o && !mem_req_write_o) ||
                            (mem_req_wdata_o == '0 && mem_req_wstrb_o == '0 && mem_req_cmp_o == '0))
  `MMU_COVER(TopCr3WriteWhileBusy, cr3_we_i && (req_busy_q != 2'b00))
  `MMU_COVER(TopBothPortsAccept, req_accept == 2'b11)
  `MMU_COVER(TopBackPressure, mem_req_valid_o && !mem_req_ready_i)
  `MMU_COVER(TopBackPressureOnWrite, mem_req_valid_o && mem_req_write_o && !mem_req_ready_i)

`ifdef MMU_SIM
  initial begin
    assert (Levels != 0) else $error("mmu_top: Mode %0d is not a mode the RTL implements", Mode);
    assert ((Riscv != 0) ? (PaBits >= 34 && PaBits <= 56) : (PaBits >= 32 && PaBits <= 52))
    else $error("mmu_top: PaBits %0d is out of the mode's range", PaBits);
    assert (Sum == 0 || Sum == 1) else $error("mmu_top: Sum must be 0 or 1");
    assert (Mxr == 0 || Mxr == 1) else $error("mmu_top: Mxr must be 0 or 1");
    assert (Svadu == 0 || Svadu == 1) else $error("mmu_top: Svadu must be 0 or 1");
    assert (L1iHitLatency >= 1 && L1dHitLatency >= 1 && L2HitLatency >= 1) else $error("mmu_top: hit latency < 1");
    assert (PcidEn == 0 || PcidEn == 1) else $error("mmu_top: PcidEn must be 0 or 1");
    assert (PwcL2HitLatency >= 1 && PwcL3HitLatency >= 1 && PwcL4HitLatency >= 1 && PwcL5HitLatency >= 1)
    else $error("mmu_top: page-walk cache hit latency < 1");
  end
`endif

endmodule
