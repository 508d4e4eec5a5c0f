/* One lockstep run: the environment, the per-cycle loop, the checks, the history and the report. */
#include "cosim_run.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cosim_cover.h"
#include "cosim_hardware.h"
#include "cosim_record.h"
#include "mmu/mmu_step.h"

typedef struct counts {
	uint64_t requests[MMU_NREQ];
	uint64_t cr3_writes, flushes;
	uint64_t set_checks, full_checks;
} counts_t;

/* The configuration of the run; its RTL parameters must be the ones this binary was built with. */
static int build_config(const cosim_opts_t *o, cosim_env_t *env, char *msg, size_t msglen)
{
	/* The file, the scenario's memory timing, then --set (validated, naming where a key came from). */
	mmu_cfg_sources_t file = {.file = o->config ? o->config : cosim_rtl_config_file(), .unvalidated = true};
	mmu_cfg_sources_t sets = {.sets = o->sets, .nsets = (size_t)o->nsets};
	mmu_cfg_default(&env->cfg);
	if (mmu_cfg_build(&env->cfg, &file, msg, msglen))
		return MMU_EINVAL;
	if (o->stim == STIM_SCENARIO && cosim_scenario_config(o->scenario, &env->cfg, msg, msglen))
		return MMU_EINVAL;
	if (mmu_cfg_build(&env->cfg, &sets, msg, msglen))
		return MMU_EINVAL;
	if (cosim_hardware_check(o, &env->cfg, stderr, msg, msglen))
		return MMU_EINVAL;
	if (cosim_rtl_wrong_variant())
		fprintf(stderr, "%s: this RTL is a deliberately wrong variant (%s)\n", cli_prog(),
		        cosim_rtl_wrong_variant());
	env->model_cfg = env->cfg;
	mmu_cfg_args_t model_sets = {.option = "--model-set", .args = o->model_sets, .nargs = (size_t)o->nmodel_sets};
	mmu_cfg_sources_t model = {.groups = &model_sets, .ngroups = 1};
	return mmu_cfg_build(&env->model_cfg, &model, msg, msglen) ? MMU_EINVAL : 0;
}

static void env_destroy(cosim_env_t *env)
{
	if (!env)
		return;
	cosim_rtl_destroy(env->rtl);
	mmu_destroy(env->mmu);
	mmu_os_destroy(env->os);
	mmu_mem_destroy(env->mem);
	mmu_physmem_destroy(env->pm);
	free(env);
}

static int env_create(const cosim_opts_t *o, cosim_env_t **out, char *msg, size_t msglen)
{
	cosim_env_t *env = calloc(1, sizeof *env);
	if (!env) {
		snprintf(msg, msglen, "out of memory");
		return MMU_ENOMEM;
	}
	int err = build_config(o, env, msg, msglen);
	/* The memory's random stream follows the stimulus seed; the model's seed only sets the LFSRs (RTL params). */
	if (!err && ((err = mmu_physmem_create(&env->pm)) != 0 ||
	             (err = mmu_mem_create(&env->cfg.mem, o->seed, env->pm, &env->mem)) != 0 ||
	             (err = mmu_os_create(&env->cfg, env->pm, &env->os)) != 0))
		snprintf(msg, msglen, "cannot build the model: %s", mmu_strerror(err));
	char why[512];
	if (!err && (err = mmu_create(&env->model_cfg, &env->mmu, why, sizeof why)) != 0)
		snprintf(msg, msglen, "cannot build the model: %s", why);
	if (!err)
		err = cosim_rtl_create(&env->rtl, msg, msglen);
	if (!err) {
		unsigned entries[3] = {env->cfg.l1i.entries, env->cfg.l1d.entries, env->cfg.l2.entries};
		err = cosim_rtl_bind_state(env->rtl, entries, msg, msglen);
	}
	for (unsigned n = MMU_PWC_MIN_LEVEL; n <= MMU_PWC_MAX_LEVEL && !err; n++) {
		const mmu_tlb_t *t = mmu_pwc(env->mmu, n);
		if (t)
			err = cosim_rtl_bind_pwc(env->rtl, n, mmu_tlb_sets(t) * mmu_tlb_ways(t), msg, msglen);
	}
	if (err) {
		env_destroy(env);
		return err;
	}
	env->rng = o->seed;
	*out = env;
	return 0;
}

void cosim_log(cosim_env_t *env, const cosim_event_t *ev)
{
	env->hist[env->nhist++ % COSIM_HISTORY_MAX] = *ev;
}

void cosim_log_os(cosim_env_t *env, const char *what, uint64_t vaddr, uint64_t detail)
{
	cosim_event_t ev = {.cycle = env->cycle, .kind = EV_OS, .a = vaddr, .b = detail, .what = what};
	cosim_log(env, &ev);
}

static const char *const op_names[] = {"load", "store", "fetch", "op3"};
static const char *const level_names[] = {"L1", "L2", "walk", "none"};
static const char *const cause_names[] = {"",  "not present", "protection", "reserved bit", "non-canonical",
                                          "?", "?",           "?"};
static const char *const flush_names[] = {"ALL", "NONGLOBAL", "PCID", "VA", "VA_PCID", "op5", "op6", "op7"};

static void print_event(FILE *f, const cosim_event_t *e)
{
	char port = e->port == MMU_REQ_I ? 'I' : 'D';
	fprintf(f, "  cycle %8" PRIu64 "  ", e->cycle);
	switch (e->kind) {
	case EV_REQ:
		fprintf(f, "%c request   vaddr 0x%016" PRIx64 " %s %s tag 0x%02x\n", port, e->a, op_names[e->op & 3],
		        e->user ? "user" : "supervisor", e->tag);
		break;
	case EV_RESP:
		if (e->fault)
			fprintf(f, "%c response  tag 0x%02x FAULT %s ecode 0x%02x (%s)\n", port, e->tag,
			        cause_names[e->cause & 7], e->ecode, level_names[e->level & 3]);
		else
			fprintf(f, "%c response  tag 0x%02x paddr 0x%016" PRIx64 " (%s)\n", port, e->tag, e->a,
			        level_names[e->level & 3]);
		break;
	case EV_CR3:
		fprintf(f, "CR3 write   0x%016" PRIx64 "\n", e->a);
		break;
	case EV_FLUSH:
		fprintf(f, "flush %-9s vaddr 0x%016" PRIx64 " pcid %" PRIu64 "\n", flush_names[e->op & 7], e->a, e->b);
		break;
	case EV_OS:
		fprintf(f, "OS %s 0x%016" PRIx64 " (0x%" PRIx64 ")\n", e->what, e->a, e->b);
		break;
	}
}

static void print_history(FILE *f, const cosim_env_t *env, unsigned n)
{
	uint64_t avail = env->nhist < COSIM_HISTORY_MAX ? env->nhist : COSIM_HISTORY_MAX;
	if (n > avail)
		n = (unsigned)avail;
	fprintf(f, "last %u transactions:\n", n);
	for (uint64_t i = env->nhist - n; i < env->nhist; i++)
		print_event(f, &env->hist[i % COSIM_HISTORY_MAX]);
}

/* Requests accepted, responses seen, control inputs: into the history and the counters. */
static void note_inputs(cosim_env_t *env, const mmu_in_t *in, const mmu_out_t *exp, counts_t *c)
{
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		if (!in->req_valid[p] || !exp->req_ready[p])
			continue;
		c->requests[p]++;
		env->inflight_vaddr[p] = in->req_vaddr[p];
		env->inflight_op[p] = (uint8_t)in->req_op[p];
		env->inflight_user[p] = in->req_user[p] != 0;
		cosim_event_t ev = {.cycle = env->cycle,
		                    .kind = EV_REQ,
		                    .port = (uint8_t)p,
		                    .a = in->req_vaddr[p],
		                    .op = (uint8_t)in->req_op[p],
		                    .user = (uint8_t)in->req_user[p],
		                    .tag = (uint8_t)in->req_tag[p]};
		cosim_log(env, &ev);
	}
	if (in->flush_valid) {
		c->flushes++;
		cosim_event_t ev = {.cycle = env->cycle,
		                    .kind = EV_FLUSH,
		                    .op = (uint8_t)in->flush_op,
		                    .a = in->flush_vaddr,
		                    .b = in->flush_pcid};
		cosim_log(env, &ev);
	}
	if (in->cr3_we) {
		c->cr3_writes++;
		cosim_event_t ev = {.cycle = env->cycle, .kind = EV_CR3, .a = in->cr3_wdata};
		cosim_log(env, &ev);
	}
}

/* A response visible now: the fills of its edge are checked in the sets its address maps to (W8, T6, T8). */
static bool note_responses(cosim_env_t *env, const mmu_out_t *exp, counts_t *c, cosim_cover_t *cv, cosim_mismatch_t *mm)
{
	bool bad = false;
	for (unsigned p = 0; p < MMU_NREQ; p++) {
		if (!exp->resp_valid[p])
			continue;
		cosim_event_t ev = {.cycle = env->cycle,
		                    .kind = EV_RESP,
		                    .port = (uint8_t)p,
		                    .a = exp->resp_paddr[p],
		                    .tag = (uint8_t)exp->resp_tag[p],
		                    .fault = (uint8_t)exp->resp_fault[p],
		                    .cause = (uint8_t)exp->resp_cause[p],
		                    .ecode = (uint8_t)exp->resp_ecode[p],
		                    .level = (uint8_t)exp->resp_level[p]};
		cosim_log(env, &ev);
		cosim_cover_response(cv, env, p, exp);
		c->set_checks++;
		bad = bad ||
		      cosim_check_tlb_sets(env, p == MMU_REQ_I ? MMU_TLB_L1I : MMU_TLB_L1D, env->inflight_vaddr[p], mm);
		if (env->l2_unsettled && env->l2_owed < COSIM_L2_OWED_MAX)
			env->l2_owed_vaddr[env->l2_owed++] = env->inflight_vaddr[p];
		else if (env->l2_unsettled)
			env->l2_owed_all = env->l2_owed_fields = true;
		else
			bad = bad || cosim_check_tlb_sets(env, MMU_TLB_L2, env->inflight_vaddr[p], mm);
		if (exp->resp_level[p] == MMU_LEVEL_WALK) /* W11: a walk fills the page-walk caches as it ends */
			bad = bad || cosim_check_pwc(env, mm);
	}
	return bad;
}

static void print_report(const cosim_opts_t *o, const cosim_env_t *env, const counts_t *c, const cosim_cover_t *cv,
                         double secs, bool interrupted)
{
	mmu_stats_t st;
	mmu_stats_read(env->mmu, &st);
	static const char *const stim[] = {"random", "trace", "scenario"};
	printf("mmucosim: configuration %s, %s stimulus", cosim_rtl_config_name(), stim[o->stim]);
	if (o->stim == STIM_SCENARIO)
		printf(" %s", o->scenario);
	if (o->stim == STIM_TRACE)
		printf(" %s", o->trace);
	printf(", seed %" PRIu64 ": ", o->seed);
	if (interrupted) /* the figures are true, but of a part of the run */
		printf("interrupted (%s) after ", cli_interrupt_name());
	printf("%" PRIu64 " cycles, 0 mismatches\n", env->cycle);
	printf("  transactions  %" PRIu64 " requests (I %" PRIu64 ", D %" PRIu64 "), %" PRIu64 " CR3 writes, %" PRIu64
	       " flushes\n",
	       c->requests[0] + c->requests[1], c->requests[0], c->requests[1], c->cr3_writes, c->flushes);
	printf("  TLB lookups   L1I %" PRIu64 " hits / %" PRIu64 " misses, L1D %" PRIu64 " / %" PRIu64 ", L2 %" PRIu64
	       " / %" PRIu64 "\n",
	       st.l1i_hits, st.l1i_misses, st.l1d_hits, st.l1d_misses, st.l2_hits, st.l2_misses);
	if (st.pwc_l2_accesses || st.pwc_l3_accesses || st.pwc_l4_accesses || st.pwc_l5_accesses)
		printf("  walk caches   hits / misses: l5 %" PRIu64 " / %" PRIu64 ", l4 %" PRIu64 " / %" PRIu64
		       ", l3 %" PRIu64 " / %" PRIu64 ", l2 %" PRIu64 " / %" PRIu64 " (%" PRIu64 " PTE reads skipped)\n",
		       st.pwc_l5_hits, st.pwc_l5_misses, st.pwc_l4_hits, st.pwc_l4_misses, st.pwc_l3_hits,
		       st.pwc_l3_misses, st.pwc_l2_hits, st.pwc_l2_misses, st.pwc_skipped);
	printf("  walks         %" PRIu64 " (%" PRIu64 " dirty re-walks), %" PRIu64 " PTE reads, %" PRIu64
	       " A/D writes",
	       st.walks, st.walks_dirty, st.pte_reads, st.ad_writes);
	uint64_t refused = mmu_mem_writes_refused(env->mem);
	if (refused) /* only another writer of the page tables makes one (M9) */
		printf(" (%" PRIu64 " refused: the entry had changed, the walk started again)", refused);
	printf("\n");
	printf("  faults        %" PRIu64 " (not present %" PRIu64 ", protection %" PRIu64 ", reserved %" PRIu64
	       ", non-canonical %" PRIu64 ")\n",
	       st.faults, st.faults_not_present, st.faults_protection, st.faults_reserved, st.faults_noncanonical);
	printf("  state checks  %" PRIu64 " of the sets a response filled, %" PRIu64 " of every TLB entry and CR3\n",
	       c->set_checks, c->full_checks);
	printf("  speed         %.3f s, %.2f M cycles/s\n", secs, secs > 0 ? (double)env->cycle / secs / 1e6 : 0.0);
	if (o->stim == STIM_RANDOM || o->cover_all) /* the bins are the random stimulus's goal (cosim_cover.def) */
		cosim_cover_report(stdout, cv, &env->cfg, o->cover_all);
}

static int make_driver(cosim_env_t *env, const cosim_opts_t *o, cosim_driver_t *d, char *msg, size_t msglen)
{
	switch (o->stim) {
	case STIM_RANDOM:
		return cosim_random_create(env, o, d, msg, msglen);
	case STIM_TRACE:
		return cosim_trace_create(env, o, d, msg, msglen);
	case STIM_SCENARIO:
		return cosim_scenario_create(env, o, d, msg, msglen);
	}
	return MMU_EINVAL;
}

typedef struct loop {
	cosim_env_t *env;
	cosim_driver_t drv;
	const cosim_opts_t *o;
	const cosim_ctl_t *ctl;
	cli_out_t record; /* --record-stimulus, put in place when the run ends (cli.h) */
	counts_t c;
	cosim_cover_t cover;
	cosim_mismatch_t *mm;
	cli_progress_t progress;
	bool interrupted; /* a signal stopped the run after a whole cycle */
} loop_t;

/* The L2 checks put off while the RTL's L2 had an invalidation in flight, now that it has none. */
static bool owed_l2_checks(cosim_env_t *env, cosim_mismatch_t *mm)
{
	bool bad = env->l2_owed_all && cosim_check_tlb(env, MMU_TLB_L2, !env->l2_owed_fields, mm);
	for (unsigned i = 0; i < env->l2_owed && !bad && !(env->l2_owed_all && env->l2_owed_fields); i++)
		bad = cosim_check_tlb_sets(env, MMU_TLB_L2, env->l2_owed_vaddr[i], mm);
	env->l2_owed = 0;
	env->l2_owed_all = env->l2_owed_fields = false;
	return bad;
}

/* Full comparison now and then (and after every edge with --tlb-check all); after the edges of flushes and CR3
 * writes (T11, T12), which change only valid bits, of every entry's valid bit. */
enum { CHECK_NONE, CHECK_VALIDITY, CHECK_FULL };
static int state_check_due(const loop_t *l, const mmu_in_t *in)
{
	if (l->o->tlb_check_all || (l->o->tlb_full_every && l->env->cycle % l->o->tlb_full_every == 0))
		return CHECK_FULL;
	return in->cr3_we || in->flush_valid ? CHECK_VALIDITY : CHECK_NONE;
}

/* One cycle; returns 1 when the stimulus has ended, 0 to go on, or an error. */
static int cycle(loop_t *l, char *msg, size_t msglen)
{
	cosim_env_t *env = l->env;
	mmu_in_t in;
	mmu_out_t exp, act;
	memset(&in, 0, sizeof in);
	mmu_system_comb(env->mmu, env->mem, &in, &exp);
	bool bad = note_responses(env, &exp, &l->c, &l->cover, l->mm);
	int rc = l->drv.step(l->drv.self, env, &exp, &in, msg, msglen);
	if (rc)
		return rc;
	note_inputs(env, &in, &exp, &l->c);
	cosim_cover_cycle(&l->cover, env, &in, &exp);
	cosim_rtl_low(env->rtl, &in, &act);
	bad = cosim_check_outputs(&exp, &act, env->cycle, l->mm) || bad;
	if (l->record.f)
		cosim_record_cycle(l->record.f, &in, &exp);
	mmu_system_clock(env->mmu, env->mem, &in, &exp);
	cosim_rtl_high(env->rtl);
	bad = cosim_check_rtl_alive(env, env->cycle, l->mm) || bad;
	env->cycle++;
	env->l2_unsettled = !cosim_rtl_tlb_settled(env->rtl, MMU_TLB_L2);
	int due = bad ? CHECK_NONE : state_check_due(l, &in);
	if (due != CHECK_NONE) {
		l->c.full_checks++;
		bad = cosim_check_state(env, due == CHECK_VALIDITY, l->mm); /* the L2 only when settled */
		env->l2_owed_all = env->l2_owed_all || env->l2_unsettled;
		env->l2_owed_fields = env->l2_owed_fields || (env->l2_unsettled && due == CHECK_FULL);
	}
	if (!bad && !env->l2_unsettled && (env->l2_owed || env->l2_owed_all))
		bad = owed_l2_checks(env, l->mm);
	return 0;
}

/* The progress line: the stimulus's own measure (cycles of --random, bytes or records of a trace) if it has one. */
static void show_progress(loop_t *l, bool final)
{
	uint64_t done = 0, total = 0;
	if (l->drv.progress)
		l->drv.progress(l->drv.self, l->env, &done, &total);
	cli_progress_show(&l->progress, done, total, l->env->cycle, "cycles", final);
}

/* Checked every 4096 cycles (the clock is not read every cycle); a signal is seen at once. */
static bool interrupted(loop_t *l)
{
	if ((l->env->cycle & 4095) == 0 && cli_progress_due(&l->progress))
		show_progress(l, false);
	return cli_interrupted() && !l->ctl->rerun; /* the waveform re-run is short and bounded: it finishes */
}

static int loop_run(loop_t *l, char *msg, size_t msglen)
{
	const cosim_ctl_t *ctl = l->ctl;
	int rc = 0;
	for (;;) {
		if (ctl->stop_at && l->env->cycle >= ctl->stop_at)
			break;
		if (interrupted(l)) {
			l->interrupted = true;
			break;
		}
		if (ctl->trace_path && l->env->cycle == ctl->trace_from && l->env->cycle > 0 &&
		    (rc = cosim_rtl_trace_open(l->env->rtl, ctl->trace_path, l->env->cycle, msg, msglen)))
			return rc;
		rc = cycle(l, msg, msglen);
		if (rc < 0)
			return rc;
		if (rc == 1)
			break;
		if (l->mm->found && !ctl->rerun)
			return 0;
	}
	if (!l->mm->found && !ctl->rerun) {
		l->c.full_checks++;
		cosim_check_state(l->env, false, l->mm); /* the end state */
	}
	if (l->progress.shown)
		show_progress(l, true);
	if (l->interrupted) /* a scenario's expectations are about its end, not reached */
		return 0;
	return l->drv.finish && !l->mm->found && !ctl->rerun ? l->drv.finish(l->drv.self, l->env, msg, msglen) : 0;
}

static int open_outputs(loop_t *l, char *msg, size_t msglen)
{
	const cosim_opts_t *o = l->o;
	if (l->ctl->rerun)
		return 0;
	if (o->icarus_tb && cosim_icarus_tb_write(o->icarus_tb, &l->env->cfg, msg, msglen))
		return MMU_EIO;
	if (o->record && cli_out_open(&l->record, o->record, true, msg, msglen))
		return MMU_EIO;
	return 0;
}

int cosim_run(const cosim_opts_t *o, const cosim_ctl_t *ctl, cosim_mismatch_t *mm, char *msg, size_t msglen)
{
	loop_t l = {.o = o, .ctl = ctl, .mm = mm};
	memset(mm, 0, sizeof *mm);
	int rc = env_create(o, &l.env, msg, msglen);
	if (rc)
		return rc;
	rc = make_driver(l.env, o, &l.drv, msg, msglen);
	if (rc) {
		env_destroy(l.env);
		return rc;
	}
	if (ctl->trace_path && ctl->trace_from == 0)
		rc = cosim_rtl_trace_open(l.env->rtl, ctl->trace_path, 0, msg, msglen);
	if (!rc)
		rc = open_outputs(&l, msg, msglen);
	cosim_rtl_reset(l.env->rtl);
	cli_progress_start(&l.progress);
	if (!rc)
		rc = loop_run(&l, msg, msglen);
	double secs = cli_seconds() - l.progress.start;
	cosim_cover_finish(&l.cover, l.env);
	if (!rc && mm->found && !ctl->rerun) {
		cosim_mismatch_print(stderr, mm);
		print_history(stderr, l.env, o->history);
	} else if (!rc && !ctl->rerun && !o->quiet) {
		print_report(o, l.env, &l.c, &l.cover, secs, l.interrupted);
	}
	bool holes = !rc && !mm->found && !ctl->rerun && !l.interrupted && o->require_coverage &&
	             cosim_cover_empty(NULL, "", &l.cover, &l.env->cfg) > 0;
	if (holes) {
		fprintf(stderr, "%s: coverage: %u bins that this configuration can reach stayed empty:\n", cli_prog(),
		        cosim_cover_empty(NULL, "", &l.cover, &l.env->cfg));
		cosim_cover_empty(stderr, "  ", &l.cover, &l.env->cfg);
	}
	if (!rc && l.interrupted && !mm->found)
		fprintf(stderr, "%s: interrupted by %s after %" PRIu64 " cycles, without a mismatch up to there\n",
		        cli_prog(), cli_interrupt_name(), l.env->cycle);
	if (rc)
		cli_out_discard(&l.record);
	else if (l.record.f && cli_out_commit(&l.record, msg, msglen))
		rc = MMU_EIO;
	if (l.drv.destroy)
		l.drv.destroy(l.drv.self);
	env_destroy(l.env);
	if (!rc && l.interrupted && !mm->found)
		return COSIM_INTERRUPTED;
	return !rc && holes ? COSIM_COVERAGE_HOLES : rc;
}
