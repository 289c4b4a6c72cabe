#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "date.h"
#include "err.h"
#include "xmalloc.h"

static const struct cli_command commands[] = {
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
	{ "articles", cmd_articles, "[--db PATH] [--feed URL|NAME] [--since TIME] [--limit N] [--json]",
	  "list stored articles",
	  "Newest first: id, date in the item's own offset, feed, title.\n"
	  "Titles are plain text; a control character or a bidirectional\n"
	  "control (U+202E...) from a feed is shown as U+FFFD, here and in\n"
	  "`search` and `show --text`.\n"
	  "  --feed URL|NAME  only articles this feed carries\n"
	  "  --since TIME     published (else first seen) at or after TIME: a date\n"
	  "                   (2021-05-06T12:00:00Z) or an age (90m, 12h, 7d, 2w)\n"
	  "  --json           a JSON array of whole records\n"
	  "Reading commands open the database read-only; see tidings-db(5).\n" },
	{ "show", cmd_show, "[--db PATH] [--json|--text] ID",
	  "print one stored article",
	  "ID is the number `tidings articles` prints, or the article's id, guid\n"
	  "or link (as --json shows them); an id that several articles share\n"
	  "lists them and exits 1.  --text (the default) is\n"
	  "the layout of the text export; --json the whole record with the\n"
	  "store's fields (revision, first_seen, last_seen, feeds).\n" },
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
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct cli_command *
find(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void
overview(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: tidings [--version] [--help] COMMAND [ARGS]\n\n"
	    "commands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-13s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp, "\n'tidings help COMMAND' describes one command.\n");
}

int
cli_usage(const char *name)
{
	const struct cli_command *c = find(name);

	if (c != NULL)
		fprintf(stderr, "usage: tidings %s %s\n", c->name, c->synopsis);
	return 2;
}

static int
help(const char *name)
{
	const struct cli_command *c = find(name);

	if (c == NULL) {
		fprintf(stderr, "tidings: no such command: %s\n", name);
		return 2;
	}
	printf("usage: tidings %s %s\n\n%s\n", c->name, c->synopsis, c->summary);
	if (c->help)
		printf("\n%s", c->help);
	return 0;
}

int
cli_main(int argc, char **argv)
{
	const struct cli_command *c;

	if (argc < 2) {
		overview(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("tidings %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		overview(stdout);
		return 0;
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			overview(stdout);
			return 0;
		}
		return help(argv[2]);
	}
	if ((c = find(argv[1])) == NULL) {
		fprintf(stderr, "tidings: no such command: %s (see tidings --help)\n",
		    argv[1]);
		return 2;
	}
	if (argc > 2 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
		return help(c->name);
	return c->fn(argc - 1, argv + 1);
}

int
cli_read_file(const char *path, size_t max, char **data, size_t *len,
    char *ebuf, size_t n)
{
	struct buf b = { 0 };
	int e;

	b.max = max;
	e = buf_read_file(&b, strcmp(path, "-") == 0 ? NULL : path);
	if (e != 0) {
		buf_free(&b);
		if (e == EFBIG)
			return err_set(ebuf, n, ERR_LIMIT,
			    "%s: larger than the limit of %zu bytes", path, max);
		return err_set(ebuf, n, ERR_IO, "%s: %s", path, strerror(e));
	}
	*len = b.len;
	*data = buf_detach(&b);
	return ERR_OK;
}

/* Absolute dates as the feed parser reads them, or a relative age:
 * "90s", "30m", "12h", "7d", "2w" before now. */
int
cli_parse_since(const char *s, int64_t *out)
{
	struct date_time d;
	char *end;
	long long v;

	if (date_parse(s, &d) == ERR_OK) {
		*out = d.utc;
		return 0;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || v < 0 || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 's':
		break;
	case 'm':
		v *= 60;
		break;
	case 'h':
		v *= 3600;
		break;
	case 'd':
		v *= 86400;
		break;
	case 'w':
		v *= 7 * 86400;
		break;
	default:
		return -1;
	}
	*out = (int64_t)time(NULL) - v;
	return 0;
}

char *
cli_db_path(const char *given, const char *conf_path)
{
	struct conf c;
	struct conf_diag d = { 0 };
	char *p = NULL;
	size_t i;

	if (given != NULL)
		return xstrdup(given);
	if (conf_load(&c, conf_path, &d) == ERR_OK)
		p = xstrdup(c.db_path);
	else {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msgs[i]);
		fprintf(stderr, "tidings: no database: the configuration "
		    "is invalid (give --db PATH)\n");
	}
	conf_diag_free(&d);
	conf_free(&c);
	return p;
}
