/*
 * exporter: what op25bd knows about each flow exporter (router, probe)
 * and each decoding source within it (observation domain, source id,
 * engine; for sFlow the agent and sub-agent).  The counters are filled
 * by the decoders and read by the web side from published snapshots.
 * Exporters are keyed by address and domain; the table is capped
 * (EXPORTER_MAX), refusals counted.
 */
#ifndef OP25B_EXPORTER_H
#define OP25B_EXPORTER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define EXPORTER_MAX	16384

/*
 * struct exporter's version: NetFlow 5 or 9, IPFIX 10, 0 for what could
 * not be told, and EXPORTER_SFLOW for sFlow v5, whose own version field
 * is 5 as well: it gets a code of its own, named "sflow" everywhere.
 */
#define EXPORTER_SFLOW	0x85

/* The version as the API, /metrics and the logs name it. */
static inline const char *
exporter_version_name(uint8_t v)
{
	switch (v) {
	case 5:
		return "5";
	case 9:
		return "9";
	case 10:
		return "10";
	case EXPORTER_SFLOW:
		return "sflow";
	default:
		return "0";
	}
}

/* Health of one exporter source; decoders only add to these. */
struct exporter_stats {
	uint64_t	 datagrams;	/* UDP datagrams or TCP messages */
	uint64_t	 bytes;
	uint64_t	 records;	/* data records decoded to flows */
	uint64_t	 octets;	/* sum of the flows' octets */
	uint64_t	 templates;	/* templates received (incl. refreshes) */
	uint64_t	 templates_withdrawn;
	uint64_t	 templates_refused;	/* over a cap or malformed */
	uint64_t	 options;	/* options data records used */
	uint64_t	 no_template;	/* data records whose template is unknown */
	uint64_t	 malformed;	/* messages or sets that failed to parse */
	uint64_t	 seq_gaps;	/* sequence discontinuities seen */
	uint64_t	 lost;		/* records estimated lost from gaps */
	uint64_t	 reordered;	/* sequence ran backwards: not loss */
	uint64_t	 resets;	/* exporter restarts (uptime/seq reset) */
	uint64_t	 bad_time;	/* ended after export, or no time base */
	uint64_t	 time_approx;	/* timed by the export time only */
	uint64_t	 after_export;	/* absolute times after the header's:
					 * kept, the header is what is off */
	uint64_t	 skewed;	/* outside max_skew of our clock: dropped */
	uint64_t	 late;		/* older than the oldest open bin */
	uint64_t	 noflags;	/* records without TCP flags */
	/* sFlow (in_sflow.h says what each means). */
	uint64_t	 samples;	/* flow samples accounted */
	uint64_t	 counter_samples;	/* counter samples skipped */
	uint64_t	 unknown_samples;	/* other sample types skipped */
	uint64_t	 sample_drops;	/* samples the agent dropped (in lost) */
	uint64_t	 sample_pool;	/* packets the sampled sources saw */
	uint64_t	 not_ip;	/* flow samples without an IP packet */
	uint64_t	 not_tcp;	/* IP but not TCP, or a fragment */
	uint64_t	 bad_header;	/* packet header cut short or inconsistent */
	uint64_t	 sources_evicted;	/* source_id slots reused (cap) */
	uint32_t	 sampling;	/* last sampling interval applied (1 none) */
	int32_t		 skew_ms;	/* last export time minus our clock */
	int64_t		 first_seen;	/* UNIX ms */
	int64_t		 last_seen;
};

/*
 * One counter of struct exporter_stats as the API, /metrics and the stop
 * log show it (exporter.c lists them all, in the order they are shown).
 */
struct exporter_counter {
	const char	*key;		/* JSON key; NULL: not in the API */
	const char	*word;		/* stop log word; NULL: not logged */
	const char	*metric;	/* op25b_exporter_<metric>; NULL: none */
	const char	*help;		/* /metrics' one line */
	size_t		 off;		/* of the uint64_t in exporter_stats */
	int		 sflow;		/* sFlow's: shown for sFlow agents only,
					 * under "sflow" in the API */
};
extern const struct exporter_counter exporter_counters[];
extern const size_t exporter_ncounters;

static inline uint64_t
exporter_counter_value(const struct exporter_stats *st,
    const struct exporter_counter *c)
{
	uint64_t	 v;

	memcpy(&v, (const char *)st + c->off, sizeof v);
	return v;
}

#endif
