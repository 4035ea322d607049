/* focal plot and focal figures: render figure specifications. */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fig.h"
#include "spec.h"
#include "figpool.h"

#ifndef FOCAL_DATADIR
#define FOCAL_DATADIR "/usr/local/share/focal"
#endif

const char cmd_plot_usage[] =
	"usage: focal plot SPEC|NAME [-o FILE [--output-format F]] [--gamma LIST] [--dpi N]\n"
	"                  [--theme FILE] [--term [--cols N] [--rows N]] [--window]\n"
	"\n"
	"Render one figure.  SPEC is a spec file ('-': standard input); NAME is a\n"
	"figure of the set (plots/NAME.spec; 'focal figures --list' names them).\n"
	"\n"
	"  -o, --output FILE  write FILE; the format follows the extension:\n"
	"                     .pdf .svg .png (cairo/pango), .gp (a gnuplot script that\n"
	"                     reproduces the figure), .rec (the drawing calls as text),\n"
	"                     .txt (the text rendering).  Written atomically; '-' is\n"
	"                     standard output; a device or FIFO is written in place\n"
	"  --output-format F  the format when FILE has no such extension ('-',\n"
	"                     /dev/stdout): pdf, svg, png, gp, rec or txt\n"
	"  --gamma LIST       replace the gamma list of every curve (numbers in [0, 100])\n"
	"  --dpi N            PNG resolution in [10, 2400] (default 300)\n"
	"  --theme FILE       restyle: font, font size, line width, palette, width or a\n"
	"                     one-column / two-column preset, one KEY = VALUE a line\n"
	"  --term             draw the figure as text on standard output (the default\n"
	"                     when no -o or --window is given)\n"
	"  --cols N, --rows N size of the text drawing, [20, 1000] x [8, 1000] (default\n"
	"                     80 x 24)\n"
	"  --window           open a live gnuplot window (needs a display and gnuplot\n"
	"                     with a window terminal)\n"
	"\n"
	"Spec search path for NAME: $FOCAL_PLOTS, ./plots, " FOCAL_DATADIR "/plots.\n";

const char cmd_figures_usage[] =
	"usage: focal figures [-o DIR] [--formats LIST] [--dpi N] [--theme FILE] [--jobs N]\n"
	"                     [--list]\n"
	"\n"
	"Render every figure spec of the set (every *.spec in the plots directory)\n"
	"into DIR as NAME.FORMAT.\n"
	"\n"
	"  -o, --output DIR  where to write (default plots/out; created if missing)\n"
	"  --formats LIST    comma list of pdf, svg, png, gp (default pdf,png,svg,gp)\n"
	"  --dpi N           PNG resolution in [10, 2400] (default 300)\n"
	"  --theme FILE      restyle every figure by a theme file (see focal plot)\n"
	"  --jobs N          render N figures at a time in worker processes\n"
	"                    (default: one per CPU, at most 8; 1 = in this process)\n"
	"  --list            print the figure names and captions instead (tsv:\n"
	"                    columns name, caption, command: the focal simulate or\n"
	"                    focal train command that prints the figure's numbers)\n";

/* Directory holding the figure set: the first of the search path that exists. */
const char *cli_plots_dir(void)
{
	const char *env = getenv("FOCAL_PLOTS");
	struct stat st;
	if (env && *env)
		return env;
	if (stat("plots", &st) == 0 && S_ISDIR(st.st_mode))
		return "plots";
	return FOCAL_DATADIR "/plots";
}

/* SPEC path for NAME or SPEC; -1 (message printed) when there is none. */
static int resolve_spec(struct cli *c, const char *name, char *path, size_t cap)
{
	struct stat st;
	size_t n = strlen(name);
	if (strchr(name, '/') || strcmp(name, "-") == 0 ||
	    (n > 5 && strcmp(name + n - 5, ".spec") == 0)) {
		snprintf(path, cap, "%s", name);
		return 0;
	}
	for (const char *p = name; *p; p++) {
		if (!(*p == '-' || *p == '_' || (*p >= '0' && *p <= '9') ||
		      (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
			cli_error(c, "invalid figure name '%s': use a spec path or a name from 'focal figures --list'", name);
			return -1;
		}
	}
	snprintf(path, cap, "%s/%s.spec", cli_plots_dir(), name);
	if (stat(path, &st) != 0) {
		cli_error(c, "unknown figure '%s' (no %s; see 'focal figures --list')", name, path);
		return -1;
	}
	return 0;
}

/* An integer option by its row (cli.h: the shared rows hold the limits). */
static int parse_int_row(struct cli *c, const struct opt *row, const char *s, int *out)
{
	double v;
	if (opt_value(c, row, s, &v) != 0)
		return -1;
	*out = (int)v;
	return 0;
}

/* figures --jobs: at most 64 renderers at once. */
static const struct opt jobs_row = {.name = "jobs", .has_arg = 1, .type = OPT_INT, .lo = 1,
				    .hi = 64, .arg = "N"};

/* A live window: a gnuplot script run with an interactive terminal. */
static int show_window(struct cli *c, const fig_figure *f, const fig_render_opts *ro)
{
	if (getenv("DISPLAY") == NULL && getenv("WAYLAND_DISPLAY") == NULL) {
		cli_error(c, "--window needs a display (DISPLAY is not set); use --term or -o FILE");
		return CLI_USAGE;
	}
	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		cli_error(c, "--window needs gnuplot, which is not installed; use --term or -o FILE");
		return CLI_USAGE;
	}
	char dir[] = "/tmp/focal-window-XXXXXX";
	if (mkdtemp(dir) == NULL) {
		cli_error(c, "cannot create a temporary directory: %s", strerror(errno));
		return CLI_USAGE;
	}
	char gp[128], cmd[1024];
	snprintf(gp, sizeof gp, "%s/figure.gp", dir);
	int st = fig_render(f, gp, "gp", ro);
	if (st != FIG_OK)
		return cli_render_error(c, gp, st);
	/* Run the script with the first window terminal gnuplot has (qt, wxt,
	 * then x11, whose core fonts garble Greek).  The key's opaque box is
	 * dropped: with it, wxt and x11 lose curves of multiplot panels.  In the
	 * background: gnuplot stays alive until the window is closed (so the
	 * window keeps redrawing), then removes the temporary directory. */
	snprintf(cmd, sizeof cmd,
		 "cd %s && for t in qt wxt x11; do "
		 "if gnuplot -e \"set terminal $t\" </dev/null >/dev/null 2>&1; then "
		 "sed -e \"s/^set terminal .*/set terminal $t size 1000,700 enhanced/\" -e '/^set output/d' "
		 "-e '/^set key/s/ opaque//' figure.gp > window.gp || exit 3; "
		 /* x11 keeps its window in gnuplot_x11 (-persist); qt and wxt
		  * need gnuplot alive, waiting for the window to close. */
		 "if [ $t = x11 ]; then run='gnuplot -persist window.gp'; "
		 "else echo 'pause mouse close' >> window.gp; run='gnuplot window.gp'; fi; "
		 "( $run >/dev/null 2>&1; sleep 2; rm -rf %s ) </dev/null >/dev/null 2>&1 & exit 0; fi; done; "
		 "rm -rf %s; exit 3", dir, dir, dir);
	int rc = system(cmd);
	if (rc != 0) {
		cli_error(c, "--window: gnuplot has no window terminal (qt, wxt or x11) here; use --term or -o FILE");
		return CLI_USAGE;
	}
	return CLI_OK;
}

enum { P_POS, P_HELP, P_OUT, P_OUT_LONG, P_GAMMA, P_DPI, P_TERM, P_COLS, P_ROWS, P_WINDOW,
       P_OFMT, P_THEME };

int cli_read_theme(struct cli *c, const char *path, struct spec_theme *t)
{
	char err[SPEC_ERRLEN];
	const char *p;
	if (opt_value(c, &opt_row_theme, path, &p) != 0)
		return -1;
	if (spec_theme_read(p, t, err) != 0) {
		cli_error(c, "%s", err);
		return -1;
	}
	return 0;
}

const struct opt cmd_plot_opts[] = {
	OPT_ANY("", 1, P_POS),       OPT_ANY("help", 0, P_HELP),   OPT_ANY("o", 1, P_OUT),
	OPT_ANY("output", 1, P_OUT), OPT_ANY("gamma", 1, P_GAMMA), OPT_ANY("dpi", 1, P_DPI),
	OPT_ANY("term", 0, P_TERM),  OPT_ANY("cols", 1, P_COLS),   OPT_ANY("rows", 1, P_ROWS),
	OPT_ANY("window", 0, P_WINDOW), OPT_ANY("output-format", 1, P_OFMT),
	OPT_ANY("theme", 1, P_THEME), OPT_END};

int cmd_plot(struct cli *c, int argc, char **argv)
{
	const char *name = NULL, *out = NULL, *gamma_s = NULL, *ofmt = NULL, *theme = NULL;
	int window = 0, pos = 1, id, r;
	fig_render_opts ro = {0};
	const char *val;

	while ((r = cli_next_opt(c, "plot", argc, argv, cmd_plot_opts, &pos, &id, &val)) > 0) {
		switch (id) {
		case P_HELP:
			fputs(cmd_plot_usage, c->out);
			return CLI_OK;
		case P_POS:
			if (name) {
				cli_error(c, "plot: one figure at a time (got '%s' and '%s')", name, val);
				return CLI_USAGE;
			}
			name = val;
			break;
		case P_OUT: out = val; break;
		case P_GAMMA: gamma_s = val; break;
		case P_DPI:
			{
				int dpi;
				if (parse_int_row(c, &opt_row_dpi, val, &dpi) != 0)
					return CLI_USAGE;
				ro.dpi = dpi;
			}
			break;
		case P_TERM: break; /* the default; -o and --window exclude it (commands.c) */
		case P_COLS:
			if (parse_int_row(c, &opt_row_cols, val, &ro.term_cols) != 0)
				return CLI_USAGE;
			break;
		case P_ROWS:
			if (parse_int_row(c, &opt_row_rows, val, &ro.term_rows) != 0)
				return CLI_USAGE;
			break;
		case P_WINDOW: window = 1; break;
		case P_THEME: theme = val; break;
		case P_OFMT: ofmt = val; break;
		}
	}
	if (r < 0)
		return CLI_USAGE;
	if (name == NULL) {
		cli_error(c, "plot: which figure? give a spec file or a name (see 'focal figures --list')");
		return CLI_USAGE;
	}
	const char *format = NULL;
	if (ofmt) {
		/* the names are the extensions: "figure.FMT" picks the backend */
		char probe[64];
		snprintf(probe, sizeof probe, "figure.%.40s", ofmt);
		format = strlen(ofmt) < 40 && !strchr(ofmt, '.') ? fig_format_for_path(probe) : NULL;
		if (format == NULL) {
			cli_error(c, "invalid output-format '%s': must be pdf, svg, png, gp, rec or txt", ofmt);
			return CLI_USAGE;
		}
		if (out == NULL) {
			cli_error(c, "plot: --output-format needs -o FILE");
			return CLI_USAGE;
		}
	} else if (out && (format = fig_format_for_path(out)) == NULL) {
		cli_error(c, "unknown output format for '%s': use .pdf, .svg, .png, .gp, .rec or .txt, "
			  "or --output-format", out);
		return CLI_USAGE;
	}

	char path[1024], err[SPEC_ERRLEN];
	static struct spec s;
	struct dlist gammas = {0};
	fig_figure *f = NULL;
	int status = CLI_USAGE;
	if (resolve_spec(c, name, path, sizeof path) != 0)
		return CLI_USAGE;
	if (spec_parse(path, &s, err) != 0) {
		cli_error(c, "%s", err);
		return CLI_USAGE;
	}
	struct spec_theme th = {0};
	if (theme) {
		if (cli_read_theme(c, theme, &th) != 0)
			return CLI_USAGE;
		spec_theme_merge(&s.theme, &th);
	}
	if (gamma_s) {
		if (cli_parse_list(c, "gamma", RULE_GAMMA, cli_check_gamma, gamma_s, &gammas) != 0)
			return CLI_USAGE;
		if (gammas.n > SPEC_MAX_GAMMAS) {
			cli_error(c, "invalid gamma list: at most %d values in a figure", SPEC_MAX_GAMMAS);
			goto done;
		}
		spec_override_gammas(&s, gammas.v, (int)gammas.n);
	}
	struct cli_progress pr;
	cli_progress_begin(&pr, 1);
	const focal_progress fp = {cli_progress_cb, &pr};
	if (spec_build_p(&s, &f, err, &fp) != 0) {
		if (!cli_interrupted())
			cli_error(c, "%s", err);
		goto done;
	}
	cli_progress_end(&pr);
	if (window) {
		status = show_window(c, f, &ro);
	} else if (out) {
		errno = 0;
		fflush(c->out); /* "-" writes the same descriptor: keep the order */
		int st = fig_render(f, out, format, &ro);
		status = st == FIG_OK ? CLI_OK : cli_render_error(c, out, st);
	} else {
		int st = fig_render_stream(f, c->out, "term", &ro);
		status = st == FIG_OK ? CLI_OK : cli_render_error(c, "standard output", st);
	}
done:
	fig_free(f);
	dlist_free(&gammas);
	return status;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Append the command of every training panel to out, distinct ones joined
 * by "; ". */
static void train_commands(const struct spec *s, char *out, size_t cap)
{
	for (int p = 0; p < s->npanels; p++) {
		char cmd[1024];
		if (spec_train_command(s, p, cmd, sizeof cmd) != 0 || strstr(out, cmd))
			continue;
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s%s", len ? "; " : "", cmd);
	}
}

/* The sorted names of *.spec files in dir; NULL-terminated, caller frees. */
static char **list_specs(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	*n = 0;
	if (d == NULL)
		return NULL;
	size_t cap = 16;
	char **v = malloc(cap * sizeof *v);
	struct dirent *e;
	while (v && (e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);
		if (len <= 5 || strcmp(e->d_name + len - 5, ".spec") != 0)
			continue;
		if (*n + 1 == cap) {
			cap *= 2;
			char **nv = realloc(v, cap * sizeof *nv);
			if (nv == NULL)
				break;
			v = nv;
		}
		v[(*n)++] = strndup(e->d_name, len - 5);
	}
	closedir(d);
	if (v) {
		qsort(v, *n, sizeof *v, cmp_str);
		v[*n] = NULL;
	}
	return v;
}

static void free_list(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char buf[1024];
	if (strlen(path) >= sizeof buf)
		return -1;
	strcpy(buf, path);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			if (mkdir(buf, 0777) != 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	}
	if (mkdir(buf, 0777) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

enum { F_HELP, F_OUT, F_FORMATS, F_DPI, F_LIST, F_JOBS, F_THEME };

const struct opt cmd_figures_opts[] = {
	OPT_ANY("help", 0, F_HELP), OPT_ANY("o", 1, F_OUT), OPT_ANY("output", 1, F_OUT),
	OPT_ANY("formats", 1, F_FORMATS), OPT_ANY("dpi", 1, F_DPI), OPT_ANY("list", 0, F_LIST),
	OPT_ANY("jobs", 1, F_JOBS), OPT_ANY("theme", 1, F_THEME), OPT_END};

/* --list: name, caption and the command that reproduces the numbers
 * (spec_command; empty for figures of pointwise curves). */
static int list_figures(struct cli *c, const struct spec *specs, size_t n)
{
	static const char *const cols[] = {"name", "caption", "command"};
	char (*cmd)[SPEC_CMDLEN] = calloc(n ? n : 1, sizeof *cmd);
	struct table t;
	table_init(&t, cols, 3);
	size_t i = 0;
	for (; cmd && i < n; i++) {
		spec_command(&specs[i], cmd[i], sizeof cmd[i]);
		train_commands(&specs[i], cmd[i], sizeof cmd[i]);
		struct cell row[3] = {STR(specs[i].name), STR(specs[i].caption), STR(cmd[i])};
		if (table_add(&t, row) != 0)
			break;
	}
	int st = !cmd || i < n ? cli_oom(c) : table_write(c, &t, FMT_TSV) == 0 ? CLI_OK : CLI_USAGE;
	table_free(&t);
	free(cmd);
	return st;
}

int cmd_figures(struct cli *c, int argc, char **argv)
{
	const char *outdir = "plots/out", *formats_s = "pdf,png,svg,gp";
	int list = 0, pos = 1, id, r, status = CLI_USAGE, jobs = 0;
	fig_render_opts ro = {0};
	struct spec_theme theme = {0};
	const char *val;

	while ((r = cli_next_opt(c, "figures", argc, argv, cmd_figures_opts, &pos, &id, &val)) > 0) {
		switch (id) {
		case F_HELP:
			fputs(cmd_figures_usage, c->out);
			return CLI_OK;
		case F_OUT: outdir = val; break;
		case F_FORMATS: formats_s = val; break;
		case F_DPI:
			{
				int dpi;
				if (parse_int_row(c, &opt_row_dpi, val, &dpi) != 0)
					return CLI_USAGE;
				ro.dpi = dpi;
			}
			break;
		case F_THEME:
			if (cli_read_theme(c, val, &theme) != 0)
				return CLI_USAGE;
			break;
		case F_LIST: list = 1; break;
		case F_JOBS:
			if (parse_int_row(c, &jobs_row, val, &jobs) != 0)
				return CLI_USAGE;
			break;
		}
	}
	if (r < 0)
		return CLI_USAGE;

	const char *fmts[4];
	int nf = 0;
	{
		char buf[128];
		if (strlen(formats_s) >= sizeof buf) {
			cli_error(c, "invalid formats '%s': expected a comma list of pdf, png, svg, gp", formats_s);
			return CLI_USAGE;
		}
		strcpy(buf, formats_s);
		char *save = NULL;
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			static const char *const known[] = {"pdf", "png", "svg", "gp"};
			int k = -1;
			for (int i = 0; i < 4; i++)
				if (strcmp(t, known[i]) == 0)
					k = i;
			if (k < 0) {
				cli_error(c, "invalid format '%s': must be one of pdf, png, svg, gp", t);
				return CLI_USAGE;
			}
			int dup = 0;
			for (int i = 0; i < nf; i++)
				dup |= fmts[i] == known[k];
			if (!dup)
				fmts[nf++] = known[k];
		}
		if (nf == 0) {
			cli_error(c, "invalid formats '%s': expected a comma list of pdf, png, svg, gp", formats_s);
			return CLI_USAGE;
		}
	}

	const char *dir = cli_plots_dir();
	size_t n;
	char **names = list_specs(dir, &n);
	if (names == NULL || n == 0) {
		cli_error(c, "no figure specs found in '%s'", dir);
		free_list(names);
		return CLI_USAGE;
	}
	static struct spec specs[64];
	if (n > 64)
		n = 64;
	char err[SPEC_ERRLEN], path[1024];
	/* Parse every spec before writing anything. */
	for (size_t i = 0; i < n; i++) {
		if (snprintf(path, sizeof path, "%s/%s.spec", dir, names[i]) >= (int)sizeof path) {
			cli_error(c, "plots directory name too long: '%s'", dir);
			goto done;
		}
		if (spec_parse(path, &specs[i], err) != 0) {
			cli_error(c, "%s", err);
			goto done;
		}
		spec_theme_merge(&specs[i].theme, &theme);
	}
	if (list) {
		status = list_figures(c, specs, n);
		goto done;
	}
	struct stat sd;
	if (strcmp(outdir, "-") == 0) {
		cli_error(c, "invalid output directory '-': figures writes files into a directory, "
			  "not to standard output (see 'focal plot -o -')");
		goto done;
	}
	errno = 0;
	if (make_dirs(outdir) != 0 || stat(outdir, &sd) != 0 || !S_ISDIR(sd.st_mode)) {
		cli_error(c, "cannot create output directory '%s': %s", outdir,
			  strerror(errno == 0 || errno == EEXIST ? ENOTDIR : errno));
		goto done;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t files = 0;
	struct figjob fj = {specs, n, outdir, fmts, nf, &ro};
	if (jobs == 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = cpus < 1 ? 1 : cpus > 8 ? 8 : (int)cpus;
	}
	if ((size_t)jobs > n)
		jobs = (int)n;
	/* Ctrl-C: finish the file being written (each is atomic), then stop,
	 * so only complete figures are left behind */
	struct sigaction old;
	cli_sigint_catch(&old);
	int st = figpool_render(c, &fj, jobs, &files);
	sigaction(SIGINT, &old, NULL);
	if (st == CLI_INTERRUPTED || (st == CLI_OK && cli_interrupted())) {
		cli_error(c, "interrupted");
		status = 130;
		goto done;
	}
	if (st != CLI_OK)
		goto done;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(c->out, "focal: wrote %zu figures as %zu files to ", n, files);
	cli_put_escaped(c->out, outdir);
	fprintf(c->out, " in %.2f s\n",
		(double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	status = CLI_OK;
done:
	free_list(names);
	return status;
}
