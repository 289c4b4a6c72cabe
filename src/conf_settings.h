#ifndef TIDINGS_CONF_SETTINGS_H
#define TIDINGS_CONF_SETTINGS_H
/*
 * The settings the configuration owns and the modules that act on them
 * take as they are: one vocabulary, no translation between.  conf.h fills
 * them from tidings.conf (conf_init gives the defaults of defaults.h);
 * feed lists (feedlist.h) name an identity policy per feed.  The fetcher
 * takes struct fetch_opts (fetch.h), export struct export_settings
 * (export.h) and dedup enum dedup_identity (dedup.h), without depending
 * on the configuration's parser.
 *
 * Types only: no code; the identity policy's enum is ident.h's.
 */
#include <stddef.h>

#include "ident.h"	/* enum dedup_identity */

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
	/* http://, https:// or socks5h:// URL every request goes through
	 * (conf_proxy_ok); NULL: none.  The environment's http_proxy,
	 * https_proxy, all_proxy and no_proxy are never read.  Owned as
	 * user_agent is. */
	char		*proxy;
};

/* The formats of an export target. */
enum export_format {
	EXPORT_FMT_TEXT = 0,
	EXPORT_FMT_JSON,
	EXPORT_FMT_MAILDIR,
	EXPORT_FMT_EXEC,
	EXPORT_FMT_WEBHOOK,	/* POSTs the JSON record to url */
};

/* An export target's settings: an [export NAME] section, or `run
 * --export FORMAT:DIR`.  The export module takes them as they are
 * (struct export_target holds a copy).  To add an export setting: a
 * field here, a key in conf.c's export_keys with its default in
 * new_export, the default of other targets in export_target_new, and its
 * use in export.c. */
struct export_settings {
	char		*name;
	char		*file;		/* where it was defined; NULL: not */
	int		 line;		/* in a file */
	enum export_format format;
	char		*dir;		/* text, json, maildir: absolute */
	/* Filters: an empty list lets everything through. */
	char		**feeds;	/* feed names or URLs */
	size_t		  nfeeds;
	char		**tags;		/* any one of them matches */
	size_t		  ntags;
	/* Filter rules (filter.h) as written, checked by conf_parse; a
	 * target compiles them (export_target_from). */
	char		**keep;
	size_t		  nkeep;
	char		**drop;
	size_t		  ndrop;
	int		 updates;	/* export new revisions too */
	int		 duplicates;	/* export cross-feed duplicates */
	int		 fsync;
	char		*command;	/* exec: run by /bin/sh -c */
	/* webhook: where to POST, and the file holding the HMAC key (read
	 * by export_target_open, never logged or printed) */
	char		*url;
	char		*secret_file;	/* absolute */
	/* exec: killed after this; webhook: the whole request (the
	 * configuration's default: exec 60 s, webhook 30 s) */
	int		 timeout_ms;
	/* exec: commands at once; webhook: requests in flight per target
	 * (the configuration's default: exec 1, webhook 4) */
	int		 concurrency;
	/* exec: an article whose command failed 1 + retries times in a row
	 * is set aside, so that the ones after it go ahead; it stays
	 * pending and is tried again every retry_max (never dropped).  A
	 * failing target waits retry_base, doubling up to retry_max (a
	 * webhook: or what the receiver's Retry-After asks, up to
	 * retry_max).  A webhook never sets an article aside for a
	 * retryable answer (5xx, 408, 429, no answer): the target waits. */
	int		 retries;
	int		 retry_base;	/* seconds */
	int		 retry_max;	/* seconds */
	/* Drained only by the daemon of this [daemon] node (NULL: by any
	 * one, one at a time); for the daemon, not the exporter. */
	char		*node;
};

#endif
