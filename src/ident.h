#ifndef TIDINGS_IDENT_H
#define TIDINGS_IDENT_H
/*
 * The vocabulary of article identity that dedup decides in and the store
 * keeps: the identity modes a feed can be in, and the sizes of the keys
 * and hashes that name an article.  It is apart from dedup.h so that the
 * store (and any other backend) can speak it without depending on dedup's
 * code; the names keep dedup's prefix because dedup owns what they mean
 * (see dedup.h).  Pure.
 */

enum dedup_identity {
	DEDUP_AUTO = 0,		/* detect per document (the default) */
	DEDUP_GUID,		/* guid first, then link, then content */
	DEDUP_LINK,		/* never trust guids */
	DEDUP_CONTENT,		/* trust neither guids nor links */
};

/* An identity key and a content (or raw) hash: bytes, not strings. */
#define DEDUP_KEYLEN	16
#define DEDUP_HASHLEN	16

/* "auto", "guid", "link", "content": the names the configuration, the
 * command line and the database use. */
const char	*dedup_identity_name(enum dedup_identity m);
/* 0 or ERR_INVALID. */
int		 dedup_identity_parse(const char *s, enum dedup_identity *out);

#endif
