#!/usr/bin/env python3
"""Scale: one cold and one all-304 cycle (`tidings run --all`) for 1,000,
10,000 and 100,000 generated feeds, every feed on one loopback host
(nginx on 127.0.0.1, ETag and Last-Modified on) with the host caps lifted
as in fetch_bench.py.

The feeds are smaller than fetch_bench's (10 items of ~1 KB, ~11 KB a
feed) so that 100,000 of them fit on disk (1.1 GB) and are written in
seconds: one template, the feed's number put into each guid and link.
For each N the table gives wall and CPU time (user+sys, children
included), time per feed, peak RSS (/usr/bin/time), the database and WAL
sizes after the cycle, and nginx's count of requests and 304s; then the
ratios of the largest N to the one before it.  Not a test.

    bench/scale_bench.py --tidings build-opt/src/tidings [--feeds 1000,10000,100000]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fetch_bench import Nginx, timed  # noqa: E402

BASE_MTIME = 1_600_000_000
ITEMS = 10
TEXT = ("Scale test paragraph with words enough to look like a summary of an "
        "article; it is repeated so that an item carries about a kilobyte. ") * 7


def template():
    x = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
         '<title>Scale feed @N@</title><link>http://scale.invalid/@N@/</link>'
         '<description>Feed @N@ of the scale bench</description>']
    for i in range(ITEMS):
        x.append('<item><guid isPermaLink="false">scale-@N@-%d</guid>'
                 '<title>Feed @N@ item %d</title>'
                 '<link>http://scale.invalid/@N@/%d</link>'
                 '<description>%s</description>'
                 '<pubDate>Mon, 0%d Mar 2021 1%d:00:00 +0000</pubDate></item>'
                 % (i, i, i, TEXT, 1 + i % 9, i))
    x.append("</channel></rss>\n")
    return "".join(x)


def generate(www, n):
    """Writes feeds 0..n-1 that are not there yet; returns bytes written."""
    tpl = template()
    total = 0
    for i in range(n):
        p = os.path.join(www, "%06d.xml" % i)
        if os.path.exists(p):
            continue
        data = tpl.replace("@N@", "%06d" % i).encode()
        with open(p, "wb") as f:
            f.write(data)
        os.utime(p, (BASE_MTIME, BASE_MTIME))
        total += len(data)
    return total


def size(p):
    try:
        return os.path.getsize(p)
    except OSError:
        return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tidings", default="src/tidings")
    ap.add_argument("--feeds", default="1000,10000,100000")
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    exe = os.path.abspath(a.tidings)
    sizes = [int(x) for x in a.feeds.split(",")]

    root = tempfile.mkdtemp(prefix="scale_bench.")
    os.chmod(root, 0o755)    # nginx workers may run as nobody
    www = os.path.join(root, "www")
    os.mkdir(www)
    t = time.time()
    total = generate(www, max(sizes))
    print("%d feeds, %.0f MB, written in %.1f s" % (max(sizes), total / 1e6, time.time() - t))
    nginx = Nginx(root, www)
    rows = []
    try:
        for n in sizes:
            d = os.path.join(root, "n%d" % n)
            os.mkdir(d)
            with open(os.path.join(d, "feeds.conf"), "w") as f:
                for i in range(n):
                    f.write("http://127.0.0.1:%d/%06d.xml\n" % (nginx.port, i))
            conf = os.path.join(d, "tidings.conf")
            with open(conf, "w") as f:
                f.write("[daemon]\ndb = tidings.db\nfeeds = feeds.conf\nlog_level = err\n"
                        "[fetch]\nfulltext = never\nmax_transfers = 32\nhost_connections = 8\nhost_rate = 0\n")
            db = os.path.join(d, "tidings.db")
            for phase in ("cold", "304"):
                os.sync()
                before = len(nginx.lines())
                wall, cpu, rss = timed([exe, "run", "--all", "--quiet", "-c", conf])
                lines = nginx.lines()[before:]
                n304 = sum(1 for ln in lines if ln.startswith("304 "))
                rows.append((n, phase, wall, cpu, 1000.0 * wall / n, rss,
                             size(db) / 1e6, size(db + "-wal") / 1e6, len(lines), n304))
                print("%7d %-4s %8.2f s wall %8.2f s CPU %6.2f ms/feed %7.1f MB peak "
                      "db %7.1f MB wal %6.1f MB %7d requests %7d x 304" % rows[-1], flush=True)
            shutil.rmtree(d) if not a.keep else None
    finally:
        nginx.stop()
        if a.keep:
            print("kept", root)
        else:
            shutil.rmtree(root)

    by = {(r[0], r[1]): r for r in rows}
    for lo, hi in zip(sizes, sizes[1:]):
        for phase in ("cold", "304"):
            x, y = by[(lo, phase)], by[(hi, phase)]
            print("%d/%d %-4s wall %.1fx  CPU %.1fx  peak RSS %.1fx (feeds %.0fx)" %
                  (hi, lo, phase, y[2] / max(x[2], 0.01), y[3] / max(x[3], 0.01),
                   y[5] / x[5], hi / lo))


if __name__ == "__main__":
    main()
