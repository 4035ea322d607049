#!/bin/bash
# Output that keeps up (issue 15, part 3): focal integrate over 200,000
# points, analytic in tsv and in npy against numeric in tsv, as whole
# processes writing to /dev/null.  The three run in turn (A B C A B C ...),
# five rounds; each figure is the median of the process's CPU seconds
# (user + system, bash's times), so the ratios are taken side by side.
# Usage: tests/bench/output.sh path/to/focal     (from the top directory)
focal=${1:?usage: output.sh path/to/focal}
args="integrate --gamma 2.5 --p-grid 1e-6:0.999:200000"
cpu() { # command...: CPU seconds of one run
	local TIMEFORMAT='%U %S'
	{ time "$@" >/dev/null 2>&1; } 2>&1 | awk '{ printf "%.3f\n", $1 + $2 }'
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
: >/tmp/focal_bench_a.$$; : >/tmp/focal_bench_n.$$; : >/tmp/focal_bench_y.$$
trap 'rm -f /tmp/focal_bench_[any].$$' EXIT
for _ in 1 2 3 4 5; do
	# shellcheck disable=SC2086
	cpu "$focal" $args --method analytic --format tsv >>/tmp/focal_bench_a.$$
	# shellcheck disable=SC2086
	cpu "$focal" $args --method analytic --format npy >>/tmp/focal_bench_y.$$
	# shellcheck disable=SC2086
	cpu "$focal" $args --method numeric --format tsv >>/tmp/focal_bench_n.$$
done
a=$(median </tmp/focal_bench_a.$$) y=$(median </tmp/focal_bench_y.$$) n=$(median </tmp/focal_bench_n.$$)
echo "focal integrate, 200,000 points, CPU seconds (median of 5 alternating rounds):"
printf '  analytic tsv %s s, analytic npy %s s, numeric tsv %s s\n' "$a" "$y" "$n"
awk -v a="$a" -v y="$y" -v n="$n" 'BEGIN { printf "  numeric / analytic: %.0fx in tsv (goal 20x), %.0fx in npy (goal 50x)\n", n / a, n / y }'
