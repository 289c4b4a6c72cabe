#!/usr/bin/env python3
"""`tidings daemon` under a NOTIFY_SOCKET this test listens on: READY=1,
STATUS=, WATCHDOG=1, a SIGHUP reload that adds a feed, a SIGHUP with an
invalid configuration and one whose feed list matches no file that are
refused, and a SIGTERM that stops it within
a few seconds although one transfer never finishes."""
import json
import os
import shutil
import signal
import socket
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

RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title>'
       '<item><guid>%s-1</guid><title>One</title><link>http://example.org/%s</link>'
       '</item></channel></rss>')

lock = threading.Lock()
log = []


class Handler(tidings_test.Handler):
    def do_GET(self):
        with lock:
            log.append(self.path)
        if self.path == "/hang.xml":
            time.sleep(30)
            return
        body = (RSS % (self.path, self.path, self.path)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", '"x"')
        self.end_headers()
        self.wfile.write(body)


server, BASE = serve(Handler)


def requested(path):
    with lock:
        return log.count(path)


# Waits end as soon as the condition holds; the limits are generous for a
# loaded CI machine running the daemon under ASan.
def wait_for(pred, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return False


tmp = tempfile.mkdtemp(prefix="e2e_daemon.")
conf = os.path.join(tmp, "tidings.conf")
lists = os.path.join(tmp, "feeds.d")
os.mkdir(lists)
GOOD = ("[daemon]\ndb = state.db\nlog_level = info\n"
        "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\ntimeout = 60\n")
with open(conf, "w") as f:
    f.write(GOOD)
with open(os.path.join(lists, "a.conf"), "w") as f:
    f.write("%s/a.xml name=a\n%s/hang.xml name=hang\n" % (BASE, BASE))

sock_path = os.path.join(tmp, "notify.sock")
ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ns.bind(sock_path)
ns.settimeout(0.2)
messages = []


def drain():
    while True:
        try:
            messages.append(ns.recv(4096).decode())
        except socket.timeout:
            return


def wait_message(pred, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        drain()
        for i, m in enumerate(messages):
            if pred(m):
                del messages[:i + 1]
                return m
    return None


env = dict(os.environ, NOTIFY_SOCKET=sock_path, WATCHDOG_USEC="400000")
env.pop("WATCHDOG_PID", None)
errf = open(os.path.join(tmp, "stderr"), "w+")
p = subprocess.Popen([TIDINGS, "daemon", "-c", conf], env=env,
                     stdout=subprocess.DEVNULL, stderr=errf)

check(wait_message(lambda m: "READY=1" in m) is not None, "READY=1 at start")
check(wait_for(lambda: requested("/a.xml") == 1), "feed fetched at start")
check(wait_message(lambda m: m == "WATCHDOG=1", 3) is not None, "WATCHDOG=1 pings")
st = wait_message(lambda m: m.startswith("STATUS="), 3)
check(st is not None and "2 feeds" in st, "STATUS= names the feeds", st)

# Reload: a new feed starts, the old ones keep their schedule.
with open(os.path.join(lists, "b.conf"), "w") as f:
    f.write("%s/b.xml name=b\n" % BASE)
p.send_signal(signal.SIGHUP)
check(wait_message(lambda m: "RELOADING=1" in m) is not None, "RELOADING=1 on SIGHUP")
check(wait_message(lambda m: "READY=1" in m) is not None, "READY=1 after the reload")
check(wait_for(lambda: requested("/b.xml") == 1), "an added feed starts after a reload")
time.sleep(0.5)
check(requested("/a.xml") == 1, "a reload is not a burst: a.xml not asked again",
      requested("/a.xml"))

# An invalid configuration is refused and the daemon keeps going.
with open(conf, "w") as f:
    f.write(GOOD + "max_transfer = 3\n")
p.send_signal(signal.SIGHUP)
m = wait_message(lambda m: "READY=1" in m)
check(m is not None and "reload failed" in m, "invalid reload refused", m)
check(p.poll() is None, "still running after a bad reload")

# A configured feed list that matches no file (a typo, or a file briefly
# missing) is refused too: the feeds are not all dropped.
with open(conf, "w") as f:
    f.write(GOOD.replace("[daemon]\n", "[daemon]\nfeeds = feeds.d/gone.conf\n"))
p.send_signal(signal.SIGHUP)
m = wait_message(lambda m: "READY=1" in m)
check(m is not None and "reload failed" in m, "a feed list matching nothing is refused", m)
st = wait_message(lambda m: m.startswith("STATUS="), 3)
check(st is not None and "3 feeds" in st, "and the feeds stay", st)
with open(conf, "w") as f:
    f.write(GOOD)

# Stop: hang.xml never answers; the daemon must still stop promptly.
t0 = time.time()
p.send_signal(signal.SIGTERM)
check(wait_message(lambda m: "STOPPING=1" in m) is not None, "STOPPING=1 on SIGTERM")
try:
    rc = p.wait(timeout=15)
except subprocess.TimeoutExpired:
    p.kill()
    rc = None
check(rc == 0 and time.time() - t0 < 9, "stops within the grace period",
      (rc, time.time() - t0))
errf.seek(0)
err = errf.read()
check("unknown key \"max_transfer\"" in err and "keeping the old one" in err,
      "the bad reload is logged", err)
check("feeds: \"%s/feeds.d/gone.conf\" matches no file" % tmp in err,
      "the missing feed list is named", err)
check("Sanitizer" not in err, "no sanitizer report", err)

out = subprocess.run([TIDINGS, "feeds", "-c", conf, "--json"],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
fs = {f["name"]: f for f in json.loads(out.stdout or b"[]")}
check(fs.get("a", {}).get("articles") == 1 and fs.get("b", {}).get("articles") == 1,
      "database closed cleanly with both feeds", fs)

# Idle, the daemon sleeps: no busy loop between checks.
with open(os.path.join(lists, "a.conf"), "w") as f:
    f.write("%s/a.xml name=a\n" % BASE)
os.remove(os.path.join(lists, "b.conf"))
messages.clear()
err2 = open(os.path.join(tmp, "stderr2"), "w+")
p = subprocess.Popen([TIDINGS, "daemon", "-c", conf], env=env,
                     stdout=subprocess.DEVNULL, stderr=err2)
check(wait_message(lambda m: "READY=1" in m) is not None, "READY=1 again")
time.sleep(0.5)


def cpu_ticks(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


c0 = cpu_ticks(p.pid)
time.sleep(1.5)
used = (cpu_ticks(p.pid) - c0) / os.sysconf("SC_CLK_TCK")
check(used < 0.3, "idle daemon uses no CPU", used)
p.send_signal(signal.SIGTERM)
try:
    rc = p.wait(timeout=10)
except subprocess.TimeoutExpired:
    p.kill()
    rc = None
err2.seek(0)
check(rc == 0, "idle daemon stops at once", err2.read())

# A broken configuration at start: refused, exit 1, never READY.
with open(conf, "w") as f:
    f.write("[nonsense]\n")
messages.clear()
q = subprocess.run([TIDINGS, "daemon", "-c", conf], env=env, timeout=10,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
drain()
check(q.returncode == 1 and not any("READY=1" in m for m in messages),
      "an invalid configuration stops the start", (q.returncode, messages))
check(b"refusing to start" in q.stderr, "and says why", q.stderr)

server.shutdown()
shutil.rmtree(tmp)
finish()
