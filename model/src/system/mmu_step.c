/* Steps on the ports, one cycle at a time, and the one cycle of the MMU wired to its memory. */
#include "mmu/mmu_step.h"

#include <string.h>

#include "mmu/mmu_error.h"
#include "mmu_assert.h"

void mmu_system_comb(const mmu_t *mmu, const mmu_mem_t *mem, mmu_in_t *in, mmu_out_t *out)
{
	mmu_mem_out_t mo;
	mmu_mem_comb(mem, &mo);
	in->mem_req_ready = mo.req_ready;
	in->mem_resp_valid = mo.resp_valid;
	in->mem_resp_rdata = mo.resp_rdata;
	mmu_comb(mmu, in, out);
}

void mmu_system_clock(mmu_t *mmu, mmu_mem_t *mem, const mmu_in_t *in, const mmu_out_t *out)
{
	mmu_mem_in_t mi = {
	    .req_valid = out->mem_req_valid,
	    .req_addr = out->mem_req_addr,
	    .req_write = out->mem_req_write,
	    .req_wdata = out->mem_req_wdata,
	    .req_wstrb = out->mem_req_wstrb,
	    .req_cmp = out->mem_req_cmp,
	};
	mmu_clock(mmu, in);
	mmu_mem_clock(mem, &mi);
}

void mmu_port_driver_init(mmu_port_driver_t *d, uint64_t bound)
{
	memset(d, 0, sizeof *d);
	d->bound = bound;
}

void mmu_port_driver_begin(mmu_port_driver_t *d, const mmu_step_t *step)
{
	MMU_ASSERT(!d->active);
	d->step = *step;
	d->active = true;
	d->presented = false;
	d->waited = 0;
}

static int complete(mmu_port_driver_t *d)
{
	d->active = false;
	return 1;
}

static int translate(mmu_port_driver_t *d, const mmu_out_t *out, mmu_in_t *in, mmu_result_t *res)
{
	unsigned p = d->step.port;
	if (!d->presented) {
		if (!out->req_ready[p])
			return MMU_EINVAL;
		in->req_valid[p] = 1;
		in->req_vaddr[p] = d->step.vaddr;
		in->req_op[p] = d->step.op;
		in->req_user[p] = d->step.user;
		in->req_tag[p] = d->tag++;
		d->presented = true;
		return 0;
	}
	d->waited++;
	if (!out->resp_valid[p]) {
		/* no response within the longest possible translation: a broken model fails loudly instead of hanging
		 */
		MMU_ASSERT(d->waited < d->bound);
		return 0;
	}
	*res = (mmu_result_t){
	    .paddr = out->resp_paddr[p],
	    .latency = (uint32_t)d->waited,
	    .fault = (uint8_t)out->resp_fault[p],
	    .cause = (uint8_t)out->resp_cause[p],
	    .ecode = (uint8_t)out->resp_ecode[p],
	    .level = (uint8_t)out->resp_level[p],
	};
	return complete(d);
}

int mmu_port_driver_cycle(mmu_port_driver_t *d, const mmu_out_t *out, mmu_in_t *in, mmu_result_t *res)
{
	MMU_ASSERT(d->active);
	switch (d->step.kind) {
	case MMU_STEP_TRANSLATE:
		return translate(d, out, in, res);
	case MMU_STEP_CR3: /* driven for one cycle; complete in the next */
		if (d->presented)
			return complete(d);
		in->cr3_we = 1;
		in->cr3_wdata = d->step.value;
		d->presented = true;
		return 0;
	case MMU_STEP_FLUSH:
		if (d->presented)
			return complete(d);
		in->flush_valid = 1;
		in->flush_op = d->step.flush_op;
		in->flush_vaddr = d->step.vaddr;
		in->flush_pcid = d->step.pcid;
		d->presented = true;
		return 0;
	case MMU_STEP_IDLE:
		if (d->waited == d->step.cycles)
			return complete(d);
		d->waited++;
		return 0;
	case MMU_STEP_DONE:
		return complete(d);
	}
	MMU_UNREACHABLE();
}
