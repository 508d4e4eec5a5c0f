#ifndef MMUSIM_IMPORT_H
#define MMUSIM_IMPORT_H

/* mmusim import-proc: a live Linux process's address space as page tables in the model (mmusim_import*.c). */
int cmd_import_proc(int argc, char **argv);

#endif
