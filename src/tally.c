#include "tally.h"

#include <stdio.h>
#include <string.h>

static const char *const names[TALLY_NRESULTS] = {
	[TALLY_OK] = "ok",
	[TALLY_NOT_MODIFIED] = "not_modified",
	[TALLY_DNS] = "dns",
	[TALLY_CONNECT] = "connect",
	[TALLY_TLS] = "tls",
	[TALLY_TIMEOUT] = "timeout",
	[TALLY_HTTP] = "http",
	[TALLY_TOO_LARGE] = "too-large",
	[TALLY_REDIRECT] = "redirect",
	[TALLY_TRANSFER] = "transfer",
	[TALLY_FILE] = "file",
	[TALLY_OTHER] = "other",
	[TALLY_PARSE] = "parse",
	[TALLY_STORE] = "store",
};

const char *
tally_result_name(enum tally_result r)
{
	return r < TALLY_NRESULTS ? names[r] : "other";
}

enum tally_result
tally_classify(const struct cycle_outcome *o)
{
	int i;

	if (!o->failed)
		return o->not_modified ? TALLY_NOT_MODIFIED : TALLY_OK;
	/* a failure the outcome does not name came from the store */
	if (o->eclass == NULL)
		return TALLY_STORE;
	for (i = TALLY_DNS; i < TALLY_NRESULTS; i++)
		if (strcmp(o->eclass, names[i]) == 0)
			return (enum tally_result)i;
	return TALLY_OTHER;
}

void
tally_add(struct tally *t, const struct cycle_outcome *o, size_t bytes,
    time_t now)
{
	enum tally_result r = tally_classify(o);

	t->checked++;
	t->results[r]++;
	if (o->failed)
		t->failed++;
	else if ((int64_t)now > t->last_success)
		t->last_success = now;
	t->added += o->added;
	t->updated += o->updated;
	t->duplicate += o->duplicate;
	t->bytes += bytes;
}

void
tally_merge(struct tally *into, const struct tally *from)
{
	int i;

	into->checked += from->checked;
	for (i = 0; i < TALLY_NRESULTS; i++)
		into->results[i] += from->results[i];
	into->failed += from->failed;
	into->added += from->added;
	into->updated += from->updated;
	into->duplicate += from->duplicate;
	into->exported += from->exported;
	into->bytes += from->bytes;
	if (from->last_success > into->last_success)
		into->last_success = from->last_success;
}

void
tally_to_cycle(const struct tally *t, struct store_cycle *c)
{
	c->checked = t->checked;
	c->not_modified = t->results[TALLY_NOT_MODIFIED];
	c->failed = t->failed;
	c->added = t->added;
	c->updated = t->updated;
	c->duplicate = t->duplicate;
	c->exported = t->exported;
	c->bytes = (int64_t)t->bytes;
}

void
tally_summary(const struct tally *t, long duration_ms, char *buf, size_t n)
{
	if (duration_ms < 0)
		duration_ms = 0;
	snprintf(buf, n, "cycle: %ld feed(s) checked, %ld not modified, %ld "
	    "new, %ld updated, %ld failed, %ld exported, %ld.%lds",
	    t->checked, t->results[TALLY_NOT_MODIFIED], t->added, t->updated,
	    t->failed, t->exported, (duration_ms + 50) / 1000,
	    (duration_ms + 50) / 100 % 10);
}
