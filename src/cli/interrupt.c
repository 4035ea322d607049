/*
 * Ctrl-C as a request (cli.h, "cli_interrupt_set").  A signal handler can
 * reach nothing but statics, so the count is one: shared by the REPL's
 * handler and the commands' own, and read by whatever work polls it.
 */
#include "cli.h"

#include <signal.h>

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
