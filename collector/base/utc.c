/*
 * UTC calendar arithmetic without the C library's time zone machinery:
 * the days-from-civil algorithm (proleptic Gregorian), so results never
 * depend on TZ or on the host's tzdata.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utc.h"

int64_t
utc_days_from_civil(int y, unsigned m, unsigned d)
{
	int64_t		 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
utc_civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	int64_t		 era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static unsigned
utc_month_days(int y, unsigned m)
{
	static const unsigned	 days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			 leap;

	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m == 2 && leap)
		return 29;
	return days[m - 1];
}

/* Read exactly n digits. */
static int
utc_digits(const char **sp, int n, int *out)
{
	const char	*s = *sp;
	int		 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*sp = s + n;
	*out = v;
	return 0;
}

static int
utc_parse_ymd(const char **sp, int64_t *days)
{
	const char	*s = *sp;
	int		 y, m, d;

	if (utc_digits(&s, 4, &y) == -1 || *s++ != '-' ||
	    utc_digits(&s, 2, &m) == -1 || *s++ != '-' ||
	    utc_digits(&s, 2, &d) == -1)
		return -1;
	if (y < 1970 || m < 1 || m > 12 || d < 1 ||
	    (unsigned)d > utc_month_days(y, (unsigned)m))
		return -1;
	*days = utc_days_from_civil(y, (unsigned)m, (unsigned)d);
	*sp = s;
	return 0;
}

int
utc_parse_date(const char *s, int64_t *t)
{
	int64_t	 days;

	if (utc_parse_ymd(&s, &days) == -1 || *s != '\0')
		return -1;
	*t = days * 86400;
	return 0;
}

int
utc_parse(const char *s, int64_t *t)
{
	const char	*p = s;
	char		*end;
	long long	 v;
	int64_t		 days;
	int		 hh, mm, ss = 0;

	if (*s == '\0')
		return -1;
	if (strchr(s, '-') == NULL) {
		/* UNIX seconds. */
		for (p = s; *p != '\0'; p++)
			if (!isdigit((unsigned char)*p))
				return -1;
		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno != 0 || *end != '\0' || v > INT64_MAX / 1000)
			return -1;
		*t = v;
		return 0;
	}
	if (utc_parse_ymd(&p, &days) == -1)
		return -1;
	if (*p == '\0') {
		*t = days * 86400;
		return 0;
	}
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (utc_digits(&p, 2, &hh) == -1 || *p++ != ':' ||
	    utc_digits(&p, 2, &mm) == -1)
		return -1;
	if (*p == ':') {
		p++;
		if (utc_digits(&p, 2, &ss) == -1)
			return -1;
	}
	if (hh > 23 || mm > 59 || ss > 59)
		return -1;
	if (strcmp(p, "Z") != 0 && strcmp(p, "z") != 0 &&
	    strcmp(p, "+00:00") != 0 && strcmp(p, "") != 0)
		return -1;
	*t = days * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

void
utc_format(int64_t t, char *out, size_t len)
{
	int64_t		 days, rem;
	int		 y;
	unsigned	 m, d;

	days = utc_floordiv(t, 86400);
	rem = t - days * 86400;
	utc_civil_from_days(days, &y, &m, &d);
	snprintf(out, len, "%04d-%02u-%02uT%02d:%02d:%02dZ", y, m, d,
	    (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
}

void
utc_format_date(int64_t t, char *out, size_t len)
{
	int64_t		 days;
	int		 y;
	unsigned	 m, d;

	days = utc_floordiv(t, 86400);
	utc_civil_from_days(days, &y, &m, &d);
	snprintf(out, len, "%04d-%02u-%02u", y, m, d);
}
