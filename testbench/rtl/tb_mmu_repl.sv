// R1-R3: the replacement cells against hand-computed victims. The touch sequence 0 1 2 3 0 1 3 2 on one 4-way set
// separates true LRU from tree PLRU: after "0 1 2 3 0" LRU evicts way 1, PLRU way 2.
module tb_mmu_repl;
  `include "tb_check.svh"

  logic       clk = 1'b0, rst_n = 1'b1;
  logic       touch, touch8, alloc;
  logic       set, vset;
  logic [1:0] way;
  logic [1:0] lru_victim, plru_victim;
  logic [2:0] way8, plru8_victim;
  logic [1:0] fifo_way, fifo_victim;

  mmu_repl_lru #(.Sets(2), .Ways(4)) u_lru (
    .clk_i(clk), .rst_ni(rst_n), .touch_i(touch), .touch_set_i(set), .touch_way_i(way), .victim_set_i(vset),
    .victim_way_o(lru_victim)
  );
  mmu_repl_plru #(.Sets(2), .Ways(4)) u_plru (
    .clk_i(clk), .rst_ni(rst_n), .touch_i(touch), .touch_set_i(set), .touch_way_i(way), .victim_set_i(vset),
    .victim_way_o(plru_victim)
  );
  mmu_repl_plru #(.Sets(1), .Ways(8)) u_plru8 (
    .clk_i(clk), .rst_ni(rst_n), .touch_i(touch8), .touch_set_i(1'b0), .touch_way_i(way8), .victim_set_i(1'b0),
    .victim_way_o(plru8_victim)
  );
  // FIFO with three ways: the pointer wraps at a non-power of two.
  mmu_repl_fifo #(.Sets(2), .Ways(3)) u_fifo (
    .clk_i(clk), .rst_ni(rst_n), .alloc_i(alloc), .alloc_set_i(set), .alloc_way_i(fifo_way), .victim_set_i(vset),
    .victim_way_o(fifo_victim)
  );

  task automatic use_way(input logic s, input logic [1:0] w);
    touch = 1'b1;
    set   = s;
    way   = w;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
    touch = 1'b0;
  endtask

  task automatic use_way8(input logic [2:0] w);
    touch8 = 1'b1;
    way8   = w;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
    touch8 = 1'b0;
  endtask

  // One edge with way w of set s presented; alloc_i as given (the TLB lowers it for an in-place rewrite, R7).
  task automatic fifo_write(input logic s, input logic [1:0] w, input logic is_alloc);
    alloc    = is_alloc;
    set      = s;
    fifo_way = w;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
    alloc = 1'b0;
  endtask

  task automatic fifo_fill(input logic s, input logic [1:0] w);
    fifo_write(s, w, 1'b1);
  endtask

  // Touch sequence and the victims after each touch, LRU (ranks reset to way order) and PLRU (bits reset to 0).
  // Packed lists, first element in the top bits (Icarus has no assignment patterns for unpacked arrays).
  logic [15:0] seq, lru_exp, plru_exp;

  initial begin
    seq      = {2'd0, 2'd1, 2'd2, 2'd3, 2'd0, 2'd1, 2'd3, 2'd2};
    // LRU ranks (way0..way3) after each touch: 0123, 1023, 2103, 3210, 0321, 1032, 2130, 3201
    lru_exp  = {2'd3, 2'd3, 2'd3, 2'd0, 2'd1, 2'd2, 2'd2, 2'd0};
    // PLRU bits (root, left, right) after each touch: 110, 100, 001, 000, 110, 100, 000, 001
    plru_exp = {2'd2, 2'd2, 2'd0, 2'd0, 2'd2, 2'd2, 2'd0, 2'd0};
    touch = 1'b0;
    touch8 = 1'b0;
    alloc = 1'b0;
    set   = 1'b0;
    vset  = 1'b0;
    way   = '0;
    way8  = '0;
    fifo_way = '0;
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;

    `TB_EQ(lru_victim, 2'd3, "LRU reset: way 3 has the last rank")
    `TB_EQ(plru_victim, 2'd0, "PLRU reset: all bits 0, victim way 0")
    for (int i = 0; i < 8; i++) begin
      use_way(1'b0, seq[(7-i)*2+:2]);
      `TB_EQ(lru_victim, lru_exp[(7-i)*2+:2], $sformatf("LRU victim after touch %0d", i))
      `TB_EQ(plru_victim, plru_exp[(7-i)*2+:2], $sformatf("PLRU victim after touch %0d", i))
    end

    // Sets are independent: set 1 was never touched.
    vset = 1'b1;
    #1;
    `TB_EQ(lru_victim, 2'd3, "LRU set 1 untouched")
    `TB_EQ(plru_victim, 2'd0, "PLRU set 1 untouched")
    use_way(1'b1, 2'd3);
    use_way(1'b1, 2'd0);
    `TB_EQ(lru_victim, 2'd2, "LRU set 1 after 3, 0: ranks 1320")
    `TB_EQ(plru_victim, 2'd2, "PLRU set 1 after 3, 0: bits 110")
    vset = 1'b0;
    #1;
    `TB_EQ(lru_victim, 2'd0, "LRU set 0 unchanged by set 1")
    `TB_EQ(plru_victim, 2'd0, "PLRU set 0 unchanged by set 1")

    // Eight ways: nodes 1..7. Touch 5: b1 = 0, b3 = 1, b6 = 0.
    use_way8(3'd5);
    `TB_EQ(plru8_victim, 3'd0, "PLRU8 after 5: left, left, left")
    use_way8(3'd0);  // b1 = 1, b2 = 1, b4 = 1
    `TB_EQ(plru8_victim, 3'd6, "PLRU8 after 5, 0: right, right (b3), left (b7)")
    use_way8(3'd6);  // b1 = 0, b3 = 0, b7 = 1
    `TB_EQ(plru8_victim, 3'd2, "PLRU8 after 5, 0, 6: left, right (b2), left (b5)")

    // R2: the pointer advances only when an allocation writes its way, and wraps at Ways.
    `TB_EQ(fifo_victim, 2'd0, "FIFO reset")
    fifo_fill(1'b0, 2'd1);
    `TB_EQ(fifo_victim, 2'd0, "FIFO: a fill of another way does not advance")
    fifo_write(1'b0, 2'd0, 1'b0);
    `TB_EQ(fifo_victim, 2'd0, "FIFO: the pointer's way without alloc_i (in place) does not advance")
    fifo_fill(1'b0, 2'd0);
    `TB_EQ(fifo_victim, 2'd1, "FIFO: 0 -> 1")
    fifo_fill(1'b0, 2'd1);
    `TB_EQ(fifo_victim, 2'd2, "FIFO: 1 -> 2")
    fifo_fill(1'b0, 2'd2);
    `TB_EQ(fifo_victim, 2'd0, "FIFO: 2 wraps to 0 with three ways")
    fifo_fill(1'b1, 2'd0);
    `TB_EQ(fifo_victim, 2'd0, "FIFO: set 0 unchanged by a fill of set 1")
    vset = 1'b1;
    #1;
    `TB_EQ(fifo_victim, 2'd1, "FIFO: set 1 advanced")
    `TB_DONE
  end
endmodule
