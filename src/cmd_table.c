#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Every command: its name, entry point, synopsis, one-line summary and
 * the text of `tidings help NAME`.  tests/e2e_man.sh holds tidings(1) to
 * this list. */
const struct cmd_command cmd_commands[] = {
	{ "parse", cmd_parse, "[--base-url URL] [--charset NAME] [--sequential] FILE|-",
	  "parse one feed document and print it as JSON",
	  "Reads an RSS, Atom or JSON Feed document and prints one JSON document:\n"
	  "the feed and its normalised items: the contract is in\n"
	  "" DOCDIR "/tidings-parse.md (doc/ in the source).\n"
	  "  --base-url URL   the document's URL, to resolve relative links\n"
	  "  --charset NAME   the charset the server declared (HTTP Content-Type)\n"
	  "  --sequential     one thread: by default a document of 256 KiB or more\n"
	  "                   is sanitised and printed on a second thread while\n"
	  "                   libxml2 reads on (same output either way)\n"
	  "Exit 0 on success, also for a feed recovered from errors (\"bozo\": true);\n"
	  "1 with a message on stderr when the input is not a feed at all.\n" },
	{ "extract", cmd_extract, "[--url URL] [--charset NAME] FILE|-",
	  "extract the article from one web page and print it as JSON",
	  "Reads one HTML page and prints one JSON object: url (the canonical URL\n"
	  "when the page declares one, else --url), title, author, published (RFC\n"
	  "3339 UTC) and published_local (in the page's own offset), site_name,\n"
	  "language, image, excerpt, content (the article body as sanitised HTML,\n"
	  "links and images absolute) and text (its plain text, by the rules of the\n"
	  "text export).  content and text are null when the page holds no article.\n"
	  "  --url URL        the page's address, to resolve relative links\n"
	  "  --charset NAME   the charset the server declared (HTTP Content-Type);\n"
	  "                   else <meta charset>, else detection\n"
	  "Exit 0 also for a page without an article; 1 when the input cannot be\n"
	  "read; 2 for a usage error.\n" },
	{ "ingest", cmd_ingest, "[--db PATH] [--feed-url URL] [--feed-name NAME] "
	  "[--identity auto|guid|link|content] [--duplicates-as-new] FILE...",
	  "parse files and store their articles as if fetched",
	  "Parses each FILE (RSS, Atom or JSON Feed) and stores its items as one\n"
	  "batch of the feed --feed-url (default: file://ABSOLUTE-PATH of the file),\n"
	  "then prints \"FILE: N new, N updated, N duplicate, N unchanged\".\n"
	  "  --identity MODE        how items are told apart (see tidings-db(5))\n"
	  "  --duplicates-as-new    an article another feed brought first is\n"
	  "                         exported as new (default: annotated only)\n"
	  "The database (default: the configuration's [daemon] db) is created\n"
	  "when missing.  Exit 1 if any file failed; the others are still stored.\n" },
	{ "articles", cmd_articles, "[--db PATH] [--feed URL|NAME] [--since TIME] [--limit N] [--dropped] [--json]",
	  "list stored articles",
	  "Newest first: id, date in the item's own offset, feed, title.\n"
	  "Titles are plain text; a control character or a bidirectional\n"
	  "control (U+202E...) from a feed is shown as U+FFFD, here and in\n"
	  "`search` and `show --text`.\n"
	  "  --feed URL|NAME  only articles this feed carries\n"
	  "  --since TIME     published (else first seen) at or after TIME: a date\n"
	  "                   (2021-05-06T12:00:00Z) or an age (90m, 12h, 7d, 2w)\n"
	  "  --dropped        only articles keep= or drop= rules dropped, with\n"
	  "                   the rule (a last column; \"dropped\" in --json);\n"
	  "                   --since then counts from when they were first seen\n"
	  "  --json           a JSON array of whole records\n"
	  "Reading commands open the database read-only; see tidings-db(5).\n" },
	{ "show", cmd_show, "[--db PATH] [--json|--text] ID",
	  "print one stored article",
	  "ID is the number `tidings articles` prints, or the article's id, guid\n"
	  "or link (as --json shows them); an id that several articles share\n"
	  "lists them and exits 1.  --text (the default) is\n"
	  "the layout of the text export; --json the whole record with the\n"
	  "store's fields (revision, first_seen, last_seen, feeds).\n"
	  "An article keep= or drop= rules dropped says by which rule, and for\n"
	  "which export (\"dropped\" in --json).\n" },
	{ "search", cmd_search, "[--db PATH] [--limit N] [--json] QUERY",
	  "full-text search over stored articles",
	  "Searches titles and texts (FTS5: words, \"phrases\", AND/OR/NOT,\n"
	  "prefix*); a query that is not valid syntax is searched as plain words.\n"
	  "Best match first, at most --limit (default 50).\n" },
	{ "run", cmd_run, "[-c FILE] [--db PATH] [--feeds FILE] [--all] "
	  "[--feed NAME]... [--quiet] [--export FORMAT:DIR]...",
	  "poll every due feed once, store and export, then exit",
	  "One cycle: every due feed (--all: every enabled one; --feed: only\n"
	  "these, due or not) is fetched, stored, and its new articles exported.\n"
	  "  --export FORMAT:DIR  a target besides the [export NAME] sections:\n"
	  "                       text, json or maildir into DIR (made when\n"
	  "                       missing), or exec:COMMAND; repeatable.  With\n"
	  "                       --db and --feeds no configuration is needed.\n"
	  "  --quiet              no progress or summary on stderr\n"
	  "Each article is exported exactly once per target, also across\n"
	  "crashes; what cannot be exported now stays in the outbox for the\n"
	  "next run (see `tidings outbox`).  Exit 1 if a feed failed or\n"
	  "articles were left in the outbox.\n" },
	{ "daemon", cmd_daemon, "[-c FILE] [--db PATH] [--feeds FILE]",
	  "poll feeds forever (the systemd service)",
	  "Polls every feed on its schedule and exports new articles to the\n"
	  "[export NAME] targets between transfers.  A failing target (missing,\n"
	  "unwritable or full directory) keeps its articles in the outbox and is\n"
	  "retried with backoff; polling never stops.  SIGHUP reloads, SIGTERM\n"
	  "stops.\n" },
	{ "check-config", cmd_check_config, "[-c FILE] [--feeds FILE]",
	  "validate the configuration and feed lists", NULL },
	{ "add", cmd_add, "[-c FILE] [--feeds FILE] [--dry-run] [--yes] "
	  "[--pick N] [--file PATH] URL [key=value ...]",
	  "find a site's feeds and add one to the feed lists",
	  "Fetches URL.  When it is a feed (RSS, Atom, JSON Feed), that is the\n"
	  "candidate; when it is a web page, its <link rel=\"alternate\"> feeds,\n"
	  "a YouTube channel's feed and the usual paths (/feed, /rss, /atom.xml,\n"
	  "/index.xml, /feed.xml, /rss.xml, /feed.json) are, at most 10, each\n"
	  "fetched and read: URL, title, format, item count, last item date.\n"
	  "key=value are feed-list options (name=, interval=, tags=, ...),\n"
	  "checked before anything is fetched.  Then it appends \"URL options\"\n"
	  "to the [daemon] add_file (default feeds.d/added.conf):\n"
	  "  --yes        the first feed found, without asking\n"
	  "  --pick N     the Nth feed listed\n"
	  "  --dry-run    print the line and the file, write nothing\n"
	  "  --file PATH  this feed list instead of add_file\n"
	  "Without --yes or --pick it asks when stdin is a terminal, else\n"
	  "lists and writes nothing.  A feed already listed (same URL, any\n"
	  "case of scheme and host, http or https, default port) is shown with\n"
	  "FILE:LINE and nothing is written.  The daemon is not signalled: the\n"
	  "command to reload it is printed.  Exit 0 (also when already listed),\n"
	  "1 when nothing was found or URL could not be fetched, 2 usage or a\n"
	  "bad option.\n" },
	{ "feeds", cmd_feeds, "[-c FILE] [--db PATH] [--json]",
	  "show every feed with its status", NULL },
	{ "import-opml", cmd_import_opml, "FILE",
	  "write a feed list from an OPML file", NULL },
	{ "export-opml", cmd_export_opml, "[-c FILE]",
	  "write the feed list as OPML", NULL },
	{ "export", cmd_export, "[-c FILE] [--db PATH] --target NAME "
	  "[--since TIME] [--feed NAME]",
	  "export stored articles again",
	  "Writes the stored articles of a target again, e.g. files a consumer\n"
	  "lost.  NAME is an [export NAME] section or a FORMAT:DIR given to\n"
	  "`run --export`.  Each article is rendered as the first time, so a\n"
	  "file still present is found identical and left alone.  The outbox\n"
	  "is not changed.\n"
	  "  --since TIME  articles first seen at or after TIME (a date or an\n"
	  "                age: 90m, 12h, 7d, 2w)\n"
	  "  --feed NAME   only what came through this feed (name or URL)\n" },
	{ "status", cmd_status, "[-c FILE] [--db PATH] [--json]",
	  "how the daemon is doing, from the database",
	  "At a glance, from the database alone (read-only, so also while the\n"
	  "daemon runs): the last cycle of the daemon or of `tidings run` (when,\n"
	  "feeds checked, not modified, new, updated, failed, exported, time),\n"
	  "the feeds failing now and why, the retired ones (410 Gone), the\n"
	  "export backlog of each target with the age of its oldest article and\n"
	  "its last error, and the size of the database.\n"
	  "  --json   the same as one JSON object: database, last_cycle (null\n"
	  "           before the first), feeds, failing, retired, export\n"
	  "Exit 0 when the database could be read, 1 otherwise.\n" },
	{ "outbox", cmd_outbox, "[-c FILE] [--db PATH] [--limit N]",
	  "show articles waiting to be exported",
	  "For every target (configured, or seen in the database): how many\n"
	  "articles wait, the last error an exporter recorded and when, and the\n"
	  "oldest --limit (default 10) waiting articles.\n" },
	{ "backup", cmd_backup, "[-c FILE] [--db PATH] DEST",
	  "copy the database consistently, also while the daemon runs",
	  "Writes a copy of the database to DEST, a new file (never overwritten),\n"
	  "holding every feed document stored before the backup began and none\n"
	  "in part; the daemon and runs go on writing meanwhile.  DEST is one\n"
	  "file (no -wal or -shm); restore it by stopping the daemon and moving\n"
	  "it into place as the database.  Exit 1 on failure.\n" },
	{ "check-db", cmd_check_db, "[-c FILE] [--db PATH]",
	  "check the database's integrity and invariants",
	  "Runs SQLite's integrity check and the store's own: every article has\n"
	  "its identity keys and a feed, every outbox event its article, the\n"
	  "full-text index holds exactly the articles.  Prints each problem and\n"
	  "exits 1, or prints \"PATH: ok\" and exits 0.  Read-only.\n" },
	{ "migrate-db", cmd_migrate_db, "--from PATH --to postgresql://...",
	  "copy an SQLite database whole into PostgreSQL",
	  "Copies the SQLite database PATH (brought to this tidings' schema\n"
	  "first) into the PostgreSQL database the URI names, which must hold\n"
	  "no feeds, articles or events yet: feeds with their fetch state,\n"
	  "articles, revisions, identity keys and tombstones, events and each\n"
	  "target's export state, so that after the switch nothing is fetched,\n"
	  "stored or exported twice.  Stop the daemon first.  One transaction:\n"
	  "on failure the PostgreSQL database is left as it was.\n" },
};
const size_t cmd_ncommands = sizeof(cmd_commands) / sizeof(cmd_commands[0]);

const struct cmd_command *
cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < cmd_ncommands; i++)
		if (strcmp(cmd_commands[i].name, name) == 0)
			return &cmd_commands[i];
	return NULL;
}

int
cmd_usage(const char *name)
{
	const struct cmd_command *c = cmd_find(name);

	if (c != NULL)
		fprintf(stderr, "usage: tidings %s %s\n", c->name, c->synopsis);
	return 2;
}
