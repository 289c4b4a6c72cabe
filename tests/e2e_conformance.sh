#!/bin/sh
# Runs the public feedparser corpus (tests/data/conformance/feedparser,
# scored by tests/conformance/run) against the real binary and holds the
# score: at least MIN_PASS in-scope tests must pass, and no file may crash
# (signal or sanitizer report) or time out.
set -u
: "${TESTS_DIR:?}" "${TIDINGS:?}"
MIN_PASS=${MIN_PASS:-1390}
suite=$TESTS_DIR/data/conformance/feedparser
if [ ! -d "$suite/wellformed" ]; then
	echo "FAIL: the conformance corpus is missing from $suite"
	exit 1
fi
out=${TMPDIR:-/tmp}/tidings-conformance.$$
python3 "$TESTS_DIR/conformance/run" --cmd "$TIDINGS parse" --suite "$suite" \
	--timeout 20 --show 0 --json "$out.json" >"$out.txt" 2>&1
rc=$?
tail -n 20 "$out.txt"
if [ "$rc" -ne 0 ]; then
	echo "FAIL: the harness exited $rc"; exit 1
fi
python3 - "$out.json" "$MIN_PASS" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
t = rep["totals"]
bad = [r["path"] + " (" + r["status"] + ")" for r in rep["tests"] if r["status"] in ("crash", "timeout")]
print("conformance: pass %d of %d in scope, crash %d, timeout %d" % (t["pass"], t["in-scope"], t["crash"], t["timeout"]))
if bad:
    print("FAIL: crashed or timed out:\n  " + "\n  ".join(bad[:50]))
    sys.exit(1)
if t["pass"] < int(sys.argv[2]):
    print("FAIL: %d passed, fewer than the %s this test holds" % (t["pass"], sys.argv[2]))
    sys.exit(1)
PY
rc=$?
rm -f "$out.txt" "$out.json"
exit $rc
