#!/usr/bin/env python3
"""Polling cycles: tidings run vs sfeed_update vs newsboat, same feeds, same
server, same run.

N generated feeds (RSS, ~35 items, ~70 KB each) are served by nginx on
127.0.0.1 (ETag and Last-Modified on, as nginx does by default).  Each
tool goes through the same three cycles, from the same starting state:

  cold   empty state, every feed downloaded and parsed
  warm   nothing changed: every answer can be a 304
  10%    a tenth of the feeds got a new item

and the table shows wall time, CPU time (user+sys, children included),
peak RSS, and the requests and 304s nginx logged for that cycle.  Tools
that are not installed are skipped.  Not a test: nothing passes or fails.

    bench/fetch_bench.py --tidings build/src/tidings [--feeds 1000] [--tools tidings,sfeed,newsboat]
        [--cold N]    (then N more cold cycles per tool: medians)

Measured here (2 cores, Debian 12; sfeed 1.7 with the README's curl ETag
fetch(), without -z: nginx answers 200 to an inexact If-Modified-Since even
when the ETag matches; newsboat 2.21 with its defaults):

    N = 1,000 (63 MB)   cold wall/CPU      warm (all 304)     10% changed    peak RSS
    tidings             2.5 s / 2.3 s      0.07 s / 0.06 s    0.19 s / 0.17 s   25 MB
    sfeed_update        13.8 s / 26.0 s    8.1 s / 15.0 s     8.7 s / 16.2 s    11 MB
    newsboat            21.0 s / 20.0 s    51.3 s / 50.7 s    26.3 s / 26.1 s   83 MB

    N = 10,000 (634 MB), tidings only: cold 34.6 s, warm 1.3 s / 0.8 s CPU,
    10% 2.5 s, peak RSS 35 MB.
"""
import argparse
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parse_bench import rss_feed  # noqa: E402  (the same realistic items)

BASE_MTIME = 1_600_000_000


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_feed(path, seed, extra=0, mtime=BASE_MTIME):
    rnd = random.Random(seed)
    text = rss_feed(rnd, 35 + extra, rnd.randint(2, 4))
    with open(path, "w") as f:
        f.write(text)
    os.utime(path, (mtime, mtime))
    return len(text)


class Nginx:
    def __init__(self, root, www):
        self.root = root
        self.port = free_port()
        self.log = os.path.join(root, "access.log")
        conf = os.path.join(root, "nginx.conf")
        with open(conf, "w") as f:
            f.write("""worker_processes 2;
pid %(r)s/nginx.pid;
error_log %(r)s/error.log;
events { worker_connections 4096; }
http {
    log_format st '$status $request_uri';
    access_log %(r)s/access.log st;
    keepalive_requests 1000000;
    sendfile on;
    etag on;
    types { application/rss+xml xml; }
    server { listen 127.0.0.1:%(p)d; root %(w)s; }
}
""" % {"r": root, "p": self.port, "w": www})
        self.proc = subprocess.Popen(["nginx", "-p", root, "-c", conf, "-g", "daemon off;"],
                                     stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("nginx did not start")

    def lines(self):
        try:
            with open(self.log) as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def timed(argv, env=None, cwd=None):
    """wall s, cpu s, peak RSS MB of argv (children included)."""
    t = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + argv, env=env, cwd=cwd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    last = t.stderr.decode().strip().splitlines()[-1].split()
    return float(last[0]), float(last[1]) + float(last[2]), int(last[3]) / 1024.0


class Tidings:
    name = "tidings"

    def __init__(self, exe, d, urls):
        self.exe, self.d = exe, d
        with open(os.path.join(d, "feeds.conf"), "w") as f:
            f.writelines(u + "\n" for u in urls)
        with open(os.path.join(d, "tidings.conf"), "w") as f:
            f.write("[daemon]\ndb = tidings.db\nfeeds = feeds.conf\nlog_level = err\n"
                    "[fetch]\nfulltext = never\nmax_transfers = 32\nhost_connections = 8\nhost_rate = 0\n")

    def available(self):
        return os.access(self.exe, os.X_OK)

    def reset(self):
        for n in os.listdir(self.d):
            if n.startswith("tidings.db"):
                os.remove(os.path.join(self.d, n))

    def cycle(self):
        return timed([self.exe, "run", "--all", "--quiet", "-c",
                      os.path.join(self.d, "tidings.conf")])


class Sfeed:
    name = "sfeed_update"

    def __init__(self, d, urls):
        self.d = d
        self.rc = os.path.join(d, "sfeedrc")
        with open(self.rc, "w") as f:
            f.write('sfeedpath="%s/feeds"\n' % d)
            f.write('fetch() {\n\tetag="%s/etags/$(basename "$3")"\n'
                    '\tcurl -L --max-redirs 0 -H "User-Agent:" -f -s -m 15 --compressed '
                    '--etag-save "${etag}" --etag-compare "${etag}" '
                    '"$2" 2>/dev/null\n}\n' % d)
            f.write("feeds() {\n")
            for i, u in enumerate(urls):
                f.write('\tfeed "f%05d" "%s"\n' % (i, u))
            f.write("}\n")

    def available(self):
        return shutil.which("sfeed_update") is not None

    def reset(self):
        for sub in ("feeds", "etags"):
            shutil.rmtree(os.path.join(self.d, sub), ignore_errors=True)
            os.mkdir(os.path.join(self.d, sub))

    def cycle(self):
        return timed(["sfeed_update", self.rc])


class Newsboat:
    name = "newsboat"

    def __init__(self, d, urls):
        self.d = d
        with open(os.path.join(d, "urls"), "w") as f:
            f.writelines(u + "\n" for u in urls)
        open(os.path.join(d, "config"), "w").close()

    def available(self):
        return shutil.which("newsboat") is not None

    def reset(self):
        for n in os.listdir(self.d):
            if n.startswith("cache.db"):
                os.remove(os.path.join(self.d, n))

    def cycle(self):
        env = dict(os.environ, HOME=self.d)
        return timed(["newsboat", "-u", os.path.join(self.d, "urls"),
                      "-c", os.path.join(self.d, "cache.db"),
                      "-C", os.path.join(self.d, "config"), "-x", "reload"], env=env)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tidings", default="src/tidings")
    ap.add_argument("--feeds", type=int, default=1000)
    ap.add_argument("--tools", default="tidings,sfeed,newsboat")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--cold", type=int, default=0, metavar="N",
                    help="then N more cold cycles per tool, for medians")
    a = ap.parse_args()

    root = tempfile.mkdtemp(prefix="fetch_bench.")
    os.chmod(root, 0o755)	# nginx workers may run as nobody
    www = os.path.join(root, "www")
    os.mkdir(www)
    total = 0
    for i in range(a.feeds):
        total += write_feed(os.path.join(www, "f%05d.xml" % i), i)
    nginx = Nginx(root, www)
    urls = ["http://127.0.0.1:%d/f%05d.xml" % (nginx.port, i) for i in range(a.feeds)]
    changed = range(0, a.feeds, 10)
    print("%d feeds, %.1f MB, served by nginx on 127.0.0.1:%d" %
          (a.feeds, total / 1e6, nginx.port))

    tools = []
    for t in a.tools.split(","):
        d = os.path.join(root, t)
        os.mkdir(d)
        tool = {"tidings": lambda: Tidings(os.path.abspath(a.tidings), d, urls),
                "sfeed": lambda: Sfeed(d, urls),
                "newsboat": lambda: Newsboat(d, urls)}[t]()
        if tool.available():
            tools.append(tool)
        else:
            print("skip: %s is not installed" % tool.name)

    rows = []
    try:
        for tool in tools:
            for i in changed:	# back to the base state, same ETags
                write_feed(os.path.join(www, "f%05d.xml" % i), i)
            tool.reset()
            for phase in ("cold", "warm", "10%"):
                if phase == "10%":
                    for i in changed:
                        write_feed(os.path.join(www, "f%05d.xml" % i), i, extra=1,
                                   mtime=BASE_MTIME + 3600)
                os.sync()	# no tool pays for another's dirty pages
                before = len(nginx.lines())
                wall, cpu, rss = tool.cycle()
                lines = nginx.lines()[before:]
                n304 = sum(1 for ln in lines if ln.startswith("304 "))
                rows.append((tool.name, phase, wall, cpu, rss, len(lines), n304))
                print("%-13s %-5s %8.2f s wall %8.2f s CPU %8.1f MB  %6d requests %6d x 304" %
                      rows[-1], flush=True)
        for i in changed:
            write_feed(os.path.join(www, "f%05d.xml" % i), i)
        runs = {}
        for _ in range(a.cold):	# tools alternate: the same load for each
            for tool in tools:
                tool.reset()
                os.sync()
                runs.setdefault(tool.name, []).append(tool.cycle())
        for name, v in runs.items():
            print("%-13s cold x%d medians: %.2f s wall %.2f s CPU %.1f MB "
                  "(wall %.2f-%.2f s)" % (name, len(v), statistics.median(x[0] for x in v),
                                          statistics.median(x[1] for x in v),
                                          statistics.median(x[2] for x in v),
                                          min(x[0] for x in v), max(x[0] for x in v)))
    finally:
        nginx.stop()
        if a.keep:
            print("kept", root)
        else:
            shutil.rmtree(root)

    by = {(r[0], r[1]): r for r in rows}
    if "tidings" in {t.name for t in tools}:
        print("\nratios (peer / tidings, higher is better for tidings):")
        for tool in tools:
            if tool.name == "tidings":
                continue
            for phase in ("cold", "warm", "10%"):
                p, t = by[(tool.name, phase)], by[("tidings", phase)]
                print("  %-13s %-5s wall %7.1fx  CPU %7.1fx" %
                      (tool.name, phase, p[2] / max(t[2], 0.01), p[3] / max(t[3], 0.01)))


if __name__ == "__main__":
    main()
