/*
 * Shards of a sweep: `sweep --shard I/N` runs one contiguous slice of the rows (traces x configurations, in the order
 * of the CSV) and writes them after one line naming the shard and the sweep it belongs to:
 *
 *     # mmusim sweep-shard 3/10 of sweep 0123456789abcdef: 2 rows from row 5 of 20
 *
 * then exactly the header and those rows of the one-machine CSV (the figure columns come from the configurations
 * alone, so every shard has the whole sweep's header). The line is there even when the shard has no row (more shards
 * than rows), which a column could not carry. Python's csv module and pandas read a shard with `skiprows=1`.
 * sweep-merge (mmusim_sweep_merge.c) checks the shards and joins them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mmu/mmu_config.h"
#include "mmusim_sweep.h"
#include "mmusim_version.h"

#define MAX_SHARDS 1000000

int sweep_shard_parse(const char *arg, unsigned *index, unsigned *count)
{
	const char *slash = strchr(arg, '/');
	uint64_t i = 0, n = 0;
	char first[32];
	if (slash && (size_t)(slash - arg) < sizeof first) {
		memcpy(first, arg, (size_t)(slash - arg));
		first[slash - arg] = 0;
	}
	if (!slash || (size_t)(slash - arg) >= sizeof first || !cli_number(first, &i) || !cli_number(slash + 1, &n) ||
	    n < 1 || n > MAX_SHARDS || i < 1 || i > n)
		return cli_fail("--shard '%s': expected I/N, shard I of N (1 <= I <= N <= %d)", arg, MAX_SHARDS);
	*index = (unsigned)i;
	*count = (unsigned)n;
	return 0;
}

void sweep_shard_rows(size_t rows, unsigned index, unsigned count, size_t *lo, size_t *hi)
{
	*lo = (size_t)((uint64_t)rows * (index - 1) / count);
	*hi = (size_t)((uint64_t)rows * index / count);
}

void sweep_shard_name(unsigned index, unsigned count, char *buf, size_t len)
{
	int width = snprintf(NULL, 0, "%u", count);
	snprintf(buf, len, "shard-%0*u-of-%u.csv", width, index, count);
}

/* FNV-1a, 64 bits: enough to tell sweeps apart (an identity, not a protection). */
static void hash_text(uint64_t *h, const char *s)
{
	for (; *s; s++) {
		*h ^= (unsigned char)*s;
		*h *= UINT64_C(0x100000001b3);
	}
	*h ^= '\n'; /* a separator no value holds */
	*h *= UINT64_C(0x100000001b3);
}

void sweep_identity(sweep_t *sw, const char *format)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	char buf[4200];
	hash_text(&h, "mmusim sweep " MMUSIM_VERSION " " MMUSIM_REVISION);
	hash_text(&h, sw->info.engine);
	hash_text(&h, format ? format : "auto");
	for (size_t t = 0; t < sw->ntraces; t++) {
		struct stat sb;
		snprintf(buf, sizeof buf, "trace %s %lld", sw->traces[t].path,
		         stat(sw->traces[t].path, &sb) == 0 ? (long long)sb.st_size : -1LL);
		hash_text(&h, buf);
	}
	for (size_t a = 0; a < sw->naxes; a++) {
		hash_text(&h, sw->axes[a].key);
		for (size_t v = 0; v < sw->axes[a].nvalues; v++)
			hash_text(&h, sw->axes[a].values[v]);
	}
	hash_text(&h, sw->info.preset ? sw->info.preset : "");
	hash_text(&h, sw->info.config ? sw->info.config : "");
	for (size_t k = 0; k < mmu_cfg_key_count(); k++) {
		char val[256];
		mmu_cfg_get(&sw->base, mmu_cfg_key_name(k), val, sizeof val);
		snprintf(buf, sizeof buf, "%s=%s", mmu_cfg_key_name(k), val);
		hash_text(&h, buf);
	}
	snprintf(sw->id, sizeof sw->id, "%016" PRIx64, h);
}

static int fill_shard(FILE *f, const void *ctx)
{
	const sweep_t *sw = ctx;
	fprintf(f, SWEEP_SHARD_LINE "\n", sw->shard, sw->nshards, sw->id, sw->hi - sw->lo, sw->lo + 1, sw->npoints);
	return sweep_write_csv(sw, f);
}

int sweep_shard_output(const sweep_t *sw, const char *dir, bool force)
{
	if (!dir)
		return fill_shard(stdout, sw) ? cli_fail("writing the shard: %s", strerror(errno)) : 0;
	char name[64], path[4200], msg[4600];
	sweep_shard_name(sw->shard, sw->nshards, name, sizeof name);
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (cli_out_write(path, force, fill_shard, sw, msg, sizeof msg))
		return cli_fail("%s", msg);
	fprintf(stderr, "mmusim sweep: wrote %s (shard %u of %u: %zu rows)\n", path, sw->shard, sw->nshards,
	        sw->hi - sw->lo);
	return 0;
}
