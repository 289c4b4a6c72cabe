#ifndef TIDINGS_DATE_H
#define TIDINGS_DATE_H
/*
 * Date parsing for feeds (pure).  Accepts RFC 822/2822 and the variants real
 * feeds use, RFC 3339 / ISO 8601 / W3CDTF (extended and basic form), epoch
 * seconds, and English month names in other positions.  A string that cannot
 * be parsed unambiguously is rejected: a wrong date is worse than none.
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
