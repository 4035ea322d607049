#!/usr/bin/env bash
# End-to-end tests of the focal REPL in scripted mode (stdin not a
# terminal): session files with expected output, sessions that must print
# exactly what the CLI prints (equiv.txt), bad input of every kind, save,
# and Ctrl-C.  The interactive prompt is tests/repl/tmux.sh.
# Usage: tests/repl/run.sh path/to/focal     (run from anywhere)
set -u
focal=${1:?usage: run.sh path/to/focal}
case $focal in /*) ;; *) focal=$PWD/$focal ;; esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$top/tests/wait.sh"
cd "$top" || exit 2
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# No history, no windows: a scripted session must not need either.
export HOME=$tmp/home XDG_STATE_HOME=$tmp/state
unset DISPLAY WAYLAND_DISPLAY

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }

# ---- session files: NAME.focal -> NAME.out, NAME.err, NAME.status ------------
for f in "$here"/cases/*.focal; do
	n=${f%.focal}
	name=$(basename "$n")
	args=()
	[ -f "$n.args" ] && read -r -a args <"$n.args"
	"$focal" repl "${args[@]}" <"$f" >"$tmp/out" 2>"$tmp/err"
	got=$?
	want=$(cat "$n.status" 2>/dev/null || echo 0)
	why=()
	[ "$got" = "$want" ] || why+=("exit $got, expected $want")
	cmp -s "$tmp/out" "$n.out" || why+=("stdout differs: $(diff "$n.out" "$tmp/out" | head -5)")
	if [ -f "$n.err" ]; then
		cmp -s "$tmp/err" "$n.err" || why+=("stderr differs: $(diff "$n.err" "$tmp/err" | head -5)")
	elif [ -s "$tmp/err" ]; then
		why+=("stderr not empty: $(head -3 "$tmp/err")")
	fi
	if [ ${#why[@]} -eq 0 ]; then ok; else bad "session $name" "${why[@]}"; fi
done

# ---- the same output as the CLI ---------------------------------------------
trim() { local s=$1; s=${s#"${s%%[![:space:]]*}"}; s=${s%"${s##*[![:space:]]}"}; printf '%s' "$s"; }
while IFS= read -r row; do
	case "$row" in '' | '#'*) continue ;; esac
	repl=$(trim "${row%%|*}")
	cli=$(trim "${row#*|}")
	printf '%s\n' "${repl// ;; /$'\n'}" >"$tmp/session"
	"$focal" repl <"$tmp/session" >"$tmp/rout" 2>"$tmp/rerr"
	rs=$?
	: >"$tmp/cout"
	: >"$tmp/cerr"
	cs=0
	while IFS= read -r cmd; do
		eval "set -- $cmd"
		"$focal" "$@" >>"$tmp/cout" 2>>"$tmp/cerr" </dev/null || cs=2
	done < <(printf '%s\n' "${cli// ;; /$'\n'}")
	why=()
	cmp -s "$tmp/rout" "$tmp/cout" || why+=("stdout differs from the CLI's: $(diff "$tmp/cout" "$tmp/rout" | head -4)")
	[ "$rs" = "$cs" ] || why+=("exit $rs, the CLI's $cs")
	if { [ -s "$tmp/rerr" ] && [ ! -s "$tmp/cerr" ]; } || { [ ! -s "$tmp/rerr" ] && [ -s "$tmp/cerr" ]; }; then
		why+=("stderr: session '$(head -c 200 "$tmp/rerr")', CLI '$(head -c 200 "$tmp/cerr")'")
	fi
	if [ ${#why[@]} -eq 0 ]; then ok; else bad "$repl  ==  $cli" "${why[@]}"; fi
done <"$here/equiv.txt"

# Every command's help, from the command table: 'help C' and 'C --help'.
cmds=$("$focal" --help | awk '/^Commands:/{f=1;next} f&&/^  [a-z]/{print $1}')
for c in $cmds; do
	[ "$c" = repl ] && continue
	"$focal" "$c" --help >"$tmp/cout" 2>&1
	printf 'help %s\n%s --help\n' "$c" "$c" | "$focal" repl >"$tmp/rout" 2>&1
	if cmp -s "$tmp/rout" <(cat "$tmp/cout" "$tmp/cout"); then ok; else bad "help $c is 'focal $c --help'"; fi
done
# 'help' lists every command of the table but repl, and the session's own.
printf 'help\n' | "$focal" repl >"$tmp/out" 2>&1
missing=""
for c in $cmds set unset show reset save quit; do
	[ "$c" = repl ] && continue
	grep -q "^  $c\b" "$tmp/out" || missing="$missing $c"
done
if [ -z "$missing" ]; then ok; else bad "help lists every command" "missing:$missing"; fi
# 'help set' names every parameter and the commands that use it.
printf 'help set\n' | "$focal" repl >"$tmp/out" 2>&1
if grep -q '^  gamma ' "$tmp/out" && grep -q 'used by: .*eval.*plot' "$tmp/out"; then ok; else bad "help set" "$(head -5 "$tmp/out")"; fi

# ---- bad bytes: an error each, the session goes on, exit 2 ------------------
check_junk() { # name, expected stderr regex; input in $tmp/junk
	"$focal" repl <"$tmp/junk" >"$tmp/out" 2>"$tmp/err"
	local rc=$? why=()
	[ $rc -eq 2 ] || why+=("exit $rc, expected 2")
	grep -Eq -- "$2" "$tmp/err" || why+=("stderr lacks /$2/: $(head -c 300 "$tmp/err")")
	# the good line after the junk still ran
	grep -q '^ce	0	none' "$tmp/out" || why+=("the line after the junk did not run")
	if [ ${#why[@]} -eq 0 ]; then ok; else bad "junk: $1" "${why[@]}"; fi
}
good='eval --loss ce --p 0.5 --format tsv'
printf 'eval --p 0.\0005\n%s\n' "$good" >"$tmp/junk"
check_junk "NUL byte" "^focal: line 1: line has a NUL byte at column 12"
printf 'eval --p \377\376\n%s\n' "$good" >"$tmp/junk"
check_junk "invalid UTF-8" "^focal: line 1: line is not valid UTF-8 \(byte 0xff at column 10\)"
printf 'eval \300\257\n%s\n' "$good" >"$tmp/junk"
check_junk "overlong UTF-8" "line is not valid UTF-8 \(byte 0xc0"
printf 'eval \355\240\200\n%s\n' "$good" >"$tmp/junk"
check_junk "UTF-16 surrogate" "line is not valid UTF-8 \(byte 0xed"
printf '\033[31meval\n%s\n' "$good" >"$tmp/junk"
check_junk "escape sequence" "^focal: line 1: line has control byte 0x1b at column 1"
{ head -c 70000 /dev/zero | tr '\0' 'a'; printf '\n%s\n' "$good"; } >"$tmp/junk"
check_junk "overlong line" "^focal: line 1: line longer than 65536 bytes; skipped"
{ printf 'eval --p 0.5'; head -c 200000 /dev/zero | tr '\0' ' '; printf '\n%s\n' "$good"; } >"$tmp/junk"
check_junk "overlong blank tail" "^focal: line 1: line longer than 65536 bytes"
# deterministic binary junk: every byte value, in a shuffled order, many lines
LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 20000; i++) printf "%c", int(rand() * 256) }' </dev/null >"$tmp/junk"
printf '\n%s\n' "$good" >>"$tmp/junk"
check_junk "binary junk" "^focal: line [0-9]+: "
# A line of exactly 65536 bytes is accepted.
{ printf '%s' "$good"; head -c $((65536 - ${#good})) /dev/zero | tr '\0' ' '; printf '\n'; } >"$tmp/junk"
if "$focal" repl <"$tmp/junk" >"$tmp/out" 2>"$tmp/err" && grep -q '^ce	0' "$tmp/out"; then ok; else bad "a 65536-byte line runs" "$(head -c 200 "$tmp/err")"; fi
# No newline at the end, CRLF lines, an empty session.
printf '%s\r\n%s' "$good" "$good" | "$focal" repl >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && [ "$(grep -c '^ce	0' "$tmp/out")" -eq 2 ] && [ ! -s "$tmp/err" ]; then ok; else bad "CRLF and a last line without newline" "$(cat "$tmp/err")"; fi
if "$focal" repl </dev/null >"$tmp/out" 2>"$tmp/err" && [ ! -s "$tmp/out" ] && [ ! -s "$tmp/err" ]; then ok; else bad "an empty session is quiet"; fi
# 'focal' with no arguments and no terminal is still an error (the CLI tests
# check the message); the session is 'focal repl'.
"$focal" </dev/null >/dev/null 2>&1
if [ $? -eq 2 ]; then ok; else bad "focal without a terminal does not start a session"; fi

# ---- save: the last figure, with the session's gamma -------------------------
mkdir -p "$tmp/figs"
printf 'plot loss --cols 60 --rows 20\nset gamma 3\nsave %s/figs/a.rec\nsave %s/figs/b.pdf\nsave %s/figs/c.png --dpi 50\n' "$tmp" "$tmp" "$tmp" |
	"$focal" repl >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 0 ] && [ ! -s "$tmp/err" ] && grep -q 'gamma = 3' "$tmp/figs/a.rec" && ! grep -q 'gamma = 0.5' "$tmp/figs/a.rec"; then ok; else bad "save follows set gamma" "$(cat "$tmp/err")"; fi
if head -c 5 "$tmp/figs/b.pdf" | grep -q '%PDF-'; then ok; else bad "save FILE.pdf writes a PDF"; fi
wh=$(od -An -tu1 -j16 -N8 "$tmp/figs/c.png" 2>/dev/null | awk '{print $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8}')
if [ "$wh" = "170 130" ]; then ok; else bad "save FILE.png --dpi 50 (got $wh)"; fi
# the figure printed by plot is the CLI's
"$focal" plot loss --cols 60 --rows 20 >"$tmp/cout"
if cmp -s "$tmp/out" "$tmp/cout"; then ok; else bad "plot in a script prints what 'focal plot' prints (and set does not redraw)"; fi
# an explicit --gamma on the plot line wins over the session's
printf 'plot loss --gamma 0.5 -o %s/figs/d.rec\nset gamma 4\nsave %s/figs/e.rec\n' "$tmp" "$tmp" | "$focal" repl 2>"$tmp/err"
if grep -q 'gamma = 0.5' "$tmp/figs/e.rec" && ! grep -q 'gamma = 4' "$tmp/figs/e.rec"; then ok; else bad "the plot line's --gamma beats 'set gamma'" "$(cat "$tmp/err")"; fi
# a failed save: an error, exit 2, no file and no temporary file left
mkdir "$tmp/ro"
printf 'plot loss\nsave %s/nodir/x.pdf\nsave %s/ro/x.jpg\n' "$tmp" "$tmp" | "$focal" repl >/dev/null 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: line 2: cannot write '$tmp/nodir/x.pdf'" "$tmp/err" &&
	grep -q "^focal: line 3: unknown output format for '$tmp/ro/x.jpg'" "$tmp/err" && [ -z "$(ls -A "$tmp/ro")" ]; then ok; else bad "save errors" "$(cat "$tmp/err")"; fi

# ---- Ctrl-C: a long simulation stops, the session ends with 130 -------------
set -m # job control: a background job keeps SIGINT (not ignored)
# The signal is sent once line 2's worker threads run (tests/wait.sh).
printf 'eval --loss ce --p 0.5 --format tsv\nsimulate --anchors 1e9 --threads 2\neval --p 0.5\n' >"$tmp/long"
$default_int "$focal" repl <"$tmp/long" >"$tmp/out" 2>"$tmp/err" &
pid=$!
wait_threads "$pid" 2
kill -INT "$pid"
wait_exit "$pid"
rc=$exit_rc
set +m
if [ $rc -eq 130 ] && grep -q '^focal: line 2: interrupted$' "$tmp/err" && [ "$(grep -c . "$tmp/out")" -eq 2 ]; then ok; else bad "Ctrl-C stops a simulation and the script (exit 130)" "exit $rc" "$(cat "$tmp/err")"; fi
# A session started with SIGINT ignored (nohup, '&' in a script) keeps it so.
# Once the simulation runs, SIGINT is still ignored (the kernel's SigIgn
# mask: a SIGINT sent is discarded), and SIGTERM ends the session before
# line 3.
( trap '' INT; "$focal" repl <"$tmp/long" >"$tmp/out" 2>"$tmp/err" & p=$!
  wait_threads $p 2 && sig_ignored $p 2 && echo ignored
  kill -INT $p
  kill -TERM $p; wait_exit $p; echo "rc=$exit_rc" ) >"$tmp/rc"
if [ "$(cat "$tmp/rc")" = "$(printf 'ignored\nrc=143')" ] && [ "$(grep -c . "$tmp/out")" -eq 2 ]; then ok; else bad "an ignored SIGINT stays ignored; SIGTERM ends the session (143)" "exit $(cat "$tmp/rc")" "$(cat "$tmp/err")"; fi

# ---- a failed check says so on stderr, with its line number, exit 2 ----------
# (--tol-scale 1e-300 makes every identity with a nonzero error fail)
printf 'eval --p 0.5 --loss ce\ncheck --gamma 2 --p 0.5 --tol-scale 1e-300\neval --p 0.5 --loss ce\n' >"$tmp/chk"
"$focal" repl <"$tmp/chk" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
	grep -qP '^focal: line 2: check: \d+ of \d+ identities failed: [a-z0-9_]+(, [a-z0-9_]+)*$' "$tmp/err" &&
	[ "$(grep -c '^ce' "$tmp/out")" -eq 2 ]; then ok; else bad "a failed check in a session: one line on stderr, exit 2" "exit $rc" "$(cat "$tmp/err")"; fi

# ---- the man page documents the session --------------------------------------
sed 's/\\-/-/g' "$top/man/focal.1" >"$tmp/man.txt"
for w in 'set gamma' unset show reset save quit 'stop-on-error' 'no-history' 'XDG_STATE_HOME' 'SESSION FILES'; do
	if grep -qF -- "$w" "$tmp/man.txt"; then ok; else bad "man page mentions '$w'"; fi
done

echo "repl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
