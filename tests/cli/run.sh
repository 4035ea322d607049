#!/usr/bin/env bash
# End-to-end tests of the focal CLI, table-driven: each row of cases.txt is
#   NAME | EXIT | ARGS | STDOUT-REGEX | STDERR-REGEX
# (grep -Pz patterns, matched against the whole output, so \n and (?m)^
# work; an empty pattern means "must be empty").  Rows expecting
# exit 2 also require an empty stdout: bad input never half-writes.
# Usage: tests/cli/run.sh path/to/focal
set -u
focal=${1:?usage: run.sh path/to/focal}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }

matches() { # pattern file
	if [ -z "$1" ]; then
		[ ! -s "$2" ]
	else
		grep -Pzq -- "(?m)$1" "$2"
	fi
}

while IFS= read -r line; do
	case "$line" in '' | '#'*) continue ;; esac
	IFS='|' read -r name code args out_re err_re <<<"$line"
	trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }
	name=$(trim "$name"); code=$(trim "$code"); args=$(trim "$args")
	out_re=$(trim "$out_re"); err_re=$(trim "$err_re")
	eval "set -- $args"
	"$focal" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	got=$?
	why=()
	[ "$got" = "$code" ] || why+=("exit $got, expected $code")
	matches "$out_re" "$tmp/out" || why+=("stdout does not match /$out_re/: $(head -c 300 "$tmp/out")")
	matches "$err_re" "$tmp/err" || why+=("stderr does not match /$err_re/: $(head -c 300 "$tmp/err")")
	if [ "$code" = 2 ] && [ -s "$tmp/out" ]; then why+=("stdout not empty on a usage error"); fi
	if [ "$code" = 2 ] && [ "$(wc -l <"$tmp/err")" -ne 1 ]; then why+=("error is not exactly one line"); fi
	if [ ${#why[@]} -eq 0 ]; then ok; else bad "$name: focal $args" "${why[@]}"; fi
done <"$here/cases.txt"

# The man page as text, with roff's \- hyphens made plain.
sed 's/\\-/-/g' "$top/man/focal.1" >"$tmp/man.txt"

# Every command in the table answers --help (and 'focal help NAME').
cmds=$("$focal" --help | awk '/^Commands:/{f=1;next} f&&/^  [a-z]/{print $1}')
[ -n "$cmds" ] && ok || bad "focal --help lists commands"
for c in $cmds; do
	if "$focal" "$c" --help >"$tmp/out" 2>"$tmp/err" && grep -q "^usage: focal $c" "$tmp/out" && [ ! -s "$tmp/err" ]; then ok; else bad "focal $c --help"; fi
	if "$focal" help "$c" | grep -q "^usage: focal $c"; then ok; else bad "focal help $c"; fi
	# the man page documents every command and every option of its --help
	if grep -q "^\.SS.*$c" "$tmp/man.txt"; then ok; else bad "man page section for $c"; fi
	for o in $("$focal" "$c" --help | grep -oP '^  --[a-z-]+' | sort -u); do
		if grep -qF -- "${o#  }" "$tmp/man.txt"; then ok; else bad "man page lacks ${o#  } of $c"; fi
	done
done

# Machine formats: a header, the same number of fields on every row, and
# numbers that round-trip (re-reading them with %.17g gives the same text).
"$focal" eval --loss ce,fl,fgl,flstar --gamma 0.5,2 --x -745,-30,-1e-300,0,1.5,30,745 --format tsv >"$tmp/tsv"
if awk -F'\t' 'NR==1{n=NF} NF!=n{exit 1} END{exit NR<2}' "$tmp/tsv"; then ok; else bad "tsv rows have the header's field count"; fi
if awk -F'\t' 'NR>1{for(i=2;i<=NF;i++) if($i!~/^(-?[0-9.e+-]+|inf|-inf|nan|none)$/) exit 1}' "$tmp/tsv"; then ok; else bad "tsv cells are numbers, inf, -inf, nan or none"; fi
if ! grep -qP '(^|\t)-0(\t|$)' "$tmp/tsv"; then ok; else bad "no negative zero printed"; fi
"$focal" eval --p 0.1,0.7 --format csv >"$tmp/csv"
if awk -F, 'NR==1{n=NF} NF!=n{exit 1}' "$tmp/csv" && head -1 "$tmp/csv" | grep -q '^loss,gamma,alpha'; then ok; else bad "csv shape"; fi
"$focal" eval --p 0,0.5 --format json >"$tmp/json"
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==6 and d[0]["loss"]=="ce" and d[0]["value"]=="inf"' "$tmp/json" 2>/dev/null; then ok; else bad "json parses with the expected rows"; fi
fi
# tsv numbers round-trip
v=$("$focal" integrate --gamma 2.5 --p 0.3 --format tsv | awk -F'\t' 'NR==2{print $5}')
if [ "$(printf '%.17g' "$v")" = "$v" ]; then ok; else bad "integrate value round-trips ($v)"; fi

# A broken pipe ends the program quietly.
"$focal" eval --p-grid 0:1:100000 --format tsv 2>"$tmp/err" | head -1 >/dev/null
if [ ! -s "$tmp/err" ]; then ok; else bad "broken pipe is quiet" "$(cat "$tmp/err")"; fi

# The man page renders without warnings.
if command -v groff >/dev/null 2>&1; then
	if groff -man -Tutf8 -ww -z "$top/man/focal.1" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then ok; else bad "man page renders cleanly" "$(cat "$tmp/err")"; fi
else
	echo "SKIP: groff not installed; man page rendering not checked"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
