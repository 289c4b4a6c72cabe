/*
 * Private to daemon.c and daemon_nodes.c: the loop's state and the
 * functions the two share.  daemon.c turns the loop; daemon_nodes.c holds
 * what several daemons on one database need (claims, the heartbeat, the
 * node's registration, the database's outages).
 */
#ifndef DAEMON_INT_H
#define DAEMON_INT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "conf.h"
#include "feedlist.h"
#include "scheduler.h"
#include "store.h"
#include "tally.h"

struct daemon_opts;

/* While the database cannot be reached, claims are tried again after a
 * wait that doubles from 1 s up to this. */
#define DB_RETRY_MAX		60

/* A feed list and how many hold it: the daemon while it is the current
 * list, and each feed of the table or in flight after a reload (orphan)
 * that points into it.  The last holder to let go frees it, so a list a
 * reload replaced lives only as long as a transfer still refers to it. */
struct dlist {
	struct feedlist	 fl;
	size_t		 refs;
};

/* One configured feed as the loop sees it. */
struct dfeed {
	const struct feedlist_feed *fc;	/* in the current (or an old) list */
	struct dlist	*list;		/* holds the list fc points into */
	int64_t		 id;
	/* The stored state as last read (dfeed_init) or written
	 * (cycle_apply), what the next request is built from: its URL (the
	 * stored one: moved feeds differ from fc's) and validators; the
	 * rest is let go (keep_request). */
	struct store_feed sf;
	time_t		 next;		/* -1: not scheduled */
	int		 busy;		/* a transfer is in flight */
	int		 failures;
	int		 store_failed;	/* the last failure was the store's */
	int64_t		 known_check;	/* last_check as last read here */
	char		*auth;
	int		 no_cookies;	/* its cookie_file was refused */
};

struct dstate {
	const struct daemon_opts *opts;
	int		 once;		/* `tidings run`: one turn, then out */
	struct conf	 conf;
	struct dlist	*cur;		/* the current list (one reference) */
	struct dfeed	*feeds;
	size_t		 n;
	struct dfeed	*orphans;	/* removed by a reload while busy */
	size_t		 norphans;
	struct store	*st;
	struct fetch	*f;
	struct outbox	*ob;
	/* Parses fetched documents on other threads while this one fetches,
	 * stores and exports; NULL: parse_threads = 0, each document is
	 * parsed here when it is stored. */
	struct parse_pool *pool;
	struct pages	*pg;		/* articles' pages (pages.h) */
	size_t		 pages_waiting;	/* of held feeds, at the last look */
	time_t		 pages_next;	/* when one is next due; 0: none */
	int		 fetch_stale;	/* [fetch] changed: rebuild when idle */
	time_t		 soonest;	/* earliest next of an idle feed */
	size_t		 failing;
	/* The cycle: from the first transfer it starts until min_interval
	 * has passed and the transfers and exports it caused are done (at
	 * most twice that long): a feed on its schedule comes at most once
	 * in one (retries after a failure may come sooner). */
	int		 cyc_open;
	struct tally	 cyc;
	long long	 cyc_start_ms;
	time_t		 cyc_started;
	long		 cyc_exported;	/* outbox_exported at its start */
	/* for the metrics file */
	struct tally	 total;		/* closed cycles since the start */
	long		 ncycles;
	long		 last_cycle_ms;
	time_t		 last_cycle_end;
	time_t		 started;
	int		 metrics_failing;	/* the last write failed */
	/* once: progress on a terminal, and what the checks came to */
	int		 tty;
	size_t		 nstarted;	/* transfers started */
	size_t		 done;
	size_t		 nfailed;
	int		 db_failing;	/* the last batch failed in the store */
	struct sched_clock clk;		/* both clocks at the last turn */
	int		 keep_extra;	/* days the clock stepped forward */
	/* Several daemons on one database (store.h, "nodes"): this one's
	 * number and name, its heartbeat (renewing its claims), and the
	 * wait before claims are tried again while the database is out. */
	int64_t		 node_id;	/* 0: `run`, which claims nothing */
	char		*node;
	long long	 next_beat_ms;
	int64_t		 last_beat;
	long		 nclaims;
	time_t		 db_retry_at;
	int		 db_wait;	/* seconds */
	int		 db_out;	/* the database cannot be reached */
};

/* daemon.c */
const char	*daemon_fname(const struct dstate *s, const struct dfeed *d);
int		 daemon_dfeed_init(struct dstate *s, struct dfeed *d, time_t now);
/* Starts the transfer of feed d; 1 when it was started. */
int		 daemon_start_one(struct dstate *s, struct dfeed *d, time_t now);

/* daemon_nodes.c */
void		 daemon_db_note(struct dstate *s, const char *msg);
void		 daemon_db_down(struct dstate *s, const char *msg, time_t now);
void		 daemon_db_export_failed(void *ctx, const char *target,
		    const char *msg);
void		 daemon_db_up(struct dstate *s);
void		 daemon_claim_and_start(struct dstate *s, struct dfeed **due,
		    size_t ndue, time_t now);
void		 daemon_heartbeat(struct dstate *s, time_t now);
char		*daemon_node_name(const struct conf *c);
int		 daemon_node_register(struct dstate *s);

#endif
