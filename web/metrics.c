/*
 * /metrics in the Prometheus text format (0.0.4), from the snapshot:
 * counters are monotonic since op25bd started, gauges are current.
 */
#include <sys/resource.h>
#include <sys/types.h>

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "config.h"

#include "addr.h"
#include "in_sflow.h"
#include "web.h"

static void
metrics_head(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A metric of one unlabelled sample. */
static void
metrics_one(struct buf *b, const char *name, const char *type,
    const char *help, unsigned long long v)
{
	metrics_head(b, name, type, help);
	buf_printf(b, "%s %llu\n", name, v);
}

/*
 * One sample per exporter (per sFlow exporter if sflow) of a counter
 * taken at an offset of the stats.
 */
static void
metrics_some(struct buf *b, const struct snapshot *s, const char *name,
    const char *help, size_t off, int gauge, int sflow)
{
	char	 a[ADDR_STRLEN];
	size_t	 i;
	uint64_t v;

	metrics_head(b, name, gauge ? "gauge" : "counter", help);
	for (i = 0; i < s->nex; i++) {
		if (sflow && s->ex[i].version != EXPORTER_SFLOW)
			continue;
		addr_format(s->ex[i].addr, a, sizeof a);
		if (off == (size_t)-1)
			v = s->ex[i].templates;
		else
			memcpy(&v, (const char *)&s->ex[i].st + off, sizeof v);
		buf_printf(b, "%s{exporter=\"%s\",version=\"%s\",domain=\"%u\"} "
		    "%llu\n", name, a, exporter_version_name(s->ex[i].version),
		    s->ex[i].domain, (unsigned long long)v);
	}
}

static void
metrics_exporters(struct buf *b, const struct snapshot *s, const char *name,
    const char *help, size_t off, int gauge)
{
	metrics_some(b, s, name, help, off, gauge, 0);
}

/*
 * The process, by the names Prometheus' client libraries use: resident
 * memory, CPU seconds, open and maximum file descriptors, start time.
 */
static void
metrics_process(struct buf *b, const struct snapshot *s)
{
	struct rusage	 ru;
	struct rlimit	 rl;
	struct dirent	*de;
	DIR		*dir;
	FILE		*f;
	unsigned long	 size, resident = 0;
	long		 fds = 0;

	if ((f = fopen("/proc/self/statm", "r")) != NULL) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	metrics_head(b, "process_resident_memory_bytes", "gauge",
	    "Resident memory size in bytes.");
	buf_printf(b, "process_resident_memory_bytes %llu\n",
	    (unsigned long long)resident *
	    (unsigned long long)sysconf(_SC_PAGESIZE));
	getrusage(RUSAGE_SELF, &ru);
	metrics_head(b, "process_cpu_seconds_total", "counter",
	    "User and system CPU time spent in seconds.");
	buf_printf(b, "process_cpu_seconds_total %.3f\n",
	    (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6);
	if ((dir = opendir("/proc/self/fd")) != NULL) {
		while ((de = readdir(dir)) != NULL)
			fds += de->d_name[0] != '.';
		closedir(dir);
		fds--;		/* the one opendir holds */
	}
	metrics_one(b, "process_open_fds", "gauge",
	    "Number of open file descriptors.", (unsigned long long)fds);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		metrics_one(b, "process_max_fds", "gauge",
		    "Maximum number of open file descriptors.",
		    (unsigned long long)rl.rlim_cur);
	metrics_head(b, "process_start_time_seconds", "gauge",
	    "Start time of the process since the epoch in seconds.");
	buf_printf(b, "process_start_time_seconds %.3f\n",
	    (double)s->started_ms / 1000);
}

int
metrics_handler(const struct web_req *req, struct web_resp *resp)
{
	const struct snapshot	*s = req->snap;
	struct buf		*b = &resp->body;
	size_t			 i;
	int			 c;

	resp->status = 200;
	resp->type = "text/plain; version=0.0.4; charset=utf-8";
	for (i = 0; i < exporter_ncounters; i++) {
		const struct exporter_counter	*ec = &exporter_counters[i];
		char				 name[64];

		if (ec->metric == NULL || ec->sflow)
			continue;
		snprintf(name, sizeof name, "op25b_exporter_%s", ec->metric);
		metrics_exporters(b, s, name, ec->help, ec->off, 0);
	}
	metrics_exporters(b, s, "op25b_exporter_templates",
	    "Templates held for the exporter.", (size_t)-1, 1);
	metrics_head(b, "op25b_exporter_last_seen_timestamp_seconds", "gauge",
	    "When the exporter's last datagram or message arrived.");
	for (i = 0; i < s->nex; i++) {
		char	 a[ADDR_STRLEN];

		addr_format(s->ex[i].addr, a, sizeof a);
		buf_printf(b, "op25b_exporter_last_seen_timestamp_seconds{"
		    "exporter=\"%s\",version=\"%s\",domain=\"%u\"} %.3f\n", a,
		    exporter_version_name(s->ex[i].version), s->ex[i].domain,
		    (double)s->ex[i].st.last_seen / 1000);
	}
	for (i = 0; i < exporter_ncounters; i++) {
		const struct exporter_counter	*ec = &exporter_counters[i];
		char				 name[64];

		if (ec->metric == NULL || !ec->sflow)
			continue;
		snprintf(name, sizeof name, "op25b_exporter_%s", ec->metric);
		metrics_some(b, s, name, ec->help, ec->off, 0, 1);
	}

	metrics_head(b, "op25b_tap_packets_total", "counter",
	    "Packets read by the pcap tap.");
	for (i = 0; i < s->ntaps; i++)
		buf_printf(b, "op25b_tap_packets_total{tap=\"%s\"} %llu\n",
		    s->taps[i].name,
		    (unsigned long long)s->taps[i].ps.packets);
	metrics_head(b, "op25b_tap_drops_total", "counter",
	    "Packets the kernel dropped for the tap.");
	for (i = 0; i < s->ntaps; i++)
		buf_printf(b, "op25b_tap_drops_total{tap=\"%s\"} %llu\n",
		    s->taps[i].name, (unsigned long long)s->taps[i].ps.drops);

	metrics_head(b, "op25b_sessions_total", "counter",
	    "Sessions counted since op25bd started, by category.");
	for (c = 0; c < CAT_MAX; c++)
		buf_printf(b, "op25b_sessions_total{category=\"%s\"} %llu\n",
		    series_cat_name(c),
		    (unsigned long long)s->col.sessions[c]);
	metrics_one(b, "op25b_refused_datagrams_total", "counter",
	    "Datagrams refused by the allow-list or the exporter cap.",
	    s->refused_total);
	metrics_one(b, "op25b_exporters_evicted_total", "counter",
	    "Exporters evicted with their templates to make room (64 per "
	    "address; idle ones when the table is full).", s->evicted);
	metrics_one(b, "op25b_tcp_connections", "gauge",
	    "IPFIX-over-TCP connections open.", s->tcp.open);
	metrics_head(b, "op25b_tcp_connections_refused_total", "counter",
	    "IPFIX-over-TCP connections refused when accepted, by reason.");
	buf_printf(b, "op25b_tcp_connections_refused_total{reason=\"outside\"} "
	    "%llu\nop25b_tcp_connections_refused_total{reason=\"per_source\"}"
	    " %llu\nop25b_tcp_connections_refused_total{reason=\"full\"} "
	    "%llu\n", (unsigned long long)s->tcp.outside,
	    (unsigned long long)s->tcp.per_source,
	    (unsigned long long)s->tcp.full);
	metrics_one(b, "op25b_tcp_connections_idle_closed_total", "counter",
	    "IPFIX-over-TCP connections closed after [listen] tcp_idle.",
	    s->tcp.idle);
	metrics_head(b, "op25b_kernel_drops_total", "counter",
	    "Datagrams the kernel dropped on a flow socket.");
	buf_printf(b, "op25b_kernel_drops_total{socket=\"netflow\"} %u\n"
	    "op25b_kernel_drops_total{socket=\"ipfix\"} %u\n"
	    "op25b_kernel_drops_total{socket=\"sflow\"} %u\n",
	    s->drops_netflow, s->drops_ipfix, s->drops_sflow);
	metrics_one(b, "op25b_bins_written_total", "counter",
	    "Time bins written to the RRD files.",
	    s->col.bins_written);
	metrics_one(b, "op25b_write_errors_total", "counter",
	    "Writes of due bins that failed (retried every tick).",
	    s->col.write_errors);
	metrics_one(b, "op25b_bins_waiting", "gauge",
	    "Due bins waiting for a failed write to succeed.",
	    s->col_waiting);
	metrics_one(b, "op25b_bins_dropped_total", "counter",
	    "Due bins given up after the store failed for a week of bins.",
	    s->col.bins_dropped);
	metrics_one(b, "op25b_rows_reoffered_total", "counter",
	    "Recent bins offered again to an rrdcached that restarted.",
	    s->col.reoffered);
	metrics_one(b, "op25b_checkpoints_total", "counter",
	    "Checkpoints of the open bins written to the journal.",
	    s->col.checkpoints);
	metrics_one(b, "op25b_checkpoint_errors_total", "counter",
	    "Checkpoints that could not be written.",
	    s->col.checkpoint_errors);
	metrics_one(b, "op25b_sketches_written_total", "counter",
	    "Distinct-host sketches written (a collector of a site).",
	    s->col.sketches);
	metrics_one(b, "op25b_sketch_errors_total", "counter",
	    "Distinct-host sketches that could not be written.",
	    s->col.sketch_errors);
	metrics_one(b, "op25b_open_bins", "gauge", "Time bins held open.",
	    s->tally.bins);
	metrics_one(b, "op25b_last_commit_timestamp_seconds", "gauge",
	    "When bins were last written to RRD (0: not since the start).",
	    (unsigned long long)(s->last_commit > 0 ? s->last_commit : 0));
	metrics_head(b, "op25b_build_info", "gauge",
	    "The op25b version that runs (always 1).");
	buf_printf(b, "op25b_build_info{version=\"%s\"} 1\n",
	    PACKAGE_VERSION);
	/* Names are [A-Za-z0-9._-] (name_ok): nothing to escape. */
	metrics_head(b, "op25b_collector_info", "gauge",
	    "The site this instance counts and, on a site of several "
	    "collectors, which one it is (always 1).");
	buf_printf(b, "op25b_collector_info{site=\"%s\",collector=\"%s\"} 1\n",
	    s->conf->site, s->conf->collector != NULL ? s->conf->collector :
	    "");
	metrics_process(b, s);
	metrics_head(b, "op25b_peer_pulls_total", "counter",
	    "Bundle pulls attempted, by peer.");
	for (i = 0; i < s->npeers; i++)
		buf_printf(b, "op25b_peer_pulls_total{peer=\"%s\"} %llu\n",
		    s->peers[i].name, (unsigned long long)s->peers[i].pulls);
	metrics_head(b, "op25b_peer_pull_errors_total", "counter",
	    "Bundle pulls that failed, by peer.");
	for (i = 0; i < s->npeers; i++)
		buf_printf(b, "op25b_peer_pull_errors_total{peer=\"%s\"} "
		    "%llu\n", s->peers[i].name,
		    (unsigned long long)s->peers[i].errors);
	metrics_head(b, "op25b_peer_last_success_timestamp_seconds", "gauge",
	    "When the last pull from the peer succeeded (0: never).");
	for (i = 0; i < s->npeers; i++)
		buf_printf(b, "op25b_peer_last_success_timestamp_seconds{peer="
		    "\"%s\"} %lld\n", s->peers[i].name,
		    (long long)s->peers[i].last_success);
	metrics_head(b, "op25b_peer_held_to_timestamp_seconds", "gauge",
	    "The end of the peer's data held, after the last pull (0: none).");
	for (i = 0; i < s->npeers; i++)
		buf_printf(b, "op25b_peer_held_to_timestamp_seconds{peer="
		    "\"%s\"} %lld\n", s->peers[i].name,
		    (long long)s->peers[i].held_to);
	metrics_head(b, "op25b_peer_bundle_bytes_total", "counter",
	    "Bytes of the bundles imported from the peer.");
	for (i = 0; i < s->npeers; i++)
		buf_printf(b, "op25b_peer_bundle_bytes_total{peer=\"%s\"} "
		    "%llu\n", s->peers[i].name,
		    (unsigned long long)s->peers[i].bytes);
	metrics_head(b, "op25b_peer_key_info", "gauge",
	    "The key that signed the peer's last bundle (fingerprint).");
	for (i = 0; i < s->npeers; i++)
		if (s->peers[i].key[0] != '\0')
			buf_printf(b, "op25b_peer_key_info{peer=\"%s\","
			    "fingerprint=\"%s\"} 1\n", s->peers[i].name,
			    s->peers[i].key);
	metrics_head(b, "op25b_web_requests_total", "counter",
	    "HTTP requests answered, by status code.");
	for (c = 100; c < 600; c++)
		if (web_requests(c) > 0)
			buf_printf(b, "op25b_web_requests_total{code=\"%d\"} "
			    "%llu\n", c, (unsigned long long)web_requests(c));
	return 0;
}
