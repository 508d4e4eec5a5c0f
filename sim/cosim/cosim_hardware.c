/*
 * The run's configuration against the hardware of this binary's RTL: the RTL parameters are fixed when Verilator
 * builds it, so a run may change only run-time keys (mem.*, os.*). A refusal names each hardware key that differs.
 */
#include "cosim_hardware.h"

#include <string.h>

#include "cli.h"
#include "cosim_params.h"

/* The last --set of `key`, as the user wrote it, or NULL. */
static const char *set_of(const cosim_opts_t *o, const char *key)
{
	const char *found = NULL;
	size_t len = strlen(key);
	for (int i = 0; i < o->nsets; i++)
		if (!strncmp(o->sets[i], key, len) && o->sets[i][len] == '=')
			found = o->sets[i];
	return found;
}

static void print_key(FILE *err, const cosim_opts_t *o, const cosim_key_diff_t *d)
{
	const char *set = set_of(o, d->key);
	fprintf(err, "%s: ", cli_prog());
	if (set)
		fprintf(err, "--set %s", set);
	else if (o->config)
		fprintf(err, "--config %s sets %s = %s", o->config, d->key, d->want);
	else
		fprintf(err, "the configuration sets %s = %s", d->key, d->want);
	fprintf(err, ": the RTL of mmucosim-%s was built with %s = %s\n", cosim_rtl_config_name(), d->key, d->built);
}

/* The configuration file this binary was built from, as the RTL saw it; 0 when it still gives the same parameters. */
static int built_config(mmu_cfg_t *built)
{
	char err[512], params[COSIM_PARAMS_LEN];
	mmu_cfg_default(built);
	if (mmu_cfg_load_file(built, cosim_rtl_config_file(), err, sizeof err) ||
	    cosim_params_format(built, params, sizeof params, err, sizeof err))
		return -1;
	return strcmp(params, cosim_rtl_params()) ? -1 : 0;
}

int cosim_hardware_check(const cosim_opts_t *o, const mmu_cfg_t *cfg, FILE *err, char *msg, size_t msglen)
{
	char e[512], params[COSIM_PARAMS_LEN];
	if (cosim_params_format(cfg, params, sizeof params, e, sizeof e)) {
		snprintf(msg, msglen, "%s", e);
		return MMU_EINVAL;
	}
	if (!strcmp(params, cosim_rtl_params()))
		return 0;
	mmu_cfg_t built;
	cosim_key_diff_t d[COSIM_PARAMS_MAX * COSIM_PARAM_KEYS];
	int n = built_config(&built) ? -1 : cosim_params_diff(cfg, &built, d, (int)(sizeof d / sizeof d[0]));
	if (n <= 0) {
		/* The file changed since the build (or a parameter lacks its keys): the parameters themselves, then. */
		snprintf(
		    msg, msglen,
		    "the configuration asks for RTL parameters\n  %s\nbut this binary's RTL (configuration %s, %s) "
		    "was built with\n  %s\n(rebuild it if that file changed since)",
		    params, cosim_rtl_config_name(), cosim_rtl_config_file(), cosim_rtl_params());
		return MMU_EINVAL;
	}
	for (int i = 0; i < n; i++)
		print_key(err, o, &d[i]);
	const char *why = "fixed when the RTL is built (tlb.*, cr3.pcid, paging.*, seed; mem.* and os.* may change)";
	if (n == 1)
		snprintf(
		    msg, msglen,
		    "%s is a hardware parameter, %s: run the mmucosim-<config> built for it, or add a configuration "
		    "(sim/cosim/README.md)",
		    d[0].key, why);
	else
		snprintf(msg, msglen,
		         "these are hardware parameters, %s: run the mmucosim-<config> built for them, or add a "
		         "configuration (sim/cosim/README.md)",
		         why);
	return MMU_EINVAL;
}
