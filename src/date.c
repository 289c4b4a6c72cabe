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

static void
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
}

/*
 * Writes "YYYY-MM-DDTHH:MM:SS" (19 bytes, no NUL) as strftime would, which
 * costs a locale lookup per call; 0, writing nothing, for what strftime
 * prints otherwise (years outside 1000..9999, fields out of range).
 */
static int
put_ymdhms(char *out, const struct tm *tm)
{
	int y = tm->tm_year + 1900;

	if (y < 1000 || y > 9999 || tm->tm_mon < 0 || tm->tm_mon > 11 ||
	    tm->tm_mday < 0 || tm->tm_mday > 31 || tm->tm_hour < 0 ||
	    tm->tm_hour > 23 || tm->tm_min < 0 || tm->tm_min > 59 ||
	    tm->tm_sec < 0 || tm->tm_sec > 60)
		return 0;
	put2(out, y / 100);
	put2(out + 2, y % 100);
	out[4] = '-';
	put2(out + 5, tm->tm_mon + 1);
	out[7] = '-';
	put2(out + 8, tm->tm_mday);
	out[10] = 'T';
	put2(out + 11, tm->tm_hour);
	out[13] = ':';
	put2(out + 14, tm->tm_min);
	out[16] = ':';
	put2(out + 17, tm->tm_sec);
	return 1;
}

void
date_format_utc(int64_t utc, char *out, size_t n)
{
	struct tm tm;

	to_tm(utc, &tm);
	if (n > 20 && put_ymdhms(out, &tm)) {
		out[19] = 'Z';
		out[20] = '\0';
		return;
	}
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
date_format_local(const struct date_time *d, char *out, size_t n)
{
	struct tm tm;
	char base[32];
	int off = d->tzoff, sign = '+';

	to_tm(d->utc + (int64_t)off * 60, &tm);
	if (off < 0) {
		sign = '-';
		off = -off;
	}
	if (n > 25 && off < 100 * 60 && put_ymdhms(out, &tm)) {
		out[19] = (char)sign;
		put2(out + 20, off / 60);
		out[22] = ':';
		put2(out + 23, off % 60);
		out[25] = '\0';
		return;
	}
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
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

/*
 * date_parse: a hand-written scanner over the NUL-terminated string.  Every
 * look-ahead stops at the first byte that is not what it wants, and NUL is
 * never a digit, letter or separator, so nothing reads past the end.
 * <ctype.h> is not used: its answers follow the locale and dates are ASCII
 * (plus a few UTF-8 month names, compared as bytes).
 */

/* Parsed fields before validation; off is minutes east of UTC. */
struct fields {
	int	year, mon, day, hour, min, sec, off;
	int	frac;	/* a non-zero fraction of a second was given */
	int	msk;	/* the zone was "MSK", whose offset depends on the date */
};

#define MAX_OFF		(18 * 60)
#define WORD_MAX	24

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Letters of a word: ASCII letters and any UTF-8 byte, so that Greek and
 * Hungarian month names come out as one word (NBSP excepted, see skip_ws). */
static int
is_wordc(const unsigned char *p)
{
	if (p[0] == 0xc2 && p[1] == 0xa0)
		return 0;
	return is_alpha(p[0]) || p[0] >= 0x80;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	    c == '\v';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Skips white space, including U+00A0 (HTML-decoded &nbsp;). */
static const unsigned char *
skip_ws(const unsigned char *p)
{
	for (;;) {
		if (is_space(*p))
			p++;
		else if (p[0] == 0xc2 && p[1] == 0xa0)
			p += 2;
		else
			return p;
	}
}

static int
at_end(const unsigned char *p)
{
	return *skip_ws(p) == '\0';
}

/* Reads up to max (<= 9) digits; returns how many.  A caller that needs
 * the field to end there checks that no digit follows. */
static int
get_num(const unsigned char **pp, int max, int *val)
{
	const unsigned char *p = *pp;
	int n = 0, v = 0;

	while (n < max && is_digit(*p)) {
		v = v * 10 + (*p++ - '0');
		n++;
	}
	*pp = p;
	*val = v;
	return n;
}

/* Reads a word into w, ASCII letters folded to lower case.  Returns its
 * length, or 0 when there is none or it does not fit (no known word is that
 * long); *pp moves past the whole word either way. */
static size_t
get_word(const unsigned char **pp, char *w)
{
	const unsigned char *p = *pp;
	size_t n = 0;

	while (is_wordc(p)) {
		if (n < WORD_MAX - 1)
			w[n] = (char)lower(*p);
		n++;
		p++;
	}
	*pp = p;
	if (n == 0 || n >= WORD_MAX)
		return 0;
	w[n] = '\0';
	return n;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* English names (full, three letters, "sept"), then the Greek and
 * Hungarian forms feedparser has met in real feeds. */
static int
month_of(const char *w)
{
	static const char *en[] = { "january", "february", "march", "april",
	    "may", "june", "july", "august", "september", "october",
	    "november", "december" };
	static const struct {
		const char	*name;
		int		 mon;
	} other[] = {
		{ "sept", 9 },
		{ "Ιαν", 1 }, { "Φεβ", 2 }, { "Μαρ", 3 }, { "Μάρ", 3 },
		{ "Μαώ", 3 }, { "Μάώ", 3 }, { "Απρ", 4 }, { "Μαι", 5 },
		{ "Μάι", 5 }, { "Μαϊ", 5 }, { "Ιουν", 6 }, { "Ιούν", 6 },
		{ "Ιον", 6 }, { "Ιουλ", 7 }, { "Ιούλ", 7 }, { "Ιολ", 7 },
		{ "Αυγ", 8 }, { "Αύγ", 8 }, { "Σεπ", 9 }, { "Οκτ", 10 },
		{ "Νοε", 11 }, { "Νοέ", 11 }, { "Δεκ", 12 },
		{ "január", 1 }, { "február", 2 }, { "március", 3 },
		{ "április", 4 }, { "május", 5 }, { "június", 6 },
		{ "július", 7 }, { "augusztus", 8 }, { "szeptember", 9 },
		{ "október", 10 }, { "november", 11 }, { "december", 12 },
	};
	size_t i;

	for (i = 0; i < 12; i++)
		if (strcmp(w, en[i]) == 0 || (strlen(w) == 3 &&
		    strncmp(w, en[i], 3) == 0))
			return (int)i + 1;
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (strcmp(w, other[i].name) == 0)
			return other[i].mon;
	return 0;
}

static int
is_weekday(const char *w)
{
	static const char *names[] = { "monday", "tuesday", "wednesday",
	    "thursday", "friday", "saturday", "sunday", "tues", "thur",
	    "thurs", "Κυρ", "Δευ", "Τρι", "Τετ", "Πεμ", "Πέμ", "Παρ", "Σαβ",
	    "Σάβ" };
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(w, names[i]) == 0 || (i < 7 && strlen(w) == 3 &&
		    strncmp(w, names[i], 3) == 0))
			return 1;
	return 0;
}

/*
 * Zone names we trust.  Left out on purpose because they name several
 * offsets: IST (India, Ireland, Israel), AST (Atlantic, Arabia), CST as
 * China time (RFC 822 says US Central), and the DST-less "ET", "PT", ....
 * An unknown name rejects the date rather than guess.
 */
static const struct {
	const char	*name;
	int		 off;
} zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
	{ "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
	{ "mst", -420 }, { "mdt", -360 }, { "pst", -480 }, { "pdt", -420 },
	{ "akst", -540 }, { "akdt", -480 }, { "hst", -600 }, { "adt", -180 },
	{ "nst", -210 }, { "ndt", -150 },
	{ "wet", 0 }, { "west", 60 }, { "bst", 60 }, { "cet", 60 },
	{ "cest", 120 }, { "met", 60 }, { "mest", 120 }, { "eet", 120 },
	{ "eest", 180 }, { "msk", 180 }, { "sast", 120 },
	{ "jst", 540 }, { "kst", 540 }, { "hkt", 480 }, { "sgt", 480 },
	{ "awst", 480 }, { "acst", 570 }, { "acdt", 630 }, { "aest", 600 },
	{ "aedt", 660 }, { "nzst", 720 }, { "nzdt", 780 },
};

/* "+hh", "+hhmm", "+hh:mm"; lenient (after "GMT") also "+h" and "+h:mm". */
static int
get_numoff(const unsigned char **pp, int lenient, int *off)
{
	const unsigned char *p = *pp;
	int sign, h, m = 0, n;

	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	n = get_num(&p, 4, &h);
	if (is_digit(*p))
		return -1;
	if (n == 4) {
		m = h % 100;
		h /= 100;
	} else if (n == 2 || (n == 1 && lenient)) {
		if (*p == ':' && is_digit(p[1])) {
			p++;
			if (get_num(&p, 2, &m) != 2 || is_digit(*p))
				return -1;
		}
	} else
		return -1;
	if (m > 59 || h * 60 + m > MAX_OFF)
		return -1;
	*off = sign * (h * 60 + m);
	*pp = p;
	return 0;
}

/*
 * A zone: numeric offset, "GMT+3" and friends, a name from the table, or a
 * military letter.  Military letters follow the military convention (A is
 * +01:00, N is -01:00), not RFC 822's, which had the signs reversed.
 * Sets f->off (and f->msk); *numeric says the zone was an explicit offset.
 */
static int
get_zone(const unsigned char **pp, struct fields *f, int *numeric)
{
	const unsigned char *p = *pp;
	char w[WORD_MAX];
	size_t i, n;

	*numeric = 0;
	if (*p == '+' || *p == '-') {
		*numeric = 1;
		if (get_numoff(&p, 0, &f->off) == -1)
			return -1;
		*pp = p;
		return 0;
	}
	if (!is_alpha(*p) || (n = get_word(&p, w)) == 0)
		return -1;
	if ((*p == '+' || *p == '-') && (strcmp(w, "gmt") == 0 ||
	    strcmp(w, "utc") == 0 || strcmp(w, "ut") == 0)) {
		*numeric = 1;
		if (get_numoff(&p, 1, &f->off) == -1)
			return -1;
		*pp = p;
		return 0;
	}
	if (n == 1 && w[0] != 'j') {
		if (w[0] == 'z')
			f->off = 0;
		else if (w[0] <= 'i')
			f->off = (w[0] - 'a' + 1) * 60;
		else if (w[0] <= 'm')
			f->off = (w[0] - 'a') * 60;
		else
			f->off = -(w[0] - 'n' + 1) * 60;
		*pp = p;
		return 0;
	}
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++)
		if (strcmp(w, zones[i].name) == 0) {
			f->off = zones[i].off;
			f->msk = strcmp(w, "msk") == 0;
			*pp = p;
			return 0;
		}
	return -1;
}

/* Moscow time was UTC+4 all year from 2011-03-27 to 2014-10-26. */
static int
msk_offset(const struct fields *f)
{
	int64_t t = date_timegm(f->year, f->mon, f->day, f->hour, f->min, 0);

	if (t >= date_timegm(2011, 3, 27, 2, 0, 0) &&
	    t < date_timegm(2014, 10, 26, 2, 0, 0))
		return 240;
	return 180;
}

/* "h:mm", "hh:mm:ss", with an optional fraction and AM/PM. */
static int
get_time(const unsigned char **pp, int ampm, struct fields *f)
{
	const unsigned char *p = *pp;
	int n;

	n = get_num(&p, 2, &f->hour);
	if (n == 0 || is_digit(*p) || *p != ':')
		return -1;
	p++;
	if (get_num(&p, 2, &f->min) != 2 || is_digit(*p))
		return -1;
	if (*p == ':' && is_digit(p[1])) {
		p++;
		if (get_num(&p, 2, &f->sec) != 2 || is_digit(*p))
			return -1;
		if ((*p == '.' || *p == ',') && is_digit(p[1]))
			for (p++; is_digit(*p); p++)
				if (*p != '0')
					f->frac = 1;
	}
	if (ampm) {
		const unsigned char *q = skip_ws(p);
		int c = lower(q[0]), pm = c == 'p';

		if ((c == 'a' || c == 'p') && lower(q[1]) == 'm' &&
		    !is_alpha(q[2])) {
			q += 2;
		} else if ((c == 'a' || c == 'p') && q[1] == '.' &&
		    lower(q[2]) == 'm' && q[3] == '.') {
			q += 4;
		} else
			goto done;
		if (f->hour < 1 || f->hour > 12)
			return -1;
		f->hour = f->hour % 12 + (pm ? 12 : 0);
		p = q;
	}
done:
	*pp = p;
	return 0;
}

/* Whatever may follow a zone: white space, a "(comment)", and after a
 * numeric offset also the zone's name ("+0000 GMT", "-0700 PDT"). */
static int
zone_tail(const unsigned char *p, int numeric)
{
	struct fields named;
	int num;

	p = skip_ws(p);
	if (numeric && is_alpha(*p)) {
		if (get_zone(&p, &named, &num) == -1 || num)
			return -1;
		p = skip_ws(p);
	}
	return *p == '\0' || *p == '(' ? 0 : -1;
}

static int
finish(struct fields *f, struct date_time *out)
{
	if (f->year < 0 || f->year > 9999 || f->mon < 1 || f->mon > 12 ||
	    f->day < 1 || f->day > days_in_month(f->year, f->mon))
		return ERR_PARSE;
	if (f->sec == 60)	/* a leap second: keep it in its minute */
		f->sec = 59;
	if (f->hour == 24) {
		if (f->min != 0 || f->sec != 0 || f->frac)
			return ERR_PARSE;
	} else if (f->hour < 0 || f->hour > 23)
		return ERR_PARSE;
	if (f->min < 0 || f->min > 59 || f->sec < 0 || f->sec > 59)
		return ERR_PARSE;
	if (f->msk)
		f->off = msk_offset(f);
	if (f->off < -MAX_OFF || f->off > MAX_OFF)
		return ERR_PARSE;
	out->utc = date_timegm(f->year, f->mon, f->day, f->hour, f->min,
	    f->sec) - (int64_t)f->off * 60;
	out->tzoff = f->off;
	return ERR_OK;
}

/* After the date part of a loose (RFC 822-like) date: optional time,
 * optional zone, tolerated tail.  No time means midnight UTC. */
static int
loose_tail(const unsigned char *p, struct fields *f, struct date_time *out)
{
	const unsigned char *q;
	char w[WORD_MAX];
	int numeric = 0;

	if (*p == ',')
		p++;
	p = skip_ws(p);
	q = p;
	if (*p == '\0')
		return finish(f, out);
	if (is_alpha(*q) && get_word(&q, w) == 2 && strcmp(w, "at") == 0)
		p = skip_ws(q);
	if (get_time(&p, 1, f) == -1)
		return ERR_PARSE;
	p = skip_ws(p);
	if (*p != '\0' && *p != '(') {
		if (get_zone(&p, f, &numeric) == -1 ||
		    zone_tail(p, numeric) == -1)
			return ERR_PARSE;
	}
	return finish(f, out);
}

/* Year as written in RFC 2822: two digits are 1950-2049, three digits
 * count from 1900 (the Y2K bug's "100"). */
static int
get_year(const unsigned char **pp, int *year)
{
	int n = get_num(pp, 4, year);

	if (n < 2 || is_digit(**pp))
		return -1;
	if (n == 2)
		*year += *year < 50 ? 2000 : 1900;
	else if (n == 3)
		*year += 1900;
	return 0;
}

/* The "th" of "6th May" or "May 6th". */
static void
skip_ordinal(const unsigned char **pp)
{
	const unsigned char *q = *pp;
	char w[WORD_MAX];

	if (is_alpha(*q) && get_word(&q, w) == 2 && (strcmp(w, "st") == 0 ||
	    strcmp(w, "nd") == 0 || strcmp(w, "rd") == 0 ||
	    strcmp(w, "th") == 0))
		*pp = q;
}

/* A separator between the parts of "06 May 2021" or "06-May-2021". */
static int
date_sep(const unsigned char **pp)
{
	const unsigned char *p = *pp;

	if (*p == '-') {
		*pp = p + 1;
		return 0;
	}
	if (*p == ',') {
		*pp = skip_ws(p + 1);
		return 0;
	}
	if (skip_ws(p) == p)
		return -1;
	*pp = skip_ws(p);
	return 0;
}

static int parse_iso(const unsigned char *, int, struct date_time *);

/*
 * RFC 822/2822 and its relatives: [weekday[,]] day month year [time [zone]]
 * with day and month in either order, asctime ("Thu May  6 15:00:00 2021"),
 * and "Fri, 2006/09/15 08:19:53 EDT".  The weekday is skipped, not checked:
 * feeds get it wrong more often than the date.
 */
static int
parse_loose(const unsigned char *p, struct date_time *out)
{
	struct fields f = { 0 };
	const unsigned char *q = p;
	char w[WORD_MAX];
	int numeric, hour;

	if (is_wordc(q) && get_word(&q, w) != 0 && is_weekday(w)) {
		p = q;
		if (*p == '.')
			p++;
		p = skip_ws(p);
		if (*p == ',')
			p++;
		p = skip_ws(p);
		q = p;
		if (get_num(&q, 5, &f.year) == 4 && *q == '/')
			return parse_iso(p, 1, out);
	}
	if (is_digit(*p)) {
		if (get_num(&p, 2, &f.day) == 0 || is_digit(*p))
			return ERR_PARSE;
		skip_ordinal(&p);
		if (date_sep(&p) == -1 || get_word(&p, w) == 0 ||
		    (f.mon = month_of(w)) == 0)
			return ERR_PARSE;
		if (*p == '.')
			p++;
		if (date_sep(&p) == -1 || get_year(&p, &f.year) == -1)
			return ERR_PARSE;
		return loose_tail(p, &f, out);
	}
	if (get_word(&p, w) == 0 || (f.mon = month_of(w)) == 0)
		return ERR_PARSE;
	if (*p == '.')
		p++;
	if (date_sep(&p) == -1 || get_num(&p, 2, &f.day) == 0 ||
	    is_digit(*p))
		return ERR_PARSE;
	skip_ordinal(&p);
	if (date_sep(&p) == -1)
		return ERR_PARSE;
	q = p;
	if (get_num(&q, 2, &hour) > 0 && *q == ':') {
		/* asctime: the year comes after the time (and zone). */
		if (get_time(&p, 0, &f) == -1)
			return ERR_PARSE;
		p = skip_ws(p);
		numeric = 0;
		if (!is_digit(*p)) {
			if (get_zone(&p, &f, &numeric) == -1)
				return ERR_PARSE;
			p = skip_ws(p);
		}
		if (get_num(&p, 4, &f.year) != 4 || is_digit(*p) ||
		    zone_tail(p, numeric) == -1)
			return ERR_PARSE;
		return finish(&f, out);
	}
	if (get_year(&p, &f.year) == -1)
		return ERR_PARSE;
	return loose_tail(p, &f, out);
}

/* Korean feeds (OnBlog, Nate) write local time, which is KST. */
static int
parse_korean_time(const unsigned char *p, struct fields *f,
    struct date_time *out)
{
	int pm = -1;

	p = skip_ws(p);
	if (strncmp((const char *)p, "\xec\x98\xa4", 3) == 0) {
		if (strncmp((const char *)p + 3, "\xec\xa0\x84", 3) == 0)
			pm = 0;
		else if (strncmp((const char *)p + 3, "\xed\x9b\x84", 3) == 0)
			pm = 1;
		else
			return ERR_PARSE;
		p = skip_ws(p + 6);
	}
	if (get_time(&p, 0, f) == -1 || !at_end(p))
		return ERR_PARSE;
	if (pm != -1) {
		if (f->hour < 1 || f->hour > 12)
			return ERR_PARSE;
		f->hour = f->hour % 12 + (pm ? 12 : 0);
	}
	f->off = 540;
	return finish(f, out);
}

/* "2004년 05월 28일 01:31:15" */
static int
parse_onblog(const unsigned char *p, struct fields *f, struct date_time *out)
{
	static const char *unit[] = { "\xeb\x85\x84", "\xec\x9b\x94",
	    "\xec\x9d\xbc" };
	int i, *v[] = { &f->year, &f->mon, &f->day }, n;

	for (i = 0; i < 3; i++) {
		p = skip_ws(p);
		n = get_num(&p, 4, v[i]);
		if (n == 0 || is_digit(*p) || (i > 0 && n > 2) ||
		    strncmp((const char *)p, unit[i], 3) != 0)
			return ERR_PARSE;
		p += 3;
	}
	return parse_korean_time(p, f, out);
}

/*
 * ISO 8601 / RFC 3339 / W3CDTF: extended and basic forms, reduced precision
 * (year, year-month), ordinal dates, space or T before the time, optional
 * fraction, zone as Z, +hh, +hhmm, +hh:mm or a name.  slash: year/month/day
 * as in "2006/09/15 08:19:53 EDT", with a loose time and zone.
 */
static int
parse_iso(const unsigned char *p, int slash, struct date_time *out)
{
	struct fields f = { 0 };
	char w[WORD_MAX];
	int n, v, sep, numeric, word_month = 0;

	f.mon = f.day = 1;
	n = get_num(&p, 8, &v);
	if (is_digit(*p))
		return ERR_PARSE;
	if (n == 8) {
		f.year = v / 10000;
		f.mon = v / 100 % 100;
		f.day = v % 100;
	} else if (n == 4) {
		f.year = v;
		if (*p == 0xeb)
			return parse_onblog(skip_ws(p - 4), &f, out);
		if (at_end(p) && !slash)
			return finish(&f, out);
		sep = *p++;
		if (sep == '/')
			slash = 1;
		else if (sep != '-' || slash)
			return ERR_PARSE;
		if (is_wordc(p)) {
			/* Hungarian "2004-július-13T9:15-05:00" */
			if (get_word(&p, w) == 0 || (f.mon = month_of(w)) == 0)
				return ERR_PARSE;
			word_month = 1;
			n = 2;
		} else
			n = get_num(&p, 3, &f.mon);
		if (n == 0 || is_digit(*p))
			return ERR_PARSE;
		if (n == 3 && !slash) {
			/* ordinal date: day of the year */
			v = f.mon;
			if (v < 1)
				return ERR_PARSE;
			for (f.mon = 1; f.mon <= 12 &&
			    v > days_in_month(f.year, f.mon); f.mon++)
				v -= days_in_month(f.year, f.mon);
			if (f.mon > 12)
				return ERR_PARSE;
			f.day = v;
		} else {
			if (n == 3)
				return ERR_PARSE;
			if (at_end(p) && !slash && !word_month)
				return finish(&f, out);
			if (*p++ != sep || get_num(&p, 2, &f.day) == 0 ||
			    is_digit(*p))
				return ERR_PARSE;
		}
	} else
		return ERR_PARSE;

	if (slash) {
		if (skip_ws(p) == p && *p != '\0')
			return ERR_PARSE;
		return loose_tail(p, &f, out);
	}
	if (*p == 'T' || *p == 't') {
		p++;
	} else if (is_space(*p) || *p == 0xc2) {
		p = skip_ws(p);
		if (*p == '\0')
			return finish(&f, out);
		if (*p == 0xec)
			return parse_korean_time(p, &f, out);
		if (!is_digit(*p))
			return ERR_PARSE;
	} else if (*p == '\0') {
		return finish(&f, out);
	} else if (*p == 'Z' || *p == 'z' || *p == '+' || *p == '-') {
		/* an XML Schema date with a zone: midnight there */
		goto zone;
	} else
		return ERR_PARSE;

	if (word_month) {
		if (get_time(&p, 0, &f) == -1)
			return ERR_PARSE;
	} else {
		if (get_num(&p, 2, &f.hour) != 2)
			return ERR_PARSE;
		if (*p == ':') {
			p++;
			if (get_num(&p, 2, &f.min) != 2)
				return ERR_PARSE;
			if (*p == ':') {
				p++;
				if (get_num(&p, 2, &f.sec) != 2)
					return ERR_PARSE;
			}
		} else {
			/* basic form: hhmm or hhmmss */
			n = get_num(&p, 4, &v);
			if (n == 2)
				f.min = v;
			else if (n == 4) {
				f.min = v / 100;
				f.sec = v % 100;
			} else
				return ERR_PARSE;
		}
		if (is_digit(*p))
			return ERR_PARSE;
		if ((*p == '.' || *p == ',') && is_digit(p[1]))
			for (p++; is_digit(*p); p++)
				if (*p != '0')
					f.frac = 1;
	}
	p = skip_ws(p);
	if (*p == '\0')
		return finish(&f, out);
zone:
	if (get_zone(&p, &f, &numeric) == -1 || !at_end(p))
		return ERR_PARSE;
	return finish(&f, out);
}

/* A Unix time: 9 to 11 digits and nothing else (1973 to 5138). */
static int
parse_epoch(const unsigned char *p, struct date_time *out)
{
	int64_t v = 0;

	while (is_digit(*p))
		v = v * 10 + (*p++ - '0');
	out->utc = v;
	out->tzoff = 0;
	return ERR_OK;
}

int
date_parse(const char *s, struct date_time *out)
{
	const unsigned char *p, *q;
	size_t n;

	if (s == NULL || out == NULL)
		return ERR_PARSE;
	p = skip_ws((const unsigned char *)s);
	for (q = p, n = 0; is_digit(*q) && n < 12; q++)
		n++;
	if (n == 0)
		return parse_loose(p, out);
	if (n >= 9 && n <= 11 && at_end(q))
		return parse_epoch(p, out);
	if (n == 4 || n == 8)
		return parse_iso(p, 0, out);
	if (n <= 2)
		return parse_loose(p, out);
	return ERR_PARSE;
}
