/*
 * Output paths: how every file focal writes is opened, finished and
 * abandoned, so that nothing already at the path is destroyed (and, at
 * the end, how a file it reads is opened, so that "-" means the same).
 *
 *   path                       what focal_out_open() does
 *   "-", /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N
 *                              writes a duplicate of that descriptor
 *   a regular file, or nothing (a missing path)
 *                              writes a temporary file beside it and renames
 *                              it over the path at commit (atomic; an old
 *                              file keeps its owner, where the caller may
 *                              set it, and its permission bits)
 *   a symbolic link            follows it (up to 40 links; relative targets
 *                              against the link's directory) and applies
 *                              these rules to the final target: the link
 *                              stays a link, the target gets the content
 *                              (atomically when it is a regular file or
 *                              missing: the temporary file is made in the
 *                              target's directory)
 *   a character device, FIFO   written in place, never replaced
 *   a directory                refused (EISDIR)
 *   a block device, a socket   refused (ENOTSUP)
 *
 * The temporary files not yet renamed are listed in a fixed table that
 * focal_out_cleanup() (async-signal-safe) removes, so a program can leave
 * no half-written file when a signal ends it.  The library never prints:
 * functions return FOCAL_OK, FOCAL_ENOMEM or FOCAL_EIO and keep the errno
 * of the failure in the struct for the caller to word.
 */
#ifndef FOCAL_OUTFILE_H
#define FOCAL_OUTFILE_H

#include <stdio.h>

#include "focal/io.h" /* FOCAL_EIO */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
	FILE *f;          /* write here between open and commit or abort */
	int in_place;     /* 1: a stream, device or FIFO; 0: temporary + rename */
	int err;          /* errno of the last failure */
	char *target;     /* rename target (the resolved path), or NULL */
	char *tmp;        /* the temporary file, or NULL */
	int slot;         /* its row in the cleanup table, or -1 */
} focal_out;

/*
 * Open path for writing (binary), as the table above says.  On success
 * o->f is ready and FOCAL_OK is returned; on failure nothing was created,
 * o->f is NULL and FOCAL_EIO (errno in o->err) or FOCAL_ENOMEM is
 * returned.  o needs no initialisation.  ENOTSUP: a block device or a
 * socket; EISDIR: a directory; ELOOP: too many links.
 */
int focal_out_open(focal_out *o, const char *path);

/*
 * Finish: flush and close o->f, then (temporary file) rename it onto the
 * target.  Any write error seen since open (a full disk, EFBIG, EIO) makes
 * this fail with FOCAL_EIO, the temporary file removed and what was at the
 * path untouched.  Always releases o; o->err stays readable.
 */
int focal_out_commit(focal_out *o);

/* Give up: close o->f and remove the temporary file.  Safe to call on a
 * released or failed o, and more than once. */
void focal_out_abort(focal_out *o);

/*
 * Open a file the user named for reading (binary): "-" is standard input
 * (a duplicate of descriptor 0, so fclose leaves standard input open);
 * anything else is fopen'ed, which reads pipes and FIFOs as they come.
 * NULL with errno set on failure.  The display name of "-" in messages is
 * focal_in_name("-"), "standard input".
 */
FILE *focal_in_open(const char *path);
const char *focal_in_name(const char *path);

/*
 * Remove every temporary file that is open and not yet renamed.  Only
 * async-signal-safe calls: meant for a signal handler that then ends the
 * process (the CLI's SIGINT, SIGTERM and SIGHUP handler does).
 */
void focal_out_cleanup(void);

#ifdef __cplusplus
}
#endif

#endif
