#!/bin/sh
# The shape guard fails on what it must refuse and passes what it allows:
# a function of 101 lines and a file of 701 lines fail, 100 and 700 pass.
set -u
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fails=0
# gen DIR BODY_LINES FILE_PAD: a function of BODY_LINES+3 lines, padded
gen() {
	mkdir -p "$1"
	{
		echo "static int f(int x)"
		echo "{"
		i=0; while [ $i -lt "$2" ]; do echo "	x++;"; i=$((i + 1)); done
		echo "}"
		i=0; while [ $i -lt "$3" ]; do echo "/* pad */"; i=$((i + 1)); done
	} >"$1/t.c"
}
expect() { # RC DIR WHAT
	scripts/check_shape.sh "$2" >"$tmp/out" 2>&1; rc=$?
	if [ $rc -ne "$1" ]; then echo "shape self-test: $3: exit $rc, expected $1"; cat "$tmp/out"; fails=1; fi
}
gen "$tmp/f100" 97 0;  expect 0 "$tmp/f100" "a 100-line function"
gen "$tmp/f101" 98 0;  expect 1 "$tmp/f101" "a 101-line function"
gen "$tmp/l700" 10 687; expect 0 "$tmp/l700" "a 700-line file"
gen "$tmp/l701" 10 688; expect 1 "$tmp/l701" "a 701-line file"
[ $fails -eq 0 ] && echo "shape self-test: 4 passed, 0 failed"
exit $fails
