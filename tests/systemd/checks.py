#!/usr/bin/env python3
"""The checks of tests/systemd/run.sh, made from the host in a booted
Debian 12 container (commands go in with `nsenter -t PID -a`):

    python3 checks.py PID SHARE

PID is the container's init; SHARE the host directory bound at /srv/test
inside it (build-deb/ with the .deb, feedserver.py and lib/, and feeds/,
which this script writes and the feed server serves on 127.0.0.1:8080).

In order, as an operator would:
 0. every command of the README's "Install from the package", verbatim and
    in order, from /srv/test (`sh tests/deb/build.sh` excepted: run.sh
    built the package; promtool runs on the host, on the container's
    file); then the operator's files go and `apt-get purge tidings`
    leaves the file system as before the install;
 1. `apt-get install ./build-deb/tidings_*.deb` again: the system user, the
    conffiles, /var/lib/tidings owned by tidings, the service enabled and
    idling on an empty feed list (it says so), the timer installed but off;
 2. a test configuration (feeds every 2s, one feed answering 404, a json
    export into /srv/news, metrics_file in /srv/metrics): without the
    export-dirs drop-in the sandbox refuses /srv/news (read-only file
    system) and the articles wait in the outbox;
 3. with the drop-in (the shipped example, plus /srv/metrics) and a
    restart: READY=1 (`systemctl restart` returns with the unit active),
    the main process runs as tidings with no capabilities, no_new_privs
    and a seccomp filter, and the waiting articles are exported, each once;
 4. journald: one summary line per cycle at notice, the failing feed's
    problem at warning starting with its name, no line naming an article;
 5. `systemctl reload` applies an added feed; a broken feed list is
    refused, the journal names file:line, the daemon stays up (same pid)
    on the old list and keeps exporting; so is a broken tidings.conf; the
    fixed files reload;
 6. the watchdog (WatchdogSec=4s from a test drop-in) is fed: no restart
    over four periods;
 7. `kill -9` of the main process: Restart=on-failure starts it again and
    nothing is lost or exported twice;
 8. `systemctl stop` is clean (Result=success) well within TimeoutStopSec;
 9. `tidings status` (run by root as an operator would, also --json) and
    the metrics file (`promtool check metrics` when the host has it); root
    running tidings leaves no root-owned file in /var/lib/tidings;
10. the timer variant, with the README's commands (`systemctl disable --now
    tidings`, `systemctl enable --now tidings-run.timer`): the timer starts
    tidings-run.service once, which runs one cycle as tidings (with the
    same drop-in under tidings-run.service.d) and exports;
11. `apt-get purge tidings` leaves the file system as before the install
    (the tidings user stays, as debian/tidings.postrm says why, and
    systemd-sysusers' backups /etc/passwd- and the like).

The test drop-in sets WatchdogSec=4s and RestartSec=1s (the unit's own
2min and 10s would make the run slow).  The timer is the shipped one: it
is enabled once its OnBootSec=1min has passed, so that it elapses at once.
`tidings status` runs as root, as an operator types it."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from tidings_test import check, finish  # noqa: E402

PID, SHARE = sys.argv[1], sys.argv[2]
FEEDS = os.path.join(SHARE, "feeds")
BASE = "http://127.0.0.1:8080/"
ENV = ["env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8",
       "SYSTEMD_PAGER=", "SYSTEMD_COLORS=0", "DEBIAN_FRONTEND=noninteractive"]


def run(cmd, stdin=None):
    """Runs the shell command cmd inside the container; returns
    (exit status, standard output, standard error)."""
    p = subprocess.run(["nsenter", "-t", PID, "-a"] + ENV + ["sh", "-c", cmd],
                       input=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    return p.returncode, p.stdout, p.stderr


def out(cmd):
    return run(cmd)[1].strip()


def put(path, text, mode="644"):
    rc, _, err = run("cat > %s && chmod %s %s" % (path, mode, path), text)
    if rc != 0:
        raise RuntimeError("cannot write %s: %s" % (path, err))


def show(unit, *props):
    """systemctl show PROPS of unit, as a dict."""
    res = {}
    for line in out("systemctl show %s %s" % (
            " ".join("-p " + p for p in props), unit)).splitlines():
        k, _, v = line.partition("=")
        res[k] = v
    return res


def wait_for(pred, timeout, step=0.25):
    """Polls pred() until it is true or timeout seconds have passed;
    returns its last value."""
    end = time.time() + timeout
    while True:
        v = pred()
        if v or time.time() > end:
            return v
        time.sleep(step)


def cursor():
    """The journal's current end, for journal(after=)."""
    line = out("journalctl -n 1 -o json --no-pager")
    return json.loads(line)["__CURSOR"] if line else None


def journal(unit="tidings.service", after=None):
    """The unit's journal entries (dicts) after the cursor."""
    cmd = "journalctl -u %s -o json --no-pager" % unit
    if after is not None:
        cmd += " --after-cursor='%s'" % after
    res = []
    for line in out(cmd).splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if isinstance(e.get("MESSAGE"), list):  # not UTF-8: bytes
            e["MESSAGE"] = bytes(e["MESSAGE"]).decode("utf-8", "replace")
        res.append(e)
    return res


def messages(entries, pid=None):
    return [e["MESSAGE"] for e in entries
            if pid is None or e.get("_PID") == str(pid)]


def cycles(after, unit="tidings.service"):
    """The summary lines the daemon logged after the cursor."""
    return [e for e in journal(unit, after)
            if e.get("MESSAGE", "").startswith("cycle: ")]


def wait_cycles(after, n, timeout=30, unit="tidings.service"):
    return wait_for(lambda: len(cycles(after, unit)) >= n, timeout)


def find_guid(rec):
    """The first "guid" in the JSON record, however nested."""
    if isinstance(rec, dict):
        if isinstance(rec.get("guid"), str):
            return rec["guid"]
        rec = list(rec.values())
    if isinstance(rec, list):
        for v in rec:
            g = find_guid(v)
            if g is not None:
                return g
    return None


def exported():
    """guid -> how many files of /srv/news hold it."""
    rc, text, _ = run("for f in $(find /srv/news -type f ! -name '.*' "
                      "| sort); do cat \"$f\"; printf '\\036'; done")
    seen = {}
    for chunk in text.split("\036"):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            rec = json.loads(chunk)
        except ValueError:
            seen["<unparsable>"] = seen.get("<unparsable>", 0) + 1
            continue
        guid = find_guid(rec)
        seen[guid] = seen.get(guid, 0) + 1
    return seen


def nfiles():
    return int(out("find /srv/news -type f ! -name '.*' | wc -l") or 0)


def publish(name, n):
    """Writes feeds/NAME.xml, an RSS feed of items 1..n."""
    items = "".join(
        "<item><guid isPermaLink=\"false\">%s-%d</guid>"
        "<title>%s item number %d</title>"
        "<link>http://example.org/%s/%d</link>"
        "<description>Body of %s item %d.</description>"
        "<pubDate>Sun, 06 Dec 2026 %02d:00:00 +0000</pubDate></item>"
        % (name, i, name.capitalize(), i, name, i, name, i, i % 24)
        for i in range(n, 0, -1))
    path = os.path.join(FEEDS, name + ".xml")
    with open(path + ".tmp", "w") as f:
        f.write("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel>"
                "<title>%s</title><link>http://example.org/%s</link>"
                "<description>test feed</description>%s</channel></rss>"
                % (name.capitalize(), name, items))
    os.rename(path + ".tmp", path)


def main_pid():
    return show("tidings.service", "MainPID")["MainPID"]


def proc_status(pid):
    res = {}
    for line in out("cat /proc/%s/status" % pid).splitlines():
        k, _, v = line.partition(":")
        res[k] = v.strip()
    return res


def expect_exported(want, what, timeout=30):
    """Waits until /srv/news holds exactly the guids of want, once each."""
    got = wait_for(lambda: (lambda s: s if set(s) == set(want) else None)(
        exported()), timeout)
    got = got or exported()
    check(set(got) == set(want), what + ": exported " + ", ".join(sorted(want)),
          sorted(got))
    dups = {g: n for g, n in got.items() if n != 1}
    check(not dups, what + ": each article exactly once", dups)


def alpha(n):
    return ["alpha-%d" % i for i in range(1, n + 1)]


def beta(n):
    return ["beta-%d" % i for i in range(1, n + 1)]


CONF = """\
# tests/systemd: cycles every 2s; the export and the metrics outside
# /var/lib/tidings, made writable by the export-dirs drop-in.
[daemon]
metrics_file = /srv/metrics/tidings.prom

[fetch]
interval = 2s
min_interval = 1s
max_backoff = 2s
startup_spread = 0

[export news]
dir = /srv/news
format = json
retry_base = 1s
retry_max = 2s
"""

FEEDLIST = "%salpha.xml name=alpha\n%sgone.xml name=broken\n" % (BASE, BASE)
FEEDLIST_BETA = FEEDLIST + "%sbeta.xml name=beta\n" % BASE
TEST_DROPIN = """\
# tests/systemd: a short watchdog and restart delay for the test's sake.
[Service]
WatchdogSec=4s
RestartSec=1s
"""

def readme_commands():
    """The indented lines of the README's "Install from the package"."""
    with open(os.path.join(HERE, "..", "..", "README")) as f:
        text = f.read()
    sec = text.split("\nInstall from the package\n---", 1)[-1]
    m = re.search(r"\n[^\n]+\n---+\n", sec)
    sec = sec[:m.start()] if m else sec
    return [line[4:] for line in sec.splitlines()
            if line.startswith("    ") and line.strip()]


def snapshot():
    return out("find /etc /usr /lib /var/lib -xdev "
               "-path /var/lib/dpkg -prune -o -path /var/lib/apt -prune -o "
               "-print | sort").splitlines()


# The user stays (debian/tidings.postrm says why), and systemd-sysusers
# keeps its backups of the files it edited, as useradd does.
KEPT = {"/etc/passwd-", "/etc/group-", "/etc/shadow-", "/etc/gshadow-"}


def purge(what):
    """What the operator added goes first (dpkg removes only its own
    files); then apt-get purge, and the file system is as before."""
    run("rm -rf /etc/systemd/system/tidings.service.d "
        "/etc/systemd/system/tidings-run.service.d "
        "/etc/tidings/feeds.d/local.conf /etc/tidings/feeds.d/test.conf "
        "/srv/news /srv/metrics && systemctl daemon-reload")
    rc, o, e = run("apt-get purge -y tidings")
    check(rc == 0, what + ": apt-get purge tidings", (o + e)[-2000:])
    run("systemctl daemon-reload")
    after = snapshot()
    added = sorted(set(after) - set(before) - KEPT)
    removed = sorted(set(before) - set(after))
    check(not added and not removed,
          what + ": after the purge the file system is as before the install",
          {"left": added[:20], "gone": removed[:20]})


t_start = time.time()
before = snapshot()

# 0. The README's commands, verbatim, in order, from the checkout (where
# build-deb/ holds the package).
cmds = readme_commands()
check(len(cmds) >= 10 and cmds[0] == "sh tests/deb/build.sh",
      "README: %d commands in \"Install from the package\"" % len(cmds), cmds)
for cmd in cmds:
    if cmd.startswith("sh tests/deb/build.sh"):
        print("README: %s: run.sh ran it on the host (or was given the "
              ".deb)" % cmd)
        continue
    if cmd.startswith("promtool "):
        args, _, path = cmd.partition("<")
        args = args.split()
        if shutil.which(args[0]) is None:
            print("SKIP: README: %s: promtool (Debian package prometheus) "
                  "is not installed" % cmd)
            continue
        text = out("cat " + path.strip())
        p = subprocess.run(args, input=text + "\n", stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True)
        check(p.returncode == 0 and text,
              "README: %s (on the host, on the container's file)" % cmd,
              p.stdout)
        continue
    rc, o, e = run("cd /srv/test && " + cmd)
    check(rc == 0, "README: " + cmd, (o + e)[-1500:])
    if cmd == "tidings status":
        print("--- tidings status (README)\n" + o + e + "---")
        check(re.search(r"^feeds: 1 ", o, re.M), "it shows the one feed", o)
sh = show("tidings.service", "ActiveState", "ReadWritePaths", "User")
check(sh["ActiveState"] == "active" and sh["User"] == "tidings" and
      "/srv/news" in sh["ReadWritePaths"] and
      "/srv/metrics" in sh["ReadWritePaths"],
      "README: the service runs as tidings, with the drop-in", sh)
purge("README")

# 1. Install.
c_inst = cursor()
rc, o, e = run("cd /srv/test && apt-get install -y --no-install-recommends "
               "./build-deb/tidings_*.deb")
check(rc == 0, "apt-get install ./tidings_*.deb", (o + e)[-2000:])
if rc != 0:
    finish()
pw = out("getent passwd tidings").split(":")
check(len(pw) == 7 and 0 < int(pw[2]) < 1000,
      "the system user tidings exists (sysusers.d)", pw)
conffiles = out("cat /var/lib/dpkg/info/tidings.conffiles")
check("/etc/tidings/tidings.conf" in conffiles and
      "/etc/tidings/feeds.d/example.conf" in conffiles,
      "/etc/tidings/tidings.conf and feeds.d/example.conf are conffiles",
      conffiles)
check(out("stat -c '%U:%G %a' /var/lib/tidings") == "tidings:tidings 750",
      "/var/lib/tidings is tidings:tidings 0750",
      out("stat -c '%U:%G %a' /var/lib/tidings"))
check(out("systemctl is-enabled tidings.service") == "enabled",
      "tidings.service is enabled")
check(wait_for(lambda: out("systemctl is-active tidings.service") == "active",
               10), "tidings.service is started by the installation")
check(wait_for(lambda: any("nothing to poll" in m
                           for m in messages(journal(after=c_inst))), 10),
      "with the empty feed list it says there is nothing to poll",
      messages(journal(after=c_inst)))
check(out("systemctl is-enabled tidings-run.timer") == "disabled" and
      out("systemctl is-active tidings-run.timer") == "inactive",
      "tidings-run.timer is installed, neither enabled nor started")

# 2. A configuration; without the drop-in /srv/news is read-only.
run("mkdir -p /srv/news /srv/metrics && chown tidings:tidings /srv/news "
    "/srv/metrics && mkdir -p /etc/systemd/system/tidings.service.d")
run("systemd-run --unit=feedserver --property=DynamicUser=yes "
    "python3 /srv/test/feedserver.py /srv/test/feeds 8080")
publish("alpha", 3)
put("/etc/tidings/tidings.conf", CONF)
put("/etc/tidings/feeds.d/test.conf", FEEDLIST)
put("/etc/systemd/system/tidings.service.d/test.conf", TEST_DROPIN)
check(wait_for(lambda: out("systemctl is-active feedserver.service") ==
               "active", 10),
      "the feed server runs in the container")
run("systemctl daemon-reload")
c0 = cursor()
rc, o, e = run("systemctl restart tidings.service")
check(rc == 0, "systemctl restart tidings (the test configuration)", e)
wait_cycles(c0, 1)
wait_for(lambda: any("Read-only file system" in m
                     for m in messages(journal(after=c0))), 10)
msgs = messages(journal(after=c0))
check(any("Read-only file system" in m for m in msgs),
      "without the drop-in the sandbox keeps /srv/news read-only", msgs)
check(nfiles() == 0, "nothing is exported there", nfiles())
st = json.loads(out("tidings status --json") or "{}")
pending = [t.get("pending") for t in st.get("export", [])
           if t.get("target") == "news"]
check(pending == [3], "the 3 articles wait in the outbox", st)

# 3. The drop-in, a restart: READY=1, the user, the sandbox, the export.
put("/etc/systemd/system/tidings.service.d/exports.conf",
    out("cat /usr/share/doc/tidings/examples/export-dirs.conf") +
    "\nReadWritePaths=/srv/metrics\n")
run("systemctl daemon-reload")
c1 = cursor()
rc, o, e = run("systemctl restart tidings.service")
sh = show("tidings.service", "ActiveState", "SubState", "Type", "MainPID",
          "StatusText", "NRestarts")
check(rc == 0 and sh["ActiveState"] == "active" and sh["Type"] == "notify",
      "with the drop-in: `systemctl restart` returns once READY=1 came "
      "(Type=notify, active)", sh)
status_text = wait_for(lambda: show("tidings.service", "StatusText")
                       ["StatusText"], 5)
check(re.match(r"\d+ feeds, \d+ due, \d+ running, \d+ failing$",
               status_text or ""),
      "the daemon's STATUS= reaches systemd", status_text)
ps = proc_status(sh["MainPID"])
uid = out("id -u tidings")
check(ps.get("Uid", "").split()[:1] == [uid] and uid != "0",
      "the main process runs as tidings (uid %s), not root" % uid,
      ps.get("Uid"))
check(ps.get("NoNewPrivs") == "1" and ps.get("Seccomp") == "2" and
      ps.get("CapEff") == "0000000000000000" and
      ps.get("CapBnd") == "0000000000000000",
      "it runs with no_new_privs, a seccomp filter and no capabilities",
      {k: ps.get(k) for k in ("NoNewPrivs", "Seccomp", "CapEff", "CapBnd")})
expect_exported(alpha(3), "after the restart, the waiting articles")
c2 = cursor()
wait_cycles(c2, 3)
expect_exported(alpha(3), "three cycles later", timeout=0)
st = json.loads(out("tidings status --json") or "{}")
pending = [t.get("pending") for t in st.get("export", [])
           if t.get("target") == "news"]
check(pending == [0], "the outbox is empty", st.get("export"))

# 4. The journal.
ents = journal(after=c1)
cyc = [e for e in ents if e["MESSAGE"].startswith("cycle: ")]
check(cyc and all(e.get("PRIORITY") == "5" for e in cyc),
      "journalctl -u tidings: one summary line per cycle, at notice",
      [(e.get("PRIORITY"), e["MESSAGE"]) for e in cyc[:3]])
check(any(re.match(r"cycle: \d+ feed\(s\) checked, \d+ not modified, \d+ new, "
                   r"\d+ updated, \d+ failed, \d+ exported, [0-9.]+s",
                   e["MESSAGE"]) for e in cyc),
      "the summary line counts checked, not modified, new, updated, "
      "failed, exported and the time", [e["MESSAGE"] for e in cyc[:2]])
check(any(re.match(r"cycle: .* [1-9]\d* not modified", e["MESSAGE"])
          for e in cyc),
      "a feed that did not change counts as not modified (304)",
      [e["MESSAGE"] for e in cyc[:4]])
bad = [e for e in ents if e["MESSAGE"].startswith("broken")]
check(bad and all(e.get("PRIORITY") == "4" for e in bad) and
      any("404" in e["MESSAGE"] for e in bad),
      "the failing feed's problem: a warning that starts with its name",
      [(e.get("PRIORITY"), e["MESSAGE"]) for e in bad[:3]])
check(not any("item number" in e["MESSAGE"] for e in ents),
      "nothing per article at the default level",
      [e["MESSAGE"] for e in ents if "item number" in e["MESSAGE"]][:3])
check(all(e.get("_UID") == uid for e in ents
          if e.get("_COMM") == "tidings" and "_UID" in e),
      "every line tidings logged came from uid %s" % uid)

# 5. Reload.
pid0 = main_pid()
publish("beta", 2)
put("/etc/tidings/feeds.d/test.conf", FEEDLIST_BETA)
rc, o, e = run("systemctl reload tidings.service")
check(rc == 0, "systemctl reload tidings (a feed added)", e)
expect_exported(alpha(3) + beta(2), "after the reload, the added feed")
check(main_pid() == pid0, "the reload kept the process", (pid0, main_pid()))
put("/etc/tidings/feeds.d/test.conf",
    FEEDLIST_BETA + "%sgamma.xml name=gamma colour=red\n" % BASE)
c3 = cursor()
rc, o, e = run("systemctl reload tidings.service")
want = "/etc/tidings/feeds.d/test.conf:4"
found = wait_for(lambda: [m for m in messages(journal(after=c3))
                          if want in m], 10)
check(found, "a broken feed list is refused and the journal names " + want,
      messages(journal(after=c3)))
if found:
    e = [x for x in journal(after=c3) if want in x["MESSAGE"]][0]
    check(e.get("PRIORITY") in ("3", "4"),
          "the refusal is logged at warning or err", e.get("PRIORITY"))
publish("alpha", 4)
expect_exported(alpha(4) + beta(2),
                "on the old list, an article published after the refusal")
check(main_pid() == pid0 and
      show("tidings.service", "ActiveState")["ActiveState"] == "active",
      "the service stayed up, same process")
check(not any("gamma" in m and "cycle" not in m and want not in m
              for m in messages(journal(after=c3))),
      "the refused list's feed is not polled")
# A broken tidings.conf: the same.
put("/etc/tidings/feeds.d/test.conf", FEEDLIST_BETA)
put("/etc/tidings/tidings.conf", CONF + "[fetch]\nintervall = 5m\n")
want = "/etc/tidings/tidings.conf:%d" % (len(CONF.splitlines()) + 2)
c3 = cursor()
run("systemctl reload tidings.service")
found = wait_for(lambda: [m for m in messages(journal(after=c3))
                          if want in m], 10)
check(found, "a broken tidings.conf is refused and the journal names " + want,
      messages(journal(after=c3)))
check(main_pid() == pid0 and
      show("tidings.service", "ActiveState")["ActiveState"] == "active",
      "the service stayed up, same process")
put("/etc/tidings/tidings.conf", CONF)
c4 = cursor()
run("systemctl reload tidings.service")
check(wait_cycles(c4, 2) and main_pid() == pid0,
      "the fixed list reloads and cycles go on")

# 6. The watchdog.
sh = show("tidings.service", "WatchdogUSec", "NRestarts", "MainPID")
check(sh["WatchdogUSec"] == "4s", "WatchdogSec=4s is in force (test drop-in)",
      sh)
c5 = cursor()
time.sleep(16)
sh2 = show("tidings.service", "NRestarts", "MainPID", "ActiveState")
check(sh2["MainPID"] == sh["MainPID"] and sh2["NRestarts"] == sh["NRestarts"]
      and sh2["ActiveState"] == "active",
      "the watchdog is fed: no restart over four periods", (sh, sh2))
check(not any("atchdog" in m for m in messages(journal(after=c5))),
      "no watchdog message in the journal",
      [m for m in messages(journal(after=c5)) if "atchdog" in m])

# 7. kill -9.
pid1 = main_pid()
n0 = int(show("tidings.service", "NRestarts")["NRestarts"])
publish("alpha", 5)
publish("beta", 3)
run("kill -9 %s" % pid1)
check(wait_for(lambda: main_pid() not in ("0", pid1) and
               show("tidings.service", "ActiveState")["ActiveState"] ==
               "active", 15),
      "after kill -9 Restart=on-failure starts it again",
      show("tidings.service", "MainPID", "ActiveState", "Result"))
check(int(show("tidings.service", "NRestarts")["NRestarts"]) == n0 + 1,
      "NRestarts counts the restart")
expect_exported(alpha(5) + beta(3), "after the kill and restart")
c6 = cursor()
wait_cycles(c6, 2)
expect_exported(alpha(5) + beta(3), "two cycles later", timeout=0)

# 8. Stop.
c7 = cursor()
t0 = time.time()
rc, o, e = run("systemctl stop tidings.service")
took = time.time() - t0
sh = show("tidings.service", "ActiveState", "Result", "ExecMainCode",
          "ExecMainStatus", "TimeoutStopUSec")
check(rc == 0 and sh["ActiveState"] == "inactive" and
      sh["Result"] == "success",
      "systemctl stop is clean (Result=success)", sh)
check(took < 5, "it stops in %.1fs, well within TimeoutStopSec=%s"
      % (took, sh["TimeoutStopUSec"]))
check(not any("SIGKILL" in m or "timed out" in m
              for m in messages(journal(after=c7))),
      "no SIGKILL, no time-out", messages(journal(after=c7)))

# 9. tidings status and the metrics file.
rc, o, e = run("tidings status")
print("--- tidings status (root, daemon stopped)\n" + o + e + "---")
check(rc == 0 and "last cycle:" in o and "broken" in o,
      "tidings status: the last cycle and the failing feed", o + e)
rc, o, e = run("tidings status --json")
try:
    st = json.loads(o)
except ValueError:
    st = {}
check(st.get("last_cycle") and st.get("feeds", {}).get("failing") == 1 and
      any(f.get("name") == "broken" for f in st.get("failing", [])),
      "tidings status --json: the last cycle, one failing feed", o + e)
owners = out("find /var/lib/tidings ! -user tidings")
check(owners == "", "root running tidings left no file of root's in "
      "/var/lib/tidings", owners)
c9 = cursor()
rc, o, e = run("systemctl start tidings.service")
check(rc == 0, "and the daemon starts again after it", e)
wait_cycles(c9, 1)
prom = out("cat /srv/metrics/tidings.prom")
check(out("stat -c '%U %a' /srv/metrics/tidings.prom") == "tidings 644",
      "the metrics file is written by tidings, mode 0644",
      out("stat -c '%U %a' /srv/metrics/tidings.prom"))
for name in ("tidings_feeds", "tidings_fetches_total",
             "tidings_articles_total", "tidings_export_pending",
             "tidings_cycle_duration_seconds",
             "tidings_last_success_timestamp_seconds"):
    check(re.search("^%s[ {]" % name, prom, re.M),
          "the metrics file has " + name)
promtool = shutil.which("promtool")
if promtool is None:
    print("SKIP: promtool (Debian package prometheus) is not installed")
else:
    with tempfile.NamedTemporaryFile("w", suffix=".prom") as f:
        f.write(prom + "\n")
        f.flush()
        with open(f.name) as fin:
            p = subprocess.run([promtool, "check", "metrics"], stdin=fin,
                               stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT,
                               universal_newlines=True)
    check(p.returncode == 0, "promtool check metrics accepts the file",
          p.stdout)

# 10. The timer.
put("/etc/tidings/feeds.d/test.conf",
    "%salpha.xml name=alpha\n%sbeta.xml name=beta\n" % (BASE, BASE))
run("systemctl disable --now tidings")
run("mkdir -p /etc/systemd/system/tidings-run.service.d && "
    "cp /etc/systemd/system/tidings.service.d/exports.conf "
    "/etc/systemd/system/tidings-run.service.d/exports.conf")
run("systemctl daemon-reload")
publish("alpha", 6)
# The feeds fall due again (interval 2s), and the timer's OnBootSec=1min
# has passed: started now, it elapses at once (systemd.timer(5)).
up = float(out("cut -d' ' -f1 /proc/uptime") or 0)
time.sleep(max(2.5, 62 - up))
c8 = cursor()
rc, o, e = run("systemctl enable --now tidings-run.timer")
check(rc == 0, "systemctl enable --now tidings-run.timer", e)
# AccuracySec=30s: systemd may put the start off by up to that much.
done = wait_for(lambda: show("tidings-run.service", "ExecMainExitTimestamp")
                ["ExecMainExitTimestamp"] != "", 60)
sh = show("tidings-run.service", "Result", "ExecMainStatus", "User")
check(done and sh["Result"] == "success" and sh["ExecMainStatus"] == "0",
      "the timer started tidings-run.service, which succeeded", sh)
ents = journal("tidings-run.service", after=c8)
cyc = [e for e in ents if e["MESSAGE"].startswith("cycle: ")]
summ = [e for e in ents if re.search(r"\d+ feed\(s\) checked", e["MESSAGE"])]
check(summ and all(e.get("_UID") == uid for e in summ),
      "journalctl -u tidings-run: the run's summary line, logged as tidings",
      [(e.get("_UID"), e["MESSAGE"]) for e in ents])
check(len([e for e in ents if e["MESSAGE"].startswith("Finished ")]) == 1,
      "the timer ran it once", [e["MESSAGE"] for e in ents])
expect_exported(alpha(6) + beta(3), "the timer's cycle")
rc, o, e = run("tidings status")
check(rc == 0 and re.search(r"^last cycle: .*, run\): [1-9]", o, re.M),
      "tidings status: the last cycle was the run's", o)
run("systemctl disable --now tidings-run.timer")

# 11. Purge.
purge("at the end")

print("checks took %.0fs" % (time.time() - t_start))
finish()
