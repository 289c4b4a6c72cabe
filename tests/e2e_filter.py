#!/usr/bin/env python3
"""Filter rules (issue 15, "Filter rules"): a feed with sponsored items
over HTTP from 127.0.0.1, a feed's drop= rule and an export target's keep=
and drop= rules.  Dropped articles are stored and marked, never come back
as new, and are not exported (nowhere for the feed's rules, not to that
target for a target's); `tidings articles --dropped` lists them with the
rule, `tidings show` names it, and `tidings export --target NAME --since`
applies changed rules to the stored articles.  On SQLite, and on
PostgreSQL when tests/e2e_pg.py gives TIDINGS_TEST_FILTER_DB."""
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

TIDINGS = os.environ.get("TIDINGS", "src/tidings")
TESTS_DIR = os.environ.get("TESTS_DIR", os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(TESTS_DIR, "lib"))
from tidings_test import Handler, check, finish, serve  # noqa: E402

ITEM = ("<item><guid>%s</guid><title>%s</title><link>http://example.org/%s</link>"
        "<author>%s</author><category>%s</category><description>%s</description>"
        "<pubDate>Tue, 10 Mar 2020 12:%02d:00 GMT</pubDate></item>")


def rss(title, items):
    body = "".join(ITEM % (g, t, g, a, c, d, i) for i, (g, t, a, c, d) in
                   enumerate(items))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            "<title>%s</title><link>http://example.org/</link>%s"
            "</channel></rss>" % (title, body)).encode()


NEWS = [
    ("n1", "Sponsored: a new phone", "ads@example.org", "Tech", "buy it"),
    ("n2", "Advertisement - cars", "ads@example.org", "Cars", "buy one"),
    ("n3", "Election results", "desk@example.org", "Politics", "votes"),
    ("n4", "Weather today", "desk@example.org", "Weather", "rain"),
    ("n5", "Party conference", "pr@example.org (PR desk)", "Politics", "speeches"),
]
BLOG = [
    ("b1", "A politics blog post", "me@example.org", "Politics", "opinion"),
    ("b2", "Cats", "me@example.org", "Pets", "cats"),
]
docs = {"/news.xml": rss("News", NEWS), "/blog.xml": rss("Blog", BLOG)}
lock = threading.Lock()


class Feeds(Handler):
    def do_GET(self):
        with lock:
            body = docs.get(self.path)
        if body is None:
            self.send(404)
        else:
            self.send(200, body, [("Content-Type", "application/rss+xml")])


server, base = serve(Feeds)
tmp = tempfile.mkdtemp(prefix="e2e_filter.")
# tests/e2e_pg.py runs this again with a PostgreSQL database
db = os.environ.get("TIDINGS_TEST_FILTER_DB") or os.path.join(tmp, "t.db")
conf = os.path.join(tmp, "tidings.conf")
feeds = os.path.join(tmp, "feeds.conf")
dirs = {n: os.path.join(tmp, n) for n in ("all", "pol")}
for d in dirs.values():
    os.mkdir(d)


def write_conf(feed_rules, pol_rules):
    with open(feeds, "w") as f:
        f.write("%s/news.xml name=news %s\n" % (base, feed_rules))
        f.write("%s/blog.xml name=blog\n" % base)
    with open(conf, "w") as f:
        f.write("[daemon]\ndb = %s\nfeeds = %s\n[fetch]\nallow_private = yes\n"
                "[export all]\nformat = json\ndir = %s\n"
                "[export pol]\nformat = json\ndir = %s\n%s\n"
                % (db, feeds, dirs["all"], dirs["pol"], pol_rules))


def run(*args):
    return subprocess.run([TIDINGS] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=120, text=True)


def exported(name):
    out = set()
    for f in os.listdir(dirs[name]):
        with open(os.path.join(dirs[name], f)) as fh:
            out.add(json.load(fh)["article"]["title"])
    return out


def marks():
    if not db.startswith("postgresql:"):
        con = sqlite3.connect(db)
        rows = con.execute("SELECT a.title, d.target, d.rule"
                           " FROM article_drops_v1 d JOIN articles_v2 a"
                           " ON a.id = d.article_id").fetchall()
        con.close()
    else:
        r = run("articles", "--db", db, "--dropped", "--json")
        rows = [(a["title"], m["target"], m["rule"])
                for a in json.loads(r.stdout) for m in a["dropped"]]
    return {(t, tg): r for t, tg, r in rows}


def ids():
    r = run("articles", "--db", db, "--json")
    return {a["title"]: a["store_id"] for a in json.loads(r.stdout)}


SPONSORED = "drop=title:/^(Sponsored|Advertisement)/"
write_conf('drop="title:/^(Sponsored|Advertisement)/"',
           'keep = category:Politics\ndrop = "author:PR desk"')
r = run("check-config", "-c", conf)
check(r.returncode == 0 and r.stdout == "" and r.stderr == "",
      "check-config takes keep= and drop=", r.stdout + r.stderr)
r = run("run", "-c", conf, "--quiet")
check(r.returncode == 0, "run", r.stderr)

titles = {t for _, t, _, _, _ in NEWS + BLOG}
check(set(ids()) == titles, "every article is stored, the dropped ones too",
      ids())
check(exported("all") == titles - {"Sponsored: a new phone",
                                   "Advertisement - cars"},
      "the feed's rule: its dropped articles go to no target", exported("all"))
check(exported("pol") == {"Election results", "A politics blog post"},
      "the target's keep= and drop= rules", exported("pol"))
m = marks()
check(m.get(("Sponsored: a new phone", None)) == SPONSORED and
      m.get(("Advertisement - cars", None)) == SPONSORED,
      "the feed's drops are marked with the rule, for every target", m)
check(m.get(("Party conference", "pol")) == "drop=author:PR desk" and
      m.get(("Weather today", "pol")) ==
      "keep: none matched (keep=category:Politics)" and
      ("Cats", "pol") in m and len(m) == 5,
      "the target's drops are marked for that target", m)

r = run("articles", "--db", db, "--dropped")
lines = [ln.split("\t") for ln in r.stdout.splitlines()]
check(r.returncode == 0 and len(lines) == 5 and
      any(ln[3] == "Sponsored: a new phone" and ln[4] == "feed: " + SPONSORED
          for ln in lines) and
      any(ln[3] == "Party conference" and
          ln[4] == "export pol: drop=author:PR desk" for ln in lines),
      "articles --dropped lists them with the rule", r.stdout + r.stderr)
r = run("articles", "--db", db, "--dropped", "--json", "--feed", "blog")
j = json.loads(r.stdout) if r.returncode == 0 else []
check(len(j) == 1 and j[0]["title"] == "Cats" and
      j[0]["dropped"][0]["target"] == "pol",
      "articles --dropped --json --feed", r.stdout + r.stderr)
r = run("show", "--db", db, str(ids()["Sponsored: a new phone"]))
check(r.returncode == 0 and "Dropped by the feed's rules, for every export: "
      + SPONSORED in r.stdout, "show names the feed's rule", r.stdout)
r = run("show", "--db", db, "--json", str(ids()["Party conference"]))
check(r.returncode == 0 and json.loads(r.stdout)["dropped"][0]["rule"] ==
      "drop=author:PR desk", "show --json names the target's rule", r.stdout)
r = run("show", "--db", db, str(ids()["Election results"]))
check(r.returncode == 0 and "Dropped" not in r.stdout,
      "show says nothing of an article nothing dropped", r.stdout)

# Seen again, the dropped articles are known: nothing new, nothing exported.
with lock:
    docs["/news.xml"] = rss("News", NEWS + [
        ("n6", "Sponsored: another one", "ads@example.org", "Tech", "x")])
r = run("run", "-c", conf, "--quiet", "--all")
check(r.returncode == 0 and len(ids()) == len(titles) + 1,
      "a second run stores only the new item", r.stderr)
check(len(os.listdir(dirs["all"])) == 5 and len(os.listdir(dirs["pol"])) == 2,
      "a second run exports nothing: dropped articles never come back",
      (os.listdir(dirs["all"]), os.listdir(dirs["pol"])))
check(marks().get(("Sponsored: another one", None)) == SPONSORED,
      "a new article is dropped by the rule in force")

# New rules: none for the feed, weather only for pol.  They apply to new
# articles, and `export --target --since` applies them to the old ones.
write_conf("", "keep = category:Weather")
r = run("export", "-c", conf, "--target", "pol", "--since", "3650d")
check(r.returncode == 0 and "pol: 1 exported" in r.stdout and
      "dropped by rules" in r.stdout, "export --target pol re-applies the rules",
      r.stdout + r.stderr)
check(exported("pol") == {"Election results", "A politics blog post",
                          "Weather today"},
      "an article the new rules let through is exported", exported("pol"))
m = marks()
check(m.get(("Weather today", "pol")) is None and
      m.get(("Sponsored: a new phone", None)) is None and
      m.get(("Sponsored: a new phone", "pol")) ==
      "keep: none matched (keep=category:Weather)" and
      m.get(("Election results", "pol")) ==
      "keep: none matched (keep=category:Weather)",
      "the marks follow the rules now in force", m)
# The articles the feed's old rule dropped got their events with that
# re-apply: the outbox delivers them to the other targets.
r = run("run", "-c", conf, "--quiet")
check(r.returncode == 0 and len(os.listdir(dirs["all"])) == 8 and
      {"Sponsored: a new phone", "Advertisement - cars",
       "Sponsored: another one"} <= exported("all"),
      "the outbox delivers what the feed's old rule dropped to the others",
      (r.stderr, exported("all")))
check(len(os.listdir(dirs["pol"])) == 3, "and not again to pol",
      os.listdir(dirs["pol"]))
r = run("export", "-c", conf, "--target", "all", "--since", "3650d")
check(r.returncode == 0 and "all: 8 exported, 0 filtered out, 0 failed, "
      "0 dropped by rules" in r.stdout and len(os.listdir(dirs["all"])) == 8,
      "export --target all: a file already there is left alone",
      r.stdout + r.stderr)
check(not any(tg is None for _, tg in marks()),
      "no feed mark is left once the feed has no rule", marks())

server.shutdown()
shutil.rmtree(tmp)
finish()
