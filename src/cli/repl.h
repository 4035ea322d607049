/*
 * The focal REPL (focal(1), "repl"): a session that reads lines, splits
 * them into words like a small shell, and runs each one through the same
 * command table as the CLI, adding the session's defaults ('set gamma
 * 0.5,1,2') to the commands that take them.
 *
 *   repl_line.c      words of a line, quoting, UTF-8, the bounded reader
 *                    (pure: no session, no output)
 *   repl.c           the session loop: dispatch, running a command with
 *                    the session's parameters, scripts, cmd_repl
 *   repl_param.c     the parameters (set, unset, show, reset): option rows
 *   repl_fig.c       the figure plot draws, save, redrawing on a change
 *   repl_help.c      help
 *   repl_complete.c  what Tab offers at a cursor (pure)
 *   repl_edit.c      line editing and history (libedit, or plain reads
 *                    when built with -DFOCAL_NO_LIBEDIT)
 *   repl_plot.c      the live gnuplot window
 *
 * Everything mutable lives in struct repl_session, except what a signal
 * handler or libedit's context-free callbacks must reach (documented
 * where it is declared).
 */
#ifndef FOCAL_REPL_H
#define FOCAL_REPL_H

#include <stddef.h>
#include <sys/types.h>

#include "cli.h"
#include "focal/registry.h"

/* The longest line a session accepts, in bytes without the newline. */
#define REPL_LINE_MAX 65536

/* ---- words of a line (repl_line.c) ------------------------------------- */

enum {
	REPL_SPLIT_OK = 0,
	REPL_SPLIT_QUOTE = -1,   /* a quote is not closed; where = the quote */
	REPL_SPLIT_ESCAPE = -2,  /* the line ends in a lone backslash */
	REPL_SPLIT_NUL = -3,     /* a NUL byte; where = its offset */
	REPL_SPLIT_CONTROL = -4, /* a control byte other than tab */
	REPL_SPLIT_UTF8 = -5,    /* not valid UTF-8; where = the first bad byte */
	REPL_SPLIT_LONG = -6,    /* longer than REPL_LINE_MAX */
	REPL_SPLIT_NOMEM = -7
};

/* Flag for repl_split: accept an unfinished last word (for completion). */
#define REPL_SPLIT_PARTIAL 1

struct repl_words {
	int argc;
	char **argv;    /* argc words, then NULL; each points into buf */
	char *buf;
	int open_quote; /* with REPL_SPLIT_PARTIAL: the quote left open, or 0 */
	int at_end;     /* the last word runs to the end of the line (no blank
	                   after it): a cursor there is inside that word */
};

/*
 * Split line[0..len) into words.  Blanks (space, tab) separate words;
 * '...' keeps its text literally; "..." keeps its text except that \" and
 * \\ stand for " and \; outside quotes a backslash keeps the next byte;
 * # at the start of a word begins a comment that runs to the end of the
 * line.  Quoted and plain parts join: --loss="fl,fgl" is one word, and
 * '' is an empty word.  The line must be valid UTF-8 without NUL or other
 * control bytes (tab excepted) and at most REPL_LINE_MAX bytes.
 *
 * Returns REPL_SPLIT_OK and fills *w (free with repl_words_free), or a
 * negative REPL_SPLIT_* with *where set to the offending byte offset and
 * *w empty.  With REPL_SPLIT_PARTIAL an open quote or a final backslash
 * is accepted (w->open_quote tells which quote).
 */
int repl_split(const char *line, size_t len, int flags, struct repl_words *w,
	       size_t *where);

/* Release the words; a zeroed or already-freed struct is fine. */
void repl_words_free(struct repl_words *w);

/*
 * The message for a repl_split status (without "focal: "), e.g.
 * "unbalanced quote in line (close the ')".  Columns count bytes from 1.
 * Always NUL-terminates msg when cap > 0.
 */
void repl_split_message(int status, const char *line, size_t len, size_t where,
			char *msg, size_t cap);

/*
 * The offset of the first byte of s[0..len) that is not part of a valid
 * UTF-8 sequence (overlong forms, surrogates and values above U+10FFFF are
 * invalid), or len when all of it is valid.
 */
size_t repl_utf8_check(const char *s, size_t len);

/*
 * Write word into out so that repl_split reads it back as one word:
 * unchanged when it is non-empty and made of safe bytes (letters, digits,
 * , . _ : / @ % + = - ~ and non-ASCII), else in single quotes with each '
 * written '\''.  Returns the length the quoted form needs (without the
 * NUL), like snprintf; out is NUL-terminated when cap > 0.
 */
size_t repl_quote(const char *word, char *out, size_t cap);

/* ---- the bounded line reader (repl_line.c) ------------------------------ */

/* A source of bytes: like read(2), -1 with errno on error, 0 at the end. */
typedef ssize_t (*repl_read_fn)(void *ctx, void *buf, size_t n);

/* read(2) on *(int *)ctx. */
ssize_t repl_read_fd(void *ctx, void *buf, size_t n);

struct repl_reader {
	repl_read_fn read;
	void *ctx;
	char *buf;      /* REPL_LINE_MAX + 2 bytes */
	size_t start, end;
	int eof, skipping;
	long lineno;    /* the number of the line last returned (from 1) */
};

enum {
	REPL_READ_LINE = 1,   /* *line, *len: one line, NUL-terminated */
	REPL_READ_EOF = 0,
	REPL_READ_LONG = -1,  /* a line over REPL_LINE_MAX: its rest is skipped */
	REPL_READ_INTR = -2,  /* the read was interrupted by a signal */
	REPL_READ_ERROR = -3  /* errno says why */
};

/* 0, or -1 when out of memory. */
int repl_reader_init(struct repl_reader *r, repl_read_fn read, void *ctx);
void repl_reader_free(struct repl_reader *r);

/*
 * The next line without its newline (and without a '\r' before it, so
 * CRLF files read as LF files).  The last line needs no newline.  *line
 * points into the reader's buffer and is valid until the next call.  A
 * line longer than REPL_LINE_MAX is reported once as REPL_READ_LONG and
 * the rest of it is discarded; lineno counts it.  Never blocks longer
 * than the source does, never holds more than REPL_LINE_MAX + 2 bytes.
 */
int repl_reader_next(struct repl_reader *r, char **line, size_t *len);

/* ---- the session (repl.c) ----------------------------------------------- */

/* How a session may act on the world. */
struct repl_opts {
	int interactive;   /* prompts, line editing, history, live figures */
	int stop_on_error; /* scripted: stop at the first failing line */
	int history;       /* keep history across sessions (interactive) */
	int windows;       /* may open a gnuplot window (interactive) */
	int files;         /* may write files with save and plot -o */
	/* When set, asked before a command of the table runs, with the words
	 * it would get; 0 refuses it.  The fuzz harness keeps runs small and
	 * away from the file system with it. */
	int (*allow)(int argc, char **argv);
};

/* Session parameters: 'set NAME VALUE' (repl_param.c has the table).  The
 * row is the option the parameter becomes (--NAME) and holds its rule. */
struct repl_param {
	const struct opt *row;
	const char *example;
	const char *note;            /* what it is for, in 'help set', or NULL */
};
/* Built before main (repl_param.c): the session's own parameters, then
 * one for each option of the loss registry's parameters that a command
 * takes (its rule is that command's row). */
extern struct repl_param repl_params[];
extern size_t repl_nparams;
#define REPL_MAX_PARAMS 32

/* Is parameter p given to cmd: cmd takes --NAME VALUE, and a number there
 * has the parameter's rule (train's --clip, a gradient norm, is not ASL's
 * margin --clip)? */
struct cmd;
int repl_param_applies(const struct cmd *cmd, size_t p);
/* Is the value of parameter p given to cmd: it applies, and compare takes
 * the session's loss only when it names two losses (else its default
 * pair)?  (The weight and its parameters go only with the custom losses:
 * repl.c decides that from the line.) */
int repl_param_follows(const struct cmd *cmd, size_t p, const char *value);

/* Check value against parameter p's row, as the commands do: 0, or -1
 * after the commands' message on c->err. */
int repl_param_check(struct cli *c, size_t p, const char *value);

/* The losses 'set loss' takes and completes: eval's (custom weights
 * included: eval takes --weight on its line) and simulate's. */
#define REPL_LOSSES (FOCAL_HAS_VALUE | FOCAL_HAS_POP | FOCAL_TAKES_WEIGHT)

/* The words of the session's builtins (for help and completion). */
extern const char *const repl_builtins[];

/* The live gnuplot process (repl_plot.c). */
struct repl_gnuplot {
	pid_t pid;       /* 0: not running */
	int fd;          /* its standard input, or -1 */
	int probed;      /* looked for a window terminal */
	int missing;     /* gnuplot is not installed */
	char term[8];    /* "qt", "x11", "wxt", or "" for none */
	char dir[256];   /* private temporary directory, or "" */
	unsigned gen;    /* scripts sent */
};

enum { REPL_FIG_NONE = 0, REPL_FIG_TERM, REPL_FIG_WINDOW };

/* The last figure drawn: the plot line that made it, to redraw and save. */
struct repl_fig {
	int argc;
	char **argv;     /* "plot" and its words without -o, --term, --window */
	int mode;        /* REPL_FIG_*: how it is shown (NONE: only saved) */
};

struct repl_session {
	struct cli *c;
	FILE *ui;             /* prompt, banner and notes: c->out, or c->err
	                         when only standard output is redirected */
	struct repl_opts o;
	char *param[REPL_MAX_PARAMS]; /* set values (owned), NULL when unset */
	struct repl_fig fig;
	struct repl_gnuplot gp;
	long lineno;          /* scripted: the line being run, for messages */
	int quit;             /* 'quit' or 'exit' was run */
	int noted_window;     /* told the user why there is no window */
	int warned_history;   /* told the user history is not kept */
	char *history_path;   /* NULL: no history */
	char *edit_line;      /* repl_edit.c: the line last read */
	struct repl_reader in; /* plain reads of standard input */
	int in_fd;
	int in_ready;
};

/*
 * Start a session writing to c (which must outlive it).  0, or -1 when
 * out of memory.  repl_session_free closes the gnuplot window and removes
 * the session's temporary files.
 */
int repl_session_init(struct repl_session *s, struct cli *c,
		      const struct repl_opts *o);
void repl_session_free(struct repl_session *s);

/*
 * Run one line: a command of the table, a builtin, a comment or nothing.
 * Returns CLI_OK, CLI_FAIL, CLI_USAGE or CLI_INTERRUPTED (Ctrl-C); after
 * 'quit' or 'exit', s->quit is set.  Errors go to s->c->err, prefixed
 * with "line N: " when s->lineno > 0.
 */
int repl_exec(struct repl_session *s, const char *line, size_t len);

/* Print "focal: [line N: ]message" on the session's error stream. */
void repl_error(struct repl_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- completion (repl_complete.c) --------------------------------------- */

struct repl_completion {
	char **v;       /* candidates (owned), each starting with the text */
	size_t n, cap;
	int files;      /* the word is a file name: let the editor complete it */
};

/*
 * What Tab offers for the word text at the end of line[0..start) +
 * text: commands and builtins first, then a command's options, values of
 * the option before the cursor (--loss, --format, ...; after a comma, the
 * rest of a list), parameter names and values after set/unset/show, and
 * figure names after plot.  s NULL completes a shell's command line
 * instead (focal --complete, for bash): its first word is the program,
 * and the session's builtins are not offered.  0, or -1 when out of
 * memory (out is then empty).  Free with repl_completion_free.
 */
int repl_complete(const struct repl_session *s, const char *line, size_t start,
		  const char *text, struct repl_completion *out);
void repl_completion_free(struct repl_completion *cm);

/* ---- line editing (repl_edit.c) ----------------------------------------- */

/* Load history, install completion.  Interactive sessions only. */
void repl_edit_begin(struct repl_session *s);

/*
 * Show the prompt and read a line: REPL_READ_LINE with *line (valid until
 * the next call), REPL_READ_EOF (Ctrl-D), REPL_READ_INTR (Ctrl-C: the
 * line is dropped and "^C" shown), REPL_READ_LONG or REPL_READ_ERROR.
 */
int repl_edit_read(struct repl_session *s, char **line, size_t *len);

/* Remember a line typed (not blank, not a repeat) and save the history. */
void repl_edit_remember(struct repl_session *s, const char *line);
void repl_edit_end(struct repl_session *s);

/* ---- the gnuplot window (repl_plot.c) ----------------------------------- */

/*
 * 1 when a window can be shown: a display (DISPLAY or WAYLAND_DISPLAY)
 * and a gnuplot with the qt, x11 or wxt terminal (looked for once).  0
 * with *why set to a static reason otherwise.
 */
int repl_window_available(struct repl_session *s, const char **why);

/*
 * Show the gnuplot script at gp_path (written by 'plot -o FILE.gp') in
 * the session's window, starting gnuplot when it is not running and
 * restarting it once if it died.  0, or -1 after printing why.
 */
int repl_window_show(struct repl_session *s, const char *gp_path,
		     const char *title);

/* A path for a script in the session's private directory (created on
 * first use): 0, or -1 after printing why. */
int repl_window_path(struct repl_session *s, char *path, size_t cap);

/* Stop gnuplot (closing the window) and remove the temporary files. */
void repl_window_close(struct repl_gnuplot *g);

/* ---- inside the session (repl.c, repl_param.c, repl_fig.c, repl_help.c) -- */

/* Copy a command's messages to the session's error stream (repl.c). */
void repl_relay(struct repl_session *s, const char *text, size_t len);
/* The closest of names to word (distance <= 2), or NULL (repl.c). */
const char *repl_closest(const char *word, const char *const *names, size_t n,
			 const char *skip);
const char *repl_closest_command(const char *word);
/* Run cmd with the session's parameters added (repl.c). */
int repl_run(struct repl_session *s, const struct cmd *cmd, int argc, char **argv,
	     int nextra, char **extra);

/* What a line gives (repl_param.c).  The option of opts named name[0..len). */
const struct opt *repl_find_opt(const struct opt *opts, const char *name, size_t len);
/* Does cmd take --name VALUE? */
int repl_takes(const struct cmd *cmd, const char *name);
/* Do the words v[0..n) give --name?  Values of options are skipped. */
int repl_gives_in(const struct cmd *cmd, char *const *v, int n, const char *name);
int repl_gives(const struct cmd *cmd, int argc, char **argv, const char *name);
/* Do they give an option that cmd's rules say cannot go with --name? */
int repl_gives_excluded(const struct cmd *cmd, char *const *v, int n, const char *name);

/* The parameters (repl_param.c): the index of name, or -1; the builtins. */
int repl_param_index(const char *name);
int repl_show(struct repl_session *s, int argc, char **argv);
int repl_set(struct repl_session *s, int argc, char **argv);
int repl_unset(struct repl_session *s, int argc, char **argv);
int repl_reset(struct repl_session *s, int argc, char **argv);
void repl_help_params(FILE *out);

/* The figure (repl_fig.c). */
void repl_fig_clear(struct repl_fig *f);
const char *repl_fig_name(const struct cmd *plot, const struct repl_fig *f);
void repl_fig_gamma(const struct repl_session *s, const struct cmd *plot, char *buf,
		    size_t cap);
/* After parameters changed (changed[p]): redraw a live figure using them. */
void repl_follow(struct repl_session *s, const int *changed);
int repl_plot(struct repl_session *s, const struct cmd *plot, int argc, char **argv);
/* explore, with the session's live gnuplot window following it (repl_fig.c). */
int repl_explore(struct repl_session *s, const struct cmd *explore, int argc, char **argv);
int repl_save(struct repl_session *s, int argc, char **argv);

/* help [TOPIC] (repl_help.c). */
int repl_help(struct repl_session *s, int argc, char **argv);

#endif
