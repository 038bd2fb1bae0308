/*
 * notify: systemd's service notification protocol (sd_notify(3)),
 * spoken without libsystemd: datagrams to the unix socket that
 * $NOTIFY_SOCKET names ("@" for the abstract namespace).  Nothing is
 * sent when the variable is unset (not under systemd, or Type=simple).
 */
#ifndef OP25B_NOTIFY_H
#define OP25B_NOTIFY_H

#include <stdint.h>

/* Send a state ("READY=1", "STOPPING=1", "WATCHDOG=1", ...); 0 or -1. */
int	 notify_send(const char *);
/*
 * The watchdog interval systemd asks for ($WATCHDOG_USEC, for this
 * process if $WATCHDOG_PID says whose), in ms; 0 when none.
 */
int64_t	 notify_watchdog_ms(void);

#endif
