#!/bin/sh
# The reference article in all three formats must come out of `tidings
# parse` as the same record: the text export's paragraphs, title, author,
# date and a link without tracking parameters; and the windows-1251 feed
# must come out as correct Ukrainian.
set -u
: "${TIDINGS:?}"
: "${TESTS_DIR:?}"
dir=${EXAMPLES_DIR:-$TESTS_DIR/../examples}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

for f in ukrainian-news.rss ukrainian-news.atom ukrainian-news.json; do
	if ! "$TIDINGS" parse "$dir/$f" >"$tmp/out.json" 2>"$tmp/err"; then
		echo "FAIL: $f: exit status $?"; cat "$tmp/err"; fail=1; continue
	fi
	python3 - "$tmp/out.json" "$dir/ukrainian-news-article.txt" "$f" <<'EOF' || fail=1
import json, re, sys
out, ref, name = sys.argv[1:4]
doc = json.load(open(out, encoding="utf-8"))
lines = open(ref, encoding="utf-8").read().split("\n")
want_text = "\n".join(lines[6:]).rstrip("\n")
item = doc["items"][0]
bad = []
def check(what, got, want):
    if got != want:
        bad.append("%s: got %r, want %r" % (what, got, want))
check("title", item["title"], lines[0])
check("author", item["author"], "Canan Kevser")
check("published", item["published"], "2021-05-06T12:00:00Z")
check("text", item["text"], want_text)
link = item["link"] or ""
if "utm_" in link or not link.startswith("https://ukranews.example/en/news/793512"):
    bad.append("link: %r" % link)
check("feed title", doc.get("title"), lines[2])
# No document URL is given: relative links resolve against the feed's
# declared location (rel="self", else its link; xml:base in the Atom).
content = item["content"] or ""
if 'href="https://ukranews.example/tags/antony-blinken"' not in content \
        or re.search(r'(href|src)="/', content):
    bad.append("relative links left unresolved: %r" % content[:300])
if doc.get("bozo"):
    bad.append("bozo: %r" % doc.get("bozo_message"))
for b in bad:
    print("FAIL: %s: %s" % (name, b))
if not bad:
    print("ok: %s" % name)
sys.exit(1 if bad else 0)
EOF
done

f=ukrainian-news-uk-cp1251.rss
if ! "$TIDINGS" parse "$dir/$f" >"$tmp/out.json" 2>"$tmp/err"; then
	echo "FAIL: $f: exit status $?"; cat "$tmp/err"; fail=1
else
	python3 - "$tmp/out.json" "$dir/$f" <<'EOF' || fail=1
import json, re, sys
out, src = sys.argv[1:3]
raw = open(src, "rb").read().decode("cp1251")
doc = json.load(open(out, encoding="utf-8"))
bad = []
want_feed = re.search(r"<title>(.*?)</title>", raw).group(1)
want_item = re.findall(r"<title>(.*?)</title>", raw)[1]
want_author = re.search(r"<dc:creator>(.*?)</dc:creator>", raw).group(1)
if doc.get("title") != want_feed:
    bad.append("feed title %r, want %r" % (doc.get("title"), want_feed))
item = doc["items"][0]
if item["title"] != want_item:
    bad.append("item title %r, want %r" % (item["title"], want_item))
if item["author"] != want_author:
    bad.append("author %r, want %r" % (item["author"], want_author))
text = item["text"] or ""
for ch in "іїєґ":
    if ch not in (text + item["title"]).lower():
        bad.append("no %r in the item" % ch)
if "\ufffd" in json.dumps(doc, ensure_ascii=False):
    bad.append("replacement characters in the output")
for b in bad:
    print("FAIL: cp1251: %s" % b)
if not bad:
    print("ok: cp1251")
sys.exit(1 if bad else 0)
EOF
fi
exit $fail
