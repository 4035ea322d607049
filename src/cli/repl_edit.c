/*
 * Line editing for interactive sessions (repl.h): libedit's readline
 * interface with history and completion, or, built with
 * -DFOCAL_NO_LIBEDIT, a prompt and plain reads of standard input (as
 * Lua's lua.c does without readline).  Scripted sessions never come here.
 *
 * History: $XDG_STATE_HOME/focal/history, else
 * $HOME/.local/state/focal/history; at most 1000 lines, written after each
 * line (to a temporary file renamed over the old one).  When it cannot be
 * kept the session says so once and goes on.
 */
#include "repl.h"

#include "focal/outfile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef FOCAL_NO_LIBEDIT
#include <editline/readline.h>
#endif

#define PROMPT "focal> "
#define HISTORY_MAX 1000

/* mkdir -p, private: history is personal. */
static int make_dirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		int r = mkdir(path, 0700);
		*p = '/';
		if (r != 0 && errno != EEXIST)
			return -1;
	}
	if (mkdir(path, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

static void history_warn(struct repl_session *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void history_warn(struct repl_session *s, const char *fmt, ...)
{
	if (s->warned_history)
		return;
	s->warned_history = 1;
	va_list ap;
	va_start(ap, fmt);
	fflush(s->c->out);
	fputs("focal: history not kept: ", s->c->err);
	vfprintf(s->c->err, fmt, ap);
	fputc('\n', s->c->err);
	va_end(ap);
}

/* The history file's path (owned by s), creating its directory; NULL
 * when there is none. */
static char *history_path(struct repl_session *s)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[4096];
	int n;
	/* The XDG base directory spec: relative paths are to be ignored. */
	if (state && state[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/focal", state);
	else if (home && home[0] == '/')
		n = snprintf(dir, sizeof dir, "%s/.local/state/focal", home);
	else {
		history_warn(s, "neither XDG_STATE_HOME nor HOME is set");
		return NULL;
	}
	if (n < 0 || (size_t)n >= sizeof dir - 16) {
		history_warn(s, "the state directory's name is too long");
		return NULL;
	}
	if (make_dirs(dir) != 0) {
		history_warn(s, "cannot create '%s': %s", dir, strerror(errno));
		return NULL;
	}
	size_t len = strlen(dir) + sizeof "/history";
	char *path = malloc(len);
	if (path)
		snprintf(path, len, "%s/history", dir);
	return path;
}

#ifndef FOCAL_NO_LIBEDIT

/* libedit's completion callbacks take no context: the session being
 * edited, and the candidates handed out one by one by generator(). */
static struct repl_session *editing;
static struct repl_completion pending;
static size_t pending_next;

static char *generator(const char *text, int state)
{
	(void)text;
	if (state == 0)
		pending_next = 0;
	if (pending_next >= pending.n)
		return NULL;
	/* libedit frees what it is given */
	char *c = pending.v[pending_next];
	pending.v[pending_next++] = NULL;
	return c;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	repl_completion_free(&pending);
	rl_attempted_completion_over = 1;
	if (editing == NULL || repl_complete(editing, rl_line_buffer, (size_t)start, text,
					      &pending) != 0)
		return NULL;
	if (pending.files) {
		/* let libedit complete a file name */
		rl_attempted_completion_over = 0;
		return NULL;
	}
	if (pending.n == 0)
		return NULL;
	char **m = rl_completion_matches(text, generator);
	repl_completion_free(&pending);
	return m;
}

void repl_edit_begin(struct repl_session *s)
{
	editing = s;
	rl_readline_name = "focal";
	rl_attempted_completion_function = complete;
	/* '=' splits, so --format=<Tab> completes the value */
	rl_basic_word_break_characters = " \t\n=";
	rl_outstream = s->ui;
	using_history();
	stifle_history(HISTORY_MAX);
	if (!s->o.history)
		return;
	s->history_path = history_path(s);
	/* no file yet is the first session, not an error */
	if (s->history_path && access(s->history_path, F_OK) == 0 &&
	    read_history(s->history_path) != 0) {
		/* never overwrite a file we could not read */
		history_warn(s, "cannot read '%s' (left as it is)", s->history_path);
		free(s->history_path);
		s->history_path = NULL;
	}
}

int repl_edit_read(struct repl_session *s, char **line, size_t *len)
{
	free(s->edit_line);
	s->edit_line = NULL;
	cli_interrupt_clear();
	char *l = readline(PROMPT);
	if (l == NULL) {
		/* readline gives NULL both for Ctrl-D and for a read that
		 * Ctrl-C interrupted; the handler's flag tells them apart. */
		if (!cli_interrupted())
			return REPL_READ_EOF;
		/* raw mode: the terminal did not echo the ^C */
		fputs("^C\n", s->ui);
		fflush(s->ui);
		return REPL_READ_INTR;
	}
	s->edit_line = l;
	*line = l;
	*len = strlen(l);
	if (*len > REPL_LINE_MAX)
		return REPL_READ_LONG;
	return REPL_READ_LINE;
}

void repl_edit_remember(struct repl_session *s, const char *line)
{
	const char *p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return;
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
	if (last && last->line && strcmp(last->line, line) == 0)
		return;
	add_history(line);
	if (s->history_path == NULL)
		return;
	/* a whole new file, renamed over the old: never a half-written one
	 * (focal/outfile.h: a link keeps pointing at its updated target) */
	focal_out o;
	int bad = focal_out_open(&o, s->history_path) != FOCAL_OK;
	if (!bad && o.tmp == NULL) {
		/* a device or FIFO: libedit writes it in place itself */
		focal_out_abort(&o);
		bad = write_history(s->history_path) != 0;
		o.err = errno;
	} else if (!bad) {
		bad = write_history(o.tmp) != 0;
		o.err = errno;
		if (bad)
			focal_out_abort(&o);
		else
			bad = focal_out_commit(&o) != FOCAL_OK;
	}
	if (bad)
		history_warn(s, "cannot write '%s': %s", s->history_path,
			     strerror(o.err ? o.err : EIO));
}

void repl_edit_end(struct repl_session *s)
{
	(void)s;
	repl_completion_free(&pending);
	editing = NULL;
}

#else /* FOCAL_NO_LIBEDIT: a prompt and plain reads */

void repl_edit_begin(struct repl_session *s)
{
	(void)history_path;
	s->in_fd = STDIN_FILENO;
	if (repl_reader_init(&s->in, repl_read_fd, &s->in_fd) == 0)
		s->in_ready = 1;
}

int repl_edit_read(struct repl_session *s, char **line, size_t *len)
{
	if (!s->in_ready)
		return REPL_READ_ERROR;
	fputs(PROMPT, s->ui);
	fflush(s->ui);
	cli_interrupt_clear();
	int r = repl_reader_next(&s->in, line, len);
	if (r == REPL_READ_INTR) {
		/* the terminal echoed ^C itself */
		fputc('\n', s->ui);
		fflush(s->ui);
	}
	return r;
}

void repl_edit_remember(struct repl_session *s, const char *line)
{
	(void)s;
	(void)line;
}

void repl_edit_end(struct repl_session *s)
{
	(void)s;
}

#endif
