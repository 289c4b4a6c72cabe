#ifndef TIDINGS_FEEDLIST_H
#define TIDINGS_FEEDLIST_H
/*
 * Feed lists (pure: reads the files it is given, never logs).
 *
 * The feeds come from the [feeds] section of the main file, then from
 * every file matching its `feeds` glob (default feeds.d/ *.conf next to the
 * main file) in name order; `--feeds FILE` replaces both with one file.
 *
 * One feed per line:
 *
 *     URL [key=value ...]
 *
 * Blank lines and `#` comments (at the start of a line or after white
 * space) are ignored.  URL is http://, https:// or file://; an absolute
 * path /x/y.xml is taken as file:///x/y.xml, and a path starting with ./
 * or ../ as a file relative to the list's own directory (it must be a
 * regular file when fetched: a FIFO or a device fails that feed).  A value
 * containing white space or `#` is written in double quotes, with \" and
 * \\ as escapes:
 *
 *     https://example.org/feed.xml name="Example News" tags=news,world
 *
 * Keys:
 *   name        unique label used in logs, exports and --feed (default: none,
 *               the feed's own title is used for display)
 *   interval    how often to check, e.g. 30m, or auto: learned from the
 *               feed's posting rate (scheduler.h, sched_learn)
 *               (default: [fetch] interval)
 *   tags        comma list
 *   user_agent  replaces the User-Agent for this feed
 *   auth_file   file holding "user:password" for HTTP authentication
 *               (relative to the list's directory); read when fetching, so
 *               the secret never sits in a world-readable list.  Refused
 *               (with a message; the feed is fetched without credentials)
 *               when others may read it, or when the user tidings runs as
 *               owns it and its group may: chmod 600 (cycle_read_auth)
 *   charset     overrides the charset the server or document declares
 *   identity    auto | guid | link | content: what makes two items the same
 *               article (default auto: guid, else link, else content hash)
 *   enabled     yes | no (default yes): a disabled feed stays in the list
 *               and the database but is never fetched
 *   allow_private  yes | no (default: [fetch] allow_private): whether a
 *               redirect may lead into the operator's network (loopback,
 *               private, link-local, unique-local addresses; netguard.h)
 *   proxy       http://, https:// or socks5h:// URL (conf_proxy_ok);
 *               replaces [fetch] proxy for this feed
 *   header      "Name: value", sent with every request of the feed;
 *               repeatable.  Refused: Host, Content-Length,
 *               Transfer-Encoding, Connection (libcurl and the URL own
 *               them), a name that is not an HTTP token, an empty value,
 *               control characters (CR, LF)
 *   cookie_file Netscape-format cookie file (relative to the list's
 *               directory), only ever read: tidings keeps no cookie jar
 *   http_version  1.1 | 2 (default: libcurl's, HTTP/2 over TLS)
 *   ca_file     CA bundle that replaces the system's for this feed, for
 *               a server whose certificate a private CA signed
 *   insecure_tls  no: the only value; certificate checks stay on
 *
 * Secrets: a header whose name is Authorization, Proxy-Authorization or
 * Cookie, or contains "token", "key", "secret", "auth" or "session"
 * (feedlist_header_secret), is shown as "Name: <hidden>" wherever tidings
 * shows a feed's options, and no diagnostic quotes a header's value.
 *   keep, drop  a filter rule FIELD:PATTERN (filter.h); each may be given
 *               any number of times.  A new or updated article the rules
 *               drop is stored and marked, and exported nowhere.
 *
 * A URL or name listed twice is an error naming both places.
 *
 * Credentials in a URL (https://user:password@host/feed) are taken out of
 * it when the list is read: they serve the request (as auth_file would,
 * which wins when both are given) and nothing else, so that logs, the
 * database, `tidings feeds`, exports and links resolved against the feed
 * never show them.  An auth_file keeps them out of the list too.
 */
#include <stddef.h>

#include "buf.h"
#include "conf.h"
#include "filter.h"

#define FEEDLIST_INTERVAL_AUTO	(-1)

struct feedlist_feed {
	char		*url;		/* without user information */
	char		*userinfo;	/* "user:password" from the URL as
					   written (percent-encoded), or NULL */
	char		*name;		/* NULL when the line gives none */
	int		 interval;	/* seconds; 0: [fetch] interval;
					   FEEDLIST_INTERVAL_AUTO: learned */
	char		**tags;
	size_t		  ntags;
	char		*user_agent;
	char		*auth_file;	/* absolute (or relative to cwd) path */
	char		*charset;
	enum dedup_identity identity;	/* conf_settings.h */
	int		 enabled;
	int		 allow_private;	/* -1: as [fetch] allow_private */
	char		*proxy;		/* NULL: [fetch] proxy */
	char		**headers;	/* "Name: value" */
	size_t		  nheaders;
	char		*cookie_file;	/* absolute (or relative to cwd) path */
	int		 http_version;	/* 0, 11 or 2 (fetch_request) */
	char		*ca_file;	/* absolute (or relative to cwd) path */
	struct filter	*filter;	/* keep= and drop= rules; NULL: none */
	char		*file;		/* where it was defined */
	int		 line;
};

struct feedlist {
	struct feedlist_feed *feeds;
	size_t		 n;
};

void	feedlist_free(struct feedlist *fl);

/* Parses text (the contents of file; relative auth_file paths are taken
 * from the file's directory) and appends its feeds.  first_line numbers
 * the text's first line.  Returns ERR_OK or ERR_INVALID with messages in d. */
int	feedlist_parse(struct feedlist *fl, const char *file, const char *text,
	    size_t len, struct conf_diag *d);
/* Parses one feed line (already known to be neither blank nor comment). */
int	feedlist_parse_line(struct feedlist *fl, const char *file, int line,
	    const char *text, struct conf_diag *d);

/* Everything the configuration names (see above), or only `override` when
 * it is not NULL.  Checks for duplicates.  Returns ERR_OK, ERR_INVALID or
 * ERR_IO, with the messages in d. */
int	feedlist_load(struct feedlist *fl, const struct conf *c,
	    const char *override, struct conf_diag *d);

/* Adds URL as a new feed (for OPML import and tests); its user
 * information goes to userinfo. */
struct feedlist_feed *feedlist_add(struct feedlist *fl, const char *url);

/* The feed whose name or URL is s, or NULL. */
const struct feedlist_feed *feedlist_find(const struct feedlist *fl,
	    const char *s);

/* The tags of the feed of the list ctx (a const struct feedlist *) whose
 * URL is url, else whose name or URL is name (outbox_tags_fn); NULL with
 * *ntags 0 when there is none. */
const char *const *feedlist_tags(void *ctx, const char *url,
	    const char *name, size_t *ntags);

/* 1 when the header line "Name: value" carries a secret (above). */
int	feedlist_header_secret(const char *header);

/* Appends f as one line in the syntax above (with a newline), the URL
 * with its user information: the line is a feed list's, like the one it
 * came from. */
void	feedlist_format(const struct feedlist_feed *f, struct buf *b);


#endif
