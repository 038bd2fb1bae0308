/*
 * exporter: the counters of struct exporter_stats, listed once.  The
 * API (/api/v1/exporters), /metrics and op25bd's stop log read this
 * table; a new counter is one line here.
 */
#include <stddef.h>

#include "exporter.h"

#define X(field, key, word, metric, help) \
	{ key, word, metric, help, offsetof(struct exporter_stats, field), 0 }
#define S(field, help) \
	{ #field, #field, "sflow_" #field "_total", help, \
	    offsetof(struct exporter_stats, field), 1 }

const struct exporter_counter exporter_counters[] = {
	X(datagrams, "datagrams", "datagrams", "datagrams_total",
	    "Datagrams or TCP messages received from the exporter."),
	X(bytes, "bytes", NULL, NULL, NULL),
	X(records, "records", "records", "records_total",
	    "Flow records decoded."),
	X(octets, "octets", NULL, NULL, NULL),
	/* the API's "templates" is those held (struct exporter) */
	X(templates, NULL, "templates", NULL, NULL),
	X(templates_withdrawn, "templates_withdrawn", "withdrawn", NULL, NULL),
	X(templates_refused, "templates_refused", "refused",
	    "templates_refused_total",
	    "Templates refused (over the cap or malformed)."),
	X(options, "options", NULL, NULL, NULL),
	X(no_template, "no_template", "no_template", NULL, NULL),
	X(malformed, "malformed", "malformed", "malformed_total",
	    "Messages or sets that failed to parse."),
	X(seq_gaps, "seq_gaps", "seq_gaps", NULL, NULL),
	X(lost, "lost", "lost", "lost_records_total",
	    "Records estimated lost from sequence gaps."),
	X(reordered, "reordered", "reordered", NULL, NULL),
	X(resets, "resets", "resets", "resets_total",
	    "Exporter restarts seen (sequence or uptime reset)."),
	X(bad_time, "bad_time", "bad_time", NULL, NULL),
	X(time_approx, "time_approx", "time_approx", NULL, NULL),
	X(after_export, "after_export", "after_export", NULL, NULL),
	X(skewed, "skewed", "skewed", "skewed_records_total",
	    "Records dated too far from our clock (not binned)."),
	X(late, "late", NULL, "late_records_total",
	    "Records older than the oldest open bin."),
	X(noflags, "noflags", "noflags", NULL, NULL),
	S(samples, "Flow samples accounted (sFlow)."),
	S(counter_samples, "Counter samples skipped (sFlow)."),
	S(unknown_samples, "Samples of other types skipped (sFlow)."),
	S(sample_drops, "Samples the agent dropped for lack of resources "
	    "(sFlow drops; also in lost)."),
	S(sample_pool, "Packets the sampled sources saw (sFlow sample_pool)."),
	S(not_ip, "Flow samples without an IP packet (sFlow)."),
	S(not_tcp, "Flow samples of a packet that is not TCP or is a "
	    "fragment (sFlow)."),
	S(bad_header, "Flow samples whose packet header is cut short or "
	    "inconsistent (sFlow)."),
	S(sources_evicted, "sFlow sources that took the slot of the least "
	    "recently seen one (cap per agent)."),
};
const size_t exporter_ncounters =
    sizeof exporter_counters / sizeof exporter_counters[0];
