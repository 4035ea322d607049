/*
 * libFuzzer harness for the log readers of focal runs (focal/runs.h):
 * each input is parsed from memory with the format detected and with each
 * format forced, as a real log of (fl, seed 1) and as focal's rows.  A
 * failure leaves the set as it was and names the input in its message; a
 * success gives runs whose curves are sorted with one point per step, and
 * a set that focal_runs_result arranges (or refuses with a message).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *     tests/fuzz/fuzz_runs.c build/libfocal.a \
 *     $(pkg-config --cflags --libs gsl jansson) -lm -o fuzz_runs
 * or, to replay a corpus without libFuzzer, add -DFOCAL_FUZZ_REPLAY and
 * drop "fuzzer," from -fsanitize.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "focal/runs.h"

#include "fuzz_replay.h"

static void check_curve(const focal_runs_point *p, size_t n)
{
	for (size_t i = 1; i < n; i++)
		CHECK(p[i - 1].step < p[i].step);
}

static void one(const uint8_t *data, size_t size, int format, const focal_runs_id *id)
{
	focal_runs_set s = {0};
	focal_ioerr err = {{0}};
	int st = focal_runs_parse(&s, "in", data, size, format, id, &err);
	if (st != FOCAL_OK) {
		CHECK(st == FOCAL_EFORMAT || st == FOCAL_EDOM || st == FOCAL_ELIMIT ||
		      st == FOCAL_ENOMEM);
		CHECK(s.n == 0);
		CHECK(memchr(err.msg, '\0', sizeof err.msg) != NULL);
		CHECK(strncmp(err.msg, "in", 2) == 0);
		focal_runs_set_free(&s);
		return;
	}
	CHECK(s.n >= 1);
	for (size_t i = 0; i < s.n; i++) {
		check_curve(s.v[i].ap, s.v[i].nap);
		check_curve(s.v[i].loss_curve, s.v[i].nloss);
		CHECK(s.v[i].loss >= 0 && s.v[i].loss < FOCAL_NLOSS);
	}
	focal_train_result r;
	st = focal_runs_result(&s, &r, &err);
	CHECK(st == FOCAL_OK || st == FOCAL_EDOM);
	if (st == FOCAL_OK) {
		CHECK(r.opts.nlosses >= 1 && r.opts.nseeds >= 1);
		focal_train_result_free(&r);
	}
	focal_runs_set_free(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	focal_runs_id id;
	focal_runs_id_default(&id);
	one(data, size, FOCAL_RUNS_AUTO, &id); /* focal's rows: nothing known */
	id.loss = FOCAL_FL;
	id.seed = 1;
	id.have_seed = 1;
	for (int f = 0; f < FOCAL_RUNS_NFORMAT; f++)
		one(data, size, f, &id);
	return 0;
}
