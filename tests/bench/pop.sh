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
times() { # command...: "wall cpu" seconds of one run (cpu = user + system), output thrown away
	local TIMEFORMAT='%R %U %S'
	{ time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%s %.3f\n", $1, $2 + $3 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
fw=$(mktemp) fc=$(mktemp) pw=$(mktemp) pc=$(mktemp)
trap 'rm -f "$fw" "$fc" "$pw" "$pc"' EXIT
have_np=0
/usr/bin/python3 -c 'import numpy, scipy' 2>/dev/null && have_np=1
echo "populations, whole process: focal $args ($(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
for _ in 1 2 3; do
	# shellcheck disable=SC2086
	times "$focal" $args | awk -v n=$n -v w="$fw" -v c="$fc" \
		'{ printf "%.3f\n", $1 / n * 1e9 >>w; printf "%.3f\n", $2 / n * 1e9 >>c }'
	if [ $have_np = 1 ]; then
		TIMEFORMAT='%U %S'
		{ time /usr/bin/python3 tests/bench/pop_numpy.py $n >>"$pw"; } 2>&1 |
			awk -v n=$n '{ printf "%.3f\n", ($1 + $2) / n * 1e9 }' >>"$pc"
	fi
done
fo=$(median <"$fw") fcpu=$(median <"$fc")
echo "  focal, all cores, whole process: $fo ns/anchor wall, $fcpu ns/anchor CPU (medians of 3; wall runs: $(tr '\n' ' ' <"$fw"))"
if [ $have_np = 1 ]; then
	np=$(median <"$pw") npc=$(median <"$pc")
	echo "  numpy + SciPy (hyp2f1), 1 thread, same per-anchor work: $np ns/anchor wall, $npc ns/anchor CPU of the whole process (wall runs: $(tr '\n' ' ' <"$pw"))"
	awk -v a="$np" -v b="$fo" -v c="$npc" -v d="$fcpu" 'BEGIN {
		printf "  ratio numpy / focal: %.1fx wall (goal 25x); %.1fx in CPU time (the wall ratio on two free cores is at most twice this)\n", a / b, c / d }'
else
	echo "SKIP: python3-numpy or python3-scipy not installed; no numpy comparison"
fi
echo "  load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
