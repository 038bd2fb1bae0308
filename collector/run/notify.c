/*
 * sd_notify(3) without libsystemd: one datagram a state to the socket
 * of $NOTIFY_SOCKET.  The watchdog interval comes from $WATCHDOG_USEC
 * (and $WATCHDOG_PID, when set, must be ours).
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "notify.h"

int
notify_send(const char *state)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	socklen_t		 len;
	size_t			 n;
	int			 fd, rc;

	if (path == NULL || (path[0] != '/' && path[0] != '@'))
		return 0;
	if ((n = strlen(path)) >= sizeof sun.sun_path)
		return -1;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, n);
	if (path[0] == '@')
		sun.sun_path[0] = '\0';		/* abstract */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n +
	    (path[0] == '/'));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	rc = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, len) == -1 ? -1 : 0;
	close(fd);
	return rc;
}

int64_t
notify_watchdog_ms(void)
{
	const char	*us = getenv("WATCHDOG_USEC"), *pid;
	char		*end;
	long long	 v;

	if (us == NULL)
		return 0;
	if ((pid = getenv("WATCHDOG_PID")) != NULL &&
	    strtoll(pid, NULL, 10) != (long long)getpid())
		return 0;
	errno = 0;
	v = strtoll(us, &end, 10);
	if (errno != 0 || *end != '\0' || v <= 0)
		return 0;
	return v / 1000 > 0 ? v / 1000 : 1;
}
