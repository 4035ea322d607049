/*
 * libFuzzer harness for figure specifications: bytes are parsed as a spec
 * (src/plot/spec.c); a spec that parses is built into a figure model with
 * libfocal (src/plot/build.c) and laid out by the record backend into
 * memory.  A failure must leave a one-line message naming the input.
 * Population panels and training experiments are capped small so each
 * input stays fast.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fig.h"
#include "spec.h"

#include "fuzz_replay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 8192)
		return 0;
	char *text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	static struct spec s;
	char err[SPEC_ERRLEN];
	err[0] = '\0';
	if (spec_parse_text("fuzz.spec", text, &s, err) != 0) {
		if (strncmp(err, "fuzz.spec:", 10) != 0 || strchr(err, '\n'))
			abort();
		free(text);
		return 0;
	}
	for (int i = 0; i < s.npanels; i++) {
		if (s.panels[i].pop.anchors > 2000)
			s.panels[i].pop.anchors = 2000;
		for (int j = 0; j < s.panels[i].ncurves; j++) {
			/* no reference tables from the fuzzer's file system */
			if (s.panels[i].curves[j].q == Q_RELERR_REF)
				s.panels[i].curves[j].q = Q_VALUE;
			if (s.panels[i].curves[j].q == Q_RELERR_NUMERIC)
				s.panels[i].curves[j].q = Q_VALUE;
		}
		if (s.panels[i].npoints > 200)
			s.panels[i].npoints = 200;
		/* training panels: a tiny experiment, whatever the spec asks */
		struct spec_training *t = &s.panels[i].train;
		t->train_anchors = t->train_anchors > 3000 ? 3000 : t->train_anchors;
		t->test_anchors = t->test_anchors > 2000 ? 2000 : t->test_anchors;
		t->batch = t->batch > 256 ? 256 : t->batch;
		t->batch = t->batch > t->train_anchors ? t->train_anchors : t->batch;
		t->steps = t->steps > 20 ? 20 : t->steps;
		t->seeds = t->seeds > 3 ? 3 : t->seeds;
		t->dim = t->dim > 16 ? 16 : t->dim;
		t->hidden = t->hidden > 16 ? 16 : t->hidden;
	}
	fig_figure *f;
	if (spec_build(&s, &f, err) == 0) {
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (m) {
			(void)fig_render_stream(f, m, "record", NULL);
			fclose(m);
		}
		free(buf);
		fig_free(f);
	}
	free(text);
	return 0;
}
