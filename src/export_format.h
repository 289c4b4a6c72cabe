#ifndef TIDINGS_EXPORT_FORMAT_H
#define TIDINGS_EXPORT_FORMAT_H
/*
 * What an exported article looks like (pure: no I/O, no logging): the bytes
 * of each format and the file name they go under.  The same item always
 * renders to the same bytes and the same name, which is what lets a replay
 * after a crash recognise its own earlier work (export.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "buf.h"
#include "conf_settings.h"

/* enum export_format is the configuration's (conf_settings.h). */

enum export_kind {
	EXPORT_KIND_NEW = 0,
	EXPORT_KIND_UPDATE,	/* a later revision of a known article */
	EXPORT_KIND_DUPLICATE,	/* the same article seen in another feed */
};

/* The version of the JSON document's shape ("export_version"). */
#define EXPORT_JSON_VERSION	1
/* File names: the feed slug is at most this many bytes. */
#define EXPORT_SLUG_MAX		40
/* Hex digits of SHA-256(identity) in file names. */
#define EXPORT_HASH_HEX		12

/*
 * One article as the exporter sees it.  Everything is borrowed.  identity
 * is a stable key for the article (never NULL or empty), unique across
 * feeds and surviving a rebuilt database: e.g. the URL of the feed that
 * first brought it, a newline, and the article's parse identity (a->id);
 * revision counts from 1.  first_seen (UTC seconds, 0 = unknown) dates an
 * article that has no published date of its own.
 */
struct export_item {
	const struct article	*article;
	const char		*feed_title;
	const char		*feed_url;
	const char		*feed_name;	/* configured name, or NULL */
	const char *const	*tags;
	size_t			 ntags;
	const char		*identity;
	int			 revision;
	enum export_kind	 kind;
	int64_t			 first_seen;
};

const char	*export_format_name(enum export_format f);
/* "text", "json", "maildir", "exec", "webhook" -> *out; ERR_INVALID
 * otherwise. */
int		 export_format_from_name(const char *s,
		    enum export_format *out);
const char	*export_kind_name(enum export_kind k);

/* The feed slug: ASCII [a-z0-9-], no leading or trailing '-', at most
 * EXPORT_SLUG_MAX bytes, from feed_name, else feed_title, else the host of
 * feed_url, else "feed"; never empty.  out must hold EXPORT_SLUG_MAX + 1. */
void	export_format_slug(const struct export_item *it, char *out, size_t n);
/* The date a file name sorts by: published, else first_seen, else updated,
 * else 0; clamped to years 1970..9999. */
int64_t	export_format_date(const struct export_item *it);

/*
 * The final file name of the item in a target of format f:
 *     text, json:  20210506T120000Z-ukrainian-news-0123456789ab.txt
 *                  (".r3" before the extension for revision 3)
 *     maildir:     1620302400.0123456789ab.tidings  (".r3" before ".tidings")
 * Maildir names are deterministic rather than time/pid unique, so that a
 * replay finds the message it already delivered.  The hash is of the
 * identity, and for a duplicate of the identity and the feed it came
 * through (feed_url, else feed_name, else feed_title), so that it does not
 * take the original's name; the Message-ID follows the same hash.
 * Nothing from a title or feed name reaches the name except through the
 * slug.  ERR_INVALID when the item has no identity or f is exec or
 * webhook (which write no file).
 */
int	export_format_filename(const struct export_item *it,
	    enum export_format f, struct buf *out, char *ebuf, size_t n);

/*
 * The item's Idempotency-Key for a webhook: the 64 hex digits of the hash
 * its file names take 12 of (the identity, and a duplicate's feed), and
 * ".rN" for revision N > 1: the same for the same delivery in every
 * attempt and process, different for a new revision.  out must hold 80
 * bytes.  ERR_INVALID when the item has no identity.
 */
int	export_format_key(const struct export_item *it, char *out, size_t n,
	    char *ebuf, size_t en);

/* Appends the bytes of the item in format f (exec and webhook get the
 * JSON).  Returns
 * ERR_INVALID when the item lacks an article or an identity. */
int	export_format_render(const struct export_item *it,
	    enum export_format f, struct buf *out, char *ebuf, size_t n);

/* The formats one by one (render dispatches to these). */
void	export_format_text(const struct export_item *it, struct buf *out);
void	export_format_json(const struct export_item *it, struct buf *out);
void	export_format_mail(const struct export_item *it, struct buf *out);

/* Header helpers for the mail format, exposed for the tests. */
void	export_format_rfc2047(const char *s, size_t first_room,
	    struct buf *out);
void	export_format_rfc5322_date(int64_t utc, int tzoff, struct buf *out);

#endif
