// One page-walk cache (docs/timing.md, W9-W12): the array of level-n table entries, the entries that point to a
// level n-1 table (x86-64: pwc.l4 the PML4E cache, pwc.l3 the PDPTE cache, pwc.l2 the PDE cache; Intel SDM vol. 3A,
// 4.10.3). It is the TLB array of one block size (rtl/mmu_tlb.sv, R1-R7): an entry is tagged by the virtual-address
// bits above level n's shift (TagW = VaBits - 12 - 9(n - 1)) and a PCID, and holds the frame of the next table and
// the rights accumulated from the root down to level n (W6). Entries are never global.
//
// - Lookup: combinational, qualified by lkp_en_i; at the edge a hit counts as a use (R1, R3).
// - Fill (R7): over the valid entry with the same tag and PCID, else the lowest invalid way (R4), else the policy's
//   victim; the random policy's LFSR steps at every fill (R5).
// - Invalidation (W12): two requests per edge (the flush of T12 and the one implied by a CR3 write, T11), each "all"
//   or "every entry of one PCID"; mmu_top maps the flush kinds to them. They apply after a fill of the same edge.
//
// The entry arrays (one per field, slot = set * Ways + way) are the state the co-simulation compares with the
// model's; only valid_q is reset.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_pwc #(
  parameter int Entries  = 4,
  parameter int Ways     = 4,
  parameter int Policy   = 0,  // mmu_policy_t: 0 LRU, 1 tree PLRU, 2 FIFO, 3 random
  parameter int LfsrSeed = 1,  // R5 with W12's salt: initial LFSR state
  parameter int PaBits   = 46,
  parameter int TagW     = 27,  // virtual-address bits above the level's shift
  parameter int PcidW    = 12,
  // Derived: do not override.
  parameter int Sets     = Entries / Ways,
  parameter int SetW     = (Sets > 1) ? $clog2(Sets) : 1,
  parameter int WayW     = (Ways > 1) ? $clog2(Ways) : 1,
  parameter int SlotW    = (Entries > 1) ? $clog2(Entries) : 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,

  input  logic               lkp_en_i,        // a walk starts now (W9): a hit counts as a use
  input  logic [TagW-1:0]    lkp_tag_i,
  input  logic [PcidW-1:0]   lkp_pcid_i,
  output logic               lkp_hit_o,
  output logic [PaBits-1:12] lkp_table_o,     // frame of the level n-1 table
  output logic               lkp_writable_o,  // rights accumulated down to level n (W6, W10)
  output logic               lkp_user_o,
  output logic               lkp_nx_o,

  input  logic               fill_i,          // W11
  input  logic [TagW-1:0]    fill_tag_i,
  input  logic [PcidW-1:0]   fill_pcid_i,
  input  logic [PaBits-1:12] fill_table_i,
  input  logic               fill_writable_i,
  input  logic               fill_user_i,
  input  logic               fill_nx_i,

  input  logic               flush_i,         // W12, from a flush (T12)
  input  logic               flush_all_i,     // every entry, else those of flush_pcid_i
  input  logic [PcidW-1:0]   flush_pcid_i,
  input  logic               cr3_flush_i,     // W12, from a CR3 write (T11)
  input  logic               cr3_flush_all_i,
  input  logic [PcidW-1:0]   cr3_flush_pcid_i
);

  localparam logic [SetW-1:0] SetMask = SetW'(Sets - 1);

  logic [Entries-1:0] valid_q /*verilator public_flat_rd*/;
  logic [TagW-1:0]    tag_q     [Entries] /*verilator public_flat_rd*/;
  logic [PcidW-1:0]   pcid_q    [Entries] /*verilator public_flat_rd*/;
  logic [PaBits-1:12] table_q   [Entries] /*verilator public_flat_rd*/;
  logic               writable_q[Entries] /*verilator public_flat_rd*/;
  logic               user_q    [Entries] /*verilator public_flat_rd*/;
  logic               nx_q      [Entries] /*verilator public_flat_rd*/;

  function automatic logic [SlotW-1:0] slot_of(input logic [SetW-1:0] set, input logic [WayW-1:0] way);
    slot_of = SlotW'(32'(set) * Ways + 32'(way));
  endfunction

  function automatic logic holds(input logic [SlotW-1:0] slot, input logic [TagW-1:0] tag,
                                 input logic [PcidW-1:0] pcid);
    holds = valid_q[slot] && tag_q[slot] == tag && pcid_q[slot] == pcid;
  endfunction

  // W12: whether an entry of `pcid` goes at this edge.
  function automatic logic flushes(input logic [PcidW-1:0] pcid);
    flushes = (flush_i && (flush_all_i || pcid == flush_pcid_i)) ||
              (cr3_flush_i && (cr3_flush_all_i || pcid == cr3_flush_pcid_i));
  endfunction

  // ---------------------------------------------------------------------------------------------------------------
  // Lookup
  logic [SetW-1:0]  lkp_set;
  logic [Ways-1:0]  lkp_match;
  logic [WayW-1:0]  hit_way;
  logic [SlotW-1:0] hit_slot;

  assign lkp_set = SetW'(lkp_tag_i) & SetMask;

  always_comb begin
    logic [Ways-1:0] m;
    m = '0;
    if (lkp_en_i) begin
      for (int w = 0; w < Ways; w++) m[w] = holds(slot_of(lkp_set, WayW'(w)), lkp_tag_i, lkp_pcid_i);
    end
    lkp_match = m;
  end

  mmu_prio_enc #(
    .Width(Ways)
  ) u_hit_way (
    .req_i  (lkp_match),
    .valid_o(lkp_hit_o),
    .idx_o  (hit_way)
  );

  assign hit_slot       = slot_of(lkp_set, hit_way);
  assign lkp_table_o    = table_q[hit_slot];
  assign lkp_writable_o = writable_q[hit_slot];
  assign lkp_user_o     = user_q[hit_slot];
  assign lkp_nx_o       = nx_q[hit_slot];

  // ---------------------------------------------------------------------------------------------------------------
  // Fill: R7 in place, else R4 first invalid way, else the policy's victim
  logic [SetW-1:0]  fill_set;
  logic [Ways-1:0]  fill_match, fill_free;
  /* verilator lint_off UNUSEDSIGNAL */
  logic             match_any, to_victim;  // what the fill chose: read by the cover points
  /* verilator lint_on UNUSEDSIGNAL */
  logic [WayW-1:0]  fill_way;
  logic [SlotW-1:0] fill_slot;

  assign fill_set = SetW'(fill_tag_i) & SetMask;

  always_comb begin
    logic [Ways-1:0]  same, free;
    logic [SlotW-1:0] slot;
    same = '0;
    free = '0;
    slot = '0;
    if (fill_i) begin
      for (int w = 0; w < Ways; w++) begin
        slot    = slot_of(fill_set, WayW'(w));
        same[w] = holds(slot, fill_tag_i, fill_pcid_i);
        free[w] = !valid_q[slot];
      end
    end
    fill_match = same;
    fill_free  = free;
  end

  mmu_repl #(
    .Sets    (Sets),
    .Ways    (Ways),
    .Policy  (Policy),
    .LfsrSeed(LfsrSeed)
  ) u_repl (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .use_i          (lkp_en_i && lkp_hit_o),
    .use_set_i      (lkp_set),
    .use_way_i      (hit_way),
    .fill_i         (fill_i),
    .fill_set_i     (fill_set),
    .fill_copy_i    (fill_match),
    .fill_free_i    (fill_free),
    .fill_way_o     (fill_way),
    .fill_in_place_o(match_any),
    .fill_victim_o  (to_victim)
  );

  assign fill_slot = slot_of(fill_set, fill_way);

  // ---------------------------------------------------------------------------------------------------------------
  // Valid bits: fill (R7), then the invalidations (W12), which also judge the entry filled at the same edge.
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      valid_q <= '0;
    end else begin
      if (flush_i || cr3_flush_i) begin
        for (int i = 0; i < Entries; i++) begin
          if (flushes(pcid_q[i])) valid_q[i] <= 1'b0;
        end
      end
      if (fill_i) begin
        for (int w = 0; w < Ways; w++) begin
          if (fill_match[w]) valid_q[slot_of(fill_set, WayW'(w))] <= 1'b0;
        end
        valid_q[fill_slot] <= !flushes(fill_pcid_i);
      end
    end
  end

  always_ff @(posedge clk_i) begin
    if (fill_i) begin
      tag_q[fill_slot]      <= fill_tag_i;
      pcid_q[fill_slot]     <= fill_pcid_i;
      table_q[fill_slot]    <= fill_table_i;
      writable_q[fill_slot] <= fill_writable_i;
      user_q[fill_slot]     <= fill_user_i;
      nx_q[fill_slot]       <= fill_nx_i;
    end
  end

`ifdef MMU_SIM
  initial begin
    assert (Entries >= 1 && Ways >= 1 && Entries % Ways == 0 && (Sets & (Sets - 1)) == 0)
    else $error("mmu_pwc: %0d entries in %0d ways is not a power-of-two number of sets", Entries, Ways);
    assert (Policy >= 0 && Policy <= 3) else $error("mmu_pwc: policy %0d is not 0..3", Policy);
    assert (Policy != 1 || (Ways & (Ways - 1)) == 0) else $error("mmu_pwc: PLRU needs a power-of-two number of ways");
  end
`endif

  // ---------------------------------------------------------------------------------------------------------------
  // Properties (rtl/mmu_assert.sv)
  // R7: no two valid entries of a set hold the same tag and PCID, so a lookup matches at most one way.
  `MMU_ASSERT(PwcOneMatch, $onehot0(lkp_match))
  // W9, W11: the caches are looked up only at the start of a walk and filled only at its end, never at one edge.
  `MMU_ASSERT(PwcNoFillWithLookup, !(fill_i && lkp_en_i))
  // A hit is a lookup's: without a walk starting, no hit is reported.
  `MMU_ASSERT(PwcHitOnlyInLookup, !lkp_hit_o || lkp_en_i)
`ifndef MMU_ASSERT_OFF
  // R7 after every fill, over the filled set at the following edge: no duplicate of tag and PCID.
  function automatic logic set_has_duplicate(input logic check, input logic [SetW-1:0] set);
    logic [SlotW-1:0] a, b;
    set_has_duplicate = 1'b0;
    if (check) begin
      for (int i = 0; i < Ways; i++) begin
        for (int j = i + 1; j < Ways; j++) begin
          a = slot_of(set, WayW'(i));
          b = slot_of(set, WayW'(j));
          if (valid_q[a] && valid_q[b] && tag_q[a] == tag_q[b] && pcid_q[a] == pcid_q[b])
            set_has_duplicate = 1'b1;
        end
      end
    end
  endfunction

  // W12: an invalidation of everything leaves nothing valid.
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
      filled_q      <= fill_i;
      filled_set_q  <= fill_set;
      flushed_all_q <= (flush_i && flush_all_i) || (cr3_flush_i && cr3_flush_all_i);
      duplicate_q   <= set_has_duplicate(filled_q, filled_set_q);
      if (flushed_all_q) left_after_flush_q <= valid_q != '0;
      else left_after_flush_q <= 1'b0;
    end
  end
  `MMU_ASSERT(PwcNoDuplicateAfterFill, !duplicate_q)
  `MMU_ASSERT(PwcFlushAllEmpties, !left_after_flush_q)
`endif
  `MMU_COVER(PwcHit, lkp_en_i && lkp_hit_o)
  `MMU_COVER(PwcFillInPlace, fill_i && match_any)
  `MMU_COVER(PwcFillVictim, fill_i && to_victim)

endmodule
