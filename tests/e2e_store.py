#!/usr/bin/env python3
"""The store through the real binary: ingest, articles, show, search, and a
second process reading while tidings writes."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
EXAMPLES = os.environ.get("EXAMPLES_DIR", os.path.join(
    os.environ.get("TESTS_DIR", "tests"), "..", "examples"))
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def tid(*args, stdin=None):
    return subprocess.run([TIDINGS, *args], capture_output=True, text=True,
                          input=stdin, timeout=120)


def json_feed(path, first, count, title="gen"):
    items = [{"id": "item-%d" % i,
              "url": "https://gen.example/%d" % i,
              "title": "Generated item %d" % i,
              "content_text": "Body of generated item %d, with words." % i}
             for i in range(first, first + count)]
    with open(path, "w") as f:
        json.dump({"version": "https://jsonfeed.org/version/1.1",
                   "title": title, "items": items}, f)


def examples(tmp):
    """The reference article in three formats, under one feed, twice:
    one article (they share the canonical link), plus the RSS's second
    item."""
    db = os.path.join(tmp, "ex.db")
    files = [os.path.join(EXAMPLES, "ukrainian-news." + x)
             for x in ("rss", "atom", "json")]
    probe = tid("parse", files[0])
    if probe.returncode != 0:
        print("SKIP: the XML parser cannot read the example feeds yet: "
              + probe.stderr.strip())
        return 77
    want = [
        ["2 new, 0 updated, 0 duplicate, 0 unchanged",
         "0 new, 0 updated, 0 duplicate, 1 unchanged",
         "0 new, 0 updated, 0 duplicate, 1 unchanged"],
        ["0 new, 0 updated, 0 duplicate, 2 unchanged",
         "0 new, 0 updated, 0 duplicate, 1 unchanged",
         "0 new, 0 updated, 0 duplicate, 1 unchanged"],
    ]
    for rnd in range(2):
        r = tid("ingest", "--db", db, "--feed-url",
                "https://ukranews.example/en/rss/", "--feed-name", "ukr",
                *files)
        check(r.returncode == 0, "ingest examples, round %d: %s"
              % (rnd + 1, r.stderr.strip()))
        lines = r.stdout.splitlines()
        check(lines == ["%s: %s" % (f, w) for f, w in zip(files, want[rnd])],
              "ingest report, round %d: %r" % (rnd + 1, lines))
    con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    n, = con.execute("SELECT count(*) FROM articles_v1 WHERE link = "
                     "'https://ukranews.example/en/news/"
                     "793512-blinken-meets-zelensky-in-kyiv'").fetchone()
    check(n == 1, "the reference article is stored once (%d)" % n)
    aid, = con.execute("SELECT id FROM articles_v1 WHERE title LIKE "
                       "'Blinken%'").fetchone()
    total, = con.execute("SELECT count(*) FROM articles_v1").fetchone()
    check(total == 2, "two articles in all (%d)" % total)
    con.close()

    r = tid("articles", "--db", db, "--json")
    arts = json.loads(r.stdout)
    check(r.returncode == 0 and len(arts) == 2, "articles --json lists 2")
    check(arts[0]["title"].startswith("Blinken"), "newest first")
    r = tid("articles", "--db", db, "--feed", "ukr", "--limit", "1")
    check(r.returncode == 0 and len(r.stdout.splitlines()) == 1,
          "articles --feed NAME --limit 1")
    r = tid("articles", "--db", db, "--feed",
            "https://ukranews.example/en/rss/", "--since",
            "2021-05-06T11:00:00Z")
    check(r.returncode == 0 and r.stdout.count("\n") == 1
          and "Blinken" in r.stdout, "articles --feed URL --since")
    r = tid("articles", "--db", db, "--feed", "nope")
    check(r.returncode == 1 and "nope" in r.stderr, "unknown feed: error")
    r = tid("articles", "--db", db, "--since", "yesterdayish")
    check(r.returncode == 2, "bad --since: usage error")

    r = tid("show", "--db", db, "--text", str(aid))
    with open(os.path.join(EXAMPLES, "ukrainian-news-article.txt")) as f:
        want_text = f.read()
    check(r.returncode == 0 and r.stdout == want_text,
          "show --text is the reference text, byte for byte")
    r = tid("show", "--db", db, "--json", str(aid))
    rec = json.loads(r.stdout) if r.returncode == 0 else {}
    check(rec.get("store_id") == aid and rec.get("revision") == 1
          and rec.get("feed_title") == "Ukrainian News"
          and rec.get("published_local") == "2021-05-06T15:00:00+03:00",
          "show --json")
    r = tid("show", "--db", db, "99999")
    check(r.returncode == 1 and "99999" in r.stderr, "show unknown id")
    # A file ingested without --feed-url: relative links in the stored
    # HTML resolve against the feed's declared location.
    db2 = os.path.join(tmp, "nourl.db")
    r = tid("ingest", "--db", db2, files[0])
    check(r.returncode == 0, "ingest without --feed-url: %s" % r.stderr)
    r = tid("show", "--db", db2, "--json", "ukranews-793512")
    rec = json.loads(r.stdout) if r.returncode == 0 else {}
    check('href="https://ukranews.example/tags/antony-blinken"'
          in (rec.get("content") or "") and 'href="/' not in
          (rec.get("content") or ""), "stored links are absolute: %r"
          % (rec.get("content") or "")[:200])
    # What articles --json shows as "id", and the link, name the article.
    ref = [a for a in arts if a["title"].startswith("Blinken")][0]
    for key in ("id", "guid", "link"):
        r = tid("show", "--db", db, ref[key])
        check(r.returncode == 0 and r.stdout == want_text,
              "show by its %s %r: %s" % (key, ref[key], r.stderr.strip()))
    # One guid in two feeds: two articles; the id lists both, exit 1.
    for i, url in enumerate(("https://a.example/f", "https://b.example/f")):
        doc = os.path.join(tmp, "same-guid-%d.rss" % i)
        with open(doc, "w") as f:
            f.write('<rss version="2.0"><channel><title>T%d</title><item>'
                    '<guid isPermaLink="false">same-guid</guid><title>Item %d'
                    '</title><description>body %d</description></item>'
                    '</channel></rss>' % (i, i, i))
        r = tid("ingest", "--db", db, "--feed-url", url, doc)
        check(r.returncode == 0, "ingest same-guid %d: %s" % (i, r.stderr))
    r = tid("show", "--db", db, "same-guid")
    check(r.returncode == 1 and "2 articles" in r.stderr
          and "Item 0" in r.stderr and "Item 1" in r.stderr,
          "an id two articles share lists both: %r" % r.stderr)
    r = tid("search", "--db", db, "Zelensky")
    check(r.returncode == 0 and r.stdout.startswith("%d\t" % aid)
          and r.stdout.count("\n") == 1, "search finds the article")
    r = tid("search", "--db", db, "metro")
    check(r.returncode == 0 and "Kyiv metro" in r.stdout, "search metro")
    r = tid("search", "--db", db, "nothing-like-this")
    check(r.returncode == 0 and r.stdout == "", "search without hits")
    return 0


READER = r"""
import sqlite3, sys, time
db = sys.argv[1]
con = sqlite3.connect(db, isolation_level=None, timeout=1)
con.execute("BEGIN")
n0 = con.execute("SELECT count(*) FROM articles").fetchone()[0]
print("ready", n0, flush=True)
sys.stdin.readline()    # hold the snapshot until the writer is done
n1 = con.execute("SELECT count(*) FROM articles").fetchone()[0]
e1 = con.execute("SELECT count(*) FROM events").fetchone()[0]
con.execute("COMMIT")
n2 = con.execute("SELECT count(*) FROM articles").fetchone()[0]
print("done", n0, n1, e1, n2, flush=True)
"""

POLLER = r"""
import sqlite3, sys, time
db, secs = sys.argv[1], float(sys.argv[2])
con = sqlite3.connect(db, isolation_level=None, timeout=5)
seen = set()
end = time.time() + secs
while time.time() < end:
    con.execute("BEGIN")
    a = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    e = con.execute("SELECT count(*) FROM events").fetchone()[0]
    k = con.execute("SELECT count(*) FROM article_feeds").fetchone()[0]
    con.execute("COMMIT")
    seen.add((a, e, k))
print(" ".join("%d,%d,%d" % t for t in sorted(seen)), flush=True)
"""


def concurrency(tmp):
    """A consumer holding a read transaction never blocks the writer and
    never sees half a batch."""
    db = os.path.join(tmp, "conc.db")
    per, nfiles = 250, 16
    files = []
    for i in range(nfiles):
        p = os.path.join(tmp, "gen%02d.json" % i)
        json_feed(p, i * per, per)
        files.append(p)
    r = tid("ingest", "--db", db, "--feed-url", "https://gen.example/feed",
            files[0])
    check(r.returncode == 0, "seed batch: " + r.stderr.strip())

    reader = subprocess.Popen([sys.executable, "-c", READER, db],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    first = reader.stdout.readline().split()
    check(first[:1] == ["ready"], "reader holds a read transaction")
    poller = subprocess.Popen([sys.executable, "-c", POLLER, db, "4"],
                              stdout=subprocess.PIPE, text=True)
    t0 = time.time()
    # one process per file: every file is one batch, committed apart
    for p in files[1:]:
        r = tid("ingest", "--db", db, "--feed-url",
                "https://gen.example/feed", p)
        if r.returncode != 0:
            break
    took = time.time() - t0
    check(r.returncode == 0, "writer ran while the reader held its "
          "snapshot: " + r.stderr.strip())
    check(reader.poll() is None,
          "writer finished (%.2f s) while the reader held on" % took)
    out, _ = reader.communicate("go\n", timeout=60)
    _, n0, n1, e1, n2 = out.split()
    check(n0 == n1 == str(per), "reader's snapshot stayed at %s (%s, %s)"
          % (per, n0, n1))
    check(e1 == str(per), "reader's events match its articles")
    check(n2 == str(per * nfiles), "after its transaction the reader sees "
          "everything (%s)" % n2)
    out, _ = poller.communicate(timeout=60)
    snaps = [tuple(map(int, s.split(","))) for s in out.split()]
    bad = [s for s in snaps if s[0] % per or s[0] != s[1] or s[0] != s[2]]
    check(len(snaps) >= 1 and not bad,
          "poller saw only whole batches (%d snapshots, bad: %r)"
          % (len(snaps), bad[:5]))


POD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"
 xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel><title>Pod</title><link>https://pod.example/</link>
<description>A podcast</description>
<item><title>Episode one</title><link>https://pod.example/1</link>
<guid>pod-1</guid><description>%s</description>
<media:thumbnail url="https://pod.example/1.jpg"/>
<itunes:duration>1:02:03</itunes:duration>
<slash:comments>%d</slash:comments></item>
<item><title>Episode two</title><link>https://pod.example/2</link>
<guid>pod-2</guid><description>We talk about tunnels.</description></item>
</channel></rss>
"""


def media(tmp):
    """An item's picture, duration and comment count reach articles_v2,
    show --json and the JSON export; articles_v1 stays as it was."""
    db = os.path.join(tmp, "pod.db")
    feed = os.path.join(tmp, "pod.xml")

    def ingest(text, comments):
        with open(feed, "w") as f:
            f.write(POD % (text, comments))
        return tid("ingest", "--db", db, "--feed-url",
                   "https://pod.example/feed", feed)

    r = ingest("We talk about bridges.", 7)
    check(r.returncode == 0 and r.stdout.endswith(
        ": 2 new, 0 updated, 0 duplicate, 0 unchanged\n"),
        "ingest the podcast: %r %r" % (r.stdout, r.stderr))

    def rows():
        con = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
        got = con.execute("SELECT title, image, duration, comment_count,"
                          " revision FROM articles_v2 ORDER BY id").fetchall()
        v1 = [c[1] for c in con.execute("PRAGMA table_info(articles_v1)")]
        v2 = [c[1] for c in con.execute("PRAGMA table_info(articles_v2)")]
        ver, = con.execute("PRAGMA user_version").fetchone()
        con.close()
        return got, v1, v2, ver

    got, v1, v2, ver = rows()
    check(ver >= 5, "schema version 5 or later (%d)" % ver)
    check(got == [("Episode one", "https://pod.example/1.jpg", 3723, 7, 1),
                  ("Episode two", None, None, None, 1)],
          "articles_v2 has image, duration, comment_count: %r" % got)
    check(len(v1) == 27 and not {"image", "duration", "comment_count"}
          & set(v1), "articles_v1 keeps its 27 columns: %r" % v1)
    check(v2 == v1 + ["image", "duration", "comment_count"],
          "articles_v2 is articles_v1 and three more: %r" % v2)

    r = tid("show", "--db", db, "--json", "1")
    rec = json.loads(r.stdout) if r.returncode == 0 else {}
    check(rec.get("image") == "https://pod.example/1.jpg"
          and rec.get("duration") == 3723 and rec.get("comment_count") == 7,
          "show --json prints them: %r" % rec)
    r = tid("show", "--db", db, "--json", "2")
    rec = json.loads(r.stdout) if r.returncode == 0 else {}
    check("image" in rec and rec.get("image") is None
          and rec.get("duration") is None
          and rec.get("comment_count") is None,
          "show --json: null when absent")
    out = os.path.join(tmp, "podout")
    os.mkdir(out)
    r = tid("export", "--db", db, "--target", "json:" + out)
    docs = []
    for name in sorted(os.listdir(out)):
        with open(os.path.join(out, name)) as f:
            docs.append(json.load(f)["article"])
    one = [d for d in docs if d.get("title") == "Episode one"]
    check(r.returncode == 0 and len(docs) == 2 and len(one) == 1
          and one[0].get("image") == "https://pod.example/1.jpg"
          and one[0].get("duration") == 3723
          and one[0].get("comment_count") == 7,
          "the JSON export prints them: %r" % one)

    # more comments, nothing else: no update, the stored count stays
    r = ingest("We talk about bridges.", 9)
    check(r.stdout.endswith(": 0 new, 0 updated, 0 duplicate, 2 unchanged\n"),
          "a new comment count alone is no update: %r" % r.stdout)
    got, _, _, _ = rows()
    check(got[0][3:] == (7, 1), "the stored count stays: %r" % (got[0],))
    # a new text: an update, with the count of that version
    r = ingest("We talk about bridges and ferries.", 11)
    check(r.stdout.endswith(": 0 new, 1 updated, 0 duplicate, 1 unchanged\n"),
          "a new text is an update: %r" % r.stdout)
    got, _, _, _ = rows()
    check(got[0] == ("Episode one", "https://pod.example/1.jpg", 3723, 11, 2),
          "the update stores the new count: %r" % (got[0],))


def errors(tmp):
    missing = os.path.join(tmp, "no", "such.db")
    for cmd in (["articles"], ["show", "1"], ["search", "x"]):
        r = tid(*cmd, "--db", missing)
        check(r.returncode == 1 and missing in r.stderr,
              "%s on a missing db names it" % cmd[0])
    check(not os.path.exists(missing), "readers never create a database")
    db = os.path.join(tmp, "err.db")
    good = os.path.join(tmp, "good.json")
    json_feed(good, 0, 3)
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write("this is not a feed")
    r = tid("ingest", "--db", db, os.path.join(tmp, "absent.xml"), bad, good)
    check(r.returncode == 1, "ingest with a bad file fails")
    check("absent.xml" in r.stderr and "bad.json" in r.stderr,
          "ingest errors name the files")
    check(r.stdout == "%s: 3 new, 0 updated, 0 duplicate, 0 unchanged\n"
          % good, "the good file is still ingested")
    # without --feed-url each file is its own feed, the same on re-ingest
    r = tid("ingest", "--db", db, good)
    check(r.stdout.endswith("0 new, 0 updated, 0 duplicate, 3 unchanged\n"),
          "the same file is the same feed")
    r = tid("ingest", "--db", db, "--identity", "sometimes", good)
    check(r.returncode == 2, "bad --identity: usage error")
    r = tid("ingest", "--db", db)
    check(r.returncode == 2, "ingest without files: usage error")


def main():
    tmp = tempfile.mkdtemp(prefix="e2e_store.")
    try:
        skipped = examples(tmp)
        concurrency(tmp)
        media(tmp)
        errors(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 77 if skipped == 77 else 0


if __name__ == "__main__":
    sys.exit(main())
