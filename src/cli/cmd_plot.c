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
	"usage: focal plot SPEC|NAME [-o FILE [--output-format F] [--svg-text]] [--gamma LIST]\n"
	"                  [--dpi N] [--theme FILE] [--term [--cols N] [--rows N]] [--window]\n"
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
	"  --svg-text         SVG with the text as <text> elements, font named\n"
	"                     (editable in Inkscape or Illustrator), not outlines\n"
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
	"Spec search path for NAME: $FOCAL_PLOTS, ./plots, the installed set\n"
	"(BINDIR/../share/focal/plots, else " FOCAL_DATADIR "/plots).\n";

const char cmd_figures_usage[] =
	"usage: focal figures [-o DIR] [--formats LIST] [--dpi N] [--theme FILE] [--svg-text]\n"
	"                     [--jobs N] [--list]\n"
	"\n"
	"Render every figure spec of the set (every *.spec in the plots directory)\n"
	"into DIR as NAME.FORMAT.\n"
	"\n"
	"  -o, --output DIR  where to write (default plots/out; created if missing)\n"
	"  --formats LIST    comma list of pdf, svg, png, gp (default pdf,png,svg,gp)\n"
	"  --dpi N           PNG resolution in [10, 2400] (default 300)\n"
	"  --theme FILE      restyle every figure by a theme file (see focal plot)\n"
	"  --svg-text        SVG with the text as <text> elements, font named\n"
	"                    (editable in Inkscape or Illustrator), not outlines\n"
	"  --jobs N          render N figures at a time in worker processes\n"
	"                    (default: one per CPU, at most 8; 1 = in this process)\n"
	"  --list            print the figure names and captions instead (tsv:\n"
	"                    columns name, caption, command: the focal simulate or\n"
	"                    focal train command that prints the figure's numbers)\n";

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The first of: $env; ./checkout (the working directory is a checkout);
 * beside the running program, BINDIR/../share/focal/SUB (an install, also
 * under DESTDIR or moved) or BUILDDIR/../CHECKOUT (a checkout's
 * build/focal); FOCAL_DATADIR/SUB, where the program was built to be
 * installed.  Returns the environment string, checkout or buf.
 */
static const char *search_dir(const char *env, const char *checkout, const char *sub,
			      char *buf, size_t cap)
{
	const char *e = getenv(env);
	if (e && *e)
		return e;
	if (is_dir(checkout))
		return checkout;
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash) {
		*slash = '\0';
		if (snprintf(buf, cap, "%s/../share/focal/%s", exe, sub) < (int)cap && is_dir(buf))
			return buf;
		if (snprintf(buf, cap, "%s/../%s", exe, checkout) < (int)cap && is_dir(buf))
			return buf;
	}
	snprintf(buf, cap, "%s/%s", FOCAL_DATADIR, sub);
	return buf;
}

const char *cli_plots_dir(char *buf, size_t cap)
{
	return search_dir("FOCAL_PLOTS", "plots", "plots", buf, cap);
}

const char *cli_data_dir(char *buf, size_t cap)
{
	return search_dir("FOCAL_DATA", "tests/data", "data", buf, cap);
}

/* spec_parse, with the data directory of the spec's bare ref= names. */
int cli_parse_spec(const char *path, struct spec *s, char *err)
{
	if (spec_parse(path, s, err) != 0)
		return -1;
	char dir[CLI_DIRLEN];
	snprintf(s->datadir, sizeof s->datadir, "%s", cli_data_dir(dir, sizeof dir));
	return 0;
}

int cli_resolve_spec(struct cli *c, const char *name, char *path, size_t cap)
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
	char dir[CLI_DIRLEN];
	snprintf(path, cap, "%s/%s.spec", cli_plots_dir(dir, sizeof dir), name);
	if (stat(path, &st) != 0) {
		cli_error(c, "unknown figure '%s' (no %s; see 'focal figures --list')", name, path);
		return -1;
	}
	return 0;
}

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

struct plotargs {
	const char *name, *out, *theme;
	struct dlist gamma;
	double dpi, cols, rows;
	int term, window, ofmt, svgtext;
};

static const char *const ofmt_names[] = {"pdf", "svg", "png", "gp", "rec", "txt", NULL};

#define PLOT_WHY "a figure goes to one of -o FILE, --term and --window"
/* In the order their values are checked. */
const struct opt cmd_plot_opts[] = {
	{.name = "", .has_arg = 1, .type = OPT_STRING, .target = offsetof(struct plotargs, name),
	 .why = "one figure at a time"},
	OPT_ROW_HELP,
	{.name = "o", .has_arg = 1, .type = OPT_PATH, .target = offsetof(struct plotargs, out),
	 .excludes = "output term window", .why = PLOT_WHY},
	{.name = "output", .has_arg = 1, .type = OPT_PATH, .target = offsetof(struct plotargs, out),
	 .excludes = "term window", .why = PLOT_WHY},
	OPT_ROW_GAMMA(offsetof(struct plotargs, gamma), NULL,
		      "replace the gamma list of every curve (numbers in [0, 100])"),
	OPT_ROW_DPI(offsetof(struct plotargs, dpi), "PNG resolution in [10, 2400] (default 300)"),
	{.name = "term", .type = OPT_FLAG, .target = offsetof(struct plotargs, term),
	 .excludes = "window", .why = PLOT_WHY},
	OPT_ROW_COLS(offsetof(struct plotargs, cols), NULL),
	OPT_ROW_ROWS(offsetof(struct plotargs, rows), NULL),
	{.name = "window", .type = OPT_FLAG, .target = offsetof(struct plotargs, window)},
	OPT_ROW_THEME(offsetof(struct plotargs, theme), NULL),
	{.name = "svg-text", .type = OPT_FLAG, .target = offsetof(struct plotargs, svgtext)},
	{.name = "output-format", .has_arg = 1, .type = OPT_ENUM,
	 .target = offsetof(struct plotargs, ofmt), .names = ofmt_names, .needs = "o output",
	 .why = "the format of FILE", .arg = "F"},
	OPT_END};

/* The backend's format: --output-format's, else FILE's extension's; NULL
 * for the terminal (no FILE); -1 after a message. */
static int plot_format(struct cli *c, const struct plotargs *a, const char **format)
{
	*format = NULL;
	if (a->ofmt >= 0) {
		/* the names are the extensions: "figure.FMT" picks the backend */
		char probe[16];
		snprintf(probe, sizeof probe, "figure.%s", ofmt_names[a->ofmt]);
		*format = fig_format_for_path(probe);
	} else if (a->out && (*format = fig_format_for_path(a->out)) == NULL) {
		cli_error(c, "unknown output format for '%s': use .pdf, .svg, .png, .gp, .rec or .txt, "
			  "or --output-format", a->out);
		return -1;
	}
	return 0;
}

/* The spec of NAME or SPEC, with --gamma's list if given; -1 after a message. */
static int plot_spec(struct cli *c, const struct plotargs *a, struct spec *s)
{
	char path[1024], err[SPEC_ERRLEN];
	if (cli_resolve_spec(c, a->name, path, sizeof path) != 0)
		return -1;
	if (cli_parse_spec(path, s, err) != 0) {
		cli_error(c, "%s", err);
		return -1;
	}
	struct spec_theme th = {0};
	if (a->theme) {
		if (cli_read_theme(c, a->theme, &th) != 0)
			return -1;
		spec_theme_merge(&s->theme, &th);
	}
	if (a->gamma.n > SPEC_MAX_GAMMAS) {
		cli_error(c, "invalid gamma list: at most %d values in a figure", SPEC_MAX_GAMMAS);
		return -1;
	}
	if (a->gamma.n > 0)
		spec_override_gammas(s, a->gamma.v, (int)a->gamma.n);
	return 0;
}

/* Write f to out, its provenance the command line and the spec. */
static int render_file(struct cli *c, const fig_figure *f, const struct spec *s, const char *out,
		       const char *format, const fig_render_opts *ro, int argc, char **argv)
{
	fig_render_opts o = *ro;
	char *cmdline = cli_command_line(argc, argv);
	char *source = cmdline ? cli_fig_source(cmdline, s, f) : NULL;
	free(cmdline);
	if (source == NULL)
		return cli_oom(c);
	o.source = source;
	errno = 0;
	fflush(c->out); /* "-" writes the same descriptor: keep the order */
	int st = fig_render(f, out, format, &o);
	free(source);
	return st == FIG_OK ? CLI_OK : cli_render_error(c, out, st);
}

int cmd_plot(struct cli *c, int argc, char **argv)
{
	struct plotargs a = {.ofmt = -1};
	int status = CLI_USAGE;
	fig_figure *f = NULL;
	const char *format;
	static struct spec s;
	int r = opt_parse(c, "plot", cmd_plot_usage, cmd_plot_opts, argc, argv, &a);
	if (r != 0) {
		status = r > 0 ? CLI_OK : CLI_USAGE;
		goto done;
	}
	fig_render_opts ro = {.dpi = (int)a.dpi, .term_cols = (int)a.cols, .term_rows = (int)a.rows,
			      .svg_text = a.svgtext != 0, .term_ascii = !cli_locale_utf8()};
	if (a.name == NULL) {
		cli_error(c, "plot: which figure? give a spec file or a name (see 'focal figures --list')");
		goto done;
	}
	if (plot_format(c, &a, &format) != 0 || plot_spec(c, &a, &s) != 0)
		goto done;
	struct cli_progress pr;
	char err[SPEC_ERRLEN];
	cli_progress_begin(&pr, 1);
	const focal_progress fp = {cli_progress_cb, &pr};
	if (spec_build_p(&s, &f, err, &fp) != 0) {
		if (!cli_interrupted())
			cli_error(c, "%s", err);
		goto done;
	}
	cli_progress_end(&pr);
	if (a.window) {
		status = show_window(c, f, &ro);
	} else if (a.out) {
		status = render_file(c, f, &s, a.out, format, &ro, argc, argv);
	} else {
		int st = fig_render_stream(f, c->out, "term", &ro);
		status = st == FIG_OK ? CLI_OK : cli_render_error(c, "standard output", st);
	}
done:
	fig_free(f);
	opt_free(cmd_plot_opts, &a);
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

struct figargs {
	const char *outdir, *formats, *theme;
	double dpi, jobs;
	int list, svgtext;
};

static const char *const figure_formats[] = {"pdf", "png", "svg", "gp", NULL};

/* In the order their values are checked. */
const struct opt cmd_figures_opts[] = {
	OPT_ROW_HELP,
	{.name = "o", .has_arg = 1, .type = OPT_PATH, .target = offsetof(struct figargs, outdir)},
	{.name = "output", .has_arg = 1, .type = OPT_PATH, .target = offsetof(struct figargs, outdir),
	 .def = "plots/out", .arg = "DIR"},
	{.name = "formats", .has_arg = 1, .type = OPT_NAMES, .target = offsetof(struct figargs, formats),
	 .names = figure_formats, .what = "format", .def = "pdf,png,svg,gp", .arg = "LIST",
	 .help = "comma list of pdf, svg, png, gp (default pdf,png,svg,gp)"},
	OPT_ROW_DPI(offsetof(struct figargs, dpi), "PNG resolution in [10, 2400] (default 300)"),
	OPT_ROW_THEME(offsetof(struct figargs, theme), "restyle every figure by a theme file (see focal plot)"),
	{.name = "svg-text", .type = OPT_FLAG, .target = offsetof(struct figargs, svgtext),
	 .help = "SVG with the text as <text> elements, font named"},
	{.name = "jobs", .has_arg = 1, .type = OPT_INT, .target = offsetof(struct figargs, jobs),
	 .lo = 1, .hi = 64, .arg = "N", .help = "render N figures at a time in worker processes"},
	{.name = "list", .type = OPT_FLAG, .target = offsetof(struct figargs, list),
	 .excludes = "o output formats dpi jobs",
	 .why = "--list prints the names and captions and renders nothing",
	 .help = "print the figure names and captions instead (tsv:"},
	OPT_END};

/* --list: name, caption and the commands that reproduce the numbers
 * (spec_command: focal simulate, or focal eval for a figure of pointwise
 * curves; train_commands: focal train; empty when there are none). */
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

/* The formats of a checked --formats list, each once, in the order given. */
static int figure_fmts(const char *list, const char *fmts[4])
{
	int nf = 0;
	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		for (int i = 0; figure_formats[i]; i++) {
			int dup = 0;
			for (int j = 0; j < nf; j++)
				dup |= fmts[j] == figure_formats[i];
			if (!dup && strlen(figure_formats[i]) == len && strncmp(p, figure_formats[i], len) == 0)
				fmts[nf++] = figure_formats[i];
		}
		p += len + (p[len] == ',');
	}
	return nf;
}

/* Every spec of the plots directory, parsed before anything is written:
 * their number (at most 64), or 0 after a message. */
static size_t load_specs(struct cli *c, struct spec *specs, const struct spec_theme *theme)
{
	char dirbuf[CLI_DIRLEN];
	const char *dir = cli_plots_dir(dirbuf, sizeof dirbuf);
	size_t n;
	char **names = list_specs(dir, &n);
	char err[SPEC_ERRLEN], path[1024];
	if (names == NULL || n == 0)
		cli_error(c, "no figure specs found in '%s'", dir);
	if (n > 64)
		n = 64;
	for (size_t i = 0; names && i < n; i++) {
		if (snprintf(path, sizeof path, "%s/%s.spec", dir, names[i]) >= (int)sizeof path) {
			cli_error(c, "plots directory name too long: '%s'", dir);
			n = 0;
		} else if (cli_parse_spec(path, &specs[i], err) != 0) {
			cli_error(c, "%s", err);
			n = 0;
		} else {
			spec_theme_merge(&specs[i].theme, theme);
		}
	}
	free_list(names);
	return names ? n : 0;
}

/* Create the output directory; -1 after a message. */
static int output_dir(struct cli *c, const char *outdir)
{
	struct stat sd;
	if (strcmp(outdir, "-") == 0) {
		cli_error(c, "invalid output directory '-': figures writes files into a directory, "
			  "not to standard output (see 'focal plot -o -')");
		return -1;
	}
	errno = 0;
	if (make_dirs(outdir) != 0 || stat(outdir, &sd) != 0 || !S_ISDIR(sd.st_mode)) {
		cli_error(c, "cannot create output directory '%s': %s", outdir,
			  strerror(errno == 0 || errno == EEXIST ? ENOTDIR : errno));
		return -1;
	}
	return 0;
}

int cmd_figures(struct cli *c, int argc, char **argv)
{
	struct figargs a = {0};
	int r = opt_parse(c, "figures", cmd_figures_usage, cmd_figures_opts, argc, argv, &a);
	if (r != 0)
		return r > 0 ? CLI_OK : CLI_USAGE;
	fig_render_opts ro = {.dpi = (int)a.dpi, .svg_text = a.svgtext != 0};
	const char *fmts[4];
	int nf = figure_fmts(a.formats, fmts), jobs = (int)a.jobs;
	static struct spec specs[64];
	struct spec_theme theme = {0};
	if (a.theme && cli_read_theme(c, a.theme, &theme) != 0)
		return CLI_USAGE;
	size_t n = load_specs(c, specs, &theme);
	if (n == 0)
		return CLI_USAGE;
	if (a.list)
		return list_figures(c, specs, n);
	if (output_dir(c, a.outdir) != 0)
		return CLI_USAGE;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	size_t files = 0;
	struct figjob fj = {specs, n, a.outdir, fmts, nf, &ro, cli_command_line(argc, argv)};
	if (fj.command == NULL)
		return cli_oom(c);
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
	free(fj.command);
	sigaction(SIGINT, &old, NULL);
	if (st == CLI_INTERRUPTED || (st == CLI_OK && cli_interrupted())) {
		cli_error(c, "interrupted");
		return CLI_INTERRUPTED;
	}
	if (st != CLI_OK)
		return st;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	fprintf(c->out, "focal: wrote %zu figures as %zu files to ", n, files);
	cli_put_escaped(c->out, a.outdir);
	fprintf(c->out, " in %.2f s\n",
		(double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
	return CLI_OK;
}
