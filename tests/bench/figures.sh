#!/bin/sh
# make bench, figures: `focal figures` against the same set drawn with
# matplotlib (Debian's python3-matplotlib), timed side by side in one run,
# three alternating rounds, median wall time of each (whole processes,
# start-up included, as a user would run them).
set -u
focal=${1:?usage: figures.sh path/to/focal}
out=build/bench-figs
mkdir -p "$out"
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

if ! /usr/bin/python3 -c 'import matplotlib, scipy' 2>/dev/null; then
	t=""
	for i in 1 2 3; do
		s=$(now); "$focal" figures -o "$out/focal" --formats pdf,png,svg,gp >/dev/null; e=$(now)
		t="$t $(sub "$e" "$s")"
	done
	echo "focal figures (all formats): median $(median3 $t) s"
	echo "SKIP: python3-matplotlib or python3-scipy not installed; no matplotlib comparison"
	exit 0
fi
tf=""; tm=""; ta=""
for i in 1 2 3; do
	s=$(now); "$focal" figures -o "$out/focal" --formats pdf,png,svg >/dev/null; e=$(now)
	tf="$tf $(sub "$e" "$s")"
	s=$(now); /usr/bin/python3 tests/bench/figures_matplotlib.py "$out/mpl"; e=$(now)
	tm="$tm $(sub "$e" "$s")"
	s=$(now); "$focal" figures -o "$out/focal" --formats pdf,png,svg,gp >/dev/null; e=$(now)
	ta="$ta $(sub "$e" "$s")"
done
f=$(median3 $tf); m=$(median3 $tm); a=$(median3 $ta)
n=$(ls plots/*.spec | wc -l)
echo "figures: $n figures"
echo "  focal figures, pdf+png+svg:      $f s"
echo "  focal figures, pdf+png+svg+gp:   $a s  (goal: under 1 s)"
echo "  matplotlib, pdf+png+svg:         $m s"
echo "  ratio matplotlib / focal:        $(awk -v a="$m" -v b="$f" 'BEGIN { printf "%.1f", a / b }')x"
