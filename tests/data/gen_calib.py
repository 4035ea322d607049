#!/usr/bin/python3
"""80-digit references for the calibration map (issue 14 item 5).

Run from the repository root with Debian's python3 (python3-mpmath):

    /usr/bin/python3 tests/data/gen_calib.py

It writes calib_ref.tsv next to this script (about a minute on one core).
For a loss, its parameters and a positive-class frequency f, the map's
point is the logit x where the expected training gradient

    F(x) = f dL/dx(x; y = 1) + (1 - f) dL/dx(x; y = 0)

changes sign (dL/dx of the positive class's logit; for a twin NAME@grad
the gradient w B' alone).  The forms w, w', B, B' of poly1, asl and flsd
are gen_family.py's (imported); fl's are written here: w = a_t (1-p_t)^g,
B = -log p_t, a_t = alpha (y = 1), 1 - alpha (y = 0), 1 without alpha.
The root is found independently of the C code: F's sign on a grid of
logits in [-60, 60] (and at +-700), then bisection to a width of 1e-75,
with mpmath at 100 digits.  A sign change where |F| stays large is a jump
of the gradient (where = jump); no change at all is where = at0 / at1.

Columns:
  loss th0 th1 th2  the row and its parameters in row order (nan: unused)
  f      the frequency, an exact double
  where  interior, jump, at0, at1, or none (several sign changes: x, p nan)
  x      logit p at the root (+-inf at the ends)
  p      sigma(x)
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_reference as G  # noqa: E402  (sets mp.dps = 80)
import gen_family as GF  # noqa: E402
from mpmath import mp, mpf  # noqa: E402

NAN = float("nan")
WORK_DPS = 100
WIDTH = mpf(10) ** -75


def forms(loss, th, y, p, q, lp, lq):
    """w, w', B, B' in p_t at the point (gen_family's, and fl's)."""
    if loss == "fl":
        g, al = mpf(th[0]), th[1]
        a = 1 if al != al else (mpf(al) if y == 1 else 1 - mpf(al))
        dw = -a * g * q ** (g - 1) if g != 0 else 0
        return a * q ** g, dw, -lp, -1 / p
    return GF.forms(loss, th, y, p, q, lp, lq)


def dx(loss, twin, th, y, x):
    """dL/dx of the positive class's logit x for the label y."""
    xt = x if y == 1 else -x
    p, q, lp, lq = GF.axis("x", xt)
    w, dw, b, db = forms(loss, th, y, p, q, lp, lq)
    dpt = w * db + (0 if twin else dw * b)
    return (1 if y == 1 else -1) * dpt * p * q


def big_f(loss, twin, th, f, x):
    """F and the size of its terms."""
    a = f * dx(loss, twin, th, 1, x)
    b = (1 - f) * dx(loss, twin, th, 0, x)
    return a + b, abs(a) + abs(b)


def kinks(loss, th):
    """Logits where the gradient may jump: FLSD's switch on either label's
    p_t axis, ASL's clip (p = m for the negatives)."""
    lg = lambda v: mp.log(mpf(v) / (1 - mpf(v)))  # noqa: E731
    if loss == "flsd":
        return [lg(th[2]), -lg(th[2])]
    if loss == "asl" and th[2] > 0:
        return [lg(th[2])]
    return []


def solve(loss, twin, th, f):
    f = mpf(f)
    grid = [mpf(-700)] + [mpf(k) / 4 for k in range(-240, 241)] + [mpf(700)]
    for k in kinks(loss, th):
        grid += [k - mpf(10) ** -20, k + mpf(10) ** -20]
    grid.sort()
    signs = [(x, mp.sign(big_f(loss, twin, th, f, x)[0])) for x in grid]
    nz = [(x, s) for x, s in signs if s != 0]
    changes = [i for i in range(1, len(nz)) if nz[i][1] != nz[i - 1][1]]
    if not changes:
        return ("at0", mp.ninf) if nz[0][1] > 0 else ("at1", mp.inf)
    if len(changes) != 1 or nz[0][1] > 0:
        return "none", mp.nan
    lo, hi = nz[changes[0] - 1][0], nz[changes[0]][0]
    while hi - lo > WIDTH:
        mid = (lo + hi) / 2
        v = big_f(loss, twin, th, f, mid)[0]
        if v == 0:
            lo = hi = mid
            break
        if v < 0:
            lo = mid
        else:
            hi = mid
    x = (lo + hi) / 2
    v, size = big_f(loss, twin, th, f, x)
    # continuous: |F| at the root is of the order of the width times F'
    return ("interior" if abs(v) <= mpf(10) ** -60 * size else "jump"), x


FS = [1e-6, 0.01, 0.3, 0.5, 0.9, 1 - 1e-6]

CASES = [
    ("fl", [(1.0, NAN, NAN), (2.0, NAN, NAN), (2.0, 0.25, NAN), (5.0, NAN, NAN),
            (0.5, 0.75, NAN)]),
    ("asl", [(0.0, 4.0, 0.05), (1.5, 2.5, 0.2), (1.0, 4.0, 0.0)]),
    ("poly1", [(2.0, NAN, NAN), (-1.0, NAN, NAN), (0.385, NAN, NAN)]),
    ("flsd", [(5.0, 3.0, 0.2), (2.5, 1.5, 0.5)]),
]

# ASL with gamma- = 0: the negatives' gradient jumps up from 0 at p = m,
# and at a small f training settles on the jump (where = jump)
JUMPS = [("asl", (1.0, 0.0, 0.2), 0.01), ("asl", (1.0, 0.0, 0.2), 0.001)]


def main():
    out = os.path.join(HERE, "calib_ref.tsv")
    rows = ["loss\tth0\tth1\tth2\tf\twhere\tx\tp"]
    todo = []
    for loss, ths in CASES:
        for th in ths:
            for twin in (False, True):
                for f in FS:
                    todo.append((loss, twin, th, f))
    todo += [(loss, twin, th, f) for loss, th, f in JUMPS for twin in (False, True)]
    for loss, twin, th, f in todo:
        with mp.workdps(WORK_DPS):
            where, x = solve(loss, twin, th, f)
            p = mpf(1) / (1 + mp.exp(-x)) if mp.isfinite(x) else \
                (mp.nan if mp.isnan(x) else 1 if x > 0 else 0)
        name = ("fgl" if loss == "fl" else loss + "@grad") if twin else loss
        rows.append("\t".join([name] + [G.fmt_in(t) if t == t else "nan" for t in th] +
                              [G.fmt_in(f), where] +
                             ["nan" if mp.isnan(v) else G.fmt(v) for v in (x, p)]))
    with open(out, "w") as fh:
        fh.write("\n".join(rows) + "\n")
    print("wrote %s: %d rows" % (out, len(rows) - 1))


if __name__ == "__main__":
    main()
