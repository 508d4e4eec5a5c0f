// Encodings and paging constants shared by every RTL module. Generated from the model's declarations
// (model/include/mmu/mmu.h, mmu_ports.def, the mode tables of model/src/hw/mmu_paging.c) by
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
  localparam logic [2:0] FlushVaAll = 3'd5;  // the page of flush_vaddr in every PCID/ASID, global too

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

  // RISC-V exception codes in resp_ecode (privileged spec 4.1.9, scause)
  localparam int RvFetchPageFault = 12;
  localparam int RvLoadPageFault = 13;
  localparam int RvStorePageFault = 15;

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

  // Paging modes (mmu_mode_t, mmu_top parameter Mode): the model's mode tables
  // (model/src/hw/mmu_paging.c), field F of mode M at ModeF[M*8 +: 8] (masks: ModeRsvd*[(M*6+n)*64 +: 64]).
  // Levels 0: a mode the RTL does not implement. A PTE bit of 255: the mode has no such bit.
  localparam int ModeX8664 = 0;  // x86_64
  localparam int ModeX8664La57 = 3;  // x86_64_la57
  localparam int ModeSv39 = 4;  // sv39
  localparam int ModeSv48 = 5;  // sv48
  localparam int ModeSv57 = 6;  // sv57
  localparam int NumModes = 7;
  // levels of tables
  localparam logic [55:0] ModeLevels = {8'd5, 8'd4, 8'd3, 8'd5, 8'd0, 8'd0, 8'd4};
  // leaves at levels 1..this (page sizes of the TLB)
  localparam logic [55:0] ModeLeafLevels = {8'd5, 8'd4, 8'd3, 8'd3, 8'd0, 8'd0, 8'd3};
  // 1: RISC-V PTE format and rules (docs/paging.md)
  localparam logic [55:0] ModeRiscv = {8'd1, 8'd1, 8'd1, 8'd0, 8'd0, 8'd0, 8'd0};
  // RISC-V satp.MODE of the mode; 0: the register is CR3
  localparam logic [55:0] ModeSatp = {8'd10, 8'd9, 8'd8, 8'd0, 8'd0, 8'd0, 8'd0};
  // widest paging.pa_bits of the mode
  localparam logic [55:0] ModePaBitsMax = {8'd56, 8'd56, 8'd56, 8'd52, 8'd0, 8'd0, 8'd52};
  // lowest bit of the frame number in a PTE
  localparam logic [55:0] ModePfnLsb = {8'd10, 8'd10, 8'd10, 8'd12, 8'd0, 8'd0, 8'd12};
  localparam logic [55:0] ModeBitPresent = {8'd0, 8'd0, 8'd0, 8'd0, 8'd0, 8'd0, 8'd0};
  localparam logic [55:0] ModeBitRead = {8'd1, 8'd1, 8'd1, 8'd255, 8'd0, 8'd0, 8'd255};
  localparam logic [55:0] ModeBitWritable = {8'd2, 8'd2, 8'd2, 8'd1, 8'd0, 8'd0, 8'd1};
  localparam logic [55:0] ModeBitExec = {8'd3, 8'd3, 8'd3, 8'd255, 8'd0, 8'd0, 8'd255};
  localparam logic [55:0] ModeBitUser = {8'd4, 8'd4, 8'd4, 8'd2, 8'd0, 8'd0, 8'd2};
  localparam logic [55:0] ModeBitGlobal = {8'd5, 8'd5, 8'd5, 8'd8, 8'd0, 8'd0, 8'd8};
  localparam logic [55:0] ModeBitAccessed = {8'd6, 8'd6, 8'd6, 8'd5, 8'd0, 8'd0, 8'd5};
  localparam logic [55:0] ModeBitDirty = {8'd7, 8'd7, 8'd7, 8'd6, 8'd0, 8'd0, 8'd6};
  localparam logic [55:0] ModeBitPageSize = {8'd255, 8'd255, 8'd255, 8'd7, 8'd0, 8'd0, 8'd7};
  localparam logic [55:0] ModeBitNx = {8'd255, 8'd255, 8'd255, 8'd63, 8'd0, 8'd0, 8'd63};
  // reserved bits of a level-n entry that points to a table (W5)
  localparam logic [2687:0] ModeRsvdTable = {
    64'hffc00000000000d0, 64'hffc00000000000d0, 64'hffc00000000000d0,
    64'hffc00000000000d0, 64'hffc00000000000d0, 64'h0000000000000000,
    64'h0000000000000000, 64'hffc00000000000d0, 64'hffc00000000000d0,
    64'hffc00000000000d0, 64'hffc00000000000d0, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'hffc00000000000d0,
    64'hffc00000000000d0, 64'hffc00000000000d0, 64'h0000000000000000,
    64'h0000000000000080, 64'h0000000000000080, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000080, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000
  };
  // reserved bits of a level-n leaf (W5; RISC-V: misaligned superpage too)
  localparam logic [2687:0] ModeRsvdLeaf = {
    64'hffc03ffffffffc00, 64'hffc0001ffffffc00, 64'hffc000000ffffc00,
    64'hffc000000007fc00, 64'hffc0000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'hffc0001ffffffc00, 64'hffc000000ffffc00,
    64'hffc000000007fc00, 64'hffc0000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'hffc000000ffffc00,
    64'hffc000000007fc00, 64'hffc0000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h000000003fffe000,
    64'h00000000001fe000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h0000000000000000,
    64'h0000000000000000, 64'h0000000000000000, 64'h000000003fffe000,
    64'h00000000001fe000, 64'h0000000000000000, 64'h0000000000000000
  };

  /* verilator lint_on UNUSEDPARAM */

endpackage
