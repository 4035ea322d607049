#!/usr/bin/env bash
# The interactive session, driven as a person would drive it: keys sent
# with tmux send-keys, the screen read back with capture-pane.  Checks the
# prompt, aligned tables, error messages, Tab completion, history across
# sessions, Ctrl-C at the prompt and during a command, a live text figure
# that follows 'set gamma', and Ctrl-D.  Skips (and says so) without tmux.
# Uses a private tmux server (-L focaltest-PID) and a private HOME.
# Usage: tests/repl/tmux.sh path/to/focal
set -u
focal=${1:?usage: tmux.sh path/to/focal}
case $focal in /*) ;; *) focal=$PWD/$focal ;; esac
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux not installed; the interactive session was not tested"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
T="tmux -L focaltest-$$"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
$T kill-server >/dev/null 2>&1
# A session that outlives every focal session: killing the last session
# ends a tmux server, and a new-session racing with that exit fails
# ("server exited unexpectedly"), which made this suite flaky.
$T new-session -d -s keep cat
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }

# Every wait is on the screen's state, never on the clock: poll
# capture-pane until the expected text is there, for up to $tmo seconds
# (generous: a slow or loaded machine, or valgrind, only makes it longer;
# FOCAL_TEST_TIMEOUT overrides).  A timeout is a failure, not a retry.
tmo=${FOCAL_TEST_TIMEOUT:-120}
# The whole pane, scroll-back included: line k is the pane's absolute row k-1.
screen() { $T capture-pane -p -t focal -S - -E -; }
# mark: remember the cursor's absolute row (the prompt a command is typed
# at); fresh prints the rows below it, the output of what is typed next.
# Output scrolls into the history, so absolute rows stay put (the history
# limit is set high enough that nothing drops off its top).
mark=0
mark() {
	local rows
	rows=$($T display -p -t focal '#{history_size} #{cursor_y}')
	mark=$((${rows% *} + ${rows#* }))
}
fresh() { screen | tail -n +$((mark + 2)); }
# poll COMMAND...: until it succeeds or $tmo seconds pass (or the
# session is gone: nothing will change any more)
poll() {
	local end=$((SECONDS + tmo))
	until "$@"; do
		[ $SECONDS -lt $end ] && $T has-session -t focal 2>/dev/null || return 1
		sleep 0.05
	done
}
has_fresh() { fresh | grep -Eq -- "$1"; }
has_any() { screen | grep -Eq -- "$1"; }
# wait_for REGEX: a line of output below the mark matches (grep -E)
wait_for() { poll has_fresh "$1"; }
# wait_any REGEX: a line anywhere on the screen or in its history matches
wait_any() { poll has_any "$1"; }
# The last non-empty line (capture-pane pads the screen with blank rows).
last_line() { screen | grep -v '^ *$' | tail -1; }
trim_right() { local s=$1; printf '%s' "${s%"${s##*[! ]}"}"; }
is_line() { [ "$(trim_right "$(last_line)")" = "$(trim_right "focal> $1")" ]; }
# wait_line [TEXT]: the line being edited is the prompt followed by TEXT
wait_line() { poll is_line "${1:-}"; }
is_new_prompt() { [ "$(fresh | grep -v '^ *$' | tail -1 | sed 's/ *$//')" = "focal>" ]; }
# wait_prompt: a new, empty prompt below the mark (the command finished)
wait_prompt() { poll is_new_prompt; }
start() { # [ENV...]: a session in a fresh pane, waited for up to its prompt
	$T kill-session -t focal >/dev/null 2>&1
	$T new-session -d -s focal -x 200 -y 50 -c "$top" \
		"env -u DISPLAY -u WAYLAND_DISPLAY HOME=$tmp/home XDG_STATE_HOME=$tmp/state TERM=xterm $* $focal; echo \"[exit \$?]\"" \; \
		set-option -t focal remain-on-exit on \; set-option -t focal history-limit 100000
	mark=-1
	wait_line ""
}
send() { $T send-keys -t focal "$@"; }
# run LINE: at a settled prompt, mark it, type LINE and Enter
run() { mark; send -l -- "$1"; send Enter; }

mkdir -p "$tmp/home"
if start && screen | grep -q "^focal 0\.[0-9.]*: 'help' lists the commands"; then ok; else bad "the session starts with a banner and a prompt" "$(screen | head -5)"; fi

# A table, aligned: every line of it as wide as its header.
run "eval --loss fl --gamma 0.5,2 --p 0.3,0.7 --format table"
wait_prompt && ok || bad "prompt after eval"
# header and 4 rows (2 gammas x 2 p), all of one width
fresh | sed '/^focal>/,$d' | awk '{print length($0)}' >"$tmp/widths"
if [ "$(wc -l <"$tmp/widths")" -eq 5 ] && [ "$(sort -u "$tmp/widths" | wc -l)" -eq 1 ]; then ok; else bad "the table's lines are aligned" "$(fresh | head -8)"; fi

# Errors say what to type instead, and the prompt comes back.
run "evl --p 0.3"
if wait_for "^focal: unknown command 'evl' \(did you mean 'eval'\?\)$" && wait_prompt; then ok; else bad "unknown command" "$(screen | tail -3)"; fi
run "eval --p \"0.3"
if wait_for "^focal: unbalanced quote in line \(close the \"\)$" && wait_prompt; then ok; else bad "unbalanced quote" "$(screen | tail -3)"; fi

# Tab completion: commands, options, option values, parameters, figures.
complete_to() { # typed, expected line after Tab (at an empty prompt)
	send -l -- "$1"
	send Tab
	if wait_line "$2"; then ok; else bad "Tab after '$1' gives '$2'" "got: $(last_line)"; fi
	send C-u
	wait_line ""
}
complete_to "ev" "eval "
complete_to "eval --fo" "eval --format "
complete_to "eval --format cs" "eval --format csv "
complete_to "integrate --method bo" "integrate --method both "
complete_to "eval --loss fl,flst" "eval --loss fl,flstar "
complete_to "simulate --loss oh" "simulate --loss ohem "
complete_to "simulate --preset to" "simulate --preset toy-245 "
complete_to "set for" "set format "
complete_to "set format js" "set format json "
complete_to "compare --loss fl,fl@" "compare --loss fl,fl@grad "
complete_to "set gamma-p" "set gamma-pos "
complete_to "set loss asl,asl@" "set loss asl,asl@grad "
complete_to "unset gam" "unset gamma "
complete_to "plot los" "plot loss "
complete_to "help compa" "help compare "
# two candidates: a second Tab lists them
mark
send -l "plot lo"
wait_line "plot lo"
send Tab Tab
if wait_for "logit_grad +loss|loss +logit_grad"; then ok; else bad "a second Tab lists the candidates" "$(screen | tail -3)"; fi
send C-u
wait_line ""

# Ctrl-C at the prompt drops the line; the next line runs alone.
# (a command after it shows the session has read past the dropped line)
mark
send -l "this is not run"
wait_line "this is not run"
send C-c
wait_line ""
send -l "eval --loss ce --p 0.25 --format tsv"
send Enter
if wait_for "^ce[	 ]+0" && wait_prompt && ! fresh | grep -q "unknown command 'this'"; then ok; else bad "Ctrl-C at the prompt" "$(fresh | tail -4)"; fi

# A live text figure follows set gamma.
run "plot loss --cols 60 --rows 16"
wait_for "γ = 2" && wait_prompt && ok || bad "plot draws text" "$(screen | tail -5)"
run "set gamma 3.5"
if wait_for "γ = 3\.5" && wait_prompt; then ok; else bad "set gamma redraws the figure" "$(screen | tail -5)"; fi
run "show gamma"
wait_for "^gamma +3\.5$" && ok || bad "show gamma" "$(screen | tail -3)"

# Ctrl-C during a long simulation: a progress bar once it has run a
# second, then interrupted, prompt back.
run "simulate --anchors 1e9 --threads 1"
if wait_for "[0-9]+%"; then ok; else bad "a long simulation shows its progress" "$(fresh | tail -3)"; fi
send C-c
if wait_for "^focal: interrupted$" && wait_prompt; then ok; else bad "Ctrl-C stops a simulation" "$(fresh | tail -4)"; fi
run "show gamma"
wait_for "^gamma +3\.5$" && ok || bad "the session lives on after Ctrl-C"

# History: kept across sessions, in $XDG_STATE_HOME/focal/history.
run "eval --loss ce --p 0.123 --format tsv"
wait_prompt
mark
send C-d
if wait_for '^\[exit 0\]$'; then ok; else bad "Ctrl-D leaves with status 0" "$(screen | tail -3)"; fi
if [ -f "$tmp/state/focal/history" ] && grep -q 'p\\0400.123' "$tmp/state/focal/history"; then ok; else bad "history file written" "$(ls -la "$tmp/state/focal" 2>&1)"; fi
start
send Up
if wait_line "eval --loss ce --p 0.123 --format tsv"; then ok; else bad "Up recalls the last line of the previous session" "got: $(last_line)"; fi
send C-u
wait_line ""
run "quit"
wait_for '^\[exit 0\]$' && ok || bad "quit leaves"

# History that cannot be written: one warning, the session goes on.
start XDG_STATE_HOME=/dev/null/x
run "eval --loss ce --p 0.5 --format tsv"
if wait_any "^focal: history not kept: cannot create '/dev/null/x/focal'" && wait_for "^ce	0|^ce +0" && wait_prompt; then ok; else bad "an unwritable history warns once" "$(screen | tail -4)"; fi
run "quit"
wait_for '^\[exit 0\]$' && ok || bad "quit leaves after a history warning"

# Non-ASCII text in a UTF-8 locale: the line editor keeps it ('save café.svg'
# once wrote caf.svg, the program never called setlocale).
start LC_ALL=C.UTF-8
run "plot loss --cols 60 --rows 16"
wait_for "γ = 2" && wait_prompt
run "save \"$tmp/café γ.svg\""
if wait_for "saved .* to $tmp/café γ\.svg" && [ -s "$tmp/café γ.svg" ]; then ok; else bad "save keeps a UTF-8 file name" "$(screen | tail -3)" "$(ls "$tmp")"; fi
run "quit"
wait_for '^\[exit 0\]$' && ok || bad "quit leaves after saving a UTF-8 name"

# The sessions run under the tmux server, not under this script, so their
# CPU time is the server's children's: say it (docs/reliability.md, "Time").
spid=$($T display -p -t keep '#{pid}')
awk -v hz="$(getconf CLK_TCK)" '{ printf "repl-tmux: the sessions used %.1f CPU-s under the tmux server\n", ($14 + $15 + $16 + $17) / hz }' "/proc/$spid/stat"
echo "repl-tmux: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
