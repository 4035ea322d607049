#!/usr/bin/env bash
# focal explore driven in tmux as a person would (issue #17): → three
# times moves γ by three steps (the header says so, and the crosshair's
# readout is the value focal eval prints for that γ), s writes a PDF
# byte-identical to focal plot loss --gamma G, q restores the terminal
# (its stty modes, the main screen, the cursor); the same under LC_ALL=C
# in ASCII only.  Also Ctrl-C, Ctrl-Z then fg, resizing, and explore from a
# session, back to its prompt.  Every wait is on the screen's state.
# Skips (and says so) without tmux.  Usage: tests/repl/explore.sh path/to/focal
set -u
focal=${1:?usage: explore.sh path/to/focal}
case $focal in /*) ;; *) focal=$PWD/$focal ;; esac
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP: tmux not installed; focal explore was not tested"
	exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
T="tmux -L focalexplore-$$"
trap '$T kill-server >/dev/null 2>&1; rm -rf "$tmp"' EXIT
$T kill-server >/dev/null 2>&1
$T new-session -d -s keep cat
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }
tmo=${FOCAL_TEST_TIMEOUT:-120}
screen() { $T capture-pane -p -t x; }
poll() {
	local end=$((SECONDS + tmo))
	until "$@"; do
		[ $SECONDS -lt $end ] && $T has-session -t x 2>/dev/null || return 1
		sleep 0.05
	done
}
has() { screen | grep -Eq -- "$1"; }
wait_for() { poll has "$1"; }
exists() { [ -s "$1" ]; }
# A shell in a 200 x 60 pane, its prompt "ready> ", with the locale given.
start_shell() {
	$T kill-session -t x >/dev/null 2>&1
	$T new-session -d -s x -x 200 -y 60 -c "$tmp" \
		"env -u DISPLAY -u WAYLAND_DISPLAY -u NO_COLOR FOCAL_PLOTS=$top/plots TERM=xterm LC_ALL=$1 HOME=$tmp PS1='ready> ' bash --norc --noprofile" \; \
		set-option -t x remain-on-exit on
	wait_for '^ready>'
}
# The value after "LABEL: " on the readout line, e.g. of "γ = 3.5".
readout() { screen | grep -E "^$2 = 0.5 \|" | sed -E "s/.*\| $1: ([^ |]+).*/\1/"; }
# The terminal as the shell left it: stty modes, main screen, cursor shown.
tty_state() { printf '%s %s\n' "$($T display -p -t x '#{alternate_on} #{cursor_flag}')" "$(cat "$1")"; }

# run LOCALE GAMMA-LABEL PT-LABEL: the test of the issue in one locale
run() {
	local loc=$1 g=$2 pt=$3 v0 v1 want
	start_shell "$loc"
	$T send-keys -t x "stty -g > before; $focal explore loss --gamma 2; echo \"[exit \$?]\"; stty -g > after" Enter
	if wait_for "^focal explore loss .*$g = 2 " && wait_for "^$pt = 0.5 \| $g = 2: "; then ok; else bad "$loc: explore shows the header and readout" "$(screen | head -3)" "$(screen | tail -3)"; fi
	v0=$(readout "$g = 2" "$pt")
	want=$(printf '%.6g' "$("$focal" eval --loss fl --gamma 2 --p 0.5 --format tsv --columns value | tail -1)")
	if [ "$v0" = "$want" ]; then ok; else bad "$loc: readout at gamma 2 is focal eval's value" "got '$v0', want '$want'"; fi
	for _ in 1 2 3; do $T send-keys -t x Right; done
	if wait_for "^focal explore loss .*$g = 3.5 " && wait_for "^$pt = 0.5 \| $g = 3.5: "; then ok; else bad "$loc: three Right keys move gamma by three steps to 3.5" "$(screen | head -1)"; fi
	v1=$(readout "$g = 3.5" "$pt")
	want=$(printf '%.6g' "$("$focal" eval --loss fl --gamma 3.5 --p 0.5 --format tsv --columns value | tail -1)")
	if [ "$v1" = "$want" ] && [ "$v1" != "$v0" ]; then ok; else bad "$loc: readout at gamma 3.5 is focal eval's value" "got '$v1' (was '$v0'), want '$want'"; fi
	if [ "$loc" = C ]; then
		if screen | LC_ALL=C grep -q '[^ -~]'; then bad "$loc: the screen is ASCII only" "$(screen | LC_ALL=C grep '[^ -~]' | head -3)"; else ok; fi
	else
		if screen | LC_ALL=C.UTF-8 grep -qP '[\x{2801}-\x{28FF}]'; then ok; else bad "$loc: the curves are braille dots"; fi
	fi
	$T send-keys -t x s
	wait_for 'save as' || bad "$loc: s asks for a file name"
	$T send-keys -t x "$tmp/explore-$loc.pdf" Enter
	if wait_for "saved $tmp/explore-$loc.pdf"; then ok; else bad "$loc: s saves" "$(screen | tail -1)"; fi
	"$focal" plot loss --gamma 3.5 -o "$tmp/plot-$loc.pdf"
	# the same drawing; the provenance (the command that made each) differs
	if python3 "$top/tests/cli/drawing.py" "$tmp/explore-$loc.pdf" "$tmp/plot-$loc.pdf"; then ok; else bad "$loc: the saved PDF equals focal plot loss --gamma 3.5"; fi
	$T send-keys -t x q
	if wait_for '^\[exit 0\]' && poll exists "$tmp/after" && cmp -s "$tmp/before" "$tmp/after" &&
		[ "$($T display -p -t x '#{alternate_on} #{cursor_flag}')" = "0 1" ]; then ok; else bad "$loc: q restores the terminal" "$(tty_state "$tmp/after")" "$(cat "$tmp/before")"; fi
	rm -f "$tmp/after"
}
run C.UTF-8 'γ' 'pₜ'
run C 'gamma' 'p_t'

# Ctrl-C leaves, Ctrl-Z suspends with the terminal restored and fg redraws,
# a resize redraws at the new size
start_shell C.UTF-8
# (in one job: a stopped job would let the shell go on to the next command)
$T send-keys -t x "stty -g > before; bash -c '$focal explore gradients; echo \"[exit \$?]\"; stty -g > after'" Enter
wait_for '^focal explore gradients' || bad "explore gradients starts"
$T send-keys -t x C-z
alt() { [ "$($T display -p -t x '#{alternate_on}')" = "$1" ]; }
if wait_for "Stopped" && poll alt 0; then ok; else bad "Ctrl-Z suspends and leaves the full screen" "$(screen | grep -v "^ *$" | tail -3)" "alternate_on $($T display -p -t x "#{alternate_on}")"; fi
$T send-keys -t x "stty -g > stopped" Enter
poll exists "$tmp/stopped"
if cmp -s "$tmp/before" "$tmp/stopped"; then ok; else bad "the terminal is restored while explore is stopped"; fi
$T send-keys -t x fg Enter
if wait_for '^focal explore gradients' && poll alt 1; then ok; else bad "fg redraws" "$(screen | head -2)"; fi
$T resize-window -t x -x 150 -y 45
if poll [ "$(screen | grep -c '')" -le 45 ] && wait_for '^.{100,148}\|$'; then ok; else bad "a resize redraws at the new size"; fi
$T send-keys -t x C-c
if wait_for '^\[exit 0\]' && poll exists "$tmp/after" && cmp -s "$tmp/before" "$tmp/after"; then ok; else bad "Ctrl-C leaves and restores the terminal" "$(screen | tail -3)"; fi

# The first frame is the figure as focal plot draws it, for every figure of
# pointwise curves (s before any key, in .gp: the cheapest format; the same
# file name in two folders, since the script names its .png)
start_shell C.UTF-8
mkdir -p "$tmp/first" "$tmp/plot" "$tmp/moved" "$tmp/again"
for spec in "$top"/plots/*.spec; do
	n=$(basename "$spec" .spec)
	case $n in pop_* | train_*) continue ;; esac
	$T send-keys -t x "clear; $focal explore $n; echo \"done-$n\"" Enter
	if ! wait_for "^focal explore $n "; then bad "explore $n starts" "$(screen | head -2)"; continue; fi
	$T send-keys -t x s
	wait_for 'save as' && $T send-keys -t x "$tmp/first/$n.gp" Enter
	wait_for "saved $tmp/first/$n.gp" && $T send-keys -t x q
	wait_for "^done-$n"
	"$focal" plot "$n" -o "$tmp/plot/$n.gp"
done
# one python for the whole set (drawing.py --dirs names each that differs)
python3 "$top/tests/cli/drawing.py" --dirs "$tmp/first" "$tmp/plot" >"$tmp/firstdiff"
for f in "$tmp"/plot/*.gp; do
	n=$(basename "$f" .gp)
	if [ -f "$tmp/first/$n.gp" ] && ! grep -q "^$n.gp:" "$tmp/firstdiff"; then ok; else bad "explore $n starts at focal plot $n's drawing"; fi
done

# Curves that disagree (family: poly1's epsilon 2, polyfl's -1): the header
# says so, a key moves each from its own value, a step past one curve's bound
# is refused, and a saved file names the command that reproduces the view
$T send-keys -t x "clear; $focal explore family; echo \"done-fam\"" Enter
if wait_for '^focal explore family .* ε: 2 \(poly1\), -1 \(polyfl\) '; then ok; else bad "the header lists each curve's epsilon" "$(screen | head -1)"; fi
$T send-keys -t x Down Down Right
if wait_for '^focal explore family .* ε: 2.5 \(poly1\), -0.5 \(polyfl\) '; then ok; else bad "Right moves each epsilon from its own" "$(screen | head -1)"; fi
$T send-keys -t x Left Left
if wait_for '^focal explore family .* ε: 2 \(poly1\), -1 \(polyfl\) ' && wait_for '^at the lower bound'; then ok; else bad "a step below polyfl's epsilon -1 is refused" "$(screen | head -1)" "$(screen | tail -1)"; fi
$T send-keys -t x Right Right
want=$(printf '%.6g' "$("$focal" eval --loss polyfl --gamma 2 --epsilon 0 --p 0.5 --format tsv --columns value | tail -1)")
if wait_for "^pₜ = 0.5 \\| .*Poly-1 FL, ε = 0: $want "; then ok; else bad "the readout is focal eval's polyfl at epsilon 0 ($want)" "$(screen | grep '^pₜ')"; fi
$T send-keys -t x s
wait_for 'save as' && $T send-keys -t x "$tmp/moved/family.gp" Enter
wait_for "saved $tmp/moved/family.gp" && $T send-keys -t x q
wait_for '^done-fam'
cmd=$(sed -n 's/^#     command: focal //p' "$tmp/moved/family.gp")
if [ "$cmd" = "explore family --shift epsilon=2" ]; then ok; else bad "the saved file records the explore command of its view" "got '$cmd'"; fi
$T send-keys -t x "clear; $focal $cmd; echo \"done-again\"" Enter
if wait_for '^focal explore family .* ε: 3 \(poly1\), 0 \(polyfl\) '; then ok; else bad "the recorded command starts at that view" "$(screen | head -1)"; fi
$T send-keys -t x s
wait_for 'save as' && $T send-keys -t x "$tmp/again/family.gp" Enter
wait_for "saved $tmp/again/family.gp" && $T send-keys -t x q
wait_for '^done-again'
if python3 "$top/tests/cli/drawing.py" "$tmp/moved/family.gp" "$tmp/again/family.gp" && ! python3 "$top/tests/cli/drawing.py" "$tmp/moved/family.gp" "$tmp/plot/family.gp"; then ok; else bad "the recorded command redraws the saved view (and it is not the spec's)"; fi

# from a session: it starts from the session's gamma, and q is back at the prompt
$T kill-session -t x
$T new-session -d -s x -x 200 -y 60 -c "$top" \
	"env -u DISPLAY -u WAYLAND_DISPLAY TERM=xterm LC_ALL=C.UTF-8 HOME=$tmp XDG_STATE_HOME=$tmp/state $focal" \; \
	set-option -t x remain-on-exit on
wait_for '^focal>' || bad "the session starts"
$T send-keys -t x "set gamma 1,3" Enter "explore" Enter
if wait_for '^focal explore loss .*γ = 1, 3 '; then ok; else bad "explore in a session starts from its gamma list" "$(screen | head -1)"; fi
$T send-keys -t x Right q
$T send-keys -t x "show gamma" Enter
if wait_for '^focal> show gamma' && wait_for '^gamma +1,3$'; then ok; else bad "q returns to the prompt; the session's gamma is its own" "$(screen | tail -4)"; fi

echo "explore: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
