#!/usr/bin/env python3
"""An export target down for a long time under a running daemon (issue 13).

A text target's directory is replaced by a regular file (tests run as
root, so a missing permission would not stop the daemon) while the
daemon polls a feed that gains items all the time.  The "day" is many
short cycles rather than a shifted clock: the feed is checked every
second and the target retried every 1-2 s (retry_base, retry_max), so
that in the WARM_SECONDS + DOWN_SECONDS (55 s) it is down the daemon goes
through more cycles and retries than a day brings at the defaults
(interval 1h, retry_max 1h), with three new articles of 48 KB a second.
Then the directory comes back, without a reload or a signal.

Checks: while down, the backlog grows in the database only (pending
events in `tidings outbox` and events_v1, no file written anywhere), the
daemon's RSS stays under a bound well below the backlog's size, and the
log says the target failed once and recovered once (one line per state
change, not one per article or per retry); after it returns, every
article goes out exactly once (by guid), in the order of its event's seq
(file modification times follow seq; the names, which sort by the
article's date, follow it too because the feed dates its items in
order)."""
import email.utils
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

TIDINGS = os.path.abspath(os.environ.get("TIDINGS", "src/tidings"))
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
DOWN_SECONDS = float(os.environ.get("DOWN_SECONDS", "30"))
WARM_SECONDS = 25
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

BASE_DATE = 1_700_000_000
ITEM_BYTES = 48 * 1024
lock = threading.Lock()
state = {"next": 0, "adding": True}


def item(i):
    text = ("item %d " % i) * (ITEM_BYTES // (len("item %d " % i)))
    return ('<item><guid isPermaLink="false">down-%05d</guid><title>down-%05d</title>'
            '<link>http://example.org/down/%d</link><description>%s</description>'
            '<pubDate>%s</pubDate></item>'
            % (i, i, i, text, email.utils.formatdate(BASE_DATE + 60 * i, usegmt=True)))


def adder():
    """Three new items a second while state["adding"]."""
    while True:
        time.sleep(1 / 3.0)
        with lock:
            if state["adding"]:
                state["next"] += 1


class Handler(tidings_test.Handler):
    """The feed: its last eight items."""
    def do_GET(self):
        with lock:
            n = state["next"]
        items = "".join(item(i) for i in range(n - 1, max(-1, n - 9), -1))
        body = ('<?xml version="1.0"?><rss version="2.0"><channel>'
                "<title>down</title><link>http://example.org/</link>%s"
                "</channel></rss>" % items)
        self.send(200, body.encode(), [("Content-Type", "application/rss+xml")])


def rss_mb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def wait_for(pred, timeout):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.2)
    return False


state["next"] = 8
server, BASE = serve(Handler)
threading.Thread(target=adder, daemon=True).start()
tmp = tempfile.mkdtemp(prefix="e2e_export_down.")
db = os.path.join(tmp, "state.db")
spool = os.path.join(tmp, "spool")
conf = os.path.join(tmp, "tidings.conf")
with open(os.path.join(tmp, "feeds.conf"), "w") as f:
    f.write("%s/down.xml name=down\n" % BASE)
with open(conf, "w") as f:
    f.write("[daemon]\ndb = state.db\nfeeds = feeds.conf\n"
            "[fetch]\nfulltext = never\ninterval = 1s\nmin_interval = 1s\nhost_rate = 0\n"
            "startup_spread = 0\n"
            "[export spool]\nformat = text\ndir = spool\n"
            "retry_base = 1s\nretry_max = 2s\n")
with open(spool, "w") as f:    # the directory is a file: ENOTDIR
    f.write("not a directory\n")
before = sorted(os.listdir(tmp))


def pending():
    r = subprocess.run([TIDINGS, "outbox", "-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    m = re.search(r"spool: (\d+) pending", r.stdout)
    return int(m.group(1)) if m else -1


def events():
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return [(seq, guid) for seq, guid in c.execute(
            "SELECT e.seq, a.guid FROM events_v1 e JOIN articles_v1 a "
            "ON a.id = e.article_id WHERE e.kind = 'new' ORDER BY e.seq")]
    finally:
        c.close()


# ASan keeps freed memory in quarantine; a small one keeps RSS a measure
# of what the daemon holds.
env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
           ":quarantine_size_mb=8")
errpath = os.path.join(tmp, "stderr")
errf = open(errpath, "w+")
d = subprocess.Popen([TIDINGS, "daemon", "-c", conf], cwd=tmp, env=env,
                     stdout=subprocess.DEVNULL, stderr=errf)


def log():
    with open(errpath) as f:
        return f.read()


check(wait_for(lambda: pending() >= 8, 60), "down: the first articles are pending",
      log()[-500:])
# SQLite's page cache (cache_size, 8 MB) fills in the first MB of the
# backlog; RSS is measured from there.
time.sleep(WARM_SECONDS)
rss0, pend0, t0 = rss_mb(d.pid), pending(), time.time()
for _ in range(int(DOWN_SECONDS / 10)):
    time.sleep(10)
    print("# %.0f s: RSS %.1f MB, %d pending" % (time.time() - t0, rss_mb(d.pid), pending()))
rss1, pend1 = rss_mb(d.pid), pending()
with lock:
    state["adding"] = False
    added = state["next"]
backlog_mb = (pend1 - pend0) * ITEM_BYTES / 1e6
print("# down for %.0f s: pending %d -> %d (%.1f MB of text), RSS %.1f -> %.1f MB"
      % (time.time() - t0, pend0, pend1, backlog_mb, rss0, rss1))
check(pend1 - pend0 >= DOWN_SECONDS * 2, "down: the backlog grows in the database",
      (pend0, pend1))
check(len(events()) == pend1, "down: every pending article is an event in the database",
      (len(events()), pend1))
check(os.path.isfile(spool) and set(os.listdir(tmp)) - set(before) <=
      {"state.db", "state.db-lock", "state.db-shm", "state.db-wal", "stderr"},
      "down: no file is written anywhere else", sorted(os.listdir(tmp)))
check(rss1 - rss0 < min(2.0, backlog_mb / 4),
      "down: memory stays flat while the backlog grows", (rss0, rss1, backlog_mb))
err = log()
fails = [ln for ln in err.splitlines() if "export spool" in ln]
check(len(fails) == 1 and "directory missing" in fails[0],
      "down: one log line for the failing target, not one per retry or article",
      fails[:5])

# The directory comes back: no signal, no reload.
os.remove(spool)
os.mkdir(spool)
check(wait_for(lambda: pending() == 0 and len(os.listdir(spool)) >= pend1, 90),
      "back: the backlog drains", (pending(), len(os.listdir(spool))))
time.sleep(3)    # anything written twice would show now
d.send_signal(signal.SIGTERM)
d.wait(timeout=30)
ev = events()
names = sorted(os.listdir(spool))
guid_of = {}
for n in names:
    with open(os.path.join(spool, n)) as f:
        m = re.match(r"(down-\d{5})\n", f.read())
    guid_of[n] = m.group(1) if m else None
got = [guid_of[n] for n in names]
want = [g for _, g in ev]
check(len(names) == len(ev) and sorted(got) == sorted(want) and len(set(got)) == len(got),
      "back: every article goes out exactly once", (len(names), len(ev)))
check(len(ev) >= added - 8, "back: every item the feed offered is stored", (len(ev), added))
mtimes = {n: os.stat(os.path.join(spool, n)).st_mtime_ns for n in names}
by_seq = {g: n for n, g in guid_of.items()}
seq_mtimes = [mtimes[by_seq[g]] for g in want if g in by_seq]
check(seq_mtimes == sorted(seq_mtimes), "back: written in the order of seq (mtime)")
# Names sort by the article's date: in one batch the store gives the
# items seq in the feed's order (newest first), so the names follow the
# dates, not seq, and this is the order they can give.
check(got == sorted(want), "back: file names sort by the items' dates", got[:5])
err = log()
lines = [ln for ln in err.splitlines() if "export spool" in ln]
check(len(lines) == 2 and "delivering again" in lines[1],
      "back: one log line when the target returns", lines[:6])
check("Sanitizer" not in err and "runtime error" not in err, "no sanitizer report",
      err[-2000:])
if not tidings_test.failures:
    shutil.rmtree(tmp)
else:
    print("# kept " + tmp)
server.shutdown()
finish()
