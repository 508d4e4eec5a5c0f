/*
 * The comparison: runs the model (libmmu's fast path) on the image the guest ran, access by access with the TLBs
 * flushed first as the guest flushes them, and compares each outcome with QEMU's, then the final page tables word
 * by word and the data words the stores changed. Every difference is printed with its access, the entries on its
 * walk (as they were before the access) and both answers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "oracle_check.h"

#include "oracle_check_internal.h"

/*
 * Where QEMU (7.2, TCG) departs from the Intel SDM, established by this harness and documented in README.md; an
 * outcome that differs from the model's exactly so is counted as the deviation, not as a difference. The model
 * follows the SDM and is never changed to match these.
 */
typedef struct deviation {
	const char *id, *what;
	int (*matches)(uint64_t vec, uint64_t ec, const qemu_out_t *q);
} deviation_t;

/* Q1: SDM vol. 3A, 4.7: "bit 3 of the error code can be set only if bit 0 is also set"; QEMU leaves P clear. */
static int rsvd_without_p(uint64_t vec, uint64_t ec, const qemu_out_t *q)
{
	return vec == 14 && q->vec == 14 && (ec & MMU_EC_RSVD) && (ec & MMU_EC_P) &&
	       q->ec == (ec & ~(uint64_t)MMU_EC_P);
}

static const deviation_t deviations[] = {
    {"Q1", "reserved-bit page fault reported with error-code bit P clear (SDM vol. 3A, 4.7)", rsvd_without_p},
    /* Q2 is found in the final memory (compare_memory), not in an outcome */
    {"Q2",
     "A set in a 1 GiB page's PDPTE by an access that then faults on it, on its rights or its reserved bits (contract "
     "W7)",
     NULL},
};

int oracle_push_stored(stored_t **v, size_t *n, size_t *cap, uint64_t pa, uint64_t value)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 256;
		stored_t *nv = realloc(*v, *cap * sizeof *nv);
		if (!nv)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = (stored_t){pa, value};
	return 0;
}

static int parse_log(check_t *c, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[256];
	unsigned long lineno = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		uint64_t v[5];
		if (line[0] == 'A' &&
		    sscanf(line + 1, "%" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &v[0], &v[1], &v[2],
		           &v[3], &v[4]) == 5 &&
		    v[0] < c->img->naccess) {
			c->q[v[0]] = (qemu_out_t){v[1], v[2], v[3], v[4], 1};
		} else if (line[0] == 'T' && sscanf(line + 1, "%" SCNx64 " %" SCNx64, &v[0], &v[1]) == 2) {
			rc = oracle_push_stored(&c->tw, &c->ntw, &c->captw, v[0], v[1]);
		} else if (line[0] == 'D' && sscanf(line + 1, "%" SCNx64 " %" SCNx64, &v[0], &v[1]) == 2) {
			rc = oracle_push_stored(&c->dw, &c->ndw, &c->capdw, v[0], v[1]);
		} else if (line[0] == 'E') {
			c->complete = 1;
		} else {
			fprintf(c->out, "%s:%lu: unexpected guest output: %s", path, lineno, line);
			c->diffs++;
		}
	}
	fclose(f);
	return rc;
}

uint64_t oracle_model_data(const check_t *c, uint64_t pa)
{
	for (size_t i = c->nmw; i-- > 0;)
		if (c->mw[i].pa == pa)
			return c->mw[i].value;
	return c->img->arch == ORACLE_ARCH_RISCV ? oracle_rv_pattern(pa) : oracle_pattern(pa);
}

const char *oracle_op_name(unsigned op)
{
	return op == ORACLE_OP_LOAD ? "load" : op == ORACLE_OP_STORE ? "store" : "fetch";
}

/* The entries on va's walk in root, read from the model's memory before the access (SDM vol. 3A, 4.5). */
static unsigned read_walk(const check_t *c, uint64_t root, uint64_t va, walk_entry_t w[5])
{
	uint64_t table = root & UINT64_C(0x000ffffffffff000);
	unsigned n = 0;
	for (unsigned level = c->img->levels; level >= 1; level--) {
		uint64_t addr = table + ((va >> (12 + 9 * (level - 1))) & 511) * 8;
		uint64_t e = mmu_physmem_read(c->pm, addr, 8);
		w[n++] = (walk_entry_t){level, addr, e};
		if (!(e & 1) || (level > 1 && level < 4 && (e & 0x80)))
			break;
		table = e & UINT64_C(0x000ffffffffff000);
	}
	return n;
}

void oracle_format_walk(char *buf, size_t len, const walk_entry_t *w, unsigned n)
{
	int at = snprintf(buf, len, "  walk:");
	for (unsigned i = 0; i < n && at > 0 && (size_t)at < len; i++)
		at += snprintf(buf + at, len - (size_t)at, " L%u[%#" PRIx64 "]=%#" PRIx64, w[i].level, w[i].addr,
		               w[i].value);
	if (at > 0 && (size_t)at < len)
		snprintf(buf + at, len - (size_t)at, "\n");
}

static void describe(char *buf, size_t len, uint64_t vec, uint64_t ec, uint64_t cr2, uint64_t rax)
{
	if (vec == 14)
		snprintf(buf, len, "page fault, error code %#" PRIx64 ", CR2 %#" PRIx64, ec, cr2);
	else if (vec == ORACLE_VEC_DONE)
		snprintf(buf, len, "done, RAX %#" PRIx64, rax);
	else if (vec == 3)
		snprintf(buf, len, "fetched, EAX %#" PRIx64, rax);
	else
		snprintf(buf, len, "vector %" PRIu64 ", error code %#" PRIx64, vec, ec);
}

static void compare_access(check_t *c, mmu_t *m, mmu_mem_t *mem, size_t i)
{
	if (c->img->arch == ORACLE_ARCH_RISCV) {
		oracle_compare_access_riscv(c, mem, i);
		return;
	}
	const oracle_access_t *a = &c->img->acc[i];
	uint64_t cr3 = c->img->roots[a->root];
	mmu_fast_cr3_write(m, cr3);
	mmu_fast_flush(m, MMU_FLUSH_ALL, 0, 0);
	/* the walk as it is before the access, for the report */
	walk_entry_t we[5];
	unsigned nwe = read_walk(c, cr3, a->va, we);
	char walk[640];
	oracle_format_walk(walk, sizeof walk, we, nwe);
	mmu_result_t res;
	mmu_op_t op = a->op == ORACLE_OP_LOAD ? MMU_OP_LOAD : a->op == ORACLE_OP_STORE ? MMU_OP_STORE : MMU_OP_FETCH;
	mmu_translate(m, mem, op == MMU_OP_FETCH ? MMU_REQ_I : MMU_REQ_D, a->va, op, a->user, &res);
	uint64_t vec, ec = 0, cr2 = 0, rax = 0;
	int check_cr2 = 0, check_rax = 0;
	if (res.fault && res.cause < 5)
		c->causes[res.cause]++;
	else if (!res.fault && res.page_level >= 1 && res.page_level <= 3)
		c->pages[res.page_level]++;
	if (res.fault && res.cause == MMU_CAUSE_NONCANONICAL) {
		vec = 13; /* SDM vol. 3A, 6.15: a non-canonical reference is #GP(0) */
	} else if (res.fault) {
		vec = 14, ec = res.ecode, cr2 = a->va, check_cr2 = 1;
		if (res.cause != MMU_CAUSE_NOT_PRESENT && we[nwe - 1].level == 3 && (we[nwe - 1].value & 0x80) &&
		    oracle_push_stored(&c->q2, &c->nq2, &c->capq2, we[nwe - 1].addr, 0) != 0)
			abort();
	} else if (res.paddr < ORACLE_DATA_BASE || res.paddr + 8 > ORACLE_DATA_END) {
		fprintf(c->out, "access %zu: the model's address %#" PRIx64 " is outside the data window\n", i,
		        res.paddr);
		c->diffs++;
		return;
	} else if (a->op == ORACLE_OP_LOAD) {
		vec = ORACLE_VEC_DONE, rax = oracle_model_data(c, res.paddr), check_rax = 1;
	} else if (a->op == ORACLE_OP_STORE) {
		vec = ORACLE_VEC_DONE;
		if (oracle_push_stored(&c->mw, &c->nmw, &c->capmw, res.paddr, a->store_value) != 0)
			abort(); /* out of memory: no honest answer left */
	} else {
		vec = 3, rax = (oracle_model_data(c, res.paddr) >> 8) & 0xffffffff, check_rax = 1;
	}
	const qemu_out_t *q = &c->q[i];
	if (q->seen && q->vec == vec && q->ec == ec && (!check_cr2 || q->cr2 == cr2) && (!check_rax || q->rax == rax))
		return;
	for (size_t d = 0; d < sizeof deviations / sizeof deviations[0]; d++)
		if (deviations[d].matches && q->seen && (!check_cr2 || q->cr2 == cr2) &&
		    deviations[d].matches(vec, ec, q)) {
			c->deviations[d]++;
			return;
		}
	c->diffs++;
	char mine[128], theirs[128];
	describe(mine, sizeof mine, vec, ec, cr2, rax);
	if (q->seen)
		describe(theirs, sizeof theirs, q->vec, q->ec, q->cr2, q->rax);
	else
		snprintf(theirs, sizeof theirs, "no outcome reported");
	fprintf(c->out,
	        "access %zu: %s %s va %#" PRIx64 " in space %u (CR3 %#" PRIx64 ")\n%s  model: %s\n  qemu:  %s\n"
	        "  explain: mmuoracle image JOB TABLES %u > s.img; mmusim explain --memory s.img --addr %#" PRIx64
	        " --op %s%s%s\n",
	        i, a->user ? "user" : "supervisor", oracle_op_name(a->op), a->va, a->root, cr3, walk, mine, theirs,
	        a->root, a->va, oracle_op_name(a->op), a->user ? "" : " --supervisor",
	        c->img->levels == 5 ? " --set paging.mode=x86_64_la57" : "");
}

static int cmp_stored(const void *x, const void *y)
{
	const stored_t *a = x, *b = y;
	return a->pa < b->pa ? -1 : a->pa > b->pa;
}

/* qsort of stored words; none at all may come as a null array, which qsort must not be given */
static void sort_stored(stored_t *v, size_t n)
{
	if (n)
		qsort(v, n, sizeof *v, cmp_stored);
}

static int is_q2_leaf(const check_t *c, uint64_t addr)
{
	for (size_t i = 0; i < c->nq2; i++)
		if (c->q2[i].pa == addr)
			return 1;
	return 0;
}

/* The final table words (A and D set by either walker) and the data words the stores changed. */
static void compare_memory(check_t *c)
{
	size_t k = 0;
	uint64_t base = oracle_image_table_base(c->img);
	sort_stored(c->tw, c->ntw);
	for (uint64_t a = base; a < c->img->table_end; a += 8) {
		uint64_t qv = (k < c->ntw && c->tw[k].pa == a) ? c->tw[k++].value : 0;
		uint64_t mv = mmu_physmem_read(c->pm, a, 8);
		if (qv != mv && qv == (mv | 0x20) && is_q2_leaf(c, a)) {
			c->deviations[1]++;
		} else if (qv != mv) {
			uint64_t before;
			memcpy(&before, c->img->tables + (a - base), 8);
			fprintf(c->out,
			        "table word %#" PRIx64 ": was %#" PRIx64 ", model %#" PRIx64 ", qemu %#" PRIx64
			        " (bits differing %#" PRIx64 ")\n",
			        a, before, mv, qv, mv ^ qv);
			c->diffs++;
		}
	}
	/* the model's stores, last per address, against QEMU's changed words */
	stored_t *last = calloc(c->nmw + 1, sizeof *last);
	size_t nlast = 0;
	for (size_t i = c->nmw; last && i-- > 0;) {
		size_t j = 0;
		while (j < nlast && last[j].pa != c->mw[i].pa)
			j++;
		if (j == nlast)
			last[nlast++] = c->mw[i];
	}
	if (!last)
		return;
	sort_stored(last, nlast);
	sort_stored(c->dw, c->ndw);
	size_t i = 0, j = 0;
	while (i < nlast || j < c->ndw) {
		if (i < nlast && j < c->ndw && last[i].pa == c->dw[j].pa) {
			if (last[i].value != c->dw[j].value) {
				fprintf(c->out, "data word %#" PRIx64 ": model %#" PRIx64 ", qemu %#" PRIx64 "\n",
				        last[i].pa, last[i].value, c->dw[j].value);
				c->diffs++;
			}
			i++, j++;
		} else if (j >= c->ndw || (i < nlast && last[i].pa < c->dw[j].pa)) {
			fprintf(c->out, "data word %#" PRIx64 ": model stored %#" PRIx64 ", qemu left it\n", last[i].pa,
			        last[i].value);
			c->diffs++, i++;
		} else {
			fprintf(c->out, "data word %#" PRIx64 ": qemu stored %#" PRIx64 ", the model did not\n",
			        c->dw[j].pa, c->dw[j].value);
			c->diffs++, j++;
		}
	}
	free(last);
}

int oracle_check(const oracle_image_t *img, const char *log_path, const char *const *sets, size_t nsets, FILE *out,
                 unsigned long *diffs)
{
	char msg[512];
	mmu_cfg_t cfg;
	mmu_cfg_default(&cfg);
	/*
	 * The job's paging mode first (5 levels: CR4.LA57 = 1, SDM vol. 3A, 4.5). RISC-V as QEMU 7.2's rv64 walks:
	 * 56-bit physical addresses (Priv 4.4), A and D set by the walker (Svadu's scheme: QEMU 7.2 has no Svade),
	 * ASIDs in satp. KEY=VALUE may change the rest.
	 */
	char mode[48];
	snprintf(mode, sizeof mode, "paging.mode=%s", oracle_image_mode(img));
	const char *preset[] = {mode, "paging.pa_bits=56", "paging.riscv.svadu=1", "cr3.pcid=1"};
	for (size_t i = 0; i < (img->arch == ORACLE_ARCH_RISCV ? 4u : 1u); i++)
		if (mmu_cfg_set_arg(&cfg, preset[i], msg, sizeof msg) != 0) {
			fprintf(stderr, "mmuoracle: %s\n", msg);
			return -2;
		}
	for (size_t i = 0; i < nsets; i++)
		if (mmu_cfg_set_arg(&cfg, sets[i], msg, sizeof msg) != 0) {
			fprintf(stderr, "mmuoracle: %s\n", msg);
			return -2;
		}
	check_t c = {.img = img, .out = out};
	c.q = calloc(img->naccess + 1, sizeof *c.q);
	mmu_t *m = NULL;
	mmu_mem_t *mem = NULL;
	int rc = -1;
	if (!c.q || mmu_physmem_create(&c.pm) != 0)
		goto done;
	if (mmu_physmem_write_block(c.pm, oracle_image_table_base(img), img->tables,
	                            img->table_end - oracle_image_table_base(img)) != 0)
		goto done;
	/* RISC-V: one model per mstatus.SUM and MXR an access may run with (each ORed with the configured one) */
	for (unsigned v = 0; img->arch == ORACLE_ARCH_RISCV && v < 4; v++) {
		mmu_cfg_t vc = cfg;
		vc.paging.riscv_sum = cfg.paging.riscv_sum || (v & ORACLE_RV_SUM);
		vc.paging.riscv_mxr = cfg.paging.riscv_mxr || (v & ORACLE_RV_MXR);
		if (mmu_create(&vc, &c.rv[v], msg, sizeof msg) != 0) {
			fprintf(stderr, "mmuoracle: %s\n", msg);
			rc = -2;
			goto done;
		}
	}
	if (mmu_create(&cfg, &m, msg, sizeof msg) != 0 || mmu_mem_create(&cfg.mem, cfg.seed, c.pm, &mem) != 0) {
		fprintf(stderr, "mmuoracle: %s\n", msg);
		rc = -2;
		goto done;
	}
	if (parse_log(&c, log_path) != 0) {
		fprintf(stderr, "mmuoracle: %s: %s\n", log_path, strerror(errno));
		goto done;
	}
	for (size_t i = 0; i < img->naccess; i++)
		compare_access(&c, m, mem, i);
	if (!c.complete) {
		fprintf(out, "%s: the guest's output stops before its end mark\n", log_path);
		c.diffs++;
	} else {
		compare_memory(&c);
	}
	*diffs = c.diffs;
	if (img->arch == ORACLE_ARCH_RISCV)
		oracle_print_riscv_counts(&c, out);
	else
		fprintf(out,
		        "model outcomes: 4K %lu, 2M %lu, 1G %lu, not present %lu, protection %lu, reserved bit %lu, "
		        "non-canonical %lu\n",
		        c.pages[1], c.pages[2], c.pages[3], c.causes[MMU_CAUSE_NOT_PRESENT],
		        c.causes[MMU_CAUSE_PROTECTION], c.causes[MMU_CAUSE_RESERVED], c.causes[MMU_CAUSE_NONCANONICAL]);
	for (size_t d = 0; d < sizeof deviations / sizeof deviations[0]; d++)
		if (c.deviations[d])
			fprintf(out, "known QEMU deviation %s, %s: %lu time%s\n", deviations[d].id, deviations[d].what,
			        c.deviations[d], c.deviations[d] == 1 ? "" : "s");
	rc = 0;
done:
	for (unsigned v = 0; v < 4; v++)
		mmu_destroy(c.rv[v]);
	mmu_destroy(m);
	mmu_mem_destroy(mem);
	mmu_physmem_destroy(c.pm);
	free(c.q);
	free(c.tw);
	free(c.dw);
	free(c.mw);
	free(c.q2);
	return rc;
}
