#!/usr/bin/env python3
"""Whole articles from teaser feeds (issue 12) through the real `tidings run`.

Servers started here, on 127.0.0.1 (and 127.0.0.2, which the test declares
public with TIDINGS_TEST_PUBLIC_ADDR, so that a feed there linking to a
page on 127.0.0.1 exercises the refusal without a packet leaving
127.0.0.0/8):

  teaser   examples/ukrainian-news-teaser.rss, its link's host rewritten
           to the server, and examples/ukrainian-news-page.html at the
           link's path: one export, byte for byte
           examples/ukrainian-news-article.txt; a second run exports
           nothing and does not fetch the page again
  retry    a page that answers 500 then 200 (the whole article, once), a
           page that always answers 500 (after fulltext_wait: the teaser,
           once, and the failure recorded)
  cap      20 teasers of one feed: never more page requests at once than
           host_connections
  guard    a feed on 127.0.0.2 linking to a page on 127.0.0.1: refused and
           recorded, the teaser exported; allow_private_pages = yes lets
           it through; a file: link in an http feed is refused
  never    fulltext=never never asks for the page
  resume   a page still due when `run` is killed is fetched by the daemon
           started after it: the article is exported once, whole
"""
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(TESTS_DIR, "..", "examples")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish  # noqa: E402


def example(name):
    with open(os.path.join(EXAMPLES, name), "rb") as f:
        return f.read()


TEASER = example("ukrainian-news-teaser.rss")
PAGE = example("ukrainian-news-page.html")
ARTICLE = example("ukrainian-news-article.txt")
LINK_PATH = "/en/news/793512-blinken-meets-zelensky-in-kyiv"
SHORT = b"A teaser. Read more\xe2\x80\xa6"

lock = threading.Lock()
hits = {}           # path -> count
busy = {"now": 0, "max": 0}
routes = {}         # path -> callable(count) -> (status, body)


def rss(items, title="Teasers"):
    out = [b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
           b'<title>' + title.encode() + b'</title><link>http://example.invalid/</link>']
    for guid, link, desc in items:
        out.append(b"<item><guid>" + guid.encode() + b"</guid><title>Item " +
                   guid.encode() + b"</title><link>" + link.encode() +
                   b"</link><description>" + desc + b"</description></item>")
    out.append(b"</channel></rss>")
    return b"".join(out)


def server(addr):
    class Handler(tidings_test.Handler):
        def do_GET(self):
            path = self.path
            with lock:
                hits[path] = hits.get(path, 0) + 1
                n = hits[path]
                busy["now"] += 1
                busy["max"] = max(busy["max"], busy["now"])
            try:
                route = routes.get(path)
                if route is None:
                    self.send(404)
                    return
                status, body, ctype = route(n)
                self.send(status, body, [("Content-Type", ctype)])
            finally:
                with lock:
                    busy["now"] -= 1

    s = http.server.ThreadingHTTPServer((addr, 0), Handler)
    s.daemon_threads = True
    threading.Thread(target=s.serve_forever, daemon=True).start()
    return "http://%s:%d" % (addr, s.server_address[1])


B = server("127.0.0.1")
A = server("127.0.0.2")
tmp = tempfile.mkdtemp(prefix="e2e_fulltext.")


def page(n):
    return 200, PAGE, "text/html; charset=utf-8"


def feed(body):
    return lambda n: (200, body, "application/rss+xml")


def run(name, fetch, feeds, public=None, again=False):
    """`tidings run` in tmp/name: [fetch] lines, (url, options) feeds;
    returns its stderr and the exported files (name -> bytes)."""
    d = os.path.join(tmp, name)
    os.makedirs(d, exist_ok=True)
    conf = os.path.join(d, "tidings.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = tidings.db\n[fetch]\nhost_rate = 0\n%s\n"
                "[export out]\ndir = %s\nformat = text\n[feeds]\n"
                % (fetch, os.path.join(d, "out")))
        for i, (url, opts) in enumerate(feeds):
            f.write("%s name=f%d %s\n" % (url, i, opts))
    os.makedirs(os.path.join(d, "out"), exist_ok=True)
    env = dict(os.environ)
    env.pop("TIDINGS_TEST_PUBLIC_ADDR", None)
    if public:
        env["TIDINGS_TEST_PUBLIC_ADDR"] = public
    args = [TIDINGS, "run", "-c", conf] + (["--all"] if again else [])
    p = subprocess.run(args, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=180)
    out = {}
    for root, _, fs in os.walk(os.path.join(d, "out")):
        for fn in fs:
            with open(os.path.join(root, fn), "rb") as fh:
                out[fn] = fh.read()
    return p.stderr.decode("utf-8", "replace"), out, conf


def show(conf, ref):
    db = os.path.join(os.path.dirname(conf), "tidings.db")
    p = subprocess.run([TIDINGS, "show", "--db", db, "--json", ref],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
    return json.loads(p.stdout) if p.returncode == 0 else {"error": p.stderr}


# ---- (a) the teaser example, byte for byte, once ----
routes["/teaser.rss"] = feed(TEASER.replace(b"https://ukranews.example", B.encode()))
routes[LINK_PATH] = page
err, out, conf = run("teaser", "", [(B + "/teaser.rss", "")])
check(len(out) == 1, "teaser: one export", (err, list(out)))
got = list(out.values())[0] if out else b""
check(got == ARTICLE, "teaser: the export is examples/ukrainian-news-article.txt "
      "byte for byte", got.decode("utf-8", "replace")[:2000] + "\n" + err)
check(hits.get(LINK_PATH) == 1, "teaser: the page was fetched once", hits.get(LINK_PATH))
rec = show(conf, "ukranews-793512")
check(rec.get("body_source") == "page" and rec.get("page_url") == B + LINK_PATH,
      "teaser: body_source page and the page's URL recorded", rec)
err, out2, _ = run("teaser", "", [(B + "/teaser.rss", "")], again=True)
check(list(out2) == list(out), "teaser: a second run exports nothing more", (err, list(out2)))
check(hits.get(LINK_PATH) == 1, "teaser: a second run does not fetch the page again",
      hits.get(LINK_PATH))

# ---- (b) a page that fails, then recovers; one that never does ----
routes["/flaky"] = lambda n: (500, b"down", "text/plain") if n == 1 else page(n)
routes["/dead"] = lambda n: (500, b"down", "text/plain")
routes["/retry.rss"] = feed(rss([("flaky", B + "/flaky", SHORT),
                                 ("dead", B + "/dead", SHORT)]))
t0 = time.time()
err, out, conf = run("retry", "fulltext_wait = 8s", [(B + "/retry.rss", "")])
took = time.time() - t0
check(len(out) == 2, "retry: each article exported once", (err, list(out)))
flaky = [v for v in out.values() if b"Item flaky" in v]
dead = [v for v in out.values() if b"Item dead" in v]
check(len(flaky) == 1 and b"Crimean platform" in flaky[0] and b"Read more" not in flaky[0],
      "retry: a page that recovers gives the whole article", flaky)
check(hits.get("/flaky") == 2, "retry: the failed page was tried again", hits.get("/flaky"))
check(len(dead) == 1 and b"A teaser." in dead[0],
      "retry: a page that never recovers leaves the teaser", dead)
check(hits.get("/dead", 0) >= 2, "retry: the dead page was retried", hits.get("/dead"))
check(7 <= took < 60, "retry: `run` waited about fulltext_wait for it", took)
rec = show(conf, B + "/dead")
check(rec.get("body_source") == "feed" and rec.get("page_state") == "failed" and
      "500" in (rec.get("page_error") or ""), "retry: the failure is recorded", rec)
n_dead = hits.get("/dead")
err, out2, _ = run("retry", "fulltext_wait = 8s", [(B + "/retry.rss", "")], again=True)
check(len(out2) == 2 and hits.get("/dead") == n_dead,
      "retry: a second run exports and fetches nothing more", (err, list(out2)))

# ---- (c) 20 teasers: the per-host cap holds for pages ----
def slow_page(n):
    time.sleep(0.3)
    return page(n)


items = []
for i in range(20):
    routes["/slow/%d" % i] = slow_page
    items.append(("s%d" % i, B + "/slow/%d" % i, SHORT))
routes["/many.rss"] = feed(rss(items))
with lock:
    busy["max"] = 0
err, out, conf = run("cap", "host_connections = 2", [(B + "/many.rss", "")])
check(len(out) == 20, "cap: 20 articles exported", (err, len(out)))
check(sum(hits.get("/slow/%d" % i, 0) for i in range(20)) == 20,
      "cap: each page fetched once", hits)
check(1 <= busy["max"] <= 2, "cap: never more than host_connections page requests at "
      "once", busy["max"])
check(all(b"Crimean platform" in v for v in out.values()), "cap: every article whole")

# ---- (d) refusals: a page in the operator's network, a file: link ----
routes["/private"] = page
routes["/guard.rss"] = feed(rss([("priv", B + "/private", SHORT),
                                 ("file", "file://" + os.path.abspath(
                                     os.path.join(EXAMPLES, "ukrainian-news-page.html")),
                                  SHORT)]))
err, out, conf = run("guard", "", [(A + "/guard.rss", "")], public="127.0.0.2")
check(hits.get("/guard.rss", 0) >= 1, "guard: the feed on 127.0.0.2 was fetched")
check(hits.get("/private") is None, "guard: no request reached the page on 127.0.0.1",
      hits.get("/private"))
check(len(out) == 2 and all(b"A teaser." in v for v in out.values()),
      "guard: both articles exported once, with the teaser", (err, list(out)))
rec = show(conf, B + "/private")
check(rec.get("page_state") == "refused" and "127.0.0.1" in (rec.get("page_error") or ""),
      "guard: the refusal is recorded with the address", rec)
check(len([ln for ln in err.splitlines() if ": refused: " in ln]) == 2,
      "guard: each refusal logged once", err)
rec = show(conf, "file://" + os.path.abspath(
    os.path.join(EXAMPLES, "ukrainian-news-page.html")))
check(rec.get("page_state") == "refused" and "file:" in (rec.get("page_error") or ""),
      "guard: a file: link in an http feed is refused and recorded", rec)
err, out, conf = run("guard-allowed", "allow_private_pages = yes",
                     [(A + "/guard.rss", "")], public="127.0.0.2")
check(hits.get("/private") == 1, "guard: allow_private_pages = yes lets the page through",
      hits.get("/private"))
priv = [v for v in out.values() if b"Item priv" in v]
check(len(priv) == 1 and b"Crimean platform" in priv[0],
      "guard: ... and the article is whole", (err, priv))

# ---- (e) fulltext=never ----
routes["/never-page"] = page
routes["/never.rss"] = feed(rss([("nv", B + "/never-page", SHORT)]))
err, out, conf = run("never", "fulltext = always", [(B + "/never.rss", "fulltext=never")])
check(len(out) == 1 and hits.get("/never-page") is None,
      "never: the page is never asked for, the teaser exported", (err, hits.get("/never-page")))
rec = show(conf, B + "/never-page")
check(rec.get("page_state") is None and rec.get("body_source") == "feed",
      "never: no page state", rec)

# ---- (f) a page still due when `run` is killed: the daemon resumes it ----
state = {"up": False}
routes["/resume"] = lambda n: page(n) if state["up"] else (500, b"down", "text/plain")
routes["/resume.rss"] = feed(rss([("rs", B + "/resume", SHORT)]))
d = os.path.join(tmp, "resume")
os.makedirs(os.path.join(d, "out"))
conf = os.path.join(d, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = tidings.db\n[fetch]\nhost_rate = 0\nfulltext_wait = 5m\n"
            "startup_spread = 0\n[export out]\ndir = %s\nformat = text\n[feeds]\n"
            "%s/resume.rss name=r\n" % (os.path.join(d, "out"), B))
p = subprocess.Popen([TIDINGS, "run", "-c", conf], stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL)
end = time.time() + 30
while time.time() < end and not hits.get("/resume"):
    time.sleep(0.05)
p.kill()
p.wait()
check(hits.get("/resume") == 1 and not os.listdir(os.path.join(d, "out")),
      "resume: run killed after the page failed once, nothing exported",
      (hits.get("/resume"), os.listdir(os.path.join(d, "out"))))
state["up"] = True
p = subprocess.Popen([TIDINGS, "daemon", "-c", conf], stdout=subprocess.DEVNULL,
                     stderr=subprocess.PIPE)
end = time.time() + 60
while time.time() < end and not os.listdir(os.path.join(d, "out")):
    time.sleep(0.1)
time.sleep(1)
p.terminate()
err = p.communicate(timeout=30)[1].decode("utf-8", "replace")
outs = os.listdir(os.path.join(d, "out"))
check(len(outs) == 1, "resume: the daemon exports the article once", (outs, err))
body = b""
if outs:
    with open(os.path.join(d, "out", outs[0]), "rb") as fh:
        body = fh.read()
check(b"Crimean platform" in body and hits.get("/resume") == 2,
      "resume: ... whole, from the page it fetched again", (hits.get("/resume"), err))

finish()
