/*
 * Cancellation and progress of long work inside libfocal: the one
 * mechanism every loop that can run long goes through.  Not part of the
 * public contract.
 *
 * Work is counted in units (an anchor of one loss row, an element of a
 * sorting pass, a grid point).  A loop reports its units in blocks of at
 * most FOCAL__WORK_STRIDE cheap ones (or one block of kernel work) and
 * stops as soon as focal__work_add returns nonzero, so the work between
 * two polls is bounded by a count, never by a clock read per element.
 * Any thread may add; only the owner (the thread that called
 * focal__work_init, the caller of the public function) calls the user's
 * callback, which therefore never runs concurrently with itself.  Threads
 * other than the owner see a request within one block (a relaxed atomic
 * load).
 */
#ifndef FOCAL_WORK_H
#define FOCAL_WORK_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define FOCAL__WORK_STRIDE ((size_t)4096)

typedef struct focal__work {
	int (*fn)(double done, void *ctx);  /* may be NULL */
	void *ctx;
	pthread_t owner;
	double total;                       /* units of the whole call */
	atomic_uint_fast64_t done;
	atomic_int stop;
} focal__work;

/* Start counting toward total units (an estimate; the fraction reported
 * is clamped to [0, 1]).  fn NULL: never asks to stop by itself. */
void focal__work_init(focal__work *w, int (*fn)(double, void *), void *ctx, double total);

/* Add units done; on the owner, also ask the callback.  Nonzero when the
 * work must stop (the callback asked, or focal__work_cancel was called).
 * w NULL: nothing to report, never stops. */
int focal__work_add(focal__work *w, uint64_t units);

/* Whether the work must stop (any thread; no callback). */
int focal__work_stopped(focal__work *w);

/* Stop every loop of w (an error in one thread ends the others). */
void focal__work_cancel(focal__work *w);

/* The owner waits until *active (threads still working) reaches 0,
 * asking the callback every few milliseconds meanwhile, so a request is
 * seen and passed on while the owner has nothing left to do itself. */
void focal__work_wait(focal__work *w, atomic_int *active);

#endif
