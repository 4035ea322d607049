#!/usr/bin/python3
"""Write tests/data/dtoa_ref.tsv: doubles (as 16 hex digits of their bits)
and the shortest round-trip text Python's repr() gives them (David Gay's
algorithm: an implementation independent of src/lib/dtoa.c).

Rows: random bit patterns (every exponent, subnormals included), random
values in (0, 1), short decimals (1 to 17 random digits at a random
exponent), every power of two and its two neighbours.  Deterministic
(random.Random(15)); run from the repository root:
    /usr/bin/python3 tests/data/gen_dtoa_ref.py > tests/data/dtoa_ref.tsv
"""
import math
import random
import struct


def bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def frombits(b):
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def main():
    r = random.Random(15)
    xs = []
    for _ in range(3000):
        x = frombits(r.getrandbits(64))
        if math.isfinite(x):
            xs.append(x)
    xs += [r.random() for _ in range(1000)]
    for _ in range(2000):
        n = r.randint(1, 17)
        digits = "".join(r.choice("0123456789") for _ in range(n))
        xs.append(float("%s.%se%d" % (r.choice("123456789"), digits, r.randint(-325, 308))))
    for e in range(-1074, 1024):
        p = math.ldexp(1.0, e)
        xs += [p, math.nextafter(p, 0.0), math.nextafter(p, math.inf)]
    print("bits\trepr")
    for x in xs:
        print("%016x\t%r" % (bits(x), x))


main()
