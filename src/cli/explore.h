/*
 * focal explore: a figure on the whole terminal, redrawn as keys turn the
 * parameters of its losses (cmd_explore.c: the parameters, the figure, the
 * readout and saving; explore_ui.c: the screen and the keys, with ncurses).
 */
#ifndef FOCAL_EXPLORE_H
#define FOCAL_EXPLORE_H

#include <stddef.h>

#include "cli.h"
#include "fig.h"
#include "spec.h"

#define EXPLORE_MAX_PARAMS 16
/* The crosshair moves in this many steps across the first panel's x axis. */
#define EXPLORE_XSTEPS 100

/* One parameter on the keys: a registry parameter (focal_param) of the
 * losses on screen.  Each curve keeps its own value (or γ list): the key
 * moves every one of them by k steps, within the bounds of the curve's
 * row narrowed by its option row's (docs/explore.md). */
struct explore_param {
	const char *name;     /* the registry's name: "gamma" */
	const char *option;   /* its option row's name: "gamma-neg" */
	int k, k0;            /* steps from the figure's values: now, at the start (r) */
	double step;
};

struct explore {
	struct cli *c;
	const char *name;     /* the figure's name, for the header and files */
	struct spec *base;    /* as parsed */
	struct spec *cur;     /* base with the parameters applied */
	struct explore_param p[EXPLORE_MAX_PARAMS];
	int np, sel;
	int xk, xk0;          /* the crosshair's step, 0..EXPLORE_XSTEPS */
	int ascii;            /* the locale is not UTF-8 */
	int color;            /* colours wanted (no NO_COLOR) */
	char status[512];     /* the last message, shown in the footer */
	char **argv;          /* the command's words but --shift, for provenance */
	int argc;
};

/* Change the selected parameter by dir steps (±1): 0, or -1 at a bound. */
int explore_step(struct explore *e, int dir);
/* Apply the parameters to e->cur (from e->base). */
void explore_apply(struct explore *e);
/* The crosshair's x: step xk of the first panel's axis, rounded to 6
 * significant digits, so the value shown is the value evaluated. */
double explore_x(const struct explore *e);
/* The figure as now, with the crosshair (when cross): 0, or -1 with a
 * message in e->status. */
int explore_figure(struct explore *e, int cross, fig_figure **out);
/* The header line: the figure and every parameter, the selected one
 * between > <. */
void explore_header(const struct explore *e, char *buf, size_t cap);
/* The readout at the crosshair: "x = ... | label: value | ...", one
 * line per panel, separated by '\n'. */
void explore_readout(const struct explore *e, char *buf, size_t cap);
/* Save the figure as now to path (format by extension); the outcome in
 * e->status.  0 or -1. */
int explore_save(struct explore *e, const char *path);

/* The full-screen loop (explore_ui.c): CLI_OK, or CLI_USAGE after an
 * error message (no terminal). */
int explore_ui(struct explore *e);

#endif
