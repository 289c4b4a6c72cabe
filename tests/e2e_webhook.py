#!/usr/bin/env python3
"""Webhook targets (issue 15, "Webhook target") against a receiver on
127.0.0.1: each article POSTed as its JSON record (the json target's bytes),
signed with the secret, with an Idempotency-Key that stays the same in
every attempt and process; retries after 503, 429 (Retry-After), a
receiver that is down, one that answers too slowly and a kill -9 mid
request; a 400 is set aside and shown by `tidings outbox`; check-config
refuses a secret others can read.  Nothing is lost, and no article is
ever sent with two different keys."""
import hashlib
import hmac
import json
import os
import re
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
from tidings_test import Handler, check, finish, serve  # noqa: E402

SECRET = b"s3cret-webhook-key\n"
N = 5

tmp = tempfile.mkdtemp(prefix="e2e_webhook.")


def rss(n):
    items = "".join(
        "<item><guid>g%d</guid><title>Item %d</title>"
        "<link>http://example.org/%d</link><description>text %d</description>"
        "<pubDate>Tue, 10 Mar 2020 12:%02d:00 GMT</pubDate></item>" % (i, i, i, i, i)
        for i in range(n))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>Hooked</title><link>http://example.org/</link>%s"
            "</channel></rss>" % items)


feed_xml = os.path.join(tmp, "feed.xml")
with open(feed_xml, "w") as f:
    f.write(rss(N))
feeds = os.path.join(tmp, "feeds.conf")
with open(feeds, "w") as f:
    f.write("file://%s name=hooked\n" % feed_xml)
secret = os.path.join(tmp, "secret")
with open(secret, "wb") as f:
    f.write(SECRET)
os.chmod(secret, 0o600)


# ---- the receiver ----
lock = threading.Lock()
got = []          # every request: dict(key, sig_ok, body, status, at)
behave = {"fn": lambda req: (200, [])}


gets = []          # when a feed was polled over HTTP


class Receiver(Handler):
    def do_GET(self):
        with lock:
            gets.append(time.time())
        self.send(200, ('<?xml version="1.0"?><rss version="2.0"><channel>'
                        "<title>Polled</title><link>http://example.org/</link>"
                        "</channel></rss>").encode(),
                  [("Content-Type", "application/rss+xml")])

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        sig = self.headers.get("X-Tidings-Signature", "")
        want = "sha256=" + hmac.new(SECRET.rstrip(b"\n"), body,
                                    hashlib.sha256).hexdigest()
        req = {"key": self.headers.get("Idempotency-Key"),
               "sig_ok": hmac.compare_digest(sig, want),
               "type": self.headers.get("Content-Type"),
               "body": body, "at": time.time()}
        with lock:
            got.append(req)
        code, headers = behave["fn"](req)
        req["status"] = code
        if code is None:      # hang up without an answer
            self.close_connection = True
            return
        try:
            self.send(code, b"nope\n" if code >= 300 else b"ok\n", headers)
        except OSError:
            pass


server, base = serve(Receiver)
URL = base + "/hook"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def write_conf(name, url, extra="", jsondir=None, fetch="interval = 1h\n",
               feedlist=feeds):
    d = os.path.join(tmp, name)
    os.mkdir(d)
    conf = os.path.join(d, "tidings.conf")
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = db\nfeeds = %s\n\n"
                "[export hook]\nformat = webhook\nurl = %s\nsecret_file = %s\n"
                "%s" % (feedlist, url, secret, extra))
        if jsondir is not None:
            f.write("\n[export files]\nformat = json\ndir = %s\n" % jsondir)
        f.write("\n[fetch]\nfulltext = never\nstartup_spread = 0\nallow_private = yes\n" + fetch)
    return d, conf


def run(*args):
    r = subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120, text=True)
    if "Sanitizer" in r.stderr or "runtime error" in r.stderr:
        sanitizer_reports.append(r.stderr)
    return r


def reset(fn):
    with lock:
        del got[:]
    behave["fn"] = fn


def delivered():
    """Keys answered 2xx, in the order the answers were sent."""
    with lock:
        return [r["key"] for r in got if r.get("status") == 200]


def wait_for(cond, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.05)
    return False


def daemon(conf, d):
    errf = open(os.path.join(d, "stderr"), "a+")
    p = subprocess.Popen([TIDINGS, "daemon", "-c", conf],
                         stdout=subprocess.DEVNULL, stderr=errf)
    return p, errf


sanitizer_reports = []


def stop(p, errf):
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
    errf.seek(0)
    log = errf.read()
    if "Sanitizer" in log or "runtime error" in log:
        sanitizer_reports.append(log)
    return log


def keys_of_identity():
    """identity -> the set of keys it was sent with."""
    m = {}
    with lock:
        for r in got:
            ident = json.loads(r["body"])["identity"]
            m.setdefault(ident, set()).add(r["key"])
    return m


# ---- 1. delivery: the json record, signed, one key per article ----
reset(lambda req: (200, []))
jsondir = os.path.join(tmp, "json")
os.mkdir(jsondir)
d, conf = write_conf("basic", URL, "concurrency = 1\n", jsondir)
r = run("run", "-c", conf)
check(r.returncode == 0, "run delivers to the webhook", r.stderr)
with lock:
    reqs = list(got)
check(len(reqs) == N, "one request per article", len(reqs))
check(all(q["sig_ok"] for q in reqs), "every signature verifies with the secret")
check(all(q["type"] == "application/json" for q in reqs),
      "Content-Type is application/json")
keys = [q["key"] for q in reqs]
check(len(set(keys)) == N and all(re.fullmatch(r"[0-9a-f]{64}", k) for k in keys),
      "each article has a key of its own", keys)
files = {}
for n in os.listdir(jsondir):
    if not n.startswith("."):
        with open(os.path.join(jsondir, n), "rb") as f:
            b = f.read()
        files[json.loads(b)["identity"]] = b
check(all(files.get(json.loads(q["body"])["identity"]) == q["body"] for q in reqs),
      "each body is byte for byte the json target's file")
order = keys                     # the outbox's order, for later
r = run("outbox", "-c", conf)
check("hook: 0 pending" in r.stdout, "nothing left for the webhook", r.stdout)
r = run("run", "--all", "-c", conf)
with lock:
    check(len(got) == N, "a second run sends nothing again", len(got))
check(SECRET.strip().decode() not in r.stderr, "the secret is not logged")

# ---- 2. 503 twice, then 429 with Retry-After, then 200 (the daemon) ----
seq = {"n": 0}


def flaky(req):
    seq["n"] += 1
    if seq["n"] <= 2:
        return 503, []
    if seq["n"] <= 4:
        return 429, [("Retry-After", "2")]
    return 200, []


reset(flaky)
d, conf = write_conf("flaky", URL, "retry_base = 1s\nretry_max = 10s\n")
p, errf = daemon(conf, d)
ok = wait_for(lambda: len(set(delivered())) == N)
log = stop(p, errf)
check(ok, "503 and 429 answers: every article delivered in the end", log)
check(sorted(delivered()) == sorted(order), "each key delivered once", delivered())
with lock:
    after429 = [q["at"] for q in got]
    statuses = [q.get("status") for q in got]
i429 = max(i for i, s in enumerate(statuses) if s == 429)
check(i429 + 1 < len(after429) and after429[i429 + 1] - after429[i429] >= 1.9,
      "Retry-After: 2 is honoured", (statuses, after429))
check(all(len(v) == 1 for v in keys_of_identity().values()),
      "retries use the same key", keys_of_identity())
check(SECRET.strip().decode() not in log, "the daemon does not log the secret")

# ---- 3. the receiver is down for a while, then comes back ----
reset(lambda req: (200, []))
port = free_port()
d, conf = write_conf("down", "http://127.0.0.1:%d/hook" % port,
                     "concurrency = 1\nretry_base = 1s\nretry_max = 2s\n")
p, errf = daemon(conf, d)
time.sleep(5)                   # several refused attempts
later, later_url = None, None
import http.server  # noqa: E402
later = http.server.ThreadingHTTPServer(("127.0.0.1", port), Receiver)
later.daemon_threads = True
threading.Thread(target=later.serve_forever, daemon=True).start()
ok = wait_for(lambda: len(set(delivered())) == N)
log = stop(p, errf)
later.shutdown()
check(ok, "down receiver: everything delivered once it is back", log)
check(delivered() == order, "in order, each key once", delivered())
check("receiver failed" in log and "Connection refused" in log.replace("Couldn't connect", "Connection refused"),
      "the refused connections are logged", log)
check(log.count("articles stay pending") == 1, "logged once, not once per attempt", log)

# ---- 4. a receiver slower than the timeout ----
slow = {"n": 0, "hung": []}


def sluggish(req):
    slow["n"] += 1
    if slow["n"] <= 2:
        t0 = time.time()
        time.sleep(4)           # past timeout = 3s
        slow["hung"].append((t0, time.time()))
    return 200, []


reset(sluggish)
# beside the file feed, one polled over HTTP every second: its polls go
# on while the receiver hangs
feeds2 = os.path.join(tmp, "feeds2.conf")
with open(feeds2, "w") as f:
    f.write("file://%s name=hooked\n%s/polled.xml name=polled interval=1s\n"
            % (feed_xml, base))
d, conf = write_conf("slow", URL, "timeout = 3s\nretry_base = 1s\nretry_max = 2s\n",
                     fetch="interval = 1s\nmin_interval = 1s\n", feedlist=feeds2)
p, errf = daemon(conf, d)
ok = wait_for(lambda: len(set(delivered())) == N)
time.sleep(3)                   # what the slow answers bring
log = stop(p, errf)
check(ok, "slow receiver: retried, every article delivered", log)
check("timed out" in log or "Timeout" in log, "the timeout is logged", log)
with lock:
    # within the timeout, while a request waits for its answer
    during = [g for g in gets for (a, b) in slow["hung"] if a + 0.2 < g < a + 2.8]
check(len(slow["hung"]) == 2 and len(during) >= 2,
      "feeds are polled while the receiver hangs", (slow["hung"], gets))
check(all(len(v) == 1 for v in keys_of_identity().values()),
      "a retry after a timeout has the same key", keys_of_identity())

# ---- 5. 400 for one article: set aside, the others go out ----
bad_key = order[2]
reset(lambda req: (400, []) if req["key"] == bad_key else (200, []))
d, conf = write_conf("reject", URL, "retry_base = 1s\nretry_max = 1h\n")
r = run("run", "-c", conf)
check(sorted(delivered()) == sorted(k for k in order if k != bad_key),
      "400: the other articles are delivered", delivered())
check(r.stderr.count("HTTP 400") == 1 and "set aside" in r.stderr,
      "400: logged once, with the status", r.stderr)
r = run("outbox", "-c", conf)
check("hook: 1 pending" in r.stdout and "set aside" in r.stdout and
      "HTTP 400" in r.stdout, "tidings outbox shows it set aside, and why", r.stdout)

# ---- 6. kill -9 mid-request: sent again, with the same key ----
held = {"first": None}
release = threading.Event()


def holding(req):
    if held["first"] is None:
        held["first"] = req["key"]
        release.wait(20)        # the daemon is killed meanwhile
        return None, []
    return 200, []


reset(holding)
d, conf = write_conf("kill", URL, "concurrency = 1\n")
p, errf = daemon(conf, d)
wait_for(lambda: held["first"] is not None, 30)
p.kill()
p.wait()
release.set()
p, errf = daemon(conf, d)
ok = wait_for(lambda: len(set(delivered())) == N)
log = stop(p, errf)
check(ok, "after kill -9: every article delivered", log)
with lock:
    first_keys = [q["key"] for q in got]
check(first_keys.count(held["first"]) == 2,
      "the interrupted article is sent again", first_keys)
check(all(len(v) == 1 for v in keys_of_identity().values()),
      "never with a different key", keys_of_identity())

# ---- 7. check-config ----
d, conf = write_conf("cc", URL)
r = run("check-config", "-c", conf)
check(r.returncode == 0, "check-config accepts a secret only its owner reads",
      r.stderr)
os.chmod(secret, 0o644)
r = run("check-config", "-c", conf)
check(r.returncode != 0 and ("%s:5:" % conf) in r.stderr and secret in r.stderr
      and "0644" in r.stderr, "check-config refuses a 0644 secret_file, naming "
      "the file and its mode", r.stderr)
check(SECRET.strip().decode() not in r.stderr + r.stdout,
      "check-config does not print the secret")
os.chmod(secret, 0o600)
d, conf = write_conf("cc2", "ftp://127.0.0.1/x")
r = run("check-config", "-c", conf)
check(r.returncode != 0 and ("%s:7:" % conf) in r.stderr and "url" in r.stderr,
      "check-config refuses a url that is not http(s), with its line", r.stderr)
d = os.path.join(tmp, "cc3")
os.mkdir(d)
conf = os.path.join(d, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = db\nfeeds = %s\n\n[export hook]\nformat = webhook\n"
            "url = %s\n" % (feeds, URL))
r = run("check-config", "-c", conf)
check(r.returncode != 0 and "secret_file" in r.stderr,
      "check-config: a webhook needs a secret_file", r.stderr)

# ---- 8. the daemon reads the secret at start and on a reload ----
reset(lambda req: (200, []))
# no feed yet: nothing to deliver, and the secret is read all the same
feeds3 = os.path.join(tmp, "feeds3.conf")
open(feeds3, "w").close()
d, conf = write_conf("reread", URL, feedlist=feeds3)
os.chmod(secret, 0o644)
p, errf = daemon(conf, d)


def logged(pattern):
    errf.seek(0)
    return re.search(pattern, errf.read()) is not None


ok = wait_for(lambda: logged(r"cannot use the secret: secret_file .*0644"), 30)
check(ok, "the daemon refuses a 0644 secret_file at start, and says why")
time.sleep(1)
check(delivered() == [], "nothing is sent without a usable secret", delivered())
os.chmod(secret, 0o600)
shutil.copy(feeds, feeds3)
p.send_signal(signal.SIGHUP)
ok = wait_for(lambda: len(set(delivered())) == N)
log = stop(p, errf)
check(ok, "after chmod 600 and a reload, everything is delivered", log)
check(SECRET.strip().decode() not in log, "the secret is never logged")

check(not sanitizer_reports, "no sanitizer report from the daemons",
      sanitizer_reports)
server.shutdown()
shutil.rmtree(tmp, ignore_errors=True)
finish()
