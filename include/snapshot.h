/*
 * snapshot: what the collector thread publishes for the web thread once
 * a second - copies of every exporter's and tap's counters, collector
 * totals and a reference to the running config.  Published snapshots
 * are immutable and reference-counted: the web side takes one under a
 * short lock and reads it at leisure; the collector never waits on the
 * web.  Cost: about 480 bytes an exporter a second.
 */
#ifndef OP25B_SNAPSHOT_H
#define OP25B_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "collect.h"
#include "conf.h"
#include "exporter.h"
#include "extable.h"
#include "in_pcap.h"
#include "listen.h"
#include "pull.h"
#include "tally.h"
#include "tcptrack.h"

struct snap_exporter {
	uint8_t			 addr[16];
	uint16_t		 port;
	uint8_t			 version;
	uint8_t			 transport;
	uint32_t		 domain;
	size_t			 templates;
	double			 records_per_s;
	struct exporter_stats	 st;
};

struct snap_tap {
	char			 name[CONF_NAME_MAX + 1];
	int			 file;
	int			 done;
	uint64_t		 skewed;
	struct in_pcap_stats	 ps;
	struct tcptrack_stats	 ts;
};

struct snapshot {
	int			 refs;
	struct conf		*conf;		/* a reference */
	int64_t			 now_ms;
	int64_t			 started_ms;
	struct snap_exporter	*ex;
	size_t			 nex;
	struct snap_tap		*taps;
	size_t			 ntaps;
	struct extable_refused	*refused;
	size_t			 nrefused;
	uint64_t		 refused_total;
	uint64_t		 over_cap;
	uint64_t		 evicted;	/* exporters, to make room */
	struct listen_tcp_stats	 tcp;
	uint32_t		 drops_netflow;
	uint32_t		 drops_ipfix;
	uint32_t		 drops_sflow;
	struct collect_stats	 col;
	size_t			 col_waiting;	/* due bins not yet written */
	struct tally_stats	 tally;
	int64_t			 oldest_open_bin;	/* INT64_MIN: none */
	int64_t			 last_commit;		/* UNIX s; 0: never */
	int			 read_only;	/* no input: nothing written */
	uint64_t		 generation;	/* bumps when bins are written */
	struct pull_status	*peers;		/* peer pulls */
	size_t			 npeers;
	uint32_t		 sampling_max;	/* largest exporter interval */
};

struct snapbox;

struct snapbox	*snapbox_new(void);
void		 snapbox_free(struct snapbox *);
/* Publish (takes the caller's reference); the previous one is put. */
void		 snapbox_publish(struct snapbox *, struct snapshot *);
/* The current snapshot with a reference (NULL before the first). */
struct snapshot	*snapbox_get(struct snapbox *);
/* A new, empty snapshot with one reference. */
struct snapshot	*snapshot_new(void);
void		 snapshot_put(struct snapshot *);

#endif
