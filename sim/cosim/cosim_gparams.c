/*
 * Build helper, run when CMake configures: prints the Verilator -G parameters of one co-simulation configuration.
 *   cosim-gparams CONFIG.ini
 */
#include <stdio.h>

#include "cosim_params.h"

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: cosim-gparams CONFIG.ini\n");
		return 2;
	}
	mmu_cfg_t cfg;
	char msg[512], params[COSIM_PARAMS_LEN];
	mmu_cfg_default(&cfg);
	if (mmu_cfg_load_file(&cfg, argv[1], msg, sizeof msg) ||
	    cosim_params_format(&cfg, params, sizeof params, msg, sizeof msg)) {
		fprintf(stderr, "cosim-gparams: %s: %s\n", argv[1], msg);
		return 1;
	}
	puts(params);
	return 0;
}
