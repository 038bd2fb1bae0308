/*
 * op25b import: check a peer's bundle (a file or a URL) and install it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "bundle.h"
#include "cmd.h"
#include "datadir.h"
#include "fetch.h"
#include "manifest.h"
#include "secret.h"
#include "sig.h"
#include "utc.h"

/* The [peer] whose url is this one, for its token; -1 if none. */
static int
cmd_import_peer(const struct conf *c, const char *url)
{
	size_t	 i;

	for (i = 0; i < c->npeers; i++)
		if (c->peers[i].url != NULL && strcmp(c->peers[i].url, url) == 0)
			return (int)i;
	return -1;
}

int
cmd_import(const struct cmd_entry *ce, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct bundle_info	 info;
	struct conf		*c;
	struct buf		 in, token;
	const char		*path = NULL, *src;
	char			 err[1024], g[32], chunk[65536];
	char			 dir[DATADIR_PATH_MAX];
	int			 ch, rc = CMD_EXIT_ERROR, peer;
	size_t			 n;
	FILE			*f;

	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			path = optarg;
			break;
		case 'h':
			return cmd_help(ce);
		default:
			return cmd_usage(ce, "unknown option or missing argument "
			    "\"%s\"", argv[optind - 1]);
		}
	}
	if (path == NULL)
		return cmd_usage(ce, "no configuration file (-c FILE)");
	if (argc - optind != 1)
		return cmd_usage(ce, "one BUNDLE file or URL");
	src = argv[optind];
	if ((c = cmd_conf(path)) == NULL)
		return CMD_EXIT_USAGE;
	buf_init(&in, BUNDLE_MAX + 1);
	buf_init(&token, 4096);
	if (strncmp(src, "http://", 7) == 0 || strncmp(src, "https://", 8) ==
	    0) {
		fetch_init();
		if ((peer = cmd_import_peer(c, src)) != -1 &&
		    c->peers[peer].token_file != NULL &&
		    secret_token_read(c->peers[peer].token_file, &token, err,
		    sizeof err) == -1) {
			fprintf(stderr, "op25b import: %s\n", err);
			goto out;
		}
		if (fetch_url(src, token.len > 0 ? buf_str(&token) : NULL, 300,
		    NULL, &in, err, sizeof err) == -1) {
			fprintf(stderr, "op25b import: %s\n", err);
			goto out;
		}
	} else {
		if ((f = fopen(src, "rb")) == NULL) {
			fprintf(stderr, "op25b import: %s: %s\n", src,
			    strerror(errno));
			goto out;
		}
		while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 &&
		    buf_add(&in, chunk, n) == 0)
			;
		fclose(f);
		if (in.overflow) {
			fprintf(stderr, "op25b import: %s: larger than %d "
			    "bytes\n", src, BUNDLE_MAX);
			goto out;
		}
	}
	if (bundle_import(c, NULL, (const uint8_t *)in.data, in.len,
	    cmd_now_ms(), &info, err, sizeof err) != 0) {
		fprintf(stderr, "op25b import: %s: %s\n", src, err);
		goto out;
	}
	utc_format(info.generated_ms / 1000, g, sizeof g);
	datadir_peer(c, info.site, dir, sizeof dir);
	printf("imported site %s (%s, generated %s, %zu files, key %s) into "
	    "%s\n", info.site, manifest_kind_name(info.kind), g, info.files,
	    info.key, dir);
	rc = CMD_EXIT_OK;
out:
	buf_free(&in);
	buf_free(&token);
	conf_free(c);
	return rc;
}
