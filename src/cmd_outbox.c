/*
 * tidings outbox: what the export targets have not delivered yet.
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

struct names {
	char	**v;
	size_t	  n;
};

static void
names_add(struct names *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(s);
}

struct tinfo {
	const char	*name;
	char		*error;
	int64_t		 error_time;
	int		 known;
};

static int
target_seen(void *ctx, const struct store_target *t)
{
	struct tinfo *ti = ctx;

	if (strcmp(t->name, ti->name) == 0) {
		ti->known = 1;
		free(ti->error);
		ti->error = xstrdup(t->last_error);
		ti->error_time = t->last_error_time;
	}
	return 0;
}

static int
collect_name(void *ctx, const struct store_target *t)
{
	names_add(ctx, t->name);
	return 0;
}

struct shower {
	struct cmd_env	*v;
	long		 shown, limit;
};

static int
show_event(void *ctx, const struct store_event *e)
{
	struct shower *s = ctx;
	struct export_item it;
	struct outbox_scratch sc;
	struct article *a;
	char ebuf[512], when[64];

	if (s->shown++ >= s->limit)
		return 1;
	date_format_utc(e->created, when, sizeof(when));
	if (outbox_item_load(s->v->st, e, feedlist_tags, &s->v->fl, &it, &a, &sc, ebuf,
	    sizeof(ebuf)) != ERR_OK)
		printf("  %lld %s %s article %lld: %s\n", (long long)e->seq,
		    store_event_kind_name(e->kind), when,
		    (long long)e->article_id, ebuf);
	else
		printf("  %lld %s %s %s: %s\n", (long long)e->seq,
		    store_event_kind_name(e->kind), when,
		    it.feed_title ? it.feed_title : it.feed_url,
		    a->title ? a->title : "(untitled)");
	/* what the target could not do with it */
	if (e->fails > 0 && e->aside_until != 0) {
		date_format_utc(e->aside_until, when, sizeof(when));
		printf("    set aside after %d failed attempt%s, tried again "
		    "from %s: %s\n", e->fails, e->fails == 1 ? "" : "s", when,
		    e->fail_reason ? e->fail_reason : "");
	} else if (e->fails > 0)
		printf("    %d failed attempt%s: %s\n", e->fails,
		    e->fails == 1 ? "" : "s",
		    e->fail_reason ? e->fail_reason : "");
	article_free(a);
	outbox_item_clear(&sc);
	return 0;
}

/* What waits for each target (configured or seen in the database), and
 * the last error an exporter recorded for it. */
int
cmd_outbox(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 },
	};
	const char *conf_path = NULL, *db = NULL;
	struct names l = { 0 };
	struct cmd_env v;
	struct tinfo ti;
	struct shower sh;
	char ebuf[512], when[64], *end;
	long pending, limit = 10;
	size_t i;
	int ch, rv = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'd': db = optarg; break;
		case 'l':
			limit = strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || limit < 0)
				return cmd_usage("outbox");
			break;
		default:
			return cmd_usage("outbox");
		}
	}
	if (optind != argc)
		return cmd_usage("outbox");
	if (cmd_env_open(&v, conf_path, db, STORE_RDONLY) != 0)
		goto out;
	for (i = 0; i < outbox_count(v.ob); i++)
		names_add(&l, outbox_target(v.ob, i)->s.name);
	if (store_targets_list(v.st, collect_name, &l, ebuf, sizeof(ebuf)) !=
	    ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto out;
	}
	if (l.n == 0)
		printf("no export targets (configure [export NAME] or use "
		    "run --export FORMAT:DIR)\n");
	for (i = 0; i < l.n; i++) {
		memset(&ti, 0, sizeof(ti));
		ti.name = l.v[i];
		if (store_targets_list(v.st, target_seen, &ti, ebuf,
		    sizeof(ebuf)) != ERR_OK ||
		    outbox_pending(v.st, l.v[i], &pending, ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "tidings: %s\n", ebuf);
			free(ti.error);
			goto out;
		}
		/* FORMAT:DIR targets come from `run --export` */
		printf("%s: %ld pending%s\n", l.v[i], pending,
		    outbox_find(v.ob, l.v[i]) == NULL &&
		    strchr(l.v[i], ':') == NULL ? " (not configured)" : "");
		if (ti.error != NULL) {
			date_format_utc(ti.error_time, when, sizeof(when));
			printf("  last error (%s): %s\n", when, ti.error);
		} else if (pending > 0 && !ti.known)
			printf("  never exported to yet\n");
		free(ti.error);
		sh.v = &v;
		sh.shown = 0;
		sh.limit = limit;
		if (pending > 0 && limit > 0 &&
		    store_events_pending(v.st, l.v[i], 0, limit, show_event,
		    &sh, ebuf, sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "tidings: %s\n", ebuf);
			goto out;
		}
		if (pending > limit && limit > 0)
			printf("  ... and %ld more\n", pending - limit);
	}
	rv = 0;
out:
	xfreev(l.v, l.n);
	cmd_env_close(&v);
	return rv;
}
