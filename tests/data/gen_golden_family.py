"""The weighting lab's rows of tests/data/golden.tsv (imported by
gen_golden.py, which documents the columns; docs/golden.md).

Each member is its weight w and base loss B as functions of the logit z of
its axis: z = x_t (x for y = 1, -x for y = 0) for a hard label, z = x for a
soft target (qfl) or an IoU target (vfl), with p = sigma(z), q = sigma(-z)
formed without cancellation.  forms() returns w, dw/dz, B, dB/dz; the
derivatives are written out and checked against mpmath's one-sided
numerical derivative at every row (one-sided to the right: at FLSD's switch
the weight is the one at and above it, as autograd sees it).

  value      w B (for a twin too: what a detach() implementation's forward
             pass computes)
  grad       dL/dx: s (dw B + w dB) for the loss, s w dB for its twin, with
             s = -1 for a hard label 0 (dz/dx) and 1 otherwise
  effective  the loss's value, or for the twin E_w = int_z^{z*} w (-dB/dt) dt
             (tanh-sinh quadrature, its error estimate below 1e-40 of the
             value), z* the base loss's minimiser (+inf for a hard label,
             logit y for a soft one); checked against the closed forms of
             docs/math.md where there is one
"""
import mpmath as mp

DPS = 70  # 50 digits kept through the cancellations of |x| <= 30

# name, the parameters' names in the registry's order, two settings (the
# paper's default first), the targets y
CASES = [
    ("poly1", ["epsilon"], [["2"], ["-1"]], ["0", "1"]),
    ("polyfl", ["gamma", "epsilon", "alpha"], [["2", "-1", "none"], ["0.5", "1", "0.25"]],
     ["0", "1"]),
    ("asl", ["gamma_pos", "gamma_neg", "clip"], [["0", "4", "0.05"], ["1", "2", "0.2"]],
     ["0", "1"]),
    ("qfl", ["beta"], [["2"], ["1.5"]], ["0", "0.35", "0.7", "1"]),
    ("vfl", ["alpha", "gamma"], [["0.75", "2"], ["0.5", "1.5"]], ["0", "0.35", "0.7", "1"]),
    ("flsd", ["gamma_below", "gamma_above", "switch"], [["5", "3", "0.2"], ["2.5", "1.5", "0.5"]],
     ["0", "1"]),
]
HARD = ("poly1", "polyfl", "asl", "flsd")
# the worst condition of the weight in the logit a row may have:
# sigma/|sigma - y| (qfl, vfl), q/(q - m) (asl's negatives)
COND_MAX = 8


def num(s):
    """The double a decimal string reads as, exactly; None for 'none'."""
    return None if s == "none" else mp.mpf(float(s))


def power(b, g, db):
    """b^g and its derivative g b^(g-1) db, with 0^0 = 1."""
    if g == 0:
        return mp.mpf(1), mp.mpf(0)
    return b ** g, g * b ** (g - 1) * db


def forms(name, th, y, z):
    """w, dw/dz, B, dB/dz at the axis logit z."""
    p, q = 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))
    lp, lq = -mp.log1p(mp.exp(-z)), -mp.log1p(mp.exp(z))
    dq = -p * q  # dq/dz; dp/dz = p q, d(lp)/dz = q
    if name in ("poly1", "polyfl"):
        g, e = (mp.mpf(0), th[0]) if name == "poly1" else (th[0], th[1])
        a = 1 if name == "poly1" or th[2] is None else (th[2] if y == 1 else 1 - th[2])
        w, dw = power(q, g, dq)
        # a + e p written as (a + e) - e q: no cancellation at a + e = 0
        return w, dw, -a * lp + e * q, -q * ((a + e) - e * q)
    if name == "asl":
        if y == 1:
            w, dw = power(q, th[0], dq)
            return w, dw, -lp, -q
        pm = q - th[2]   # q = sigma(x): the negative's probability
        if pm <= 0:
            return (mp.mpf(1) if th[1] == 0 else mp.mpf(0)), mp.mpf(0), mp.mpf(0), mp.mpf(0)
        w, dw = power(pm, th[1], dq)
        return w, dw, -mp.log(p + th[2]), -p * q / (p + th[2])   # 1 - pm = p + m
    if name == "flsd":
        w, dw = power(q, th[0] if p < th[2] else th[1], dq)
        return w, dw, -lp, -q
    # soft targets: B the binary cross-entropy against y, dB/dz = p - y
    r = p - y if p <= mp.mpf(1) / 2 else (1 - y) - q
    b = -((y * lp if y != 0 else 0) + ((1 - y) * lq if y != 1 else 0))
    if name == "qfl":
        w, dw = power(abs(r), th[0], mp.sign(r) * p * q)
        return w, dw, b, r
    if y > 0:
        return y, mp.mpf(0), b, r
    w, dw = power(p, th[1], p * q)
    return th[0] * w, th[0] * dw, -lq, p


def zstar(name, y):
    if name in HARD or y == 1:
        return mp.inf
    if y == 0:
        return -mp.inf
    return mp.log(y / (1 - y))


def kinks(name, th, y):
    if name == "flsd":
        return [mp.log(th[2] / (1 - th[2]))]
    if name == "asl" and y == 0 and th[2] > 0:
        return [mp.log((1 - th[2]) / th[2])]
    return []


def effective(name, th, y, z):
    """int_z^{z*} w (-dB/dt) dt by tanh-sinh, split at 0, the kinks and, on
    a half-line, at distances 2, 20 and 200 (the scales of its tail)."""
    def f(t):
        w, _, _, db = forms(name, th, y, t)
        return -w * db
    zs = zstar(name, y)
    lo, hi, sgn = (z, zs, 1) if z < zs else (zs, z, -1)
    inner = [mp.mpf(0)] + kinks(name, th, y)
    if mp.isinf(hi):
        inner += [lo + d for d in (2, 20, 200)]
    if mp.isinf(lo):
        inner += [hi - d for d in (2, 20, 200)]
    cuts = sorted(set([lo, hi] + [c for c in inner if lo < c < hi]))
    sc = abs(f(z)) or mp.mpf(1)   # mpmath's quad stops on an absolute error
    v, err = mp.quad(lambda t: f(t) / sc, cuts, error=True)
    v, err = v * sc, err * sc
    assert v == 0 or err <= mp.mpf(10) ** -40 * abs(v), (name, th, y, z, v, err)
    return sgn * v


def e_gamma(g, q):
    """E_g at 1 - p = q: int_0^q v^g/(1 - v) dv = q^(g+1)/(g+1) 2F1(g+1, 1; g+2; q)."""
    return q ** (g + 1) / (g + 1) * mp.hyp2f1(g + 1, 1, g + 2, q)


def closed_e(name, th, y, z):
    """docs/math.md's closed form of E_w where it gives one, else None."""
    p, q = 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))
    if name == "poly1":
        return forms(name, th, y, z)[2]          # E_w = B(p) - B(1) = B(p)
    if name == "polyfl":
        a = 1 if th[2] is None else (th[2] if y == 1 else 1 - th[2])
        return a * e_gamma(th[0], q) + th[1] * q ** (th[0] + 1) / (th[0] + 1)
    if name == "asl":
        if y == 1:
            return e_gamma(th[0], q)
        return e_gamma(th[1], max(q - th[2], 0))  # E_gamma-(p_t + m)
    if name == "flsd":
        if p >= th[2]:
            return e_gamma(th[1], q)
        s = 1 - th[2]
        return e_gamma(th[0], q) - e_gamma(th[0], s) + e_gamma(th[1], s)
    if name == "vfl":
        if y == 0:
            return th[0] * e_gamma(th[1], p)       # alpha E_gamma(1 - sigma)
        by = -(y * mp.log(y) + ((1 - y) * mp.log(1 - y) if y != 1 else 0))
        return y * (forms(name, th, y, z)[2] - by)  # q KL(q || sigma)
    return None


def condition(name, th, y, z):
    """How much the weight magnifies the rounding of the logit's sigmoid:
    sigma/|sigma - y| (qfl, vfl at 0 < y < 1), q/(q - m) (asl's negatives
    outside the clip); 1 elsewhere."""
    p, q = 1 / (1 + mp.exp(-z)), 1 / (1 + mp.exp(z))
    if name == "asl" and y == 0 and q > th[2]:
        return q / (q - th[2])
    if name in ("qfl", "vfl") and 0 < y < 1:
        return p / abs(p - y)
    return 1


def fmt(v):
    return "%.17g" % float(v)


def one(name, th, y, x, twin):
    s = -1 if name in HARD and y == 0 else 1
    z = s * x
    w, dw, b, db = forms(name, th, y, z)
    assert condition(name, th, y, z) <= COND_MAX, (name, th, y, x)
    for (fn, d) in ((lambda t: forms(name, th, y, t)[0], dw), (lambda t: forms(name, th, y, t)[2], db)):
        nd = mp.diff(fn, z, direction=1)
        assert abs(nd - d) <= mp.mpf(10) ** -40 * max(abs(d), mp.mpf(10) ** -300), (name, th, y, x)
    value = w * b
    if not twin:
        return value, s * (dw * b + w * db), value
    e = effective(name, th, y, z)
    c = closed_e(name, th, y, z)
    assert c is None or abs(c - e) <= mp.mpf(10) ** -35 * abs(e), (name, th, y, x, c, e)
    return value, s * w * db, e


def rows(xs):
    """golden.tsv's lines of every member and its twin, as lists of fields."""
    out = []
    with mp.workdps(DPS):
        for name, pnames, settings, ys in CASES:
            for twin in (False, True):
                for st in settings:
                    th = [num(v) for v in st]
                    params = ",".join("%s=%s" % kv for kv in zip(pnames, st))
                    for ys_ in ys:
                        for xv in xs:
                            v, d, e = one(name, th, num(ys_), num(xv), twin)
                            out.append([name + ("@grad" if twin else ""), "-", "-", ys_, xv,
                                        fmt(v), fmt(d), fmt(e), params])
    return out
