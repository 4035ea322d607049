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
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }

screen() { $T capture-pane -p -t focal -S -200; }
# wait_for REGEX [SECONDS]: until the screen matches (grep -E)
wait_for() {
	local i n=$((${2:-5} * 20))
	for ((i = 0; i < n; i++)); do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.05
	done
	return 1
}
# The last non-empty line of the screen (capture-pane drops trailing blanks).
last_line() { screen | grep -v '^ *$' | tail -1; }
# wait_prompt [TEXT [TRIES]]: until the last line is the prompt followed by
# TEXT (trailing blanks aside)
wait_prompt() {
	local i want="focal> ${1:-}"
	want=${want%"${want##*[! ]}"}
	for ((i = 0; i < ${2:-100}; i++)); do
		[ "$(last_line)" = "$want" ] && return 0
		sleep 0.05
	done
	return 1
}
start() {
	$T kill-session -t focal >/dev/null 2>&1
	$T new-session -d -s focal -x 200 -y 50 -c "$top" \
		"env -u DISPLAY -u WAYLAND_DISPLAY HOME=$tmp/home XDG_STATE_HOME=$tmp/state TERM=xterm $focal; echo \"[exit \$?]\"; sleep 600"
	wait_prompt "" 100
}
send() { $T send-keys -t focal "$@"; }
run() { send -l -- "$1"; send Enter; }

mkdir -p "$tmp/home"
if start && screen | grep -q "^focal 0\.[0-9.]*: 'help' lists the commands"; then ok; else bad "the session starts with a banner and a prompt" "$(screen | head -5)"; fi

# A table, aligned: every line of it as wide as its header.
run "eval --loss fl --gamma 0.5,2 --p 0.3,0.7 --format table"
wait_prompt && ok || bad "prompt after eval"
if screen | awk '/^focal> eval/{f=1;next} /^focal>/{f=0} f{print length($0)}' | sort -u | wc -l | grep -qx 1; then ok; else bad "the table's lines are aligned" "$(screen | tail -8)"; fi

# Errors say what to type instead, and the prompt comes back.
run "evl --p 0.3"
if wait_for "^focal: unknown command 'evl' \(did you mean 'eval'\?\)$" && wait_prompt; then ok; else bad "unknown command" "$(screen | tail -3)"; fi
run "eval --p \"0.3"
if wait_for "^focal: unbalanced quote in line \(close the \"\)$" && wait_prompt; then ok; else bad "unbalanced quote" "$(screen | tail -3)"; fi

# Tab completion: commands, options, option values, parameters, figures.
complete_to() { # typed, expected line after Tab
	send C-u
	send -l -- "$1"
	send Tab
	if wait_prompt "$2" 40; then ok; else bad "Tab after '$1' gives '$2'" "got: $(last_line)"; fi
	send C-u
}
complete_to "ev" "eval "
complete_to "eval --fo" "eval --format "
complete_to "eval --format cs" "eval --format csv "
complete_to "integrate --method bo" "integrate --method both "
complete_to "eval --loss fl,fls" "eval --loss fl,flstar "
complete_to "simulate --loss oh" "simulate --loss ohem "
complete_to "simulate --preset to" "simulate --preset toy-245 "
complete_to "set for" "set format "
complete_to "set format js" "set format json "
complete_to "unset gam" "unset gamma "
complete_to "plot los" "plot loss "
complete_to "help compa" "help compare "
# two candidates: a second Tab lists them
send -l "plot lo"
send Tab Tab
if wait_for "logit_grad +loss|loss +logit_grad" 2; then ok; else bad "a second Tab lists the candidates" "$(screen | tail -3)"; fi
send C-u
wait_prompt "" 40

# Ctrl-C at the prompt drops the line; the next line runs alone.
send -l "this is not run"
send C-c
if wait_prompt "" 40 && ! screen | grep -q "unknown command 'this'"; then ok; else bad "Ctrl-C at the prompt" "$(screen | tail -3)"; fi

# A live text figure follows set gamma.
run "plot loss --cols 60 --rows 16"
wait_for "γ = 2" && wait_prompt && ok || bad "plot draws text" "$(screen | tail -5)"
run "set gamma 3.5"
if wait_for "γ = 3\.5" && wait_prompt; then ok; else bad "set gamma redraws the figure" "$(screen | tail -5)"; fi
run "show gamma"
wait_for "^gamma +3\.5$" && ok || bad "show gamma" "$(screen | tail -3)"

# Ctrl-C during a long simulation: interrupted, prompt back.
send C-l
run "simulate --anchors 1e10 --threads 1"
sleep 1
send C-c
if wait_for "^focal: interrupted$" 15 && wait_prompt "" 100; then ok; else bad "Ctrl-C stops a simulation" "$(screen | tail -4)"; fi
run "show gamma"
wait_for "^gamma +3\.5$" && ok || bad "the session lives on after Ctrl-C"

# History: kept across sessions, in $XDG_STATE_HOME/focal/history.
run "eval --loss ce --p 0.123 --format tsv"
wait_prompt
send C-d
if wait_for '^\[exit 0\]$'; then ok; else bad "Ctrl-D leaves with status 0" "$(screen | tail -3)"; fi
if [ -f "$tmp/state/focal/history" ] && grep -q 'p\\0400.123' "$tmp/state/focal/history"; then ok; else bad "history file written" "$(ls -la "$tmp/state/focal" 2>&1)"; fi
start
send Up
if wait_prompt "eval --loss ce --p 0.123 --format tsv" 40; then ok; else bad "Up recalls the last line of the previous session" "got: $(last_line)"; fi
send C-u
run "quit"
wait_for '^\[exit 0\]$' && ok || bad "quit leaves"

# History that cannot be written: one warning, the session goes on.
mkdir -p "$tmp/ro"
$T kill-session -t focal >/dev/null 2>&1
$T new-session -d -s focal -x 200 -y 50 -c "$top" \
	"env -u DISPLAY HOME=$tmp/home XDG_STATE_HOME=/dev/null/x TERM=xterm $focal; echo \"[exit \$?]\"; sleep 600"
wait_prompt "" 100
run "eval --loss ce --p 0.5 --format tsv"
if wait_for "^focal: history not kept: cannot create '/dev/null/x/focal'" && wait_for "^ce	0|^ce +0" && wait_prompt; then ok; else bad "an unwritable history warns once" "$(screen | tail -4)"; fi
run "quit"

# Non-ASCII text in a UTF-8 locale: the line editor keeps it ('save café.svg'
# once wrote caf.svg, the program never called setlocale).
$T kill-session -t focal >/dev/null 2>&1
$T new-session -d -s focal -x 200 -y 50 -c "$top" \
	"env -u DISPLAY -u WAYLAND_DISPLAY LC_ALL=C.UTF-8 HOME=$tmp/home XDG_STATE_HOME=$tmp/state TERM=xterm $focal; echo \"[exit \$?]\"; sleep 600"
wait_prompt "" 100
run "plot loss --cols 60 --rows 16"
wait_for "γ = 2" && wait_prompt
run "save \"$tmp/café γ.svg\""
if wait_for "saved .* to $tmp/café γ\.svg" && [ -s "$tmp/café γ.svg" ]; then ok; else bad "save keeps a UTF-8 file name" "$(screen | tail -3)" "$(ls "$tmp")"; fi
run "quit"

echo "repl-tmux: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
