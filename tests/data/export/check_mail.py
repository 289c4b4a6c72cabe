#!/usr/bin/env python3
"""Reads a message the maildir exporter wrote and checks it the way a mail
client would: python's email package parses it, decodes the RFC 2047
headers and the quoted-printable parts, and every value must match the
expectations in a JSON file.  Exit 0 = all good; otherwise says what differs.
usage: check_mail.py MESSAGE EXPECTED.json"""
import email
import email.policy
import json
import sys

raw = open(sys.argv[1], 'rb').read()
want = json.load(open(sys.argv[2], encoding='utf-8'))
msg = email.message_from_bytes(raw, policy=email.policy.default)
bad = []


def check(what, got, exp):
    if got != exp:
        bad.append('%s: got %r, wanted %r' % (what, got, exp))


for n, line in enumerate(raw.split(b'\n'), 1):
    if len(line) > 998:
        bad.append('line %d has %d bytes' % (n, len(line)))
    if b'\r' in line:
        bad.append('line %d has a CR' % n)
check('defects', [type(d).__name__ for d in msg.defects], [])
check('Subject', str(msg['subject']), want['subject'])
addr = msg['from'].addresses[0]
check('From name', addr.display_name, want['from_name'])
check('From address', addr.addr_spec, want['from_addr'])
check('Message-ID', str(msg['message-id']), want['message_id'])
check('Date', str(msg['date']), want['date'])
check('List-Id', str(msg['list-id']), want['list_id'])
if 'link' in want:
    check('X-Tidings-Link', str(msg['x-tidings-link']), want['link'])
check('content type', msg.get_content_type(), 'multipart/alternative')
plain = msg.get_body(preferencelist=('plain',))
html = msg.get_body(preferencelist=('html',))
check('text/plain', plain.get_content() if plain else None, want['text'])
if html is None:
    bad.append('no text/html part')
else:
    body = html.get_content()
    for frag in want['html_contains']:
        if frag not in body:
            bad.append('html lacks %r' % frag)
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
