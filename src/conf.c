#include "config.h"

#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "defaults.h"
#include "err.h"
#include "filter.h"
#include "log.h"
#include "xmalloc.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#ifndef LOCALSTATEDIR
#define LOCALSTATEDIR "/var"
#endif

/* A configuration file larger than this is a mistake, not a configuration. */
#define CONF_MAX_BYTES	(4 * 1024 * 1024)

void
conf_diag_add(struct conf_diag *d, const char *file, int line,
    const char *fmt, ...)
{
	struct buf b = { 0 };
	va_list ap;

	if (line > 0)
		buf_printf(&b, "%s:%d: ", file, line);
	else
		buf_printf(&b, "%s: ", file);
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	d->msgs = xreallocarray(d->msgs, d->n + 1, sizeof(*d->msgs));
	d->msgs[d->n++] = buf_detach(&b);
}

void
conf_diag_free(struct conf_diag *d)
{
	if (d == NULL)
		return;
	xfreev(d->msgs, d->n);
	d->msgs = NULL;
	d->n = 0;
}

const char *
conf_default_path(void)
{
	return SYSCONFDIR "/tidings/tidings.conf";
}

void
conf_init(struct conf *c)
{
	const char *st;

	memset(c, 0, sizeof(*c));
	c->dir = xstrdup(".");
	/* Under systemd's StateDirectory= the unit says where state lives. */
	if ((st = getenv("STATE_DIRECTORY")) != NULL && st[0] == '/' &&
	    strchr(st, ':') == NULL)
		c->db_path = xasprintf("%s/tidings.db", st);
	else
		c->db_path = xstrdup(LOCALSTATEDIR "/lib/tidings/tidings.db");
	c->feeds_glob = xstrdup(SYSCONFDIR "/tidings/feeds.d/*.conf");
	c->add_file = xstrdup(SYSCONFDIR "/tidings/feeds.d/added.conf");
	c->log_level = LOG_LVL_NOTICE;
	c->fetch.max_transfers = DEFAULT_MAX_TRANSFERS;
	c->fetch.host_connections = DEFAULT_HOST_CONNECTIONS;
	c->fetch.host_rate = DEFAULT_HOST_RATE;
	c->fetch.connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	c->fetch.timeout = DEFAULT_TIMEOUT;
	c->fetch.low_speed_limit = DEFAULT_LOW_SPEED_LIMIT;
	c->fetch.low_speed_time = DEFAULT_LOW_SPEED_TIME;
	c->fetch.max_body = DEFAULT_MAX_BODY;
	c->fetch.max_redirects = DEFAULT_MAX_REDIRECTS;
	c->interval = DEFAULT_INTERVAL;
	c->min_interval = DEFAULT_MIN_INTERVAL;
	c->max_interval = DEFAULT_MAX_INTERVAL;
	c->max_backoff = DEFAULT_MAX_BACKOFF;
	c->startup_spread = DEFAULT_STARTUP_SPREAD;
	c->permanent_redirects = 3;
	c->parse_threads = -1;
	c->fulltext = FULLTEXT_AUTO;
	c->max_page = DEFAULT_MAX_PAGE;
	c->fulltext_wait = DEFAULT_FULLTEXT_WAIT;
	c->lease = DEFAULT_LEASE;
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	free(c->path);
	free(c->dir);
	free(c->db_path);
	free(c->feeds_glob);
	free(c->add_file);
	free(c->metrics_file);
	free(c->node);
	free(c->fetch.user_agent);
	free(c->fetch.proxy);
	for (i = 0; i < c->nexports; i++) {
		struct export_settings *e = &c->exports[i];

		free(e->name);
		free(e->file);
		free(e->dir);
		xfreev(e->feeds, e->nfeeds);
		xfreev(e->tags, e->ntags);
		xfreev(e->keep, e->nkeep);
		xfreev(e->drop, e->ndrop);
		free(e->command);
		free(e->url);
		free(e->secret_file);
		free(e->node);
	}
	free(c->exports);
	for (i = 0; i < c->nfeed_lines; i++)
		free(c->feed_lines[i].text);
	free(c->feed_lines);
	memset(c, 0, sizeof(*c));
}

int
conf_parse_duration(const char *s, int *out)
{
	char *end;
	long long v, mul = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 7 * 86400; break;
		default: return -1;
		}
		if (end[1] != '\0')
			return -1;
	}
	if (v > INT_MAX / mul)
		return -1;
	*out = (int)(v * mul);
	return 0;
}

int
conf_parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v, mul = 1;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return -1;
	if (*end != '\0') {
		switch (*end) {
		case 'k': case 'K': mul = 1024ULL; break;
		case 'm': case 'M': mul = 1024ULL * 1024; break;
		case 'g': case 'G': mul = 1024ULL * 1024 * 1024; break;
		default: return -1;
		}
		/* Accept "16M" and "16MB" alike. */
		if (end[1] != '\0' && !((end[1] == 'b' || end[1] == 'B') &&
		    end[2] == '\0'))
			return -1;
	}
	if (v > SIZE_MAX / mul)
		return -1;
	*out = (size_t)(v * mul);
	return 0;
}

int
conf_parse_bool(const char *s, int *out)
{
	static const char *yes[] = { "yes", "true", "on", "1" };
	static const char *no[] = { "no", "false", "off", "0" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

void
conf_split_list(const char *s, char ***v, size_t *n)
{
	const char *p = s, *e;

	while (*p != '\0') {
		const char *a, *b;

		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		for (a = p; a < e && isspace((unsigned char)*a); a++)
			;
		for (b = e; b > a && isspace((unsigned char)b[-1]); b--)
			;
		if (b > a) {
			*v = xreallocarray(*v, *n + 1, sizeof(**v));
			(*v)[(*n)++] = xstrndup(a, b - a);
		}
		p = *e == ',' ? e + 1 : e;
	}
}

char *
conf_dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (s == NULL)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	return xstrndup(path, s - path);
}

char *
conf_path(const char *dir, const char *path)
{
	if (path[0] == '/' || dir == NULL || strcmp(dir, ".") == 0 ||
	    strstr(path, "://") != NULL)
		return xstrdup(path);
	return xasprintf("%s/%s", dir, path);
}

int
conf_proxy_ok(const char *s, const char **why)
{
	static const char *const schemes[] = { "http://", "https://",
	    "socks5h://", NULL };
	const char *h = NULL, *e;
	size_t i;

	for (i = 0; schemes[i] != NULL; i++)
		if (strncasecmp(s, schemes[i], strlen(schemes[i])) == 0)
			h = s + strlen(schemes[i]);
	if (h == NULL) {
		*why = strncasecmp(s, "socks5://", 9) == 0 ?
		    "socks5:// resolves names here, not at the proxy: use "
		    "socks5h://" : "only http://, https:// and socks5h:// "
		    "proxies";
		return 0;
	}
	for (e = s; *e != '\0'; e++)
		if ((unsigned char)*e <= ' ' || *e == 0x7f) {
			*why = "white space or a control character in the URL";
			return 0;
		}
	e = h + strcspn(h, "/?#");
	if (memchr(h, '@', (size_t)(e - h)) != NULL) {
		*why = "a user name or password in a proxy URL is not taken "
		    "(the configuration would hold a secret)";
		return 0;
	}
	if (e == h || *h == ':') {
		*why = "the proxy URL has no host";
		return 0;
	}
	return 1;
}

/* Optimal string alignment distance: insertions, deletions, substitutions
 * and transpositions of neighbours (the commonest typo) each cost one. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[65][65], best;

	if (la > 64 || lb > 64)
		return SIZE_MAX;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			best = d[i - 1][j - 1] +
			    (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}

const char *
conf_suggest(const char *s, const char *const *names)
{
	const char *best = NULL;
	size_t d, bestd = SIZE_MAX, limit;

	limit = strlen(s) < 5 ? 1 : strlen(s) / 3 + 1;
	for (; *names != NULL; names++) {
		d = edit_distance(s, *names);
		if (d < bestd) {
			bestd = d;
			best = *names;
		}
	}
	return bestd <= limit ? best : NULL;
}

int
conf_rule_add(struct filter **fp, const char *key, const char *v,
    const char *file, int line, struct conf_diag *d)
{
	char ebuf[512], *field;
	const char *sug;
	size_t flen = 0;
	int rc;

	if (*fp == NULL)
		*fp = filter_new();
	rc = filter_add(*fp, strcmp(key, "keep") == 0, v, &flen, ebuf,
	    sizeof(ebuf));
	if (rc == ERR_OK)
		return 0;
	if (rc == ERR_NOTFOUND) {
		field = xstrndup(v, flen);
		sug = conf_suggest(field, filter_fields);
		if (sug != NULL)
			conf_diag_add(d, file, line, "%s: %s (did you mean "
			    "\"%s\"?)", key, ebuf, sug);
		else
			conf_diag_add(d, file, line, "%s: %s (one of title, "
			    "author, text, link, category, language, any)",
			    key, ebuf);
		free(field);
	} else
		conf_diag_add(d, file, line, "%s: %s", key, ebuf);
	return -1;
}

/*
 * Line handling.  The parser works on a copy of each line, strips the
 * comment, then splits "key = value".
 */

/* Cuts a trailing comment: `#` at the start or after white space, outside
 * double quotes. */
static void
strip_comment(char *s)
{
	int inq = 0;
	char *p;

	for (p = s; *p != '\0'; p++) {
		if (inq && *p == '\\' && p[1] != '\0') {
			p++;
			continue;
		}
		if (*p == '"')
			inq = !inq;
		else if (!inq && *p == '#' &&
		    (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Unquotes "..." in place.  Returns -1 on an unterminated quote or text
 * after the closing one. */
static int
unquote(char *s)
{
	char *r, *w;

	if (*s != '"')
		return 0;
	for (r = s + 1, w = s; *r != '\0' && *r != '"'; r++) {
		if (*r == '\\' && (r[1] == '"' || r[1] == '\\'))
			r++;
		*w++ = *r;
	}
	if (*r != '"' || r[1] != '\0')
		return -1;
	*w = '\0';
	return 0;
}

enum section {
	SEC_NONE,
	SEC_DAEMON,
	SEC_FETCH,
	SEC_STORE,
	SEC_EXPORT,
	SEC_FEEDS,
	SEC_BAD,	/* after an invalid header: skip quietly */
};

static const char *const section_names[] = {
	"daemon", "fetch", "store", "export", "feeds", NULL
};

enum vtype { V_STR, V_PATH, V_DUR, V_MSEC, V_SIZE, V_INT, V_RATE, V_BOOL,
    V_LEVEL, V_AUTO, V_FULLTEXT };

struct key {
	const char	*name;
	enum vtype	 type;
	size_t		 off;
	int		 min;	/* for V_INT, V_AUTO and V_DUR */
};

#define C(f) offsetof(struct conf, f)
static const struct key daemon_keys[] = {
	{ "db", V_PATH, C(db_path), 0 },
	{ "feeds", V_PATH, C(feeds_glob), 0 },
	{ "add_file", V_PATH, C(add_file), 0 },
	{ "log_level", V_LEVEL, C(log_level), 0 },
	{ "metrics_file", V_PATH, C(metrics_file), 0 },
	{ "parse_threads", V_AUTO, C(parse_threads), 0 },
	{ "node", V_STR, C(node), 0 },
	{ "lease", V_DUR, C(lease), 1 },
	{ NULL, 0, 0, 0 }
};
static const struct key fetch_keys[] = {
	{ "max_transfers", V_INT, C(fetch.max_transfers), 1 },
	{ "host_connections", V_INT, C(fetch.host_connections), 1 },
	{ "host_rate", V_RATE, C(fetch.host_rate), 0 },
	{ "connect_timeout", V_DUR, C(fetch.connect_timeout), 1 },
	{ "timeout", V_DUR, C(fetch.timeout), 1 },
	{ "low_speed_limit", V_INT, C(fetch.low_speed_limit), 0 },
	{ "low_speed_time", V_DUR, C(fetch.low_speed_time), 1 },
	{ "max_body", V_SIZE, C(fetch.max_body), 1 },
	{ "max_redirects", V_INT, C(fetch.max_redirects), 0 },
	{ "user_agent", V_STR, C(fetch.user_agent), 0 },
	{ "interval", V_DUR, C(interval), 1 },
	{ "min_interval", V_DUR, C(min_interval), 1 },
	{ "max_interval", V_DUR, C(max_interval), 1 },
	{ "max_backoff", V_DUR, C(max_backoff), 1 },
	{ "startup_spread", V_DUR, C(startup_spread), 0 },
	{ "permanent_redirects", V_INT, C(permanent_redirects), 1 },
	{ "allow_private", V_BOOL, C(allow_private), 0 },
	{ "proxy", V_STR, C(fetch.proxy), 0 },
	{ "insecure_tls", V_BOOL, C(insecure_tls), 0 },
	{ "fulltext", V_FULLTEXT, C(fulltext), 0 },
	{ "max_page", V_SIZE, C(max_page), 1 },
	{ "fulltext_wait", V_DUR, C(fulltext_wait), 0 },
	{ "allow_private_pages", V_BOOL, C(allow_private_pages), 0 },
	{ NULL, 0, 0, 0 }
};
static const struct key store_keys[] = {
	{ "keep_days", V_INT, C(keep_days), 0 },
	{ "max_articles", V_INT, C(max_articles), 0 },
	{ NULL, 0, 0, 0 }
};
#undef C
#define E(f) offsetof(struct export_settings, f)
static const struct key export_keys[] = {
	{ "dir", V_PATH, E(dir), 0 },
	{ "format", V_STR, 0, 0 },	/* handled by name */
	{ "feeds", V_STR, 0, 0 },
	{ "tags", V_STR, 0, 0 },
	{ "keep", V_STR, 0, 0 },	/* lists: set any number of times */
	{ "drop", V_STR, 0, 0 },
	{ "updates", V_BOOL, E(updates), 0 },
	{ "duplicates", V_BOOL, E(duplicates), 0 },
	{ "fsync", V_BOOL, E(fsync), 0 },
	{ "command", V_STR, E(command), 0 },
	{ "url", V_STR, E(url), 0 },
	{ "secret_file", V_PATH, E(secret_file), 0 },
	{ "timeout", V_MSEC, E(timeout_ms), 1 },
	{ "concurrency", V_INT, E(concurrency), 1 },
	{ "retries", V_INT, E(retries), 0 },
	{ "retry_base", V_DUR, E(retry_base), 1 },
	{ "retry_max", V_DUR, E(retry_max), 1 },
	{ "node", V_STR, E(node), 0 },
	{ NULL, 0, 0, 0 }
};
#undef E

static const char *const export_formats[] = {
	"text", "json", "maildir", "exec", "webhook", NULL
};
static const char *const log_levels[] = {
	"err", "warning", "notice", "info", "debug", NULL
};

static const struct key *
find_key(const struct key *keys, const char *name)
{
	for (; keys->name != NULL; keys++)
		if (strcmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

static void
unknown_key(struct conf_diag *d, const char *file, int line,
    const char *sec, const struct key *keys, const char *name)
{
	const char *names[32], *s;
	size_t i;

	for (i = 0; keys[i].name != NULL && i < 31; i++)
		names[i] = keys[i].name;
	names[i] = NULL;
	s = conf_suggest(name, names);
	if (s != NULL)
		conf_diag_add(d, file, line,
		    "unknown key \"%s\" in [%s] (did you mean \"%s\"?)",
		    name, sec, s);
	else
		conf_diag_add(d, file, line, "unknown key \"%s\" in [%s]",
		    name, sec);
}

/* Stores value into the field described by k inside base. */
static int
set_value(const struct key *k, void *base, const char *dir, const char *v,
    const char *file, int line, struct conf_diag *d)
{
	char *p = (char *)base + k->off;
	char *end;
	double r;
	long long n;
	size_t i;
	int secs;

	switch (k->type) {
	case V_STR:
	case V_PATH:
		if (*v == '\0') {
			conf_diag_add(d, file, line, "%s: empty value",
			    k->name);
			return -1;
		}
		free(*(char **)p);
		*(char **)p = k->type == V_PATH ? conf_path(dir, v) :
		    xstrdup(v);
		return 0;
	case V_DUR:
		if (conf_parse_duration(v, (int *)p) == -1) {
			conf_diag_add(d, file, line, "%s: \"%s\" is not a "
			    "duration (like 90s, 15m, 2h, 1d)", k->name, v);
			return -1;
		}
		break;
	case V_MSEC:
		/* written in seconds (the units of every duration), kept in
		 * milliseconds */
		if (conf_parse_duration(v, &secs) == -1 || secs > INT_MAX / 1000) {
			conf_diag_add(d, file, line, "%s: \"%s\" is not a "
			    "duration (like 90s, 15m, 2h, 1d)", k->name, v);
			return -1;
		}
		if (secs < k->min) {
			conf_diag_add(d, file, line, "%s: must be at least %d "
			    "second(s)", k->name, k->min);
			return -1;
		}
		*(int *)p = secs * 1000;
		return 0;
	case V_SIZE:
		if (conf_parse_size(v, (size_t *)p) == -1) {
			conf_diag_add(d, file, line, "%s: \"%s\" is not a "
			    "size (like 512k, 16M)", k->name, v);
			return -1;
		}
		return 0;
	case V_AUTO:
		/* a number, or "auto" (-1): the program chooses */
		if (strcmp(v, "auto") == 0) {
			*(int *)p = -1;
			return 0;
		}
		/* FALLTHROUGH */
	case V_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (*v == '\0' || *end != '\0' || errno != 0 || n > INT_MAX ||
		    n < INT_MIN) {
			conf_diag_add(d, file, line, "%s: \"%s\" is not a "
			    "number%s", k->name, v, k->type == V_AUTO ?
			    " (or auto)" : "");
			return -1;
		}
		*(int *)p = (int)n;
		break;
	case V_RATE:
		r = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || !(r >= 0 && r <= 1e6)) {
			conf_diag_add(d, file, line, "%s: \"%s\" is not a "
			    "rate (requests per second, 0 for none)", k->name,
			    v);
			return -1;
		}
		*(double *)p = r;
		return 0;
	case V_BOOL:
		if (conf_parse_bool(v, (int *)p) == -1) {
			conf_diag_add(d, file, line, "%s: \"%s\" is not "
			    "yes or no", k->name, v);
			return -1;
		}
		return 0;
	case V_LEVEL:
		for (i = 0; log_levels[i] != NULL; i++)
			if (strcmp(v, log_levels[i]) == 0) {
				*(int *)p = LOG_LVL_ERR + (int)i;
				return 0;
			}
		conf_diag_add(d, file, line, "%s: \"%s\" is not one of err, "
		    "warning, notice, info, debug", k->name, v);
		return -1;
	case V_FULLTEXT:
		if (fulltext_mode_parse(v, (enum fulltext_mode *)p) == -1) {
			conf_diag_add(d, file, line, "%s: \"%s\" is not one of "
			    "auto, always, never", k->name, v);
			return -1;
		}
		return 0;
	}
	if (*(int *)p < k->min) {
		conf_diag_add(d, file, line, "%s: must be at least %d%s",
		    k->name, k->min, k->type == V_DUR ? " second(s)" : "");
		return -1;
	}
	return 0;
}

static struct export_settings *
new_export(struct conf *c, const char *name, const char *file, int line)
{
	struct export_settings *e;

	c->exports = xreallocarray(c->exports, c->nexports + 1,
	    sizeof(*c->exports));
	e = &c->exports[c->nexports++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(name);
	e->file = xstrdup(file);
	e->line = line;
	e->format = EXPORT_FMT_TEXT;
	e->fsync = 1;
	/* timeout_ms and concurrency 0: the format's default, set by
	 * check_export once the format is known */
	e->retries = 5;
	e->retry_base = 10;
	e->retry_max = 3600;
	return e;
}

static int
valid_export_name(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return 0;
	return 1;
}

/* Parses "[name]" or "[export NAME]"; returns the new section. */
static enum section
parse_header(struct conf *c, char *s, const char *file, int line,
    struct conf_diag *d, struct export_settings **exp)
{
	char *close, *name, *arg;
	const char *sug;
	size_t i;

	close = strchr(s, ']');
	if (close == NULL || close[1] != '\0') {
		conf_diag_add(d, file, line, "malformed section header");
		return SEC_BAD;
	}
	*close = '\0';
	name = trim(s + 1);
	arg = name + strcspn(name, " \t");
	if (*arg != '\0') {
		*arg++ = '\0';
		arg = trim(arg);
	}
	if (strcmp(name, "export") == 0) {
		if (*arg == '\0') {
			conf_diag_add(d, file, line,
			    "[export] needs a name: [export NAME]");
			return SEC_BAD;
		}
		if (unquote(arg) == -1 || !valid_export_name(arg)) {
			conf_diag_add(d, file, line, "export name \"%s\" may "
			    "only use letters, digits, '-', '_' and '.'", arg);
			return SEC_BAD;
		}
		for (i = 0; i < c->nexports; i++)
			if (strcmp(c->exports[i].name, arg) == 0) {
				conf_diag_add(d, file, line, "export \"%s\" "
				    "already defined at line %d", arg,
				    c->exports[i].line);
				return SEC_BAD;
			}
		*exp = new_export(c, arg, file, line);
		return SEC_EXPORT;
	}
	if (*arg != '\0') {
		conf_diag_add(d, file, line, "[%s] takes no name", name);
		return SEC_BAD;
	}
	for (i = 0; section_names[i] != NULL; i++)
		if (strcmp(name, section_names[i]) == 0)
			return (enum section)(SEC_DAEMON + i);
	sug = conf_suggest(name, section_names);
	if (sug != NULL)
		conf_diag_add(d, file, line, "unknown section [%s] (did you "
		    "mean [%s]?)", name, sug);
	else
		conf_diag_add(d, file, line, "unknown section [%s]", name);
	return SEC_BAD;
}

static void
export_value(struct export_settings *e, const char *dir, const char *key,
    const char *v, const char *file, int line, struct conf_diag *d)
{
	const struct key *k;
	size_t i;

	if (strcmp(key, "format") == 0) {
		for (i = 0; export_formats[i] != NULL; i++)
			if (strcmp(v, export_formats[i]) == 0) {
				e->format = (enum export_format)i;
				return;
			}
		conf_diag_add(d, file, line, "format: \"%s\" is not one of "
		    "text, json, maildir, exec, webhook", v);
		return;
	}
	if (strcmp(key, "feeds") == 0) {
		conf_split_list(v, &e->feeds, &e->nfeeds);
		return;
	}
	if (strcmp(key, "tags") == 0) {
		conf_split_list(v, &e->tags, &e->ntags);
		return;
	}
	if (strcmp(key, "keep") == 0 || strcmp(key, "drop") == 0) {
		struct filter *f = NULL;

		if (conf_rule_add(&f, key, v, file, line, d) == 0) {
			if (*key == 'k') {
				e->keep = xreallocarray(e->keep, e->nkeep + 1,
				    sizeof(*e->keep));
				e->keep[e->nkeep++] = xstrdup(v);
			} else {
				e->drop = xreallocarray(e->drop, e->ndrop + 1,
				    sizeof(*e->drop));
				e->drop[e->ndrop++] = xstrdup(v);
			}
		}
		filter_free(f);
		return;
	}
	k = find_key(export_keys, key);
	if (k == NULL) {
		unknown_key(d, file, line, "export", export_keys, key);
		return;
	}
	if (set_value(k, e, dir, v, file, line, d) != 0)
		return;
	/* libcurl would take other schemes (file:, ftp:, ...) */
	if (strcmp(key, "url") == 0 && strncasecmp(v, "https://", 8) != 0 &&
	    strncasecmp(v, "http://", 7) != 0)
		conf_diag_add(d, file, line, "url: \"%s\" is not an http:// "
		    "or https:// URL", v);
}

/* Fills the defaults that depend on the format, then checks the section
 * as a whole. */
static void
check_export(struct export_settings *e, struct conf_diag *d)
{
	int hook = e->format == EXPORT_FMT_WEBHOOK;

	if (e->timeout_ms == 0)
		e->timeout_ms = hook ? 30000 : 60000;
	if (e->concurrency == 0)
		e->concurrency = hook ? 4 : 1;
	if (!hook && (e->url != NULL || e->secret_file != NULL))
		conf_diag_add(d, e->file, e->line, "export \"%s\": "
		    "url and secret_file are only for format webhook",
		    e->name);
	if (hook) {
		if (e->url == NULL)
			conf_diag_add(d, e->file, e->line, "export \"%s\": "
			    "format webhook needs a url", e->name);
		if (e->secret_file == NULL)
			conf_diag_add(d, e->file, e->line, "export \"%s\": "
			    "format webhook needs a secret_file (the key of "
			    "its signature)", e->name);
		if (e->dir != NULL || e->command != NULL)
			conf_diag_add(d, e->file, e->line, "export \"%s\": "
			    "format webhook takes no dir or command",
			    e->name);
	} else if (e->format == EXPORT_FMT_EXEC) {
		if (e->command == NULL)
			conf_diag_add(d, e->file, e->line, "export \"%s\": "
			    "format exec needs a command", e->name);
	} else {
		if (e->dir == NULL)
			conf_diag_add(d, e->file, e->line, "export \"%s\": "
			    "no dir", e->name);
		if (e->command != NULL)
			conf_diag_add(d, e->file, e->line, "export \"%s\": "
			    "command is only for format exec", e->name);
	}
	if (e->retry_base > e->retry_max)
		conf_diag_add(d, e->file, e->line, "export \"%s\": "
		    "retry_base (%ds) is above retry_max (%ds)", e->name,
		    e->retry_base, e->retry_max);
}

/* Keys already set in this file: a key given twice in one section (or in
 * two sections of the same name) is an error, not a silent override. */
struct seen {
	enum section	 sec;
	size_t		 exp;	/* SEC_EXPORT: index of the export */
	char		*key;
	int		 line;
};

/* Returns the line where key was first set, or 0 after recording it. */
static int
seen_before(struct seen **v, size_t *n, enum section sec, size_t exp,
    const char *key, int line)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*v)[i].sec == sec && (*v)[i].exp == exp &&
		    strcmp((*v)[i].key, key) == 0)
			return (*v)[i].line;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].sec = sec;
	(*v)[*n].exp = exp;
	(*v)[*n].key = xstrdup(key);
	(*v)[(*n)++].line = line;
	return 0;
}

/* Where conf_parse is in a file. */
struct cparse {
	struct conf		*c;
	const char		*file;
	struct conf_diag	*d;
	enum section		 sec;
	struct export_settings	*exp;	/* the [export NAME] being read */
	struct seen		*seen;	/* keys set so far */
	size_t			 nseen;
	int			 min_line, max_line;
};

/* One "key = value" line (s, trimmed, comment stripped) of the current
 * section. */
static void
assign(struct cparse *ps, char *s, int lineno)
{
	struct conf *c = ps->c;
	const struct key *keys, *k;
	const char *why;
	char *eq, *key, *val;
	int first;

	if ((eq = strchr(s, '=')) == NULL) {
		if (ps->sec != SEC_BAD)
			conf_diag_add(ps->d, ps->file, lineno, "expected "
			    "\"key = value\"");
		return;
	}
	*eq = '\0';
	key = trim(s);
	val = trim(eq + 1);
	if (unquote(val) == -1) {
		conf_diag_add(ps->d, ps->file, lineno, "%s: unbalanced "
		    "quotes", key);
		return;
	}
	keys = ps->sec == SEC_DAEMON ? daemon_keys : ps->sec == SEC_FETCH ?
	    fetch_keys : ps->sec == SEC_STORE ? store_keys :
	    ps->sec == SEC_EXPORT ? export_keys : NULL;
	if (keys != NULL && find_key(keys, key) != NULL &&
	    !(ps->sec == SEC_EXPORT && (strcmp(key, "keep") == 0 ||
	    strcmp(key, "drop") == 0)) &&
	    (first = seen_before(&ps->seen, &ps->nseen, ps->sec,
	    ps->sec == SEC_EXPORT ? (size_t)(ps->exp - c->exports) : 0, key,
	    lineno)) != 0) {
		conf_diag_add(ps->d, ps->file, lineno, "%s: already set at "
		    "line %d", key, first);
		return;
	}
	switch (ps->sec) {
	case SEC_NONE:
		conf_diag_add(ps->d, ps->file, lineno, "\"%s\" outside any "
		    "section (start with [daemon], [fetch], ...)", key);
		return;
	case SEC_EXPORT:
		export_value(ps->exp, c->dir, key, val, ps->file, lineno,
		    ps->d);
		return;
	case SEC_FEEDS:
	case SEC_BAD:
		return;
	default:
		break;
	}
	if ((k = find_key(keys, key)) == NULL) {
		unknown_key(ps->d, ps->file, lineno,
		    section_names[ps->sec - SEC_DAEMON], keys, key);
		return;
	}
	/* The one duration that may be a word: learned per feed. */
	if (ps->sec == SEC_FETCH && strcmp(key, "interval") == 0 &&
	    strcmp(val, "auto") == 0) {
		c->interval_auto = 1;
		return;
	}
	if (set_value(k, c, c->dir, val, ps->file, lineno, ps->d) != 0)
		return;
	if (ps->sec == SEC_FETCH && strcmp(key, "proxy") == 0 &&
	    !conf_proxy_ok(val, &why))
		conf_diag_add(ps->d, ps->file, lineno, "proxy: %s", why);
	if (ps->sec == SEC_FETCH && c->insecure_tls) {
		conf_diag_add(ps->d, ps->file, lineno, CONF_INSECURE_TLS_MSG);
		c->insecure_tls = 0;
	}
	if (ps->sec == SEC_DAEMON && strcmp(key, "feeds") == 0)
		c->feeds_line = lineno;
	else if (strcmp(key, "min_interval") == 0)
		ps->min_line = lineno;
	else if (strcmp(key, "max_interval") == 0)
		ps->max_line = lineno;
}

/* A line of the [feeds] section: kept as it is, in the feed-list
 * syntax.  0, or -1 when the line is a header that ends the section. */
static int
feed_line(struct conf *c, char *line, int lineno)
{
	char *s = trim(line);

	if (*s == '[')
		return -1;
	if (*s != '\0' && *s != '#') {
		c->feed_lines = xreallocarray(c->feed_lines,
		    c->nfeed_lines + 1, sizeof(*c->feed_lines));
		c->feed_lines[c->nfeed_lines].text = xstrdup(s);
		c->feed_lines[c->nfeed_lines++].line = lineno;
	}
	return 0;
}

int
conf_parse(struct conf *c, const char *file, const char *text,
    size_t len, struct conf_diag *d)
{
	struct cparse ps = { .c = c, .file = file, .d = d, .sec = SEC_NONE };
	const char *p = text, *end = text + len, *nl;
	size_t before = d->n, i;
	char *line, *s;
	int lineno = 0;

	free(c->dir);
	c->dir = conf_dir_of(file);
	/* The feed directory follows the file unless it says otherwise. */
	free(c->feeds_glob);
	c->feeds_glob = conf_path(c->dir, "feeds.d/*.conf");
	c->feeds_line = 0;
	free(c->add_file);
	c->add_file = conf_path(c->dir, "feeds.d/added.conf");

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		p = nl + 1;
		lineno++;
		/* A CR before the LF is part of the line ending. */
		if (*line != '\0' && line[strlen(line) - 1] == '\r')
			line[strlen(line) - 1] = '\0';
		/* Feed lines keep their own syntax; a header ends them. */
		if (ps.sec == SEC_FEEDS && feed_line(c, line, lineno) == 0) {
			free(line);
			continue;
		}
		strip_comment(line);
		s = trim(line);
		if (*s == '[') {
			ps.exp = NULL;
			ps.sec = parse_header(c, s, file, lineno, d, &ps.exp);
		} else if (*s != '\0')
			assign(&ps, s, lineno);
		free(line);
	}

	for (i = 0; i < ps.nseen; i++)
		free(ps.seen[i].key);
	free(ps.seen);
	if (c->min_interval > c->max_interval)
		conf_diag_add(d, file, ps.max_line ? ps.max_line : ps.min_line,
		    "min_interval (%ds) is above max_interval (%ds)",
		    c->min_interval, c->max_interval);
	for (i = 0; i < c->nexports; i++)
		if (strcmp(c->exports[i].file, file) == 0)
			check_export(&c->exports[i], d);
	return d->n > before ? ERR_INVALID : ERR_OK;
}

int
conf_load(struct conf *c, const char *path, struct conf_diag *d)
{
	struct cbuf b = { 0 };
	int e, rv, must = path != NULL;

	conf_init(c);
	if (path == NULL)
		path = conf_default_path();
	b.max = CONF_MAX_BYTES;
	e = cbuf_read_file(&b, path);
	if (e != 0) {
		buf_free(&b.b);
		if (e == ENOENT && !must)
			return ERR_OK;
		if (e == EFBIG) {
			conf_diag_add(d, path, 0, "larger than %d bytes",
			    CONF_MAX_BYTES);
			return ERR_LIMIT;
		}
		conf_diag_add(d, path, 0, "%s", strerror(e));
		return ERR_IO;
	}
	c->path = xstrdup(path);
	rv = conf_parse(c, path, buf_str(&b.b), b.b.len, d);
	buf_free(&b.b);
	return rv;
}
