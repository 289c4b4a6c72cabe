#!/usr/bin/env python3
"""The systemd units as an operator gets them:

- `systemd-analyze security --offline=yes` rates tidings.service and
  tidings-run.service at an exposure of 1.5 ("OK") or lower, and
  `systemd-analyze verify` accepts them and tidings-run.timer (skipped,
  with the reason, where systemd-analyze or its --offline is missing);
- every system call the daemon and `tidings run` make, threads, libcurl,
  SQLite and the export command they fork and exec included, passes the
  units' SystemCallFilter=, and none asks for memory that
  MemoryDenyWriteExecute= refuses (traced with strace; skipped without it);
- a daemon with an empty feed list says there is nothing to poll and where
  the feeds go, once at start and again after a reload."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
SRCDIR = os.path.dirname(os.path.abspath(TESTS_DIR))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

MAX_EXPOSURE = 1.5
SERVICES = ["tidings.service", "tidings-run.service"]

tmp = tempfile.mkdtemp(prefix="e2e_service.")


def unit_text(name):
    with open(os.path.join(SRCDIR, "systemd", name + ".in")) as f:
        return f.read().replace("@bindir@", "/usr/bin")


# 1. systemd-analyze security.
analyze = shutil.which("systemd-analyze")
if analyze is None:
    print("SKIP: systemd-analyze is not installed (Debian package systemd): "
          "the exposure is not measured")
else:
    for name in SERVICES:
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(unit_text(name))
        p = subprocess.run([analyze, "security", "--offline=yes",
                            "--no-pager", path],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        m = re.search(r"Overall exposure level for %s: ([0-9.]+)" %
                      re.escape(name), p.stdout)
        if m is None and "offline" in p.stdout:
            print("SKIP: this systemd-analyze has no --offline: %s" %
                  p.stdout.strip().splitlines()[-1])
            break
        check(m is not None, "systemd-analyze security rates " + name,
              p.stdout)
        if m is not None:
            check(float(m.group(1)) <= MAX_EXPOSURE,
                  "%s: exposure %s <= %.1f" % (name, m.group(1), MAX_EXPOSURE),
                  "\n".join(l for l in p.stdout.splitlines()
                            if l.startswith("\u2717")))


    # Every directive is one this systemd knows, the timer's too.
    vdir = os.path.join(tmp, "verify")
    os.mkdir(vdir)
    for name in SERVICES + ["tidings-run.timer"]:
        src = os.path.join(SRCDIR, "systemd", name)
        with open(src + ".in" if os.path.exists(src + ".in") else src) as f:
            text = f.read().replace("@bindir@", os.path.dirname(
                os.path.abspath(TIDINGS))).replace("@docdir@", "/usr/share")
        with open(os.path.join(vdir, name), "w") as f:
            f.write(text)
    p = subprocess.run([analyze, "verify", "--man=no"] +
                       [os.path.join(vdir, n) for n in
                        SERVICES + ["tidings-run.timer"]],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, cwd=vdir,
                       env=dict(os.environ, SYSTEMD_UNIT_PATH=vdir + ":"))
    check(p.returncode == 0 and p.stdout.strip() == "",
          "systemd-analyze verify accepts the units and the timer", p.stdout)


# 1b. Every program the units run but tidings comes from an Essential
# package: the package depends on no other, and a minimal system (a
# container made with debootstrap --variant=minbase) has nothing else.
# tests/systemd/run.sh saw /bin/kill (procps) missing there.
dpkg_query = shutil.which("dpkg-query")
if dpkg_query is None:
    print("SKIP: dpkg-query is not installed: the units' programs are not "
          "traced to Essential packages")
else:
    for name in SERVICES:
        for line in unit_text(name).splitlines():
            m = re.match(r"Exec[A-Za-z]*=[-@:+!]*(\S+)", line)
            if m is None or m.group(1) == "/usr/bin/tidings":
                continue
            prog = m.group(1)
            p = subprocess.run([dpkg_query, "-S", prog],
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               universal_newlines=True)
            pkgs = [pk for l in p.stdout.splitlines()
                    if not l.startswith("diversion ") and ": " in l
                    for pk in l.split(": ")[0].split(", ")]
            ess = [pk for pk in pkgs if subprocess.run(
                [dpkg_query, "-W", "-f", "${Essential}", pk],
                stdout=subprocess.PIPE, universal_newlines=True).stdout ==
                "yes"]
            check(ess, "%s: %s comes from an Essential package" % (name, prog),
                  p.stdout.strip() or "no package")


# 2. The daemon and a run under strace, against the units' filters.
RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
       '<item><guid>%s-1</guid><title>One</title><link>http://example.org/1'
       '</link><description>text</description></item></channel></rss>')


class Handler(tidings_test.Handler):
    def do_GET(self):
        self.send(200, (RSS % self.path).encode(),
                  [("Content-Type", "application/rss+xml")])


server, BASE = serve(Handler)


def group(name, cache={}):
    """The system calls of one systemd-analyze group, nested ones too."""
    if name in cache:
        return cache[name]
    out = subprocess.run([analyze, "syscall-filter", "--no-pager", name],
                         stdout=subprocess.PIPE, universal_newlines=True,
                         check=True).stdout
    calls = set()
    for line in out.splitlines()[1:]:
        w = line.strip()
        if w == "" or w.startswith("#"):
            continue
        calls |= group(w) if w.startswith("@") else {w}
    cache[name] = calls
    return calls


def allowed(unit):
    """What the unit's SystemCallFilter= lines let through."""
    allow, deny = None, set()
    for line in unit.splitlines():
        if not line.startswith("SystemCallFilter="):
            continue
        v = line.split("=", 1)[1].strip()
        neg = v.startswith("~")
        names = set()
        for w in v.lstrip("~").split():
            names |= group(w) if w.startswith("@") else {w}
        if neg:
            deny |= names
            if allow is not None:
                allow -= names
        else:
            allow = (allow or set()) | names
            deny -= names
    return None if allow is None else allow - deny


CALL = re.compile(r"^\d+\s+(?:<\.\.\. ([a-z0-9_]+) resumed>|([a-z0-9_]+)\()")


# What MemoryDenyWriteExecute=yes refuses: memory both writable and
# executable, or made executable after the fact.
WX = re.compile(r"^\d+\s+(?:(?:pkey_)?mprotect\(.*PROT_EXEC|"
                r"mmap\(.*(?:PROT_WRITE\|PROT_EXEC|PROT_EXEC\|PROT_WRITE))")
wx = []
ROOT_ONLY = re.compile(r"^\d+\s+fchown\(\d+<[^>]*-(?:wal|shm|journal)>, ")


def traced(path):
    calls = set()
    with open(path) as f:
        for line in f:
            m = CALL.match(line)
            # SQLite gives its -journal, -wal and -shm files the
            # database's owner when it runs as root (as this test may);
            # the units never do.
            if m and not (os.geteuid() == 0 and ROOT_ONLY.match(line)):
                calls.add(m.group(1) or m.group(2))
            if WX.match(line):
                wx.append(line.strip())
    return calls


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def configure(d, feeds):
    os.makedirs(os.path.join(d, "feeds.d"))
    os.makedirs(os.path.join(d, "out"))
    write(os.path.join(d, "tidings.conf"),
          "[daemon]\ndb = state.db\nlog_level = info\n"
          "metrics_file = metrics.prom\n"
          "[fetch]\nfulltext = never\nhost_rate = 0\nstartup_spread = 0\n"
          "[export files]\ndir = out\nformat = text\n"
          "[export cmd]\nformat = exec\ncommand = \"cat >> %s\"\n"
          % os.path.join(d, "exec.out"))
    write(os.path.join(d, "feeds.d", "a.conf"), feeds)
    return os.path.join(d, "tidings.conf")


strace = shutil.which("strace")
if analyze is None or strace is None:
    print("SKIP: the system call check needs strace and systemd-analyze")
else:
    # LeakSanitizer cannot work under ptrace; the other tests look for leaks.
    traced_env = dict(os.environ, ASAN_OPTIONS=os.environ.get(
        "ASAN_OPTIONS", "") + ":detect_leaks=0")
    run_dir = os.path.join(tmp, "run")
    conf = configure(run_dir, "%s/a.xml name=a\n" % BASE)
    p = subprocess.run([strace, "-f", "-qq", "-y", "-o",
                        os.path.join(tmp, "run.trace"), TIDINGS, "run",
                        "--quiet", "-c", conf], env=traced_env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       universal_newlines=True, timeout=120)
    check(p.returncode == 0, "tidings run under strace", p.stdout)
    check(os.path.exists(os.path.join(run_dir, "exec.out")) and
          len(os.listdir(os.path.join(run_dir, "out"))) == 1,
          "the run stored, exported a file and ran the export command")

    # The daemon: a cycle, a notify socket with a watchdog, a reload, a stop.
    d_dir = os.path.join(tmp, "daemon")
    conf = configure(d_dir, "%s/b.xml name=b\n" % BASE)
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(os.path.join(tmp, "notify.sock"))
    ns.settimeout(30)
    env = dict(traced_env, NOTIFY_SOCKET=os.path.join(tmp, "notify.sock"),
               WATCHDOG_USEC="400000")
    env.pop("WATCHDOG_PID", None)
    d = subprocess.Popen([strace, "-f", "-qq", "-y", "-o",
                          os.path.join(tmp, "daemon.trace"), TIDINGS,
                          "daemon", "-c", conf], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True)
    seen = []

    def wait_msg(want):
        end = time.time() + 60
        while time.time() < end:
            try:
                m = ns.recv(4096).decode()
            except socket.timeout:
                return False
            seen.append(m)
            if want in m:
                return True
        return False

    check(wait_msg("READY=1"), "the traced daemon sends READY=1")
    # Signals go to the daemon itself: strace -o FILE blocks them.
    with open("/proc/%d/task/%d/children" % (d.pid, d.pid)) as f:
        daemon_pid = int(f.read().split()[0])
    out = os.path.join(d_dir, "exec.out")
    end = time.time() + 60
    while time.time() < end and not os.path.exists(out):
        time.sleep(0.1)
    check(os.path.exists(out), "the traced daemon ran the export command")
    end = time.time() + 30
    while time.time() < end and not os.path.exists(
            os.path.join(d_dir, "metrics.prom")):
        time.sleep(0.1)
    check(os.path.exists(os.path.join(d_dir, "metrics.prom")),
          "the traced daemon wrote its metrics file")
    check(wait_msg("WATCHDOG=1"), "the traced daemon feeds the watchdog")
    os.kill(daemon_pid, signal.SIGHUP)
    check(wait_msg("RELOADING=1") and wait_msg("READY=1"),
          "the traced daemon reloads")
    os.kill(daemon_pid, signal.SIGTERM)
    try:
        log = d.communicate(timeout=60)[0]
    except subprocess.TimeoutExpired:
        os.kill(daemon_pid, signal.SIGKILL)
        d.kill()
        log = d.communicate()[0]
    check(d.returncode == 0, "the traced daemon stops cleanly", log)

    calls = traced(os.path.join(tmp, "run.trace")) | \
        traced(os.path.join(tmp, "daemon.trace"))
    check(len(calls) > 20, "strace saw the system calls", sorted(calls))
    for name in SERVICES:
        ok = allowed(unit_text(name))
        check(ok is not None, name + " has a SystemCallFilter=")
        if ok is not None:
            blocked = sorted(calls - ok)
            check(not blocked, "%s lets through all %d system calls tidings "
                  "made" % (name, len(calls)), blocked)
        if "\nMemoryDenyWriteExecute=yes\n" in unit_text(name):
            check(not wx, name + ": no writable and executable memory "
                  "(MemoryDenyWriteExecute=yes)", wx[:5])


# 3. An empty feed list: one line says where the feeds go.
e_dir = os.path.join(tmp, "empty")
os.makedirs(os.path.join(e_dir, "feeds.d"))
write(os.path.join(e_dir, "tidings.conf"), "[daemon]\ndb = state.db\n")
write(os.path.join(e_dir, "feeds.d", "example.conf"),
      "#https://example.org/feed.xml name=example\n")
d = subprocess.Popen([TIDINGS, "daemon", "-c",
                      os.path.join(e_dir, "tidings.conf")],
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                     universal_newlines=True)
time.sleep(1.0)
d.send_signal(signal.SIGHUP)
time.sleep(1.0)
d.send_signal(signal.SIGTERM)
try:
    log = d.communicate(timeout=30)[0]
except subprocess.TimeoutExpired:
    d.kill()
    log = d.communicate()[0]
want = "nothing to poll, add feeds in %s/feeds.d/*.conf" % e_dir
check(d.returncode == 0, "a daemon with no feeds runs and stops", log)
check(log.count(want) == 2, "it says so at start and after a reload: " +
      want, log)

shutil.rmtree(tmp, ignore_errors=True)
finish()
