# Waiting on state, never on the clock: sourced by the shell suites
# (tests/cli, tests/fault, tests/repl).  A fixed sleep races on a loaded
# machine and wastes time on an idle one; each wait here polls a condition
# and gives up only after $test_timeout seconds (FOCAL_TEST_TIMEOUT,
# default 600: generous, since a slow machine, ASan or valgrind only makes
# the wait longer, never the test wrong).  Giving up is a failure.

test_timeout=${FOCAL_TEST_TIMEOUT:-600}

# $default_int CMD...: CMD with SIGINT at its default action.  A suite
# started with SIGINT ignored (nohup, 'make check &' in a script) passes
# that on to every child, and a shell cannot undo it; the Ctrl-C tests
# need a SIGINT that arrives.  A command, not a function: '$default_int
# CMD &' must make $! the process itself, not a subshell around it.
# (env --default-signal: coreutils 8.31.)
default_int="env --default-signal=INT"

# poll_until CMD...: until CMD succeeds (0) or the timeout passes (1)
poll_until() {
	local end=$((SECONDS + test_timeout))
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# alive PID: the process exists and has not exited (a zombie has)
alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}
# poll_alive PID CMD...: until CMD succeeds (0); fails at once if process
# PID ends first, or after the timeout.
poll_alive() {
	local pid=$1 end=$((SECONDS + test_timeout))
	shift
	while :; do
		alive "$pid" || return 1
		"$@" && return 0
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.02
	done
}
# wait_threads PID N: until process PID runs at least N threads, which for
# focal means its parallel work has begun (threads are started after the
# Ctrl-C handler is in place).
has_threads() {
	[ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -ge "$2" ]
}
wait_threads() { poll_alive "$1" has_threads "$1" "$2"; }
# wait_cpu PID TICKS: until process PID has used TICKS clock ticks of CPU
# (utime + stime; 100 a second on Linux), which for focal means its long
# work is under way.
has_cpu() {
	local t
	t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null)
	[ -n "$t" ] && [ "$t" -ge "$2" ]
}
wait_cpu() { poll_alive "$1" has_cpu "$1" "$2"; }
# sig_ignored PID SIGNUM: the kernel discards SIGNUM for PID (SigIgn mask)
sig_ignored() {
	local m
	m=$(awk '/^SigIgn:/{print $2}' "/proc/$1/status" 2>/dev/null) || return 1
	[ -n "$m" ] && [ $(((0x$m >> ($2 - 1)) & 1)) -eq 1 ]
}
# wait_exit PID: until the child PID ends; its status is then in $exit_rc.
# Past the timeout it is killed (SIGKILL) and wait_exit fails: a test that
# hangs is reported, not waited for.
dead() { ! alive "$1"; }
wait_exit() {
	local hung=0
	poll_until dead "$1" || hung=1
	[ $hung -eq 1 ] && kill -KILL "$1" 2>/dev/null
	wait "$1"
	exit_rc=$?
	return $hung
}
