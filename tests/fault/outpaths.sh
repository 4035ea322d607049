#!/usr/bin/env bash
# Output paths (docs/reliability.md, focal(1) OUTPUT FILES): every writer
# against every kind of path.  Nothing at a path may be destroyed: a device
# stays a device, a symbolic link stays a link with its target updated, a
# FIFO is written in place, a directory is refused; '-' and /dev/stdout are
# standard output; every failure is one line naming the file, status 2,
# and leaves no temporary file.
#
# As root (as in CI) writes to a device must not replace it: the devices
# here are private nodes made with mknod (same major/minor as /dev/null and
# /dev/full), so a regression replaces a node in a temporary directory,
# never the machine's /dev/full.  As another user the real devices are
# used (they cannot be replaced) and a read-only directory refuses writes.
# Usage: tests/fault/outpaths.sh path/to/focal
set -u
focal=${1:?usage: outpaths.sh path/to/focal}
case $focal in /*) ;; *) focal=$PWD/$focal ;; esac
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../wait.sh"
export FOCAL_PLOTS="$here/../../plots"
pass=0
fail=0
tmp=$(mktemp -d)
trap 'chmod -R u+w "$tmp"; rm -rf "$tmp"' EXIT
# a writer that takes '-' for a name creates it here, in the working directory
mkdir "$tmp/cwd" && cd "$tmp/cwd" || exit 1
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }

root=0
[ "$(id -u)" = 0 ] && root=1
if [ $root = 1 ] && mknod "$tmp/null" c 1 3 2>/dev/null && mknod "$tmp/full" c 1 7 2>/dev/null; then
	null=$tmp/null full=$tmp/full
else
	null=/dev/null full=/dev/full
fi

# ---- the writers: run with the output path $1; out, err, rc; and what a
# complete output starts with
TRAIN="train --train-anchors 4000 --test-anchors 3000 --imbalance 100 --steps 20 --batch 256 --seeds 2 --hidden 8 --lr 0.01 --final-anchors 5000 --format tsv"
w_curves() { "$focal" $TRAIN --curves "$1" >"$tmp/out" 2>"$tmp/err" </dev/null; }
h_curves=$'loss\tgamma\tseed\tstep\t'
# the format from the extension where the path has one, else named
fmt() { case $1 in *.rec) ;; *) printf -- '--output-format rec' ;; esac; }
w_plot() { "$focal" plot loss -o "$1" $(fmt "$1") >"$tmp/out" 2>"$tmp/err" </dev/null; }
h_plot='begin '
w_save() { printf 'plot loss --cols 40 --rows 10\nsave %s %s\n' "$1" "$(fmt "$1")" |
	"$focal" repl >"$tmp/out" 2>"$tmp/err"; }
h_save='begin '

# the output, from a file or from what the writer printed
starts() { head -c ${#2} "$1" | cmp -s - <(printf '%s' "$2"); }
has_line() { grep -q "^$(printf '%s' "$2" | sed 's/\t.*//')" "$1"; }
one_error() { # path: exactly one line, naming the file
	[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "cannot write '$1': " "$tmp/err"
}
no_temp() { [ -z "$(find "$tmp/w" -name '*.tmp' 2>/dev/null)" ]; }

# ---- the kinds of path: set up, run, then check what is there
run_case() { # writer kind
	local w=$1 kind=$2 h rc=0 p rpid why=()
	eval "h=\$h_$w"
	rm -rf "$tmp/w"; mkdir "$tmp/w"
	case $kind in
	missing) p=$tmp/w/new.rec ;;
	regular) p=$tmp/w/old.rec; echo old >"$p"; chmod 640 "$p" ;;
	link) p=$tmp/w/link.rec; echo old >"$tmp/w/target"; ln -s target "$p" ;;
	dangling) p=$tmp/w/link.rec; ln -s target "$p" ;;
	link-null) p=$tmp/w/link.rec; ln -s "$null" "$p" ;;
	null) p=$null ;;
	full) p=$full ;;
	fifo) p=$tmp/w/fifo.rec; mkfifo "$p"; timeout "${FOCAL_TEST_TIMEOUT:-600}" cat "$p" >"$tmp/fifo.out" & rpid=$! ;;
	dir) p=$tmp/w/dir.rec; mkdir "$p" ;;
	dash) p=- ;;
	stdout) p=/dev/stdout ;;
	readonly) mkdir "$tmp/w/ro"; chmod 555 "$tmp/w/ro"; p=$tmp/w/ro/new.rec ;;
	nodir) p=$tmp/w/no/such/new.rec ;;
	esac
	"w_$w" "$p" || rc=$?
	if [ "$kind" = fifo ]; then
		# a writer that replaced the FIFO never opened it: stop the reader
		[ -p "$p" ] || kill $rpid 2>/dev/null
		wait $rpid 2>/dev/null
	fi
	case $kind in
	missing | regular | dangling)
		local f=$p
		[ "$kind" = dangling ] && f=$tmp/w/target
		[ $rc -eq 0 ] || why+=("exit $rc: $(cat "$tmp/err")")
		[ -f "$f" ] && starts "$f" "$h" || why+=("$f is not the new output")
		[ "$kind" = dangling ] && { [ -L "$p" ] || why+=("the link was replaced"); }
		[ "$kind" = regular ] && { [ "$(stat -c %a "$p")" = 640 ] || why+=("mode $(stat -c %a "$p"), expected 640"); } ;;
	link)
		[ $rc -eq 0 ] || why+=("exit $rc: $(cat "$tmp/err")")
		[ -L "$p" ] || why+=("the link was replaced by a file")
		starts "$tmp/w/target" "$h" || why+=("the target was not written") ;;
	link-null | null)
		[ $rc -eq 0 ] || why+=("exit $rc: $(cat "$tmp/err")")
		[ "$kind" = link-null ] && { [ -L "$p" ] || why+=("the link was replaced"); }
		[ -c "$null" ] || why+=("$null is no longer a device") ;;
	full)
		[ $rc -eq 2 ] || why+=("exit $rc, expected 2")
		one_error "$p" && grep -q 'No space left on device$' "$tmp/err" || why+=("message: $(cat "$tmp/err")")
		[ -c "$full" ] || why+=("$full is no longer a device") ;;
	fifo)
		[ $rc -eq 0 ] || why+=("exit $rc: $(cat "$tmp/err")")
		[ -p "$p" ] || why+=("the FIFO was replaced")
		starts "$tmp/fifo.out" "$h" || why+=("the reader did not get the output") ;;
	dir)
		[ $rc -eq 2 ] || why+=("exit $rc, expected 2")
		one_error "$p" && grep -q 'Is a directory$' "$tmp/err" || why+=("message: $(cat "$tmp/err")")
		[ -d "$p" ] && [ -z "$(ls -A "$p")" ] || why+=("the directory was changed") ;;
	dash | stdout)
		[ $rc -eq 0 ] || why+=("exit $rc: $(cat "$tmp/err")")
		has_line "$tmp/out" "$h" || why+=("standard output lacks the output: $(head -c 200 "$tmp/out")")
		[ -z "$(ls -A "$tmp/w")" ] && [ -z "$(ls -A "$tmp/cwd")" ] || why+=("a file was created: $(ls -A "$tmp/w" "$tmp/cwd")") ;;
	readonly)
		if [ $root = 1 ]; then
			[ $rc -eq 0 ] && starts "$p" "$h" || why+=("root writes a read-only directory: exit $rc")
		else
			[ $rc -eq 2 ] || why+=("exit $rc, expected 2")
			one_error "$p" && grep -q 'Permission denied$' "$tmp/err" || why+=("message: $(cat "$tmp/err")")
			[ -z "$(ls -A "$tmp/w/ro")" ] || why+=("something was created")
		fi ;;
	nodir)
		[ $rc -eq 2 ] || why+=("exit $rc, expected 2")
		one_error "$p" && grep -q 'No such file or directory$' "$tmp/err" || why+=("message: $(cat "$tmp/err")")
		[ ! -e "$tmp/w/no" ] || why+=("a directory was created") ;;
	esac
	no_temp || why+=("temporary files left: $(find "$tmp/w" -name '*.tmp')")
	chmod -R u+w "$tmp/w"
	if [ ${#why[@]} -eq 0 ]; then ok; else bad "$w -> $kind" "${why[@]}"; fi
}

for w in curves plot save; do
	for kind in missing regular link dangling link-null null full fifo dir dash stdout readonly nodir; do
		run_case "$w" "$kind"
	done
done

# /dev/stdout through a pipe as well as a file, and '-' with the summary
# table after the curves
"$focal" plot loss -o /dev/stdout --output-format rec 2>"$tmp/err" | head -c 6 >"$tmp/pipe"
if [ "$(cat "$tmp/pipe")" = "begin " ] && [ ! -s "$tmp/err" ]; then ok; else bad "plot -o /dev/stdout into a pipe" "$(cat "$tmp/err")"; fi
"$focal" $TRAIN --curves - >"$tmp/out" 2>"$tmp/err"
if [ "$(head -c 15 "$tmp/out")" = $'loss\tgamma\tseed' ] && grep -q $'^fgl-fl\t' "$tmp/out"; then ok; else bad "train --curves - then the summary" "$(head -3 "$tmp/out")"; fi

# figures -o DIR: a directory of files, never a stream or a device
mkdir -p "$tmp/f/real"; ln -s real "$tmp/f/link"
"$focal" figures -o "$tmp/f/link" --formats gp --jobs 1 >/dev/null 2>"$tmp/err"
if [ -L "$tmp/f/link" ] && [ -n "$(ls "$tmp/f/real"/*.gp 2>/dev/null)" ]; then ok; else bad "figures into a symlinked directory" "$(cat "$tmp/err")"; fi
for d in - "$null" "$tmp/f/real/loss.gp"; do
	"$focal" figures -o "$d" --formats gp >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -qF "'$d'" "$tmp/err" && [ ! -s "$tmp/out" ]; then ok
	else bad "figures -o $d is refused" "rc=$rc $(cat "$tmp/err")"; fi
done
[ -c "$null" ] && [ -f "$tmp/f/real/loss.gp" ] && ok || bad "figures left the paths as they were"
# a control byte in the directory name is escaped in the progress line
"$focal" figures -o "$tmp/f/a"$'\n'"b" --formats gp --jobs 1 >"$tmp/out" 2>"$tmp/err"
if [ "$(wc -l <"$tmp/out")" -eq 1 ] && grep -qF 'a\x0ab in ' "$tmp/out"; then ok; else bad "figures escapes the directory name" "$(cat "$tmp/out")"; fi

# Ctrl-C, SIGTERM or SIGHUP while a file is open: the old file stays and
# no temporary file is left (train opens --curves before it trains; by
# default SIGTERM would end the program with the temporary file there)
mkdir -p "$tmp/sig"
for sig in INT TERM HUP; do
	echo old >"$tmp/sig/c.tsv"
	set -m
	$default_int "$focal" train --steps 200000 --curves "$tmp/sig/c.tsv" >/dev/null 2>&1 &
	pid=$!
	has_tmp() { ls "$tmp/sig" | grep -q '\.tmp$' || ! alive $pid; }
	poll_until has_tmp
	kill -$sig $pid 2>/dev/null
	wait_exit $pid; rc=$exit_rc
	set +m
	if [ "$(cat "$tmp/sig/c.tsv")" = old ] && ! ls "$tmp/sig" | grep -q '\.tmp$' && [ $rc -ne 0 ]; then ok
	else bad "SIG$sig while writing leaves the old file and no temporary" "rc=$rc" "$(ls -A "$tmp/sig")"; fi
done

echo "outpaths: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
