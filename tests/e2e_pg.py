#!/usr/bin/env python3
"""The PostgreSQL backend against a real server (tests/lib/pgserver.py
starts one in a temporary directory, on a Unix socket only, and stops it):

  1. the store's Check suite (tests/check_store) on PostgreSQL, and
     tests/e2e_filter.py;
  2. `tidings run --db postgresql://...` over the bundled examples served
     from 127.0.0.1: the reference article exported byte for byte, once,
     the other copies duplicates; a second run exports nothing;
  3. two runs at once on one database, one export target: one article,
     one file;
  4. the reading commands (status, feeds, articles, search, outbox) on
     the URI, and the public views;
  5. `tidings migrate-db`: an SQLite database made by `tidings run`
     copied whole; after the switch nothing is stored or exported twice,
     new numbers continue above the old ones;
  6. a database at schema version 7
     (tests/data/pg-schema-7.sql, made by `tidings run` of that release)
     opened by `tidings run`: migrated to this tidings' version with its
     articles, events, links, identity keys, done marks and feeds, read
     through the public views, nothing exported again; a database at a
     newer version than this tidings knows is refused, saying so, and
     left as it was;
  7. `tidings daemon` on PostgreSQL while the server is stopped hard
     (pg_ctl stop -m immediate) and started again: the daemon keeps
     running and stores what a feed added after the restart.

Skips (exit 77), saying why, when the server binaries are missing or
tidings is built without PostgreSQL."""
import http.server
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.environ.get("EXAMPLES_DIR", os.path.join(
    os.path.dirname(os.path.abspath(TESTS_DIR)), "examples"))
CHECK_STORE = os.environ.get("CHECK_STORE", os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(TIDINGS))), "tests",
    "check_store"))
REF = os.path.join(EXAMPLES, "ukrainian-news-article.txt")
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import pgserver  # noqa: E402
from tidings_test import check, finish  # noqa: E402

TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml",
         "json": "application/feed+json"}


def run(*args):
    return subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)


def start(*args):
    return subprocess.Popen([TIDINGS] + list(args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)


probe = run("status", "--db", "postgresql:///x?host=/nonexistent-dir")
if "built without PostgreSQL" in probe.stderr:
    print("SKIP: tidings is built without PostgreSQL")
    sys.exit(77)
pg = pgserver.start()
if pg is None:
    print("SKIP: " + pgserver.why)
    sys.exit(77)

routes = {}
for ext in TYPES:
    with open(os.path.join(EXAMPLES, "ukrainian-news." + ext), "rb") as f:
        routes["/ukrainian-news." + ext] = (f.read(), TYPES[ext])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        body, ctype = routes.get(self.path, (b"", "text/plain"))
        self.send_response(200 if self.path in routes else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = "http://127.0.0.1:%d" % server.server_address[1]
tmp = tempfile.mkdtemp(prefix="e2e_pg.")
ref = open(REF, "rb").read()


def feedlist(name):
    p = os.path.join(tmp, name)
    with open(p, "w") as f:
        for e in ("rss", "atom", "json"):
            f.write("%s/ukrainian-news.%s fulltext=never\n" % (BASE, e))
    return p


def same_as_ref(out):
    names = sorted(os.listdir(out)) if os.path.isdir(out) else []
    return names, [n for n in names
                   if open(os.path.join(out, n), "rb").read() == ref]


try:
    # ---- 1. the store's suite ----
    uri = pg.create_db("check_store")
    env = dict(os.environ, TIDINGS_TEST_DB_URI=uri, CK_VERBOSITY="normal")
    r = subprocess.run([CHECK_STORE], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    check(r.returncode == 0, "check_store passes on PostgreSQL",
          r.stdout[-3000:])

    # ---- 1b. filter rules, end to end ----
    uri = pg.create_db("filter")
    env = dict(os.environ, TIDINGS_TEST_FILTER_DB=uri)
    r = subprocess.run([sys.executable, os.path.join(TESTS_DIR,
                        "e2e_filter.py")], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, universal_newlines=True)
    check(r.returncode == 0, "e2e_filter passes on PostgreSQL",
          r.stdout[-3000:])

    # ---- 2. tidings run, twice ----
    uri = pg.create_db("run")
    fl = feedlist("feeds.conf")
    out = os.path.join(tmp, "out")
    r = run("run", "--db", uri, "--feeds", fl, "--export", "text:" + out)
    names, same = same_as_ref(out)
    check(r.returncode == 0 and len(same) == 1,
          "run: the reference article exported byte for byte, once",
          (r.returncode, r.stderr, names))
    kinds = pg.psql("run", "SELECT kind FROM events_v1 WHERE article_id ="
                    " (SELECT article_id FROM events WHERE kind = 'new'"
                    " AND article_id IN (SELECT id FROM articles_v2"
                    " WHERE published = 1620302400) ORDER BY seq LIMIT 1)"
                    " ORDER BY kind").split()
    check(kinds == ["duplicate", "duplicate", "new"],
          "the 2nd and 3rd copies are duplicates, not new", kinds)
    r = run("run", "--all", "--db", uri, "--feeds", fl, "--export",
            "text:" + out)
    check(r.returncode == 0 and same_as_ref(out)[0] == names,
          "a second run exports nothing new", (r.stderr, same_as_ref(out)))
    n = pg.psql("run", "SELECT count(*) FROM articles_v1").strip()
    check(n == "2", "two articles in the database", n)
    check(pg.psql("run", "SELECT version FROM tidings_schema").strip() == "10",
          "schema version 10")

    # ---- 3. two runs at once ----
    uri = pg.create_db("twice")
    out2 = os.path.join(tmp, "out2")
    ps = [start("run", "--db", uri, "--feeds", feedlist("f%d.conf" % i),
                "--export", "text:" + out2) for i in range(2)]
    errs = [p.communicate()[1] for p in ps]
    names, same = same_as_ref(out2)
    check(all(p.returncode == 0 for p in ps) and len(same) == 1 and
          len(names) == 2,
          "two runs at once: each article stored and exported once",
          (errs, names))
    n = pg.psql("twice", "SELECT count(*) FROM articles").strip()
    check(n == "2", "two runs at once: two articles, not more", n)
    n = pg.psql("twice", "SELECT count(*) FROM events WHERE kind = 'new'")
    check(n.strip() == "2", "two runs at once: two new events", n)

    # ---- 4. reading commands ----
    uri = pg.uri("run")
    r = run("status", "--db", uri)
    check(r.returncode == 0 and "schema 10" in r.stdout, "status", r)
    r = run("feeds", "--db", uri)
    check(r.returncode == 0 and r.stdout.count("ok") >= 3, "feeds", r)
    r = run("search", "--db", uri, "zelensky")
    check(r.returncode == 0 and "Blinken meets Zelensky" in r.stdout,
          "search", r)
    r = run("search", "--db", uri, '"kyiv metro" OR nothing*')
    check(r.returncode == 0 and "Kyiv metro" in r.stdout and
          "Zelensky" not in r.stdout, "search with FTS5 syntax", r)
    r = run("articles", "--db", uri)
    check(r.returncode == 0 and len(r.stdout.splitlines()) == 2,
          "articles", r)
    r = run("outbox", "--db", uri)
    check(r.returncode == 0 and "0 pending" in r.stdout, "outbox", r)

    # ---- 5. migrate-db ----
    sdb = os.path.join(tmp, "old.db")
    out3 = os.path.join(tmp, "out3")
    fl = feedlist("f3.conf")
    r = run("run", "--db", sdb, "--feeds", fl, "--export", "text:" + out3)
    before, same = same_as_ref(out3)
    check(r.returncode == 0 and len(same) == 1, "SQLite: run", r.stderr)
    uri = pg.create_db("moved")
    r = run("migrate-db", "--from", sdb, "--to", uri)
    check(r.returncode == 0, "migrate-db", r.stderr)
    con = sqlite3.connect(sdb)
    for t in ("feeds", "articles", "article_feeds", "identity_keys",
              "fingerprints", "article_revisions", "events",
              "export_targets", "export_done", "export_aside", "cycles"):
        a = con.execute("SELECT count(*) FROM %s" % t).fetchone()[0]
        b = int(pg.psql("moved", "SELECT count(*) FROM %s" % t))
        check(a == b, "migrate-db: %s: %d rows on both" % (t, a), (a, b))
    for sql in ("SELECT group_concat(url || etag_or, ',') FROM (SELECT url,"
                " coalesce(etag, '-') || last_check AS etag_or FROM feeds"
                " ORDER BY id) AS s",
                "SELECT group_concat(id || ident || content_hash, ',') FROM"
                " (SELECT * FROM articles ORDER BY id) AS s",
                "SELECT group_concat(name || done_below, ',') FROM"
                " export_targets"):
        a = con.execute(sql).fetchone()[0]
        b = pg.psql("moved", sql.replace("group_concat(", "string_agg(")
                    .replace("|| last_check", "|| last_check::text")
                    .replace("id || ident", "id::text || ident")
                    .replace("name || done_below", "name || done_below::text")
                    ).strip()
        check(str(a) == b, "migrate-db: the same values: " + sql[:40], (a, b))
    maxseq = con.execute("SELECT max(seq) FROM events").fetchone()[0]
    con.close()
    routes["/extra.xml"] = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>'
        b'<item><guid>extra-1</guid><title>Extra</title>'
        b'<description>new after the move</description></item>'
        b'</channel></rss>', "application/rss+xml")
    with open(fl, "a") as f:
        f.write(BASE + "/extra.xml\n")
    r = run("run", "--all", "--db", uri, "--feeds", fl, "--export",
            "text:" + out3)
    after = sorted(os.listdir(out3))
    check(r.returncode == 0 and len(after) == len(before) + 1 and
          set(before) <= set(after),
          "after the switch: only the new article is exported",
          (r.stderr, before, after))
    news = pg.psql("moved", "SELECT seq FROM events WHERE kind = 'new'"
                   " AND seq > %d" % maxseq).split()
    check(len(news) == 1, "after the switch: one new event, numbered above"
          " the old ones", news)
    check(pg.psql("moved", "SELECT count(*) FROM articles").strip() == "3",
          "after the switch: nothing stored twice")
    missing = os.path.join(tmp, "missing.db")
    r = run("migrate-db", "--from", missing, "--to", pg.uri("moved"))
    check(r.returncode != 0 and not os.path.exists(missing),
          "migrate-db from a missing file fails and creates none", r.stderr)
    r = run("migrate-db", "--from", sdb, "--to", uri)
    check(r.returncode != 0 and "not empty" in r.stderr,
          "migrate-db into a database in use is refused", r.stderr)

    # ---- 6. a database at an older schema version, and a newer one ----
    def load_v7(db, out):
        """A new database db holding tests/data/pg-schema-7.sql, with
        this test's feed server and target directory out."""
        u = pg.create_db(db)
        with open(os.path.join(TESTS_DIR, "data", "pg-schema-7.sql")) as f:
            sql = f.read().replace("@BASE@", BASE).replace("@OUT@", out)
        subprocess.run([os.path.join(pg.bin, "psql"), "-X", "-q", "-v",
                        "ON_ERROR_STOP=1", "-d", u], input=sql.encode(),
                       stdout=subprocess.DEVNULL, check=True)
        return u

    def snapshot(db):
        return [pg.psql(db, q) for q in (
            "SELECT id, feed_id, ident, title, content_hash, revision"
            " FROM articles_v2 ORDER BY id",
            "SELECT * FROM events_v1 ORDER BY seq",
            # last_seen moves on with each fetch; the rest stays
            "SELECT article_id, feed_id, feed_url, guid, first_seen,"
            " is_duplicate, removed FROM article_feeds_v1"
            " ORDER BY article_id, feed_id",
            "SELECT scope, key, kind, article_id FROM identity_keys"
            " ORDER BY scope, key",
            "SELECT name, done_below FROM export_targets ORDER BY name",
            "SELECT id, url, name FROM feeds_v1 ORDER BY id")]

    current = pg.psql("run", "SELECT version FROM tidings_schema").strip()
    out7 = os.path.join(tmp, "out7")
    uri = load_v7("v7", out7)
    check(pg.psql("v7", "SELECT version FROM tidings_schema").strip() ==
          "7", "older schema: the database is at version 7")
    before = snapshot("v7")
    check(before[0].count("\n") == 2 and before[1].count("\n") == 4,
          "older schema: two articles and four events to keep", before[:2])
    r = run("run", "--all", "--db", uri, "--feeds", feedlist("f7.conf"),
            "--export", "text:" + out7)
    check(r.returncode == 0, "older schema: tidings run opens it", r.stderr)
    check(pg.psql("v7", "SELECT version FROM tidings_schema").strip() ==
          current, "older schema: migrated to version " + current)
    check(snapshot("v7") == before, "older schema: articles, events, links,"
          " identity keys, done marks and feeds kept, the views read them")
    check(not os.path.isdir(out7) or os.listdir(out7) == [],
          "older schema: nothing exported again (the done marks hold)",
          os.listdir(out7) if os.path.isdir(out7) else None)
    r = run("search", "--db", uri, "zelensky")
    check(r.returncode == 0 and "Blinken meets Zelensky" in r.stdout,
          "older schema: search after the migration", r)
    r = run("status", "--db", uri)
    check(r.returncode == 0 and "schema " + current in r.stdout,
          "older schema: status", r)

    uri = load_v7("newer", os.path.join(tmp, "out8"))
    pg.psql("newer", "UPDATE tidings_schema SET version = 1000")
    before = snapshot("newer")
    r = run("run", "--all", "--db", uri, "--feeds", feedlist("f8.conf"),
            "--export", "text:" + os.path.join(tmp, "out8"))
    check(r.returncode != 0 and "schema version 1000 is newer than this"
          " tidings knows (%s)" % current in r.stderr,
          "newer schema: tidings run refuses it, saying why", r.stderr)
    r = run("status", "--db", uri)
    check(r.returncode != 0 and "schema version 1000, this tidings reads"
          " version " + current in r.stderr,
          "newer schema: status refuses it, saying why", r.stderr)
    check(pg.psql("newer", "SELECT version FROM tidings_schema").strip() ==
          "1000" and snapshot("newer") == before,
          "newer schema: the database is left as it was")

    # ---- 7. the daemon outlives a server restart ----
    uri = pg.create_db("daemon")
    d = os.path.join(tmp, "daemon")
    os.mkdir(d)
    conf = os.path.join(d, "tidings.conf")
    lists = os.path.join(d, "feeds.d")
    os.mkdir(lists)
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = %s\nfeeds = feeds.d/*.conf\nlog_level = debug\n"
                "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\n" % uri)
    with open(os.path.join(lists, "a.conf"), "w") as f:
        f.write(BASE + "/ukrainian-news.rss\n")
    errf = open(os.path.join(d, "stderr"), "w+")
    p = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=errf)

    def count(sql):
        try:
            return int(pg.psql("daemon", sql))
        except (subprocess.CalledProcessError, ValueError) as e:
            print("# %s: %s" % (sql, getattr(e, "stderr", e)))
            return -1

    def wait_for(pred, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            if pred():
                return True
            time.sleep(0.2)
        return False

    check(wait_for(lambda: count("SELECT count(*) FROM articles") == 2),
          "daemon: the first feed stored")
    pg.stop("immediate")
    time.sleep(1)
    pg.start()
    with open(os.path.join(lists, "b.conf"), "w") as f:
        f.write(BASE + "/extra.xml\n")
    p.send_signal(signal.SIGHUP)
    check(wait_for(lambda: count("SELECT count(*) FROM articles") == 3),
          "daemon: after the server came back, a new feed's article is"
          " stored", open(os.path.join(d, "stderr")).read()[-2000:])
    check(p.poll() is None, "daemon: still running")
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(30)
    except subprocess.TimeoutExpired:
        p.kill()
    check(count("SELECT count(*) FROM events WHERE kind = 'new'") == 3,
          "daemon: nothing stored twice")
finally:
    pg.close()
finish()
