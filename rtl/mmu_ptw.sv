// x86-64 4-level page walker (W1-W8) as one loop over levels: each step is one memory access, a read of the entry
// of the current level, or the A/D write-back of the entry just read (W7). Every path returns to idle: a fault and
// a leaf both end the walk in the cycle of the last response (done_o), so the result is visible in the next cycle.
// The write-back is a compare-and-swap against the entry as read (M9): if the memory answers with another value, the
// entry changed since, nothing was written, and the walk starts again from the root entry.
//
// start_i (from registered state only) is sampled in idle: the first read, of the root-level entry, is presented
// in that same cycle from the ctx inputs (W1), and the context is latched at that edge for the rest of the walk.
`ifndef MMU_ASSERT_SV
`include "mmu_assert.sv"
`endif

module mmu_ptw #(
  parameter int PaBits = 46
) (
  input  logic              clk_i,
  input  logic              rst_ni,

  input  logic              start_i,
  input  logic [47:0]       vaddr_i,
  input  logic [1:0]        op_i,
  input  logic              user_i,
  input  logic [11:0]       pcid_i,
  input  logic [PaBits-1:12] root_i,     // root table frame (CR3 latched at the request's acceptance)

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
  output logic [35:0]       vpn_o,
  output logic [1:0]        level_o,
  output logic [PaBits-1:0] base_o,
  output logic [11:0]       pcid_o,
  output logic              global_o,
  output logic              writable_o,
  output logic              user_ok_o,
  output logic              nx_o,
  output logic              dirty_o
);

  typedef enum logic [1:0] {
    PTW_IDLE,  // no walk
    PTW_REQ,   // presenting a memory request until it is accepted (W2)
    PTW_WAIT   // waiting for its response
  } ptw_state_e;

  // Reserved bits (W5, docs/timing.md "Paging modes"): address bits PaBits..51 in every entry, and those the mode
  // itself reserves (PS in a PML4E; bits 20:13 of a 2 MiB leaf, 29:13 of a 1 GiB leaf).
  localparam logic [63:0] AbovePa = ((64'd1 << mmu_arch_pkg::PaBitsMax) - 64'd1) & ~((64'd1 << PaBits) - 64'd1);
  localparam logic [63:0] RsvdPml4 = AbovePa | mmu_arch_pkg::RsvdTable4;
  localparam logic [63:0] Rsvd2M = AbovePa | mmu_arch_pkg::RsvdLeaf2;
  localparam logic [63:0] Rsvd1G = AbovePa | mmu_arch_pkg::RsvdLeaf3;

  // W7: the bits a walk sets
  localparam logic [63:0] PteA = 64'd1 << mmu_arch_pkg::PteBitAccessed;
  localparam logic [63:0] PteD = 64'd1 << mmu_arch_pkg::PteBitDirty;

  ptw_state_e        state_q /*verilator public_flat_rd*/, state_d;
  logic [2:0]        level_q /*verilator public_flat_rd*/, level_d;  // level of the entry being accessed, 4..1
  logic [PaBits-1:3] addr_q, addr_d;        // its address (8-byte aligned)
  logic              write_q, write_d;      // the access is the A/D write-back of that entry
  logic [63:0]       pte_q, pte_d;          // the entry as read, before its write-back
  logic [PaBits-1:12] root_q, root_d;       // root table frame, for a walk that starts again (W7)
  logic              leaf_q, leaf_d;        // the entry written back is a leaf
  logic              wr_q, wr_d, us_q, us_d, nx_q, nx_d;  // rights accumulated over the levels read (W6)
  logic [47:0]       vaddr_q, vaddr_d;      // latched context
  logic [1:0]        op_q, op_d;
  logic              user_q, user_d;
  logic [11:0]       pcid_q, pcid_d;

  // Index of vaddr into the table of `level`.
  function automatic logic [8:0] index_of(input logic [47:12] vpn, input logic [2:0] level);
    unique case (level)
      3'd4: index_of = vpn[47:39];
      3'd3: index_of = vpn[38:30];
      3'd2: index_of = vpn[29:21];
      default: index_of = vpn[20:12];
    endcase
  endfunction

  // ---------------------------------------------------------------------------------------------------------------
  // Decision on a response (W3-W8)
  logic [63:0]       rdata, updated, rsvd_mask;
  logic              present, is_leaf, rsvd, acc_wr, acc_us, acc_nx, perm_fault, need_write;
  logic [PaBits-1:0] frame, page_mask;

  assign rdata   = mem_resp_rdata_i;
  assign present = rdata[mmu_arch_pkg::PteBitPresent];
  assign is_leaf = level_q == 3'd1 || ((level_q == 3'd2 || level_q == 3'd3) && rdata[mmu_arch_pkg::PteBitPageSize]);

  always_comb begin
    rsvd_mask = AbovePa;
    if (!is_leaf && level_q == 3'd4) rsvd_mask = RsvdPml4;
    else if (is_leaf && level_q == 3'd3) rsvd_mask = Rsvd1G;
    else if (is_leaf && level_q == 3'd2) rsvd_mask = Rsvd2M;
  end

  assign rsvd   = (rdata & rsvd_mask) != 64'd0;
  assign acc_wr = wr_q && rdata[mmu_arch_pkg::PteBitWritable];
  assign acc_us = us_q && rdata[mmu_arch_pkg::PteBitUser];
  assign acc_nx = nx_q || rdata[mmu_arch_pkg::PteBitNx];

  mmu_perm_check u_perm (
    .writable_i(acc_wr),
    .user_ok_i (acc_us),
    .nx_i      (acc_nx),
    .op_i      (op_q),
    .user_i    (user_q),
    .fault_o   (perm_fault)
  );

  // W7: A on every entry used, D on the leaf of a store; one masked write of the whole PTE.
  logic [63:0] written;  // the value the pending write-back writes
  logic        refused;  // its response shows the entry changed since it was read (M9)

  assign updated    = rdata | PteA | ((is_leaf && op_q == mmu_arch_pkg::OpStore) ? PteD : 64'h0);
  assign need_write = updated != rdata;
  assign written    = pte_q | PteA | ((leaf_q && op_q == mmu_arch_pkg::OpStore) ? PteD : 64'h0);
  assign refused    = write_q && rdata != pte_q;

  // After a write-back, the entry is the value written; after a read, the value read.
  logic pte_global, pte_dirty;

  assign frame      = write_q ? {pte_q[PaBits-1:12], 12'h000} : {rdata[PaBits-1:12], 12'h000};
  assign pte_global = write_q ? written[mmu_arch_pkg::PteBitGlobal] : rdata[mmu_arch_pkg::PteBitGlobal];
  assign pte_dirty  = write_q ? written[mmu_arch_pkg::PteBitDirty] : rdata[mmu_arch_pkg::PteBitDirty];

  always_comb begin
    unique case (level_q)
      3'd2: page_mask = PaBits'(30'h001f_ffff);
      3'd3: page_mask = PaBits'(30'h3fff_ffff);
      default: page_mask = PaBits'(30'h0000_0fff);
    endcase
  end

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
    vaddr_d = vaddr_q;
    op_d    = op_q;
    user_d  = user_q;
    pcid_d  = pcid_q;
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
          level_d = 3'd4;
          addr_d  = {root_i, index_of(vaddr_i[47:12], 3'd4)};
          write_d = 1'b0;
          wr_d    = 1'b1;
          us_d    = 1'b1;
          nx_d    = 1'b0;
          if (mem_req_ready_i) state_d = PTW_WAIT;
          else state_d = PTW_REQ;
        end
      end
      PTW_REQ: begin
        if (mem_req_ready_i) state_d = PTW_WAIT;
      end
      PTW_WAIT: begin
        if (mem_resp_valid_i) begin
          if (refused) begin
            // W7, M9: the entry changed since it was read; it was left alone and the walk starts again (W1)
            level_d = 3'd4;
            addr_d  = {root_q, index_of(vaddr_q[47:12], 3'd4)};
            write_d = 1'b0;
            wr_d    = 1'b1;
            us_d    = 1'b1;
            nx_d    = 1'b0;
          end else if (write_q) begin
            // W7: the write-back took place
            finish = leaf_q;
          end else if (!present) begin  // W4
            finish = 1'b1;
            cause  = mmu_arch_pkg::CauseNotPresent;
          end else if (rsvd) begin  // W5
            finish = 1'b1;
            cause  = mmu_arch_pkg::CauseReserved;
          end else if (is_leaf && perm_fault) begin  // W6
            finish = 1'b1;
            cause  = mmu_arch_pkg::CauseProtection;
          end else begin
            wr_d = acc_wr;
            us_d = acc_us;
            nx_d = acc_nx;
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
              addr_d  = {frame[PaBits-1:12], index_of(vaddr_q[47:12], level_q - 3'd1)};
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
    if (state_q == PTW_IDLE && start_i) begin
      mem_req_valid_o = 1'b1;
      mem_req_addr_o  = 64'({root_i, index_of(vaddr_i[47:12], 3'd4), 3'b000});
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

  mmu_ecode u_ecode (
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
  assign vpn_o      = vaddr_q[47:12] >> (9 * (32'(level_q) - 1));
  assign level_o    = level_q[1:0];
  assign pcid_o     = pcid_q;
  assign global_o   = pte_global;
  assign dirty_o    = pte_dirty;
  // On the response to a leaf's read the rights still have to include it; after its write-back they do.
  assign writable_o = write_q ? wr_q : acc_wr;
  assign user_ok_o  = write_q ? us_q : acc_us;
  assign nx_o       = write_q ? nx_q : acc_nx;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= PTW_IDLE;
      level_q <= 3'd4;
      addr_q  <= '0;
      write_q <= 1'b0;
      pte_q   <= '0;
      root_q  <= '0;
      leaf_q  <= 1'b0;
      wr_q    <= 1'b1;
      us_q    <= 1'b1;
      nx_q    <= 1'b0;
      vaddr_q <= '0;
      op_q    <= '0;
      user_q  <= 1'b0;
      pcid_q  <= '0;
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
      vaddr_q <= vaddr_d;
      op_q    <= op_d;
      user_q  <= user_d;
      pcid_q  <= pcid_d;
    end
  end

  // ---------------------------------------------------------------------------------------------------------------
  // Properties (rtl/mmu_assert.sv). Inputs: the miss unit starts a walk only while the walker is idle; memory
  // answers only an accepted request, once (the memory port of docs/timing.md, M1-M3).
  `MMU_ASSERT(PtwStartWhenIdle, !start_i || state_q == PTW_IDLE)
  `MMU_ASSERT(PtwRespWhenWaiting, !mem_resp_valid_i || state_q == PTW_WAIT)
  // One memory request outstanding at a time.
  `MMU_ASSERT(PtwNoReqWhileWaiting, state_q != PTW_WAIT || !mem_req_valid_o)
  // A walk reads levels 4 down to 1 and writes back only the entry it has just read (W3, W7), with the same bits
  // and A (and D on a store's leaf) set: the checks after the state kept below.
  `MMU_ASSERT(PtwLevelInRange, level_q >= 3'd1 && level_q <= 3'd4)
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
                                        mem_req_wdata_o[mmu_arch_pkg::PteBitAccessed] &&
                                        mem_req_cmp_o == last_read_data_q && mem_req_wstrb_o == 8'hff))
  // M9: a refused write-back starts the walk again at the root.
  `MMU_ASSERT_NEXT(PtwRefusedRestarts, state_q == PTW_WAIT && mem_resp_valid_i && refused,
                   state_q == PTW_REQ && !write_q && level_q == 3'd4)
`endif
  // Every response ends the walk or leads to exactly one next access; a result has a cause exactly when it faults.
  `MMU_ASSERT(PtwResponseExits, !(state_q == PTW_WAIT && mem_resp_valid_i) || state_d != PTW_WAIT)
  `MMU_ASSERT(PtwFaultHasCause, !done_o || fault_o == (cause_o != mmu_arch_pkg::CauseNone))
  `MMU_ASSERT(PtwFaultCauseOfWalk, !(done_o && fault_o) || cause_o == mmu_arch_pkg::CauseNotPresent ||
                                   cause_o == mmu_arch_pkg::CauseProtection ||
                                   cause_o == mmu_arch_pkg::CauseReserved)
  // A translation filled from a walk is a leaf of level 1-3 whose rights allow the access (W6, W8).
  `MMU_ASSERT(PtwLeafLevel, !(done_o && !fault_o) || (level_q >= 3'd1 && level_q <= 3'd3))
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

endmodule
