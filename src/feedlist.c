#include "feedlist.h"

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <strings.h>

#include "err.h"
#include "fulltext.h"
#include "ident.h"
#include "url.h"
#include "xmalloc.h"

#define FEEDLIST_MAX_BYTES	(16 * 1024 * 1024)

static const char *const keys[] = {
	"name", "interval", "tags", "user_agent", "auth_file", "charset",
	"identity", "enabled", "allow_private", "proxy", "header",
	"cookie_file", "http_version", "ca_file", "insecure_tls", "keep",
	"drop", "fulltext", NULL
};
static void
feed_clear(struct feedlist_feed *f)
{
	free(f->url);
	free(f->userinfo);
	free(f->name);
	xfreev(f->tags, f->ntags);
	free(f->user_agent);
	free(f->auth_file);
	free(f->charset);
	free(f->proxy);
	xfreev(f->headers, f->nheaders);
	free(f->cookie_file);
	free(f->ca_file);
	filter_free(f->filter);
	free(f->file);
}

void
feedlist_free(struct feedlist *fl)
{
	size_t i;

	if (fl == NULL)
		return;
	for (i = 0; i < fl->n; i++)
		feed_clear(&fl->feeds[i]);
	free(fl->feeds);
	fl->feeds = NULL;
	fl->n = 0;
}

struct feedlist_feed *
feedlist_add(struct feedlist *fl, const char *url)
{
	struct feedlist_feed *f;

	fl->feeds = xreallocarray(fl->feeds, fl->n + 1, sizeof(*fl->feeds));
	f = &fl->feeds[fl->n++];
	memset(f, 0, sizeof(*f));
	f->url = url_strip_userinfo(url, &f->userinfo);
	f->enabled = 1;
	f->allow_private = -1;
	f->fulltext = -1;
	return f;
}

const char *const *
feedlist_tags(void *ctx, const char *url, const char *name, size_t *ntags)
{
	const struct feedlist *fl = ctx;
	const struct feedlist_feed *fc = NULL;

	*ntags = 0;
	if (fl == NULL || ((url == NULL || (fc = feedlist_find(fl, url)) ==
	    NULL) && (name == NULL || (fc = feedlist_find(fl, name)) ==
	    NULL)))
		return NULL;
	*ntags = fc->ntags;
	return (const char *const *)fc->tags;
}

const struct feedlist_feed *
feedlist_find(const struct feedlist *fl, const char *s)
{
	size_t i;

	for (i = 0; i < fl->n; i++)
		if ((fl->feeds[i].name != NULL &&
		    strcmp(fl->feeds[i].name, s) == 0) ||
		    strcmp(fl->feeds[i].url, s) == 0)
			return &fl->feeds[i];
	return NULL;
}

/*
 * Splits a line into words: white space separates, double quotes group
 * (and may start in the middle of a word, as in name="A B"), `#` after
 * white space ends the line.  Returns the number of words or -1 on an
 * unterminated quote.  Words are written into out, NUL-separated.
 */
static int
split_words(const char *s, char *out, char **words, int max)
{
	int n = 0, inq;
	char *w = out;

	for (;;) {
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			return n;
		if (n == max)
			return -2;
		words[n++] = w;
		inq = 0;
		for (; *s != '\0'; s++) {
			if (inq) {
				if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
					*w++ = *++s;
				else if (*s == '"')
					inq = 0;
				else
					*w++ = *s;
			} else if (*s == '"')
				inq = 1;
			else if (isspace((unsigned char)*s))
				break;
			else
				*w++ = *s;
		}
		if (inq)
			return -1;
		*w++ = '\0';
	}
}

/* Removes "." and ".." segments from an absolute path, in place, so that
 * one file always has one URL (the state database keys feeds by URL). */
static void
normalize_path(char *p)
{
	char *r = p, *w = p;

	while (*r != '\0') {
		if (r[0] == '/' && r[1] == '.' &&
		    (r[2] == '/' || r[2] == '\0')) {
			r += 2;
		} else if (r[0] == '/' && r[1] == '.' && r[2] == '.' &&
		    (r[3] == '/' || r[3] == '\0')) {
			r += 3;
			while (w > p && *--w != '/')
				;
		} else if (r[0] == '/' && r[1] == '/') {
			r++;
		} else {
			*w++ = *r++;
		}
	}
	if (w == p)
		*w++ = '/';
	*w = '\0';
}

static int
valid_url(const char *u, const char **why)
{
	const char *h;

	if (strncasecmp(u, "http://", 7) == 0)
		h = u + 7;
	else if (strncasecmp(u, "https://", 8) == 0)
		h = u + 8;
	else if (strncasecmp(u, "file://", 7) == 0) {
		if (u[7] != '/') {
			*why = "a file URL needs an absolute path "
			    "(file:///...)";
			return 0;
		}
		return 1;
	} else {
		*why = "only http://, https:// and file:// URLs can be feeds";
		return 0;
	}
	if (*h == '\0' || *h == '/' || *h == '?' || *h == '#') {
		*why = "URL has no host";
		return 0;
	}
	for (; *u != '\0'; u++)
		if ((unsigned char)*u <= ' ' || *u == 0x7f) {
			*why = "URL contains white space or a control "
			    "character";
			return 0;
		}
	return 1;
}

static int
valid_charset(const char *cs)
{
	iconv_t cd;

	cd = iconv_open("UTF-8", cs);
	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	return 1;
}

int
feedlist_header_secret(const char *h)
{
	static const char *const names[] = { "authorization", "cookie",
	    NULL };
	static const char *const parts[] = { "token", "key", "secret",
	    "auth", "session", "password", NULL };
	size_t n = strcspn(h, ":"), i, j;

	for (i = 0; names[i] != NULL; i++)
		if (strlen(names[i]) == n && strncasecmp(h, names[i], n) == 0)
			return 1;
	for (i = 0; parts[i] != NULL; i++)
		for (j = 0; j + strlen(parts[i]) <= n; j++)
			if (strncasecmp(h + j, parts[i], strlen(parts[i])) == 0)
				return 1;
	return 0;
}

/* Checks a header= value; returns NULL, or why it is refused.  The
 * message never quotes the value: it may be a secret. */
static const char *
bad_header(const char *h)
{
	static const char *const owned[] = { "host", "content-length",
	    "transfer-encoding", "connection", NULL };
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	size_t n = strcspn(h, ":"), i;
	const char *v;

	for (i = 0; h[i] != '\0'; i++)
		if (((unsigned char)h[i] < ' ' && h[i] != '\t') || h[i] == 0x7f)
			return "control characters (CR, LF) are not allowed";
	if (h[n] != ':' || n == 0)
		return "not \"Name: value\"";
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)h[i]) && strchr(tchar, h[i]) == NULL)
			return "the name is not an HTTP header name";
	for (i = 0; owned[i] != NULL; i++)
		if (strlen(owned[i]) == n && strncasecmp(h, owned[i], n) == 0)
			return "Host, Content-Length, Transfer-Encoding and "
			    "Connection cannot be set";
	for (v = h + n + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (*v == '\0')
		return "empty value";
	return NULL;
}

/* The network options (issue 15): 0, -1 after a message, or 1 when key
 * is none of them. */
static int
set_net_option(struct feedlist_feed *f, const char *file, int line,
    const char *key, const char *v, struct conf_diag *d)
{
	const char *why;
	char *dir;
	int yes;

	if (strcmp(key, "proxy") == 0) {
		if (!conf_proxy_ok(v, &why)) {
			conf_diag_add(d, file, line, "proxy: %s", why);
			return -1;
		}
		f->proxy = xstrdup(v);
	} else if (strcmp(key, "header") == 0) {
		if ((why = bad_header(v)) != NULL) {
			conf_diag_add(d, file, line, "header \"%.*s\": %s",
			    (int)strcspn(v, ": \t\r\n"), v, why);
			return -1;
		}
		f->headers = xreallocarray(f->headers, f->nheaders + 1,
		    sizeof(*f->headers));
		f->headers[f->nheaders++] = xstrdup(v);
	} else if (strcmp(key, "cookie_file") == 0 ||
	    strcmp(key, "ca_file") == 0) {
		if (*v == '\0') {
			conf_diag_add(d, file, line, "%s: empty value", key);
			return -1;
		}
		dir = conf_dir_of(file);
		if (key[1] == 'o')
			f->cookie_file = conf_path(dir, v);
		else
			f->ca_file = conf_path(dir, v);
		free(dir);
	} else if (strcmp(key, "http_version") == 0) {
		if (strcmp(v, "1.1") == 0)
			f->http_version = 11;
		else if (strcmp(v, "2") == 0)
			f->http_version = 2;
		else {
			conf_diag_add(d, file, line, "http_version: \"%s\" is "
			    "not 1.1 or 2", v);
			return -1;
		}
	} else if (strcmp(key, "insecure_tls") == 0) {
		if (conf_parse_bool(v, &yes) == -1 || yes) {
			conf_diag_add(d, file, line, CONF_INSECURE_TLS_MSG);
			return -1;
		}
	} else
		return 1;
	return 0;
}

static int
set_option(struct feedlist_feed *f, const char *file, int line,
    const char *key, const char *v, struct conf_diag *d)
{
	const char *sug;
	size_t i;
	char *dir;
	int r;
	enum fulltext_mode mode;

	if ((r = set_net_option(f, file, line, key, v, d)) != 1)
		return r;
	if (strcmp(key, "name") == 0) {
		for (i = 0; v[i] != '\0'; i++)
			if ((unsigned char)v[i] < ' ' || v[i] == 0x7f)
				break;
		if (*v == '\0' || v[i] != '\0') {
			conf_diag_add(d, file, line, "name: must be non-empty "
			    "text without control characters");
			return -1;
		}
		f->name = xstrdup(v);
	} else if (strcmp(key, "interval") == 0) {
		if (strcmp(v, "auto") == 0)
			f->interval = FEEDLIST_INTERVAL_AUTO;
		else if (conf_parse_duration(v, &f->interval) == -1 ||
		    f->interval < 1) {
			conf_diag_add(d, file, line, "interval: \"%s\" is not "
			    "a duration (like 90s, 15m, 2h, 1d) or auto", v);
			return -1;
		}
	} else if (strcmp(key, "tags") == 0) {
		conf_split_list(v, &f->tags, &f->ntags);
	} else if (strcmp(key, "user_agent") == 0) {
		if (*v == '\0') {
			conf_diag_add(d, file, line, "user_agent: empty value");
			return -1;
		}
		f->user_agent = xstrdup(v);
	} else if (strcmp(key, "auth_file") == 0) {
		if (*v == '\0') {
			conf_diag_add(d, file, line, "auth_file: empty value");
			return -1;
		}
		dir = conf_dir_of(file);
		f->auth_file = conf_path(dir, v);
		free(dir);
	} else if (strcmp(key, "charset") == 0) {
		if (!valid_charset(v)) {
			conf_diag_add(d, file, line, "charset: unknown "
			    "character set \"%s\"", v);
			return -1;
		}
		f->charset = xstrdup(v);
	} else if (strcmp(key, "identity") == 0) {
		if (dedup_identity_parse(v, &f->identity) != ERR_OK) {
			conf_diag_add(d, file, line, "identity: \"%s\" is not "
			    "one of auto, guid, link, content", v);
			return -1;
		}
	} else if (strcmp(key, "allow_private") == 0) {
		if (conf_parse_bool(v, &f->allow_private) == -1) {
			conf_diag_add(d, file, line, "allow_private: \"%s\" is "
			    "not yes or no", v);
			return -1;
		}
	} else if (strcmp(key, "keep") == 0 || strcmp(key, "drop") == 0) {
		if (conf_rule_add(&f->filter, key, v, file, line, d) == -1)
			return -1;
	} else if (strcmp(key, "fulltext") == 0) {
		if (fulltext_mode_parse(v, &mode) == -1) {
			conf_diag_add(d, file, line, "fulltext: \"%s\" is not "
			    "one of auto, always, never", v);
			return -1;
		}
		f->fulltext = (int)mode;
	} else if (strcmp(key, "enabled") == 0) {
		if (conf_parse_bool(v, &f->enabled) == -1) {
			conf_diag_add(d, file, line, "enabled: \"%s\" is not "
			    "yes or no", v);
			return -1;
		}
	} else {
		sug = conf_suggest(key, keys);
		if (sug != NULL)
			conf_diag_add(d, file, line, "unknown feed option "
			    "\"%s\" (did you mean \"%s\"?)", key, sug);
		else
			conf_diag_add(d, file, line, "unknown feed option "
			    "\"%s\"", key);
		return -1;
	}
	return 0;
}

int
feedlist_parse_line(struct feedlist *fl, const char *file, int line,
    const char *text, struct conf_diag *d)
{
	struct feedlist_feed *f;
	char *buf, *words[64], *eq, *url;
	const char *why;
	unsigned seen = 0;
	int n, i, k, bad = 0;

	buf = xmalloc(strlen(text) + 1);
	n = split_words(text, buf, words, 64);
	if (n == -1 || n == -2) {
		conf_diag_add(d, file, line, n == -1 ? "unbalanced quotes" :
		    "too many options");
		free(buf);
		return ERR_INVALID;
	}
	if (n == 0) {
		free(buf);
		return ERR_OK;
	}
	if (strchr(words[0], '=') != NULL && strstr(words[0], "://") == NULL) {
		conf_diag_add(d, file, line, "a feed line starts with its URL, "
		    "not \"%s\"", words[0]);
		free(buf);
		return ERR_INVALID;
	}
	if (words[0][0] == '/')
		url = xasprintf("file://%s", words[0]);
	else if (strncmp(words[0], "./", 2) == 0 ||
	    strncmp(words[0], "../", 3) == 0) {
		char *dir = conf_dir_of(file), *abs = conf_path(dir, words[0]);

		char cwd[4096];

		if (abs[0] != '/' && getcwd(cwd, sizeof(cwd)) != NULL) {
			char *t = xasprintf("%s/%s", cwd, abs);

			free(abs);
			abs = t;
		}
		normalize_path(abs);
		url = xasprintf("file://%s", abs);
		free(dir);
		free(abs);
	} else
		url = xstrdup(words[0]);
	if (!valid_url(url, &why)) {
		conf_diag_add(d, file, line, "%s: %s", words[0], why);
		free(url);
		free(buf);
		return ERR_INVALID;
	}
	f = feedlist_add(fl, url);
	free(url);
	f->file = xstrdup(file);
	f->line = line;
	for (i = 1; i < n; i++) {
		eq = strchr(words[i], '=');
		if (eq == NULL || eq == words[i]) {
			conf_diag_add(d, file, line, "expected key=value, not "
			    "\"%s\"", words[i]);
			bad = 1;
			continue;
		}
		*eq = '\0';
		for (k = 0; keys[k] != NULL; k++)
			if (strcmp(keys[k], words[i]) == 0)
				break;
		if (keys[k] != NULL && (seen & (1u << k)) &&
		    strcmp(keys[k], "header") != 0 &&
		    strcmp(keys[k], "keep") != 0 &&
		    strcmp(keys[k], "drop") != 0) {
			conf_diag_add(d, file, line, "%s given twice",
			    words[i]);
			bad = 1;
			continue;
		}
		if (keys[k] != NULL)
			seen |= 1u << k;
		if (set_option(f, file, line, words[i], eq + 1, d) == -1)
			bad = 1;
	}
	free(buf);
	if (bad) {
		/* Keep the list consistent: a broken line adds no feed. */
		feed_clear(&fl->feeds[--fl->n]);
		return ERR_INVALID;
	}
	return ERR_OK;
}

int
feedlist_parse(struct feedlist *fl, const char *file, const char *text,
    size_t len, struct conf_diag *d)
{
	const char *p = text, *end = text + len, *nl;
	char *line;
	int lineno = 0, rv = ERR_OK;
	size_t n;

	while (p < end) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		line = xstrndup(p, nl - p);
		p = nl + 1;
		lineno++;
		n = strlen(line);
		if (n > 0 && line[n - 1] == '\r')
			line[n - 1] = '\0';
		if (feedlist_parse_line(fl, file, lineno, line, d) != ERR_OK)
			rv = ERR_INVALID;
		free(line);
	}
	return rv;
}

static int
parse_file(struct feedlist *fl, const char *path, struct conf_diag *d)
{
	struct cbuf b = { 0 };
	int e, rv;

	b.max = FEEDLIST_MAX_BYTES;
	if ((e = cbuf_read_file(&b, path)) == 0)
		rv = feedlist_parse(fl, path, buf_str(&b.b), b.b.len, d);
	else if (e == EFBIG) {
		conf_diag_add(d, path, 0, "larger than %d bytes",
		    FEEDLIST_MAX_BYTES);
		rv = ERR_LIMIT;
	} else {
		conf_diag_add(d, path, 0, "%s", strerror(e));
		rv = ERR_IO;
	}
	buf_free(&b.b);
	return rv;
}

struct dup_key {
	const char	*key;
	size_t		 i;
};

static int
cmp_dup_key(const void *a, const void *b)
{
	const struct dup_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c != 0 ? c : x->i < y->i ? -1 : x->i > y->i;
}

/* first[i]: the first feed before i with the same key (url, or name when
 * name), or (size_t)-1.  Sorting by key and position: O(n log n), so that
 * a list of 100,000 feeds loads in a moment. */
static void
first_same(const struct feedlist *fl, int name, size_t *first)
{
	struct dup_key *k = xcalloc(fl->n ? fl->n : 1, sizeof(*k));
	size_t i, nk = 0, g = 0;

	for (i = 0; i < fl->n; i++) {
		first[i] = (size_t)-1;
		if (name && fl->feeds[i].name == NULL)
			continue;
		k[nk].key = name ? fl->feeds[i].name : fl->feeds[i].url;
		k[nk++].i = i;
	}
	qsort(k, nk, sizeof(*k), cmp_dup_key);
	for (i = 0; i < nk; i++) {
		if (i == 0 || strcmp(k[i].key, k[g].key) != 0)
			g = i;
		else
			first[k[i].i] = k[g].i;
	}
	free(k);
}

static int
check_duplicates(const struct feedlist *fl, struct conf_diag *d)
{
	const struct feedlist_feed *a, *b;
	size_t i, *by_url, *by_name;
	int rv = ERR_OK;

	by_url = xcalloc(fl->n ? fl->n : 1, sizeof(*by_url));
	by_name = xcalloc(fl->n ? fl->n : 1, sizeof(*by_name));
	first_same(fl, 0, by_url);
	first_same(fl, 1, by_name);
	/* Each feed names the first one before it that it repeats, by url
	 * or by name; the url first when both are the same feed. */
	for (i = 1; i < fl->n; i++) {
		a = &fl->feeds[i];
		if (by_url[i] != (size_t)-1 && by_url[i] <= by_name[i]) {
			b = &fl->feeds[by_url[i]];
			conf_diag_add(d, a->file, a->line, "feed %s "
			    "already listed at %s:%d", a->url,
			    b->file, b->line);
			rv = ERR_INVALID;
		} else if (by_name[i] != (size_t)-1) {
			b = &fl->feeds[by_name[i]];
			conf_diag_add(d, a->file, a->line, "feed name "
			    "\"%s\" already used at %s:%d", a->name,
			    b->file, b->line);
			rv = ERR_INVALID;
		}
	}
	free(by_url);
	free(by_name);
	return rv;
}

static int glob_errno;

/* A feed directory that does not exist is an empty one; any other error
 * (permissions, I/O) stops the load. */
static int
glob_error(const char *path, int e)
{
	(void)path;
	if (e == ENOENT || e == ENOTDIR)
		return 0;
	glob_errno = e;
	return 1;
}

int
feedlist_load(struct feedlist *fl, const struct conf *c, const char *override,
    struct conf_diag *d)
{
	glob_t g;
	size_t i;
	int rv = ERR_OK, r;

	if (override != NULL) {
		rv = parse_file(fl, override, d);
	} else {
		for (i = 0; i < c->nfeed_lines; i++)
			if (feedlist_parse_line(fl, c->path ? c->path : "-",
			    c->feed_lines[i].line, c->feed_lines[i].text,
			    d) != ERR_OK)
				rv = ERR_INVALID;
		memset(&g, 0, sizeof(g));
		glob_errno = 0;
		r = glob(c->feeds_glob, 0, glob_error, &g);
		if (r == 0) {
			for (i = 0; i < g.gl_pathc; i++) {
				r = parse_file(fl, g.gl_pathv[i], d);
				if (r != ERR_OK && rv != ERR_IO)
					rv = r;
			}
		} else if (r != GLOB_NOMATCH) {
			conf_diag_add(d, c->feeds_glob, 0, "cannot read: %s",
			    r == GLOB_ABORTED ? strerror(glob_errno) :
			    "out of memory");
			rv = ERR_IO;
		} else if (c->feeds_line > 0) {
			/* Configured, it names lists that must be there; an
			 * empty list is a file that lists no feed. */
			conf_diag_add(d, c->path ? c->path : "-",
			    c->feeds_line, "feeds: \"%s\" matches no file",
			    c->feeds_glob);
			rv = ERR_INVALID;
		}
		globfree(&g);
	}
	r = check_duplicates(fl, d);
	if (rv == ERR_OK)
		rv = r;
	return rv;
}

static int
needs_quotes(const char *s)
{
	if (*s == '\0')
		return 1;
	for (; *s != '\0'; s++)
		if (isspace((unsigned char)*s) || *s == '"' || *s == '#' ||
		    *s == '\\')
			return 1;
	return 0;
}

static void
put_option(struct buf *b, const char *key, const char *v)
{
	buf_printf(b, " %s=", key);
	if (!needs_quotes(v)) {
		buf_puts(b, v);
		return;
	}
	buf_putc(b, '"');
	for (; *v != '\0'; v++) {
		/* A line break would end the line: the list has no escape for
		 * it, so it becomes a space. */
		if (*v == '\n' || *v == '\r' || *v == '\t') {
			buf_putc(b, ' ');
			continue;
		}
		if (*v == '"' || *v == '\\')
			buf_putc(b, '\\');
		buf_putc(b, *v);
	}
	buf_putc(b, '"');
}

void
feedlist_format(const struct feedlist_feed *f, struct buf *b)
{
	struct buf t = { 0 };
	const char *p;
	size_t i;
	int keep;

	if (f->userinfo != NULL && (p = strstr(f->url, "//")) != NULL) {
		buf_append(b, f->url, p + 2 - f->url);
		buf_printf(b, "%s@%s", f->userinfo, p + 2);
	} else
		buf_puts(b, f->url);
	if (f->name != NULL)
		put_option(b, "name", f->name);
	if (f->interval == FEEDLIST_INTERVAL_AUTO)
		buf_puts(b, " interval=auto");
	else if (f->interval > 0) {
		if (f->interval % 86400 == 0)
			buf_printf(b, " interval=%dd", f->interval / 86400);
		else if (f->interval % 3600 == 0)
			buf_printf(b, " interval=%dh", f->interval / 3600);
		else if (f->interval % 60 == 0)
			buf_printf(b, " interval=%dm", f->interval / 60);
		else
			buf_printf(b, " interval=%ds", f->interval);
	}
	if (f->ntags > 0) {
		for (i = 0; i < f->ntags; i++)
			buf_printf(&t, "%s%s", i ? "," : "", f->tags[i]);
		put_option(b, "tags", buf_str(&t));
		buf_free(&t);
	}
	if (f->user_agent != NULL)
		put_option(b, "user_agent", f->user_agent);
	if (f->auth_file != NULL)
		put_option(b, "auth_file", f->auth_file);
	if (f->charset != NULL)
		put_option(b, "charset", f->charset);
	if (f->identity != DEDUP_AUTO)
		buf_printf(b, " identity=%s",
		    dedup_identity_name(f->identity));
	if (!f->enabled)
		buf_puts(b, " enabled=no");
	if (f->allow_private >= 0)
		buf_printf(b, " allow_private=%s",
		    f->allow_private ? "yes" : "no");
	if (f->proxy != NULL)
		put_option(b, "proxy", f->proxy);
	for (i = 0; i < f->nheaders; i++)
		put_option(b, "header", f->headers[i]);
	if (f->cookie_file != NULL)
		put_option(b, "cookie_file", f->cookie_file);
	if (f->http_version != 0)
		buf_puts(b, f->http_version == 2 ? " http_version=2" :
		    " http_version=1.1");
	if (f->ca_file != NULL)
		put_option(b, "ca_file", f->ca_file);
	for (i = 0; i < filter_count(f->filter); i++) {
		p = filter_rule(f->filter, i, &keep);
		put_option(b, keep ? "keep" : "drop", p);
	}
	if (f->fulltext >= 0)
		buf_printf(b, " fulltext=%s",
		    fulltext_mode_name((enum fulltext_mode)f->fulltext));
	buf_putc(b, '\n');
}
