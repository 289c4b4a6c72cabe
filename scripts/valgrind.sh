#!/bin/sh
# Runs the unit suites and the parser over the examples and a slice of the
# conformance corpus under valgrind memcheck, in a plain (unsanitized)
# build: ASan and valgrind cannot share a process.  Any error or definite
# leak fails.  Usage: scripts/valgrind.sh BUILD_DIR
set -eu
b=$(cd "$1" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
vg="valgrind -q --error-exitcode=99 --child-silent-after-fork=yes --suppressions=$top/scripts/valgrind.supp --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite"
fail=0
for t in "$b"/tests/check_*; do
	[ -x "$t" ] || continue
	case "$t" in *.o|*.log|*.trs) continue;; esac
	# CK_FORK=no keeps every test in the process valgrind watches.
	# check_export's crash and file-size tests fork writers that are
	# killed or _exit() mid-work by design; their memory is not a leak.
	leak=
	case "$t" in */check_export) leak=--leak-check=no;; esac
	if ! (cd "$b" && CK_FORK=no CK_VERBOSITY=silent $vg $leak "$t" >/dev/null 2>"$t.vg.log"); then
		echo "valgrind: FAIL $(basename "$t")"; cat "$t.vg.log"; fail=1
	else
		echo "valgrind: ok $(basename "$t")"
	fi
done
files="$top/examples/ukrainian-news.rss $top/examples/ukrainian-news.atom
$top/examples/ukrainian-news.json $top/examples/ukrainian-news-uk-cp1251.rss"
corpus="$top/tests/data/conformance/feedparser"
files="$files $(find "$corpus" -name '*.xml' | sort | awk 'NR % 15 == 0')"
n=0
for f in $files; do
	n=$((n + 1))
	if ! $vg "$b/src/tidings" parse "$f" >/dev/null 2>"$b/vg-parse.log"; then
		if grep -q '==[0-9]*==' "$b/vg-parse.log"; then
			echo "valgrind: FAIL tidings parse $f"; cat "$b/vg-parse.log"; fail=1
		fi
	fi
done
echo "valgrind: tidings parse over $n files done"
exit $fail
