/*
 * Criterion's main for the SystemC suites. libsystemc exports a main() that runs sc_main(); linked first it would
 * silently replace the test runner. This main is in the test binary itself, so it wins, and it fails when no test
 * was registered, so a broken link cannot pass as an empty green run.
 */
#include <criterion/criterion.h>
#include <cstdio>
#include <systemc>

/* Never called: each test elaborates and runs its own SystemC model (Criterion runs every test in a fresh process). */
int sc_main(int, char **)
{
	return 0;
}

int main(int argc, char **argv)
{
	struct criterion_test_set *tests = criterion_initialize();
	int result = 1;
	if (!tests || tests->tests == 0)
		std::fprintf(stderr, "no Criterion test registered in this binary\n");
	else if (criterion_handle_args(argc, argv, true))
		result = !criterion_run_all_tests(tests);
	else
		result = 0;
	criterion_finalize(tests);
	return result;
}
