#!/usr/bin/python3
"""High-precision reference data for the `focal` unit tests.

Run from the repository root with the Debian interpreter (it has mpmath):

    /usr/bin/python3 tests/data/gen_reference.py

It writes, next to this script:

  effective_ref.tsv  E_gamma(p), H_gamma and the published integer formula
                     on a (gamma, p) grid with p given as a double.
  logit_ref.tsv      CE, FL, FGL values / derivatives / weights with the
                     target probability given through its logit x_t.
  prob_ref.tsv       the same quantities with p given directly, including the
                     end points p = 0 and p = 1 (limits).
  flstar_ref.tsv     FL*_{gamma,beta}(x_t) of the focal loss paper appendix and
                     its derivative.
  beyond_ref.tsv     the logit_ref.tsv columns at logits near and beyond
                     +-745 (to +-1e308).
  flstar_edges_ref.tsv  FL* value, dL/dp_t, dL/dx_t and weight from logits
                     (to +-1e308) and from probabilities (next to 1).
  compare_ref.tsv    FL - E, E / FL and w_FL / w_FGL with their limits.

`gen_reference.py NAME...` (effective, logit, prob, flstar, beyond,
flstar_edges, compare) regenerates only those tables.

Every input column holds an exactly representable double printed with
repr(); each reference value is the exact mathematical value at that exact
double, computed with mpmath at 80 significant digits (more where a formula
cancels), and printed with 21 significant digits.  After formatting, each
printed value is parsed back with float() (correctly rounded, like C strtod)
and compared with the correctly rounded double of the high-precision value;
if they differ, more digits are printed.  Overflowing values are printed as
their true value (strtod gives +-inf), tiny values likewise (strtod gives 0 or
a subnormal).  Exact zeros print as `0`, infinities as `inf` / `-inf`.

Definitions (p = p_t, q = 1 - p, gamma >= 0; see shared/MATH.md):
  CE = -log p                 FL = -q^g log p
  dFL/dp = -q^g/p + R,  R = g q^(g-1) log p (R = 0 for g = 0)
  dFL/dx_t = q^g (g p log p - q)
  dFGL/dp = -q^g/p,  dFGL/dx_t = -q^(g+1)
  E_g(p) = int_p^1 (1-s)^g / s ds        (effective FGL loss)
  w_fl = q^g (1 + g p (-log p)/q),  w_fgl = q^g
  H_g = psi(g+1) + Euler's constant
  published P_n(p) = -log p - sum_{i=1..n} C(n,i) (-p)^i / i  (integer n);
  for non-integer g the column holds E_g(p) + H_g (its continuation).
  FL*_{g,b}(x_t) = softplus(-(g x_t + b)) / g,  dFL*/dx_t = sigma(g x_t + b) - 1

How E_g(p) is cross-checked (every row, the script aborts on failure):
  primary: p < 0.5: form 4, -log p - H_g + sum_k (-1)^(k+1) C(g,k) p^k / k,
           summed at raised precision (the working precision is increased
           until the digits lost to cancellation are covered);
           p >= 0.5: x^(g+1)/(g+1) 2F1(1, g+1; g+2; x), x = 1 - p (mpmath).
  checks, each required to agree with the primary to 1e-40 relative:
    - 0.05 <= p <= 0.95: the other one of the two forms above;
    - integer g: form 2, -log p - sum_{k=1..n} x^k/k, recomputed from the
      exact input at a precision that covers its cancellation near p = 1;
    - non-integer g, p < 0.05: the small-p series part recomputed as
      g p 3F2(1, 1, 1-g; 2, 2; p) with mpmath's hypergeometric code;
    - non-integer g, p > 0.95: the tail series sum_j x^(g+j)/(g+j) summed
      directly (independent of mpmath's 2F1);
    - tanh-sinh quadrature (60 digits) of form 5, int_0^{-ln p} (1-e^-t)^g dt,
      split at t = 1/8, 1, 4, 16, 64, 256 and scaled to O(1), on every
      non-integer-gamma row with p < 0.05 or p > 0.95 and on every row whose
      running index (over all E evaluations, in file order) is a multiple
      of 7 (deterministic selection).
  H_g is checked against sum_k g/(k(k+g)) (mpmath.nsum), and for integer g
  against the exact harmonic sum; the published column for integer g is
  checked against E + H.  The derivative columns are spot-checked with
  numerical differentiation (mpmath.diff) on interior probability rows.
"""

import math
import os
import random
import sys
import time

import mpmath
from mpmath import mp, mpf

DPS = 80          # working precision (decimal digits)
QUAD_DPS = 60     # precision of the quadrature cross-check
OUT_DIGITS = 21   # significant digits printed
AGREE = mpf(10) ** -40
HERE = os.path.dirname(os.path.abspath(__file__))

mp.dps = DPS

STATS = {"max_rel": {}, "checks": {}, "extra_digits": 0, "values": 0}


# --------------------------------------------------------------------------
# Output formatting with a round-trip check
# --------------------------------------------------------------------------

def nearest_double(v):
    """Correctly rounded (nearest, ties to even) double of the mpf v."""
    if v == 0:
        return 0.0
    sign, man, exp, bc = v._mpf_
    # |v| = man * 2^exp, with 2^(bc-1) <= man < 2^bc
    e2 = exp + bc - 1                       # floor(log2 |v|)
    # overflow threshold: 2^1024 - 2^970 rounds to infinity
    big = mpf(2) ** 1024 - mpf(2) ** 970
    if abs(v) >= big:
        return -math.inf if sign else math.inf
    if e2 < -1076:                          # below half the least subnormal
        return -0.0 if sign else 0.0
    s = max(e2, -1022) - 52                 # exponent of one ulp
    shift = s - exp
    if shift <= 0:
        n = man << (-shift)
    else:
        n = man >> shift
        rem = man - (n << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and (n & 1)):
            n += 1
    d = math.ldexp(n, s)
    return -d if sign else d


def fmt(v):
    """Print an mpf value so that strtod recovers its nearest double."""
    if isinstance(v, str):
        return v
    v = mpf(v)
    if mp.isinf(v):
        return "inf" if v > 0 else "-inf"
    if mp.isnan(v):
        raise ValueError("nan reached the output")
    if v == 0:
        return "0"
    STATS["values"] += 1
    target = nearest_double(v)
    if target == 0.0 or math.isinf(target):
        # far beyond the double range (e^-1e308): mpmath's own digits, as
        # _digits cannot scale by 10^e there; strtod gives 0 or inf
        try:
            return _digits(v, OUT_DIGITS)
        except (AssertionError, OverflowError):
            s = mpmath.nstr(v, OUT_DIGITS, min_fixed=1, max_fixed=0)
            assert float(s) == target, (s, target)
            return s
    for nd in (OUT_DIGITS, 25, 30, 40, 60):
        s = _digits(v, nd)
        if float(s) == target:
            if nd != OUT_DIGITS:
                STATS["extra_digits"] += 1
            return s
    raise AssertionError("cannot print %s so that it round-trips" % v)


def _digits(v, nd):
    with mp.workdps(max(DPS, nd + 20)):
        a = abs(v)
        e10 = int(mp.floor(mp.log10(a)))
        for _ in range(3):
            m = mp.nint(a / mpf(10) ** (e10 - nd + 1))
            if m >= mpf(10) ** nd:
                e10 += 1
            elif m < mpf(10) ** (nd - 1):
                e10 -= 1
            else:
                break
        digs = str(int(m))
        assert len(digs) == nd, (v, digs)
    rest = digs[1:].rstrip("0") or "0"
    return "%s%s.%se%+d" % ("-" if v < 0 else "", digs[0], rest, e10)


def fmt_in(x):
    """Input column: the exact double, repr round-trips."""
    x = float(x)
    assert float(repr(x)) == x
    return repr(x)


# --------------------------------------------------------------------------
# Agreement bookkeeping
# --------------------------------------------------------------------------

def agree(name, a, b, where, tol=AGREE):
    a = mpf(a)
    b = mpf(b)
    if a == b:
        rel = mpf(0)
    else:
        rel = abs(a - b) / max(abs(a), abs(b))
    STATS["checks"][name] = STATS["checks"].get(name, 0) + 1
    old = STATS["max_rel"].get(name)
    if old is None or rel > old[0]:
        STATS["max_rel"][name] = (rel, where)
    if not rel <= tol:
        sys.stderr.write("CROSS-CHECK FAILED [%s] at %s:\n  %s\n  %s\n"
                         "  relative difference %s\n"
                         % (name, where, mpmath.nstr(a, 50), mpmath.nstr(b, 50),
                            mpmath.nstr(rel, 5)))
        raise SystemExit(1)


# --------------------------------------------------------------------------
# Inputs.  A "spec" is ('p', double) or ('xt', double); derive() returns
# (p, x = 1 - p, log p) at the current precision without cancellation.
# --------------------------------------------------------------------------

def derive(spec):
    kind, val = spec
    v = mpf(val)
    if kind == "p":
        return v, 1 - v, mp.log(v)
    if v >= 0:
        u = mp.exp(-v)
        return 1 / (1 + u), u / (1 + u), -mp.log1p(u)
    u = mp.exp(v)
    return u / (1 + u), 1 / (1 + u), v - mp.log1p(u)


class Gamma:
    """A gamma value with its exact double, integer flag and H_gamma."""

    def __init__(self, value):
        self.f = float(value)
        self.g = mpf(self.f)
        self.is_int = self.f == int(self.f)
        self.n = int(self.f) if self.is_int else None
        self._h = {}

    def H(self, dps):
        """H_gamma = psi(gamma+1) + Euler gamma at `dps` digits (cached)."""
        if dps not in self._h:
            with mp.workdps(dps + 10):
                if self.is_int:
                    h = mpf(0)
                    for k in range(1, self.n + 1):
                        h += mpf(1) / k
                else:
                    h = mp.psi(0, self.g + 1) + mp.euler
            self._h[dps] = h
        return self._h[dps]

    def check_H(self):
        with mp.workdps(DPS):
            h = self.H(DPS)
            g = self.g
            if self.g == 0:
                assert h == 0
                return
            alt = mp.nsum(lambda k: g / (k * (k + g)), [1, mp.inf])
            agree("H: psi/sum vs nsum", h, alt, "gamma=%r" % self.f)
            if self.is_int:
                agree("H: exact sum vs psi", h, mp.psi(0, g + 1) + mp.euler,
                      "gamma=%r" % self.f)


# --------------------------------------------------------------------------
# E_gamma(p): several independent evaluations
# --------------------------------------------------------------------------

def E_form4(G, spec, target=DPS):
    """-log p - H + sum_{k>=1} (-1)^(k+1) C(g,k) p^k / k, raising the
    precision until the cancellation is covered."""
    wdps = target + 30
    while True:
        with mp.workdps(wdps):
            p, x, logp = derive(spec)
            g = G.g
            H = G.H(wdps)
            thresh = mpf(10) ** (-(wdps + 20))
            s = mpf(0)
            a = g * p                   # (-1)^(k+1) C(g,k) p^k at k = 1
            big = max(abs(logp), abs(H), abs(a))
            k = 1
            while True:
                t = a / k
                s += t
                if abs(t) > big:
                    big = abs(t)
                if a == 0:
                    break
                if k > g + 1 and abs(t) < thresh * big:
                    break
                a = -a * (g - k) / (k + 1) * p
                k += 1
            r = -logp - H + s
            if r != 0:
                lost = float(mp.log10(big / abs(r)))
                if wdps - lost >= target + 15:
                    break
                wdps = int(lost) + target + 30
            else:
                wdps *= 2
            if wdps > 100000:
                raise AssertionError("form 4 does not converge at %r" % (spec,))
    return +r


def E_hyp(G, spec):
    """x^(g+1)/(g+1) * 2F1(1, g+1; g+2; x) with x = 1 - p."""
    p, x, logp = derive(spec)
    g = G.g
    return x ** (g + 1) / (g + 1) * mp.hyp2f1(1, g + 1, g + 2, x)


def E_tail(G, spec):
    """sum_{j>=1} x^(g+j)/(g+j), summed directly (positive terms)."""
    with mp.workdps(DPS + 10):
        p, x, logp = derive(spec)
        g = G.g
        eps = mpf(10) ** (-(DPS + 15))
        s = mpf(0)
        xp = x
        j = 1
        while True:
            t = xp / (g + j)
            s += t
            if t <= eps * s:
                break
            xp *= x
            j += 1
        r = s * x ** g
    return +r


def E_form2(G, spec, estimate):
    """Integer gamma: -log p - sum_{k=1..n} x^k / k, at a precision that
    covers the cancellation (estimated from `estimate`)."""
    n = G.n
    with mp.workdps(DPS):
        p, x, logp = derive(spec)
        lost = max(0.0, float(mp.log10(abs(logp) / abs(estimate))))
    with mp.workdps(DPS + int(lost) + 30):
        p, x, logp = derive(spec)
        s = mpf(0)
        xk = mpf(1)
        for k in range(1, n + 1):
            xk *= x
            s += xk / k
        r = -logp - s
    return +r


def E_3f2(G, spec):
    """-log p - H + g p 3F2(1, 1, 1-g; 2, 2; p)  (small p)."""
    with mp.workdps(DPS + 20):
        p, x, logp = derive(spec)
        g = G.g
        r = -logp - G.H(DPS + 20) + g * p * mp.hyp3f2(1, 1, 1 - g, 2, 2, p)
    return +r


def E_quad(G, spec):
    """Tanh-sinh quadrature of int_0^L (1-e^-t)^g dt, L = -log p."""
    with mp.workdps(QUAD_DPS):
        p, x, logp = derive(spec)
        g = G.g
        L = -logp
        S = L * (-mp.expm1(-L)) ** g          # upper bound of E, scale to O(1)
        pts = [mpf(0)] + [mpf(b) for b in (0.125, 1, 4, 16, 64, 256) if b < L] + [L]
        r = mp.quad(lambda t: (-mp.expm1(-t)) ** g / S, pts) * S
    return r


QUAD_COUNTER = [0]


def E_ref(G, spec, where):
    """E_gamma at the input spec, cross-checked; returns an mpf (DPS)."""
    kind, val = spec
    if kind == "p" and val == 1.0:
        return mpf(0)
    if kind == "p" and val == 0.0:
        return mp.inf
    with mp.workdps(DPS):
        p, x, logp = derive(spec)
    if p < 0.5:
        e = E_form4(G, spec)
    else:
        e = E_hyp(G, spec)
    if 0.05 <= p <= 0.95:
        if p < 0.5:
            agree("E: form4 vs 2F1", e, E_hyp(G, spec), where)
        else:
            agree("E: 2F1 vs form4", e, E_form4(G, spec), where)
    if G.is_int:
        agree("E: primary vs form2 (integer gamma)", e, E_form2(G, spec, e), where)
    elif p < 0.05:
        agree("E: form4 vs 3F2 (small p)", e, E_3f2(G, spec), where)
    elif p > 0.95:
        agree("E: 2F1 vs direct tail sum", e, E_tail(G, spec), where)
    QUAD_COUNTER[0] += 1
    if (not G.is_int and (p < 0.05 or p > 0.95)) or QUAD_COUNTER[0] % 7 == 0:
        agree("E: primary vs quadrature (form 5)", e, E_quad(G, spec), where)
    return e


# --------------------------------------------------------------------------
# The per-point loss quantities
# --------------------------------------------------------------------------

def quantities(G, spec, where):
    """dict of all loss columns at the input spec (p or x_t)."""
    g = G.g
    kind, val = spec
    if kind == "p" and val == 0.0:
        return {
            "ce": mp.inf, "fl": mp.inf, "fl_dpt": -mp.inf,
            "residual": (-mp.inf if g > 0 else mpf(0)),
            "fgl_dpt": -mp.inf, "fl_dxt": mpf(-1), "fgl_dxt": mpf(-1),
            "E": mp.inf, "w_fl": mpf(1), "w_fgl": mpf(1),
        }
    if kind == "p" and val == 1.0:
        # limits p -> 1; for gamma = 0 the p-derivatives are -1/p = -1
        return {
            "ce": mpf(0), "fl": mpf(0),
            "fl_dpt": (mpf(-1) if g == 0 else mpf(0)),
            "residual": mpf(0),
            "fgl_dpt": (mpf(-1) if g == 0 else mpf(0)),
            "fl_dxt": mpf(0), "fgl_dxt": mpf(0), "E": mpf(0),
            "w_fl": (mpf(1) if g == 0 else mpf(0)),
            "w_fgl": (mpf(1) if g == 0 else mpf(0)),
        }
    p, x, logp = derive(spec)
    qg = x ** g if g != 0 else mpf(1)
    ce = -logp
    R = g * x ** (g - 1) * logp if g != 0 else mpf(0)
    d = {
        "pt": p, "q": x, "ce": ce, "fl": qg * ce,
        "residual": R,
        "fl_dpt": -qg / p + R,
        "fl_dxt": qg * (g * p * logp - x),
        "fgl_dpt": -qg / p,
        "fgl_dxt": -qg * x,
        "w_fl": qg * (1 + g * p * (-logp) / x),
        "w_fgl": qg,
    }
    # consistency: dL/dx_t = dL/dp * p * q
    agree("dxt = dpt*p*q (FL)", d["fl_dxt"], d["fl_dpt"] * p * x, where, mpf(10) ** -70)
    agree("dxt = dpt*p*q (FGL)", d["fgl_dxt"], d["fgl_dpt"] * p * x, where, mpf(10) ** -70)
    d["E"] = E_ref(G, spec, where)
    return d


def derivative_spot_check(G, pval, d):
    """Numerical derivative of FL and E w.r.t. p at an interior point."""
    g = G.g
    where = "gamma=%r p=%r (numeric diff)" % (G.f, pval)
    with mp.workdps(DPS + 40):
        p0 = mpf(pval)
        fl = lambda p: -(1 - p) ** g * mp.log(p)
        num = mp.diff(fl, p0)
    agree("dFL/dp vs numeric diff", d["fl_dpt"], num, where, mpf(10) ** -40)
    with mp.workdps(60):
        # dE/dp = -q^g/p = fgl_dpt (E via quadrature of the original
        # integral, integrand scaled by q0^g so that it is O(1))
        p0 = mpf(pval)
        q0 = 1 - p0
        h = min(p0, q0) * mpf(10) ** -15
        Ef = lambda p: mp.quad(lambda s: ((1 - s) / q0) ** g / s, [p, 1])
        num = -(Ef(p0 - h) - Ef(p0 + h)) / (2 * h) * q0 ** g
    agree("dE/dp vs numeric diff", d["fgl_dpt"], num, where, mpf(10) ** -20)


# --------------------------------------------------------------------------
# Grids
# --------------------------------------------------------------------------

EFF_GAMMAS = [0, 1, 2, 3, 4, 5, 6, 7, 10, 15, 20, 30, 50,
              0.001, 0.25, 0.5, 0.75, 1.5, 2.385, 2.5, 3.7, 6.02, 9.5, 17.3,
              33.3, 49.9]
LOGIT_GAMMAS = [0, 0.25, 0.5, 1, 2, 2.5, 5, 10, 50]
PROB_GAMMAS = [0, 1e-12, 0.25, 0.5, 1, 2, 2.5, 5, 50]
FLSTAR_PARAMS = [(2, 1), (4, 0), (1, 0), (0.5, -1), (3.3, 2.5)]


def nearest(v):
    """Nearest double of a high-precision mpf."""
    return nearest_double(mpf(v))


def effective_p_grid(rng):
    ps = set()
    for e in range(300, 19, -10):                 # 1e-300 ... 1e-20
        ps.add(float("1e-%d" % e))
    for k in range(1, 20):
        ps.add(float("1e-%d" % k))
        ps.add(float("3.7e-%d" % k))
    for s in ("0.02", "0.05", "0.1", "0.15", "0.2", "0.25", "0.3", "0.35",
              "0.4", "0.45", "0.5", "0.55", "0.6", "0.65", "0.7", "0.75",
              "0.8", "0.85", "0.9", "0.95", "0.2385", "0.61803", "0.123456789",
              "0.333", "0.777", "0.87654321"):
        ps.add(float(s))
    with mp.workdps(DPS):
        for k in range(2, 41):
            ps.add(1.0 - 2.0 ** -k)                  # exact
        for k in range(1, 13):
            ps.add(nearest(1 - mpf(10) ** -k))
        for _ in range(5):
            u = rng.uniform(-300.0, 0.0)
            ps.add(nearest(mpf(10) ** mpf(u)))
    for _ in range(5):
        v = rng.random()
        while v == 0.0:
            v = rng.random()
        ps.add(v)
    ps.add(1.0)
    assert all(0.0 < v <= 1.0 for v in ps)
    return sorted(ps)


def logit_grid():
    base = [1e-300, 1e-16, 1e-8, 0.001, 0.1, 0.5, 1, 2.385, 5, 10, 20, 30,
            36.7, 40, 50, 100, 300, 500, 700, 709, 745]
    xs = {0.0}
    for b in base:
        xs.add(float(b))
        xs.add(-float(b))
    rng = random.Random(745709)
    for _ in range(20):
        xs.add(rng.uniform(-700.0, 700.0))
    assert len(xs) == 63
    return sorted(xs)


PROB_GRID = [0.0, 5e-324, 1e-300, 1e-100, 1e-16, 1e-8, 0.001, 0.1, 0.2385,
             0.5, 0.7, 0.9, 0.99, 1 - 1e-8, 1 - 2.0 ** -53, 1.0]


# --------------------------------------------------------------------------
# Writers
# --------------------------------------------------------------------------

def write_tsv(name, header, rows):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            assert len(r) == len(header)
            for c in r:
                assert "nan" not in c.lower(), (name, r)
            f.write("\t".join(r) + "\n")
    return path, len(rows)


def gen_effective():
    rows = []
    rng = random.Random(20240601)
    for gv in sorted(EFF_GAMMAS, key=float):
        G = Gamma(gv)
        G.check_H()
        H = G.H(DPS)
        for pv in effective_p_grid(rng):
            where = "effective gamma=%r p=%r" % (G.f, pv)
            spec = ("p", pv)
            E = E_ref(G, spec, where)
            if G.is_int:
                with mp.workdps(DPS + 30):
                    p = mpf(pv)
                    n = G.n
                    s = mpf(0)
                    for i in range(1, n + 1):
                        s += mp.binomial(n, i) * (-p) ** i / i
                    P = -mp.log(p) - s
                agree("published(int) vs E + H", P, E + H, where)
                # P_n(p) - H_n must vanish with E at p = 1
            else:
                P = E + H
            rows.append([fmt_in(G.f), fmt_in(pv), fmt(E), fmt(H), fmt(+P)])
    return write_tsv("effective_ref.tsv", ["gamma", "p", "E", "H", "published"], rows)


LOSS_COLS = ["ce", "fl", "fl_dpt", "fl_dxt", "residual", "fgl_dpt", "fgl_dxt",
             "E", "w_fl", "w_fgl"]


def gen_logit():
    rows = []
    for gv in LOGIT_GAMMAS:
        G = Gamma(gv)
        for xt in logit_grid():
            where = "logit gamma=%r xt=%r" % (G.f, xt)
            d = quantities(G, ("xt", xt), where)
            rows.append([fmt_in(xt), fmt_in(G.f), fmt(d["pt"]), fmt(d["q"])] +
                        [fmt(d[c]) for c in LOSS_COLS])
    return write_tsv("logit_ref.tsv", ["xt", "gamma", "pt", "q"] + LOSS_COLS, rows)


def gen_prob():
    rows = []
    nspot = 0
    for gv in PROB_GAMMAS:
        G = Gamma(gv)
        for pv in PROB_GRID:
            where = "prob gamma=%r p=%r" % (G.f, pv)
            d = quantities(G, ("p", pv), where)
            if 1e-3 <= pv <= 0.99:
                derivative_spot_check(G, pv, d)
                nspot += 1
            rows.append([fmt_in(pv), fmt_in(G.f)] + [fmt(d[c]) for c in LOSS_COLS])
    STATS["derivative_spot_checks"] = nspot
    return write_tsv("prob_ref.tsv", ["p", "gamma"] + LOSS_COLS, rows)


def softplus(y):
    if y > 0:
        return y + mp.log1p(mp.exp(-y))
    return mp.log1p(mp.exp(y))


def gen_flstar():
    rows = []
    for gv, bv in FLSTAR_PARAMS:
        g = mpf(float(gv))
        b = mpf(float(bv))
        for xt in logit_grid():
            with mp.workdps(DPS + 20):
                z = g * mpf(xt) + b
                val = softplus(-z) / g
                # sigma(z) - 1 = -sigma(-z) = -1/(1+e^z)
                dx = -1 / (1 + mp.exp(z))
            # independent: -log(sigma(z))/g and sigma(z) - 1 formed directly,
            # at a precision where 1 - sigma(z) cannot cancel away
            with mp.workdps(DPS + 20 + int(abs(float(g) * xt + float(b)) / 2.3)):
                z2 = g * mpf(xt) + b
                sig = 1 / (1 + mp.exp(-z2))
                alt_val = -mp.log(sig) / g
                alt_dx = sig - 1
            where = "flstar gamma=%r beta=%r xt=%r" % (float(gv), float(bv), xt)
            agree("FL*: softplus vs -log sigma", val, alt_val, where)
            agree("FL*: dxt", dx, alt_dx, where)
            rows.append([fmt_in(xt), fmt_in(gv), fmt_in(bv), fmt(+val), fmt(+dx)])
    return write_tsv("flstar_ref.tsv", ["xt", "gamma", "beta", "value", "dxt"], rows)


# --------------------------------------------------------------------------
# Edges (issue 11): logits beyond +-745, FL* derivatives and weights from
# logits and probabilities, and the FL-against-FGL comparison quantities
# --------------------------------------------------------------------------

BEYOND = [600.0, 700.0, 708.0, 720.0, 740.0, 744.0, 745.0, 745.5, 746.0,
          750.0, 800.0, 1000.0, 1e4, 1e308]
FLSTAR_EDGE_PARAMS = FLSTAR_PARAMS + [(1.5, 0), (5, 0), (2, 0), (0.99, 0),
                                      (1, 2.5)]
FLSTAR_EDGE_P = [0.0, 5e-324, 1e-300, 1e-16, 0.001, 0.1, 0.25, 0.3, 0.5,
                 0.75, 0.9, 0.999, 0.9999, 1 - 1e-12, 1 - 2.0 ** -30,
                 1 - 2.0 ** -52, 1 - 2.0 ** -53, 1.0]
COMPARE_GAMMAS = [0, 0.25, 0.99, 1, 2, 2.5, 5, 50, 100]
COMPARE_P = [0.0, 5e-324, 1e-300, 1e-100, 1e-16, 1e-8, 1e-5, 0.001, 0.01,
             0.1, 0.2385, 0.3, 0.5, 0.7, 0.9, 0.99, 1 - 1e-8, 1 - 2.0 ** -52,
             1.0]


def beyond_grid():
    xs = set()
    for b in BEYOND:
        xs.add(b)
        xs.add(-b)
    return sorted(xs)


def E_edge(G, spec, where):
    """E_gamma where |x_t| may be far beyond 745: the tail sum (x_t > 0) or
    form 4 (x_t < 0), each against a second, independent evaluation."""
    kind, val = spec
    with mp.workdps(DPS):
        p, x, logp = derive(spec)
    if G.g == 0:
        return -logp
    if p >= 0.5:
        e = E_tail(G, spec)
        if x > mpf(10) ** -300:
            agree("E edge: tail vs 2F1", e, E_hyp(G, spec), where)
        else:
            # two terms of the tail are exact far below any rounding
            with mp.workdps(DPS + 10):
                g = G.g
                alt = x ** (g + 1) / (g + 1) + x ** (g + 2) / (g + 2)
            agree("E edge: tail vs two terms", e, alt, where, mpf(10) ** -60)
        return e
    e = E_form4(G, spec)
    with mp.workdps(DPS + 20):
        g = G.g
        alt = -logp - G.H(DPS + 20) + g * p * mp.hyp3f2(1, 1, 1 - g, 2, 2, p)
    agree("E edge: form4 vs 3F2", e, alt, where)
    return e


def gen_beyond():
    """CE, FL, FGL quantities at logits near and beyond +-745."""
    rows = []
    for gv in LOGIT_GAMMAS:
        G = Gamma(gv)
        for xt in beyond_grid():
            where = "beyond gamma=%r xt=%r" % (G.f, xt)
            spec = ("xt", xt)
            with mp.workdps(DPS):
                p, x, logp = derive(spec)
                g = G.g
                qg = x ** g if g != 0 else mpf(1)
                R = g * x ** (g - 1) * logp if g != 0 else mpf(0)
                d = {"pt": p, "q": x, "ce": -logp, "fl": -qg * logp, "residual": R,
                     "fl_dpt": -qg / p + R, "fl_dxt": qg * (g * p * logp - x),
                     "fgl_dpt": -qg / p, "fgl_dxt": -qg * x,
                     "w_fl": qg * (1 + g * p * (-logp) / x), "w_fgl": qg}
                agree("beyond: dxt = dpt*p*q (FL)", d["fl_dxt"], d["fl_dpt"] * p * x,
                      where, mpf(10) ** -70)
            d["E"] = E_edge(G, spec, where)
            rows.append([fmt_in(xt), fmt_in(G.f), fmt(d["pt"]), fmt(d["q"])] +
                        [fmt(d[c]) for c in LOSS_COLS])
    return write_tsv("beyond_ref.tsv", ["xt", "gamma", "pt", "q"] + LOSS_COLS, rows)


def flstar_point(g, b, spec):
    """FL* value, dpt, dxt and weight at ('p', v) or ('xt', v); limits at
    p = 0 and p = 1."""
    kind, val = spec
    if kind == "p" and val == 0.0:
        return mp.inf, -mp.inf, mpf(-1), mpf(1)
    if kind == "p" and val == 1.0:
        w = mpf(0) if g > 1 else mp.inf if g < 1 else mp.exp(-b)
        return mpf(0), -w, mpf(0), w
    p, x, logp = derive(spec)
    xt = logp - mp.log(x) if kind == "p" else mpf(val)
    z = g * xt + b
    val_ = softplus(-z) / g
    sz = 1 / (1 + mp.exp(z))          # sigma(-z)
    if xt > 0 and z > 0:
        # sigma(-z)/sigma(-x_t) = e^{-((g-1) x_t + b)} (1 + e^-x_t)/(1 + e^-z):
        # z - x_t is not formed (at x_t = 1e308 it would lose b)
        w = mp.exp(-((g - 1) * xt + b)) * (1 + mp.exp(-xt)) / (1 + mp.exp(-z))
    else:
        w = sz / x
    return val_, -w / p, -sz, w


def gen_flstar_edges():
    """FL* with its derivatives and weight, from logits (also beyond
    +-745) and from probabilities (also next to 1)."""
    rows = []
    specs = [("xt", v) for v in sorted(set(logit_grid()) | set(beyond_grid()))]
    specs += [("p", v) for v in FLSTAR_EDGE_P]
    for gv, bv in FLSTAR_EDGE_PARAMS:
        g = mpf(float(gv))
        b = mpf(float(bv))
        for spec in specs:
            where = "flstar edge gamma=%r beta=%r %s=%r" % (float(gv), float(bv), spec[0], spec[1])
            with mp.workdps(DPS + 20):
                v, dpt, dxt, w = flstar_point(g, b, spec)
            if mp.isfinite(v) and v != 0 and w != 0 and mp.isfinite(w):
                # independently: weight as exp(softplus(x_t) - softplus(z)),
                # value as -log sigma(z) / g, at a precision that covers 1 - sigma
                # (1 - sigma(z) cancels: digits as |z| / 2.3; beyond |z| =
                # 3000 only the weight is cross-checked)
                zf = abs(float(g) * float(spec[1])) if spec[0] == "xt" else 0.0
                with mp.workdps(DPS + 60 + int(min(zf, 3000.0) / 2.3)):
                    p, x, logp = derive(spec)
                    xt = logp - mp.log(x) if spec[0] == "p" else mpf(spec[1])
                    z = g * xt + b
                    alt_w = mp.exp(softplus(xt) - softplus(z)) if zf < 1e6 else w
                    alt_v = -mp.log(1 / (1 + mp.exp(-z))) / g if abs(z) < 3000 else v
                agree("FL* edge: weight two ways", w, alt_w, where)
                agree("FL* edge: value two ways", v, alt_v, where)
            rows.append(["1" if spec[0] == "xt" else "0", fmt_in(spec[1]), fmt_in(gv), fmt_in(bv),
                         fmt(+v), fmt(+dpt), fmt(+dxt), fmt(+w)])
    return write_tsv("flstar_edges_ref.tsv",
                     ["from_logit", "in", "gamma", "beta", "value", "dpt", "dxt", "weight"], rows)


def E_any(G, spec, where):
    """E_ref (with all its cross-checks) inside +-745, E_edge beyond."""
    if spec[0] == "xt" and abs(spec[1]) > 745:
        return E_edge(G, spec, where)
    return E_ref(G, spec, where)


def compare_point(G, spec, where):
    """FL - E, E / FL and w_FL / w_FGL, with their limits."""
    kind, val = spec
    g = G.g
    if kind == "p" and val == 0.0:
        return G.H(DPS), mpf(1), mpf(1)
    if kind == "p" and val == 1.0:
        return mpf(0), 1 / (g + 1), 1 + g
    if g == 0:
        return mpf(0), mpf(1), mpf(1)
    with mp.workdps(DPS + 20):
        p, x, logp = derive(spec)
        wr = 1 + g * p * (-logp) / x
        if x <= 0.5:
            # (FL - E) / x^(g+1) = sum_k x^k g/((k+1)(k+1+g)); E from the tail
            s = mpf(0)
            xk = mpf(1)
            k = 0
            while True:
                t = xk * g / ((k + 1) * (k + 1 + g))
                s += t
                if t < mpf(10) ** -(DPS + 25) * s:
                    break
                xk *= x
                k += 1
            diff = x ** (g + 1) * s
            E = E_any(G, spec, where)
            fl = -(x ** g) * logp
            if fl > mpf(10) ** -300:
                agree("compare: series diff vs FL - E", diff, fl - E, where, mpf(10) ** -30)
        else:
            E = E_any(G, spec, where)
            H = G.H(DPS + 20)
            # FL - E = (H - S) - (1 - x^g)(-log p), S = E + log p + H
            with mp.workdps(DPS + 40 + int(mp.log10(1 + abs(logp)))):
                p2, x2, logp2 = derive(spec)
                fl = -(x2 ** g) * logp2
                diff = fl - E_form4(G, spec, DPS + 20 + int(mp.log10(1 + abs(logp))))
            fl = -(x ** g) * logp
        ratio = E / fl
    return diff, ratio, wr


def gen_compare():
    rows = []
    specs = [("p", v) for v in COMPARE_P]
    specs += [("xt", v) for v in (-1e308, -1000.0, -745.0, -700.0, -30.0, -2.0, 0.0, 2.0,
                                  30.0, 700.0, 745.0, 1000.0, 1e308)]
    for gv in COMPARE_GAMMAS:
        G = Gamma(gv)
        for spec in specs:
            where = "compare gamma=%r %s=%r" % (G.f, spec[0], spec[1])
            diff, ratio, wr = compare_point(G, spec, where)
            rows.append(["1" if spec[0] == "xt" else "0", fmt_in(spec[1]), fmt_in(G.f),
                         fmt(+diff), fmt(+ratio),
                         fmt(+wr)])
    return write_tsv("compare_ref.tsv", ["from_logit", "in", "gamma", "diff", "ratio", "wratio"], rows)


def main():
    t0 = time.time()
    out = []
    fns = (gen_effective, gen_logit, gen_prob, gen_flstar, gen_beyond,
           gen_flstar_edges, gen_compare)
    # `gen_reference.py NAME...` regenerates only those tables (each table
    # depends only on its own function, so the output is the same)
    if len(sys.argv) > 1:
        fns = [f for f in fns if f.__name__[4:] in sys.argv[1:]]
    for fn in fns:
        t = time.time()
        path, n = fn()
        out.append((os.path.basename(path), n, os.path.getsize(path), time.time() - t))
    print("mpmath %s, dps %d, quad dps %d" % (mpmath.__version__, DPS, QUAD_DPS))
    for name, n, size, dt in out:
        print("%-20s %6d rows %9d bytes %7.1f s" % (name, n, size, dt))
    print("cross-checks (count, largest relative disagreement, where):")
    for k in sorted(STATS["checks"]):
        rel, where = STATS["max_rel"][k]
        print("  %-40s %6d  %-10s  %s" % (k, STATS["checks"][k], mpmath.nstr(rel, 3), where))
    print("derivative spot checks: %d" % STATS.get("derivative_spot_checks", 0))
    print("printed values: %d, needing more than %d digits: %d"
          % (STATS["values"], OUT_DIGITS, STATS["extra_digits"]))
    print("total %.1f s" % (time.time() - t0))


if __name__ == "__main__":
    main()
