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
#include "outbox.h"
#include "store.h"
#include "xmalloc.h"

struct reexport {
	struct cmd_env		*v;
	struct export_target	*t;
	long			 done, skipped, failed;
	char			 msg[512];
};

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

/*
 * Writes the stored articles of a target again, e.g. after a consumer
 * lost them.  Each is rendered from its outbox event exactly as the first
 * time, so a file still present is found identical and left alone.  The
 * outbox itself is not touched.
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
	struct reexport r;
	int64_t since = 0, feed_id = 0;
	char ebuf[512];
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
	if (cmd_env_open(&v, conf_path, db, STORE_RDONLY) != 0)
		goto out;
	memset(&r, 0, sizeof(r));
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
	if (rc != ERR_OK && rc != 1) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto out;
	}
	if (r.done > 0 && export_target_sync(r.t, ebuf, sizeof(ebuf)) !=
	    EXPORT_OK) {
		fprintf(stderr, "tidings: export %s: %s\n", r.t->s.name, ebuf);
		goto out;
	}
	printf("%s: %ld exported, %ld filtered out, %ld failed\n",
	    r.t->s.name, r.done, r.skipped, r.failed);
	if (r.failed > 0 && r.msg[0] != '\0')
		fprintf(stderr, "tidings: export %s: %s\n", r.t->s.name, r.msg);
	rv = r.failed > 0;
out:
	cmd_env_close(&v);
	return rv;
}
