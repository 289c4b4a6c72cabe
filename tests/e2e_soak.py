#!/usr/bin/env python3
"""A short soak (issue 13): bench/soak runs the daemon for SOAK_SECONDS
(default 75) against 100 changing feeds (new and updated items, 304s,
500s, resets, slow answers, redirects) with a text and a maildir target,
every feed checked every 3 s.  Asserts what does not depend on the
machine's speed: every article in the database is in each target exactly
once (by guid), descriptors other than sockets did not grow, the daemon
stayed up.  bench/README has the hour-long run and its figures."""
import os
import re
import subprocess
import sys

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
SOAK = os.path.join(os.path.dirname(os.path.abspath(TESTS_DIR)), "bench", "soak")
SECONDS = os.environ.get("SOAK_SECONDS", "75")
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
from tidings_test import check, finish  # noqa: E402

r = subprocess.run([sys.executable, SOAK, "--tidings", TIDINGS, "--duration", SECONDS,
                    "--feeds", "100", "--interval", "3", "--sample", "1",
                    "--change-every", "20"],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   universal_newlines=True, timeout=int(SECONDS) + 400)
out = r.stdout
print(out)
check(r.returncode == 0 and "RESULT: ok" in out, "soak: bench/soak passes", r.returncode)
m = re.search(r"articles in the database: (\d+)", out)
n = int(m.group(1)) if m else 0
check(n > 1000, "soak: the feeds brought new articles while it ran", n)
for t in ("text", "mail"):
    m = re.search(r"^%s +(\d+) +(\d+) +(\d+) +(\d+) +(\d+)$" % t, out, re.M)
    check(m is not None and int(m.group(1)) == n and int(m.group(2)) == n and
          m.group(3) == m.group(4) == m.group(5) == "0",
          "soak: %s: one file per article, none lost or duplicated" % t,
          m.group(0) if m else None)
m = re.search(r"server: .*new (\d+), .*updated (\d+)", out)
check(m is not None and int(m.group(1)) > 50 and int(m.group(2)) > 20,
      "soak: items were added and updated while the daemon ran",
      m.group(0) if m else None)
check(re.search(r"fds other than sockets: .*: flat", out) is not None,
      "soak: no descriptor growth")
m = re.search(r"304 (\d+), 500 (\d+), .*reset (\d+), slow (\d+)", out)
check(m is not None and all(int(x) > 0 for x in m.groups()),
      "soak: 304s, 500s, resets and slow answers happened",
      m.group(0) if m else None)
finish()
