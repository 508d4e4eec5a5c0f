// Set-associative TLB of translations (docs/timing.md, "TLB organisation", R1-R7). One array holds the entries of
// every page size of the mode (x86-64: 4 KiB, 2 MiB, 1 GiB; RISC-V: a leaf at any level, up to the 128 TiB petapage
// of Sv57); an entry of leaf level n has VPN = vaddr[VaBits-1:12+9(n-1)] and lives in set VPN mod Sets. L1 I, L1 D
// and L2 are instances of this module.
//
// - Lookup: combinational. One set per page size is probed in parallel; the smallest size wins, then the
//   lowest way (R6). At the edge, with lkp_en_i, a hit counts as a use (R1, R3) and with lkp_drop_i the hit entry is
//   invalidated (T8). The hit is qualified by lkp_en_i: without a lookup the outputs say no hit.
// - Fill (R7): over a valid entry of the same size and VPN that would match the new one (same PCID, or either
//   global), the lowest such way, dropping the others; else the lowest invalid way (R4); else the policy's victim.
// - Flush: two invalidation requests per edge (the flush of T12 and the one implied by a CR3 write, T11), each
//   evaluated on every entry in parallel, VA kinds at the entry's own page size. They apply after a fill of the
//   same edge, as in the model.
//
// The entry arrays (one per field, slot = set * Ways + way) are the architectural state the co-simulation compares
// with the model (valid_q a packed vector, bit = slot). Only valid_q is reset and cleared by invalidations: the
// other fields of an invalid entry are don't-care (the model zeroes them).
//
// Storage. The frames (base_q) can be a synchronous-read memory (SyncBase, the L2 TLB whenever H2 >= 2): nothing
// at the lookup edge needs them. The other fields stay flip-flops read without a clock, because the contract needs
// them at the edge of the cycle in which they are asked for: the lookup's hit way updates the replacement state and
// a faulting hit is invalidated at the lookup edge (T6, T8: tags and permissions), a fill's search for duplicates
// (R7) and free ways (R4) happens at the fill edge, and a flush of kind PCID, VA or VA_PCID (T12, T11) compares
// every entry's PCID, size and VPN at the edge of its own cycle. Moving them into memories read at an edge needs the
// contract to give those steps a cycle (lookup side effects one edge later, a fill's set read before it is written,
// flushes of those kinds applied over the following cycles with the miss unit held off meanwhile).
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_tlb #(
  parameter int Entries  = 64,
  parameter int Ways     = 4,
  parameter int Policy   = 0,  // mmu_policy_t: 0 LRU, 1 tree PLRU, 2 FIFO, 3 random
  parameter int LfsrSeed = 1,  // R5: initial LFSR state (random policy)
  parameter int PaBits   = 46,
  parameter int Mode     = 0,  // paging.mode (mmu_top)
  // 1: base_q is a memory with a synchronous read port: lkp_base_o is the hit entry's frame from the lookup edge
  // on (held until the next lookup), not during the lookup cycle. For an L2 TLB whose hit latency is 2 or more.
  parameter int SyncBase = 0,
  // Derived: do not override.
  parameter int Sets     = Entries / Ways,
  parameter int SetW     = (Sets > 1) ? $clog2(Sets) : 1,
  parameter int WayW     = (Ways > 1) ? $clog2(Ways) : 1,
  parameter int SlotW    = (Entries > 1) ? $clog2(Entries) : 1,
  parameter int Sizes    = 32'(mmu_arch_pkg::ModeLeafLevels[Mode*8+:8]),  // page sizes: leaf levels 1..Sizes
  parameter int VpnW     = 9 * 32'(mmu_arch_pkg::ModeLevels[Mode*8+:8]),  // VaBits - 12
  parameter int LevelW   = (Sizes > 3) ? 3 : 2,
  parameter int PcidW    = (mmu_arch_pkg::ModeRiscv[Mode*8+:8] != 0) ? 16 : 12
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              lkp_en_i,         // a request looks up now: a hit counts as a use
  input  logic              lkp_drop_i,       // ... and the hit entry is invalidated (T8)
  input  logic [VpnW-1:0]   lkp_vpn_i,        // vaddr[VaBits-1:12]
  input  logic [PcidW-1:0]  lkp_pcid_i,
  output logic              lkp_hit_o,
  output logic [VpnW-1:0]   lkp_vpn_o,
  output logic [LevelW-1:0] lkp_level_o,
  output logic [PaBits-1:0] lkp_base_o,
  output logic [PcidW-1:0]  lkp_pcid_o,
  output logic              lkp_global_o,
  output logic              lkp_writable_o,
  output logic              lkp_user_o,
  output logic              lkp_nx_o,
  output logic              lkp_dirty_o,
  output logic              lkp_readable_o,   // RISC-V R (1 on x86, where every page is readable)

  input  logic              fill_i,
  input  logic [VpnW-1:0]   fill_vpn_i,       // VPN at the entry's own page size
  input  logic [LevelW-1:0] fill_level_i,
  input  logic [PaBits-1:0] fill_base_i,
  input  logic [PcidW-1:0]  fill_pcid_i,
  input  logic              fill_global_i,
  input  logic              fill_writable_i,
  input  logic              fill_user_i,
  input  logic              fill_nx_i,
  input  logic              fill_dirty_i,
  input  logic              fill_readable_i,

  input  logic              flush_i,          // T12
  input  logic [2:0]        flush_op_i,       // mmu_flush_op_t
  input  logic [VpnW-1:0]   flush_vpn_i,      // flush_vaddr[VaBits-1:12]
  input  logic [PcidW-1:0]  flush_pcid_i,
  input  logic [PcidW-1:0]  flush_cur_pcid_i, // PCID of CR3 during the cycle (kind VA)
  input  logic              cr3_flush_i,      // T11
  input  logic [2:0]        cr3_flush_op_i,   // NONGLOBAL or PCID
  input  logic [PcidW-1:0]  cr3_flush_pcid_i
);

  localparam logic [SetW-1:0] SetMask = SetW'(Sets - 1);

  // valid_q is a packed vector (bit = slot); the other fields are unpacked arrays written one slot per fill.
  logic [Entries-1:0] valid_q /*verilator public_flat_rd*/;
  logic [VpnW-1:0]    vpn_q     [Entries] /*verilator public_flat_rd*/;
  logic [LevelW-1:0]  level_q   [Entries] /*verilator public_flat_rd*/;
  logic [PaBits-1:0]  base_q    [Entries] /*verilator public_flat_rd*/;
  logic [PcidW-1:0]   pcid_q    [Entries] /*verilator public_flat_rd*/;
  logic               global_q  [Entries] /*verilator public_flat_rd*/;
  logic               writable_q[Entries] /*verilator public_flat_rd*/;
  logic               user_q    [Entries] /*verilator public_flat_rd*/;
  logic               nx_q      [Entries] /*verilator public_flat_rd*/;
  logic               dirty_q   [Entries] /*verilator public_flat_rd*/;
  logic               readable_q[Entries] /*verilator public_flat_rd*/;

  function automatic logic [SlotW-1:0] slot_of(input logic [SetW-1:0] set, input logic [WayW-1:0] way);
    slot_of = SlotW'(32'(set) * Ways + 32'(way));
  endfunction

  // The VPN of vaddr[VaBits-1:12] at the page size of leaf level `level`.
  function automatic logic [VpnW-1:0] vpn_at(input logic [VpnW-1:0] vpn4k, input logic [LevelW-1:0] level);
    vpn_at = vpn4k >> (9 * (32'(level) - 1));
  endfunction

  // Whether slot holds a valid entry of leaf level `level` for `vpn` that `pcid` may use: its own PCID, or either
  // side global (a global entry serves every PCID; a global fill replaces the entry of any PCID, R7).
  function automatic logic holds(input logic [SlotW-1:0] slot, input logic [LevelW-1:0] level,
                                 input logic [VpnW-1:0] vpn, input logic [PcidW-1:0] pcid, input logic glob);
    holds = valid_q[slot] && level_q[slot] == level && vpn_q[slot] == vpn &&
            (global_q[slot] || glob || pcid_q[slot] == pcid);
  endfunction

  // T12 table; a CR3 write uses kinds 1 and 2.
  function automatic logic flush_hit(input logic [2:0] op, input logic [LevelW-1:0] level,
                                     input logic [VpnW-1:0] vpn, input logic glob, input logic [PcidW-1:0] pcid,
                                     input logic [VpnW-1:0] flush_vpn, input logic [PcidW-1:0] flush_pcid,
                                     input logic [PcidW-1:0] cur_pcid);
    logic va_match;
    va_match = vpn == vpn_at(flush_vpn, level);
    unique case (op)
      mmu_arch_pkg::FlushAll: flush_hit = 1'b1;
      mmu_arch_pkg::FlushNonGlobal: flush_hit = !glob;
      mmu_arch_pkg::FlushPcid: flush_hit = !glob && pcid == flush_pcid;
      mmu_arch_pkg::FlushVa: flush_hit = va_match && (glob || pcid == cur_pcid);
      mmu_arch_pkg::FlushVaPcid: flush_hit = va_match && !glob && pcid == flush_pcid;
      mmu_arch_pkg::FlushVaAll: flush_hit = va_match;
      default: flush_hit = 1'b0;
    endcase
  endfunction

  // ---------------------------------------------------------------------------------------------------------------
  // Lookup: one probe per page size (R6)
  logic [Sizes-1:0]      probe_any;
  logic [Sizes*SetW-1:0] probe_set;
  logic [Sizes*WayW-1:0] probe_way;
`ifndef MMU_ASSERT_OFF
  logic [Sizes-1:0]      probe_single;  // at most one way matches, per page size (R7, for the property below)
`endif

  for (genvar s = 0; s < Sizes; s++) begin : g_probe
    logic [VpnW-1:0] vpn;
    logic [SetW-1:0] set;
    logic [Ways-1:0] match;
    logic [WayW-1:0] way;
    logic            any;

    assign vpn = vpn_at(lkp_vpn_i, LevelW'(s + 1));
    assign set = SetW'(vpn) & SetMask;

    // The ways are compared only while a request looks up (the hit is qualified by lkp_en_i), so a simulator skips
    // the comparators on the many cycles without a lookup. The block-local vector matters: Icarus 11 re-runs an
    // always_comb that writes single bits of a module-level vector forever.
    always_comb begin
      logic [Ways-1:0]  m;
      logic [SlotW-1:0] slot;
      m    = '0;
      slot = '0;
      if (lkp_en_i) begin
        for (int w = 0; w < Ways; w++) begin
          slot = slot_of(set, WayW'(w));
          m[w] = holds(slot, LevelW'(s + 1), vpn, lkp_pcid_i, 1'b0);
        end
      end
      match = m;
    end

    mmu_prio_enc #(
      .Width(Ways)
    ) u_way (
      .req_i  (match),
      .valid_o(any),
      .idx_o  (way)
    );

    assign probe_any[s]               = any;
`ifndef MMU_ASSERT_OFF
    assign probe_single[s]            = $onehot0(match);
`endif
    assign probe_set[s*SetW+:SetW]    = set;
    assign probe_way[s*WayW+:WayW]    = way;
  end

  logic [SetW-1:0]  hit_set;
  logic [WayW-1:0]  hit_way;
  logic [SlotW-1:0] hit_slot;

  // R6: the smallest page size that matches (the loop runs from the largest, a later match wins).
  always_comb begin
    hit_set = probe_set[(Sizes-1)*SetW+:SetW];
    hit_way = probe_way[(Sizes-1)*WayW+:WayW];
    for (int k = Sizes - 2; k >= 0; k--) begin
      if (probe_any[k]) begin
        hit_set = probe_set[k*SetW+:SetW];
        hit_way = probe_way[k*WayW+:WayW];
      end
    end
  end

  assign hit_slot       = slot_of(hit_set, hit_way);
  assign lkp_hit_o      = |probe_any;
  assign lkp_vpn_o      = vpn_q[hit_slot];
  assign lkp_level_o    = level_q[hit_slot];
  assign lkp_pcid_o     = pcid_q[hit_slot];
  assign lkp_global_o   = global_q[hit_slot];
  assign lkp_writable_o = writable_q[hit_slot];
  assign lkp_user_o     = user_q[hit_slot];
  assign lkp_nx_o       = nx_q[hit_slot];
  assign lkp_dirty_o    = dirty_q[hit_slot];
  assign lkp_readable_o = readable_q[hit_slot];

  // ---------------------------------------------------------------------------------------------------------------
  // Fill: R7 in place, else R4 first invalid way, else the policy's victim
  logic [SetW-1:0]  fill_set;
  logic [Ways-1:0]  fill_match, fill_free;
  logic             match_any, free_any;
  logic [WayW-1:0]  match_way, free_way, victim_way, fill_way;
  logic [SlotW-1:0] fill_slot;

  assign fill_set = SetW'(fill_vpn_i) & SetMask;

  // Searched only at a fill, for the same reasons as the probes.
  always_comb begin
    logic [Ways-1:0]  same, free;
    logic [SlotW-1:0] slot;
    same = '0;
    free = '0;
    slot = '0;
    if (fill_i) begin
      for (int w = 0; w < Ways; w++) begin
        slot    = slot_of(fill_set, WayW'(w));
        same[w] = holds(slot, fill_level_i, fill_vpn_i, fill_pcid_i, fill_global_i);
        free[w] = !valid_q[slot];
      end
    end
    fill_match = same;
    fill_free  = free;
  end

  mmu_prio_enc #(
    .Width(Ways)
  ) u_fill_match (
    .req_i  (fill_match),
    .valid_o(match_any),
    .idx_o  (match_way)
  );

  mmu_prio_enc #(
    .Width(Ways)
  ) u_fill_free (
    .req_i  (fill_free),
    .valid_o(free_any),
    .idx_o  (free_way)
  );

  always_comb begin
    fill_way = victim_way;
    if (match_any) fill_way = match_way;
    else if (free_any) fill_way = free_way;
  end

  assign fill_slot = slot_of(fill_set, fill_way);

  // ---------------------------------------------------------------------------------------------------------------
  // Replacement state (R1-R5): a hit and a fill are uses; only a full set consults the victim
  if (Policy == 0 || Policy == 1) begin : g_use
    logic             touch;
    logic [SetW-1:0]  touch_set;
    logic [WayW-1:0]  touch_way;

    assign touch     = (lkp_en_i && lkp_hit_o) || fill_i;
    assign touch_set = fill_i ? fill_set : hit_set;
    assign touch_way = fill_i ? fill_way : hit_way;

    if (Policy == 0) begin : g_lru
      mmu_repl_lru #(
        .Sets(Sets),
        .Ways(Ways)
      ) u_repl (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .touch_i     (touch),
        .touch_set_i (touch_set),
        .touch_way_i (touch_way),
        .victim_set_i(fill_set),
        .victim_way_o(victim_way)
      );
    end else begin : g_plru
      mmu_repl_plru #(
        .Sets(Sets),
        .Ways(Ways)
      ) u_repl (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .touch_i     (touch),
        .touch_set_i (touch_set),
        .touch_way_i (touch_way),
        .victim_set_i(fill_set),
        .victim_way_o(victim_way)
      );
    end
  end else if (Policy == 2) begin : g_fifo
    logic alloc;

    assign alloc = fill_i && !match_any;  // R2: an in-place rewrite (R7) allocates nothing

    mmu_repl_fifo #(
      .Sets(Sets),
      .Ways(Ways)
    ) u_repl (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .alloc_i     (alloc),
      .alloc_set_i (fill_set),
      .alloc_way_i (fill_way),
      .victim_set_i(fill_set),
      .victim_way_o(victim_way)
    );
  end else begin : g_random
    logic [15:0] lfsr;

    mmu_lfsr16 #(
      .Seed(LfsrSeed)
    ) u_lfsr (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .step_i (fill_i),  // R5: every fill steps, in place or not (no path from the set's comparators)
      .state_o(lfsr)
    );

    assign victim_way = WayW'(32'(lfsr) % Ways);  // R5: the state before this fill's step
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Valid bits, updated at the edge with the model's result: lookup invalidation (T8), fill (R7), then flushes (T12,
  // T11). Only the filled slot is ever set, so the flushes clear the old entries first and the filled slot gets the
  // verdict of the flushes on the new entry (a later write to a bit wins). Written in the clocked block rather than
  // as a next-state vector: the per-entry flush comparators and the fill's invalidations are then evaluated only at
  // an edge that needs them, and no vector of all the valid bits is copied in every evaluation.
  function automatic logic flushes(input logic [LevelW-1:0] level, input logic [VpnW-1:0] vpn, input logic glob,
                                   input logic [PcidW-1:0] pcid);
    flushes =
        (flush_i && flush_hit(flush_op_i, level, vpn, glob, pcid, flush_vpn_i, flush_pcid_i, flush_cur_pcid_i)) ||
        (cr3_flush_i && flush_hit(cr3_flush_op_i, level, vpn, glob, pcid, flush_vpn_i, cr3_flush_pcid_i,
                                  flush_cur_pcid_i));
  endfunction

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      if (flush_i || cr3_flush_i) begin
        for (int i = 0; i < Entries; i++) begin
          if (flushes(level_q[i], vpn_q[i], global_q[i], pcid_q[i])) valid_q[i] <= 1'b0;
        end
      end
      if (lkp_en_i && lkp_drop_i && lkp_hit_o) valid_q[hit_slot] <= 1'b0;
      if (fill_i) begin
        for (int w = 0; w < Ways; w++) begin
          if (fill_match[w]) valid_q[slot_of(fill_set, WayW'(w))] <= 1'b0;  // R7: no duplicate survives
        end
        valid_q[fill_slot] <= !flushes(fill_level_i, fill_vpn_i, fill_global_i, fill_pcid_i);
      end
    end
  end

  // Entry fields are written like a RAM, one slot per fill; valid_q says which slots hold an entry.
  always_ff @(posedge clk_i) begin
    if (fill_i) begin
      vpn_q[fill_slot]      <= fill_vpn_i;
      level_q[fill_slot]    <= fill_level_i;
      pcid_q[fill_slot]     <= fill_pcid_i;
      global_q[fill_slot]   <= fill_global_i;
      writable_q[fill_slot] <= fill_writable_i;
      user_q[fill_slot]     <= fill_user_i;
      nx_q[fill_slot]       <= fill_nx_i;
      dirty_q[fill_slot]    <= fill_dirty_i;
      readable_q[fill_slot] <= fill_readable_i;
    end
  end

  // The frames: the widest field and the one a lookup needs last (it forms the physical address, not the hit, the
  // replacement update or the T8 verdict). As a synchronous memory (SyncBase) it is one write port (the fill) and one
  // read port (the hit slot at the lookup edge): Yosys infers a $mem with a clocked read port, an SRAM macro's shape.
  // A fill never shares an edge with a lookup (TlbNoFillWithLookup), so the read needs no bypass.
  always_ff @(posedge clk_i) begin
    if (fill_i) base_q[fill_slot] <= fill_base_i;
  end

  if (SyncBase != 0) begin : g_sync_base
    logic [PaBits-1:0] base_rd_q;
    always_ff @(posedge clk_i) begin
      if (lkp_en_i) base_rd_q <= base_q[hit_slot];
    end
    assign lkp_base_o = base_rd_q;
  end else begin : g_comb_base
    assign lkp_base_o = base_q[hit_slot];
  end

`ifdef MMU_SIM
  // The geometry the model accepts (mmu_tlb_create): sets a power of two, PLRU ways a power of two.
  initial begin
    assert (Entries >= 1 && Ways >= 1 && Entries % Ways == 0 && (Sets & (Sets - 1)) == 0)
    else $error("mmu_tlb: %0d entries in %0d ways is not a power-of-two number of sets", Entries, Ways);
    assert (Policy >= 0 && Policy <= 3) else $error("mmu_tlb: policy %0d is not 0..3", Policy);
    assert (Policy != 1 || (Ways & (Ways - 1)) == 0) else $error("mmu_tlb: PLRU needs a power-of-two number of ways");
  end
`endif

  // ---------------------------------------------------------------------------------------------------------------
  // Properties (rtl/mmu_assert.sv)
  // R7 keeps at most one entry of a page size matching any lookup.
  `MMU_ASSERT(TlbOneMatchPerSize, !lkp_en_i || &probe_single)
  // The miss unit never fills a TLB at the edge at which a request looks it up; a fill is of a leaf level whose VPN
  // fits the page size.
  `MMU_ASSERT(TlbNoFillWithLookup, !(fill_i && lkp_en_i))
  // (Where the level field holds no value above Sizes, the bound is always true: Verilator's CMPCONST.)
  /* verilator lint_off CMPCONST */
  `MMU_ASSERT(TlbFillInRange, !fill_i || (fill_level_i != '0 && 32'(fill_level_i) <= Sizes &&
                                          (fill_vpn_i >> (VpnW - 9 * (32'(fill_level_i) - 1))) == '0))
  /* verilator lint_on CMPCONST */
`ifndef MMU_ASSERT_OFF
  // R7 after every fill: no two valid entries of the filled set hold the same page for one PCID (same size and VPN,
  // and the same PCID or either global). Checked over the filled set only, at the edge after the fill, so the check
  // costs nothing in the many cycles without a fill.
  // The comparisons sit inside `if (check)`, not behind a branch around the call: Verilator evaluates a function
  // called from either side of a branch before taking it.
  function automatic logic set_has_duplicate(input logic check, input logic [SetW-1:0] set);
    logic [SlotW-1:0] a, b;
    set_has_duplicate = 1'b0;
    if (check) begin
      for (int i = 0; i < Ways; i++) begin
        for (int j = i + 1; j < Ways; j++) begin
          a = slot_of(set, WayW'(i));
          b = slot_of(set, WayW'(j));
          if (valid_q[a] && valid_q[b] && level_q[a] == level_q[b] && vpn_q[a] == vpn_q[b] &&
              (global_q[a] || global_q[b] || pcid_q[a] == pcid_q[b]))
            set_has_duplicate = 1'b1;
        end
      end
    end
  endfunction

  // T12: a flush of everything leaves nothing valid, whatever was filled at the same edge. Like the check above, the
  // verdict is formed in the clocked block and only a bit reaches the property (no copy of the valid bits per cycle).
  logic            filled_q, duplicate_q, flushed_all_q, left_after_flush_q;
  logic [SetW-1:0] filled_set_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      filled_q           <= 1'b0;
      filled_set_q       <= '0;
      duplicate_q        <= 1'b0;
      flushed_all_q      <= 1'b0;
      left_after_flush_q <= 1'b0;
    end else begin
      filled_q           <= fill_i;
      filled_set_q       <= fill_set;
      flushed_all_q      <= flush_i && flush_op_i == mmu_arch_pkg::FlushAll;
      duplicate_q        <= set_has_duplicate(filled_q, filled_set_q);
      if (flushed_all_q) left_after_flush_q <= valid_q != '0;
      else left_after_flush_q <= 1'b0;
    end
  end
  `MMU_ASSERT(TlbNoDuplicateAfterFill, !duplicate_q)
  `MMU_ASSERT(TlbFlushAllEmpties, !left_after_flush_q)
`endif
  `MMU_COVER(TlbFill4K, fill_i && fill_level_i == LevelW'(1))
  `MMU_COVER(TlbFill2M, fill_i && fill_level_i == LevelW'(2))
  `MMU_COVER(TlbFill1G, fill_i && fill_level_i == LevelW'(3))
  `MMU_COVER(TlbFillInPlace, fill_i && match_any)
  `MMU_COVER(TlbFillVictim, fill_i && !match_any && !free_any)
  `MMU_COVER(TlbTwoSizesMatch, lkp_en_i && !$onehot0(probe_any))

endmodule
