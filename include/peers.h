/*
 * peers: what we know of each cooperating ISP from the bundle we hold
 * (DATA_DIR/peers/<site>/manifest.json): its pools with kind, service
 * and cut-over, its site cut-over, the range and age of the data.
 */
#ifndef OP25B_PEERS_H
#define OP25B_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct peer_pool {
	char		 name[CONF_NAME_MAX + 1];
	int		 kind;		/* enum conf_kind */
	int		 service;	/* enum conf_service */
	int64_t		 cutover;	/* CONF_NO_DATE: none */
};

struct peer_info {
	char		 site[CONF_NAME_MAX + 1];
	int64_t		 generated;
	int64_t		 from;
	int64_t		 to;
	int64_t		 blocking_start;	/* CONF_NO_DATE: none */
	char		 key[64];	/* the signer's fingerprint, or "" */
	struct peer_pool *pools;
	size_t		 npools;
};

/* Read a peer's manifest; -1 with a message if we hold no bundle. */
int	peers_read(const struct conf *, const char *, struct peer_info *,
	    char *, size_t);
void	peers_info_free(struct peer_info *);
/* The peer's directory: DATA_DIR/peers/<site>. */
int64_t	peers_cutover(const struct conf *, const struct peer_info *);
void	peers_dir(const struct conf *, const char *, char *, size_t);

#endif
