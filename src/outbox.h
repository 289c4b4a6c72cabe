#ifndef TIDINGS_OUTBOX_H
#define TIDINGS_OUTBOX_H
/*
 * The exporter loop: hands the store's outbox events to the export targets
 * (export.h) after the articles were committed.  For each target it walks
 * the pending events oldest first, renders each with the feed as recorded
 * with the event (so that a replay after a crash writes the same bytes),
 * delivers a batch, fsyncs the directory once, and only then marks the
 * batch done: a crash anywhere leads to a replay, never to a loss.  An
 * exec event is marked done after its command, before the next one runs.
 *
 * One process delivers to a target at a time (store_target_lock), from
 * reading its pending events until they are marked done: overlapping runs
 * and a run beside the daemon deliver each event once per target.  A drain
 * without a time budget (`tidings run`) waits for another process's turn
 * to end; one with a budget (the daemon) passes the target over until
 * next time.  The daemon holds an exec target's lock while its commands
 * run.
 *
 * A failing target (missing, unwritable or full directory, a failing
 * command) keeps its events pending and is retried after export_backoff
 * (retry_base doubling up to retry_max); the failure is logged once (by
 * export.c) and recorded in the store for `tidings outbox`.  Other targets
 * and the polling of feeds go on.  No single event holds a target back:
 * one whose file name holds another file (a name collision) is set aside
 * at once, and an exec event whose command failed 1 + retries times in a
 * row likewise, and a webhook event its receiver refused (a 4xx other
 * than 408 and 429) at once; a webhook's retryable failure (5xx, 408,
 * 429, no answer) is the target's, which waits retry_base doubling, or
 * the receiver's Retry-After, up to retry_max, keeping the order.  The target goes on with the events after it and tries
 * the one set aside again every retry_max; it stays pending, the store
 * keeps its count and reason (store_event_failed) for `tidings outbox`
 * and later processes, and the store's error for the target says so.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "export.h"
#include "store.h"

struct outbox;

/* The tags of a feed, found by its URL or else its name as recorded with
 * an event (either may be NULL): what a target's tag filter matches.
 * Returns the tags and their number in *ntags, or NULL (*ntags 0) when
 * the feed has none or is not known.  feedlist_tags is one. */
typedef const char *const *(*outbox_tags_fn)(void *ctx, const char *url,
	    const char *name, size_t *ntags);

struct outbox	*outbox_new(void);
/* Kills the commands still running and lets go of the target locks it
 * holds: call it before store_close of the store it drained. */
void		 outbox_free(struct outbox *ob);
/* Takes ownership of t. */
void		 outbox_add(struct outbox *ob, struct export_target *t);
/* A target for each of the n settings in v (the configuration's [export
 * NAME] sections), with a copy of them. */
void		 outbox_add_targets(struct outbox *ob,
		    const struct export_settings *v, size_t n);
/* "FORMAT:DIR" as given to `run --export`; ERR_INVALID with a message. */
int		 outbox_add_spec(struct outbox *ob, const char *spec,
		    char *ebuf, size_t n);
size_t		 outbox_count(const struct outbox *ob);
struct export_target *outbox_target(struct outbox *ob, size_t i);
struct export_target *outbox_find(struct outbox *ob, const char *name);
/* After a reload: what the targets of the same name in from knew (a
 * failure, so that the recovery is logged), with the retry due now. */
void		 outbox_carry(struct outbox *to, const struct outbox *from);
/* Where the tags of each feed come from (for tag filters): fn(ctx, ...);
 * ctx is borrowed and may change at any time (a reload); fn NULL = no
 * feed has tags. */
void		 outbox_set_tags(struct outbox *ob, outbox_tags_fn fn,
		    void *ctx);

/* The database's failures met while exporting (a store call that
 * failed: reading events, marking them done, a target's lock) go to
 * fn(ctx, target, message) instead of the log, for a daemon that logs an
 * outage of its database once; the target is tried again as after any
 * failure.  fn NULL (the default): each is logged. */
typedef void (*outbox_db_fn)(void *ctx, const char *target,
    const char *msg);
void		 outbox_set_db_errors(struct outbox *ob, outbox_db_fn fn,
		    void *ctx);

/* With on, exec and webhook targets start their commands or requests (up
 * to the target's cap) and collect them on later calls instead of
 * waiting: for the daemon, whose polling must not wait for a slow command
 * or receiver.  Both are at least once: a command killed or a request
 * abandoned (outbox_free, a crash) runs again, a request with the same
 * Idempotency-Key. */
void		 outbox_set_async(struct outbox *ob, int on);
/* 1 while commands run: call outbox_drain again soon to collect them. */
int		 outbox_busy(const struct outbox *ob);

/*
 * Delivers pending events of every target that is not waiting out a
 * backoff.  With budget_ms > 0 it returns once that much time was spent
 * (the daemon keeps polling feeds in between); 0 = until nothing is left.
 * Returns 1 when work is left that could go on now, else 0.  Store errors
 * are logged and count as a failure of the target.
 */
int		 outbox_drain(struct outbox *ob, struct store *st, time_t now,
		    long budget_ms);
/* The earliest time a failing target, or an event set aside, is
 * retried; 0 when none is waiting. */
time_t		 outbox_next_retry(const struct outbox *ob);
/* How many targets failed at their last attempt. */
size_t		 outbox_failing(const struct outbox *ob);
/* Events delivered (or filtered out) since outbox_new. */
long		 outbox_exported(const struct outbox *ob);

/* How many events target has not marked done. */
int		 outbox_pending(struct store *st, const char *target,
		    long *count, char *ebuf, size_t n);

/*
 * Fills it for event e: the article (*ap, the caller's: article_free) and
 * the feed as recorded with the event.  The strings in it point into *ap,
 * e and *scratch (free with outbox_item_clear).
 */
struct outbox_scratch {
	struct store_article_meta meta;
	struct store_feed	 feed;
	int			 have_feed;
	char			*identity;
};
int		 outbox_item_load(struct store *st, const struct store_event *e,
		    outbox_tags_fn tags, void *ctx, struct export_item *it,
		    struct article **ap, struct outbox_scratch *sc,
		    char *ebuf, size_t n);
void		 outbox_item_clear(struct outbox_scratch *sc);

#endif
