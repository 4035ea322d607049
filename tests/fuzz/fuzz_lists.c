/*
 * libFuzzer harness for the option-value parsers of src/cli/args.c that
 * fuzz_args leaves out (it skips grids, whose points it would evaluate):
 * numbers, comma lists, START:STOP:N grids (linear and --log), name lists
 * and formats.  The first byte picks the parser, the rest (up to a NUL) is
 * the value.  Checks: a failure prints exactly one line and hands back
 * nothing; a success prints nothing and every value passes the parser's
 * check, a grid has N points from START to STOP exactly, in order.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#include "fuzz_replay.h"

static const char *const names[] = {"ce", "fl", "fgl", "ohem", "sampled"};

static void check_values(const struct dlist *l, int (*check)(double))
{
	if (l->n == 0 || l->n > CLI_MAX_POINTS || l->v == NULL)
		abort();
	for (size_t i = 0; i < l->n; i++)
		if (check ? !check(l->v[i]) : isnan(l->v[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 512)
		return 0;
	char s[512];
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	int which = data[0] % 8;
	char *eb = NULL;
	size_t el = 0;
	FILE *e = open_memstream(&eb, &el);
	if (e == NULL)
		return 0;
	struct cli c = {.out = stdout, .err = e};
	struct dlist l = {NULL, 0};
	int st = 0, want[5];
	double v;
	enum cli_format f;
	int (*check)(double) = NULL;
	switch (which) {
	case 0:
		st = cli_parse_double(&c, "value", "must be a number", s, &v);
		break;
	case 1:
		check = cli_check_gamma;
		st = cli_parse_list(&c, "gamma", RULE_GAMMA, check, s, &l);
		break;
	case 2:
		check = cli_check_prob;
		st = cli_parse_list(&c, "p", RULE_PROB, check, s, &l);
		break;
	case 3:
	case 4:
		check = which == 3 ? cli_check_prob : cli_check_gamma;
		st = cli_parse_grid(&c, "p", RULE_PROB, check, s, which == 4, &l);
		if (st == 0) {
			/* the endpoints are what was written; the rest lie between */
			double a = l.v[0], b = l.v[l.n - 1];
			for (size_t i = 0; i < l.n; i++)
				if (!(fmin(a, b) <= l.v[i] * (1 + 1e-15) + 1e-300 &&
				      l.v[i] <= fmax(a, b) * (1 + 1e-15) + 1e-300))
					abort();
		}
		break;
	case 5:
		check = cli_check_logit;
		st = cli_parse_list(&c, "x", RULE_LOGIT, check, s, &l);
		break;
	case 6:
		st = cli_parse_names(&c, "loss", s, names, 5, want);
		if (st == 0) {
			int any = 0;
			for (int k = 0; k < 5; k++)
				any |= want[k];
			if (!any)
				abort();
		}
		break;
	default:
		st = cli_parse_format(&c, s, &f);
		if (st == 0 && !(f == FMT_TABLE || f == FMT_TSV || f == FMT_CSV || f == FMT_JSON))
			abort();
		break;
	}
	fflush(e);
	size_t lines = 0;
	for (size_t i = 0; i < el; i++)
		lines += eb[i] == '\n';
	if (st == 0) {
		if (el != 0)
			abort();
		if (which >= 1 && which <= 5)
			check_values(&l, check);
	} else {
		/* one line, "focal: " first, and nothing handed back */
		if (st != -1 || lines != 1 || strncmp(eb, "focal: ", 7) != 0 || l.v != NULL)
			abort();
	}
	dlist_free(&l);
	fclose(e);
	free(eb);
	return 0;
}
