#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cli.h"
#include "conf.h"
#include "cycle.h"
#include "daemon.h"
#include "date.h"
#include "err.h"
#include "feedlist.h"
#include "fetch.h"
#include "log.h"
#include "mono.h"
#include "opml.h"
#include "outbox.h"
#include "store.h"
#include "tally.h"
#include "xmalloc.h"

#define OPML_MAX_FILE	(64u * 1024 * 1024)

int
cmd_daemon(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "feeds", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	struct daemon_opts o;
	int ch;

	memset(&o, 0, sizeof(o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': o.conf_path = optarg; break;
		case 'd': o.db = optarg; break;
		case 'f': o.feeds = optarg; break;
		default: return cli_usage("daemon");
		}
	}
	if (optind != argc)
		return cli_usage("daemon");
	return daemon_run(&o);
}

static void
print_diag(const struct conf_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
}

/* Parses -c FILE and --feeds FILE (the options every config reader takes);
 * returns 0, or the usage status. */
static int
config_opts(const char *cmd, int argc, char **argv, const char **conf,
    const char **feeds, const char **out)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "feeds", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, out ? "c:o:" : "c:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			*conf = optarg;
			break;
		case 'f':
			*feeds = optarg;
			break;
		case 'o':
			if (out == NULL)
				return cli_usage(cmd);
			*out = optarg;
			break;
		default:
			return cli_usage(cmd);
		}
	}
	return 0;
}

/* Loads the configuration and the feed lists; prints every error. */
static int
load_all(const char *conf_path, const char *feeds, struct conf *c,
    struct feedlist *fl)
{
	struct conf_diag d = { 0 };
	int rv;

	rv = conf_load(c, conf_path, &d);
	if (rv != ERR_IO && rv != ERR_LIMIT) {
		if (feedlist_load(fl, c, feeds, &d) != ERR_OK && rv == ERR_OK)
			rv = ERR_INVALID;
	}
	print_diag(&d);
	conf_diag_free(&d);
	return rv;
}

struct run_feed {
	const struct feedlist_feed *fc;
	int64_t		 id;
	char		*auth;
};

static int
run_usage_feed(const struct feedlist *fl, const char *name)
{
	if (feedlist_find(fl, name) != NULL)
		return 1;
	fprintf(stderr, "tidings: run: no feed named \"%s\" in the feed "
	    "list\n", name);
	return 0;
}

/* Says what is left in the outbox of each failing target; returns 1. */
static int
run_export_failed(struct outbox *ob, struct store *st)
{
	struct export_target *t;
	char ebuf[512];
	long left;
	size_t i;

	for (i = 0; i < outbox_count(ob); i++) {
		t = outbox_target(ob, i);
		if (outbox_pending(st, t->name, &left, ebuf, sizeof(ebuf)) !=
		    ERR_OK)
			fprintf(stderr, "tidings: %s\n", ebuf);
		else if (left > 0)
			fprintf(stderr, "tidings: export %s: %ld article(s) "
			    "left in the outbox (see tidings outbox)\n",
			    t->name, left);
	}
	return 1;
}

/*
 * One cycle: every due feed (all with --all, the named ones with --feed)
 * is fetched once, ingested and its state stored; exit status 1 when any
 * of them failed.
 */
int
cmd_run(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "feeds", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "feed", required_argument, NULL, 'F' },
		{ "export", required_argument, NULL, 'e' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	struct conf c;
	struct feedlist fl = { 0 };
	struct fetch_opts fo;
	struct fetch_request req;
	struct fetch_result *r;
	struct fetch *f = NULL;
	struct store *st = NULL;
	struct store_feed sf;
	struct run_feed *rf = NULL;
	struct cycle_outcome out;
	struct tally tl;
	struct store_cycle sc;
	long long start_ms = mono_ms();
	struct outbox *ob = NULL;
	const char *conf_path = NULL, *feeds = NULL, *db = NULL;
	char **only = NULL, **specs = NULL, ebuf[512];
	size_t nonly = 0, nspecs = 0, i, j, nrf = 0, done = 0, nfailed = 0;
	size_t total = 0;
	time_t now;
	int ch, all = 0, quiet = 0, rv = 1, tty;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:q", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'd': db = optarg; break;
		case 'f': feeds = optarg; break;
		case 'a': all = 1; break;
		case 'q': quiet = 1; break;
		case 'F':
			only = xreallocarray(only, nonly + 1, sizeof(*only));
			only[nonly++] = optarg;
			break;
		case 'e':
			specs = xreallocarray(specs, nspecs + 1,
			    sizeof(*specs));
			specs[nspecs++] = optarg;
			break;
		default:
			free(only);
			free(specs);
			return cli_usage("run");
		}
	}
	if (optind != argc) {
		free(only);
		free(specs);
		return cli_usage("run");
	}
	/* --feeds alone needs no configuration file: a missing default one
	 * means the built-in defaults. */
	if (load_all(conf_path, feeds, &c, &fl) != ERR_OK)
		goto done;
	for (i = 0; i < nonly; i++)
		if (!run_usage_feed(&fl, only[i]))
			goto done;
	ob = outbox_new();
	outbox_add_conf(ob, &c);
	for (i = 0; i < nspecs; i++)
		if (outbox_add_spec(ob, specs[i], ebuf, sizeof(ebuf)) !=
		    ERR_OK) {
			fprintf(stderr, "tidings: run: %s\n", ebuf);
			rv = 2;
			goto done;
		}
	/* A directory named on the command line is made (not its parents:
	 * a typo in them should not grow a tree); a configured one must
	 * exist. */
	for (i = c.nexports; i < outbox_count(ob); i++) {
		struct export_target *t = outbox_target(ob, i);

		if (t->dir != NULL && t->format != EXPORT_FMT_EXEC &&
		    mkdir(t->dir, 0755) == -1 && errno != EEXIST)
			fprintf(stderr, "tidings: run: %s: %s\n", t->dir,
			    strerror(errno));
	}
	outbox_set_feeds(ob, &fl);
	if (store_open(db != NULL ? db : c.db_path, 0, &st, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto done;
	}
	cycle_fetch_opts(&c, &fo);
	if ((f = fetch_new(&fo, ebuf, sizeof(ebuf))) == NULL) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto done;
	}
	log_init(c.log_level, -1);

	now = time(NULL);
	memset(&tl, 0, sizeof(tl));
	rf = xcalloc(fl.n ? fl.n : 1, sizeof(*rf));
	for (i = 0; i < fl.n; i++) {
		const struct feedlist_feed *fc = &fl.feeds[i];
		int64_t id;
		int want;

		if (nonly > 0) {
			for (want = 0, j = 0; j < nonly; j++)
				if (feedlist_find(&fl, only[j]) == fc)
					want = 1;
			if (!want)
				continue;
		}
		if (cycle_feed_id(st, fc, &id, ebuf, sizeof(ebuf)) != ERR_OK ||
		    store_feed_get(st, id, &sf, ebuf, sizeof(ebuf)) != ERR_OK) {
			fprintf(stderr, "tidings: %s\n", ebuf);
			goto done;
		}
		want = nonly > 0 || (all ? fc->enabled && !sf.retired :
		    cycle_is_due(&sf, fc, now));
		if (want) {
			rf[nrf].fc = fc;
			rf[nrf].id = id;
			memset(&req, 0, sizeof(req));
			req.url = sf.url;
			req.etag = sf.etag;
			req.last_modified = sf.last_modified;
			req.user_agent = fc->user_agent;
			req.allow_private = cycle_allow_private(&c, fc);
			req.ctx = &rf[nrf];
			if ((rf[nrf].auth = cycle_auth(fc, ebuf,
			    sizeof(ebuf))) == NULL && ebuf[0] != '\0')
				log_warnx("%s: %s", fc->name ? fc->name :
				    fc->url, ebuf);
			req.userpwd = rf[nrf].auth;
			if (fetch_add(f, &req, ebuf, sizeof(ebuf)) != ERR_OK) {
				log_warnx("%s: %s", fc->name ? fc->name :
				    fc->url, ebuf);
				free(rf[nrf].auth);
				rf[nrf].auth = NULL;
			} else
				nrf++;
		}
		store_feed_clear(&sf);
	}
	total = nrf;

	/* what an earlier run left in the outbox goes first */
	outbox_drain(ob, st, time(NULL), 0);
	tty = !quiet && isatty(STDERR_FILENO);
	while (fetch_pending(f) > 0) {
		fetch_poll(f, 1000);
		while ((r = fetch_next(f)) != NULL) {
			struct run_feed *x = r->ctx;
			const char *name = x->fc->name ? x->fc->name :
			    x->fc->url;

			cycle_apply(st, &c, x->fc, x->id, r, time(NULL), &out,
			    ebuf, sizeof(ebuf));
			tally_add(&tl, &out, r->body_len, time(NULL));
			outbox_drain(ob, st, time(NULL), 0);
			done++;
			if (out.failed) {
				nfailed++;
				if (tty)
					fputs("\r\033[K", stderr);
				if (!quiet)
					fprintf(stderr, "tidings: %s: %s\n",
					    name, out.msg);
			}
			if (tty)
				fprintf(stderr, "\r\033[K[%zu/%zu] %s: %s",
				    done, total, name, out.msg);
			fetch_result_free(r);
		}
	}
	if (tty && total > 0)
		fputs("\r\033[K", stderr);
	if (!quiet && total > 0)
		fprintf(stderr, "tidings: %zu feed(s) checked, %zu failed\n",
		    total, nfailed);
	rv = nfailed > 0;
	/* the cycle, for `tidings status` */
	tl.exported = outbox_exported(ob);
	memset(&sc, 0, sizeof(sc));
	tally_to_cycle(&tl, &sc);
	sc.source = "run";
	sc.started = now;
	sc.finished = time(NULL);
	sc.duration_ms = (long)(mono_ms() - start_ms);
	if (store_cycle_put(st, &sc, ebuf, sizeof(ebuf)) != ERR_OK)
		fprintf(stderr, "tidings: %s\n", ebuf);
	/* a failing target, or articles set aside */
	if (outbox_failing(ob) > 0 || outbox_next_retry(ob) != 0)
		rv = run_export_failed(ob, st) || rv;
done:
	fetch_free(f);
	outbox_free(ob);
	free(specs);
	store_close(st);
	for (i = 0; i < nrf; i++)
		free(rf[i].auth);
	free(rf);
	free(only);
	feedlist_free(&fl);
	conf_free(&c);
	return rv;
}

int
cmd_check_config(int argc, char **argv)
{
	struct conf c;
	struct feedlist fl = { 0 };
	const char *conf_path = NULL, *feeds = NULL;
	char ebuf[512], *secret;
	size_t i;
	int rv;

	if ((rv = config_opts("check-config", argc, argv, &conf_path, &feeds,
	    NULL)) != 0)
		return rv;
	if (optind != argc)
		return cli_usage("check-config");
	rv = load_all(conf_path, feeds, &c, &fl) != ERR_OK;
	/* The one check that needs the file system: a secret the daemon
	 * could not read, or would refuse, fails every fetch of that feed. */
	for (i = 0; i < fl.n; i++) {
		if (fl.feeds[i].auth_file == NULL)
			continue;
		if ((secret = cycle_read_auth(fl.feeds[i].auth_file, ebuf,
		    sizeof(ebuf))) == NULL) {
			fprintf(stderr, "%s:%d: %s\n", fl.feeds[i].file,
			    fl.feeds[i].line, ebuf);
			rv = 1;
		}
		free(secret);
	}
	feedlist_free(&fl);
	conf_free(&c);
	return rv;
}

struct feeds_out {
	int	 json;
	json_t	*arr;
};

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

static json_t *
jstr(const char *s)
{
	return s != NULL ? json_string(s) : json_null();
}

static json_t *
jtime(int64_t t)
{
	char b[64];

	if (t <= 0)
		return json_null();
	date_format_utc(t, b, sizeof(b));
	return json_string(b);
}

static int
feeds_one(void *ctx, const struct store_feed *f)
{
	struct feeds_out *o = ctx;
	char last[64] = "-", next[64] = "-";
	json_t *j;

	if (o->json) {
		j = json_object();
		json_object_set_new(j, "id", json_integer(f->id));
		json_object_set_new(j, "name", jstr(f->name));
		json_object_set_new(j, "url", jstr(f->url));
		json_object_set_new(j, "title", jstr(f->title));
		json_object_set_new(j, "status", json_string(feed_status(f)));
		json_object_set_new(j, "http_status",
		    json_integer(f->http_status));
		json_object_set_new(j, "last_check", jtime(f->last_check));
		json_object_set_new(j, "last_success", jtime(f->last_success));
		json_object_set_new(j, "next_check", jtime(f->next_check));
		json_object_set_new(j, "error_class", jstr(f->error_class));
		json_object_set_new(j, "last_error", jstr(f->last_error));
		json_object_set_new(j, "failures",
		    json_integer(f->consecutive_failures));
		json_object_set_new(j, "total_failures",
		    json_integer(f->total_failures));
		json_object_set_new(j, "etag", jstr(f->etag));
		json_object_set_new(j, "last_modified", jstr(f->last_modified));
		json_object_set_new(j, "moved_to", jstr(f->moved_to));
		json_object_set_new(j, "articles", json_integer(f->narticles));
		json_array_append_new(o->arr, j);
		return 0;
	}
	if (f->last_check > 0)
		date_format_utc(f->last_check, last, sizeof(last));
	if (f->next_check > 0 && !f->retired)
		date_format_utc(f->next_check, next, sizeof(next));
	printf("%-24s %-8s %3d  last %-20s next %-20s failures %d  articles "
	    "%lld%s%s\n", f->name ? f->name : f->url, feed_status(f),
	    f->http_status, last, next, f->consecutive_failures,
	    (long long)f->narticles, f->last_error ? "  " : "",
	    f->last_error ? f->last_error : "");
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
	struct feeds_out o = { 0, NULL };
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
		default: return cli_usage("feeds");
		}
	}
	if (optind != argc)
		return cli_usage("feeds");
	/* Only the database path is needed: --db makes the file optional. */
	if (conf_load(&c, db != NULL ? NULL : conf_path, &d) != ERR_OK &&
	    db == NULL) {
		print_diag(&d);
		goto done;
	}
	if (store_open(db != NULL ? db : c.db_path, STORE_RDONLY, &st, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		goto done;
	}
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
	conf_diag_free(&d);
	conf_free(&c);
	return rv;
}

static int
write_out(const char *path, const struct buf *b)
{
	FILE *fp = stdout;

	if (path != NULL && strcmp(path, "-") != 0) {
		fp = fopen(path, "w");
		if (fp == NULL) {
			fprintf(stderr, "tidings: %s: %s\n", path,
			    strerror(errno));
			return 1;
		}
	}
	fwrite(b->data ? b->data : "", 1, b->len, fp);
	if ((fp != stdout ? fclose(fp) : fflush(fp)) == EOF) {
		fprintf(stderr, "tidings: %s: %s\n", path ? path : "stdout",
		    strerror(errno));
		return 1;
	}
	return 0;
}

int
cmd_import_opml(int argc, char **argv)
{
	struct feedlist fl = { 0 };
	struct buf b = { 0 };
	const char *conf_path = NULL, *feeds = NULL, *out = NULL;
	char ebuf[512], *data = NULL;
	size_t len = 0, skipped = 0, i;
	int rv;

	if ((rv = config_opts("import-opml", argc, argv, &conf_path, &feeds,
	    &out)) != 0)
		return rv;
	if (argc - optind != 1)
		return cli_usage("import-opml");
	if (cli_read_file(argv[optind], OPML_MAX_FILE, &data, &len, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	if (opml_import(data, len, &fl, &skipped, ebuf, sizeof(ebuf)) !=
	    ERR_OK) {
		fprintf(stderr, "tidings: %s: %s\n", argv[optind], ebuf);
		free(data);
		return 1;
	}
	free(data);
	buf_printf(&b, "# Imported from %s by tidings import-opml.\n"
	    "# One feed per line: URL [key=value ...]; see "
	    "feeds.d/example.conf.\n",
	    argv[optind]);
	for (i = 0; i < fl.n; i++)
		feedlist_format(&fl.feeds[i], &b);
	rv = write_out(out, &b);
	if (skipped > 0)
		fprintf(stderr, "tidings: %s: skipped %zu outline(s) with a "
		    "duplicate or unusable URL\n", argv[optind], skipped);
	buf_free(&b);
	feedlist_free(&fl);
	return rv;
}

int
cmd_export_opml(int argc, char **argv)
{
	struct conf c;
	struct feedlist fl = { 0 };
	struct buf b = { 0 };
	const char *conf_path = NULL, *feeds = NULL, *out = NULL;
	char ebuf[512];
	int rv;

	if ((rv = config_opts("export-opml", argc, argv, &conf_path, &feeds,
	    &out)) != 0)
		return rv;
	if (optind != argc)
		return cli_usage("export-opml");
	if (load_all(conf_path, feeds, &c, &fl) != ERR_OK) {
		rv = 1;
	} else if (opml_export(&fl, "tidings feeds", &b, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		rv = 1;
	} else
		rv = write_out(out, &b);
	buf_free(&b);
	feedlist_free(&fl);
	conf_free(&c);
	return rv;
}
