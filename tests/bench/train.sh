#!/bin/bash
# make bench, training (issue 18, part 6): one run of focal train's default
# shape (1000 steps of 4096 anchors through the 32-unit network, SGD,
# validation AP on 100,000 anchors every 50 steps) against the same run in
# PyTorch on one thread (tests/bench/train_torch.py says what is like for
# like).  The two run in turn, five rounds; each figure is the median.
# focal is timed as a whole process (bash's times: start-up, data and the
# final calibration included); PyTorch from its first tensor operation
# (its import is not counted), by its own clocks.  The ratio is taken on
# CPU seconds, which the load of a shared machine disturbs less than wall
# seconds (both are printed, with the load average).
# Usage: tests/bench/train.sh path/to/focal     (from the top directory)
focal=${1:?usage: train.sh path/to/focal}
py=/usr/bin/python3
args=(train --loss fl --lr 0.01 --seeds 1 --final-anchors 0 --threads 1 --format tsv)
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
if ! "$py" -c 'import torch' 2>/dev/null; then
	echo "SKIP: python3-torch not installed; no PyTorch comparison for focal train"
	exit 0
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
load0=$(cut -d' ' -f1 /proc/loadavg)
for _ in 1 2 3 4 5; do
	TIMEFORMAT='%R %U %S'
	{ time "$focal" "${args[@]}" >/dev/null 2>&1; } 2>>"$tmp/focal" || { echo "focal train failed"; exit 1; }
	"$py" tests/bench/train_torch.py >>"$tmp/torch" || { echo "train_torch.py failed"; exit 1; }
done
load1=$(cut -d' ' -f1 /proc/loadavg)
fw=$(awk '{ print $1 }' "$tmp/focal" | median) fc=$(awk '{ print $2 + $3 }' "$tmp/focal" | median)
tw=$(awk '{ print $1 }' "$tmp/torch" | median) tc=$(awk '{ print $2 }' "$tmp/torch" | median)
echo "focal train, one default-shape run (FL, 1000 steps x 4096 anchors, AP every 50 steps), 1 thread,"
echo "median of 5 alternating rounds (load average $load0 before, $load1 after, on $(nproc) cores):"
printf '  focal   %s s CPU, %s s wall (whole process)\n' "$fc" "$fw"
printf '  PyTorch %s s CPU, %s s wall (from its first tensor operation)\n' "$tc" "$tw"
awk -v fc="$fc" -v tc="$tc" -v fw="$fw" -v tw="$tw" \
	'BEGIN { printf "  ratio PyTorch / focal: %.1fx CPU (goal 10x), %.1fx wall\n", tc / fc, tw / fw }'
