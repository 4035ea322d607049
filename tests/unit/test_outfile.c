/*
 * The output-path helper (include/focal/outfile.h) against each kind of
 * path, through the library alone: what is at the path afterwards, the
 * status and errno, temporary files, and the signal-time cleanup.  The
 * end-to-end table (every writer of the CLI) is tests/fault/outpaths.sh.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

#include "focal/outfile.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/focal-outfile-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *name)
{
	static char buf[4][256];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int holds(const char *path, const char *text)
{
	char buf[256] = {0};
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	return n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* Files in dir whose name ends in ".tmp". */
static int temporaries(void)
{
	int n = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		n += l > 4 && strcmp(e->d_name + l - 4, ".tmp") == 0;
	}
	if (d)
		closedir(d);
	return n;
}

static int write_all(const char *path, const char *text, int *err)
{
	focal_out o;
	int st = focal_out_open(&o, path);
	if (st == FOCAL_OK) {
		fputs(text, o.f);
		st = focal_out_commit(&o);
	}
	*err = o.err;
	return st;
}

static void test_regular_and_missing(void **state)
{
	(void)state;
	int err;
	assert_int_equal(write_all(at("new"), "one", &err), FOCAL_OK);
	assert_true(holds(at("new"), "one"));
	put(at("old"), "old");
	assert_int_equal(chmod(at("old"), 0604), 0);
	focal_out o;
	assert_int_equal(focal_out_open(&o, at("old")), FOCAL_OK);
	assert_int_equal(o.in_place, 0);
	assert_int_equal(temporaries(), 1);
	fputs("new", o.f);
	/* until the commit the old content is what is there */
	assert_true(holds(at("old"), "old"));
	assert_int_equal(focal_out_commit(&o), FOCAL_OK);
	assert_true(holds(at("old"), "new"));
	struct stat st;
	assert_int_equal(stat(at("old"), &st), 0);
	assert_int_equal(st.st_mode & 07777, 0604);
	assert_int_equal(temporaries(), 0);
	/* root replacing someone else's file gives it back to them */
	if (geteuid() == 0) {
		assert_int_equal(chown(at("old"), 1234, 2345), 0);
		assert_int_equal(write_all(at("old"), "root's", &err), FOCAL_OK);
		assert_int_equal(stat(at("old"), &st), 0);
		assert_int_equal(st.st_uid, 1234);
		assert_int_equal(st.st_gid, 2345);
	}
}

static void test_abort_keeps_old(void **state)
{
	(void)state;
	put(at("keep"), "kept");
	focal_out o;
	assert_int_equal(focal_out_open(&o, at("keep")), FOCAL_OK);
	fputs("half", o.f);
	focal_out_abort(&o);
	focal_out_abort(&o); /* twice is harmless */
	assert_true(holds(at("keep"), "kept"));
	assert_int_equal(temporaries(), 0);
}

static void test_symlinks(void **state)
{
	(void)state;
	int err;
	put(at("target"), "old");
	assert_int_equal(symlink("target", at("link")), 0);
	assert_int_equal(write_all(at("link"), "via link", &err), FOCAL_OK);
	struct stat st;
	assert_int_equal(lstat(at("link"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_true(holds(at("target"), "via link"));
	/* a chain of two, the last dangling: the final target is created */
	assert_int_equal(symlink("link3", at("link2")), 0);
	assert_int_equal(symlink("created", at("link3")), 0);
	assert_int_equal(write_all(at("link2"), "made", &err), FOCAL_OK);
	assert_true(holds(at("created"), "made"));
	assert_int_equal(lstat(at("link3"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* a loop */
	assert_int_equal(symlink("loopb", at("loopa")), 0);
	assert_int_equal(symlink("loopa", at("loopb")), 0);
	assert_int_equal(write_all(at("loopa"), "x", &err), FOCAL_EIO);
	assert_int_equal(err, ELOOP);
	assert_int_equal(temporaries(), 0);
}

static void test_refused(void **state)
{
	(void)state;
	int err;
	assert_int_equal(mkdir(at("d"), 0777), 0);
	assert_int_equal(write_all(at("d"), "x", &err), FOCAL_EIO);
	assert_int_equal(err, EISDIR);
	assert_int_equal(write_all(at("no/such/file"), "x", &err), FOCAL_EIO);
	assert_int_equal(err, ENOENT);
	assert_int_equal(write_all("", "x", &err), FOCAL_EIO);
	/* a socket: never opened */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(s >= 0);
	struct sockaddr_un a = {.sun_family = AF_UNIX};
	snprintf(a.sun_path, sizeof a.sun_path, "%s", at("sock"));
	assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(write_all(at("sock"), "x", &err), FOCAL_EIO);
	assert_int_equal(err, ENOTSUP);
	close(s);
	struct stat st;
	assert_int_equal(lstat(at("sock"), &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(temporaries(), 0);
}

/* A device is written in place: as root a private node, else the real one. */
static const char *device(const char *name, unsigned minor, const char *real)
{
	if (geteuid() == 0 && mknod(at(name), S_IFCHR | 0666, makedev(1, minor)) == 0)
		return at(name);
	return real;
}

static void test_devices(void **state)
{
	(void)state;
	int err;
	const char *null = device("null", 3, "/dev/null");
	const char *full = device("full", 7, "/dev/full");
	assert_int_equal(write_all(null, "gone", &err), FOCAL_OK);
	assert_int_equal(write_all(full, "no room", &err), FOCAL_EIO);
	assert_int_equal(err, ENOSPC);
	struct stat st;
	assert_int_equal(stat(null, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	assert_int_equal(stat(full, &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	/* a link to the device: still a link, the device still a device */
	assert_int_equal(symlink(full, at("tofull")), 0);
	assert_int_equal(write_all(at("tofull"), "x", &err), FOCAL_EIO);
	assert_int_equal(err, ENOSPC);
	assert_int_equal(lstat(at("tofull"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(temporaries(), 0);
}

static void test_descriptors(void **state)
{
	(void)state;
	/* "-" and /dev/fd/N write a duplicate of that descriptor */
	int p[2];
	assert_int_equal(pipe(p), 0);
	char name[32];
	snprintf(name, sizeof name, "/dev/fd/%d", p[1]);
	int err;
	assert_int_equal(write_all(name, "piped", &err), FOCAL_OK);
	close(p[1]);
	char buf[16] = {0};
	assert_int_equal(read(p[0], buf, sizeof buf), 5);
	assert_string_equal(buf, "piped");
	close(p[0]);
	focal_out o;
	assert_int_equal(focal_out_open(&o, "-"), FOCAL_OK);
	assert_int_equal(o.in_place, 1);
	focal_out_abort(&o);
	assert_int_equal(temporaries(), 0);
}

static void test_cleanup(void **state)
{
	(void)state;
	/* what a signal handler calls: the pending temporary files go, the
	 * target is untouched */
	put(at("sig"), "before");
	focal_out a, b;
	assert_int_equal(focal_out_open(&a, at("sig")), FOCAL_OK);
	assert_int_equal(focal_out_open(&b, at("sig2")), FOCAL_OK);
	assert_int_equal(temporaries(), 2);
	focal_out_cleanup();
	assert_int_equal(temporaries(), 0);
	assert_true(holds(at("sig"), "before"));
	/* the commit then fails (its file is gone) and says so */
	fputs("x", a.f);
	assert_int_equal(focal_out_commit(&a), FOCAL_EIO);
	assert_int_equal(a.err, ENOENT);
	focal_out_abort(&b);
	assert_true(holds(at("sig"), "before"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_regular_and_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_abort_keeps_old, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
		cmocka_unit_test_setup_teardown(test_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cleanup, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
