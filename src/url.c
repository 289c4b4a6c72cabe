#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "url.h"
#include "xmalloc.h"

/*
 * Every function here works on (pointer, length) views of the caller's
 * string, found by one forward scan that stops at its NUL; nothing reads
 * past it, and the cost is linear in the length, however hostile.
 * <ctype.h> is avoided: it follows the locale, URLs are ASCII.
 */

/* The five components of RFC 3986 appendix B; a NULL pointer is an
 * absent component, which differs from an empty one ("http://a/?#"). */
struct parts {
	const char	*scheme, *auth, *path, *query, *frag;
	size_t		 scheme_len, auth_len, path_len, query_len, frag_len;
};

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Trims surrounding white space: *len gets the length of what is left. */
static const char *
trim(const char *s, size_t *len)
{
	size_t n;

	while (is_space((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space((unsigned char)s[n - 1]))
		n--;
	*len = n;
	return s;
}

/* Length of the scheme and its ':' at s, or 0 when s has none. */
static size_t
scheme_len(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !is_alpha((unsigned char)s[0]))
		return 0;
	for (i = 1; i < n; i++) {
		int c = (unsigned char)s[i];

		if (c == ':')
			return i;
		if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' &&
		    c != '-' && c != '.')
			return 0;
	}
	return 0;
}

static void
split(const char *s, size_t n, struct parts *u)
{
	const char *end = s + n, *p = s;
	size_t k;

	memset(u, 0, sizeof(*u));
	if ((k = scheme_len(s, n)) != 0) {
		u->scheme = s;
		u->scheme_len = k;
		p = s + k + 1;
	}
	if (end - p >= 2 && p[0] == '/' && p[1] == '/') {
		u->auth = p += 2;
		while (p < end && *p != '/' && *p != '?' && *p != '#')
			p++;
		u->auth_len = p - u->auth;
	}
	u->path = p;
	while (p < end && *p != '?' && *p != '#')
		p++;
	u->path_len = p - u->path;
	if (p < end && *p == '?') {
		u->query = ++p;
		while (p < end && *p != '#')
			p++;
		u->query_len = p - u->query;
	}
	if (p < end && *p == '#') {
		u->frag = ++p;
		u->frag_len = end - p;
	}
}

/* Drops the last segment of out[0..*o) and the '/' before it. */
static void
pop_segment(const char *out, size_t *o)
{
	while (*o > 0 && out[*o - 1] != '/')
		(*o)--;
	if (*o > 0)
		(*o)--;
}

/*
 * RFC 3986 section 5.2.4, on a private copy that it may scribble on (the
 * "replace the prefix with '/'" steps write into it).  Appends to b.
 */
static void
put_path(struct buf *b, char *in, size_t n)
{
	char *out = xmalloc(n + 1);
	size_t i = 0, o = 0, k;

	while (i < n) {
		const char *p = in + i;
		size_t rest = n - i;

		if (rest >= 3 && memcmp(p, "../", 3) == 0)
			i += 3;
		else if (rest >= 2 && memcmp(p, "./", 2) == 0)
			i += 2;
		else if (rest >= 3 && memcmp(p, "/./", 3) == 0)
			i += 2;
		else if (rest == 2 && memcmp(p, "/.", 2) == 0)
			in[++i] = '/';
		else if (rest >= 4 && memcmp(p, "/../", 4) == 0) {
			i += 3;
			pop_segment(out, &o);
		} else if (rest == 3 && memcmp(p, "/..", 3) == 0) {
			i += 2;
			in[i] = '/';
			pop_segment(out, &o);
		} else if ((rest == 1 && p[0] == '.') ||
		    (rest == 2 && memcmp(p, "..", 2) == 0))
			i = n;
		else {
			k = p[0] == '/' ? 1 : 0;
			while (k < rest && p[k] != '/')
				k++;
			memcpy(out + o, p, k);
			o += k;
			i += k;
		}
	}
	buf_append(b, out, o);
	free(out);
}

static void
put_dotted(struct buf *b, const char *prefix, size_t plen, const char *path,
    size_t n)
{
	char *tmp = xmalloc(plen + n + 1);

	memcpy(tmp, prefix, plen);
	memcpy(tmp + plen, path, n);
	put_path(b, tmp, plen + n);
	free(tmp);
}

char *
url_resolve(const char *base, const char *ref)
{
	struct parts b, r;
	struct buf out = { 0 };
	const char *s, *q;
	size_t rlen, blen, k;

	if (ref == NULL)
		return NULL;
	s = trim(ref, &rlen);
	split(s, rlen, &r);
	if (r.scheme != NULL || base == NULL)
		return xstrndup(s, rlen);
	base = trim(base, &blen);
	split(base, blen, &b);
	/* Without a scheme there is nothing to resolve against; an opaque
	 * base (mailto:, urn:, data:) has no hierarchy to resolve in. */
	if (b.scheme == NULL || (b.auth == NULL && (b.path_len == 0 ||
	    b.path[0] != '/')))
		return xstrndup(s, rlen);

	buf_append(&out, b.scheme, b.scheme_len);
	buf_putc(&out, ':');
	if (r.auth != NULL) {
		buf_puts(&out, "//");
		buf_append(&out, r.auth, r.auth_len);
		put_dotted(&out, "", 0, r.path, r.path_len);
		q = r.query;
		k = r.query_len;
	} else {
		if (b.auth != NULL) {
			const char *h = b.auth + b.auth_len;

			/* the host and port only: the base's credentials
			 * are for fetching it, not for its links */
			while (h > b.auth && h[-1] != '@')
				h--;
			buf_puts(&out, "//");
			buf_append(&out, h, b.auth + b.auth_len - h);
		}
		q = r.query;
		k = r.query_len;
		if (r.path_len == 0) {
			buf_append(&out, b.path, b.path_len);
			if (r.query == NULL) {
				q = b.query;
				k = b.query_len;
			}
		} else if (r.path[0] == '/')
			put_dotted(&out, "", 0, r.path, r.path_len);
		else if (b.auth != NULL && b.path_len == 0)
			put_dotted(&out, "/", 1, r.path, r.path_len);
		else {
			size_t dir = b.path_len;

			while (dir > 0 && b.path[dir - 1] != '/')
				dir--;
			put_dotted(&out, b.path, dir, r.path, r.path_len);
		}
	}
	if (q != NULL) {
		buf_putc(&out, '?');
		buf_append(&out, q, k);
	}
	if (r.frag != NULL) {
		buf_putc(&out, '#');
		buf_append(&out, r.frag, r.frag_len);
	}
	return buf_detach(&out);
}

/* Tracking parameters: see url.h for the list and why these. */
static int
is_tracking(const char *name, size_t n)
{
	static const char *names[] = { "fbclid", "gclid", "gclsrc", "dclid",
	    "gbraid", "wbraid", "msclkid", "mc_cid", "mc_eid", "yclid",
	    "_hsenc", "_hsmi", "igshid", "mkt_tok", "ref_src" };
	char low[16];
	size_t i;

	if (n >= sizeof(low))
		return 0;
	for (i = 0; i < n; i++)
		low[i] = (char)lower((unsigned char)name[i]);
	low[n] = '\0';
	if (n > 4 && memcmp(low, "utm_", 4) == 0)
		return 1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(low, names[i]) == 0)
			return 1;
	return 0;
}

/*
 * Appends to b "?" and the query's parameters but the tracking ones and
 * the empty ones, in their order; returns how many tracking parameters it
 * dropped.  With b NULL it only counts.
 */
static int
put_query(struct buf *b, const char *q, size_t n)
{
	const char *end = q + n, *p = q, *seg, *eq;
	int dropped = 0, first = 1;

	for (;;) {
		seg = p;
		while (p < end && *p != '&')
			p++;
		for (eq = seg; eq < p && *eq != '='; eq++)
			;
		if (p == seg)
			;	/* an empty parameter ("a&&b") */
		else if (is_tracking(seg, eq - seg))
			dropped++;
		else if (b != NULL) {
			buf_putc(b, first ? '?' : '&');
			buf_append(b, seg, p - seg);
			first = 0;
		}
		if (p == end)
			return dropped;
		p++;
	}
}

char *
url_canonical(const char *url)
{
	struct parts u;
	struct buf out = { 0 };
	const char *s;
	size_t n, i;

	if (url == NULL)
		return NULL;
	s = trim(url, &n);
	split(s, n, &u);
	if (u.scheme != NULL) {
		for (i = 0; i < u.scheme_len; i++)
			buf_putc(&out, lower((unsigned char)u.scheme[i]));
		buf_putc(&out, ':');
	}
	if (u.auth != NULL) {
		buf_puts(&out, "//");
		buf_append(&out, u.auth, u.auth_len);
	}
	buf_append(&out, u.path, u.path_len);
	if (u.query != NULL) {
		/* Untouched unless something goes: "?a&&b" stays as it is. */
		if (put_query(NULL, u.query, u.query_len) != 0)
			put_query(&out, u.query, u.query_len);
		else {
			buf_putc(&out, '?');
			buf_append(&out, u.query, u.query_len);
		}
	}
	if (u.frag != NULL) {
		buf_putc(&out, '#');
		buf_append(&out, u.frag, u.frag_len);
	}
	return buf_detach(&out);
}

int
url_has_scheme(const char *url, const char *schemes)
{
	const char *s, *p;
	size_t n, k, len, i;

	if (url == NULL || schemes == NULL)
		return 0;
	s = trim(url, &n);
	if ((k = scheme_len(s, n)) == 0)
		return 0;
	for (p = schemes; *p != '\0'; p += len) {
		while (*p == ',' || is_space((unsigned char)*p))
			p++;
		for (len = 0; p[len] != '\0' && p[len] != ',' &&
		    !is_space((unsigned char)p[len]); len++)
			;
		if (len != k)
			continue;
		for (i = 0; i < k && lower((unsigned char)s[i]) ==
		    lower((unsigned char)p[i]); i++)
			;
		if (i == k)
			return 1;
	}
	return 0;
}

char *
url_strip_userinfo(const char *url, char **userinfo)
{
	struct parts u;
	const char *h;
	size_t n;
	char *out;

	if (userinfo != NULL)
		*userinfo = NULL;
	if (url == NULL)
		return NULL;
	n = strlen(url);
	split(url, n, &u);
	if (u.auth == NULL)
		return xstrdup(url);
	for (h = u.auth + u.auth_len; h > u.auth && h[-1] != '@'; h--)
		;
	if (h == u.auth)
		return xstrdup(url);
	if (userinfo != NULL)
		*userinfo = xstrndup(u.auth, h - 1 - u.auth);
	out = xmalloc(n - (h - u.auth) + 1);
	memcpy(out, url, u.auth - url);
	memcpy(out + (u.auth - url), h, n - (h - url) + 1);
	return out;
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *
url_userinfo_decode(const char *userinfo)
{
	char *out = xstrdup(userinfo), *o = out;
	const char *p;
	int hi, lo;

	for (p = userinfo; *p != '\0'; p++) {
		if (*p == '%' && (hi = hex_value((unsigned char)p[1])) >= 0 &&
		    (lo = hex_value((unsigned char)p[2])) >= 0 &&
		    (hi | lo) != 0) {
			*o++ = (char)(hi * 16 + lo);
			p += 2;
		} else
			*o++ = *p;
	}
	*o = '\0';
	return out;
}

char *
url_host(const char *url)
{
	struct parts u;
	const char *s, *h, *end;
	size_t n, i;
	char *host;

	if (url == NULL)
		return NULL;
	s = trim(url, &n);
	split(s, n, &u);
	if (u.scheme == NULL || u.auth == NULL)
		return NULL;
	end = u.auth + u.auth_len;
	for (h = end; h > u.auth && h[-1] != '@'; h--)
		;
	if (h < end && *h == '[') {
		const char *c = h;

		while (c < end && *c != ']')
			c++;
		if (c == end)
			return NULL;
		end = c + 1;
	} else {
		const char *c = h;

		while (c < end && *c != ':')
			c++;
		end = c;
	}
	if (end == h)
		return NULL;
	host = xstrndup(h, end - h);
	for (i = 0; host[i] != '\0'; i++)
		host[i] = (char)lower((unsigned char)host[i]);
	return host;
}
