// The walker alone (W1-W8, T10) against hand-built tables, memory latency L = 2 (3 cycles per access, M4):
// a walk of k accesses started in cycle s ends (done_o) in cycle s + 3k - 1. PaBits = 46.
//   PML4 0x1000: [0] -> PDPT 0x2000 (P W U A); [1] PS set (reserved in a PML4E)
//   PDPT 0x2000: [0] -> PD 0x3000; [1] 1 GiB leaf 0x40000000 G A D U W P; [2] 1 GiB leaf with bit 13 (reserved)
//   PD   0x3000: [0] -> PT 0x4000; [1] 2 MiB leaf 0x200000 read-only, NX, A; [2] 2 MiB leaf 0x600000 A D clear;
//                [3] 2 MiB leaf with bit 20 (reserved); [4] table entry with bit 50 (above PaBits: reserved)
//   PT   0x4000: [0] 4 KiB 0x5000 A set, D clear; [1] not present
module tb_mmu_ptw;
  `include "tb_check.svh"

  localparam int PaBits = 46;
  localparam logic [1:0] Load = 2'd0, Store = 2'd1, Fetch = 2'd2;

  logic              clk = 1'b0, rst_n = 1'b1;
  int                cyc = 0;
  logic              start = 1'b0, user = 1'b0;
  logic [47:0]       vaddr = '0;
  logic [1:0]        op = '0;
  logic              req_valid, req_write, ready, rvalid, idle, done, fault, glob, wr, us, nx, dirty;
  logic [63:0]       req_addr, req_wdata, req_cmp, rdata;
  logic [7:0]        req_wstrb;
  logic [2:0]        cause;
  logic [4:0]        ecode;
  logic [PaBits-1:0] paddr, base;
  logic [35:0]       vpn;
  logic [1:0]        level;
  logic [11:0]       pcid;

  mmu_ptw #(.PaBits(PaBits)) u_dut (
    .clk_i(clk), .rst_ni(rst_n), .start_i(start), .vaddr_i(vaddr), .op_i(op), .user_i(user), .pcid_i(12'h5a5),
    .root_i(34'h1),
    .mem_req_valid_o(req_valid), .mem_req_addr_o(req_addr), .mem_req_write_o(req_write),
    .mem_req_wdata_o(req_wdata), .mem_req_wstrb_o(req_wstrb), .mem_req_cmp_o(req_cmp),
    .mem_req_ready_i(ready),
    .mem_resp_valid_i(rvalid), .mem_resp_rdata_i(rdata),
    .idle_o(idle), .done_o(done), .fault_o(fault), .cause_o(cause), .ecode_o(ecode), .paddr_o(paddr),
    .vpn_o(vpn), .level_o(level), .base_o(base), .pcid_o(pcid), .global_o(glob), .writable_o(wr), .user_ok_o(us),
    .nx_o(nx), .dirty_o(dirty), .readable_o(),
    // no page-walk caches (PwcLatency = 0): the walk starts at the root, nothing is kept for a fill
    .pwc_lkp_o(), .pwc_hit_i(1'b0), .pwc_level_i(3'd0), .pwc_table_i({(PaBits-12){1'b0}}),
    .pwc_writable_i(1'b0), .pwc_user_i(1'b0), .pwc_nx_i(1'b0), .thr_valid_o(), .thr_table_o(), .thr_writable_o(),
    .thr_user_o(), .thr_nx_o()
  );

  // Memory: latency 2, `stall` cycles of back-pressure before the next acceptance.
  logic [63:0] ram[4096];
  logic        pend = 1'b0;
  int          left = 0, stall = 0, n_acc = 0, n_writes = 0;
  logic [63:0] data = '0, last_waddr = '0, last_wdata = '0;

  assign ready  = !pend && stall == 0;
  assign rvalid = pend && left == 0;
  assign rdata  = rvalid ? data : 64'h0;

  always @(posedge clk) begin
    cyc <= cyc + 1;
    if (pend) begin
      if (left == 0) pend <= 1'b0;
      else left <= left - 1;
    end else if (req_valid && stall > 0) begin
      stall <= stall - 1;
    end else if (req_valid) begin
      pend  <= 1'b1;
      left  <= 1;
      data  <= ram[req_addr[14:3]];
      n_acc <= n_acc + 1;
      if (req_write) begin
        `TB_EQ(req_cmp, ram[req_addr[14:3]], "M9: the write-back compares with the entry as read")
        ram[req_addr[14:3]] <= req_wdata;
        n_writes   <= n_writes + 1;
        last_waddr <= req_addr;
        last_wdata <= req_wdata;
        `TB_EQ(req_wstrb, 8'hff, "W7: the write covers the PTE")
      end
    end
  end

  task automatic tick;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
  endtask

  // Starts a walk in the current cycle s, runs to done_o and checks when and what.
  task automatic walk(input logic [47:0] va, input logic [1:0] o, input logic u, input int accesses,
                      input logic [2:0] want_cause, input logic [4:0] want_ecode, input logic [63:0] want_paddr,
                      input string what);
    int s;
    s     = cyc;
    vaddr = va;
    op    = o;
    user  = u;
    start = 1'b1;
    #1;
    `TB_EQ(req_valid, 1'b1, {what, ": W1, first request in the start cycle"})
    `TB_EQ(req_addr, 64'h1000 + 64'(va[47:39]) * 8, {what, ": W1, the root-level entry"})
    tick();
    start = 1'b0;
    vaddr = '0;  // the walk uses its latched context
    op    = 2'd3;
    user  = 1'bx;
    while (!done && cyc < s + 100) begin
      #1;
      if (!done) tick();
    end
    `TB_EQ(cyc, s + 3 * accesses - 1 + stall_total, {what, ": done cycle"})
    `TB_EQ(cause, want_cause, {what, ": cause"})
    `TB_EQ(fault, want_cause != 3'd0, {what, ": fault"})
    `TB_EQ(ecode, want_ecode, {what, ": error code"})
    `TB_EQ(64'(paddr), want_paddr, {what, ": paddr"})
    cap_vpn   = vpn;  // the translation to fill is valid in the done cycle only
    cap_level = level;
    cap_base  = base;
    cap_pcid  = pcid;
    cap_flags = {glob, wr, us, nx, dirty};
    tick();
    `TB_EQ(idle, 1'b1, {what, ": back to idle"})
  endtask

  int                stall_total = 0;
  logic [35:0]       cap_vpn;
  logic [1:0]        cap_level;
  logic [PaBits-1:0] cap_base;
  logic [11:0]       cap_pcid;
  logic [4:0]        cap_flags;

  task automatic check_entry(input logic [35:0] want_vpn, input logic [1:0] want_level,
                             input logic [PaBits-1:0] want_base, input logic [4:0] gwund, input string what);
    `TB_EQ(cap_vpn, want_vpn, {what, ": vpn"})
    `TB_EQ(cap_level, want_level, {what, ": level"})
    `TB_EQ(cap_base, want_base, {what, ": base"})
    `TB_EQ(cap_pcid, 12'h5a5, {what, ": pcid"})
    `TB_EQ(cap_flags, gwund, {what, ": G W U NX D"})
  endtask

  initial begin
    for (int i = 0; i < 4096; i++) ram[i] = 64'h0;
    ram[(64'h1000 >> 3) + 0] = 64'h2027;
    ram[(64'h1000 >> 3) + 1] = 64'h20a7;
    ram[(64'h2000 >> 3) + 0] = 64'h3027;
    ram[(64'h2000 >> 3) + 1] = 64'h4000_01e7;
    ram[(64'h2000 >> 3) + 2] = 64'h8000_20a7;
    ram[(64'h3000 >> 3) + 0] = 64'h4027;
    ram[(64'h3000 >> 3) + 1] = 64'h8000_0000_0020_00a5;
    ram[(64'h3000 >> 3) + 2] = 64'h0060_0087;
    ram[(64'h3000 >> 3) + 3] = 64'h0070_00a7 | 64'h10_0000;
    ram[(64'h3000 >> 3) + 4] = 64'h4027 | (64'h1 << 50);
    ram[(64'h4000 >> 3) + 0] = 64'h5027;
    ram[(64'h4000 >> 3) + 1] = 64'h0;
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    `TB_EQ(idle, 1'b1, "reset: idle")
    `TB_EQ(req_valid, 1'b0, "reset: no request without a start")

    walk(48'h4001_2345, Load, 1'b1, 2, 3'd0, 5'd0, 64'h4001_2345, "1 GiB leaf");
    check_entry(36'h1, 2'd3, 46'h4000_0000, 5'b11101, "1 GiB entry");
    walk(48'h0020_1234, Load, 1'b0, 3, 3'd0, 5'd0, 64'h0020_1234, "2 MiB leaf, supervisor load");
    check_entry(36'h1, 2'd2, 46'h0020_0000, 5'b00110, "2 MiB entry: read-only, NX, D clear");
    walk(48'h0020_1234, Store, 1'b0, 3, 3'd2, 5'b00011, 64'h0, "W6: supervisor store to read-only (CR0.WP)");
    walk(48'h0020_1234, Fetch, 1'b1, 3, 3'd2, 5'b10101, 64'h0, "W6: user fetch from NX, I/D set");
    walk(48'h0040_0010, Load, 1'b0, 4, 3'd0, 5'd0, 64'h0060_0010, "W7: 2 MiB leaf, A written back");
    `TB_EQ(last_waddr, 64'h3010, "W7: the PDE's address")
    `TB_EQ(last_wdata, 64'h0060_00a7, "W7: A set, D clear for a load")
    check_entry(36'h2, 2'd2, 46'h0060_0000, 5'b01100, "2 MiB entry after a load: D clear");
    walk(48'h0040_0020, Store, 1'b1, 4, 3'd0, 5'd0, 64'h0060_0020, "W7: store, D written back");
    `TB_EQ(last_wdata, 64'h0060_00e7, "W7: A and D set")
    check_entry(36'h2, 2'd2, 46'h0060_0000, 5'b01101, "2 MiB entry after a store: dirty");
    walk(48'h0000_0abc, Store, 1'b0, 5, 3'd0, 5'd0, 64'h0000_5abc, "4 KiB store: D written back");
    `TB_EQ(last_waddr, 64'h4000, "the PTE's address")
    `TB_EQ(last_wdata, 64'h5067, "PTE with D")
    check_entry(36'h0, 2'd1, 46'h0000_5000, 5'b01101, "4 KiB entry");
    walk(48'h0000_1000, Load, 1'b1, 4, 3'd1, 5'b00100, 64'h0, "W4: PTE not present, user load");
    walk(48'h8000_0000, Store, 1'b1, 2, 3'd3, 5'b01111, 64'h0, "W5: bit 13 of a 1 GiB leaf");
    walk(48'h0060_0000, Load, 1'b0, 3, 3'd3, 5'b01001, 64'h0, "W5: bit 20 of a 2 MiB leaf");
    walk(48'h0080_0000, Fetch, 1'b0, 3, 3'd3, 5'b11001, 64'h0, "W5: bit 50 >= PaBits in a table entry");
    walk(48'h0080_0000_0000, Load, 1'b0, 1, 3'd3, 5'b01001, 64'h0, "W5: PS in a PML4E");

    // M1 back-pressure: the first request waits 3 cycles for ready; the walk ends 3 cycles later.
    stall       = 3;
    stall_total = 3;
    walk(48'h4001_2345, Load, 1'b0, 2, 3'd0, 5'd0, 64'h4001_2345, "back-pressure on the first access");
    `TB_DONE
  end
endmodule
