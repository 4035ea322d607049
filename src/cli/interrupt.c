/*
 * Ctrl-C as a request (cli.h, "cli_interrupt_set"), and the progress bar
 * of long commands that polls it.  A signal handler can
 * reach nothing but statics, so the count is one: shared by the REPL's
 * handler and the commands' own, and read by whatever work polls it.
 */
#include "cli.h"

#include "focal/outfile.h"

#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
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

static void on_sigint(int sig)
{
	(void)sig;
	cli_interrupt_set();
}

void cli_sigint_catch(struct sigaction *old)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, old);
	/* ignored on entry (nohup, a background job of a script): stays so */
	if (old->sa_handler == SIG_IGN)
		sigaction(SIGINT, old, NULL);
}

/* Ended by a signal: first the temporary files of unfinished outputs. */
static void on_fatal(int sig)
{
	focal_out_cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

void cli_cleanup_on_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		struct sigaction sa, old;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal;
		sigemptyset(&sa.sa_mask);
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
			sigaction(sigs[i], &sa, NULL);
	}
}

void cli_progress_begin(struct cli_progress *p, int eta)
{
	p->tty = isatty(STDERR_FILENO);
	p->eta = eta;
	p->shown = 0;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

int cli_progress_cb(double done, void *ctx)
{
	struct cli_progress *p = ctx;
	if (cli_interrupted())
		return 1;
	if (!p->tty)
		return 0;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double el = (double)(now.tv_sec - p->start.tv_sec) +
		    1e-9 * (double)(now.tv_nsec - p->start.tv_nsec);
	if (el < 1.0)
		return 0;
	int w = 40, k = (int)(done * w);
	fprintf(stderr, "\r  [%.*s%*s] %3.0f%%  %.1f s", k, "########################################",
		w - k, "", 100.0 * done, el);
	if (p->eta && done > 0.02)
		fprintf(stderr, ", about %.0f s left ", el * (1.0 - done) / done);
	p->shown = 1;
	return 0;
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
	p->shown = 0;
}
