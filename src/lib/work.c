/* Cancellation and progress of long library work (work.h). */
#include "work.h"

#include <time.h>

void focal__work_init(focal__work *w, int (*fn)(double, void *), void *ctx, double total)
{
	w->fn = fn;
	w->ctx = ctx;
	w->owner = pthread_self();
	w->total = total > 1.0 ? total : 1.0;
	atomic_init(&w->done, 0);
	atomic_init(&w->stop, 0);
}

static int ask(focal__work *w)
{
	if (w->fn == NULL)
		return 0;
	double f = (double)atomic_load_explicit(&w->done, memory_order_relaxed) / w->total;
	if (w->fn(f < 1.0 ? f : 1.0, w->ctx)) {
		atomic_store(&w->stop, 1);
		return 1;
	}
	return 0;
}

int focal__work_add(focal__work *w, uint64_t units)
{
	if (w == NULL)
		return 0;
	atomic_fetch_add_explicit(&w->done, units, memory_order_relaxed);
	if (atomic_load_explicit(&w->stop, memory_order_relaxed))
		return 1;
	return pthread_equal(pthread_self(), w->owner) ? ask(w) : 0;
}

int focal__work_stopped(focal__work *w)
{
	return w != NULL && atomic_load_explicit(&w->stop, memory_order_relaxed);
}

void focal__work_cancel(focal__work *w)
{
	if (w)
		atomic_store(&w->stop, 1);
}

void focal__work_wait(focal__work *w, atomic_int *active)
{
	const struct timespec tick = {0, 5000000L}; /* 5 ms */
	while (atomic_load(active) > 0) {
		nanosleep(&tick, NULL);
		if (w && !atomic_load(&w->stop))
			ask(w);
	}
}
