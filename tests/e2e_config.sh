#!/bin/sh
# check-config against saved messages, the shipped example configuration,
# and OPML import/export.
set -u
fail=0
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
say() { echo "$*"; }
bad() { echo "FAIL: $*"; fail=1; }

# Each FILE.conf in tests/data/config has FILE.ok: what check-config prints
# (nothing for a good file).  Run from that directory so that the messages
# carry the relative paths saved in the .ok files.
cd "$TESTS_DIR/data/config" || exit 1
for conf in *.conf; do
	name=${conf%.conf}
	"$TIDINGS" check-config -c "$conf" >"$out/$name.out" 2>&1
	rc=$?
	if [ -s "$name.ok" ]; then want=1; else want=0; fi
	if [ "$rc" -ne "$want" ]; then
		bad "check-config $conf: exit $rc, wanted $want"
	elif ! diff -u "$name.ok" "$out/$name.out"; then
		bad "check-config $conf: messages differ"
	else
		say "ok: check-config $conf"
	fi
done

# The shipped examples are valid, and name the bundled feeds.
"$TIDINGS" check-config -c "$TESTS_DIR/../etc/tidings.conf" >"$out/etc.out" 2>&1 ||
	bad "shipped etc/tidings.conf: $(cat "$out/etc.out")"
[ -s "$out/etc.out" ] && bad "shipped etc/tidings.conf prints: $(cat "$out/etc.out")"
"$TIDINGS" export-opml -c "$TESTS_DIR/../etc/tidings.conf" >"$out/etc.opml" ||
	bad "export-opml of the shipped configuration"
n=$(grep -c 'xmlUrl="file:///.*/examples/ukrainian-news\.' "$out/etc.opml")
[ "$n" -eq 3 ] || bad "shipped feed list: $n example feeds, wanted 3"
for f in $(sed -n 's/.*xmlUrl="file:\/\/\([^"]*\)".*/\1/p' "$out/etc.opml"); do
	[ -f "$f" ] || bad "example feed $f does not exist"
done

# A missing file named with -c is an error naming it.
"$TIDINGS" check-config -c /nonexistent/tidings.conf >"$out/missing.out" 2>&1 &&
	bad "check-config of a missing file succeeded"
grep -q '^/nonexistent/tidings.conf: No such file or directory$' "$out/missing.out" ||
	bad "missing file message: $(cat "$out/missing.out")"

# A configured feed list that matches no file stops `run` (exit 1), which
# would otherwise check no feed and succeed.
"$TIDINGS" run -c bad-nofeeds.conf --db "$out/nofeeds.db" >"$out/nofeeds.out" 2>&1 &&
	bad "run with a feed list that matches no file succeeded"
grep -q 'bad-nofeeds.conf:3: feeds: "lists/nonexistent.conf" matches no file' \
    "$out/nofeeds.out" || bad "run nofeeds message: $(cat "$out/nofeeds.out")"

# An auth_file others can read is refused, as ssh refuses such a key, and
# so is one tidings' own user owns and shares with its group; a file owned
# by another user and shared through a group (root:tidings 0640) is the
# way to hand a service its secret.  A FIFO is refused without blocking.
mkdir "$out/auth"
for m in 644 604 640 600 400; do
	printf 'user:pw\n' >"$out/auth/$m.auth"
	chmod "$m" "$out/auth/$m.auth"
	echo "http://127.0.0.1:9/$m.xml auth_file=$m.auth"
done >"$out/auth/feeds.conf"
mkfifo "$out/auth/fifo.auth"
echo "http://127.0.0.1:9/fifo.xml auth_file=fifo.auth" >>"$out/auth/feeds.conf"
cat >"$out/auth/want" <<EOF
$out/auth/feeds.conf:1: auth_file $out/auth/644.auth: permissions 0644 are too open: others can read it (chmod 600 it)
$out/auth/feeds.conf:2: auth_file $out/auth/604.auth: permissions 0604 are too open: others can read it (chmod 600 it)
$out/auth/feeds.conf:3: auth_file $out/auth/640.auth: permissions 0640 are too open: its group can read it (chmod 600 it)
$out/auth/feeds.conf:6: auth_file $out/auth/fifo.auth: not a regular file
EOF
timeout 20 "$TIDINGS" check-config -c /dev/null --feeds "$out/auth/feeds.conf" \
    >"$out/auth/out" 2>&1 && bad "check-config accepted an auth_file others can read"
if diff -u "$out/auth/want" "$out/auth/out"; then
	say "ok: auth_file permissions"
else
	bad "auth_file permission messages differ"
fi
# `run` says so (and sends no credentials from such a file).
timeout 20 "$TIDINGS" run -c /dev/null --db "$out/auth/db" --feeds "$out/auth/feeds.conf" \
    >"$out/auth/run" 2>&1
grep -q "^tidings: http://127.0.0.1:9/644.xml: auth_file $out/auth/644.auth: permissions 0644 are too open" \
    "$out/auth/run" || bad "run auth_file message: $(cat "$out/auth/run")"

# OPML: import to a feed list, check it, export, import again: same list.
cd opml || exit 1
"$TIDINGS" import-opml subscriptions.opml >"$out/subs.conf" 2>"$out/subs.err" ||
	bad "import-opml subscriptions.opml"
diff -u subscriptions.ok "$out/subs.conf" || bad "import-opml output differs"
grep -q 'skipped 2 outline' "$out/subs.err" || bad "import-opml skipped count"
"$TIDINGS" check-config -c /dev/null --feeds "$out/subs.conf" ||
	bad "imported list does not pass check-config"
"$TIDINGS" export-opml -c /dev/null --feeds "$out/subs.conf" -o "$out/subs.opml" ||
	bad "export-opml"
"$TIDINGS" import-opml "$out/subs.opml" 2>/dev/null | grep -v '^#' >"$out/again.conf"
grep -v '^#' "$out/subs.conf" | diff -u - "$out/again.conf" ||
	bad "OPML round trip changed the list"
"$TIDINGS" import-opml entity.opml >"$out/ent.out" 2>&1 &&
	bad "OPML declaring entities was accepted"
grep -q 'declares entities is refused' "$out/ent.out" || bad "entity message: $(cat "$out/ent.out")"
"$TIDINGS" import-opml entities.opml >/dev/null 2>&1 && bad "entity bomb accepted"
"$TIDINGS" import-opml external.opml >"$out/ext.conf" 2>/dev/null ||
	bad "OPML with an external DTD (must not be fetched)"
grep -q 'file:' "$out/ext.conf" && bad "file: URL imported from OPML"
[ $fail -eq 0 ] && say "ok: OPML"
exit $fail
