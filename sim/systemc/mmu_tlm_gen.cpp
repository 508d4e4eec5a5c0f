/* The trace-driven traffic generator: mmu_sim's per-record behaviour over TLM-2.0. */
#include "mmu_tlm_gen.h"

#include <cstdio>
#include <stdexcept>

using sc_core::sc_time;

enum { BATCH = 4096 };

mmu_tlm_gen::mmu_tlm_gen(sc_core::sc_module_name name, const mmu_cfg_t &cfg, mmu_trace_t *trace, mmu_os_t *os,
                         const sc_time &period, const std::string &path)
    : sc_module(name), socket("socket"), control("control"), cfg_(cfg), trace_(trace), os_(os), period_(period),
      path_(path)
{
	char msg[256];
	if (mmu_paging_init(&pg_, &cfg.paging, msg, sizeof msg))
		throw std::invalid_argument(msg);
	tx_.set_extension(&ext_);
	SC_HAS_PROCESS(mmu_tlm_gen);
	SC_THREAD(run);
}

mmu_tlm_gen::~mmu_tlm_gen()
{
	tx_.clear_extension(&ext_); /* a member, not the payload's to delete */
}

void mmu_tlm_gen::run()
{
	std::vector<mmu_trace_rec_t> recs(BATCH);
	char msg[512];
	uint64_t record = 0;
	qk_.reset();
	for (;;) {
		long n = mmu_trace_read(trace_, recs.data(), recs.size(), msg, sizeof msg);
		if (n < 0) {
			error_ = msg;
			return;
		}
		if (n == 0)
			break;
		for (long i = 0; i < n; i++) {
			record++;
			if (simulate(recs[(size_t)i], msg, sizeof msg)) {
				char where[600];
				mmu_trace_locate(path_.c_str(), mmu_trace_format(trace_), record, where, sizeof where);
				error_ = std::string(where) + ": " + msg;
				return;
			}
		}
	}
	qk_.sync(); /* the simulation ends at the last response: cycles x period */
	done_ = true;
}

int mmu_tlm_gen::switch_to(uint32_t pid)
{
	int err = mmu_os_process(os_, pid);
	if (err)
		return err;
	if (started_)
		st_.context_switches++;
	/* With PCIDs each process keeps its own entries: Linux sets bit 63 when the PCID's entries are still valid. */
	sc_time delay = qk_.get_local_time();
	control->write_cr3(mmu_os_cr3(os_, pid, true), delay);
	qk_.set(delay);
	started_ = true;
	pid_ = pid;
	return 0;
}

int mmu_tlm_gen::simulate(const mmu_trace_rec_t &rec, char *msg, size_t msglen)
{
	if (!started_ || rec.pid != pid_) {
		int err = switch_to(rec.pid);
		if (err) {
			std::snprintf(msg, msglen, "cannot create process %u: %s", rec.pid, mmu_strerror(err));
			return err;
		}
	}
	st_.references++;
	bool fetch = rec.kind == MMU_REF_FETCH;
	bool write = rec.kind == MMU_REF_STORE || rec.kind == MMU_REF_MODIFY; /* M: one translation, as a store */
	uint64_t page = UINT64_C(1) << pg_.page_bits;
	uint64_t last = rec.vaddr + (rec.size ? rec.size - 1 : 0);
	uint64_t second = last & ~(page - 1);
	bool split = (last >> pg_.page_bits) != (rec.vaddr >> pg_.page_bits);
	uint64_t first_len = split ? second - rec.vaddr : last - rec.vaddr + 1;
	int err = access(rec.vaddr, (unsigned)first_len, fetch, write, msg, msglen);
	if (!err && split) {
		st_.split_references++;
		err = access(second, (unsigned)(last - second + 1), fetch, write, msg, msglen);
	}
	return err;
}

int mmu_tlm_gen::not_canonical(uint64_t vaddr, char *msg, size_t msglen) const
{
	std::snprintf(msg, msglen, "address 0x%llx is not a valid %s virtual address (%u bits%s)",
	              (unsigned long long)vaddr, pg_.name, pg_.va_bits, pg_.sign_extend ? ", canonical form" : "");
	return MMU_EFAULT;
}

/* os.populate: the page is mapped before its first access, free of charge, as MAP_POPULATE does before a run. */
int mmu_tlm_gen::populate(uint64_t vaddr, char *msg, size_t msglen)
{
	int err = mmu_os_populate(os_, pid_, vaddr);
	if (err && !mmu_paging_canonical(&pg_, vaddr))
		return not_canonical(vaddr, msg, msglen);
	if (err)
		std::snprintf(msg, msglen, "cannot map address 0x%llx: %s", (unsigned long long)vaddr,
		              mmu_strerror(err));
	return err;
}

tlm::tlm_response_status mmu_tlm_gen::transport(uint64_t vaddr, unsigned len, bool fetch, bool write)
{
	if (data_.size() < len)
		data_.resize(len);
	tx_.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
	tx_.set_address(vaddr);
	tx_.set_data_ptr(data_.data());
	tx_.set_data_length(len);
	tx_.set_streaming_width(len);
	tx_.set_byte_enable_ptr(nullptr);
	tx_.set_byte_enable_length(0);
	tx_.set_dmi_allowed(false);
	tx_.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
	ext_.fetch = fetch;
	ext_.user = true; /* a trace is a user process */
	ext_.pid = pid_;
	sc_time delay = qk_.get_local_time();
	socket->b_transport(tx_, delay);
	qk_.set(delay);
	if (qk_.need_sync())
		qk_.sync();
	return tx_.get_response_status();
}

int mmu_tlm_gen::access(uint64_t vaddr, unsigned len, bool fetch, bool write, char *msg, size_t msglen)
{
	if (cfg_.os.populate) {
		int err = populate(vaddr, msg, msglen);
		if (err)
			return err;
	}
	for (unsigned attempt = 0;; attempt++) {
		st_.translations++;
		tlm::tlm_response_status status = transport(vaddr, len, fetch, write);
		if (status == tlm::TLM_OK_RESPONSE)
			return 0;
		if (status != tlm::TLM_ADDRESS_ERROR_RESPONSE || !ext_.fault) {
			std::snprintf(msg, msglen, "the MMU answered %s at 0x%llx", tx_.get_response_string().c_str(),
			              (unsigned long long)vaddr);
			return MMU_EIO;
		}
		if (ext_.cause == MMU_CAUSE_NONCANONICAL) /* a trace of a real program never has one: bad input */
			return not_canonical(vaddr, msg, msglen);
		if (ext_.cause != MMU_CAUSE_NOT_PRESENT || attempt > 0) {
			st_.unhandled_faults++;
			return 0;
		}
		int err = mmu_os_demand_fault(os_, pid_, vaddr);
		if (err == MMU_ENOFRAME) {
			std::snprintf(msg, msglen, "physical memory exhausted mapping address 0x%llx",
			              (unsigned long long)vaddr);
			return err;
		}
		if (err) {
			st_.unhandled_faults++;
			return 0;
		}
		st_.demand_faults++;
		st_.fault_service_cycles += cfg_.os.fault_cycles;
		qk_.inc(sc_time::from_value(period_.value() * cfg_.os.fault_cycles)); /* the OS handler runs */
	}
}

const mmu_sim_stats_t &mmu_tlm_gen::stats() const
{
	return st_;
}

bool mmu_tlm_gen::done() const
{
	return done_;
}

const std::string &mmu_tlm_gen::error() const
{
	return error_;
}
