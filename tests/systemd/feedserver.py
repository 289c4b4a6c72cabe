#!/usr/bin/env python3
"""The feed server of tests/systemd/run.sh, run inside the container:

    python3 feedserver.py DIR PORT

serves the files of DIR on 127.0.0.1:PORT (GET /NAME is DIR/NAME; a
missing file is a 404), with an ETag of the file's bytes so that a feed
that did not change answers 304.  checks.py edits the files from the host
(DIR is bound into the container) to publish new items."""
import hashlib
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "lib"))
from tidings_test import Handler  # noqa: E402
import http.server  # noqa: E402

ROOT = sys.argv[1]


class FeedHandler(Handler):
    def do_GET(self):
        name = self.path.lstrip("/")
        path = os.path.join(ROOT, name)
        if "/" in name or not os.path.isfile(path):
            self.send(404, b"no such feed\n")
            return
        with open(path, "rb") as f:
            body = f.read()
        etag = '"%s"' % hashlib.sha1(body).hexdigest()
        if self.headers.get("If-None-Match") == etag:
            self.send(304, headers=[("ETag", etag)])
            return
        self.send(200, body, [("Content-Type", "application/rss+xml"),
                              ("ETag", etag)])


server = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[2])),
                                         FeedHandler)
server.daemon_threads = True
server.serve_forever()
