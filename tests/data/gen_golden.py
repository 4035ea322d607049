#!/usr/bin/python3
"""Golden values of the trained losses at logits, for checking any
implementation (focal's C, the PyTorch reference in docs/torch_reference.py,
a user's own stop-gradient code): tests/data/golden.tsv, docs/golden.md.

Each row is one loss at one logit x of the positive class, label y, focusing
parameter gamma and class weight alpha (none: alpha_t = 1):

  value      the forward value a training step computes: alpha_t w(p_t) B(p_t)
             (for a gradient twin such as fgl, whose weight is a stop-gradient
             factor, this is the weighted loss's own value: what
             `loss.item()` of a detach() implementation prints)
  grad       dL/dx, the gradient with respect to the logit x that training
             follows: of the value for a loss trained as itself, alpha_t w
             dB/dx for a twin (the weight held fixed)
  effective  the loss whose gradient that is: the value for a loss trained
             as itself; for a twin alpha_t E_w(p_t) = alpha_t int_{p_t}^1
             w(u) (-B'(u)) du (docs/math.md), what `focal eval` reports
  params     every parameter of the row, NAME=VALUE joined by commas in the
             registry's order (alpha=none: no class weight)

Two tables.  LOSSES: FL and FGL, weight w(q) of q = 1 - p_t, B = -log p_t,
with the gamma and alpha columns.  CASES of gen_golden_family.py (imported,
about 50 s): the weighting lab's members
(poly1, polyfl, asl, qfl, vfl, flsd; docs/family.md, docs/math.md "The focal
family") and each one's twin NAME@grad, their gamma and alpha columns '-'
and every parameter in params.  A member is its weight w and base loss B as
functions of the logit z of its axis (z = x_t for a hard label, z = x for
the soft target of qfl and the IoU target of vfl), with dw/dz and dB/dz
written out and checked against mpmath's numerical derivative at every row;
E_w is mpmath's tanh-sinh quadrature of w (-dB/dz) from z to the base
loss's minimiser, checked against the closed forms of docs/math.md where
it gives one (E_gamma as q^(g+1)/(g+1) 2F1(g+1, 1; g+2; q)).  Inputs are
the doubles their decimal strings read as (0.05 is 0.05000000000000000277).
Reference values at 50 digits (mpmath; the family's at 70, which keeps 50
through the cancellations of |x| <= 30),
printed as the nearest double (%.17g).  Run from the top of the tree with
the Debian interpreter:  /usr/bin/python3 tests/data/gen_golden.py
"""
import os
import sys

import mpmath as mp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_golden_family as fam  # noqa: E402

mp.mp.dps = 50

GAMMAS = ["0", "0.5", "1", "2", "5"]
ALPHAS = [None, "0.25"]
XS = ["-30", "-12", "-5", "-2.5", "-1", "-0.25", "0", "0.375", "1.5", "3", "7", "15", "30"]


def w_focal(q, g):
    """(1 - p_t)^gamma, with 0^0 = 1 (gamma = 0 is CE)."""
    return mp.mpf(1) if g == 0 else q ** g


# name, weight, trained as: "loss" (the gradient of the value) or "twin"
# (alpha_t w dB/dx, the weight a stop-gradient factor)
LOSSES = [
    ("fl", w_focal, "loss"),
    ("fgl", w_focal, "twin"),
]


def row(name, w, trained, g, a, y, x):
    s = 1 if y == 1 else -1
    at = mp.mpf(1) if a is None else (a if y == 1 else 1 - a)

    def value_at(t):
        xt = s * t
        q = 1 / (1 + mp.exp(xt))          # 1 - p_t = sigma(-x_t)
        return at * w(q, g) * mp.log1p(mp.exp(-xt))  # B = -log p_t = log(1 + e^-x_t)

    xt = s * x
    q = 1 / (1 + mp.exp(xt))
    pt = 1 - q
    ce = mp.log1p(mp.exp(-xt))
    value = value_at(x)
    if trained == "loss":
        # closed form (w = q^gamma): dL/dx_t = -alpha_t q^gamma (gamma p_t CE + q),
        # checked against mpmath's numerical derivative
        grad = s * -at * w(q, g) * (g * pt * ce + q)
        num = mp.diff(value_at, x)
        assert abs(num - grad) <= mp.mpf(10) ** -30 * abs(grad), (name, g, a, y, x)
        effective = value
    else:
        # dB/dx_t = -(1 - p_t); dx_t/dx = s
        grad = s * at * w(q, g) * (-q)
        effective = at * effective_loss(w, g, q, ce)
    return value, grad, effective, pt


def effective_loss(w, g, q, ce):
    """E_w(p_t) = int_{p_t}^1 w(1-u)/u du, in variables that keep the
    integrand of order 1 (mpmath's quad stops at an absolute error)."""
    if q <= mp.mpf(1) / 2:
        # v = 1 - u = q s: q w(q) int_0^1 (w(q s) / w(q)) / (1 - q s) ds
        wq = w(q, g)
        return q * wq * mp.quad(lambda t: w(q * t, g) / wq / (1 - q * t), [0, 1])
    # u = e^t from log p_t to log 1/2, then v = 1 - u from 0 to 1/2
    lo, mid = -ce, -mp.log(2)
    return (mp.quad(lambda t: w(-mp.expm1(t), g), [lo, (lo + mid) / 2, mid]) +
            mp.quad(lambda v: w(v, g) / (1 - v), [0, mp.mpf(1) / 2]))


def fmt(v):
    return "%.17g" % float(v)


def main():
    top = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(top, "golden.tsv")
    # written beside it and renamed: a failed assertion leaves the old file
    with open(out + ".tmp", "w") as f:
        f.write("loss\tgamma\talpha\ty\tx\tvalue\tgrad\teffective\tparams\n")
        for name, w, trained in LOSSES:
            for gs in GAMMAS:
                g = mp.mpf(gs)
                for a_s in ALPHAS:
                    a = None if a_s is None else mp.mpf(a_s)
                    for y in (0, 1):
                        for xs in XS:
                            x = mp.mpf(xs)
                            v, d, e, _ = row(name, w, trained, g, a, y, x)
                            params = "gamma=%s,alpha=%s" % (gs, a_s or "none")
                            f.write("\t".join([name, gs, a_s or "none", str(y), xs,
                                               fmt(v), fmt(d), fmt(e), params]) + "\n")
        for line in fam.rows(XS):
            f.write("\t".join(line) + "\n")
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
