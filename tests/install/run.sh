#!/usr/bin/env bash
# The installed program (make check-install): a DESTDIR install, used from
# outside the checkout the way a user would.
#   - every file make install writes is there, the shared library with its
#     versioned soname beside the static one;
#   - the installed focal renders the whole figure set from a directory
#     that is not the checkout, with no FOCAL_* variables (it finds its
#     specs and the reference table of 'accuracy' beside itself), and
#     'focal plot NAME' and a copied spec work there too;
#   - a C program built with `pkg-config --cflags --libs focal` links the
#     installed libfocal.so and agrees with the 80-digit reference table;
#   - the installed bash completion completes 'focal sim<Tab>', options,
#     loss names and figure names;
#   - the figure files carry their provenance, and CITATION.cff names
#     this version;
#   - make uninstall leaves no file behind;
#   - plain make on a machine without a Debian package prints the install
#     line and compiles nothing.
# Usage: tests/install/run.sh (from the checkout; build/focal built).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
pass=0
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$1"; shift; printf '  %s\n' "$@"; }
check() { local what=$1; shift; if "$@"; then ok; else bad "$what"; fi; }
unset FOCAL_PLOTS FOCAL_DATA

dest=$tmp/dest
pre=/opt/focal
root=$dest$pre
make -s -C "$top" --no-print-directory install DESTDIR="$dest" PREFIX=$pre >"$tmp/log" 2>&1 ||
	{ bad "make install" "$(tail -5 "$tmp/log")"; echo "install: $pass passed, $fail failed"; exit 1; }

# ---- what was written
ver=$("$top/build/focal" --version | sed 's/^focal //')
major=${ver%%.*}
for f in bin/focal lib/libfocal.a "lib/libfocal.so.$ver" lib/pkgconfig/focal.pc include/focal/focal.h \
	share/man/man1/focal.1 share/focal/plots/loss.spec share/focal/data/effective_ref.tsv \
	share/focal/plots/themes/one-column.theme share/focal/plots/themes/two-column.theme \
	share/bash-completion/completions/focal; do
	check "installed $f" test -f "$root/$f"
done
check "libfocal.so.$major links to the library" test "$(readlink "$root/lib/libfocal.so.$major")" = "libfocal.so.$ver"
check "libfocal.so links to the soname" test "$(readlink "$root/lib/libfocal.so")" = "libfocal.so.$major"
soname=$(readelf -d "$root/lib/libfocal.so.$ver" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
check "soname is libfocal.so.$major (got '$soname')" test "$soname" = "libfocal.so.$major"

# ---- CITATION.cff names this version (focal.h has the one home of it)
cff=$(sed -n 's/^version: "\(.*\)"$/\1/p' "$top/CITATION.cff")
check "CITATION.cff version '$cff' is focal's '$ver'" test "$cff" = "$ver"
if python3 -c 'import yaml' 2>/dev/null; then
	check "CITATION.cff is YAML with cff-version 1.2.0" python3 -c '
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
sys.exit(0 if d["cff-version"] == "1.2.0" and d["title"] and d["authors"] and d["message"] else 1)' "$top/CITATION.cff"
fi

# ---- the figure set, from outside the checkout
focal=$root/bin/focal
mkdir "$tmp/elsewhere" && cd "$tmp/elsewhere" || exit 1
nspecs=$(ls "$top"/plots/*.spec | wc -l)
if "$focal" figures -o out --formats pdf,png,svg,gp >"$tmp/out" 2>"$tmp/err"; then ok; else bad "installed focal figures" "$(cat "$tmp/err")"; fi
n=$(ls out 2>/dev/null | wc -l)
check "figures wrote $((4 * nspecs)) files (got $n)" test "$n" -eq $((4 * nspecs))
# the figure that read ../tests/data relative to its spec draws the table
"$focal" plot accuracy -o acc.rec 2>"$tmp/err"
if cmp -s acc.rec "$top/tests/fig/golden/specs/accuracy.rec"; then ok; else bad "installed 'focal plot accuracy' matches its golden record" "$(head -3 "$tmp/err")"; fi
# a spec copied out of the set (to restyle it) still finds the table
cp "$root/share/focal/plots/accuracy.spec" mine.spec
"$focal" plot mine.spec -o mine.rec 2>"$tmp/err"
if [ -s mine.rec ] && cmp -s <(sed 1d mine.rec) <(sed 1d acc.rec); then ok; else bad "a copied accuracy.spec renders" "$(head -3 "$tmp/err")"; fi

# the installed themes restyle as the checkout's do
"$focal" plot loss --theme "$root/share/focal/plots/themes/two-column.theme" -o th.rec 2>"$tmp/err"
"$top/build/focal" plot "$top/plots/loss.spec" --theme "$top/plots/themes/two-column.theme" -o th_top.rec 2>>"$tmp/err"
if [ -s th.rec ] && cmp -s <(sed 1d th.rec) <(sed 1d th_top.rec); then ok; else bad "an installed theme restyles 'loss' as the checkout's" "$(head -3 "$tmp/err")"; fi

# provenance: each figure file names the version and the command
if grep -aq "focal $ver" out/loss.svg && grep -q "^#     command: focal figures -o out --formats pdf,png,svg,gp$" out/loss.gp; then
	ok; else bad "figure files carry their provenance"; fi

# ---- libfocal for C users, through pkg-config
export PKG_CONFIG_PATH=$root/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$dest
if flags=$(pkg-config --cflags --libs focal 2>"$tmp/err"); then ok; else bad "pkg-config focal" "$(cat "$tmp/err")"; fi
check "pkg-config --modversion focal is $ver" test "$(pkg-config --modversion focal)" = "$ver"
# shellcheck disable=SC2086 # the flags are words
if ${CC:-cc} -std=c11 -Wall -Wextra -Werror "$here/uselib.c" $flags -lm -o uselib 2>"$tmp/err"; then ok; else bad "compile against the installed libfocal" "$(cat "$tmp/err")"; fi
check "uselib needs libfocal.so.$major" sh -c "readelf -d uselib | grep -q 'NEEDED.*\\[libfocal.so.$major\\]'"
if LD_LIBRARY_PATH=$root/lib ./uselib <"$top/tests/data/effective_ref.tsv" >"$tmp/out" 2>&1; then ok; else bad "uselib against the reference table" "$(cat "$tmp/out")"; fi
check "uselib ran libfocal.so from the install" sh -c "LD_LIBRARY_PATH=$root/lib ldd uselib | grep -q '$root/lib/libfocal.so.$major'"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# ---- bash completion: what Tab offers after LINE (the cursor at its end)
complete_line() {
	PATH=$root/bin:$PATH bash --norc --noprofile -c '
		. "$1/share/bash-completion/completions/focal" || exit 1
		complete -p focal >/dev/null || exit 1
		COMP_LINE=$2 COMP_POINT=${#2}
		# words as bash splits them (COMP_WORDBREAKS has blanks and "=")
		read -ra COMP_WORDS <<<"${2//=/ = }"
		case $2 in *" ") COMP_WORDS+=("") ;; esac
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_focal focal "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' complete_line "$root" "$1" | tr '\n' ' ' | sed 's/ $//'
}
expect_completion() {
	local got
	got=$(complete_line "$1")
	if [ "$got" = "$2" ]; then ok; else bad "completion of '$1'" "expected '$2'" "got      '$got'"; fi
}
expect_completion "focal sim" "simulate"
expect_completion "focal simulate --lo" "--loss --low-quality"
expect_completion "focal plot acc" "accuracy"
expect_completion "focal eval --format c" "csv"
expect_completion "focal compare --format=t" "table tsv"
expect_completion "focal --v" "--version"
losses=$("$focal" eval --loss nosuch 2>&1 | sed -n "s/.*must be one of //p" | tr -d ',' )
got=$(complete_line "focal eval --loss ")
check "completion of eval --loss names the registry's losses ('$got' against '$losses')" test -n "$got"
for l in $got; do case " $losses " in *" $l "*) ;; *) bad "completion offers '$l', not a loss of eval";; esac; done

# ---- make uninstall removes everything make install wrote
cd "$top" || exit 1
make -s --no-print-directory uninstall DESTDIR="$dest" PREFIX=$pre >"$tmp/log" 2>&1 || bad "make uninstall" "$(tail -3 "$tmp/log")"
left=$(find "$dest" ! -type d)
if [ -z "$left" ]; then ok; else bad "make uninstall left files" "$left"; fi

# ---- plain make checks the Debian packages first: with libedit-dev
# "missing" (a stand-in dpkg-query; a stand-in id, so nothing is installed
# even as root) it names the install line and compiles nothing
mkdir "$tmp/fakebin"
printf '#!/bin/sh\n[ "$3" = libedit-dev ] && exit 1\nexec /usr/bin/dpkg-query "$@"\n' >"$tmp/fakebin/dpkg-query"
printf '#!/bin/sh\necho 1000\n' >"$tmp/fakebin/id"
chmod +x "$tmp/fakebin/dpkg-query" "$tmp/fakebin/id"
if PATH=$tmp/fakebin:$PATH make -C "$top" --no-print-directory B="$tmp/nobuild" >"$tmp/out" 2>"$tmp/err"; then
	bad "make without libedit-dev succeeds"
else ok; fi
check "make names the install line" grep -q '^focal: install them with: sudo apt-get install -y libedit-dev$' "$tmp/err"
check "make compiled nothing" test ! -e "$tmp/nobuild"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
