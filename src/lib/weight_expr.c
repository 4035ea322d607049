/*
 * Custom weight expressions (focal/weight.h): parsed and differentiated
 * by GNU libmatheval, checked once on a grid, evaluated at points
 * (docs/math.md, "Custom weights").
 *
 * Parameters are folded into the text as constants before libmatheval
 * sees it, so the derivatives treat them as numbers: q^2.5 differentiates
 * to 2.5*q^1.5, where a symbolic exponent would give q^g*(0*log(q)+g/q),
 * NaN at q = 0.  The text is scanned here first, which also keeps any
 * character the grammar lacks away from libmatheval's lexer (whose default
 * rule echoes it to stdout: libfocal never prints).
 */
#include "weight_internal.h"

#include <ctype.h>
#include <locale.h>
#include <pthread.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <matheval.h>

#include "internal.h"

static const char *const var_names[3] = {"p", "q", "x"};

static void fail(char *err, size_t cap, const char *expr, const char *fmt, ...)
{
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (cap > 0)
		snprintf(err, cap, "invalid weight '%s': %s", expr, why);
}

static int is_ident(const char *s)
{
	if (!(isalpha((unsigned char)*s) || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_'))
			return 0;
	return 1;
}

/* Check the parameter names and values. */
static int check_params(const char *expr, const char *const *names, const double *values,
			int n, char *err, size_t cap)
{
	if (n > FOCAL_WEIGHT_MAX_PARAMS) {
		fail(err, cap, expr, "more than %d parameters", FOCAL_WEIGHT_MAX_PARAMS);
		return FOCAL_ELIMIT;
	}
	for (int i = 0; i < n; i++) {
		const char *s = names[i];
		if (!is_ident(s) || strlen(s) > FOCAL_WEIGHT_NAME_MAX) {
			fail(err, cap, expr, "bad parameter name '%s': must be a letter or _ then "
			     "letters, digits or _ (at most %d)", s, FOCAL_WEIGHT_NAME_MAX);
			return FOCAL_EDOM;
		}
		for (int v = 0; v < 3; v++) {
			if (strcmp(s, var_names[v]) == 0) {
				fail(err, cap, expr, "parameter '%s' is a variable of the weight", s);
				return FOCAL_EDOM;
			}
		}
		for (int k = 0; k < i; k++) {
			if (strcmp(s, names[k]) == 0) {
				fail(err, cap, expr, "parameter '%s' given twice", s);
				return FOCAL_EDOM;
			}
		}
		if (!isfinite(values[i])) {
			fail(err, cap, expr, "parameter '%s' must be a finite number", s);
			return FOCAL_EDOM;
		}
	}
	return FOCAL_OK;
}

/* Append s[0..len) to out, keeping count of the space it needs. */
static void put(char *out, size_t cap, size_t *used, const char *s, size_t len)
{
	if (*used + len < cap)
		memcpy(out + *used, s, len);
	*used += len;
}

/* The length of the number at s, or 0 when its digits and points do not
 * make one (a point alone, two points): libmatheval's lexer would echo a
 * point it cannot read. */
static size_t number_len(const char *s)
{
	size_t k = strspn(s, "0123456789.");
	const char *dot = memchr(s, '.', k);
	if (dot != NULL && (k == 1 || memchr(dot + 1, '.', k - (size_t)(dot - s) - 1) != NULL))
		return 0;
	if ((s[k] == 'e' || s[k] == 'E')) {
		size_t j = k + 1 + (s[k + 1] == '+' || s[k + 1] == '-');
		if (isdigit((unsigned char)s[j]))
			k = j + strspn(s + j, "0123456789");
	}
	return k;
}

/*
 * Copy expr into out with every parameter (an identifier that is not a
 * function name, i.e. not followed by '(') replaced by its value in
 * parentheses, marking used[].  Runs in the C locale (the caller's
 * uselocale).  Returns the length needed, or (size_t)-1 after a message
 * for a character outside the grammar.
 */
static size_t fold_params(const char *expr, const char *const *names, const double *values,
			  int n, int *used, char *out, size_t cap, char *err, size_t ecap)
{
	size_t u = 0;
	for (const char *s = expr; *s;) {
		unsigned char c = (unsigned char)*s;
		size_t len = 1;
		if (isdigit(c) || c == '.') {
			len = number_len(s);
			if (len == 0) {
				fail(err, ecap, expr, "malformed number at '%.20s'", s);
				return (size_t)-1;
			}
		} else if (isalpha(c) || c == '_') {
			while (isalnum((unsigned char)s[len]) || s[len] == '_')
				len++;
			const char *after = s + len + strspn(s + len, " \t");
			for (int i = 0; i < n && *after != '('; i++) {
				if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0) {
					char num[40];
					int w = snprintf(num, sizeof num, "(%.17g)", values[i]);
					put(out, cap, &u, num, (size_t)w);
					used[i] = 1;
					s += len;
					len = 0;
					break;
				}
			}
		} else if (!strchr("+-*/^() \t", c)) {
			if (isprint(c))
				fail(err, ecap, expr, "unexpected character '%c'", c);
			else
				fail(err, ecap, expr, "unexpected byte 0x%02x", c);
			return (size_t)-1;
		}
		put(out, cap, &u, s, len);
		s += len;
	}
	if (u < cap)
		out[u] = '\0';
	return u;
}

static double evaluate(void *f, const double v[3])
{
	char n0[] = "p", n1[] = "q", n2[] = "x";
	char *names[3] = {n0, n1, n2};
	double vals[3] = {v[0], v[1], v[2]};
	return evaluator_evaluate(f, 3, names, vals);
}

void focal_weight_at(const focal_weight *w, const focal_point *pt, double *wv, double *dw)
{
	double v[3] = {pt->p, pt->q, focal__point_logit(pt)};
	*wv = evaluate(w->f, v);
	if (dw == NULL)
		return;
	/* dq/dp = -1, dx/dp = 1/(p(1-p)) */
	double fac[3] = {1.0, -1.0, 1.0 / (pt->p * pt->q)}, s = 0.0;
	for (int i = 0; i < 3; i++)
		if (w->d[i] != NULL)
			s += focal__mul0(evaluate(w->d[i], v), fac[i]);
	*dw = s;
}

/* The grid check of focal_weight_parse at one point. */
static int check_point(const focal_weight *w, const focal_point *pt, char *err, size_t cap)
{
	double wv, dw;
	focal_weight_at(w, pt, &wv, &dw);
	const char *why = !isfinite(wv) ? "is not finite" : wv < 0.0 ? "is negative" :
			  !isfinite(focal__mul0(dw, -pt->lp)) ? "has w'*(-log p) not finite" : NULL;
	if (why == NULL)
		return FOCAL_OK;
	fail(err, cap, w->text, "w %s at p = %.17g", why, pt->p);
	return FOCAL_EDOM;
}

static int check_grid(const focal_weight *w, char *err, size_t cap)
{
	focal_point pt;
	for (int k = -720; k <= 720; k++) {
		focal_point_from_logit(0.05 * k, &pt);
		if (check_point(w, &pt, err, cap) != FOCAL_OK)
			return FOCAL_EDOM;
	}
	for (int k = 1; k < 1024; k++) {
		focal_point_from_p(k / 1024.0, &pt);
		if (check_point(w, &pt, err, cap) != FOCAL_OK)
			return FOCAL_EDOM;
	}
	return FOCAL_OK;
}

/* Variables of the parsed tree: each must be p, q or x; the derivatives
 * of those present. */
static int take_variables(focal_weight *w, char *err, size_t cap)
{
	char **vars;
	int count;
	evaluator_get_variables(w->f, &vars, &count);
	for (int i = 0; i < count; i++) {
		int k = 0;
		while (k < 3 && strcmp(vars[i], var_names[k]) != 0)
			k++;
		if (k == 3) {
			fail(err, cap, w->text, "unknown name '%s': the weight reads p, q, x "
			     "and its parameters", vars[i]);
			return FOCAL_EDOM;
		}
	}
	for (int i = 0; i < count; i++) {
		for (int k = 0; k < 3; k++) {
			char name[2] = {var_names[k][0], '\0'};
			if (strcmp(vars[i], name) != 0)
				continue;
			w->d[k] = evaluator_derivative(w->f, name);
			if (w->d[k] == NULL)
				return FOCAL_ENOMEM;
		}
	}
	return FOCAL_OK;
}

/* The one lock of libfocal: libmatheval's parser is not reentrant. */
static pthread_mutex_t parse_lock = PTHREAD_MUTEX_INITIALIZER;

/* Fold, parse and differentiate in the C locale: libmatheval reads numbers
 * with strtod, and the folded values are printed with snprintf. */
static int build(focal_weight *w, const char *const *names, const double *values, int n,
		 char *err, size_t cap)
{
	int used[FOCAL_WEIGHT_MAX_PARAMS] = {0};
	size_t need = fold_params(w->text, names, values, n, used, NULL, 0, err, cap);
	if (need == (size_t)-1)
		return FOCAL_EDOM;
	char *folded = malloc(need + 1);
	if (folded == NULL)
		return FOCAL_ENOMEM;
	fold_params(w->text, names, values, n, used, folded, need + 1, err, cap);
	for (int i = 0; i < n; i++) {
		if (!used[i]) {
			fail(err, cap, w->text, "parameter '%s' is not used by the expression",
			     names[i]);
			free(folded);
			return FOCAL_EDOM;
		}
	}
	w->f = strspn(folded, " \t") == need ? NULL : evaluator_create(folded);
	free(folded);
	if (w->f == NULL) {
		fail(err, cap, w->text, need == 0 ? "empty expression" : "syntax error");
		return FOCAL_EDOM;
	}
	return take_variables(w, err, cap);
}

int focal_weight_parse(const char *expr, const char *const *names, const double *values,
		       int n, focal_weight **out, char *err, size_t cap)
{
	if (cap > 0)
		err[0] = '\0';
	if (strlen(expr) > FOCAL_WEIGHT_EXPR_MAX) {
		if (cap > 0)
			snprintf(err, cap, "invalid weight: longer than %d bytes",
				 FOCAL_WEIGHT_EXPR_MAX);
		return FOCAL_ELIMIT;
	}
	int st = check_params(expr, names, values, n, err, cap);
	if (st != FOCAL_OK)
		return st;
	focal_weight *w = calloc(1, sizeof *w);
	if (w == NULL || (w->text = strdup(expr)) == NULL) {
		free(w);
		return FOCAL_ENOMEM;
	}
	w->nparams = n;
	for (int i = 0; i < n; i++) {
		w->theta[i] = values[i] + 0.0;
		snprintf(w->names[i], sizeof w->names[i], "%s", names[i]);
	}
	locale_t c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	if (c == (locale_t)0) {
		focal_weight_free(w);
		return FOCAL_ENOMEM;
	}
	locale_t old = uselocale(c);
	/* libmatheval's parser keeps its state in globals: one parse at a
	 * time, whatever thread asks (focal_weight_copy in worker threads) */
	pthread_mutex_lock(&parse_lock);
	st = build(w, names, values, n, err, cap);
	pthread_mutex_unlock(&parse_lock);
	uselocale(old);
	freelocale(c);
	if (st == FOCAL_OK)
		st = check_grid(w, err, cap);
	if (st != FOCAL_OK) {
		focal_weight_free(w);
		return st;
	}
	*out = w;
	return FOCAL_OK;
}

int focal_weight_copy(const focal_weight *w, focal_weight **out)
{
	const char *names[FOCAL_WEIGHT_MAX_PARAMS];
	char err[64];
	for (int i = 0; i < w->nparams; i++)
		names[i] = w->names[i];
	/* w parsed and passed its checks, so only memory can fail here */
	int st = focal_weight_parse(w->text, names, w->theta, w->nparams, out, err, sizeof err);
	return st == FOCAL_OK ? FOCAL_OK : FOCAL_ENOMEM;
}

void focal_weight_free(focal_weight *w)
{
	if (w == NULL)
		return;
	for (int k = 0; k < 3; k++)
		if (w->d[k] != NULL)
			evaluator_destroy(w->d[k]);
	if (w->f != NULL)
		evaluator_destroy(w->f);
	free(w->text);
	free(w);
}

const char *focal_weight_text(const focal_weight *w)
{
	return w->text;
}

int focal_weight_nparams(const focal_weight *w)
{
	return w->nparams;
}

const char *focal_weight_param_name(const focal_weight *w, int i)
{
	return i >= 0 && i < w->nparams ? w->names[i] : NULL;
}

const double *focal_weight_theta(const focal_weight *w)
{
	return w->theta;
}
