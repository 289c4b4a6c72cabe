#!/usr/bin/env python3
"""Several tidings processes on one database at once (issue 16): opening,
creating and migrating a fresh database is safe when processes race for
it (item 5)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
from tidings_test import check, finish  # noqa: E402

NFEEDS = 4
NITEMS = 20


def rss(feed, nitems):
    items = "".join(
        "<item><guid>%s-%d</guid><title>Item %d of %s</title>"
        "<link>http://example.org/%s/%d</link><description>text %d</description>"
        "</item>" % (feed, i, i, feed, feed, i, i) for i in range(nitems))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>%s</title><link>http://example.org/%s</link>%s"
            "</channel></rss>" % (feed, feed, items))


tmp = tempfile.mkdtemp(prefix="e2e_concurrent.")
feeds = os.path.join(tmp, "feeds.conf")
with open(feeds, "w") as f:
    for i in range(NFEEDS):
        doc = os.path.join(tmp, "f%d.xml" % i)
        with open(doc, "w") as d:
            d.write(rss("f%d" % i, NITEMS))
        f.write("file://%s name=f%d\n" % (doc, i))


def start(db, *args):
    return subprocess.Popen([TIDINGS, "run", "--all", "--quiet", "--db", db,
                             "--feeds", feeds] + list(args),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def feeds_of(db):
    p = subprocess.run([TIDINGS, "feeds", "--db", db, "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return json.loads(p.stdout) if p.returncode == 0 else p.stderr.decode()


# ---- item 5: processes racing for a fresh database ----
bad = []
for attempt in range(12):
    db = os.path.join(tmp, "fresh%d.db" % attempt)
    procs = [start(db) for _ in range(8)]
    for p in procs:
        out, err = p.communicate(timeout=120)
        if p.returncode != 0:
            bad.append((attempt, p.returncode, err.decode()))
    fs = feeds_of(db)
    if not isinstance(fs, list) or len(fs) != NFEEDS or \
            any(f["articles"] != NITEMS for f in fs):
        bad.append((attempt, "feeds", fs))
check(not bad, "8 runs at once on a fresh database all succeed, 12 times", bad[:3])

shutil.rmtree(tmp)
finish()
