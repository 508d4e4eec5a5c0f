/* The example platform's memory: page-table port timed as the model's memory, data port, debug transport. */
#include "mmu_tlm_memory.h"

#include "mmu_tlm.h"

#include <algorithm>
#include <stdexcept>
#include <string>

extern "C" {
#include "mmu/mmu_error.h"
}

using sc_core::sc_time;

mmu_tlm_memory::mmu_tlm_memory(sc_core::sc_module_name name, const mmu_cfg_t &cfg, mmu_physmem_t *pm,
                               const sc_time &period, uint64_t data_cycles)
    : sc_module(name), walk_socket("walk_socket"), data_socket("data_socket"), pm_(pm), period_(period),
      data_delay_(sc_time::from_value(period.value() * data_cycles))
{
	mmu_mem_t *mem = nullptr;
	int err = mmu_mem_create(&cfg.mem, cfg.seed, pm, &mem);
	if (err)
		throw std::runtime_error(std::string("cannot build the memory: ") + mmu_strerror(err));
	mem_.reset(mem);
	walk_socket.register_b_transport(this, &mmu_tlm_memory::walk_transport);
	walk_socket.register_transport_dbg(this, &mmu_tlm_memory::debug_transport);
	data_socket.register_b_transport(this, &mmu_tlm_memory::data_transport);
	data_socket.register_transport_dbg(this, &mmu_tlm_memory::debug_transport);
}

static bool byte_enabled(const tlm::tlm_generic_payload &t, unsigned i)
{
	const unsigned char *be = t.get_byte_enable_ptr();
	return !be || be[i % t.get_byte_enable_length()] != TLM_BYTE_DISABLED;
}

void mmu_tlm_memory::walk_transport(tlm::tlm_generic_payload &t, sc_time &delay)
{
	if (t.get_address() % 8) {
		t.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
		return;
	}
	if (t.get_data_length() != 8 || t.get_streaming_width() < 8) {
		t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
		return;
	}
	if (t.is_write() || t.is_read()) {
		unsigned char *d = t.get_data_ptr();
		uint64_t wdata = 0, rdata = 0;
		uint8_t strb = 0;
		for (unsigned i = 0; i < 8; i++) {
			wdata |= uint64_t(d[i]) << (8 * i);
			strb |= byte_enabled(t, i) ? uint8_t(1u << i) : 0;
		}
		/* M9: the walker's write-back compares first; any other write is unconditional */
		mmu_tlm_cas_ext *cas = t.is_write() ? t.get_extension<mmu_tlm_cas_ext>() : nullptr;
		uint64_t cmp = cas ? cas->cmp : mmu_physmem_read_word(pm_, t.get_address());
		uint32_t cost = mmu_mem_access(mem_.get(), t.get_address(), t.is_write(), wdata, strb, cmp, &rdata);
		if (cas) {
			cas->old = rdata;
			cas->done = true;
		}
		/* M4: the cost counts the cycle after the response; the MMU adds that one itself. */
		delay += sc_time::from_value(period_.value() * (cost - 1));
		for (unsigned i = 0; t.is_read() && i < 8; i++)
			d[i] = (unsigned char)(rdata >> (8 * i));
	}
	t.set_response_status(tlm::TLM_OK_RESPONSE);
}

/* A CPU's load or store of 1 to 8 bytes, every byte enabled: one access of physical memory. */
static tlm::tlm_response_status access_word(mmu_physmem_t *pm, tlm::tlm_generic_payload &t, unsigned len)
{
	unsigned char *d = t.get_data_ptr();
	uint64_t v = 0;
	if (t.is_read()) {
		v = mmu_physmem_read(pm, t.get_address(), len);
		for (unsigned k = 0; k < len; k++)
			d[k] = (unsigned char)(v >> (8 * k));
	} else if (t.is_write()) {
		for (unsigned k = 0; k < len; k++)
			v |= uint64_t(d[k]) << (8 * k);
		if (mmu_physmem_write(pm, t.get_address(), len, v))
			return tlm::TLM_GENERIC_ERROR_RESPONSE;
	}
	return tlm::TLM_OK_RESPONSE;
}

/* Bytes between the payload and physical memory, no timing; 8 at a time where every byte is enabled. */
tlm::tlm_response_status mmu_tlm_memory::copy(tlm::tlm_generic_payload &t, bool use_byte_enables)
{
	unsigned char *d = t.get_data_ptr();
	uint64_t addr = t.get_address();
	bool all = !use_byte_enables || !t.get_byte_enable_ptr();
	for (unsigned i = 0, n; i < t.get_data_length(); i += n) {
		n = all ? std::min(8u, t.get_data_length() - i) : 1;
		if (!all && !byte_enabled(t, i))
			continue;
		uint64_t v = 0;
		if (t.is_read()) {
			v = mmu_physmem_read(pm_, addr + i, n);
			for (unsigned k = 0; k < n; k++)
				d[i + k] = (unsigned char)(v >> (8 * k));
			continue;
		}
		for (unsigned k = 0; k < n; k++)
			v |= uint64_t(d[i + k]) << (8 * k);
		if (t.is_write() && mmu_physmem_write(pm_, addr + i, n, v))
			return tlm::TLM_GENERIC_ERROR_RESPONSE;
	}
	return tlm::TLM_OK_RESPONSE;
}

void mmu_tlm_memory::data_transport(tlm::tlm_generic_payload &t, sc_time &delay)
{
	if (t.get_streaming_width() < t.get_data_length()) {
		t.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
		return;
	}
	unsigned len = t.get_data_length();
	t.set_response_status(!t.get_byte_enable_ptr() && len >= 1 && len <= 8 ? access_word(pm_, t, len)
	                                                                       : copy(t, true));
	data_accesses_++;
	delay += data_delay_;
}

unsigned int mmu_tlm_memory::debug_transport(tlm::tlm_generic_payload &t)
{
	/* Debug transport uses command, address, data and length only. */
	if (t.is_read() || t.is_write())
		return copy(t, false) == tlm::TLM_OK_RESPONSE ? t.get_data_length() : 0;
	return 0;
}

uint64_t mmu_tlm_memory::walk_reads() const
{
	return mmu_mem_reads(mem_.get());
}

uint64_t mmu_tlm_memory::walk_writes() const
{
	return mmu_mem_writes(mem_.get());
}

uint64_t mmu_tlm_memory::data_accesses() const
{
	return data_accesses_;
}
