#ifndef MMU_TLM_H
#define MMU_TLM_H

/*
 * The MMU as a loosely-timed TLM-2.0 component.
 *
 *   socket       target: virtual-address transactions (TLM_READ_COMMAND, TLM_WRITE_COMMAND; TLM_IGNORE_COMMAND
 *                translates without an access). Fetch, privilege and process travel in an mmu_tlm_ext.
 *   walk_socket  initiator: every page-table read and A/D write-back of the walker, one 8-byte word each. A
 *                write-back carries an mmu_tlm_cas_ext: it is a compare-and-swap (docs/timing.md M9).
 *   data_socket  initiator: the translated access, forwarded unchanged but for its physical address.
 *   control      mmu_tlm_control_if (CR3 writes, TLB flushes), bound to an sc_port of the platform.
 *
 * Time. The MMU runs on a clock of period `period`; cycle n starts at time n x period. Inside b_transport the
 * component steps the per-cycle machine (mmu_comb / mmu_clock, or any mmu_tlm_core) cycle by cycle without waiting,
 * as a loosely-timed model does: a transaction at local time t = sc_time_stamp() + delay is presented in cycle
 * ceil(t / period) (the next clock edge); cycles between the previous activity and that one are clocked idle; the
 * annotated delay on return is the time of the response cycle, so it grows by exactly the model's latency of the
 * translation x period for an initiator that keeps its local time (docs/timing.md, T14). A core may answer a request
 * at once instead when nothing is in flight and the request hits its L1 TLB (mmu_tlm_core::translate_quiet: the C
 * model does, leaving the state, statistics and cycle that clocking would leave), and may skip the cycles a walk
 * waits for memory (skip_wait); the timing is the same.
 *
 * Memory. When the machine presents a walker request, mem_req_ready is high (one request at a time) and the request
 * goes out at once through walk_socket->b_transport, with the local time of the current cycle. The delay the memory
 * adds is converted to cycles of the MMU clock rounded UP, and at least 1 (rule M1: L >= 1); the response is
 * presented that many cycles later. A memory that adds (S + L) x period thus costs the S + L + 1 cycles of rule M4.
 * Data arrays hold bytes in address order (little-endian words, as the page tables are stored), byte enables
 * 0xff / 0x00 per byte.
 *
 * Faults: TLM_ADDRESS_ERROR_RESPONSE, with cause and x86 error code in the extension; nothing is forwarded.
 * A transaction that crosses a base page is answered TLM_BURST_ERROR_RESPONSE untranslated (the requester splits,
 * as a CPU's load/store unit does); a fetch that writes, TLM_COMMAND_ERROR_RESPONSE.
 *
 * Debug transport (transport_dbg) translates with a software walk through walk_socket's debug transport (no timing,
 * no TLB, no A/D update, no statistics) and forwards the access to data_socket's debug transport.
 *
 * Requests are served one at a time, in order (T14); a second initiator's b_transport waits (from a thread) until
 * the first one has its response.
 *
 * SystemC's time is a 64-bit count of its resolution (1 ps by default: about 213 days). A cycle that would start
 * after the last representable time is an SC_REPORT_ERROR of type MMU_TLM_TIME_LIMIT, never a time that wraps.
 */
#include <cstdint>
#include <memory>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

extern "C" {
#include "mmu/mmu.h"
}

/*
 * The walker's A/D write-back is a compare-and-swap (docs/timing.md M9): the target writes the enabled bytes only if
 * they hold those of `cmp`, and returns the word as it was in `old`, setting `done`. A target that ignores the
 * extension performs a plain write; the walker then takes it as having succeeded (no atomicity against others).
 */
class mmu_tlm_cas_ext : public tlm::tlm_extension<mmu_tlm_cas_ext>
{
      public:
	uint64_t cmp = 0;  /* request: the value the enabled bytes must hold */
	uint64_t old = 0;  /* response: the whole word before the access */
	bool done = false; /* response: the target performed the comparison */

	tlm::tlm_extension_base *clone() const override;
	void copy_from(const tlm::tlm_extension_base &other) override;
};

/* The message type of the report raised when a run's time would pass SystemC's last representable time. */
#define MMU_TLM_TIME_LIMIT "mmu_tlm: time limit"

/* Raises that report: the cycle (of a clock of period `period`) that would start too late. */
[[noreturn]] void mmu_tlm_time_limit(uint64_t cycle, const sc_core::sc_time &period);
/* Its text, for an initiator that stops before it would raise it (mmu_tlm_gen). */
std::string mmu_tlm_time_limit_text(uint64_t cycle, const sc_core::sc_time &period);

/* Request attributes the generic payload has no field for (set by the initiator), and the outcome (set by the MMU). */
class mmu_tlm_ext : public tlm::tlm_extension<mmu_tlm_ext>
{
      public:
	/* request */
	bool fetch = false; /* instruction fetch: instruction port (L1 ITLB) and execute check; command READ */
	bool user = true;   /* privilege: user mode (CPL 3), else supervisor */
	uint32_t pid = 0;   /* requesting process: carried for the platform; CR3 decides the address space */
	/* response */
	bool fault = false;
	uint8_t cause = MMU_CAUSE_NONE; /* mmu_fault_cause_t */
	uint8_t ecode = 0;              /* x86 page-fault error code, MMU_EC_* */
	uint8_t level = MMU_LEVEL_NONE; /* mmu_hit_level_t: who answered */
	uint64_t paddr = 0;             /* physical address (0 on a fault) */
	uint64_t cycles = 0;            /* MMU cycles from presentation to response */

	tlm::tlm_extension_base *clone() const override;
	void copy_from(const tlm::tlm_extension_base &other) override;
};

/* What a platform (its OS side) does to the MMU besides translating. */
class mmu_tlm_control_if : public virtual sc_core::sc_interface
{
      public:
	/*
	 * A CR3 write (T11), presented alone in the cycle of local time sc_time_stamp() + delay; delay advances to the
	 * next cycle (it costs one cycle, T14).
	 */
	virtual void write_cr3(uint64_t value, sc_core::sc_time &delay) = 0;
	/* A TLB invalidation (T12), with the same timing. */
	virtual void flush(mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid, sc_core::sc_time &delay) = 0;
};

/* The per-cycle machine behind the sockets: its ports are mmu_ports.def, whatever implements them. */
class mmu_tlm_core
{
      public:
	virtual ~mmu_tlm_core() = default;
	/* Outputs of the current cycle (a function of state only, T1). */
	virtual void comb(const mmu_in_t &in, mmu_out_t &out) = 0;
	/* The clock edge at the end of the current cycle. */
	virtual void clock(const mmu_in_t &in) = 0;
	/*
	 * A shortcut for n clock edges with nothing presented, taken only when the core is quiescent (no request, walk
	 * or response in flight), where such edges change nothing but the cycle count. Returns whether it was taken;
	 * the adapter clocks cycle by cycle otherwise.
	 */
	virtual bool skip_idle(uint64_t n)
	{
		(void)n;
		return false;
	}
	/*
	 * A shortcut for n clock edges with nothing presented and no memory response while the core waits for one,
	 * taken only where such edges change nothing but the cycle count. Returns whether it was taken.
	 */
	virtual bool skip_wait(uint64_t n)
	{
		(void)n;
		return false;
	}
	/*
	 * A shortcut for one request presented on port `port` in the current cycle (tag 0, nothing else presented),
	 * taken only when the core is quiescent (nothing in flight but a response showing) and the request hits the L1
	 * TLB without a fault or a dirty re-walk. Then the core is left exactly as clocking it up to the response cycle
	 * would leave it (state, statistics, cycle count; the response cycle unclocked, showing the response, T14), res
	 * is that response with res.latency its cycles, and it returns true; otherwise nothing changes and the adapter
	 * clocks cycle by cycle.
	 */
	virtual bool translate_quiet(unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t &res)
	{
		(void)port, (void)vaddr, (void)op, (void)user, (void)res;
		return false;
	}
	/* The counters of mmu_stats.def so far. */
	virtual void stats(mmu_stats_t &out) const = 0;
	/* "model", "rtl": for reports. */
	virtual const char *kind() const = 0;
};

/*
 * The C reference model as the core. Its translate_quiet answers a request that hit an L1 slot since the last clock
 * edge from a table of such hits, applying their counting and the ports they leave only when something else reads or
 * clocks the model (every other method does that first): what callers see is the per-cycle path's state.
 */
class mmu_tlm_model_core : public mmu_tlm_core
{
      public:
	/* cfg must be valid (mmu_cfg_validate); throws std::runtime_error if the model cannot be built. */
	explicit mmu_tlm_model_core(const mmu_cfg_t &cfg);
	void comb(const mmu_in_t &in, mmu_out_t &out) override;
	void clock(const mmu_in_t &in) override;
	bool skip_idle(uint64_t n) override;
	bool skip_wait(uint64_t n) override;
	bool translate_quiet(unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t &res) override;
	void stats(mmu_stats_t &out) const override;
	const char *kind() const override;
	/* The model, brought up to date with the hits answered from the table (below). */
	const mmu_t *model() const;
	/* Quiet hits answered from the table of this core's hits since the last clock edge (mmu_tlm.cpp). */
	uint64_t table_hits() const;

      private:
	struct destroy {
		void operator()(mmu_t *m) const
		{
			mmu_destroy(m);
		}
	};
	/*
	 * The model brought up to date with the quiet hits answered from the last one's record but not applied yet
	 * (translate_quiet): their counting, and the ports as the last of them leaves them. Every method but
	 * translate_quiet does this first; it changes nothing a caller of this class can see, hence const.
	 */
	void settle() const;
	void count_deferred() const;
	void next_epoch();
	bool translate_looked_up(unsigned port, uint64_t vaddr, mmu_op_t op, bool user, mmu_result_t &res);

	std::unique_ptr<mmu_t, destroy> m_;
	struct quiet_hits; /* each port's last quiet hit and the hits deferred (mmu_tlm.cpp; mmu_replay.h) */
	struct free_quiet_hits {
		void operator()(quiet_hits *q) const;
	};
	std::unique_ptr<quiet_hits, free_quiet_hits> last_;
};

class mmu_tlm : public sc_core::sc_module, public mmu_tlm_control_if
{
      public:
	tlm_utils::simple_target_socket<mmu_tlm> socket;
	tlm_utils::simple_initiator_socket<mmu_tlm> walk_socket;
	tlm_utils::simple_initiator_socket<mmu_tlm> data_socket;

	/* The C model as the core. cfg must be valid (mmu_cfg_validate); period > 0. */
	mmu_tlm(sc_core::sc_module_name name, const mmu_cfg_t &cfg, const sc_core::sc_time &period);
	/* Any core implementing the ports for this cfg (the Verilated RTL, ...). */
	mmu_tlm(sc_core::sc_module_name name, const mmu_cfg_t &cfg, const sc_core::sc_time &period,
	        std::unique_ptr<mmu_tlm_core> core);

	void write_cr3(uint64_t value, sc_core::sc_time &delay) override;
	void flush(mmu_flush_op_t op, uint64_t vaddr, uint16_t pcid, sc_core::sc_time &delay) override;

	/* Software translation with the current CR3 (no timing); false if vaddr is not mapped. */
	bool debug_translate(uint64_t vaddr, uint64_t &paddr, unsigned &level);

	void stats(mmu_stats_t &out) const;
	const mmu_tlm_core &core() const;
	const mmu_cfg_t &config() const;
	const mmu_paging_t &paging() const;
	const sc_core::sc_time &period() const;
	/* The current cycle: the first one not clocked yet. */
	uint64_t cycle() const;
	/* The last value written to CR3. */
	uint64_t cr3() const;

      private:
	struct memory_port {
		bool pending = false;
		uint64_t resp_cycle = 0;
		uint64_t rdata = 0;
	};
	struct response {
		mmu_result_t res;
		uint64_t cycles;
	};

	void b_transport(tlm::tlm_generic_payload &t, sc_core::sc_time &delay);
	unsigned int transport_dbg(tlm::tlm_generic_payload &t);
	tlm::tlm_response_status check(const tlm::tlm_generic_payload &t, bool fetch) const;

	void acquire();
	void release();
	uint64_t cycle_at(const sc_core::sc_time &t) const;
	sc_core::sc_time time_of(uint64_t cycle) const;
	sc_core::sc_time span(uint64_t cycles) const;
	void eval(mmu_in_t &in, mmu_out_t &out);
	void edge(const mmu_in_t &in, const mmu_out_t &out);
	void advance_to(uint64_t cycle);
	void control_cycle(const mmu_in_t &in, sc_core::sc_time &delay);
	response translate(unsigned port, uint64_t vaddr, mmu_op_t op, bool user);
	void access_memory(const mmu_out_t &out);
	bool debug_read(uint64_t addr, unsigned len, uint64_t &value);

	mmu_cfg_t cfg_;
	mmu_paging_t pg_;
	sc_core::sc_time period_;
	enum { SPANS = 64 };
	sc_core::sc_time
	    span_[SPANS]; /* k x period_, made once: an L1 hit's delay needs no sc_time built from a value */
	std::unique_ptr<mmu_tlm_core> core_;
	uint64_t cycle_ = 0;
	uint64_t cr3_ = 0;
	uint64_t quiet_limit_;
	uint64_t last_cycle_; /* the last cycle whose start time SystemC can represent */
	memory_port mem_;
	tlm::tlm_generic_payload walk_tx_;
	mmu_tlm_cas_ext walk_cas_; /* attached to walk_tx_ for a write-back only, removed after it */
	unsigned char walk_data_[8];
	unsigned char walk_be_[8];
	bool busy_ = false;
	unsigned waiting_ = 0; /* initiators waiting in acquire() */
	sc_core::sc_event idle_event_;
};

#endif
