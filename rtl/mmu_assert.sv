// Assertion macros of the RTL, in the manner of lowRISC's prim_assert: one property, written once at the end of a
// module, expanded for the tool that reads it. Every property is sampled at the rising edge of clk_i and disabled
// while rst_ni is low; the module using them must have ports of those names.
//
//   `MMU_ASSERT(Name, expr)            expr holds in every cycle out of reset
//   `MMU_ASSERT_NEXT(Name, cond, expr) when cond holds in a cycle, expr holds in the next (both out of reset)
//   `MMU_ASSUME(Name, expr)            a constraint on the environment: an assumption in a proof, an assertion in
//                                      simulation. Modules assert what they need of their inputs (MMU_ASSERT); only
//                                      the proof harnesses (testbench/formal) assume, so that a property of one
//                                      module never constrains the module that drives it in a larger proof.
//   `MMU_COVER(Name, expr)             expr is reachable (a cover of the formal proofs)
//   `MMU_ASSUME_RESET_FIRST            (proof harnesses) the first cycle is a reset
//
// Yosys read_verilog -formal (make formal): immediate assertions in a clocked process, which scripts/formal.sh proves
// (Yosys 0.23 has no SVA clocking syntax). Simulators (Verilator with --assert, Icarus 11): the same clocked immediate
// assertions, reported with $error. Synthesis: nothing.
//
// Included by every module that asserts; the guard makes a second inclusion empty, so the file also works when a
// tool reads it as the first source of rtl/mmu_sources.txt.
`ifndef MMU_ASSERT_SV
`define MMU_ASSERT_SV

`ifdef SYNTHESIS
`ifndef FORMAL
`define MMU_ASSERT_OFF
`endif
`endif

// MMU_SIM: a simulator reads the RTL (not synthesis, not a proof): parameter checks at elaboration with messages,
// and checks that need four-state values.
`ifndef SYNTHESIS
`ifndef FORMAL
`define MMU_SIM
`endif
`endif

// The condition of MMU_ASSERT_NEXT one cycle late, cleared by reset (Icarus 11 has no $past at run time).
`define MMU_ASSERT_NEXT_COND(name, cond) \
  logic name``_cond_q; \
  always_ff @(posedge clk_i or negedge rst_ni) if (!rst_ni) name``_cond_q <= 1'b0; else name``_cond_q <= (cond);

`ifdef MMU_ASSERT_OFF

`define MMU_ASSERT(name, expr)
`define MMU_ASSERT_NEXT(name, cond, expr)
`define MMU_ASSUME(name, expr)
`define MMU_COVER(name, expr)
`define MMU_ASSUME_RESET_FIRST

`elsif FORMAL

`define MMU_ASSERT(name, expr) \
  always @(posedge clk_i) if (rst_ni) name: assert (expr);
`define MMU_ASSERT_NEXT(name, cond, expr) \
  `MMU_ASSERT_NEXT_COND(name, cond) \
  always @(posedge clk_i) if (rst_ni && name``_cond_q) name: assert (expr);
`define MMU_ASSUME(name, expr) \
  always @(posedge clk_i) if (rst_ni) name: assume (expr);
// A harness's first cycle is a reset: ABC's engines (scripts/formal.sh) start a register without a reset value at any
// value, and Yosys's sat, which replays their counterexamples and searches the covers, is told so besides.
`define MMU_ASSUME_RESET_FIRST \
  logic formal_started_q = 1'b0; \
  always @(posedge clk_i) formal_started_q <= 1'b1; \
  always @* if (!formal_started_q) assume (!rst_ni);
// Besides the cover cell, a register that holds the condition of the last cycle: scripts/formal.sh searches for each
// cover by disproving that it stays 0 (Yosys's sat has no cover mode).
`define MMU_COVER(name, expr) \
  (* keep *) logic name``_reach_q; \
  always_ff @(posedge clk_i or negedge rst_ni) if (!rst_ni) name``_reach_q <= 1'b0; else name``_reach_q <= (expr); \
  always @(posedge clk_i) if (rst_ni) name: cover (expr);

`else

// Simulators (Verilator in the co-simulation, with --assert; Icarus): clocked immediate assertions, which read the
// values before the edge as a concurrent property would. Verilator 5.006 copies every signal a concurrent property
// samples at every evaluation: the co-simulation ran a quarter slower with them. Covers count nothing here; the
// co-simulation's coverage bins are its own (sim/cosim/cosim_cover.def). Verilator puts the label in the scope it
// reports ("Assertion failed in TOP.mmu_top.u_miss.MissNoStaleFill"); Icarus 11 takes no label on an assertion.
`ifdef VERILATOR
`define MMU_ASSERT_LABEL(name) name:
`else
`define MMU_ASSERT_LABEL(name)
`endif

`ifdef MMU_SVA

// With +define+MMU_SVA (Verilator): the same properties as concurrent assertions and covers (the co-simulation variant
// that shows the broken miss unit caught is built so, sim/cosim/CMakeLists.txt).
`define MMU_ASSERT(name, expr) \
  name: assert property (@(posedge clk_i) disable iff (!rst_ni) (expr)) \
    else $error("assertion %s failed: %s", `"name`", `"expr`");
`define MMU_ASSERT_NEXT(name, cond, expr) \
  name: assert property (@(posedge clk_i) disable iff (!rst_ni) (cond) |=> (expr)) \
    else $error("assertion %s failed: %s, the cycle after %s", `"name`", `"expr`", `"cond`");
`define MMU_ASSUME(name, expr) `MMU_ASSERT(name, expr)
`define MMU_COVER(name, expr) \
  name: cover property (@(posedge clk_i) disable iff (!rst_ni) (expr));
`define MMU_ASSUME_RESET_FIRST

`else

`define MMU_ASSERT(name, expr) \
  always @(posedge clk_i) if (rst_ni) `MMU_ASSERT_LABEL(name) assert (expr) \
    else $error("assertion %s failed: %s", `"name`", `"expr`");
`define MMU_ASSERT_NEXT(name, cond, expr) \
  `MMU_ASSERT_NEXT_COND(name, cond) \
  always @(posedge clk_i) if (rst_ni && name``_cond_q) `MMU_ASSERT_LABEL(name) assert (expr) \
    else $error("assertion %s failed: %s, the cycle after %s", `"name`", `"expr`", `"cond`");
`define MMU_ASSUME(name, expr) `MMU_ASSERT(name, expr)
`define MMU_COVER(name, expr)
`define MMU_ASSUME_RESET_FIRST

`endif

`endif

`endif
