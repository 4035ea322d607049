/*
 * The screen of focal explore, with ncurses: it reads the keys (arrows
 * and Tab decoded from any terminal's sequences, by terminfo), sizes the
 * figure to the terminal and follows its resizing (KEY_RESIZE on
 * SIGWINCH), writes only the cells that changed, and restores the
 * terminal on every way out: q, Ctrl-C (a key in raw mode; SIGINT from
 * elsewhere is polled), Ctrl-Z (ncurses' SIGTSTP handler suspends and
 * redraws on fg), SIGTERM or SIGHUP (restored, then the signal's default),
 * an error (the message after the screen is restored).
 *
 * The header (line 0) shows the parameters, the readout (below the
 * figure) every curve's value at the crosshair, the footer the keys or the
 * last message.  FOCAL_EXPLORE_TIMES=FILE appends, per key, the
 * milliseconds from the key's arrival to the end of the redraw's output
 * (make bench, docs/performance.md).
 */
#define NCURSES_WIDECHAR 1
#include "explore.h"

#include <curses.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wchar.h>

#define READOUT_MAX 3

static volatile sig_atomic_t fatal_sig;

static void on_fatal(int sig)
{
	fatal_sig = sig;
}

/* SIGTERM and SIGHUP end the loop (and, after the terminal is restored,
 * the program, as they would have); SIGINT asks it to stop. */
static void catch_signals(struct sigaction old[3])
{
	static const int sigs[] = {SIGTERM, SIGHUP};
	cli_sigint_catch(&old[0]);
	for (int i = 0; i < 2; i++) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_fatal;
		sigemptyset(&sa.sa_mask);
		sigaction(sigs[i], &sa, &old[i + 1]);
	}
}

static void restore_signals(const struct sigaction old[3])
{
	sigaction(SIGINT, &old[0], NULL);
	sigaction(SIGTERM, &old[1], NULL);
	sigaction(SIGHUP, &old[2], NULL);
}

/* Colour pairs 1..6: blue, red, green, magenta, yellow, cyan on the
 * terminal's background. */
static void init_colors(const struct explore *e)
{
	static const short fg[] = {COLOR_BLUE, COLOR_RED, COLOR_GREEN, COLOR_MAGENTA,
				   COLOR_YELLOW, COLOR_CYAN};
	if (!e->color || !has_colors() || start_color() == ERR)
		return;
	use_default_colors();
	for (short i = 0; i < 6; i++)
		init_pair((short)(i + 1), fg[i], -1);
}

/* The pair nearest a series colour; 0 (the default) for greys and black. */
static short pair_of(fig_rgb c)
{
	static const fig_rgb basic[] = {{0, 0, 1}, {1, 0, 0}, {0, 1, 0}, {1, 0, 1}, {1, 1, 0}, {0, 1, 1}};
	double hi = fmax(c.r, fmax(c.g, c.b)), lo = fmin(c.r, fmin(c.g, c.b));
	if (!has_colors() || hi - lo < 0.25)
		return 0;
	short best = 0;
	double bd = INFINITY;
	for (short i = 0; i < 6; i++) {
		/* compare hues: scale the colour to full brightness */
		double dr = c.r / hi - basic[i].r, dg = c.g / hi - basic[i].g, db = c.b / hi - basic[i].b;
		double d = dr * dr + dg * dg + db * db;
		if (d < bd) {
			bd = d;
			best = (short)(i + 1);
		}
	}
	return best;
}

/* One cell at (row, col). */
static void put_cell(int row, int col, const fig_cell *k, int color)
{
	short pair = color && k->colored ? pair_of(k->color) : 0;
	wchar_t w[2] = {(wchar_t)k->ch, 0};
	cchar_t cc;
	if (setcchar(&cc, w, A_NORMAL, pair, NULL) == OK)
		mvadd_wch(row, col, &cc);
}

/* A line of UTF-8 text at row, cut to the screen's width; attr on the
 * part between '>' and '<' of the header's selected parameter. */
static void put_line(int row, const char *text, attr_t sel)
{
	move(row, 0);
	clrtoeol();
	attr_t on = A_NORMAL;
	for (const char *s = text; *s && getcurx(stdscr) < COLS - 1;) {
		if (sel && (*s == '>' || *s == '<')) {
			on = *s == '>' ? sel : A_NORMAL;
			addch(' ');
			s++;
			continue;
		}
		size_t l = strcspn(s, "><\n");
		if (!sel)
			l = strcspn(s, "\n");
		if (l == 0)
			break;
		attron(on);
		addnstr(s, (int)l);
		attroff(on);
		s += l;
	}
}

/* The figure, the readout and the header and footer, at this size. */
static void draw(struct explore *e)
{
	char head[1024], read[4096], *lines[READOUT_MAX];
	int nread = 0;
	explore_header(e, head, sizeof head);
	explore_readout(e, read, sizeof read);
	for (char *s = read; *s && nread < READOUT_MAX; nread++) {
		lines[nread] = s;
		s += strcspn(s, "\n");
		if (*s)
			*s++ = '\0';
	}
	int rows = LINES - 2 - nread, cols = COLS;
	erase();
	put_line(0, head, A_REVERSE);
	if (rows < 8 || cols < 20) {
		put_line(1, "the terminal is too small for the figure", 0);
	} else {
		fig_figure *f = NULL;
		fig_cell *cells = malloc((size_t)rows * (size_t)cols * sizeof *cells);
		fig_render_opts ro = {.term_cols = cols, .term_rows = rows,
				      .term_braille = !e->ascii, .term_ascii = e->ascii};
		if (cells && explore_figure(e, 1, &f) == 0 &&
		    fig_render_cells(f, &ro, cells) == FIG_OK) {
			for (int r = 0; r < rows; r++)
				for (int c = 0; c < cols; c++)
					put_cell(1 + r, c, &cells[(size_t)r * (size_t)cols + (size_t)c], e->color);
		} else if (!cells) {
			snprintf(e->status, sizeof e->status, "out of memory");
		}
		fig_free(f);
		free(cells);
	}
	for (int i = 0; i < nread; i++)
		put_line(LINES - 1 - nread + i, lines[i], 0);
	const char *keys = e->ascii
		? "<-/-> change  up/down/Tab select  [ ] crosshair  s save  r reset  q quit"
		: "\xe2\x86\x90/\xe2\x86\x92 change  \xe2\x86\x91/\xe2\x86\x93/Tab select  "
		  "[ ] crosshair  s save  r reset  q quit";
	put_line(LINES - 1, e->status[0] ? e->status : keys, 0);
	refresh();
}

/* s: ask for a file name on the footer line; empty keeps the default. */
static void save_prompt(struct explore *e)
{
	char def[128], name[1024];
	snprintf(def, sizeof def, "%.100s.pdf", strrchr(e->name, '/') ? strrchr(e->name, '/') + 1 : e->name);
	char prompt[256];
	snprintf(prompt, sizeof prompt, "save as (.pdf .svg .png .gp) [%s]: ", def);
	put_line(LINES - 1, prompt, 0);
	echo();
	curs_set(1);
	timeout(-1);
	int rc = getnstr(name, (int)sizeof name - 1);
	noecho();
	curs_set(0);
	timeout(200);
	if (rc == ERR)
		name[0] = '\0';
	explore_save(e, name[0] ? name : def);
}

/* One key: 1 to quit, 0 to go on. */
static int on_key(struct explore *e, int ch)
{
	e->status[0] = '\0';
	switch (ch) {
	case KEY_LEFT: case 'h':
		if (explore_step(e, -1) != 0)
			snprintf(e->status, sizeof e->status, "at the lower bound");
		break;
	case KEY_RIGHT: case 'l':
		if (explore_step(e, 1) != 0)
			snprintf(e->status, sizeof e->status, "at the upper bound");
		break;
	case KEY_UP: case 'k': case KEY_BTAB:
		if (e->np)
			e->sel = (e->sel + e->np - 1) % e->np;
		break;
	case KEY_DOWN: case 'j': case '\t':
		if (e->np)
			e->sel = (e->sel + 1) % e->np;
		break;
	case '[': if (e->xk > 0) e->xk--; break;
	case ']': if (e->xk < EXPLORE_XSTEPS) e->xk++; break;
	case 's': save_prompt(e); break;
	case 'r':
		for (int i = 0; i < e->np; i++)
			e->p[i].k = e->p[i].k0;
		e->xk = e->xk0;
		explore_apply(e);
		break;
	case 'q': case 'Q': case 3: /* Ctrl-C, a key in raw mode */
		return 1;
	case 26:
		/* Ctrl-Z, a key in raw mode: restore the terminal, then stop
		 * the process group as the terminal would (the shell reports
		 * the stop on the main screen, not on ours); on fg the next
		 * refresh takes the screen back */
		endwin();
		kill(0, SIGTSTP);
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	return 0;
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return 1e3 * (double)(t1.tv_sec - t0->tv_sec) + 1e-6 * (double)(t1.tv_nsec - t0->tv_nsec);
}

int explore_ui(struct explore *e)
{
	const char *tf = getenv("FOCAL_EXPLORE_TIMES");
	FILE *times = tf && *tf ? fopen(tf, "a") : NULL;
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (scr == NULL) {
		if (times)
			fclose(times);
		cli_error(e->c, "explore: cannot use the terminal (TERM='%s')",
			  getenv("TERM") ? getenv("TERM") : "");
		return CLI_USAGE;
	}
	struct sigaction old[3];
	catch_signals(old);
	raw();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	init_colors(e);
	timeout(200); /* to notice SIGINT and SIGTERM between keys */
	cli_interrupt_clear();
	draw(e);
	for (;;) {
		int ch = getch();
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (fatal_sig || cli_interrupted())
			break;
		if (ch == ERR)
			continue;
		if (on_key(e, ch))
			break;
		draw(e);
		if (times) {
			fprintf(times, "%.3f\n", ms_since(&t0));
			fflush(times);
		}
	}
	endwin();
	delscreen(scr);
	restore_signals(old);
	if (times)
		fclose(times);
	cli_interrupt_clear();
	if (fatal_sig)
		raise(fatal_sig);
	return CLI_OK;
}
