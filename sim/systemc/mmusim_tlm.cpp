/*
 * mmusim-tlm: the example SystemC platform. A trace-driven traffic generator, the MMU as a TLM-2.0 component and a
 * memory with latency, wired as
 *
 *   mmu_tlm_gen.socket -> mmu_tlm.socket;  mmu_tlm.walk_socket -> memory.walk_socket;
 *   mmu_tlm.data_socket -> memory.data_socket;  mmu_tlm_gen.control -> mmu_tlm (CR3 writes)
 *
 * and printing mmusim's report (sim/mmusim/mmusim_report.c) from the same figures, so both can be compared field by field.
 */
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <systemc>
#include <tlm>

#include "mmu_tlm.h"
#include "mmu_tlm_gen.h"
#include "mmu_tlm_memory.h"
#ifdef MMU_HAVE_RTL_CORE
#include "mmu_tlm_rtl.h"
#endif

#include "cli.h"
extern "C" {
#include "mmu/mmu_os.h"
#include "mmu/mmu_trace.h"
#include "mmusim_report.h"
}

using sc_core::sc_time;

static const char usage[] =
    "usage: mmusim-tlm [run] [options]   simulate a trace on the SystemC/TLM-2.0 platform, print mmusim's report\n";

namespace
{

struct options {
	const char *trace = nullptr, *format = nullptr, *mmu = nullptr;
	const char *period = nullptr, *quantum = nullptr, *data_cycles = nullptr;
	cli_cfg_opts_t cfg = {};
	bool json = false;
};

/* Whether the run should go on; if not, *rc is the exit status (0 after --help). */
bool parse_args(int argc, char **argv, options &o, int *rc)
{
	int first = argc > 1 && !std::strcmp(argv[1], "run") ? 2 : 1;
	const cli_option_t table[] = {
	    {"trace", 0, CLI_VALUE, "FILE", &o.trace,
	     "trace to simulate ('-' = stdin; gzip read directly). Default: the bundled workload"},
	    {"format", 0, CLI_VALUE, "F", &o.format, "lackey, text or auto (default auto)"},
	    CLI_CFG_OPTIONS(&o.cfg),
	    {"json", 0, CLI_FLAG, nullptr, &o.json, "print the report as one JSON object on stdout (mmusim's names)"},
	    {"mmu", 0, CLI_VALUE, "M", &o.mmu,
	     "the MMU behind the sockets: model (default; the C model) or rtl (the Verilated RTL in\n"
	     "lockstep with the model; only the default hardware configuration)"},
	    {"period", 0, CLI_VALUE, "T", &o.period, "MMU clock period, e.g. 1ns, 250ps (default 1ns)"},
	    {"quantum", 0, CLI_VALUE, "T", &o.quantum, "the generator's time quantum (default 10us)"},
	    {"data-cycles", 0, CLI_VALUE, "N", &o.data_cycles,
	     "latency of a translated data access, in clock periods (default 0, as mmusim)"},
	};
	cli_spec_t spec = {};
	spec.prog = "mmusim-tlm";
	spec.usage = usage;
	spec.options = table;
	spec.noptions = sizeof table / sizeof table[0];
	bool go = cli_parse(&spec, argc - first, argv + first, rc);
	if (!go)
		cli_free(&spec);
	if (!o.format)
		o.format = "auto";
	if (!o.mmu)
		o.mmu = "model";
	if (!o.period)
		o.period = "1ns";
	if (!o.quantum)
		o.quantum = "10us";
	if (!o.data_cycles)
		o.data_cycles = "0";
	return go; /* the list of --set now belongs to o */
}

int fail(const std::string &what)
{
	return cli_fail("%s", what.c_str());
}

int build_config(const options &o, mmu_cfg_t &cfg)
{
	if (int rc = cli_config(&o.cfg, &cfg))
		return rc;
	/* The platform's generator serves demand faults with base pages and presents no OS invalidations: the OS-side
	 * policies of mmusim are not modelled here. */
	if (cfg.os.thp != MMU_THP_NEVER)
		return fail("os.thp: transparent huge pages are not supported by mmusim-tlm (use mmusim)");
	if (cfg.os.huge.range[0].page_size)
		return fail("os.huge: huge-page ranges are not supported by mmusim-tlm (use mmusim)");
	if (cfg.os.mem_frames)
		return fail("os.mem_frames: a memory limit is not supported by mmusim-tlm (use mmusim)");
	return 0;
}

/* "1ns", "250ps", "0.5 ns", "2us"; a bare number is in ns. Returns false for anything else or a zero time. */
bool parse_time(const char *s, sc_time &t)
{
	char *end;
	double v = std::strtod(s, &end);
	while (*end == ' ')
		end++;
	static const struct {
		const char *name;
		sc_core::sc_time_unit unit;
	} units[] = {{"", sc_core::SC_NS},   {"ps", sc_core::SC_PS}, {"ns", sc_core::SC_NS},
	             {"us", sc_core::SC_US}, {"ms", sc_core::SC_MS}, {"s", sc_core::SC_SEC}};
	if (end == s || !(v > 0))
		return false;
	for (const auto &u : units) {
		if (!std::strcmp(end, u.name)) {
			t = sc_time(v, u.unit);
			return t > sc_core::SC_ZERO_TIME;
		}
	}
	return false;
}

bool parse_count(const char *s, uint64_t &v)
{
	char *end;
	unsigned long long n = std::strtoull(s, &end, 0);
	if (end == s || *end || *s == '-')
		return false;
	v = n;
	return true;
}

struct trace_closer {
	void operator()(mmu_trace_t *t) const
	{
		mmu_trace_close(t);
	}
};
struct physmem_destroyer {
	void operator()(mmu_physmem_t *p) const
	{
		mmu_physmem_destroy(p);
	}
};
struct os_destroyer {
	void operator()(mmu_os_t *os) const
	{
		mmu_os_destroy(os);
	}
};

/* The platform and its C-side state, built in an order that lets them be destroyed in reverse. */
struct platform {
	std::unique_ptr<mmu_trace_t, trace_closer> trace;
	std::unique_ptr<mmu_physmem_t, physmem_destroyer> pm;
	std::unique_ptr<mmu_os_t, os_destroyer> os;
	std::unique_ptr<mmu_tlm_memory> memory;
	std::unique_ptr<mmu_tlm> mmu;
	std::unique_ptr<mmu_tlm_gen> gen;
};

int build(const options &o, const mmu_cfg_t &cfg, const char *path, platform &p)
{
	char msg[512];
	sc_time period;
	uint64_t data_cycles;
	if (!parse_time(o.period, period))
		return fail(std::string("--period: '") + o.period + "' is not a time such as 1ns or 250ps");
	if (!parse_count(o.data_cycles, data_cycles))
		return fail(std::string("--data-cycles: '") + o.data_cycles + "' is not a number of cycles");
	if (std::strcmp(o.mmu, "model") && std::strcmp(o.mmu, "rtl"))
		return fail(std::string("--mmu: '") + o.mmu + "' is not one of model, rtl");
#ifdef MMU_HAVE_RTL_CORE
	if (!std::strcmp(o.mmu, "rtl")) {
		std::string why = mmu_tlm_rtl_check(cfg);
		if (!why.empty())
			return fail(why);
	}
#else
	if (!std::strcmp(o.mmu, "rtl"))
		return fail("--mmu rtl: this build has no RTL core (it needs Verilator >= 5.0 when configured)");
#endif

	mmu_trace_t *t;
	if (cli_trace_open(path, o.format, &t, msg, sizeof msg))
		return fail(msg);
	p.trace.reset(t);
	mmu_physmem_t *pm;
	mmu_os_t *os;
	int err = mmu_physmem_create(&pm);
	if (!err) {
		p.pm.reset(pm);
		err = mmu_os_create(&cfg, pm, &os);
	}
	if (err)
		return fail(std::string("cannot build the system: ") + mmu_strerror(err));
	p.os.reset(os);

	p.memory = std::make_unique<mmu_tlm_memory>("memory", cfg, pm, period, data_cycles);
#ifdef MMU_HAVE_RTL_CORE
	if (!std::strcmp(o.mmu, "rtl"))
		p.mmu = std::make_unique<mmu_tlm>("mmu", cfg, period, std::make_unique<mmu_tlm_rtl_core>("rtl", cfg));
	else
#endif
		p.mmu = std::make_unique<mmu_tlm>("mmu", cfg, period);
	p.gen = std::make_unique<mmu_tlm_gen>("generator", cfg, t, os, period, path);
	p.gen->socket.bind(p.mmu->socket);
	p.gen->control.bind(*p.mmu);
	p.mmu->walk_socket.bind(p.memory->walk_socket);
	p.mmu->data_socket.bind(p.memory->data_socket);
	return 0;
}

int report(const options &o, const char *path, const platform &p)
{
	mmu_stats_t st;
	p.mmu->stats(st);
	std::string engine = std::string("systemc-") + p.mmu->core().kind();
	run_info_t info = {};
	info.trace = path;
	info.engine = engine.c_str();
	info.preset = o.cfg.preset;
	info.config = o.cfg.config;
	run_info_trace(&info, p.trace.get()); /* read to its end by the generator: size and checksum are final */
	report_src_t src = {&p.mmu->config(), p.mmu->paging().name, &st, &p.gen->stats()};
	if (o.json) {
		if (report_json_src(stdout, &info, &src))
			return fail("cannot format the JSON report");
	} else {
		report_text_src(stdout, &info, &src);
	}
	return 0; /* stdout is checked at the end of main */
}

} // namespace

int sc_main(int argc, char **argv)
{
	options o;
	mmu_cfg_t cfg;
	int rc;
	if (!parse_args(argc, argv, o, &rc))
		return rc;
	rc = build_config(o, cfg);
	cli_list_free(&o.cfg.sets);
	sc_time quantum;
	if (!rc && !parse_time(o.quantum, quantum))
		rc = fail(std::string("--quantum: '") + o.quantum + "' is not a time such as 10us");
	if (rc)
		return rc;
	const char *path = cli_trace_path(o.trace);
	platform p;
	try {
		rc = build(o, cfg, path, p);
	} catch (const std::exception &e) {
		rc = fail(e.what());
	}
	if (rc)
		return rc;
	tlm::tlm_global_quantum::instance().set(quantum);

	auto start = std::chrono::steady_clock::now();
	sc_core::sc_start();
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	if (!p.gen->error().empty())
		return fail(p.gen->error());
	if (!p.gen->done())
		return fail("the simulation stopped before the end of the trace");
	uint64_t translations = p.gen->stats().translations;
	std::fprintf(stderr,
	             "mmusim-tlm: %llu translations in %.3f s (%.2f M translations/s), simulated %s = %llu cycles\n",
	             (unsigned long long)translations, secs, secs > 0 ? (double)translations / secs / 1e6 : 0.0,
	             sc_core::sc_time_stamp().to_string().c_str(), (unsigned long long)p.mmu->cycle());
	return report(o, path, p);
}

/* What libsystemc's own main() does, without its banner on stderr: a run prints its report and one summary line. */
int main(int argc, char **argv)
{
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
	return cli_stdout_finish(sc_core::sc_elab_and_sim(argc, argv));
}
