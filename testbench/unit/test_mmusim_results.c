/*
 * The typed results of a run as --json prints them: configuration values that are numbers print as JSON numbers,
 * integers exactly beyond 2^53, and the provenance names the trace (size, CRC-32 of its content), the configuration's
 * sources, the keys that differ from the defaults, the seed and the engine.
 */
#include "cli_run.h"

#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

typedef cli_run_t run_t;

static void mmusim(run_t *r, const char *args)
{
	cli_run(r, NULL, MMU_MMUSIM, args);
}

static cJSON *item(cJSON *j, const char *name)
{
	cJSON *it = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(it, "no '%s' in the JSON report", name);
	return it;
}

static const char *text(cJSON *j, const char *name)
{
	cJSON *it = item(j, name);
	cr_assert(cJSON_IsString(it), "'%s' is not a JSON string", name);
	return it->valuestring;
}

static double number(cJSON *j, const char *name)
{
	cJSON *it = item(j, name);
	cr_assert(cJSON_IsNumber(it), "'%s' is not a JSON number", name);
	return it->valuedouble;
}

/* CRC-32 (IEEE 802.3, reflected, as zlib and gzip), bit by bit: independent of the table-driven zlib code. */
static uint32_t crc32_bitwise(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int b = 0; b < 8; b++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

static const char trace_text[] = "R 1000 1\nW 2008 1\nX 401000 1\nR 7fffdeadb000 2\nW 1000 2\n";

Test(mmusim_results, config_values_that_are_numbers_print_as_numbers)
{
	static run_t r;
	char path[64], args[256];
	cli_temp_file(path, trace_text);
	snprintf(args, sizeof args,
	         "run --json --format text --trace %s --set tlb.l1d.entries=16 --set tlb.l1d.ways=full "
	         "--set tlb.l1d.policy=fifo",
	         path);
	mmusim(&r, args);
	unlink(path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	cr_assert_eq(number(j, "config.tlb.l1d.entries"), 16);
	cr_assert_str_eq(text(j, "config.tlb.l1d.ways"), "full"); /* a word, not a count */
	cr_assert_str_eq(text(j, "config.tlb.l1d.policy"), "fifo");
	cr_assert_eq(number(j, "config.tlb.l1i.ways"), 8);
	cr_assert_eq(number(j, "config.paging.pte.global_bit"), -1); /* signed: -1 means absent */
	cr_assert_eq(number(j, "config.cr3.pcid"), 0);
	cr_assert_str_eq(text(j, "config.paging.mode"), "x86_64");
	cr_assert(strstr(r.out, "\"config.tlb.l1d.entries\":\t16,\n"), "not printed as the number 16");
	cJSON_Delete(j);
}

Test(mmusim_results, integers_above_2_to_the_53_keep_every_digit)
{
	static run_t r;
	char path[64], args[256];
	cli_temp_file(path, trace_text);
	/* 2^64 - 1: a double holds 18446744073709551616, one more */
	snprintf(args, sizeof args, "run --json --format text --trace %s --seed 18446744073709551615", path);
	mmusim(&r, args);
	unlink(path);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cr_assert(strstr(r.out, "\"config.seed\":\t18446744073709551615,\n"), "%s", r.out);
	cr_assert(strstr(r.out, "\"provenance.seed\":\t18446744073709551615,\n"), "%s", r.out);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j, "not JSON");
	cJSON_Delete(j);
}

/* The provenance of a run on a plain and on a gzip-compressed copy of one trace. */
Test(mmusim_results, provenance_names_the_trace_by_size_and_checksum_of_its_content)
{
	static run_t plain, packed;
	char path[64], gz[80], ini[64], args[512];
	cli_temp_file(path, trace_text);
	cli_temp_file(ini, "[tlb.l2]\nentries = 0\n");
	snprintf(gz, sizeof gz, "%s.gz", path);
	gzFile g = gzopen(gz, "wb9");
	cr_assert(g);
	cr_assert_eq(gzwrite(g, trace_text, (unsigned)strlen(trace_text)), (int)strlen(trace_text));
	cr_assert_eq(gzclose(g), Z_OK);
	struct stat sb;
	cr_assert_eq(stat(gz, &sb), 0);

	snprintf(args, sizeof args, "run --json --format text --trace %s --preset skylake --config %s --set cr3.pcid=1",
	         path, ini);
	mmusim(&plain, args);
	snprintf(args, sizeof args, "run --json --format text --trace %s --engine ticked", gz);
	mmusim(&packed, args);
	unlink(path);
	unlink(gz);
	unlink(ini);
	cr_assert_eq(plain.status, 0, "%s", plain.err);
	cr_assert_eq(packed.status, 0, "%s", packed.err);
	cJSON *a = cJSON_Parse(plain.out), *b = cJSON_Parse(packed.out);
	cr_assert(a && b);

	char crc[16];
	snprintf(crc, sizeof crc, "%08x", crc32_bitwise((const unsigned char *)trace_text, strlen(trace_text)));
	cr_assert_str_eq(text(a, "provenance.trace"), path);
	cr_assert_eq(number(a, "provenance.trace.file_bytes"), (double)strlen(trace_text));
	cr_assert_eq(number(a, "provenance.trace.content_bytes"), (double)strlen(trace_text));
	cr_assert_str_eq(text(a, "provenance.trace.crc32"), crc);
	cr_assert_str_eq(text(a, "provenance.preset"), "skylake");
	cr_assert_str_eq(text(a, "provenance.config"), ini);
	cr_assert_str_eq(text(a, "provenance.engine"), "fast");
	cr_assert_eq(number(a, "provenance.seed"), 1);
	/*
	 * What differs from the defaults (mmusim config --list), in key order: skylake's page-walk caches, dcache
	 * lines, memory latency and 39-bit physical addresses (its TLB sizes, dcache geometry and latencies are the
	 * defaults), the file's tlb.l2.entries and --set cr3.pcid.
	 */
	cr_assert_str_eq(
	    text(a, "provenance.changed"),
	    "tlb.l2.entries=0 pwc.l2.entries=32 pwc.l2.ways=8 pwc.l3.entries=8 pwc.l3.ways=4 pwc.l4.entries=4 "
	    "mem.latency=42 dcache.lines=512 paging.pa_bits=39 cr3.pcid=1");
	cr_assert(cJSON_IsString(item(a, "provenance.version")) && cJSON_IsString(item(a, "provenance.revision")));

	/* compressed: the same content, so the same checksum and content size; the file size is the .gz's */
	cr_assert_str_eq(text(b, "provenance.trace.crc32"), crc);
	cr_assert_eq(number(b, "provenance.trace.content_bytes"), (double)strlen(trace_text));
	cr_assert_eq(number(b, "provenance.trace.file_bytes"), (double)sb.st_size);
	cr_assert_str_eq(text(b, "provenance.preset"), "");
	cr_assert_str_eq(text(b, "provenance.config"), "");
	cr_assert_str_eq(text(b, "provenance.changed"), "");
	cr_assert_str_eq(text(b, "provenance.engine"), "ticked");
	cJSON_Delete(a);
	cJSON_Delete(b);
}

/* A gzip file of two members (gzip appends one per write in "a" mode): the trailer covers only the last one. */
Test(mmusim_results, checksum_of_a_trace_of_two_gzip_members_covers_both)
{
	static run_t r;
	char path[64], gz[80], args[256];
	cli_temp_file(path, "");
	snprintf(gz, sizeof gz, "%s.gz", path);
	const char *half = trace_text + 18; /* from the third line on */
	gzFile g = gzopen(gz, "wb");
	cr_assert(g);
	cr_assert_eq(gzwrite(g, trace_text, 18), 18);
	cr_assert_eq(gzclose(g), Z_OK);
	g = gzopen(gz, "ab");
	cr_assert(g);
	cr_assert_eq(gzwrite(g, half, (unsigned)strlen(half)), (int)strlen(half));
	cr_assert_eq(gzclose(g), Z_OK);
	snprintf(args, sizeof args, "run --json --format text --trace %s", gz);
	mmusim(&r, args);
	unlink(path);
	unlink(gz);
	cr_assert_eq(r.status, 0, "%s", r.err);
	cJSON *j = cJSON_Parse(r.out);
	cr_assert(j);
	char crc[16];
	snprintf(crc, sizeof crc, "%08x", crc32_bitwise((const unsigned char *)trace_text, strlen(trace_text)));
	cr_assert_str_eq(text(j, "provenance.trace.crc32"), crc);
	cr_assert_eq(number(j, "provenance.trace.content_bytes"), (double)strlen(trace_text));
	cJSON_Delete(j);
}
