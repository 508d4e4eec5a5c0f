#ifndef MMUSIM_LECTURE_H
#define MMUSIM_LECTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "mmu/mmu_config.h"

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

/* Options of the lecture commands; each command accepts its own subset (lecture_parse's `accepted`). */
typedef struct lecture_opts {
	const char *preset, *config, *seed, *trace, *format, *engine;
	const char *addr, *op, *ostep_dump, *at, *out, *scenario;
	const char **sets;
	int nsets;
	bool json, markdown, warm, demand;
} lecture_opts_t;

/*
 * Parses argv for command cmd. accepted lists the options the command takes, space-separated ("--preset --set").
 * Returns 0, or 2 after a message; exits after printing the usage for -h/--help. Free with lecture_free().
 */
int lecture_parse(const char *cmd, const char *accepted, int argc, char **argv, lecture_opts_t *o);
void lecture_free(lecture_opts_t *o);

/*
 * The configuration: cfg holds the command's base on entry (the defaults, or the diagrams' timing); --preset replaces
 * it, then --config, --set and --seed apply in that order; the result is validated.
 */
int lecture_config(const lecture_opts_t *o, mmu_cfg_t *cfg);

/* A message on stderr prefixed "mmusim: "; returns 2. */
int lecture_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parses a number in C notation (0x.. hex, decimal) into *v; returns false if s is not one. */
bool lecture_number(const char *s, uint64_t *v);

#endif
