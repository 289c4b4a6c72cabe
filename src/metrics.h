#ifndef TIDINGS_METRICS_H
#define TIDINGS_METRICS_H
/*
 * The metrics file: the daemon's figures in the Prometheus text format
 * (version 0.0.4), for node_exporter's textfile collector.  The daemon
 * writes it after each cycle (and once at start) to [daemon] metrics_file.
 *
 * metrics_format is pure; metrics_write puts the text in place atomically
 * (a temporary file in the same directory, then rename), so a collector
 * never reads half a file.  The temporary name ends in a random suffix, not
 * ".prom", so the collector never picks it up either.
 *
 * What it holds (counters count since the daemon started; gauges are as
 * of the end of the last cycle):
 *   tidings_feeds{state}                        gauge: configured feeds,
 *       state "ok", "failing" (last check failed), "retired" (410 Gone),
 *       "disabled"
 *   tidings_fetches_total{result}               counter: checks by result
 *       class (tally.h: ok, not_modified, dns, ..., parse, store)
 *   tidings_fetch_bytes_total                   counter: bodies received,
 *       after decompression
 *   tidings_articles_total{outcome}             counter: new, updated,
 *       duplicate
 *   tidings_exported_total                      counter: outbox events
 *       the export targets finished (delivered, or passed over by a
 *       target's filter; one per target)
 *   tidings_cycles_total                        counter
 *   tidings_export_pending{target}              gauge: events waiting
 *   tidings_export_oldest_pending_age_seconds{target}  gauge: age of the
 *       oldest waiting event, 0 when none waits
 *   tidings_cycle_duration_seconds              gauge: the last cycle's
 *   tidings_last_cycle_timestamp_seconds        gauge: when it ended
 *   tidings_last_success_timestamp_seconds      gauge: the last check of
 *       any feed that succeeded (200 or 304), as the database records it
 *   tidings_start_time_seconds                  gauge
 *   tidings_node_info{node}                     gauge, 1: the daemon's
 *       node name ([daemon] node)
 *   tidings_node_claims                         gauge: feeds it held
 *       claims on at its last heartbeat (store.h, "nodes")
 *   tidings_node_heartbeat_timestamp_seconds    gauge: that heartbeat
 * Times are seconds since the epoch; a time not known yet is absent.
 */
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "tally.h"

enum metrics_feed_state {
	METRICS_FEED_OK = 0,
	METRICS_FEED_FAILING,
	METRICS_FEED_RETIRED,
	METRICS_FEED_DISABLED,
	METRICS_NSTATES
};

struct metrics_target {
	const char	*name;		/* borrowed */
	long		 pending;
	int64_t		 oldest;	/* when the oldest waiting event was
					 * stored; 0 = none waits */
};

struct metrics {
	const struct tally *total;	/* since the start */
	long		 cycles;
	long		 feeds[METRICS_NSTATES];
	const struct metrics_target *targets;	/* borrowed */
	size_t		 ntargets;
	long		 cycle_ms;	/* the last cycle's duration */
	int64_t		 cycle_end;	/* 0 = no cycle yet */
	int64_t		 started;
	int64_t		 now;		/* for the ages */
	const char	*node;		/* NULL: no node lines */
	long		 claims;
	int64_t		 heartbeat;
};

/* Appends the whole file's text to b. */
void	metrics_format(const struct metrics *m, struct buf *b);
/* Replaces the file at path with text (temporary file and rename).
 * Returns ERR_OK, or ERR_IO with a message naming the file. */
int	metrics_write(const char *path, const char *text, size_t len,
	    char *ebuf, size_t n);

#endif
