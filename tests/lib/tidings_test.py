"""What the end-to-end scripts share: a tally of checks and a scripted HTTP
server on 127.0.0.1.  A script puts this folder on sys.path (from
TESTS_DIR, or its own folder) and ends with finish()."""
import http.server
import sys
import threading

failures = 0


def check(cond, what, detail=None):
    """Prints ok or FAIL for one expectation; a failure is counted."""
    global failures
    if cond:
        print("ok: " + what)
    else:
        failures += 1
        print("FAIL: " + what + ("" if detail is None else ": %r" % (detail,)))


class Handler(http.server.BaseHTTPRequestHandler):
    """A quiet HTTP/1.1 handler with send(); scripts add their do_GET."""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body=b"", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)


def serve(handler):
    """Starts a threaded server on a free port; returns it and its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, "http://127.0.0.1:%d" % server.server_address[1]


def finish():
    """Prints the count of failures and exits 1 if there were any."""
    print("%d failure(s)" % failures)
    sys.exit(1 if failures else 0)
