#ifndef TIDINGS_DATE_H
#define TIDINGS_DATE_H
/*
 * Date parsing for feeds (pure).  A string that cannot be parsed
 * unambiguously is rejected: a wrong date is worse than none.  Accepted:
 *
 * - RFC 822/2822 and what feeds make of it: optional weekday (any case,
 *   "Thu", "Thursday", "Thurs", "Tues", with or without "," or "."), day and
 *   month in either order ("06 May 2021", "May 6, 2021", "May 6th, 2021"),
 *   month names full or abbreviated ("Sept", "Jan.") in any case, "-" as in
 *   RFC 850 ("06-May-21"), 2-digit years (< 50 is 20xx, else 19xx), 3-digit
 *   years (+1900), optional seconds and fraction, AM/PM ("3:00 p.m."),
 *   "at" before the time, asctime ("Thu May  6 15:00:00 [zone] 2021"), and
 *   "2006/09/15 08:19:53 EDT".  Without a time: midnight UTC.
 * - Zones: +hhmm, +hh:mm, +hh; GMT/UTC/UT followed by +h, +hh, +hh:mm or
 *   +hhmm ("GMT+3", "UTC-5"); UT, UTC, GMT, Z; EST EDT CST CDT MST MDT PST
 *   PDT AKST AKDT HST ADT NST NDT; WET WEST BST CET CEST MET MEST EET EEST
 *   MSK (+4 from 2011-03-27 to 2014-10-26) SAST; JST KST HKT SGT; AWST ACST
 *   ACDT AEST AEDT NZST NZDT; military letters A-I, K-Z with military signs
 *   (A = +01:00; RFC 822 had them reversed).  Not accepted because they name
 *   several offsets: IST, AST, and US "ET"/"PT"-style names.  No zone: UTC.
 *   After the zone: white space, a "(comment)", and after a numeric offset
 *   a zone name ("+0000 (UTC)", "-0700 PDT").  Offsets beyond +-18:00 fail.
 * - RFC 3339 / ISO 8601 / W3CDTF: "2021-05-06T15:00:00.5+03:00", t/z in
 *   lower case, space instead of T, zone as Z, +hh:mm, +hhmm, +hh or a name,
 *   no seconds, no zone (UTC), 24:00:00, basic form ("20210506T150000Z",
 *   "20210506"), year-month and year ("2021-05", "2021": the first day,
 *   midnight UTC), a date with a zone ("2021-05-06+03:00"), ordinal dates
 *   ("2021-126").
 * - Epoch seconds: 9 to 11 digits and nothing else.
 * - Korean (OnBlog, Nate; KST), Greek month and weekday abbreviations,
 *   Hungarian month names, in UTF-8.
 *
 * Rejected: out-of-range fields (second 60 becomes 59), all-numeric dates
 * other than ISO order (05/06/2021), unknown zone names, trailing junk.
 * Never reads past the terminating NUL; no locale or TZ involved.
 */
#include <stddef.h>
#include <stdint.h>

struct date_time {
	int64_t	utc;	/* seconds since the epoch, UTC */
	int	tzoff;	/* the source's UTC offset in minutes east (+180 = +03:00) */
};

/* 0 on success, ERR_PARSE if s is not a date we can trust. */
int	date_parse(const char *s, struct date_time *out);
/* "2021-05-06T12:00:00Z"; out must hold at least 21 bytes. */
void	date_format_utc(int64_t utc, char *out, size_t n);
/* RFC 3339 in the source offset, "2021-05-06T15:00:00+03:00"; 26 bytes. */
void	date_format_local(const struct date_time *d, char *out, size_t n);
/* strftime-style formatting in the source offset (for the text export). */
void	date_strftime_local(const struct date_time *d, const char *fmt,
	    char *out, size_t n);
/* days-from-civil, for callers that build a UTC time from fields. */
int64_t	date_timegm(int year, int mon, int mday, int hour, int min, int sec);

#endif
