#!/bin/sh
# make bench, figures (issue 15, part 4), whole processes, wall time,
# median of three alternating rounds, start-up included as a user sees it:
#   - like for like: the nine analytic figures (plots/ less train_* and
#     pop_*, which need an experiment) drawn by `focal figures` against the
#     same nine drawn by tests/bench/figures_matplotlib.py (Debian's
#     python3-matplotlib), PDF + PNG (300 dpi) + SVG; goal 20x;
#   - the whole set (every plots/*.spec, experiments included), all
#     formats; goal under 1 s.
set -u
focal=${1:?usage: figures.sh path/to/focal}
out=build/bench-figs
nine="$out/nine-specs"
mkdir -p "$out" "$nine"
rm -f "$nine"/*.spec
for s in plots/*.spec; do
	case $(basename "$s") in train_* | pop_*) ;; *) ln -s "$PWD/$s" "$nine/" ;; esac
done
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }
median3() { printf '%s\n' "$@" | sort -g | sed -n 2p; }
have_mpl=1
/usr/bin/python3 -c 'import matplotlib, scipy' 2>/dev/null || have_mpl=0
t9=""; tm=""; ta=""
for i in 1 2 3; do
	s=$(now); FOCAL_PLOTS="$nine" "$focal" figures -o "$out/focal9" --formats pdf,png,svg >/dev/null; e=$(now)
	t9="$t9 $(sub "$e" "$s")"
	if [ $have_mpl = 1 ]; then
		s=$(now); /usr/bin/python3 tests/bench/figures_matplotlib.py "$out/mpl" analytic; e=$(now)
		tm="$tm $(sub "$e" "$s")"
	fi
	s=$(now); "$focal" figures -o "$out/focal" --formats pdf,png,svg,gp >/dev/null; e=$(now)
	ta="$ta $(sub "$e" "$s")"
done
f=$(median3 $t9); a=$(median3 $ta)
echo "figures (wall s, median of 3 alternating rounds; load $(cut -d' ' -f1 /proc/loadavg)):"
echo "  focal figures, the $(ls "$nine" | wc -l) analytic, pdf+png+svg:  $f s"
if [ $have_mpl = 1 ]; then
	m=$(median3 $tm)
	echo "  matplotlib, the same nine, pdf+png+svg:   $m s"
	echo "  ratio matplotlib / focal:                 $(awk -v a="$m" -v b="$f" 'BEGIN { printf "%.1f", a / b }')x (goal 20x)"
else
	echo "SKIP: python3-matplotlib or python3-scipy not installed; no matplotlib comparison"
fi
echo "  focal figures, all $(ls plots/*.spec | wc -l), pdf+png+svg+gp:      $a s (goal: under 1 s)"
