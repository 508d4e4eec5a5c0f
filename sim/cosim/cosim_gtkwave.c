/* The gtkwave command printed after a dump (--wave, a mismatch window). */
#include "cosim_gtkwave.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* A word the shell reads back unchanged: as is when it holds only safe characters, else in single quotes. */
void cosim_gtkwave_command(FILE *f, const char *fst)
{
	char abs[PATH_MAX], cwd[PATH_MAX];
	if (realpath(fst, abs))
		fst = abs;
	else if (fst[0] != '/' && getcwd(cwd, sizeof cwd) &&
	         snprintf(abs, sizeof abs, "%s/%s", cwd, fst) < (int)sizeof abs)
		fst = abs; /* not written (yet): the directory it would be in */
	fputs("  (cd ", f);
	cli_sh_word(f, COSIM_SOURCE_DIR);
	fputs(" && gtkwave ", f);
	cli_sh_word(f, fst);
	fputs(" waveforms/mmu.gtkw)\n", f);
}
