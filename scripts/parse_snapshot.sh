#!/bin/sh
# parse_snapshot.sh TIDINGS OUTDIR [DIR...]
# Writes `tidings parse` output (stdout, stderr, exit status), default and
# --sequential, for every feed-like file under the given directories
# (default: tests/data and examples) into OUTDIR, one file per input and
# mode.  Two snapshots taken before and after a refactor compare with
# `diff -r`.
set -eu
tidings=$1
out=$2
shift 2
[ $# -gt 0 ] || set -- tests/data examples
mkdir -p "$out"
find "$@" -type f \( -name '*.xml' -o -name '*.rss' -o -name '*.atom' \
    -o -name '*.json' -o -name '*.html' \) | sort | while read -r f; do
	d=$out/$(printf '%s' "$f" | tr / _)
	for mode in default sequential; do
		if [ $mode = sequential ]; then set -- --sequential; else set --; fi
		rc=0
		"$tidings" parse "$@" "$f" >"$d.$mode.out" 2>"$d.$mode.err" || rc=$?
		echo $rc >"$d.$mode.rc"
	done
done
