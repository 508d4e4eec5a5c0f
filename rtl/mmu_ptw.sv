// Page walker (W1-W8) as one loop over levels, driven by the mode tables of mmu_arch_pkg (the model's): x86-64 with
// 4 or 5 levels, RISC-V Sv39, Sv48, Sv57 (docs/paging.md). Each step is one memory access, a read of the entry of
// the current level, or the A/D write-back of the entry just read (W7). Every path returns to idle: a fault and
// a leaf both end the walk in the cycle of the last response (done_o), so the result is visible in the next cycle.
// The write-back is a compare-and-swap against the entry as read (M9): if the memory answers with another value, the
// entry changed since, nothing was written, and the walk starts again from the root entry.
//
// start_i (from registered state only) is sampled in idle: the first read, of the root-level entry, is presented
// in that same cycle from the ctx inputs (W1), and the context is latched at that edge for the rest of the walk.
//
// With page-walk caches (PwcLatency > 0, W9-W11) the start edge is also their lookup (pwc_lkp_o): the walk begins
// below the deepest hit given by pwc_hit_i .. pwc_nx_i, or at the root, and its first request is visible PwcLatency
// cycles after the start cycle. Each level in PwcMask keeps the entry the walk went through at that level (the next
// table's frame and the rights so far), for the caches' fill at the end of the walk; a restart after a refused
// write-back (W7) starts at the root without a lookup and forgets what it went through before.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_ptw #(
  parameter int PaBits = 46,
  parameter int Mode   = 0,  // paging.mode and the RISC-V options (mmu_top)
  parameter int Sum    = 0,
  parameter int Mxr    = 0,
  parameter int Svadu  = 0,
  parameter int PwcLatency = 0,  // W9: cycles of the page-walk caches' lookup (0: none)
  parameter int PwcMask    = 0,  // bit n: level n has a page-walk cache (W11: what the walk went through is kept)
  // Derived: do not override.
  parameter int Riscv      = 32'(mmu_arch_pkg::ModeRiscv[Mode*8+:8]),
  parameter int Levels     = 32'(mmu_arch_pkg::ModeLevels[Mode*8+:8]),
  parameter int VaBits     = 12 + 9 * Levels,
  parameter int VpnW       = VaBits - 12,
  parameter int LeafLevels = 32'(mmu_arch_pkg::ModeLeafLevels[Mode*8+:8]),
  parameter int LevelW     = (LeafLevels > 3) ? 3 : 2,
  parameter int PcidW      = (Riscv != 0) ? 16 : 12,
  parameter int PwcCntW    = (PwcLatency > 1) ? $clog2(PwcLatency) : 1
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              start_i,
  input  logic [VaBits-1:0] vaddr_i,
  input  logic [1:0]        op_i,
  input  logic              user_i,
  input  logic [PcidW-1:0]  pcid_i,
  input  logic [PaBits-1:12] root_i,     // root table frame (CR3 latched at the request's acceptance)

  // Page-walk caches (W9-W11): the deepest hit of the lookup at the start edge, and what the walk went through
  output logic              pwc_lkp_o,      // the caches are looked up at this edge (a walk starts)
  input  logic              pwc_hit_i,
  input  logic [2:0]        pwc_level_i,    // level n of the deepest hit: the walk starts at level n - 1
  input  logic [PaBits-1:12] pwc_table_i,
  input  logic              pwc_writable_i,
  input  logic              pwc_user_i,
  input  logic              pwc_nx_i,
  output logic [5:0]        thr_valid_o,    // bit n: the walk read level n's entry and went through it (W3)
  output logic [6*(PaBits-12)-1:0] thr_table_o,  // per level: the next table's frame
  output logic [5:0]        thr_writable_o, // per level: the rights accumulated down to it (W6)
  output logic [5:0]        thr_user_o,
  output logic [5:0]        thr_nx_o,

  output logic              mem_req_valid_o,
  output logic [63:0]       mem_req_addr_o,
  output logic              mem_req_write_o,
  output logic [63:0]       mem_req_wdata_o,
  output logic [7:0]        mem_req_wstrb_o,
  output logic [63:0]       mem_req_cmp_o,      // M9: the write takes place only if the entry still holds this
  input  logic              mem_req_ready_i,
  input  logic              mem_resp_valid_i,
  input  logic [63:0]       mem_resp_rdata_i,

  output logic              idle_o,
  output logic              done_o,       // the walk ends at this edge; the fields below are its result
  output logic              fault_o,
  output logic [2:0]        cause_o,
  output logic [4:0]        ecode_o,
  output logic [PaBits-1:0] paddr_o,
  // the translation to fill (valid with done_o && !fault_o)
  output logic [VpnW-1:0]   vpn_o,
  output logic [LevelW-1:0] level_o,
  output logic [PaBits-1:0] base_o,
  output logic [PcidW-1:0]  pcid_o,
  output logic              global_o,
  output logic              writable_o,
  output logic              user_ok_o,
  output logic              nx_o,
  output logic              dirty_o,
  output logic              readable_o    // RISC-V R of the leaf; 1 on x86
);

  typedef enum logic [1:0] {
    PTW_IDLE,   // no walk
    PTW_REQ,    // presenting a memory request until it is accepted (W2)
    PTW_WAIT,   // waiting for its response
    PTW_LOOKUP  // the page-walk caches' lookup, after its first cycle (W9, PwcLatency > 1)
  } ptw_state_e;

  // PTE fields of the mode (RISC-V R and X, x86 PS and NX exist in their own mode only)
  localparam int BitV   = 32'(mmu_arch_pkg::ModeBitPresent[Mode*8+:8]);
  localparam int BitW   = 32'(mmu_arch_pkg::ModeBitWritable[Mode*8+:8]);
  localparam int BitU   = 32'(mmu_arch_pkg::ModeBitUser[Mode*8+:8]);
  localparam int BitG   = 32'(mmu_arch_pkg::ModeBitGlobal[Mode*8+:8]);
  localparam int BitA   = 32'(mmu_arch_pkg::ModeBitAccessed[Mode*8+:8]);
  localparam int BitD   = 32'(mmu_arch_pkg::ModeBitDirty[Mode*8+:8]);
  localparam int PfnLsb = 32'(mmu_arch_pkg::ModePfnLsb[Mode*8+:8]);

  // Reserved bits (W5, docs/timing.md "Paging modes", docs/paging.md): the frame-number bits at and above PaBits in
  // every entry (x86: address bits PaBits..51; RISC-V: PPN bits from PaBits - 2 up to 53), and those the mode itself
  // reserves (the mode table's masks: PS in a PML4E and PML5E, bits 20:13 of a 2 MiB leaf, 29:13 of a 1 GiB leaf;
  // RISC-V bits 63:54, A, D and U of a pointer, the low PPN bits of a misaligned superpage).
  localparam int PaMax = 32'(mmu_arch_pkg::ModePaBitsMax[Mode*8+:8]);
  localparam int FrameTop = PfnLsb + PaMax - 12;  // one above the frame number field's top bit at the widest pa
  localparam int FrameLimit = PfnLsb + PaBits - 12;  // the first frame number bit beyond PaBits
  localparam logic [63:0] AbovePa = ((64'd1 << FrameTop) - 64'd1) & ~((64'd1 << FrameLimit) - 64'd1);

  // W7: the bits a walk sets
  localparam logic [63:0] PteA = 64'd1 << BitA;
  localparam logic [63:0] PteD = 64'd1 << BitD;

  ptw_state_e        state_q /*verilator public_flat_rd*/, state_d;
  logic [2:0]        level_q /*verilator public_flat_rd*/, level_d;  // level of the entry being accessed, 4..1
  logic [PaBits-1:3] addr_q, addr_d;        // its address (8-byte aligned)
  logic              write_q, write_d;      // the access is the A/D write-back of that entry
  logic [63:0]       pte_q, pte_d;          // the entry as read, before its write-back
  logic [PaBits-1:12] root_q, root_d;       // root table frame, for a walk that starts again (W7)
  logic              leaf_q, leaf_d;        // the entry written back is a leaf
  // rights accumulated over the levels read (W6; RISC-V: the leaf's own, a pointer grants everything)
  logic              wr_q, wr_d, us_q, us_d, nx_q, nx_d, rd_q, rd_d;
  logic [VaBits-1:0] vaddr_q, vaddr_d;      // latched context
  logic [1:0]        op_q, op_d;
  logic              user_q, user_d;
  logic [PcidW-1:0]  pcid_q, pcid_d;
  logic [PwcCntW-1:0] pwc_cnt_q, pwc_cnt_d;  // lookup cycles left (PTW_LOOKUP)

  // Index of vaddr into the table of `level`.
  function automatic logic [8:0] index_of(input logic [VpnW-1:0] vpn, input logic [2:0] level);
    index_of = 9'(vpn >> (9 * (32'(level) - 1)));
  endfunction

  // ---------------------------------------------------------------------------------------------------------------
  // Decision on a response (W3-W8)
  logic [63:0]       rdata, updated, rsvd_mask;
  logic              present, is_leaf, rsvd, bad_encoding, acc_wr, acc_us, acc_nx, acc_rd, perm_fault, ad_fault;
  logic              need_write;
  logic [PaBits-1:0] frame, page_mask;

  assign rdata   = mem_resp_rdata_i;
  assign present = rdata[BitV];

  if (Riscv != 0) begin : g_riscv
    // Privileged spec 4.3.1-4.3.2: a leaf is an entry with R, W or X at any level; its rights alone count.
    localparam int BitR = 32'(mmu_arch_pkg::ModeBitRead[Mode*8+:8]);
    localparam int BitX = 32'(mmu_arch_pkg::ModeBitExec[Mode*8+:8]);
    logic rwx, beyond_pa;
    assign rwx     = rdata[BitR] || rdata[BitW] || rdata[BitX];
    assign is_leaf = level_q == 3'd1 || rwx;
    // A leaf whose page is larger than the physical address space (docs/paging.md, C2)
    assign beyond_pa = 12 + 9 * (32'(level_q) - 1) > PaBits;
    // 4.3.2 steps 3-4: W without R; a pointer at the last level; and the page beyond PaBits
    assign bad_encoding = (rdata[BitW] && !rdata[BitR]) || (level_q == 3'd1 && !rwx) || (rwx && beyond_pa);
    assign acc_wr = is_leaf ? rdata[BitW] : wr_q;
    assign acc_us = is_leaf ? rdata[BitU] : us_q;
    assign acc_nx = is_leaf ? !rdata[BitX] : nx_q;
    assign acc_rd = is_leaf ? rdata[BitR] : rd_q;
    if (Svadu != 0) begin : g_svadu
      // The walker sets A in the leaf (A of a pointer is reserved), D in a store's leaf, as the x86 path does.
      assign ad_fault = 1'b0;
      assign updated  = !is_leaf ? rdata : rdata | PteA | ((op_q == mmu_arch_pkg::OpStore) ? PteD : 64'h0);
    end else begin : g_svade
      // Svade (4.3.2 step 7): a leaf with A = 0, or a store's leaf with D = 0, is a page fault; nothing is written.
      assign ad_fault = !rdata[BitA] || (op_q == mmu_arch_pkg::OpStore && !rdata[BitD]);
      assign updated  = rdata;
    end
  end else begin : g_x86
    localparam int BitPs = 32'(mmu_arch_pkg::ModeBitPageSize[Mode*8+:8]);
    localparam int BitNx = 32'(mmu_arch_pkg::ModeBitNx[Mode*8+:8]);
    assign is_leaf      = level_q == 3'd1 || (level_q >= 3'd2 && 32'(level_q) <= LeafLevels && rdata[BitPs]);
    assign bad_encoding = 1'b0;
    assign acc_wr       = wr_q && rdata[BitW];
    assign acc_us       = us_q && rdata[BitU];
    assign acc_nx       = nx_q || rdata[BitNx];
    assign acc_rd       = 1'b1;
    assign ad_fault     = 1'b0;
    // W7: A on every entry used, D on the leaf of a store; one masked write of the whole PTE.
    assign updated = rdata | PteA | ((is_leaf && op_q == mmu_arch_pkg::OpStore) ? PteD : 64'h0);
  end

  // The level's reserved bits in the mode table, at the entry's own level (x86 masks are 0 where the mode has none).
  assign rsvd_mask = AbovePa | (is_leaf ? mmu_arch_pkg::ModeRsvdLeaf[(Mode * 6 + 32'(level_q)) * 64+:64] :
                                          mmu_arch_pkg::ModeRsvdTable[(Mode * 6 + 32'(level_q)) * 64+:64]);
  assign rsvd      = (rdata & rsvd_mask) != 64'd0 || bad_encoding;

  mmu_perm_check #(
    .Riscv(Riscv),
    .Sum  (Sum),
    .Mxr  (Mxr)
  ) u_perm (
    .writable_i(acc_wr),
    .user_ok_i (acc_us),
    .nx_i      (acc_nx),
    .readable_i(acc_rd),
    .op_i      (op_q),
    .user_i    (user_q),
    .fault_o   (perm_fault)
  );

  // W7: the write-back's value, from the entry as read; its response tells whether it took place (M9).
  logic [63:0] written;  // the value the pending write-back writes
  logic        refused;  // its response shows the entry changed since it was read
  assign need_write = updated != rdata;
  assign written    = pte_q | PteA | ((leaf_q && op_q == mmu_arch_pkg::OpStore) ? PteD : 64'h0);
  assign refused    = write_q && rdata != pte_q;

  // After a write-back, the entry is the value written; after a read, the value read.
  logic pte_global, pte_dirty;

  assign frame      = write_q ? {pte_q[PfnLsb+:PaBits-12], 12'h000} : {rdata[PfnLsb+:PaBits-12], 12'h000};
  assign pte_global = write_q ? written[BitG] : rdata[BitG];
  assign pte_dirty  = write_q ? written[BitD] : rdata[BitD];
  // A level-n page has 12 + 9(n - 1) offset bits (a RISC-V page beyond PaBits is a fault, never translated).
  assign page_mask  = PaBits'((64'd1 << (12 + 9 * (32'(level_q) - 1))) - 64'd1);

  // ---------------------------------------------------------------------------------------------------------------
  // Next state
  logic [2:0] cause;
  logic       finish;

  always_comb begin
    state_d = state_q;
    level_d = level_q;
    addr_d  = addr_q;
    write_d = write_q;
    pte_d   = pte_q;
    root_d  = root_q;
    leaf_d  = leaf_q;
    wr_d    = wr_q;
    us_d    = us_q;
    nx_d    = nx_q;
    rd_d    = rd_q;
    vaddr_d = vaddr_q;
    op_d    = op_q;
    user_d  = user_q;
    pcid_d  = pcid_q;
    pwc_cnt_d = pwc_cnt_q;
    finish  = 1'b0;
    cause   = mmu_arch_pkg::CauseNone;

    unique case (state_q)
      PTW_IDLE: begin
        if (start_i) begin  // W1
          vaddr_d = vaddr_i;
          op_d    = op_i;
          user_d  = user_i;
          pcid_d  = pcid_i;
          root_d  = root_i;
          level_d = 3'(Levels);
          addr_d  = {root_i, index_of(vaddr_i[VaBits-1:12], 3'(Levels))};
          write_d = 1'b0;
          wr_d    = 1'b1;
          us_d    = 1'b1;
          nx_d    = 1'b0;
          rd_d    = 1'b1;
          if (PwcLatency != 0) begin
            // W9, W10: below the deepest hit, with its rights; the first request PwcLatency cycles on
            if (pwc_hit_i) begin
              level_d = pwc_level_i - 3'd1;
              addr_d  = {pwc_table_i, index_of(vaddr_i[VaBits-1:12], pwc_level_i - 3'd1)};
              wr_d    = pwc_writable_i;
              us_d    = pwc_user_i;
              nx_d    = pwc_nx_i;
            end
            pwc_cnt_d = PwcCntW'(PwcLatency - 1);
            state_d   = (PwcLatency == 1) ? PTW_REQ : PTW_LOOKUP;
          end else if (mem_req_ready_i) begin
            state_d = PTW_WAIT;
          end else begin
            state_d = PTW_REQ;
          end
        end
      end
      PTW_LOOKUP: begin
        pwc_cnt_d = pwc_cnt_q - 1'b1;
        if (pwc_cnt_q == PwcCntW'(1)) state_d = PTW_REQ;
      end
      PTW_REQ: begin
        if (mem_req_ready_i) state_d = PTW_WAIT;
      end
      PTW_WAIT: begin
        if (mem_resp_valid_i) begin
          if (refused) begin
            // W7, M9: the entry changed since it was read; it was left alone and the walk starts again (W1)
            level_d = 3'(Levels);
            addr_d  = {root_q, index_of(vaddr_q[VaBits-1:12], 3'(Levels))};
            write_d = 1'b0;
            wr_d    = 1'b1;
            us_d    = 1'b1;
            nx_d    = 1'b0;
            rd_d    = 1'b1;
          end else if (write_q) begin
            // W7: the write-back took place
            finish = leaf_q;
          end else if (!present) begin  // W4
            finish = 1'b1;
            cause  = mmu_arch_pkg::CauseNotPresent;
          end else if (rsvd) begin  // W5
            finish = 1'b1;
            cause  = mmu_arch_pkg::CauseReserved;
          end else if (is_leaf && (perm_fault || ad_fault)) begin  // W6 (RISC-V Svade: A/D as well)
            finish = 1'b1;
            cause  = mmu_arch_pkg::CauseProtection;
          end else begin
            wr_d = acc_wr;
            us_d = acc_us;
            nx_d = acc_nx;
            rd_d = acc_rd;
            if (need_write) begin  // W7: write back before going on
              write_d = 1'b1;
              pte_d   = rdata;
              leaf_d  = is_leaf;
            end else begin
              finish = is_leaf;
            end
          end
          if (finish) begin  // W8
            state_d = PTW_IDLE;
          end else begin
            state_d = PTW_REQ;  // W2: the next access is visible in the following cycle
            if (!refused && (write_q || (!need_write && !is_leaf))) begin  // W3: descend
              level_d = level_q - 3'd1;
              addr_d  = {frame[PaBits-1:12], index_of(vaddr_q[VaBits-1:12], level_q - 3'd1)};
              write_d = 1'b0;
            end
          end
        end
      end
      default: state_d = PTW_IDLE;
    endcase
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Outputs (W2: the request is a function of state; in idle, of the registered context of the start)
  always_comb begin
    mem_req_valid_o = 1'b0;
    mem_req_addr_o  = '0;
    mem_req_write_o = 1'b0;
    mem_req_wdata_o = '0;
    mem_req_wstrb_o = '0;
    mem_req_cmp_o   = '0;
    if (state_q == PTW_IDLE && start_i && PwcLatency == 0) begin
      mem_req_valid_o = 1'b1;
      mem_req_addr_o  = 64'({root_i, index_of(vaddr_i[VaBits-1:12], 3'(Levels)), 3'b000});
    end else if (state_q == PTW_REQ) begin
      mem_req_valid_o = 1'b1;
      mem_req_addr_o  = 64'({addr_q, 3'b000});
      if (write_q) begin
        mem_req_write_o = 1'b1;
        mem_req_wdata_o = written;
        mem_req_wstrb_o = 8'hff;
        mem_req_cmp_o   = pte_q;
      end
    end
  end

  mmu_ecode #(
    .Riscv(Riscv)
  ) u_ecode (
    .cause_i(cause),
    .op_i   (op_q),
    .user_i (user_q),
    .ecode_o(ecode_o)
  );

  assign idle_o     = state_q == PTW_IDLE;
  assign done_o     = state_q == PTW_WAIT && mem_resp_valid_i && finish;
  assign fault_o    = cause != mmu_arch_pkg::CauseNone;
  assign cause_o    = cause;
  assign base_o     = frame & ~page_mask;
  assign paddr_o    = fault_o ? '0 : (base_o | (PaBits'(vaddr_q) & page_mask));
  assign vpn_o      = vaddr_q[VaBits-1:12] >> (9 * (32'(level_q) - 1));
  assign level_o    = LevelW'(level_q);
  assign pcid_o     = pcid_q;
  assign global_o   = pte_global;
  assign dirty_o    = pte_dirty;
  // On the response to a leaf's read the rights still have to include it; after its write-back they do.
  assign writable_o = write_q ? wr_q : acc_wr;
  assign user_ok_o  = write_q ? us_q : acc_us;
  assign nx_o       = write_q ? nx_q : acc_nx;
  assign readable_o = write_q ? rd_q : acc_rd;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= PTW_IDLE;
      level_q <= 3'(Levels);
      addr_q  <= '0;
      write_q <= 1'b0;
      pte_q   <= '0;
      root_q  <= '0;
      leaf_q  <= 1'b0;
      wr_q    <= 1'b1;
      us_q    <= 1'b1;
      nx_q    <= 1'b0;
      rd_q    <= 1'b1;
      vaddr_q <= '0;
      op_q    <= '0;
      user_q  <= 1'b0;
      pcid_q  <= '0;
      pwc_cnt_q <= '0;
    end else begin
      state_q <= state_d;
      level_q <= level_d;
      addr_q  <= addr_d;
      write_q <= write_d;
      pte_q   <= pte_d;
      root_q  <= root_d;
      leaf_q  <= leaf_d;
      wr_q    <= wr_d;
      us_q    <= us_d;
      nx_q    <= nx_d;
      rd_q    <= rd_d;
      vaddr_q <= vaddr_d;
      op_q    <= op_d;
      user_q  <= user_d;
      pcid_q  <= pcid_d;
      pwc_cnt_q <= pwc_cnt_d;
    end
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Page-walk caches (W9-W11): the lookup at the start edge, and per cached level the entry the walk went through
  logic descend_now, restart_now;

  assign pwc_lkp_o   = PwcLatency != 0 && state_q == PTW_IDLE && start_i;
  // W3 at this edge, through the entry of level_q (after its read, or after its write-back)
  assign descend_now = state_q == PTW_WAIT && mem_resp_valid_i && !finish && !refused &&
                       (write_q || (!need_write && !is_leaf));
  assign restart_now = state_q == PTW_WAIT && mem_resp_valid_i && refused;

  for (genvar n = 0; n < 6; n++) begin : g_thr
    if (n >= 2 && n <= Levels && ((PwcMask >> n) & 1) != 0) begin : g_on
      logic              valid_q, wr_thr_q, us_thr_q, nx_thr_q;
      logic [PaBits-1:12] table_q;
      always_ff @(posedge clk_i or negedge rst_ni) begin
        if (!rst_ni) begin
          valid_q  <= 1'b0;
          table_q  <= '0;
          wr_thr_q <= 1'b0;
          us_thr_q <= 1'b0;
          nx_thr_q <= 1'b0;
        end else if (pwc_lkp_o || restart_now) begin  // a walk (re)starts: nothing gone through yet
          valid_q <= 1'b0;
        end else if (descend_now && 32'(level_q) == n) begin
          valid_q  <= 1'b1;
          table_q  <= frame[PaBits-1:12];
          wr_thr_q <= write_q ? wr_q : acc_wr;
          us_thr_q <= write_q ? us_q : acc_us;
          nx_thr_q <= write_q ? nx_q : acc_nx;
        end
      end
      assign thr_valid_o[n]                        = valid_q;
      assign thr_table_o[n*(PaBits-12)+:(PaBits-12)] = table_q;
      assign thr_writable_o[n]                     = wr_thr_q;
      assign thr_user_o[n]                         = us_thr_q;
      assign thr_nx_o[n]                           = nx_thr_q;
    end else begin : g_off
      assign thr_valid_o[n]                        = 1'b0;
      assign thr_table_o[n*(PaBits-12)+:(PaBits-12)] = '0;
      assign thr_writable_o[n]                     = 1'b0;
      assign thr_user_o[n]                         = 1'b0;
      assign thr_nx_o[n]                           = 1'b0;
    end
  end

  if (PwcLatency == 0) begin : g_no_pwc
    logic unused_pwc;
    assign unused_pwc = ^{pwc_hit_i, pwc_level_i, pwc_table_i, pwc_writable_i, pwc_user_i, pwc_nx_i, pwc_cnt_q,
                          descend_now, restart_now};
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Properties (rtl/mmu_assert.sv). Inputs: the miss unit starts a walk only while the walker is idle; memory
  // answers only an accepted request, once (the memory port of docs/timing.md, M1-M3).
  `MMU_ASSERT(PtwStartWhenIdle, !start_i || state_q == PTW_IDLE)
  `MMU_ASSERT(PtwRespWhenWaiting, !mem_resp_valid_i || state_q == PTW_WAIT)
  // One memory request outstanding at a time.
  `MMU_ASSERT(PtwNoReqWhileWaiting, state_q != PTW_WAIT || !mem_req_valid_o)
  // A walk reads levels Levels down to 1 and writes back only the entry it has just read (W3, W7), with the same bits
  // and A (and D on a store's leaf) set: the checks after the state kept below.
  `MMU_ASSERT(PtwLevelInRange, level_q >= 3'd1 && 32'(level_q) <= Levels)
`ifndef MMU_ASSERT_OFF
  // For the properties only: the request presented and not accepted in the last cycle; the address and value of the
  // last entry read; the level of the last response.
  logic        held_q, reading_q, responded_q;
  logic [63:0] held_addr_q, held_wdata_q, last_read_addr_q, last_read_data_q;
  logic        held_write_q;
  logic [7:0]  held_wstrb_q;
  logic [63:0] held_cmp_q;
  logic [2:0]  responded_level_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      held_q            <= 1'b0;
      held_addr_q       <= '0;
      held_write_q      <= 1'b0;
      held_wdata_q      <= '0;
      held_wstrb_q      <= '0;
      held_cmp_q        <= '0;
      last_read_addr_q  <= '0;
      last_read_data_q  <= '0;
      reading_q         <= 1'b0;
      responded_q       <= 1'b0;
      responded_level_q <= '0;
    end else begin
      held_q       <= mem_req_valid_o && !mem_req_ready_i;
      held_addr_q  <= mem_req_addr_o;
      held_write_q <= mem_req_write_o;
      held_wdata_q <= mem_req_wdata_o;
      held_wstrb_q <= mem_req_wstrb_o;
      held_cmp_q   <= mem_req_cmp_o;
      responded_q  <= state_q == PTW_WAIT && mem_resp_valid_i && state_d == PTW_REQ && !write_d && !refused;
      responded_level_q <= level_q;
      if (mem_req_valid_o && mem_req_ready_i) begin
        last_read_addr_q <= mem_req_addr_o;
        reading_q        <= !mem_req_write_o;
      end
      if (mem_resp_valid_i && reading_q) last_read_data_q <= mem_resp_rdata_i;
    end
  end
  // The memory request handshake (W2): a request stays presented, unchanged, until accepted.
  `MMU_ASSERT(PtwReqHeld, !held_q || (mem_req_valid_o && mem_req_addr_o == held_addr_q &&
                                      mem_req_write_o == held_write_q && mem_req_wdata_o == held_wdata_q &&
                                      mem_req_wstrb_o == held_wstrb_q && mem_req_cmp_o == held_cmp_q))
  // W3: after a read that neither ends the walk nor needs a write-back, and after a write-back, the next level.
  `MMU_ASSERT(PtwDescends, !responded_q || level_q == responded_level_q - 3'd1)
  `MMU_ASSERT(PtwWriteBackOfEntryRead, !(mem_req_valid_o && mem_req_write_o) ||
                                       (mem_req_addr_o == last_read_addr_q &&
                                        (mem_req_wdata_o & ~(PteA | PteD)) == (last_read_data_q & ~(PteA | PteD)) &&
                                        mem_req_wdata_o[BitA] &&
                                        mem_req_cmp_o == last_read_data_q && mem_req_wstrb_o == 8'hff))
  // M9: a refused write-back starts the walk again at the root.
  `MMU_ASSERT_NEXT(PtwRefusedRestarts, state_q == PTW_WAIT && mem_resp_valid_i && refused,
                   state_q == PTW_REQ && !write_q && 32'(level_q) == Levels)
`endif
  // Every response ends the walk or leads to exactly one next access; a result has a cause exactly when it faults.
  `MMU_ASSERT(PtwResponseExits, !(state_q == PTW_WAIT && mem_resp_valid_i) || state_d != PTW_WAIT)
  `MMU_ASSERT(PtwFaultHasCause, !done_o || fault_o == (cause_o != mmu_arch_pkg::CauseNone))
  `MMU_ASSERT(PtwFaultCauseOfWalk, !(done_o && fault_o) || cause_o == mmu_arch_pkg::CauseNotPresent ||
                                   cause_o == mmu_arch_pkg::CauseProtection ||
                                   cause_o == mmu_arch_pkg::CauseReserved)
  // A translation filled from a walk is a leaf of a leaf level of the mode whose rights allow the access (W6, W8).
  `MMU_ASSERT(PtwLeafLevel, !(done_o && !fault_o) || (level_q >= 3'd1 && 32'(level_q) <= LeafLevels))
  `MMU_ASSERT(PtwFillAllows, !(done_o && !fault_o) ||
                             !((op_q == mmu_arch_pkg::OpStore && !writable_o) || (user_q && !user_ok_o) ||
                               (op_q == mmu_arch_pkg::OpFetch && nx_o)))
  `MMU_ASSERT(PtwStoreFillDirty, !(done_o && !fault_o && op_q == mmu_arch_pkg::OpStore) || dirty_o)
  `MMU_COVER(PtwLeaf4K, done_o && !fault_o && level_q == 3'd1)
  `MMU_COVER(PtwLeaf2M, done_o && !fault_o && level_q == 3'd2)
  `MMU_COVER(PtwLeaf1G, done_o && !fault_o && level_q == 3'd3)
  `MMU_COVER(PtwNotPresent, done_o && cause_o == mmu_arch_pkg::CauseNotPresent)
  `MMU_COVER(PtwProtection, done_o && cause_o == mmu_arch_pkg::CauseProtection)
  `MMU_COVER(PtwReserved, done_o && cause_o == mmu_arch_pkg::CauseReserved)
  `MMU_COVER(PtwWriteBackRefused, state_q == PTW_WAIT && mem_resp_valid_i && refused)
  // W9: the lookup state exists only with a lookup of two cycles or more; a walk starting below a cache hit.
  `MMU_ASSERT(PtwLookupOnlyWithPwc, state_q != PTW_LOOKUP || PwcLatency > 1)
  `MMU_ASSERT(PtwPwcHitLevel, !(pwc_lkp_o && pwc_hit_i) || (pwc_level_i >= 3'd2 && 32'(pwc_level_i) <= Levels))
  if (PwcLatency != 0) begin : g_pwc_cover  // (a cover without walk caches would be unreachable)
    `MMU_COVER(PtwStartBelowPwcHit, pwc_lkp_o && pwc_hit_i)
  end

endmodule
