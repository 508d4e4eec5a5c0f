#ifndef MMUSIM_LECTURE_H
#define MMUSIM_LECTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "cli.h"

/*
 * The lecture commands of mmusim (docs/lecture.md):
 *   explain   one translation step by step (address split, TLB lookups, each walk access, result, cycles)
 *   amat      the AMAT derivation of a run, then the effective access time with page faults
 *   diagram   WaveJSON timing diagrams of directed scenarios (TLB hit, L2 hit, walk, fault, A/D write-back)
 * Each returns the process exit code: 0, or 2 after a message on stderr.
 */
int cmd_explain(int argc, char **argv);
int cmd_amat(int argc, char **argv);
int cmd_diagram(int argc, char **argv);

/* Options of the lecture commands; each command's table (cli.h) fills the ones it takes. */
typedef struct lecture_opts {
	const char *trace, *format, *engine;
	cli_cfg_opts_t cfg;
	const char *addr, *op, *ostep_dump, *memory, *at, *out, *scenario, *map_perms, *html;
	bool json, markdown, warm, demand, force, user, supervisor, reserved_bit;
} lecture_opts_t;

#endif
