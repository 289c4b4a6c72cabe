#!/usr/bin/env python3
"""Extraction speed and memory: tidings (bench/extract_bench, an in-process
loop over extract_page) beside readability-lxml (Debian's
python3-readability, Document(html).summary() in one Python process), over
the same pages in the same run.  Not a test: nothing here passes or fails.

    /usr/bin/python3 bench/extract_bench.py --bench build/bench/extract_bench \\
        [--pages tests/data/extraction/readability] [--rounds 3] [--repeat 3]

Each round runs every extractor once over every page; rounds are repeated
(--repeat) and the medians printed, wall-clock and CPU (user + system) pages
per second and peak RSS (the child's own ru_maxrss).  The machine may be
shared: the CPU figures are the ones to compare.  Readability.js (Node.js
with jsdom) is run too when `node` can require @mozilla/readability and
jsdom (NODE_PATH may point at them); otherwise it is reported as missing.
"""
import argparse
import glob
import os
import statistics
import subprocess
import sys
import tempfile

PY_PEER = r'''
import sys, time, resource
from readability import Document
pages = [open(p, "rb").read() for p in sys.argv[2:]]
rounds = int(sys.argv[1])
c0 = time.process_time(); t0 = time.perf_counter()
for r in range(rounds):
    for b in pages:
        try:
            Document(b, url="http://fakehost/test/page.html").summary()
        except Exception:
            pass
print(time.perf_counter() - t0, time.process_time() - c0)
'''

JS_PEER = r'''
const fs = require("fs");
const { JSDOM } = require("jsdom");
const { Readability } = require("@mozilla/readability");
const rounds = parseInt(process.argv[2]);
const pages = process.argv.slice(3).map(p => fs.readFileSync(p, "utf8"));
const c0 = process.cpuUsage(); const t0 = process.hrtime.bigint();
for (let r = 0; r < rounds; r++)
  for (const h of pages) {
    try {
      const dom = new JSDOM(h, { url: "http://fakehost/test/page.html" });
      new Readability(dom.window.document).parse();
      dom.window.close();
    } catch (e) {}
  }
const c = process.cpuUsage(c0);
console.log(Number(process.hrtime.bigint() - t0) / 1e9, (c.user + c.system) / 1e6);
'''


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", required=True, help="bench/extract_bench")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--pages", default=os.path.join(here, "..", "tests", "data",
                                                    "extraction", "readability"))
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    pages = sorted(glob.glob(os.path.join(a.pages, "*", "source.html")))
    n = len(pages) * a.rounds
    size = sum(os.path.getsize(p) for p in pages)
    print("%d pages, %.1f MB, %d rounds per run, %d runs" %
          (len(pages), size / 1e6, a.rounds, a.repeat))
    with tempfile.TemporaryDirectory() as tmp:
        py = os.path.join(tmp, "peer.py")
        js = os.path.join(tmp, "peer.js")
        open(py, "w").write(PY_PEER)
        open(js, "w").write(JS_PEER)
        have_js = subprocess.run(["node", "-e", "require('jsdom');require('@mozilla/readability')"],
                                 capture_output=True).returncode == 0
        res = {"tidings": [], "readability-lxml": [], "Readability.js": []}
        for _ in range(a.repeat):
            # RUSAGE_CHILDREN's peak is the largest child so far: each
            # extractor runs in a fresh process of this script.
            out = subprocess.run([sys.executable, "-c", RUN_ONE, "tidings", a.bench,
                                  str(a.rounds)] + pages, capture_output=True, text=True)
            res["tidings"].append(tuple(map(float, out.stdout.split())))
            out = subprocess.run([sys.executable, "-c", RUN_ONE, "py", py,
                                  str(a.rounds)] + pages, capture_output=True, text=True)
            res["readability-lxml"].append(tuple(map(float, out.stdout.split())))
            if have_js:
                out = subprocess.run([sys.executable, "-c", RUN_ONE, "js", js,
                                      str(a.rounds)] + pages, capture_output=True, text=True)
                res["Readability.js"].append(tuple(map(float, out.stdout.split())))
    base = None
    for name, rows in res.items():
        if not rows:
            print("%-17s not run (node cannot load jsdom and @mozilla/readability)" % name)
            continue
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        rss = max(r[2] for r in rows)
        if base is None:
            base = (n / wall, n / cpu)
        print("%-17s %7.1f pages/s wall  %7.1f pages/s CPU  peak RSS %6.1f MB" %
              (name, n / wall, n / cpu, rss))
    for name, rows in res.items():
        if rows and name != "tidings":
            cpu = statistics.median(r[1] for r in rows)
            print("tidings / %-16s %.1fx (CPU)" % (name, base[1] / (n / cpu)))


# Runs one extractor in a child and prints "wall cpu peak_rss_mb".
RUN_ONE = r'''
import resource, subprocess, sys
kind, prog, rounds, pages = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if kind == "tidings":
    out = subprocess.run([prog, "--rounds", rounds] + pages, capture_output=True, text=True).stdout
    wall = cpu = 0.0
    for line in out.splitlines():
        if line.startswith("wall "): wall = float(line.split()[1])
        if line.startswith("cpu "): cpu = float(line.split()[1])
elif kind == "py":
    out = subprocess.run(["/usr/bin/python3", prog, rounds] + pages, capture_output=True, text=True).stdout
    wall, cpu = map(float, out.split())
else:
    out = subprocess.run(["node", prog, rounds] + pages, capture_output=True, text=True).stdout
    wall, cpu = map(float, out.split())
print(wall, cpu, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0)
'''

if __name__ == "__main__":
    main()
