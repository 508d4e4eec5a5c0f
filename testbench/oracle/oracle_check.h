#ifndef ORACLE_CHECK_H
#define ORACLE_CHECK_H

#include <stdio.h>

#include "oracle_image.h"

/*
 * Compares the guest's log (QEMU's answers) with the model's answers on img, the model configured by its defaults
 * and then each "KEY=VALUE" of sets. Prints every difference to out and counts them in *diffs. Returns 0, -1 on an
 * I/O error, -2 on a bad model setting.
 */
int oracle_check(const oracle_image_t *img, const char *log_path, const char *const *sets, size_t nsets, FILE *out,
                 unsigned long *diffs);

#endif
