#!/usr/bin/env python3
"""Three daemons on one PostgreSQL database (tests/lib/pgserver.py starts
a real server in a temporary directory, on a Unix socket only).

500 feeds on five local HTTP servers (127.0.0.1, five ports: five hosts to
the daemons), each feed gaining an item every few seconds; three
`tidings daemon` processes (nodes n1, n2, n3, each telling itself apart by
its User-Agent) with a text and a maildir target in shared directories.
n3's feed list lacks the last 20 feeds (a rollout in progress).  n1 is
killed with SIGKILL mid-cycle, then n2; n1 starts again; the server is
stopped hard (pg_ctl stop -m immediate) in the middle of batches and
started again; the feeds stop changing, and once everything served is
stored:

  - every article is stored once, and every item the servers served is
    stored (nothing lost after the kills);
  - each target holds exactly one file per article (counted by guid);
    a target pinned to n3 (node = n3; each daemon's own directory) is
    written by n3 alone;
  - no feed was fetched twice within its interval, except right after a
    daemon that fetched it was killed (a takeover when its lease ran out)
    or when the database was down (a check that could not be stored);
  - the daemons outlive the outage, and each logs it in one line when it
    starts and one when it ends;
  - no server saw more connections at once than [fetch] host_connections,
    the global cap (a host is leased by one daemon at a time);
  - n3 never fetched a feed its list lacks, and no feed left the database;
  - `tidings status` (text and --json) shows the three daemons, the
    killed one silent, without the URI's password, and a database size;
    the metrics file of n3 names it.

Skips (exit 77), saying why, only when the server binaries are missing or
tidings is built without PostgreSQL."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR",
                           os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import pgserver  # noqa: E402
import tidings_test  # noqa: E402
from tidings_test import Handler, check, finish, serve  # noqa: E402

NFEEDS = 500
NHOSTS = 5
LACKED = 20             # the last feeds, missing from n3's list
INTERVAL = 30           # [fetch] interval = min_interval, seconds
LEASE = 4               # [daemon] lease
CAP = 2                 # [fetch] host_connections
STEP = 20               # a feed gains an item this often, seconds

probe = subprocess.run([TIDINGS, "status", "--db",
                        "postgresql:///x?host=/nonexistent-dir"],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
if "built without PostgreSQL" in probe.stderr:
    print("SKIP: tidings is built without PostgreSQL")
    sys.exit(77)
pg = pgserver.start()
if pg is None:
    print("SKIP: " + pgserver.why)
    sys.exit(77)

t0 = time.time()
frozen = None           # when set, the feeds stop changing
lock = threading.Lock()
served = set()          # guids in the documents served
requests = []           # (time, feed number, user agent)
active = {}             # host port -> requests being served
peak = {}


def items(i, now):
    """Feed i's items at time now: one more every STEP seconds."""
    t = now if frozen is None else min(now, frozen)
    return 1 + int((t - t0 + (i % STEP)) // STEP)


class Feeds(Handler):
    def setup(self):
        super().setup()
        port = self.server.server_address[1]
        with lock:
            active[port] = active.get(port, 0) + 1
            peak[port] = max(peak.get(port, 0), active[port])
        self.counted = True

    def done(self):
        if self.counted:
            with lock:
                active[self.server.server_address[1]] -= 1
            self.counted = False

    def finish(self):
        self.done()
        super().finish()

    def do_GET(self):
        m = re.match(r"^/f(\d+)\.xml$", self.path)
        if not m:
            self.done()
            self.send(404)
            return
        i = int(m.group(1))
        now = time.time()
        n = items(i, now)
        body = ['<?xml version="1.0"?><rss version="2.0"><channel>'
                "<title>feed %d</title>" % i]
        for k in range(n):
            body.append("<item><guid isPermaLink=\"false\">f%d-%d</guid><title>Item f%d-%d</title>"
                        "<link>http://example.invalid/f%d-%d</link>"
                        "<description>text %d of feed %d</description>"
                        "</item>" % (i, k, i, k, i, k, k, i))
        body.append("</channel></rss>")
        data = "".join(body).encode()
        with lock:
            requests.append((now, i, self.headers.get("User-Agent", "")))
            for k in range(n):
                served.add("f%d-%d" % (i, k))
        # Connection: close, and the request stops counting before its
        # answer can reach the client: what is counted is requests in
        # progress per host, never one the client already finished.
        self.close_connection = True
        self.done()
        self.send(200, data, [("Content-Type", "application/rss+xml"),
                              ("Connection", "close")])


servers = [serve(Feeds) for _ in range(NHOSTS)]
bases = [b for _, b in servers]
tmp = tempfile.mkdtemp(prefix="e2e_pg_cluster.")
text_dir = os.path.join(tmp, "text")
mail_dir = os.path.join(tmp, "mail")
os.mkdir(text_dir)
os.mkdir(mail_dir)
uri = pg.create_db("cluster")
# trust authentication ignores the password; status must not show it
uri_pw = uri.replace("postgresql:///", "postgresql://tidings:s3cr3t@/")


def feed_url(i):
    return "%s/f%d.xml" % (bases[i % NHOSTS], i)


def setup_node(name, nfeeds):
    d = os.path.join(tmp, name)
    os.mkdir(d)
    with open(os.path.join(d, "feeds.conf"), "w") as f:
        for i in range(nfeeds):
            f.write(feed_url(i) + "\n")
    conf = os.path.join(d, "tidings.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = %s\nfeeds = feeds.conf\nnode = %s\n"
                "lease = %ds\nlog_level = info\nmetrics_file = %s\n"
                "[fetch]\nfulltext = never\ninterval = %ds\nmin_interval = %ds\n"
                "startup_spread = 20s\nhost_connections = %d\n"
                "host_rate = 0\nmax_transfers = 8\nallow_private = yes\n"
                "user_agent = tidings-%s\n"
                "[export text]\nformat = text\ndir = %s\nfsync = no\n"
                "[export mail]\nformat = maildir\ndir = %s\nfsync = no\n"
                "[export pinned]\nformat = text\ndir = %s\nfsync = no\n"
                "node = n3\n"
                % (uri, name, LEASE, os.path.join(d, "metrics.prom"),
                   INTERVAL, INTERVAL, CAP, name, text_dir, mail_dir,
                   os.path.join(d, "pinned")))
    os.mkdir(os.path.join(d, "pinned"))
    return conf


confs = {"n1": setup_node("n1", NFEEDS), "n2": setup_node("n2", NFEEDS),
         "n3": setup_node("n3", NFEEDS - LACKED)}
procs = {}
kills = {}              # node -> times it was killed


def start(name):
    errf = open(os.path.join(tmp, name, "stderr"), "a")
    procs[name] = subprocess.Popen([TIDINGS, "daemon", "-c", confs[name]],
                                   stdout=subprocess.DEVNULL, stderr=errf)


def kill(name):
    kills.setdefault(name, []).append(time.time())
    procs[name].send_signal(signal.SIGKILL)
    procs[name].wait()


def psql(sql):
    try:
        return pg.psql("cluster", sql).strip()
    except subprocess.CalledProcessError as e:
        print("# %s: %s" % (sql, e.stderr))
        return ""


def exported(d):
    """guid -> number of files naming it, in target directory d."""
    seen = {}
    for root, _, files in os.walk(d):
        for fn in files:
            with open(os.path.join(root, fn), "rb") as f:
                for g in set(re.findall(rb"Item (f\d+-\d+)", f.read())):
                    seen[g.decode()] = seen.get(g.decode(), 0) + 1
    return seen


try:
    for name in ("n1", "n2", "n3"):
        start(name)
    time.sleep(25)
    kill("n1")          # mid-cycle: transfers in flight, claims held
    time.sleep(15)
    kill("n2")
    time.sleep(10)
    start("n1")         # the same node again, a new process
    time.sleep(12)
    outage = [time.time()]
    pg.stop("immediate")
    time.sleep(3)
    pg.start()
    outage.append(time.time())
    time.sleep(12)
    frozen = time.time()
    end = time.time() + 90
    stored = set()
    while time.time() < end:
        # every feed fetched since the freeze: nothing more to serve
        with lock:
            want = set(served)
            after = set(i for t, i, _ in requests if t > frozen + 1)
        stored = set(psql("SELECT guid FROM articles").split())
        if len(after) == NFEEDS and want <= stored and all(len(exported(d)) >= len(stored)
                                  for d in (text_dir, mail_dir,
                                            os.path.join(tmp, "n3",
                                                         "pinned"))):
            break
        time.sleep(2)
    print("# %d requests, %d items served, %d stored, %.0f s" %
          (len(requests), len(served), len(stored), time.time() - t0))

    # ---- every article once, nothing lost ----
    with lock:
        want = set(served)
    stored = set(psql("SELECT guid FROM articles").split())
    check(want and want <= stored,
          "every item served is stored (%d)" % len(want),
          sorted(want - stored)[:10])
    dups = psql("SELECT count(*) FROM (SELECT guid FROM articles"
                " GROUP BY guid HAVING count(*) > 1) d")
    check(dups == "0", "no article stored twice", dups)
    n = psql("SELECT count(*) FROM events WHERE kind = 'new'")
    check(n == str(len(stored)), "one new event per article",
          (n, len(stored)))

    # ---- exported once per target ----
    for name, d in (("text", text_dir), ("maildir", mail_dir)):
        got = exported(d)
        twice = [g for g, c in got.items() if c > 1]
        check(set(got) == stored and not twice,
              "%s: one file per article" % name,
              (len(got), len(stored), twice[:5],
               sorted(stored - set(got))[:5]))

    pinned = {n: exported(os.path.join(tmp, n, "pinned"))
              for n in ("n1", "n2", "n3")}
    check(not pinned["n1"] and not pinned["n2"] and
          set(pinned["n3"]) == stored and max(pinned["n3"].values()) == 1,
          "the target pinned to n3: every article once, by n3 alone",
          (len(pinned["n1"]), len(pinned["n2"]), len(pinned["n3"])))

    # ---- no feed fetched twice within its interval beyond a lease ----
    by_feed = {}
    for t, i, ua in sorted(requests):
        by_feed.setdefault(i, []).append((t, ua))
    bad = []
    takeovers = 0
    for i, reqs in by_feed.items():
        for (t1, ua1), (t2, _) in zip(reqs, reqs[1:]):
            if t2 - t1 >= INTERVAL - 1:
                continue
            node = ua1.replace("tidings-", "")
            if any(t1 <= k <= t1 + 5 for k in kills.get(node, [])) or \
                    outage[0] - 2 <= t1 <= outage[1] + LEASE + 2:
                takeovers += 1
                continue
            bad.append((i, round(t1 - t0, 1), round(t2 - t0, 1), ua1))
    check(not bad, "no feed fetched twice within its interval (%d "
          "again after a kill or the outage)" % takeovers, bad[:10])

    # ---- the outage ----
    for name in ("n1", "n3"):
        check(procs[name].poll() is None, "%s outlived the outage" % name)
        with open(os.path.join(tmp, name, "stderr")) as f:
            lines = [ln.strip() for ln in f if "database:" in ln]
        ends = [ln for ln in lines if ln.endswith(": reachable again") or
                ln.endswith(": storing again")]
        check(len(lines) == 2 and len(ends) == 1 and lines[1] in ends,
              "%s: the outage logged once, and its end" % name, lines)
    uas = set(ua for _, _, ua in requests)
    check(uas == {"tidings-n1", "tidings-n2", "tidings-n3"},
          "each daemon fetched feeds", uas)

    # ---- politeness across daemons ----
    check(max(peak.values()) <= CAP,
          "no host saw more than %d connections at once" % CAP, peak)

    # ---- differing lists ----
    lacked = [i for _, i, ua in requests
              if ua == "tidings-n3" and i >= NFEEDS - LACKED]
    check(not lacked, "n3 fetched no feed its list lacks", lacked[:5])
    check(psql("SELECT count(*) FROM feeds") == str(NFEEDS),
          "every feed stays in the database")
    check(psql("SELECT count(*) FROM feeds WHERE retired <> 0") == "0",
          "no feed retired")

    # ---- status and metrics ----
    r = subprocess.run([TIDINGS, "status", "--db", uri_pw],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True)
    print("# " + r.stdout.replace("\n", "\n# "))
    check(r.returncode == 0 and "s3cr3t" not in r.stdout + r.stderr,
          "status: no password", r.stdout + r.stderr)
    m = re.search(r"^database: .*, (\d+\.\d) MiB", r.stdout, re.M)
    check(m and float(m.group(1)) > 0, "status: the database's size", r.stdout)
    for name in ("n1", "n2", "n3"):
        check(re.search(r"^  %s \(pid \d+, " % name, r.stdout, re.M),
              "status: daemon %s listed" % name, r.stdout)
    check(re.search(r"^  n2 .*silent past its lease", r.stdout, re.M) and
          re.search(r"^  n3 \(pid %d, .*claim\(s\)$" % procs["n3"].pid,
                    r.stdout, re.M),
          "status: the killed n2 is silent, n3 alive", r.stdout)
    r = subprocess.run([TIDINGS, "status", "--json", "--db", uri_pw],
                       stdout=subprocess.PIPE, universal_newlines=True)
    js = json.loads(r.stdout)
    alive = sorted((d["node"], d["alive"]) for d in js["daemons"])
    check(("n3", True) in alive and ("n2", False) in alive and
          js["database"]["bytes"] > 0 and
          "s3cr3t" not in js["database"]["path"],
          "status --json: daemons, size, no password",
          (alive, js["database"]))
    prom = open(os.path.join(tmp, "n3", "metrics.prom")).read() \
        if os.path.exists(os.path.join(tmp, "n3", "metrics.prom")) else ""
    check('tidings_node_info{node="n3"} 1' in prom and
          "tidings_node_heartbeat_timestamp_seconds" in prom,
          "metrics: n3's node and heartbeat", prom[-400:])
    for name in ("n1", "n3"):
        check(procs[name].poll() is None, "%s still running" % name)
finally:
    for p in procs.values():
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for name, p in procs.items():
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
        if p.returncode not in (0, -signal.SIGKILL):
            print("# %s exited %s: %s" % (name, p.returncode, open(
                os.path.join(tmp, name, "stderr")).read()[-1500:]))
    pg.close()
    if tidings_test.failures == 0:     # kept to look at otherwise
        shutil.rmtree(tmp, ignore_errors=True)
finish()
