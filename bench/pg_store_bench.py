#!/usr/bin/env python3
"""The store benchmark (bench_store) on PostgreSQL next to SQLite, on this
machine: starts a PostgreSQL server of its own in a temporary directory
(tests/lib/pgserver.py: a Unix socket, no TCP port), runs bench_store
once against a fresh database there and once against an SQLite file,
prints both outputs, stops the server.  After each pass on PostgreSQL
it prints the CPU time the server's processes spent in it: on a shared
machine wall time measures the neighbours too, while the client's CPU
(bench_store's own figure) and the server's add up to what one article
costs.

    make bench
    bench/pg_store_bench.py [-b BUILD/bench/bench_store] [-r RUNS]
                            [-- bench_store options, e.g. -n 100000 -f 1000]

The server's settings are those of bench/README.store:
synchronous_commit=off (as SQLite's synchronous=NORMAL: no fsync at
each commit), shared_buffers=256MB, max_wal_size=2GB."""
import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "tests", "lib"))
import pgserver  # noqa: E402

SETTINGS = ("-c synchronous_commit=off -c shared_buffers=256MB"
            " -c max_wal_size=2GB")
TICK = os.sysconf("SC_CLK_TCK")


def stat(pid):
    with open("/proc/%d/stat" % pid) as f:
        return f.read().rsplit(")", 1)[1].split()


def server_cpu(pg):
    """The CPU seconds the server has used: the postmaster's exited
    children (cutime, cstime) and its live ones (utime, stime)."""
    with open(os.path.join(pg.data, "postmaster.pid")) as f:
        pm = int(f.readline())
    s = stat(pm)
    ticks = int(s[11]) + int(s[12]) + int(s[13]) + int(s[14])
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            c = stat(int(d))
        except OSError:
            continue
        if int(c[1]) == pm:
            ticks += int(c[11]) + int(c[12])
    return ticks / TICK


def run_pg(pg, argv):
    """Runs bench_store on PostgreSQL, printing its lines and, after each
    pass, the server's CPU time in it."""
    p = subprocess.Popen(argv, stdout=subprocess.PIPE,
                         universal_newlines=True)
    last = server_cpu(pg)
    for line in p.stdout:
        sys.stdout.write(line)
        if " wall, " in line:
            now = server_cpu(pg)
            print("  server CPU in this pass: %.2f s" % (now - last))
            last = now
        sys.stdout.flush()
    return p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-b", default="bench/bench_store",
                    help="the bench_store binary")
    ap.add_argument("-r", type=int, default=1, help="runs of each")
    ap.add_argument("--pg-only", action="store_true")
    ap.add_argument("rest", nargs="*", help="bench_store's options")
    a = ap.parse_args()
    opts = a.rest or ["-n", "100000", "-f", "1000"]
    pg = pgserver.start(SETTINGS)
    if pg is None:
        print("pg_store_bench: " + pgserver.why, file=sys.stderr)
        return 1
    rc = 0
    try:
        for i in range(a.r):
            if not a.pg_only:
                print("== SQLite, run %d" % (i + 1), flush=True)
                rc |= subprocess.run([a.b] + opts).returncode
            uri = pg.create_db("bench%d" % i)
            print("== PostgreSQL, run %d" % (i + 1), flush=True)
            rc |= run_pg(pg, [a.b] + opts + ["-D", uri])
    finally:
        pg.close()
    return rc


if __name__ == "__main__":
    sys.exit(main())
