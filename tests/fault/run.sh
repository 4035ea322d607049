#!/usr/bin/env bash
# Fault injection (docs/reliability.md): missing and read-only output
# locations, a full disk, a closed stdout, a broken pipe, SIGINT during a
# long simulation, and allocation failures inside libfocal.
# Usage: tests/fault/run.sh path/to/focal build-dir
set -u
focal=${1:?usage: run.sh path/to/focal build-dir}
bdir=${2:?usage: run.sh path/to/focal build-dir}
. "$(dirname "$0")/../wait.sh"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }
# only complete files (no temporary leftovers) may remain in a directory
clean_dir() { [ -z "$(ls -A "$1" | grep -E '\.tmp|^\.' )" ]; }

# missing output directory
"$focal" plot loss -o "$tmp/no/such/dir/x.pdf" 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write '$tmp/no/such/dir/x.pdf'" "$tmp/err" && [ ! -e "$tmp/no" ]; then ok; else bad "missing output directory" "$(cat "$tmp/err")"; fi
# read-only location
"$focal" plot loss -o /proc/focal-test.pdf 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write '/proc/focal-test.pdf'" "$tmp/err"; then ok; else bad "read-only location" "$(cat "$tmp/err")"; fi
"$focal" figures -o /proc/focal-test-dir 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot create output directory '/proc/focal-test-dir'" "$tmp/err"; then ok; else bad "figures into a read-only location" "$(cat "$tmp/err")"; fi
# a full disk: a file-size limit of 8 KiB while rendering
mkdir "$tmp/full"
(ulimit -f 16; "$focal" plot effective -o "$tmp/full/x.pdf") 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write '$tmp/full/x.pdf'" "$tmp/err" && [ -z "$(ls -A "$tmp/full")" ]; then ok; else bad "disk full while rendering leaves nothing" "rc=$rc $(cat "$tmp/err")" "$(ls -A "$tmp/full")"; fi
(ulimit -f 16; "$focal" figures -o "$tmp/full/set" --formats pdf,png) >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write" "$tmp/err" && clean_dir "$tmp/full/set"; then ok; else bad "disk full during focal figures" "rc=$rc $(cat "$tmp/err")" "$(ls -A "$tmp/full/set")"; fi
# a full disk on standard output
"$focal" eval --p 0.5 >/dev/full 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write the output: No space left on device$" "$tmp/err"; then ok; else bad "stdout on a full disk" "$(cat "$tmp/err")"; fi
# standard output closed
"$focal" compare >&- 2>"$tmp/err"; rc=$?
if [ $rc -eq 2 ] && grep -q "^focal: cannot write the output: " "$tmp/err"; then ok; else bad "stdout closed" "rc=$rc $(cat "$tmp/err")"; fi
# a broken pipe ends quietly
"$focal" eval --p-grid 0:1:200000 --format tsv 2>"$tmp/err" | head -1 >/dev/null
if [ ! -s "$tmp/err" ]; then ok; else bad "broken pipe is quiet" "$(cat "$tmp/err")"; fi
# SIGINT during long work, one row per command: status 130, the one
# line "focal: interrupted", nothing on stdout and no output file, and the
# time from the signal to the exit (docs/reliability.md: typically
# 20-200 ms; the bound is loose so that a loaded machine cannot fail it).
# The signal goes once the command has used 0.2 s of CPU (tests/wait.sh,
# wait_cpu): its long work is under way, whatever the machine's load.
# Job control on, so that background jobs keep SIGINT (a script's '&'
# would start them with it ignored, which focal respects: see below).
# Every command runs for several CPU-seconds at least, so the signal
# comes during the work on an idle machine too (spread's 10^6 rows take
# 0.2 s: its rows poll as eval's and compare's do, through table_add).
# Rows: "cmd" (or "repl": the line piped into focal repl) |
# a file that must not appear ('-': none) | the command
# a training figure whose experiment runs for many seconds
sed 's/steps=120 seeds=5 eval-every=120/steps=50000 seeds=5 eval-every=1000/' \
	"$(dirname "$0")/../../plots/train_gamma.spec" >"$tmp/heavy.spec"
sigint_cases="cmd|-|simulate --anchors 1e12
cmd|-|simulate --anchors 1e12 --threads 1 --loss fl,fgl,ohem,sampled --gamma 1,2,5
cmd|-|simulate --anchors 2e7 --table hist --state init,early,converged
cmd|-|simulate --anchors 2e7 --table cdf --loss fl,fgl --gamma 2
cmd|-|simulate --image 8000x8000 --boxes 3000
cmd|-|train --steps 1000000 --seeds 2
cmd|$tmp/curves.tsv|train --train-anchors 10000000 --seeds 2 --curves $tmp/curves.tsv
cmd|-|integrate --method numeric --gamma 0.5,1,2,3,5 --p-grid 0.001:0.999:1000000
cmd|-|check --p-grid 0.001:0.999:1000000
cmd|-|eval --p-grid 0.001:0.999:1000000 --gamma 0,1,2,3
cmd|-|compare --p-grid 0.001:0.999:1000000
cmd|$tmp/tg.pdf|plot $tmp/heavy.spec -o $tmp/tg.pdf
repl|-|simulate --anchors 1e12"
lat_max=5000
lat_all=""
set -m
while IFS='|' read -r delay file cmd; do
	want="^focal: interrupted$"
	if [ "$delay" = repl ]; then
		printf '%s\n' "$cmd" >"$tmp/int.in"
		$default_int "$focal" repl <"$tmp/int.in" >"$tmp/int.out" 2>"$tmp/err" &
		want="^focal: line 1: interrupted$"
	else
		# shellcheck disable=SC2086 # the command's words
		$default_int "$focal" $cmd >"$tmp/int.out" 2>"$tmp/err" &
	fi
	pid=$!
	wait_cpu $pid 20
	t0=$(date +%s%N)
	kill -INT $pid
	# a command that ignores the request is killed at the suite's
	# timeout (wait_exit): the suite fails instead of hanging
	wait_exit $pid
	rc=$exit_rc
	ms=$((($(date +%s%N) - t0) / 1000000))
	lat_all="$lat_all $ms"
	if [ $rc -eq 130 ] && [ ! -s "$tmp/int.out" ] && grep -q "$want" "$tmp/err" &&
	   [ "$(wc -l <"$tmp/err")" -eq 1 ] && { [ "$file" = - ] || [ ! -e "$file" ]; } &&
	   [ $ms -lt $lat_max ]; then ok
	else bad "SIGINT during '$cmd'" "rc=$rc after $ms ms: $(head -c 300 "$tmp/err")"; fi
done <<EOF
$sigint_cases
EOF
set +m
echo "fault: SIGINT to exit, ms:$lat_all"
# The progress bar: on a terminal (stderr a pty) it appears with a time
# estimate and is erased at the end; on a pipe only the message.
# And Ctrl-C typed into the REPL on a terminal.
if python3 "$(dirname "$0")/pty_progress.py" "$focal" >"$tmp/pty" 2>&1; then ok; sed 's/^/fault: /' "$tmp/pty"
else bad "progress bar on a terminal only, Ctrl-C in the REPL" "$(cat "$tmp/pty")"; fi
# SIGINT ignored on entry (nohup, '&' in a script) stays ignored: the
# simulation goes on (the kernel discards the SIGINT: SigIgn) until SIGTERM
( trap '' INT; "$focal" simulate --anchors 1e9 --threads 2 >/dev/null 2>"$tmp/err" & p=$!
  wait_threads $p 2 && sig_ignored $p 2 && echo ignored; kill -INT $p
  if alive $p; then echo alive; fi; kill -TERM $p; wait_exit $p; echo "rc=$exit_rc" ) >"$tmp/ign" 2>&1
if grep -q '^ignored$' "$tmp/ign" && grep -q '^alive$' "$tmp/ign" && grep -q '^rc=143$' "$tmp/ign" && [ ! -s "$tmp/err" ]; then ok; else bad "an ignored SIGINT stays ignored during simulate" "$(cat "$tmp/ign" "$tmp/err")"; fi
# SIGINT during a figure render, once the first file is complete (the
# set has 2 files per figure, so most are still to come): status 130 and
# only complete files
set -m
$default_int "$focal" figures -o "$tmp/int" --formats png,pdf --dpi 600 >"$tmp/fig.out" 2>"$tmp/err" &
pid=$!
one_done() { ls "$tmp/int" 2>/dev/null | grep -qv '\.tmp$'; }
poll_until one_done
kill -INT $pid
wait_exit $pid; rc=$exit_rc
set +m
complete=1
for f in "$tmp"/int/*.png; do [ -e "$f" ] || continue; tail -c 12 "$f" | od -An -c | grep -q 'I   E   N   D' || complete=0; done
for f in "$tmp"/int/*.pdf; do [ -e "$f" ] || continue; tail -c 8 "$f" | grep -aq '%%EOF' || complete=0; done
if [ $rc -eq 130 ] && grep -q "^focal: interrupted$" "$tmp/err" && [ $complete -eq 1 ] && clean_dir "$tmp/int"; then ok; else bad "SIGINT during focal figures" "rc=$rc $(cat "$tmp/err")" "$(ls -A "$tmp/int" | head)"; fi
# allocation failures inside the library
if [ -x "$bdir/alloc_driver" ] && [ -f "$bdir/failalloc.so" ]; then
	if LD_PRELOAD="$bdir/failalloc.so" "$bdir/alloc_driver" >"$tmp/alloc" 2>&1; then ok; else bad "allocation failures" "$(cat "$tmp/alloc")"; fi
	grep -v '^alloc:' "$tmp/alloc"
else
	bad "allocation-failure driver not built"
fi
echo "fault: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
