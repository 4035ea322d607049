/*
 * fig_ticks.c - "nice" tick positions and clean tick labels.
 *
 * Linear axes use steps of 1, 2 or 5 x 10^k: the finest that keeps at
 * most max_major ticks (the caller derives max_major from the axis length
 * and label size).  Tick values are computed as integer multiples of the
 * step, dividing by a power of ten when k < 0 so that 3 x 0.1 prints as
 * 0.3 and lands exactly where a user expects it.  Log axes use decades.
 */
#include "fig_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MINUS "\xe2\x88\x92" /* U+2212 */

void fig_format_number(double v, int dec, char *buf, size_t cap)
{
	char tmp[64];
	if (dec < 0)
		dec = 0;
	if (dec > 17)
		dec = 17;
	snprintf(tmp, sizeof tmp, "%.*f", dec, v);
	const char *s = tmp;
	bool neg = false;
	if (*s == '-') {
		s++;
		neg = strspn(s, "0.") != strlen(s); /* no "-0.00" */
	}
	snprintf(buf, cap, "%s%s", neg ? MINUS : "", s);
}

static double pow10i(int k)
{
	static const double tab[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
				     1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
				     1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
				     1e22};
	if (k >= 0 && k <= 22)
		return tab[k];
	return pow(10.0, k);
}

/* i * m * 10^k with a single rounding where possible. */
static double nice_value(double i, int m, int k)
{
	if (k >= 0)
		return i * m * pow10i(k);
	return (i * m) / pow10i(-k);
}

static void add_tick(fig_tickset *t, double v, bool major, const char *label)
{
	if (t->n >= FIG_MAX_TICKS)
		return;
	fig_tick *k = &t->t[t->n++];
	k->v = v;
	k->major = major;
	k->labeled = label != NULL;
	snprintf(k->label, sizeof k->label, "%s", label ? label : "");
}

static void sort_ticks(fig_tickset *t)
{
	for (size_t i = 1; i < t->n; i++) {
		fig_tick tmp = t->t[i];
		size_t j = i;
		while (j > 0 && t->t[j - 1].v > tmp.v) {
			t->t[j] = t->t[j - 1];
			j--;
		}
		t->t[j] = tmp;
	}
}

static void exponent_markup(int e, char *buf, size_t cap)
{
	if (e < 0)
		snprintf(buf, cap, MINUS "%d", -e);
	else
		snprintf(buf, cap, "%d", e);
}

/* Decimals needed to print multiples of step exactly (at most 15). */
static int step_decimals(double step)
{
	for (int d = 0; d < 15; d++) {
		double s = step * pow10i(d);
		if (fabs(s - nearbyint(s)) < 1e-9 * s)
			return d;
	}
	return 15;
}

int fig_ticks_linear(double lo, double hi, int max_major, double step,
		     bool negate, fig_tickset *out)
{
	out->n = 0;
	out->mult[0] = '\0';
	out->step = 0;
	if (!(isfinite(lo) && isfinite(hi) && lo < hi) || max_major < 2)
		return FIG_EINVAL;
	double span = hi - lo;
	int m = 1, k = 0;
	bool forced = step > 0 && isfinite(step) && span / step <= FIG_MAX_TICKS;
	if (!forced) {
		static const int mant[3] = {1, 2, 5};
		k = (int)floor(log10(span / max_major)) - 1;
		for (int guard = 0; guard < 40; guard++, k++) {
			int j;
			for (j = 0; j < 3; j++) {
				double s = nice_value(1, mant[j], k);
				double c = floor(hi / s + 1e-9) - ceil(lo / s - 1e-9) + 1;
				if (c <= max_major)
					break;
			}
			if (j < 3) {
				m = mant[j];
				break;
			}
		}
		step = nice_value(1, m, k);
	}
	int dec = forced ? step_decimals(step) : (k < 0 ? -k : 0);
	double i0 = ceil(lo / step - 1e-9), i1 = floor(hi / step + 1e-9);
	double maxabs = 0;
	for (double i = i0; i <= i1 && out->n < FIG_MAX_TICKS; i++) {
		double v = forced ? i * step : nice_value(i, m, k);
		if (i == 0)
			v = 0;
		add_tick(out, v, true, "");
		if (fabs(v) > maxabs)
			maxabs = fabs(v);
	}
	out->step = step;
	int e = 0;
	if (maxabs >= 1e4 || (maxabs > 0 && maxabs < 1e-3)) {
		e = (int)floor(log10(maxabs) + 1e-9);
		char ex[16];
		exponent_markup(e, ex, sizeof ex);
		snprintf(out->mult, sizeof out->mult, "\xc3\x97" "10^{%s}", ex);
		/* labels show v / 10^e: decimals of the scaled step */
		dec = forced ? step_decimals(step * pow(10.0, -e)) : (e - k > 0 ? e - k : 0);
	}
	double scale = e ? pow(10.0, -e) : 1;
	for (size_t i = 0; i < out->n; i++) {
		double v = out->t[i].v * scale;
		fig_format_number(negate ? -v : v, dec, out->t[i].label,
				  sizeof out->t[i].label);
		out->t[i].labeled = true;
	}
	return FIG_OK;
}

/* "10^{k}", or "−10^{k}" for negated axes. */
static void decade_label(int d, bool negate, char *buf, size_t cap)
{
	char ex[16];
	exponent_markup(d, ex, sizeof ex);
	snprintf(buf, cap, "%s10^{%s}", negate ? MINUS : "", ex);
}

/* Plain label of m x 10^d for short log ranges. */
static void plain_label(int m, int d, bool negate, char *buf, size_t cap)
{
	char num[40];
	if (d >= -4 && d <= 5) {
		fig_format_number(m * pow(10.0, d), d < 0 ? -d : 0, num, sizeof num);
	} else {
		char ex[16];
		exponent_markup(d, ex, sizeof ex);
		if (m == 1)
			snprintf(num, sizeof num, "10^{%s}", ex);
		else
			snprintf(num, sizeof num, "%d\xc3\x97" "10^{%s}", m, ex);
	}
	snprintf(buf, cap, "%s%s", negate ? MINUS : "", num);
}

int fig_ticks_log(double a, double b, int max_major, bool negate,
		  fig_tickset *out)
{
	out->n = 0;
	out->mult[0] = '\0';
	out->step = 0;
	if (!(isfinite(a) && isfinite(b) && a < b) || max_major < 2)
		return FIG_EINVAL;
	const double eps = 1e-9;
	double d0 = ceil(a - eps), d1 = floor(b + eps);
	double nd = d1 - d0 + 1;
	char lab[FIG_LABEL_BYTES];
	if (nd >= 2) {
		static const int strides[] = {1, 2, 3, 5, 10, 20, 25, 50, 100};
		double s = 1;
		for (size_t j = 0; j < sizeof strides / sizeof *strides; j++) {
			s = strides[j];
			double c = floor(d1 / s) - ceil(d0 / s) + 1;
			if (c <= max_major)
				break;
		}
		while (floor(d1 / s) - ceil(d0 / s) + 1 > max_major)
			s *= 2;
		out->step = s;
		for (double d = ceil(d0 / s) * s; d <= d1; d += s) {
			decade_label((int)d, negate, lab, sizeof lab);
			add_tick(out, d, true, lab);
		}
		/* all minor ticks only while decades are not crowded */
		if (s == 1 && b - a <= 15 && b - a <= max_major) {
			for (double d = floor(a); d <= d1; d++)
				for (int m = 2; m <= 9; m++) {
					double c = d + log10((double)m);
					if (c >= a - eps && c <= b + eps)
						add_tick(out, c, false, NULL);
				}
		} else if (s > 1 && (b - a) / 1 <= FIG_MAX_TICKS / 2) {
			for (double d = d0; d <= d1; d++)
				if (fmod(d, s) != 0)
					add_tick(out, d, false, NULL);
		}
		sort_ticks(out);
		return FIG_OK;
	}
	/* Less than two decades inside: label the 1..9 x 10^d ticks. */
	size_t ncand = 0;
	for (double d = floor(a); d <= ceil(b); d++)
		for (int m = 1; m <= 9; m++) {
			double c = d + log10((double)m);
			if (c >= a - eps && c <= b + eps)
				ncand++;
		}
	bool all = ncand <= (size_t)max_major;
	size_t nlab = 0;
	for (double d = floor(a); d <= ceil(b); d++)
		for (int m = 1; m <= 9; m++) {
			double c = d + log10((double)m);
			if (!(c >= a - eps && c <= b + eps))
				continue;
			bool major = all || m == 1 || m == 2 || m == 5;
			if (major) {
				plain_label(m, (int)d, negate, lab, sizeof lab);
				nlab++;
			}
			add_tick(out, m == 1 ? d : c, major, major ? lab : NULL);
		}
	if (nlab >= 2) {
		sort_ticks(out);
		return FIG_OK;
	}
	/* Still too few: linear nice ticks on the values themselves. */
	fig_tickset lin;
	int rc = fig_ticks_linear(pow(10.0, a), pow(10.0, b), max_major, 0,
				  negate, &lin);
	if (rc != FIG_OK)
		return rc;
	out->n = 0;
	for (size_t i = 0; i < lin.n; i++) {
		if (lin.t[i].v > 0) {
			char l2[FIG_LABEL_BYTES];
			snprintf(l2, sizeof l2, "%s", lin.t[i].label);
			add_tick(out, log10(lin.t[i].v), true, l2);
		}
	}
	snprintf(out->mult, sizeof out->mult, "%s", lin.mult);
	return FIG_OK;
}
