#!/usr/bin/env python3
"""`tidings daemon` over many SIGHUP reloads: the feed list a reload
replaces is freed once no transfer refers to it, so memory stays flat
(200 feeds, 300 reloads); and a list whose feed is still being fetched
when a reload drops it stays alive until that transfer has landed (under
ASan a list freed too early is a use after free); and a reload whose
feed table cannot be rebuilt (the database locked past the busy timeout)
keeps the old table whole: its feeds go on being checked."""
import os
import re
import shutil
import sqlite3
import signal
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

RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
       '<item><guid>%s</guid><title>One</title></item></channel></rss>')
slow_started = threading.Event()
hits = {}


class Handler(tidings_test.Handler):
    def do_GET(self):
        hits[self.path] = hits.get(self.path, 0) + 1
        if self.path == "/slow.xml":
            slow_started.set()
            time.sleep(3)
        self.send(200, (RSS % self.path).encode())


server, BASE = serve(Handler)
tmp = tempfile.mkdtemp(prefix="e2e_reload.")
conf = os.path.join(tmp, "tidings.conf")
lists = os.path.join(tmp, "feeds.d")
os.mkdir(lists)
with open(conf, "w") as f:
    f.write("[daemon]\ndb = state.db\nlog_level = debug\n"
            "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\ntimeout = 60\n")

# Freed memory must be reusable for RSS to tell: ASan would otherwise
# hold every freed block in its quarantine.  Without ASan this is unused.
env = dict(os.environ)
env["ASAN_OPTIONS"] = ":".join(x for x in (env.get("ASAN_OPTIONS"),
                                           "quarantine_size_mb=0") if x)


def start():
    errf = open(os.path.join(tmp, "stderr"), "w+")
    p = subprocess.Popen([TIDINGS, "daemon", "-c", conf], env=env,
                         stdout=subprocess.DEVNULL, stderr=errf)
    return p, errf


def wait_log(errf, pattern, count, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        errf.seek(0)
        if len(re.findall(pattern, errf.read())) >= count:
            return True
        time.sleep(0.01)
    return False


def rss_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def stop(p, errf):
    p.send_signal(signal.SIGTERM)
    try:
        rc = p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        rc = None
    errf.seek(0)
    return rc, errf.read()


# 200 feeds, never due again within the test: each reload rebuilds the
# table from a new list of 200 feeds with long names and many tags.
with open(os.path.join(lists, "many.conf"), "w") as f:
    for i in range(200):
        f.write('%s/feed-%03d.xml name="feed number %03d with a longish name" '
                'tags=%s interval=1d\n'
                % (BASE, i, i, ",".join("tag%d" % j for j in range(12))))
p, errf = start()
check(wait_log(errf, r"started: 200 feed", 1), "daemon started with 200 feeds")
RELOADS, WARMUP = 300, 30
sizes = {}
for n in range(1, RELOADS + 1):
    p.send_signal(signal.SIGHUP)
    if not wait_log(errf, r"reloaded: 200 feed", n):
        check(False, "reload %d done" % n)
        break
    if n in (WARMUP, RELOADS):
        sizes[n] = rss_kb(p.pid)
grown = sizes.get(RELOADS, 0) - sizes.get(WARMUP, 0)
# A kept list of 200 such feeds costs well over 40 kB (far more under
# ASan): 270 kept lists would add over 10 MB.
check(len(sizes) == 2 and grown < 4000,
      "RSS flat over %d reloads (grew %d kB after the first %d)" % (RELOADS, grown, WARMUP),
      sizes)
rc, err = stop(p, errf)
check(rc == 0 and "Sanitizer" not in err, "clean stop after the reloads", (rc, err[-2000:]))

# A reload drops a feed whose transfer is in flight; more reloads follow,
# then the transfer lands: the list it belongs to must still be there.
os.remove(os.path.join(lists, "many.conf"))
with open(os.path.join(lists, "a.conf"), "w") as f:
    f.write("%s/a.xml name=a\n%s/slow.xml name=slow\n" % (BASE, BASE))
p, errf = start()
check(slow_started.wait(30), "the slow feed is being fetched")
with open(os.path.join(lists, "a.conf"), "w") as f:
    f.write("%s/a.xml name=a\n" % BASE)
for n in range(1, 6):
    p.send_signal(signal.SIGHUP)
    wait_log(errf, r"reloaded: 1 feed", n)
check(wait_log(errf, r"slow: ", 1, timeout=30), "the dropped feed's transfer lands and is logged")
rc, err = stop(p, errf)
check(rc == 0 and "Sanitizer" not in err, "no use after free of a replaced list",
      (rc, err[-3000:]))

# A reload that cannot rebuild the feed table: a new feed must be stored
# while another process holds the database's write lock past the busy
# timeout.  The old table keeps going, whole: feed a is checked again.
os.remove(os.path.join(lists, "a.conf"))
conf2 = os.path.join(tmp, "locked.conf")
with open(conf2, "w") as f:
    f.write("[daemon]\ndb = locked.db\nfeeds = feeds.d/*.conf\n"
            "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\n"
            "interval = 1s\nmin_interval = 1s\n")
with open(os.path.join(lists, "b.conf"), "w") as f:
    f.write("%s/a.xml name=a\n" % BASE)
errf = open(os.path.join(tmp, "stderr2"), "w+")
p = subprocess.Popen([TIDINGS, "daemon", "-c", conf2], env=env,
                     stdout=subprocess.DEVNULL, stderr=errf)
check(wait_log(errf, r"started: 1 feed", 1), "daemon started with feed a")
end = time.time() + 20
while time.time() < end and hits.get("/a.xml", 0) < 2:
    time.sleep(0.1)
with open(os.path.join(lists, "b.conf"), "a") as f:
    f.write("%s/new.xml name=new\n" % BASE)
holder = sqlite3.connect(os.path.join(tmp, "locked.db"), timeout=30,
                         isolation_level=None)
holder.execute("BEGIN EXCLUSIVE")
p.send_signal(signal.SIGHUP)
check(wait_log(errf, r"could not be rebuilt", 1, timeout=40),
      "the reload fails while the database is locked")
holder.execute("ROLLBACK")
holder.close()
before = hits.get("/a.xml", 0)
end = time.time() + 20
while time.time() < end and hits.get("/a.xml", 0) <= before:
    time.sleep(0.1)
check(hits.get("/a.xml", 0) > before and p.poll() is None,
      "the old table goes on: feed a is checked again", (before, hits))
p.send_signal(signal.SIGHUP)
check(wait_log(errf, r"reloaded: 2 feed", 1), "a later reload takes the new list")
rc, err = stop(p, errf)
check(rc == 0 and "Sanitizer" not in err and "(null)" not in err,
      "clean stop after the failed reload", (rc, err[-3000:]))

server.shutdown()
shutil.rmtree(tmp)
finish()
