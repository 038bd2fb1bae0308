/*
 * web_assets: the table of files compiled into op25bd (generated from
 * web/assets/ by tools/embed.sh into web/assets_gen.c).
 */
#ifndef OP25B_WEB_ASSETS_H
#define OP25B_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char		*path;	/* "/static/app.js" */
	const char		*type;	/* Content-Type */
	const unsigned char	*data;
	size_t			 len;
};

/* Ends with an entry whose path is NULL. */
extern const struct web_asset web_assets[];

#endif
