#!/usr/bin/env python3
"""Two items with one guid in one feed, and an article whose file name is
taken (issue 16, item 3).  The two items are two articles and get two
files; an article that cannot be delivered is set aside with its reason,
shown by `tidings outbox`, and the articles after it, of every feed, go
out."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
from tidings_test import check, finish  # noqa: E402


def rss(title, items):
    # dated, so that file names do not depend on when a run sees them
    body = "".join("<item><guid>%s</guid><title>%s</title><link>%s</link>"
                   "<description>%s</description>"
                   "<pubDate>Tue, 10 Mar 2020 12:00:00 GMT</pubDate></item>" % it
                   for it in items)
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>%s</title><link>http://example.org/</link>%s"
            "</channel></rss>" % (title, body))


tmp = tempfile.mkdtemp(prefix="e2e_setaside.")
docs = {
    # one guid, two different items (different titles and links)
    "same": rss("Same", [("same", "One", "http://example.org/s/1", "first text"),
                         ("same", "Two", "http://example.org/s/2", "second text"),
                         ("other", "Three", "http://example.org/s/3", "third")]),
    # one guid and one link, two different items
    "both": rss("Both", [("g", "Alpha", "http://example.org/b", "alpha text"),
                         ("g", "Beta", "http://example.org/b", "beta text")]),
    "plain": rss("Plain", [("p%d" % i, "Plain %d" % i, "http://example.org/p/%d" % i,
                            "plain %d" % i) for i in range(5)]),
}
feeds = os.path.join(tmp, "feeds.conf")
with open(feeds, "w") as f:
    for name in ("same", "both", "plain"):
        path = os.path.join(tmp, name + ".xml")
        with open(path, "w") as d:
            d.write(docs[name])
        f.write("file://%s name=%s fulltext=never\n" % (path, name))
NARTICLES = 3 + 2 + 5


def run(*args):
    return subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120, text=True)


def files(d):
    return sorted(n for n in os.listdir(d) if not n.startswith("."))


# ---- two items with one identity: two articles, two files ----
db = os.path.join(tmp, "a.db")
out = os.path.join(tmp, "json")
os.mkdir(out)
r = run("run", "--db", db, "--feeds", feeds, "--export", "json:" + out)
check(r.returncode == 0, "run exports everything", r.stderr)
check(len(files(out)) == NARTICLES, "one file per article", files(out))
ids = set()
titles = set()
for n in files(out):
    with open(os.path.join(out, n)) as f:
        j = json.load(f)
    ids.add(j["identity"])
    titles.add(j["article"]["title"] if "article" in j else j.get("title"))
check(len(ids) == NARTICLES, "each article has an identity of its own", sorted(ids))
r = run("outbox", "--db", db)
check(" 0 pending" in r.stdout, "nothing left in the outbox", r.stdout)

# the same again: nothing new, nothing renamed
r = run("run", "--all", "--db", db, "--feeds", feeds, "--export", "json:" + out)
check(r.returncode == 0 and len(files(out)) == NARTICLES,
      "a second run changes nothing", (r.stderr, files(out)))

# ---- an article whose name is taken is set aside; the others go out ----
conf = os.path.join(tmp, "tidings.conf")
spool = os.path.join(tmp, "spool")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = b.db\nfeeds = %s\n"
            "[export spool]\ndir = spool\nformat = json\nretry_base = 1s\nretry_max = 1s\n" % feeds)
os.mkdir(spool)
# the name the first "same" article will take, holding other bytes
names = files(out)
taken = names[0]
with open(os.path.join(spool, taken), "w") as f:
    f.write("someone else's file\n")
r = run("run", "-c", conf)
check(r.returncode == 1 and "1 article(s) left in the outbox" in r.stderr,
      "run: the one article is left in the outbox", r.stderr)
check(files(spool) == names, "every other article went out", files(spool))
r = run("outbox", "-c", conf)
check("spool: 1 pending" in r.stdout and "set aside" in r.stdout and
      "name collision" in r.stdout, "outbox shows it set aside, and why", r.stdout)
# later articles of every feed pass it too
with open(os.path.join(tmp, "plain.xml"), "w") as d:
    d.write(rss("Plain", [("p%d" % i, "Plain %d" % i, "http://example.org/p/%d" % i,
                           "plain %d" % i) for i in range(7)]))
r = run("run", "--all", "-c", conf)
check(len(files(spool)) == NARTICLES + 2 and
      "1 article(s) left in the outbox" in r.stderr,
      "new articles go out past the one set aside", (r.stderr, files(spool)))
# once the file is out of the way it goes out at its next try
os.remove(os.path.join(spool, taken))
time.sleep(1.1)
r = run("run", "-c", conf)
check(r.returncode == 0 and len(files(spool)) == NARTICLES + 2,
      "delivered once its name is free", (r.stderr, files(spool)))
r = run("outbox", "-c", conf)
check("spool: 0 pending" in r.stdout and "set aside" not in r.stdout,
      "nothing set aside any more", r.stdout)

shutil.rmtree(tmp)
finish()
