#!/usr/bin/env python3
"""The operator's view of `tidings daemon`, run against a feed server on
127.0.0.1: the log a journal shows (one summary line per cycle, one
warning per feed problem naming the feed, nothing per article) and the
metrics file (Prometheus text, checked by promtool when it is installed)
and `tidings status`, human and --json."""
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
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

ITEM = ('<item><guid>good-%d</guid><title>Article number %d</title>'
        '<link>http://example.org/good/%d</link></item>')
GOOD = ('<?xml version="1.0"?><rss version="2.0"><channel><title>Good</title>'
        + "".join(ITEM % (i, i, i) for i in range(1, 4))
        + '</channel></rss>').encode()

lock = threading.Lock()
hits = {}


class Handler(tidings_test.Handler):
    def do_GET(self):
        with lock:
            hits[self.path] = hits.get(self.path, 0) + 1
        if self.path == "/good.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                self.send(304, headers=[("ETag", '"v1"')])
            else:
                self.send(200, GOOD, [("ETag", '"v1"'),
                                      ("Content-Type", "application/rss+xml")])
        elif self.path == "/gone.xml":
            self.send(410, b"gone")
        else:
            self.send(500, b"broken")


server, BASE = serve(Handler)


def wait_for(pred, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


tmp = tempfile.mkdtemp(prefix="e2e_operator.")
conf = os.path.join(tmp, "tidings.conf")
spool = os.path.join(tmp, "spool")
os.mkdir(spool)
with open(conf, "w") as f:
    f.write("[daemon]\ndb = state.db\nfeeds = feeds.conf\n"
            "metrics_file = tidings.prom\n"
            "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\ninterval = 3s\n"
            "min_interval = 1s\nmax_backoff = 2s\n"
            "[export spool]\ndir = %s\nformat = json\n"
            # a target whose directory is missing keeps a backlog
            "[export lost]\ndir = %s/missing\nformat = text\n"
            % (spool, tmp))
with open(os.path.join(tmp, "feeds.conf"), "w") as f:
    f.write("%s/good.xml name=good\n%s/bad.xml name=bad\n"
            "%s/gone.xml name=gone\n" % (BASE, BASE, BASE))

# JOURNAL_STREAM makes every line start with its syslog priority, as
# journald reads it: <4> warning, <5> notice.
env = dict(os.environ, JOURNAL_STREAM="8:1234")
env.pop("NOTIFY_SOCKET", None)
errf = open(os.path.join(tmp, "stderr"), "w+")
p = subprocess.Popen([TIDINGS, "daemon", "-c", conf], env=env,
                     stdout=subprocess.DEVNULL, stderr=errf)


def log_lines():
    errf.seek(0)
    return errf.read().splitlines()


def cycles():
    return [m for m in (re.match(
        r"<5>cycle: (\d+) feed\(s\) checked, (\d+) not modified, (\d+) new, "
        r"(\d+) updated, (\d+) failed, (\d+) exported, \d+\.\ds$", line)
        for line in log_lines()) if m]


# A few cycles: the first brings the articles, later ones get 304s.
check(wait_for(lambda: len(cycles()) >= 3 and hits.get("/good.xml", 0) >= 2),
      "summary lines for several cycles", log_lines())
p.send_signal(signal.SIGTERM)
try:
    rc = p.wait(timeout=15)
except subprocess.TimeoutExpired:
    p.kill()
    rc = None
check(rc == 0, "the daemon stops cleanly", rc)
lines = log_lines()
cyc = [tuple(int(x) for x in m.groups()) for m in cycles()]
check(len(cyc) >= 3, "one summary line per cycle", lines)
first = cyc[0] if cyc else (0,) * 6
check(first[0] >= 2 and first[2] == 3 and first[4] >= 1 and first[5] == 3,
      "the first cycle: both feeds checked, 3 new, the failure, 3 exported",
      first)
check(sum(c[1] for c in cyc) >= 1, "later cycles count the 304s", cyc)
check(sum(c[2] for c in cyc) == 3 and sum(c[5] for c in cyc) == 3,
      "each article is new and exported once over all cycles", cyc)
checks = sum(hits.values())
check(sum(c[0] for c in cyc) == checks, "every check is in one cycle",
      (cyc, hits))
warnings = [line for line in lines if re.match(r"<4>\w+: http: ", line)]
check(warnings and all(re.match(r"<4>bad: http: .*500", w) for w in warnings
                       if w.startswith("<4>bad")),
      "each problem is a warning naming the feed and the reason", lines)
check(len(warnings) == sum(c[4] for c in cyc) and hits.get("/gone.xml") == 1
      and "<4>gone: http: HTTP 410" in lines,
      "one warning per failed check", (warnings, cyc))
check(any(re.match(r"<4>gone: 410 Gone: feed retired", line) for line in lines),
      "a retired feed is a warning", lines)
# Nothing per article: every line at the default level is one of these.
known = re.compile(r"<5>(started|cycle|stopping|abandoned)|"
                   r"<4>(bad|gone|export lost): ")
check(all(known.match(line) for line in lines),
      "no other lines (nothing per article)",
      [line for line in lines if not known.match(line)])
check(not any("Article number" in line or "good-1" in line for line in lines),
      "no article is named in the log", lines)

# The metrics file, as the last cycle (closed at the stop) left it.
prom = os.path.join(tmp, "tidings.prom")
text = open(prom).read() if os.path.exists(prom) else ""
metrics = {}
for line in text.splitlines():
    if line and not line.startswith("#"):
        name, value = line.rsplit(" ", 1)
        metrics[name] = float(value)
check(metrics.get('tidings_articles_total{outcome="new"}') == 3,
      "metrics: 3 new articles", text)
fetches = {k: v for k, v in metrics.items() if k.startswith("tidings_fetches_total")}
check(sum(fetches.values()) == checks
      and fetches.get('tidings_fetches_total{result="ok"}') == 1
      and fetches.get('tidings_fetches_total{result="not_modified"}', 0) >= 1
      and fetches.get('tidings_fetches_total{result="http"}', 0) >= 1,
      "metrics: every check by result class", (fetches, hits))
check(metrics.get("tidings_fetch_bytes_total") == len(GOOD),
      "metrics: the bytes fetched", text)
check(metrics.get('tidings_feeds{state="ok"}') == 1
      and metrics.get('tidings_feeds{state="failing"}') == 1
      and metrics.get('tidings_feeds{state="retired"}') == 1,
      "metrics: feeds by state", text)
check(metrics.get("tidings_cycles_total") == len(cyc)
      and metrics.get("tidings_exported_total") == 3,
      "metrics: cycles and exports agree with the log", (text, cyc))
check(metrics.get('tidings_export_pending{target="spool"}') == 0
      and metrics.get('tidings_export_pending{target="lost"}') == 3
      and metrics.get('tidings_export_oldest_pending_age_seconds{target="lost"}', -1) >= 0
      and metrics.get('tidings_export_oldest_pending_age_seconds{target="spool"}') == 0,
      "metrics: export backlog and oldest age per target", text)
now = time.time()
check(0 <= metrics.get("tidings_cycle_duration_seconds", -1) < 10
      and now - 60 < metrics.get("tidings_last_cycle_timestamp_seconds", 0) <= now
      and now - 60 < metrics.get("tidings_last_success_timestamp_seconds", 0) <= now,
      "metrics: cycle duration, last cycle and last success", text)
check(not [n for n in os.listdir(tmp) if n.startswith("tidings.prom.")],
      "metrics: no temporary file left", os.listdir(tmp))
promtool = shutil.which("promtool")
if not os.path.exists(prom):
    check(False, "promtool check metrics: there is a metrics file", prom)
elif promtool is None:
    print("skip: promtool check metrics (promtool is not installed; "
          "Debian package prometheus)")
else:
    with open(prom, "rb") as f:
        q = subprocess.run([promtool, "check", "metrics"], stdin=f,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    check(q.returncode == 0, "promtool check metrics accepts the file",
          q.stdout.decode())


def tid(*args):
    return subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)


# tidings status: the last cycle as the log's last summary line gave it.
r = tid("status", "-c", conf)
print(r.stdout, end="")
last = cyc[-1] if cyc else (0,) * 6
check(r.returncode == 0 and r.stderr == "", "status runs", (r.returncode, r.stderr))
check(re.search(r"^last cycle: \S+Z \(\d+s ago, daemon\): %d feed\(s\) checked, "
                r"%d not modified, %d new, %d updated, %d failed, %d exported, "
                r"\d+\.\ds$" % last, r.stdout, re.M) is not None,
      "status: the last cycle", (r.stdout, last))
check(re.search(r"^feeds: 3 \(1 ok, 1 failing, 1 retired, 0 not checked yet\)$",
                r.stdout, re.M) is not None, "status: feeds by state", r.stdout)
check(re.search(r"^failing:\n  bad: http: HTTP 500 \(\d+ failure\(s\) in a row; "
                r"last success never; next try \S+\)$", r.stdout, re.M) is not None,
      "status: the failing feed and why", r.stdout)
check(re.search(r"^retired .*:\n  gone: http: HTTP 410 \(since \S+\)$",
                r.stdout, re.M) is not None, "status: the retired feed", r.stdout)
check(re.search(r"^  spool: 0 pending$", r.stdout, re.M) is not None
      and re.search(r"^  lost: 3 pending, oldest \d+s old; last error \(\S+\): .*missing",
                    r.stdout, re.M) is not None,
      "status: the export backlog per target", r.stdout)
check(re.search(r"^database: .*state\.db, \d+\.\d MiB \(schema \d+\)$",
                r.stdout, re.M) is not None, "status: the database", r.stdout)

r = tid("status", "--db", os.path.join(tmp, "state.db"), "--json")
try:
    js = json.loads(r.stdout)
except ValueError:
    js = {}
lc = js.get("last_cycle") or {}
check(lc.get("source") == "daemon"
      and (lc.get("checked"), lc.get("not_modified"), lc.get("new"),
           lc.get("updated"), lc.get("failed"), lc.get("exported")) == last,
      "status --json: the last cycle", (lc, last))
check(js.get("feeds") == {"total": 3, "ok": 1, "failing": 1, "retired": 1,
                          "unchecked": 0}, "status --json: feeds", js.get("feeds"))
fl = js.get("failing") or [{}]
check(len(fl) == 1 and fl[0].get("name") == "bad" and fl[0].get("error_class") == "http"
      and "500" in (fl[0].get("error") or "") and fl[0].get("failures", 0) >= 1,
      "status --json: failing", js.get("failing"))
rt = js.get("retired") or [{}]
check(len(rt) == 1 and rt[0].get("name") == "gone" and rt[0].get("http_status") == 410,
      "status --json: retired", js.get("retired"))
ex = {t.get("target"): t for t in js.get("export", [])}
check(ex.get("spool", {}).get("pending") == 0
      and ex.get("spool", {}).get("oldest_pending") is None
      and ex.get("lost", {}).get("pending") == 3
      and ex.get("lost", {}).get("oldest_pending_age_seconds", -1) >= 0
      and "missing" in (ex.get("lost", {}).get("last_error") or ""),
      "status --json: export backlog (configured targets only with --db "
      "when they were used)", js.get("export"))
db = js.get("database", {})
check(db.get("bytes", 0) > 0 and db.get("schema", 0) >= 6,
      "status --json: database size and schema", db)

# `tidings run` records its cycle too; a database without one says so.
rdb = os.path.join(tmp, "run.db")
r = tid("status", "--db", rdb)
check(r.returncode == 1 and "run.db" in r.stderr, "status: a missing database is an error",
      (r.returncode, r.stderr))
r = tid("run", "--db", rdb, "--feeds", os.path.join(tmp, "feeds.conf"), "--quiet")
r = tid("status", "--db", rdb)
check(re.search(r"^last cycle: .*, run\): 3 feed\(s\) checked, 0 not modified, 3 new, "
                r"0 updated, 2 failed, 0 exported", r.stdout, re.M) is not None,
      "status: the cycle of tidings run", r.stdout)
r = tid("ingest", "--db", os.path.join(tmp, "empty.db"), "/dev/null")
r = tid("status", "--db", os.path.join(tmp, "empty.db"), "--json")
check(r.returncode == 0 and json.loads(r.stdout or "{}").get("last_cycle", 0) is None,
      "status --json: no cycle yet is null", (r.stdout, r.stderr))

server.shutdown()
shutil.rmtree(tmp)
finish()
