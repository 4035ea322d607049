#!/bin/sh
# make bench, populations: focal's streaming evaluation against numpy + SciPy
# doing the same per-anchor work (tests/bench/pop_numpy.py), in one run.
set -u
out=$("$1") || { echo "$out"; echo "bench_pop: results differ between thread counts"; exit 1; }
echo "$out" | grep -v '^NUMPY_COMPARE_NS'
ours=$(echo "$out" | awk '/^NUMPY_COMPARE_NS/ {print $2}')
if /usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null; then
	np=$(/usr/bin/python3 tests/bench/pop_numpy.py)
	echo "  numpy + SciPy (hyp2f1), 1 thread: $np ns/anchor"
	awk -v a="$np" -v b="$ours" 'BEGIN { printf "  ratio numpy / focal (1 thread): %.1fx\n", a / b }'
else
	echo "SKIP: python3-numpy or python3-scipy not installed; no numpy comparison"
fi
