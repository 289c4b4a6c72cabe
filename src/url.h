#ifndef TIDINGS_URL_H
#define TIDINGS_URL_H
/*
 * URL helpers (pure): resolution of a reference against a base (RFC 3986),
 * the canonical form of an item link, and small questions about a URL.
 * Inputs are NUL-terminated and read once, front to back; cost is linear.
 */

/* Resolves ref against base (RFC 3986 section 5.2, dot segments removed).
 * Returns a new string the caller frees, or NULL when ref is NULL.  White
 * space around ref (and base) is trimmed.  ref comes back as it is (copied,
 * trimmed) when it has a scheme of its own ("mailto:x", "http:g"), when base
 * is NULL or has no scheme, or when base is opaque (no "//" and a path that
 * does not start with '/': "mailto:", "urn:", "data:").  The base's user
 * information ("user:password@") never passes into the result: "img.png"
 * against "http://u:p@h/feed" is "http://h/img.png"; a reference with an
 * authority of its own keeps it as written. */
char	*url_resolve(const char *base, const char *ref);
/* The link as tidings stores it: surrounding white space trimmed, the scheme
 * in lower case (the host keeps the case the feed gave it, as feedparser
 * does; dedup_link_key folds it for identity), and these tracking parameters
 * removed from the query, names compared without case:
 *   utm_* (any utm_ prefix), fbclid, gclid, gclsrc, dclid, gbraid, wbraid,
 *   msclkid, mc_cid, mc_eid, yclid, _hsenc, _hsmi, igshid, mkt_tok, ref_src.
 * The other parameters keep their order (empty ones are dropped once
 * something was removed); '?' goes when nothing remains; the fragment is
 * kept.  A query with nothing to remove is left byte for byte.  Returns a
 * new string, or NULL when url is NULL. */
char	*url_canonical(const char *url);
/* 1 when the URL's scheme is one of those given (comma list, e.g.
 * "http,https"), compared case-insensitively. */
int	 url_has_scheme(const char *url, const char *schemes);
/* url without the user information of its authority: "http://u:p@h/x" is
 * "http://h/x"; anything else comes back as it is.  When userinfo is not
 * NULL it gets what was removed ("u:p", still percent-encoded), or NULL.
 * New strings; NULL when url is NULL.  Feed URLs go through it once, where
 * they are read, so that credentials serve the request and nothing else. */
char	*url_strip_userinfo(const char *url, char **userinfo);
/* "user:password" for HTTP authentication from a URL's user information,
 * %XX decoded (a %00 stays as written).  A new string. */
char	*url_userinfo_decode(const char *userinfo);
/* The host of an absolute URL with an authority, in lower case, without
 * user information or port ("[::1]" keeps its brackets).  A new string, or
 * NULL when there is none.  For per-host limits. */
char	*url_host(const char *url);

#endif
