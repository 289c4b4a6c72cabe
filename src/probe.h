#ifndef TIDINGS_PROBE_H
#define TIDINGS_PROBE_H
/*
 * What `tidings add` learns about a URL before it lists a feed
 * (orchestration: fetch, then parse or discover, then fetch and parse
 * each candidate; never logs, never touches the store).
 *
 * The URL is fetched with the configured fetcher settings (user agent,
 * size caps, redirects and the address guard of netguard.h): the URL the
 * operator gives may be on a private address, as a configured feed's may.
 * When its body is a feed (RSS, Atom, JSON Feed), that feed is the one
 * candidate.  Otherwise it is taken as a web page and discover.h finds
 * the candidates in it, which are fetched (all at once, within the
 * fetcher's limits) and parsed.  A candidate found on a page that came
 * from a public address is a link from outside: it may not lead into the
 * operator's network (fetch_request.guard_all) unless allow_private is set;
 * a page on a private address may link to its neighbours.
 *
 * Cost: one transfer for the URL and at most max_candidates more, each
 * bounded by the timeout below and the fetcher's max_body.
 */
#include <stddef.h>
#include <stdint.h>

#include "conf_settings.h"

struct probe_opts {
	const struct fetch_opts *fetch;	/* the configured [fetch] */
	int		 allow_private;	/* [fetch] allow_private */
	size_t		 max_candidates;
	int		 timeout;	/* seconds per transfer; replaces a
					   longer [fetch] timeout */
};

struct probe_candidate {
	char		*url;		/* as found (or given) */
	char		*final_url;	/* after redirects; NULL: none */
	const char	*source;	/* "given", "link", "youtube", "path" */
	char		*link_title;	/* the link's title attribute */
	int		 ok;		/* fetched and read as a feed */
	char		 error[256];	/* why not, when !ok */
	char		*title;		/* the feed's title, or NULL */
	const char	*format;	/* "rss2.0", "atom1.0", "jsonfeed", ... */
	size_t		 nitems;
	int64_t		 last;		/* newest item's date (published, else
					   updated), UTC; 0: none dated */
	int		 same_as;	/* >= 0: the same feed (final URL) as
					   candidate same_as, listed first;
					   -1: none */
};

struct probe_result {
	int		 given_is_feed;	/* the URL itself is the feed */
	int		 page_private;	/* it was on a non-public address */
	struct probe_candidate *c;
	size_t		 n;
};

/* Fills out (zeroed by the caller).  Returns ERR_OK, also when no
 * candidate turned out to be a feed (each says why), or ERR_IO when the
 * URL itself could not be fetched, ERR_INVALID when it is not an http or
 * https URL (ebuf says why; the message starts with the URL). */
int	probe_url(const struct probe_opts *o, const char *url,
	    struct probe_result *out, char *ebuf, size_t n);
void	probe_result_free(struct probe_result *r);

#endif
