// Encodings and x86-64 paging constants shared by every RTL module. Generated from the model's declarations
// (model/include/mmu/mmu.h, mmu_ports.def, the x86-64 table of model/src/hw/mmu_paging.c) by
// sim/tools/rtl_pkg_gen.c: do not edit. `make rtl-pkg` rewrites it; ctest rtl_pkg fails when it is out of step.
// Referenced as mmu_arch_pkg::Name (Yosys 0.23 does not accept `import` in a module header).
package mmu_arch_pkg;

  // The whole vocabulary is declared, used or not by today's modules.
  /* verilator lint_off UNUSEDPARAM */

  // Request operation (mmu_op_t, port req_op)
  localparam logic [1:0] OpLoad = 2'd0;
  localparam logic [1:0] OpStore = 2'd1;
  localparam logic [1:0] OpFetch = 2'd2;

  // Invalidation kinds (mmu_flush_op_t, port flush_op, docs/timing.md T12)
  localparam logic [2:0] FlushAll = 3'd0;  // every entry, global ones too
  localparam logic [2:0] FlushNonGlobal = 3'd1;  // every non-global entry
  localparam logic [2:0] FlushPcid = 3'd2;  // non-global entries of flush_pcid
  localparam logic [2:0] FlushVa = 3'd3;  // the page of flush_vaddr, current PCID and global
  localparam logic [2:0] FlushVaPcid = 3'd4;  // the page of flush_vaddr in flush_pcid, non-global

  // Fault causes (mmu_fault_cause_t, port resp_cause)
  localparam logic [2:0] CauseNone = 3'd0;
  localparam logic [2:0] CauseNotPresent = 3'd1;
  localparam logic [2:0] CauseProtection = 3'd2;
  localparam logic [2:0] CauseReserved = 3'd3;
  localparam logic [2:0] CauseNonCanonical = 3'd4;

  // Where a translation was answered (mmu_hit_level_t, port resp_level)
  localparam logic [1:0] LevelL1 = 2'd0;
  localparam logic [1:0] LevelL2 = 2'd1;
  localparam logic [1:0] LevelWalk = 2'd2;
  localparam logic [1:0] LevelNone = 2'd3;  // a fault before any lookup

  // Page-fault error code bits in resp_ecode (Intel SDM Vol. 3A, 4.7)
  localparam int EcBitP = 0;  // 0: not present; 1: protection or reserved bit
  localparam int EcBitW = 1;  // the access was a write
  localparam int EcBitU = 2;  // the access was in user mode
  localparam int EcBitRsvd = 3;  // a reserved bit was set
  localparam int EcBitId = 4;  // the access was an instruction fetch
  localparam int EcodeW = 5;

  // x86-64 4-level paging (Intel SDM Vol. 3A, 4.5), the model's mode table "x86_64"
  localparam int Levels = 4;
  localparam int BitsPerLevel = 9;  // index bits of one table
  localparam int PageBits = 12;  // offset bits of a base page
  localparam int VaBits = 48;
  localparam int VpnBits = 36;  // virtual page number of a base page
  localparam int PteBitPresent = 0;
  localparam int PteBitWritable = 1;
  localparam int PteBitUser = 2;
  localparam int PteBitAccessed = 5;
  localparam int PteBitDirty = 6;
  localparam int PteBitPageSize = 7;
  localparam int PteBitGlobal = 8;
  localparam int PteBitNx = 63;
  localparam int PfnLsb = 12;
  localparam int PaBitsMax = 52;  // MAXPHYADDR's architectural limit
  // Reserved bits a mode itself defines (W5); the address bits at and above PaBits are added by the walker
  localparam logic [63:0] RsvdTable4 = 64'h0000000000000080;  // PS in a PML4E
  localparam logic [63:0] RsvdTable3 = 64'h0000000000000000;
  localparam logic [63:0] RsvdLeaf3 = 64'h000000003fffe000;
  localparam logic [63:0] RsvdTable2 = 64'h0000000000000000;
  localparam logic [63:0] RsvdLeaf2 = 64'h00000000001fe000;
  localparam logic [63:0] RsvdLeaf1 = 64'h0000000000000000;

  /* verilator lint_on UNUSEDPARAM */

endpackage
