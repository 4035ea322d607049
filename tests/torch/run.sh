#!/bin/sh
# The PyTorch reference (docs/torch_reference.py) against the golden values
# (tests/data/golden.tsv).  Needs Debian's python3-torch; without it the
# suite says so and passes (the C side of the golden values is
# tests/unit/test_golden.c, which always runs).
here=$(cd "$(dirname "$0")" && pwd)
for py in /usr/bin/python3 python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import torch' 2>/dev/null; then
		exec "$py" "$here/check_golden.py"
	fi
done
echo "torch: skipped: no python3 with torch (install Debian's python3-torch to check docs/torch_reference.py)"
exit 0
