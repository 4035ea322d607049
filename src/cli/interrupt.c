/*
 * Ctrl-C as a request (cli.h, "cli_interrupt_set").  A signal handler can
 * reach nothing but statics, so the count is one: shared by the REPL's
 * handler and the commands' own, and read by whatever work polls it.
 */
#include "cli.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t requests;

void cli_interrupt_set(void)
{
	/* Only the handler increments, and SIGINT is blocked while it runs. */
	if (requests < 1000)
		requests = requests + 1;
}

int cli_interrupted(void)
{
	return requests;
}

void cli_interrupt_clear(void)
{
	requests = 0;
}

void cli_sigint_catch(void (*handler)(int), struct sigaction *old)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, old);
	/* ignored on entry (nohup, a background job of a script): stays so */
	if (old->sa_handler == SIG_IGN)
		sigaction(SIGINT, old, NULL);
}
