#!/usr/bin/env python3
"""Checks a JSON export: it must be one UTF-8 JSON document ending in a
newline, and the fields given in EXPECTED.json (a nested subset) must match.
usage: check_json.py FILE EXPECTED.json"""
import json
import sys

raw = open(sys.argv[1], 'rb').read()
want = json.load(open(sys.argv[2], encoding='utf-8'))
bad = []
if not raw.endswith(b'\n'):
    bad.append('no final newline')
doc = json.loads(raw.decode('utf-8'))


def walk(path, got, exp):
    if isinstance(exp, dict):
        if not isinstance(got, dict):
            bad.append('%s: not an object' % path)
            return
        for k, v in exp.items():
            if k not in got:
                bad.append('%s.%s: missing' % (path, k))
            else:
                walk(path + '.' + k, got[k], v)
    elif got != exp:
        bad.append('%s: got %r, wanted %r' % (path, got, exp))


walk('$', doc, want)
# Round trip: what python reads, python writes back to the same data.
if json.loads(json.dumps(doc, ensure_ascii=False)) != doc:
    bad.append('does not round-trip')
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
