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
