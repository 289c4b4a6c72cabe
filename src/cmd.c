#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "date.h"
#include "err.h"
#include "feedlist.h"
#include "outbox.h"
#include "store.h"
#include "xmalloc.h"

void
cmd_print_diag(const struct conf_diag *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		fprintf(stderr, "%s\n", d->msgs[i]);
}

/* Parses -c FILE and --feeds FILE (the options every config reader takes);
 * returns 0, or the usage status. */
int
cmd_config_opts(const char *cmd, int argc, char **argv, const char **conf,
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
				return cmd_usage(cmd);
			*out = optarg;
			break;
		default:
			return cmd_usage(cmd);
		}
	}
	return 0;
}

/* Loads the configuration and the feed lists; prints every error. */
int
cmd_load(const char *conf_path, const char *feeds, struct conf *c,
    struct feedlist *fl)
{
	struct conf_diag d = { 0 };
	int rv;

	rv = conf_load(c, conf_path, &d);
	if (rv != ERR_IO && rv != ERR_LIMIT) {
		if (feedlist_load(fl, c, feeds, &d) != ERR_OK && rv == ERR_OK)
			rv = ERR_INVALID;
	}
	cmd_print_diag(&d);
	conf_diag_free(&d);
	return rv;
}

int
cmd_open_db(const char *path, int flags, struct store **st)
{
	char ebuf[512], *p;
	int rc;

	/* the same default as run and the daemon: the configuration's,
	 * else $STATE_DIRECTORY's */
	if ((p = cmd_db_path(path, NULL)) == NULL)
		return 1;
	rc = store_open(p, flags, st, ebuf, sizeof(ebuf));
	free(p);
	if (rc != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	return 0;
}

int
cmd_env_open(struct cmd_env *v, const char *conf_path, const char *db, int flags)
{
	struct conf_diag d = { 0 };
	char ebuf[512], *path;
	size_t i;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = conf_load(&v->c, conf_path, &d);
	if (rc == ERR_OK)
		rc = feedlist_load(&v->fl, &v->c, NULL, &d);
	for (i = 0; i < d.n; i++)
		fprintf(stderr, "%s\n", d.msgs[i]);
	conf_diag_free(&d);
	if (rc != ERR_OK)
		return 1;
	v->ob = outbox_new();
	outbox_add_targets(v->ob, v->c.exports, v->c.nexports);
	outbox_set_tags(v->ob, feedlist_tags, &v->fl);
	path = xstrdup(db != NULL ? db : v->c.db_path);
	rc = store_open(path, flags, &v->st, ebuf, sizeof(ebuf));
	free(path);
	if (rc != ERR_OK) {
		fprintf(stderr, "tidings: %s\n", ebuf);
		return 1;
	}
	return 0;
}

void
cmd_env_close(struct cmd_env *v)
{
	store_close(v->st);
	outbox_free(v->ob);
	feedlist_free(&v->fl);
	conf_free(&v->c);
}

int
cmd_read_file(const char *path, size_t max, char **data, size_t *len,
    char *ebuf, size_t n)
{
	struct cbuf b = { 0 };
	int e;

	b.max = max;
	e = cbuf_read_file(&b, strcmp(path, "-") == 0 ? NULL : path);
	if (e != 0) {
		buf_free(&b.b);
		if (e == EFBIG)
			return err_set(ebuf, n, ERR_LIMIT,
			    "%s: larger than the limit of %zu bytes", path, max);
		return err_set(ebuf, n, ERR_IO, "%s: %s", path, strerror(e));
	}
	*len = b.b.len;
	*data = buf_detach(&b.b);
	return ERR_OK;
}

/* Absolute dates as the feed parser reads them, or a relative age:
 * "90s", "30m", "12h", "7d", "2w" before now. */
int
cmd_parse_since(const char *s, int64_t *out)
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
cmd_db_path(const char *given, const char *conf_path)
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

struct json_t *
cmd_json_time(int64_t t)
{
	char b[64];

	if (t <= 0)
		return json_null();
	date_format_utc(t, b, sizeof(b));
	return json_string(b);
}
