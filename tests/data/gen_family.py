#!/usr/bin/python3
"""80-digit references for the weighting lab's family (issue 14).

Run from the repository root with Debian's python3 (python3-mpmath):

    /usr/bin/python3 tests/data/gen_family.py

It writes family_LOSS_ref.tsv next to this script, one table per loss
(a few minutes on one core).
Formatting and the round-trip check of every printed value are those of
gen_reference.py (imported).  Columns:

  (file)  LOSS = poly1, polyfl, asl, qfl, vfl or flsd: the weighted row;
         its twin LOSS@grad is checked against E, dpt_twin and dx_twin
  th0 th1 th2  the row's parameters in its order (nan: unused or off)
  y      the label (hard targets) or the target in [0, 1] (qfl, vfl)
  from_logit  0: the input is the point on the loss's axis (p_t, or sigma
         for qfl and vfl); 1: the input is a logit (x_t for a hard target,
         the positive-class logit x for qfl and vfl)
  in     the input, an exact double
  value  L = w B;  dpt  dL/dp_t (dL/dsigma);  dx  dL/dx of the positive
         class's logit (-dL/dx_t for label 0)
  R      w' B, the residual against the twin
  dpt_twin  w B';  dx_twin  its dL/dx
  E      the twin's effective loss, int_p^{p*} w(s) (-B'(s)) ds, by mpmath
         tanh-sinh quadrature in logit space (s = sigma(t)), split at 0 and
         at the kinks (FLSD's switch, ASL's clip); its own error estimate
         must be below 1e-40 relative or the script stops.
Forms (p the axis point, q = 1 - p, exact at 80 digits):
  poly1   w = 1, B = -log p + eps q
  polyfl  w = q^g, B = -a log p + eps q, a = alpha_t (1 without alpha)
  asl     y = 1: w = q^g+, B = -log p;  y = 0: pm = max(q - m, 0),
          w = pm^g-, B = -log(1 - pm)
  flsd    w = q^g, g = g_below for p < switch, g_above otherwise; B = -log p
  qfl     w = |y - s|^beta, B = -(y log s + (1 - y) log(1 - s))
  vfl     y > 0: w = y, B as qfl's;  y = 0: w = alpha s^g, B = -log(1 - s)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_reference as G  # noqa: E402  (sets mp.dps = 80)
from mpmath import mp, mpf  # noqa: E402

NAN = float("nan")
QUAD_TOL = mpf(10) ** -40


def sig(t):
    return 1 / (1 + mp.exp(-t))


def axis(src, v):
    """(p, q, log p, log q) at 80 digits for an input: the logs from the
    input itself (at x = 300, p = 1 - 1e-130 is 1 at 80 digits)."""
    v = mpf(v)
    if src == "p":
        return v, 1 - v, mp.log(v), mp.log1p(-v)
    return sig(v), sig(-v), -mp.log1p(mp.exp(-v)), -mp.log1p(mp.exp(v))


def forms(loss, th, y, p, q, lp, lq):
    """w, w', B, B' (derivatives in p) at the point."""
    y = mpf(y)
    if loss == "poly1":
        e = mpf(th[0])
        return 1, 0, -lp + e * q, -1 / p - e
    if loss == "polyfl":
        g, e, al = mpf(th[0]), mpf(th[1]), th[2]
        a = 1 if al != al else (mpf(al) if y == 1 else 1 - mpf(al))
        w = q ** g
        dw = -g * q ** (g - 1) if g != 0 else 0
        return w, dw, -a * lp + e * q, -a / p - e
    if loss == "asl":
        gp, gn, m = mpf(th[0]), mpf(th[1]), mpf(th[2])
        if y == 1:
            return q ** gp, (-gp * q ** (gp - 1) if gp != 0 else 0), -lp, -1 / p
        pm = q - m
        if pm <= 0:
            return (1 if gn == 0 else 0), 0, 0, 0
        dw = -gn * pm ** (gn - 1) if gn != 0 else 0
        # 1 - pm = p + m, formed from p (1 - pm rounds to 0 at p = 1e-300)
        return pm ** gn, dw, (-mp.log(p + m) if m > 0 else -lp), -1 / (p + m)
    if loss == "flsd":
        g = mpf(th[0]) if p < mpf(th[2]) else mpf(th[1])
        return q ** g, (-g * q ** (g - 1) if g != 0 else 0), -lp, -1 / p
    bce = -((y * lp if y > 0 else 0) + ((1 - y) * lq if y < 1 else 0))
    dbce = (p - y) / (p * q)
    if loss == "qfl":
        b = mpf(th[0])
        r = p - y
        dw = b * abs(r) ** (b - 1) * mp.sign(r) if b != 0 else 0
        return abs(r) ** b, dw, bce, dbce
    if loss == "vfl":
        al, g = mpf(th[0]), mpf(th[1])
        if y > 0:
            return y, 0, bce, dbce
        dw = al * g * p ** (g - 1) if g != 0 else 0
        return al * p ** g, dw, bce, dbce
    raise ValueError(loss)


HARD = ("poly1", "polyfl", "asl", "flsd")


def kinks(loss, th, y):
    """Kinks of the integrand, as logits."""
    if loss == "flsd":
        s = mpf(th[2])
        return [mp.log(s / (1 - s))]
    if loss == "asl" and y == 0 and th[2] > 0:
        m = mpf(th[2])
        return [mp.log((1 - m) / m)]
    return []


def dps_for(t):
    """Digits that keep 80 through the cancellations at a logit t: 1 - p
    and -log p - (1 - p) lose about 0.87 |t| digits at p = sigma(t)."""
    return G.DPS + 10 + int(0.87 * min(abs(float(t)), 800))


def effective(loss, th, y, t0):
    """E = int_{t0}^{t*} w (-B') s (1 - s) dt, t* the base minimiser."""
    # the cancellations are at large positive t only; beyond t0 + 30 the
    # integrand is below e^-30 of its value at t0 and needs no more digits
    cap = max(float(t0), 0.0) + 30.0

    def f(t):
        with mp.workdps(dps_for(min(max(float(t), 0.0), cap))):
            p, q, lp, lq = axis("x", t)
            w, _, _, db = forms(loss, th, y, p, q, lp, lq)
            v = -w * db * p * q
        return +v
    if loss in HARD:
        ts = mp.inf
    elif y == 0:
        ts = -mp.inf
    elif y == 1:
        ts = mp.inf
    else:
        ts = mp.log(mpf(y) / (1 - mpf(y)))
    lo, hi, sgn = (t0, ts, 1) if t0 < ts else (ts, t0, -1)
    inner = [mpf(0)] + kinks(loss, th, y)
    # tanh-sinh on a half-line places its nodes on the scale 1 from the
    # finite end: give it the scales of a tail decaying from there
    if mp.isinf(hi) and not mp.isinf(lo):
        inner += [lo + d for d in (2, 20, 200)]
    if mp.isinf(lo) and not mp.isinf(hi):
        inner += [hi - d for d in (2, 20, 200)]
    cuts = sorted(set([lo, hi] + [c for c in inner if lo < c < hi]))
    # mpmath's quad stops on an absolute error: scale the integrand to 1
    # at the starting point (E is about e^-300 there at x_t = 300)
    sc = abs(f(t0)) if not mp.isinf(t0) else 0
    sc = sc if sc > 0 else 1
    v, e = mp.quad(lambda t: f(t) / sc, cuts, error=True)
    v, e = v * sc, e * sc
    if v != 0 and not e <= QUAD_TOL * abs(v):
        raise AssertionError("quadrature %s %s %s %s: error %s of %s" % (loss, th, y, t0, e, v))
    return sgn * v


def row(loss, th, y, src, v):
    with mp.workdps(dps_for(v) if src == "x" else G.DPS):
        return row_at(loss, th, y, src, v)


def row_at(loss, th, y, src, v):
    p, q, lp, lq = axis(src, v)
    w, dw, b, db = forms(loss, th, y, p, q, lp, lq)
    hard = loss in HARD
    s = -1 if hard and y == 0 else 1
    value = w * b
    r = dw * b
    dpt = r + w * db
    twin = w * db
    t0 = mpf(v) if src == "x" else lp - lq
    with mp.workdps(G.DPS):
        E = effective(loss, th, y, t0)
    vals = [value, dpt, s * dpt * p * q, r, twin, s * twin * p * q, E]
    return [G.fmt_in(t) if t == t else "nan" for t in th] + \
        [G.fmt_in(y), "1" if src == "x" else "0", G.fmt_in(v)] + [G.fmt(u) for u in vals]


P_HARD = [1e-300, 1e-30, 1e-8, 0.0123, 0.19, 0.2, 0.21, 0.385, 0.5, 0.7385,
          0.94, 0.96, 0.99, 1 - 2.0 ** -20, 1 - 2.0 ** -40]
X_HARD = [-700.0, -300.0, -36.5, -8.25, -1.385, 0.0, 0.75, 2.385, 8.25, 36.5,
          300.0, 700.0]
P_SOFT = [1e-300, 1e-8, 0.0123, 0.29, 0.31, 0.5, 0.7385, 0.76, 0.99, 1 - 2.0 ** -40]
X_SOFT = [-700.0, -36.5, -3.5, -0.9, 0.0, 1.125, 2.385, 36.5, 700.0]

CASES = [
    ("poly1", [(2.0, NAN, NAN), (-1.0, NAN, NAN), (0.385, NAN, NAN)], [1]),
    ("polyfl", [(2.0, -1.0, NAN), (0.5, 1.5, 0.25)], [1, 0]),
    ("asl", [(0.0, 4.0, 0.05), (1.5, 2.5, 0.2), (1.0, 4.0, 0.0)], [1, 0]),
    ("flsd", [(5.0, 3.0, 0.2), (2.5, 1.5, 0.5)], [1]),
    ("qfl", [(2.0, NAN, NAN), (1.5, NAN, NAN)], [0.0, 0.3, 0.75, 1.0]),
    ("vfl", [(0.75, 2.0, NAN), (0.4, 1.5, NAN)], [0.0, 0.3, 0.75, 1.0]),
]


def main():
    for loss, ths, ys in CASES:
        if len(sys.argv) > 1 and loss not in sys.argv[1:]:
            continue
        hard = loss in HARD
        rows = []
        for th in ths:
            for y in ys:
                for v in (P_HARD if hard else P_SOFT):
                    rows.append(row(loss, th, y, "p", v))
                for v in (X_HARD if hard else X_SOFT):
                    rows.append(row(loss, th, y, "x", v))
        write(loss, rows)


def write(loss, rows):
    header = ["th0", "th1", "th2", "y", "from_logit", "in", "value", "dpt", "dx",
              "R", "dpt_twin", "dx_twin", "E"]
    name = "family_%s_ref.tsv" % loss
    path = os.path.join(HERE, name)
    with open(path, "w", newline="\n") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("%s: %d rows" % (name, len(rows)), flush=True)


if __name__ == "__main__":
    main()
