/*
 * conf: the INI configuration (GLib GKeyFile underneath, GLib kept out of
 * this header).  Keys are a table of name, type, bounds and default in
 * conf.c.  A parse builds a complete, validated struct conf or fails
 * with "FILE:LINE: [section] key: reason"; it never half-applies, so the
 * daemon can reload by parsing into a fresh struct and swapping.
 * Owns the prefix sets the classifier reads.
 */
#ifndef OP25B_CONF_H
#define OP25B_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "sig.h"

#define CONF_NAME_MAX	32
#define CONF_ERRLEN	512
#define CONF_NO_DATE	INT64_MIN
#define CONF_PEER_KEYS	2	/* public keys a peer may have: for rotation */

enum conf_kind {
	CONF_KIND_DYNAMIC = 0,
	CONF_KIND_STATIC
};

enum conf_service {
	CONF_SERVICE_DIRECT = 0,
	CONF_SERVICE_ROAMING
};

/* Flags of an own server address in conf->server_set. */
#define CONF_SERVER_RELAY	0x01
#define CONF_SERVER_MSA		0x02

struct conf_pool {
	char		*name;
	int		 kind;		/* enum conf_kind */
	int		 service;	/* enum conf_service */
	int64_t		 blocking_start; /* CONF_NO_DATE: site default */
	int		 export;	/* 0: never leaves the ISP */
	struct prefix	*prefixes;
	size_t		 nprefixes;
	int		 line;		/* of the section header */
};

struct conf_pcap {
	char		*name;
	char		*interface;
	char		*file;
	char		*filter;
};

struct conf_peer {
	char		*name;
	char		*url;
	char		*token_file;	/* the token we present to its url */
	char		*export_token_file; /* the one it presents to us */
	char		*key_file;	/* never set ([peer] key_file is
					 * refused); until bundle.c drops it */
	struct sig_key	 keys[CONF_PEER_KEYS];	/* public_key: either signs */
	size_t		 nkeys;
	unsigned	 interval;
};

struct conf {
	char		*path;
	int		 refs;		/* conf_ref/conf_free; atomic */

	/* [op25b] */
	char		*site;
	char		*collector;	/* one of the site's collectors, or NULL */
	char		*data_dir;
	unsigned	 step;
	unsigned	 grace;
	int64_t		 blocking_start;
	unsigned	 ipv6_host_prefix;
	unsigned	 tcp_timeout;	/* s before an unanswered SYN is blocked */
	unsigned	 tracker_max;	/* TCP tracker entries */
	unsigned	 max_bins;	/* open bins held by the tally */
	unsigned	 max_hosts;	/* distinct-host entries over all bins */
	unsigned	 max_skew;	/* s a record may lie in the future */
	unsigned	 max_age;	/* s a record may lie in the past */
	unsigned	 checkpoint;	/* s between checkpoints; 0: none */
	char		*rrdcached;
	char		*user;

	/* [listen] */
	char		*listen_ipfix;
	char		*listen_netflow;
	char		*listen_sflow;
	struct prefix	*allow;
	size_t		 nallow;
	uint64_t	 rcvbuf;
	unsigned	 tcp_idle;	/* s; 0: never closed for idleness */
	unsigned	 tcp_per_source;

	/* [web] */
	char		*web_listen;
	char		*web_hosts;	/* names the Host header may carry */
	char		*web_users_file;	/* htpasswd: Basic */
	char		*web_tokens_file;	/* name:token: Bearer */
	char		*web_top_users;	/* who may read top senders */
	int		 web_metrics_public;
	char		*export_token_file;	/* shared by any puller */

	/* [servers] */
	struct prefix	*relays;
	size_t		 nrelays;
	struct prefix	*msa;
	size_t		 nmsa;

	/* [local] */
	unsigned	 keep_days;	/* top files kept */
	unsigned	 top_n;		/* sources in a day's top list */
	unsigned	 max_sources;	/* per-day sources held, all days */
	int		 impact;	/* per-source day files (doc/impact.md) */
	struct conf_impact {		/* the classes' thresholds */
		unsigned	 person_max_sessions;
		unsigned	 person_max_destinations;
		unsigned	 day_start;	/* UTC hours [start, end) */
		unsigned	 day_end;	/* (wrapping past midnight) */
		unsigned	 bot_min_destinations;
		unsigned	 bot_min_networks;
		unsigned	 server_min_destinations;
		unsigned	 server_min_answered;	/* percent */
		unsigned	 server_min_hours;
	}		 imp;

	/* [export] */
	char		*export_key_file;	/* Ed25519, from op25b keygen */

	/* [costs] */
	char		*costs_file;

	struct conf_pool *pools;
	size_t		 npools;
	struct conf_pcap *pcaps;
	size_t		 npcaps;
	struct conf_peer *peers;
	size_t		 npeers;

	/* Built from the above; read by classify. */
	struct prefix_set *pool_set;	/* value: pool index */
	struct prefix_set *server_set;	/* value: CONF_SERVER_* flags */
	struct prefix_set *allow_set;	/* exporters accepted; NULL: all */
};

/* Load and validate a file; NULL with the message in the buffer. */
struct conf	*conf_load(const char *, char *, size_t);
/* Parse text already in memory (path used for messages only). */
struct conf	*conf_parse(const char *, const char *, size_t, char *, size_t);
/*
 * A conf is immutable once parsed; threads share it by reference.
 * conf_free drops a reference and frees with the last one.
 */
struct conf	*conf_ref(struct conf *);
void		 conf_free(struct conf *);
/* 1 if a string is a valid site, pool or peer name. */
int		 conf_name_valid(const char *);
/* Index of a pool by name, or -1. */
int		 conf_pool_index(const struct conf *, const char *);
/* Index of a peer by name, or -1. */
int		 conf_peer_index(const struct conf *, const char *);
/* The cut-over of a pool (its own, else the site's), or CONF_NO_DATE. */
int64_t		 conf_pool_cutover(const struct conf *, size_t);
/*
 * Read the i-th secret file the config names (i = 0, 1, ... until it
 * returns 1) as its user will (conf_files.c): 0 if fine or not set, -1
 * with "[section] key: FILE: reason", 1 past the last.
 */
int		 conf_check_file(const struct conf *, size_t, char *, size_t);

/*
 * 1 if HOST (a Host header: a name or address, with or without a port)
 * is one this server answers to: an IP address, "localhost", or a name
 * of [web] hosts ("*" there: any).
 */
int	 conf_host_ok(const struct conf *, const char *);

#endif
