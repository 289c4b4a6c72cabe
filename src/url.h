#ifndef TIDINGS_URL_H
#define TIDINGS_URL_H
/*
 * URL helpers (pure): resolution of a reference against a base (RFC 3986),
 * and the canonical form of an item link.
 */

/* Resolves ref against base (either may be NULL).  Returns a new string
 * the caller frees, or NULL when ref is NULL.  A ref that cannot be resolved
 * is returned as it is (copied).  Only the schemes http, https, ftp, mailto
 * and relative references are treated as links; others come back unchanged. */
char	*url_resolve(const char *base, const char *ref);
/* Removes tracking parameters (utm_*, fbclid, gclid, dclid, msclkid, mc_cid,
 * mc_eid, yclid, _hsenc, _hsmi, igshid, ...) from the query and the fragment
 * when it is empty afterwards.  Returns a new string. */
char	*url_canonical(const char *url);
/* 1 when the URL's scheme is one of those given (comma list, e.g.
 * "http,https"), compared case-insensitively. */
int	 url_has_scheme(const char *url, const char *schemes);

#endif
