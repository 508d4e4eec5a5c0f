// Set-associative TLB of translations (docs/timing.md, "TLB organisation", R1-R7). One array holds the entries of
// every page size of the mode (x86-64: 4 KiB, 2 MiB, 1 GiB; RISC-V: a leaf at any level, up to the 128 TiB petapage
// of Sv57); an entry of leaf level n has VPN = vaddr[VaBits-1:12+9(n-1)] and lives in set VPN mod Sets. L1 I, L1 D
// and L2 are instances of this module, in one of two storage forms.
//
// Flip-flops (Sram = 0; the L1 TLBs, and an L2 looked up in one cycle):
// - Lookup: combinational. One set per page size is probed in parallel; the smallest size wins, then the
//   lowest way (R6). At the edge, with lkp_en_i, a hit counts as a use (R1, R3) and with lkp_drop_i the hit entry is
//   invalidated (T8). The hit is qualified by lkp_en_i: without a lookup the outputs say no hit.
// - Fill (R7): over a valid entry of the same size and VPN that would match the new one (same PCID, or either
//   global), the lowest such way, dropping the others; else the lowest invalid way (R4); else the policy's victim.
// - Flush: two invalidation requests per edge (the flush of T12 and the one implied by a CR3 write, T11), each
//   evaluated on every entry in parallel, VA kinds at the entry's own page size. They apply after a fill of the
//   same edge, as in the model.
//
// Synchronous-read memories (Sram = 1; an L2 whose hit latency is 2 or more, docs/timing.md "L2 TLB storage"): the
// VPN, level, frame, rights, global and PCID of the entries are rows of memories, one row per set holding its ways
// side by side, read only at clock edges, in one bank per page size (each a copy of every row: a lookup reads a
// different set at each size, and each memory keeps one read port for lookups, plus one for VA flushes in the
// memories a VA flush compares); the valid, global and PCID bits are also flip-flops, so that the flushes of kinds
// ALL, NONGLOBAL and PCID and a CR3 write still clear their entries at their own edge (those flip-flops are only
// compared, all at once, and written at fills). The contract's order of events is kept, only the hardware's steps
// move inside the cycles the contract leaves free:
// - rd_en_i (the miss unit grants a request) reads the request's set at every page size. With lkp_en_i it is a
//   lookup: the valid bits of those sets are copied at the same edge (the lookup sees the TLB as during its cycle,
//   T6) and the hit is known in the next cycle, from then on held until the next read. Its use (R1, R3) and its T8
//   drop (lkp_drop_i of that cycle) happen at the edge after the lookup, when no other change of the L2 can happen:
//   the miss unit is busy until the result, H2 >= 2 cycles after the lookup.
// - A fill searches its set (R7, R4) in the rows its own request read at the grant: no other fill can have written
//   them since, and the valid bits are live.
// - A flush of kind VA, VA_PCID or VA_ALL reads the rows of the flushed address's sets through ports of its own and
//   clears the matching entries at the next edge. A lookup at that edge already sees them cleared (its copy of the
//   valid bits leaves them out); no fill can come at either edge, since the flush overtakes the walk (T13).
//
// The entry arrays are the architectural state the co-simulation compares with the model (valid_q a packed vector,
// bit = slot = set * Ways + way). Only valid_q is reset and cleared by invalidations: the other fields of an invalid
// entry are don't-care (the model zeroes them).
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
  // 1: the entries' fields but valid, global and PCID are synchronous-read memories (see above). For an L2 TLB
  // whose hit latency is 2 or more.
  parameter int Sram     = 0,
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

  input  logic              rd_en_i,          // Sram: the miss unit grants a request (its sets are read)
  input  logic              lkp_en_i,         // a request looks up now: a hit counts as a use
  input  logic              lkp_drop_i,       // ... and the hit entry is invalidated (T8; Sram: a cycle later)
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

  // The valid, global and PCID flip-flops are written by one process per group of GroupRows rows (a power of two;
  // a process per row in a flip-flop TLB of 16 ways or more, about 16 entries a process in a smaller one, 8 rows in
  // the memory form, whose flushes compare fewer fields). Yosys handles the decision tree of a process in time
  // that grows with the square of its size, and stalled for minutes on one process over every row; a simulator still
  // tests one condition per group at an edge, and skips the group's work at the edges that leave it alone.
  function automatic int group_rows(input int sram);
    int rows;
    rows = 1;
    for (int k = 0; k < 16; k++) begin
      if (2 * rows <= Sets && ((sram != 0) ? 2 * rows <= 8 : 2 * rows * Ways <= 16)) rows = 2 * rows;
    end
    group_rows = rows;
  endfunction
  localparam int GroupRows = group_rows(Sram);
  localparam int Groups    = Sets / GroupRows;

  // valid_q, global_q and pcid_q are registers: every entry is compared at once by the flushes, as in a CAM. valid_q
  // is a packed vector indexed by slot; global_q and pcid_q, written only at a fill, are rows of a set's ways side
  // by side (way w at bit w, or bits w * PcidW +: PcidW), so that a write at a fill's set is a row select. (Not one
  // vector of every entry: Yosys makes a write at a variable part-select a shifter as wide as the vector, 18432 bits
  // of PCID in the default L2, and its techmap stalls on it. Not arrays of single entries either: Yosys turns each
  // read of an element at a variable index into a case over every entry.) The other fields live in the storage
  // form's generate block (g_flops or g_sram), under the same names.
  logic [Entries-1:0]                  valid_q /*verilator public_flat_rd*/;
  (* mem2reg *) logic [Ways*PcidW-1:0] pcid_q  [Sets] /*verilator public_flat_rd*/;
  (* mem2reg *) logic [Ways-1:0]       global_q[Sets] /*verilator public_flat_rd*/;
  // A field of a row is read from a copy of the row at a constant offset (a loop's), or from a signal: never as
  // pcid_q[set][way*PcidW +: PcidW], nor at a variable offset into a function's or block's variable. Yosys 0.23 reads
  // those at offset zero, whatever the offset (the TLB's proof found both). A row number computed in a loop is handed
  // to a function as an int, not through a size cast: Yosys 0.23 dropped the top bit of SetW'(k) for a loop's k in
  // the groups of valid bits below (half the rows' PCID flip-flops went unread; a flip-flop count showed it).

  // What the storage form's lookup and fill search tell the replacement state (mmu_repl) and the valid bits.
  logic             use_hit;    // a lookup's hit counts as a use at this edge
  logic [SetW-1:0]  hit_set;
  logic [WayW-1:0]  hit_way;
  logic [SetW-1:0]  fill_set;
  logic [Ways-1:0]  fill_match, fill_free;
  /* verilator lint_off UNUSEDSIGNAL */
  logic             match_any, to_victim;  // what the fill chose: read by the cover points
  /* verilator lint_on UNUSEDSIGNAL */
  logic [WayW-1:0]  fill_way;
  // What the storage form tells its valid bits: a hit entry dropped at this edge (T8), and whether the flushes of
  // this edge leave the filled entry valid.
  logic             drop, fill_kept;
  // The one row a drop or a fill changes (never both at one edge: a fill never comes with a lookup), its ways
  // cleared (the drop; the stale copies a fill replaces, R7: no duplicate survives) and set (the filled way).
  logic [SetW-1:0]  row_set;
  logic [Ways-1:0]  row_off, row_on;

  function automatic logic [SlotW-1:0] slot_of(input logic [SetW-1:0] set, input logic [WayW-1:0] way);
    slot_of = SlotW'(32'(set) * Ways + 32'(way));
  endfunction

  // The VPN of vaddr[VaBits-1:12] at the page size of leaf level `level` (zero at level 0). A choice among constant
  // shifts rather than one shift by a variable: the flip-flop form compares a flushed address at each entry's own
  // level, and Yosys' resource sharing spends many minutes on a hundred variable shifters.
  function automatic logic [VpnW-1:0] vpn_at(input logic [VpnW-1:0] vpn4k, input logic [LevelW-1:0] level);
    vpn_at = '0;
    for (int l = 1; l < 2 ** LevelW; l++) begin
      if (level == LevelW'(l)) vpn_at = vpn4k >> (9 * (l - 1));
    end
  endfunction

  // The set that holds the page of vaddr[VaBits-1:12] at page size s (leaf level s + 1).
  function automatic logic [SetW-1:0] set_at(input logic [VpnW-1:0] vpn4k, input int s);
    set_at = SetW'(vpn_at(vpn4k, LevelW'(s + 1))) & SetMask;
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

  function automatic logic flushes(input logic [LevelW-1:0] level, input logic [VpnW-1:0] vpn, input logic glob,
                                   input logic [PcidW-1:0] pcid);
    flushes =
        (flush_i && flush_hit(flush_op_i, level, vpn, glob, pcid, flush_vpn_i, flush_pcid_i, flush_cur_pcid_i)) ||
        (cr3_flush_i && flush_hit(cr3_flush_op_i, level, vpn, glob, pcid, flush_vpn_i, cr3_flush_pcid_i,
                                  flush_cur_pcid_i));
  endfunction

  // ===============================================================================================================
  // Storage form 1: flip-flops
  if (Sram == 0) begin : g_flops
    // Registers read without a clock (Yosys: (* mem2reg *), not memories with asynchronous ports).
    (* mem2reg *) logic [VpnW-1:0]   vpn_q     [Entries] /*verilator public_flat_rd*/;
    (* mem2reg *) logic [LevelW-1:0] level_q   [Entries] /*verilator public_flat_rd*/;
    (* mem2reg *) logic [PaBits-1:0] base_q    [Entries] /*verilator public_flat_rd*/;
    (* mem2reg *) logic              writable_q[Entries] /*verilator public_flat_rd*/;
    (* mem2reg *) logic              user_q    [Entries] /*verilator public_flat_rd*/;
    (* mem2reg *) logic              nx_q      [Entries] /*verilator public_flat_rd*/;
    (* mem2reg *) logic              dirty_q   [Entries] /*verilator public_flat_rd*/;
    (* mem2reg *) logic              readable_q[Entries] /*verilator public_flat_rd*/;
    logic               unused_rd_en;
    logic [SlotW-1:0]   hit_slot, fill_slot;
    logic [Ways*PcidW-1:0] hit_pcid_row;
    logic [Ways-1:0]       hit_global_row;

    assign unused_rd_en = rd_en_i;
    assign use_hit      = lkp_en_i && lkp_hit_o;

    // Whether way w of a set (slot) holds a valid entry of leaf level `level` for `vpn` that `pcid` may use: its own
    // PCID, or either side global (a global entry serves every PCID; a global fill replaces the entry of any PCID,
    // R7). The set's PCID and global rows are the caller's copies, w a constant of its loop (see pcid_q).
    function automatic logic holds(input logic [SlotW-1:0] slot, input int w, input logic [Ways*PcidW-1:0] pcid_row,
                                   input logic [Ways-1:0] global_row, input logic [LevelW-1:0] level,
                                   input logic [VpnW-1:0] vpn, input logic [PcidW-1:0] pcid, input logic glob);
      holds = valid_q[slot] && level_q[slot] == level && vpn_q[slot] == vpn &&
              (global_row[w] || glob || pcid_row[w*PcidW+:PcidW] == pcid);
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
        logic [Ways-1:0]       m;
        logic [Ways*PcidW-1:0] pcid_row;
        logic [Ways-1:0]       global_row;
        m          = '0;
        pcid_row   = '0;
        global_row = '0;
        if (lkp_en_i) begin
          pcid_row   = pcid_q[set];
          global_row = global_q[set];
          for (int w = 0; w < Ways; w++) begin
            m[w] = holds(slot_of(set, WayW'(w)), w, pcid_row, global_row, LevelW'(s + 1), vpn, lkp_pcid_i, 1'b0);
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
    assign fill_slot      = slot_of(fill_set, fill_way);
    assign lkp_hit_o      = |probe_any;
    assign lkp_vpn_o      = vpn_q[hit_slot];
    assign lkp_level_o    = level_q[hit_slot];
    assign hit_pcid_row   = pcid_q[hit_set];
    assign hit_global_row = global_q[hit_set];
    assign lkp_pcid_o     = hit_pcid_row[32'(hit_way)*PcidW+:PcidW];
    assign lkp_global_o   = hit_global_row[hit_way];
    assign lkp_writable_o = writable_q[hit_slot];
    assign lkp_user_o     = user_q[hit_slot];
    assign lkp_nx_o       = nx_q[hit_slot];
    assign lkp_dirty_o    = dirty_q[hit_slot];
    assign lkp_readable_o = readable_q[hit_slot];

    // ---------------------------------------------------------------------------------------------------------------
    // Fill: R7 in place, else R4 first invalid way, else the policy's victim
    assign fill_set = SetW'(fill_vpn_i) & SetMask;

    // Searched only at a fill, for the same reasons as the probes.
    always_comb begin
      logic [Ways-1:0]       same, free;
      logic [Ways*PcidW-1:0] pcid_row;
      logic [Ways-1:0]       global_row;
      same       = '0;
      free       = '0;
      pcid_row   = '0;
      global_row = '0;
      if (fill_i) begin
        pcid_row   = pcid_q[fill_set];
        global_row = global_q[fill_set];
        for (int w = 0; w < Ways; w++) begin
          same[w] = holds(slot_of(fill_set, WayW'(w)), w, pcid_row, global_row, fill_level_i, fill_vpn_i,
                          fill_pcid_i, fill_global_i);
          free[w] = !valid_q[slot_of(fill_set, WayW'(w))];
        end
      end
      fill_match = same;
      fill_free  = free;
    end

    // ---------------------------------------------------------------------------------------------------------------
    // Valid bits, updated at the edge with the model's result: lookup invalidation (T8), fill (R7), then flushes (T12,
    // T11). Only the filled slot is ever set, so the flushes clear the old entries first and the filled slot gets the
    // verdict of the flushes on the new entry (row_off and row_on, below the storage forms).
    assign drop      = lkp_en_i && lkp_drop_i && lkp_hit_o;
    assign fill_kept = !flushes(fill_level_i, fill_vpn_i, fill_global_i, fill_pcid_i);

    // Written a group of rows at a time (GroupRows), each row at its own constant part of the vector, and only at
    // the edges that change the group: Yosys turns a write at a variable slot into a decision per bit of the whole
    // vector; a simulator skips the per-entry flush comparators at the many edges without a flush.
    for (genvar g = 0; g < Groups; g++) begin : g_valid
      localparam int Row0 = g * GroupRows;  // (constant row numbers: Yosys does not fold a variable's into an index)
      always_ff @(posedge clk_i or negedge rst_ni) begin
        logic [Ways*PcidW-1:0] pcid_row;
        logic [Ways-1:0]       global_row, row;
        if (!rst_ni) begin
          valid_q[Row0*Ways+:GroupRows*Ways] <= '0;
        end else if (flush_i || cr3_flush_i || ((fill_i || drop) && 32'(row_set) / GroupRows == g)) begin
          for (int k = 0; k < GroupRows; k++) begin
            row        = valid_q[(Row0+k)*Ways+:Ways];
            pcid_row   = pcid_q[Row0+k];
            global_row = global_q[Row0+k];
            for (int w = 0; w < Ways; w++) begin
              row[w] = row[w] && !flushes(level_q[(Row0+k)*Ways+w], vpn_q[(Row0+k)*Ways+w], global_row[w],
                                          pcid_row[w*PcidW+:PcidW]);
            end
            if (32'(row_set) == Row0 + k) row = (row & ~row_off) | row_on;
            valid_q[(Row0+k)*Ways+:Ways] <= row;
          end
        end
      end
    end

    // Entry fields are written like a RAM, one slot per fill; valid_q says which slots hold an entry.
    always_ff @(posedge clk_i) begin
      if (fill_i) begin
        vpn_q[fill_slot]      <= fill_vpn_i;
        level_q[fill_slot]    <= fill_level_i;
        writable_q[fill_slot] <= fill_writable_i;
        user_q[fill_slot]     <= fill_user_i;
        nx_q[fill_slot]       <= fill_nx_i;
        dirty_q[fill_slot]    <= fill_dirty_i;
        readable_q[fill_slot] <= fill_readable_i;
      end
    end

    always_ff @(posedge clk_i) begin
      if (fill_i) base_q[fill_slot] <= fill_base_i;
    end
    assign lkp_base_o = base_q[hit_slot];

    // R7 keeps at most one entry of a page size matching any lookup.
    `MMU_ASSERT(TlbOneMatchPerSize, !lkp_en_i || &probe_single)
    // The miss unit never fills a TLB at the edge at which a request looks it up; a fill is of a leaf level whose VPN
    // fits the page size.
    `MMU_ASSERT(TlbNoFillWithLookup, !(fill_i && lkp_en_i))
`ifndef MMU_ASSERT_OFF
    // R7 after every fill: no two valid entries of the filled set hold the same page for one PCID (same size and VPN,
    // and the same PCID or either global). Checked over the filled set only, at the edge after the fill, so the check
    // costs nothing in the many cycles without a fill.
    // The comparisons sit inside `if (check)`, not behind a branch around the call: Verilator evaluates a function
    // called from either side of a branch before taking it.
    function automatic logic set_has_duplicate(input logic check, input logic [SetW-1:0] set);
      logic [SlotW-1:0]      a, b;
      logic [Ways*PcidW-1:0] pcid_row;
      logic [Ways-1:0]       global_row;
      set_has_duplicate = 1'b0;
      pcid_row          = pcid_q[set];
      global_row        = global_q[set];
      if (check) begin
        for (int i = 0; i < Ways; i++) begin
          for (int j = i + 1; j < Ways; j++) begin
            a = slot_of(set, WayW'(i));
            b = slot_of(set, WayW'(j));
            if (valid_q[a] && valid_q[b] && level_q[a] == level_q[b] && vpn_q[a] == vpn_q[b] &&
                (global_row[i] || global_row[j] || pcid_row[i*PcidW+:PcidW] == pcid_row[j*PcidW+:PcidW]))
              set_has_duplicate = 1'b1;
          end
        end
      end
    endfunction

    logic            filled_q, duplicate_q;
    logic [SetW-1:0] filled_set_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        filled_q     <= 1'b0;
        filled_set_q <= '0;
        duplicate_q  <= 1'b0;
      end else begin
        filled_q     <= fill_i;
        filled_set_q <= fill_set;
        duplicate_q  <= set_has_duplicate(filled_q, filled_set_q);
      end
    end
    `MMU_ASSERT(TlbNoDuplicateAfterFill, !duplicate_q)
`endif
    `MMU_COVER(TlbTwoSizesMatch, lkp_en_i && !$onehot0(probe_any))
  end else begin : g_sram
    function automatic logic va_kind(input logic [2:0] op);
      va_kind = op == mmu_arch_pkg::FlushVa || op == mmu_arch_pkg::FlushVaPcid || op == mmu_arch_pkg::FlushVaAll;
    endfunction

    localparam int SizeW = (Sizes > 1) ? $clog2(Sizes) : 1;

    // -------------------------------------------------------------------------------------------------------------
    // Flushes of the VA kinds: the rows of the flushed address's sets, read at the flush's edge; the entries they
    // match are cleared at the next edge (fpend_q). The other kinds need only flip-flops and clear at their edge.
    logic                  flush_va;
    logic                  fpend_q /*verilator public_flat_rd*/;
    logic [2:0]            f_op_q;
    logic [VpnW-1:0]       f_vpn_q;
    logic [PcidW-1:0]      f_pcid_q, f_cur_pcid_q;
    logic [SetW-1:0]       f_set_q[Sizes];
    logic [Sizes*Ways-1:0] pclr;  // bit s * Ways + w: way w of f_set_q[s] is cleared at this edge (from bank s)

    assign flush_va = flush_i && va_kind(flush_op_i);

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) fpend_q <= 1'b0;
      else fpend_q <= flush_va;
    end

    always_ff @(posedge clk_i) begin
      if (flush_va) begin
        f_op_q       <= flush_op_i;
        f_vpn_q      <= flush_vpn_i;
        f_pcid_q     <= flush_pcid_i;
        f_cur_pcid_q <= flush_cur_pcid_i;
        for (int s = 0; s < Sizes; s++) begin
          f_set_q[s] <= set_at(flush_vpn_i, s);
        end
      end
    end

    // The ways of set `set` a pending clear removes at this edge (the sets of two sizes may coincide).
    function automatic logic [Ways-1:0] pending_row(input int set);
      pending_row = '0;
      for (int s = 0; s < Sizes; s++) begin
        if (32'(f_set_q[s]) == set) pending_row = pending_row | pclr[s*Ways+:Ways];
      end
    endfunction

    // -------------------------------------------------------------------------------------------------------------
    // Reads at a grant: the request's set at every page size. A lookup also copies the sets' valid bits as they are
    // during its cycle, less what a pending flush clears at the same edge.
    logic [SetW-1:0]  rd_set_q[Sizes];
    logic [VpnW-1:0]  rd_vpn_q;
    logic [PcidW-1:0] rd_pcid_q;
    logic [Ways-1:0]  snap_q[Sizes];
    logic             s1_q /*verilator public_flat_rd*/;  // the lookup was at the previous edge

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) s1_q <= 1'b0;
      else s1_q <= lkp_en_i;
    end

    always_ff @(posedge clk_i) begin
      if (rd_en_i) begin
        rd_vpn_q  <= lkp_vpn_i;
        rd_pcid_q <= lkp_pcid_i;
        for (int s = 0; s < Sizes; s++) begin
          rd_set_q[s] <= set_at(lkp_vpn_i, s);
        end
      end
      if (lkp_en_i) begin
        for (int s = 0; s < Sizes; s++) begin
          snap_q[s] <= valid_q[32'(set_at(lkp_vpn_i, s))*Ways+:Ways] & ~pending_row(32'(set_at(lkp_vpn_i, s)));
        end
      end
    end

    // What the banks tell the rest: per page size, the lookup's match (R6 picks among them), the hit way's fields
    // (zero but in the cycle after a lookup), the fill's stale copies (zero but in the bank of the fill's size).
    logic [Sizes-1:0]      probe_any;
    logic [Sizes*WayW-1:0] probe_way;
`ifndef MMU_ASSERT_OFF
    logic [Sizes-1:0]      probe_single;
`endif
    logic [SizeW-1:0]      hit_size;  // page size index (leaf level - 1) of the hit
    logic [VpnW-1:0]       bank_vpn   [Sizes];
    logic [LevelW-1:0]     bank_level [Sizes];
    logic [PaBits-1:0]     bank_base  [Sizes];
    logic [4:0]            bank_rights[Sizes];  // writable, user, nx, dirty, readable
    logic [PcidW-1:0]      bank_pcid  [Sizes];
    logic                  bank_global[Sizes];
    logic [Ways-1:0]       bank_same  [Sizes];
    logic [SizeW-1:0]      fill_size;
    logic [Ways-1:0]       fill_valid;  // the valid bits of the fill's set (zero but at a fill)

    assign fill_size  = SizeW'(fill_level_i - 1'b1);
    assign fill_set   = SetW'(fill_vpn_i) & SetMask;
    assign fill_valid = fill_i ? valid_q[32'(fill_set)*Ways+:Ways] : '0;

    // -------------------------------------------------------------------------------------------------------------
    // Storage: one bank per page size, each holding every entry, so that every memory has one read port for the
    // lookups (the set of its page size, read at a grant) and the tag memories a second one for the VA flushes
    // (the flushed address's set of that size). A fill writes its way in every bank. One row per set, the ways
    // side by side: way w of a row holds its field at bits w*W +: W. The row registers are the read ports' outputs,
    // and each bank compares its own rows (the lookup at its size, the VA flush, the fill's search at its size), so
    // that only a few bits per bank leave it.
    for (genvar s = 0; s < Sizes; s++) begin : g_size
      logic [Ways*VpnW-1:0]   vpn_q     [Sets] /*verilator public_flat_rd*/;
      logic [Ways*LevelW-1:0] level_q   [Sets] /*verilator public_flat_rd*/;
      logic [Ways*PaBits-1:0] base_q    [Sets] /*verilator public_flat_rd*/;
      logic [Ways-1:0]        writable_q[Sets] /*verilator public_flat_rd*/;
      logic [Ways-1:0]        user_q    [Sets] /*verilator public_flat_rd*/;
      logic [Ways-1:0]        nx_q      [Sets] /*verilator public_flat_rd*/;
      logic [Ways-1:0]        dirty_q   [Sets] /*verilator public_flat_rd*/;
      logic [Ways-1:0]        readable_q[Sets] /*verilator public_flat_rd*/;
      // The flip-flops' PCID and global bits, copied: the flushes that need no address compare the flip-flops, the
      // lookups, fills and VA flushes read the copies with the rest of their rows.
      logic [Ways*PcidW-1:0]  pcid_copy_q  [Sets];
      logic [Ways-1:0]        global_copy_q[Sets];

      logic [SetW-1:0]        rd_set_now, f_set_now;
      logic [Ways*VpnW-1:0]   vpn_rd_q, vpn_fl_q;
      logic [Ways*LevelW-1:0] level_rd_q, level_fl_q;
      logic [Ways*PaBits-1:0] base_rd_q;
      logic [Ways*PcidW-1:0]  pcid_rd_q, pcid_fl_q;
      logic [Ways-1:0]        g_rd_q, g_fl_q;
      logic [Ways-1:0]        w_rd_q, u_rd_q, nx_rd_q, d_rd_q, r_rd_q;

      assign rd_set_now = set_at(lkp_vpn_i, s);
      assign f_set_now  = set_at(flush_vpn_i, s);

      always_ff @(posedge clk_i) begin
        if (fill_i) begin
          vpn_q[fill_set][32'(fill_way)*VpnW+:VpnW]       <= fill_vpn_i;
          level_q[fill_set][32'(fill_way)*LevelW+:LevelW] <= fill_level_i;
          base_q[fill_set][32'(fill_way)*PaBits+:PaBits]  <= fill_base_i;
          writable_q[fill_set][fill_way]                  <= fill_writable_i;
          user_q[fill_set][fill_way]                      <= fill_user_i;
          nx_q[fill_set][fill_way]                        <= fill_nx_i;
          dirty_q[fill_set][fill_way]                     <= fill_dirty_i;
          readable_q[fill_set][fill_way]                  <= fill_readable_i;
          pcid_copy_q[fill_set][32'(fill_way)*PcidW+:PcidW] <= fill_pcid_i;
          global_copy_q[fill_set][fill_way]                 <= fill_global_i;
        end
        if (rd_en_i) begin
          vpn_rd_q   <= vpn_q[rd_set_now];
          level_rd_q <= level_q[rd_set_now];
          base_rd_q  <= base_q[rd_set_now];
          w_rd_q     <= writable_q[rd_set_now];
          u_rd_q     <= user_q[rd_set_now];
          nx_rd_q    <= nx_q[rd_set_now];
          d_rd_q     <= dirty_q[rd_set_now];
          r_rd_q     <= readable_q[rd_set_now];
          pcid_rd_q  <= pcid_copy_q[rd_set_now];
          g_rd_q     <= global_copy_q[rd_set_now];
        end
        if (flush_va) begin
          vpn_fl_q   <= vpn_q[f_set_now];
          level_fl_q <= level_q[f_set_now];
          pcid_fl_q  <= pcid_copy_q[f_set_now];
          g_fl_q     <= global_copy_q[f_set_now];
        end
      end

      // The VA flush's clears in this bank: an entry of leaf level s + 1 lives in the set of its own VPN, so the
      // set read for size s holds every entry of that size the flush can match (T12, "of any page size").
      // (Block-local vectors written whole: Icarus 11 re-runs without end an always_comb that writes single bits
      // of a vector outside it.)
      logic [Ways-1:0] clr;
      always_comb begin
        logic [Ways-1:0] c;
        c = '0;
        if (fpend_q) begin
          for (int w = 0; w < Ways; w++) begin
            c[w] = level_fl_q[w*LevelW+:LevelW] == LevelW'(s + 1) &&
                   flush_hit(f_op_q, LevelW'(s + 1), vpn_fl_q[w*VpnW+:VpnW], g_fl_q[w],
                             pcid_fl_q[w*PcidW+:PcidW], f_vpn_q, f_pcid_q, f_cur_pcid_q);
          end
        end
        clr = c;
      end
      assign pclr[s*Ways+:Ways] = clr;

      // The lookup at this size, in the cycle after its edge, from the rows and the copied valid bits.
      logic [Ways-1:0] match;
      logic [WayW-1:0] way;
      logic            any;
      always_comb begin
        logic [Ways-1:0] m;
        m = '0;
        if (s1_q) begin
          for (int w = 0; w < Ways; w++) begin
            m[w] = snap_q[s][w] && level_rd_q[w*LevelW+:LevelW] == LevelW'(s + 1) &&
                   vpn_rd_q[w*VpnW+:VpnW] == vpn_at(rd_vpn_q, LevelW'(s + 1)) &&
                   (g_rd_q[w] || pcid_rd_q[w*PcidW+:PcidW] == rd_pcid_q);
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

      assign probe_any[s]            = any;
      assign probe_way[s*WayW+:WayW] = way;
`ifndef MMU_ASSERT_OFF
      assign probe_single[s]         = $onehot0(match);
`endif

      // The hit way's fields, when the hit is of this size. (Field by field: Verilator forms a vector wider than
      // 64 bits before the condition that guards it, on every evaluation.)
      logic [VpnW-1:0]   e_vpn;
      logic [LevelW-1:0] e_level;
      logic [PaBits-1:0] e_base;
      logic [4:0]        e_rights;
      logic [PcidW-1:0]  e_pcid;
      logic              e_global;
      always_comb begin
        if (s1_q && hit_size == SizeW'(s)) begin
          e_vpn    = vpn_rd_q[32'(hit_way)*VpnW+:VpnW];
          e_level  = level_rd_q[32'(hit_way)*LevelW+:LevelW];
          e_base   = base_rd_q[32'(hit_way)*PaBits+:PaBits];
          e_rights = {w_rd_q[hit_way], u_rd_q[hit_way], nx_rd_q[hit_way], d_rd_q[hit_way], r_rd_q[hit_way]};
          e_pcid   = pcid_rd_q[32'(hit_way)*PcidW+:PcidW];
          e_global = g_rd_q[hit_way];
        end else begin
          e_vpn    = '0;
          e_level  = '0;
          e_base   = '0;
          e_rights = '0;
          e_pcid   = '0;
          e_global = 1'b0;
        end
      end
      assign bank_vpn[s]    = e_vpn;
      assign bank_level[s]  = e_level;
      assign bank_base[s]   = e_base;
      assign bank_rights[s] = e_rights;
      assign bank_pcid[s]   = e_pcid;
      assign bank_global[s] = e_global;

      // The fill's search (R7), when the fill is of this size: the rows its own request read at the grant.
      logic [Ways-1:0] same;
      always_comb begin
        logic [Ways-1:0] m;
        m = '0;
        if (fill_i && fill_size == SizeW'(s)) begin
          for (int w = 0; w < Ways; w++) begin
            m[w] = fill_valid[w] && level_rd_q[w*LevelW+:LevelW] == fill_level_i &&
                   vpn_rd_q[w*VpnW+:VpnW] == fill_vpn_i &&
                   (g_rd_q[w] || fill_global_i || pcid_rd_q[w*PcidW+:PcidW] == fill_pcid_i);
          end
        end
        same = m;
      end
      assign bank_same[s] = same;
    end

    // -------------------------------------------------------------------------------------------------------------
    // The lookup's result (R6: smallest size, then lowest way), formed in the cycle after the lookup edge and held
    // from the next edge on (so the comparators work once per lookup).
    logic [SizeW-1:0] size_now;
    always_comb begin
      logic [SizeW-1:0] z;
      z = SizeW'(Sizes - 1);
      for (int k = Sizes - 2; k >= 0; k--) begin
        if (probe_any[k]) z = SizeW'(k);
      end
      size_now = z;
    end

    logic              res_hit_q;
    logic [SizeW-1:0]  res_size_q;
    logic [WayW-1:0]   res_way_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        res_hit_q  <= 1'b0;
        res_size_q <= '0;
        res_way_q  <= '0;
      end else if (s1_q) begin
        res_hit_q  <= |probe_any;
        res_size_q <= size_now;
        res_way_q  <= probe_way[32'(size_now)*WayW+:WayW];
      end else if (rd_en_i) begin
        res_hit_q <= 1'b0;  // a read for a walk without lookup: no result to show
      end
    end

    assign lkp_hit_o = s1_q ? |probe_any : res_hit_q;
    assign hit_size  = s1_q ? size_now : res_size_q;
    assign hit_way   = s1_q ? probe_way[32'(size_now)*WayW+:WayW] : res_way_q;
    assign hit_set   = rd_set_q[hit_size];
    assign use_hit   = s1_q && lkp_hit_o;

    // The hit entry's fields: from the rows in the cycle after the lookup, then from registers loaded at its edge.
    logic [VpnW-1:0]   ent_vpn_q;
    logic [LevelW-1:0] ent_level_q;
    logic [PaBits-1:0] ent_base_q;
    logic [4:0]        ent_rights_q;
    logic [PcidW-1:0]  ent_pcid_q;
    logic              ent_global_q;
    always_ff @(posedge clk_i) begin
      if (s1_q) begin
        ent_vpn_q    <= lkp_vpn_o;
        ent_level_q  <= lkp_level_o;
        ent_base_q   <= lkp_base_o;
        ent_rights_q <= {lkp_writable_o, lkp_user_o, lkp_nx_o, lkp_dirty_o, lkp_readable_o};
        ent_pcid_q   <= lkp_pcid_o;
        ent_global_q <= lkp_global_o;
      end
    end

    assign lkp_vpn_o    = s1_q ? bank_vpn[hit_size] : ent_vpn_q;
    assign lkp_level_o  = s1_q ? bank_level[hit_size] : ent_level_q;
    assign lkp_base_o   = s1_q ? bank_base[hit_size] : ent_base_q;
    assign lkp_pcid_o   = s1_q ? bank_pcid[hit_size] : ent_pcid_q;
    assign lkp_global_o = s1_q ? bank_global[hit_size] : ent_global_q;
    assign {lkp_writable_o, lkp_user_o, lkp_nx_o, lkp_dirty_o, lkp_readable_o} =
        s1_q ? bank_rights[hit_size] : ent_rights_q;

    // -------------------------------------------------------------------------------------------------------------
    // Fill: the set at the entry's size is one of the rows the request read at its grant.
    always_comb begin
      logic [Ways-1:0] same, free;
      same = '0;
      free = '0;
      if (fill_i) begin
        for (int s = 0; s < Sizes; s++) same = same | bank_same[s];
        free = ~fill_valid;
      end
      fill_match = same;
      fill_free  = free;
    end

    // The verdict of this edge's flushes that need no row (ALL, NONGLOBAL, PCID and a CR3 write; flush_hit's cases
    // that read no address) on an entry. It is applied to every entry (row_clear, below), so it is written as a few
    // verdicts of the edge that each entry combines with its own bits: Yosys inlines a function called in a loop in
    // time that grows with the square of the loop's length, and flush_hit over the 1536 entries of the default L2
    // took it twenty minutes.
    logic now_all, now_nonglobal, now_pcid, now_cr3_pcid, now_any;
    assign now_all       = (flush_i && !flush_va && flush_op_i == mmu_arch_pkg::FlushAll) ||
                           (cr3_flush_i && cr3_flush_op_i == mmu_arch_pkg::FlushAll);
    assign now_nonglobal = (flush_i && !flush_va && flush_op_i == mmu_arch_pkg::FlushNonGlobal) ||
                           (cr3_flush_i && cr3_flush_op_i == mmu_arch_pkg::FlushNonGlobal);
    assign now_pcid      = flush_i && !flush_va && flush_op_i == mmu_arch_pkg::FlushPcid;
    assign now_cr3_pcid  = cr3_flush_i && cr3_flush_op_i == mmu_arch_pkg::FlushPcid;
    assign now_any       = now_all || now_nonglobal || now_pcid || now_cr3_pcid;

    function automatic logic flushes_now(input logic glob, input logic [PcidW-1:0] pcid);
      flushes_now = now_all || (!glob && (now_nonglobal || (now_pcid && pcid == flush_pcid_i) ||
                                          (now_cr3_pcid && pcid == cr3_flush_pcid_i)));
    endfunction

    // The ways of row r the flushes clear at this edge: the verdicts of the kinds that need no row (ALL, NONGLOBAL,
    // PCID, a CR3 write) and the pending VA clears (a row per page size; the rows of two sizes may coincide). The
    // row's PCID and global bits are copied once (see pcid_q).
    function automatic logic [Ways-1:0] row_clear(input int r);
      logic [Ways*PcidW-1:0] pcid_row;
      logic [Ways-1:0]       global_row;
      row_clear = '0;
      if (now_any) begin
        pcid_row   = pcid_q[r];
        global_row = global_q[r];
        for (int w = 0; w < Ways; w++) row_clear[w] = flushes_now(global_row[w], pcid_row[w*PcidW+:PcidW]);
      end
      if (fpend_q) row_clear = row_clear | pending_row(r);
    endfunction

    // The T8 drop of the lookup at the previous edge; the filled way gets the immediate flushes' verdict on the new
    // entry (only a fill ever sets a bit, and a fill never shares an edge with a VA flush or its clears).
    assign drop      = s1_q && lkp_drop_i && lkp_hit_o;
    assign fill_kept = !flushes_now(fill_global_i, fill_pcid_i);

    // -------------------------------------------------------------------------------------------------------------
    // Valid bits: a group of rows at a time (GroupRows), each row at its own constant part of the vector, and only
    // at the edges that change the group (a flush: every row; a drop or a fill: row_set's group). A write at a
    // variable row would make Yosys decide each bit of the whole vector in every branch, and a mask of every entry
    // formed each cycle would cost the simulators a pass over the whole vector per cycle.
    for (genvar g = 0; g < Groups; g++) begin : g_valid
      localparam int Row0 = g * GroupRows;  // (constant row numbers: Yosys does not fold a variable's into an index)
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          valid_q[Row0*Ways+:GroupRows*Ways] <= '0;
        end else if (now_any || fpend_q || ((fill_i || drop) && 32'(row_set) / GroupRows == g)) begin
          for (int k = 0; k < GroupRows; k++) begin
            valid_q[(Row0+k)*Ways+:Ways] <= (valid_q[(Row0+k)*Ways+:Ways] & ~row_clear(Row0 + k) &
                                             ~((32'(row_set) == Row0 + k) ? row_off : '0)) |
                                            ((32'(row_set) == Row0 + k) ? row_on : '0);
          end
        end
      end
    end

    // -------------------------------------------------------------------------------------------------------------
    // Properties of this form
    `MMU_ASSERT(TlbSramOneMatchPerSize, !s1_q || &probe_single)
    // A lookup is a read; reads, fills and the uses of a lookup happen at different edges (the miss unit is busy
    // from a grant to its result, two cycles or more).
    `MMU_ASSERT(TlbSramLookupIsRead, !lkp_en_i || rd_en_i)
    `MMU_ASSERT(TlbSramNoFillWithRead, !(fill_i && (rd_en_i || s1_q)))
    `MMU_ASSERT(TlbSramNoReadAfterLookup, !(s1_q && rd_en_i))
    // The fill's rows are its own set's, read for its own address. (A signal of its own: Verilator 5.006 fails on
    // an unpacked array indexed inside a concurrent property.)
    logic fill_rows_own;
    assign fill_rows_own = rd_set_q[fill_size] == fill_set && vpn_at(rd_vpn_q, fill_level_i) == fill_vpn_i;
    `MMU_ASSERT(TlbSramFillRowsOwn, !fill_i || fill_rows_own)
    // A VA flush overtakes every request in flight (T13): no fill at its edge or at the edge of its clears.
    `MMU_ASSERT(TlbSramNoFillWithVaFlush, !(fill_i && (flush_va || fpend_q)))
`ifndef MMU_ASSERT_OFF
    // R7 after every fill, over the filled set (as the flip-flop form's check), read from the first bank.
    logic            filled_q, duplicate_q;
    logic [SetW-1:0] filled_set_q;
    logic [Ways*VpnW-1:0]   chk_vpn_row;
    logic [Ways*LevelW-1:0] chk_level_row;
    assign chk_vpn_row   = g_size[0].vpn_q[filled_set_q];
    assign chk_level_row = g_size[0].level_q[filled_set_q];
    logic [Ways*PcidW-1:0]  chk_pcid_row;
    logic [Ways-1:0]        chk_global_row;
    assign chk_pcid_row   = pcid_q[filled_set_q];
    assign chk_global_row = global_q[filled_set_q];

    function automatic logic set_has_duplicate(input logic check, input logic [SetW-1:0] set);
      logic [SlotW-1:0] a, b;
      set_has_duplicate = 1'b0;
      if (check) begin
        for (int i = 0; i < Ways; i++) begin
          for (int j = i + 1; j < Ways; j++) begin
            a = slot_of(set, WayW'(i));
            b = slot_of(set, WayW'(j));
            if (valid_q[a] && valid_q[b] &&
                chk_level_row[i*LevelW+:LevelW] == chk_level_row[j*LevelW+:LevelW] &&
                chk_vpn_row[i*VpnW+:VpnW] == chk_vpn_row[j*VpnW+:VpnW] &&
                (chk_global_row[i] || chk_global_row[j] ||
                 chk_pcid_row[i*PcidW+:PcidW] == chk_pcid_row[j*PcidW+:PcidW]))
              set_has_duplicate = 1'b1;
          end
        end
      end
    endfunction

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        filled_q     <= 1'b0;
        filled_set_q <= '0;
        duplicate_q  <= 1'b0;
      end else begin
        filled_q     <= fill_i;
        filled_set_q <= fill_set;
        duplicate_q  <= set_has_duplicate(filled_q, filled_set_q);
      end
    end
    `MMU_ASSERT(TlbNoDuplicateAfterFill, !duplicate_q)
`endif
    `MMU_COVER(TlbTwoSizesMatch, s1_q && !$onehot0(probe_any))
    `MMU_COVER(TlbSramVaFlushClears, fpend_q && pclr != '0)
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Fill: R7 in place, else R4 first invalid way, else the policy's victim; replacement state (R1-R5)
  mmu_repl #(
    .Sets    (Sets),
    .Ways    (Ways),
    .Policy  (Policy),
    .LfsrSeed(LfsrSeed)
  ) u_repl (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .use_i          (use_hit),
    .use_set_i      (hit_set),
    .use_way_i      (hit_way),
    .fill_i         (fill_i),
    .fill_set_i     (fill_set),
    .fill_copy_i    (fill_match),
    .fill_free_i    (fill_free),
    .fill_way_o     (fill_way),
    .fill_in_place_o(match_any),
    .fill_victim_o  (to_victim)
  );

  // The flip-flop fields of an entry, written at a fill: at a variable row, each way at its constant offset (a
  // write enable per row and way, no shifter). One process, so a simulator keeps one pending write per way, not one
  // per row and way: Verilator tests each of those at every edge (3072 in the default L2, written by groups of rows:
  // the co-simulation ran at 0.11M cycles/s beside a test run).
  always_ff @(posedge clk_i) begin
    if (fill_i) begin
      for (int w = 0; w < Ways; w++) begin
        if (32'(fill_way) == w) begin
          pcid_q[fill_set][w*PcidW+:PcidW] <= fill_pcid_i;
          global_q[fill_set][w]            <= fill_global_i;
        end
      end
    end
  end

  // (Continuous assignments: Icarus 11 re-ran an always_comb here without end in the PLRU configurations.)
  assign row_set = fill_i ? fill_set : hit_set;
  assign row_off = fill_i ? fill_match | (Ways'(1) << fill_way) : drop ? Ways'(1) << hit_way : '0;
  assign row_on  = fill_i ? Ways'(fill_kept) << fill_way : '0;

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
  // (Where the level field holds no value above Sizes, the bound is always true: Verilator's CMPCONST.)
  /* verilator lint_off CMPCONST */
  `MMU_ASSERT(TlbFillInRange, !fill_i || (fill_level_i != '0 && 32'(fill_level_i) <= Sizes &&
                                          (fill_vpn_i >> (VpnW - 9 * (32'(fill_level_i) - 1))) == '0))
  /* verilator lint_on CMPCONST */
`ifndef MMU_ASSERT_OFF
  // T12: a flush of everything leaves nothing valid, whatever was filled at the same edge. The verdict is formed in
  // the clocked block and only a bit reaches the property (no copy of the valid bits per cycle), a row at a time
  // (Verilator turns `flushed_all_q && valid_q != '0` into an AND that reads the whole vector on every edge).
  logic flushed_all_q, left_after_flush_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      flushed_all_q      <= 1'b0;
      left_after_flush_q <= 1'b0;
    end else begin
      flushed_all_q      <= flush_i && flush_op_i == mmu_arch_pkg::FlushAll;
      left_after_flush_q <= 1'b0;
      if (flushed_all_q) begin
        for (int r = 0; r < Sets; r++) begin
          if (valid_q[r*Ways+:Ways] != '0) left_after_flush_q <= 1'b1;
        end
      end
    end
  end
  `MMU_ASSERT(TlbFlushAllEmpties, !left_after_flush_q)
`endif
  `MMU_COVER(TlbFill4K, fill_i && fill_level_i == LevelW'(1))
  `MMU_COVER(TlbFill2M, fill_i && fill_level_i == LevelW'(2))
  `MMU_COVER(TlbFill1G, fill_i && fill_level_i == LevelW'(3))
  `MMU_COVER(TlbFillInPlace, fill_i && match_any)
  `MMU_COVER(TlbFillVictim, fill_i && to_victim)

endmodule
