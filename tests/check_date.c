#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "err.h"

/* A date string, the UTC instant it names, and the offset it was written in. */
struct ok_case {
	const char	*in;
	const char	*utc;
	int		 tzoff;
};

static void
check_ok(const struct ok_case *c, size_t n)
{
	struct date_time d;
	char got[32];
	size_t i;

	for (i = 0; i < n; i++) {
		memset(&d, 0x5a, sizeof(d));
		ck_assert_msg(date_parse(c[i].in, &d) == ERR_OK,
		    "rejected \"%s\"", c[i].in);
		date_format_utc(d.utc, got, sizeof(got));
		ck_assert_msg(strcmp(got, c[i].utc) == 0,
		    "\"%s\": got %s, want %s", c[i].in, got, c[i].utc);
		ck_assert_msg(d.tzoff == c[i].tzoff,
		    "\"%s\": tzoff %d, want %d", c[i].in, d.tzoff, c[i].tzoff);
	}
}

static void
check_bad(const char *const *in, size_t n)
{
	struct date_time d;
	size_t i;

	for (i = 0; i < n; i++) {
		int r = date_parse(in[i], &d);
		char got[32] = "";

		if (r == ERR_OK)
			date_format_utc(d.utc, got, sizeof(got));
		ck_assert_msg(r == ERR_PARSE, "accepted \"%s\" as %s", in[i],
		    got);
	}
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(test_rfc822)
{
	static const struct ok_case c[] = {
		{ "Thu, 06 May 2021 15:00:00 +0300", "2021-05-06T12:00:00Z", 180 },
		{ "Thu, 06 May 2021 14:58:00 +0300", "2021-05-06T11:58:00Z", 180 },
		{ "Sat, 28 Sep 2002 21:00:02 GMT", "2002-09-28T21:00:02Z", 0 },
		{ "Thu, 01 Jan 2004 19:48:21 GMT", "2004-01-01T19:48:21Z", 0 },
		{ "Fri, 25 Dec 2009 03:30:22 +0000", "2009-12-25T03:30:22Z", 0 },
		/* no weekday, any case, full names, no comma, extra spaces */
		{ "06 May 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "thu, 06 may 2021 15:00:00 gmt", "2021-05-06T15:00:00Z", 0 },
		{ "THU, 06 MAY 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Thursday, 06 May 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Thursday 06 May 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Thurs, 06 May 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Tues, 04 May 2021 15:00:00 GMT", "2021-05-04T15:00:00Z", 0 },
		{ "Thu., 06 May 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Thu,06 May 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Thu ,  06   May  2021   15:00:00   GMT  ", "2021-05-06T15:00:00Z", 0 },
		{ "  \t\nThu, 06 May 2021 15:00:00 GMT\n", "2021-05-06T15:00:00Z", 0 },
		{ "Thu, 06 September 2021 15:00:00 GMT", "2021-09-06T15:00:00Z", 0 },
		{ "Thu, 06 Sept 2021 15:00:00 GMT", "2021-09-06T15:00:00Z", 0 },
		{ "Thu, 06 Sept. 2021 15:00:00 GMT", "2021-09-06T15:00:00Z", 0 },
		{ "Thu, 06 FEBRUARY 2021 15:00:00 GMT", "2021-02-06T15:00:00Z", 0 },
		{ "Thu, 6 May 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		/* missing seconds, one-digit hour, fractions */
		{ "Thu, 06 May 2021 15:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Thu, 06 May 2021 5:07:09 GMT", "2021-05-06T05:07:09Z", 0 },
		{ "Thu, 06 May 2021 15:00:00.123 GMT", "2021-05-06T15:00:00Z", 0 },
		/* years: two digits follow RFC 2822, three count from 1900 */
		{ "Thu, 06 May 21 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "Thu, 06 May 49 15:00:00 GMT", "2049-05-06T15:00:00Z", 0 },
		{ "Thu, 06 May 50 15:00:00 GMT", "1950-05-06T15:00:00Z", 0 },
		{ "Wed, 06 May 99 15:00:00 GMT", "1999-05-06T15:00:00Z", 0 },
		{ "Sat, 06 May 100 15:00:00 GMT", "2000-05-06T15:00:00Z", 0 },
		/* RFC 850 / HTTP */
		{ "Thursday, 06-May-21 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "06-May-2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		/* no zone: UTC */
		{ "Thu, 06 May 2021 15:00:00", "2021-05-06T15:00:00Z", 0 },
		/* date only: midnight UTC */
		{ "06 May 2021", "2021-05-06T00:00:00Z", 0 },
		{ "Thu, 06 May 2021", "2021-05-06T00:00:00Z", 0 },
		/* trailing comment or zone name after the zone */
		{ "Thu, 06 May 2021 15:00:00 +0000 (UTC)", "2021-05-06T15:00:00Z", 0 },
		{ "Thu, 06 May 2021 15:00:00 -0700 (PDT)", "2021-05-06T22:00:00Z", -420 },
		{ "Thu, 06 May 2021 15:00:00 GMT (whatever)", "2021-05-06T15:00:00Z", 0 },
		{ "Thu, 06 May 2021 15:00:00 +0300 MSK", "2021-05-06T12:00:00Z", 180 },
		{ "Thu, 06 May 2021 15:00:00 (UTC)", "2021-05-06T15:00:00Z", 0 },
		/* leap second */
		{ "Sat, 31 Dec 2016 23:59:60 GMT", "2016-12-31T23:59:59Z", 0 },
		{ "Mon, 29 Feb 2016 10:00:00 GMT", "2016-02-29T10:00:00Z", 0 },
		{ "Tue, 29 Feb 2000 10:00:00 GMT", "2000-02-29T10:00:00Z", 0 },
	};

	check_ok(c, N(c));
}
END_TEST

START_TEST(test_month_first)
{
	static const struct ok_case c[] = {
		{ "May 6, 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "May 6 2021 15:00:00 GMT", "2021-05-06T15:00:00Z", 0 },
		{ "May 06, 2021", "2021-05-06T00:00:00Z", 0 },
		{ "may 6,2021", "2021-05-06T00:00:00Z", 0 },
		{ "Thursday, May 6, 2021 3:00 PM", "2021-05-06T15:00:00Z", 0 },
		{ "Thursday, May 6th, 2021 3:00 pm EDT", "2021-05-06T19:00:00Z", -240 },
		{ "May 6, 2021 at 12:30 a.m. GMT", "2021-05-06T00:30:00Z", 0 },
		{ "May 6, 2021, 12:30 PM", "2021-05-06T12:30:00Z", 0 },
		{ "September 1st, 2021 11:59 AM", "2021-09-01T11:59:00Z", 0 },
		{ "Jan. 2, 2021", "2021-01-02T00:00:00Z", 0 },
		{ "Thursday, 6th May 2021 15:00 BST", "2021-05-06T14:00:00Z", 60 },
		{ "Thursday, 6 May, 2021", "2021-05-06T00:00:00Z", 0 },
		/* asctime, with and without a zone before the year */
		{ "Thu May  6 15:00:00 2021", "2021-05-06T15:00:00Z", 0 },
		{ "Thu May 06 15:00:00 EDT 2021", "2021-05-06T19:00:00Z", -240 },
		{ "Thu May 06 15:00:00 +0300 2021", "2021-05-06T12:00:00Z", 180 },
		/* JavaScript's Date.prototype.toString */
		{ "Thu May 06 2021 15:00:00 GMT+0300 (Moscow Standard Time)",
		    "2021-05-06T12:00:00Z", 180 },
		/* Perforce */
		{ "Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T12:19:53Z", -240 },
		{ "2006/09/15 08:19:53 +0200", "2006-09-15T06:19:53Z", 120 },
		{ "2006/09/15", "2006-09-15T00:00:00Z", 0 },
	};

	check_ok(c, N(c));
}
END_TEST

START_TEST(test_zones)
{
	static const struct ok_case c[] = {
		{ "06 May 2021 15:00 UT", "2021-05-06T15:00:00Z", 0 },
		{ "06 May 2021 15:00 UTC", "2021-05-06T15:00:00Z", 0 },
		{ "06 May 2021 15:00 Z", "2021-05-06T15:00:00Z", 0 },
		{ "06 May 2021 15:00 EST", "2021-05-06T20:00:00Z", -300 },
		{ "06 May 2021 15:00 EDT", "2021-05-06T19:00:00Z", -240 },
		{ "06 May 2021 15:00 CST", "2021-05-06T21:00:00Z", -360 },
		{ "06 May 2021 15:00 CDT", "2021-05-06T20:00:00Z", -300 },
		{ "06 May 2021 15:00 MST", "2021-05-06T22:00:00Z", -420 },
		{ "06 May 2021 15:00 MDT", "2021-05-06T21:00:00Z", -360 },
		{ "06 May 2021 15:00 PST", "2021-05-06T23:00:00Z", -480 },
		{ "06 May 2021 15:00 pdt", "2021-05-06T22:00:00Z", -420 },
		{ "06 May 2021 15:00 CET", "2021-05-06T14:00:00Z", 60 },
		{ "06 May 2021 15:00 CEST", "2021-05-06T13:00:00Z", 120 },
		{ "06 May 2021 15:00 BST", "2021-05-06T14:00:00Z", 60 },
		{ "06 May 2021 15:00 EEST", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 JST", "2021-05-06T06:00:00Z", 540 },
		{ "06 May 2021 15:00 AEST", "2021-05-06T05:00:00Z", 600 },
		{ "06 May 2021 15:00 NST", "2021-05-06T18:30:00Z", -210 },
		{ "06 May 2021 15:00 MSK", "2021-05-06T12:00:00Z", 180 },
		/* Moscow kept summer time all year from 2011 to 2014 */
		{ "06 May 2012 15:00 MSK", "2012-05-06T11:00:00Z", 240 },
		{ "26 Oct 2014 01:59 MSK", "2014-10-25T21:59:00Z", 240 },
		{ "26 Oct 2014 02:00 MSK", "2014-10-25T23:00:00Z", 180 },
		/* military letters, military signs */
		{ "06 May 2021 15:00 A", "2021-05-06T14:00:00Z", 60 },
		{ "06 May 2021 15:00 I", "2021-05-06T06:00:00Z", 540 },
		{ "06 May 2021 15:00 K", "2021-05-06T05:00:00Z", 600 },
		{ "06 May 2021 15:00 M", "2021-05-06T03:00:00Z", 720 },
		{ "06 May 2021 15:00 N", "2021-05-06T16:00:00Z", -60 },
		{ "06 May 2021 15:00 y", "2021-05-07T03:00:00Z", -720 },
		/* numeric */
		{ "06 May 2021 15:00 +0300", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 +03:00", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 +03", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 -0430", "2021-05-06T19:30:00Z", -270 },
		{ "06 May 2021 15:00 +0545", "2021-05-06T09:15:00Z", 345 },
		{ "06 May 2021 15:00 -0000", "2021-05-06T15:00:00Z", 0 },
		{ "06 May 2021 15:00:00+0300", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 +1800", "2021-05-05T21:00:00Z", 1080 },
		/* GMT+h */
		{ "06 May 2021 15:00 GMT+3", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 GMT+03", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 GMT+03:00", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 GMT+0300", "2021-05-06T12:00:00Z", 180 },
		{ "06 May 2021 15:00 GMT-5:30", "2021-05-06T20:30:00Z", -330 },
		{ "06 May 2021 15:00 UTC-5", "2021-05-06T20:00:00Z", -300 },
		{ "06 May 2021 15:00 utc+10", "2021-05-06T05:00:00Z", 600 },
	};

	check_ok(c, N(c));
}
END_TEST

START_TEST(test_iso8601)
{
	static const struct ok_case c[] = {
		{ "2021-05-06T15:00:00+03:00", "2021-05-06T12:00:00Z", 180 },
		{ "2021-05-06T15:05:12+03:00", "2021-05-06T12:05:12Z", 180 },
		{ "2002-09-28T20:01:19Z", "2002-09-28T20:01:19Z", 0 },
		{ "2004-06-02T19:07:55-04:00", "2004-06-02T23:07:55Z", -240 },
		{ "2009-12-08T16:59:02.544-08:00", "2009-12-09T00:59:02Z", -480 },
		{ "2021-05-06t15:00:00z", "2021-05-06T15:00:00Z", 0 },
		{ "2021-05-06 15:00:00Z", "2021-05-06T15:00:00Z", 0 },
		{ "2021-05-06  15:00:00 +03:00", "2021-05-06T12:00:00Z", 180 },
		{ "2021-05-06 15:00:00 UTC", "2021-05-06T15:00:00Z", 0 },
		{ "2021-05-06T15:00:00+0300", "2021-05-06T12:00:00Z", 180 },
		{ "2021-05-06T15:00:00+03", "2021-05-06T12:00:00Z", 180 },
		{ "2021-05-06T15:00:00-00:30", "2021-05-06T15:30:00Z", -30 },
		{ "2021-05-06T15:00:00.123456789Z", "2021-05-06T15:00:00Z", 0 },
		{ "2021-05-06T15:00:00,5Z", "2021-05-06T15:00:00Z", 0 },
		{ "2021-05-06T15:00+01:00", "2021-05-06T14:00:00Z", 60 },
		{ "2002-10-13T09:00+01:00", "2002-10-13T08:00:00Z", 60 },
		{ "2021-05-06T15:00:00", "2021-05-06T15:00:00Z", 0 },
		{ "2021-05-06T15:00", "2021-05-06T15:00:00Z", 0 },
		{ "2021-05-06T24:00:00Z", "2021-05-07T00:00:00Z", 0 },
		{ "2021-12-31T24:00Z", "2022-01-01T00:00:00Z", 0 },
		{ "2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z", 0 },
		{ "  2021-05-06T15:00:00Z \n", "2021-05-06T15:00:00Z", 0 },
		/* basic form */
		{ "20210506T150000Z", "2021-05-06T15:00:00Z", 0 },
		{ "20210506T1500+0300", "2021-05-06T12:00:00Z", 180 },
		{ "20210506T150000.25-0100", "2021-05-06T16:00:00Z", -60 },
		{ "20210506", "2021-05-06T00:00:00Z", 0 },
		/* reduced precision and date only */
		{ "2021-05-06", "2021-05-06T00:00:00Z", 0 },
		{ "2021-05", "2021-05-01T00:00:00Z", 0 },
		{ "2021", "2021-01-01T00:00:00Z", 0 },
		{ "2002", "2002-01-01T00:00:00Z", 0 },
		{ "2021-5-6", "2021-05-06T00:00:00Z", 0 },
		{ "2021-05-06+03:00", "2021-05-05T21:00:00Z", 180 },
		{ "2021-05-06Z", "2021-05-06T00:00:00Z", 0 },
		/* ordinal */
		{ "2021-126", "2021-05-06T00:00:00Z", 0 },
		{ "2020-366T12:00Z", "2020-12-31T12:00:00Z", 0 },
		{ "2021-001", "2021-01-01T00:00:00Z", 0 },
		/* month names where ISO puts numbers */
		{ "2021-May-06T15:00+03:00", "2021-05-06T12:00:00Z", 180 },
		{ "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z", 0 },
		{ "1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z", 0 },
	};

	check_ok(c, N(c));
}
END_TEST

START_TEST(test_epoch)
{
	static const struct ok_case c[] = {
		{ "1620313200", "2021-05-06T15:00:00Z", 0 },
		{ " 1620313200 ", "2021-05-06T15:00:00Z", 0 },
		{ "999999999", "2001-09-09T01:46:39Z", 0 },
		{ "10000000000", "2286-11-20T17:46:40Z", 0 },
	};

	check_ok(c, N(c));
}
END_TEST

START_TEST(test_other_languages)
{
	static const struct ok_case c[] = {
		/* Korean: local time, which is KST */
		{ "2004\xeb\x85\x84 05\xec\x9b\x94 28\xec\x9d\xbc  01:31:15",
		    "2004-05-27T16:31:15Z", 540 },
		{ "2004-05-25 \xec\x98\xa4\xed\x9b\x84 11:23:17",
		    "2004-05-25T14:23:17Z", 540 },
		{ "2004-05-25 \xec\x98\xa4\xec\xa0\x84 11:23:17",
		    "2004-05-25T02:23:17Z", 540 },
		/* Greek */
		{ "Κυρ, 11 Ιούλ 2004 12:00:00 EEST", "2004-07-11T09:00:00Z", 180 },
		{ "Σάβ, 01 Μάι 2004 12:00:00 GMT", "2004-05-01T12:00:00Z", 0 },
		/* Hungarian */
		{ "2004-július-13T9:15-05:00", "2004-07-13T14:15:00Z", -300 },
		{ "2004-október-03T19:15:00+02:00", "2004-10-03T17:15:00Z", 120 },
	};

	check_ok(c, N(c));
}
END_TEST

START_TEST(test_reject)
{
	static const char *const bad[] = {
		NULL, "", "   ", "garbage", "Thursday", "May", "now", "today",
		"0", "12", "123", "12345", "1234567", "123456789012",
		"1620313200x", "-1620313200",
		/* out of range */
		"2021-13-01", "2021-00-10", "2021-05-32", "2021-05-00",
		"2021-02-29", "2020-02-30", "1900-02-29", "2021-04-31",
		"2021-05-06T25:00:00Z", "2021-05-06T24:00:01Z",
		"2021-05-06T24:01:00Z", "2021-05-06T24:00:00.5Z",
		"2021-05-06T23:60:00Z", "2021-05-06T23:59:61Z",
		"2021-366", "2021-000", "2021-13",
		"Thu, 32 May 2021 15:00:00 GMT", "Thu, 30 Feb 2021 15:00:00 GMT",
		"Thu, 06 May 2021 25:00:00 GMT", "Thu, 06 May 2021 15:60:00 GMT",
		"Thu, 06 May 2021 15:00:61 GMT", "0 May 2021",
		/* ambiguous numeric forms */
		"05/06/2021", "06/05/2021 15:00", "05-06-2021", "06.05.2021",
		"21-05-06", "210506", "2021/13/01",
		/* zones we do not know or do not trust */
		"Thu, 06 May 2021 15:00:00 XYZ", "Thu, 06 May 2021 15:00:00 IST",
		"Thu, 06 May 2021 15:00:00 AST", "Thu, 06 May 2021 15:00:00 ET",
		"Thu, 06 May 2021 15:00:00 J", "Thu, 06 May 2021 15:00:00 +1900",
		"Thu, 06 May 2021 15:00:00 -1801", "Thu, 06 May 2021 15:00:00 +0360",
		"Thu, 06 May 2021 15:00:00 +3", "Thu, 06 May 2021 15:00:00 +030",
		"Thu, 06 May 2021 15:00:00 +03000", "Thu, 06 May 2021 15:00:00 GMT+",
		"Thu, 06 May 2021 15:00:00 GMT+19", "Thu, 06 May 2021 15:00:00 GMT+123",
		"Thu, 06 May 2021 15:00:00 Etc/GMT",
		"2021-05-06T15:00:00+25:00", "2021-05-06T15:00:00+3",
		"2021-05-06T15:00:00+03:0", "2021-05-06T15:00:00 XYZ",
		/* junk */
		"Thu, 06 May 2021 15:00:00 GMT junk", "Thu, 06 May 2021 junk",
		"Thu, 06 May 2021 15:00:00 GMT+3 junk", "Thu, 06 Foo 2021",
		"Foo, 06 May 2021", "Thu, 06 May", "Thu, May 2021", "06 May",
		"06 May 2021 15", "06 May 2021 15:", "06 May 2021 15:0",
		"06 May 2021 15:000", "06 May 20211", "06 May 2021 at",
		"Thu, 06 May 2021 13:00 PM", "Thu, 06 May 2021 0:30 AM",
		"2021-05-06T", "2021-05-06T15", "2021-05-06T15:", "2021-05-06T1500:00",
		"2021-05-06T15:00:00Zjunk", "2021-05-06T15:00:00Z junk",
		"2021-05-06x", "2021-05-06T15:00:00.Z", "2021--05-06", "2021-05-",
		"2021-05-06T15:00:00:00", "20210506T15", "20210506T150", "2021/05",
		"2021-05/06", "2021-Foo-06", "2021 May 06",
		"Thu May 06 15:00:00 2021 junk", "Thu May 06 15:00:00 XYZ 2021",
		"Thu May 06 15:00:00 21", "6xx May 2021", "May 6xx, 2021",
		"Thu, 06 May 2021 15:00:00 +0300 junk", "Thu, 06 May 2021 15:00:00 +0300 +0300",
		"Thu, 06 May 2021 15:00:00 +0300 MSK junk", "06May2021",
		"start=2002-10-13T09:00+01:00;scheme=W3C-DTF",
		"2004\xeb\x85\x84 05\xec\x9b\x94 28", "2004-05-25 \xec\x98\xa4",
		"2004-05-25 \xec\x98\xa4\xed\x9b\x84 13:23:17",
		"\xc2", "\xff\xfe", "06 May 2021 15:00 \xc2",
	};

	check_bad(bad, N(bad));
}
END_TEST

/* Every prefix of a valid date either parses or is rejected cleanly; run
 * under ASan this shows that no path reads past the terminating NUL. */
START_TEST(test_prefixes_in_exact_buffers)
{
	static const char *const full[] = {
		"Thursday, 06 May 2021 15:00:00.5 GMT+03:00 (MSK)",
		"Thu May 06 15:00:00 EDT 2021",
		"May 6th, 2021 at 3:00 p.m. EDT",
		"2021-05-06T15:00:00.123+03:00",
		"20210506T150000Z",
		"2004-július-13T9:15-05:00",
		"2004\xeb\x85\x84 05\xec\x9b\x94 28\xec\x9d\xbc 01:31:15",
		"2004-05-25 \xec\x98\xa4\xed\x9b\x84 11:23:17",
		"Κυρ, 11 Ιούλ 2004 12:00:00 EEST",
		"Fri, 2006/09/15 08:19:53 EDT",
	};
	struct date_time d;
	size_t i, k, len;

	for (i = 0; i < N(full); i++) {
		len = strlen(full[i]);
		for (k = 0; k <= len; k++) {
			char *s = malloc(k + 1);

			ck_assert_ptr_nonnull(s);
			memcpy(s, full[i], k);
			s[k] = '\0';
			(void)date_parse(s, &d);
			free(s);
		}
		ck_assert_int_eq(date_parse(full[i], &d), ERR_OK);
	}
}
END_TEST

/* Random strings from date-like pieces: never a crash (run under ASan), and
 * whatever is accepted is a sane instant in a sane offset. */
START_TEST(test_random)
{
	static const char *const piece[] = { "0", "1", "2", "6", "9", "06",
	    "12", "24", "60", "2021", "20210506", "1620313200", " ", "  ", ":",
	    "-", "+", ".", ",", "/", "T", "t", "Z", "z", "May", "Thu", "GMT",
	    "EDT", "A", "PM", "at", "th", "(", ")", "\xc2\xa0", "\xce\x99",
	    "\xeb\x85\x84", "\xec\x98\xa4" };
	struct date_time d;
	unsigned int seed = 7;
	char s[128];
	int i, k, len, ok = 0;

	for (i = 0; i < 200000; i++) {
		seed = seed * 1103515245 + 12345;
		len = 1 + (seed >> 16) % 12;
		s[0] = '\0';
		for (k = 0; k < len; k++) {
			seed = seed * 1103515245 + 12345;
			strcat(s, piece[(seed >> 16) % N(piece)]);
		}
		if (date_parse(s, &d) != ERR_OK)
			continue;
		ok++;
		ck_assert_msg(d.tzoff >= -18 * 60 && d.tzoff <= 18 * 60, "%s", s);
		ck_assert_msg(d.utc > -62200000000LL && d.utc < 253402400000LL,
		    "%s", s);
	}
	ck_assert_int_gt(ok, 100);
}
END_TEST

/* Agrees with gmtime over a wide range, one instant every ~37 hours. */
START_TEST(test_roundtrip)
{
	struct date_time d;
	char s[40];
	int64_t t;

	for (t = -2208988800LL; t < 4102444800LL; t += 133337) {
		date_format_utc(t, s, sizeof(s));
		ck_assert_int_eq(date_parse(s, &d), ERR_OK);
		ck_assert_msg(d.utc == t, "%s", s);
		d.tzoff = -330;
		date_format_local(&d, s, sizeof(s));
		ck_assert_int_eq(date_parse(s, &d), ERR_OK);
		ck_assert_msg(d.utc == t && d.tzoff == -330, "%s", s);
	}
}
END_TEST

START_TEST(test_formatting)
{
	struct date_time d = { 1620302400, 180 };
	char s[64];

	date_format_utc(d.utc, s, sizeof(s));
	ck_assert_str_eq(s, "2021-05-06T12:00:00Z");
	date_format_local(&d, s, sizeof(s));
	ck_assert_str_eq(s, "2021-05-06T15:00:00+03:00");
	date_strftime_local(&d, "%d %b %Y %H:%M", s, sizeof(s));
	ck_assert_str_eq(s, "06 May 2021 15:00");
	ck_assert(date_timegm(2021, 5, 6, 12, 0, 0) == 1620302400);
	ck_assert(date_timegm(1970, 1, 1, 0, 0, 0) == 0);
	ck_assert(date_timegm(1600, 3, 1, 0, 0, 0) == -11670912000LL);
}
END_TEST

static Suite *
date_suite(void)
{
	Suite *s = suite_create("date");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_rfc822);
	tcase_add_test(tc, test_month_first);
	tcase_add_test(tc, test_zones);
	tcase_add_test(tc, test_iso8601);
	tcase_add_test(tc, test_epoch);
	tcase_add_test(tc, test_other_languages);
	tcase_add_test(tc, test_reject);
	tcase_add_test(tc, test_prefixes_in_exact_buffers);
	tcase_add_test(tc, test_random);
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_formatting);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(date_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
