#!/usr/bin/env python3
"""`tidings add` against a local site (issue 15, adding a feed by its site).

A server on 127.0.0.1 plays several sites by path prefix: /blog/ is a page
with <link rel="alternate"> RSS (relative href) and Atom (under <base>);
/plain/ is a page with no link, whose origin answers /feed with RSS (the
usual paths); /feeds/*.xml are the feeds themselves; /empty/ is a page
with nothing.  A second server on 127.0.0.2, declared public with the
test hook of netguard.h (TIDINGS_TEST_PUBLIC_ADDR), serves a page whose
link points at 127.0.0.1, the operator's network: that link is refused.
Each run uses its own configuration directory under a temp dir.
"""
import http.server
import os
import pty
import shutil
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

RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog RSS</title>'
       b'<item><guid>a</guid><title>one</title>'
       b'<pubDate>Tue, 02 Jan 2024 03:04:05 GMT</pubDate></item>'
       b'<item><guid>b</guid><title>two</title>'
       b'<pubDate>Mon, 01 Jan 2024 00:00:00 GMT</pubDate></item>'
       b'<item><guid>c</guid><title>three</title></item>'
       b'</channel></rss>')
ATOM = (b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b'<title>Blog Atom</title><id>urn:x</id><updated>2024-02-03T04:05:06Z</updated>'
        b'<entry><id>urn:1</id><title>e</title><updated>2024-02-03T04:05:06Z</updated>'
        b'</entry></feed>')
PAGE = (b'<!DOCTYPE html><html><head><title>A blog</title>'
        b'<link rel="alternate" type="application/rss+xml" title="The RSS" '
        b'href="../feeds/rss.xml">'
        b'<link rel="alternate" type="application/atom+xml" href="/feeds/atom.xml">'
        b'</head><body><p>hello</p></body></html>')
BASED = (b'<html><head><link rel="alternate" type="application/atom+xml" '
         b'href="../atom.xml"><base href="/feeds/atom/"></head></html>')
PLAIN = b'<!DOCTYPE html><html><head><title>plain</title></head><body>x</body></html>'
lock = threading.Lock()
hits = []


class Handler(tidings_test.Handler):
    def do_GET(self):
        p = self.path
        with lock:
            hits.append((self.server.server_address[0], p,
                         self.headers.get("User-Agent")))
        if p.startswith("/based/"):
            self.send(200, BASED, [("Content-Type", "text/html")])
        elif p.startswith("/blog/"):
            self.send(200, PAGE, [("Content-Type", "text/html; charset=utf-8")])
        elif p in ("/plain/", "/empty/"):
            self.send(200, PLAIN, [("Content-Type", "text/html")])
        elif p == "/feeds/rss.xml":
            self.send(200, RSS, [("Content-Type", "application/rss+xml")])
        elif p == "/feeds/atom.xml":
            self.send(200, ATOM, [("Content-Type", "application/atom+xml")])
        elif p == "/feed" and self.server.server_address[0] == "127.0.0.1" \
                and self.plain_feed():
            self.send(200, RSS, [("Content-Type", "application/rss+xml")])
        elif p == "/public/":
            page = (b'<link rel="alternate" type="application/rss+xml" '
                    b'href="http://127.0.0.1:%d/feeds/rss.xml">' % PORT)
            self.send(200, page, [("Content-Type", "text/html")])
        else:
            self.send(404, b"no")

    def plain_feed(self):
        return state["plain_feed"]


state = {"plain_feed": False}
srv, BASE = tidings_test.serve(Handler)
PORT = srv.server_address[1]
pub = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
pub.daemon_threads = True
threading.Thread(target=pub.serve_forever, daemon=True).start()
PUB = "http://127.0.0.2:%d" % pub.server_address[1]

tmp = tempfile.mkdtemp(prefix="tidings-add-")


def confdir(name, extra=""):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with open(os.path.join(d, "tidings.conf"), "w") as f:
        f.write("[daemon]\ndb = %s/t.db\n%s[fetch]\nuser_agent = tidings-add-test\n"
                % (d, extra))
    return os.path.join(d, "tidings.conf")


def add(conf, *args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    p = subprocess.run([TIDINGS, "add", "-c", conf] + list(args),
                       stdin=subprocess.DEVNULL, capture_output=True,
                       text=True, timeout=120, env=e)
    return p.returncode, p.stdout, p.stderr


def listing(conf):
    path = os.path.join(os.path.dirname(conf), "feeds.d", "added.conf")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return f.read()


# 1. A page with alternate links: both listed, relative and <base> hrefs
# resolved; nothing written without --yes and a terminal.
c1 = confdir("links")
rc, out, err = add(c1, BASE + "/blog/index.html")
check(rc == 0, "page with links: exit 0", (rc, out, err))
check("[1] %s/feeds/rss.xml" % BASE in out, "relative link resolved against the page", out)
check("[2] %s/feeds/atom.xml" % BASE in out, "second link listed", out)
check("title: Blog RSS" in out and "format: rss2.0, 3 items, last item: "
      "2024-01-02T03:04:05Z" in out, "RSS: title, format, count, last date", out)
check("title: Blog Atom" in out and "format: atom1.0, 1 item, last item: "
      "2024-02-03T04:05:06Z" in out, "Atom: title, format, count, last date", out)
check('<link rel="alternate"> "The RSS"' in out, "the link's title shown", out)
check("nothing written" in out and "--yes" in out, "no terminal: tells how to confirm", out)
check(listing(c1) is None, "no terminal: nothing written")
rc, out, err = add(c1, BASE + "/based/x/y.html")
check(rc == 0 and "[1] %s/feeds/atom.xml" % BASE in out, "link resolved against <base href>",
      (rc, out, err))
with lock:
    uas = [h[2] for h in hits if h[1] == "/blog/index.html"]
check(uas and all(u == "tidings-add-test" for u in uas), "the configured user agent", uas)

# 2. --dry-run prints the line and the file, writes nothing.
rc, out, err = add(c1, BASE + "/blog/index.html", "--pick", "2", "--dry-run",
                   "name=My Blog", "interval=2h")
added = os.path.join(os.path.dirname(c1), "feeds.d", "added.conf")
check(rc == 0 and "would append to %s:\n%s/feeds/atom.xml name=\"My Blog\" interval=2h\n"
      % (added, BASE) in out, "--dry-run prints the file and the line", (rc, out, err))
check(listing(c1) is None, "--dry-run writes nothing")

# 3. --yes writes feeds.d/added.conf, which check-config accepts.
rc, out, err = add(c1, BASE + "/blog/index.html", "--yes", "name=My Blog", "tags=a,b")
text = listing(c1)
check(rc == 0 and text is not None and text.startswith("#"), "--yes: file made with a header",
      (rc, out, err, text))
line = '%s/feeds/rss.xml name="My Blog" tags=a,b' % BASE
check(text is not None and text.endswith("\n" + line + "\n"), "--yes: the first feed's line", text)
check("added %s:3: %s" % (added, line) in out, "--yes: says FILE:LINE", out)
check("systemctl reload tidings" in out and "kill -HUP" in out and "not reloaded" in out,
      "tells how to reload", out)
p = subprocess.run([TIDINGS, "check-config", "-c", c1], capture_output=True, text=True)
check(p.returncode == 0, "check-config accepts the result", (p.stdout, p.stderr))

# 4. The same feed again (another spelling of it): FILE:LINE, nothing written.
rc, out, err = add(c1, BASE.replace("http://", "HTTP://") + "/feeds/rss.xml#x", "--yes")
check(rc == 0 and "already listed at %s:3" % added in out, "same URL again: FILE:LINE",
      (rc, out, err))
check(listing(c1) == text, "same URL again: nothing written")
# ... and reached through the page: its candidate is the listed one
rc, out, err = add(c1, BASE + "/blog/", "--yes")
check(rc == 0 and "already listed at %s:3" % added in out and listing(c1) == text,
      "listed candidate found through the page: nothing written", (rc, out, err))
# the second candidate is not listed yet: --pick 2 appends it
rc, out, err = add(c1, BASE + "/blog/", "--pick", "2", "name=atom")
check(rc == 0 and listing(c1) == text + "%s/feeds/atom.xml name=atom\n" % BASE,
      "--pick 2 appends the second", (rc, out, err, listing(c1)))
p = subprocess.run([TIDINGS, "check-config", "-c", c1], capture_output=True, text=True)
check(p.returncode == 0, "check-config accepts two added feeds", (p.stdout, p.stderr))

# 5. A page with no link, whose site serves /feed: found by the usual paths.
state["plain_feed"] = True
c2 = confdir("paths")
rc, out, err = add(c2, BASE + "/plain/", "--yes")
check(rc == 0 and "[1] %s/feed\n" % BASE in out and "a usual path" in out,
      "usual path /feed found", (rc, out, err))
check(listing(c2) is not None and listing(c2).endswith("\n%s/feed\n" % BASE),
      "usual path written", listing(c2))
state["plain_feed"] = False

# 6. A direct feed URL is itself the candidate.
c3 = confdir("direct", "add_file = mine/list.conf\nfeeds = mine/*.conf\n")
os.makedirs(os.path.join(os.path.dirname(c3), "mine"))
open(os.path.join(os.path.dirname(c3), "mine", "empty.conf"), "w").close()
rc, out, err = add(c3, BASE + "/feeds/atom.xml", "--yes")
mine = os.path.join(os.path.dirname(c3), "mine", "list.conf")
check(rc == 0 and out.count("[") == 1 and "the URL itself" in out, "direct feed: itself",
      (rc, out, err))
check(os.path.exists(mine) and open(mine).read().endswith("\n%s/feeds/atom.xml\n" % BASE),
      "[daemon] add_file names the list", out)
p = subprocess.run([TIDINGS, "check-config", "-c", c3], capture_output=True, text=True)
check(p.returncode == 0, "check-config accepts the add_file", (p.stdout, p.stderr))

# 7. A page with nothing: exit 1, a clear message, nothing written.
c4 = confdir("nothing")
rc, out, err = add(c4, BASE + "/empty/", "--yes")
check(rc == 1 and "no feed found at %s/empty/" % BASE in err, "nothing found: exit 1",
      (rc, out, err))
check(listing(c4) is None, "nothing found: nothing written")
rc, out, err = add(c4, "http://127.0.0.1:1/", "--yes")
check(rc == 1 and "http://127.0.0.1:1/" in err, "fetch failure: exit 1", (rc, out, err))

# 8. A bad option: refused before any request, nothing written.
with lock:
    before = len(hits)
rc, out, err = add(c4, BASE + "/feeds/rss.xml", "--yes", "interval=bogus")
with lock:
    after = len(hits)
check(rc == 2 and "interval" in err, "bad option refused: exit 2", (rc, out, err))
check(after == before, "bad option: nothing fetched")
check(listing(c4) is None, "bad option: nothing written")
rc, out, err = add(c4, BASE + "/feeds/rss.xml", "--yes", "justaword")
check(rc == 2 and listing(c4) is None, "not key=value: usage", (rc, out, err))
rc, out, err = add(c4, "--yes")
check(rc == 2 and "usage: tidings add" in err, "no URL: usage", (rc, out, err))

# 9. A page on a public address linking into the operator's network: the
# link is refused; allow_private = yes lets it through.
env = {"TIDINGS_TEST_PUBLIC_ADDR": "127.0.0.2"}
c5 = confdir("guard")
with lock:
    before = len([h for h in hits if h[0] == "127.0.0.1"])
rc, out, err = add(c5, PUB + "/public/", "--yes", env=env)
with lock:
    after = len([h for h in hits if h[0] == "127.0.0.1"])
check(rc == 1 and "link to 127.0.0.1" in out and listing(c5) is None,
      "public page's private link refused", (rc, out, err))
check(after == before, "no request reached the private address", (before, after))
c6 = confdir("guard-allowed", "")
with open(c6, "a") as f:
    f.write("allow_private = yes\n")
rc, out, err = add(c6, PUB + "/public/", "--yes", env=env)
check(rc == 0 and listing(c6) is not None, "allow_private = yes: the link is followed",
      (rc, out, err))

# 10. On a terminal it asks which; the answer picks the feed.
c7 = confdir("ask")
master, slave = pty.openpty()
p = subprocess.Popen([TIDINGS, "add", "-c", c7, BASE + "/blog/"], stdin=slave,
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
os.close(slave)
os.write(master, b"2\n")
out, err = p.communicate(timeout=120)
os.close(master)
check(p.returncode == 0 and "Add which feed? [1-2" in out and listing(c7) is not None
      and listing(c7).endswith("\n%s/feeds/atom.xml\n" % BASE), "terminal: asks, adds the choice",
      (p.returncode, out, err, listing(c7)))

# 11. --file names another list.
other = os.path.join(tmp, "other.conf")
rc, out, err = add(c4, BASE + "/feeds/rss.xml", "--yes", "--file", other)
check(rc == 0 and open(other).read().endswith("\n%s/feeds/rss.xml\n" % BASE)
      and "not among the feed lists" in out, "--file: written, with a note", (rc, out, err))

shutil.rmtree(tmp, ignore_errors=True)
finish()
