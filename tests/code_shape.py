#!/usr/bin/env python3
"""The shape doc/HACKING asks of src/: no source file over 1,500 lines, no
function over 120 lines without a "Long:" reason in its comment
(scripts/long_functions.py), and every file listed in Makefile.am (so
that the release tarball carries it)."""
import glob
import os
import subprocess
import sys

top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
files = sorted(glob.glob(os.path.join(top, "src", "*.[ch]")))
bad = 0
for f in files:
    with open(f, encoding="utf-8", errors="replace") as fh:
        n = sum(1 for _ in fh)
    if n > 1500:
        print("FAIL: %s: %d lines, over 1,500" % (os.path.relpath(f, top), n))
        bad = 1
# Every source file is in Makefile.am, or the release tarball lacks it.
with open(os.path.join(top, "Makefile.am"), encoding="utf-8") as fh:
    am = fh.read()
for f in files:
    rel = os.path.relpath(f, top)
    if rel not in am:
        print("FAIL: %s is not listed in Makefile.am" % rel)
        bad = 1
r = subprocess.run([sys.executable,
                    os.path.join(top, "scripts", "long_functions.py")] +
                   [f for f in files if f.endswith(".c")],
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
if r.returncode != 0:
    print("FAIL: functions over 120 lines without a reason:\n" + r.stdout)
    bad = 1
if not bad:
    print("ok: %d files within 1,500 lines, long functions explained"
          % len(files))
sys.exit(bad)
