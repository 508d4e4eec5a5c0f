/* The configuration options of the simulating commands, built by mmu_cfg_build() as everywhere. */
#include "cli.h"

#include <string.h>

mmu_cfg_sources_t cli_cfg_sources(const cli_cfg_opts_t *c)
{
	return (mmu_cfg_sources_t){
	    .preset = c->preset, .file = c->config, .sets = c->sets.items, .nsets = c->sets.n, .seed = c->seed};
}

int cli_cfg_build(mmu_cfg_t *cfg, const mmu_cfg_sources_t *src)
{
	char msg[1024];
	if (mmu_cfg_build(cfg, src, msg, sizeof msg))
		return cli_fail("%s", msg);
	return 0;
}

int cli_engine(const char *name, mmu_engine_t *engine)
{
	*engine = MMU_ENGINE_FAST;
	if (name && !strcmp(name, "ticked"))
		*engine = MMU_ENGINE_TICKED;
	else if (name && strcmp(name, "fast"))
		return cli_fail("--engine: '%s' is not one of fast, ticked", name);
	return 0;
}

int cli_config(const cli_cfg_opts_t *c, mmu_cfg_t *cfg)
{
	mmu_cfg_sources_t src = cli_cfg_sources(c);
	mmu_cfg_default(cfg);
	return cli_cfg_build(cfg, &src);
}
