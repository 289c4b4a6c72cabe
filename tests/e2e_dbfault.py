#!/usr/bin/env python3
"""Database faults under a running daemon (issue 13).

- The database's disk fills up in the middle of the feeds' batches: a real
  full file system, a tmpfs of a few MB (mounting one needs root: the test
  is skipped otherwise) filled by a filler file.  Each batch rolls back
  whole, polling goes on, the daemon logs the fault once and the recovery
  once, and after space returns every article is stored and exported
  once.
- Another process holds the database's write lock past the busy timeout:
  the same promise.
- The -wal and -shm files deleted while the daemon runs: it notices at
  its next batch, copies what the old log held into the database file and
  reopens it, so that readers and other writers share its files again.
- A truncated or damaged database file: the daemon refuses to start, names
  the file, says what to do, and leaves the file as it was.
"""
import collections
import hashlib
import json
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
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

NFEEDS = 4
PER_REQUEST = 3      # new items each request of a feed brings
lock = threading.Lock()
served = collections.defaultdict(list)   # feed -> item counts served


class Handler(tidings_test.Handler):
    """Each request of a feed brings PER_REQUEST new items; a document
    holds all of the feed's items so far (nothing rolls off), padded so
    that the disk fills quickly."""
    def do_GET(self):
        feed = self.path.strip("/").split(".")[0]
        with lock:
            n = PER_REQUEST * (len(served[feed]) + 1)
            served[feed].append(n)
        items = "".join(
            "<item><guid>%s-%d</guid><title>Item %d of %s</title>"
            "<link>http://example.org/%s/%d</link>"
            "<description>%s</description></item>"
            % (feed, i, i, feed, feed, i,
               hashlib.sha256(b"%d" % i).hexdigest() * 40)
            for i in range(n))
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


def tid(*args, timeout=120):
    return subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=timeout)


def stored(db):
    """link -> feed name, read-only."""
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
    try:
        return dict(c.execute("SELECT a.link, f.name FROM articles a"
                              " JOIN feeds f ON f.id = a.feed_id"))
    except sqlite3.OperationalError:
        return {}   # not created yet
    finally:
        c.close()


def whole_documents(db):
    """Every feed's stored articles are exactly some document's items."""
    per = collections.Counter(stored(db).values())
    with lock:
        return all(per[f] == 0 or per[f] in served[f] for f in per), per


def deliveries(outdir):
    """link -> files of the JSON target that hold it."""
    got = collections.Counter()
    for name in os.listdir(outdir):
        if name.endswith(".json"):
            with open(os.path.join(outdir, name)) as f:
                got[json.load(f)["article"]["link"]] += 1
    return got


def all_served():
    with lock:
        return set("http://example.org/%s/%d" % (f, i) for f, counts in served.items()
                   for i in range(max(counts)))


class Daemon:
    def __init__(self, tmp, dbdir, name):
        self.tmp = tmp
        self.db = os.path.join(dbdir, "state.db")
        self.log = os.path.join(tmp, name + ".exported")
        os.mkdir(self.log)
        self.conf = os.path.join(tmp, name + ".conf")
        with open(os.path.join(tmp, "feeds.conf"), "w") as f:
            for i in range(NFEEDS):
                f.write("%s/f%d.xml name=f%d interval=1s\n" % (BASE, i, i))
        with open(self.conf, "w") as f:
            f.write("[daemon]\ndb = %s\nfeeds = feeds.conf\nlog_level = info\n"
                    "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\n"
                    "min_interval = 1s\nmax_backoff = 2s\n"
                    "[export files]\nformat = json\ndir = %s\n"
                    % (self.db, self.log))
        self.errpath = os.path.join(tmp, name + ".stderr")
        self.errf = open(self.errpath, "w+")
        self.p = subprocess.Popen([TIDINGS, "daemon", "-c", self.conf],
                                  stdout=subprocess.DEVNULL, stderr=self.errf)

    def stderr(self):
        with open(self.errpath) as f:
            return f.read()

    def stop(self):
        self.p.send_signal(signal.SIGTERM)
        self.p.wait(timeout=60)
        return self.p.returncode


def recovered(d):
    """Every item served so far stored, and exported exactly once."""
    want = all_served()
    return want <= set(stored(d.db)) and set(deliveries(d.log)) >= want


server, BASE = serve(Handler)
tmp = tempfile.mkdtemp(prefix="e2e_dbfault.")

# ---- the disk fills up ----
mnt = os.path.join(tmp, "fs")
os.mkdir(mnt)
mounted = False
if os.geteuid() == 0:
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs",
                              mnt], stderr=subprocess.DEVNULL).returncode == 0
if not mounted:
    print("skip: the disk-full case mounts a tmpfs, which needs root")
else:
    try:
        d = Daemon(tmp, mnt, "full")
        check(wait_for(lambda: os.path.exists(d.db) and
                       len(stored(d.db)) >= NFEEDS * PER_REQUEST * 2),
              "the daemon stores articles")
        # fill the file system to the last block
        filler = os.path.join(mnt, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
        for block in (65536, 512):
            try:
                while True:
                    os.write(fd, b"\0" * block)
            except OSError:
                pass
        os.close(fd)
        check(wait_for(lambda: "full" in d.stderr(), 60),
              "the full disk is reported", d.stderr()[-500:])
        before = len(stored(d.db))
        time.sleep(4)   # several polls of every feed against the full disk
        with lock:
            polls = sum(len(v) for v in served.values())
        time.sleep(3)
        with lock:
            check(sum(len(v) for v in served.values()) > polls,
                  "polling goes on while the disk is full")
        ok, per = whole_documents(d.db)
        check(ok, "nothing half-stored: each feed holds whole documents", per)
        check(d.p.poll() is None, "the daemon keeps running")
        os.unlink(filler)
        check(wait_for(lambda: recovered(d), 90),
              "after space returns every article is stored and exported",
              (len(all_served()), len(stored(d.db)), len(deliveries(d.log))))
        check(len(stored(d.db)) > before, "new articles after the outage")
        got = deliveries(d.log)
        check(got and max(got.values()) == 1, "each article exported once",
              [k for k, v in got.items() if v > 1][:5])
        err = d.stderr()
        lines = [l for l in err.splitlines() if "full" in l]
        check(len([l for l in lines if "database:" in l]) == 1,
              "the full disk is logged once", lines[:6])
        check(not [l for l in lines if l.startswith("tidings: f")],
              "no feed blames itself for the full disk", lines[:6])
        check(sum("database: storing again" in l
                  for l in err.splitlines()) == 1,
              "the recovery is logged once", err[-800:])
        check(d.stop() == 0, "the daemon stops cleanly")
        r = tid("check-db", "--db", d.db)
        check(r.returncode == 0, "the database passes check-db", r.stdout)
    finally:
        subprocess.run(["umount", "-l", mnt])

# ---- another process holds the write lock past the busy timeout ----
served.clear()
lockdir = os.path.join(tmp, "locked")
os.mkdir(lockdir)
d = Daemon(tmp, lockdir, "locked")
check(wait_for(lambda: os.path.exists(d.db) and
               len(stored(d.db)) >= NFEEDS * PER_REQUEST * 2),
      "the daemon stores articles")
holder = sqlite3.connect(d.db, timeout=30, isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
check(wait_for(lambda: "database:" in d.stderr(), 90),
      "the lock held past the busy timeout is reported", d.stderr()[-500:])
ok, per = whole_documents(d.db)
check(ok, "nothing half-stored while locked", per)
check(d.p.poll() is None, "the daemon keeps running while locked")
holder.execute("ROLLBACK")
holder.close()
check(wait_for(lambda: recovered(d), 90),
      "after the lock goes every article is stored and exported",
      (len(all_served()), len(stored(d.db)), len(deliveries(d.log))))
got = deliveries(d.log)
check(got and max(got.values()) == 1, "each article exported once")
err = d.stderr()
check(sum("database:" in l and "locked" in l for l in err.splitlines()) == 1,
      "the lock is logged once", [l for l in err.splitlines() if "locked" in l][:6])
check(sum("database: storing again" in l for l in err.splitlines()) == 1,
      "the recovery is logged once", err[-800:])
check(d.stop() == 0, "the daemon stops cleanly")

# ---- the -wal and -shm files deleted under the running daemon ----
served.clear()
waldir = os.path.join(tmp, "wal")
os.mkdir(waldir)
d = Daemon(tmp, waldir, "wal")
check(wait_for(lambda: os.path.exists(d.db) and
               len(stored(d.db)) >= NFEEDS * PER_REQUEST * 2),
      "the daemon stores articles")
before = set(stored(d.db))
os.unlink(d.db + "-wal")
os.unlink(d.db + "-shm")
check(wait_for(lambda: "database:" in d.stderr() and
               "deleted" in d.stderr(), 60),
      "the deleted -wal and -shm files are reported", d.stderr()[-500:])
# what the old log held is in the database file again, for every reader
check(wait_for(lambda: before <= set(stored(d.db)), 30),
      "readers see every article committed before the deletion",
      len(before - set(stored(d.db))))
check(wait_for(lambda: recovered(d), 90),
      "after the deletion every article is stored and exported",
      (len(all_served()), len(stored(d.db)), len(deliveries(d.log))))
got = deliveries(d.log)
check(got and max(got.values()) == 1, "each article exported once")
err = d.stderr()
check(sum("database:" in l and "deleted" in l for l in err.splitlines()) == 1,
      "the deletion is logged once", err[-800:])
check(d.stop() == 0, "the daemon stops cleanly")
r = tid("check-db", "--db", d.db)
check(r.returncode == 0, "the database passes check-db", r.stdout)

# ---- a truncated or damaged database file ----
good = d.db
for name, damage in (("truncated", lambda f, size: f.truncate(size // 2)),
                     ("garbage", lambda f, size: (f.seek(0), f.write(os.urandom(4096)))),
                     ("zeroed-header", lambda f, size: (f.seek(0), f.write(b"\0" * 100)))):
    bad = os.path.join(tmp, name + ".db")
    c = sqlite3.connect(good)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    shutil.copy(good, bad)
    with open(bad, "r+b") as f:
        damage(f, os.path.getsize(bad))
    with open(bad, "rb") as f:
        content = f.read()
    conf = os.path.join(tmp, name + ".conf")
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = %s\nfeeds = feeds.conf\n" % bad)
    p = subprocess.run([TIDINGS, "daemon", "-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True,
                       timeout=60)
    check(p.returncode != 0, "%s: the daemon refuses to start" % name,
          p.returncode)
    check(bad in p.stderr and "backup" in p.stderr and "check-db" in p.stderr,
          "%s: the message names the file and says what to do" % name,
          p.stderr)
    with open(bad, "rb") as f:
        check(f.read() == content, "%s: the file is left as it was" % name)
    r = tid("ingest", "--db", bad, os.path.join(tmp, "feeds.conf"))
    check(r.returncode != 0 and "backup" in r.stderr,
          "%s: ingest refuses it too" % name, r.stderr)

shutil.rmtree(tmp)
finish()
