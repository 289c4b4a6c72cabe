#!/usr/bin/env python3
"""The redirect guard (src/netguard.h) through the real `tidings run`.

Two servers started here: A on 127.0.0.2, which the test declares public
(TIDINGS_TEST_PUBLIC_ADDR=127.0.0.2, the test hook netguard.h names), and
B on 127.0.0.1, standing for the operator's network.  A feed on A whose
redirect leads to B, by address or by a name that resolves there
(localhost, from /etc/hosts), is refused before any request reaches B;
allow_private = yes (per feed, or in [fetch]) lets it through; a feed
configured on B itself may redirect within B.  Every packet stays in
127.0.0.0/8.
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish  # noqa: E402

FEED = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        b'<item><guid>g1</guid><title>one</title></item></channel></rss>')
lock = threading.Lock()
seen = {"A": [], "B": []}


def server(name, addr):
    class Handler(tidings_test.Handler):
        def do_GET(self):
            with lock:
                seen[name].append(self.path)
            p = self.path
            if p.startswith("/to-loopback"):
                self.send(302, b"", [("Location", "http://127.0.0.1:%d/feed.xml?via=%s"
                                      % (PB, p.split("?")[1]))])
            elif p.startswith("/to-localhost"):
                self.send(302, b"", [("Location", "http://localhost:%d/feed.xml?via=%s"
                                      % (PB, p.split("?")[1]))])
            elif p.startswith("/local-redirect"):
                self.send(302, b"", [("Location", "/feed.xml?via=local")])
            elif p.startswith("/feed.xml"):
                self.send(200, FEED, [("Content-Type", "application/rss+xml")])
            else:
                self.send(404)

    s = http.server.ThreadingHTTPServer((addr, 0), Handler)
    s.daemon_threads = True
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return s.server_address[1]


PB = server("B", "127.0.0.1")
PA = server("A", "127.0.0.2")
A = "http://127.0.0.2:%d" % PA
B = "http://127.0.0.1:%d" % PB
tmp = tempfile.mkdtemp(prefix="e2e_netguard.")


def run(name, fetch, feeds, public="127.0.0.2"):
    d = os.path.join(tmp, name)
    os.mkdir(d)
    conf = os.path.join(d, "tidings.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = tidings.db\n[fetch]\nhost_rate = 0\n%s\n[feeds]\n" % fetch)
        for n, url, opts in feeds:
            f.write("%s name=%s %s\n" % (url, n, opts))
    env = dict(os.environ)
    env.pop("TIDINGS_TEST_PUBLIC_ADDR", None)
    if public:
        env["TIDINGS_TEST_PUBLIC_ADDR"] = public
    p = subprocess.run([TIDINGS, "run", "-c", conf], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    q = subprocess.run([TIDINGS, "feeds", "-c", conf, "--json"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=60)
    return p.stderr.decode(), {f["name"]: f for f in json.loads(q.stdout)}


def b_got(via):
    with lock:
        return [p for p in seen["B"] if p.endswith("via=" + via)]


err, fs = run("default", "", [
    ("guarded", A + "/to-loopback?g1", ""),
    ("byname", A + "/to-localhost?n1", ""),
    ("allowed", A + "/to-loopback?a1", "allow_private=yes"),
    ("local", B + "/local-redirect", ""),
    ("public", A + "/feed.xml", ""),
])
g = fs["guarded"]
check(g["status"] == "failing" and g["error_class"] == "redirect",
      "a public feed redirecting to 127.0.0.1 is refused as a redirect failure", g)
check("127.0.0.1 (loopback address)" in (g["last_error"] or "") and
      "allow_private" in g["last_error"], "the message names the address and the way out", g)
check("guarded: " in err and "127.0.0.1 (loopback address)" in err,
      "the log line names the feed and the address", err)
check(not b_got("g1"), "no request reached the refused address", seen["B"])
n = fs["byname"]
check(n["status"] == "failing" and n["error_class"] == "redirect" and not b_got("n1"),
      "a redirect to a name that resolves to loopback is refused too (checked after DNS)", n)
check(fs["allowed"]["status"] == "ok" and fs["allowed"]["articles"] == 1 and b_got("a1"),
      "allow_private=yes on the feed lets the redirect through", fs["allowed"])
check(fs["local"]["status"] == "ok" and b_got("local"),
      "a feed configured on loopback may redirect within it", fs["local"])
check(fs["public"]["status"] == "ok", "a public feed without redirect is fetched", fs["public"])

# "guarded" leaves a connection to B open and "optout" would reuse it:
# the pre-request check, not the open-socket one, refuses that.
err, fs = run("global", "allow_private = yes", [
    ("guarded", A + "/to-loopback?g2", ""),
    ("optout", A + "/to-loopback?o2", "allow_private=no"),
])
check(fs["guarded"]["status"] == "ok" and b_got("g2"),
      "[fetch] allow_private = yes lets it through", fs["guarded"])
check(fs["optout"]["error_class"] == "redirect" and not b_got("o2"),
      "a feed's allow_private=no wins over [fetch]'s yes", fs["optout"])

# One connection at a time, feeds on B before and after the guarded one:
# whichever connection to B is open, the redirect does not get it.
err, fs = run("reuse", "max_transfers = 1\nhost_connections = 1", [
    ("first", B + "/feed.xml?via=first", ""),
    ("guarded", A + "/to-loopback?g3", ""),
    ("last", B + "/feed.xml?via=last", ""),
])
check(fs["guarded"]["error_class"] == "redirect" and not b_got("g3"),
      "refused with connections to loopback open around it", fs["guarded"])
check(fs["first"]["status"] == "ok" and fs["last"]["status"] == "ok",
      "the feeds on loopback itself are fetched", fs)

err, fs = run("nohook", "", [("guarded", A + "/to-loopback?g4", "")], public=None)
check(fs["guarded"]["status"] == "ok" and b_got("g4"),
      "without the test hook 127.0.0.2 is loopback, so the feed may redirect to 127.0.0.1",
      fs["guarded"])

finish()
