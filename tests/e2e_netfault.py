#!/usr/bin/env python3
"""Network faults through the real `tidings run`: servers on 127.0.0.1,
started here, that reset the connection, answer garbage, send header
lines forever, answer nothing, or send headers and then hold the
connection without a body; and a host name that does not resolve.

Each faulty feed must fail on its own, in bounded time, with its failure
class (fetch.h's enum fetch_error, as `feeds --json` shows it); the good
feed beside them is stored; and backoff applies: a failing feed is not
due again right after the cycle, and after a second failure its next
check is further away than after the first.

The unresolvable name is a 64-byte label under .invalid: the C library
refuses to build a DNS query for a label over 63 bytes (RFC 1035), so
the lookup fails without a packet leaving the machine whatever resolver
it is configured with (checked with strace: no sendto or connect but to
nscd's socket).  No test here sends a packet beyond 127.0.0.0/8.

HTTP/2: libcurl speaks it only over TLS (ALPN), and no package gives a
test an HTTP/2 server, so this test carries a minimal one (Python's ssl
module, frames written by hand, HPACK literals without Huffman): one
server sends GOAWAY before answering the request (the feed fails as a
transfer error), one answers and then sends GOAWAY, as a server does
when it shuts down gracefully (the feed is stored).  Its certificate is
tests/data/tls/cert.pem, trusted through the test-only
TIDINGS_TEST_CA_FILE.
"""
import json
import os
import socket
import ssl
import struct
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

FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>good</title>'
        b'<item><guid>g1</guid><title>one</title></item></channel></rss>')
stop = threading.Event()


class Good(tidings_test.Handler):
    def do_GET(self):
        self.send(200, FEED, [("Content-Type", "application/rss+xml")])


def read_request(c):
    c.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            got = c.recv(4096)
            if not got:
                break
            data += got
    except OSError:
        pass


def reset(c):
    read_request(c)
    # SO_LINGER 0: close sends RST, not FIN
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    c.close()


def garbage(c):
    read_request(c)
    c.sendall(bytes(range(256)) * 16 + b"\r\n\r\n")
    c.close()


def headers_forever(c):
    read_request(c)
    try:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n")
        i = 0
        while not stop.is_set():
            c.sendall(b"X-Header-%d: %s\r\n" % (i, b"v" * 64))
            i += 1
    except OSError:
        pass
    c.close()


def silent(c):
    read_request(c)
    stop.wait(60)
    c.close()


def no_body(c):
    read_request(c)
    try:
        c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                  b"Content-Length: 100000\r\n\r\n<?xml")
    except OSError:
        pass
    stop.wait(60)
    c.close()


def raw_server(behaviour):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)

    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=behaviour, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return "http://127.0.0.1:%d/feed.xml" % s.getsockname()[1]


def h2_frame(kind, flags, stream, payload=b""):
    return (struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) +
            struct.pack(">I", stream) + payload)


def h2_literal(name, value):
    """An HPACK literal header field without indexing, no Huffman."""
    return b"\x00" + bytes([len(name)]) + name + bytes([len(value)]) + value


def h2_read_frame(c):
    def exactly(n):
        b = b""
        while len(b) < n:
            got = c.recv(n - len(b))
            if not got:
                raise OSError("closed")
            b += got
        return b
    h = exactly(9)
    n = int.from_bytes(h[:3], "big")
    return h[3], h[4], int.from_bytes(h[5:9], "big") & 0x7fffffff, exactly(n)


def h2_serve(c, goaway_first):
    try:
        c.settimeout(10)
        preface = b""
        while len(preface) < 24:
            preface += c.recv(24 - len(preface))
        c.sendall(h2_frame(4, 0, 0))                    # SETTINGS
        while True:
            kind, flags, stream, _ = h2_read_frame(c)
            if kind == 4 and not flags & 1:
                c.sendall(h2_frame(4, 1, 0))            # SETTINGS ack
            if kind != 1:                               # HEADERS
                continue
            if goaway_first:
                c.sendall(h2_frame(7, 0, 0, struct.pack(">II", 0, 0)))
                return
            block = (b"\x88" + h2_literal(b"content-type", b"application/rss+xml") +
                     h2_literal(b"content-length", str(len(FEED)).encode()))
            c.sendall(h2_frame(1, 4, stream, block) + h2_frame(0, 1, stream, FEED) +
                      h2_frame(7, 0, 0, struct.pack(">II", stream, 0)))
            return
    except OSError:
        pass
    finally:
        c.close()


def h2_server(goaway_first):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls = os.path.join(TESTS_DIR, "data", "tls")
    ctx.load_cert_chain(os.path.join(tls, "cert.pem"), os.path.join(tls, "key.pem"))
    ctx.set_alpn_protocols(["h2"])
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)

    def loop():
        while True:
            try:
                c, _ = s.accept()
                c.settimeout(10)
                c = ctx.wrap_socket(c, server_side=True)
            except (OSError, ssl.SSLError):
                continue
            threading.Thread(target=h2_serve, args=(c, goaway_first), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return "https://127.0.0.1:%d/feed.xml" % s.getsockname()[1]


_, GOOD = serve(Good)
feeds = {
    "good": GOOD + "/feed.xml",
    "reset": raw_server(reset),
    "garbage": raw_server(garbage),
    "headers": raw_server(headers_forever),
    "silent": raw_server(silent),
    "nobody": raw_server(no_body),
    "nodns": "http://%s.invalid/feed.xml" % ("x" * 64),
    "h2goaway": h2_server(True),
    "h2graceful": h2_server(False),
}
expect = {
    "reset": "transfer",
    "garbage": "transfer",
    "headers": "transfer",
    "silent": "timeout",
    "nobody": "timeout",
    "nodns": "dns",
    "h2goaway": "transfer",
}

tmp = tempfile.mkdtemp(prefix="e2e_netfault.")
conf = os.path.join(tmp, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = tidings.db\n"
            "[fetch]\nfulltext = never\nhost_rate = 0\nconnect_timeout = 3s\ntimeout = 6s\n"
            "low_speed_limit = 1\nlow_speed_time = 3s\n"
            "interval = 1h\nmax_backoff = 1d\n[feeds]\n")
    for name, url in feeds.items():
        f.write("%s name=%s\n" % (url, name))


ENV = dict(os.environ, TIDINGS_TEST_CA_FILE=os.path.join(TESTS_DIR, "data", "tls", "cert.pem"))


def run(*args):
    t0 = time.monotonic()
    p = subprocess.run([TIDINGS, "run", "-c", conf] + list(args), env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr.decode(), time.monotonic() - t0


def state():
    p = subprocess.run([TIDINGS, "feeds", "-c", conf, "--json"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, "feeds --json", p.stderr)
    return {f["name"]: f for f in json.loads(p.stdout)}


rc, err, secs = run()
check(rc == 1, "the cycle reports failures", (rc, err))
check(secs < 30, "every fault ends within the timeouts (%.1f s)" % secs, secs)
fs = state()
check(fs["good"]["status"] == "ok" and fs["good"]["articles"] == 1,
      "the good feed is stored beside the faulty ones", fs["good"])
for name, cls in expect.items():
    check(fs[name]["status"] == "failing" and fs[name]["error_class"] == cls,
          "%s: failure class %s" % (name, cls), fs[name])
    check(("%s: " % name) in err, "%s: a log line names the feed" % name, err)


def gap(f):
    """Seconds from the last check to the next: the backoff."""
    def t(v):
        return time.mktime(time.strptime(v, "%Y-%m-%dT%H:%M:%SZ"))
    return t(f["next_check"]) - t(f["last_check"])


check(fs["h2graceful"]["status"] == "ok" and fs["h2graceful"]["articles"] == 1,
      "HTTP/2: an answer followed by GOAWAY is stored", fs["h2graceful"])
first = {name: fs[name] for name in expect}

rc, err, _ = run()
fs = state()
check(rc == 0, "the second cycle has nothing failing to report", (rc, err))
for name in expect:
    check(fs[name]["last_check"] == first[name]["last_check"],
          "%s: not due again right after its failure" % name, fs[name])

rc, err, _ = run("--all")
fs = state()
for name in expect:
    check(fs[name]["failures"] == 2 and fs[name]["error_class"] == expect[name],
          "%s: second failure counted, same class" % name, fs[name])
    check(gap(fs[name]) > gap(first[name]),
          "%s: the wait grows after a second failure (%d s, then %d s)"
          % (name, gap(first[name]), gap(fs[name])), (first[name], fs[name]))
check(fs["good"]["status"] == "ok" and fs["good"]["failures"] == 0,
      "the good feed stays ok", fs["good"])

stop.set()
finish()
