/*
 * mmusim-tlm: the example SystemC platform. A trace-driven traffic generator, the MMU as a TLM-2.0 component and a
 * memory with latency, wired as
 *
 *   mmu_tlm_gen.socket -> mmu_tlm.socket;  mmu_tlm.walk_socket -> memory.walk_socket;
 *   mmu_tlm.data_socket -> memory.data_socket;  mmu_tlm_gen.control -> mmu_tlm (CR3 writes)
 *
 * and printing mmusim's report (sim/mmusim/mmusim_report.c) from the same figures, so both can be compared field by
 * field.
 */
#include <cctype>
#include <cerrno>
#include <cmath>
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
	    {"format", 0, CLI_VALUE, "F", &o.format, "lackey, text, champsim, champsim-cloudsuite, din or auto\n(default auto; README, Traces)"},
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
	spec.notes =
	    "  exit status: 0, 2 input or set-up error (or SystemC's time would run out), 130 / 143 stopped by\n"
	    "  SIGINT / SIGTERM (the report then covers the records simulated)\n";
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
	return cli_config(&o.cfg, &cfg);
}

/*
 * A time option: "1ns", "250ps", "0.5 ns", "2us", "1s"; a bare number is in ns. A clock period or a quantum is a
 * whole number of picoseconds (SystemC's time resolution) from 1 ps to 1 s: longer ones have no use, and would bring
 * the end of SystemC's time (2^64 ps, about 213 days) within reach of an ordinary run. 0, or 2 after the message.
 */
int parse_time(const char *option, const char *s, const char *example, sc_time &t)
{
	static const struct {
		const char *name;
		double ps;
	} units[] = {{"", 1e3}, {"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}};
	char *end;
	double v = std::strtod(s, &end);
	bool numeral = end != s && std::strspn(s, "0123456789.eE+-") >= (size_t)(end - s) && std::isdigit(*s);
	while (*end == ' ')
		end++;
	for (const auto &u : units) {
		if (!numeral || std::strcmp(end, u.name))
			continue;
		double ps = v * u.ps;
		if (!(ps >= 1 && ps <= 1e12))
			return cli_fail("%s: '%s' is out of range 1ps..1s", option, s);
		if (std::fabs(ps - std::nearbyint(ps)) > 1e-9 * ps)
			return cli_fail("%s: '%s' is not a whole number of picoseconds (SystemC's time resolution)",
			                option, s);
		t = sc_time(std::nearbyint(ps), sc_core::SC_PS);
		return 0;
	}
	return cli_fail("%s: '%s' is not a time such as %s", option, s, example);
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
	if (int rc = parse_time("--period", o.period, "1ns or 250ps", period))
		return rc;
	/* as mem.latency: a million cycles is far beyond any memory, and keeps cycles x period within SystemC's time */
	if (int rc = cli_option_number("--data-cycles", o.data_cycles, 0, 1000000, &data_cycles))
		return rc;
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
	info.interrupted = p.gen->stopped() ? cli_interrupt_name() : nullptr;
	if (info.interrupted) { /* the trace was not read to its end: its content's size and checksum are unknown */
		info.format = mmu_trace_format_name(mmu_trace_format(p.trace.get()));
		info.trace_file_bytes = mmu_trace_file_size(p.trace.get());
	} else {
		run_info_trace(&info,
		               p.trace.get()); /* read to its end by the generator: size and checksum are final */
	}
	report_src_t src = {&p.mmu->config(), p.mmu->paging().name, &st, &p.gen->stats()};
	if (o.json) {
		if (report_json_src(stdout, &info, &src))
			return fail("cannot format the JSON report");
	} else {
		report_text_src(stdout, &info, &src);
	}
	return 0; /* stdout is checked at the end of main */
}

/*
 * The simulation, with a progress line on a terminal and SIGINT / SIGTERM ending it after the current record.
 * 0, or 2 after the message of an error (a trace's, or SystemC's time running out).
 */
int simulate(const options &o, platform &p)
{
	cli_progress_t progress;
	cli_progress_start(&progress);
	const mmu_trace_t *t = p.trace.get();
	p.gen->set_monitor([&progress, t](uint64_t records) {
		/* the clock is read every 1024 records: the line is redrawn a few times a second, not per record */
		if (records % 1024 == 0 && cli_progress_due(&progress))
			cli_progress_show(&progress, mmu_trace_bytes(t), mmu_trace_file_size(t), records, "references",
			                  false);
		return !cli_interrupted();
	});
	try {
		sc_core::sc_start();
	} catch (const sc_core::sc_report &e) {
		if (progress.shown)
			std::fputc('\n', stderr);
		if (!std::strcmp(e.get_msg_type(), MMU_TLM_TIME_LIMIT))
			return fail(std::string("--period ") + o.period + ": " + e.get_msg() +
			            ": a shorter period, or a shorter trace");
		return fail(std::string(e.get_msg_type()) + ": " + e.get_msg());
	}
	if (progress.shown)
		cli_progress_show(&progress, mmu_trace_bytes(t), mmu_trace_file_size(t), p.gen->records(), "references",
		                  true);
	if (p.gen->time_limit())
		return fail(std::string("--period ") + o.period + ": " + p.gen->error() +
		            ": a shorter period, or a shorter trace");
	if (!p.gen->error().empty())
		return fail(p.gen->error());
	if (!p.gen->done() && !p.gen->stopped())
		return fail("the simulation stopped before the end of the trace");
	return 0;
}

} // namespace

int sc_main(int argc, char **argv)
{
	options o;
	mmu_cfg_t cfg;
	int rc;
	cli_interrupt_catch(); /* first: a signal during the set-up still ends the run cleanly */
	if (!parse_args(argc, argv, o, &rc))
		return rc;
	rc = build_config(o, cfg);
	cli_list_free(&o.cfg.sets);
	sc_time quantum;
	if (!rc)
		rc = parse_time("--quantum", o.quantum, "10us", quantum);
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
	if ((rc = simulate(o, p)) != 0)
		return rc;
	double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	uint64_t translations = p.gen->stats().translations;
	std::fprintf(stderr,
	             "mmusim-tlm: %llu translations in %.3f s (%.2f M translations/s), simulated %s = %llu cycles\n",
	             (unsigned long long)translations, secs, secs > 0 ? (double)translations / secs / 1e6 : 0.0,
	             sc_core::sc_time_stamp().to_string().c_str(), (unsigned long long)p.mmu->cycle());
	if ((rc = report(o, path, p)) != 0 || !p.gen->stopped())
		return rc;
	std::fprintf(stderr, "mmusim-tlm: interrupted by %s after %llu records of the trace: the report covers them\n",
	             cli_interrupt_name(), (unsigned long long)p.gen->records());
	return cli_interrupt_status();
}

/* What libsystemc's own main() does, without its banner on stderr: a run prints its report and one summary line. */
int main(int argc, char **argv)
{
	setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
	return cli_stdout_finish(sc_core::sc_elab_and_sim(argc, argv));
}
