#ifndef MMU_TLM_GEN_H
#define MMU_TLM_GEN_H

/*
 * A trace-driven traffic generator: mmusim's in-order requester (docs/timing.md, T14) as a TLM-2.0 initiator.
 *
 * It reads a trace (any format mmu_trace reads) one record at a time, in order, and carries out the steps the model's
 * requester (mmu_requester.h) makes of each, as mmu_sim does: a CR3 write or a TLB invalidation through `control`;
 * a translation as one b_transport on `socket` (load or store; fetches on the instruction side); idle cycles (the
 * OS serving a fault) as clock periods of local time.
 * Its local time runs in a quantum keeper (tlm_global_quantum), so each request is presented in the cycle the
 * previous response appears.
 */
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "mmu_tlm.h"

extern "C" {
#include "mmu/mmu_sim.h"
}

class mmu_tlm_gen : public sc_core::sc_module
{
      public:
	tlm_utils::simple_initiator_socket<mmu_tlm_gen> socket;
	sc_core::sc_port<mmu_tlm_control_if> control;

	/*
	 * trace and os must outlive the generator; path names the trace in messages. The run starts with the
	 * simulation and ends at the end of the trace or at the first error (see error()).
	 */
	mmu_tlm_gen(sc_core::sc_module_name name, const mmu_cfg_t &cfg, mmu_trace_t *trace, mmu_os_t *os,
	            const sc_core::sc_time &period, const std::string &path);
	~mmu_tlm_gen() override;

	/* The trace side's counts, as mmu_sim counts them. */
	const mmu_sim_stats_t &stats() const;
	/* Whether the whole trace was simulated. */
	bool done() const;
	/*
	 * An observer called after each record with the number of records simulated so far (a platform's progress line,
	 * its handling of SIGINT). When it returns false the run stops there, at the time of the last response: then
	 * stopped() is true, done() false, and the counts are those of the records simulated.
	 */
	void set_monitor(std::function<bool(uint64_t records)> monitor);
	bool stopped() const;
	/* Records of the trace simulated so far. */
	uint64_t records() const;
	/* Whether error() is the end of SystemC's time: the run would have passed it (mmu_tlm_time_limit_text). */
	bool time_limit() const;
	/* Empty, or "PATH: record N: what went wrong" (or the trace reader's "FILE:LINE: ..."). */
	const std::string &error() const;

      private:
	void run();
	int simulate(const mmu_trace_rec_t &rec, char *msg, size_t msglen);
	int carry_out(const mmu_trace_rec_t &rec, const mmu_step_t &step, char *msg, size_t msglen);
	int idle(uint64_t cycles, char *msg, size_t msglen);
	tlm::tlm_response_status transport(uint64_t vaddr, unsigned len, bool fetch, bool write);

	mmu_paging_t pg_;
	mmu_trace_t *trace_;
	sc_core::sc_time period_;
	std::string path_;
	tlm_utils::tlm_quantumkeeper qk_;
	tlm::tlm_generic_payload tx_;
	mmu_tlm_ext ext_;
	std::vector<unsigned char> data_;
	mmu_requester_t *req_ = nullptr;
	bool done_ = false;
	bool stopped_ = false;
	bool time_limit_ = false;
	uint64_t records_ = 0;
	std::function<bool(uint64_t)> monitor_;
	std::string error_;
};

#endif
