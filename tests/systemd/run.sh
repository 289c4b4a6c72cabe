#!/bin/sh
# tidings' Debian package under a real systemd: boots a Debian 12 system
# container, installs the .deb inside and runs tests/systemd/checks.py
# against it (what is checked: the top of checks.py).
#
#   sh tests/systemd/run.sh [DEB]
#
# DEB is a tidings_*.deb or a directory holding one (for example the
# OUTDIR of tests/deb/build.sh); without it the package is built first with
# `DEB_BUILD_OPTIONS="nocheck parallel=N" sh tests/deb/build.sh` (lintian
# included: a lintian error or warning fails the run).
#
# The container: `debootstrap --variant=minbase` of bookworm from the
# mirror this machine's apt uses (or $TIDINGS_DEBIAN_MIRROR), with systemd,
# dbus, python3 (the feed server) and the package's dependencies, cached
# in $TIDINGS_SYSTEMD_DIR (default build-systemd/ in the checkout) so that
# a rerun skips it.  It boots with
#   systemd-nspawn --register=no --keep-unit --boot --private-network
#       --volatile=overlay
# (the cached tree stays as debootstrap left it: every change of a run
# goes to a tmpfs; --private-network leaves the container its own
# loopback and nothing else), and commands go in with `nsenter -t PID -a`
# on the container's init.  The feeds are served on 127.0.0.1:8080 inside
# the container.
#
# Needs root, cgroups and a reachable Debian mirror (for the first
# debootstrap; the checks themselves use no network).  Where a container
# cannot boot, it says why and exits 77 (skipped).  The container's boot
# log and journal end up in $TIDINGS_SYSTEMD_DIR/last/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/systemd
build=${TIDINGS_SYSTEMD_DIR:-$top/build-systemd}
suite=bookworm
start=$(date +%s)

skip() {
	echo "SKIP: $*"
	exit 77
}

[ "$(id -u)" -eq 0 ] ||
	skip "needs root (debootstrap and systemd-nspawn)"
[ -d /sys/fs/cgroup ] && grep -q '^cgroup' /proc/mounts ||
	skip "no cgroup file system mounted: systemd cannot boot in a container"
command -v debootstrap >/dev/null && command -v systemd-nspawn >/dev/null &&
	command -v nsenter >/dev/null ||
	EXTRA_PKGS="debootstrap systemd-container" sh "$top/scripts/deps.sh" ||
	skip "could not install debootstrap and systemd-container"

# The package.
deb=${1:-}
if [ -z "$deb" ]; then
	opts="nocheck parallel=$(nproc)"
	echo "building the package: DEB_BUILD_OPTIONS='$opts' sh tests/deb/build.sh $build/deb"
	mkdir -p "$build"
	DEB_BUILD_OPTIONS=$opts sh "$top/tests/deb/build.sh" "$build/deb" \
		>"$build/deb.log" 2>&1 || {
		tail -n 40 "$build/deb.log"
		echo "FAIL: the package did not build (log: $build/deb.log)"
		exit 1
	}
	deb=$build/deb
fi
if [ -d "$deb" ]; then
	deb=$(ls "$deb"/tidings_*.deb 2>/dev/null | head -n 1)
fi
[ -f "$deb" ] || { echo "FAIL: no tidings_*.deb at ${1:-$build/deb}"; exit 1; }
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
echo "package: $deb"

# The mirror: the first one of apt's sources that carries $suite.
mirror=${TIDINGS_DEBIAN_MIRROR:-}
if [ -z "$mirror" ]; then
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		mirror=$(awk -v s="$suite" '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == s) { print $i; exit }
		}' "$f")
		[ -z "$mirror" ] || break
	done
fi
if [ -z "$mirror" ]; then
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		mirror=$(awk -v s="$suite" 'BEGIN { RS = "" } {
			u = ""; su = ""; t = ""
			n = split($0, l, "\n")
			for (i = 1; i <= n; i++) {
				if (l[i] ~ /^URIs:/) u = substr(l[i], 6)
				if (l[i] ~ /^Suites:/) su = substr(l[i], 8)
				if (l[i] ~ /^Types:/) t = substr(l[i], 7)
			}
			if ((" " t " ") ~ / deb / && (" " su " ") ~ (" " s " ")) {
				split(u, w, " "); print w[1]; exit
			}
		}' "$f")
		[ -z "$mirror" ] || break
	done
fi
[ -n "$mirror" ] ||
	skip "no Debian $suite mirror in /etc/apt/sources.list* (set TIDINGS_DEBIAN_MIRROR)"

# The root file system, cached by what it includes.  The package's own
# dependencies (first alternatives, no versions) are in it, so that apt
# installs the .deb inside without a network.
deps=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' |
	sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$' | sort -u)
include=$(printf '%s\n' systemd systemd-sysv dbus python3 $deps |
	sort -u | paste -sd, -)
key=$(printf '%s %s\n' "$suite" "$include" | sha1sum | cut -c1-10)
rootfs=$build/rootfs-$suite-$key
mkdir -p "$build"
if [ ! -x "$rootfs/lib/systemd/systemd" ]; then
	for old in "$build"/rootfs-*; do
		[ -d "$old" ] && [ "$old" != "$rootfs" ] && rm -rf "$old"
	done
	echo "debootstrap --variant=minbase --include=$include $suite $mirror"
	rm -rf "$rootfs.tmp"
	t0=$(date +%s)
	debootstrap --variant=minbase --include="$include" "$suite" \
		"$rootfs.tmp" "$mirror" >"$build/debootstrap.log" 2>&1 || {
		tail -n 15 "$build/debootstrap.log"
		rm -rf "$rootfs.tmp"
		skip "debootstrap from $mirror failed (log: $build/debootstrap.log)"
	}
	# Nothing the checks need; quieter and quicker boots.
	rm -f "$rootfs.tmp"/etc/systemd/system/timers.target.wants/apt-daily*.timer
	mv "$rootfs.tmp" "$rootfs"
	echo "root file system made in $(( $(date +%s) - t0 ))s: $rootfs"
else
	echo "root file system (cached): $rootfs"
fi

# What the container sees in /srv/test, where the README's commands run:
# build-deb/ with the package, the feed server and the tests' library, and
# the feeds directory that checks.py writes.
last=$build/last
rm -rf "$last"
mkdir -p "$last/share/feeds" "$last/share/lib"
mkdir "$last/share/build-deb"
cp "$deb" "$last/share/build-deb/"
cp "$here/feedserver.py" "$last/share/"
cp "$top/tests/lib/tidings_test.py" "$last/share/lib/"

nspawn=
stop_container() {
	[ -n "$nspawn" ] || return 0
	if kill -0 "$nspawn" 2>/dev/null; then
		# SIGTERM: nspawn asks the container's systemd to power off.
		kill "$nspawn" 2>/dev/null || true
		i=0
		while kill -0 "$nspawn" 2>/dev/null && [ $i -lt 60 ]; do
			sleep 0.5
			i=$((i + 1))
		done
		kill -KILL "$nspawn" 2>/dev/null || true
	fi
	wait "$nspawn" 2>/dev/null || true
	nspawn=
}
trap 'stop_container' EXIT
trap 'exit 130' INT TERM

echo "booting: systemd-nspawn --register=no --keep-unit --boot --private-network --volatile=overlay -D $rootfs"
systemd-nspawn --register=no --keep-unit --boot --private-network \
	--volatile=overlay --console=read-only --machine=tidings-test \
	--bind="$last/share:/srv/test" -D "$rootfs" \
	</dev/null >"$last/boot.log" 2>&1 &
nspawn=$!
t0=$(date +%s)
pid=
state=
while [ $(( $(date +%s) - t0 )) -lt 90 ]; do
	kill -0 "$nspawn" 2>/dev/null || break
	# nspawn's child becomes the container's systemd (an intermediate
	# child comes and goes first).
	pid=$(pgrep -o -P "$nspawn" || true)
	if [ -n "$pid" ] && [ "$(cat /proc/"$pid"/comm 2>/dev/null)" = systemd ]; then
		state=$(nsenter -t "$pid" -a /bin/systemctl is-system-running \
			2>/dev/null || true)
		case $state in
		running | degraded) break ;;
		esac
	fi
	sleep 0.5
done
case $state in
running | degraded) ;;
*)
	tail -n 20 "$last/boot.log"
	skip "the container did not boot (state '${state:-none}' after $(( $(date +%s) - t0 ))s; log: $last/boot.log)"
	;;
esac
echo "booted in $(( $(date +%s) - t0 ))s: systemctl is-system-running = $state (init: pid $pid)"
[ "$state" = running ] ||
	nsenter -t "$pid" -a /bin/systemctl --failed --no-legend --no-pager

status=0
python3 "$here/checks.py" "$pid" "$last/share" || status=$?
nsenter -t "$pid" -a /bin/journalctl --no-pager -o short-precise \
	>"$last/journal.txt" 2>&1 || true
stop_container
echo "tests/systemd/run.sh: $(( $(date +%s) - start ))s in all on $(uname -n) ($(uname -r)); journal: $last/journal.txt"
exit "$status"
