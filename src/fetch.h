#ifndef TIDINGS_FETCH_H
#define TIDINGS_FETCH_H
/*
 * The fetcher: one libcurl multi handle, driven from one thread, that owns
 * every transfer.  It never parses a feed; it hands back bytes and what the
 * server said about them.
 *
 * Politeness is enforced here, not by callers: at most max_transfers run at
 * once, at most host_connections per host, and a host is sent at most
 * host_rate new requests per second (requests over the limits wait in a
 * per-host queue, in the order they were added).  HTTP/2 streams share one
 * connection where the server offers it.
 *
 * Use, one-shot (`tidings run`):
 *
 *	f = fetch_new(&opts, ebuf, sizeof(ebuf));
 *	for (each due feed)
 *		fetch_add(f, &req);
 *	while (fetch_pending(f) > 0) {
 *		fetch_poll(f, 1000);
 *		while ((r = fetch_next(f)) != NULL) {
 *			handle(r);		(r->ctx is req.ctx)
 *			fetch_result_free(r);
 *		}
 *	}
 *	fetch_free(f);
 *
 * and in a daemon loop the same calls, with fetch_poll's timeout set to the
 * scheduler's sleep; a signal handler (or another thread) calls
 * fetch_wakeup so that fetch_poll returns at once.  A signal also makes
 * fetch_poll return early on its own (poll(2) is never restarted).
 */
#include <stddef.h>
#include <time.h>

#include "conf_settings.h"

struct fetch;

/* struct fetch_opts, the [fetch] settings, is the configuration's
 * (conf_settings.h): fetch_new takes the configuration's own. */

/* Fills o with the same defaults as conf_init (user_agent NULL). */
void	fetch_opts_init(struct fetch_opts *o);
/* 1 when a fetcher made with a works as one made with b would, so that a
 * reload need not replace it. */
int	fetch_opts_equal(const struct fetch_opts *a,
	    const struct fetch_opts *b);

struct fetch_request {
	const char	*url;		/* http, https or file */
	/* Validators are sent verbatim, and only when they are printable
	 * ASCII (0x20-0x7e): anything else is not sent at all. */
	const char	*etag;		/* sent as If-None-Match; may be NULL */
	const char	*last_modified;	/* If-Modified-Since, verbatim */
	const char	*user_agent;	/* NULL: the global one */
	const char	*userpwd;	/* "user:password" (basic); NULL */
	void		*ctx;		/* the caller's, back in the result */
	/* 1: a redirect may lead to a loopback, private, link-local or
	 * unique-local address (netguard.h); 0: such a redirect fails with
	 * FETCH_ERR_REDIRECT, unless the URL itself is on such an address. */
	int		 allow_private;
	/* Per feed (feedlist.h); NULL, 0: as the fetcher's options say. */
	const char	*proxy;		/* replaces fetch_opts.proxy */
	const char *const *headers;	/* "Name: value", checked by the
					   feed list; an Accept among them
					   replaces tidings' own */
	size_t		 nheaders;
	const char	*cookie_file;	/* Netscape format, only read
					   (CURLOPT_COOKIEFILE, never a jar);
					   the easy handle that read it is
					   not reused */
	int		 http_version;	/* 11: HTTP/1.1 only; 2: HTTP/2
					   (over TLS by ALPN, else an h2c
					   upgrade); 0: libcurl's default */
	const char	*ca_file;	/* CA bundle replacing the system's */
	/* 1: the URL is a link read from a document on a public address
	 * (an article's page, whose link a feed's publisher chose; a feed
	 * `tidings add` found in a page): the guard checks the connections
	 * to url itself as a redirect's, with a public origin, and a refusal
	 * is FETCH_ERR_REFUSED.  allow_private then lets them through. */
	int		 guard_all;
	int		 timeout;	/* seconds; 0: the fetcher's timeout */
	size_t		 max_body;	/* 0: the fetcher's max_body */
};

enum fetch_error {
	FETCH_OK = 0,		/* 2xx, or 304 (see not_modified) */
	FETCH_ERR_DNS,		/* host name did not resolve */
	FETCH_ERR_CONNECT,	/* refused, unreachable */
	FETCH_ERR_TLS,		/* handshake or certificate */
	FETCH_ERR_TIMEOUT,	/* connect, total or low-speed timeout */
	FETCH_ERR_HTTP,		/* status >= 400 (or an unexpected 3xx) */
	FETCH_ERR_TOO_LARGE,	/* body over max_body (decoded) */
	FETCH_ERR_REDIRECT,	/* too many, to a forbidden scheme, to a
				   URL with a user name or password, or
				   into the operator's network (netguard.h) */
	FETCH_ERR_TRANSFER,	/* dropped, truncated, bad encoding */
	FETCH_ERR_FILE,		/* a file:// URL could not be read, or
				 * names no regular file (a FIFO, a device
				 * or a directory is refused without
				 * blocking) */
	FETCH_ERR_OTHER,
	/* Only for guard_all (links, never feeds): the URL's own address
	 * is in the operator's network (netguard.h). */
	FETCH_ERR_REFUSED,
};

struct fetch_redirect {
	long		 status;	/* 301, 302, 303, 307, 308 */
	char		*to;		/* absolute target URL */
};

/* Everything the transfer learned.  Header fields are those of the final
 * response; strings are NULL when absent.  etag and last_modified are also
 * NULL when the server's value held anything but printable ASCII (a CR,
 * control or 8-bit bytes): such a validator is dropped, and the next
 * request goes out unconditional.  Freed by fetch_result_free. */
struct fetch_result {
	void		*ctx;		/* from the request */
	char		*url;		/* as requested */
	char		*final_url;	/* after redirects */
	long		 status;	/* HTTP status; 200 for a file read */
	int		 not_modified;	/* 304: no body, nothing changed */
	enum fetch_error error;
	char		 errmsg[256];	/* one line, when error != FETCH_OK */
	int		 origin_private; /* the URL itself connected to a
					   loopback, private, link-local or
					   unique-local address (netguard.h) */

	struct fetch_redirect *redirects;	/* in order followed */
	size_t		 nredirects;

	char		*etag;
	char		*last_modified;
	char		*content_type;	/* whole header value */
	char		*charset;	/* its charset parameter, unquoted */
	time_t		 retry_after;	/* absolute; 0 = none */
	long		 max_age;	/* Cache-Control max-age; -1 = none */
	time_t		 expires;	/* Expires; 0 = none or invalid */
	time_t		 date;		/* the response's Date; 0 = none */

	char		*body;		/* NUL-terminated; may hold NULs */
	size_t		 body_len;

	double		 seconds;	/* total transfer time */
	time_t		 finished;	/* wall clock at completion */
};

struct fetch	*fetch_new(const struct fetch_opts *o, char *ebuf, size_t n);
/* Abandons transfers still running or queued; their results are lost. */
void		 fetch_free(struct fetch *f);

/* Queues a transfer; the request's strings are copied.  Returns ERR_OK or
 * ERR_INVALID (a URL that is not http, https or file). */
int		 fetch_add(struct fetch *f, const struct fetch_request *r,
		    char *ebuf, size_t n);

/* Starts what the limits allow, drives running transfers, and waits at
 * most timeout_ms for activity (less when a queued request becomes
 * allowed sooner, or when results are already waiting).  With nothing to
 * do it sleeps the whole timeout, so a daemon can sleep here and still be
 * woken by fetch_wakeup or a signal.  Returns the number of results ready
 * for fetch_next. */
size_t		 fetch_poll(struct fetch *f, int timeout_ms);

/* A finished transfer, or NULL.  The caller frees it. */
struct fetch_result *fetch_next(struct fetch *f);
void		 fetch_result_free(struct fetch_result *r);

/* Transfers queued or running plus results not yet collected. */
size_t		 fetch_pending(const struct fetch *f);
size_t		 fetch_running(const struct fetch *f);

/* Makes a blocked fetch_poll return.  Safe from another thread; from a
 * signal handler it is what curl_multi_wakeup is (a write(2) on a socket
 * pair), which in practice is async-signal-safe. */
void		 fetch_wakeup(struct fetch *f);

/* Starts no new request to url's host before `until` (wall clock); what
 * is running continues, what is queued waits.  An earlier time than one
 * already set changes nothing.  fetch does this by itself when two answers
 * in a row from one host are 429 or 503 with Retry-After. */
void		 fetch_hold_host(struct fetch *f, const char *url,
		    time_t until);

/* The URL the feed has moved to for good: the target of the redirects when
 * every one of them was permanent (301 or 308), else NULL.  The caller
 * moves the feed only after seeing the same answer several times. */
const char	*fetch_result_moved_to(const struct fetch_result *r);

const char	*fetch_error_name(enum fetch_error e);

#endif
