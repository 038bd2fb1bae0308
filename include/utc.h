/*
 * utc: calendar arithmetic and ISO 8601 parsing and printing in UTC,
 * independent of the TZ environment.  Times are UNIX seconds (int64).
 */
#ifndef OP25B_UTC_H
#define OP25B_UTC_H

#include <stddef.h>
#include <stdint.h>

/* a / b rounded towards minus infinity (times before 1970, bins). */
static inline int64_t
utc_floordiv(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t	 utc_days_from_civil(int, unsigned, unsigned);
/* Civil date of a day number. */
void	 utc_civil_from_days(int64_t, int *, unsigned *, unsigned *);
/*
 * Parse "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]Z" (also with a space or
 * "+00:00"), or UNIX seconds; -1 for anything else, including dates
 * that do not exist (2005-02-30).
 */
int	 utc_parse(const char *, int64_t *);
/* Parse a date only ("YYYY-MM-DD") to the midnight that starts it. */
int	 utc_parse_date(const char *, int64_t *);
/* "2005-03-01T00:00:00Z" */
void	 utc_format(int64_t, char *, size_t);
/* "2005-03-01" */
void	 utc_format_date(int64_t, char *, size_t);

#endif
