#!/usr/bin/env bash
# Where the time of `make check` goes (docs/reliability.md).
#   tests/timed.sh DIR NAME CMD...   run CMD; record its wall time and CPU
#                                    time (user + system of every process it
#                                    waited for) in DIR/NAME.time; CMD's
#                                    status is the script's
#   tests/timed.sh --report DIR NAME...
#                                    a table of the named records, in order
set -u
if [ "${1:-}" = --report ]; then
	dir=${2:?usage: timed.sh --report DIR NAME...}
	shift 2
	printf '%-16s %8s %8s  %s\n' suite 'wall s' 'CPU s' result
	for n in "$@"; do
		[ -f "$dir/$n.time" ] && cat "$dir/$n.time"
	done | awk '{ printf "%-16s %8.1f %8.1f  %s\n", $1, $2, $3, $4 == 0 ? "passed" : "FAILED" }'
	exit 0
fi
dir=${1:?usage: timed.sh DIR NAME CMD...}
name=${2:?usage: timed.sh DIR NAME CMD...}
shift 2
mkdir -p "$dir"
start=${EPOCHREALTIME/[!0-9]/.}
"$@"
st=$?
end=${EPOCHREALTIME/[!0-9]/.}
# the second line of 'times': user and system time of the waited-for children
times >"$dir/$name.cpu"
awk -v n="$name" -v s="$start" -v e="$end" -v st="$st" 'NR == 2 {
	split($1, u, /[ms]/); split($2, y, /[ms]/)
	printf "%s %.3f %.3f %d\n", n, e - s, u[1] * 60 + u[2] + y[1] * 60 + y[2], st }' \
	"$dir/$name.cpu" >"$dir/$name.time"
rm -f "$dir/$name.cpu"
exit $st
