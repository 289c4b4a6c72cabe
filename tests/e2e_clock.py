#!/usr/bin/env python3
"""The wall clock stepped under a running daemon (issue 13): set back a
day, then forward a week.  No feed starves, none is polled in a tight
loop, and retention keeps what it should: with keep_days = 3, articles
that left their feed a moment ago are not removed when the clock says a
week has passed.  `tidings run` after a step back checks every feed.

The daemon runs with tests/clockshift.so preloaded (in the manner of
libfaketime): its wall clock is the real one plus the seconds in the file
$TIDINGS_TEST_CLOCK_FILE names, which this test rewrites."""
import collections
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
CLOCKSHIFT = os.environ.get("CLOCKSHIFT", "tests/clockshift.so")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

NFEEDS = 4
INTERVAL = 3
lock = threading.Lock()
hits = collections.defaultdict(list)   # feed -> real times of requests
phase = {"old_items": True}


class Handler(tidings_test.Handler):
    """Items 0-9 at first; later only 5-9, so that 0-4 are kept by
    retention only for their age."""
    def do_GET(self):
        feed = self.path.strip("/").split(".")[0]
        with lock:
            hits[feed].append(time.time())
            first = 0 if phase["old_items"] else 5
        items = "".join(
            '<item><guid isPermaLink="false">%s-%d</guid><title>Item %d</title></item>' % (feed, i, i)
            for i in range(first, 10))
        body = ('<?xml version="1.0"?><rss version="2.0"><channel>'
                "<title>%s</title>%s</channel></rss>" % (feed, items))
        self.send(200, body.encode(), [("Content-Type", "application/rss+xml")])


def wait_for(pred, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def polls_since(t0):
    with lock:
        return {f: sum(1 for t in hits[f] if t >= t0) for f in
                ("f%d" % i for i in range(NFEEDS))}


if not os.path.exists(CLOCKSHIFT):
    print("skip: %s is not built" % CLOCKSHIFT)
    sys.exit(77)

server, BASE = serve(Handler)
tmp = tempfile.mkdtemp(prefix="e2e_clock.")
db = os.path.join(tmp, "state.db")
clock = os.path.join(tmp, "clock")
with open(clock, "w") as f:
    f.write("0\n")
with open(os.path.join(tmp, "feeds.conf"), "w") as f:
    for i in range(NFEEDS):
        f.write("%s/f%d.xml name=f%d interval=%ds\n" % (BASE, i, i, INTERVAL))
conf = os.path.join(tmp, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = state.db\nfeeds = feeds.conf\n"
            "[store]\nkeep_days = 3\n[fetch]\nhost_rate = 0\nstartup_spread = 0\nmin_interval = 1s\n")
env = dict(os.environ, TIDINGS_TEST_CLOCK_FILE=clock,
           LD_PRELOAD=CLOCKSHIFT,
           ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
           ":verify_asan_link_order=0")
errpath = os.path.join(tmp, "stderr")
errf = open(errpath, "w+")
d = subprocess.Popen([TIDINGS, "daemon", "-c", conf], env=env,
                     stdout=subprocess.DEVNULL, stderr=errf)


def stderr():
    with open(errpath) as f:
        return f.read()


def guids():
    if not os.path.exists(db):
        return set()
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return set(r[0] for r in c.execute("SELECT guid FROM articles"))
    except sqlite3.OperationalError:
        return set()
    finally:
        c.close()


def set_clock(offset):
    with open(clock + ".tmp", "w") as f:
        f.write("%d\n" % offset)
    os.rename(clock + ".tmp", clock)


check(wait_for(lambda: len(guids()) == NFEEDS * 10), "the daemon stores articles")
with lock:
    phase["old_items"] = False
t0 = time.time()
check(wait_for(lambda: min(polls_since(t0).values()) >= 2, 30),
      "every feed is polled on its interval", polls_since(t0))

WINDOW = 4 * INTERVAL
for offset, what in ((-86400, "back a day"), (-86400 + 7 * 86400, "forward a week")):
    set_clock(offset)
    t0 = time.time()
    word = "back" if offset < 0 else "forward"
    check(wait_for(lambda: "stepped %s" % word in stderr(), 90),
          "the step %s is noticed" % what, stderr()[-400:])
    time.sleep(WINDOW)
    p = polls_since(t0)
    check(min(p.values()) >= 2, "clock %s: no feed starves" % what, p)
    # on its interval a feed is polled WINDOW / INTERVAL times; a burst
    # or a loop would be many more
    check(max(p.values()) <= WINDOW // INTERVAL + 3,
          "clock %s: no feed polled in a loop" % what, p)
    check(d.poll() is None, "clock %s: the daemon runs on" % what)

want = set("f%d-%d" % (i, j) for i in range(NFEEDS) for j in range(10))
check(guids() == want,
      "retention keeps the articles that left the feeds (keep_days = 3)",
      sorted(want - guids())[:5])
err = stderr()
check(sum("stepped" in l for l in err.splitlines()) == 2,
      "one log line per step", [l for l in err.splitlines() if "stepped" in l])
d.send_signal(signal.SIGTERM)
d.wait(timeout=60)
check(d.returncode == 0, "the daemon stops cleanly", d.returncode)

# `tidings run` after the clock went back a day: every feed is due (its
# next check, on the old clock, is a day ahead)
set_clock(-86400 + 7 * 86400 - 86400)
t0 = time.time()
r = subprocess.run([TIDINGS, "run", "-c", conf], env=env,
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                   universal_newlines=True, timeout=120)
check(r.returncode == 0 and min(polls_since(t0).values()) == 1,
      "run after a step back checks every feed", (polls_since(t0), r.stderr))
shutil.rmtree(tmp)
finish()
