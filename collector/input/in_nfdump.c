/*
 * nfcapd files through Debian's nfdump.  Three runs of the child per
 * file: `-I` (the time range and record count, before anything is
 * read, so that the files can be put in time order), `-E` (the
 * exporters and the samplers nfcapd recorded) and the records:
 *
 *   nfdump -q -N -6 -r FILE -o 'fmt:%tsr|%ter|%exp|%sa|%da|%sp|%dp|
 *       %flg|%fwd|%pkt|%byt|%opkt' 'proto tcp and port in [25 587 465]'
 *
 * nfcapd has already scaled the counts of records from a sampled
 * exporter; the rate comes from its sampler records (packet interval
 * and space).  An exporter with samplers of different rates cannot be
 * read honestly (which record used which is not printed): refused.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bytes.h"
#include "in_nfdump.h"
#include "xmalloc.h"

#define NFD_BATCH	1024
#define NFD_MAXEXP	4096		/* exporters (SysIDs) per file */
#define NFD_FMT		"fmt:%tsr|%ter|%exp|%sa|%da|%sp|%dp|%flg|%fwd|" \
			"%pkt|%byt|%opkt"
#define NFD_FILTER	"proto tcp and port in [ 25 587 465 ]"

static const char	*nfd_prog = "nfdump";

void
in_nfdump_program(const char *p)
{
	nfd_prog = p != NULL && *p != '\0' ? p : "nfdump";
}

const char *
in_nfdump_program_name(void)
{
	return nfd_prog;
}

int
in_nfdump_magic(const unsigned char *m, size_t n)
{
	return n >= 4 && m[0] == 0x0c && m[1] == 0xa5 && m[3] == 0 &&
	    (m[2] == 1 || m[2] == 2);
}

/* A running child: its stdout to read, its stderr kept in a file. */
struct nfd_child {
	pid_t	 pid;
	int	 out;
	FILE	*errf;
};

static int
nfd_spawn(struct nfd_child *ch, const char *const argv[], char *err,
    size_t errlen)
{
	int	 p[2];

	memset(ch, 0, sizeof *ch);
	ch->out = -1;
	if ((ch->errf = tmpfile()) == NULL) {
		snprintf(err, errlen, "tmpfile: %s", strerror(errno));
		return -1;
	}
	if (pipe2(p, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		fclose(ch->errf);
		return -1;
	}
	if ((ch->pid = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(p[0]);
		close(p[1]);
		fclose(ch->errf);
		return -1;
	}
	if (ch->pid == 0) {
		char	*av[16];
		size_t	 i;
		int	 devnull = open("/dev/null", O_RDONLY);

		/* exec wants writable strings: copies, in the child. */
		for (i = 0; i < 15 && argv[i] != NULL; i++)
			av[i] = strdup(argv[i]);
		av[i] = NULL;

		if (devnull != -1)
			dup2(devnull, STDIN_FILENO);
		dup2(p[1], STDOUT_FILENO);
		dup2(fileno(ch->errf), STDERR_FILENO);
		signal(SIGINT, SIG_IGN);	/* the parent decides */
		signal(SIGPIPE, SIG_DFL);
		execvp(av[0], av);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	ch->out = p[0];
	return 0;
}

/*
 * Reap the child: 0 if it exited 0, else -1 with its first line of
 * stderr (or its status) in err.  kill: end it first (interrupted, or
 * an error on our side).
 */
static int
nfd_reap(struct nfd_child *ch, int kill_it, const char *path, char *err,
    size_t errlen)
{
	char	 line[512], last[512] = "";
	int	 status = 0, rc = 0;

	if (ch->out != -1)
		close(ch->out);
	ch->out = -1;
	if (kill_it)
		kill(ch->pid, SIGTERM);
	while (waitpid(ch->pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!kill_it && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		rewind(ch->errf);
		/* nfdump's first line says what; later ones may mislead. */
		while (last[0] == '\0' &&
		    fgets(line, sizeof line, ch->errf) != NULL)
			if (line[0] != '\n')
				snprintf(last, sizeof last, "%s", line);
		last[strcspn(last, "\n")] = '\0';
		if (WIFEXITED(status) && WEXITSTATUS(status) == 127 &&
		    strncmp(last, "cannot run", 10) == 0)
			snprintf(err, errlen, "%s (install Debian's nfdump, "
			    "or give its path with --nfdump-program)", last);
		else if (WIFEXITED(status))
			snprintf(err, errlen, "%s: %s exited %d%s%s", path,
			    nfd_prog, WEXITSTATUS(status), last[0] ? ": " :
			    "", last);
		else
			snprintf(err, errlen, "%s: %s killed by signal %d",
			    path, nfd_prog, WTERMSIG(status));
		rc = -1;
	}
	fclose(ch->errf);
	return rc;
}

/* Read all of a (short) child's output; xmalloc'd, NUL-terminated. */
static char *
nfd_slurp(const char *const argv[], const char *path, char *err, size_t errlen)
{
	struct nfd_child	 ch;
	char			*s;
	size_t			 len = 0, cap = 8192;
	ssize_t			 n;

	if (nfd_spawn(&ch, argv, err, errlen) == -1)
		return NULL;
	s = xmalloc(cap);
	for (;;) {
		if (len + 1 == cap)
			s = xreallocarray(s, 2, cap), cap *= 2;
		n = read(ch.out, s + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	s[len] = '\0';
	if (nfd_reap(&ch, 0, path, err, errlen) == -1) {
		free(s);
		return NULL;
	}
	return s;
}

/* "Key: value" in nfdump -I's output; -1 if missing. */
static int
nfd_info_num(const char *s, const char *key, int64_t *v)
{
	size_t		 klen = strlen(key);
	const char	*p = s;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			char	*end;

			errno = 0;
			*v = strtoll(p + klen + 1, &end, 10);
			return errno == 0 && end != p + klen + 1 ? 0 : -1;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

int
in_nfdump_info(const char *path, struct nfd_file *f, char *err,
    size_t errlen)
{
	const char	*argv[] = { nfd_prog, "-I", "-r", path, NULL };
	char		*s;
	struct stat	 sb;
	int64_t		 first, last, mf = 0, ml = 0, flows;

	if (stat(path, &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	f->size = (uint64_t)sb.st_size;
	f->mtime = (int64_t)sb.st_mtime;
	if ((s = nfd_slurp(argv, path, err, errlen)) == NULL)
		return -1;
	if (nfd_info_num(s, "Flows", &flows) == -1 ||
	    nfd_info_num(s, "First", &first) == -1 ||
	    nfd_info_num(s, "Last", &last) == -1) {
		snprintf(err, errlen, "%s: %s -I printed no Flows, First and "
		    "Last: not an nfcapd file it can read", path, nfd_prog);
		free(s);
		return -1;
	}
	nfd_info_num(s, "msec_first", &mf);
	nfd_info_num(s, "msec_last", &ml);
	free(s);
	f->flows = flows > 0 ? (uint64_t)flows : 0;
	f->first_ms = flows > 0 ? first * 1000 + mf : 0;
	f->last_ms = flows > 0 ? last * 1000 + ml : 0;
	return 0;
}

/* Exporter SysID to sampling rate (1: none), from `nfdump -E`. */
struct nfd_rates {
	uint32_t	 rate[NFD_MAXEXP];
};

static long
nfd_field(const char *line, const char *key)
{
	const char	*p = strstr(line, key);

	return p == NULL ? -1 : strtol(p + strlen(key), NULL, 10);
}

static int
nfd_rates(const char *path, struct nfd_rates *r, char *err, size_t errlen)
{
	const char	*argv[] = { nfd_prog, "-E", path, NULL };
	char		*s, *line, *next;
	long		 sysid = -1, iv, sp;
	uint32_t	 rate;
	size_t		 i;

	for (i = 0; i < NFD_MAXEXP; i++)
		r->rate[i] = 0;
	if ((s = nfd_slurp(argv, path, err, errlen)) == NULL)
		return -1;
	for (line = s; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strncmp(line, "SysID:", 6) == 0) {
			sysid = strtol(line + 6, NULL, 10);
			if (sysid < 0 || sysid >= NFD_MAXEXP) {
				snprintf(err, errlen, "%s: exporter SysID %ld "
				    "(more than %d exporters in one file)",
				    path, sysid, NFD_MAXEXP);
				free(s);
				return -1;
			}
			continue;
		}
		if (strstr(line, "Sampler:") == NULL || sysid < 0)
			continue;
		iv = nfd_field(line, "packet interval:");
		sp = nfd_field(line, "packet space:");
		if (iv < 1 || sp < 0)
			continue;
		/* interval packets taken out of every interval + space */
		rate = (uint32_t)((iv + sp) / iv);
		if (rate <= 1)
			continue;
		if (r->rate[sysid] > 1 && r->rate[sysid] != rate) {
			snprintf(err, errlen, "%s: exporter %ld has samplers "
			    "at 1 in %u and 1 in %u, and nfdump does not say "
			    "which record used which", path, sysid,
			    r->rate[sysid], rate);
			free(s);
			return -1;
		}
		r->rate[sysid] = rate;
	}
	free(s);
	return 0;
}

/* Fields of one line, '|'-separated, padded with blanks. */
static char *
nfd_trim(char *p)
{
	char	*e;

	while (*p == ' ')
		p++;
	e = p + strlen(p);
	while (e > p && e[-1] == ' ')
		*--e = '\0';
	return p;
}

static int
nfd_u64(const char *p, uint64_t *v)
{
	char	*end;

	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*v = strtoull(p, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/* "1796331780.206": milliseconds. */
static int
nfd_ms(const char *p, int64_t *ms)
{
	uint64_t	 s = 0, frac = 0;
	int		 digits = 0;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (s > (uint64_t)INT64_MAX / 10000)
			return -1;
		s = s * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			if (digits < 3) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
	if (*p != '\0')
		return -1;
	for (; digits < 3; digits++)
		frac *= 10;
	*ms = (int64_t)(s * 1000 + frac);
	return 0;
}

static int
nfd_addr(const char *p, uint8_t a[16], uint8_t *family)
{
	uint8_t	 v4[4];

	if (inet_pton(AF_INET, p, v4) == 1) {
		flow_addr_v4(a, v4);
		*family = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, p, a) == 1) {
		*family = 6;
		return 0;
	}
	return -1;
}

/* "...AP.SF" (CWR ECE URG ACK PSH RST SYN FIN): the flag bits. */
static int
nfd_flags(const char *p, uint8_t *fl)
{
	static const char	 names[] = "CEUAPRSF";
	size_t			 i, n = strlen(p);

	*fl = 0;
	if (n != 8)
		return -1;
	for (i = 0; i < 8; i++) {
		if (p[i] == names[i])
			*fl |= (uint8_t)(0x80 >> i);
		else if (p[i] != '.')
			return -1;
	}
	return 0;
}

/* Per file: exporters that sent TCP flags at least once. */
struct nfd_parse {
	const struct nfd_rates	*rates;
	uint8_t			 seen_flags[NFD_MAXEXP];
	struct nfd_stats	*st;
};

/* One line into a flow; -1 if it does not parse. */
static int
nfd_line(struct nfd_parse *ps, char *line, struct flow *f)
{
	char		*fld[12], *p = line;
	uint64_t	 v, sysid, pkts, octs, opkts;
	size_t		 n = 0;

	while (n < 12) {
		fld[n++] = p;
		if ((p = strchr(p, '|')) == NULL)
			break;
		*p++ = '\0';
	}
	if (n != 12 || p != NULL)
		return -1;
	for (n = 0; n < 12; n++)
		fld[n] = nfd_trim(fld[n]);
	memset(f, 0, sizeof *f);
	if (nfd_ms(fld[0], &f->start_ms) == -1 ||
	    nfd_ms(fld[1], &f->end_ms) == -1 ||
	    nfd_u64(fld[2], &sysid) == -1 || sysid >= NFD_MAXEXP ||
	    nfd_addr(fld[3], f->src, &f->family) == -1 ||
	    nfd_addr(fld[4], f->dst, &f->family) == -1 ||
	    nfd_u64(fld[5], &v) == -1 || v > 65535)
		return -1;
	f->sport = (uint16_t)v;
	if (nfd_u64(fld[6], &v) == -1 || v > 65535)
		return -1;
	f->dport = (uint16_t)v;
	if (nfd_flags(fld[7], &f->tcp_flags) == -1 ||
	    nfd_u64(fld[8], &v) == -1 || v > 255 ||
	    nfd_u64(fld[9], &pkts) == -1 || nfd_u64(fld[10], &octs) == -1 ||
	    nfd_u64(fld[11], &opkts) == -1)
		return -1;
	/* RFC 7270: the status class in the top two bits. */
	f->fwd = (v >> 6) == 1 ? FLOW_FWD_FORWARDED : (v >> 6) == 2 ?
	    FLOW_FWD_DROPPED : FLOW_FWD_UNKNOWN;
	f->proto = FLOW_PROTO_TCP;
	f->packets = pkts;
	f->octets = octs;
	f->sampling = 1;
	/* Reverse counters prove an answer; zero proves nothing (nfdump
	 * prints 0 for records that carry none). */
	f->answered = opkts > 0 ? FLOW_ANS_YES : FLOW_ANS_UNKNOWN;
	if (ps->rates->rate[sysid] > 1) {
		f->sampling = ps->rates->rate[sysid];
		f->flags |= FLOW_F_SAMPLED;
		ps->st->sampled++;
		if (f->sampling > ps->st->sampling)
			ps->st->sampling = f->sampling;
	}
	if (f->tcp_flags != 0)
		ps->seen_flags[sysid] = 1;
	else {
		ps->st->noflags++;
		if (!ps->seen_flags[sysid])
			f->flags |= FLOW_F_NOFLAGS;
	}
	return 0;
}

int
in_nfdump_read(const char *path, const char *filter, struct nfd_stats *st,
    void (*process)(void *, const struct flow *, size_t), void *arg,
    volatile sig_atomic_t *stop, char *err, size_t errlen)
{
	const char		*argv[] = { nfd_prog, "-q", "-N", "-6", "-r",
				    path, "-o", NFD_FMT, filter != NULL ? filter :
				    NFD_FILTER, NULL };
	struct nfd_rates	*rates;
	struct nfd_parse	*ps;
	struct nfd_child	 ch;
	struct flow		*batch;
	char			*buf, *line, *nl;
	size_t			 cap = 1 << 16, len = 0, nb = 0, off;
	ssize_t			 n;
	int			 rc = 0, eof = 0;

	rates = xcalloc(1, sizeof *rates);
	if (nfd_rates(path, rates, err, errlen) == -1) {
		free(rates);
		return -1;
	}
	if (nfd_spawn(&ch, argv, err, errlen) == -1) {
		free(rates);
		return -1;
	}
	ps = xcalloc(1, sizeof *ps);
	ps->rates = rates;
	ps->st = st;
	if (st->sampling == 0)
		st->sampling = 1;
	batch = xcalloc(NFD_BATCH, sizeof *batch);
	buf = xmalloc(cap);
	while (!eof) {
		if (stop != NULL && *stop) {
			rc = -2;
			break;
		}
		n = read(ch.out, buf + len, cap - len - 1);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: reading from %s: %s", path,
			    nfd_prog, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0) {
			eof = 1;
			if (len > 0 && buf[len - 1] != '\n')
				buf[len++] = '\n';	/* a last line */
		}
		len += (size_t)n;
		buf[len] = '\0';
		off = 0;
		while ((nl = memchr(buf + off, '\n', len - off)) != NULL) {
			*nl = '\0';
			line = buf + off;
			off = (size_t)(nl - buf) + 1;
			if (*line == '\0' || strncmp(line, "No matching",
			    11) == 0)
				continue;
			if (nfd_line(ps, line, &batch[nb]) == -1) {
				st->bad_lines++;
				continue;
			}
			st->records++;
			if (++nb == NFD_BATCH) {
				process(arg, batch, nb);
				nb = 0;
			}
		}
		memmove(buf, buf + off, len - off);
		len -= off;
		if (len + 1 == cap) {
			snprintf(err, errlen, "%s: a line of %zu bytes from %s",
			    path, len, nfd_prog);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && nb > 0)
		process(arg, batch, nb);
	if (nfd_reap(&ch, rc != 0, path, err, errlen) == -1 && rc == 0)
		rc = -1;
	free(buf);
	free(batch);
	free(ps);
	free(rates);
	return rc;
}
