#ifndef MMU_TLM_MEMORY_H
#define MMU_TLM_MEMORY_H

/*
 * The example platform's memory: one sparse physical memory (mmu_physmem, shared with the OS side that writes the
 * page tables) behind two loosely-timed target sockets.
 *
 *   walk_socket  for the MMU's page-table accesses, 8-byte aligned words. Timed as the model's memory (mmu_mem:
 *                mem.latency, mem.latency_max, mem.stall_max with the same random draws in the same order, rules
 *                M1-M5): an access that costs S + L + 1 cycles there adds (S + L) x period to the delay, which the
 *                MMU turns back into S + L cycles. With the defaults that is mem.latency x period.
 *   data_socket  for translated accesses, any length: data_cycles x period per access (0 by default, because mmusim
 *                models no data accesses; another value shifts the requester's time and so the MMU's idle cycles).
 *
 * Both serve debug transport without timing or counting. Data arrays hold bytes in address order.
 */
#include <cstdint>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

extern "C" {
#include "mmu/mmu_mem.h"
}

class mmu_tlm_memory : public sc_core::sc_module
{
      public:
	tlm_utils::simple_target_socket<mmu_tlm_memory> walk_socket;
	tlm_utils::simple_target_socket<mmu_tlm_memory> data_socket;

	/* pm must outlive the memory; cfg->mem and cfg->seed as validated by mmu_cfg_validate. Throws on ENOMEM. */
	mmu_tlm_memory(sc_core::sc_module_name name, const mmu_cfg_t &cfg, mmu_physmem_t *pm,
	               const sc_core::sc_time &period, uint64_t data_cycles = 0);

	/* Timed accesses served (debug transport not counted). */
	uint64_t walk_reads() const;
	uint64_t walk_writes() const;
	uint64_t data_accesses() const;

      private:
	struct destroy {
		void operator()(mmu_mem_t *m) const
		{
			mmu_mem_destroy(m);
		}
	};

	void walk_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
	void data_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
	unsigned int debug_transport(tlm::tlm_generic_payload &t);
	tlm::tlm_response_status copy(tlm::tlm_generic_payload &t, bool use_byte_enables);

	mmu_physmem_t *pm_;
	std::unique_ptr<mmu_mem_t, destroy> mem_;
	sc_core::sc_time period_;
	sc_core::sc_time data_delay_;
	uint64_t data_accesses_ = 0;
};

#endif
