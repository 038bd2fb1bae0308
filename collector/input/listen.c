/*
 * Flow sockets.  UDP: recvmmsg into a fixed set of 64 KiB buffers, the
 * source address normalised to 16 bytes, and the kernel's per-socket
 * drop counter taken from the SO_RXQ_OVFL control message.  TCP (IPFIX,
 * RFC 7011 section 10.4): a byte stream of messages whose header says
 * their length; we buffer at most one message per connection.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "bytes.h"
#include "flow.h"
#include "listen.h"
#include "xmalloc.h"

#ifndef SO_RXQ_OVFL
#define SO_RXQ_OVFL	40
#endif

#define LISTEN_CTRL	64

struct listen_priv {
	struct mmsghdr		 msg[LISTEN_BATCH];
	struct iovec		 iov[LISTEN_BATCH];
	struct sockaddr_storage	 from[LISTEN_BATCH];
	char			 ctrl[LISTEN_BATCH][LISTEN_CTRL];
};

int
listen_parse(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
    char *err, size_t errlen)
{
	struct sockaddr_in	*sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)ss;
	char			 host[ADDR_STRLEN];
	const char		*colon, *end;
	unsigned long		 port;
	size_t			 n;

	memset(ss, 0, sizeof *ss);
	if (s[0] == '[') {
		if ((end = strchr(s, ']')) == NULL || end[1] != ':')
			goto bad;
		n = (size_t)(end - s - 1);
		colon = end + 1;
		s++;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			goto bad;
		n = (size_t)(colon - s);
	}
	if (n >= sizeof host)
		goto bad;
	memcpy(host, s, n);
	host[n] = '\0';
	port = strtoul(colon + 1, NULL, 10);
	if (port > 65535)
		goto bad;
	if (n == 0 || strchr(host, ':') != NULL) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		if (n > 0 && inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			goto bad;
		*sslen = sizeof *sin6;
	} else {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			goto bad;
		*sslen = sizeof *sin;
	}
	return 0;
bad:
	snprintf(err, errlen, "\"%s\" is not address:port", s);
	return -1;
}

/* A socket bound to the address, non-blocking, close-on-exec. */
static int
listen_socket(const char *where, int type, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sslen;
	int			 fd, on = 1, off = 0;

	if (listen_parse(where, &ss, &sslen, err, errlen) == -1)
		return -1;
	fd = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "%s: socket: %s", where, strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	/* "[::]:port" takes IPv4 too, as users expect of a wildcard. */
	if (ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
	if (bind(fd, (struct sockaddr *)&ss, sslen) == -1) {
		snprintf(err, errlen, "%s: bind: %s", where, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
listen_udp(const char *where, uint64_t rcvbuf, char *err, size_t errlen)
{
	int	 fd, on = 1, size;

	if ((fd = listen_socket(where, SOCK_DGRAM, err, errlen)) == -1)
		return -1;
	size = rcvbuf > (uint64_t)INT32_MAX ? INT32_MAX : (int)rcvbuf;
	/* FORCE passes rmem_max when we may; else take what we get. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
	    sizeof size) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
	return fd;
}

int
listen_tcp(const char *where, char *err, size_t errlen)
{
	int	 fd;

	if ((fd = listen_socket(where, SOCK_STREAM, err, errlen)) == -1)
		return -1;
	if (listen(fd, 64) == -1) {
		snprintf(err, errlen, "%s: listen: %s", where, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
listen_port(int fd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;

	if (getsockname(fd, (struct sockaddr *)&ss, &len) == -1)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/* A socket address as 16 bytes and a port. */
static void
listen_addr(const struct sockaddr_storage *ss, uint8_t a[16], uint16_t *port)
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	if (ss->ss_family == AF_INET) {
		flow_addr_v4(a, (const uint8_t *)&sin->sin_addr);
		*port = ntohs(sin->sin_port);
	} else {
		memcpy(a, &sin6->sin6_addr, 16);
		*port = ntohs(sin6->sin6_port);
	}
}

struct listen_batch *
listen_batch_new(void)
{
	struct listen_batch	*b;
	struct listen_priv	*p;
	size_t			 i;

	b = xcalloc(1, sizeof *b);
	p = b->priv = xcalloc(1, sizeof *p);
	for (i = 0; i < LISTEN_BATCH; i++) {
		b->buf[i] = xmalloc(LISTEN_DGRAM);
		p->iov[i].iov_base = b->buf[i];
		p->iov[i].iov_len = LISTEN_DGRAM;
	}
	return b;
}

void
listen_batch_free(struct listen_batch *b)
{
	size_t	 i;

	if (b == NULL)
		return;
	for (i = 0; i < LISTEN_BATCH; i++)
		free(b->buf[i]);
	free(b->priv);
	free(b);
}

int
listen_recv(int fd, struct listen_batch *b)
{
	struct listen_priv	*p = b->priv;
	struct cmsghdr		*cm;
	size_t			 i;
	int			 n;

	for (i = 0; i < LISTEN_BATCH; i++) {
		memset(&p->msg[i].msg_hdr, 0, sizeof p->msg[i].msg_hdr);
		p->msg[i].msg_hdr.msg_name = &p->from[i];
		p->msg[i].msg_hdr.msg_namelen = sizeof p->from[i];
		p->msg[i].msg_hdr.msg_iov = &p->iov[i];
		p->msg[i].msg_hdr.msg_iovlen = 1;
		p->msg[i].msg_hdr.msg_control = p->ctrl[i];
		p->msg[i].msg_hdr.msg_controllen = LISTEN_CTRL;
	}
	b->n = 0;
	n = recvmmsg(fd, p->msg, LISTEN_BATCH, MSG_DONTWAIT, NULL);
	if (n == -1)
		return (errno == EAGAIN || errno == EWOULDBLOCK ||
		    errno == EINTR) ? 0 : -1;
	for (i = 0; i < (size_t)n; i++) {
		b->len[i] = p->msg[i].msg_len;
		listen_addr(&p->from[i], b->addr[i], &b->port[i]);
		for (cm = CMSG_FIRSTHDR(&p->msg[i].msg_hdr); cm != NULL;
		    cm = CMSG_NXTHDR(&p->msg[i].msg_hdr, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SO_RXQ_OVFL &&
			    cm->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
				memcpy(&b->drops, CMSG_DATA(cm),
				    sizeof b->drops);
				b->have_drops = 1;
			}
	}
	b->n = (size_t)n;
	return n;
}

struct listen_conn *
listen_accept(int lfd)
{
	struct sockaddr_storage	 ss;
	socklen_t		 len = sizeof ss;
	struct listen_conn	*c;
	int			 fd;

	fd = accept4(lfd, (struct sockaddr *)&ss, &len,
	    SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd == -1)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	listen_addr(&ss, c->addr, &c->port);
	c->buf = xmalloc(LISTEN_DGRAM);
	return c;
}

void
listen_conn_free(struct listen_conn *c)
{
	if (c == NULL)
		return;
	if (c->fd != -1)
		close(c->fd);
	free(c->buf);
	free(c);
}

int
listen_conn_read(struct listen_conn *c,
    void (*cb)(void *, struct listen_conn *, const uint8_t *, size_t),
    void *arg)
{
	size_t		 want, off;
	ssize_t		 n;
	int		 rc = 0;

	for (;;) {
		n = read(c->fd, c->buf + c->len, LISTEN_DGRAM - c->len);
		if (n == -1 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = -1;
			break;
		}
		c->len += (size_t)n;
		/* Cut complete messages; the header says how long. */
		for (off = 0; c->len - off >= 4; off += want) {
			want = be16(c->buf + off + 2);
			if (want < 16) {
				/* Not IPFIX framing: give it up as is. */
				cb(arg, c, c->buf + off, c->len - off);
				c->len = 0;
				return -1;
			}
			if (c->len - off < want)
				break;
			c->messages++;
			cb(arg, c, c->buf + off, want);
		}
		memmove(c->buf, c->buf + off, c->len - off);
		c->len -= off;
	}
	if (rc == -1 && c->len > 0) {
		/* Half a message and a close: the decoder counts it. */
		cb(arg, c, c->buf, c->len);
		c->len = 0;
	}
	return rc;
}
