/*
 * Static assets compiled into the binary (web/assets_gen.c is generated
 * from web/assets/ by tools/embed.sh at build time).  The page paths all
 * serve the same HTML shell; its script renders by path.
 */
#include <string.h>

#include "web.h"
#include "web_assets.h"

int
assets_handler(const struct web_req *req, struct web_resp *resp)
{
	const struct web_asset	*a;
	const char		*path = req->path;

	if (strncmp(path, "/static/", 8) != 0)
		path = "/static/index.html";
	for (a = web_assets; a->path != NULL; a++)
		if (strcmp(a->path, path) == 0) {
			resp->status = 200;
			resp->type = a->type;
			resp->fixed = a->data;
			resp->fixedlen = a->len;
			resp->cache = "max-age=300";
			return 0;
		}
	return web_error(resp, 404, "no such file");
}
