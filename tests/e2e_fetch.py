#!/usr/bin/env python3
"""fetch.c against a scripted HTTP server on 127.0.0.1.

The server runs in this process on a random free port; tests/fetch_probe
(a thin driver over fetch.c) fetches URLs and prints one JSON line per
result.  Each case checks both what fetch reported and what the server
received (conditional headers, request counts, spacing, concurrency).
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

PROBE = os.environ.get("FETCH_PROBE", "tests/fetch_probe")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402
EXAMPLES = os.environ.get("EXAMPLES_DIR",
                          os.path.join(TESTS_DIR, "..", "examples"))

LM = "Wed, 21 Oct 2015 07:28:00 GMT"
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'

BROTLI_FEED = None
if shutil.which("brotli"):
    BROTLI_FEED = subprocess.run(["brotli", "-c"], input=FEED,
                                 stdout=subprocess.PIPE, check=True).stdout

lock = threading.Lock()
log = []            # (path, headers dict, monotonic time)
concurrent = {"now": 0, "max": 0}


def record(handler):
    with lock:
        log.append((handler.path, {k.lower(): v for k, v in handler.headers.items()},
                    time.monotonic()))


def requests_for(path):
    with lock:
        return [e for e in log if e[0] == path]


class Handler(tidings_test.Handler):
    def redirect(self, code, to):
        self.send(code, b"moved", [("Location", to)])

    def do_GET(self):
        record(self)
        p = self.path
        h = self.headers
        if p == "/ok":
            self.send(200, FEED, [
                ("Content-Type", 'application/rss+xml; charset="windows-1251"'),
                ("ETag", '"v1"'), ("Last-Modified", LM),
                ("Cache-Control", "public, s-maxage=5, max-age=600"),
                ("Expires", "Thu, 01 Jan 2037 00:00:00 GMT")])
        elif p == "/etag":
            if h.get("If-None-Match") == '"v1"':
                self.send(304, b"", [("ETag", '"v1"')])
            else:
                self.send(200, FEED, [("ETag", '"v1"')])
        elif p == "/evil-validators":
            # A bare CR (header splitting) and control and 8-bit bytes.
            self.send(200, FEED, [("ETag", '"a\rX-Evil: 1"'),
                                  ("Last-Modified", "\x01\xff\x7f")])
        elif p == "/lm":
            if h.get("If-Modified-Since") == LM:
                self.send(304)
            else:
                self.send(200, FEED, [("Last-Modified", LM)])
        elif p == "/r301":
            self.redirect(301, "/r308")
        elif p == "/r308":
            self.redirect(308, "http://%s/ok" % h["Host"])
        elif p == "/r302":
            self.redirect(302, "/r307")
        elif p == "/r307":
            self.redirect(307, "/ok")
        elif p == "/mixed":
            self.redirect(301, "/r302")
        elif p == "/relative/a":
            self.redirect(301, "../ok")
        elif p == "/loop":
            self.redirect(301, "/loop")
        elif p == "/toftp":
            self.redirect(301, "ftp://127.0.0.1/feed")
        elif p == "/404":
            self.send(404, b"no")
        elif p == "/410":
            self.send(410, b"gone")
        elif p == "/500":
            self.send(500, b"oops")
        elif p == "/429":
            self.send(429, b"slow down", [("Retry-After", "120")])
        elif p.startswith("/429short"):
            self.send(429, b"slow down", [("Retry-After", "3")])
        elif p == "/503":
            when = time.strftime("%a, %d %b %Y %H:%M:%S GMT",
                                 time.gmtime(time.time() + 3600))
            self.send(503, b"later", [("Retry-After", when)])
        elif p == "/gzip":
            if "gzip" not in h.get("Accept-Encoding", ""):
                self.send(200, FEED)
            else:
                self.send(200, gzip.compress(FEED), [("Content-Encoding", "gzip")])
        elif p == "/br":
            if "br" in h.get("Accept-Encoding", "") and BROTLI_FEED:
                self.send(200, BROTLI_FEED, [("Content-Encoding", "br")])
            else:
                self.send(200, b"no brotli offered")
        elif p == "/wrong-charset":
            # UTF-8 bytes labelled Latin-1: fetch reports the label as is;
            # deciding between them is the parser's job.
            self.send(200, "<rss><channel><title>Київ</title></channel></rss>".encode(),
                      [("Content-Type", "text/xml; charset=ISO-8859-1")])
        elif p == "/bomb":
            # 8 MB of zeros in about 8 KB: the cap must count decoded bytes.
            self.send(200, gzip.compress(b"\0" * (8 << 20)),
                      [("Content-Encoding", "gzip")])
        elif p == "/biglen":
            self.send_response(200)
            self.send_header("Content-Length", str(50 << 20))
            self.end_headers()
            try:
                self.wfile.write(b"x" * 1024)
            except OSError:
                pass
            self.close_connection = True
        elif p == "/endless":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(100000):
                    self.wfile.write(b"y" * 16384)
            except OSError:
                pass
        elif p == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.close_connection = True
            try:
                for _ in range(60):
                    self.wfile.write(b"z")
                    self.wfile.flush()
                    time.sleep(0.5)
            except OSError:
                pass
        elif p == "/drop":
            self.send_response(200)
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<rss>" + b"a" * 100)
            self.wfile.flush()
            self.close_connection = True
        elif p == "/echo":
            body = json.dumps({k.lower(): v for k, v in h.items()}).encode()
            self.send(200, body, [("Content-Type", "application/json")])
        elif p.startswith("/hold"):
            with lock:
                concurrent["now"] += 1
                concurrent["max"] = max(concurrent["max"], concurrent["now"])
            time.sleep(0.3)
            with lock:
                concurrent["now"] -= 1
            self.send(200, FEED)
        elif p.startswith("/count"):
            self.send(200, FEED)
        else:
            self.send(404, b"unknown")


server, BASE = serve(Handler)


def probe(*args, timeout=60, quiet=True):
    cmd = [PROBE] + [a if not a.startswith("/") or a.startswith("//")
                     else BASE + a for a in args]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         timeout=timeout)
    # Sanitizer reports and stray messages land on stderr.
    if quiet and out.stderr:
        check(False, "probe %s wrote to stderr" % (args,), out.stderr.decode())
    res = [json.loads(line) for line in out.stdout.decode().splitlines()]
    res.sort(key=lambda r: r["index"])
    return res, out


def one(*args, **kw):
    res, out = probe(*args, **kw)
    if len(res) != 1:
        check(False, "one result for %s" % (args,), out.stderr)
        return {}
    return res[0]


# 200 with every header fetch reports.
r = one("/ok")
check(r["status"] == 200 and r["error"] == "ok" and not r["not_modified"], "200 ok", r)
check(r["body"] == FEED.decode(), "200 body", r["body"])
check(r["etag"] == '"v1"' and r["last_modified"] == LM, "validators reported", r)
check(r["charset"] == "windows-1251", "charset from Content-Type", r["charset"])
check(r["max_age"] == 600, "max-age (not s-maxage)", r["max_age"])
check(r["expires"] == 2114380800, "Expires parsed", r["expires"])
check(r["redirects"] == [] and r["moved_to"] is None, "no redirects", r)

# Conditional GET: ETag, then Last-Modified.
r = one("--etag", '"v1"', "/etag")
check(r["status"] == 304 and r["not_modified"] and r["body"] is None, "304 after ETag", r)
check(requests_for("/etag")[-1][1].get("if-none-match") == '"v1"', "If-None-Match sent")
r = one("--etag", '"old"', "/etag")
check(r["status"] == 200 and not r["not_modified"], "200 after a stale ETag", r)
r = one("--last-modified", LM, "/lm")
check(r["status"] == 304 and r["not_modified"], "304 after Last-Modified", r)
check(requests_for("/lm")[-1][1].get("if-modified-since") == LM,
      "If-Modified-Since sent verbatim")
r = one("/lm")
check(r["status"] == 200 and "if-modified-since" not in requests_for("/lm")[-1][1],
      "no validator, no conditional header", r)

# Validators that are not printable ASCII are dropped, never sent back: a
# bare CR would split the request header, so the next fetch is
# unconditional.
r = one("/evil-validators")
check(r["status"] == 200 and r["etag"] is None and r["last_modified"] is None,
      "an ETag with a CR and a Last-Modified of control bytes are dropped", r)
r = one("--etag", '"a\rX-Evil: 1"', "--last-modified", "\x01\x7f Oct", "/etag")
sent = requests_for("/etag")[-1][1]
check(r["status"] == 200 and "x-evil" not in sent and "if-none-match" not in sent
      and "if-modified-since" not in sent,
      "a stored validator with a CR or control bytes is not sent", sent)

# Redirect chains: permanent moves are reported, temporary ones are not.
r = one("/r301")
check(r["status"] == 200 and [c for c, _ in r["redirects"]] == [301, 308],
      "301+308 chain", r["redirects"])
check(r["moved_to"] == BASE + "/ok" and r["final_url"] == BASE + "/ok",
      "permanent chain moves the feed", r)
r = one("/r302")
check([c for c, _ in r["redirects"]] == [302, 307] and r["moved_to"] is None,
      "302+307 never move the feed", r)
r = one("/mixed")
check([c for c, _ in r["redirects"]] == [301, 302, 307] and r["moved_to"] is None,
      "a temporary hop in the chain: no move", r)
r = one("/relative/a")
check(r["redirects"] == [[301, BASE + "/ok"]] and r["status"] == 200,
      "relative Location resolved", r)
r = one("--max-redirects", "3", "/loop")
check(r["error"] == "redirect", "redirect loop is an error", r)
check(len(requests_for("/loop")) == 4, "loop stopped after 3 redirects",
      len(requests_for("/loop")))
r = one("/toftp")
check(r["error"] == "redirect", "redirect to ftp refused", r)

# Error statuses and Retry-After.
for code in (404, 410, 500):
    r = one("/%d" % code)
    check(r["status"] == code and r["error"] == "http" and r["body"] is None,
          "HTTP %d classified" % code, r)
r = one("/429")
check(r["status"] == 429 and 115 <= (r["retry_after_in"] or 0) <= 120,
      "429 Retry-After seconds", r)
r = one("/503")
# An HTTP date has whole seconds, read on two sides of a second boundary:
# the interval may come out one second either side of 3600.
check(r["status"] == 503 and 3590 <= (r["retry_after_in"] or 0) <= 3601,
      "503 Retry-After date", r)

# Encodings and size caps.
r = one("/gzip")
check(r["body"] == FEED.decode(), "gzip body decoded", r["body"])
check("gzip" in requests_for("/gzip")[-1][1].get("accept-encoding", ""),
      "Accept-Encoding offers gzip")
if BROTLI_FEED:
    r = one("/br")
    check(r["body"] == FEED.decode(), "brotli body decoded", r["body"])
else:
    print("skip: brotli body (no brotli program to encode one)")
r = one("/wrong-charset")
WRONG = "<rss><channel><title>Київ</title></channel></rss>"
check(r["charset"] == "ISO-8859-1" and r["body_len"] == len(WRONG.encode()) and
      r["body"] == WRONG, "wrong charset label reported, bytes untouched", r)
r = one("--max-body", "1048576", "/bomb")
check(r["error"] == "too-large" and r["body"] is None, "decoded size capped (gzip bomb)", r)
r = one("--max-body", "1048576", "/biglen")
check(r["error"] == "too-large", "Content-Length over the cap", r)
t0 = time.monotonic()
r = one("--max-body", "300000", "/endless")
check(r["error"] == "too-large", "endless body capped", r)
check(time.monotonic() - t0 < 10, "endless body stopped promptly")

# Timeouts and broken transfers.
t0 = time.monotonic()
r = one("--low-speed-limit", "100", "--low-speed-time", "2", "/slow")
check(r["error"] == "timeout", "low-speed timeout", r)
check(time.monotonic() - t0 < 8, "low-speed timeout is prompt", time.monotonic() - t0)
r = one("--timeout", "1", "--low-speed-limit", "0", "/slow")
check(r["error"] == "timeout" and r["seconds"] < 3, "total timeout", r)
r = one("/drop")
check(r["error"] == "transfer" and r["body"] is None, "connection dropped mid-body", r)
r = one("--connect-timeout", "2", "http://127.0.0.1:1/feed")
check(r["error"] == "connect", "connection refused", r)
r = one("http://nonexistent.invalid/feed")
check(r["error"] == "dns", "DNS failure", r)

# User-Agent.
r = one("/echo")
ua = json.loads(r["body"]).get("user-agent", "")
check(ua.startswith("tidings/"), "default User-Agent names tidings", ua)
r = one("--user-agent", "custom/1", "/echo")
check(json.loads(r["body"]).get("user-agent") == "custom/1", "User-Agent override")
r = one("--userpwd", "u:p", "/echo")
check(json.loads(r["body"]).get("authorization") == "Basic dTpw", "basic auth", r["body"])

# Local files.
path = os.path.abspath(os.path.join(EXAMPLES, "ukrainian-news.rss"))
r = one("file://" + path)
check(r["status"] == 200 and r["error"] == "ok" and
      r["body_len"] == os.path.getsize(path), "file:// read", r["body_len"])
r = one("file:///nonexistent/feed.xml")
check(r["error"] == "file", "missing file classified", r)
# Anything but a regular file is refused at once: opening a FIFO nobody
# writes to would block the whole loop.
special = tempfile.mkdtemp(prefix="e2e_fetch.")
os.mkfifo(os.path.join(special, "fifo"))
shutil.copy(path, os.path.join(special, "a b%.xml"))
t0 = time.time()
try:
    res, out = probe("file://%s/fifo" % special, "file://" + special, "file:///dev/zero",
                     "file://%s/a%%20b%%25.xml" % special, timeout=30)
except subprocess.TimeoutExpired:
    res = []
check(time.time() - t0 < 20 and [x["error"] for x in res] == ["file", "file", "file", "ok"] and
      all(x["errmsg"] == "not a regular file" for x in res[:3]),
      "a FIFO, a directory and a device are refused without blocking",
      [(x["error"], x["errmsg"]) for x in res])
check(len(res) == 4 and res[3]["body_len"] == os.path.getsize(path) and res[3]["status"] == 200,
      "a file whose URL is percent-encoded is read", res[3:])
res, out = probe("--max-body", "100", "file://%s/a%%20b%%25.xml" % special)
check([x["error"] for x in res] == ["too-large"], "a file over max_body", res)
shutil.rmtree(special)
res, out = probe("gopher://127.0.0.1/feed", quiet=False)
check(out.returncode != 0 and res == [], "unsupported scheme refused at add")

# Politeness: per-host connection cap and request rate.
concurrent["max"] = 0
res, _ = probe("--host-connections", "1", "--host-rate", "0",
               *["/hold%d" % i for i in range(4)])
check(len(res) == 4 and all(x["status"] == 200 for x in res), "4 held requests")
check(concurrent["max"] == 1, "one connection per host at a time", concurrent["max"])
concurrent["max"] = 0
res, _ = probe("--host-connections", "4", "--host-rate", "0",
               *["/hold%d" % i for i in range(4)])
check(concurrent["max"] >= 2, "parallel when the cap allows", concurrent["max"])
with lock:
    del log[:]
res, _ = probe("--host-rate", "5", *["/count%d" % i for i in range(6)])
times = sorted(t for p, _, t in log if p.startswith("/count"))
check(len(times) == 6, "six rate-limited requests", len(times))
if len(times) == 6:
    check(times[-1] - times[0] >= 0.9, "5 requests/s per host spaces them",
          times[-1] - times[0])
    gaps = [b - a for a, b in zip(times, times[1:])]
    # The server sees a start late when its thread is not scheduled at
    # once, which shortens the gap after it; a burst shows gaps near 0.
    check(min(gaps) >= 0.05, "no burst of starts", gaps)
with lock:
    del log[:]
t0 = time.monotonic()
res, _ = probe("--hold", "2", "/count-held", "/count-free-host-is-same")
held = [t for p, _, t in log if p.startswith("/count-")]
check(len(held) == 2 and min(held) - t0 >= 1.5,
      "a held host gets no request before the hold ends",
      [round(t - t0, 2) for t in held])
with lock:
    del log[:]
res, _ = probe("--host-connections", "1", "--host-rate", "0",
               "/429short-a", "/429short-b", "/count-after-429")
with lock:
    seen = [(p, t) for p, _, t in log]
check([p for p, _ in seen] == ["/429short-a", "/429short-b", "/count-after-429"],
      "three requests, in order", seen)
if len(seen) == 3:
    check(seen[2][1] - seen[1][1] >= 2.0,
          "two 429s with Retry-After from one host hold the host",
          seen[2][1] - seen[1][1])
res, _ = probe("--max-transfers", "2", "--host-rate", "0", "--host-connections", "8",
               *["/count-many%d" % i for i in range(40)])
check(len(res) == 40 and all(x["status"] == 200 for x in res), "40 transfers, global cap 2")

server.shutdown()
finish()
