#!/usr/bin/env python3
"""make bench, populations: the per-anchor work of

    focal simulate --anchors 2e7 --state converged --loss fl,fgl --gamma 2.5

in numpy + SciPy, float64, one thread: draw each anchor's label (positive
with probability 1/1001) and logit from the converged score model (prior
bias log(0.01/0.99); positives 6.5 + 1.5 Z, negatives -3 + 10 u + 1.5 Z
with u uniform in [0, 0.4) for a share 0.01 of them), then FL's and FGL's
loss and gradient at gamma = 2.5 (FGL's loss the effective loss E_gamma
through scipy.special.hyp2f1) and their sums.  focal also forms the group
statistics (counts, shares, ESS, the histogram for Gini and the fractions);
this script does not, so the comparison favours numpy.

Anchors are processed in chunks of 2,000,000 (numpy's temporaries for all
2e7 at once would need several GiB).  Prints ns per anchor of one pass over
N anchors, timed inside the interpreter: start-up and imports are left out,
which favours numpy too.  Usage: pop_numpy.py [N]
"""
import sys
import time

import numpy as np
from scipy import special

N = int(float(sys.argv[1])) if len(sys.argv) > 1 else 20_000_000
CHUNK = 2_000_000
G = 2.5
BIAS = np.log(0.01) - np.log1p(-0.01)
rng = np.random.default_rng(1)


def chunk(n):
    y = rng.random(n) < 1.0 / 1001.0
    z = rng.standard_normal(n)
    u = np.where(rng.random(n) < 0.01, 0.4 * rng.random(n), 0.0)
    x = np.where(y, BIAS + 6.5 + 1.5 * z, BIAS - 3.0 + 10.0 * u + 1.5 * z)
    xt = np.where(y, x, -x)
    p = 1 / (1 + np.exp(-xt))
    q = 1 - p
    logp = -np.logaddexp(0, -xt)
    qg = q ** G
    fl = -qg * logp
    fl_dx = qg * (G * p * logp + p - 1)
    e = qg * q / (G + 1) * special.hyp2f1(1, G + 1, G + 2, q)
    fgl_dx = -(qg * q)
    return fl.sum() + fl_dx.sum() + e.sum() + fgl_dx.sum()


t0 = time.perf_counter()
done = 0
while done < N:
    m = min(CHUNK, N - done)
    chunk(m)
    done += m
print(f"{(time.perf_counter() - t0) / N * 1e9:.3f}")
