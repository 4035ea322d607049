#!/usr/bin/env bash
# End-to-end tests of the focal CLI, table-driven: each row of cases.txt is
#   NAME | EXIT | ARGS | STDOUT-REGEX | STDERR-REGEX
# (grep -Pz patterns, matched against the whole output, so \n and (?m)^
# work; an empty pattern means "must be empty").  Rows expecting
# exit 2 also require an empty stdout: bad input never half-writes.
# Usage: tests/cli/run.sh path/to/focal
# FOCAL_TEST_TOOLS=0 skips the checks that only run other programs
# (gnuplot, an XML parser, groff) over files focal wrote: make check-san
# sets it, since check-cli has run them over the same files.
set -u
focal=${1:?usage: run.sh path/to/focal}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/wait.sh"
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

# compare's pair fl,fgl (the default) prints what it printed before any
# pair could be compared, byte for byte (tests/data/compare/*.tsv, written
# by the binary before --loss), under each of its names.
while IFS='|' read -r golden args; do
	for loss in "" "--loss fl,fgl" "--loss fl,fl@grad"; do
		# shellcheck disable=SC2086
		if "$focal" $args $loss | cmp -s - "$top/tests/data/compare/$golden"; then ok; else bad "compare $args $loss differs from tests/data/compare/$golden"; fi
	done
done <<'EOF'
default.tsv|compare --format tsv
logits_y0.tsv|compare --x-grid -800:800:33 --gamma 0,0.5,2,7.5,100 --y 0 --format tsv
tails.tsv|compare --p 0,5e-324,1e-300,1e-10,0.5,0.999999,1 --gamma 0.25,3 --hard 0.01 --easy 0.99 --format tsv
EOF

# make check's sanitized run stops here (FOCAL_TEST_SAN_PART=cases: every
# case above against the sanitized build); make check-san-slow runs the
# whole suite sanitized, and .ci/run runs that.
if [ "${FOCAL_TEST_SAN_PART:-all}" = cases ]; then
	echo "cli (cases only): $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
fi

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

# Options that do not go together are refused, whichever comes first, with
# one line naming both (the sources of points, of populations, of scores,
# of gammas, and where a figure goes); options that do go together still run.
val() { # a valid value for an option, or nothing for a flag
	case $1 in
	anchors) echo 100 ;; image) echo 200x100 ;; boxes) echo 3 ;; box-size) echo 10:20 ;;
	box-aspect) echo 2 ;; boxes-file | scores) echo "$tmp/none.csv" ;; coco) echo "$tmp/none.json" ;;
	coco-image) echo 1 ;; pos-iou) echo 0.6 ;; neg-iou) echo 0.3 ;; preset) echo toy-245 ;;
	pos-frac) echo 0.1 ;; state) echo init ;; prior | hard-share) echo 0.01 ;;
	pos-mean | neg-mean | neg-iou-slope) echo 1 ;; pos-sd | neg-sd) echo 2 ;; pos-dist) echo normal ;;
	p) echo 0.5 ;; p-grid) echo 0.1:0.9:3 ;; x) echo 1 ;; x-grid) echo -1:1:3 ;;
	gamma) echo 1 ;; gamma-grid) echo 0:1:3 ;; o | output) echo "$tmp/f.pdf" ;;
	formats) echo pdf ;; dpi) echo 72 ;; jobs) echo 1 ;;
	esac
}
dash() { if [ "$1" = o ]; then printf -- '-o'; else printf -- '--%s' "$1"; fi; }
excl() { # command, option a, options b...: each b with a is refused
	local cmd=$1 a=$2 b x y pre=()
	shift 2
	[ "$cmd" = plot ] && pre=(loss)
	for b in "$@"; do
		for order in ab ba; do
			if [ $order = ab ]; then x=$a y=$b; else x=$b y=$a; fi
			# shellcheck disable=SC2046
			"$focal" "$cmd" "${pre[@]}" "$(dash "$x")" $(val "$x") "$(dash "$y")" $(val "$y") >"$tmp/out" 2>"$tmp/err" </dev/null
			local rc=$?
			if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
				grep -qP "^focal: $cmd: $(dash "$x") and $(dash "$y") cannot be used together \\(.+\\)\$" "$tmp/err"; then ok; else bad "$cmd: $(dash "$x") then $(dash "$y") is refused" "exit $rc" "$(cat "$tmp/err")"; fi
		done
	done
}
geometry="image boxes box-size box-aspect boxes-file coco coco-image pos-iou neg-iou low-quality"
model="state prior pos-mean pos-sd pos-dist neg-mean neg-sd neg-iou-slope hard-share"
# shellcheck disable=SC2086
{
	excl simulate anchors $geometry scores preset
	excl simulate scores $geometry preset pos-frac $model
	excl simulate preset $geometry pos-frac
	excl simulate boxes-file boxes box-size box-aspect coco coco-image
	excl simulate coco image boxes box-size box-aspect
}
for c in eval integrate compare; do
	excl $c p p-grid x x-grid
	excl $c p-grid x x-grid
	excl $c x x-grid
done
excl check p p-grid
excl spread gamma gamma-grid
excl train gamma sweep
excl plot o term window
excl plot output term window
excl plot term window
excl figures list o output formats dpi jobs
# ... and what an option needs
for row in "pos-frac:--pos-frac 0.1:--pos-frac needs --anchors" \
	   "coco:--coco $tmp/c.json:--coco needs --coco-image" \
	   "coco-image:--coco-image 3:--coco-image needs --coco"; do
	IFS=: read -r _ args want <<<"$row"
	# shellcheck disable=SC2086
	"$focal" simulate $args >"$tmp/out" 2>"$tmp/err"
	if [ $? -eq 2 ] && grep -q "^focal: simulate: $want (" "$tmp/err"; then ok; else bad "simulate $args: $want" "$(cat "$tmp/err")"; fi
done
# Sources and the options they read still combine.
printf 'x1,y1,x2,y2\n10,10,100,120\n300,200,420,330\n' >"$tmp/boxes.csv"
for args in "--boxes-file $tmp/boxes.csv --image 640x480 --pos-iou 0.6 --loss ce" \
	    "--preset retinanet --state converged --loss ce" \
	    "--anchors 1000 --pos-frac 0.1 --pos-mean 2 --loss ce" \
	    "--image 320x200 --boxes 2 --box-size 20:40 --low-quality --loss ce"; do
	# shellcheck disable=SC2086
	if "$focal" simulate $args --format tsv >"$tmp/out" 2>"$tmp/err" && [ -s "$tmp/out" ]; then ok; else bad "simulate $args runs" "$(cat "$tmp/err")"; fi
done

# Numbers read and print the same under a decimal-comma locale (focal sets
# only LC_CTYPE from the environment).  de_DE.UTF-8 is generated into $tmp
# with localedef when the system has the locale sources.
if command -v localedef >/dev/null 2>&1 && mkdir -p "$tmp/loc" && localedef -i de_DE -f UTF-8 "$tmp/loc/de_DE.UTF-8" >/dev/null 2>&1 &&
	[ "$(LOCPATH=$tmp/loc LC_ALL=de_DE.UTF-8 bash -c 'printf "%.1f" 0')" = "0,0" ]; then
	printf 'set gamma 0.5,1.5\neval --p 0.25 --format tsv\ncompare --p 0.3 --format json\n' >"$tmp/numbers.focal"
	for args in "eval --loss ce,fl,fgl --gamma 0.5,1.5 --p 0.25,1e-3 --format tsv" \
		    "eval --gamma 2.5 --x -1.5,2.25 --alpha 0.25 --format table" \
		    "integrate --gamma 2.5 --p-grid 0.1:0.9:3 --method both --format csv" \
		    "compare --gamma 1.5 --p 0.3 --format json" "check --gamma 1.5 --p 0.5" \
		    "simulate --preset toy-245 --gamma 1.5 --format tsv" "repl"; do
		# shellcheck disable=SC2086
		LC_ALL=C "$focal" $args <"$tmp/numbers.focal" >"$tmp/c.out" 2>&1
		# shellcheck disable=SC2086
		LOCPATH=$tmp/loc LC_ALL=de_DE.UTF-8 "$focal" $args <"$tmp/numbers.focal" >"$tmp/de.out" 2>&1
		if [ -s "$tmp/c.out" ] && cmp -s "$tmp/c.out" "$tmp/de.out"; then ok; else bad "the same numbers under de_DE.UTF-8: focal $args" "$(diff "$tmp/c.out" "$tmp/de.out" | head -4)"; fi
	done
	LOCPATH=$tmp/loc LC_ALL=de_DE.UTF-8 "$focal" eval --loss fl --gamma 1,5 --p 0.5 >"$tmp/out" 2>"$tmp/err"
	if [ $? -eq 0 ] && [ "$(grep -c . "$tmp/out")" -eq 3 ]; then ok; else bad "--gamma 1,5 is a list of two under de_DE.UTF-8" "$(cat "$tmp/err")"; fi
else
	echo "SKIP: cannot generate de_DE.UTF-8 with localedef; decimal-comma locale not tested"
fi

# plots/README.md lists exactly the specs of the set.
listed=$(grep -oP '^\| `\K[a-z0-9_]+(?=\.spec`)' "$top/plots/README.md" | sort)
present=$(cd "$top/plots" && ls ./*.spec | sed 's|^\./||; s|\.spec$||' | sort)
if [ -n "$listed" ] && [ "$listed" = "$present" ]; then ok; else bad "plots/README.md lists the specs" "$(diff <(echo "$listed") <(echo "$present"))"; fi
# A gnuplot script's header names no option that focal does not have.
"$focal" plot loss -o "$tmp/h.gp" 2>"$tmp/err"
if [ -s "$tmp/h.gp" ] && ! grep -q 'when asked' "$tmp/h.gp"; then ok; else bad "the .gp header promises only what exists" "$(grep -n 'asked' "$tmp/h.gp")"; fi

# On a terminal (a pty from script(1)): tables fit its width, long output
# is paged unless --no-pager, machine formats keep every column.
if command -v script >/dev/null 2>&1; then
	tty_run() { # COLS ROWS COMMAND...: stdout and stderr of focal on a pty
		local cols=$1 rows=$2
		shift 2
		script -qec "stty cols $cols rows $rows; $*" /dev/null </dev/null | tr -d '\r'
	}
	for c in "compare --gamma 0.5,2 --p-grid 0.01:0.99:5" "simulate --preset toy-245" \
		 "eval --gamma 0.5,2 --loss ce,fl,fgl,flstar --x -30,0.5,30" \
		 "train --train-anchors 4000 --test-anchors 3000 --imbalance 100 --steps 30 --batch 256 --lr 0.01 --final-anchors 5000 --seeds 2 --hidden 8"; do
		# a progress bar (a slow machine) is erased with ESC[K: drop it
		tty_run 120 200 "PAGER=cat $focal $c" | sed 's/.*\x1b\[K//' >"$tmp/tty"
		if [ "$(grep -v '^focal: note' "$tmp/tty" | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }')" -le 120 ] &&
			[ "$(grep -c . "$tmp/tty")" -gt 2 ]; then ok; else bad "focal $c fits 120 columns" "$(head -3 "$tmp/tty")"; fi
	done
	tty_run 50 200 "PAGER=cat $focal compare --gamma 2 --p 0.5" >"$tmp/tty"
	if grep -q '^focal: note: [0-9]* of 16 columns shown to fit 50 columns of terminal' "$tmp/tty" &&
		[ "$(grep -v '^focal' "$tmp/tty" | awk '{ if (length($0) > w) w = length($0) } END { print w + 0 }')" -le 50 ]; then ok; else bad "a narrow terminal: columns dropped, with a note" "$(cat "$tmp/tty")"; fi
	tty_run 50 200 "$focal compare --gamma 2 --p 0.5 --format tsv" >"$tmp/tty"
	if [ "$(head -1 "$tmp/tty" | awk -F'\t' '{print NF}')" = 16 ]; then ok; else bad "tsv on a terminal keeps every column" "$(head -1 "$tmp/tty")"; fi
	tty_run 200 10 "PAGER='sed s/^/PAGED:/' $focal eval --loss ce --p-grid 0.1:0.9:30" >"$tmp/tty"
	if [ "$(grep -c '^PAGED:' "$tmp/tty")" -eq 31 ]; then ok; else bad "long output goes through \$PAGER" "$(head -3 "$tmp/tty")"; fi
	tty_run 200 10 "PAGER='sed s/^/PAGED:/' $focal eval --loss ce --p-grid 0.1:0.9:30 --no-pager" >"$tmp/tty"
	if ! grep -q '^PAGED:' "$tmp/tty" && [ "$(grep -c . "$tmp/tty")" -eq 31 ]; then ok; else bad "--no-pager" "$(head -3 "$tmp/tty")"; fi
	tty_run 200 40 "PAGER='sed s/^/PAGED:/' $focal eval --loss ce --p-grid 0.1:0.9:3" >"$tmp/tty"
	if ! grep -q '^PAGED:' "$tmp/tty" && [ "$(grep -c . "$tmp/tty")" -eq 4 ]; then ok; else bad "short output is not paged" "$(head -3 "$tmp/tty")"; fi
	tty_run 80 200 "$focal figures --list" >"$tmp/tty"
	if head -1 "$tmp/tty" | grep -q '^name.caption.command$' && ! grep -q '^focal: note' "$tmp/tty"; then ok; else bad "figures --list keeps its captions on a terminal" "$(head -2 "$tmp/tty")"; fi
	PAGER='sed s/^/PAGED:/' "$focal" eval --loss ce --p-grid 0.1:0.9:300 --format table >"$tmp/out"
	if ! grep -q '^PAGED:' "$tmp/out"; then ok; else bad "output that is not a terminal is never paged"; fi
else
	echo "SKIP: script(1) not installed; terminal width and pager not tested"
fi

# Machine formats: a header, the same number of fields on every row, and
# numbers that round-trip (formats.sh: the shortest text, as Python's repr).
"$focal" eval --loss ce,fl,fgl,flstar --gamma 0.5,2 --x -745,-30,-1e-300,0,1.5,30,745 --format tsv >"$tmp/tsv"
if awk -F'\t' 'NR==1{n=NF} NF!=n{exit 1} END{exit NR<2}' "$tmp/tsv"; then ok; else bad "tsv rows have the header's field count"; fi
if awk -F'\t' 'NR>1{for(i=2;i<=NF;i++) if($i!~/^(-?[0-9.e+-]+|inf|-inf|nan|none)$/) exit 1}' "$tmp/tsv"; then ok; else bad "tsv cells are numbers, inf, -inf, nan or none"; fi
if ! grep -qP '(^|\t)-0(\t|$)' "$tmp/tsv"; then ok; else bad "no negative zero printed"; fi
"$focal" eval --p 0.1,0.7 --format csv >"$tmp/csv"
if awk -F, 'NR==1{n=NF} NF!=n{exit 1}' "$tmp/csv" && head -1 "$tmp/csv" | grep -q '^loss,gamma,alpha'; then ok; else bad "csv shape"; fi
"$focal" eval --p 0,0.5 --format json >"$tmp/json"
if command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==6 and d[0]["loss"]=="ce" and d[0]["value"] is None and d[0]["nonfinite"]["value"]=="inf"' "$tmp/json" 2>/dev/null; then ok; else bad "json parses with the expected rows"; fi
	# Strict JSON from every command: no NaN/Infinity literals, each column
	# of one type (numbers, or strings) with null where a value is not a
	# finite number, and "nonfinite" saying which kind exactly there.
	cat >"$tmp/strict.py" <<'PY'
import json, sys
def reject(name):
    raise ValueError("non-standard JSON constant " + name)
rows = json.loads(open(sys.argv[1]).read(), parse_constant=reject)
assert isinstance(rows, list) and rows, "a non-empty array"
kinds = {}
for r in rows:
    nf = r.pop("nonfinite", {})
    for k, v in nf.items():
        assert r[k] is None and v in ("inf", "-inf", "nan"), (k, v)
    for k, v in r.items():
        if v is None:
            continue
        t = "num" if isinstance(v, (int, float)) and not isinstance(v, bool) else type(v).__name__
        assert kinds.setdefault(k, t) == t, "column %s mixes %s and %s" % (k, kinds[k], t)
PY
	for args in "eval --loss ce,fl,fgl,flstar --gamma 0.5,2 --p 0,1e-300,0.5,1" \
		    "eval --loss ce,fl --alpha 0.25 --x -800,0,800 --y 0" \
		    "integrate --gamma 0,2 --p 0,0.5,1 --method both --published" \
		    "compare --gamma 2 --p 0,0.5,1" "check --gamma 2 --p 0.5 --tol-scale 0" \
		    "spread" "simulate --preset toy-245" "simulate --preset toy-245 --table cdf --points 5" \
		    "simulate --preset toy-245 --table hist --bins 4"; do
		# shellcheck disable=SC2086
		"$focal" $args --format json >"$tmp/j" 2>/dev/null
		if python3 "$tmp/strict.py" "$tmp/j" 2>"$tmp/err"; then ok; else bad "strict json: focal $args" "$(tail -1 "$tmp/err")"; fi
	done
fi
# tsv numbers are the shortest that round-trip; npy holds the same table
. "$here/formats.sh"

# The edge-value matrix through the CLI: no nan in any computed column
# (x is nan for probability inputs, residual is nan for flstar by definition).
for pts in "--p 0,4.9406564584124654e-324,1e-300,1e-16,0.5,0.99999999999999989,1" \
	   "--x -745,-700,-40,-1e-300,0,1e-300,40,700,745"; do
	for y in 0 1; do
		for a in "" "--alpha 0" "--alpha 0.25" "--alpha 1"; do
			# shellcheck disable=SC2086
			"$focal" eval --loss ce,fl,fgl,flstar --gamma 1e-12,0.5,1,2,5,50,100 $pts --y $y $a --format tsv >"$tmp/m.tsv" 2>"$tmp/err"
			if [ $? -eq 0 ] && awk -F'\t' 'NR>1 { for (i = 7; i <= NF; i++) { if (i == 14 && $1 == "flstar") continue; if ($i == "nan") exit 1 } }' "$tmp/m.tsv"; then ok; else bad "no nan in eval $pts --y $y $a" "$(cat "$tmp/err")" "$(grep -m2 nan "$tmp/m.tsv")"; fi
		done
	done
done
"$focal" integrate --gamma 0,1e-12,0.5,1,2,5,50,100 --p 0,4.9406564584124654e-324,1e-300,1e-16,0.5,0.99999999999999989,1 --method both --published --format tsv >"$tmp/m.tsv"
if ! cut -f5- "$tmp/m.tsv" | grep -q nan; then ok; else bad "no nan in integrate over the edge matrix" "$(grep -m2 nan "$tmp/m.tsv")"; fi

# A broken pipe ends the program quietly.
"$focal" eval --p-grid 0:1:100000 --format tsv 2>"$tmp/err" | head -1 >/dev/null
if [ ! -s "$tmp/err" ]; then ok; else bad "broken pipe is quiet" "$(cat "$tmp/err")"; fi

# ---- standard streams: a full stdout, '-' and pipes for input ---------------
# Help and version go to standard output like any result: a full disk is
# an error there too (they used to exit 0).
for a in --help --version "help eval" $(for c in $cmds; do printf '%s,--help ' "$c"; done); do
	# shellcheck disable=SC2086
	"$focal" ${a/,/ } >/dev/full 2>"$tmp/err"; rc=$?
	if [ $rc -eq 2 ] && [ "$(cat "$tmp/err")" = "focal: cannot write the output: No space left on device" ]; then ok; else bad "focal ${a/,/ } > /dev/full" "rc=$rc $(cat "$tmp/err")"; fi
done
printf 'help\nhelp save\n' | "$focal" repl >/dev/full 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write the output: " "$tmp/err"; then ok; else bad "the REPL's help > /dev/full" "rc=$rc $(cat "$tmp/err")"; fi
# Scores, boxes and specs from a pipe, '-', /dev/stdin or a FIFO read as
# from the file itself (the format of scores is told by their first bytes).
sc="$top/tests/data/io/inf_scores.csv"
"$focal" simulate --scores "$sc" --format tsv >"$tmp/direct" 2>&1
for how in pipe-dash pipe-stdin redirect-dash redirect-stdin fifo; do
	case $how in
	pipe-dash) cat "$sc" | "$focal" simulate --scores - --format tsv ;;
	pipe-stdin) cat "$sc" | "$focal" simulate --scores /dev/stdin --format tsv ;;
	redirect-dash) "$focal" simulate --scores - --format tsv <"$sc" ;;
	redirect-stdin) "$focal" simulate --scores /dev/stdin --format tsv <"$sc" ;;
	fifo) rm -f "$tmp/fifo"; mkfifo "$tmp/fifo"
	      # a reader that never opens the FIFO must not leave the writer hanging
	      timeout "${FOCAL_TEST_TIMEOUT:-600}" sh -c 'cat "$1" >"$2"' sh "$sc" "$tmp/fifo" </dev/null >/dev/null 2>&1 &
	      "$focal" simulate --scores "$tmp/fifo" --format tsv
	      kill $! 2>/dev/null; wait $! 2>/dev/null ;;
	esac >"$tmp/out" 2>&1
	if [ -s "$tmp/direct" ] && cmp -s "$tmp/direct" "$tmp/out"; then ok; else bad "simulate --scores from $how" "$(head -c 300 "$tmp/out")"; fi
done
# .npy through a pipe: the same message as from the file, after its name
npy="$top/tests/data/io/struct_i8_f8.npy"
"$focal" simulate --scores "$npy" 2>&1 | sed "s|^focal: $npy: ||" >"$tmp/direct"
cat "$npy" | "$focal" simulate --scores - 2>&1 | sed 's|^focal: standard input: ||' >"$tmp/out"
if grep -q '^anchor 4 ' "$tmp/direct" && cmp -s "$tmp/direct" "$tmp/out"; then ok; else bad "simulate --scores - reads .npy from a pipe" "$(cat "$tmp/out")"; fi
echo | "$focal" simulate --scores - >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q '^focal: standard input:2:1: no header row' "$tmp/err"; then ok; else bad "an empty pipe: an error naming standard input" "rc=$rc $(cat "$tmp/err")"; fi
bx="$top/tests/fault/boxes.csv"
"$focal" simulate --boxes-file "$bx" --image 64x48 --format tsv >"$tmp/direct" 2>&1
cat "$bx" | "$focal" simulate --boxes-file - --image 64x48 --format tsv >"$tmp/out" 2>&1
if cmp -s "$tmp/direct" "$tmp/out" && grep -q $'^init\tce' "$tmp/out"; then ok; else bad "simulate --boxes-file -" "$(head -c 300 "$tmp/out")"; fi
co="$top/tests/fault/coco.json"
"$focal" simulate --coco "$co" --coco-image 7 --format tsv >"$tmp/direct" 2>&1
cat "$co" | "$focal" simulate --coco /dev/stdin --coco-image 7 --format tsv >"$tmp/out" 2>&1
if cmp -s "$tmp/direct" "$tmp/out" && grep -q $'^init\tce' "$tmp/out"; then ok; else bad "simulate --coco /dev/stdin" "$(head -c 300 "$tmp/out")"; fi
"$focal" plot "$top/plots/loss.spec" -o "$tmp/direct.rec"
"$focal" plot - -o "$tmp/piped.rec" <"$top/plots/loss.spec" 2>"$tmp/err"
if [ -s "$tmp/direct.rec" ] && cmp -s "$tmp/direct.rec" "$tmp/piped.rec"; then ok; else bad "plot - reads the spec from standard input" "$(cat "$tmp/err")"; fi

# ---- train: the curves file, thread-count invariance, Ctrl-C ---------------
small="--train-anchors 4000 --test-anchors 3000 --imbalance 100 --steps 30 --batch 256 --seeds 3 --hidden 8 --lr 0.01 --final-anchors 5000 --format tsv"
# shellcheck disable=SC2086
"$focal" train $small --threads 1 --curves "$tmp/c1.tsv" >"$tmp/t1" 2>"$tmp/err"
# shellcheck disable=SC2086
"$focal" train $small --threads 3 --curves "$tmp/c3.tsv" >"$tmp/t3" 2>>"$tmp/err"
if [ -s "$tmp/t1" ] && cmp -s "$tmp/t1" "$tmp/t3" && cmp -s "$tmp/c1.tsv" "$tmp/c3.tsv" && [ ! -s "$tmp/err" ]; then ok; else bad "train: the same numbers for 1 and 3 threads" "$(cat "$tmp/err")"; fi
# a weight expression keeps the point it is at in its tree: runs on other
# threads each evaluate their own copy (one shared tree gave them each
# other's points)
# shellcheck disable=SC2086
"$focal" train $small --loss custom,custom@grad --weight 'q^g' --param g=2 --threads 1 >"$tmp/w1" 2>"$tmp/err"
# shellcheck disable=SC2086
"$focal" train $small --loss custom,custom@grad --weight 'q^g' --param g=2 --threads 3 >"$tmp/w3" 2>>"$tmp/err"
if [ -s "$tmp/w1" ] && cmp -s "$tmp/w1" "$tmp/w3" && [ ! -s "$tmp/err" ]; then ok; else bad "train: a custom weight gives the same numbers for 1 and 3 threads" "$(cat "$tmp/err")"; fi
if [ "$(head -1 "$tmp/c1.tsv")" = "$(printf 'loss\tgamma\tseed\tstep\tloss_value\tap\tgrad_share_pos\tgrad_share_hard_neg\tgrad_share_easy_neg')" ] &&
	[ "$(wc -l <"$tmp/c1.tsv")" -eq $((1 + 2 * 3 * 31)) ] &&
	awk -F'\t' 'NR>1 && ($7+$8+$9 < 0.999999 || $7+$8+$9 > 1.000001) {exit 1}' "$tmp/c1.tsv"; then ok; else bad "train --curves: header, one row per loss, seed and step, shares add to 1" "$(head -3 "$tmp/c1.tsv")"; fi
if [ -z "$(ls "$tmp" | grep '\.tmp$')" ]; then ok; else bad "train --curves leaves no temporary file" "$(ls "$tmp")"; fi
# focal runs on focal train's per-run rows prints exactly what focal train
# printed (summary with a tuned grid, seeds table; tsv, csv, json, table)
rs="--train-anchors 4000 --test-anchors 3000 --imbalance 100 --steps 30 --batch 256 --seeds 3 --hidden 8 --final-anchors 5000 --loss ce,ce_alpha,fl,fgl --gamma 0,2"
for f in tsv csv json table; do
	# shellcheck disable=SC2086
	"$focal" train $rs --lr-grid 0.01,0.05 --tune-seeds 2 --format $f --runs-out "$tmp/runs.$f" >"$tmp/tr.$f" 2>"$tmp/err"
	"$focal" runs --format $f "$tmp/runs.$f" >"$tmp/ru.$f" 2>>"$tmp/err"
	if [ -s "$tmp/tr.$f" ] && cmp -s "$tmp/tr.$f" "$tmp/ru.$f" && [ ! -s "$tmp/err" ]; then ok; else bad "runs reproduces train's $f summary" "$(diff "$tmp/tr.$f" "$tmp/ru.$f" | head -5) $(cat "$tmp/err")"; fi
done
# shellcheck disable=SC2086
"$focal" train $rs --lr 0.01 --table seeds --format tsv --runs-out "$tmp/runs.tsv" >"$tmp/tr.tsv"
"$focal" runs --table seeds --format tsv "$tmp/runs.tsv" >"$tmp/ru.tsv"
if cmp -s "$tmp/tr.tsv" "$tmp/ru.tsv" && [ "$(head -1 "$tmp/runs.tsv")" = "$(printf 'run\tloss\tgamma\talpha\tlr\ttuned\tseed\tstep\tloss_value\tval_ap\tap\tnoise\tloss_noise\tfl_noise\tfinal_loss\tece\tece_top\ttemperature\tece_top_ts\tdiverged_step')" ]; then ok; else bad "runs reproduces train's seeds table; the rows' header" "$(head -1 "$tmp/runs.tsv")"; fi
# without its noise column, the noise is computed from the val_ap curve by train's rule
awk -F'\t' 'BEGIN {OFS = "\t"} NR > 1 {$12 = "none"} {print}' "$tmp/runs.tsv" >"$tmp/nonoise.tsv"
"$focal" runs --table seeds --format tsv "$tmp/nonoise.tsv" >"$tmp/ru2.tsv"
if cmp -s "$tmp/tr.tsv" "$tmp/ru2.tsv"; then ok; else bad "runs computes noise from the curve as train does" "$(diff "$tmp/tr.tsv" "$tmp/ru2.tsv" | head -3)"; fi
# as JSON lines, one object a line
"$focal" train $rs --lr 0.01 --format json --runs-out "$tmp/runs.json" >"$tmp/tr.json"
sed -n 's/^  \({.*}\),\{0,1\}$/\1/p' "$tmp/runs.json" >"$tmp/runs.jsonl"
"$focal" runs --format json "$tmp/runs.jsonl" >"$tmp/ru.json"
if [ -s "$tmp/runs.jsonl" ] && cmp -s "$tmp/tr.json" "$tmp/ru.json"; then ok; else bad "runs reads focal's rows as JSON lines" "$(head -c 300 "$tmp/ru.json")"; fi
# --shard K/N: 1, 2 and 3 shards (and 3 given in reverse) merge into the
# unsharded summary and seeds table, bit for bit
sh="$rs --seeds 5 --lr 0.01 --format tsv"
# shellcheck disable=SC2086
"$focal" train $sh >"$tmp/full.tsv"
# shellcheck disable=SC2086
"$focal" train $sh --table seeds >"$tmp/fulls.tsv"
for n in 1 2 3 3r; do
	files=""
	for k in $(seq 1 "${n%r}"); do
		# shellcheck disable=SC2086
		"$focal" train $sh --shard "$k/${n%r}" --runs-out "$tmp/sh$k.$n.tsv" >/dev/null
		case $n in *r) files="$tmp/sh$k.$n.tsv $files" ;; *) files="$files $tmp/sh$k.$n.tsv" ;; esac
	done
	# shellcheck disable=SC2086
	"$focal" runs --format tsv $files >"$tmp/m.tsv"
	# shellcheck disable=SC2086
	"$focal" runs --format tsv --table seeds $files >"$tmp/ms.tsv"
	if cmp -s "$tmp/full.tsv" "$tmp/m.tsv" && cmp -s "$tmp/fulls.tsv" "$tmp/ms.tsv"; then ok; else bad "train --shard: $n shards merge into the unsharded result" "$(diff "$tmp/full.tsv" "$tmp/m.tsv" | head -3)"; fi
done
if [ "$(awk -F'\t' 'NR > 1 && $11 != "none"' "$tmp/sh2.3.tsv" | wc -l)" -eq 12 ] && [ "$(cut -f7 "$tmp/sh2.3.tsv" | sort -u | tr '\n' ' ')" = "2 5 seed " ]; then ok; else bad "shard 2/3 trains seeds 2 and 5, every loss" "$(cut -f7 "$tmp/sh2.3.tsv" | sort -u)"; fi
# --dump DIR: each test run's scores, which simulate --scores reads back,
# and its parameters (dim 8, 8 hidden units: 81, after a 128-byte header)
mkdir "$tmp/dump"
# shellcheck disable=SC2086
"$focal" train $rs --seeds 2 --lr 0.01 --dump "$tmp/dump" --format tsv >/dev/null 2>"$tmp/err"
"$focal" simulate --scores "$tmp/dump/fgl_g2_s2.scores.npy" --loss ce --format tsv >"$tmp/out" 2>>"$tmp/err"
if [ "$(ls "$tmp/dump" | wc -l)" -eq 24 ] && grep -q $'^file\tce\t0\tnone\tpos\t50\t' "$tmp/out" &&
	[ "$(wc -c <"$tmp/dump/ce_alpha_g0_s1.params.npy")" -eq $((128 + 81 * 8)) ] &&
	[ "$(wc -c <"$tmp/dump/fl_g0_s2.scores.npy")" -eq $((128 + 5000 * 16)) ] && [ ! -s "$tmp/err" ]; then ok; else bad "train --dump: scores simulate reads, parameters" "$(ls "$tmp/dump" | head -3) $(cat "$tmp/err")"; fi
"$focal" train $rs --lr 0.01 --dump "$tmp/dump/fl_g0_s2.scores.npy" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "focal: cannot write '$tmp/dump/fl_g0_s2.scores.npy': Not a directory" ]; then ok; else bad "train --dump to a file" "rc=$rc $(cat "$tmp/err")"; fi
# focal's rows are read one at a time: 105,000 rows (5,000 runs) in
# 32 MB (collected as objects first they took 139 MB).  Peak RSS
# means nothing under valgrind or ASan, so only the plain build is measured.
case $focal in
*-vg | */san/*) ok ;;
*)
	awk 'BEGIN { OFS = "\t"; print "loss", "seed", "step", "loss_value", "val_ap"
		for (l = 0; l < 2; l++) for (s = 1; s <= 2500; s++) for (t = 0; t <= 1000; t += 50)
			print (l ? "fgl" : "fl"), s, t, 1 / (t + 1), (s * 7 % 13) / 13 + t / 1e4 }' >"$tmp/big.tsv"
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M -o "$tmp/rss" "$focal" runs --format tsv "$tmp/big.tsv" >"$tmp/out" 2>"$tmp/err"
		if [ "$(wc -l <"$tmp/big.tsv")" -eq 105001 ] && [ "$(cat "$tmp/rss")" -lt 80000 ] && [ "$(wc -l <"$tmp/out")" -eq 4 ]; then ok; else bad "runs reads 105,000 rows in under 80 MB" "$(cat "$tmp/rss") KB $(cat "$tmp/err")"; fi
	else
		ok
	fi ;;
esac
cp "$top/tests/data/runs/detectron2/fl_seed1/metrics.json" "$tmp/metrics.json"
"$focal" runs "$tmp/metrics.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "focal: $tmp/metrics.json: a detectron2 log does not say its loss and seed: name them with --run LOSS:SEED=PATH" ]; then ok; else bad "runs: a real log whose path does not name its run" "rc=$rc $(cat "$tmp/err")"; fi
"$focal" train $rs --lr 0.01 --runs-out /nonexistent/dir/r.tsv >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && [ ! -s "$tmp/out" ] && grep -q "^focal: cannot write '/nonexistent/dir/r.tsv': " "$tmp/err"; then ok; else bad "train --runs-out to a missing directory" "rc=$rc $(cat "$tmp/err")"; fi

# Ctrl-C: status 130, "interrupted", nothing on stdout, no curves file.
# Job control on: a script's '&' would start the job with SIGINT ignored,
# which focal respects.  The signal goes once a training thread runs.
set -m
$default_int "$focal" train --steps 10000000 --seeds 2 --curves "$tmp/int.tsv" >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_threads "$pid" 2
kill -INT "$pid"
wait_exit "$pid"
rc=$exit_rc
set +m
if [ $rc -eq 130 ] && grep -q '^focal: interrupted$' "$tmp/err" && [ ! -s "$tmp/out" ] && [ -z "$(ls "$tmp" | grep '^int\.tsv')" ]; then ok; else bad "train: Ctrl-C stops with 130 and no files" "rc $rc" "$(cat "$tmp/err")" "$(ls "$tmp")"; fi

# ---- figures ---------------------------------------------------------------
cd "$top"
# Golden record (drawing-call log) of every spec in plots/ (by the plain
# build: under the sanitizers, make check-san-cli sets FOCAL_TEST_SAN=1 and
# the figures runs below draw every spec in every format instead).
for spec in $([ "${FOCAL_TEST_SAN:-0}" = 1 ] || echo plots/*.spec); do
	n=$(basename "$spec" .spec)
	if "$focal" plot "$spec" -o "$tmp/$n.rec" 2>"$tmp/err" && diff -q "$tmp/$n.rec" "tests/fig/golden/specs/$n.rec" >/dev/null 2>&1; then ok; else
		bad "golden record of $n (regenerate with 'make golden' after an intended change)" "$(cat "$tmp/err")" "$(diff "$tmp/$n.rec" "tests/fig/golden/specs/$n.rec" 2>&1 | head -5)"; fi
done
# The whole set in every format: valid files of the right size (3 worker
# processes; compared below with 1).
if "$focal" figures --jobs 3 -o "$tmp/figs" --formats pdf,svg,png,gp --dpi 100 >"$tmp/out" 2>"$tmp/err" && grep -q "^focal: wrote [0-9]* figures as [0-9]* files to $tmp/figs" "$tmp/out"; then ok; else bad "focal figures" "$(cat "$tmp/err")"; fi
nspec=$(ls plots/*.spec | wc -l)
if [ "$(ls "$tmp/figs" | wc -l)" -eq $((4 * nspec)) ]; then ok; else bad "figures wrote 4 files per spec"; fi
# worker processes change nothing: the same drawing from 1 and from 3 at a
# time (the bytes differ only in the provenance, which names the command;
# tests/cli/drawing.py compares the files without it)
"$focal" figures --jobs 1 -o "$tmp/figs1" --formats pdf,svg,png,gp --dpi 100 >/dev/null 2>"$tmp/err"
same=1
python3 "$top/tests/cli/drawing.py" --dirs "$tmp/figs1" "$tmp/figs" >"$tmp/diff" || same=0
if [ $same -eq 1 ] && [ "$(ls "$tmp/figs1" | wc -l)" -eq $((4 * nspec)) ] && [ ! -s "$tmp/err" ]; then ok; else bad "figures --jobs 1 and --jobs 3 write the same files" "$(cat "$tmp/err" "$tmp/diff")"; fi
# a figure that fails to build in a worker: one line naming it, exit 2,
# the other files complete and no temporary file left
mkdir -p "$tmp/badset"
cp plots/loss.spec plots/weights.spec "$tmp/badset/"
sed 's|ref="[^"]*"|ref="no/such/table.tsv"|' plots/accuracy.spec >"$tmp/badset/accuracy.spec"
FOCAL_PLOTS="$tmp/badset" "$focal" figures --jobs 2 -o "$tmp/badout" --formats pdf >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^focal: .*no/such/table.tsv" "$tmp/err" && [ ! -s "$tmp/out" ] &&
	[ -z "$(ls "$tmp/badout" | grep -v '\.pdf$')" ]; then ok; else bad "figures: an error in a worker" "rc $rc" "$(cat "$tmp/err")" "$(ls "$tmp/badout")"; fi
# more workers than the pool has (--jobs 12, twelve figures): at most 8
# processes run, every figure is written (the pool once overran its arrays)
mkdir -p "$tmp/manyset"
for k in 01 02 03 04 05 06 07 08 09 10 11 12; do cp plots/loss.spec "$tmp/manyset/loss$k.spec"; done
FOCAL_PLOTS="$tmp/manyset" "$focal" figures --jobs 12 -o "$tmp/manyout" --formats gp >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 0 ] && [ "$(ls "$tmp/manyout" | wc -l)" -eq 12 ] && [ ! -s "$tmp/err" ]; then ok; else bad "figures --jobs 12 over twelve figures" "rc $rc" "$(head -5 "$tmp/err")"; fi
for f in "$tmp"/figs/*.pdf; do
	if head -c 5 "$f" | grep -q '%PDF-'; then ok; else bad "PDF header of $f"; fi
done
for f in "$tmp"/figs/*.png; do
	sig=$(head -c 8 "$f" | od -An -tx1 | tr -d ' \n')
	if [ "$sig" = 89504e470d0a1a0a ]; then ok; else bad "PNG signature of $f"; fi
done
# PNG size is inches x dpi: loss.spec is 3.4 x 2.6 in, rendered at 100 dpi
wh=$(od -An -tu1 -j16 -N8 "$tmp/figs/loss.png" | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
if [ "$wh" = "340 260" ]; then ok; else bad "loss.png is 340 x 260 at 100 dpi (got $wh)"; fi
tools=${FOCAL_TEST_TOOLS:-1}
if [ "$tools" = 0 ]; then
	echo "SKIP: FOCAL_TEST_TOOLS=0: the SVG, gnuplot and groff checks"
elif command -v python3 >/dev/null 2>&1; then
	if python3 -c 'import sys, xml.dom.minidom as m
for f in sys.argv[1:]: m.parse(f)' "$tmp"/figs/*.svg 2>"$tmp/err"; then ok; else bad "SVG files parse as XML" "$(cat "$tmp/err")"; fi
fi
if [ "$tools" = 0 ]; then
	:
elif command -v gnuplot >/dev/null 2>&1; then
	for f in "$tmp"/figs/*.gp; do
		n=$(basename "$f" .gp)
		if (cd "$tmp/figs" && gnuplot "$n.gp" >/dev/null 2>"$tmp/gperr") && [ -s "$tmp/figs/$n.png" ] && [ ! -s "$tmp/gperr" ]; then ok; else bad "gnuplot runs $n.gp" "$(head -3 "$tmp/gperr")"; fi
	done
	# The header's advice for a PDF, followed to the letter, works, and
	# marks keep their size in points (one pointsize unit: 6 px on
	# pngcairo, 4.32 pt at these figures' 100 dpi; 6 pt on pdfcairo).
	g=$tmp/figs/train_gamma.gp
	term=$(sed -n 's/^#     \(set terminal pdfcairo .*\)$/\1/p' "$g")
	sed -e "s|^set terminal pngcairo .*|$term|" -e "s|^set output _dir.'train_gamma.png'|set output _dir.'tg.pdf'|" "$g" >"$tmp/figs/tg.gp"
	psu=$(cd "$tmp/figs" && printf 'print _psu\n' | gnuplot tg.gp - 2>&1)
	psu_png=$(cd "$tmp/figs" && printf 'print _psu\n' | gnuplot train_gamma.gp - 2>&1)
	if [ -n "$term" ] && [ -s "$tmp/figs/tg.pdf" ] && [ "$psu" = "6.0" ] && [ "$psu_png" = "4.32" ]; then ok; else bad "the .gp header's PDF advice works, marks in pt" "term='$term' psu='$psu' png='$psu_png'"; fi
else
	echo "SKIP: gnuplot not installed; the .gp scripts were not run"
fi
# Deterministic: the same command gives byte-identical PDF and SVG (run in
# two directories, so that the command, which the files record, is the same).
mkdir -p "$tmp/det1" "$tmp/det2"
case $focal in /*) fabs=$focal ;; *) fabs=$PWD/$focal ;; esac
for d in det1 det2; do
	(cd "$tmp/$d" && export FOCAL_PLOTS="$top/plots" && "$fabs" plot effective -o e.pdf && "$fabs" plot effective -o e.svg)
done
if cmp -s "$tmp/det1/e.pdf" "$tmp/det2/e.pdf" && cmp -s "$tmp/det1/e.svg" "$tmp/det2/e.svg"; then ok; else bad "PDF and SVG are byte-identical across runs"; fi
# --svg-text: the same figure with its text as <text> elements, anchored
# where cairo draws it (tests/cli/svgtext.py); plot and figures alike (not
# under FOCAL_TEST_TOOLS=0: the ASan run, where the set is slow to draw)
if [ "$tools" = 1 ] && command -v python3 >/dev/null 2>&1; then
	(cd "$tmp/det1" && export FOCAL_PLOTS="$top/plots" FOCAL_DATA="$top/tests/data" && "$fabs" plot effective -o t.svg --svg-text &&
		"$fabs" plot pop_shares -o s.svg && "$fabs" plot pop_shares -o st.svg --svg-text &&
		"$fabs" figures --svg-text --formats svg --jobs 1 -o set >/dev/null) 2>"$tmp/err"
	if python3 "$top/tests/cli/svgtext.py" "$tmp/det1/e.svg" "$tmp/det1/t.svg" "γ = 1, 2, 3, 5" "published, γ = 2" >"$tmp/out" &&
		python3 "$top/tests/cli/svgtext.py" "$tmp/det1/s.svg" "$tmp/det1/st.svg" >>"$tmp/out" &&
		python3 "$top/tests/cli/svgtext.py" "$tmp/det1/e.svg" "$tmp/det1/set/effective.svg" >>"$tmp/out" &&
		[ ! -s "$tmp/err" ]; then ok; else bad "--svg-text keeps the text as <text> where cairo draws it" "$(head -3 "$tmp/out" "$tmp/err")"; fi
fi
# ... and they record it: the version and the command line
if grep -aq "/Creator (focal $("$focal" --version | cut -d' ' -f2))" "$tmp/det1/e.pdf" &&
	grep -q "^command: focal plot effective -o e.svg$" "$tmp/det1/e.svg"; then ok; else bad "PDF and SVG record their provenance"; fi
SOURCE_DATE_EPOCH=1700000000 "$focal" plot loss -o "$tmp/d.pdf"
if grep -aq "CreationDate (20231114221320Z)" "$tmp/d.pdf"; then ok; else bad "SOURCE_DATE_EPOCH dates the PDF"; fi
# The terminal view draws text.
if "$focal" plot loss --cols 60 --rows 20 >"$tmp/out" 2>"$tmp/err" && [ "$(wc -l <"$tmp/out")" -ge 15 ] && [ ! -s "$tmp/err" ]; then ok; else bad "plot --term draws text" "$(cat "$tmp/err")"; fi
# --gamma replaces the γ lists.
"$focal" plot loss --gamma 3 -o "$tmp/g.rec"
if grep -q 'gamma = 3' "$tmp/g.rec" && ! grep -q 'gamma = 0.5' "$tmp/g.rec"; then ok; else bad "plot --gamma overrides"; fi
# Bad input: one line, exit 2, no file left behind.
printf 'curve value\nx pt 0 1\ncurve valu\n' >"$tmp/bad.spec"
"$focal" plot "$tmp/bad.spec" -o "$tmp/bad.pdf" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: $tmp/bad.spec:3: unknown quantity 'valu'" "$tmp/err" && [ ! -e "$tmp/bad.pdf" ] && [ ! -s "$tmp/out" ]; then ok; else bad "malformed spec: file:line error" "$(cat "$tmp/err")"; fi
mkdir "$tmp/isdir.pdf"
"$focal" plot loss -o "$tmp/isdir.pdf" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && [ -z "$(ls -A "$tmp/isdir.pdf")" ] && [ -z "$(ls -a "$tmp" | grep -v '^isdir.pdf$' | grep -i isdir)" ]; then ok; else bad "failed write leaves no temporary file" "$(cat "$tmp/err")" "$(ls -a "$tmp")"; fi
"$focal" plot nosuchfigure -o "$tmp/x.pdf" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: unknown figure 'nosuchfigure'" "$tmp/err"; then ok; else bad "unknown figure" "$(cat "$tmp/err")"; fi
"$focal" plot loss -o "$tmp/x.jpg" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: unknown output format for '$tmp/x.jpg'" "$tmp/err" && [ ! -e "$tmp/x.jpg" ]; then ok; else bad "unknown extension" "$(cat "$tmp/err")"; fi
"$focal" plot loss -o /nonexistent-dir/x.pdf 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write '/nonexistent-dir/x.pdf'" "$tmp/err"; then ok; else bad "unwritable output path" "$(cat "$tmp/err")"; fi
"$focal" figures --formats pdf,jpg -o "$tmp/nf" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: invalid format 'jpg'" "$tmp/err" && [ ! -e "$tmp/nf" ]; then ok; else bad "figures: bad format" "$(cat "$tmp/err")"; fi
if "$focal" figures --list | awk -F'\t' 'NR==1 && $0!="name\tcaption\tcommand"{exit 1} NR>1 && $2==""{exit 1}' ; then ok; else bad "figures --list has a caption for every figure"; fi
if "$focal" figures --list | awk -F'\t' 'NR>1 && $1 ~ /^pop_/ && $3 !~ /^focal simulate /{exit 1}' ; then ok; else bad "figures --list names a command for every population figure"; fi
cmd=$("$focal" figures --list | awk -F'\t' '$1=="pop_shares"{print $3}')
if "$focal" plot pop_shares -o "$tmp/ps.gp" && grep -qxF "#     $cmd" "$tmp/ps.gp"; then ok; else bad "the .gp script names the command --list names"; fi
if FOCAL_PLOTS=/nonexistent "$focal" figures 2>"$tmp/err"; then bad "figures with no specs fails"; elif grep -q "^focal: no figure specs found in '/nonexistent'" "$tmp/err"; then ok; else bad "figures with no specs message" "$(cat "$tmp/err")"; fi
env -u DISPLAY -u WAYLAND_DISPLAY "$focal" plot loss --window 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: --window needs a display" "$tmp/err"; then ok; else bad "--window without a display" "$(cat "$tmp/err")"; fi
# #16: the text rendering is UTF-8 only where the locale is (pₜ, γ), and
# plain ASCII under LC_ALL=C (p_t, gamma)
LC_ALL=C "$focal" plot loss >"$tmp/c.txt" 2>&1; rc=$?
if [ $rc -eq 0 ] && ! LC_ALL=C grep -q '[^ -~]' "$tmp/c.txt" && grep -q 'class p_t$' "$tmp/c.txt" && grep -q 'gamma = 0.5' "$tmp/c.txt"; then ok; else bad "plot under LC_ALL=C is ASCII" "$(head -c 600 "$tmp/c.txt")"; fi
LC_ALL=C.UTF-8 "$focal" plot loss >"$tmp/u.txt" 2>&1; rc=$?
if [ $rc -eq 0 ] && grep -q 'class pₜ$' "$tmp/u.txt" && grep -q 'γ = 0.5' "$tmp/u.txt"; then ok; else bad "plot under a UTF-8 locale has Unicode" "$(head -c 600 "$tmp/u.txt")"; fi

# The man page renders without warnings.
if [ "$tools" = 0 ]; then
	:
elif command -v groff >/dev/null 2>&1; then
	if groff -man -Tutf8 -ww -z "$top/man/focal.1" 2>"$tmp/err" && [ ! -s "$tmp/err" ]; then ok; else bad "man page renders cleanly" "$(cat "$tmp/err")"; fi
else
	echo "SKIP: groff not installed; man page rendering not checked"
fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
