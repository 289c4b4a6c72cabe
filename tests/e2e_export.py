#!/usr/bin/env python3
"""Export end to end, through the real cycle (`tidings run`, `tidings
daemon`): the reference article byte for byte from RSS, Atom and JSON (as
file:// URLs and over HTTP from a server on 127.0.0.1), hostile names,
SIGKILL at random points (CRASH_KILLS, default 200), a full export
directory (a small tmpfs in a private mount namespace), a missing one,
`tidings outbox` and `tidings export --target`.

    python3 tests/e2e_export.py [--kills N]
"""
import http.server
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import json as _json

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(TESTS_DIR)), "examples")
REF = os.path.join(EXAMPLES, "ukrainian-news-article.txt")
# SIGKILLs of `tidings run`; a quarter as many again of the daemon
KILLS = int(os.environ.get("CRASH_KILLS", "160"))
if "--kills" in sys.argv:
    KILLS = int(sys.argv[sys.argv.index("--kills") + 1])

failures = 0


def check(cond, what, detail=None):
    global failures
    if cond:
        print("ok - %s" % what)
    else:
        failures += 1
        print("not ok - %s" % what)
        if detail is not None:
            print("  # %s" % str(detail)[:3000])


def run(*args, **kw):
    return subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, **kw)


def files(d):
    try:
        return sorted(os.listdir(d))
    except FileNotFoundError:
        return []


NAME_RE = re.compile(r"^[0-9]{8}T[0-9]{6}Z-[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?"
                     r"-[0-9a-f]{12}(\.r[0-9]+)?\.(txt|json)$")

# ---- a small HTTP server: paths map to (body, content type) ----
routes = {}
hits = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        with lock:
            hits[self.path] = hits.get(self.path, 0) + 1
            r = routes.get(self.path)
        if r is None:
            body, ctype, code = b"", "text/plain", 404
        else:
            body, ctype = r
            code = 200
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
threading.Thread(target=server.serve_forever, daemon=True).start()
BASE = "http://127.0.0.1:%d" % server.server_address[1]

tmp = tempfile.mkdtemp(prefix="tidings-export-")
ref = open(REF, "rb").read()
TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml",
         "json": "application/feed+json"}


def feedlist(name, urls):
    p = os.path.join(tmp, name)
    with open(p, "w") as f:
        for u in urls:
            f.write(u + " fulltext=never\n")
    return p


def sanitizer(err):
    return "Sanitizer" not in err and "runtime error" not in err


long_title = "L" * 10240
hostile = ["../../etc/passwd", "a/b/../../c", "line\nbreak\r\nmore",
           long_title, "\u202eevil\u200f.txt", ".hidden", "/abs/path",
           "..", "tab\tand\x7fdel"]


def xml_escape(s):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "".join(c if c in "\n\r\t" or ord(c) >= 32 else " " for c in s)


def rss(title, items):
    x = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
         '<title>%s</title><link>http://example.org/</link>' % xml_escape(title)]
    for guid, t, text in items:
        x.append("<item><guid isPermaLink=\"false\">%s</guid><title>%s</title>"
                 "<link>http://example.org/%s</link><description>%s</description>"
                 "<pubDate>Thu, 06 May 2021 12:00:00 +0000</pubDate></item>"
                 % (xml_escape(guid), xml_escape(t), xml_escape(guid),
                    xml_escape(text)))
    x.append("</channel></rss>\n")
    return "".join(x).encode()


# ---- 1. the reference article, byte for byte ----
def reference():
    for ext in ("rss", "atom", "json"):
        src = os.path.join(EXAMPLES, "ukrainian-news." + ext)
        with open(src, "rb") as f:
            routes["/ukrainian-news." + ext] = (f.read(), TYPES[ext])
        for how, url in (("file", "file://" + src),
                         ("http", BASE + "/ukrainian-news." + ext)):
            d = os.path.join(tmp, "ref-%s-%s" % (ext, how))
            os.mkdir(d)
            out = os.path.join(d, "out")
            r = run("run", "--db", os.path.join(d, "db"), "--feeds",
                    feedlist("ref-%s-%s.conf" % (ext, how), [url]),
                    "--export", "text:" + out)
            got = [n for n in files(out)
                   if open(os.path.join(out, n), "rb").read() == ref]
            check(r.returncode == 0 and len(got) == 1 and
                  got[0].startswith("20210506T120000Z-ukrainian-news-"),
                  "%s over %s: the reference article byte for byte" % (ext, how),
                  (r.returncode, r.stderr, files(out)))
            check(all(NAME_RE.match(n) for n in files(out)),
                  "%s over %s: file names are safe" % (ext, how), files(out))

    # All three in one list and one database: one export, not three.
    d = os.path.join(tmp, "ref-all")
    os.mkdir(d)
    out = os.path.join(d, "out")
    fl = feedlist("ref-all.conf", [BASE + "/ukrainian-news." + e
                                   for e in ("rss", "atom", "json")])
    r = run("run", "--db", os.path.join(d, "db"), "--feeds", fl,
            "--export", "text:" + out)
    names = files(out)
    same = [n for n in names if open(os.path.join(out, n), "rb").read() == ref]
    check(r.returncode == 0 and len(same) == 1,
          "three formats in one database: the reference article exported once",
          (r.stderr, names))
    db = sqlite3.connect(os.path.join(d, "db"))
    kinds = sorted(k for (k,) in db.execute(
        "SELECT kind FROM events WHERE article_id = (SELECT article_id FROM "
        "events WHERE kind = 'new' ORDER BY seq LIMIT 1)"))
    db.close()
    check(kinds == ["duplicate", "duplicate", "new"],
          "the 2nd and 3rd copies are duplicates, not new", kinds)
    r = run("run", "--all", "--db", os.path.join(d, "db"), "--feeds", fl,
            "--export", "text:" + out)
    check(r.returncode == 0 and files(out) == names,
          "a second run exports nothing new", (r.stderr, files(out)))



# ---- 2. hostile names through the real cycle ----
def hostile_names():
    urls = []
    for i, ft in enumerate(hostile):
        items = [("h%d-%d" % (i, j), t, "text %d %d" % (i, j))
                 for j, t in enumerate(hostile)]
        routes["/hostile%d.xml" % i] = (rss(ft, items), TYPES["rss"])
        urls.append(BASE + "/hostile%d.xml" % i)
    # JSON can carry a NUL in a string, XML cannot.
    import json as _json
    routes["/hostile-nul.json"] = (_json.dumps({
        "version": "https://jsonfeed.org/version/1.1",
        "title": "../..\u0000/etc/passwd",
        "items": [{"id": "nul-%d" % j, "title": "nul\u0000../../x%d" % j,
                   "url": "http://example.org/nul/%d" % j,
                   "content_text": "x\u0000y",
                   "date_published": "2021-05-06T12:00:00Z"} for j in range(3)]
    }).encode(), TYPES["json"])
    urls.append(BASE + "/hostile-nul.json")
    nitems = len(hostile) * len(hostile) + 3
    d = os.path.join(tmp, "hostile")
    os.mkdir(d)
    outs = {f: os.path.join(d, "spool", f) for f in ("text", "json", "maildir")}
    os.mkdir(os.path.join(d, "spool"))
    r = run("run", "--db", os.path.join(d, "db"), "--feeds",
            feedlist("hostile.conf", urls),
            *sum([["--export", "%s:%s" % (f, o)] for f, o in outs.items()], []))
    check(r.returncode == 0 and sanitizer(r.stderr), "hostile feeds: run succeeds",
          r.stderr)
    for f in ("text", "json"):
        names = files(outs[f])
        bad = [n for n in names if not NAME_RE.match(n)]
        check(len(names) == nitems and not bad,
              "hostile names: %d %s files, all with safe names" % (nitems, f),
              (len(names), bad[:5]))
    mail = files(os.path.join(outs["maildir"], "new"))
    check(len(mail) == nitems and all(re.match(r"^[0-9]+\.[0-9a-f]{12}(\.r[0-9]+)?"
                                               r"\.tidings$", n) for n in mail),
          "hostile names: maildir messages with safe names", mail[:5])
    # Nothing anywhere else: the whole tree under d holds only what we expect.
    stray = []
    for root, dirs, fs in os.walk(d):
        for n in fs:
            p = os.path.relpath(os.path.join(root, n), d)
            if not (p.startswith("spool/") or p.startswith("db")):
                stray.append(p)
    check(not stray and not os.path.exists(os.path.join(tmp, "etc")),
          "hostile names: no file outside the export directories", stray)



# ---- 5/6. a missing directory; tidings outbox; tidings export ----
def missing_dir():
    d = os.path.join(tmp, "missing")
    os.mkdir(d)
    spool = os.path.join(d, "spool")
    conf = os.path.join(d, "tidings.conf")
    routes["/m.xml"] = (rss("Missing", [("m%d" % j, "Missing %d" % j, "t")
                                        for j in range(5)]), TYPES["rss"])
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = db\nfeeds = feeds.conf\n"
                "[fetch]\nfulltext = never\ninterval = 1s\nmin_interval = 1s\n"
                "[export spool]\ndir = spool\nformat = text\n")
    with open(os.path.join(d, "feeds.conf"), "w") as f:
        f.write(BASE + "/m.xml name=m\n")
    r = run("run", "-c", conf)
    check(r.returncode == 1 and "5 article(s) left in the outbox" in r.stderr,
          "run: a missing directory keeps the articles and fails", r.stderr)
    r = run("outbox", "-c", conf)
    check(r.returncode == 0 and "spool: 5 pending" in r.stdout and
          "directory missing" in r.stdout and "Missing 0" in r.stdout,
          "outbox: what is pending and why", (r.stdout, r.stderr))
    os.mkdir(spool)
    r = run("run", "-c", conf)
    check(r.returncode == 0 and len(files(spool)) == 5,
          "run: the outbox is drained once the directory is there",
          (r.stderr, files(spool)))
    r = run("outbox", "-c", conf)
    check("spool: 0 pending" in r.stdout and "last error" not in r.stdout,
          "outbox: nothing pending, the error cleared", r.stdout)
    first = files(spool)[0]
    before = open(os.path.join(spool, first), "rb").read()
    os.remove(os.path.join(spool, first))
    r = run("export", "-c", conf, "--target", "spool")
    check(r.returncode == 0 and "5 exported" in r.stdout and
          open(os.path.join(spool, first), "rb").read() == before and
          len(files(spool)) == 5,
          "export --target: a lost file comes back with the same bytes",
          (r.stdout, r.stderr))
    r = run("export", "-c", conf, "--target", "spool", "--feed", "nonesuch")
    check(r.returncode == 1, "export --feed: an unknown feed is an error")
    r = run("export", "-c", conf, "--target", "spool", "--since", "1h",
            "--feed", "m")
    check(r.returncode == 0 and "5 exported" in r.stdout,
          "export --since --feed", (r.stdout, r.stderr))

    # The daemon: a missing directory is logged once, polling goes on.
    shutil.rmtree(spool)
    routes["/m.xml"] = (rss("Missing", [("m%d" % j, "Missing %d" % j, "t")
                                        for j in range(8)]), TYPES["rss"])
    errf = open(os.path.join(d, "stderr"), "w+")
    hits["/m.xml"] = 0
    p = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=errf)
    t0 = time.time()
    while time.time() - t0 < 40 and hits.get("/m.xml", 0) < 3:
        time.sleep(0.1)
    check(hits.get("/m.xml", 0) >= 3,
          "daemon: polling goes on while the directory is missing", hits)
    os.mkdir(spool)
    p.send_signal(signal.SIGHUP)
    t0 = time.time()
    while time.time() - t0 < 40 and len(files(spool)) < 3:
        time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=15)
    errf.seek(0)
    err = errf.read()
    check(len(files(spool)) == 3, "daemon: the new articles are exported once "
          "the directory is back", files(spool))
    check(err.count("directory missing: cannot open") == 1 and
          err.count("delivering again") == 1,
          "daemon: one log line per state change", err)
    check(sanitizer(err), "daemon: no sanitizer report", err)



# ---- 4. a full export directory ----
def full_disk():
    """Runs in a private mount namespace (see main)."""
    d = os.path.join(tmp, "full")
    spool = os.path.join(d, "spool")
    os.makedirs(spool)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs",
                       spool]).returncode != 0:
        print("ok - full disk # SKIP cannot mount a tmpfs here")
        return
    filler = os.path.join(spool, "filler")
    with open(filler, "wb") as f:
        try:
            f.write(b"x" * (256 * 1024 - 40 * 1024))
        except OSError:
            pass
    conf = os.path.join(d, "tidings.conf")
    body = "word " * 1000    # ~5 KB per file: the room left holds a few
    routes["/big.xml"] = (rss("Full", [("f%d" % j, "Full %d" % j, body)
                                        for j in range(30)]), TYPES["rss"])
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = db\nfeeds = feeds.conf\n"
                "[fetch]\nfulltext = never\ninterval = 1s\nmin_interval = 1s\n"
                "[export spool]\ndir = spool\nformat = text\n")
    with open(os.path.join(d, "feeds.conf"), "w") as f:
        f.write(BASE + "/big.xml name=big\n")
    errf = open(os.path.join(d, "stderr"), "w+")
    hits["/big.xml"] = 0
    p = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=errf)
    t0 = time.time()
    # Generous: a loaded CI machine under ASan may take seconds per cycle;
    # the loop ends as soon as the third poll arrives.
    while time.time() - t0 < 40 and hits.get("/big.xml", 0) < 3:
        time.sleep(0.1)
    some = [n for n in files(spool) if n != "filler"]
    check(hits.get("/big.xml", 0) >= 3 and 0 < len(some) < 30,
          "full disk: some exported, polling goes on", (hits, len(some)))
    r = run("outbox", "-c", conf)
    check("spool: %d pending" % (30 - len(some)) in r.stdout and
          "file system full" in r.stdout, "full disk: outbox says why",
          r.stdout)
    os.remove(filler)
    p.send_signal(signal.SIGHUP)
    t0 = time.time()
    while time.time() - t0 < 40 and len(files(spool)) < 30:
        time.sleep(0.1)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=15)
    errf.seek(0)
    err = errf.read()
    names = files(spool)
    titles = sorted(open(os.path.join(spool, n)).readline() for n in names)
    check(len(names) == 30 and len(set(titles)) == 30 and
          not any(n.startswith(".") for n in names),
          "full disk: after space is freed each article exported once",
          names)
    check(err.count("file system full: ") == 1 and
          err.count("delivering again") == 1,
          "full disk: one log line per state change", err)
    check(sanitizer(err), "full disk: no sanitizer report", err)
    subprocess.run(["umount", "-l", spool])




# A crash after the file was written but before the event was marked
# done, and the article changed before the restart: the replay keeps the
# file it finds rather than blocking the target on a collision.
def superseded():
    d = os.path.join(tmp, "superseded")
    os.mkdir(d)
    out = os.path.join(d, "out")
    db = os.path.join(d, "db")
    routes["/s.xml"] = (rss("S", [("s1", "S one", "first text")]),
                        TYPES["rss"])
    fl = feedlist("s.conf", [BASE + "/s.xml"])
    r = run("run", "--db", db, "--feeds", fl, "--export", "text:" + out)
    before = files(out)
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM export_done")
    conn.execute("UPDATE export_targets SET done_below = 0")
    conn.commit()
    conn.close()
    routes["/s.xml"] = (rss("S", [("s1", "S one", "second text")]),
                        TYPES["rss"])
    r = run("run", "--all", "--db", db, "--feeds", fl, "--export",
            "text:" + out)
    o = run("outbox", "--db", db)
    check(r.returncode == 0 and files(out) == before and len(before) == 1
          and ": 0 pending" in o.stdout,
          "a replay of a since updated article keeps the file and is done",
          (r.stderr, o.stdout, files(out)))


# The daemon does not wait for export commands: polling goes on while
# they run, up to the target's concurrency.
def exec_daemon():
    d = os.path.join(tmp, "exec")
    out = os.path.join(d, "out")
    os.makedirs(out)
    conf = os.path.join(d, "tidings.conf")
    routes["/e.xml"] = (rss("E", [("e%d" % j, "E %d" % j, "t")
                                  for j in range(4)]), TYPES["rss"])
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = db\nfeeds = feeds.conf\n"
                "[fetch]\nfulltext = never\ninterval = 1s\nmin_interval = 1s\n"
                "[export hook]\nformat = exec\nconcurrency = 2\n"
                "command = \"sleep 2; cat > %s/job.$$\"\n" % out)
    with open(os.path.join(d, "feeds.conf"), "w") as f:
        f.write(BASE + "/e.xml name=e\n")
    errf = open(os.path.join(d, "stderr"), "w+")
    hits["/e.xml"] = 0
    p = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=errf)
    t0 = time.time()
    while time.time() - t0 < 40 and hits.get("/e.xml", 0) < 1:
        time.sleep(0.05)
    t1 = time.time()
    time.sleep(1.7)
    during = (hits.get("/e.xml", 0), len(files(out)))
    while time.time() - t1 < 15 and len(files(out)) < 4:
        time.sleep(0.1)
    time.sleep(0.3)
    r = run("outbox", "-c", conf)
    p.send_signal(signal.SIGTERM)
    p.wait(timeout=15)
    errf.seek(0)
    err = errf.read()
    check(during[0] >= 2 and during[1] == 0,
          "exec: polling goes on while the commands run", during)
    jobs = files(out)
    titles = sorted(_json.loads(open(os.path.join(out, n)).read())
                    ["article"]["title"] for n in jobs)
    check(titles == ["E 0", "E 1", "E 2", "E 3"],
          "exec: each article to the command once", titles)
    check("hook: 0 pending" in r.stdout, "exec: nothing left pending",
          r.stdout)
    check(sanitizer(err), "exec: no sanitizer report", err)


# ---- 3. SIGKILL at random points ----
def crash():
    d = os.path.join(tmp, "crash")
    fdir = os.path.join(d, "feeds")
    out = os.path.join(d, "out")
    db = os.path.join(d, "db")
    os.makedirs(fdir)
    os.mkdir(out)
    nf, ni = 20, 30
    counts = [ni] * nf

    def write(i):
        items = [("c%d-%d" % (i, j), "Crash %d %d" % (i, j),
                  "text %d %d" % (i, j)) for j in range(counts[i])]
        t = os.path.join(fdir, ".f%d.tmp" % i)
        with open(t, "wb") as f:
            f.write(rss("Crash feed %d" % i, items))
        os.rename(t, os.path.join(fdir, "f%d.xml" % i))

    for i in range(nf):
        write(i)
    fl = feedlist("crash.conf", ["file://%s/f%d.xml" % (fdir, i)
                                 for i in range(nf)])
    args = [TIDINGS, "run", "--all", "-q", "--db", db, "--feeds", fl,
            "--export", "text:" + out]
    rnd = random.Random(os.environ.get("CRASH_SEED", "5"))
    kills = runs = 0
    t0 = time.time()
    limit = float(os.environ.get("CRASH_SECONDS", "300"))
    est = 0.0
    while kills < KILLS and time.time() - t0 < limit:
        for i in rnd.sample(range(nf), 3):
            counts[i] += 1
            write(i)
        t1 = time.time()
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        runs += 1
        if runs % 25 == 1:
            # now and then a whole run, to learn how long one takes
            p.wait()
            est = time.time() - t1
            continue
        # anywhere in a run: start-up, fetch, store, export
        time.sleep(rnd.uniform(0, est))
        if p.poll() is None:
            p.kill()
            kills += 1
        p.wait()
    # The daemon too, into a second directory of its own: it starts
    # from the first event and is killed while it catches up.
    out2 = os.path.join(d, "out2")
    os.mkdir(out2)
    conf = os.path.join(d, "tidings.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = db\nfeeds = %s\n"
                "[fetch]\nfulltext = never\ninterval = 1s\nmin_interval = 1s\n"
                "[export crash]\ndir = out2\nformat = text\n" % fl)
    dkills = 0
    while dkills < KILLS // 4 and time.time() - t0 < limit:
        for i in rnd.sample(range(nf), 3):
            counts[i] += 1
            write(i)
        p = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(rnd.uniform(0, 0.6))
        if p.poll() is None:
            p.kill()
            dkills += 1
        p.wait()
    check(kills + dkills >= KILLS + KILLS // 4,
          "crash: %d SIGKILLs of run in %d runs, %d of the daemon (%.0f s)"
          % (kills, runs, dkills, time.time() - t0))
    r = subprocess.run(args + ["-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    check(r.returncode == 0 and sanitizer(r.stderr),
          "crash: a clean run after the kills", r.stderr)
    expected = sorted("Crash %d %d" % (i, j)
                      for i in range(nf) for j in range(counts[i]))
    names = files(out)
    temps = [n for n in names if n.startswith(".")]
    titles = sorted(open(os.path.join(out, n), encoding="utf-8").readline()
                    .rstrip("\n") for n in names if not n.startswith("."))
    check(not temps, "crash: no temporary file left", temps[:5])
    same = files(out2) == names and all(
        open(os.path.join(out, n), "rb").read() ==
        open(os.path.join(out2, n), "rb").read() for n in names)
    check(same, "crash: the daemon's directory holds the same files, "
          "byte for byte", (len(files(out2)), len(names)))
    lost = sorted(set(expected) - set(titles))
    dup = len(titles) - len(set(titles))
    check(not lost and dup == 0 and titles == expected,
          "crash: %d articles, zero lost, zero duplicated" % len(expected),
          (len(titles), len(expected), lost[:5], dup))
    conn = sqlite3.connect(db)
    narts = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    check(narts == len(expected), "crash: the database holds every article",
          narts)
    r = run("outbox", "-c", conf)
    check(r.returncode == 0 and r.stdout.count(": 0 pending") == 2 and
          not re.search(r": [1-9][0-9]* pending", r.stdout),
          "crash: every event is done for both targets", r.stdout)
    # A replay renders every file again: a partial or different file
    # would be a collision.
    r = run("export", "--db", db, "--target", "text:" + out)
    check(r.returncode == 0 and "%d exported, 0 filtered out, 0 failed" %
          len(expected) in r.stdout,
          "crash: zero partial files (a replay finds the same bytes)",
          (r.stdout, r.stderr))


if os.environ.get("TIDINGS_FULL_ONLY") == "1":
    full_disk()
else:
    reference()
    hostile_names()
    missing_dir()
    superseded()
    exec_daemon()
    crash()
    # The tmpfs needs a mount namespace of its own: this script again,
    # under unshare(1), for that part only.
    if os.geteuid() == 0 and shutil.which("unshare") and subprocess.run(
            ["unshare", "-m", "true"], stderr=subprocess.DEVNULL).returncode == 0:
        r = subprocess.run(["unshare", "-m", "--propagation", "private",
                            sys.executable, os.path.abspath(__file__)],
                           env=dict(os.environ, TIDINGS_FULL_ONLY="1"),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        sys.stdout.write(r.stdout)
        if r.returncode != 0 or "ok - full disk" not in r.stdout:
            failures += 1
            print("not ok - the full disk test (exit %d)" % r.returncode)
    else:
        print("ok - full disk # SKIP no mount namespace (not root)")
if failures == 0:
    shutil.rmtree(tmp, ignore_errors=True)
else:
    print("# left for inspection: %s" % tmp)
sys.exit(1 if failures else 0)
