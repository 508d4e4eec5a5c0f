#ifndef MMU_CONFIG_INTERNAL_H
#define MMU_CONFIG_INTERNAL_H

#include <stddef.h>

#include "mmu/mmu_config.h"

/* More than the number of keys of mmu_config_keys.def (checked where the key table is built). */
#define MMU_CFG_KEYS_MAX 128

/* Index of a key in the table (mmu_cfg_key_name(i)), or -1. */
int mmu_cfg_key_index(const char *name);

/* mmu_cfg_load_file(), and lines[i] gets the line that set key i (0 when the file does not set it). */
int mmu_cfg_load_file_lines(mmu_cfg_t *cfg, const char *path, unsigned lines[MMU_CFG_KEYS_MAX], char *msg,
                            size_t msglen);

/* mmu_cfg_set_arg() for the arguments of another option: messages say option instead of "--set". */
int mmu_cfg_set_arg_as(mmu_cfg_t *cfg, const char *option, const char *arg, char *msg, size_t msglen);

#endif
