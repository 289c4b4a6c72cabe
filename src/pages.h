#ifndef TIDINGS_PAGES_H
#define TIDINGS_PAGES_H
/*
 * Whole articles from teaser feeds, in the daemon's loop (and `tidings
 * run`'s): the pages ingest made due (store.h, "article pages") are
 * fetched through the loop's own fetcher, under its per-host connection
 * and rate caps, extracted (extract.h) and settled in the store, which
 * releases the article's held event in the same transaction: the article
 * is exported once, after its page was extracted or gave up.
 *
 * A page request: the item's link, PAGES_TIMEOUT, [fetch] max_page, the
 * feed's user agent, redirects to http and https only.  A page on the
 * feed's own host is fetched as the feed is (its credentials, its
 * allow_private for redirects); a page on another host without
 * credentials, and with the address guard on its own address too
 * (fetch_request.guard_all): a loopback, private, link-local,
 * unique-local or multicast address is refused unless [fetch]
 * allow_private_pages.  A file: link is read only for a file: feed.
 *
 * A failed page is tried again after PAGES_RETRY_BASE seconds, doubling,
 * at most PAGES_TRIES times in all, and never after its deadline
 * (fulltext_wait); an answer that will not change (a 4xx but 408 and 429,
 * a name that does not resolve, too large, a refusal, no article in the
 * page) settles it at once.  A
 * settled failure keeps the feed's body and records why.  Pages in
 * flight when the loop stops stay due in the store: the next start
 * resumes them.
 *
 * Logs: each refusal and each page given up on, once, starting with the
 * feed's name; retries at info.
 */
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "feedlist.h"
#include "fetch.h"
#include "store.h"

#define PAGES_TIMEOUT		30	/* seconds, a page's transfer */
#define PAGES_RETRY_BASE	5	/* seconds before the first retry */
#define PAGES_TRIES		6

struct pages;

/* The configured feed of a stored one, and the credentials its requests
 * send (NULL: none); NULL when the loop does not hold the feed (`run
 * --feed` left it out, a reload removed it): its pages wait. */
typedef const struct feedlist_feed *(*pages_feed_fn)(void *ctx,
    int64_t feed_id, const char **userpwd);

struct pages	*pages_new(pages_feed_fn feed, void *ctx);
/* Forgets the pages in flight (their results must not be handed to
 * pages_apply after); accepts NULL. */
void		 pages_free(struct pages *p);

/* Looks at the store again at the next pages_start (new articles came
 * in). */
void		 pages_kick(struct pages *p);

/*
 * Starts the due pages whose time has come, and settles those whose
 * deadline has passed or whose link is refused before any request.
 * Reads the store only when kicked or when a page's time has come.
 * Returns how many pages of held feeds wait (due, in flight or later);
 * *next is when one is next due (0: none waits for a time).  *settled
 * is raised by the pages settled here (the outbox has work).
 */
size_t		 pages_start(struct pages *p, struct store *st,
		    struct fetch *f, const struct conf *c, time_t now,
		    time_t *next, long *settled);

/* 1 when r is the result of a page request of p. */
int		 pages_owns(const struct pages *p, const struct fetch_result *r);

/* Applies a page's result (pages_owns): extraction and store.  Returns 1
 * when it settled the page, 0 when it is to be tried again, -1 on a store
 * error (the page stays due; logged). */
int		 pages_apply(struct pages *p, struct store *st,
		    const struct conf *c, const struct fetch_result *r,
		    time_t now);

#endif
