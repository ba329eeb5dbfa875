/* loader/cli/signals.c — the stop signals: every catchable signal that would end rawload is
 * blocked from the start, caught, and acted on where rawload can clean up (the display lets them
 * in, the passes ask between kernel objects); then the exit status a signal deserves. */
#include <signal.h>
#include <stdio.h>

#include "loader/cli/cli.h"

/* Every signal whose default action ends the process and that a handler can catch: the ones a user
 * sends (INT, TERM, HUP, QUIT, USR1, USR2, ALRM, the real-time ones), the ones the kernel sends
 * for a reason (PIPE, XCPU, XFSZ, VTALRM, PROF, IO, PWR, STKFLT), and the fault signals when
 * someone sends them with kill. Each one stops rawload the same way: the display ends, everything
 * is detached and closed, then rawload exits. They are blocked from before anything is loaded and
 * let in only where rawload can act on them (see show.c); in between they wait, pending. A real
 * fault (the kernel's SIGSEGV, SIGBUS, ...) keeps its default action: there is nothing sane left to
 * clean up with. SIGKILL and SIGSTOP cannot be caught: a netlink attachment outlives SIGKILL
 * (`rawload detach IFACE` removes it). */
static const int stop_signal_list[] = {
	SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGUSR1, SIGSEGV, SIGUSR2, SIGPIPE,
	SIGALRM, SIGTERM,
#ifdef SIGSTKFLT
	SIGSTKFLT,
#endif
	SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO,
#ifdef SIGPWR
	SIGPWR,
#endif
	SIGSYS,
};

volatile sig_atomic_t cli_stop;

static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(stop_signal_list) / sizeof(stop_signal_list[0]); i++)
		sigaddset(set, stop_signal_list[i]);
	for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
		sigaddset(set, s);
}

static bool fault_signal(int sig)
{
	return sig == SIGILL || sig == SIGTRAP || sig == SIGBUS || sig == SIGFPE || sig == SIGSEGV || sig == SIGSYS;
}

static void on_signal(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (fault_signal(sig) && si && si->si_code > 0) {
		/* Raised by the kernel for this thread's fault (si_code > 0; kill and sigqueue give
		 * SI_USER, SI_QUEUE, SI_TKILL <= 0): the default action follows when it repeats. */
		signal(sig, SIG_DFL);
		return;
	}
	if (!cli_stop)
		cli_stop = sig;
}

void take_signals(sigset_t *old)
{
	sigset_t set;
	stop_signals(&set);
	sigprocmask(SIG_BLOCK, &set, old);
	struct sigaction sa = {.sa_sigaction = on_signal, .sa_flags = SA_SIGINFO};
	sigfillset(&sa.sa_mask);
	for (int s = 1; s <= SIGRTMAX; s++)
		if (sigismember(&set, s))
			sigaction(s, &sa, NULL);
}

/* A stop signal that arrived (pending, while they are blocked), or 0. For the load and attach
 * passes, which ask between kernel objects. */
int pending_stop(void)
{
	sigset_t set, pending;
	if (cli_stop > 0)
		return cli_stop;
	stop_signals(&set);
	if (sigpending(&pending) != 0)
		return 0;
	for (int s = 1; s <= SIGRTMAX; s++)
		if (sigismember(&set, s) && sigismember(&pending, s))
			return s;
	return 0;
}

bool interrupted(void)
{
	return pending_stop() != 0;
}

/* SIGHUP -> "SIGHUP"; real-time ones as "SIGRTMIN+N". */
const char *signal_name(int sig, char *buf, size_t n)
{
	static const struct { int sig; const char *name; } names[] = {
		{SIGHUP, "HUP"}, {SIGINT, "INT"}, {SIGQUIT, "QUIT"}, {SIGILL, "ILL"}, {SIGTRAP, "TRAP"},
		{SIGABRT, "ABRT"}, {SIGBUS, "BUS"}, {SIGFPE, "FPE"}, {SIGUSR1, "USR1"}, {SIGSEGV, "SEGV"},
		{SIGUSR2, "USR2"}, {SIGPIPE, "PIPE"}, {SIGALRM, "ALRM"}, {SIGTERM, "TERM"}, {SIGXCPU, "XCPU"},
		{SIGXFSZ, "XFSZ"}, {SIGVTALRM, "VTALRM"}, {SIGPROF, "PROF"}, {SIGIO, "IO"}, {SIGSYS, "SYS"},
#ifdef SIGSTKFLT
		{SIGSTKFLT, "STKFLT"},
#endif
#ifdef SIGPWR
		{SIGPWR, "PWR"},
#endif
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig) {
			snprintf(buf, n, "SIG%s", names[i].name);
			return buf;
		}
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, n, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, n, "signal %d", sig);
	return buf;
}

/* After a clean stop by signal sig: INT, TERM and HUP (the ways to end the display) and PIPE (its
 * reader went away) exit 0; any other signal is said on stderr and exits 128 + its number, as a
 * shell reports a process it ended. */
int stopped_status(int sig, const char *done)
{
	if (sig <= 0 || sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGPIPE)
		return 0;
	char name[32];
	fprintf(stderr, "rawload: %s: %s\n", signal_name(sig, name, sizeof(name)), done);
	return 128 + sig;
}
