/*
 * Configuration model: a first pass over the text checks the syntax line
 * by line, strips inline comments ("key = v  # note") and remembers the
 * line of every section and key; GLib's GKeyFile then holds the cleaned
 * text.  Every key is a row of conf_keys (section, name, type, bounds,
 * default, where it goes); values are parsed by type, then the whole is
 * cross-checked (overlapping pools, servers inside dynamic pools).  Any
 * error stops the parse: a struct conf is complete or not at all.
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "addr.h"
#include "conf.h"
#include "conf_parse.h"
#include "name.h"
#include "prefix.h"
#include "sig.h"
#include "utc.h"
#include "xmalloc.h"

#define CONF_MAXFILE	(4 * 1024 * 1024)
#define CONF_MAXPREFIX	65536

enum conf_type {
	CT_STRING,	/* any non-empty text */
	CT_NAME,	/* [A-Za-z0-9._-], used in file names */
	CT_UINT,	/* decimal, within [min, max] */
	CT_SIZE,	/* decimal with K, M or G */
	CT_DATE,	/* YYYY-MM-DD or ISO 8601 UTC time */
	CT_PREFIXES,	/* comma-separated prefixes, no host bits */
	CT_KIND,	/* dynamic | static */
	CT_SERVICE,	/* direct | roaming */
	CT_BOOL,	/* yes | no */
	CT_HOSTPORT,	/* address:port, [v6]:port, or "off" */
	CT_URL,		/* http:// or https:// */
	CT_PUBKEYS	/* ed25519:BASE64, comma-separated, at most
			 * CONF_PEER_KEYS */
};

struct conf_key {
	int		 section;
	const char	*name;
	int		 type;
	uint64_t	 min;
	uint64_t	 max;
	const char	*def;		/* NULL: none (or required) */
	int		 required;
	size_t		 off;		/* in struct conf or the section's */
	size_t		 off_n;		/* CT_PREFIXES: the count */
};

#define C(f)	offsetof(struct conf, f)
#define P(f)	offsetof(struct conf_pool, f)
#define T(f)	offsetof(struct conf_pcap, f)
#define R(f)	offsetof(struct conf_peer, f)

static const struct conf_key conf_keys[] = {
	{ SEC_OP25B, "site", CT_NAME, 0, 0, NULL, 1, C(site), 0 },
	{ SEC_OP25B, "collector", CT_NAME, 0, 0, NULL, 0, C(collector), 0 },
	{ SEC_OP25B, "data_dir", CT_STRING, 0, 0, "/var/lib/op25b", 0,
	    C(data_dir), 0 },
	{ SEC_OP25B, "step", CT_UINT, 10, 86400, "300", 0, C(step), 0 },
	{ SEC_OP25B, "grace", CT_UINT, 0, 86400, "600", 0, C(grace), 0 },
	{ SEC_OP25B, "blocking_start", CT_DATE, 0, 0, NULL, 0,
	    C(blocking_start), 0 },
	{ SEC_OP25B, "ipv6_host_prefix", CT_UINT, 1, 128, "64", 0,
	    C(ipv6_host_prefix), 0 },
	{ SEC_OP25B, "tcp_timeout", CT_UINT, 1, 3600, "30", 0,
	    C(tcp_timeout), 0 },
	{ SEC_OP25B, "tracker_max", CT_UINT, 1024, 64 * 1024 * 1024,
	    "1048576", 0, C(tracker_max), 0 },
	{ SEC_OP25B, "max_bins", CT_UINT, 16, 4 * 1024 * 1024, "120000", 0,
	    C(max_bins), 0 },
	{ SEC_OP25B, "max_hosts", CT_UINT, 1024, 1024 * 1024 * 1024,
	    "4000000", 0, C(max_hosts), 0 },
	{ SEC_OP25B, "max_skew", CT_UINT, 0, 86400, "300", 0,
	    C(max_skew), 0 },
	{ SEC_OP25B, "max_age", CT_UINT, 600, 366 * 86400, "86400", 0,
	    C(max_age), 0 },
	{ SEC_OP25B, "checkpoint", CT_UINT, 0, 3600, "10", 0,
	    C(checkpoint), 0 },
	{ SEC_OP25B, "rrdcached", CT_STRING, 0, 0, NULL, 0, C(rrdcached), 0 },
	{ SEC_OP25B, "user", CT_NAME, 0, 0, NULL, 0, C(user), 0 },

	{ SEC_LISTEN, "ipfix", CT_HOSTPORT, 0, 0, "[::]:4739", 0,
	    C(listen_ipfix), 0 },
	{ SEC_LISTEN, "netflow", CT_HOSTPORT, 0, 0, "[::]:2055", 0,
	    C(listen_netflow), 0 },
	{ SEC_LISTEN, "sflow", CT_HOSTPORT, 0, 0, "[::]:6343", 0,
	    C(listen_sflow), 0 },
	{ SEC_LISTEN, "allow", CT_PREFIXES, 0, 0, NULL, 0, C(allow),
	    C(nallow) },
	{ SEC_LISTEN, "rcvbuf", CT_SIZE, 4096, 1ULL << 31, "16M", 0,
	    C(rcvbuf), 0 },
	{ SEC_LISTEN, "tcp_idle", CT_UINT, 0, 86400, "600", 0, C(tcp_idle),
	    0 },
	{ SEC_LISTEN, "tcp_per_source", CT_UINT, 1, 256, "8", 0,
	    C(tcp_per_source), 0 },

	{ SEC_WEB, "listen", CT_HOSTPORT, 0, 0, "127.0.0.1:8025", 0,
	    C(web_listen), 0 },
	{ SEC_WEB, "hosts", CT_STRING, 0, 0, NULL, 0, C(web_hosts), 0 },
	{ SEC_WEB, "users_file", CT_STRING, 0, 0, NULL, 0, C(web_users_file),
	    0 },
	{ SEC_WEB, "tokens_file", CT_STRING, 0, 0, NULL, 0,
	    C(web_tokens_file), 0 },
	{ SEC_WEB, "top_users", CT_STRING, 0, 0, NULL, 0, C(web_top_users),
	    0 },
	{ SEC_WEB, "metrics_public", CT_BOOL, 0, 0, "no", 0,
	    C(web_metrics_public), 0 },
	{ SEC_WEB, "export_token_file", CT_STRING, 0, 0, NULL, 0,
	    C(export_token_file), 0 },

	{ SEC_SERVERS, "relays", CT_PREFIXES, 0, 0, NULL, 0, C(relays),
	    C(nrelays) },
	{ SEC_SERVERS, "msa", CT_PREFIXES, 0, 0, NULL, 0, C(msa), C(nmsa) },

	{ SEC_LOCAL, "keep_days", CT_UINT, 1, 36600, "400", 0,
	    C(keep_days), 0 },
	{ SEC_LOCAL, "top_n", CT_UINT, 1, 100000, "100", 0, C(top_n), 0 },
	{ SEC_LOCAL, "max_sources", CT_UINT, 1024, 100000000, "1000000", 0,
	    C(max_sources), 0 },

	{ SEC_LOCAL, "impact", CT_BOOL, 0, 0, "yes", 0, C(impact), 0 },

	{ SEC_IMPACT, "person_max_sessions", CT_UINT, 1, 1000000, "20", 0,
	    C(imp.person_max_sessions), 0 },
	{ SEC_IMPACT, "person_max_destinations", CT_UINT, 1, 1000000, "3", 0,
	    C(imp.person_max_destinations), 0 },
	{ SEC_IMPACT, "day_start", CT_UINT, 0, 23, "7", 0,
	    C(imp.day_start), 0 },
	{ SEC_IMPACT, "day_end", CT_UINT, 1, 24, "23", 0, C(imp.day_end), 0 },
	{ SEC_IMPACT, "bot_min_destinations", CT_UINT, 1, 1000000, "20", 0,
	    C(imp.bot_min_destinations), 0 },
	{ SEC_IMPACT, "bot_min_networks", CT_UINT, 1, 1000000, "10", 0,
	    C(imp.bot_min_networks), 0 },
	{ SEC_IMPACT, "server_min_destinations", CT_UINT, 1, 1000000, "10", 0,
	    C(imp.server_min_destinations), 0 },
	{ SEC_IMPACT, "server_min_answered", CT_UINT, 0, 100, "90", 0,
	    C(imp.server_min_answered), 0 },
	{ SEC_IMPACT, "server_min_hours", CT_UINT, 1, 24, "12", 0,
	    C(imp.server_min_hours), 0 },

	{ SEC_EXPORT, "key_file", CT_STRING, 0, 0, NULL, 0,
	    C(export_key_file), 0 },

	{ SEC_COSTS, "costs_file", CT_STRING, 0, 0, NULL, 0,
	    C(costs_file), 0 },

	{ SEC_POOL, "kind", CT_KIND, 0, 0, NULL, 1, P(kind), 0 },
	{ SEC_POOL, "service", CT_SERVICE, 0, 0, "direct", 0, P(service), 0 },
	{ SEC_POOL, "prefixes", CT_PREFIXES, 0, 0, NULL, 1, P(prefixes),
	    P(nprefixes) },
	{ SEC_POOL, "blocking_start", CT_DATE, 0, 0, NULL, 0,
	    P(blocking_start), 0 },
	{ SEC_POOL, "export", CT_BOOL, 0, 0, "yes", 0, P(export), 0 },

	{ SEC_PCAP, "interface", CT_STRING, 0, 0, NULL, 0, T(interface), 0 },
	{ SEC_PCAP, "file", CT_STRING, 0, 0, NULL, 0, T(file), 0 },
	{ SEC_PCAP, "filter", CT_STRING, 0, 0,
	    "tcp port 25 or tcp port 587 or tcp port 465", 0, T(filter), 0 },

	{ SEC_PEER, "url", CT_URL, 0, 0, NULL, 0, R(url), 0 },
	{ SEC_PEER, "token_file", CT_STRING, 0, 0, NULL, 0, R(token_file), 0 },
	{ SEC_PEER, "export_token_file", CT_STRING, 0, 0, NULL, 0,
	    R(export_token_file), 0 },
	{ SEC_PEER, "public_key", CT_PUBKEYS, 0, 0, NULL, 0, R(keys),
	    R(nkeys) },
	{ SEC_PEER, "interval", CT_UINT, 60, 7 * 86400, "3600", 0,
	    R(interval), 0 },
};

/* Keys that were valid once: refused with what took their place. */
static const struct conf_retired {
	int		 section;
	const char	*name;
	const char	*why;
} conf_retired[] = {
	{ SEC_PEER, "key_file", "no longer used: each site now signs with "
	    "its own Ed25519 key, so set public_key to the ed25519: line the "
	    "peer's \"op25b keygen\" printed, and remove key_file" },
};

/* Parse a comma- or space-separated prefix list. */
static int
conf_prefixes(struct conf_parse *cp, int line, const char *group,
    const char *key, const char *val, struct prefix **out, size_t *nout)
{
	char		*copy, *tok, *save = NULL, reason[200];
	struct prefix	 p, *list = NULL;
	size_t		 n = 0;

	copy = xstrdup(val);
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (addr_parse_prefix(tok, &p, reason, sizeof reason) == -1) {
			conf_error(cp, line, group, key, "%s", reason);
			goto fail;
		}
		if (n >= CONF_MAXPREFIX) {
			conf_error(cp, line, group, key, "more than %d prefixes",
			    CONF_MAXPREFIX);
			goto fail;
		}
		list = xreallocarray(list, n + 1, sizeof *list);
		list[n++] = p;
	}
	free(copy);
	if (n == 0)
		return conf_error(cp, line, group, key, "empty list");
	free(*out);
	*out = list;
	*nout = n;
	return 0;
fail:
	free(copy);
	free(list);
	return -1;
}

/* Parse one or two public keys (the second for a rotation). */
static int
conf_pubkeys(struct conf_parse *cp, int line, const char *group,
    const char *key, const char *val, struct sig_key *out, size_t *nout)
{
	struct sig_key	 list[CONF_PEER_KEYS];
	char		*copy, *tok, *save = NULL, reason[200];
	size_t		 n = 0, i;
	int		 rc = -1;

	copy = xstrdup(val);
	for (tok = strtok_r(copy, ", \t", &save); tok != NULL;
	    tok = strtok_r(NULL, ", \t", &save)) {
		if (n == CONF_PEER_KEYS) {
			conf_error(cp, line, group, key, "more than %d keys "
			    "(the current one and the next, for a rotation)",
			    CONF_PEER_KEYS);
			goto out;
		}
		if (sig_public_parse(tok, &list[n], reason, sizeof reason) ==
		    -1) {
			conf_error(cp, line, group, key, "%s", reason);
			goto out;
		}
		for (i = 0; i < n; i++)
			if (memcmp(list[i].pk, list[n].pk, SIG_PUBLIC_LEN) ==
			    0) {
				conf_error(cp, line, group, key, "the same key "
				    "twice");
				goto out;
			}
		n++;
	}
	if (n == 0) {
		conf_error(cp, line, group, key, "empty list");
		goto out;
	}
	memcpy(out, list, n * sizeof list[0]);
	*nout = n;
	rc = 0;
out:
	free(copy);
	return rc;
}

static int
conf_hostport(const char *val)
{
	const char	*colon, *p;
	char		 host[ADDR_STRLEN];
	uint8_t		 a[16];
	unsigned long	 port;
	size_t		 n;

	if (strcmp(val, "off") == 0)
		return 0;
	if (val[0] == '[') {
		if ((p = strchr(val, ']')) == NULL || p[1] != ':')
			return -1;
		n = (size_t)(p - val - 1);
		colon = p + 1;
		if (n >= sizeof host || strchr(val + 1, ':') == NULL)
			return -1;
		memcpy(host, val + 1, n);
	} else {
		if ((colon = strrchr(val, ':')) == NULL ||
		    strchr(val, ':') != colon)
			return -1;
		n = (size_t)(colon - val);
		if (n >= sizeof host)
			return -1;
		memcpy(host, val, n);
	}
	host[n] = '\0';
	if (n > 0 && addr_parse(host, a) == -1)
		return -1;
	for (p = colon + 1; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return -1;
	port = strtoul(colon + 1, NULL, 10);
	if (colon[1] == '\0' || port == 0 || port > 65535 ||
	    strlen(colon + 1) > 5)
		return -1;
	return 0;
}

/* Parse one value by its key's type into base + key->off. */
static int
conf_set(struct conf_parse *cp, const struct conf_key *k, void *base,
    const char *group, const char *val, int line)
{
	char		*end, **sp = (char **)((char *)base + k->off);
	int		*ip = (int *)((char *)base + k->off);
	unsigned	*up = (unsigned *)((char *)base + k->off);
	uint64_t	*sz = (uint64_t *)((char *)base + k->off);
	int64_t		*tp = (int64_t *)((char *)base + k->off);
	unsigned long long v;

	if (*val == '\0')
		return conf_error(cp, line, group, k->name, "empty value");
	switch (k->type) {
	case CT_NAME:
		if (!conf_name_valid(val))
			return conf_error(cp, line, group, k->name, "bad name "
			    "\"%s\" (letters, digits, '.', '_', '-'; at most "
			    "%d)", val, CONF_NAME_MAX);
		/* FALLTHROUGH */
	case CT_STRING:
		free(*sp);
		*sp = xstrdup(val);
		return 0;
	case CT_URL:
		if (strncmp(val, "http://", 7) != 0 &&
		    strncmp(val, "https://", 8) != 0)
			return conf_error(cp, line, group, k->name,
			    "\"%s\" is not an http:// or https:// URL", val);
		free(*sp);
		*sp = xstrdup(val);
		return 0;
	case CT_HOSTPORT:
		if (conf_hostport(val) == -1)
			return conf_error(cp, line, group, k->name, "\"%s\" is "
			    "not address:port (IPv6 as [addr]:port)", val);
		free(*sp);
		*sp = xstrdup(val);
		return 0;
	case CT_UINT:
	case CT_SIZE:
		if (val[0] == '-')
			return conf_error(cp, line, group, k->name,
			    "%s is negative (minimum %llu)", val,
			    (unsigned long long)k->min);
		if (!isdigit((unsigned char)val[0]))
			return conf_error(cp, line, group, k->name,
			    "\"%s\" is not a number", val);
		errno = 0;
		v = strtoull(val, &end, 10);
		if (k->type == CT_SIZE && *end != '\0' && end[1] == '\0') {
			unsigned shift = 0;

			switch (*end) {
			case 'k': case 'K': shift = 10; break;
			case 'm': case 'M': shift = 20; break;
			case 'g': case 'G': shift = 30; break;
			}
			if (shift != 0 && v <= (ULLONG_MAX >> shift)) {
				v <<= shift;
				end++;
			}
		}
		if (errno != 0 || *end != '\0')
			return conf_error(cp, line, group, k->name,
			    "\"%s\" is not a number", val);
		if (v < k->min || v > k->max)
			return conf_error(cp, line, group, k->name,
			    "%s is out of range (%llu to %llu)", val,
			    (unsigned long long)k->min,
			    (unsigned long long)k->max);
		if (k->type == CT_SIZE)
			*sz = v;
		else
			*up = (unsigned)v;
		return 0;
	case CT_DATE:
		if (strchr(val, '-') == NULL || utc_parse(val, tp) == -1)
			return conf_error(cp, line, group, k->name, "\"%s\" is "
			    "not a date (YYYY-MM-DD, UTC)", val);
		return 0;
	case CT_KIND:
		if (strcmp(val, "dynamic") == 0)
			*ip = CONF_KIND_DYNAMIC;
		else if (strcmp(val, "static") == 0)
			*ip = CONF_KIND_STATIC;
		else
			return conf_error(cp, line, group, k->name,
			    "unknown kind \"%s\" (dynamic or static)", val);
		return 0;
	case CT_SERVICE:
		if (strcmp(val, "direct") == 0)
			*ip = CONF_SERVICE_DIRECT;
		else if (strcmp(val, "roaming") == 0)
			*ip = CONF_SERVICE_ROAMING;
		else
			return conf_error(cp, line, group, k->name,
			    "unknown service \"%s\" (direct or roaming)", val);
		return 0;
	case CT_BOOL:
		if (strcmp(val, "yes") == 0 || strcmp(val, "true") == 0 ||
		    strcmp(val, "on") == 0 || strcmp(val, "1") == 0)
			*ip = 1;
		else if (strcmp(val, "no") == 0 || strcmp(val, "false") == 0 ||
		    strcmp(val, "off") == 0 || strcmp(val, "0") == 0)
			*ip = 0;
		else
			return conf_error(cp, line, group, k->name,
			    "\"%s\" is not yes or no", val);
		return 0;
	case CT_PREFIXES:
		return conf_prefixes(cp, line, group, k->name, val,
		    (struct prefix **)((char *)base + k->off),
		    (size_t *)((char *)base + k->off_n));
	case CT_PUBKEYS:
		return conf_pubkeys(cp, line, group, k->name, val,
		    (struct sig_key *)((char *)base + k->off),
		    (size_t *)((char *)base + k->off_n));
	}
	return conf_error(cp, line, group, k->name, "internal: bad type");
}

static const struct conf_key *
conf_key_find(int section, const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++)
		if (conf_keys[i].section == section &&
		    strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

/* Why a key no longer exists, or "unknown key". */
static const char *
conf_key_unknown(int section, const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof conf_retired / sizeof conf_retired[0]; i++)
		if (conf_retired[i].section == section &&
		    strcmp(conf_retired[i].name, name) == 0)
			return conf_retired[i].why;
	return "unknown key";
}

/* Apply defaults, then the group's keys, then check required ones. */
static int
conf_section(struct conf_parse *cp, int section, const char *group,
    void *base)
{
	const struct conf_key	*k;
	gchar			**keys, *val;
	size_t			 i;
	int			 rc = 0, line;

	for (i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++) {
		k = &conf_keys[i];
		if (k->section == section && k->def != NULL &&
		    conf_set(cp, k, base, group, k->def, 0) == -1)
			return -1;
	}
	if (group == NULL || !g_key_file_has_group(cp->kf, group))
		goto required;
	keys = g_key_file_get_keys(cp->kf, group, NULL, NULL);
	for (i = 0; keys != NULL && keys[i] != NULL && rc == 0; i++) {
		line = conf_line_of(cp, group, keys[i]);
		if ((k = conf_key_find(section, keys[i])) == NULL) {
			rc = conf_error(cp, line, group, keys[i], "%s",
			    conf_key_unknown(section, keys[i]));
			break;
		}
		val = g_key_file_get_value(cp->kf, group, keys[i], NULL);
		rc = conf_set(cp, k, base, group, val == NULL ? "" : val, line);
		g_free(val);
	}
	g_strfreev(keys);
	if (rc == -1)
		return -1;
required:
	for (i = 0; i < sizeof conf_keys / sizeof conf_keys[0]; i++) {
		k = &conf_keys[i];
		if (k->section != section || !k->required)
			continue;
		if (group != NULL && g_key_file_has_key(cp->kf, group, k->name,
		    NULL))
			continue;
		line = group == NULL ? 1 : conf_line_of(cp, group, NULL);
		return conf_error(cp, line == 0 ? 1 : line,
		    group == NULL ? "op25b" : group, k->name,
		    "missing (required)");
	}
	return 0;
}

/* Named sections ([pool x], [pcap x], [peer x]) in file order. */
static int
conf_named(struct conf_parse *cp, struct conf *c)
{
	gchar		**groups;
	const char	*name;
	size_t		 i;
	int		 sec, rc = 0, line;

	groups = g_key_file_get_groups(cp->kf, NULL);
	for (i = 0; groups[i] != NULL && rc == 0; i++) {
		sec = conf_section_of(groups[i], &name);
		line = conf_line_of(cp, groups[i], NULL);
		if (sec == SEC_POOL) {
			struct conf_pool *p;

			c->pools = xreallocarray(c->pools, c->npools + 1,
			    sizeof *c->pools);
			p = &c->pools[c->npools++];
			memset(p, 0, sizeof *p);
			p->name = xstrdup(name);
			p->blocking_start = CONF_NO_DATE;
			p->line = line;
			rc = conf_section(cp, sec, groups[i], p);
		} else if (sec == SEC_PCAP) {
			struct conf_pcap *t;

			c->pcaps = xreallocarray(c->pcaps, c->npcaps + 1,
			    sizeof *c->pcaps);
			t = &c->pcaps[c->npcaps++];
			memset(t, 0, sizeof *t);
			t->name = xstrdup(name);
			if ((rc = conf_section(cp, sec, groups[i], t)) == -1)
				break;
			if ((t->interface == NULL) == (t->file == NULL))
				rc = conf_error(cp, line, groups[i],
				    "interface", "exactly one of interface or "
				    "file is required");
		} else if (sec == SEC_PEER) {
			struct conf_peer *r;

			c->peers = xreallocarray(c->peers, c->npeers + 1,
			    sizeof *c->peers);
			r = &c->peers[c->npeers++];
			memset(r, 0, sizeof *r);
			r->name = xstrdup(name);
			rc = conf_section(cp, sec, groups[i], r);
		}
	}
	g_strfreev(groups);
	return rc;
}

/*
 * [web] hosts: names separated by commas or blanks, each a DNS name
 * (letters, digits, '-' and '.', at most 253 characters), or "*".
 */
#define CONF_HOST_SEP	", \t"

static size_t
conf_host_len(const char *s, size_t n)
{
	return n > 1 && s[n - 1] == '.' ? n - 1 : n;	/* a root dot */
}

static int
conf_hosts_check(const char *list, char *err, size_t errlen)
{
	const char	*p = list, *q;
	size_t		 n, i, count = 0;

	for (;;) {
		p += strspn(p, CONF_HOST_SEP);
		if (*p == '\0')
			break;
		n = strcspn(p, CONF_HOST_SEP);
		count++;
		if (n == 1 && *p == '*') {
			p += n;
			continue;
		}
		for (i = 0, q = p; i < n; i++, q++)
			if (!isalnum((unsigned char)*q) && *q != '-' &&
			    *q != '.')
				break;
		if (i < n || n > 253 || *p == '-' || *p == '.') {
			snprintf(err, errlen, "\"%.*s\" is not a host name "
			    "(letters, digits, '-' and '.', or \"*\" for any)",
			    (int)(n > 64 ? 64 : n), p);
			return -1;
		}
		p += n;
	}
	if (count == 0) {
		snprintf(err, errlen, "no host name");
		return -1;
	}
	return 0;
}

int
conf_host_ok(const struct conf *c, const char *host)
{
	const char	*end, *p, *rest;
	char		 name[256];
	unsigned char	 a[16];
	size_t		 n, len;
	int		 v6;

	if (c->web_hosts != NULL) {
		for (p = c->web_hosts;; p += n) {
			p += strspn(p, CONF_HOST_SEP);
			if (*p == '\0')
				break;
			n = strcspn(p, CONF_HOST_SEP);
			if (n == 1 && *p == '*')
				return 1;
		}
	}
	/* Split off the port: digits after the colon. */
	if ((v6 = host[0] == '[')) {
		if ((end = strchr(++host, ']')) == NULL)
			return 0;
		rest = end + 1;
	} else {
		end = host + strcspn(host, ":");
		if (strchr(end + (*end == ':'), ':') != NULL)
			return 0;	/* IPv6 without brackets */
		rest = end;
	}
	if (*rest == ':') {
		rest++;
		if (strspn(rest, "0123456789") != strlen(rest))
			return 0;	/* the port may be empty (RFC 3986) */
	} else if (*rest != '\0')
		return 0;
	len = (size_t)(end - host);
	if (len == 0 || len >= sizeof name)
		return 0;
	memcpy(name, host, len);
	name[len] = '\0';
	if (v6)
		return inet_pton(AF_INET6, name, a) == 1;
	if (inet_pton(AF_INET, name, a) == 1)
		return 1;
	len = conf_host_len(name, len);
	if (len == 9 && strncasecmp(name, "localhost", 9) == 0)
		return 1;
	if (c->web_hosts == NULL)
		return 0;
	for (p = c->web_hosts;; p += n) {
		p += strspn(p, CONF_HOST_SEP);
		if (*p == '\0')
			return 0;
		n = strcspn(p, CONF_HOST_SEP);
		if (conf_host_len(p, n) == len && strncasecmp(p, name, len) == 0)
			return 1;
	}
}

struct conf *
conf_parse(const char *path, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct conf_parse	 cp;
	struct conf		*c;
	GError			*gerr = NULL;
	char			*clean, herr[256];
	size_t			 i;
	int			 rc = -1, line;

	memset(&cp, 0, sizeof cp);
	cp.path = path;
	cp.err = err;
	cp.errlen = errlen;
	c = xcalloc(1, sizeof *c);
	c->refs = 1;
	c->path = xstrdup(path);
	c->blocking_start = CONF_NO_DATE;

	if ((clean = conf_scan(&cp, text, len)) == NULL)
		goto out;
	cp.kf = g_key_file_new();
	if (!g_key_file_load_from_data(cp.kf, clean, (gsize)-1,
	    G_KEY_FILE_NONE, &gerr)) {
		conf_error(&cp, 0, NULL, NULL, "%s", gerr->message);
		g_error_free(gerr);
		g_free(clean);
		goto out;
	}
	g_free(clean);

	if (conf_section(&cp, SEC_OP25B, "op25b", c) == -1 ||
	    conf_section(&cp, SEC_LISTEN, "listen", c) == -1 ||
	    conf_section(&cp, SEC_WEB, "web", c) == -1 ||
	    conf_section(&cp, SEC_SERVERS, "servers", c) == -1 ||
	    conf_section(&cp, SEC_LOCAL, "local", c) == -1 ||
	    conf_section(&cp, SEC_EXPORT, "export", c) == -1 ||
	    conf_section(&cp, SEC_COSTS, "costs", c) == -1 ||
	    conf_section(&cp, SEC_IMPACT, "impact", c) == -1 ||
	    conf_named(&cp, c) == -1)
		goto out;

	if (86400 % c->step != 0) {
		line = conf_line_of(&cp, "op25b", "step");
		conf_error(&cp, line, "op25b", "step", "%u does not divide a "
		    "day (86400 s) evenly", c->step);
		goto out;
	}
	if (c->web_hosts != NULL && conf_hosts_check(c->web_hosts, herr,
	    sizeof herr) == -1) {
		conf_error(&cp, conf_line_of(&cp, "web", "hosts"), "web",
		    "hosts", "%s", herr);
		goto out;
	}
	for (i = 0; i < c->npools; i++) {
		if (c->pools[i].kind == CONF_KIND_STATIC &&
		    c->pools[i].service == CONF_SERVICE_ROAMING) {
			char g[64];

			snprintf(g, sizeof g, "pool %s", c->pools[i].name);
			conf_error(&cp, conf_line_of(&cp, g, "service"), g,
			    "service", "a static pool cannot be a roaming "
			    "service");
			goto out;
		}
	}
	if (conf_check_overlaps(&cp, c) == -1)
		goto out;
	conf_build_sets(c);
	rc = 0;
out:
	for (i = 0; i < cp.nlines; i++) {
		free(cp.lines[i].group);
		free(cp.lines[i].key);
	}
	free(cp.lines);
	if (cp.kf != NULL)
		g_key_file_free(cp.kf);
	if (rc == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf	*c;
	FILE		*f;
	char		*text;
	size_t		 len;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	text = xmalloc(CONF_MAXFILE + 1);
	len = fread(text, 1, CONF_MAXFILE + 1, f);
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		free(text);
		return NULL;
	}
	fclose(f);
	if (len > CONF_MAXFILE) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    CONF_MAXFILE);
		free(text);
		return NULL;
	}
	c = conf_parse(path, text, len, err, errlen);
	free(text);
	return c;
}

struct conf *
conf_ref(struct conf *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	return c;
}

void
conf_free(struct conf *c)
{
	size_t	 i;

	if (c == NULL || __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (i = 0; i < c->npools; i++) {
		free(c->pools[i].name);
		free(c->pools[i].prefixes);
	}
	free(c->pools);
	for (i = 0; i < c->npcaps; i++) {
		free(c->pcaps[i].name);
		free(c->pcaps[i].interface);
		free(c->pcaps[i].file);
		free(c->pcaps[i].filter);
	}
	free(c->pcaps);
	for (i = 0; i < c->npeers; i++) {
		free(c->peers[i].name);
		free(c->peers[i].url);
		free(c->peers[i].token_file);
		free(c->peers[i].export_token_file);
	}
	free(c->peers);
	free(c->path);
	free(c->site);
	free(c->collector);
	free(c->data_dir);
	free(c->rrdcached);
	free(c->user);
	free(c->listen_ipfix);
	free(c->listen_netflow);
	free(c->listen_sflow);
	free(c->allow);
	free(c->web_listen);
	free(c->web_hosts);
	free(c->web_users_file);
	free(c->web_tokens_file);
	free(c->web_top_users);
	free(c->export_token_file);
	free(c->relays);
	free(c->msa);
	free(c->export_key_file);
	free(c->costs_file);
	prefix_set_free(c->pool_set);
	prefix_set_free(c->server_set);
	prefix_set_free(c->allow_set);
	free(c);
}

int
conf_name_valid(const char *s)
{
	return name_ok(s, CONF_NAME_MAX);
}

int
conf_pool_index(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->npools; i++)
		if (strcmp(c->pools[i].name, name) == 0)
			return (int)i;
	return -1;
}

int
conf_peer_index(const struct conf *c, const char *name)
{
	size_t	 i;

	for (i = 0; i < c->npeers; i++)
		if (strcmp(c->peers[i].name, name) == 0)
			return (int)i;
	return -1;
}

int64_t
conf_pool_cutover(const struct conf *c, size_t i)
{
	if (i < c->npools && c->pools[i].blocking_start != CONF_NO_DATE)
		return c->pools[i].blocking_start;
	return c->blocking_start;
}
