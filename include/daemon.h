/*
 * daemon: op25bd's event loop.  One thread owns every socket and pcap
 * handle: UDP flow sockets (NetFlow v5/v9 on one port, dispatched on the
 * version field; IPFIX on another; sFlow v5 on a third), IPFIX over TCP,
 * pcap taps (live or file replay).  Flows go through the exporter table and the skew check
 * into collect; once a second due bins are written, trackers expire and
 * counters are logged (rate-limited).  SIGHUP reloads the config, SIGTERM
 * and SIGINT commit every open bin and return.
 */
#ifndef OP25B_DAEMON_H
#define OP25B_DAEMON_H

#include "conf.h"

struct daemon;

/* Open sockets and taps for a config (taken over); NULL with a message. */
struct daemon	*daemon_new(struct conf *, char *, size_t);
/*
 * Open the RRD files and read the checkpoint journal (after privileges
 * are dropped; nothing for a read-only daemon).  0 or -1.
 */
int		 daemon_open_store(struct daemon *, char *, size_t);
/*
 * Start the web server and the peer pulls (after privileges are
 * dropped: the sockets were bound by daemon_new).  0 or -1.
 */
int		 daemon_threads(struct daemon *, char *, size_t);
/* Run until SIGTERM/SIGINT; 0 after a clean stop, -1 on a fatal error. */
int		 daemon_run(struct daemon *);
void		 daemon_free(struct daemon *);
/* Signal flags, set by handlers installed with daemon_signals(). */
void		 daemon_signals(void);

#endif
