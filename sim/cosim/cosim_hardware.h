#ifndef COSIM_HARDWARE_H
#define COSIM_HARDWARE_H

#include <stdio.h>

#include "cosim.h"

/*
 * Whether cfg (the configuration a run asks for: --config, a scenario's keys, --set) describes the hardware this
 * binary's RTL was built with. Returns 0 if so. Otherwise MMU_EINVAL, after writing to `err` one line per hardware key
 * that differs, with where it was set and both values ("--set tlb.l1d.entries=32: the RTL of mmucosim-default was
 * built with tlb.l1d.entries = 64"), and with msg set to what to do about it.
 */
int cosim_hardware_check(const cosim_opts_t *o, const mmu_cfg_t *cfg, FILE *err, char *msg, size_t msglen);

#endif
