/*
 * The focal command line: the command table, option parsing, value
 * parsing and output formatting shared by every subcommand (and later by
 * the REPL, which dispatches through the same table).
 *
 * Commands never call exit(): they return an exit status (CLI_OK,
 * CLI_FAIL for a failed check, CLI_USAGE for bad usage or input) and write
 * only to the streams in struct cli.
 */
#ifndef FOCAL_CLI_H
#define FOCAL_CLI_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "focal/focal.h"
#include "focal/registry.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Upper bound on the points of one grid or list (documented in focal(1)). */
#define CLI_MAX_POINTS 1000000

enum cli_format { FMT_DEFAULT = 0, FMT_TABLE, FMT_TSV, FMT_CSV, FMT_JSON, FMT_NPY };

/*
 * How result tables are shown, from the options every table command
 * takes (cli_run strips them before the command parses its own):
 * --columns LIST picks columns in every format; otherwise the table
 * format shows the command's compact set (struct cmd.compact) and drops
 * columns on the right that do not fit the terminal.  page: a long
 * output on a terminal goes through $PAGER (default less -FRX).
 */
struct cli_view {
	const char *columns;   /* --columns LIST, or NULL */
	const char *compact;   /* the command's compact set, or NULL */
	int page;              /* 1: page on a terminal (not --no-pager) */
	const char *meta;      /* --meta: the command line that JSON output
	                          records beside its rows; NULL: a bare array */
};

/* Where a command writes.  err gets one-line "focal: ..." messages. */
struct fig_figure;

struct cli {
	FILE *out;
	FILE *err;
	int out_is_tty;
	const struct cli_view *view; /* NULL: every column, no pager */
	const char *out_name; /* the file out writes, for messages; NULL: "the output" */
	int parse_only;       /* opt_parse checks every value, then the command
	                         stops as after --help (tests/unit/test_optrows.c) */
	/* a live view that follows a command's figure as it changes (the
	 * REPL's gnuplot window, for explore); NULL: none */
	void (*live)(void *ctx, const struct fig_figure *f, const char *name);
	void *live_ctx;
};

struct opt;

struct cmd {
	const char *name;
	int (*fn)(struct cli *c, int argc, char **argv);
	const char *summary;
	const char *usage;        /* the full --help text */
	const struct opt *opts;   /* its option rows: parsing, --help lines,
	                             exclusions, the REPL's defaults and completion */
	const char *compact;      /* the columns the table format shows by
	                             default (space-separated), NULL: all */
};

extern const struct cmd cli_commands[];

/* The subcommands (one file each) and their --help texts. */
int cmd_eval(struct cli *c, int argc, char **argv);
int cmd_integrate(struct cli *c, int argc, char **argv);
int cmd_compare(struct cli *c, int argc, char **argv);
int cmd_check(struct cli *c, int argc, char **argv);
int cmd_plot(struct cli *c, int argc, char **argv);
int cmd_figures(struct cli *c, int argc, char **argv);
int cmd_simulate(struct cli *c, int argc, char **argv);
int cmd_spread(struct cli *c, int argc, char **argv);
extern const char cmd_eval_usage[], cmd_integrate_usage[],
	cmd_compare_usage[], cmd_check_usage[], cmd_plot_usage[],
	cmd_figures_usage[], cmd_simulate_usage[], cmd_spread_usage[];
int cmd_train(struct cli *c, int argc, char **argv);
extern const char cmd_train_usage[];
int cmd_runs(struct cli *c, int argc, char **argv);
extern const char cmd_runs_usage[];
int cmd_repl(struct cli *c, int argc, char **argv);
int cmd_explore(struct cli *c, int argc, char **argv);
extern const char cmd_explore_usage[];
extern const char cmd_repl_usage[];
int cmd_calibrate(struct cli *c, int argc, char **argv);
extern const char cmd_calibrate_usage[];

extern const size_t cli_ncommands;

const struct cmd *cli_find(const char *name);

/*
 * Run cmd on argv (argv[0] its name) after checking the rows' excludes
 * and needs over the options given: two options that exclude each other, or one without the
 * option it needs, is a one-line error naming both, and CLI_USAGE.  A
 * line with --help, or one the option parser will refuse anyway (an
 * unknown option, a missing value), goes to the command unchecked so
 * that its own message wins.
 */
int cli_run(struct cli *c, const struct cmd *cmd, int argc, char **argv);

/* The text width of the terminal on stdout (TIOCGWINSZ), else $COLUMNS,
 * else 0 (no limit); rows likewise ($LINES), 0 when unknown. */
int cli_term_width(void);
int cli_term_rows(void);

/* text, words wrapped to lines of at most width characters (80 when
 * width is 0 or small), and a newline. */
void cli_put_wrapped(FILE *f, const char *text, int width);

/*
 * Levenshtein distance between two short strings, for "did you mean":
 * 99 when either has 63 bytes or more.
 */
size_t cli_edit_distance(const char *a, const char *b);

/*
 * Where focal finds its files.  cli_plots_dir: the figure set,
 * $FOCAL_PLOTS, else ./plots when it exists (run in a checkout), else
 * beside the running program: BINDIR/../share/focal/plots (an install,
 * also under DESTDIR or moved) or BUILDDIR/../plots (a checkout's
 * build/focal), else FOCAL_DATADIR/plots.  cli_data_dir: the tables a
 * spec names by a bare ref= name not found beside the spec, the same way
 * with $FOCAL_DATA, tests/data and share/focal/data.  Each returns the
 * environment string, a static string or buf (cap bytes; CLI_DIRLEN is
 * enough); the caller must not free it.
 */
#define CLI_DIRLEN 4352
const char *cli_plots_dir(char *buf, size_t cap);
const char *cli_data_dir(char *buf, size_t cap);
/* The spec file of a figure given as NAME (plots/NAME.spec on the search
 * path) or as a path: 0, or -1 after the message (cmd_plot.c). */
int cli_resolve_spec(struct cli *c, const char *name, char *path, size_t cap);
struct spec;
/* spec_parse, with the data directory of the spec's bare ref= names (cli_data_dir). */
int cli_parse_spec(const char *path, struct spec *s, char *err);

/* 1 when the locale's character set (LC_CTYPE) is UTF-8: text renderings
 * then use Unicode (γ, pₜ, braille), otherwise ASCII only (tty.c). */
int cli_locale_utf8(void);
/* 1 when NO_COLOR is set to a non-empty value: no colours. */
int cli_no_color(void);

/*
 * Ctrl-C as a request rather than a kill.  A SIGINT handler (the REPL's,
 * or simulate's in the plain CLI) calls cli_interrupt_set(), which is
 * async-signal-safe; long work polls cli_interrupted() (the number of
 * requests since the last clear) and stops cleanly, leaving no
 * half-written file.  A command that stops this way prints "interrupted"
 * and returns CLI_INTERRUPTED.  Table output stops between rows.
 */
#define CLI_INTERRUPTED 130
void cli_interrupt_set(void);
int cli_interrupted(void);
void cli_interrupt_clear(void);
/* Turn SIGINT into cli_interrupt_set() unless it is ignored, which it then
 * stays; *old gets the disposition to put back with sigaction. */
struct sigaction;
void cli_sigint_catch(struct sigaction *old);
/* SIGINT, SIGTERM and SIGHUP, where they would end the program, first
 * remove the temporary files of unfinished outputs (focal/outfile.h). */
void cli_cleanup_on_signals(void);

/*
 * A progress bar on stderr for long work: library calls (as their
 * progress callback), tables (table_expect) and the CLI's own loops.
 * cli_progress_cb returns 1 when the work must stop (a Ctrl-C request),
 * so it is the one poll of every long loop; it draws only on a terminal,
 * after the first second and at most ten times a second, with an
 * estimate of the time left when eta is set.  cli_progress_stage maps
 * the next call's [0, 1] to stage k of n (several library calls in one
 * command).  cli_progress_end erases the bar; so does any message
 * (cli_error) and table output.
 */
struct cli_progress {
	int tty, eta;
	double base, span, drawn;
	struct timespec start;
};

void cli_progress_begin(struct cli_progress *p, int eta);
void cli_progress_stage(struct cli_progress *p, size_t k, size_t n);
int cli_progress_cb(double done, void *ctx);
/* The poll alone (no bar): for work whose bar another process draws. */
int cli_stop_cb(double done, void *ctx);
void cli_progress_end(struct cli_progress *p);
/* Erase the bar if one is on the terminal (before any other output). */
void cli_progress_clear(void);

/* Print "focal: <message>\n" on c->err, control bytes escaped as \xNN. */
void cli_error(struct cli *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* s on f with bytes below 0x20 and 0x7f written \xNN: a name the user
 * gave, echoed on one line (every message and progress line uses this). */
void cli_put_escaped(FILE *f, const char *s);

/* ---- option parsing ---- */

/*
 * One option a command accepts, as a typed row (after git's
 * parse-options): "--name" with or without a value; a one-letter name is
 * written "-n"; the empty name "" takes a positional argument.  A row
 * with a type (not OPT_RAW) says what its value may be, where opt_parse()
 * stores it, its default, what it excludes or needs and its --help line;
 * the CLI, the REPL's set, completion and the documentation test all read
 * the same row (docs/architecture.md, "An option").  OPT_RAW rows (id
 * only) are parsed by the command's own switch over cli_next_opt().
 */
enum opt_type {
	OPT_RAW = 0,   /* untyped: the command parses the value (id) */
	OPT_HELP,      /* print the command's usage and succeed */
	OPT_FLAG,      /* int at target, set to 1 */
	OPT_NOFLAG,    /* int at target, set to 0 (--no-NAME of a default-on flag) */
	OPT_DOUBLE,    /* double in lo..hi (open ends: lo_open, hi_open) */
	OPT_INT,       /* an integer-valued double in [lo, hi] */
	OPT_DLIST,     /* struct dlist: comma list, each in lo..hi */
	OPT_ENUM,      /* int at target: the index of one of names */
	OPT_NAMES,     /* const char *: a comma list of names, checked */
	OPT_FORMAT,    /* enum cli_format */
	OPT_STRING,    /* const char *, as given (a grid: checked later) */
	OPT_PATH,      /* const char *, a file name */
	OPT_STRINGS    /* struct slist: every value given, in order (repeatable) */
};

/* The values of a repeatable option (OPT_STRINGS), as given; the array is
 * allocated (opt_free), the strings are argv's. */
struct slist {
	const char **v;
	size_t n;
};

struct opt {
	const char *name;   /* without the leading dashes */
	int has_arg;
	int id;
	enum opt_type type;
	size_t target;      /* offsetof the value in the command's arguments */
	double lo, hi;      /* OPT_DOUBLE, OPT_INT, OPT_DLIST */
	unsigned lo_open : 1, hi_open : 1;
	const char *const *names; /* OPT_ENUM, OPT_NAMES: NULL-terminated */
	unsigned losses;    /* OPT_NAMES of losses: the registry's rows with one of
	                       these capabilities (FOCAL_HAS_*), names NULL */
	const char *what;   /* the subject of messages ("thread count"); NULL: name */
	const char *def;    /* the default, parsed like a value given; NULL: none */
	const char *excludes; /* options (space-separated) it cannot go with */
	const char *needs;  /* options one of which it needs (NAME=VALUE: that value) */
	const char *why;    /* what the exclusion means, for its message */
	size_t text;        /* offsetof a const char * that also gets the word
	                       as given, plus 1 (0: none), for later messages */
	const char *arg;    /* the argument's name in --help ("LIST") */
	const char *help;   /* its --help text (first line) */
};

/* An untyped row (the command's switch parses it). */
#define OPT_ANY(n, a, i) {.name = (n), .has_arg = (a), .id = (i)}
#define OPT_END {.name = NULL}

/* Limits written once: every row and every front end uses these. */
#define OPT_SEED_MAX FOCAL_SEED_MAX
#define OPT_THREADS_MAX FOCAL_MAX_THREADS

/* Rows that several commands and the REPL share, one definition each
 * (t: offsetof in the command's arguments, or 0; h: the --help text). */
#define OPT_ROW_GAMMA(t, d, h) {.name = "gamma", .has_arg = 1, .type = OPT_DLIST, .target = (t), \
	.lo = 0, .hi = FOCAL_GAMMA_MAX, .def = (d), .arg = "LIST", .help = (h)}
#define OPT_ROW_ALPHA(t, h) {.name = "alpha", .has_arg = 1, .type = OPT_DOUBLE, .target = (t), \
	.lo = 0, .hi = 1, .arg = "A", .help = (h)}
#define OPT_ROW_BETA(t, h) {.name = "beta", .has_arg = 1, .type = OPT_DOUBLE, .target = (t), \
	.lo = -INFINITY, .hi = INFINITY, .lo_open = 1, .hi_open = 1, .def = "0", .arg = "B", .help = (h)}
#define OPT_ROW_Y(t, h) {.name = "y", .has_arg = 1, .type = OPT_ENUM, .target = (t), \
	.names = opt_y_names, .def = "1", .arg = "0|1", .help = (h)}
/* The target: a label 0 or 1, or a soft target in [0, 1] for the losses
 * that take one (qfl, vfl); each loss checks its own (eval, the REPL). */
#define OPT_ROW_TARGET(t, h) {.name = "y", .has_arg = 1, .type = OPT_DOUBLE, .target = (t), \
	.lo = 0, .hi = 1, .def = "1", .arg = "Y", .help = (h)}
#define OPT_ROW_FORMAT(t, h) {.name = "format", .has_arg = 1, .type = OPT_FORMAT, .target = (t), \
	.names = opt_format_names, .arg = "F", .help = (h)}
/* The hard or the easy point of a focusing ratio w(hard)/w(easy) (n: "hard" or "easy"). */
#define OPT_ROW_FOCUS_POINT(n, t, d, h) {.name = (n), .has_arg = 1, .type = OPT_DOUBLE, .target = (t), \
	.lo = 0, .hi = 1, .lo_open = 1, .hi_open = 1, .what = n " point", .def = (d), .arg = "P", .help = (h)}
#define OPT_ROW_SEED(n, t, h) {.name = (n), .has_arg = 1, .type = OPT_INT, .target = (t), \
	.lo = 0, .hi = OPT_SEED_MAX, .arg = "N", .help = (h)}
#define OPT_ROW_THREADS(t, h) {.name = "threads", .has_arg = 1, .type = OPT_INT, .target = (t), \
	.lo = 1, .hi = OPT_THREADS_MAX, .what = "thread count", .arg = "N", .help = (h)}
#define OPT_ROW_DPI(t, h) {.name = "dpi", .has_arg = 1, .type = OPT_INT, .target = (t), \
	.lo = 10, .hi = 2400, .arg = "N", .help = (h)}
#define OPT_ROW_COLS(t, h) {.name = "cols", .has_arg = 1, .type = OPT_INT, .target = (t), \
	.lo = 20, .hi = 1000, .arg = "N", .help = (h)}
#define OPT_ROW_ROWS(t, h) {.name = "rows", .has_arg = 1, .type = OPT_INT, .target = (t), \
	.lo = 8, .hi = 1000, .arg = "N", .help = (h)}
#define OPT_ROW_WEIGHT(t, h) {.name = "weight", .has_arg = 1, .type = OPT_STRING, .target = (t), \
	.arg = "EXPR", .help = (h)}
#define OPT_ROW_PARAM(t, h) {.name = "param", .has_arg = 1, .type = OPT_STRINGS, .target = (t), \
	.needs = "weight", .why = "a parameter of the weight expression", \
	.arg = "NAME=VALUE", .help = (h)}
#define OPT_ROW_THEME(t, h) {.name = "theme", .has_arg = 1, .type = OPT_PATH, .target = (t), \
	.what = "theme", .arg = "FILE", .help = (h)}
extern const char *const opt_y_names[], *const opt_format_names[];

/* The shared rows as objects, for commands that still parse by hand and
 * for the REPL (opt.c). */
extern const struct opt opt_row_seed, opt_row_threads, opt_row_dpi, opt_row_cols,
	opt_row_rows, opt_row_theme;

/* Read the theme file of --theme over t (docs/figures.md, "Themes"); -1
 * after a message "focal: FILE:LINE: ..." (cmd_plot.c). */
struct spec_theme;
int cli_read_theme(struct cli *c, const char *path, struct spec_theme *t);

/* The names row o offers (OPT_ENUM, OPT_NAMES): o->names, or the loss
 * registry's rows having one of o->losses's capabilities, in registry
 * order.  At most cap - 1 of them into out, NULL-terminated (static
 * strings); returns how many. */
size_t opt_names(const struct opt *o, const char **out, size_t cap);
#define OPT_MAX_NAMES 64

/* The rule a row's value must satisfy, as messages say it ("must be an
 * integer in [1, 256]"). */
void opt_rule(const struct opt *o, char *buf, size_t cap);

/*
 * Check the value s against row o and, when dst is not NULL, store it
 * there (the type's representation; an OPT_DLIST is allocated).  On a
 * bad value print "invalid WHAT 'S': RULE" and return -1.  The one
 * validator of every typed option, for the CLI and the REPL alike.
 */
int opt_value(struct cli *c, const struct opt *o, const char *s, void *dst);

/*
 * Parse argv (argv[0] the command) over typed rows into args: each row's
 * value (the last one given, else its default) is checked and stored at
 * args + target, in row order, after every option is seen.  Returns 1
 * after printing usage for --help (or, with c->parse_only, after checking
 * every value; the lists are then freed), 0, or -1 after a message.  free_args
 * (opt_free) releases the lists.
 */
int opt_parse(struct cli *c, const char *cmd, const char *usage, const struct opt *rows,
	      int argc, char **argv, void *args);
void opt_free(const struct opt *rows, void *args);

/* The row's --help line, "  --name ARG" padded to col, then its help. */
void opt_help_line(const struct opt *o, int col, char *buf, size_t cap);

/* Does one of cmd's rules say options a and b cannot go together? */
struct cmd;
int cli_excludes(const struct cmd *cmd, const char *a, const char *b);

/*
 * Walk argv[1..] for the options in opts (terminated by a NULL name).
 * "--name value" and "--name=value" are both accepted.  For each option
 * found, *id and *val are set and 1 is returned; 0 at the end; -1 after
 * printing an error (unknown option, missing value, stray argument).
 * *pos is the cursor, start it at 1.
 */
int cli_next_opt(struct cli *c, const char *cmd, int argc, char **argv,
		 const struct opt *opts, int *pos, int *id, const char **val);
/* The same, giving the row found. */
int cli_next_row(struct cli *c, const char *cmd, int argc, char **argv,
		 const struct opt *opts, int *pos, const struct opt **row, const char **val);

/* The option tables of the subcommands (struct cmd.opts). */
extern const struct opt cmd_eval_opts[], cmd_integrate_opts[], cmd_compare_opts[],
	cmd_check_opts[], cmd_plot_opts[], cmd_figures_opts[], cmd_simulate_opts[],
	cmd_spread_opts[];
extern const struct opt cmd_train_opts[], cmd_runs_opts[];
extern const struct opt cmd_repl_opts[];
extern const struct opt cmd_explore_opts[];
extern const struct opt cmd_calibrate_opts[];


/* ---- values ---- */

struct dlist {
	double *v;
	size_t n;
};

void dlist_free(struct dlist *l);

/*
 * Parse a strict double (whole string, no blanks).  On failure print
 * "invalid <what> '<s>': must be <rule>" and return -1.
 */
/*
 * The custom weight of --weight expr with --param NAME=VALUE values
 * (focal/weight.h), or *out = NULL when expr is NULL.  On a bad one print
 * the one-line message and return -1; the caller frees *out
 * (focal_weight_free).
 */
struct focal_weight;
int cli_weight(struct cli *c, const char *expr, const struct slist *params,
	       struct focal_weight **out);
/* The same for a --loss list (want[], by focal_loss_id): --weight goes
 * with custom and custom@grad, and they need it (one-line errors, -1). */
int cli_loss_weight(struct cli *c, const int *want, const char *expr,
		    const struct slist *params, struct focal_weight **out);

int cli_parse_double(struct cli *c, const char *what, const char *rule,
		     const char *s, double *out);

/* A comma list of doubles; each must satisfy check() (NULL for any). */
int cli_parse_list(struct cli *c, const char *what, const char *rule,
		   int (*check)(double), const char *s, struct dlist *out);

/* START:STOP:N, linear or (logspace) geometric, endpoints included. */
int cli_parse_grid(struct cli *c, const char *what, const char *rule,
		   int (*check)(double), const char *s, int logspace,
		   struct dlist *out);

/* A number (want_int: an integer) in [lo, hi]; otherwise "invalid <what>
 * '<s>': must be a number|an integer in [lo, hi]". */
int cli_parse_range(struct cli *c, const char *what, const char *s, double lo, double hi,
		    int want_int, double *out);

int cli_check_gamma(double g);    /* in [0, FOCAL_GAMMA_MAX] */
int cli_check_prob(double p);     /* in [0, 1] */
int cli_check_logit(double x);    /* not NaN */

#define CLI_STR_(x) #x
#define CLI_STR(x) CLI_STR_(x)
#define RULE_GAMMA "must be a number in [0, " CLI_STR(FOCAL_GAMMA_MAX) "]"
#define RULE_PROB "must be a number in [0, 1]"
#define RULE_LOGIT "must be a number (not nan)"

int cli_parse_format(struct cli *c, const char *s, enum cli_format *out);

/*
 * A comma list of names from names[0..n-1] into want[] (1 = listed).
 * Empty items, unknown names and lists over 255 bytes are errors with a
 * one-line message naming "what" (e.g. "loss").
 */
int cli_parse_names(struct cli *c, const char *what, const char *s,
		    const char *const *names, int n, int *want);

/*
 * A --loss list: names of the loss registry's rows having one of the
 * flags of mask (FOCAL_HAS_*), with cli_parse_names's rules and messages (the
 * "must be one of" list is those rows in registry order).  want[] has
 * FOCAL_NLOSS entries, indexed by focal_loss_id; when order is not NULL it
 * receives the losses in the order given, each once (*norder of them).
 */
int cli_parse_losses(struct cli *c, const char *s, unsigned mask, int *want,
		     focal_loss_id *order, int *norder);

/*
 * Points shared by eval, integrate and compare: --p/--p-grid give p_t,
 * --x/--x-grid give logits of the positive class (with --y).  The raw
 * option strings are kept until every option is seen, because --log may
 * come after the grid.
 */
struct points_opts {
	const char *p_list, *p_grid, *x_list, *x_grid;
	int logspace;
};

/* The point rows of eval, integrate and compare, into a struct points_opts
 * named po in the command's arguments T; help: whether to show their lines. */
#define POINTS_WHY "points come from one of --p, --p-grid, --x and --x-grid"
#define OPT_ROWS_POINTS(T, hp, hpg, hx, hxg, hlog) \
	{.name = "p", .has_arg = 1, .type = OPT_STRING, .target = offsetof(T, po.p_list), \
	 .excludes = "p-grid x x-grid", .why = POINTS_WHY, .arg = "LIST", .help = (hp)}, \
	{.name = "p-grid", .has_arg = 1, .type = OPT_STRING, .target = offsetof(T, po.p_grid), \
	 .excludes = "x x-grid", .why = POINTS_WHY, .arg = "S:E:N", .help = (hpg)}, \
	{.name = "x", .has_arg = 1, .type = OPT_STRING, .target = offsetof(T, po.x_list), \
	 .excludes = "x-grid", .why = POINTS_WHY, .arg = "LIST", .help = (hx)}, \
	{.name = "x-grid", .has_arg = 1, .type = OPT_STRING, .target = offsetof(T, po.x_grid), \
	 .arg = "S:E:N", .help = (hxg)}, \
	{.name = "log", .type = OPT_FLAG, .target = offsetof(T, po.logspace), .help = (hlog)}
#define OPT_ROW_HELP {.name = "help", .type = OPT_HELP}

struct points {
	struct dlist v;
	int is_logit;
};

/* Resolve the point options; required = 1 makes "no points" an error. */
/*
 * The weighting lab's loss parameters as options (eval, integrate): NaN
 * when not given, and then each loss's registry default applies (poly1's
 * epsilon is 2, polyfl's -1).  alpha and beta keep each command's own row
 * (OPT_ROW_ALPHA, the beta row below); the other seven are one macro.
 */
struct loss_params {
	double alpha, beta, eps, gpos, gneg, clip, gbelow, gabove, sw;
	double ghm_bins, ghm_momentum; /* GHM-C (focal train) */
};
#define LOSS_PARAMS_UNSET {NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN}
#define OPT_ROW_LOSS_PARAM(T, m, n, f, a, lo_, hi_, h) {.name = (n), .has_arg = 1, \
	.type = OPT_DOUBLE, .target = offsetof(T, m.f), .lo = (lo_), .hi = (hi_), .arg = (a), \
	.help = (h)}
#define OPT_ROWS_LOSS_PARAMS(T, m) \
	OPT_ROWS_LOSS_PARAMS_A(T, m), OPT_ROW_ASL_CLIP(T, m, "clip"), OPT_ROWS_LOSS_PARAMS_B(T, m)
/* The same in three parts, for a command whose --clip means something
 * else (focal train: --asl-clip). */
#define OPT_ROW_ASL_CLIP(T, m, n) {.name = (n), .has_arg = 1, .type = OPT_DOUBLE, \
	.target = offsetof(T, m.clip), .lo = 0, .hi = 1, .hi_open = 1, .arg = "M", \
	.help = "ASL margin of negatives, 0 <= M < 1 (default 0.05)"}
#define OPT_ROWS_LOSS_PARAMS_A(T, m) \
	OPT_ROW_LOSS_BETA(T, m, "FL* offset (default 0); QFL exponent in [0, 100] (default 2)"), \
	OPT_ROWS_LOSS_PARAMS_EA(T, m)
/* beta alone with a command's own help (simulate has no FL*), and the
 * rest of part A. */
#define OPT_ROW_LOSS_BETA(T, m, h) {.name = "beta", .has_arg = 1, .type = OPT_DOUBLE, \
	.target = offsetof(T, m.beta), .lo = -INFINITY, .hi = INFINITY, .lo_open = 1, \
	.hi_open = 1, .arg = "B", .help = (h)}
#define OPT_ROWS_LOSS_PARAMS_EA(T, m) \
	{.name = "epsilon", .has_arg = 1, .type = OPT_DOUBLE, .target = offsetof(T, m.eps), \
	 .lo = -1, .hi = INFINITY, .hi_open = 1, .arg = "E", \
	 .help = "Poly-1 coefficient, >= -1 (default 2; -1 for polyfl)"}, \
	OPT_ROW_LOSS_PARAM(T, m, "gamma-pos", gpos, "G", 0, FOCAL_GAMMA_MAX, \
			   "ASL focusing parameter of positives (default 0)"), \
	OPT_ROW_LOSS_PARAM(T, m, "gamma-neg", gneg, "G", 0, FOCAL_GAMMA_MAX, \
			   "ASL focusing parameter of negatives (default 4)")
#define OPT_ROWS_LOSS_PARAMS_B(T, m) \
	OPT_ROW_LOSS_PARAM(T, m, "gamma-below", gbelow, "G", 0, FOCAL_GAMMA_MAX, \
			   "FLSD focusing parameter below the switch (default 5)"), \
	OPT_ROW_LOSS_PARAM(T, m, "gamma-above", gabove, "G", 0, FOCAL_GAMMA_MAX, \
			   "FLSD focusing parameter at or above the switch (default 3)"), \
	OPT_ROW_LOSS_PARAM(T, m, "switch", sw, "S", 0, 1, "FLSD switch point in p_t (default 0.2)")

/*
 * θ of registry row d from the options (the row's "gamma" from gamma),
 * each parameter not given at the row's default; a value outside the
 * row's domain is refused with its rule, naming the loss ("invalid beta
 * '-1' for qfl: must be a number in [0, 100]"), and -1 returned.
 */
int cli_loss_theta(struct cli *c, const focal_loss_desc *d, const struct loss_params *lp,
		   double gamma, double *th);

/* "NAME=VALUE;..." of row d's parameters other than gamma, alpha and beta
 * (%.17g), or "-" when there are none. */
void cli_params_text(const focal_loss_desc *d, const double *th, char *buf, size_t cap);
/* The same of every parameter but those named in skip (space-separated)
 * and those off (NaN: no alpha). */
void cli_params_text_but(const focal_loss_desc *d, const double *th, const char *skip,
			 char *buf, size_t cap);

/* Whether row d takes the target y (0 or 1 for a hard target, [0, 1] for
 * qfl and vfl); else the one-line error and -1. */
int cli_loss_target(struct cli *c, const focal_loss_desc *d, double y);

/* A label: --y (a number in [0, 1]) must be 0 or 1 for a command or loss
 * without soft targets; else the one-line error and -1. */
int cli_label(struct cli *c, double y);

int cli_points(struct cli *c, const struct points_opts *po, int required,
	       const char *default_grid, struct points *out);

/* ---- output ---- */

struct cell {
	const char *str;   /* static string, or NULL for a number */
	double num;
};

/*
 * A table is stored by column: a column's numbers in one array and its
 * texts in another, each made at the column's first cell of that kind, so
 * a column of one kind (most are) costs 8 bytes a row, not a whole cell.
 * Beside them, what table_add learns of the column while its cells are at
 * hand, for the npy writer (which otherwise would scan the table again).
 */
struct table_col {
	double *num;              /* NULL before the first number; then every
				     row's (0 where the cell is text) */
	const char **str;         /* NULL before the first text; then every
				     row's (NULL where the cell is a number) */
	const char *last;         /* the last text seen (texts repeat) */
	size_t width;             /* the longest text, in characters */
	unsigned char text, has_num; /* a text other than "none"; a number */
};

struct table {
	size_t ncol;
	const char *const *cols;
	struct table_col *col;    /* ncol of them, from the first row */
	size_t nrows, cap;
	size_t expect;            /* rows announced by table_expect (0: none) */
	struct cli_progress pr;
};

/* Cell j of row i (i < t->nrows, j < t->ncol). */
static inline struct cell table_cell(const struct table *t, size_t i, size_t j)
{
	const struct table_col *c = &t->col[j];
	if (c->str && c->str[i])
		return (struct cell){c->str[i], 0.0};
	return (struct cell){NULL, c->num[i]};
}

void table_init(struct table *t, const char *const *cols, size_t ncol);
/* Erases the progress bar too. */
void table_free(struct table *t);

/*
 * Announce the rows the command will add: table_add then shows a
 * progress bar over them (on a terminal, for work over a second).
 */
void table_expect(struct table *t, size_t nrows);

/*
 * Append a row of ncol cells (copied).  Every row is a poll of the Ctrl-C
 * request, so a command that builds a table row by row stops within a
 * row.  Returns 0, -1 when out of memory, or CLI_INTERRUPTED when the
 * command must stop; table_error turns the last two into the message and
 * the status to return.
 */
int table_add(struct table *t, const struct cell *row);
int table_error(struct cli *c, int rc);

/*
 * The end of a command's table: rc is the last table_add's status; when
 * it is 0 write t in format f and return CLI_OK (CLI_USAGE when it cannot
 * be written), otherwise table_error's message and status.  Commands add
 * rows while table_add returns 0 and end with this.
 */
int table_finish(struct cli *c, const struct table *t, int rc, enum cli_format f);

#define NUM(x) ((struct cell){NULL, (x)})
#define STR(s) ((struct cell){(s), 0.0})

/* Write in the given format (FMT_DEFAULT: table on a tty, else tsv). */
int table_write(struct cli *c, const struct table *t, enum cli_format f);

/* The columns sel[0..nsel) of t as a .npy structured array (table_npy.c);
 * 0, or -1 when out of memory. */
int table_write_npy(FILE *f, const struct table *t, const size_t *sel, size_t nsel);

/* The characters of UTF-8 text s (a byte that is not UTF-8 counts one). */
size_t table_text_chars(const char *s);

/* Out-of-memory message and status. */
int cli_oom(struct cli *c);

/*
 * "cannot write 'PATH': REASON" for the errno err of a failed output
 * (focal/outfile.h), and CLI_USAGE.  Every writer of a user-named file
 * reports through this one function.
 */
int cli_write_error(struct cli *c, const char *path, int err);

/* What made an output (provenance.c): "focal" and argv's words, quoted
 * for the shell where they need it; a malloc'd string, NULL when out of
 * memory.  Figure files and --meta's JSON record it. */
char *cli_command_line(int argc, char **argv);

/* The help lines of the table options every table command takes
 * (commands.c, take_view), with option names padded to 16 or 24 columns. */
#define CLI_TABLE_HELP_(PAD, CONT)                                                   \
	"  --columns LIST" PAD "the columns to show, in order (any format)\n"          \
	"  --no-pager    " PAD "never page long output on a terminal\n"                \
	"  --meta        " PAD "with --format json: {\"meta\": {focal version, command line},\n" \
	CONT "\"rows\": [...]} instead of the bare array of rows\n"
#define CLI_TABLE_HELP16 CLI_TABLE_HELP_("  ", "                  ")
#define CLI_TABLE_HELP24 CLI_TABLE_HELP_("        ", "                        ")

#endif
