/*
 * tidings status: how the daemon is doing, at a glance, from the database
 * alone (it reads only, so it works while the daemon runs, and the same
 * whether the daemon or `tidings run` wrote last): the last cycle, the
 * feeds failing now and why, the retired ones, the export backlog per
 * target and the size of the database.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "backlog.h"
#include "article_json.h"
#include "cmd.h"
#include "conf.h"
#include "date.h"
#include "err.h"
#include "store.h"
#include "xmalloc.h"

struct st_feeds {
	long	 total, ok, failing, retired, unchecked;
	json_t	*failing_j;	/* arrays of objects, also for the text */
	json_t	*retired_j;
};

struct st_names {
	char	**v;
	size_t	  n;
};

static const char *
sget(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static int
feed_one(void *ctx, const struct store_feed *f)
{
	struct st_feeds *sf = ctx;
	json_t *j;

	sf->total++;
	if (!f->retired && f->consecutive_failures == 0) {
		if (f->last_check == 0)
			sf->unchecked++;
		else
			sf->ok++;
		return 0;
	}
	j = json_object();
	json_object_set_new(j, "name", article_json_str(f->name != NULL ? f->name :
	    f->url));
	json_object_set_new(j, "url", article_json_str(f->url));
	json_object_set_new(j, "http_status", json_integer(f->http_status));
	json_object_set_new(j, "error_class", article_json_str(f->error_class));
	json_object_set_new(j, "error", article_json_str(f->last_error));
	json_object_set_new(j, "failures",
	    json_integer(f->consecutive_failures));
	json_object_set_new(j, "last_check", cmd_json_time(f->last_check));
	json_object_set_new(j, "last_success", cmd_json_time(f->last_success));
	if (f->retired) {
		sf->retired++;
		json_array_append_new(sf->retired_j, j);
	} else {
		sf->failing++;
		json_object_set_new(j, "next_check", cmd_json_time(f->next_check));
		json_array_append_new(sf->failing_j, j);
	}
	return 0;
}

static void
name_add(struct st_names *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0)
			return;
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = xstrdup(name);
}

static int
target_one(void *ctx, const struct store_target *t)
{
	name_add(ctx, t->name);
	return 0;
}

struct st_err {
	const char	*name;
	char		*error;
	int64_t		 when;
};

static int
target_error(void *ctx, const struct store_target *t)
{
	struct st_err *e = ctx;

	if (strcmp(t->name, e->name) == 0 && t->last_error != NULL) {
		e->error = xstrdup(t->last_error);
		e->when = t->last_error_time;
	}
	return 0;
}

/* "3m ago" style, for the text output. */
static void
age(int64_t secs, char *b, size_t n)
{
	if (secs < 0)
		secs = 0;
	if (secs < 120)
		snprintf(b, n, "%llds", (long long)secs);
	else if (secs < 7200)
		snprintf(b, n, "%lldm", (long long)secs / 60);
	else if (secs < 2 * 86400)
		snprintf(b, n, "%lldh", (long long)secs / 3600);
	else
		snprintf(b, n, "%lldd", (long long)secs / 86400);
}

/* The daemons on the database (store.h, "nodes"), as JSON: a daemon
 * whose heartbeat is older than its lease is not alive (it died, or
 * cannot reach the database). */
struct st_nodes {
	json_t		*arr;
	int64_t		 now;
};

static int
node_one(void *ctx, const struct store_node *nd)
{
	struct st_nodes *sn = ctx;
	json_t *j = json_object();
	int64_t lease = nd->lease > 0 ? nd->lease : 300;

	json_object_set_new(j, "node", json_string(nd->node));
	json_object_set_new(j, "pid", json_integer(nd->pid));
	json_object_set_new(j, "version", article_json_str(nd->version));
	json_object_set_new(j, "started", cmd_json_time(nd->started));
	json_object_set_new(j, "heartbeat", cmd_json_time(nd->heartbeat));
	json_object_set_new(j, "heartbeat_age_seconds",
	    json_integer(sn->now - nd->heartbeat));
	json_object_set_new(j, "claims", json_integer(nd->claims));
	json_object_set_new(j, "lease_seconds", json_integer(nd->lease));
	json_object_set_new(j, "alive",
	    json_boolean(sn->now - nd->heartbeat <= lease));
	json_array_append_new(sn->arr, j);
	return 0;
}

static json_t *
cycle_json(const struct store_cycle *c, int64_t now)
{
	json_t *j = json_object();

	json_object_set_new(j, "source", json_string(c->source));
	json_object_set_new(j, "started", cmd_json_time(c->started));
	json_object_set_new(j, "finished", cmd_json_time(c->finished));
	json_object_set_new(j, "age_seconds", json_integer(now - c->finished));
	json_object_set_new(j, "duration_seconds",
	    json_real(c->duration_ms / 1000.0));
	json_object_set_new(j, "checked", json_integer(c->checked));
	json_object_set_new(j, "not_modified", json_integer(c->not_modified));
	json_object_set_new(j, "new", json_integer(c->added));
	json_object_set_new(j, "updated", json_integer(c->updated));
	json_object_set_new(j, "duplicate", json_integer(c->duplicate));
	json_object_set_new(j, "failed", json_integer(c->failed));
	json_object_set_new(j, "exported", json_integer(c->exported));
	json_object_set_new(j, "bytes", json_integer(c->bytes));
	return j;
}

static void
print_feeds(const char *title, json_t *arr)
{
	size_t i;
	json_t *f;
	long long n;

	if (json_array_size(arr) == 0)
		return;
	printf("%s:\n", title);
	json_array_foreach(arr, i, f) {
		n = json_integer_value(json_object_get(f, "failures"));
		printf("  %s: %s%s%s", sget(f, "name"), sget(f, "error_class"),
		    json_is_string(json_object_get(f, "error")) ? ": " : "",
		    sget(f, "error"));
		if (json_is_string(json_object_get(f, "next_check")))
			printf(" (%lld failure(s) in a row; last success %s; "
			    "next try %s)", n,
			    json_is_string(json_object_get(f, "last_success")) ?
			    sget(f, "last_success") : "never",
			    sget(f, "next_check"));
		else
			printf(" (since %s)", sget(f, "last_check"));
		printf("\n");
	}
}

int
cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct conf c;
	struct conf_diag d = { 0 };
	struct store *st = NULL;
	struct store_cycle cy;
	struct st_feeds sf = { 0 };
	struct st_names tl = { 0 };
	struct st_err te;
	const char *conf_path = NULL, *db = NULL;
	char ebuf[512], when[64], ago[32];
	json_t *out = NULL, *j, *targets = NULL;
	struct st_nodes sn = { NULL, 0 };
	char *dbshow = NULL;
	int64_t dbsize;
	long pending;
	int64_t oldest, now = (int64_t)time(NULL);
	size_t i;
	int ch, json = 0, have_cycle, rv = 1;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'd': db = optarg; break;
		case 'j': json = 1; break;
		default: return cmd_usage("status");
		}
	}
	if (optind != argc)
		return cmd_usage("status");
	/* The configuration names the database and the targets; with --db
	 * it is optional (a target configured but never used then shows
	 * only when the file is there). */
	if (conf_load(&c, db != NULL ? NULL : conf_path, &d) != ERR_OK &&
	    db == NULL) {
		for (i = 0; i < d.n; i++)
			fprintf(stderr, "%s\n", d.msgs[i]);
		goto done;
	}
	if (db == NULL)
		db = c.db_path;
	if (store_open(db, STORE_RDONLY, &st, ebuf, sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto done;
	}
	sf.failing_j = json_array();
	sf.retired_j = json_array();
	if (store_feeds_list(st, feed_one, &sf, ebuf, sizeof(ebuf)) != ERR_OK)
		goto dberr;
	switch (store_cycle_last(st, &cy, ebuf, sizeof(ebuf))) {
	case ERR_OK: have_cycle = 1; break;
	case ERR_NOTFOUND: have_cycle = 0; break;
	default: goto dberr;
	}
	for (i = 0; i < c.nexports; i++)
		name_add(&tl, c.exports[i].name);
	if (store_targets_list(st, target_one, &tl, ebuf, sizeof(ebuf)) !=
	    ERR_OK)
		goto dberr;
	targets = json_array();
	for (i = 0; i < tl.n; i++) {
		memset(&te, 0, sizeof(te));
		te.name = tl.v[i];
		if (backlog_get(st, tl.v[i], &pending, &oldest, ebuf,
		    sizeof(ebuf)) != ERR_OK ||
		    store_targets_list(st, target_error, &te, ebuf,
		    sizeof(ebuf)) != ERR_OK) {
			free(te.error);
			goto dberr;
		}
		j = json_object();
		json_object_set_new(j, "target", json_string(tl.v[i]));
		json_object_set_new(j, "pending", json_integer(pending));
		json_object_set_new(j, "oldest_pending", cmd_json_time(oldest));
		json_object_set_new(j, "oldest_pending_age_seconds",
		    oldest > 0 ? json_integer(now - oldest) : json_null());
		json_object_set_new(j, "last_error", article_json_str(te.error));
		json_object_set_new(j, "last_error_time", cmd_json_time(te.when));
		json_array_append_new(targets, j);
		free(te.error);
	}
	if (store_size(st, &dbsize, ebuf, sizeof(ebuf)) != ERR_OK)
		goto dberr;
	sn.arr = json_array();
	sn.now = now;
	if (store_nodes_list(st, node_one, &sn, ebuf, sizeof(ebuf)) != ERR_OK)
		goto dberr;
	dbshow = store_path_display(db);

	if (json) {
		out = json_object();
		j = json_object();
		json_object_set_new(j, "path", json_string(dbshow));
		json_object_set_new(j, "bytes", json_integer(dbsize));
		json_object_set_new(j, "schema",
		    json_integer(store_schema_version(st)));
		json_object_set_new(out, "database", j);
		json_object_set_new(out, "last_cycle", have_cycle ?
		    cycle_json(&cy, now) : json_null());
		j = json_object();
		json_object_set_new(j, "total", json_integer(sf.total));
		json_object_set_new(j, "ok", json_integer(sf.ok));
		json_object_set_new(j, "failing", json_integer(sf.failing));
		json_object_set_new(j, "retired", json_integer(sf.retired));
		json_object_set_new(j, "unchecked",
		    json_integer(sf.unchecked));
		json_object_set_new(out, "feeds", j);
		json_object_set_new(out, "failing", json_incref(sf.failing_j));
		json_object_set_new(out, "retired", json_incref(sf.retired_j));
		json_object_set_new(out, "export", json_incref(targets));
		json_object_set_new(out, "daemons", json_incref(sn.arr));
		json_dumpf(out, stdout, JSON_INDENT(2));
		fputc('\n', stdout);
		rv = 0;
		goto done;
	}
	printf("database: %s, %.1f MiB (schema %d)\n", dbshow,
	    (double)dbsize / (1024.0 * 1024.0), store_schema_version(st));
	json_array_foreach(sn.arr, i, j) {
		if (i == 0)
			printf("daemons:\n");
		age(json_integer_value(json_object_get(j,
		    "heartbeat_age_seconds")), ago, sizeof(ago));
		printf("  %s (pid %lld, %s): started %s, heartbeat %s ago, "
		    "%lld claim(s)%s\n", sget(j, "node"),
		    json_integer_value(json_object_get(j, "pid")),
		    sget(j, "version"), sget(j, "started"), ago,
		    json_integer_value(json_object_get(j, "claims")),
		    json_is_true(json_object_get(j, "alive")) ? "" :
		    " (silent past its lease: stopped or cut off)");
	}
	if (have_cycle) {
		date_format_utc(cy.finished, when, sizeof(when));
		age(now - cy.finished, ago, sizeof(ago));
		printf("last cycle: %s (%s ago, %s): %ld feed(s) checked, %ld "
		    "not modified, %ld new, %ld updated, %ld failed, %ld "
		    "exported, %ld.%01lds\n", when, ago, cy.source, cy.checked,
		    cy.not_modified, cy.added, cy.updated, cy.failed,
		    cy.exported, cy.duration_ms / 1000,
		    cy.duration_ms / 100 % 10);
	} else
		printf("last cycle: none recorded yet\n");
	printf("feeds: %ld (%ld ok, %ld failing, %ld retired, %ld not "
	    "checked yet)\n", sf.total, sf.ok, sf.failing, sf.retired,
	    sf.unchecked);
	print_feeds("failing", sf.failing_j);
	print_feeds("retired (410 Gone; `tidings run --feed NAME` tries one "
	    "again)", sf.retired_j);
	if (json_array_size(targets) == 0)
		printf("export: no targets\n");
	else
		printf("export backlog:\n");
	json_array_foreach(targets, i, j) {
		long long p = json_integer_value(json_object_get(j, "pending"));

		printf("  %s: %lld pending", sget(j, "target"), p);
		if (p > 0) {
			age(json_integer_value(json_object_get(j,
			    "oldest_pending_age_seconds")), ago, sizeof(ago));
			printf(", oldest %s old", ago);
		}
		if (json_is_string(json_object_get(j, "last_error")))
			printf("; last error (%s): %s",
			    sget(j, "last_error_time"), sget(j, "last_error"));
		printf("\n");
	}
	rv = 0;
	goto done;
dberr:
	fprintf(stderr, "tidings: %s\n", ebuf);
done:
	json_decref(out);
	json_decref(targets);
	json_decref(sn.arr);
	free(dbshow);
	json_decref(sf.failing_j);
	json_decref(sf.retired_j);
	for (i = 0; i < tl.n; i++)
		free(tl.v[i]);
	free(tl.v);
	store_close(st);
	conf_diag_free(&d);
	conf_free(&c);
	return rv;
}
