/*
 * Addresses and prefixes in one 16-byte space.  IPv4 a.b.c.d is stored
 * as ::ffff:a.b.c.d and IPv4 /n as /(96+n); parsing and printing convert
 * at the edges, everything inside compares bytes.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "flow.h"

int
addr_parse(const char *s, uint8_t a[16])
{
	uint8_t	 v4[4];

	if (strchr(s, ':') == NULL) {
		if (inet_pton(AF_INET, s, v4) != 1)
			return -1;
		flow_addr_v4(a, v4);
		return 0;
	}
	if (inet_pton(AF_INET6, s, a) != 1)
		return -1;
	return 0;
}

void
addr_format(const uint8_t a[16], char *out, size_t len)
{
	if (flow_addr_is_v4(a)) {
		if (inet_ntop(AF_INET, a + 12, out, len) == NULL && len > 0)
			out[0] = '\0';
		return;
	}
	if (inet_ntop(AF_INET6, a, out, len) == NULL && len > 0)
		out[0] = '\0';
}

void
addr_mask(uint8_t a[16], unsigned n)
{
	unsigned	 i;

	if (n >= 128)
		return;
	i = n / 8;
	if (n % 8 != 0) {
		a[i] &= (uint8_t)(0xff << (8 - n % 8));
		i++;
	}
	for (; i < 16; i++)
		a[i] = 0;
}

int
addr_parse_prefix(const char *s, struct prefix *p, char *err, size_t errlen)
{
	char		 text[ADDR_STRLEN], *slash, *end;
	uint8_t		 masked[16];
	unsigned long	 n;
	int		 v4;

	if (strlen(s) >= sizeof text) {
		snprintf(err, errlen, "\"%s\" is not a prefix", s);
		return -1;
	}
	strcpy(text, s);
	slash = strchr(text, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (addr_parse(text, p->addr) == -1) {
		snprintf(err, errlen, "\"%s\" is not an IPv4 or IPv6 address",
		    text);
		return -1;
	}
	v4 = strchr(text, ':') == NULL;
	if (slash == NULL)
		n = v4 ? 32 : 128;
	else {
		errno = 0;
		if (*slash < '0' || *slash > '9') {
			snprintf(err, errlen, "bad prefix length in \"%s\"", s);
			return -1;
		}
		n = strtoul(slash, &end, 10);
		if (errno != 0 || *end != '\0' || n > (v4 ? 32UL : 128UL)) {
			snprintf(err, errlen, "bad prefix length in \"%s\"", s);
			return -1;
		}
	}
	p->len = (unsigned)n + (v4 ? 96 : 0);
	memcpy(masked, p->addr, 16);
	addr_mask(masked, p->len);
	if (memcmp(masked, p->addr, 16) != 0) {
		addr_format(masked, text, sizeof text);
		snprintf(err, errlen, "\"%s\" has host bits set (did you mean "
		    "%s/%lu?)", s, text, n);
		return -1;
	}
	return 0;
}

void
addr_format_prefix(const struct prefix *p, char *out, size_t len)
{
	char	 a[ADDR_STRLEN];

	addr_format(p->addr, a, sizeof a);
	if (flow_addr_is_v4(p->addr) && p->len >= 96)
		snprintf(out, len, "%s/%u", a, p->len - 96);
	else
		snprintf(out, len, "%s/%u", a, p->len);
}

int
addr_prefix_contains(const struct prefix *a, const struct prefix *b)
{
	uint8_t	 m[16];

	if (a->len > b->len)
		return 0;
	memcpy(m, b->addr, 16);
	addr_mask(m, a->len);
	return memcmp(m, a->addr, 16) == 0;
}
