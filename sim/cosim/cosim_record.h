#ifndef COSIM_RECORD_H
#define COSIM_RECORD_H

#include <stdio.h>

#include "mmu/mmu.h"

/*
 * The recorded stimulus: one line per cycle, every input port then every output port the model expects, in
 * hexadecimal, in mmu_ports.def order (per-requester ports: instruction side first). The Icarus testbench written by
 * cosim_icarus_tb_write() reads it back, drives the same inputs and checks the same outputs.
 */
void cosim_record_cycle(FILE *f, const mmu_in_t *in, const mmu_out_t *out);

/* Writes the testbench for the RTL built with the parameters of cfg. */
int cosim_icarus_tb_write(const char *path, const mmu_cfg_t *cfg, char *msg, size_t msglen);

#endif
