/*
 * Figure specifications: the small text files in plots/ that say WHAT to
 * plot (quantities, losses, γ lists, ranges, scales, titles), not how to
 * draw it.  The format is documented in docs/figures.md and focal(1).
 *
 * spec_parse() reads a file into plain data; spec_build() (build.c)
 * computes the curves with libfocal and fills a figure model (src/fig).
 * Neither prints: errors come back as a message "FILE:LINE: what".
 */
#ifndef FOCAL_PLOT_SPEC_H
#define FOCAL_PLOT_SPEC_H

#include <stddef.h>

#include "fig.h"
#include "focal/focal.h"

#define SPEC_MAX_PANELS 16
#define SPEC_MAX_CURVES 32
#define SPEC_MAX_DECOR 16
#define SPEC_MAX_GAMMAS 16
/* A curve's named loss parameters (epsilon=2) and a custom weight's
 * parameters (param=NAME=VALUE). */
#define SPEC_MAX_PARAMS 8
/* Room for a path of PATH_MAX (4096) bytes and the explanation after it. */
#define SPEC_ERRLEN 6144

/* What a curve's x axis runs over. */
enum spec_xvar {
	SPEC_X_PT = 0,   /* target probability p_t */
	SPEC_X_XT,       /* target logit x_t */
	SPEC_X_GAMMA,    /* the focusing parameter γ */
	SPEC_X_EXPONENT, /* the power k of (1-p_t)^k in the series view */
	SPEC_X_QT,       /* 1 - p_t: the region near p_t = 1 on a log axis */
	SPEC_X_FRACTION, /* fraction of a group's anchors (loss CDFs) */
	SPEC_X_LOSS,     /* categorical: one bar per loss (population shares) */
	SPEC_X_GRADNORM, /* the gradient norm |p - y| (GHM histogram) */
	SPEC_X_STEP,     /* training steps (training curves) */
	SPEC_X_LR        /* the learning rate (the tuning grid) */
};

/* What a curve's y value is (see docs/figures.md, "Quantities"). */
enum spec_quantity {
	Q_VALUE = 0,      /* L(p_t); E_γ for fgl */
	Q_DPT,            /* dL/dp_t */
	Q_DXT,            /* dL/dx_t */
	Q_WEIGHT,         /* L'/CE' */
	Q_RESIDUAL,       /* R_γ(p_t) */
	Q_RESIDUAL_ID,    /* -γ FL_{γ-1}(p_t), the identity's other side */
	Q_PUBLISHED,      /* the published integer formula E_γ + H_γ */
	Q_FOCUS,          /* focusing ratio w(hard)/w(easy), x = γ */
	Q_COEF,           /* series coefficient of (1-p)^k, x = k */
	Q_RELERR_NUMERIC, /* |analytic - quadrature| / analytic */
	Q_RELERR_REF,     /* |analytic - 80-digit reference| / reference */
	Q_CDF,            /* population: CDF of normalised loss, x = fraction */
	Q_SHARES,         /* population: stacked shares by group, x = loss */
	Q_GRADNORM,       /* population: gradient-norm histogram, x = gradnorm */
	Q_AP_GAMMA,       /* training: final held-out AP ± 95 % CI, x = gamma */
	Q_GRAD_RACE,      /* training: gradient shares by group ± CI, x = step */
	Q_TRAIN_CURVE,    /* training: held-out AP or minibatch loss ± CI, x = step */
	Q_AP_LR,          /* training: validation AP on the tuning seeds ± CI, x = lr */
	Q_RELIABILITY,    /* training: share of positives against mean p in the
	                     top scores' bins ± CI, x = p */
	Q_CALIB,          /* the calibration map: p (logit p) against the true
	                     frequency q (logit q) on x pt (x xt); focal/calib.h */
	Q_EFFECTIVE,      /* E_w(p_t): the effective loss of the loss's gradient
	                     twin (its own value for a twin) */
	Q_COUNT
};

struct spec_curve {
	enum spec_quantity q;
	focal_loss_id loss;       /* a registry row with FOCAL_HAS_VALUE */
	double gammas[SPEC_MAX_GAMMAS];
	int ngammas;
	double alpha;             /* NAN = none */
	double beta;
	char label[128];          /* markup template: {gamma} {beta} {loss} {alpha} */
	int kind;                 /* enum fig_kind */
	int dash;                 /* enum fig_dash, or -1 for automatic */
	int color;                /* palette index, or -1 for automatic */
	int negate;               /* plot -y (magnitudes on a log axis) */
	int fixed;                /* its γ list is the figure's own: not
	                             replaced by spec_override_gammas */
	int npoints;              /* 0 = the panel's */
	double hard, easy;        /* Q_FOCUS points */
	char ref[256];            /* Q_RELERR_REF: reference table, relative to the spec */
	int group;                /* Q_CDF, Q_GRADNORM: focal_pop group */
	int what;                 /* Q_SHARES: 0 loss, 1 gradient;
	                             Q_TRAIN_CURVE: 0 loss, 2 AP */
	int bins;                 /* Q_GRADNORM */
	focal_loss_id minus;      /* training curves: plot the paired
	                             difference, seed by seed, of this curve's
	                             loss minus this loss at the same γ;
	                             FOCAL_LOSS_NONE = none */
	int line;                 /* source line, for messages */
	/* the registry row's parameters by their names (epsilon=2,
	 * gamma_pos=0), beyond gamma, alpha and beta (docs/figures.md,
	 * "Any loss of the registry") */
	struct spec_param {
		char name[32];
		double v;
	} params[SPEC_MAX_PARAMS];
	int nparams;
	int beta_set;             /* beta= given (else the row's default) */
	double y;                 /* the label (0, 1) of a hard-target loss, the
	                             target in [0, 1] of a soft one; default 1 */
	char weight[256];         /* custom, custom@grad: the weight expression */
	struct spec_param wparams[SPEC_MAX_PARAMS]; /* its param=NAME=VALUE */
	int nwparams;
};

struct spec_decor {
	char what;                /* 's' shade, 'h' hline, 'v' vline, 'n' note */
	char dir;                 /* 'x' or 'y' for shades */
	double a, b;
	char text[128];
};

/* The population a panel's population curves are computed on. */
struct spec_population {
	int set;                  /* a population directive was given */
	int source;               /* 0 model, 1 toy-245 */
	char state[16];           /* init, early, converged */
	double anchors, pos_frac, prior, seed, alpha;
};

/*
 * The experiment of a panel's training quantities: the options of
 * `focal train`, with its defaults (src/lib train.h; docs/train.md).
 * Panels with the same settings share one experiment.
 */
struct spec_training {
	int model;                /* FOCAL_TRAIN_LOGISTIC or _MLP */
	int optimizer;            /* FOCAL_TRAIN_SGD or _ADAM */
	double dim, hidden, train_anchors, test_anchors, imbalance, hard_share;
	double separation, hard_dist, prior, momentum, batch, steps, seeds, seed;
	double lr;                /* one shared rate; NAN = each loss's rate
	                             tuned on the optimiser's default grid */
	double final_anchors;     /* the test split; 0 = none */
	double tune_seeds, tune_seed;
	int normalizer;           /* FOCAL_TRAIN_NORM_* */
	double eval_every;        /* 0 = steps / 20 */
	double alpha;             /* FL and FGL; NAN = none */
};

struct spec_panel {
	char title[128];
	struct spec_population pop;
	struct spec_training train;
	enum spec_xvar xvar;
	double xlo, xhi;
	int xlog;
	int npoints;
	double ylo, yhi;          /* NAN = automatic */
	int ylog;
	int ynegate;
	char xlabel[128], ylabel[128];
	int legend;               /* enum fig_legend_pos */
	struct spec_curve curves[SPEC_MAX_CURVES];
	int ncurves;
	struct spec_decor decor[SPEC_MAX_DECOR];
	int ndecor;
	int line;                 /* its first line in the file, for messages */
};

/* One-column and two-column figure widths of the theme presets, inches. */
#define SPEC_ONE_COLUMN 3.4
#define SPEC_TWO_COLUMN 7.0

/* A figure's theme: how it looks, never what it shows (docs/figures.md,
 * "Themes").  Zero / empty fields keep the defaults. */
struct spec_theme {
	char font[256];           /* font family list, pango syntax */
	double font_size;         /* pt, [4, 30] */
	double line_width;        /* pt of a series line, [0.1, 10] */
	double width;             /* inches, [1, 20]; the height follows */
	fig_rgb palette[FIG_PALETTE_SIZE]; /* replaces the palette slot by slot */
	int npalette;
};

struct spec {
	char name[64];            /* from the file name, without .spec */
	char path[4096];          /* the file as given, for messages */
	char dir[512];            /* the spec's directory: ref= paths are relative to it */
	char datadir[4352];       /* where a bare ref= name (no '/') that is not
	                             beside the spec is looked up: focal's data
	                             directory, set by the caller ("" = nowhere) */
	char caption[256];        /* one sentence: what the figure shows */
	double width, height;     /* inches */
	int rows, cols;
	struct spec_panel panels[SPEC_MAX_PANELS];
	int npanels;
	struct spec_theme theme;  /* the spec's theme directives */
};

/*
 * Read a theme file (KEY = VALUE per line, '#' comments; the keys of the
 * spec's theme directive) over t.  0, or -1 with "FILE:LINE: what" (or
 * "cannot read theme ...") in err (SPEC_ERRLEN bytes).
 */
int spec_theme_read(const char *path, struct spec_theme *t, char *err);
/* The set fields of over replace those of dst (--theme over the spec). */
void spec_theme_merge(struct spec_theme *dst, const struct spec_theme *over);
/* Restyle f by t (spec_build does it with the spec's theme).  0, or -1
 * when out of memory. */
int spec_theme_apply(const struct spec_theme *t, fig_figure *f);

/*
 * Parse the spec file at path into *s.  Returns 0, or -1 with a one-line
 * message "PATH:LINE: ..." in err (SPEC_ERRLEN bytes) for an unreadable
 * file, an unknown directive or option, a malformed value, or limits
 * exceeded.
 */
int spec_parse(const char *path, struct spec *s, char *err);

/* Parse spec text held in memory (name used in messages). */
int spec_parse_text(const char *name, const char *text, struct spec *s,
		    char *err);

/*
 * Replace the γ list of every curve whose x axis is not γ itself (focal
 * plot --gamma, the REPL's set gamma), except the fixed curves, whose γ is
 * the figure's own; a replaced list leaves out the γ that a fixed curve of
 * the panel draws with the same quantity and loss (no curve twice).
 * Panel titles follow through {gamma}, the list of the panel's first
 * curve with one (spec_panel_title).
 */
void spec_override_gammas(struct spec *s, const double *g, int n);

/* The panel's title with {gamma} replaced by its γ list ("1, 2, 3"), in
 * out (cap bytes). */
void spec_panel_title(const struct spec_panel *pn, char *out, size_t cap);

/* A curve's legend label (markup): its label= template with {gamma}
 * {beta} {alpha} {loss} filled in for γ = g, or the default "FL, γ = 2"
 * style. */
void spec_expand_label(const struct spec_curve *cv, double g, char *out, size_t cap);

/*
 * Set the loss parameter called name (a focal_param name of the loss
 * registry) to v in every curve whose loss row has it, as the figure's
 * options would: "gamma" replaces the γ list by the one value
 * (spec_override_gammas), "alpha" and "beta" set the curves' α (NAN: none)
 * and β, any other name (epsilon, gamma_neg, ...) the curve's key of that
 * name.  -1 for a parameter other than these three that no curve's row
 * has.  The value is not checked against the row's domain (the caller's
 * option row does that).
 */
int spec_set_param(struct spec *s, const char *name, double v);

/*
 * The values of the loss parameter called name that curve cv of panel pn
 * is drawn with, as focal explore turns them: its γ list (none for a
 * fixed curve or on a panel whose x axis is γ: focal plot --gamma leaves
 * those), or its one value (the curve's key, else its row's default; NAN:
 * α off).  The number of values written to v (at most cap), 0 when the
 * curve's row has no such parameter.
 */
int spec_curve_param(const struct spec_panel *pn, const struct spec_curve *cv, const char *name,
		     double *v, int cap);
/* Set cv's parameter name to the n values v (n > 1 only for gamma), as
 * the curve's keys would. */
void spec_curve_set_param(struct spec_curve *cv, const char *name, const double *v, int n);

/*
 * The y value that spec_build draws for curve `curve` of panel `panel`, at
 * its gi-th γ (0 for CE and focusing ratios), at x on the panel's x axis:
 * the same computation, not an interpolation (negated for a negated
 * curve).  0, or -1 when the curve is not pointwise (population and
 * training quantities, reference tables, series coefficients) or an index
 * is out of range.
 */
int spec_value_at(const struct spec *s, int panel, int curve, int gi, double x, double *y);

/*
 * Compute every curve and build the figure.  Returns 0 and *out (owned by
 * the caller, free with fig_free), or -1 with a message "FILE:LINE: what"
 * in err (just "FILE: what" for the figure as a whole).
 */
int spec_build(const struct spec *s, fig_figure **out, char *err);
/* The same, with progress and cancellation (focal.h): a build stopped
 * through pr returns -1 with the message "interrupted". */
int spec_build_p(const struct spec *s, fig_figure **out, char *err, const focal_progress *pr);

/*
 * The `focal simulate` command(s) that reproduce the numbers of the
 * figure's population quantities (cdf, shares, gradnorm), written into buf
 * (cap bytes; SPEC_CMDLEN is enough), several separated by "; ", or "" when
 * the figure has none.  Running a command prints, to the last bit, the
 * values the figure draws (the shares' bars are their running sums).
 * Returns 0, or -1 with buf "" when no set of commands can reproduce them
 * (panels whose populations differ other than by state, a shares panel
 * with alpha other than 0.25, differing points or bins) or cap is short.
 */
#define SPEC_CMDLEN 4096
/* A calibration curve's numbers come from `focal calibrate` (one command per
 * curve on a q axis, appended to the population commands). */
int spec_command(const struct spec *s, char *buf, size_t cap);

/* The loss a population curve evaluates for a curve's loss: the loss
 * itself when its registry row has FOCAL_HAS_POP, FL otherwise (FL*). */
focal_loss_id spec_pop_loss(focal_loss_id loss);

/* 1 for the training quantities (Q_AP_GAMMA .. Q_RELIABILITY). */
int spec_is_training(enum spec_quantity q);

/*
 * The focal train command that reproduces the training numbers of panel
 * panel (its settings where they differ from focal train's defaults, and
 * the losses and gammas its curves train), in out (cap bytes).  -1 when
 * the panel trains nothing or the command does not fit.
 */
int spec_train_command(const struct spec *s, int panel, char *out, size_t cap);

#endif
