/*
 * genmodel: the traffic model that tools/gencap (packets) and
 * tools/genflow (flow records) share, so that both draw the same
 * population and mix from the same seed: the categories and their
 * mix, the pools, the host populations and how hosts are drawn, the
 * random stream, message sizes, ports.  doc/flow-generator.md and
 * tools/gencap.c's header describe the model in words.
 */
#ifndef GENMODEL_H
#define GENMODEL_H

#include <stddef.h>
#include <stdint.h>

#define PORT_LO		32768		/* Linux's ephemeral range */
#define PORT_HI		60999

enum cat {
	C_DIRECT,
	C_BLOCKED,
	C_SUBMIT,
	C_SUBMIT_EXT,
	C_RELAY,
	C_ROAMING,
	C_OTHER,
	NCAT,
	C_UNCOUNTED = NCAT
};

extern const char *const cat_names[NCAT];

/* The session mix, in per mille. */
struct mix {
	int	 cat;
	int	 permille;
};
#define NMIX	8
extern const struct mix mix[NMIX];

/* P_MASS is genflow's alone (-S); gencap's pools end before it. */
enum pool {
	P_FTTH,
	P_ADSL,
	P_ROAM,
	P_BIZ,
	P_MASS,
	NPOOL_ALL
};
#define P_NONE		0xff

extern const char *const pool_names[NPOOL_ALL];

/* Host populations, each one family and one role; G_MASS is genflow's
 * (built apart), the model's groups end before it. */
enum grp {
	G_FTTH4, G_FTTH6, G_ADSL4, G_ROAM4, G_ROAM6, G_BIZ4, G_BIZ6,
	G_MX4, G_MX6, G_RUSER4, G_RUSER6, G_OTHER4, G_WEB6,
	G_RELAY4, G_RELAY6, G_MSA4, G_MSA6, G_RONLY4, G_MONLY4,
	G_DNS4, G_DNS6, G_MASS,
	NGRP
};

/*
 * n hosts drawn inside prefix/plen, or (n == 0) the fixed,
 * comma-separated addresses of `prefix`.
 */
struct gspec {
	const char	*prefix;
	int		 plen;
	int		 n;
	int		 pool;		/* P_*, or P_NONE */
};
extern const struct gspec gspecs[NGRP];

struct rng {
	uint64_t	 s;
};

struct addr {
	uint8_t		 family;	/* 4 or 6 */
	uint8_t		 a[16];		/* IPv4 in the first 4 bytes */
};

struct host {
	struct addr	 addr;
	uint8_t		 pool;		/* P_*, or P_NONE */
	uint32_t	 key;		/* direct_hosts key: address or /64 */
	uint16_t	 port;		/* next ephemeral port */
};

struct group {
	struct host	*h;
	size_t		 n;
	size_t		 next;		/* round robin (genflow's mass) */
};

/* Each program's own: print "PROGRAM: message" and exit 1. */
void		 die(const char *, ...)
		    __attribute__((format(printf, 1, 2), noreturn));
void		*gen_alloc(size_t, size_t);

uint64_t	 rng_next(struct rng *);
double		 rng_unit(struct rng *);
uint64_t	 rng_below(struct rng *, uint64_t);
int64_t		 rng_range(struct rng *, int64_t, int64_t);
int		 rng_chance(struct rng *, double);
uint64_t	 rng_round(struct rng *, double);

uint32_t	 body_size(struct rng *);
void		 host_parse(struct addr *, const char *);
uint16_t	 host_port(struct rng *, struct host *);
/* Draw every host of the model's groups (up to G_MASS). */
void		 groups_build(struct rng *, struct group *, uint32_t *);
struct host	*pick(struct rng *, struct group *, int);
const struct addr *pick_own(struct rng *, struct group *, int, uint16_t);
uint16_t	 pick_subport(struct rng *, int);

#endif
