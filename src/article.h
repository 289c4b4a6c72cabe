#ifndef TIDINGS_ARTICLE_H
#define TIDINGS_ARTICLE_H
/*
 * The article record: what every feed format is normalised into, what the
 * store keeps and what the exporters write.  Strings are UTF-8, owned by
 * the record, NULL when absent.  article_free frees everything.
 */
#include <stddef.h>

#include "date.h"

struct article_enclosure {
	char		*url;
	char		*type;		/* MIME type or NULL */
	long long	 length;	/* bytes, -1 when unknown */
};

struct article {
	char		*id;		/* identity key, see parse.h */
	char		*guid;		/* raw guid / atom:id / JSON id */
	char		*link;		/* canonical: resolved, no tracking */
	char		*title;
	char		*author;
	int		 has_published;
	struct date_time published;
	int		 has_updated;
	struct date_time updated;
	char		*summary;	/* sanitized HTML */
	char		*content;	/* sanitized HTML */
	char		*text;		/* plain text of content, else summary */
	char		**categories;
	size_t		 ncategories;
	struct article_enclosure *enclosures;
	size_t		 nenclosures;
	char		*comments;	/* URL of the comments page */
	char		*language;
	/* Media and podcast extras; parse_xml.c's table says which element
	 * wins.  The store keeps them (articles_v2) but never counts a change
	 * in them alone as an update. */
	char		*image;		/* picture URL: absolute, http(s) */
	int		 has_duration;
	long long	 duration;	/* seconds (itunes:duration) */
	int		 has_comment_count;
	long long	 comment_count;	/* slash:comments, >= 0 */
};

enum article_format {
	ARTICLE_FMT_UNKNOWN = 0,
	ARTICLE_FMT_RSS20,
	ARTICLE_FMT_RSS10,
	ARTICLE_FMT_RSS09X,
	ARTICLE_FMT_ATOM10,
	ARTICLE_FMT_ATOM03,
	ARTICLE_FMT_JSONFEED,
};

struct article_feed {
	enum article_format format;
	char		*title;
	char		*link;
	char		*description;
	char		*language;
	char		*author;
	char		*image;
	char		*generator;
	int		 has_updated;
	struct date_time updated;
	int		 bozo;		/* recovered from errors */
	char		*bozo_message;	/* the first error, with its line */
	/* Hints for the scheduler; 0 when the feed gives none. */
	int		 ttl_minutes;		/* RSS <ttl> */
	int		 update_period_minutes;	/* sy:updatePeriod/Frequency */
	unsigned	 skip_hours;		/* bit h set: skip hour h (UTC) */
	unsigned	 skip_days;		/* bit 0 = Monday ... 6 = Sunday */
};

struct article	*article_new(void);
void		 article_free(struct article *a);
/* Takes a copy of s; ignores NULL, empty and repeated categories. */
void		 article_add_category(struct article *a, const char *s);
/* Takes copies; url must not be NULL. */
void		 article_add_enclosure(struct article *a, const char *url,
		    const char *type, long long length);
/* Replaces *field with a copy of s (NULL clears it). */
void		 article_set(char **field, const char *s);

void		 article_feed_init(struct article_feed *f);
void		 article_feed_clear(struct article_feed *f);
const char	*article_format_name(enum article_format f);

#endif
