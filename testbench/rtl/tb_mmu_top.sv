// The MMU top against the cycle diagrams of docs/timing.md, every cycle number worked out by hand from the rules:
// H1 = 1, H2 = 2, memory latency L = 3 without back-pressure, so each access costs L + 1 = 4 cycles (M4).
// Page tables (memory below 0x8000; every other word reads 0):
//   PML4 0x1000 [0] -> PDPT 0x2000 [0] -> PD 0x3000 [2] -> PT 0x4000   (P W U A set in each)
//   PT[1] 0x4008: 0x555067 (A D)  PT[2] 0x4010: 0x666007 (A D clear)  PT[3] 0x4018: 0x777023 (supervisor)
//   PT[4..6]: 0x888067, 0x999067, 0xaaa067
module tb_mmu_top;
  `include "tb_check.svh"

  localparam int L = 3;
  localparam logic [63:0] Va1 = 64'h40_1234, Va2 = 64'h40_2010, Va3 = 64'h80_0000_0000, Va4 = 64'h40_3000;
  localparam logic [63:0] Va5 = 64'h40_4000, Va6 = 64'h40_5000, Va7 = 64'h40_6000;
  localparam logic [1:0] Load = 2'd0, Store = 2'd1, Fetch = 2'd2;

  logic        clk = 1'b0, rst_n = 1'b1;
  int          cyc = 0;
  logic        ireq_valid = 1'b0, ireq_user = 1'b0, dreq_valid = 1'b0, dreq_user = 1'b0;
  logic [63:0] ireq_vaddr = '0, dreq_vaddr = '0;
  logic [1:0]  ireq_op = '0, dreq_op = '0;
  logic [7:0]  ireq_tag = '0, dreq_tag = '0;
  logic        cr3_we = 1'b0, flush_valid = 1'b0;
  logic [63:0] cr3_wdata = '0, flush_vaddr = '0;
  logic [2:0]  flush_op = '0;
  logic [15:0] flush_pcid = '0;
  logic        ireq_ready, iresp_valid, iresp_fault, dreq_ready, dresp_valid, dresp_fault;
  logic [7:0]  iresp_tag, dresp_tag;
  logic [63:0] iresp_paddr, dresp_paddr;
  logic [2:0]  iresp_cause, dresp_cause;
  logic [4:0]  iresp_ecode, dresp_ecode;
  logic [1:0]  iresp_level, dresp_level;
  logic        mem_req_valid, mem_req_write, mem_ready, mem_rvalid;
  logic [63:0] mem_req_addr, mem_req_wdata, mem_req_cmp, mem_rdata;
  logic [7:0]  mem_req_wstrb;

  mmu_top #(
    .L1iEntries(8), .L1iWays(2), .L1dEntries(8), .L1dWays(4), .L2Entries(16), .L2Ways(4), .L2HitLatency(2)
  ) u_dut (
    .clk_i(clk), .rst_ni(rst_n),
    .ireq_valid_i(ireq_valid), .ireq_vaddr_i(ireq_vaddr), .ireq_op_i(ireq_op), .ireq_user_i(ireq_user),
    .ireq_tag_i(ireq_tag),
    .dreq_valid_i(dreq_valid), .dreq_vaddr_i(dreq_vaddr), .dreq_op_i(dreq_op), .dreq_user_i(dreq_user),
    .dreq_tag_i(dreq_tag),
    .cr3_we_i(cr3_we), .cr3_wdata_i(cr3_wdata), .flush_valid_i(flush_valid), .flush_op_i(flush_op),
    .flush_vaddr_i(flush_vaddr), .flush_pcid_i(flush_pcid),
    .mem_req_ready_i(mem_ready), .mem_resp_valid_i(mem_rvalid), .mem_resp_rdata_i(mem_rdata),
    .ireq_ready_o(ireq_ready), .iresp_valid_o(iresp_valid), .iresp_tag_o(iresp_tag), .iresp_paddr_o(iresp_paddr),
    .iresp_fault_o(iresp_fault), .iresp_cause_o(iresp_cause), .iresp_ecode_o(iresp_ecode),
    .iresp_level_o(iresp_level),
    .dreq_ready_o(dreq_ready), .dresp_valid_o(dresp_valid), .dresp_tag_o(dresp_tag), .dresp_paddr_o(dresp_paddr),
    .dresp_fault_o(dresp_fault), .dresp_cause_o(dresp_cause), .dresp_ecode_o(dresp_ecode),
    .dresp_level_o(dresp_level),
    .mem_req_valid_o(mem_req_valid), .mem_req_addr_o(mem_req_addr), .mem_req_write_o(mem_req_write),
    .mem_req_wdata_o(mem_req_wdata), .mem_req_wstrb_o(mem_req_wstrb), .mem_req_cmp_o(mem_req_cmp)
  );

  // ---------------------------------------------------------------------------------------------------------------
  // Memory (M1, M2): one request at a time, accepted when presented while idle, response L cycles later.
  logic [63:0] ram[4096];  // bytes 0x0000..0x7fff
  logic        pend = 1'b0;
  int          left = 0;
  logic [63:0] data = '0;
  int          n_acc = 0;
  int          acc_cyc[64];
  logic [63:0] acc_addr[64], acc_wdata[64];
  logic        acc_write[64];
  logic [7:0]  acc_wstrb[64];

  function automatic logic [63:0] rd(input logic [63:0] addr);
    rd = (addr < 64'h8000) ? ram[addr[14:3]] : 64'h0;
  endfunction

  assign mem_ready  = !pend;
  assign mem_rvalid = pend && left == 0;
  assign mem_rdata  = mem_rvalid ? data : 64'h0;

  always @(posedge clk) begin
    cyc <= cyc + 1;
    if (pend) begin
      if (left == 0) pend <= 1'b0;
      else left <= left - 1;
    end else if (mem_req_valid) begin
      pend <= 1'b1;
      left <= L - 1;
      data <= rd(mem_req_addr);
      if (mem_req_write) begin
        `TB_EQ(mem_req_wstrb, 8'hff, "an A/D write covers the whole PTE")
        `TB_EQ(mem_req_cmp, rd(mem_req_addr), "M9: the write-back compares with the entry as read")
        ram[mem_req_addr[14:3]] <= mem_req_wdata;
      end
      acc_cyc[n_acc]   <= cyc;
      acc_addr[n_acc]  <= mem_req_addr;
      acc_write[n_acc] <= mem_req_write;
      acc_wdata[n_acc] <= mem_req_wdata;
      acc_wstrb[n_acc] <= mem_req_wstrb;
      n_acc <= n_acc + 1;
    end
  end

  // ---------------------------------------------------------------------------------------------------------------
  task automatic tick;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
  endtask

  // Presents a data-port request in the current cycle (the port must be ready) and moves to the next cycle.
  task automatic d_req(input logic [63:0] va, input logic [1:0] op, input logic user, input logic [7:0] tag);
    `TB_EQ(dreq_ready, 1'b1, "data port ready")
    dreq_valid = 1'b1;
    dreq_vaddr = va;
    dreq_op    = op;
    dreq_user  = user;
    dreq_tag   = tag;
    tick();
    // T4: everything after acceptance uses the latched context, so the inputs may change at once.
    dreq_valid = 1'b0;
    dreq_vaddr = ~va;
    dreq_op    = 2'd3;
    dreq_user  = ~user;
    dreq_tag   = ~tag;
  endtask

  task automatic i_req(input logic [63:0] va, input logic [7:0] tag);
    `TB_EQ(ireq_ready, 1'b1, "instruction port ready")
    ireq_valid = 1'b1;
    ireq_vaddr = va;
    ireq_op    = Fetch;
    ireq_user  = 1'b0;
    ireq_tag   = tag;
    tick();
    ireq_valid = 1'b0;
    ireq_vaddr = ~va;
    ireq_user  = 1'b1;
    ireq_tag   = ~tag;
  endtask

  // Runs to the data port's response and checks it; returns in the response cycle.
  task automatic d_resp(input int at, input logic [63:0] paddr, input logic [2:0] cause, input logic [4:0] ecode,
                        input logic [1:0] level, input logic [7:0] tag, input string what);
    while (!dresp_valid && cyc < at + 50) tick();
    `TB_EQ(cyc, at, {what, ": response cycle"})
    `TB_EQ(dresp_paddr, paddr, {what, ": paddr"})
    `TB_EQ(dresp_fault, cause != 3'd0, {what, ": fault"})
    `TB_EQ(dresp_cause, cause, {what, ": cause"})
    `TB_EQ(dresp_ecode, ecode, {what, ": error code"})
    `TB_EQ(dresp_level, level, {what, ": level"})
    `TB_EQ(dresp_tag, tag, {what, ": tag"})
  endtask

  task automatic i_resp(input int at, input logic [63:0] paddr, input logic [1:0] level, input string what);
    while (!iresp_valid && cyc < at + 50) tick();
    `TB_EQ(cyc, at, {what, ": response cycle"})
    `TB_EQ(iresp_paddr, paddr, {what, ": paddr"})
    `TB_EQ(iresp_fault, 1'b0, {what, ": fault"})
    `TB_EQ(iresp_level, level, {what, ": level"})
  endtask

  task automatic expect_access(input int k, input int at, input logic [63:0] addr, input logic write,
                               input logic [63:0] wdata, input string what);
    `TB_EQ(acc_cyc[k], at, {what, ": accepted in cycle"})
    `TB_EQ(acc_addr[k], addr, {what, ": address"})
    `TB_EQ(acc_write[k], write, {what, ": write"})
    if (write) `TB_EQ(acc_wdata[k], wdata, {what, ": write data"})
  endtask

  task automatic reset;
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
  endtask

  localparam logic [63:0] Pml4 = 64'h1000, Pdpt = 64'h2000, Pd = 64'h3000, Pt = 64'h4000;

  initial begin
    for (int i = 0; i < 4096; i++) ram[i] = 64'h0;
    ram[(Pml4 + 0 * 8) >> 3] = Pdpt | 64'h27;
    ram[(Pdpt + 0 * 8) >> 3] = Pd | 64'h27;
    ram[(Pd + 2 * 8) >> 3]   = Pt | 64'h27;
    ram[(Pt + 1 * 8) >> 3]   = 64'h555067;
    ram[(Pt + 2 * 8) >> 3]   = 64'h666007;
    ram[(Pt + 3 * 8) >> 3]   = 64'h777023;
    ram[(Pt + 4 * 8) >> 3]   = 64'h888067;
    ram[(Pt + 5 * 8) >> 3]   = 64'h999067;
    ram[(Pt + 6 * 8) >> 3]   = 64'haaa067;
    reset();

    // Cycle 0: CR3 write (T11), requests from cycle 1 use it.
    `TB_EQ(mem_req_valid, 1'b0, "reset: no memory request")
    cr3_we    = 1'b1;
    cr3_wdata = Pml4;
    tick();
    cr3_we = 1'b0;

    // Cycle 1: full 4-level walk, A bits set: m = g = 2, L2 result and walk start at 4, accesses at 4 8 12 16,
    // response 20 (latency 19 = H1 + H2 + 4 (L + 1)).
    d_req(Va1, Load, 1'b0, 8'h11);
    d_resp(20, 64'h555234, 3'd0, 5'd0, 2'd2, 8'h11, "4-level walk");
    expect_access(0, 4, Pml4, 1'b0, '0, "walk read L4");
    expect_access(1, 8, Pdpt, 1'b0, '0, "walk read L3");
    expect_access(2, 12, Pd + 16, 1'b0, '0, "walk read L2");
    expect_access(3, 16, Pt + 8, 1'b0, '0, "walk read L1");
    // T14: the next request in the response cycle sees the fill (L1 hit, 1 cycle).
    d_req(Va1 + 8, Load, 1'b0, 8'h12);
    d_resp(21, 64'h55523c, 3'd0, 5'd0, 2'd0, 8'h12, "L1 hit after the walk's fill");
    // Instruction port: L1I miss, L2 hit (filled by the data walk): g = 22, result 24.
    i_req(Va1, 8'h21);
    i_resp(24, 64'h555234, 2'd1, "L2 hit");
    i_req(Va1, 8'h22);
    i_resp(25, 64'h555234, 2'd0, "L1I hit after the L2 fill");

    // Cycle 25: A clear in the leaf: 4 reads (28 32 36 40), write of A at 44, response 48 (latency 23).
    d_req(Va2, Load, 1'b0, 8'h13);
    d_resp(48, 64'h666010, 3'd0, 5'd0, 2'd2, 8'h13, "walk with A write-back");
    expect_access(8, 44, Pt + 16, 1'b1, 64'h666027, "A write-back");
    // Cycle 48: store to the clean entry: dirty re-walk from the grant cycle 49: reads 49 53 57 61, write 65 (T9).
    d_req(Va2, Store, 1'b0, 8'h14);
    d_resp(69, 64'h666010, 3'd0, 5'd0, 2'd2, 8'h14, "dirty re-walk");
    expect_access(9, 49, Pml4, 1'b0, '0, "dirty re-walk starts in the grant cycle");
    expect_access(13, 65, Pt + 16, 1'b1, 64'h666067, "D write-back");
    d_req(Va2 + 4, Store, 1'b0, 8'h15);
    d_resp(70, 64'h666014, 3'd0, 5'd0, 2'd0, 8'h15, "store hits the dirty entry");

    // Faults (T7, W4, W6, T10).
    d_req(64'h0000_8000_0000_0000, Load, 1'b0, 8'h16);
    d_resp(71, 64'h0, 3'd4, 5'd0, 2'd3, 8'h16, "non-canonical");
    d_req(Va3, Store, 1'b1, 8'h17);
    d_resp(78, 64'h0, 3'd1, 5'b00110, 2'd2, 8'h17, "PML4E not present (latency 7)");
    d_req(Va4, Load, 1'b1, 8'h18);
    d_resp(97, 64'h0, 3'd2, 5'b00101, 2'd2, 8'h18, "user load of a supervisor page");

    // CR3 write during a walk (T11, T13): the walk of Va5 (reads 100 104 108 112) completes normally at 116,
    // fills nothing, and the write drops Va1 from every TLB.
    d_req(Va5, Load, 1'b0, 8'h19);
    while (cyc < 105) tick();
    cr3_we    = 1'b1;
    cr3_wdata = Pml4;
    tick();
    cr3_we = 1'b0;
    d_resp(116, 64'h888000, 3'd0, 5'd0, 2'd2, 8'h19, "overtaken walk");
    d_req(Va5, Load, 1'b0, 8'h1a);
    d_resp(135, 64'h888000, 3'd0, 5'd0, 2'd2, 8'h1a, "not filled: walks again");
    d_req(Va1, Load, 1'b0, 8'h1b);
    d_resp(154, 64'h555234, 3'd0, 5'd0, 2'd2, 8'h1b, "flushed by the CR3 write: walks again");

    // Flush during a walk (T12, T13): VA flush of Va5 in cycle 160 while Va6 walks (154..173).
    d_req(Va6, Load, 1'b0, 8'h1c);
    while (cyc < 160) tick();
    flush_valid = 1'b1;
    flush_op    = 3'd3;
    flush_vaddr = Va5;
    tick();
    flush_valid = 1'b0;
    d_resp(173, 64'h999000, 3'd0, 5'd0, 2'd2, 8'h1c, "walk overtaken by a flush");
    d_req(Va1, Load, 1'b0, 8'h1d);
    d_resp(174, 64'h555234, 3'd0, 5'd0, 2'd0, 8'h1d, "the flush of another page spares Va1");
    d_req(Va5, Load, 1'b0, 8'h1e);
    d_resp(193, 64'h888000, 3'd0, 5'd0, 2'd2, 8'h1e, "the flushed page walks again");

    // A CR3 write in the acceptance cycle (T4, T13): the request walks with the old root and fills nothing; the
    // next one uses the new root 0x7000 (an empty PML4: not present after one access, latency 7).
    cr3_we    = 1'b1;
    cr3_wdata = 64'h7000;
    d_req(Va6, Load, 1'b0, 8'h20);
    cr3_we = 1'b0;
    d_resp(212, 64'h999000, 3'd0, 5'd0, 2'd2, 8'h20, "accepted with the CR3 write: old root");
    d_req(Va6, Load, 1'b0, 8'h21);
    d_resp(219, 64'h0, 3'd1, 5'd0, 2'd2, 8'h21, "overtaken, not filled: the new root's walk");
    `TB_EQ(acc_addr[n_acc - 1], 64'h7000, "the walk reads the new root")

    // Both ports miss in cycle r (T5) right after reset: the data port wins the first tie (T15) and answers at
    // r + 19; the instruction port is granted in that cycle and answers at r + 19 + 2 + 16 = r + 37.
    reset();
    cr3_we    = 1'b1;
    cr3_wdata = Pml4;
    tick();
    cr3_we = 1'b0;
    begin
      int r;
      r = cyc;
      ireq_valid = 1'b1;
      ireq_vaddr = Va7;
      ireq_op    = Fetch;
      ireq_tag   = 8'h23;
      dreq_valid = 1'b1;
      dreq_vaddr = Va6;
      dreq_op    = Load;
      dreq_tag   = 8'h1f;
      tick();
      ireq_valid = 1'b0;
      dreq_valid = 1'b0;
      d_resp(r + 19, 64'h999000, 3'd0, 5'd0, 2'd2, 8'h1f, "tie after reset: data port first");
      i_resp(r + 37, 64'haaa000, 2'd2, "then the instruction port, granted in the data response cycle");
    end
    `TB_DONE
  end
endmodule
