#ifndef MMU_TLM_RTL_H
#define MMU_TLM_RTL_H

/*
 * The Verilated RTL (rtl/mmu_top.sv, verilator --sc) as an mmu_tlm_core: mmu_tlm's sockets in front, the RTL's pins
 * behind, driven through sc_signals.
 *
 * Pins. Each call of comb() writes the inputs of the cycle to the pins and lets two delta cycles pass (the signals
 * update, the Verilated module evaluates, its outputs update); clock() raises clk_i with the same inputs and lets the
 * edge settle the same way. No simulated time passes: mmu_tlm accounts the cycles. So comb() and clock() wait, and
 * must run in a thread (mmu_tlm calls them from b_transport and the control interface, which are).
 *
 * Lockstep. The RTL has no statistics counters and the report needs them all (reads per walk level, A/D writes,
 * hits per TLB), most of which are not visible on the ports. So the C model runs beside the RTL with the same inputs,
 * every output of every cycle is compared (those that the valid signals qualify: a response's fields when it is
 * valid, a memory request's fields when it is valid, write data when it writes), and the statistics are the model's.
 * The platform is driven by the RTL's outputs: the RTL is checked, not trusted. A difference stops the simulation
 * with an SC_REPORT_ERROR naming the cycle, the port and both values.
 *
 * Idle stretches (a page-fault handler's time, gaps of the trace) are skipped in both when the model is quiescent
 * and the RTL's outputs agree: an idle RTL has no state that idle edges change (its LFSRs step only at fills, there
 * are no timers), so the edges are not simulated.
 *
 * The Verilated build has fixed parameters (the defaults of mmu_top: rtl/mmu_configs.txt "default", which is the
 * model's default configuration); mmu_tlm_rtl_check() tells whether a configuration is that hardware.
 */
#include <memory>
#include <string>

#include "mmu_tlm.h"

/* Empty if cfg is the hardware of the Verilated build, else a message naming the first key that differs. */
std::string mmu_tlm_rtl_check(const mmu_cfg_t &cfg);

class mmu_tlm_rtl_core : public mmu_tlm_core
{
      public:
	/*
	 * Elaborates the RTL as a SystemC module named `name` (call before sc_start). Throws std::invalid_argument if
	 * mmu_tlm_rtl_check(cfg) is not empty, std::runtime_error if the model cannot be built.
	 */
	mmu_tlm_rtl_core(const char *name, const mmu_cfg_t &cfg);
	~mmu_tlm_rtl_core() override;
	void comb(const mmu_in_t &in, mmu_out_t &out) override;
	void clock(const mmu_in_t &in) override;
	bool skip_idle(uint64_t n) override;
	void stats(mmu_stats_t &out) const override;
	const char *kind() const override;
	/* Cycles whose outputs were compared (each cycle once, skipped idle cycles not counted). */
	uint64_t checked_cycles() const;

      private:
	struct pins;
	std::unique_ptr<pins> pins_;
	mmu_tlm_model_core model_;
	uint64_t cycle_ = 0;
	uint64_t checked_ = 0;
	uint64_t last_checked_cycle_ = UINT64_MAX;
};

#endif
