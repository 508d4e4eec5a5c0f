#ifndef COSIM_GTKWAVE_H
#define COSIM_GTKWAVE_H

#include <stdio.h>

/*
 * Prints the command that opens the dump `fst` (a path as given on the command line, relative to the current
 * directory) in GTKWave with waveforms/mmu.gtkw, as one line indented by two spaces. It works from any directory,
 * that of the dump included: both paths are absolute, and GTKWave runs in the source tree, where the save file's
 * translate filters (waveforms/filters/) are found.
 */
void cosim_gtkwave_command(FILE *f, const char *fst);

#endif
