/*
 * SIGINT and SIGTERM noted for a long run to stop at a clean point (cli.h). The handler only stores the signal's
 * number (async-signal-safe); the run polls cli_interrupted() between cycles or transactions.
 *
 * SA_RESETHAND: the first signal asks for a clean stop, a second one (the user insisting) ends the process as if no
 * handler were installed. SA_RESTART: a trace read from a pipe is not cut by EINTR; it returns with its data and the
 * run stops after it.
 */
#define _POSIX_C_SOURCE 200809L /* sigaction */
#include <signal.h>
#include <string.h>

#include "cli.h"

static volatile sig_atomic_t caught;

static void note(int sig)
{
	caught = sig;
}

static void catch_one(int sig)
{
	struct sigaction old, sa;
	if (sigaction(sig, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return; /* ignored by whoever started us (nohup, a background job): respected */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = note;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND | SA_RESTART;
	sigaction(sig, &sa, NULL);
}

void cli_interrupt_catch(void)
{
	catch_one(SIGINT);
	catch_one(SIGTERM);
}

int cli_interrupted(void)
{
	return caught;
}

const char *cli_interrupt_name(void)
{
	return caught == SIGINT ? "SIGINT" : caught == SIGTERM ? "SIGTERM" : NULL;
}

int cli_interrupt_status(void)
{
	return 128 + caught;
}
