/*
 * Several daemons on one database (store.h, "nodes"): the claims a
 * daemon takes before it checks feeds, its heartbeat, its registration as
 * a node, and how it lives through the database's outages.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon_int.h"
#include "err.h"
#include "fetch.h"
#include "log.h"
#include "mono.h"
#include "xmalloc.h"

/*
 * The database's failures outside a batch (exports, the cycle's record,
 * the metrics' backlog, the heartbeat) are logged once, like a failing
 * batch (db_state): db_note.  A claim that fails means the database
 * cannot be reached (PostgreSQL down, the network): db_down notes it and
 * makes claims wait, 1 s doubling up to DB_RETRY_MAX (the store connects
 * again on the next call), and so does an export that finds the
 * database out of reach (store_reachable); the first claim or heartbeat
 * that succeeds after that logs once that it answers again (db_up).  So
 * an outage is one line when it starts and one when it ends.  An
 * export's other failures of the database are its own, logged as
 * before, unless the database is already known to fail.
 */
void
daemon_db_note(struct dstate *s, const char *msg)
{
	if (!s->db_failing)
		log_warnx("database: %s; the daemon goes on and tries again",
		    msg);
	s->db_failing = 1;
}

void
daemon_db_down(struct dstate *s, const char *msg, time_t now)
{
	daemon_db_note(s, msg);
	s->db_out = 1;
	s->db_wait = s->db_wait == 0 ? 1 : s->db_wait * 2 > DB_RETRY_MAX ?
	    DB_RETRY_MAX : s->db_wait * 2;
	s->db_retry_at = now + s->db_wait;
}

/* The outbox's hook for the database's failures (outbox.h). */
void
daemon_db_export_failed(void *ctx, const char *target, const char *msg)
{
	char line[768];

	struct dstate *s = ctx;

	snprintf(line, sizeof(line), "export %s: %s", target, msg);
	if (!store_reachable(s->st))
		daemon_db_down(s, line, time(NULL));
	else if (!s->db_failing)
		log_warnx("%s", line);
}

void
daemon_db_up(struct dstate *s)
{
	if (!s->db_out)
		return;
	if (s->db_failing)
		log_notice("database: reachable again");
	s->db_failing = 0;
	s->db_out = 0;
	s->db_wait = 0;
	s->db_retry_at = 0;
}

static int
cmp_next(const void *a, const void *b)
{
	const struct dfeed *x = *(const struct dfeed *const *)a;
	const struct dfeed *y = *(const struct dfeed *const *)b;

	return x->next < y->next ? -1 : x->next > y->next;
}

/*
 * The daemon claims the due feeds of its own list before it checks them
 * (store.h, "nodes"): at most twice [fetch] max_transfers in flight, so
 * that daemons beside it get the rest, the longest due first (a daemon
 * behind its schedule never starves the feeds at the end of its table).  A feed claimed that another
 * daemon checked since this one read it is read again (its validators);
 * one not claimed waits until the store says.
 */
void
daemon_claim_and_start(struct dstate *s, struct dfeed **due, size_t ndue,
    time_t now)
{
	struct store_claim *c;
	struct dfeed *d;
	size_t i, room, inflight = fetch_pending(s->f);
	char ebuf[512];

	room = 2 * (size_t)s->conf.fetch.max_transfers;
	room = inflight >= room ? 0 : room - inflight;
	if (ndue > room) {
		qsort(due, ndue, sizeof(*due), cmp_next);
		/* the rest is claimed as transfers land: the loop turns
		 * with each one */
		s->soonest = now;
		ndue = room;
	}
	if (ndue == 0)
		return;
	c = xcalloc(ndue, sizeof(*c));
	for (i = 0; i < ndue; i++)
		c[i].id = due[i]->id;
	if (store_feeds_claim(s->st, s->node_id, c, ndue, now, s->conf.lease,
	    ebuf, sizeof(ebuf)) != ERR_OK) {
		daemon_db_down(s, ebuf, now);
		if (s->soonest > s->db_retry_at)
			s->soonest = s->db_retry_at;
		free(c);
		return;
	}
	daemon_db_up(s);
	for (i = 0; i < ndue; i++) {
		d = due[i];
		if (!c[i].got) {
			d->next = (time_t)c[i].retry > now ? (time_t)c[i].retry :
			    now + 1;
			if (d->next < s->soonest)
				s->soonest = d->next;
			continue;
		}
		if (c[i].last_check >= 0 && c[i].last_check != d->known_check &&
		    daemon_dfeed_init(s, d, now) == -1) {
			(void)store_feed_release(s->st, s->node_id, d->id, ebuf,
			    sizeof(ebuf));
			d->next = now + s->conf.min_interval;
			continue;
		}
		daemon_start_one(s, d, now);
	}
	free(c);
}

/* How often the daemon renews its claims: a third of the lease, so that
 * two renewals may fail before a claim runs out; at most a minute, for
 * `tidings status`. */
static long
beat_ms(const struct dstate *s)
{
	long ms = (long)s->conf.lease * 1000 / 3;

	return ms < 1000 ? 1000 : ms > 60000 ? 60000 : ms;
}

/* The heartbeat, when it is due: renews the claims of the feeds in
 * flight (and their hosts' leases) and records this daemon as alive. */
void
daemon_heartbeat(struct dstate *s, time_t now)
{
	int64_t *ids;
	size_t i, k = 0;
	char ebuf[512];

	if (s->node_id == 0 || mono_ms() < s->next_beat_ms)
		return;
	s->next_beat_ms = mono_ms() + beat_ms(s);
	ids = xcalloc(s->n + s->norphans + 1, sizeof(*ids));
	for (i = 0; i < s->n; i++)
		if (s->feeds[i].busy)
			ids[k++] = s->feeds[i].id;
	for (i = 0; i < s->norphans; i++)
		ids[k++] = s->orphans[i].id;
	if (store_claims_renew(s->st, s->node_id, ids, k, now, s->conf.lease,
	    ebuf, sizeof(ebuf)) != ERR_OK)
		daemon_db_note(s, ebuf);
	else {
		daemon_db_up(s);
		s->last_beat = now;
		s->nclaims = (long)k;
	}
	free(ids);
}

/* This daemon's node name: [daemon] node, else the host name. */
char *
daemon_node_name(const struct conf *c)
{
	char host[256];

	if (c->node != NULL)
		return xstrdup(c->node);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	return xstrdup(host);
}

/* Registers the daemon as a node of the database (store.h). */
int
daemon_node_register(struct dstate *s)
{
	struct store_node nd;
	char ebuf[512];

	memset(&nd, 0, sizeof(nd));
	nd.node = s->node;
	nd.pid = (int64_t)getpid();
	nd.version = PACKAGE_VERSION;
	nd.started = (int64_t)time(NULL);
	nd.lease = s->conf.lease;
	if (store_node_register(s->st, &nd, &s->node_id, ebuf,
	    sizeof(ebuf)) != ERR_OK) {
		log_warnx("%s", ebuf);
		return -1;
	}
	s->last_beat = nd.started;
	s->next_beat_ms = mono_ms() + beat_ms(s);
	return 0;
}

