#!/bin/sh
# `make install` and `make uninstall`: the whole set (program, man pages,
# units with their paths substituted, sysusers.d and tmpfiles.d entries,
# examples, example configuration) lands under DESTDIR in the directories
# --prefix, --sysconfdir and --localstatedir name; an administrator's
# configuration is never overwritten, and survives uninstall; uninstall
# leaves no other file behind.
set -u
fail=0
out=$(mktemp -d)
trap 'chmod -R u+w "$out"; rm -rf "$out"' EXIT
bad() { echo "FAIL: $*"; fail=1; }
say() { echo "$*"; }
srcdir=$(cd "$TESTS_DIR/.." && pwd)
# The test's own make: no jobserver of the make running the tests.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL "${MAKE:-make}" -s "$@"; }
files() { (cd "$1" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort); }

# 1. A tree configured with directories of its own; install-data needs no
#    compiler, the program itself is checked in the test's build below.
if [ -f "$srcdir/config.status" ]; then
	say "SKIP part 1: the source tree is configured in place (a second build cannot be configured from it)"
else
	mkdir "$out/b1"
	(cd "$out/b1" && "$srcdir/configure" -q --prefix=/opt/td \
	    --sysconfdir=/etc/opt/td --localstatedir=/var/opt/td) \
	    >"$out/configure.log" 2>&1 || { cat "$out/configure.log"; exit 1; }
	d=$out/d1
	mk -C "$out/b1" install-data DESTDIR="$d" >"$out/install.log" 2>&1 ||
		{ cat "$out/install.log"; exit 1; }
	files "$d" >"$out/list"
	for f in etc/opt/td/tidings/tidings.conf \
	    etc/opt/td/tidings/feeds.d/example.conf \
	    opt/td/lib/systemd/system/tidings.service \
	    opt/td/lib/sysusers.d/tidings.conf \
	    opt/td/lib/tmpfiles.d/tidings.conf \
	    opt/td/share/man/man1/tidings.1 \
	    opt/td/share/man/man5/tidings.conf.5 \
	    opt/td/share/man/man5/tidings-db.5 \
	    opt/td/lib/systemd/system/tidings-run.service \
	    opt/td/lib/systemd/system/tidings-run.timer \
	    opt/td/share/doc/tidings/examples/export-dirs.conf \
	    opt/td/share/tidings/examples/ukrainian-news.rss \
	    opt/td/share/doc/tidings/README; do
		grep -qx "$f" "$out/list" || bad "make install: no $f"
	done
	# Every substituted file names the configured paths, and no
	# placeholder is left.
	for f in $(grep -E '(systemd/system|sysusers.d|tmpfiles.d)/|/man/' "$out/list"); do
		grep -n '@[a-z_]*@' "$d/$f" && bad "$f keeps a placeholder"
	done
	grep -qx 'ExecStart=/opt/td/bin/tidings daemon' \
	    "$d/opt/td/lib/systemd/system/tidings.service" ||
		bad "tidings.service: ExecStart is not /opt/td/bin/tidings daemon"
	grep -q '^\.Pa /etc/opt/td/tidings/tidings.conf$' "$d/opt/td/share/man/man1/tidings.1" ||
		bad "tidings.1 does not name /etc/opt/td/tidings/tidings.conf"
	grep -q '^u tidings .*/var/opt/td/lib/tidings$' "$d/opt/td/lib/sysusers.d/tidings.conf" ||
		bad "sysusers.d: the user's home is not /var/opt/td/lib/tidings"
	grep -q '^d /var/opt/td/lib/tidings 0750 tidings tidings' "$d/opt/td/lib/tmpfiles.d/tidings.conf" ||
		bad "tmpfiles.d: no 0750 tidings state directory /var/opt/td/lib/tidings"
	cmp -s "$srcdir/etc/tidings.conf" "$d/etc/opt/td/tidings/tidings.conf" ||
		bad "the installed tidings.conf differs from etc/tidings.conf"
	# The example feeds point at the installed examples, commented out: a
	# fresh daemon polls nothing until the administrator adds feeds.
	n=$(grep -c '^#/opt/td/share/tidings/examples/ukrainian-news\.' "$d/etc/opt/td/tidings/feeds.d/example.conf")
	[ "$n" -eq 3 ] || bad "installed example.conf: $n commented example feeds, wanted 3"
	grep -q '^[^#]' "$d/etc/opt/td/tidings/feeds.d/example.conf" &&
		bad "installed example.conf has an active line"
	"$TIDINGS" check-config -c "$d/etc/opt/td/tidings/tidings.conf" >"$out/cc" 2>&1 ||
		bad "installed configuration: $(cat "$out/cc")"

	# An administrator's edits survive a second install and uninstall.
	echo '# mine' >>"$d/etc/opt/td/tidings/tidings.conf"
	echo '# mine' >>"$d/etc/opt/td/tidings/feeds.d/example.conf"
	mk -C "$out/b1" install-data DESTDIR="$d" >"$out/install.log" 2>&1 ||
		{ cat "$out/install.log"; exit 1; }
	for f in tidings.conf feeds.d/example.conf; do
		tail -n 1 "$d/etc/opt/td/tidings/$f" | grep -qx '# mine' ||
			bad "a second make install overwrote the edited $f"
	done
	# (install-data skips the program, whose uninstall wants its directory)
	mkdir -p "$d/opt/td/bin"
	mk -C "$out/b1" uninstall DESTDIR="$d" >"$out/uninstall.log" 2>&1 ||
		{ cat "$out/uninstall.log"; exit 1; }
	left=$(files "$d" | tr '\n' ' ')
	[ "$left" = "etc/opt/td/tidings/feeds.d/example.conf etc/opt/td/tidings/tidings.conf " ] ||
		bad "make uninstall after edits left: $left (wanted the two edited files)"
	# Unedited, uninstall takes everything.
	rm -rf "$d"
	mk -C "$out/b1" install-data DESTDIR="$d" >/dev/null 2>&1 &&
	    mkdir -p "$d/opt/td/bin" && mk -C "$out/b1" uninstall DESTDIR="$d" >/dev/null 2>&1 ||
		bad "install-data + uninstall failed"
	left=$(files "$d" | tr '\n' ' ')
	[ -z "$left" ] || bad "make uninstall left: $left"
	[ -e "$d/etc/opt/td/tidings" ] && bad "make uninstall left an empty etc/opt/td/tidings"
	[ "$fail" -eq 0 ] && say "ok: install-data/uninstall with --prefix, --sysconfdir, --localstatedir"
fi

# 2. This build's own make install: the program too, and it runs.
builddir=$(cd "$(dirname "$TIDINGS")/.." && pwd)
d=$out/d2
mk -C "$builddir" install DESTDIR="$d" >"$out/install2.log" 2>&1 ||
	{ cat "$out/install2.log"; exit 1; }
prog=$(files "$d" | grep '/bin/tidings$')
if [ -z "$prog" ]; then
	bad "make install: no bin/tidings"
else
	"$d/$prog" --version >/dev/null || bad "the installed $prog does not run"
fi
for f in tidings.service tidings-run.timer tidings.1 tidings.conf.5 tidings-db.5; do
	files "$d" | grep -q "/$f\$" || bad "make install: no $f"
done
mk -C "$builddir" uninstall DESTDIR="$d" >"$out/uninstall2.log" 2>&1 ||
	{ cat "$out/uninstall2.log"; exit 1; }
left=$(files "$d" | tr '\n' ' ')
[ -z "$left" ] || bad "make uninstall left: $left"
[ "$fail" -eq 0 ] && say "ok: make install DESTDIR= and make uninstall in this build"
exit "$fail"
