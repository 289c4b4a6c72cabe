#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scheduler.h"

/* 2026-11-30 00:00:00 UTC, a Monday. */
#define MONDAY	((time_t)1795996800)

static struct sched_limits lim;

static void
setup(void)
{
	sched_limits_init(&lim);
}

START_TEST(test_slot_spread)
{
	int buckets[10] = { 0 }, i, s;
	char url[64];

	ck_assert_int_eq(sched_slot("https://a.example/feed", 3600),
	    sched_slot("https://a.example/feed", 3600));
	for (i = 0; i < 2000; i++) {
		snprintf(url, sizeof(url), "https://host.example/feed/%d", i);
		s = sched_slot(url, 3600);
		ck_assert_int_ge(s, 0);
		ck_assert_int_lt(s, 3600);
		buckets[s / 360]++;
	}
	/* 200 expected per tenth of the hour; a burst would show here. */
	for (i = 0; i < 10; i++) {
		ck_assert_int_gt(buckets[i], 140);
		ck_assert_int_lt(buckets[i], 260);
	}
}
END_TEST

START_TEST(test_interval_hints_and_clamps)
{
	struct sched_hints h = { 0 };

	ck_assert_int_eq(sched_interval(&lim, &h), 3600);
	h.interval = 60;
	ck_assert_int_eq(sched_interval(&lim, &h), 300);	/* min */
	h.interval = 7200;
	ck_assert_int_eq(sched_interval(&lim, &h), 7200);
	h.ttl_minutes = 180;
	ck_assert_int_eq(sched_interval(&lim, &h), 10800);	/* ttl raises */
	h.update_period_minutes = 24 * 60 * 7;
	ck_assert_int_eq(sched_interval(&lim, &h), 86400);	/* max */
	h.update_period_minutes = 0;
	h.ttl_minutes = 10;
	ck_assert_int_eq(sched_interval(&lim, &h), 7200);	/* never lowers */
}
END_TEST

START_TEST(test_next_on_slot)
{
	struct sched_hints h = { 0 };
	const char *url = "https://example.org/feed.xml";
	int slot = sched_slot(url, 3600);
	time_t now = MONDAY + 10 * 3600 + 17, t, t2;

	t = sched_next(&lim, url, &h, now);
	ck_assert_int_gt(t, now + 1800);
	ck_assert_int_le(t, now + 5400);
	ck_assert_int_eq((t - slot) % 3600, 0);
	/* Checked on time: exactly one interval later, same slot. */
	t2 = sched_next(&lim, url, &h, t + 3);
	ck_assert_int_eq(t2, t + 3600);
}
END_TEST

START_TEST(test_cache_headers)
{
	struct sched_hints h = { 0 };
	const char *url = "https://example.org/feed.xml";
	time_t now = MONDAY + 3600, t;

	h.fresh_until = now + 3 * 3600 + 5;
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_eq(t, now + 3 * 3600 + 5);
	h.fresh_until = now + 10 * 86400;
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_eq(t, now + 86400);	/* max_interval wins */
	h.fresh_until = now + 10;		/* shorter: interval wins */
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_gt(t, now + 1800);
}
END_TEST

START_TEST(test_skip_hours_days)
{
	struct sched_hints h = { 0 };
	const char *url = "https://example.org/feed.xml";
	time_t now = MONDAY, t;
	int hour;

	/* Skip 00:00-08:59 UTC. */
	h.skip_hours = 0x1ff;
	t = sched_next(&lim, url, &h, now);
	hour = (int)((t % 86400) / 3600);
	ck_assert_int_ge(hour, 9);
	ck_assert_int_lt(t, now + 86400);
	/* Every hour skipped means the hint is nonsense: ignored. */
	h.skip_hours = 0xffffff;
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_le(t, now + 5400);
	/* Skip Monday (bit 0): Tuesday it is. */
	h.skip_hours = 0;
	h.skip_days = 1;
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_ge(t, MONDAY + 86400);
	/* Skip everything but Sunday: clamped to max_interval. */
	h.skip_days = 0x3f;
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_eq(t, now + 86400);
}
END_TEST

START_TEST(test_retry_after)
{
	struct sched_hints h = { 0 };
	const char *url = "https://example.org/feed.xml";
	time_t now = MONDAY, t;

	h.failures = 1;
	h.retry_after = now + 7200;
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_eq(t, now + 7200);
	h.retry_after = now + 365 * 86400;	/* hostile: capped */
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_eq(t, now + 86400);
	h.failures = 0;
	h.retry_after = now + 3 * 3600;
	t = sched_next(&lim, url, &h, now);
	ck_assert_int_eq(t, now + 3 * 3600);
}
END_TEST

START_TEST(test_backoff)
{
	const char *url = "https://example.org/feed.xml";
	int i, d, base, prev_base = 0;

	for (i = 1; i <= 40; i++) {
		d = sched_backoff(&lim, url, i);
		base = 300;
		for (int k = 1; k < i && base < 86400; k++)
			base *= 2;
		if (base > 86400)
			base = 86400;
		ck_assert_int_ge(d, base - base / 2);
		ck_assert_int_le(d, base);
		ck_assert_int_ge(base, prev_base);
		prev_base = base;
	}
	/* Capped, never given up: a thousand failures still get a retry. */
	ck_assert_int_le(sched_backoff(&lim, url, 1000), 86400);
	ck_assert_int_ge(sched_backoff(&lim, url, 1000), 43200);
	/* Jitter: feeds failing together do not retry together. */
	ck_assert_int_ne(sched_backoff(&lim, "https://a.example/1", 5),
	    sched_backoff(&lim, "https://a.example/2", 5));
}
END_TEST

START_TEST(test_initial)
{
	const char *url = "https://example.org/feed.xml";
	time_t now = MONDAY, t;

	/* A stored next check ahead is kept. */
	ck_assert_int_eq(sched_initial(&lim, url, 3600, now + 100, now),
	    now + 100);
	/* Never checked or overdue: within the start spread. */
	t = sched_initial(&lim, url, 3600, 0, now);
	ck_assert_int_ge(t, now);
	ck_assert_int_lt(t, now + 300);
	ck_assert_int_eq(sched_initial(&lim, url, 3600, now - 9999, now), t);
	/* Further than one interval (the interval was shortened): redone. */
	t = sched_initial(&lim, url, 3600, now + 86400, now);
	ck_assert_int_lt(t, now + 300);
	/* The spread never exceeds a short interval. */
	t = sched_initial(&lim, url, 60, 0, now);
	ck_assert_int_lt(t, now + 60);
}
END_TEST

START_TEST(test_due)
{
	time_t next[] = { 100, -1, 50, 0, 500, 90, 2000 };
	size_t due[8], n;
	int sleep_for;

	n = sched_due(next, 7, 100, due, 8, 600, &sleep_for);
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(due[0], 3);	/* never checked first */
	ck_assert_uint_eq(due[1], 2);
	ck_assert_uint_eq(due[2], 5);
	ck_assert_uint_eq(due[3], 0);
	ck_assert_int_eq(sleep_for, 0);
	n = sched_due(next, 7, 100, due, 2, 600, &sleep_for);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(due[1], 2);
	next[0] = next[2] = next[3] = next[5] = -1;
	n = sched_due(next, 7, 100, due, 8, 600, &sleep_for);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(sleep_for, 400);
	n = sched_due(next, 7, 100, due, 8, 60, &sleep_for);
	ck_assert_int_eq(sleep_for, 60);
	n = sched_due(next, 0, 100, due, 8, 60, &sleep_for);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(sleep_for, 60);
}
END_TEST

/*
 * A daemon's loop on simulated clocks: NFEEDS feeds checked hourly, the
 * wall clock stepped by `step` seconds two hours in, then three more hours.
 * With follow, the loop does what src/daemon.c does: compares the clocks
 * each turn and shifts every due time by the step.  Counts each feed's
 * checks after the step, and the turns of the loop.
 */
#define NFEEDS	50
#define HOUR	3600

static void
simulate(long step, int follow, int *checks, long *turns)
{
	struct sched_hints h;
	struct sched_clock clk, cur;
	time_t next[NFEEDS], wall;
	size_t due[NFEEDS], nd, k;
	long long mono = 0;
	time_t offset = MONDAY;
	char url[NFEEDS][64];
	int i, sleep_for, stepped = 0;
	long st;

	lim.interval = HOUR;
	lim.min_interval = 60;
	lim.startup_spread = 300;
	memset(&h, 0, sizeof(h));
	wall = offset;
	for (i = 0; i < NFEEDS; i++) {
		snprintf(url[i], sizeof(url[i]), "http://h%d.example/feed", i);
		next[i] = sched_initial(&lim, url[i], 0, 0, wall);
		checks[i] = 0;
	}
	clk.wall = wall;
	clk.mono_ms = mono;
	*turns = 0;
	while (mono < 5LL * HOUR * 1000 && *turns < 1000000) {
		if (!stepped && mono >= 2LL * HOUR * 1000) {
			offset += step;
			stepped = 1;
		}
		wall = offset + (time_t)(mono / 1000);
		cur.wall = wall;
		cur.mono_ms = mono;
		if (follow && (st = sched_clock_step(&clk, &cur, 2)) != 0)
			for (i = 0; i < NFEEDS; i++)
				next[i] = sched_shift(next[i], st);
		clk = cur;
		nd = sched_due(next, NFEEDS, wall, due, NFEEDS, 60,
		    &sleep_for);
		for (k = 0; k < nd; k++) {
			if (stepped)
				checks[due[k]]++;
			next[due[k]] = sched_next(&lim, url[due[k]], &h, wall);
		}
		++*turns;
		if (nd == 0)
			mono += (long long)sleep_for * 1000;
	}
}

START_TEST(test_clock_step_measured)
{
	struct sched_clock a = { 1000, 0 }, b = { 1010, 10000 };

	ck_assert_int_eq(sched_clock_step(&a, &b, 2), 0);
	b.wall = 1011;		/* rounding */
	ck_assert_int_eq(sched_clock_step(&a, &b, 2), 0);
	b.wall = 1010 - 86400;
	ck_assert_int_eq(sched_clock_step(&a, &b, 2), -86400);
	b.wall = 1010 + 7 * 86400;
	ck_assert_int_eq(sched_clock_step(&a, &b, 2), 7 * 86400);
	ck_assert_int_eq(sched_shift(0, 500), 0);
	ck_assert_int_eq(sched_shift(-1, 500), -1);
	ck_assert_int_eq(sched_shift(1000, -500), 500);
}
END_TEST

START_TEST(test_clock_steps)
{
	static const long steps[] = { -86400, 7 * 86400, -120, 600 };
	int checks[NFEEDS], i, lo, hi;
	size_t k;
	long turns;

	for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
		simulate(steps[k], 1, checks, &turns);
		lo = hi = checks[0];
		for (i = 1; i < NFEEDS; i++) {
			if (checks[i] < lo)
				lo = checks[i];
			if (checks[i] > hi)
				hi = checks[i];
		}
		/* three hours after the step: each feed about three times,
		 * none starved, none in a loop */
		ck_assert_msg(lo >= 2, "step %ld: a feed starved (%d checks)",
		    steps[k], lo);
		ck_assert_msg(hi <= 4, "step %ld: a feed checked %d times",
		    steps[k], hi);
		/* five hours: a turn per check (about 5 * NFEEDS), one
		 * sleep before each, and the 60 s cap on a sleep */
		ck_assert_msg(turns < 2 * 5 * NFEEDS + 5 * 60 + 10,
		    "step %ld: %ld turns", steps[k], turns);
	}
	/* without following the step, a day back starves every feed */
	simulate(-86400, 0, checks, &turns);
	for (i = 0; i < NFEEDS; i++)
		ck_assert_int_eq(checks[i], 0);
}
END_TEST

/*
 * Learned intervals, with a simulated clock: a feed posts on a schedule
 * (post_gap(t) seconds after each post), tidings checks it when
 * sched_next says, with the interval sched_learn gives from what the
 * checks found so far (the newest 40, as the store hands them over).
 * with_dates: the items carry their publication time; without, only
 * when a check first saw them.
 */
#define SIM_MAX	4096
struct sim {
	struct sched_item items[SIM_MAX];
	size_t	 n;
	time_t	 now, next_post;
	int	 with_dates;
	struct sched_learned le;
};

static int
cmp_newest(const void *a, const void *b)
{
	const struct sched_item *x = a, *y = b;
	int64_t tx = x->published ? x->published : x->first_seen;
	int64_t ty = y->published ? y->published : y->first_seen;

	return tx > ty ? -1 : tx < ty;
}

/* Runs checks until `until`, the feed posting every gap seconds; returns
 * how many checks that took. */
static int
sim_run(struct sim *s, time_t until, int gap)
{
	struct sched_hints h;
	struct sched_item newest[40];
	size_t k;
	int checks = 0;

	for (; s->now < until; checks++) {
		while (s->next_post <= s->now && s->n < SIM_MAX) {
			s->items[s->n].first_seen = s->now;
			s->items[s->n++].published = s->with_dates ?
			    s->next_post : 0;
			s->next_post += gap;
		}
		if (s->next_post <= s->now)
			s->next_post = s->now + gap;
		qsort(s->items, s->n, sizeof(s->items[0]), cmp_newest);
		k = s->n < 40 ? s->n : 40;
		memcpy(newest, s->items, k * sizeof(newest[0]));
		sched_learn(&lim, newest, k, s->now, &s->le);
		memset(&h, 0, sizeof(h));
		h.interval = s->le.interval;
		s->now = sched_next(&lim, "https://sim.example/feed", &h,
		    s->now);
	}
	return checks;
}

static void
learn_rate_changes(int with_dates)
{
	static struct sim s;
	time_t t0 = MONDAY + 1234;

	memset(&s, 0, sizeof(s));
	s.with_dates = with_dates;
	s.now = t0;
	s.next_post = t0 + 600;
	/* Nothing seen yet: the default interval. */
	sim_run(&s, t0 + 1, 3600);
	ck_assert_int_eq(s.le.why, SCHED_LEARN_TOO_LITTLE);
	ck_assert_int_eq(s.le.interval, lim.interval);
	/* Hourly for three days: checked about hourly. */
	sim_run(&s, t0 + 3 * 86400, 3600);
	ck_assert_int_eq(s.le.why, SCHED_LEARN_MEDIAN);
	ck_assert_int_ge(s.le.interval, 50 * 60);
	ck_assert_int_le(s.le.interval, 70 * 60);
	/* Daily from then on: over the next two days the checks back off
	 * (quiet: 48 would be hourly), and after two weeks the interval is
	 * the max clamp. */
	s.next_post = s.now + 86400;
	ck_assert_int_le(sim_run(&s, s.now + 2 * 86400, 86400), 20);
	sim_run(&s, s.now + 14 * 86400, 86400);
	/* Without dates the gaps are the checks' own: about daily. */
	if (with_dates)
		ck_assert_int_eq(s.le.interval, lim.max_interval);
	else
		ck_assert_int_ge(s.le.interval, 20 * 3600);
	/* Hourly again: within two days it is back to about hourly. */
	s.next_post = s.now + 1800;
	sim_run(&s, s.now + 2 * 86400, 3600);
	ck_assert_int_ge(s.le.interval, 50 * 60);
	ck_assert_int_le(s.le.interval, 70 * 60);
	ck_assert_int_eq(s.le.ngaps, SCHED_LEARN_ITEMS);
}

START_TEST(test_learn_with_dates)
{
	learn_rate_changes(1);
}
END_TEST

START_TEST(test_learn_first_seen_only)
{
	learn_rate_changes(0);
}
END_TEST

START_TEST(test_learn_clamps_and_history)
{
	struct sched_item it[30];
	struct sched_learned le;
	struct sched_hints h;
	char line[128];
	time_t now = MONDAY;
	int i;

	/* Every minute: the min clamp. */
	for (i = 0; i < 30; i++) {
		it[i].first_seen = now - i * 60;
		it[i].published = 0;
	}
	sched_learn(&lim, it, 30, now, &le);
	ck_assert_int_eq(le.gap, 60);
	ck_assert_int_eq(le.interval, lim.min_interval);
	sched_learn_describe(&le, line, sizeof(line));
	ck_assert_str_eq(line, "auto: median gap 1m over 20 items, clamped "
	    "to 5m");
	/* Weekly (four posts in the window): the max clamp, about daily. */
	for (i = 0; i < 4; i++) {
		it[i].first_seen = now - 3600 - i * 7 * 86400;
		it[i].published = it[i].first_seen - 60;
	}
	sched_learn(&lim, it, 4, now, &le);
	ck_assert_int_eq(le.why, SCHED_LEARN_MEDIAN);
	ck_assert_int_eq(le.interval, lim.max_interval);
	/* Two items: too little history, the default interval. */
	sched_learn(&lim, it, 2, now, &le);
	ck_assert_int_eq(le.why, SCHED_LEARN_TOO_LITTLE);
	ck_assert_int_eq(le.interval, lim.interval);
	sched_learn_describe(&le, line, sizeof(line));
	ck_assert_str_eq(line, "auto: too little history, default 1h");
	/* Older than the window: as good as none. */
	for (i = 0; i < 30; i++)
		it[i].first_seen = now - SCHED_LEARN_WINDOW - 3600 - i * 60;
	sched_learn(&lim, it, 30, now, &le);
	ck_assert_int_eq(le.why, SCHED_LEARN_TOO_LITTLE);
	/* A date in the future is not sane: the first-seen time counts. */
	for (i = 0; i < 30; i++) {
		it[i].first_seen = now - i * 3480;
		it[i].published = now + 86400 * (i + 1);
	}
	sched_learn(&lim, it, 30, now, &le);
	ck_assert_int_eq(le.gap, 3480);
	sched_learn_describe(&le, line, sizeof(line));
	ck_assert_str_eq(line, "auto: median gap 58m over 20 items");
	/* One check found 24 undated items a day after the last ones: an
	 * hourly rate. */
	for (i = 0; i < 30; i++) {
		it[i].first_seen = i < 24 ? now : now - 86400 * (i - 23);
		it[i].published = 0;
	}
	sched_learn(&lim, it, 30, now, &le);
	ck_assert_int_eq(le.gap, 3600);
	/* The feed's own hints stay lower bounds over a learned interval. */
	memset(&h, 0, sizeof(h));
	h.interval = le.interval;
	h.ttl_minutes = 180;
	ck_assert_int_eq(sched_interval(&lim, &h), 3 * 3600);
}
END_TEST

static Suite *
scheduler_suite(void)
{
	Suite *s = suite_create("scheduler");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_slot_spread);
	tcase_add_test(tc, test_interval_hints_and_clamps);
	tcase_add_test(tc, test_next_on_slot);
	tcase_add_test(tc, test_cache_headers);
	tcase_add_test(tc, test_skip_hours_days);
	tcase_add_test(tc, test_retry_after);
	tcase_add_test(tc, test_backoff);
	tcase_add_test(tc, test_initial);
	tcase_add_test(tc, test_due);
	tcase_add_test(tc, test_clock_step_measured);
	tcase_add_test(tc, test_clock_steps);
	tcase_add_test(tc, test_learn_with_dates);
	tcase_add_test(tc, test_learn_first_seen_only);
	tcase_add_test(tc, test_learn_clamps_and_history);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(scheduler_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
