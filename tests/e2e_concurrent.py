#!/usr/bin/env python3
"""Several tidings processes on one database at once (issue 16): opening,
creating and migrating a fresh database is safe when processes race for
it (item 5), and any number of runs and a daemon deliver each article once
to a target, also when some of them are killed (item 4)."""
import collections
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

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
        f.write("file://%s name=f%d fulltext=never\n" % (doc, i))


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

# two daemons started at once on a fresh database both keep running
conf2 = os.path.join(tmp, "two.conf")
with open(conf2, "w") as f:
    f.write("[daemon]\ndb = two.db\nfeeds = %s\n" % feeds)
ds = [subprocess.Popen([TIDINGS, "daemon", "-c", conf2], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE) for _ in range(2)]
deadline = time.time() + 30
fs = None
while time.time() < deadline:
    fs = feeds_of(os.path.join(tmp, "two.db")) if os.path.exists(
        os.path.join(tmp, "two.db")) else None
    if isinstance(fs, list) and len(fs) == NFEEDS and \
            all(f["articles"] == NITEMS for f in fs):
        break
    time.sleep(0.2)
alive = [d.poll() is None for d in ds]
for d in ds:
    if d.poll() is None:
        d.send_signal(signal.SIGTERM)
outs = [d.communicate(timeout=60) for d in ds]
check(alive == [True, True] and all(d.returncode == 0 for d in ds),
      "two daemons on a fresh database both run and stop cleanly",
      (alive, [d.returncode for d in ds], [e.decode()[-300:] for _, e in outs]))
check(isinstance(fs, list) and len(fs) == NFEEDS, "and store every feed", fs)

# ---- item 4: each article once per target, whoever delivers it ----
BIG = 50    # items per feed: 4 * 50 articles
with open(feeds, "w") as f:
    for i in range(NFEEDS):
        doc = os.path.join(tmp, "g%d.xml" % i)
        with open(doc, "w") as d:
            d.write(rss("g%d" % i, BIG))
        f.write("file://%s name=g%d fulltext=never\n" % (doc, i))
links = set("http://example.org/g%d/%d" % (i, j) for i in range(NFEEDS) for j in range(BIG))


def command(log, pause="0"):
    # one line per delivery; the pause widens the window between the
    # command and the "done" mark
    return "printf '%%s\\n' \"$TIDINGS_LINK\" >> %s; sleep %s" % (log, pause)


def deliveries(log):
    if not os.path.exists(log):
        return collections.Counter()
    with open(log) as f:
        return collections.Counter(f.read().split())


def settle(procs):
    errs = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        if p.returncode not in (0, -signal.SIGKILL):
            errs.append((p.returncode, err.decode()[-300:]))
    return errs


# several runs at once, all with the same exec target
log = os.path.join(tmp, "runs.log")
db = os.path.join(tmp, "runs.db")
spec = "exec:" + command(log)
errs = settle([start(db, "--export", spec) for _ in range(4)])
got = deliveries(log)
check(not errs, "4 overlapping runs succeed", errs[:2])
check(set(got) == links, "every article delivered", len(set(got)))
check(max(got.values()) == 1, "no article delivered twice by overlapping runs",
      sum(v - 1 for v in got.values()))

# runs killed while delivering: the others (and a last run) finish the
# work; a killed run's command in flight may run again (exec is at least
# once), nothing more
log = os.path.join(tmp, "kills.log")
db = os.path.join(tmp, "kills.db")
spec = "exec:" + command(log, "0.01")
rnd = random.Random(16)
procs = [start(db, "--export", spec) for _ in range(4)]
kills = 0
for p in procs[:2]:
    time.sleep(rnd.uniform(0.3, 1.0))
    p.kill()
    kills += 1
errs = settle(procs)
errs += settle([start(db, "--export", spec)])
got = deliveries(log)
check(not errs, "the runs not killed succeed", errs[:2])
check(set(got) == links, "every article delivered despite the kills", len(set(got)))
dups = sum(v - 1 for v in got.values())
check(dups <= kills, "at most one repeat per killed run", dups)

# a daemon and runs at once, on a configured target
log = os.path.join(tmp, "daemon.log")
conf = os.path.join(tmp, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = daemon.db\nfeeds = %s\n"
            "[export log]\nformat = exec\ncommand = %s\n"
            % (feeds, command(log, "0.005")))
d = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
runs = []
for _ in range(3):
    time.sleep(0.2)
    runs.append(subprocess.Popen([TIDINGS, "run", "--all", "--quiet", "-c", conf],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE))
errs = settle(runs)
deadline = time.time() + 60
while time.time() < deadline and set(deliveries(log)) != links:
    time.sleep(0.2)
time.sleep(0.5)
d.send_signal(signal.SIGTERM)
d.communicate(timeout=60)
got = deliveries(log)
check(not errs, "runs beside a daemon succeed", errs[:2])
check(set(got) == links, "a daemon and runs deliver every article", len(set(got)))
check(max(got.values()) == 1, "a daemon and runs deliver each article once",
      sum(v - 1 for v in got.values()))

shutil.rmtree(tmp)
finish()
