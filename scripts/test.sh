#!/bin/sh
# README command 2 (and what CI runs): install, build with -Werror and
# AddressSanitizer + UndefinedBehaviorSanitizer, and run every test;
# then the unit suites and the parser again under valgrind memcheck, a
# --enable-static-deps build, and `make distcheck` (the release tarball
# carries its test data, builds out of tree, passes make check, installs
# and uninstalls cleanly); last, the Debian package under a real systemd
# in a container (tests/systemd/run.sh), where one can boot.
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
	summary="tests: ${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed"
fi
# valgrind cannot run sanitized binaries: a plain build of its own.
cd ..
rm -rf build-valgrind
mkdir build-valgrind
(cd build-valgrind && ../configure -q --enable-werror CFLAGS="-O1 -g" &&
	make -s -j"$(nproc)" && make -s -j"$(nproc)" check TESTS=) >/dev/null
sh scripts/valgrind.sh build-valgrind || status=1
# --enable-static-deps must keep building and parsing (bench/README).
rm -rf build-static
mkdir build-static
(cd build-static && ../configure -q --enable-werror --enable-static-deps &&
	make -s -j"$(nproc)" &&
	make -s -j"$(nproc)" check TESTS="tests/check_parse tests/e2e_parse_examples.sh tests/e2e_run.py") >/dev/null ||
	{ echo "static-deps build failed"; status=1; }
# The release tarball must build and pass on its own.
rm -rf build-dist
mkdir build-dist
(cd build-dist && ../configure -q && make -s -j"$(nproc)" distcheck) \
	>build-dist.log 2>&1 ||
	{ tail -n 40 build-dist.log; echo "distcheck failed"; status=1; }
# The Debian package under a real systemd, in a container it boots (it
# builds the package itself; tests/README): skipped, with the reason,
# where no container can boot.
rc=0
sh tests/systemd/run.sh >build-systemd.log 2>&1 || rc=$?
case $rc in
0) echo "systemd container test: passed ($(tail -n 1 build-systemd.log))" ;;
77) echo "systemd container test: skipped: $(sed -n 's/^SKIP: //p' build-systemd.log | tail -n 1)" ;;
*)
	tail -n 60 build-systemd.log
	echo "systemd container test failed (build-systemd.log)"
	status=1
	;;
esac
echo "${summary:-tests: no summary}"
exit "$status"
