/*
 * The live gnuplot window of an interactive session (repl.h).
 *
 * One gnuplot runs for the whole session, in a process session of its own
 * (so a Ctrl-C at the prompt does not reach it), reading commands from a
 * socket.  Each figure comes from 'plot -o FILE.gp' through the command
 * table, is rewritten for the window terminal (the 'set terminal' line
 * replaced and 'set output' dropped, as 'plot --window' does), and is
 * loaded with 'reset session; load'.  Writes use MSG_NOSIGNAL, so a
 * gnuplot that has gone away gives EPIPE instead of killing the REPL with
 * SIGPIPE; the session then starts a new gnuplot, once.
 */
#include "repl.h"

#include "focal/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Window terminals, best first.  x11 comes last: its core fonts garble
 * UTF-8 (the γ of the legends).  wxt and x11 both lose curves to an
 * opaque key box (wxt in later multiplot panels, x11 in any), which is
 * why rewrite() drops 'opaque'. */
static const char *const window_terms[] = {"qt", "wxt", "x11", NULL};

/* Start argv[0] from PATH in a new session with stdin from in_fd (or
 * /dev/null) and stdout, stderr to /dev/null.  The pid, or -1. */
static pid_t spawn(char *const argv[], int in_fd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	setsid();
	int null = open("/dev/null", O_RDWR);
	if (null < 0)
		_exit(126);
	dup2(in_fd >= 0 ? in_fd : null, STDIN_FILENO);
	dup2(null, STDOUT_FILENO);
	dup2(null, STDERR_FILENO);
	execvp(argv[0], argv);
	_exit(127);
}

static void nap_ms(long ms)
{
	struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&t, NULL);
}

/* The exit status of pid within timeout_ms, else kill it: -1. */
static int wait_exit(pid_t pid, long timeout_ms)
{
	int st;
	for (long t = 0;; t += 10) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0 && errno != EINTR)
			return -1;
		if (t >= timeout_ms)
			break;
		nap_ms(10);
	}
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return -1;
}

/* Which window terminal this gnuplot has (once per session). */
static void probe(struct repl_gnuplot *g)
{
	g->probed = 1;
	for (int i = 0; window_terms[i]; i++) {
		char cmd[64];
		snprintf(cmd, sizeof cmd, "set terminal %s", window_terms[i]);
		char prog[] = "gnuplot", e[] = "-e";
		char *argv[] = {prog, e, cmd, NULL};
		pid_t pid = spawn(argv, -1);
		if (pid < 0)
			return;
		int st = wait_exit(pid, 5000);
		if (st == 127) {
			g->missing = 1;
			return;
		}
		if (st == 0) {
			snprintf(g->term, sizeof g->term, "%s", window_terms[i]);
			return;
		}
	}
}

int repl_window_available(struct repl_session *s, const char **why)
{
	const char *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
	if ((d == NULL || !*d) && (w == NULL || !*w)) {
		*why = "there is no display (DISPLAY is not set)";
		return 0;
	}
	if (!s->gp.probed)
		probe(&s->gp);
	if (s->gp.missing) {
		*why = "gnuplot is not installed";
		return 0;
	}
	if (!s->gp.term[0]) {
		*why = "gnuplot has no window terminal (qt, x11 or wxt)";
		return 0;
	}
	return 1;
}

int repl_window_path(struct repl_session *s, char *path, size_t cap)
{
	struct repl_gnuplot *g = &s->gp;
	if (!g->dir[0]) {
		/* The path goes into a gnuplot 'load' command in single quotes:
		 * use $TMPDIR only when it is made of plain characters. */
		const char *t = getenv("TMPDIR");
		if (t == NULL || !*t || strlen(t) > 200 || t[strspn(t, "abcdefghijklmnopqrstuvwxyz"
				"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-")] != '\0')
			t = "/tmp";
		snprintf(g->dir, sizeof g->dir, "%s/focal-repl-XXXXXX", t);
		if (mkdtemp(g->dir) == NULL) {
			repl_error(s, "cannot create a temporary directory in %s: %s", t, strerror(errno));
			g->dir[0] = '\0';
			return -1;
		}
	}
	snprintf(path, cap, "%s/figure.gp", g->dir);
	return 0;
}

/* Start gnuplot reading from a socket: 0, or -1. */
static int start(struct repl_gnuplot *g)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	char prog[] = "gnuplot";
	char *argv[] = {prog, NULL};
	pid_t pid = spawn(argv, sv[1]);
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		return -1;
	}
	g->pid = pid;
	g->fd = sv[0];
	return 0;
}

/* End gnuplot: end of input first (it quits and closes its window), then
 * signals if it does not. */
static void stop(struct repl_gnuplot *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	if (g->pid > 0 && wait_exit(g->pid, 1000) < 0)
		(void)0; /* wait_exit killed it */
	g->pid = 0;
}

/* Send all of buf, never blocking more than two seconds: 0, or -1. */
static int send_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -1;
			struct pollfd p = {fd, POLLOUT, 0};
			if (poll(&p, 1, 2000) <= 0) {
				errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		buf += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The script at src, rewritten for the window terminal into dst. */
static int rewrite(const char *src, const char *dst, const char *term, const char *title)
{
	FILE *in = fopen(src, "r");
	if (in == NULL)
		return -1;
	/* complete or absent: gnuplot may be loading the one before */
	focal_out o;
	if (focal_out_open(&o, dst) != FOCAL_OK) {
		fclose(in);
		errno = o.err;
		return -1;
	}
	FILE *out = o.f;
	char safe[64];
	size_t k = 0;
	for (const char *p = title; *p && k + 1 < sizeof safe; p++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ._-", *p))
			safe[k++] = *p;
	safe[k] = '\0';
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, in)) > 0) {
		char *opaque;
		if (strncmp(line, "set terminal ", 13) == 0) {
			fprintf(out, "set terminal %s size 1000,700 enhanced title 'focal: %s'\n",
				term, safe);
		} else if (strncmp(line, "set output", 10) == 0) {
			continue;
		} else if (strncmp(line, "set key ", 8) == 0 &&
			   (opaque = strstr(line, " opaque")) != NULL) {
			fwrite(line, 1, (size_t)(opaque - line), out);
			fputs(opaque + 7, out);
		} else {
			fwrite(line, 1, (size_t)n, out);
		}
	}
	free(line);
	int bad = ferror(in);
	fclose(in);
	if (bad) {
		focal_out_abort(&o);
		errno = EIO;
		return -1;
	}
	if (focal_out_commit(&o) != FOCAL_OK) {
		errno = o.err;
		return -1;
	}
	return 0;
}

int repl_window_show(struct repl_session *s, const char *gp_path, const char *title)
{
	struct repl_gnuplot *g = &s->gp;
	char win[300], old[300], cmd[400];
	g->gen++;
	snprintf(win, sizeof win, "%s/window-%u.gp", g->dir, g->gen);
	if (rewrite(gp_path, win, g->term, title) != 0) {
		repl_error(s, "cannot write '%s': %s", win, strerror(errno));
		return -1;
	}
	/* gnuplot loads scripts in order; two back is long done */
	if (g->gen > 2) {
		snprintf(old, sizeof old, "%s/window-%u.gp", g->dir, g->gen - 2);
		unlink(old);
	}
	snprintf(cmd, sizeof cmd, "reset session\nload '%s'\n", win);
	for (int attempt = 0; attempt < 2; attempt++) {
		if (g->pid > 0 && waitpid(g->pid, &(int){0}, WNOHANG) == g->pid) {
			g->pid = 0; /* it died: reaped */
			stop(g);
		}
		if (g->pid == 0 && start(g) != 0) {
			repl_error(s, "cannot start gnuplot: %s", strerror(errno));
			return -1;
		}
		if (send_all(g->fd, cmd, strlen(cmd)) == 0)
			return 0;
		stop(g); /* it has gone away (EPIPE) or hangs: a new one */
	}
	repl_error(s, "gnuplot stopped reading its input; the window is gone (try 'plot' again or --term)");
	return -1;
}

void repl_window_close(struct repl_gnuplot *g)
{
	stop(g);
	if (!g->dir[0])
		return;
	DIR *d = opendir(g->dir);
	if (d) {
		struct dirent *e;
		char path[600];
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", g->dir, e->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(g->dir);
	g->dir[0] = '\0';
}
