#!/usr/bin/env python3
"""The module map, read from the #include "..." lines of src/ (doc/HACKING).

Checks that the dependencies between modules point one way:

    main -> cli -> cmd_* -> daemon -> cycle -> {fetch, ingest, outbox/export,
    feedlist/opml, scheduler, metrics}; ingest -> {parse -> normalize,
    dedup -> store}; everyone -> the utilities (buf, err, log, xmalloc,
    article, date, url, html, encoding, filter, ...)

A module is a file's name without .c/.h; a family (store, store_int,
store_events, ...) shares its first word.  Each layer below has a rank; an
include must go to a higher rank (further down the map) or stay in its
family.  A module not named in LAYERS is a utility: it may include only
other utilities.  There must be no cycle, and these must hold by name:
store does not include dedup; outbox and export include neither conf.h nor
feedlist.h (conf_settings.h, the settings' types, is theirs to take); no
cmd_* includes fetch, parse or dedup.

Usage: module_map.py [SRC_DIR] [--print]  (exit 1 on a violation)
"""
import os
import re
import sys

# rank, families
LAYERS = [
    (0, ["main"]),
    (1, ["cli"]),
    (2, ["cmd"]),
    (3, ["daemon"]),
    (4, ["metrics"]),
    (5, ["tally"]),
    (6, ["cycle", "pages", "probe"]),
    (7, ["ingest", "fetch", "curl_lazy", "outbox", "opml", "backlog"]),
    (8, ["feedlist", "scheduler", "export"]),
    (9, ["parse", "dedup", "conf"]),
    (9.5, ["xml"]),
    (10, ["normalize", "store"]),
]
# (family, what it must not include, by family or by exact module name)
FORBIDDEN = [
    ("store", ["dedup"], "family"),
    ("outbox", ["conf", "feedlist"], "module"),
    ("export", ["conf", "feedlist"], "module"),
    ("cmd", ["fetch", "parse", "dedup"], "family"),
]


def family(m):
    return m.split("_")[0]


def rank(m):
    for r, fams in LAYERS:
        if m in fams or family(m) in fams:
            return r
    return None


def graph(src):
    inc = re.compile(r'^\s*#\s*include\s+"([^"/]+)\.h"', re.M)
    deps = {}
    for f in sorted(os.listdir(src)):
        if not f.endswith((".c", ".h")):
            continue
        m = f[:-2]
        d = deps.setdefault(m, set())
        with open(os.path.join(src, f), encoding="utf-8") as fh:
            for h in inc.findall(fh.read()):
                if h != m and h != "config" and \
                        os.path.exists(os.path.join(src, h + ".h")):
                    d.add(h)
    for m in list(deps):
        for h in deps[m]:
            deps.setdefault(h, set())
    return deps


def cycles(deps):
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(deps[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return out


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    src = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "src")
    deps = graph(src)
    bad = []
    for comp in cycles(deps):
        bad.append("cycle: " + " <-> ".join(comp))
    for m in sorted(deps):
        rm = rank(m)
        for h in sorted(deps[m]):
            rh = rank(h)
            for who, never, by in FORBIDDEN:
                if family(m) == who and \
                        (family(h) if by == "family" else h) in never:
                    bad.append("%s includes %s.h" % (m, h))
            if family(m) == family(h):
                continue
            if rm is None and rh is not None:
                bad.append("utility %s includes %s.h (layer %g)" % (m, h, rh))
            elif rm is not None and rh is not None and rh <= rm:
                bad.append("%s (layer %g) includes %s.h (layer %g): "
                           "upwards or sideways" % (m, rm, h, rh))
    if "--print" in sys.argv:
        for r, fams in LAYERS:
            mods = sorted(m for m in deps if rank(m) == r)
            print("%g: %s" % (r, " ".join(mods)))
        print("utilities: %s" % " ".join(sorted(m for m in deps
                                                 if rank(m) is None)))
    for b in bad:
        print("FAIL: " + b)
    if not bad:
        print("ok: %d modules, dependencies point one way" % len(deps))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
