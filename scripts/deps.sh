#!/bin/sh
# Installs what tidings needs to build and test on Debian 12 (as root, or
# through sudo when it is there).  Safe to run again.
set -eu
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
PKGS="build-essential autoconf automake pkg-config libxml2-dev
libcurl4-openssl-dev libsqlite3-dev libjansson-dev check python3 sqlite3
clang libclang-rt-14-dev valgrind libicu-dev liblzma-dev zlib1g-dev
prometheus strace systemd man-db libpq-dev postgresql"
missing=
for p in $PKGS; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -n "${EXTRA_PKGS:-}" ] && missing="$missing $EXTRA_PKGS"
if [ -n "$missing" ]; then
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
