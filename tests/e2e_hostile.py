#!/usr/bin/env python3
"""Hostile documents through the real `tidings parse`: a 50 MB feed,
billion laughs, quadratic blowup, XXE and 10000-deep nesting.  Each must
end by itself with the right status, in bounded time and memory, without
leaking a local file.  Peak memory is the child's own ru_maxrss (from
wait4), not RLIMIT_AS, which ASan's shadow reservations would trip.  A
forked child starts with a copy of this process's pages, which count
until exec: the big feed runs last, before this process holds its
output."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

TIDINGS = os.environ.get("TIDINGS")
if not TIDINGS:
    sys.exit("TIDINGS is not set")

with open(TIDINGS, "rb") as fp:
    SANITIZED = b"__asan_init" in fp.read()
# ASan roughly doubles memory and slows everything down a lot.
MEM_FACTOR = 4 if SANITIZED else 1
TIME_FACTOR = 20 if SANITIZED else 1
MB = 1024 * 1024
failures = []


def run(path, timeout):
    """-> (status, stdout bytes, peak RSS in bytes, seconds)"""
    out = tempfile.TemporaryFile()
    err = tempfile.TemporaryFile()
    t0 = time.monotonic()
    proc = subprocess.Popen([TIDINGS, "parse", path], stdout=out, stderr=err,
                            stdin=subprocess.DEVNULL, start_new_session=True)
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    secs = time.monotonic() - t0
    out.seek(0)
    err.seek(0)
    data = out.read()
    errtext = err.read().decode("utf-8", "replace")
    if "Sanitizer" in errtext:
        failures.append("%s: sanitizer report:\n%s" % (path, errtext[-2000:]))
    return proc.returncode, data, usage.ru_maxrss * 1024, secs


def expect(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def big_feed(path, size):
    item = ('<item><title>Item %d &amp; more</title>'
            '<link>http://example.com/item/%d?utm_source=x</link><guid>id-%d</guid>'
            '<dc:creator>Author</dc:creator><pubDate>Thu, 06 May 2021 15:00:00 +0300</pubDate>'
            '<category>c%d</category><description>Summary %d with &lt;b&gt;bold&lt;/b&gt;.</description>'
            '<content:encoded><![CDATA[<p>Paragraph of item %d with <a href="/rel/%d">a link</a>.</p>'
            '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.</p>'
            ']]></content:encoded></item>\n')
    n = 0
    with open(path, "w") as fp:
        fp.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
                 'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
                 'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Big</title>\n')
        while fp.tell() < size:
            fp.write(item % ((n,) * 7))
            n += 1
        fp.write("</channel></rss>\n")
    return n


def main():
    tmp = tempfile.mkdtemp(prefix="tidings-hostile-")
    try:
        # 2. billion laughs: nothing expands
        path = os.path.join(tmp, "laughs.xml")
        decl = ['<!ENTITY lol "lol">'] + [
            '<!ENTITY lol%d "%s">' % (i, ("&lol%s;" % (i - 1 if i > 1 else "")) * 10)
            for i in range(1, 10)]
        with open(path, "w") as fp:
            fp.write('<?xml version="1.0"?>\n<!DOCTYPE r [\n%s\n]>\n'
                     '<rss version="2.0"><channel><title>&lol9;</title><item>'
                     '<title>&lol9;</title><description>%s</description></item>'
                     '</channel></rss>\n' % ("\n".join(decl), "&lol9;" * 1000))
        rc, out, rss, secs = run(path, 10 * TIME_FACTOR)
        expect(rc == 0, "billion laughs: exit 0 (got %s)" % rc)
        expect(len(out) < 100000, "billion laughs: output %d bytes" % len(out))
        expect(secs < 5 * TIME_FACTOR, "billion laughs: %.2f s" % secs)
        expect(rss < MEM_FACTOR * 60 * MB, "billion laughs: peak RSS %.0f MB" % (rss / MB))
        doc = json.loads(out)
        expect(doc.get("bozo") is True, "billion laughs: bozo")

        # 3. quadratic blowup: one 200 kB entity, 100000 references
        path = os.path.join(tmp, "quadratic.xml")
        with open(path, "w") as fp:
            fp.write('<?xml version="1.0"?>\n<!DOCTYPE r [\n<!ENTITY a "%s">\n]>\n'
                     '<rss version="2.0"><channel><item><title>t</title>'
                     '<description>%s</description></item></channel></rss>\n'
                     % ("a" * 200000, "&a;" * 100000))
        size = os.path.getsize(path)
        rc, out, rss, secs = run(path, 20 * TIME_FACTOR)
        expect(rc == 0, "quadratic blowup: exit 0 (got %s)" % rc)
        expect(len(out) < 4 * size, "quadratic blowup: output %d bytes" % len(out))
        expect(secs < 10 * TIME_FACTOR, "quadratic blowup: %.2f s" % secs)
        expect(rss < MEM_FACTOR * 80 * MB, "quadratic blowup: peak RSS %.0f MB" % (rss / MB))

        # 4. XXE: a general and a parameter entity on /etc/passwd
        path = os.path.join(tmp, "xxe.xml")
        with open(path, "w") as fp:
            fp.write('<?xml version="1.0"?>\n<!DOCTYPE rss [\n'
                     '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
                     '<!ENTITY % pe SYSTEM "file:///etc/passwd">\n%pe;\n]>\n'
                     '<rss version="2.0"><channel><title>&xxe;</title><item>'
                     '<title>x &xxe;</title><description>&xxe;</description>'
                     '<enclosure url="http://e.example/&xxe;" type="a/b"/></item>'
                     '</channel></rss>\n')
        rc, out, rss, secs = run(path, 10 * TIME_FACTOR)
        expect(rc == 0, "XXE: exit 0 (got %s)" % rc)
        expect(b"root:" not in out and b"/bin/" not in out, "XXE: no /etc/passwd in the output")
        doc = json.loads(out)
        expect(len(doc["items"]) == 1, "XXE: the item is there")

        # 5. 10000-deep nesting, inside and outside an item
        for name, body in (("deep-item", "<item><title>deep</title><description>%s</description></item>"),
                           ("deep-channel", "%s<item><title>after</title></item>")):
            path = os.path.join(tmp, name + ".xml")
            with open(path, "w") as fp:
                fp.write('<rss version="2.0"><channel>%s</channel></rss>\n'
                         % (body % ("<div>" * 10000 + "x" + "</div>" * 10000)))
            rc, out, rss, secs = run(path, 10 * TIME_FACTOR)
            expect(rc == 0, "%s: exit 0, no crash (got %s)" % (name, rc))
            if rc == 0:
                doc = json.loads(out)
                expect(doc.get("bozo") is True, "%s: bozo" % name)
        # 6. 50 MB: all items, memory proportional to the file at most
        path = os.path.join(tmp, "big.xml")
        n = big_feed(path, 50 * MB)
        size = os.path.getsize(path)
        rc, out, rss, secs = run(path, 120 * TIME_FACTOR)
        expect(rc == 0, "big feed: exit 0 (got %s)" % rc)
        expect(out.count(b'{"id":') == n, "big feed: %d items" % n)
        expect(out.rstrip().endswith(b"}"), "big feed: complete JSON")
        limit = MEM_FACTOR * (4 * size + 50 * MB)
        expect(rss < limit, "big feed: peak RSS %.0f MB < %.0f MB" % (rss / MB, limit / MB))
        print("   big feed: %.1f MB in %.2f s (%.1f MB/s), peak RSS %.0f MB"
              % (size / MB, secs, size / MB / secs, rss / MB))
        del out
        os.unlink(path)

    finally:
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
