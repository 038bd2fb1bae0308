/*
 * addr: text <-> 16-byte addresses and prefixes.  IPv4 is held as
 * ::ffff:a.b.c.d and an IPv4 prefix /n as /(96+n), so IPv4-mapped IPv6
 * addresses match IPv4 prefixes.  No allocation.
 */
#ifndef OP25B_ADDR_H
#define OP25B_ADDR_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN	64

struct prefix {
	uint8_t		 addr[16];
	unsigned	 len;		/* 0..128, in the 16-byte space */
};

/* Parse an IPv4 or IPv6 address; 0 or -1. */
int	 addr_parse(const char *, uint8_t [16]);
/* Format as dotted quad for mapped IPv4, else RFC 5952 IPv6. */
void	 addr_format(const uint8_t [16], char *, size_t);
/*
 * Parse "a.b.c.d/n", "x::/n" or a bare address (host prefix).  Host bits
 * set after the mask are an error: -1 with the reason in the buffer.
 */
int	 addr_parse_prefix(const char *, struct prefix *, char *, size_t);
/* Format a prefix, IPv4 with its IPv4 length. */
void	 addr_format_prefix(const struct prefix *, char *, size_t);
/* 1 if a contains b (a shorter or equal and b inside a). */
int	 addr_prefix_contains(const struct prefix *, const struct prefix *);
/* Zero all bits of an address after the first n. */
void	 addr_mask(uint8_t [16], unsigned);

#endif
