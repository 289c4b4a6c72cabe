#ifndef TIDINGS_TALLY_H
#define TIDINGS_TALLY_H
/*
 * What checks of feeds added up to (pure: counts outcomes, formats the
 * summary line; never logs).  The daemon keeps one tally per cycle, for
 * the summary line and `tidings status`, and one since it started, for the
 * metrics file (metrics.h).
 *
 * Every check falls in exactly one result class: "ok" (200), "not_modified"
 * (304), a fetch error class as fetch_error_name gives it ("dns",
 * "connect", "tls", "timeout", "http", "too-large", "redirect",
 * "transfer", "file", "other"), "parse" (the body is not a feed) or
 * "store" (the database refused it).
 */
#include <stdint.h>
#include <stddef.h>
#include <time.h>

#include "cycle.h"

enum tally_result {
	TALLY_OK = 0,
	TALLY_NOT_MODIFIED,
	TALLY_DNS,
	TALLY_CONNECT,
	TALLY_TLS,
	TALLY_TIMEOUT,
	TALLY_HTTP,
	TALLY_TOO_LARGE,
	TALLY_REDIRECT,
	TALLY_TRANSFER,
	TALLY_FILE,
	TALLY_OTHER,
	TALLY_PARSE,
	TALLY_STORE,
	TALLY_NRESULTS
};

struct tally {
	long		 checked;	/* checks applied to the store */
	long		 results[TALLY_NRESULTS];
	long		 failed;	/* checks in an error class */
	long		 added;		/* articles: new */
	long		 updated;
	long		 duplicate;	/* known from another feed */
	/* outbox events the targets finished: delivered, or passed over
	 * by a target's filter (outbox_exported; the caller's) */
	long		 exported;
	unsigned long long bytes;	/* bodies, after decompression */
	int64_t		 last_success;	/* when a check last succeeded; 0 */
};

/* The label of a result class, e.g. "not_modified". */
const char	*tally_result_name(enum tally_result r);
/* The class of one check's outcome. */
enum tally_result tally_classify(const struct cycle_outcome *o);
/* Counts one check that brought bytes (its body) and ended at now. */
void		 tally_add(struct tally *t, const struct cycle_outcome *o,
		    size_t bytes, time_t now);
/* Adds every count of from to into (last_success: the later one). */
void		 tally_merge(struct tally *into, const struct tally *from);
/* Copies the counts of t into c (source and times are the caller's). */
void		 tally_to_cycle(const struct tally *t, struct store_cycle *c);
/* The cycle's summary line, without a newline:
 * "cycle: 3 feed(s) checked, 1 not modified, 4 new, 0 updated,
 *  1 failed, 4 exported, 0.2s" (duration_ms rounded to a tenth). */
void		 tally_summary(const struct tally *t, long duration_ms,
		    char *buf, size_t n);

#endif
