#ifndef MMUSIM_COMPARE_H
#define MMUSIM_COMPARE_H

/* mmusim compare: the same trace under a few configurations, figures side by side (mmusim_compare.c). */
int cmd_compare(int argc, char **argv);

#endif
