#!/usr/bin/env python3
"""Per-feed network options (issue 15) through the real `tidings run`,
against servers on 127.0.0.1 started here:

- header= reaches the server, and a secret one is in no log line, nor in
  `feeds --json` (which shows it as "Name: <hidden>");
- cookie_file= sends its cookie, and the file is never written, not even
  after the server sets a cookie;
- http_version= reaches libcurl: over http://, 2 asks for an h2c upgrade
  and 1.1 does not;
- proxy= and [fetch] proxy: a recording HTTP proxy on 127.0.0.1 gets the
  request for a made-up host that only it "resolves" (nothing is looked up:
  an HTTP proxy is sent the absolute URL), and the environment's
  http_proxy, pointing at a dead port, is not used;
- ca_file=: a TLS server whose certificate the system does not trust
  (tests/data/tls/cert.pem) fails without it and is read with it.
"""
import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

SECRET = "s3cr3t-T0ken-4f9a"


def feed(title):
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>'
            '<item><guid>%s-1</guid><title>one</title></item></channel></rss>'
            % (title, title)).encode()


seen = {}          # path -> request headers (a dict, lower-case names)
proxied = []       # (request target, Host) the proxy was sent
lock = threading.Lock()


class Origin(tidings_test.Handler):
    def do_GET(self):
        with lock:
            seen[self.path] = {k.lower(): v for k, v in self.headers.items()}
        self.send(200, feed(self.path.strip("/").split(".")[0]),
                  [("Content-Type", "application/rss+xml"),
                   ("Set-Cookie", "fresh=from-server; Path=/")])


class Proxy(tidings_test.Handler):
    def do_GET(self):
        with lock:
            proxied.append((self.path, self.headers.get("Host")))
        self.send(200, feed("proxied"), [("Content-Type", "application/rss+xml")])


def tls_server():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls = os.path.join(TESTS_DIR, "data", "tls")
    ctx.load_cert_chain(os.path.join(tls, "cert.pem"), os.path.join(tls, "key.pem"))
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    body = feed("tls")

    def one(c):
        try:
            c = ctx.wrap_socket(c, server_side=True)
            c.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                got = c.recv(4096)
                if not got:
                    return
                data += got
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                      b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        except (OSError, ssl.SSLError):
            pass
        finally:
            c.close()

    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            threading.Thread(target=one, args=(c,), daemon=True).start()
    threading.Thread(target=loop, daemon=True).start()
    return "https://127.0.0.1:%d" % s.getsockname()[1]


_, ORIGIN = serve(Origin)
_, PROXY = serve(Proxy)
TLS = tls_server()
dead = socket.socket()
dead.bind(("127.0.0.1", 0))
DEAD = "http://127.0.0.1:%d" % dead.getsockname()[1]   # bound, never listening
CA = os.path.join(TESTS_DIR, "data", "tls", "cert.pem")

tmp = tempfile.mkdtemp(prefix="e2e_netopts.")
cookies = os.path.join(tmp, "cookies.txt")
with open(cookies, "w") as f:
    f.write("# Netscape HTTP Cookie File\n"
            "127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tc00kie-%s\n" % SECRET)
os.chmod(cookies, 0o600)
with open(cookies, "rb") as f:
    cookie_bytes = f.read()
cookie_mtime = os.stat(cookies).st_mtime_ns

conf = os.path.join(tmp, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = tidings.db\nlog_level = debug\n"
            "[fetch]\nfulltext = never\nhost_rate = 0\ntimeout = 20s\n[feeds]\n")
    f.write('%s/hdr.xml name=hdr header="X-Api-Key: %s" header="X-Plain: hello" '
            'cookie_file=cookies.txt\n' % (ORIGIN, SECRET))
    f.write("%s/v2.xml name=v2 http_version=2\n" % ORIGIN)
    f.write("%s/v11.xml name=v11 http_version=1.1\n" % ORIGIN)
    f.write("%s/plain.xml name=plain\n" % ORIGIN)
    f.write("http://feeds.made-up.invalid/p.xml name=viaproxy proxy=%s\n" % PROXY)
    f.write("%s/untrusted.xml name=untrusted\n" % TLS)
    f.write("%s/trusted.xml name=trusted ca_file=%s insecure_tls=no\n" % (TLS, CA))

# The environment's proxies point at a dead port: were they read, every
# feed without proxy= would fail.
ENV = {k: v for k, v in os.environ.items()
       if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")
       and k != "TIDINGS_TEST_CA_FILE"}
ENV.update(http_proxy=DEAD, https_proxy=DEAD, HTTPS_PROXY=DEAD, ALL_PROXY=DEAD)


def run(config):
    p = subprocess.run([TIDINGS, "run", "-c", config], env=ENV, cwd=tmp,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stdout.decode() + p.stderr.decode()


def state(config):
    p = subprocess.run([TIDINGS, "feeds", "-c", config, "--json"], env=ENV,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    check(p.returncode == 0, "feeds --json", p.stderr)
    return p.stdout.decode(), {f["name"]: f for f in json.loads(p.stdout)}


rc, log = run(conf)
check(rc == 1, "the cycle fails only the untrusted feed", (rc, log))
text, fs = state(conf)
for name in ("hdr", "v2", "v11", "plain", "viaproxy", "trusted"):
    check(fs[name]["status"] == "ok" and fs[name]["articles"] == 1,
          "%s: fetched and stored (environment proxies ignored)" % name, fs[name])

h = seen.get("/hdr.xml", {})
check(h.get("x-api-key") == SECRET and h.get("x-plain") == "hello",
      "header=: both headers reach the server", h)
check("c00kie-%s" % SECRET in h.get("cookie", "") and "sid=" in h.get("cookie", ""),
      "cookie_file=: its cookie reaches the server", h)
check("cookie" not in seen.get("/plain.xml", {"cookie": "?"}),
      "a feed without cookie_file sends no cookie", seen.get("/plain.xml"))
with open(cookies, "rb") as f:
    check(f.read() == cookie_bytes and os.stat(cookies).st_mtime_ns == cookie_mtime,
          "cookie_file is only read: unchanged after a Set-Cookie")
check(SECRET not in log, "no log line shows a secret header or cookie", log)
check(SECRET not in text, "feeds --json shows no secret", text)
check("X-Api-Key: <hidden>" in fs["hdr"].get("headers", []) and
      "X-Plain: hello" in fs["hdr"].get("headers", []),
      "feeds --json shows the headers, the secret one hidden", fs["hdr"])

check(seen.get("/v2.xml", {}).get("upgrade") == "h2c",
      "http_version=2: libcurl asks for HTTP/2 (h2c upgrade)", seen.get("/v2.xml"))
check("upgrade" not in seen.get("/v11.xml", {"upgrade": "?"}),
      "http_version=1.1: no upgrade", seen.get("/v11.xml"))

check(("http://feeds.made-up.invalid/p.xml", "feeds.made-up.invalid") in proxied,
      "proxy=: the proxy is sent the absolute URL of a made-up host", proxied)
check(len(proxied) == 1, "proxy=: only the feed that names it goes through it", proxied)

check(fs["untrusted"]["status"] == "failing" and fs["untrusted"]["error_class"] == "tls",
      "without ca_file: a certificate error", fs["untrusted"])
check(fs["trusted"]["status"] == "ok", "with ca_file: fetched", fs["trusted"])

# [fetch] proxy: every feed goes through it.
conf2 = os.path.join(tmp, "global.conf")
with open(conf2, "w") as f:
    f.write("[daemon]\ndb = global.db\n[fetch]\nfulltext = never\nhost_rate = 0\nproxy = %s\n[feeds]\n"
            "http://other.made-up.invalid/q.xml name=q\n" % PROXY)
rc, log = run(conf2)
check(rc == 0, "[fetch] proxy: the cycle succeeds", log)
check(("http://other.made-up.invalid/q.xml", "other.made-up.invalid") in proxied,
      "[fetch] proxy: the request went through the proxy", proxied)

shutil.rmtree(tmp)
finish()
