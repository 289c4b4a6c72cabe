#!/bin/sh
# Builds the Debian package (dpkg-buildpackage -us -uc -b) from this
# checkout, in a temporary copy so that nothing lands beside the
# repository, then runs lintian on it and fails on any error or warning.
# The .deb, the .changes and the lintian report end up in OUTDIR (default
# build-deb/ in the checkout).  Slow (the build runs make check): not part
# of make check.  DEB_BUILD_OPTIONS=nocheck skips the tests.
#
#   sh tests/deb/build.sh [OUTDIR]
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:-$top/build-deb}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# What the build needs beyond scripts/deps.sh.
need=
for p in debhelper dpkg-dev fakeroot lintian; do
	dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
[ -z "$need" ] || EXTRA_PKGS="$need" sh "$top/scripts/deps.sh"
sh "$top/scripts/deps.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tidings"
# The files git knows (committed or not), else the tree without builds.
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		tar -cf - --no-recursion --null -T -) | tar -xf - -C "$work/tidings"
else
	(cd "$top" && tar -cf - --exclude='./build*' --exclude=./debian/build .) |
		tar -xf - -C "$work/tidings"
fi

start=$(date +%s)
(cd "$work/tidings" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 || {
	tail -n 60 "$out/build.log"
	echo "dpkg-buildpackage failed; the whole log: $out/build.log"
	exit 1
}
echo "built in $(( $(date +%s) - start ))s:"
rm -f "$out"/tidings_*.deb "$out"/tidings-dbgsym_*.deb "$out"/tidings_*.changes \
	"$out"/tidings_*.buildinfo
cp "$work"/*.deb "$work"/*.changes "$work"/*.buildinfo "$out"/
ls -l "$out"/*.deb

status=0
lintian --info --display-info --fail-on error,warning "$out"/tidings_*.changes \
	>"$out/lintian.txt" 2>&1 || status=$?
cat "$out/lintian.txt"
e=$(grep -c '^E: ' "$out/lintian.txt" || true)
w=$(grep -c '^W: ' "$out/lintian.txt" || true)
echo "lintian: $e error(s), $w warning(s)"
exit "$status"
