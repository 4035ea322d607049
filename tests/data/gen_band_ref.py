#!/usr/bin/python3
"""Write tests/data/effective_band_ref.tsv: E_gamma(p) at 60 digits where
a plan uses its Taylor pieces of K (src/lib/effective_taylor.c), p from
1/(gamma+3) to 1/2: every piece's two ends (the doubles either side of
2^e and of 2^e*sqrt(2)), its centre, and seeded random points.

E_gamma(p) = B_x(a, 0) = x^a / a * 2F1(a, 1; a+1; x), x = 1-p, a = gamma+1,
with mpmath's hyp2f1 (an independent route: not the integral, not the
series of gen_reference.py).  Deterministic; from the repository root:
    /usr/bin/python3 tests/data/gen_band_ref.py > tests/data/effective_band_ref.tsv
"""
import math
import random

import mpmath as mp

mp.mp.dps = 60
GAMMAS = [0.3, 1.0, 2.385, 3.7, 5.0, 7.5, 10.0, 17.3, 33.3, 50.0, 75.0, 99.9, 100.0]


def E(g, p):
    x = 1 - mp.mpf(p)
    a = mp.mpf(g) + 1
    return x ** a / a * mp.hyp2f1(a, 1, a + 1, x)


def main():
    r = random.Random(15)
    print("gamma\tp\tE")
    for g in GAMMAS:
        lo = 1.0 / (g + 3.0)
        ps = set()
        e = math.floor(math.log2(lo)) - 1
        while math.ldexp(1.0, e) < 0.5:
            for m in (1.0, math.sqrt(2.0)):
                b = math.ldexp(m, e)
                ps.update([b, math.nextafter(b, 0.0), math.nextafter(b, 1.0)])
                ps.add(math.ldexp(m * 1.20703125 / 1.0 if m == 1.0 else 1.70703125, e))
            e += 1
        ps.update(r.uniform(lo, 0.5) for _ in range(12))
        ps.update([lo, math.nextafter(lo, 1.0), math.nextafter(0.5, 0.0)])
        for p in sorted(q for q in ps if 0.0 < q < 0.5):
            print("%r\t%r\t%s" % (g, p, mp.nstr(E(g, p), 25, min_fixed=1, max_fixed=0)))


main()
