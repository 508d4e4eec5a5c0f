/*
 * SIGBUS from a truncated mapped trace (mmu_trace_guard.h). The handler is installed once, the first time a guarded
 * read runs, and keeps the disposition it replaced: a SIGBUS outside a guarded read restores that disposition and
 * returns, so the faulting access runs again and meets it, as if this handler had never been there.
 */
#include "mmu_trace_guard.h"

#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <threads.h>

static _Thread_local sigjmp_buf *active; /* the guarded call this thread is in, or NULL */
static struct sigaction previous;
static once_flag installed = ONCE_FLAG_INIT;

static void on_sigbus(int sig, siginfo_t *info, void *context)
{
	(void)sig;
	(void)info;
	(void)context;
	if (active)
		siglongjmp(*active, 1);
	sigaction(SIGBUS, &previous, NULL);
}

static void install(void)
{
	struct sigaction sa = {0};
	sa.sa_sigaction = on_sigbus;
	/* SA_NODEFER: SIGBUS is not blocked in the handler, so leaving it by siglongjmp needs no saved mask (and the
	 * guarded call no system call to save one) */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, &previous);
}

long trace_guard_call(long (*fn)(void *arg), void *arg)
{
	call_once(&installed, install);
	sigjmp_buf here;
	sigjmp_buf *outer = active;
	if (sigsetjmp(here, 0)) {
		active = outer;
		return TRACE_GUARD_TRUNCATED;
	}
	active = &here;
	long r = fn(arg);
	active = outer;
	return r;
}
