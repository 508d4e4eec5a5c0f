// Which way of its set a fill writes, and the replacement state behind the choice (docs/timing.md, R1-R5, R7): the
// lowest way holding a stale copy of the new entry (R7, in place), else the lowest invalid way (R4), else the
// policy's victim. Every array with ways (the TLBs, the page-walk caches) takes its choice from here; the array
// itself finds the copies and the invalid ways, since only it knows what its entries hold.
//
// Uses (R1, R3): a hit (use_i) and a fill. FIFO (R2) advances only when the fill allocates (not in place). The random
// policy's LFSR (R5) steps at every fill, in place or not: its enable is the fill strobe alone.
module mmu_repl #(
  parameter int Sets     = 1,
  parameter int Ways     = 4,
  parameter int Policy   = 0,  // mmu_policy_t: 0 LRU, 1 tree PLRU, 2 FIFO, 3 random
  parameter int LfsrSeed = 1,  // R5: initial LFSR state (random policy)
  // Derived: do not override.
  parameter int SetW     = (Sets > 1) ? $clog2(Sets) : 1,
  parameter int WayW     = (Ways > 1) ? $clog2(Ways) : 1
) (
  input  logic            clk_i,
  input  logic            rst_ni,
  input  logic            use_i,           // a hit uses a way (not at an edge with a fill)
  input  logic [SetW-1:0] use_set_i,
  input  logic [WayW-1:0] use_way_i,
  input  logic            fill_i,
  input  logic [SetW-1:0] fill_set_i,
  input  logic [Ways-1:0] fill_copy_i,     // ways of the set holding a copy of the new entry (R7)
  input  logic [Ways-1:0] fill_free_i,     // invalid ways of the set (R4)
  output logic [WayW-1:0] fill_way_o,
  output logic            fill_in_place_o,  // the way is a copy (R7)
  output logic            fill_victim_o     // the way is the policy's victim: the set was full
);

  logic            free_any;
  logic [WayW-1:0] copy_way, free_way, victim_way;

  mmu_prio_enc #(
    .Width(Ways)
  ) u_copy (
    .req_i  (fill_copy_i),
    .valid_o(fill_in_place_o),
    .idx_o  (copy_way)
  );

  mmu_prio_enc #(
    .Width(Ways)
  ) u_free (
    .req_i  (fill_free_i),
    .valid_o(free_any),
    .idx_o  (free_way)
  );

  always_comb begin
    fill_way_o = victim_way;
    if (fill_in_place_o) fill_way_o = copy_way;
    else if (free_any) fill_way_o = free_way;
  end

  assign fill_victim_o = !fill_in_place_o && !free_any;

  if (Policy == 0 || Policy == 1) begin : g_use
    logic            touch;
    logic [SetW-1:0] touch_set;
    logic [WayW-1:0] touch_way;

    assign touch     = use_i || fill_i;
    assign touch_set = fill_i ? fill_set_i : use_set_i;
    assign touch_way = fill_i ? fill_way_o : use_way_i;

    if (Policy == 0) begin : g_lru
      mmu_repl_lru #(
        .Sets(Sets),
        .Ways(Ways)
      ) u_lru (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .touch_i     (touch),
        .touch_set_i (touch_set),
        .touch_way_i (touch_way),
        .victim_set_i(fill_set_i),
        .victim_way_o(victim_way)
      );
    end else begin : g_plru
      mmu_repl_plru #(
        .Sets(Sets),
        .Ways(Ways)
      ) u_plru (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .touch_i     (touch),
        .touch_set_i (touch_set),
        .touch_way_i (touch_way),
        .victim_set_i(fill_set_i),
        .victim_way_o(victim_way)
      );
    end
  end else if (Policy == 2) begin : g_fifo
    logic unused_use;
    assign unused_use = ^{use_i, use_set_i, use_way_i};  // hits change nothing (R2)

    mmu_repl_fifo #(
      .Sets(Sets),
      .Ways(Ways)
    ) u_fifo (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .alloc_i     (fill_i && !fill_in_place_o),  // R2: an in-place rewrite (R7) allocates nothing
      .alloc_set_i (fill_set_i),
      .alloc_way_i (fill_way_o),
      .victim_set_i(fill_set_i),
      .victim_way_o(victim_way)
    );
  end else begin : g_random
    logic [15:0] lfsr;
    logic        unused_use;
    assign unused_use = ^{use_i, use_set_i, use_way_i, fill_set_i};  // one LFSR for every set (R5)

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

`ifdef MMU_SIM
  initial begin
    assert (Policy >= 0 && Policy <= 3) else $error("mmu_repl: policy %0d is not 0..3", Policy);
    assert (Policy != 1 || (Ways & (Ways - 1)) == 0) else $error("mmu_repl: PLRU needs a power-of-two number of ways");
  end
`endif

endmodule
