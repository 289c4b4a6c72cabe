#!/usr/bin/env python3
"""`tidings run` end to end: a scripted HTTP server on 127.0.0.1, a feed
list and a config written by the test, and then what the server received
and what `tidings feeds --json` says the database holds."""
import json
import os
import shutil
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

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>%s</title><link>http://example.org/</link>
<item><guid>%s-1</guid><title>First</title><link>http://example.org/1</link>
<description>one</description></item>
<item><guid>%s-2</guid><title>Second</title><link>http://example.org/2</link>
<description>two</description></item>
</channel></rss>"""
LM = "Wed, 21 Oct 2015 07:28:00 GMT"

lock = threading.Lock()
log = []


class Handler(tidings_test.Handler):
    def do_GET(self):
        with lock:
            log.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        p, h = self.path, self.headers
        if p in ("/a.xml", "/a2.xml"):
            if h.get("If-None-Match") == '"%s"' % p:
                self.send(304, b"", [("ETag", '"%s"' % p)])
            else:
                self.send(200, (RSS % (p, p, p)).encode(),
                          [("ETag", '"%s"' % p), ("Content-Type", "application/rss+xml")])
        elif p == "/lm.xml":
            if h.get("If-Modified-Since") == LM:
                self.send(304)
            else:
                self.send(200, (RSS % ("lm", "lm", "lm")).encode(),
                          [("Last-Modified", LM)])
        elif p == "/moved.xml":
            self.send(301, b"", [("Location", "/a2.xml")])
        elif p == "/temp.xml":
            self.send(302, b"", [("Location", "/lm.xml")])
        elif p == "/gone.xml":
            self.send(410, b"gone")
        elif p == "/err.xml":
            self.send(500, b"oops")
        elif p == "/busy.xml":
            self.send(429, b"", [("Retry-After", "7200")])
        elif p == "/notfeed":
            self.send(200, b"hello, I am not a feed", [("Content-Type", "text/plain")])
        else:
            self.send(404, b"")


server, BASE = serve(Handler)


tmp = tempfile.mkdtemp(prefix="e2e_run.")
conf = os.path.join(tmp, "tidings.conf")
db = os.path.join(tmp, "state", "tidings.db")
os.mkdir(os.path.join(tmp, "state"))
with open(conf, "w") as f:
    f.write("[daemon]\ndb = state/tidings.db\n"
            "[fetch]\nfulltext = never\nhost_rate = 0\npermanent_redirects = 2\n"
            "[feeds]\n")
    for name in ("a", "lm", "moved", "temp", "gone", "err", "busy"):
        f.write("%s/%s.xml name=%s\n" % (BASE, name, name))
    f.write("%s/notfeed name=notfeed\n" % BASE)
    f.write("%s/a.xml?disabled name=off enabled=no\n" % BASE)


def run(*args):
    p = subprocess.run([TIDINGS, "run", "-c", conf] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr.decode()


def feeds():
    p = subprocess.run([TIDINGS, "feeds", "-c", conf, "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, "feeds --json", p.stderr)
    return {f["name"]: f for f in json.loads(p.stdout)}


def requests(path):
    with lock:
        return [hd for p, hd in log if p == path]


t0 = time.time()
rc, err = run()
check(rc == 1, "first run fails (some feeds are broken)", (rc, err))
check("8 feed(s) checked, 4 failed" in err, "summary line", err)
check("gone: 410 Gone: feed retired" in err, "410 logged loudly", err)
fs = feeds()
check(fs["a"]["status"] == "ok" and fs["a"]["articles"] == 2 and fs["a"]["etag"] == '"/a.xml"',
      "200 stored with its ETag", fs["a"])
check(fs["lm"]["last_modified"] == LM, "Last-Modified stored", fs["lm"])
check(fs["gone"]["status"] == "retired", "410 retires the feed", fs["gone"])
check(fs["err"]["status"] == "failing" and fs["err"]["error_class"] == "http" and
      fs["err"]["failures"] == 1, "500 counted as an http failure", fs["err"])
check(fs["notfeed"]["error_class"] == "parse", "a non-feed is a parse failure", fs["notfeed"])
check(fs["busy"]["error_class"] == "http", "429 failure", fs["busy"])
check(fs["moved"]["moved_to"] == BASE + "/a2.xml" and fs["moved"]["url"] == BASE + "/moved.xml",
      "one 301: noted, not moved yet", fs["moved"])
check(fs["temp"]["moved_to"] is None, "302 never noted", fs["temp"])
check(fs["off"]["status"] == "new" and not requests("/a.xml?disabled"),
      "a disabled feed is not fetched", fs["off"])

n = len(log)
check(n == 10, "8 feeds and 2 redirect hops requested", n)
rc, err = run()
check(rc == 0 and len(log) == n, "nothing due right after a cycle",
      (rc, err, len(log)))

rc, err = run("--all")
a = requests("/a.xml")
check(len(a) == 2 and a[1].get("if-none-match") == '"/a.xml"',
      "second cycle sends If-None-Match", a)
lm = requests("/lm.xml")
check(lm[-1].get("if-modified-since") == LM, "second cycle sends If-Modified-Since", lm)
check(len(requests("/gone.xml")) == 1, "a retired feed is not asked again")
fs = feeds()
check(fs["a"]["articles"] == 2 and fs["a"]["status"] == "ok", "304 keeps the feed as it was", fs["a"])
check(fs["err"]["failures"] == 2 and fs["err"]["total_failures"] == 2, "failures counted", fs["err"])
check(fs["moved"]["url"] == BASE + "/a2.xml", "two 301s move the feed", fs["moved"])
check(fs["temp"]["url"] == BASE + "/temp.xml", "302s never move a feed", fs["temp"])
nxt = fs["busy"]["next_check"]
busy_next = time.mktime(time.strptime(nxt, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
check(busy_next >= t0 + 7000, "Retry-After honoured for the next check", nxt)

rc, err = run("--all")
check(len(requests("/moved.xml")) == 2 and len(requests("/a2.xml")) >= 1,
      "a moved feed is fetched at its new URL", (len(requests("/moved.xml")), len(requests("/a2.xml"))))
check(len(requests("/gone.xml")) == 1, "still retired")

rc, err = run("--feed", "gone")
check(len(requests("/gone.xml")) == 2 and rc == 1, "--feed forces even a retired feed", rc)
rc, err = run("--feed", "nope")
check(rc == 1 and "no feed named" in err, "--feed with an unknown name", err)

# An unnamed feed that moves stays one feed (found by its configured URL).
lst = os.path.join(tmp, "moving.conf")
with open(lst, "w") as f:
    f.write("%s/moved.xml fulltext=never\n" % BASE)
mdb = os.path.join(tmp, "moving.db")
for _ in range(4):
    subprocess.run([TIDINGS, "run", "--all", "--quiet", "--db", mdb, "--feeds", lst],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
p = subprocess.run([TIDINGS, "feeds", "--db", mdb, "--json"], stdout=subprocess.PIPE)
mf = json.loads(p.stdout)
check(len(mf) == 1 and mf[0]["url"] == BASE + "/a2.xml",
      "an unnamed moved feed stays one feed", mf)

# A one-off run needs no configuration file: --db and --feeds.
lst = os.path.join(tmp, "one.conf")
with open(lst, "w") as f:
    f.write("%s/a.xml fulltext=never\n" % BASE)
p = subprocess.run([TIDINGS, "run", "--db", os.path.join(tmp, "one.db"), "--feeds", lst],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
check(p.returncode == 0 and os.path.exists(os.path.join(tmp, "one.db")),
      "run --db --feeds without a config", p.stderr)

# A FIFO in the feed list is refused at once instead of blocking the run,
# and the other feeds are still checked.
fifo = os.path.join(tmp, "fifo.xml")
os.mkfifo(fifo)
local = os.path.join(tmp, "local.xml")
with open(local, "w") as f:
    f.write(RSS % ("local", "local", "local"))
lst = os.path.join(tmp, "fifo.conf")
with open(lst, "w") as f:
    f.write("%s name=fifo fulltext=never\n%s name=local fulltext=never\n" % (fifo, local))
t0 = time.time()
try:
    p = subprocess.run([TIDINGS, "run", "--db", os.path.join(tmp, "fifo.db"), "--feeds", lst],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
    rc, err = p.returncode, p.stderr.decode()
except subprocess.TimeoutExpired:
    rc, err = None, "still running after 30 s"
check(rc == 1 and "fifo: file: not a regular file" in err and time.time() - t0 < 30,
      "a FIFO feed fails at once", (rc, err))
p = subprocess.run([TIDINGS, "feeds", "--db", os.path.join(tmp, "fifo.db"), "--json"],
                   stdout=subprocess.PIPE, timeout=60)
ff = {f["name"]: f for f in json.loads(p.stdout or b"[]")}
check(ff.get("local", {}).get("articles") == 2 and
      ff.get("fifo", {}).get("error_class") == "file",
      "the other feed is stored, the FIFO is a file failure", ff)

server.shutdown()
shutil.rmtree(tmp)
finish()
