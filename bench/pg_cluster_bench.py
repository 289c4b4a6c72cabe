#!/usr/bin/env python3
"""A cycle of N feeds with 1, 2 and 3 daemons on one PostgreSQL database.

For each daemon count: a fresh database on a PostgreSQL started in a
temporary directory (tests/lib/pgserver.py), N feeds of 5 items each on
H local HTTP servers (127.0.0.1, one port per host), and that many
`tidings daemon` processes (nodes b1, b2, b3).  Two cycles:

  cold   every feed never checked: N fetches, 5*N new articles;
  warm   every feed due again (next_check set to 0, daemons restarted):
         N conditional requests, all answered 304.

A cycle ends when every feed's last_check is at or after its start.
Prints wall time, the CPU seconds of the daemons, of PostgreSQL and of
the HTTP servers (this process), and how the feeds split between the
daemons.

    python3 bench/pg_cluster_bench.py --tidings build-opt/src/tidings \\
        [--feeds 10000] [--hosts 20] [--daemons 1,2,3]

Build tidings with -O2 and no sanitizers for figures (bench/README)."""
import argparse
import http.server
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lib"))
import pgserver  # noqa: E402

lock = threading.Lock()
by_agent = {}


class Feeds(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        i = self.path.strip("/").replace("f", "").replace(".xml", "")
        etag = '"v1-%s"' % i
        ua = self.headers.get("User-Agent", "")
        with lock:
            by_agent[ua] = by_agent.get(ua, 0) + 1
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        items = "".join(
            "<item><guid isPermaLink=\"false\">f%s-%d</guid>"
            "<title>Item %d of feed %s</title>"
            "<link>http://example.invalid/f%s/%d</link>"
            "<description>Some text of item %d, feed %s, long enough to"
            " look like a summary of an article.</description></item>"
            % (i, k, k, i, i, k, k, i) for k in range(5))
        body = ('<?xml version="1.0"?><rss version="2.0"><channel>'
                "<title>feed %s</title>%s</channel></rss>" % (i, items)
                ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def cpu_of(pids):
    """utime + stime of pids and their children that were waited for."""
    tck = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            with open("/proc/%d/stat" % pid) as f:
                v = f.read().rsplit(")", 1)[1].split()
            total += (int(v[11]) + int(v[12])) / tck
        except (OSError, IndexError, ValueError):
            pass
    return total


def postgres_pids(pg):
    out = subprocess.run(["pgrep", "-f", pg.data],
                         stdout=subprocess.PIPE, universal_newlines=True)
    pids = set(int(x) for x in out.stdout.split())
    for pid in list(pids):
        out = subprocess.run(["pgrep", "-P", str(pid)],
                             stdout=subprocess.PIPE, universal_newlines=True)
        pids.update(int(x) for x in out.stdout.split())
    return pids


def pg_cpu(pg):
    """CPU seconds of the server and its backends so far (the backends of
    ended sessions count in the postmaster's children times)."""
    tck = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in postgres_pids(pg):
        try:
            with open("/proc/%d/stat" % pid) as f:
                v = f.read().rsplit(")", 1)[1].split()
            total += (int(v[11]) + int(v[12]) + int(v[13]) + int(v[14])) / tck
        except (OSError, IndexError, ValueError):
            pass
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tidings", required=True)
    ap.add_argument("--feeds", type=int, default=10000)
    ap.add_argument("--hosts", type=int, default=20)
    ap.add_argument("--daemons", default="1,2,3")
    ap.add_argument("--max-transfers", type=int, default=32)
    a = ap.parse_args()

    servers = []
    for _ in range(a.hosts):
        s = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Feeds)
        s.daemon_threads = True
        threading.Thread(target=s.serve_forever, daemon=True).start()
        servers.append("http://127.0.0.1:%d" % s.server_address[1])
    pg = pgserver.start()
    if pg is None:
        sys.exit("no PostgreSQL: " + pgserver.why)
    tmp = tempfile.mkdtemp(prefix="pg_cluster_bench.")
    feeds = os.path.join(tmp, "feeds.conf")
    with open(feeds, "w") as f:
        for i in range(a.feeds):
            f.write("%s/f%d.xml\n" % (servers[i % a.hosts], i))
    print("%d feeds on %d hosts, 5 items each; %s; %d cores" %
          (a.feeds, a.hosts, a.tidings, os.cpu_count()))
    try:
        for n in [int(x) for x in a.daemons.split(",")]:
            db = "bench%d" % n
            uri = pg.create_db(db)
            confs = []
            for k in range(n):
                c = os.path.join(tmp, "b%d-%d.conf" % (n, k))
                with open(c, "w") as f:
                    f.write("[daemon]\ndb = %s\nfeeds = %s\nnode = b%d\n"
                            "lease = 60s\n[fetch]\nfulltext = never\ninterval = 1h\n"
                            "startup_spread = 0\nhost_rate = 0\n"
                            "max_transfers = %d\nallow_private = yes\n"
                            "user_agent = bench-b%d\n"
                            % (uri, feeds, k + 1, a.max_transfers, k + 1))
                confs.append(c)
            for phase in ("cold", "warm"):
                if phase == "warm":
                    pg.psql(db, "UPDATE feeds SET next_check = 0")
                by_agent.clear()
                time.sleep(1.0 - (time.time() % 1.0))
                t0 = int(time.time())
                c_pg = pg_cpu(pg)
                r_self = resource.getrusage(resource.RUSAGE_SELF)
                start = time.time()
                procs = [subprocess.Popen([a.tidings, "daemon", "-c", c],
                                          stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL)
                         for c in confs]
                while True:
                    time.sleep(0.5)
                    try:
                        done = int(pg.psql(db, "SELECT count(*) FROM feeds"
                                           " WHERE last_check >= %d" % t0))
                    except (subprocess.CalledProcessError, ValueError):
                        done = -1       # the schema is being made
                    if done >= a.feeds or time.time() - start > 1800:
                        break
                wall = time.time() - start
                c_d = cpu_of([p.pid for p in procs])
                c_pg = pg_cpu(pg) - c_pg
                r2 = resource.getrusage(resource.RUSAGE_SELF)
                c_http = (r2.ru_utime - r_self.ru_utime +
                          r2.ru_stime - r_self.ru_stime)
                for p in procs:
                    p.send_signal(signal.SIGTERM)
                for p in procs:
                    p.wait()
                arts = pg.psql(db, "SELECT count(*) FROM articles").strip()
                size = int(pg.psql(db, "SELECT pg_database_size("
                                   "current_database())"))
                split = " ".join("%s:%d" % (k.replace("bench-", ""), v)
                                 for k, v in sorted(by_agent.items()))
                print("%d daemon(s) %s: %5.1f s wall, %6.0f feeds/s;"
                      " CPU s: daemons %.1f, postgres %.1f, http %.1f;"
                      " articles %s, database %.1f MB; split %s"
                      % (n, phase, wall, a.feeds / wall, c_d, c_pg, c_http,
                         arts, size / 1e6, split), flush=True)
    finally:
        pg.close()


main()
