#!/bin/sh
# README command 2 (and what CI runs): install, build with -Werror and
# AddressSanitizer + UndefinedBehaviorSanitizer, and run every test.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
rm -rf build-test
mkdir build-test
cd build-test
../configure -q --enable-werror --enable-sanitizers
make -s -j"$(nproc)"
status=0
make -s -j"$(nproc)" check || status=$?
if [ -f test-suite.log ]; then
	pass=$(sed -n 's/^# PASS: *//p' test-suite.log)
	fail=$(sed -n 's/^# FAIL: *//p' test-suite.log)
	err=$(sed -n 's/^# ERROR: *//p' test-suite.log)
	[ "$status" -eq 0 ] || cat test-suite.log
	echo "tests: ${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed"
fi
exit "$status"
