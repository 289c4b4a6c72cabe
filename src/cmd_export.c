/*
 * tidings export: delivers stored articles to a target again.
 */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "article.h"
#include "cmd.h"
#include "conf.h"
#include "date.h"
#include "err.h"
#include "export.h"
#include "feedlist.h"
#include "filter.h"
#include "outbox.h"
#include "store.h"
#include "xmalloc.h"

/* A drop mark to write (rule) or take away (rule NULL) once the walk of
 * the events is over. */
struct remark {
	int64_t			 article_id;
	int			 feed;	/* the feed's mark, else the target's */
	char			*rule;
};

struct reexport {
	struct cmd_env		*v;
	struct export_target	*t;
	long			 done, skipped, failed, dropped;
	char			 msg[512];
	struct remark		*marks;
	size_t			 nmarks;
	int64_t			*orphans;	/* feed-dropped, no event */
	int64_t			*orphan_feeds;
	size_t			 norphans;
};

static void
remark(struct reexport *r, int64_t id, int feed, const char *rule)
{
	r->marks = xreallocarray(r->marks, r->nmarks + 1, sizeof(*r->marks));
	r->marks[r->nmarks].article_id = id;
	r->marks[r->nmarks].feed = feed;
	r->marks[r->nmarks++].rule = rule != NULL ? xstrdup(rule) : NULL;
}

/*
 * The current rules, the feed's then the target's, over the article of
 * an item the target wants: 1 when they drop it (marked so), 0 when it
 * passes.  A mark of rules that now let it through is taken away.
 */
static int
reapply(struct reexport *r, const struct export_item *it, int64_t id)
{
	const struct feedlist_feed *fc = NULL;
	char why[512];

	if (it->feed_url != NULL)
		fc = feedlist_find(&r->v->fl, it->feed_url);
	if (fc == NULL && it->feed_name != NULL)
		fc = feedlist_find(&r->v->fl, it->feed_name);
	if (fc != NULL && filter_drops(fc->filter, it->article, why,
	    sizeof(why))) {
		remark(r, id, 1, why);
		return 1;
	}
	remark(r, id, 1, NULL);
	if (filter_drops(r->t->filter, it->article, why, sizeof(why))) {
		remark(r, id, 0, why);
		return 1;
	}
	remark(r, id, 0, NULL);
	return 0;
}

static int
reexport_one(void *ctx, const struct store_event *e)
{
	struct reexport *r = ctx;
	struct export_item it;
	struct outbox_scratch sc;
	struct article *a;
	enum export_status es;
	char ebuf[512];

	if (outbox_item_load(r->v->st, e, feedlist_tags, &r->v->fl, &it, &a, &sc, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		r->failed++;
	} else if (!export_target_wants(r->t, &it))
		r->skipped++;
	else if (reapply(r, &it, e->article_id))
		r->dropped++;
	else if ((es = export_deliver(r->t, &it, ebuf, sizeof(ebuf))) ==
	    EXPORT_OK)
		r->done++;
	else {
		r->failed++;
		snprintf(r->msg, sizeof(r->msg), "%s", ebuf);
		/* a target that is down stays down for the rest */
		if (es != EXPORT_ECOLLISION && es != EXPORT_EINVAL) {
			article_free(a);
			outbox_item_clear(&sc);
			return 1;
		}
	}
	article_free(a);
	outbox_item_clear(&sc);
	return 0;
}

/* Notes the articles the feed's rules dropped that have no event. */
static int
orphan_one(void *ctx, const struct store_drop *d)
{
	struct reexport *r = ctx;

	if (d->target != NULL || d->has_events)
		return 0;
	r->orphans = xreallocarray(r->orphans, r->norphans + 1,
	    sizeof(*r->orphans));
	r->orphan_feeds = xreallocarray(r->orphan_feeds, r->norphans + 1,
	    sizeof(*r->orphan_feeds));
	r->orphans[r->norphans] = d->article_id;
	r->orphan_feeds[r->norphans++] = d->feed_id;
	return 0;
}

/*
 * An article the feed's rules dropped when it was stored (it has no
 * event): still dropped, its mark is renewed; let through now, it gets
 * its event (which the outbox delivers to the other targets), loses the
 * mark and goes to this target, whose delivery marks the event done.
 * Returns 1 when the target is down (stop), else 0.
 */
static int
orphan_export(struct reexport *r, int64_t id, int64_t feed_id)
{
	const struct feedlist_feed *fc;
	struct store_article_meta m;
	struct export_item it;
	struct outbox_scratch sc;
	struct store_event e;
	struct article *a;
	enum export_status es;
	char ebuf[512], why[512];
	int64_t now = (int64_t)time(NULL);
	int rc, stop = 0;

	if ((rc = store_article_get(r->v->st, id, &a, &m, ebuf,
	    sizeof(ebuf))) != ERR_OK) {
		if (rc != ERR_NOTFOUND) {
			fprintf(stderr, "tidings: %s\n", ebuf);
			r->failed++;
		}
		return 0;
	}
	fc = feedlist_find(&r->v->fl, m.feed_url);
	if (fc == NULL && m.feed_name != NULL)
		fc = feedlist_find(&r->v->fl, m.feed_name);
	memset(&e, 0, sizeof(e));
	e.article_id = id;
	e.feed_id = feed_id;
	e.kind = STORE_EV_NEW;
	e.revision = m.revision;
	if (fc != NULL && filter_drops(fc->filter, a, why, sizeof(why)))
		rc = store_drop_mark(r->v->st, id, NULL, why, now, ebuf,
		    sizeof(ebuf));
	else if ((rc = store_article_event(r->v->st, id, now, &e.seq, ebuf,
	    sizeof(ebuf))) == ERR_OK)
		rc = store_drop_mark(r->v->st, id, NULL, NULL, now, ebuf,
		    sizeof(ebuf));
	article_free(a);
	store_article_meta_clear(&m);
	if (rc != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		r->failed++;
		return 0;
	}
	if (e.seq == 0) {
		r->dropped++;
		return 0;
	}
	if (outbox_item_load(r->v->st, &e, feedlist_tags, &r->v->fl, &it, &a,
	    &sc, ebuf, sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		r->failed++;
		article_free(a);
		outbox_item_clear(&sc);
		return 0;
	}
	rc = ERR_OK;
	if (!export_target_wants(r->t, &it))
		r->skipped++;
	else if (filter_drops(r->t->filter, a, why, sizeof(why))) {
		r->dropped++;
		rc = store_drop_mark(r->v->st, id, r->t->s.name, why, now, ebuf,
		    sizeof(ebuf));
	} else if ((es = export_deliver(r->t, &it, ebuf, sizeof(ebuf))) ==
	    EXPORT_OK) {
		r->done++;
		/* one directory fsync before the event is marked done */
		if ((es = export_target_sync(r->t, ebuf, sizeof(ebuf))) !=
		    EXPORT_OK) {
			r->failed++;
			snprintf(r->msg, sizeof(r->msg), "%s", ebuf);
			e.seq = 0;
			stop = 1;
		}
	} else {
		r->failed++;
		snprintf(r->msg, sizeof(r->msg), "%s", ebuf);
		e.seq = 0;	/* pending for the outbox */
		stop = es != EXPORT_ECOLLISION && es != EXPORT_EINVAL;
	}
	if (rc == ERR_OK && e.seq != 0)
		rc = store_event_done(r->v->st, r->t->s.name, e.seq, now, ebuf,
		    sizeof(ebuf));
	if (rc != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		r->failed++;
	}
	article_free(a);
	outbox_item_clear(&sc);
	return stop;
}

/* Writes the marks noted during the walks; 0, or 1 after a message. */
static int
write_marks(struct reexport *r)
{
	char ebuf[512];
	size_t i;
	int rc = ERR_OK;

	for (i = 0; i < r->nmarks; i++) {
		if (rc == ERR_OK)
			rc = store_drop_mark(r->v->st, r->marks[i].article_id,
			    r->marks[i].feed ? NULL : r->t->s.name,
			    r->marks[i].rule, (int64_t)time(NULL), ebuf,
			    sizeof(ebuf));
		free(r->marks[i].rule);
	}
	free(r->marks);
	r->marks = NULL;
	r->nmarks = 0;
	if (rc != ERR_OK)
		fprintf(stderr, "tidings: %s\n", ebuf);
	return rc != ERR_OK;
}

/*
 * Writes the stored articles of a target again, e.g. after a consumer
 * lost them.  Each is rendered from its outbox event exactly as the first
 * time, so a file still present is found identical and left alone.  The
 * outbox itself is not touched.
 *
 * The current keep= and drop= rules (the feed's, then the target's) are
 * applied again on the way: an article they drop is marked and not
 * written; one they let through loses its marks and is written.  One the
 * feed's rules had dropped (it has no event) gets its event then
 * (orphan_export).
 */
int
cmd_export(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "target", required_argument, NULL, 't' },
		{ "since", required_argument, NULL, 's' },
		{ "feed", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL, *db = NULL, *target = NULL;
	const char *feed = NULL;
	struct cmd_env v;
	struct reexport r = { 0 };
	int64_t since = 0, feed_id = 0;
	char ebuf[512];
	size_t i;
	int ch, rc, rv = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'd': db = optarg; break;
		case 't': target = optarg; break;
		case 'F': feed = optarg; break;
		case 's':
			if (cmd_parse_since(optarg, &since) != 0) {
				fprintf(stderr, "tidings: --since: not a date "
				    "or an age: %s\n", optarg);
				return 2;
			}
			break;
		default:
			return cmd_usage("export");
		}
	}
	if (optind != argc || target == NULL)
		return cmd_usage("export");
	/* writable: the rules' marks */
	if (cmd_env_open(&v, conf_path, db, 0) != 0)
		goto out;
	r.v = &v;
	if ((r.t = outbox_find(v.ob, target)) == NULL) {
		/* a command-line target of `run --export`, by its spec */
		if (strchr(target, ':') == NULL ||
		    outbox_add_spec(v.ob, target, ebuf, sizeof(ebuf)) !=
		    ERR_OK || outbox_count(v.ob) == 0) {
			fprintf(stderr, "tidings: export: no target \"%s\" "
			    "(an [export NAME] section, or FORMAT:DIR)\n",
			    target);
			goto out;
		}
		r.t = outbox_target(v.ob, outbox_count(v.ob) - 1);
	}
	r.t->replay = 1;	/* no "articles stay pending": see export.h */
	if (feed != NULL && store_feed_find(v.st, feed, &feed_id, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: export: no stored feed \"%s\"\n",
		    feed);
		goto out;
	}
	rc = store_events_list(v.st, since, feed_id, reexport_one, &r, ebuf,
	    sizeof(ebuf));
	if (rc == ERR_OK)
		rc = store_drops_list(v.st, 0, since, orphan_one, &r, ebuf,
		    sizeof(ebuf));
	if (rc != ERR_OK && rc != 1) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto out;
	}
	if (write_marks(&r) != 0)
		goto out;
	for (i = 0; rc == ERR_OK && i < r.norphans; i++)
		if (feed_id == 0 || r.orphan_feeds[i] == feed_id)
			rc = orphan_export(&r, r.orphans[i], r.orphan_feeds[i]);
	if (r.done > 0 && export_target_sync(r.t, ebuf, sizeof(ebuf)) !=
	    EXPORT_OK) {
		fprintf(stderr, "tidings: export %s: %s\n", r.t->s.name, ebuf);
		goto out;
	}
	printf("%s: %ld exported, %ld filtered out, %ld failed, %ld dropped "
	    "by rules\n", r.t->s.name, r.done, r.skipped, r.failed,
	    r.dropped);
	if (r.failed > 0 && r.msg[0] != '\0')
		fprintf(stderr, "tidings: export %s: %s\n", r.t->s.name, r.msg);
	rv = r.failed > 0;
out:
	for (i = 0; i < r.nmarks; i++)
		free(r.marks[i].rule);
	free(r.marks);
	free(r.orphans);
	free(r.orphan_feeds);
	cmd_env_close(&v);
	return rv;
}
