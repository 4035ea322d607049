/* The figure set rendered in this process or in worker processes
 * (focal figures); private to src/cli. */
#ifndef FOCAL_CLI_FIGPOOL_H
#define FOCAL_CLI_FIGPOOL_H

#include <stddef.h>

#include "cli.h"
#include "fig.h"
#include "spec.h"

/* What rendering one figure of the set needs. */
struct figjob {
	struct spec *specs;
	size_t n;
	const char *outdir;
	const char **fmts;
	int nf;
	const fig_render_opts *ro;
	char *command;            /* the command line, for each file's provenance */
};

/* Render every figure of fj into fj->outdir, in every format: in this
 * process when jobs <= 1, else over min(jobs, 8) worker processes, the
 * slowest figures first.  Adds the number of files written to *files.
 * Returns CLI_OK, CLI_USAGE (the message of the error on the
 * lowest-numbered figure is printed) or CLI_INTERRUPTED. */
int figpool_render(struct cli *c, const struct figjob *fj, int jobs, size_t *files);

/*
 * Provenance (provenance.c; cli_command_line is in cli.h).  cli_fig_source: the text of
 * fig_render_opts.source for a figure of spec s built as f: "focal
 * VERSION", "command: CMDLINE", "spec: PATH", "numbers: " and the
 * commands that print its numbers (when it has some), "spec text:" and
 * the spec file's text.  It returns a malloc'd string, NULL when out of
 * memory.
 */
char *cli_fig_source(const char *cmdline, const struct spec *s, const fig_figure *f);

/* Print why rendering to path failed (st: a FIG_* code); returns CLI_USAGE. */
int cli_render_error(struct cli *c, const char *path, int st);

#endif
