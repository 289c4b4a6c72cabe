#ifndef TIDINGS_CONF_H
#define TIDINGS_CONF_H
/*
 * The main configuration file, /etc/tidings/tidings.conf (pure: reads the
 * file it is given, never logs).
 *
 * Syntax: INI-like.  Blank lines and lines whose first non-blank character
 * is `#` are ignored; `#` after white space also starts a comment, so URLs
 * with fragments keep working.  Sections:
 *
 *   [daemon]   db, feeds, log_level, metrics_file, parse_threads,
 *              add_file, node, lease
 *   [fetch]    max_transfers, host_connections, host_rate, connect_timeout,
 *              timeout, low_speed_limit, low_speed_time, max_body,
 *              max_redirects, user_agent, interval, min_interval,
 *              max_interval, max_backoff, startup_spread,
 *              permanent_redirects, allow_private, proxy,
 *              insecure_tls (only "no")
 *   [store]    keep_days, max_articles
 *   [export NAME]  dir, format, feeds, tags, keep, drop, updates,
 *              duplicates, fsync, command, timeout, concurrency, retries,
 *              retry_base, retry_max
 *   [feeds]    feed lines, exactly as in a feeds.d file (see feedlist.h)
 *
 * Settings are `key = value`; a value may be wrapped in double quotes (then
 * \" and \\ are escapes).  Durations take s, m, h, d, w suffixes (bare
 * numbers are seconds); sizes take k, M, G (powers of 1024); booleans are
 * yes/no, true/false, on/off, 1/0.  Relative paths are relative to the
 * directory of the file that names them.  Unknown sections and keys are
 * errors, and so is a key set twice in one section (or in two sections of
 * the same name): the second would silently override the first.
 * keep and drop (filter rules, filter.h) are lists: each line adds one.  Every
 * error is one line "FILE:LINE: message".
 *
 * `feeds` names feed list files by a path or glob pattern.  Set in the
 * file, it must match at least one file (which may list no feed: that is
 * an explicitly empty list); matching nothing is a typo or a file gone
 * missing, so check-config reports it, `run` and the daemon refuse to
 * start and a reload is refused.  The default feeds.d/ *.conf may match
 * nothing.
 */
#include <stddef.h>

#include "conf_settings.h"
#include "fulltext.h"

/* A list of "FILE:LINE: message" lines, shared with feedlist. */
struct conf_diag {
	char	**msgs;
	size_t	  n;
};

void	conf_diag_add(struct conf_diag *d, const char *file, int line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	conf_diag_free(struct conf_diag *d);

/* A raw line of the [feeds] section, parsed later by feedlist. */
struct conf_line {
	char	*text;
	int	 line;
};

struct conf {
	char	*path;		/* the file read; NULL when none was */
	char	*dir;		/* for relative paths ("." when no file) */

	/* [daemon] */
	char	*db_path;
	char	*feeds_glob;	/* default DIR/feeds.d/ *.conf */
	int	 feeds_line;	/* line that sets feeds; 0: the default */
	char	*add_file;	/* the feed list `tidings add` appends to;
				   default DIR/feeds.d/added.conf */
	int	 log_level;	/* log.h levels; default notice */
	char	*metrics_file;	/* Prometheus text, after each cycle; NULL */
	int	 parse_threads;	/* the parse pool's workers; -1 = auto */
	char	*node;		/* this daemon's name; NULL: the host name */
	int	 lease;		/* claims of feeds and hosts, seconds */

	/* [fetch]; times in seconds */
	struct fetch_opts fetch;	/* the fetcher's settings */
	int	 interval;		/* default per feed; with
					   interval_auto, the default of a
					   feed with too little history */
	int	 interval_auto;		/* interval = auto (sched_learn) */
	int	 min_interval;
	int	 max_interval;
	int	 max_backoff;
	int	 startup_spread;	/* overdue feeds spread over this */
	int	 permanent_redirects;	/* 301/308 this often: moved */
	int	 allow_private;		/* redirects into the operator's
					   network allowed (netguard.h) */
	int	 insecure_tls;		/* always 0: "no" is the only value */
	/* whole articles from teaser feeds (fulltext.h) */
	enum fulltext_mode fulltext;	/* default of every feed: auto */
	size_t	 max_page;		/* a page's size cap; 5M */
	int	 fulltext_wait;		/* seconds an article waits for its
					   page before it goes out with the
					   feed's body; 10m */
	int	 allow_private_pages;	/* pages on the operator's network
					   of another host than the feed's */

	/* [store] */
	int	 keep_days;		/* 0 = forever */
	int	 max_articles;		/* per feed; 0 = unlimited */

	struct export_settings *exports;	/* [export NAME] */
	size_t	 nexports;

	struct conf_line *feed_lines;	/* the [feeds] section */
	size_t	 nfeed_lines;
};

/* Fills c with the built-in defaults (no file).  The database defaults to
 * $STATE_DIRECTORY/tidings.db when systemd sets that, else
 * LOCALSTATEDIR/lib/tidings/tidings.db. */
void	conf_init(struct conf *c);
void	conf_free(struct conf *c);

/* Parses text (len bytes; need not be NUL-terminated) as the contents of
 * file into c, which conf_init prepared.  Every problem is added to d.
 * Returns ERR_OK, or ERR_INVALID when d got at least one message. */
int	conf_parse(struct conf *c, const char *file, const char *text,
	    size_t len, struct conf_diag *d);

/* conf_init, then reads and parses path.  path NULL means the default
 * SYSCONFDIR/tidings/tidings.conf, which may be missing (then defaults
 * apply); a path given explicitly must exist.  Returns ERR_OK,
 * ERR_INVALID or ERR_IO, with the messages in d. */
int	conf_load(struct conf *c, const char *path, struct conf_diag *d);

/* The default path of the main file. */
const char *conf_default_path(void);

/* Parsers shared with feedlist.  Each returns 0 or -1. */
int	conf_parse_duration(const char *s, int *out);
int	conf_parse_size(const char *s, size_t *out);
int	conf_parse_bool(const char *s, int *out);
/* 1 when s is a proxy URL tidings takes: http://, https:// or
 * socks5h:// (names resolve at the proxy, so no lookup leaves from here),
 * a host, no user name or password (the list would hold a secret), no
 * white space or control character; else 0 with the reason in *why. */
int	conf_proxy_ok(const char *s, const char **why);
/* The message for insecure_tls set to anything but no. */
#define CONF_INSECURE_TLS_MSG "insecure_tls: TLS certificate checks " \
	"cannot be turned off (\"no\" is the only value); give the " \
	"server's CA certificate with ca_file=PATH instead"
/* Splits a comma list into trimmed, non-empty copies (appended). */
void	conf_split_list(const char *s, char ***v, size_t *n);
/* Returns a new string: path if absolute or a URI ("scheme://...", such
 * as a PostgreSQL database's), else dir/path. */
char	*conf_path(const char *dir, const char *path);
/* Returns a new string: the directory of the file path names ("." for a
 * bare name, "/" for one in the root). */
char	*conf_dir_of(const char *path);
/* The closest of the NULL-terminated names to s, or NULL when none is
 * close enough to suggest. */
const char *conf_suggest(const char *s, const char *const *names);
/* Compiles the filter rule v (filter.h) of key ("keep" or "drop") into
 * *fp, made when NULL.  A bad rule is a message "FILE:LINE: KEY: ..." in
 * d (an unknown field with "did you mean"); returns 0 or -1. */
struct filter;
int	conf_rule_add(struct filter **fp, const char *key, const char *v,
	    const char *file, int line, struct conf_diag *d);

#endif
