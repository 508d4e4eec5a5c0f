/*
 * mmu_tlm, the MMU as a TLM-2.0 component, seen from its sockets: annotated delays against the latency table of
 * docs/timing.md, every page-table access on the walk socket, translated accesses on the data socket, faults as
 * response status plus extension, CR3 writes and flushes through the control interface, the rounding of memory
 * delays to clock cycles, debug transport.
 *
 * The neighbours are fakes written here: a requester calling b_transport with its own local time, and a memory that
 * records each access and answers after a fixed delay. Page tables come from the OS side (mmu_os), as in mmusim.
 * Latencies use H1 = 1, H2 = 9 (the defaults) and a memory of 100 clock periods: an access costs L + 1 = 101 cycles.
 */
#include <criterion/criterion.h>

#include <cstring>
#include <memory>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "mmu_tlm.h"

extern "C" {
#include "mmu/mmu_os.h"
#include "mmu/mmu_physmem.h"
}

using sc_core::SC_NS;
using sc_core::sc_time;

namespace
{

const sc_time period(1, SC_NS);

/* A memory that records every access and adds a fixed delay to page-table accesses. */
struct fake_memory : sc_core::sc_module {
	struct access {
		uint64_t addr;
		bool write;
		uint64_t wdata;
		unsigned strb; /* byte enables as bits, 0xff without an enable array */
		unsigned len;
		bool cas;     /* the write carried an mmu_tlm_cas_ext (docs/timing.md M9) */
		uint64_t cmp; /* ... with this value to compare */
	};
	tlm_utils::simple_target_socket<fake_memory> walk_socket, data_socket;
	mmu_physmem_t *pm;
	sc_time latency;
	std::vector<access> walks, data;
	bool meddle = false; /* another agent flips bit 9 of the entry just before the next write-back reaches it */

	fake_memory(sc_core::sc_module_name n, mmu_physmem_t *p, sc_time lat)
	    : sc_module(n), walk_socket("walk_socket"), data_socket("data_socket"), pm(p), latency(lat)
	{
		walk_socket.register_b_transport(this, &fake_memory::walk);
		data_socket.register_b_transport(this, &fake_memory::datap);
		walk_socket.register_transport_dbg(this, &fake_memory::debug);
		data_socket.register_transport_dbg(this, &fake_memory::debug);
	}

	void copy(tlm::tlm_generic_payload &t, bool use_be)
	{
		unsigned char *d = t.get_data_ptr();
		const unsigned char *be = use_be ? t.get_byte_enable_ptr() : nullptr;
		for (unsigned i = 0; i < t.get_data_length(); i++) {
			if (be && be[i % t.get_byte_enable_length()] != TLM_BYTE_ENABLED)
				continue;
			if (t.is_read())
				d[i] = (unsigned char)mmu_physmem_read(pm, t.get_address() + i, 1);
			else if (t.is_write())
				mmu_physmem_write(pm, t.get_address() + i, 1, d[i]);
		}
	}

	access record(tlm::tlm_generic_payload &t)
	{
		const mmu_tlm_cas_ext *cas = t.get_extension<mmu_tlm_cas_ext>();
		access a = {t.get_address(), t.is_write(),      0, 0xff, t.get_data_length(),
		            cas != nullptr,  cas ? cas->cmp : 0};
		for (unsigned i = 0; i < t.get_data_length() && i < 8; i++)
			a.wdata |= uint64_t(t.get_data_ptr()[i]) << (8 * i);
		if (t.get_byte_enable_ptr()) {
			a.strb = 0;
			for (unsigned i = 0; i < 8; i++)
				a.strb |= t.get_byte_enable_ptr()[i % t.get_byte_enable_length()] ? 1u << i : 0;
		}
		return a;
	}

	void walk(tlm::tlm_generic_payload &t, sc_time &delay)
	{
		walks.push_back(record(t));
		if (t.is_write() && meddle) {
			meddle = false;
			mmu_physmem_write(pm, t.get_address(), 8, mmu_physmem_read(pm, t.get_address(), 8) ^ 0x200);
		}
		mmu_tlm_cas_ext *cas = t.get_extension<mmu_tlm_cas_ext>();
		uint64_t old = mmu_physmem_read(pm, t.get_address(), 8);
		if (cas) {
			cas->old = old;
			cas->done = true;
		}
		if (!cas || old == cas->cmp)
			copy(t, true);
		delay += latency;
		t.set_response_status(tlm::TLM_OK_RESPONSE);
	}

	void datap(tlm::tlm_generic_payload &t, sc_time &)
	{
		data.push_back(record(t));
		copy(t, true);
		t.set_response_status(tlm::TLM_OK_RESPONSE);
	}

	unsigned int debug(tlm::tlm_generic_payload &t)
	{
		copy(t, false);
		return t.get_data_length();
	}
};

struct requester : sc_core::sc_module {
	tlm_utils::simple_initiator_socket<requester> socket;
	explicit requester(sc_core::sc_module_name n) : sc_module(n), socket("socket")
	{
	}
};

struct outcome {
	tlm::tlm_response_status status;
	mmu_tlm_ext ext;
	uint64_t cycles; /* how far the requester's local time moved, in clock periods */
};

/* Requester, MMU and memory, elaborated; the test then calls the sockets directly (no process, no wait). */
struct rig {
	mmu_cfg_t cfg;
	mmu_physmem_t *pm = nullptr;
	mmu_os_t *os = nullptr;
	std::unique_ptr<fake_memory> mem;
	std::unique_ptr<mmu_tlm> mmu;
	std::unique_ptr<requester> cpu;
	sc_time local = sc_core::SC_ZERO_TIME;

	explicit rig(bool pcid = false, sc_time mem_latency = sc_time(100, SC_NS))
	{
		mmu_cfg_default(&cfg);
		cfg.pcid = pcid;
		cr_assert_eq(mmu_physmem_create(&pm), 0);
		cr_assert_eq(mmu_os_create(&cfg, pm, &os), 0);
		mem = std::make_unique<fake_memory>("memory", pm, mem_latency);
		mmu = std::make_unique<mmu_tlm>("mmu", cfg, period);
		cpu = std::make_unique<requester>("cpu");
		cpu->socket.bind(mmu->socket);
		mmu->walk_socket.bind(mem->walk_socket);
		mmu->data_socket.bind(mem->data_socket);
		sc_core::sc_start(sc_core::SC_ZERO_TIME);
	}

	~rig()
	{
		mmu_os_destroy(os);
		mmu_physmem_destroy(pm);
	}

	uint64_t advance(const sc_time &to)
	{
		uint64_t cycles = (to.value() - local.value()) / period.value();
		local = to;
		return cycles;
	}

	outcome access(uint64_t va, tlm::tlm_command cmd, bool fetch = false, bool user = true, unsigned len = 8,
	               unsigned char *bytes = nullptr)
	{
		unsigned char buf[8] = {0};
		mmu_tlm_ext ext;
		ext.fetch = fetch;
		ext.user = user;
		ext.pid = 1;
		tlm::tlm_generic_payload t;
		t.set_command(cmd);
		t.set_address(va);
		t.set_data_ptr(bytes ? bytes : buf);
		t.set_data_length(len);
		t.set_streaming_width(len);
		t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
		t.set_extension(&ext);
		struct unset { /* also when b_transport throws: the payload would delete the extension, a local */
			tlm::tlm_generic_payload &t;
			mmu_tlm_ext *ext;
			~unset()
			{
				t.clear_extension(ext);
			}
		} unset_ext{t, &ext};
		sc_time delay = local;
		cpu->socket->b_transport(t, delay);
		cr_assert_eq(t.get_address(), va, "the virtual address is restored for the requester");
		return outcome{t.get_response_status(), ext, advance(delay)};
	}

	outcome load(uint64_t va)
	{
		return access(va, tlm::TLM_READ_COMMAND);
	}

	/* The OS switches to pid: process created, its CR3 written. Returns the cycles the write took. */
	uint64_t switch_to(uint32_t pid, bool no_flush = false)
	{
		cr_assert_eq(mmu_os_process(os, pid), 0);
		sc_time delay = local;
		mmu->write_cr3(mmu_os_cr3(os, pid, no_flush), delay);
		return advance(delay);
	}

	void map(uint32_t pid, uint64_t va, unsigned perms = MMU_PERM_RWX_USER, unsigned level = 1)
	{
		uint64_t size = UINT64_C(1) << mmu_paging_shift(&mmu->paging(), level);
		cr_assert_eq(mmu_os_map(os, pid, va, size, level, perms), 0);
	}

	uint64_t pa_of(uint32_t pid, uint64_t va)
	{
		uint64_t pa;
		unsigned level;
		cr_assert_eq(mmu_os_translate(os, pid, va, &pa, &level), 0);
		return pa;
	}

	mmu_stats_t stats()
	{
		mmu_stats_t st;
		mmu->stats(st);
		return st;
	}
};

} // namespace

Test(mmu_tlm, cr3_write_costs_one_cycle_and_reaches_the_mmu)
{
	rig r;
	cr_assert_eq(r.switch_to(1), 1);
	cr_assert_eq(r.mmu->cr3(), mmu_os_cr3(r.os, 1, false));
	cr_assert_eq(r.mmu->cycle(), 1);
}

Test(mmu_tlm, not_present_fault_comes_back_as_address_error_with_error_code)
{
	rig r;
	r.switch_to(1);
	outcome o = r.load(0x400000);
	cr_assert_eq(o.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
	cr_assert(o.ext.fault);
	cr_assert_eq(o.ext.cause, MMU_CAUSE_NOT_PRESENT);
	cr_assert_eq(o.ext.ecode, 0x4, "user load: U/S only, got 0x%x", o.ext.ecode);
	cr_assert_eq(o.ext.paddr, 0);
	/* H1 + H2 + one access: the PML4 entry (index 0 for 0x400000) is empty */
	cr_assert_eq(o.cycles, 1 + 9 + 101, "%llu cycles", (unsigned long long)o.cycles);
	cr_assert_eq(o.ext.cycles, 111);
	cr_assert_eq(r.mem->walks.size(), 1);
	cr_assert_eq(r.mem->walks[0].addr, mmu_os_cr3(r.os, 1, false) + 0 * 8);
	cr_assert_not(r.mem->walks[0].write);
	cr_assert(r.mem->data.empty(), "a faulting access is not forwarded");

	cr_assert_eq(r.access(0x400000, tlm::TLM_WRITE_COMMAND).ext.ecode, 0x2 | 0x4); /* W, U */
	outcome f = r.access(0x400000, tlm::TLM_READ_COMMAND, true);
	cr_assert_eq(f.ext.ecode, 0x10 | 0x4);                                              /* I/D, U */
	cr_assert_eq(r.access(0x400000, tlm::TLM_READ_COMMAND, false, false).ext.ecode, 0); /* supervisor load */
	mmu_stats_t st = r.stats();
	cr_assert_eq(st.l1i_accesses, 1, "the fetch went to the instruction port");
	cr_assert_eq(st.l1d_accesses, 3);
	cr_assert_eq(st.faults_not_present, 4);
}

Test(mmu_tlm, a_write_back_that_finds_its_entry_changed_walks_again)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000);
	uint64_t root = mmu_os_cr3(r.os, 1, false);
	r.mem->meddle = true;
	outcome o = r.load(0x400123);
	cr_assert_eq(o.status, tlm::TLM_OK_RESPONSE);
	/* M9: the PML4E's write-back is refused (bit 9 changed after the read), the walk starts again: 2 + 8 accesses
	 */
	cr_assert_eq(r.mem->walks.size(), 10);
	cr_assert_eq(r.mem->walks[1].addr, root);
	cr_assert(r.mem->walks[1].write);
	cr_assert_eq(r.mem->walks[2].addr, root, "the walk starts again at the root");
	cr_assert_not(r.mem->walks[2].write);
	cr_assert(r.mem->walks[3].cas && (r.mem->walks[3].cmp & 0x200), "compared with the changed entry");
	cr_assert_eq(mmu_physmem_read(r.pm, root, 8) & 0x220, 0x220, "the second write-back kept bit 9 and set A");
	cr_assert_eq(o.cycles, 1 + 9 + 10 * 101, "%llu cycles", (unsigned long long)o.cycles);
	cr_assert_eq(o.ext.paddr, r.pa_of(1, 0x400123));
}

Test(mmu_tlm, walk_reads_and_ad_writes_go_through_the_walk_socket)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000);
	uint64_t root = mmu_os_cr3(r.os, 1, false);
	outcome o = r.load(0x400123);
	cr_assert_eq(o.status, tlm::TLM_OK_RESPONSE);
	/* a fresh mapping has A = 0 at all four levels: 4 reads, each followed by its A write-back (W7) */
	cr_assert_eq(o.cycles, 1 + 9 + 8 * 101, "%llu cycles", (unsigned long long)o.cycles);
	cr_assert_eq(o.ext.level, MMU_LEVEL_WALK);
	cr_assert_eq(r.mem->walks.size(), 8);
	cr_assert_eq(r.mem->walks[0].addr, root);
	for (unsigned i = 0; i < 8; i++) {
		cr_assert_eq(r.mem->walks[i].write, i % 2 == 1, "access %u", i);
		if (i % 2) {
			cr_assert_eq(r.mem->walks[i].addr, r.mem->walks[i - 1].addr, "the entry just read is written");
			cr_assert_eq(r.mem->walks[i].strb, 0xff, "all 8 bytes of the PTE");
			cr_assert(r.mem->walks[i].wdata & (1u << 5), "A set");
		}
	}
	for (unsigned i = 1; i < 8; i += 2)
		cr_assert(r.mem->walks[i].cas && r.mem->walks[i].cmp == (r.mem->walks[i].wdata & ~UINT64_C(0x20)),
		          "write-back %u: a compare-and-swap against the entry as read", i);
	uint64_t leaf = r.mem->walks[6].addr;
	cr_assert(mmu_physmem_read(r.pm, leaf, 8) & (1u << 5), "the write reached memory");
	cr_assert_not(mmu_physmem_read(r.pm, leaf, 8) & (1u << 6), "a load sets no D");

	/* forwarded with the physical address the OS mapped */
	uint64_t pa = r.pa_of(1, 0x400123);
	cr_assert_eq(o.ext.paddr, pa);
	cr_assert_eq(r.mem->data.size(), 1);
	cr_assert_eq(r.mem->data[0].addr, pa);
	cr_assert_eq(r.mem->data[0].len, 8);

	outcome hit = r.load(0x400456);
	cr_assert_eq(hit.cycles, 1);
	cr_assert_eq(hit.ext.level, MMU_LEVEL_L1);
	cr_assert_eq(r.mem->walks.size(), 8, "an L1 hit reads no page table");

	/* store on the clean L1 entry: dirty re-walk from the root, 4 reads + the leaf's D write (T9) */
	unsigned char bytes[8] = {'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'};
	outcome st = r.access(0x400008, tlm::TLM_WRITE_COMMAND, false, true, 8, bytes);
	cr_assert_eq(st.status, tlm::TLM_OK_RESPONSE);
	cr_assert_eq(st.cycles, 1 + 5 * 101, "%llu cycles", (unsigned long long)st.cycles);
	cr_assert_eq(r.mem->walks.size(), 13);
	cr_assert(r.mem->walks[12].write);
	cr_assert_eq(r.mem->walks[12].addr, leaf);
	cr_assert_eq(r.mem->walks[12].wdata & 0x60, 0x60, "A and D");
	cr_assert_eq(mmu_physmem_read(r.pm, r.pa_of(1, 0x400008), 8), 0x4847464544434241ull, "the data arrived");
	cr_assert_eq(r.stats().walks_dirty, 1);
}

Test(mmu_tlm, protection_faults_carry_p_and_the_access_bits)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000, MMU_PERM_U); /* user, read-only, no execute */
	r.map(1, 0x500000, MMU_PERM_W); /* supervisor only */
	cr_assert_eq(r.load(0x400000).status, tlm::TLM_OK_RESPONSE);
	outcome w = r.access(0x400000, tlm::TLM_WRITE_COMMAND);
	cr_assert_eq(w.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
	cr_assert_eq(w.ext.cause, MMU_CAUSE_PROTECTION);
	cr_assert_eq(w.ext.ecode, 0x1 | 0x2 | 0x4); /* P, W, U */
	cr_assert_eq(w.cycles, 1, "a fault on an L1 hit answers in H1 (T8)");
	outcome x = r.access(0x400000, tlm::TLM_READ_COMMAND, true);
	cr_assert_eq(x.ext.cause, MMU_CAUSE_PROTECTION);
	cr_assert_eq(x.ext.ecode, 0x1 | 0x4 | 0x10); /* P, U, I/D */
	outcome u = r.load(0x500000);
	cr_assert_eq(u.ext.cause, MMU_CAUSE_PROTECTION);
	cr_assert_eq(u.ext.ecode, 0x1 | 0x4); /* P, U */
	cr_assert_eq(r.access(0x500000, tlm::TLM_WRITE_COMMAND, false, false).status, tlm::TLM_OK_RESPONSE);
	cr_assert_eq(r.mem->data.size(), 2, "only the permitted accesses reach memory");
}

Test(mmu_tlm, non_canonical_address_is_answered_in_h1_without_memory)
{
	rig r;
	r.switch_to(1);
	outcome o = r.load(UINT64_C(0x0000800000000000));
	cr_assert_eq(o.status, tlm::TLM_ADDRESS_ERROR_RESPONSE);
	cr_assert_eq(o.ext.cause, MMU_CAUSE_NONCANONICAL);
	cr_assert_eq(o.ext.ecode, 0);
	cr_assert_eq(o.ext.level, MMU_LEVEL_NONE);
	cr_assert_eq(o.cycles, 1);
	cr_assert(r.mem->walks.empty());
}

/* Two processes map the same address; A runs, B runs, A runs again (T11). */
static void context_switch_scenario(bool pcid, uint64_t expect_last_cycles, uint64_t expect_l1d_misses)
{
	rig r(pcid);
	r.switch_to(1, pcid);
	r.map(1, 0x400000);
	cr_assert_eq(r.mmu->cr3() >> 63, 0, "bit 63 is not stored with PCIDs");
	r.load(0x400000);
	r.switch_to(2, pcid);
	r.map(2, 0x400000);
	cr_assert_eq(r.load(0x400000).ext.paddr, r.pa_of(2, 0x400000), "B's own frame");
	cr_assert_eq(r.switch_to(1, pcid), 1);
	outcome o = r.load(0x400000);
	cr_assert_eq(o.ext.paddr, r.pa_of(1, 0x400000));
	cr_assert_eq(o.cycles, expect_last_cycles, "%llu cycles", (unsigned long long)o.cycles);
	cr_assert_eq(r.stats().l1d_misses, expect_l1d_misses);
}

Test(mmu_tlm, cr3_write_without_pcid_flushes_the_other_process)
{
	/* the entry of A is gone: L1 miss, L2 miss, a walk of 4 reads with A bits already set */
	context_switch_scenario(false, 1 + 9 + 4 * 101, 3);
}

Test(mmu_tlm, cr3_write_with_pcid_keeps_the_other_process)
{
	context_switch_scenario(true, 1, 2);
}

Test(mmu_tlm, flush_through_the_control_interface)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000);
	r.load(0x400000);
	cr_assert_eq(r.load(0x400000).cycles, 1);
	sc_time delay = r.local;
	r.mmu->flush(MMU_FLUSH_VA, 0x400000, 0, delay);
	cr_assert_eq(r.advance(delay), 1, "a flush costs one cycle");
	cr_assert_eq(r.load(0x400000).cycles, 1 + 9 + 4 * 101, "INVLPG flushed L1 and L2");
}

/* A fresh page: 8 accesses (4 reads, 4 A writes), each costing the memory's cycles + 1 (M4). */
static void fresh_page_walk_with_memory_latency(sc_time latency, uint64_t access_cost)
{
	rig r(false, latency);
	r.switch_to(1);
	r.map(1, 0x400000);
	uint64_t cycles = r.load(0x400000).cycles;
	cr_assert_eq(cycles, 1 + 9 + 8 * access_cost, "memory latency %s: %llu cycles", latency.to_string().c_str(),
	             (unsigned long long)cycles);
}

Test(mmu_tlm, memory_delay_of_a_fraction_of_a_period_is_rounded_up)
{
	fresh_page_walk_with_memory_latency(sc_time(2.5, SC_NS), 3 + 1);
}

Test(mmu_tlm, memory_delay_of_whole_periods_is_kept)
{
	fresh_page_walk_with_memory_latency(sc_time(3, SC_NS), 3 + 1);
}

Test(mmu_tlm, memory_without_delay_still_takes_one_cycle)
{
	fresh_page_walk_with_memory_latency(sc_core::SC_ZERO_TIME, 1 + 1);
}

Test(mmu_tlm, requests_are_presented_at_the_next_clock_edge_of_the_requester_time)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000);
	r.load(0x400000);
	cr_assert_eq(r.mmu->cycle(), 1 + 818);
	/* the requester computes for 50.5 periods: its request is presented in the first cycle after that */
	r.local += sc_time(50.5, SC_NS);
	sc_time before = r.local;
	outcome o = r.access(0x400000, tlm::TLM_READ_COMMAND);
	cr_assert_eq(o.status, tlm::TLM_OK_RESPONSE);
	cr_assert_eq(r.local, sc_time(1 + 818 + 51 + 1, SC_NS), "response at the end of the L1 hit, got %s",
	             r.local.to_string().c_str());
	cr_assert_eq(r.local - before, sc_time(1.5, SC_NS));
	mmu_stats_t st = r.stats();
	cr_assert_eq(st.cycles, 1 + 818 + 51 + 1, "idle cycles are clocked");
	cr_assert_eq(st.translation_cycles, 818 + 1);
}

Test(mmu_tlm, debug_transport_translates_without_timing)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000);
	r.map(1, 0x40000000, MMU_PERM_RWX_USER, 2); /* a 2 MiB page */
	mmu_physmem_write(r.pm, r.pa_of(1, 0x400010), 8, 0x1122334455667788ull);
	mmu_physmem_write(r.pm, r.pa_of(1, 0x40123456), 4, 0xcafef00d);

	unsigned char buf[8] = {0};
	mmu_tlm_ext ext;
	tlm::tlm_generic_payload t;
	t.set_read();
	t.set_address(0x400010);
	t.set_data_ptr(buf);
	t.set_data_length(8);
	t.set_extension(&ext);
	cr_assert_eq(r.cpu->socket->transport_dbg(t), 8);
	uint64_t v = 0;
	for (unsigned i = 0; i < 8; i++)
		v |= uint64_t(buf[i]) << (8 * i);
	cr_assert_eq(v, 0x1122334455667788ull);
	cr_assert_eq(ext.paddr, r.pa_of(1, 0x400010));

	t.set_address(0x40123456);
	t.set_data_length(4);
	cr_assert_eq(r.cpu->socket->transport_dbg(t), 4);
	cr_assert_eq(buf[0] | buf[1] << 8 | buf[2] << 16 | (uint32_t)buf[3] << 24, 0xcafef00d);
	uint64_t pa;
	unsigned level;
	cr_assert(r.mmu->debug_translate(0x40123456, pa, level));
	cr_assert_eq(level, 2);
	cr_assert_eq(pa & 0x1fffff, 0x123456, "offset inside the 2 MiB page");

	t.set_address(0x600000);
	cr_assert_eq(r.cpu->socket->transport_dbg(t), 0, "unmapped: nothing transferred");
	cr_assert(ext.fault);
	t.clear_extension(&ext);

	mmu_stats_t st = r.stats();
	cr_assert_eq(st.l1d_accesses + st.l1i_accesses + st.l2_accesses, 0, "no TLB was looked up");
	cr_assert(r.mem->walks.empty(), "no timed access");
	cr_assert_eq(r.mmu->cycle(), 1, "no time passed");
}

Test(mmu_tlm, malformed_requests_are_refused_untranslated)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000);
	cr_assert_eq(r.access(0x400ffc, tlm::TLM_READ_COMMAND).status, tlm::TLM_BURST_ERROR_RESPONSE,
	             "8 bytes from 0x400ffc cross into the next page");
	cr_assert_eq(r.access(0x400000, tlm::TLM_WRITE_COMMAND, true).status, tlm::TLM_COMMAND_ERROR_RESPONSE,
	             "a fetch does not write");
	cr_assert_eq(r.mmu->cycle(), 1, "refused before any cycle");
	outcome ig = r.access(0x400000, tlm::TLM_IGNORE_COMMAND);
	cr_assert_eq(ig.status, tlm::TLM_OK_RESPONSE);
	cr_assert_eq(ig.ext.paddr, r.pa_of(1, 0x400000), "IGNORE translates");
	cr_assert(r.mem->data.empty(), "and accesses nothing");
}

Test(mmu_tlm, a_transaction_without_extension_is_a_user_data_access)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000, MMU_PERM_W); /* supervisor only: a user access faults */
	unsigned char buf[8];
	tlm::tlm_generic_payload t;
	t.set_read();
	t.set_address(0x400000);
	t.set_data_ptr(buf);
	t.set_data_length(8);
	t.set_streaming_width(8);
	sc_time delay = r.local;
	r.cpu->socket->b_transport(t, delay);
	cr_assert_eq(t.get_response_status(), tlm::TLM_ADDRESS_ERROR_RESPONSE);
	cr_assert_eq(r.stats().l1d_accesses, 1);
}

/*
 * SystemC's time ends at 2^64 - 1 ps: with a 1 ns clock, cycle 18446744073709551 (2^64 - 1 ps / 1000, rounded down)
 * is the last to start before it. A request presented 1000 cycles earlier still gets its answer; one presented in
 * that last cycle needs the edge after it, and is an error (a report of type MMU_TLM_TIME_LIMIT), not a time that
 * wraps around to 0.
 */
Test(mmu_tlm, a_cycle_after_the_end_of_systemc_time_is_an_error)
{
	rig r;
	r.switch_to(1);
	r.map(1, 0x400000);
	r.load(0x400000); /* walked: an L1 hit from now on, 1 cycle */
	const uint64_t last = UINT64_C(18446744073709551);
	r.local = sc_time::from_value((last - 1000) * 1000);
	outcome o = r.load(0x400000);
	cr_assert_eq(o.status, tlm::TLM_OK_RESPONSE);
	cr_assert_eq(o.cycles, 1);
	cr_assert_eq(r.mmu->cycle(), last - 1000 + 1);
	r.local = sc_time::from_value(last * 1000);
	bool reported = false;
	try {
		r.load(0x400000);
	} catch (const sc_core::sc_report &e) {
		reported = true;
		cr_assert_str_eq(e.get_msg_type(), MMU_TLM_TIME_LIMIT);
		cr_assert(std::strstr(e.get_msg(), "cycle 18446744073709552 of a 1 ns clock would start after "
		                                   "18446744073709551615 ps"),
		          "%s", e.get_msg());
	}
	cr_assert(reported, "the request in the last cycle was answered");
}
