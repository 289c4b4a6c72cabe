#ifndef TIDINGS_EXPORT_INT_H
#define TIDINGS_EXPORT_INT_H
/*
 * Between export.c and export_webhook.c (private to the export_*.c
 * files): export.c owns struct export_job and the target; a webhook job
 * holds one request, which export_webhook.c sends on the target's curl
 * multi handle.
 */
#include <stddef.h>

/* export.h's, not included here: it includes nothing of ours back.  The
 * int results are enum export_status values. */
struct export_hook;
struct export_item;
struct export_req;
struct export_target;

/* Reads the secret and makes the multi handle, once per target (a reload
 * makes new targets, so it reads the secret again). */
int	 export_hook_open(struct export_target *t, char *ebuf,
	    size_t n);
/* Frees what export_hook_open made; the requests on it are freed first
 * (export_job_free). */
void	 export_hook_free(struct export_hook *h);
/* Renders, signs and adds the item's request to the multi handle. */
int	 export_req_start(struct export_target *t,
	    const struct export_item *it, struct export_req **out,
	    char *ebuf, size_t n);
/* Advances the target's requests without waiting; -1 while r is in
 * flight, else its status (computed once; later calls return it again). */
int	 export_req_poll(struct export_req *r, char *ebuf, size_t n);
/* Aborts r if it is in flight. */
void	 export_req_free(struct export_req *r);
/* Waits up to ms for activity on the target's requests. */
void	 export_hook_wait(struct export_target *t, int ms);

#endif
