/*
 * Nodes, claims and host leases on PostgreSQL (store.h, "several
 * daemons").  A feed's claim is two columns of its row (claim_owner, a
 * daemon's id, and claim_until); a host's lease is a row of host_leases.
 * A claim takes the feeds it can in one statement: the candidates are
 * locked FOR UPDATE SKIP LOCKED, so that daemons claiming at once split
 * them instead of waiting for each other; their hosts are leased with an
 * INSERT .. ON CONFLICT DO UPDATE whose condition is checked on the
 * newest row, so that two daemons never both get one host (in the
 * order of their names, so that two claims never wait for each other in
 * a circle); only the feeds whose host was got are claimed.  Every statement here is a
 * transaction of its own.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

#include "buf.h"
#include "err.h"
#include "store.h"
#include "store_pg_int.h"
#include "xmalloc.h"

/* A feed another daemon (or its host's) holds is asked for again this
 * many seconds on, at most: its check ends soon, and then its next_check
 * says when it is due. */
#define CLAIM_RETRY	5

/* ids as a PostgreSQL array literal, "{1,2,3}" (the caller frees it). */
static char *
id_array(const int64_t *ids, size_t nids, size_t stride)
{
	struct buf b = { 0 };
	size_t i;

	buf_printf(&b, "{");
	for (i = 0; i < nids; i++)
		buf_printf(&b, "%s%lld", i ? "," : "", (long long)
		    *(const int64_t *)(const void *)((const char *)ids +
		    i * stride));
	buf_printf(&b, "}");
	return buf_detach(&b);
}

int
store_pg_node_register(struct store *st, const struct store_node *nd,
    int64_t *id, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;

	*id = 0;
	pg_p_int(&p, nd->started - 86400);
	if (pg_do(PG(st), -1, "DELETE FROM daemons WHERE heartbeat < $1", &p,
	    ebuf, n, "daemons") != ERR_OK)
		return ERR_DB;
	pg_p_text(&p, nd->node);
	pg_p_int(&p, nd->pid);
	pg_p_text(&p, nd->version);
	pg_p_int(&p, nd->started);
	pg_p_int(&p, nd->lease);
	r = pg_run(PG(st), -1, "INSERT INTO daemons (node, pid, version,"
	    " started, heartbeat, lease) VALUES ($1, $2, $3, $4, $4, $5)"
	    " RETURNING id", &p, ebuf, n, "daemons");
	if (r == NULL)
		return ERR_DB;
	*id = pg_int(r, 0, 0);
	PQclear(r);
	return ERR_OK;
}

int
store_pg_node_leave(struct store *st, int64_t id, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };

	pg_p_int(&p, id);
	return pg_do(PG(st), -1, "WITH f AS (UPDATE feeds SET claim_owner ="
	    " NULL, claim_until = 0 WHERE claim_owner = $1),"
	    " h AS (DELETE FROM host_leases WHERE owner = $1)"
	    " DELETE FROM daemons WHERE id = $1", &p, ebuf, n, "daemons");
}

int
store_pg_nodes_list(struct store *st, store_node_fn cb, void *ctx,
    char *ebuf, size_t n)
{
	struct store_node nd;
	PGresult *r;
	int i, rc = ERR_OK;

	r = pg_run(PG(st), -1, "SELECT id, node, pid, version, started,"
	    " heartbeat, claims, lease FROM daemons ORDER BY node, id", NULL,
	    ebuf, n, "daemons");
	if (r == NULL)
		return ERR_DB;
	for (i = 0; i < PQntuples(r) && rc == ERR_OK; i++) {
		memset(&nd, 0, sizeof(nd));
		nd.id = pg_int(r, i, 0);
		nd.node = pg_cstr(r, i, 1);
		nd.pid = pg_int(r, i, 2);
		nd.version = pg_cstr(r, i, 3);
		nd.started = pg_int(r, i, 4);
		nd.heartbeat = pg_int(r, i, 5);
		nd.claims = (long)pg_int(r, i, 6);
		nd.lease = (int)pg_int(r, i, 7);
		rc = cb(ctx, &nd);
	}
	PQclear(r);
	return rc;
}

/* For the feeds of c not got: when to ask again (store.h). */
static int
claim_retry(struct store_pg *st, struct store_claim *c, size_t nc,
    int64_t now, int lease, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;
	int64_t id, next, last, soon;
	size_t k;
	int i;
	char *arr;

	soon = now + (lease < CLAIM_RETRY ? (lease > 0 ? lease : 1) :
	    CLAIM_RETRY);
	for (k = 0; k < nc; k++)
		if (!c[k].got)
			c[k].retry = soon;
	arr = id_array(&c[0].id, nc, sizeof(*c));
	pg_p_text(&p, arr);
	r = pg_run(st, -1, "SELECT id, next_check, last_check, retired"
	    " FROM feeds WHERE id = ANY($1::bigint[])", &p, ebuf, n, "claims");
	free(arr);
	if (r == NULL)
		return ERR_DB;
	for (i = 0; i < PQntuples(r); i++) {
		id = pg_int(r, i, 0);
		next = pg_int(r, i, 1);
		last = pg_int(r, i, 2);
		for (k = 0; k < nc; k++) {
			if (c[k].id != id || c[k].got)
				continue;
			if (pg_int(r, i, 3) != 0)
				c[k].retry = now + 86400;	/* retired */
			else if (last != 0 && last <= now && next > now)
				c[k].retry = next;	/* checked meanwhile */
		}
	}
	PQclear(r);
	return ERR_OK;
}

int
store_pg_feeds_claim(struct store *st, int64_t id, struct store_claim *c,
    size_t nc, int64_t now, int lease, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	PGresult *r;
	int64_t fid;
	size_t k;
	int i;
	char *arr;

	for (k = 0; k < nc; k++) {
		c[k].got = 0;
		c[k].retry = 0;
		c[k].last_check = -1;
	}
	if (nc == 0)
		return ERR_OK;
	arr = id_array(&c[0].id, nc, sizeof(*c));
	pg_p_int(&p, id);
	pg_p_text(&p, arr);
	pg_p_int(&p, now);
	pg_p_int(&p, now + lease);
	r = pg_run(PG(st), -1,
	    "WITH cand AS (SELECT f.id, f.host FROM feeds f"
	    " WHERE f.id = ANY($2::bigint[]) AND f.retired = 0"
	    " AND (f.last_check = 0 OR f.next_check <= $3"
	    "  OR f.last_check > $3)"
	    " AND (f.claim_owner IS NULL OR f.claim_owner = $1"
	    "  OR f.claim_until <= $3)"
	    " AND NOT EXISTS (SELECT 1 FROM host_leases h"
	    "  WHERE h.host = f.host AND h.owner <> $1 AND h.until > $3)"
	    " ORDER BY f.next_check, f.id FOR UPDATE OF f SKIP LOCKED),"
	    " hl AS (INSERT INTO host_leases AS h (host, owner, until)"
	    " SELECT DISTINCT host, $1::bigint, $4::bigint FROM cand"
	    " WHERE host IS NOT NULL ORDER BY host"
	    " ON CONFLICT (host) DO UPDATE SET owner = excluded.owner,"
	    " until = excluded.until"
	    " WHERE h.owner = excluded.owner OR h.until <= $3"
	    " RETURNING h.host)"
	    " UPDATE feeds f SET claim_owner = $1, claim_until = $4 FROM cand"
	    " WHERE f.id = cand.id"
	    " AND (cand.host IS NULL OR cand.host IN (SELECT host FROM hl))"
	    " RETURNING f.id, f.last_check", &p, ebuf, n, "claims");
	if (r == NULL) {
		free(arr);
		return ERR_DB;
	}
	for (i = 0; i < PQntuples(r); i++) {
		fid = pg_int(r, i, 0);
		for (k = 0; k < nc; k++)
			if (c[k].id == fid) {
				c[k].got = 1;
				c[k].last_check = pg_int(r, i, 1);
			}
	}
	k = (size_t)PQntuples(r);
	PQclear(r);
	free(arr);
	if (k == nc)
		return ERR_OK;
	return claim_retry(PG(st), c, nc, now, lease, ebuf, n);
}

int
store_pg_claims_renew(struct store *st, int64_t id, const int64_t *ids,
    size_t nids, int64_t now, int lease, char *ebuf, size_t n)
{
	struct pg_params p = { 0 };
	char *arr = id_array(ids, nids, sizeof(*ids));
	int rc;

	pg_p_int(&p, id);
	pg_p_text(&p, arr);
	pg_p_int(&p, now + lease);
	pg_p_int(&p, now);
	pg_p_int(&p, (int64_t)nids);
	rc = pg_do(PG(st), -1, "WITH f AS (UPDATE feeds SET claim_until = $3"
	    " WHERE claim_owner = $1 AND id = ANY($2::bigint[])"
	    " RETURNING host),"
	    " h AS (UPDATE host_leases SET until = $3"
	    " WHERE owner = $1 AND host IN (SELECT host FROM f))"
	    " UPDATE daemons SET heartbeat = $4, claims = $5 WHERE id = $1",
	    &p, ebuf, n, "claims");
	free(arr);
	return rc;
}

int
store_pg_feed_release(struct store *st, int64_t id, int64_t fid,
    char *ebuf, size_t n)
{
	struct pg_params p = { 0 };

	pg_p_int(&p, id);
	pg_p_int(&p, fid);
	return pg_do(PG(st), -1, "WITH r AS (UPDATE feeds SET claim_owner ="
	    " NULL, claim_until = 0 WHERE id = $2 AND claim_owner = $1"
	    " RETURNING host)"
	    " DELETE FROM host_leases h USING r"
	    " WHERE h.host = r.host AND h.owner = $1"
	    " AND NOT EXISTS (SELECT 1 FROM feeds f WHERE f.claim_owner = $1"
	    "  AND f.host = r.host AND f.id <> $2)", &p, ebuf, n, "claims");
}

int
store_pg_reachable(struct store *st)
{
	return PQstatus(PG(st)->conn) == CONNECTION_OK;
}

int
store_pg_size(struct store *st, int64_t *bytes, char *ebuf, size_t n)
{
	PGresult *r;

	*bytes = 0;
	r = pg_run(PG(st), -1, "SELECT pg_database_size(current_database())",
	    NULL, ebuf, n, "size");
	if (r == NULL)
		return ERR_DB;
	*bytes = pg_int(r, 0, 0);
	PQclear(r);
	return ERR_OK;
}
