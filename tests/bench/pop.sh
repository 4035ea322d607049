#!/bin/bash
# make bench, populations (issue 15, part 1): the whole process
#   focal simulate --anchors 2e7 --state converged --loss fl,fgl --gamma 2.5 --format tsv
# on every core against tests/bench/pop_numpy.py doing the same per-anchor
# work in numpy + SciPy on one, run in turn (focal, numpy, focal, ...),
# three rounds, medians; then bench_pop's library-level check that 1 and
# all threads give identical numbers.  numpy's figure is timed inside the
# interpreter (start-up and imports left out); focal's is the wall time of
# the whole process (start-up, E_gamma table and output included), so the
# ratio favours numpy.  The load average is printed: the ratio is only
# meaningful when both had the machine to themselves.
# Usage: tests/bench/pop.sh path/to/bench_pop path/to/focal   (from the top directory)
set -u
bench=${1:?usage: pop.sh bench_pop focal}
focal=${2:?usage: pop.sh bench_pop focal}
out=$("$bench") || { echo "$out"; echo "bench_pop: results differ between thread counts"; exit 1; }
echo "$out"
n=20000000
args="simulate --anchors $n --state converged --loss fl,fgl --gamma 2.5 --format tsv"
wall() { # command...: wall seconds of one run, output thrown away
	local TIMEFORMAT='%R'
	{ time "$@" >/dev/null 2>&1; } 2>&1
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
f=$(mktemp) p=$(mktemp)
trap 'rm -f "$f" "$p"' EXIT
have_np=0
/usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null && have_np=1
echo "populations, whole process: focal $args ($(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
for _ in 1 2 3; do
	# shellcheck disable=SC2086
	wall "$focal" $args | awk -v n=$n '{ printf "%.3f\n", $1 / n * 1e9 }' >>"$f"
	[ $have_np = 1 ] && /usr/bin/python3 tests/bench/pop_numpy.py $n >>"$p"
done
fo=$(median <"$f")
echo "  focal, all cores, whole process: $fo ns/anchor (median of 3; runs: $(tr '\n' ' ' <"$f"))"
if [ $have_np = 1 ]; then
	np=$(median <"$p")
	echo "  numpy + SciPy (hyp2f1), 1 thread, same per-anchor work: $np ns/anchor (median of 3; runs: $(tr '\n' ' ' <"$p"))"
	awk -v a="$np" -v b="$fo" 'BEGIN { printf "  ratio numpy / focal: %.1fx (goal 25x)\n", a / b }'
else
	echo "SKIP: python3-numpy or python3-scipy not installed; no numpy comparison"
fi
echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
