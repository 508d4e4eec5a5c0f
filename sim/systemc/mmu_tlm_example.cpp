/*
 * The smallest system around mmu_tlm, as the README shows it: a CPU thread that switches to a process (CR3 write)
 * and loads one virtual address, the MMU, and a memory serving both the page tables and the data.
 */
#include <cstdio>

#include "mmu_tlm.h"        /* the component; CMake target mmu_systemc */
#include "mmu_tlm_memory.h" /* the example platform's memory (or any TLM-2.0 target of yours) */

extern "C" {
#include "mmu/mmu_os.h" /* page tables for the example; a real platform has its own OS or loader */
}

struct cpu : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<cpu> socket;
	sc_core::sc_port<mmu_tlm_control_if> mmu_control;
	uint64_t cr3;

	cpu(sc_core::sc_module_name n, uint64_t cr3)
	    : sc_module(n), socket("socket"), mmu_control("mmu_control"), cr3(cr3)
	{
		SC_HAS_PROCESS(cpu);
		SC_THREAD(run);
	}

	void run()
	{
		sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
		mmu_control->write_cr3(cr3, delay); /* a context switch: one cycle */

		uint64_t word = 0;
		mmu_tlm_ext ext; /* defaults: user mode, data access */
		tlm::tlm_generic_payload t;
		t.set_read();
		t.set_address(0x400000); /* a virtual address */
		t.set_data_ptr(reinterpret_cast<unsigned char *>(&word));
		t.set_data_length(8);
		t.set_streaming_width(8);
		t.set_extension(&ext);
		socket->b_transport(t, delay); /* delay += the translation's cycles x period (+ the data access) */
		if (t.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE)
			std::printf("page fault: cause %u, error code 0x%x\n", ext.cause, ext.ecode);
		else
			std::printf("0x400000 -> 0x%llx in %llu cycles\n", (unsigned long long)ext.paddr,
			            (unsigned long long)ext.cycles);
		t.clear_extension(&ext); /* ours, not the payload's to delete */
	}
};

int sc_main(int, char **)
{
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg); /* or mmu_cfg_load_file() / mmu_cfg_set(), then mmu_cfg_validate() */
	const sc_core::sc_time period(1, sc_core::SC_NS);

	mmu_physmem_t *pm;
	mmu_os_t *os;
	mmu_physmem_create(&pm);
	mmu_os_create(&cfg, pm, &os);
	mmu_os_process(os, 1);
	mmu_os_map(os, 1, 0x400000, 4096, 1, MMU_PERM_RWX_USER);

	mmu_tlm mmu("mmu", cfg, period);
	mmu_tlm_memory mem("mem", cfg, pm, period);
	cpu core("cpu", mmu_os_cr3(os, 1, false));
	core.socket.bind(mmu.socket);
	core.mmu_control.bind(mmu);
	mmu.walk_socket.bind(mem.walk_socket); /* page-table reads and A/D writes */
	mmu.data_socket.bind(mem.data_socket); /* translated accesses */
	sc_core::sc_start();

	mmu_stats_t st;
	mmu.stats(st); /* every counter of mmu_stats.def */
	std::printf("%llu walks, %llu cycles\n", (unsigned long long)st.walks, (unsigned long long)st.cycles);
	mmu_os_destroy(os);
	mmu_physmem_destroy(pm);
	return 0;
}
