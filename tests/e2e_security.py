#!/usr/bin/env python3
"""What a hostile publisher or a careless operator must not get through the
real binary (`tidings run`, `tidings daemon`), against a scripted HTTP
server on 127.0.0.1:

 - credentials in a feed URL are used for the request and nowhere else:
   not in links resolved against the feed's URL, the exports (json, text,
   maildir, the exec record and environment), the logs, `tidings feeds`,
   `tidings articles` or the database; a redirect that carries
   credentials is refused;
 - an exec command inherits no descriptor above 2 (libcurl's sockets);
 - titles reach `tidings articles`, `search` and `show` as plain text,
   with no bidi control or terminal escape; javascript: URL fields are not
   stored.
"""
import base64
import json
import os
import shutil
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

SECRET = "s3cretpw"
EVIL = "evilpw"
AUTH = "Basic " + base64.b64encode(b"alice:" + SECRET.encode()).decode()

PRIVATE = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Private</title><link>/</link>
<item><guid>p-1</guid><title>Secret post</title><link>/post/1</link>
<comments>/post/1#comments</comments>
<enclosure url="/a.mp3" type="audio/mpeg" length="1"/>
<description><![CDATA[<p>See <img src="img.png"> and <a href="/other">this</a></p>]]></description>
</item></channel></rss>"""

OTHER = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Other</title>
<item><guid>o-1</guid><title>Other post</title><link>/o/1</link>
<description><![CDATA[<img src="x.png">]]></description></item>
</channel></rss>"""

lock = threading.Lock()
log = []    # (path, Authorization header or None)


class Handler(tidings_test.Handler):
    def do_GET(self):
        auth = self.headers.get("Authorization")
        with lock:
            log.append((self.path, auth))
        if self.path == "/feed.rss":
            if auth != AUTH:
                self.send(401, b"who are you?",
                          [("WWW-Authenticate", 'Basic realm="feed"')])
            else:
                self.send(200, PRIVATE, [("Content-Type", "application/rss+xml")])
        elif self.path == "/moving.rss":
            # The server moves the feed to a URL with credentials of its
            # choosing.
            self.send(301, b"", [("Location", "http://mallory:%s@%s/other.rss"
                                  % (EVIL, self.headers["Host"]))])
        elif self.path == "/other.rss":
            self.send(200, OTHER, [("Content-Type", "application/rss+xml")])
        else:
            self.send(404, b"")


def requests(path):
    with lock:
        return [a for p, a in log if p == path]


server, BASE = serve(Handler)
HOSTPORT = BASE[len("http://"):]
tmp = tempfile.mkdtemp(prefix="e2e_security.")


def tidings(*args, timeout=120):
    # Output goes to files, not pipes: an exec command's shell may keep a
    # copy of its stdout, which must not look like an inherited pipe.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        p = subprocess.run([TIDINGS] + list(args), stdout=out, stderr=err,
                           stdin=subprocess.DEVNULL, timeout=timeout)
        out.seek(0)
        err.seek(0)
        return p.returncode, out.read().decode("utf-8", "replace"), \
            err.read().decode("utf-8", "replace")


def sanitizer_clean(what, err):
    check("Sanitizer" not in err and "runtime error" not in err,
          "%s: no sanitizer report" % what, err[-2000:])


def tree_bytes(top):
    """(path, bytes) of every file under top."""
    out = []
    for d, _, names in os.walk(top):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                out.append((p, f.read()))
    return out


def leaks(secret, top, texts):
    """Where secret shows up: files under top, and the texts given."""
    s = secret.encode()
    where = [p for p, b in tree_bytes(top)
             if s in b and not p.endswith(".conf")]
    where += [name for name, t in texts if secret in t]
    return where


# ---- 8: credentials in a feed URL ----
d8 = os.path.join(tmp, "creds")
os.makedirs(os.path.join(d8, "exec"))
conf = os.path.join(d8, "tidings.conf")
dconf = os.path.join(d8, "daemon.conf")
for path, db in ((conf, "state.db"), (dconf, "daemon.db")):
    with open(path, "w") as f:
        f.write("[daemon]\ndb = %s\nlog_level = debug\n"
                "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\n"
                "permanent_redirects = 1\n"
                "[feeds]\n"
                "http://alice:%s@%s/feed.rss\n"
                "%s/moving.rss name=moving\n" % (db, SECRET, HOSTPORT, BASE))
execdir = os.path.join(d8, "exec")
hook = ("cat >'%s/record.json'; env | grep ^TIDINGS_ >>'%s/env'; "
        "ls -l /proc/$$/fd >>'%s/fds'" % (execdir, execdir, execdir))
texts = []
rc, out, err = tidings("run", "-c", conf, "--all",
                       "--export", "json:" + os.path.join(d8, "json"),
                       "--export", "text:" + os.path.join(d8, "text"),
                       "--export", "maildir:" + os.path.join(d8, "mail"),
                       "--export", "exec:" + hook)
texts.append(("run stderr", err))
texts.append(("run stdout", out))
sanitizer_clean("run", err)
check(requests("/feed.rss") and requests("/feed.rss")[-1] == AUTH,
      "the URL's credentials are sent (Basic) with the request",
      requests("/feed.rss"))
jsons = [n for n in os.listdir(os.path.join(d8, "json")) if "private" in n]
check(len(jsons) == 1, "the private feed's article is exported", (rc, err))
check(requests("/other.rss") == [],
      "a redirect to a URL with credentials is not followed", log)
check("credentials" in err and "moving" in err,
      "the refused redirect is reported", err)
if jsons:
    with open(os.path.join(d8, "json", jsons[0])) as f:
        doc = json.load(f)
    a = doc.get("article", doc)
    check(a.get("link") == BASE + "/post/1",
          "relative links resolve against the URL without credentials", a)
    check(doc.get("feed", {}).get("url") == BASE + "/feed.rss",
          "feed.url is the URL without credentials", doc.get("feed"))
# 7: the command ran while libcurl held its connections to the server
# (and its socket pair): it inherited none of them, nor the database.
with open(os.path.join(execdir, "fds")) as f:
    fds = f.read()
inherited = [l for l in fds.splitlines() if " -> " in l and
             int(l.split(" -> ")[0].split()[-1]) > 2 and
             ("socket:" in l or "pipe:" in l or "anon_inode" in l or
              ".db" in l)]
check(" 0 -> " in fds and inherited == [],
      "exec commands inherit no socket, pipe or database", fds)
for args in (("feeds",), ("feeds", "--json"), ("articles",), ("outbox",),
             ("check-config",)):
    rc2, out2, err2 = tidings(args[0], "-c", conf, *args[1:])
    texts.append((" ".join(args), out2 + err2))
    sanitizer_clean(" ".join(args), err2)
rc2, out2, err2 = tidings("feeds", "-c", conf)
check(rc2 == 0 and BASE + "/feed.rss" in out2, "`tidings feeds` lists the feed "
      "by its URL without credentials", out2)

# The daemon takes the same path: credentials for the request only.
errf = open(os.path.join(tmp, "daemon.stderr"), "w+")
with lock:
    del log[:]
dp = subprocess.Popen([TIDINGS, "daemon", "-c", dconf],
                      stdout=subprocess.DEVNULL, stderr=errf)
end = time.time() + 60
while time.time() < end and not (requests("/moving.rss") and
                                 requests("/feed.rss")):
    time.sleep(0.05)
time.sleep(0.5)
dp.send_signal(signal.SIGTERM)
dp.wait(timeout=60)
errf.seek(0)
derr = errf.read()
errf.close()
texts.append(("daemon stderr", derr))
sanitizer_clean("daemon", derr)
check(requests("/feed.rss") and requests("/feed.rss")[-1] == AUTH,
      "the daemon sends the URL's credentials too", requests("/feed.rss"))
check(requests("/other.rss") == [],
      "the daemon refuses the redirect with credentials", log)

where = leaks(SECRET, d8, texts)
check(where == [], "the password is nowhere: exports, exec, logs, feeds, "
      "articles, database", where)
where = leaks(EVIL, d8, texts)
check(where == [], "the redirect's password is nowhere", where)
where = leaks("alice", d8, texts)
check(where == [], "the user name is nowhere", where)

# ---- 10: what reaches a terminal and the plain-text exports ----
d10 = os.path.join(tmp, "plain")
os.makedirs(d10)
RLO = "\u202e"
BIDI = [RLO, "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067",
        "\u2068", "\u2069", "\u200e", "\u200f", "\u061c"]
items = [
    {"id": "bidi", "title": "invoice " + RLO + "fdp.exe",
     "content_text": "body " + RLO + "x", "url": "https://e.example/1"},
    {"id": "esc", "title": "clear \x1b[2J\x1b]0;pwned\x07 me \x9b1m" +
     "".join(BIDI), "content_text": "t", "url": "https://e.example/2"},
    {"id": "html", "title": "<img src=x>Title <b>bold</b> &amp; more",
     "content_text": "t", "url": "javascript:alert(1)",
     "attachments": [{"url": "javascript:alert(2)", "mime_type": "a/b"}]},
]
feed = os.path.join(d10, "feed.json")
with open(feed, "w") as f:
    json.dump({"version": "https://jsonfeed.org/version/1.1",
               "title": "F <i>x</i>", "items": items}, f)
db10 = os.path.join(d10, "t.db")
rc, out, err = tidings("ingest", "--db", db10, feed)
check(rc == 0, "ingest the hostile titles", err)
outputs = []
rc, out, err = tidings("articles", "--db", db10)
outputs.append(("articles", out))
sanitizer_clean("articles", err)
check("Title bold & more" in out, "`tidings articles` shows titles as plain "
      "text", out)
rc, out, err = tidings("search", "--db", db10, "invoice")
outputs.append(("search", out))
for n in range(1, 4):
    rc, out, err = tidings("show", "--db", db10, str(n))
    outputs.append(("show %d" % n, out))
    sanitizer_clean("show", err)
for name, out in outputs:
    check(not any(c in out for c in BIDI),
          "%s: no bidi control reaches the terminal" % name, ascii(out))
    check("\x1b" not in out and "\x07" not in out and "\x9b" not in out,
          "%s: no escape sequence reaches the terminal" % name, ascii(out))
rc, out, err = tidings("articles", "--db", db10, "--json")
recs = json.loads(out) if rc == 0 else []
check(recs and all(r["link"] is None for r in recs if r["id"] == "html") and
      all(r["enclosures"] == [] for r in recs if r["id"] == "html"),
      "javascript: link and enclosure are not stored", recs)
check(any(RLO in r["title"] for r in recs if r["id"] == "bidi"),
      "the JSON record keeps the title as the feed gave it", recs)

server.shutdown()
shutil.rmtree(tmp)
finish()
