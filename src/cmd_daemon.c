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
