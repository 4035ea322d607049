/*
 * An LD_PRELOAD shim that fails chosen allocations, for the fault-injection
 * tests (tests/fault/run.sh): malloc, calloc and realloc are interposed;
 * failalloc_arm(n) makes the n-th allocation from then on return NULL
 * (errno ENOMEM) once; failalloc_live() counts the blocks allocated through
 * the shim and not yet freed, so a test can see leaks on error paths.
 *
 * Blocks carry a 16-byte header with a tag and their size; free() of a
 * block without the tag (allocated before the shim was loaded, or by
 * aligned allocators) goes straight to the real free.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TAG 0x666f63616c66a11cull
#define HDR 16

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);

static atomic_long countdown;  /* 0: disarmed; k: fail the k-th call */
static atomic_long live;
static atomic_long calls;

/* dlsym may allocate: serve it from a static arena until we are ready */
static char boot[4096];
static size_t boot_used;
static int resolving;

static void resolve(void)
{
	if (real_malloc || resolving)
		return;
	resolving = 1;
	real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
	real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
	real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
	real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
	resolving = 0;
}

void failalloc_arm(long n);
long failalloc_live(void);
long failalloc_calls(void);

void failalloc_arm(long n)
{
	atomic_store(&countdown, n);
	atomic_store(&calls, 0);
}

long failalloc_live(void)
{
	return atomic_load(&live);
}

long failalloc_calls(void)
{
	return atomic_load(&calls);
}

/* 1 when this call must fail */
static int should_fail(void)
{
	atomic_fetch_add(&calls, 1);
	long c = atomic_load(&countdown);
	if (c <= 0)
		return 0;
	if (atomic_fetch_sub(&countdown, 1) == 1) {
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

static void *wrap(void *raw, size_t n)
{
	if (raw == NULL)
		return NULL;
	uint64_t *h = raw;
	h[0] = TAG;
	h[1] = n;
	atomic_fetch_add(&live, 1);
	return (char *)raw + HDR;
}

static int ours(void *p)
{
	return p && ((uint64_t *)((char *)p - HDR))[0] == TAG;
}

void *malloc(size_t n)
{
	resolve();
	if (!real_malloc) {
		size_t a = (n + 15) & ~(size_t)15;
		if (boot_used + a > sizeof boot)
			return NULL;
		void *p = boot + boot_used;
		boot_used += a;
		return p;
	}
	if (should_fail())
		return NULL;
	return wrap(real_malloc(n + HDR), n);
}

void *calloc(size_t k, size_t n)
{
	resolve();
	if (!real_calloc) {
		void *p = malloc(k * n);
		if (p)
			memset(p, 0, k * n);
		return p;
	}
	if (n && k > (SIZE_MAX - HDR) / n)
		return NULL;
	if (should_fail())
		return NULL;
	return wrap(real_calloc(1, k * n + HDR), k * n);
}

void *realloc(void *p, size_t n)
{
	resolve();
	if (p == NULL)
		return malloc(n);
	if ((char *)p >= boot && (char *)p < boot + sizeof boot) {
		void *q = malloc(n);
		if (q)
			memcpy(q, p, n < 64 ? n : 64);
		return q;
	}
	if (!ours(p))
		return real_realloc(p, n);
	if (should_fail())
		return NULL;
	char *raw = (char *)p - HDR;
	void *q = real_realloc(raw, n + HDR);
	if (q == NULL)
		return NULL;
	((uint64_t *)q)[1] = n;
	return (char *)q + HDR;
}

void free(void *p)
{
	if (p == NULL || ((char *)p >= boot && (char *)p < boot + sizeof boot))
		return;
	resolve();
	if (ours(p)) {
		uint64_t *h = (uint64_t *)((char *)p - HDR);
		h[0] = 0;
		atomic_fetch_sub(&live, 1);
		real_free(h);
		return;
	}
	real_free(p);
}
