#!/bin/sh
# README command 1: install, build, and run tidings on the bundled example
# feeds (examples/), printing what it made of them.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p build
cd build
[ -f Makefile ] || ../configure -q
make -s -j"$(nproc)"
for f in ../examples/ukrainian-news.rss ../examples/ukrainian-news.atom \
    ../examples/ukrainian-news.json ../examples/ukrainian-news-uk-cp1251.rss; do
	echo "== tidings parse $f"
	./src/tidings parse "$f"
done
