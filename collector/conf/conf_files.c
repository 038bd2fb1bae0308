/*
 * The secret files a configuration names, read as their users will read
 * them (secret.h's rule; the token format; the site's key as sig reads
 * it, which refuses an old HMAC key with the migration).  The configuration parser
 * never opens them; op25b check and op25bd -n refuse a configuration
 * whose files are wrong, op25bd warns at start-up and on reload.  Export
 * tokens must differ from one another: a peer whose token is also the
 * shared one, or another peer's, could not be revoked alone.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "conf.h"
#include "secret.h"
#include "sig.h"

#define CONF_SLOT_KEY	0	/* [export] key_file */
#define CONF_SLOT_WEB	1	/* [web] export_token_file */
#define CONF_SLOT_PEERS	2	/* then two per peer */

/*
 * Slot i: the site's key, the shared export token, then each peer's
 * token_file and export_token_file.  The file (NULL if not set), its
 * "[section] key" label and whether it is an export token; -1 past the
 * last slot.
 */
static int
conf_file_slot(const struct conf *c, size_t i, const char **path,
    char *label, size_t labellen, int *export)
{
	const struct conf_peer	*p;

	*export = 0;
	if (i == CONF_SLOT_KEY) {
		*path = c->export_key_file;
		snprintf(label, labellen, "[export] key_file");
		return 0;
	}
	if (i == CONF_SLOT_WEB) {
		*path = c->export_token_file;
		snprintf(label, labellen, "[web] export_token_file");
		*export = 1;
		return 0;
	}
	i -= CONF_SLOT_PEERS;
	if (i >= 2 * c->npeers)
		return -1;
	p = &c->peers[i / 2];
	*export = i % 2 == 1;
	*path = *export ? p->export_token_file : p->token_file;
	snprintf(label, labellen, "[peer %s] %s", p->name,
	    *export ? "export_token_file" : "token_file");
	return 0;
}

/* The site's secret key, read and thrown away. */
static int
conf_check_key(const char *path, const char *label, char *err,
    size_t errlen)
{
	struct sig_secret	 s;
	char			 e[1024];

	if (sig_secret_read(path, &s, e, sizeof e) == -1) {
		snprintf(err, errlen, "%s: %s", label, e);
		return -1;
	}
	sig_secret_clear(&s);
	return 0;
}

int
conf_check_file(const struct conf *c, size_t i, char *err, size_t errlen)
{
	struct buf	 tok, other;
	const char	*path, *opath;
	char		 label[CONF_NAME_MAX + 32], olabel[CONF_NAME_MAX + 32];
	char		 e[512];
	size_t		 j;
	int		 export, oexport, rc = 0;

	if (conf_file_slot(c, i, &path, label, sizeof label, &export) == -1)
		return 1;
	if (path == NULL)
		return 0;
	if (i == CONF_SLOT_KEY)
		return conf_check_key(path, label, err, errlen);
	buf_init(&tok, SECRET_MAX);
	buf_init(&other, SECRET_MAX);
	if (secret_token_read(path, &tok, e, sizeof e) == -1) {
		snprintf(err, errlen, "%s: %s", label, e);
		rc = -1;
	}
	for (j = 0; j < i && rc == 0 && export; j++) {
		conf_file_slot(c, j, &opath, olabel, sizeof olabel, &oexport);
		if (!oexport || opath == NULL ||
		    secret_token_read(opath, &other, e, sizeof e) == -1)
			continue;
		if (other.len == tok.len &&
		    memcmp(other.data, tok.data, tok.len) == 0) {
			snprintf(err, errlen, "%s: %s holds the same token as "
			    "%s (%s): each peer needs its own to be revoked "
			    "alone", label, path, olabel, opath);
			rc = -1;
		}
		secret_clear(other.data, other.len);
	}
	secret_clear(tok.data, tok.len);
	buf_free(&tok);
	buf_free(&other);
	return rc;
}
