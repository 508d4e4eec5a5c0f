// The C shim over the Verilated mmu_top: ports through the X-macro list, the public TLB/CR3 state through
// Verilator's scope table (robust to inlining and to how the RTL sizes or packs each field), FST tracing.
#include "cosim_rtl.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "Vmmu_top.h"
#include "Vmmu_top___024root.h"
#include "verilated.h"
#include "verilated_fst_c.h"
#include "verilated_syms.h"

#ifndef COSIM_GPARAMS
#error "COSIM_GPARAMS (the -G values of this build) must be defined by the build"
#endif
#if !defined(COSIM_CONFIG_NAME) || !defined(COSIM_CONFIG_FILE) || !defined(COSIM_WRONG_VARIANT)
#error "COSIM_CONFIG_NAME, COSIM_CONFIG_FILE and COSIM_WRONG_VARIANT must be defined by the build"
#endif

namespace {

// One field array of one TLB: either an unpacked array (one element per slot) or a packed vector of slots.
struct field_ref {
	const uint8_t *base = nullptr;
	size_t stride = 0;      // unpacked: bytes between elements
	int vltype = 0;         // element storage (VLVT_UINT8 ... VLVT_WDATA)
	unsigned bits = 0;      // packed: bits per slot
	bool packed = false;
	unsigned entries = 0;

	// Bits lsb .. lsb + width - 1 (width <= 64) of a little-endian bit string; reads only the bytes they occupy.
	uint64_t word_bits(const uint8_t *p, unsigned lsb, unsigned width) const
	{
		if (width == 1) // a valid bit: one byte
			return p[lsb / 8] >> (lsb % 8) & 1;
		if (width > 64)
			width = 64;
		uint8_t buf[16] = {0};
		const unsigned shift = lsb % 8, nbytes = (shift + width + 7) / 8;
		memcpy(buf, p + lsb / 8, nbytes);
		uint64_t lo, hi;
		memcpy(&lo, buf, 8);
		memcpy(&hi, buf + 8, 8);
		uint64_t v = shift ? lo >> shift | hi << (64 - shift) : lo;
		return width == 64 ? v : v & ((uint64_t(1) << width) - 1);
	}

	uint64_t scalar(const uint8_t *p) const
	{
		switch (vltype) {
		case VLVT_UINT8:
			return *reinterpret_cast<const CData *>(p);
		case VLVT_UINT16:
			return *reinterpret_cast<const SData *>(p);
		case VLVT_UINT32:
			return *reinterpret_cast<const IData *>(p);
		case VLVT_UINT64:
			return *reinterpret_cast<const QData *>(p);
		default: // WData: little-endian 32-bit words, the low 64 bits are what any field here holds
			return word_bits(p, 0, 64);
		}
	}

	unsigned per_row = 1; // rows: slots per element (an SRAM row holds a set's ways side by side)

	static uint64_t mask_of(unsigned bits)
	{
		return bits >= 64 ? ~uint64_t(0) : (uint64_t(1) << bits) - 1;
	}

	uint64_t get(unsigned slot) const
	{
		if (per_row > 1)
			return get_in_row(slot / per_row, slot % per_row);
		if (!packed)
			return scalar(base + slot * stride);
		return word_bits(base, slot * bits, bits); // Verilator stores packed vectors little-endian
	}

	// Way `way` of row `r` of an SRAM row array (per_row > 1).
	uint64_t get_in_row(unsigned r, unsigned way) const
	{
		{
			const uint8_t *row = base + r * stride;
			const unsigned lsb = way * bits;
			uint64_t v;
			if (vltype != VLVT_WDATA) // the whole row in one word
				return scalar(row) >> lsb & mask_of(bits);
			const unsigned at = lsb / 8 + 8 <= stride ? lsb / 8 : stride - 8; // 8 bytes within the row
			if (lsb - at * 8 + bits <= 64) {
				memcpy(&v, row + at, 8);
				return v >> (lsb - at * 8) & mask_of(bits);
			}
			return word_bits(row, lsb, bits);
		}
	}
};

enum { F_VALID, F_VPN, F_LEVEL, F_BASE, F_PCID, F_GLOBAL, F_WRITABLE, F_USER, F_NX, F_DIRTY, F_READABLE, F_COUNT };
const char *const field_names[F_COUNT] = {"valid_q",    "vpn_q",  "level_q", "base_q",  "pcid_q",    "global_q",
                                          "writable_q", "user_q", "nx_q",    "dirty_q", "readable_q"};
// Where each TLB instance may live: directly in mmu_top, or in a generate block (the optional L2).
const char *const tlb_scopes[3][2] = {{"TOP.mmu_top.u_l1i", "TOP.mmu_top.g_l1i.u_l1i"},
                                      {"TOP.mmu_top.u_l1d", "TOP.mmu_top.g_l1d.u_l1d"},
                                      {"TOP.mmu_top.u_l2", "TOP.mmu_top.g_l2.u_l2"}};

// The page-walk cache of level n (W9-W12), in the miss unit's generate loop: its fields, read as the model's entry.
enum { P_VALID, P_TAG, P_PCID, P_TABLE, P_WRITABLE, P_USER, P_NX, P_COUNT };
const char *const pwc_field_names[P_COUNT] = {"valid_q", "tag_q", "pcid_q", "table_q", "writable_q", "user_q",
                                              "nx_q"};

bool bind_field(const VerilatedScope *scope, const char *name, unsigned entries, field_ref *f, char *msg,
                size_t msglen)
{
	VerilatedVar *v = scope->varFind(name);
	if (!v) {
		snprintf(msg, msglen, "%s.%s not found: the RTL must mark it /*verilator public_flat_rd*/",
		         scope->name(), name);
		return false;
	}
	f->entries = entries;
	f->vltype = v->vltype();
	f->base = static_cast<const uint8_t *>(v->datap());
	const unsigned rows = v->udims() == 1 ? unsigned(v->unpacked().elements()) : 0;
	if (rows && entries % rows == 0) {
		const int lo = v->low(1);
		auto *p0 = static_cast<uint8_t *>(v->datapAdjustIndex(v->datap(), 1, lo));
		f->base = p0;
		f->stride = rows > 1 ? static_cast<uint8_t *>(v->datapAdjustIndex(v->datap(), 1, lo + 1)) - p0 : 0;
		f->per_row = entries / rows;
		// One element per slot; or an SRAM row of per_row slots, the slot's field at bits (slot % per_row) * bits.
		if (f->per_row > 1) {
			const unsigned width = unsigned(v->packed().elements());
			if (width % f->per_row) {
				snprintf(msg, msglen, "%s.%s: a row of %u bits does not hold %u slots alike", scope->name(), name,
				         width, f->per_row);
				return false;
			}
			f->bits = width / f->per_row;
		}
		return true;
	}
	// Verilator 5.006 describes an unpacked array of 1-bit elements (`logic x [N]`, stored one byte per element) as
	// a packed range [0:N-1] with no unpacked dimension; a real packed vector is declared descending ([N-1:0]).
	const VerilatedRange &pr = v->packed();
	if (v->udims() == 0 && pr.left() < pr.right() && unsigned(pr.elements()) == entries &&
	    f->vltype == VLVT_UINT8) {
		f->stride = 1;
		return true;
	}
	if (v->udims() == 0 && pr.elements() % int(entries) == 0) {
		f->packed = true;
		f->bits = unsigned(pr.elements()) / entries;
		return true;
	}
	snprintf(msg, msglen, "%s.%s: expected %u elements (one per entry), found %d unpacked dimension(s)",
	         scope->name(), name, entries, v->udims());
	return false;
}

uint64_t mask(unsigned width)
{
	return width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
}

// Verilator detects a rising edge by comparing the clock with its value at the previous eval(), so a cycle used to
// need two: one with the clock low (only to record that level) and one with it high. Each pass evaluates all the
// logic that depends on an input, a quarter of the run's time. The outputs do not need the first pass: they are
// functions of state only (T1). Where the Verilated model keeps its edge detector in this member (Verilator 5.006,
// Debian 12), the shim records the low level there itself; with another layout this overload does not exist, and
// the clock-low pass runs as before. So it does for RTL built with concurrent assertions (COSIM_EVAL_CLOCK_LOW):
// they read the values the previous evaluation left, which must be those of the cycle's inputs.
template <typename Root>
auto record_clock_low(Root *root, int) -> decltype(root->__Vtrigrprev__TOP__clk_i = 0, true)
{
#ifdef COSIM_EVAL_CLOCK_LOW
	(void)root;
	return false;
#else
	root->__Vtrigrprev__TOP__clk_i = 0;
	return true;
#endif
}

template <typename Root> bool record_clock_low(Root *, long)
{
	return false;
}

// Every T1_CHECK_PERIOD-th cycle the clock-low pass runs anyway and the outputs must not have moved: an output that
// follows an input without a clock edge would otherwise go unseen, since the model's outputs are state-only too.
constexpr uint64_t T1_CHECK_PERIOD = 64;

} // namespace

struct cosim_rtl {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vmmu_top> top;
	std::unique_ptr<VerilatedFstC> fst;
	uint64_t time = 0; // 10 per cycle: the clock falls at 10 (c + 1) and rises 5 later
	bool low_recorded = false; // the clock's low level is known to the edge detector without an eval()
	uint64_t lows = 0;         // clock-low phases so far (for the T1 sample)
	bool t1_broken = false;    // an output changed in a clock-low pass (message printed)
	field_ref tlb[3][F_COUNT];
	field_ref pwc[MMU_PWC_MAX_LEVEL + 1][P_COUNT];
	field_ref cr3;
	const uint8_t *in_flight[3][2] = {}; // the SRAM form's s1_q and fpend_q, where the TLB has them
	const char *form[3] = {"", "", ""};  // the block of each TLB's storage form
	bool bound = false;
};

extern "C" {

const char *cosim_rtl_params(void)
{
	return COSIM_GPARAMS;
}

const char *cosim_rtl_config_name(void)
{
	return COSIM_CONFIG_NAME;
}

const char *cosim_rtl_config_file(void)
{
	return COSIM_CONFIG_FILE;
}

const char *cosim_rtl_wrong_variant(void)
{
	return COSIM_WRONG_VARIANT[0] ? COSIM_WRONG_VARIANT : nullptr;
}

int cosim_rtl_create(cosim_rtl_t **out, char *msg, size_t msglen)
{
	auto *r = new (std::nothrow) cosim_rtl;
	if (!r) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	r->ctx.reset(new VerilatedContext);
	r->ctx->traceEverOn(true);
	r->ctx->fatalOnError(false);
	r->top.reset(new Vmmu_top(r->ctx.get(), "TOP"));
	*out = r;
	return 0;
}

void cosim_rtl_destroy(cosim_rtl_t *r)
{
	if (!r)
		return;
	cosim_rtl_trace_close(r);
	r->top->final();
	delete r;
}

static void dump(cosim_rtl_t *r)
{
	r->ctx->time(r->time);
	if (r->fst)
		r->fst->dump(r->time);
}

void cosim_rtl_reset(cosim_rtl_t *r)
{
	Vmmu_top *t = r->top.get();
	t->rst_ni = 0;
	t->clk_i = 0;
	r->time = 0;
	t->eval();
	dump(r);
	t->clk_i = 1;
	r->time = 5;
	t->eval();
	dump(r);
	r->time = 10;
	t->clk_i = 0;
	r->low_recorded = record_clock_low(t->rootp, 0);
}

static void read_outputs(Vmmu_top *t, mmu_out_t *out)
{
#define MMU_OUT(name, width) out->name = t->name##_o;
#define MMU_OUT_REQ(name, width)                                                                                       \
	out->name[MMU_REQ_I] = t->i##name##_o;                                                                         \
	out->name[MMU_REQ_D] = t->d##name##_o;
#include "mmu/mmu_ports.def"
}

void cosim_rtl_low(cosim_rtl_t *r, const mmu_in_t *in, mmu_out_t *out)
{
	Vmmu_top *t = r->top.get();
	t->rst_ni = 1;
	t->clk_i = 0;
#define MMU_IN(name, width) t->name##_i = in->name & mask(width);
#define MMU_IN_REQ(name, width)                                                                                        \
	t->i##name##_i = in->name[MMU_REQ_I] & mask(width);                                                            \
	t->d##name##_i = in->name[MMU_REQ_D] & mask(width);
#include "mmu/mmu_ports.def"
	const bool sample = r->low_recorded && r->lows++ % T1_CHECK_PERIOD == 0;
	if (sample)
		read_outputs(t, out);
	if (!r->low_recorded || r->fst || sample)
		t->eval();
	dump(r);
	if (!sample) {
		read_outputs(t, out);
		return;
	}
	mmu_out_t after;
	read_outputs(t, &after);
	if (memcmp(out, &after, sizeof after) && !r->t1_broken) {
		r->t1_broken = true;
		printf("mmucosim: an output of the RTL changed with its inputs, with no clock edge (in clock-low phase "
		       "%" PRIu64 "): outputs must be functions of state only (docs/timing.md, T1)\n",
		       r->lows - 1);
	}
	*out = after;
}

void cosim_rtl_high(cosim_rtl_t *r)
{
	r->top->clk_i = 1;
	r->time += 5;
	r->top->eval();
	dump(r);
	r->time += 5;
	r->top->clk_i = 0;
	r->low_recorded = record_clock_low(r->top->rootp, 0);
}

bool cosim_rtl_failed(const cosim_rtl_t *r)
{
	return r->t1_broken || r->ctx->gotError() || r->ctx->gotFinish();
}

int cosim_rtl_trace_open(cosim_rtl_t *r, const char *path, uint64_t cycle, char *msg, size_t msglen)
{
	(void)cycle;
	cosim_rtl_trace_close(r);
	r->fst.reset(new VerilatedFstC);
	r->top->trace(r->fst.get(), 99);
	r->fst->open(path);
	if (!r->fst->isOpen()) {
		snprintf(msg, msglen, "cannot open %s for writing", path);
		r->fst.reset();
		return MMU_EIO;
	}
	return 0;
}

void cosim_rtl_trace_close(cosim_rtl_t *r)
{
	if (!r->fst)
		return;
	r->fst->close();
	r->fst.reset();
}

int cosim_rtl_bind_state(cosim_rtl_t *r, const unsigned entries[3], char *msg, size_t msglen)
{
	for (unsigned id = 0; id < 3; id++) {
		if (!entries[id])
			continue;
		const VerilatedScope *scope = r->ctx->scopeFind(tlb_scopes[id][0]);
		if (!scope)
			scope = r->ctx->scopeFind(tlb_scopes[id][1]);
		if (!scope) {
			snprintf(msg, msglen, "neither scope %s nor %s: is the TLB instance named so, with public_flat_rd fields?",
			         tlb_scopes[id][0], tlb_scopes[id][1]);
			return MMU_EINVAL;
		}
		// The fields but valid, global and PCID live in the block of the TLB's storage form (rtl/mmu_tlb.sv); the
		// memory form keeps a copy of every row in the bank of each page size, and the first bank is compared.
		const VerilatedScope *form = nullptr, *rows = nullptr;
		for (const char *block : {".g_flops", ".g_sram"}) {
			std::string name = std::string(scope->name()) + block;
			if ((form = r->ctx->scopeFind(name.c_str()))) {
				r->form[id] = block;
				if ((rows = r->ctx->scopeFind((name + ".g_size[0]").c_str())))
					r->form[id] = ".g_sram.g_size[0]";
				break;
			}
		}
		for (unsigned f = 0; f < F_COUNT; f++) {
			const VerilatedScope *in = rows && rows->varFind(field_names[f])   ? rows
			                           : form && form->varFind(field_names[f]) ? form
			                                                                   : scope;
			if (!bind_field(in, field_names[f], entries[id], &r->tlb[id][f], msg, msglen))
				return MMU_EINVAL;
		}
		// An SRAM form's invalidations in flight (its T8 drop and VA clears, one edge after the contract's).
		for (unsigned k = 0; k < 2; k++) {
			VerilatedVar *v = form ? form->varFind(k ? "fpend_q" : "s1_q") : nullptr;
			r->in_flight[id][k] = v ? static_cast<const uint8_t *>(v->datap()) : nullptr;
		}
	}
	const VerilatedScope *top = r->ctx->scopeFind("TOP.mmu_top");
	if (!top || !bind_field(top, "cr3_q", 1, &r->cr3, msg, msglen)) {
		if (!top)
			snprintf(msg, msglen, "no scope TOP.mmu_top");
		return MMU_EINVAL;
	}
	r->bound = true;
	return 0;
}

int cosim_rtl_bind_pwc(cosim_rtl_t *r, unsigned level, unsigned entries, char *msg, size_t msglen)
{
	char name[96];
	snprintf(name, sizeof name, "TOP.mmu_top.u_miss.g_pwc[%u].g_on.u_pwc", level);
	const VerilatedScope *scope = r->ctx->scopeFind(name);
	if (!scope) {
		snprintf(msg, msglen, "no scope %s: is the page-walk cache instance named so, with public_flat_rd fields?",
		         name);
		return MMU_EINVAL;
	}
	for (unsigned f = 0; f < P_COUNT; f++)
		if (!bind_field(scope, pwc_field_names[f], entries, &r->pwc[level][f], msg, msglen))
			return MMU_EINVAL;
	return 0;
}

bool cosim_rtl_pwc_valid(const cosim_rtl_t *r, unsigned level, unsigned slot)
{
	return r->pwc[level][P_VALID].get(slot) & 1;
}

void cosim_rtl_pwc_entry(const cosim_rtl_t *r, unsigned level, unsigned slot, mmu_tlb_entry_t *e)
{
	const field_ref *f = r->pwc[level];
	*e = mmu_tlb_entry_t{};
	e->valid = f[P_VALID].get(slot) & 1;
	e->vpn = f[P_TAG].get(slot);
	e->level = uint8_t(level); // the model's one-size array holds its level in every entry
	e->base = f[P_TABLE].get(slot) << 12;
	e->pcid = uint16_t(f[P_PCID].get(slot));
	e->writable = f[P_WRITABLE].get(slot) & 1;
	e->user = f[P_USER].get(slot) & 1;
	e->nx = f[P_NX].get(slot) & 1;
}

void cosim_rtl_tlb_entry(const cosim_rtl_t *r, mmu_tlb_id_t id, unsigned slot, mmu_tlb_entry_t *e)
{
	const field_ref *f = r->tlb[id];
	// The SRAM form's fields share one row layout: the row and way are worked out once.
	const unsigned per = f[F_VPN].per_row, row = slot / per, way = slot % per;
	auto get = [&](unsigned k) { return per > 1 && f[k].per_row == per ? f[k].get_in_row(row, way) : f[k].get(slot); };
	e->valid = f[F_VALID].get(slot) & 1;
	e->vpn = get(F_VPN);
	e->level = uint8_t(get(F_LEVEL));
	e->base = get(F_BASE);
	e->pcid = uint16_t(get(F_PCID));
	e->global = get(F_GLOBAL) & 1;
	e->writable = get(F_WRITABLE) & 1;
	e->user = get(F_USER) & 1;
	e->nx = get(F_NX) & 1;
	e->dirty = get(F_DIRTY) & 1;
	e->readable = get(F_READABLE) & 1;
}

const char *cosim_rtl_tlb_form(const cosim_rtl_t *r, mmu_tlb_id_t id)
{
	return r->form[id];
}

bool cosim_rtl_tlb_settled(const cosim_rtl_t *r, mmu_tlb_id_t id)
{
	for (const uint8_t *p : r->in_flight[id])
		if (p && (*p & 1))
			return false;
	return true;
}

bool cosim_rtl_tlb_valid(const cosim_rtl_t *r, mmu_tlb_id_t id, unsigned slot)
{
	return r->tlb[id][F_VALID].get(slot) & 1;
}

uint64_t cosim_rtl_cr3(const cosim_rtl_t *r)
{
	return r->bound ? r->cr3.get(0) : 0;
}

} // extern "C"
