#!/usr/bin/env python3
"""A permanent redirect to a URL that is already in the feed list: the
moving feed keeps its old URL, the run succeeds, and the conflict is
warned about once, not on every run (issue 16, item 6)."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
import tidings_test  # noqa: E402
from tidings_test import check, finish, serve  # noqa: E402

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>New</title><link>http://example.org/</link>
<item><guid>n-1</guid><title>First</title><link>http://example.org/1</link>
<description>one</description></item>
</channel></rss>"""


class Handler(tidings_test.Handler):
    def do_GET(self):
        if self.path == "/old.xml":
            self.send(301, b"", [("Location", "/new.xml")])
        elif self.path == "/new.xml":
            self.send(200, RSS.encode(), [("Content-Type", "application/rss+xml")])
        else:
            self.send(404)


server, BASE = serve(Handler)
tmp = tempfile.mkdtemp(prefix="e2e_moved.")
conf = os.path.join(tmp, "tidings.conf")
with open(conf, "w") as f:
    f.write("[daemon]\ndb = tidings.db\n"
            "[fetch]\nfulltext = never\nhost_rate = 0\npermanent_redirects = 2\n"
            "[feeds]\n%s/old.xml name=old\n%s/new.xml name=new\n" % (BASE, BASE))


def run():
    p = subprocess.run([TIDINGS, "run", "--all", "-c", conf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    return p.returncode, p.stderr.decode()


warned = 0
for i in range(5):
    rc, err = run()
    check(rc == 0, "run %d succeeds" % (i + 1), err)
    check("UNIQUE" not in err, "run %d: no constraint error" % (i + 1), err)
    warned += err.count("already in the feed list")
check(warned == 1, "the conflict is warned about once", warned)

p = subprocess.run([TIDINGS, "feeds", "-c", conf, "--json"],
                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=60)
fs = {f["name"]: f for f in json.loads(p.stdout)}
check(fs["old"]["url"] == BASE + "/old.xml" and fs["old"]["status"] == "ok",
      "the old feed keeps its URL", fs["old"])
check(fs["old"]["moved_to"] == BASE + "/new.xml", "and still says where it moved",
      fs["old"])
check(fs["new"]["url"] == BASE + "/new.xml" and fs["new"]["status"] == "ok",
      "the listed feed is untouched", fs["new"])

server.shutdown()
shutil.rmtree(tmp)
finish()
