/*
 * listen: the daemon's flow sockets.  UDP sockets receive in batches
 * (recvmmsg, LISTEN_BATCH datagrams of up to 64 KiB: 4 MiB of buffers a
 * batch) with the kernel's drop counter (SO_RXQ_OVFL) read from each
 * datagram; TCP IPFIX connections are read into a per-connection buffer
 * of at most one message (64 KiB) and cut into messages by the IPFIX
 * length field.  Connections are capped (LISTEN_MAXCONN); the daemon
 * checks the allow-list when it accepts one, caps those of one address
 * ([listen] tcp_per_source) and closes those idle for [listen] tcp_idle
 * seconds, and never closes one to make room for another.
 */
#ifndef OP25B_LISTEN_H
#define OP25B_LISTEN_H

#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>

#define LISTEN_BATCH	64
#define LISTEN_DGRAM	65536
#define LISTEN_MAXCONN	256

struct listen_batch {
	size_t		 n;
	uint8_t		*buf[LISTEN_BATCH];
	size_t		 len[LISTEN_BATCH];
	uint8_t		 addr[LISTEN_BATCH][16];	/* v4 as ::ffff:a.b.c.d */
	uint16_t	 port[LISTEN_BATCH];
	uint32_t	 drops;		/* kernel drop counter, cumulative */
	int		 have_drops;
	void		*priv;		/* mmsghdr etc. */
};

/* What became of TCP connections (the daemon counts, snapshots show). */
struct listen_tcp_stats {
	uint64_t	 open;		/* now */
	uint64_t	 accepted;
	uint64_t	 outside;	/* refused: not in [listen] allow */
	uint64_t	 per_source;	/* refused: tcp_per_source reached */
	uint64_t	 full;		/* refused: LISTEN_MAXCONN open */
	uint64_t	 idle;		/* closed after tcp_idle seconds */
};

/* One TCP IPFIX connection. */
struct listen_conn {
	int		 fd;
	uint8_t		 addr[16];
	uint16_t	 port;
	uint8_t		*buf;
	size_t		 len;
	uint64_t	 messages;
	int64_t		 last_ms;	/* accepted or last read, daemon clock */
};

/* Parse "addr:port", "[v6]:port" or ":port"; 0 or -1 with a message. */
int	listen_parse(const char *, struct sockaddr_storage *, socklen_t *,
	    char *, size_t);
/* A bound non-blocking UDP socket with the receive buffer asked for. */
int	listen_udp(const char *, uint64_t, char *, size_t);
/* A listening non-blocking TCP socket. */
int	listen_tcp(const char *, char *, size_t);
/* Bound port of a socket (for ":0" in tests). */
int	listen_port(int);

struct listen_batch *listen_batch_new(void);
void	listen_batch_free(struct listen_batch *);
/* Receive up to LISTEN_BATCH datagrams; count, 0 if none, -1 error. */
int	listen_recv(int, struct listen_batch *);

/* Accept one connection (NULL if none or on error). */
struct listen_conn *listen_accept(int);
void	listen_conn_free(struct listen_conn *);
/*
 * Read what the connection has; each complete message is handed to the
 * callback.  Returns 0 to keep the connection, -1 when it closed or
 * broke (a partial message left in the buffer is handed over as is).
 */
int	listen_conn_read(struct listen_conn *,
	    void (*)(void *, struct listen_conn *, const uint8_t *, size_t),
	    void *);

#endif
