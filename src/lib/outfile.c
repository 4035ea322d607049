/*
 * Output paths (focal/outfile.h): a temporary file renamed onto regular
 * files, in-place writes to devices and FIFOs, symbolic links followed to
 * their targets, and a table of pending temporary files for signal-time
 * cleanup.
 */
#include "focal/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_MAX_LINKS 40
#define OUT_PENDING 8

/*
 * The temporary files a signal handler must remove.  A row is marked used
 * after its path is complete and before the file exists, and cleared after
 * the rename: a handler at any moment finds either nothing or a complete
 * name (unlinking a name not yet or no longer there is harmless, and the
 * process id in the name keeps it from being anyone else's).  This is the
 * one piece of process-wide state in libfocal: a handler can reach nothing
 * else.
 */
static struct {
	volatile sig_atomic_t used;
	char path[PATH_MAX];
} pending[OUT_PENDING];

void focal_out_cleanup(void)
{
	for (int i = 0; i < OUT_PENDING; i++)
		if (__atomic_load_n(&pending[i].used, __ATOMIC_SEQ_CST))
			unlink(pending[i].path);
}

static int pending_add(const char *path)
{
	size_t n = strlen(path);
	if (n >= PATH_MAX)
		return -1;
	for (int i = 0; i < OUT_PENDING; i++) {
		sig_atomic_t zero = 0;
		/* claim the row with a placeholder, fill it, then publish it */
		if (__atomic_compare_exchange_n(&pending[i].used, &zero, -1, 0,
						__ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST)) {
			memcpy(pending[i].path, path, n + 1);
			__atomic_store_n(&pending[i].used, 1, __ATOMIC_SEQ_CST);
			return i;
		}
	}
	return -1; /* a full table: the file is written, only not listed */
}

static void pending_drop(int slot)
{
	if (slot >= 0)
		__atomic_store_n(&pending[slot].used, 0, __ATOMIC_SEQ_CST);
}

static void reset(focal_out *o)
{
	o->f = NULL;
	o->in_place = 0;
	o->target = NULL;
	o->tmp = NULL;
	o->slot = -1;
}

static int fail(focal_out *o, int err)
{
	focal_out_abort(o);
	o->err = err;
	return err == ENOMEM ? FOCAL_ENOMEM : FOCAL_EIO;
}

/* The descriptor a path names: "-", /dev/stdout, /dev/fd/N...; or -1. */
static int fd_path(const char *path)
{
	static const char *const dirs[] = {"/dev/fd/", "/proc/self/fd/"};
	if (strcmp(path, "-") == 0 || strcmp(path, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(path, "/dev/stderr") == 0)
		return STDERR_FILENO;
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(dirs[i]);
		if (strncmp(path, dirs[i], n) != 0 || path[n] == '\0')
			continue;
		char *end;
		errno = 0;
		long fd = strtol(path + n, &end, 10);
		if (*end == '\0' && errno == 0 && fd >= 0 && fd <= INT_MAX &&
		    path[n] >= '0' && path[n] <= '9')
			return (int)fd;
	}
	return -1;
}

/* Write in place: a duplicate of fd, or the path opened without O_TRUNC
 * or O_CREAT (a device or a FIFO). */
static int open_in_place(focal_out *o, const char *path, int fd)
{
	int w = fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 3)
			: open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (w < 0)
		return fail(o, errno);
	o->f = fdopen(w, "wb");
	if (o->f == NULL) {
		int e = errno;
		close(w);
		return fail(o, e);
	}
	o->in_place = 1;
	return FOCAL_OK;
}

/* link's target as a path: absolute, or relative to link's directory. */
static char *link_target(const char *link)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(link, buf, sizeof buf - 1);
	if (n < 0)
		return NULL;
	if (n >= (ssize_t)sizeof buf - 1) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	buf[n] = '\0';
	const char *slash = strrchr(link, '/');
	size_t dir = buf[0] == '/' || slash == NULL ? 0 : (size_t)(slash - link) + 1;
	char *t = malloc(dir + (size_t)n + 1);
	if (t == NULL)
		return NULL;
	memcpy(t, link, dir);
	memcpy(t + dir, buf, (size_t)n + 1);
	return t;
}

/* A temporary file beside o->target (mode 0666, so the umask applies; an
 * old file's owner and bits when there is one). */
static int open_temp(focal_out *o, const struct stat *old)
{
	size_t n = strlen(o->target) + 48;
	o->tmp = malloc(n);
	if (o->tmp == NULL)
		return fail(o, ENOMEM);
	int fd = -1;
	for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
		snprintf(o->tmp, n, "%s.%ld.%d.tmp", o->target, (long)getpid(), attempt);
		o->slot = pending_add(o->tmp);
		fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
		int e = errno;
		if (fd < 0) {
			pending_drop(o->slot);
			o->slot = -1;
			if (e != EEXIST) {
				free(o->tmp);
				o->tmp = NULL;
				return fail(o, e);
			}
		}
	}
	if (fd < 0) {
		free(o->tmp);
		o->tmp = NULL;
		return fail(o, EEXIST);
	}
	if (old != NULL) {
		/* the replaced file's owner (only root may give a file away, so
		 * for others this fails harmlessly) and then its mode bits */
		if (fchown(fd, old->st_uid, old->st_gid) != 0)
			errno = 0;
		if (fchmod(fd, old->st_mode & 07777) != 0)
			errno = 0;
	}
	o->f = fdopen(fd, "wb");
	if (o->f == NULL) {
		int e = errno;
		close(fd);
		return fail(o, e);
	}
	return FOCAL_OK;
}

int focal_out_open(focal_out *o, const char *path)
{
	reset(o);
	o->err = 0;
	if (path == NULL || *path == '\0')
		return fail(o, ENOENT);
	int fd = fd_path(path);
	if (fd >= 0)
		return open_in_place(o, path, fd);
	char *cur = strdup(path);
	if (cur == NULL)
		return fail(o, ENOMEM);
	for (int hops = 0; hops <= OUT_MAX_LINKS; hops++) {
		struct stat st;
		if (lstat(cur, &st) != 0) {
			int e = errno;
			if (e != ENOENT) {
				free(cur);
				return fail(o, e);
			}
			o->target = cur; /* missing (or a dangling link's target) */
			return open_temp(o, NULL);
		}
		if (S_ISLNK(st.st_mode)) {
			char *next = link_target(cur);
			int e = errno;
			if (next == NULL) {
				free(cur);
				return fail(o, e);
			}
			free(cur);
			cur = next;
			/* /proc's links name descriptors ("pipe:[123]"), not paths */
			if (strncmp(cur, "/proc/", 6) == 0 || fd_path(cur) >= 0)
				break;
			continue;
		}
		if (S_ISREG(st.st_mode)) {
			o->target = cur;
			return open_temp(o, &st);
		}
		free(cur);
		if (S_ISDIR(st.st_mode))
			return fail(o, EISDIR);
		/* a block device holds a file system: never written over */
		if (S_ISBLK(st.st_mode) || S_ISSOCK(st.st_mode))
			return fail(o, ENOTSUP);
		return open_in_place(o, path, -1); /* a character device or FIFO */
	}
	int loop = fd_path(cur) < 0 && strncmp(cur, "/proc/", 6) != 0;
	int pfd = fd_path(cur);
	free(cur);
	if (loop)
		return fail(o, ELOOP);
	return open_in_place(o, path, pfd);
}

int focal_out_commit(focal_out *o)
{
	if (o->f == NULL)
		return fail(o, o->err ? o->err : EBADF);
	errno = 0;
	int bad = fflush(o->f) != 0 || ferror(o->f);
	int e = errno;
	/* a write error seen before the flush left no errno behind */
	if (bad && e == 0)
		e = EIO;
	int closed = fclose(o->f);
	o->f = NULL;
	if (!bad && closed != 0) {
		bad = 1;
		e = errno;
	}
	if (!bad && o->tmp != NULL && rename(o->tmp, o->target) != 0) {
		bad = 1;
		e = errno;
	}
	if (bad)
		return fail(o, e);
	pending_drop(o->slot);
	free(o->tmp);
	free(o->target);
	reset(o);
	return FOCAL_OK;
}

void focal_out_abort(focal_out *o)
{
	if (o->f != NULL)
		fclose(o->f);
	if (o->tmp != NULL)
		unlink(o->tmp);
	pending_drop(o->slot);
	free(o->tmp);
	free(o->target);
	reset(o);
}

FILE *focal_in_open(const char *path)
{
	if (path == NULL || *path == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (strcmp(path, "-") != 0)
		return fopen(path, "rb");
	int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		return NULL;
	FILE *f = fdopen(fd, "rb");
	if (f == NULL) {
		int e = errno;
		close(fd);
		errno = e;
	}
	return f;
}

const char *focal_in_name(const char *path)
{
	return path != NULL && strcmp(path, "-") == 0 ? "standard input" : path;
}
