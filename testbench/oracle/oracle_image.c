/* The job and table files QEMU loads, written by `mmuoracle gen` and read back by `mmuoracle check`. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_image.h"

void oracle_image_free(oracle_image_t *img)
{
	free(img->tables);
	free(img->acc);
	memset(img, 0, sizeof *img);
}

static int write_file(const char *path, const void *a, size_t alen, const void *b, size_t blen)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(a, 1, alen, f) == alen && (blen == 0 || fwrite(b, 1, blen, f) == blen);
	return (fclose(f) == 0 && ok) ? 0 : -1;
}

int oracle_image_save(const oracle_image_t *img, const char *job_path, const char *tables_path)
{
	oracle_job_hdr_t h = {
	    .magic = ORACLE_JOB_MAGIC,
	    .naccess = img->naccess,
	    .nroots = img->nroots,
	    .table_end = img->table_end,
	    .levels = img->levels,
	    .arch = img->arch,
	};
	memcpy(h.roots, img->roots, sizeof h.roots);
	if (sizeof h + img->naccess * sizeof *img->acc > ORACLE_JOB_MAX) {
		errno = EFBIG;
		return -1;
	}
	if (write_file(job_path, &h, sizeof h, img->acc, img->naccess * sizeof *img->acc) < 0)
		return -1;
	return write_file(tables_path, img->tables, img->table_end - oracle_image_table_base(img), NULL, 0);
}

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	unsigned char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

int oracle_image_load(oracle_image_t *img, const char *job_path, const char *tables_path)
{
	memset(img, 0, sizeof *img);
	size_t jlen, tlen;
	unsigned char *job = read_file(job_path, &jlen);
	img->tables = read_file(tables_path, &tlen);
	oracle_job_hdr_t h;
	if (!job || !img->tables || jlen < sizeof h) {
		free(job);
		oracle_image_free(img);
		errno = errno ? errno : EINVAL;
		return -1;
	}
	memcpy(&h, job, sizeof h);
	img->arch = (unsigned)h.arch;
	int riscv = h.arch == ORACLE_ARCH_RISCV;
	if (h.magic != ORACLE_JOB_MAGIC || h.nroots > ORACLE_MAX_ROOTS || (h.arch != ORACLE_ARCH_X86_64 && !riscv) ||
	    h.levels < (riscv ? 3u : 4u) || h.levels > 5 || jlen != sizeof h + h.naccess * sizeof(oracle_access_t) ||
	    h.table_end != oracle_image_table_base(img) + tlen) {
		free(job);
		oracle_image_free(img);
		errno = EINVAL;
		return -1;
	}
	img->table_end = h.table_end;
	img->nroots = (unsigned)h.nroots;
	img->levels = (unsigned)h.levels;
	memcpy(img->roots, h.roots, sizeof h.roots);
	img->naccess = h.naccess;
	img->acc = malloc(h.naccess * sizeof *img->acc + 1);
	if (img->acc)
		memcpy(img->acc, job + sizeof h, h.naccess * sizeof *img->acc);
	free(job);
	return img->acc ? 0 : -1;
}

const char *oracle_image_mode(const oracle_image_t *img)
{
	if (img->arch == ORACLE_ARCH_RISCV)
		return img->levels == 3 ? "sv39" : img->levels == 4 ? "sv48" : "sv57";
	return img->levels == 5 ? "x86_64_la57" : "x86_64";
}

void oracle_image_print(const oracle_image_t *img, unsigned space, FILE *out)
{
	fprintf(out, "# mmuoracle's tables (paging.mode=%s), address space %u\ncr3 %#" PRIx64 "\n",
	        oracle_image_mode(img), space, img->roots[space]);
	uint64_t base = oracle_image_table_base(img);
	for (uint64_t a = base; a < img->table_end; a += 8) {
		uint64_t w;
		memcpy(&w, img->tables + (a - base), 8);
		if (w)
			fprintf(out, "%#" PRIx64 ": %#" PRIx64 "\n", a, w);
	}
}
