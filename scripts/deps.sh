#!/bin/sh
# Make sure the Debian packages focal builds and tests with are installed.
#   scripts/deps.sh          install what is missing (as root), or say exactly
#                            what to run (otherwise) and exit 1
#   scripts/deps.sh --check  exit 0 when nothing is missing, 1 otherwise, quietly
set -u

# Build: compiler, make, pkg-config, GSL.  Tests: cmocka.  Figures: cairo,
# pango, libpng, libedit (line editing in the REPL; BSD-licensed),
# libmatheval (custom weight expressions and their derivatives), the
# Computer Modern fonts (fonts-cmu: figures typeset like
# LaTeX; without it pango falls back to Liberation/DejaVu Serif) and gnuplot
# (to run the generated .gp scripts in the tests).  The reference-data
# generator needs python3-mpmath (optional: the tables are committed).
# python3-torch (optional, large) lets make check test the PyTorch reference
# docs/torch_reference.py against tests/data/golden.tsv; without it that
# suite is skipped with a message.  CI installs it (.ci/run).
PKGS="gcc make pkg-config libgsl-dev libjansson-dev libcmocka-dev libcairo2-dev libpango1.0-dev libpng-dev libedit-dev libmatheval-dev fonts-cmu gnuplot-nox"

missing=""
# gnuplot: any of Debian's builds will do (they conflict with each other,
# so never replace one that is installed)
if command -v gnuplot >/dev/null 2>&1; then
	PKGS=$(echo "$PKGS" | sed 's/ gnuplot-nox//')
fi
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
missing=${missing# }

if [ -z "$missing" ]; then
	exit 0
fi
if [ "${1:-}" = "--check" ]; then
	exit 1
fi
if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
	echo "focal: this is not a Debian-like system; install GSL, cmocka, cairo, pango, libpng and pkg-config by hand" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "focal: missing Debian packages: $missing" >&2
	echo "focal: install them with: sudo apt-get install -y $missing" >&2
	exit 1
fi
echo "focal: installing missing Debian packages: $missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2 && apt-get install -y -q $missing >&2
