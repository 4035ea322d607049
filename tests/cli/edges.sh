#!/usr/bin/env bash
# Edge numbers through every option parser and grid, table-driven from
# edges.txt (see its header for the modes).  Usage: edges.sh path/to/focal
set -u
focal=${1:?usage: edges.sh path/to/focal}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$@"; }

run() { # tag value args...
	local tag=$1 v=$2
	shift 2
	local a=()
	for w in "$@"; do a+=("${w//@/$v}"); done
	"$focal" "${a[@]}" >"$tmp/$tag.out" 2>"$tmp/$tag.err" </dev/null
	echo $? >"$tmp/$tag.rc"
}

# an overflowing value may print inf; a nan is never a right value
nonfinite() { grep -oEw -- 'nan' "$1" | wc -l; }

while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	mode=${line%%|*}
	mode=${mode//[[:space:]]/}
	args=${line#*|}
	eval "set -- $args"
	case $mode in
	zero | zgrid)
		if [ "$mode" = zero ]; then pairs="-0=0"; else pairs="-0:1:5=0:1:5 1:-0:5=1:0:5 -0:-0:1=0:0:1"; fi
		for pr in $pairs; do
			run neg "${pr%%=*}" "$@"
			run pos "${pr#*=}" "$@"
			if cmp -s "$tmp/neg.out" "$tmp/pos.out" && cmp -s "$tmp/neg.rc" "$tmp/pos.rc" &&
				{ [ "$(cat "$tmp/pos.rc")" != 0 ] || cmp -s "$tmp/neg.err" "$tmp/pos.err"; }; then
				pass=$((pass + 1))
			else
				bad "$args with @=${pr%%=*} differs from @=${pr#*=}"
				diff "$tmp/neg.out" "$tmp/pos.out" | head -6
			fi
		done
		;;
	huge:*)
		run base "${mode#huge:}" "$@"
		if [ "$(cat "$tmp/base.rc")" != 0 ]; then bad "$args: baseline ${mode#huge:} exits $(cat "$tmp/base.rc")"; continue; fi
		nb=$(nonfinite "$tmp/base.out")
		for v in 1e308 -1e308 1e999 -1e999 5e-324 -5e-324 2.2250738585072014e-308 -2.2250738585072014e-308; do
			run huge "$v" "$@"
			rc=$(cat "$tmp/huge.rc")
			if [ "$rc" = 2 ]; then
				if [ ! -s "$tmp/huge.out" ] && [ "$(wc -l <"$tmp/huge.err")" = 1 ] && grep -q '^focal: ' "$tmp/huge.err"; then
					pass=$((pass + 1))
				else
					bad "$args @=$v: exit 2 without exactly one error line and empty stdout"
				fi
			elif [ "$rc" = 0 ]; then
				nh=$(nonfinite "$tmp/huge.out")
				if [ "$nh" -le "$nb" ]; then pass=$((pass + 1)); else
					bad "$args @=$v: $nh nan cells, the baseline has $nb"
					grep -nEw -- 'nan' "$tmp/huge.out" | head -3
				fi
			else
				bad "$args @=$v: exit $rc"
			fi
		done
		;;
	*) bad "edges.txt: unknown mode '$mode'" ;;
	esac
done <"$here/edges.txt"
printf 'edges: %d passed, %d failed\n' "$pass" "$fail"
[ "$fail" -eq 0 ]
