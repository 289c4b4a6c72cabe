#!/usr/bin/env python3
"""Learned intervals (interval=auto, issue 15) through the real `tidings
run` and `tidings feeds`: feeds on 127.0.0.1 whose items were published
hourly, daily, weekly, or too few to tell, under [fetch] interval = auto;
one feed with an interval of its own keeps it.  The next check follows
the learned interval, and `feeds` (text and --json) says which and why.
The scheduler's own tests (tests/check_scheduler.c) drive the rate
changes with a simulated clock.
"""
import email.utils
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
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

NOW = int(time.time())


def feed(name, gap, count):
    items = "".join(
        "<item><guid>%s-%d</guid><title>%d</title><pubDate>%s</pubDate></item>"
        % (name, i, i, email.utils.formatdate(NOW - 600 - i * gap, usegmt=True))
        for i in range(count))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>%s'
            '</channel></rss>' % (name, items)).encode()


FEEDS = {
    "/hourly.xml": feed("hourly", 3600, 30),
    "/daily.xml": feed("daily", 86400, 10),
    "/weekly.xml": feed("weekly", 7 * 86400, 4),
    "/few.xml": feed("few", 3600, 2),
    "/fixed.xml": feed("fixed", 3600, 30),
}


class Server(tidings_test.Handler):
    def do_GET(self):
        self.send(200, FEEDS[self.path], [("Content-Type", "application/rss+xml")])


_, BASE = serve(Server)
tmp = tempfile.mkdtemp(prefix="e2e_learn.")
conf = os.path.join(tmp, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = tidings.db\n[fetch]\nfulltext = never\nhost_rate = 0\ninterval = auto\n"
            "min_interval = 15m\nmax_interval = 1d\n[feeds]\n")
    for path in FEEDS:
        name = path[1:-4]
        f.write("%s%s name=%s%s\n" % (BASE, path, name,
                                      " interval=2h" if name == "fixed" else ""))

p = subprocess.run([TIDINGS, "run", "-c", conf], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, timeout=120)
check(p.returncode == 0, "tidings run", p.stderr)
p = subprocess.run([TIDINGS, "feeds", "-c", conf, "--json"], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, timeout=60)
check(p.returncode == 0, "feeds --json", p.stderr)
fs = {f["name"]: f for f in json.loads(p.stdout)}
want = {
    "hourly": (3600, "auto: median gap 1h over 20 items"),
    "daily": (86400, "auto: median gap 1d over 9 items"),
    "weekly": (86400, "auto: median gap 7d over 3 items, clamped to 1d"),
    "few": (3600, "auto: too little history, default 1h"),
    "fixed": (7200, None),
}
for name, (iv, why) in want.items():
    f = fs[name]
    check(f["interval"] == iv and f["interval_why"] == why,
          "%s: interval %d, %s" % (name, iv, why), (f["interval"], f["interval_why"]))

    def epoch(s):
        return int(time.mktime(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))) - time.timezone
    wait = epoch(f["next_check"]) - epoch(f["last_check"])
    # The scheduler keeps each feed in its slot: the next check is the
    # first slot past half an interval.
    check(iv // 2 <= wait <= iv * 3 // 2 + 1,
          "%s: next check in %ds, about the interval" % (name, wait), f)

p = subprocess.run([TIDINGS, "feeds", "-c", conf], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, timeout=60)
line = [l for l in p.stdout.decode().splitlines() if l.startswith("hourly")]
check(line and "interval auto: median gap 1h over 20 items" in line[0],
      "feeds shows the learned interval and why", p.stdout)

shutil.rmtree(tmp)
finish()
