/*
 * Offline ingest: every input is recognised by its magic number first,
 * so a wrong file stops the run before anything is read or written.
 * Captures go through one session tracker (so a connection that spans a
 * rotated file is still one session) into one offline collect, which
 * holds the bins of the whole input until the end and then writes them
 * in order.  A read error mid-file keeps what was read before it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "collect.h"
#include "in_ipfix.h"
#include "in_pcap.h"
#include "ingest.h"
#include "tally.h"
#include "tcptrack.h"
#include "utc.h"

int
ingest_sniff(const char *path, int *fmt, char *err, size_t errlen)
{
	unsigned char	 m[4];
	FILE		*f;
	struct stat	 sb;
	size_t		 n;
	uint32_t	 be, le;

	*fmt = INGEST_UNKNOWN;
	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		fclose(f);
		return -1;
	}
	n = fread(m, 1, sizeof m, f);
	fclose(f);
	if (n == 0) {
		snprintf(err, errlen, "%s: empty file", path);
		return -1;
	}
	if (n < sizeof m) {
		snprintf(err, errlen, "%s: too short to be a capture (%zu "
		    "bytes)", path, n);
		return -1;
	}
	be = be32(m);
	le = le32(m);
	if (be == 0xa1b2c3d4 || le == 0xa1b2c3d4 || be == 0xa1b23c4d ||
	    le == 0xa1b23c4d)
		*fmt = INGEST_PCAP;
	else if (be == 0x0a0d0d0a)
		*fmt = INGEST_PCAPNG;
	else if (m[0] == 0 && m[1] == 10)
		*fmt = INGEST_IPFIX;
	else {
		snprintf(err, errlen, "%s: not a pcap, pcapng or IPFIX file "
		    "(magic %02x%02x%02x%02x)", path, m[0], m[1], m[2], m[3]);
		return -1;
	}
	return 0;
}

static void
ingest_report_pcap(struct buf *out, const char *path,
    const struct in_pcap_stats *ps)
{
	int	 i;

	buf_printf(out, "%s: %llu packets", path,
	    (unsigned long long)ps->packets);
	for (i = 0; i < PKT_STATUS_MAX; i++) {
		if (i == PKT_OK || ps->status[i] == 0)
			continue;
		buf_printf(out, ", %llu %s", (unsigned long long)ps->status[i],
		    pkt_status_name(i));
	}
	buf_puts(out, "\n");
}

/* Read one capture to its end (or to a read error) into the tracker. */
static int
ingest_pcap(const char *path, struct tcptrack *tt, struct buf *out,
    char *err, size_t errlen)
{
	struct in_pcap	*ip;
	int		 n;

	if ((ip = in_pcap_open_file(path, err, errlen)) == NULL)
		return -1;
	while ((n = in_pcap_read(ip, tt, 0, err, errlen)) > 0)
		;
	ingest_report_pcap(out, path, in_pcap_stats(ip));
	in_pcap_close(ip);
	return n;
}

/* Read an IPFIX file (RFC 5655) through libfixbuf into collect. */
static int
ingest_ipfix(const char *path, struct collect *c, struct buf *out, char *err,
    size_t errlen)
{
	struct exporter_stats	 st;
	int			 rc;

	memset(&st, 0, sizeof st);
	rc = in_ipfix_read_file(path, 0, &st, collect_flow_cb, c, err, errlen);
	/* Loss has no time of its own: book it with the newest record. */
	if (st.lost > 0 && collect_stats(c)->newest_ms > 0)
		collect_lost(c, collect_stats(c)->newest_ms / 1000, st.lost);
	buf_printf(out, "%s: %llu IPFIX records", path,
	    (unsigned long long)st.records);
	if (st.lost > 0)
		buf_printf(out, ", %llu lost (sequence gaps)",
		    (unsigned long long)st.lost);
	if (st.no_template > 0)
		buf_printf(out, ", %llu without template",
		    (unsigned long long)st.no_template);
	if (st.bad_time > 0)
		buf_printf(out, ", %llu bad times", (unsigned long long)st.bad_time);
	if (st.malformed > 0)
		buf_printf(out, ", %llu malformed",
		    (unsigned long long)st.malformed);
	buf_puts(out, "\n");
	return rc;
}

static void
ingest_report(struct buf *out, const struct conf *conf,
    const struct collect *c, const struct tcptrack_stats *ts)
{
	const struct collect_stats	*cs = collect_stats(c);
	const struct tally_stats	*tst = collect_tally_stats(c);
	char				 a[32], b[32];
	int				 i;

	if (ts->packets > 0)
		buf_printf(out, "tcp: %llu sessions (%llu established, %llu "
		    "blocked), %llu SYN retransmissions, %llu midstream "
		    "packets ignored, %llu tracker evictions\n",
		    (unsigned long long)ts->sessions,
		    (unsigned long long)ts->established,
		    (unsigned long long)ts->blocked,
		    (unsigned long long)ts->syn_retrans,
		    (unsigned long long)ts->midstream,
		    (unsigned long long)ts->evicted);
	buf_puts(out, "sessions:");
	for (i = 0; i < CAT_MAX; i++)
		buf_printf(out, " %s %llu", series_cat_name(i),
		    (unsigned long long)cs->sessions[i]);
	buf_puts(out, "\n");
	if (tst->late > 0 || cs->refused > 0 || tst->hosts_refused > 0)
		buf_printf(out, "late %llu, refused %llu, distinct hosts over "
		    "max_hosts %llu\n", (unsigned long long)tst->late,
		    (unsigned long long)cs->refused,
		    (unsigned long long)tst->hosts_refused);
	if (cs->bins_written == 0) {
		buf_puts(out, "bins: none written (no mail sessions)\n");
		return;
	}
	utc_format(cs->first_bin, a, sizeof a);
	utc_format(cs->last_bin, b, sizeof b);
	buf_printf(out, "bins: %llu written, %s to %s, in %s/%s\n",
	    (unsigned long long)cs->bins_written, a, b, conf->data_dir,
	    conf->site);
}

int
ingest_files(const struct conf *conf, char *const *paths, size_t n,
    struct buf *out, char *err, size_t errlen)
{
	struct tcptrack_params	 tp;
	struct tcptrack		*tt;
	struct collect		*c;
	char			 rerr[512] = "";
	size_t			 i;
	int			 fmt, rc = 0;

	for (i = 0; i < n; i++)
		if (ingest_sniff(paths[i], &fmt, err, errlen) == -1)
			return -1;
	if ((c = collect_new(conf, 1, err, errlen)) == NULL)
		return -1;

	memset(&tp, 0, sizeof tp);
	tp.max_entries = conf->tracker_max;
	tp.syn_timeout = conf->tcp_timeout;
	tp.idle_timeout = 300;
	tp.active_timeout = 300;
	tp.fin_timeout = 10;
	tp.ports[0] = 25;
	tp.ports[1] = 587;
	tp.ports[2] = 465;
	tp.nports = 3;
	tt = tcptrack_new(&tp, collect_flow_cb, c);

	for (i = 0; i < n; i++) {
		ingest_sniff(paths[i], &fmt, rerr, sizeof rerr);
		if ((fmt == INGEST_IPFIX ? ingest_ipfix(paths[i], c, out, rerr,
		    sizeof rerr) : ingest_pcap(paths[i], tt, out, rerr,
		    sizeof rerr)) == -1) {
			/* Keep going: what was read is worth writing. */
			if (rc == 0)
				snprintf(err, errlen, "%s (the packets before "
				    "it were ingested)", rerr);
			rc = -1;
		}
	}
	tcptrack_flush(tt);
	if (collect_finish(c, rerr, sizeof rerr) == -1) {
		snprintf(err, errlen, "%s", rerr);
		rc = -1;
	} else
		ingest_report(out, conf, c, tcptrack_stats(tt));
	tcptrack_free(tt);
	collect_free(c);
	return rc;
}
