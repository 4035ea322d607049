/*
 * The figure worker pool of `focal figures`: the set rendered in order in
 * this process, or handed out one figure at a time over a pipe to worker
 * processes that report back on pipes of their own.
 */
#include "figpool.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int cli_render_error(struct cli *c, const char *path, int st)
{
	if (st == FIG_EIO)
		return cli_write_error(c, path, errno);
	else
		cli_error(c, "cannot render '%s': %s", path, fig_strerror(st));
	return CLI_USAGE;
}

/* Build spec i and write it in every format; messages through c.  The
 * build polls the Ctrl-C request through fp. */
static int render_one(struct cli *c, const struct figjob *fj, size_t i, size_t *files,
		      const focal_progress *fp)
{
	char err[SPEC_ERRLEN], path[1024];
	fig_figure *f;
	if (spec_build_p(&fj->specs[i], &f, err, fp) != 0) {
		if (cli_interrupted())
			return CLI_INTERRUPTED;
		cli_error(c, "%s", err);
		return CLI_USAGE;
	}
	for (int k = 0; k < fj->nf; k++) {
		if (snprintf(path, sizeof path, "%s/%s.%s", fj->outdir, fj->specs[i].name,
			     fj->fmts[k]) >= (int)sizeof path) {
			cli_error(c, "output directory name too long: '%s'", fj->outdir);
			fig_free(f);
			return CLI_USAGE;
		}
		fig_render_opts ro = *fj->ro;
		ro.source = cli_fig_source(fj->command, &fj->specs[i], f);
		if (ro.source == NULL) {
			fig_free(f);
			return cli_oom(c);
		}
		errno = 0;
		int st = fig_render(f, path, fj->fmts[k], &ro);
		free((char *)ro.source);
		if (st != FIG_OK) {
			cli_render_error(c, path, st);
			fig_free(f);
			return CLI_USAGE;
		}
		(*files)++;
	}
	fig_free(f);
	return CLI_OK;
}

/* The set in this process, in order; stops at the first error. */
static int render_serial(struct cli *c, const struct figjob *fj, size_t *files)
{
	struct cli_progress pr;
	cli_progress_begin(&pr, 1);
	const focal_progress fp = {cli_progress_cb, &pr};
	for (size_t i = 0; i < fj->n; i++) {
		if (cli_interrupted())
			return CLI_INTERRUPTED;
		cli_progress_stage(&pr, i, fj->n);
		int st = render_one(c, fj, i, files, &fp);
		if (st != CLI_OK)
			return st;
	}
	return cli_interrupted() ? CLI_INTERRUPTED : CLI_OK;
}

/*
 * A worker process: takes figure numbers from the work pipe (one byte
 * each) until it is empty, renders them, and reports on its result pipe:
 * "D" after each figure, then "F<files>\n" at the end, or
 * "E<i>\t<messages>" on an error, or "I" when interrupted.  It leaves with _exit: the parent's stdio buffers and exit
 * handlers are the parent's.
 */
static void worker(struct cli *c, const struct figjob *fj, int work, int res)
{
	char *msg = NULL;
	size_t msglen = 0, files = 0;
	FILE *m = open_memstream(&msg, &msglen);
	struct cli wc = {.out = c->out, .err = m ? m : stderr};
	unsigned char i;
	int code = 0;
	/* the parent draws the bar; a worker only polls */
	const focal_progress fp = {cli_stop_cb, NULL};
	while (code == 0 && read(work, &i, 1) == 1) {
		if (cli_interrupted()) {
			code = 130;
			break;
		}
		int st = render_one(&wc, fj, i, &files, &fp);
		if (st == CLI_INTERRUPTED) {
			code = 130;
			break;
		}
		if (st == CLI_OK && write(res, "D", 1) != 1)
			code = 2;
		else if (st != CLI_OK) {
			code = 2;
			if (m)
				fflush(m);
			dprintf(res, "E%u\t%.*s", (unsigned)i, (int)msglen, msg ? msg : "");
		}
	}
	if (code == 0 && cli_interrupted())
		code = 130;
	if (code == 130)
		dprintf(res, "I");
	else if (code == 0)
		dprintf(res, "F%zu\n", files);
	_exit(code);
}

/* A rough cost, to hand out the slow figures first: training runs an
 * experiment, a population evaluates many anchors, the rest are curves. */
static int spec_cost(const struct spec *sp)
{
	int cost = 1;
	for (int p = 0; p < sp->npanels; p++)
		for (int k = 0; k < sp->panels[p].ncurves; k++) {
			enum spec_quantity q = sp->panels[p].curves[k].q;
			if (spec_is_training(q))
				cost = 3;
			else if ((q == Q_CDF || q == Q_SHARES || q == Q_GRADNORM) && cost < 2)
				cost = 2;
		}
	return cost;
}

/* At most this many worker processes: the pool's arrays have this size. */
#define POOL_MAX 8

/* The running pool: worker i is pid[i], reporting on res[i] (-1 once
 * closed); rep[i] collects its report (after its "D" bytes). */
struct pool {
	pid_t pid[POOL_MAX];
	int res[POOL_MAX], live;
	char *rep[POOL_MAX];
	size_t replen[POOL_MAX];
};

/* Write the figure numbers, slowest first, into a new work pipe whose
 * write end is closed; returns its read end, or -1 (no pipe). */
static int queue_work(const struct figjob *fj)
{
	int work[2];
	if (pipe(work) != 0)
		return -1;
	unsigned char order[256];
	size_t m = 0;
	for (int cost = 3; cost >= 1; cost--)
		for (size_t i = 0; i < fj->n && m < sizeof order; i++)
			if (spec_cost(&fj->specs[i]) == cost)
				order[m++] = (unsigned char)i;
	for (size_t i = 0; i < m; i++) {
		if (write(work[1], &order[i], 1) != 1) {
			close(work[0]);
			close(work[1]);
			return -1;
		}
	}
	close(work[1]);
	return work[0];
}

/* Fork up to nw workers reading work; returns how many started. */
static int start_workers(struct cli *c, const struct figjob *fj, int work, int nw,
			 struct pool *pl)
{
	fflush(c->out);
	fflush(c->err);
	pl->live = 0;
	for (int w = 0; w < nw && w < POOL_MAX; w++) {
		int fd[2];
		if (pipe(fd) != 0)
			break;
		pid_t p = fork();
		if (p == 0) {
			close(fd[0]);
			for (int k = 0; k < pl->live; k++)
				close(pl->res[k]);
			worker(c, fj, work, fd[1]);
		}
		close(fd[1]);
		if (p < 0) {
			close(fd[0]);
			break;
		}
		pl->pid[pl->live] = p;
		pl->rep[pl->live] = NULL;
		pl->replen[pl->live] = 0;
		pl->res[pl->live++] = fd[0];
	}
	return pl->live;
}

/* Read what worker k sent: count its "D"s into *ndone, append the rest to
 * its report.  Returns 0, or -1 when the worker closed its pipe. */
static int read_report(struct pool *pl, int k, size_t *ndone)
{
	char buf[512];
	ssize_t got = read(pl->res[k], buf, sizeof buf);
	if (got <= 0) {
		close(pl->res[k]);
		pl->res[k] = -1;
		return -1;
	}
	/* a "D" before the report is a figure done */
	size_t skip = 0;
	while (pl->replen[k] == 0 && skip < (size_t)got && buf[skip] == 'D')
		skip++;
	*ndone += skip;
	got -= (ssize_t)skip;
	char *grown = got > 0 ? realloc(pl->rep[k], pl->replen[k] + (size_t)got + 1) : NULL;
	if (grown) {
		memcpy(grown + pl->replen[k], buf + skip, (size_t)got);
		pl->replen[k] += (size_t)got;
		grown[pl->replen[k]] = '\0';
		pl->rep[k] = grown;
	}
	return 0;
}

/* Read every report until each worker closes its pipe, drawing the
 * progress bar; on an error or a Ctrl-C, ask the others to stop after the
 * file they are writing. */
static void collect(const struct figjob *fj, struct pool *pl)
{
	size_t ndone = 0;
	int open_fds = pl->live, stopping = 0;
	struct cli_progress pr;
	cli_progress_begin(&pr, 1);
	while (open_fds > 0) {
		struct pollfd pf[POOL_MAX];
		for (int k = 0; k < pl->live; k++)
			pf[k] = (struct pollfd){pl->res[k], POLLIN, 0};
		int r = poll(pf, (nfds_t)pl->live, 100);
		if (r < 0 && errno != EINTR)
			break;
		for (int k = 0; k < pl->live && r > 0; k++) {
			if (pl->res[k] < 0 || !(pf[k].revents & (POLLIN | POLLHUP)))
				continue;
			if (read_report(pl, k, &ndone) != 0)
				open_fds--;
			else if (pl->rep[k] && pl->rep[k][0] == 'E')
				stopping = 1;
		}
		cli_progress_cb((double)ndone / (double)fj->n, &pr);
		if ((stopping || cli_interrupted()) && stopping != 2) {
			for (int k = 0; k < pl->live; k++)
				kill(pl->pid[k], SIGINT);
			stopping = 2;
		}
	}
}

/* Wait for every worker and merge the reports: the error on the
 * lowest-numbered figure wins, then an interrupt, then a worker that
 * died.  Frees the reports. */
static int finish(struct cli *c, struct pool *pl, size_t *files)
{
	int interrupted = cli_interrupted() > 0, failed = 0;
	for (int k = 0; k < pl->live; k++) {
		int ws;
		while (waitpid(pl->pid[k], &ws, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(ws) || (WEXITSTATUS(ws) != 0 && WEXITSTATUS(ws) != 2 &&
				       WEXITSTATUS(ws) != 130))
			failed = 1; /* died on a signal or an unexpected status */
	}
	long best = -1;
	const char *best_msg = NULL;
	for (int k = 0; k < pl->live; k++) {
		const char *rep = pl->rep[k];
		if (rep == NULL)
			continue;
		if (rep[0] == 'F')
			*files += (size_t)strtoull(rep + 1, NULL, 10);
		else if (rep[0] == 'E') {
			long i = strtol(rep + 1, NULL, 10);
			if (best < 0 || i < best) {
				best = i;
				best_msg = strchr(rep, '\t');
			}
		} else if (rep[0] == 'I') {
			interrupted = 1;
		}
	}
	int st = CLI_OK;
	if (best_msg) {
		fputs(best_msg + 1, c->err);
		st = CLI_USAGE;
	} else if (interrupted) {
		st = CLI_INTERRUPTED;
	} else if (failed) {
		cli_error(c, "a figure worker process failed");
		st = CLI_USAGE;
	}
	for (int k = 0; k < pl->live; k++)
		free(pl->rep[k]);
	return st;
}

int figpool_render(struct cli *c, const struct figjob *fj, int jobs, size_t *files)
{
	if (jobs <= 1)
		return render_serial(c, fj, files);
	int work = queue_work(fj);
	if (work < 0)
		return render_serial(c, fj, files);
	struct pool pl;
	int live = start_workers(c, fj, work, jobs, &pl);
	close(work);
	if (live == 0)
		return render_serial(c, fj, files); /* no process could start */
	collect(fj, &pl);
	return finish(c, &pl, files);
}
