/*
 * Who a request comes from: HTTP Basic against [web] users_file (the
 * htpasswd format: "name:hash" lines, crypt(3) hashes as libxcrypt
 * verifies them: bcrypt $2b$/$2y$, sha512-crypt $6$, sha256-crypt $5$,
 * yescrypt $y$), or a Bearer token of [web] tokens_file ("name:token"
 * lines, compared in constant time).  Both files follow the secret rule
 * (secret.h: owned by the account, mode 600 or stricter) and are read
 * again when their size or modification time changes.  A verified
 * Basic credential is remembered for AUTH_CACHE_S seconds (by the
 * SHA-256 of name, password and hash, so a changed hash forgets it):
 * a dashboard's dozens of requests cost one crypt(3), and bcrypt's cost
 * is paid once per user and minute, not per graph.
 */
#include <sys/stat.h>

#include <crypt.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "auth.h"
#include "buf.h"
#include "digest.h"
#include "log.h"
#include "secret.h"
#include "xmalloc.h"

#define AUTH_CACHE	64	/* credentials remembered */
#define AUTH_CACHE_S	60
#define AUTH_FILE_MAX	(1024 * 1024)

struct auth_entry {
	char	*name;
	char	*secret;	/* hash (users) or token (tokens) */
};

struct auth_file {
	char			*path;
	off_t			 size;
	struct timespec		 mtime;
	int			 loaded;
	struct auth_entry	*e;
	size_t			 n;
};

static pthread_mutex_t	 auth_mu = PTHREAD_MUTEX_INITIALIZER;
static struct auth_file	 auth_users, auth_tokens;
static struct {
	uint8_t	 key[DIGEST_LEN];
	char	 name[AUTH_NAME_MAX];
	time_t	 until;
} auth_cache[AUTH_CACHE];
static struct log_limit	 auth_log = LOG_LIMIT_INIT(60, 10);

static void
auth_file_clear(struct auth_file *f)
{
	size_t	 i;

	for (i = 0; i < f->n; i++) {
		free(f->e[i].name);
		secret_clear(f->e[i].secret, strlen(f->e[i].secret));
		free(f->e[i].secret);
	}
	free(f->e);
	f->e = NULL;
	f->n = 0;
	f->loaded = 0;
}

/*
 * (Re)load path into f if it changed.  A file that cannot be read or
 * breaks the secret rule leaves no entry (logged): nobody gets in until
 * it is fixed.  Called with auth_mu held.
 */
static void
auth_file_load(struct auth_file *f, const char *path)
{
	struct stat	 sb;
	char		*text, *line, *next, *colon, err[512];
	size_t		 len, k;

	if (f->path == NULL || strcmp(f->path, path) != 0) {
		auth_file_clear(f);
		free(f->path);
		f->path = xstrdup(path);
	} else if (f->loaded && stat(path, &sb) == 0 && sb.st_size == f->size &&
	    sb.st_mtim.tv_sec == f->mtime.tv_sec &&
	    sb.st_mtim.tv_nsec == f->mtime.tv_nsec)
		return;
	if (stat(path, &sb) == -1) {
		log_limited(&auth_log, "%s: %s", path, strerror(errno));
		auth_file_clear(f);
		return;
	}
	text = xmalloc(AUTH_FILE_MAX + 1);
	if (secret_read(path, text, AUTH_FILE_MAX, &len, err, sizeof err) ==
	    -1) {
		log_limited(&auth_log, "%s", err);
		auth_file_clear(f);
		free(text);
		return;
	}
	text[len] = '\0';
	auth_file_clear(f);
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		k = strlen(line);
		if (k > 0 && line[k - 1] == '\r')
			line[--k] = '\0';
		if (k == 0 || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL || colon == line ||
		    (size_t)(colon - line) >= AUTH_NAME_MAX ||
		    colon[1] == '\0') {
			log_limited(&auth_log, "%s: a line is not NAME:SECRET "
			    "(skipped)", path);
			continue;
		}
		*colon = '\0';
		f->e = xreallocarray(f->e, f->n + 1, sizeof *f->e);
		f->e[f->n].name = xstrdup(line);
		f->e[f->n].secret = xstrdup(colon + 1);
		f->n++;
	}
	secret_clear(text, len);
	free(text);
	f->size = sb.st_size;
	f->mtime = sb.st_mtim;
	f->loaded = 1;
}

/* Decode standard base64 (padding optional); the length or -1. */
static int
auth_b64(const char *s, char *out, size_t max)
{
	static const char	 a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char		*p;
	unsigned		 v = 0;
	size_t			 n = 0;
	int			 bits = 0;

	for (; *s != '\0' && *s != '='; s++) {
		if ((p = strchr(a, *s)) == NULL || *s == '\0')
			return -1;
		v = v << 6 | (unsigned)(p - a);
		if ((bits += 6) >= 8) {
			bits -= 8;
			if (n + 1 >= max)
				return -1;
			out[n++] = (char)(v >> bits & 0xff);
		}
	}
	while (*s == '=')
		s++;
	if (*s != '\0')
		return -1;
	out[n] = '\0';
	return (int)n;
}

/*
 * Basic: "name:password" against the users file.  Called with auth_mu
 * held; it is let go during crypt(3) (bcrypt takes tens of ms), so that
 * other requests, remembered credentials and tokens, go on meanwhile.
 */
static int
auth_basic(const char *b64, char *user, size_t userlen)
{
	struct crypt_data	*cd;
	char			 cred[1024], hash[512], *pw, *out;
	uint8_t			 key[DIGEST_LEN];
	time_t			 now = time(NULL);
	size_t			 i, slot;
	int			 n, ok = 0;
	struct buf		 kb;

	if ((n = auth_b64(b64, cred, sizeof cred)) < 0 ||
	    memchr(cred, '\0', (size_t)n) != NULL ||
	    (pw = strchr(cred, ':')) == NULL)
		return -1;
	*pw++ = '\0';
	for (i = 0; i < auth_users.n; i++)
		if (strcmp(auth_users.e[i].name, cred) == 0)
			break;
	if (i == auth_users.n || strlen(auth_users.e[i].secret) >=
	    sizeof hash) {
		secret_clear(cred, sizeof cred);
		return -1;
	}
	snprintf(hash, sizeof hash, "%s", auth_users.e[i].secret);
	buf_init(&kb, sizeof cred + sizeof hash);
	buf_add(&kb, cred, strlen(cred) + 1);
	buf_add(&kb, pw, strlen(pw) + 1);
	buf_add(&kb, hash, strlen(hash));
	digest_sha256(kb.data, kb.len, key);
	secret_clear(kb.data, kb.len);
	buf_free(&kb);
	for (i = 0; i < AUTH_CACHE; i++)
		if (auth_cache[i].until > now &&
		    sodium_memcmp(auth_cache[i].key, key, sizeof key) == 0) {
			snprintf(user, userlen, "%s", auth_cache[i].name);
			secret_clear(cred, sizeof cred);
			return 1;
		}

	pthread_mutex_unlock(&auth_mu);
	cd = xcalloc(1, sizeof *cd);
	if ((hash[0] == '$' || hash[0] == '_') &&
	    (out = crypt_r(pw, hash, cd)) != NULL && out[0] != '*' &&
	    strlen(out) == strlen(hash) &&
	    sodium_memcmp(out, hash, strlen(hash)) == 0)
		ok = 1;
	secret_clear(cd, sizeof *cd);
	free(cd);
	pthread_mutex_lock(&auth_mu);

	if (ok) {
		for (i = slot = 0; i < AUTH_CACHE; i++)
			if (auth_cache[i].until < auth_cache[slot].until)
				slot = i;
		memcpy(auth_cache[slot].key, key, sizeof key);
		snprintf(auth_cache[slot].name, sizeof auth_cache[slot].name,
		    "%s", cred);
		auth_cache[slot].until = now + AUTH_CACHE_S;
		snprintf(user, userlen, "%s", cred);
	}
	secret_clear(cred, sizeof cred);
	secret_clear(hash, sizeof hash);
	return ok ? 1 : -1;
}

/* Bearer: a token of the tokens file. */
static int
auth_bearer(const char *tok, char *user, size_t userlen)
{
	size_t	 i, n = strlen(tok);
	int	 hit = -1;

	for (i = 0; i < auth_tokens.n; i++)
		if (strlen(auth_tokens.e[i].secret) == n &&
		    sodium_memcmp(auth_tokens.e[i].secret, tok, n) == 0)
			hit = (int)i;
	if (hit == -1)
		return -1;
	snprintf(user, userlen, "%s", auth_tokens.e[hit].name);
	return 1;
}

int
auth_check(const struct conf *c, const char *header, char *user,
    size_t userlen)
{
	int	 rc = -1;

	user[0] = '\0';
	if (header == NULL)
		return 0;
	pthread_mutex_lock(&auth_mu);
	if (strncasecmp(header, "Basic ", 6) == 0 && c->web_users_file != NULL) {
		auth_file_load(&auth_users, c->web_users_file);
		rc = auth_basic(header + 6 + strspn(header + 6, " "), user,
		    userlen);
	} else if (strncasecmp(header, "Bearer ", 7) == 0 &&
	    c->web_tokens_file != NULL) {
		auth_file_load(&auth_tokens, c->web_tokens_file);
		rc = auth_bearer(header + 7 + strspn(header + 7, " "), user,
		    userlen);
	}
	pthread_mutex_unlock(&auth_mu);
	if (rc != 1)
		user[0] = '\0';
	return rc;
}

int
auth_has_role(const struct conf *c, const char *user)
{
	const char	*p;
	size_t		 n, len = strlen(user);

	if (c->web_top_users == NULL || len == 0)
		return 0;
	for (p = c->web_top_users;; p += n) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			return 0;
		n = strcspn(p, ", \t");
		if (n == len && strncmp(p, user, n) == 0)
			return 1;
	}
}
