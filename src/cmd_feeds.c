/*
 * tidings feeds: the stored state of every feed.
 */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "article_json.h"
#include "cmd.h"
#include "conf.h"
#include "cycle.h"
#include "date.h"
#include "err.h"
#include "feedlist.h"
#include "store.h"
#include "xmalloc.h"

struct feeds_out {
	int	 json;
	json_t	*arr;
	const struct conf *c;
	const struct feedlist *fl;	/* the configured feeds; may be empty */
	struct store *st;
};

/* The configured feed a stored one is: by its name (an unnamed feed is
 * stored under its configured URL as name), else its URL. */
static const struct feedlist_feed *
configured(const struct feeds_out *o, const struct store_feed *f)
{
	const struct feedlist_feed *fc = NULL;

	if (f->name != NULL)
		fc = feedlist_find(o->fl, f->name);
	if (fc == NULL)
		fc = feedlist_find(o->fl, f->url);
	return fc;
}

/* The network options of fc, as `feeds --json` shows them: never a
 * secret (a secret header's value is "<hidden>"; cookie_file is a path,
 * its cookies are not read here). */
static void
json_network(json_t *j, const struct conf *c, const struct feedlist_feed *fc)
{
	json_t *hs = json_array();
	const char *proxy = fc != NULL && fc->proxy != NULL ? fc->proxy :
	    c->fetch.proxy;
	char *h;
	size_t i;

	json_object_set_new(j, "proxy", article_json_str(proxy));
	for (i = 0; fc != NULL && i < fc->nheaders; i++) {
		if (feedlist_header_secret(fc->headers[i])) {
			h = xasprintf("%.*s: <hidden>",
			    (int)strcspn(fc->headers[i], ":"), fc->headers[i]);
			json_array_append_new(hs, json_string(h));
			free(h);
		} else
			json_array_append_new(hs, json_string(fc->headers[i]));
	}
	json_object_set_new(j, "headers", hs);
	json_object_set_new(j, "cookie_file",
	    article_json_str(fc != NULL ? fc->cookie_file : NULL));
	json_object_set_new(j, "ca_file",
	    article_json_str(fc != NULL ? fc->ca_file : NULL));
	json_object_set_new(j, "http_version", fc == NULL ||
	    fc->http_version == 0 ? json_null() :
	    json_string(fc->http_version == 2 ? "2" : "1.1"));
}

static const char *
feed_status(const struct store_feed *f)
{
	if (f->retired)
		return "retired";
	if (f->last_check == 0)
		return "new";
	if (f->consecutive_failures > 0)
		return "failing";
	return "ok";
}

/* The interval of the last check, and why: for a learned one (auto),
 * what sched_learn said then, from the articles stored by then (why
 * gets "auto: ..."); else the configured one (why empty).  0 when the
 * feed is not in the lists. */
static int
interval_of(const struct feeds_out *o, const struct store_feed *f,
    const struct feedlist_feed *fc, char *why, size_t n)
{
	struct sched_learned le;
	char ebuf[256];

	why[0] = '\0';
	if (fc == NULL)
		return 0;
	if (!cycle_interval_auto(o->c, fc))
		return fc->interval > 0 ? fc->interval : o->c->interval;
	if (cycle_learn(o->st, o->c, fc, f->id, f->last_check > 0 ?
	    (time_t)f->last_check : time(NULL), &le, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		snprintf(why, n, "auto: %s", ebuf);
		return 0;
	}
	sched_learn_describe(&le, why, n);
	return le.interval;
}

static int
feeds_one(void *ctx, const struct store_feed *f)
{
	struct feeds_out *o = ctx;
	const struct feedlist_feed *fc = configured(o, f);
	char last[64] = "-", next[64] = "-", why[300];
	int interval = interval_of(o, f, fc, why, sizeof(why));
	json_t *j;

	if (o->json) {
		j = json_object();
		json_object_set_new(j, "id", json_integer(f->id));
		json_object_set_new(j, "name", article_json_str(f->name));
		json_object_set_new(j, "url", article_json_str(f->url));
		json_object_set_new(j, "title", article_json_str(f->title));
		json_object_set_new(j, "status", json_string(feed_status(f)));
		json_object_set_new(j, "http_status",
		    json_integer(f->http_status));
		json_object_set_new(j, "last_check", cmd_json_time(f->last_check));
		json_object_set_new(j, "last_success", cmd_json_time(f->last_success));
		json_object_set_new(j, "next_check", cmd_json_time(f->next_check));
		json_object_set_new(j, "error_class", article_json_str(f->error_class));
		json_object_set_new(j, "last_error", article_json_str(f->last_error));
		json_object_set_new(j, "failures",
		    json_integer(f->consecutive_failures));
		json_object_set_new(j, "total_failures",
		    json_integer(f->total_failures));
		json_object_set_new(j, "etag", article_json_str(f->etag));
		json_object_set_new(j, "last_modified", article_json_str(f->last_modified));
		json_object_set_new(j, "moved_to", article_json_str(f->moved_to));
		json_object_set_new(j, "articles", json_integer(f->narticles));
		json_object_set_new(j, "interval", interval > 0 ?
		    json_integer(interval) : json_null());
		json_object_set_new(j, "interval_why", why[0] != '\0' ?
		    json_string(why) : json_null());
		json_network(j, o->c, fc);
		json_array_append_new(o->arr, j);
		return 0;
	}
	if (f->last_check > 0)
		date_format_utc(f->last_check, last, sizeof(last));
	if (f->next_check > 0 && !f->retired)
		date_format_utc(f->next_check, next, sizeof(next));
	printf("%-24s %-8s %3d  last %-20s next %-20s failures %d  articles "
	    "%lld%s%s%s%s\n", f->name ? f->name : f->url, feed_status(f),
	    f->http_status, last, next, f->consecutive_failures,
	    (long long)f->narticles, why[0] != '\0' ? "  interval " : "", why,
	    f->last_error ? "  " : "", f->last_error ? f->last_error : "");
	return 0;
}

int
cmd_feeds(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct conf c;
	struct conf_diag d = { 0 };
	struct feedlist fl = { 0 };
	struct feeds_out o = { 0, NULL, &c, &fl, NULL };
	struct store *st = NULL;
	const char *conf_path = NULL, *db = NULL;
	char ebuf[512];
	int ch, rv = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'd': db = optarg; break;
		case 'j': o.json = 1; break;
		default: return cmd_usage("feeds");
		}
	}
	if (optind != argc)
		return cmd_usage("feeds");
	/* Only the database path is needed: --db makes the file optional. */
	if (conf_load(&c, db != NULL ? NULL : conf_path, &d) != ERR_OK &&
	    db == NULL) {
		cmd_print_diag(&d);
		goto done;
	}
	/* The feed lists say what is configured (network options, learned
	 * intervals); a list with errors shows what it could read. */
	if (c.path != NULL)
		(void)feedlist_load(&fl, &c, NULL, &d);
	if (store_open(db != NULL ? db : c.db_path, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto done;
	}
	o.st = st;
	if (o.json)
		o.arr = json_array();
	if (store_feeds_list(st, feeds_one, &o, ebuf, sizeof(ebuf)) !=
	    ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto done;
	}
	if (o.json) {
		json_dumpf(o.arr, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
	}
	rv = 0;
done:
	json_decref(o.arr);
	store_close(st);
	feedlist_free(&fl);
	conf_diag_free(&d);
	conf_free(&c);
	return rv;
}
