/*
 * Trace replay through the ports: the model's requester (mmu_requester.h) turns each record into steps, and the
 * model's port driver presents them cycle by cycle, exactly as mmusim's per-cycle engine does (docs/timing.md T14).
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cosim.h"
#include "mmu/mmu_requester.h"
#include "mmu/mmu_sim.h"

#define BATCH 1024

typedef struct trc {
	mmu_trace_t *t;
	const char *path;
	mmu_trace_rec_t recs[BATCH];
	long n, i;
	uint64_t refs, max_refs;
	mmu_requester_t *req;
	mmu_port_driver_t drv;
	mmu_step_t step;
	bool busy; /* the driver holds a step */
} trc_t;

/* A requester's error, located in the trace. */
static int located(const trc_t *r, int err, char *msg, size_t msglen)
{
	char where[600], what[512];
	snprintf(what, sizeof what, "%s", msg);
	mmu_trace_locate(r->path, mmu_trace_format(r->t), r->refs, where, sizeof where);
	snprintf(msg, msglen, "%s: %s", where, what);
	return err;
}

/* The next record begins; returns 1 at the end of the trace. */
static int next_record(trc_t *r, char *msg, size_t msglen)
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
	r->refs++;
	int err = mmu_requester_begin(r->req, &r->recs[r->i++], msg, msglen);
	return err ? located(r, err, msg, msglen) : 0;
}

static int trc_step(void *self, cosim_env_t *env, const mmu_out_t *out, mmu_in_t *in, char *msg, size_t msglen)
{
	trc_t *r = self;
	for (;;) {
		if (!r->busy) {
			uint64_t served = mmu_requester_stats(r->req)->demand_faults;
			uint64_t vaddr = r->step.vaddr;
			int rc = mmu_requester_next(r->req, &r->step, msg, msglen);
			if (rc)
				return located(r, rc, msg, msglen);
			if (mmu_requester_stats(r->req)->demand_faults != served)
				cosim_log_os(env, "demand fault served", vaddr, mmu_requester_pid(r->req));
			if (r->step.kind == MMU_STEP_DONE) {
				if ((rc = next_record(r, msg, msglen)) != 0)
					return rc == 1 ? 1 : rc;
				continue;
			}
			mmu_port_driver_begin(&r->drv, &r->step);
			r->busy = true;
		}
		mmu_result_t res;
		int done = mmu_port_driver_cycle(&r->drv, out, in, &res);
		if (done < 0) {
			snprintf(msg, msglen, "cycle %llu: port %c not ready for an in-order request (T2)",
			         (unsigned long long)env->cycle, r->step.port == MMU_REQ_I ? 'I' : 'D');
			return MMU_EINVAL;
		}
		if (!done)
			return 0;
		r->busy = false;
		if (r->step.kind == MMU_STEP_TRANSLATE)
			mmu_requester_answer(r->req, &res);
	}
}

static void trc_destroy(void *self)
{
	trc_t *r = self;
	mmu_requester_destroy(r->req);
	mmu_trace_close(r->t);
	free(r);
}

/* Records of --max-refs, else bytes of the file (0 of 0 for a pipe: the count of cycles only). */
static void trc_progress(const void *self, const cosim_env_t *env, uint64_t *done, uint64_t *total)
{
	const trc_t *r = self;
	(void)env;
	*done = r->max_refs ? r->refs : mmu_trace_bytes(r->t);
	*total = r->max_refs ? r->max_refs : mmu_trace_file_size(r->t);
}

int cosim_trace_create(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen)
{
	trc_t *r = calloc(1, sizeof *r);
	if (!r) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	int err = mmu_requester_create(&env->cfg, env->os, &r->req);
	if (err) {
		free(r);
		snprintf(msg, msglen, "out of memory");
		return err;
	}
	err = cli_trace_open(o->trace, o->format, &r->t, msg, msglen);
	if (err) {
		mmu_requester_destroy(r->req);
		free(r);
		return err;
	}
	mmu_port_driver_init(&r->drv, mmu_sim_latency_bound(&env->cfg));
	r->path = o->trace;
	r->max_refs = o->max_refs;
	*d = (cosim_driver_t){.self = r, .step = trc_step, .destroy = trc_destroy, .progress = trc_progress};
	return 0;
}
