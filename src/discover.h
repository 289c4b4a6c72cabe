#ifndef TIDINGS_DISCOVER_H
#define TIDINGS_DISCOVER_H
/*
 * Feed discovery in a web page (pure: reads the bytes it is given, never
 * the network; `tidings add`).  The page is outside input: libxml2's HTML
 * parser reads it without network access, and every URL it yields is an
 * absolute http:// or https:// URL (a file:, data: or javascript: link is
 * dropped), so a page cannot point tidings at a local file.
 *
 * The candidates, in this order, each URL once:
 *   1. <link rel="alternate"> with type application/rss+xml,
 *      application/atom+xml, application/feed+json or application/json,
 *      the href resolved against <base href> (itself resolved against
 *      the page URL), else the page URL;
 *   2. the YouTube channel's feed when the page is a YouTube channel page
 *      (discover_youtube_feed);
 *   3. the usual paths on the page's origin: /feed, /rss, /atom.xml,
 *      /index.xml, /feed.xml, /rss.xml, /feed.json.
 * At most `max` in all; the links come first, so a page's own word wins
 * over the guesses.  Cost: one parse of the page, linear in its size.
 */
#include <stddef.h>

enum discover_source {
	DISCOVER_LINK = 0,	/* <link rel="alternate"> */
	DISCOVER_YOUTUBE,	/* a YouTube channel's feed */
	DISCOVER_PATH,		/* a usual path on the page's origin */
};

struct discover_candidate {
	char	*url;		/* absolute http(s) URL */
	char	*type;		/* the link's type; NULL for the others */
	char	*title;		/* the link's title attribute, or NULL */
	enum discover_source source;
};

struct discover_list {
	struct discover_candidate *c;
	size_t	 n;
};

/* Appends the candidates of the page (len bytes of HTML in any charset;
 * charset is the server's, or NULL) found at page_url to out, at most max
 * of them.  Returns ERR_OK, or ERR_INVALID when page_url is not an
 * absolute http(s) URL (then out is unchanged and ebuf says why). */
int	discover_page(const char *html, size_t len, const char *charset,
	    const char *page_url, size_t max, struct discover_list *out,
	    char *ebuf, size_t n);
void	discover_list_free(struct discover_list *l);

/* The feed of a YouTube channel page: for a page_url on youtube.com
 * (www., m. or none) of the form /channel/ID, or any youtube.com page
 * whose channel_id (the page's <meta itemprop="channelId"> or its
 * canonical /channel/ID link; may be NULL) is given,
 * "https://www.youtube.com/feeds/videos.xml?channel_id=ID".  An ID is
 * "UC" and 22 letters, digits, '-' or '_'.  A new string, or NULL when
 * the page is no YouTube channel's. */
char	*discover_youtube_feed(const char *page_url, const char *channel_id);

/* "link", "youtube", "path". */
const char *discover_source_name(enum discover_source s);

#endif
