/*
 * mmuoracle: the host side of the QEMU oracle (testbench/oracle/README.md).
 *   mmuoracle gen [--mode MODE] SEED ACCESSES JOB TABLES
 *                                           writes a random image and its accesses; MODE x86_64 (4-level paging,
 *                                           the default), x86_64_la57 (5-level paging), sv39, sv48 or sv57 (RISC-V)
 *   mmuoracle check JOB TABLES LOG [KEY=VALUE...]
 *                                           compares the guest's log with the model in the job's paging mode,
 *                                           configured further by KEY=VALUE
 *   mmuoracle image JOB TABLES SPACE        prints the image as `mmusim explain --memory` reads it, CR3 of SPACE
 * Exit status: 0 same answers, 1 differences (printed), 2 bad usage or input.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oracle_check.h"
#include "oracle_image.h"

#define ORACLE_PA_BITS 46 /* the model's default paging.pa_bits; the guest's QEMU runs with phys-bits=46 */

static int usage(void)
{
	fprintf(stderr, "usage: mmuoracle gen [--mode x86_64|x86_64_la57|sv39|sv48|sv57] SEED ACCESSES JOB TABLES\n"
	                "       mmuoracle check JOB TABLES LOG [KEY=VALUE...]\n"
	                "       mmuoracle image JOB TABLES SPACE\n");
	return 2;
}

static int parse_u64(const char *what, const char *s, uint64_t *v)
{
	char *end;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "mmuoracle: %s '%s' is not a non-negative integer\n", what, s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 6 && strcmp(argv[1], "gen") == 0) {
		uint64_t seed, n;
		unsigned levels = 4, riscv = 0;
		int at = 2;
		if (strcmp(argv[2], "--mode") == 0) {
			if (strcmp(argv[3], "x86_64_la57") == 0) {
				levels = 5;
			} else if (strncmp(argv[3], "sv", 2) == 0 &&
			           (!strcmp(argv[3] + 2, "39") || !strcmp(argv[3] + 2, "48") ||
			            !strcmp(argv[3] + 2, "57"))) {
				riscv = 1, levels = argv[3][2] == '3' ? 3 : argv[3][2] == '4' ? 4 : 5;
			} else if (strcmp(argv[3], "x86_64") != 0) {
				fprintf(stderr,
				        "mmuoracle: --mode '%s' is not x86_64, x86_64_la57, sv39, sv48 or sv57\n",
				        argv[3]);
				return usage();
			}
			at = 4;
		}
		if (argc != at + 4 || parse_u64("SEED", argv[at], &seed) || parse_u64("ACCESSES", argv[at + 1], &n))
			return usage();
		oracle_image_t img;
		if ((riscv ? oracle_gen_riscv(&img, seed, n, levels)
		           : oracle_gen_x86_64(&img, seed, n, ORACLE_PA_BITS, levels)) != 0) {
			fprintf(stderr, "mmuoracle: seed %" PRIu64 ": the image does not fit the table area\n", seed);
			oracle_image_free(&img);
			return 2;
		}
		int rc = oracle_image_save(&img, argv[at + 2], argv[at + 3]);
		if (rc != 0)
			fprintf(stderr, "mmuoracle: %s, %s: %s\n", argv[at + 2], argv[at + 3], strerror(errno));
		oracle_image_free(&img);
		return rc ? 2 : 0;
	}
	if (argc >= 5 && strcmp(argv[1], "check") == 0) {
		oracle_image_t img;
		if (oracle_image_load(&img, argv[2], argv[3]) != 0) {
			fprintf(stderr, "mmuoracle: %s, %s: not a job and table image written by mmuoracle gen\n",
			        argv[2], argv[3]);
			return 2;
		}
		unsigned long diffs = 0;
		int rc = oracle_check(&img, argv[4], (const char *const *)argv + 5, (size_t)argc - 5, stdout, &diffs);
		size_t n = img.naccess;
		oracle_image_free(&img);
		if (rc != 0)
			return 2;
		printf("mmuoracle: %zu accesses, %lu difference%s\n", n, diffs, diffs == 1 ? "" : "s");
		return diffs ? 1 : 0;
	}
	if (argc == 5 && strcmp(argv[1], "image") == 0) {
		oracle_image_t img;
		uint64_t space;
		if (parse_u64("SPACE", argv[4], &space))
			return usage();
		if (oracle_image_load(&img, argv[2], argv[3]) != 0) {
			fprintf(stderr, "mmuoracle: %s, %s: not a job and table image written by mmuoracle gen\n",
			        argv[2], argv[3]);
			return 2;
		}
		int rc = space < img.nroots ? 0 : 2;
		if (rc)
			fprintf(stderr, "mmuoracle: SPACE %" PRIu64 " is not in 0..%u\n", space, img.nroots - 1);
		else
			oracle_image_print(&img, (unsigned)space, stdout);
		oracle_image_free(&img);
		return rc;
	}
	return usage();
}
