/*
 * ipfixcmp: the differential check of the two IPFIX file readers; see
 * ipfixcmp.h.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporter.h"
#include "flow.h"
#include "flowbuf.h"
#include "in_ipfix.h"
#include "ipfix_file.h"
#include "ipfixcmp.h"

/* The first field two flows differ in, or NULL. */
static const char *
flow_differs(const struct flow *a, const struct flow *b)
{
	if (memcmp(a->src, b->src, 16) != 0)
		return "src";
	if (memcmp(a->dst, b->dst, 16) != 0)
		return "dst";
	if (a->start_ms != b->start_ms)
		return "start_ms";
	if (a->end_ms != b->end_ms)
		return "end_ms";
	if (a->packets != b->packets)
		return "packets";
	if (a->octets != b->octets)
		return "octets";
	if (a->exporter != b->exporter)
		return "exporter";
	if (a->sampling != b->sampling)
		return "sampling";
	if (a->sport != b->sport)
		return "sport";
	if (a->dport != b->dport)
		return "dport";
	if (a->family != b->family)
		return "family";
	if (a->proto != b->proto)
		return "proto";
	if (a->tcp_flags != b->tcp_flags)
		return "tcp_flags";
	if (a->fwd != b->fwd)
		return "fwd";
	if (a->answered != b->answered)
		return "answered";
	if (a->flags != b->flags)
		return "flags";
	return NULL;
}

static const char *
flow_str(const struct flow *f, char *buf, size_t len)
{
	snprintf(buf, len, "start %" PRId64 " end %" PRId64 " packets %"
	    PRIu64 " octets %" PRIu64 " sampling %u ports %u>%u proto %u "
	    "flags 0x%02x fwd %u answered %u family %u flow flags 0x%x",
	    f->start_ms, f->end_ms, f->packets, f->octets, f->sampling,
	    f->sport, f->dport, f->proto, f->tcp_flags, f->fwd, f->answered,
	    f->family, f->flags);
	return buf;
}

#define CMP(name)	{ #name, offsetof(struct exporter_stats, name) }

static const struct {
	const char	*name;
	size_t		 off;
} ipfixcmp_counters[] = {
	CMP(datagrams), CMP(bytes), CMP(records), CMP(octets),
	CMP(bad_time), CMP(after_export), CMP(time_approx), CMP(noflags),
};

long
ipfixcmp_file(const char *path, int strict, char *why, size_t len)
{
	struct exporter_stats	 sa, sb;
	struct flowbuf		 a, b;
	const char		*field;
	char			 ea[256], eb[256];
	uint64_t		 va, vb;
	size_t			 i;
	long			 rv = -1;
	int			 ra, rb;

	memset(&sa, 0, sizeof sa);
	memset(&sb, 0, sizeof sb);
	flowbuf_init(&a);
	flowbuf_init(&b);
	ea[0] = eb[0] = '\0';
	ra = in_ipfix_read_file(path, 3, &sa, flowbuf_add, &a, ea, sizeof ea);
	rb = ipfix_file_read(path, 3, &sb, &b, NULL, NULL, eb, sizeof eb);
	if (!strict && (ra != 0 || rb != 0 || sa.malformed || sb.malformed ||
	    sa.no_template || sb.no_template || sa.templates_refused ||
	    sb.templates_refused)) {
		rv = -2;
		goto done;
	}
	if ((ra == 0) != (rb == 0)) {
		snprintf(why, len, "libfixbuf %s, ipfix_file %s",
		    ra == 0 ? "read it" : ea, rb == 0 ? "read it" : eb);
		goto done;
	}
	if (a.n != b.n) {
		snprintf(why, len, "libfixbuf %zu records, ipfix_file %zu",
		    a.n, b.n);
		goto done;
	}
	for (i = 0; i < a.n; i++)
		if ((field = flow_differs(&a.f[i], &b.f[i])) != NULL) {
			snprintf(why, len, "record %zu: %s differs "
			    "(libfixbuf: %s; ipfix_file: %s)", i + 1, field,
			    flow_str(&a.f[i], ea, sizeof ea),
			    flow_str(&b.f[i], eb, sizeof eb));
			goto done;
		}
	for (i = 0; i < sizeof ipfixcmp_counters /
	    sizeof ipfixcmp_counters[0]; i++) {
		memcpy(&va, (const char *)&sa + ipfixcmp_counters[i].off,
		    sizeof va);
		memcpy(&vb, (const char *)&sb + ipfixcmp_counters[i].off,
		    sizeof vb);
		if (va != vb) {
			snprintf(why, len, "%s: libfixbuf %" PRIu64
			    ", ipfix_file %" PRIu64, ipfixcmp_counters[i].name,
			    va, vb);
			goto done;
		}
	}
	rv = (long)a.n;
done:
	flowbuf_free(&a);
	flowbuf_free(&b);
	return rv;
}
