#ifndef TIDINGS_CYCLE_H
#define TIDINGS_CYCLE_H
/*
 * One check of one feed, between the fetcher and the store: what the
 * daemon's loop (daemon.h, also `tidings run`) does for each due feed and
 * each finished transfer.  The order is: stored state -> fetch request
 * (cycle_request); fetch result -> ingest (200) or nothing (304, errors)
 * -> feed state (validators, failures, redirects, retirement) -> next
 * check from the scheduler (cycle_apply).  The loop holds the state
 * cycle_apply last read and wrote, and builds the next request from it:
 * the state is read once per check.
 *
 * Logs (a feed moved, a feed retired); everything else is returned.
 */
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "feedlist.h"
#include "fetch.h"
#include "ingest.h"
#include "scheduler.h"
#include "store.h"

/* What one check did, for progress lines, `feeds` and the exit status. */
struct cycle_outcome {
	int	 failed;		/* fetch, parse or store error */
	int	 not_modified;
	long	 added;
	long	 updated;
	long	 duplicate;		/* known from another feed */
	long	 pages;			/* articles' pages made due */
	int	 moved;			/* the URL was changed in the store */
	int	 retired;		/* 410 */
	int	 failures;		/* consecutive, after this check */
	time_t	 next_check;		/* what the scheduler chose */
	const char *eclass;		/* failed: "parse", "store" or a
					 * fetch_error_name; NULL otherwise */
	char	 msg[300];		/* one line: "ok", "304", the error */
};

void	cycle_limits(const struct conf *c, const struct feedlist_feed *fc,
	    struct sched_limits *l);

/* 1 when fc's interval is learned: its interval=auto, or none of its own
 * under [fetch] interval = auto. */
int	cycle_interval_auto(const struct conf *c,
	    const struct feedlist_feed *fc);
/* The interval sched_learn gives feed id (configured as fc) at now, from
 * its newest stored articles (their first-seen and publication times).
 * On a store error le says "too little history" and the error is
 * returned. */
int	cycle_learn(struct store *st, const struct conf *c,
	    const struct feedlist_feed *fc, int64_t id, time_t now,
	    struct sched_learned *le, char *ebuf, size_t n);

/* Finds (or creates) the stored feed for a configured one: by URL, then by
 * name (an unnamed feed is stored under its configured URL as name), so
 * that a feed moved by a permanent redirect stays the same feed. */
int	cycle_feed_id(struct store *st, const struct feedlist_feed *fc,
	    int64_t *id, char *ebuf, size_t n);

/* A feed is due when never checked, when its next check has come, or
 * when its last check is later than now (the clock was set back); retired
 * feeds and disabled ones never are (`run --feed` forces them). */
int	cycle_is_due(const struct store_feed *sf,
	    const struct feedlist_feed *fc, time_t now);

/* Reads the feed's auth_file ("user:password", one line).  Returns a new
 * string, or NULL with a message in ebuf.  Like ssh with a private key,
 * it refuses a file that others may access at all, or that the reading
 * user owns and its group may access (chmod 600 it); a file owned by
 * another user may be shared through its group (root:tidings 0640).  It
 * also refuses anything but a regular file, and never blocks opening
 * one (a FIFO). */
char	*cycle_read_auth(const char *path, char *ebuf, size_t n);
/* 0 when the cookie_file at path is one cycle_read_auth would take
 * (a regular file, not too open); else -1 with a message in ebuf.
 * libcurl reads the file itself, when fetching. */
int	cycle_check_cookies(const char *path, char *ebuf, size_t n);
/* The "user:password" a request for fc sends: its auth_file's, else the
 * credentials its URL was written with, else NULL (ebuf then empty).  A new
 * string, or NULL with a message in ebuf when the auth_file is unusable. */
char	*cycle_auth(const struct feedlist_feed *fc, char *ebuf, size_t n);

/* The request for feed fc from its stored state sf (URL, validators),
 * sending userpwd (may be NULL) and carrying ctx, with fc's network
 * options (proxy, headers, cookie_file, http_version, ca_file).  Points
 * into sf, fc and userpwd. */
void	cycle_request(const struct store_feed *sf,
	    const struct feedlist_feed *fc, const char *userpwd, void *ctx,
	    struct fetch_request *req);
/* The feed's allow_private, else [fetch]'s: fetch_request.allow_private. */
int	 cycle_allow_private(const struct conf *c,
	    const struct feedlist_feed *fc);
/* The feed's fulltext, else [fetch]'s. */
enum fulltext_mode cycle_fulltext(const struct conf *c,
	    const struct feedlist_feed *fc);

/* The parse half of cycle_apply, which the daemon runs on its parse pool
 * (parse_pool.h) while the store's writer stays on the loop's thread.
 * cycle_wants_body: whether r is an answer whose body cycle_apply
 * ingests (a 200).  cycle_parse_opts: the ingest options cycle_apply
 * uses for it (pointing into c's feed fc and r; now is left 0).
 * cycle_parse: parses r's body with them into doc (ingest.h) and
 * computes the items' keys ahead (ingest_doc_keys), whole when cold says
 * the feed never stored a document (its items are all new); pure, so any
 * thread may run it while r and io's strings stay alive. */
int	cycle_wants_body(const struct fetch_result *r);
void	cycle_parse_opts(const struct conf *c, const struct feedlist_feed *fc,
	    const struct fetch_result *r, struct ingest_opts *io);
void	cycle_parse(const struct fetch_result *r, const struct ingest_opts *io,
	    int cold, struct ingest_doc *doc);

/* Applies one finished transfer of feed id (configured as fc) to the
 * store: reads the feed's state once, after ingest (which may store new
 * hints), and writes it back.  When state is not NULL it receives the
 * state as written (the URL a move gave included; the caller's:
 * store_feed_clear), from which the next request is built; it is left
 * alone when the state could not be read.  Returns 0, or the store's
 * error (the outcome says what happened to the feed either way). */
int	cycle_apply(struct store *st, const struct conf *c,
	    const struct feedlist_feed *fc, int64_t id,
	    const struct fetch_result *r, time_t now, struct store_feed *state,
	    struct cycle_outcome *out, char *ebuf, size_t n);
/* The same with r's body parsed already (cycle_parse, borrowed); doc NULL
 * parses it here, as cycle_apply does.  Either way the store sees the
 * same batch. */
int	cycle_apply_parsed(struct store *st, const struct conf *c,
	    const struct feedlist_feed *fc, int64_t id,
	    const struct fetch_result *r, const struct ingest_doc *doc,
	    time_t now, struct store_feed *state, struct cycle_outcome *out,
	    char *ebuf, size_t n);

#endif
