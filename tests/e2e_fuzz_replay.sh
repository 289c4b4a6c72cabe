# Replays every input the fuzzers once crashed on, kept under
# tests/data/fuzz/TARGET/, through that target built without libFuzzer
# (tests/fuzz_replay_TARGET, fuzz/replay_main.c): each must run to the end
# without a crash or a sanitizer report.  tests/data/fuzz/seeds/ holds
# seeds for `make fuzz`, not regressions; they are replayed too.
set -u
: "${TESTS_DIR:?}" "${TIDINGS:?}"
bin=$(dirname "$TIDINGS")/../tests
data=$TESTS_DIR/data/fuzz
fail=0 n=0
for dir in "$data"/*/ "$data"/seeds/*/; do
	t=$(basename "$dir")
	[ "$t" = seeds ] && continue
	prog=$bin/fuzz_replay_$t
	if [ ! -x "$prog" ]; then
		echo "FAIL: $dir has no replay program $prog"
		fail=1
		continue
	fi
	for f in "$dir"*; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		if ! out=$("$prog" "$f" 2>&1) || printf '%s' "$out" |
		    grep -q 'Sanitizer\|runtime error'; then
			echo "FAIL: $t: $f"
			printf '%s\n' "$out" | head -n 30
			fail=1
		fi
	done
done
echo "$n input(s) replayed"
[ "$n" -gt 0 ] || { echo "FAIL: nothing replayed"; fail=1; }
exit $fail
