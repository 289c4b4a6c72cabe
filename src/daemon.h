#ifndef TIDINGS_DAEMON_H
#define TIDINGS_DAEMON_H
/*
 * The daemon: one thread, one loop.  Each turn asks the scheduler what is
 * due, hands it to the fetcher, waits in fetch_poll until a transfer ends,
 * a feed comes due, a signal arrives or the watchdog needs a ping, and
 * applies finished transfers to the store (cycle.h).
 *
 * Signals: SIGHUP reloads the configuration and feed lists (an invalid one
 * is logged and the old one kept; added feeds start, removed ones stop,
 * transfers in flight finish, and the replaced feed list is freed once
 * the last of them has landed); SIGTERM and SIGINT stop: transfers get a
 * few seconds to finish, the rest are abandoned (their feeds are simply
 * checked again next time), and the database is closed cleanly.
 *
 * The log, for a journal: a cycle runs from the first transfer it starts
 * until min_interval has passed and what it started is done (at most
 * twice min_interval), so a feed on its schedule comes at most once in
 * one (retries after a failure may come sooner); it ends with
 * one line at notice, "cycle: N feed(s) checked, N not modified, N new,
 * N updated, N failed, N exported, S.Ss" (tally.h).  Every failed check
 * is one warning that starts with the feed's name and gives the reason;
 * a recovery is one notice; nothing is logged per article below info.
 * Each cycle is also recorded in the database (store_cycle_put, for
 * `tidings status`), and [daemon] metrics_file, when set, is replaced
 * after each cycle and at start (metrics.h).
 *
 * Under systemd (NOTIFY_SOCKET) it reports READY=1, RELOADING=1,
 * STOPPING=1, a STATUS= line, and WATCHDOG=1 at half of WATCHDOG_USEC.
 */
#include <stddef.h>

struct daemon_opts {
	const char	*conf_path;	/* NULL: the default file */
	const char	*feeds;		/* --feeds: replaces the lists */
	const char	*db;		/* --db: replaces [daemon] db */
	int		 grace_ms;	/* for transfers at stop; 0 = 5000 */
	/* `tidings run`: one turn of the loop (see below); the rest only
	 * with once. */
	int		 once;
	int		 all;		/* every enabled feed, due or not */
	int		 quiet;		/* no failures, progress or summary */
	char *const	*only;		/* --feed: these, due or not */
	size_t		 nonly;
	char *const	*exports;	/* --export FORMAT:DIR targets */
	size_t		 nexports;
};

/*
 * Runs until stopped; returns the process exit status (0 after a clean
 * stop, 1 when it could not start).
 *
 * With once, it is `tidings run`: the same loop turns once.  It starts
 * every due feed (or the chosen ones) at once, exports what an earlier
 * run left, then applies each transfer as it lands and exports after it,
 * and returns when all have landed and the pages of the articles they
 * brought (pages.h) are settled, at most fulltext_wait later.  Nothing is logged below the
 * configured level and there is no systemd protocol, no signal handling
 * and no metrics file; instead stderr gets each failure as "tidings:
 * NAME: reason" (NAME: the configured name, else URL), a progress line
 * on a terminal, "tidings: N feed(s) checked, N failed" and, for each
 * failing target, what it left in the outbox.  The run is one cycle in
 * the database (source "run").  Returns 0; 1 when a check or a target
 * failed, a name --feed gives is not in the list, or it could not start;
 * 2 for an unusable --export.
 */
int	daemon_run(const struct daemon_opts *o);

#endif
