#!/usr/bin/env python3
"""Exported articles per second through the whole exporter (outbox walk,
article load, render, write, directory fsync per batch, done marks):
`tidings run` over generated file:// feeds into a fresh database, once
without a target and once per target; the difference is the export.

    python3 bench/outbox_bench.py [TIDINGS] [FEEDS] [ITEMS]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

TIDINGS = sys.argv[1] if len(sys.argv) > 1 else "build/src/tidings"
NF = int(sys.argv[2]) if len(sys.argv) > 2 else 20
NI = int(sys.argv[3]) if len(sys.argv) > 3 else 250

tmp = tempfile.mkdtemp(prefix="outbox-bench-")
urls = []
for i in range(NF):
    p = os.path.join(tmp, "f%d.xml" % i)
    with open(p, "w") as f:
        f.write('<?xml version="1.0"?><rss version="2.0"><channel>'
                "<title>Feed %d</title><link>http://example.org/</link>" % i)
        for j in range(NI):
            f.write("<item><guid>g%d-%d</guid><title>Item %d of feed %d</title>"
                    "<link>http://example.org/%d/%d</link><description>%s"
                    "</description><pubDate>Thu, 06 May 2021 12:00:00 +0000"
                    "</pubDate></item>" % (i, j, j, i, i, j,
                                           "Some words of text. " * 40))
        f.write("</channel></rss>\n")
    urls.append("file://" + p)
fl = os.path.join(tmp, "feeds.conf")
with open(fl, "w") as f:
    f.write("\n".join(urls) + "\n")


def once(label, extra, conf=None):
    d = tempfile.mkdtemp(dir=tmp)
    args = [TIDINGS, "run", "-q", "--db", os.path.join(d, "db"),
            "--feeds", fl]
    if conf is not None:
        c = os.path.join(d, "tidings.conf")
        with open(c, "w") as f:
            f.write(conf % os.path.join(d, "out"))
        os.mkdir(os.path.join(d, "out"))
        args += ["-c", c]
    args += [a.replace("%s", os.path.join(d, "out")) for a in extra]
    t0 = time.time()
    subprocess.run(args, check=True)
    if conf is not None or extra:
        assert len(os.listdir(os.path.join(d, "out"))) == n, label
    return time.time() - t0


n = NF * NI
base = min(once("none", []) for _ in range(2))
print("%d articles; fetch+store alone %.2f s" % (n, base))
for label, extra, conf in (
        ("text fsync=on", ["--export", "text:%s"], None),
        ("json fsync=on", ["--export", "json:%s"], None),
        ("text fsync=off", [], "[export t]\ndir = %s\nformat = text\n"
         "fsync = no\n"),
        ("json fsync=off", [], "[export t]\ndir = %s\nformat = json\n"
         "fsync = no\n")):
    t = min(once(label, extra, conf) for _ in range(2))
    print("%-15s %6.2f s total, export %6.2f s: %6.0f articles/s"
          % (label, t, t - base, n / max(t - base, 1e-6)))
shutil.rmtree(tmp)
