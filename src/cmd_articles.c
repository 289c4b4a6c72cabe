/*
 * tidings articles, show and search: what the database holds.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "article_json.h"
#include "article_text.h"
#include "buf.h"
#include "cmd.h"
#include "date.h"
#include "err.h"
#include "store.h"
#include "xmalloc.h"

/* A --limit value: a positive number, or -1 after saying why. */
static int
parse_limit(const char *arg, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(arg, &end, 10);
	if (errno || *end || *out <= 0) {
		fprintf(stderr, "tidings: --limit: not a positive number: %s\n",
		    arg);
		return -1;
	}
	return 0;
}

struct lister {
	int	 json;
	long	 count;
	struct store *st;	/* with --dropped: the marks are read */
	int	 dropped;
};

static json_t *
record_json(const struct article *a, const struct store_article_meta *m)
{
	json_t *o = article_json_item(a);
	char t[40];

	json_object_set_new(o, "store_id", json_integer(m->id));
	json_object_set_new(o, "feed_url", m->feed_url ?
	    json_string(m->feed_url) : json_null());
	json_object_set_new(o, "feed_name", m->feed_name ?
	    json_string(m->feed_name) : json_null());
	json_object_set_new(o, "feed_title", m->feed_title ?
	    json_string(m->feed_title) : json_null());
	date_format_utc(m->first_seen, t, sizeof(t));
	json_object_set_new(o, "first_seen", json_string(t));
	date_format_utc(m->last_seen, t, sizeof(t));
	json_object_set_new(o, "last_seen", json_string(t));
	json_object_set_new(o, "revision", json_integer(m->revision));
	json_object_set_new(o, "feeds", json_integer(m->nfeeds));
	json_object_set_new(o, "content_hash", json_string(m->content_hash));
	return o;
}

/*
 * Text for a terminal: what a feed wrote must not steer it.  Bidirectional
 * controls (U+061C, U+200E-U+200F, U+202A-U+202E, U+2066-U+2069) would
 * reorder what follows ("invoice U+202E fdp.exe" reads "invoice exe.pdf"),
 * and C0 and C1 controls and DEL would start escape sequences: each comes
 * out as U+FFFD, so that it shows.  With oneline, tabs and line breaks
 * become spaces (they would break the columns); else they stay.
 */
static void
term_put(const char *s, int oneline, FILE *fp)
{
	static const char repl[] = "\xef\xbf\xbd";
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	for (; p != NULL && *p != '\0'; p++) {
		if (*p == '\t' || *p == '\n' || *p == '\r') {
			fputc(oneline ? ' ' : *p == '\r' ? '\n' : *p, fp);
			if (*p == '\r' && p[1] == '\n')
				p++;
		} else if (*p < 0x20 || *p == 0x7f)
			fputs(repl, fp);
		else if (*p == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			fputs(repl, fp);	/* C1 */
			p++;
		} else if (*p == 0xd8 && p[1] == 0x9c) {
			fputs(repl, fp);	/* U+061C */
			p++;
		} else if (*p == 0xe2 && p[1] == 0x80 && p[2] != '\0' &&
		    ((cp = p[2]) == 0x8e || cp == 0x8f ||
		    (cp >= 0xaa && cp <= 0xae))) {
			fputs(repl, fp);	/* U+200E-F, U+202A-E */
			p += 2;
		} else if (*p == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9) {
			fputs(repl, fp);	/* U+2066-9 */
			p += 2;
		} else
			fputc(*p, fp);
	}
}

/* ---- drop marks (filter rules) ---- */

struct marks {
	json_t	*json;		/* an array of {target, rule, dropped} */
	struct buf text;	/* one line per mark */
	size_t	 n;
};

static int
mark_one(void *ctx, const struct store_drop *d)
{
	struct marks *m = ctx;
	json_t *o;
	char t[40];

	date_format_utc(d->dropped, t, sizeof(t));
	o = json_object();
	json_object_set_new(o, "target", d->target != NULL ?
	    json_string(d->target) : json_null());
	json_object_set_new(o, "rule", json_string(d->rule));
	json_object_set_new(o, "dropped", json_string(t));
	json_array_append_new(m->json, o);
	if (d->target != NULL)
		buf_printf(&m->text, "Dropped for export %s by %s (%s)\n",
		    d->target, d->rule, t);
	else
		buf_printf(&m->text, "Dropped by the feed's rules, for every "
		    "export: %s (%s)\n", d->rule, t);
	m->n++;
	return 0;
}

/* The drop marks of article id into m (marks_clear after); 0, or 1
 * after a message. */
static int
marks_get(struct store *st, int64_t id, struct marks *m)
{
	char ebuf[512];

	memset(m, 0, sizeof(*m));
	m->json = json_array();
	if (store_drops_list(st, id, 0, mark_one, m, ebuf, sizeof(ebuf)) !=
	    ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	return 0;
}

static void
marks_clear(struct marks *m)
{
	json_decref(m->json);
	buf_free(&m->text);
}

/* The marks of an article in the last column: "feed: RULE" or
 * "export NAME: RULE", separated by "; ". */
static void
list_marks(const struct marks *mk)
{
	size_t i;
	json_t *o;
	const char *t;

	putchar('\t');
	for (i = 0; i < json_array_size(mk->json); i++) {
		o = json_array_get(mk->json, i);
		t = json_string_value(json_object_get(o, "target"));
		if (i > 0)
			fputs("; ", stdout);
		if (t != NULL) {
			fputs("export ", stdout);
			term_put(t, 1, stdout);
		} else
			fputs("feed", stdout);
		fputs(": ", stdout);
		term_put(json_string_value(json_object_get(o, "rule")), 1,
		    stdout);
	}
}

/* One line per article: id, date, feed, title as plain text. */
static int
list_one(void *ctx, const struct article *a, const struct store_article_meta *m)
{
	struct lister *l = ctx;
	char when[40] = "-";
	char *feed, *title;

	struct marks mk;

	if (l->dropped && marks_get(l->st, m->id, &mk) != 0)
		return 1;
	if (l->json) {
		json_t *o = record_json(a, m);

		if (l->dropped)
			json_object_set(o, "dropped", mk.json);
		if (l->count > 0)
			fputc(',', stdout);
		json_dumpf(o, stdout, JSON_COMPACT);
		fputc('\n', stdout);
		json_decref(o);
	} else {
		if (a->has_published)
			date_strftime_local(&a->published, "%Y-%m-%d %H:%M",
			    when, sizeof(when));
		if (m->feed_name != NULL)
			feed = xstrdup(m->feed_name);
		else if (m->feed_title != NULL)
			feed = article_text_title(m->feed_title);
		else
			feed = xstrdup(m->feed_url ? m->feed_url : "");
		title = article_text_title(a->title ? a->title : "");
		printf("%lld\t%s\t", (long long)m->id, when);
		term_put(feed, 1, stdout);
		putchar('\t');
		term_put(title, 1, stdout);
		if (l->dropped)
			list_marks(&mk);
		putchar('\n');
		free(feed);
		free(title);
	}
	if (l->dropped)
		marks_clear(&mk);
	l->count++;
	return 0;
}

/* The articles --dropped lists: each once, newest first. */
struct dropped {
	int64_t	*ids;
	size_t	 n;
	int64_t	 feed_id;
};

static int
dropped_one(void *ctx, const struct store_drop *d)
{
	struct dropped *dl = ctx;

	if (dl->feed_id != 0 && d->feed_id != dl->feed_id)
		return 0;
	if (dl->n > 0 && dl->ids[dl->n - 1] == d->article_id)
		return 0;
	dl->ids = xreallocarray(dl->ids, dl->n + 1, sizeof(*dl->ids));
	dl->ids[dl->n++] = d->article_id;
	return 0;
}

static int
list_dropped(struct store *st, const struct store_filter *f,
    struct lister *l, char *ebuf, size_t n)
{
	struct dropped dl = { NULL, 0, f->feed_id };
	struct store_article_meta m;
	struct article *a;
	size_t i;
	int rc;

	rc = store_drops_list(st, 0, f->since, dropped_one, &dl, ebuf, n);
	for (i = 0; rc == ERR_OK && i < dl.n &&
	    (f->limit == 0 || l->count < f->limit); i++) {
		if ((rc = store_article_get(st, dl.ids[i], &a, &m, ebuf,
		    n)) == ERR_NOTFOUND) {
			rc = ERR_OK;
			continue;
		}
		if (rc == ERR_OK && list_one(l, a, &m) != 0)
			rc = err_set(ebuf, n, ERR_DB, "drop marks");
		article_free(a);
		store_article_meta_clear(&m);
	}
	free(dl.ids);
	return rc;
}

int
cmd_articles(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "feed", required_argument, NULL, 'f' },
		{ "since", required_argument, NULL, 's' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ "dropped", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_filter f;
	struct lister l = { 0, 0, NULL, 0 };
	struct store *st;
	const char *db = NULL, *feed = NULL;
	char ebuf[512];
	int ch, rc;

	memset(&f, 0, sizeof(f));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			feed = optarg;
			break;
		case 's':
			if (cmd_parse_since(optarg, &f.since) != 0) {
				fprintf(stderr, "tidings: --since: not a date "
				    "or an age like 2h or 7d: %s\n", optarg);
				return 2;
			}
			break;
		case 'l':
			if (parse_limit(optarg, &f.limit) != 0)
				return 2;
			break;
		case 'j':
			l.json = 1;
			break;
		case 'D':
			l.dropped = 1;
			break;
		default:
			return cmd_usage("articles");
		}
	}
	if (optind != argc)
		return cmd_usage("articles");
	if (cmd_open_db(db, STORE_RDONLY, &st) != 0)
		return 1;
	if (feed != NULL && store_feed_find(st, feed, &f.feed_id, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		store_close(st);
		return 1;
	}
	if (l.json)
		fputs("[", stdout);
	l.st = st;
	if (l.dropped)
		rc = list_dropped(st, &f, &l, ebuf, sizeof(ebuf));
	else
		rc = store_articles_list(st, &f, list_one, &l, ebuf,
		    sizeof(ebuf));
	if (l.json)
		fputs("]\n", stdout);
	store_close(st);
	if (rc != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Resolves what a user typed for an article (its store number, id, guid
 * or link) to one store number; names the candidates when it is
 * ambiguous.  0, or 1 after a message. */
static int
find_one(struct store *st, const char *cmd, const char *ref, int64_t *id)
{
	struct store_ref *m;
	char ebuf[512];
	size_t i, k;

	if (store_article_find(st, ref, 10, &m, &k, ebuf, sizeof(ebuf)) != 0) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	if (k == 1)
		*id = m[0].id;
	else if (k == 0)
		fprintf(stderr, "tidings: %s: no article has the number, id, "
		    "guid or link %s\n", cmd, ref);
	else {
		fprintf(stderr, "tidings: %s: %s names %s%zu articles; give "
		    "one number:\n", cmd, ref, k == 10 ? "at least " : "", k);
		for (i = 0; i < k; i++)
			fprintf(stderr, "  %lld\t%s\t%s\n", (long long)m[i].id,
			    m[i].feed, m[i].title ? m[i].title : "");
	}
	store_refs_free(m, k);
	return k == 1 ? 0 : 1;
}

int
cmd_show(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "text", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct store_article_meta m;
	struct marks mk;
	struct article *a;
	struct store *st;
	const char *db = NULL;
	char ebuf[512];
	int64_t id = 0;
	int ch, json = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 't':
			json = 0;
			break;
		default:
			return cmd_usage("show");
		}
	}
	if (argc - optind != 1)
		return cmd_usage("show");
	if (cmd_open_db(db, STORE_RDONLY, &st) != 0)
		return 1;
	if (find_one(st, "show", argv[optind], &id) != 0) {
		store_close(st);
		return 1;
	}
	rc = store_article_get(st, id, &a, &m, ebuf, sizeof(ebuf));
	if (rc != ERR_OK) {
		store_close(st);
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	if (marks_get(st, id, &mk) != 0) {
		store_close(st);
		marks_clear(&mk);
		article_free(a);
		store_article_meta_clear(&m);
		return 1;
	}
	store_close(st);
	if (json) {
		json_t *o = record_json(a, &m);

		if (mk.n > 0)
			json_object_set(o, "dropped", mk.json);

		json_dumpf(o, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		json_decref(o);
	} else {
		struct buf b = { 0 };

		article_text_render(a, m.feed_title, &b);
		term_put(buf_str(&b), 0, stdout);
		buf_free(&b);
		if (mk.n > 0) {
			fputc('\n', stdout);
			term_put(buf_str(&mk.text), 0, stdout);
		}
	}
	marks_clear(&mk);
	article_free(a);
	store_article_meta_clear(&m);
	return fflush(stdout) == 0 ? 0 : 1;
}

int
cmd_search(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct lister l = { 0, 0, NULL, 0 };
	struct store *st;
	struct buf q = { 0 };
	const char *db = NULL;
	char ebuf[512];
	long limit = 50;
	int ch, i, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			if (parse_limit(optarg, &limit) != 0)
				return 2;
			break;
		case 'j':
			l.json = 1;
			break;
		default:
			return cmd_usage("search");
		}
	}
	if (optind >= argc)
		return cmd_usage("search");
	for (i = optind; i < argc; i++) {
		if (q.len)
			buf_putc(&q, ' ');
		buf_puts(&q, argv[i]);
	}
	if (cmd_open_db(db, STORE_RDONLY, &st) != 0) {
		buf_free(&q);
		return 1;
	}
	if (l.json)
		fputs("[", stdout);
	rc = store_search(st, buf_str(&q), limit, list_one, &l, ebuf,
	    sizeof(ebuf));
	if (l.json)
		fputs("]\n", stdout);
	store_close(st);
	buf_free(&q);
	if (rc != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
