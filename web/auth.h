/*
 * auth: the dashboard's own authentication (web/auth.c).  [web]
 * users_file (htpasswd, crypt(3) hashes) for HTTP Basic, [web]
 * tokens_file ("name:token") for Bearer tokens; [web] top_users names
 * the users who may read top senders.
 */
#ifndef OP25B_AUTH_H
#define OP25B_AUTH_H

#include <stddef.h>

#include "conf.h"

#define AUTH_NAME_MAX	64	/* bytes of a user name, NUL included */

/*
 * The Authorization header against the files of the config: 1 with the
 * user's name, 0 when there is no header, -1 when it is wrong (an
 * unknown user, a wrong password or token, a scheme no file serves).
 */
int	auth_check(const struct conf *, const char *, char *, size_t);
/* 1 if the user may read top senders ([web] top_users). */
int	auth_has_role(const struct conf *, const char *);

#endif
