#include "scheduler.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "defaults.h"
#include "xmalloc.h"

void
sched_limits_init(struct sched_limits *l)
{
	l->interval = DEFAULT_INTERVAL;
	l->min_interval = DEFAULT_MIN_INTERVAL;
	l->max_interval = DEFAULT_MAX_INTERVAL;
	l->max_backoff = DEFAULT_MAX_BACKOFF;
	l->startup_spread = DEFAULT_STARTUP_SPREAD;
}

/* FNV-1a over the URL and a salt, so that the slot and the jitter of one
 * feed are not the same number. */
static uint64_t
hash_url(const char *url, uint64_t salt)
{
	uint64_t h = 14695981039346656037ULL;
	int i;

	for (; *url != '\0'; url++)
		h = (h ^ (unsigned char)*url) * 1099511628211ULL;
	for (i = 0; i < 8; i++, salt >>= 8)
		h = (h ^ (salt & 0xff)) * 1099511628211ULL;
	/* FNV's low bits mix poorly for short inputs; fold the high ones in. */
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return h;
}

int
sched_slot(const char *url, int interval)
{
	if (interval <= 1)
		return 0;
	return (int)(hash_url(url, 0) % (uint64_t)interval);
}

static int
clamp(int v, int lo, int hi)
{
	if (v > hi)
		v = hi;
	if (v < lo)
		v = lo;
	return v;
}

int
sched_interval(const struct sched_limits *l, const struct sched_hints *h)
{
	long long iv = h->interval > 0 ? h->interval : l->interval;

	if ((long long)h->ttl_minutes * 60 > iv)
		iv = (long long)h->ttl_minutes * 60;
	if ((long long)h->update_period_minutes * 60 > iv)
		iv = (long long)h->update_period_minutes * 60;
	if (iv > l->max_interval)
		iv = l->max_interval;
	return clamp((int)iv, l->min_interval > 0 ? l->min_interval : 1,
	    l->max_interval > 0 ? l->max_interval : INT32_MAX);
}

int
sched_backoff(const struct sched_limits *l, const char *url, int failures)
{
	long long d = l->min_interval > 0 ? l->min_interval : 60;
	long long half;
	int i;

	for (i = 1; i < failures && d < l->max_backoff; i++)
		d *= 2;
	if (d > l->max_backoff)
		d = l->max_backoff;
	/* Equal jitter: never less than half the delay, never more than all
	 * of it, and feeds that failed together retry apart. */
	half = d / 2;
	return (int)(d - half + (long long)(hash_url(url, (uint64_t)failures) %
	    (uint64_t)(half + 1)));
}

/* Monday = 0, as in struct article_feed's skip_days. */
static int
weekday(time_t t)
{
	long long days = (long long)t / 86400;

	if ((long long)t < 0 && (long long)t % 86400 != 0)
		days--;
	return (int)(((days + 3) % 7 + 7) % 7);
}

static int
hour_of(time_t t)
{
	return (int)((((long long)t % 86400) + 86400) % 86400 / 3600);
}

/* Moves t forward out of skipped hours and days (UTC).  The hints are
 * ignored when they would skip everything. */
static time_t
unskip(time_t t, unsigned skip_hours, unsigned skip_days, const char *url)
{
	int i;

	skip_hours &= 0xffffffu;
	skip_days &= 0x7fu;
	if (skip_hours == 0xffffffu)
		skip_hours = 0;
	if (skip_days == 0x7fu)
		skip_days = 0;
	if (skip_hours == 0 && skip_days == 0)
		return t;
	for (i = 0; i < 8 * 24; i++) {
		if (!(skip_days & (1u << weekday(t))) &&
		    !(skip_hours & (1u << hour_of(t))))
			return t;
		/* To the next hour, plus a few minutes of per-feed jitter so
		 * that feeds sharing a skip list do not wake together. */
		t = t - ((long long)t % 3600) + 3600 +
		    (time_t)(hash_url(url, 1) % 600);
	}
	return t;
}

time_t
sched_next(const struct sched_limits *l, const char *url,
    const struct sched_hints *h, time_t now)
{
	long long cap, iv, off, k, t;

	cap = l->max_interval > l->max_backoff ? l->max_interval :
	    l->max_backoff;
	if (h->failures > 0) {
		t = (long long)now + sched_backoff(l, url, h->failures);
	} else {
		iv = sched_interval(l, h);
		off = sched_slot(url, (int)iv);
		/* The first slot past half an interval from now: on time
		 * checks land one interval apart, late ones drift back to
		 * their slot. */
		k = ((long long)now + iv / 2 + 1 - off + iv - 1) / iv;
		t = off + k * iv;
		if ((long long)h->fresh_until > t)
			t = h->fresh_until;
		t = (long long)unskip((time_t)t, h->skip_hours, h->skip_days,
		    url);
		if (t > (long long)now + l->max_interval)
			t = (long long)now + l->max_interval;
		if (t < (long long)now + l->min_interval)
			t = (long long)now + l->min_interval;
	}
	if ((long long)h->retry_after > t)
		t = h->retry_after;
	if (t > (long long)now + cap)
		t = (long long)now + cap;
	return (time_t)t;
}

time_t
sched_initial(const struct sched_limits *l, const char *url, int interval,
    time_t next_check, time_t now)
{
	int spread;

	if (interval <= 0)
		interval = l->interval;
	if (next_check > now && (long long)next_check <= (long long)now +
	    interval)
		return next_check;
	spread = l->startup_spread < interval ? l->startup_spread : interval;
	if (spread <= 0)
		return now;
	return now + (time_t)(hash_url(url, 2) % (uint64_t)spread);
}

struct due_ent {
	time_t	t;
	size_t	i;
};

static int
due_cmp(const void *a, const void *b)
{
	const struct due_ent *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

size_t
sched_due(const time_t *next, size_t n, time_t now, size_t *due,
    size_t max, int max_sleep, int *sleep_for)
{
	struct due_ent *v;
	long long soonest = -1;
	size_t i, nv = 0;

	v = xreallocarray(NULL, n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		if (next[i] < 0)
			continue;
		if (next[i] <= now) {
			v[nv].t = next[i];
			v[nv++].i = i;
		} else if (soonest == -1 || next[i] - now < soonest)
			soonest = next[i] - now;
	}
	qsort(v, nv, sizeof(*v), due_cmp);
	if (nv > max)
		nv = max;
	for (i = 0; i < nv; i++)
		due[i] = v[i].i;
	free(v);
	if (nv > 0)
		*sleep_for = 0;
	else if (soonest == -1 || soonest > max_sleep)
		*sleep_for = max_sleep;
	else
		*sleep_for = (int)soonest;
	return nv;
}

long
sched_clock_step(const struct sched_clock *before,
    const struct sched_clock *after, int slack)
{
	long long wall = (long long)after->wall - (long long)before->wall;
	long long mono = (after->mono_ms - before->mono_ms) / 1000;
	long long step = wall - mono;

	if (step <= slack && step >= -slack)
		return 0;
	return (long)step;
}

time_t
sched_shift(time_t next, long step)
{
	if (next <= 0)
		return next;
	return next + (time_t)step;
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

void
sched_learn(const struct sched_limits *l, struct sched_item *items,
    size_t n, time_t now, struct sched_learned *out)
{
	int64_t *t, *gaps, g, median;
	size_t i, j, nt = 0, ng = 0, k;
	int lo = l->min_interval > 0 ? l->min_interval : 1;
	int hi = l->max_interval > 0 ? l->max_interval : INT32_MAX;

	memset(out, 0, sizeof(*out));
	t = xreallocarray(NULL, n ? n : 1, sizeof(*t));
	for (i = 0; i < n; i++) {
		int64_t v = items[i].first_seen;

		if (items[i].published > 0 && items[i].published <=
		    items[i].first_seen + SCHED_LEARN_SLACK)
			v = items[i].published;
		if (v >= (int64_t)now - SCHED_LEARN_WINDOW &&
		    v <= (int64_t)now + SCHED_LEARN_SLACK)
			t[nt++] = v;
	}
	qsort(t, nt, sizeof(*t), cmp_i64);
	gaps = xreallocarray(NULL, nt ? nt : 1, sizeof(*gaps));
	/* Group by time; each group after the first spreads its items over
	 * the time since the group before. */
	for (i = 0; i < nt; i = j) {
		for (j = i; j < nt && t[j] == t[i]; j++)
			;
		if (i == 0)
			continue;
		g = (t[i] - t[i - 1]) / (int64_t)(j - i);
		for (k = i; k < j; k++)
			gaps[ng++] = g;
	}
	if (nt > 0)
		out->quiet = (int)((int64_t)now - t[nt - 1] > 0 ?
		    ((int64_t)now - t[nt - 1] > INT32_MAX ? INT32_MAX :
		    (int64_t)now - t[nt - 1]) : 0);
	if (ng < SCHED_LEARN_MIN_GAPS) {
		out->why = SCHED_LEARN_TOO_LITTLE;
		out->interval = clamp(l->interval, lo, hi);
		goto done;
	}
	/* The newest gaps only: the rate now, not a month ago. */
	if (ng > SCHED_LEARN_ITEMS) {
		memmove(gaps, gaps + (ng - SCHED_LEARN_ITEMS),
		    SCHED_LEARN_ITEMS * sizeof(*gaps));
		ng = SCHED_LEARN_ITEMS;
	}
	qsort(gaps, ng, sizeof(*gaps), cmp_i64);
	median = ng % 2 ? gaps[ng / 2] : (gaps[ng / 2 - 1] + gaps[ng / 2]) / 2;
	out->gap = median > INT32_MAX ? INT32_MAX : (int)median;
	out->ngaps = (int)ng;
	out->why = SCHED_LEARN_MEDIAN;
	if (out->quiet / 2 > out->gap) {
		out->why = SCHED_LEARN_QUIET;
		median = out->quiet / 2;
	}
	out->interval = clamp(median > INT32_MAX ? INT32_MAX : (int)median,
	    lo, hi);
done:
	free(t);
	free(gaps);
}

/* 90s, 58m, 2h, 1d, or 1h30m: a duration as the configuration writes it. */
static void
dur(int s, char *buf, size_t n)
{
	if (s >= 86400 && s % 86400 == 0)
		snprintf(buf, n, "%dd", s / 86400);
	else if (s >= 86400)
		snprintf(buf, n, "%dd%dh", s / 86400, s % 86400 / 3600);
	else if (s >= 3600 && s % 3600 / 60 == 0)
		snprintf(buf, n, "%dh", s / 3600);
	else if (s >= 3600)
		snprintf(buf, n, "%dh%dm", s / 3600, s % 3600 / 60);
	else if (s >= 60)
		snprintf(buf, n, "%dm", s / 60);
	else
		snprintf(buf, n, "%ds", s);
}

void
sched_learn_describe(const struct sched_learned *le, char *buf, size_t n)
{
	char a[32], b[32], c[32];

	dur(le->interval, a, sizeof(a));
	dur(le->gap, b, sizeof(b));
	dur(le->quiet, c, sizeof(c));
	if (le->why == SCHED_LEARN_TOO_LITTLE)
		snprintf(buf, n, "auto: too little history, default %s", a);
	else if (le->why == SCHED_LEARN_QUIET)
		snprintf(buf, n, "auto: quiet for %s, %s (median gap %s over "
		    "%d items)", c, a, b, le->ngaps);
	else if (le->interval != le->gap)
		snprintf(buf, n, "auto: median gap %s over %d items, "
		    "clamped to %s", b, le->ngaps, a);
	else
		snprintf(buf, n, "auto: median gap %s over %d items", b,
		    le->ngaps);
}
