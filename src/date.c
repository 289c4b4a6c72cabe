#include <stdio.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "err.h"

int64_t
date_timegm(int year, int mon, int mday, int hour, int min, int sec)
{
	/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian
	 * calendar, no libc time zone state involved. */
	int64_t y = year - (mon <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + mday - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return days * 86400 + hour * 3600 + min * 60 + sec;
}

static void
to_tm(int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	memset(tm, 0, sizeof(*tm));
	gmtime_r(&tt, tm);
}

void
date_format_utc(int64_t utc, char *out, size_t n)
{
	struct tm tm;

	to_tm(utc, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
date_format_local(const struct date_time *d, char *out, size_t n)
{
	struct tm tm;
	char base[32];
	int off = d->tzoff, sign = '+';

	to_tm(d->utc + (int64_t)off * 60, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	snprintf(out, n, "%s%c%02d:%02d", base, sign, off / 60, off % 60);
}

void
date_strftime_local(const struct date_time *d, const char *fmt, char *out,
    size_t n)
{
	static const char *mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	size_t o = 0;

	/* strftime's %b follows the locale; exports must not, so %b is ours. */
	to_tm(d->utc + (int64_t)d->tzoff * 60, &tm);
	if (n == 0)
		return;
	for (; *fmt && o + 1 < n; fmt++) {
		char one[3] = { '%', 0, 0 }, tmp[64];
		size_t k;

		if (*fmt != '%' || fmt[1] == '\0') {
			out[o++] = *fmt;
			continue;
		}
		fmt++;
		if (*fmt == 'b') {
			snprintf(tmp, sizeof(tmp), "%s", mon[tm.tm_mon % 12]);
		} else {
			one[1] = *fmt;
			if (strftime(tmp, sizeof(tmp), one, &tm) == 0)
				tmp[0] = '\0';
		}
		for (k = 0; tmp[k] && o + 1 < n; k++)
			out[o++] = tmp[k];
	}
	out[o] = '\0';
}

/* Placeholder until the full parser lands: strict RFC 3339 only. */
int
date_parse(const char *s, struct date_time *out)
{
	int y, mo, d, h, mi, sec = 0, oh = 0, om = 0, n = 0;
	char sign = 'Z';

	if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d%n", &y, &mo, &d, &h, &mi,
	    &sec, &n) < 6)
		return ERR_PARSE;
	if (s[n] == '+' || s[n] == '-') {
		sign = s[n];
		if (sscanf(s + n + 1, "%d:%d", &oh, &om) != 2)
			return ERR_PARSE;
	}
	out->tzoff = (sign == '-' ? -1 : 1) * (oh * 60 + om);
	out->utc = date_timegm(y, mo, d, h, mi, sec) - out->tzoff * 60;
	return ERR_OK;
}
