#!/usr/bin/env python3
"""List C functions longer than a limit whose comment gives no reason.

usage: scripts/long_functions.py [--max N] FILE...

A function definition starts with its name and '(' at the start of a line
and ends at the first '}' at the start of a line.  A function over the
limit (default 120 lines) passes when the comment just above it has a
sentence starting "Long:" that says why it is one piece.  Exits 1 when
any function does not pass.
"""
import re
import sys


def functions(text):
    lines = text.split('\n')
    for i, line in enumerate(lines):
        m = re.match(r'([A-Za-z_]\w*)\(', line)
        if not m:
            continue
        for j in range(i + 1, len(lines)):
            if lines[j].startswith('}'):
                break
            if lines[j].startswith('{') or lines[j].startswith(' ') or \
                    lines[j].startswith('\t') or lines[j] == '':
                continue
            break
        else:
            continue
        if not lines[j].startswith('}'):
            continue
        # the comment above: from the type line up to a "/*" line
        k = i - 1
        while k >= 0 and not lines[k].rstrip().endswith('*/') and \
                lines[k].strip() and not lines[k].startswith('}'):
            k -= 1
        comment = []
        if k >= 0 and lines[k].rstrip().endswith('*/'):
            while k >= 0:
                comment.insert(0, lines[k])
                if lines[k].lstrip().startswith('/*'):
                    break
                k -= 1
        yield m.group(1), i + 1, j - i + 1, '\n'.join(comment)


def main(argv):
    limit = 120
    if len(argv) > 1 and argv[0] == '--max':
        limit = int(argv[1])
        argv = argv[2:]
    bad = 0
    for path in argv:
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        for name, line, n, comment in functions(text):
            if n > limit and 'Long:' not in comment:
                print(f'{path}:{line}: {name}: {n} lines')
                bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
