#!/usr/bin/python3
"""Write tests/data/effective_band_ref.tsv: E_gamma(p) where a plan serves
p from its Taylor pieces of K (src/lib/effective_taylor.c): p from
min(1/(gamma+3), 1/8) to 1/2, at every half-octave piece's two ends (the
doubles either side of 2^e and of 2^e*sqrt(2)), its centre, and seeded
random points (uniform in log p).

E_gamma(p) = B_x(a, 0) = x^a / a * 2F1(a, 1; a+1; x) with x = 1-p and
a = gamma+1, evaluated by mpmath at 80 digits: an independent route (not
the integral, not the series of gen_reference.py, not the pieces'
recurrence).  Each p is an exact double printed with repr(); E is printed
with 25 significant digits.  Deterministic; from the repository root:

    /usr/bin/python3 tests/data/gen_band_ref.py > tests/data/effective_band_ref.tsv
"""
import math
import random

import mpmath as mp

mp.mp.dps = 80
GAMMAS = [0.001, 0.3, 1.0, 2.385, 3.7, 5.0, 7.5, 10.0, 17.3, 33.3, 50.0, 75.0,
          99.9, 100.0]


def effective(g, p):
    x = 1 - mp.mpf(p)
    a = mp.mpf(g) + 1
    return x ** a / a * mp.hyp2f1(a, 1, a + 1, x)


def points(g, rng):
    lo = min(1.0 / (g + 3.0), 0.125)
    ps = set()
    e = math.floor(math.log2(lo))
    while math.ldexp(1.0, e) < 0.5:
        for m, centre in ((1.0, 309.0 / 256.0), (math.sqrt(2.0), 437.0 / 256.0)):
            b = math.ldexp(m, e)
            ps.update([b, math.nextafter(b, 0.0), math.nextafter(b, 1.0)])
            ps.add(math.ldexp(centre, e))
        e += 1
    ps.update(math.exp(rng.uniform(math.log(lo), math.log(0.5))) for _ in range(16))
    ps.update([lo, math.nextafter(lo, 1.0), math.nextafter(0.5, 0.0)])
    return sorted(q for q in ps if lo <= q < 0.5)


def main():
    rng = random.Random(15)
    print("gamma\tp\tE")
    for g in GAMMAS:
        for p in points(g, rng):
            print("%r\t%r\t%s" % (g, p, mp.nstr(effective(g, p), 25, min_fixed=1, max_fixed=0)))


main()
