// Random smoke test of mmu_top under Icarus, for any parameter set (-P overrides of the tb parameters): random
// requests on both ports, flushes, CR3 writes, and a memory of random page tables (a hash of the address, with the
// walker's A/D writes remembered) with random latency and back-pressure. Checks what holds whatever the tables:
// one response per accepted request, in order, with its tag; a response cycle leaves the port ready (T2); a fault
// carries paddr 0; memory requests are 8-byte aligned and held until accepted (M1). Exact values are the co-
// simulation's job; this test proves the RTL runs under Icarus in every configuration (a zero-time loop shows up
// as a ctest timeout) and keeps the RTL assertions quiet.
module tb_mmu_top_random #(
  parameter int L1iEntries   = 8,
  parameter int L1iWays      = 2,
  parameter int L1iPolicy    = 0,
  parameter int L1iHitLatency = 1,
  parameter int L1dEntries   = 8,
  parameter int L1dWays      = 4,
  parameter int L1dPolicy    = 0,
  parameter int L1dHitLatency = 1,
  parameter int L2Entries    = 16,
  parameter int L2Ways       = 4,
  parameter int L2Policy     = 0,
  parameter int L2HitLatency = 2,
  parameter int PcidEn       = 0,
  parameter int PaBits       = 46,
  parameter int Mode         = 0,
  parameter int Sum          = 0,
  parameter int Mxr          = 0,
  parameter int Svadu        = 0,
  parameter int LfsrSeedL1i  = 'h1001,
  parameter int LfsrSeedL1d  = 'h2001,
  parameter int LfsrSeedL2   = 'h3001,
  // page-walk caches (W9-W12), as mmu_top's
  parameter int PwcL2Entries = 0,
  parameter int PwcL2Ways    = 1,
  parameter int PwcL2Policy  = 0,
  parameter int PwcL2HitLatency = 1,
  parameter int PwcL3Entries = 0,
  parameter int PwcL3Ways    = 1,
  parameter int PwcL3Policy  = 0,
  parameter int PwcL3HitLatency = 1,
  parameter int PwcL4Entries = 0,
  parameter int PwcL4Ways    = 1,
  parameter int PwcL4Policy  = 0,
  parameter int PwcL4HitLatency = 1,
  parameter int PwcL5Entries = 0,
  parameter int PwcL5Ways    = 1,
  parameter int PwcL5Policy  = 0,
  parameter int PwcL5HitLatency = 1,
  parameter int Cycles       = 20000,
  parameter int Seed         = 1
);
  `include "tb_check.svh"

  localparam logic [63:0] Pool = 64'h10_0000;  // 64 table frames from here
  // The mode's virtual-address width and satp.MODE (0: the register is CR3), from the RTL's own tables.
  localparam int VaBits = 12 + 9 * 32'(mmu_arch_pkg::ModeLevels[Mode*8+:8]);
  localparam logic [3:0] SatpMode = 4'(mmu_arch_pkg::ModeSatp[Mode*8+:8]);
  localparam logic [63:0] VaMask = (64'd1 << VaBits) - 64'd1;

  logic        clk = 1'b0, rst_n = 1'b1;
  logic [63:0] rs;
  logic        ireq_valid, dreq_valid, ireq_user, dreq_user, cr3_we, flush_valid;
  logic [63:0] ireq_vaddr, dreq_vaddr, cr3_wdata, flush_vaddr;
  logic [1:0]  ireq_op, dreq_op;
  logic [7:0]  ireq_tag, dreq_tag;
  logic [2:0]  flush_op;
  logic [15:0] flush_pcid;
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
    .L1iEntries(L1iEntries), .L1iWays(L1iWays), .L1iPolicy(L1iPolicy), .L1iHitLatency(L1iHitLatency),
    .L1dEntries(L1dEntries), .L1dWays(L1dWays), .L1dPolicy(L1dPolicy), .L1dHitLatency(L1dHitLatency),
    .L2Entries(L2Entries), .L2Ways(L2Ways), .L2Policy(L2Policy), .L2HitLatency(L2HitLatency), .PcidEn(PcidEn),
    .PaBits(PaBits), .Mode(Mode), .Sum(Sum), .Mxr(Mxr), .Svadu(Svadu), .LfsrSeedL1i(LfsrSeedL1i),
    .LfsrSeedL1d(LfsrSeedL1d), .LfsrSeedL2(LfsrSeedL2),
    .PwcL2Entries(PwcL2Entries), .PwcL2Ways(PwcL2Ways), .PwcL2Policy(PwcL2Policy),
    .PwcL2HitLatency(PwcL2HitLatency),
    .PwcL3Entries(PwcL3Entries), .PwcL3Ways(PwcL3Ways), .PwcL3Policy(PwcL3Policy),
    .PwcL3HitLatency(PwcL3HitLatency),
    .PwcL4Entries(PwcL4Entries), .PwcL4Ways(PwcL4Ways), .PwcL4Policy(PwcL4Policy),
    .PwcL4HitLatency(PwcL4HitLatency),
    .PwcL5Entries(PwcL5Entries), .PwcL5Ways(PwcL5Ways), .PwcL5Policy(PwcL5Policy),
    .PwcL5HitLatency(PwcL5HitLatency)
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

  function automatic logic [63:0] xorshift(input logic [63:0] x);
    x = x ^ (x << 13);
    x = x ^ (x >> 7);
    xorshift = x ^ (x << 17);
  endfunction

  task automatic next_rand(output logic [63:0] r);
    rs = xorshift(rs);
    r  = rs;
  endtask

  // ---------------------------------------------------------------------------------------------------------------
  // Memory: random page-table entries from a hash of the address; written words remembered (direct mapped).
  logic [63:0] wtag[1024], wval[1024];
  logic        wok[1024];

  function automatic logic [63:0] pte_at(input logic [63:0] addr);
    logic [63:0] h, p;
    h = xorshift(xorshift(addr ^ 64'h9e37_79b9_7f4a_7c15));
    p = 64'h0;
    p[0] = h[6:0] != 7'd0;          // present, but 1 in 128
    p[1] = h[9:7] != 3'd0;          // writable
    p[2] = h[12:10] != 3'd0;        // user
    p[5] = h[13];                   // accessed
    p[6] = h[14];                   // dirty
    p[7] = h[17:15] == 3'd0;        // page size
    p[8] = h[20:18] == 3'd0;        // global
    p[63] = h[23:21] == 3'd0;       // no-execute
    if (h[25:24] == 2'd0) p[51:12] = 40'(h[63:32]);  // data frame, may hit reserved bits
    else p[51:12] = 40'((Pool >> 12) + h[31:26]);     // another table of the pool
    if (h[29:26] == 4'd0) p[62:52] = h[42:32];          // ignored bits
    pte_at = p;
  endfunction

  function automatic logic [63:0] mem_read(input logic [63:0] addr);
    int k;
    k = int'(addr[12:3]);
    mem_read = (wok[k] && wtag[k] == addr) ? wval[k] : pte_at(addr);
  endfunction

  logic        pend, stalled_req, holding;
  int          left, stall;
  logic [63:0] data, held_addr;
  logic [7:0]  held_wstrb;

  assign mem_ready  = !pend && stall == 0;
  assign mem_rvalid = pend && left == 0;
  assign mem_rdata  = mem_rvalid ? data : 64'h0;

  always @(posedge clk) begin
    logic [63:0] r;
    if (rst_n) begin
      if (mem_req_valid) begin
        `TB_EQ(mem_req_addr[2:0], 3'd0, "M1: aligned request")
        if (holding) `TB_EQ(mem_req_addr, held_addr, "M1: a request is held until accepted")
      end
      holding   <= mem_req_valid && !mem_ready;
      held_addr <= mem_req_addr;
      if (pend) begin
        if (left == 0) begin
          pend <= 1'b0;
          next_rand(r);
          stall <= int'(r[1:0]);
        end else begin
          left <= left - 1;
        end
      end else if (mem_req_valid && stall > 0) begin
        stall <= stall - 1;
      end else if (mem_req_valid) begin
        next_rand(r);
        pend <= 1'b1;
        left <= int'(r[1:0]);
        data <= mem_read(mem_req_addr);
        if (mem_req_write) begin
          `TB_EQ(mem_req_wstrb, 8'hff, "A/D write of the whole PTE")
          `TB_EQ(mem_req_cmp, mem_read(mem_req_addr), "M9: the write-back compares with the entry as read")
          wtag[mem_req_addr[12:3]] <= mem_req_addr;
          wval[mem_req_addr[12:3]] <= mem_req_wdata;
          wok[mem_req_addr[12:3]]  <= 1'b1;
        end
      end
    end
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Requester and checks: the outstanding request of each port (one at a time, T2).
  logic [7:0] out_tag[2];
  logic       out_busy[2];
  int         accepted = 0, responses = 0, faults = 0, walks = 0;
  logic [63:0] vas[16];

  task automatic check_port(input int p, input logic ready, input logic rvalid, input logic [7:0] rtag,
                            input logic fault, input logic [63:0] paddr, input logic [2:0] cause,
                            input logic [1:0] level, input logic valid, input logic [7:0] tag);
    if (rvalid) begin
      responses++;
      `TB_EQ(out_busy[p], 1'b1, "a response answers an accepted request")
      `TB_EQ(rtag, out_tag[p], "the response carries the request's tag")
      `TB_EQ(ready, 1'b1, "T2: ready in the response cycle")
      if (fault) begin
        faults++;
        `TB_EQ(paddr, 64'h0, "a fault has paddr 0")
        `TB_EQ(cause != 3'd0, 1'b1, "a fault has a cause")
      end
      if (level == 2'd2) walks++;
      out_busy[p] = 1'b0;
    end
    if (valid && ready) begin
      accepted++;
      out_busy[p] = 1'b1;
      out_tag[p]  = tag;
    end else if (!ready) begin
      `TB_EQ(out_busy[p], 1'b1, "not ready only while a request is in flight")
    end
  endtask

  task automatic drive;
    logic [63:0] r, s;
    next_rand(r);
    next_rand(s);
    ireq_valid = r[1:0] != 2'd0;
    ireq_vaddr = vas[r[5:2]] ^ {52'h0, s[11:0]};
    ireq_op    = (r[7:6] == 2'd0) ? 2'd0 : 2'd2;
    ireq_user  = r[8];
    ireq_tag   = s[19:12];
    dreq_valid = r[10:9] != 2'd0;
    dreq_vaddr = vas[r[14:11]] ^ {52'h0, s[31:20]};
    dreq_op    = (r[16:15] == 2'd3) ? 2'd1 : r[16:15] == 2'd2 ? 2'd1 : 2'd0;
    dreq_user  = r[17];
    dreq_tag   = s[39:32];
    if (r[25:18] == 8'd0) dreq_vaddr[60] = 1'b1;  // non-canonical
    flush_valid = r[32:26] == 7'd0;
    flush_op    = r[35:33];
    flush_vaddr = vas[r[39:36]];
    flush_pcid  = 16'(r[41:40]);
    cr3_we      = r[49:42] == 8'd0;
    cr3_wdata   = Pool + {r[53:50], 12'h000} + 64'(r[55:54]) + {r[56], 63'h0};
    // RISC-V: satp = MODE, ASID, PPN (and now and then another MODE, a write without effect)
    if (SatpMode != 4'd0) cr3_wdata = {r[56] ? r[60:57] : SatpMode, 16'(r[55:50]), 44'((Pool >> 12) + 64'(r[53:50]))};
  endtask

  initial begin
    rs = 64'h2545_f491_4f6c_dd1d ^ 64'(Seed);
    for (int i = 0; i < 1024; i++) wok[i] = 1'b0;
    for (int i = 0; i < 16; i++) begin
      logic [63:0] r;
      next_rand(r);
      vas[i] = r[VaBits-1] ? (r | ~VaMask) : (r & VaMask);  // canonical in the mode
      if (i % 4 == 1) vas[i] = {vas[i - 1][63:12], r[11:0]};
      if (i % 4 == 2) vas[i] = {vas[i - 2][63:21], r[20:0]};
    end
    pend = 1'b0; stall = 0; left = 0; data = '0; holding = 1'b0; held_addr = '0;
    out_busy[0] = 1'b0; out_busy[1] = 1'b0;
    ireq_valid = 1'b0; dreq_valid = 1'b0; flush_valid = 1'b0; cr3_we = 1'b0;
    ireq_vaddr = '0; dreq_vaddr = '0; ireq_op = '0; dreq_op = '0; ireq_user = 1'b0; dreq_user = 1'b0;
    ireq_tag = '0; dreq_tag = '0; cr3_wdata = '0; flush_vaddr = '0; flush_op = '0; flush_pcid = '0;
    #1 rst_n = 1'b0;
    #1 rst_n = 1'b1;
    cr3_we    = 1'b1;
    cr3_wdata = (SatpMode != 4'd0) ? {SatpMode, 16'h0, 44'(Pool >> 12)} : Pool;
    #1 clk = 1'b1;
    #1 clk = 1'b0;
    for (int c = 0; c < Cycles; c++) begin
      drive();
      #1;
      check_port(0, ireq_ready, iresp_valid, iresp_tag, iresp_fault, iresp_paddr, iresp_cause, iresp_level,
                 ireq_valid, ireq_tag);
      check_port(1, dreq_ready, dresp_valid, dresp_tag, dresp_fault, dresp_paddr, dresp_cause, dresp_level,
                 dreq_valid, dreq_tag);
      clk = 1'b1;
      #1 clk = 1'b0;
    end
    $display("%0d cycles: %0d requests accepted, %0d responses, %0d faults, %0d walks", Cycles, accepted,
             responses, faults, walks);
    `TB_EQ(responses > Cycles / 50, 1'b1, "requests complete")
    `TB_EQ(walks > 0, 1'b1, "walks complete")
    `TB_DONE
  end
endmodule
