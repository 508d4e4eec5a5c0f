// The TLB against hand-worked cases: page sizes and R6 priority, R4 and the LRU victim, R7 in place and duplicate
// drop, T8 invalidation on a lookup, every flush kind (T12) and the CR3 invalidation (T11), R5's random victim
// (LFSR from 0xACE1, four and three ways), and R2's FIFO with an in-place rewrite (R7) of the pointer's way. A twin
// with SyncBase gives after each lookup edge the frame the first gave during the lookup.
module tb_mmu_tlb;
  `include "tb_check.svh"

  localparam int PaBits = 46;

  logic              clk = 1'b0, rst_n = 1'b1;
  logic              lkp_en, lkp_use, lkp_drop, fill, flush, cr3_flush;
  logic [35:0]       lkp_vpn, fill_vpn, flush_vpn;
  logic [11:0]       lkp_pcid, fill_pcid, flush_pcid, flush_cur, cr3_pcid;
  logic [1:0]        fill_level;
  logic [PaBits-1:0] fill_base;
  logic              fill_global, fill_w, fill_u, fill_nx, fill_d;
  logic [2:0]        flush_op, cr3_op;
  logic              hit, hit_g, hit_w, hit_u, hit_nx, hit_d;
  logic [35:0]       hit_vpn;
  logic [1:0]        hit_level;
  logic [PaBits-1:0] hit_base;
  logic [11:0]       hit_pcid;
  logic              r4_hit, r3_hit, f2_hit;

  // 8 entries, 2 ways, 4 sets, LRU
  mmu_tlb #(.Entries(8), .Ways(2), .Policy(0), .PaBits(PaBits)) u_dut (
    .clk_i(clk), .rst_ni(rst_n),
    .rd_en_i(1'b0), .lkp_en_i(lkp_en), .lkp_drop_i(lkp_drop), .lkp_vpn_i(lkp_vpn), .lkp_pcid_i(lkp_pcid),
    .lkp_hit_o(hit), .lkp_vpn_o(hit_vpn), .lkp_level_o(hit_level), .lkp_base_o(hit_base), .lkp_pcid_o(hit_pcid),
    .lkp_global_o(hit_g), .lkp_writable_o(hit_w), .lkp_user_o(hit_u), .lkp_nx_o(hit_nx), .lkp_dirty_o(hit_d),
    .lkp_readable_o(),
    .fill_i(fill), .fill_vpn_i(fill_vpn), .fill_level_i(fill_level), .fill_base_i(fill_base),
    .fill_pcid_i(fill_pcid), .fill_global_i(fill_global), .fill_writable_i(fill_w), .fill_user_i(fill_u),
    .fill_nx_i(fill_nx), .fill_dirty_i(fill_d), .fill_readable_i(1'b1),
    .flush_i(flush), .flush_op_i(flush_op), .flush_vpn_i(flush_vpn), .flush_pcid_i(flush_pcid),
    .flush_cur_pcid_i(flush_cur), .cr3_flush_i(cr3_flush), .cr3_flush_op_i(cr3_op), .cr3_flush_pcid_i(cr3_pcid)
  );

  // Random policy, fully associative (4 ways) and 3 ways, LFSR from 0xACE1; only fills.
  mmu_tlb #(.Entries(4), .Ways(4), .Policy(3), .LfsrSeed('hACE1), .PaBits(PaBits)) u_r4 (
    .clk_i(clk), .rst_ni(rst_n),
    .rd_en_i(1'b0), .lkp_en_i(1'b0), .lkp_drop_i(1'b0), .lkp_vpn_i(36'h0), .lkp_pcid_i(12'h0),
    .lkp_hit_o(r4_hit), .lkp_vpn_o(), .lkp_level_o(), .lkp_base_o(), .lkp_pcid_o(),
    .lkp_global_o(), .lkp_writable_o(), .lkp_user_o(), .lkp_nx_o(), .lkp_dirty_o(), .lkp_readable_o(),
    .fill_i(fill), .fill_vpn_i(fill_vpn), .fill_level_i(fill_level), .fill_base_i(fill_base),
    .fill_pcid_i(fill_pcid), .fill_global_i(fill_global), .fill_writable_i(fill_w), .fill_user_i(fill_u),
    .fill_nx_i(fill_nx), .fill_dirty_i(fill_d), .fill_readable_i(1'b1),
    .flush_i(1'b0), .flush_op_i(3'd0), .flush_vpn_i(36'h0), .flush_pcid_i(12'h0),
    .flush_cur_pcid_i(12'h0), .cr3_flush_i(1'b0), .cr3_flush_op_i(3'd0), .cr3_flush_pcid_i(12'h0)
  );
  mmu_tlb #(.Entries(3), .Ways(3), .Policy(3), .LfsrSeed('hACE1), .PaBits(PaBits)) u_r3 (
    .clk_i(clk), .rst_ni(rst_n),
    .rd_en_i(1'b0), .lkp_en_i(1'b0), .lkp_drop_i(1'b0), .lkp_vpn_i(36'h0), .lkp_pcid_i(12'h0),
    .lkp_hit_o(r3_hit), .lkp_vpn_o(), .lkp_level_o(), .lkp_base_o(), .lkp_pcid_o(),
    .lkp_global_o(), .lkp_writable_o(), .lkp_user_o(), .lkp_nx_o(), .lkp_dirty_o(), .lkp_readable_o(),
    .fill_i(fill), .fill_vpn_i(fill_vpn), .fill_level_i(fill_level), .fill_base_i(fill_base),
    .fill_pcid_i(fill_pcid), .fill_global_i(fill_global), .fill_writable_i(fill_w), .fill_user_i(fill_u),
    .fill_nx_i(fill_nx), .fill_dirty_i(fill_d), .fill_readable_i(1'b1),
    .flush_i(1'b0), .flush_op_i(3'd0), .flush_vpn_i(36'h0), .flush_pcid_i(12'h0),
    .flush_cur_pcid_i(12'h0), .cr3_flush_i(1'b0), .cr3_flush_op_i(3'd0), .cr3_flush_pcid_i(12'h0)
  );

  // FIFO, one set of two ways; only fills.
  mmu_tlb #(.Entries(2), .Ways(2), .Policy(2), .PaBits(PaBits)) u_f2 (
    .clk_i(clk), .rst_ni(rst_n),
    .rd_en_i(1'b0), .lkp_en_i(1'b0), .lkp_drop_i(1'b0), .lkp_vpn_i(36'h0), .lkp_pcid_i(12'h0),
    .lkp_hit_o(f2_hit), .lkp_vpn_o(), .lkp_level_o(), .lkp_base_o(), .lkp_pcid_o(),
    .lkp_global_o(), .lkp_writable_o(), .lkp_user_o(), .lkp_nx_o(), .lkp_dirty_o(), .lkp_readable_o(),
    .fill_i(fill), .fill_vpn_i(fill_vpn), .fill_level_i(fill_level), .fill_base_i(fill_base),
    .fill_pcid_i(fill_pcid), .fill_global_i(fill_global), .fill_writable_i(fill_w), .fill_user_i(fill_u),
    .fill_nx_i(fill_nx), .fill_dirty_i(fill_d), .fill_readable_i(1'b1),
    .flush_i(1'b0), .flush_op_i(3'd0), .flush_vpn_i(36'h0), .flush_pcid_i(12'h0),
    .flush_cur_pcid_i(12'h0), .cr3_flush_i(1'b0), .cr3_flush_op_i(3'd0), .cr3_flush_pcid_i(12'h0)
  );

  task automatic tick;
    if (!lkp_use) lkp_en = 1'b0;  // a probe that is not a use looks up only until the edge
    #1 clk = 1'b1;
    #1 clk = 1'b0;
    lkp_en    = 1'b0;
    lkp_use   = 1'b0;
    lkp_drop  = 1'b0;
    fill      = 1'b0;
    flush     = 1'b0;
    cr3_flush = 1'b0;
  endtask

  // vpn at the entry's own page size; base the page's physical address.
  task automatic do_fill(input logic [35:0] vpn, input logic [1:0] level, input logic [PaBits-1:0] base,
                         input logic [11:0] pcid, input logic g);
    fill        = 1'b1;
    fill_vpn    = vpn;
    fill_level  = level;
    fill_base   = base;
    fill_pcid   = pcid;
    fill_global = g;
    fill_w      = 1'b1;
    fill_u      = 1'b0;
    fill_nx     = 1'b1;
    fill_d      = 1'b0;
    tick();
  endtask

  // Combinational probe of vaddr (the hit is qualified by lkp_en). No effect unless use_it: then the hit counts as
  // a use at the next edge; otherwise the lookup is withdrawn before that edge.
  task automatic probe(input logic [47:0] vaddr, input logic [11:0] pcid, input logic use_it);
    lkp_vpn  = vaddr[47:12];
    lkp_pcid = pcid;
    lkp_en   = 1'b1;
    lkp_use  = use_it;
    #1;
  endtask

  task automatic do_flush(input logic [2:0] op, input logic [47:0] vaddr, input logic [11:0] pcid,
                          input logic [11:0] cur);
    flush      = 1'b1;
    flush_op   = op;
    flush_vpn  = vaddr[47:12];
    flush_pcid = pcid;
    flush_cur  = cur;
    tick();
  endtask

  function automatic logic valid_at(input int slot);
    valid_at = u_dut.valid_q[slot];
  endfunction

  initial begin
    lkp_en = 1'b0; lkp_use = 1'b0; lkp_drop = 1'b0; fill = 1'b0; flush = 1'b0; cr3_flush = 1'b0;
    lkp_vpn = '0; lkp_pcid = '0; fill_vpn = '0; fill_level = 2'd1; fill_base = '0; fill_pcid = '0;
    fill_global = 1'b0; fill_w = 1'b0; fill_u = 1'b0; fill_nx = 1'b0; fill_d = 1'b0;
    flush_op = '0; flush_vpn = '0; flush_pcid = '0; flush_cur = '0; cr3_op = '0; cr3_pcid = '0;
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    for (int i = 0; i < 8; i++) `TB_EQ(valid_at(i), 1'b0, "reset: invalid")

    // A: 4 KiB page 0x12345 (set 1), PCID 1 -> set 1 way 0 = slot 2 (R4).
    do_fill(36'h12345, 2'd1, 46'h0aaaa000, 12'd1, 1'b0);
    `TB_EQ(valid_at(2), 1'b1, "A in slot 2")
    probe(48'h12345678, 12'd1, 1'b0);
    `TB_EQ(hit, 1'b1, "A hits")
    `TB_EQ(hit_base, 46'h0aaaa000, "A base")
    `TB_EQ(hit_level, 2'd1, "A level")
    `TB_EQ({hit_w, hit_u, hit_nx, hit_d}, 4'b1010, "A rights")
    probe(48'h12345678, 12'd2, 1'b0);
    `TB_EQ(hit, 1'b0, "A does not match PCID 2")
    probe(48'h12345678, 12'd1, 1'b0);
    lkp_en = 1'b0;
    #1;
    `TB_EQ(hit, 1'b0, "no lookup, no hit")

    // B: 2 MiB page of 0x12345678: vpn 0x91, set 1, way 1 = slot 3.
    do_fill(36'h91, 2'd2, 46'h00a00000, 12'd1, 1'b0);
    `TB_EQ(valid_at(3), 1'b1, "B in slot 3")
    probe(48'h12345678, 12'd1, 1'b0);
    `TB_EQ(hit_level, 2'd1, "R6: the 4 KiB entry wins over the 2 MiB one")
    `TB_EQ(hit_base, 46'h0aaaa000, "R6: base of A")
    probe(48'h12300000, 12'd1, 1'b0);
    `TB_EQ(hit, 1'b1, "B hits elsewhere in its 2 MiB")
    `TB_EQ(hit_level, 2'd2, "B level")
    `TB_EQ(hit_base, 46'h00a00000, "B base")

    // Use A, then fill C into the full set 1: the LRU victim is B (way 1).
    probe(48'h12345000, 12'd1, 1'b1);
    tick();
    do_fill(36'h00005, 2'd1, 46'h0ccc0000, 12'd1, 1'b0);
    `TB_EQ(u_dut.g_flops.vpn_q[3], 36'h00005, "LRU: C replaces B in slot 3")
    `TB_EQ(u_dut.g_flops.vpn_q[2], 36'h12345, "LRU: A stays in slot 2")

    // R7: A again with a new base is written in place.
    do_fill(36'h12345, 2'd1, 46'h0bbbb000, 12'd1, 1'b0);
    `TB_EQ(u_dut.g_flops.base_q[2], 46'h0bbbb000, "R7: A rewritten in slot 2")
    `TB_EQ(u_dut.g_flops.vpn_q[3], 36'h00005, "R7: C untouched")
    // D: same page in PCID 2 does not match A; set full, LRU victim C (slot 3).
    do_fill(36'h12345, 2'd1, 46'h0dddd000, 12'd2, 1'b0);
    `TB_EQ(u_dut.pcid_q[1][1*12+:12], 12'd2, "D in slot 3 (set 1, way 1)")
    `TB_EQ(valid_at(2), 1'b1, "A and D coexist")
    // E: global, matches both: overwrites the lowest (slot 2) and drops the other.
    do_fill(36'h12345, 2'd1, 46'h0eeee000, 12'd3, 1'b1);
    `TB_EQ(valid_at(2), 1'b1, "R7: E in slot 2")
    `TB_EQ(u_dut.global_q[1][0], 1'b1, "R7: E global (slot 2: set 1, way 0)")
    `TB_EQ(valid_at(3), 1'b0, "R7: the duplicate D is dropped")
    probe(48'h12345abc, 12'd9, 1'b0);
    `TB_EQ(hit_base, 46'h0eeee000, "a global entry matches any PCID")

    // T8: a lookup that drops its hit.
    do_fill(36'h00021, 2'd1, 46'h00021000, 12'd0, 1'b0);  // set 1, slot 3
    probe(48'h00021000, 12'd0, 1'b1);
    lkp_drop = 1'b1;
    tick();
    `TB_EQ(valid_at(3), 1'b0, "T8: dropped on lookup")
    `TB_EQ(valid_at(2), 1'b1, "T8: only the hit entry")

    // Flushes. F: 4K 0x10 PCID 1 (slot 0), G: 4K 0x14 PCID 2 (slot 1), H: 1 GiB vpn 1 PCID 2 (set 1, slot 3).
    do_fill(36'h10, 2'd1, 46'h00f00000, 12'd1, 1'b0);
    do_fill(36'h14, 2'd1, 46'h00f01000, 12'd2, 1'b0);
    do_fill(36'h1, 2'd3, 46'h40000000, 12'd2, 1'b0);
    `TB_EQ({valid_at(0), valid_at(1), valid_at(2), valid_at(3)}, 4'b1111, "F G E H present")
    do_flush(3'd2, 48'h0, 12'd1, 12'd0);
    `TB_EQ({valid_at(0), valid_at(1), valid_at(2), valid_at(3)}, 4'b0111, "PCID 1: F only")
    do_flush(3'd3, 48'h40001234, 12'd0, 12'd1);
    `TB_EQ(valid_at(3), 1'b1, "VA: H is not in the current PCID 1")
    do_flush(3'd3, 48'h7fffffff, 12'd0, 12'd2);
    `TB_EQ(valid_at(3), 1'b0, "VA: H matched at its 1 GiB size in the current PCID 2")
    do_flush(3'd4, 48'h14fff, 12'd1, 12'd2);
    `TB_EQ(valid_at(1), 1'b1, "VA_PCID: G is not PCID 1")
    do_flush(3'd4, 48'h14fff, 12'd2, 12'd0);
    `TB_EQ(valid_at(1), 1'b0, "VA_PCID: G")
    do_flush(3'd4, 48'h12345000, 12'd3, 12'd3);
    `TB_EQ(valid_at(2), 1'b1, "VA_PCID spares the global E")
    do_flush(3'd6, 48'h12345000, 12'd3, 12'd3);
    `TB_EQ(valid_at(2), 1'b1, "kind 6 is no flush")
    do_flush(3'd5, 48'h12346000, 12'd3, 12'd3);
    `TB_EQ(valid_at(2), 1'b1, "VA_ALL of another page spares E")
    do_flush(3'd1, 48'h0, 12'd0, 12'd0);
    `TB_EQ(valid_at(2), 1'b1, "NONGLOBAL spares the global E")
    do_flush(3'd3, 48'h12345000, 12'd0, 12'd7);
    `TB_EQ(valid_at(2), 1'b0, "VA removes the global E whatever the PCID")
    // VA_ALL (kind 5, RISC-V SFENCE.VMA by address alone): the page in every PCID, global entries too.
    do_fill(36'h12345, 2'd1, 46'h0eeee000, 12'd3, 1'b1);
    `TB_EQ(valid_at(2), 1'b1, "E again in slot 2, the lowest free way of set 1")
    do_flush(3'd5, 48'h12345fff, 12'd9, 12'd7);
    `TB_EQ(valid_at(2), 1'b0, "VA_ALL removes the global E whatever the PCIDs")

    // Two invalidations at one edge (flush ALL of nothing else + the CR3 one), then each alone.
    do_fill(36'h10, 2'd1, 46'h00f00000, 12'd1, 1'b0);  // slot 0
    do_fill(36'h14, 2'd1, 46'h00f01000, 12'd2, 1'b0);  // slot 1
    do_fill(36'h11, 2'd1, 46'h00f02000, 12'd2, 1'b1);  // set 1, slot 2: global
    cr3_flush = 1'b1;
    cr3_op    = 3'd2;
    cr3_pcid  = 12'd2;
    do_flush(3'd4, 48'h10000, 12'd1, 12'd0);
    `TB_EQ({valid_at(0), valid_at(1), valid_at(2)}, 3'b001, "flush VA_PCID and CR3 PCID at one edge")
    cr3_flush = 1'b1;
    cr3_op    = 3'd1;
    tick();
    `TB_EQ(valid_at(2), 1'b1, "CR3 without PCIDs spares global entries")
    do_flush(3'd0, 48'h0, 12'd0, 12'd0);
    for (int i = 0; i < 8; i++) `TB_EQ(valid_at(i), 1'b0, "ALL")

    // A flush at the edge of a fill applies after it (model order).
    fill        = 1'b1;
    fill_vpn    = 36'h10;
    fill_level  = 2'd1;
    fill_pcid   = 12'd1;
    fill_global = 1'b0;
    do_flush(3'd1, 48'h0, 12'd0, 12'd0);
    `TB_EQ(valid_at(0), 1'b0, "fill then flush at one edge")

    // R5 on u_r4 / u_r3 (filled by every do_fill above too): start again from reset.
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    // u_r4: four fills take ways 0..3 (R4), the LFSR steps ACE1 E270 7138 389C 1C4E.
    // u_r3: three fills take ways 0..2; the fourth evicts 0x389C mod 3 = 2.
    for (int i = 0; i < 4; i++) do_fill(36'(i), 2'd1, 46'(i) << 12, 12'd0, 1'b0);
    `TB_EQ(u_r4.u_repl.g_random.lfsr, 16'h1C4E, "LFSR after four fills")
    `TB_EQ(u_r3.g_flops.vpn_q[2], 36'h3, "random, 3 ways: victim 0x389C mod 3 = 2")
    do_fill(36'h100, 2'd1, 46'h100000, 12'd0, 1'b0);
    `TB_EQ(u_r4.g_flops.vpn_q[2], 36'h100, "random, 4 ways: victim 0x1C4E mod 4 = 2")
    `TB_EQ(u_r3.g_flops.vpn_q[1], 36'h100, "random, 3 ways: victim 0x1C4E mod 3 = 1")
    do_fill(36'h101, 2'd1, 46'h101000, 12'd0, 1'b0);
    `TB_EQ(u_r4.g_flops.vpn_q[3], 36'h101, "random, 4 ways: victim 0x0E27 mod 4 = 3")
    `TB_EQ(u_r3.g_flops.vpn_q[2], 36'h101, "random, 3 ways: victim 0x0E27 mod 3 = 2")

    // R2 and R5 with an in-place rewrite (R7), from reset. u_f2 (FIFO, 2 ways): A takes way 0 (pointer -> 1), B way
    // 1 (pointer -> 0); A again is rewritten in place in way 0, the pointer's way, and the pointer stays 0; C then
    // evicts A, the oldest allocation, not B. u_r4: A, B in ways 0, 1; the in-place A still steps the LFSR; C takes
    // the invalid way 2: four steps, ACE1 E270 7138 389C 1C4E.
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    do_fill(36'h20, 2'd1, 46'h0aaaa000, 12'd0, 1'b0);
    do_fill(36'h21, 2'd1, 46'h0bbbb000, 12'd0, 1'b0);
    do_fill(36'h20, 2'd1, 46'h0cccc000, 12'd0, 1'b0);
    `TB_EQ(u_f2.g_flops.base_q[0], 46'h0cccc000, "FIFO: A rewritten in place in way 0")
    `TB_EQ(u_f2.u_repl.g_fifo.u_fifo.victim_way_o, 1'b0, "FIFO: the in-place rewrite leaves the pointer at way 0")
    `TB_EQ(u_r4.valid_q[2], 1'b0, "random: the in-place rewrite took no way")
    do_fill(36'h22, 2'd1, 46'h0dddd000, 12'd0, 1'b0);
    `TB_EQ(u_f2.g_flops.vpn_q[0], 36'h22, "FIFO: C evicts A, allocated first")
    `TB_EQ(u_f2.g_flops.vpn_q[1], 36'h21, "FIFO: B stays")
    `TB_EQ(u_r4.g_flops.vpn_q[2], 36'h22, "random: C in the invalid way 2")
    `TB_EQ(u_r4.u_repl.g_random.lfsr, 16'h1C4E, "random: four fills, one in place, four steps")
    // D evicts B (pointer 1 -> 0); D again in place in way 1, off the pointer; E evicts C in way 0.
    do_fill(36'h23, 2'd1, 46'h0eeee000, 12'd0, 1'b0);
    `TB_EQ(u_f2.g_flops.vpn_q[1], 36'h23, "FIFO: D evicts B")
    do_fill(36'h23, 2'd1, 46'h0ffff000, 12'd0, 1'b0);
    do_fill(36'h24, 2'd1, 46'h01111000, 12'd0, 1'b0);
    `TB_EQ(u_f2.g_flops.vpn_q[0], 36'h24, "FIFO: E evicts C")
    `TB_EQ(u_f2.g_flops.base_q[1], 46'h0ffff000, "FIFO: D, rewritten in place, stays")
    `TB_DONE
  end
endmodule
