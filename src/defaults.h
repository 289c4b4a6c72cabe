#ifndef TIDINGS_DEFAULTS_H
#define TIDINGS_DEFAULTS_H
/*
 * The defaults of settings that more than one module starts from: conf_init
 * for a configuration that does not say, and fetch_opts_init and
 * sched_limits_init for callers without one.  Kept here, below all three,
 * so that neither conf nor fetch depends on the other to agree.
 */

/* fetch */
#define DEFAULT_MAX_TRANSFERS		32
#define DEFAULT_HOST_CONNECTIONS	4
#define DEFAULT_HOST_RATE		4.0	/* requests/s/host */
#define DEFAULT_CONNECT_TIMEOUT		15	/* seconds */
#define DEFAULT_TIMEOUT			120	/* seconds */
#define DEFAULT_LOW_SPEED_LIMIT		64	/* bytes/s ... */
#define DEFAULT_LOW_SPEED_TIME		30	/* ... for this long */
#define DEFAULT_MAX_BODY		(16 * 1024 * 1024)
#define DEFAULT_MAX_REDIRECTS		8
/* pages of teaser feeds (fulltext.h) */
#define DEFAULT_MAX_PAGE		(5 * 1024 * 1024)
#define DEFAULT_FULLTEXT_WAIT		600	/* seconds */

/* scheduler, seconds */
#define DEFAULT_INTERVAL		3600
#define DEFAULT_MIN_INTERVAL		300
#define DEFAULT_LEASE			300	/* [daemon] lease */
#define DEFAULT_MAX_INTERVAL		86400
#define DEFAULT_MAX_BACKOFF		86400
#define DEFAULT_STARTUP_SPREAD		300

#endif
