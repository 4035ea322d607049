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

/* Whether a bar is on the terminal: one stderr, so one line to erase
 * before anything else is written there. */
static int bar_shown;

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

static double since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + 1e-9 * (double)(now.tv_nsec - t0->tv_nsec);
}

void cli_progress_begin(struct cli_progress *p, int eta)
{
	p->tty = isatty(STDERR_FILENO);
	p->eta = eta;
	p->base = 0.0;
	p->span = 1.0;
	p->drawn = -1.0;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void cli_progress_stage(struct cli_progress *p, size_t k, size_t n)
{
	p->base = n ? (double)k / (double)n : 0.0;
	p->span = n ? 1.0 / (double)n : 1.0;
}

/* The bar: 40 columns, the share done, the time so far and, once 2 % is
 * done, an estimate of the time left at the rate so far. */
static void draw(struct cli_progress *p, double done, double el)
{
	int w = 40, k = (int)(done * w);
	fprintf(stderr, "\r  [%.*s%*s] %3.0f%%  %.1f s", k, "########################################",
		w - k, "", 100.0 * done, el);
	if (p->eta && done > 0.02)
		fprintf(stderr, ", about %.0f s left", el * (1.0 - done) / done);
	fputs("\033[K", stderr);
	fflush(stderr);
	bar_shown = 1;
}

int cli_stop_cb(double done, void *ctx)
{
	(void)done;
	(void)ctx;
	return cli_interrupted() > 0;
}

int cli_progress_cb(double done, void *ctx)
{
	struct cli_progress *p = ctx;
	if (cli_interrupted())
		return 1;
	if (!p->tty)
		return 0;
	/* one clock read per call: callers call per block or row, not per
	 * element; the bar starts after a second and redraws at most 10 times
	 * a second */
	double el = since(&p->start);
	if (el < 1.0 || el - p->drawn < 0.1)
		return 0;
	done = p->base + p->span * (done < 0.0 ? 0.0 : done > 1.0 ? 1.0 : done);
	draw(p, done, el);
	p->drawn = el;
	return 0;
}

void cli_progress_clear(void)
{
	if (bar_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	bar_shown = 0;
}

void cli_progress_end(struct cli_progress *p)
{
	(void)p;
	cli_progress_clear();
}
