#ifndef TIDINGS_DEDUP_H
#define TIDINGS_DEDUP_H
/*
 * Article identity, decided here and nowhere else.  For each item dedup
 * derives a set of keys, and for each fetched document a plan that says
 * which of those keys can be trusted for this feed (both pure: no I/O).
 * dedup_item_store then decides, from the store's lookups by key, whether
 * the item is new, an update, a duplicate from another feed or unchanged,
 * and makes the store write that (dedup_store.c).  The store only looks
 * up and writes; ingest calls dedup once per item, inside a batch.
 *
 * Keys (16 bytes each: a truncated SHA-256 of the key's kind and text, so
 * that a long URL costs no more index space than a short one):
 *   guid     the trimmed guid / atom:id / JSON id, scoped to the feed;
 *   link     the link key (dedup_link_key), global: http and https, "www.",
 *            a trailing slash and tracking parameters make no difference;
 *   content  normalised title and text, scoped to the feed: the identity
 *            of last resort (an item with neither guid nor link);
 *   fp       the same fingerprint, global, set only when the text is long
 *            enough that two feeds carrying it means the same article
 *            (the store keeps these per day of first sight: syndicated
 *            copies arrive within a day or two of each other).
 * The content hash decides "unchanged" versus "updated": it covers the
 * title, the text, the author, the published date and the link key, with
 * white space folded and tracking parameters removed, so a re-indented or
 * re-tagged item is not an update.  Categories and enclosures are left
 * out: feeds add and drop them between formats and fetches (the example
 * Atom feed carries no enclosure, its RSS twin does), and a reader would
 * not call that a new version of the article.
 */
#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "buf.h"
#include "ident.h"
#include "store.h"

/* Below this many bytes of normalised text a global fingerprint would
 * merge unrelated short items ("Daily update") across feeds. */
#define DEDUP_FP_MIN_TEXT 200
/* Items that kept their link but changed their guid before auto mode stops
 * trusting the feed's guids. */
#define DEDUP_CHURN_LIMIT 2

struct dedup_keys {
	/* dedup_keys_quick: */
	int		has_guid, has_link;
	unsigned char	guid[DEDUP_KEYLEN];
	unsigned char	link[DEDUP_KEYLEN];
	/* A fast (not cryptographic) hash of the item's raw fields: equal
	 * means "byte for byte what this feed sent last time", which lets
	 * the common case skip normalisation and SHA-256 entirely. */
	unsigned char	raw[DEDUP_HASHLEN];
	unsigned char	tt[DEDUP_KEYLEN];	/* raw title and body */
	int		has_fp;		/* quick: a guess; complete: exact */
	/* dedup_keys_complete: */
	int		full;
	unsigned char	content[DEDUP_KEYLEN];
	unsigned char	fp[DEDUP_KEYLEN];
	unsigned char	hash[DEDUP_HASHLEN];	/* content hash */
};

/* What a document allows.  mode is the primary key; the use_* flags say
 * whether a kind of key may be looked up at all (a guid shared by two items
 * of one document, or a link every item shares, would merge them). */
struct dedup_plan {
	enum dedup_identity mode;	/* never DEDUP_AUTO */
	int		use_guid;
	int		use_link;
	int		use_fp;
	/* 0 when the operator forced guid: then a link or fingerprint match
	 * inside the same feed does not make two guids one article. */
	int		same_feed_fallback;
	const char	*reason;	/* static string, for logs and the db */
};

/* Fills the quick keys of k for item a (guid, link, raw, tt).  site_link is
 * the feed's home page (may be NULL): an item whose link is the home page
 * has no link identity. */
void	dedup_keys_quick(const struct article *a, const char *site_link,
	    struct dedup_keys *k);
/* Adds the normalised keys (content, fp, hash) to quick keys; sets full. */
void	dedup_keys_complete(const struct article *a, struct dedup_keys *k);
/* Both. */
void	dedup_keys_compute(const struct article *a, const char *site_link,
	    struct dedup_keys *k);

/* Chooses the plan for one document of n items (quick keys are enough;
 * two items with the same raw title and body count as one fingerprint).  churn is how many times this feed has changed an
 * item's guid while its link stayed (kept by the store). */
void	dedup_plan_make(enum dedup_identity configured,
	    const struct dedup_keys *keys, size_t n, long churn,
	    struct dedup_plan *p);

/* The link key: a new string, or NULL when url is NULL or blank.  For http
 * and https: no scheme, host lower-case without "www." and default port,
 * no trailing slash, no tracking parameters, no empty or tracking fragment.
 * Other URLs come back trimmed. */
char	*dedup_link_key(const char *url);
/* url without tracking parameters (a new string; NULL in, NULL out). */
char	*dedup_strip_tracking(const char *url);
/* 1 if the query parameter name (len bytes) is a known tracking one. */
int	 dedup_is_tracking_param(const char *name, size_t len);
/* Appends s to out with white space (ASCII, no-break and the Unicode
 * spaces) folded to single spaces, zero-width spaces removed, the ends
 * trimmed, and tracking parameters removed from http(s) URLs inside. */
void	 dedup_normalize(const char *s, struct buf *out);

/* ---- deciding against the store ---- */

enum dedup_outcome {
	DEDUP_NEW = 0,
	DEDUP_UPDATED,
	DEDUP_DUPLICATE,	/* known from another feed; now linked */
	DEDUP_UNCHANGED,	/* seen before (also: removed by retention) */
};

enum dedup_match {
	DEDUP_MATCH_NONE = 0,
	DEDUP_MATCH_GUID,
	DEDUP_MATCH_LINK,
	DEDUP_MATCH_CONTENT,
	DEDUP_MATCH_FP,
};

struct dedup_item {
	/* in */
	const struct dedup_plan *plan;
	/* Quick keys are enough: dedup_item_store completes them
	 * (dedup_keys_complete) only when the item is not plainly the same
	 * bytes as last time. */
	struct dedup_keys *keys;
	/* NULL, or the same item's keys completed ahead (dedup_keys_compute,
	 * on another thread): taken instead of completing keys here, with
	 * the same result. */
	const struct dedup_keys *ahead;
	int		 dup_as_new;	/* a cross-feed duplicate is exported
					 * as new (else event "duplicate") */
	int64_t		 now;
	/* out */
	enum dedup_outcome outcome;
	enum dedup_match matched_by;
	int		 guid_changed;	/* same feed, new guid, known link */
	int64_t		 article_id;
};

/* Decides what item a is to the current batch's feed and has the store
 * write it: a new article, a new version, a link to another feed's
 * article, or at most a note that it was seen.  Must be inside a batch
 * (store_batch_begin).  The image, duration and comment count are not
 * part of the content hash: a change in them alone leaves the stored
 * article as it was.  Returns the store's error, if any. */
int	dedup_item_store(struct store *st, const struct article *a,
	    struct dedup_item *u, char *ebuf, size_t n);

/* Before a document's n items go through dedup_item_store, in their
 * order, inside the batch: tells the store every key those calls will
 * look up (store_keys_ahead), in two steps, so that a store whose lookups
 * are round trips to a server makes two for the document instead of
 * several an item.  The first step names each item's first key; when the
 * store keeps the answers, the items they do not show plainly unchanged
 * get their complete keys (dedup_keys_complete) and the second step names
 * the rest of their keys.  The decisions are the ones dedup_item_store
 * makes without it. */
int	dedup_items_ahead(struct store *st, struct article *const *items,
	    struct dedup_keys *keys, size_t n, const struct dedup_plan *p,
	    int64_t now, char *ebuf, size_t en);

#endif
