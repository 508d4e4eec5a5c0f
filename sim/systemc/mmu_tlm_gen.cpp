/* The trace-driven traffic generator: the model's requester (mmu_requester.h) over TLM-2.0. */
#include "mmu_tlm_gen.h"

#include <cstdio>
#include <stdexcept>

using sc_core::sc_time;

enum { BATCH = 4096 };

mmu_tlm_gen::mmu_tlm_gen(sc_core::sc_module_name name, const mmu_cfg_t &cfg, mmu_trace_t *trace, mmu_os_t *os,
                         const sc_time &period, const std::string &path)
    : sc_module(name), socket("socket"), control("control"), trace_(trace), period_(period), path_(path)
{
	char msg[256];
	if (mmu_paging_init(&pg_, &cfg.paging, msg, sizeof msg))
		throw std::invalid_argument(msg);
	if (mmu_requester_create(&cfg, os, &req_))
		throw std::bad_alloc();
	tx_.set_extension(&ext_);
	SC_HAS_PROCESS(mmu_tlm_gen);
	SC_THREAD(run);
}

mmu_tlm_gen::~mmu_tlm_gen()
{
	tx_.clear_extension(&ext_); /* a member, not the payload's to delete */
	mmu_requester_destroy(req_);
}

void mmu_tlm_gen::run()
{
	std::vector<mmu_trace_rec_t> recs(BATCH);
	char msg[512];
	qk_.reset();
	for (;;) {
		long n = mmu_trace_read(trace_, recs.data(), recs.size(), msg, sizeof msg);
		if (n < 0) {
			error_ = msg;
			return;
		}
		if (n == 0)
			break;
		for (long i = 0; i < n && !stopped_; i++) {
			records_++;
			if (simulate(recs[(size_t)i], msg, sizeof msg)) {
				char where[600];
				mmu_trace_locate(path_.c_str(), mmu_trace_format(trace_), records_, where,
				                 sizeof where);
				error_ = time_limit_ ? std::string(msg) : std::string(where) + ": " + msg;
				return;
			}
			stopped_ = monitor_ && !monitor_(records_);
		}
		if (stopped_) {
			qk_.sync(); /* the time of the last response, as at the end of the trace */
			return;
		}
	}
	qk_.sync(); /* the simulation ends at the last response: cycles x period */
	done_ = true;
}

int mmu_tlm_gen::simulate(const mmu_trace_rec_t &rec, char *msg, size_t msglen)
{
	int err = mmu_requester_begin(req_, &rec, msg, msglen);
	while (!err) {
		mmu_step_t step;
		if ((err = mmu_requester_next(req_, &step, msg, msglen)) != 0 || step.kind == MMU_STEP_DONE)
			break;
		err = carry_out(rec, step, msg, msglen);
	}
	return err;
}

/* One step of the requester as transactions: the control interface, the translation socket, or time passing. */
int mmu_tlm_gen::carry_out(const mmu_trace_rec_t &rec, const mmu_step_t &step, char *msg, size_t msglen)
{
	sc_time delay = qk_.get_local_time();
	switch (step.kind) {
	case MMU_STEP_CR3:
		control->write_cr3(step.value, delay);
		qk_.set(delay);
		return 0;
	case MMU_STEP_FLUSH:
		control->flush(step.flush_op, step.vaddr, step.pcid, delay);
		qk_.set(delay);
		return 0;
	case MMU_STEP_IDLE: /* the OS handler runs */
		return idle(step.cycles, msg, msglen);
	case MMU_STEP_DONE:
		return 0;
	case MMU_STEP_TRANSLATE:
		break;
	}
	/* the bytes of the record on the step's page: the first page's part, or the rest on the next page */
	uint64_t page = UINT64_C(1) << pg_.page_bits, last = rec.vaddr + (rec.size ? rec.size - 1 : 0);
	uint64_t end = (step.vaddr | (page - 1)) < last ? (step.vaddr | (page - 1)) : last;
	uint64_t from = (step.vaddr >> pg_.page_bits) == (rec.vaddr >> pg_.page_bits) ? rec.vaddr : step.vaddr;
	tlm::tlm_response_status status =
	    transport(step.vaddr, (unsigned)(end - from + 1), step.op == MMU_OP_FETCH, step.op == MMU_OP_STORE);
	mmu_result_t res = {};
	if (status == tlm::TLM_ADDRESS_ERROR_RESPONSE && ext_.fault) {
		res.fault = 1;
		res.cause = ext_.cause;
	} else if (status != tlm::TLM_OK_RESPONSE) {
		std::snprintf(msg, msglen, "the MMU answered %s at 0x%llx", tx_.get_response_string().c_str(),
		              (unsigned long long)step.vaddr);
		return MMU_EIO;
	}
	mmu_requester_answer(req_, &res);
	return 0;
}

/*
 * n clock periods of local time, unless they would take the time past SystemC's last one (mmu_tlm.h): then the run
 * stops with time_limit() set, without a report thrown from this thread (an exception leaving an SC_THREAD's
 * coroutine is what the target's own check does, as the last resort).
 */
int mmu_tlm_gen::idle(uint64_t n, char *msg, size_t msglen)
{
	uint64_t stamp = sc_core::sc_time_stamp().value(), local = qk_.get_local_time().value(), p = period_.value();
	uint64_t last = ~UINT64_C(0);
	if (local > last - stamp || n > (last - stamp - local) / p) {
		std::snprintf(msg, msglen, "%s",
		              mmu_tlm_time_limit_text((stamp / p) + (local / p) + n, period_).c_str());
		time_limit_ = true;
		return MMU_EINVAL;
	}
	qk_.inc(sc_time::from_value(p * n));
	return 0;
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
	ext_.pid = mmu_requester_pid(req_);
	sc_time delay = qk_.get_local_time();
	socket->b_transport(tx_, delay);
	qk_.set(delay);
	if (qk_.need_sync())
		qk_.sync();
	return tx_.get_response_status();
}

void mmu_tlm_gen::set_monitor(std::function<bool(uint64_t)> monitor)
{
	monitor_ = std::move(monitor);
}

bool mmu_tlm_gen::stopped() const
{
	return stopped_;
}

bool mmu_tlm_gen::time_limit() const
{
	return time_limit_;
}

uint64_t mmu_tlm_gen::records() const
{
	return records_;
}

const mmu_sim_stats_t &mmu_tlm_gen::stats() const
{
	return *mmu_requester_stats(req_);
}

bool mmu_tlm_gen::done() const
{
	return done_;
}

const std::string &mmu_tlm_gen::error() const
{
	return error_;
}
