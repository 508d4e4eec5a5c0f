/*
 * Trace replay through the ports, as mmusim's per-cycle engine drives the model (docs/timing.md T14): an in-order
 * requester presents each translation in the cycle the previous response is visible; a pid change is a CR3 write
 * presented alone (bit 63 set with PCIDs); a not-present fault is served by the OS (mmu_os_demand_fault, then
 * os.fault_cycles idle cycles) and the access retried once; an access crossing a page is two translations.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cosim.h"

#define BATCH 1024

typedef enum { T_NEXT, T_PRESENT, T_WAIT, T_IDLE } trc_state_t;

typedef struct trc {
	mmu_trace_t *t;
	const char *path;
	mmu_trace_rec_t recs[BATCH];
	long n, i;
	uint64_t refs, max_refs;
	bool started;
	uint32_t pid;
	trc_state_t st;
	/* the translation in progress */
	unsigned port, op, attempt;
	uint64_t vaddr, second; /* second: the other page of a crossing access, 0 if none */
	uint64_t idle_left;
	uint8_t tag;
} trc_t;

/* The next record's first translation; returns 1 at the end of the trace. */
static int next_record(trc_t *r, cosim_env_t *env, mmu_in_t *in, char *msg, size_t msglen)
{
	if (r->max_refs && r->refs >= r->max_refs)
		return 1;
	if (r->i >= r->n) {
		r->n = mmu_trace_read(r->t, r->recs, BATCH, msg, msglen);
		r->i = 0;
		if (r->n < 0)
			return (int)r->n;
		if (r->n == 0)
			return 1;
	}
	const mmu_trace_rec_t *rec = &r->recs[r->i++];
	r->refs++;
	r->port = rec->kind == MMU_REF_FETCH ? MMU_REQ_I : MMU_REQ_D;
	r->op = rec->kind == MMU_REF_FETCH ? MMU_OP_FETCH : rec->kind == MMU_REF_LOAD ? MMU_OP_LOAD : MMU_OP_STORE;
	r->vaddr = rec->vaddr;
	uint64_t last = rec->vaddr + (rec->size ? rec->size - 1 : 0);
	r->second = (last >> 12) != (rec->vaddr >> 12) ? last & ~UINT64_C(0xfff) : 0;
	r->attempt = 0;
	r->st = T_PRESENT;
	if (r->started && rec->pid == r->pid)
		return 0;
	int err = mmu_os_process(env->os, rec->pid);
	if (err) {
		snprintf(msg, msglen, "cannot create process %u: %s", rec->pid, mmu_strerror(err));
		return err;
	}
	r->started = true;
	r->pid = rec->pid;
	in->cr3_we = 1; /* T14: presented alone; the request follows in the next cycle */
	in->cr3_wdata = mmu_os_cr3(env->os, rec->pid, true);
	return 2;
}

static int present(trc_t *r, cosim_env_t *env, const mmu_out_t *out, mmu_in_t *in, char *msg, size_t msglen)
{
	if (env->cfg.os.populate && mmu_os_populate(env->os, r->pid, r->vaddr) == MMU_ENOFRAME) {
		snprintf(msg, msglen, "physical memory exhausted mapping 0x%llx", (unsigned long long)r->vaddr);
		return MMU_ENOFRAME;
	}
	if (!out->req_ready[r->port]) {
		snprintf(msg, msglen, "cycle %llu: port %c not ready for an in-order request (T2)",
		         (unsigned long long)env->cycle, r->port == MMU_REQ_I ? 'I' : 'D');
		return MMU_EINVAL;
	}
	in->req_valid[r->port] = 1;
	in->req_vaddr[r->port] = r->vaddr;
	in->req_op[r->port] = r->op;
	in->req_user[r->port] = 1;
	in->req_tag[r->port] = r->tag++;
	r->st = T_WAIT;
	return 0;
}

/* The response to the translation in flight. */
static int response(trc_t *r, cosim_env_t *env, const mmu_out_t *out, char *msg, size_t msglen)
{
	unsigned p = r->port;
	if (out->resp_fault[p] && out->resp_cause[p] == MMU_CAUSE_NONCANONICAL) {
		snprintf(msg, msglen, "%s: record %llu: address 0x%llx is not canonical", r->path,
		         (unsigned long long)r->refs, (unsigned long long)r->vaddr);
		return MMU_EINVAL;
	}
	if (out->resp_fault[p] && out->resp_cause[p] == MMU_CAUSE_NOT_PRESENT && r->attempt == 0) {
		int err = mmu_os_demand_fault(env->os, r->pid, r->vaddr);
		if (err == MMU_ENOFRAME) {
			snprintf(msg, msglen, "physical memory exhausted mapping 0x%llx", (unsigned long long)r->vaddr);
			return err;
		}
		if (!err) {
			cosim_log_os(env, "demand fault served", r->vaddr, r->pid);
			r->attempt = 1;
			r->st = T_IDLE;
			r->idle_left = env->cfg.os.fault_cycles;
			return 0;
		}
	}
	if (r->second) { /* the other page of a crossing access */
		r->vaddr = r->second;
		r->second = 0;
		r->attempt = 0;
		r->st = T_PRESENT;
		return 0;
	}
	r->st = T_NEXT;
	return 0;
}

static int trc_step(void *self, cosim_env_t *env, const mmu_out_t *out, mmu_in_t *in, char *msg, size_t msglen)
{
	trc_t *r = self;
	for (;;) {
		int rc;
		switch (r->st) {
		case T_WAIT:
			if (!out->resp_valid[r->port])
				return 0;
			if ((rc = response(r, env, out, msg, msglen)))
				return rc;
			break;
		case T_IDLE: /* the OS handler: the response cycle is its first idle cycle */
			if (r->idle_left > 1) {
				r->idle_left--;
				return 0;
			}
			if (r->idle_left == 1) {
				r->idle_left = 0;
				r->st = T_PRESENT;
				return 0;
			}
			r->st = T_PRESENT;
			break;
		case T_NEXT:
			rc = next_record(r, env, in, msg, msglen);
			if (rc)
				return rc == 2 ? 0 : rc;
			break;
		case T_PRESENT:
			return present(r, env, out, in, msg, msglen);
		}
	}
}

static void trc_destroy(void *self)
{
	trc_t *r = self;
	mmu_trace_close(r->t);
	free(r);
}

int cosim_trace_create(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen)
{
	(void)env;
	trc_t *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	int err = cli_trace_open(o->trace, o->format, &r->t, msg, msglen);
	if (err) {
		free(r);
		return err;
	}
	r->path = o->trace;
	r->max_refs = o->max_refs;
	r->st = T_NEXT;
	*d = (cosim_driver_t){.self = r, .step = trc_step, .destroy = trc_destroy};
	return 0;
}
