#!/usr/bin/env python3
"""Misconfigured servers and documents, and careless operators: tidings
recovers as browsers and feedparser do, or says what happened.

A scripted HTTP server on 127.0.0.1 (in this process) and tests/fetch_probe
(a thin driver over fetch.c) for what the fetcher sees; the real
`tidings parse` for what the parser makes of the bytes.
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

PROBE = os.environ.get("FETCH_PROBE", "tests/fetch_probe")
TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'

lock = threading.Lock()
seen = []           # (path, Accept-Encoding)


class Handler(tidings_test.Handler):
    def do_GET(self):
        p = self.path
        with lock:
            seen.append((p, self.headers.get("Accept-Encoding")))
        if p == "/plain-labelled-gzip":
            # A plain body that the server says is gzip.
            self.send(200, FEED, [("Content-Encoding", "gzip")])
        elif p == "/broken-gzip":
            # Really gzip (its magic bytes), but broken: no retry saves it.
            self.send(200, b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"\xff" * 50,
                      [("Content-Encoding", "gzip")])
        elif p == "/gzip":
            self.send(200, gzip.compress(FEED), [("Content-Encoding", "gzip")])
        elif p == "/endless-header":
            self.close_connection = True
            try:
                self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Long: ")
                for _ in range(1000):
                    self.wfile.write(b"a" * 16384)
            except OSError:
                pass
        else:
            self.send(404, b"unknown")


server, BASE = serve(Handler)


def probe(*urls):
    out = subprocess.run([PROBE] + [BASE + u for u in urls], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, timeout=60)
    if out.stderr:
        check(False, "probe %s wrote to stderr" % (urls,), out.stderr.decode())
    res = [json.loads(line) for line in out.stdout.decode().splitlines()]
    if len(res) != 1:
        check(False, "one result for %s" % (urls,), out.stdout)
        return {}
    return res[0]


def requests(path):
    with lock:
        return [ae for p, ae in seen if p == path]


# Item 15: Content-Encoding: gzip on a plain body.  The fetcher asks once
# more without decoding and takes the bytes as they are.
r = probe("/plain-labelled-gzip")
check(r.get("error") == "ok" and r.get("body") == FEED.decode(),
      "a plain body labelled gzip is read as it is", r)
ae = requests("/plain-labelled-gzip")
check(len(ae) == 2 and "gzip" in (ae[0] or "") and "gzip" not in (ae[1] or ""),
      "asked again, without offering gzip", ae)
r = probe("/broken-gzip")
check(r.get("error") == "transfer" and r.get("body") is None and
      "gzip" in r.get("errmsg", ""), "a broken gzip body stays an error", r)
r = probe("/gzip")
check(r.get("error") == "ok" and r.get("body") == FEED.decode() and
      len(requests("/gzip")) == 1, "a good gzip body: one request", r)

# Item 16: a response header that never ends is not "Out of memory".
r = probe("/endless-header")
check(r.get("error") == "transfer" and "header" in r.get("errmsg", "") and
      "memory" not in r.get("errmsg", "").lower(),
      "an endless response header is reported as such", r)


def parse(data, *args):
    with tempfile.NamedTemporaryFile(suffix=".feed") as fp:
        fp.write(data)
        fp.flush()
        out = subprocess.run([TIDINGS, "parse"] + list(args) + [fp.name],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    try:
        doc = json.loads(out.stdout)
    except ValueError:
        doc = None
    return out.returncode, doc, out.stderr.decode()


# Item 15: a declared charset=utf-16 on UTF-8 bytes; the bytes decide.
rss = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
       '<title>Київ</title><item><title>Ünïcödé</title></item></channel></rss>')
rc, doc, err = parse(rss.encode(), "--charset", "utf-16")
check(rc == 0 and doc and doc["title"] == "Київ" and
      doc["items"][0]["title"] == "Ünïcödé" and doc["bozo"],
      "charset=utf-16 on a UTF-8 body: sniffed, bozo", (rc, doc, err))

# Item 15: a lone surrogate in a JSON Feed: U+FFFD and bozo, the rest kept.
jf = (b'{"version": "https://jsonfeed.org/version/1.1", "title": "J\\ud800son",'
      b' "items": [{"id": "1", "title": "a\\ud800b", "content_text": "x"},'
      b' {"id": "2", "title": "fine", "content_text": "y"}]}')
rc, doc, err = parse(jf)
check(rc == 0 and doc and doc["title"] == "J\ufffdson" and
      [i["title"] for i in doc["items"]] == ["a\ufffdb", "fine"] and doc["bozo"],
      "a lone surrogate in a JSON Feed becomes U+FFFD, bozo", (rc, doc, err))

# Item 16: `tidings export` replays stored articles without touching the
# outbox; a target that is down must not be said to leave them pending.
tmp = tempfile.mkdtemp(prefix="e2e_misconfigured.")
feed = os.path.join(tmp, "f.rss")
with open(feed, "w") as fp:
    fp.write('<rss version="2.0"><channel><title>c</title>'
             '<item><title>a</title><guid>1</guid></item>'
             '<item><title>b</title><guid>2</guid></item></channel></rss>')
with open(os.path.join(tmp, "feeds.conf"), "w") as fp:
    fp.write("file://%s name=f\n" % feed)
db = os.path.join(tmp, "t.db")
out = os.path.join(tmp, "out")
p = subprocess.run([TIDINGS, "run", "--db", db, "--feeds", os.path.join(tmp, "feeds.conf"),
                    "--export", "text:" + out], stdout=subprocess.PIPE,
                   stderr=subprocess.PIPE, timeout=60)
check(p.returncode == 0 and len(os.listdir(out)) == 2, "run exported two articles",
      p.stderr)
shutil.rmtree(out)
with open(out, "w") as fp:
    fp.write("a file where the directory was\n")
p = subprocess.run([TIDINGS, "export", "--db", db, "--target", "text:" + out],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
err = p.stderr.decode()
check(p.returncode == 1 and "Not a directory" in err and "pending" not in err and
      err.count("Not a directory") == 1 and "0 exported" in p.stdout.decode(),
      "export to a target that is down says so once, and nothing of pending",
      (p.returncode, p.stdout, err))
shutil.rmtree(tmp)

server.shutdown()
finish()
