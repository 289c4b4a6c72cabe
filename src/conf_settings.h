#ifndef TIDINGS_CONF_SETTINGS_H
#define TIDINGS_CONF_SETTINGS_H
/*
 * The settings the configuration owns and the modules that act on them
 * take as they are: one vocabulary, no translation between.  conf.h fills
 * them from tidings.conf (conf_init gives the defaults of defaults.h);
 * feed lists (feedlist.h) name an identity policy per feed.  The fetcher
 * takes struct fetch_opts (fetch.h) and dedup enum dedup_identity
 * (dedup.h), without depending on the configuration's parser.
 *
 * Types only: no code, and no header but libc's.
 */
#include <stddef.h>

/* [fetch], the fetcher's part; times in seconds.  To add a fetch option:
 * a field here, a key in conf.c's fetch_keys, its default in conf_init
 * and fetch_opts_init, its use in fetch.c, and a line in fetch_opts_equal
 * when a change must rebuild the fetcher. */
struct fetch_opts {
	int		 max_transfers;		/* >= 1, all hosts */
	int		 host_connections;	/* >= 1, per host */
	double		 host_rate;		/* requests/s/host, 0: none */
	int		 connect_timeout;
	int		 timeout;		/* whole transfer */
	int		 low_speed_limit;	/* bytes/s below which ... */
	int		 low_speed_time;	/* ... for this long aborts */
	size_t		 max_body;		/* after decompression */
	int		 max_redirects;
	/* NULL: "tidings/VERSION (+URL)"; the configuration's string (freed
	 * by conf_free); fetch_new copies it */
	char		*user_agent;
};

/* What makes two items of a feed the same article: a feed's `identity`
 * (feedlist.h) and the policy dedup applies (dedup.h). */
enum dedup_identity {
	DEDUP_AUTO = 0,		/* detect per document (the default) */
	DEDUP_GUID,		/* guid first, then link, then content */
	DEDUP_LINK,		/* never trust guids */
	DEDUP_CONTENT,		/* trust neither guids nor links */
};

#endif
