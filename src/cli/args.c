/* Option and value parsing shared by every subcommand. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(struct cli *c, const char *fmt, ...)
{
	/* The whole message, however long: it is measured first and then
	 * formatted into a buffer of its size.  Only when that buffer cannot
	 * be had is it cut, at a word, with a marker saying so. */
	char small[2048], *buf = small;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof small) {
		char *big = malloc((size_t)n + 1);
		if (big) {
			va_start(ap, fmt);
			vsnprintf(big, (size_t)n + 1, fmt, ap);
			va_end(ap);
			buf = big;
		} else {
			char *sp = strrchr(small, ' ');
			strcpy(sp && sp - small > 1024 ? sp : small + sizeof small - 20,
			       " [message cut]");
		}
	}
	/* Messages quote what the user typed, which may hold newlines or
	 * other control bytes: escape them, so an error stays one line. */
	cli_progress_clear();
	fputs("focal: ", c->err);
	cli_put_escaped(c->err, buf);
	fputc('\n', c->err);
	if (buf != small)
		free(buf);
}

void cli_put_escaped(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

int cli_oom(struct cli *c)
{
	cli_error(c, "out of memory");
	return CLI_USAGE;
}

int cli_write_error(struct cli *c, const char *path, int err)
{
	if (err == ENOTSUP)
		cli_error(c, "cannot write '%s': not a regular file, character device or FIFO "
			  "(block devices and sockets are never written)", path);
	else
		cli_error(c, "cannot write '%s': %s", path, strerror(err ? err : EIO));
	return CLI_USAGE;
}

int cli_next_opt(struct cli *c, const char *cmd, int argc, char **argv,
		 const struct opt *opts, int *pos, int *id, const char **val)
{
	const struct opt *row;
	int r = cli_next_row(c, cmd, argc, argv, opts, pos, &row, val);
	if (r > 0)
		*id = row->id;
	return r;
}

int cli_next_row(struct cli *c, const char *cmd, int argc, char **argv,
		 const struct opt *opts, int *pos, const struct opt **row, const char **val)
{
	if (*pos >= argc)
		return 0;
	const char *a = argv[*pos];
	const char *name;
	if (a[0] == '-' && a[1] != '-' && a[1] != '\0' && a[2] == '\0') {
		name = a + 1; /* a one-letter option such as -o */
	} else if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
		/* a positional argument, where the command takes one */
		for (const struct opt *o = opts; o->name; o++) {
			if (o->name[0] == '\0') {
				*row = o;
				*val = a;
				(*pos)++;
				return 1;
			}
		}
		cli_error(c, "%s: unexpected argument '%s' (options start with --; see 'focal %s --help')",
			  cmd, a, cmd);
		return -1;
	} else {
		name = a + 2;
	}
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	for (const struct opt *o = opts; o->name; o++) {
		if (o->name[0] == '\0' || strlen(o->name) != len ||
		    strncmp(o->name, name, len) != 0)
			continue;
		*row = o;
		(*pos)++;
		if (!o->has_arg) {
			if (eq) {
				cli_error(c, "option '--%s' takes no value", o->name);
				return -1;
			}
			*val = NULL;
			return 1;
		}
		if (eq) {
			*val = eq + 1;
		} else if (*pos < argc) {
			*val = argv[(*pos)++];
		} else {
			cli_error(c, "option '--%s' needs a value", o->name);
			return -1;
		}
		return 1;
	}
	cli_error(c, "%s: unknown option '%s%.*s' (see 'focal %s --help')", cmd,
		  name == a + 1 ? "-" : "--", (int)len, name, cmd);
	return -1;
}

size_t cli_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t row[64];
	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[lb];
}

void dlist_free(struct dlist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static int strict_double(const char *s, double *out)
{
	char *end;
	if (*s == '\0' || strchr(" \t\n\r\f\v", *s))
		return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (*end != '\0')
		return -1;
	/* Overflow to ±inf is a value the user did not write. */
	if (errno == ERANGE && isinf(v))
		return -1;
	/* -0 is 0: adding +0 turns -0 into +0 and changes nothing else, so
	 * no later 1/x or copysign can tell them apart. */
	*out = v + 0.0;
	return 0;
}

int cli_parse_double(struct cli *c, const char *what, const char *rule,
		     const char *s, double *out)
{
	if (strict_double(s, out) != 0) {
		cli_error(c, "invalid %s '%s': %s", what, s, rule);
		return -1;
	}
	return 0;
}

int cli_parse_range(struct cli *c, const char *what, const char *s, double lo, double hi,
		    int want_int, double *out)
{
	/* the rule of a typed row, so messages say ranges one way */
	struct opt row = {.name = what, .type = want_int ? OPT_INT : OPT_DOUBLE, .lo = lo,
			  .hi = hi, .what = what};
	return opt_value(c, &row, s, out);
}

int cli_check_gamma(double g)
{
	return focal_gamma_ok(g);
}

int cli_check_prob(double p)
{
	return p >= 0.0 && p <= 1.0;
}

int cli_check_logit(double x)
{
	return !isnan(x);
}

static int list_push(struct dlist *l, size_t *cap, double v)
{
	if (l->n == *cap) {
		size_t nc = *cap ? 2 * *cap : 8;
		double *nv = realloc(l->v, nc * sizeof *nv);
		if (nv == NULL)
			return -1;
		l->v = nv;
		*cap = nc;
	}
	l->v[l->n++] = v;
	return 0;
}

int cli_parse_list(struct cli *c, const char *what, const char *rule,
		   int (*check)(double), const char *s, struct dlist *out)
{
	struct dlist l = {0};
	size_t cap = 0;
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char buf[128];
		double v;
		if (len == 0 || len >= sizeof buf) {
			cli_error(c, "invalid %s list '%s': expected numbers separated by commas",
				  what, s);
			goto fail;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (strict_double(buf, &v) != 0 || (check && !check(v))) {
			cli_error(c, "invalid %s '%s': %s", what, buf, rule);
			goto fail;
		}
		if (l.n >= CLI_MAX_POINTS) {
			cli_error(c, "invalid %s list: more than %d values", what,
				  CLI_MAX_POINTS);
			goto fail;
		}
		if (list_push(&l, &cap, v) != 0) {
			cli_oom(c);
			goto fail;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	*out = l;
	return 0;
fail:
	dlist_free(&l);
	return -1;
}

int cli_parse_grid(struct cli *c, const char *what, const char *rule,
		   int (*check)(double), const char *s, int logspace,
		   struct dlist *out)
{
	char buf[256];
	double a, b, nd;
	if (strlen(s) >= sizeof buf)
		goto shape;
	strcpy(buf, s);
	char *c1 = strchr(buf, ':');
	char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || strchr(c2 + 1, ':'))
		goto shape;
	*c1 = *c2 = '\0';
	if (strict_double(buf, &a) || strict_double(c1 + 1, &b) ||
	    strict_double(c2 + 1, &nd))
		goto shape;
	if (check && !check(a)) {
		cli_error(c, "invalid %s grid '%s': START %s", what, s, rule);
		return -1;
	}
	if (check && !check(b)) {
		cli_error(c, "invalid %s grid '%s': STOP %s", what, s, rule);
		return -1;
	}
	if (!isfinite(a) || !isfinite(b)) {
		cli_error(c, "invalid %s grid '%s': START and STOP must be finite", what, s);
		return -1;
	}
	if (!(nd >= 1 && nd <= CLI_MAX_POINTS) || nd != floor(nd)) {
		cli_error(c, "invalid %s grid '%s': N must be an integer in [1, %d]",
			  what, s, CLI_MAX_POINTS);
		return -1;
	}
	if (logspace && !(a > 0.0 && b > 0.0)) {
		cli_error(c, "invalid %s grid '%s': --log needs START and STOP > 0",
			  what, s);
		return -1;
	}
	size_t n = (size_t)nd;
	double *v = malloc(n * sizeof *v);
	if (v == NULL)
		return cli_oom(c), -1;
	focal_grid(a, b, n, logspace, v); /* checked above: cannot fail */
	out->v = v;
	out->n = n;
	return 0;
shape:
	cli_error(c, "invalid %s grid '%s': expected START:STOP:N", what, s);
	return -1;
}

int cli_parse_format(struct cli *c, const char *s, enum cli_format *out)
{
	char names[64] = "";
	for (int i = 0; opt_format_names[i]; i++) {
		if (strcmp(s, opt_format_names[i]) == 0) {
			if (FMT_TABLE + i == FMT_NPY && c->out_is_tty) {
				cli_error(c, "invalid format 'npy': it is binary, and the output is a terminal (redirect it to a file)");
				return -1;
			}
			*out = (enum cli_format)(FMT_TABLE + i);
			return 0;
		}
		snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s",
			 i == 0 ? "" : ", ", opt_format_names[i]);
	}
	cli_error(c, "invalid format '%s': must be one of %s", s, names);
	return -1;
}

int cli_points(struct cli *c, const struct points_opts *po, int required,
	       const char *default_grid, struct points *out)
{
	/* One source of points: cli_run refuses two (commands.c). */
	out->v.v = NULL;
	out->v.n = 0;
	out->is_logit = po->x_list != NULL || po->x_grid != NULL;
	if (po->p_list)
		return cli_parse_list(c, "p", RULE_PROB, cli_check_prob,
				      po->p_list, &out->v);
	if (po->x_list)
		return cli_parse_list(c, "x", RULE_LOGIT, cli_check_logit,
				      po->x_list, &out->v);
	if (po->p_grid)
		return cli_parse_grid(c, "p", RULE_PROB, cli_check_prob,
				      po->p_grid, po->logspace, &out->v);
	if (po->x_grid)
		return cli_parse_grid(c, "x", RULE_LOGIT, cli_check_logit,
				      po->x_grid, po->logspace, &out->v);
	if (required || default_grid == NULL) {
		cli_error(c, "no points given: use --p LIST, --p-grid START:STOP:N, --x LIST or --x-grid START:STOP:N");
		return -1;
	}
	return cli_parse_grid(c, "p", RULE_PROB, cli_check_prob, default_grid,
			      po->logspace, &out->v);
}

int cli_parse_names(struct cli *c, const char *what, const char *s,
		    const char *const *names, int n, int *want)
{
	char oneof[256] = "";
	size_t used = 0;
	for (int i = 0; i < n && used < sizeof oneof; i++)
		used += (size_t)snprintf(oneof + used, sizeof oneof - used, "%s%s",
					 i ? ", " : "", names[i]);
	for (int i = 0; i < n; i++)
		want[i] = 0;
	if (strlen(s) >= 256) {
		cli_error(c, "invalid %s list '%.40s...': too long", what, s);
		return -1;
	}
	const char *p = s;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		int k = -1;
		for (int i = 0; i < n; i++)
			if (strlen(names[i]) == len && strncmp(p, names[i], len) == 0)
				k = i;
		if (len == 0) {
			cli_error(c, "invalid %s list '%s': expected names separated by commas", what, s);
			return -1;
		}
		if (k < 0) {
			cli_error(c, "invalid %s '%.*s': must be one of %s", what, (int)len, p, oneof);
			return -1;
		}
		want[k] = 1;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int cli_label(struct cli *c, double y)
{
	if (y == 0.0 || y == 1.0)
		return 0;
	cli_error(c, "invalid y '%g': must be 0 or 1", y);
	return -1;
}
