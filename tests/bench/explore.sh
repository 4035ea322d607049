#!/bin/sh
# focal explore's redraw: from a key's arrival to the end of the redraw's
# output (focal writes, per key, the milliseconds from getch() returning
# to doupdate() having written the screen, to $FOCAL_EXPLORE_TIMES), at a
# 200 x 60 terminal in tmux, for the analytic figures: 10 Right keys (the
# parameter) and 10 ']' (the crosshair) each.  Prints the median and the
# maximum per figure; the budget is 20 ms (issue #17, docs/performance.md).
# Usage: tests/bench/explore.sh path/to/focal    (from the top directory)
focal=${1:?usage: explore.sh path/to/focal}
case $focal in /*) ;; *) focal=$PWD/$focal ;; esac
if ! command -v tmux >/dev/null 2>&1; then
	echo "explore: tmux not installed; not measured"
	exit 0
fi
tmp=$(mktemp -d)
T="tmux -L focalbench-$$"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
$T new-session -d -s keep cat
# waits on state: the count of timings written
count() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
until_count() { # file n
	i=0
	while [ "$(count "$1")" -lt "$2" ] && [ $i -lt 2000 ]; do sleep 0.01; i=$((i + 1)); done
}
printf '%-12s %8s %8s %6s\n' "figure" "median" "max" "keys"
for fig in loss gradients effective residual weights flstar logit_grad series; do
	f=$tmp/$fig
	$T new-session -d -s b -x 200 -y 60 -c "$PWD" \
		"env -u DISPLAY -u WAYLAND_DISPLAY TERM=xterm LC_ALL=C.UTF-8 FOCAL_EXPLORE_TIMES=$f $focal explore $fig"
	i=0
	until $T capture-pane -p -t b 2>/dev/null | grep -q "^focal explore $fig" || [ $i -gt 2000 ]; do sleep 0.01; i=$((i + 1)); done
	n=0
	for key in Right Right Right Right Right Left Left Left Left Left \
		']' ']' ']' ']' ']' '[' '[' '[' '[' '['; do
		n=$((n + 1))
		$T send-keys -t b "$key"
		until_count "$f" $n
	done
	$T send-keys -t b q
	sort -n "$f" | awk -v fig="$fig" '{ v[NR] = $1 } END {
		printf "%-12s %8.2f %8.2f %6d   ms\n", fig, v[int((NR + 1) / 2)], v[NR], NR }'
	i=0
	while $T has-session -t b 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
done
