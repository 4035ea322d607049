#!/bin/sh
# Per-command latency of a focal session: N copies of one line run as a
# session file, minus an empty session (process start-up), divided by N.
# Usage: tests/bench/repl.sh path/to/focal [N]    (from the top directory)
focal=${1:?usage: repl.sh path/to/focal [N]}
n=${2:-100}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export HOME=$tmp XDG_STATE_HOME=$tmp
unset DISPLAY WAYLAND_DISPLAY
now() { date +%s%N; }
run() { # file: nanoseconds for one session
	t0=$(now)
	"$focal" repl <"$1" >/dev/null 2>&1
	echo $(($(now) - t0))
}
best() { # file: the best of 5 sessions
	b=
	for _ in 1 2 3 4 5; do
		t=$(run "$1")
		if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
	done
	echo "$b"
}
: >"$tmp/empty"
base=$(best "$tmp/empty")
printf '%-58s %10s\n' "line (x$n, after 'set gamma 0.5,1,2')" "ms/line"
while IFS= read -r line; do
	echo "set gamma 0.5,1,2" >"$tmp/s"
	i=0
	while [ $i -lt "$n" ]; do echo "$line" >>"$tmp/s"; i=$((i + 1)); done
	t=$(best "$tmp/s")
	awk -v l="$line" -v t="$t" -v b="$base" -v n="$n" 'BEGIN { printf "%-58s %10.3f\n", l, (t - b) / n / 1e6 }'
done <<'LINES'
eval --p 0.3
eval --loss ce,fl,fgl,flstar --p 0.1,0.3,0.5,0.7,0.9 --format table
compare
compare --p 0.3
integrate --method both --p 0.3
integrate --method both --p 1e-6,0.3,0.999 --published
spread
check --p 0.5
set alpha 0.25
show
help eval
plot loss
LINES
awk -v b="$base" 'BEGIN { printf "%-58s %10.3f\n", "(start-up of an empty session)", b / 1e6 }'
