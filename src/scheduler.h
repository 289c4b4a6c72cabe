#ifndef TIDINGS_SCHEDULER_H
#define TIDINGS_SCHEDULER_H
/*
 * When to check each feed (pure: clock values in, clock values out).
 *
 * Slots.  Each feed has a fixed offset inside its interval, derived from a
 * hash of its URL, and is checked at times t where (t - offset) is a
 * multiple of the interval.  Feeds of one server therefore spread over the
 * interval instead of firing together, and a restart or reload keeps each
 * feed in its slot.  A feed that was never checked, or whose check is long
 * overdue (the daemon was down), is scheduled within startup_spread
 * seconds, again at a hash-derived point, so a start is not a burst.
 *
 * After a successful check the next one honours, in this order: the
 * feed's interval (configured or default), the feed's own hints (RSS
 * <ttl>, sy:updatePeriod/updateFrequency) and the server's (Cache-Control
 * max-age, Expires) as lower bounds; then clamps to [min_interval,
 * max_interval]; then moves out of skipHours/skipDays; Retry-After is a
 * floor above everything except the hard cap (max(max_interval,
 * max_backoff)), since a hostile server must not park a feed for years.
 *
 * After a failure: exponential backoff from min_interval, doubling per
 * consecutive failure, capped at max_backoff, with "equal jitter" (half
 * fixed, half from a hash of URL and failure count), never giving up.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct sched_limits {
	int	interval;	/* default per feed, seconds */
	int	min_interval;
	int	max_interval;
	int	max_backoff;
	int	startup_spread;
};

/* What the last check of one feed taught us; zeroes mean "nothing". */
struct sched_hints {
	int	 interval;		/* the feed's own; 0 = default */
	int	 failures;		/* consecutive, including this one */
	int	 ttl_minutes;		/* RSS <ttl> */
	int	 update_period_minutes;	/* sy:updatePeriod/Frequency */
	unsigned skip_hours;		/* bit h: skip hour h (UTC) */
	unsigned skip_days;		/* bit 0 = Monday ... 6 = Sunday */
	time_t	 fresh_until;		/* now + max-age, or Expires */
	time_t	 retry_after;		/* absolute */
};

/*
 * Learned intervals (interval=auto).  The interval follows the feed's
 * posting rate: the median gap between its items over the newest
 * SCHED_LEARN_ITEMS gaps within the last SCHED_LEARN_WINDOW seconds.  An
 * item's time is its publication date when that is sane (known, and no
 * later than SCHED_LEARN_SLACK after it was first seen), else when it was
 * first seen.  Items that share one time (found by one check, without
 * dates) are spread evenly over the time since the group before them: a
 * check that finds 24 items a day after the last one has learned an
 * hourly rate, not a daily one.  The interval is at least half the time
 * since the newest item, so a feed gone quiet is checked less and less
 * often; then it is clamped to [min_interval, max_interval].  With fewer
 * than SCHED_LEARN_MIN_GAPS gaps it is the default interval.  The
 * result is the feed's own interval (sched_hints.interval): the feed's
 * and the server's hints (ttl, sy:*, Cache-Control, Expires,
 * Retry-After, skipHours) stay lower bounds over it, as over any
 * interval.
 */
#define SCHED_LEARN_WINDOW	(28 * 86400)
#define SCHED_LEARN_ITEMS	20
#define SCHED_LEARN_MIN_GAPS	3
#define SCHED_LEARN_SLACK	600

struct sched_item {
	int64_t	first_seen;
	int64_t	published;	/* 0: none */
};

enum sched_learn_why {
	SCHED_LEARN_TOO_LITTLE = 0,	/* the default interval */
	SCHED_LEARN_MEDIAN,		/* the median gap, clamped */
	SCHED_LEARN_QUIET,		/* half the quiet time, clamped */
};

struct sched_learned {
	int	 interval;	/* seconds, within the clamps */
	int	 gap;		/* the median gap; 0 when too little */
	int	 ngaps;		/* gaps the median is over */
	int	 quiet;		/* seconds since the newest item */
	enum sched_learn_why why;
};

/* Learns the interval from a feed's items (any order; the array is
 * reordered).  Pure: now is the caller's clock. */
void	sched_learn(const struct sched_limits *l, struct sched_item *items,
	    size_t n, time_t now, struct sched_learned *out);
/* One line for `tidings feeds`: "auto: median gap 58m over 20 items",
 * "auto: quiet for 3d, 1d (median gap 1h over 20 items)", "auto: too
 * little history, default 1h". */
void	sched_learn_describe(const struct sched_learned *le, char *buf,
	    size_t n);

/* Fills l from the defaults used by conf_init. */
void	sched_limits_init(struct sched_limits *l);

/* The feed's offset inside an interval of `interval` seconds. */
int	sched_slot(const char *url, int interval);

/* The effective interval for a feed: its own or the default, raised by
 * ttl and sy:update hints, clamped to [min_interval, max_interval]. */
int	sched_interval(const struct sched_limits *l,
	    const struct sched_hints *h);

/* When to check next, given the outcome of a check that finished at now. */
time_t	sched_next(const struct sched_limits *l, const char *url,
	    const struct sched_hints *h, time_t now);

/* The delay before retry number `failures` (>= 1), with jitter. */
int	sched_backoff(const struct sched_limits *l, const char *url,
	    int failures);

/* When to check a feed the daemon has just (re)loaded: keeps a stored next
 * check that is still ahead (but no further than one interval away, in case
 * the interval was shortened), else picks a point within startup_spread.
 * next_check 0 means never checked. */
time_t	sched_initial(const struct sched_limits *l, const char *url,
	    int interval, time_t next_check, time_t now);

/* What is due.  next[i] is feed i's next check (0 = never checked;
 * disabled and busy feeds should be passed as -1 and are skipped).  Writes
 * up to max indices of due feeds, earliest first, to due and returns their
 * count; *sleep_for is how long until the earliest not-due feed (at most
 * max_sleep; 0 when something is due). */
size_t	sched_due(const time_t *next, size_t n, time_t now, size_t *due,
	    size_t max, int max_sleep, int *sleep_for);

/*
 * Clock steps.  Due times are wall-clock values, and the wall clock may be
 * stepped while the daemon runs (an operator's date(1), a first NTP sync,
 * a virtual machine resumed): a step back of a day would leave every feed
 * waiting a day more, a step forward would make all of them due at once.
 * The daemon reads both clocks at each turn of its loop; sched_clock_step
 * says how far the wall clock jumped against the monotonic one, and
 * sched_shift moves a due time by as much, so that each feed keeps the
 * wait it had.
 */
struct sched_clock {
	time_t		 wall;		/* time(NULL) */
	long long	 mono_ms;	/* CLOCK_MONOTONIC, milliseconds */
};
/* (after.wall - before.wall) - (after.mono - before.mono), in seconds,
 * or 0 when that is within slack seconds (rounding, NTP's slewing). */
long	sched_clock_step(const struct sched_clock *before,
	    const struct sched_clock *after, int slack);
/* next moved by step seconds; 0 (never checked) and -1 (not scheduled)
 * stay as they are. */
time_t	sched_shift(time_t next, long step);

#endif
