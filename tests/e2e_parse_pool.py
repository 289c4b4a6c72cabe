#!/usr/bin/env python3
"""The parse pool ([daemon] parse_threads) changes when a document is
parsed, never what is stored or exported: the same feeds, served by a
local server on 127.0.0.1, go through `tidings run` twice (a first cycle,
then one where items changed, were added or left) with parse_threads = 0
(every document parsed on the loop's thread) and with workers, and the
articles, their feeds, the events, the cycles' counts and the exported
files must come out the same.

With one transfer at a time the documents arrive in one order, so the
comparison is exact, ids included; with many at a time (and more workers
than documents in flight, so that they finish out of order) it is made
on what does not depend on which feed's document landed first."""
import json
import os
import random
import re
import shutil
import sqlite3
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

NFEEDS = 32
lock = threading.Lock()
version = [1]
BODY = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do "
        "eiusmod tempor incididunt ut labore et dolore magna aliqua. ")


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def items_of(i, v):
    """The items of feed i in version v: (guid, title, link, text)."""
    rnd = random.Random(i)
    n = 3 + rnd.randrange(25)
    out = []
    for k in range(n):
        if v == 2 and k % 7 == 3:
            continue			# gone from the document
        title = "Feed %d item %d" % (i, k)
        text = "<p>%s %s</p>" % (title, BODY * (1 + rnd.randrange(4)))
        if v == 2 and k % 5 == 1:
            text += "<p>Updated.</p>"	# a new version
        link = "http://example.org/%d/%d" % (i, k)
        if i % 8 == 1 and k == 0:
            # the same article in two feeds: the first to land owns it
            link, title = "http://example.org/shared/%d" % (i // 8), "Shared"
            text = "<p>Shared %s</p>" % (BODY * 3)
        out.append(("g-%d-%d" % (i, k), title, link, text))
    if v == 2:
        out.insert(0, ("g-%d-new" % i, "New in %d" % i,
                       "http://example.org/%d/new" % i, "<p>new</p>"))
    return out


def rss(i, v):
    its = "".join("<item><guid>%s</guid><title>%s</title><link>%s</link>"
                  "<description>%s</description>"
                  "<pubDate>Mon, 0%d Jan 2024 10:00:00 GMT</pubDate></item>"
                  % (g, esc(t), esc(l), esc(x), 1 + k % 9)
                  for k, (g, t, l, x) in enumerate(items_of(i, v)))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>Feed %d</title><link>http://example.org/%d/</link>%s"
            "</channel></rss>" % (i, i, its)).encode()


def atom(i, v):
    its = "".join("<entry><id>%s</id><title>%s</title><link href=\"%s\"/>"
                  "<updated>2024-01-0%dT10:00:00Z</updated>"
                  "<content type=\"html\">%s</content></entry>"
                  % (g, esc(t), esc(l), 1 + k % 9, esc(x))
                  for k, (g, t, l, x) in enumerate(items_of(i, v)))
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Feed %d</title>'
            "<id>urn:feed:%d</id><updated>2024-01-01T00:00:00Z</updated>%s"
            "</feed>" % (i, i, its)).encode()


def jsonfeed(i, v):
    return json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Feed %d" % i,
        "home_page_url": "http://example.org/%d/" % i,
        "items": [{"id": g, "title": t, "url": l, "content_html": x}
                  for g, t, l, x in items_of(i, v)]}).encode()


def latin1(i, v):
    """RSS in ISO-8859-1, said by the HTTP header only."""
    body = rss(i, v).decode().replace(' encoding="UTF-8"', "")
    body = body.replace("<title>Feed", "<title>Caf\u00e9 feed")
    return body.encode("latin-1")


def big(i, v):
    """Past the parser's own pipeline threshold (parse_opts.h)."""
    its = "".join("<item><guid>big-%d</guid><title>Big %d</title>"
                  "<link>http://example.org/big/%d</link><description>%s"
                  "</description></item>" % (k, k, k, esc(BODY * 8))
                  for k in range(300 if v == 1 else 320))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>'
            "<link>http://example.org/big/</link>%s</channel></rss>" % its).encode()


def document(i):
    v = version[0]
    if i == 5:
        return b"this is not a feed", "text/plain"
    if i == 6:
        return big(i, v), "application/rss+xml"
    if i == 7:
        return latin1(i, v), "application/rss+xml; charset=ISO-8859-1"
    if i % 6 == 2:
        return atom(i, v), "application/atom+xml"
    if i % 6 == 4:
        return jsonfeed(i, v), "application/feed+json"
    return rss(i, v), "application/rss+xml"


class Handler(tidings_test.Handler):
    def do_GET(self):
        try:
            i = int(self.path.strip("/").split(".")[0][1:])
        except ValueError:
            self.send(404)
            return
        if not 0 <= i < NFEEDS:
            self.send(404)
            return
        if i == 9:
            self.send(500, b"broken")
            return
        body, ctype = document(i)
        self.send(200, body, [("Content-Type", ctype)])


server, BASE = serve(Handler)
tmp = tempfile.mkdtemp(prefix="e2e_parse_pool.")


def one_run(name, threads, transfers):
    """Both versions through `tidings run`; returns the database's path,
    the export directory and the runs' exit codes."""
    d = os.path.join(tmp, name)
    os.mkdir(d)
    out = os.path.join(d, "out")
    with open(os.path.join(d, "tidings.conf"), "w") as f:
        f.write("[daemon]\ndb = tidings.db\nparse_threads = %s\n"
                "[fetch]\nfulltext = never\nhost_rate = 0\nmax_transfers = %d\n"
                "host_connections = %d\n[feeds]\n" % (threads, transfers, transfers))
        for i in range(NFEEDS):
            f.write("%s/f%d.xml name=f%02d\n" % (BASE, i, i))
    codes = []
    for v in (1, 2):
        version[0] = v
        p = subprocess.run([TIDINGS, "run", "--all", "--quiet", "-c",
                            os.path.join(d, "tidings.conf"), "--export",
                            "json:" + out], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, timeout=300)
        codes.append((p.returncode, p.stderr))
    return os.path.join(d, "tidings.db"), out, codes


ART = ("id, feed_url, ident, guid, link, title, author, published, summary, "
       "content, text, categories, enclosures, content_hash, revision")


def dump(db, exact):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    q = lambda sql: [tuple(r) for r in c.execute(sql)]  # noqa: E731
    if exact:
        r = {"articles": q("SELECT %s FROM articles_v2 ORDER BY id" % ART),
             "links": q("SELECT article_id, feed_url, guid, is_duplicate, "
                        "removed FROM article_feeds_v1 ORDER BY 1, 2"),
             "events": q("SELECT seq, article_id, feed_id, kind, revision "
                         "FROM events_v1 ORDER BY seq")}
    else:
        cols = ART.replace("id, feed_url, ", "")
        r = {"articles": sorted(q("SELECT %s FROM articles_v2" % cols)),
             "events": sorted(q("SELECT kind, count(*) FROM events GROUP BY kind"))}
    r["feeds"] = q("SELECT url, title, http_status, last_error, error_class, "
                   "consecutive_failures, identity_mode FROM feeds_v1 ORDER BY url")
    r["cycles"] = q("SELECT checked, not_modified, failed, new, updated, "
                    "duplicate, exported FROM cycles_v1 ORDER BY id")
    c.close()
    return r


def exported(out, exact):
    files = {}
    for name in sorted(os.listdir(out)):
        # the time of the export, and which feed owns a shared article
        # when the order of the documents is not fixed
        n = re.sub(r"^[0-9]+T[0-9]+Z-" + ("" if exact else "[^-]+-"), "", name)
        with open(os.path.join(out, name)) as f:
            j = json.load(f)
        if not exact:
            j.pop("feed", None)
        for k in ("first_seen", "last_seen", "sort_time", "exported"):
            j.pop(k, None)
        files[n] = j
    return files


try:
    for transfers, exact, threads in ((1, True, "auto"), (16, False, "3")):
        what = "%d transfer(s) at a time, parse_threads = %s" % (transfers, threads)
        db0, out0, codes0 = one_run("seq%d" % transfers, "0", transfers)
        db1, out1, codes1 = one_run("pool%d" % transfers, threads, transfers)
        check(codes0 == codes1, what + ": the same exit codes and messages",
              (codes0, codes1))
        check(all(rc == 1 for rc, _ in codes0), what + ": the broken feeds fail",
              codes0)
        a, b = dump(db0, exact), dump(db1, exact)
        check(len(a["articles"]) > 500, what + ": articles stored",
              len(a["articles"]))
        check(any(r[0] == 2 or r[-1] > 1 for r in a["articles"]) if not exact
              else any(r[-1] > 1 for r in a["articles"]),
              what + ": the second version updated some articles")
        for k in sorted(a):
            check(a[k] == b[k], what + ": the same " + k,
                  [x for x in zip(a[k], b[k]) if x[0] != x[1]][:3])
        ea, eb = exported(out0, exact), exported(out1, exact)
        check(len(ea) > 500, what + ": files exported", len(ea))
        check(ea == eb, what + ": the same exported files",
              sorted(set(ea) ^ set(eb))[:5] or
              [k for k in ea if ea[k] != eb.get(k)][:3])
finally:
    server.shutdown()
    shutil.rmtree(tmp, ignore_errors=True)
finish()
