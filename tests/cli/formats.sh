# Sourced by run.sh (ok, bad, $focal, $tmp): the numbers of the text
# formats against Python's repr(), and --format npy against tsv for every
# tabular command, read back by numpy.load.

# Debian's python3 has numpy (python3-numpy); a python3 earlier on PATH
# may not.
py=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy' 2>/dev/null; then py=$p; break; fi
done

# Every number of a table is the shortest text that round-trips: Python's
# repr() of the double it reads as (less repr's '.0' on integers).
cat >"$tmp/repr.py" <<'PY'
import sys
bad = 0
for line in list(open(sys.argv[1]))[1:]:
    for cell in line.rstrip("\n").split("\t"):
        try:
            v = float(cell)
        except ValueError:
            continue
        r = repr(v + 0.0)
        r = r[:-2] if r.endswith(".0") else r
        if cell != r and not bad:
            print("%r is printed %r" % (r, cell)); bad = 1
sys.exit(bad)
PY
"$focal" eval --loss ce,fl,fgl,flstar --gamma 0.5,2,2.385 --p 0,5e-324,1e-300,1e-16,0.2385,0.5,0.99999999999999989,1 --format tsv >"$tmp/r.tsv"
"$focal" integrate --gamma 2.5 --p-grid 1e-6:0.999:500 --method both --format tsv >>"$tmp/r.tsv"
if [ -z "$py" ] && ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 not installed; shortest digits not checked against repr"
elif ${py:-python3} "$tmp/repr.py" "$tmp/r.tsv" >"$tmp/err" 2>&1; then ok; else bad "tsv numbers are Python's repr" "$(cat "$tmp/err")"; fi

if [ -z "$py" ]; then
	echo "SKIP: python3-numpy not installed; --format npy not read back"
	return 0 2>/dev/null || exit 0
fi
# The npy and the tsv of one command hold the same table: column names in
# order, the same rows, numbers bit for bit (tsv round-trips), text
# columns as '<U' strings, 'none' in a numeric column as NaN.
cat >"$tmp/npy.py" <<'PY'
import math, sys
import numpy as np
a = np.load(sys.argv[1])
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2])]
head, rows = rows[0], rows[1:]
assert a.dtype.names == tuple(head), (a.dtype.names, head)
assert a.shape == (len(rows),), (a.shape, len(rows))
for j, name in enumerate(head):
    kind = a.dtype[name].kind
    col = [r[j] for r in rows]
    def number(c):
        try:
            float(c)
            return True
        except ValueError:
            return c == "none"
    text = not all(number(c) for c in col)
    assert kind == ("U" if text else "f"), (name, kind)
    for i, c in enumerate(col):
        v = a[name][i]
        if kind == "U":
            assert v == c, (name, i, v, c)
        elif c in ("none", "nan"):
            assert math.isnan(v), (name, i, v, c)
        else:
            assert v == float(c) and math.copysign(1, v) == math.copysign(1, float(c)) or c == "0", (name, i, v, c)
PY
for args in "eval --loss ce,fl,fgl,flstar --gamma 0.5,2 --p 0,1e-300,0.5,1" \
	    "eval --loss ce,fl --alpha 0.25 --x -800,0,800 --y 0" \
	    "integrate --gamma 0,2 --p 0,0.5,1 --method both --published" \
	    "compare --gamma 2 --p 0,0.5,1" "check --gamma 2 --p 0.5 --tol-scale 0" \
	    "spread" "simulate --preset toy-245" "simulate --preset toy-245 --table cdf --points 5" \
	    "simulate --preset toy-245 --table hist --bins 4" \
	    "eval --p 0.5 --columns value,loss"; do
	# shellcheck disable=SC2086
	"$focal" $args --format npy >"$tmp/a.npy" 2>"$tmp/err"
	# shellcheck disable=SC2086
	"$focal" $args --format tsv >"$tmp/a.tsv" 2>/dev/null
	if "$py" "$tmp/npy.py" "$tmp/a.npy" "$tmp/a.tsv" 2>>"$tmp/err"; then ok; else bad "npy as tsv: focal $args" "$(tail -2 "$tmp/err")"; fi
done
# The header: version 1.0, data aligned to 64 bytes, text as '<U'.
"$focal" integrate --gamma 2.5 --p 0.3 --format npy >"$tmp/a.npy"
if "$py" -c 'import sys
b = open(sys.argv[1], "rb").read()
n = int.from_bytes(b[8:10], "little")
assert b[:8] == b"\x93NUMPY\x01\x00" and (10 + n) % 64 == 0 and b[9 + n:10 + n] == b"\n", b[:80]
assert b"(\x27method\x27, \x27<U8\x27)" in b[10:10 + n], b[10:10 + n]
assert len(b) == 10 + n + 5 * 8 + 4 * 8 + 4 * 2, len(b)' "$tmp/a.npy" 2>"$tmp/err"; then ok; else bad "npy header and size" "$(tail -1 "$tmp/err")"; fi
# npy is binary: never to a terminal.
if command -v script >/dev/null 2>&1; then
	script -qec "$focal eval --p 0.5 --format npy; echo rc=\$?" /dev/null </dev/null | tr -d '\r' >"$tmp/tty"
	if grep -q "^focal: invalid format 'npy': it is binary, and the output is a terminal (redirect it to a file)$" "$tmp/tty" &&
		grep -q '^rc=2$' "$tmp/tty" && [ "$(grep -c . "$tmp/tty")" -eq 2 ]; then ok; else bad "npy to a terminal is refused" "$(cat "$tmp/tty")"; fi
fi
