#!/usr/bin/env python3
"""Parse throughput and peak memory: tidings parse vs sfeed vs feedparser.

Generates (deterministically) a corpus of realistic RSS/Atom feeds and one
large RSS feed, then runs every parser over them in the same run and prints
MB/s, peak RSS and the ratios against each peer.  Not a test: nothing here
passes or fails.

    bench/parse_bench.py --tidings build/src/tidings [--files 1000] [--big-mb 50]
        [--repeat 3] [--corpus DIR]

The machine may be shared: every parser runs in the same round, rounds are
repeated (--repeat) and the median is reported, with the CPU time (user +
system, all threads) beside the wall-clock speed.  --corpus reuses the
feedNNNN.xml files and big.xml of a directory instead of generating them.
"""
import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

WORDS = ("kyiv ukraine parliament minister economy energy winter grain port "
         "agreement summit talks support security border city council report "
         "market price growth budget school hospital railway bridge station "
         "culture festival museum theatre football league season victory").split()


def sentence(rnd, n):
    return " ".join(rnd.choice(WORDS) for _ in range(n)).capitalize() + "."


def html_body(rnd, paras):
    out = []
    for _ in range(paras):
        s = sentence(rnd, rnd.randint(20, 60))
        w = s.split(" ")
        i = rnd.randrange(len(w))
        w[i] = '<a href="/tags/%s?utm_source=rss">%s</a>' % (w[i].strip("."), w[i])
        if rnd.random() < 0.3:
            j = rnd.randrange(len(w))
            w[j] = "<strong>%s</strong>" % w[j]
        out.append("<p>%s</p>" % " ".join(w))
    if rnd.random() < 0.2:
        out.append('<div class="ad"><script>ads.push(1)</script></div>')
    if rnd.random() < 0.3:
        out.append('<p><img src="/img/%d.jpg" alt="photo" width="640"></p>' % rnd.randint(1, 10**6))
    return "\n".join(out)


def rss_feed(rnd, n_items, paras):
    items = []
    for i in range(n_items):
        day = rnd.randint(1, 28)
        items.append("""  <item>
    <title>%s</title>
    <link>https://news.example/%d/story-%d?utm_medium=feed</link>
    <guid isPermaLink="false">story-%d-%d</guid>
    <dc:creator>%s</dc:creator>
    <pubDate>Thu, %02d May 2021 %02d:%02d:00 +0300</pubDate>
    <category>%s</category>
    <description>%s</description>
    <content:encoded><![CDATA[%s]]></content:encoded>
    <enclosure url="https://news.example/img/%d.jpg" type="image/jpeg" length="%d"/>
  </item>""" % (sentence(rnd, 8), i, i, rnd.randint(0, 10**9), i, sentence(rnd, 2)[:-1],
               day, rnd.randint(0, 23), rnd.randint(0, 59), rnd.choice(WORDS),
               sentence(rnd, 25), html_body(rnd, paras), i, rnd.randint(1000, 99999)))
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>%s</title>
  <link>https://news.example/</link>
  <description>%s</description>
  <lastBuildDate>Thu, 06 May 2021 15:05:12 +0300</lastBuildDate>
%s
</channel>
</rss>
""" % (sentence(rnd, 3), sentence(rnd, 10), "\n".join(items)))


def atom_feed(rnd, n_items, paras):
    esc = lambda s: s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    entries = []
    for i in range(n_items):
        entries.append("""  <entry>
    <title>%s</title>
    <link rel="alternate" href="news/%d"/>
    <id>tag:news.example,2021:%d</id>
    <published>2021-05-%02dT%02d:00:00+03:00</published>
    <updated>2021-05-%02dT%02d:30:00+03:00</updated>
    <author><name>%s</name></author>
    <category term="%s"/>
    <summary>%s</summary>
    <content type="html">%s</content>
  </entry>""" % (sentence(rnd, 8), i, i, rnd.randint(1, 28), rnd.randint(0, 23),
               rnd.randint(1, 28), rnd.randint(0, 23), sentence(rnd, 2)[:-1],
               rnd.choice(WORDS), sentence(rnd, 25), esc(html_body(rnd, paras))))
    return ("""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/">
  <title>%s</title>
  <link href="https://news.example/"/>
  <id>tag:news.example,2021:/</id>
  <updated>2021-05-06T15:05:12+03:00</updated>
%s
</feed>
""" % (sentence(rnd, 3), "\n".join(entries)))


def make_corpus(d, files, big_mb):
    rnd = random.Random(1)
    small = []
    for i in range(files):
        maker = rss_feed if i % 3 else atom_feed
        p = os.path.join(d, "feed%04d.xml" % i)
        with open(p, "w") as fp:
            fp.write(maker(rnd, rnd.randint(10, 40), rnd.randint(2, 6)))
        small.append(p)
    big = os.path.join(d, "big.xml")
    with open(big, "w") as fp:
        chunk = rss_feed(rnd, 200, 5)
        head, _, rest = chunk.partition("  <item>")
        items = "  <item>" + rest.rsplit("</channel>", 1)[0]
        fp.write(head)
        written = len(head)
        while written < big_mb * 1024 * 1024:
            fp.write(items)
            written += len(items)
        fp.write("</channel>\n</rss>\n")
    return small, big


def cpu_of(ru):
    return ru.ru_utime + ru.ru_stime


def run_many(argv_of, paths, stdin_file=False):
    """Runs one process per file; returns (seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    for p in paths:
        if stdin_file:
            with open(p, "rb") as fp:
                r = subprocess.run(argv_of(p), stdin=fp, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        else:
            r = subprocess.run(argv_of(p), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            print("  warning: exit %d on %s" % (r.returncode, p), file=sys.stderr)
    secs = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return secs, cpu_of(after) - cpu_of(before)


def measure_one(argv, path, stdin_file):
    """(seconds, CPU seconds, peak RSS KiB) of a single run, isolated in a
    fresh helper process."""
    code = ("import resource,subprocess,sys,time\n"
            "a=sys.argv[3:]; f=open(sys.argv[2],'rb') if sys.argv[1]=='1' else None\n"
            "t=time.monotonic(); subprocess.run(a,stdin=f,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)\n"
            "r=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(time.monotonic()-t, r.ru_utime+r.ru_stime, r.ru_maxrss)\n")
    out = subprocess.run([sys.executable, "-c", code, "1" if stdin_file else "0", path] + argv,
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1]), int(out[2])


def median(xs):
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tidings", required=True)
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--big-mb", type=int, default=50)
    ap.add_argument("--no-feedparser", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", help="directory with feedNNNN.xml and big.xml")
    a = ap.parse_args()
    tid = os.path.abspath(a.tidings)
    peers = {"tidings": (lambda p: [tid, "parse", p], False)}
    if shutil.which("sfeed"):
        peers["sfeed"] = (lambda p: ["sfeed"], True)
    fp_code = "import feedparser,sys; feedparser.parse(open(sys.argv[1],'rb').read())"
    have_fp = subprocess.run([sys.executable, "-c", "import feedparser"],
                             capture_output=True).returncode == 0
    if have_fp and not a.no_feedparser:
        peers["feedparser"] = (lambda p: [sys.executable, "-c", fp_code, p], False)
    elif not a.no_feedparser:
        # Debian's python3-feedparser is for /usr/bin/python3; a pyenv or
        # venv python on PATH does not see it.
        print("feedparser: not importable by %s, skipped (try /usr/bin/python3)"
              % sys.executable, file=sys.stderr)

    with tempfile.TemporaryDirectory() as d:
        if a.corpus:
            small = sorted(os.path.join(a.corpus, f) for f in os.listdir(a.corpus)
                           if f.startswith("feed") and f.endswith(".xml"))[: a.files]
            big = os.path.join(a.corpus, "big.xml")
        else:
            small, big = make_corpus(d, a.files, a.big_mb)
        small_mb = sum(os.path.getsize(p) for p in small) / 1e6
        big_mb = os.path.getsize(big) / 1e6
        print("corpus: %d files, %.1f MB; big feed %.1f MB; %d rounds, medians"
              % (len(small), small_mb, big_mb, a.repeat))
        runs = {name: [] for name in peers}
        for _ in range(a.repeat):
            # one round: every parser once on the corpus and once on the
            # big feed, so that they share the machine's state
            for name, (argv_of, stdin) in peers.items():
                files = small if name != "feedparser" else small[: max(1, len(small) // 10)]
                mb = sum(os.path.getsize(p) for p in files) / 1e6
                secs, cpu = run_many(argv_of, files, stdin)
                bsecs, bcpu, brss = measure_one(argv_of(big), big, stdin)
                runs[name].append((mb / secs, mb / cpu, big_mb / bsecs, big_mb / bcpu, brss))
        res = {}
        for name, rs in runs.items():
            r = tuple(median([x[i] for x in rs]) for i in range(5))
            res[name] = r
            print("%-10s corpus %6.1f MB/s (CPU %6.1f)  big feed %6.1f MB/s (CPU %6.1f)  "
                  "big peak RSS %6.1f MB (%.2fx file)"
                  % (name, r[0], r[1], r[2], r[3], r[4] / 1024, r[4] * 1024 / (big_mb * 1e6)))
            print("%-10s   big feed MB/s by round: %s"
                  % ("", " ".join("%.0f" % x[2] for x in rs)))
        t = res["tidings"]
        for name, r in res.items():
            if name == "tidings":
                continue
            print("tidings / %-10s corpus speed %.2fx, big-feed speed %.2fx (per CPU second %.2fx), "
                  "big-feed memory %.2fx"
                  % (name, t[0] / r[0], t[2] / r[2], t[3] / r[3], t[4] / r[4]))
            print("tidings / %-10s big-feed speed by round: %s"
                  % (name, " ".join("%.2f" % (x[2] / y[2]) for x, y in zip(runs["tidings"], runs[name]))))


if __name__ == "__main__":
    main()
