/*
 * Packet source over libpcap, the only user of <pcap.h>.  Model: a
 * handle is a file (pcap or pcapng, opened with nanosecond precision so
 * both timestamp resolutions arrive as nanoseconds) or a live interface
 * (non-blocking, immediate mode, BPF filter in the kernel).  in_pcap_read
 * pulls frames with pcap_dispatch; the callback counts each frame by its
 * pkt_decode status and hands decoded TCP packets to the tracker with
 * their capture time in microseconds.  libpcap's DLT_ values are mapped
 * back to the LINKTYPE_ numbers that pkt_decode speaks.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pcap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "in_pcap.h"
#include "pkt.h"
#include "tcptrack.h"
#include "xmalloc.h"

#define IN_PCAP_SNAPLEN		512
#define IN_PCAP_BUFSIZE		(32 * 1024 * 1024)
#define IN_PCAP_TIMEOUT_MS	100

struct in_pcap {
	pcap_t			*p;
	char			*name;	/* path or interface, for messages */
	int			 link;	/* LINKTYPE_ */
	int			 live;
	int			 fd;
	int			 nano;	/* timestamps in nanoseconds */
	struct tcptrack		*tt;	/* during in_pcap_read */
	struct in_pcap_stats	 st;
};

/* libpcap's DLT_ value to the LINKTYPE_ number; -1 if not ours. */
static int
in_pcap_linktype(int dlt)
{
	switch (dlt) {
	case DLT_NULL:
		return PKT_LINK_NULL;
	case DLT_EN10MB:
		return PKT_LINK_ETHERNET;
	case DLT_RAW:
		return PKT_LINK_RAW;
	case DLT_LOOP:
		return PKT_LINK_LOOP;
	case DLT_LINUX_SLL:
		return PKT_LINK_LINUX_SLL;
#ifdef DLT_IPV4
	case DLT_IPV4:
		return PKT_LINK_IPV4;
#endif
#ifdef DLT_IPV6
	case DLT_IPV6:
		return PKT_LINK_IPV6;
#endif
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2:
		return PKT_LINK_LINUX_SLL2;
#endif
	default:
		return -1;
	}
}

/* Copy a libpcap message, prefixed with the name unless it has it. */
static void
in_pcap_error(char *err, size_t errlen, const char *name, const char *msg)
{
	size_t	n = strlen(name);

	if (strncmp(msg, name, n) == 0 && msg[n] == ':')
		snprintf(err, errlen, "%s", msg);
	else
		snprintf(err, errlen, "%s: %s", name, msg);
}

/* Wrap an opened handle after checking its link type. */
static struct in_pcap *
in_pcap_wrap(pcap_t *p, const char *name, int live, char *err,
    size_t errlen)
{
	struct in_pcap	*ip;
	int		 dlt, link;

	dlt = pcap_datalink(p);
	link = in_pcap_linktype(dlt);
	if (link < 0) {
		snprintf(err, errlen, "%s: unsupported link type %s (%d)",
		    name, pcap_datalink_val_to_name(dlt) != NULL ?
		    pcap_datalink_val_to_name(dlt) : "unknown", dlt);
		pcap_close(p);
		return NULL;
	}
	ip = xcalloc(1, sizeof *ip);
	ip->p = p;
	ip->name = xstrdup(name);
	ip->link = link;
	ip->live = live;
	ip->fd = -1;
	ip->nano = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;
	return ip;
}

struct in_pcap *
in_pcap_open_file(const char *path, char *err, size_t errlen)
{
	char		 ebuf[PCAP_ERRBUF_SIZE];
	struct stat	 sb;
	pcap_t		*p;

	ebuf[0] = '\0';
	p = pcap_open_offline_with_tstamp_precision(path,
	    PCAP_TSTAMP_PRECISION_NANO, ebuf);
	if (p == NULL) {
		if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_size == 0)
			snprintf(err, errlen, "%s: empty file", path);
		else
			in_pcap_error(err, errlen, path, ebuf);
		return NULL;
	}
	return in_pcap_wrap(p, path, 0, err, errlen);
}

struct in_pcap *
in_pcap_open_live(const char *ifname, const char *filter, char *err,
    size_t errlen)
{
	char			 ebuf[PCAP_ERRBUF_SIZE];
	struct bpf_program	 prog;
	struct in_pcap		*ip;
	pcap_t			*p;
	int			 rc;

	if (filter == NULL)
		filter = IN_PCAP_FILTER;
	ebuf[0] = '\0';
	if ((p = pcap_create(ifname, ebuf)) == NULL) {
		in_pcap_error(err, errlen, ifname, ebuf);
		return NULL;
	}
	pcap_set_snaplen(p, IN_PCAP_SNAPLEN);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	pcap_set_timeout(p, IN_PCAP_TIMEOUT_MS);
	pcap_set_buffer_size(p, IN_PCAP_BUFSIZE);
	/* Not every platform has nanoseconds; microseconds will do. */
	pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);
	if ((rc = pcap_activate(p)) < 0) {
		/* Some errors come with details, the others with a code. */
		if (*pcap_geterr(p) != '\0')
			in_pcap_error(err, errlen, ifname, pcap_geterr(p));
		else
			in_pcap_error(err, errlen, ifname,
			    pcap_statustostr(rc));
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, ebuf) == -1) {
		in_pcap_error(err, errlen, ifname, ebuf);
		pcap_close(p);
		return NULL;
	}
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "%s: filter \"%s\": %s", ifname, filter,
		    pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	rc = pcap_setfilter(p, &prog);
	pcap_freecode(&prog);
	if (rc == -1) {
		in_pcap_error(err, errlen, ifname, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	if ((ip = in_pcap_wrap(p, ifname, 1, err, errlen)) == NULL)
		return NULL;
	ip->fd = pcap_get_selectable_fd(p);
	return ip;
}

int
in_pcap_fd(const struct in_pcap *ip)
{
	return ip->live ? ip->fd : -1;
}

/* pcap_dispatch callback: count, decode, track. */
static void
in_pcap_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct in_pcap	*ip = (struct in_pcap *)user;
	struct pkt	 pk;
	int64_t		 ts;
	int		 rc;

	ts = (int64_t)h->ts.tv_sec * 1000000 +
	    (ip->nano ? h->ts.tv_usec / 1000 : h->ts.tv_usec);
	if (ip->st.packets++ == 0)
		ip->st.first_us = ts;
	ip->st.last_us = ts;
	rc = pkt_decode(ip->link, bytes, h->caplen, &pk);
	ip->st.status[rc]++;
	if (rc == PKT_OK)
		tcptrack_packet(ip->tt, &pk, ts);
}

int
in_pcap_read(struct in_pcap *ip, struct tcptrack *tt, int max, char *err,
    size_t errlen)
{
	int	n;

	ip->tt = tt;
	n = pcap_dispatch(ip->p, max > 0 ? max : -1, in_pcap_frame,
	    (u_char *)ip);
	ip->tt = NULL;
	if (n == PCAP_ERROR) {
		in_pcap_error(err, errlen, ip->name, pcap_geterr(ip->p));
		return -1;
	}
	if (n < 0)		/* PCAP_ERROR_BREAK: nobody breaks the loop */
		return 0;
	return n;
}

const struct in_pcap_stats *
in_pcap_stats(struct in_pcap *ip)
{
	struct pcap_stat	ps;

	if (ip->live && pcap_stats(ip->p, &ps) == 0) {
		ip->st.drops = ps.ps_drop;
		ip->st.ifdrops = ps.ps_ifdrop;
	}
	return &ip->st;
}

void
in_pcap_close(struct in_pcap *ip)
{
	if (ip == NULL)
		return;
	pcap_close(ip->p);
	free(ip->name);
	free(ip);
}
