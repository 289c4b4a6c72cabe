#include "backlog.h"

#include "err.h"

struct walk {
	long	 count;
	int64_t	 oldest;
};

static int
one(void *ctx, const struct store_event *e)
{
	struct walk *w = ctx;

	/* oldest first, but an event set aside may be older than its seq
	 * says: take the minimum */
	if (w->count++ == 0 || e->created < w->oldest)
		w->oldest = e->created;
	return 0;
}

int
backlog_get(struct store *st, const char *target, long *count,
    int64_t *oldest, char *ebuf, size_t n)
{
	struct walk w = { 0, 0 };
	int rc;

	rc = store_events_pending(st, target, 0, 0, one, &w, ebuf, n);
	*count = w.count;
	*oldest = w.oldest;
	return rc;
}
