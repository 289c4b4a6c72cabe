#!/usr/bin/env python3
"""File modes: under the units' UMask=0027 (systemd/tidings.service.in),
nothing tidings writes is readable by other users: the database, its lock
file, the directories a maildir export makes and every exported file
(text, json, maildir).  tidings sets no mode of its own on these (it
passes 0644/0755 and lets the umask decide), so an operator's umask is
what they get; the one exception is the metrics file (src/metrics.c),
made 0644 on purpose for a collector that runs as another user, which
holds counts and no content.  A file:// feed, so no server is needed."""
import os
import stat
import subprocess
import sys
import tempfile

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
EXAMPLES = os.environ.get("EXAMPLES_DIR", os.path.join(TESTS_DIR, "..", "examples"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
from tidings_test import check, finish  # noqa: E402

tmp = tempfile.mkdtemp(prefix="e2e_modes.")
os.chmod(tmp, 0o755)
conf = os.path.join(tmp, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = state/tidings.db\n[fetch]\nfulltext = never\n"
            "[export txt]\ndir = out/text\nformat = text\n"
            "[export js]\ndir = out/json\nformat = json\n"
            "[export mail]\ndir = out/mail\nformat = maildir\n"
            "[feeds]\nfile://%s name=news\n"
            % os.path.abspath(os.path.join(EXAMPLES, "ukrainian-news.rss")))
# The operator makes these (the unit's StateDirectory=, export-dirs.conf).
for d in ("state", "out", "out/text", "out/json", "out/mail"):
    os.mkdir(os.path.join(tmp, d), 0o750)

old = os.umask(0o027)
try:
    p = subprocess.run([TIDINGS, "run", "-c", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
finally:
    os.umask(old)
check(p.returncode == 0, "tidings run with umask 0027", p.stderr)

seen, loose = [], []
for d, dirs, files in os.walk(tmp):
    for n in dirs + files:
        path = os.path.join(d, n)
        rel = os.path.relpath(path, tmp)
        if rel == "tidings.conf":
            continue
        mode = stat.S_IMODE(os.lstat(path).st_mode)
        seen.append(rel)
        if mode & 0o007:
            loose.append("%s %04o" % (rel, mode))
check(any(s.startswith("state/tidings.db") for s in seen) and
      sum(1 for s in seen if s.startswith("out/")) >= 6,
      "the database and the exports were written", sorted(seen))
check(loose == [], "nothing the run wrote is readable by others", loose)
finish()
