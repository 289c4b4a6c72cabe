#!/bin/sh
# The command table: help, version, usage errors and their exit codes.
set -u
fail=0
check() { # description, expected status, command...
	desc=$1 want=$2; shift 2
	"$@" >/tmp/e2e_cli.$$ 2>&1; got=$?
	if [ "$got" -ne "$want" ]; then
		echo "FAIL: $desc: exit $got, wanted $want"; cat /tmp/e2e_cli.$$; fail=1
	else
		echo "ok: $desc"
	fi
}
check "--help" 0 "$TIDINGS" --help
check "--version" 0 "$TIDINGS" --version
check "help parse" 0 "$TIDINGS" help parse
check "no command" 2 "$TIDINGS"
check "unknown command" 2 "$TIDINGS" frobnicate
check "parse without file" 2 "$TIDINGS" parse
check "parse missing file" 1 "$TIDINGS" parse /nonexistent/feed.xml
"$TIDINGS" --version | grep -q '^tidings [0-9]' || { echo "FAIL: version line"; fail=1; }
"$TIDINGS" parse /nonexistent/feed.xml 2>&1 | grep -q '/nonexistent/feed.xml' ||
	{ echo "FAIL: error does not name the file"; fail=1; }
"$TIDINGS" --help | grep -q 'parse' || { echo "FAIL: help lists no parse"; fail=1; }
rm -f /tmp/e2e_cli.$$
exit $fail
