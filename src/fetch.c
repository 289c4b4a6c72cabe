#include "config.h"

#include "fetch.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "defaults.h"
#include "err.h"
#include "mono.h"
#include "netguard.h"
#include "xmalloc.h"

#define HOST_BUCKETS	1024
/* Once a host has answered over HTTP/2, this many streams per allowed
 * connection may run at once: they share the connection, not new ones. */
#define H2_STREAMS	8
#define ACCEPT_HEADER	"Accept: application/rss+xml, application/atom+xml, " \
	"application/feed+json, application/json;q=0.9, " \
	"application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, " \
	"*/*;q=0.5"

struct xfer;

struct host {
	char		*name;
	struct host	*hnext;		/* hash chain */
	struct host	*anext;		/* list of hosts with a queue */
	int		 queued_on_active;
	struct xfer	*qhead, *qtail;	/* waiting to start */
	int		 running;
	int		 h2;		/* has answered over HTTP/2 */
	int		 unlimited;	/* file: no politeness needed */
	long long	 next_ms;	/* earliest next start (rate, hold) */
	int		 held;		/* next_ms set by fetch_hold_host */
	int		 asked_wait;	/* 429/503 + Retry-After in a row */
};

/* The messages of a started transfer. */
struct xfer_msgs {
	char		 guard[128];
	char		 err[CURL_ERROR_SIZE];
};

struct xfer {
	struct fetch	*f;
	struct host	*host;
	struct xfer	*next;		/* host queue */
	struct xfer	*rprev, *rnext;	/* running list */
	CURL		*easy;
	struct curl_slist *headers;
	char		*user_agent;
	char		*userpwd;
	char		*proxy;		/* NULL: the fetcher's */
	char		**extra;	/* the request's headers */
	size_t		  nextra;
	char		*cookie_file;
	char		*ca_file;
	int		 http_version;
	char		*etag_sent, *lm_sent;
	char		*current;	/* URL of the response being read */
	struct fetch_result *res;
	struct cbuf	 body;
	int		 too_large;
	int		 body_seen;	/* on_body was called */
	int		 raw;		/* asked again without decoding */
	long		 hstatus;	/* status of the response being read */
	char		*location;
	int		 cred_redirect;	/* refused: Location had credentials */
	int		 allow_private;	/* the request's */
	int		 guard_all;	/* the request's */
	int		 timeout;	/* the request's, else the options' */
	int		 origin_set;	/* origin is known */
	enum netguard_class origin;	/* of the configured URL's address */
	int		 guard_refused;	/* netguard refused an address */
	/* Until start(): the request's context and URL.  A queued transfer
	 * holds no more than these and the strings above (a cycle of
	 * 100,000 feeds queues them all); start() makes res and msgs. */
	void		*ctx;
	char		*url;
	struct xfer_msgs *msgs;
};

struct result_node {
	struct fetch_result	*r;
	struct result_node	*next;
};

struct fetch {
	struct fetch_opts opts;
	char		*default_ua;
	CURLM		*multi;
	struct host	*buckets[HOST_BUCKETS];
	struct host	*active;	/* hosts with queued transfers */
	struct xfer	*runlist;	/* transfers in the multi handle */
	CURL		**pool;		/* idle easy handles */
	size_t		 npool;
	size_t		 queued, running;
	struct result_node *rhead, *rtail;
	size_t		 nresults;
	char		*test_public;	/* TIDINGS_TEST_PUBLIC_ADDR (netguard.h) */
	int		 test_loopback;	/* TIDINGS_TEST_LOOPBACK_ONLY */
	char		*test_ca;	/* TIDINGS_TEST_CA_FILE (below) */
};

void
fetch_opts_init(struct fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_transfers = DEFAULT_MAX_TRANSFERS;
	o->host_connections = DEFAULT_HOST_CONNECTIONS;
	o->host_rate = DEFAULT_HOST_RATE;
	o->connect_timeout = DEFAULT_CONNECT_TIMEOUT;
	o->timeout = DEFAULT_TIMEOUT;
	o->low_speed_limit = DEFAULT_LOW_SPEED_LIMIT;
	o->low_speed_time = DEFAULT_LOW_SPEED_TIME;
	o->max_body = DEFAULT_MAX_BODY;
	o->max_redirects = DEFAULT_MAX_REDIRECTS;
}

int
fetch_opts_equal(const struct fetch_opts *a, const struct fetch_opts *b)
{
	return a->max_transfers == b->max_transfers &&
	    a->host_connections == b->host_connections &&
	    a->host_rate == b->host_rate &&
	    a->connect_timeout == b->connect_timeout &&
	    a->timeout == b->timeout &&
	    a->low_speed_limit == b->low_speed_limit &&
	    a->low_speed_time == b->low_speed_time &&
	    a->max_body == b->max_body &&
	    a->max_redirects == b->max_redirects &&
	    (a->user_agent == NULL) == (b->user_agent == NULL) &&
	    (a->user_agent == NULL || strcmp(a->user_agent, b->user_agent) == 0) &&
	    (a->proxy == NULL) == (b->proxy == NULL) &&
	    (a->proxy == NULL || strcmp(a->proxy, b->proxy) == 0);
}

const char *
fetch_error_name(enum fetch_error e)
{
	switch (e) {
	case FETCH_OK: return "ok";
	case FETCH_ERR_DNS: return "dns";
	case FETCH_ERR_CONNECT: return "connect";
	case FETCH_ERR_TLS: return "tls";
	case FETCH_ERR_TIMEOUT: return "timeout";
	case FETCH_ERR_HTTP: return "http";
	case FETCH_ERR_TOO_LARGE: return "too-large";
	case FETCH_ERR_REDIRECT: return "redirect";
	case FETCH_ERR_TRANSFER: return "transfer";
	case FETCH_ERR_FILE: return "file";
	case FETCH_ERR_REFUSED: return "refused";
	case FETCH_ERR_OTHER: return "other";
	}
	return "other";
}

struct fetch *
fetch_new(const struct fetch_opts *o, char *ebuf, size_t n)
{
	static int global_done;
	struct fetch *f;

	if (o->max_transfers < 1 || o->host_connections < 1) {
		err_set(ebuf, n, ERR_INVALID, "fetch: limits must be >= 1");
		return NULL;
	}
	if (!global_done) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			err_set(ebuf, n, ERR_NET, "curl_global_init failed");
			return NULL;
		}
		global_done = 1;
	}
	f = xcalloc(1, sizeof(*f));
	f->opts = *o;
	if (getenv("TIDINGS_TEST_PUBLIC_ADDR") != NULL)
		f->test_public = xstrdup(getenv("TIDINGS_TEST_PUBLIC_ADDR"));
	f->test_loopback = getenv("TIDINGS_TEST_LOOPBACK_ONLY") != NULL;
	/* Tests only: the CA bundle that a TLS server started by the test
	 * (tests/data/tls) is signed by; libcurl's own bundle otherwise. */
	if (getenv("TIDINGS_TEST_CA_FILE") != NULL)
		f->test_ca = xstrdup(getenv("TIDINGS_TEST_CA_FILE"));
	f->opts.user_agent = NULL;
	f->opts.proxy = o->proxy != NULL ? xstrdup(o->proxy) : NULL;
	if (o->user_agent != NULL)
		f->default_ua = xstrdup(o->user_agent);
	else if (PACKAGE_URL[0] != '\0')
		f->default_ua = xstrdup("tidings/" PACKAGE_VERSION
		    " (+" PACKAGE_URL ")");
	else
		f->default_ua = xstrdup("tidings/" PACKAGE_VERSION);
	f->multi = curl_multi_init();
	if (f->multi == NULL) {
		free(f->default_ua);
		free(f);
		err_set(ebuf, n, ERR_NET, "curl_multi_init failed");
		return NULL;
	}
	curl_multi_setopt(f->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)o->host_connections);
	curl_multi_setopt(f->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
	    (long)o->max_transfers);
	/* Keep enough idle connections that a cycle over many hosts does not
	 * close the ones it is about to reuse. */
	curl_multi_setopt(f->multi, CURLMOPT_MAXCONNECTS,
	    (long)o->max_transfers * 2);
	return f;
}

static unsigned
hash_name(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct host *
host_get(struct fetch *f, const char *name)
{
	unsigned b = hash_name(name) % HOST_BUCKETS;
	struct host *h;

	for (h = f->buckets[b]; h != NULL; h = h->hnext)
		if (strcmp(h->name, name) == 0)
			return h;
	h = xcalloc(1, sizeof(*h));
	h->name = xstrdup(name);
	h->hnext = f->buckets[b];
	f->buckets[b] = h;
	return h;
}

void
fetch_result_free(struct fetch_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->url);
	free(r->final_url);
	for (i = 0; i < r->nredirects; i++)
		free(r->redirects[i].to);
	free(r->redirects);
	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(r->charset);
	free(r->body);
	free(r);
}

static void
xfer_free(struct xfer *x)
{
	if (x == NULL)
		return;
	curl_slist_free_all(x->headers);
	free(x->user_agent);
	free(x->userpwd);
	free(x->proxy);
	xfreev(x->extra, x->nextra);
	free(x->cookie_file);
	free(x->ca_file);
	free(x->etag_sent);
	free(x->lm_sent);
	free(x->current);
	free(x->location);
	buf_free(&x->body.b);
	fetch_result_free(x->res);
	free(x->url);
	free(x->msgs);
	free(x);
}

void
fetch_free(struct fetch *f)
{
	struct result_node *rn;
	struct host *h, *hn;
	struct xfer *x, *xn;
	size_t i;

	if (f == NULL)
		return;
	while ((x = f->runlist) != NULL) {
		f->runlist = x->rnext;
		curl_multi_remove_handle(f->multi, x->easy);
		curl_easy_cleanup(x->easy);
		xfer_free(x);
	}
	for (i = 0; i < HOST_BUCKETS; i++)
		for (h = f->buckets[i]; h != NULL; h = hn) {
			hn = h->hnext;
			for (x = h->qhead; x != NULL; x = xn) {
				xn = x->next;
				xfer_free(x);
			}
			free(h->name);
			free(h);
		}
	while ((rn = f->rhead) != NULL) {
		f->rhead = rn->next;
		fetch_result_free(rn->r);
		free(rn);
	}
	for (i = 0; i < f->npool; i++)
		curl_easy_cleanup(f->pool[i]);
	free(f->pool);
	curl_multi_cleanup(f->multi);
	free(f->default_ua);
	free(f->opts.proxy);
	free(f->test_public);
	free(f->test_ca);
	free(f);
}

/* The lower-cased host of url ("" for file:), or NULL when it does not
 * parse or its scheme is not allowed. */
static char *
url_host(const char *url, int *is_file)
{
	CURLU *u;
	char *scheme = NULL, *host = NULL, *out = NULL, *p;

	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK)
		goto done;
	*is_file = strcmp(scheme, "file") == 0;
	if (*is_file) {
		out = xstrdup("");
		goto done;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		goto done;
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto done;
	out = xstrdup(host);
	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
done:
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return out;
}

/*
 * The test suite's guard (TIDINGS_TEST_LOOPBACK_ONLY, set by `make
 * check`): a host that is not a loopback address or "localhost" would
 * mean a DNS query or a packet off the machine.  A name with a label over
 * 63 bytes passes: the C library refuses it without a query, which is how
 * tests make a name fail to resolve.
 */
static int
test_host_ok(const char *host)
{
	const char *p, *dot;

	if (strcmp(host, "localhost") == 0 || strncmp(host, "127.", 4) == 0 ||
	    strcmp(host, "[::1]") == 0 || strcmp(host, "::1") == 0)
		return 1;
	for (p = host; *p != '\0'; p = dot + 1) {
		if ((dot = strchr(p, '.')) == NULL)
			dot = p + strlen(p);
		if (dot - p > 63)
			return 1;
		if (*dot == '\0')
			break;
	}
	return 0;
}

int
fetch_add(struct fetch *f, const struct fetch_request *r, char *ebuf,
    size_t n)
{
	struct xfer *x;
	struct host *h;
	char *hostname;
	int is_file = 0;

	if (r->url == NULL || (hostname = url_host(r->url, &is_file)) == NULL)
		return err_set(ebuf, n, ERR_INVALID, "%s: not an http, https "
		    "or file URL", r->url ? r->url : "(null)");
	if (f->test_loopback && !is_file && r->proxy == NULL &&
	    f->opts.proxy == NULL && !test_host_ok(hostname)) {
		err_set(ebuf, n, ERR_INVALID, "%s: TIDINGS_TEST_LOOPBACK_ONLY "
		    "refuses host %s", r->url, hostname);
		free(hostname);
		return ERR_INVALID;
	}
	h = host_get(f, is_file ? "file:" : hostname);
	free(hostname);
	h->unlimited = is_file;
	x = xcalloc(1, sizeof(*x));
	x->f = f;
	x->host = h;
	x->ctx = r->ctx;
	x->url = xstrdup(r->url);
	x->user_agent = xstrdup(r->user_agent);
	x->userpwd = xstrdup(r->userpwd);
	x->etag_sent = xstrdup(r->etag);
	x->lm_sent = xstrdup(r->last_modified);
	x->allow_private = r->allow_private;
	x->proxy = xstrdup(r->proxy);
	x->cookie_file = xstrdup(r->cookie_file);
	x->ca_file = xstrdup(r->ca_file);
	x->http_version = r->http_version;
	if (r->nheaders > 0) {
		x->extra = xreallocarray(NULL, r->nheaders, sizeof(*x->extra));
		for (x->nextra = 0; x->nextra < r->nheaders; x->nextra++)
			x->extra[x->nextra] = xstrdup(r->headers[x->nextra]);
	}
	x->guard_all = r->guard_all;
	x->timeout = r->timeout > 0 ? r->timeout : f->opts.timeout;
	x->body.max = r->max_body > 0 ? r->max_body : f->opts.max_body;
	if (h->qtail != NULL)
		h->qtail->next = x;
	else
		h->qhead = x;
	h->qtail = x;
	if (!h->queued_on_active) {
		h->anext = f->active;
		f->active = h;
		h->queued_on_active = 1;
	}
	f->queued++;
	return ERR_OK;
}

/*
 * Response headers.  libcurl hands over the headers of every response,
 * including each redirect, so the per-response fields are reset at each
 * status line and the redirect chain is recorded as it goes by.
 */

static char *
header_value(const char *line, size_t len, const char *name)
{
	size_t nl = strlen(name);
	const char *v, *e;

	if (len <= nl || strncasecmp(line, name, nl) != 0 || line[nl] != ':')
		return NULL;
	for (v = line + nl + 1; v < line + len && (*v == ' ' || *v == '\t');
	    v++)
		;
	for (e = line + len; e > v && isspace((unsigned char)e[-1]); e--)
		;
	return xstrndup(v, e - v);
}

/* A validator goes back to the server in a request header: only printable
 * ASCII may (a bare CR would end that header and start one the server
 * chose; control and 8-bit bytes are no ETag or date either). */
static int
validator_ok(const char *v)
{
	if (v == NULL || *v == '\0')
		return 0;
	for (; *v != '\0'; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
			return 0;
	return 1;
}

/* Replaces *field with v (taken) when v is a usable validator, else drops
 * both: a bad one must not survive as the previous one. */
static void
set_validator(char **field, char *v)
{
	free(*field);
	*field = NULL;
	if (validator_ok(v))
		*field = v;
	else
		free(v);
}

static void
reset_response(struct xfer *x)
{
	struct fetch_result *r = x->res;

	free(r->etag);
	free(r->last_modified);
	free(r->content_type);
	free(x->location);
	r->etag = r->last_modified = r->content_type = x->location = NULL;
	r->retry_after = 0;
	r->max_age = -1;
	r->expires = 0;
	r->date = 0;
}

static void
parse_cache_control(struct fetch_result *r, const char *v)
{
	const char *p;
	long n;

	for (p = v; (p = strcasestr(p, "max-age")) != NULL; p += 7) {
		/* Not s-maxage, which is for shared caches. */
		if (p > v && (isalnum((unsigned char)p[-1]) || p[-1] == '-'))
			continue;
		if (p[7] != '=')
			continue;
		n = strtol(p + 8, NULL, 10);
		if (n >= 0)
			r->max_age = n;
		return;
	}
}

static time_t
parse_retry_after(const char *v, time_t now)
{
	char *end;
	long long n;
	time_t t;

	if (isdigit((unsigned char)*v)) {
		n = strtoll(v, &end, 10);
		if (*end != '\0' || n < 0)
			return 0;
		/* A year is more than any server means; it is a typo. */
		if (n > 366LL * 86400)
			n = 366LL * 86400;
		return now + (time_t)n;
	}
	t = curl_getdate(v, NULL);
	return t > 0 ? t : 0;
}

static void
record_redirect(struct xfer *x)
{
	struct fetch_result *r = x->res;
	CURLU *u;
	char *to = NULL;

	if (x->location == NULL)
		return;
	if (x->hstatus != 301 && x->hstatus != 302 && x->hstatus != 303 &&
	    x->hstatus != 307 && x->hstatus != 308)
		return;
	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, x->current, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, x->location, 0) == CURLUE_OK)
		curl_url_get(u, CURLUPART_URL, &to, 0);
	curl_url_cleanup(u);
	r->redirects = xreallocarray(r->redirects, r->nredirects + 1,
	    sizeof(*r->redirects));
	r->redirects[r->nredirects].status = x->hstatus;
	r->redirects[r->nredirects++].to = xstrdup(to ? to : x->location);
	free(x->current);
	x->current = xstrdup(to ? to : x->location);
	curl_free(to);
}

/* 1 when Location, resolved against the URL being read, carries a user
 * name or password.  A redirect does not get to choose credentials: curl
 * would send them, and the URL could become the feed's. */
static int
location_has_userinfo(const struct xfer *x)
{
	CURLU *u;
	char *user = NULL, *pass = NULL;
	int has;

	if (x->location == NULL)
		return 0;
	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, x->current, 0) != CURLUE_OK ||
	    curl_url_set(u, CURLUPART_URL, x->location, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		/* curl cannot follow what it cannot parse; check the text */
		return strchr(x->location, '@') != NULL;
	}
	has = curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK;
	curl_free(user);
	curl_free(pass);
	curl_url_cleanup(u);
	return has;
}

static size_t
on_header(char *line, size_t size, size_t nitems, void *ud)
{
	struct xfer *x = ud;
	struct fetch_result *r = x->res;
	size_t len = size * nitems;
	char *v;

	if (len >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		const char *sp = memchr(line, ' ', len);

		x->hstatus = sp ? strtol(sp + 1, NULL, 10) : 0;
		/* 1xx are interim; the real response follows. */
		if (x->hstatus >= 200)
			reset_response(x);
		return len;
	}
	if (len <= 2 && (line[0] == '\r' || line[0] == '\n')) {
		/* End of this response's headers. */
		if (x->hstatus >= 300 && x->hstatus < 400 &&
		    location_has_userinfo(x)) {
			x->cred_redirect = 1;
			return 0;	/* ends the transfer: not followed */
		}
		if (x->hstatus >= 300 && x->hstatus < 400 &&
		    x->res->nredirects < (size_t)x->f->opts.max_redirects)
			record_redirect(x);
		return len;
	}
	if ((v = header_value(line, len, "ETag")) != NULL)
		set_validator(&r->etag, v);
	else if ((v = header_value(line, len, "Last-Modified")) != NULL)
		set_validator(&r->last_modified, v);
	else if ((v = header_value(line, len, "Content-Type")) != NULL) {
		free(r->content_type);
		r->content_type = v;
	} else if ((v = header_value(line, len, "Location")) != NULL) {
		free(x->location);
		x->location = v;
	} else if ((v = header_value(line, len, "Retry-After")) != NULL) {
		r->retry_after = parse_retry_after(v, time(NULL));
		free(v);
	} else if ((v = header_value(line, len, "Cache-Control")) != NULL) {
		parse_cache_control(r, v);
		free(v);
	} else if ((v = header_value(line, len, "Expires")) != NULL) {
		time_t t = curl_getdate(v, NULL);

		/* "Expires: 0" and other invalid dates mean already expired. */
		r->expires = t > 0 ? t : 0;
		free(v);
	} else if ((v = header_value(line, len, "Date")) != NULL) {
		time_t t = curl_getdate(v, NULL);

		r->date = t > 0 ? t : 0;
		free(v);
	}
	return len;
}

static size_t
on_body(char *p, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * nmemb;

	x->body_seen = 1;
	/* The cap counts decoded bytes: a small gzip bomb stops here. */
	if (cbuf_append(&x->body, p, len) == -1) {
		x->too_large = 1;
		return 0;
	}
	return len;
}

static char *
charset_of(const char *ct)
{
	const char *p, *e;

	if (ct == NULL)
		return NULL;
	for (p = ct; (p = strcasestr(p, "charset")) != NULL; p += 7) {
		const char *q = p + 7;

		while (*q == ' ')
			q++;
		if (*q != '=')
			continue;
		q++;
		while (*q == ' ')
			q++;
		if (*q == '"') {
			q++;
			e = strchr(q, '"');
			if (e == NULL)
				e = q + strlen(q);
		} else
			for (e = q; *e != '\0' && *e != ';' && *e != ' ' &&
			    *e != ','; e++)
				;
		return e > q ? xstrndup(q, e - q) : NULL;
	}
	return NULL;
}

static CURL *
easy_get(struct fetch *f)
{
	if (f->npool > 0)
		return f->pool[--f->npool];
	return curl_easy_init();
}

static void
easy_put(struct fetch *f, CURL *e)
{
	curl_easy_reset(e);
	f->pool = xreallocarray(f->pool, f->npool + 1, sizeof(*f->pool));
	f->pool[f->npool++] = e;
}

static void
finish(struct fetch *f, struct xfer *x, CURLcode cc);
static char *url_host(const char *url, int *is_file);

/*
 * A file: feed is read here rather than by libcurl, whose plain open(2)
 * of a FIFO nobody writes to would stop the whole loop.  The file is
 * opened without blocking, and anything but a regular file (a FIFO, a
 * device, a directory) is refused.  A regular file is read at once.
 */
static void
read_file(struct fetch *f, struct xfer *x)
{
	char chunk[65536], *path = NULL;
	struct stat sb;
	CURLcode cc = CURLE_FILE_COULDNT_READ_FILE;
	CURLU *u;
	ssize_t got;
	int fd = -1;

	u = curl_url();
	if (curl_url_set(u, CURLUPART_URL, x->res->url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) !=
	    CURLUE_OK || path[0] != '/') {
		snprintf(x->msgs->err, sizeof(x->msgs->err),
		    "not a usable file URL");
		goto done;
	}
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &sb) == -1) {
		snprintf(x->msgs->err, sizeof(x->msgs->err), "%s: %s",
		    path, strerror(errno));
		goto done;
	}
	if (!S_ISREG(sb.st_mode)) {
		snprintf(x->msgs->err, sizeof(x->msgs->err),
		    "not a regular file");
		goto done;
	}
	if (x->body.max > 0 && (uintmax_t)sb.st_size > x->body.max) {
		x->too_large = 1;
		goto done;
	}
	for (;;) {
		got = read(fd, chunk, sizeof(chunk));
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			snprintf(x->msgs->err, sizeof(x->msgs->err),
			    "%s: %s", path, strerror(errno));
			goto done;
		}
		if (got == 0)
			break;
		if (cbuf_append(&x->body, chunk, (size_t)got) == -1) {
			x->too_large = 1;
			goto done;
		}
	}
	cc = CURLE_OK;
done:
	if (fd != -1)
		close(fd);
	curl_free(path);
	curl_url_cleanup(u);
	finish(f, x, cc);
}

/*
 * The address guard (netguard.h).  The connections made before any
 * redirect are to the configured URL, which is the operator's: they are
 * allowed, and the origin is private when any of them is.  Every later one (after a redirect) must be
 * allowed by netguard_allows, and so must every one of a guard_all
 * request (a URL read from a public document: an article's page, a feed
 * `tidings add` found in a page), whose origin is public from the start.
 * Returns 1 to go ahead.
 */
static int
guard(struct xfer *x, enum netguard_class c, const char *addr)
{
	if (x->res->nredirects == 0 && !x->guard_all) {
		if (!x->origin_set || c != NETGUARD_PUBLIC)
			x->origin = c;
		x->origin_set = 1;
		x->res->origin_private = x->origin != NETGUARD_PUBLIC;
		return 1;
	}
	if (x->guard_all && !x->origin_set) {
		/* a page: its own address counts as a redirect's */
		x->origin = NETGUARD_PUBLIC;
		x->origin_set = 1;
	}
	if (netguard_allows(c, x->origin, x->allow_private))
		return 1;
	x->guard_refused = 1;
	snprintf(x->msgs->guard, sizeof(x->msgs->guard), "%s (%s address)",
	    addr, netguard_class_name(c));
	return 0;
}

/* Before a new connection's socket exists: a refused address gets no
 * packet at all.  libcurl goes on to the host's next address, if any. */
static curl_socket_t
on_opensocket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = ud;
	char ip[INET6_ADDRSTRLEN] = "?";
	const void *bytes = NULL;

	if (purpose == CURLSOCKTYPE_IPCXN) {
		if (a->family == AF_INET)
			bytes = &((struct sockaddr_in *)(void *)&a->addr)->
			    sin_addr;
		else if (a->family == AF_INET6)
			bytes = &((struct sockaddr_in6 *)(void *)&a->addr)->
			    sin6_addr;
		if (bytes != NULL)
			inet_ntop(a->family, bytes, ip, sizeof(ip));
		if (!guard(x, netguard_classify(&a->addr, a->addrlen,
		    x->f->test_public), ip))
			return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
}

/* Before a request goes out, on a new or a reused connection: a
 * connection left open by another feed to a private address must not
 * serve a redirect that the open-socket check would have refused. */
static int
on_prereq(void *ud, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct xfer *x = ud;

	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	return guard(x, netguard_classify_ip(primary_ip, x->f->test_public),
	    primary_ip) ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}

static void
start(struct fetch *f, struct xfer *x)
{
	const struct fetch_opts *o = &f->opts;
	struct curl_slist *l = NULL;
	char *hdr;
	CURL *e;
	size_t i;
	int is_file = x->host->unlimited;

	x->res = xcalloc(1, sizeof(*x->res));
	x->res->ctx = x->ctx;
	x->res->url = x->url;
	x->url = NULL;
	x->res->max_age = -1;
	x->msgs = xcalloc(1, sizeof(*x->msgs));
	x->current = xstrdup(x->res->url);
	if (is_file) {
		read_file(f, x);
		return;
	}
	x->easy = e = easy_get(f);
	if (e == NULL) {
		finish(f, x, CURLE_OUT_OF_MEMORY);
		return;
	}
	curl_easy_setopt(e, CURLOPT_URL, x->res->url);
	curl_easy_setopt(e, CURLOPT_PRIVATE, x);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->msgs->err);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, is_file ? "file" :
	    "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)o->max_redirects);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT,
	    (long)o->connect_timeout);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, (long)x->timeout);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT,
	    (long)o->low_speed_limit);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME,
	    (long)o->low_speed_time);
	if (x->body.max > 0)
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)x->body.max);
	curl_easy_setopt(e, CURLOPT_USERAGENT, x->user_agent ? x->user_agent :
	    f->default_ua);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_opensocket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_prereq);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, x);
	if (x->ca_file != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, x->ca_file);
	else if (f->test_ca != NULL)
		curl_easy_setopt(e, CURLOPT_CAINFO, f->test_ca);
	/* Only the configured proxy: "" keeps libcurl from reading the
	 * environment's http_proxy, https_proxy, all_proxy and no_proxy. */
	curl_easy_setopt(e, CURLOPT_PROXY, x->proxy != NULL ? x->proxy :
	    o->proxy != NULL ? o->proxy : "");
	curl_easy_setopt(e, CURLOPT_NOPROXY, "");
	if (x->http_version == 11)
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
		    (long)CURL_HTTP_VERSION_1_1);
	else if (x->http_version == 2)
		curl_easy_setopt(e, CURLOPT_HTTP_VERSION,
		    (long)CURL_HTTP_VERSION_2_0);
	if (x->cookie_file != NULL)
		curl_easy_setopt(e, CURLOPT_COOKIEFILE, x->cookie_file);
	if (x->userpwd != NULL) {
		curl_easy_setopt(e, CURLOPT_USERPWD, x->userpwd);
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
	}
	if (!is_file) {
		for (i = 0; i < x->nextra; i++)
			if (strncasecmp(x->extra[i], "Accept:", 7) == 0)
				break;
		if (i == x->nextra)
			l = curl_slist_append(l, ACCEPT_HEADER);
		for (i = 0; i < x->nextra; i++)
			l = curl_slist_append(l, x->extra[i]);
		if (validator_ok(x->etag_sent)) {
			hdr = xasprintf("If-None-Match: %s", x->etag_sent);
			l = curl_slist_append(l, hdr);
			free(hdr);
		}
		if (validator_ok(x->lm_sent)) {
			hdr = xasprintf("If-Modified-Since: %s", x->lm_sent);
			l = curl_slist_append(l, hdr);
			free(hdr);
		}
		x->headers = l;
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, l);
	}
	if (curl_multi_add_handle(f->multi, e) != CURLM_OK) {
		easy_put(f, e);
		x->easy = NULL;
		finish(f, x, CURLE_FAILED_INIT);
		return;
	}
	x->host->running++;
	f->running++;
	x->rnext = f->runlist;
	if (f->runlist != NULL)
		f->runlist->rprev = x;
	f->runlist = x;
}

static enum fetch_error
classify(CURLcode cc)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
		return FETCH_ERR_DNS;
	case CURLE_COULDNT_CONNECT:
		return FETCH_ERR_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return FETCH_ERR_TIMEOUT;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return FETCH_ERR_TLS;
	case CURLE_FILESIZE_EXCEEDED:
		return FETCH_ERR_TOO_LARGE;
	case CURLE_TOO_MANY_REDIRECTS:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return FETCH_ERR_REDIRECT;
	case CURLE_FILE_COULDNT_READ_FILE:
	case CURLE_READ_ERROR:
		return FETCH_ERR_FILE;
	case CURLE_PARTIAL_FILE:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_BAD_CONTENT_ENCODING:
	case CURLE_WEIRD_SERVER_REPLY:
		return FETCH_ERR_TRANSFER;
	default:
		return FETCH_ERR_OTHER;
	}
}

/*
 * A body labelled gzip (or deflate, br...) that does not decode: servers
 * misconfigured this way send the plain bytes.  Asks once more for the
 * bytes as they are, as browsers recover, on the same handle and
 * connection slot.  Returns 0 when the transfer could not be restarted.
 */
static int
retry_raw(struct fetch *f, struct xfer *x)
{
	struct fetch_result *r = x->res;
	size_t i;

	curl_multi_remove_handle(f->multi, x->easy);
	for (i = 0; i < r->nredirects; i++)
		free(r->redirects[i].to);
	free(r->redirects);
	r->redirects = NULL;
	r->nredirects = 0;
	reset_response(x);
	free(x->current);
	x->current = xstrdup(r->url);
	buf_reset(&x->body.b);
	x->too_large = x->body_seen = 0;
	x->hstatus = 0;
	x->msgs->err[0] = '\0';
	x->raw = 1;
	curl_easy_setopt(x->easy, CURLOPT_ACCEPT_ENCODING, NULL);
	curl_easy_setopt(x->easy, CURLOPT_HTTP_CONTENT_DECODING, 0L);
	return curl_multi_add_handle(f->multi, x->easy) == CURLM_OK;
}

/* Back to the pool, unless it read a cookie_file: curl_easy_reset keeps
 * a handle's cookies, and the next feed must not send them. */
static void
easy_release(struct fetch *f, struct xfer *x)
{
	if (x->cookie_file != NULL)
		curl_easy_cleanup(x->easy);
	else
		easy_put(f, x->easy);
}

/* A transfer is over: its result is filled in from the response and
 * queued for fetch_next.  Long: one place reads every outcome (the
 * guard's refusals, redirects, size caps, validators, errors) so that
 * their order of precedence is visible at once. */
static void
finish(struct fetch *f, struct xfer *x, CURLcode cc)
{
	struct fetch_result *r = x->res;
	struct result_node *rn;
	char *eff = NULL;
	long status = 0, version = 0;
	double secs = 0;

	if (cc == CURLE_BAD_CONTENT_ENCODING && !x->raw && x->easy != NULL &&
	    retry_raw(f, x))
		return;
	if (x->easy != NULL) {
		curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(x->easy, CURLINFO_EFFECTIVE_URL, &eff);
		curl_easy_getinfo(x->easy, CURLINFO_TOTAL_TIME, &secs);
		curl_easy_getinfo(x->easy, CURLINFO_HTTP_VERSION, &version);
		if (version == CURL_HTTP_VERSION_2_0 ||
		    version == CURL_HTTP_VERSION_3)
			x->host->h2 = 1;
	}
	r->final_url = xstrdup(eff ? eff : r->url);
	r->seconds = secs;
	r->finished = time(NULL);
	r->status = status;
	if (cc == CURLE_OK && status == 0 && x->host->unlimited)
		r->status = 200;
	r->charset = charset_of(r->content_type);

	if (x->cred_redirect) {
		r->error = FETCH_ERR_REDIRECT;
		snprintf(r->errmsg, sizeof(r->errmsg), "HTTP %ld redirects to "
		    "a URL with credentials: refused", x->hstatus);
	} else if (x->guard_refused && cc != CURLE_OK) {
		/* guard_all: the page's own address, not a redirect's */
		int pg = x->guard_all && r->nredirects == 0;
		r->error = pg ? FETCH_ERR_REFUSED : FETCH_ERR_REDIRECT;
		snprintf(r->errmsg, sizeof(r->errmsg), pg ? "link to %s "
		    "refused: it is in the operator's network" :
		    "redirect to %s refused (allow_private = yes allows it)",
		    x->msgs->guard);
	} else if (x->too_large) {
		r->error = FETCH_ERR_TOO_LARGE;
		snprintf(r->errmsg, sizeof(r->errmsg), "body larger than %zu "
		    "bytes", x->body.max);
	} else if (cc == CURLE_OUT_OF_MEMORY && !x->body_seen &&
	    x->easy != NULL) {
		/* libcurl's word for a header line over its 100 KB limit */
		r->error = FETCH_ERR_TRANSFER;
		snprintf(r->errmsg, sizeof(r->errmsg), "the response header "
		    "is too large or never ends (over %d bytes)",
		    CURL_MAX_HTTP_HEADER);
	} else if (cc == CURLE_OK && x->raw && x->body.b.len >= 2 &&
	    (unsigned char)x->body.b.data[0] == 0x1f &&
	    (unsigned char)x->body.b.data[1] == 0x8b) {
		/* gzip after all, and broken: undecodable either way */
		r->error = FETCH_ERR_TRANSFER;
		snprintf(r->errmsg, sizeof(r->errmsg), "the body is gzip "
		    "that does not decode");
	} else if (cc != CURLE_OK) {
		r->error = classify(cc);
		/* libcurl also says "unsupported protocol" of an answer that
		 * is not HTTP at all (HTTP/0.9, garbage): a redirect only when
		 * the last response was one. */
		if (cc == CURLE_UNSUPPORTED_PROTOCOL &&
		    (x->hstatus < 300 || x->hstatus >= 400))
			r->error = FETCH_ERR_TRANSFER;
		if (cc == CURLE_FILESIZE_EXCEEDED)
			snprintf(r->errmsg, sizeof(r->errmsg), "body larger "
			    "than %zu bytes", x->body.max);
		else
			snprintf(r->errmsg, sizeof(r->errmsg), "%s",
			    x->msgs->err[0] ? x->msgs->err :
			    curl_easy_strerror(cc));
	} else if (r->status == 304) {
		r->not_modified = 1;
	} else if (r->status >= 300) {
		r->error = FETCH_ERR_HTTP;
		snprintf(r->errmsg, sizeof(r->errmsg), "HTTP %ld%s", r->status,
		    r->status < 400 ? " without a usable Location" : "");
	}
	/* One feed asking to wait concerns that feed (the caller schedules
	 * it); a second one of the same host in a row means the host asks:
	 * nothing more goes there until it said. */
	if ((r->status == 429 || r->status == 503) &&
	    r->retry_after > r->finished) {
		if (++x->host->asked_wait >= 2)
			fetch_hold_host(f, r->url, r->retry_after);
	} else if (r->status > 0 && r->status < 400)
		x->host->asked_wait = 0;
	/* A 304 has no body, an error's body is not a feed: drop them. */
	if (r->error == FETCH_OK && !r->not_modified) {
		r->body_len = x->body.b.len;
		r->body = buf_detach(&x->body.b);
	}
	x->res = NULL;

	if (x->easy != NULL) {
		curl_multi_remove_handle(f->multi, x->easy);
		easy_release(f, x);
		x->easy = NULL;
		x->host->running--;
		f->running--;
		if (x->rprev != NULL)
			x->rprev->rnext = x->rnext;
		else
			f->runlist = x->rnext;
		if (x->rnext != NULL)
			x->rnext->rprev = x->rprev;
	}
	xfer_free(x);

	rn = xmalloc(sizeof(*rn));
	rn->r = r;
	rn->next = NULL;
	if (f->rtail != NULL)
		f->rtail->next = rn;
	else
		f->rhead = rn;
	f->rtail = rn;
	f->nresults++;
}

/* Starts every queued transfer the limits allow.  Returns how many
 * milliseconds until a rate-limited host may start its next one (-1: no
 * such host). */
static long
start_queued(struct fetch *f)
{
	struct host **hp, *h;
	struct xfer *x;
	long long now = mono_ms(), wait = -1;
	double gap = f->opts.host_rate > 0 ? 1000.0 / f->opts.host_rate : 0;
	int limit;

	for (hp = &f->active; *hp != NULL;) {
		h = *hp;
		limit = h->unlimited ? f->opts.max_transfers :
		    f->opts.host_connections * (h->h2 ? H2_STREAMS : 1);
		while (h->qhead != NULL &&
		    f->running < (size_t)f->opts.max_transfers &&
		    h->running < limit) {
			if (h->held && h->next_ms <= now)
				h->held = 0;
			if (!h->unlimited && (gap > 0 || h->held) &&
			    h->next_ms > now) {
				if (wait == -1 || h->next_ms - now < wait)
					wait = h->next_ms - now;
				break;
			}
			x = h->qhead;
			h->qhead = x->next;
			if (h->qhead == NULL)
				h->qtail = NULL;
			x->next = NULL;
			f->queued--;
			if (!h->unlimited && gap > 0)
				h->next_ms = (h->next_ms > now ? h->next_ms :
				    now) + (long long)gap;
			start(f, x);
		}
		if (h->qhead == NULL) {
			*hp = h->anext;
			h->anext = NULL;
			h->queued_on_active = 0;
		} else
			hp = &h->anext;
	}
	return (long)wait;
}

static void
drain(struct fetch *f)
{
	struct xfer *x;
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(f->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		x = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE,
		    (char **)&x);
		if (x != NULL)
			finish(f, x, m->data.result);
	}
}

size_t
fetch_poll(struct fetch *f, int timeout_ms)
{
	long wait;
	int still;

	start_queued(f);
	curl_multi_perform(f->multi, &still);
	drain(f);
	wait = start_queued(f);
	if (f->nresults > 0)
		return f->nresults;
	if (wait >= 0 && wait < timeout_ms)
		timeout_ms = (int)wait;
	curl_multi_poll(f->multi, NULL, 0, timeout_ms, NULL);
	curl_multi_perform(f->multi, &still);
	drain(f);
	start_queued(f);
	return f->nresults;
}

struct fetch_result *
fetch_next(struct fetch *f)
{
	struct result_node *rn = f->rhead;
	struct fetch_result *r;

	if (rn == NULL)
		return NULL;
	f->rhead = rn->next;
	if (f->rhead == NULL)
		f->rtail = NULL;
	f->nresults--;
	r = rn->r;
	free(rn);
	return r;
}

size_t
fetch_pending(const struct fetch *f)
{
	return f->queued + f->running + f->nresults;
}

size_t
fetch_running(const struct fetch *f)
{
	return f->running;
}

void
fetch_wakeup(struct fetch *f)
{
	curl_multi_wakeup(f->multi);
}

void
fetch_hold_host(struct fetch *f, const char *url, time_t until)
{
	struct host *h;
	char *name;
	long long at;
	time_t now = time(NULL);
	int is_file = 0;

	if ((name = url_host(url, &is_file)) == NULL || is_file) {
		free(name);
		return;
	}
	h = host_get(f, name);
	free(name);
	if (until <= now)
		return;
	at = mono_ms() + (long long)(until - now) * 1000;
	if (at > h->next_ms)
		h->next_ms = at;
	h->held = 1;
}

const char *
fetch_result_moved_to(const struct fetch_result *r)
{
	size_t i;

	if (r->nredirects == 0 || r->error != FETCH_OK)
		return NULL;
	for (i = 0; i < r->nredirects; i++)
		if (r->redirects[i].status != 301 &&
		    r->redirects[i].status != 308)
			return NULL;
	return r->redirects[r->nredirects - 1].to;
}
