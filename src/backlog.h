#ifndef TIDINGS_BACKLOG_H
#define TIDINGS_BACKLOG_H
/*
 * An export target's backlog, read from the store's outbox: how many
 * events the target has not marked done (as outbox_pending counts them)
 * and when the oldest of them was stored.  One walk over the pending
 * events, so its cost grows with the backlog; for the metrics file and
 * `tidings status`.  Never logs.
 */
#include <stddef.h>
#include <stdint.h>

#include "store.h"

/* *oldest is 0 when nothing waits.  Returns ERR_OK or the store's error. */
int	backlog_get(struct store *st, const char *target, long *count,
	    int64_t *oldest, char *ebuf, size_t n);

#endif
