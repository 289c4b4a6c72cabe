#!/bin/sh
# README command 1: install, build, and run the main job on the bundled
# example feeds: one real cycle (fetch, store, export) over the feed list
# etc/feeds.d/example.conf, which names examples/ as file:// feeds.  Run it
# again and nothing new is exported: every article goes out exactly once.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p build
(cd build && { [ -f Makefile ] || ../configure -q; } && make -s -j"$(nproc)")

db=build/example/tidings.db
out=build/example/articles
mkdir -p build/example
echo "== tidings run --db $db --feeds etc/feeds.d/example.conf --export text:$out"
build/src/tidings run --db "$db" --feeds etc/feeds.d/example.conf \
    --export "text:$out"
echo
echo "database:       $(pwd)/$db"
echo "exported files: $(pwd)/$out/"
ls -l "$out"
for f in "$out"/*; do
	if cmp -s "$f" examples/ukrainian-news-article.txt; then
		echo "$f is byte for byte examples/ukrainian-news-article.txt"
	fi
done
echo
echo "== tidings outbox --db $db"
build/src/tidings outbox --db "$db"
