#!/usr/bin/env python3
"""`tidings backup` and `tidings check-db` (issue 13): a backup taken while
the daemon stores new articles every second is a consistent copy that
passes check-db and holds every article committed before it began; it
restores; a backup never overwrites; check-db finds planted
inconsistencies and exits 1.  Two writers: `tidings ingest` and `tidings
run` beside the daemon wait for each other's batches and succeed; one
locked out past the busy timeout says so and stores nothing."""
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

NFEEDS = 8
lock = threading.Lock()
hits = {}


class Handler(tidings_test.Handler):
    """Each request of a feed brings 5 new items (and keeps the last 20)."""
    def do_GET(self):
        with lock:
            n = hits[self.path] = hits.get(self.path, 0) + 1
        items = "".join(
            "<item><guid>%s-%d</guid><title>Item %d of %s</title>"
            "<description>words for the index %d</description></item>"
            % (self.path, i, i, self.path, i)
            for i in range(max(0, 5 * n - 20), 5 * n))
        body = ('<?xml version="1.0"?><rss version="2.0"><channel>'
                "<title>%s</title>%s</channel></rss>" % (self.path, items))
        self.send(200, body.encode(), [("Content-Type", "application/rss+xml")])


server, BASE = serve(Handler)
tmp = tempfile.mkdtemp(prefix="e2e_db.")
db = os.path.join(tmp, "state.db")
conf = os.path.join(tmp, "tidings.conf")
with open(os.path.join(tmp, "feeds.conf"), "w") as f:
    for i in range(NFEEDS):
        f.write("%s/f%d.xml name=f%d interval=1s\n" % (BASE, i, i))
with open(conf, "w") as f:
    f.write("[daemon]\ndb = state.db\nfeeds = feeds.conf\n"
            "[fetch]\nhost_rate = 0\nstartup_spread = 0\nmin_interval = 1s\n")


def tid(*args, timeout=120):
    return subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=timeout)


def guids(path):
    c = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    try:
        return set(r[0] for r in c.execute("SELECT guid FROM articles"))
    finally:
        c.close()


def wait_for(pred, timeout=60):
    """Polls pred; a database the daemon has created but not yet given
    its schema counts as not yet there."""
    end = time.time() + timeout
    while time.time() < end:
        try:
            if pred():
                return True
        except sqlite3.OperationalError:
            pass
        time.sleep(0.1)
    return False


errf = open(os.path.join(tmp, "stderr"), "w+")
d = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                     stdout=subprocess.DEVNULL, stderr=errf)
check(wait_for(lambda: os.path.exists(db) and len(guids(db)) >= NFEEDS * 10),
      "the daemon stores articles")

# ---- backups under load ----
first = len(guids(db))
for k in range(3):
    before = guids(db)
    copy = os.path.join(tmp, "copy%d.db" % k)
    r = tid("backup", "-c", conf, copy)
    check(r.returncode == 0, "backup %d while the daemon writes" % k, r.stderr)
    c = tid("check-db", "--db", copy)
    check(c.returncode == 0 and c.stdout.strip() == copy + ": ok",
          "backup %d passes check-db" % k, (c.stdout, c.stderr))
    got = guids(copy)
    check(before <= got, "backup %d holds every article committed before it"
          % k, len(before - got))
    check(not os.path.exists(copy + "-wal") and
          not os.path.exists(copy + "-shm"), "the copy is one file")
    time.sleep(1)

check(len(guids(db)) > first, "the daemon stored on across the backups")
r = tid("check-db", "-c", conf)
check(r.returncode == 0, "check-db on the live database while it is written",
      (r.stdout, r.stderr))

# a backup never overwrites
size = os.path.getsize(os.path.join(tmp, "copy0.db"))
r = tid("backup", "-c", conf, os.path.join(tmp, "copy0.db"))
check(r.returncode == 1 and "never overwrites" in r.stderr and
      os.path.getsize(os.path.join(tmp, "copy0.db")) == size,
      "a backup onto an existing file is refused", r.stderr)
r = tid("backup", "-c", conf, os.path.join(tmp, "nodir", "x.db"))
check(r.returncode == 1 and "nodir" in r.stderr,
      "a backup into a missing directory fails and says where", r.stderr)

# ---- two writers: runs and ingests beside the daemon wait and work ----
docs = []
for i in range(4):
    doc = os.path.join(tmp, "ingest%d.xml" % i)
    with open(doc, "w") as f:
        f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>i</title>%s'
                "</channel></rss>" % "".join(
                    "<item><guid>ingest-%d-%d</guid><title>t</title></item>" % (i, j)
                    for j in range(30)))
    docs.append(doc)
procs = [subprocess.Popen([TIDINGS, "ingest", "--db", db, doc],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True) for doc in docs]
procs += [subprocess.Popen([TIDINGS, "run", "--all", "--quiet", "-c", conf],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True) for _ in range(2)]
errs = []
for p in procs:
    out, err = p.communicate(timeout=120)
    if p.returncode != 0:
        errs.append(err)
check(not errs, "ingests and runs beside the daemon wait and succeed", errs[:2])
want = set("ingest-%d-%d" % (i, j) for i in range(4) for j in range(30))
check(want <= guids(db), "every ingested article is stored",
      len(want - guids(db)))
r = tid("check-db", "-c", conf)
check(r.returncode == 0, "check-db after the two writers", r.stdout)

# a writer that waits longer than the busy timeout gives up with a clear
# message and stores nothing of its document
holder = sqlite3.connect(db, timeout=30, isolation_level=None)
holder.execute("BEGIN IMMEDIATE")
late = os.path.join(tmp, "late.xml")
with open(late, "w") as f:
    f.write('<?xml version="1.0"?><rss version="2.0"><channel><title>l</title>'
            "<item><guid>late-1</guid><title>t</title></item></channel></rss>")
r = tid("ingest", "--db", db, late)
holder.execute("ROLLBACK")
holder.close()
check(r.returncode == 1 and "another process" in r.stderr and
      "nothing" in r.stderr, "a writer locked out says so", r.stderr)
check("late-1" not in guids(db), "and stores nothing")
r = tid("ingest", "--db", db, late)
check(r.returncode == 0 and "late-1" in guids(db),
      "the same ingest works once the lock is gone", r.stderr)

d.send_signal(signal.SIGTERM)
d.wait(timeout=60)
check(d.returncode == 0, "the daemon stops cleanly", d.returncode)

# ---- restore: the copy, moved into place, is the database again ----
restored = guids(os.path.join(tmp, "copy2.db"))
for suffix in ("", "-wal", "-shm"):
    if os.path.exists(db + suffix):
        os.unlink(db + suffix)
shutil.copy(os.path.join(tmp, "copy2.db"), db)
r = tid("run", "--all", "--quiet", "-c", conf)
check(r.returncode == 0, "a run on the restored database", r.stderr)
after = guids(db)
check(restored <= after and len(after) > len(restored),
      "the restored database keeps its articles and takes new ones",
      (len(restored), len(after)))
r = tid("check-db", "-c", conf)
check(r.returncode == 0, "the restored database passes check-db", r.stdout)

# ---- check-db finds what is wrong ----
plants = [
    ("DELETE FROM identity_keys WHERE article_id = 3", "article 3 has no identity key"),
    ("INSERT INTO articles_fts(articles_fts, rowid, title, text)"
     " SELECT 'delete', id, title, text FROM articles WHERE id = 4",
     "article 4 is missing from the full-text index"),
    ("UPDATE events SET article_id = 999999 WHERE seq = 5",
     "event 5 names an article that never existed"),
    ("DELETE FROM article_feeds WHERE article_id = 6", "article 6 is carried by no feed"),
]
for i, (sql, want) in enumerate(plants):
    bad = os.path.join(tmp, "bad%d.db" % i)
    shutil.copy(os.path.join(tmp, "copy0.db"), bad)
    c = sqlite3.connect(bad)
    c.execute(sql)
    c.commit()
    c.close()
    r = tid("check-db", "--db", bad)
    check(r.returncode == 1 and ("%s: %s" % (bad, want)) in r.stdout,
          "check-db finds: " + want, (r.returncode, r.stdout, r.stderr))

# a damaged file: SQLite's own check
bad = os.path.join(tmp, "damaged.db")
shutil.copy(os.path.join(tmp, "copy0.db"), bad)
with open(bad, "r+b") as f:
    for page in range(2, os.path.getsize(bad) // 4096, 3):
        f.seek((page - 1) * 4096)
        f.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff")
r = tid("check-db", "--db", bad)
check(r.returncode == 1, "check-db fails on a damaged file",
      (r.stdout, r.stderr))

shutil.rmtree(tmp)
finish()
