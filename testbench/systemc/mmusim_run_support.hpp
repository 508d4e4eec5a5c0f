/*
 * What the suites that run mmusim-tlm (and mmusim) as programs share: running a command with its output captured,
 * temporary trace files, the traces they feed (a prefix of the bundled workload, a generated multi-process trace),
 * and reading numbers out of a JSON report. Header-only: each suite is one binary.
 */
#ifndef MMUSIM_RUN_SUPPORT_HPP
#define MMUSIM_RUN_SUPPORT_HPP

#include <criterion/criterion.h>

#include <cjson/cJSON.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

namespace mmusim_test
{

struct run_result {
	int status;
	std::string out, err;
};

inline std::string slurp(const char *path)
{
	std::string s;
	FILE *f = std::fopen(path, "r");
	cr_assert(f, "cannot read %s", path);
	char buf[65536];
	size_t n;
	while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
		s.append(buf, n);
	std::fclose(f);
	return s;
}

/* Runs `program args` through the shell with stdout and stderr captured separately. */
inline run_result run(const char *program, const std::string &args)
{
	char out[] = "/tmp/mmusim-test-out-XXXXXX", err[] = "/tmp/mmusim-test-err-XXXXXX";
	int fo = mkstemp(out), fe = mkstemp(err);
	cr_assert(fo >= 0 && fe >= 0);
	close(fo);
	close(fe);
	std::string cmd = std::string(program) + " " + args + " >" + out + " 2>" + err;
	int st = std::system(cmd.c_str());
	run_result r = {WIFEXITED(st) ? WEXITSTATUS(st) : -1, slurp(out), slurp(err)};
	unlink(out);
	unlink(err);
	return r;
}

/* A temporary file holding text; removed by the destructor. */
struct temp_file {
	char path[64];
	explicit temp_file(const std::string &text)
	{
		std::strcpy(path, "/tmp/mmusim-test-in-XXXXXX");
		int fd = mkstemp(path);
		cr_assert(fd >= 0);
		cr_assert_eq(write(fd, text.data(), text.size()), (ssize_t)text.size());
		close(fd);
	}
	~temp_file()
	{
		unlink(path);
	}
	temp_file(const temp_file &) = delete;
	temp_file &operator=(const temp_file &) = delete;
};

/* The first `lines` lines of the bundled workload (a real program's lackey trace). */
inline std::string workload_prefix(unsigned lines)
{
	gzFile z = gzopen(MMU_SOURCE_DIR "/workloads/default.lackey.gz", "rb");
	cr_assert(z, "cannot open the bundled workload");
	std::string text;
	char line[256];
	for (unsigned i = 0; i < lines && gzgets(z, line, sizeof line); i++)
		text += line;
	gzclose(z);
	return text;
}

/*
 * Three processes, a context switch every hundred references on average; each mostly touches a hot set of 16 pages
 * of its own and sometimes a wide range, or a range every process uses at the same addresses.
 */
inline std::string multi_process_trace(unsigned records)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	auto next = [&x]() {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		return x >> 33;
	};
	const uint64_t base[] = {0, 0x400000, 0x7f0000000000, 0x10000000};
	unsigned pid = 1;
	std::string text;
	for (unsigned i = 0; i < records; i++) {
		if (next() % 100 == 0)
			pid = 1 + (unsigned)(next() % 3);
		const char kind = "RRRWX"[next() % 5];
		uint64_t b = next() % 10 < 7 ? base[pid] : 0x600000;
		uint64_t va = next() % 8 ? b + (next() % 16) * 4096 + next() % 4096 : b + next() % (1u << 22);
		char line[64];
		std::snprintf(line, sizeof line, "%c %llx %u\n", kind, (unsigned long long)va, pid);
		text += line;
	}
	return text;
}

/* The run's stdout as one JSON object; the run must have succeeded. */
inline cJSON *parse(const run_result &r, const char *who)
{
	cr_assert_eq(r.status, 0, "%s failed: %s", who, r.err.c_str());
	cJSON *j = cJSON_Parse(r.out.c_str());
	cr_assert(j, "%s: stdout is not one JSON object", who);
	return j;
}

inline double number(cJSON *j, const char *name)
{
	cJSON *item = cJSON_GetObjectItemCaseSensitive(j, name);
	cr_assert(item && cJSON_IsNumber(item), "no number '%s' in the JSON report", name);
	return item->valuedouble;
}

} // namespace mmusim_test

#endif
