#!/bin/sh
# check_shape.sh: the size limits of issue 13 (item 5) as a guard.
# Every C source under src/ stays at most MAX_FILE lines and every function
# at most MAX_FUNC lines (from the first line of its signature to its closing
# brace).  Functions are found by the house layout: the body opens with `{`
# in column 0 and closes with `}` in column 0.  Prints one line per
# violation and exits 1 if there is any that the allow-list below does not
# name.  The allow-list is empty: every file and function fits; a line
# added here needs a reason in its commit.
# Usage: scripts/check_shape.sh [DIR]   (default: src)
MAX_FILE=700
MAX_FUNC=100
ALLOW='
'
dir=${1:-src}
out=$(find "$dir" -name '*.[ch]' | LC_ALL=C sort | xargs awk -v maxfile="$MAX_FILE" -v maxfunc="$MAX_FUNC" '
FNR == 1 { sig = 0; open_at = 0 }
/^[A-Za-z_].*\(/ && !/;[ \t]*$/ && !open_at { sig = FNR; name = $0 }
/^\{/ {
	if (sig == 0 || FNR - sig > 6) sig = FNR
	open_at = sig; fname = name
}
/^\}/ && open_at {
	n = FNR - open_at + 1
	if (n > maxfunc) {
		sub(/\(.*/, "", fname); k = split(fname, w, /[ *]+/)
		printf "function %s:%s %d lines (limit %d)\n", FILENAME, w[k], n, maxfunc
	}
	open_at = 0; sig = 0
}
{ lines[FILENAME] = FNR }
END {
	for (f in lines)
		if (lines[f] > maxfile)
			printf "file %s %d lines (limit %d)\n", f, lines[f], maxfile
}' | LC_ALL=C sort)
# each violation is keyed by its first two words ("file PATH", "function PATH:NAME")
bad=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	key=${line%% [0-9]*}
	case "$ALLOW" in
	*"
$key
"*)	echo "allowed: $line" ;;
	*)	echo "check-shape: $line"; bad=1 ;;
	esac
done <<END
$out
END
exit $bad
